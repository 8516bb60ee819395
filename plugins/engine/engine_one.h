/*
 * engine_one.h - the top k of one term when its total is not wanted (the
 * caller knows it: plugins/fts5 keeps every word's df), score-at-a-time
 * over blocks: the term's blocks in the order of their bounds, best first,
 * each decoded and scored until the next one's bound falls below the k-th
 * hit.  Internal to the engine.
 *
 * Why not the AND's walk with one term: that goes in docid order and
 * decodes every block whose bound beats the k-th hit *so far*, which
 * stays low until the heap has met the good blocks, so a word in most
 * articles decoded a large share of its blocks.  In bound order the first
 * blocks fill the heap with the best hits and the walk stops at the first
 * block that cannot hold one of the final k: only those are decoded.
 */
#ifndef ENGINE_ONE_H
#define ENGINE_ONE_H

#include "engine_run.h"

/* Fills r's heap from its one fresh cursor (r->n == 1, r not counting,
 * no filter: a filter is asked in docid order, engine.h).  Out of memory
 * it falls back to engine_and_topk(), which needs none. */
void engine_one_topk(struct engine_run *r);

#endif
