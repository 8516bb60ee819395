/*
 * query.c - from the client's query text to hits.  Client text never
 * reaches SQL: the MATCH expression is built from the tokenizer's spans and
 * bound as a parameter, and the SQL itself comes from a fixed set of shapes
 * (sort x filters), each prepared once per reader.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "query.h"
#include "store.h"
#include "tokenizer.h"

#define QUERY_BM25       "bm25(fts, 4.0, 1.0)" /* title weighs 4x body */
#define QUERY_SLOT_COUNT 24 /* count statements: 24 + filter bits */
#define QUERY_SLOT_SNIP  32 /* the per-hit snippet statement */

/* Filter bits: which optional WHERE terms a statement has. */
#define QUERY_SOURCE 1
#define QUERY_FROM   2
#define QUERY_TO     4

struct query_builder {
    const char *text; /* the client's query, borrowed */
    char *out;        /* the expression, malloc'd */
    size_t len;       /* bytes in out */
    size_t cap;       /* bytes allocated */
    size_t prev_end;  /* end of the previous token's span */
    int terms;        /* tokens seen */
    int nomem;
};

static void
query_append(struct query_builder *b, const char *p, size_t n)
{
    char *out;
    size_t cap;

    if (b->nomem) return;
    if (b->len + n + 1 > b->cap) {
        cap = (b->len + n + 1) * 2;
        out = realloc(b->out, cap);
        if (out == NULL) {
            b->nomem = 1;
            return;
        }
        b->out = out;
        b->cap = cap;
    }
    memcpy(b->out + b->len, p, n);
    b->len += n;
    b->out[b->len] = '\0';
}

/*
 * Nonzero if the bytes between two tokens only join them: "-", "/", ".",
 * ":", ",", "'" and the Unicode hyphens and apostrophe.  "10/8/2024",
 * "1.500", "ke-72" and "Jum'at" then stay phrases.
 */
static int
query_joined(const unsigned char *p, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (p[i] != '\0' && strchr("-/.:,'", p[i]) != NULL) continue;
        /* U+2010 hyphen, U+2011 non-breaking hyphen, U+2019 apostrophe */
        if (i + 2 < n && p[i] == 0xe2 && p[i + 1] == 0x80 &&
            (p[i + 2] == 0x90 || p[i + 2] == 0x91 || p[i + 2] == 0x99)) {
            i += 2;
            continue;
        }
        return 0;
    }
    return 1;
}

static int
query_build_token(void *ctx, const char *token, size_t token_len,
                  const char *stem, size_t stem_len, size_t start, size_t end)
{
    struct query_builder *b = ctx;
    const char *p, *q;

    (void)token;
    (void)token_len;
    (void)stem;
    (void)stem_len;
    if (++b->terms > QUERY_MAX_TERMS) return 1;
    if (b->terms == 1)
        query_append(b, "\"", 1);
    else if (query_joined((const unsigned char *)b->text + b->prev_end,
                          start - b->prev_end))
        query_append(b, " ", 1);
    else
        query_append(b, "\" AND \"", 7);
    /* The original span, not the stem: FTS5 tokenizes the quoted string
     * with the same tokenizer, and stemming a stem is not idempotent.
     * Spans hold no '"' today; double it anyway. */
    for (p = b->text + start; p < b->text + end; p = q + 1) {
        q = memchr(p, '"', (size_t)(b->text + end - p));
        if (q == NULL) {
            query_append(b, p, (size_t)(b->text + end - p));
            break;
        }
        query_append(b, p, (size_t)(q - p + 1));
        query_append(b, "\"", 1);
    }
    b->prev_end = end;
    return b->nomem ? TOKENIZER_NOMEM : 0;
}

int
query_build(struct tokenizer *t, const char *text, size_t len, char **match,
            char *err, size_t errlen)
{
    struct query_builder b = {text, NULL, 0, 0, 0, 0, 0};
    int rc;

    *match = NULL;
    rc = text != NULL ? tokenizer_run(t, text, len, query_build_token, &b) : 0;
    if (rc == TOKENIZER_NOMEM || b.nomem)
        snprintf(err, errlen, "out of memory");
    else if (b.terms > QUERY_MAX_TERMS)
        snprintf(err, errlen, "query has more than %d words", QUERY_MAX_TERMS);
    else if (b.terms == 0)
        snprintf(err, errlen, "empty query");
    else {
        query_append(&b, "\"", 1);
        if (!b.nomem) {
            *match = b.out;
            return 0;
        }
        snprintf(err, errlen, "out of memory");
    }
    free(b.out);
    return -1;
}

static void
query_where(char *sql, size_t cap, int filters)
{
    snprintf(sql, cap, "%s%s%s",
             filters & QUERY_SOURCE ? " AND d.source = :source" : "",
             filters & QUERY_FROM ? " AND d.date >= :from" : "",
             filters & QUERY_TO ? " AND d.date <= :to" : "");
}

/*
 * The hits statement for a sort and a set of filters.  It returns rowids
 * and scores only; fields and snippets are fetched for the page of hits,
 * not for every match.  CROSS JOIN keeps fts the outer loop.  Ties in
 * relevance go to the newest arrival (highest rowid).
 */
static sqlite3_stmt *
query_hits_stmt(struct store_conn *c, int sort, int filters, char *err,
                size_t errlen)
{
    static const char *const order[] = {
        [CARID_SORT_RELEVANCE] = "2 DESC, fts.rowid DESC",
        [CARID_SORT_NEWEST] = "d.date DESC, fts.rowid DESC",
        [CARID_SORT_OLDEST] = "d.date ASC, fts.rowid ASC",
    };
    char where[128], sql[512];
    int slot = sort * 8 + filters;

    if (c->query[slot] != NULL) return c->query[slot];
    query_where(where, sizeof where, filters);
    snprintf(sql, sizeof sql,
             "SELECT fts.rowid, -" QUERY_BM25 " FROM fts%s"
             " WHERE fts MATCH :match%s ORDER BY %s"
             " LIMIT :limit OFFSET :offset",
             filters != 0 || sort != CARID_SORT_RELEVANCE
                 ? " CROSS JOIN docs d ON d.rowid = fts.rowid"
                 : "",
             where, order[sort]);
    return store_prepare(c, &c->query[slot], sql, err, errlen);
}

static sqlite3_stmt *
query_count_stmt(struct store_conn *c, int filters, char *err, size_t errlen)
{
    char where[128], sql[512];
    int slot = QUERY_SLOT_COUNT + filters;

    if (c->query[slot] != NULL) return c->query[slot];
    query_where(where, sizeof where, filters);
    snprintf(
        sql, sizeof sql, "SELECT count(*) FROM fts%s WHERE fts MATCH :match%s",
        filters != 0 ? " CROSS JOIN docs d ON d.rowid = fts.rowid" : "", where);
    return store_prepare(c, &c->query[slot], sql, err, errlen);
}

/* Binds what the statement names; a shape without :source skips it. */
static int
query_bind(sqlite3_stmt *stmt, const char *name, struct carid_str v)
{
    int i = sqlite3_bind_parameter_index(stmt, name);

    return i == 0 ? SQLITE_OK : store_bind(stmt, i, v);
}

static int
query_bind_common(sqlite3_stmt *stmt, const char *match,
                  const struct carid_query *q)
{
    int rc;

    rc = sqlite3_bind_text(stmt, sqlite3_bind_parameter_index(stmt, ":match"),
                           match, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK) rc = query_bind(stmt, ":source", q->source);
    if (rc == SQLITE_OK) rc = query_bind(stmt, ":from", q->date_from);
    if (rc == SQLITE_OK) rc = query_bind(stmt, ":to", q->date_to);
    return rc;
}

static int
query_count(struct store_conn *c, const char *match,
            const struct carid_query *q, int filters, int64_t *total, char *err,
            size_t errlen)
{
    sqlite3_stmt *stmt;
    int rc;

    stmt = query_count_stmt(c, filters, err, errlen);
    if (stmt == NULL) return -1;
    rc = query_bind_common(stmt, match, q);
    if (rc == SQLITE_OK) rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
        *total = sqlite3_column_int64(stmt, 0);
    else
        store_fail(c, "search", err, errlen);
    store_done(stmt);
    return rc == SQLITE_ROW ? 0 : -1;
}

/* Fills hit's snippet for rowid; 0 or an SQLite error code. */
static int
query_snippet(struct store_conn *c, sqlite3_stmt *snip, const char *match,
              const struct carid_query *q, sqlite3_int64 rowid,
              struct carid_hit *hit)
{
    int rc;

    (void)c;
    rc = sqlite3_bind_text(snip, 1, match, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK) rc = store_bind(snip, 2, q->mark_open);
    if (rc == SQLITE_OK) rc = store_bind(snip, 3, q->mark_close);
    if (rc == SQLITE_OK) rc = sqlite3_bind_int64(snip, 4, rowid);
    if (rc == SQLITE_OK) rc = sqlite3_step(snip);
    if (rc == SQLITE_ROW) hit->snippet = store_column(snip, 0);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static int
query_hits(struct store_conn *c, const char *match, const struct carid_query *q,
           int filters, carid_hit_fn *fn, void *ctx, char *err, size_t errlen)
{
    sqlite3_stmt *hits, *doc, *snip = NULL;
    struct carid_hit hit;
    sqlite3_int64 rowid;
    int rc, drc, stop = 0;

    hits = query_hits_stmt(c, q->sort, filters, err, errlen);
    doc = store_stmt(c, STORE_DOC_ROWID, err, errlen);
    if (q->want_snippet)
        snip = store_prepare(c, &c->query[QUERY_SLOT_SNIP],
                             "SELECT snippet(fts, 1, ?2, ?3, '…', 16)"
                             " FROM fts WHERE fts MATCH ?1 AND rowid = ?4",
                             err, errlen);
    if (hits == NULL || doc == NULL || (q->want_snippet && snip == NULL))
        return -1;
    rc = query_bind_common(hits, match, q);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(
            hits, sqlite3_bind_parameter_index(hits, ":limit"), q->count);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(
            hits, sqlite3_bind_parameter_index(hits, ":offset"), q->offset);
    while (rc == SQLITE_OK && !stop &&
           (rc = sqlite3_step(hits)) == SQLITE_ROW) {
        memset(&hit, 0, sizeof hit);
        rowid = sqlite3_column_int64(hits, 0);
        hit.score = sqlite3_column_double(hits, 1);
        rc = sqlite3_bind_int64(doc, 1, rowid);
        if (rc == SQLITE_OK && (drc = sqlite3_step(doc)) != SQLITE_ROW)
            rc = drc == SQLITE_DONE ? SQLITE_CORRUPT : drc;
        if (rc == SQLITE_OK) {
            store_doc_read(doc, q->want_fields, &hit.doc);
            hit.id = hit.doc.id;
        }
        if (rc == SQLITE_OK && snip != NULL)
            rc = query_snippet(c, snip, match, q, rowid, &hit);
        if (rc == SQLITE_OK)
            stop = fn(ctx, &hit) != 0; /* stopping early is not an error */
        store_done(doc);
        if (snip != NULL) store_done(snip);
    }
    if (rc != SQLITE_DONE && rc != SQLITE_OK && rc != SQLITE_ROW)
        store_fail(c, "search", err, errlen);
    store_done(hits);
    return rc == SQLITE_DONE || rc == SQLITE_OK || rc == SQLITE_ROW ? 0 : -1;
}

int
query_search(struct store_conn *c, const struct carid_query *q,
             carid_hit_fn *fn, void *ctx, int64_t *total, char *err,
             size_t errlen)
{
    sqlite3_stmt *begin, *commit;
    struct tokenizer *t;
    char *match = NULL;
    int filters, rc = -1;

    *total = 0;
    if (q->sort < CARID_SORT_RELEVANCE || q->sort > CARID_SORT_OLDEST) {
        snprintf(err, errlen, "unknown sort order %d", q->sort);
        return -1;
    }
    if ((t = store_tokenizer(c, err, errlen)) == NULL ||
        query_build(t, q->text.p, q->text.len, &match, err, errlen) != 0)
        return -1;
    filters = (q->source.p != NULL ? QUERY_SOURCE : 0) |
              (q->date_from.p != NULL ? QUERY_FROM : 0) |
              (q->date_to.p != NULL ? QUERY_TO : 0);
    begin = store_stmt(c, STORE_BEGIN_READ, err, errlen);
    commit = store_stmt(c, STORE_COMMIT, err, errlen);
    if (begin == NULL || commit == NULL) goto fail;
    if (sqlite3_step(begin) != SQLITE_DONE) {
        store_fail(c, "search", err, errlen);
        store_done(begin);
        goto fail;
    }
    store_done(begin);
    if (query_count(c, match, q, filters, total, err, errlen) == 0 &&
        (q->count <= 0 || q->offset >= *total ||
         query_hits(c, match, q, filters, fn, ctx, err, errlen) == 0))
        rc = 0;
    sqlite3_step(commit); /* ends a read: cannot fail in a way that matters */
    store_done(commit);

fail:
    free(match);
    return rc;
}
