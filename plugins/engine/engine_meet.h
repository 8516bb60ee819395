/*
 * engine_meet.h - the matches of the run's AND inside one window: every
 * term's postings there lie in the one block its cursor is on (a window
 * ends at the first of those blocks' last docids), so they meet in a loop
 * over decoded docid arrays, with no cursor call per docid.  Docids only:
 * no tf is decoded.  Internal to the engine.
 */
#ifndef ENGINE_MEET_H
#define ENGINE_MEET_H

#include <stdint.h>

#include "engine_run.h"
#include "post_block.h"

/*
 * The docids up to upto that every term holds, from where each cursor
 * stands (each on a posting at or before upto, in the block that holds the
 * window); order[0] leads (the rarest).  Writes them to out (ENGINE_BLOCK
 * room) unless it is NULL, and returns how many.  The cursors stay put.
 */
int engine_meet(struct engine_run *r, const int *order, int64_t upto,
                int64_t *out);
/*
 * How many docids of the window [doc, upto] every term holds, as
 * engine_meet() with out NULL (the cursors at or after doc): in a bitmap
 * over the window when it spans at most ENGINE_MEET_SPAN docids (a bit set
 * or tested per docid, no merge), else by engine_meet().
 */
int engine_meet_count(struct engine_run *r, const int *order, int64_t doc,
                      int64_t upto);

#endif
