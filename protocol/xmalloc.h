/*
 * xmalloc.h - allocation that aborts on failure (tmux style): the one home
 * of carid's allocation policy.
 *
 * The daemon, the protocol library and the mem plugin allocate through
 * these and have no error paths for memory.  That is safe only because
 * every client-sized buffer is checked against a limit first (PROTOCOL.md,
 * Limits; --max-client-memory), and for the mem plugin because a batch
 * half-applied at commit could not be undone anyway.  The fts5 plugin and
 * the language library (plugins/indonesian) never abort: like SQLite, an
 * allocation that fails there is an error of the call, which the OOM loop
 * (tests/unit/test_oom.c) proves for every allocation of a cycle.
 */
#ifndef XMALLOC_H
#define XMALLOC_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);

#endif
