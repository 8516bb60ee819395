/*
 * toplist_build.c - OPTIMIZE's part of toplist.h: one pass over every
 * (word, article, column) occurrence of the index, in word order (FTS5's
 * fts5vocab 'instance' table), counting each word's articles (for terms
 * and spell.h) and gathering every posting of each frequent word in docid
 * order for the engine's blocks (posts.h).  Article lengths come from
 * FTS5's own docsize table, read once into memory (16 bytes an article).
 * A word that became frequent after OPTIMIZE (toplist_want()) is listed
 * with its count alone, a walk of its doclist (posts_fts5_df()); the merge
 * that is then due reads its postings for its blocks (posts_merge.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "posts.h"
#include "posts_fts5.h"
#include "spell.h"
#include "toplist.h"

#define TOPLIST_VOCAB                                                          \
    "CREATE VIRTUAL TABLE IF NOT EXISTS temp.toplist_vocab"                    \
    " USING fts5vocab(main, fts, instance)"

enum toplist_build_stmt {
    TOPLIST_BUILD_AVGDL_SET,
    TOPLIST_BUILD_AVGDL_CLEAR,
    TOPLIST_BUILD_TERM_ADD,
    TOPLIST_BUILD_TERM_CLEAR,
    TOPLIST_BUILD_TOP_CLEAR,
    TOPLIST_BUILD_DOCSIZES,
    TOPLIST_BUILD_VOCAB_SCAN,
    TOPLIST_BUILD_STMT_COUNT
};

static const char *const toplist_build_sql[TOPLIST_BUILD_STMT_COUNT] = {
    [TOPLIST_BUILD_AVGDL_SET] =
        "INSERT INTO meta(key, value) VALUES ('avgdl', ?1)"
        " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    [TOPLIST_BUILD_AVGDL_CLEAR] = "DELETE FROM meta WHERE key = 'avgdl'",
    /* n (a list's length in tops, which stays empty) is 0: toplist.h */
    [TOPLIST_BUILD_TERM_ADD] = "INSERT INTO terms(term, df, n)"
                               " VALUES (?1, ?2, 0)",
    [TOPLIST_BUILD_TERM_CLEAR] = "DELETE FROM terms",
    /* empty since stop 25; a file an older carid wrote may hold lists */
    [TOPLIST_BUILD_TOP_CLEAR] = "DELETE FROM tops",
    [TOPLIST_BUILD_DOCSIZES] = "SELECT id, sz FROM fts_docsize ORDER BY id",
    /* TOPLIST_VOCAB makes the table on the writer before first use. */
    [TOPLIST_BUILD_VOCAB_SCAN] = "SELECT term, doc, col = 'title'"
                                 " FROM temp.toplist_vocab",
};

struct toplist_build {
    struct db_conn *c;
    double avgdl;
    int64_t *docid; /* fts_docsize, in rowid order */
    int *dl;
    size_t ndoc;
    int64_t df;
    /* the word's postings so far, for posts_build_term() */
    int post_failed; /* out of memory gathering them */
    struct post_posting *post;
    size_t npost, postcap;
    /* the article being counted */
    int64_t cur_doc;
    int tf_title, tf_body;
};

static sqlite3_stmt *
toplist_build_stmt(struct db_conn *c, enum toplist_build_stmt which, char *err,
                   size_t errlen)
{
    return db_stmt(c, DB_OWN_TOPLIST_BUILD, which, TOPLIST_BUILD_STMT_COUNT,
                   toplist_build_sql[which], err, errlen);
}

static int
toplist_dl(struct toplist_build *b, int64_t docid)
{
    size_t lo = 0, hi = b->ndoc, mid;

    while (lo < hi) {
        mid = lo + (hi - lo) / 2;
        if (b->docid[mid] == docid) return b->dl[mid];
        if (b->docid[mid] < docid)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

/* Reads fts_docsize: each row a blob of per-column token counts. */
static int
toplist_load_sizes(struct toplist_build *b, char *err, size_t errlen)
{
    struct db_conn *c = b->c;
    sqlite3_stmt *stmt;
    size_t cap = 0;
    int64_t *ids;
    int *dls, rc;

    stmt = toplist_build_stmt(c, TOPLIST_BUILD_DOCSIZES, err, errlen);
    if (stmt == NULL) return -1;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        if (b->ndoc == cap) {
            cap = cap ? cap * 2 : 65536;
            ids = realloc(b->docid, cap * sizeof *ids);
            if (ids != NULL) b->docid = ids;
            dls = realloc(b->dl, cap * sizeof *dls);
            if (dls != NULL) b->dl = dls;
            if (ids == NULL || dls == NULL) break;
        }
        b->docid[b->ndoc] = sqlite3_column_int64(stmt, 0);
        b->dl[b->ndoc] = (int)db_varint_sum(
            sqlite3_column_blob(stmt, 1),
            (size_t)sqlite3_column_bytes(stmt, 1));
        b->ndoc++;
    }
    db_done(stmt);
    if (rc == SQLITE_ROW) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return rc == SQLITE_DONE ? 0 : db_fail_rc(c, rc, "docsize", err, errlen);
}

/* Keeps the article's posting of the word being scanned. */
static void
toplist_end_post(struct toplist_build *b, const struct toplist_entry *e)
{
    struct post_posting *grown;

    if (b->npost == b->postcap) {
        b->postcap = b->postcap ? b->postcap * 2 : 4096;
        grown = realloc(b->post, b->postcap * sizeof *grown);
        if (grown == NULL) {
            b->post_failed = 1;
            b->postcap = b->npost;
            return;
        }
        b->post = grown;
    }
    b->post[b->npost].docid = e->docid;
    b->post[b->npost].tf_title = (uint32_t)e->tf_title;
    b->post[b->npost].tf_body = (uint32_t)e->tf_body;
    b->post[b->npost].dl = (uint32_t)e->dl;
    b->npost++;
}

/* Ends the article being counted: its posting kept. */
static void
toplist_end_doc(struct toplist_build *b)
{
    struct toplist_entry e;

    if (b->cur_doc < 0) return;
    e.docid = b->cur_doc;
    e.tf_title = b->tf_title;
    e.tf_body = b->tf_body;
    e.dl = toplist_dl(b, b->cur_doc);
    toplist_end_post(b, &e);
    b->df++;
    b->cur_doc = -1;
    b->tf_title = b->tf_body = 0;
}

/* Ends a word: its count for spell.h, and its count and blocks if it is
 * frequent enough. */
static int
toplist_end_word(struct toplist_build *b, const char *term, size_t len,
                 char *err, size_t errlen)
{
    struct db_conn *c = b->c;
    sqlite3_stmt *stmt;
    int rc;

    toplist_end_doc(b);
    if (len > 0 && spell_build_word(c, term, len, b->df, err, errlen) != 0)
        return -1;
    if (len > 0 && b->df >= c->index->top->min_df) {
        stmt = toplist_build_stmt(c, TOPLIST_BUILD_TERM_ADD, err, errlen);
        if (stmt == NULL) return -1;
        rc = db_bind(stmt, 1, (struct carid_str){term, len});
        if (rc == SQLITE_OK) rc = sqlite3_bind_int64(stmt, 2, b->df);
        if (rc == SQLITE_OK) rc = sqlite3_step(stmt);
        db_done(stmt);
        if (rc != SQLITE_DONE) return db_fail_rc(c, rc, "terms", err, errlen);
        if (b->post_failed) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        if (posts_build_term(c, 0, term, len, b->post, b->npost, err, errlen) !=
            0)
            return -1;
    }
    b->npost = 0;
    b->post_failed = 0;
    b->df = 0;
    return 0;
}

/* The occurrence scan of stmt (term, doc, col = 'title'): terms come in
 * order, then docs, then columns. */
static int
toplist_scan(struct toplist_build *b, sqlite3_stmt *stmt, char *err,
             size_t errlen)
{
    struct db_conn *c = b->c;
    char *term = NULL, *grown;
    size_t len = 0, cap = 0, n;
    const unsigned char *t;
    int64_t doc;
    int rc = SQLITE_OK;

    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        t = sqlite3_column_text(stmt, 0);
        n = (size_t)sqlite3_column_bytes(stmt, 0);
        if (t == NULL) continue;
        if (n != len || memcmp(t, term, n) != 0) {
            if (toplist_end_word(b, term, len, err, errlen) != 0) break;
            if (n + 1 > cap) {
                cap = n + 64;
                if ((grown = realloc(term, cap)) == NULL) {
                    snprintf(err, errlen, "out of memory");
                    break;
                }
                term = grown;
            }
            memcpy(term, t, n);
            len = n;
        }
        doc = sqlite3_column_int64(stmt, 1);
        if (doc != b->cur_doc) {
            toplist_end_doc(b);
            b->cur_doc = doc;
        }
        if (sqlite3_column_int(stmt, 2) != 0) /* col = 'title' */
            b->tf_title++;
        else
            b->tf_body++;
    }
    db_done(stmt);
    if (rc == SQLITE_DONE)
        rc = toplist_end_word(b, term, len, err, errlen);
    else if (rc != SQLITE_ROW)
        rc = db_fail_rc(c, rc, "vocabulary", err, errlen);
    else
        rc = -1; /* the message is in err already */
    free(term);
    return rc == 0 ? 0 : -1;
}

int
toplist_build(struct db_conn *c, char *err, size_t errlen)
{
    struct toplist_build b;
    sqlite3_stmt *stmt;
    int64_t ndocs = 0, ntok = 0;
    int rc = -1;

    memset(&b, 0, sizeof b);
    b.c = c;
    b.cur_doc = -1;
    toplist_forget(c);
    if (posts_build_clear(c, err, errlen) != 0 ||
        db_run(c, toplist_build_stmt(c, TOPLIST_BUILD_TOP_CLEAR, err, errlen),
               "top list", err, errlen) != 0 ||
        db_run(c, toplist_build_stmt(c, TOPLIST_BUILD_TERM_CLEAR, err, errlen),
               "terms", err, errlen) != 0 ||
        db_run(c, toplist_build_stmt(c, TOPLIST_BUILD_AVGDL_CLEAR, err, errlen),
               "avgdl", err, errlen) != 0 ||
        toplist_averages(c, &ndocs, &ntok, err, errlen) != 0)
        return -1;
    if (c->index->top->min_df <= 0 || ndocs == 0) return 0; /* off */
    b.avgdl = (double)ntok / (double)ndocs;
    if (sqlite3_exec(c->db, TOPLIST_VOCAB, NULL, NULL, NULL) != SQLITE_OK)
        db_fail(c, "vocabulary", err, errlen);
    else if (spell_build_clear(c, err, errlen) == 0 &&
             toplist_load_sizes(&b, err, errlen) == 0 &&
             (stmt = toplist_build_stmt(c, TOPLIST_BUILD_VOCAB_SCAN, err,
                                        errlen)) != NULL &&
             toplist_scan(&b, stmt, err, errlen) == 0 &&
             (stmt = toplist_build_stmt(c, TOPLIST_BUILD_AVGDL_SET, err,
                                        errlen)) != NULL) {
        rc = sqlite3_bind_double(stmt, 1, b.avgdl);
        if (rc == SQLITE_OK) rc = sqlite3_step(stmt);
        db_done(stmt);
        rc = rc == SQLITE_DONE ? 0 : db_fail_rc(c, rc, "avgdl", err, errlen);
        if (rc == 0) rc = posts_build_done(c, err, errlen);
        if (rc == 0) rc = spell_build_done(c, err, errlen);
    }
    free(b.docid);
    free(b.dl);
    free(b.post);
    return rc;
}

/* Lists term[0..len) if it is unlisted and frequent enough: its count,
 * a walk of its doclist with no article length (the merge that is then
 * due reads its postings for the blocks).  Until stop 25 this scanned the
 * word's occurrences and looked up each article's length for its top
 * list: 0.1-0.3 s on the writer for a word in most of 100,000 articles. */
static int
toplist_build_word(struct db_conn *c, const char *term, size_t len, char *err,
                   size_t errlen)
{
    struct toplist_info info;
    sqlite3_stmt *stmt;
    int64_t df;
    int rc;

    rc = toplist_info(c, term, len, &info, err, errlen);
    if (rc != 0 || info.avgdl <= 0 || c->index->top->min_df <= 0)
        return rc < 0 ? -1 : 0; /* listed already, or off */
    if ((df = posts_fts5_df(c, term, len, err, errlen)) < 0) return -1;
    if (df < c->index->top->min_df) return 0;
    stmt = toplist_build_stmt(c, TOPLIST_BUILD_TERM_ADD, err, errlen);
    if (stmt == NULL) return -1;
    rc = db_bind(stmt, 1, (struct carid_str){term, len});
    if (rc == SQLITE_OK) rc = sqlite3_bind_int64(stmt, 2, df);
    if (rc == SQLITE_OK) rc = sqlite3_step(stmt);
    db_done(stmt);
    toplist_forget(c); /* toplist_begin() loads the new word */
    return rc == SQLITE_DONE ? 0 : db_fail_rc(c, rc, "terms", err, errlen);
}

int
toplist_build_pin(struct db_conn *c, char *err, size_t errlen)
{
    sqlite3_stmt *stmt;
    int64_t ndocs, ntok;
    double avgdl;
    int rc;

    if (c->index->top->min_df <= 0) return 0; /* off */
    if (toplist_avgdl(c, &avgdl, err, errlen) != 0 ||
        toplist_averages(c, &ndocs, &ntok, err, errlen) != 0)
        return -1;
    if (avgdl > 0 || ndocs < c->index->top->min_df || ntok <= 0) return 0;
    stmt = toplist_build_stmt(c, TOPLIST_BUILD_AVGDL_SET, err, errlen);
    if (stmt == NULL) return -1;
    rc = sqlite3_bind_double(stmt, 1, (double)ntok / (double)ndocs);
    if (rc == SQLITE_OK) rc = sqlite3_step(stmt);
    db_done(stmt);
    if (rc != SQLITE_DONE) return db_fail_rc(c, rc, "avgdl", err, errlen);
    toplist_forget(c); /* toplist_begin() loads the average: puts are noted */
    return 1;
}

int
toplist_wanted(struct db *d)
{
    int n;

    pthread_mutex_lock(&d->top->want_mu);
    n = d->top->nwant;
    pthread_mutex_unlock(&d->top->want_mu);
    return n;
}

void
toplist_build_wanted(struct db_conn *c)
{
    struct toplist_shared *s = c->index->top;
    char term[TOPLIST_WANT_WORD], err[256];
    size_t len;

    pthread_mutex_lock(&s->want_mu);
    if (s->nwant == 0) {
        pthread_mutex_unlock(&s->want_mu);
        return;
    }
    s->nwant--;
    len = s->want_len[s->nwant];
    memcpy(term, s->want[s->nwant], len);
    pthread_mutex_unlock(&s->want_mu);
    /* a savepoint, so that a failure leaves nothing behind */
    if (db_txn(c, DB_SAVEPOINT, "savepoint", err, sizeof err) != 0 ||
        db_savepoint_end(c,
                         toplist_build_word(c, term, len, err, sizeof err) != 0,
                         err, sizeof err) != 0)
        c->index->host->log(CARID_LOG_WARN,
                            "frequent word '%.*s' not listed: %s", (int)len,
                            term, err);
    else
        c->index->host->log(CARID_LOG_INFO, "frequent word '%.*s' listed",
                            (int)len, term);
}

void
toplist_want(struct db *d, const char *term, size_t len)
{
    struct toplist_shared *s = d->top;
    int i;

    if (len == 0 || len > TOPLIST_WANT_WORD) return;
    pthread_mutex_lock(&s->want_mu);
    for (i = 0; i < s->nwant; i++)
        if (s->want_len[i] == len && memcmp(s->want[i], term, len) == 0) break;
    if (i == s->nwant && s->nwant < TOPLIST_WANT_MAX) {
        memcpy(s->want[s->nwant], term, len);
        s->want_len[s->nwant++] = len;
    }
    pthread_mutex_unlock(&s->want_mu);
}
