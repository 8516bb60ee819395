/*
 * engine_topk.h - the k best hits so far, in a min-heap over the caller's
 * array: a hit beats another with a higher score, or with the same score
 * and a higher BM25 sum s, or with both the same and a higher docid (the
 * newer article first, as docids sort by date).  s breaks ties because
 * FTS5's path orders by (titles, s), and two different s can round to
 * the same titles + s/(1+s) (words in most articles have idf 1e-6).
 */
#ifndef ENGINE_TOPK_H
#define ENGINE_TOPK_H

#include <stdint.h>

struct engine_hit {
    int64_t docid;
    double score; /* engine_score_final(titles, s) */
    double s;     /* the sum of idf * part */
};

struct engine_topk {
    struct engine_hit *h; /* k entries, worst at h[0] */
    int n;
    int k;
};

void engine_topk_init(struct engine_topk *t, struct engine_hit *hits, int k);
/*
 * The score a hit must reach to have a chance: -INFINITY until k hits are
 * in, then the worst one's (a hit with exactly that score may still enter
 * with a higher docid, so callers prune only bounds strictly below it);
 * INFINITY when k is 0.
 */
double engine_topk_threshold(const struct engine_topk *t);
/* Offers a hit; it stays if it beats the worst of k. */
void engine_topk_push(struct engine_topk *t, int64_t docid, double score,
                      double s);
/* Sorts the hits best first and returns how many there are. */
int engine_topk_sort(struct engine_topk *t);

#endif
