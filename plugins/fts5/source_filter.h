/*
 * source_filter.h - SOURCE, source: and -source: as a test on a docid,
 * from the sources' docid sets (sources.h), for the engine's filter
 * (plugins/engine engine.h): an article passes when it is in the SOURCE's
 * set (if given), in one of the source: sets (if any) and in none of the
 * -source: sets.  No connection: query.c fills one in.
 */
#ifndef SOURCE_FILTER_H
#define SOURCE_FILTER_H

#include <stdint.h>

#include "qparse.h"
#include "source_set.h"

struct source_filter {
    const struct source_set *must; /* SOURCE, or NULL; borrowed */
    const struct source_set *any[QPARSE_MAX_SOURCES]; /* source: */
    int nany;
    const struct source_set *none[QPARSE_MAX_SOURCES]; /* -source: */
    int nnone;
};

/* The engine's filter: ctx is a struct source_filter.  1 if docid passes. */
int source_filter_pass(void *ctx, int64_t docid);

#endif
