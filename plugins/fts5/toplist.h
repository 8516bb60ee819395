/*
 * toplist.h - the frequent words: their exact article counts, kept at
 * every commit, and the postings each commit adds or removes for them,
 * which the engine's fresh tier stores (posts_fresh.h).
 *
 * OPTIMIZE (toplist_build()) pins the average article length BM25 uses
 * (meta 'avgdl') and writes into terms every word in at least
 * top->min_df articles with its count; the same scan gives the engine
 * its blocks (posts.h).  Each commit after that keeps the counts exact:
 * the listed words of each article put or deleted (from the tokens
 * recorded for FTS5, tokens.h) update their count, and their postings are
 * noted for the tier.  A word that becomes frequent after OPTIMIZE is
 * listed when a search or the writer's own sampling (toplist_hot.h)
 * finds it so (toplist_want()), between batches; a merge then gives it
 * blocks (posts_merge.h).
 *
 * The name is the module's history: until stop 25 each listed word also
 * kept its best articles in order (table tops), which a one-word search
 * read.  The engine now answers one word from its blocks, best bound first
 * (plugins/engine/engine_one.h), so the lists went; table tops stays,
 * empty, so that an older carid opening the file finds what it reads
 * (plugins/fts5/DESIGN.md, "Frequent words").
 */
#ifndef TOPLIST_H
#define TOPLIST_H

#include <stddef.h>
#include <stdint.h>

#include <pthread.h>

#include "carid_plugin.h"
#include "db.h"
#include "tokens.h"

#define TOPLIST_WANT_MAX  8  /* words waiting for a top list */
#define TOPLIST_WANT_WORD 64 /* bytes; longer words wait for OPTIMIZE */

/* What the connections of one index share about its words (db->top). */
struct toplist_shared {
    int64_t min_df; /* words in this many articles are listed; 0: none */
    /* Words readers found frequent but unlisted (toplist_want()); the
     * writer lists them at its next batch.  Guarded by want_mu. */
    pthread_mutex_t want_mu;
    char want[TOPLIST_WANT_MAX][TOPLIST_WANT_WORD];
    size_t want_len[TOPLIST_WANT_MAX];
    int nwant;
};

/* What the index knows of one word at a read snapshot. */
struct toplist_info {
    int64_t df;    /* articles containing it (exact) */
    int64_t ndocs; /* articles in the index */
    double avgdl;  /* the pinned average article length */
};

/* One posting of a listed word in an article put or deleted. */
struct toplist_entry {
    int64_t docid;
    int tf_title, tf_body, dl;
};

/* The shared part, with min_df from the environment or its default; NULL
 * when out of memory.  Free with toplist_shared_free(). */
struct toplist_shared *toplist_shared_new(void);
void toplist_shared_free(struct toplist_shared *s);

/* ---- the writer's side; each int function returns 0 or -1 with err */

/* Loads the listed words, unless loaded since the last rollback. */
int toplist_begin(struct db_conn *c, char *err, size_t errlen);
/* Notes that article docid (title, body) was added (sign 1) or removed
 * (sign -1) in the current transaction.  rec[0] and rec[1], when they hold
 * recordings of title and body (tokens.h), are replayed instead of
 * tokenizing again. */
int toplist_doc(struct db_conn *c, int sign, int64_t docid,
                struct carid_str title, struct carid_str body,
                const struct tokens *rec, char *err, size_t errlen);
/* One noted posting: listed word number word (term[0..len)), of article
 * e->docid added (sign 1) or removed (sign -1). */
typedef int toplist_noted_fn(void *ctx, size_t word, const char *term,
                             size_t len, int sign,
                             const struct toplist_entry *e);
/* Calls fn for every posting noted since the last toplist_commit(), in the
 * order the articles were noted: 0, or fn's non-zero return. */
int toplist_noted(struct db_conn *c, toplist_noted_fn *fn, void *ctx);
/* Writes the noted counts into terms: just before COMMIT. */
int toplist_commit(struct db_conn *c, char *err, size_t errlen);
/* After a rollback: what is in memory may be ahead of the file. */
void toplist_forget(struct db_conn *c);
void toplist_free(struct toplist *t);
/* Rebuilds terms (and the blocks, posts.h) from the index, inside the
 * caller's transaction. */
int toplist_build(struct db_conn *c, char *err, size_t errlen);
/* Lists the words readers asked for with toplist_want(), if they are
 * still unlisted and frequent enough; one word per call (a walk of its
 * doclist, posts_fts5_df()).  Failures are logged and leave the word
 * unlisted: the batch goes on.  Call before toplist_begin(). */
void toplist_build_wanted(struct db_conn *c);
/* The writer's own finding (toplist_hot.h), outside a transaction:
 * checks candidates, the most frequent first, for about budget_usec (one
 * at least), then, if the writer is idle, moves the words found into the
 * want queue while it has room.  1 if it did either (toplist_wanted() may
 * then be more), 0 if nothing waits. */
int toplist_check_hot(struct db_conn *c, int64_t budget_usec);
/* Words waiting for toplist_build_wanted(); any thread. */
int toplist_wanted(struct db *d);
/* An index OPTIMIZE never ran on, once it holds min_df articles: pins the
 * average length as OPTIMIZE would, so that searches and the writer list
 * the words they find frequent (toplist_want()) and merges give them
 * blocks (posts_merge.h).  1 if pinned now, 0 if not due (pinned
 * already, too few articles, lists off), -1 with err set. */
int toplist_build_pin(struct db_conn *c, char *err, size_t errlen);

/* ---- the readers' side, inside a read transaction */

/* Asks the writer to list term[0..len), which a search found in at least
 * top->min_df articles and unlisted.  Any thread. */
void toplist_want(struct db *d, const char *term, size_t len);

/* The pinned average length, or 0 when none is pinned yet. */
int toplist_avgdl(struct db_conn *c, double *avgdl, char *err, size_t errlen);
/* 1 and *info if word term[0..len) (as indexed: stemmed) is listed, 0 if
 * not, -1 on error. */
int toplist_info(struct db_conn *c, const char *term, size_t len,
                 struct toplist_info *info, char *err, size_t errlen);
/* Articles and tokens in the index, from FTS5's own totals (O(1));
 * ntok may be NULL.  0 or -1 with err set. */
int toplist_averages(struct db_conn *c, int64_t *ndocs, int64_t *ntok,
                     char *err, size_t errlen);
/* Calls fn for STATS' toplist_words: 0, 1 when fn said stop, -1 with err
 * set. */
int toplist_stats(struct db_conn *c, carid_stat_fn *fn, void *ctx, char *err,
                  size_t errlen);

#endif
