/*
 * fts_batch.h - the FTS5 writes of one batch, held back and applied in
 * rowid order.  FTS5 keeps a batch's new postings in memory only while
 * rowids arrive in ascending order: a smaller rowid (an article dated
 * earlier than the one before it, or the 'delete' of an old version) makes
 * it flush what it holds as a new segment, and segments cost merges.
 * Rowids sort by date (docid.h) and news arrives only roughly in date
 * order, so without this the writer flushed at almost every other put.
 */
#ifndef FTS_BATCH_H
#define FTS_BATCH_H

#include <stddef.h>
#include <stdint.h>

#include "carid_plugin.h"
#include "tokens.h"

/* Held-back bytes (titles and bodies) above which the writer applies what
 * it holds before going on, so a batch of huge articles stays bounded. */
#define FTS_BATCH_MAX_BYTES (64u << 20)

/* Fewer held writes than this are applied without a helper thread. */
#define FTS_BATCH_MIN_HELPED 8

/* How far ahead of the writer the helper must be to take a write's note
 * (fts_batch_apply()). */
#define FTS_BATCH_NOTE_AHEAD 4

/* One write: index (del 0) or unindex (del 1) rowid's title and body. */
struct fts_op {
    int64_t rowid;
    int del;
    size_t arrival;         /* order of fts_batch_add() calls */
    struct carid_str title; /* owned copies, in one allocation */
    struct carid_str body;
    struct tokens tok[2]; /* title's and body's, when recorded */
    int noted;            /* the helper ran fts_batch_apply()'s note on it */
};

struct fts_batch {
    struct fts_op *op;
    size_t n, cap;
    size_t bytes; /* of titles and bodies held */
    size_t added; /* fts_batch_add() calls, for arrival */
};

/* Called once per write, in ascending rowid order (then arrival);
 * nonzero stops. */
typedef int fts_op_fn(void *ctx, const struct fts_op *op);

/* Holds a copy of one write; -1 when out of memory. */
int fts_batch_add(struct fts_batch *b, int del, int64_t rowid,
                  struct carid_str title, struct carid_str body);
/* Forgets the held insert of rowid: 1 if there was one, else 0. */
int fts_batch_drop(struct fts_batch *b, int64_t rowid);
/*
 * Calls fn for every held write in rowid order, then holds none (also when
 * fn fails, whose value is returned).  With a tokenizer t and at least
 * FTS_BATCH_MIN_HELPED writes, a helper thread records each write's tokens
 * with t (op->tok) before fn gets it, while fn works on the writes before;
 * t is the helper's alone until the call returns.  A write whose recording
 * failed comes with op->tok empty.
 *
 * note (may be NULL) is work on a write that can leave the writer: the
 * helper calls it on a recorded write, in order, right after recording
 * it, while it is FTS_BATCH_NOTE_AHEAD writes or more ahead of fn (so the
 * two threads share the work when the helper would otherwise hold fn
 * up), and marks op->noted when it returned 0.  fn does that work itself
 * for a write not noted, possibly while note runs on a later one: what
 * note does must be safe beside it.  Without a helper nothing is noted.
 */
int fts_batch_apply(struct fts_batch *b, struct tokenizer *t, fts_op_fn *note,
                    fts_op_fn *fn, void *ctx);
/* Forgets every held write (rollback). */
void fts_batch_clear(struct fts_batch *b);
/* Frees the batch's memory; it may be used again. */
void fts_batch_free(struct fts_batch *b);

#endif
