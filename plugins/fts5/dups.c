/*
 * dups.c - see dups.h: the writer's fingerprints and clusters at put and
 * removal, the readers' cluster lookups.
 */
#include <stdio.h>
#include <string.h>

#include "dups.h"
#include "fingerprint.h"

enum dups_stmt {
    DUPS_FIND,       /* an article's keys */
    DUPS_DEL_DOC,    /* its fingerprint */
    DUPS_DEL_KEYS,   /* its keys */
    DUPS_NEXT,       /* a new cluster number */
    DUPS_CANDIDATES, /* the newest articles of each band key */
    DUPS_PUT_DOC,    /* an article's fingerprint */
    DUPS_PUT_KEYS,   /* its keys */
    DUPS_OF_ID,      /* an id's cluster, SimHash and cluster size */
    DUPS_MEMBERS,    /* a cluster's articles */
    DUPS_STATS,      /* clusters, fingerprinted articles */
    DUPS_STMT_COUNT
};

static const char *const dups_sql[DUPS_STMT_COUNT] = {
    [DUPS_FIND] = "SELECT k0, k1, k2, k3 FROM dup_docs WHERE docid = ?1",
    [DUPS_DEL_DOC] = "DELETE FROM dup_docs WHERE docid = ?1",
    [DUPS_DEL_KEYS] = "DELETE FROM dup_keys WHERE docid = ?5"
                      " AND key IN (?1, ?2, ?3, ?4)",
    /* One more than the highest cluster that has an article: a number
     * is given again only once its cluster is empty, so no article joins
     * a cluster it is no copy of. */
    [DUPS_NEXT] = "SELECT coalesce(max(cluster), 0) + 1 FROM dup_docs",
    /* ?5: DUPS_CANDIDATES_MAX, a key's newest (the keys' lists, merged) */
    [DUPS_CANDIDATES] =
        "SELECT d.docid, d.simhash, d.cluster FROM dup_docs d WHERE d.docid IN"
        " (SELECT docid FROM (SELECT docid FROM dup_keys WHERE key = ?1"
        " ORDER BY docid DESC LIMIT ?5) UNION"
        " SELECT docid FROM (SELECT docid FROM dup_keys WHERE key = ?2"
        " ORDER BY docid DESC LIMIT ?5) UNION"
        " SELECT docid FROM (SELECT docid FROM dup_keys WHERE key = ?3"
        " ORDER BY docid DESC LIMIT ?5) UNION"
        " SELECT docid FROM (SELECT docid FROM dup_keys WHERE key = ?4"
        " ORDER BY docid DESC LIMIT ?5))",
    [DUPS_PUT_DOC] = "INSERT INTO dup_docs(docid, simhash, cluster, k0, k1,"
                     " k2, k3) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    [DUPS_PUT_KEYS] = "INSERT OR IGNORE INTO dup_keys(key, docid)"
                      " VALUES (?1, ?5), (?2, ?5), (?3, ?5), (?4, ?5)",
    [DUPS_OF_ID] = "SELECT coalesce(f.cluster, 0), coalesce(f.simhash, 0),"
                   " CASE WHEN f.cluster IS NULL THEN 1 ELSE"
                   " (SELECT count(*) FROM dup_docs g"
                   " WHERE g.cluster = f.cluster) END"
                   " FROM docs LEFT JOIN dup_docs f ON f.docid = docs.rowid"
                   " WHERE docs.id = ?1",
    [DUPS_MEMBERS] = "SELECT docs.id, f.simhash FROM dup_docs f"
                     " JOIN docs ON docs.rowid = f.docid"
                     " WHERE f.cluster = ?1 ORDER BY f.docid",
    /* both walk dup_docs_cluster: 10-20 ms a million articles */
    [DUPS_STATS] = "SELECT (SELECT count(*) FROM (SELECT DISTINCT cluster"
                   " FROM dup_docs)), (SELECT count(*) FROM dup_docs)",
};

static sqlite3_stmt *
dups_stmt(struct db_conn *c, enum dups_stmt which, char *err, size_t errlen)
{
    return db_stmt(c, DB_OWN_DUPS, which, DUPS_STMT_COUNT, dups_sql[which], err,
                   errlen);
}

/* Steps a statement that returns no row (or RETURNING's one: *out). */
static int
dups_step(struct db_conn *c, sqlite3_stmt *stmt, int64_t *out, char *err,
          size_t errlen)
{
    int rc = sqlite3_step(stmt);

    if (rc == SQLITE_ROW && out != NULL) {
        *out = sqlite3_column_int64(stmt, 0);
        rc = sqlite3_step(stmt);
    }
    if (rc != SQLITE_DONE) db_fail_rc(c, rc, "clusters", err, errlen);
    db_done(stmt);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* Binds the four keys to ?1..?4 of s. */
static void
dups_bind_keys(sqlite3_stmt *s, const int64_t key[FINGERPRINT_BANDS])
{
    for (int k = 0; k < FINGERPRINT_BANDS; k++)
        sqlite3_bind_int64(s, 1 + k, key[k]);
}

/* The cluster of the nearest copy of fp among the articles sharing one of
 * its keys, or 0 when none is within FINGERPRINT_MAX_DISTANCE. */
static int
dups_nearest(struct db_conn *c, int64_t rowid, const struct fingerprint *fp,
             int64_t *cluster, char *err, size_t errlen)
{
    int best = FINGERPRINT_MAX_DISTANCE + 1, rc;
    sqlite3_stmt *s = dups_stmt(c, DUPS_CANDIDATES, err, errlen);

    *cluster = 0;
    if (s == NULL) return -1;
    dups_bind_keys(s, fp->key);
    sqlite3_bind_int(s, 5, DUPS_CANDIDATES_MAX);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        int d = fingerprint_distance(fp->simhash,
                                     (uint64_t)sqlite3_column_int64(s, 1));

        if (sqlite3_column_int64(s, 0) != rowid && d < best) {
            best = d;
            *cluster = sqlite3_column_int64(s, 2);
        }
    }
    if (rc != SQLITE_DONE) db_fail_rc(c, rc, "clusters", err, errlen);
    db_done(s);
    return rc == SQLITE_DONE ? 0 : -1;
}

int
dups_put(struct db_conn *c, int64_t rowid, struct carid_str body, char *err,
         size_t errlen)
{
    struct fingerprint fp;
    int64_t cluster;
    sqlite3_stmt *s;

    if (body.p == NULL || !fingerprint_make(body.p, body.len, &fp)) return 0;
    if (dups_nearest(c, rowid, &fp, &cluster, err, errlen) != 0) return -1;
    if (cluster == 0 && ((s = dups_stmt(c, DUPS_NEXT, err, errlen)) == NULL ||
                         dups_step(c, s, &cluster, err, errlen) != 0))
        return -1;
    if ((s = dups_stmt(c, DUPS_PUT_DOC, err, errlen)) == NULL) return -1;
    sqlite3_bind_int64(s, 1, rowid);
    sqlite3_bind_int64(s, 2, (int64_t)fp.simhash);
    sqlite3_bind_int64(s, 3, cluster);
    for (int k = 0; k < FINGERPRINT_BANDS; k++)
        sqlite3_bind_int64(s, 4 + k, fp.key[k]);
    if (dups_step(c, s, NULL, err, errlen) != 0 ||
        (s = dups_stmt(c, DUPS_PUT_KEYS, err, errlen)) == NULL)
        return -1;
    dups_bind_keys(s, fp.key);
    sqlite3_bind_int64(s, 5, rowid);
    return dups_step(c, s, NULL, err, errlen);
}

int
dups_del(struct db_conn *c, int64_t rowid, char *err, size_t errlen)
{
    int64_t key[FINGERPRINT_BANDS];
    sqlite3_stmt *s;
    int rc;

    if ((s = dups_stmt(c, DUPS_FIND, err, errlen)) == NULL) return -1;
    sqlite3_bind_int64(s, 1, rowid);
    rc = sqlite3_step(s);
    for (int k = 0; rc == SQLITE_ROW && k < FINGERPRINT_BANDS; k++)
        key[k] = sqlite3_column_int64(s, k);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        db_fail_rc(c, rc, "clusters", err, errlen);
    db_done(s);
    if (rc != SQLITE_ROW) return rc == SQLITE_DONE ? 0 : -1;
    if ((s = dups_stmt(c, DUPS_DEL_KEYS, err, errlen)) == NULL) return -1;
    dups_bind_keys(s, key);
    sqlite3_bind_int64(s, 5, rowid);
    if (dups_step(c, s, NULL, err, errlen) != 0 ||
        (s = dups_stmt(c, DUPS_DEL_DOC, err, errlen)) == NULL)
        return -1;
    sqlite3_bind_int64(s, 1, rowid);
    return dups_step(c, s, NULL, err, errlen);
}

/* DUPS_OF_ID for id: 1 with its row in *s (db_done() it), 0 if there is
 * no such article, -1 on error. */
static int
dups_of_id(struct db_conn *c, struct carid_str id, sqlite3_stmt **s, char *err,
           size_t errlen)
{
    int rc;

    if ((*s = dups_stmt(c, DUPS_OF_ID, err, errlen)) == NULL) return -1;
    rc = db_bind(*s, 1, id);
    if (rc == SQLITE_OK) rc = sqlite3_step(*s);
    if (rc == SQLITE_ROW) return 1;
    if (rc != SQLITE_DONE) db_fail_rc(c, rc, "clusters", err, errlen);
    db_done(*s);
    return rc == SQLITE_DONE ? 0 : -1;
}

int
dups_cluster(struct db_conn *c, struct carid_str id, int64_t *cluster,
             int64_t *size, char *err, size_t errlen)
{
    sqlite3_stmt *s;
    int found = dups_of_id(c, id, &s, err, errlen);

    if (found < 0) return -1;
    *cluster = found ? sqlite3_column_int64(s, 0) : -1;
    *size = found ? sqlite3_column_int64(s, 2) : 0;
    if (found) db_done(s);
    return 0;
}

int
dups_copies(struct db_conn *c, struct carid_str id, carid_term_fn *fn,
            void *ctx, int *found, char *err, size_t errlen)
{
    sqlite3_stmt *s;
    int64_t cluster;
    uint64_t simhash;
    int rc;

    if ((*found = dups_of_id(c, id, &s, err, errlen)) <= 0)
        return *found < 0 ? -1 : 0;
    cluster = sqlite3_column_int64(s, 0);
    simhash = (uint64_t)sqlite3_column_int64(s, 1);
    db_done(s);
    if (cluster == 0) return 0; /* no fingerprint: nobody's copy */
    if ((s = dups_stmt(c, DUPS_MEMBERS, err, errlen)) == NULL) return -1;
    sqlite3_bind_int64(s, 1, cluster);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        struct carid_str other = db_column(s, 0);

        if (other.len == id.len && memcmp(other.p, id.p, id.len) == 0) continue;
        if (fn(ctx, other,
               fingerprint_distance(
                   simhash, (uint64_t)sqlite3_column_int64(s, 1))) != 0) {
            rc = SQLITE_DONE;
            break;
        }
    }
    if (rc != SQLITE_DONE) db_fail_rc(c, rc, "clusters", err, errlen);
    db_done(s);
    return rc == SQLITE_DONE ? 0 : -1;
}

int
dups_stats(struct db_conn *c, carid_stat_fn *fn, void *ctx, char *err,
           size_t errlen)
{
    sqlite3_stmt *s = dups_stmt(c, DUPS_STATS, err, errlen);
    int64_t clusters, docs;
    int rc;

    if (s == NULL) return -1;
    rc = sqlite3_step(s);
    if (rc != SQLITE_ROW) {
        db_fail_rc(c, rc, "clusters", err, errlen);
        db_done(s);
        return -1;
    }
    clusters = sqlite3_column_int64(s, 0);
    docs = sqlite3_column_int64(s, 1);
    db_done(s);
    return fn(ctx, "clusters", clusters) != 0 ||
           fn(ctx, "fingerprinted", docs) != 0;
}
