/*
 * store.c - carid.db: the documents table, its external-content FTS5 index
 * and the connections that use them.  The writer keeps docs and fts in step
 * inside its transaction; readers are query_only connections reading WAL
 * snapshots in parallel with it.  The SQLite plumbing is db.c's.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alias.h"
#include "db.h"
#include "docid.h"
#include "dups.h"
#include "fts5_tokenizer.h"
#include "fts_batch.h"
#include "posts.h"
#include "posts_cache.h"
#include "posts_fresh.h"
#include "posts_merge.h"
#include "rank.h"
#include "schema.h"
#include "snippet.h"
#include "sources.h"
#include "spell.h"
#include "spell_learn.h"
#include "store.h"
#include "tokenizer.h"
#include "tokens.h"
#include "toplist.h"
#include "toplist_hot.h"

enum store_stmt {
    STORE_FIND,      /* rowid, title, body, source of an id */
    STORE_DOC,       /* fields of an id */
    STORE_DOC_ROWID, /* fields of a rowid */
    STORE_INSERT,
    STORE_DELETE,
    STORE_FTS_INSERT,
    STORE_FTS_DELETE,
    STORE_COUNT,
    STORE_STRUCTURE,
    STORE_FREELIST,
    STORE_OPTIMIZE,
    STORE_DAY_LAST,
    STORE_STMT_COUNT
};

static const char *const store_sql[STORE_STMT_COUNT] = {
    [STORE_FIND] = "SELECT rowid, title, body, source FROM docs WHERE id = ?1",
    [STORE_DOC] = "SELECT " STORE_DOC_COLUMNS " FROM docs WHERE id = ?1",
    [STORE_DOC_ROWID] = "SELECT " STORE_DOC_COLUMNS " FROM docs"
                        " WHERE rowid = ?1",
    /* ?2.. follow enum carid_field: title, body, source, url, date, place,
     * author, raw */
    [STORE_INSERT] = "INSERT INTO docs(id, title, body, source, url, date,"
                     " place, author, raw, rowid)"
                     " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    [STORE_DELETE] = "DELETE FROM docs WHERE rowid = ?1",
    [STORE_FTS_INSERT] = "INSERT INTO fts(rowid, title, body)"
                         " VALUES (?1, ?2, ?3)",
    /* External content: FTS5 must be told the OLD values to unindex. */
    [STORE_FTS_DELETE] = "INSERT INTO fts(fts, rowid, title, body)"
                         " VALUES ('delete', ?1, ?2, ?3)",
    [STORE_COUNT] = "SELECT count(*) FROM docs",
    [STORE_STRUCTURE] = "SELECT block FROM fts_data WHERE id = 10",
    [STORE_FREELIST] = "PRAGMA freelist_count",
    [STORE_OPTIMIZE] = "INSERT INTO fts(fts) VALUES ('optimize')",
    [STORE_DAY_LAST] = "SELECT max(rowid) FROM docs"
                       " WHERE rowid BETWEEN ?1 AND ?2",
};

/* The writer's state between begin and commit. */
struct store_writer {
    int in_txn;                  /* between begin and commit */
    struct fts_batch fts;        /* held fts writes */
    struct tokens_replay replay; /* FTS5 may replay */
    struct tokenizer *rec_tok;   /* the helper's (fts_batch_apply) */
    char failed[160];            /* why this batch cannot commit, or "" */
    int fts_stale;               /* FTS5's cache outlived a rollback */
    int changed;  /* the batch wrote articles: the commit bumps the
                     generation (posts.h) */
    int64_t rows; /* FTS5 rows the batch added minus removed
                     (posts_fresh.h) */
};

/* Column of each carid_field in the STORE_DOC* rows. */
static const int store_doc_col[CARID_FIELD_COUNT] = {4, 5, 2, 3, 1, 6, 7, 8};

static sqlite3_stmt *
store_stmt(struct db_conn *c, enum store_stmt which, char *err, size_t errlen)
{
    return db_stmt(c, DB_OWN_STORE, which, STORE_STMT_COUNT, store_sql[which],
                   err, errlen);
}

sqlite3_stmt *
store_doc_stmt(struct db_conn *c, char *err, size_t errlen)
{
    return store_stmt(c, STORE_DOC_ROWID, err, errlen);
}

void
store_doc_read(sqlite3_stmt *stmt, unsigned want, struct carid_doc *doc)
{
    int i;

    doc->id = db_column(stmt, 0);
    for (i = 0; i < CARID_FIELD_COUNT; i++) {
        if (want & (1u << i))
            doc->field[i] = db_column(stmt, store_doc_col[i]);
        else {
            doc->field[i].p = NULL;
            doc->field[i].len = 0;
        }
    }
}

/* Opens the connection and makes it ready: timeouts, the tokenizer and the
 * SQL functions (rank.h, snippet.h), pragmas. */
static int
store_connect(const struct db *d, int writer, struct tokens_replay *replay,
              sqlite3 **out, char *err, size_t errlen)
{
    const char *path = d->path;
    sqlite3 *db = NULL;
    int rc;

    rc = db_open(path, writer, &db);
    if (rc == SQLITE_OK)
        rc = tokenizer_register_replay(db_fts5_api(db), replay);
    if (rc == SQLITE_OK) rc = rank_register(db_fts5_api(db));
    if (rc == SQLITE_OK) rc = snippet_register(db_fts5_api(db));
    if (rc == SQLITE_OK) rc = db_pragmas(d, writer, db);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "%s: %s", path,
                 db != NULL ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
        sqlite3_close(db);
        return -1;
    }
    *out = db;
    return 0;
}

static int
store_new(const struct carid_host *host, const char *path, struct db **out,
          char *err, size_t errlen)
{
    struct db *d;

    /* No global allocation counters: they take one process-wide mutex
     * per malloc, which every query thread then queues on.  Only possible
     * before SQLite is initialised; later it changes nothing. */
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    d = calloc(1, sizeof *d);
    if (d == NULL || (d->top = toplist_shared_new()) == NULL ||
        (d->path = strdup(path)) == NULL) {
        snprintf(err, errlen, "out of memory");
        store_close(d);
        return -1;
    }
    d->host = host;
    if (options_parse(host->options, &d->opt, err, errlen) != 0 ||
        schema_check_file(d->path, err, errlen) != 0) {
        store_close(d);
        return -1;
    }
    *out = d;
    return 0;
}

/* WAL mode, the schema and the id (schema_init()), then which tokenizer:
 * all but the last skipped when the index is known corrupt, since they
 * write.  A corruption found here is not fatal either: the daemon starts
 * with writes refused. */
static int
store_prepare_file(struct db *d, char *err, size_t errlen)
{
    sqlite3 *db = NULL;

    if (store_connect(d, 1, NULL, &db, err, errlen) != 0) return -1;
    if (d->corrupt == 0 && schema_init(d, db, err, errlen) != 0 &&
        d->corrupt == 0) {
        sqlite3_close(db);
        return -1;
    }
    d->stem = schema_stems(db);
    if (d->stem) schema_stemmer(d, db);
    sqlite3_close(db);
    return 0;
}

/* The start check (DESIGN.md, "Corruption"): after an unclean stop
 * (STORE_RUNNING left behind), PRAGMA quick_check, at most
 * STORE_START_CHECK_SEC; corruption marks d.  Then STORE_RUNNING is made
 * again, with this process's id, and fsynced. */
#define STORE_START_CHECK_SEC 120
static int
store_start_check(struct db *d, const char *marker, char *err, size_t errlen)
{
    char msg[512], pid[32];
    struct stat st;
    double secs;
    int fd, rc, n;

    if (stat(marker, &st) == 0) {
        rc = db_quick_check(d->path, STORE_START_CHECK_SEC * 1000000LL, msg,
                            sizeof msg, &secs);
        d->host->log(rc == 0 ? CARID_LOG_INFO : CARID_LOG_ERR,
                     "unclean stop: quick check of %s: %s (%.2f s)%s", d->path,
                     msg, secs,
                     rc == 1   ? "; writes and BACKUP refused, searches go on"
                     : rc == 2 ? "; run carid --check when you can"
                               : "");
        if (rc == 1) d->corrupt = SQLITE_CORRUPT;
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
    d->marked = 1;
    return 0;
}

int
store_open_file(const struct carid_host *host, const char *path,
                struct db **out, char *err, size_t errlen)
{
    if (store_new(host, path, out, err, errlen) != 0) return -1;
    if (store_prepare_file(*out, err, errlen) != 0) {
        store_close(*out);
        return -1;
    }
    return 0;
}

int
store_open(const struct carid_host *host, const char *dir, struct db **out,
           char *err, size_t errlen)
{
    char path[4096], marker[4096];
    struct db *d;

    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "mkdir(%s) failed: %s", dir, strerror(errno));
        return -1;
    }
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, DB_FILE) >=
            sizeof path ||
        (size_t)snprintf(marker, sizeof marker, "%s/%s", dir, STORE_RUNNING) >=
            sizeof marker) {
        snprintf(err, errlen, "%s: path too long", dir);
        return -1;
    }
    if (store_new(host, path, &d, err, errlen) != 0) return -1;
    if (store_start_check(d, marker, err, errlen) != 0 ||
        store_prepare_file(d, err, errlen) != 0) {
        store_close(d);
        return -1;
    }
    *out = d;
    return 0;
}

void
store_close(struct db *d)
{
    if (d == NULL) return;
    /* A clean stop; a corrupt index keeps its mark, and is checked again
     * at the next start. */
    if (d->marked && __atomic_load_n(&d->corrupt, __ATOMIC_SEQ_CST) == 0) {
        char marker[4096];
        const char *slash = strrchr(d->path, '/');

        snprintf(marker, sizeof marker, "%.*s/%s",
                 (int)(slash != NULL ? slash - d->path : 1),
                 slash != NULL ? d->path : ".", STORE_RUNNING);
        unlink(marker);
    }
    toplist_shared_free(d->top);
    free(d->path);
    free(d);
}

int
store_conn_open(struct db *d, int writer, struct db_conn **out, char *err,
                size_t errlen)
{
    struct db_conn *c;

    c = calloc(1, sizeof *c);
    if (c == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    c->index = d;
    c->writer = writer;
    if (writer && (c->w = calloc(1, sizeof *c->w)) == NULL) {
        snprintf(err, errlen, "out of memory");
        free(c);
        return -1;
    }
    if (store_connect(d, writer, writer ? &c->w->replay : NULL, &c->db, err,
                      errlen) != 0) {
        free(c->w);
        free(c);
        return -1;
    }
    *out = c;
    return 0;
}

void
store_conn_close(struct db_conn *c)
{
    if (c == NULL) return;
    db_conn_finalize(c);
    if (c->writer && !sqlite3_get_autocommit(c->db))
        sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(c->db);
    tokenizer_free(c->tok);
    toplist_free(c->top);
    alias_conn_free(c);
    posts_fresh_cache_free(c->fresh);
    posts_cache_free(c->posts);
    sources_free(c);
    spell_vocab_free(c->spell);
    spell_learn_free(c->learn);
    posts_merge_free(c->merge);
    if (c->w != NULL) {
        tokenizer_free(c->w->rec_tok);
        fts_batch_free(&c->w->fts);
        free(c->w);
    }
    free(c);
}

/*
 * SQLite rolls a transaction back by itself on SQLITE_NOMEM, and when that
 * happens inside FTS5's xUpdate (in a read of its own), FTS5 goes on and
 * caches totals that count the article that failed; the next commit wrote
 * them (integrity-check then fails: SQLite 3.40).  A rollback of a
 * transaction FTS5 has joined drops that cache.
 */
static int
store_fts_reset(struct db_conn *c, char *err, size_t errlen)
{
    int rc = sqlite3_exec(c->db, "BEGIN;" SCHEMA_FTS_CONFIG "ROLLBACK;", NULL,
                          NULL, NULL);

    if (rc != SQLITE_OK) {
        db_fail_rc(c, rc, "begin", err, errlen);
        if (!sqlite3_get_autocommit(c->db))
            sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    c->w->fts_stale = 0;
    return 0;
}

int
store_begin(struct db_conn *c, char *err, size_t errlen)
{
    if (db_refused(c->index, err, errlen) != 0) return -1;
    if (c->w->fts_stale && store_fts_reset(c, err, errlen) != 0) return -1;
    if (db_txn(c, DB_BEGIN, "begin", err, errlen) != 0) return -1;
    c->w->in_txn = 1;
    c->w->failed[0] = '\0';
    /* before the lists are loaded, so that a new one is kept exact */
    toplist_build_wanted(c);
    if (toplist_begin(c, err, errlen) != 0 ||
        sources_begin(c, err, errlen) != 0) {
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
store_write_failed(struct db_conn *c, const char *err)
{
    if (c->w->failed[0] == '\0')
        snprintf(c->w->failed, sizeof c->w->failed, "%s", err);
    return -1;
}

/* SQLite may roll the whole transaction back by itself after an error
 * (SQLITE_NOMEM, SQLITE_FULL, SQLITE_IOERR): a write after that would
 * commit on its own, without the index writes held for commit, and leave
 * docs and fts out of step.  So the batch fails once its transaction has
 * gone. */
static int
store_txn_gone(struct db_conn *c, char *err, size_t errlen)
{
    if (!c->w->in_txn || !sqlite3_get_autocommit(c->db)) return 0;
    snprintf(err, errlen, "the batch was rolled back after an error%s%s",
             c->w->failed[0] != '\0' ? ": " : "", c->w->failed);
    return store_write_failed(c, err);
}

struct store_fts_ctx {
    struct db_conn *c;
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
    if (rc == SQLITE_OK) rc = db_bind(stmt, 2, op->title);
    if (rc == SQLITE_OK) rc = db_bind(stmt, 3, op->body);
    x->c->w->replay.tk[0] = &op->tok[0];
    x->c->w->replay.tk[1] = &op->tok[1];
    if (rc == SQLITE_OK) rc = sqlite3_step(stmt);
    x->c->w->replay.tk[0] = x->c->w->replay.tk[1] = NULL;
    if (rc != SQLITE_DONE)
        db_fail(x->c, op->del ? "unindex" : "index", x->err, x->errlen);
    db_done(stmt);
    if (rc != SQLITE_DONE) return -1;
    x->c->w->rows += op->del ? -1 : 1;
    if (!op->del && !op->noted &&
        spell_learn_doc(x->c, op->title, op->body, op->tok, x->err,
                        x->errlen) != 0)
        return -1;
    return toplist_doc(x->c, op->del ? -1 : 1, op->rowid, op->title, op->body,
                       op->tok, x->err, x->errlen);
}

/* fts_batch_apply()'s note, on its helper thread: the spelling
 * vocabulary's share of a put (spell_learn.h, which locks), off the
 * writer's core while the helper is ahead.  The recordings are both made
 * (fts_batch.h), so the writer's tokenizer is never asked for; an error
 * here leaves the write to store_fts_write(), which says it. */
static int
store_fts_note(void *ctx, const struct fts_op *op)
{
    struct store_fts_ctx *x = ctx;
    char err[128];

    return op->del ? 0
                   : spell_learn_doc(x->c, op->title, op->body, op->tok, err,
                                     sizeof err);
}

/* Applies the held fts writes (fts_batch.h) in rowid order, noting them
 * for the top lists; rec_tok records their tokens on the helper thread
 * meanwhile, for FTS5 and the lists to replay, and notes them for
 * spelling. */
static int
store_fts_apply(struct db_conn *c, char *err, size_t errlen)
{
    struct store_fts_ctx x = {c, err, errlen};

    if (c->w->rec_tok == NULL &&
        (c->w->rec_tok = tokenizer_new(c->index->stem, err, errlen)) == NULL)
        return store_write_failed(c, err);
    if (spell_learn_open(c, err, errlen) != 0)
        return store_write_failed(c, err);
    if (fts_batch_apply(&c->w->fts, c->w->rec_tok, store_fts_note,
                        store_fts_write, &x) != 0)
        return store_write_failed(c, err);
    return 0;
}

/* Holds one fts write; applies them all when they grow too big. */
static int
store_fts_hold(struct db_conn *c, int del, int64_t rowid,
               struct carid_str title, struct carid_str body, char *err,
               size_t errlen)
{
    if (fts_batch_add(&c->w->fts, del, rowid, title, body) != 0) {
        snprintf(err, errlen, "out of memory");
        return store_write_failed(c, err);
    }
    if (c->w->fts.bytes > FTS_BATCH_MAX_BYTES)
        return store_fts_apply(c, err, errlen);
    return 0;
}

int
store_commit(struct db_conn *c, char *err, size_t errlen)
{
    if (db_refused(c->index, err, errlen) != 0) return -1;
    if (c->w->failed[0] != '\0') {
        snprintf(err, errlen, "a write in this batch failed (%s)",
                 c->w->failed);
        return -1;
    }
    if (store_txn_gone(c, err, errlen) != 0) return -1;
    /* the fresh tier reads what the top lists noted: before their commit */
    if (store_fts_apply(c, err, errlen) != 0 ||
        (c->w->changed &&
         posts_fresh_commit(c, c->w->rows, err, errlen) != 0) ||
        toplist_commit(c, err, errlen) != 0 ||
        sources_commit(c, err, errlen) != 0 ||
        db_txn(c, DB_COMMIT, "commit", err, errlen) != 0) {
        toplist_forget(c);
        return -1;
    }
    sources_done(c, 1);
    c->w->in_txn = 0;
    c->w->changed = 0;
    alias_committed(c);
    c->w->rows = 0;
    return 0;
}

void
store_rollback(struct db_conn *c)
{
    char err[128];

    /* A failed COMMIT (SQLITE_FULL, IOERR) may have rolled back already. */
    if (!sqlite3_get_autocommit(c->db))
        db_txn(c, DB_ROLLBACK, "rollback", err, sizeof err);
    else if (c->w->in_txn)
        c->w->fts_stale = 1; /* SQLite rolled back: store_fts_reset() */
    c->w->in_txn = 0;
    c->w->changed = 0;
    c->w->rows = 0;
    fts_batch_clear(&c->w->fts);
    toplist_forget(c);
    sources_done(c, 0);
    alias_rolled_back(c);
}

/* Looks id up: 1 with its row (rowid, title, body, source) in *find, which
 * store_unindex() then resets; 0 if there is none; -1 on error. */
static int
store_find(struct db_conn *c, struct carid_str id, sqlite3_stmt **find,
           char *err, size_t errlen)
{
    int rc;

    if ((*find = store_stmt(c, STORE_FIND, err, errlen)) == NULL) return -1;
    rc = db_bind(*find, 1, id);
    if (rc == SQLITE_OK) rc = sqlite3_step(*find);
    if (rc == SQLITE_ROW) return 1;
    if (rc != SQLITE_DONE) db_fail(c, "unindex", err, errlen);
    db_done(*find);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* Removes the row store_find() found from docs and fts, and resets find. */
static int
store_unindex(struct db_conn *c, sqlite3_stmt *find, char *err, size_t errlen)
{
    sqlite3_int64 rowid = sqlite3_column_int64(find, 0);
    sqlite3_stmt *del;
    int rc;

    if (sources_note(c, 0, rowid, db_column(find, 3), err, errlen) != 0 ||
        dups_del(c, rowid, err, errlen) != 0 ||
        /* the definitions it held count one article less (alias.h) */
        alias_learn_text(c, db_column(find, 2), -1, err, errlen) != 0) {
        db_done(find);
        return -1;
    }
    /* Put earlier in this batch and still held: never reached FTS5. */
    if (fts_batch_drop(&c->w->fts, rowid))
        rc = 0;
    else
        rc = store_fts_hold(c, 1, rowid, db_column(find, 1), db_column(find, 2),
                            err, errlen);
    db_done(find);
    if (rc != 0) return -1;
    if ((del = store_stmt(c, STORE_DELETE, err, errlen)) == NULL) return -1;
    rc = sqlite3_bind_int64(del, 1, rowid);
    if (rc == SQLITE_OK) rc = sqlite3_step(del);
    if (rc != SQLITE_DONE) db_fail(c, "unindex", err, errlen);
    db_done(del);
    return rc == SQLITE_DONE ? 0 : -1;
}

/*
 * The rowid a new article dated date gets: one more than the day's last
 * (docid.h), or -1 when the day is full, before anything is written.  A
 * deleted last article's rowid may be given again; FTS5 and the top lists
 * see the delete first (fts_batch.h keeps one rowid's writes in order).
 */
static int64_t
store_next_rowid(struct db_conn *c, struct carid_str date, char *err,
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
    if (rc != SQLITE_ROW) db_fail(c, "put", err, errlen);
    db_done(stmt);
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
store_insert(struct db_conn *c, const struct carid_doc *doc, int64_t rowid,
             char *err, size_t errlen)
{
    sqlite3_stmt *ins;
    int rc, i;

    if ((ins = store_stmt(c, STORE_INSERT, err, errlen)) == NULL) return -1;
    rc = db_bind(ins, 1, doc->id);
    for (i = 0; i < CARID_FIELD_COUNT && rc == SQLITE_OK; i++)
        rc = db_bind(ins, i + 2, doc->field[i]);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(ins, CARID_FIELD_COUNT + 2, rowid);
    if (rc == SQLITE_OK) rc = sqlite3_step(ins);
    if (rc != SQLITE_DONE) db_fail(c, "put", err, errlen);
    db_done(ins);
    if (rc != SQLITE_DONE ||
        sources_note(c, 1, rowid, doc->field[CARID_FIELD_SOURCE], err,
                     errlen) != 0 ||
        alias_learn_text(c, doc->field[CARID_FIELD_BODY], 1, err, errlen) !=
            0 ||
        dups_put(c, rowid, doc->field[CARID_FIELD_BODY], err, errlen) != 0)
        return -1;
    return store_fts_hold(c, 0, rowid, doc->field[CARID_FIELD_TITLE],
                          doc->field[CARID_FIELD_BODY], err, errlen);
}

static int
store_check_id(struct carid_str id, char *err, size_t errlen)
{
    if (id.p == NULL || id.len == 0 || id.len > CARID_ID_MAX) {
        snprintf(err, errlen, "id must be 1 to %d bytes", CARID_ID_MAX);
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
store_put(struct db_conn *c, const struct carid_doc *doc, char *err,
          size_t errlen)
{
    struct carid_str date = doc->field[CARID_FIELD_DATE];
    sqlite3_stmt *find;
    int64_t rowid = 0;
    int found;

    if (db_refused(c->index, err, errlen) != 0 ||
        store_check_id(doc->id, err, errlen) != 0 ||
        store_txn_gone(c, err, errlen) != 0)
        return -1;
    if ((found = store_find(c, doc->id, &find, err, errlen)) < 0)
        return store_write_failed(c, err);
    c->w->changed = 1;
    if (found) rowid = store_kept_rowid(find, date);
    /* a full day is the client's problem: the batch goes on */
    if (rowid == 0 && (rowid = store_next_rowid(c, date, err, errlen)) < 0) {
        if (found) db_done(find);
        return -1;
    }
    if ((found && store_unindex(c, find, err, errlen) != 0) ||
        store_insert(c, doc, rowid, err, errlen) != 0)
        return store_write_failed(c, err);
    return 0;
}

int
store_del(struct db_conn *c, struct carid_str id, int *removed, char *err,
          size_t errlen)
{
    sqlite3_stmt *find;
    int found;

    *removed = 0;
    if (db_refused(c->index, err, errlen) != 0) return -1;
    if (id.p != NULL && id.len > CARID_ID_MAX) return 0; /* cannot exist */
    if (store_check_id(id, err, errlen) != 0 ||
        store_txn_gone(c, err, errlen) != 0)
        return -1;
    found = store_find(c, id, &find, err, errlen);
    if (found > 0) c->w->changed = 1;
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
store_optimize(struct db_conn *c, char *err, size_t errlen)
{
    int own = !c->w->in_txn, failed;

    if (db_refused(c->index, err, errlen) != 0 ||
        store_txn_gone(c, err, errlen) != 0)
        return -1;
    if (own && store_begin(c, err, errlen) != 0) return -1;
    /* the batch's writes so far are in what OPTIMIZE sees: the blocks are
     * for the generation they make (later writes bump it again).  They go
     * into the fresh tier too, which OPTIMIZE then empties: if it fails,
     * its savepoint leaves the tier whole for the rest of the batch. */
    if (store_fts_apply(c, err, errlen) != 0 ||
        (c->w->changed &&
         posts_fresh_commit(c, c->w->rows, err, errlen) != 0) ||
        toplist_commit(c, err, errlen) != 0 ||
        db_txn(c, DB_SAVEPOINT, "savepoint", err, errlen) != 0) {
        if (own) store_rollback(c);
        return -1;
    }
    c->w->changed = 0;
    c->w->rows = 0;
    /* OPTIMIZE writes the whole main segment anew: a running merge's is
     * for an older snapshot */
    failed = posts_merge_abort(c, 1, err, errlen) != 0 ||
             db_run(c, store_stmt(c, STORE_OPTIMIZE, err, errlen), "optimize",
                    err, errlen) != 0 ||
             toplist_build(c, err, errlen) != 0;
    failed = db_savepoint_end(c, failed, err, errlen) != 0;
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
store_maintain(struct db_conn *c, int64_t budget_usec, int *more, char *err,
               size_t errlen)
{
    int64_t t0;

    *more = 0;
    if (c->w->in_txn) { /* between a batch's begin and commit: later */
        *more = c->merge != NULL;
        return 0;
    }
    /* before any merge: the words the writer found frequent
     * (toplist_hot.h) are counted exactly, then the words it or searches
     * found frequent are listed, one a call; a merge is then due for them
     * (posts_merge.h) */
    if (c->merge == NULL) {
        int busy = toplist_check_hot(c, budget_usec);

        if (toplist_wanted(c->index) > 0) {
            if (db_txn(c, DB_BEGIN, "top list", err, errlen) != 0) return -1;
            toplist_build_wanted(c); /* logs its own failure */
            if (db_txn(c, DB_COMMIT, "top list", err, errlen) != 0) {
                store_rollback(c);
                return -1;
            }
            busy = 1;
        }
        if (busy) {
            *more = 1;
            return 0;
        }
    }
    t0 = db_now_usec();
    if (posts_merge_step(c, budget_usec, more, err, errlen) != 0) return -1;
    /* then, when no merge wants the call, the words the last articles
     * brought, for corrections (spell_learn.h); a merge's steps come as
     * they came without it */
    if (*more || !spell_learn_pending(c)) return 0;
    budget_usec -= db_now_usec() - t0;
    /* *more only while words wait: no call a merge would not have had */
    return spell_learn_write(c, budget_usec > 0 ? budget_usec : 0, more, err,
                             errlen);
}

int
store_get(struct db_conn *c, struct carid_str id, carid_doc_fn *fn, void *ctx,
          int *found, char *err, size_t errlen)
{
    struct carid_doc doc;
    sqlite3_stmt *stmt;
    int rc;

    *found = 0;
    if (id.p == NULL || id.len == 0 || id.len > CARID_ID_MAX)
        return 0; /* cannot exist */
    stmt = store_stmt(c, STORE_DOC, err, errlen);
    if (stmt == NULL) return -1;
    rc = db_bind(stmt, 1, id);
    if (rc == SQLITE_OK) rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        store_doc_read(stmt, (1u << CARID_FIELD_COUNT) - 1, &doc);
        *found = 1;
        fn(ctx, &doc); /* nonzero only means "stop": there is no more */
    } else if (rc != SQLITE_DONE)
        db_fail(c, "get", err, errlen);
    db_done(stmt);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

/* Segments in the FTS5 structure record (fts_data id 10), or -1. */
static int64_t
store_segments(struct db_conn *c, char *err, size_t errlen)
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
        if (p != NULL && db_varint(p, n, &i, &levels) &&
            db_varint(p, n, &i, &segments))
            out = (int64_t)segments;
    }
    db_done(stmt);
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

int
store_stats(struct db_conn *c, carid_stat_fn *fn, void *ctx, char *err,
            size_t errlen)
{
    int64_t docs, freelist, segments;
    int rc;

    docs = db_scalar(c, store_stmt(c, STORE_COUNT, err, errlen), "stats", err,
                     errlen);
    freelist = db_scalar(c, store_stmt(c, STORE_FREELIST, err, errlen), "stats",
                         err, errlen);
    if (docs < 0 || freelist < 0) return -1;
    segments = store_segments(c, err, errlen);
    if (fn(ctx, "documents", docs) || fn(ctx, "freelist_pages", freelist) ||
        fn(ctx, "db_bytes", store_file_size(c->index->path, "")) ||
        fn(ctx, "wal_bytes", store_file_size(c->index->path, "-wal")))
        return 0;
    if (segments >= 0 && fn(ctx, "fts_segments", segments)) return 0;
    if ((rc = toplist_stats(c, fn, ctx, err, errlen)) != 0 ||
        (rc = posts_stats(c, fn, ctx, err, errlen)) != 0 ||
        (rc = posts_fresh_stats(c, fn, ctx, err, errlen)) != 0 ||
        (rc = posts_merge_stats(c, fn, ctx)) != 0 ||
        (rc = toplist_hot_stats(c, fn, ctx)) != 0 ||
        (rc = spell_stats(c, fn, ctx)) != 0 ||
        (rc = alias_stats(c, fn, ctx, err, errlen)) != 0 ||
        (rc = dups_stats(c, fn, ctx, err, errlen)) != 0)
        return rc < 0 ? -1 : 0;
    /* the memory bounds of options.h, per connection */
    if (fn(ctx, "mmap_bytes", c->index->opt.mmap_mb << 20) ||
        fn(ctx, "cache_bytes", c->index->opt.cache_mb << 20))
        return 0;
    fn(ctx, "writer_cache_bytes", c->index->opt.writer_cache_mb << 20);
    return 0;
}

int
store_backup(struct db_conn *c, const char *path, char *err, size_t errlen)
{
    sqlite3 *dst = NULL;
    sqlite3_backup *b;
    char what[4200];
    int rc;

    /* A copy of a corrupt index would pass for a sound one. */
    if (db_refused(c->index, err, errlen) != 0) return -1;
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
        db_error(c->index, rc, what,
                 dst != NULL && sqlite3_errcode(dst) != SQLITE_OK
                     ? sqlite3_errmsg(dst)
                     : NULL,
                 err, errlen);
    sqlite3_close(dst);
    return rc == SQLITE_OK ? 0 : -1;
}
