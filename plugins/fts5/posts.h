/*
 * posts.h - the ranked-retrieval engine's postings in carid.db
 * (plugins/engine): for each word in at least top->min_df articles, its
 * postings cut into blocks of 128 (post_block.h), one row of table posts a
 * block keyed by (term, its last docid), and a row of post_terms with the
 * word's df, block count and every block's header (the skip table that
 * post_term_load() reads).  OPTIMIZE writes them from the same scan that
 * builds the top lists (toplist_build.c, posts_build_*()).
 *
 * The blocks are for the articles OPTIMIZE saw (the main segment): the
 * writer bumps a generation (meta 'gen') in every commit that changes
 * articles, OPTIMIZE records the generation its blocks are for (meta
 * 'posts_gen'; a carid of step 2 uses the blocks only while the two are
 * equal).  What changed since is the fresh tier (posts_fresh.h), which a
 * reader merges in.
 */
#ifndef POSTS_H
#define POSTS_H

#include <stddef.h>
#include <stdint.h>

#include "carid_plugin.h"
#include "db.h"
#include "post_block.h"
#include "post_term.h"
#include "posts_cache.h"

#define POSTS_MAX_TERMS 8 /* query terms a reader can open at once */

/* ---- the writer's side; 0 or -1 with err set */

/* Bumps the generation: in a commit's transaction that changed articles. */
int posts_touch(struct db_conn *c, char *err, size_t errlen);
/* OPTIMIZE: drops every block and the recorded generation. */
int posts_build_clear(struct db_conn *c, char *err, size_t errlen);
/* OPTIMIZE: writes the blocks and the term row of term[0..len) from its
 * postings p[0..n) in docid order; next 1: into the tables of a merge's new
 * main segment (posts_merge.h) instead. */
int posts_build_term(struct db_conn *c, int next, const char *term, size_t len,
                     const struct post_posting *p, size_t n, char *err,
                     size_t errlen);
/* OPTIMIZE, after the last term: the blocks are for the generation now. */
int posts_build_done(struct db_conn *c, char *err, size_t errlen);
/* A merge's switch (posts_merge.h), after schema_posts_swap(): the blocks
 * are for the generation now, the tier keeps its rows after fresh_last. */
int posts_build_switched(struct db_conn *c, int64_t fresh_last, char *err,
                         size_t errlen);

/* ---- the readers' side, inside a read transaction */

/* A word's postings opened for the engine: its term and the source of its
 * blocks, reading through reader statement slot i of the connection. */
struct posts_term {
    struct post_term term;
    struct post_source src;
    struct db_conn *c;
    sqlite3_stmt *stmt; /* the block reader (slot i); NULL when closed */
    const char *word;   /* borrowed from the caller */
    size_t len;
    int failed; /* SQLite's code when a block could not be read */
    /* the connection's cached term (posts_cache.h) term copies, held until
     * posts_close(); NULL when term is this one's own */
    const struct post_term *held;
    /* the cached term's blocks' bytes, or NULL: read one seek each */
    const struct posts_cache_blocks *mem;
};

/* Opens term[0..len) on slot i (0 .. POSTS_MAX_TERMS-1), from the
 * connection's cache when it holds the word for main segment main_gen
 * (posts_fresh_usable(); -1: none, not cached): 1, 0 if it
 * has no blocks (or blocks of an older layout, logged once: FTS5 answers until
 * OPTIMIZE), -1 with err set (a corrupt skip table says so).  The term borrows
 * word until posts_close(). */
int posts_open(struct db_conn *c, int i, const char *word, size_t len,
               int64_t main_gen, struct posts_term *t, char *err,
               size_t errlen);
/* The error of a cursor on t that failed (post_cursor_failed()): SQLite's
 * when a block could not be read, else "postings of ... corrupt: run
 * OPTIMIZE".  Returns -1. */
int posts_failed(struct db_conn *c, const struct posts_term *t, char *err,
                 size_t errlen);
/* Frees what posts_open() made; safe on a zeroed or failed one. */
void posts_close(struct posts_term *t);

/* A growing list of postings (a prefix's words, a merged word). */
struct posts_list {
    struct post_posting *p; /* owned: free() */
    size_t n, cap;
};
/* Appends *p: 0, or -1 out of memory. */
int posts_list_push(struct posts_list *l, const struct post_posting *p);

/* Calls fn for STATS' engine_words and engine_searches: 0, 1 when fn said
 * stop, -1 with err set. */
int posts_stats(struct db_conn *c, carid_stat_fn *fn, void *ctx, char *err,
                size_t errlen);

#endif
