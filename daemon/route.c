/*
 * route.c - see route.h.  Every handle (a query thread's reader, the
 * writer) is one struct route_link: its own connections to the shards.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cmd.h"
#include "route.h"
#include "route_lists.h"
#include "route_merge.h"
#include "route_shard.h"
#include "server.h"

#define ROUTE_MAX_ARGS    48
#define ROUTE_MAX_PAGE    1000 /* hits a shard may send: SEARCH's LIMIT count */
#define ROUTE_OPTIMIZE_MS (6 * 3600 * 1000L) /* a shard's OPTIMIZE */
#define ROUTE_SUGGEST_MAX 100 /* words a shard gives: SUGGEST's LIMIT */

/* One command's arguments; numbers and the STATS text live in it. */
struct route_args {
    int argc;
    const char *argv[ROUTE_MAX_ARGS];
    size_t argl[ROUTE_MAX_ARGS];
    char num[4][24];
    int nnum;
    char stats[CARID_GLOBAL_MAX_TERMS * 21 + 48];
};

static struct route_spec route_spec;

static void
route_add(struct route_args *a, const char *p, size_t len)
{
    if (a->argc == ROUTE_MAX_ARGS) return; /* cannot happen: see callers */
    a->argv[a->argc] = p;
    a->argl[a->argc++] = len;
}

static void
route_add_str(struct route_args *a, const char *s)
{
    route_add(a, s, strlen(s));
}

static void
route_add_int(struct route_args *a, int64_t v)
{
    char *p = a->num[a->nnum++ % 4];

    route_add(a, p,
              (size_t)snprintf(p, sizeof a->num[0], "%lld", (long long)v));
}

static struct route_cmd
route_cmd(struct route_args *a)
{
    return (struct route_cmd){a->argc, a->argv, a->argl};
}

/* The query and the options that choose its matches, as the client gave
 * them (SEARCH, COUNT and TERMSTATS take them alike); show: FUZZY show
 * when the client asked for it (SEARCH's page, whose reply then has the
 * corrections). */
static void
route_query_args(struct route_args *a, const char *cmd,
                 const struct carid_query *q, int show)
{
    memset(a, 0, sizeof *a);
    route_add_str(a, cmd);
    route_add(a, q->text.p, q->text.len);
    if (q->source.p != NULL) {
        route_add_str(a, "SOURCE");
        route_add(a, q->source.p, q->source.len);
    }
    if (q->date_from.p != NULL) {
        route_add_str(a, "FROM");
        route_add(a, q->date_from.p, q->date_from.len);
    }
    if (q->date_to.p != NULL) {
        route_add_str(a, "TO");
        route_add(a, q->date_to.p, q->date_to.len);
    }
    route_add_str(a, "MATCH");
    route_add_str(a, q->match == CARID_MATCH_ALL ? "all" : "best");
    route_add_str(a, "FUZZY");
    route_add_str(a, q->fuzzy == CARID_FUZZY_OFF ? "off"
                     : show && q->fixed != NULL  ? "show"
                                                 : "on");
}

/* Whether shard i can hold a match of q's FROM/TO. */
static int
route_wanted(const struct route_shard *s, const struct carid_query *q)
{
    char from[11] = "", to[11] = "";

    if (q->date_from.p != NULL) memcpy(from, q->date_from.p, 10);
    if (q->date_to.p != NULL) memcpy(to, q->date_to.p, 10);
    return route_spec_overlaps(s, q->date_from.p != NULL ? from : NULL,
                               q->date_to.p != NULL ? to : NULL);
}

static void
route_free_all(redisReply **rep, int n)
{
    for (int i = 0; i < n; i++)
        if (rep[i] != NULL) freeReplyObject(rep[i]);
}

/* Phase 1: TERMSTATS on every shard, summed into *g; with want_total,
 * each wanted shard's matches into m[].  0, or -1 with err set. */
static int
route_stats(struct route_link *l, const struct carid_query *q, int want_total,
            struct carid_global *g, int64_t *m, char *err, size_t errlen)
{
    struct route_args plain, total;
    struct route_cmd cmd[ROUTE_MAX_SHARDS];
    redisReply *rep[ROUTE_MAX_SHARDS];
    int64_t parsed = -1;
    int i, n = l->spec->n, rc = 0;

    route_query_args(&plain, "TERMSTATS", q, 0);
    total = plain;
    route_add_str(&total, "TOTAL");
    for (i = 0; i < ROUTE_MAX_SHARDS; i++)
        cmd[i].argc = 0;
    for (i = 0; i < n; i++) {
        int wanted = route_wanted(&l->spec->shard[i], q);

        cmd[i] = route_cmd(want_total && wanted ? &total : &plain);
        m[i] = 0;
    }
    if (route_link_ask(l, cmd, rep, q->deadline_usec, err, errlen) != 0)
        return -1;
    memset(g, 0, sizeof *g);
    for (i = 0; rc == 0 && i < n; i++)
        rc = route_merge_stats(rep[i], i, g, &m[i], &parsed, err, errlen);
    route_free_all(rep, n);
    return rc;
}

/* g as SEARCH's STATS takes it. */
static void
route_stats_text(const struct carid_global *g, char *out, size_t cap)
{
    size_t used = (size_t)snprintf(
        out, cap, "%lld %lld", (long long)g->documents, (long long)g->tokens);

    for (int i = 0; i < g->nterms && used < cap; i++)
        used += (size_t)snprintf(out + used, cap - used, " %lld",
                                 (long long)g->df[i]);
}

/* Phase 2's SEARCH for one shard, its page [offset, offset + count). */
static void
route_search_args(struct route_args *a, const struct carid_query *q,
                  const struct carid_global *g, int64_t offset, int64_t count)
{
    int f, nf = 0;

    route_query_args(a, "SEARCH", q, 1);
    route_add_str(a, "SORT");
    route_add_str(a, q->sort == CARID_SORT_NEWEST   ? "newest"
                     : q->sort == CARID_SORT_OLDEST ? "oldest"
                                                    : "relevance");
    route_add_str(a, "LIMIT");
    route_add_int(a, offset);
    route_add_int(a, count);
    for (f = 0; f < CARID_FIELD_COUNT; f++)
        nf += (q->want_fields & (1u << f)) != 0;
    route_add_str(a, "RETURN");
    route_add_int(a, nf);
    for (f = 0; f < CARID_FIELD_COUNT; f++)
        if (q->want_fields & (1u << f)) route_add_str(a, cmd_field_name(f));
    if (q->want_snippet) {
        route_add_str(a, "SNIPPET");
        route_add(a, q->mark_open.p, q->mark_open.len);
        route_add(a, q->mark_close.p, q->mark_close.len);
    }
    route_stats_text(g, a->stats, sizeof a->stats);
    route_add_str(a, "STATS");
    route_add_str(a, a->stats);
}

/*
 * Which shards phase 2 asks, and for what page of theirs.  Relevance:
 * every shard FROM/TO reaches, its top (offset + count).  By date: the
 * shards in date order hold consecutive runs of the order, so from the
 * matches phase 1 counted, only the shards the page falls on, each for
 * its part of it.
 */
static void
route_pages(const struct route_spec *spec, const struct carid_query *q,
            const int64_t *m, int64_t *off, int64_t *cnt)
{
    int64_t skip = q->offset, left = q->count;

    for (int k = 0; k < spec->n; k++) {
        int i = q->sort == CARID_SORT_NEWEST ? spec->n - 1 - k : k;

        off[i] = cnt[i] = 0;
        if (q->sort == CARID_SORT_RELEVANCE) {
            cnt[i] = route_wanted(&spec->shard[i], q) ? q->offset + q->count
                                                      : -1;
            continue;
        }
        cnt[i] = -1;
        if (left == 0 || m[i] <= skip) {
            skip -= m[i] < skip ? m[i] : skip;
            continue;
        }
        off[i] = skip;
        cnt[i] = m[i] - skip < left ? m[i] - skip : left;
        left -= cnt[i];
        skip = 0;
    }
}

static int
route_search(void *reader, const struct carid_query *q, carid_hit_fn *fn,
             void *ctx, int64_t *total, char *err, size_t errlen)
{
    struct route_link *l = reader;
    const struct route_spec *spec = l->spec;
    static __thread struct route_args args[ROUTE_MAX_SHARDS];
    struct route_cmd cmd[ROUTE_MAX_SHARDS];
    redisReply *rep[ROUTE_MAX_SHARDS];
    int64_t m[ROUTE_MAX_SHARDS], off[ROUTE_MAX_SHARDS], cnt[ROUTE_MAX_SHARDS];
    struct carid_global g;
    int i, rc, by_date = q->sort != CARID_SORT_RELEVANCE;

    *total = 0;
    if (!by_date && q->offset + q->count > ROUTE_MAX_PAGE) {
        snprintf(err, errlen,
                 "the router merges at most %d hits by relevance: LIMIT "
                 "offset + count must be <= %d",
                 ROUTE_MAX_PAGE, ROUTE_MAX_PAGE);
        return -1;
    }
    if (route_stats(l, q, by_date, &g, m, err, errlen) != 0) return -1;
    route_pages(spec, q, m, off, cnt);
    for (i = 0; i < spec->n; i++) {
        cmd[i].argc = 0;
        if (by_date) *total += m[i];
        if (cnt[i] < 0 || (by_date && cnt[i] == 0)) continue;
        route_search_args(&args[i], q, &g, off[i], cnt[i]);
        cmd[i] = route_cmd(&args[i]);
    }
    if (route_link_ask(l, cmd, rep, q->deadline_usec, err, errlen) != 0)
        return -1;
    rc = route_merge_hits(spec->n, rep, q, by_date ? NULL : total, fn, ctx, err,
                          errlen);
    route_free_all(rep, spec->n);
    return rc;
}

/*
 * a to every shard, into rep[]; every reply of type want (0: any but an
 * error), else the first other one names the shard in err, what the
 * command.  0, or -1 with err set and nothing left in rep.
 */
static int
route_all_args(struct route_link *l, struct route_args *a, const char *what,
               int want, redisReply **rep, char *err, size_t errlen)
{
    struct route_cmd cmd[ROUTE_MAX_SHARDS] = {{0, NULL, NULL}};
    int i, n = l->spec->n;

    for (i = 0; i < n; i++)
        cmd[i] = route_cmd(a);
    if (route_link_ask(l, cmd, rep, 0, err, errlen) != 0) return -1;
    for (i = 0; i < n; i++)
        if (want != 0 ? rep[i]->type != want
                      : rep[i]->type == REDIS_REPLY_ERROR) {
            route_merge_error(rep[i], i, what, err, errlen);
            route_free_all(rep, n);
            return -1;
        }
    return 0;
}

/* "name [arg]" to every shard, as route_all_args(). */
static int
route_all(struct route_link *l, const char *name, const char *arg,
          size_t arglen, int want, redisReply **rep, char *err, size_t errlen)
{
    struct route_args a;

    memset(&a, 0, sizeof a);
    route_add_str(&a, name);
    if (arg != NULL) route_add(&a, arg, arglen);
    return route_all_args(l, &a, name, want, rep, err, errlen);
}

/* GET: every shard; an article is on one of them. */
static int
route_get(void *reader, struct carid_str id, carid_doc_fn *fn, void *ctx,
          int *found, char *err, size_t errlen)
{
    struct route_link *l = reader;
    redisReply *rep[ROUTE_MAX_SHARDS];
    int rc = 0, n = l->spec->n;

    *found = 0;
    if (route_all(l, "GET", id.p, id.len, 0, rep, err, errlen) != 0) return -1;
    for (int i = n - 1; rc == 0 && i >= 0; i--) {
        if (rep[i]->type == REDIS_REPLY_NIL || *found) continue;
        rc = route_merge_doc(rep[i], i, id, fn, ctx, err, errlen);
        *found = rc == 0;
    }
    route_free_all(rep, n);
    return rc;
}

/* PUT: the shard of its date; the others lose any older copy of the id
 * (an upsert may move an article to another date). */
static int
route_put(void *writer, const struct carid_doc *doc, char *err, size_t errlen)
{
    static const int order[] = {CARID_FIELD_TITLE,  CARID_FIELD_BODY,
                                CARID_FIELD_SOURCE, CARID_FIELD_URL,
                                CARID_FIELD_DATE,   CARID_FIELD_PLACE,
                                CARID_FIELD_AUTHOR};
    struct route_link *l = writer;
    struct carid_str d = doc->field[CARID_FIELD_DATE];
    struct route_cmd cmd[ROUTE_MAX_SHARDS];
    redisReply *rep[ROUTE_MAX_SHARDS];
    struct route_args put, del;
    int owner = route_spec_owner(l->spec, d.p, d.p != NULL ? d.len : 0);
    int i, rc = 0;

    if (owner < 0) {
        snprintf(err, errlen, "no shard holds the date '%.*s' (--route)",
                 d.p != NULL ? (int)d.len : 0, d.p != NULL ? d.p : "");
        return -1;
    }
    memset(&put, 0, sizeof put);
    memset(&del, 0, sizeof del);
    route_add_str(&put, "PUT");
    route_add(&put, doc->id.p, doc->id.len);
    for (i = 0; i < (int)(sizeof order / sizeof order[0]); i++) {
        struct carid_str v = doc->field[order[i]];

        /* the body as the client sent it: the shard cleans it itself */
        if (order[i] == CARID_FIELD_BODY && doc->field[CARID_FIELD_RAW].p)
            v = doc->field[CARID_FIELD_RAW];
        if (v.p == NULL) continue;
        route_add_str(&put, cmd_field_name(order[i]));
        route_add(&put, v.p, v.len);
    }
    route_add_str(&del, "DEL");
    route_add(&del, doc->id.p, doc->id.len);
    for (i = 0; i < l->spec->n; i++)
        cmd[i] = route_cmd(i == owner ? &put : &del);
    if (route_link_ask(l, cmd, rep, 0, err, errlen) != 0) return -1;
    for (i = 0; rc == 0 && i < l->spec->n; i++)
        if (rep[i]->type == REDIS_REPLY_ERROR)
            rc = route_merge_error(rep[i], i, "PUT", err, errlen);
    route_free_all(rep, l->spec->n);
    return rc;
}

static int
route_del(void *writer, struct carid_str id, int *removed, char *err,
          size_t errlen)
{
    struct route_link *l = writer;
    redisReply *rep[ROUTE_MAX_SHARDS];

    *removed = 0;
    if (route_all(l, "DEL", id.p, id.len, REDIS_REPLY_INTEGER, rep, err,
                  errlen) != 0)
        return -1;
    for (int i = 0; i < l->spec->n; i++)
        *removed |= rep[i]->integer > 0;
    route_free_all(rep, l->spec->n);
    return 0;
}

/* Shard i's "documents:" in STATS index, or -1 if it did not answer. */
static int64_t
route_documents(const redisReply *r)
{
    const char *p;

    if (r == NULL || r->type != REDIS_REPLY_STRING) return -1;
    p = strstr(r->str, "documents:");
    return p != NULL ? strtoll(p + 10, NULL, 10) : 0;
}

/*
 * The sum of each shard's "documents:" in STATS index.  A shard that does
 * not answer (down, or refusing the router's AUTH) fails no STATS or INFO
 * of the router, which is where an operator looks for it: the shards are
 * then asked one by one, and "shards_unavailable" counts those that did
 * not answer (their error is in SEARCH's reply and the log), "documents"
 * left out rather than a part given as the whole.
 */
static int
route_stats_fn(void *reader, carid_stat_fn *fn, void *ctx, char *err,
               size_t errlen)
{
    struct route_link *l = reader;
    struct route_cmd cmd[ROUTE_MAX_SHARDS] = {{0, NULL, NULL}};
    redisReply *rep[ROUTE_MAX_SHARDS];
    struct route_args a;
    int64_t docs = 0, down = 0;
    int i, n = l->spec->n;
    char why[256];

    (void)err;
    (void)errlen;
    memset(&a, 0, sizeof a);
    route_add_str(&a, "STATS");
    route_add_str(&a, "index");
    for (i = 0; i < n; i++)
        cmd[i] = route_cmd(&a);
    if (route_link_ask(l, cmd, rep, 0, why, sizeof why) == 0) {
        for (i = 0; i < n; i++) {
            int64_t d = route_documents(rep[i]);

            down += d < 0;
            docs += d > 0 ? d : 0;
        }
        route_free_all(rep, n);
    } else {
        for (i = 0; i < n; i++) {
            struct route_cmd one[ROUTE_MAX_SHARDS] = {{0, NULL, NULL}};
            int64_t d = -1;

            one[i] = cmd[i];
            if (route_link_ask(l, one, rep, 0, why, sizeof why) == 0) {
                d = route_documents(rep[i]);
                route_free_all(rep, n);
            }
            down += d < 0;
            docs += d > 0 ? d : 0;
        }
    }
    if (down == 0 && fn(ctx, "documents", docs) != 0) return 0;
    if (fn(ctx, "shards", n) == 0) fn(ctx, "shards_unavailable", down);
    return 0;
}

/* OPTIMIZE on every shard, each pinning its own lists; the router's
 * statistics do not need them (ROUTE.md). */
static int
route_optimize(void *writer, char *err, size_t errlen)
{
    struct route_link *l = writer;
    redisReply *rep[ROUTE_MAX_SHARDS];
    long usual = l->timeout_ms;
    int rc;

    /* a shard's OPTIMIZE takes minutes on a big index, not a reply's
     * time: this handle is the writer's alone */
    l->timeout_ms = ROUTE_OPTIMIZE_MS;
    rc = route_all(l, "OPTIMIZE", NULL, 0, 0, rep, err, errlen);
    l->timeout_ms = usual;
    if (rc != 0) return -1;
    route_free_all(rep, l->spec->n);
    return 0;
}

/* COUNTS source: each shard FROM/TO reaches counts its matches' sources
 * (SEARCH ... COUNTS source LIMIT 0 0); an article is on one shard, so
 * the sums are one node's counts. */
static int
route_facets(void *reader, const struct carid_query *q, int field,
             carid_term_fn *fn, void *ctx, char *err, size_t errlen)
{
    struct route_link *l = reader;
    struct route_cmd cmd[ROUTE_MAX_SHARDS];
    const redisReply *list[ROUTE_MAX_SHARDS];
    redisReply *rep[ROUTE_MAX_SHARDS];
    struct route_args a;
    int i, rc = 0, n = l->spec->n;

    (void)field; /* CARID_FIELD_SOURCE, the only one asked for */
    route_query_args(&a, "SEARCH", q, 0);
    route_add_str(&a, "COUNTS");
    route_add_str(&a, "source");
    route_add_str(&a, "LIMIT");
    route_add_int(&a, 0);
    route_add_int(&a, 0);
    for (i = 0; i < n; i++)
        cmd[i] = route_wanted(&l->spec->shard[i], q)
                     ? route_cmd(&a)
                     : (struct route_cmd){0, NULL, NULL};
    if (route_link_ask(l, cmd, rep, q->deadline_usec, err, errlen) != 0)
        return -1;
    for (i = 0; rc == 0 && i < n; i++) {
        list[i] = NULL;
        if (rep[i] == NULL) continue;
        if (rep[i]->type != REDIS_REPLY_ARRAY || rep[i]->elements != 2 ||
            rep[i]->element[0]->type != REDIS_REPLY_INTEGER)
            rc = route_merge_error(rep[i], i, "COUNTS", err, errlen);
        else
            list[i] = rep[i]->element[1];
    }
    if (rc == 0)
        rc = route_lists_sum(n, list, -1, "COUNTS", fn, ctx, err, errlen);
    route_free_all(rep, n);
    return rc;
}

/*
 * SUGGEST: each shard's most frequent words with their articles, summed.
 * A word can be among the first max of the sums and of no shard's list:
 * each shard is asked for more than max (as Elasticsearch's shard_size,
 * size * 1.5 + 10, at most SUGGEST's 100) so that it takes a word close
 * to the cut on every shard to be missed (ROUTE.md).
 */
static int
route_suggest(void *reader, struct carid_str prefix, int64_t max,
              carid_term_fn *fn, void *ctx, char *err, size_t errlen)
{
    struct route_link *l = reader;
    redisReply *rep[ROUTE_MAX_SHARDS];
    struct route_args a;
    int64_t ask = max + max / 2 + 10;
    int rc;

    memset(&a, 0, sizeof a);
    route_add_str(&a, "SUGGEST");
    route_add(&a, prefix.p, prefix.len);
    route_add_str(&a, "LIMIT");
    route_add_int(&a, ask < ROUTE_SUGGEST_MAX ? ask : ROUTE_SUGGEST_MAX);
    route_add_str(&a, "WITHCOUNTS");
    if (route_all_args(l, &a, "SUGGEST", REDIS_REPLY_ARRAY, rep, err, errlen) !=
        0)
        return -1;
    rc = route_lists_sum(l->spec->n, (const redisReply *const *)rep, max,
                         "SUGGEST", fn, ctx, err, errlen);
    route_free_all(rep, l->spec->n);
    return rc;
}

/* ANALYZE: the tokens are every shard's alike; the aliases a shard
 * learned from its articles are its own, so each shard is asked. */
static int
route_analyze(void *reader, struct carid_str text, carid_token_fn *fn,
              void *ctx, char *err, size_t errlen)
{
    struct route_link *l = reader;
    redisReply *rep[ROUTE_MAX_SHARDS];
    int rc;

    if (route_all(l, "ANALYZE", text.p, text.len, REDIS_REPLY_ARRAY, rep, err,
                  errlen) != 0)
        return -1;
    rc = route_lists_analyze(l->spec->n, (const redisReply *const *)rep, fn,
                             ctx, err, errlen);
    route_free_all(rep, l->spec->n);
    return rc;
}

/* ALIAS ADD / DEL on every shard (each keeps the aliases its searches
 * use); *changed: the most any shard changed, as one node would say. */
static int
route_alias_write(struct route_link *l, const char *sub, struct carid_str a,
                  struct carid_str b, int64_t *changed, char *err,
                  size_t errlen)
{
    redisReply *rep[ROUTE_MAX_SHARDS];
    struct route_args args;

    memset(&args, 0, sizeof args);
    route_add_str(&args, "ALIAS");
    route_add_str(&args, sub);
    route_add(&args, a.p, a.len);
    if (b.p != NULL) route_add(&args, b.p, b.len);
    *changed = 0;
    if (route_all_args(l, &args, "ALIAS", REDIS_REPLY_INTEGER, rep, err,
                       errlen) != 0)
        return -1;
    for (int i = 0; i < l->spec->n; i++)
        if (rep[i]->integer > *changed) *changed = rep[i]->integer;
    route_free_all(rep, l->spec->n);
    return 0;
}

static int
route_alias_add(void *writer, struct carid_str short_form,
                struct carid_str long_form, int64_t *changed, char *err,
                size_t errlen)
{
    return route_alias_write(writer, "ADD", short_form, long_form, changed, err,
                             errlen);
}

static int
route_alias_del(void *writer, struct carid_str short_form,
                struct carid_str long_form, int64_t *changed, char *err,
                size_t errlen)
{
    return route_alias_write(writer, "DEL", short_form, long_form, changed, err,
                             errlen);
}

/* ALIAS LIST: the editor's and built-in entries are every shard's, the
 * learned ones each shard's own: their union. */
static int
route_alias_list(void *reader, struct carid_str short_form, carid_alias_fn *fn,
                 void *ctx, char *err, size_t errlen)
{
    struct route_link *l = reader;
    redisReply *rep[ROUTE_MAX_SHARDS];
    struct route_args a;
    int rc;

    memset(&a, 0, sizeof a);
    route_add_str(&a, "ALIAS");
    route_add_str(&a, "LIST");
    if (short_form.p != NULL) route_add(&a, short_form.p, short_form.len);
    if (route_all_args(l, &a, "ALIAS LIST", REDIS_REPLY_ARRAY, rep, err,
                       errlen) != 0)
        return -1;
    rc = route_lists_aliases(l->spec->n, (const redisReply *const *)rep, fn,
                             ctx, err, errlen);
    route_free_all(rep, l->spec->n);
    return rc;
}

static int
route_open(const struct carid_host *host, const char *dir, void **db, char *err,
           size_t errlen)
{
    (void)host;
    (void)dir;
    if (route_spec_parse(server.cfg.route, &route_spec, err, errlen) != 0)
        return -1;
    /* read once, at start: a file, so the password is on no command line
     * (ps) and can be a 0600 file or a systemd credential (ROUTE.md) */
    if (*server.cfg.route_password_file != '\0' &&
        route_spec_password(&route_spec, server.cfg.route_password_file, err,
                            errlen) != 0)
        return -1;
    *db = &route_spec;
    return 0;
}

static void
route_close(void *db)
{
    (void)db;
}

static int
route_handle_open(void *db, void **handle, char *err, size_t errlen)
{
    struct route_link *l = malloc(sizeof *l);

    if (l == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    route_link_init(l, db, server.cfg.route_timeout_ms);
    *handle = l;
    return 0;
}

static void
route_handle_close(void *handle)
{
    route_link_close(handle);
    free(handle);
}

/* Writes are forwarded as they come: a batch is no transaction across
 * shards (ROUTE.md). */
static int
route_begin(void *writer, char *err, size_t errlen)
{
    (void)writer;
    (void)err;
    (void)errlen;
    return 0;
}

static void
route_rollback(void *writer)
{
    (void)writer;
}

static const struct carid_plugin route_table = {
    .abi = CARID_PLUGIN_ABI,
    .name = "route",
    .version = "1",
    .open = route_open,
    .close = route_close,
    .reader_open = route_handle_open,
    .reader_close = route_handle_close,
    .writer_open = route_handle_open,
    .writer_close = route_handle_close,
    .begin = route_begin,
    .put = route_put,
    .del = route_del,
    .commit = route_begin,
    .rollback = route_rollback,
    .get = route_get,
    .search = route_search,
    .stats = route_stats_fn,
    .optimize = route_optimize,
    .analyze = route_analyze,
    .suggest = route_suggest,
    .facets = route_facets,
    .alias_add = route_alias_add,
    .alias_del = route_alias_del,
    .alias_list = route_alias_list,
};

const struct carid_plugin *
route_plugin(void)
{
    return &route_table;
}
