/*
 * source_filter.h - SOURCE, source: and -source: as a test on a docid,
 * from the sources' docid sets (sources.h), for the engine's filter
 * (plugins/engine engine.h): an article passes when it is in the SOURCE's
 * set (if given), in one of the source: sets (if any) and in none of the
 * -source: sets.  Each set is read through a cursor (source_set.h), as the
 * engine asks in ascending docid order.  No connection: query.c fills one
 * in.
 */
#ifndef SOURCE_FILTER_H
#define SOURCE_FILTER_H

#include <stdint.h>

#include "qparse.h"
#include "source_set.h"

struct source_filter {
    int has_must;
    struct source_set_cursor must;                    /* SOURCE's set */
    struct source_set_cursor any[QPARSE_MAX_SOURCES]; /* source: */
    int nany;
    struct source_set_cursor none[QPARSE_MAX_SOURCES]; /* -source: */
    int nnone;
};

/* An empty filter (every article passes). */
void source_filter_init(struct source_filter *f);
/* Adds the set s (borrowed, unchanged while f is used) as SOURCE's (kind
 * 0), a source: one (1) or a -source: one (2); at most QPARSE_MAX_SOURCES
 * of each. */
void source_filter_add(struct source_filter *f, int kind,
                       const struct source_set *s);
/* The engine's filter: ctx is a struct source_filter.  1 if docid passes. */
int source_filter_pass(void *ctx, int64_t docid);

#endif
