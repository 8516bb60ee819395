/*
 * post_impacts.h - the (freq, dl) pairs that bound a set of postings, as
 * Lucene's "competitive impacts": the Pareto frontier of the postings'
 * (4*tf_title + tf_body, dl), at most POST_IMPACTS pairs.
 *
 * Every posting is dominated by some pair (pair freq >= its freq, pair dl
 * <= its dl), and BM25's part grows with freq and falls with dl, so the
 * largest part over the pairs bounds every posting's part for any average
 * length: nothing has to be pinned.  The block maxima alone, max freq with
 * min dl, take the two from different postings and bound far too high
 * (DESIGN.md, What the bounds buy).  When the frontier has more than
 * POST_IMPACTS pairs, neighbours merge into (the higher freq, the lower
 * dl), which still dominates both.
 */
#ifndef POST_IMPACTS_H
#define POST_IMPACTS_H

#include <stddef.h>
#include <stdint.h>

#define POST_IMPACTS 8

struct post_pair {
    uint32_t freq;
    uint32_t dl;
};

/* Pairs by freq descending; dl then descends strictly too. */
struct post_impacts {
    int n;
    struct post_pair p[POST_IMPACTS];
};

/* The frontier of pairs[0..n) (reordered in place) into *out; n 0 gives
 * no pairs.  Deterministic: a decoder recomputes and compares it. */
void post_impacts_make(struct post_pair *pairs, size_t n,
                       struct post_impacts *out);
/* Whether a and b hold the same pairs. */
int post_impacts_equal(const struct post_impacts *a,
                       const struct post_impacts *b);
/* Whether some pair of *imp dominates (freq, dl).  Inline: the decoder
 * asks for every posting. */
static inline int
post_impacts_cover(const struct post_impacts *imp, uint32_t freq, uint32_t dl)
{
    int j = imp->n - 1;

    /* The pairs with freq >= freq are a prefix; its last has the least dl. */
    while (j >= 0 && imp->p[j].freq < freq)
        j--;
    return j >= 0 && imp->p[j].dl <= dl;
}
/* Whether *imp has the frontier's shape (1..POST_IMPACTS pairs, both
 * fields strictly descending, none 0): what a decoder checks. */
int post_impacts_valid(const struct post_impacts *imp);

#endif
