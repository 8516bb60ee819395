/*
 * posts_cache.h - a reader connection's main-segment terms as
 * post_term_load() made them from post_terms (the skip table decoded, the
 * term's impacts computed: a sort over every block's), kept while the main
 * segment is the one they came from.  The main segment changes only at
 * OPTIMIZE, which records a new meta 'posts_gen' (posts.h), so a word is
 * loaded once per OPTIMIZE and connection instead of once per query: at
 * 100,000 articles that load was an eighth of an OR of 8 frequent words.
 * With the term, when they fit, its blocks' bytes, read in one range scan
 * (posts.c): a seek of the posts table per block was a third of that OR.
 *
 * A query holds the terms it opened (posts_cache_get() and _put() count a
 * hold, posts_cache_release() ends it); only terms nobody holds are
 * evicted, least recently used first.  Bounds: POSTS_CACHE_TERMS terms and
 * POSTS_CACHE_BYTES per connection; a term over what is left is not kept
 * (its query frees it, as before the cache).  One thread at a time, like
 * its connection.
 */
#ifndef POSTS_CACHE_H
#define POSTS_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "post_term.h"

/* clang-format off */
#define POSTS_CACHE_TERMS 32          /* terms kept per connection */
#define POSTS_CACHE_BYTES (32u << 20) /* their memory, per connection */
/* clang-format on */

struct posts_cache;

/* The term word[0..len) of main segment gen, held; NULL if not kept. */
const struct post_term *posts_cache_get(struct posts_cache *k, int64_t gen,
                                        const char *word, size_t len);
/* A term's blocks' bytes: block i is bytes[at[i] .. at[i + 1]). */
struct posts_cache_blocks {
    uint8_t *bytes; /* owned */
    size_t *at;     /* owned: nblocks + 1 */
    size_t size;    /* at[nblocks] */
};

/* Keeps *t, just loaded, for gen (made on first use in *k), with its
 * blocks' bytes *b when b is not NULL: the kept term, held, *t and *b then
 * emptied; NULL if it was not kept (over the bounds, out of memory) and
 * both are still the caller's. */
const struct post_term *posts_cache_put(struct posts_cache **k, int64_t gen,
                                        const char *word, size_t len,
                                        struct post_term *t,
                                        struct posts_cache_blocks *b);
/* The bytes kept with t, a term _get() or _put() returned: NULL if none. */
const struct posts_cache_blocks *posts_cache_blocks(const struct posts_cache *k,
                                                    const struct post_term *t);
/* Frees what b holds and empties it. */
void posts_cache_blocks_free(struct posts_cache_blocks *b);
/* Ends a hold of t, a term _get() or _put() returned. */
void posts_cache_release(struct posts_cache *k, const struct post_term *t);
/* Frees every term; safe on NULL.  Nothing may be held. */
void posts_cache_free(struct posts_cache *k);

#endif
