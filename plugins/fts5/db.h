/*
 * db.h - the FTS5 plugin's SQLite plumbing, below every other module: an
 * open carid.db (struct db) and its connections (struct db_conn), each
 * module's prepared statements kept per connection in slots the module
 * numbers itself, error texts (corruption included), transactions,
 * SQLite's varints and the read-only quick check.  It knows no table of
 * carid's schema; the modules above own their SQL (store.c the articles,
 * toplist*.c the top lists, query.c the searches, suggest.c SUGGEST).
 */
#ifndef DB_H
#define DB_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "carid_plugin.h"
#include "options.h"

#define DB_FILE "carid.db" /* in the index directory */

struct alias_cache;
struct store_writer;
struct tokenizer;
struct toplist;
struct toplist_shared;

/* An open index: just where it lives; connections do the work. */
struct db {
    const struct carid_host *host; /* borrowed; outlives the index */
    char *path;                    /* .../carid.db, owned */
    int stem;                      /* fts stems (not "indonesian nostem") */
    struct options opt;            /* --plugin-options */
    struct toplist_shared *top;    /* toplist.h: owned by store.c */
    /* The SQLite code (SQLITE_CORRUPT*, SQLITE_NOTADB) of the first
     * corruption any connection or the start check saw; 0: none seen.
     * Atomic.  Once set, writes and BACKUP are refused (db_refused()). */
    int corrupt;
    int marked; /* store_open() made STORE_RUNNING; store_close() drops it */
    int64_t engine_searches;        /* SEARCHes the engine answered (atomic) */
    int64_t engine_merges;          /* posts_merge.h: switches (atomic) */
    int64_t engine_merge_left;      /* posts_merge.h: words left (atomic) */
    int64_t hot_checked, hot_found; /* toplist_hot.h (atomic) */
    int64_t alias_gen; /* alias.h: bumped by a commit that changed aliases */
    int64_t spell_noted, spell_dropped;            /* spell_learn.h (atomic) */
    int64_t spell_bytes, spell_stems, spell_forms; /* spell.h (atomic) */
};

/* The modules that keep prepared statements on a connection; each numbers
 * its own slots (db_slot()). */
enum db_owner {
    DB_OWN_DB,
    DB_OWN_STORE,
    DB_OWN_TOPLIST,
    DB_OWN_TOPLIST_BUILD,
    DB_OWN_QUERY,
    DB_OWN_SUGGEST,
    DB_OWN_POSTS,
    DB_OWN_POSTS_BUILD,
    DB_OWN_ALIAS,
    DB_OWN_POSTS_FRESH,
    DB_OWN_POSTS_FRESH_READ,
    DB_OWN_SOURCES,
    DB_OWN_PREFIX,
    DB_OWN_POSTS_FTS5,
    DB_OWN_SPELL,
    DB_OWN_SPELL_LEARN,
    DB_OWN_POSTS_MERGE,
    DB_OWN_DUPS,
    DB_OWN_HOSTKEY,
    DB_OWNERS
};

struct posts_fresh_cache;
struct posts_cache;
struct spell_vocab;
struct spell_learn;

/* A reader or the writer: one connection, used by one thread at a time. */
struct db_conn {
    struct db *index;                /* borrowed */
    sqlite3 *db;                     /* owned */
    int writer;                      /* the read-write handle */
    struct tokenizer *tok;           /* owned; made on first use */
    struct store_writer *w;          /* writer: store.c's batch state, owned */
    struct toplist *top;             /* writer: toplist.h's, owned */
    struct posts_fresh_cache *fresh; /* reader: posts_fresh.h's, owned */
    struct posts_cache *posts;       /* reader: posts_cache.h's, owned */
    struct alias_cache *alias;       /* alias.h's set, owned */
    struct sources *sources;         /* sources.h's notes or sets, owned */
    struct spell_vocab *spell;       /* reader: spell.h's, owned */
    struct spell_learn *learn;       /* writer: spell_learn.h's, owned */
    struct posts_merge *merge;       /* writer: posts_merge.h's, owned */
    int merging;         /* writer: a merge took its snapshot (posts_fresh.h) */
    int64_t merge_after; /* writer: no merge starts before (db_now_usec()) */
    sqlite3_stmt **stmt[DB_OWNERS]; /* owned, per owner, prepared lazily */
    int nstmt[DB_OWNERS];
};

/* The statements of transactions, which every module may run (db_txn()). */
enum db_txn {
    DB_BEGIN,      /* the writer's: takes the write lock */
    DB_BEGIN_READ, /* a reader's: one snapshot */
    DB_COMMIT,
    DB_ROLLBACK,
    DB_SAVEPOINT,
    DB_RELEASE,
    DB_ROLLBACK_TO,
    DB_TXN_COUNT
};

/* Opens path for a connection: extended result codes, the busy timeout;
 * the writer may create the file.  An SQLite result code; *out is set
 * (maybe NULL) either way, for the caller's message and sqlite3_close(). */
int db_open(const char *path, int writer, sqlite3 **out);
/* Runs the connection's pragmas (synchronous, mmap and cache sizes from
 * d->opt, query_only for a reader).  An SQLite result code. */
int db_pragmas(const struct db *d, int writer, sqlite3 *db);
/* Returns the connection's fts5_api, or NULL if FTS5 is not compiled in. */
fts5_api *db_fts5_api(sqlite3 *db);
/* Finalizes every statement of every owner, then frees c's slots (not c,
 * nor what c->w and c->top own). */
void db_conn_finalize(struct db_conn *c);

/*
 * Returns owner's slot which (of count, the owner's own number of slots,
 * the same at every call), made on first use; NULL with err set when out
 * of memory.  The statement in it lives until db_conn_finalize().
 */
sqlite3_stmt **db_slot(struct db_conn *c, enum db_owner owner, int which,
                       int count, char *err, size_t errlen);
/*
 * Returns *slot, preparing sql into it on first use, or NULL with a
 * message in err.  The caller must db_done() it after use so no read
 * snapshot stays open.
 */
sqlite3_stmt *db_prepare(struct db_conn *c, sqlite3_stmt **slot,
                         const char *sql, char *err, size_t errlen);
/* db_slot() then db_prepare() with sql: a module's fixed statement. */
sqlite3_stmt *db_stmt(struct db_conn *c, enum db_owner owner, int which,
                      int count, const char *sql, char *err, size_t errlen);
/* Resets stmt and drops its bindings (they borrow the caller's bytes). */
void db_done(sqlite3_stmt *stmt);
/* Steps stmt (no parameters; NULL: a failed prepare, err is set) to its
 * end; 0, or -1 with "what: <SQLite's message>" in err. */
int db_run(struct db_conn *c, sqlite3_stmt *stmt, const char *what, char *err,
           size_t errlen);
/* db_run() of the transaction statement which. */
int db_txn(struct db_conn *c, enum db_txn which, const char *what, char *err,
           size_t errlen);
/* Ends a SAVEPOINT (DB_SAVEPOINT): rolls back to it first if failed.
 * Returns -1 if failed or the release fails; err keeps the first message. */
int db_savepoint_end(struct db_conn *c, int failed, char *err, size_t errlen);
/* Steps a one-value statement (NULL: err is set); the value, or -1 with
 * err set ("what: ..."; no row counts as corruption). */
int64_t db_scalar(struct db_conn *c, sqlite3_stmt *stmt, const char *what,
                  char *err, size_t errlen);
/* Binds the possibly absent string v to parameter i; absent binds ''. */
int db_bind(sqlite3_stmt *stmt, int i, struct carid_str v);
/* Returns column i of the current row as a borrowed string. */
struct carid_str db_column(sqlite3_stmt *stmt, int i);
/* Returns the handle's tokenizer (stemming unless the index was made
 * with "indonesian nostem"), or NULL with err set. */
struct tokenizer *db_tokenizer(struct db_conn *c, char *err, size_t errlen);

/* Writes "what: <SQLite's message>" into err; returns -1.  The message is
 * the connection's last (SQLITE_ERROR's if that is gone): prefer
 * db_fail_rc() wherever the failing code is at hand. */
int db_fail(struct db_conn *c, const char *what, char *err, size_t errlen);
/* The same for the code rc of the call that failed: the connection's
 * message if it is about rc, else sqlite3_errstr(rc).  Both go through
 * db_error(). */
int db_fail_rc(struct db_conn *c, int rc, const char *what, char *err,
               size_t errlen);
/* Writes "what: msg" (msg NULL: sqlite3_errstr(rc)) into err; if rc says
 * corruption, instead "what: index corrupt (...): restore a BACKUP, or run
 * carid --rebuild", and marks d (may be NULL) corrupt.  Returns -1. */
int db_error(struct db *d, int rc, const char *what, const char *msg, char *err,
             size_t errlen);
/* 0, or -1 with the corruption message if d is known to be corrupt. */
int db_refused(struct db *d, char *err, size_t errlen);

/* CLOCK_MONOTONIC in microseconds. */
int64_t db_now_usec(void);

/* Reads the SQLite varint at p[*i..n) into *v; 0 if it runs past n. */
int db_varint(const unsigned char *p, size_t n, size_t *i, uint64_t *v);
/* The sum of the SQLite varints in p[0..n) (an fts_docsize row). */
int64_t db_varint_sum(const void *p, size_t n);

/* "file:" URI of path, read-only and immutable, with the characters a URI
 * gives a meaning (% ? #) escaped.  0, or -1 if buf is too small. */
int db_uri_ro(const char *path, char *buf, size_t len);
/* Opens path read-only, so that nothing is written to the file: immutable
 * (no lock, no -shm made) when there is no -wal to read, else an ordinary
 * read-only connection, which reads the WAL an unclean stop left.  An
 * SQLite result code; *db to be closed in every case. */
int db_open_ro(const char *path, sqlite3 **db);
/* Returns the integer a one-row PRAGMA (or query) yields, or -1. */
int db_pragma_int(sqlite3 *db, const char *sql);
/*
 * PRAGMA quick_check of the file at path, opened read-only (nothing is
 * written to it).  Stops after limit_usec (0: no limit).  Returns 0 sound,
 * 1 corrupt, 2 stopped at the limit, -1 could not check; a one-line
 * verdict in msg in every case, *secs the time it took.
 */
int db_quick_check(const char *path, int64_t limit_usec, char *msg,
                   size_t msglen, double *secs);

#endif
