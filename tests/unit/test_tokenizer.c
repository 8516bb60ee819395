/*
 * test_tokenizer.c - the 'indonesian' tokenizer on hostile and ordinary
 * text: spans that map back to the input, NFKC and case folding, invalid
 * UTF-8, invisible characters, hyphen rules, numbers, huge words, and the
 * same tokenizer inside a real FTS5 table.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "fts5_tokenizer.h"
#include "tap.h"
#include "tokenizer.h"

#define TEST_MAX_TOKENS 8192

struct test_token {
    char token[TOKENIZER_MAX_TOKEN + 1];
    char stem[TOKENIZER_MAX_TOKEN + 1];
    size_t start, end;
};

struct test_run {
    struct test_token tok[TEST_MAX_TOKENS];
    int n;
    size_t total;          /* tokens seen, even past the array */
    char joined[8 * 1024]; /* tokens separated by one space */
    int stop_after;        /* return 7 after this many (0: never) */
};

static struct test_run test_r;     /* big: keep it off the stack */
static struct tokenizer *test_tok; /* nostem, for test_split() */

static int
test_emit(void *ctx, const char *token, size_t token_len, const char *stem,
          size_t stem_len, size_t start, size_t end)
{
    struct test_run *r = ctx;
    struct test_token *t;
    size_t used = strlen(r->joined);

    r->total++;
    if (r->n < TEST_MAX_TOKENS && token_len <= TOKENIZER_MAX_TOKEN &&
        stem_len <= TOKENIZER_MAX_TOKEN) {
        t = &r->tok[r->n++];
        memcpy(t->token, token, token_len);
        t->token[token_len] = '\0';
        memcpy(t->stem, stem, stem_len);
        t->stem[stem_len] = '\0';
        t->start = start;
        t->end = end;
    }
    if (used + token_len + 2 < sizeof r->joined) {
        if (used > 0) r->joined[used++] = ' ';
        memcpy(r->joined + used, token, token_len);
        r->joined[used + token_len] = '\0';
    }
    if (r->stop_after != 0 && (int)r->total == r->stop_after) return 7;
    return 0;
}

/* Tokenizes text[0..len) without stemming into test_r; returns the rc. */
static int
test_split_n(const char *text, size_t len)
{
    memset(&test_r, 0, sizeof test_r);
    return tokenizer_run(test_tok, text, len, test_emit, &test_r);
}

static const char *
test_split(const char *text)
{
    test_split_n(text, strlen(text));
    return test_r.joined;
}

/* Nonzero if token i spans exactly the bytes of word in text. */
static int
test_span(const char *text, int i, const char *word)
{
    const char *at = strstr(text, word);

    return i < test_r.n && at != NULL &&
           test_r.tok[i].start == (size_t)(at - text) &&
           test_r.tok[i].end == (size_t)(at - text) + strlen(word);
}

static void
test_plain(void)
{
    const char *s = "Gubernur meresmikan Jembatan baru di Kalimantan Utara.";
    int i, spans_ok = 1;

    ok(strcmp(test_split(s), "gubernur meresmikan jembatan baru di "
                             "kalimantan utara") == 0,
       "ASCII words are lowercased, punctuation dropped");
    for (i = 0; i < test_r.n; i++)
        if (strncasecmp(s + test_r.tok[i].start, test_r.tok[i].token,
                        test_r.tok[i].end - test_r.tok[i].start) != 0)
            spans_ok = 0;
    ok(spans_ok, "every span maps back to its word in the input");
    ok(test_span(s, 6, "Utara"), "span of the last word");
    ok(strcmp(test_split(""), "") == 0 && test_r.n == 0, "empty input");
    ok(strcmp(test_split(" .,;!? \t\n--- “” ''"), "") == 0,
       "only separators: no token");
    ok(strcmp(test_split("kota_tua"), "kota tua") == 0, "underscore separates");
}

static void
test_nfkc(void)
{
    const char *s = "Tim ＰＥＲＳＩＢ lolos ke ﬁnal ① kali, kafe\xcc\x81 ramai";

    ok(strcmp(test_split(s), "tim persib lolos ke final 1 kali kafé ramai") ==
           0,
       "fullwidth letters, ligature fi, circled digit, combining accent");
    ok(test_span(s, 1, "ＰＥＲＳＩＢ"), "fullwidth word: original span");
    ok(test_span(s, 4, "ﬁnal"), "ligature word: original span");
    ok(test_span(s, 7, "kafe\xcc\x81"), "combining mark stays in its word");
    test_split("ｊａｋａｒｔａ JAKARTA Jakarta");
    ok(test_r.n == 3 && strcmp(test_r.tok[0].token, "jakarta") == 0 &&
           strcmp(test_r.tok[1].token, "jakarta") == 0 &&
           strcmp(test_r.tok[2].token, "jakarta") == 0,
       "fullwidth and ASCII forms give the same token");
    ok(strcmp(test_split("⑴ Ⅻ"), "1 xii") == 0,
       "NFKC punctuation is stripped from a token");
}

static void
test_casefold(void)
{
    ok(strcmp(test_split("ÇAĞRI ÉLITE STRAẞE Straße ΣΟΦΙΑ"),
              "çağri élite strasse strasse σοφια") == 0,
       "non-ASCII upper case folds, ß and ẞ fold to ss");
    ok(strcmp(test_split("ÅRHUS århus Århus"), "århus århus århus") == 0,
       "precomposed and folded forms agree");
}

static void
test_invalid(void)
{
    const char s[] = "rapat\xff"
                     "dewan kota\x80\x80"
                     "desa "
                     "\xc0\xaf"
                     "pasar \xed\xa0\x80"
                     "jalan";

    ok(strcmp(test_split(s), "rapat dewan kota desa pasar jalan") == 0,
       "invalid bytes, overlong and surrogate separate words");
    ok(test_span(s, 1, "dewan"), "span after an invalid byte");
    ok(strcmp(test_split("akhir\xc3"), "akhir") == 0,
       "truncated sequence at the end");
    ok(strcmp(test_split("\xe2\x80"), "") == 0, "only a cut sequence");
    test_split_n("ibu\0kota", 8);
    ok(strcmp(test_r.joined, "ibu kota") == 0, "NUL separates");
}

static void
test_invisible(void)
{
    const char *s = "Pe\xc2\xadmerintah meng\xe2\x80\x8bumumkan "
                    "\xef\xbb\xbf"
                    "anggaran\xe2\x81\xa0 "
                    "\xe2\x80\x8c\xe2\x80\x8d";

    ok(strcmp(test_split(s), "pemerintah mengumumkan anggaran") == 0,
       "soft hyphen and zero-width characters are dropped inside words");
    ok(test_span(s, 0, "Pe\xc2\xadmerintah"), "span covers the soft hyphen");
    ok(test_span(s, 2, "anggaran"),
       "BOM before and word joiner after stay outside the span");
    ok(strcmp(test_split("“Kami siap,” ujarnya. ‘Ya’ — 2020–2024 «ok»"),
              "kami siap ujarnya ya 2020 2024 ok") == 0,
       "curly quotes, em and en dashes, guillemets separate");
    ok(strcmp(test_split("Jum’at Jum'at"), "jum at jum at") == 0,
       "apostrophes separate (queries search them as a phrase)");
}

static void
test_hyphen(void)
{
    const char *s = "Kata-kata itu diucapkan berbalas-balasan";

    ok(strcmp(test_split(s), "kata itu diucapkan berbalas") == 0,
       "reduplication: one token, the first part");
    ok(test_span(s, 0, "Kata-kata"), "reduplication spans both parts");
    ok(test_span(s, 3, "berbalas-balasan"), "affixed reduplication span");
    ok(strcmp(test_split("sayur-mayur anak-anaknya bermain-main KUPU-KUPU "
                         "buah-buahan tolong-menolong"),
              "sayur anak bermain kupu buah tolong") == 0,
       "rhyming and affixed reduplication");
    ok(strcmp(test_split("suka-duka lauk-pauk Amerika-Serikat se-Indonesia "
                         "anti-korupsi"),
              "suka duka lauk pauk amerika serikat se indonesia anti "
              "korupsi") == 0,
       "unrelated or capitalised parts are separate words");
    s = "Korea Selatan-AS-Jepang";
    ok(strcmp(test_split(s), "korea selatan as jepang") == 0,
       "compound chain: every part a word");
    ok(test_span(s, 2, "AS"), "span of a chain's middle part");
    ok(strcmp(test_split("kata-kata-kata"), "kata kata kata") == 0,
       "a chain of three is never merged");
    ok(strcmp(test_split("kata- kata x--y -awal akhir-"),
              "kata kata x y awal akhir") == 0,
       "loose hyphens separate");
    ok(strcmp(test_split("turun\xe2\x80\x91tangan naik\xe2\x80\x90naik"),
              "turun tangan naik") == 0,
       "U+2010 and U+2011 act as hyphens");
}

static void
test_numbers(void)
{
    const char *s = "Pada 10/8/2024 HUT RI ke-72, harga Rp1.500.000 naik "
                    "3,5 persen; KTT G20 dan Covid-19.";

    ok(strcmp(test_split(s), "pada 10 8 2024 hut ri ke 72 harga rp 1 500 000 "
                             "naik 3 5 persen ktt g 20 dan covid 19") == 0,
       "dates, ke-72, amounts, decimals, codes");
    ok(test_span(s, 1, "10"), "span of the day");
    ok(test_span(s, 7, "72"), "span of 72 in ke-72");
    ok(test_r.tok[10].start == (size_t)(strstr(s, "1.500") - s) &&
           test_r.tok[10].end == test_r.tok[10].start + 1,
       "span of the 1 after Rp");
    ok(strcmp(test_split("٢٠٢٤ tahun"), "٢٠٢٤ tahun") == 0,
       "non-ASCII digits are a number");
}

static void
test_huge(void)
{
    static char big[10 * 1024 + 1];
    size_t i;
    int good = 1;

    memset(big, 'a', sizeof big - 1);
    big[0] = 'A';
    test_split_n(big, sizeof big - 1);
    ok(test_r.n == 1 && strlen(test_r.tok[0].token) == TOKENIZER_MAX_TOKEN,
       "a 10 KB word is cut to TOKENIZER_MAX_TOKEN bytes");
    ok(test_r.n == 1 && test_r.tok[0].start == 0 &&
           test_r.tok[0].end == sizeof big - 1,
       "its span still covers the whole word");
    for (i = 0; i + 2 <= sizeof big - 1; i += 2)
        memcpy(big + i, "\xc3\xa9", 2);
    test_split_n(big, sizeof big - 1);
    ok(test_r.n == 1 && strlen(test_r.tok[0].token) <= TOKENIZER_MAX_TOKEN &&
           strlen(test_r.tok[0].token) % 2 == 0,
       "a long non-ASCII word is cut at a character boundary");
    for (i = 0; i + 3 <= sizeof big - 1; i += 3)
        memcpy(big + i, i % 2 ? "ab-" : "cd-", 3);
    big[sizeof big - 2] = 'z';
    test_split_n(big, sizeof big - 1);
    /* 3413 "ab-" or "cd-", then "z" */
    ok(test_r.total == (sizeof big - 1) / 3 + 1,
       "a 10 KB hyphen chain gives one token per part");
    for (i = 0; i + 1 < (size_t)test_r.n; i++)
        if (test_r.tok[i].start != 3 * i || test_r.tok[i].end != 3 * i + 2)
            good = 0;
    ok(good && test_r.n > 1000, "chain spans are the parts, never hyphens");
}

static void
test_stop_and_stem(void)
{
    struct tokenizer *t;
    char err[128];
    int rc;

    memset(&test_r, 0, sizeof test_r);
    test_r.stop_after = 2;
    t = tokenizer_new(0, err, sizeof err);
    rc = tokenizer_run(t, "satu dua tiga empat", 19, test_emit, &test_r);
    ok(rc == 7 && test_r.total == 2, "emit's nonzero stops and is returned");
    tokenizer_free(t);

    t = tokenizer_new(1, err, sizeof err);
    ok(t != NULL, "stemming tokenizer");
    if (t == NULL) return;
    memset(&test_r, 0, sizeof test_r);
    tokenizer_run(t, "Kata-kata", 9, test_emit, &test_r);
    ok(test_r.n == 1 && strcmp(test_r.tok[0].token, "kata") == 0 &&
           strcmp(test_r.tok[0].stem, "kata") == 0,
       "a root word stems to itself");
    tokenizer_free(t);
    test_split("berlari");
    ok(test_r.n == 1 && strcmp(test_r.tok[0].stem, test_r.tok[0].token) == 0,
       "nostem: stem equals token");
}

/* Random bytes biased to UTF-8 lead bytes, hyphens and spaces. */
static void
test_random(void)
{
    static const char pool[] = "aZ9- \xc2\xad\xe2\x80\x8b\xc3\xa9\xff\x80\xe2";
    static unsigned char buf[4096];
    uint32_t seed = 12345;
    int round, i, good = 1;

    for (round = 0; round < 300 && good; round++) {
        size_t len = (size_t)(round * 13 % (int)sizeof buf);

        for (i = 0; i < (int)len; i++) {
            seed = seed * 1103515245u + 12345u;
            buf[i] =
                (seed >> 16) % 4 == 0
                    ? (unsigned char)(seed >> 8)
                    : (unsigned char)pool[(seed >> 20) % (sizeof pool - 1)];
        }
        test_split_n((const char *)buf, len);
        for (i = 0; i < test_r.n; i++) {
            struct test_token *t = &test_r.tok[i];

            if (t->start >= t->end || t->end > len || t->token[0] == '\0' ||
                (i > 0 && t->start < test_r.tok[i - 1].end) ||
                strchr(t->token, '-') != NULL || strchr(t->token, ' '))
                good = 0;
        }
    }
    ok(good, "random bytes: ordered, in-bounds spans; clean tokens");
}

static fts5_api *
test_fts5_api(sqlite3 *db)
{
    fts5_api *api = NULL;
    sqlite3_stmt *stmt;

    if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &stmt, NULL) != 0)
        return NULL;
    sqlite3_bind_pointer(stmt, 1, &api, "fts5_api_ptr", NULL);
    sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    return api;
}

static char test_sql_out[512];

static int
test_sql_cb(void *ctx, int n, char **v, char **names)
{
    (void)ctx;
    (void)names;
    if (n > 0 && v[0] != NULL)
        snprintf(test_sql_out, sizeof test_sql_out, "%s", v[0]);
    return 0;
}

static const char *
test_sql(sqlite3 *db, const char *sql)
{
    test_sql_out[0] = '\0';
    if (sqlite3_exec(db, sql, test_sql_cb, NULL, NULL) != SQLITE_OK)
        snprintf(test_sql_out, sizeof test_sql_out, "ERR %s",
                 sqlite3_errmsg(db));
    return test_sql_out;
}

static void
test_fts5(void)
{
    sqlite3 *db;

    sqlite3_open(":memory:", &db);
    ok(tokenizer_register(test_fts5_api(db)) == SQLITE_OK,
       "registers with FTS5");
    test_sql(db, "CREATE VIRTUAL TABLE t USING fts5(body,"
                 " tokenize='indonesian');"
                 "INSERT INTO t VALUES ('Bu\xc2\xad"
                 "pati meninjau "
                 "Korea Selatan-AS pada 17/8/2023 \xff kata-kata');");
    ok(strcmp(test_sql(db, "SELECT highlight(t, 0, '[', ']') FROM t"
                           " WHERE t MATCH 'bupati AND \"17/8/2023\"'"),
              "[Bu\xc2\xadpati] meninjau Korea Selatan-AS pada [17/8/2023] "
              "\xff kata-kata") == 0,
       "highlight marks the original bytes");
    ok(strcmp(test_sql(db, "SELECT highlight(t, 0, '[', ']') FROM t"
                           " WHERE t MATCH '\"kata-kata\" AS'"),
              "Bu\xc2\xadpati meninjau Korea Selatan-[AS] pada 17/8/2023 "
              "\xff [kata-kata]") == 0,
       "reduplication and compound in a query");
    ok(strncmp(test_sql(db, "CREATE VIRTUAL TABLE n USING fts5(body,"
                            " tokenize='indonesian nostem')"),
               "ERR", 3) != 0,
       "nostem argument accepted");
    /* The index-time stopword experiment: "yang" is not indexed. */
    test_sql(db, "CREATE VIRTUAL TABLE s USING fts5(body,"
                 " tokenize='indonesian nostem stopwords');"
                 "INSERT INTO s VALUES ('harga yang naik');");
    ok(strcmp(test_sql(db, "SELECT count(*) FROM s WHERE s MATCH 'yang'"),
              "0") == 0 &&
           strcmp(test_sql(db, "SELECT count(*) FROM s"
                               " WHERE s MATCH '\"harga naik\"'"),
                  "1") == 0,
       "stopwords argument leaves stopwords out of the index");
    ok(strncmp(test_sql(db, "CREATE VIRTUAL TABLE x USING fts5(body,"
                            " tokenize='indonesian sideways')"),
               "ERR", 3) == 0,
       "unknown argument refused");
    sqlite3_close(db);
}

int
main(void)
{
    static const struct tap_case cases[] = {
        {"plain", test_plain},
        {"nfkc", test_nfkc},
        {"casefold", test_casefold},
        {"invalid", test_invalid},
        {"invisible", test_invisible},
        {"hyphen", test_hyphen},
        {"numbers", test_numbers},
        {"huge", test_huge},
        {"stop_and_stem", test_stop_and_stem},
        {"random", test_random},
        {"fts5", test_fts5},
        {NULL, NULL},
    };

    char err[128];
    int rc;

    test_tok = tokenizer_new(0, err, sizeof err);
    if (test_tok == NULL) {
        printf("Bail out! %s\n", err);
        return 1;
    }
    rc = tap_main(cases);
    tokenizer_free(test_tok);
    return rc;
}
