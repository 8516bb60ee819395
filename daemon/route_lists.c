/*
 * route_lists.c - see route_lists.h.  Each merge gathers the shards'
 * entries into one array, sorts it, and folds equal neighbours.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cmd.h"
#include "route_lists.h"
#include "route_merge.h"

/* One name and its count, or one alias. */
struct route_entry {
    const redisReply *a, *b; /* name (and, for an alias, the long form) */
    int64_t count;           /* or the alias's kind */
};

static int
route_lists_bytes(const redisReply *x, const redisReply *y)
{
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->str, y->str, n);

    return c != 0 ? c : (x->len > y->len) - (x->len < y->len);
}

static int
route_lists_by_name(const void *p, const void *q)
{
    const struct route_entry *x = p, *y = q;

    return route_lists_bytes(x->a, y->a);
}

static int
route_lists_by_count(const void *p, const void *q)
{
    const struct route_entry *x = p, *y = q;

    if (x->count != y->count) return x->count > y->count ? -1 : 1;
    return route_lists_bytes(x->a, y->a);
}

/* Room for every shard's entries; NULL with err set. */
static struct route_entry *
route_lists_alloc(int n, const redisReply *const *lists, size_t per, char *err,
                  size_t errlen)
{
    struct route_entry *e;
    size_t cap = 1;

    for (int i = 0; i < n; i++)
        if (lists[i] != NULL) cap += lists[i]->elements / per;
    if ((e = malloc(cap * sizeof *e)) == NULL)
        snprintf(err, errlen, "out of memory");
    return e;
}

int
route_lists_sum(int n, const redisReply *const *lists, int64_t max,
                const char *what, carid_term_fn *fn, void *ctx, char *err,
                size_t errlen)
{
    struct route_entry *e;
    size_t ne = 0, k = 0, i;

    for (int s = 0; s < n; s++) {
        const redisReply *l = lists[s];

        if (l == NULL) continue;
        if (l->type != REDIS_REPLY_ARRAY || l->elements % 2 != 0)
            return route_merge_error(l, s, what, err, errlen);
        for (i = 0; i < l->elements; i += 2)
            if (l->element[i]->type != REDIS_REPLY_STRING ||
                l->element[i + 1]->type != REDIS_REPLY_INTEGER)
                return route_merge_error(l, s, what, err, errlen);
    }
    if ((e = route_lists_alloc(n, lists, 2, err, errlen)) == NULL) return -1;
    for (int s = 0; s < n; s++)
        for (i = 0; lists[s] != NULL && i < lists[s]->elements; i += 2)
            e[ne++] = (struct route_entry){lists[s]->element[i], NULL,
                                           lists[s]->element[i + 1]->integer};
    qsort(e, ne, sizeof *e, route_lists_by_name);
    for (i = 0; i < ne; i++) {
        if (k > 0 && route_lists_bytes(e[k - 1].a, e[i].a) == 0)
            e[k - 1].count += e[i].count;
        else
            e[k++] = e[i];
    }
    qsort(e, k, sizeof *e, route_lists_by_count);
    for (i = 0; i < k && (max < 0 || (int64_t)i < max); i++)
        if (fn(ctx, (struct carid_str){e[i].a->str, e[i].a->len}, e[i].count) !=
            0)
            break;
    free(e);
    return 0;
}

/* An alias's kind from ALIAS LIST's word for it, or -1. */
static int
route_lists_kind(const redisReply *r)
{
    return cmd_alias_kind_lookup(r->str, r->len);
}

/* Forms without case: the order ALIAS LIST gives (its keys are folded). */
static int
route_lists_nocase(const redisReply *x, const redisReply *y)
{
    size_t n = x->len < y->len ? x->len : y->len;
    int c = strncasecmp(x->str, y->str, n);

    return c != 0 ? c : (x->len > y->len) - (x->len < y->len);
}

static int
route_lists_by_alias(const void *p, const void *q)
{
    const struct route_entry *x = p, *y = q;
    int c = route_lists_nocase(x->a, y->a);

    if (c == 0) c = route_lists_nocase(x->b, y->b);
    if (c == 0) c = (x->count > y->count) - (x->count < y->count);
    return c;
}

static int
route_lists_alias_ok(const redisReply *r)
{
    return r->type == REDIS_REPLY_ARRAY && r->elements == 3 &&
           r->element[0]->type == REDIS_REPLY_STRING &&
           r->element[1]->type == REDIS_REPLY_STRING &&
           r->element[2]->type == REDIS_REPLY_STRING &&
           route_lists_kind(r->element[2]) >= 0;
}

int
route_lists_aliases(int n, const redisReply *const *lists, carid_alias_fn *fn,
                    void *ctx, char *err, size_t errlen)
{
    struct route_entry *e;
    size_t ne = 0, i;

    for (int s = 0; s < n; s++) {
        const redisReply *l = lists[s];

        if (l == NULL) continue;
        if (l->type != REDIS_REPLY_ARRAY)
            return route_merge_error(l, s, "ALIAS LIST", err, errlen);
        for (i = 0; i < l->elements; i++)
            if (!route_lists_alias_ok(l->element[i]))
                return route_merge_error(l, s, "ALIAS LIST", err, errlen);
    }
    if ((e = route_lists_alloc(n, lists, 1, err, errlen)) == NULL) return -1;
    for (int s = 0; s < n; s++)
        for (i = 0; lists[s] != NULL && i < lists[s]->elements; i++) {
            const redisReply *r = lists[s]->element[i];

            e[ne++] = (struct route_entry){r->element[0], r->element[1],
                                           route_lists_kind(r->element[2])};
        }
    qsort(e, ne, sizeof *e, route_lists_by_alias);
    for (i = 0; i < ne; i++) {
        if (i > 0 && route_lists_nocase(e[i - 1].a, e[i].a) == 0 &&
            route_lists_nocase(e[i - 1].b, e[i].b) == 0)
            continue; /* the same entry on another shard */
        if (fn(ctx, (struct carid_str){e[i].a->str, e[i].a->len},
               (struct carid_str){e[i].b->str, e[i].b->len},
               (int)e[i].count) != 0)
            break;
    }
    free(e);
    return 0;
}

static int
route_lists_token_ok(const redisReply *r)
{
    return r->type == REDIS_REPLY_ARRAY && r->elements == 4 &&
           r->element[0]->type == REDIS_REPLY_STRING &&
           r->element[1]->type == REDIS_REPLY_STRING &&
           r->element[2]->type == REDIS_REPLY_INTEGER &&
           r->element[3]->type == REDIS_REPLY_INTEGER;
}

static int
route_lists_same_token(const redisReply *x, const redisReply *y)
{
    return route_lists_bytes(x->element[0], y->element[0]) == 0 &&
           route_lists_bytes(x->element[1], y->element[1]) == 0 &&
           x->element[2]->integer == y->element[2]->integer &&
           x->element[3]->integer == y->element[3]->integer;
}

/* An alias element of ANALYZE's: its stem is "alias:" and the words. */
static int
route_lists_is_alias(const redisReply *r)
{
    return r->element[1]->len > 6 &&
           memcmp(r->element[1]->str, "alias:", 6) == 0;
}

/* One shard's element, for the union of the aliases. */
struct route_token {
    const redisReply *r;
    int shard;
    size_t pos;
};

static int
route_lists_by_token(const void *p, const void *q)
{
    const struct route_token *x = p, *y = q;
    const redisReply *a = x->r, *b = y->r;
    int c = route_lists_bytes(a->element[0], b->element[0]);

    if (c == 0) c = route_lists_bytes(a->element[1], b->element[1]);
    if (c == 0)
        c = (a->element[2]->integer > b->element[2]->integer) -
            (a->element[2]->integer < b->element[2]->integer);
    if (c == 0)
        c = (a->element[3]->integer > b->element[3]->integer) -
            (a->element[3]->integer < b->element[3]->integer);
    if (c == 0) c = (x->shard > y->shard) - (x->shard < y->shard);
    if (c == 0) c = (x->pos > y->pos) - (x->pos < y->pos);
    return c;
}

/* ANALYZE's order of aliases: by where they start, the longest span
 * first, then each shard's own order, the earliest shard's first. */
static int
route_lists_by_place(const void *p, const void *q)
{
    const struct route_token *x = p, *y = q;
    long long xs = x->r->element[2]->integer, ys = y->r->element[2]->integer;
    long long xe = x->r->element[3]->integer, ye = y->r->element[3]->integer;

    if (xs != ys) return xs < ys ? -1 : 1;
    if (xe != ye) return xe > ye ? -1 : 1;
    if (x->shard != y->shard) return x->shard < y->shard ? -1 : 1;
    return (x->pos > y->pos) - (x->pos < y->pos);
}

static int
route_lists_emit_token(const redisReply *r, carid_token_fn *fn, void *ctx)
{
    return fn(ctx, (struct carid_str){r->element[0]->str, r->element[0]->len},
              (struct carid_str){r->element[1]->str, r->element[1]->len},
              (size_t)r->element[2]->integer, (size_t)r->element[3]->integer);
}

int
route_lists_analyze(int n, const redisReply *const *lists, carid_token_fn *fn,
                    void *ctx, char *err, size_t errlen)
{
    struct route_token *t;
    const redisReply *prev = NULL;
    size_t nt = 0, k = 0, i, cap = 1;
    int first = -1;

    for (int s = 0; s < n; s++) {
        const redisReply *l = lists[s];

        if (l == NULL) continue;
        if (l->type != REDIS_REPLY_ARRAY)
            return route_merge_error(l, s, "ANALYZE", err, errlen);
        for (i = 0; i < l->elements; i++)
            if (!route_lists_token_ok(l->element[i]))
                return route_merge_error(l, s, "ANALYZE", err, errlen);
        if (first < 0) first = s;
        cap += l->elements;
    }
    if (first < 0) return 0;
    if ((t = malloc(cap * sizeof *t)) == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    /* the tokens are every shard's alike: the aliases may not be */
    for (int s = first; s < n; s++)
        for (i = 0; lists[s] != NULL && i < lists[s]->elements; i++)
            if (route_lists_is_alias(lists[s]->element[i]))
                t[nt++] = (struct route_token){lists[s]->element[i], s, i};
    qsort(t, nt, sizeof *t, route_lists_by_token);
    for (i = 0; i < nt; i++) {
        /* of equal ones the first, the earliest shard's, stays */
        if (prev != NULL && route_lists_same_token(prev, t[i].r)) continue;
        prev = t[i].r;
        t[k++] = t[i];
    }
    qsort(t, k, sizeof *t, route_lists_by_place);
    for (i = 0; i < lists[first]->elements; i++)
        if (!route_lists_is_alias(lists[first]->element[i]) &&
            route_lists_emit_token(lists[first]->element[i], fn, ctx) != 0)
            goto done;
    for (i = 0; i < k; i++)
        if (route_lists_emit_token(t[i].r, fn, ctx) != 0) break;
done:
    free(t);
    return 0;
}
