/*
 * spell.c - see spell.h.  The vocabulary a reader keeps is one string
 * pool, an entry per stem (offset, length, articles) and an open-addressing
 * table of entry numbers; the ~500 candidates of a word are each stemmed
 * and looked up there, so that only the typed word and the chosen fix
 * reach FTS5.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "edits.h"
#include "spell.h"
#include "stem.h"
#include "tokenizer.h"
#include "toplist.h"

/* fts5vocab over fts, made on a reader when it first reads from FTS5
 * (readers are query_only, which also forbids temp tables). */
#define SPELL_VOCAB                                                            \
    "CREATE VIRTUAL TABLE IF NOT EXISTS temp.spell_vocab"                      \
    " USING fts5vocab(main, fts, 'row')"

enum spell_stmt {
    SPELL_GENS,  /* meta's spell_gen and gen */
    SPELL_TABLE, /* the vocabulary OPTIMIZE wrote */
    SPELL_SCAN,  /* the vocabulary read from FTS5 */
    SPELL_COUNT, /* articles of one quoted word, up to ?2 */
    SPELL_CLEAR,
    SPELL_ADD,
    SPELL_DONE,
    SPELL_STMT_COUNT
};

static const char *const spell_sql[SPELL_STMT_COUNT] = {
    [SPELL_GENS] = "SELECT (SELECT value FROM meta WHERE key = 'spell_gen'),"
                   " (SELECT value FROM meta WHERE key = 'gen')",
    [SPELL_TABLE] = "SELECT term, df FROM spell_words",
    [SPELL_SCAN] = "SELECT term, doc FROM temp.spell_vocab WHERE doc >= ?1",
    [SPELL_COUNT] = "SELECT count(*) FROM"
                    " (SELECT 1 FROM fts WHERE fts MATCH ?1 LIMIT ?2)",
    [SPELL_CLEAR] = "DELETE FROM spell_words",
    [SPELL_ADD] = "INSERT INTO spell_words(term, df) VALUES (?1, ?2)",
    /* every OPTIMIZE a new generation: readers read the table again */
    [SPELL_DONE] = "INSERT INTO meta(key, value) VALUES ('spell_gen', 1)"
                   " ON CONFLICT(key) DO UPDATE SET value = value + 1",
};

struct spell_entry {
    uint32_t off, len; /* the stem in the pool */
    int64_t df;        /* articles holding it */
};

struct spell_vocab {
    int table;       /* read from spell_words (else from FTS5) */
    int64_t gen;     /* spell_gen (table) or gen (FTS5) it was read at */
    int64_t read_at; /* CLOCK_MONOTONIC microseconds */
    char *pool;
    size_t npool, poolcap;
    struct spell_entry *e;
    uint32_t n, cap;
    uint32_t *slot; /* entry + 1, 0 empty; mask + 1 slots */
    uint32_t mask;
};

static sqlite3_stmt *
spell_stmt(struct db_conn *c, enum spell_stmt which, char *err, size_t errlen)
{
    return db_stmt(c, DB_OWN_SPELL, which, SPELL_STMT_COUNT, spell_sql[which],
                   err, errlen);
}

/* FNV-1a: the vocabulary is the index's own words, not hostile keys. */
static uint32_t
spell_hash(const char *w, size_t n)
{
    uint32_t h = 2166136261u;

    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)w[i]) * 16777619u;
    return h;
}

void
spell_vocab_free(struct spell_vocab *v)
{
    if (v == NULL) return;
    free(v->pool);
    free(v->e);
    free(v->slot);
    free(v);
}

/* Articles holding stem s[0..n) by the vocabulary; 0 if not in it. */
static int64_t
spell_df(const struct spell_vocab *v, const char *s, size_t n)
{
    uint32_t i = spell_hash(s, n) & v->mask, k;

    while ((k = v->slot[i]) != 0) {
        const struct spell_entry *e = &v->e[k - 1];

        if (e->len == n && memcmp(v->pool + e->off, s, n) == 0) return e->df;
        i = (i + 1) & v->mask;
    }
    return 0;
}

/* Appends one stem; -1 when out of memory. */
static int
spell_add(struct spell_vocab *v, const char *s, size_t n, int64_t df)
{
    if (n > TOKENIZER_MAX_TOKEN || v->n == UINT32_MAX / 4) return 0;
    if (v->n == v->cap) {
        uint32_t cap = v->cap == 0 ? 1024 : v->cap * 2;
        struct spell_entry *e = realloc(v->e, cap * sizeof *e);

        if (e == NULL) return -1;
        v->e = e;
        v->cap = cap;
    }
    if (v->npool + n > v->poolcap) {
        size_t cap = v->poolcap == 0 ? 16384 : v->poolcap * 2;
        char *p;

        while (cap < v->npool + n)
            cap *= 2;
        if ((p = realloc(v->pool, cap)) == NULL) return -1;
        v->pool = p;
        v->poolcap = cap;
    }
    memcpy(v->pool + v->npool, s, n);
    v->e[v->n++] = (struct spell_entry){(uint32_t)v->npool, (uint32_t)n, df};
    v->npool += n;
    return 0;
}

/* The table of entry numbers, twice the entries or more; -1 no memory. */
static int
spell_index(struct spell_vocab *v)
{
    uint32_t size = 1024, i, j;

    while (size < 2 * v->n)
        size *= 2;
    v->slot = calloc(size, sizeof *v->slot);
    if (v->slot == NULL) return -1;
    v->mask = size - 1;
    for (i = 0; i < v->n; i++) {
        j = spell_hash(v->pool + v->e[i].off, v->e[i].len) & v->mask;
        while (v->slot[j] != 0)
            j = (j + 1) & v->mask;
        v->slot[j] = i + 1;
    }
    return 0;
}

/* The statement that reads the vocabulary from FTS5, its table made. */
static sqlite3_stmt *
spell_scan_stmt(struct db_conn *c, char *err, size_t errlen)
{
    sqlite3_stmt **slot;
    int rc;

    slot = db_slot(c, DB_OWN_SPELL, SPELL_SCAN, SPELL_STMT_COUNT, err, errlen);
    if (slot == NULL) return NULL;
    if (*slot != NULL) return *slot;
    rc = sqlite3_exec(c->db, "PRAGMA query_only=0", NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(c->db, SPELL_VOCAB, NULL, NULL, NULL);
    if (rc != SQLITE_OK) db_fail(c, "spelling", err, errlen);
    if (!c->writer)
        sqlite3_exec(c->db, "PRAGMA query_only=1", NULL, NULL, NULL);
    if (rc != SQLITE_OK) return NULL;
    return db_prepare(c, slot, spell_sql[SPELL_SCAN], err, errlen);
}

/* Reads the vocabulary into a new *out (table: spell_words, else FTS5);
 * 0 or -1 with err set. */
static int
spell_read(struct db_conn *c, int table, int64_t gen, struct spell_vocab **out,
           char *err, size_t errlen)
{
    struct spell_vocab *v = calloc(1, sizeof *v);
    sqlite3_stmt *stmt;
    int rc = SQLITE_OK;

    if (v == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    v->table = table;
    v->gen = gen;
    v->read_at = db_now_usec();
    stmt = table ? spell_stmt(c, SPELL_TABLE, err, errlen)
                 : spell_scan_stmt(c, err, errlen);
    if (stmt == NULL) {
        spell_vocab_free(v);
        return -1;
    }
    if (!table) rc = sqlite3_bind_int64(stmt, 1, SPELL_MIN_DF);
    while (rc == SQLITE_OK && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        struct carid_str t = db_column(stmt, 0);

        rc = SQLITE_OK;
        if (t.p != NULL &&
            spell_add(v, t.p, t.len, sqlite3_column_int64(stmt, 1)) != 0)
            rc = SQLITE_NOMEM;
    }
    db_done(stmt);
    if (rc == SQLITE_DONE && spell_index(v) != 0) rc = SQLITE_NOMEM;
    if (rc != SQLITE_DONE) {
        spell_vocab_free(v);
        if (rc == SQLITE_NOMEM) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        return db_fail_rc(c, rc, "spelling", err, errlen);
    }
    *out = v;
    return 0;
}

/* The reader's vocabulary, read or read again when stale: 1 with *out, 0
 * when there is none to have (a large index not optimized), -1 on error. */
static int
spell_vocab(struct db_conn *c, struct spell_vocab **out, char *err,
            size_t errlen)
{
    struct spell_vocab *v = c->spell, *fresh = NULL;
    sqlite3_stmt *stmt = spell_stmt(c, SPELL_GENS, err, errlen);
    int64_t spell_gen = 0, gen = 0, ndocs = 0;
    int rc, table;

    if (stmt == NULL) return -1;
    rc = sqlite3_step(stmt);
    table = rc == SQLITE_ROW && sqlite3_column_type(stmt, 0) != SQLITE_NULL;
    if (rc == SQLITE_ROW) {
        spell_gen = sqlite3_column_int64(stmt, 0);
        gen = sqlite3_column_int64(stmt, 1);
    }
    db_done(stmt);
    if (rc != SQLITE_ROW) return db_fail_rc(c, rc, "spelling", err, errlen);
    if (v != NULL && v->table == table &&
        (table ? v->gen == spell_gen
               : v->gen == gen ||
                     db_now_usec() - v->read_at < SPELL_RESCAN_SEC * 1000000)) {
        *out = v;
        return 1;
    }
    if (!table) {
        if (toplist_averages(c, &ndocs, NULL, err, errlen) != 0) return -1;
        if (ndocs > SPELL_SCAN_MAX) { /* OPTIMIZE makes the table */
            spell_vocab_free(c->spell);
            c->spell = NULL;
            return 0;
        }
    }
    if (spell_read(c, table, table ? spell_gen : gen, &fresh, err, errlen) != 0)
        return -1;
    spell_vocab_free(c->spell);
    c->spell = fresh;
    *out = fresh;
    return 1;
}

/* Articles FTS5 finds for the a-z word w[0..n), counted up to limit. */
static int64_t
spell_count(struct db_conn *c, const char *w, size_t n, int64_t limit,
            char *err, size_t errlen)
{
    char quoted[EDITS_MAX_WORD + 4];
    sqlite3_stmt *stmt = spell_stmt(c, SPELL_COUNT, err, errlen);
    int rc;

    if (stmt == NULL) return -1;
    snprintf(quoted, sizeof quoted, "\"%.*s\"", (int)n, w);
    rc = sqlite3_bind_text(stmt, 1, quoted, -1, SQLITE_TRANSIENT);
    if (rc == SQLITE_OK) rc = sqlite3_bind_int64(stmt, 2, limit);
    if (rc != SQLITE_OK) {
        db_done(stmt);
        return db_fail_rc(c, rc, "spelling", err, errlen);
    }
    return db_scalar(c, stmt, "spelling", err, errlen);
}

/* One word's token and stem, through the index's tokenizer. */
struct spell_word {
    char stem[TOKENIZER_MAX_TOKEN];
    size_t len;
    int stop;   /* the token is a stopword */
    int tokens; /* how many the text made */
};

static int
spell_word_cb(void *ctx, const char *token, size_t token_len, const char *stem,
              size_t stem_len, size_t start, size_t end)
{
    struct spell_word *w = ctx;

    (void)start;
    (void)end;
    if (++w->tokens > 1 || stem_len > sizeof w->stem) return 1;
    memcpy(w->stem, stem, stem_len);
    w->len = stem_len;
    w->stop = stem_is_stopword(token, token_len);
    return 0;
}

/* 0 with w filled if text[0..n) is one token; -1 if not, or no memory. */
static int
spell_stem(struct tokenizer *t, const char *text, size_t n,
           struct spell_word *w)
{
    w->tokens = 0;
    w->len = 0;
    return tokenizer_run(t, text, n, spell_word_cb, w) == 0 && w->tokens == 1
               ? 0
               : -1;
}

/* One fix kept: the word, its stem's articles, whether it is its own
 * stem. */
struct spell_pick {
    char w[EDITS_MAX_WORD + 1];
    size_t n;
    char stem[TOKENIZER_MAX_TOKEN];
    size_t stem_len;
    int64_t df;
    int root;
};

/* The search for the best candidates (edits_one()'s context). */
struct spell_search {
    struct tokenizer *t;
    const struct spell_vocab *v;
    const struct spell_word *typed;
    int64_t need; /* the fewest articles a fix may have */
    struct spell_pick pick[SPELL_MAX_FIXES]; /* most articles first */
    int npick;
};

/* Whether a beats b as the word of one stem: a word that is its own stem
 * (harga, not hargai), else the longer (kejaksaan, not kejaksa: a letter
 * left out is the commonest slip); else the first. */
static int
spell_better_word(int root, size_t n, const struct spell_pick *b)
{
    return root > b->root || (root == b->root && n > b->n);
}

static int
spell_candidate(void *ctx, const char *w, size_t n)
{
    struct spell_search *s = ctx;
    struct spell_word c;
    struct spell_pick *p;
    int64_t df;
    int root, i;

    if (spell_stem(s->t, w, n, &c) != 0 || c.stop ||
        (c.len == s->typed->len && memcmp(c.stem, s->typed->stem, c.len) == 0))
        return 0;
    df = spell_df(s->v, c.stem, c.len);
    if (df < s->need) return 0;
    root = c.len == n && memcmp(c.stem, w, n) == 0;
    for (i = 0; i < s->npick; i++) {
        p = &s->pick[i];
        if (p->stem_len == c.len && memcmp(p->stem, c.stem, c.len) == 0) {
            if (spell_better_word(root, n, p)) {
                memcpy(p->w, w, n);
                p->n = n;
                p->root = root;
            }
            return 0;
        }
    }
    /* a new stem: in df order (ties: the first), the last one out */
    for (i = s->npick; i > 0 && s->pick[i - 1].df < df; i--)
        ;
    if (i == SPELL_MAX_FIXES) return 0;
    if (s->npick < SPELL_MAX_FIXES) s->npick++;
    memmove(&s->pick[i + 1], &s->pick[i],
            (size_t)(s->npick - 1 - i) * sizeof s->pick[0]);
    p = &s->pick[i];
    memcpy(p->w, w, n);
    p->n = n;
    memcpy(p->stem, c.stem, c.len);
    p->stem_len = c.len;
    p->df = df;
    p->root = root;
    return 0;
}

int
spell_fix(struct db_conn *c, int rare, const char *word, size_t len, char *fix,
          size_t cap, size_t *fixlen, char *err, size_t errlen)
{
    struct spell_search s;
    struct spell_word typed;
    struct spell_vocab *v = NULL;
    int64_t df, df_typed;
    size_t at = 0;
    int rc;

    memset(&s, 0, sizeof s);
    if (len < SPELL_MIN_LETTERS || !edits_word(word, len)) return 0;
    if ((s.t = db_tokenizer(c, err, errlen)) == NULL) return -1;
    if (spell_stem(s.t, word, len, &typed) != 0 || typed.stop) return 0;
    if ((rc = spell_vocab(c, &v, err, errlen)) <= 0) return rc;
    df = spell_df(v, typed.stem, typed.len);
    if (df > SPELL_RARE_DF) return 0; /* common: no statement at all */
    df = spell_count(c, word, len, SPELL_RARE_DF + 1, err, errlen);
    if (df < 0) return -1;
    if (df > SPELL_RARE_DF || (df > 0 && !rare)) return 0;
    df_typed = df;
    s.v = v;
    s.typed = &typed;
    s.need = df * SPELL_FACTOR > SPELL_MIN_DF ? df * SPELL_FACTOR
                                              : SPELL_MIN_DF;
    edits_one(word, len, spell_candidate, &s);
    for (int i = 0; i < s.npick; i++) {
        const struct spell_pick *p = &s.pick[i];

        if (at + (at > 0) + p->n > cap || p->df * SPELL_SPREAD < s.pick[0].df)
            break;
        /* the vocabulary is as of OPTIMIZE: a fix must find itself now */
        df = spell_count(c, p->w, p->n, 1, err, errlen);
        if (df < 0) return -1;
        if (df == 0) continue;
        if (at > 0) fix[at++] = ' ';
        memcpy(fix + at, p->w, p->n);
        at += p->n;
    }
    if (at == 0) return 0;
    *fixlen = at;
    return df_typed == 0 ? 2 : 1;
}

int
spell_build_clear(struct db_conn *c, char *err, size_t errlen)
{
    return db_run(c, spell_stmt(c, SPELL_CLEAR, err, errlen), "spelling", err,
                  errlen);
}

int
spell_build_word(struct db_conn *c, const char *term, size_t len, int64_t df,
                 char *err, size_t errlen)
{
    sqlite3_stmt *stmt;
    int rc;

    if (df < SPELL_MIN_DF) return 0;
    if ((stmt = spell_stmt(c, SPELL_ADD, err, errlen)) == NULL) return -1;
    rc = db_bind(stmt, 1, (struct carid_str){term, len});
    if (rc == SQLITE_OK) rc = sqlite3_bind_int64(stmt, 2, df);
    if (rc == SQLITE_OK) rc = sqlite3_step(stmt);
    db_done(stmt);
    return rc == SQLITE_DONE ? 0 : db_fail_rc(c, rc, "spelling", err, errlen);
}

int
spell_build_done(struct db_conn *c, char *err, size_t errlen)
{
    return db_run(c, spell_stmt(c, SPELL_DONE, err, errlen), "spelling", err,
                  errlen);
}
