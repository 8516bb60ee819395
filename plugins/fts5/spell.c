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
#include "spell_forms.h"
#include "spell_learn.h"
#include "spell_pool.h"
#include "stem.h"
#include "tokenizer.h"
#include "toplist.h"

/* fts5vocab over fts, made on a reader when it first reads from FTS5
 * (readers are query_only, which also forbids temp tables). */
#define SPELL_VOCAB                                                            \
    "CREATE VIRTUAL TABLE IF NOT EXISTS temp.spell_vocab"                      \
    " USING fts5vocab(main, fts, 'row')"

enum spell_stmt {
    SPELL_GENS,  /* meta's spell_gen, gen and spell_learn_gen */
    SPELL_TABLE, /* the vocabulary OPTIMIZE wrote */
    SPELL_NEW,   /* what the writer added since (spell_learn.h) */
    SPELL_FORMS, /* the long words as written (spell_learn.h) */
    SPELL_SCAN,  /* the vocabulary read from FTS5 */
    SPELL_COUNT, /* articles of one quoted word, up to ?2 */
    SPELL_CLEAR,
    SPELL_ADD,
    SPELL_DONE,
    SPELL_STMT_COUNT
};

static const char *const spell_sql[SPELL_STMT_COUNT] = {
    [SPELL_GENS] = "SELECT (SELECT value FROM meta WHERE key = 'spell_gen'),"
                   " (SELECT value FROM meta WHERE key = 'gen'),"
                   " (SELECT value FROM meta WHERE key = 'spell_learn_gen')",
    [SPELL_TABLE] = "SELECT term, df FROM spell_words",
    [SPELL_NEW] = "SELECT term, df FROM spell_new",
    [SPELL_FORMS] = "SELECT word, stem FROM spell_forms",
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
    int table;         /* read from spell_words (else from FTS5) */
    int64_t gen;       /* spell_gen (table; -1 none) or gen (FTS5) read at */
    int64_t learn_gen; /* spell_learn_gen it was read at */
    int64_t read_at;   /* CLOCK_MONOTONIC microseconds */
    struct spell_forms *forms; /* the long words, for distance 2 */
    int forms_read;            /* forms read (else not yet needed) */
    struct db *index;          /* whose spell_* STATS count it, or NULL */
    int64_t counted;           /* the bytes added to index->spell_bytes */
    struct spell_pool pool;
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

/* The memory v takes, its long words included. */
static int64_t
spell_vocab_bytes(const struct spell_vocab *v)
{
    return (int64_t)(sizeof *v + v->pool.cap + v->cap * sizeof *v->e +
                     ((size_t)v->mask + 1) * sizeof *v->slot +
                     spell_forms_bytes(v->forms));
}

/* Counts v in STATS (spell_bytes of all readers; spell_stems and
 * spell_forms of the last read). */
static void
spell_count_in(struct db *index, struct spell_vocab *v)
{
    int64_t bytes = spell_vocab_bytes(v);

    v->index = index;
    __atomic_fetch_add(&index->spell_bytes, bytes - v->counted,
                       __ATOMIC_RELAXED);
    v->counted = bytes;
    __atomic_store_n(&index->spell_stems, (int64_t)v->n, __ATOMIC_RELAXED);
    if (v->forms_read)
        __atomic_store_n(&index->spell_forms,
                         (int64_t)spell_forms_count(v->forms),
                         __ATOMIC_RELAXED);
}

void
spell_vocab_free(struct spell_vocab *v)
{
    if (v == NULL) return;
    if (v->index != NULL)
        __atomic_fetch_sub(&v->index->spell_bytes, v->counted,
                           __ATOMIC_RELAXED);
    spell_pool_free(&v->pool);
    free(v->e);
    free(v->slot);
    spell_forms_free(v->forms);
    free(v);
}

/* The entry of stem s[0..n) in the vocabulary, or NULL. */
static struct spell_entry *
spell_find(const struct spell_vocab *v, const char *s, size_t n)
{
    uint32_t i = spell_pool_hash(s, n) & v->mask, k;

    while ((k = v->slot[i]) != 0) {
        struct spell_entry *e = &v->e[k - 1];

        if (e->len == n && memcmp(v->pool.p + e->off, s, n) == 0) return e;
        i = (i + 1) & v->mask;
    }
    return NULL;
}

/* Articles holding stem s[0..n) by the vocabulary; 0 if not in it. */
static int64_t
spell_df(const struct spell_vocab *v, const char *s, size_t n)
{
    const struct spell_entry *e = spell_find(v, s, n);

    return e != NULL ? e->df : 0;
}

/* Appends one stem; -1 when out of memory. */
static int
spell_add(struct spell_vocab *v, const char *s, size_t n, int64_t df)
{
    uint32_t off;

    if (n > TOKENIZER_MAX_TOKEN || v->n == UINT32_MAX / 4) return 0;
    if (v->n == v->cap) {
        uint32_t cap = v->cap == 0 ? 1024 : v->cap * 2;
        struct spell_entry *e = realloc(v->e, cap * sizeof *e);

        if (e == NULL) return -1;
        v->e = e;
        v->cap = cap;
    }
    if (spell_pool_add(&v->pool, s, n, "", 0, &off) != 0) return -1;
    v->e[v->n++] = (struct spell_entry){off, (uint32_t)n, df};
    return 0;
}

/* The table of entry numbers, twice the entries or more; -1 no memory. */
static int
spell_index(struct spell_vocab *v)
{
    uint32_t size = 1024, i, j;

    while (size < 2 * v->n)
        size *= 2;
    free(v->slot);
    v->slot = calloc(size, sizeof *v->slot);
    if (v->slot == NULL) return -1;
    v->mask = size - 1;
    for (i = 0; i < v->n; i++) {
        j = spell_pool_hash(v->pool.p + v->e[i].off, v->e[i].len) & v->mask;
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

/* Runs stmt (term, df rows) into v: added as new stems (add), or their
 * articles added to those v holds (!add, v indexed).  An SQLite code. */
static int
spell_rows(struct spell_vocab *v, sqlite3_stmt *stmt, int add)
{
    int rc;

    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        struct carid_str t = db_column(stmt, 0);
        int64_t df = sqlite3_column_int64(stmt, 1);
        struct spell_entry *e;

        if (t.p == NULL) continue;
        if (!add && (e = spell_find(v, t.p, t.len)) != NULL)
            e->df += df;
        else if (spell_add(v, t.p, t.len, df) != 0) {
            rc = SQLITE_NOMEM;
            break;
        }
    }
    db_done(stmt);
    return rc;
}

/* The long words (spell_forms.h) whose stems v holds: the
 * SPELL_FORMS_MAX read first.  An SQLite code, or -1 with err set. */
static int
spell_read_forms(struct db_conn *c, struct spell_vocab *v, char *err,
                 size_t errlen)
{
    sqlite3_stmt *stmt = spell_stmt(c, SPELL_FORMS, err, errlen);
    int rc;

    if (stmt == NULL) return -1; /* err set */
    if ((v->forms = spell_forms_new()) == NULL) {
        db_done(stmt);
        return SQLITE_NOMEM;
    }
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW &&
           spell_forms_count(v->forms) < SPELL_FORMS_MAX) {
        struct carid_str w = db_column(stmt, 0), t = db_column(stmt, 1);

        if (w.p == NULL || t.p == NULL ||
            spell_df(v, t.p, t.len) < SPELL_MIN_DF)
            continue;
        if (spell_forms_add(v->forms, w.p, w.len, t.p, t.len) != 0) {
            rc = SQLITE_NOMEM;
            break;
        }
    }
    db_done(stmt);
    if (rc == SQLITE_ROW) rc = SQLITE_DONE; /* the first SPELL_FORMS_MAX */
    if (rc == SQLITE_DONE && spell_forms_index(v->forms) != 0)
        rc = SQLITE_NOMEM;
    return rc;
}

/* Reads the vocabulary into a new *out (table: spell_words and spell_new,
 * else FTS5); 0 or -1 with err set.  Its long words are read when first
 * needed (spell_long()). */
static int
spell_read(struct db_conn *c, int table, int64_t gen, int64_t learn_gen,
           struct spell_vocab **out, char *err, size_t errlen)
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
    v->learn_gen = learn_gen;
    v->read_at = db_now_usec();
    stmt = table ? spell_stmt(c, SPELL_TABLE, err, errlen)
                 : spell_scan_stmt(c, err, errlen);
    if (stmt == NULL) {
        spell_vocab_free(v);
        return -1;
    }
    if (!table) rc = sqlite3_bind_int64(stmt, 1, SPELL_MIN_DF);
    if (rc == SQLITE_OK)
        rc = spell_rows(v, stmt, 1);
    else
        db_done(stmt);
    if (rc == SQLITE_DONE && spell_index(v) != 0) rc = SQLITE_NOMEM;
    if (rc == SQLITE_DONE && table) {
        /* the articles put since OPTIMIZE, and the stems they brought */
        rc = (stmt = spell_stmt(c, SPELL_NEW, err, errlen)) == NULL
                 ? -1
                 : spell_rows(v, stmt, 0);
        if (rc == SQLITE_DONE && spell_index(v) != 0) rc = SQLITE_NOMEM;
    }
    if (rc != SQLITE_DONE) {
        spell_vocab_free(v);
        if (rc == SQLITE_NOMEM) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        return rc == -1 ? -1 : db_fail_rc(c, rc, "spelling", err, errlen);
    }
    *out = v;
    return 0;
}

/* v's long words, read on the first search of two edits: reading and
 * indexing them is most of a vocabulary's cost (DESIGN.md,
 * Misspellings), which a query with no long misspelled word need not
 * pay.  0, or -1 with err set. */
static int
spell_long(struct db_conn *c, struct spell_vocab *v, char *err, size_t errlen)
{
    int rc;

    if (v->forms_read) return 0;
    v->forms_read = 1;
    rc = spell_read_forms(c, v, err, errlen);
    if (rc == SQLITE_DONE) {
        spell_count_in(c->index, v);
        return 0;
    }
    spell_forms_free(v->forms);
    v->forms = NULL;
    if (rc == SQLITE_NOMEM) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return rc == -1 ? -1 : db_fail_rc(c, rc, "spelling", err, errlen);
}

/* Whether v may still serve: the same OPTIMIZE (or none, read from the
 * same place), and what commits changed read again at most every
 * SPELL_RESCAN_SEC. */
static int
spell_current(const struct spell_vocab *v, int optimized, int64_t spell_gen,
              int64_t gen, int64_t learn_gen)
{
    int recent = db_now_usec() - v->read_at < SPELL_RESCAN_SEC * 1000000;

    if (optimized != (v->table && v->gen >= 0) ||
        (optimized && v->gen != spell_gen))
        return 0;
    if (v->table) return v->learn_gen == learn_gen || recent;
    return (v->gen == gen && v->learn_gen == learn_gen) || recent;
}

/* The reader's vocabulary, read or read again when stale: 1 with *out, -1
 * on error. */
static int
spell_vocab(struct db_conn *c, struct spell_vocab **out, char *err,
            size_t errlen)
{
    struct spell_vocab *v = c->spell, *fresh = NULL;
    sqlite3_stmt *stmt = spell_stmt(c, SPELL_GENS, err, errlen);
    int64_t spell_gen = 0, gen = 0, learn_gen = 0, ndocs = 0;
    int rc, table;

    if (stmt == NULL) return -1;
    rc = sqlite3_step(stmt);
    table = rc == SQLITE_ROW && sqlite3_column_type(stmt, 0) != SQLITE_NULL;
    if (rc == SQLITE_ROW) {
        spell_gen = sqlite3_column_int64(stmt, 0);
        gen = sqlite3_column_int64(stmt, 1);
        learn_gen = sqlite3_column_int64(stmt, 2);
    }
    db_done(stmt);
    if (rc != SQLITE_ROW) return db_fail_rc(c, rc, "spelling", err, errlen);
    if (v != NULL && spell_current(v, table, spell_gen, gen, learn_gen)) {
        *out = v;
        return 1;
    }
    if (!table) {
        /* never optimized: FTS5 itself when small, else what the writer
         * learnt (spell_new) */
        if (toplist_averages(c, &ndocs, NULL, err, errlen) != 0) return -1;
        table = ndocs > SPELL_SCAN_MAX;
        spell_gen = -1;
    }
    if (spell_read(c, table, table ? spell_gen : gen, learn_gen, &fresh, err,
                   errlen) != 0)
        return -1;
    spell_vocab_free(c->spell);
    c->spell = fresh;
    spell_count_in(c->index, fresh);
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

/* Weighs word w[0..n) of stem c[0..clen) as a fix. */
static int
spell_consider(struct spell_search *s, const char *w, size_t n,
               const char *stem, size_t stem_len)
{
    struct spell_word c;
    struct spell_pick *p;
    int64_t df;
    int root, i;

    if (stem_len > sizeof c.stem ||
        (stem_len == s->typed->len &&
         memcmp(stem, s->typed->stem, stem_len) == 0))
        return 0;
    df = spell_df(s->v, stem, stem_len);
    if (df < s->need) return 0;
    memcpy(c.stem, stem, stem_len);
    c.len = stem_len;
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

/* edits_one()'s: a string one edit away, stemmed as the index stems. */
static int
spell_candidate(void *ctx, const char *w, size_t n)
{
    struct spell_search *s = ctx;
    struct spell_word c;

    if (spell_stem(s->t, w, n, &c) != 0 || c.stop) return 0;
    return spell_consider(s, w, n, c.stem, c.len);
}

/* spell_forms_near()'s: a long word the index holds, two edits away (one
 * edit away, edits_one() has weighed it already). */
static int
spell_candidate2(void *ctx, const char *w, size_t n, const char *stem,
                 size_t stem_len, int distance)
{
    struct spell_search *s = ctx;

    if (distance != 2 || stem_is_stopword(w, n)) return 0;
    return spell_consider(s, w, n, stem, stem_len);
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
    /* a common word is common in a vocabulary read a while ago too: only
     * a word to correct makes it read again */
    if ((v = c->spell) == NULL && (rc = spell_vocab(c, &v, err, errlen)) <= 0)
        return rc;
    df = spell_df(v, typed.stem, typed.len);
    if (df > SPELL_RARE_DF) return 0; /* common: no statement at all */
    df = spell_count(c, word, len, SPELL_RARE_DF + 1, err, errlen);
    if (df < 0) return -1;
    if (df > SPELL_RARE_DF || (df > 0 && !rare)) return 0;
    if ((rc = spell_vocab(c, &v, err, errlen)) <= 0) return rc;
    df_typed = df;
    s.v = v;
    s.typed = &typed;
    s.need = df * SPELL_FACTOR > SPELL_MIN_DF ? df * SPELL_FACTOR
                                              : SPELL_MIN_DF;
    edits_one(word, len, spell_candidate, &s);
    /* two edits only for a long word, and only when one finds nothing:
     * a fix one edit away ranks first by never meeting one two away */
    if (s.npick == 0 && len >= SPELL_LONG_LETTERS) {
        if (spell_long(c, v, err, errlen) != 0) return -1;
        spell_forms_near(v->forms, word, len, 2, spell_candidate2, &s);
    }
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
    /* the scan counts every article: what the writer added goes */
    if (spell_learn_optimized(c, err, errlen) != 0) return -1;
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

int
spell_stats(struct db_conn *c, carid_stat_fn *fn, void *ctx)
{
    const struct db *d = c->index;

    if (fn(ctx, "spell_stems",
           __atomic_load_n(&d->spell_stems, __ATOMIC_RELAXED)) ||
        fn(ctx, "spell_forms",
           __atomic_load_n(&d->spell_forms, __ATOMIC_RELAXED)) ||
        fn(ctx, "spell_bytes",
           __atomic_load_n(&d->spell_bytes, __ATOMIC_RELAXED)))
        return 1;
    return spell_learn_stats(c, fn, ctx);
}
