/*
 * test_snippet.c - carid_snippet() (snippet.h): the same text as FTS5's
 * snippet() on generated articles and queries, marks and ellipses as
 * expected, an expired query stops it, and its cost over a 2 MiB body is
 * linear (FTS5's is quadratic in the matches: 322 s there, issue 15).
 * CARID_SNIPPET_BENCH=<KiB> also times FTS5's snippet() up to that size.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "carid_plugin.h"
#include "snippet.h"
#include "tap.h"
#include "test_fts5.h"
#include "fts5_tokenizer.h"
#include "tokenizer.h"

#define TEST_DOCS    400
#define TEST_REPEAT  "harga beras naik di pasar. "
#define TEST_SLOW_MS 5000 /* 2 MiB, whatever the machine (ASan included) */

static sqlite3 *test_db;

static int
test_exec(const char *sql)
{
    int rc = sqlite3_exec(test_db, sql, NULL, NULL, NULL);

    if (rc != SQLITE_OK) printf("# %s: %s\n", sql, sqlite3_errmsg(test_db));
    return rc;
}

static void
test_put(sqlite3_int64 rowid, const char *title, const char *body, size_t len)
{
    sqlite3_stmt *stmt = NULL;

    sqlite3_prepare_v2(test_db,
                       "INSERT INTO fts(rowid, title, body) VALUES (?1, ?2, ?3)",
                       -1, &stmt, NULL);
    sqlite3_bind_int64(stmt, 1, rowid);
    sqlite3_bind_text(stmt, 2, title, -1, SQLITE_STATIC);
    if (body != NULL)
        sqlite3_bind_text64(stmt, 3, body, len, SQLITE_STATIC, SQLITE_UTF8);
    if (sqlite3_step(stmt) != SQLITE_DONE)
        printf("# insert: %s\n", sqlite3_errmsg(test_db));
    sqlite3_finalize(stmt);
}

/* fn's snippet of rowid for match into out (malloc'd, "(null)" for NULL);
 * returns the step's code.  q, if not NULL, is bound as the query. */
static int
test_snip(const char *fn, const char *match, sqlite3_int64 rowid,
          const char *open, const struct carid_query *q, char **out)
{
    char sql[256];
    sqlite3_stmt *stmt = NULL;
    const unsigned char *t;
    int rc, n;

    snprintf(sql, sizeof sql,
             "SELECT %s(fts, 1, ?2, ']', '…', 16%s) FROM fts"
             " WHERE fts MATCH ?1 AND rowid = ?3",
             fn, q != NULL ? ", ?4" : "");
    *out = NULL;
    rc = sqlite3_prepare_v2(test_db, sql, -1, &stmt, NULL);
    if (rc != SQLITE_OK) return rc;
    sqlite3_bind_text(stmt, 1, match, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, open, -1, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 3, rowid);
    if (q != NULL)
        sqlite3_bind_pointer(stmt, 4, (void *)q, SNIPPET_QUERY_PTR, NULL);
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        t = sqlite3_column_text(stmt, 0);
        n = sqlite3_column_bytes(stmt, 0);
        *out = malloc((size_t)n + 8);
        if (t != NULL)
            memcpy(*out, t, (size_t)n + 1);
        else
            strcpy(*out, "(null)");
    }
    sqlite3_finalize(stmt);
    return rc;
}

static double
test_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static unsigned long test_seed = 15;

static unsigned
test_rand(unsigned n)
{
    test_seed = test_seed * 6364136223846793005ul + 1442695040888963407ul;
    return (unsigned)(test_seed >> 33) % n;
}

static const char *const test_words[] = {
    "harga",   "beras", "naik",    "di",      "pasar",  "pemerintah",
    "banjir",  "kota",  "Jakarta", "warga",   "minyak", "goreng",
    "turun",   "harga", "Beras",   "sayur-mayur", "G20", "Rp1.500",
    "petani",  "panen", "gagal",   "bantuan", "sosial", "menteri",
};
static const char *const test_seps[] = {" ", " ", " ", " ", ", ", ". ",
                                        ": ", ".\n", "  ", " (", ") ", " - "};

#define TEST_NWORDS (sizeof test_words / sizeof test_words[0])
#define TEST_NSEPS  (sizeof test_seps / sizeof test_seps[0])

static void
test_gen(char *buf, size_t cap, unsigned words)
{
    size_t n = 0;
    unsigned i;

    buf[0] = '\0';
    if (test_rand(4) == 0) n += (size_t)snprintf(buf, cap, "  ");
    for (i = 0; i < words && n + 64 < cap; i++)
        n += (size_t)snprintf(buf + n, cap - n, "%s%s",
                              test_words[test_rand(TEST_NWORDS)],
                              test_seps[test_rand(TEST_NSEPS)]);
}

static void
test_same_as_fts5(void)
{
    static const char *const queries[] = {
        "\"harga\"", "\"beras\"", "\"harga\" \"beras\"", "\"harga beras\"",
        "\"banjir\" OR \"pasar\"", "\"pet\"*", "NEAR(\"harga\" \"naik\", 3)",
        "\"kota\" \"warga\" \"panen\"", "\"g\" \"20\"", "\"pemerintah\"",
        "\"sayur\"", "\"judul\"", "\"1\" \"500\"",
    };
    char body[8192], *a, *b;
    int d, i, compared = 0, differ = 0, ra, rb;

    test_exec("DELETE FROM fts");
    for (d = 1; d <= TEST_DOCS; d++) {
        test_gen(body, sizeof body, d % 7 == 0 ? test_rand(12)
                                               : test_rand(d < 200 ? 60 : 900));
        test_put(d, d % 5 == 0 ? "judul harga beras" : "judul",
                 d % 97 == 0 ? NULL : body, strlen(body));
    }
    for (i = 0; i < (int)(sizeof queries / sizeof queries[0]); i++) {
        for (d = 1; d <= TEST_DOCS; d++) {
            ra = test_snip("snippet", queries[i], d, "[", NULL, &a);
            rb = test_snip(SNIPPET_FN, queries[i], d, "[", NULL, &b);
            if (ra == SQLITE_ROW) compared++;
            if (ra != rb || (a != NULL && strcmp(a, b) != 0)) {
                if (differ++ < 3)
                    printf("# %s rowid %d: fts5 %d '%s', carid %d '%s'\n",
                           queries[i], d, ra, a ? a : "", rb, b ? b : "");
            }
            free(a);
            free(b);
        }
    }
    printf("# %d snippets compared\n", compared);
    ok(compared > 1000, "many matching (article, query) pairs");
    ok(differ == 0, "carid_snippet() gives snippet()'s text every time");
}

static const char test_long[] =
    "Pagi ini warga kota mengantre sejak subuh di depan toko yang masih "
    "tutup. Harga beras naik lagi di "
    "pasar induk, kata pedagang yang sudah lama berjualan di sana dan kini "
    "mengeluh karena pembeli sepi sekali.";
static const char test_none[] =
    "Tidak ada kata itu di sini, hanya teks biasa yang cukup panjang untuk "
    "dipotong setelah enam belas kata pertama dari teks ini.";

/* Checks that both snippet() and carid_snippet() give want. */
static void
test_want(const char *match, sqlite3_int64 rowid, const char *open,
          const char *want, const char *what)
{
    char *a, *b;
    int ra = test_snip("snippet", match, rowid, open, NULL, &a);
    int rb = test_snip(SNIPPET_FN, match, rowid, open, NULL, &b);

    ok(ra == SQLITE_ROW && rb == SQLITE_ROW && strcmp(a, want) == 0 &&
           strcmp(b, want) == 0,
       what);
    printf("# %s\n", b != NULL ? b : "(error)");
    free(a);
    free(b);
}

static void
test_marks(void)
{
    test_exec("DELETE FROM fts");
    test_put(1, "Harga", "Harga beras naik di pasar induk.", 32);
    test_put(2, "Judul", test_long, strlen(test_long));
    test_put(3, "Beras murah", test_none, strlen(test_none));
    test_want("\"beras\"", 1, "<b>", "Harga <b>beras] naik di pasar induk.",
              "a short body whole, its match marked");
    test_want("\"harga beras\"", 2, "[",
              "…subuh di depan toko yang masih tutup. [Harga beras] naik "
              "lagi di pasar induk, kata pedagang…",
              "a phrase marked once, centred, ellipses both sides");
    test_want("\"beras\"", 3, "[",
              "Tidak ada kata itu di sini, hanya teks biasa yang cukup "
              "panjang untuk dipotong setelah enam…",
              "no match in the body: its start");
    test_want("\"harga\" \"tutup\"", 2, "[",
              "Pagi ini warga kota mengantre sejak subuh di depan toko yang "
              "masih [tutup]. [Harga] beras naik…",
              "two words: the window with both");
}

static void
test_deadline(void)
{
    struct carid_query q;
    struct timespec ts;
    char *s;
    int rc;

    memset(&q, 0, sizeof q);
    clock_gettime(CLOCK_MONOTONIC, &ts);
    q.deadline_usec = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000 - 1;
    rc = test_snip(SNIPPET_FN, "\"beras\"", 2, "[", &q, &s);
    ok(rc == SQLITE_INTERRUPT, "an expired query stops the snippet");
    free(s);
    q.deadline_usec += 60 * 1000000;
    rc = test_snip(SNIPPET_FN, "\"beras\"", 2, "[", &q, &s);
    ok(rc == SQLITE_ROW && strstr(s, "[beras]") != NULL,
       "a query with time left gets its snippet");
    free(s);
}

/* A body of kib KiB: TEST_REPEAT again and again. */
static char *
test_big(size_t kib, size_t *len)
{
    size_t n = kib * 1024, r = strlen(TEST_REPEAT), i;
    char *p = malloc(n + 1);

    for (i = 0; i + r <= n; i += r)
        memcpy(p + i, TEST_REPEAT, r);
    p[i] = '\0';
    *len = i;
    return p;
}

/* Best of three runs of fn over rowid for "beras", in seconds. */
static double
test_time(const char *fn, sqlite3_int64 rowid, int runs)
{
    double best = 1e9, t;
    char *s;
    int i;

    for (i = 0; i < runs; i++) {
        t = test_now();
        test_snip(fn, "\"beras\"", rowid, "[", NULL, &s);
        t = test_now() - t;
        if (t < best) best = t;
        if (i == 0) printf("# %s: %.60s\n", fn, s ? s : "(error)");
        free(s);
    }
    return best;
}

static void
test_linear(void)
{
    const char *bench = getenv("CARID_SNIPPET_BENCH");
    size_t len, kib, upto = bench != NULL ? (size_t)atol(bench) : 0;
    double t1, t2, t;
    char *body;

    test_exec("DELETE FROM fts");
    body = test_big(1024, &len);
    test_put(1, "judul", body, len);
    free(body);
    body = test_big(2048, &len);
    test_put(2, "judul", body, len);
    free(body);
    t1 = test_time(SNIPPET_FN, 1, 3);
    t2 = test_time(SNIPPET_FN, 2, 3);
    printf("# carid_snippet: 1 MiB %.3f s, 2 MiB %.3f s (%.2fx)\n", t1, t2,
           t2 / t1);
    /* 2x is linear; 10 ms for a machine's noise on short runs */
    ok(t2 < 3 * t1 + 0.010, "2 MiB under 3x the time of 1 MiB");
    ok(t2 * 1000 < TEST_SLOW_MS, "2 MiB under 5 s");
    for (kib = 64; kib <= upto; kib *= 2) {
        body = test_big(kib, &len);
        test_put(10, "judul", body, len);
        free(body);
        t = test_time(SNIPPET_FN, 10, 1);
        printf("# %5zu KiB: carid_snippet %.3f s, snippet %.3f s\n", kib, t,
               test_time("snippet", 10, 1));
        test_exec("DELETE FROM fts WHERE rowid = 10");
    }
}

int
main(void)
{
    static const struct tap_case cases[] = {
        {"same_as_fts5", test_same_as_fts5},
        {"marks", test_marks},
        {"deadline", test_deadline},
        {"linear", test_linear},
        {NULL, NULL},
    };
    fts5_api *api;

    if (sqlite3_open(":memory:", &test_db) != SQLITE_OK ||
        (api = test_fts5_api(test_db)) == NULL ||
        tokenizer_register(api) != SQLITE_OK ||
        snippet_register(api) != SQLITE_OK ||
        test_exec("CREATE VIRTUAL TABLE fts USING fts5(title, body,"
                  " tokenize='indonesian')") != SQLITE_OK) {
        printf("Bail out! cannot set up: %s\n", sqlite3_errmsg(test_db));
        return 1;
    }
    return tap_main(cases);
}
