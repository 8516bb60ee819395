/*
 * sources.h - a docid set per source (source_set.h), so that SOURCE,
 * source: and COUNTS source never read an article's row: table
 * source_sets(source, bits), one row per source that has articles, bits
 * its set's BLOB.
 *
 * The writer notes every article it adds or removes (rowid and source:
 * puts, the old version of a replace, deletes) and, in the commit's
 * transaction, applies them to the touched sources' sets (a rolled-back
 * batch changes nothing: the sets are SQLite's rows).  meta 'sources_gen'
 * (the generation of posts.h the sets are for: stamped at every commit)
 * and 'sources_rows' (the articles they hold) say whether they are
 * current.  When they are not (an index written before this code, or by an
 * older carid since), the writer's next commit rebuilds them from the
 * docs_source index; until then readers keep to FTS5's filters.  A carid
 * older than the generations that only replaced articles is not seen: run
 * a write with this one after going back (as posts_fresh.h).
 *
 * Readers keep the sets they read per connection, until the generation
 * changes.
 */
#ifndef SOURCES_H
#define SOURCES_H

#include <stddef.h>
#include <stdint.h>

#include "carid_plugin.h"
#include "db.h"
#include "source_map.h"
#include "source_set.h"

/* ---- the writer's side; 0 or -1 with err set */

/* At a batch's start: checks once per writer connection (and again after
 * a rollback) whether the sets are current (a count of docs). */
int sources_begin(struct db_conn *c, char *err, size_t errlen);
/* Notes that the batch added (add 1) or removed (add 0) the article rowid
 * of source (p NULL: ''). */
int sources_note(struct db_conn *c, int add, int64_t rowid,
                 struct carid_str source, char *err, size_t errlen);
/* In the commit's transaction, after the generation's bump: the notes
 * applied (or every set rebuilt when they were behind) and stamped. */
int sources_commit(struct db_conn *c, char *err, size_t errlen);
/* After a commit (ok 1) or a rollback (ok 0): the notes dropped. */
void sources_done(struct db_conn *c, int ok);

/* ---- the readers' side, inside a read transaction */

/* 1 if the sets are current for an index of ndocs articles (FTS5's count),
 * 0 if not (FTS5's filters then), -1 with err set. */
/* The generation moved from old_gen with no article changed (a merge of
 * the engine's blocks, posts_merge.h): sets current at old_gen stay so. */
int sources_follow(struct db_conn *c, int64_t old_gen, char *err,
                   size_t errlen);
int sources_usable(struct db_conn *c, int64_t ndocs, char *err, size_t errlen);
/* The set of source (empty when it has no article), kept by c until the
 * generation changes: 0, -1 with err set.  After sources_usable() said 1. */
int sources_get(struct db_conn *c, struct carid_str source,
                const struct source_set **out, char *err, size_t errlen);
/* Reads every source's set (once a generation), then calls fn (if not
 * NULL) for each, in the bytes' order: 0, -1 with err set.  After
 * sources_usable() said 1. */
typedef void sources_each_fn(void *ctx, struct carid_str source,
                             const struct source_set *set);
int sources_each(struct db_conn *c, sources_each_fn *fn, void *ctx, char *err,
                 size_t errlen);

/* Every source's number in a map of every article's source (source_map.h)
 * and the names by number (*names[0..*n)), kept by c until the generation
 * changes: 0, -1 with err set, -2 if the map cannot number them (more than
 * SOURCE_MAP_MAX sources).  After sources_usable() said 1. */
int sources_map(struct db_conn *c, const struct source_map **map,
                const struct carid_str **names, int *n, char *err,
                size_t errlen);

/* Frees c's sources state (the writer's notes, a reader's sets). */
void sources_free(struct db_conn *c);

#endif
