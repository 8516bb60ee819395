/*
 * posts_fresh_read.c - the readers' side of posts_fresh.h: whether the
 * tier is exact for the snapshot, a word's fresh rows folded into an
 * in-memory term (blocks cut by post_term_build(), as OPTIMIZE cuts the
 * main ones), the gone articles of a range, and STATS.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "post_varint.h"
#include "posts_fresh.h"

enum posts_fresh_read_stmt {
    POSTS_FRESH_READ_STATE,
    POSTS_FRESH_READ_ROWS,
    POSTS_FRESH_READ_GONE,
    POSTS_FRESH_READ_COUNT,
    POSTS_FRESH_READ_GONE_COUNT,
    POSTS_FRESH_READ_STMT_COUNT
};

static const char *const posts_fresh_read_sql[POSTS_FRESH_READ_STMT_COUNT] = {
    [POSTS_FRESH_READ_STATE] =
        "SELECT (SELECT value FROM meta WHERE key = 'posts_gen')"
        " IS (SELECT value FROM meta WHERE key = 'fresh_base')"
        " AND (SELECT value FROM meta WHERE key = 'fresh_base') NOT NULL"
        " AND (SELECT value FROM meta WHERE key = 'fresh_gen')"
        " IS coalesce((SELECT value FROM meta WHERE key = 'gen'), 0),"
        " (SELECT value FROM meta WHERE key = 'fresh_rows'),"
        " (SELECT value FROM meta WHERE key = 'fresh_gen'),"
        " (SELECT value FROM meta WHERE key = 'posts_gen')",
    [POSTS_FRESH_READ_ROWS] =
        "SELECT n, data FROM posts_fresh WHERE term = ?1 AND id > ?2"
        " AND id <= ?3 ORDER BY id",
    [POSTS_FRESH_READ_GONE] = "SELECT rowid FROM posts_gone"
                              " WHERE rowid BETWEEN ?1 AND ?2 ORDER BY rowid"
                              " LIMIT ?3",
    [POSTS_FRESH_READ_COUNT] = "SELECT coalesce(sum(n), 0) FROM posts_fresh",
    [POSTS_FRESH_READ_GONE_COUNT] = "SELECT count(*) FROM posts_gone",
};

static sqlite3_stmt *
posts_fresh_read_stmt(struct db_conn *c, enum posts_fresh_read_stmt which,
                      char *err, size_t errlen)
{
    return db_stmt(c, DB_OWN_POSTS_FRESH_READ, which,
                   POSTS_FRESH_READ_STMT_COUNT, posts_fresh_read_sql[which],
                   err, errlen);
}

size_t
posts_fresh_budget(int64_t df_sum)
{
    return df_sum / 4 > POSTS_FRESH_MAX ? (size_t)(df_sum / 4)
                                        : POSTS_FRESH_MAX;
}

size_t
posts_gone_budget(int64_t ndocs)
{
    return ndocs / 16 > POSTS_GONE_MAX ? (size_t)(ndocs / 16) : POSTS_GONE_MAX;
}

int
posts_fresh_usable(struct db_conn *c, int64_t ndocs, int *ok, int64_t *gen,
                   int64_t *main_gen, char *err, size_t errlen)
{
    sqlite3_stmt *stmt;
    int rc;

    *ok = 0;
    *gen = 0;
    *main_gen = -1;
    stmt = posts_fresh_read_stmt(c, POSTS_FRESH_READ_STATE, err, errlen);
    if (stmt == NULL) return -1;
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
        *ok = sqlite3_column_int(stmt, 0) == 1 &&
              sqlite3_column_type(stmt, 1) == SQLITE_INTEGER &&
              sqlite3_column_int64(stmt, 1) == ndocs;
    if (rc == SQLITE_ROW) {
        *gen = sqlite3_column_int64(stmt, 2);
        if (sqlite3_column_type(stmt, 3) == SQLITE_INTEGER)
            *main_gen = sqlite3_column_int64(stmt, 3);
    }
    db_done(stmt);
    if (rc != SQLITE_ROW)
        return db_fail_rc(c, rc, "fresh postings", err, errlen);
    return 0;
}

/* One fresh entry as read, and its place among the word's entries. */
struct posts_fresh_entry {
    struct post_posting p;
    size_t order;
};

static int
posts_fresh_entry_cmp(const void *a, const void *b)
{
    const struct posts_fresh_entry *x = a, *y = b;

    if (x->p.docid != y->p.docid) return x->p.docid < y->p.docid ? -1 : 1;
    return (x->order > y->order) - (x->order < y->order);
}

/* Appends row data[0..len) of n entries to e (room for them): 0, -1. */
static int
posts_fresh_decode(const uint8_t *data, size_t len, size_t n,
                   struct posts_fresh_entry *e, size_t *ne)
{
    uint64_t d, tt, tb, dl;
    int64_t prev = 0;
    size_t i = 0, k;

    for (k = 0; k < n; k++) {
        if (post_varint_get(data, len, &i, &d) != 0 ||
            post_varint_get(data, len, &i, &tt) != 0 ||
            post_varint_get(data, len, &i, &tb) != 0 ||
            post_varint_get(data, len, &i, &dl) != 0 || tt > UINT32_MAX ||
            tb > UINT32_MAX || dl > UINT32_MAX)
            return -1;
        prev = (int64_t)((uint64_t)prev + ((d >> 1) ^ (uint64_t) - (d & 1)));
        e[*ne].p.docid = prev;
        e[*ne].p.tf_title = (uint32_t)tt;
        e[*ne].p.tf_body = (uint32_t)tb;
        e[*ne].p.dl = (uint32_t)dl;
        e[*ne].order = *ne;
        (*ne)++;
    }
    return i == len ? 0 : -1;
}

/* post_term_build()'s sink: the blocks kept in memory. */
static int
posts_fresh_sink(void *ctx, size_t block, const uint8_t *buf, size_t len)
{
    struct posts_fresh_term *t = ctx;
    void *grown;

    (void)block;
    if (t->nbytes + len > t->cap) {
        size_t cap = 2 * t->cap + len + 1024;

        if ((grown = realloc(t->bytes, cap)) == NULL) return -1;
        t->bytes = grown;
        t->cap = cap;
    }
    if (t->noff + 2 > t->offcap) {
        size_t cap = 2 * t->offcap + 16;

        if ((grown = realloc(t->off, cap * sizeof t->off[0])) == NULL)
            return -1;
        t->off = grown;
        t->offcap = cap;
    }
    if (t->noff == 0) t->off[t->noff++] = 0;
    memcpy(t->bytes + t->nbytes, buf, len);
    t->nbytes += len;
    t->off[t->noff++] = t->nbytes;
    return 0;
}

static int
posts_fresh_src(void *ctx, size_t block, const uint8_t **buf, size_t *len)
{
    const struct posts_fresh_term *t = ctx;

    if (block + 1 >= t->noff) return -1;
    *buf = t->bytes + t->off[block];
    *len = t->off[block + 1] - t->off[block];
    return 0;
}

/* Reads the word's rows with ids in (after, last] into *e (owned), *ne
 * entries: 0, 2 over budget, -1 with err set. */
static int
posts_fresh_rows(struct db_conn *c, const char *term, size_t len, int64_t after,
                 int64_t last, size_t *budget, struct posts_fresh_entry **e,
                 size_t *ne, char *err, size_t errlen)
{
    sqlite3_stmt *stmt;
    size_t cap = 0, n;
    void *grown;
    int rc, out = 0;

    *e = NULL;
    *ne = 0;
    stmt = posts_fresh_read_stmt(c, POSTS_FRESH_READ_ROWS, err, errlen);
    if (stmt == NULL) return -1;
    rc = db_bind(stmt, 1, (struct carid_str){term, len});
    if (rc == SQLITE_OK) rc = sqlite3_bind_int64(stmt, 2, after);
    if (rc == SQLITE_OK) rc = sqlite3_bind_int64(stmt, 3, last);
    while (out == 0 && rc == SQLITE_OK &&
           (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        const uint8_t *data = sqlite3_column_blob(stmt, 1);
        int64_t rn = sqlite3_column_int64(stmt, 0);

        rc = SQLITE_OK;
        n = rn > 0 ? (size_t)rn : 0;
        if (n > *budget) {
            out = 2;
            break;
        }
        *budget -= n;
        if (*ne + n > cap) {
            cap = 2 * cap + n;
            if ((grown = realloc(*e, cap * sizeof **e)) == NULL) {
                snprintf(err, errlen, "out of memory");
                out = -1;
                break;
            }
            *e = grown;
        }
        if (rn <= 0 || data == NULL ||
            posts_fresh_decode(data, (size_t)sqlite3_column_bytes(stmt, 1), n,
                               *e, ne) != 0) {
            snprintf(err, errlen,
                     "fresh postings of '%.*s' corrupt: run OPTIMIZE", (int)len,
                     term);
            out = -1;
        }
    }
    db_done(stmt);
    if (out == 0 && rc != SQLITE_DONE && rc != SQLITE_OK)
        out = db_fail_rc(c, rc, "fresh postings", err, errlen);
    if (out != 0) {
        free(*e);
        *e = NULL;
    }
    return out;
}

int
posts_fresh_fold(struct db_conn *c, const char *term, size_t len, int64_t last,
                 int64_t from, int64_t to, size_t *budget,
                 struct post_posting **out, size_t *n, char *err, size_t errlen)
{
    struct posts_fresh_entry *e;
    struct post_posting *p;
    size_t ne, i, np = 0;
    int rc;

    *out = NULL;
    *n = 0;
    rc = posts_fresh_rows(c, term, len, INT64_MIN, last, budget, &e, &ne, err,
                          errlen);
    if (rc != 0 || ne == 0) return rc;
    /* per docid the last entry wins: a removal, or the latest version */
    qsort(e, ne, sizeof e[0], posts_fresh_entry_cmp);
    p = (struct post_posting *)(void *)e; /* in place: p[np] <= e[i] */
    for (i = 0; i < ne; i++) {
        struct post_posting keep = e[i].p;

        if (i + 1 < ne && e[i + 1].p.docid == keep.docid) continue;
        if ((keep.tf_title == 0 && keep.tf_body == 0) || keep.docid < from ||
            keep.docid > to)
            continue;
        p[np++] = keep;
    }
    if (np == 0) {
        free(e);
        return 0;
    }
    *out = p;
    *n = np;
    return 0;
}

int
posts_fresh_docids(struct db_conn *c, const char *term, size_t len,
                   int64_t after, int64_t **ids, size_t *n, char *err,
                   size_t errlen)
{
    struct posts_fresh_entry *e;
    size_t ne, i, budget = SIZE_MAX;
    int rc;

    *ids = NULL;
    *n = 0;
    rc = posts_fresh_rows(c, term, len, after, INT64_MAX, &budget, &e, &ne, err,
                          errlen);
    if (rc != 0 || ne == 0) return rc == 0 ? 0 : -1;
    qsort(e, ne, sizeof e[0], posts_fresh_entry_cmp);
    *ids = (int64_t *)(void *)e; /* in place: ids[*n] <= e[i] */
    for (i = 0; i < ne; i++)
        if (*n == 0 || (*ids)[*n - 1] != e[i].p.docid)
            (*ids)[(*n)++] = e[i].p.docid;
    return 0;
}

int
posts_fresh_open(struct db_conn *c, const char *term, size_t len, int64_t df,
                 int64_t from, int64_t to, size_t *budget,
                 struct posts_fresh_term *t, char *err, size_t errlen)
{
    struct post_posting *p;
    size_t np;
    int rc;

    memset(t, 0, sizeof *t);
    rc = posts_fresh_fold(c, term, len, INT64_MAX, from, to, budget, &p, &np,
                          err, errlen);
    if (rc != 0 || np == 0) return rc;
    rc = posts_fresh_build(t, p, np, df);
    free(p);
    if (rc != 0) {
        snprintf(err, errlen, "fresh postings of '%.*s' corrupt: run OPTIMIZE",
                 (int)len, term);
        return -1;
    }
    return 1;
}

int
posts_fresh_build(struct posts_fresh_term *t, const struct post_posting *p,
                  size_t n, int64_t df)
{
    memset(t, 0, sizeof *t);
    if (post_term_build(&t->term, p, n, posts_fresh_sink, t) != 0) {
        posts_fresh_close(t);
        return -1;
    }
    t->term.df = df; /* the idf is the whole index's */
    t->src.read = posts_fresh_src;
    t->src.ctx = t;
    return 0;
}

void
posts_fresh_close(struct posts_fresh_term *t)
{
    if (t->term.blocks != NULL) post_term_free(&t->term);
    free(t->bytes);
    free(t->off);
    memset(t, 0, sizeof *t);
}

int
posts_fresh_gone(struct db_conn *c, int64_t from, int64_t to, size_t max,
                 int64_t **ids, size_t *n, char *err, size_t errlen)
{
    sqlite3_stmt *stmt;
    size_t cap = 0;
    void *grown;
    int rc, out = 1;

    *ids = NULL;
    *n = 0;
    stmt = posts_fresh_read_stmt(c, POSTS_FRESH_READ_GONE, err, errlen);
    if (stmt == NULL) return -1;
    rc = sqlite3_bind_int64(stmt, 1, from);
    if (rc == SQLITE_OK) rc = sqlite3_bind_int64(stmt, 2, to);
    if (rc == SQLITE_OK) rc = sqlite3_bind_int64(stmt, 3, (int64_t)max + 1);
    while (rc == SQLITE_OK && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        rc = SQLITE_OK;
        if (*n == max) {
            out = 0;
            break;
        }
        if (*n == cap) {
            cap = cap ? 2 * cap : 64;
            if ((grown = realloc(*ids, cap * sizeof **ids)) == NULL) {
                snprintf(err, errlen, "out of memory");
                out = -1;
                break;
            }
            *ids = grown;
        }
        (*ids)[(*n)++] = sqlite3_column_int64(stmt, 0);
    }
    db_done(stmt);
    if (out == 1 && rc != SQLITE_DONE && rc != SQLITE_OK)
        out = db_fail_rc(c, rc, "gone", err, errlen);
    if (out != 1) {
        free(*ids);
        *ids = NULL;
        *n = 0;
    }
    return out;
}

int
posts_fresh_stats(struct db_conn *c, carid_stat_fn *fn, void *ctx, char *err,
                  size_t errlen)
{
    int64_t fresh, gone;

    fresh = db_scalar(
        c, posts_fresh_read_stmt(c, POSTS_FRESH_READ_COUNT, err, errlen),
        "stats", err, errlen);
    if (fresh < 0) return -1;
    gone = db_scalar(
        c, posts_fresh_read_stmt(c, POSTS_FRESH_READ_GONE_COUNT, err, errlen),
        "stats", err, errlen);
    if (gone < 0) return -1;
    if (fn(ctx, "engine_fresh", fresh) || fn(ctx, "engine_gone", gone))
        return 1;
    return 0;
}
