/*
 * engine_meet.c - see engine_meet.h.  The lead's docids meet the first
 * follower's, the result the next one's, and so on (small versus small);
 * each meeting is a merge written without branches on the docids, which
 * gaps in news make unpredictable: a mispredicted branch per docid cost
 * more than the rest of the loop.
 */
#include "engine_meet.h"
#include "post_cursor.h"

/* The docids of a[0..na) up to upto that b[0..nb) also holds, into out
 * (room for na). */
static int
engine_meet_two(const int64_t *a, int na, const int64_t *b, int nb,
                int64_t upto, int64_t *out)
{
    int i = 0, j = 0, n = 0;

    while (i < na && j < nb && a[i] <= upto) {
        int64_t x = a[i], y = b[j];

        out[n] = x;
        n += x == y;
        i += x <= y;
        j += y <= x;
    }
    return n;
}

int
engine_meet(struct engine_run *r, const int *order, int64_t upto, int64_t *out)
{
    int64_t buf[2][ENGINE_BLOCK];
    const int64_t *a, *b;
    int na, nb, j;

    a = post_cursor_rest(&r->cur[order[0]], &na);
    if (r->n == 1) {
        for (j = 0; j < na && a[j] <= upto; j++)
            if (out != NULL) out[j] = a[j];
        return j;
    }
    for (j = 1; j < r->n && na > 0; j++) {
        /* The last meeting writes to out, the others to buf. */
        int64_t *to = &buf[j % 2][0];

        if (j + 1 == r->n && out != NULL) to = out;

        b = post_cursor_rest(&r->cur[order[j]], &nb);
        na = engine_meet_two(a, na, b, nb, upto, to);
        a = to;
    }
    return na;
}
