/*
 * repair.c - carid --check and carid --rebuild, without the daemon: the
 * quick check of DATA/carid.db, read-only; and a new carid.db made from
 * every article the old one still gives up (DESIGN.md, "Corruption").
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "alias.h"
#include "db.h"
#include "repair.h"
#include "schema.h"
#include "store.h"

#define REPAIR_BATCH 1000 /* articles per commit of the new file */
#define REPAIR_PATH  4096

int
repair_check(const struct carid_host *host, const char *dir, char *msg,
             size_t msglen)
{
    char path[REPAIR_PATH];
    double secs;
    int rc;
    size_t n;

    (void)host;
    snprintf(path, sizeof path, "%s/%s", dir, DB_FILE);
    rc = db_quick_check(path, 0, msg, msglen, &secs);
    n = strlen(msg);
    if (rc >= 0 && n < msglen)
        snprintf(msg + n, msglen - n, " (%s, quick_check, %.2f s)", path, secs);
    return rc;
}

/* The rowids found so far: a growing array, sorted and made unique at
 * the end. */
struct repair_ids {
    int64_t *v;
    size_t n, cap;
};

static int
repair_add(struct repair_ids *ids, int64_t rowid)
{
    if (ids->n == ids->cap) {
        size_t cap = ids->cap ? ids->cap * 2 : 4096;
        int64_t *v = realloc(ids->v, cap * sizeof *v);

        if (v == NULL) return -1;
        ids->v = v;
        ids->cap = cap;
    }
    ids->v[ids->n++] = rowid;
    return 0;
}

static int
repair_cmp(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return x < y ? -1 : x > y;
}

/*
 * Collects rowids with sql, which takes the last rowid read as ?1 and
 * yields rowids after it (or before it, walking down).  A page that fails
 * ends one run; the next starts past the last good rowid, and a run that
 * fails at once ends the walk (again: 0, one run only).  0, or -1 out of
 * memory.
 */
static int
repair_walk(sqlite3 *db, const char *sql, int64_t from, int again,
            struct repair_ids *ids)
{
    sqlite3_stmt *stmt = NULL;
    int64_t last = from;
    int got = 1, rc;

    while (got) {
        got = 0;
        if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK) break;
        sqlite3_bind_int64(stmt, 1, last);
        while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
            last = sqlite3_column_int64(stmt, 0);
            got = 1;
            if (repair_add(ids, last) != 0) {
                sqlite3_finalize(stmt);
                return -1;
            }
        }
        sqlite3_finalize(stmt);
        stmt = NULL;
        if (rc == SQLITE_DONE || !again) break;
    }
    return 0;
}

/* Every rowid the old file still names: the table walked up and down,
 * and the two indexes that hold rowids (id's and docs_source). */
static int
repair_rowids(sqlite3 *db, struct repair_ids *ids)
{
    static const char *const up[] = {
        "SELECT rowid FROM docs WHERE rowid > ?1 ORDER BY rowid",
        "SELECT rowid FROM docs INDEXED BY docs_source WHERE rowid > ?1"
        " ORDER BY rowid",
    };
    size_t i, j;

    for (i = 0; i < sizeof up / sizeof up[0]; i++)
        if (repair_walk(db, up[i], INT64_MIN, 1, ids) != 0) return -1;
    if (repair_walk(db,
                    "SELECT rowid FROM docs WHERE rowid < ?1"
                    " ORDER BY rowid DESC",
                    INT64_MAX, 1, ids) != 0 ||
        repair_walk(db,
                    "SELECT rowid FROM docs INDEXED BY sqlite_autoindex_docs_1"
                    " WHERE ?1 = ?1",
                    0, 0, ids) != 0)
        return -1;
    if (ids->n == 0) return 0;
    qsort(ids->v, ids->n, sizeof *ids->v, repair_cmp);
    for (i = 1, j = 1; i < ids->n; i++)
        if (ids->v[i] != ids->v[j - 1]) ids->v[j++] = ids->v[i];
    ids->n = j;
    return 0;
}

/* The number of articles the old file says it had, from FTS5's totals
 * and from count(*), whichever can be read and is larger; -1 if none. */
static int64_t
repair_expected(sqlite3 *db)
{
    static const char *const sql[] = {
        "SELECT block FROM fts_data WHERE id = 1",
        "SELECT count(*) FROM docs",
    };
    int64_t best = -1;
    size_t k;

    for (k = 0; k < sizeof sql / sizeof sql[0]; k++) {
        sqlite3_stmt *stmt = NULL;
        uint64_t v;
        size_t i = 0;

        if (sqlite3_prepare_v2(db, sql[k], -1, &stmt, NULL) == SQLITE_OK &&
            sqlite3_step(stmt) == SQLITE_ROW) {
            if (k == 0 &&
                db_varint(sqlite3_column_blob(stmt, 0),
                          (size_t)sqlite3_column_bytes(stmt, 0), &i, &v) &&
                (int64_t)v > best)
                best = (int64_t)v;
            if (k == 1 && sqlite3_column_int64(stmt, 0) > best)
                best = sqlite3_column_int64(stmt, 0);
        }
        sqlite3_finalize(stmt);
    }
    return best;
}

/* The old index's tokenizer, for the new one ("indonesian nostem" or
 * the default). */
static void
repair_tokenizer(sqlite3 *db)
{
    sqlite3_stmt *stmt = NULL;
    const char *sql;

    if (sqlite3_prepare_v2(db,
                           "SELECT sql FROM sqlite_master WHERE name = 'fts'",
                           -1, &stmt, NULL) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW &&
        (sql = (const char *)sqlite3_column_text(stmt, 0)) != NULL &&
        strstr(sql, "nostem") != NULL)
        setenv("CARID_FTS5_TOKENIZE", "indonesian nostem", 1);
    sqlite3_finalize(stmt);
}

/* Copies each readable article of old (rowids in ids) into the writer w,
 * REPAIR_BATCH to a commit, and merges at the end.  Counts *kept. */
static int
repair_copy(sqlite3 *old, const struct repair_ids *ids, struct db_conn *w,
            int64_t *kept, char *err, size_t errlen)
{
    sqlite3_stmt *stmt = NULL;
    size_t i;
    int in = 0;

    if (sqlite3_prepare_v2(
            old, "SELECT " STORE_DOC_COLUMNS " FROM docs WHERE rowid = ?1", -1,
            &stmt, NULL) != SQLITE_OK &&
        sqlite3_prepare_v2(
            old, "SELECT " STORE_DOC_COLUMNS_V3 " FROM docs WHERE rowid = ?1",
            -1, &stmt, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "cannot read docs: %s", sqlite3_errmsg(old));
        return -1;
    }
    for (i = 0; i < ids->n; i++) {
        struct carid_doc doc;

        sqlite3_bind_int64(stmt, 1, ids->v[i]);
        if (sqlite3_step(stmt) == SQLITE_ROW) {
            store_doc_read(stmt, (1u << CARID_FIELD_COUNT) - 1, &doc);
            if (!in && store_begin(w, err, errlen) != 0) break;
            in = 1;
            if (store_put(w, &doc, err, errlen) == 0) (*kept)++;
        }
        sqlite3_reset(stmt);
        if (in && (*kept % REPAIR_BATCH == 0 || i + 1 == ids->n)) {
            in = 0;
            if (store_commit(w, err, errlen) != 0) break;
        }
    }
    sqlite3_finalize(stmt);
    if (in) store_rollback(w);
    if (i < ids->n) return -1;
    return store_optimize(w, err, errlen);
}

/* Makes the new file at path from old; *kept articles. */
static int
repair_write(const struct carid_host *host, const char *path, sqlite3 *old,
             const struct repair_ids *ids, int64_t *kept, char *err,
             size_t errlen)
{
    struct db *s = NULL;
    struct db_conn *w = NULL;
    int rc;

    rc = store_open_file(host, path, &s, err, errlen);
    if (rc == 0) rc = store_conn_open(s, 1, &w, err, errlen);
    if (rc == 0) rc = repair_copy(old, ids, w, kept, err, errlen);
    if (rc == 0) rc = alias_copy(old, w, err, errlen);
    store_conn_close(w);
    store_close(s);
    return rc;
}

/* fsync of a file or folder by name; 0 or -1. */
static int
repair_fsync(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC), rc;

    if (fd < 0) return -1;
    rc = fsync(fd);
    close(fd);
    return rc;
}

/* Refuses while a daemon has the index open (STORE_RUNNING names a live
 * process). */
static int
repair_idle(const char *dir, char *err, size_t errlen)
{
    char marker[REPAIR_PATH];
    long pid = 0;
    FILE *f;

    snprintf(marker, sizeof marker, "%s/%s", dir, STORE_RUNNING);
    if ((f = fopen(marker, "r")) == NULL) return 0;
    if (fscanf(f, "%ld", &pid) != 1) pid = 0;
    fclose(f);
    if (pid > 0 && pid != (long)getpid() &&
        (kill((pid_t)pid, 0) == 0 || errno == EPERM)) {
        snprintf(err, errlen, "carid (pid %ld) has %s open: stop it first", pid,
                 dir);
        return -1;
    }
    return 0;
}

/* The new file in place: the old one linked to keep (with its -wal, which
 * must not be read with the new file), then the new renamed over it. */
static int
repair_swap(const char *dir, const char *keep, char *err, size_t errlen)
{
    char path[REPAIR_PATH], side[REPAIR_PATH + 8], kept[REPAIR_PATH + 48],
        fresh[REPAIR_PATH + 16];

    snprintf(path, sizeof path, "%s/%s", dir, DB_FILE);
    snprintf(fresh, sizeof fresh, "%s.rebuild", path);
    if (repair_fsync(fresh) != 0 || link(path, keep) != 0) {
        snprintf(err, errlen, "keeping %s as %s: %s", path, keep,
                 strerror(errno));
        return -1;
    }
    snprintf(side, sizeof side, "%s-wal", path);
    snprintf(kept, sizeof kept, "%s-wal", keep);
    if (rename(side, kept) != 0 && errno != ENOENT) {
        snprintf(err, errlen, "moving %s: %s", side, strerror(errno));
        return -1;
    }
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
    if (rename(fresh, path) != 0 || repair_fsync(dir) != 0) {
        snprintf(err, errlen, "renaming %s: %s", fresh, strerror(errno));
        return -1;
    }
    snprintf(side, sizeof side, "%s/%s", dir, STORE_RUNNING);
    unlink(side);
    return 0;
}

int
repair_rebuild(const struct carid_host *host, const char *dir, int64_t *kept,
               int64_t *lost, char *msg, size_t msglen)
{
    char path[REPAIR_PATH], fresh[REPAIR_PATH + 16], side[REPAIR_PATH + 24],
        keep[REPAIR_PATH + 40], verdict[256];
    struct repair_ids ids = {NULL, 0, 0};
    int64_t expected;
    sqlite3 *old = NULL;
    struct stat st;
    double secs;
    int rc = -1;

    *kept = *lost = 0;
    snprintf(path, sizeof path, "%s/%s", dir, DB_FILE);
    snprintf(fresh, sizeof fresh, "%s.rebuild", path);
    if (stat(path, &st) != 0) {
        snprintf(msg, msglen, "%s: %s", path, strerror(errno));
        return -1;
    }
    if (repair_idle(dir, msg, msglen) != 0) return -1;
    if (sqlite3_open_v2(path, &old, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        snprintf(msg, msglen, "%s: %s", path, sqlite3_errmsg(old));
        goto out;
    }
    repair_tokenizer(old);
    if (repair_rowids(old, &ids) != 0) {
        snprintf(msg, msglen, "out of memory");
        goto out;
    }
    expected = repair_expected(old);
    if (ids.n == 0 && expected != 0) {
        snprintf(msg, msglen,
                 "%s: no article can be read: left as it is; restore a BACKUP",
                 path);
        goto out;
    }
    unlink(fresh);
    snprintf(side, sizeof side, "%s-wal", fresh);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", fresh);
    unlink(side);
    if (repair_write(host, fresh, old, &ids, kept, msg, msglen) != 0) goto out;
    rc = db_quick_check(fresh, 0, verdict, sizeof verdict, &secs);
    if (rc != 0) {
        snprintf(msg, msglen, "the rebuilt %s fails its check: %s", fresh,
                 verdict);
        rc = -1;
        goto out;
    }
    snprintf(keep, sizeof keep, "%s.corrupt-%lld", path, (long long)time(NULL));
    if (repair_swap(dir, keep, msg, msglen) != 0) {
        rc = -1;
        goto out;
    }
    /* what the old file said it had, or named at least */
    *lost = (expected > (int64_t)ids.n ? expected : (int64_t)ids.n) - *kept;
    if (*lost < 0) *lost = 0;
    snprintf(msg, msglen, "the old file is kept as %s", keep);
out:
    sqlite3_close(old);
    free(ids.v);
    return rc;
}

/* A copy of from at fresh through SQLite's backup: the pages as they are,
 * with no journal (a failed copy is deleted). */
static int
repair_copy_file(const char *from, const char *fresh, char *msg, size_t msglen)
{
    sqlite3 *src = NULL, *dst = NULL;
    sqlite3_backup *b;
    int rc = db_open_ro(from, &src);

    if (rc == SQLITE_OK)
        rc = sqlite3_open_v2(fresh, &dst,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(dst, "PRAGMA journal_mode=OFF", NULL, NULL, NULL);
    if (rc == SQLITE_OK) {
        b = sqlite3_backup_init(dst, "main", src, "main");
        if (b == NULL) {
            rc = sqlite3_errcode(dst);
        } else {
            rc = sqlite3_backup_step(b, -1);
            if (rc == SQLITE_DONE) rc = SQLITE_OK;
            if (sqlite3_backup_finish(b) != SQLITE_OK && rc == SQLITE_OK)
                rc = sqlite3_errcode(dst);
        }
    }
    if (rc != SQLITE_OK)
        snprintf(msg, msglen, "copying %s to %s: %s", from, fresh,
                 dst != NULL ? sqlite3_errmsg(dst) : sqlite3_errstr(rc));
    sqlite3_close(dst);
    sqlite3_close(src);
    return rc == SQLITE_OK ? 0 : -1;
}

int
repair_restore(const struct carid_host *host, const char *dir, const char *from,
               char *msg, size_t msglen)
{
    char path[REPAIR_PATH], fresh[REPAIR_PATH + 16], side[REPAIR_PATH + 24],
        verdict[256];
    struct stat st;
    double secs;

    (void)host;
    snprintf(path, sizeof path, "%s/%s", dir, DB_FILE);
    snprintf(fresh, sizeof fresh, "%s.restore", path);
    if (repair_idle(dir, msg, msglen) != 0) return -1;
    msg[0] = '\0';
    if (stat(from, &st) != 0) {
        snprintf(msg, msglen, "%s: %s", from, strerror(errno));
        return -1;
    }
    if (!S_ISREG(st.st_mode) || st.st_size == 0) {
        snprintf(msg, msglen, "%s: not a BACKUP (not a file, or empty)", from);
        return -1;
    }
    if (schema_check_file(from, msg, msglen) != 0) return -1;
    if (db_quick_check(from, 0, verdict, sizeof verdict, &secs) != 0) {
        snprintf(msg, msglen, "%s: %s", from, verdict);
        return -1;
    }
    unlink(fresh);
    if (repair_copy_file(from, fresh, msg, msglen) != 0 ||
        repair_fsync(fresh) != 0) {
        if (msg[0] == '\0')
            snprintf(msg, msglen, "%s: %s", fresh, strerror(errno));
        unlink(fresh);
        return -1;
    }
    /* the old file's -wal must not be read with the new one */
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
    if (rename(fresh, path) != 0 || repair_fsync(dir) != 0) {
        snprintf(msg, msglen, "renaming %s: %s", fresh, strerror(errno));
        unlink(fresh);
        return -1;
    }
    return 0;
}
