/*
 * query.h - running searches and facet counts on a reader.  The query
 * language itself is qparse.c's; this side binds its output into a fixed
 * set of prepared SQL shapes, and reads a one-word query's page from its
 * top list (toplist.h) when it can.  SUGGEST is suggest.h's.
 */
#ifndef QUERY_H
#define QUERY_H

#include <stddef.h>
#include <stdint.h>

#include "carid_plugin.h"

struct db_conn;

/*
 * Runs q on the reader c: sets *total and calls fn for each hit in
 * [offset, offset + count), best first; count and hits come from one
 * snapshot.  Returns 0, or -1 with err set (a query error is meant for the
 * client: "query error at 7: unbalanced parenthesis").  The reader's
 * thread.
 */
int query_search(struct db_conn *c, const struct carid_query *q,
                 carid_hit_fn *fn, void *ctx, int64_t *total, char *err,
                 size_t errlen);

/*
 * For the matches of q (filters applied, offset and count ignored) calls
 * fn(source, hits) per non-empty source, most hits first, ties by name.
 * Only field CARID_FIELD_SOURCE is supported.  Returns 0 or -1 with err
 * set.  The reader's thread.
 */
int query_facets(struct db_conn *c, const struct carid_query *q, int field,
                 carid_term_fn *fn, void *ctx, char *err, size_t errlen);

/*
 * What ranking q depends on besides each article (carid_plugin.h,
 * termstats): the index's articles and tokens, each phrase's df as the
 * FTS5 path counts it (carid_dfs(), rank.h), and with want_total q's
 * total.  0, or -1 with err set.  The reader's thread.
 */
int query_termstats(struct db_conn *c, const struct carid_query *q,
                    int want_total, carid_stat_fn *fn, void *ctx, char *err,
                    size_t errlen);

#endif
