/*
 * engine_count.h - exact totals: the articles an AND or an OR of the run's
 * terms matches in the range, from docids alone (no tf is decoded, nothing
 * is scored).  It walks every docid the top-k pass could skip, so its
 * cost is that of the intersection or the union (DESIGN.md, Totals).
 * Internal to the engine.
 */
#ifndef ENGINE_COUNT_H
#define ENGINE_COUNT_H

#include <stdint.h>

#include "engine_run.h"

/* From r's fresh cursors (engine_run_rewind()). */
int64_t engine_count_and(struct engine_run *r);
int64_t engine_count_or(struct engine_run *r);

#endif
