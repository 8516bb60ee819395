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

/* Held-back bytes (titles and bodies) above which the writer applies what
 * it holds before going on, so a batch of huge articles stays bounded. */
#define FTS_BATCH_MAX_BYTES (64u << 20)

/* One write: index (del 0) or unindex (del 1) rowid's title and body. */
struct fts_op {
    int64_t rowid;
    int del;
    struct carid_str title; /* owned copies, in one allocation */
    struct carid_str body;
};

struct fts_batch {
    struct fts_op *op;
    size_t n, cap;
    size_t bytes; /* of titles and bodies held */
};

/* Called once per write, in ascending rowid order; nonzero stops. */
typedef int fts_op_fn(void *ctx, const struct fts_op *op);

/* Holds a copy of one write; -1 when out of memory. */
int fts_batch_add(struct fts_batch *b, int del, int64_t rowid,
                  struct carid_str title, struct carid_str body);
/* Forgets the held insert of rowid: 1 if there was one, else 0. */
int fts_batch_drop(struct fts_batch *b, int64_t rowid);
/* Calls fn for every held write in rowid order, then holds none (also
 * when fn fails, whose value is returned). */
int fts_batch_apply(struct fts_batch *b, fts_op_fn *fn, void *ctx);
/* Forgets every held write (rollback). */
void fts_batch_clear(struct fts_batch *b);
/* Frees the batch's memory; it may be used again. */
void fts_batch_free(struct fts_batch *b);

#endif
