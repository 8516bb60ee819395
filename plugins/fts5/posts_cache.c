/*
 * posts_cache.c - see posts_cache.h.
 */
#include <stdlib.h>
#include <string.h>

#include "posts_cache.h"

struct posts_cache_slot {
    char *word; /* owned; NULL: empty */
    size_t len;
    int64_t gen;
    int holds;
    size_t bytes;
    uint64_t used;
    struct post_term t;
    struct posts_cache_blocks b; /* bytes NULL: not kept */
};

struct posts_cache {
    uint64_t clock;
    size_t bytes;
    struct posts_cache_slot slot[POSTS_CACHE_TERMS];
};

/* What a loaded term takes (post_term.h's arrays). */
static size_t
posts_cache_size(const struct post_term *t)
{
    size_t n = t->nblocks * (sizeof t->blocks[0] + sizeof t->head_at[0]);

    for (size_t i = 0; i < t->nblocks; i++)
        n += t->blocks[i].ntitled * sizeof t->titled[0];
    return n + t->head_at[t->nblocks] + sizeof t->head_at[0] + sizeof *t;
}

static void
posts_cache_clear(struct posts_cache *k, struct posts_cache_slot *s)
{
    k->bytes -= s->bytes;
    free(s->word);
    post_term_free(&s->t);
    posts_cache_blocks_free(&s->b);
    memset(s, 0, sizeof *s);
}

const struct post_term *
posts_cache_get(struct posts_cache *k, int64_t gen, const char *word,
                size_t len)
{
    if (k == NULL) return NULL;
    for (int i = 0; i < POSTS_CACHE_TERMS; i++) {
        struct posts_cache_slot *s = &k->slot[i];

        if (s->word != NULL && s->gen == gen && s->len == len &&
            memcmp(s->word, word, len) == 0) {
            s->holds++;
            s->used = ++k->clock;
            return &s->t;
        }
    }
    return NULL;
}

/* Frees the terms of another segment nobody holds, then the least recently
 * used ones until bytes more fit; an empty slot, or NULL if none frees. */
static struct posts_cache_slot *
posts_cache_room(struct posts_cache *k, int64_t gen, size_t bytes)
{
    struct posts_cache_slot *empty = NULL;

    for (int i = 0; i < POSTS_CACHE_TERMS; i++) {
        struct posts_cache_slot *s = &k->slot[i];

        if (s->word != NULL && s->gen != gen && s->holds == 0)
            posts_cache_clear(k, s);
    }
    for (;;) {
        struct posts_cache_slot *lru = NULL;

        empty = NULL;
        for (int i = 0; i < POSTS_CACHE_TERMS; i++) {
            struct posts_cache_slot *s = &k->slot[i];

            if (s->word == NULL) {
                if (empty == NULL) empty = s;
            } else if (s->holds == 0 && (lru == NULL || s->used < lru->used))
                lru = s;
        }
        if (empty != NULL && k->bytes + bytes <= POSTS_CACHE_BYTES)
            return empty;
        if (lru == NULL) return NULL;
        posts_cache_clear(k, lru);
    }
}

const struct post_term *
posts_cache_put(struct posts_cache **k, int64_t gen, const char *word,
                size_t len, struct post_term *t, struct posts_cache_blocks *b)
{
    size_t bytes = posts_cache_size(t);
    struct posts_cache_slot *s;

    if (b != NULL) bytes += b->size + (t->nblocks + 1) * sizeof b->at[0];
    if (bytes > POSTS_CACHE_BYTES) return NULL;
    if (*k == NULL && (*k = calloc(1, sizeof **k)) == NULL) return NULL;
    if ((s = posts_cache_room(*k, gen, bytes)) == NULL ||
        (s->word = malloc(len > 0 ? len : 1)) == NULL)
        return NULL;
    memcpy(s->word, word, len);
    s->len = len;
    s->gen = gen;
    s->holds = 1;
    s->bytes = bytes;
    s->used = ++(*k)->clock;
    s->t = *t;
    memset(t, 0, sizeof *t);
    if (b != NULL) {
        s->b = *b;
        memset(b, 0, sizeof *b);
    }
    (*k)->bytes += bytes;
    return &s->t;
}

const struct posts_cache_blocks *
posts_cache_blocks(const struct posts_cache *k, const struct post_term *t)
{
    for (int i = 0; k != NULL && i < POSTS_CACHE_TERMS; i++)
        if (&k->slot[i].t == t)
            return k->slot[i].b.bytes != NULL ? &k->slot[i].b : NULL;
    return NULL;
}

void
posts_cache_blocks_free(struct posts_cache_blocks *b)
{
    free(b->bytes);
    free(b->at);
    memset(b, 0, sizeof *b);
}

void
posts_cache_release(struct posts_cache *k, const struct post_term *t)
{
    for (int i = 0; k != NULL && i < POSTS_CACHE_TERMS; i++) {
        if (&k->slot[i].t == t) {
            k->slot[i].holds--;
            return;
        }
    }
}

void
posts_cache_free(struct posts_cache *k)
{
    if (k == NULL) return;
    for (int i = 0; i < POSTS_CACHE_TERMS; i++)
        if (k->slot[i].word != NULL) posts_cache_clear(k, &k->slot[i]);
    free(k);
}
