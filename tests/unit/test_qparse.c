/*
 * test_qparse.c - the query language, one case per line: query text in,
 * the FTS5 expression and the filters out, or the error with its byte
 * offset.  Every expression the parser accepts is also run through a real
 * FTS5 table with the 'indonesian' tokenizer, which must not reject it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "alias_set.h"
#include "fts5_tokenizer.h"
#include "qparse.h"
#include "tap.h"
#include "test_fts5.h"
#include "tokenizer.h"

struct test_qparse_case {
    const char *query;
    const char *match; /* expected expression, or NULL: an error */
    const char *extra; /* filters "from..to +src -src", or the error */
};

/* clang-format off */
static const struct test_qparse_case test_cases[] = {
    /* words, implicit and explicit AND; lower-case operators are words */
    {"harga", "\"harga\"", ""},
    {"harga beras", "\"harga\" AND \"beras\"", ""},
    {"harga AND beras", "\"harga\" AND \"beras\"", ""},
    {"harga and beras", "\"harga\" AND \"and\" AND \"beras\"", ""},
    {"  Harga   BERAS ", "\"Harga\" AND \"BERAS\"", ""},
    /* glued words stay phrases; other punctuation separates */
    {"10/8/2024", "\"10/8/2024\"", ""},
    {"Korea Selatan-AS", "\"Korea\" AND \"Selatan-AS\"", ""},
    {"harga;beras", "\"harga\" AND \"beras\"", ""},
    {"Jakarta - Bandung", "\"Jakarta\" AND \"Bandung\"", ""},
    {"harga !! beras", "\"harga\" AND \"beras\"", ""},
    {"Rp1.500", "\"Rp1.500\"", ""},
    /* OR, precedence: AND binds tighter */
    {"banjir OR gempa", "\"banjir\" OR \"gempa\"", ""},
    {"a b OR c", "(\"a\" AND \"b\") OR \"c\"", ""},
    {"a OR b OR c", "\"a\" OR \"b\" OR \"c\"", ""},
    {"banjir or gempa", "\"banjir\" AND \"or\" AND \"gempa\"", ""},
    /* NOT, -, + */
    {"harga -beras", "\"harga\" NOT \"beras\"", ""},
    {"-beras harga", "\"harga\" NOT \"beras\"", ""},
    {"harga NOT beras", "\"harga\" NOT \"beras\"", ""},
    {"a b -c -d", "(\"a\" AND \"b\") NOT \"c\" NOT \"d\"", ""},
    {"+harga beras", "\"harga\" AND \"beras\"", ""},
    {"harga -(beras OR cabai)", "\"harga\" NOT (\"beras\" OR \"cabai\")", ""},
    {"harga -\"beras merah\"", "\"harga\" NOT \"beras merah\"", ""},
    {"(a -b) OR c", "(\"a\" NOT \"b\") OR \"c\"", ""},
    {"x (a -b)", "\"x\" AND (\"a\" NOT \"b\")", ""},
    /* phrases, curly quotes, prefixes; an unclosed quote runs to the end */
    {"harga \"beras merah", "\"harga\" AND \"beras merah\"", ""},
    {"taman\"", "\"taman\"", ""},
    {"\"') OR 1=1; DROP TABLE docs; -- NEAR( *",
     "\"OR 1 1 DROP TABLE docs NEAR\"", ""},
    {"\"harga beras\"", "\"harga beras\"", ""},
    {"\"harga, beras!\"", "\"harga beras\"", ""},
    {"\xe2\x80\x9charga beras\xe2\x80\x9d", "\"harga beras\"", ""},
    {"ekono*", "\"ekono\"*", ""},
    {"\"harga ber\"*", "\"harga ber\"*", ""},
    {"harga *", "\"harga\"", ""},
    {"10/8*", "\"10/8\"*", ""},
    /* NEAR */
    {"NEAR(harga beras)", "NEAR(\"harga\" \"beras\", 10)", ""},
    {"NEAR(harga \"beras merah\" naik, 5)",
     "NEAR(\"harga\" \"beras merah\" \"naik\", 5)", ""},
    {"NEAR(harga beras,3)", "NEAR(\"harga\" \"beras\", 3)", ""},
    {"harga NEAR beras", "NEAR(\"harga\" \"beras\", 10)", ""},
    {"harga NEAR/3 beras NEAR cabai",
     "NEAR(\"harga\" \"beras\" \"cabai\", 10)", ""},
    {"a NEAR/2 b", "NEAR(\"a\" \"b\", 2)", ""},
    /* fields */
    {"title:banjir", "title : \"banjir\"", ""},
    {"body:\"harga beras\"", "body : \"harga beras\"", ""},
    {"title:(banjir OR gempa) jakarta",
     "title : (\"banjir\" OR \"gempa\") AND \"jakarta\"", ""},
    {"title:NEAR(a b)", "title : NEAR(\"a\" \"b\", 10)", ""},
    {"harga -title:beras", "\"harga\" NOT title : \"beras\"", ""},
    {"title:ekono*", "title : \"ekono\"*", ""},
    {"title:title:(a title:b)", "title : (\"a\" AND \"b\")", ""},
    {"Title:banjir", "\"Title:banjir\"", ""},
    {"Catatan: harga", "\"Catatan\" AND \"harga\"", ""},
    {"jam 10:30", "\"jam\" AND \"10:30\"", ""},
    /* filters */
    {"harga source:kompas", "\"harga\"", ".. +kompas"},
    {"source:kompas harga source:antara", "\"harga\"", ".. +kompas +antara"},
    {"harga -source:kompas", "\"harga\"", ".. -kompas"},
    {"harga NOT source:kompas", "\"harga\"", ".. -kompas"},
    {"harga source:\"detik com\"", "\"harga\"", ".. +detik com"},
    {"harga date:2023-09-01..2023-09-30", "\"harga\"", "2023-09-01..2023-09-30"},
    {"harga date:2023-01-01..", "\"harga\"", "2023-01-01.."},
    {"harga date:..2023-12-31", "\"harga\"", "..2023-12-31"},
    {"harga date:2024-02-29", "\"harga\"", "2024-02-29..2024-02-29"},
    {"date:2023-01-01.. harga date:..2023-06-30 date:2023-03-01..",
     "\"harga\"", "2023-03-01..2023-06-30"},
    {"a OR b source:x", "\"a\" OR \"b\"", ".. +x"},
    /* stopwords: left out of an AND that has another term */
    {"harga yang naik", "\"harga\" AND \"naik\"", ""},
    {"Harga YANG naik", "\"Harga\" AND \"naik\"", ""},
    {"presiden dan menteri", "\"presiden\" AND \"menteri\"", ""},
    {"di jakarta", "\"jakarta\"", ""},
    {"harga AND yang", "\"harga\"", ""},
    {"yang AND harga", "\"harga\"", ""},
    {"harga;yang", "\"harga\"", ""},
    {"yang;di banjir", "\"banjir\"", ""},
    {"ke-72 di", "\"ke-72\"", ""},
    {"yang banjir source:kompas", "\"banjir\"", ".. +kompas"},
    {"banjir di OR gempa ke", "\"banjir\" OR \"gempa\"", ""},
    {"harga yang -beras", "\"harga\" NOT \"beras\"", ""},
    /* ... and kept when asked for or alone */
    {"yang", "\"yang\"", ""},
    {"di dan ke", "\"di\" AND \"dan\" AND \"ke\"", ""},
    {"yang;di", "\"yang\" AND \"di\"", ""},
    {"\"di bawah\" jembatan", "\"di bawah\" AND \"jembatan\"", ""},
    {"\"harga yang naik\"", "\"harga yang naik\"", ""},
    {"harga \"yang\"", "\"harga\" AND \"yang\"", ""},
    {"harga +yang", "\"harga\" AND \"yang\"", ""},
    {"harga -yang", "\"harga\" NOT \"yang\"", ""},
    {"harga NOT yang", "\"harga\" NOT \"yang\"", ""},
    {"yang -harga", "\"yang\" NOT \"harga\"", ""},
    {"NEAR(harga yang naik)", "NEAR(\"harga\" \"yang\" \"naik\", 10)", ""},
    {"banjir NEAR di", "NEAR(\"banjir\" \"di\", 10)", ""},
    {"title:di banjir", "title : \"di\" AND \"banjir\"", ""},
    {"title:title:di banjir", "title : \"di\" AND \"banjir\"", ""},
    {"banjir (di OR ke)", "\"banjir\" AND (\"di\" OR \"ke\")", ""},
    {"banjir (di)", "\"banjir\" AND \"di\"", ""},
    {"di OR banjir", "\"di\" OR \"banjir\"", ""},
    {"di* banjir", "\"di\"* AND \"banjir\"", ""},
    /* errors, with where */
    {"", NULL, "empty query"},
    {"!!! ---", NULL, "empty query"},
    {"\"", NULL, "empty query"},
    {"source:kompas", NULL,
     "query error at 0: no words to search for, only filters"},
    {"(harga beras", NULL, "query error at 0: unbalanced parenthesis"},
    /* expansion caps: a lone prefix of 1 byte, a fifth prefix */
    {"s*", NULL, "query error at 0: prefix too short (at least 2 bytes before *)"},
    {"harga b* OR c", NULL,
     "query error at 6: prefix too short (at least 2 bytes before *)"},
    {"aa* OR bb* OR cc* OR dd*", "\"aa\"* OR \"bb\"* OR \"cc\"* OR \"dd\"*", ""},
    {"aa* OR bb* OR cc* OR dd* OR ee*", NULL,
     "query error at 28: more than 4 prefixes (word*)"},
    {"harga beras)", NULL, "query error at 11: unbalanced parenthesis"},
    {"harga (beras", NULL, "query error at 6: unbalanced parenthesis"},
    {"harga ()", NULL, "query error at 6: empty parentheses"},
    {"NEAR(a \"b)", NULL, "query error at 0: unbalanced parenthesis"},
    {"harga \"!!\"", NULL, "query error at 6: empty phrase"},
    {"-beras", NULL, "query error at 0: nothing to search for, only to exclude"},
    {"NOT beras", NULL,
     "query error at 0: nothing to search for, only to exclude"},
    {"a OR -b", NULL, "query error at 5: nothing to search for, only to exclude"},
    {"harga (-beras)", NULL,
     "query error at 7: nothing to search for, only to exclude"},
    {"OR harga", NULL, "query error at 0: OR needs a term on each side"},
    {"harga OR", NULL, "query error at 6: OR needs a term on each side"},
    {"harga OR OR beras", NULL, "query error at 6: OR needs a term on each side"},
    {"AND harga", NULL, "query error at 0: AND needs a term on each side"},
    {"harga AND", NULL, "query error at 9: AND needs a term on each side"},
    {"harga NOT", NULL, "query error at 6: NOT needs a term after it"},
    {"harga NEAR", NULL,
     "query error at 6: NEAR joins words and phrases, one each side"},
    {"(a b) NEAR c", NULL,
     "query error at 6: NEAR joins words and phrases, one each side"},
    {"a NEAR title:b", NULL,
     "query error at 2: NEAR joins words and phrases, one each side"},
    {"NEAR(harga)", NULL, "query error at 0: NEAR needs two words or phrases"},
    {"NEAR(a b, x)", NULL, "query error at 8: NEAR( ends with , distance 0..1000)"},
    {"NEAR(a b, 5000)", NULL,
     "query error at 8: NEAR( ends with , distance 0..1000)"},
    {"NEAR(a (b))", NULL, "query error at 7: NEAR( takes words and phrases"},
    {"NEAR(a b", NULL, "query error at 0: unbalanced parenthesis"},
    {"title: banjir", NULL,
     "query error at 0: title: needs a term right after the colon"},
    {"title:!!", NULL,
     "query error at 0: title: needs a term right after the colon"},
    {"title:(body:x)", NULL, "query error at 7: body: inside title:"},
    {"(harga source:kompas)", NULL,
     "query error at 7: source: and date: go outside parentheses"},
    {"harga source:", NULL, "query error at 6: source: needs a name"},
    {"harga date:2023-02-29", NULL,
     "query error at 6: invalid date '2023-02-29' (expected YYYY-MM-DD)"},
    {"harga date:2023-13-01..", NULL,
     "query error at 6: invalid date '2023-13-01..' (expected YYYY-MM-DD)"},
    {"harga date:..", NULL,
     "query error at 6: date: needs YYYY-MM-DD, A..B, A.. or ..B"},
    {"harga date:2023-09-30..2023-09-01", NULL,
     "query error at 6: date range ends before it starts"},
    {"harga -date:2023-01-01..", NULL, "query error at 7: date: cannot be excluded"},
    {"a source:1 source:2 source:3 source:4 source:5 source:6 source:7 "
     "source:8 source:9", NULL, "query error at 74: more than 8 source: filters"},
    {NULL, NULL, NULL},
};
/* clang-format on */

static struct tokenizer *test_tok;
static sqlite3 *test_db;

/* Writes r's filters the way test_cases spell them. */
static void
test_filters(const struct qparse_result *r, char *out, size_t cap)
{
    size_t n;
    int i;

    n = (size_t)snprintf(
        out, cap, "%s%s%s", r->from,
        r->from[0] || r->to[0] || r->nsource || r->nexclude ? ".." : "", r->to);
    for (i = 0; i < r->nsource && n < cap; i++)
        n += (size_t)snprintf(out + n, cap - n, " +%.*s", (int)r->source[i].len,
                              r->source[i].p);
    for (i = 0; i < r->nexclude && n < cap; i++)
        n += (size_t)snprintf(out + n, cap - n, " -%.*s",
                              (int)r->exclude[i].len, r->exclude[i].p);
}

/* Nonzero if FTS5 accepts match (on an empty table: no rows, no error). */
static int
test_fts5_accepts(const char *match)
{
    sqlite3_stmt *stmt = NULL;
    int rc;

    rc = sqlite3_prepare_v2(test_db, "SELECT rowid FROM f WHERE f MATCH ?1", -1,
                            &stmt, NULL);
    if (rc == SQLITE_OK) rc = sqlite3_bind_text(stmt, 1, match, -1, NULL);
    if (rc == SQLITE_OK) rc = sqlite3_step(stmt);
    if (rc != SQLITE_DONE)
        printf("#   fts5: %s: %s\n", match, sqlite3_errmsg(test_db));
    sqlite3_finalize(stmt);
    return rc == SQLITE_DONE;
}

static void
test_table(void)
{
    const struct test_qparse_case *c;
    struct qparse_result r;
    char err[256], filters[256], what[512];
    int rc;

    for (c = test_cases; c->query != NULL; c++) {
        rc = qparse(test_tok, c->query, strlen(c->query), &r, err, sizeof err);
        snprintf(what, sizeof what, "'%s'", c->query);
        if (c->match == NULL) {
            if (!ok(rc == -1 && strcmp(err, c->extra) == 0, what))
                printf("#   got rc %d, '%s'\n", rc, rc == 0 ? r.match : err);
            if (rc == 0) qparse_free(&r);
            continue;
        }
        if (rc != 0) {
            ok(0, what);
            printf("#   error: %s\n", err);
            continue;
        }
        test_filters(&r, filters, sizeof filters);
        if (!ok(strcmp(r.match, c->match) == 0 &&
                    strcmp(filters, c->extra) == 0 &&
                    test_fts5_accepts(r.match),
                what))
            printf("#   got %s | %s\n", r.match, filters);
        qparse_free(&r);
    }
}

static void
test_limits(void)
{
    struct qparse_result r;
    char q[1024], err[256];
    size_t n = 0;
    int i;

    for (i = 0; i < QPARSE_MAX_TERMS; i++)
        n += (size_t)snprintf(q + n, sizeof q - n, "k%c ", 'a' + i % 26);
    ok(qparse(test_tok, q, n, &r, err, sizeof err) == 0 &&
           r.terms == QPARSE_MAX_TERMS,
       "64 words parse");
    qparse_free(&r);
    n += (size_t)snprintf(q + n, sizeof q - n, "lagi");
    ok(qparse(test_tok, q, n, &r, err, sizeof err) == -1 &&
           strcmp(err, "query error at 192: more than 64 words") == 0,
       "65 words: error at the 65th");
    /* "10/8/2024" is three words */
    ok(qparse(test_tok, "\"10/8/2024\" a", 13, &r, err, sizeof err) == 0 &&
           r.terms == 4,
       "glued words count one by one");
    qparse_free(&r);
    n = 0;
    for (i = 0; i < QPARSE_MAX_DEPTH; i++)
        q[n++] = '(';
    q[n++] = 'a';
    for (i = 0; i < QPARSE_MAX_DEPTH; i++)
        q[n++] = ')';
    ok(qparse(test_tok, q, n, &r, err, sizeof err) == 0, "depth 32 parses");
    qparse_free(&r);
    memmove(q + 1, q, n);
    q[0] = '(';
    q[++n] = ')';
    n++;
    ok(qparse(test_tok, q, n, &r, err, sizeof err) == -1 &&
           strcmp(err, "query error at 32: nesting deeper than 32") == 0,
       "depth 33: error");
    ok(qparse(test_tok, "harga\0beras", 11, &r, err, sizeof err) == 0 &&
           strcmp(r.match, "\"harga\" AND \"beras\"") == 0,
       "a NUL byte separates words");
    qparse_free(&r);
    ok(qparse(test_tok, "\"a\0b\"", 5, &r, err, sizeof err) == 0 &&
           strcmp(r.match, "\"a b\"") == 0,
       "a NUL byte in a phrase becomes a space");
    qparse_free(&r);
    ok(qparse(test_tok, NULL, 0, &r, err, sizeof err) == -1,
       "NULL text is an empty query");
}

static void
test_dates(void)
{
    ok(qparse_date_valid("2024-02-29", 10), "2024-02-29 is a date");
    ok(!qparse_date_valid("2023-02-29", 10), "2023-02-29 is not");
    ok(!qparse_date_valid("1900-02-29", 10), "1900-02-29 is not");
    ok(qparse_date_valid("2000-02-29", 10), "2000-02-29 is");
    ok(!qparse_date_valid("2023-04-31", 10), "2023-04-31 is not");
    ok(!qparse_date_valid("2023-4-30x", 10), "2023-4-30x is not");
    ok(!qparse_date_valid("0000-01-01", 10), "year 0 is not");
}

/* clang-format off */
/* Query in, expression out, with the aliases of test_aliases(). */
static const struct test_qparse_case test_alias_cases[] = {
    /* a short form: its long forms as phrases; capitals as the rule asks */
    {"KPK", "(\"kpk\" OR \"komisi pemberantasan korupsi\")", ""},
    {"kpk", "\"kpk\"", ""},
    {"KPK penyidik",
     "(\"kpk\" OR \"komisi pemberantasan korupsi\") AND \"penyidik\"", ""},
    {"Jokowi", "(\"jokowi\" OR \"joko widodo\")", ""},
    {"jokowi", "(\"jokowi\" OR \"joko widodo\")", ""},
    {"\"KPK\"", "(\"kpk\" OR \"komisi pemberantasan korupsi\")", ""},
    /* a long form, unquoted or quoted, any case: its short forms */
    {"komisi pemberantasan korupsi",
     "(\"komisi pemberantasan korupsi\" OR \"kpk\")", ""},
    {"Komisi Pemberantasan Korupsi penyidik",
     "(\"komisi pemberantasan korupsi\" OR \"kpk\") AND \"penyidik\"", ""},
    {"\"Joko Widodo\"", "(\"joko widodo\" OR \"jokowi\")", ""},
    {"penyidik Joko Widodo",
     "\"penyidik\" AND (\"joko widodo\" OR \"jokowi\")", ""},
    /* a two-letter acronym in capitals: only the way in, not out */
    {"AS", "(\"as\" OR \"amerika serikat\")", ""},
    {"as roda", "\"as\" AND \"roda\"", ""},
    {"Amerika Serikat", "\"Amerika\" AND \"Serikat\"", ""},
    /* operators keep their meaning around an expansion */
    {"-KPK bupati",
     "\"bupati\" NOT (\"kpk\" OR \"komisi pemberantasan korupsi\")", ""},
    {"KPK OR Polri",
     "(\"kpk\" OR \"komisi pemberantasan korupsi\") OR \"Polri\"", ""},
    {"title:KPK", "title : (\"kpk\" OR \"komisi pemberantasan korupsi\")",
     ""},
    /* not in NEAR, nor for a prefix, nor part of a glued run */
    {"KPK NEAR bupati", "NEAR(\"KPK\" \"bupati\", 10)", ""},
    {"NEAR(KPK bupati)", "NEAR(\"KPK\" \"bupati\", 10)", ""},
    {"KPK*", "\"KPK\"*", ""},
    {"KPK-Polri", "\"KPK-Polri\"", ""},
    {"Komisi Pemberantasan NEAR Korupsi",
     "\"Komisi\" AND NEAR(\"Pemberantasan\" \"Korupsi\", 10)", ""},
    {NULL, NULL, NULL},
};
/* clang-format on */

static void
test_aliases(void)
{
    static const char *const pairs[][2] = {
        {"KPK", "Komisi Pemberantasan Korupsi"},
        {"Jokowi", "Joko Widodo"},
        {"AS", "Amerika Serikat"},
    };
    const struct test_qparse_case *c;
    struct alias_set set = {0};
    struct qparse_result r;
    char err[256], what[512];
    size_t i, n;

    for (i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
        alias_set_add(&set, test_tok, pairs[i][0], strlen(pairs[i][0]),
                      pairs[i][1], strlen(pairs[i][1]), 0, err, sizeof err);
    ok(alias_set_seal(&set) == 0 && set.n == 3, "three aliases");
    for (c = test_alias_cases; c->query != NULL; c++) {
        snprintf(what, sizeof what, "alias '%s'", c->query);
        if (qparse_aliased(test_tok, &set, c->query, strlen(c->query), &r, err,
                           sizeof err) != 0) {
            ok(0, what);
            printf("#   error: %s\n", err);
            continue;
        }
        if (!ok(strcmp(r.match, c->match) == 0 && test_fts5_accepts(r.match),
                what))
            printf("#   got %s\n", r.match);
        qparse_free(&r);
    }
    /* at most QPARSE_MAX_ALIASES expansions; later ones as typed */
    n = 0;
    for (i = 0; i < QPARSE_MAX_ALIASES + 1; i++)
        n += (size_t)snprintf(what + n, sizeof what - n, "KPK ");
    ok(qparse_aliased(test_tok, &set, what, n, &r, err, sizeof err) == 0 &&
           strstr(r.match, "\"kpk\" OR") != NULL &&
           strcmp(r.match + strlen(r.match) - 5, "\"KPK\"") == 0,
       "the 9th alias is searched as typed");
    qparse_free(&r);
    alias_set_free(&set);
}

/* qparse_flags(QPARSE_BEST): the OR, its map, and what stays boolean. */
static const struct {
    const char *query, *match, *map; /* map NULL: not best match */
} test_best_cases[] = {
    {"harga beras", "\"harga\" OR \"beras\"", "01"},
    {"harga yang naik", "\"harga\" OR \"naik\"", "01"},
    {"siapa nama perdana menteri", "\"nama\" OR \"perdana\" OR \"menteri\"",
     "012"},
    {"+harga beras naik",
     "\"harga\" AND (\"harga\" OR \"beras\" OR \"naik\")", "0-12"},
    {"harga beras -sayur", "(\"harga\" OR \"beras\") NOT \"sayur\"", "01-"},
    {"\"harga beras\" naik", "\"harga beras\" OR \"naik\"", "01"},
    {"(banjir OR gempa) jakarta", "\"banjir\" OR \"gempa\" OR \"jakarta\"",
     "001"},
    {"(banjir gempa) jakarta",
     "(\"banjir\" AND \"gempa\") OR \"jakarta\"", "001"},
    {"harga", "\"harga\"", NULL},
    {"harga AND beras", "\"harga\" AND \"beras\"", NULL},
    {"harga OR beras naik", "\"harga\" OR (\"beras\" AND \"naik\")", NULL},
    {"+harga +beras", "\"harga\" AND \"beras\"", NULL},
    {"harga yang", "\"harga\"", NULL},
    {"yang di", "\"yang\" AND \"di\"", NULL},
    {NULL, NULL, NULL},
};

static void
test_best(void)
{
    struct qparse_result r;
    char err[256], what[512];
    int i, rc;

    for (i = 0; test_best_cases[i].query != NULL; i++) {
        const char *q = test_best_cases[i].query;

        rc = qparse_flags(test_tok, NULL, QPARSE_BEST, q, strlen(q), &r, err,
                          sizeof err);
        snprintf(what, sizeof what, "best: '%s' is %s", q,
                 test_best_cases[i].map != NULL ? "best match" : "boolean");
        if (!ok(rc == 0 && strcmp(r.match, test_best_cases[i].match) == 0 &&
                    (test_best_cases[i].map == NULL
                         ? r.best == 0 && r.map == NULL
                         : r.best == 1 &&
                               strcmp(r.map, test_best_cases[i].map) == 0) &&
                    test_fts5_accepts(r.match),
                what))
            printf("#   got rc %d: %s | %s\n", rc, rc == 0 ? r.match : err,
                   rc == 0 && r.map != NULL ? r.map : "-");
        if (rc == 0) qparse_free(&r);
    }
}

/* A corrector of its own for qparse_spelled(): presidn has no article
 * (2: searched instead), kejaksan has a few (1: searched as well), bhntu
 * two fixes; anything else none.  Counts its calls. */
static int test_spell_calls;

static int
test_corrector(void *ctx, const char *word, size_t len, char *fix, size_t cap,
               size_t *fixlen, char *err, size_t errlen)
{
    static const struct {
        const char *typed, *fix;
        int rc;
    } fixes[] = {{"presidn", "presiden", 2},
                 {"kejaksan", "kejaksaan", 1},
                 {"bhntu", "bantu buntu", 2},
                 {"gagal", "", -1}};

    (void)ctx;
    test_spell_calls++;
    for (size_t i = 0; i < sizeof fixes / sizeof fixes[0]; i++) {
        if (strlen(fixes[i].typed) != len ||
            memcmp(fixes[i].typed, word, len) != 0)
            continue;
        if (fixes[i].rc < 0) {
            snprintf(err, errlen, "corrector failed");
            return -1;
        }
        *fixlen = strlen(fixes[i].fix);
        if (*fixlen > cap) return 0;
        memcpy(fix, fixes[i].fix, *fixlen);
        return fixes[i].rc;
    }
    return 0;
}

/* qparse_spelled(): what is corrected, into what, and the typed word's
 * own item in a best match of one item. */
static void
test_spelled(void)
{
    static const struct {
        const char *query, *match, *map, *fixes; /* map NULL: not best */
    } cases[] = {
        {"presidn", "\"presiden\"", NULL, "presidn>presiden"},
        {"Presidn banjir", "\"presiden\" OR \"banjir\"", "01",
         "presidn>presiden"},
        {"kejaksan", "(\"kejaksan\" OR \"kejaksaan\") OR \"kejaksan\"", "001",
         "kejaksan>kejaksaan"},
        {"kejaksan banjir", "(\"kejaksan\" OR \"kejaksaan\") OR \"banjir\"",
         "001", "kejaksan>kejaksaan"},
        {"bhntu", "(\"bantu\" OR \"buntu\")", NULL, "bhntu>bantu buntu"},
        {"\"presidn\"", "\"presidn\"", NULL, ""},
        {"+presidn banjir", "\"presidn\" AND (\"presidn\" OR \"banjir\")",
         "0-1", ""},
        {"banjir -presidn", "\"banjir\" NOT \"presidn\"", NULL, ""},
        {"presidn*", "\"presidn\"*", NULL, ""},
        {"presidn NEAR banjir", "NEAR(\"presidn\" \"banjir\", 10)", NULL, ""},
        {"NEAR(presidn banjir)", "NEAR(\"presidn\" \"banjir\", 10)", NULL, ""},
        {"title:presidn", "title : \"presiden\"", NULL, "presidn>presiden"},
        {"presidn presidn presidn presidn presidn",
         "\"presiden\" OR \"presiden\" OR \"presiden\" OR \"presiden\" OR "
         "\"presidn\"",
         "01234", "presidn>presiden presidn>presiden presidn>presiden "
                  "presidn>presiden"},
    };
    struct qparse_result r;
    char err[256], what[512], got[512];

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *q = cases[i].query;
        int rc = qparse_spelled(test_tok, NULL, QPARSE_BEST, test_corrector,
                                NULL, q, strlen(q), &r, err, sizeof err);

        got[0] = '\0';
        for (int k = 0; rc == 0 && k < r.nfix; k++)
            snprintf(got + strlen(got), sizeof got - strlen(got), "%s%s>%s",
                     k > 0 ? " " : "", r.fix[k].typed, r.fix[k].fix);
        snprintf(what, sizeof what, "spelled: '%s'", q);
        if (!ok(rc == 0 && strcmp(r.match, cases[i].match) == 0 &&
                    (cases[i].map == NULL
                         ? r.best == 0
                         : r.best == 1 && strcmp(r.map, cases[i].map) == 0) &&
                    strcmp(got, cases[i].fixes) == 0 &&
                    test_fts5_accepts(r.match),
                what))
            printf("#   got rc %d: %s | %s | %s\n", rc, rc == 0 ? r.match : err,
                   rc == 0 && r.map != NULL ? r.map : "-", got);
        if (rc == 0) qparse_free(&r);
    }
    ok(qparse_spelled(test_tok, NULL, 0, test_corrector, NULL, "harga gagal",
                      11, &r, err, sizeof err) == -1 &&
           strcmp(err, "corrector failed") == 0,
       "spelled: a corrector's error fails the parse with its message");
    /* 63 words with kejaksan first: its fix and item would make 65 */
    {
        char q[512] = "kejaksan";

        for (int k = 0; k < 62; k++)
            snprintf(q + strlen(q), sizeof q - strlen(q), " k%c%c",
                     'a' + k / 26, 'a' + k % 26);
        ok(qparse_spelled(test_tok, NULL, QPARSE_BEST, test_corrector, NULL, q,
                          strlen(q), &r, err, sizeof err) == 0 &&
               r.nfix == 0 && r.terms == 63 &&
               strncmp(r.match, "\"kejaksan\" OR \"kaa\"", 19) == 0,
           "spelled: words over 64 with the fixes: the query as typed");
        qparse_free(&r);
    }
    test_spell_calls = 0;
    ok(qparse_spelled(test_tok, NULL, 0, test_corrector, NULL,
                      "harga \"beras\" di", 16, &r, err, sizeof err) == 0 &&
           test_spell_calls == 1,
       "spelled: asked about plain words only (not quoted, not stopwords)");
    qparse_free(&r);
}

static const struct tap_case cases[] = {
    {"table", test_table},
    {"aliases", test_aliases},
    {"limits", test_limits},
    {"dates", test_dates},
    {"best match", test_best},
    {"spelled", test_spelled},
    {NULL, NULL},
};

int
main(void)
{
    char err[128];
    int rc;

    test_tok = tokenizer_new(0, err, sizeof err);
    if (test_tok == NULL || sqlite3_open(":memory:", &test_db) != SQLITE_OK ||
        tokenizer_register(test_fts5_api(test_db)) != SQLITE_OK ||
        sqlite3_exec(test_db,
                     "CREATE VIRTUAL TABLE f USING fts5(title, body,"
                     " tokenize='indonesian')",
                     NULL, NULL, NULL) != SQLITE_OK) {
        printf("Bail out! setup failed\n");
        return 1;
    }
    rc = tap_main(cases);
    sqlite3_close(test_db);
    tokenizer_free(test_tok);
    return rc;
}
