/*
 * fuzz_query.c - libFuzzer target for qparse().  Invariants: an accepted
 * query yields 1..64 words, valid dates in order, and an expression with
 * no NUL that a real FTS5 table (with the 'indonesian' tokenizer) accepts;
 * a refused one says where ("query error at N:", N within the input).
 */
/* The default build type (RelWithDebInfo) defines NDEBUG: keep the
 * invariants armed. */
#undef NDEBUG
#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "qparse.h"
#include "fts5_tokenizer.h"
#include "tokenizer.h"
#include "../unit/test_fts5.h"

#define FUZZ_QUERY_MAX_INPUT 4096 /* bytes; the daemon's query limit */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct tokenizer *fuzz_query_tok;
static sqlite3 *fuzz_query_db;
static sqlite3_stmt *fuzz_query_stmt;

static void
fuzz_query_init(void)
{
    char err[128];

    fuzz_query_tok = tokenizer_new(1, err, sizeof err);
    assert(fuzz_query_tok != NULL);
    assert(sqlite3_open(":memory:", &fuzz_query_db) == SQLITE_OK);
    assert(tokenizer_register(test_fts5_api(fuzz_query_db)) == SQLITE_OK);
    assert(sqlite3_exec(fuzz_query_db,
                        "CREATE VIRTUAL TABLE f USING fts5(title, body,"
                        " tokenize='indonesian');"
                        "INSERT INTO f VALUES('harga beras naik',"
                        " 'pedagang pasar 10/8/2024');",
                        NULL, NULL, NULL) == SQLITE_OK);
    assert(sqlite3_prepare_v2(fuzz_query_db,
                              "SELECT count(*) FROM f WHERE f MATCH ?1", -1,
                              &fuzz_query_stmt, NULL) == SQLITE_OK);
}

static void
fuzz_query_check_ok(const struct qparse_result *r)
{
    int rc;

    assert(r->match != NULL && r->match[0] != '\0');
    assert(r->terms >= 1 && r->terms <= QPARSE_MAX_TERMS);
    assert(r->nsource >= 0 && r->nsource <= QPARSE_MAX_SOURCES);
    assert(r->nexclude >= 0 && r->nexclude <= QPARSE_MAX_SOURCES);
    assert(r->from[0] == '\0' || qparse_date_valid(r->from, 10));
    assert(r->to[0] == '\0' || qparse_date_valid(r->to, 10));
    assert(r->from[0] == '\0' || r->to[0] == '\0' ||
           memcmp(r->from, r->to, 10) <= 0);
    sqlite3_bind_text(fuzz_query_stmt, 1, r->match, -1, SQLITE_STATIC);
    rc = sqlite3_step(fuzz_query_stmt);
    if (rc != SQLITE_ROW)
        fprintf(stderr, "FTS5 refused %s: %s\n", r->match,
                sqlite3_errmsg(fuzz_query_db));
    assert(rc == SQLITE_ROW);
    sqlite3_reset(fuzz_query_stmt);
    sqlite3_clear_bindings(fuzz_query_stmt);
}

/* A best-match result: a map letter per phrase, every item in it. */
static void
fuzz_query_check_best(const struct qparse_result *b)
{
    uint64_t seen = 0;

    assert(b->best == (b->map != NULL));
    if (!b->best) return;
    assert(b->items >= 2 && b->items <= QPARSE_MAX_TERMS);
    for (const char *m = b->map; *m != '\0'; m++) {
        assert(*m == '-' || (*m >= '0' && *m < '0' + b->items));
        if (*m != '-') seen |= (uint64_t)1 << (*m - '0');
    }
    assert(seen ==
           (b->items == 64 ? ~(uint64_t)0 : ((uint64_t)1 << b->items) - 1));
}

/* A corrector for qparse_spelled() that corrects every word of 5+ bytes:
 * its first letter changed, searched as well (odd lengths) or instead,
 * and a second fix, the word and an x, for lengths divisible by 3. */
static int
fuzz_query_fix(void *ctx, const char *word, size_t len, char *fix, size_t cap,
               size_t *fixlen, char *err, size_t errlen)
{
    size_t n = len;

    (void)ctx;
    (void)err;
    (void)errlen;
    if (len < 5 || 2 * len + 2 > cap) return 0;
    memcpy(fix, word, len);
    fix[0] = word[0] == 'a' ? 'b' : 'a';
    if (len % 3 == 0) {
        fix[n++] = ' ';
        memcpy(fix + n, word, len);
        n += len;
        fix[n++] = 'x';
    }
    *fixlen = n;
    return len % 2 == 1 ? 1 : 2;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct qparse_result r;
    char err[256], *copy;
    unsigned long at;
    int rc;

    if (fuzz_query_tok == NULL) fuzz_query_init();
    if (size > FUZZ_QUERY_MAX_INPUT) size = FUZZ_QUERY_MAX_INPUT;
    /* An exact-size copy: AddressSanitizer sees a read past the end. */
    copy = malloc(size > 0 ? size : 1);
    assert(copy != NULL);
    memcpy(copy, data, size);
    err[0] = '\0';
    rc = qparse(fuzz_query_tok, copy, size, &r, err, sizeof err);
    assert(rc == 0 || rc == -1);
    if (rc == 0) {
        fuzz_query_check_ok(&r);
        qparse_free(&r);
    } else {
        assert(r.match == NULL);
        if (strcmp(err, "empty query") != 0) {
            assert(sscanf(err, "query error at %lu:", &at) == 1);
            assert(at <= size);
        }
    }
    /* Best match: the same verdict; a map letter per phrase, every item
     * in it; FTS5 takes the OR. */
    {
        struct qparse_result b;
        int rb = qparse_flags(fuzz_query_tok, NULL, QPARSE_BEST, copy, size,
                              &b, err, sizeof err);

        assert(rb == rc);
        if (rb == 0) {
            fuzz_query_check_ok(&b);
            fuzz_query_check_best(&b);
            qparse_free(&b);
        }
    }
    /* Corrected words (qparse_spelled()): the same verdict, within the
     * limits, and FTS5 takes what they become. */
    {
        struct qparse_result f;
        int rf = qparse_spelled(fuzz_query_tok, NULL, QPARSE_BEST,
                                fuzz_query_fix, NULL, copy, size, &f, err,
                                sizeof err);

        assert(rf == rc);
        if (rf == 0) {
            fuzz_query_check_ok(&f);
            fuzz_query_check_best(&f);
            assert(f.nfix >= 0 && f.nfix <= QPARSE_MAX_FIXES);
            assert(f.terms >= 1 && f.terms <= QPARSE_MAX_TERMS);
            qparse_free(&f);
        }
    }
    free(copy);
    return 0;
}
