/*
 * route_merge.h - the router's reading of its shards' replies: TERMSTATS
 * summed into global statistics, SEARCH pages merged into one, a GET's
 * pairs into an article.  Errors name the shard (1-based, in date order).
 */
#ifndef ROUTE_MERGE_H
#define ROUTE_MERGE_H

#include <stddef.h>
#include <stdint.h>

#include <hiredis/hiredis.h>

#include "carid_plugin.h"

/* Adds shard's TERMSTATS reply r to *g (shard 0 first: it sets how many
 * dfs, and which "parsed", every shard must give, into *parsed) and its
 * "matches" into *m.  0, or -1. */
int route_merge_stats(const redisReply *r, int shard, struct carid_global *g,
                      int64_t *m, int64_t *parsed, char *err, size_t errlen);

/*
 * The shards' SEARCH replies rep[0..n) (NULL: not asked; shards in date
 * order) as one page of q: by relevance, all their hits ordered by score,
 * ties to the later shard (a node's tie goes to the newer article) and
 * then each shard's own order, [offset, offset + count) of that; by date,
 * the shards' pages one after the other (they asked only for their part).
 * Adds their totals to *total unless total is NULL.  Hands q->fixed the
 * first shard's corrections.  0, or -1 with err set.
 */
int route_merge_hits(int n, redisReply *const *rep, const struct carid_query *q,
                     int64_t *total, carid_hit_fn *fn, void *ctx, char *err,
                     size_t errlen);

/* A shard's reply to what that is not what was asked for (its error
 * reply, or another shape): -1 with it in err. */
int route_merge_error(const redisReply *r, int shard, const char *what,
                      char *err, size_t errlen);

/* A GET reply (flat field/value pairs) of article id to fn. */
int route_merge_doc(const redisReply *r, int shard, struct carid_str id,
                    carid_doc_fn *fn, void *ctx, char *err, size_t errlen);

#endif
