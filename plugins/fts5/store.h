/*
 * store.h - the life of an article in carid.db: the index opened (the file
 * checked to be carid's, its schema made, the start check), its
 * connections, the writer's begin/put/del/commit/optimize and the readers'
 * get/stats/backup.  The SQLite plumbing is db.h's; plugin.c maps the ABI
 * onto these.  Below it: toplist.h (the writer keeps the lists in step).
 */
#ifndef STORE_H
#define STORE_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "carid_plugin.h"
#include "db.h"

/* Beside DB_FILE while a daemon has it open: found at open, the last stop
 * was not clean and the index gets a quick check (DESIGN.md,
 * "Corruption"). */
#define STORE_RUNNING "carid.db.running"

/*
 * Opens (creating if needed) the index in dir: sets WAL mode and creates the
 * schema.  *out must be freed with store_close().  Main thread.
 */
int store_open(const struct carid_host *host, const char *dir, struct db **out,
               char *err, size_t errlen);
void store_close(struct db *d);
/* Opens (creating if needed) the index file at path, as store_open() does
 * but without the start check or STORE_RUNNING: carid --rebuild's new
 * file. */
int store_open_file(const struct carid_host *host, const char *path,
                    struct db **out, char *err, size_t errlen);

/* Opens a reader (query_only) or the writer connection; free with
 * store_conn_close().  Any thread; the handle then belongs to the caller. */
int store_conn_open(struct db *d, int writer, struct db_conn **out, char *err,
                    size_t errlen);
void store_conn_close(struct db_conn *c);

/* The statement that reads the fields of the article whose rowid is bound
 * to ?1, for store_doc_read(); as db_stmt(). */
sqlite3_stmt *store_doc_stmt(struct db_conn *c, char *err, size_t errlen);
/*
 * Fills doc from a store_doc_stmt() row (or one with the same columns: id,
 * date, source, url, title, body): the id always, the fields whose bit
 * (1 << CARID_FIELD_x) is in want, the others absent.  The strings are
 * borrowed until the statement moves on.
 */
void store_doc_read(sqlite3_stmt *stmt, unsigned want, struct carid_doc *doc);

/* The writer's calls; each returns 0 or -1 with err set. */
int store_begin(struct db_conn *c, char *err, size_t errlen);
int store_put(struct db_conn *c, const struct carid_doc *doc, char *err,
              size_t errlen);
int store_del(struct db_conn *c, struct carid_str id, int *removed, char *err,
              size_t errlen);
int store_commit(struct db_conn *c, char *err, size_t errlen);
void store_rollback(struct db_conn *c);
int store_optimize(struct db_conn *c, char *err, size_t errlen);
/* The writer's background work between batches (posts_merge.h), about
 * budget_usec of it; *more 1 while some is left. */
int store_maintain(struct db_conn *c, int64_t budget_usec, int *more, char *err,
                   size_t errlen);

/* The readers' calls; each returns 0 or -1 with err set. */
int store_get(struct db_conn *c, struct carid_str id, carid_doc_fn *fn,
              void *ctx, int *found, char *err, size_t errlen);
int store_stats(struct db_conn *c, carid_stat_fn *fn, void *ctx, char *err,
                size_t errlen);
int store_backup(struct db_conn *c, const char *path, char *err, size_t errlen);

#endif
