/*
 * engine_meet.c - see engine_meet.h.  The lead's docids meet the first
 * follower's, the result the next one's, and so on (small versus small);
 * each meeting is a merge written without branches on the docids, which
 * gaps in news make unpredictable: a mispredicted branch per docid cost
 * more than the rest of the loop.
 */
#include "engine_meet.h"
#include "post_cursor.h"

/* Docids a window may span to be counted in a bitmap. */
#define ENGINE_MEET_SPAN 4096

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

int
engine_meet_count(struct engine_run *r, const int *order, int64_t doc,
                  int64_t upto)
{
    uint64_t bits[2][ENGINE_MEET_SPAN / 64], *in = bits[0], *to = bits[1];
    const int64_t *a;
    int i, j, n, words, count = 0;

    if (r->n == 1 || ((uint64_t)upto - (uint64_t)doc) >= ENGINE_MEET_SPAN)
        return engine_meet(r, order, upto, NULL);
    words = (int)(((uint64_t)upto - (uint64_t)doc) / 64) + 1;
    for (i = 0; i < words; i++)
        in[i] = 0;
    a = post_cursor_rest_upto(&r->cur[order[0]], upto, &n);
    for (j = 0; j < n; j++) {
        uint64_t off = (uint64_t)a[j] - (uint64_t)doc;

        in[off / 64] |= (uint64_t)1 << (off % 64);
    }
    /* Each follower keeps the bits it also has; the last one counts. */
    for (i = 1; i < r->n; i++) {
        a = post_cursor_rest_upto(&r->cur[order[i]], upto, &n);
        if (i + 1 == r->n) {
            for (j = 0; j < n; j++) {
                uint64_t off = (uint64_t)a[j] - (uint64_t)doc;

                count += (int)(in[off / 64] >> (off % 64) & 1);
            }
            break;
        }
        for (j = 0; j < words; j++)
            to[j] = 0;
        for (j = 0; j < n; j++) {
            uint64_t off = (uint64_t)a[j] - (uint64_t)doc;

            to[off / 64] |= (in[off / 64] >> (off % 64) & 1) << (off % 64);
        }
        in = to;
        to = in == bits[0] ? bits[1] : bits[0];
    }
    return count;
}
