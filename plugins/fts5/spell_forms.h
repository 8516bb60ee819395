/*
 * spell_forms.h - the long words of the index as articles write them
 * (spell_learn.h learns them at commit), each with its stem, and their
 * symmetric-delete index (SymSpell): every string one or two deletions
 * away from a word's first SPELL_FORMS_PREFIX letters points at the word,
 * so that the words within two edits of a query word are found by
 * looking up its own deletions (1 + 7 + 21 at most) instead of stemming
 * the ~250,000 strings two edits away.  What is found is confirmed with
 * edits_distance() over the whole words.  A reader's (spell.h), libc
 * only; one thread at a time (a lookup stamps what it saw).
 *
 * Memory: for each word, each of its (at most) 29 deletions a 4-byte
 * entry, a directory of about one 4-byte slot per 4 entries, the words
 * and stems themselves and a stamp: some 150 bytes a word (while the
 * index is built, 16 bytes more per entry for the sort).
 */
#ifndef SPELL_FORMS_H
#define SPELL_FORMS_H

#include <stddef.h>
#include <stdint.h>

/* clang-format off */
#define SPELL_FORMS_MIN    7    /* shorter words are not kept */
#define SPELL_FORMS_PREFIX 7    /* letters of a word its deletions are of */
/* clang-format on */

struct spell_forms;

/* Receives one word found and its stem, borrowed for the call, with its
 * distance from the looked-up word; 0 to go on. */
typedef int spell_forms_fn(void *ctx, const char *w, size_t n, const char *stem,
                           size_t stem_len, int distance);

/* An empty set, or NULL when out of memory. */
struct spell_forms *spell_forms_new(void);
/* Adds word w[0..n) (an edits_word() of SPELL_FORMS_MIN or more letters;
 * others are skipped) with its stem: 0, or -1 when out of memory.  Before
 * spell_forms_index(). */
int spell_forms_add(struct spell_forms *f, const char *w, size_t n,
                    const char *stem, size_t stem_len);
/* Builds the index of deletions: 0, or -1 when out of memory. */
int spell_forms_index(struct spell_forms *f);
/* Calls fn for each word within max (1 or 2) edits of w[0..n), w itself
 * included (distance 0), each once; 0, or fn's first nonzero value. */
int spell_forms_near(struct spell_forms *f, const char *w, size_t n, int max,
                     spell_forms_fn *fn, void *ctx);
/* Words held, and the bytes they and their index take. */
uint32_t spell_forms_count(const struct spell_forms *f);
size_t spell_forms_bytes(const struct spell_forms *f);
void spell_forms_free(struct spell_forms *f);

#endif
