/*
 * route_shard.c - see route_shard.h.  hiredis's blocking API: each query
 * thread (and the writer) has its own links, so a shard's slowness holds
 * only the thread that asked, and the pipelining gives the fan-out.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "carid_plugin.h"
#include "log.h"
#include "route_shard.h"
#include "stats.h"

/* Per shard, 1 while its latest AUTH answer was a refusal; shared by
 * every thread's links, behind STATS route's route_shards_refusing. */
static _Atomic int route_refusing[ROUTE_MAX_SHARDS];

/* One date bound of a range: "" or a real date. */
static int
route_bound(const char *p, size_t len, char out[11])
{
    int y, m, d;

    out[0] = '\0';
    if (len == 0) return 0;
    if (!carid_date_parse(p, len, &y, &m, &d)) return -1;
    memcpy(out, p, 10);
    out[10] = '\0';
    return 0;
}

/* "host:port,host:port" of len bytes into s. */
static int
route_nodes(const char *p, size_t len, struct route_shard *s)
{
    const char *end = p + len;

    while (p < end) {
        const char *comma = memchr(p, ',', (size_t)(end - p));
        const char *stop = comma != NULL ? comma : end, *colon = NULL;
        struct route_node *n;
        char *tail;
        long port;

        for (const char *q = p; q < stop; q++)
            if (*q == ':') colon = q;
        if (s->nnodes == ROUTE_MAX_NODES || colon == NULL || colon == p ||
            (size_t)(colon - p) >= ROUTE_MAX_HOST)
            return -1;
        port = strtol(colon + 1, &tail, 10);
        if (tail != stop || port < 1 || port > 65535) return -1;
        n = &s->node[s->nnodes++];
        memcpy(n->host, p, (size_t)(colon - p));
        n->host[colon - p] = '\0';
        n->port = (int)port;
        p = stop + (comma != NULL);
    }
    return s->nnodes > 0 ? 0 : -1;
}

/* "" sorts first as a lower bound. */
static int
route_by_from(const void *a, const void *b)
{
    return strcmp(((const struct route_shard *)a)->from,
                  ((const struct route_shard *)b)->from);
}

int
route_spec_parse(const char *text, struct route_spec *out, char *err,
                 size_t errlen)
{
    const char *p = text;
    int i;

    memset(out, 0, sizeof *out);
    while (*p != '\0') {
        size_t len = strcspn(p, ";");
        const char *eq = memchr(p, '=', len), *dots;
        struct route_shard *s;

        if (out->n == ROUTE_MAX_SHARDS) {
            snprintf(err, errlen, "more than %d shards", ROUTE_MAX_SHARDS);
            return -1;
        }
        s = &out->shard[out->n];
        dots = eq != NULL ? strstr(p, "..") : NULL;
        if (eq == NULL || dots == NULL || dots > eq ||
            route_bound(p, (size_t)(dots - p), s->from) != 0 ||
            route_bound(dots + 2, (size_t)(eq - dots - 2), s->to) != 0 ||
            route_nodes(eq + 1, len - (size_t)(eq + 1 - p), s) != 0) {
            snprintf(err, errlen,
                     "shard %d: want FROM..TO=host:port[,host:port...] "
                     "(dates YYYY-MM-DD or empty, at most %d nodes)",
                     out->n + 1, ROUTE_MAX_NODES);
            return -1;
        }
        out->n++;
        p += len + (p[len] == ';');
    }
    if (out->n == 0) {
        snprintf(err, errlen, "no shard");
        return -1;
    }
    qsort(out->shard, (size_t)out->n, sizeof out->shard[0], route_by_from);
    for (i = 0; i < out->n; i++) {
        const struct route_shard *s = &out->shard[i];

        if ((s->to[0] != '\0' && strcmp(s->from, s->to) > 0) ||
            (i + 1 < out->n && (s->to[0] == '\0' ||
                                strcmp(s->to, out->shard[i + 1].from) >= 0))) {
            snprintf(err, errlen,
                     "shard ranges overlap or are reversed near %s..%s "
                     "(each date belongs to one shard)",
                     s->from, s->to);
            return -1;
        }
    }
    return 0;
}

int
route_spec_password(struct route_spec *spec, const char *path, char *err,
                    size_t errlen)
{
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;

    if (f == NULL) {
        snprintf(err, errlen, "--route-password-file %s: %s", path,
                 strerror(errno));
        return -1;
    }
    len = getline(&line, &cap, f);
    fclose(f);
    while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
        line[--len] = '\0';
    if (len <= 0 || (size_t)len >= sizeof spec->password) {
        snprintf(err, errlen,
                 "--route-password-file %s: want the password on its first "
                 "line, 1 to %zu bytes",
                 path, sizeof spec->password - 1);
        free(line);
        return -1;
    }
    memcpy(spec->password, line, (size_t)len + 1);
    /* no copy of it left in freed memory */
    memset(line, 0, (size_t)len);
    free(line);
    return 0;
}

int
route_spec_overlaps(const struct route_shard *s, const char *from,
                    const char *to)
{
    if (from != NULL && s->to[0] != '\0' && strcmp(s->to, from) < 0) return 0;
    if (to != NULL && s->from[0] != '\0' && strcmp(s->from, to) > 0) return 0;
    return 1;
}

int
route_spec_owner(const struct route_spec *spec, const char *d, size_t len)
{
    char day[11];

    if (len == 0) return spec->shard[0].from[0] == '\0' ? 0 : -1;
    if (len != 10) return -1;
    memcpy(day, d, 10);
    day[10] = '\0';
    for (int i = 0; i < spec->n; i++)
        if (route_spec_overlaps(&spec->shard[i], day, day)) return i;
    return -1;
}

void
route_link_init(struct route_link *l, const struct route_spec *spec,
                long timeout_ms)
{
    memset(l, 0, sizeof *l);
    l->spec = spec;
    l->timeout_ms = timeout_ms;
}

static void
route_link_drop(struct route_link *l, int i)
{
    if (l->ctx[i] != NULL) redisFree(l->ctx[i]);
    l->ctx[i] = NULL;
}

void
route_link_close(struct route_link *l)
{
    for (int i = 0; i < ROUTE_MAX_SHARDS; i++)
        route_link_drop(l, i);
}

static int64_t
route_now_usec(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* --route-timeout-ms, or less when the deadline comes first. */
static struct timeval
route_wait(const struct route_link *l, int64_t deadline_usec)
{
    int64_t usec = (int64_t)l->timeout_ms * 1000, left;

    if (deadline_usec > 0) {
        left = deadline_usec - route_now_usec();
        if (left < usec) usec = left > 1000 ? left : 1000;
    }
    return (struct timeval){(time_t)(usec / 1000000),
                            (suseconds_t)(usec % 1000000)};
}

/* Shard i's latest AUTH answer: a refusal (1) or not; the log says when
 * that changes, with the shard's own words (never the password). */
static void
route_auth_seen(const struct route_link *l, int i, int refused, const char *why)
{
    const struct route_node *n = &l->spec->shard[i].node[l->node[i]];
    int was = atomic_exchange(&route_refusing[i], refused), count = 0;

    stats_add(refused ? &stats.route_auth_refused : &stats.route_auth_accepted,
              1);
    if (was == refused) return;
    for (int k = 0; k < ROUTE_MAX_SHARDS; k++)
        count += atomic_load(&route_refusing[k]);
    stats_set(&stats.route_shards_refusing, (uint64_t)count);
    if (refused)
        log_warn("route: shard %d (%s:%d) refused the router's AUTH: %s", i + 1,
                 n->host, n->port, why);
    else
        log_info("route: shard %d (%s:%d) accepts the router's AUTH again",
                 i + 1, n->host, n->port);
}

/* AUTH on shard i's new connection, before anything else; 0, or -1 with
 * the shard's answer in err (l->refused[i] set when it said no). */
static int
route_link_auth(struct route_link *l, int i, char *err, size_t errlen)
{
    redisReply *r;
    int rc = 0;

    if (l->spec->password[0] == '\0') return 0;
    r = redisCommand(l->ctx[i], "AUTH %s", l->spec->password);
    if (r == NULL) {
        snprintf(err, errlen, "%s", l->ctx[i]->errstr);
        return -1;
    }
    if (r->type == REDIS_REPLY_ERROR) {
        snprintf(err, errlen, "%s", r->str);
        l->refused[i] = 1;
        rc = -1;
    }
    route_auth_seen(l, i, rc != 0, err);
    freeReplyObject(r);
    return rc;
}

/* Connects shard i's current node if needed (and AUTHs); 0, or -1 with
 * why in err. */
static int
route_link_open(struct route_link *l, int i, int64_t deadline_usec, char *err,
                size_t errlen)
{
    const struct route_node *n = &l->spec->shard[i].node[l->node[i]];
    struct timeval tv = route_wait(l, deadline_usec);

    l->reused[i] = l->ctx[i] != NULL;
    l->refused[i] = 0;
    if (l->ctx[i] != NULL) {
        redisSetTimeout(l->ctx[i], tv);
        return 0;
    }
    l->ctx[i] = redisConnectWithTimeout(n->host, n->port, tv);
    if (l->ctx[i] == NULL || l->ctx[i]->err) {
        snprintf(err, errlen, "%s",
                 l->ctx[i] != NULL ? l->ctx[i]->errstr : "out of memory");
        route_link_drop(l, i);
        return -1;
    }
    redisSetTimeout(l->ctx[i], tv);
    if (route_link_auth(l, i, err, errlen) != 0) {
        route_link_drop(l, i);
        return -1;
    }
    return 0;
}

/* Shard i's command sent on its current node: 0, or -1 with err. */
static int
route_link_send(struct route_link *l, int i, const struct route_cmd *c,
                int64_t deadline_usec, char *err, size_t errlen)
{
    if (route_link_open(l, i, deadline_usec, err, errlen) != 0) return -1;
    if (redisAppendCommandArgv(l->ctx[i], c->argc, c->argv, c->argl) !=
        REDIS_OK) {
        snprintf(err, errlen, "%s", l->ctx[i]->errstr);
        route_link_drop(l, i);
        return -1;
    }
    return 0;
}

/* Reads shard i's reply; 0, or -1 with err set and *closed telling a
 * connection the node closed (end of file, reset) from a timeout. */
static int
route_link_read(struct route_link *l, int i, redisReply **rep, int *closed,
                char *err, size_t errlen)
{
    void *r = NULL;

    *closed = 0;
    if (l->ctx[i] == NULL) return -1; /* its send failed: err is set */
    if (redisGetReply(l->ctx[i], &r) != REDIS_OK || r == NULL) {
        *closed = l->ctx[i]->err == REDIS_ERR_EOF ||
                  (l->ctx[i]->err == REDIS_ERR_IO &&
                   (errno == ECONNRESET || errno == EPIPE));
        snprintf(err, errlen, "%s", l->ctx[i]->errstr);
        route_link_drop(l, i); /* the stream is lost mid-reply */
        return -1;
    }
    *rep = r;
    return 0;
}

/* Shard i's command on its current node: sent, then its reply read.  A
 * kept connection the node had closed (a restart since the last command)
 * is opened once more, AUTH and all, before the caller moves on. */
static int
route_link_once(struct route_link *l, int i, const struct route_cmd *c,
                redisReply **rep, int64_t deadline_usec, int sent, char *err,
                size_t errlen)
{
    int closed = 0;

    if (!sent && route_link_send(l, i, c, deadline_usec, err, errlen) != 0)
        return -1;
    if (route_link_read(l, i, rep, &closed, err, errlen) == 0) return 0;
    if (!closed || !l->reused[i]) return -1;
    if (route_link_send(l, i, c, deadline_usec, err, errlen) != 0) return -1;
    return route_link_read(l, i, rep, &closed, err, errlen);
}

int
route_link_ask(struct route_link *l, const struct route_cmd *cmd,
               redisReply **rep, int64_t deadline_usec, char *err,
               size_t errlen)
{
    char why[ROUTE_MAX_SHARDS][160];
    int i, tries, n = l->spec->n, failed = -1;
    const struct route_node *at;

    for (i = 0; i < n; i++) {
        rep[i] = NULL;
        why[i][0] = '\0';
        if (cmd[i].argc > 0)
            route_link_send(l, i, &cmd[i], deadline_usec, why[i],
                            sizeof why[i]);
    }
    for (i = 0; i < n; i++) {
        const struct route_shard *s = &l->spec->shard[i];

        if (cmd[i].argc == 0 ||
            route_link_once(l, i, &cmd[i], &rep[i], deadline_usec, 1, why[i],
                            sizeof why[i]) == 0)
            continue;
        /* this node failed: the shard's others, in turn, one at a time */
        for (tries = 1; rep[i] == NULL && tries < s->nnodes; tries++) {
            l->node[i] = (l->node[i] + 1) % s->nnodes;
            route_link_once(l, i, &cmd[i], &rep[i], deadline_usec, 0, why[i],
                            sizeof why[i]);
        }
        if (rep[i] == NULL && failed < 0) failed = i;
    }
    if (failed < 0) return 0;
    at = &l->spec->shard[failed].node[l->node[failed]];
    snprintf(err, errlen, "shard %d (%s:%d%s) %s: %s", failed + 1, at->host,
             at->port,
             l->spec->shard[failed].nnodes > 1 ? " and its other nodes" : "",
             l->refused[failed] ? "refused the router's AUTH "
                                  "(--route-password-file)"
                                : "unavailable",
             why[failed]);
    for (i = 0; i < n; i++) {
        if (rep[i] != NULL) freeReplyObject(rep[i]);
        rep[i] = NULL;
    }
    return -1;
}
