/*
 * test_posts.c - SEARCH's engine path (plugins/fts5/query_engine.h) against
 * FTS5's, through carid_fts5.so's ABI as the daemon drives it: after
 * OPTIMIZE of a few thousand generated Indonesian articles, with blocks
 * for every word in 40 or more of them, random AND and OR queries of 1-4
 * frequent words with random LIMIT, OFFSET and FROM/TO give
 * the same page (ids, scores, total) from the engine and from FTS5
 * (CARID_FTS5_ENGINE=off).  Then random batches of puts, upserts (same
 * day: same rowid; other day: a new one), deletes and rolled-back batches,
 * each followed by random queries that the engine answers from the main
 * blocks and the fresh tier (posts_fresh.h) with the same pages as FTS5
 * (STATS engine_searches says the engine answered).  A word without
 * blocks, more fresh postings than the limit, or an index another carid
 * wrote falls back to FTS5; a reopened index answers the same; corrupt
 * blocks give an error.  Random prefixes (word*, of frequent words with
 * blocks and rare ones without) give FTS5's own prefix query's pages too
 * (query_prefix.h), and one over the expansion limit an error.  The module path comes from $CARID_FTS5_MODULE.
 */
#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "carid_plugin.h"
#include "tap.h"
#include "test_module.h"

#define TEST_DOCS     3000
#define TEST_QUERIES  600
#define TEST_MAX_HITS 64
#define TEST_IDS      (TEST_DOCS + 3000) /* ids the write rounds may use */
#define TEST_ROUNDS   24                 /* write batches */
#define TEST_ROUND_Q  40                 /* queries after each */

struct test_page {
    char id[TEST_MAX_HITS][16];
    double score[TEST_MAX_HITS];
    int n;
    int64_t total;
    int rc;
    char err[256];
};

static const struct carid_plugin *test_p;
static void *test_db, *test_writer, *test_reader;
static char test_dir[] = "/tmp/carid-test-posts-XXXXXX";
static unsigned long test_seed = 12345;

/* Root words (their own stems), most frequent first, and some glue. */
static const char *const test_words[] = {
    "harga",  "beras",  "pasar",  "naik",    "kota",   "warga",
    "banjir", "jalan",  "rumah",  "sekolah", "petani", "sungai",
    "hujan",  "kapal",  "gunung", "laut",    "pulau",  "listrik",
    "air",    "minyak", "gula",   "garam",   "ikan",   "kopi",
    "teh",    "motor",  "kereta", "bandara", "hutan",  "desa",
};
#define TEST_NWORDS ((int)(sizeof test_words / sizeof test_words[0]))
static const char *const test_glue[] = {"yang", "di",   "dan", "ke",
                                        "dari", "pada", "itu", "ini"};
/* Rare words (their own stems, in about 10 articles each: no blocks) that
 * share a beginning with the frequent ones, for prefixes whose words are
 * read from blocks and from FTS5 (query_prefix.h). */
static const char *const test_rare[] = {
    "kotak", "kapas", "pulang", "desak", "ikat",  "keras",  "gulai", "rumput",
    "hutang", "jalur", "pasang", "warna", "petak", "koper", "barang", "teras",
};
#define TEST_NRARE ((int)(sizeof test_rare / sizeof test_rare[0]))

static unsigned
test_rand(unsigned n)
{
    test_seed = test_seed * 6364136223846793005UL + 1442695040888963407UL;
    return (unsigned)((test_seed >> 33) % n);
}

/* A word: one of test_words in 3 tokens of 20, word i about 1/(i+1) as
 * often as word 0 (so the query words lie in 5 to 50 % of the articles,
 * where the idf is not clamped), else glue. */
static const char *
test_word(void)
{
    double u, w = 0;
    int i;

    if (test_rand(400) == 0) return test_rare[test_rand(TEST_NRARE)];
    if (test_rand(20) >= 3) return test_glue[test_rand(8)];
    for (i = 0; i < TEST_NWORDS; i++)
        w += 1.0 / (i + 1);
    u = w * test_rand(100000) / 100000.0;
    for (i = 0; i < TEST_NWORDS - 1; i++) {
        u -= 1.0 / (i + 1);
        if (u < 0) break;
    }
    return test_words[i];
}

static void
test_sentence(char *out, size_t cap, int words)
{
    size_t at = 0;
    int i;

    out[0] = '\0';
    for (i = 0; i < words && at + 16 < cap; i++)
        at += (size_t)snprintf(out + at, cap - at, "%s%s", i ? " " : "",
                               test_word());
    if (at + 2 < cap) snprintf(out + at, cap - at, ".");
}

/* Each id's last date put (upserts on the same day keep the rowid). */
static char test_date[TEST_IDS][16];
static int test_next = TEST_DOCS; /* the next new id */

/* Puts article i, dated day (NULL: a random day); 0 or -1. */
static int
test_put_on(int i, const char *day)
{
    static const char *const src[] = {"kompas", "antara", "tempo"};
    char id[16], title[256], body[1024], date[16];
    struct carid_doc doc;
    char err[256];
    unsigned y, m;

    snprintf(id, sizeof id, "d%d", i);
    test_sentence(title, sizeof title, 2 + (int)test_rand(6));
    test_sentence(body, sizeof body, 3 + (int)test_rand(30));
    if (day != NULL) {
        snprintf(date, sizeof date, "%s", day);
    } else {
        /* one draw a statement: argument order is the compiler's */
        y = 20 + test_rand(5);
        m = 1 + test_rand(12);
        snprintf(date, sizeof date, "20%02u-%02u-%02u", y, m,
                 1 + test_rand(28));
    }
    if (i >= 0 && i < TEST_IDS) memcpy(test_date[i], date, sizeof date);
    memset(&doc, 0, sizeof doc);
    doc.id = test_str(id);
    doc.field[CARID_FIELD_TITLE] = test_str(title);
    doc.field[CARID_FIELD_BODY] = test_str(body);
    doc.field[CARID_FIELD_SOURCE] = test_str(src[test_rand(3)]);
    doc.field[CARID_FIELD_DATE] = test_str(date);
    return test_p->put(test_writer, &doc, err, sizeof err);
}

static int
test_put(int i)
{
    return test_put_on(i, NULL);
}

static int
test_hit_cb(void *ctx, const struct carid_hit *hit)
{
    struct test_page *pg = ctx;
    size_t n;

    if (pg->n == TEST_MAX_HITS) return 1;
    n = hit->id.len < 15 ? hit->id.len : 15;
    memcpy(pg->id[pg->n], hit->id.p, n);
    pg->id[pg->n][n] = '\0';
    pg->score[pg->n++] = hit->score;
    return 0;
}

/* SOURCE, when not NULL, for test_search() and test_counts(). */
static const char *test_source;
/* The next test_run()'s date mode (0 none, 1 FROM and TO, 2 TO), or -1:
 * random. */
static int test_dates = -1;

static void
test_search(const char *text, int64_t offset, int64_t count, const char *from,
            const char *to, int fts5, struct test_page *pg)
{
    struct carid_query q;

    memset(&q, 0, sizeof q);
    q.text = test_str(text);
    if (test_source != NULL) q.source = test_str(test_source);
    q.offset = offset;
    q.count = count;
    q.want_fields = 1u << CARID_FIELD_TITLE;
    if (from != NULL) q.date_from = test_str(from);
    if (to != NULL) q.date_to = test_str(to);
    if (fts5)
        setenv("CARID_FTS5_ENGINE", "off", 1);
    else
        unsetenv("CARID_FTS5_ENGINE");
    memset(pg, 0, sizeof *pg);
    pg->rc = test_p->search(test_reader, &q, test_hit_cb, pg, &pg->total,
                            pg->err, sizeof pg->err);
    unsetenv("CARID_FTS5_ENGINE");
}

/* COUNTS source: the counts, flattened as "source=n;...". */
struct test_counts {
    char text[512];
    size_t at;
    int rc;
    char err[256];
};

static int
test_count_cb(void *ctx, struct carid_str term, int64_t count)
{
    struct test_counts *t = ctx;

    t->at += (size_t)snprintf(t->text + t->at, sizeof t->text - t->at,
                              "%.*s=%lld;", (int)term.len, term.p,
                              (long long)count);
    if (t->at >= sizeof t->text) t->at = sizeof t->text - 1;
    return 0;
}

static void
test_counts(const char *text, const char *from, const char *to, int fts5,
            struct test_counts *t)
{
    struct carid_query q;

    memset(&q, 0, sizeof q);
    memset(t, 0, sizeof *t);
    q.text = test_str(text);
    if (test_source != NULL) q.source = test_str(test_source);
    if (from != NULL) q.date_from = test_str(from);
    if (to != NULL) q.date_to = test_str(to);
    if (fts5) setenv("CARID_FTS5_ENGINE", "off", 1);
    t->rc = test_p->facets(test_reader, &q, CARID_FIELD_SOURCE, test_count_cb,
                           t, t->err, sizeof t->err);
    unsetenv("CARID_FTS5_ENGINE");
}

struct test_stat_want {
    const char *name;
    int64_t value;
};

static int
test_stat_cb(void *ctx, const char *name, int64_t value)
{
    struct test_stat_want *w = ctx;

    if (strcmp(name, w->name) == 0) w->value = value;
    return 0;
}

static int64_t
test_stat(const char *name)
{
    struct test_stat_want w = {name, -1};
    char err[256];

    if (test_p->stats(test_reader, test_stat_cb, &w, err, sizeof err) != 0)
        return -2;
    return w.value;
}

/* Figures of a comparison run. */
struct test_cmp {
    int queries, same, engine, inexact, hits;
    double maxdiff;
    int filtered, counts, counts_same; /* with a source; COUNTS compared */
};

/* 0 if the two pages agree: ids, total, scores (exactly or within 1e-12,
 * counted apart). */
static int
test_same(const struct test_page *a, const struct test_page *b,
          struct test_cmp *cmp)
{
    int i;

    if (a->rc != 0 || b->rc != 0 || a->n != b->n || a->total != b->total)
        return -1;
    for (i = 0; i < a->n; i++) {
        double d = fabs(a->score[i] - b->score[i]);

        if (strcmp(a->id[i], b->id[i]) != 0 || d > 1e-12) return -1;
        if (d > 0) cmp->inexact++;
        if (d > cmp->maxdiff) cmp->maxdiff = d;
    }
    cmp->hits += a->n;
    return 0;
}

/* text (test_source its SOURCE, or NULL) with a random page and range:
 * both paths, compared; COUNTS source too, every other time. */
static void
test_run(struct test_cmp *cmp, int print, const char *text)
{
    char from[16], to[16];
    struct test_page e, f;
    struct test_counts ce, cf;
    int64_t before, offset = test_rand(4) ? test_rand(12) : test_rand(60);
    int64_t count = test_rand(8) ? 1 + test_rand(20) : test_rand(TEST_MAX_HITS);
    int dates = test_dates >= 0 ? test_dates : (int)test_rand(3), i;
    unsigned y;

    y = 20 + test_rand(5);
    snprintf(from, sizeof from, "20%02u-%02u-01", y, 1 + test_rand(12));
    y = 20 + test_rand(5);
    snprintf(to, sizeof to, "20%02u-%02u-28", y, 1 + test_rand(12));
    before = test_stat("engine_searches");
    test_search(text, offset, count, dates == 1 ? from : NULL,
                dates >= 1 ? to : NULL, 0, &e);
    if (test_stat("engine_searches") > before) cmp->engine++;
    test_search(text, offset, count, dates == 1 ? from : NULL,
                dates >= 1 ? to : NULL, 1, &f);
    cmp->queries++;
    if (test_same(&e, &f, cmp) == 0)
        cmp->same++;
    else if (print) {
        for (i = 0; i < e.n && i < f.n; i++)
            if (strcmp(e.id[i], f.id[i]) != 0 || e.score[i] != f.score[i])
                printf("# '%s' hit %d: engine %s %.17g, fts5 %s %.17g\n", text,
                       i, e.id[i], e.score[i], f.id[i], f.score[i]);
    }
    if (print && (e.rc != 0 || f.rc != 0 || e.n != f.n || e.total != f.total))
        printf("# differs: '%s' source %s offset %lld count %lld from %s to "
               "%s: engine %d hits of %lld (%s), fts5 %d of %lld (%s)\n",
               text, test_source ? test_source : "-", (long long)offset,
               (long long)count, dates == 1 ? from : "-",
               dates >= 1 ? to : "-", e.n, (long long)e.total, e.err, f.n,
               (long long)f.total, f.err);
    if (test_rand(2)) { /* COUNTS source of the same query */
        test_counts(text, dates == 1 ? from : NULL, dates >= 1 ? to : NULL, 0,
                    &ce);
        test_counts(text, dates == 1 ? from : NULL, dates >= 1 ? to : NULL, 1,
                    &cf);
        cmp->counts++;
        if (ce.rc == 0 && cf.rc == 0 && strcmp(ce.text, cf.text) == 0)
            cmp->counts_same++;
        else if (print)
            printf("# COUNTS differ: '%s' source %s: engine %s (%s), fts5 %s "
                   "(%s)\n",
                   text, test_source ? test_source : "-", ce.text, ce.err,
                   cf.text, cf.err);
    }
    test_source = NULL;
    test_dates = -1;
}

/* One random query of distinct frequent words, AND or OR (a sixth of
 * those without a filter one word: engine_one.h), half of them with a
 * source: SOURCE, source:, -source: (one word too), a few others one word
 * with FROM and TO or TO alone. */
static void
test_one(struct test_cmp *cmp, int print)
{
    static const char *const src[] = {"kompas", "antara", "tempo", "cnn"};
    char text[256];
    int srcmode = test_rand(2) ? 0 : 1 + (int)test_rand(3);
    int dated = !srcmode && test_rand(5) == 0;
    int n = (srcmode || dated ? 1 : 1 + (int)test_rand(2)) +
            (dated ? 0 : (int)test_rand(3));
    int i, or = (int)test_rand(2);
    size_t at = 0;
    int pick[4], j;

    /* distinct words: FTS5 scores a repeated one twice, the engine path
     * leaves such queries to it */
    for (i = 0; i < n; i++) {
        do {
            pick[i] = (int)test_rand(12);
            for (j = 0; j < i && pick[j] != pick[i]; j++)
                ;
        } while (j < i);
        at += (size_t)snprintf(text + at, sizeof text - at, "%s%s",
                               i == 0 ? "" : or ? " OR "
                                                : " ",
                               test_words[pick[i]]);
    }
    test_source = srcmode == 1 ? src[test_rand(4)] : NULL;
    if (srcmode >= 2) /* source: restricts an AND (or best match) */
        snprintf(text + at, sizeof text - at, " %ssource:%s",
                 srcmode == 3 ? "-" : "", src[test_rand(4)]);
    cmp->filtered += srcmode != 0;
    if (dated) test_dates = 1 + (int)test_rand(2);
    test_run(cmp, print, text);
}

/* One random prefix: a frequent or a rare word cut to 2 or more bytes. */
static void
test_one_prefix(struct test_cmp *cmp, int print)
{
    const char *w = test_rand(3) ? test_words[test_rand(TEST_NWORDS)]
                                 : test_rare[test_rand(TEST_NRARE)];
    char text[64];
    unsigned len = (unsigned)strlen(w);

    snprintf(text, sizeof text, "%.*s*", (int)(2 + test_rand(len - 1)), w);
    test_run(cmp, print, text);
}

/* Prints and checks the figures of cmp: every page the same as FTS5's,
 * and all (or, for prefixes, most) answered by the engine. */
static void
test_report_of(const struct test_cmp *cmp, const char *kind, const char *when,
               int all)
{
    char what[256];

    printf("# %s%s: %d queries (%d with a source), %d the same, %d by the "
           "engine, %d hits, %d scores not bit-equal (max diff %g); COUNTS "
           "source %d, %d the same\n",
           kind, when, cmp->queries, cmp->filtered, cmp->same, cmp->engine,
           cmp->hits, cmp->inexact, cmp->maxdiff, cmp->counts,
           cmp->counts_same);
    snprintf(what, sizeof what, "%s%s: engine pages = FTS5 pages", kind, when);
    ok(cmp->same == cmp->queries, what);
    snprintf(what, sizeof what, "%s%s: COUNTS source = FTS5's", kind, when);
    ok(cmp->counts_same == cmp->counts, what);
    snprintf(what, sizeof what, "%s%s: the engine answered %s", kind, when,
             all ? "them all" : "most");
    ok(all ? cmp->engine == cmp->queries : cmp->engine * 2 > cmp->queries,
       what);
}

static void
test_report(const struct test_cmp *cmp, const char *when)
{
    test_report_of(cmp, "", when, 1);
}

/* Prefixes mostly of rare words are FTS5's either way (query_prefix.h);
 * FTS5's own prefix query is the path with the engine off. */
static void
test_prefix_report(const struct test_cmp *cmp, const char *when)
{
    test_report_of(cmp, "prefixes ", when, 0);
}

/* queries random queries of one kind (test_one or test_one_prefix). */
static void
test_compare_of(int queries, const char *when,
                void (*one)(struct test_cmp *, int))
{
    struct test_cmp cmp;
    int i;

    memset(&cmp, 0, sizeof cmp);
    for (i = 0; i < queries; i++)
        one(&cmp, cmp.queries - cmp.same < 5);
    if (one == test_one)
        test_report(&cmp, when);
    else
        test_prefix_report(&cmp, when);
}

static void
test_compare(int queries, const char *when)
{
    test_compare_of(queries, when, test_one);
}

static void
test_prefixes(int queries, const char *when)
{
    test_compare_of(queries, when, test_one_prefix);
}

/* Prints the df of the query words: the idf is clamped above half. */
static void
test_dfs(void)
{
    char path[256], line[512];
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;
    size_t at = 0;

    snprintf(path, sizeof path, "%s/carid.db", test_dir);
    if (sqlite3_open(path, &db) == SQLITE_OK &&
        sqlite3_prepare_v2(db,
                           "SELECT term, df, nblocks FROM post_terms"
                           " ORDER BY df DESC LIMIT 14",
                           -1, &stmt, NULL) == SQLITE_OK)
        while (sqlite3_step(stmt) == SQLITE_ROW && at + 40 < sizeof line)
            at += (size_t)snprintf(line + at, sizeof line - at, " %s %d/%d",
                                   sqlite3_column_text(stmt, 0),
                                   sqlite3_column_int(stmt, 1),
                                   sqlite3_column_int(stmt, 2));
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    line[at] = '\0';
    printf("# df/blocks:%s\n", line);
}

static void
test_open(void)
{
    char err[256];
    int i, rc = 0;

    setenv("CARID_FTS5_TOP_MIN_DF", "40", 1);
    /* words are listed the searches' way (test_merge_new_word); the
     * writer's own finding is e2e test_merges.py's */
    setenv("CARID_FTS5_HOT", "off", 1);
    ok(test_p->open(&test_host, test_dir, &test_db, err, sizeof err) == 0 &&
           test_p->writer_open(test_db, &test_writer, err, sizeof err) == 0 &&
           test_p->reader_open(test_db, &test_reader, err, sizeof err) == 0,
       "open");
    test_p->begin(test_writer, err, sizeof err);
    for (i = 0; i < TEST_DOCS; i++)
        rc |= test_put(i);
    ok(rc == 0 && test_p->commit(test_writer, err, sizeof err) == 0,
       "feed the articles");
    ok(test_stat("engine_words") == 0, "no blocks before OPTIMIZE");
    ok(test_p->optimize(test_writer, err, sizeof err) == 0, "optimize");
    ok(test_stat("engine_words") >= 12, "blocks for the frequent words");
    test_dfs();
}

static void
test_equal(void)
{
    test_compare(TEST_QUERIES, "after OPTIMIZE");
    test_prefixes(TEST_QUERIES / 2, "after OPTIMIZE");
}

/* A lone word* over PREFIX_MAX_EXPANSION (128) words is an error that
 * says how many; one letter more and it is answered. */
static void
test_prefix_limit(void)
{
    static const char cons[] = "bcdfgjmpqrtvwxyz";
    struct carid_doc doc;
    struct test_page e;
    char body[1024], err[256];
    size_t at = (size_t)snprintf(body, sizeof body, "kata ");
    int i, rc;

    for (i = 0; i < 130; i++)
        at += (size_t)snprintf(body + at, sizeof body - at, "zqx%c%c ",
                               cons[i / 16], cons[i % 16]);
    memset(&doc, 0, sizeof doc);
    doc.id = test_str("banyak1");
    doc.field[CARID_FIELD_TITLE] = test_str("kata baru");
    doc.field[CARID_FIELD_BODY] = test_str(body);
    doc.field[CARID_FIELD_DATE] = test_str("2023-05-06");
    rc = test_p->begin(test_writer, err, sizeof err);
    if (rc == 0) rc = test_p->put(test_writer, &doc, err, sizeof err);
    if (rc == 0) rc = test_p->commit(test_writer, err, sizeof err);
    ok(rc == 0, "an article with 130 words starting zqx");
    test_search("zqx*", 0, 10, NULL, NULL, 0, &e);
    printf("# zqx*: %s\n", e.err);
    ok(e.rc != 0 && strcmp(e.err, "prefix 'zqx*' matches 130 indexed words "
                                  "(at most 128): type more letters") == 0,
       "zqx* (130 words): the error says how many");
    test_search("harga zqx*", 0, 10, NULL, NULL, 1, &e);
    ok(e.rc != 0 && strstr(e.err, "type more letters") != NULL,
       "also inside a larger query, on the FTS5 path");
    test_search("zqxb*", 0, 10, NULL, NULL, 0, &e);
    ok(e.rc == 0 && e.total == 1 && e.n == 1 &&
           strcmp(e.id[0], "banyak1") == 0,
       "zqxb* (16 words): answered");
    test_search("\"kata zqx\"*", 0, 10, NULL, NULL, 0, &e);
    ok(e.rc == 0 && e.total == 1, "a phrase's prefix is not limited");
}

/* An id already used: half the time among the last 200 (often this
 * batch's or the fresh tier's), else any. */
static int
test_old_id(void)
{
    int recent = test_next < 200 ? test_next : 200;

    return test_rand(2) ? test_next - 1 - (int)test_rand((unsigned)recent)
                        : (int)test_rand((unsigned)test_next);
}

/* One batch of ops random writes, committed or rolled back: 0 or -1. */
static int
test_batch(int ops, int rollback)
{
    char err[256], id[16];
    int k, i, rc = 0, removed;

    if (test_p->begin(test_writer, err, sizeof err) != 0) return -1;
    for (k = 0; rc == 0 && k < ops; k++) {
        unsigned r = test_rand(10);

        if (r < 4 && test_next < TEST_IDS) {
            rc = test_put(test_next++);
        } else if (r < 6) {
            i = test_old_id(); /* same day: the same rowid */
            rc = test_put_on(i, test_date[i][0] != '\0' ? test_date[i] : NULL);
        } else if (r < 8) {
            rc = test_put(test_old_id()); /* another day, most likely */
        } else {
            snprintf(id, sizeof id, "d%d", test_old_id());
            rc = test_p->del(test_writer, test_str(id), &removed, err,
                             sizeof err);
        }
    }
    if (rc != 0 || rollback) {
        test_p->rollback(test_writer);
        return rc;
    }
    return test_p->commit(test_writer, err, sizeof err);
}

static void
test_writes(void)
{
    struct test_cmp cmp, pcmp;
    int r, q, rc = 0, rolled = 0;

    memset(&cmp, 0, sizeof cmp);
    memset(&pcmp, 0, sizeof pcmp);
    for (r = 0; r < TEST_ROUNDS; r++) {
        int rollback = r % 5 == 3;

        rc |= test_batch(1 + (int)test_rand(r % 4 == 0 ? 200 : 30), rollback);
        rolled += rollback;
        for (q = 0; q < TEST_ROUND_Q; q++)
            test_one(&cmp, cmp.queries - cmp.same < 5);
        for (q = 0; q < TEST_ROUND_Q / 4; q++)
            test_one_prefix(&pcmp, pcmp.queries - pcmp.same < 5);
    }
    ok(rc == 0, "write batches");
    printf("# %d batches (%d rolled back), ids up to %d, fresh postings %lld,"
           " gone %lld\n",
           TEST_ROUNDS, rolled, test_next, (long long)test_stat("engine_fresh"),
           (long long)test_stat("engine_gone"));
    ok(test_stat("engine_fresh") > 0 && test_stat("engine_gone") > 0,
       "STATS engine_fresh and engine_gone count the tier");
    test_report(&cmp, "after writes, not optimized");
    test_prefix_report(&pcmp, "after writes, not optimized");
}

static void test_reopen_all(void);
static int test_maintain(int64_t budget_usec);
static int test_falls_back(const char *text);
static int test_engine_answers(const char *text);

/* Articles first .. first + n - 1 holding 'vulkanik', in one batch. */
static int
test_put_vulkanik(int first, int n)
{
    struct carid_doc doc;
    char err[256], id[32], body[128];
    int i, rc;

    rc = test_p->begin(test_writer, err, sizeof err);
    for (i = first; rc == 0 && i < first + n; i++) {
        memset(&doc, 0, sizeof doc);
        snprintf(id, sizeof id, "vulkanik%d", i % 90);
        snprintf(body, sizeof body, "%s vulkanik %s di %s", test_words[i % 12],
                 test_words[(i * 7) % 12], i % 3 ? "laut" : "desa");
        doc.id = test_str(id); /* from 90 on: upserts */
        doc.field[CARID_FIELD_TITLE] = test_str(i % 4 ? "kabar" : "vulkanik");
        doc.field[CARID_FIELD_BODY] = test_str(body);
        doc.field[CARID_FIELD_DATE] =
            test_str(i % 2 ? "2023-05-05" : "2022-01-09");
        rc = test_p->put(test_writer, &doc, err, sizeof err);
    }
    return rc == 0 ? test_p->commit(test_writer, err, sizeof err) : rc;
}

/* A word new since OPTIMIZE made frequent: a search finds it so, the next
 * batch lists it (toplist_want()), and the merge that is then due gives
 * it blocks from FTS5's index as of its snapshot, while batches that add
 * and replace articles with it come between its steps; queries with it
 * are then the engine's and equal to FTS5's, before and after more
 * writes. */
static void
test_merge_new_word(void)
{
    static const char *const texts[] = {
        "vulkanik harga", "vulkanik OR beras OR pasar", "pasar vulkanik naik",
        "vulkanik OR laut"};
    struct test_cmp cmp;
    struct test_page e;
    int64_t words;
    int i, more, steps = 0;

    ok(test_put_vulkanik(0, 60) == 0, "60 articles with 'vulkanik'");
    while ((more = test_maintain(1000000)) > 0)
        ;
    test_search("vulkanik", 0, 10, NULL, NULL, 0, &e);
    ok(e.rc == 0 && e.total >= 60 && test_batch(1, 0) == 0 &&
           test_falls_back("vulkanik harga"),
       "found frequent and listed, no blocks yet: FTS5");
    words = test_stat("engine_words");
    while ((more = test_maintain(0)) > 0)
        /* three batches: new articles, and upserts of all but ten */
        if (++steps <= 12 && steps % 4 == 1 &&
            test_put_vulkanik(40 + 10 * steps, 30) != 0)
            more = -1;
    ok(more == 0 && steps > 4, "merged, with batches between its steps");
    ok(test_stat("engine_words") == words + 1 &&
           test_engine_answers("vulkanik harga"),
       "the merge gave it blocks: the engine");
    memset(&cmp, 0, sizeof cmp);
    for (i = 0; i < 40; i++) {
        if (i == 20) ok(test_batch(80, 0) == 0, "a batch in between");
        test_run(&cmp, cmp.queries - cmp.same < 5, texts[i % 4]);
    }
    test_report(&cmp, "with a word given blocks by a merge");
}

/* One call of the plugin's background work with budget_usec: its *more,
 * or -1 on failure. */
static int
test_maintain(int64_t budget_usec)
{
    char err[256];
    int more = 0;

    if (test_p->maintain(test_writer, budget_usec, &more, err, sizeof err) !=
        0) {
        printf("# maintain: %s\n", err);
        return -1;
    }
    return more;
}

/* posts_merge.h: random batches with the writer's merge steps between
 * them, one word a step (budget 0), so that queries and commits (with
 * removals) run while a merge is half written; every page the same as
 * FTS5's and the engine's, and merges switched.  Then one left half done
 * at OPTIMIZE, and one at a reopen. */
static void
test_merges(void)
{
    struct test_cmp cmp;
    int r, q, rc = 0, steps = 0, during = 0, more = 0;
    int64_t merges = test_stat("engine_merges"), fresh;

    setenv("CARID_FTS5_MERGE_MIN", "2000", 1);
    memset(&cmp, 0, sizeof cmp);
    for (r = 0; r < TEST_ROUNDS; r++) {
        int k, n = 1 + (int)test_rand(6);

        rc |= test_batch(1 + (int)test_rand(r % 4 == 0 ? 200 : 30), r % 7 == 5);
        for (k = 0; k < n && (more = test_maintain(0)) >= 0; k++)
            steps++;
        if (more < 0) rc = -1;
        during += test_stat("engine_merging") > 0;
        for (q = 0; q < TEST_ROUND_Q; q++)
            test_one(&cmp, cmp.queries - cmp.same < 5);
    }
    /* the writer idle: merges until none is due, with any tier due (else
     * what the last batches left below the threshold stays, as the random
     * sequence has it); the last one's snapshot holds every write */
    setenv("CARID_FTS5_MERGE_MIN", "1", 1);
    do {
        int64_t before = test_stat("engine_merges");

        while ((more = test_maintain(1000000)) > 0)
            steps++;
        if (test_stat("engine_merges") == before) break;
    } while (more == 0);
    setenv("CARID_FTS5_MERGE_MIN", "2000", 1);
    ok(rc == 0 && more == 0, "write batches and merge steps");
    fresh = test_stat("engine_fresh");
    printf("# %d batches, %d merge steps, %lld merges (%d rounds with one "
           "running), fresh postings %lld, gone %lld\n",
           TEST_ROUNDS, steps, (long long)(test_stat("engine_merges") - merges),
           during, (long long)fresh, (long long)test_stat("engine_gone"));
    ok(test_stat("engine_merges") - merges >= 2 && during > 0,
       "merges ran and switched, queries ran during them");
    ok(fresh == 0 && test_stat("engine_gone") == 0,
       "idle, the tier is merged away");
    test_report(&cmp, "with merges between writes");

    /* half a merge, then OPTIMIZE: abandoned */
    ok(test_batch(400, 0) == 0 && test_maintain(0) == 1 &&
           test_maintain(0) == 1 && test_stat("engine_merging") > 0,
       "a merge under way");
    {
        char err[256];

        ok(test_p->optimize(test_writer, err, sizeof err) == 0 &&
               test_stat("engine_merging") == 0 &&
               test_stat("engine_fresh") == 0,
           "OPTIMIZE abandons it");
    }
    ok(test_maintain(0) == 0, "nothing due after OPTIMIZE");
    test_compare(60, "after a merge abandoned by OPTIMIZE");

    /* half a merge, then a restart: its tables are dropped by the next */
    ok(test_batch(400, 0) == 0 && test_maintain(0) == 1 &&
           test_maintain(0) == 1,
       "another merge under way");
    test_reopen_all();
    while ((more = test_maintain(0)) > 0)
        ;
    ok(more == 0 && test_stat("engine_merging") == 0 &&
           test_stat("engine_fresh") == 0,
       "after a reopen the next merge completes");
    test_compare(60, "after a merge across a reopen");
    test_merge_new_word();
    unsetenv("CARID_FTS5_MERGE_MIN");
}

/* Runs sql on the file behind the plugin's back. */
static int test_sql(const char *sql);

/* 1 if text's search is FTS5's and the same page as FTS5's. */
static int
test_falls_back(const char *text)
{
    struct test_page e, f;
    int64_t before = test_stat("engine_searches");

    test_search(text, 0, 10, NULL, NULL, 0, &e);
    test_search(text, 0, 10, NULL, NULL, 1, &f);
    return test_stat("engine_searches") == before && e.rc == 0 && f.rc == 0 &&
           e.total == f.total && e.n == f.n && e.n > 0 &&
           strcmp(e.id[0], f.id[0]) == 0;
}

/* 1 if the engine answers text. */
static int
test_engine_answers(const char *text)
{
    struct test_page e;
    int64_t before = test_stat("engine_searches");

    test_search(text, 0, 10, NULL, NULL, 0, &e);
    return e.rc == 0 && test_stat("engine_searches") == before + 1;
}

static void
test_fallbacks(void)
{
    struct carid_doc doc;
    char err[256];
    int rc;

    memset(&doc, 0, sizeof doc);
    doc.id = test_str("langka1");
    doc.field[CARID_FIELD_TITLE] = test_str("harga langka");
    doc.field[CARID_FIELD_BODY] = test_str("beras langka di pasar");
    doc.field[CARID_FIELD_DATE] = test_str("2023-05-05");
    rc = test_p->begin(test_writer, err, sizeof err);
    if (rc == 0) rc = test_p->put(test_writer, &doc, err, sizeof err);
    if (rc == 0) rc = test_p->commit(test_writer, err, sizeof err);
    ok(rc == 0, "an article with a word in no other");
    ok(test_falls_back("langka harga"), "a word without blocks: FTS5");
    ok(test_engine_answers("harga beras"), "the others: the engine");
    setenv("CARID_FTS5_FRESH_MAX", "1", 1);
    ok(test_falls_back("harga beras"), "over the fresh limit: FTS5");
    unsetenv("CARID_FTS5_FRESH_MAX");
    ok(test_sql("UPDATE meta SET value = value + 1 WHERE key = 'gen'") ==
               SQLITE_OK &&
           test_falls_back("harga beras"),
       "a write by a carid without the fresh tier: FTS5");
    ok(test_sql("UPDATE meta SET value = value - 1 WHERE key = 'gen';"
                "UPDATE meta SET value = value + 1 WHERE key = 'fresh_rows'") ==
               SQLITE_OK &&
           test_falls_back("harga beras"),
       "a write by a carid without generations (article count): FTS5");
    ok(test_sql("UPDATE meta SET value = value - 1 WHERE key = 'fresh_rows';"
                "UPDATE meta SET value = value + 1 WHERE key = 'posts_gen'") ==
               SQLITE_OK &&
           test_falls_back("harga beras"),
       "an OPTIMIZE by a carid without the fresh tier: FTS5");
    ok(test_sql("UPDATE meta SET value = value - 1 WHERE key = 'posts_gen'") ==
               SQLITE_OK &&
           test_engine_answers("harga beras"),
       "put back: the engine again");
}

/* An OPTIMIZE that fails inside a batch (a trigger makes it) leaves the
 * batch's writes before it in the tier: the rest of the batch commits and
 * the engine still answers as FTS5. */
static void
test_failed_optimize(void)
{
    struct test_cmp cmp;
    char err[256];
    int i, rc;

    ok(test_sql("CREATE TRIGGER test_fail BEFORE INSERT ON post_terms"
                " BEGIN SELECT RAISE(ABORT, 'test'); END") == SQLITE_OK,
       "a trigger that fails OPTIMIZE");
    rc = test_p->begin(test_writer, err, sizeof err);
    /* upserts on the same day: the article count does not move */
    for (i = 0; rc == 0 && i < 30; i++)
        rc = test_put_on(i * 7, test_date[i * 7]);
    ok(rc == 0 && test_p->optimize(test_writer, err, sizeof err) != 0,
       "OPTIMIZE fails inside the batch");
    for (i = 0; rc == 0 && i < 10; i++)
        rc = test_put(test_next++);
    ok(rc == 0 && test_p->commit(test_writer, err, sizeof err) == 0,
       "the rest of the batch commits");
    ok(test_sql("DROP TRIGGER test_fail") == SQLITE_OK, "trigger dropped");
    memset(&cmp, 0, sizeof cmp);
    for (i = 0; i < 100; i++)
        test_one(&cmp, cmp.queries - cmp.same < 5);
    test_report(&cmp, "after a failed OPTIMIZE in a batch");
}

/* Closes and opens the index, its writer and reader. */
static void
test_reopen_all(void)
{
    char err[256];

    test_p->reader_close(test_reader);
    test_p->writer_close(test_writer);
    test_p->close(test_db);
    ok(test_p->open(&test_host, test_dir, &test_db, err, sizeof err) == 0 &&
           test_p->writer_open(test_db, &test_writer, err, sizeof err) == 0 &&
           test_p->reader_open(test_db, &test_reader, err, sizeof err) == 0,
       "reopen");
}

/* Everything the tier needs is in carid.db: a reopened index answers. */
static void
test_reopen(void)
{
    test_reopen_all();
    test_compare(100, "reopened, not optimized");
}

static void
test_optimized(void)
{
    char err[256];

    ok(test_p->optimize(test_writer, err, sizeof err) == 0, "optimize again");
    ok(test_stat("engine_fresh") == 0 && test_stat("engine_gone") == 0,
       "OPTIMIZE empties the fresh tier");
    test_compare(100, "after writes and OPTIMIZE");
    ok(test_batch(20, 0) == 0, "a batch after OPTIMIZE");
    test_compare(60, "after OPTIMIZE and a batch");
    test_prefixes(60, "after OPTIMIZE and a batch");
}

/* Runs sql on the file behind the plugin's back. */
static int
test_sql(const char *sql)
{
    char path[256];
    sqlite3 *db = NULL;
    int rc;

    snprintf(path, sizeof path, "%s/carid.db", test_dir);
    rc = sqlite3_open(path, &db);
    if (rc == SQLITE_OK) rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    sqlite3_close(db);
    return rc;
}

/* A new reader connection, as after a restart: a reader keeps the skip
 * tables and blocks it loaded until the next OPTIMIZE (posts_cache.h), so
 * what is changed on disk behind its back meanwhile is seen by a new one. */
static void
test_new_reader(void)
{
    char err[256];

    test_p->reader_close(test_reader);
    ok(test_p->reader_open(test_db, &test_reader, err, sizeof err) == 0,
       "a new reader");
}

static void
test_corrupt_one(const char *sql, const char *what, int skip_table)
{
    struct test_page e;
    char err[256], msg[600];

    ok(test_sql(sql) == SQLITE_OK, what);
    if (skip_table) {
        /* loaded by the searches before: the reader answers from it */
        test_search("harga beras", 0, 10, NULL, NULL, 0, &e);
        ok(e.rc == 0 && e.n == 10,
           "the reader's loaded skip table and blocks serve");
    }
    test_new_reader();
    test_search("harga beras", 0, 10, NULL, NULL, 0, &e);
    snprintf(msg, sizeof msg, "%s: an error, not a crash (%s)", what, e.err);
    ok(e.rc != 0 && strstr(e.err, "corrupt") != NULL, msg);
    ok(test_p->optimize(test_writer, err, sizeof err) == 0,
       "OPTIMIZE rebuilds the blocks");
    test_search("harga beras", 0, 10, NULL, NULL, 0, &e);
    ok(e.rc == 0 && e.n == 10, "and the engine answers again");
}

static void
test_corrupt(void)
{
    test_corrupt_one("UPDATE posts SET block = substr(block, 1,"
                     " length(block) - 3) WHERE term = 'beras'",
                     "truncated blocks", 0);
    /* the blocks the reader read in one scan with the skip table */
    test_corrupt_one("UPDATE posts SET block = substr(block, 1,"
                     " length(block) - 5) WHERE term = 'harga'",
                     "truncated blocks, once cached", 1);
    test_corrupt_one("UPDATE posts SET block = x'ff' || substr(block, 2)"
                     " WHERE term = 'harga'",
                     "a wrong version byte", 0);
    test_corrupt_one("UPDATE posts SET block = substr(block, 1, 12) ||"
                     " x'0000000000' || substr(block, 18) WHERE term = 'beras'",
                     "zeroed bytes in the middle", 0);
    test_corrupt_one("UPDATE post_terms SET heads = substr(heads, 1,"
                     " length(heads) / 2) WHERE term = 'harga'",
                     "a truncated skip table", 1);
    test_corrupt_one("DELETE FROM posts WHERE term = 'beras' AND last IN"
                     " (SELECT last FROM posts WHERE term = 'beras' LIMIT 1)",
                     "a missing block", 0);
}

/* Blocks of an older layout (the skip table's version byte 1, as a build
 * before the engine's format 2 wrote) are not an error: FTS5 answers
 * until OPTIMIZE rewrites them. */
static void
test_old_layout(void)
{
    struct test_page e;
    char err[256];
    int64_t before;

    ok(test_sql("UPDATE post_terms SET heads = x'01' || substr(heads, 2)"
                " WHERE term = 'harga'") == SQLITE_OK,
       "a skip table of layout version 1");
    test_new_reader();
    before = test_stat("engine_searches");
    test_search("harga beras", 0, 10, NULL, NULL, 0, &e);
    ok(e.rc == 0 && e.n == 10 && test_stat("engine_searches") == before,
       "older blocks: FTS5 answers, no error");
    ok(test_p->optimize(test_writer, err, sizeof err) == 0,
       "OPTIMIZE rewrites them");
    test_search("harga beras", 0, 10, NULL, NULL, 0, &e);
    ok(e.rc == 0 && e.n == 10 && test_stat("engine_searches") == before + 1,
       "and the engine answers again");
}

static void
test_cleanup(void)
{
    char cmd[300];

    test_p->reader_close(test_reader);
    test_p->writer_close(test_writer);
    test_p->close(test_db);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", test_dir);
    ok(system(cmd) == 0, "temp dir removed");
}

int
main(int argc, char **argv)
{
    static const struct tap_case cases[] = {
        {"open", test_open},
        {"equal", test_equal},
        {"prefix limit", test_prefix_limit},
        {"writes", test_writes},
        {"fallbacks", test_fallbacks},
        {"failed-optimize", test_failed_optimize},
        {"reopen", test_reopen},
        {"merges", test_merges},
        {"optimized", test_optimized},
        {"corrupt", test_corrupt},
        {"old layout", test_old_layout},
        {"cleanup", test_cleanup},
        {NULL, NULL},
    };
    int rc = test_module_open(argc, argv, &test_p, test_dir);

    if (rc >= 0) return rc;
    return tap_main(cases);
}
