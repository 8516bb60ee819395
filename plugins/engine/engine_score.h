/*
 * engine_score.h - the relevance formula of carid's ranked retrieval, and
 * the upper bounds the engine prunes with.
 *
 * It is plugins/fts5/rank.c's formula, number for number: FTS5's BM25
 * (k1 1.2, b 0.75, idf clamped to 1e-6) on freq = 4*tf_title + tf_body,
 * s = sum over the query's terms, in query order, of idf * part, and the
 * score on the wire titles + s/(1+s), titles being the query terms found
 * in the title.  rank.c calls these functions (step 2), so that the
 * formula has one home.
 */
#ifndef ENGINE_SCORE_H
#define ENGINE_SCORE_H

#include <stdint.h>

#define ENGINE_SCORE_K1           1.2
#define ENGINE_SCORE_B            0.75
#define ENGINE_SCORE_TITLE_WEIGHT 4

/* rank_idf(): the idf of a term in df of ndocs articles. */
double engine_score_idf(int64_t df, int64_t ndocs);
/* rank_part(): BM25's tf part for freq in an article of dl tokens when
 * articles average avgdl.  Increasing in freq, decreasing in dl. */
double engine_score_part(double freq, double dl, double avgdl);
/* rank_score(): the final score of an article. */
double engine_score_final(int titles, double s);
/*
 * An upper bound on the final score of every article whose terms i each
 * have (title_i, s_i) under a bound (T_i, S_i), where "under" means
 * title_i <= T_i, and s_i <= S_i when title_i == T_i: titles = sum T_i,
 * s = sum S_i.  An article that falls short of titles scores below titles
 * (s/(1+s) < 1); one that reaches it took T_i on every term, so its s is
 * at most s.  That is why a block with titled postings may bound s by
 * those postings alone (engine_run_bound_s()).
 *
 * A hair above the exact value: the engine sums bounds in another order
 * than the query's, and floating point addition is not associative, so the
 * margin (1e-9, while scores stay below 100) keeps a bound from ever
 * falling below a real score.
 */
double engine_score_bound(int titles, double s);

#endif
