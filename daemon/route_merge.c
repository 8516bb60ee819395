/*
 * route_merge.c - see route_merge.h.  Scores arrive as "%.17g" (SEARCH
 * ... STATS), so strtod() gives back the shard's double bit for bit, and
 * the daemon writes the merged hit as one node would.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "route_merge.h"

/* One hit of one shard's page. */
struct route_hit {
    double score;
    int shard;
    size_t pos;
    const redisReply *r;
};

int
route_merge_error(const redisReply *r, int shard, const char *what, char *err,
                  size_t errlen)
{
    if (r != NULL && r->type == REDIS_REPLY_ERROR)
        snprintf(err, errlen, "shard %d: %s", shard + 1,
                 strncmp(r->str, "ERR ", 4) == 0 ? r->str + 4 : r->str);
    else
        snprintf(err, errlen, "shard %d: unexpected reply to %s", shard + 1,
                 what);
    return -1;
}

static int
route_merge_is(const redisReply *r, const char *s)
{
    return r->type == REDIS_REPLY_STRING && r->len == strlen(s) &&
           memcmp(r->str, s, r->len) == 0;
}

int
route_merge_stats(const redisReply *r, int shard, struct carid_global *g,
                  int64_t *m, int64_t *parsed, char *err, size_t errlen)
{
    int64_t mine = -1;
    int ndf = 0;

    if (r->type != REDIS_REPLY_ARRAY || r->elements % 2 != 0)
        return route_merge_error(r, shard, "TERMSTATS", err, errlen);
    for (size_t i = 0; i < r->elements; i += 2) {
        const redisReply *name = r->element[i], *v = r->element[i + 1];

        if (v->type != REDIS_REPLY_INTEGER)
            return route_merge_error(r, shard, "TERMSTATS", err, errlen);
        if (route_merge_is(name, "documents"))
            g->documents += v->integer;
        else if (route_merge_is(name, "tokens"))
            g->tokens += v->integer;
        else if (route_merge_is(name, "matches"))
            *m = v->integer;
        else if (route_merge_is(name, "parsed"))
            mine = v->integer;
        else if (route_merge_is(name, "df") && ndf < CARID_GLOBAL_MAX_TERMS)
            g->df[ndf++] += v->integer;
    }
    if (shard == 0) {
        g->nterms = ndf;
        *parsed = mine;
    }
    if (ndf != g->nterms || mine != *parsed) {
        snprintf(err, errlen,
                 "shard %d parsed the query unlike shard 1 (%d terms, %d): "
                 "their spelling corrections or learned aliases differ, "
                 "so their scores would not compare (try FUZZY off)",
                 shard + 1, ndf, g->nterms);
        return -1;
    }
    return 0;
}

/* Best first; a tie to the later shard, then the shard's own order. */
static int
route_merge_cmp(const void *a, const void *b)
{
    const struct route_hit *x = a, *y = b;

    if (x->score != y->score) return x->score > y->score ? -1 : 1;
    if (x->shard != y->shard) return x->shard > y->shard ? -1 : 1;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* Where the hits start in a SEARCH reply, or 0 if it is not one. */
static size_t
route_merge_first(const redisReply *r, const struct carid_query *q)
{
    size_t first = 1 + (q->fixed != NULL);

    if (r->type != REDIS_REPLY_ARRAY || r->elements < first ||
        r->element[0]->type != REDIS_REPLY_INTEGER)
        return 0;
    if (q->fixed != NULL && r->element[1]->type != REDIS_REPLY_ARRAY) return 0;
    for (size_t i = first; i < r->elements; i++)
        if (r->element[i]->type != REDIS_REPLY_ARRAY ||
            r->element[i]->elements < 2 || r->element[i]->elements % 2 != 0 ||
            r->element[i]->element[0]->type != REDIS_REPLY_STRING ||
            r->element[i]->element[1]->type != REDIS_REPLY_STRING)
            return 0;
    return first;
}

/* Hands fn one shard hit r. */
static int
route_merge_emit(const redisReply *r, double score, carid_hit_fn *fn, void *ctx)
{
    struct carid_hit hit;

    memset(&hit, 0, sizeof hit);
    hit.id = (struct carid_str){r->element[0]->str, r->element[0]->len};
    hit.doc.id = hit.id;
    hit.score = score;
    for (size_t i = 2; i + 1 < r->elements; i += 2) {
        const redisReply *name = r->element[i], *v = r->element[i + 1];
        struct carid_str val = {v->type == REDIS_REPLY_STRING ? v->str : "",
                                v->type == REDIS_REPLY_STRING ? v->len : 0};
        int f;

        if (route_merge_is(name, "snippet"))
            hit.snippet = val;
        else if ((f = cmd_field_lookup(name->str, name->len)) >= 0)
            hit.doc.field[f] = val;
    }
    return fn(ctx, &hit);
}

/* The first shard's corrections, to q->fixed. */
static void
route_merge_fixes(int n, redisReply *const *rep, const struct carid_query *q)
{
    for (int i = 0; i < n; i++) {
        const redisReply *f;

        if (rep[i] == NULL) continue;
        f = rep[i]->element[1];
        for (size_t k = 0; k + 1 < f->elements; k += 2)
            if (q->fixed(
                    q->fixed_ctx,
                    (struct carid_str){f->element[k]->str, f->element[k]->len},
                    (struct carid_str){f->element[k + 1]->str,
                                       f->element[k + 1]->len}) != 0)
                return;
        if (f->elements > 0) return;
    }
}

int
route_merge_hits(int n, redisReply *const *rep, const struct carid_query *q,
                 int64_t *total, carid_hit_fn *fn, void *ctx, char *err,
                 size_t errlen)
{
    int by_date = q->sort != CARID_SORT_RELEVANCE;
    struct route_hit *h;
    size_t nh = 0, cap = 0, i, start, end, first;
    int k;

    for (k = 0; k < n; k++) {
        if (rep[k] == NULL) continue;
        if ((first = route_merge_first(rep[k], q)) == 0)
            return route_merge_error(rep[k], k, "SEARCH", err, errlen);
        if (total != NULL) *total += rep[k]->element[0]->integer;
        cap += rep[k]->elements - first;
    }
    if (q->fixed != NULL) route_merge_fixes(n, rep, q);
    if ((h = malloc((cap > 0 ? cap : 1) * sizeof *h)) == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (int j = 0; j < n; j++) {
        /* by date: newest first, the later shards' pages come first */
        k = by_date && q->sort == CARID_SORT_NEWEST ? n - 1 - j : j;
        if (rep[k] == NULL) continue;
        first = route_merge_first(rep[k], q);
        for (i = first; i < rep[k]->elements; i++) {
            const redisReply *r = rep[k]->element[i];

            h[nh++] = (struct route_hit){strtod(r->element[1]->str, NULL), k, i,
                                         r};
        }
    }
    start = 0;
    end = nh;
    if (!by_date) {
        qsort(h, nh, sizeof *h, route_merge_cmp);
        start = (size_t)q->offset < nh ? (size_t)q->offset : nh;
        end = start + (size_t)q->count < nh ? start + (size_t)q->count : nh;
    }
    for (i = start; i < end; i++)
        if (route_merge_emit(h[i].r, h[i].score, fn, ctx) != 0) break;
    free(h);
    return 0;
}

int
route_merge_doc(const redisReply *r, int shard, struct carid_str id,
                carid_doc_fn *fn, void *ctx, char *err, size_t errlen)
{
    struct carid_doc doc;
    int f;

    if (r->type != REDIS_REPLY_ARRAY || r->elements % 2 != 0)
        return route_merge_error(r, shard, "GET", err, errlen);
    memset(&doc, 0, sizeof doc);
    doc.id = id;
    for (size_t i = 0; i + 1 < r->elements; i += 2) {
        const redisReply *name = r->element[i], *v = r->element[i + 1];

        if (name->type != REDIS_REPLY_STRING || v->type != REDIS_REPLY_STRING)
            return route_merge_error(r, shard, "GET", err, errlen);
        if ((f = cmd_field_lookup(name->str, name->len)) >= 0)
            doc.field[f] = (struct carid_str){v->str, v->len};
    }
    fn(ctx, &doc);
    return 0;
}
