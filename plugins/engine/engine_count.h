/*
 * engine_count.h - exact totals where the top k has no use for the
 * articles: the matches of the run's AND in a docid window whose bound
 * cannot enter the heap, from docids alone (no tf is decoded, nothing is
 * scored).  Counting is what keeps a pruned window's blocks being read:
 * their docids still are (DESIGN.md, Totals).  Internal to the engine.
 */
#ifndef ENGINE_COUNT_H
#define ENGINE_COUNT_H

#include <stdint.h>

#include "engine_run.h"

/* The articles in [doc, upto] holding every term; order[0] leads (the
 * rarest).  Leaves the cursors at or past the last one counted. */
int64_t engine_count_and(struct engine_run *r, const int *order, int64_t doc,
                         int64_t upto);

#endif
