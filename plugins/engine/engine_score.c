/*
 * engine_score.c - see engine_score.h.  plugins/fts5/rank.c's rank_idf,
 * rank_part and rank_score call these: SEARCH's FTS5 path and its engine
 * path score with the same code (test_posts compares them).
 */
#include <math.h>

#include "engine_score.h"

double
engine_score_idf(int64_t df, int64_t ndocs)
{
    double idf = log(((double)ndocs - (double)df + 0.5) / ((double)df + 0.5));

    return idf <= 0.0 ? 1e-6 : idf;
}

double
engine_score_part(double freq, double dl, double avgdl)
{
    return freq * (ENGINE_SCORE_K1 + 1.0) /
           (freq + ENGINE_SCORE_K1 *
                       (1.0 - ENGINE_SCORE_B + ENGINE_SCORE_B * dl / avgdl));
}

double
engine_score_final(int titles, double s)
{
    if (s < 0) s = 0;
    return titles + s / (1.0 + s);
}

double
engine_score_bound(int titles, double s)
{
    return engine_score_final(titles, s) + 1e-9;
}
