/*
 * posts_fts5.c - see posts_fts5.h: a word's postings from FTS5's
 * fts5vocab 'instance' table and the articles' lengths from fts_docsize.
 */
#include <stdio.h>
#include <string.h>

#include "posts_fts5.h"
#include "prefix.h"

enum posts_fts5_stmt {
    POSTS_FTS5_INST,     /* a word's occurrences: article, column */
    POSTS_FTS5_DOCSIZE,  /* an article's column lengths */
    POSTS_FTS5_DOCSIZES, /* every article's, in rowid order */
    POSTS_FTS5_STMT_COUNT
};

static const char *const posts_fts5_sql[POSTS_FTS5_STMT_COUNT] = {
    [POSTS_FTS5_INST] = "SELECT doc, col FROM temp.vocab_inst WHERE term = ?1",
    [POSTS_FTS5_DOCSIZE] = "SELECT sz FROM fts_docsize WHERE id = ?1",
    [POSTS_FTS5_DOCSIZES] = "SELECT id, sz FROM fts_docsize ORDER BY id",
};

/* The statement which; the vocabulary table made on first use (on the
 * writer too, which a merge reads it with). */
static sqlite3_stmt *
posts_fts5_stmt(struct db_conn *c, enum posts_fts5_stmt which, char *err,
                size_t errlen)
{
    sqlite3_stmt **slot = db_slot(c, DB_OWN_POSTS_FTS5, which,
                                  POSTS_FTS5_STMT_COUNT, err, errlen);

    if (slot == NULL) return NULL;
    if (*slot == NULL && which == POSTS_FTS5_INST &&
        prefix_vocab_table(c, err, errlen) != 0)
        return NULL;
    return db_prepare(c, slot, posts_fts5_sql[which], err, errlen);
}

/* An article's length over all columns, as FTS5's xColumnSize(-1). */
static int
posts_fts5_dl(struct db_conn *c, int64_t docid, uint32_t *dl, char *err,
              size_t errlen)
{
    sqlite3_stmt *stmt = posts_fts5_stmt(c, POSTS_FTS5_DOCSIZE, err, errlen);
    int rc;

    if (stmt == NULL) return -1;
    rc = sqlite3_bind_int64(stmt, 1, docid);
    if (rc == SQLITE_OK) rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
        *dl = (uint32_t)db_varint_sum(sqlite3_column_blob(stmt, 0),
                                      (size_t)sqlite3_column_bytes(stmt, 0));
    db_done(stmt);
    if (rc == SQLITE_ROW) return 0;
    if (rc == SQLITE_DONE) rc = SQLITE_CORRUPT; /* FTS5 holds its row */
    return db_fail_rc(c, rc, "postings", err, errlen);
}

/* One lookup each, or one walk of fts_docsize when they are many (a
 * lookup costs about 8 rows of the walk). */
int
posts_fts5_lengths(struct db_conn *c, struct post_posting *p, size_t n,
                   size_t missing, int64_t ndocs, char *err, size_t errlen)
{
    sqlite3_stmt *stmt;
    size_t i = 0;
    int rc;

    if ((int64_t)missing < ndocs / 8) {
        for (i = 0; i < n; i++)
            if (p[i].dl == 0 &&
                posts_fts5_dl(c, p[i].docid, &p[i].dl, err, errlen) != 0)
                return -1;
        return 0;
    }
    stmt = posts_fts5_stmt(c, POSTS_FTS5_DOCSIZES, err, errlen);
    if (stmt == NULL) return -1;
    while (i < n && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(stmt, 0);

        while (i < n && p[i].docid < id)
            i++;
        if (i < n && p[i].docid == id && p[i].dl == 0)
            p[i].dl = (uint32_t)db_varint_sum(
                sqlite3_column_blob(stmt, 1),
                (size_t)sqlite3_column_bytes(stmt, 1));
    }
    if (i < n && rc != SQLITE_DONE) {
        db_done(stmt);
        return db_fail_rc(c, rc, "postings", err, errlen);
    }
    db_done(stmt);
    for (i = 0; i < n; i++)
        if (p[i].dl == 0) /* FTS5 holds a row for every article */
            return db_fail_rc(c, SQLITE_CORRUPT, "postings", err, errlen);
    return 0;
}

/* Appends the (docid, title, body) counts of one article; its length
 * comes later (posts_fts5_lengths()), once per article. */
static int
posts_fts5_flush(struct posts_list *l, int64_t docid, uint32_t tt, uint32_t tb,
                 char *err, size_t errlen)
{
    struct post_posting p = {docid, tt, tb, 0};

    if (posts_list_push(l, &p) == 0) return 0;
    snprintf(err, errlen, "out of memory");
    return -1;
}

/* One row per occurrence, in article order. */
int
posts_fts5_append(struct db_conn *c, const char *term, size_t len,
                  struct posts_list *l, char *err, size_t errlen)
{
    sqlite3_stmt *stmt = posts_fts5_stmt(c, POSTS_FTS5_INST, err, errlen);
    int64_t doc, cur = 0;
    uint32_t tt = 0, tb = 0;
    int rc, out = 0, any = 0;

    if (stmt == NULL) return -1;
    rc = db_bind(stmt, 1, (struct carid_str){term, len});
    while (out == 0 && rc == SQLITE_OK &&
           (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        struct carid_str col = db_column(stmt, 1);

        rc = SQLITE_OK;
        doc = sqlite3_column_int64(stmt, 0);
        if (any && doc != cur) {
            out = posts_fts5_flush(l, cur, tt, tb, err, errlen);
            tt = tb = 0;
        }
        any = 1;
        cur = doc;
        if (col.len == 5 && memcmp(col.p, "title", 5) == 0)
            tt++;
        else
            tb++;
    }
    if (out == 0 && rc != SQLITE_DONE)
        out = db_fail_rc(c, rc, "postings", err, errlen);
    db_done(stmt);
    if (out == 0 && any) out = posts_fts5_flush(l, cur, tt, tb, err, errlen);
    return out;
}
