/*
 * stem.h - the Indonesian stemmer used by the 'indonesian' FTS5 tokenizer.
 *
 * The root dictionary is loaded once per process and shared read-only; a
 * struct stemmer belongs to one thread at a time and holds its own cache.
 */
#ifndef STEM_H
#define STEM_H

#include <stddef.h>

struct stemmer;

/*
 * The version of the stemmer's rules and data: bumped whenever a change
 * makes some word stem differently (a rule, roots-extra.txt, names.txt).
 * An index records the version it was stemmed with; a query stemmed by
 * another version may miss the words that changed.  1: before names.txt;
 * 2: the gazetteer and "berikan" -> "beri".
 */
#define STEM_DATA_VERSION 2

/*
 * Returns a new stemmer, loading the shared dictionary on first use
 * (thread-safe).  NULL with a message in err if the dictionary can't load.
 * Free with stemmer_free().
 */
struct stemmer *stemmer_new(char *err, size_t errlen);
void stemmer_free(struct stemmer *s);

/*
 * Stems the case-folded UTF-8 word w[0..n) into out (cap bytes, no NUL
 * added) and returns the stem's length.  A word with no root in the
 * dictionary comes back unchanged.  Only the owning thread may call it.
 */
size_t stemmer_stem(struct stemmer *s, const char *w, size_t n, char *out,
                    size_t cap);

/*
 * Turns the word->stem cache on (the default) or off, e.g. to measure the
 * uncached stemmer.  Returns 0, or -1 when the cache can't be allocated
 * (the stemmer then runs uncached).  Owning thread only.
 */
int stemmer_set_cache(struct stemmer *s, int on);

/*
 * Returns 1 when the case-folded word w[0..n) is an Indonesian function
 * word in stopwords.txt ("yang", "dan", "di"), else 0.  Any thread; loads
 * nothing (the list is compiled in).
 */
int stem_is_stopword(const char *w, size_t n);

#endif
