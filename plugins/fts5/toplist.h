/*
 * toplist.h - a frequent word's best articles, kept in order, so that a
 * one-word search neither scores nor counts every article containing it.
 *
 * FTS5's ORDER BY rank computes BM25 for every match, and count(*) walks
 * every match: for a word in most articles that is ~0.7 s and ~20 ms at a
 * million articles.  OPTIMIZE (toplist_build()) pins the average article
 * length BM25 uses (meta 'avgdl'), and for each word in at least
 * top->min_df articles writes its article count into terms and its
 * top->size best articles by impact (rank_impact()) into tops.  Each
 * commit after that keeps counts and lists exact: the listed words of each
 * article put or deleted (from the tokens recorded for FTS5, tokens.h)
 * update their count and, when the article ranks above the list's last
 * entry, the list.  A list stays "the best n articles of the word" through
 * deletes (it only shrinks), so a page within its first n entries is the
 * page a full scan would return.  A word that becomes frequent after
 * OPTIMIZE gets its list when a search finds it so (toplist_want()), at the
 * writer's next batch.
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

/* What the connections of one index share about its lists (db->top). */
struct toplist_shared {
    int64_t min_df; /* words in this many articles are listed; 0: none */
    int64_t size;   /* entries a list keeps */
    int64_t pages;  /* pages read from lists (atomic) */
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
    int64_t n;     /* entries in its list: its best n articles */
    int64_t ndocs; /* articles in the index */
    double avgdl;  /* the pinned average article length */
};

/* One entry of a page, best first. */
struct toplist_hit {
    int64_t docid;
    double score; /* the wire score: title match + BM25 squeezed to [0,1) */
};

/* One list entry, as table tops holds it. */
struct toplist_entry {
    double impact; /* rank_impact() with the pinned average length */
    int64_t docid;
    int tf_title, tf_body, dl;
};

/* The shared part, with min_df and size from the environment or their
 * defaults; NULL when out of memory.  Free with toplist_shared_free(). */
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
 * e->docid added (sign 1) or removed (sign -1); e->impact is not set. */
typedef int toplist_noted_fn(void *ctx, size_t word, const char *term,
                             size_t len, int sign,
                             const struct toplist_entry *e);
/* Calls fn for every posting noted since the last toplist_commit(), in the
 * order the articles were noted: 0, or fn's non-zero return. */
int toplist_noted(struct db_conn *c, toplist_noted_fn *fn, void *ctx);
/* Writes what was noted into terms and tops: just before COMMIT. */
int toplist_commit(struct db_conn *c, char *err, size_t errlen);
/* After a rollback: what is in memory may be ahead of the file. */
void toplist_forget(struct db_conn *c);
void toplist_free(struct toplist *t);
/* Adds (add 1) or removes entry e of word term[0..len) in tops; *changed
 * says whether a row was written.  toplist.c and toplist_build.c. */
int toplist_row(struct db_conn *c, int add, const char *term, size_t len,
                const struct toplist_entry *e, int *changed, char *err,
                size_t errlen);
/* Rebuilds every list from the index, inside the caller's transaction. */
int toplist_build(struct db_conn *c, char *err, size_t errlen);
/* Lists the words readers asked for with toplist_want(), if they still
 * have no list and are frequent enough; one word per call, so a batch waits
 * for one scan at most.  Failures are logged and leave the word unlisted:
 * the batch goes on.  Call before toplist_begin(). */
void toplist_build_wanted(struct db_conn *c);
/* The writer's own finding (toplist_hot.h), outside a transaction:
 * checks candidates, the most frequent first, for about budget_usec (one
 * at least), then, if the writer is idle, moves the words found into the
 * want queue while it has room.  1 if it did either (toplist_wanted() may
 * then be more), 0 if nothing waits. */
int toplist_check_hot(struct db_conn *c, int64_t budget_usec);
/* Words waiting for toplist_build_wanted(); any thread. */
int toplist_wanted(struct db *d);
/* An index OPTIMIZE never built lists for, once it holds min_df articles:
 * pins the average length as OPTIMIZE would, so that searches ask for the
 * lists of the words they find frequent (toplist_want()) and merges give
 * them blocks (posts_merge.h).  1 if pinned now, 0 if not due (pinned
 * already, too few articles, lists off), -1 with err set. */
int toplist_build_pin(struct db_conn *c, char *err, size_t errlen);

/* ---- the readers' side, inside a read transaction */

/* Asks the writer for a list of term[0..len), which a search found in at
 * least top->min_df articles and without a list.  Any thread. */
void toplist_want(struct db *d, const char *term, size_t len);

/* The pinned average length, or 0 when OPTIMIZE never built lists. */
int toplist_avgdl(struct db_conn *c, double *avgdl, char *err, size_t errlen);
/* 1 and *info if word term[0..len) (as indexed: stemmed) has a list,
 * 0 if not, -1 on error. */
int toplist_info(struct db_conn *c, const char *term, size_t len,
                 struct toplist_info *info, char *err, size_t errlen);
/* Entries [offset, offset + count) of the word's list, which the caller
 * checked it has (offset + count <= info->n); returns how many, or -1. */
int toplist_page(struct db_conn *c, const char *term, size_t len,
                 const struct toplist_info *info, int64_t offset, int count,
                 struct toplist_hit *out, char *err, size_t errlen);
/* Articles and tokens in the index, from FTS5's own totals (O(1));
 * ntok may be NULL.  0 or -1 with err set. */
int toplist_averages(struct db_conn *c, int64_t *ndocs, int64_t *ntok,
                     char *err, size_t errlen);
/* Calls fn for STATS' toplist_words and toplist_pages: 0, 1 when fn said
 * stop, -1 with err set. */
int toplist_stats(struct db_conn *c, carid_stat_fn *fn, void *ctx, char *err,
                  size_t errlen);

#endif
