/*
 * query_prefix.h - SEARCH's engine path for a query of one prefix (word*,
 * with or without FROM/TO, relevance order): its expansion (prefix.h, at
 * most PREFIX_MAX_EXPANSION words) merged into one in-memory term, the
 * prefix as FTS5 scores it (one phrase: per article the occurrences of all
 * its words summed per column, df the articles holding any of them, the
 * OP_SYNONYM of Xapian), and its top k and exact total taken by the engine
 * (plugins/engine) instead of FTS5 scoring every match.
 *
 * Each word's postings come from where they are cheapest: a word with
 * blocks (posts.h) from its main blocks without the gone articles plus its
 * fresh postings (posts_fresh.h); any other from FTS5's own index (an
 * fts5vocab 'instance' read of the word, the article lengths from
 * fts_docsize).  Same hits, order, scores and total as the FTS5 path.
 * Left to FTS5 (the caller's fallback): more than QUERY_PREFIX_MAX_POSTINGS
 * postings over the words, or more than QUERY_PREFIX_MAX_FTS5 of them read
 * from FTS5, an index whose blocks are not usable (posts_fresh_usable()),
 * the tier over its limits, and CARID_FTS5_ENGINE=off.
 */
#ifndef QUERY_PREFIX_H
#define QUERY_PREFIX_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "query_engine.h"

#define QUERY_PREFIX_MAX_POSTINGS 4000000 /* ~100 MB of postings at most */
#define QUERY_PREFIX_MAX_FTS5     200000  /* postings of words without blocks */

/*
 * Inside the reader's read transaction: the top k (k <= QUERY_ENGINE_MAX_K)
 * of FTS5 expression match when it is one prefix, "w"*, within docids
 * [from, to], ranked with avgdl.  1 with *page filled, 0 if it is not
 * such a query or is left to FTS5 (nothing set), -1 with err set.
 */
int query_prefix(struct db_conn *c, const char *match, int64_t from, int64_t to,
                 double avgdl, int k, struct query_engine_page *page, char *err,
                 size_t errlen);

#endif
