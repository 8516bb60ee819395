/*
 * source_filter.c - see source_filter.h.
 */
#include "source_filter.h"

int
source_filter_pass(void *ctx, int64_t docid)
{
    const struct source_filter *f = ctx;
    int i;

    if (f->must != NULL && !source_set_contains(f->must, docid)) return 0;
    for (i = 0; i < f->nnone; i++)
        if (source_set_contains(f->none[i], docid)) return 0;
    if (f->nany == 0) return 1;
    for (i = 0; i < f->nany; i++)
        if (source_set_contains(f->any[i], docid)) return 1;
    return 0;
}
