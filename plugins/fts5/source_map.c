/*
 * source_map.c - see source_map.h: three walks over the sets (the days'
 * span, each day's largest rank, the numbers).
 */
#include <stdlib.h>
#include <string.h>

#include "docid.h"
#include "source_map.h"

struct source_map_walk {
    struct source_map *m;
    uint32_t high;   /* the part's high word */
    int pass;        /* 0 span, 1 ranks, 2 numbers */
    uint16_t number; /* pass 2: the set's, + 1 */
    int64_t lo, hi;  /* pass 0: the days seen */
    uint32_t *top;   /* pass 1: each day's largest rank */
    int bad;
};

static bool
source_map_visit(uint32_t low, void *ctx)
{
    struct source_map_walk *w = ctx;
    int64_t docid = (int64_t)((uint64_t)w->high << 32 | low);
    int64_t day = docid >> DOCID_N_BITS, rank = docid_n(docid);

    if (rank < 1) {
        w->bad = 1;
        return false;
    }
    if (w->pass == 0) {
        if (day < w->lo) w->lo = day;
        if (day > w->hi) w->hi = day;
    } else if (w->pass == 1) {
        if ((uint32_t)rank > w->top[day - w->m->day0])
            w->top[day - w->m->day0] = (uint32_t)rank;
    } else {
        w->m->src[w->m->off[day - w->m->day0] + rank - 1] = w->number;
    }
    return true;
}

/* Walks every docid of the sets in pass p. */
static int
source_map_pass(struct source_map_walk *w, const struct source_set *const *sets,
                int n, int p)
{
    int i, j;

    w->pass = p;
    for (i = 0; i < n && !w->bad; i++) {
        w->number = (uint16_t)(i + 1);
        for (j = 0; j < sets[i]->n && !w->bad; j++) {
            w->high = sets[i]->part[j].high;
            roaring_iterate(sets[i]->part[j].bits, source_map_visit, w);
        }
    }
    return w->bad ? -2 : 0;
}

int
source_map_build(struct source_map *m, const struct source_set *const *sets,
                 int n)
{
    struct source_map_walk w;
    uint64_t total = 0;
    int64_t d;
    int rc;

    memset(m, 0, sizeof *m);
    memset(&w, 0, sizeof w);
    if (n > SOURCE_MAP_MAX) return -2;
    w.m = m;
    w.lo = INT64_MAX;
    w.hi = -1;
    if ((rc = source_map_pass(&w, sets, n, 0)) != 0) return rc;
    if (w.hi < 0) w.lo = w.hi = 0; /* no article */
    m->day0 = w.lo;
    m->ndays = w.hi - w.lo + 1;
    m->off = calloc((size_t)m->ndays + 1, sizeof *m->off);
    w.top = calloc((size_t)m->ndays, sizeof *w.top);
    if (m->off == NULL || w.top == NULL) goto nomem;
    if ((rc = source_map_pass(&w, sets, n, 1)) != 0) {
        free(w.top);
        source_map_free(m);
        return rc;
    }
    for (d = 0; d < m->ndays; d++) {
        m->off[d] = (uint32_t)total;
        total += w.top[d];
    }
    m->off[m->ndays] = (uint32_t)total;
    if (total > UINT32_MAX) goto nomem;
    if ((m->src = calloc(total > 0 ? total : 1, sizeof *m->src)) == NULL)
        goto nomem;
    source_map_pass(&w, sets, n, 2);
    free(w.top);
    return 0;
nomem:
    free(w.top);
    source_map_free(m);
    return -1;
}

int
source_map_get(const struct source_map *m, int64_t docid)
{
    int64_t day = (docid >> DOCID_N_BITS) - m->day0, rank = docid_n(docid);

    if (m->src == NULL || day < 0 || day >= m->ndays || rank < 1 ||
        rank > (int64_t)(m->off[day + 1] - m->off[day]))
        return -1;
    return (int)m->src[m->off[day] + rank - 1] - 1;
}

void
source_map_free(struct source_map *m)
{
    free(m->off);
    free(m->src);
    memset(m, 0, sizeof *m);
}
