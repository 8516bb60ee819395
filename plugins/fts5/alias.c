/*
 * alias.c - the aliases table, ALIAS ADD/DEL/LIST and the connections'
 * sets (alias.h).  The table keeps the forms as the editor wrote them (the
 * capitals of a short form decide the precision rule, alias_set.h); the
 * keys that queries are matched on are made again whenever a set is.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alias.h"
#include "alias_builtin.h"
#include "alias_learn.h"
#include "alias_set.h"
#include "qparse.h"
#include "tokenizer.h"

/* The evaluation switch (PROTOCOL.md): "learned" leaves the built-in list
 * out, "editor" the learned pairs too; for scripts/eval-search. */
#define ALIAS_ENV "CARID_FTS5_ALIASES"

/* Bytes of the words of an expansion's key, in ANALYZE. */
#define ALIAS_KEY_MAX 1024

enum {
    ALIAS_STMT_ROWS,
    ALIAS_STMT_COUNT_ALL,
    ALIAS_STMT_INSERT,
    ALIAS_STMT_DELETE,
    ALIAS_STMT_LEARN_UP,
    ALIAS_STMT_LEARN_DOWN,
    ALIAS_STMT_LEARNED,
    ALIAS_STMT_LEARN_BLOCK,
    ALIAS_STMT_LEARNED_COUNT,
    ALIAS_STMT_COUNT
};

/* A connection's set and where it stands. */
struct alias_cache {
    struct alias_set set;
    int64_t gen; /* the struct db alias_gen it was made at */
    int loaded;  /* set is made */
    int pending; /* writer: this batch changed an alias */
    int stale;   /* writer: remake the set (a rollback, a failed DEL) */
};

/* aliases: the editors'.  alias_seen: the definitions found in the
 * articles (alias_learn.h), n the articles holding one (-1: an editor
 * removed it, never learned again), key the long form in lower case. */
static const char alias_schema_sql[] =
    "CREATE TABLE IF NOT EXISTS aliases(short TEXT NOT NULL,"
    " long TEXT NOT NULL, PRIMARY KEY(short, long)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS alias_seen(short TEXT NOT NULL,"
    " key TEXT NOT NULL, long TEXT NOT NULL, n INTEGER NOT NULL,"
    " PRIMARY KEY(short, key)) WITHOUT ROWID;";

int
alias_schema(sqlite3 *db)
{
    return sqlite3_exec(db, alias_schema_sql, NULL, NULL, NULL);
}

static sqlite3_stmt *
alias_stmt(struct db_conn *c, int which, char *err, size_t errlen)
{
    static const char *const sql[ALIAS_STMT_COUNT] = {
        "SELECT short, long FROM aliases",
        "SELECT count(*) FROM aliases",
        "INSERT OR IGNORE INTO aliases(short, long) VALUES(?1, ?2)",
        "DELETE FROM aliases WHERE short = ?1 AND long = ?2",
        "INSERT INTO alias_seen(short, key, long, n) VALUES(?1, ?2, ?3, 1)"
        " ON CONFLICT(short, key) DO UPDATE SET n = n + 1 WHERE n >= 0"
        " RETURNING n",
        "UPDATE alias_seen SET n = n - 1 WHERE short = ?1 AND key = ?2"
        " AND n > 0 RETURNING n",
        "SELECT short, long FROM alias_seen WHERE n >= ?1"
        " ORDER BY n DESC, short, key LIMIT ?2",
        "UPDATE alias_seen SET n = -1 WHERE short = ?1 AND key = ?2"
        " AND n >= 0",
        "SELECT count(*) FROM alias_seen WHERE n >= ?1",
    };

    return db_stmt(c, DB_OWN_ALIAS, which, ALIAS_STMT_COUNT, sql[which], err,
                   errlen);
}

/* Adds to s the rows (short, long) of stmt as entries of kind; a row ADD
 * could not have made (a newer tokenizer) is left out.  0 or -1 with err. */
static int
alias_load_rows(struct db_conn *c, struct tokenizer *t, struct alias_set *s,
                sqlite3_stmt *stmt, int kind, char *err, size_t errlen)
{
    char skip[160];
    int rc;

    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        struct carid_str sf = db_column(stmt, 0), lf = db_column(stmt, 1);

        if (alias_set_add(s, t, sf.p, sf.len, lf.p, lf.len, kind, skip,
                          sizeof skip) != 0 &&
            strcmp(skip, "out of memory") == 0) {
            db_done(stmt);
            snprintf(err, errlen, "out of memory");
            return -1;
        }
    }
    db_done(stmt);
    return rc == SQLITE_DONE ? 0 : db_fail_rc(c, rc, "aliases", err, errlen);
}

/* Remakes s from the built-in list, the editors' table and the pairs
 * learned in ALIAS_LEARN_MIN articles or more (the most seen first); 0 or
 * -1 with err. */
static int
alias_load(struct db_conn *c, struct tokenizer *t, struct alias_set *s,
           char *err, size_t errlen)
{
    const char *only = getenv(ALIAS_ENV);
    int builtin = only == NULL || strcmp(only, "all") == 0;
    int learned = builtin || strcmp(only, "learned") == 0;
    sqlite3_stmt *stmt;

    alias_set_free(s);
    for (int i = 0; builtin && i < alias_builtin_count(); i++) {
        const char *sf, *lf;

        alias_builtin_at(i, &sf, &lf);
        if (alias_set_add(s, t, sf, strlen(sf), lf, strlen(lf),
                          CARID_ALIAS_BUILTIN, err, errlen) != 0 &&
            strcmp(err, "out of memory") == 0)
            return -1;
    }
    if ((stmt = alias_stmt(c, ALIAS_STMT_ROWS, err, errlen)) == NULL ||
        alias_load_rows(c, t, s, stmt, CARID_ALIAS_EDITOR, err, errlen) != 0)
        return -1;
    if (learned) {
        if ((stmt = alias_stmt(c, ALIAS_STMT_LEARNED, err, errlen)) == NULL)
            return -1;
        sqlite3_bind_int(stmt, 1, ALIAS_LEARN_MIN);
        sqlite3_bind_int(stmt, 2, ALIAS_MAX_ENTRIES);
        if (alias_load_rows(c, t, s, stmt, CARID_ALIAS_LEARNED, err, errlen) !=
            0)
            return -1;
    }
    if (alias_set_seal(s) != 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

const struct alias_set *
alias_current(struct db_conn *c, char *err, size_t errlen)
{
    int64_t gen = __atomic_load_n(&c->index->alias_gen, __ATOMIC_ACQUIRE);
    struct tokenizer *t;

    if (c->alias == NULL && (c->alias = calloc(1, sizeof *c->alias)) == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    /* the writer keeps its set in step with its own writes (ADD inserts
     * into it, DEL removes, a rollback makes it stale); readers follow
     * gen */
    if (c->alias->loaded &&
        (c->writer ? !c->alias->stale : c->alias->gen == gen))
        return &c->alias->set;
    if ((t = db_tokenizer(c, err, errlen)) == NULL) return NULL;
    c->alias->loaded = 0;
    if (alias_load(c, t, &c->alias->set, err, errlen) != 0) {
        alias_set_free(&c->alias->set);
        return NULL;
    }
    c->alias->loaded = 1;
    c->alias->stale = 0;
    c->alias->gen = gen;
    return &c->alias->set;
}

/* The entries of s with short_key sk and, if lk is not NULL, long_key lk. */
static int
alias_find(const struct alias_set *s, const char *sk, const char *lk,
           int *first)
{
    int n = alias_set_by_short(s, sk, strlen(sk), first), m = 0;

    if (lk == NULL) return n;
    for (int i = *first; i < *first + n; i++) {
        if (strcmp(s->e[i].long_key, lk) == 0) {
            *first = i;
            m = 1;
            break;
        }
    }
    return m;
}

int
alias_add(struct db_conn *c, struct carid_str short_form,
          struct carid_str long_form, int64_t *changed, char *err,
          size_t errlen)
{
    const struct alias_set *s;
    sqlite3_stmt *stmt;
    struct tokenizer *t;
    char *sk = NULL, *lk = NULL;
    int64_t total;
    int first, words, rc = -1;

    *changed = 0;
    if (db_refused(c->index, err, errlen) != 0) return -1;
    if ((t = db_tokenizer(c, err, errlen)) == NULL ||
        alias_set_keys(t, short_form.p, short_form.len, long_form.p,
                       long_form.len, &sk, &lk, &words, err, errlen) != 0 ||
        (s = alias_current(c, err, errlen)) == NULL)
        goto out;
    if (alias_find(s, sk, lk, &first) > 0) { /* there already */
        rc = 0;
        goto out;
    }
    if (alias_find(s, sk, NULL, &first) >= ALIAS_MAX_PER_SHORT) {
        snprintf(err, errlen,
                 "alias short form has %d long forms already (max)",
                 ALIAS_MAX_PER_SHORT);
        goto out;
    }
    total = db_scalar(c, alias_stmt(c, ALIAS_STMT_COUNT_ALL, err, errlen),
                      "aliases", err, errlen);
    if (total < 0) goto out;
    if (total >= ALIAS_MAX_ENTRIES) {
        snprintf(err, errlen, "%d aliases already (max): ALIAS DEL some first",
                 ALIAS_MAX_ENTRIES);
        goto out;
    }
    if ((stmt = alias_stmt(c, ALIAS_STMT_INSERT, err, errlen)) == NULL)
        goto out;
    db_bind(stmt, 1, short_form);
    db_bind(stmt, 2, long_form);
    if (db_run(c, stmt, "alias add", err, errlen) == 0) {
        *changed = sqlite3_changes(c->db);
        c->alias->pending = 1;
        if (alias_set_insert(&c->alias->set, t, short_form.p, short_form.len,
                             long_form.p, long_form.len, err, errlen) != 0)
            c->alias->stale = 1; /* out of memory: remade next time */
        rc = 0;
    }
out:
    free(sk);
    free(lk);
    return rc;
}

/* Deletes the editor's row (sf, lf) and blocks a learned one; 1 if either
 * was there, 0 if neither, -1 with err. */
static int
alias_del_rows(struct db_conn *c, struct carid_str sf, struct carid_str lf,
               char *err, size_t errlen)
{
    char key[ALIAS_MAX_LONG + 1];
    struct carid_str k = {key, alias_learn_key(lf.p, lf.len, key, sizeof key)};
    sqlite3_stmt *stmt;
    int n;

    if ((stmt = alias_stmt(c, ALIAS_STMT_DELETE, err, errlen)) == NULL)
        return -1;
    db_bind(stmt, 1, sf);
    db_bind(stmt, 2, lf);
    if (db_run(c, stmt, "alias del", err, errlen) != 0) return -1;
    n = sqlite3_changes(c->db);
    if ((stmt = alias_stmt(c, ALIAS_STMT_LEARN_BLOCK, err, errlen)) == NULL)
        return -1;
    db_bind(stmt, 1, sf);
    db_bind(stmt, 2, k);
    if (db_run(c, stmt, "alias del", err, errlen) != 0) return -1;
    return n + sqlite3_changes(c->db) > 0;
}

/* alias_learn_text()'s count of one pair. */
struct alias_learning {
    struct db_conn *c;
    int delta;
    char *err;
    size_t errlen;
    int failed;
};

static int
alias_learn_one(void *ctx, const char *short_form, const char *long_form)
{
    struct alias_learning *l = ctx;
    struct carid_str sf = {short_form, strlen(short_form)};
    struct carid_str lf = {long_form, strlen(long_form)};
    char key[ALIAS_MAX_LONG + 1];
    struct carid_str k = {key, alias_learn_key(lf.p, lf.len, key, sizeof key)};
    sqlite3_stmt *stmt;
    int rc, n = -1;

    stmt = alias_stmt(
        l->c, l->delta > 0 ? ALIAS_STMT_LEARN_UP : ALIAS_STMT_LEARN_DOWN,
        l->err, l->errlen);
    if (stmt == NULL) return l->failed = 1;
    db_bind(stmt, 1, sf);
    db_bind(stmt, 2, k);
    if (l->delta > 0) db_bind(stmt, 3, lf);
    if ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        n = sqlite3_column_int(stmt, 0);
        rc = sqlite3_step(stmt);
    }
    db_done(stmt);
    if (rc != SQLITE_DONE) {
        db_fail_rc(l->c, rc, "alias learning", l->err, l->errlen);
        return l->failed = 1;
    }
    /* the pair became an alias, or stopped being one: sets are remade */
    if (n == (l->delta > 0 ? ALIAS_LEARN_MIN : ALIAS_LEARN_MIN - 1))
        l->c->alias->stale = l->c->alias->pending = 1;
    return 0;
}

int
alias_learn_text(struct db_conn *c, struct carid_str text, int delta, char *err,
                 size_t errlen)
{
    struct alias_learning l = {c, delta, err, errlen, 0};

    if (text.p == NULL || memchr(text.p, '(', text.len) == NULL) return 0;
    if (c->alias == NULL && (c->alias = calloc(1, sizeof *c->alias)) == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    alias_learn_scan(text.p, text.len, alias_learn_one, &l);
    return l.failed ? -1 : 0;
}

int
alias_stats(struct db_conn *c, carid_stat_fn *fn, void *ctx, char *err,
            size_t errlen)
{
    sqlite3_stmt *stmt = alias_stmt(c, ALIAS_STMT_LEARNED_COUNT, err, errlen);
    int64_t n;

    if (stmt != NULL) sqlite3_bind_int(stmt, 1, ALIAS_LEARN_MIN);
    if ((n = db_scalar(c, stmt, "stats", err, errlen)) < 0) return -1;
    return fn(ctx, "aliases_learned", n) ? 1 : 0;
}

int
alias_del(struct db_conn *c, struct carid_str short_form,
          struct carid_str long_form, int64_t *changed, char *err,
          size_t errlen)
{
    const struct alias_set *s;
    struct tokenizer *t;
    char *sk = NULL, *lk = NULL;
    int first, n, words, builtin = 0, rc = -1;

    *changed = 0;
    if (db_refused(c->index, err, errlen) != 0) return -1;
    if ((t = db_tokenizer(c, err, errlen)) == NULL) return -1;
    if (long_form.p != NULL
            ? alias_set_keys(t, short_form.p, short_form.len, long_form.p,
                             long_form.len, &sk, &lk, &words, err, errlen) != 0
            : (sk = alias_set_short_key(t, short_form.p, short_form.len)) ==
                  NULL) {
        if (long_form.p == NULL)
            snprintf(err, errlen,
                     "alias short form must be one word (KPK, Jokowi)");
        goto out;
    }
    if ((s = alias_current(c, err, errlen)) == NULL) goto out;
    n = alias_find(s, sk, lk, &first);
    for (int i = first; i < first + n; i++) {
        const struct alias_entry *e = &s->e[i];
        struct carid_str a = {e->short_form, strlen(e->short_form)};
        struct carid_str b = {e->long_form, strlen(e->long_form)};

        int gone;

        if (e->kind == CARID_ALIAS_BUILTIN) {
            builtin++;
            continue;
        }
        /* the editor's row goes, and a learned pair of the same forms is
         * never learned again */
        if ((gone = alias_del_rows(c, a, b, err, errlen)) < 0) {
            /* some may be gone: the set is remade, readers told */
            c->alias->stale = c->alias->pending = 1;
            goto out;
        }
        *changed += gone;
    }
    for (int i = first + n - 1; i >= first; i--) { /* the set in step */
        if (c->alias->set.e[i].kind != CARID_ALIAS_BUILTIN)
            alias_set_remove(&c->alias->set, i);
    }
    if (*changed > 0) c->alias->pending = 1;
    if (*changed == 0 && builtin > 0) {
        snprintf(err, errlen,
                 "built-in alias%s cannot be removed (PROTOCOL.md, ALIAS)",
                 builtin > 1 ? "es" : "");
        goto out;
    }
    rc = 0;
out:
    free(sk);
    free(lk);
    return rc;
}

void
alias_rolled_back(struct db_conn *c)
{
    if (c->alias != NULL && c->alias->pending) c->alias->stale = 1;
}

void
alias_committed(struct db_conn *c)
{
    if (c->alias == NULL || !c->alias->pending) return;
    c->alias->pending = 0;
    __atomic_fetch_add(&c->index->alias_gen, 1, __ATOMIC_RELEASE);
}

int
alias_list(struct db_conn *c, struct carid_str short_form, carid_alias_fn *fn,
           void *ctx, char *err, size_t errlen)
{
    const struct alias_set *s;
    struct tokenizer *t;
    char *sk = NULL;
    int first = 0, n;

    if ((s = alias_current(c, err, errlen)) == NULL) return -1;
    n = s->n;
    if (short_form.p != NULL) {
        if ((t = db_tokenizer(c, err, errlen)) == NULL) return -1;
        if ((sk = alias_set_short_key(t, short_form.p, short_form.len)) == NULL)
            return 0;
        n = alias_set_by_short(s, sk, strlen(sk), &first);
        free(sk);
    }
    for (int i = first; i < first + n; i++) {
        const struct alias_entry *e = &s->e[i];
        struct carid_str a = {e->short_form, strlen(e->short_form)};
        struct carid_str b = {e->long_form, strlen(e->long_form)};

        if (fn(ctx, a, b, e->kind) != 0) break;
    }
    return 0;
}

int
alias_copy(sqlite3 *old, struct db_conn *w, char *err, size_t errlen)
{
    sqlite3_stmt *stmt = NULL, *ins;
    struct tokenizer *t;
    char gone[128]; /* the rollback's error: err keeps the first */
    int rc = 0, n = 0;

    /* an index made before aliases has no table: nothing to copy */
    if (sqlite3_prepare_v2(old, "SELECT short, long FROM aliases", -1, &stmt,
                           NULL) != SQLITE_OK)
        return 0;
    if ((t = db_tokenizer(w, err, errlen)) == NULL ||
        db_txn(w, DB_BEGIN, "alias copy", err, errlen) != 0) {
        sqlite3_finalize(stmt);
        return -1;
    }
    /* the rows as ADD took them; one it would refuse now is left out */
    while (rc == 0 && n < ALIAS_MAX_ENTRIES &&
           sqlite3_step(stmt) == SQLITE_ROW) {
        struct carid_str sf = db_column(stmt, 0), lf = db_column(stmt, 1);
        char *sk, *lk, skip[160];
        int words;

        if (alias_set_keys(t, sf.p, sf.len, lf.p, lf.len, &sk, &lk, &words,
                           skip, sizeof skip) != 0)
            continue;
        free(sk);
        free(lk);
        if ((ins = alias_stmt(w, ALIAS_STMT_INSERT, err, errlen)) == NULL) {
            rc = -1;
            break;
        }
        db_bind(ins, 1, sf);
        db_bind(ins, 2, lf);
        rc = db_run(w, ins, "alias copy", err, errlen);
        n++;
    }
    sqlite3_finalize(stmt);
    if (rc == 0) rc = db_txn(w, DB_COMMIT, "alias copy", err, errlen);
    if (rc != 0 && !sqlite3_get_autocommit(w->db))
        db_txn(w, DB_ROLLBACK, "alias copy", gone, sizeof gone);
    return rc;
}

void
alias_conn_free(struct db_conn *c)
{
    if (c->alias == NULL) return;
    alias_set_free(&c->alias->set);
    free(c->alias);
    c->alias = NULL;
}

/* ANALYZE's tokens, kept for the expansions after them. */
struct alias_tokens {
    carid_token_fn *fn;
    void *ctx;
    size_t (*span)[2]; /* byte offsets in the text */
    char **word;       /* folded, NUL-terminated */
    int n, cap;
    int nomem;
};

static int
alias_token_cb(void *ctx, const char *token, size_t token_len, const char *stem,
               size_t stem_len, size_t start, size_t end)
{
    struct alias_tokens *a = ctx;
    struct carid_str t = {token, token_len}, s = {stem, stem_len};

    if (a->n == a->cap) {
        int cap = a->cap > 0 ? a->cap * 2 : 64;
        size_t(*span)[2] = realloc(a->span, (size_t)cap * sizeof *span);
        char **word;

        if (span != NULL) a->span = span;
        word = span != NULL ? realloc(a->word, (size_t)cap * sizeof *word)
                            : NULL;
        if (word == NULL) {
            a->nomem = 1;
            return 1;
        }
        a->word = word;
        a->cap = cap;
    }
    if ((a->word[a->n] = strndup(token, token_len)) == NULL) {
        a->nomem = 1;
        return 1;
    }
    a->span[a->n][0] = start;
    a->span[a->n][1] = end;
    a->n++;
    return a->fn(a->ctx, t, s, start, end) != 0;
}

/* One expansion element: form as token, "alias:" key as stem. */
static int
alias_emit(struct alias_tokens *a, const char *form, const char *key,
           size_t start, size_t end)
{
    char stem[16 + ALIAS_KEY_MAX];
    struct carid_str t = {form, strlen(form)}, s;

    snprintf(stem, sizeof stem, "alias:%s", key);
    s = (struct carid_str){stem, strlen(stem)};
    return a->fn(a->ctx, t, s, start, end);
}

/* The expansions of the words from token i: the longest long form first,
 * then the word as a short form, as qparse.c makes them. */
static int
alias_expansions(const struct alias_set *s, struct alias_tokens *a,
                 const char *text, int i)
{
    char key[ALIAS_KEY_MAX];

    for (int k = s->max_words; k >= 1; k--) {
        size_t n = 0, start = a->span[i][0], end;
        int first = 0, m, emitted = 0;

        if (i + k > a->n) continue;
        end = a->span[i + k - 1][1];
        for (int j = i; j < i + k; j++) {
            size_t w = strlen(a->word[j]);

            if (n + w + 2 > sizeof key) return 0;
            if (j > i) key[n++] = ' ';
            memcpy(key + n, a->word[j], w);
            n += w;
        }
        key[n] = '\0';
        m = k == 1 ? alias_set_by_short(s, key, n, &first) : 0;
        for (int j = first; j < first + m; j++) {
            if (!alias_set_applies(&s->e[j], text + start, end - start))
                continue;
            if (alias_emit(a, s->e[j].long_key, key, start, end) != 0) return 1;
            emitted = 1;
        }
        m = alias_set_by_long(s, key, n, &first);
        for (int j = first; j < first + m; j++) {
            const struct alias_entry *e = &s->e[s->by_long[j]];

            if (e->caps && strlen(e->short_key) < QPARSE_MIN_TO_CAPS) continue;
            if (alias_emit(a, e->short_key, key, start, end) != 0) return 1;
            emitted = 1;
        }
        if (emitted) return 0;
    }
    return 0;
}

int
alias_analyze(struct db_conn *c, struct carid_str text, carid_token_fn *fn,
              void *ctx, char *err, size_t errlen)
{
    struct alias_tokens a = {fn, ctx, NULL, NULL, 0, 0, 0};
    const struct alias_set *s;
    struct tokenizer *t;
    int rc = 0, stop;

    if ((t = db_tokenizer(c, err, errlen)) == NULL) return -1;
    if (text.p == NULL) return 0;
    if ((s = alias_current(c, err, errlen)) == NULL) return -1;
    stop = tokenizer_run(t, text.p, text.len, alias_token_cb, &a);
    if (stop == TOKENIZER_NOMEM || a.nomem) {
        snprintf(err, errlen, "out of memory");
        rc = -1;
    }
    for (int i = 0; rc == 0 && stop == 0 && i < a.n; i++)
        stop = alias_expansions(s, &a, text.p, i);
    for (int i = 0; i < a.n; i++)
        free(a.word[i]);
    free(a.word);
    free(a.span);
    return rc; /* fn asking to stop is not an error */
}
