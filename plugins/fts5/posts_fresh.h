/*
 * posts_fresh.h - the engine's fresh tier: what changed since OPTIMIZE
 * built the blocks (posts.h, the main segment), kept exact at every
 * commit, so that the engine answers after writes too.
 *
 * - posts_fresh(id, term, n, data): one row per (listed word, commit)
 *   with the n postings of that commit's articles for the word, in the
 *   order they were noted; a removed article's posting is a tombstone
 *   (no occurrence).  Rows are appended: id order is commit order.  A
 *   word's fresh postings are its rows folded in id order (index
 *   posts_fresh_term): per docid, the last entry wins.
 * - posts_gone(rowid): every article removed or replaced since OPTIMIZE.
 *   Its postings in the main blocks are stale and must be skipped.
 *
 * An article is wholly in one segment (a replaced one's main postings are
 * gone, its new ones fresh), so a query evaluated on each and merged is
 * exact.  The writer side comes from the tokenization the top lists
 * already do at commit (toplist_noted()).
 *
 * meta: 'fresh_base' and 'fresh_gen' are set by OPTIMIZE to the
 * generation its blocks are for, 'fresh_gen' by every commit to the
 * generation it made, 'fresh_rows' is the article count the tier accounts
 * for.  A reader trusts main + fresh only when posts_gen == fresh_base (no
 * older carid ran OPTIMIZE since), fresh_gen == gen (no older carid wrote
 * since) and fresh_rows equals FTS5's article count (a carid older than
 * the generations wrote since).
 */
#ifndef POSTS_FRESH_H
#define POSTS_FRESH_H

#include <stddef.h>
#include <stdint.h>

#include "carid_plugin.h"
#include "db.h"
#include "post_block.h"
#include "post_term.h"

/* A query's fresh postings over all its words, and its gone articles in
 * its docid range, above which SEARCH falls back to FTS5 (until the next
 * merge, posts_merge.h, or OPTIMIZE): at least these, and at least a
 * quarter of its words' dfs and a sixteenth of the articles, so that the
 * tier a merge lets grow (an eighth of main's postings, a 32nd of the
 * articles gone) stays within them. */
#define POSTS_FRESH_MAX 50000
#define POSTS_GONE_MAX  10000
size_t posts_fresh_budget(int64_t df_sum);
size_t posts_gone_budget(int64_t ndocs);

/* ---- the writer's side; 0 or -1 with err set */

/* In a commit's transaction that changed articles, before
 * toplist_commit(): bumps the generation (posts_touch()), records it as
 * the tier's, adds rows (articles added minus removed) to fresh_rows, and
 * writes the noted postings and removed articles. */
int posts_fresh_commit(struct db_conn *c, int64_t rows, char *err,
                       size_t errlen);
/* OPTIMIZE, once the blocks are for the generation now: empties the tier. */
int posts_fresh_reset(struct db_conn *c, char *err, size_t errlen);
/* A merge's snapshot (posts_merge.h): the last posts_fresh id, or -1 with
 * err set.  While c->merging, every commit's removals also go into
 * posts_gone_next. */
int64_t posts_fresh_last_id(struct db_conn *c, char *err, size_t errlen);
/* A merge's switch, the blocks now for the generation now and holding
 * every fresh row up to id last and every removal before the snapshot:
 * those rows go, posts_gone becomes posts_gone_next's removals (the ones
 * since), and the tier is for the new generation. */
int posts_fresh_merged(struct db_conn *c, int64_t last, char *err,
                       size_t errlen);

/* ---- the readers' side, inside a read transaction */

/* *ok 1 if main + fresh + gone are exact for the snapshot, whose FTS5
 * article count is ndocs; *gen the tier's generation (meta 'fresh_gen'),
 * new at every commit and OPTIMIZE; *main_gen the main segment's (meta
 * 'posts_gen', new at every OPTIMIZE; -1 if none), what posts_open()
 * caches a word's skip table for. */
int posts_fresh_usable(struct db_conn *c, int64_t ndocs, int *ok, int64_t *gen,
                       int64_t *main_gen, char *err, size_t errlen);

/* A word's fresh postings as an in-memory term for the engine. */
struct posts_fresh_term {
    struct post_term term;
    struct post_source src;
    uint8_t *bytes; /* the blocks, one after the other */
    size_t nbytes, cap;
    size_t *off; /* block i is bytes[off[i] .. off[i + 1]) */
    size_t noff, offcap;
};

/*
 * Folds the fresh rows of term[0..len) into *t, keeping the postings in
 * docids [from, to], with df as the term's df (the whole index's, for the
 * idf).  *budget is the postings the query may still read; it is lowered
 * by this word's (all its rows', in range or not).  1 with *t built, 0 if
 * the word has no fresh posting there (*t empty), 2 over the budget, -1
 * with err set.  Free with posts_fresh_close() (safe on a zeroed one).
 */
int posts_fresh_open(struct db_conn *c, const char *term, size_t len,
                     int64_t df, int64_t from, int64_t to, size_t *budget,
                     struct posts_fresh_term *t, char *err, size_t errlen);
void posts_fresh_close(struct posts_fresh_term *t);
/* The docids of the word's fresh rows with id > after, removals too,
 * ascending and each once, into *ids (free(); NULL when none), *n of them:
 * the articles a merge must not take from FTS5 for a word it gives blocks
 * to (posts_merge.c).  0, or -1 with err set. */
int posts_fresh_docids(struct db_conn *c, const char *term, size_t len,
                       int64_t after, int64_t **ids, size_t *n, char *err,
                       size_t errlen);
/* The word's fresh rows with id <= last folded (per docid the last entry;
 * removals dropped) into *p (docid order, free()), *n of them in [from,
 * to] (*p NULL when none); *budget as for posts_fresh_open().  0, 2 over
 * the budget, -1 with err set.  posts_merge.c folds up to its snapshot. */
int posts_fresh_fold(struct db_conn *c, const char *term, size_t len,
                     int64_t last, int64_t from, int64_t to, size_t *budget,
                     struct post_posting **p, size_t *n, char *err,
                     size_t errlen);
/* The same kind of in-memory term from postings p[0..n) (n >= 1, docid
 * order), with df for the idf: 0, or -1 (invalid postings or no memory;
 * *t then holds nothing).  query_prefix.c builds a prefix's with it. */
int posts_fresh_build(struct posts_fresh_term *t, const struct post_posting *p,
                      size_t n, int64_t df);

/*
 * posts_fresh_open() of term[0..len) over all docids, kept on the
 * connection while the tier's generation is gen (posts_fresh_usable()):
 * *t is borrowed until a later call on the connection with another gen or
 * more than 8 other words.  Same returns and budget as posts_fresh_open().
 */
int posts_fresh_get(struct db_conn *c, int64_t gen, const char *term,
                    size_t len, int64_t df, size_t *budget,
                    struct posts_fresh_term **t, char *err, size_t errlen);
/* Frees a connection's cache (c->fresh); NULL is fine. */
void posts_fresh_cache_free(struct posts_fresh_cache *k);

/* The gone articles in [from, to], ascending, into *ids (free()), *n of
 * them: 1, 0 if more than max (nothing returned), -1 with err set. */
int posts_fresh_gone(struct db_conn *c, int64_t from, int64_t to, size_t max,
                     int64_t **ids, size_t *n, char *err, size_t errlen);

/* Calls fn for STATS' engine_fresh (postings) and engine_gone: 0, 1 when
 * fn said stop, -1 with err set. */
int posts_fresh_stats(struct db_conn *c, carid_stat_fn *fn, void *ctx,
                      char *err, size_t errlen);

#endif
