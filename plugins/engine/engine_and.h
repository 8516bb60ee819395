/*
 * engine_and.h - the top k of a conjunction, block-max pruned as Lucene's
 * BlockMaxConjunctionScorer does, with its exact total when r counts
 * (DESIGN.md, Evaluation).  Internal to the engine.
 */
#ifndef ENGINE_AND_H
#define ENGINE_AND_H

#include "engine_run.h"

/* Fills r's heap (and r->total) from its fresh cursors. */
void engine_and_topk(struct engine_run *r);

#endif
