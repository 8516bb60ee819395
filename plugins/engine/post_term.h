/*
 * post_term.h - a term's postings as a list of blocks: the per-term data a
 * cursor needs in memory (df, maxima over all blocks, each block's header)
 * and the caller-supplied source of the blocks' bytes.
 *
 * The engine does not know where blocks live: a source returns block i's
 * bytes, which must stay valid until the same cursor reads another block
 * (a later step reads them from BLOB rows in carid.db).
 */
#ifndef POST_TERM_H
#define POST_TERM_H

#include <stddef.h>
#include <stdint.h>

#include "post_block.h"

struct post_term {
    int64_t df;        /* postings, all blocks */
    uint32_t max_freq; /* the maxima over all blocks (post_block_meta) */
    uint32_t min_dl;
    struct post_impacts all; /* the impacts of all blocks' impacts */
    struct post_impacts title;
    int any_title;
    size_t nblocks;
    struct post_block_meta *blocks; /* nblocks headers, in docid order */
    int64_t *titled; /* every block's titled docids: their meta->titled */
    uint8_t *heads;  /* every block's header bytes, one after the other */
    size_t *head_at; /* nblocks + 1: where block i's header starts there */
};

/* Block i's bytes: 0, or -1 if they cannot be read. */
struct post_source {
    int (*read)(void *ctx, size_t block, const uint8_t **buf, size_t *len);
    void *ctx;
};

/* Takes block i's bytes at build time: 0, or -1 to stop the build. */
typedef int (*post_term_sink)(void *ctx, size_t block, const uint8_t *buf,
                              size_t len);

/*
 * Cuts p[0..n) (docid order, n >= 1) into blocks of ENGINE_BLOCK postings,
 * hands each one's bytes to sink and fills *t.  0, or -1 on invalid
 * postings (post_block_encode()), a failed sink or no memory; *t then
 * holds nothing to free.  Free with post_term_free().
 */
int post_term_build(struct post_term *t, const struct post_posting *p, size_t n,
                    post_term_sink sink, void *ctx);
/*
 * The same *t from a store: heads[0..len) the headers of its nblocks
 * blocks one after the other (post_block_decode_head(): each block's
 * first bytes), df its postings.  0; -1 if they do not decode, overlap,
 * or their counts do not add up to df; -2 out of memory; -3 if they are
 * of another layout version (POST_BLOCK_VERSION): not corrupt, just to be
 * rebuilt.  *t then holds nothing to free.
 */
int post_term_load(struct post_term *t, const uint8_t *heads, size_t len,
                   size_t nblocks, int64_t df);
void post_term_free(struct post_term *t);

#endif
