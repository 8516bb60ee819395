/*
 * tokenizer.h - the 'indonesian' word splitter: UTF-8 text in, (token, stem,
 * byte span) out.  The same code runs inside FTS5 (registered as a
 * tokenizer by plugins/fts5/fts5_tokenizer.h), behind ANALYZE, in the query
 * builder, in carid-stem and in the unit tests, so an indexed word and a
 * searched word always split the same way.  Needs libunistring and libc
 * only.
 */
#ifndef TOKENIZER_H
#define TOKENIZER_H

#include <stddef.h>

#define TOKENIZER_MAX_TOKEN 256  /* bytes; longer words are truncated */
#define TOKENIZER_NOMEM     (-1) /* tokenizer_run(): out of memory */

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
 * Drops from the output the words stem_is_stopword() knows if drop is
 * nonzero (off by default): tokenize='indonesian stopwords', an evaluation
 * switch the daemon never uses.  Owning thread only.
 */
void tokenizer_drop_stopwords(struct tokenizer *t, int drop);

/*
 * Splits text[0..len) (any bytes; invalid UTF-8 is a separator) and calls
 * emit once per token, in text order.  Returns 0 when done, the first
 * nonzero value emit returned, or TOKENIZER_NOMEM.
 */
int tokenizer_run(struct tokenizer *t, const char *text, size_t len,
                  tokenizer_emit_fn *emit, void *ctx);

#endif
