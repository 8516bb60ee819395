/*
 * engine_or.h - the top k of a disjunction (best match) when its total is
 * not wanted, by block-max MaxScore, which skips docids a total would need
 * (DESIGN.md, Evaluation).  Internal to the engine.
 */
#ifndef ENGINE_OR_H
#define ENGINE_OR_H

#include "engine_run.h"

/* Fills r's heap from its fresh cursors. */
void engine_or_topk(struct engine_run *r);

#endif
