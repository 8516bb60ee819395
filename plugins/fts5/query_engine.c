/*
 * query_engine.c - see query_engine.h: the expression read back into its
 * words (qparse() writes "w1" AND "w2" ..., or OR), each word stemmed as
 * FTS5 stems a quoted string, their blocks opened, the engine run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_query.h"
#include "posts.h"
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

/* 1 if match is 2 .. POSTS_MAX_TERMS distinct one-token words joined by
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
    return w->n >= 2 ? 1 : 0;
}

/* The engine's answer on the opened terms. */
static int
query_engine_run(struct db_conn *c, const struct query_engine_words *w,
                 struct posts_term *pt, int64_t from, int64_t to, double avgdl,
                 int k, struct query_engine_page *page, char *err,
                 size_t errlen)
{
    struct engine_term terms[POSTS_MAX_TERMS];
    struct engine_query q;
    struct engine_result res;
    int64_t ndocs;
    int i, rc;

    if (toplist_averages(c, &ndocs, NULL, err, errlen) != 0) return -1;
    for (i = 0; i < w->n; i++) {
        terms[i].term = &pt[i].term;
        terms[i].src = pt[i].src;
    }
    memset(&q, 0, sizeof q);
    q.terms = terms;
    q.nterms = w->n;
    q.from = from;
    q.to = to;
    q.ndocs = ndocs;
    q.avgdl = avgdl;
    q.k = k;
    page->hits = malloc((size_t)(k > 0 ? k : 1) * sizeof page->hits[0]);
    if (page->hits == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    rc = w->op == QUERY_ENGINE_OR ? engine_query_or(&q, page->hits, &res)
                                  : engine_query_and(&q, page->hits, &res);
    if (rc == ENGINE_OK) {
        page->nhits = res.nhits;
        page->total = res.total;
        return 1;
    }
    free(page->hits);
    page->hits = NULL;
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

int
query_engine(struct db_conn *c, const char *match, int64_t from, int64_t to,
             double avgdl, int k, struct query_engine_page *page, char *err,
             size_t errlen)
{
    struct query_engine_words w;
    struct posts_term pt[POSTS_MAX_TERMS];
    struct tokenizer *t;
    const char *off = getenv(QUERY_ENGINE_ENV);
    int i, rc, fresh, n = 0;

    memset(page, 0, sizeof *page);
    if ((off != NULL && strcmp(off, "off") == 0) || !(avgdl > 0) || k < 0 ||
        k > QUERY_ENGINE_MAX_K)
        return 0;
    if ((t = db_tokenizer(c, err, errlen)) == NULL) return -1;
    rc = query_engine_parse(t, match, &w);
    if (rc < 0) snprintf(err, errlen, "out of memory");
    if (rc <= 0) return rc;
    if (posts_fresh(c, &fresh, err, errlen) != 0) return -1;
    if (!fresh) return 0;
    for (n = 0; n < w.n; n++) {
        rc = posts_open(c, n, w.word[n], w.len[n], &pt[n], err, errlen);
        if (rc <= 0) break;
    }
    if (n == w.n)
        rc = query_engine_run(c, &w, pt, from, to, avgdl, k, page, err, errlen);
    for (i = 0; i < n; i++)
        posts_close(&pt[i]);
    if (rc == 1)
        __atomic_fetch_add(&c->index->engine_searches, 1, __ATOMIC_RELAXED);
    return rc;
}
