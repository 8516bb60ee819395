/*
 * query_engine.c - see query_engine.h: the expression read back into its
 * words (qparse() writes "w1" AND "w2" ..., or OR), each word stemmed as
 * FTS5 stems a quoted string, their blocks opened, the engine run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_query.h"
#include "post_cursor.h"
#include "posts.h"
#include "posts_fresh.h"
#include "posts_fts5.h"
#include "query_engine.h"
#include "tokenizer.h"
#include "toplist.h"

#define QUERY_ENGINE_AND 1
#define QUERY_ENGINE_OR  2

/* The words of a query, as indexed (stemmed), in the expression's order:
 * FTS5's phrase order, in which scores are summed. */
struct query_engine_words {
    int n;
    int op; /* QUERY_ENGINE_AND or _OR */
    size_t len[POSTS_MAX_TERMS];
    char word[POSTS_MAX_TERMS][TOKENIZER_MAX_TOKEN];
    int tokens; /* of the word being stemmed */
    int coord;  /* best match (qparse.h): rank by the words held first */
};

/* Keeps the stem of the one token of a quoted string. */
static int
query_engine_token(void *ctx, const char *token, size_t token_len,
                   const char *stem, size_t stem_len, size_t start, size_t end)
{
    struct query_engine_words *w = ctx;

    (void)token;
    (void)token_len;
    (void)start;
    (void)end;
    if (w->tokens++ > 0 || stem_len == 0 || stem_len > TOKENIZER_MAX_TOKEN)
        return 1; /* a phrase (or nothing the index keeps) */
    memcpy(w->word[w->n], stem, stem_len);
    w->len[w->n] = stem_len;
    return 0;
}

/* The operator after a closing quote at s: AND, OR, or 0 at the end; -1
 * for anything else ('*', NOT, a parenthesis...). */
static int
query_engine_op(const char **s)
{
    if (**s == '\0') return 0;
    if (strncmp(*s, " AND \"", 6) == 0) {
        *s += 5;
        return QUERY_ENGINE_AND;
    }
    if (strncmp(*s, " OR \"", 5) == 0) {
        *s += 4;
        return QUERY_ENGINE_OR;
    }
    return -1;
}

/* 1 if match is 1 .. POSTS_MAX_TERMS distinct one-token words joined by
 * one operator, 0 if not, -1 out of memory. */
static int
query_engine_parse(struct tokenizer *t, const char *match,
                   struct query_engine_words *w)
{
    const char *s = match, *end;
    int op, i, rc;

    memset(w, 0, sizeof *w);
    for (;;) {
        if (*s != '"' || w->n == POSTS_MAX_TERMS) return 0;
        if ((end = strchr(s + 1, '"')) == NULL || end == s + 1) return 0;
        w->tokens = 0;
        rc = tokenizer_run(t, s + 1, (size_t)(end - s - 1), query_engine_token,
                           w);
        if (rc == TOKENIZER_NOMEM) return -1;
        if (rc != 0 || w->tokens != 1) return 0;
        for (i = 0; i < w->n; i++)
            if (w->len[i] == w->len[w->n] &&
                memcmp(w->word[i], w->word[w->n], w->len[i]) == 0)
                return 0; /* the same word twice: FTS5 scores it twice */
        w->n++;
        s = end + 1;
        if ((op = query_engine_op(&s)) < 0) return 0;
        if (op == 0) break;
        if (w->op != 0 && w->op != op) return 0;
        w->op = op;
    }
    return w->n >= 1 ? 1 : 0;
}

/* The terms of one segment, as the engine takes them. */
struct query_engine_seg {
    struct engine_term terms[POSTS_MAX_TERMS];
    int n;
};

/* COUNTS source: a segment's matches, gathered by the engine's filter
 * (which it calls once per match, in docid order, when it counts). */
struct query_engine_gather {
    const struct query_engine_ask *a;
    int64_t *d; /* owned */
    size_t n, cap;
    int nomem;
};

static int
query_engine_gather(void *ctx, int64_t docid)
{
    struct query_engine_gather *g = ctx;

    if (g->a->filter != NULL && !g->a->filter(g->a->filter_ctx, docid))
        return 0;
    if (g->n == g->cap) {
        size_t cap = g->cap > 0 ? 2 * g->cap : 4096;
        int64_t *d = realloc(g->d, cap * sizeof *d);

        if (d == NULL) {
            g->nomem = 1;
            return 1;
        }
        g->d = d;
        g->cap = cap;
    }
    g->d[g->n++] = docid;
    return 1;
}

/* One word over the whole index, no filter, nothing gathered: its total
 * is this index's df of it, which terms keeps exact at every commit (the
 * count the FTS5 path gives), so the engine need not count: a block whose
 * bound cannot enter the top k is then never decoded. */
static int
query_engine_known(const struct query_engine_words *w,
                   const struct query_engine_ask *a)
{
    return w->n == 1 && !a->ranged && a->filter == NULL && a->matched == NULL;
}

/* The engine's top k and total (none if no_total) on one segment; hits
 * (k of them) is the caller's; g, when not NULL, gathers the matches.  An
 * ENGINE_* code. */
static int
query_engine_eval(const struct query_engine_words *w,
                  const struct query_engine_seg *seg,
                  const struct query_engine_ask *a, int64_t ndocs, int k,
                  int no_total, struct query_engine_gather *g,
                  struct engine_hit *hits, struct engine_result *res)
{
    struct engine_query q;
    int rc;

    memset(&q, 0, sizeof q);
    q.terms = seg->terms;
    q.nterms = seg->n;
    q.from = a->from;
    q.to = a->to;
    q.ndocs = ndocs;
    q.avgdl = a->avgdl;
    q.k = k;
    q.coord = w->coord ? w->n : 0; /* the whole query's words */
    q.no_total = no_total;
    q.filter = g != NULL ? query_engine_gather : a->filter;
    q.filter_ctx = g != NULL ? (void *)g : a->filter_ctx;
    rc = w->op == QUERY_ENGINE_OR ? engine_query_or(&q, hits, res)
                                  : engine_query_and(&q, hits, res);
    return rc == ENGINE_OK && g != NULL && g->nomem ? ENGINE_ENOMEM : rc;
}

/* How many gone articles (ascending) match the query in the main blocks:
 * counted by the engine too, they come off its total.  An ENGINE_* code. */
static int
query_engine_gone(const struct query_engine_words *w, struct posts_term *pt,
                  const int64_t *gone, size_t ngone,
                  const struct query_engine_ask *a, int64_t *matched)
{
    int64_t from = a->from, to = a->to;
    struct post_cursor cur[POSTS_MAX_TERMS];
    size_t g;
    int i, in, failed = 0;

    *matched = 0;
    for (i = 0; i < w->n; i++)
        post_cursor_open(&cur[i], &pt[i].term, pt[i].src, from, to);
    for (g = 0; g < ngone; g++) {
        for (i = in = 0; i < w->n; i++) {
            int64_t d = post_cursor_docid(&cur[i]);

            if (d < gone[g]) d = post_cursor_advance(&cur[i], gone[g]);
            in += d == gone[g];
        }
        /* a filtered article is no match there either */
        if ((w->op == QUERY_ENGINE_OR ? in > 0 : in == w->n) &&
            (a->filter == NULL || a->filter(a->filter_ctx, gone[g])))
            (*matched)++;
    }
    for (i = 0; i < w->n; i++)
        failed |= post_cursor_failed(&cur[i]);
    return failed ? ENGINE_ECORRUPT : ENGINE_OK;
}

static int
query_engine_is_gone(const int64_t *gone, size_t ngone, int64_t docid)
{
    size_t lo = 0, hi = ngone;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (gone[mid] < docid)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < ngone && gone[lo] == docid;
}

/* Whether a ranks before b: engine_topk.c's order. */
static int
query_engine_before(const struct engine_hit *a, const struct engine_hit *b)
{
    if (a->score != b->score) return a->score > b->score;
    if (a->s != b->s) return a->s > b->s;
    return a->docid > b->docid;
}

/* COUNTS source: main's matches without the gone ones, then fresh's (an
 * article is wholly in one segment), handed to the asker. */
static void
query_engine_gathered(const struct query_engine_ask *a,
                      struct query_engine_gather *gm,
                      const struct query_engine_gather *gf, const int64_t *gone,
                      size_t ngone)
{
    size_t i, j = 0, n = 0;

    for (i = 0; i < gm->n; i++) {
        while (j < ngone && gone[j] < gm->d[i])
            j++;
        if (j == ngone || gone[j] != gm->d[i]) gm->d[n++] = gm->d[i];
    }
    if (n > 0) a->matched(a->matched_ctx, gm->d, n);
    if (gf->n > 0) a->matched(a->matched_ctx, gf->d, gf->n);
}

/*
 * The main segment without the gone articles, and the fresh one, merged.
 * Main's top k + G (G: the gone articles that match) holds its top k alive
 * ones, since at most G of them are gone.  known >= 0: the total, counted
 * by neither.  An ENGINE_* code.
 */
static int
query_engine_segments(const struct query_engine_words *w, struct posts_term *pt,
                      const struct query_engine_seg *fr, const int64_t *gone,
                      size_t ngone, const struct query_engine_ask *a,
                      int64_t ndocs, int64_t known,
                      struct query_engine_page *page)
{
    struct query_engine_seg main;
    struct engine_result mres, fres;
    struct engine_hit *mh, *fh;
    struct query_engine_gather gm = {a, NULL, 0, 0, 0}, gf = gm;
    int64_t g = 0;
    int i, rc, km, nm = 0, x = 0, y = 0, k = a->k;
    int gather = a->matched != NULL;

    main.n = w->n;
    for (i = 0; i < w->n; i++) {
        main.terms[i].term = &pt[i].term;
        main.terms[i].src = pt[i].src;
    }
    if (ngone > 0 && (rc = query_engine_gone(w, pt, gone, ngone, a, &g)) != 0)
        return rc;
    km = k + (int)g;
    mh = malloc((size_t)(km + k + 1) * sizeof *mh);
    page->hits = malloc((size_t)(k > 0 ? k : 1) * sizeof page->hits[0]);
    if (mh == NULL || page->hits == NULL) {
        free(mh);
        return ENGINE_ENOMEM;
    }
    fh = mh + km;
    rc = query_engine_eval(w, &main, a, ndocs, km, known >= 0,
                           gather ? &gm : NULL, mh, &mres);
    memset(&fres, 0, sizeof fres);
    if (rc == ENGINE_OK && fr->n > 0)
        rc = query_engine_eval(w, fr, a, ndocs, k, known >= 0,
                               gather ? &gf : NULL, fh, &fres);
    if (rc == ENGINE_OK && gather)
        query_engine_gathered(a, &gm, &gf, gone, ngone);
    free(gm.d);
    free(gf.d);
    if (rc != ENGINE_OK) {
        free(mh);
        return rc;
    }
    for (i = 0; i < mres.nhits; i++)
        if (!query_engine_is_gone(gone, ngone, mh[i].docid)) mh[nm++] = mh[i];
    while (page->nhits < k && (x < nm || y < fres.nhits)) {
        if (y == fres.nhits || (x < nm && query_engine_before(&mh[x], &fh[y])))
            page->hits[page->nhits++] = mh[x++];
        else
            page->hits[page->nhits++] = fh[y++];
    }
    page->total = known >= 0 ? known : mres.total - g + fres.total;
    free(mh);
    return ENGINE_OK;
}

/* Reports an ENGINE_* code that is not ENGINE_OK: -1 with err set. */
static int
query_engine_fail(struct db_conn *c, const struct query_engine_words *w,
                  const struct posts_term *pt, int rc, char *err, size_t errlen)
{
    int i;

    for (i = 0; i < w->n; i++)
        if (pt[i].failed != 0) /* SQLite's error, not the bytes' */
            return db_fail_rc(c, pt[i].failed, "postings", err, errlen);
    if (rc == ENGINE_ENOMEM)
        snprintf(err, errlen, "out of memory");
    else if (rc == ENGINE_ECORRUPT)
        snprintf(err, errlen, "postings corrupt: run OPTIMIZE");
    else
        snprintf(err, errlen, "engine: invalid query (%d)", rc);
    return -1;
}

/* With every word's main blocks open: their dfs, the gone, the fresh
 * terms, then the answer.  1, 0 to fall back, -1 with err set. */
static int
query_engine_run(struct db_conn *c, const struct query_engine_words *w,
                 struct posts_term *pt, int64_t gen,
                 const struct query_engine_ask *a, int64_t ndocs,
                 struct query_engine_page *page, char *err, size_t errlen)
{
    struct posts_fresh_term *ft;
    struct query_engine_seg fr;
    struct toplist_info info;
    const char *max = getenv(QUERY_ENGINE_FRESH_ENV);
    size_t budget, ngone = 0;
    int64_t *gone = NULL, df_sum = 0;
    int i, rc = 1, nf;

    fr.n = 0;
    /* the df the FTS5 path counts: the whole index's, which terms keeps
     * (or the router's, summed over its shards) */
    for (i = 0; rc == 1 && i < w->n; i++) {
        rc = toplist_info(c, w->word[i], w->len[i], &info, err, errlen);
        if (rc == 1) df_sum += pt[i].term.df = info.df;
        if (rc == 1 && a->global != NULL) pt[i].term.df = a->global->df[i];
    }
    budget = posts_fresh_budget(df_sum);
    if (max != NULL && *max != '\0') budget = (size_t)strtoull(max, NULL, 10);
    if (rc == 1)
        rc = posts_fresh_gone(c, a->from, a->to, posts_gone_budget(ndocs),
                              &gone, &ngone, err, errlen);
    for (nf = 0; rc == 1 && nf < w->n; nf++) {
        rc = posts_fresh_get(c, gen, w->word[nf], w->len[nf], pt[nf].term.df,
                             &budget, &ft, err, errlen);
        if (rc == 1) {
            fr.terms[fr.n].term = &ft->term;
            fr.terms[fr.n].src = ft->src;
            fr.n++;
        } else if (rc == 0) {
            rc = 1; /* no fresh posting */
        } else if (rc == 2) {
            rc = 0; /* over the fresh limit: FTS5 */
        }
    }
    /* an AND needs every word in the fresh segment to match there */
    if (rc == 1 && w->op != QUERY_ENGINE_OR && fr.n < w->n) fr.n = 0;
    if (rc == 1) {
        /* the index's own df (df_sum: one word's), not the router's */
        rc = query_engine_segments(
            w, pt, &fr, gone, ngone, a,
            a->global != NULL ? a->global->documents : ndocs,
            query_engine_known(w, a) ? df_sum : -1, page);
        if (rc == ENGINE_OK)
            rc = 1;
        else {
            free(page->hits);
            memset(page, 0, sizeof *page);
            rc = query_engine_fail(c, w, pt, rc, err, errlen);
        }
    }
    free(gone);
    return rc;
}

/* Word i has no blocks: when it is not listed but frequent, the writer is
 * asked to list it (toplist_want()), and the merge that is then due gives
 * it blocks (posts_merge.h).  Its count walks its doclist, which the FTS5
 * path this query now takes walks anyway.  Failures only leave it be. */
static void
query_engine_want(struct db_conn *c, const struct query_engine_words *w, int i,
                  double avgdl)
{
    struct toplist_info info;
    char scratch[160];
    int64_t min = c->index->top->min_df, df;

    if (min <= 0 || !(avgdl > 0) ||
        toplist_info(c, w->word[i], w->len[i], &info, scratch,
                     sizeof scratch) != 0)
        return;
    df = posts_fts5_df(c, w->word[i], w->len[i], scratch, sizeof scratch);
    if (df >= min) toplist_want(c->index, w->word[i], w->len[i]);
}

int
query_engine(struct db_conn *c, const struct query_engine_ask *a,
             struct query_engine_page *page, char *err, size_t errlen)
{
    struct query_engine_words w;
    struct posts_term pt[POSTS_MAX_TERMS];
    struct tokenizer *t;
    const char *off = getenv(QUERY_ENGINE_ENV);
    int64_t ndocs, gen, main_gen;
    int i, rc, usable, n = 0;

    memset(page, 0, sizeof *page);
    if ((off != NULL && strcmp(off, "off") == 0) || !(a->avgdl > 0) ||
        a->k < 0 || a->k > QUERY_ENGINE_MAX_K)
        return 0;
    if ((t = db_tokenizer(c, err, errlen)) == NULL) return -1;
    rc = query_engine_parse(t, a->match, &w);
    if (rc < 0) snprintf(err, errlen, "out of memory");
    if (rc <= 0) return rc;
    w.coord = a->coord && w.op == QUERY_ENGINE_OR;
    if (toplist_averages(c, &ndocs, NULL, err, errlen) != 0 ||
        posts_fresh_usable(c, ndocs, &usable, &gen, &main_gen, err, errlen) !=
            0)
        return -1;
    if (!usable || ndocs <= 0) return 0;
    if (a->global != NULL && a->global->nterms != w.n)
        return 0; /* FTS5 says it */
    for (n = 0; n < w.n; n++) {
        rc = posts_open(c, n, w.word[n], w.len[n], main_gen, &pt[n], err,
                        errlen);
        /* one word alone: query_search() asks with the total FTS5
         * counts anyway, no walk needed (not under a router's statistics,
         * where it does not ask) */
        if (rc == 0 && (!query_engine_known(&w, a) || a->global != NULL))
            query_engine_want(c, &w, n, a->avgdl);
        if (rc <= 0) break;
    }
    if (n == w.n)
        rc = query_engine_run(c, &w, pt, gen, a, ndocs, page, err, errlen);
    for (i = 0; i < n; i++)
        posts_close(&pt[i]);
    if (rc == 1)
        __atomic_fetch_add(&c->index->engine_searches, 1, __ATOMIC_RELAXED);
    return rc;
}
