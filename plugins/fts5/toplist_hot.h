/*
 * toplist_hot.h - words that become frequent as articles arrive, found by
 * the writer itself, so that no search has to ask first (toplist_want() is
 * the readers' way, and the search that asks is answered by FTS5's scan of
 * every match: 100-300 ms at 100,000 articles for the first searches of
 * an index never optimized).
 *
 * The writer counts, in one article of TOPLIST_HOT_SAMPLE it notes
 * (toplist_doc()), each distinct word without a list.  At the batch's
 * commit a word in at least min_df / ndocs / TOPLIST_HOT_SLACK of the
 * sampled articles is a candidate (at most TOPLIST_HOT_CANDIDATES); between
 * batches the writer reads a candidate's exact count from FTS5's index
 * (posts_fts5_df(): a walk of its doclist, no article length) and, once
 * it is in min_df articles and the writer is idle (no commit for
 * TOPLIST_HOT_IDLE_USEC), asks for its list, a round of words at a time;
 * the merge then due gives them blocks (posts_merge.h).  A word checked is not
 * checked again until the index has grown by a quarter (TOPLIST_HOT_MEMO words
 * remembered).
 *
 * Bounded: TOPLIST_HOT_SLOTS words counted a batch (the rest of a batch's
 * new words are not counted: a word in most articles is met in the first),
 * words of at most TOPLIST_HOT_WORD bytes.  The writer's thread only.
 */
#ifndef TOPLIST_HOT_H
#define TOPLIST_HOT_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"

/* clang-format off */
#define TOPLIST_HOT_SAMPLE     4     /* one article of this many is counted */
#define TOPLIST_HOT_SLACK      2     /* candidates at half the share needed */
#define TOPLIST_HOT_SLOTS      16384 /* words counted a batch */
#define TOPLIST_HOT_CANDIDATES 16
#define TOPLIST_HOT_MEMO       256
#define TOPLIST_HOT_WORD       64 /* bytes a word counted has at most */
#define TOPLIST_HOT_FOUND      64 /* words found, waiting for an idle writer */
#define TOPLIST_HOT_IDLE_USEC  500000
#define TOPLIST_HOT_ROUND      8 /* as the want queue (toplist.h) */
#define TOPLIST_HOT_ROUND_USEC (60 * 1000000LL)
/* clang-format on */
/* "off": the writer finds no word itself (tests of the searches' way). */
#define TOPLIST_HOT_ENV "CARID_FTS5_HOT"

struct toplist_hot;

/* NULL when out of memory or TOPLIST_HOT_ENV is "off" (the writer then
 * finds no word itself). */
struct toplist_hot *toplist_hot_new(void);
void toplist_hot_free(struct toplist_hot *h);

/* An article is being noted: 1 if it is sampled, its words to be given to
 * toplist_hot_word(). */
int toplist_hot_article(struct toplist_hot *h);
/* A word without a list in the sampled article (counted once an article). */
void toplist_hot_word(struct toplist_hot *h, const char *term, size_t len);
/* Just before the batch's COMMIT, with the index's article count and
 * min_df: the candidates of the batch; the counts start again. */
void toplist_hot_commit(struct toplist_hot *h, int64_t ndocs, int64_t min_df);
/* After a rollback: the batch's counts go. */
void toplist_hot_forget(struct toplist_hot *h);

/* Between batches, outside any transaction of the caller's: checks the
 * most frequent candidate, which is found when in min_df articles.  1 if
 * one was checked, 0 if none waits or TOPLIST_HOT_FOUND wait to be taken;
 * failures are logged and only drop the candidate. */
int toplist_hot_check(struct db_conn *c, struct toplist_hot *h, int64_t min_df);
/* A word found, into term[0..*len) (TOPLIST_HOT_WORD bytes), for
 * toplist_want(), once no batch has committed for TOPLIST_HOT_IDLE_USEC
 * before now: its list is a scan of its occurrences and their lengths
 * (0.1-0.3 s at 100,000 articles for a word in most), which a writer busy
 * with a feed does not take on.  In rounds of TOPLIST_HOT_ROUND words, the
 * most frequent first: a round starts once the merge count (merges, the
 * index's engine_merges) moved since the last one began, so that a merge
 * gives blocks to each round's words before the next is listed, or
 * TOPLIST_HOT_ROUND_USEC after it.  1 if one was taken, else 0. */
int toplist_hot_take(struct toplist_hot *h, int64_t now, int64_t merges,
                     char *term, size_t *len);

/* Calls fn for STATS' toplist_hot_checked (exact counts read) and
 * toplist_hot_found (words asked for so) since start: 0, or 1 when fn
 * said stop.  Any connection. */
int toplist_hot_stats(struct db_conn *c, carid_stat_fn *fn, void *ctx);

#endif
