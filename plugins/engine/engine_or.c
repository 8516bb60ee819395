/*
 * engine_or.c - see engine_or.h.
 *
 * MaxScore (Turtle and Flood 1995; PISA's block_max_maxscore): terms are
 * ordered by their whole-list bound, lowest first.  The first ne of them
 * are non-essential: together they cannot lift an article to the heap's
 * threshold, so only articles in the other (essential) lists are visited,
 * and the non-essential lists are consulted for those, highest bound
 * first, while what they could still add keeps the article in the race.
 * Block maxima tighten both steps: an article's bound uses the essential
 * lists' current blocks, and a non-essential list whose block at the
 * article cannot help (or does not hold it) is never decoded.
 *
 * Bounds are (titles, s) pairs combined by engine_score_bound(), since the
 * final score is titles + s/(1+s), monotone in each term's pair; with
 * coord, each term held adds coord_w to its title part (engine_run.h).
 */
#include "engine_or.h"
#include "engine_score.h"

struct engine_or {
    int ord[ENGINE_MAX_TERMS];   /* terms by bound, lowest first */
    int cum_t[ENGINE_MAX_TERMS]; /* title bounds of ord[0..j], summed */
    double cum_s[ENGINE_MAX_TERMS];
};

static void
engine_or_plan(const struct engine_run *r, struct engine_or *p)
{
    double key[ENGINE_MAX_TERMS] = {0.0}, s[ENGINE_MAX_TERMS] = {0.0};
    int i, j, t;

    for (i = 0; i < r->n; i++) {
        t = engine_run_term_t(r, i);
        s[i] = engine_run_term_s(r, i);
        key[i] = engine_score_final(t, s[i]);
        p->ord[i] = i;
    }
    engine_run_sort(p->ord, key, r->n);
    for (j = 0; j < r->n; j++) {
        i = p->ord[j];
        p->cum_t[j] = engine_run_term_t(r, i) + (j ? p->cum_t[j - 1] : 0);
        p->cum_s[j] = s[i] + (j ? p->cum_s[j - 1] : 0.0);
    }
}

/* The bound of ord[0..j) (nothing when j is 0) plus (t, s). */
static double
engine_or_below(const struct engine_run *r, const struct engine_or *p, int j,
                int t, double s)
{
    if (j > 0) {
        t += p->cum_t[j - 1];
        s += p->cum_s[j - 1];
    }
    return engine_run_bound(r, t, s);
}

/*
 * Scores doc, on which essential lists ord[ne..n) that sit there have
 * contributions to take.  Returns 1 if it was pushed, 0 if it could not
 * enter, -1 on a corrupt block.
 */
static int
engine_or_score(struct engine_run *r, const struct engine_or *p, int ne,
                int64_t doc, double thr)
{
    double s = 0.0, sm;
    int i, j, t = 0, in;

    for (j = ne; j < r->n; j++) {
        i = p->ord[j];
        if (post_cursor_docid(&r->cur[i]) != doc) continue;
        if (engine_run_take(r, i) != 0) return -1;
        t += r->title[i];
        s += r->s[i];
    }
    for (j = ne - 1; j >= 0; j--) {
        const struct post_block_meta *m;

        i = p->ord[j];
        if (engine_or_below(r, p, j + 1, t, s) < thr) return 0;
        m = post_cursor_shallow(&r->cur[i], doc);
        if (m == NULL || m->first > doc) continue; /* not in list i */
        sm = engine_run_bound_at(r, i, m, doc, &in);
        if (engine_or_below(r, p, j, t + in + r->coord_w, s + sm) < thr)
            return 0;
        if (post_cursor_advance(&r->cur[i], doc) != doc) continue;
        if (engine_run_take(r, i) != 0) return -1;
        t += r->title[i];
        s += r->s[i];
    }
    engine_run_push(r, doc);
    return 1;
}

void
engine_or_topk(struct engine_run *r)
{
    struct engine_or p;
    int i, j, ne = 0, t, rc, in;
    double thr, s;
    int64_t doc, d;

    if (r->topk.k == 0) return;
    engine_or_plan(r, &p);
    for (i = 0; i < r->n; i++)
        post_cursor_next(&r->cur[i]);
    for (;;) {
        thr = engine_topk_threshold(&r->topk);
        while (ne < r->n && engine_or_below(r, &p, ne + 1, 0, 0.0) < thr)
            ne++;
        if (ne == r->n) return;
        doc = POST_END;
        for (j = ne; j < r->n; j++) {
            d = post_cursor_docid(&r->cur[p.ord[j]]);
            if (d < doc) doc = d;
        }
        if (doc == POST_END) return;
        /* The article's bound from the essential lists' current blocks. */
        t = 0;
        s = 0.0;
        for (j = ne; j < r->n; j++) {
            i = p.ord[j];
            if (post_cursor_docid(&r->cur[i]) != doc) continue;
            s += engine_run_bound_at(r, i, post_cursor_meta(&r->cur[i]), doc,
                                     &in);
            t += in + r->coord_w;
        }
        if (engine_or_below(r, &p, ne, t, s) >= thr &&
            (r->q->filter == NULL || r->q->filter(r->q->filter_ctx, doc))) {
            rc = engine_or_score(r, &p, ne, doc, thr);
            if (rc < 0) return;
            if (rc == 0) engine_run_forget(r);
        }
        for (j = ne; j < r->n; j++)
            if (post_cursor_docid(&r->cur[p.ord[j]]) == doc)
                post_cursor_next(&r->cur[p.ord[j]]);
    }
}
