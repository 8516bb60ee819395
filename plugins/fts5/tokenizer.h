/*
 * tokenizer.h - the 'indonesian' word splitter: UTF-8 text in, (token, stem,
 * byte span) out.  The same code runs inside FTS5 (as a registered
 * tokenizer), behind ANALYZE, in the query builder and in the unit tests, so
 * an indexed word and a searched word always split the same way.
 */
#ifndef TOKENIZER_H
#define TOKENIZER_H

#include <stddef.h>

#define TOKENIZER_MAX_TOKEN 256  /* bytes; longer words are truncated */
#define TOKENIZER_NOMEM     (-1) /* tokenizer_run(): out of memory */

struct fts5_api;
struct tokenizer;

/*
 * Receives one token: the normalised, case-folded word token[0..token_len)
 * and its stem (equal to the token when stemming is off), both borrowed for
 * the call and not NUL-terminated; [start, end) are byte offsets of the word
 * in the ORIGINAL text.  Returns 0 to go on, anything else to stop.
 */
typedef int tokenizer_emit_fn(void *ctx, const char *token, size_t token_len,
                              const char *stem, size_t stem_len, size_t start,
                              size_t end);

/*
 * Returns a new tokenizer that stems its tokens if stem is nonzero, or NULL
 * with a message in err.  Free with tokenizer_free().  A tokenizer keeps
 * scratch buffers and a stem cache: one thread at a time.
 */
struct tokenizer *tokenizer_new(int stem, char *err, size_t errlen);
void tokenizer_free(struct tokenizer *t);

/*
 * Splits text[0..len) (any bytes; invalid UTF-8 is a separator) and calls
 * emit once per token, in text order.  Returns 0 when done, the first
 * nonzero value emit returned, or TOKENIZER_NOMEM.
 */
int tokenizer_run(struct tokenizer *t, const char *text, size_t len,
                  tokenizer_emit_fn *emit, void *ctx);

/*
 * Registers the FTS5 tokenizer 'indonesian' (arguments: none, "nostem",
 * "stopwords" or both; "stopwords" drops the words stem_is_stopword() knows
 * from the index, an evaluation switch the daemon never uses) with api,
 * obtained on the connection with SELECT fts5(?1).  Must be done on every
 * connection that reads or writes a table using it.  Returns an SQLite
 * result code.  Any thread; the connection's own.
 */
int tokenizer_register(struct fts5_api *api);
/* The same, for a connection whose tokenizer replays what replay points
 * to when it is asked for exactly that text (tokens.h); the writer's. */
struct tokens_replay;
int tokenizer_register_replay(struct fts5_api *api,
                              struct tokens_replay *replay);

#endif
