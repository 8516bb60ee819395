/*
 * xmalloc.h - allocation that aborts on failure (tmux style).  Safe only
 * because every client-sized buffer is checked against a limit first.
 */
#ifndef XMALLOC_H
#define XMALLOC_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);

#endif
