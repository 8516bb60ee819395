/*
 * posts.c - see posts.h: the generation, and the readers' side of the
 * engine's postings (a word's skip table, then its blocks one range seek
 * each).  OPTIMIZE's writing side is posts_build.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "posts.h"

/* Slots 0 .. POSTS_MAX_TERMS-1 read blocks, one per open term, since a
 * block's bytes must stay valid until its cursor reads the next. */
enum posts_stmt {
    POSTS_GEN_BUMP = POSTS_MAX_TERMS,
    POSTS_TERM,
    POSTS_COUNT,
    POSTS_BLOCKS,
    POSTS_STMT_COUNT
};

static const char *const posts_sql[POSTS_STMT_COUNT] = {
    [POSTS_GEN_BUMP] = "INSERT INTO meta(key, value) VALUES ('gen', 1)"
                       " ON CONFLICT(key) DO UPDATE SET value = value + 1",
    [POSTS_TERM] = "SELECT df, nblocks, heads FROM post_terms WHERE term = ?1",
    [POSTS_COUNT] = "SELECT count(*) FROM post_terms",
    [POSTS_BLOCKS] = "SELECT last, block FROM posts WHERE term = ?1"
                     " ORDER BY last",
};

/* The block of a term whose last docid is ?2: one seek of the primary
 * key (a block is keyed by its last docid). */
#define POSTS_BLOCK_SQL                                                        \
    "SELECT block FROM posts WHERE term = ?1 AND last >= ?2"                   \
    " ORDER BY last LIMIT 1"

static sqlite3_stmt *
posts_stmt(struct db_conn *c, enum posts_stmt which, char *err, size_t errlen)
{
    return db_stmt(c, DB_OWN_POSTS, which, POSTS_STMT_COUNT, posts_sql[which],
                   err, errlen);
}

/* Reader slot i's block statement. */
static sqlite3_stmt *
posts_block_stmt(struct db_conn *c, int i, char *err, size_t errlen)
{
    return db_stmt(c, DB_OWN_POSTS, i, POSTS_STMT_COUNT, POSTS_BLOCK_SQL, err,
                   errlen);
}

int
posts_touch(struct db_conn *c, char *err, size_t errlen)
{
    return db_run(c, posts_stmt(c, POSTS_GEN_BUMP, err, errlen), "generation",
                  err, errlen);
}

/* The engine's post_source: block i of the term, by its last docid. */
static int
posts_read(void *ctx, size_t block, const uint8_t **buf, size_t *len)
{
    struct posts_term *t = ctx;
    int rc;

    sqlite3_reset(t->stmt);
    rc = sqlite3_bind_int64(t->stmt, 2, t->term.blocks[block].last);
    if (rc == SQLITE_OK) rc = sqlite3_step(t->stmt);
    if (rc != SQLITE_ROW) {
        /* no row: the skip table names a block that is not there, which
         * the engine reports as corrupt postings */
        if (rc != SQLITE_DONE) t->failed = rc;
        return -1;
    }
    *buf = sqlite3_column_blob(t->stmt, 0);
    *len = (size_t)sqlite3_column_bytes(t->stmt, 0);
    return *buf == NULL ? -1 : 0; /* NULL: empty, or out of memory */
}

/* The engine's post_source of a term whose blocks' bytes are cached. */
static int
posts_read_mem(void *ctx, size_t block, const uint8_t **buf, size_t *len)
{
    const struct posts_term *t = ctx;

    if (block >= t->term.nblocks) return -1;
    *buf = t->mem->bytes + t->mem->at[block];
    *len = t->mem->at[block + 1] - t->mem->at[block];
    return 0;
}

/* Reads every block of word (its skip table in *t) in one range scan into
 * *b, for the cache: 1, 0 if the rows are not the skip table's blocks (the
 * engine then finds it out block by block, as without the cache) or out of
 * memory, -1 with err set on SQLite's error. */
static int
posts_load_blocks(struct db_conn *c, const char *word, size_t len,
                  const struct post_term *t, struct posts_cache_blocks *b,
                  char *err, size_t errlen)
{
    sqlite3_stmt *stmt = posts_stmt(c, POSTS_BLOCKS, err, errlen);
    size_t i = 0, cap = 0;
    int rc, ok = 1;

    memset(b, 0, sizeof *b);
    if (stmt == NULL) return -1;
    if ((b->at = malloc((t->nblocks + 1) * sizeof b->at[0])) == NULL) ok = 0;
    rc = db_bind(stmt, 1, (struct carid_str){word, len});
    while (ok && rc == SQLITE_OK && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        const void *p = sqlite3_column_blob(stmt, 1);
        size_t n = (size_t)sqlite3_column_bytes(stmt, 1);

        rc = SQLITE_OK;
        if (i == t->nblocks || p == NULL ||
            sqlite3_column_int64(stmt, 0) != t->blocks[i].last) {
            ok = 0;
            break;
        }
        if (b->size + n > cap) {
            size_t grown = cap > 0 ? 2 * cap : 4096;
            uint8_t *q;

            while (grown < b->size + n)
                grown *= 2;
            if ((q = realloc(b->bytes, grown)) == NULL) {
                ok = 0;
                break;
            }
            b->bytes = q;
            cap = grown;
        }
        b->at[i++] = b->size;
        memcpy(b->bytes + b->size, p, n);
        b->size += n;
    }
    db_done(stmt);
    if (rc != SQLITE_OK && rc != SQLITE_DONE) {
        posts_cache_blocks_free(b);
        return db_fail_rc(c, rc, "postings", err, errlen);
    }
    if (!ok || i != t->nblocks || b->bytes == NULL) {
        posts_cache_blocks_free(b);
        return 0;
    }
    b->at[i] = b->size;
    return 1;
}

/* Set once the old-layout warning was logged (once a process). */
static int posts_old_warned;

/* Loads word's skip table from post_terms into t->term: 1, 0 if it has no
 * blocks (or of an older layout, logged once), -1 with err set. */
static int
posts_load(struct db_conn *c, const char *word, size_t len,
           struct posts_term *t, char *err, size_t errlen)
{
    sqlite3_stmt *stmt;
    const void *heads;
    int rc, lrc = 0;

    if ((stmt = posts_stmt(c, POSTS_TERM, err, errlen)) == NULL) return -1;
    rc = db_bind(stmt, 1, (struct carid_str){word, len});
    if (rc == SQLITE_OK) rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        heads = sqlite3_column_blob(stmt, 2);
        lrc = heads == NULL
                  ? -1
                  : post_term_load(&t->term, heads,
                                   (size_t)sqlite3_column_bytes(stmt, 2),
                                   (size_t)sqlite3_column_int64(stmt, 1),
                                   sqlite3_column_int64(stmt, 0));
    }
    db_done(stmt);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return db_fail_rc(c, rc, "postings", err, errlen);
    if (rc == SQLITE_DONE) return 0;
    if (lrc == -3) {
        /* Blocks of an older layout: FTS5 answers until OPTIMIZE rebuilds
         * them (they are derived data). */
        if (!__atomic_exchange_n(&posts_old_warned, 1, __ATOMIC_RELAXED))
            c->index->host->log(CARID_LOG_WARN,
                                "engine postings of an older layout: FTS5 "
                                "answers until OPTIMIZE rebuilds them");
        return 0;
    }
    if (lrc != 0) {
        snprintf(err, errlen,
                 lrc == -2 ? "out of memory"
                           : "postings of '%.*s' corrupt: run OPTIMIZE",
                 (int)len, word);
        return -1;
    }
    return 1;
}

/* Keeps the just loaded *t of word in the connection's cache, with its
 * blocks' bytes when they fit: the kept term (*t emptied), or NULL with
 * err empty when not kept (*t still the caller's), NULL with err set on
 * SQLite's error. */
static const struct post_term *
posts_cache_keep(struct db_conn *c, int64_t gen, const char *word, size_t len,
                 struct post_term *t, char *err, size_t errlen)
{
    struct posts_cache_blocks b;
    int rc;

    err[0] = '\0';
    rc = posts_load_blocks(c, word, len, t, &b, err, errlen);
    if (rc < 0) return NULL;
    if (rc == 1) {
        const struct post_term *kept = posts_cache_put(&c->posts, gen, word,
                                                       len, t, &b);

        posts_cache_blocks_free(&b); /* empty once kept */
        if (kept != NULL) return kept;
    }
    return posts_cache_put(&c->posts, gen, word, len, t, NULL);
}

int
posts_open(struct db_conn *c, int i, const char *word, size_t len,
           int64_t main_gen, struct posts_term *t, char *err, size_t errlen)
{
    const struct post_term *kept;
    /* not the writer's: an OPTIMIZE it rolls back gives its generation
     * again to other blocks */
    int64_t gen = c->writer ? -1 : main_gen;
    int rc;

    memset(t, 0, sizeof *t);
    if (i < 0 || i >= POSTS_MAX_TERMS) {
        snprintf(err, errlen, "too many words for the engine");
        return -1;
    }
    t->c = c;
    kept = gen >= 0 ? posts_cache_get(c->posts, gen, word, len) : NULL;
    if (kept == NULL) {
        if ((rc = posts_load(c, word, len, t, err, errlen)) <= 0) return rc;
        if (gen >= 0 &&
            (kept = posts_cache_keep(c, gen, word, len, &t->term, err,
                                     errlen)) == NULL &&
            err[0] != '\0') {
            post_term_free(&t->term);
            return -1;
        }
    }
    if (kept != NULL) {
        t->held = kept;
        t->term = *kept; /* a copy: the query may set its df */
        t->mem = posts_cache_blocks(c->posts, kept);
    }
    t->src.ctx = t;
    if (t->mem != NULL) {
        t->word = word;
        t->len = len;
        t->src.read = posts_read_mem;
        return 1;
    }
    t->stmt = posts_block_stmt(c, i, err, errlen);
    if (t->stmt == NULL || sqlite3_bind_text(t->stmt, 1, word, (int)len,
                                             SQLITE_STATIC) != SQLITE_OK) {
        if (t->stmt != NULL) db_fail(c, "postings", err, errlen);
        posts_close(t);
        return -1;
    }
    t->word = word;
    t->len = len;
    t->src.read = posts_read;
    return 1;
}

void
posts_close(struct posts_term *t)
{
    if (t->stmt != NULL) db_done(t->stmt);
    t->stmt = NULL;
    if (t->held != NULL) {
        posts_cache_release(t->c->posts, t->held);
        t->held = NULL;
        memset(&t->term, 0, sizeof t->term);
    } else
        post_term_free(&t->term);
}

int
posts_stats(struct db_conn *c, carid_stat_fn *fn, void *ctx, char *err,
            size_t errlen)
{
    int64_t words;

    words = db_scalar(c, posts_stmt(c, POSTS_COUNT, err, errlen), "stats", err,
                      errlen);
    if (words < 0) return -1;
    if (fn(ctx, "engine_words", words) ||
        fn(ctx, "engine_searches",
           __atomic_load_n(&c->index->engine_searches, __ATOMIC_RELAXED)))
        return 1;
    return 0;
}

int
posts_list_push(struct posts_list *l, const struct post_posting *p)
{
    if (l->n == l->cap) {
        size_t cap = 2 * l->cap + 1024;
        void *grown = realloc(l->p, cap * sizeof l->p[0]);

        if (grown == NULL) return -1;
        l->p = grown;
        l->cap = cap;
    }
    l->p[l->n++] = *p;
    return 0;
}

int
posts_failed(struct db_conn *c, const struct posts_term *t, char *err,
             size_t errlen)
{
    if (t->failed != 0)
        return db_fail_rc(c, t->failed, "postings", err, errlen);
    snprintf(err, errlen, "postings of '%.*s' corrupt: run OPTIMIZE",
             (int)t->len, t->word);
    return -1;
}
