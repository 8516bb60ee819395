/*
 * engine_and.c - see engine_and.h.
 *
 * The rarest term leads and the others follow it (advance to its docid,
 * and the lead to theirs, until all agree).  Docids are cut into windows:
 * a window ends at the first of the current blocks' last docids, and its
 * bound combines those blocks' maxima (engine_score_bound()).  A window
 * whose bound is below the heap's threshold is skipped whole, from the
 * headers alone: no block in it is decoded (with a total, its docids are,
 * to count its matches: engine_count.c).  Inside a window, a match's terms
 * are scored one by one, and what is scored plus the others' block bounds
 * decides whether the next one's tfs are needed (as Lucene checks the
 * scores of the terms it has matched so far).
 */
#include "engine_and.h"
#include "engine_count.h"
#include "engine_score.h"

struct engine_and {
    int order[ENGINE_MAX_TERMS]; /* rarest first */
    int64_t upto;                /* the window's last docid */
    double bound;                /* its bound */
    int t[ENGINE_MAX_TERMS];     /* each term's block bound in it */
    double s[ENGINE_MAX_TERMS];
};

/* Sets the window starting at doc.  0 if some term has no posting left at
 * or after doc (the AND is over). */
static int
engine_and_window(struct engine_run *r, struct engine_and *a, int64_t doc)
{
    double s = 0.0;
    int i, titles = 0;

    a->upto = POST_END;
    for (i = 0; i < r->n; i++) {
        const struct post_block_meta *m = post_cursor_shallow(&r->cur[i], doc);

        if (m == NULL) return 0;
        if (m->last < a->upto) a->upto = m->last;
        a->t[i] = m->any_title;
        a->s[i] = engine_run_bound_s(r, i, m);
        s += a->s[i];
        titles += a->t[i];
    }
    a->bound = engine_score_bound(titles, s);
    return 1;
}

/*
 * Takes the terms' contributions to a match, in order (the lead first),
 * while what is taken plus the window bounds of the rest can still enter.
 * 1 all taken, 0 it cannot enter, -1 corrupt.
 */
static int
engine_and_take(struct engine_run *r, const struct engine_and *a, double thr)
{
    int i, j, t = 0;
    double s = 0.0;

    for (i = 0; i < r->n; i++) {
        t += a->t[i];
        s += a->s[i];
    }
    for (j = 0; j < r->n; j++) {
        i = a->order[j];
        if (engine_run_take(r, i) != 0) return -1;
        t += r->title[i] - a->t[i];
        s += r->s[i] - a->s[i];
        if (j + 1 < r->n && engine_score_bound(t, s) < thr) return 0;
    }
    return 1;
}

/* Whether the others all hold doc; if not, *next is where to go on. */
static int
engine_and_follow(struct engine_run *r, const struct engine_and *a,
                  int64_t doc, int64_t *next)
{
    int j;

    for (j = 1; j < r->n; j++) {
        *next = post_cursor_advance(&r->cur[a->order[j]], doc);
        if (*next != doc) return 0;
    }
    return 1;
}

void
engine_and_topk(struct engine_run *r)
{
    struct engine_and a = {{0}, 0, 0.0, {0}, {0.0}};
    double df[ENGINE_MAX_TERMS], thr;
    int i, rc;
    int64_t doc = r->q->from, next = POST_END;
    struct post_cursor *lead;

    for (i = 0; i < r->n; i++) {
        a.order[i] = i;
        df[i] = (double)r->q->terms[i].term->df;
    }
    engine_run_sort(a.order, df, r->n);
    lead = &r->cur[a.order[0]];
    a.upto = INT64_MIN; /* no window yet (no docid is INT64_MIN) */
    if (r->topk.k == 0 && !r->counting) return;
    for (;;) {
        if ((doc > a.upto || a.upto == INT64_MIN) &&
            !engine_and_window(r, &a, doc))
            return;
        thr = engine_topk_threshold(&r->topk);
        if (a.bound < thr) {
            if (r->counting)
                r->total += engine_count_and(r, a.order, doc, a.upto);
            doc = a.upto + 1; /* upto < POST_END: a real docid */
            continue;
        }
        doc = post_cursor_advance(lead, doc);
        if (doc == POST_END) return;
        if (doc > a.upto) continue;
        /* Follow first: moving a cursor over docids costs less than the
         * lead's score, which only matches then need. */
        if (!engine_and_follow(r, &a, doc, &next)) {
            if (next == POST_END) return;
            doc = next;
            continue;
        }
        r->total++;
        rc = engine_and_take(r, &a, thr);
        if (rc < 0) return;
        if (rc == 1)
            engine_run_push(r, doc);
        else
            engine_run_forget(r);
        doc++;
    }
}
