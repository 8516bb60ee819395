/*
 * toplist.c - see toplist.h: keeping the frequent words' counts exact and
 * noting their postings as articles come and go (the writer), and what
 * readers ask of a word.  OPTIMIZE's rebuild is in toplist_build.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "dict.h"
#include "tokenizer.h"
#include "toplist.h"
#include "toplist_hot.h"

/*
 * Words in at least this many articles are listed (counted at every
 * commit, noted for the engine's tier, given blocks); 0 turns that off.
 * An index never optimized pins its average length once it holds as many
 * articles (toplist_build_pin()).  10,000 until stop 28 left a word in
 * 1 % of 100,000 articles to FTS5's scan: 3.6 ms alone, 176 ms by best
 * match with a common word (the OR of both scored), against 0.59 and 3.3
 * ms with blocks; at 1,000 the index grew 7 % (plugins/fts5/DESIGN.md,
 * "How many words get blocks").  The environment can change it for tests
 * and benchmarks.
 */
#define TOPLIST_MIN_DF     1000
#define TOPLIST_MIN_DF_ENV "CARID_FTS5_TOP_MIN_DF"

enum toplist_stmt {
    TOPLIST_AVGDL_GET,
    TOPLIST_TERMS,
    TOPLIST_TERM_SET,
    TOPLIST_TERM_COUNT,
    TOPLIST_TERM_INFO,
    TOPLIST_AVERAGES,
    TOPLIST_STMT_COUNT
};

static const char *const toplist_sql[TOPLIST_STMT_COUNT] = {
    [TOPLIST_AVGDL_GET] = "SELECT value FROM meta WHERE key = 'avgdl'",
    [TOPLIST_TERMS] = "SELECT term, df FROM terms ORDER BY term",
    /* n, the length of a word's list in tops, stays 0: an older carid
     * then reads no list (toplist.h) */
    [TOPLIST_TERM_SET] = "UPDATE terms SET df = ?2, n = 0 WHERE term = ?1",
    [TOPLIST_TERM_COUNT] = "SELECT count(*) FROM terms",
    [TOPLIST_TERM_INFO] = "SELECT df FROM terms WHERE term = ?1",
    /* FTS5's totals record: article count, then tokens per column. */
    [TOPLIST_AVERAGES] = "SELECT block FROM fts_data WHERE id = 1",
};

/* A listed word as the writer holds it between commits. */
struct toplist_word {
    char *term; /* owned, not NUL-terminated */
    size_t len;
    int64_t df;            /* as in terms, plus this batch */
    int dirty;             /* df changed in this batch */
    int tf_title, tf_body; /* in the article being tokenized */
};

/* One listed word of one article put (sign 1) or deleted (sign -1). */
struct toplist_post {
    size_t word;
    int sign;
    struct toplist_entry e;
};

struct toplist {
    int loaded;
    double avgdl;              /* 0: none pinned, nothing to note */
    struct toplist_word *word; /* sorted like terms' primary key */
    size_t nword;
    struct toplist_post *post;
    size_t npost, cap;
    uint32_t *slot; /* hash of word: index + 1, 0 empty; nslot a power of 2 */
    size_t nslot;
    size_t *seen; /* words met in the article being tokenized */
    size_t nseen;
    int col, dl;             /* column being tokenized, tokens so far */
    struct toplist_hot *hot; /* toplist_hot.h; NULL: out of memory */
    int hot_now;             /* the article being tokenized is sampled */
};

static sqlite3_stmt *
toplist_stmt(struct db_conn *c, enum toplist_stmt which, char *err,
             size_t errlen)
{
    return db_stmt(c, DB_OWN_TOPLIST, which, TOPLIST_STMT_COUNT,
                   toplist_sql[which], err, errlen);
}

static int
toplist_bind_term(sqlite3_stmt *stmt, const char *term, size_t len)
{
    return db_bind(stmt, 1, (struct carid_str){term, len});
}

/* A non-negative integer from the environment, or dflt. */
static int64_t
toplist_env_int(const char *name, int64_t dflt)
{
    const char *v = getenv(name);
    char *end;
    long long n;

    if (v == NULL || *v == '\0') return dflt;
    n = strtoll(v, &end, 10);
    return *end == '\0' && n >= 0 ? (int64_t)n : dflt;
}

struct toplist_shared *
toplist_shared_new(void)
{
    struct toplist_shared *s = calloc(1, sizeof *s);

    if (s == NULL) return NULL;
    pthread_mutex_init(&s->want_mu, NULL);
    s->min_df = toplist_env_int(TOPLIST_MIN_DF_ENV, TOPLIST_MIN_DF);
    return s;
}

void
toplist_shared_free(struct toplist_shared *s)
{
    if (s == NULL) return;
    pthread_mutex_destroy(&s->want_mu);
    free(s);
}

static void
toplist_clear(struct toplist *t)
{
    size_t i;

    for (i = 0; i < t->nword; i++)
        free(t->word[i].term);
    free(t->word);
    free(t->seen);
    free(t->slot);
    t->word = NULL;
    t->seen = NULL;
    t->slot = NULL;
    t->nword = t->npost = t->nseen = t->nslot = 0;
    t->avgdl = 0;
    t->loaded = 0;
}

void
toplist_free(struct toplist *t)
{
    if (t == NULL) return;
    toplist_clear(t);
    toplist_hot_free(t->hot);
    free(t->post);
    free(t);
}

void
toplist_forget(struct db_conn *c)
{
    if (c->top != NULL) {
        toplist_clear(c->top);
        toplist_hot_forget(c->top->hot);
    }
}

int
toplist_avgdl(struct db_conn *c, double *avgdl, char *err, size_t errlen)
{
    sqlite3_stmt *stmt;
    int rc;

    *avgdl = 0;
    stmt = toplist_stmt(c, TOPLIST_AVGDL_GET, err, errlen);
    if (stmt == NULL) return -1;
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) *avgdl = sqlite3_column_double(stmt, 0);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        db_fail_rc(c, rc, "avgdl", err, errlen);
    db_done(stmt);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

/*
 * Every token of a noted article is looked up among the listed words, so
 * the lookup is a hash probe (one memcmp when found), not a binary search
 * (a dozen memcmps, 11 % of the writer after OPTIMIZE).
 */
static int
toplist_hash(struct toplist *t)
{
    size_t i, h;

    t->nslot = 64;
    while (t->nslot < 2 * t->nword)
        t->nslot *= 2;
    t->slot = calloc(t->nslot, sizeof *t->slot);
    if (t->slot == NULL) return -1;
    for (i = 0; i < t->nword; i++) {
        h = dict_hash(t->word[i].term, t->word[i].len) & (t->nslot - 1);
        while (t->slot[h] != 0)
            h = (h + 1) & (t->nslot - 1);
        t->slot[h] = (uint32_t)(i + 1);
    }
    return 0;
}

/* Reads terms into t->word and hashes them. */
static int
toplist_load(struct db_conn *c, struct toplist *t, char *err, size_t errlen)
{
    sqlite3_stmt *stmt;
    struct toplist_word *w;
    size_t cap = 0;
    int rc;

    if (toplist_avgdl(c, &t->avgdl, err, errlen) != 0) return -1;
    if (t->avgdl <= 0) return 0;
    stmt = toplist_stmt(c, TOPLIST_TERMS, err, errlen);
    if (stmt == NULL) return -1;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        if (t->nword == cap) {
            cap = cap ? cap * 2 : 1024;
            w = realloc(t->word, cap * sizeof *w);
            if (w == NULL) break;
            t->word = w;
        }
        w = &t->word[t->nword];
        memset(w, 0, sizeof *w);
        w->len = (size_t)sqlite3_column_bytes(stmt, 0);
        w->term = malloc(w->len + 1);
        if (w->term == NULL) break;
        memcpy(w->term, sqlite3_column_text(stmt, 0), w->len);
        w->df = sqlite3_column_int64(stmt, 1);
        t->nword++;
    }
    db_done(stmt);
    if (rc == SQLITE_ROW) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (rc != SQLITE_DONE) return db_fail_rc(c, rc, "terms", err, errlen);
    t->seen = malloc((t->nword ? t->nword : 1) * sizeof *t->seen);
    if (t->seen == NULL || toplist_hash(t) != 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

int
toplist_begin(struct db_conn *c, char *err, size_t errlen)
{
    struct toplist *t = c->top;

    if (t == NULL) {
        if ((t = c->top = calloc(1, sizeof *t)) == NULL) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        t->hot = toplist_hot_new(); /* NULL: no word found by the writer */
    }
    if (t->loaded) return 0;
    toplist_clear(t);
    if (toplist_load(c, t, err, errlen) != 0) {
        toplist_clear(t);
        return -1;
    }
    t->loaded = 1;
    return 0;
}

static struct toplist_word *
toplist_find(struct toplist *t, const char *term, size_t len)
{
    size_t h;

    if (t->nslot == 0) return NULL;
    h = dict_hash(term, len) & (t->nslot - 1);
    for (; t->slot[h] != 0; h = (h + 1) & (t->nslot - 1)) {
        struct toplist_word *w = &t->word[t->slot[h] - 1];

        if (w->len == len && memcmp(w->term, term, len) == 0) return w;
    }
    return NULL;
}

/* Counts one token of the article being noted (tokenizer_emit_fn). */
static int
toplist_token(void *ctx, const char *token, size_t token_len, const char *stem,
              size_t stem_len, size_t start, size_t end)
{
    struct toplist *t = ctx;
    struct toplist_word *w;

    (void)token;
    (void)token_len;
    (void)start;
    (void)end;
    t->dl++; /* FTS5 counts every token it is given */
    if ((w = toplist_find(t, stem, stem_len)) == NULL) {
        if (t->hot_now) toplist_hot_word(t->hot, stem, stem_len);
        return 0;
    }
    if (w->tf_title == 0 && w->tf_body == 0)
        t->seen[t->nseen++] = (size_t)(w - t->word);
    if (t->col == 0)
        w->tf_title++;
    else
        w->tf_body++;
    return 0;
}

/* Feeds one column's tokens to toplist_token(): replayed when recorded. */
static int
toplist_column(struct db_conn *c, struct toplist *t, struct carid_str text,
               const struct tokens *rec, char *err, size_t errlen)
{
    struct tokenizer *tok;

    if (rec != NULL && rec->text != NULL && rec->text_len == text.len)
        return tokens_replay(rec, toplist_token, t);
    if (text.len == 0) return 0;
    if ((tok = db_tokenizer(c, err, errlen)) == NULL) return -1;
    return tokenizer_run(tok, text.p, text.len, toplist_token, t);
}

int
toplist_doc(struct db_conn *c, int sign, int64_t docid, struct carid_str title,
            struct carid_str body, const struct tokens *rec, char *err,
            size_t errlen)
{
    struct toplist *t = c->top;
    struct toplist_post *p;
    struct toplist_word *w;
    size_t i;
    int rc = 0;

    if (t == NULL || !t->loaded) {
        /* a write outside store_begin(), or a reload that failed */
        snprintf(err, errlen, "frequent words are not loaded");
        return -1;
    }
    /* a put may be sampled for the words that become frequent */
    t->hot_now = sign > 0 && t->avgdl > 0 && toplist_hot_article(t->hot);
    if (t->nword == 0 && !t->hot_now) return 0;
    t->dl = 0;
    t->nseen = 0;
    t->col = 0;
    rc = toplist_column(c, t, title, rec != NULL ? &rec[0] : NULL, err, errlen);
    t->col = 1;
    if (rc == 0)
        rc = toplist_column(c, t, body, rec != NULL ? &rec[1] : NULL, err,
                            errlen);
    if (rc == 0 && t->npost + t->nseen > t->cap) {
        size_t cap = t->cap ? t->cap : 4096;

        while (cap < t->npost + t->nseen)
            cap *= 2;
        p = realloc(t->post, cap * sizeof *p);
        if (p == NULL)
            rc = TOKENIZER_NOMEM;
        else {
            t->post = p;
            t->cap = cap;
        }
    }
    for (i = 0; i < t->nseen; i++) {
        w = &t->word[t->seen[i]];
        if (rc == 0) {
            p = &t->post[t->npost++];
            p->word = t->seen[i];
            p->sign = sign;
            p->e.docid = docid;
            p->e.tf_title = w->tf_title;
            p->e.tf_body = w->tf_body;
            p->e.dl = t->dl;
        }
        w->tf_title = w->tf_body = 0;
    }
    t->nseen = 0;
    if (rc != 0) snprintf(err, errlen, "out of memory");
    return rc == 0 ? 0 : -1;
}

int
toplist_noted(struct db_conn *c, toplist_noted_fn *fn, void *ctx)
{
    struct toplist *t = c->top;
    size_t i;
    int rc = 0;

    for (i = 0; t != NULL && rc == 0 && i < t->npost; i++) {
        const struct toplist_word *w = &t->word[t->post[i].word];

        rc = fn(ctx, t->post[i].word, w->term, w->len, t->post[i].sign,
                &t->post[i].e);
    }
    return rc;
}

/* Applies one noted article to its word's count. */
static void
toplist_apply(struct toplist_word *w, const struct toplist_post *p)
{
    w->df += p->sign;
    w->dirty = 1;
}

static int
toplist_save(struct db_conn *c, struct toplist_word *w, char *err,
             size_t errlen)
{
    sqlite3_stmt *stmt = toplist_stmt(c, TOPLIST_TERM_SET, err, errlen);
    int rc;

    if (stmt == NULL) return -1;
    rc = toplist_bind_term(stmt, w->term, w->len);
    if (rc == SQLITE_OK) rc = sqlite3_bind_int64(stmt, 2, w->df);
    if (rc == SQLITE_OK) rc = sqlite3_step(stmt);
    db_done(stmt);
    w->dirty = 0;
    return rc == SQLITE_DONE ? 0 : db_fail_rc(c, rc, "terms", err, errlen);
}

int
toplist_commit(struct db_conn *c, char *err, size_t errlen)
{
    struct toplist *t = c->top;
    size_t i;
    int rc = 0;

    if (t == NULL) return 0;
    for (i = 0; i < t->npost; i++)
        toplist_apply(&t->word[t->post[i].word], &t->post[i]);
    for (i = 0; rc == 0 && i < t->nword; i++)
        if (t->word[i].dirty) rc = toplist_save(c, &t->word[i], err, errlen);
    t->npost = 0;
    if (rc != 0) {
        toplist_clear(t); /* the caller rolls back */
        toplist_hot_forget(t->hot);
        return rc;
    }
    if (t->hot != NULL) {
        int64_t ndocs;
        char ignored[128];

        /* the candidates are hints: a count not read finds none */
        if (toplist_averages(c, &ndocs, NULL, ignored, sizeof ignored) != 0)
            ndocs = 0;
        toplist_hot_commit(t->hot, ndocs, c->index->top->min_df);
    }
    return 0;
}

/* a word the writer finds frequent fits the want queue */
_Static_assert(TOPLIST_HOT_WORD <= TOPLIST_WANT_WORD, "hot word too long");

int
toplist_check_hot(struct db_conn *c, int64_t budget_usec)
{
    struct toplist_hot *h = c->top != NULL ? c->top->hot : NULL;
    char term[TOPLIST_HOT_WORD];
    int64_t t0 = db_now_usec();
    size_t len;
    int busy = 0;

    while ((busy == 0 || db_now_usec() - t0 < budget_usec) &&
           toplist_hot_check(c, h, c->index->top->min_df))
        busy = 1;
    /* a word found waits in the want queue, as a search's would */
    while (toplist_wanted(c->index) < TOPLIST_WANT_MAX &&
           toplist_hot_take(
               h, db_now_usec(),
               __atomic_load_n(&c->index->engine_merges, __ATOMIC_RELAXED),
               term, &len)) {
        toplist_want(c->index, term, len);
        busy = 1;
    }
    return busy;
}

/* ---------------------------------------------------------- readers */

int
toplist_info(struct db_conn *c, const char *term, size_t len,
             struct toplist_info *info, char *err, size_t errlen)
{
    sqlite3_stmt *stmt;
    int rc;

    memset(info, 0, sizeof *info);
    if (toplist_avgdl(c, &info->avgdl, err, errlen) != 0) return -1;
    if (info->avgdl <= 0) return 0;
    stmt = toplist_stmt(c, TOPLIST_TERM_INFO, err, errlen);
    if (stmt == NULL) return -1;
    rc = toplist_bind_term(stmt, term, len);
    if (rc == SQLITE_OK) rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) info->df = sqlite3_column_int64(stmt, 0);
    db_done(stmt);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return db_fail_rc(c, rc, "terms", err, errlen);
    if (rc == SQLITE_DONE) return 0;
    if (toplist_averages(c, &info->ndocs, NULL, err, errlen) != 0) return -1;
    return 1;
}

int
toplist_averages(struct db_conn *c, int64_t *ndocs, int64_t *ntok, char *err,
                 size_t errlen)
{
    const unsigned char *p;
    sqlite3_stmt *stmt;
    uint64_t v;
    size_t n, i = 0;
    int rc;

    *ndocs = 0;
    if (ntok != NULL) *ntok = 0;
    stmt = toplist_stmt(c, TOPLIST_AVERAGES, err, errlen);
    if (stmt == NULL) return -1;
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        p = sqlite3_column_blob(stmt, 0);
        n = (size_t)sqlite3_column_bytes(stmt, 0);
        if (p != NULL && db_varint(p, n, &i, &v)) *ndocs = (int64_t)v;
        if (p != NULL && ntok != NULL) *ntok = db_varint_sum(p + i, n - i);
    }
    db_done(stmt);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return db_fail_rc(c, rc, "averages", err, errlen);
    return 0;
}

int
toplist_stats(struct db_conn *c, carid_stat_fn *fn, void *ctx, char *err,
              size_t errlen)
{
    int64_t words;

    words = db_scalar(c, toplist_stmt(c, TOPLIST_TERM_COUNT, err, errlen),
                      "stats", err, errlen);
    if (words < 0) return -1;
    return fn(ctx, "toplist_words", words) ? 1 : 0;
}
