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

#endif
