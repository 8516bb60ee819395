/*
 * stem_rules.h - the confix-stripping core of the stemmer: every analysis
 * of one plain [a-z] word whose root is in the dictionary, ranked.
 */
#ifndef STEM_RULES_H
#define STEM_RULES_H

#include <stddef.h>

#define STEM_RULES_MAX 48 /* bytes; longer words are not analysed */

/*
 * Stems w[0..n) (lower-case a-z only, n <= STEM_RULES_MAX) into out, which
 * has room for STEM_RULES_MAX bytes, and returns the stem's length.  A word
 * that is itself a root, or that has no analysis, is copied unchanged.
 * Pure function of the loaded dictionary: any thread.
 */
size_t stem_rules_word(const char *w, size_t n, char *out);

/*
 * Marks dictionary entries that hunspell-id's own flags derive from another
 * root (its list has "pelajar", "kepulauan", "biarkan" as entries), bare
 * -kan imperatives ("belikan") and flagless -an nouns of a more frequent
 * root ("besaran") as DICT_DERIVED, so they are stemmed further.  Call once,
 * after dict_open() and before any stemming (stemmer_new() does, under
 * pthread_once).
 */
void stem_rules_derive(void);
/* 1 if stem_rules_derive() ran out of memory: some entries went unmarked,
 * so the stemmer would stem their words differently and must not run. */
int stem_rules_derive_failed(void);

#endif
