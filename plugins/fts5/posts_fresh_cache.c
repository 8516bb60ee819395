/*
 * posts_fresh_cache.c - see posts_fresh.h: a reader connection's fresh
 * terms, kept while the tier is the one they were built from.  The tier
 * changes only at a commit or an OPTIMIZE, each of which makes a new
 * meta 'fresh_gen', so a word's fresh term is folded and cut once per
 * commit and connection instead of once per query.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "posts_fresh.h"

/* Words kept; more than twice a query's, so that the least recently used
 * slot is never one the current query holds. */
#define POSTS_FRESH_CACHE 16

struct posts_fresh_slot {
    char *term; /* owned; NULL: empty */
    size_t len;
    int has;     /* the word has fresh postings: t is built */
    size_t cost; /* postings of its rows, what a query's budget pays */
    uint64_t used;
    struct posts_fresh_term t;
};

struct posts_fresh_cache {
    int64_t gen;
    uint64_t clock;
    struct posts_fresh_slot slot[POSTS_FRESH_CACHE];
};

static void
posts_fresh_slot_clear(struct posts_fresh_slot *s)
{
    free(s->term);
    posts_fresh_close(&s->t);
    memset(s, 0, sizeof *s);
}

void
posts_fresh_cache_free(struct posts_fresh_cache *k)
{
    int i;

    if (k == NULL) return;
    for (i = 0; i < POSTS_FRESH_CACHE; i++)
        posts_fresh_slot_clear(&k->slot[i]);
    free(k);
}

/* The slot of term, or NULL. */
static struct posts_fresh_slot *
posts_fresh_cache_find(struct posts_fresh_cache *k, const char *term,
                       size_t len)
{
    int i;

    for (i = 0; i < POSTS_FRESH_CACHE; i++)
        if (k->slot[i].term != NULL && k->slot[i].len == len &&
            memcmp(k->slot[i].term, term, len) == 0)
            return &k->slot[i];
    return NULL;
}

/* An empty slot, or the least recently used one emptied. */
static struct posts_fresh_slot *
posts_fresh_cache_victim(struct posts_fresh_cache *k)
{
    struct posts_fresh_slot *v = &k->slot[0];
    int i;

    for (i = 0; i < POSTS_FRESH_CACHE; i++) {
        if (k->slot[i].term == NULL) return &k->slot[i];
        if (k->slot[i].used < v->used) v = &k->slot[i];
    }
    posts_fresh_slot_clear(v);
    return v;
}

int
posts_fresh_get(struct db_conn *c, int64_t gen, const char *term, size_t len,
                int64_t df, size_t *budget, struct posts_fresh_term **t,
                char *err, size_t errlen)
{
    struct posts_fresh_cache *k = c->fresh;
    struct posts_fresh_slot *s;
    size_t left = *budget;
    int i, rc;

    *t = NULL;
    if (k == NULL && (k = c->fresh = calloc(1, sizeof *k)) == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (k->gen != gen) {
        for (i = 0; i < POSTS_FRESH_CACHE; i++)
            posts_fresh_slot_clear(&k->slot[i]);
        k->gen = gen;
    }
    if ((s = posts_fresh_cache_find(k, term, len)) == NULL) {
        s = posts_fresh_cache_victim(k);
        /* the whole docid range: a query's FROM/TO is its cursors' */
        rc = posts_fresh_open(c, term, len, df, INT64_MIN, INT64_MAX, &left,
                              &s->t, err, errlen);
        if (rc == 2) return 2; /* nothing cached: over the limit anyway */
        if (rc < 0) return -1;
        if ((s->term = malloc(len > 0 ? len : 1)) == NULL) {
            posts_fresh_slot_clear(s);
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        memcpy(s->term, term, len);
        s->len = len;
        s->has = rc == 1;
        s->cost = *budget - left;
    } else if (s->cost > *budget) {
        return 2;
    }
    s->used = ++k->clock;
    *budget -= s->cost;
    if (!s->has) return 0;
    s->t.term.df = df; /* the index's df moves at every commit */
    *t = &s->t;
    return 1;
}
