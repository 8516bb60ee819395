/*
 * store.h - the FTS5 plugin's SQLite side: one carid.db per index directory,
 * one connection per reader or writer handle, each with its own prepared
 * statements and its own tokenizer.  plugin.c maps the ABI onto these.
 */
#ifndef STORE_H
#define STORE_H

#include <stddef.h>
#include <stdint.h>

#include <pthread.h>
#include <sqlite3.h>

#include "carid_plugin.h"
#include "fts_batch.h"
#include "options.h"

#define STORE_FILE        "carid.db" /* in the index directory */
/* Beside it while a daemon has it open: found at open, the last stop was
 * not clean and the index gets a quick check (DESIGN.md, "Corruption"). */
#define STORE_RUNNING     "carid.db.running"
#define STORE_QUERY_SLOTS 168        /* statements query.c caches per handle */
#define STORE_WANT_MAX    8   /* words waiting for a top list */
#define STORE_WANT_WORD   64  /* bytes; longer words wait for OPTIMIZE */

/* An open index: just where it lives; connections do the work. */
struct store {
    const struct carid_host *host; /* borrowed; outlives the store */
    char *path;                    /* .../carid.db, owned */
    int stem;                      /* fts stems (not "indonesian nostem") */
    int64_t top_min_df;            /* toplist.h: words listed; 0: none */
    int64_t top_size;              /* toplist.h: entries a list keeps */
    int64_t top_pages;             /* pages read from lists (atomic) */
    struct options opt;            /* --plugin-options */
    /* Words readers found frequent but unlisted (toplist_want()); the
     * writer lists them at its next batch.  Guarded by want_mu. */
    pthread_mutex_t want_mu;
    char want[STORE_WANT_MAX][STORE_WANT_WORD];
    size_t want_len[STORE_WANT_MAX];
    int nwant;
    /* The SQLite code (SQLITE_CORRUPT*, SQLITE_NOTADB) of the first
     * corruption any connection or the start check saw; 0: none seen.
     * Atomic.  Once set, writes and BACKUP are refused (store_refused()). */
    int corrupt;
    int marked; /* store_open() made STORE_RUNNING; store_close() drops it */
};

enum store_stmt {
    STORE_FIND,      /* rowid, title, body of an id */
    STORE_DOC,       /* fields of an id */
    STORE_DOC_ROWID, /* fields of a rowid */
    STORE_INSERT,
    STORE_DELETE,
    STORE_FTS_INSERT,
    STORE_FTS_DELETE,
    STORE_SAVEPOINT,
    STORE_RELEASE,
    STORE_ROLLBACK_TO,
    STORE_BEGIN,
    STORE_BEGIN_READ,
    STORE_COMMIT,
    STORE_ROLLBACK,
    STORE_COUNT,
    STORE_STRUCTURE,
    STORE_FREELIST,
    STORE_OPTIMIZE,
    STORE_DAY_LAST,
    STORE_AVERAGES,
    STORE_AVGDL_GET,
    STORE_AVGDL_SET,
    STORE_AVGDL_CLEAR,
    STORE_TERMS,
    STORE_TERM_ADD,
    STORE_TERM_SET,
    STORE_TERM_CLEAR,
    STORE_TOP_INFO,
    STORE_TOP_PAGE,
    STORE_TOP_MIN,
    STORE_TOP_ADD,
    STORE_TOP_DEL,
    STORE_TOP_CLEAR,
    STORE_DOCSIZES,
    STORE_VOCAB_SCAN,
    STORE_VOCAB_WORD,
    STORE_DOCSIZE,
    STORE_TERM_COUNT,
    STORE_STMT_COUNT
};

/* A reader or the writer: one connection, used by one thread at a time. */
struct store_conn {
    struct store *store;                    /* borrowed */
    sqlite3 *db;                            /* owned */
    int writer;                             /* the read-write handle */
    int in_txn;                             /* between begin and commit */
    struct fts_batch fts;                   /* writer: held fts writes */
    struct tokens_replay replay;            /* writer: FTS5 may replay */
    struct tokenizer *rec_tok; /* writer: the helper's (fts_batch_apply) */
    struct toplist *top;                    /* writer: owned, toplist.h */
    char failed[160]; /* writer: why this batch cannot commit, or "" */
    int fts_stale;    /* writer: FTS5's cache outlived a rollback */
    struct tokenizer *tok;                  /* owned; made on first use */
    sqlite3_stmt *stmt[STORE_STMT_COUNT];   /* owned, prepared lazily */
    sqlite3_stmt *query[STORE_QUERY_SLOTS]; /* owned, query.c's shapes */
};

/*
 * Opens (creating if needed) the index in dir: sets WAL mode and creates the
 * schema.  *out must be freed with store_close().  Main thread.
 */
int store_open(const struct carid_host *host, const char *dir,
               struct store **out, char *err, size_t errlen);
void store_close(struct store *s);

/* Opens a reader (query_only) or the writer connection; free with
 * store_conn_close().  Any thread; the handle then belongs to the caller. */
int store_conn_open(struct store *s, int writer, struct store_conn **out,
                    char *err, size_t errlen);
void store_conn_close(struct store_conn *c);

/*
 * Returns *slot, preparing sql into it on first use (the statement lives
 * until store_conn_close()), or NULL with a message in err.  The caller
 * must sqlite3_reset() it after use so no read snapshot stays open.
 */
sqlite3_stmt *store_prepare(struct store_conn *c, sqlite3_stmt **slot,
                            const char *sql, char *err, size_t errlen);
/* Returns the fixed statement which, prepared on first use; as above. */
sqlite3_stmt *store_stmt(struct store_conn *c, enum store_stmt which, char *err,
                         size_t errlen);
/* Resets stmt and drops its bindings (they borrow the caller's bytes). */
void store_done(sqlite3_stmt *stmt);
/* Steps the fixed statement which (no parameters) to its end; 0, or -1
 * with "what: <SQLite's message>" in err. */
int store_run(struct store_conn *c, enum store_stmt which, const char *what,
              char *err, size_t errlen);
/* Ends a SAVEPOINT (STORE_SAVEPOINT): rolls back to it first if failed.
 * Returns -1 if failed or the release fails; err keeps the first message. */
int store_savepoint_end(struct store_conn *c, int failed, char *err,
                        size_t errlen);
/* Writes "what: <SQLite's message>" into err; returns -1.  The message is
 * the connection's last (SQLITE_ERROR's if that is gone): prefer
 * store_fail_rc() wherever the failing code is at hand. */
int store_fail(struct store_conn *c, const char *what, char *err,
               size_t errlen);
/* The same for the code rc of the call that failed: the connection's
 * message if it is about rc, else sqlite3_errstr(rc).  Both go through
 * store_error(). */
int store_fail_rc(struct store_conn *c, int rc, const char *what, char *err,
                  size_t errlen);
/* Writes "what: msg" (msg NULL: sqlite3_errstr(rc)) into err; if rc says
 * corruption, instead "what: index corrupt (...): restore a BACKUP, or run
 * carid --rebuild", and marks s (may be NULL) corrupt.  Returns -1. */
int store_error(struct store *s, int rc, const char *what, const char *msg,
                char *err, size_t errlen);
/* 0, or -1 with the corruption message if s is known to be corrupt. */
int store_refused(struct store *s, char *err, size_t errlen);
/*
 * PRAGMA quick_check of the file at path, opened read-only (nothing is
 * written to it).  Stops after limit_usec (0: no limit).  Returns 0 sound,
 * 1 corrupt, 2 stopped at the limit, -1 could not check; a one-line
 * verdict in msg in every case, *secs the time it took.
 */
int store_quick_check(const char *path, int64_t limit_usec, char *msg,
                      size_t msglen, double *secs);
/* Opens (creating if needed) the index file at path, as store_open() does
 * but without the start check or STORE_RUNNING: carid --rebuild's new
 * file. */
int store_open_file(const struct carid_host *host, const char *path,
                    struct store **out, char *err, size_t errlen);
/* Reads the SQLite varint at p[*i..n) into *v; 0 if it runs past n. */
int store_varint(const unsigned char *p, size_t n, size_t *i, uint64_t *v);
/* Binds the possibly absent string v to parameter i; absent binds ''. */
int store_bind(sqlite3_stmt *stmt, int i, struct carid_str v);
/* Returns column i of the current row as a borrowed string. */
struct carid_str store_column(sqlite3_stmt *stmt, int i);
/*
 * Fills doc from a STORE_DOC or STORE_DOC_ROWID row: the id always, the
 * fields whose bit (1 << CARID_FIELD_x) is in want, the others absent.
 * The strings are borrowed until the statement moves on.
 */
void store_doc_read(sqlite3_stmt *stmt, unsigned want, struct carid_doc *doc);
/* Returns the handle's tokenizer (stemming unless the index was made
 * with "indonesian nostem"), or NULL with err set. */
struct tokenizer *store_tokenizer(struct store_conn *c, char *err,
                                  size_t errlen);

/* Articles and tokens in the index, from FTS5's own totals (O(1));
 * ntok may be NULL.  0 or -1 with err set. */
int store_averages(struct store_conn *c, int64_t *ndocs, int64_t *ntok,
                   char *err, size_t errlen);
/* The sum of the SQLite varints in p[0..n) (an fts_docsize row). */
int64_t store_varint_sum(const void *p, size_t n);

/* The writer's calls; each returns 0 or -1 with err set. */
int store_begin(struct store_conn *c, char *err, size_t errlen);
int store_put(struct store_conn *c, const struct carid_doc *doc, char *err,
              size_t errlen);
int store_del(struct store_conn *c, struct carid_str id, int *removed,
              char *err, size_t errlen);
int store_commit(struct store_conn *c, char *err, size_t errlen);
void store_rollback(struct store_conn *c);
int store_optimize(struct store_conn *c, char *err, size_t errlen);

/* The readers' calls; each returns 0 or -1 with err set. */
int store_get(struct store_conn *c, struct carid_str id, carid_doc_fn *fn,
              void *ctx, int *found, char *err, size_t errlen);
int store_stats(struct store_conn *c, carid_stat_fn *fn, void *ctx, char *err,
                size_t errlen);
int store_backup(struct store_conn *c, const char *path, char *err,
                 size_t errlen);

#endif
