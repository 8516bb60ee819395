/*
 * engine_window.h - the bound of a window of docids [doc, upto] inside
 * which each term's postings lie in one block (m[i], NULL for a term with
 * no block left), shared by the AND (engine_and.c) and the OR's union walk
 * (engine_union.c).  st[i] is term i's s bound over its block's titled
 * postings, sa[i] over all of them (engine_run_bound_s(), _all()).
 *
 * Two bounds: from the blocks' any_title flags alone (cheap), and from
 * their titled docids (engine_window_titles(): the most title matches any
 * one article of the window can have, which is what titles + s/(1+s)
 * turns on).  The second is never above the first, so it is only worth
 * asking when the first cannot prune.  Internal to the engine.
 */
#ifndef ENGINE_WINDOW_H
#define ENGINE_WINDOW_H

#include <stdint.h>

#include "engine.h"
#include "post_block.h"

struct engine_window {
    int n;
    int64_t doc, upto;
    const struct post_block_meta *m[ENGINE_MAX_TERMS];
    double st[ENGINE_MAX_TERMS];
    double sa[ENGINE_MAX_TERMS];
    int base; /* added to every title count: the OR's coord (engine_run.h)
                 for the terms with a block here, less coord_off; 0 in AND */
};

/* Sum of the titled blocks' flags and their st (the others' sa). */
double engine_window_flags(const struct engine_window *w);
/*
 * The best bound over the window's articles with a term in the title
 * (each a titled docid of some block, in the window: its title count is
 * the blocks that list it, its s the st of those and the sa of the rest)
 * and over those with none (every sa).
 */
double engine_window_titles(const struct engine_window *w);

#endif
