/*
 * stats.h - the daemon's counters and latency samples.  Counters are
 * relaxed atomics bumped by whichever thread does the work and summed by
 * nobody: each has one meaning and one place that increments it.
 */
#ifndef STATS_H
#define STATS_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define STATS_RING_SIZE   10000 /* latency samples kept per operation */
#define STATS_OPS_SAMPLES 16    /* 100 ms samples for ops/sec, as Redis */

/* The last STATS_RING_SIZE latencies of one operation, in usec. */
struct stats_ring {
    _Atomic uint64_t next;     /* samples ever recorded */
    _Atomic uint64_t sum_usec; /* of all of them (Prometheus _sum) */
    _Atomic uint32_t usec[STATS_RING_SIZE];
};

struct stats {
    time_t started; /* unix time */
    _Atomic uint64_t connected_clients;
    _Atomic uint64_t total_connections;
    _Atomic uint64_t rejected_connections;
    _Atomic uint64_t commands_processed;
    _Atomic uint64_t searches;
    _Atomic uint64_t puts;
    _Atomic uint64_t puts_cleaned;  /* PUTs whose body lost boilerplate */
    _Atomic uint64_t lines_dropped; /* boilerplate lines, all PUTs */
    _Atomic uint64_t dels;
    _Atomic uint64_t gets;
    _Atomic uint64_t errors; /* error replies of any kind */
    _Atomic uint64_t protocol_errors;
    _Atomic uint64_t client_memory;       /* bytes: conn.c's running total */
    _Atomic uint64_t client_memory_drops; /* over --max-client-memory */
    _Atomic uint64_t query_timeouts;      /* -ERR timeout: past the deadline */
    _Atomic uint64_t queries_cancelled;   /* their client left, or SIGTERM */
    _Atomic uint64_t http_requests;       /* answered by http.c */
    _Atomic uint64_t http_errors;         /* of them, status 400 and over */
    _Atomic uint64_t write_commits;
    _Atomic uint64_t write_commit_usec_total;
    _Atomic uint64_t write_maintain_usec_total; /* the plugin's maintain() */
    /* --replicate (replicate.h); gauges set by the loop thread */
    _Atomic uint64_t replicate_applied_seq; /* last stream sequence applied */
    _Atomic uint64_t replicate_log_seq;     /* last one known in the stream */
    _Atomic uint64_t replicate_lag;         /* the two's difference */
    _Atomic uint64_t replicate_connected;   /* 1 while NATS is reachable */
    _Atomic uint64_t replicate_stopped;     /* 1: stopped applying (log) */
    _Atomic uint64_t replicate_published;   /* writes of this node's clients */
    _Atomic uint64_t replicate_resent;      /* sent again, same id */
    _Atomic uint64_t replicate_failed_writes;  /* answered -ERR replicate */
    _Atomic uint64_t replicate_applied_msgs;   /* applied since the start */
    _Atomic uint64_t replicate_snapshot_seq;   /* the BACKUP started from */
    _Atomic uint64_t replicate_needs_snapshot; /* 1: the log lost our next */
    /* --route (route_shard.c): the router's AUTH to its shards */
    _Atomic uint64_t route_auth_accepted;   /* AUTHs a shard took */
    _Atomic uint64_t route_auth_refused;    /* AUTHs a shard refused */
    _Atomic uint64_t route_shards_refusing; /* shards whose last AUTH was */
    struct stats_ring search_usec;
    struct stats_ring put_usec;
    /* Loop thread only: commands_processed every 100 ms. */
    uint64_t ops_sample[STATS_OPS_SAMPLES];
    uint64_t ops_sample_usec[STATS_OPS_SAMPLES];
    unsigned ops_next;
    _Atomic uint64_t ops_per_sec;
};

extern struct stats stats;

/* One figure of struct stats as STATS, INFO and Prometheus name it: the
 * table (stats.c) is the one place a new counter is added to them. */
enum stats_kind { STATS_COUNTER, STATS_GAUGE };

struct stats_field {
    const char *name;         /* STATS name; carid_<name> in Prometheus */
    const char *section;      /* STATS section, or NULL: INFO only */
    enum stats_kind kind;     /* Prometheus type (counters get _total) */
    size_t offset;            /* of its _Atomic uint64_t in struct stats */
    const char *info_section; /* INFO section, or NULL: not in INFO */
    const char *info_name;    /* its name there (Redis's) */
    const char *help;         /* Prometheus HELP: what it counts */
    const char *prom_name;    /* carid_<this> in Prometheus, in base units;
                                 NULL: name (+ _total for counters) */
    double prom_scale;        /* to base units (usec: 1e-6); 0: 1 */
};

/* The fields, in STATS order; the table ends with a NULL name. */
extern const struct stats_field stats_fields[];
/* The field's current value; any thread. */
uint64_t stats_field_value(const struct stats_field *f);
/* The field named name[0..len), or NULL. */
const struct stats_field *stats_field_find(const char *name, size_t len);

/* Monotonic microseconds; any thread. */
uint64_t stats_now_usec(void);
/* Adds one counter step; any thread. */
void stats_add(_Atomic uint64_t *counter, uint64_t n);
/* Stores a gauge's value; any thread. */
void stats_set(_Atomic uint64_t *gauge, uint64_t v);
uint64_t stats_get(_Atomic uint64_t *counter);
/* Records one latency sample; any thread. */
void stats_record(struct stats_ring *r, uint64_t usec);
/* Fills out[i] with the pct[i] percentile (0..100) of the ring, 0 if it
 * is empty; *max gets the largest sample.  Any thread; O(n log n). */
void stats_percentiles(struct stats_ring *r, const double *pct, int n,
                       uint64_t *out, uint64_t *max);
/* Takes a 100 ms ops sample; loop thread. */
void stats_sample_ops(void);

#endif
