/*
 * post_impacts.c - see post_impacts.h.
 */
#include <stdlib.h>

#include "post_impacts.h"

/* freq descending, then dl ascending: the sweep keeps the first of each
 * freq and every later pair that is shorter than all before it. */
static int
post_impacts_cmp(const void *a, const void *b)
{
    const struct post_pair *x = a, *y = b;

    if (x->freq != y->freq) return x->freq > y->freq ? -1 : 1;
    if (x->dl != y->dl) return x->dl < y->dl ? -1 : 1;
    return 0;
}

/* What merging pair i into i+1 loses: their relative distance. */
static double
post_impacts_loss(const struct post_pair *a, const struct post_pair *b)
{
    return (double)(a->freq - b->freq) / a->freq +
           (double)(a->dl - b->dl) / a->dl;
}

void
post_impacts_make(struct post_pair *pairs, size_t n, struct post_impacts *out)
{
    struct post_pair front[POST_IMPACTS + 1];
    size_t i;
    int m = 0, j, best;

    out->n = 0;
    if (n == 0) return;
    qsort(pairs, n, sizeof pairs[0], post_impacts_cmp);
    for (i = 0; i < n; i++) {
        if (m > 0 && pairs[i].dl >= front[m - 1].dl) continue;
        front[m++] = pairs[i];
        if (m <= POST_IMPACTS) continue;
        /* One too many: merge the closest neighbours. */
        best = 0;
        for (j = 1; j + 1 < m; j++)
            if (post_impacts_loss(&front[j], &front[j + 1]) <
                post_impacts_loss(&front[best], &front[best + 1]))
                best = j;
        front[best].dl = front[best + 1].dl;
        for (j = best + 1; j + 1 < m; j++)
            front[j] = front[j + 1];
        m--;
    }
    out->n = m;
    for (j = 0; j < m; j++)
        out->p[j] = front[j];
}

int
post_impacts_equal(const struct post_impacts *a, const struct post_impacts *b)
{
    int i;

    if (a->n != b->n) return 0;
    for (i = 0; i < a->n; i++)
        if (a->p[i].freq != b->p[i].freq || a->p[i].dl != b->p[i].dl) return 0;
    return 1;
}

int
post_impacts_valid(const struct post_impacts *imp)
{
    int i;

    if (imp->n < 1 || imp->n > POST_IMPACTS) return 0;
    for (i = 0; i < imp->n; i++) {
        if (imp->p[i].freq == 0 || imp->p[i].dl == 0) return 0;
        if (i > 0 && (imp->p[i].freq >= imp->p[i - 1].freq ||
                      imp->p[i].dl >= imp->p[i - 1].dl))
            return 0;
    }
    return 1;
}
