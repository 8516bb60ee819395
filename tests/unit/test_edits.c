/*
 * test_edits.c - the words one edit away (edits.h): how many candidates a
 * word gets, that each is exactly one edit away (a brute-force
 * Damerau distance) and never the word itself, that every string one
 * edit from a two-letter word comes out, and that the typos of Indonesian
 * words a corrector must undo are among the candidates; the deletions of
 * a word (edits_deletes()) and the distance that confirms a match
 * (edits_distance(), against the brute force here).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edits.h"
#include "tap.h"

#define TEST_MAX_CAND 4096

struct test_cands {
    char w[TEST_MAX_CAND][EDITS_MAX_WORD + 2];
    int n;
    int stop_at; /* return 1 on this call (1-based); 0: never */
};

static struct test_cands test_c;

static int
test_collect(void *ctx, const char *w, size_t n)
{
    struct test_cands *c = ctx;

    if (c->n < TEST_MAX_CAND) {
        memcpy(c->w[c->n], w, n);
        c->w[c->n][n] = '\0';
    }
    c->n++;
    return c->stop_at != 0 && c->n == c->stop_at;
}

static int
test_run(const char *w)
{
    memset(&test_c, 0, sizeof test_c);
    return edits_one(w, strlen(w), test_collect, &test_c);
}

static int
test_has(const char *w)
{
    for (int i = 0; i < test_c.n && i < TEST_MAX_CAND; i++)
        if (strcmp(test_c.w[i], w) == 0) return 1;
    return 0;
}

/* Optimal string alignment distance (Damerau with adjacent swaps). */
static int
test_distance(const char *a, const char *b)
{
    int la = (int)strlen(a), lb = (int)strlen(b), d[80][80];

    for (int i = 0; i <= la; i++)
        d[i][0] = i;
    for (int j = 0; j <= lb; j++)
        d[0][j] = j;
    for (int i = 1; i <= la; i++)
        for (int j = 1; j <= lb; j++) {
            int cost = a[i - 1] != b[j - 1], v = d[i - 1][j] + 1;

            if (d[i][j - 1] + 1 < v) v = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + cost < v) v = d[i - 1][j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
                a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
        }
    return d[la][lb];
}

static void
test_counts(void)
{
    ok(test_run("abc") == 0, "abc: runs to the end");
    ok(test_c.n == 184 && edits_count(3) == 184,
       "abc: 3 deletions, 2 swaps, 75 substitutions, 104 insertions");
    ok(test_run("presidn") == 0 && test_c.n == 53 * 7 + 25,
       "presidn: 53n + 25 = 396 candidates");
    ok(test_run("aab") == 0 && test_c.n == 53 * 3 + 25 - 1,
       "aab: the swap of the equal neighbours is skipped");
    ok(test_run("a") == 0 && test_c.n == 78 && edits_count(1) == 78,
       "a: 1 deletion (the empty word), 25 substitutions, 52 insertions");
}

static void
test_exact(void)
{
    int bad = 0, self = 0;

    test_run("kejaksan");
    for (int i = 0; i < test_c.n; i++) {
        bad += test_distance(test_c.w[i], "kejaksan") != 1;
        self += strcmp(test_c.w[i], "kejaksan") == 0;
    }
    ok(bad == 0, "kejaksan: every candidate is one edit away");
    ok(self == 0, "kejaksan: never the word itself");
}

/* Every string over a-z within one edit of "ab" comes out. */
static void
test_complete(void)
{
    char s[4];
    int missing = 0, all = 0;

    test_run("ab");
    for (int len = 1; len <= 3; len++) {
        int total = 1;

        for (int i = 0; i < len; i++)
            total *= 26;
        for (int k = 0; k < total; k++) {
            int v = k;

            for (int i = 0; i < len; i++) {
                s[i] = (char)('a' + v % 26);
                v /= 26;
            }
            s[len] = '\0';
            if (test_distance(s, "ab") != 1) continue;
            all++;
            missing += !test_has(s);
        }
    }
    ok(all > 0 && missing == 0, "ab: every string one edit away is there");
}

static void
test_typos(void)
{
    static const char *const pairs[][2] = {
        {"presidn", "presiden"},      /* a letter left out */
        {"kejaksan", "kejaksaan"},    /* a double letter typed once */
        {"pemerintha", "pemerintah"}, /* neighbours swapped */
        {"harfa", "harga"},           /* a neighbouring key */
        {"bannjir", "banjir"},        /* a letter typed twice */
    };

    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        char what[96];

        test_run(pairs[i][0]);
        snprintf(what, sizeof what, "%s -> %s", pairs[i][0], pairs[i][1]);
        ok(test_has(pairs[i][1]), what);
    }
}

static void
test_refused(void)
{
    char longw[EDITS_MAX_WORD + 2];

    memset(longw, 'a', sizeof longw - 1);
    longw[sizeof longw - 1] = '\0';
    ok(test_run("Harga") == -1 && test_c.n == 0, "capitals: not taken");
    ok(test_run("harga1") == -1, "a digit: not taken");
    ok(test_run("") == -1, "empty: not taken");
    ok(test_run("héla") == -1, "another script: not taken");
    ok(test_run(longw) == -1, "65 letters: not taken");
    ok(edits_word(longw, EDITS_MAX_WORD) && !edits_word(longw, 65),
       "64 letters are a word, 65 are not");
}

static void
test_stop(void)
{
    memset(&test_c, 0, sizeof test_c);
    test_c.stop_at = 10;
    ok(edits_one("banjir", 6, test_collect, &test_c) == 1 && test_c.n == 10,
       "fn's nonzero stops it and is returned");
}

static void
test_deletes(void)
{
    int bad = 0;

    memset(&test_c, 0, sizeof test_c);
    ok(edits_deletes("banjir", 6, 2, test_collect, &test_c) == 0 &&
           test_c.n == 1 + 6 + 15,
       "banjir: itself, 6 less one letter, 15 less two");
    for (int i = 0; i < test_c.n; i++)
        for (int j = i + 1; j < test_c.n; j++)
            bad += strcmp(test_c.w[i], test_c.w[j]) == 0;
    ok(bad == 0 && strcmp(test_c.w[0], "banjir") == 0 && test_has("anjir") &&
           test_has("bnjr") && test_has("banj"),
       "banjir: each once, the word first");
    memset(&test_c, 0, sizeof test_c);
    edits_deletes("kejaksaan", 9, 2, test_collect, &test_c);
    for (int i = 0; i < test_c.n; i++)
        bad += test_distance(test_c.w[i], "kejaksaan") > 2 ||
               strlen(test_c.w[i]) + 2 < 9;
    ok(bad == 0 && test_c.n < 1 + 9 + 36 && test_has("kejaksan") &&
           test_has("kjaksan"),
       "kejaksaan: the double a deleted once, each within two");
    memset(&test_c, 0, sizeof test_c);
    ok(edits_deletes("harga", 5, 1, test_collect, &test_c) == 0 &&
           test_c.n == 6 && !test_has("hrg"),
       "max 1: one letter at most");
    memset(&test_c, 0, sizeof test_c);
    ok(edits_deletes("Harga", 5, 2, test_collect, &test_c) == -1 &&
           test_c.n == 0,
       "not an edits_word: -1");
}

static void
test_distances(void)
{
    static const char *const w[] = {
        "pemerintahan", "pemerintah",  "pemrintahan", "pemerinthaan",
        "kejaksaan",    "kejaksan",    "kjeaksaan",   "kejakasaan",
        "pembangunan",  "pembagnunan", "pembanguann", "perusahaan",
        "perushaan",    "masyarakat",  "masyrakat",   "amsyarakat",
        "ab",           "ba",          "abc",         "ca"};
    size_t n = sizeof w / sizeof w[0];
    int bad = 0;

    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            for (int max = 0; max <= 3; max++) {
                int want = test_distance(w[i], w[j]);

                if (want > max) want = max + 1;
                if (edits_distance(w[i], strlen(w[i]), w[j], strlen(w[j]),
                                   max) != want) {
                    printf("# %s %s max %d: %d, want %d\n", w[i], w[j], max,
                           edits_distance(w[i], strlen(w[i]), w[j],
                                          strlen(w[j]), max),
                           want);
                    bad++;
                }
            }
    ok(bad == 0, "edits_distance: the brute force's, cut at max + 1");
    ok(edits_distance("pemerintahan", 12, "pemerinthaan", 12, 2) == 1,
       "neighbours swapped: one edit");
    ok(edits_distance("kejaksaan", 9, "kjeaksan", 8, 2) == 2,
       "a swap and a letter left out: two");
    ok(edits_distance("harga", 5, "harga", 5, 8) == 9,
       "max 8 and more: refused as over");
}

int
main(void)
{
    static const struct tap_case cases[] = {
        {"counts", test_counts},     {"exact", test_exact},
        {"complete", test_complete}, {"typos", test_typos},
        {"refused", test_refused},   {"stop", test_stop},
        {"deletes", test_deletes},   {"distances", test_distances},
        {NULL, NULL}};

    return tap_main(cases);
}
