/*
 * mem.c - carid_mem.so, an in-memory index plugin.  It proves the plugin
 * ABI is not FTS5-shaped and gives daemon benchmarks a ceiling.  Nothing
 * persists: the data directory is ignored and every restart starts empty.
 * Writes are batched in the writer handle and applied at commit under a
 * rwlock; searches hold the read lock while they run.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carid_plugin.h"
#include "index.h"

#define MEM_VERSION        "0.1.0"
#define MEM_SNIPPET_BEFORE 60  /* bytes of body shown before a match */
#define MEM_SNIPPET_LEN    200 /* bytes of body in a snippet, at most */
#define MEM_ELLIPSIS       "..."
#define MEM_TITLE_WEIGHT   3 /* a title occurrence counts this much */

struct mem_db {
    const struct carid_host *host;
    pthread_rwlock_t lock; /* guards ix: writers apply, readers search */
    struct index ix;
};

/* A pending write: a put (doc != NULL) or a del (doc == NULL). */
struct mem_op {
    struct index_doc *doc;
    char *id; /* del only: a copy of the id */
    size_t idlen;
};

struct mem_writer {
    struct mem_db *db;
    struct mem_op *op; /* the open batch */
    size_t nop;
    size_t cap;
};

/* A query word, folded. */
struct mem_word {
    const char *text; /* into mem_query.buf */
    size_t len;
    uint64_t hash;
    const struct index_term *term;
};

struct mem_query {
    char *buf;             /* folded query text */
    struct mem_word *word; /* distinct words */
    size_t nword;
};

struct mem_match {
    const struct index_doc *doc;
    double score;
};

static int
mem_open(const struct carid_host *host, const char *dir, void **db, char *err,
         size_t errlen)
{
    struct mem_db *m;
    pthread_rwlockattr_t attr;

    if (host->options != NULL && host->options[0] != '\0') {
        snprintf(err, errlen, "the mem plugin takes no --plugin-options");
        return -1;
    }
    m = calloc(1, sizeof *m);
    if (m == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    m->host = host;
    /* Prefer the writer, or a stream of searches could starve commits. */
    pthread_rwlockattr_init(&attr);
    pthread_rwlockattr_setkind_np(&attr,
                                  PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
    pthread_rwlock_init(&m->lock, &attr);
    pthread_rwlockattr_destroy(&attr);
    index_init(&m->ix);
    host->log(CARID_LOG_INFO,
              "mem: in-memory index; data dir %s ignored, nothing persists",
              dir);
    *db = m;
    return 0;
}

static void
mem_close(void *db)
{
    struct mem_db *m = db;

    index_free(&m->ix);
    pthread_rwlock_destroy(&m->lock);
    free(m);
}

static int
mem_reader_open(void *db, void **reader, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    *reader = db;
    return 0;
}

static void
mem_reader_close(void *reader)
{
    (void)reader;
}

static int
mem_writer_open(void *db, void **writer, char *err, size_t errlen)
{
    struct mem_writer *w = calloc(1, sizeof *w);

    if (w == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    w->db = db;
    *writer = w;
    return 0;
}

static void
mem_rollback(void *writer)
{
    struct mem_writer *w = writer;
    size_t i;

    for (i = 0; i < w->nop; i++) {
        index_doc_free(w->op[i].doc);
        free(w->op[i].id);
    }
    w->nop = 0;
}

static void
mem_writer_close(void *writer)
{
    struct mem_writer *w = writer;

    mem_rollback(w);
    free(w->op);
    free(w);
}

static int
mem_begin(void *writer, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    mem_rollback(writer);
    return 0;
}

/* Room for one more op; -1 if out of memory. */
static int
mem_op_reserve(struct mem_writer *w, char *err, size_t errlen)
{
    struct mem_op *op;
    size_t cap;

    if (w->nop < w->cap) return 0;
    cap = w->cap ? w->cap * 2 : 64;
    op = realloc(w->op, cap * sizeof *op);
    if (op == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    w->op = op;
    w->cap = cap;
    return 0;
}

static int
mem_put(void *writer, const struct carid_doc *doc, char *err, size_t errlen)
{
    struct mem_writer *w = writer;
    struct index_doc *d;

    if (mem_op_reserve(w, err, errlen) != 0) return -1;
    d = index_doc_new(doc, err, errlen);
    if (d == NULL) return -1;
    w->op[w->nop].doc = d;
    w->op[w->nop].id = NULL;
    w->op[w->nop++].idlen = 0;
    return 0;
}

/* Whether id exists once the batch so far is applied.  Only the writer
 * thread changes the index, so it may read it without the lock. */
static int
mem_exists(const struct mem_writer *w, struct carid_str id)
{
    size_t i;

    for (i = w->nop; i-- > 0;) {
        const struct mem_op *op = &w->op[i];
        const char *p = op->doc ? op->doc->id.p : op->id;
        size_t len = op->doc ? op->doc->id.len : op->idlen;

        if (len == id.len && memcmp(p, id.p, len) == 0) return op->doc != NULL;
    }
    return index_find(&w->db->ix, id.p, id.len) != NULL;
}

static int
mem_del(void *writer, struct carid_str id, int *removed, char *err,
        size_t errlen)
{
    struct mem_writer *w = writer;
    char *copy;

    if (mem_op_reserve(w, err, errlen) != 0) return -1;
    copy = malloc(id.len ? id.len : 1);
    if (copy == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    memcpy(copy, id.p, id.len);
    *removed = mem_exists(w, id);
    w->op[w->nop].doc = NULL;
    w->op[w->nop].id = copy;
    w->op[w->nop++].idlen = id.len;
    return 0;
}

static int
mem_commit(void *writer, char *err, size_t errlen)
{
    struct mem_writer *w = writer;
    size_t i;

    (void)err;
    (void)errlen;
    pthread_rwlock_wrlock(&w->db->lock);
    for (i = 0; i < w->nop; i++) {
        struct mem_op *op = &w->op[i];

        if (op->doc != NULL) {
            index_put(&w->db->ix, op->doc);
            op->doc = NULL; /* the index owns it now */
        } else {
            index_del(&w->db->ix, op->id, op->idlen);
        }
    }
    pthread_rwlock_unlock(&w->db->lock);
    mem_rollback(w);
    return 0;
}

static int
mem_get(void *reader, struct carid_str id, carid_doc_fn *fn, void *ctx,
        int *found, char *err, size_t errlen)
{
    struct mem_db *m = reader;
    const struct index_doc *d;
    struct carid_doc doc;

    (void)err;
    (void)errlen;
    pthread_rwlock_rdlock(&m->lock);
    d = index_find(&m->ix, id.p, id.len);
    *found = d != NULL;
    if (d != NULL) {
        doc.id = d->id;
        memcpy(doc.field, d->field, sizeof doc.field);
        fn(ctx, &doc);
    }
    pthread_rwlock_unlock(&m->lock);
    return 0;
}

static void
mem_query_free(struct mem_query *q)
{
    free(q->buf);
    free(q->word);
}

/* Splits the query into distinct folded words. */
static int
mem_query_parse(struct mem_query *q, struct carid_str text, char *err,
                size_t errlen)
{
    size_t pos = 0, start, n, i;

    memset(q, 0, sizeof *q);
    q->buf = malloc(text.len + 1);
    q->word = malloc((text.len / 2 + 1) * sizeof *q->word);
    if (q->buf == NULL || q->word == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    while ((n = index_token_next(text.p, text.len, &pos, &start)) > 0) {
        struct mem_word *w = &q->word[q->nword];

        index_fold(text.p + start, n, q->buf + start);
        w->text = q->buf + start;
        w->len = n;
        w->hash = index_hash(w->text, n);
        for (i = 0; i < q->nword; i++) {
            if (q->word[i].hash == w->hash && q->word[i].len == n &&
                memcmp(q->word[i].text, w->text, n) == 0)
                break;
        }
        if (i == q->nword) q->nword++;
    }
    if (q->nword == 0) {
        snprintf(err, errlen, "empty query");
        return -1;
    }
    return 0;
}

/* Compares two strings, an absent one as empty. */
static int
mem_str_cmp(struct carid_str a, struct carid_str b)
{
    size_t n = a.len < b.len ? a.len : b.len;
    int c = n ? memcmp(a.p, b.p, n) : 0;

    if (c != 0) return c;
    return a.len < b.len ? -1 : a.len > b.len;
}

static int
mem_newest_cmp(const void *a, const void *b)
{
    const struct index_doc *x = ((const struct mem_match *)a)->doc;
    const struct index_doc *y = ((const struct mem_match *)b)->doc;
    int c = mem_str_cmp(y->field[CARID_FIELD_DATE], x->field[CARID_FIELD_DATE]);

    if (c != 0) return c;
    return x->seq < y->seq ? 1 : -1;
}

static int
mem_oldest_cmp(const void *a, const void *b)
{
    const struct index_doc *x = ((const struct mem_match *)a)->doc;
    const struct index_doc *y = ((const struct mem_match *)b)->doc;
    int c = mem_str_cmp(x->field[CARID_FIELD_DATE], y->field[CARID_FIELD_DATE]);

    if (c != 0) return c;
    return x->seq < y->seq ? -1 : 1;
}

/* Best score first; ties newest first, like SORT newest. */
static int
mem_relevance_cmp(const void *a, const void *b)
{
    const struct mem_match *x = a, *y = b;

    if (x->score != y->score) return x->score < y->score ? 1 : -1;
    return mem_newest_cmp(a, b);
}

/* Whether doc passes the query's source and date filters. */
static int
mem_filter(const struct index_doc *doc, const struct carid_query *q)
{
    struct carid_str date = doc->field[CARID_FIELD_DATE];

    if (q->source.p != NULL &&
        mem_str_cmp(doc->field[CARID_FIELD_SOURCE], q->source) != 0)
        return 0;
    if (q->date_from.p != NULL &&
        (date.p == NULL || mem_str_cmp(date, q->date_from) < 0))
        return 0;
    if (q->date_to.p != NULL &&
        (date.p == NULL || mem_str_cmp(date, q->date_to) > 0))
        return 0;
    return 1;
}

/* Finds every article containing all words that passes the filters; the
 * caller frees *out.  Call with the read lock held. */
static int
mem_match_all(struct mem_db *m, struct mem_query *mq,
              const struct carid_query *q, struct mem_match **out, size_t *nout,
              char *err, size_t errlen)
{
    const struct index_term *rare = NULL;
    struct mem_match *match;
    size_t i, j, n = 0;

    *out = NULL;
    *nout = 0;
    for (i = 0; i < mq->nword; i++) {
        struct mem_word *w = &mq->word[i];

        w->term = index_term_find(&m->ix, w->text, w->len, w->hash);
        if (w->term == NULL) return 0;
        if (rare == NULL || w->term->npost < rare->npost) rare = w->term;
    }
    if (rare == NULL) return 0; /* no words: mem_query_parse() refuses that */
    match = malloc((rare->npost ? rare->npost : 1) * sizeof *match);
    if (match == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (i = 0; i < rare->npost; i++) {
        const struct index_doc *doc = rare->post[i].doc;
        double score = 0;

        /* every 4096 postings: a clock read costs nothing beside them */
        if ((i & 4095) == 4095 && carid_query_expired(q, err, errlen) != 0) {
            free(match);
            return -1;
        }
        if (!mem_filter(doc, q)) continue;
        for (j = 0; j < mq->nword; j++) {
            const struct mem_word *w = &mq->word[j];
            const struct index_dterm *dt = index_doc_term(doc, w->text, w->len,
                                                          w->hash);
            if (dt == NULL) break;
            score += MEM_TITLE_WEIGHT * (double)dt->tf_title + dt->tf_body;
        }
        if (j == mq->nword) {
            match[n].doc = doc;
            match[n++].score = score;
        }
    }
    *out = match;
    *nout = n;
    return 0;
}

/* Whether the word p[0..len), as written, is one of the query's. */
static int
mem_query_has(const struct mem_query *mq, const char *p, size_t len)
{
    uint64_t h = index_hash_folded(p, len);
    size_t i, k;

    for (i = 0; i < mq->nword; i++) {
        const struct mem_word *w = &mq->word[i];

        if (w->hash != h || w->len != len) continue;
        for (k = 0; k < len && index_fold_byte(p[k]) == w->text[k]; k++)
            ;
        if (k == len) return 1;
    }
    return 0;
}

/* Picks [*ws, *we) of body: about MEM_SNIPPET_LEN bytes starting a little
 * before the first match, cut between words so UTF-8 stays whole. */
static void
mem_snippet_window(const struct mem_query *mq, struct carid_str body,
                   size_t *ws, size_t *we)
{
    const char *p = body.p;
    size_t pos = 0, start = 0, n, s, e, me = 0;

    while ((n = index_token_next(p, body.len, &pos, &start)) > 0) {
        if (mem_query_has(mq, p + start, n)) {
            me = start + n;
            break;
        }
    }
    if (n == 0) start = 0;
    s = start > MEM_SNIPPET_BEFORE ? start - MEM_SNIPPET_BEFORE : 0;
    while (s > 0 && s < body.len && index_is_word((unsigned char)p[s - 1]) &&
           index_is_word((unsigned char)p[s]))
        s++;
    while (s < start && !index_is_word((unsigned char)p[s]))
        s++;
    e = s + MEM_SNIPPET_LEN < body.len ? s + MEM_SNIPPET_LEN : body.len;
    while (e < body.len && e > s && index_is_word((unsigned char)p[e - 1]) &&
           index_is_word((unsigned char)p[e]))
        e--;
    /* A cut body ends at a word, right before the ellipsis. */
    while (e < body.len && e > s && !index_is_word((unsigned char)p[e - 1]))
        e--;
    if (e < me) e = me;
    *ws = s;
    *we = e;
}

/* Builds the snippet of doc's body into a malloc'd *out (caller frees),
 * every query word in the window wrapped in the marks. */
static int
mem_snippet(const struct mem_query *mq, const struct carid_query *q,
            const struct index_doc *doc, struct carid_str *out)
{
    struct carid_str body = doc->field[CARID_FIELD_BODY];
    size_t ws = 0, we = 0, pos, start, n, last, len = 0, cap;
    const size_t el = sizeof MEM_ELLIPSIS - 1;
    char *buf;

    if (body.p == NULL) body.p = "";
    mem_snippet_window(mq, body, &ws, &we);
    cap = 2 * el + (we - ws) +
          ((we - ws) / 2 + 1) * (q->mark_open.len + q->mark_close.len);
    buf = malloc(cap + 1);
    if (buf == NULL) return -1;
    if (ws > 0) {
        memcpy(buf, MEM_ELLIPSIS, el);
        len = el;
    }
    pos = last = ws;
    while ((n = index_token_next(body.p, we, &pos, &start)) > 0) {
        if (!mem_query_has(mq, body.p + start, n)) continue;
        memcpy(buf + len, body.p + last, start - last);
        len += start - last;
        if (q->mark_open.len)
            memcpy(buf + len, q->mark_open.p, q->mark_open.len);
        len += q->mark_open.len;
        memcpy(buf + len, body.p + start, n);
        len += n;
        if (q->mark_close.len)
            memcpy(buf + len, q->mark_close.p, q->mark_close.len);
        len += q->mark_close.len;
        last = start + n;
    }
    if (we > last) memcpy(buf + len, body.p + last, we - last);
    len += we - last;
    if (we < body.len) {
        memcpy(buf + len, MEM_ELLIPSIS, el);
        len += el;
    }
    out->p = buf;
    out->len = len;
    return 0;
}

/* Emits hits [offset, offset + count) of the sorted matches. */
static int
mem_emit(const struct mem_query *mq, const struct carid_query *q,
         const struct mem_match *match, size_t n, carid_hit_fn *fn, void *ctx,
         char *err, size_t errlen)
{
    size_t i, f, end;

    end = q->count < (int64_t)(n - (size_t)q->offset)
              ? (size_t)q->offset + (size_t)q->count
              : n;
    for (i = (size_t)q->offset; i < end; i++) {
        const struct index_doc *doc = match[i].doc;
        struct carid_hit hit;
        int stop;

        memset(&hit, 0, sizeof hit);
        hit.id = doc->id;
        hit.doc.id = doc->id;
        hit.score = match[i].score;
        for (f = 0; f < CARID_FIELD_COUNT; f++) {
            if (q->want_fields & (1u << f)) hit.doc.field[f] = doc->field[f];
        }
        if (q->want_snippet && mem_snippet(mq, q, doc, &hit.snippet) != 0) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        stop = fn(ctx, &hit);
        free((char *)hit.snippet.p);
        if (stop) break;
    }
    return 0;
}

static int
mem_search(void *reader, const struct carid_query *q, carid_hit_fn *fn,
           void *ctx, int64_t *total, char *err, size_t errlen)
{
    struct mem_db *m = reader;
    struct mem_query mq;
    struct mem_match *match = NULL;
    size_t n = 0;
    int rc = -1;

    if (mem_query_parse(&mq, q->text, err, errlen) != 0) goto fail;
    pthread_rwlock_rdlock(&m->lock);
    rc = mem_match_all(m, &mq, q, &match, &n, err, errlen);
    if (rc == 0) {
        *total = (int64_t)n;
        if (q->count > 0 && (size_t)q->offset < n) {
            qsort(match, n, sizeof *match,
                  q->sort == CARID_SORT_NEWEST   ? mem_newest_cmp
                  : q->sort == CARID_SORT_OLDEST ? mem_oldest_cmp
                                                 : mem_relevance_cmp);
            rc = mem_emit(&mq, q, match, n, fn, ctx, err, errlen);
        }
    }
    pthread_rwlock_unlock(&m->lock);
fail:
    free(match);
    mem_query_free(&mq);
    return rc;
}

static int
mem_stats(void *reader, carid_stat_fn *fn, void *ctx, char *err, size_t errlen)
{
    struct mem_db *m = reader;
    int64_t docs, terms;

    (void)err;
    (void)errlen;
    pthread_rwlock_rdlock(&m->lock);
    docs = (int64_t)m->ix.ndoc;
    terms = (int64_t)m->ix.nterm;
    pthread_rwlock_unlock(&m->lock);
    if (fn(ctx, "documents", docs) == 0) fn(ctx, "terms", terms);
    return 0;
}

static const struct carid_plugin mem_plugin = {
    .abi = CARID_PLUGIN_ABI,
    .name = "mem",
    .version = MEM_VERSION,
    .open = mem_open,
    .close = mem_close,
    .reader_open = mem_reader_open,
    .reader_close = mem_reader_close,
    .writer_open = mem_writer_open,
    .writer_close = mem_writer_close,
    .begin = mem_begin,
    .put = mem_put,
    .del = mem_del,
    .commit = mem_commit,
    .rollback = mem_rollback,
    .get = mem_get,
    .search = mem_search,
    .stats = mem_stats,
    .analyze = NULL,
    .optimize = NULL,
    .backup = NULL,
};

/* The plugin's one export: the daemon's dlsym() target.  Any thread. */
CARID_EXPORT const struct carid_plugin *
carid_plugin_entry(void)
{
    return &mem_plugin;
}
