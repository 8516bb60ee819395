/*
 * db.c - see db.h: connections to carid.db and what every module does with
 * them (statements, transactions, errors), with no table of carid's own.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "db.h"
#include "tokenizer.h"

#define DB_BUSY_MS 5000 /* ms a connection waits for a lock */

/*
 * synchronous=FULL: in WAL mode every COMMIT fsyncs the WAL, so when commit
 * returns 0 (the daemon's +OK) the batch survives a power cut, not only a
 * crash.  mmap lets readers share the OS page cache instead of copying
 * pages into each connection's cache; its size and the caches' are plugin
 * options (options.h), which bound the daemon's memory.  journal_size_limit
 * stops a burst of writes from leaving a huge -wal file behind.  The writer
 * checkpoints every 10,000 pages (40 MB) of WAL rather than SQLite's 1,000:
 * FTS5's merges rewrite the same pages again and again, and a page written
 * twice between checkpoints is copied into the database once (20k articles:
 * -4 %, bench in plugins/fts5/DESIGN.md).
 */
static void
db_pragma_text(const struct db *d, int writer, char *buf, size_t len)
{
    snprintf(
        buf, len,
        "PRAGMA synchronous=FULL;"
        "PRAGMA secure_delete=OFF;"
        "PRAGMA journal_size_limit=67108864;"
        "PRAGMA mmap_size=%lld;"
        "PRAGMA cache_size=-%lld;"
        "%s",
        (long long)d->opt.mmap_mb << 20,
        (long long)(writer ? d->opt.writer_cache_mb : d->opt.cache_mb) << 10,
        writer ? "PRAGMA wal_autocheckpoint=10000;" : "PRAGMA query_only=1;");
}

int
db_pragmas(const struct db *d, int writer, sqlite3 *db)
{
    char pragmas[512];

    db_pragma_text(d, writer, pragmas, sizeof pragmas);
    return sqlite3_exec(db, pragmas, NULL, NULL, NULL);
}

int
db_open(const char *path, int writer, sqlite3 **out)
{
    int flags = writer ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
                       : SQLITE_OPEN_READWRITE;
    int rc;

    *out = NULL;
    rc = sqlite3_open_v2(path, out, flags | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc == SQLITE_OK) rc = sqlite3_extended_result_codes(*out, 1);
    if (rc == SQLITE_OK) rc = sqlite3_busy_timeout(*out, DB_BUSY_MS);
    return rc;
}

fts5_api *
db_fts5_api(sqlite3 *db)
{
    fts5_api *api = NULL;
    sqlite3_stmt *stmt = NULL;
    int rc;

    rc = sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &stmt, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_pointer(stmt, 1, &api, "fts5_api_ptr", NULL);
    if (rc == SQLITE_OK) sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    return api;
}

static const char *const db_txn_sql[DB_TXN_COUNT] = {
    [DB_BEGIN] = "BEGIN IMMEDIATE",
    /* Readers: one snapshot for a search's count and hits; never IMMEDIATE,
     * which would take the write lock. */
    [DB_BEGIN_READ] = "BEGIN",
    [DB_COMMIT] = "COMMIT",
    [DB_ROLLBACK] = "ROLLBACK",
    [DB_SAVEPOINT] = "SAVEPOINT one",
    [DB_RELEASE] = "RELEASE one",
    [DB_ROLLBACK_TO] = "ROLLBACK TO one",
};

/* SQLITE_CORRUPT (any extended code) or SQLITE_NOTADB. */
static int
db_is_corrupt(int rc)
{
    return (rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB;
}

/* What a client reads about a corrupt index: the cause, and the cure. */
static void
db_corrupt_text(int rc, const char *what, char *err, size_t errlen)
{
    snprintf(err, errlen,
             "%s%sindex corrupt (%s): restore a BACKUP, or run carid "
             "--rebuild",
             what != NULL ? what : "", what != NULL ? ": " : "",
             sqlite3_errstr(rc));
}

int
db_error(struct db *d, int rc, const char *what, const char *msg, char *err,
         size_t errlen)
{
    if (db_is_corrupt(rc)) {
        int none = 0;

        /* the first code seen stays: every later refusal names it */
        if (d != NULL &&
            __atomic_compare_exchange_n(&d->corrupt, &none, rc, 0,
                                        __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST) &&
            d->host != NULL)
            d->host->log(CARID_LOG_ERR,
                         "%s: index corrupt (%s): writes and BACKUP are "
                         "refused from now on; restore a BACKUP, or run "
                         "carid --rebuild",
                         d->path, sqlite3_errstr(rc));
        db_corrupt_text(rc, what, err, errlen);
        return -1;
    }
    snprintf(err, errlen, "%s: %s", what,
             msg != NULL ? msg : sqlite3_errstr(rc));
    return -1;
}

int
db_fail_rc(struct db_conn *c, int rc, const char *what, char *err,
           size_t errlen)
{
    /* The connection's message only if it is about rc: after a reset, or
     * a code made up by the caller, it may say "not an error". */
    int same = sqlite3_extended_errcode(c->db) == rc ||
               sqlite3_errcode(c->db) == (rc & 0xff);

    return db_error(c->index, rc, what, same ? sqlite3_errmsg(c->db) : NULL,
                    err, errlen);
}

int
db_fail(struct db_conn *c, const char *what, char *err, size_t errlen)
{
    int rc = sqlite3_extended_errcode(c->db);

    if (rc == SQLITE_OK) /* stale: the failing call's code is gone */
        rc = SQLITE_ERROR;
    return db_fail_rc(c, rc, what, err, errlen);
}

int
db_refused(struct db *d, char *err, size_t errlen)
{
    int rc = __atomic_load_n(&d->corrupt, __ATOMIC_SEQ_CST);

    if (rc == 0) return 0;
    db_corrupt_text(rc, NULL, err, errlen);
    return -1;
}

sqlite3_stmt *
db_prepare(struct db_conn *c, sqlite3_stmt **slot, const char *sql, char *err,
           size_t errlen)
{
    if (*slot == NULL &&
        sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, slot,
                           NULL) != SQLITE_OK) {
        db_fail(c, "prepare", err, errlen);
        return NULL;
    }
    return *slot;
}

sqlite3_stmt **
db_slot(struct db_conn *c, enum db_owner owner, int which, int count, char *err,
        size_t errlen)
{
    if (c->stmt[owner] == NULL) {
        c->stmt[owner] = calloc((size_t)count, sizeof *c->stmt[owner]);
        if (c->stmt[owner] == NULL) {
            snprintf(err, errlen, "out of memory");
            return NULL;
        }
        c->nstmt[owner] = count;
    }
    return &c->stmt[owner][which];
}

sqlite3_stmt *
db_stmt(struct db_conn *c, enum db_owner owner, int which, int count,
        const char *sql, char *err, size_t errlen)
{
    sqlite3_stmt **slot = db_slot(c, owner, which, count, err, errlen);

    return slot != NULL ? db_prepare(c, slot, sql, err, errlen) : NULL;
}

void
db_conn_finalize(struct db_conn *c)
{
    int i, j;

    for (i = 0; i < DB_OWNERS; i++) {
        for (j = 0; j < c->nstmt[i]; j++)
            sqlite3_finalize(c->stmt[i][j]);
        free(c->stmt[i]);
        c->stmt[i] = NULL;
        c->nstmt[i] = 0;
    }
}

void
db_done(sqlite3_stmt *stmt)
{
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
}

int
db_bind(sqlite3_stmt *stmt, int i, struct carid_str v)
{
    if (v.p == NULL) return sqlite3_bind_text(stmt, i, "", 0, SQLITE_STATIC);
    return sqlite3_bind_text64(stmt, i, v.p, v.len, SQLITE_STATIC, SQLITE_UTF8);
}

struct carid_str
db_column(sqlite3_stmt *stmt, int i)
{
    struct carid_str s;

    s.p = (const char *)sqlite3_column_text(stmt, i);
    s.len = (size_t)sqlite3_column_bytes(stmt, i);
    if (s.p == NULL) {
        s.p = "";
        s.len = 0;
    }
    return s;
}

struct tokenizer *
db_tokenizer(struct db_conn *c, char *err, size_t errlen)
{
    if (c->tok == NULL) c->tok = tokenizer_new(c->index->stem, err, errlen);
    return c->tok;
}

int
db_run(struct db_conn *c, sqlite3_stmt *stmt, const char *what, char *err,
       size_t errlen)
{
    int rc;

    if (stmt == NULL) return -1;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
        ;
    if (rc != SQLITE_DONE) db_fail(c, what, err, errlen);
    db_done(stmt);
    return rc == SQLITE_DONE ? 0 : -1;
}

int
db_txn(struct db_conn *c, enum db_txn which, const char *what, char *err,
       size_t errlen)
{
    return db_run(c,
                  db_stmt(c, DB_OWN_DB, which, DB_TXN_COUNT, db_txn_sql[which],
                          err, errlen),
                  what, err, errlen);
}

int
db_savepoint_end(struct db_conn *c, int failed, char *err, size_t errlen)
{
    char scratch[128] = "";

    if (failed) db_txn(c, DB_ROLLBACK_TO, "rollback", scratch, sizeof scratch);
    if (db_txn(c, DB_RELEASE, "release", failed ? scratch : err,
               failed ? sizeof scratch : errlen) != 0)
        return -1;
    return failed ? -1 : 0;
}

int
db_varint(const unsigned char *p, size_t n, size_t *i, uint64_t *v)
{
    int k;

    *v = 0;
    for (k = 0; k < 9 && *i < n; k++) {
        unsigned char b = p[(*i)++];

        if (k == 8) {
            *v = (*v << 8) | b;
            return 1;
        }
        *v = (*v << 7) | (b & 0x7f);
        if (!(b & 0x80)) return 1;
    }
    return 0;
}

int64_t
db_varint_sum(const void *blob, size_t n)
{
    const unsigned char *p = blob;
    uint64_t v;
    int64_t sum = 0;
    size_t i = 0;

    while (p != NULL && i < n && db_varint(p, n, &i, &v))
        sum += (int64_t)v;
    return sum;
}

int64_t
db_scalar(struct db_conn *c, sqlite3_stmt *stmt, const char *what, char *err,
          size_t errlen)
{
    int64_t v = -1;
    int rc;

    if (stmt == NULL) return -1;
    if ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
        v = sqlite3_column_int64(stmt, 0);
    else
        db_fail_rc(c, rc == SQLITE_DONE ? SQLITE_CORRUPT : rc, what, err,
                   errlen);
    db_done(stmt);
    return v;
}

int
db_pragma_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *stmt = NULL;
    int v = -1;

    if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW)
        v = sqlite3_column_int(stmt, 0);
    sqlite3_finalize(stmt);
    return v;
}

int
db_uri_ro(const char *path, char *buf, size_t len)
{
    static const char query[] = "?mode=ro&immutable=1";
    size_t n = (size_t)snprintf(buf, len, "file:");

    for (const char *p = path; *p != '\0'; p++) {
        if (n + 4 >= len) return -1;
        if (*p == '%' || *p == '?' || *p == '#')
            n += (size_t)snprintf(buf + n, len - n, "%%%02X",
                                  (unsigned char)*p);
        else
            buf[n++] = *p;
    }
    if (n + sizeof query > len) return -1;
    memcpy(buf + n, query, sizeof query);
    return 0;
}

int64_t
db_now_usec(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Progress handler: nonzero (stop) once *arg, a deadline, has passed. */
static int
db_check_expired(void *arg)
{
    return db_now_usec() >= *(const int64_t *)arg;
}

int
db_open_ro(const char *path, sqlite3 **db)
{
    char uri[8192], wal[4096];
    struct stat st;

    snprintf(wal, sizeof wal, "%s-wal", path);
    if (stat(wal, &st) == 0 || db_uri_ro(path, uri, sizeof uri) != 0)
        return sqlite3_open_v2(path, db, SQLITE_OPEN_READONLY, NULL);
    return sqlite3_open_v2(uri, db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI,
                           NULL);
}

int
db_quick_check(const char *path, int64_t limit_usec, char *msg, size_t msglen,
               double *secs)
{
    int64_t t0 = db_now_usec(), deadline = t0 + limit_usec;
    sqlite3_stmt *stmt = NULL;
    sqlite3 *db = NULL;
    size_t n = 0;
    int rc, out = 0, rows = 0;
    struct stat st;

    *secs = 0;
    msg[0] = '\0';
    if (stat(path, &st) != 0) {
        snprintf(msg, msglen, "%s: %s", path, strerror(errno));
        return -1;
    }
    rc = db_open_ro(path, &db);
    if (rc == SQLITE_OK && limit_usec > 0)
        sqlite3_progress_handler(db, 10000, db_check_expired, &deadline);
    /* at most 10 problems: the first say enough */
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(db, "PRAGMA quick_check(10)", -1, &stmt, NULL);
    while (rc == SQLITE_OK && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        const char *line = (const char *)sqlite3_column_text(stmt, 0);

        rc = SQLITE_OK;
        if (line == NULL || (rows++ == 0 && strcmp(line, "ok") == 0)) continue;
        if (out == 0)
            n = (size_t)snprintf(msg, msglen, "index corrupt (%s", line);
        else if (n < msglen)
            n += (size_t)snprintf(msg + n, msglen - n, "; %s", line);
        out = 1;
    }
    if (rc == SQLITE_INTERRUPT) {
        snprintf(msg, msglen, "unfinished: stopped after %lld s",
                 (long long)(limit_usec / 1000000));
        out = 2;
    } else if (rc != SQLITE_DONE && db_is_corrupt(rc)) {
        db_corrupt_text(rc, NULL, msg, msglen);
        out = 1;
    } else if (rc != SQLITE_DONE) {
        snprintf(msg, msglen, "cannot check %s: %s", path,
                 db != NULL ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
        out = -1;
    } else if (out == 1) {
        if (n < msglen)
            snprintf(msg + n, msglen - n,
                     "): restore a BACKUP, or run carid --rebuild");
    } else
        snprintf(msg, msglen, "ok");
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    *secs = (double)(db_now_usec() - t0) / 1e6;
    return out;
}
