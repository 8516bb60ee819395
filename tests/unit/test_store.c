/*
 * test_store.c - drives carid_fts5.so through its ABI only, as the daemon
 * does: dlopen, carid_plugin_entry(), then put/search/get/del/stats/backup
 * on a temporary index, and a reopen to prove commits persist.  The module
 * path comes from $CARID_FTS5_MODULE (ctest sets it); unset means skip.
 */
#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "carid_plugin.h"
#include "docid.h"
#include "tap.h"
#include "test_module.h"
#include "fts5_tokenizer.h"
#include "tokenizer.h"

#define TEST_MAX_HITS 32

struct test_hit {
    char id[64];
    double score;
    char title[256];
    char snippet[512];
    unsigned fields; /* bit per carid_field present */
};

struct test_hits {
    struct test_hit hit[TEST_MAX_HITS];
    int n;
    int64_t total;
    int rc;
    char err[256];
};

static const struct carid_plugin *test_p;
static void *test_db, *test_writer, *test_reader;
static char test_dir[] = "/tmp/carid-test-store-XXXXXX";

static void
test_copy(char *dst, size_t cap, struct carid_str s)
{
    size_t n = s.len < cap - 1 ? s.len : cap - 1;

    memcpy(dst, s.p != NULL ? s.p : "", n);
    dst[n] = '\0';
}

static int
test_put(const char *id, const char *title, const char *body,
         const char *source, const char *date)
{
    struct carid_doc doc;
    char err[256];
    int rc;

    memset(&doc, 0, sizeof doc);
    doc.id = test_str(id);
    doc.field[CARID_FIELD_TITLE] = test_str(title);
    doc.field[CARID_FIELD_BODY] = test_str(body);
    doc.field[CARID_FIELD_SOURCE] = test_str(source);
    doc.field[CARID_FIELD_DATE] = test_str(date);
    rc = test_p->put(test_writer, &doc, err, sizeof err);
    if (rc != 0) printf("# put %s: %s\n", id, err);
    return rc;
}

static int
test_hit_cb(void *ctx, const struct carid_hit *hit)
{
    struct test_hits *h = ctx;
    struct test_hit *t;
    int i;

    if (h->n == TEST_MAX_HITS) return 1;
    t = &h->hit[h->n++];
    test_copy(t->id, sizeof t->id, hit->id);
    test_copy(t->title, sizeof t->title, hit->doc.field[CARID_FIELD_TITLE]);
    test_copy(t->snippet, sizeof t->snippet, hit->snippet);
    t->score = hit->score;
    for (i = 0; i < CARID_FIELD_COUNT; i++)
        if (hit->doc.field[i].p != NULL) t->fields |= 1u << i;
    return 0;
}

/* Runs a search with defaults: relevance, 0..10, all fields, no snippet. */
static struct test_hits *
test_search_q(struct carid_query *q)
{
    static struct test_hits h;

    memset(&h, 0, sizeof h);
    h.rc = test_p->search(test_reader, q, test_hit_cb, &h, &h.total, h.err,
                          sizeof h.err);
    return &h;
}

static void
test_query(struct carid_query *q, const char *text)
{
    memset(q, 0, sizeof *q);
    q->text = test_str(text);
    q->count = 10;
    q->want_fields = (1u << CARID_FIELD_COUNT) - 1;
}

static struct test_hits *
test_search(const char *text)
{
    struct carid_query q;

    test_query(&q, text);
    return test_search_q(&q);
}

struct test_stat_want {
    const char *name;
    int64_t value; /* -1: not reported */
};

static int
test_stat_cb(void *ctx, const char *name, int64_t value)
{
    struct test_stat_want *w = ctx;

    if (strcmp(name, w->name) == 0) w->value = value;
    return 0;
}

/* Returns reader's statistic, -1 if not reported, -2 if stats() failed. */
static int64_t
test_stat_of(void *reader, const char *name)
{
    struct test_stat_want w = {name, -1};
    char err[256];

    if (test_p->stats(reader, test_stat_cb, &w, err, sizeof err) != 0)
        return -2;
    return w.value;
}

static int64_t
test_stat(const char *name)
{
    return test_stat_of(test_reader, name);
}

static void
test_open_all(void)
{
    char err[256];

    test_db = test_writer = test_reader = NULL;
    ok(test_p->open(&test_host, test_dir, &test_db, err, sizeof err) == 0,
       "open");
    ok(test_p->writer_open(test_db, &test_writer, err, sizeof err) == 0,
       "writer_open");
    ok(test_p->reader_open(test_db, &test_reader, err, sizeof err) == 0,
       "reader_open");
}

static void
test_close_all(void)
{
    test_p->reader_close(test_reader);
    test_p->writer_close(test_writer);
    test_p->close(test_db);
}

static void
test_feed(void)
{
    char err[256];

    ok(test_p->begin(test_writer, err, sizeof err) == 0, "begin");
    ok(test_put("a1", "Pemerintah kota menata taman",
                "Wali kota meninjau taman baru pada 10/8/2024 bersama "
                "warga sekitar.",
                "harian", "2024-08-10") == 0,
       "put a1");
    ok(test_put("a2", "Banjir rendam desa",
                "Pemerintah provinsi mengirim bantuan ke desa yang "
                "terendam banjir.",
                "warta", "2023-01-05") == 0,
       "put a2");
    ok(test_put("a3", "Pasar ramai menjelang lebaran",
                "Pedagang sayur-mayur di pasar \xff lama kewalahan; "
                "pemerintah memantau harga.",
                "harian", "2024-03-30") == 0,
       "put a3 (invalid UTF-8 in body)");
    ok(test_put("", "tanpa id", "x", "harian", "2024-01-01") != 0,
       "put with an empty id fails");
    ok(test_p->commit(test_writer, err, sizeof err) == 0,
       "commit after a failed put keeps the batch");
    ok(test_stat("documents") == 3, "stats documents = 3");
}

static void
test_query_basics(void)
{
    struct test_hits *h;

    h = test_search("pemerintah");
    ok(h->rc == 0 && h->total == 3 && h->n == 3, "three match pemerintah");
    ok(h->n == 3 && strcmp(h->hit[0].id, "a1") == 0,
       "title match ranks first (title weighs more)");
    ok(h->n == 3 && h->hit[0].score >= h->hit[1].score &&
           h->hit[1].score >= h->hit[2].score && h->hit[2].score > 0,
       "scores are positive and descending");
    h = test_search("PEMERINTAH   banjir");
    ok(h->rc == 0 && h->total == 3 && h->n == 3 &&
           strcmp(h->hit[0].id, "a2") == 0 && h->hit[0].score > 0 &&
           h->hit[1].score < 0 && h->hit[2].score < 0,
       "best match, case-insensitive: the one article with both words "
       "first (scored as under AND), then those with one (below 0)");
    {
        struct carid_query q;

        test_query(&q, "PEMERINTAH   banjir");
        q.match = CARID_MATCH_ALL;
        h = test_search_q(&q);
        ok(h->rc == 0 && h->total == 1 && h->n == 1 &&
               strcmp(h->hit[0].id, "a2") == 0,
           "MATCH all: words are ANDed");
    }
    h = test_search("10/8/2024");
    ok(h->rc == 0 && h->total == 1 && strcmp(h->hit[0].id, "a1") == 0,
       "a date is searched as a phrase");
    h = test_search("8/10/2024");
    ok(h->rc == 0 && h->total == 0, "the date's parts in another order: no");
    h = test_search("sayur");
    ok(h->rc == 0 && h->total == 1, "reduplication indexed by its root");
    h = test_search(" ?!. \xff ");
    ok(h->rc != 0 && strcmp(h->err, "empty query") == 0,
       "no words: empty query");
    h = test_search("\"') OR 1=1; DROP TABLE docs; -- NEAR( *");
    ok(h->rc == 0 && h->total == 0, "SQL and FTS5 syntax in a query is text");
    h = test_search("taman\"");
    ok(h->rc == 0 && h->total == 1, "stray quote is harmless");
}

static void
test_query_options(void)
{
    struct carid_query q;
    struct test_hits *h;

    test_query(&q, "pemerintah");
    q.source = test_str("harian");
    h = test_search_q(&q);
    ok(h->rc == 0 && h->total == 2, "source filter");
    test_query(&q, "pemerintah");
    q.date_from = test_str("2024-01-01");
    q.date_to = test_str("2024-03-30");
    h = test_search_q(&q);
    ok(h->rc == 0 && h->total == 1 && strcmp(h->hit[0].id, "a3") == 0,
       "date range, inclusive");
    test_query(&q, "pemerintah");
    q.sort = CARID_SORT_NEWEST;
    h = test_search_q(&q);
    ok(h->n == 3 && strcmp(h->hit[0].id, "a1") == 0 &&
           strcmp(h->hit[2].id, "a2") == 0,
       "newest first by date");
    q.sort = CARID_SORT_OLDEST;
    q.offset = 1;
    q.count = 1;
    h = test_search_q(&q);
    ok(h->total == 3 && h->n == 1 && strcmp(h->hit[0].id, "a3") == 0,
       "oldest first, offset 1 count 1, total unaffected");
    q.count = 0;
    h = test_search_q(&q);
    ok(h->rc == 0 && h->total == 3 && h->n == 0, "count 0: total only");
    test_query(&q, "banjir");
    q.want_fields = 1u << CARID_FIELD_TITLE;
    q.want_snippet = 1;
    q.mark_open = test_str("<b>");
    q.mark_close = test_str("</b>");
    h = test_search_q(&q);
    ok(h->n == 1 && h->hit[0].fields == (1u << CARID_FIELD_TITLE) &&
           strcmp(h->hit[0].title, "Banjir rendam desa") == 0,
       "want_fields returns only the title");
    ok(h->n == 1 && strstr(h->hit[0].snippet, "<b>banjir</b>") != NULL,
       "snippet marks the body's match");
    q.sort = 9;
    h = test_search_q(&q);
    ok(h->rc != 0, "unknown sort is an error");
}

static int
test_get_cb(void *ctx, const struct carid_doc *doc)
{
    char *out = ctx;

    test_copy(out, 64, doc->field[CARID_FIELD_SOURCE]);
    test_copy(out + 64, 64, doc->field[CARID_FIELD_DATE]);
    test_copy(out + 128, 64, doc->id);
    return 0;
}

static int
test_token_cb(void *ctx, struct carid_str token, struct carid_str stem,
              size_t start, size_t end)
{
    int *n = ctx;

    (void)token;
    (void)stem;
    (void)start;
    (void)end;
    (*n)++;
    return 0;
}

static void
test_get_del_upsert(void)
{
    char got[192], err[256];
    int found = -1, removed = -1, ntok = 0;
    struct test_hits *h;

    ok(test_p->get(test_reader, test_str("a2"), test_get_cb, got, &found, err,
                   sizeof err) == 0 &&
           found == 1 && strcmp(got, "warta") == 0 &&
           strcmp(got + 64, "2023-01-05") == 0 && strcmp(got + 128, "a2") == 0,
       "get returns the fields");
    ok(test_p->get(test_reader, test_str("nope"), test_get_cb, got, &found, err,
                   sizeof err) == 0 &&
           found == 0,
       "get of a missing id: found 0");

    test_p->begin(test_writer, err, sizeof err);
    ok(test_p->del(test_writer, test_str("a2"), &removed, err, sizeof err) ==
               0 &&
           removed == 1,
       "del removes");
    ok(test_p->del(test_writer, test_str("a2"), &removed, err, sizeof err) ==
               0 &&
           removed == 0,
       "del again: removed 0");
    ok(test_put("a1", "Taman kota dibuka", "Warga menikmati air mancur.",
                "harian", "2024-08-10") == 0,
       "upsert a1");
    ok(test_p->commit(test_writer, err, sizeof err) == 0, "commit");
    ok(test_search("banjir")->total == 0, "deleted article is gone");
    ok(test_search("wali")->total == 0, "upsert unindexes the old text");
    h = test_search("mancur");
    ok(h->total == 1 && strcmp(h->hit[0].id, "a1") == 0,
       "upsert indexes the new text");
    ok(test_stat("documents") == 2, "documents after del and upsert");

    test_p->begin(test_writer, err, sizeof err);
    test_put("a9", "Rollback", "Tidak tersimpan", "harian", "2024-01-01");
    test_p->rollback(test_writer);
    ok(test_search("tersimpan")->total == 0 && test_stat("documents") == 2,
       "rollback discards the batch");

    ok(test_p->analyze(test_reader, test_str("Kata-kata pe\xc2\xadmimpin"),
                       test_token_cb, &ntok, err, sizeof err) == 0 &&
           ntok == 2,
       "analyze");
}

static void
test_admin(void)
{
    char path[256], err[256];
    sqlite3 *db;
    sqlite3_stmt *stmt;
    int n = -1;

    test_p->begin(test_writer, err, sizeof err);
    test_put("b1", "Satu", "pertama", "x", "2024-01-01");
    test_p->commit(test_writer, err, sizeof err);
    ok(test_stat("fts_segments") > 1, "segments counted");
    ok(test_p->optimize(test_writer, err, sizeof err) == 0, "optimize");
    ok(test_stat("fts_segments") == 1, "one segment after optimize");
    ok(test_stat("db_bytes") > 0 && test_stat("wal_bytes") >= 0, "file sizes");
    snprintf(path, sizeof path, "%s/copy.db", test_dir);
    ok(test_p->backup(test_reader, path, err, sizeof err) != 0,
       "backup does not create its file");
    fclose(fopen(path, "w")); /* the daemon creates it empty */
    ok(test_p->backup(test_reader, path, err, sizeof err) == 0, "backup");
    if (sqlite3_open(path, &db) == SQLITE_OK &&
        sqlite3_prepare_v2(db, "SELECT count(*) FROM docs", -1, &stmt, NULL) ==
            SQLITE_OK) {
        if (sqlite3_step(stmt) == SQLITE_ROW) n = sqlite3_column_int(stmt, 0);
        sqlite3_finalize(stmt);
    }
    sqlite3_close(db);
    ok(n == 3, "the backup holds the documents");
    ok(test_p->backup(test_reader, "/nonexistent/dir/x.db", err, sizeof err) !=
               0 &&
           err[0] != '\0',
       "backup to a bad path fails with a message");
}

/* ---- host keys (ABI 8): the daemon's number commits and rolls back with
 * the batch it was set in, and keeps across a reopen (test_reopen). */
static int64_t
test_host_value(int *found)
{
    char err[256];
    int64_t v = -1;

    if (test_p->host_get(test_reader, "replicate_seq", &v, found, err,
                         sizeof err) != 0)
        return -2;
    return v;
}

static void
test_host_keys(void)
{
    char err[256];
    int found = -1;
    int64_t v;

    ok(test_host_value(&found) == 0 && found == 0, "no host key yet");
    test_p->begin(test_writer, err, sizeof err);
    ok(test_p->host_set(test_writer, "replicate_seq", 41, err, sizeof err) ==
           0,
       "host_set in a batch");
    test_p->rollback(test_writer);
    ok(test_host_value(&found) == 0 && found == 0,
       "a rolled back host key is not there");
    test_p->begin(test_writer, err, sizeof err);
    test_p->host_set(test_writer, "replicate_seq", 41, err, sizeof err);
    test_p->host_set(test_writer, "replicate_seq", 42, err, sizeof err);
    ok(test_p->commit(test_writer, err, sizeof err) == 0, "commit");
    v = test_host_value(&found);
    ok(v == 42 && found == 1, "the committed host key");
    test_p->begin(test_writer, err, sizeof err);
    ok(test_p->host_set(test_writer, "gen", 1, err, sizeof err) == 0,
       "a host key named as a plugin key");
    ok(test_p->host_set(test_writer, "Bad-Key", 1, err, sizeof err) != 0 &&
           strstr(err, "[a-z_]") != NULL,
       "a key out of [a-z_] is refused");
    ok(test_p->commit(test_writer, err, sizeof err) == 0, "commit");
    ok(test_stat("documents") == 3, "the plugin's own meta untouched");
}

static void
test_reopen(void)
{
    int found = 0;

    test_close_all();
    test_open_all();
    ok(test_stat("documents") == 3, "documents persist across reopen");
    ok(test_search("mancur")->total == 1, "index persists across reopen");
    ok(test_host_value(&found) == 42 && found == 1,
       "the host key persists across reopen");
}

/* ---- restore (ABI 9): a BACKUP made another directory's index, with its
 * articles and host key; a file that is no index is refused and leaves the
 * index there as it was. */
static int64_t
test_restored(const char *dir, int64_t *seq)
{
    void *db = NULL, *r = NULL;
    int64_t docs = -1;
    int found = 0;
    char err[256];

    *seq = -1;
    if (test_p->open(&test_host, dir, &db, err, sizeof err) != 0) return -1;
    if (test_p->reader_open(db, &r, err, sizeof err) == 0) {
        test_p->host_get(r, "replicate_seq", seq, &found, err, sizeof err);
        docs = test_stat_of(r, "documents");
        test_p->reader_close(r);
    }
    test_p->close(db);
    return docs;
}

static void
test_restore(void)
{
    char copy[300], dir[300], junk[300], err[512];
    int64_t seq = 0;
    FILE *f;

    snprintf(copy, sizeof copy, "%s/salinan.db", test_dir);
    snprintf(dir, sizeof dir, "%s/restored", test_dir);
    snprintf(junk, sizeof junk, "%s/bukan.db", test_dir);
    fclose(fopen(copy, "w"));
    ok(test_p->backup(test_reader, copy, err, sizeof err) == 0, "backup");
    ok(mkdir(dir, 0700) == 0, "a new directory");
    ok(test_p->restore(&test_host, dir, copy, err, sizeof err) == 0,
       "restore into it");
    ok(test_restored(dir, &seq) == 3 && seq == 42,
       "its index: the BACKUP's articles and host key");
    f = fopen(junk, "w");
    fputs("bukan indeks carid, hanya teks biasa\n", f);
    fclose(f);
    ok(test_p->restore(&test_host, dir, junk, err, sizeof err) != 0 &&
           strstr(err, "not an SQLite database") != NULL,
       "a file that is no index is refused");
    ok(test_p->restore(&test_host, dir, "/nonexistent/x.db", err,
                       sizeof err) != 0 &&
           strstr(err, "No such file") != NULL,
       "a missing file is refused");
    ok(test_restored(dir, &seq) == 3 && seq == 42,
       "the index there is as it was");
}

/* ---- held FTS5 writes (fts_batch.h): a batch's index writes reach FTS5
 * at commit in rowid (date) order.  Puts out of date order, an id put twice
 * in one batch, put then deleted, and the upsert of a committed article must
 * leave FTS5 in step with docs: FTS5's own integrity-check compares the
 * index with the text it was built from. */

/* Runs sql (one integer, or a statement and then -1) on the index file
 * beside the plugin's connections; -2 on error. */
static int64_t
test_fts_count(const char *sql)
{
    char path[256];
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;
    int64_t n = -2;
    int rc;

    snprintf(path, sizeof path, "%s/carid.db", test_dir);
    rc = sqlite3_open(path, &db);
    if (rc == SQLITE_OK) sqlite3_busy_timeout(db, 2000);
    if (rc == SQLITE_OK) rc = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(stmt);
        n = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0)
            : rc == SQLITE_DONE ? -1 : -2;
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return n;
}

/* Runs FTS5's integrity-check on the index file; 0 when it passes. */
static int
test_fts_check(void)
{
    char path[256];
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;
    fts5_api *api = NULL;
    int rc;

    snprintf(path, sizeof path, "%s/carid.db", test_dir);
    rc = sqlite3_open(path, &db);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &stmt, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_pointer(stmt, 1, &api, "fts5_api_ptr", NULL);
    if (rc == SQLITE_OK) sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    if (rc == SQLITE_OK) rc = api != NULL ? tokenizer_register(api) : -1;
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db,
                          "INSERT INTO fts(fts, rank)"
                          " VALUES('integrity-check', 1)",
                          NULL, NULL, NULL);
    if (rc != SQLITE_OK) printf("# integrity-check: %s\n", sqlite3_errmsg(db));
    sqlite3_close(db);
    return rc;
}

static void
test_batch_order(void)
{
    char err[256];
    int removed = -1;
    struct carid_query q;
    struct test_hits *h;

    test_p->begin(test_writer, err, sizeof err);
    test_put("o1", "Kapal nelayan", "Nelayan berlayar pagi.", "x",
             "2024-05-01");
    test_put("o2", "Kapal tua", "Kapal tua ditarik ke dermaga.", "x",
             "2020-01-01");
    test_put("o3", "Kapal tanpa tanggal", "Dermaga sepi.", "x", "");
    test_put("o1", "Perahu nelayan", "Nelayan pulang membawa ikan.", "x",
             "2019-03-03"); /* put twice: the held first version is dropped */
    test_put("o4", "Sementara", "Segera dihapus kembali.", "x", "2024-01-01");
    test_p->del(test_writer, test_str("o4"), &removed, err, sizeof err);
    ok(removed == 1, "an article put earlier in the batch can be deleted");
    test_put("a3", "Pasar sepi setelah lebaran", "Dermaga dan pasar sepi.",
             "harian", "2024-04-20"); /* upsert of a committed article */
    ok(test_p->commit(test_writer, err, sizeof err) == 0, "commit");
    ok(test_fts_check() == SQLITE_OK, "FTS5 integrity-check after the batch");
    h = test_search("kapal");
    ok(h->total == 2, "every held put was indexed (o1 no longer says kapal)");
    ok(test_search("berlayar")->total == 0,
       "the first version of o1 is not indexed");
    ok(test_search("lebaran")->total == 1 &&
           test_search("sayur")->total == 0,
       "the upsert replaced the committed text");
    ok(test_search("dihapus")->total == 0, "the deleted put is not indexed");
    test_query(&q, "dermaga");
    q.sort = CARID_SORT_NEWEST;
    h = test_search_q(&q);
    ok(h->total == 3 && h->n == 3 && strcmp(h->hit[0].id, "a3") == 0 &&
           strcmp(h->hit[1].id, "o2") == 0 && strcmp(h->hit[2].id, "o3") == 0,
       "newest first follows the dates, not the order of the puts");

    test_p->begin(test_writer, err, sizeof err);
    test_put("o5", "Rollback", "Kapal hantu", "x", "2018-01-01");
    test_p->del(test_writer, test_str("o2"), &removed, err, sizeof err);
    test_p->rollback(test_writer);
    ok(test_search("kapal")->total == 2 && test_search("hantu")->total == 0,
       "a rolled-back batch leaves no held write behind");
    test_p->begin(test_writer, err, sizeof err);
    ok(test_p->commit(test_writer, err, sizeof err) == 0 &&
           test_fts_check() == SQLITE_OK,
       "the next commit applies nothing of it");

    /* o2 is the only article of 2020-01-01: deleting it frees its rowid,
     * which the next article of that day gets in the same batch. */
    test_p->begin(test_writer, err, sizeof err);
    test_p->del(test_writer, test_str("o2"), &removed, err, sizeof err);
    test_put("o6", "Perahu motor", "Perahu motor merapat di dermaga.", "x",
             "2020-01-01");
    ok(test_p->commit(test_writer, err, sizeof err) == 0 &&
           test_fts_check() == SQLITE_OK,
       "a rowid freed and given again in one batch: integrity-check");
    ok(test_search("kapal")->total == 1 && test_search("motor")->total == 1,
       "the old article is gone, the new one found");
}

/* ---- frequent words (toplist.h): a one-word page the engine answers from
 * the word's blocks (query_engine.h) must be the page FTS5's full scan
 * returns (CARID_FTS5_ENGINE=off), before and after puts, deletes, upserts,
 * a rolled-back batch, a second OPTIMIZE, and for a word listed after
 * OPTIMIZE.  Until stop 25 these pages came from top lists. */

#define TEST_TOP_DOCS 14

static void
test_top_put(int i, int variant)
{
    char id[16], title[256], body[1024];
    int k, reps = (i * 7 + variant * 3) % 5;

    snprintf(id, sizeof id, "t%d", i);
    snprintf(title, sizeof title, "%s laporan nomor %d",
             (i + variant) % 4 == 0 ? "Harga" : "Kabar", i);
    body[0] = '\0';
    for (k = 0; k < 1 + (i * 5 + variant) % 9; k++)
        strcat(body, "warga kota membaca berita pagi ini. ");
    for (k = 0; k < reps; k++)
        strcat(body, "harga naik. ");
    test_put(id, title, body, "x", "2024-05-01");
}

/* Compares LIMIT off n with the same slice of FTS5's full scan; returns 1
 * if equal. */
static int
test_top_same(const char *word, int off, int n)
{
    struct test_hits full, *h;
    struct carid_query q;
    int i, same;

    test_query(&q, word);
    q.count = 20;
    setenv("CARID_FTS5_ENGINE", "off", 1);
    full = *test_search_q(&q);
    unsetenv("CARID_FTS5_ENGINE");
    q.offset = off;
    q.count = n;
    h = test_search_q(&q);
    same = h->rc == 0 && full.rc == 0 && h->total == full.total;
    for (i = 0; same && i < n && off + i < full.n; i++)
        same = i < h->n && strcmp(h->hit[i].id, full.hit[off + i].id) == 0 &&
               fabs(h->hit[i].score - full.hit[off + i].score) < 1e-12;
    if (!same)
        printf("# %s LIMIT %d %d: %d hits of %lld, full scan %d of %lld\n",
               word, off, n, h->n, (long long)h->total, full.n,
               (long long)full.total);
    return same;
}

static int
test_top_word_same(const char *word, const char *when)
{
    char what[128];
    int k, all = 1;

    for (k = 1; k <= 4; k++)
        all &= test_top_same(word, 0, k);
    all &= test_top_same(word, 2, 2) & test_top_same(word, 3, 1);
    all &= test_top_same(word, 0, 20);
    snprintf(what, sizeof what, "%s: engine pages = full scan %s", word, when);
    return ok(all, what);
}

static int
test_top_all_same(const char *when)
{
    return test_top_word_same("harga", when);
}

static void
test_toplist(void)
{
    char err[256], id[16], body[128];
    int64_t pages, words, before;
    int i, removed;
    struct test_hits *h;

    setenv("CARID_FTS5_TOP_MIN_DF", "3", 1);
    test_close_all();
    test_open_all();
    test_p->begin(test_writer, err, sizeof err);
    for (i = 0; i < TEST_TOP_DOCS; i++)
        test_top_put(i, 0);
    ok(test_p->commit(test_writer, err, sizeof err) == 0, "commit");
    ok(test_stat("toplist_words") == 0, "no word listed before OPTIMIZE");
    ok(test_p->optimize(test_writer, err, sizeof err) == 0, "optimize");
    ok(test_stat("toplist_words") > 1, "OPTIMIZE lists frequent words");
    pages = test_stat("engine_searches");
    test_top_all_same("after OPTIMIZE");
    ok(test_stat("engine_searches") - pages == 7,
       "those 7 pages were the engine's (the full scans not)");
    ok(test_fts_count("SELECT count(*) FROM tops") == 0 &&
           test_fts_count("SELECT count(*) FROM terms WHERE n <> 0") == 0,
       "and no top list is kept");
    /* a file an older carid kept lists in: emptied at the next start */
    ok(test_fts_count("INSERT INTO tops VALUES ('harga', 1.5, 7, 1, 1, 9)") ==
               -1 &&
           test_fts_count("UPDATE terms SET n = 1 WHERE term = 'harga'") ==
               -1 &&
           test_fts_count("SELECT count(*) FROM tops") == 1,
       "an older carid's list written beside it");
    test_close_all();
    test_open_all();
    ok(test_fts_count("SELECT count(*) FROM tops") == 0 &&
           test_fts_count("SELECT count(*) FROM terms WHERE n <> 0") == 0 &&
           test_stat("toplist_words") > 1,
       "a start empties it and keeps the words' counts");

    test_p->begin(test_writer, err, sizeof err);
    test_top_put(TEST_TOP_DOCS, 1);     /* new articles */
    test_top_put(TEST_TOP_DOCS + 1, 2);
    test_top_put(3, 3);                 /* upserts */
    test_top_put(8, 1);
    test_p->del(test_writer, test_str("t4"), &removed, err, sizeof err);
    test_p->del(test_writer, test_str("t0"), &removed, err, sizeof err);
    test_put("", "tanpa id", "harga", "x", "2024-01-01"); /* fails alone */
    ok(test_p->commit(test_writer, err, sizeof err) == 0, "commit changes");
    test_top_all_same("after puts, upserts and deletes");

    test_p->begin(test_writer, err, sizeof err);
    test_put("r1", "Harga harga harga", "harga", "x", "2024-01-01");
    test_p->del(test_writer, test_str("t1"), &removed, err, sizeof err);
    test_p->rollback(test_writer);
    test_top_all_same("after a rollback");

    test_p->begin(test_writer, err, sizeof err);
    for (i = 5; i < TEST_TOP_DOCS; i += 2) {
        snprintf(id, sizeof id, "t%d", i);
        test_p->del(test_writer, test_str(id), &removed, err, sizeof err);
    }
    test_top_put(2, 5);
    test_p->commit(test_writer, err, sizeof err);
    test_p->optimize(test_writer, err, sizeof err);
    test_top_all_same("after a second OPTIMIZE");

    /* A word frequent only since OPTIMIZE: the first search scans and asks
     * for a list, the writer's next batch builds it. */
    words = test_stat("toplist_words");
    before = test_search("nelayan")->total; /* o1 of batch_order */
    test_p->begin(test_writer, err, sizeof err);
    for (i = 0; i < 6; i++) {
        snprintf(id, sizeof id, "n%d", i);
        snprintf(body, sizeof body, "Nelayan %s melaut. %s", id,
                 i % 2 ? "Nelayan pulang." : "");
        test_put(id, i % 3 ? "Kabar pesisir" : "Nelayan pesisir", body, "x",
                 "2024-06-01");
    }
    test_p->commit(test_writer, err, sizeof err);
    ok(test_stat("toplist_words") == words, "no list for a new word yet");
    h = test_search("nelayan");
    ok(before < 3 && h->total == before + 6, "the full scan finds it");
    test_p->begin(test_writer, err, sizeof err);
    ok(test_p->commit(test_writer, err, sizeof err) == 0 &&
           test_stat("toplist_words") == words + 1,
       "the next batch lists it");
    test_top_word_same("nelayan", "for a word listed after OPTIMIZE");
    test_p->begin(test_writer, err, sizeof err);
    test_p->del(test_writer, test_str("n0"), &removed, err, sizeof err);
    test_put("n9", "Nelayan nelayan", "Nelayan lagi.", "x", "2024-06-02");
    test_p->commit(test_writer, err, sizeof err);
    test_top_word_same("nelayan", "after puts and deletes");
    unsetenv("CARID_FTS5_TOP_MIN_DF");
}

/* ---- rowids of upserts (docid.h): an upsert that keeps its day keeps
 * its rowid, so re-feeding changes nothing and upserts never use up a
 * day's ranks; FTS5 and the top lists get the old text's delete, then the
 * new text, at the same rowid.  A new date moves the article. */

/* The rowid of id in the index file, or -1. */
static int64_t
test_rowid(const char *id)
{
    char path[256];
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;
    int64_t rowid = -1;

    snprintf(path, sizeof path, "%s/carid.db", test_dir);
    if (sqlite3_open(path, &db) == SQLITE_OK &&
        sqlite3_prepare_v2(db, "SELECT rowid FROM docs WHERE id = ?1", -1,
                           &stmt, NULL) == SQLITE_OK &&
        sqlite3_bind_text(stmt, 1, id, -1, SQLITE_STATIC) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW)
        rowid = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return rowid;
}

/* Upserts u1 (dated) and u2 (undated) n times, in batches of three puts
 * each, with text that changes each round; returns the puts that failed. */
static int
test_upsert_rounds(int n)
{
    char err[256], body[128];
    int i, failed = 0;

    for (i = 0; i < n; i++) {
        test_p->begin(test_writer, err, sizeof err);
        snprintf(body, sizeof body, "Lahar mengalir. putaran%d", i);
        failed += test_put("u1", "Gunung meletus", body, "x", "2024-09-09");
        failed += test_put("u2", "Kabar tanpa tanggal", body, "x", "");
        failed += test_put("u1", "Gunung meletus", body, "x", "2024-09-09");
        failed += test_p->commit(test_writer, err, sizeof err) != 0;
    }
    return failed;
}

static void
test_upsert_rowid(void)
{
    char err[256];
    int64_t r1, r2;
    struct carid_query q;
    struct test_hits *h;

    test_p->begin(test_writer, err, sizeof err);
    test_put("u1", "Gunung meletus", "Lahar mengalir.", "x", "2024-09-09");
    test_put("u2", "Kabar tanpa tanggal", "Lahar dingin.", "x", "");
    ok(test_p->commit(test_writer, err, sizeof err) == 0, "commit");
    r1 = test_rowid("u1");
    r2 = test_rowid("u2");
    test_p->begin(test_writer, err, sizeof err);
    test_put("u1", "Gunung meletus", "Lahar mengalir.", "x", "2024-09-09");
    ok(test_p->commit(test_writer, err, sizeof err) == 0 &&
           test_rowid("u1") == r1,
       "feeding the same article again keeps its rowid");
    ok(test_upsert_rounds(300) == 0, "300 rounds of upserts");
    ok(test_rowid("u1") == r1 && test_rowid("u2") == r2,
       "upserts on the same day keep the rowid");
    ok(test_fts_check() == SQLITE_OK, "FTS5 integrity-check after them");
    ok(test_search("putaran299")->total == 2 &&
           test_search("putaran298")->total == 0 &&
           test_search("gunung")->total == 1,
       "only the last text is found");
    test_query(&q, "lahar");
    h = test_search_q(&q);
    ok(h->total == 2, "both articles found once each");
    test_p->begin(test_writer, err, sizeof err);
    test_put("u3", "Gunung lain", "Abu tipis.", "x", "2024-09-09");
    ok(test_p->commit(test_writer, err, sizeof err) == 0 &&
           test_rowid("u3") == r1 + 1,
       "the day's next article takes the next rank: none were used up");

    test_p->begin(test_writer, err, sizeof err);
    test_put("u1", "Gunung meletus", "Lahar mengalir.", "x", "2024-09-10");
    ok(test_p->commit(test_writer, err, sizeof err) == 0 &&
           test_rowid("u1") >> DOCID_N_BITS == (r1 >> DOCID_N_BITS) + 1,
       "a new date moves the article to that day");
    ok(test_fts_check() == SQLITE_OK, "integrity-check after the move");
    test_query(&q, "gunung");
    q.sort = CARID_SORT_NEWEST;
    h = test_search_q(&q);
    ok(h->total == 2 && h->n == 2 && strcmp(h->hit[0].id, "u1") == 0 &&
           strcmp(h->hit[1].id, "u3") == 0,
       "newest first follows the new date");
}

#define TEST_CORRUPT_TEXT                                                      \
    "index corrupt (database disk image is malformed): restore a BACKUP, "   \
    "or run carid --rebuild"

/* Runs sql on the test index's file, behind the plugin's back. */
static int
test_sql(const char *sql)
{
    char path[300];
    sqlite3 *db = NULL;
    int rc;

    snprintf(path, sizeof path, "%s/carid.db", test_dir);
    rc = sqlite3_open(path, &db);
    if (rc == SQLITE_OK) rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    sqlite3_close(db);
    return rc;
}

/*
 * An article's row gone from docs while FTS5 still lists it: the search
 * that meets it fails naming corruption (it said "search: not an error",
 * from a message read after the reset), and from then on writes and
 * BACKUP are refused with the same words; check() then rebuild() make a
 * sound index of what is left.
 */
static void
test_corruption(void)
{
    struct test_hits *h;
    int64_t kept = -1, lost = -1;
    char err[512], path[300];
    int removed;

    ok(test_p->begin(test_writer, err, sizeof err) == 0 &&
           test_put("rusak-1", "Gedung zzkorup ambruk", "Dinding retak.",
                    "harian", "2024-09-01") == 0 &&
           test_p->commit(test_writer, err, sizeof err) == 0,
       "feed the article to break");
    test_close_all();
    ok(test_sql("DELETE FROM docs WHERE id = 'rusak-1'") == SQLITE_OK,
       "its docs row deleted behind the plugin");
    test_open_all();
    h = test_search("zzkorup");
    ok(h->rc != 0 &&
           strcmp(h->err, "search: " TEST_CORRUPT_TEXT) == 0,
       "the search names corruption");
    printf("# %s\n", h->err);
    ok(test_p->begin(test_writer, err, sizeof err) != 0 &&
           strcmp(err, TEST_CORRUPT_TEXT) == 0,
       "begin refused");
    ok(test_p->del(test_writer, test_str("a1"), &removed, err, sizeof err) !=
               0 &&
           strcmp(err, TEST_CORRUPT_TEXT) == 0,
       "del refused");
    snprintf(path, sizeof path, "%s/salinan.db", test_dir);
    ok(test_p->backup(test_reader, path, err, sizeof err) != 0 &&
           strcmp(err, TEST_CORRUPT_TEXT) == 0,
       "backup refused");
    test_close_all();
    ok(test_p->check != NULL &&
           test_p->check(&test_host, test_dir, err, sizeof err) == 0,
       "check: the B-trees are sound");
    printf("# check: %s\n", err);
    ok(test_p->rebuild != NULL &&
           test_p->rebuild(&test_host, test_dir, &kept, &lost, err,
                           sizeof err) == 0 &&
           kept > 0 && lost == 1,
       "rebuild keeps the rest, one lost");
    printf("# rebuild: %lld kept, %lld lost: %s\n", (long long)kept,
           (long long)lost, err);
    test_open_all();
    h = test_search("zzkorup");
    ok(h->rc == 0 && h->total == 0, "the rebuilt index searches");
    ok(test_p->begin(test_writer, err, sizeof err) == 0 &&
           test_put("rusak-2", "Gedung baru", "", "", "") == 0 &&
           test_p->commit(test_writer, err, sizeof err) == 0,
       "and takes writes again");
}

static void
test_cleanup(void)
{
    char cmd[300];

    test_close_all();
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", test_dir);
    ok(system(cmd) == 0, "temp dir removed");
}

int
main(int argc, char **argv)
{
    static const struct tap_case cases[] = {
        {"open", test_open_all},
        {"feed", test_feed},
        {"query_basics", test_query_basics},
        {"query_options", test_query_options},
        {"get_del_upsert", test_get_del_upsert},
        {"admin", test_admin},
        {"host_keys", test_host_keys},
        {"reopen", test_reopen},
        {"restore", test_restore},
        {"batch_order", test_batch_order},
        {"toplist", test_toplist},
        {"upsert_rowid", test_upsert_rowid},
        {"corruption", test_corruption},
        {"cleanup", test_cleanup},
        {NULL, NULL},
    };
    int rc = test_module_open(argc, argv, &test_p, test_dir);

    if (rc >= 0) return rc;
    return tap_main(cases);
}
