/*
 * source_set.h - a set of docids (docid.h: day << 20 | rank, never
 * negative) on CRoaring's 32-bit bitmaps (Debian's libroaring-dev): one
 * bitmap per high 32-bit word of the docid, the parts in ascending order of
 * that word.  Rowids of real dates span very few high words (one per
 * 4,096 days), so a set is a bitmap or two.  No connection, no SQL:
 * sources.h stores one per source, source_filter.h tests docids against
 * them, source_map.h numbers every article's source from them.
 *
 * The BLOB (source_set_write()): a version byte (1), the number of parts
 * (4 bytes, little-endian), then per part its high word and the length of
 * its bitmap (4 bytes each) and the bitmap in roaring's portable format
 * (the one every CRoaring version and language reads).
 *
 * Out of memory: a function that can fail returns -1 (CRoaring's own
 * allocations, inside libroaring, are not counted by test_oom's wrapper).
 */
#ifndef SOURCE_SET_H
#define SOURCE_SET_H

#include <stddef.h>
#include <stdint.h>

#include <roaring/roaring.h>

struct source_set_part {
    uint32_t high;          /* the docids' high 32 bits */
    roaring_bitmap_t *bits; /* owned: their low 32 bits */
    uint32_t *flat;         /* owned: the same, ascending, or NULL */
    size_t nflat;
};

struct source_set {
    struct source_set_part *part; /* owned, ascending by high */
    int n, cap;
};

/* An empty set (also what a zeroed struct is). */
void source_set_init(struct source_set *s);
/* Frees what s holds and leaves it empty. */
void source_set_clear(struct source_set *s);

/* Adds docid (>= 0): 0, or -1 out of memory (s unchanged). */
int source_set_add(struct source_set *s, int64_t docid);
/* Removes docid if it is there. */
void source_set_remove(struct source_set *s, int64_t docid);
/* Whether docid is in s. */
int source_set_contains(const struct source_set *s, int64_t docid);
/* How many docids s holds. */
uint64_t source_set_count(const struct source_set *s);

/* Makes every part's flat array (4 bytes a docid), for cursors: 0, -1
 * out of memory.  The set must not change after it (readers' sets). */
int source_set_flatten(struct source_set *s);

/* A cursor for membership tests asked in ascending docid order (the
 * engine's matches): each gallops forward through a flattened set's
 * arrays from where the last stopped (a roaring lookup per docid was half
 * of a filtered search).  Any order stays right (a smaller docid starts
 * again).  Without flat arrays it asks the bitmaps. */
struct source_set_cursor {
    const struct source_set *s; /* borrowed */
    int part;                   /* the part it is in, -1 none */
    size_t at;                  /* its place in the part's flat array */
    int64_t last;               /* the docid asked last */
};

/* A cursor at the start of s. */
void source_set_cursor_init(struct source_set_cursor *c,
                            const struct source_set *s);
/* Whether docid is in the cursor's set. */
int source_set_cursor_has(struct source_set_cursor *c, int64_t docid);

/* The bytes source_set_write() writes (run-compressed first). */
size_t source_set_size(struct source_set *s);
/* Writes s into buf (source_set_size(s) bytes); returns that size. */
size_t source_set_write(const struct source_set *s, uint8_t *buf);
/* Reads buf[0..len) into the empty set s: 0, -1 if the bytes are not a
 * set (s stays empty), -2 out of memory. */
int source_set_read(struct source_set *s, const uint8_t *buf, size_t len);

#endif
