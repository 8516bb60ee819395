/*
 * engine.h - the engine's public types: a query (its terms, each with the
 * source of its blocks, the docid range, the statistics, k), its result
 * and the status codes.  engine_query.h evaluates one; the internal
 * modules (engine_run.h and what it serves) share these without a cycle.
 */
#ifndef ENGINE_H
#define ENGINE_H

#include <stdint.h>

#include "engine_topk.h"
#include "post_term.h"

/* Status codes.  ENGINE_EINVAL: no terms, too many, k < 0, ndocs or
 * avgdl <= 0; ENGINE_ECORRUPT: a block failed to read or decode. */
#define ENGINE_MAX_TERMS 64
#define ENGINE_OK        0
#define ENGINE_EINVAL    (-1)
#define ENGINE_ENOMEM    (-2)
#define ENGINE_ECORRUPT  (-3)

struct engine_term {
    const struct post_term *term;
    struct post_source src;
};

struct engine_query {
    const struct engine_term *terms; /* in query order: scores sum in it */
    int nterms;
    int64_t from, to; /* docid range, inclusive */
    int64_t ndocs;    /* articles in the index, for the idf */
    double avgdl;     /* their average length in tokens */
    int k;            /* hits wanted (the caller's array holds k) */
    int no_total;     /* 1: skip the count, total is -1 */
    /* n > 0: best match over a query of n terms (n >= nterms: a segment
     * may hold postings of only some of them), for the OR (the AND ignores
     * it): an article holding m of the n scores engine_score_final(titles -
     * (n - m) * (n + 1), s), so that one holding more terms always ranks
     * first, and one holding them all scores as without coord
     * (plugins/fts5 rank_coord()).  0: no coordination. */
    int coord;
    /*
     * NULL, or a restriction of the matches (SOURCE: plugins/fts5's docid
     * sets): an article for which filter(filter_ctx, docid) is 0 is no
     * match at all, neither a hit nor counted in the total.  When the
     * total is wanted it is called exactly once for each article that
     * holds the terms in the range, in ascending docid order (so a filter
     * may also collect the matches); without, only for the candidates.
     */
    int (*filter)(void *ctx, int64_t docid);
    void *filter_ctx;
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

#endif
