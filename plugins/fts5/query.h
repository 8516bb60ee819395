/*
 * query.h - the search language and its execution.  For now the language is
 * plain words: every word must match.  A later parser (AND OR NOT, phrases,
 * prefixes, field and date filters) replaces query_build() only.
 */
#ifndef QUERY_H
#define QUERY_H

#include <stddef.h>
#include <stdint.h>

#include "carid_plugin.h"

#define QUERY_MAX_TERMS 64 /* tokens in one query */

struct store_conn;
struct tokenizer;

/*
 * Turns the client's text[0..len) into a safe FTS5 MATCH expression: its
 * tokens ANDed, each as a double-quoted string (tokens written without a
 * space between them, like "10/8/2024" or "Selatan-AS", as one phrase).
 * Returns 0 with *match malloc'd (the caller frees it with free()), or -1
 * with a message for the client in err ("empty query").  Any thread; t is
 * the caller's.
 */
int query_build(struct tokenizer *t, const char *text, size_t len, char **match,
                char *err, size_t errlen);

/*
 * Runs q on the reader c: sets *total and calls fn for each hit in
 * [offset, offset + count), best first; count and hits come from one
 * snapshot.  Returns 0, or -1 with err set.  The reader's thread.
 */
int query_search(struct store_conn *c, const struct carid_query *q,
                 carid_hit_fn *fn, void *ctx, int64_t *total, char *err,
                 size_t errlen);

#endif
