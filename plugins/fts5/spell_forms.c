/*
 * spell_forms.c - see spell_forms.h.  The words and their stems are one
 * string pool (the word, then its stem); the index is an open-addressing
 * table of 32-bit slots, each a word's number (low 24 bits, plus one) and
 * 8 bits of the deletion's hash, so that a lookup walks the run of slots
 * from the hash and confirms only the words whose tag matches.  Slots
 * hold no deletion itself: a false match costs one edits_distance().
 */
#include <stdlib.h>
#include <string.h>

#include "edits.h"
#include "spell_forms.h"
#include "spell_pool.h"

#define SPELL_FORMS_MAX_WORDS (1u << 24) /* numbers the slots can hold */

struct spell_form {
    uint32_t off;     /* the word, then its stem, in the pool */
    uint8_t len;      /* the word's bytes */
    uint8_t stem_len; /* the stem's */
};

struct spell_forms {
    struct spell_pool pool;
    struct spell_form *e;
    uint32_t n, cap;
    uint32_t *slot; /* tag << 24 | (word + 1); 0 empty */
    uint32_t mask;
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
    free(f->slot);
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
    struct spell_forms *f;
    uint32_t word;
    size_t count; /* counting only, when slot is NULL */
};

static int
spell_forms_put(void *ctx, const char *d, size_t n)
{
    struct spell_forms_fill *x = ctx;
    struct spell_forms *f = x->f;
    uint32_t h, i;

    if (f->slot == NULL) {
        x->count++;
        return 0;
    }
    h = spell_pool_hash(d, n);
    for (i = h & f->mask; f->slot[i] != 0; i = (i + 1) & f->mask)
        ;
    f->slot[i] = (h & 0xff000000u) | (x->word + 1);
    return 0;
}

static size_t
spell_forms_prefix(size_t n)
{
    return n < SPELL_FORMS_PREFIX ? n : SPELL_FORMS_PREFIX;
}

int
spell_forms_index(struct spell_forms *f)
{
    struct spell_forms_fill x = {f, 0, 0};
    uint32_t size = 1024, w;

    free(f->slot);
    free(f->seen);
    f->slot = NULL;
    f->seen = calloc(f->n + 1, sizeof *f->seen);
    if (f->seen == NULL) return -1;
    for (w = 0; w < f->n; w++) /* count first: one allocation */
        edits_deletes(f->pool.p + f->e[w].off, spell_forms_prefix(f->e[w].len),
                      2, spell_forms_put, &x);
    while (size < x.count + x.count / 3 && size < (1u << 31))
        size *= 2;
    if ((f->slot = calloc(size, sizeof *f->slot)) == NULL) return -1;
    f->mask = size - 1;
    for (w = 0; w < f->n; w++) {
        x.word = w;
        edits_deletes(f->pool.p + f->e[w].off, spell_forms_prefix(f->e[w].len),
                      2, spell_forms_put, &x);
    }
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
    uint32_t h = spell_pool_hash(d, n), i, s, k;
    int dist, rc;

    for (i = h & f->mask; (s = f->slot[i]) != 0; i = (i + 1) & f->mask) {
        const struct spell_form *e;

        if ((s & 0xff000000u) != (h & 0xff000000u)) continue;
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

    if (f == NULL || f->slot == NULL || !edits_word(w, n)) return 0;
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
           (f->slot != NULL ? (size_t)f->mask + 1 : 0) * sizeof *f->slot +
           (f->seen != NULL ? f->n + 1 : 0) * sizeof *f->seen;
}
