/*
 * stem_bench.c - the measuring half of carid-stem: a plain lower-case
 * [a-z]+(-[a-z]+)* word splitter over JSON-lines news (title and body), and
 * a benchmark that times carid cached, carid uncached and Snowball over the
 * same in-memory token stream, 3 runs each, medians and ratios.
 */
#include <libstemmer.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "stem.h"
#include "stem_bench.h"

#define STEM_BENCH_RUNS 3  /* medians of this many runs */
#define STEM_BENCH_WORD 64 /* bytes; longer tokens are cut */

struct stem_bench_toks {
    char *pool; /* tokens back to back */
    size_t used, cap;
    uint32_t *off;  /* token i starts at pool + off[i] */
    uint8_t *len;   /* and has len[i] bytes */
    size_t n, ncap; /* tokens, slots */
};

typedef void stem_bench_tok_fn(void *ctx, const char *w, size_t n);

static int
stem_bench_letter(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/*
 * Calls fn for every [a-z]+(-[a-z]+)* run of p[0..n), lower-cased.  JSON
 * escapes such as \n and \u00e9 split words like any other non-letter.
 */
static void
stem_bench_split(const char *p, size_t n, stem_bench_tok_fn *fn, void *ctx)
{
    char w[STEM_BENCH_WORD];
    size_t i = 0;

    while (i < n) {
        size_t k = 0;
        if (!stem_bench_letter((unsigned char)p[i]) ||
            (i > 0 && p[i - 1] == '\\')) {
            i++;
            continue;
        }
        while (i < n && (stem_bench_letter((unsigned char)p[i]) ||
                         (p[i] == '-' && i + 1 < n &&
                          stem_bench_letter((unsigned char)p[i + 1]) && k))) {
            if (k < sizeof(w)) w[k++] = (char)(p[i] | 0x20);
            i++;
        }
        fn(ctx, w, k);
    }
}

/* Finds the JSON string value of "key": in line; sets *n, NULL if none. */
static const char *
stem_bench_field(const char *line, const char *key, size_t *n)
{
    const char *p = strstr(line, key), *e;

    if (p == NULL) return NULL;
    p = strchr(p + strlen(key), '"');
    if (p == NULL) return NULL;
    for (e = ++p; *e != '\0' && *e != '"'; e++)
        if (*e == '\\' && e[1] != '\0') e++;
    *n = (size_t)(e - p);
    return p;
}

static void
stem_bench_add(void *ctx, const char *w, size_t n)
{
    struct stem_bench_toks *t = ctx;

    if (t->used + n > t->cap) {
        t->cap = t->cap ? t->cap * 2 : 1 << 20;
        t->pool = realloc(t->pool, t->cap);
    }
    if (t->n == t->ncap) {
        t->ncap = t->ncap ? t->ncap * 2 : 1 << 16;
        t->off = realloc(t->off, t->ncap * sizeof(*t->off));
        t->len = realloc(t->len, t->ncap);
    }
    if (t->pool == NULL || t->off == NULL || t->len == NULL) {
        fprintf(stderr, "carid-stem: out of memory\n");
        exit(1);
    }
    memcpy(t->pool + t->used, w, n);
    t->off[t->n] = (uint32_t)t->used;
    t->len[t->n++] = (uint8_t)n;
    t->used += n;
}

static int
stem_bench_load(const char *path, struct stem_bench_toks *t)
{
    static const char *const keys[] = {"\"title\":", "\"body\":"};
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t lcap = 0;

    if (f == NULL) {
        perror(path);
        return -1;
    }
    while (getline(&line, &lcap, f) > 0) {
        for (size_t k = 0; k < 2; k++) {
            size_t n;
            const char *v = stem_bench_field(line, keys[k], &n);
            if (v != NULL) stem_bench_split(v, n, stem_bench_add, t);
        }
    }
    free(line);
    fclose(f);
    return 0;
}

static double
stem_bench_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One timed pass; kind 0 carid cached, 1 carid uncached, 2 Snowball. */
static double
stem_bench_pass(const struct stem_bench_toks *t, int kind, size_t *sink)
{
    struct sb_stemmer *sb = NULL;
    struct stemmer *s = NULL;
    char err[256], out[STEM_BENCH_WORD * 2];
    double t0, t1;

    if (kind == 2)
        sb = sb_stemmer_new("indonesian", "UTF_8");
    else if ((s = stemmer_new(err, sizeof(err))) != NULL && kind == 1)
        stemmer_set_cache(s, 0);
    if (sb == NULL && s == NULL) {
        fprintf(stderr, "carid-stem: can't create stemmer: %s\n",
                kind == 2 ? "snowball" : err);
        exit(1);
    }
    t0 = stem_bench_now();
    for (size_t i = 0; i < t->n; i++) {
        const char *w = t->pool + t->off[i];
        if (sb != NULL) {
            sb_stemmer_stem(sb, (const sb_symbol *)w, t->len[i]);
            *sink += (size_t)sb_stemmer_length(sb);
        } else {
            *sink += stemmer_stem(s, w, t->len[i], out, sizeof(out));
        }
    }
    t1 = stem_bench_now();
    if (sb != NULL) sb_stemmer_delete(sb);
    stemmer_free(s);
    return (double)t->n / (t1 - t0);
}

static int
stem_bench_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int
stem_bench_run(const char *path)
{
    static const char *const names[] = {"carid_cached", "carid_uncached",
                                        "snowball"};
    struct stem_bench_toks t = {0};
    double wps[3][STEM_BENCH_RUNS], med[3];
    size_t sink = 0;

    if (stem_bench_load(path, &t) < 0) return 1;
    printf("tokens %zu\n", t.n);
    /* interleave the stemmers so machine noise hits all three alike */
    for (int r = 0; r < STEM_BENCH_RUNS; r++)
        for (int k = 0; k < 3; k++)
            wps[k][r] = stem_bench_pass(&t, k, &sink);
    for (int k = 0; k < 3; k++) {
        printf("%-15s", names[k]);
        for (int r = 0; r < STEM_BENCH_RUNS; r++)
            printf(" %12.0f", wps[k][r]);
        qsort(wps[k], STEM_BENCH_RUNS, sizeof(double), stem_bench_cmp);
        med[k] = wps[k][STEM_BENCH_RUNS / 2];
        printf("  median %12.0f words/s\n", med[k]);
    }
    printf("ratio cached/snowball %.2f\n", med[0] / med[2]);
    printf("ratio uncached/snowball %.2f\n", med[1] / med[2]);
    printf("# checksum %zu\n", sink);
    free(t.pool);
    free(t.off);
    free(t.len);
    return 0;
}
