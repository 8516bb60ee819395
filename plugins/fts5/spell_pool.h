/*
 * spell_pool.h - the string pool and hash that spelling's word sets share
 * (spell.c's stems, spell_forms.c's long words, spell_learn.c's noted
 * words): bytes appended to one growing buffer, each word known by its
 * offset.  libc only.
 */
#ifndef SPELL_POOL_H
#define SPELL_POOL_H

#include <stddef.h>
#include <stdint.h>

struct spell_pool {
    char *p;
    size_t n, cap;
};

/* Appends a[0..na) then b[0..nb) (either may be empty), *off where they
 * start: 0, or -1 when out of memory (or past 4 GB). */
int spell_pool_add(struct spell_pool *pool, const char *a, size_t na,
                   const char *b, size_t nb, uint32_t *off);
/* FNV-1a of w[0..n): the sets hold the index's own words, not keys an
 * attacker picks one by one. */
uint32_t spell_pool_hash(const char *w, size_t n);
void spell_pool_free(struct spell_pool *pool);

#endif
