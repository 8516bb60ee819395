/*
 * engine_union.h - the top k of a disjunction with its exact total: every
 * docid of every term is walked (the count needs the union), and only the
 * articles whose bound from their own terms' blocks can enter the heap are
 * scored.  The OR without a total skips docids too (engine_or.h).
 * Internal to the engine.
 */
#ifndef ENGINE_UNION_H
#define ENGINE_UNION_H

#include "engine_run.h"

/* Fills r's heap and r->total from its fresh cursors. */
void engine_union_topk(struct engine_run *r);

#endif
