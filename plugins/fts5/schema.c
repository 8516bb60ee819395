/*
 * schema.c - see schema.h.  A file is read before anything writes to it
 * (WAL mode included), so that another program's file is never changed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "alias.h"
#include "db.h"
#include "schema.h"
#include "stem.h"

#define SCHEMA_VERSION 3 /* PRAGMA user_version of carid.db */
/* PRAGMA application_id of carid.db, 'CARI' in ASCII: what tells carid's
 * own file from another program's (schema_check_file()). */
#define SCHEMA_APP_ID 0x43415249
/* Evaluation switch, read only when a new carid.db is created: the FTS5
 * tokenizer arguments ("indonesian" or "indonesian nostem") are baked into
 * the table, so an index keeps the choice it was made with. */
#define SCHEMA_TOKENIZE_ENV "CARID_FTS5_TOKENIZE"

/*
 * Columns: the small ones first so that reading date or source never walks
 * a long body's overflow pages.  rowids sort by date, then arrival
 * (docid.h); an upsert replaces the row, at the same rowid if the day is
 * the same (store_put()).  docs_source answers a SOURCE filter for each
 * match from a narrow index instead of the article's row (one page per
 * article: 129 ms for a common word at 100,000 articles, see DESIGN.md).
 * meta holds the pinned average length ("avgdl"), the generations of
 * posts.h ("gen", "posts_gen"; "fresh_base", "fresh_gen", "fresh_rows" of
 * posts_fresh.h; "sources_gen", "sources_rows" of sources.h) and the
 * stemmer's version ("stemmer", schema_stemmer()), and the daemon's own
 * numbers under "host:" keys (hostkey.h: "host:replicate_seq"); terms the
 * frequent words of toplist.h (n: see schema_lists); tops, empty, was
 * their top lists until stop 25; posts and post_terms (schema_posts) the
 * engine's blocks, source_sets the sources' docid sets; spell_words
 * (schema_posts too) the vocabulary spell.h corrects with, spell_new and
 * spell_forms what spell_learn.h adds to it between OPTIMIZEs.
 */
static const char schema_sql[] =
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
    " body TEXT NOT NULL DEFAULT '',"
    " place TEXT NOT NULL DEFAULT '',"
    " author TEXT NOT NULL DEFAULT '',"
    " raw TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX docs_source ON docs(rowid, source);"
    "CREATE VIRTUAL TABLE fts USING fts5(title, body, content='docs',"
    " content_rowid='rowid', tokenize='";
/* ... then the tokenizer's arguments (schema_tokenize()), then: */
/*
 * The engine's postings (posts.h), made at every start so that an index
 * of schema 3 made before them gets them too (empty until its next
 * OPTIMIZE): no user_version bump, nothing to feed again.  A block's row
 * is keyed by its last docid, so the block holding a docid is one seek.
 * posts_fresh and posts_gone are the fresh tier since OPTIMIZE
 * (posts_fresh.h): one row per (word, commit), one per removed rowid.  A
 * commit's rows are appended (rowid order is commit order) and inline
 * (a WITHOUT ROWID table keeps ~1 KB of a row on its page and spills the
 * rest): a commit dirties the pages it fills, plus the small index's.
 */
#define SCHEMA_POSTS_COLS                                                      \
    "(term TEXT NOT NULL, last INTEGER NOT NULL, block BLOB NOT NULL,"         \
    " PRIMARY KEY(term, last)) WITHOUT ROWID;"
#define SCHEMA_POST_TERMS_COLS                                                 \
    "(term TEXT PRIMARY KEY, df INTEGER NOT NULL, nblocks INTEGER NOT NULL,"   \
    " heads BLOB NOT NULL) WITHOUT ROWID;"
static const char schema_posts[] =
    "CREATE TABLE IF NOT EXISTS posts" SCHEMA_POSTS_COLS
    "CREATE TABLE IF NOT EXISTS post_terms" SCHEMA_POST_TERMS_COLS
    "CREATE TABLE IF NOT EXISTS posts_fresh(id INTEGER PRIMARY KEY,"
    " term TEXT NOT NULL, n INTEGER NOT NULL, data BLOB NOT NULL);"
    "CREATE INDEX IF NOT EXISTS posts_fresh_term ON posts_fresh(term, id);"
    "CREATE TABLE IF NOT EXISTS posts_gone(rowid INTEGER PRIMARY KEY);"
    /* sources.h: a docid set per source, current while meta's
     * 'sources_gen' is 'gen' and 'sources_rows' the articles */
    "CREATE TABLE IF NOT EXISTS source_sets(source TEXT PRIMARY KEY,"
    " bits BLOB NOT NULL);"

    /* dups.h: each article's fingerprint and cluster, its band keys */
    "CREATE TABLE IF NOT EXISTS dup_docs(docid INTEGER PRIMARY KEY,"
    " simhash INTEGER NOT NULL, cluster INTEGER NOT NULL,"
    " k0 INTEGER NOT NULL, k1 INTEGER NOT NULL, k2 INTEGER NOT NULL,"
    " k3 INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS dup_docs_cluster ON dup_docs(cluster);"
    "CREATE TABLE IF NOT EXISTS dup_keys(key INTEGER NOT NULL,"
    " docid INTEGER NOT NULL, PRIMARY KEY(key, docid)) WITHOUT ROWID;"

    /* spell.h: the stems in 2+ articles and their counts, at OPTIMIZE */
    "CREATE TABLE IF NOT EXISTS spell_words(term TEXT PRIMARY KEY,"
    " df INTEGER NOT NULL) WITHOUT ROWID;"
    /* spell_learn.h: articles added to each stem since OPTIMIZE, and the
     * long words as articles write them, with their stems */
    "CREATE TABLE IF NOT EXISTS spell_new(term TEXT PRIMARY KEY,"
    " df INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS spell_forms(word TEXT PRIMARY KEY,"
    " stem TEXT NOT NULL) WITHOUT ROWID;";
/* posts_merge.h's new main segment while it is written, in the layout
 * of posts and post_terms, and the removals since its snapshot. */
static const char schema_posts_next_sql[] =
    "DROP TABLE IF EXISTS posts_next;"
    "DROP TABLE IF EXISTS post_terms_next;"
    "DROP TABLE IF EXISTS posts_gone_next;"
    "CREATE TABLE posts_next" SCHEMA_POSTS_COLS
    "CREATE TABLE post_terms_next" SCHEMA_POST_TERMS_COLS
    "CREATE TABLE posts_gone_next(rowid INTEGER PRIMARY KEY);";
static const char schema_posts_drop_next_sql[] =
    "DROP TABLE IF EXISTS posts_next;"
    "DROP TABLE IF EXISTS post_terms_next;"
    "DROP TABLE IF EXISTS posts_gone_next;";
/* The switch: the new segment takes the old one's names. */
static const char schema_posts_swap_sql[] =
    "DROP TABLE posts;"
    "ALTER TABLE posts_next RENAME TO posts;"
    "DROP TABLE post_terms;"
    "ALTER TABLE post_terms_next RENAME TO post_terms;"
    "DROP TABLE posts_gone_next;";
static const char schema_tail[] = "');"
                                  "PRAGMA user_version=3;"; /* SCHEMA_VERSION */

/*
 * Issue 16's columns of docs (place, author and raw: the body as sent,
 * when the daemon's cleaning changed it), added at every start to an
 * index of schema 3 made before them, as schema_posts: no user_version
 * bump, nothing to feed again (ADD COLUMN with a constant default
 * rewrites no row).
 */
static const char *const schema_docs_added[] = {"place", "author", "raw"};

static int
schema_docs_columns(sqlite3 *db)
{
    char sql[128];
    int rc = SQLITE_OK, have;

    for (size_t i = 0;
         i < sizeof schema_docs_added / sizeof *schema_docs_added &&
         rc == SQLITE_OK;
         i++) {
        snprintf(sql, sizeof sql,
                 "SELECT count(*) FROM pragma_table_info('docs')"
                 " WHERE name = '%s'",
                 schema_docs_added[i]);
        have = db_pragma_int(db, sql);
        /* a failed look (no memory) may have ended the transaction: the
         * init must fail, not go on writing outside it */
        if (have < 0) rc = SQLITE_NOMEM;
        if (have != 0) continue;
        snprintf(sql, sizeof sql,
                 "ALTER TABLE docs ADD COLUMN %s TEXT NOT NULL DEFAULT ''",
                 schema_docs_added[i]);
        rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    }
    return rc;
}

/* The tokenizer a new index gets: SCHEMA_TOKENIZE_ENV or "indonesian". */
static const char *
schema_tokenize(char *err, size_t errlen)
{
    const char *v = getenv(SCHEMA_TOKENIZE_ENV);

    if (v == NULL || v[0] == '\0') return "indonesian";
    if (strcmp(v, "indonesian") == 0 || strcmp(v, "indonesian nostem") == 0)
        return v;
    snprintf(err, errlen, "%s must be 'indonesian' or 'indonesian nostem'",
             SCHEMA_TOKENIZE_ENV);
    return NULL;
}

/* 1 unless the fts table was made with "indonesian nostem". */
int
schema_stems(sqlite3 *db)
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

/* What an existing file holds, as schema_check_file() judges it. */
struct schema_file_id {
    int app, version; /* PRAGMA application_id, user_version */
    int entries;      /* rows of sqlite_master */
    int carid_tables; /* 1 if docs, fts and meta are there */
};

/* Reads the file without writing a byte: immutable means no lock, no
 * -wal or -shm file made, no journal rolled back.  0, or -1 if it is not
 * an SQLite database. */
static int
schema_file_read(const char *path, struct schema_file_id *id, char *err,
                 size_t errlen)
{
    char uri[8192];
    sqlite3 *db = NULL;
    int rc;

    if (db_uri_ro(path, uri, sizeof uri) != 0) {
        snprintf(err, errlen, "%s: path too long", path);
        return -1;
    }
    rc = sqlite3_open_v2(uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI,
                         NULL);
    id->entries = rc == SQLITE_OK ? db_pragma_int(db, "SELECT count(*) FROM "
                                                      "sqlite_master")
                                  : -1;
    if (id->entries >= 0) {
        id->app = db_pragma_int(db, "PRAGMA application_id");
        id->version = db_pragma_int(db, "PRAGMA user_version");
        id->carid_tables = db_pragma_int(
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

/*
 * carid writes only to its own file.  Before anything writes (WAL mode
 * included), an existing non-empty file must be carid's: its
 * application_id, or an index made before carid set one (schema 3 with
 * carid's tables: schema_init() then sets the id), or an SQLite database
 * with nothing in it.  Anything else is refused, and left as it was.
 */
int
schema_check_file(const char *path, char *err, size_t errlen)
{
    struct schema_file_id id;
    struct stat st;

    if (stat(path, &st) != 0 ? errno == ENOENT : st.st_size == 0)
        return 0; /* a new index (any other stat error: read says why) */
    if (schema_file_read(path, &id, err, errlen) != 0) return -1;
    if (id.app == 0 && id.version == 0 && id.entries == 0) return 0;
    if (id.app == SCHEMA_APP_ID || (id.app == 0 && id.carid_tables == 1)) {
        if (id.version == SCHEMA_VERSION) return 0;
        snprintf(err, errlen,
                 "%s: schema version %d, plugin expects %d (feed the"
                 " articles again into a new data directory)",
                 DB_FILE, id.version, SCHEMA_VERSION);
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
 * carid's application_id, in one transaction.  schema_check_file() has
 * made sure the file is carid's. */
/*
 * The top lists a carid before stop 25 kept (table tops, each word's list
 * length in terms.n) are emptied at every start: nothing reads or keeps
 * them now, and an older carid opening the file afterwards must not read
 * stale lists: with n 0 it reads none and keeps none, and takes FTS5's
 * scan for one word.  Once done, each start costs a look at an empty
 * table and a scan of terms' few hundred rows.
 */
static const char schema_lists[] = "DELETE FROM tops;"
                                   "UPDATE terms SET n = 0 WHERE n <> 0;";

int
schema_init(struct db *d, sqlite3 *db, char *err, size_t errlen)
{
    sqlite3_stmt *stmt = NULL;
    const char *mode, *tokenize;
    char schema[sizeof schema_sql + sizeof schema_tail + 32];
    int rc, wal = 0, version;

    rc = sqlite3_prepare_v2(db, "PRAGMA journal_mode=WAL", -1, &stmt, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        mode = (const char *)sqlite3_column_text(stmt, 0);
        wal = mode != NULL && strcmp(mode, "wal") == 0;
        rc = SQLITE_OK;
    }
    sqlite3_finalize(stmt);
    if (rc == SQLITE_OK && !wal) {
        snprintf(err, errlen, "%s: cannot switch to WAL mode", DB_FILE);
        return -1;
    }
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    version = rc == SQLITE_OK ? db_pragma_int(db, "PRAGMA user_version") : -1;
    if (rc == SQLITE_OK && version == 0) {
        if ((tokenize = schema_tokenize(err, errlen)) == NULL) {
            sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
            return -1;
        }
        snprintf(schema, sizeof schema, "%s%s%s", schema_sql, tokenize,
                 schema_tail);
        rc = sqlite3_exec(db, schema, NULL, NULL, NULL);
    }
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db, SCHEMA_FTS_CONFIG, NULL, NULL, NULL);
    if (rc == SQLITE_OK) rc = sqlite3_exec(db, schema_posts, NULL, NULL, NULL);
    if (rc == SQLITE_OK) rc = schema_docs_columns(db);
    if (rc == SQLITE_OK) rc = sqlite3_exec(db, schema_lists, NULL, NULL, NULL);
    if (rc == SQLITE_OK) rc = alias_schema(db);
    if (rc == SQLITE_OK &&
        db_pragma_int(db, "PRAGMA application_id") != SCHEMA_APP_ID) {
        snprintf(schema, sizeof schema, "PRAGMA application_id=%d",
                 SCHEMA_APP_ID);
        rc = sqlite3_exec(db, schema, NULL, NULL, NULL);
    }
    if (rc == SQLITE_OK) rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        db_error(d, sqlite3_extended_errcode(db), DB_FILE, sqlite3_errmsg(db),
                 err, errlen);
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    return 0;
}

/* meta's 'stemmer' row: the STEM_DATA_VERSION (stem.h) of the stems the
 * index holds.  Written when the index has no articles yet; an index
 * without it was made before versions were recorded, by version 1. */
void
schema_stemmer(struct db *d, sqlite3 *db)
{
    char sql[96];
    int have = db_pragma_int(db, "SELECT value FROM meta"
                                 " WHERE key = 'stemmer'");

    if (have < 0 && d->corrupt == 0 &&
        db_pragma_int(db, "SELECT count(*) FROM"
                          " (SELECT 1 FROM docs LIMIT 1)") == 0) {
        snprintf(sql, sizeof sql,
                 "INSERT INTO meta(key, value) VALUES ('stemmer', %d)",
                 STEM_DATA_VERSION);
        if (sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK) return;
    }
    if (have < 0) have = 1;
    if (have != STEM_DATA_VERSION)
        d->host->log(CARID_LOG_WARN,
                     "index stemmed with stemmer version %d, this build has "
                     "%d: words whose stems changed (names) match only after "
                     "carid --rebuild, or a feed into a new DATA",
                     have, STEM_DATA_VERSION);
}

/* One of the DDL texts above on c's connection, inside its transaction. */
static int
schema_posts_run(struct db_conn *c, const char *sql, char *err, size_t errlen)
{
    int rc = sqlite3_exec(c->db, sql, NULL, NULL, NULL);

    return rc == SQLITE_OK ? 0 : db_fail_rc(c, rc, "postings", err, errlen);
}

int
schema_posts_next(struct db_conn *c, char *err, size_t errlen)
{
    return schema_posts_run(c, schema_posts_next_sql, err, errlen);
}

int
schema_posts_drop_next(struct db_conn *c, char *err, size_t errlen)
{
    return schema_posts_run(c, schema_posts_drop_next_sql, err, errlen);
}

int
schema_posts_swap(struct db_conn *c, char *err, size_t errlen)
{
    return schema_posts_run(c, schema_posts_swap_sql, err, errlen);
}
