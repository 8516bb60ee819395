/*
 * spell_learn.c - see spell_learn.h.  Two bounded maps, stems and words,
 * each one string pool, its entries, an open-addressing table of entry
 * numbers and the list of entries waiting to be written (a stack: a put
 * between two idle steps pushes, the idle step pops).  A map whose
 * entries are all written is emptied when it fills up: a word noted again
 * after that is written again, which INSERT OR IGNORE makes harmless.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edits.h"
#include "spell_forms.h"
#include "spell_learn.h"
#include "spell_pool.h"
#include "tokenizer.h"

enum spell_learn_stmt {
    LEARN_STEM, /* articles added to a stem */
    LEARN_FORM, /* a word and its stem */
    LEARN_GEN,  /* readers read again */
    LEARN_CLEAR,
    LEARN_STMT_COUNT
};

static const char *const learn_sql[LEARN_STMT_COUNT] = {
    [LEARN_STEM] = "INSERT INTO spell_new(term, df) VALUES (?1, ?2)"
                   " ON CONFLICT(term) DO UPDATE SET df = df + excluded.df",
    [LEARN_FORM] = "INSERT OR IGNORE INTO spell_forms(word, stem)"
                   " VALUES (?1, ?2)",
    [LEARN_GEN] = "INSERT INTO meta(key, value) VALUES ('spell_learn_gen', 1)"
                  " ON CONFLICT(key) DO UPDATE SET value = value + 1",
    [LEARN_CLEAR] = "DELETE FROM spell_new",
};

/* A stem's count written lags by at most 1/LEARN_LAG (learn_token()):
 * little enough for spell.h's ratios (a fix in 1/100 of the first's
 * articles: with counts off by up to half, at 100,000 generated
 * articles, pemerintahn got the corpus's typo pemerintan beside
 * pemerintahan, an OR 200 times slower). */
#define LEARN_LAG 8

/* Rows written between two looks at the clock. */
#define LEARN_CLOCK_ROWS 64

/* Bytes of a word kept in its entry: a stem is most often no longer, so
 * finding it reads the slot and the entry, not the pool too. */
#define LEARN_HEAD 12

struct learn_entry {
    uint32_t off; /* the word, then (a form's) its stem, in the pool */
    uint8_t len, stem_len;
    uint8_t todo;          /* in the list of what waits */
    uint32_t add;          /* stems: articles noted, not yet written */
    uint32_t written;      /* stems: articles written since start or OPTIMIZE */
    uint32_t last;         /* stems: the article that last counted it */
    char head[LEARN_HEAD]; /* the word's first bytes */
};

struct learn_map {
    struct spell_pool pool;
    struct learn_entry *e;
    uint32_t n, cap, max;
    uint64_t *slot; /* hash << 32 | entry + 1, 0 empty; mask + 1 slots */
    uint32_t mask;
    uint32_t *todo;
    uint32_t ntodo;
};

struct spell_learn {
    struct learn_map stems, forms;
    uint32_t doc;       /* articles noted, for learn_entry.last */
    pthread_mutex_t mu; /* spell_learn_doc()'s, from two threads */
};

static sqlite3_stmt *
learn_stmt(struct db_conn *c, enum spell_learn_stmt which, char *err,
           size_t errlen)
{
    return db_stmt(c, DB_OWN_SPELL_LEARN, which, LEARN_STMT_COUNT,
                   learn_sql[which], err, errlen);
}

static void
learn_map_free(struct learn_map *m)
{
    spell_pool_free(&m->pool);
    free(m->e);
    free(m->slot);
    free(m->todo);
}

void
spell_learn_free(struct spell_learn *l)
{
    if (l == NULL) return;
    learn_map_free(&l->stems);
    learn_map_free(&l->forms);
    pthread_mutex_destroy(&l->mu);
    free(l);
}

static int
learn_map_init(struct learn_map *m, uint32_t max)
{
    m->max = max;
    m->mask = 2 * max - 1; /* max a power of two: at most half full */
    m->slot = calloc((size_t)m->mask + 1, sizeof *m->slot);
    m->todo = malloc(max * sizeof *m->todo);
    return m->slot != NULL && m->todo != NULL ? 0 : -1;
}

static int
learn_entry_is(const struct learn_map *m, const struct learn_entry *e,
               const char *w, size_t n)
{
    if (e->len != n || memcmp(e->head, w, n < LEARN_HEAD ? n : LEARN_HEAD))
        return 0;
    return n <= LEARN_HEAD || memcmp(m->pool.p + e->off + LEARN_HEAD,
                                     w + LEARN_HEAD, n - LEARN_HEAD) == 0;
}

/* Entry of w[0..n) (and stem, for a form) in m: its number, or -1 when
 * m is full, -2 when out of memory; hash is spell_pool_hash(w, n).
 * *added says whether it is new.  A slot holds the word's hash beside
 * its entry, so a probe past another word reads no entry. */
static int64_t
learn_map_get(struct learn_map *m, uint32_t hash, const char *w, size_t n,
              const char *stem, size_t stem_len, int *added)
{
    uint32_t i = hash & m->mask, off;
    uint64_t s;

    *added = 0;
    while ((s = m->slot[i]) != 0) {
        uint32_t k = (uint32_t)s;

        if ((uint32_t)(s >> 32) == hash &&
            learn_entry_is(m, &m->e[k - 1], w, n))
            return k - 1;
        i = (i + 1) & m->mask;
    }
    if (m->n == m->max) {
        if (m->ntodo > 0) return -1;
        /* all written: start again */
        memset(m->slot, 0, ((size_t)m->mask + 1) * sizeof *m->slot);
        m->n = 0;
        m->pool.n = 0;
        i = hash & m->mask;
    }
    if (m->n == m->cap) {
        uint32_t cap = m->cap == 0 ? 4096 : m->cap * 2;
        struct learn_entry *e;

        if (cap > m->max) cap = m->max;
        if ((e = realloc(m->e, cap * sizeof *e)) == NULL) return -2;
        m->e = e;
        m->cap = cap;
    }
    if (spell_pool_add(&m->pool, w, n, stem, stem_len, &off) != 0) return -2;
    m->e[m->n] = (struct learn_entry){off, (uint8_t)n, (uint8_t)stem_len, 0,
                                      0,   0,          UINT32_MAX,        {0}};
    memcpy(m->e[m->n].head, w, n < LEARN_HEAD ? n : LEARN_HEAD);
    m->slot[i] = (uint64_t)hash << 32 | (m->n + 1);
    *added = 1;
    return m->n++;
}

static void
learn_push(struct learn_map *m, uint32_t k)
{
    if (m->e[k].todo) return;
    m->e[k].todo = 1;
    m->todo[m->ntodo++] = k; /* ntodo <= n <= max */
}

/* tokenizer_emit_fn's context: the article being noted. */
struct learn_doc {
    struct db_conn *c;
    struct spell_learn *l;
    int nomem;
};

/* Notes one token of span bytes in the text: its stem, and token[0..n)
 * (NULL: not a-z) as a word if long enough.  A token shorter than a word
 * one edit from a corrected one (di, dan, ini: most of a text's tokens)
 * is skipped.  A stem's count waits to be written until the articles
 * noted reach 1/LEARN_LAG of those written (at once at first): a common
 * stem is written some 20 times per doubling of its articles, not after
 * every batch, and its count lags by at most 1/LEARN_LAG. */
static int
learn_token(struct learn_doc *d, size_t span, const char *token, size_t n,
            const char *stem, size_t stem_len, uint32_t stem_hash)
{
    struct spell_learn *l = d->l;
    struct learn_entry *e;
    int64_t k;
    int added;

    if (span < SPELL_LEARN_MIN_TOKEN || stem_len == 0 || stem_len > 255)
        return 0;
    k = learn_map_get(&l->stems, stem_hash, stem, stem_len, "", 0, &added);
    if (k >= 0 && (e = &l->stems.e[k])->last != l->doc) {
        e->last = l->doc;
        if (++e->add * LEARN_LAG >= e->written)
            learn_push(&l->stems, (uint32_t)k);
    }
    if (k == -1)
        __atomic_fetch_add(&d->c->index->spell_dropped, 1, __ATOMIC_RELAXED);
    if (k == -2) return d->nomem = 1;
    if (token == NULL || n < SPELL_FORMS_MIN || !edits_word(token, n)) return 0;
    k = learn_map_get(&l->forms, spell_pool_hash(token, n), token, n, stem,
                      stem_len, &added);
    if (added) {
        learn_push(&l->forms, (uint32_t)k);
        __atomic_fetch_add(&d->c->index->spell_noted, 1, __ATOMIC_RELAXED);
    }
    if (k == -1)
        __atomic_fetch_add(&d->c->index->spell_dropped, 1, __ATOMIC_RELAXED);
    if (k == -2) return d->nomem = 1;
    return 0;
}

static int
learn_emit(void *ctx, const char *token, size_t token_len, const char *stem,
           size_t stem_len, size_t start, size_t end)
{
    return learn_token(ctx, end - start, token, token_len, stem, stem_len,
                       spell_pool_hash(stem, stem_len));
}

/* How many tokens ahead learn_replayed() asks for a stem's slot, and half
 * as many for its entry.  Finding a stem costs two cache misses in tables
 * of megabytes, the slot then the entry (perf: 59 and 35 % of the
 * look-up's samples); asked for ahead, the misses of several tokens are
 * in flight together instead of one after the other. */
#define LEARN_AHEAD 16

/* Stage one for token i: its stem's hash, kept in ring, and its slot. */
static void
learn_ahead_slot(const struct learn_map *m, const struct tokens *tk, size_t i,
                 uint32_t *ring)
{
    const struct token_rec *r = &tk->rec[i];
    uint32_t h = spell_pool_hash(tk->stems + r->stem_off, r->stem_len);

    ring[i % LEARN_AHEAD] = h;
    __builtin_prefetch(&m->slot[h & m->mask]);
}

/* Stage two: the entry the first slot names (it is the stem's entry
 * unless that slot is another word's, rare at half full). */
static void
learn_ahead_entry(const struct learn_map *m, size_t i, const uint32_t *ring)
{
    uint64_t s = m->slot[ring[i % LEARN_AHEAD] & m->mask];

    if (s != 0) __builtin_prefetch(&m->e[(uint32_t)s - 1]);
}

/* A recording's tokens: the word is the text's span, folded to a-z (a
 * span with any other byte is no word to keep). */
static int
learn_replayed(struct learn_doc *d, struct carid_str text,
               const struct tokens *tk)
{
    const struct learn_map *stems = &d->l->stems;
    uint32_t ring[LEARN_AHEAD];
    char w[EDITS_MAX_WORD];

    for (size_t i = 0; i < tk->n && i < LEARN_AHEAD; i++)
        learn_ahead_slot(stems, tk, i, ring);
    for (size_t i = 0; i < tk->n && i < LEARN_AHEAD / 2; i++)
        learn_ahead_entry(stems, i, ring);
    for (size_t i = 0; i < tk->n && !d->nomem; i++) {
        const struct token_rec *r = &tk->rec[i];
        size_t n = r->end - r->start, j;
        uint32_t hash = ring[i % LEARN_AHEAD];

        if (i + LEARN_AHEAD / 2 < tk->n)
            learn_ahead_entry(stems, i + LEARN_AHEAD / 2, ring);
        if (i + LEARN_AHEAD < tk->n)
            learn_ahead_slot(stems, tk, i + LEARN_AHEAD, ring);
        if (r->end > text.len || n > sizeof w) n = 0;
        for (j = 0; j < n; j++) {
            char ch = text.p[r->start + j];

            if (ch >= 'A' && ch <= 'Z') ch = (char)(ch - 'A' + 'a');
            if (ch < 'a' || ch > 'z') break;
            w[j] = ch;
        }
        learn_token(d, r->end - r->start, j == n ? w : NULL, n,
                    tk->stems + r->stem_off, r->stem_len, hash);
    }
    return d->nomem;
}

int
spell_learn_open(struct db_conn *c, char *err, size_t errlen)
{
    struct spell_learn *l;

    if (c->learn != NULL) return 0;
    if ((l = calloc(1, sizeof *l)) == NULL) goto nomem;
    if (pthread_mutex_init(&l->mu, NULL) != 0) {
        free(l);
        goto nomem;
    }
    if (learn_map_init(&l->stems, SPELL_LEARN_STEMS) != 0 ||
        learn_map_init(&l->forms, SPELL_LEARN_FORMS) != 0) {
        spell_learn_free(l);
        goto nomem;
    }
    c->learn = l;
    return 0;
nomem:
    snprintf(err, errlen, "out of memory");
    return -1;
}

/* spell_learn_doc() under the lock. */
static int
learn_doc(struct learn_doc *d, const struct carid_str *text,
          const struct tokens *rec, char *err, size_t errlen)
{
    struct tokenizer *t = NULL;

    d->l->doc++;
    for (int i = 0; i < 2 && !d->nomem; i++) {
        if (text[i].len == 0) continue;
        if (rec != NULL && rec[i].text != NULL) {
            learn_replayed(d, text[i], &rec[i]);
            continue;
        }
        if (t == NULL && (t = db_tokenizer(d->c, err, errlen)) == NULL)
            return -1;
        if (tokenizer_run(t, text[i].p, text[i].len, learn_emit, d) != 0 &&
            !d->nomem) {
            snprintf(err, errlen, "spelling: the tokenizer failed");
            return -1;
        }
    }
    if (d->nomem) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

int
spell_learn_doc(struct db_conn *c, struct carid_str title,
                struct carid_str body, const struct tokens *rec, char *err,
                size_t errlen)
{
    struct learn_doc d = {c, NULL, 0};
    const struct carid_str text[2] = {title, body};
    int rc;

    if (spell_learn_open(c, err, errlen) != 0) return -1;
    d.l = c->learn;
    pthread_mutex_lock(&d.l->mu);
    rc = learn_doc(&d, text, rec, err, errlen);
    pthread_mutex_unlock(&d.l->mu);
    return rc;
}

int
spell_learn_pending(const struct db_conn *c)
{
    const struct spell_learn *l = c->learn;

    return l != NULL && (l->stems.ntodo > 0 || l->forms.ntodo > 0);
}

/* Writes one waiting entry of m (the last pushed): 0 or -1. */
static int
learn_write_one(struct db_conn *c, struct learn_map *m, int stems, char *err,
                size_t errlen)
{
    uint32_t k = m->todo[m->ntodo - 1];
    struct learn_entry *e = &m->e[k];
    sqlite3_stmt *stmt;
    int rc;

    stmt = learn_stmt(c, stems ? LEARN_STEM : LEARN_FORM, err, errlen);
    if (stmt == NULL) return -1;
    rc = db_bind(stmt, 1, (struct carid_str){m->pool.p + e->off, e->len});
    if (rc == SQLITE_OK)
        rc = stems ? sqlite3_bind_int64(stmt, 2, e->add)
                   : db_bind(stmt, 2,
                             (struct carid_str){m->pool.p + e->off + e->len,
                                                e->stem_len});
    if (rc == SQLITE_OK) rc = sqlite3_step(stmt);
    db_done(stmt);
    if (rc != SQLITE_DONE) return db_fail_rc(c, rc, "spelling", err, errlen);
    e->written += e->add;
    e->add = 0;
    e->todo = 0;
    m->ntodo--;
    return 0;
}

int
spell_learn_write(struct db_conn *c, int64_t budget_usec, int *more, char *err,
                  size_t errlen)
{
    struct spell_learn *l = c->learn;
    int64_t until = db_now_usec() + budget_usec;
    int rc = 0, rows = 0;

    *more = 0;
    if (!spell_learn_pending(c)) return 0;
    if (db_txn(c, DB_BEGIN, "spelling", err, errlen) != 0) return -1;
    while (rc == 0 && (l->stems.ntodo > 0 || l->forms.ntodo > 0)) {
        if (++rows % LEARN_CLOCK_ROWS == 0 && db_now_usec() >= until) break;
        rc = l->stems.ntodo > 0 ? learn_write_one(c, &l->stems, 1, err, errlen)
                                : learn_write_one(c, &l->forms, 0, err, errlen);
    }
    if (rc == 0)
        rc = db_run(c, learn_stmt(c, LEARN_GEN, err, errlen), "spelling", err,
                    errlen);
    if (rc == 0) rc = db_txn(c, DB_COMMIT, "spelling", err, errlen);
    if (rc != 0) {
        /* what was taken off the lists is lost: counts, not articles */
        db_txn(c, DB_ROLLBACK, "spelling", err, errlen);
        return -1;
    }
    *more = spell_learn_pending(c);
    return 0;
}

int
spell_learn_optimized(struct db_conn *c, char *err, size_t errlen)
{
    struct spell_learn *l = c->learn;
    struct learn_map *m;

    if (l != NULL) { /* what was written stays a guide to the counts */
        m = &l->stems;
        for (uint32_t i = 0; i < m->n; i++) {
            m->e[i].add = 0;
            m->e[i].todo = 0;
        }
        m->ntodo = 0;
    }
    return db_run(c, learn_stmt(c, LEARN_CLEAR, err, errlen), "spelling", err,
                  errlen);
}

int
spell_learn_stats(struct db_conn *c, carid_stat_fn *fn, void *ctx)
{
    return fn(ctx, "spell_learn_noted",
              __atomic_load_n(&c->index->spell_noted, __ATOMIC_RELAXED)) ||
           fn(ctx, "spell_learn_dropped",
              __atomic_load_n(&c->index->spell_dropped, __ATOMIC_RELAXED));
}
