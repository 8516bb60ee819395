/*
 * post_term.c - see post_term.h.
 */
#include <stdlib.h>
#include <string.h>

#include "post_term.h"

int
post_term_build(struct post_term *t, const struct post_posting *p, size_t n,
                post_term_sink sink, void *ctx)
{
    uint8_t buf[POST_BLOCK_MAX_BYTES];
    size_t i, nb = (n + ENGINE_BLOCK - 1) / ENGINE_BLOCK;

    memset(t, 0, sizeof *t);
    if (n == 0) return -1;
    t->blocks = malloc(nb * sizeof t->blocks[0]);
    if (t->blocks == NULL) return -1;
    t->min_dl = UINT32_MAX;
    t->title_min_dl = UINT32_MAX;
    for (i = 0; i < nb; i++) {
        size_t at = i * ENGINE_BLOCK, len;
        int cnt = (int)(n - at < ENGINE_BLOCK ? n - at : ENGINE_BLOCK);
        struct post_block_meta *m = &t->blocks[i];

        /* Blocks are encoded alone; ascending across them is checked here. */
        len = post_block_encode(p + at, cnt, buf, sizeof buf, m);
        if (len == 0 || (i > 0 && m->first <= t->blocks[i - 1].last) ||
            sink(ctx, i, buf, len) != 0) {
            post_term_free(t);
            return -1;
        }
        if (m->max_freq > t->max_freq) t->max_freq = m->max_freq;
        if (m->min_dl < t->min_dl) t->min_dl = m->min_dl;
        if (m->any_title) {
            t->any_title = 1;
            if (m->title_max_freq > t->title_max_freq)
                t->title_max_freq = m->title_max_freq;
            if (m->title_min_dl < t->title_min_dl)
                t->title_min_dl = m->title_min_dl;
        }
    }
    if (!t->any_title) t->title_min_dl = 0;
    t->nblocks = nb;
    t->df = (int64_t)n;
    return 0;
}

void
post_term_free(struct post_term *t)
{
    free(t->blocks);
    memset(t, 0, sizeof *t);
}
