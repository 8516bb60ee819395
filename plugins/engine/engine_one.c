/*
 * engine_one.c - see engine_one.h.
 */
#include <stdlib.h>

#include "engine_and.h"
#include "engine_one.h"

/* A block of the range and the best final score one of its postings may
 * reach. */
struct engine_one_block {
    double bound;
    size_t blk;
};

/* Whether block x comes before y: the better bound, and of equal bounds
 * the earlier block, so the walk is the same from run to run. */
static int
engine_one_before(const struct engine_one_block *x,
                  const struct engine_one_block *y)
{
    return x->bound > y->bound || (x->bound == y->bound && x->blk < y->blk);
}

/* Restores the heap b[0..n) (the first block first) below position i. */
static void
engine_one_sift(struct engine_one_block *b, size_t n, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, best = i;
        struct engine_one_block t;

        if (l < n && engine_one_before(&b[l], &b[best])) best = l;
        if (l + 1 < n && engine_one_before(&b[l + 1], &b[best])) best = l + 1;
        if (best == i) return;
        t = b[i];
        b[i] = b[best];
        b[best] = t;
        i = best;
    }
}

/* Scores every posting in range of block blk. */
static void
engine_one_block(struct engine_run *r, size_t blk)
{
    struct post_cursor *c = &r->cur[0];
    int64_t doc = post_cursor_seek(c, blk);
    int left;

    if (doc == POST_END) return;
    post_cursor_rest(c, &left); /* the block's postings from here */
    for (;;) {
        /* corrupt: the cursor says so at close */
        if (engine_run_take(r, 0) != 0) return;
        engine_run_push(r, doc);
        /* after the block's last posting, next would decode the next
         * block, which the heap may never want */
        if (--left == 0 || (doc = post_cursor_next(c)) == POST_END) return;
    }
}

void
engine_one_topk(struct engine_run *r)
{
    struct post_cursor *c = &r->cur[0];
    size_t first = c->blk, n = c->end > c->blk ? c->end - c->blk : 0, i;
    struct engine_one_block *b;

    if (r->topk.k == 0 || n == 0) return;
    if ((b = malloc(n * sizeof *b)) == NULL) {
        engine_and_topk(r);
        return;
    }
    for (i = 0; i < n; i++) {
        const struct post_block_meta *m =
            &r->q->terms[0].term->blocks[first + i];

        b[i].blk = first + i;
        b[i].bound = engine_run_bound(r, m->any_title + r->coord_w,
                                      engine_run_block_s(r, 0, m));
    }
    /* a heap, not a sort: the walk mostly takes a few of the blocks */
    for (i = n / 2; i-- > 0;)
        engine_one_sift(b, n, i);
    /* a posting exactly at the threshold may still enter (higher s or
     * docid): only a bound strictly below it ends the walk */
    while (n > 0 && b[0].bound >= engine_topk_threshold(&r->topk)) {
        engine_one_block(r, b[0].blk);
        if (post_cursor_failed(c)) break;
        b[0] = b[--n];
        engine_one_sift(b, n, 0);
    }
    free(b);
}
