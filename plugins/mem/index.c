/*
 * index.c - the in-memory plugin's articles and inverted index.  Two
 * chained hash tables (id -> article, term -> postings); a posting knows
 * its slot in the article and the article knows its slot in each posting
 * list, so removing an article is O(its terms), not O(postings).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index.h"
#include "xmalloc.h"

#define INDEX_MIN_BUCKETS 1024 /* initial buckets of each table */

void
index_init(struct index *ix)
{
    memset(ix, 0, sizeof *ix);
    ix->ndoc_bucket = INDEX_MIN_BUCKETS;
    ix->doc = xcalloc(ix->ndoc_bucket, sizeof(struct index_doc *));
    ix->nterm_bucket = INDEX_MIN_BUCKETS;
    ix->term = xcalloc(ix->nterm_bucket, sizeof(struct index_term *));
}

void
index_free(struct index *ix)
{
    size_t i;

    for (i = 0; i < ix->ndoc_bucket; i++) {
        struct index_doc *d = ix->doc[i], *next;
        for (; d != NULL; d = next) {
            next = d->next;
            index_doc_free(d);
        }
    }
    for (i = 0; i < ix->nterm_bucket; i++) {
        struct index_term *t = ix->term[i], *next;
        for (; t != NULL; t = next) {
            next = t->next;
            free(t->post);
            free(t);
        }
    }
    free(ix->doc);
    free(ix->term);
    memset(ix, 0, sizeof *ix);
}

uint64_t
index_hash(const char *p, size_t len)
{
    uint64_t h = 14695981039346656037ULL;
    size_t i;

    for (i = 0; i < len; i++) {
        h ^= (unsigned char)p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

uint64_t
index_hash_folded(const char *p, size_t len)
{
    uint64_t h = 14695981039346656037ULL;
    size_t i;

    for (i = 0; i < len; i++) {
        h ^= (unsigned char)index_fold_byte(p[i]);
        h *= 1099511628211ULL;
    }
    return h;
}

char
index_fold_byte(char c)
{
    return (char)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
}

int
index_is_word(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c >= 0x80;
}

size_t
index_token_next(const char *p, size_t len, size_t *pos, size_t *start)
{
    size_t i = *pos, s;

    while (i < len && !index_is_word((unsigned char)p[i]))
        i++;
    s = i;
    while (i < len && index_is_word((unsigned char)p[i]))
        i++;
    *pos = i;
    *start = s;
    return i - s;
}

void
index_fold(const char *p, size_t len, char *out)
{
    size_t i;

    for (i = 0; i < len; i++)
        out[i] = index_fold_byte(p[i]);
}

/* Orders terms by hash, then bytes: the key of a doc's term[] array. */
static int
index_key_cmp(uint64_t ha, const char *a, size_t alen, uint64_t hb,
              const char *b, size_t blen)
{
    int c;

    if (ha != hb) return ha < hb ? -1 : 1;
    c = memcmp(a, b, alen < blen ? alen : blen);
    if (c != 0) return c;
    return alen < blen ? -1 : alen > blen;
}

static int
index_dterm_cmp(const void *a, const void *b)
{
    const struct index_dterm *x = a, *y = b;

    return index_key_cmp(x->hash, x->text, x->len, y->hash, y->text, y->len);
}

/* Appends the words of p[0..len) to doc->term[] (unsorted, duplicates
 * allowed), folding them into doc->tokens at *used. */
static void
index_doc_tokenize(struct index_doc *doc, const char *p, size_t len,
                   int in_title, size_t *used)
{
    size_t pos = 0, start, n;

    while ((n = index_token_next(p, len, &pos, &start)) > 0) {
        struct index_dterm *t = &doc->term[doc->nterm++];
        char *out = doc->tokens + *used;

        index_fold(p + start, n, out);
        *used += n;
        memset(t, 0, sizeof *t);
        t->text = out;
        t->len = n;
        t->hash = index_hash(out, n);
        t->tf_title = in_title ? 1 : 0;
        t->tf_body = in_title ? 0 : 1;
    }
}

/* Sorts doc->term[] and merges duplicates, summing their counts. */
static void
index_doc_merge(struct index_doc *doc)
{
    size_t i, out = 0;

    qsort(doc->term, doc->nterm, sizeof *doc->term, index_dterm_cmp);
    for (i = 0; i < doc->nterm; i++) {
        if (out > 0 &&
            index_dterm_cmp(&doc->term[out - 1], &doc->term[i]) == 0) {
            doc->term[out - 1].tf_title += doc->term[i].tf_title;
            doc->term[out - 1].tf_body += doc->term[i].tf_body;
        } else {
            doc->term[out++] = doc->term[i];
        }
    }
    doc->nterm = out;
}

struct index_doc *
index_doc_new(const struct carid_doc *d, char *err, size_t errlen)
{
    struct index_doc *doc;
    size_t size = sizeof *doc + d->id.len, words, used = 0, i;
    const struct carid_str *title, *body;
    char *p;

    for (i = 0; i < CARID_FIELD_COUNT; i++)
        size += d->field[i].p != NULL ? d->field[i].len : 0;
    doc = malloc(size);
    if (doc == NULL) goto fail;
    memset(doc, 0, sizeof *doc);
    p = (char *)(doc + 1);
    memcpy(p, d->id.p, d->id.len);
    doc->id.p = p;
    doc->id.len = d->id.len;
    doc->hash = index_hash(p, d->id.len);
    p += d->id.len;
    for (i = 0; i < CARID_FIELD_COUNT; i++) {
        if (d->field[i].p == NULL || d->field[i].len == 0) continue;
        memcpy(p, d->field[i].p, d->field[i].len);
        doc->field[i].p = p;
        doc->field[i].len = d->field[i].len;
        p += d->field[i].len;
    }

    /* A word takes at least one byte plus a separator. */
    title = &doc->field[CARID_FIELD_TITLE];
    body = &doc->field[CARID_FIELD_BODY];
    words = (title->len + 1) / 2 + (body->len + 1) / 2;
    doc->term = malloc((words ? words : 1) * sizeof *doc->term);
    doc->tokens = malloc(title->len + body->len + 1);
    if (doc->term == NULL || doc->tokens == NULL) goto fail;
    index_doc_tokenize(doc, title->p, title->len, 1, &used);
    index_doc_tokenize(doc, body->p, body->len, 0, &used);
    index_doc_merge(doc);
    return doc;

fail:
    index_doc_free(doc);
    snprintf(err, errlen, "out of memory");
    return NULL;
}

void
index_doc_free(struct index_doc *doc)
{
    if (doc == NULL) return;
    free(doc->term);
    free(doc->tokens);
    free(doc);
}

struct index_doc *
index_find(const struct index *ix, const char *id, size_t len)
{
    uint64_t h = index_hash(id, len);
    struct index_doc *d = ix->doc[h & (ix->ndoc_bucket - 1)];

    for (; d != NULL; d = d->next) {
        if (d->hash == h && d->id.len == len && memcmp(d->id.p, id, len) == 0)
            return d;
    }
    return NULL;
}

const struct index_term *
index_term_find(const struct index *ix, const char *text, size_t len,
                uint64_t hash)
{
    const struct index_term *t = ix->term[hash & (ix->nterm_bucket - 1)];

    for (; t != NULL; t = t->next) {
        if (t->hash == hash && t->len == len && memcmp(t->text, text, len) == 0)
            return t;
    }
    return NULL;
}

const struct index_dterm *
index_doc_term(const struct index_doc *doc, const char *text, size_t len,
               uint64_t hash)
{
    size_t lo = 0, hi = doc->nterm;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const struct index_dterm *t = &doc->term[mid];
        int c = index_key_cmp(hash, text, len, t->hash, t->text, t->len);
        if (c == 0) return t;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

/* Doubles a table's buckets when it holds more entries than buckets. */
static void
index_grow_docs(struct index *ix)
{
    size_t n = ix->ndoc_bucket * 2, i;
    struct index_doc **b = xcalloc(n, sizeof(struct index_doc *));

    for (i = 0; i < ix->ndoc_bucket; i++) {
        struct index_doc *d = ix->doc[i], *next;
        for (; d != NULL; d = next) {
            next = d->next;
            d->next = b[d->hash & (n - 1)];
            b[d->hash & (n - 1)] = d;
        }
    }
    free(ix->doc);
    ix->doc = b;
    ix->ndoc_bucket = n;
}

static void
index_grow_terms(struct index *ix)
{
    size_t n = ix->nterm_bucket * 2, i;
    struct index_term **b = xcalloc(n, sizeof(struct index_term *));

    for (i = 0; i < ix->nterm_bucket; i++) {
        struct index_term *t = ix->term[i], *next;
        for (; t != NULL; t = next) {
            next = t->next;
            t->next = b[t->hash & (n - 1)];
            b[t->hash & (n - 1)] = t;
        }
    }
    free(ix->term);
    ix->term = b;
    ix->nterm_bucket = n;
}

/* The term for dt, created if new. */
static struct index_term *
index_term_get(struct index *ix, const struct index_dterm *dt)
{
    struct index_term **b, *t;

    t = (struct index_term *)index_term_find(ix, dt->text, dt->len, dt->hash);
    if (t != NULL) return t;
    if (ix->nterm >= ix->nterm_bucket) index_grow_terms(ix);
    t = xcalloc(1, sizeof *t + dt->len);
    memcpy(t->text, dt->text, dt->len);
    t->len = dt->len;
    t->hash = dt->hash;
    b = &ix->term[t->hash & (ix->nterm_bucket - 1)];
    t->next = *b;
    *b = t;
    ix->nterm++;
    return t;
}

/* Unlinks and frees a term whose posting list became empty. */
static void
index_term_drop(struct index *ix, struct index_term *t)
{
    struct index_term **pp = &ix->term[t->hash & (ix->nterm_bucket - 1)];

    while (*pp != t)
        pp = &(*pp)->next;
    *pp = t->next;
    ix->nterm--;
    free(t->post);
    free(t);
}

/* Removes doc from every posting list and from the id table, frees it. */
static void
index_unlink(struct index *ix, struct index_doc *doc)
{
    struct index_doc **pp = &ix->doc[doc->hash & (ix->ndoc_bucket - 1)];
    size_t i;

    for (i = 0; i < doc->nterm; i++) {
        struct index_dterm *dt = &doc->term[i];
        struct index_term *t = dt->term;
        struct index_posting last = t->post[--t->npost];

        /* Swap-remove: the last posting fills the hole, and its article
         * learns its new slot. */
        if (dt->pos != t->npost) {
            t->post[dt->pos] = last;
            last.doc->term[last.slot].pos = dt->pos;
        }
        if (t->npost == 0) index_term_drop(ix, t);
    }
    while (*pp != doc)
        pp = &(*pp)->next;
    *pp = doc->next;
    ix->ndoc--;
    index_doc_free(doc);
}

void
index_put(struct index *ix, struct index_doc *doc)
{
    struct index_doc *old = index_find(ix, doc->id.p, doc->id.len);
    struct index_doc **b;
    size_t i;

    if (old != NULL) index_unlink(ix, old);
    for (i = 0; i < doc->nterm; i++) {
        struct index_dterm *dt = &doc->term[i];
        struct index_term *t = index_term_get(ix, dt);

        if (t->npost == t->cap) {
            t->cap = t->cap ? t->cap * 2 : 4;
            t->post = xrealloc(t->post, t->cap * sizeof *t->post);
        }
        t->post[t->npost].doc = doc;
        t->post[t->npost].slot = i;
        dt->pos = t->npost++;
        dt->term = t;
        /* The term owns the text now; same bytes, so the order holds. */
        dt->text = t->text;
    }
    free(doc->tokens);
    doc->tokens = NULL;
    if (ix->ndoc >= ix->ndoc_bucket) index_grow_docs(ix);
    b = &ix->doc[doc->hash & (ix->ndoc_bucket - 1)];
    doc->next = *b;
    *b = doc;
    doc->seq = ++ix->seq;
    ix->ndoc++;
}

int
index_del(struct index *ix, const char *id, size_t len)
{
    struct index_doc *doc = index_find(ix, id, len);

    if (doc == NULL) return 0;
    index_unlink(ix, doc);
    return 1;
}
