/*
 * engine_and.c - see engine_and.h.
 *
 * A window at a time, after Lucene's BlockMaxConjunctionScorer: a window
 * ends at the first of the terms' current blocks' last docids, so inside
 * it each term's postings lie in one block, and its bound combines those
 * blocks' impacts (engine_score_bound()) with the title count the blocks'
 * titled docids allow: the most terms any one article of the window has
 * in its title (engine_window.h).  A window whose bound is below
 * the heap's threshold is skipped from the headers alone, no block read
 * (with a total, its docids are read to count its matches).  Otherwise its
 * matches are found over the decoded docid arrays (engine_meet.c), the
 * rarest term leading, and a match's terms are scored one by one: once
 * what is scored plus the others' block bounds cannot enter, the rest's
 * tfs are not needed (as Lucene checks the scores of the terms it has
 * matched so far).  Before any tf, a match is bounded by its exact title
 * count from the headers: in a window where the threshold needs every term
 * in the title, a match that lacks one is dropped undecoded.  A window
 * some term has nothing in is leapt over to the first docid it has after
 * it.  A filter (engine.h) is asked about every match of a window that is
 * live or counted, before it is counted or scored.
 */
#include <string.h>

#include "engine_and.h"
#include "engine_meet.h"
#include "engine_score.h"
#include "engine_window.h"

struct engine_and {
    int order[ENGINE_MAX_TERMS]; /* rarest first */
    struct engine_window w;      /* the window and its blocks */
    double bound;                /* its bound */
    int tp[ENGINE_MAX_TERMS];    /* the first titled docid not below a match */
    int t[ENGINE_MAX_TERMS];     /* the current match's bound, per term */
    double s[ENGINE_MAX_TERMS];
};

/* Sets the window starting at doc.  0 if doc is past the range or some
 * term has no posting left at or after it (the AND is over). */
static int
engine_and_window(struct engine_run *r, struct engine_and *a, int64_t doc)
{
    int i;

    if (doc > r->q->to) return 0;
    a->w.doc = doc;
    a->w.upto = POST_END;
    for (i = 0; i < r->n; i++) {
        const struct post_block_meta *m = post_cursor_shallow(&r->cur[i], doc);

        if (m == NULL) return 0;
        if (m->last < a->w.upto) a->w.upto = m->last;
        a->w.m[i] = m;
        a->w.st[i] = engine_run_bound_s(r, i, m);
        a->w.sa[i] = engine_run_bound_all(r, i, m);
        a->tp[i] = 0;
    }
    if (a->w.upto > r->q->to) a->w.upto = r->q->to;
    a->bound = engine_window_flags(&a->w);
    if (a->bound >= engine_topk_threshold(&r->topk))
        a->bound = engine_window_titles(&a->w);
    return 1;
}

/* The bound of the match doc (matches come in ascending order within a
 * window), each term's part of it into a->t and a->s. */
static double
engine_and_match(const struct engine_run *r, struct engine_and *a, int64_t doc)
{
    double s = 0.0;
    int i, t = 0;

    for (i = 0; i < r->n; i++) {
        const struct post_block_meta *m = a->w.m[i];

        while (a->tp[i] < m->ntitled && m->titled[a->tp[i]] < doc)
            a->tp[i]++;
        a->t[i] = a->tp[i] < m->ntitled && m->titled[a->tp[i]] == doc;
        a->s[i] = a->t[i] ? a->w.st[i] : a->w.sa[i];
        t += a->t[i];
        s += a->s[i];
    }
    return engine_score_bound(t, s);
}

/*
 * Takes the terms' contributions to the match doc, in order (the lead
 * first), each cursor moved onto it (inside its block) only when needed,
 * while what is taken plus the match's bounds of the rest can still enter.
 * 1 all taken, 0 it cannot enter, -1 corrupt.
 */
static int
engine_and_take(struct engine_run *r, const struct engine_and *a, int64_t doc,
                double thr)
{
    int i, j, t = 0;
    double s = 0.0;

    for (i = 0; i < r->n; i++) {
        t += a->t[i];
        s += a->s[i];
    }
    for (j = 0; j < r->n; j++) {
        i = a->order[j];
        post_cursor_advance(&r->cur[i], doc);
        if (engine_run_take(r, i) != 0) return -1;
        t += r->title[i] - a->t[i];
        s += r->s[i] - a->s[i];
        if (j + 1 < r->n && engine_score_bound(t, s) < thr) return 0;
    }
    return 1;
}

/* Brings every cursor to its first posting at or after doc.  The
 * largest docid they land on, or POST_END when one has none left. */
static int64_t
engine_and_enter(struct engine_run *r, int64_t doc)
{
    int64_t d, far = doc;
    int i;

    for (i = 0; i < r->n; i++) {
        d = post_cursor_advance(&r->cur[i], doc);
        if (d == POST_END) return POST_END;
        if (d > far) far = d;
    }
    return far;
}

/* Keeps the matches m[0..n) that the query's filter lets through, in
 * order; how many. */
static int
engine_and_filter(const struct engine_run *r, int64_t *m, int n)
{
    int i, kept = 0;

    for (i = 0; i < n; i++)
        if (r->q->filter(r->q->filter_ctx, m[i])) m[kept++] = m[i];
    return kept;
}

void
engine_and_topk(struct engine_run *r)
{
    struct engine_and a;
    double df[ENGINE_MAX_TERMS], thr;
    int64_t doc = r->q->from, far, match[ENGINE_BLOCK];
    int i, m, n, rc, live;

    memset(&a, 0, sizeof a);
    a.w.n = r->n;
    for (i = 0; i < r->n; i++) {
        a.order[i] = i;
        df[i] = (double)r->q->terms[i].term->df;
    }
    engine_run_sort(a.order, df, r->n);
    if (r->topk.k == 0 && !r->counting) return;
    for (;;) {
        if (!engine_and_window(r, &a, doc)) return;
        live = a.bound >= engine_topk_threshold(&r->topk);
        if (live || r->counting) {
            /* A window some term has nothing in is leapt over. */
            far = engine_and_enter(r, doc);
            if (far == POST_END) return;
            if (far > a.w.upto) {
                doc = far;
                continue;
            }
            if (r->q->filter != NULL)
                n = engine_and_filter(
                    r, match, engine_meet(r, a.order, a.w.upto, &match[0]));
            else
                n = live ? engine_meet(r, a.order, a.w.upto, &match[0])
                         : engine_meet_count(r, a.order, doc, a.w.upto);
            r->total += n;
            for (m = 0; live && m < n; m++) {
                thr = engine_topk_threshold(&r->topk);
                if (a.bound < thr) break;
                if (engine_and_match(r, &a, match[m]) < thr) continue;
                rc = engine_and_take(r, &a, match[m], thr);
                if (rc < 0) return;
                if (rc == 1)
                    engine_run_push(r, match[m]);
                else
                    engine_run_forget(r);
            }
        }
        doc = a.w.upto + 1; /* upto < POST_END: a real docid */
    }
}
