/*
 * engine_query.h - ranked retrieval over term cursors: the top k articles
 * of an AND or an OR of terms, by engine_score.h's formula, and the exact
 * number of articles that match.
 *
 * Rank-safe: the hits are exactly what scoring every match and sorting
 * would return (score descending, then docid descending), with bit-equal
 * scores; the pruning (DESIGN.md) only skips what cannot enter the top k.
 * The docid range [from, to] restricts every term's cursor.  Nothing here
 * knows where blocks are stored: each term brings its post_source.
 */
#ifndef ENGINE_QUERY_H
#define ENGINE_QUERY_H

#include <stdint.h>

#include "engine_topk.h"
#include "post_term.h"

#define ENGINE_MAX_TERMS 64

#define ENGINE_OK       0
#define ENGINE_EINVAL   (-1) /* no terms, too many, k < 0, ndocs or avgdl <= 0 */
#define ENGINE_ENOMEM   (-2)
#define ENGINE_ECORRUPT (-3) /* a block failed to read or decode */

struct engine_term {
    const struct post_term *term;
    struct post_source src;
};

struct engine_query {
    const struct engine_term *terms; /* in query order: scores sum in it */
    int nterms;
    int64_t from, to;   /* docid range, inclusive */
    int64_t ndocs;      /* articles in the index, for the idf */
    double avgdl;       /* their average length in tokens */
    int k;              /* hits wanted (the caller's array holds k) */
    int no_total;       /* 1: skip the count, total is -1 */
};

/* Blocks are counted per term and summed over the query's terms. */
struct engine_stats {
    uint64_t blocks; /* in the docid range */
    uint64_t docids; /* whose docids were decoded */
    uint64_t tfs;    /* whose tfs were decoded */
    uint64_t scored; /* articles whose full score was computed */
};

struct engine_result {
    int nhits;     /* hits[0..nhits), best first */
    int64_t total; /* articles that match, or -1 with no_total */
    struct engine_stats stats;
};

/* Articles holding every term.  ENGINE_OK or an ENGINE_E* code. */
int engine_query_and(const struct engine_query *q, struct engine_hit *hits,
                     struct engine_result *res);
/* Articles holding at least one term (best match: more terms, higher
 * scores).  ENGINE_OK or an ENGINE_E* code. */
int engine_query_or(const struct engine_query *q, struct engine_hit *hits,
                    struct engine_result *res);

#endif
