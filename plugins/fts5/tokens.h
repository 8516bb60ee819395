/*
 * tokens.h - a tokenizer's output recorded once and replayed later.  At
 * commit the writer has a whole batch of texts to index; a helper thread
 * records the tokens of the next texts while FTS5 indexes the current one,
 * and FTS5's tokenizer replays a recording instead of tokenizing again
 * (fts_batch_apply(), tokenizer_register_replay()).  Stemming is most of
 * the tokenizer's cost, so this moves it off the writer's core.
 */
#ifndef TOKENS_H
#define TOKENS_H

#include <stddef.h>
#include <stdint.h>

#include "tokenizer.h"

struct token_rec {
    uint32_t stem_off, stem_len; /* in tokens.stems */
    uint32_t start, end;         /* byte span in the text */
};

struct tokens {
    const char *text; /* what was recorded (borrowed); NULL: nothing */
    size_t text_len;
    struct token_rec *rec;
    size_t n, cap;
    char *stems;
    size_t stems_len, stems_cap;
};

/* The recordings FTS5's tokenizer on one connection may replay: a text
 * equal to one of them (same bytes) is replayed, any other tokenized. */
struct tokens_replay {
    const struct tokens *tk[2];
};

/* Records what t emits for text[0..len); tk keeps its buffers between
 * uses.  0, or -1 (out of memory, text too long) leaving tk empty. */
int tokens_record(struct tokens *tk, struct tokenizer *t, const char *text,
                  size_t len);
/* The recording of exactly text[0..len) in r, or NULL. */
const struct tokens *tokens_find(const struct tokens_replay *r,
                                 const char *text, size_t len);
/* Calls emit once per recorded token (token and stem are both the stem),
 * as tokenizer_run() would; returns its first nonzero value, or 0. */
int tokens_replay(const struct tokens *tk, tokenizer_emit_fn *emit, void *ctx);
/* Forgets the recording, keeping the buffers. */
void tokens_clear(struct tokens *tk);
void tokens_free(struct tokens *tk);

#endif
