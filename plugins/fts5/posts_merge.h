/*
 * posts_merge.h - the engine's fresh tier folded into new main blocks in
 * the background, so that the tier stays small without OPTIMIZE.
 *
 * A merge takes a snapshot at a commit boundary (the last posts_fresh id,
 * the gone set), then, a few words per step, each in a transaction of its
 * own between the writer's batches, writes every word's postings as of
 * that snapshot (its main postings but the gone ones, plus its fresh rows
 * up to the snapshot, folded) into posts_next and post_terms_next.
 * Readers go on reading the old main segment and the whole tier.  Commits
 * during the merge go on as ever, and their removals also go into
 * posts_gone_next (db_conn's merging).  The last step switches in one
 * transaction: the new tables replace posts and post_terms, the fresh rows
 * up to the snapshot go, the gone set becomes the removals since the
 * snapshot, and the generation is new (readers' caches of the old segment
 * and tier drop).  An article is still wholly in one segment: put after
 * the snapshot, in the tier; else in the new main blocks.
 *
 * Nothing of a merge outlives the process but its tables: a restart or an
 * OPTIMIZE abandons it (posts_merge_abort()), and the next one drops them.
 * The words merged are the top lists' words (toplist.h), which the tier
 * notes: the ones with blocks from them, the ones listed since OPTIMIZE
 * (toplist_want()) from FTS5's index (posts_fts5.h), which is also what
 * makes a merge due at once.  Only on a main segment this carid trusts
 * (posts_fresh_usable()): an index never optimized has none, and OPTIMIZE
 * still makes the first.
 */
#ifndef POSTS_MERGE_H
#define POSTS_MERGE_H

#include <stddef.h>
#include <stdint.h>

#include "carid_plugin.h"
#include "db.h"

/* A merge starts when the tier holds at least max(POSTS_MERGE_MIN, main's
 * postings / POSTS_MERGE_RATIO) postings, or the gone set at least
 * max(POSTS_MERGE_GONE_MIN, articles / POSTS_MERGE_GONE_RATIO) articles.
 * CARID_FTS5_MERGE_MIN overrides POSTS_MERGE_MIN and turns the ratios off
 * (tests); 0 there: never. */
#define POSTS_MERGE_MIN        50000
#define POSTS_MERGE_RATIO      8
#define POSTS_MERGE_GONE_MIN   5000
#define POSTS_MERGE_GONE_RATIO 32
#define POSTS_MERGE_ENV        "CARID_FTS5_MERGE_MIN"
/* After a failed step no merge starts for this long. */
#define POSTS_MERGE_RETRY_USEC (60 * 1000000LL)

/*
 * The writer's background work, outside any transaction of the caller:
 * starts a merge when the tier is due for one, or goes on with the one
 * running, for about budget_usec (at least one word).  *more 1 while a
 * merge is running.  0, or -1 with err set (the step rolled back and the
 * merge abandoned; the index is as before it).
 */
int posts_merge_step(struct db_conn *c, int64_t budget_usec, int *more,
                     char *err, size_t errlen);
/* Abandons a running merge: OPTIMIZE, inside its transaction, drops its
 * tables too (drop 1); 0, or -1 with err set. */
int posts_merge_abort(struct db_conn *c, int drop, char *err, size_t errlen);
void posts_merge_free(struct posts_merge *m);

/* Calls fn for STATS' engine_merges (switches since start) and
 * engine_merging (words left in the running merge, 0 when none). */
int posts_merge_stats(struct db_conn *c, carid_stat_fn *fn, void *ctx);

#endif
