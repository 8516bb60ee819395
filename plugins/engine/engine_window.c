/*
 * engine_window.c - see engine_window.h.
 */
#include "engine_score.h"
#include "engine_window.h"

double
engine_window_flags(const struct engine_window *w)
{
    double s = 0.0;
    int i, t = 0;

    for (i = 0; i < w->n; i++) {
        if (w->m[i] == NULL) continue;
        t += w->m[i]->any_title;
        s += w->m[i]->any_title ? w->st[i] : w->sa[i];
    }
    return engine_score_bound(t + w->base, s);
}

/* Each term's titled docids in the window are walked in order, the
 * others' met by pointers that only move on: linear in the lists.  A
 * candidate whose title count cannot beat the best so far (the bound is
 * below t + 1) is not summed. */
double
engine_window_titles(const struct engine_window *w)
{
    int at[ENGINE_MAX_TERMS], in[ENGINE_MAX_TERMS], i, j, k, t;
    double best, b, s = 0.0;

    for (i = 0; i < w->n; i++)
        if (w->m[i] != NULL) s += w->sa[i];
    best = engine_score_bound(w->base, s);
    for (i = 0; i < w->n; i++) {
        if (w->m[i] == NULL) continue;
        for (k = 0; k < w->n; k++)
            at[k] = 0;
        for (j = 0; j < w->m[i]->ntitled; j++) {
            int64_t d = w->m[i]->titled[j];

            if (d < w->doc) continue;
            if (d > w->upto) break;
            t = 0;
            for (k = 0; k < w->n; k++) {
                const struct post_block_meta *m = w->m[k];

                in[k] = 0;
                if (m == NULL) continue;
                while (at[k] < m->ntitled && m->titled[at[k]] < d)
                    at[k]++;
                in[k] = at[k] < m->ntitled && m->titled[at[k]] == d;
                t += in[k];
            }
            t += w->base;
            if ((double)t + 1.0 + 1e-9 <= best) continue;
            s = 0.0;
            for (k = 0; k < w->n; k++)
                if (w->m[k] != NULL) s += in[k] ? w->st[k] : w->sa[k];
            b = engine_score_bound(t, s);
            if (b > best) best = b;
        }
    }
    return best;
}
