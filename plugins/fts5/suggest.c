/*
 * suggest.c - see suggest.h: the index's own vocabulary (an fts5vocab
 * table over fts), read by prefix, as typed and as stemmed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "prefix.h"
#include "suggest.h"
#include "tokenizer.h"

enum suggest_stmt {
    SUGGEST_VOCAB, /* words in [?1, ?2), most articles first */
    SUGGEST_STMT_COUNT
};

/* A suggestion: an indexed word and the articles holding it. */
struct suggest_word {
    char *term;  /* malloc'd */
    size_t len;  /* bytes in term */
    int64_t doc; /* articles */
};

struct suggest_list {
    struct suggest_word *w; /* malloc'd, cap entries */
    int n, cap;
};

/* The last token of a text as the index folds and stems it. */
struct suggest_fold {
    char token[TOKENIZER_MAX_TOKEN];
    size_t token_len;
    char stem[TOKENIZER_MAX_TOKEN];
    size_t stem_len;
    int n; /* tokens seen */
};

static int
suggest_fold_cb(void *ctx, const char *token, size_t token_len,
                const char *stem, size_t stem_len, size_t start, size_t end)
{
    struct suggest_fold *f = ctx;

    (void)start;
    (void)end;
    f->token_len = token_len < sizeof f->token ? token_len : sizeof f->token;
    memcpy(f->token, token, f->token_len);
    f->stem_len = stem_len < sizeof f->stem ? stem_len : sizeof f->stem;
    memcpy(f->stem, stem, f->stem_len);
    f->n++;
    return 0;
}

/* Nonzero if searching term finds term: one token that stems to itself
 * (stemming a stem is not always idempotent). */
static int
suggest_searchable(struct tokenizer *t, const char *term, size_t len)
{
    struct suggest_fold f;

    f.n = 0;
    return tokenizer_run(t, term, len, suggest_fold_cb, &f) == 0 && f.n == 1 &&
           f.stem_len == len && memcmp(f.stem, term, len) == 0;
}

static int
suggest_word_cmp(const void *a, const void *b)
{
    const struct suggest_word *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c;

    if (x->doc != y->doc) return x->doc > y->doc ? -1 : 1;
    c = memcmp(x->term, y->term, n);
    return c != 0 ? c : (x->len > y->len) - (x->len < y->len);
}

/* The range of temp.vocab (prefix.h) SUGGEST reads. */
static sqlite3_stmt *
suggest_vocab_stmt(struct db_conn *c, char *err, size_t errlen)
{
    sqlite3_stmt **slot;

    slot = db_slot(c, DB_OWN_SUGGEST, SUGGEST_VOCAB, SUGGEST_STMT_COUNT, err,
                   errlen);
    if (slot == NULL) return NULL;
    if (*slot == NULL && prefix_vocab_table(c, err, errlen) != 0) return NULL;
    return db_prepare(c, slot,
                      "SELECT term, doc FROM temp.vocab"
                      " WHERE term >= ?1 AND term < ?2"
                      " ORDER BY doc DESC, term",
                      err, errlen);
}

/* Adds up to max searchable words starting with p[0..n) to ws. */
static int
suggest_vocab_range(struct db_conn *c, struct tokenizer *t, const char *p,
                    size_t n, int64_t max, struct suggest_list *ws, char *err,
                    size_t errlen)
{
    char upper[TOKENIZER_MAX_TOKEN + 1];
    sqlite3_stmt *stmt;
    struct carid_str term;
    int64_t added = 0;
    int rc, i;

    if ((stmt = suggest_vocab_stmt(c, err, errlen)) == NULL) return -1;
    /* 0xff never occurs in UTF-8: every word with the prefix sorts below */
    memcpy(upper, p, n);
    upper[n] = (char)0xff;
    rc = sqlite3_bind_text64(stmt, 1, p, n, SQLITE_STATIC, SQLITE_UTF8);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text64(stmt, 2, upper, n + 1, SQLITE_STATIC,
                                 SQLITE_UTF8);
    while (rc == SQLITE_OK && added < max &&
           (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        rc = SQLITE_OK;
        term = db_column(stmt, 0);
        if (!suggest_searchable(t, term.p, term.len)) continue;
        for (i = 0; i < ws->n; i++) {
            if (ws->w[i].len == term.len &&
                memcmp(ws->w[i].term, term.p, term.len) == 0)
                break;
        }
        if (i < ws->n || ws->n >= ws->cap) continue;
        ws->w[ws->n].term = malloc(term.len + 1);
        if (ws->w[ws->n].term == NULL) {
            rc = SQLITE_NOMEM;
            break;
        }
        memcpy(ws->w[ws->n].term, term.p, term.len);
        ws->w[ws->n].len = term.len;
        ws->w[ws->n++].doc = sqlite3_column_int64(stmt, 1);
        added++;
    }
    if (rc != SQLITE_OK && rc != SQLITE_DONE) {
        if (rc == SQLITE_NOMEM)
            snprintf(err, errlen, "out of memory");
        else
            db_fail(c, "suggest", err, errlen);
    }
    db_done(stmt);
    return rc == SQLITE_OK || rc == SQLITE_DONE ? 0 : -1;
}

int
suggest_words(struct db_conn *c, struct carid_str prefix, int64_t max,
              carid_term_fn *fn, void *ctx, char *err, size_t errlen)
{
    struct suggest_list ws = {NULL, 0, 0};
    struct suggest_fold f;
    struct tokenizer *t;
    int rc = 0, i;

    if (max > SUGGEST_MAX) max = SUGGEST_MAX;
    f.n = 0;
    if ((t = db_tokenizer(c, err, errlen)) == NULL) return -1;
    if (prefix.p == NULL || max <= 0 ||
        tokenizer_run(t, prefix.p, prefix.len, suggest_fold_cb, &f) != 0 ||
        f.n == 0)
        return 0; /* no word in the prefix: nothing to suggest */
    ws.cap = (int)max * 2;
    ws.w = calloc((size_t)ws.cap, sizeof *ws.w);
    if (ws.w == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    /* The prefix as typed ("ekono" finds "ekonomi"), then as stemmed
     * ("pemerin" -> "perin" finds "perintah", the stem of "pemerintah"). */
    rc = suggest_vocab_range(c, t, f.token, f.token_len, max, &ws, err, errlen);
    if (rc == 0 && (f.stem_len != f.token_len ||
                    memcmp(f.stem, f.token, f.token_len) != 0))
        rc = suggest_vocab_range(c, t, f.stem, f.stem_len, max, &ws, err,
                                 errlen);
    if (rc == 0) {
        qsort(ws.w, (size_t)ws.n, sizeof *ws.w, suggest_word_cmp);
        for (i = 0; i < ws.n && i < max; i++) {
            struct carid_str term = {ws.w[i].term, ws.w[i].len};

            if (fn(ctx, term, ws.w[i].doc) != 0) break;
        }
    }
    for (i = 0; i < ws.n; i++)
        free(ws.w[i].term);
    free(ws.w);
    return rc;
}
