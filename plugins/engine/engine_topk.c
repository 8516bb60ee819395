/*
 * engine_topk.c - see engine_topk.h.
 */
#include <math.h>
#include <stdlib.h>

#include "engine_topk.h"

/* Whether a is worse than b: the heap's order. */
static int
engine_topk_worse(const struct engine_hit *a, const struct engine_hit *b)
{
    if (a->score != b->score) return a->score < b->score;
    if (a->s != b->s) return a->s < b->s;
    return a->docid < b->docid;
}

static void
engine_topk_down(struct engine_hit *h, int n, int i)
{
    for (;;) {
        int l = 2 * i + 1, r = l + 1, m = i;
        struct engine_hit tmp;

        if (l < n && engine_topk_worse(&h[l], &h[m])) m = l;
        if (r < n && engine_topk_worse(&h[r], &h[m])) m = r;
        if (m == i) return;
        tmp = h[i];
        h[i] = h[m];
        h[m] = tmp;
        i = m;
    }
}

void
engine_topk_init(struct engine_topk *t, struct engine_hit *hits, int k)
{
    t->h = hits;
    t->n = 0;
    t->k = k > 0 ? k : 0;
}

double
engine_topk_threshold(const struct engine_topk *t)
{
    if (t->k == 0) return INFINITY;
    return t->n < t->k ? -INFINITY : t->h[0].score;
}

void
engine_topk_push(struct engine_topk *t, int64_t docid, double score, double s)
{
    struct engine_hit hit = {docid, score, s};
    int i;

    if (t->n < t->k) {
        /* Sift up. */
        i = t->n++;
        while (i > 0 && engine_topk_worse(&hit, &t->h[(i - 1) / 2])) {
            t->h[i] = t->h[(i - 1) / 2];
            i = (i - 1) / 2;
        }
        t->h[i] = hit;
        return;
    }
    if (t->k == 0 || !engine_topk_worse(&t->h[0], &hit)) return;
    t->h[0] = hit;
    engine_topk_down(t->h, t->n, 0);
}

static int
engine_topk_cmp(const void *a, const void *b)
{
    const struct engine_hit *x = a, *y = b;

    if (engine_topk_worse(y, x)) return -1;
    if (engine_topk_worse(x, y)) return 1;
    return 0;
}

int
engine_topk_sort(struct engine_topk *t)
{
    qsort(t->h, (size_t)t->n, sizeof t->h[0], engine_topk_cmp);
    return t->n;
}
