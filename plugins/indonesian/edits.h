/*
 * edits.h - the words one edit away from a word (Damerau-Levenshtein
 * distance 1 over the letters a-z): each letter deleted, each pair of
 * neighbours swapped, each letter replaced by another, each letter
 * inserted anywhere.  What a spelling corrector looks up in a vocabulary
 * (plugins/fts5/spell.h).  Also the strings a few deletions away, for a
 * symmetric-delete index (plugins/fts5/spell_forms.h), and the distance
 * that confirms what such an index finds.  libc only, no allocation.
 */
#ifndef EDITS_H
#define EDITS_H

#include <stddef.h>

#define EDITS_MAX_WORD 64 /* longest word edits_one() takes, in bytes */

/* Receives one candidate w[0..n), borrowed for the call; 0 to go on. */
typedef int edits_fn(void *ctx, const char *w, size_t n);

/*
 * Nonzero if w[0..n) is 1..EDITS_MAX_WORD bytes of a-z only: the words
 * edits_one() takes (Indonesian is written in them; a word with a digit
 * or another script is not corrected).
 */
int edits_word(const char *w, size_t n);

/*
 * Calls fn once for each string one edit from w[0..n) (an edits_word()),
 * in this order: deletions, transpositions, substitutions, insertions.
 * The same string can come more than once (deleting either letter of
 * "aa"); w itself never does.  Returns 0, the first nonzero value fn
 * returned, or -1 if w is not an edits_word().
 */
int edits_one(const char *w, size_t n, edits_fn *fn, void *ctx);

/* The most calls edits_one() makes for a word of n letters: n deletions,
 * n - 1 transpositions (fewer when neighbours are equal), 25n
 * substitutions and 26(n + 1) insertions, 53n + 25 in all. */
size_t edits_count(size_t n);

/*
 * Calls fn for w[0..n) (an edits_word()) itself, then for each string made
 * by deleting one of its letters, and, with max 2, two: 1 + n + n(n-1)/2
 * at most, fewer since a letter equal to the one before it is deleted
 * only with that one (a string can still come twice: "aba" less a, b or
 * b, a).  The symmetric-delete trick: two words within max edits share
 * one of these strings.  Returns 0, fn's first nonzero value, or -1.
 */
int edits_deletes(const char *w, size_t n, int max, edits_fn *fn, void *ctx);

/*
 * The optimal string alignment distance between a[0..na) and b[0..nb)
 * (Damerau-Levenshtein where no substring is edited twice: deletions,
 * insertions, substitutions, neighbours swapped), or max + 1 when it is
 * over max (0 <= max < 8, both at most EDITS_MAX_WORD bytes, else
 * max + 1).
 */
int edits_distance(const char *a, size_t na, const char *b, size_t nb, int max);

#endif
