/*
 * engine_union.c - see engine_union.h.  Walking the union anyway, the
 * engine knows exactly which terms an article holds, so its bound sums
 * only those terms' block bounds: tighter than MaxScore's, which must
 * assume every term it has not looked at.
 */
#include "engine_score.h"
#include "engine_union.h"

void
engine_union_topk(struct engine_run *r)
{
    int i, t, in;
    double s;
    int64_t doc;

    for (i = 0; i < r->n; i++)
        post_cursor_next(&r->cur[i]);
    for (;;) {
        doc = POST_END;
        for (i = 0; i < r->n; i++)
            if (post_cursor_docid(&r->cur[i]) < doc)
                doc = post_cursor_docid(&r->cur[i]);
        if (doc == POST_END) return;
        r->total++;
        t = 0;
        s = 0.0;
        for (i = 0; i < r->n; i++) {
            if (post_cursor_docid(&r->cur[i]) != doc) continue;
            s += engine_run_bound_at(r, i, post_cursor_meta(&r->cur[i]), doc,
                                     &in);
            t += in;
        }
        if (engine_score_bound(t, s) >= engine_topk_threshold(&r->topk)) {
            for (i = 0; i < r->n; i++)
                if (post_cursor_docid(&r->cur[i]) == doc &&
                    engine_run_take(r, i) != 0)
                    return;
            engine_run_push(r, doc);
        }
        for (i = 0; i < r->n; i++)
            if (post_cursor_docid(&r->cur[i]) == doc)
                post_cursor_next(&r->cur[i]);
    }
}
