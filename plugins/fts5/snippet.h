/*
 * snippet.h - carid_snippet(), FTS5's snippet() in time linear in the
 * text and in the matches (FTS5's own compares every match with every
 * other one, and no progress handler can stop it: issue 15).
 *
 *   carid_snippet(fts, col, open, close, ellipsis, ntokens [, query])
 *
 * picks the window of ntokens (1..SNIPPET_MAX_TOKENS) tokens of column col
 * that FTS5 3.40's snippet() picks, by the same scores (1000 per distinct
 * phrase, 1 per further match, +100 for a window starting a sentence, +120
 * at the start of the text), and marks it the same way.  The optional
 * query is a struct carid_query bound with sqlite3_bind_pointer() as type
 * SNIPPET_QUERY_PTR: its deadline and cancel flag are checked every
 * SNIPPET_WATCH tokens, and an expired query fails with SQLITE_INTERRUPT.
 * Differences: the result keeps NUL bytes of the text (FTS5 cuts it at
 * the first one), and a one-token window at the start is one token (FTS5
 * 3.40 returns the whole text then).
 */
#ifndef SNIPPET_H
#define SNIPPET_H

#define SNIPPET_FN         "carid_snippet"
#define SNIPPET_QUERY_PTR  "carid_query" /* sqlite3_bind_pointer() type */
#define SNIPPET_MAX_TOKENS 64
#define SNIPPET_WATCH      4096 /* tokens between deadline checks */

struct fts5_api;

/* Registers carid_snippet() with api; an SQLite result code. */
int snippet_register(struct fts5_api *api);

#endif
