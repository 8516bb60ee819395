/*
 * route_lists.h - the router's merges of lists its shards give back
 * (daemon/ROUTE.md): counts summed per name (COUNTS source, SUGGEST ...
 * WITHCOUNTS), aliases united (ALIAS LIST), and ANALYZE's tokens with
 * every shard's aliases.  lists[i] is shard i's part of its reply (NULL:
 * not asked), shards in date order; errors name the shard (1-based).
 */
#ifndef ROUTE_LISTS_H
#define ROUTE_LISTS_H

#include <stddef.h>
#include <stdint.h>

#include <hiredis/hiredis.h>

#include "carid_plugin.h"

/* Flat [name, count, ...] arrays summed per name (names compared as
 * bytes): the first max (-1: all) to fn, most first, ties by name.  0, or
 * -1 with err set (a list of another shape: its shard's what). */
int route_lists_sum(int n, const redisReply *const *lists, int64_t max,
                    const char *what, carid_term_fn *fn, void *ctx, char *err,
                    size_t errlen);

/* ALIAS LIST replies ([short, long, kind] arrays) united: each entry once
 * (forms compared without case; the first kind of editor, builtin,
 * learned), by short form then long form, to fn.  0, or -1. */
int route_lists_aliases(int n, const redisReply *const *lists,
                        carid_alias_fn *fn, void *ctx, char *err,
                        size_t errlen);

/* ANALYZE replies ([token, stem, start, end] arrays): the first shard's
 * tokens, then the aliases of every shard (stem "alias:...", each once)
 * by where they start, the longest span first, to fn.  0, or -1. */
int route_lists_analyze(int n, const redisReply *const *lists,
                        carid_token_fn *fn, void *ctx, char *err,
                        size_t errlen);

#endif
