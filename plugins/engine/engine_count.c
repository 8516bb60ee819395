/*
 * engine_count.c - see engine_count.h.
 */
#include "engine_count.h"

int64_t
engine_count_and(struct engine_run *r, const int *order, int64_t doc,
                 int64_t upto)
{
    struct post_cursor *lead = &r->cur[order[0]];
    int64_t n = 0, d = POST_END;
    int j;

    doc = post_cursor_advance(lead, doc);
    while (doc <= upto) {
        for (j = 1; j < r->n; j++) {
            d = post_cursor_advance(&r->cur[order[j]], doc);
            if (d != doc) break;
        }
        if (j < r->n) {
            if (d == POST_END) break;
            doc = post_cursor_advance(lead, d);
            continue;
        }
        n++;
        doc = post_cursor_next(lead);
    }
    return n;
}
