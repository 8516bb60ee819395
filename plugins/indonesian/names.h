/*
 * names.h - the stemmer's gazetteer: names of places and people
 * (names.txt, compiled in) that the stemmer keeps whole, "kediri" not
 * "diri".  Loaded once per process into a read-only set shared by every
 * thread.
 */
#ifndef NAMES_H
#define NAMES_H

#include <stddef.h>

/*
 * Builds the set on first call (pthread_once; any thread).  Returns 0, or
 * -1 when out of memory; the failure is remembered and returned again.
 */
int names_open(void);

/*
 * Returns 1 when the case-folded word w[0..n) is in names.txt, else 0 (also
 * before names_open() succeeded).  Read-only, any thread.
 */
int names_has(const char *w, size_t n);

#endif
