/*
 * schema.h - what carid.db holds, and how a file is known to be carid's:
 * the tables (docs and fts for store.c; meta, terms and tops for the top
 * lists, toplist.h; posts and post_terms for posts.h), the schema version, the
 * application_id and WAL mode (DESIGN.md, "carid.db is carid's").  Only db.h
 * below it.
 */
#ifndef SCHEMA_H
#define SCHEMA_H

#include <stddef.h>

#include <sqlite3.h>

/*
 * FTS5 writes its in-memory postings out as a new segment when they pass
 * 'hashsize' bytes (default 1 MB).  A batch of 500 articles holds several
 * MB, so the default cut each commit into several segments that merges
 * then had to join; 16 MB makes it one.  The writer's memory, not the
 * readers'.  Set at every start so that older indexes get it too.
 */
#define SCHEMA_FTS_CONFIG                                                      \
    "INSERT INTO fts(fts, rank) VALUES('hashsize', 16777216);"

struct db;
struct db_conn;

/* 0 if path is missing, empty, an empty SQLite database or carid's index
 * of this schema version; else -1 with why in err.  Reads the file
 * read-only and immutable: nothing is written, not even a lock. */
int schema_check_file(const char *path, char *err, size_t errlen);
/* Switches db (d's writer connection) to WAL mode, creates the schema if
 * the file is new and sets carid's application_id; 0, or -1 with err set
 * (a corruption marks d, db_error()). */
int schema_init(struct db *d, sqlite3 *db, char *err, size_t errlen);
/* 1 unless the fts table was made with "indonesian nostem". */
int schema_stems(sqlite3 *db);
/* Records the stemmer's STEM_DATA_VERSION in meta when the index is new
 * (and d not corrupt); logs a warning when the index was stemmed with
 * another version, whose stems of the changed words queries miss. */
void schema_stemmer(struct db *d, sqlite3 *db);

/* posts_merge.h, on the writer c inside its transaction; 0, or -1 with err
 * set.  _next: makes empty posts_next and post_terms_next (the layout of
 * posts and post_terms) and posts_gone_next, dropping any left by an
 * earlier process; _drop_next: drops them; _swap: the new ones replace
 * posts and post_terms, posts_gone_next goes. */
int schema_posts_next(struct db_conn *c, char *err, size_t errlen);
int schema_posts_drop_next(struct db_conn *c, char *err, size_t errlen);
int schema_posts_swap(struct db_conn *c, char *err, size_t errlen);

#endif
