/*
 * collapse.c - see collapse.h.  The chosen ids are copied (the first
 * pass's hits are borrowed), in an sqlite3_malloc'd arena: an allocation
 * that fails is an error of the search, as everywhere in the plugin.
 */
#include <stdio.h>
#include <string.h>

#include "collapse.h"
#include "dups.h"
#include "query.h"

struct collapse_pick {
    size_t off, len; /* the id in the arena */
    int64_t copies;  /* articles in its cluster */
    int emitted;     /* the second pass sent it */
};

struct collapse {
    struct db_conn *c;
    const struct carid_query *q;
    int64_t *seen; /* clusters met so far (no fingerprint: -(hit + 1)) */
    int64_t nseen, hits, want;
    struct collapse_pick *pick; /* those in [offset, offset + count) */
    int64_t npick;
    char *ids;
    size_t nids, capids;
    int failed;
    char *err;
    size_t errlen;
    carid_hit_fn *fn; /* the second pass's */
    void *ctx;
};

/* Copies id into the arena; 0 or -1 when out of memory. */
static int
collapse_keep(struct collapse *k, struct carid_str id)
{
    if (k->nids + id.len > k->capids) {
        size_t cap = (k->capids + id.len) * 2 + 256;
        char *p = sqlite3_realloc64(k->ids, cap);

        if (p == NULL) return -1;
        k->ids = p;
        k->capids = cap;
    }
    memcpy(k->ids + k->nids, id.p, id.len);
    k->pick[k->npick] = (struct collapse_pick){k->nids, id.len, 0, 0};
    k->nids += id.len;
    return 0;
}

/* The first pass: a hit in rank order; stops once the page is full. */
static int
collapse_scan(void *ctx, const struct carid_hit *hit)
{
    struct collapse *k = ctx;
    int64_t cluster, size;

    if (dups_cluster(k->c, hit->id, &cluster, &size, k->err, k->errlen) != 0) {
        k->failed = 1;
        return 1;
    }
    if (cluster <= 0) cluster = -(k->hits + 1); /* its own */
    k->hits++;
    for (int64_t i = 0; i < k->nseen; i++) {
        if (k->seen[i] == cluster) return 0; /* a copy of a better hit */
    }
    k->seen[k->nseen++] = cluster;
    if (k->nseen <= k->q->offset) return 0;
    if (collapse_keep(k, hit->id) != 0) {
        snprintf(k->err, k->errlen, "out of memory");
        k->failed = 1;
        return 1;
    }
    k->pick[k->npick++].copies = size > 0 ? size : 1;
    return k->nseen >= k->want;
}

/* The second pass: the picked hits, with their fields and copies. */
static int
collapse_emit(void *ctx, const struct carid_hit *hit)
{
    struct collapse *k = ctx;

    for (int64_t i = 0; i < k->npick; i++) {
        struct collapse_pick *p = &k->pick[i];
        struct carid_hit out;

        if (p->emitted || p->len != hit->id.len ||
            memcmp(k->ids + p->off, hit->id.p, p->len) != 0)
            continue;
        p->emitted = 1;
        out = *hit;
        out.copies = p->copies;
        return k->fn(k->ctx, &out);
    }
    return 0;
}

int
collapse_search(struct db_conn *c, const struct carid_query *q,
                carid_hit_fn *fn, void *ctx, int64_t *total, char *err,
                size_t errlen)
{
    struct collapse k = {c,    q, NULL, 0, 0,   0,      NULL, 0,
                         NULL, 0, 0,    0, err, errlen, fn,   ctx};
    struct carid_query scan = *q, show = *q;
    int64_t window = (q->offset + q->count) * 10 + 100, shown;
    int rc;

    if (q->count <= 0) return query_search(c, q, fn, ctx, total, err, errlen);
    if (window > COLLAPSE_SCAN_MAX) window = COLLAPSE_SCAN_MAX;
    k.want = q->offset + q->count;
    k.seen = sqlite3_malloc64((size_t)window * sizeof *k.seen);
    k.pick = sqlite3_malloc64((size_t)q->count * sizeof *k.pick);
    if (k.seen == NULL || k.pick == NULL) {
        snprintf(err, errlen, "out of memory");
        rc = -1;
        goto out;
    }
    scan.offset = 0;
    scan.count = window;
    scan.want_fields = 0;
    scan.want_snippet = 0;
    rc = query_search(c, &scan, collapse_scan, &k, total, err, errlen);
    if (rc != 0 || k.failed || k.npick == 0) {
        rc = rc != 0 || k.failed ? -1 : 0;
        goto out;
    }
    show.offset = 0;
    show.count = k.hits; /* the last picked hit's rank + 1 */
    show.fixed = NULL;   /* the first pass gave the fixes */
    rc = query_search(c, &show, collapse_emit, &k, &shown, err, errlen);
out:
    sqlite3_free(k.seen);
    sqlite3_free(k.pick);
    sqlite3_free(k.ids);
    return rc;
}
