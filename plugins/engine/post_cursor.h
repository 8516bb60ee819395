/*
 * post_cursor.h - a walk over one term's postings in docid order, within a
 * docid range [from, to] (FROM/TO are rowid ranges).
 *
 * A cursor starts before its first posting; post_cursor_next() or
 * post_cursor_advance() positions it.  Blocks are read and decoded only
 * when the cursor must stand on one of their postings: advance() skips
 * whole blocks by their last docid, shallow() reads the header of the
 * block that holds a target, and a block's tfs are decoded only when
 * post_cursor_posting() asks for them.  The counters say how many blocks
 * each step decoded.
 *
 * A block that fails to read or decode, or whose header disagrees with the
 * term's copy of it, ends the cursor with err set: a caller must check
 * post_cursor_failed() when it reaches POST_END.
 */
#ifndef POST_CURSOR_H
#define POST_CURSOR_H

#include <stddef.h>
#include <stdint.h>

#include "post_block.h"
#include "post_term.h"

#define POST_END INT64_MAX /* past the last posting (no docid is INT64_MAX) */

struct post_cursor {
    const struct post_term *term;
    struct post_source src;
    int64_t from, to;
    size_t blk;     /* the block the cursor is in (or before) */
    size_t end;     /* blocks [end, nblocks) start after to */
    size_t shallow; /* where the last shallow() stopped: a hint */
    size_t nrange;  /* blocks in range at open */
    size_t loaded;  /* the block whose docids are in data, or SIZE_MAX */
    int tfs_loaded; /* data also holds that block's tfs */
    int pos;        /* the posting in data */
    int err;
    int64_t docid;      /* INT64_MIN before the start, POST_END after */
    const uint8_t *buf; /* the loaded block's bytes */
    size_t len;
    uint64_t ndocids; /* blocks whose docids were decoded */
    uint64_t ntfs;    /* blocks whose tfs were decoded */
    struct post_block_data data;
};

/* Sets c up on term's blocks from src, restricted to [from, to]. */
void post_cursor_open(struct post_cursor *c, const struct post_term *term,
                      struct post_source src, int64_t from, int64_t to);
/* The docid the cursor is on: INT64_MIN before the start, or POST_END.
 * Inline, as post_cursor_meta(): the evaluation loops ask per article. */
static inline int64_t
post_cursor_docid(const struct post_cursor *c)
{
    return c->docid;
}
/* Moves to the next posting and returns its docid, or POST_END. */
int64_t post_cursor_next(struct post_cursor *c);
/* Moves to the first posting at or after target (and at or after the
 * current one) and returns its docid, or POST_END. */
int64_t post_cursor_advance(struct post_cursor *c, int64_t target);
/*
 * The header of the block that would hold the first posting at or after
 * target (target at or after the current docid), without moving the cursor
 * or decoding anything; NULL if no posting in range is left there.
 */
const struct post_block_meta *post_cursor_shallow(struct post_cursor *c,
                                                  int64_t target);
/*
 * Moves to the first posting in range of block blk (one of the blocks the
 * range left, in any order: the cursor may go back) and returns its docid,
 * or POST_END if the block holds none in range or is corrupt (then
 * post_cursor_failed()).  post_cursor_next() then goes on from there.
 */
int64_t post_cursor_seek(struct post_cursor *c, size_t blk);
/* The header of the block the cursor is on (it must be on a posting). */
static inline const struct post_block_meta *
post_cursor_meta(const struct post_cursor *c)
{
    return &c->term->blocks[c->blk];
}
/* The docids from the current posting (it must be on one) to the end of
 * its block, *n of them, to intersect a window in a loop over arrays; they
 * may pass the range's end. */
static inline const int64_t *
post_cursor_rest(const struct post_cursor *c, int *n)
{
    *n = c->data.n - c->pos;
    return &c->data.docid[c->pos];
}
/* The same, only those up to upto (*n may be 0). */
const int64_t *post_cursor_rest_upto(const struct post_cursor *c, int64_t upto,
                                     int *n);
/* The current posting's counts, decoding the block's tfs on first use.
 * 0, or -1 if the block is corrupt (the cursor is then at POST_END). */
int post_cursor_posting(struct post_cursor *c, uint32_t *tf_title,
                        uint32_t *tf_body, uint32_t *dl);
/* The blocks the range left to this cursor when it was opened. */
size_t post_cursor_blocks(const struct post_cursor *c);
int post_cursor_failed(const struct post_cursor *c);

#endif
