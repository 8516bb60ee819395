/*
 * alias.h - aliases in carid.db (PROTOCOL.md, ALIAS): the editors' table
 * aliases(short, long), made if missing at every start (alias_schema(),
 * from schema_init()) so that older schema-3 files get it; ALIAS ADD, DEL
 * and LIST; and each reader's set (alias_set.h) of the built-in list
 * (alias_builtin.h) and the table, which qparse() expands queries with.
 * A reader remakes its set when the writer has committed a change since
 * (struct db's alias_gen): effective for the next search, nothing to
 * index again.  On db.h; its statements are its own (DB_OWN_ALIAS).
 */
#ifndef ALIAS_H
#define ALIAS_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "carid_plugin.h"
#include "db.h"

struct alias_set;

/* Creates the aliases table if missing, on db inside schema_init()'s
 * transaction; an SQLite result code. */
int alias_schema(sqlite3 *db);

/* The writer's ALIAS ADD and DEL, inside the batch (carid_plugin.h). */
int alias_add(struct db_conn *c, struct carid_str short_form,
              struct carid_str long_form, int64_t *changed, char *err,
              size_t errlen);
int alias_del(struct db_conn *c, struct carid_str short_form,
              struct carid_str long_form, int64_t *changed, char *err,
              size_t errlen);
/* Articles a definition must be found in (alias_learn.h) before it is an
 * alias. */
#define ALIAS_LEARN_MIN 2

/* The writer, inside the batch: counts the definitions text (an article's
 * body) holds, delta +1 for a put, -1 for the version a put or a DEL
 * removes; a pair reaching ALIAS_LEARN_MIN articles, or falling below,
 * changes the sets at commit.  0, or -1 with err. */
int alias_learn_text(struct db_conn *c, struct carid_str text, int delta,
                     char *err, size_t errlen);
/* STATS: aliases_learned, the pairs found in ALIAS_LEARN_MIN articles or
 * more (editors' removals aside); 0, 1 when fn stopped, -1 with err. */
int alias_stats(struct db_conn *c, carid_stat_fn *fn, void *ctx, char *err,
                size_t errlen);
/* The writer, once its batch has committed: readers remake their sets if
 * the batch changed an alias. */
void alias_committed(struct db_conn *c);

/* The writer, after its batch rolled back: its set is remade. */
void alias_rolled_back(struct db_conn *c);

/* A reader's ALIAS LIST (carid_plugin.h). */
int alias_list(struct db_conn *c, struct carid_str short_form,
               carid_alias_fn *fn, void *ctx, char *err, size_t errlen);
/* c's current set, remade if the aliases changed; NULL with err set. */
const struct alias_set *alias_current(struct db_conn *c, char *err,
                                      size_t errlen);
/* ANALYZE: the tokens of text, then one element per expansion a query
 * would make: the other form as token, "alias:" and the form matched as
 * stem, the span matched (PROTOCOL.md, ANALYZE). */
int alias_analyze(struct db_conn *c, struct carid_str text, carid_token_fn *fn,
                  void *ctx, char *err, size_t errlen);
/* carid --rebuild: copies the editors' aliases the old file old still
 * gives up into the new index's writer w, in one commit; rows it cannot
 * read are lost as unreadable articles are.  0, or -1 with err set. */
int alias_copy(sqlite3 *old, struct db_conn *w, char *err, size_t errlen);
/* Frees what c holds of alias.c's (store_conn_close()). */
void alias_conn_free(struct db_conn *c);

#endif
