/*
 * source_filter.c - see source_filter.h.
 */
#include <string.h>

#include "source_filter.h"

void
source_filter_init(struct source_filter *f)
{
    memset(f, 0, sizeof *f);
}

void
source_filter_add(struct source_filter *f, int kind, const struct source_set *s)
{
    if (kind == 0) {
        f->has_must = 1;
        source_set_cursor_init(&f->must, s);
    } else if (kind == 1 && f->nany < QPARSE_MAX_SOURCES) {
        source_set_cursor_init(&f->any[f->nany++], s);
    } else if (kind == 2 && f->nnone < QPARSE_MAX_SOURCES) {
        source_set_cursor_init(&f->none[f->nnone++], s);
    }
}

int
source_filter_pass(void *ctx, int64_t docid)
{
    struct source_filter *f = ctx;
    int i, in = f->nany == 0;

    if (f->has_must && !source_set_cursor_has(&f->must, docid)) return 0;
    for (i = 0; i < f->nnone; i++)
        if (source_set_cursor_has(&f->none[i], docid)) return 0;
    /* every cursor is asked (none skipped), so each keeps moving forward */
    for (i = 0; i < f->nany; i++)
        in |= source_set_cursor_has(&f->any[i], docid);
    return in;
}
