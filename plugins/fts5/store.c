/*
 * store.c - carid.db: the documents table, its external-content FTS5 index
 * and the connections that use them.  The writer keeps docs and fts in step
 * inside its transaction; readers are query_only connections reading WAL
 * snapshots in parallel with it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "docid.h"
#include "fts5_tokenizer.h"
#include "query.h"
#include "rank.h"
#include "toplist.h"
#include "store.h"
#include "tokenizer.h"

#define STORE_SCHEMA  3    /* PRAGMA user_version of carid.db */
/* PRAGMA application_id of carid.db, 'CARI' in ASCII: what tells carid's
 * own file from another program's (store_check_file()). */
#define STORE_APP_ID  0x43415249
#define STORE_BUSY_MS 5000 /* ms a connection waits for a lock */
#define STORE_MAX_ID  1024 /* bytes; longest document id */
/* Evaluation switch, read only when a new carid.db is created: the FTS5
 * tokenizer arguments ("indonesian" or "indonesian nostem") are baked into
 * the table, so an index keeps the choice it was made with. */
#define STORE_TOKENIZE_ENV "CARID_FTS5_TOKENIZE"
/*
 * toplist.h: words in at least this many articles get a top list at
 * OPTIMIZE (0 turns lists off), of this many entries.  A new article
 * enters a list with odds of about size/df, and each entry it takes is a
 * B-tree page written at commit: df >= 20x size keeps that under 5% per
 * listed word.  Below 10,000 articles a full scan costs < 10 ms anyway.
 * The environment can change them for tests and benchmarks.
 */
#define STORE_TOP_MIN_DF     10000
#define STORE_TOP_SIZE       500
#define STORE_TOP_MIN_DF_ENV "CARID_FTS5_TOP_MIN_DF"
#define STORE_TOP_SIZE_ENV   "CARID_FTS5_TOP_SIZE"

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
store_pragmas(const struct store *s, int writer, char *buf, size_t len)
{
    snprintf(buf, len,
             "PRAGMA synchronous=FULL;"
             "PRAGMA secure_delete=OFF;"
             "PRAGMA journal_size_limit=67108864;"
             "PRAGMA mmap_size=%lld;"
             "PRAGMA cache_size=-%lld;"
             "%s",
             (long long)s->opt.mmap_mb << 20,
             (long long)(writer ? s->opt.writer_cache_mb : s->opt.cache_mb)
                 << 10,
             writer ? "PRAGMA wal_autocheckpoint=10000;"
                    : "PRAGMA query_only=1;");
}

/*
 * FTS5 writes its in-memory postings out as a new segment when they pass
 * 'hashsize' bytes (default 1 MB).  A batch of 500 articles holds several
 * MB, so the default cut each commit into several segments that merges
 * then had to join; 16 MB makes it one.  The writer's memory, not the
 * readers'.  Set at every start so that older indexes get it too.
 */
#define STORE_FTS_CONFIG                                                       \
    "INSERT INTO fts(fts, rank) VALUES('hashsize', 16777216);"

/*
 * Columns: the small ones first so that reading date or source never walks
 * a long body's overflow pages.  rowids sort by date, then arrival
 * (docid.h); an upsert replaces the row, at the same rowid if the day is
 * the same (store_put()).  docs_source answers a SOURCE filter for each
 * match from a narrow index instead of the article's row (one page per
 * article: 129 ms for a common word at 100,000 articles, see DESIGN.md).
 * meta holds the pinned average length ("avgdl"); terms and tops are the
 * top lists of toplist.h.
 */
static const char store_schema[] =
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value) WITHOUT ROWID;"
    "CREATE TABLE terms(term TEXT PRIMARY KEY, df INTEGER NOT NULL,"
    " n INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE tops(term TEXT NOT NULL, impact REAL NOT NULL,"
    " docid INTEGER NOT NULL, tf_title INTEGER NOT NULL,"
    " tf_body INTEGER NOT NULL, dl INTEGER NOT NULL,"
    " PRIMARY KEY(term, impact, docid)) WITHOUT ROWID;"
    "CREATE TABLE docs("
    " rowid INTEGER PRIMARY KEY,"
    " id TEXT UNIQUE NOT NULL,"
    " date TEXT NOT NULL DEFAULT '',"
    " source TEXT NOT NULL DEFAULT '',"
    " url TEXT NOT NULL DEFAULT '',"
    " title TEXT NOT NULL DEFAULT '',"
    " body TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX docs_source ON docs(rowid, source);"
    "CREATE VIRTUAL TABLE fts USING fts5(title, body, content='docs',"
    " content_rowid='rowid', tokenize='";
/* ... then the tokenizer's arguments (store_tokenize()), then: */
static const char store_schema_tail[] =
    "');"
    "PRAGMA user_version=3;"; /* STORE_SCHEMA */

static const char *const store_sql[STORE_STMT_COUNT] = {
    [STORE_FIND] = "SELECT rowid, title, body FROM docs WHERE id = ?1",
    [STORE_DOC] = "SELECT id, date, source, url, title, body FROM docs"
                  " WHERE id = ?1",
    [STORE_DOC_ROWID] = "SELECT id, date, source, url, title, body FROM docs"
                        " WHERE rowid = ?1",
    /* ?2.. follow enum carid_field: title, body, source, url, date */
    [STORE_INSERT] = "INSERT INTO docs(id, title, body, source, url, date,"
                     " rowid) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    [STORE_DELETE] = "DELETE FROM docs WHERE rowid = ?1",
    [STORE_FTS_INSERT] = "INSERT INTO fts(rowid, title, body)"
                         " VALUES (?1, ?2, ?3)",
    /* External content: FTS5 must be told the OLD values to unindex. */
    [STORE_FTS_DELETE] = "INSERT INTO fts(fts, rowid, title, body)"
                         " VALUES ('delete', ?1, ?2, ?3)",
    [STORE_SAVEPOINT] = "SAVEPOINT one",
    [STORE_RELEASE] = "RELEASE one",
    [STORE_ROLLBACK_TO] = "ROLLBACK TO one",
    [STORE_BEGIN] = "BEGIN IMMEDIATE",
    /* Readers: one snapshot for a search's count and hits; never IMMEDIATE,
     * which would take the write lock. */
    [STORE_BEGIN_READ] = "BEGIN",
    [STORE_COMMIT] = "COMMIT",
    [STORE_ROLLBACK] = "ROLLBACK",
    [STORE_COUNT] = "SELECT count(*) FROM docs",
    [STORE_STRUCTURE] = "SELECT block FROM fts_data WHERE id = 10",
    [STORE_FREELIST] = "PRAGMA freelist_count",
    [STORE_OPTIMIZE] = "INSERT INTO fts(fts) VALUES ('optimize')",
    [STORE_DAY_LAST] = "SELECT max(rowid) FROM docs"
                       " WHERE rowid BETWEEN ?1 AND ?2",
    /* FTS5's totals record: article count, then tokens per column. */
    [STORE_AVERAGES] = "SELECT block FROM fts_data WHERE id = 1",
    [STORE_AVGDL_GET] = "SELECT value FROM meta WHERE key = 'avgdl'",
    [STORE_AVGDL_SET] = "INSERT INTO meta(key, value) VALUES ('avgdl', ?1)"
                        " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    [STORE_AVGDL_CLEAR] = "DELETE FROM meta WHERE key = 'avgdl'",
    [STORE_TERMS] = "SELECT term, df, n FROM terms ORDER BY term",
    [STORE_TERM_ADD] = "INSERT INTO terms(term, df, n) VALUES (?1, ?2, ?3)",
    [STORE_TERM_SET] = "UPDATE terms SET df = ?2, n = ?3 WHERE term = ?1",
    [STORE_TERM_CLEAR] = "DELETE FROM terms",
    [STORE_TERM_COUNT] = "SELECT count(*) FROM terms",
    [STORE_TOP_INFO] = "SELECT df, n FROM terms WHERE term = ?1",
    [STORE_TOP_PAGE] = "SELECT docid, tf_title, tf_body, dl FROM tops"
                       " WHERE term = ?1 ORDER BY impact DESC, docid DESC"
                       " LIMIT ?2 OFFSET ?3",
    [STORE_TOP_MIN] = "SELECT impact, docid FROM tops WHERE term = ?1"
                      " ORDER BY impact, docid LIMIT 1",
    [STORE_TOP_ADD] = "INSERT OR IGNORE INTO tops(term, impact, docid,"
                      " tf_title, tf_body, dl) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [STORE_TOP_DEL] = "DELETE FROM tops WHERE term = ?1 AND impact = ?2"
                      " AND docid = ?3",
    [STORE_TOP_CLEAR] = "DELETE FROM tops",
    [STORE_DOCSIZES] = "SELECT id, sz FROM fts_docsize ORDER BY id",
    /* Made by toplist_build() on the writer before first use. */
    [STORE_VOCAB_SCAN] = "SELECT term, doc, col = 'title'"
                         " FROM temp.toplist_vocab",
    [STORE_VOCAB_WORD] = "SELECT term, doc, col = 'title'"
                         " FROM temp.toplist_vocab WHERE term = ?1",
    [STORE_DOCSIZE] = "SELECT sz FROM fts_docsize WHERE id = ?1",
};

/* Column of each carid_field in the STORE_DOC* rows. */
static const int store_doc_col[CARID_FIELD_COUNT] = {4, 5, 2, 3, 1};

/* SQLITE_CORRUPT (any extended code) or SQLITE_NOTADB. */
static int
store_is_corrupt(int rc)
{
    return (rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB;
}

/* What a client reads about a corrupt index: the cause, and the cure. */
static void
store_corrupt_text(int rc, const char *what, char *err, size_t errlen)
{
    snprintf(err, errlen,
             "%s%sindex corrupt (%s): restore a BACKUP, or run carid "
             "--rebuild",
             what != NULL ? what : "", what != NULL ? ": " : "",
             sqlite3_errstr(rc));
}

int
store_error(struct store *s, int rc, const char *what, const char *msg,
            char *err, size_t errlen)
{
    if (store_is_corrupt(rc)) {
        int none = 0;

        /* the first code seen stays: every later refusal names it */
        if (s != NULL &&
            __atomic_compare_exchange_n(&s->corrupt, &none, rc, 0,
                                        __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST) &&
            s->host != NULL)
            s->host->log(CARID_LOG_ERR,
                         "%s: index corrupt (%s): writes and BACKUP are "
                         "refused from now on; restore a BACKUP, or run "
                         "carid --rebuild",
                         s->path, sqlite3_errstr(rc));
        store_corrupt_text(rc, what, err, errlen);
        return -1;
    }
    snprintf(err, errlen, "%s: %s", what,
             msg != NULL ? msg : sqlite3_errstr(rc));
    return -1;
}

int
store_fail_rc(struct store_conn *c, int rc, const char *what, char *err,
              size_t errlen)
{
    /* The connection's message only if it is about rc: after a reset, or
     * a code made up by the caller, it may say "not an error". */
    int same = sqlite3_extended_errcode(c->db) == rc ||
               sqlite3_errcode(c->db) == (rc & 0xff);

    return store_error(c->store, rc, what, same ? sqlite3_errmsg(c->db) : NULL,
                       err, errlen);
}

int
store_fail(struct store_conn *c, const char *what, char *err, size_t errlen)
{
    int rc = sqlite3_extended_errcode(c->db);

    if (rc == SQLITE_OK) /* stale: the failing call's code is gone */
        rc = SQLITE_ERROR;
    return store_fail_rc(c, rc, what, err, errlen);
}

int
store_refused(struct store *s, char *err, size_t errlen)
{
    int rc = __atomic_load_n(&s->corrupt, __ATOMIC_SEQ_CST);

    if (rc == 0) return 0;
    store_corrupt_text(rc, NULL, err, errlen);
    return -1;
}

sqlite3_stmt *
store_prepare(struct store_conn *c, sqlite3_stmt **slot, const char *sql,
              char *err, size_t errlen)
{
    if (*slot == NULL &&
        sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, slot,
                           NULL) != SQLITE_OK) {
        store_fail(c, "prepare", err, errlen);
        return NULL;
    }
    return *slot;
}

sqlite3_stmt *
store_stmt(struct store_conn *c, enum store_stmt which, char *err,
           size_t errlen)
{
    return store_prepare(c, &c->stmt[which], store_sql[which], err, errlen);
}

void
store_done(sqlite3_stmt *stmt)
{
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
}

int
store_bind(sqlite3_stmt *stmt, int i, struct carid_str v)
{
    if (v.p == NULL) return sqlite3_bind_text(stmt, i, "", 0, SQLITE_STATIC);
    return sqlite3_bind_text64(stmt, i, v.p, v.len, SQLITE_STATIC, SQLITE_UTF8);
}

struct carid_str
store_column(sqlite3_stmt *stmt, int i)
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

void
store_doc_read(sqlite3_stmt *stmt, unsigned want, struct carid_doc *doc)
{
    int i;

    doc->id = store_column(stmt, 0);
    for (i = 0; i < CARID_FIELD_COUNT; i++) {
        if (want & (1u << i))
            doc->field[i] = store_column(stmt, store_doc_col[i]);
        else {
            doc->field[i].p = NULL;
            doc->field[i].len = 0;
        }
    }
}

struct tokenizer *
store_tokenizer(struct store_conn *c, char *err, size_t errlen)
{
    if (c->tok == NULL) c->tok = tokenizer_new(c->store->stem, err, errlen);
    return c->tok;
}

/* Returns the connection's fts5_api, or NULL if FTS5 is not compiled in. */
static fts5_api *
store_fts5_api(sqlite3 *db)
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

/* Opens path and makes the connection ready: tokenizer, timeouts, pragmas. */
static int
store_connect(const struct store *s, int writer, struct tokens_replay *replay,
              sqlite3 **out, char *err, size_t errlen)
{
    const char *path = s->path;
    int flags = writer ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
                       : SQLITE_OPEN_READWRITE;
    char pragmas[512];
    sqlite3 *db = NULL;
    int rc;

    store_pragmas(s, writer, pragmas, sizeof pragmas);
    rc = sqlite3_open_v2(path, &db, flags | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc == SQLITE_OK) rc = sqlite3_extended_result_codes(db, 1);
    if (rc == SQLITE_OK) rc = sqlite3_busy_timeout(db, STORE_BUSY_MS);
    if (rc == SQLITE_OK)
        rc = tokenizer_register_replay(store_fts5_api(db), replay);
    if (rc == SQLITE_OK) rc = query_register(store_fts5_api(db));
    if (rc == SQLITE_OK) rc = rank_register(store_fts5_api(db));
    if (rc == SQLITE_OK) rc = sqlite3_exec(db, pragmas, NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "%s: %s", path,
                 db != NULL ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
        sqlite3_close(db);
        return -1;
    }
    *out = db;
    return 0;
}

/* Returns the integer a one-row PRAGMA yields, or -1. */
static int
store_pragma_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *stmt = NULL;
    int v = -1;

    if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW)
        v = sqlite3_column_int(stmt, 0);
    sqlite3_finalize(stmt);
    return v;
}

/* The tokenizer a new index gets: STORE_TOKENIZE_ENV or "indonesian". */
static const char *
store_tokenize(char *err, size_t errlen)
{
    const char *v = getenv(STORE_TOKENIZE_ENV);

    if (v == NULL || v[0] == '\0') return "indonesian";
    if (strcmp(v, "indonesian") == 0 || strcmp(v, "indonesian nostem") == 0)
        return v;
    snprintf(err, errlen, "%s must be 'indonesian' or 'indonesian nostem'",
             STORE_TOKENIZE_ENV);
    return NULL;
}

/* 1 unless the fts table was made with "indonesian nostem". */
static int
store_stems(sqlite3 *db)
{
    sqlite3_stmt *stmt = NULL;
    const char *sql;
    int stem = 1;

    if (sqlite3_prepare_v2(db,
                           "SELECT sql FROM sqlite_master WHERE name = 'fts'",
                           -1, &stmt, NULL) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
        sql = (const char *)sqlite3_column_text(stmt, 0);
        stem = sql == NULL || strstr(sql, "nostem") == NULL;
    }
    sqlite3_finalize(stmt);
    return stem;
}

/* "file:" URI of path, read-only and immutable, with the characters a URI
 * gives a meaning (% ? #) escaped.  0, or -1 if buf is too small. */
static int
store_uri_ro(const char *path, char *buf, size_t len)
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

/* What an existing file holds, as store_check_file() judges it. */
struct store_file_id {
    int app, version; /* PRAGMA application_id, user_version */
    int entries;      /* rows of sqlite_master */
    int carid_tables; /* 1 if docs, fts and meta are there */
};

/* Reads the file without writing a byte: immutable means no lock, no
 * -wal or -shm file made, no journal rolled back.  0, or -1 if it is not
 * an SQLite database. */
static int
store_file_read(const char *path, struct store_file_id *id, char *err,
                size_t errlen)
{
    char uri[8192];
    sqlite3 *db = NULL;
    int rc;

    if (store_uri_ro(path, uri, sizeof uri) != 0) {
        snprintf(err, errlen, "%s: path too long", path);
        return -1;
    }
    rc = sqlite3_open_v2(uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI,
                         NULL);
    id->entries = rc == SQLITE_OK
                      ? store_pragma_int(db, "SELECT count(*) FROM "
                                             "sqlite_master")
                      : -1;
    if (id->entries >= 0) {
        id->app = store_pragma_int(db, "PRAGMA application_id");
        id->version = store_pragma_int(db, "PRAGMA user_version");
        id->carid_tables = store_pragma_int(
            db, "SELECT count(*) = 3 FROM sqlite_master WHERE type = 'table'"
                " AND name IN ('docs', 'fts', 'meta')");
    } else {
        snprintf(err, errlen,
                 "%s is not an SQLite database carid can read (%s): carid "
                 "leaves it as it is; move it away or give carid another "
                 "data directory",
                 path, db != NULL ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    }
    sqlite3_close(db);
    return id->entries >= 0 ? 0 : -1;
}

static int64_t
store_now_usec(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Progress handler: nonzero (stop) once *arg, a deadline, has passed. */
static int
store_check_expired(void *arg)
{
    return store_now_usec() >= *(const int64_t *)arg;
}

/* Read-only, so that nothing is written to the file: immutable (no lock,
 * no -shm made) when there is no -wal to read, else an ordinary read-only
 * connection, which reads the WAL an unclean stop left. */
static int
store_open_ro(const char *path, sqlite3 **db)
{
    char uri[8192], wal[4096];
    struct stat st;

    snprintf(wal, sizeof wal, "%s-wal", path);
    if (stat(wal, &st) == 0 || store_uri_ro(path, uri, sizeof uri) != 0)
        return sqlite3_open_v2(path, db, SQLITE_OPEN_READONLY, NULL);
    return sqlite3_open_v2(uri, db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI,
                           NULL);
}

int
store_quick_check(const char *path, int64_t limit_usec, char *msg,
                  size_t msglen, double *secs)
{
    int64_t t0 = store_now_usec(), deadline = t0 + limit_usec;
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
    rc = store_open_ro(path, &db);
    if (rc == SQLITE_OK && limit_usec > 0)
        sqlite3_progress_handler(db, 10000, store_check_expired, &deadline);
    /* at most 10 problems: the first say enough */
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(db, "PRAGMA quick_check(10)", -1, &stmt, NULL);
    while (rc == SQLITE_OK && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        const char *line = (const char *)sqlite3_column_text(stmt, 0);

        rc = SQLITE_OK;
        if (line == NULL || (rows++ == 0 && strcmp(line, "ok") == 0))
            continue;
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
    } else if (rc != SQLITE_DONE && store_is_corrupt(rc)) {
        store_corrupt_text(rc, NULL, msg, msglen);
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
    *secs = (double)(store_now_usec() - t0) / 1e6;
    return out;
}

/*
 * carid writes only to its own file.  Before anything writes (WAL mode
 * included), an existing non-empty file must be carid's: its
 * application_id, or an index made before carid set one (schema 3 with
 * carid's tables: store_init() then sets the id), or an SQLite database
 * with nothing in it.  Anything else is refused, and left as it was.
 */
static int
store_check_file(const char *path, char *err, size_t errlen)
{
    struct store_file_id id;
    struct stat st;

    if (stat(path, &st) != 0 ? errno == ENOENT : st.st_size == 0)
        return 0; /* a new index (any other stat error: read says why) */
    if (store_file_read(path, &id, err, errlen) != 0) return -1;
    if (id.app == 0 && id.version == 0 && id.entries == 0) return 0;
    if (id.app == STORE_APP_ID || (id.app == 0 && id.carid_tables == 1)) {
        if (id.version == STORE_SCHEMA) return 0;
        snprintf(err, errlen,
                 "%s: schema version %d, plugin expects %d (feed the"
                 " articles again into a new data directory)",
                 STORE_FILE, id.version, STORE_SCHEMA);
        return -1;
    }
    snprintf(err, errlen,
             "%s is not a carid index (application_id %#x, user_version %d,"
             " %d schema entries): carid leaves it as it is; move it away or"
             " give carid another data directory",
             path, (unsigned)id.app, id.version, id.entries);
    return -1;
}

/* Switches to WAL, creates the schema if the file is new and gives it
 * carid's application_id, in one transaction.  store_check_file() has
 * made sure the file is carid's. */
static int
store_init(struct store *s, sqlite3 *db, char *err, size_t errlen)
{
    sqlite3_stmt *stmt = NULL;
    const char *mode, *tokenize;
    char schema[sizeof store_schema + sizeof store_schema_tail + 32];
    int rc, wal = 0, version;

    rc = sqlite3_prepare_v2(db, "PRAGMA journal_mode=WAL", -1, &stmt, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        mode = (const char *)sqlite3_column_text(stmt, 0);
        wal = mode != NULL && strcmp(mode, "wal") == 0;
        rc = SQLITE_OK;
    }
    sqlite3_finalize(stmt);
    if (rc == SQLITE_OK && !wal) {
        snprintf(err, errlen, "%s: cannot switch to WAL mode", STORE_FILE);
        return -1;
    }
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    version =
        rc == SQLITE_OK ? store_pragma_int(db, "PRAGMA user_version") : -1;
    if (rc == SQLITE_OK && version == 0) {
        if ((tokenize = store_tokenize(err, errlen)) == NULL) {
            sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
            return -1;
        }
        snprintf(schema, sizeof schema, "%s%s%s", store_schema, tokenize,
                 store_schema_tail);
        rc = sqlite3_exec(db, schema, NULL, NULL, NULL);
    }
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db, STORE_FTS_CONFIG, NULL, NULL, NULL);
    if (rc == SQLITE_OK &&
        store_pragma_int(db, "PRAGMA application_id") != STORE_APP_ID) {
        snprintf(schema, sizeof schema, "PRAGMA application_id=%d",
                 STORE_APP_ID);
        rc = sqlite3_exec(db, schema, NULL, NULL, NULL);
    }
    if (rc == SQLITE_OK) rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        store_error(s, sqlite3_extended_errcode(db), STORE_FILE,
                    sqlite3_errmsg(db), err, errlen);
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    return 0;
}

/* A non-negative integer from the environment, or dflt. */
static int64_t
store_env_int(const char *name, int64_t dflt)
{
    const char *v = getenv(name);
    char *end;
    long long n;

    if (v == NULL || *v == '\0') return dflt;
    n = strtoll(v, &end, 10);
    return *end == '\0' && n >= 0 ? (int64_t)n : dflt;
}

/* A store for the file at path, checked to be carid's; nothing opened. */
static int
store_new(const struct carid_host *host, const char *path, struct store **out,
          char *err, size_t errlen)
{
    struct store *s;

    /* No global allocation counters: they take one process-wide mutex
     * per malloc, which every query thread then queues on.  Only possible
     * before SQLite is initialised; later it changes nothing. */
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    s = calloc(1, sizeof *s);
    if (s != NULL) pthread_mutex_init(&s->want_mu, NULL);
    if (s == NULL || (s->path = strdup(path)) == NULL) {
        snprintf(err, errlen, "out of memory");
        store_close(s);
        return -1;
    }
    s->host = host;
    s->top_min_df = store_env_int(STORE_TOP_MIN_DF_ENV, STORE_TOP_MIN_DF);
    s->top_size = store_env_int(STORE_TOP_SIZE_ENV, STORE_TOP_SIZE);
    if (s->top_size < 1) s->top_size = 1;
    if (options_parse(host->options, &s->opt, err, errlen) != 0 ||
        store_check_file(s->path, err, errlen) != 0) {
        store_close(s);
        return -1;
    }
    *out = s;
    return 0;
}

/* WAL mode, the schema and the id (store_init()), then which tokenizer:
 * all but the last skipped when the index is known corrupt, since they
 * write.  A corruption found here is not fatal either: the daemon starts
 * with writes refused. */
static int
store_prepare_file(struct store *s, char *err, size_t errlen)
{
    sqlite3 *db = NULL;

    if (store_connect(s, 1, NULL, &db, err, errlen) != 0) return -1;
    if (s->corrupt == 0 && store_init(s, db, err, errlen) != 0 &&
        s->corrupt == 0) {
        sqlite3_close(db);
        return -1;
    }
    s->stem = store_stems(db);
    sqlite3_close(db);
    return 0;
}

/* The start check (DESIGN.md, "Corruption"): after an unclean stop
 * (STORE_RUNNING left behind), PRAGMA quick_check, at most
 * STORE_START_CHECK_SEC; corruption marks s.  Then STORE_RUNNING is made
 * again, with this process's id, and fsynced. */
#define STORE_START_CHECK_SEC 120
static int
store_start_check(struct store *s, const char *marker, char *err,
                  size_t errlen)
{
    char msg[512], pid[32];
    struct stat st;
    double secs;
    int fd, rc, n;

    if (stat(marker, &st) == 0) {
        rc = store_quick_check(s->path, STORE_START_CHECK_SEC * 1000000LL,
                               msg, sizeof msg, &secs);
        s->host->log(rc == 0 ? CARID_LOG_INFO : CARID_LOG_ERR,
                     "unclean stop: quick check of %s: %s (%.2f s)%s",
                     s->path, msg, secs,
                     rc == 1 ? "; writes and BACKUP refused, searches go on"
                     : rc == 2 ? "; run carid --check when you can"
                               : "");
        if (rc == 1) s->corrupt = SQLITE_CORRUPT;
    }
    fd = open(marker, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
              0644);
    n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    if (fd < 0 || write(fd, pid, (size_t)n) != n || fsync(fd) != 0) {
        snprintf(err, errlen, "%s: %s", marker, strerror(errno));
        if (fd >= 0) close(fd);
        return -1;
    }
    close(fd);
    s->marked = 1;
    return 0;
}

int
store_open_file(const struct carid_host *host, const char *path,
                struct store **out, char *err, size_t errlen)
{
    if (store_new(host, path, out, err, errlen) != 0) return -1;
    if (store_prepare_file(*out, err, errlen) != 0) {
        store_close(*out);
        return -1;
    }
    return 0;
}

int
store_open(const struct carid_host *host, const char *dir, struct store **out,
           char *err, size_t errlen)
{
    char path[4096], marker[4096];
    struct store *s;

    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "mkdir(%s) failed: %s", dir, strerror(errno));
        return -1;
    }
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, STORE_FILE) >=
            sizeof path ||
        (size_t)snprintf(marker, sizeof marker, "%s/%s", dir,
                         STORE_RUNNING) >= sizeof marker) {
        snprintf(err, errlen, "%s: path too long", dir);
        return -1;
    }
    if (store_new(host, path, &s, err, errlen) != 0) return -1;
    if (store_start_check(s, marker, err, errlen) != 0 ||
        store_prepare_file(s, err, errlen) != 0) {
        store_close(s);
        return -1;
    }
    *out = s;
    return 0;
}

void
store_close(struct store *s)
{
    if (s == NULL) return;
    /* A clean stop; a corrupt index keeps its mark, and is checked again
     * at the next start. */
    if (s->marked && __atomic_load_n(&s->corrupt, __ATOMIC_SEQ_CST) == 0) {
        char marker[4096];
        const char *slash = strrchr(s->path, '/');

        snprintf(marker, sizeof marker, "%.*s/%s",
                 (int)(slash != NULL ? slash - s->path : 1),
                 slash != NULL ? s->path : ".", STORE_RUNNING);
        unlink(marker);
    }
    pthread_mutex_destroy(&s->want_mu);
    free(s->path);
    free(s);
}

int
store_conn_open(struct store *s, int writer, struct store_conn **out, char *err,
                size_t errlen)
{
    struct store_conn *c;

    c = calloc(1, sizeof *c);
    if (c == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    c->store = s;
    c->writer = writer;
    if (store_connect(s, writer, writer ? &c->replay : NULL, &c->db, err,
                      errlen) != 0) {
        free(c);
        return -1;
    }
    *out = c;
    return 0;
}

void
store_conn_close(struct store_conn *c)
{
    int i;

    if (c == NULL) return;
    for (i = 0; i < STORE_STMT_COUNT; i++)
        sqlite3_finalize(c->stmt[i]);
    for (i = 0; i < STORE_QUERY_SLOTS; i++)
        sqlite3_finalize(c->query[i]);
    if (c->writer && !sqlite3_get_autocommit(c->db))
        sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(c->db);
    tokenizer_free(c->tok);
    tokenizer_free(c->rec_tok);
    toplist_free(c->top);
    fts_batch_free(&c->fts);
    free(c);
}

int
store_run(struct store_conn *c, enum store_stmt which, const char *what,
          char *err, size_t errlen)
{
    sqlite3_stmt *stmt;
    int rc;

    stmt = store_stmt(c, which, err, errlen);
    if (stmt == NULL) return -1;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
        ;
    if (rc != SQLITE_DONE) store_fail(c, what, err, errlen);
    store_done(stmt);
    return rc == SQLITE_DONE ? 0 : -1;
}

int
store_savepoint_end(struct store_conn *c, int failed, char *err,
                    size_t errlen)
{
    char scratch[128] = "";

    if (failed)
        store_run(c, STORE_ROLLBACK_TO, "rollback", scratch, sizeof scratch);
    if (store_run(c, STORE_RELEASE, "release", failed ? scratch : err,
                  failed ? sizeof scratch : errlen) != 0)
        return -1;
    return failed ? -1 : 0;
}

/*
 * SQLite rolls a transaction back by itself on SQLITE_NOMEM, and when that
 * happens inside FTS5's xUpdate (in a read of its own), FTS5 goes on and
 * caches totals that count the article that failed; the next commit wrote
 * them (integrity-check then fails: SQLite 3.40).  A rollback of a
 * transaction FTS5 has joined drops that cache.
 */
static int
store_fts_reset(struct store_conn *c, char *err, size_t errlen)
{
    int rc = sqlite3_exec(c->db, "BEGIN;" STORE_FTS_CONFIG "ROLLBACK;", NULL,
                          NULL, NULL);

    if (rc != SQLITE_OK) {
        store_fail_rc(c, rc, "begin", err, errlen);
        if (!sqlite3_get_autocommit(c->db))
            sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    c->fts_stale = 0;
    return 0;
}

int
store_begin(struct store_conn *c, char *err, size_t errlen)
{
    if (store_refused(c->store, err, errlen) != 0) return -1;
    if (c->fts_stale && store_fts_reset(c, err, errlen) != 0) return -1;
    if (store_run(c, STORE_BEGIN, "begin", err, errlen) != 0) return -1;
    c->in_txn = 1;
    c->failed[0] = '\0';
    /* before the lists are loaded, so that a new one is kept exact */
    toplist_build_wanted(c);
    if (toplist_begin(c, err, errlen) != 0) {
        store_rollback(c);
        return -1;
    }
    return 0;
}

/*
 * A put or del that fails after it started writing leaves docs and fts out
 * of step, so it fails its whole batch: commit refuses and the writer rolls
 * back (every write of the batch is answered with the error; none is half
 * done).  Not a SAVEPOINT per write: FTS5 flushes its pending terms to a
 * new segment at every savepoint, which halved ingest speed.  What a client
 * can get wrong (the id) is checked before anything is written.
 */
static int
store_write_failed(struct store_conn *c, const char *err)
{
    if (c->failed[0] == '\0')
        snprintf(c->failed, sizeof c->failed, "%s", err);
    return -1;
}

/* SQLite may roll the whole transaction back by itself after an error
 * (SQLITE_NOMEM, SQLITE_FULL, SQLITE_IOERR): a write after that would
 * commit on its own, without the index writes held for commit, and leave
 * docs and fts out of step.  So the batch fails once its transaction has
 * gone. */
static int
store_txn_gone(struct store_conn *c, char *err, size_t errlen)
{
    if (!c->in_txn || !sqlite3_get_autocommit(c->db)) return 0;
    snprintf(err, errlen, "the batch was rolled back after an error%s%s",
             c->failed[0] != '\0' ? ": " : "", c->failed);
    return store_write_failed(c, err);
}

struct store_fts_ctx {
    struct store_conn *c;
    char *err;
    size_t errlen;
};

static int
store_fts_write(void *ctx, const struct fts_op *op)
{
    struct store_fts_ctx *x = ctx;
    sqlite3_stmt *stmt;
    int rc;

    stmt = store_stmt(x->c, op->del ? STORE_FTS_DELETE : STORE_FTS_INSERT,
                      x->err, x->errlen);
    if (stmt == NULL) return -1;
    rc = sqlite3_bind_int64(stmt, 1, op->rowid);
    if (rc == SQLITE_OK) rc = store_bind(stmt, 2, op->title);
    if (rc == SQLITE_OK) rc = store_bind(stmt, 3, op->body);
    x->c->replay.tk[0] = &op->tok[0];
    x->c->replay.tk[1] = &op->tok[1];
    if (rc == SQLITE_OK) rc = sqlite3_step(stmt);
    x->c->replay.tk[0] = x->c->replay.tk[1] = NULL;
    if (rc != SQLITE_DONE)
        store_fail(x->c, op->del ? "unindex" : "index", x->err, x->errlen);
    store_done(stmt);
    if (rc != SQLITE_DONE) return -1;
    return toplist_doc(x->c, op->del ? -1 : 1, op->rowid, op->title, op->body,
                       op->tok, x->err, x->errlen);
}

/* Applies the held fts writes (fts_batch.h) in rowid order, noting them
 * for the top lists; rec_tok records their tokens on the helper thread
 * meanwhile, for FTS5 and the lists to replay. */
static int
store_fts_apply(struct store_conn *c, char *err, size_t errlen)
{
    struct store_fts_ctx x = {c, err, errlen};

    if (c->rec_tok == NULL &&
        (c->rec_tok = tokenizer_new(c->store->stem, err, errlen)) == NULL)
        return store_write_failed(c, err);
    if (fts_batch_apply(&c->fts, c->rec_tok, store_fts_write, &x) != 0)
        return store_write_failed(c, err);
    return 0;
}

/* Holds one fts write; applies them all when they grow too big. */
static int
store_fts_hold(struct store_conn *c, int del, int64_t rowid,
               struct carid_str title, struct carid_str body, char *err,
               size_t errlen)
{
    if (fts_batch_add(&c->fts, del, rowid, title, body) != 0) {
        snprintf(err, errlen, "out of memory");
        return store_write_failed(c, err);
    }
    if (c->fts.bytes > FTS_BATCH_MAX_BYTES)
        return store_fts_apply(c, err, errlen);
    return 0;
}

int
store_commit(struct store_conn *c, char *err, size_t errlen)
{
    if (store_refused(c->store, err, errlen) != 0) return -1;
    if (c->failed[0] != '\0') {
        snprintf(err, errlen, "a write in this batch failed (%s)", c->failed);
        return -1;
    }
    if (store_txn_gone(c, err, errlen) != 0) return -1;
    if (store_fts_apply(c, err, errlen) != 0 ||
        toplist_commit(c, err, errlen) != 0 ||
        store_run(c, STORE_COMMIT, "commit", err, errlen) != 0) {
        toplist_forget(c);
        return -1;
    }
    c->in_txn = 0;
    return 0;
}

void
store_rollback(struct store_conn *c)
{
    char err[128];

    /* A failed COMMIT (SQLITE_FULL, IOERR) may have rolled back already. */
    if (!sqlite3_get_autocommit(c->db))
        store_run(c, STORE_ROLLBACK, "rollback", err, sizeof err);
    else if (c->in_txn)
        c->fts_stale = 1; /* SQLite rolled back: store_fts_reset() */
    c->in_txn = 0;
    fts_batch_clear(&c->fts);
    toplist_forget(c);
}

/* Looks id up: 1 with its row (rowid, title, body) in *find, which
 * store_unindex() then resets; 0 if there is none; -1 on error. */
static int
store_find(struct store_conn *c, struct carid_str id, sqlite3_stmt **find,
           char *err, size_t errlen)
{
    int rc;

    if ((*find = store_stmt(c, STORE_FIND, err, errlen)) == NULL) return -1;
    rc = store_bind(*find, 1, id);
    if (rc == SQLITE_OK) rc = sqlite3_step(*find);
    if (rc == SQLITE_ROW) return 1;
    if (rc != SQLITE_DONE) store_fail(c, "unindex", err, errlen);
    store_done(*find);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* Removes the row store_find() found from docs and fts, and resets find. */
static int
store_unindex(struct store_conn *c, sqlite3_stmt *find, char *err,
              size_t errlen)
{
    sqlite3_int64 rowid = sqlite3_column_int64(find, 0);
    sqlite3_stmt *del;
    int rc;

    /* Put earlier in this batch and still held: never reached FTS5. */
    if (fts_batch_drop(&c->fts, rowid))
        rc = 0;
    else
        rc = store_fts_hold(c, 1, rowid, store_column(find, 1),
                            store_column(find, 2), err, errlen);
    store_done(find);
    if (rc != 0) return -1;
    if ((del = store_stmt(c, STORE_DELETE, err, errlen)) == NULL) return -1;
    rc = sqlite3_bind_int64(del, 1, rowid);
    if (rc == SQLITE_OK) rc = sqlite3_step(del);
    if (rc != SQLITE_DONE) store_fail(c, "unindex", err, errlen);
    store_done(del);
    return rc == SQLITE_DONE ? 0 : -1;
}

/*
 * The rowid a new article dated date gets: one more than the day's last
 * (docid.h), or -1 when the day is full, before anything is written.  A
 * deleted last article's rowid may be given again; FTS5 and the top lists
 * see the delete first (fts_batch.h keeps one rowid's writes in order).
 */
static int64_t
store_next_rowid(struct store_conn *c, struct carid_str date, char *err,
                 size_t errlen)
{
    int64_t day = docid_day(date.p, date.len), n = 0;
    sqlite3_stmt *stmt;
    int rc;

    if ((stmt = store_stmt(c, STORE_DAY_LAST, err, errlen)) == NULL) return -1;
    rc = sqlite3_bind_int64(stmt, 1, docid_first(day));
    if (rc == SQLITE_OK) rc = sqlite3_bind_int64(stmt, 2, docid_last(day));
    if (rc == SQLITE_OK) rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW && sqlite3_column_type(stmt, 0) != SQLITE_NULL)
        n = docid_n(sqlite3_column_int64(stmt, 0));
    if (rc != SQLITE_ROW) store_fail(c, "put", err, errlen);
    store_done(stmt);
    if (rc != SQLITE_ROW) return -1;
    if (n >= DOCID_N_MAX) {
        snprintf(err, errlen, "more than %lld articles dated %.*s",
                 (long long)DOCID_N_MAX, day > 0 ? (int)date.len : 7,
                 day > 0 ? date.p : "(none)");
        return -1;
    }
    return docid_make(day, n + 1);
}

/* Inserts doc as row rowid; its indexing is held until commit. */
static int
store_insert(struct store_conn *c, const struct carid_doc *doc, int64_t rowid,
             char *err, size_t errlen)
{
    sqlite3_stmt *ins;
    int rc, i;

    if ((ins = store_stmt(c, STORE_INSERT, err, errlen)) == NULL) return -1;
    rc = store_bind(ins, 1, doc->id);
    for (i = 0; i < CARID_FIELD_COUNT && rc == SQLITE_OK; i++)
        rc = store_bind(ins, i + 2, doc->field[i]);
    if (rc == SQLITE_OK) rc = sqlite3_bind_int64(ins, 7, rowid);
    if (rc == SQLITE_OK) rc = sqlite3_step(ins);
    if (rc != SQLITE_DONE) store_fail(c, "put", err, errlen);
    store_done(ins);
    if (rc != SQLITE_DONE) return -1;
    return store_fts_hold(c, 0, rowid, doc->field[CARID_FIELD_TITLE],
                          doc->field[CARID_FIELD_BODY], err, errlen);
}

static int
store_check_id(struct carid_str id, char *err, size_t errlen)
{
    if (id.p == NULL || id.len == 0 || id.len > STORE_MAX_ID) {
        snprintf(err, errlen, "id must be 1 to %d bytes", STORE_MAX_ID);
        return -1;
    }
    return 0;
}

/*
 * An upsert that keeps its day keeps its rowid (its rank in the day): so
 * feeding the same article again changes no rowid and no order, and
 * upserts never use up a day's ranks.  FTS5 and the top lists get the
 * delete of the old text, then the insert of the new, at the same rowid
 * (fts_batch.h keeps one rowid's writes in arrival order).
 */
static int64_t
store_kept_rowid(sqlite3_stmt *find, struct carid_str date)
{
    int64_t old = sqlite3_column_int64(find, 0);
    int64_t day = docid_day(date.p, date.len);

    return old >= docid_first(day) && old <= docid_last(day) ? old : 0;
}

int
store_put(struct store_conn *c, const struct carid_doc *doc, char *err,
          size_t errlen)
{
    struct carid_str date = doc->field[CARID_FIELD_DATE];
    sqlite3_stmt *find;
    int64_t rowid = 0;
    int found;

    if (store_refused(c->store, err, errlen) != 0 ||
        store_check_id(doc->id, err, errlen) != 0 ||
        store_txn_gone(c, err, errlen) != 0)
        return -1;
    if ((found = store_find(c, doc->id, &find, err, errlen)) < 0)
        return store_write_failed(c, err);
    if (found) rowid = store_kept_rowid(find, date);
    /* a full day is the client's problem: the batch goes on */
    if (rowid == 0 && (rowid = store_next_rowid(c, date, err, errlen)) < 0) {
        if (found) store_done(find);
        return -1;
    }
    if ((found && store_unindex(c, find, err, errlen) != 0) ||
        store_insert(c, doc, rowid, err, errlen) != 0)
        return store_write_failed(c, err);
    return 0;
}

int
store_del(struct store_conn *c, struct carid_str id, int *removed, char *err,
          size_t errlen)
{
    sqlite3_stmt *find;
    int found;

    *removed = 0;
    if (store_refused(c->store, err, errlen) != 0 ||
        store_check_id(id, err, errlen) != 0 ||
        store_txn_gone(c, err, errlen) != 0)
        return -1;
    found = store_find(c, id, &find, err, errlen);
    if (found < 0 || (found && store_unindex(c, find, err, errlen) != 0))
        return store_write_failed(c, err);
    *removed = found;
    return 0;
}

/*
 * Merges FTS5's segments, then rebuilds the top lists.  Inside a batch it
 * runs under a savepoint (one per OPTIMIZE is cheap), with the batch's notes
 * applied first, so that a failure leaves the batch and its lists as they
 * were.
 */
int
store_optimize(struct store_conn *c, char *err, size_t errlen)
{
    int own = !c->in_txn, failed;

    if (store_refused(c->store, err, errlen) != 0 ||
        store_txn_gone(c, err, errlen) != 0)
        return -1;
    if (own && store_begin(c, err, errlen) != 0) return -1;
    if (store_fts_apply(c, err, errlen) != 0 ||
        toplist_commit(c, err, errlen) != 0 ||
        store_run(c, STORE_SAVEPOINT, "savepoint", err, errlen) != 0) {
        if (own) store_rollback(c);
        return -1;
    }
    failed = store_run(c, STORE_OPTIMIZE, "optimize", err, errlen) != 0 ||
             toplist_build(c, err, errlen) != 0;
    failed = store_savepoint_end(c, failed, err, errlen) != 0;
    toplist_forget(c);
    if (own) {
        if (failed) store_rollback(c);
        return failed ? -1 : store_commit(c, err, errlen);
    }
    /* the batch goes on: later puts must see the new lists */
    if (toplist_begin(c, err, errlen) != 0) return -1;
    return failed ? -1 : 0;
}

int
store_get(struct store_conn *c, struct carid_str id, carid_doc_fn *fn,
          void *ctx, int *found, char *err, size_t errlen)
{
    struct carid_doc doc;
    sqlite3_stmt *stmt;
    int rc;

    *found = 0;
    if (id.p == NULL || id.len == 0 || id.len > STORE_MAX_ID)
        return 0; /* cannot exist */
    stmt = store_stmt(c, STORE_DOC, err, errlen);
    if (stmt == NULL) return -1;
    rc = store_bind(stmt, 1, id);
    if (rc == SQLITE_OK) rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        store_doc_read(stmt, (1u << CARID_FIELD_COUNT) - 1, &doc);
        *found = 1;
        fn(ctx, &doc); /* nonzero only means "stop": there is no more */
    } else if (rc != SQLITE_DONE)
        store_fail(c, "get", err, errlen);
    store_done(stmt);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

int
store_varint(const unsigned char *p, size_t n, size_t *i, uint64_t *v)
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
store_varint_sum(const void *blob, size_t n)
{
    const unsigned char *p = blob;
    uint64_t v;
    int64_t sum = 0;
    size_t i = 0;

    while (p != NULL && i < n && store_varint(p, n, &i, &v))
        sum += (int64_t)v;
    return sum;
}

int
store_averages(struct store_conn *c, int64_t *ndocs, int64_t *ntok, char *err,
               size_t errlen)
{
    const unsigned char *p;
    sqlite3_stmt *stmt;
    uint64_t v;
    size_t n, i = 0;
    int rc;

    *ndocs = 0;
    if (ntok != NULL) *ntok = 0;
    stmt = store_stmt(c, STORE_AVERAGES, err, errlen);
    if (stmt == NULL) return -1;
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        p = sqlite3_column_blob(stmt, 0);
        n = (size_t)sqlite3_column_bytes(stmt, 0);
        if (p != NULL && store_varint(p, n, &i, &v)) *ndocs = (int64_t)v;
        if (p != NULL && ntok != NULL) *ntok = store_varint_sum(p + i, n - i);
    }
    store_done(stmt);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return store_fail_rc(c, rc, "averages", err, errlen);
    return 0;
}

/* Segments in the FTS5 structure record (fts_data id 10), or -1. */
static int64_t
store_segments(struct store_conn *c, char *err, size_t errlen)
{
    static const unsigned char v2[4] = {0xff, 0x00, 0x00, 0x01};
    const unsigned char *p;
    sqlite3_stmt *stmt;
    uint64_t levels, segments;
    int64_t out = -1;
    size_t n, i = 4; /* after the 32-bit cookie */

    stmt = store_stmt(c, STORE_STRUCTURE, err, errlen);
    if (stmt == NULL) return -1;
    if (sqlite3_step(stmt) == SQLITE_ROW) {
        p = sqlite3_column_blob(stmt, 0);
        n = (size_t)sqlite3_column_bytes(stmt, 0);
        /* SQLite >= 3.44 may mark a version 2 record. */
        if (p != NULL && n >= 8 && memcmp(p + 4, v2, 4) == 0) i = 8;
        if (p != NULL && store_varint(p, n, &i, &levels) &&
            store_varint(p, n, &i, &segments))
            out = (int64_t)segments;
    }
    store_done(stmt);
    return out;
}

static int64_t
store_file_size(const char *path, const char *suffix)
{
    char name[4096];
    struct stat st;

    snprintf(name, sizeof name, "%s%s", path, suffix);
    return stat(name, &st) == 0 ? (int64_t)st.st_size : 0;
}

/* Steps a one-value statement; -1 with err set on failure. */
static int64_t
store_scalar(struct store_conn *c, enum store_stmt which, char *err,
             size_t errlen)
{
    sqlite3_stmt *stmt;
    int64_t v = -1;
    int rc;

    stmt = store_stmt(c, which, err, errlen);
    if (stmt == NULL) return -1;
    if ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
        v = sqlite3_column_int64(stmt, 0);
    else
        store_fail_rc(c, rc == SQLITE_DONE ? SQLITE_CORRUPT : rc, "stats",
                      err, errlen);
    store_done(stmt);
    return v;
}

int
store_stats(struct store_conn *c, carid_stat_fn *fn, void *ctx, char *err,
            size_t errlen)
{
    int64_t docs, freelist, segments, words;

    docs = store_scalar(c, STORE_COUNT, err, errlen);
    freelist = store_scalar(c, STORE_FREELIST, err, errlen);
    if (docs < 0 || freelist < 0) return -1;
    segments = store_segments(c, err, errlen);
    if (fn(ctx, "documents", docs) || fn(ctx, "freelist_pages", freelist) ||
        fn(ctx, "db_bytes", store_file_size(c->store->path, "")) ||
        fn(ctx, "wal_bytes", store_file_size(c->store->path, "-wal")))
        return 0;
    if (segments >= 0 && fn(ctx, "fts_segments", segments)) return 0;
    words = store_scalar(c, STORE_TERM_COUNT, err, errlen);
    if (words < 0) return -1;
    if (fn(ctx, "toplist_words", words) ||
        fn(ctx, "toplist_pages",
           __atomic_load_n(&c->store->top_pages, __ATOMIC_RELAXED)))
        return 0;
    /* the memory bounds of options.h, per connection */
    if (fn(ctx, "mmap_bytes", c->store->opt.mmap_mb << 20) ||
        fn(ctx, "cache_bytes", c->store->opt.cache_mb << 20))
        return 0;
    fn(ctx, "writer_cache_bytes", c->store->opt.writer_cache_mb << 20);
    return 0;
}

int
store_backup(struct store_conn *c, const char *path, char *err, size_t errlen)
{
    sqlite3 *dst = NULL;
    sqlite3_backup *b;
    char what[4200];
    int rc;

    /* A copy of a corrupt index would pass for a sound one. */
    if (store_refused(c->store, err, errlen) != 0) return -1;
    /* The daemon created the empty file (no CREATE: a name that has gone
     * is not made again); a failed copy is deleted, so it needs no
     * journal beside it. */
    rc = sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(dst, "PRAGMA journal_mode=OFF", NULL, NULL, NULL);
    if (rc == SQLITE_OK) {
        b = sqlite3_backup_init(dst, "main", c->db, "main");
        if (b == NULL)
            rc = sqlite3_errcode(dst);
        else {
            /* One step: the copy is a single consistent snapshot. */
            rc = sqlite3_backup_step(b, -1);
            if (rc == SQLITE_DONE) rc = SQLITE_OK;
            if (sqlite3_backup_finish(b) != SQLITE_OK && rc == SQLITE_OK)
                rc = sqlite3_errcode(dst);
        }
    }
    snprintf(what, sizeof what, "backup to %s", path);
    if (rc != SQLITE_OK)
        store_error(c->store, rc, what,
                    dst != NULL && sqlite3_errcode(dst) != SQLITE_OK
                        ? sqlite3_errmsg(dst)
                        : NULL,
                    err, errlen);
    sqlite3_close(dst);
    return rc == SQLITE_OK ? 0 : -1;
}
