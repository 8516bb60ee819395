/*
 * engine_run.h - what one query's evaluation holds, shared by the AND, the
 * two ORs and the count (engine_and.c, engine_or.c, engine_union.c,
 * engine_meet.c): a cursor per query term, each term's idf, the top-k
 * heap, the contributions of the article being scored, and the total.
 * Internal to the engine.
 */
#ifndef ENGINE_RUN_H
#define ENGINE_RUN_H

#include "engine.h"
#include "engine_score.h"
#include "engine_topk.h"
#include "post_cursor.h"

struct engine_run {
    const struct engine_query *q;
    int n;                   /* terms */
    struct post_cursor *cur; /* n, in query order */
    double *idf;             /* n */
    double *s;               /* n: the current article's idf * part */
    int *title;              /* n: its tf_title > 0, + coord_w */
    int *have;               /* n: term i is in it */
    const struct post_block_meta **memo; /* n: the block of memo_s */
    double *memo_s;                      /* n: engine_run_bound_s() of it */
    double *memo_all;                    /* n: its s over all postings */
    int *memo_tp; /* n: engine_run_bound_at()'s place in its titled docids */
    struct engine_topk topk;
    struct engine_stats stats;
    int coord_w;   /* q->coord n: n + 1, added to title[] per term held */
    int coord_off; /* ... and n * coord_w taken off the sum: 0 for all n */
    int counting;  /* the query wants its total */
    int64_t total; /* the matches counted */
};

/*
 * The bound of an article whose terms' title parts (each its title flag
 * plus coord_w, as title[] holds them) sum to t and s parts to s.
 */
static inline double
engine_run_bound(const struct engine_run *r, int t, double s)
{
    return engine_score_bound(t - r->coord_off, s);
}

/* Term i's title part over all its blocks (any_title, plus coord_w). */
static inline int
engine_run_term_t(const struct engine_run *r, int i)
{
    return r->q->terms[i].term->any_title + r->coord_w;
}

/* ENGINE_OK, ENGINE_EINVAL or ENGINE_ENOMEM (then nothing to close). */
int engine_run_open(struct engine_run *r, const struct engine_query *q,
                    struct engine_hit *hits);
/* Computes term i's block bounds over m (both s parts) and remembers m:
 * asked per article in the OR, they are computed once per block. */
void engine_run_memo(struct engine_run *r, int i,
                     const struct post_block_meta *m);
/* engine_run_bound_s()'s value, computed and not remembered: for a walk
 * that asks once per block (engine_one.c). */
double engine_run_block_s(const struct engine_run *r, int i,
                          const struct post_block_meta *m);
/*
 * The s part of term i's bound over the block m, to go with m->any_title
 * in the title count: over m's titled postings when it has some (see
 * engine_score_bound() for why that is enough), else over all of them.
 */
double engine_run_bound_s(struct engine_run *r, int i,
                          const struct post_block_meta *m);
/*
 * The bound of term i at the article doc in block m, from the header's
 * titled docids: *title is whether doc is one of them, and the s part is
 * over m's titled postings if so, else over all of them.  An exact title
 * flag per article, where engine_run_bound_s() must assume any_title.
 * Asked per article: for one i, doc should not go down within a block
 * (it moves forward through the titled docids; going back restarts).
 */
static inline double
engine_run_bound_at(struct engine_run *r, int i,
                    const struct post_block_meta *m, int64_t doc, int *title)
{
    int at;

    if (r->memo[i] != m) engine_run_memo(r, i, m);
    at = r->memo_tp[i];
    if (at > 0 && m->titled[at - 1] >= doc) at = 0;
    while (at < m->ntitled && m->titled[at] < doc)
        at++;
    r->memo_tp[i] = at;
    *title = at < m->ntitled && m->titled[at] == doc;
    return *title ? r->memo_s[i] : r->memo_all[i];
}
/* The s part of term i's bound over all of m's postings (an article
 * known not to be in its titled ones). */
double engine_run_bound_all(struct engine_run *r, int i,
                            const struct post_block_meta *m);
/* The same over all of term i's blocks, with term->any_title. */
double engine_run_term_s(const struct engine_run *r, int i);
/* Records term i's contribution at the posting its cursor is on.
 * 0, or -1 if the block is corrupt. */
int engine_run_take(struct engine_run *r, int i);
/* Pushes the current article (docid) with the contributions taken, summed
 * in query order, and forgets them. */
void engine_run_push(struct engine_run *r, int64_t docid);
/* Forgets the contributions taken (an article that cannot enter). */
void engine_run_forget(struct engine_run *r);
/* Sorts the hits into res, with the total and the stats, and frees.
 * Returns status, or ENGINE_ECORRUPT if a cursor failed. */
int engine_run_close(struct engine_run *r, struct engine_result *res,
                     int status);
/* Sorts term indexes by key ascending (stable; n is small). */
void engine_run_sort(int *idx, const double *key, int n);

#endif
