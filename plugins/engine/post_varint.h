/*
 * post_varint.h - LEB128 varints (7 bits a byte, low bits first), the one
 * encoding of the engine's block headers and of the fts5 plugin's fresh
 * postings (plugins/fts5/posts_fresh.c).  No allocation, no state.
 */
#ifndef POST_VARINT_H
#define POST_VARINT_H

#include <stddef.h>
#include <stdint.h>

/* Most bytes a varint of 64 bits takes. */
#define POST_VARINT_MAX 10

/* Writes v at out[at..] (room for POST_VARINT_MAX bytes); returns the
 * position after it. */
size_t post_varint_put(uint8_t *out, size_t at, uint64_t v);
/* Reads the varint at p[*i..n) into *v and moves *i past it: 0, or -1 if
 * it runs past n, is longer than POST_VARINT_MAX bytes or exceeds 64
 * bits (corrupt input is refused, never read beyond n). */
int post_varint_get(const uint8_t *p, size_t n, size_t *i, uint64_t *v);

#endif
