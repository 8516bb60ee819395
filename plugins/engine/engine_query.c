/*
 * engine_query.c - see engine_query.h: a top-k pass, then (unless
 * no_total) a count pass over fresh cursors that walks docids only.
 */
#include <string.h>

#include "engine_and.h"
#include "engine_count.h"
#include "engine_or.h"
#include "engine_query.h"
#include "engine_run.h"

static int
engine_query_run(const struct engine_query *q, struct engine_hit *hits,
                 struct engine_result *res, int conjunction)
{
    struct engine_run r;
    int64_t total = -1;
    int rc;

    memset(res, 0, sizeof *res);
    res->total = -1;
    rc = engine_run_open(&r, q, hits);
    if (rc != ENGINE_OK) return rc;
    if (conjunction)
        engine_and_topk(&r);
    else
        engine_or_topk(&r);
    if (!q->no_total) {
        engine_run_rewind(&r);
        total = conjunction ? engine_count_and(&r) : engine_count_or(&r);
    }
    rc = engine_run_close(&r, res, ENGINE_OK);
    if (rc == ENGINE_OK) res->total = total;
    return rc;
}

int
engine_query_and(const struct engine_query *q, struct engine_hit *hits,
                 struct engine_result *res)
{
    return engine_query_run(q, hits, res, 1);
}

int
engine_query_or(const struct engine_query *q, struct engine_hit *hits,
                struct engine_result *res)
{
    return engine_query_run(q, hits, res, 0);
}
