/*
 * dups.h - one story once: each article's fingerprint (fingerprint.h) and
 * cluster in carid.db, kept by the writer at every put and removal, and
 * the readers' lookups for SEARCH ... COLLAPSE (collapse.h), GET ...
 * COPIES and STATS.  Tables dup_docs and dup_keys (schema.c).
 *
 * At put, the article's band keys find the articles that share one (at
 * most DUPS_CANDIDATES_MAX a key, the newest); the nearest within
 * FINGERPRINT_MAX_DISTANCE gives its cluster, else it starts one.  A
 * cluster is a number (one more than the highest in use), never an
 * article's rowid, which a later article may be given again.  Articles stored
 * before the tables have no fingerprint and are each their own cluster until
 * fed again (or carid --rebuild).
 */
#ifndef DUPS_H
#define DUPS_H

#include <stddef.h>
#include <stdint.h>

#include "carid_plugin.h"
#include "db.h"

#define DUPS_CANDIDATES_MAX 64 /* articles one band key brings to the check */

/* The writer's: the article rowid with body (as stored: cleaned) was
 * added; 0 or -1 with err set. */
int dups_put(struct db_conn *c, int64_t rowid, struct carid_str body, char *err,
             size_t errlen);
/* The writer's: rowid is gone (removed, or replaced: dups_put() follows). */
int dups_del(struct db_conn *c, int64_t rowid, char *err, size_t errlen);

/* The cluster of the article id and the articles in it: *cluster 0 when
 * it has no fingerprint (*size is then 1), -1 when there is no such
 * article.  0, or -1 with err set. */
int dups_cluster(struct db_conn *c, struct carid_str id, int64_t *cluster,
                 int64_t *size, char *err, size_t errlen);
/* Calls fn for each other article of id's cluster (its id, and the bits
 * its SimHash differs by), oldest first; *found 0 when there is no such
 * article. */
int dups_copies(struct db_conn *c, struct carid_str id, carid_term_fn *fn,
                void *ctx, int *found, char *err, size_t errlen);
/* STATS: "clusters" (of the articles with a fingerprint) and
 * "fingerprinted" (those articles); 1 when fn stopped, -1 on error. */
int dups_stats(struct db_conn *c, carid_stat_fn *fn, void *ctx, char *err,
               size_t errlen);

#endif
