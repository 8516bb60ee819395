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

int
edits_deletes(const char *w, size_t n, int max, edits_fn *fn, void *ctx)
{
    char b[EDITS_MAX_WORD];
    size_t i, j;
    int rc;

    if (!edits_word(w, n)) return -1;
    if ((rc = fn(ctx, w, n)) != 0 || max < 1) return rc;
    for (i = 0; i < n; i++) {
        if (i > 0 && w[i] == w[i - 1]) continue; /* as deleting i - 1 */
        memcpy(b, w, i);
        memcpy(b + i, w + i + 1, n - i - 1);
        if ((rc = fn(ctx, b, n - 1)) != 0) return rc;
        if (max < 2) continue;
        for (j = i + 1; j < n; j++) {
            if (w[j] == w[j - 1] && j - 1 != i) continue;
            memcpy(b, w, i);
            memcpy(b + i, w + i + 1, j - i - 1);
            memcpy(b + j - 1, w + j + 1, n - j - 1);
            if ((rc = fn(ctx, b, n - 2)) != 0) return rc;
        }
    }
    return 0;
}

int
edits_distance(const char *a, size_t na, const char *b, size_t nb, int max)
{
    /* three rows of the table: two back (for a swap), one back, this */
    int row[3][EDITS_MAX_WORD + 1];
    size_t i, j;

    if (max < 0 || max >= 8 || na > EDITS_MAX_WORD || nb > EDITS_MAX_WORD ||
        (na > nb ? na - nb : nb - na) > (size_t)max)
        return max + 1;
    for (j = 0; j <= nb; j++)
        row[0][j] = (int)j;
    for (i = 1; i <= na; i++) {
        int *cur = row[i % 3], *up = row[(i - 1) % 3], *up2 = row[(i + 1) % 3];
        int least;

        cur[0] = (int)i;
        least = cur[0];
        for (j = 1; j <= nb; j++) {
            int d = up[j - 1] + (a[i - 1] != b[j - 1]);

            if (up[j] + 1 < d) d = up[j] + 1;
            if (cur[j - 1] + 1 < d) d = cur[j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
                a[i - 2] == b[j - 1] && up2[j - 2] + 1 < d)
                d = up2[j - 2] + 1;
            cur[j] = d;
            if (d < least) least = d;
        }
        if (least > max) return max + 1; /* every later row is worse */
    }
    return row[na % 3][nb] > max ? max + 1 : row[na % 3][nb];
}
