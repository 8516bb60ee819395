/*
 * query.h - running searches, facet counts and suggestions on a reader.
 * The query language itself is qparse.c's; this side binds its output into
 * a fixed set of prepared SQL shapes.
 */
#ifndef QUERY_H
#define QUERY_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "carid_plugin.h"

#define QUERY_MAX_SUGGEST 100 /* suggestions per call */

struct store_conn;

/*
 * Registers the auxiliary function carid_title(fts) the hits statements
 * rank with.  Must be done on every connection that searches.  Returns an
 * SQLite result code.  The connection's thread.
 */
int query_register(fts5_api *api);

/*
 * Runs q on the reader c: sets *total and calls fn for each hit in
 * [offset, offset + count), best first; count and hits come from one
 * snapshot.  Returns 0, or -1 with err set (a query error is meant for the
 * client: "query error at 7: unbalanced parenthesis").  The reader's
 * thread.
 */
int query_search(struct store_conn *c, const struct carid_query *q,
                 carid_hit_fn *fn, void *ctx, int64_t *total, char *err,
                 size_t errlen);

/*
 * For the matches of q (filters applied, offset and count ignored) calls
 * fn(source, hits) per non-empty source, most hits first, ties by name.
 * Only field CARID_FIELD_SOURCE is supported.  Returns 0 or -1 with err
 * set.  The reader's thread.
 */
int query_facets(struct store_conn *c, const struct carid_query *q, int field,
                 carid_term_fn *fn, void *ctx, char *err, size_t errlen);

/*
 * Calls fn(word, articles) for up to max (at most QUERY_MAX_SUGGEST)
 * indexed words starting with the last word of prefix, folded as typed or
 * stemmed, most articles first.  Indexed words are stems; only those a
 * search finds again are offered.  Returns 0 (also when prefix has no
 * word) or -1 with err set.  The reader's thread.
 */
int query_suggest(struct store_conn *c, struct carid_str prefix, int64_t max,
                  carid_term_fn *fn, void *ctx, char *err, size_t errlen);

#endif
