/*
 * engine_run.c - see engine_run.h.
 */
#include <stdlib.h>
#include <string.h>

#include "engine_run.h"
#include "engine_score.h"

int
engine_run_open(struct engine_run *r, const struct engine_query *q,
                struct engine_hit *hits)
{
    size_t n;
    int i;

    memset(r, 0, sizeof *r);
    if (q->nterms < 1 || q->nterms > ENGINE_MAX_TERMS || q->k < 0 ||
        q->coord < 0 || (q->coord > 0 && q->coord < q->nterms) ||
        q->coord > ENGINE_MAX_TERMS || q->ndocs <= 0 || !(q->avgdl > 0.0) ||
        (q->k > 0 && hits == NULL))
        return ENGINE_EINVAL;
    n = (size_t)q->nterms;
    r->q = q;
    r->n = q->nterms;
    r->cur = malloc(n * sizeof r->cur[0]);
    r->idf = malloc(n * 4 * sizeof r->idf[0]);
    r->title = malloc(n * 3 * sizeof r->title[0]);
    r->memo = calloc(n, sizeof r->memo[0]);
    if (r->cur == NULL || r->idf == NULL || r->title == NULL ||
        r->memo == NULL) {
        free(r->cur);
        free(r->idf);
        free(r->title);
        free(r->memo);
        return ENGINE_ENOMEM;
    }
    r->s = r->idf + n;
    r->memo_s = r->idf + 2 * n;
    r->memo_all = r->idf + 3 * n;
    r->have = r->title + n;
    r->memo_tp = r->title + 2 * n;
    for (i = 0; i < r->n; i++) {
        const struct engine_term *t = &q->terms[i];

        r->idf[i] = engine_score_idf(t->term->df, q->ndocs);
        r->have[i] = 0;
        post_cursor_open(&r->cur[i], t->term, t->src, q->from, q->to);
        r->stats.blocks += post_cursor_blocks(&r->cur[i]);
    }
    if (q->coord > 0) {
        r->coord_w = q->coord + 1;
        r->coord_off = q->coord * r->coord_w;
    }
    engine_topk_init(&r->topk, hits, q->k);
    r->counting = !q->no_total;
    return ENGINE_OK;
}

static double
engine_run_part(const struct engine_run *r, int i,
                const struct post_impacts *imp)
{
    double best = 0.0, part;
    int j;

    for (j = 0; j < imp->n; j++) {
        part = engine_score_part(imp->p[j].freq, imp->p[j].dl, r->q->avgdl);
        if (part > best) best = part;
    }
    return r->idf[i] * best;
}

void
engine_run_memo(struct engine_run *r, int i, const struct post_block_meta *m)
{
    r->memo[i] = m;
    r->memo_tp[i] = 0;
    r->memo_all[i] = engine_run_part(r, i, &m->all);
    r->memo_s[i] = m->any_title ? engine_run_part(r, i, &m->title)
                                : r->memo_all[i];
}

double
engine_run_block_s(const struct engine_run *r, int i,
                   const struct post_block_meta *m)
{
    return engine_run_part(r, i, m->any_title ? &m->title : &m->all);
}

double
engine_run_bound_s(struct engine_run *r, int i, const struct post_block_meta *m)
{
    if (r->memo[i] != m) engine_run_memo(r, i, m);
    return r->memo_s[i];
}

double
engine_run_bound_all(struct engine_run *r, int i,
                     const struct post_block_meta *m)
{
    if (r->memo[i] != m) engine_run_memo(r, i, m);
    return r->memo_all[i];
}

double
engine_run_term_s(const struct engine_run *r, int i)
{
    const struct post_term *t = r->q->terms[i].term;

    return engine_run_part(r, i, t->any_title ? &t->title : &t->all);
}

int
engine_run_take(struct engine_run *r, int i)
{
    uint32_t tf_title, tf_body, dl;
    double freq;

    if (post_cursor_posting(&r->cur[i], &tf_title, &tf_body, &dl) != 0)
        return -1;
    /* As rank.c: freq is a double summed from whole numbers, exact. */
    freq = ENGINE_SCORE_TITLE_WEIGHT * (double)tf_title + (double)tf_body;
    r->s[i] = r->idf[i] * engine_score_part(freq, dl, r->q->avgdl);
    r->title[i] = (tf_title > 0) + r->coord_w;
    r->have[i] = 1;
    return 0;
}

void
engine_run_push(struct engine_run *r, int64_t docid)
{
    double s = 0.0;
    int i, titles = 0;

    /* Query order, as the brute force and rank.c sum: the same double. */
    for (i = 0; i < r->n; i++) {
        if (!r->have[i]) continue;
        s += r->s[i];
        titles += r->title[i];
        r->have[i] = 0;
    }
    r->stats.scored++;
    engine_topk_push(&r->topk, docid,
                     engine_score_final(titles - r->coord_off, s), s);
}

void
engine_run_forget(struct engine_run *r)
{
    int i;

    for (i = 0; i < r->n; i++)
        r->have[i] = 0;
}

int
engine_run_close(struct engine_run *r, struct engine_result *res, int status)
{
    int i;

    for (i = 0; i < r->n; i++) {
        if (post_cursor_failed(&r->cur[i])) status = ENGINE_ECORRUPT;
        r->stats.docids += r->cur[i].ndocids;
        r->stats.tfs += r->cur[i].ntfs;
    }
    res->nhits = status == ENGINE_OK ? engine_topk_sort(&r->topk) : 0;
    res->total = status == ENGINE_OK && r->counting ? r->total : -1;
    res->stats = r->stats;
    free(r->cur);
    free(r->idf);
    free(r->title);
    free(r->memo);
    return status;
}

void
engine_run_sort(int *idx, const double *key, int n)
{
    int i, j;

    for (i = 1; i < n; i++) {
        int x = idx[i];

        for (j = i; j > 0 && key[idx[j - 1]] > key[x]; j--)
            idx[j] = idx[j - 1];
        idx[j] = x;
    }
}
