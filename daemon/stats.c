/*
 * stats.c - counters and latency rings.  Percentiles are exact over the
 * last STATS_RING_SIZE samples: a sorted copy of 40 KB per STATS call is
 * cheaper than keeping histograms right, and STATS runs off the loop.
 */
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "xmalloc.h"

struct stats stats;

uint64_t
stats_now_usec(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

void
stats_add(_Atomic uint64_t *counter, uint64_t n)
{
    atomic_fetch_add_explicit(counter, n, memory_order_relaxed);
}

void
stats_set(_Atomic uint64_t *gauge, uint64_t v)
{
    atomic_store_explicit(gauge, v, memory_order_relaxed);
}

uint64_t
stats_get(_Atomic uint64_t *counter)
{
    return atomic_load_explicit(counter, memory_order_relaxed);
}

void
stats_record(struct stats_ring *r, uint64_t usec)
{
    uint64_t i = atomic_fetch_add_explicit(&r->next, 1, memory_order_relaxed);

    atomic_fetch_add_explicit(&r->sum_usec, usec, memory_order_relaxed);
    if (usec > UINT32_MAX) usec = UINT32_MAX;
    atomic_store_explicit(&r->usec[i % STATS_RING_SIZE], (uint32_t)usec,
                          memory_order_relaxed);
}

static int
stats_cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

    return (x > y) - (x < y);
}

void
stats_percentiles(struct stats_ring *r, const double *pct, int n, uint64_t *out,
                  uint64_t *max)
{
    uint64_t total = atomic_load_explicit(&r->next, memory_order_relaxed);
    size_t count = total < STATS_RING_SIZE ? (size_t)total : STATS_RING_SIZE;
    uint32_t *v;

    *max = 0;
    if (count == 0) {
        memset(out, 0, sizeof *out * (size_t)n);
        return;
    }
    v = xmalloc(count * sizeof *v);
    for (size_t i = 0; i < count; i++)
        v[i] = atomic_load_explicit(&r->usec[i], memory_order_relaxed);
    qsort(v, count, sizeof *v, stats_cmp_u32);
    for (int i = 0; i < n; i++) {
        size_t rank = (size_t)(pct[i] / 100.0 * (double)(count - 1) + 0.5);

        out[i] = v[rank < count ? rank : count - 1];
    }
    *max = v[count - 1];
    free(v);
}

void
stats_sample_ops(void)
{
    unsigned i = stats.ops_next % STATS_OPS_SAMPLES;
    unsigned oldest = (stats.ops_next + 1) % STATS_OPS_SAMPLES;
    uint64_t now = stats_now_usec();
    uint64_t ops = stats_get(&stats.commands_processed);

    stats.ops_sample[i] = ops;
    stats.ops_sample_usec[i] = now;
    stats.ops_next++;
    if (stats.ops_next > STATS_OPS_SAMPLES &&
        now > stats.ops_sample_usec[oldest]) {
        uint64_t d = ops - stats.ops_sample[oldest];
        uint64_t dt = now - stats.ops_sample_usec[oldest];

        atomic_store(&stats.ops_per_sec, d * 1000000u / dt);
    }
}

#define STATS_AT(f) offsetof(struct stats, f)

/* clang-format off */
const struct stats_field stats_fields[] = {
    {"connected_clients", "clients", STATS_GAUGE, STATS_AT(connected_clients),
     "clients", "connected_clients",
     "Connections open now (RESP sockets and HTTP requests in flight)",
     NULL, 0},
    {"total_connections", "clients", STATS_COUNTER, STATS_AT(total_connections),
     "stats", "total_connections_received",
     "Connections accepted (each HTTP request counts as one)",
     "connections_total", 0},
    {"rejected_connections", "clients", STATS_COUNTER,
     STATS_AT(rejected_connections), "stats", "rejected_connections",
     "Connections refused: --max-clients, unauthenticated ones", NULL, 0},
    {"client_memory", "clients", STATS_GAUGE, STATS_AT(client_memory), NULL,
     NULL, "Bytes all clients' buffered requests and unread replies hold",
     "client_memory_bytes", 0},
    {"client_memory_drops", "clients", STATS_COUNTER,
     STATS_AT(client_memory_drops), NULL, NULL,
     "Clients dropped for going over --max-client-memory", NULL, 0},
    {"commands_processed", "commands", STATS_COUNTER,
     STATS_AT(commands_processed), "stats", "total_commands_processed",
     "Commands received", NULL, 0},
    {"searches", "commands", STATS_COUNTER, STATS_AT(searches), NULL, NULL,
     "SEARCH and COUNT commands run", NULL, 0},
    {"puts", "commands", STATS_COUNTER, STATS_AT(puts), NULL, NULL,
     "Articles stored by PUT", NULL, 0},
    {"puts_cleaned", "commands", STATS_COUNTER, STATS_AT(puts_cleaned), NULL,
     NULL, "Articles PUT changed by cleaning (daemon/clean.h)", NULL, 0},
    {"lines_dropped", "commands", STATS_COUNTER, STATS_AT(lines_dropped), NULL,
     NULL, "Lines cleaning took out of PUT bodies (credits, captions, ads)",
     NULL, 0},
    {"dels", "commands", STATS_COUNTER, STATS_AT(dels), NULL, NULL,
     "Articles deleted by DEL", NULL, 0},
    {"gets", "commands", STATS_COUNTER, STATS_AT(gets), NULL, NULL,
     "GET commands run", NULL, 0},
    {"errors", "commands", STATS_COUNTER, STATS_AT(errors), "stats",
     "total_error_replies", "Error replies to RESP clients (HTTP's are "
     "http_errors)", NULL, 0},
    {"protocol_errors", "commands", STATS_COUNTER, STATS_AT(protocol_errors),
     NULL, NULL, "Requests that could not be framed (the connection closed)",
     NULL, 0},
    {"query_timeouts", "commands", STATS_COUNTER, STATS_AT(query_timeouts),
     NULL, NULL, "Searches stopped at --query-timeout-ms", NULL, 0},
    {"queries_cancelled", "commands", STATS_COUNTER,
     STATS_AT(queries_cancelled), NULL, NULL,
     "Reads cancelled because their client left, or shutdown", NULL, 0},
    {"http_requests", "commands", STATS_COUNTER, STATS_AT(http_requests), NULL,
     NULL, "HTTP requests answered (--http-port)", NULL, 0},
    {"http_errors", "commands", STATS_COUNTER, STATS_AT(http_errors), NULL,
     NULL, "HTTP requests answered with status 400 or over", NULL, 0},
    {"write_commits", "commands", STATS_COUNTER, STATS_AT(write_commits), NULL,
     NULL, "Transactions the writer committed (group commits)", NULL, 0},
    {"write_commit_usec_total", "commands", STATS_COUNTER,
     STATS_AT(write_commit_usec_total), NULL, NULL,
     "Time the writer spent in its transactions, commit included",
     "write_commit_seconds_total", 1e-6},
    {"write_maintain_usec_total", "commands", STATS_COUNTER,
     STATS_AT(write_maintain_usec_total), NULL, NULL,
     "Time the writer spent on background work between batches (the "
     "plugin's merges)",
     "write_maintain_seconds_total", 1e-6},
    {"replicate_applied_seq", "replication", STATS_GAUGE,
     STATS_AT(replicate_applied_seq), "replication", "replicate_applied_seq",
     "The last sequence of the replicated log this node applied", NULL, 0},
    {"replicate_log_seq", "replication", STATS_GAUGE,
     STATS_AT(replicate_log_seq), "replication", "replicate_log_seq",
     "The last sequence of the replicated log this node knows of", NULL, 0},
    {"replicate_lag", "replication", STATS_GAUGE, STATS_AT(replicate_lag),
     "replication", "replicate_lag",
     "Messages of the replicated log known but not yet applied here", NULL,
     0},
    {"replicate_connected", "replication", STATS_GAUGE,
     STATS_AT(replicate_connected), "replication", "replicate_connected",
     "1 while this node reaches a server of the replicated log", NULL, 0},
    {"replicate_stopped", "replication", STATS_GAUGE,
     STATS_AT(replicate_stopped), "replication", "replicate_stopped",
     "1 once this node stopped applying the log (a message it could not "
     "apply; see its log)",
     NULL, 0},
    {"replicate_published", "replication", STATS_COUNTER,
     STATS_AT(replicate_published), NULL, NULL,
     "Writes of this node's clients published to the replicated log", NULL,
     0},
    {"replicate_resent", "replication", STATS_COUNTER,
     STATS_AT(replicate_resent), NULL, NULL,
     "Writes sent to the log again after a refusal or a lost acknowledgement",
     NULL, 0},
    {"replicate_failed_writes", "replication", STATS_COUNTER,
     STATS_AT(replicate_failed_writes), NULL, NULL,
     "Writes answered -ERR replicate (not stored in time, or not applied)",
     NULL, 0},
    {"replicate_applied_msgs", "replication", STATS_COUNTER,
     STATS_AT(replicate_applied_msgs), NULL, NULL,
     "Messages of the replicated log this node applied since it started",
     NULL, 0},
    {"replicate_snapshot_seq", "replication", STATS_GAUGE,
     STATS_AT(replicate_snapshot_seq), NULL, NULL,
     "The sequence of the BACKUP this node started from "
     "(--replicate-snapshot); 0: none",
     NULL, 0},
    {"replicate_needs_snapshot", "replication", STATS_GAUGE,
     STATS_AT(replicate_needs_snapshot), "replication",
     "replicate_needs_snapshot",
     "1 once the log no longer holds the messages after this node's "
     "sequence: it stopped; restart it with --replicate-snapshot",
     NULL, 0},
    {"route_auth_accepted", "route", STATS_COUNTER,
     STATS_AT(route_auth_accepted), "route", "route_auth_accepted",
     "AUTHs of the router (--route-password-file) its shards accepted, one "
     "per new connection",
     NULL, 0},
    {"route_auth_refused", "route", STATS_COUNTER,
     STATS_AT(route_auth_refused), "route", "route_auth_refused",
     "AUTHs of the router its shards refused (a wrong password, or none "
     "set on the shard)",
     NULL, 0},
    {"route_shards_refusing", "route", STATS_GAUGE,
     STATS_AT(route_shards_refusing), "route", "route_shards_refusing",
     "Shards whose latest answer to the router's AUTH was a refusal", NULL,
     0},
    {"ops_per_sec", NULL, STATS_GAUGE, STATS_AT(ops_per_sec), "stats",
     "instantaneous_ops_per_sec", "Commands per second over the last 1.6 s",
     "commands_per_second", 0},
    {NULL, NULL, STATS_GAUGE, 0, NULL, NULL, NULL, NULL, 0},
};
/* clang-format on */

uint64_t
stats_field_value(const struct stats_field *f)
{
    return stats_get((_Atomic uint64_t *)((char *)&stats + f->offset));
}

const struct stats_field *
stats_field_find(const char *name, size_t len)
{
    for (const struct stats_field *f = stats_fields; f->name != NULL; f++)
        if (strlen(f->name) == len && memcmp(f->name, name, len) == 0) return f;
    return NULL;
}
