/*
 * spell_pool.c - see spell_pool.h.
 */
#include <stdlib.h>
#include <string.h>

#include "spell_pool.h"

int
spell_pool_add(struct spell_pool *pool, const char *a, size_t na, const char *b,
               size_t nb, uint32_t *off)
{
    size_t need = pool->n + na + nb;

    if (need > UINT32_MAX) return -1;
    if (need > pool->cap) {
        size_t cap = pool->cap == 0 ? 16384 : pool->cap * 2;
        char *p;

        while (cap < need)
            cap *= 2;
        if ((p = realloc(pool->p, cap)) == NULL) return -1;
        pool->p = p;
        pool->cap = cap;
    }
    memcpy(pool->p + pool->n, a, na);
    memcpy(pool->p + pool->n + na, b, nb);
    *off = (uint32_t)pool->n;
    pool->n = need;
    return 0;
}

uint32_t
spell_pool_hash(const char *w, size_t n)
{
    uint32_t h = 2166136261u;

    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)w[i]) * 16777619u;
    return h;
}

void
spell_pool_free(struct spell_pool *pool)
{
    free(pool->p);
    pool->p = NULL;
    pool->n = pool->cap = 0;
}
