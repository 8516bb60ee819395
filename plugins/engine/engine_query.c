/*
 * engine_query.c - see engine_query.h: one pass over the cursors.  With a
 * total, the AND counts the windows it prunes from docids, and the OR walks
 * the union (engine_union.c); without, the OR is MaxScore (engine_or.c)
 * and one term is its blocks best bound first (engine_one.c).
 */
#include <string.h>

#include "engine_and.h"
#include "engine_one.h"
#include "engine_or.h"
#include "engine_query.h"
#include "engine_run.h"
#include "engine_union.h"

static int
engine_query_run(const struct engine_query *q, struct engine_hit *hits,
                 struct engine_result *res, void (*topk)(struct engine_run *))
{
    struct engine_run r;
    int rc;

    memset(res, 0, sizeof *res);
    res->total = -1;
    rc = engine_run_open(&r, q, hits);
    if (rc != ENGINE_OK) return rc;
    topk(&r);
    return engine_run_close(&r, res, ENGINE_OK);
}

int
engine_query_and(const struct engine_query *q, struct engine_hit *hits,
                 struct engine_result *res)
{
    struct engine_query all = *q;

    all.coord = 0; /* every match holds every term */
    return engine_query_run(&all, hits, res,
                            q->nterms == 1 && q->no_total && q->filter == NULL
                                ? engine_one_topk
                                : engine_and_topk);
}

int
engine_query_or(const struct engine_query *q, struct engine_hit *hits,
                struct engine_result *res)
{
    return engine_query_run(q, hits, res,
                            q->no_total ? engine_or_topk : engine_union_topk);
}
