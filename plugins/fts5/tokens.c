/*
 * tokens.c - see tokens.h.  A recording is two growing arrays: spans and
 * the stems' bytes back to back.
 */
#include <stdlib.h>
#include <string.h>

#include "tokens.h"

static int
tokens_grow(void **p, size_t *cap, size_t need, size_t size)
{
    size_t n = *cap ? *cap : 256;
    void *grown;

    if (need <= *cap) return 0;
    while (n < need)
        n *= 2;
    grown = realloc(*p, n * size);
    if (grown == NULL) return -1;
    *p = grown;
    *cap = n;
    return 0;
}

static int
tokens_add(void *ctx, const char *token, size_t token_len, const char *stem,
           size_t stem_len, size_t start, size_t end)
{
    struct tokens *tk = ctx;
    struct token_rec *r;

    (void)token;
    (void)token_len;
    if (tokens_grow((void **)&tk->rec, &tk->cap, tk->n + 1, sizeof *r) != 0 ||
        tokens_grow((void **)&tk->stems, &tk->stems_cap,
                    tk->stems_len + stem_len, 1) != 0)
        return TOKENIZER_NOMEM;
    r = &tk->rec[tk->n++];
    r->stem_off = (uint32_t)tk->stems_len;
    r->stem_len = (uint32_t)stem_len;
    r->start = (uint32_t)start;
    r->end = (uint32_t)end;
    memcpy(tk->stems + tk->stems_len, stem, stem_len);
    tk->stems_len += stem_len;
    return 0;
}

int
tokens_record(struct tokens *tk, struct tokenizer *t, const char *text,
              size_t len)
{
    tokens_clear(tk);
    /* spans and stem offsets are 32-bit */
    if (len >= UINT32_MAX / 2) return -1;
    if (len > 0 && tokenizer_run(t, text, len, tokens_add, tk) != 0) {
        tokens_clear(tk);
        return -1;
    }
    tk->text = text != NULL ? text : "";
    tk->text_len = len;
    return 0;
}

const struct tokens *
tokens_find(const struct tokens_replay *r, const char *text, size_t len)
{
    for (size_t i = 0; r != NULL && i < 2; i++) {
        const struct tokens *tk = r->tk[i];

        if (tk != NULL && tk->text != NULL && tk->text_len == len &&
            (len == 0 || memcmp(tk->text, text, len) == 0))
            return tk;
    }
    return NULL;
}

int
tokens_replay(const struct tokens *tk, tokenizer_emit_fn *emit, void *ctx)
{
    int rc = 0;

    for (size_t i = 0; i < tk->n && rc == 0; i++) {
        const struct token_rec *r = &tk->rec[i];
        const char *stem = tk->stems + r->stem_off;

        rc = emit(ctx, stem, r->stem_len, stem, r->stem_len, r->start, r->end);
    }
    return rc;
}

void
tokens_clear(struct tokens *tk)
{
    tk->text = NULL;
    tk->text_len = 0;
    tk->n = 0;
    tk->stems_len = 0;
}

void
tokens_free(struct tokens *tk)
{
    free(tk->rec);
    free(tk->stems);
    memset(tk, 0, sizeof *tk);
}
