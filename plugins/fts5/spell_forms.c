/*
 * spell_forms.c - see spell_forms.h.  The words and their stems are one
 * string pool (the word, then its stem).  The index is every (deletion's
 * hash, word) pair sorted by hash (a radix sort: many words share their
 * first letters, pe-, mem-, ke-, and so their deletions, which an
 * open-addressing table made into long runs that every insert and lookup
 * walked), kept as 32-bit entries (8 bits of the hash, the word's number
 * plus one) under a directory of the hash's top bits: a lookup reads the
 * entries of one directory slot and confirms the words whose tag
 * matches.  Entries hold no deletion itself: a false match costs one
 * edits_distance().
 */
#include <stdlib.h>
#include <string.h>

#include "edits.h"
#include "spell_forms.h"
#include "spell_pool.h"

#define SPELL_FORMS_MAX_WORDS (1u << 24) /* numbers the entries can hold */

struct spell_form {
    uint32_t off;     /* the word, then its stem, in the pool */
    uint8_t len;      /* the word's bytes */
    uint8_t stem_len; /* the stem's */
};

struct spell_forms {
    struct spell_pool pool;
    struct spell_form *e;
    uint32_t n, cap;
    uint32_t *ent; /* tag << 24 | (word + 1), by hash */
    uint32_t *dir; /* (1 << bits) + 1: first entry of each top-bits hash */
    size_t nent;
    unsigned bits;
    uint32_t *seen; /* per word: the lookup that last found it */
    uint32_t stamp;
};

struct spell_forms *
spell_forms_new(void)
{
    return calloc(1, sizeof(struct spell_forms));
}

void
spell_forms_free(struct spell_forms *f)
{
    if (f == NULL) return;
    spell_pool_free(&f->pool);
    free(f->e);
    free(f->ent);
    free(f->dir);
    free(f->seen);
    free(f);
}

int
spell_forms_add(struct spell_forms *f, const char *w, size_t n,
                const char *stem, size_t stem_len)
{
    uint32_t off;

    if (n < SPELL_FORMS_MIN || !edits_word(w, n) || stem_len == 0 ||
        stem_len > 255 || f->n + 1 >= SPELL_FORMS_MAX_WORDS)
        return 0;
    if (f->n == f->cap) {
        uint32_t cap = f->cap == 0 ? 1024 : f->cap * 2;
        struct spell_form *e = realloc(f->e, cap * sizeof *e);

        if (e == NULL) return -1;
        f->e = e;
        f->cap = cap;
    }
    if (spell_pool_add(&f->pool, w, n, stem, stem_len, &off) != 0) return -1;
    f->e[f->n++] = (struct spell_form){off, (uint8_t)n, (uint8_t)stem_len};
    return 0;
}

/* edits_deletes()'s context while the index is built. */
struct spell_forms_fill {
    uint64_t *key; /* hash << 32 | word; NULL: counting only */
    size_t n;
    uint32_t word;
};

static int
spell_forms_put(void *ctx, const char *d, size_t n)
{
    struct spell_forms_fill *x = ctx;

    if (x->key != NULL)
        x->key[x->n] = (uint64_t)spell_pool_hash(d, n) << 32 | x->word;
    x->n++;
    return 0;
}

static size_t
spell_forms_prefix(size_t n)
{
    return n < SPELL_FORMS_PREFIX ? n : SPELL_FORMS_PREFIX;
}

/* Sorts key[0..n) by its hash half, stably (the words came in order):
 * two passes of 16 bits through tmp, counting in count[0..65537). */
static void
spell_forms_sort(uint64_t *key, uint64_t *tmp, size_t *count, size_t n)
{
    size_t i;

    for (int shift = 32; shift < 64; shift += 16) {
        memset(count, 0, 65537 * sizeof *count);
        for (i = 0; i < n; i++)
            count[((key[i] >> shift) & 0xffff) + 1]++;
        for (i = 1; i < 65537; i++)
            count[i] += count[i - 1];
        for (i = 0; i < n; i++)
            tmp[count[(key[i] >> shift) & 0xffff]++] = key[i];
        memcpy(key, tmp, n * sizeof *key);
    }
}

int
spell_forms_index(struct spell_forms *f)
{
    struct spell_forms_fill x = {NULL, 0, 0};
    uint64_t *tmp;
    size_t i, j, *count;
    uint32_t w, b;

    free(f->ent);
    free(f->dir);
    free(f->seen);
    f->ent = f->dir = NULL;
    f->seen = calloc(f->n + 1, sizeof *f->seen);
    if (f->seen == NULL) return -1;
    for (w = 0; w < f->n; w++) /* count first: one allocation */
        edits_deletes(f->pool.p + f->e[w].off, spell_forms_prefix(f->e[w].len),
                      2, spell_forms_put, &x);
    for (f->bits = 10; f->bits < 24 && ((size_t)4 << f->bits) < x.n; f->bits++)
        ;
    x.key = malloc((x.n + 1) * sizeof *x.key);
    tmp = malloc((x.n + 1) * sizeof *tmp);
    count = malloc(65537 * sizeof *count);
    f->dir = malloc((((size_t)1 << f->bits) + 1) * sizeof *f->dir);
    if (x.key == NULL || tmp == NULL || count == NULL || f->dir == NULL) {
        free(x.key);
        free(tmp);
        free(count);
        return -1;
    }
    x.n = 0;
    for (w = 0; w < f->n; w++) {
        x.word = w;
        edits_deletes(f->pool.p + f->e[w].off, spell_forms_prefix(f->e[w].len),
                      2, spell_forms_put, &x);
    }
    spell_forms_sort(x.key, tmp, count, x.n);
    free(tmp);
    free(count);
    f->ent = malloc((x.n + 1) * sizeof *f->ent);
    if (f->ent == NULL) {
        free(x.key);
        return -1;
    }
    /* one entry per (hash, word): "aba" less a or b, b or a, is one */
    for (i = j = b = 0; i < x.n; i++) {
        uint32_t h = (uint32_t)(x.key[i] >> 32);

        if (i > 0 && x.key[i] == x.key[i - 1]) continue;
        while (b <= h >> (32 - f->bits))
            f->dir[b++] = (uint32_t)j;
        f->ent[j++] = (h & 0xffu) << 24 | ((uint32_t)x.key[i] + 1);
    }
    while (b <= (1u << f->bits))
        f->dir[b++] = (uint32_t)j;
    f->nent = j;
    free(x.key);
    return 0;
}

/* spell_forms_near()'s context for the looked-up word's deletions. */
struct spell_forms_look {
    struct spell_forms *f;
    const char *w;
    size_t n;
    int max;
    spell_forms_fn *fn;
    void *ctx;
};

static int
spell_forms_probe(void *ctx, const char *d, size_t n)
{
    struct spell_forms_look *x = ctx;
    struct spell_forms *f = x->f;
    uint32_t h = spell_pool_hash(d, n), b = h >> (32 - f->bits), i, s, k;
    int dist, rc;

    for (i = f->dir[b]; i < f->dir[b + 1]; i++) {
        const struct spell_form *e;

        if (((s = f->ent[i]) >> 24) != (h & 0xffu)) continue;
        k = (s & 0x00ffffffu) - 1;
        if (f->seen[k] == f->stamp) continue;
        f->seen[k] = f->stamp;
        e = &f->e[k];
        dist = edits_distance(x->w, x->n, f->pool.p + e->off, e->len, x->max);
        if (dist > x->max) continue;
        rc = x->fn(x->ctx, f->pool.p + e->off, e->len,
                   f->pool.p + e->off + e->len, e->stem_len, dist);
        if (rc != 0) return rc;
    }
    return 0;
}

int
spell_forms_near(struct spell_forms *f, const char *w, size_t n, int max,
                 spell_forms_fn *fn, void *ctx)
{
    struct spell_forms_look x = {f, w, n, max, fn, ctx};

    if (f == NULL || f->ent == NULL || !edits_word(w, n)) return 0;
    if (++f->stamp == 0) { /* wrapped: forget every stamp */
        memset(f->seen, 0, (f->n + 1) * sizeof *f->seen);
        f->stamp = 1;
    }
    return edits_deletes(w, spell_forms_prefix(n), max, spell_forms_probe, &x);
}

uint32_t
spell_forms_count(const struct spell_forms *f)
{
    return f == NULL ? 0 : f->n;
}

size_t
spell_forms_bytes(const struct spell_forms *f)
{
    if (f == NULL) return 0;
    return sizeof *f + f->pool.cap + f->cap * sizeof *f->e +
           (f->ent != NULL ? f->nent : 0) * sizeof *f->ent +
           (f->dir != NULL ? ((size_t)1 << f->bits) + 1 : 0) * sizeof *f->dir +
           (f->seen != NULL ? f->n + 1 : 0) * sizeof *f->seen;
}
