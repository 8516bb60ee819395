/*
 * fts_batch.c - see fts_batch.h.  A plain array sorted once at apply time:
 * a batch holds a few hundred writes, and dropping a held insert (an id put
 * twice in one batch) is rare enough for a linear search.  The helper
 * thread of fts_batch_apply() lives for one call: a thread start costs tens
 * of microseconds, a batch worth helping costs milliseconds.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "fts_batch.h"

/* Frees the op's text; its token buffers stay with the slot for reuse. */
static void
fts_op_clear(struct fts_op *op)
{
    free((char *)op->title.p); /* body shares the allocation */
    op->title.p = op->body.p = NULL;
    tokens_clear(&op->tok[0]);
    tokens_clear(&op->tok[1]);
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
        memset(grown + b->cap, 0, (cap - b->cap) * sizeof(*grown));
        b->op = grown;
        b->cap = cap;
    }
    /* +1: a valid pointer even when both are empty */
    mem = malloc(title.len + body.len + 1);
    if (mem == NULL) return -1;
    if (title.len > 0) memcpy(mem, title.p, title.len);
    if (body.len > 0) memcpy(mem + title.len, body.p, body.len);
    op = &b->op[b->n++]; /* op->tok: buffers of earlier batches, empty */
    op->rowid = rowid;
    op->del = del;
    op->arrival = b->added++;
    op->noted = 0;
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
        struct fts_op last = b->op[b->n - 1];

        b->bytes -= op->title.len + op->body.len;
        fts_op_clear(op);
        /* swap, so that every slot keeps its own token buffers */
        b->op[b->n - 1] = *op;
        *op = last;
        b->n--;
        return 1;
    }
    return 0;
}

static int
fts_op_cmp(const void *a, const void *b)
{
    const struct fts_op *x = a, *y = b;

    /* Writes to one rowid keep their order: the delete of a version and
     * the insert of the next, or an insert and its delete. */
    if (x->rowid != y->rowid)
        return (x->rowid > y->rowid) - (x->rowid < y->rowid);
    return (x->arrival > y->arrival) - (x->arrival < y->arrival);
}

/* The helper thread's side of fts_batch_apply(). */
struct fts_helper {
    struct fts_batch *b;
    struct tokenizer *t;
    fts_op_fn *note;
    void *ctx;
    size_t at; /* the op fn is on (atomic) */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    size_t ready; /* ops recorded so far */
    int stop;     /* the writer gave up: record no more */
};

static void *
fts_helper_main(void *arg)
{
    struct fts_helper *h = arg;
    int stop = 0;

    for (size_t i = 0; i < h->b->n && !stop; i++) {
        struct fts_op *op = &h->b->op[i];

        /* a failed recording stays empty: FTS5 then tokenizes itself */
        int title = tokens_record(&op->tok[0], h->t, op->title.p,
                                  op->title.len),
            body = tokens_record(&op->tok[1], h->t, op->body.p, op->body.len);
        int recorded = title == 0 && body == 0;

        /* only while ahead: the writer notes what the helper leaves */
        if (h->note != NULL && recorded &&
            i >= __atomic_load_n(&h->at, __ATOMIC_RELAXED) +
                     FTS_BATCH_NOTE_AHEAD)
            op->noted = h->note(h->ctx, op) == 0;
        /* published with ready: the writer reads op after waiting */
        pthread_mutex_lock(&h->mu);
        h->ready = i + 1;
        stop = h->stop;
        pthread_cond_signal(&h->cv);
        pthread_mutex_unlock(&h->mu);
    }
    return NULL;
}

/* Waits until the helper has recorded op i. */
static void
fts_helper_wait(struct fts_helper *h, size_t i)
{
    pthread_mutex_lock(&h->mu);
    while (h->ready <= i)
        pthread_cond_wait(&h->cv, &h->mu);
    pthread_mutex_unlock(&h->mu);
}

int
fts_batch_apply(struct fts_batch *b, struct tokenizer *t, fts_op_fn *note,
                fts_op_fn *fn, void *ctx)
{
    struct fts_helper h = {.b = b, .t = t, .note = note, .ctx = ctx};
    pthread_t thread;
    int rc = 0, helped = 0;

    if (b->n > 1) qsort(b->op, b->n, sizeof(*b->op), fts_op_cmp);
    if (t != NULL && b->n >= FTS_BATCH_MIN_HELPED) {
        pthread_mutex_init(&h.mu, NULL);
        pthread_cond_init(&h.cv, NULL);
        helped = pthread_create(&thread, NULL, fts_helper_main, &h) == 0;
        if (!helped) {
            pthread_mutex_destroy(&h.mu);
            pthread_cond_destroy(&h.cv);
        }
    }
    for (size_t i = 0; i < b->n && rc == 0; i++) {
        if (helped) {
            __atomic_store_n(&h.at, i, __ATOMIC_RELAXED);
            fts_helper_wait(&h, i);
        }
        rc = fn(ctx, &b->op[i]);
    }
    if (helped) {
        pthread_mutex_lock(&h.mu);
        h.stop = 1;
        pthread_mutex_unlock(&h.mu);
        pthread_join(thread, NULL);
        pthread_mutex_destroy(&h.mu);
        pthread_cond_destroy(&h.cv);
    }
    fts_batch_clear(b);
    return rc;
}

void
fts_batch_clear(struct fts_batch *b)
{
    for (size_t i = 0; i < b->n; i++)
        fts_op_clear(&b->op[i]);
    b->n = 0;
    b->bytes = 0;
    b->added = 0;
}

void
fts_batch_free(struct fts_batch *b)
{
    fts_batch_clear(b);
    for (size_t i = 0; i < b->cap; i++) {
        tokens_free(&b->op[i].tok[0]);
        tokens_free(&b->op[i].tok[1]);
    }
    free(b->op);
    b->op = NULL;
    b->cap = 0;
}
