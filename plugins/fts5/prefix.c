/*
 * prefix.c - see prefix.h: FTS5's vocabulary read as a range of terms, and
 * the expansion limit checked on qparse's expression.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prefix.h"

enum prefix_stmt {
    PREFIX_RANGE, /* words in [?1, ?2), in term order, and their articles */
    PREFIX_STMT_COUNT
};

int
prefix_vocab_table(struct db_conn *c, char *err, size_t errlen)
{
    int rc = sqlite3_exec(c->db, "PRAGMA query_only=0", NULL, NULL, NULL);

    if (rc == SQLITE_OK)
        rc = sqlite3_exec(c->db,
                          "CREATE VIRTUAL TABLE IF NOT EXISTS temp.vocab"
                          " USING fts5vocab(main, fts, 'row');"
                          "CREATE VIRTUAL TABLE IF NOT EXISTS temp.vocab_inst"
                          " USING fts5vocab(main, fts, 'instance')",
                          NULL, NULL, NULL);
    if (rc != SQLITE_OK) db_fail(c, "vocabulary", err, errlen);
    if (!c->writer)
        sqlite3_exec(c->db, "PRAGMA query_only=1", NULL, NULL, NULL);
    return rc == SQLITE_OK ? 0 : -1;
}

static sqlite3_stmt *
prefix_range_stmt(struct db_conn *c, char *err, size_t errlen)
{
    sqlite3_stmt **slot;

    slot = db_slot(c, DB_OWN_PREFIX, PREFIX_RANGE, PREFIX_STMT_COUNT, err,
                   errlen);
    if (slot == NULL) return NULL;
    if (*slot == NULL && prefix_vocab_table(c, err, errlen) != 0) return NULL;
    return db_prepare(c, slot,
                      "SELECT term, doc FROM temp.vocab"
                      " WHERE term >= ?1 AND term < ?2",
                      err, errlen);
}

/* The stem of a string's first token, and how many it has. */
struct prefix_fold {
    char *stem;
    size_t *len;
    int n;
};

static int
prefix_fold_cb(void *ctx, const char *token, size_t token_len, const char *stem,
               size_t stem_len, size_t start, size_t end)
{
    struct prefix_fold *f = ctx;

    (void)token;
    (void)token_len;
    (void)start;
    (void)end;
    if (f->n++ == 0) {
        *f->len = stem_len < TOKENIZER_MAX_TOKEN ? stem_len : 0;
        memcpy(f->stem, stem, *f->len);
    }
    return 0;
}

int
prefix_stem(struct tokenizer *t, const char *s, size_t len,
            char stem[TOKENIZER_MAX_TOKEN], size_t *stem_len)
{
    /* A doubled '"' is punctuation to the tokenizer as a single one is:
     * the words are the same without unescaping. */
    struct prefix_fold f = {stem, stem_len, 0};
    int rc = tokenizer_run(t, s, len, prefix_fold_cb, &f);

    if (rc == TOKENIZER_NOMEM) return -1;
    return rc == 0 && f.n == 1 && *stem_len > 0 ? 1 : 0;
}

void
prefix_words_free(struct prefix_words *w)
{
    free(w->words);
    memset(w, 0, sizeof *w);
}

int
prefix_expand(struct db_conn *c, const char *stem, size_t len, int max,
              struct prefix_words *w, char *err, size_t errlen)
{
    char upper[TOKENIZER_MAX_TOKEN + 1];
    sqlite3_stmt *stmt;
    struct carid_str term;
    int rc;

    memset(w, 0, sizeof *w);
    if (len == 0 || len >= TOKENIZER_MAX_TOKEN) return 0;
    if (max > 0 &&
        (w->words = malloc((size_t)max * sizeof *w->words)) == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if ((stmt = prefix_range_stmt(c, err, errlen)) == NULL) {
        prefix_words_free(w);
        return -1;
    }
    /* 0xff never occurs in UTF-8: every word with the prefix sorts below */
    memcpy(upper, stem, len);
    upper[len] = (char)0xff;
    rc = sqlite3_bind_text64(stmt, 1, stem, len, SQLITE_STATIC, SQLITE_UTF8);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text64(stmt, 2, upper, len + 1, SQLITE_STATIC,
                                 SQLITE_UTF8);
    while (rc == SQLITE_OK && w->matched <= PREFIX_COUNT_MAX &&
           (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        rc = SQLITE_OK;
        term = db_column(stmt, 0);
        if (++w->matched > max || term.len >= TOKENIZER_MAX_TOKEN) continue;
        memcpy(w->words[w->n].term, term.p, term.len);
        w->words[w->n].len = term.len;
        w->words[w->n++].df = sqlite3_column_int64(stmt, 1);
    }
    if (rc != SQLITE_OK && rc != SQLITE_DONE)
        db_fail_rc(c, rc, "prefix", err, errlen);
    db_done(stmt);
    if (rc == SQLITE_OK || rc == SQLITE_DONE) return 0;
    prefix_words_free(w);
    return -1;
}

/* The end of the FTS5 string whose opening quote is at s: its closing
 * quote (a '"' not doubled), or NULL. */
static const char *
prefix_string_end(const char *s)
{
    for (s++; *s != '\0'; s++) {
        if (*s != '"') continue;
        if (s[1] != '"') return s;
        s++;
    }
    return NULL;
}

int
prefix_check(struct db_conn *c, const char *match, char *err, size_t errlen)
{
    char stem[TOKENIZER_MAX_TOKEN];
    struct prefix_words w;
    struct tokenizer *t = NULL;
    const char *s, *end, *env = getenv(PREFIX_MAX_ENV);
    long long max = PREFIX_MAX_EXPANSION;
    size_t stem_len;
    int rc;

    if (env != NULL && *env != '\0') max = strtoll(env, NULL, 10);

    for (s = strchr(match, '"'); s != NULL; s = strchr(end + 1, '"')) {
        if ((end = prefix_string_end(s)) == NULL) break;
        if (end[1] != '*') continue;
        if (t == NULL && (t = db_tokenizer(c, err, errlen)) == NULL) return -1;
        rc = prefix_stem(t, s + 1, (size_t)(end - s - 1), stem, &stem_len);
        if (rc < 0) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        if (rc == 0) continue; /* a phrase: its other words narrow it */
        if (prefix_expand(c, stem, stem_len, 0, &w, err, errlen) != 0)
            return -1;
        if (w.matched > max) {
            snprintf(err, errlen,
                     "prefix '%.*s*' matches %s%lld indexed words (at most "
                     "%lld): type more letters",
                     (int)(end - s - 1 < 64 ? end - s - 1 : 64), s + 1,
                     w.matched > PREFIX_COUNT_MAX ? "more than " : "",
                     (long long)(w.matched > PREFIX_COUNT_MAX ? PREFIX_COUNT_MAX
                                                              : w.matched),
                     max);
            return -1;
        }
    }
    return 0;
}
