/*
 * stem.c - TEMPORARY identity stemmer so the tokenizer builds while the real
 * confix-stripping stemmer (issue 3) is written.  Replaced wholesale.
 */
#include <stdlib.h>
#include <string.h>

#include "stem.h"

struct stemmer {
    int unused;
};

struct stemmer *
stemmer_new(char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    return calloc(1, sizeof(struct stemmer));
}

void
stemmer_free(struct stemmer *s)
{
    free(s);
}

size_t
stemmer_stem(struct stemmer *s, const char *w, size_t n, char *out,
             size_t cap)
{
    (void)s;
    if (n > cap)
        n = cap;
    memcpy(out, w, n);
    return n;
}
