/*
 * engine_count.c - see engine_count.h.
 */
#include "engine_count.h"

int64_t
engine_count_and(struct engine_run *r)
{
    double df[ENGINE_MAX_TERMS];
    int order[ENGINE_MAX_TERMS], i, j;
    struct post_cursor *lead;
    int64_t n = 0, doc, d = POST_END;

    for (i = 0; i < r->n; i++) {
        order[i] = i;
        df[i] = (double)r->q->terms[i].term->df;
    }
    engine_run_sort(order, df, r->n);
    lead = &r->cur[order[0]];
    doc = post_cursor_next(lead);
    while (doc != POST_END) {
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

int64_t
engine_count_or(struct engine_run *r)
{
    int64_t n = 0, doc;
    int i;

    for (i = 0; i < r->n; i++) post_cursor_next(&r->cur[i]);
    for (;;) {
        doc = POST_END;
        for (i = 0; i < r->n; i++)
            if (post_cursor_docid(&r->cur[i]) < doc)
                doc = post_cursor_docid(&r->cur[i]);
        if (doc == POST_END) return n;
        n++;
        for (i = 0; i < r->n; i++)
            if (post_cursor_docid(&r->cur[i]) == doc)
                post_cursor_next(&r->cur[i]);
    }
}
