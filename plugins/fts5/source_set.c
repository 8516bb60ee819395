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

    for (i = 0; i < s->n; i++)
        roaring_bitmap_free(s->part[i].bits);
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

/* The part for high, made empty if there is none; NULL out of memory. */
static roaring_bitmap_t *
source_set_part(struct source_set *s, uint32_t high)
{
    int found, i = source_set_find(s, high, &found);
    roaring_bitmap_t *b;

    if (found) return s->part[i].bits;
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

int
source_set_add_sorted(struct source_set *s, const int64_t *d, size_t n)
{
    uint32_t low[1024];
    size_t i = 0, m;

    while (i < n) {
        uint32_t high = (uint32_t)((uint64_t)d[i] >> 32);
        roaring_bitmap_t *b = source_set_part(s, high);

        if (b == NULL) return -1;
        for (m = 0;
             i < n && m < 1024 && (uint32_t)((uint64_t)d[i] >> 32) == high;
             m++, i++)
            low[m] = (uint32_t)d[i];
        roaring_bitmap_add_many(b, m, low);
    }
    return 0;
}

void
source_set_remove(struct source_set *s, int64_t docid)
{
    int found,
        i = source_set_find(s, (uint32_t)((uint64_t)docid >> 32), &found);

    if (found) roaring_bitmap_remove(s->part[i].bits, (uint32_t)docid);
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

uint64_t
source_set_count(const struct source_set *s)
{
    uint64_t n = 0;
    int i;

    for (i = 0; i < s->n; i++)
        n += roaring_bitmap_get_cardinality(s->part[i].bits);
    return n;
}

uint64_t
source_set_and_count(const struct source_set *a, const struct source_set *b)
{
    uint64_t n = 0;
    int i = 0, j = 0;

    while (i < a->n && j < b->n) {
        if (a->part[i].high < b->part[j].high)
            i++;
        else if (a->part[i].high > b->part[j].high)
            j++;
        else
            n += roaring_bitmap_and_cardinality(a->part[i++].bits,
                                                b->part[j++].bits);
    }
    return n;
}

int
source_set_or(struct source_set *a, const struct source_set *b)
{
    int i;

    for (i = 0; i < b->n; i++) {
        roaring_bitmap_t *p = source_set_part(a, b->part[i].high);

        if (p == NULL) return -1;
        roaring_bitmap_or_inplace(p, b->part[i].bits);
    }
    return 0;
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
