/*
 * posts_build.c - OPTIMIZE's side of posts.h: the blocks of each frequent
 * word, cut by post_term_build() from the postings toplist_build.c
 * gathers in its one scan of the index, written one row a block, and the
 * word's row with every block's header (its skip table).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "posts.h"
#include "posts_fresh.h"

enum posts_build_stmt {
    POSTS_BUILD_CLEAR_BLOCKS,
    POSTS_BUILD_CLEAR_TERMS,
    POSTS_BUILD_CLEAR_GEN,
    POSTS_BUILD_BLOCK,
    POSTS_BUILD_TERM,
    POSTS_BUILD_BLOCK_NEXT,
    POSTS_BUILD_TERM_NEXT,
    POSTS_BUILD_GEN,
    POSTS_BUILD_STMT_COUNT
};

static const char *const posts_build_sql[POSTS_BUILD_STMT_COUNT] = {
    [POSTS_BUILD_CLEAR_BLOCKS] = "DELETE FROM posts",
    [POSTS_BUILD_CLEAR_TERMS] = "DELETE FROM post_terms",
    [POSTS_BUILD_CLEAR_GEN] = "DELETE FROM meta WHERE key = 'posts_gen'",
    [POSTS_BUILD_BLOCK] = "INSERT INTO posts(term, last, block)"
                          " VALUES (?1, ?2, ?3)",
    [POSTS_BUILD_TERM] = "INSERT INTO post_terms(term, df, nblocks, heads)"
                         " VALUES (?1, ?2, ?3, ?4)",
    /* posts_merge.h's new main segment, until its switch */
    [POSTS_BUILD_BLOCK_NEXT] = "INSERT INTO posts_next(term, last, block)"
                               " VALUES (?1, ?2, ?3)",
    [POSTS_BUILD_TERM_NEXT] = "INSERT INTO post_terms_next(term, df, nblocks,"
                              " heads) VALUES (?1, ?2, ?3, ?4)",
    [POSTS_BUILD_GEN] =
        "INSERT INTO meta(key, value) VALUES ('posts_gen',"
        " coalesce((SELECT value FROM meta WHERE key = 'gen'), 0))"
        " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
};

static sqlite3_stmt *
posts_build_stmt(struct db_conn *c, enum posts_build_stmt which, char *err,
                 size_t errlen)
{
    return db_stmt(c, DB_OWN_POSTS_BUILD, which, POSTS_BUILD_STMT_COUNT,
                   posts_build_sql[which], err, errlen);
}

int
posts_build_clear(struct db_conn *c, char *err, size_t errlen)
{
    if (db_run(c, posts_build_stmt(c, POSTS_BUILD_CLEAR_BLOCKS, err, errlen),
               "postings", err, errlen) != 0 ||
        db_run(c, posts_build_stmt(c, POSTS_BUILD_CLEAR_TERMS, err, errlen),
               "postings", err, errlen) != 0)
        return -1;
    return db_run(c, posts_build_stmt(c, POSTS_BUILD_CLEAR_GEN, err, errlen),
                  "postings", err, errlen);
}

/* A new generation, which the blocks are for: readers' fresh terms of the
 * old tier and skip tables of the old blocks are stale. */
static int
posts_build_stamp(struct db_conn *c, char *err, size_t errlen)
{
    if (posts_touch(c, err, errlen) != 0) return -1;
    return db_run(c, posts_build_stmt(c, POSTS_BUILD_GEN, err, errlen),
                  "postings", err, errlen);
}

int
posts_build_done(struct db_conn *c, char *err, size_t errlen)
{
    if (posts_build_stamp(c, err, errlen) != 0) return -1;
    return posts_fresh_reset(c, err, errlen);
}

int
posts_build_switched(struct db_conn *c, int64_t fresh_last, char *err,
                     size_t errlen)
{
    if (posts_build_stamp(c, err, errlen) != 0) return -1;
    return posts_fresh_merged(c, fresh_last, err, errlen);
}

/* What the sink of one word's build holds. */
struct posts_build {
    struct db_conn *c;
    int next; /* into posts_next and post_terms_next */
    struct carid_str term;
    uint8_t *heads; /* the headers so far */
    size_t nheads, cap;
    char *err;
    size_t errlen;
};

/* post_term_build()'s sink: one row a block, its header kept aside. */
static int
posts_build_sink(void *ctx, size_t block, const uint8_t *buf, size_t len)
{
    struct posts_build *b = ctx;
    struct post_block_meta m;
    sqlite3_stmt *stmt;
    uint8_t *grown;
    size_t used;
    int rc;

    (void)block;
    if (post_block_decode_head(buf, len, &m, &used) != 0) {
        snprintf(b->err, b->errlen, "a block did not decode"); /* a bug */
        return -1;
    }
    if (b->nheads + used > b->cap) {
        b->cap = b->cap * 2 + used + 256;
        if ((grown = realloc(b->heads, b->cap)) == NULL) {
            snprintf(b->err, b->errlen, "out of memory");
            return -1;
        }
        b->heads = grown;
    }
    memcpy(b->heads + b->nheads, buf, used);
    b->nheads += used;
    stmt = posts_build_stmt(
        b->c, b->next ? POSTS_BUILD_BLOCK_NEXT : POSTS_BUILD_BLOCK, b->err,
        b->errlen);
    if (stmt == NULL) return -1;
    rc = db_bind(stmt, 1, b->term);
    if (rc == SQLITE_OK) rc = sqlite3_bind_int64(stmt, 2, m.last);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_blob(stmt, 3, buf, (int)len, SQLITE_STATIC);
    if (rc == SQLITE_OK) rc = sqlite3_step(stmt);
    db_done(stmt);
    if (rc != SQLITE_DONE)
        return db_fail_rc(b->c, rc, "postings", b->err, b->errlen);
    return 0;
}

int
posts_build_term(struct db_conn *c, int next, const char *term, size_t len,
                 const struct post_posting *p, size_t n, char *err,
                 size_t errlen)
{
    struct posts_build b = {c, next, {term, len}, NULL, 0, 0, err, errlen};
    struct post_term t;
    sqlite3_stmt *stmt;
    int rc;

    err[0] = '\0';
    if (post_term_build(&t, p, n, posts_build_sink, &b) != 0) {
        free(b.heads);
        if (err[0] == '\0') snprintf(err, errlen, "out of memory");
        return -1;
    }
    stmt = posts_build_stmt(c, next ? POSTS_BUILD_TERM_NEXT : POSTS_BUILD_TERM,
                            err, errlen);
    rc = stmt == NULL ? SQLITE_ERROR : db_bind(stmt, 1, b.term);
    if (rc == SQLITE_OK) rc = sqlite3_bind_int64(stmt, 2, t.df);
    if (rc == SQLITE_OK) rc = sqlite3_bind_int64(stmt, 3, (int64_t)t.nblocks);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_blob(stmt, 4, b.heads, (int)b.nheads, SQLITE_STATIC);
    if (rc == SQLITE_OK) rc = sqlite3_step(stmt);
    if (stmt != NULL) db_done(stmt);
    post_term_free(&t);
    free(b.heads);
    if (stmt == NULL) return -1;
    return rc == SQLITE_DONE ? 0 : db_fail_rc(c, rc, "postings", err, errlen);
}
