/*
 * stem_stop.c - placeholder, replaced below.
 */
#include "stem.h"

int
stem_is_stopword(const char *w, size_t n)
{
    (void)w;
    (void)n;
    return 0;
}
