/*
 * posts_fresh.c - the writer's side of posts_fresh.h: at each commit, the
 * postings the top lists noted (toplist_noted()) grouped by word into one
 * row each, the removed articles into posts_gone; OPTIMIZE's reset.
 *
 * A row's data: per posting, the docid's difference from the one before
 * (zigzag: noted order is rowid order per applied chunk, not overall),
 * tf_title, tf_body, dl, as LEB128 varints; a removal is 0, 0, 0.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "post_varint.h"
#include "posts.h"
#include "posts_fresh.h"
#include "toplist.h"

enum posts_fresh_stmt {
    POSTS_FRESH_HAS_BASE,
    POSTS_FRESH_SET_GEN,
    POSTS_FRESH_ADD_ROWS,
    POSTS_FRESH_ROW,
    POSTS_FRESH_GONE_ADD,
    POSTS_FRESH_CLEAR,
    POSTS_FRESH_CLEAR_GONE,
    POSTS_FRESH_SET_BASE,
    POSTS_FRESH_SET_ROWS,
    POSTS_FRESH_GONE_ADD_NEXT,
    POSTS_FRESH_CLEAR_UPTO,
    POSTS_FRESH_GONE_FROM_NEXT,
    POSTS_FRESH_LAST_ID,
    POSTS_FRESH_STMT_COUNT
};

static const char *const posts_fresh_sql[POSTS_FRESH_STMT_COUNT] = {
    [POSTS_FRESH_HAS_BASE] =
        "SELECT count(*) FROM meta WHERE key = 'fresh_base'",
    [POSTS_FRESH_SET_GEN] =
        "INSERT INTO meta(key, value) VALUES ('fresh_gen',"
        " (SELECT value FROM meta WHERE key = 'gen'))"
        " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    [POSTS_FRESH_ADD_ROWS] =
        "UPDATE meta SET value = value + ?1 WHERE key = 'fresh_rows'",
    [POSTS_FRESH_ROW] = "INSERT INTO posts_fresh(term, n, data)"
                        " VALUES (?1, ?2, ?3)",
    [POSTS_FRESH_GONE_ADD] = "INSERT OR IGNORE INTO posts_gone(rowid)"
                             " VALUES (?1)",
    [POSTS_FRESH_CLEAR] = "DELETE FROM posts_fresh",
    [POSTS_FRESH_CLEAR_GONE] = "DELETE FROM posts_gone",
    /* ?1: 'fresh_base' or 'fresh_gen' */
    [POSTS_FRESH_SET_BASE] =
        "INSERT INTO meta(key, value) VALUES (?1,"
        " coalesce((SELECT value FROM meta WHERE key = 'gen'), 0))"
        " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    [POSTS_FRESH_SET_ROWS] =
        "INSERT INTO meta(key, value) VALUES ('fresh_rows', ?1)"
        " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    /* while a merge runs (posts_merge.h): removals since its snapshot */
    [POSTS_FRESH_GONE_ADD_NEXT] = "INSERT OR IGNORE INTO posts_gone_next(rowid)"
                                  " VALUES (?1)",
    [POSTS_FRESH_CLEAR_UPTO] = "DELETE FROM posts_fresh WHERE id <= ?1",
    [POSTS_FRESH_GONE_FROM_NEXT] = "INSERT INTO posts_gone(rowid)"
                                   " SELECT rowid FROM posts_gone_next",
    [POSTS_FRESH_LAST_ID] = "SELECT coalesce(max(id), 0) FROM posts_fresh",
};

static sqlite3_stmt *
posts_fresh_stmt(struct db_conn *c, enum posts_fresh_stmt which, char *err,
                 size_t errlen)
{
    return db_stmt(c, DB_OWN_POSTS_FRESH, which, POSTS_FRESH_STMT_COUNT,
                   posts_fresh_sql[which], err, errlen);
}

/* One noted posting, and where it came in the commit. */
struct posts_fresh_note {
    size_t word, order;
    const char *term; /* the top lists' copy, valid until their commit */
    size_t len;
    int64_t docid;
    uint32_t tf_title, tf_body, dl; /* all 0: removed */
};

struct posts_fresh_notes {
    struct posts_fresh_note *v;
    size_t n, cap;
};

static int
posts_fresh_note(void *ctx, size_t word, const char *term, size_t len, int sign,
                 const struct toplist_entry *e)
{
    struct posts_fresh_notes *b = ctx;
    struct posts_fresh_note *p;

    if (b->n == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 1024;

        if ((p = realloc(b->v, cap * sizeof *p)) == NULL) return -1;
        b->v = p;
        b->cap = cap;
    }
    p = &b->v[b->n];
    p->word = word;
    p->order = b->n++;
    p->term = term;
    p->len = len;
    p->docid = e->docid;
    p->tf_title = sign > 0 ? (uint32_t)e->tf_title : 0;
    p->tf_body = sign > 0 ? (uint32_t)e->tf_body : 0;
    p->dl = sign > 0 ? (uint32_t)e->dl : 0;
    return 0;
}

static int
posts_fresh_note_cmp(const void *a, const void *b)
{
    const struct posts_fresh_note *x = a, *y = b;

    if (x->word != y->word) return x->word < y->word ? -1 : 1;
    return (x->order > y->order) - (x->order < y->order);
}

static int
posts_fresh_id_cmp(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return (x > y) - (x < y);
}

/* Writes the row of notes v[0..n) (one word); buf holds 40 bytes each. */
static int
posts_fresh_row(struct db_conn *c, const struct posts_fresh_note *v, size_t n,
                uint8_t *buf, char *err, size_t errlen)
{
    sqlite3_stmt *stmt;
    int64_t prev = 0;
    size_t i, used = 0;
    int rc;

    for (i = 0; i < n; i++) {
        uint64_t d = (uint64_t)v[i].docid - (uint64_t)prev;

        /* zigzag of the wrapped difference */
        used = post_varint_put(buf, used, (d << 1) ^ (uint64_t) - (d >> 63));
        used = post_varint_put(buf, used, v[i].tf_title);
        used = post_varint_put(buf, used, v[i].tf_body);
        used = post_varint_put(buf, used, v[i].dl);
        prev = v[i].docid;
    }
    stmt = posts_fresh_stmt(c, POSTS_FRESH_ROW, err, errlen);
    if (stmt == NULL) return -1;
    rc = db_bind(stmt, 1, (struct carid_str){v[0].term, v[0].len});
    if (rc == SQLITE_OK) rc = sqlite3_bind_int64(stmt, 2, (int64_t)n);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_blob(stmt, 3, buf, (int)used, SQLITE_STATIC);
    if (rc == SQLITE_OK) rc = sqlite3_step(stmt);
    db_done(stmt);
    return rc == SQLITE_DONE ? 0
                             : db_fail_rc(c, rc, "fresh postings", err, errlen);
}

/* posts_gone gets every removed docid of the notes, once. */
static int
posts_fresh_gone_add(struct db_conn *c, const struct posts_fresh_notes *b,
                     int64_t *ids, char *err, size_t errlen)
{
    sqlite3_stmt *stmt;
    size_t i, n = 0;
    int rc = SQLITE_DONE;

    for (i = 0; i < b->n; i++)
        if (b->v[i].tf_title == 0 && b->v[i].tf_body == 0)
            ids[n++] = b->v[i].docid;
    if (n > 1) qsort(ids, n, sizeof ids[0], posts_fresh_id_cmp);
    for (i = 0; i < n && rc == SQLITE_DONE; i++) {
        if (i > 0 && ids[i] == ids[i - 1]) continue;
        for (int next = 0; next <= c->merging && rc == SQLITE_DONE; next++) {
            stmt = posts_fresh_stmt(
                c, next ? POSTS_FRESH_GONE_ADD_NEXT : POSTS_FRESH_GONE_ADD, err,
                errlen);
            if (stmt == NULL) return -1;
            rc = sqlite3_bind_int64(stmt, 1, ids[i]);
            if (rc == SQLITE_OK) rc = sqlite3_step(stmt);
            db_done(stmt);
        }
    }
    return rc == SQLITE_DONE ? 0 : db_fail_rc(c, rc, "gone", err, errlen);
}

/* The notes, grouped by word, one row each; then the gone. */
static int
posts_fresh_write(struct db_conn *c, struct posts_fresh_notes *b, char *err,
                  size_t errlen)
{
    uint8_t *buf;
    size_t i, j, most = 1, gone = 0;
    int rc = 0;

    if (b->n == 0) return 0;
    qsort(b->v, b->n, sizeof b->v[0], posts_fresh_note_cmp);
    for (i = 0; i < b->n; i = j) {
        for (j = i + 1; j < b->n && b->v[j].word == b->v[i].word; j++)
            ;
        if (j - i > most) most = j - i;
    }
    for (i = 0; i < b->n; i++)
        gone += b->v[i].tf_title == 0 && b->v[i].tf_body == 0;
    /* a row's bytes (four varints of 10 at most a posting), or the gone */
    if (gone * sizeof(int64_t) > most * 40)
        most = gone * sizeof(int64_t) / 40 + 1;
    if ((buf = malloc(most * 40)) == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (i = 0; rc == 0 && i < b->n; i = j) {
        for (j = i + 1; j < b->n && b->v[j].word == b->v[i].word; j++)
            ;
        rc = posts_fresh_row(c, &b->v[i], j - i, buf, err, errlen);
    }
    if (rc == 0)
        rc = posts_fresh_gone_add(c, b, (int64_t *)(void *)buf, err, errlen);
    free(buf);
    return rc;
}

int
posts_fresh_commit(struct db_conn *c, int64_t rows, char *err, size_t errlen)
{
    struct posts_fresh_notes b = {NULL, 0, 0};
    sqlite3_stmt *stmt;
    int64_t base;
    int rc;

    if (posts_touch(c, err, errlen) != 0) return -1;
    base = db_scalar(c, posts_fresh_stmt(c, POSTS_FRESH_HAS_BASE, err, errlen),
                     "fresh postings", err, errlen);
    if (base <= 0) return (int)base; /* no tier: OPTIMIZE makes one */
    if (db_run(c, posts_fresh_stmt(c, POSTS_FRESH_SET_GEN, err, errlen),
               "fresh postings", err, errlen) != 0)
        return -1;
    if ((stmt = posts_fresh_stmt(c, POSTS_FRESH_ADD_ROWS, err, errlen)) ==
            NULL ||
        sqlite3_bind_int64(stmt, 1, rows) != SQLITE_OK) {
        if (stmt != NULL) db_done(stmt);
        return stmt == NULL ? -1 : db_fail(c, "fresh postings", err, errlen);
    }
    if (db_run(c, stmt, "fresh postings", err, errlen) != 0) return -1;
    if (toplist_noted(c, posts_fresh_note, &b) != 0) {
        free(b.v);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    rc = posts_fresh_write(c, &b, err, errlen);
    free(b.v);
    return rc;
}

/* The tier is for the main segment of the generation now: fresh_base and
 * fresh_gen set to it, fresh_rows to FTS5's article count. */
static int
posts_fresh_rebase(struct db_conn *c, char *err, size_t errlen)
{
    static const char *const keys[] = {"fresh_base", "fresh_gen"};
    sqlite3_stmt *stmt;
    int64_t ndocs;
    size_t i;

    /* FTS5's count, which readers compare with theirs */
    if (toplist_averages(c, &ndocs, NULL, err, errlen) != 0 ||
        (stmt = posts_fresh_stmt(c, POSTS_FRESH_SET_ROWS, err, errlen)) == NULL)
        return -1;
    if (sqlite3_bind_int64(stmt, 1, ndocs) != SQLITE_OK) {
        db_done(stmt);
        return db_fail(c, "fresh postings", err, errlen);
    }
    if (db_run(c, stmt, "fresh postings", err, errlen) != 0) return -1;
    for (i = 0; i < 2; i++) {
        stmt = posts_fresh_stmt(c, POSTS_FRESH_SET_BASE, err, errlen);
        if (stmt == NULL) return -1;
        if (sqlite3_bind_text(stmt, 1, keys[i], -1, SQLITE_STATIC) !=
            SQLITE_OK) {
            db_done(stmt);
            return db_fail(c, "fresh postings", err, errlen);
        }
        if (db_run(c, stmt, "fresh postings", err, errlen) != 0) return -1;
    }
    return 0;
}

int
posts_fresh_reset(struct db_conn *c, char *err, size_t errlen)
{
    if (db_run(c, posts_fresh_stmt(c, POSTS_FRESH_CLEAR, err, errlen),
               "fresh postings", err, errlen) != 0 ||
        db_run(c, posts_fresh_stmt(c, POSTS_FRESH_CLEAR_GONE, err, errlen),
               "fresh postings", err, errlen) != 0)
        return -1;
    return posts_fresh_rebase(c, err, errlen);
}

int64_t
posts_fresh_last_id(struct db_conn *c, char *err, size_t errlen)
{
    return db_scalar(c, posts_fresh_stmt(c, POSTS_FRESH_LAST_ID, err, errlen),
                     "fresh postings", err, errlen);
}

int
posts_fresh_merged(struct db_conn *c, int64_t last, char *err, size_t errlen)
{
    sqlite3_stmt *stmt = posts_fresh_stmt(c, POSTS_FRESH_CLEAR_UPTO, err,
                                          errlen);

    if (stmt == NULL) return -1;
    if (sqlite3_bind_int64(stmt, 1, last) != SQLITE_OK) {
        db_done(stmt);
        return db_fail(c, "fresh postings", err, errlen);
    }
    if (db_run(c, stmt, "fresh postings", err, errlen) != 0 ||
        db_run(c, posts_fresh_stmt(c, POSTS_FRESH_CLEAR_GONE, err, errlen),
               "fresh postings", err, errlen) != 0 ||
        db_run(c, posts_fresh_stmt(c, POSTS_FRESH_GONE_FROM_NEXT, err, errlen),
               "fresh postings", err, errlen) != 0)
        return -1;
    return posts_fresh_rebase(c, err, errlen);
}
