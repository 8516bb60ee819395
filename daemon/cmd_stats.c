/*
 * cmd_stats.c - STATS and INFO: the same figures, as carid names them and
 * in Redis's INFO shape (so redis-cli --stat can watch carid).  They run on
 * a query thread because the plugin's figures may need its reader.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cmd.h"
#include "prom.h"
#include "server.h"
#include "stats.h"

static const char *const cmd_stats_sections[] = {
    "server", "clients",     "commands", "latency", "index",
    "plugin", "replication", "route",    NULL};
/* INFO's sections in Redis's order; "default", "all" and "everything"
 * name all of them, an unknown name none (as Redis). */
static const char *const cmd_info_sections[] = {
    "server", "clients",     "memory",   "persistence",
    "stats",  "replication", "keyspace", NULL};

/* The figures of one STATS/INFO call, gathered before formatting. */
struct cmd_stats_out {
    struct reply_buf text;  /* the bulk string being built */
    int64_t documents;      /* from the plugin */
    struct reply_buf index; /* the plugin's name:value lines */
};

static int
cmd_stats_section_index(const char *const *sections, const char *p, size_t len)
{
    for (int i = 0; sections[i] != NULL; i++) {
        if (strlen(sections[i]) == len && strncasecmp(sections[i], p, len) == 0)
            return i;
    }
    return -1;
}

int
cmd_stats_prepare(struct job *job)
{
    const char *const *sections = cmd_stats_sections;
    char name[64];

    if (job->req.argc < 2) return 0;
    if (job->req.argl[1] == 3 && strncasecmp(job->req.argv[1], "all", 3) == 0)
        return 0;
    if (job->req.argl[1] == 10 &&
        strncasecmp(job->req.argv[1], "prometheus", 10) == 0)
        return 0;
    if (cmd_stats_section_index(sections, job->req.argv[1], job->req.argl[1]) <
        0) {
        carid_shown(job->req.argv[1], job->req.argl[1], 0, name, sizeof name);
        reply_error(&job->out, "ERR unknown section '%s'", name);
        return -1;
    }
    return 0;
}

static void cmd_stats_line(struct reply_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
cmd_stats_line(struct reply_buf *b, const char *fmt, ...)
{
    char line[256];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n >= sizeof line) n = sizeof line - 1;
    reply_raw(b, line, (size_t)n);
    reply_raw(b, "\r\n", 2);
}

static int
cmd_stats_plugin_cb(void *ctx, const char *name, int64_t value)
{
    struct cmd_stats_out *o = ctx;

    if (strcmp(name, "documents") == 0) o->documents = value;
    cmd_stats_line(&o->index, "%s:%lld", name, (long long)value);
    return 0;
}

static long long
cmd_stats_rss(void)
{
    long long pages_total = 0, pages_rss = 0;
    FILE *f = fopen("/proc/self/statm", "r");

    if (f == NULL) return 0;
    if (fscanf(f, "%lld %lld", &pages_total, &pages_rss) != 2) pages_rss = 0;
    fclose(f);
    return pages_rss * sysconf(_SC_PAGESIZE);
}

static void
cmd_stats_server(struct reply_buf *b)
{
    cmd_stats_line(b, "carid_version:%s", config_version());
    cmd_stats_line(b, "plugin:%s", server.plugin->name);
    cmd_stats_line(b, "plugin_version:%s", server.plugin->version);
    cmd_stats_line(b, "pid:%ld", (long)getpid());
    cmd_stats_line(b, "uptime_seconds:%lld",
                   (long long)(time(NULL) - stats.started));
    cmd_stats_line(b, "query_threads:%d", server.threads);
}

/* The table's fields of one STATS section (stats.h), or of one INFO
 * section under their Redis names. */
static void
cmd_stats_fields(struct reply_buf *b, const char *section, int info)
{
    for (const struct stats_field *f = stats_fields; f->name != NULL; f++) {
        const char *in = info ? f->info_section : f->section;

        if (in != NULL && strcmp(in, section) == 0)
            cmd_stats_line(b, "%s:%llu", info ? f->info_name : f->name,
                           (unsigned long long)stats_field_value(f));
    }
}

static void
cmd_stats_clients(struct reply_buf *b)
{
    cmd_stats_fields(b, "clients", 0);
    cmd_stats_line(b, "max_client_memory:%ld", server.cfg.max_client_memory);
}

static void
cmd_stats_latency(struct reply_buf *b)
{
    static const double pct[] = {50, 90, 99};
    uint64_t v[3], max;

    stats_percentiles(&stats.search_usec, pct, 3, v, &max);
    cmd_stats_line(b, "search_usec_p50:%llu", (unsigned long long)v[0]);
    cmd_stats_line(b, "search_usec_p90:%llu", (unsigned long long)v[1]);
    cmd_stats_line(b, "search_usec_p99:%llu", (unsigned long long)v[2]);
    cmd_stats_line(b, "search_usec_max:%llu", (unsigned long long)max);
    stats_percentiles(&stats.put_usec, pct, 3, v, &max);
    cmd_stats_line(b, "put_usec_p50:%llu", (unsigned long long)v[0]);
    cmd_stats_line(b, "put_usec_p99:%llu", (unsigned long long)v[2]);
}

/* Asks the plugin for its figures; 0, or -1 with an error reply. */
static int
cmd_stats_collect(struct job *job, void *reader, struct cmd_stats_out *o)
{
    char err[256];

    reply_buf_init(&o->text);
    reply_buf_init(&o->index);
    if (server.plugin->stats(reader, cmd_stats_plugin_cb, o, err, sizeof err) !=
        0) {
        reply_error(&job->out, "ERR %s", err);
        reply_buf_free(&o->text);
        reply_buf_free(&o->index);
        return -1;
    }
    return 0;
}

static void
cmd_stats_finish(struct job *job, struct cmd_stats_out *o)
{
    reply_bulk(&job->out, o->text.p, o->text.len);
    reply_buf_free(&o->text);
    reply_buf_free(&o->index);
}

/* Which section the client asked for: -1 for all. */
static int
cmd_stats_wanted(const struct job *job, const char *const *sections)
{
    if (job->req.argc < 2) return -1;
    return cmd_stats_section_index(sections, job->req.argv[1],
                                   job->req.argl[1]);
}

/* One gauge of one sample, no labels. */
static void
cmd_prom_gauge(struct reply_buf *b, const char *name, const char *help,
               double v)
{
    prom_family(b, name, "gauge", help);
    prom_sample(b, name, NULL, 0, v);
}

/* A latency ring as a summary in seconds: quantiles of the last
 * STATS_RING_SIZE samples, _sum and _count of all. */
static void
cmd_prom_summary(struct reply_buf *b, const char *name, const char *help,
                 struct stats_ring *r)
{
    static const double pct[] = {50, 90, 99};
    static const char *const q[] = {"quantile=\"0.5\"", "quantile=\"0.9\"",
                                    "quantile=\"0.99\""};
    uint64_t v[3], max;
    char sub[96];

    stats_percentiles(r, pct, 3, v, &max);
    prom_family(b, name, "summary", help);
    for (int i = 0; i < 3; i++)
        prom_sample(b, name, q[i], strlen(q[i]), (double)v[i] / 1e6);
    snprintf(sub, sizeof sub, "%s_sum", name);
    prom_sample(b, sub, NULL, 0, (double)stats_get(&r->sum_usec) / 1e6);
    snprintf(sub, sizeof sub, "%s_count", name);
    prom_sample(b, sub, NULL, 0, (double)stats_get(&r->next));
}

/* The plugin's "name:value" lines, as gauges (the plugin does not say
 * which of its figures only rise). */
static void
cmd_prom_plugin(struct reply_buf *b, const struct reply_buf *index)
{
    const char *p = index->p, *end = index->p + index->len;

    while (p < end) {
        const char *eol = memchr(p, '\r', (size_t)(end - p));
        const char *colon;
        char name[96], help[160];

        if (eol == NULL) eol = end;
        colon = memchr(p, ':', (size_t)(eol - p));
        if (colon != NULL && colon - p < 64) {
            snprintf(name, sizeof name, "carid_%.*s", (int)(colon - p), p);
            snprintf(help, sizeof help,
                     "The %s plugin's figure %.*s (STATS index)",
                     server.plugin->name, (int)(colon - p), p);
            cmd_prom_gauge(b, name, help, strtod(colon + 1, NULL));
        }
        p = eol + 2;
    }
}

/* Every figure in the Prometheus text format: HELP and TYPE for each,
 * base units (seconds, bytes), latencies as summaries. */
static void
cmd_stats_prometheus(const struct cmd_stats_out *o, struct reply_buf *b)
{
    struct reply_buf labels;

    reply_buf_init(&labels);
    prom_label(&labels, "carid_version", config_version(),
               strlen(config_version()));
    prom_label(&labels, "plugin", server.plugin->name,
               strlen(server.plugin->name));
    prom_label(&labels, "plugin_version", server.plugin->version,
               strlen(server.plugin->version));
    prom_family(b, "carid_info", "gauge",
                "carid's version and index plugin, as labels; always 1");
    prom_sample(b, "carid_info", labels.p, labels.len, 1);
    reply_buf_free(&labels);
    cmd_prom_gauge(b, "carid_pid", "Process id", (double)getpid());
    cmd_prom_gauge(b, "carid_start_time_seconds",
                   "Start time, seconds since the Unix epoch",
                   (double)stats.started);
    cmd_prom_gauge(b, "carid_uptime_seconds", "Seconds since the start",
                   (double)(time(NULL) - stats.started));
    cmd_prom_gauge(b, "carid_query_threads", "Query threads (--threads)",
                   server.threads);
    cmd_prom_gauge(b, "carid_max_client_memory_bytes", "--max-client-memory",
                   (double)server.cfg.max_client_memory);
    cmd_prom_gauge(b, "carid_resident_memory_bytes", "Resident set size",
                   (double)cmd_stats_rss());
    for (const struct stats_field *f = stats_fields; f->name != NULL; f++) {
        int counter = f->kind == STATS_COUNTER;
        char name[96];

        if (f->prom_name != NULL)
            snprintf(name, sizeof name, "carid_%s", f->prom_name);
        else
            snprintf(name, sizeof name, "carid_%s%s", f->name,
                     counter ? "_total" : "");
        prom_family(b, name, counter ? "counter" : "gauge", f->help);
        prom_sample(b, name, NULL, 0,
                    (double)stats_field_value(f) *
                        (f->prom_scale > 0 ? f->prom_scale : 1));
    }
    cmd_prom_summary(b, "carid_search_duration_seconds",
                     "SEARCH and COUNT, arrival to reply", &stats.search_usec);
    cmd_prom_summary(b, "carid_put_duration_seconds",
                     "PUT, arrival to durable reply", &stats.put_usec);
    cmd_prom_plugin(b, &o->index);
}

void
cmd_stats_run(struct job *job, void *reader)
{
    struct cmd_stats_out o = {0};
    int want = cmd_stats_wanted(job, cmd_stats_sections);
    /* prepare() let through only known sections; "prometheus" is the
     * only one of 10 letters. */
    int prometheus = job->req.argc == 2 && job->req.argl[1] == 10;

    if (cmd_stats_collect(job, reader, &o) != 0) return;
    if (prometheus) {
        cmd_stats_prometheus(&o, &o.text);
        cmd_stats_finish(job, &o);
        return;
    }
    if (want < 0 || want == 0) cmd_stats_server(&o.text);
    if (want < 0 || want == 1) cmd_stats_clients(&o.text);
    if (want < 0 || want == 2) cmd_stats_fields(&o.text, "commands", 0);
    if (want < 0 || want == 3) cmd_stats_latency(&o.text);
    if (want < 0 || want == 4) reply_raw(&o.text, o.index.p, o.index.len);
    if (want == 5) {
        cmd_stats_line(&o.text, "plugin:%s", server.plugin->name);
        cmd_stats_line(&o.text, "plugin_version:%s", server.plugin->version);
        cmd_stats_line(&o.text, "plugin_abi:%d", server.plugin->abi);
        cmd_stats_line(&o.text, "plugin_path:%s", server.cfg.plugin);
    }
    /* "all" shows it only under --replicate */
    if (want == 6 || (want < 0 && *server.cfg.replicate != '\0'))
        cmd_stats_fields(&o.text, "replication", 0);
    if (want == 7 || (want < 0 && *server.cfg.route != '\0'))
        cmd_stats_fields(&o.text, "route", 0);
    cmd_stats_finish(job, &o);
}

/* One INFO section: header, lines, and a blank line between sections. */
static void
cmd_info_section(struct cmd_stats_out *o, int which)
{
    struct reply_buf *b = &o->text;
    long long uptime = (long long)(time(NULL) - stats.started);

    if (b->len > 0) reply_raw(b, "\r\n", 2);
    switch (which) {
    case 0:
        cmd_stats_line(b, "# Server");
        cmd_stats_line(b, "redis_version:%s", CMD_REDIS_VERSION);
        cmd_stats_line(b, "redis_mode:standalone");
        cmd_stats_line(b, "carid_version:%s", config_version());
        cmd_stats_line(b, "process_id:%ld", (long)getpid());
        cmd_stats_line(b, "tcp_port:%ld", server.cfg.port);
        cmd_stats_line(b, "uptime_in_seconds:%lld", uptime);
        cmd_stats_line(b, "uptime_in_days:%lld", uptime / 86400);
        break;
    case 1:
        cmd_stats_line(b, "# Clients");
        cmd_stats_fields(b, "clients", 1);
        cmd_stats_line(b, "blocked_clients:0");
        cmd_stats_line(b, "maxclients:%ld", server.cfg.max_clients);
        break;
    case 2:
        cmd_stats_line(b, "# Memory");
        cmd_stats_line(b, "used_memory:%lld", cmd_stats_rss());
        cmd_stats_line(b, "used_memory_rss:%lld", cmd_stats_rss());
        break;
    case 3:
        /* Every +OK is durable at once: nothing is ever loading or
         * waiting to be saved. */
        cmd_stats_line(b, "# Persistence");
        cmd_stats_line(b, "loading:0");
        cmd_stats_line(b, "rdb_changes_since_last_save:0");
        break;
    case 4:
        cmd_stats_line(b, "# Stats");
        cmd_stats_fields(b, "stats", 1);
        if (*server.cfg.route != '\0') cmd_stats_fields(b, "route", 1);
        break;
    case 5:
        cmd_stats_line(b, "# Replication");
        cmd_stats_line(b, "role:master");
        cmd_stats_line(b, "connected_slaves:0");
        if (*server.cfg.replicate != '\0')
            cmd_stats_fields(b, "replication", 1);
        break;
    default:
        cmd_stats_line(b, "# Keyspace");
        cmd_stats_line(b, "db0:keys=%lld,expires=0,avg_ttl=0",
                       (long long)o->documents);
        break;
    }
}

/* Bit i set: INFO shows cmd_info_sections[i]. */
static unsigned
cmd_info_mask(const struct job *job)
{
    const struct resp_req *r = &job->req;
    unsigned mask = 0;

    if (r->argc < 2) return ~0u;
    for (int i = 1; i < r->argc; i++) {
        int s = cmd_stats_section_index(cmd_info_sections, r->argv[i],
                                        r->argl[i]);

        if (s >= 0)
            mask |= 1u << s;
        else if ((r->argl[i] == 3 && strncasecmp(r->argv[i], "all", 3) == 0) ||
                 (r->argl[i] == 7 &&
                  strncasecmp(r->argv[i], "default", 7) == 0) ||
                 (r->argl[i] == 10 &&
                  strncasecmp(r->argv[i], "everything", 10) == 0))
            mask = ~0u;
    }
    return mask;
}

void
cmd_info_run(struct job *job, void *reader)
{
    struct cmd_stats_out o = {0};
    unsigned mask = cmd_info_mask(job);

    if (cmd_stats_collect(job, reader, &o) != 0) return;
    for (int i = 0; cmd_info_sections[i] != NULL; i++) {
        if (mask & (1u << i)) cmd_info_section(&o, i);
    }
    cmd_stats_finish(job, &o);
}
