/*
 * cmd_stats.c - STATS and INFO: the same figures, as carid names them and
 * in Redis's INFO shape (so redis-cli --stat can watch carid).  They run on
 * a query thread because the plugin's figures may need its reader.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cmd.h"
#include "server.h"
#include "stats.h"

static const char *const cmd_stats_sections[] = {
    "server", "clients", "commands", "latency", "index", "plugin", NULL};
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

/* Monotonic totals get Prometheus's counter type and _total suffix. */
static int
cmd_stats_is_counter(const char *name, size_t len)
{
    const struct stats_field *f = stats_field_find(name, len);

    return f != NULL && f->kind == STATS_COUNTER;
}

/* Rewrites "name:value" lines as the Prometheus text format: numbers
 * become carid_<name> samples, text values labels of carid_info. */
static void
cmd_stats_prometheus(const struct reply_buf *in, struct reply_buf *out)
{
    struct reply_buf info;
    const char *p = in->p, *end = in->p + in->len;

    reply_buf_init(&info);
    while (p < end) {
        const char *eol = memchr(p, '\r', (size_t)(end - p));
        const char *colon = memchr(p, ':', (size_t)((eol ? eol : end) - p));
        const char *v, *suffix;
        int len, vlen, counter, numeric = 1;

        if (eol == NULL) eol = end;
        if (colon == NULL) goto next;
        len = (int)(colon - p);
        v = colon + 1;
        vlen = (int)(eol - v);
        for (int i = 0; i < vlen; i++)
            numeric &= (v[i] >= '0' && v[i] <= '9') || (i == 0 && v[i] == '-');
        if (!numeric || vlen == 0) {
            cmd_stats_line(&info, "%s%.*s=\"%.*s\"", info.len ? "," : "", len,
                           p, vlen, v);
            info.len -= 2; /* labels stay on one line */
            goto next;
        }
        counter = cmd_stats_is_counter(p, (size_t)len);
        suffix = counter && !(len >= 6 && memcmp(p + len - 6, "_total", 6) == 0)
                     ? "_total"
                     : "";
        cmd_stats_line(out, "# TYPE carid_%.*s%s %s", len, p, suffix,
                       counter ? "counter" : "gauge");
        cmd_stats_line(out, "carid_%.*s%s %.*s", len, p, suffix, vlen, v);
    next:
        p = eol + 2;
    }
    cmd_stats_line(out, "# TYPE carid_info gauge");
    cmd_stats_line(out, "carid_info{%.*s} 1", (int)info.len, info.p);
    reply_buf_free(&info);
    /* The exposition format ends lines with \n alone. */
    size_t w = 0;
    for (size_t r = 0; r < out->len; r++) {
        if (out->p[r] != '\r') out->p[w++] = out->p[r];
    }
    out->len = w;
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
    if (prometheus) want = -1;
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
    if (prometheus) {
        struct reply_buf prom;

        reply_buf_init(&prom);
        cmd_stats_prometheus(&o.text, &prom);
        reply_buf_free(&o.text);
        o.text = prom;
    }
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
        break;
    case 5:
        cmd_stats_line(b, "# Replication");
        cmd_stats_line(b, "role:master");
        cmd_stats_line(b, "connected_slaves:0");
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
