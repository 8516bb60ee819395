/*
 * source_map.h - every article's source as a small number, by docid: built
 * by a reader from all the sources' sets (source_set.h) for COUNTS source,
 * which then counts a match with one array read instead of intersecting
 * the matches with every source's set (most of a COUNTS at 100,000
 * articles was roaring's container intersections).  Docids are
 * day << 20 | rank (docid.h) and ranks are dense from 1, so the map is one
 * entry per (day, rank) up to each day's largest rank: 2 bytes an article,
 * plus 4 a day between the first and the last.  No connection, no SQL.
 */
#ifndef SOURCE_MAP_H
#define SOURCE_MAP_H

#include <stddef.h>
#include <stdint.h>

#include "source_set.h"

#define SOURCE_MAP_MAX 65535 /* sources it can number */

struct source_map {
    int64_t day0;  /* the first day */
    int64_t ndays; /* days from it to the last */
    uint32_t *off; /* owned: ndays + 1 offsets into src */
    uint16_t *src; /* owned: per (day, rank - 1), 0 none, else i + 1 */
};

/*
 * Builds m (zeroed or freed) from sets[0..n): the article docid of
 * sets[i] gets number i.  0, -1 out of memory, -2 more than
 * SOURCE_MAP_MAX sets or docids that are not day << 20 | rank.
 */
int source_map_build(struct source_map *m, const struct source_set *const *sets,
                     int n);
/* The number of docid's source, or -1 when the map has none. */
int source_map_get(const struct source_map *m, int64_t docid);
/* Frees what m holds and zeroes it. */
void source_map_free(struct source_map *m);

#endif
