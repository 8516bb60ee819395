/*
 * engine_query.h - ranked retrieval over term cursors (types in engine.h): the
 * top k articles of an AND or an OR of terms, by engine_score.h's formula, and
 * the exact number of articles that match.
 *
 * Rank-safe: the hits are exactly what scoring every match and sorting
 * would return (score descending, then docid descending), with bit-equal
 * scores; the pruning (DESIGN.md) only skips what cannot enter the top k.
 * The docid range [from, to] restricts every term's cursor.  Nothing here
 * knows where blocks are stored: each term brings its post_source.
 */
#ifndef ENGINE_QUERY_H
#define ENGINE_QUERY_H

#include "engine.h"

/* Articles holding every term.  ENGINE_OK or an ENGINE_E* code. */
int engine_query_and(const struct engine_query *q, struct engine_hit *hits,
                     struct engine_result *res);
/* Articles holding at least one term (best match: more terms, higher
 * scores).  ENGINE_OK or an ENGINE_E* code. */
int engine_query_or(const struct engine_query *q, struct engine_hit *hits,
                    struct engine_result *res);

#endif
