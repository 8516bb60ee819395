/*
 * query_prefix.c - see query_prefix.h: a prefix's words read into one list
 * of postings, summed per article, cut into an in-memory term, ranked by
 * the engine.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_query.h"
#include "post_cursor.h"
#include "posts.h"
#include "posts_fresh.h"
#include "posts_fts5.h"
#include "prefix.h"
#include "query_prefix.h"
#include "toplist.h"

/* The prefix's postings (posts.h's list), one per (word, article), in no
 * order yet. */
static int
query_prefix_push(struct posts_list *l, int64_t docid, uint32_t tt, uint32_t tb,
                  uint32_t dl)
{
    struct post_posting p = {docid, tt, tb, dl};

    return posts_list_push(l, &p);
}

/* 1 with the stem if match is exactly "w"* (one word), else 0; -1 out of
 * memory. */
static int
query_prefix_parse(struct tokenizer *t, const char *match,
                   char stem[TOKENIZER_MAX_TOKEN], size_t *stem_len)
{
    size_t n = strlen(match), i;

    if (n < 4 || match[0] != '"' || match[n - 2] != '"' || match[n - 1] != '*')
        return 0;
    for (i = 1; i < n - 2; i++) /* one string: every inner quote doubled */
        if (match[i] == '"' && (i + 1 >= n - 2 || match[++i] != '"')) return 0;
    return prefix_stem(t, match + 1, n - 3, stem, stem_len);
}

/* A word with blocks: its main postings but the gone ones, then its fresh
 * ones.  1, 0 to leave the query to FTS5 (the tier over its limit), -1
 * with err set. */
static int
query_prefix_blocks(struct db_conn *c, struct posts_term *pt, int64_t gen,
                    const int64_t *gone, size_t ngone, size_t *budget,
                    struct posts_list *l, char *err, size_t errlen)
{
    struct posts_fresh_term *ft;
    struct post_cursor cur;
    uint32_t tt = 0, tb = 0, dl = 0;
    size_t g = 0;
    int64_t d;
    int rc, pass;

    post_cursor_open(&cur, &pt->term, pt->src, INT64_MIN + 1, INT64_MAX - 1);
    for (pass = 0; pass < 2; pass++) {
        while ((d = post_cursor_next(&cur)) != POST_END) {
            while (pass == 0 && g < ngone && gone[g] < d)
                g++;
            if (pass == 0 && g < ngone && gone[g] == d) continue;
            if (post_cursor_posting(&cur, &tt, &tb, &dl) != 0) break;
            if (query_prefix_push(l, d, tt, tb, dl) != 0) {
                snprintf(err, errlen, "out of memory");
                return -1;
            }
        }
        if (post_cursor_failed(&cur)) return posts_failed(c, pt, err, errlen);
        if (pass == 1) break;
        rc = posts_fresh_get(c, gen, pt->word, pt->len, pt->term.df, budget,
                             &ft, err, errlen);
        if (rc != 1) return rc == 0 ? 1 : rc == 2 ? 0 : -1;
        post_cursor_open(&cur, &ft->term, ft->src, INT64_MIN + 1,
                         INT64_MAX - 1);
    }
    return 1;
}

static int
query_prefix_cmp(const void *a, const void *b)
{
    const struct post_posting *x = a, *y = b;

    return (x->docid > y->docid) - (x->docid < y->docid);
}

/* Every word's postings into l: 1, 0 to leave it to FTS5, -1.  Which
 * words have blocks is asked first, so that a prefix mostly of words
 * without them goes to FTS5 before any posting is read. */
static int
query_prefix_gather(struct db_conn *c, const struct prefix_words *w,
                    int64_t ndocs, struct posts_list *l, char *err,
                    size_t errlen)
{
    unsigned char blocks[PREFIX_MAX_EXPANSION];
    struct posts_term pt;
    size_t budget = POSTS_FRESH_MAX, ngone = 0;
    int64_t *gone = NULL, all = 0, fts5 = 0, gen = 0, main_gen = -1;
    int i, rc, usable = 0;

    if (w->n > PREFIX_MAX_EXPANSION) return 0;
    for (i = 0; i < w->n; i++)
        all += w->words[i].df;
    if (all > QUERY_PREFIX_MAX_POSTINGS) return 0;
    if (posts_fresh_usable(c, ndocs, &usable, &gen, &main_gen, err, errlen) !=
        0)
        return -1;
    for (i = 0; i < w->n; i++) {
        rc = posts_open(c, 0, w->words[i].term, w->words[i].len, main_gen, &pt,
                        err, errlen);
        posts_close(&pt);
        if (rc < 0) return -1;
        /* blocks that the tier cannot bring up to date: FTS5 */
        if (rc == 1 && !usable) return 0;
        blocks[i] = rc == 1;
        if (rc == 0) fts5 += w->words[i].df;
    }
    if (fts5 > QUERY_PREFIX_MAX_FTS5 || 2 * fts5 > all) return 0;
    for (i = 0, rc = 1; rc == 1 && i < w->n; i++) {
        const struct prefix_word *pw = &w->words[i];

        if (!blocks[i]) {
            rc = posts_fts5_append(c, pw->term, pw->len, l, err, errlen) == 0
                     ? 1
                     : -1;
            continue;
        }
        rc = posts_open(c, 0, pw->term, pw->len, main_gen, &pt, err, errlen);
        if (rc == 1 && gone == NULL)
            rc = posts_fresh_gone(c, INT64_MIN + 1, INT64_MAX - 1,
                                  POSTS_GONE_MAX, &gone, &ngone, err, errlen);
        if (rc == 1)
            rc = query_prefix_blocks(c, &pt, gen, gone, ngone, &budget, l, err,
                                     errlen);
        posts_close(&pt);
    }
    free(gone);
    return rc;
}

/* l's postings sorted, one per article (the words' counts summed), with
 * every article's length: 0, or -1 with err set. */
static int
query_prefix_merge(struct db_conn *c, struct posts_list *l, int64_t ndocs,
                   char *err, size_t errlen)
{
    size_t i, n = 0, missing = 0;

    if (l->n == 0) return 0; /* no word, or none with an article */
    qsort(l->p, l->n, sizeof l->p[0], query_prefix_cmp);
    for (i = 0; i < l->n; i++) {
        if (n > 0 && l->p[n - 1].docid == l->p[i].docid) {
            l->p[n - 1].tf_title += l->p[i].tf_title;
            l->p[n - 1].tf_body += l->p[i].tf_body;
            if (l->p[n - 1].dl == 0) l->p[n - 1].dl = l->p[i].dl;
        } else {
            l->p[n++] = l->p[i];
        }
    }
    l->n = n;
    for (i = 0; i < n; i++)
        missing += l->p[i].dl == 0;
    return missing == 0
               ? 0
               : posts_fts5_lengths(c, l->p, n, missing, ndocs, err, errlen);
}

/* l's articles ranked as one term.  An ENGINE_* code. */
static int
query_prefix_rank(const struct posts_list *l, int64_t from, int64_t to,
                  int64_t ndocs, double avgdl, int k,
                  struct query_engine_page *page)
{
    struct posts_fresh_term term;
    struct engine_term et;
    struct engine_query q;
    struct engine_result res;
    int rc;

    page->hits = malloc((size_t)(k > 0 ? k : 1) * sizeof page->hits[0]);
    if (page->hits == NULL) return ENGINE_ENOMEM;
    if (l->n == 0) return ENGINE_OK; /* no word, no hit */
    /* the df FTS5's xQueryPhrase counts: the articles holding any word */
    if (posts_fresh_build(&term, l->p, l->n, (int64_t)l->n) != 0)
        return ENGINE_ENOMEM;
    et.term = &term.term;
    et.src = term.src;
    memset(&q, 0, sizeof q);
    q.terms = &et;
    q.nterms = 1;
    q.from = from;
    q.to = to;
    q.ndocs = ndocs;
    q.avgdl = avgdl;
    q.k = k;
    rc = engine_query_or(&q, page->hits, &res);
    posts_fresh_close(&term);
    if (rc == ENGINE_OK) {
        page->nhits = res.nhits;
        page->total = res.total;
    }
    return rc;
}

int
query_prefix(struct db_conn *c, const char *match, int64_t from, int64_t to,
             double avgdl, int k, struct query_engine_page *page, char *err,
             size_t errlen)
{
    char stem[TOKENIZER_MAX_TOKEN];
    struct posts_list l = {NULL, 0, 0};
    struct prefix_words w;
    struct tokenizer *t;
    const char *off = getenv(QUERY_ENGINE_ENV);
    size_t stem_len;
    int64_t ndocs;
    int rc;

    memset(page, 0, sizeof *page);
    if ((off != NULL && strcmp(off, "off") == 0) || !(avgdl > 0) || k < 0 ||
        k > QUERY_ENGINE_MAX_K)
        return 0;
    if ((t = db_tokenizer(c, err, errlen)) == NULL) return -1;
    rc = query_prefix_parse(t, match, stem, &stem_len);
    if (rc < 0) snprintf(err, errlen, "out of memory");
    if (rc <= 0) return rc;
    if (toplist_averages(c, &ndocs, NULL, err, errlen) != 0) return -1;
    if (ndocs <= 0) return 0;
    if (prefix_expand(c, stem, stem_len, PREFIX_MAX_EXPANSION, &w, err,
                      errlen) != 0)
        return -1;
    rc = w.matched > PREFIX_MAX_EXPANSION
             ? 0
             : query_prefix_gather(c, &w, ndocs, &l, err, errlen);
    prefix_words_free(&w);
    if (rc == 1 && query_prefix_merge(c, &l, ndocs, err, errlen) != 0) rc = -1;
    if (rc == 1) {
        rc = query_prefix_rank(&l, from, to, ndocs, avgdl, k, page);
        if (rc == ENGINE_OK) {
            rc = 1;
        } else {
            free(page->hits);
            memset(page, 0, sizeof *page);
            snprintf(err, errlen,
                     rc == ENGINE_ENOMEM ? "out of memory"
                                         : "prefix: the engine failed (%d)",
                     rc);
            rc = -1;
        }
    }
    free(l.p);
    if (rc == 1)
        __atomic_fetch_add(&c->index->engine_searches, 1, __ATOMIC_RELAXED);
    return rc;
}
