/*
 * query_engine.h - SEARCH's engine path: a relevance-ordered AND (the
 * default) or OR of 1 .. POSTS_MAX_TERMS plain words, every one with
 * blocks (posts.h), on an index whose blocks are fresh, is answered by the
 * ranked-retrieval engine (plugins/engine) instead of by FTS5's scan of
 * every match: on the main blocks OPTIMIZE wrote, skipping the articles
 * gone since, and on the fresh postings of the commits since
 * (posts_fresh.h), merged.  Same hits, same order, same scores, exact
 * total: the score is rank.c's (the engine's engine_score.c), with the
 * average length OPTIMIZE pinned, FTS5's own article count, and each
 * word's df over the whole index (terms keeps it exact at every commit).
 * One word alone over the whole index has its df as total, so the engine
 * counts nothing (engine_one.h); with SOURCE (a filter of the sources'
 * docid sets) or FROM/TO it counts, and COUNTS source is handed every
 * match.
 * Anything else (a phrase, a prefix, NEAR, a field, NOT, a word without
 * blocks, more fresh postings than POSTS_FRESH_MAX or gone articles than
 * POSTS_GONE_MAX, an index another carid wrote) is left to FTS5: the
 * caller's fallback.
 */
#ifndef QUERY_ENGINE_H
#define QUERY_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "carid_plugin.h"
#include "db.h"
#include "engine.h"

/* Evaluation switch: "off" leaves every SEARCH to FTS5 (tests compare). */
#define QUERY_ENGINE_ENV   "CARID_FTS5_ENGINE"
#define QUERY_ENGINE_MAX_K 10000 /* offset + count the engine takes */
/* Tests: the fresh postings a query may read, instead of POSTS_FRESH_MAX. */
#define QUERY_ENGINE_FRESH_ENV "CARID_FTS5_FRESH_MAX"

/* What is asked: the expression as qparse() wrote it, ranked with avgdl
 * (by coordination first if coord: a best-match OR, qparse.h:
 * rank_coord()'s order), within docids [from, to], the top k (k <=
 * QUERY_ENGINE_MAX_K). */
struct query_engine_ask {
    const char *match;
    int coord;
    int64_t from, to;
    double avgdl;
    /* NULL, or a router's statistics: its article count and each word's
     * df instead of the index's (avgdl is then the router's too) */
    const struct carid_global *global;
    int k;
    int ranged; /* 1: [from, to] is a FROM/TO, not the whole index */
    /* NULL, or SOURCE's restriction (source_filter.h: an article it turns
     * down is no match, neither a hit nor in the total); */
    int (*filter)(void *ctx, int64_t docid);
    void *filter_ctx;
    /* NULL, or every match is handed to it, in batches (COUNTS source). */
    void (*matched)(void *ctx, const int64_t *docids, size_t n);
    void *matched_ctx;
};

/* One query's answer: hits[0..nhits) best first, and the total. */
struct query_engine_page {
    struct engine_hit *hits; /* owned: free() */
    int nhits;
    int64_t total;
};

/*
 * Inside the reader's read transaction: 1 with *page filled, 0 if the
 * query is not the engine's (nothing is set), -1 with err set.
 */
int query_engine(struct db_conn *c, const struct query_engine_ask *a,
                 struct query_engine_page *page, char *err, size_t errlen);

#endif
