/*
 * fts_batch.c - see fts_batch.h.  A plain array sorted once at apply time:
 * a batch holds a few hundred writes, and dropping a held insert (an id put
 * twice in one batch) is rare enough for a linear search.
 */
#include <stdlib.h>
#include <string.h>

#include "fts_batch.h"

static void
fts_op_free(struct fts_op *op)
{
    free((char *)op->title.p); /* body shares the allocation */
}

int
fts_batch_add(struct fts_batch *b, int del, int64_t rowid,
              struct carid_str title, struct carid_str body)
{
    struct fts_op *op;
    char *mem;

    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 64;
        struct fts_op *grown = realloc(b->op, cap * sizeof(*grown));

        if (grown == NULL) return -1;
        b->op = grown;
        b->cap = cap;
    }
    /* +1: a valid pointer even when both are empty */
    mem = malloc(title.len + body.len + 1);
    if (mem == NULL) return -1;
    if (title.len > 0) memcpy(mem, title.p, title.len);
    if (body.len > 0) memcpy(mem + title.len, body.p, body.len);
    op = &b->op[b->n++];
    op->rowid = rowid;
    op->del = del;
    op->title.p = mem;
    op->title.len = title.len;
    op->body.p = mem + title.len;
    op->body.len = body.len;
    b->bytes += title.len + body.len;
    return 0;
}

int
fts_batch_drop(struct fts_batch *b, int64_t rowid)
{
    for (size_t i = b->n; i-- > 0;) {
        struct fts_op *op = &b->op[i];

        if (op->rowid != rowid || op->del) continue;
        b->bytes -= op->title.len + op->body.len;
        fts_op_free(op);
        b->op[i] = b->op[--b->n];
        return 1;
    }
    return 0;
}

static int
fts_op_cmp(const void *a, const void *b)
{
    const struct fts_op *x = a, *y = b;

    /* An insert before a delete of the same rowid: both are held only if
     * a drop was missed, and then they must cancel out. */
    if (x->rowid != y->rowid)
        return (x->rowid > y->rowid) - (x->rowid < y->rowid);
    return x->del - y->del;
}

int
fts_batch_apply(struct fts_batch *b, fts_op_fn *fn, void *ctx)
{
    int rc = 0;

    if (b->n > 1) qsort(b->op, b->n, sizeof(*b->op), fts_op_cmp);
    for (size_t i = 0; i < b->n && rc == 0; i++)
        rc = fn(ctx, &b->op[i]);
    fts_batch_clear(b);
    return rc;
}

void
fts_batch_clear(struct fts_batch *b)
{
    for (size_t i = 0; i < b->n; i++)
        fts_op_free(&b->op[i]);
    b->n = 0;
    b->bytes = 0;
}

void
fts_batch_free(struct fts_batch *b)
{
    fts_batch_clear(b);
    free(b->op);
    b->op = NULL;
    b->cap = 0;
}
