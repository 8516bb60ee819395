/*
 * post_block.h - one block of a term's postings, as bytes.
 *
 * A block holds 1 .. ENGINE_BLOCK postings of one term in strictly
 * ascending docid order.  This file and post_block.c are the only places
 * that know the byte layout (plugins/engine/DESIGN.md, Block format); its
 * first byte is the layout's version (2: a varint header, then the docid
 * deltas, tfs and lengths bit-packed; version 1 was varints throughout).
 *
 * The decoder reads bytes from disk: on corrupt or truncated input it
 * returns -1 and never reads outside buf[0..len).  Decoding is in two
 * steps so that a walk over docids alone (counting, skipping) never pays
 * for the term frequencies: post_block_decode_docids() first, then
 * post_block_decode_tfs() on the same bytes when a posting is scored.
 */
#ifndef POST_BLOCK_H
#define POST_BLOCK_H

#include <stddef.h>
#include <stdint.h>

#include "post_impacts.h"

#define ENGINE_BLOCK       128
#define POST_BLOCK_VERSION 2
/* Bytes an encoded block takes at most: version, count, two docids, the
 * flags, two lists of impacts, the titled docids (a count and 128 offsets),
 * then 127 docid deltas of up to 63 bits and 128 tf_title, tf_body and
 * dl of up to 32, each list packed after its width byte. */
#define POST_BLOCK_MAX_BYTES                                                   \
    (1 + 2 + 10 + 10 + 1 + 2 * (1 + POST_IMPACTS * 10) + 2 +                   \
     ENGINE_BLOCK * 10 + 1 + (ENGINE_BLOCK - 1) * 8 +                          \
     3 * (1 + ENGINE_BLOCK * 4))

/* One article's occurrences of the term: tf_title and tf_body times in the
 * title and the body, in an article of dl tokens (all columns). */
struct post_posting {
    int64_t docid;
    uint32_t tf_title;
    uint32_t tf_body;
    uint32_t dl;
};

/*
 * What a block's header says, and all a cursor needs to skip or bound the
 * block without decoding it.  all: the impacts (post_impacts.h) of its
 * postings, freq being 4*tf_title + tf_body; max_freq and min_dl, the
 * block's maxima, are all's first freq and last dl.  any_title: some
 * posting has tf_title > 0, and title holds the impacts of those postings
 * alone: a title match outweighs any BM25 part, so an article that reaches
 * a bound's title count took a titled posting of each titled block, and
 * only those bound its s (engine_score_bound()).
 *
 * titled: the docids of the titled postings, ntitled of them (0 without
 * any_title), ascending.  With them a query knows from the header alone
 * which of a window's articles have a term in their title, so its title
 * count is bounded by real co-occurrence, not by one flag per block.  The
 * array is not in the struct: titled points into the term's copy
 * (post_term.h) or into a post_block_data, and is NULL when the header was
 * read alone (post_block_decode_meta(), _head(), post_block_encode()).
 */
struct post_block_meta {
    int64_t first;
    int64_t last;
    uint32_t max_freq;
    uint32_t min_dl;
    struct post_impacts all;
    struct post_impacts title; /* n 0 without any_title */
    const int64_t *titled;
    uint16_t count;
    uint16_t ntitled;
    uint8_t any_title;
};

/* A decoded block, column-wise.  tf_offset is where the tf section starts
 * in the bytes (set by post_block_decode_docids(), with titled: the
 * header's titled docids, which meta->titled then points to). */
struct post_block_data {
    int n;
    size_t tf_offset;
    int64_t docid[ENGINE_BLOCK];
    int64_t titled[ENGINE_BLOCK];
    uint32_t tf_title[ENGINE_BLOCK];
    uint32_t tf_body[ENGINE_BLOCK];
    uint32_t dl[ENGINE_BLOCK];
};

/*
 * Encodes p[0..n) into out (cap bytes; POST_BLOCK_MAX_BYTES always does)
 * and fills *meta.  Returns the bytes written, or 0 if the postings are
 * not a valid block: n outside 1..ENGINE_BLOCK, docids not strictly
 * ascending, INT64_MIN or INT64_MAX, a posting with no occurrence, dl 0, or
 * 4*tf_title + tf_body above UINT32_MAX.
 */
size_t post_block_encode(const struct post_posting *p, int n, uint8_t *out,
                         size_t cap, struct post_block_meta *meta);

/* Reads only the header.  0, or -1 if it is corrupt. */
int post_block_decode_meta(const uint8_t *buf, size_t len,
                           struct post_block_meta *meta);

/* The same, and *used the header's length in bytes: a block's first *used
 * bytes are its header alone, which a store may keep apart (a term's skip
 * table, post_term_load()). */
int post_block_decode_head(const uint8_t *buf, size_t len,
                           struct post_block_meta *meta, size_t *used);

/* The header with its titled docids, into titled (room for ENGINE_BLOCK),
 * which meta->titled then points to; *used as post_block_decode_head(). */
int post_block_decode_titled(const uint8_t *buf, size_t len,
                             struct post_block_meta *meta, size_t *used,
                             int64_t *titled);

/* Header and docids into *meta and d.  0, or -1 if corrupt. */
int post_block_decode_docids(const uint8_t *buf, size_t len,
                             struct post_block_meta *meta,
                             struct post_block_data *d);

/*
 * The docids of a block whose header is already known: buf's first head
 * bytes are the very bytes *meta was read from (the caller compared them:
 * post_term keeps its blocks' headers), so only what follows is decoded.
 * Then as post_block_decode_docids().  0, or -1 if corrupt.
 */
int post_block_decode_body(const uint8_t *buf, size_t len, size_t head,
                           const struct post_block_meta *meta,
                           struct post_block_data *d);

/* The tfs and lengths of a block whose docids d already holds; checks them
 * against the header's maxima and titled docids, and that the block ends
 * exactly at len.
 * 0, or -1 if corrupt. */
int post_block_decode_tfs(const uint8_t *buf, size_t len,
                          const struct post_block_meta *meta,
                          struct post_block_data *d);

/* Both steps. */
int post_block_decode(const uint8_t *buf, size_t len,
                      struct post_block_meta *meta, struct post_block_data *d);

#endif
