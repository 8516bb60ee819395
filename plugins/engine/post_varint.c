/*
 * post_varint.c - see post_varint.h.
 */
#include "post_varint.h"

size_t
post_varint_put(uint8_t *out, size_t at, uint64_t v)
{
    while (v >= 0x80) {
        out[at++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    out[at++] = (uint8_t)v;
    return at;
}

int
post_varint_get(const uint8_t *p, size_t n, size_t *i, uint64_t *v)
{
    uint64_t x = 0;
    int shift = 0;

    /* Most tfs, lengths and deltas of frequent terms take one byte. */
    if (*i < n && p[*i] < 0x80) {
        *v = p[(*i)++];
        return 0;
    }
    while (*i < n) {
        uint8_t b = p[(*i)++];

        if (shift == 63 && b > 1) return -1;
        x |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *v = x;
            return 0;
        }
        shift += 7;
        if (shift > 63) return -1;
    }
    return -1;
}
