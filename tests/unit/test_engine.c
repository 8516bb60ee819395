/*
 * test_engine.c - carid's ranked-retrieval engine (plugins/engine) against
 * a brute-force scorer written plainly here: random corpora, random AND
 * and OR queries of 1 to 8 terms, random k and docid ranges; hits (ids and
 * bit-equal scores) and totals must be the same.  Also the block codec's
 * round trip, its refusal of truncated and flipped bytes (run under ASan),
 * cursors against a linear search, and that pruning skips blocks.
 *
 * `test_engine --bench [AND-2|AND-3|OR-4|OR-8|AND-2/10]` (not run by
 * ctest): ns per match and ms per query on a 1M-article synthetic corpus.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine_query.h"
#include "engine_score.h"
#include "post_block.h"
#include "post_cursor.h"
#include "post_impacts.h"
#include "post_term.h"
#include "tap.h"

static uint64_t test_rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t
test_rng(void)
{
    uint64_t x = test_rng_state;

    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    test_rng_state = x;
    return x * 0x2545f4914f6cdd1dULL;
}

static double
test_unit(void)
{
    return (double)(test_rng() >> 11) / 9007199254740992.0; /* [0, 1) */
}

/* One term: its postings (with each one's article index) and its blocks'
 * bytes, concatenated. */
struct test_term {
    struct post_posting *p;
    int *doc;
    size_t n;
    struct post_term term;
    uint8_t *bytes;
    size_t *off; /* nblocks + 1 */
    size_t nbytes, cap;
};

struct test_corpus {
    int ndocs;
    int64_t *docid;
    uint32_t *dl;
    double avgdl;
    int nterms;
    struct test_term *t;
    /* brute force's scratch, one per article */
    double *s;
    int *titles;
    int *hits;
};

static int
test_sink(void *ctx, size_t block, const uint8_t *buf, size_t len)
{
    struct test_term *t = ctx;

    if (t->nbytes + len > t->cap) {
        t->cap = (t->nbytes + len) * 2;
        t->bytes = realloc(t->bytes, t->cap);
    }
    t->off = realloc(t->off, (block + 2) * sizeof t->off[0]);
    if (t->bytes == NULL || t->off == NULL) return -1;
    memcpy(t->bytes + t->nbytes, buf, len);
    t->off[block] = t->nbytes;
    t->nbytes += len;
    t->off[block + 1] = t->nbytes;
    return 0;
}

static int
test_read(void *ctx, size_t block, const uint8_t **buf, size_t *len)
{
    const struct test_term *t = ctx;

    if (block >= t->term.nblocks) return -1;
    *buf = t->bytes + t->off[block];
    *len = t->off[block + 1] - t->off[block];
    return 0;
}

static struct post_source
test_source(struct test_term *t)
{
    struct post_source src = {test_read, t};

    return src;
}

/* A posting's counts: mostly small (so that scores tie), in the title now
 * and then, rarely large, as a frequent word's are in news.  titles 2:
 * four postings in ten in the title and every tf 1 (title-heavy, and
 * nearly every score tied with many others). */
static void
test_counts(struct post_posting *p, int titles)
{
    uint64_t r = titles ? test_rng() % 1000 : 1000;
    uint64_t cut = titles == 2 ? 400 : 40;

    p->tf_title = r < cut ? 1 : r < cut + 5 ? 2 : 0;
    p->tf_body = p->tf_title ? 0 : 1;
    if (titles == 2) return;
    while (test_rng() % 2 == 0 && p->tf_body < 20) p->tf_body++;
    if (test_rng() % 500 == 0) p->tf_body += (uint32_t)(test_rng() % 30);
}

/* Term t is in an article with odds prob[t]: gaps drawn geometrically.
 * wide_gaps: docids jump now and then; titles: some postings in titles. */
static void
test_corpus_make(struct test_corpus *c, int ndocs, int nterms,
                 const double *prob, int wide_gaps, int titles)
{
    double total = 0;
    uint64_t r;
    int i, t;

    memset(c, 0, sizeof *c);
    c->ndocs = ndocs;
    c->nterms = nterms;
    c->docid = malloc((size_t)ndocs * sizeof c->docid[0]);
    c->dl = malloc((size_t)ndocs * sizeof c->dl[0]);
    c->s = calloc((size_t)ndocs, sizeof c->s[0]);
    c->titles = calloc((size_t)ndocs, sizeof c->titles[0]);
    c->hits = calloc((size_t)ndocs, sizeof c->hits[0]);
    c->t = calloc((size_t)nterms, sizeof c->t[0]);
    /* Rowids as docid.h makes them: day << 20 | rank, days with gaps. */
    c->docid[0] = ((int64_t)45000 << 20) | 1;
    for (i = 0; i < ndocs; i++) {
        if (i > 0)
            c->docid[i] = c->docid[i - 1] + 1 +
                          (wide_gaps && test_rng() % 64 == 0
                               ? (int64_t)(test_rng() % (1u << 22))
                               : 0);
        r = test_rng() % 100;
        if (titles == 2) /* two lengths: ties */
            c->dl[i] = r < 50 ? 100 : 200;
        else
            c->dl[i] = r < 5    ? 20 + (uint32_t)(test_rng() % 80)
                   : r < 40 ? 400 + (uint32_t)(test_rng() % 1100)
                            : 100 + (uint32_t)(test_rng() % 300);
        total += c->dl[i];
    }
    c->avgdl = total / ndocs;
    for (t = 0; t < nterms; t++) {
        struct test_term *tt = &c->t[t];
        double p = prob[t], lq = log(1.0 - p);
        size_t cap = (size_t)(p * ndocs * 1.2) + 16;
        long d = -1;

        tt->p = malloc(cap * sizeof tt->p[0]);
        tt->doc = malloc(cap * sizeof tt->doc[0]);
        for (;;) {
            d += 1 + (p >= 1.0 ? 0 : (long)floor(log(1.0 - test_unit()) / lq));
            if (d >= ndocs) break;
            if (tt->n == cap) {
                cap *= 2;
                tt->p = realloc(tt->p, cap * sizeof tt->p[0]);
                tt->doc = realloc(tt->doc, cap * sizeof tt->doc[0]);
            }
            tt->p[tt->n].docid = c->docid[d];
            tt->p[tt->n].dl = c->dl[d];
            test_counts(&tt->p[tt->n], titles);
            tt->doc[tt->n++] = (int)d;
        }
        if (tt->n == 0) { /* every term has a posting */
            tt->p[0].docid = c->docid[0];
            tt->p[0].dl = c->dl[0];
            test_counts(&tt->p[0], titles);
            tt->doc[tt->n++] = 0;
        }
        if (post_term_build(&tt->term, tt->p, tt->n, test_sink, tt) != 0) {
            printf("Bail out! post_term_build failed\n");
            exit(1);
        }
    }
}

static void
test_corpus_free(struct test_corpus *c)
{
    int t;

    for (t = 0; t < c->nterms; t++) {
        post_term_free(&c->t[t].term);
        free(c->t[t].p);
        free(c->t[t].doc);
        free(c->t[t].bytes);
        free(c->t[t].off);
    }
    free(c->t);
    free(c->docid);
    free(c->dl);
    free(c->s);
    free(c->titles);
    free(c->hits);
}

/* Zipf-ish: term t in an article with odds 0.75 / (t+1)^0.85. */
static double *
test_zipf(int nterms)
{
    double *prob = malloc((size_t)nterms * sizeof prob[0]);
    int t;

    for (t = 0; t < nterms; t++) {
        prob[t] = 0.75 / pow(t + 1, 0.85);
        if (prob[t] < 0.0004) prob[t] = 0.0004;
    }
    return prob;
}

static int
test_hit_cmp(const void *a, const void *b)
{
    const struct engine_hit *x = a, *y = b;

    if (x->score != y->score) return x->score > y->score ? -1 : 1;
    if (x->s != y->s) return x->s > y->s ? -1 : 1;
    if (x->docid != y->docid) return x->docid > y->docid ? -1 : 1;
    return 0;
}

/*
 * The plain scorer: every posting of every query term, in query order,
 * adds idf * part to its article (rank.c's loop over phrases); an AND
 * keeps the articles with all terms, an OR those with one; all of them
 * sorted, the first k kept.  Returns the hits, *total the matches.
 */
/* Best match: query terms that have no postings here (a segment holding
 * some of the query's words, as plugins/fts5's fresh tier), which count
 * as missing in every article. */
static int test_absent;

/* A filter (engine_query.filter), as SOURCE's docid sets: 0 none, else it
 * keeps an article when a hash of its docid is 0 modulo test_filter_m.
 * Its calls are checked: ascending, and when counting once per match. */
static int test_filter_m;
static int64_t test_filter_last, test_filter_calls, test_filter_bad;
static int64_t test_brute_matches; /* the brute force's, before the filter */

static int
test_filter_keeps(int64_t docid)
{
    return test_filter_m == 0 ||
           ((uint64_t)docid * 0x9E3779B97F4A7C15u >> 40) % test_filter_m == 0;
}

static int
test_filter(void *ctx, int64_t docid)
{
    (void)ctx;
    if (docid <= test_filter_last) test_filter_bad++;
    test_filter_last = docid;
    test_filter_calls++;
    return test_filter_keeps(docid);
}

static int
test_brute(struct test_corpus *c, const int *terms, int n, int conj,
           int64_t from, int64_t to, int k, struct engine_hit *out,
           int64_t *total)
{
    struct engine_hit *all;
    int i, j, m = 0;

    memset(c->s, 0, (size_t)c->ndocs * sizeof c->s[0]);
    memset(c->titles, 0, (size_t)c->ndocs * sizeof c->titles[0]);
    memset(c->hits, 0, (size_t)c->ndocs * sizeof c->hits[0]);
    for (i = 0; i < n; i++) {
        struct test_term *t = &c->t[terms[i]];
        double idf = engine_score_idf(t->term.df, c->ndocs);

        for (j = 0; j < (int)t->n; j++) {
            const struct post_posting *p = &t->p[j];
            double freq = 4.0 * p->tf_title + 1.0 * p->tf_body;

            c->s[t->doc[j]] += idf * engine_score_part(freq, p->dl, c->avgdl);
            c->titles[t->doc[j]] += p->tf_title > 0;
            c->hits[t->doc[j]]++;
        }
    }
    all = malloc((size_t)c->ndocs * sizeof all[0]);
    test_brute_matches = 0;
    for (i = 0; i < c->ndocs; i++) {
        if (c->docid[i] < from || c->docid[i] > to) continue;
        if (conj == 1 ? c->hits[i] < n : c->hits[i] == 0) continue;
        test_brute_matches++;
        if (!test_filter_keeps(c->docid[i])) continue;
        all[m].docid = c->docid[i];
        /* conj 2, best match: each term missing costs n + 1 titles */
        all[m].score =
            (c->titles[i] -
             (conj == 2 ? (n + test_absent - c->hits[i]) *
                              (n + test_absent + 1)
                        : 0)) +
            c->s[i] / (1.0 + c->s[i]);
        all[m].s = c->s[i];
        m++;
    }
    qsort(all, (size_t)m, sizeof all[0], test_hit_cmp);
    *total = m;
    if (k > m) k = m;
    memcpy(out, all, (size_t)k * sizeof out[0]);
    free(all);
    return k;
}

static int
test_engine(struct test_corpus *c, const int *terms, int n, int conj,
            int64_t from, int64_t to, int k, struct engine_hit *out,
            struct engine_result *res, int no_total)
{
    struct engine_term et[ENGINE_MAX_TERMS];
    struct engine_query q;
    int i;

    for (i = 0; i < n; i++) {
        et[i].term = &c->t[terms[i]].term;
        et[i].src = test_source(&c->t[terms[i]]);
    }
    memset(&q, 0, sizeof q);
    q.terms = et;
    q.nterms = n;
    q.from = from;
    q.to = to;
    q.ndocs = c->ndocs;
    q.avgdl = c->avgdl;
    q.k = k;
    q.no_total = no_total;
    q.coord = conj == 2 ? n + test_absent : 0;
    if (test_filter_m > 0) q.filter = test_filter;
    test_filter_last = INT64_MIN;
    test_filter_calls = 0;
    return conj == 1 ? engine_query_and(&q, out, res)
                     : engine_query_or(&q, out, res);
}

/* ---- the block codec ---- */

static int
test_block_random(struct post_posting *p, int n)
{
    int64_t d = test_rng() % 3 == 0 ? -(int64_t)(test_rng() >> 2)
                                    : (int64_t)(test_rng() % 1000000);
    int i;

    for (i = 0; i < n; i++) {
        d += 1 + (test_rng() % 4 == 0 ? (int64_t)(test_rng() >> 40) : 0);
        p[i].docid = d;
        p[i].tf_title = (uint32_t)(test_rng() % 3);
        p[i].tf_body = (uint32_t)(test_rng() % (test_rng() % 10 == 0 ? 100000 : 9));
        if (p[i].tf_title + p[i].tf_body == 0) p[i].tf_body = 1;
        p[i].dl = 1 + (uint32_t)(test_rng() % (test_rng() % 7 == 0 ? 4000000000u : 3000));
    }
    return n;
}

static void
test_codec(void)
{
    static struct post_posting p[ENGINE_BLOCK], q[3];
    static struct post_block_data d;
    uint8_t buf[POST_BLOCK_MAX_BYTES];
    struct post_block_meta m, m2;
    int round, i, j, bad = 0, n;
    size_t len;

    for (round = 0; round < 2000; round++) {
        n = 1 + (int)(test_rng() % ENGINE_BLOCK);
        test_block_random(p, n);
        len = post_block_encode(p, n, buf, sizeof buf, &m);
        if (len == 0 || post_block_decode(buf, len, &m2, &d) != 0 ||
            m2.titled != (m.ntitled ? d.titled : NULL)) {
            bad++;
            continue;
        }
        /* Only the header read with its postings points to titled docids. */
        m2.titled = NULL;
        if (memcmp(&m, &m2, sizeof m) != 0 || d.n != n ||
            post_block_decode_meta(buf, len, &m2) != 0 ||
            memcmp(&m, &m2, sizeof m) != 0) {
            bad++;
            continue;
        }
        for (i = 0, j = 0; i < n; i++) {
            if (d.docid[i] != p[i].docid || d.tf_title[i] != p[i].tf_title ||
                d.tf_body[i] != p[i].tf_body || d.dl[i] != p[i].dl)
                bad++;
            if (p[i].tf_title > 0 && (j >= m.ntitled || d.titled[j++] != p[i].docid))
                bad++;
        }
        if (j != m.ntitled) bad++;
    }
    ok(bad == 0, "2000 random blocks (1..128 postings, negative and far "
                 "docids, large tfs and lengths) decode to what was encoded, "
                 "headers and their titled docids included");
    /* The extremes a docid may take. */
    q[0].docid = INT64_MIN + 1;
    q[1].docid = 0;
    q[2].docid = INT64_MAX - 1;
    for (i = 0; i < 3; i++) {
        q[i].tf_title = 0;
        q[i].tf_body = 1;
        q[i].dl = 1;
    }
    len = post_block_encode(q, 3, buf, sizeof buf, &m);
    ok(len > 0 && post_block_decode(buf, len, &m2, &d) == 0 &&
           d.docid[0] == INT64_MIN + 1 && d.docid[2] == INT64_MAX - 1,
       "docids from INT64_MIN + 1 to INT64_MAX - 1 in one block");
    q[2].docid = INT64_MAX;
    ok(post_block_encode(q, 3, buf, sizeof buf, &m) == 0,
       "INT64_MAX (the end mark) is refused");
    q[2].docid = 0;
    ok(post_block_encode(q, 3, buf, sizeof buf, &m) == 0,
       "a docid not above the one before is refused");
    q[2].docid = 5;
    q[1].tf_body = 0;
    ok(post_block_encode(q, 3, buf, sizeof buf, &m) == 0,
       "a posting with no occurrence is refused");
    q[1].tf_body = 1;
    q[1].dl = 0;
    ok(post_block_encode(q, 3, buf, sizeof buf, &m) == 0,
       "a length of 0 is refused");
    ok(post_block_encode(q, 0, buf, sizeof buf, &m) == 0 &&
           post_block_encode(p, ENGINE_BLOCK + 1, buf, sizeof buf, &m) == 0,
       "0 or more than ENGINE_BLOCK postings are refused");
    q[1].dl = 1;
    q[1].tf_title = UINT32_MAX / 4;
    q[1].tf_body = 4;
    ok(post_block_encode(q, 3, buf, sizeof buf, &m) == 0,
       "4*tf_title + tf_body above UINT32_MAX is refused");
}

/* The impacts dominate every pair they were made from, have the
 * frontier's shape, and bound BM25's part for any average length. */
static void
test_impacts(void)
{
    static struct post_pair pairs[3000], copy[3000];
    struct post_impacts imp;
    int round, bad = 0, shape = 0, loose = 0, n, i, j;

    for (round = 0; round < 500; round++) {
        n = 1 + (int)(test_rng() % (round % 2 ? 128 : 3000));
        for (i = 0; i < n; i++) {
            pairs[i].freq = 1 + (uint32_t)(test_rng() % (1 + test_rng() % 60));
            pairs[i].dl = 1 + (uint32_t)(test_rng() % 3000);
        }
        memcpy(copy, pairs, (size_t)n * sizeof pairs[0]);
        post_impacts_make(copy, (size_t)n, &imp);
        if (!post_impacts_valid(&imp)) shape++;
        for (i = 0; i < n; i++) {
            double avgdl = 50 + (double)(test_rng() % 1000), best = 0;

            if (!post_impacts_cover(&imp, pairs[i].freq, pairs[i].dl)) bad++;
            for (j = 0; j < imp.n; j++)
                if (engine_score_part(imp.p[j].freq, imp.p[j].dl, avgdl) > best)
                    best = engine_score_part(imp.p[j].freq, imp.p[j].dl, avgdl);
            if (engine_score_part(pairs[i].freq, pairs[i].dl, avgdl) > best)
                loose++;
        }
    }
    ok(shape == 0, "impacts: 1 to POST_IMPACTS pairs, freq and dl descending");
    ok(bad == 0, "impacts: every pair is dominated by one of them");
    ok(loose == 0, "impacts: their largest part bounds every pair's, at "
                   "random average lengths");
}

/* A decode that succeeded must hold a well-formed block. */
static int
test_block_sane(const struct post_block_meta *m, const struct post_block_data *d)
{
    int i;

    if (d->n != m->count || d->n < 1 || d->n > ENGINE_BLOCK) return 0;
    if (d->docid[0] != m->first || d->docid[d->n - 1] != m->last) return 0;
    for (i = 1; i < d->n; i++)
        if (d->docid[i] <= d->docid[i - 1]) return 0;
    for (i = 0; i < d->n; i++)
        if (4ull * d->tf_title[i] + d->tf_body[i] > m->max_freq ||
            d->dl[i] < m->min_dl)
            return 0;
    return 1;
}

static void
test_corrupt(void)
{
    static struct post_posting p[ENGINE_BLOCK];
    static struct post_block_data d;
    uint8_t buf[POST_BLOCK_MAX_BYTES], bad[POST_BLOCK_MAX_BYTES];
    struct post_block_meta m;
    int round, flip, truncated_ok = 0, insane = 0, refused = 0, n;
    size_t len, cut;

    for (round = 0; round < 200; round++) {
        n = 1 + (int)(test_rng() % ENGINE_BLOCK);
        test_block_random(p, n);
        len = post_block_encode(p, n, buf, sizeof buf, &m);
        /* Every truncation: decoded from a copy of exactly cut bytes, so
         * that ASan sees any read past them. */
        for (cut = 0; cut < len; cut++) {
            uint8_t *t = malloc(cut ? cut : 1);

            memcpy(t, buf, cut);
            if (post_block_decode(t, cut, &m, &d) == 0) truncated_ok++;
            if (post_block_decode_docids(t, cut, &m, &d) == 0 &&
                d.tf_offset > cut)
                truncated_ok++;
            free(t);
        }
        for (flip = 0; flip < 50; flip++) {
            int k, nflip = 1 + (int)(test_rng() % 3);
            uint8_t *t = malloc(len);

            memcpy(bad, buf, len);
            for (k = 0; k < nflip; k++)
                bad[test_rng() % len] ^= (uint8_t)(1 + test_rng() % 255);
            memcpy(t, bad, len);
            if (post_block_decode(t, len, &m, &d) == 0) {
                if (!test_block_sane(&m, &d)) insane++;
            } else {
                refused++;
            }
            free(t);
        }
    }
    ok(truncated_ok == 0, "every truncation of 200 blocks is refused");
    ok(insane == 0, "10000 blocks with 1-3 bytes changed: each is refused "
                    "or decodes to a well-formed block");
    printf("# %d of 10000 changed blocks refused\n", refused);
}

/* A corrupt block in a term's list makes the query fail, not crash. */
static void
test_corrupt_query(void)
{
    double prob[3] = {0.5, 0.4, 0.3};
    struct engine_hit hits[10];
    struct engine_result res;
    struct test_corpus c;
    int terms[3] = {0, 1, 2}, round, failed = 0, wrong = 0, rc;

    test_corpus_make(&c, 5000, 3, prob, 0, 1);
    for (round = 0; round < 300; round++) {
        struct test_term *t = &c.t[test_rng() % 3];
        size_t at = test_rng() % t->nbytes;
        uint8_t was = t->bytes[at];

        t->bytes[at] ^= (uint8_t)(1 + test_rng() % 255);
        rc = test_engine(&c, terms, 3, (int)(round % 2), INT64_MIN + 1,
                         INT64_MAX - 1, 10, hits, &res, 0);
        if (rc == ENGINE_ECORRUPT) failed++;
        else if (rc != ENGINE_OK) wrong++;
        t->bytes[at] = was;
    }
    ok(wrong == 0, "300 queries over a list with a changed byte: each "
                   "answers or says ENGINE_ECORRUPT");
    printf("# %d of 300 said ENGINE_ECORRUPT\n", failed);
    test_corpus_free(&c);
}

/* ---- cursors ---- */

static void
test_cursor(void)
{
    double prob[2] = {0.6, 0.01};
    struct test_corpus c;
    struct post_cursor cur;
    int round, bad = 0, t;

    test_corpus_make(&c, 20000, 2, prob, 1, 1);
    for (round = 0; round < 400; round++) {
        struct test_term *tt = &c.t[round % 2];
        int64_t from = c.docid[test_rng() % c.ndocs] - 1;
        int64_t to = from + (int64_t)(test_rng() % (1u << 26));
        int64_t target = from - 5, got;
        size_t j = 0;

        post_cursor_open(&cur, &tt->term, test_source(tt), from, to);
        for (t = 0; t < 50; t++) {
            target += (int64_t)(test_rng() % (1u << (test_rng() % 24)));
            got = t % 3 == 0 ? post_cursor_next(&cur)
                             : post_cursor_advance(&cur, target);
            if (t % 3 == 0 && t > 0)
                j++; /* next: one past the posting it was on */
            else if (t % 3 == 0)
                j = 0;
            while (j < tt->n && (tt->p[j].docid < from ||
                                 (t % 3 != 0 && tt->p[j].docid < target)))
                j++;
            if (got != (j < tt->n && tt->p[j].docid <= to ? tt->p[j].docid
                                                           : POST_END))
                bad++;
            if (got == POST_END) break;
            target = got > target ? got : target;
        }
    }
    ok(bad == 0, "next and advance land where a linear search does, within "
                 "the range");
    post_cursor_open(&cur, &c.t[0].term, test_source(&c.t[0]), INT64_MIN + 1,
                     INT64_MAX - 1);
    post_cursor_advance(&cur, c.t[0].p[c.t[0].n - 1].docid);
    ok(cur.ndocids == 1 && cur.ntfs == 0,
       "advance to the last posting decodes one block's docids, no tfs");
    test_corpus_free(&c);
}

/* ---- queries against the brute force ---- */

static int
test_pick_term(int nterms)
{
    if (test_rng() % 3 == 0) return (int)(test_rng() % 8); /* frequent */
    return (int)(nterms * pow(test_unit(), 3));
}

/* rounds random queries on c against the brute force, as one test. */
static void
test_queries_on(struct test_corpus *c, int rounds, const char *what)
{
    uint64_t blocks = 0, tfs = 0;
    static struct engine_hit want[1000], got[1000];
    int nterms = c->nterms, round, bad = 0, i;
    struct engine_result res;

    for (round = 0; round < rounds; round++) {
        int terms[8], n = 1 + (int)(test_rng() % 8), conj = round % 3;
        int ks[6] = {1, 3, 10, 100, 1000, 0};
        int k = ks[test_rng() % 6], nw, ng, rc, no_total;
        int64_t from = INT64_MIN + 1, to = INT64_MAX - 1, total;
        unsigned r = (unsigned)(test_rng() % 10);

        if (k == 0 && test_rng() % 2) k = 1 + (int)(test_rng() % 50);
        for (i = 0; i < n; i++) terms[i] = test_pick_term(nterms);
        if (r < 4) { /* a window */
            int a = (int)(test_rng() % c->ndocs);
            int b = a + (int)(test_rng() % (c->ndocs - a));

            from = c->docid[a] - (int64_t)(test_rng() % 2);
            to = c->docid[b] + (int64_t)(test_rng() % 2);
        } else if (r == 4) { /* narrow */
            from = c->docid[test_rng() % c->ndocs];
            to = from + (int64_t)(test_rng() % 300);
        } else if (r == 5) { /* empty or outside */
            from = c->docid[c->ndocs - 1] + 1;
            to = test_rng() % 2 ? from + 1000 : from - 1000;
        }
        test_absent = conj == 2 && round % 5 == 0 ? 1 + (int)(round % 3) : 0;
        nw = test_brute(c, terms, n, conj, from, to, k, want, &total);
        /* Every other query of each kind without its total: the OR then
         * runs MaxScore instead of the union walk. */
        no_total = round % 6 >= 3;
        rc = test_engine(c, terms, n, conj, from, to, k, got, &res, no_total);
        ng = res.nhits;
        /* counting, the filter saw every match once, in docid order */
        if (test_filter_m > 0 && (test_filter_bad > 0 ||
                                  (!no_total && k >= 0 &&
                                   test_filter_calls != test_brute_matches)))
            rc = -100;
        test_filter_bad = 0;
        if (rc != ENGINE_OK || ng != nw ||
            res.total != (no_total ? -1 : total) ||
            memcmp(want, got, (size_t)nw * sizeof want[0]) != 0) {
            if (bad++ < 5)
                printf("# query %d (%s of %d terms, k %d): rc %d, %d hits of "
                       "%lld, want %d of %lld\n", round,
                       conj == 1 ? "AND" : conj ? "best" : "OR",
                       n, k, rc, ng, (long long)res.total, nw,
                       (long long)total);
        }
        blocks += res.stats.blocks;
        tfs += res.stats.tfs;
    }
    test_absent = 0;
    ok(bad == 0, what);
    printf("# tfs decoded in %.1f%% of the blocks in range\n",
           100.0 * (double)tfs / (double)blocks);
}

static void
test_queries(void)
{
    int nterms = 300;
    double *prob = test_zipf(nterms);
    struct test_corpus c;

    test_corpus_make(&c, 50000, nterms, prob, 1, 1);
    printf("# corpus: 50000 articles, %d terms, %zu blocks in the longest "
           "list\n", nterms, c.t[0].term.nblocks);
    test_queries_on(&c, 900, "900 random queries (AND, OR and best-match OR "
                    "of 1-8 terms, k 0-1000, docid ranges, with and without "
                    "totals): hits, bit-equal scores and totals as the brute "
                    "force");
    /* A filter: every third article (a frequent source), every 20th (a
     * rare one). */
    test_filter_m = 3;
    test_queries_on(&c, 150, "150 random queries with a filter keeping a "
                    "third of the articles: as the brute force, the filter "
                    "asked once per match in docid order when counting");
    test_filter_m = 20;
    test_queries_on(&c, 150, "150 random queries with a filter keeping one "
                    "article in 20: as the brute force");
    test_filter_m = 0;
    test_corpus_free(&c);
    /* Title-heavy and tied: the title bounds decide most windows, and
     * equal scores must still come out newest first. */
    test_corpus_make(&c, 20000, 40, prob, 1, 2);
    test_queries_on(&c, 450, "450 random queries on a title-heavy corpus (4 "
                    "postings in 10 in titles, every tf 1, two lengths): as "
                    "the brute force");
    free(prob);
    test_corpus_free(&c);
}

/* Ties: every article scores the same, so only docids order the hits. */
static void
test_ties(void)
{
    double prob[2] = {1.0, 1.0};
    struct engine_hit want[50], got[50];
    struct engine_result res;
    struct test_corpus c;
    int terms[2] = {0, 1}, conj, bad = 0, i, t;
    int64_t total;

    test_corpus_make(&c, 3000, 2, prob, 0, 1);
    for (t = 0; t < 2; t++)
        for (i = 0; i < (int)c.t[t].n; i++) {
            c.t[t].p[i].tf_title = 0;
            c.t[t].p[i].tf_body = 1;
            c.t[t].p[i].dl = 100;
            c.dl[c.t[t].doc[i]] = 100;
        }
    for (t = 0; t < 2; t++) {
        struct test_term *tt = &c.t[t];

        post_term_free(&tt->term);
        tt->nbytes = 0;
        post_term_build(&tt->term, tt->p, tt->n, test_sink, tt);
    }
    for (conj = 0; conj < 2; conj++) {
        test_brute(&c, terms, 2, conj, INT64_MIN + 1, INT64_MAX - 1, 50, want,
                   &total);
        test_engine(&c, terms, 2, conj, INT64_MIN + 1, INT64_MAX - 1, 50, got,
                    &res, 0);
        if (res.nhits != 50 || memcmp(want, got, sizeof want) != 0 ||
            got[0].docid != c.docid[c.ndocs - 1])
            bad++;
    }
    ok(bad == 0, "equal scores: the newest articles (highest docids) first");
    test_corpus_free(&c);
}

static void
test_prune_case(struct test_corpus *c, const char *what, const int *terms,
                int n, int conj, int titles)
{
    struct engine_hit hits[10];
    struct engine_result res;
    char line[160];

    test_engine(c, terms, n, conj, INT64_MIN + 1, INT64_MAX - 1, 10, hits,
                &res, 1);
    snprintf(line, sizeof line, "%s of frequent terms, top 10, %s: some "
             "blocks' tfs never decoded", what,
             titles ? "titles" : "no titles");
    ok(res.stats.tfs < res.stats.blocks, line);
    printf("# %s: tfs decoded in %llu of %llu blocks (%.1f%%), docids in "
           "%llu, %llu articles scored\n", what,
           (unsigned long long)res.stats.tfs,
           (unsigned long long)res.stats.blocks,
           100.0 * (double)res.stats.tfs / (double)res.stats.blocks,
           (unsigned long long)res.stats.docids,
           (unsigned long long)res.stats.scored);
}

/*
 * One term without its total (engine_one.c, its blocks best bound first),
 * against the brute force: every term of a corpus with and without
 * titles, several k, the whole range and windows.
 */
static void
test_one_term(void)
{
    double prob[6] = {0.6, 0.3, 0.1, 0.01, 0.002, 0.0002};
    static struct engine_hit want[1000], got[1000];
    int ks[5] = {1, 3, 10, 100, 1000}, titles, t, ki, w, bad = 0, cases = 0;
    struct engine_result res;
    struct test_corpus c;
    int64_t total;

    for (titles = 1; titles >= 0; titles--) {
        test_corpus_make(&c, 20000, 6, prob, 0, titles);
        for (t = 0; t < 6; t++)
            for (ki = 0; ki < 5; ki++)
                for (w = 0; w < 3; w++) {
                    int64_t from = INT64_MIN + 1, to = INT64_MAX - 1;
                    int nw;

                    if (w > 0) { /* a window, then a narrow one */
                        from = c.docid[c.ndocs / 3];
                        to = c.docid[w == 1 ? c.ndocs - 1 : c.ndocs / 3 + 200];
                    }
                    nw = test_brute(&c, &t, 1, 1, from, to, ks[ki], want,
                                    &total);
                    cases++;
                    if (test_engine(&c, &t, 1, 1, from, to, ks[ki], got, &res,
                                    1) != ENGINE_OK ||
                        res.nhits != nw || res.total != -1 ||
                        memcmp(want, got, (size_t)nw * sizeof want[0]) != 0)
                        bad++;
                }
        test_corpus_free(&c);
    }
    printf("# %d of %d one-term queries differ\n", bad, cases);
    ok(bad == 0 && cases == 180, "one term, no total: the brute force's hits");
}

/*
 * Frequent terms, small k: blocks are skipped.  With titles, a title
 * match outweighs any BM25 part and most blocks hold a titled posting, so
 * the block bounds stay high (DESIGN.md, What the bounds buy); without,
 * they are BM25's alone.
 */
static void
test_pruning(void)
{
    double prob[4] = {0.3, 0.25, 0.2, 0.15};
    int and2[2] = {0, 1}, and3[3] = {0, 1, 2}, or4[4] = {0, 1, 2, 3};
    struct test_corpus c;
    int titles;

    for (titles = 1; titles >= 0; titles--) {
        test_corpus_make(&c, 50000, 4, prob, 0, titles);
        test_prune_case(&c, "one term", and2, 1, 1, titles);
        test_prune_case(&c, "AND-2", and2, 2, 1, titles);
        test_prune_case(&c, "AND-3", and3, 3, 1, titles);
        test_prune_case(&c, "OR-4", or4, 4, 0, titles);
        test_prune_case(&c, "best-4", or4, 4, 2, titles);
        test_corpus_free(&c);
    }
}

static void
test_invalid(void)
{
    double prob[1] = {0.5};
    struct engine_hit hits[1];
    struct engine_result res;
    struct test_corpus c;
    int terms[1] = {0};

    test_corpus_make(&c, 100, 1, prob, 0, 1);
    ok(test_engine(&c, terms, 0, 1, 0, 10, 1, hits, &res, 0) == ENGINE_EINVAL,
       "no terms: ENGINE_EINVAL");
    ok(test_engine(&c, terms, 1, 0, 0, 10, -1, hits, &res, 0) == ENGINE_EINVAL,
       "k < 0: ENGINE_EINVAL");
    test_corpus_free(&c);
}

/* ---- bench ---- */

static double
test_now(void)
{
    struct timespec ts;

    /* CPU time: the machine is shared, and waiting for a core is not the
     * query's cost. */
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
test_ms_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

/* The median time of reps runs of one query, in ms; *res from the last. */
static double
test_bench_query(struct test_corpus *c, const int *terms, int n, int conj,
                 int64_t from, int64_t to, int no_total,
                 struct engine_result *res)
{
    struct engine_hit hits[10];
    double ms[11], t0;
    int rep;

    for (rep = 0; rep < 11; rep++) {
        t0 = test_now();
        test_engine(c, terms, n, conj, from, to, 10, hits, res, no_total);
        ms[rep] = (test_now() - t0) * 1000.0;
    }
    qsort(ms, 11, sizeof ms[0], test_ms_cmp);
    return ms[5];
}

static int
test_bench(const char *only)
{
    double prob[8] = {0.45, 0.35, 0.3, 0.25, 0.2, 0.15, 0.12, 0.1};
    struct {
        const char *name;
        int n, conj, tenth;
    } cls[8] = {{"one", 1, 1, 0},  {"AND-2", 2, 1, 0}, {"AND-3", 3, 1, 0},
                {"OR-4", 4, 0, 0},
                {"OR-8", 8, 0, 0}, {"AND-2/10", 2, 1, 1}, {"best-4", 4, 2, 0},
                {"best-8", 8, 2, 0}};
    int terms[8] = {0, 1, 2, 3, 4, 5, 6, 7}, i;
    struct engine_hit hits[10];
    struct engine_result res;
    struct test_corpus c;
    double t0;

    t0 = test_now();
    test_corpus_make(&c, 1000000, 8, prob, 0, 1);
    printf("1M articles, 8 terms in 45%% .. 10%% of them, built in %.1f s; "
           "median CPU time of 11 runs, top 10\n", test_now() - t0);
    printf("AND-2/10: AND-2 within a tenth of the docid range (FROM/TO)\n");
    for (i = 0; i < 8; i++) {
        int64_t from = INT64_MIN + 1, to = INT64_MAX - 1, total;
        double ms, ms_top;
        unsigned long long tfs;

        if (only != NULL && strcmp(only, cls[i].name) != 0) continue;
        if (cls[i].tenth) {
            from = c.docid[c.ndocs / 2];
            to = c.docid[c.ndocs / 2 + c.ndocs / 10];
        }
        ms_top = test_bench_query(&c, terms, cls[i].n, cls[i].conj, from, to,
                                  1, &res);
        tfs = (unsigned long long)res.stats.tfs;
        ms = test_bench_query(&c, terms, cls[i].n, cls[i].conj, from, to, 0,
                              &res);
        total = res.total;
        t0 = test_now();
        test_brute(&c, terms, cls[i].n, cls[i].conj, from, to, 10, hits,
                   &total);
        printf("%-8s %7lld matches: %6.2f ms with the total (%5.1f ns/match),"
               " %6.2f ms without (tfs of %llu of %llu blocks); brute force "
               "%.0f ms\n",
               cls[i].name, (long long)total, ms, ms * 1e6 / (double)total,
               ms_top, tfs, (unsigned long long)res.stats.blocks,
               (test_now() - t0) * 1000.0);
    }
    test_corpus_free(&c);
    return 0;
}

int
main(int argc, char **argv)
{
    static const struct tap_case cases[] = {
        {"codec", test_codec},
        {"impacts", test_impacts},
        {"corrupt blocks", test_corrupt},
        {"corrupt lists", test_corrupt_query},
        {"cursors", test_cursor},
        {"queries against the brute force", test_queries},
        {"ties", test_ties},
        {"one term", test_one_term},
        {"pruning", test_pruning},
        {"invalid queries", test_invalid},
        {NULL, NULL},
    };

    if (argc > 1 && strcmp(argv[1], "--bench") == 0)
        return test_bench(argc > 2 ? argv[2] : NULL);
    return tap_main(cases);
}
