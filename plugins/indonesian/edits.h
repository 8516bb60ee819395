/*
 * edits.h - the words one edit away from a word (Damerau-Levenshtein
 * distance 1 over the letters a-z): each letter deleted, each pair of
 * neighbours swapped, each letter replaced by another, each letter
 * inserted anywhere.  What a spelling corrector looks up in a vocabulary
 * (plugins/fts5/spell.h).  libc only, no allocation.
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

#endif
