/*
 * collapse.h - SEARCH ... COLLAPSE: one hit per cluster of copies
 * (dups.h), the best-ranked article of each, with the cluster's size in
 * carid_hit.copies.  Two passes of query_search(): the first reads the
 * ranked ids only (no fields, no snippet) and picks the page's articles,
 * the second emits them with what the query asked for.  The total stays
 * the number of matching articles.
 */
#ifndef COLLAPSE_H
#define COLLAPSE_H

#include <stddef.h>
#include <stdint.h>

#include "carid_plugin.h"
#include "db.h"

/* Hits the first pass reads at most: (offset + count) * 10 + 100, within
 * what the top lists answer in one page (query.c's QUERY_PAGE_MAX); a
 * page whose clusters are not all in them comes back short. */
#define COLLAPSE_SCAN_MAX 1000

/* query_search() of q, collapsed (q->collapse is set); as query_search(). */
int collapse_search(struct db_conn *c, const struct carid_query *q,
                    carid_hit_fn *fn, void *ctx, int64_t *total, char *err,
                    size_t errlen);

#endif
