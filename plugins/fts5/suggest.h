/*
 * suggest.h - SUGGEST on a reader: indexed words that complete what a
 * client is typing.  Only db.h below it.
 */
#ifndef SUGGEST_H
#define SUGGEST_H

#include <stddef.h>
#include <stdint.h>

#include "carid_plugin.h"

#define SUGGEST_MAX 100 /* suggestions per call */

struct db_conn;

/*
 * Calls fn(word, articles) for up to max (at most SUGGEST_MAX) indexed
 * words starting with the last word of prefix, folded as typed or stemmed,
 * most articles first.  Indexed words are stems; only those a search finds
 * again are offered.  Returns 0 (also when prefix has no word) or -1 with
 * err set.  The reader's thread.
 */
int suggest_words(struct db_conn *c, struct carid_str prefix, int64_t max,
                  carid_term_fn *fn, void *ctx, char *err, size_t errlen);

#endif
