/*
 * query.c - from the client's query text to hits and facets.
 * Client text never reaches SQL: qparse.c turns it into an FTS5 expression
 * and filter values, both bound as parameters, and the SQL itself comes
 * from a fixed set of shapes (sort x filters), each prepared once per
 * reader.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alias.h"
#include "db.h"
#include "docid.h"
#include "prefix.h"
#include "qparse.h"
#include "query.h"
#include "query_engine.h"
#include "query_prefix.h"
#include "rank.h"
#include "snippet.h"
#include "source_filter.h"
#include "sources.h"
#include "spell.h"
#include "store.h"
#include "tokenizer.h"
#include "toplist.h"

/* rank.h: BM25, title 4x body, with the average length OPTIMIZE pinned */
#define QUERY_BM25     RANK_FN "(fts, :avgdl, :df, :map, :global)"
#define QUERY_PAGE_MAX 1000 /* hits one engine page may hold */
#define QUERY_SHAPES   32   /* filter bit combinations */
/* The statements query.c keeps per connection (db_slot()): hits at sort x
 * QUERY_SHAPES + filter bits, then these. */
#define QUERY_SLOT_COUNT 96  /* count statements: 96 + filter bits */
#define QUERY_SLOT_FACET 128 /* facet statements: 128 + filter bits */
#define QUERY_SLOT_SNIP  160 /* the per-hit snippet statement */
#define QUERY_SLOT_DFS   161 /* TERMSTATS' phrase counts */
#define QUERY_SLOTS      162

/* Filter bits: which optional WHERE terms a statement has. */
#define QUERY_SOURCE 1  /* SOURCE option */
#define QUERY_FROM   2  /* FROM option or date: */
#define QUERY_TO     4  /* TO option or date: */
#define QUERY_IN     8  /* source: filters, any of them */
#define QUERY_OUT    16 /* -source: filters, none of them */

_Static_assert((QUERY_SOURCE | QUERY_FROM | QUERY_TO | QUERY_IN | QUERY_OUT) <
                   QUERY_SHAPES,
               "a filter bit beyond QUERY_SHAPES");
_Static_assert((CARID_SORT_OLDEST + 1) * QUERY_SHAPES <= QUERY_SLOT_COUNT &&
                   QUERY_SLOT_COUNT + QUERY_SHAPES <= QUERY_SLOT_FACET &&
                   QUERY_SLOT_FACET + QUERY_SHAPES <= QUERY_SLOT_SNIP &&
                   QUERY_SLOT_SNIP < QUERY_SLOT_DFS &&
                   QUERY_SLOT_DFS < QUERY_SLOTS,
               "query.c's statement slots overlap");

/* A parsed query with its filters merged with the SEARCH options. */
struct query_plan {
    struct qparse_result r;
    struct carid_str from; /* the later lower bound, or absent */
    struct carid_str to;   /* the earlier upper bound, or absent */
    int filters;           /* QUERY_* bits */
    /* A query of one plain word: the word as indexed (stemmed), and what
     * the index knows of it (toplist.h) when it is listed. */
    char word[TOKENIZER_MAX_TOKEN];
    size_t word_len; /* 0: not such a query */
    int listed;      /* top is filled in */
    struct toplist_info top;
    double avgdl; /* pinned average length, 0: none */
    int phrases;  /* best match: the phrases that count (rank_coord()) */
};

/* Returns query.c's slot i on c, or NULL with err set. */
static sqlite3_stmt **
query_slot(struct db_conn *c, int i, char *err, size_t errlen)
{
    return db_slot(c, DB_OWN_QUERY, i, QUERY_SLOTS, err, errlen);
}

/* Source filters need the article's source, read from the narrow index
 * docs_source rather than its row (store.c); dates are rowid ranges
 * (docid.h). */
#define QUERY_NEEDS_DOCS (QUERY_SOURCE | QUERY_IN | QUERY_OUT)
#define QUERY_JOIN_SOURCE                                                      \
    " CROSS JOIN docs d INDEXED BY docs_source ON d.rowid = fts.rowid"

static const char *
query_join(int filters)
{
    return filters & QUERY_NEEDS_DOCS ? QUERY_JOIN_SOURCE : "";
}

static void
query_where(char *sql, size_t cap, int filters)
{
    snprintf(sql, cap, "%s%s%s%s%s",
             filters & QUERY_SOURCE ? " AND d.source = :source" : "",
             filters & QUERY_FROM ? " AND fts.rowid >= :from" : "",
             filters & QUERY_TO ? " AND fts.rowid <= :to" : "",
             filters & QUERY_IN ? " AND d.source IN (:s0, :s1, :s2, :s3,"
                                  " :s4, :s5, :s6, :s7)"
                                : "",
             filters & QUERY_OUT ? " AND d.source NOT IN (:x0, :x1, :x2,"
                                   " :x3, :x4, :x5, :x6, :x7)"
                                 : "");
}

/*
 * The hits statement for a sort and a set of filters.  It returns rowids
 * and score parts only; fields and snippets are fetched for the page of
 * hits, not for every match.  CROSS JOIN keeps fts the outer loop.  rowids
 * sort by date, then arrival (docid.h): ties in relevance go to the newest,
 * and newest/oldest first is FTS5's own rowid order, which stops after the
 * page instead of sorting every match.
 */
static sqlite3_stmt *
query_hits_stmt(struct db_conn *c, int sort, int filters, char *err,
                size_t errlen)
{
    static const char *const order[] = {
        [CARID_SORT_RELEVANCE] = "4 DESC, 2 DESC, 3 DESC, fts.rowid DESC",
        [CARID_SORT_NEWEST] = "fts.rowid DESC",
        [CARID_SORT_OLDEST] = "fts.rowid ASC",
    };
    char where[256], sql[768];
    sqlite3_stmt **slot;

    slot = query_slot(c, sort * QUERY_SHAPES + filters, err, errlen);
    if (slot == NULL) return NULL;
    if (*slot != NULL) return *slot;
    query_where(where, sizeof where, filters);
    snprintf(sql, sizeof sql,
             "SELECT fts.rowid, " RANK_TITLE_FN "(fts, :map), " QUERY_BM25
             ", " RANK_MATCHED_FN
             "(fts, :map) FROM fts%s WHERE fts MATCH :match%s ORDER BY %s"
             " LIMIT :limit OFFSET :offset",
             query_join(filters), where, order[sort]);
    return db_prepare(c, slot, sql, err, errlen);
}

static sqlite3_stmt *
query_count_stmt(struct db_conn *c, int filters, char *err, size_t errlen)
{
    char where[256], sql[768];
    sqlite3_stmt **slot;

    if ((slot = query_slot(c, QUERY_SLOT_COUNT + filters, err, errlen)) == NULL)
        return NULL;
    if (*slot != NULL) return *slot;
    query_where(where, sizeof where, filters);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM fts%s WHERE fts MATCH :match%s",
             query_join(filters), where);
    return db_prepare(c, slot, sql, err, errlen);
}

/* Hits per source: most first, ties by name; articles without a source
 * are not counted. */
static sqlite3_stmt *
query_facet_stmt(struct db_conn *c, int filters, char *err, size_t errlen)
{
    char where[256], sql[768];
    sqlite3_stmt **slot;

    if ((slot = query_slot(c, QUERY_SLOT_FACET + filters, err, errlen)) == NULL)
        return NULL;
    if (*slot != NULL) return *slot;
    query_where(where, sizeof where, filters);
    snprintf(sql, sizeof sql,
             "SELECT d.source, count(*) FROM fts" QUERY_JOIN_SOURCE
             " WHERE fts MATCH :match%s"
             " AND d.source <> '' GROUP BY d.source ORDER BY 2 DESC, 1",
             where);
    return db_prepare(c, slot, sql, err, errlen);
}

/* Binds what the statement names; a shape without :source skips it. */
static int
query_bind(sqlite3_stmt *stmt, const char *name, struct carid_str v)
{
    int i = sqlite3_bind_parameter_index(stmt, name);

    return i == 0 ? SQLITE_OK : db_bind(stmt, i, v);
}

/* Binds :<c>0..:<c>7 to list[0..n), repeating list[0] in unused slots. */
static int
query_bind_list(sqlite3_stmt *stmt, char c, const struct carid_str *list, int n)
{
    char name[8];
    int i, rc = SQLITE_OK;

    for (i = 0; i < QPARSE_MAX_SOURCES && rc == SQLITE_OK && n > 0; i++) {
        snprintf(name, sizeof name, ":%c%d", c, i);
        rc = query_bind(stmt, name, list[i < n ? i : 0]);
    }
    return rc;
}

/* Binds the first (or last) rowid of date d's day, if stmt names it. */
static int
query_bind_day(sqlite3_stmt *stmt, const char *name, struct carid_str d,
               int last)
{
    int i = sqlite3_bind_parameter_index(stmt, name);
    int64_t day = docid_day(d.p, d.len);

    if (i == 0) return SQLITE_OK;
    return sqlite3_bind_int64(stmt, i,
                              last ? docid_last(day) : docid_first(day));
}

static int
query_bind_common(sqlite3_stmt *stmt, const struct query_plan *p,
                  const struct carid_query *q)
{
    int rc;

    rc = sqlite3_bind_text(stmt, sqlite3_bind_parameter_index(stmt, ":match"),
                           p->r.match, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK) rc = query_bind(stmt, ":source", q->source);
    if (rc == SQLITE_OK) rc = query_bind_day(stmt, ":from", p->from, 0);
    if (rc == SQLITE_OK) rc = query_bind_day(stmt, ":to", p->to, 1);
    if (rc == SQLITE_OK)
        rc = query_bind_list(stmt, 's', p->r.source, p->r.nsource);
    if (rc == SQLITE_OK)
        rc = query_bind_list(stmt, 'x', p->r.exclude, p->r.nexclude);
    return rc;
}

/* Of a and b (absent: p == NULL), the later if later, else the earlier. */
static struct carid_str
query_bound(struct carid_str a, const char *b, int later)
{
    struct carid_str s = {b, 10};
    int c;

    if (b[0] == '\0') return a;
    if (a.p == NULL) return s;
    c = memcmp(a.p, b, a.len < 10 ? a.len : 10);
    if (c == 0) c = a.len < 10 ? -1 : a.len > 10;
    return (later ? c >= 0 : c <= 0) ? a : s;
}

/* Keeps the stem of each token; counts the tokens. */
static int
query_word_token(void *ctx, const char *token, size_t token_len,
                 const char *stem, size_t stem_len, size_t start, size_t end)
{
    struct query_plan *p = ctx;

    (void)token;
    (void)token_len;
    (void)start;
    (void)end;
    if (p->word_len > 0 || stem_len == 0 || stem_len > sizeof p->word) {
        p->word_len = 0;
        return 1; /* a second token: not one word */
    }
    memcpy(p->word, stem, stem_len);
    p->word_len = stem_len;
    return 0;
}

/*
 * Fills p->word if the expression is one quoted word, "w", as qparse()
 * writes a query of one plain word (a prefix, a column filter, NOT or a
 * second word all add more).  0, or -1 when out of memory.
 */
static int
query_one_word(struct tokenizer *t, const struct qparse_result *r,
               struct query_plan *p)
{
    size_t n = strlen(r->match);
    int rc;

    p->word_len = 0;
    if (r->terms != 1 || n < 3 || r->match[0] != '"' ||
        memchr(r->match + 1, '"', n - 1) != r->match + n - 1)
        return 0;
    rc = tokenizer_run(t, r->match + 1, n - 2, query_word_token, p);
    if (rc == TOKENIZER_NOMEM) return -1;
    if (rc != 0) p->word_len = 0;
    return 0;
}

/* qparse's corrector: spell.h on the reader. */
struct query_spell {
    struct db_conn *c;
    int rare; /* a word that some articles hold may be corrected too */
};

static int
query_spell(void *ctx, const char *word, size_t len, char *fix, size_t cap,
            size_t *fixlen, char *err, size_t errlen)
{
    const struct query_spell *s = ctx;

    return spell_fix(s->c, s->rare, word, len, fix, cap, fixlen, err, errlen);
}

/*
 * qparse_spelled() of q, corrected unless FUZZY off.  A word that some
 * articles hold is corrected (ORed with its fixes) only when it is the
 * whole query: among other words best match finds the articles holding
 * those, and a rare correct word (a name, "Bawaslu abhan") ORed with a
 * common neighbour (bahan) would fill the top ten with the neighbour.  So
 * a query of one word that nothing replaced is parsed again for that.
 */
static int
query_parse(struct db_conn *c, struct tokenizer *t, const struct carid_query *q,
            struct qparse_result *r, char *err, size_t errlen)
{
    const struct alias_set *aliases = alias_current(c, err, errlen);
    int flags = q->match == CARID_MATCH_ALL ? 0 : QPARSE_BEST;
    struct query_spell s = {c, 0};
    qparse_spell_fn *fn = q->fuzzy == CARID_FUZZY_OFF ? NULL : query_spell;

    if (qparse_spelled(t, aliases, flags, fn, &s, q->text.p, q->text.len, r,
                       err, errlen) != 0)
        return -1;
    if (fn == NULL || r->terms != 1 || r->nfix > 0) return 0;
    qparse_free(r);
    s.rare = 1;
    return qparse_spelled(t, aliases, flags, fn, &s, q->text.p, q->text.len, r,
                          err, errlen);
}

/* Parses q's text and merges its filters with q's options. */
static int
query_plan(struct db_conn *c, const struct carid_query *q, struct query_plan *p,
           char *err, size_t errlen)
{
    struct tokenizer *t;

    memset(p, 0, sizeof *p);
    if (q->sort < CARID_SORT_RELEVANCE || q->sort > CARID_SORT_OLDEST) {
        snprintf(err, errlen, "unknown sort order %d", q->sort);
        return -1;
    }
    if ((t = db_tokenizer(c, err, errlen)) == NULL ||
        query_parse(c, t, q, &p->r, err, errlen) != 0)
        return -1;
    if (prefix_check(c, p->r.match, err, errlen) != 0) {
        qparse_free(&p->r); /* a word* over PREFIX_MAX_EXPANSION words */
        return -1;
    }
    for (const char *m = p->r.map; m != NULL && *m != '\0'; m++)
        p->phrases += *m != '-';
    if (query_one_word(t, &p->r, p) != 0) {
        snprintf(err, errlen, "out of memory");
        qparse_free(&p->r);
        return -1;
    }
    p->from = query_bound(q->date_from, p->r.from, 1);
    p->to = query_bound(q->date_to, p->r.to, 0);
    p->filters = (q->source.p != NULL ? QUERY_SOURCE : 0) |
                 (p->from.p != NULL ? QUERY_FROM : 0) |
                 (p->to.p != NULL ? QUERY_TO : 0) |
                 (p->r.nsource > 0 ? QUERY_IN : 0) |
                 (p->r.nexclude > 0 ? QUERY_OUT : 0);
    return 0;
}

static int
query_count(struct db_conn *c, const struct query_plan *p,
            const struct carid_query *q, int64_t *total, char *err,
            size_t errlen)
{
    sqlite3_stmt *stmt;
    int rc;

    if (p->listed && p->filters == 0) {
        *total = p->top.df; /* kept exact at every commit */
        return 0;
    }
    stmt = query_count_stmt(c, p->filters, err, errlen);
    if (stmt == NULL) return -1;
    rc = query_bind_common(stmt, p, q);
    if (rc == SQLITE_OK) rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
        *total = sqlite3_column_int64(stmt, 0);
    else
        db_fail(c, "search", err, errlen);
    db_done(stmt);
    return rc == SQLITE_ROW ? 0 : -1;
}

/* Fills hit's snippet for rowid; 0 or an SQLite error code. */
static int
query_snippet(sqlite3_stmt *snip, const char *match,
              const struct carid_query *q, sqlite3_int64 rowid,
              struct carid_hit *hit)
{
    int rc;

    rc = sqlite3_bind_text(snip, 1, match, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK) rc = db_bind(snip, 2, q->mark_open);
    if (rc == SQLITE_OK) rc = db_bind(snip, 3, q->mark_close);
    if (rc == SQLITE_OK) rc = sqlite3_bind_int64(snip, 4, rowid);
    /* the snippet checks q's deadline as it goes (snippet.h) */
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_pointer(snip, 5, (void *)q, SNIPPET_QUERY_PTR, NULL);
    if (rc == SQLITE_OK) rc = sqlite3_step(snip);
    /* A function's text is not NUL-terminated: sqlite3_column_text()
     * allocates, and when that fails returns NULL and makes the value
     * NULL (so the type is asked first). */
    if (rc == SQLITE_ROW && sqlite3_column_type(snip, 0) != SQLITE_NULL &&
        sqlite3_column_text(snip, 0) == NULL)
        return SQLITE_NOMEM;
    if (rc == SQLITE_ROW) hit->snippet = db_column(snip, 0);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* The wire score of the current row of a hits statement (rank_score()). */
static double
query_score(const struct query_plan *p, sqlite3_stmt *hits)
{
    int titles = sqlite3_column_int(hits, 1);

    if (p->r.best)
        titles = rank_coord(titles, sqlite3_column_int(hits, 3), p->r.items,
                            p->phrases);
    return rank_score(titles, sqlite3_column_double(hits, 2));
}

/* The statements one hit needs: its fields, and maybe its snippet. */
struct query_emit {
    sqlite3_stmt *doc, *snip;
};

static int
query_emit_open(struct db_conn *c, const struct carid_query *q,
                struct query_emit *e, char *err, size_t errlen)
{
    e->snip = NULL;
    e->doc = store_doc_stmt(c, err, errlen);
    if (q->want_snippet)
        e->snip = db_stmt(c, DB_OWN_QUERY, QUERY_SLOT_SNIP, QUERY_SLOTS,
                          "SELECT " SNIPPET_FN "(fts, 1, ?2, ?3, '…', 16, ?5)"
                          " FROM fts WHERE fts MATCH ?1 AND rowid = ?4",
                          err, errlen);
    return e->doc == NULL || (q->want_snippet && e->snip == NULL) ? -1 : 0;
}

/* Hands one hit to fn; an SQLite code, *stop set when fn says so. */
static int
query_emit(const struct query_emit *e, const struct query_plan *p,
           const struct carid_query *q, sqlite3_int64 rowid, double score,
           carid_hit_fn *fn, void *ctx, int *stop)
{
    struct carid_hit hit;
    char scratch[160];
    int rc, drc;

    /* between hits; a snippet also checks as it goes (snippet.h) */
    if (carid_query_expired(q, scratch, sizeof scratch) != 0)
        return SQLITE_INTERRUPT;
    memset(&hit, 0, sizeof hit);
    hit.score = score;
    rc = sqlite3_bind_int64(e->doc, 1, rowid);
    if (rc == SQLITE_OK && (drc = sqlite3_step(e->doc)) != SQLITE_ROW)
        rc = drc == SQLITE_DONE ? SQLITE_CORRUPT : drc;
    if (rc == SQLITE_OK) {
        store_doc_read(e->doc, q->want_fields, &hit.doc);
        hit.id = hit.doc.id;
    }
    if (rc == SQLITE_OK && e->snip != NULL)
        rc = query_snippet(e->snip, p->r.match, q, rowid, &hit);
    if (rc == SQLITE_OK)
        *stop = fn(ctx, &hit) != 0; /* stopping early is not an error */
    db_done(e->doc);
    if (e->snip != NULL) db_done(e->snip);
    return rc;
}

static int
query_hits(struct db_conn *c, const struct query_plan *p,
           const struct carid_query *q, carid_hit_fn *fn, void *ctx, char *err,
           size_t errlen)
{
    struct query_emit e;
    sqlite3_stmt *hits;
    int rc, stop = 0, i;

    hits = query_hits_stmt(c, q->sort, p->filters, err, errlen);
    if (hits == NULL || query_emit_open(c, q, &e, err, errlen) != 0) return -1;
    rc = query_bind_common(hits, p, q);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(
            hits, sqlite3_bind_parameter_index(hits, ":limit"), q->count);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(
            hits, sqlite3_bind_parameter_index(hits, ":offset"), q->offset);
    if (rc == SQLITE_OK && (i = sqlite3_bind_parameter_index(hits, ":avgdl")))
        rc = sqlite3_bind_double(hits, i, p->avgdl);
    if (rc == SQLITE_OK && (i = sqlite3_bind_parameter_index(hits, ":df")))
        rc = sqlite3_bind_int64(hits, i, p->listed ? p->top.df : -1);
    if (rc == SQLITE_OK && p->r.best &&
        (i = sqlite3_bind_parameter_index(hits, ":map")))
        rc = sqlite3_bind_text(hits, i, p->r.map, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK && q->global != NULL &&
        (i = sqlite3_bind_parameter_index(hits, ":global")))
        rc = sqlite3_bind_pointer(hits, i, (void *)q->global, RANK_GLOBAL_PTR,
                                  NULL);
    while (rc == SQLITE_OK && !stop && (rc = sqlite3_step(hits)) == SQLITE_ROW)
        rc = query_emit(&e, p, q, sqlite3_column_int64(hits, 0),
                        query_score(p, hits), fn, ctx, &stop);
    if (rc != SQLITE_DONE && rc != SQLITE_OK && rc != SQLITE_ROW)
        db_fail_rc(c, rc, "search", err, errlen);
    db_done(hits);
    return rc == SQLITE_DONE || rc == SQLITE_OK || rc == SQLITE_ROW ? 0 : -1;
}

/* The docid range of FROM/TO (docid.h), as query_bind_day() binds it. */
static void
query_range(const struct query_plan *p, int64_t *from, int64_t *to)
{
    *from = INT64_MIN + 1; /* the engine's cursors keep INT64_MIN, MAX */
    *to = INT64_MAX - 1;
    if (p->filters & QUERY_FROM)
        *from = docid_first(docid_day(p->from.p, p->from.len));
    if (p->filters & QUERY_TO) *to = docid_last(docid_day(p->to.p, p->to.len));
}

/*
 * The sources' docid sets for the plan's SOURCE, source: and -source:
 * (sources.h), when they are current: 1 with *f filled, 0 if they are
 * behind (FTS5's filters then), -1 with err set.  Inside the read
 * transaction.
 */
static int
query_filter(struct db_conn *c, const struct query_plan *p,
             const struct carid_query *q, struct source_filter *f, char *err,
             size_t errlen)
{
    int64_t ndocs;
    int rc, i;

    const struct source_set *set;

    source_filter_init(f);
    if (toplist_averages(c, &ndocs, NULL, err, errlen) != 0 ||
        (rc = sources_usable(c, ndocs, err, errlen)) < 0)
        return -1;
    if (rc == 0) return 0;
    if (p->filters & QUERY_SOURCE) {
        if (sources_get(c, q->source, &set, err, errlen) != 0) return -1;
        source_filter_add(f, 0, set);
    }
    for (i = 0; i < p->r.nsource; i++) {
        if (sources_get(c, p->r.source[i], &set, err, errlen) != 0) return -1;
        source_filter_add(f, 1, set);
    }
    for (i = 0; i < p->r.nexclude; i++) {
        if (sources_get(c, p->r.exclude[i], &set, err, errlen) != 0) return -1;
        source_filter_add(f, 2, set);
    }
    return 1;
}

/*
 * The engine's question for the plan: the expression, its docid range,
 * and SOURCE's filter (into f) when the plan has one.  1 when the engine
 * may take it, 0 if not (a source filter while the sets are behind), -1
 * with err set.
 */
static int
query_ask(struct db_conn *c, const struct query_plan *p,
          const struct carid_query *q, int k, struct source_filter *f,
          struct query_engine_ask *a, char *err, size_t errlen)
{
    int rc = 1;

    memset(a, 0, sizeof *a);
    a->match = p->r.match;
    a->coord = p->r.best;
    a->avgdl = p->avgdl;
    a->global = q->global;
    a->k = k;
    query_range(p, &a->from, &a->to);
    a->ranged = (p->filters & (QUERY_FROM | QUERY_TO)) != 0;
    if (p->filters & QUERY_NEEDS_DOCS) {
        rc = query_filter(c, p, q, f, err, errlen);
        a->filter = source_filter_pass;
        a->filter_ctx = f;
    }
    return rc;
}

/*
 * Frequent words in relevance order, no filter but FROM/TO and the
 * sources: the engine over their blocks (query_engine.h), when they are
 * fresh.  1 answered (total and hits), 0 FTS5's, -1 with err set.
 */
static int
query_hits_engine(struct db_conn *c, const struct query_plan *p,
                  const struct carid_query *q, carid_hit_fn *fn, void *ctx,
                  int64_t *total, char *err, size_t errlen)
{
    struct query_engine_page page;
    struct query_engine_ask a;
    struct source_filter f;
    struct query_emit e;
    int64_t i;
    int rc, stop = 0;

    if (q->sort != CARID_SORT_RELEVANCE || q->count < 0 || q->offset < 0 ||
        q->count > QUERY_PAGE_MAX || q->offset > QUERY_ENGINE_MAX_K - q->count)
        return 0;
    rc = query_ask(c, p, q, (int)(q->offset + q->count), &f, &a, err, errlen);
    if (rc > 0) rc = query_engine(c, &a, &page, err, errlen);
    /* one word* and no source filter: its expansion as one term
     * (query_prefix.h), ranked with the index's own df */
    if (rc == 0 && (p->filters & ~(QUERY_FROM | QUERY_TO)) == 0 &&
        q->global == NULL)
        rc = query_prefix(c, p->r.match, a.from, a.to, p->avgdl,
                          (int)(q->offset + q->count), &page, err, errlen);
    if (rc <= 0) return rc;
    *total = page.total;
    rc = SQLITE_OK;
    if (page.nhits > q->offset && query_emit_open(c, q, &e, err, errlen) != 0) {
        free(page.hits);
        return -1;
    }
    for (i = q->offset; i < page.nhits && rc == SQLITE_OK && !stop; i++)
        rc = query_emit(&e, p, q, page.hits[i].docid, page.hits[i].score, fn,
                        ctx, &stop);
    free(page.hits);
    return rc == SQLITE_OK ? 1 : db_fail_rc(c, rc, "search", err, errlen);
}

/* Inside the read transaction: the pinned length, and what the index
 * knows of a one-word query's word (its df, for FTS5's BM25); with a
 * router's statistics, its average (as toplist_build_pin() pins one) and
 * nothing of the word (the router's df counts). */
static int
query_lists(struct db_conn *c, const struct carid_query *q,
            struct query_plan *p, char *err, size_t errlen)
{
    int rc;

    if (q->global != NULL) {
        p->avgdl = q->global->documents > 0 && q->global->tokens > 0
                       ? (double)q->global->tokens /
                             (double)q->global->documents
                       : 0;
        return 0;
    }
    if (p->word_len > 0) {
        rc = toplist_info(c, p->word, p->word_len, &p->top, err, errlen);
        if (rc < 0) return -1;
        p->listed = rc == 1;
        p->avgdl = p->top.avgdl;
        return 0;
    }
    return toplist_avgdl(c, &p->avgdl, err, errlen);
}

/* Hands q->fixed each corrected word and each of its fixes, in order. */
static void
query_fixed(const struct carid_query *q, const struct qparse_result *r)
{
    for (int i = 0; i < r->nfix; i++) {
        struct carid_str typed = {r->fix[i].typed, strlen(r->fix[i].typed)};
        const char *w = r->fix[i].fix, *sp;

        for (;; w = sp + 1) {
            sp = strchr(w, ' ');
            if (q->fixed(q->fixed_ctx, typed,
                         (struct carid_str){w, sp != NULL ? (size_t)(sp - w)
                                                          : strlen(w)}) != 0)
                return;
            if (sp == NULL) break;
        }
    }
}

/* SQLite calls this every QUERY_WATCH_OPS virtual machine steps of a
 * search: nonzero interrupts the statement (SQLITE_INTERRUPT). */
#define QUERY_WATCH_OPS 4000 /* well under a millisecond */

static int
query_watch_cb(void *arg)
{
    char scratch[160];

    return carid_query_expired(arg, scratch, sizeof scratch) != 0;
}

/* Before a search: 0, or -1 if q has already expired (it waited in the
 * queue past its deadline, or its client left). */
static int
query_watch_begin(struct db_conn *c, const struct carid_query *q, char *err,
                  size_t errlen)
{
    if (carid_query_expired(q, err, errlen) != 0) return -1;
    if (q->deadline_usec > 0 || q->cancel_usec != NULL)
        sqlite3_progress_handler(c->db, QUERY_WATCH_OPS, query_watch_cb,
                                 (void *)q);
    return 0;
}

/* After it: rc, with err saying "timeout" or "cancelled" when that is
 * why it failed (SQLite says only "interrupted"). */
static int
query_watch_end(struct db_conn *c, const struct carid_query *q, int rc,
                char *err, size_t errlen)
{
    sqlite3_progress_handler(c->db, 0, NULL, NULL);
    if (rc != 0) carid_query_expired(q, err, errlen);
    return rc;
}

int
query_search(struct db_conn *c, const struct carid_query *q, carid_hit_fn *fn,
             void *ctx, int64_t *total, char *err, size_t errlen)
{
    struct query_plan p;
    char scratch[128];
    int rc = -1, engine;

    *total = 0;
    if (query_plan(c, q, &p, err, errlen) != 0) return -1;
    if (query_watch_begin(c, q, err, errlen) == 0 &&
        db_txn(c, DB_BEGIN_READ, "search", err, errlen) == 0) {
        if (query_lists(c, q, &p, err, errlen) == 0 &&
            (engine = query_hits_engine(c, &p, q, fn, ctx, total, err,
                                        errlen)) >= 0 &&
            (engine == 1 ||
             (query_count(c, &p, q, total, err, errlen) == 0 &&
              (q->count <= 0 || q->offset >= *total ||
               query_hits(c, &p, q, fn, ctx, err, errlen) == 0))))
            rc = 0;
        /* frequent since OPTIMIZE: the writer lists it between batches */
        if (rc == 0 && p.word_len > 0 && !p.listed && p.avgdl > 0 &&
            p.filters == 0 && q->global == NULL && c->index->top->min_df > 0 &&
            *total >= c->index->top->min_df)
            toplist_want(c->index, p.word, p.word_len);
        /* ends a read: cannot fail in a way that matters */
        sqlite3_progress_handler(c->db, 0, NULL, NULL);
        db_txn(c, DB_COMMIT, "search", scratch, sizeof scratch);
    }
    if (rc == 0 && q->fixed != NULL) query_fixed(q, &p.r);
    qparse_free(&p.r);
    return query_watch_end(c, q, rc, err, errlen);
}

/* COUNTS source from the sources' map (sources_map()): each match's
 * source number counted. */
struct query_facet {
    struct carid_str source;
    int64_t n;
};

struct query_facet_count {
    const struct source_map *map;
    int64_t *n; /* owned: per source number */
};

static void
query_facet_matched(void *ctx, const int64_t *docids, size_t n)
{
    struct query_facet_count *fc = ctx;
    size_t i;
    int s;

    for (i = 0; i < n; i++)
        if ((s = source_map_get(fc->map, docids[i])) >= 0) fc->n[s]++;
}

/* Most hits first, ties by name in byte order (the SQL's ORDER BY 2 DESC,
 * 1). */
static int
query_facet_cmp(const void *a, const void *b)
{
    const struct query_facet *x = a, *y = b;
    size_t n = x->source.len < y->source.len ? x->source.len : y->source.len;
    int d;

    if (x->n != y->n) return x->n > y->n ? -1 : 1;
    d = memcmp(x->source.p, y->source.p, n);
    if (d != 0) return d;
    return x->source.len < y->source.len ? -1 : x->source.len > y->source.len;
}

/* Hands the counts to fn, sorted; articles without a source are not
 * counted.  0, or -1 out of memory. */
static int
query_facet_emit(const struct carid_str *names, const int64_t *counts,
                 int nnames, carid_term_fn *fn, void *ctx)
{
    struct query_facet *f = malloc((size_t)(nnames > 0 ? nnames : 1) *
                                   sizeof *f);
    int i, n = 0;

    if (f == NULL) return -1;
    for (i = 0; i < nnames; i++)
        if (counts[i] > 0 && names[i].len > 0) {
            f[n].source = names[i];
            f[n++].n = counts[i];
        }
    if (n > 1) qsort(f, (size_t)n, sizeof *f, query_facet_cmp);
    for (i = 0; i < n && !fn(ctx, f[i].source, f[i].n); i++)
        ;
    free(f);
    return 0;
}

/*
 * COUNTS source by the engine (query_engine.h hands over every match,
 * SOURCE's filter applied) and the sources' map, when both can: 1
 * answered, 0 FTS5's, -1 with err set.  Inside the read transaction.
 */
static int
query_facets_engine(struct db_conn *c, struct query_plan *p,
                    const struct carid_query *q, carid_term_fn *fn, void *ctx,
                    char *err, size_t errlen)
{
    struct query_engine_page page;
    struct query_engine_ask a;
    struct query_facet_count fc;
    struct source_filter f;
    const struct carid_str *names;
    int64_t ndocs;
    int rc, nnames;

    if (query_lists(c, q, p, err, errlen) != 0 ||
        toplist_averages(c, &ndocs, NULL, err, errlen) != 0 ||
        (rc = sources_usable(c, ndocs, err, errlen)) < 0)
        return -1;
    if (rc == 0) return 0;
    if ((rc = sources_map(c, &fc.map, &names, &nnames, err, errlen)) != 0)
        return rc == -2 ? 0 : -1; /* too many sources to number: FTS5 */
    if ((rc = query_ask(c, p, q, 0, &f, &a, err, errlen)) <= 0) return rc;
    if ((fc.n = calloc((size_t)(nnames > 0 ? nnames : 1), sizeof *fc.n)) ==
        NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    a.matched = query_facet_matched;
    a.matched_ctx = &fc;
    rc = query_engine(c, &a, &page, err, errlen);
    if (rc > 0) {
        free(page.hits);
        if (query_facet_emit(names, fc.n, nnames, fn, ctx) != 0) {
            snprintf(err, errlen, "out of memory");
            rc = -1;
        }
    }
    free(fc.n);
    return rc;
}

/* COUNTS source by FTS5: the facet statement (the sources from
 * docs_source).  0, or -1 with err set. */
static int
query_facets_fts(struct db_conn *c, const struct query_plan *p,
                 const struct carid_query *q, carid_term_fn *fn, void *ctx,
                 char *err, size_t errlen)
{
    sqlite3_stmt *stmt = query_facet_stmt(c, p->filters, err, errlen);
    int rc;

    if (stmt == NULL) return -1;
    rc = query_bind_common(stmt, p, q);
    while (rc == SQLITE_OK && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        if (fn(ctx, db_column(stmt, 0), sqlite3_column_int64(stmt, 1)))
            rc = SQLITE_DONE;
        else
            rc = SQLITE_OK;
    }
    if (rc != SQLITE_DONE) db_fail(c, "counts", err, errlen);
    db_done(stmt);
    return rc == SQLITE_DONE ? 0 : -1;
}

int
query_facets(struct db_conn *c, const struct carid_query *q, int field,
             carid_term_fn *fn, void *ctx, char *err, size_t errlen)
{
    struct query_plan p;
    char scratch[128];
    int rc = -1, engine;

    if (field != CARID_FIELD_SOURCE) {
        snprintf(err, errlen, "counts by this field are not supported");
        return -1;
    }
    if (query_plan(c, q, &p, err, errlen) != 0) return -1;
    if (query_watch_begin(c, q, err, errlen) == 0 &&
        db_txn(c, DB_BEGIN_READ, "counts", err, errlen) == 0) {
        engine = query_facets_engine(c, &p, q, fn, ctx, err, errlen);
        if (engine == 1 || (engine == 0 && query_facets_fts(c, &p, q, fn, ctx,
                                                            err, errlen) == 0))
            rc = 0;
        sqlite3_progress_handler(c->db, 0, NULL, NULL);
        db_txn(c, DB_COMMIT, "counts", scratch, sizeof scratch);
    }
    qparse_free(&p.r);
    return query_watch_end(c, q, rc, err, errlen);
}

/*
 * The expression m with every AND and NOT between its phrases made OR:
 * the same phrases in the same order (so carid_dfs() numbers them alike),
 * matching every article that holds any of them.  Owned, or NULL.
 */
static char *
query_any(const char *m)
{
    size_t n = strlen(m), o = 0;
    char *out = malloc(n + 1);
    int quoted = 0;

    for (size_t i = 0; out != NULL && i < n;) {
        if (m[i] == '"') quoted = !quoted; /* "" inside: twice, no change */
        if (!quoted && (strncmp(m + i, " AND ", 5) == 0 ||
                        strncmp(m + i, " NOT ", 5) == 0)) {
            memcpy(out + o, " OR ", 4);
            o += 4;
            i += 5;
            continue;
        }
        out[o++] = m[i++];
    }
    if (out != NULL) out[o] = '\0';
    return out;
}

/* The phrases of m: its quoted strings. */
static int
query_phrases(const char *m)
{
    int quoted = 0, n = 0;

    for (; *m != '\0'; m++) {
        if (*m != '"') continue;
        if (quoted && m[1] == '"') { /* "" inside a phrase: a quote */
            m++;
            continue;
        }
        quoted = !quoted;
        n += quoted;
    }
    return n < CARID_GLOBAL_MAX_TERMS ? n : CARID_GLOBAL_MAX_TERMS;
}

/* carid_dfs() on any article of match: 1 with its text in out, 0 if no
 * article matches, -1 with err set. */
static int
query_dfs(struct db_conn *c, const char *match, char *out, size_t cap,
          char *err, size_t errlen)
{
    sqlite3_stmt *stmt;
    int rc;

    stmt = db_stmt(c, DB_OWN_QUERY, QUERY_SLOT_DFS, QUERY_SLOTS,
                   "SELECT " RANK_DFS_FN "(fts) FROM fts WHERE fts MATCH ?1"
                   " LIMIT 1",
                   err, errlen);
    if (stmt == NULL) return -1;
    rc = sqlite3_bind_text(stmt, 1, match, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK) rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
        snprintf(out, cap, "%s", (const char *)sqlite3_column_text(stmt, 0));
    else if (rc != SQLITE_DONE)
        db_fail_rc(c, rc, "termstats", err, errlen);
    db_done(stmt);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* FNV-1a of the parsed expression, 63 bits: shards that parsed a query
 * alike (their corrections and aliases) give the same. */
static int64_t
query_parsed_hash(const char *m)
{
    uint64_t h = 14695981039346656037ULL;

    for (; *m != '\0'; m++)
        h = (h ^ (unsigned char)*m) * 1099511628211ULL;
    return (int64_t)(h >> 1);
}

/* Inside the read transaction: what q's ranking counts, to fn. */
static int
query_termstats_read(struct db_conn *c, struct query_plan *p,
                     const struct carid_query *q, int want_total,
                     carid_stat_fn *fn, void *ctx, char *err, size_t errlen)
{
    char dfs[CARID_GLOBAL_MAX_TERMS * 21 + 1], *any, *s;
    int64_t ndocs, ntok, total;
    int rc, n = query_phrases(p->r.match);

    if (toplist_averages(c, &ndocs, &ntok, err, errlen) != 0) return -1;
    /* a listed word: terms keeps its df, the count FTS5's would make */
    rc = p->word_len > 0
             ? toplist_info(c, p->word, p->word_len, &p->top, err, errlen)
             : 0;
    if (rc < 0) return -1;
    if (rc == 1) snprintf(dfs, sizeof dfs, "%lld", (long long)p->top.df);
    if (rc == 0) rc = query_dfs(c, p->r.match, dfs, sizeof dfs, err, errlen);
    if (rc == 0) { /* no article holds the query: each phrase's count */
        if ((any = query_any(p->r.match)) == NULL) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        rc = query_dfs(c, any, dfs, sizeof dfs, err, errlen);
        free(any);
    }
    if (rc < 0) return -1;
    if (fn(ctx, "documents", ndocs) || fn(ctx, "tokens", ntok) ||
        fn(ctx, "parsed", query_parsed_hash(p->r.match)))
        return 0;
    s = dfs;
    for (int i = 0; i < n; i++) /* rc 0: no article holds any of them */
        if (fn(ctx, "df", rc == 1 ? strtoll(s, &s, 10) : 0)) return 0;
    if (!want_total) return 0;
    if (query_count(c, p, q, &total, err, errlen) != 0) return -1;
    fn(ctx, "matches", total);
    return 0;
}

int
query_termstats(struct db_conn *c, const struct carid_query *q, int want_total,
                carid_stat_fn *fn, void *ctx, char *err, size_t errlen)
{
    struct query_plan p;
    char scratch[128];
    int rc = -1;

    if (query_plan(c, q, &p, err, errlen) != 0) return -1;
    if (query_watch_begin(c, q, err, errlen) == 0 &&
        db_txn(c, DB_BEGIN_READ, "termstats", err, errlen) == 0) {
        rc = query_termstats_read(c, &p, q, want_total, fn, ctx, err, errlen);
        sqlite3_progress_handler(c->db, 0, NULL, NULL);
        db_txn(c, DB_COMMIT, "termstats", scratch, sizeof scratch);
    }
    qparse_free(&p.r);
    return query_watch_end(c, q, rc, err, errlen);
}
