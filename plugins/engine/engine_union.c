/*
 * engine_union.c - see engine_union.h.  A window at a time, as the AND:
 * a window ends at the first of the terms' current blocks' last docids,
 * so inside it each term's postings lie in one block, and its bound is
 * the titled docids' (engine_window.h).  A window that cannot enter the
 * heap is only counted: the union of the decoded docid arrays, merged
 * without a cursor call or a bound per article.  In the others, each
 * article is walked: knowing exactly which terms it holds, its bound sums
 * only those terms' block bounds, with their exact title flags, tighter
 * than MaxScore's, which must assume every term it has not looked at.
 */
#include "engine_score.h"
#include "engine_union.h"
#include "engine_window.h"

/* The union of a[0..na) and b[0..nb) into out, ascending, without
 * branches on the docids; its length. */
static int
engine_union_two(const int64_t *a, int na, const int64_t *b, int nb,
                 int64_t *out)
{
    int i = 0, j = 0, n = 0;

    while (i < na && j < nb) {
        int64_t x = a[i], y = b[j];

        out[n++] = x < y ? x : y;
        i += x <= y;
        j += y <= x;
    }
    while (i < na)
        out[n++] = a[i++];
    while (j < nb)
        out[n++] = b[j++];
    return n;
}

/* Docids a window may span to be counted in a bitmap. */
#define ENGINE_UNION_SPAN 4096

/* The union's size as engine_union_count(), for a window [doc, upto] of
 * at most ENGINE_UNION_SPAN docids: a bit per docid, then a popcount; no
 * merge, no data-dependent branch. */
static int64_t
engine_union_bits(struct engine_run *r, int64_t doc, int64_t upto)
{
    uint64_t bits[ENGINE_UNION_SPAN / 64] = {0}, x;
    const int64_t *a;
    int64_t count = 0;
    int i, j, n, words = (int)(((uint64_t)upto - (uint64_t)doc) / 64) + 1;

    for (i = 0; i < r->n; i++) {
        if (post_cursor_docid(&r->cur[i]) > upto) continue;
        a = post_cursor_rest_upto(&r->cur[i], upto, &n);
        for (j = 0; j < n; j++) {
            uint64_t off = (uint64_t)a[j] - (uint64_t)doc;

            bits[off / 64] |= (uint64_t)1 << (off % 64);
        }
    }
    for (i = 0; i < words; i++)
        for (x = bits[i]; x != 0; x &= x - 1)
            count++;
    return count;
}

/* The articles of the window [doc, upto]: the union of the cursors' docid
 * arrays (each cursor on its first posting in the window, or past it). */
static int64_t
engine_union_count(struct engine_run *r, int64_t doc, int64_t upto)
{
    int64_t buf[2][ENGINE_MAX_TERMS * ENGINE_BLOCK];
    const int64_t *a = NULL, *b;
    int i, na = 0, nb, k = 0;

    if (((uint64_t)upto - (uint64_t)doc) < ENGINE_UNION_SPAN)
        return engine_union_bits(r, doc, upto);
    for (i = 0; i < r->n; i++) {
        if (post_cursor_docid(&r->cur[i]) > upto) continue;
        b = post_cursor_rest_upto(&r->cur[i], upto, &nb);
        if (a == NULL) {
            a = b;
            na = nb;
            continue;
        }
        na = engine_union_two(a, na, b, nb, buf[k]);
        a = buf[k];
        k ^= 1;
    }
    return na;
}

/* Sets the window from doc (the least docid of the cursors): 0 if every
 * cursor is done. */
static int
engine_union_window(struct engine_run *r, struct engine_window *w, int64_t doc)
{
    int i, any = 0;

    w->doc = doc;
    w->upto = POST_END;
    w->base = -r->coord_off;
    for (i = 0; i < r->n; i++) {
        const struct post_block_meta *m = NULL;

        if (post_cursor_docid(&r->cur[i]) != POST_END)
            m = post_cursor_shallow(&r->cur[i], doc);
        w->m[i] = m;
        if (m == NULL) continue;
        any = 1;
        w->base += r->coord_w; /* an article may hold every term with a block */
        if (m->last < w->upto) w->upto = m->last;
        w->st[i] = engine_run_bound_s(r, i, m);
        w->sa[i] = engine_run_bound_all(r, i, m);
    }
    if (w->upto > r->q->to) w->upto = r->q->to;
    return any;
}

/* The least docid of the cursors, POST_END when all are done. */
static int64_t
engine_union_least(const struct engine_run *r)
{
    int64_t doc = POST_END;
    int i;

    for (i = 0; i < r->n; i++)
        if (post_cursor_docid(&r->cur[i]) < doc)
            doc = post_cursor_docid(&r->cur[i]);
    return doc;
}

/* Walks the articles of the window [doc, upto] one by one, scoring those
 * whose bound can enter.  0, or -1 on a corrupt block. */
static int
engine_union_walk(struct engine_run *r, int64_t doc, int64_t upto)
{
    int i, t, in;
    double s, thr;

    while (doc <= upto) {
        if (r->q->filter != NULL && !r->q->filter(r->q->filter_ctx, doc)) {
            for (i = 0; i < r->n; i++) /* no match: as if it were not there */
                if (post_cursor_docid(&r->cur[i]) == doc)
                    post_cursor_next(&r->cur[i]);
            doc = engine_union_least(r);
            continue;
        }
        r->total++;
        t = 0;
        s = 0.0;
        for (i = 0; i < r->n; i++) {
            if (post_cursor_docid(&r->cur[i]) != doc) continue;
            s += engine_run_bound_at(r, i, post_cursor_meta(&r->cur[i]), doc,
                                     &in);
            t += in + r->coord_w;
        }
        thr = engine_topk_threshold(&r->topk);
        /* s/(1+s) < 1: most articles fall a title short, no division. */
        if ((double)(t - r->coord_off) + 1.0 + 1e-9 >= thr &&
            engine_run_bound(r, t, s) >= thr) {
            for (i = 0; i < r->n; i++)
                if (post_cursor_docid(&r->cur[i]) == doc &&
                    engine_run_take(r, i) != 0)
                    return -1;
            engine_run_push(r, doc);
        }
        for (i = 0; i < r->n; i++)
            if (post_cursor_docid(&r->cur[i]) == doc)
                post_cursor_next(&r->cur[i]);
        doc = engine_union_least(r);
    }
    return 0;
}

void
engine_union_topk(struct engine_run *r)
{
    struct engine_window w;
    double bound;
    int64_t doc;
    int i;

    w.n = r->n;
    for (i = 0; i < r->n; i++)
        post_cursor_next(&r->cur[i]);
    for (;;) {
        doc = engine_union_least(r);
        if (doc == POST_END || !engine_union_window(r, &w, doc)) return;
        bound = engine_window_flags(&w);
        if (bound >= engine_topk_threshold(&r->topk))
            bound = engine_window_titles(&w);
        /* with a filter every article is asked, so every window walked */
        if (bound >= engine_topk_threshold(&r->topk) || r->q->filter != NULL) {
            if (engine_union_walk(r, doc, w.upto) != 0) return;
            continue;
        }
        r->total += engine_union_count(r, doc, w.upto);
        if (w.upto >= r->q->to) return;
        for (i = 0; i < r->n; i++)
            post_cursor_advance(&r->cur[i], w.upto + 1);
    }
}
