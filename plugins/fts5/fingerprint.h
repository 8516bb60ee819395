/*
 * fingerprint.h - what tells two articles are copies of one story: a
 * 64-bit SimHash (Charikar) and four MinHash band keys, both over the
 * body's 3-word shingles (words: runs of ASCII letters and digits and of
 * bytes >= 0x80, ASCII folded to lower case).  Copies share a band key
 * (the cheap lookup, dups.h) and lie within FINGERPRINT_MAX_DISTANCE bits
 * of each other (the check).  Pure C, no allocation, no connection.
 *
 * Why both (DESIGN.md, "One story once"): on the shared corpus a copy
 * with one paragraph dropped lies a median 7 bits away (p90 11), too far
 * for Manku's tables of 16-bit parts, which find distance <= 3 for sure
 * (13 % of those copies); two of eight MinHash values per band key find
 * 96 % of them within 12 bits (59 % within 7), and of the corpus's 6
 * million pairs of different articles the nearest is 11 bits apart and
 * those sharing a band key 15 or more (tests/unit/test_fingerprint.c
 * checks both figures on the corpus).
 */
#ifndef FINGERPRINT_H
#define FINGERPRINT_H

#include <stddef.h>
#include <stdint.h>

#define FINGERPRINT_BANDS        4  /* band keys per article */
#define FINGERPRINT_MAX_DISTANCE 12 /* bits: at most this far, a copy */

struct fingerprint {
    uint64_t simhash;
    int64_t key[FINGERPRINT_BANDS]; /* MinHash bands, as SQLite integers */
};

/* Fills fp from text[0..len); 0 when the text has no word (no
 * fingerprint: the article is nobody's copy), else 1. */
int fingerprint_make(const char *text, size_t len, struct fingerprint *fp);

/* Bits in which a and b differ. */
int fingerprint_distance(uint64_t a, uint64_t b);

#endif
