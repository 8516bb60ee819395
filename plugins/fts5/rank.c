/*
 * rank.c - see rank.h.  The constants and the formula are FTS5's own
 * (fts5_aux.c, fts5Bm25Function): k1 = 1.2, b = 0.75, idf clamped to 1e-6
 * for words in more than half of the articles.  It is written out, not
 * called, because bm25() cannot take a pinned average length, and a
 * word's top list must be ordered by the same numbers as a full scan; the
 * numbers themselves are the engine's (engine_score.h), so that SEARCH's
 * engine path and this one score a hit with the same code.
 */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "carid_plugin.h"
#include "engine_score.h"
#include "rank.h"

#define RANK_MAX_PHRASE 64 /* qparse allows 64 words */

_Static_assert(RANK_MAX_PHRASE == CARID_GLOBAL_MAX_TERMS,
               "a router's statistics carry a df for every phrase ranked");

_Static_assert((int)RANK_TITLE_WEIGHT == ENGINE_SCORE_TITLE_WEIGHT,
               "rank.c and the engine weigh titles alike");

double
rank_idf(int64_t df, int64_t ndocs)
{
    return engine_score_idf(df, ndocs);
}

static double
rank_part(double freq, double dl, double avgdl)
{
    return engine_score_part(freq, dl, avgdl);
}

double
rank_score(int titles, double s)
{
    return engine_score_final(titles, s);
}

int
rank_coord(int titles, int matched, int items, int phrases)
{
    return titles - (items - matched) * (phrases + 1);
}

/* Per statement: the idf of each phrase, counted once (as bm25() does). */
struct rank_data {
    int nphrase;
    double avgdl; /* the index's own */
    double idf[];
};

static int
rank_count_cb(const Fts5ExtensionApi *api, Fts5Context *fts, void *ctx)
{
    (void)api;
    (void)fts;
    (*(sqlite3_int64 *)ctx)++;
    return SQLITE_OK;
}

/* The phrases ranked: FTS5's, at most RANK_MAX_PHRASE. */
static int
rank_phrases(const Fts5ExtensionApi *api, Fts5Context *fts)
{
    int n = api->xPhraseCount(fts);

    return n > RANK_MAX_PHRASE ? RANK_MAX_PHRASE : n;
}

/* df >= 0: the caller knows the one phrase's article count (a listed
 * word, toplist.h), so the count over every match is skipped.  g: a
 * router's statistics (carid_plugin.h), instead of the index's. */
static struct rank_data *
rank_data(const Fts5ExtensionApi *api, Fts5Context *fts, int64_t df,
          const struct carid_global *g, int *rc)
{
    struct rank_data *d = api->xGetAuxdata(fts, 0);
    sqlite3_int64 nrow = 0, ntok = 0, nhit;
    int i, n;

    if (d != NULL) return d;
    n = rank_phrases(api, fts);
    if (g != NULL && g->nterms != n) {
        *rc = SQLITE_MISMATCH; /* the router parsed another query */
        return NULL;
    }
    d = calloc(1, sizeof *d + (size_t)n * sizeof d->idf[0]);
    if (d == NULL) {
        *rc = SQLITE_NOMEM;
        return NULL;
    }
    d->nphrase = n;
    *rc = api->xRowCount(fts, &nrow);
    if (*rc == SQLITE_OK) *rc = api->xColumnTotalSize(fts, -1, &ntok);
    d->avgdl = nrow > 0 ? (double)ntok / (double)nrow : 1.0;
    if (g != NULL) nrow = g->documents;
    for (i = 0; *rc == SQLITE_OK && i < n; i++) {
        nhit = g != NULL ? g->df[i] : df;
        if (g == NULL && (df < 0 || n != 1)) {
            nhit = 0;
            *rc = api->xQueryPhrase(fts, i, &nhit, rank_count_cb);
        }
        d->idf[i] = rank_idf(nhit, nrow);
    }
    if (*rc != SQLITE_OK) {
        free(d);
        return NULL;
    }
    *rc = api->xSetAuxdata(fts, d, free); /* frees d itself if it fails */
    return *rc == SQLITE_OK ? d : NULL;
}

/* The best-match map argument (qparse.h, map): per phrase '0' + item or
 * '-'; NULL when absent (every phrase counts, each its own item). */
static const char *
rank_map(int argc, sqlite3_value **argv, int at, int *len)
{
    const char *m;

    if (argc <= at || sqlite3_value_type(argv[at]) != SQLITE_TEXT) return NULL;
    m = (const char *)sqlite3_value_text(argv[at]);
    *len = sqlite3_value_bytes(argv[at]);
    return m;
}

/* Whether phrase counts under map (of len letters). */
static int
rank_counts(const char *map, int len, int phrase)
{
    return map == NULL || (phrase < len && map[phrase] != '-');
}

static void
rank_bm25_fn(const Fts5ExtensionApi *api, Fts5Context *fts,
             sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    double freq[RANK_MAX_PHRASE], avgdl, score = 0.0;
    struct rank_data *d;
    int rc = SQLITE_OK, ninst = 0, i, phrase, col, off, dl = 0, maplen = 0;
    const char *map;

    d = rank_data(
        api, fts, argc > 1 ? sqlite3_value_int64(argv[1]) : -1,
        argc > 3 ? sqlite3_value_pointer(argv[3], RANK_GLOBAL_PTR) : NULL, &rc);
    if (d == NULL && rc == SQLITE_MISMATCH) {
        sqlite3_result_error(ctx, "the statistics given do not fit the query",
                             -1);
        return;
    }
    if (d == NULL) {
        sqlite3_result_error_code(ctx, rc);
        return;
    }
    avgdl = argc > 0 ? sqlite3_value_double(argv[0]) : 0.0;
    if (!(avgdl > 0.0)) avgdl = d->avgdl;
    memset(freq, 0, sizeof freq);
    rc = api->xInstCount(fts, &ninst);
    for (i = 0; rc == SQLITE_OK && i < ninst; i++) {
        rc = api->xInst(fts, i, &phrase, &col, &off);
        if (rc == SQLITE_OK && phrase >= 0 && phrase < d->nphrase)
            freq[phrase] += col == 0 ? RANK_TITLE_WEIGHT : RANK_BODY_WEIGHT;
    }
    if (rc == SQLITE_OK) rc = api->xColumnSize(fts, -1, &dl);
    if (rc != SQLITE_OK) {
        sqlite3_result_error_code(ctx, rc);
        return;
    }
    map = rank_map(argc, argv, 2, &maplen);
    for (i = 0; i < d->nphrase; i++)
        if (rank_counts(map, maplen, i))
            score += d->idf[i] * rank_part(freq[i], dl, avgdl);
    sqlite3_result_double(ctx, score);
}

/*
 * carid_dfs(fts): each ranked phrase's article count, as rank_data()
 * counts it, written "n0 n1 ...".  Any row of the match gives the same.
 */
static void
rank_dfs_fn(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx,
            int argc, sqlite3_value **argv)
{
    char out[RANK_MAX_PHRASE * 21 + 1];
    size_t used = 0;
    int rc = SQLITE_OK, n = rank_phrases(api, fts);

    (void)argc;
    (void)argv;
    out[0] = '\0';
    for (int i = 0; rc == SQLITE_OK && i < n; i++) {
        sqlite3_int64 nhit = 0;

        rc = api->xQueryPhrase(fts, i, &nhit, rank_count_cb);
        used += (size_t)snprintf(out + used, sizeof out - used, "%s%lld",
                                 i > 0 ? " " : "", (long long)nhit);
    }
    if (rc != SQLITE_OK)
        sqlite3_result_error_code(ctx, rc);
    else
        sqlite3_result_text(ctx, out, (int)used, SQLITE_TRANSIENT);
}

/*
 * carid_title(fts): how many of the query's phrases occur in the title.
 * Hits are ordered by it before bm25, so a title match always outranks a
 * body-only match, whatever the body's term frequencies.
 */
static void
rank_title_fn(const Fts5ExtensionApi *api, Fts5Context *fts,
              sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    uint64_t seen = 0;
    int n = 0, i, phrase, col, off, titles = 0, maplen = 0;
    const char *map = rank_map(argc, argv, 0, &maplen);

    if (api->xInstCount(fts, &n) != SQLITE_OK) n = 0;
    for (i = 0; i < n; i++) {
        if (api->xInst(fts, i, &phrase, &col, &off) != SQLITE_OK) break;
        if (col != 0 || phrase < 0 || phrase >= 64 ||
            !rank_counts(map, maplen, phrase))
            continue;
        if (!(seen & ((uint64_t)1 << phrase))) titles++;
        seen |= (uint64_t)1 << phrase;
    }
    sqlite3_result_int(ctx, titles);
}

/*
 * carid_matched(fts, map): how many of a best-match query's items the row
 * holds (qparse.h); 0 with no map.  Items are '0'..'0'+63, so a bit each.
 */
static void
rank_matched_fn(const Fts5ExtensionApi *api, Fts5Context *fts,
                sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    uint64_t seen = 0, bit;
    int n = 0, i, phrase, col, off, matched = 0, maplen = 0;
    const char *map = rank_map(argc, argv, 0, &maplen);

    if (map != NULL && api->xInstCount(fts, &n) != SQLITE_OK) n = 0;
    for (i = 0; map != NULL && i < n; i++) {
        if (api->xInst(fts, i, &phrase, &col, &off) != SQLITE_OK) break;
        if (phrase < 0 || phrase >= maplen || map[phrase] < '0' ||
            map[phrase] >= '0' + 64)
            continue;
        bit = (uint64_t)1 << (map[phrase] - '0');
        matched += !(seen & bit);
        seen |= bit;
    }
    sqlite3_result_int(ctx, matched);
}

int
rank_register(struct fts5_api *api)
{
    int rc;

    if (api == NULL) return SQLITE_ERROR;
    rc = api->xCreateFunction(api, RANK_TITLE_FN, NULL, rank_title_fn, NULL);
    if (rc == SQLITE_OK)
        rc = api->xCreateFunction(api, RANK_MATCHED_FN, NULL, rank_matched_fn,
                                  NULL);
    if (rc == SQLITE_OK)
        rc = api->xCreateFunction(api, RANK_DFS_FN, NULL, rank_dfs_fn, NULL);
    if (rc != SQLITE_OK) return rc;
    return api->xCreateFunction(api, RANK_FN, NULL, rank_bm25_fn, NULL);
}
