/*
 * source_set.c - see source_set.h.
 */
#include <stdlib.h>
#include <string.h>

#include "source_set.h"

#define SOURCE_SET_VERSION 1

void
source_set_init(struct source_set *s)
{
    memset(s, 0, sizeof *s);
}

void
source_set_clear(struct source_set *s)
{
    int i;

    for (i = 0; i < s->n; i++) {
        roaring_bitmap_free(s->part[i].bits);
        free(s->part[i].flat);
    }
    free(s->part);
    source_set_init(s);
}

/* The index of the part for high, or where it would go (*found 0). */
static int
source_set_find(const struct source_set *s, uint32_t high, int *found)
{
    int i;

    /* a handful of parts: a linear walk beats a binary search */
    for (i = 0; i < s->n && s->part[i].high < high; i++)
        ;
    *found = i < s->n && s->part[i].high == high;
    return i;
}

/* The part for high, made empty if there is none, to be changed (its flat
 * array goes); NULL out of memory. */
static roaring_bitmap_t *
source_set_part(struct source_set *s, uint32_t high)
{
    int found, i = source_set_find(s, high, &found);
    roaring_bitmap_t *b;

    if (found) {
        free(s->part[i].flat);
        s->part[i].flat = NULL;
        return s->part[i].bits;
    }
    if (s->n == s->cap) {
        int cap = s->cap > 0 ? 2 * s->cap : 4;
        struct source_set_part *p = realloc(s->part, (size_t)cap * sizeof *p);

        if (p == NULL) return NULL;
        s->part = p;
        s->cap = cap;
    }
    if ((b = roaring_bitmap_create()) == NULL) return NULL;
    memmove(&s->part[i + 1], &s->part[i], (size_t)(s->n - i) * sizeof *s->part);
    s->part[i].high = high;
    s->part[i].bits = b;
    s->part[i].flat = NULL;
    s->part[i].nflat = 0;
    s->n++;
    return b;
}

int
source_set_add(struct source_set *s, int64_t docid)
{
    roaring_bitmap_t *b = source_set_part(s, (uint32_t)((uint64_t)docid >> 32));

    if (b == NULL) return -1;
    roaring_bitmap_add(b, (uint32_t)docid);
    return 0;
}

void
source_set_remove(struct source_set *s, int64_t docid)
{
    int found,
        i = source_set_find(s, (uint32_t)((uint64_t)docid >> 32), &found);

    if (!found) return;
    free(s->part[i].flat);
    s->part[i].flat = NULL;
    roaring_bitmap_remove(s->part[i].bits, (uint32_t)docid);
}

int
source_set_contains(const struct source_set *s, int64_t docid)
{
    uint32_t high = (uint32_t)((uint64_t)docid >> 32);
    int i;

    if (docid < 0) return 0;
    for (i = 0; i < s->n; i++)
        if (s->part[i].high == high)
            return roaring_bitmap_contains(s->part[i].bits, (uint32_t)docid);
    return 0;
}

int
source_set_flatten(struct source_set *s)
{
    int i;

    for (i = 0; i < s->n; i++) {
        struct source_set_part *p = &s->part[i];

        if (p->flat != NULL) continue;
        p->nflat = (size_t)roaring_bitmap_get_cardinality(p->bits);
        if ((p->flat = malloc(p->nflat > 0 ? p->nflat * 4 : 1)) == NULL)
            return -1;
        roaring_bitmap_to_uint32_array(p->bits, p->flat);
    }
    return 0;
}

void
source_set_cursor_init(struct source_set_cursor *c, const struct source_set *s)
{
    memset(c, 0, sizeof *c);
    c->s = s;
    c->part = -1;
    c->last = -1;
}

/* The first place at or after at in a[0..n) holding a value >= v:
 * galloping (1, 2, 4, ... ahead), then a binary search. */
static size_t
source_set_gallop(const uint32_t *a, size_t n, size_t at, uint32_t v)
{
    size_t step = 1, lo = at, hi;

    if (at >= n || a[at] >= v) return at;
    while (at + step < n && a[at + step] < v) {
        lo = at + step;
        step *= 2;
    }
    hi = at + step < n ? at + step : n; /* a[lo] < v, a[hi] >= v or end */
    while (lo + 1 < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (a[mid] < v)
            lo = mid;
        else
            hi = mid;
    }
    return hi;
}

int
source_set_cursor_has(struct source_set_cursor *c, int64_t docid)
{
    uint32_t high = (uint32_t)((uint64_t)docid >> 32), low = (uint32_t)docid;
    const struct source_set_part *p;
    int i;

    if (docid < 0) return 0;
    if (docid < c->last) c->part = -1; /* backwards: start again */
    c->last = docid;
    if (c->part < 0 || c->s->part[c->part].high != high) {
        for (i = 0; i < c->s->n && c->s->part[i].high != high; i++)
            ;
        if (i == c->s->n) {
            c->part = -1;
            return 0;
        }
        c->part = i;
        c->at = 0;
    }
    p = &c->s->part[c->part];
    if (p->flat == NULL) return roaring_bitmap_contains(p->bits, low);
    c->at = source_set_gallop(p->flat, p->nflat, c->at, low);
    return c->at < p->nflat && p->flat[c->at] == low;
}

uint64_t
source_set_count(const struct source_set *s)
{
    uint64_t n = 0;
    int i;

    for (i = 0; i < s->n; i++)
        n += roaring_bitmap_get_cardinality(s->part[i].bits);
    return n;
}

static void
source_set_put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static uint32_t
source_set_get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

size_t
source_set_size(struct source_set *s)
{
    size_t n = 5;
    int i;

    for (i = 0; i < s->n; i++) {
        roaring_bitmap_run_optimize(s->part[i].bits);
        n += 8 + roaring_bitmap_portable_size_in_bytes(s->part[i].bits);
    }
    return n;
}

size_t
source_set_write(const struct source_set *s, uint8_t *buf)
{
    size_t n = 5, len;
    int i;

    buf[0] = SOURCE_SET_VERSION;
    source_set_put32(buf + 1, (uint32_t)s->n);
    for (i = 0; i < s->n; i++) {
        len = roaring_bitmap_portable_serialize(s->part[i].bits,
                                                (char *)buf + n + 8);
        source_set_put32(buf + n, s->part[i].high);
        source_set_put32(buf + n + 4, (uint32_t)len);
        n += 8 + len;
    }
    return n;
}

int
source_set_read(struct source_set *s, const uint8_t *buf, size_t len)
{
    size_t at = 5, bytes;
    uint32_t parts, i, high;
    roaring_bitmap_t *b;

    if (len < 5 || buf[0] != SOURCE_SET_VERSION) return -1;
    parts = source_set_get32(buf + 1);
    if (parts > (len - 5) / 8) return -1;
    s->part = calloc(parts > 0 ? parts : 1, sizeof *s->part);
    if (s->part == NULL) return -2;
    s->cap = (int)(parts > 0 ? parts : 1);
    for (i = 0; i < parts; i++) {
        if (len - at < 8) break;
        high = source_set_get32(buf + at);
        bytes = source_set_get32(buf + at + 4);
        at += 8;
        if (bytes > len - at || (i > 0 && high <= s->part[i - 1].high)) break;
        b = roaring_bitmap_portable_deserialize_safe((const char *)buf + at,
                                                     bytes);
        if (b == NULL) break;
        s->part[i].high = high;
        s->part[i].bits = b;
        s->n++;
        if (roaring_bitmap_portable_size_in_bytes(b) != bytes) break;
        at += bytes;
    }
    if (i == parts && at == len) return 0;
    source_set_clear(s);
    return -1;
}
