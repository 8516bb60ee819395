/*
 * rank.h - the relevance formula, in one place: BM25 with the title weighing
 * 4 times the body, computed the way FTS5's bm25() does, except that the
 * average article length can be pinned (at OPTIMIZE) so that carid's
 * engine (query_engine.h) and a full FTS5 scan score hits identically.
 */
#ifndef RANK_H
#define RANK_H

#include <stdint.h>

#include <sqlite3.h>

#define RANK_FN     "carid_bm25" /* carid_bm25(fts, avgdl, df) */
#define RANK_DFS_FN "carid_dfs"  /* carid_dfs(fts) */
/* sqlite3_bind_pointer()'s type of carid_bm25's statistics argument */
#define RANK_GLOBAL_PTR   "carid_global"
#define RANK_TITLE_FN     "carid_title"   /* carid_title(fts[, map]) */
#define RANK_MATCHED_FN   "carid_matched" /* carid_matched(fts, map) */
#define RANK_TITLE_WEIGHT 4.0
#define RANK_BODY_WEIGHT  1.0

struct fts5_api;

/* FTS5's inverse document frequency of a word in df of ndocs articles. */
double rank_idf(int64_t df, int64_t ndocs);

/* The score a hit carries on the wire: title matches, then BM25 s squeezed
 * into [0, 1), so that a higher score always means an earlier hit.  Both
 * the full scan and the engine answer with it. */
double rank_score(int titles, double s);

/*
 * The title count a best-match hit ranks with (qparse.h, best): an article
 * holding matched of the query's items items, titles phrases of them in
 * its title, out of phrases that count, falls (items - matched) steps of
 * phrases + 1 below one holding them all, so that holding more items
 * always wins (titles <= phrases).  rank_score(rank_coord(...), s) is its
 * score: an article with every item scores as under AND.
 */
int rank_coord(int titles, int matched, int items, int phrases);

/*
 * Registers carid_bm25(fts, avgdl[, df]) on a connection: BM25 as above
 * (higher is better, unlike bm25()), with avgdl <= 0 meaning "the index's
 * current average"; df >= 0 gives a one-word query's article count, known
 * from terms (toplist.h), instead of counting every match; a struct
 * carid_global pointer (RANK_GLOBAL_PTR, after the map) gives a router's
 * article count and dfs instead of the index's (avgdl is then the
 * caller's: the router's), and a mismatch of its terms with the phrases
 * fails the statement.  carid_dfs(fts) writes each phrase's df ("n0 n1
 * ...") as that count makes it.  And carid_title(fts), the number of the
 * query's phrases in the title, which orders hits before BM25
 * (rank_score()).  Both take a best-match map last (qparse.h), and then
 * count only its counted phrases; carid_matched(fts, map) counts the items
 * a row holds.  SQLite result code.
 */
int rank_register(struct fts5_api *api);

#endif
