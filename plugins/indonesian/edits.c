/*
 * edits.c - see edits.h.  Each candidate is written into one buffer on
 * the stack and handed out at once: no allocation, nothing kept.
 */
#include <string.h>

#include "edits.h"

int
edits_word(const char *w, size_t n)
{
    if (n == 0 || n > EDITS_MAX_WORD) return 0;
    for (size_t i = 0; i < n; i++)
        if (w[i] < 'a' || w[i] > 'z') return 0;
    return 1;
}

size_t
edits_count(size_t n)
{
    return n == 0 ? 26 : 53 * n + 25;
}

int
edits_one(const char *w, size_t n, edits_fn *fn, void *ctx)
{
    char b[EDITS_MAX_WORD + 1];
    size_t i;
    int rc;
    char c;

    if (!edits_word(w, n)) return -1;
    for (i = 0; i < n; i++) { /* deletions */
        memcpy(b, w, i);
        memcpy(b + i, w + i + 1, n - i - 1);
        if ((rc = fn(ctx, b, n - 1)) != 0) return rc;
    }
    for (i = 0; i + 1 < n; i++) {       /* transpositions */
        if (w[i] == w[i + 1]) continue; /* the word itself */
        memcpy(b, w, n);
        b[i] = w[i + 1];
        b[i + 1] = w[i];
        if ((rc = fn(ctx, b, n)) != 0) return rc;
    }
    memcpy(b, w, n);
    for (i = 0; i < n; i++) { /* substitutions */
        for (c = 'a'; c <= 'z'; c++) {
            if (c == w[i]) continue;
            b[i] = c;
            if ((rc = fn(ctx, b, n)) != 0) return rc;
        }
        b[i] = w[i];
    }
    for (i = 0; i <= n; i++) { /* insertions */
        memcpy(b, w, i);
        memcpy(b + i + 1, w + i, n - i);
        for (c = 'a'; c <= 'z'; c++) {
            b[i] = c;
            if ((rc = fn(ctx, b, n + 1)) != 0) return rc;
        }
    }
    return 0;
}
