/*
 * fts5_tokenizer.c - see fts5_tokenizer.h.  The words come from
 * tokenizer_run(), or from a recording (tokens.h) when FTS5 asks for
 * exactly the recorded text.
 */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "fts5_tokenizer.h"
#include "tokenizer.h"
#include "tokens.h"

/* The Fts5Tokenizer: a tokenizer and the recordings it may replay. */
struct tokenizer_fts5_tok {
    struct tokenizer *t;
    const struct tokens_replay *replay; /* NULL: none */
};

/* One xTokenize() call's FTS5 callback. */
struct tokenizer_fts5 {
    void *ctx;
    int (*token)(void *ctx, int flags, const char *token, int len, int start,
                 int end);
};

static int
tokenizer_fts5_emit(void *ctx, const char *token, size_t token_len,
                    const char *stem, size_t stem_len, size_t start, size_t end)
{
    struct tokenizer_fts5 *f = ctx;

    (void)token;
    (void)token_len;
    /* FTS5 texts are < 2 GB (SQLITE_MAX_LENGTH): the ints cannot wrap. */
    return f->token(f->ctx, 0, stem, (int)stem_len, (int)start, (int)end);
}

static int
tokenizer_fts5_create(void *replay, const char **argv, int argc,
                      Fts5Tokenizer **out)
{
    char err[128];
    int stem = 1, stop = 0, i;
    struct tokenizer_fts5_tok *ft;

    for (i = 0; i < argc; i++) {
        if (strcmp(argv[i], "nostem") == 0)
            stem = 0;
        else if (strcmp(argv[i], "stopwords") == 0)
            stop = 1; /* an experiment: see PROTOCOL.md, Stopwords */
        else
            return SQLITE_ERROR;
    }
    ft = malloc(sizeof *ft);
    if (ft == NULL) return SQLITE_ERROR; /* as tokenizer_new() failing */
    ft->t = tokenizer_new(stem, err, sizeof err);
    if (ft->t == NULL) {
        free(ft);
        return SQLITE_ERROR;
    }
    tokenizer_drop_stopwords(ft->t, stop);
    /* recordings come from a tokenizer that keeps stopwords */
    ft->replay = stop ? NULL : replay;
    *out = (Fts5Tokenizer *)ft;
    return SQLITE_OK;
}

static void
tokenizer_fts5_delete(Fts5Tokenizer *p)
{
    struct tokenizer_fts5_tok *ft = (struct tokenizer_fts5_tok *)p;

    if (ft == NULL) return;
    tokenizer_free(ft->t);
    free(ft);
}

static int
tokenizer_fts5_tokenize(Fts5Tokenizer *p, void *ctx, int flags,
                        const char *text, int len,
                        int (*token)(void *, int, const char *, int, int, int))
{
    struct tokenizer_fts5_tok *ft = (struct tokenizer_fts5_tok *)p;
    struct tokenizer_fts5 f = {ctx, token};
    const struct tokens *tk;
    int rc;

    (void)flags; /* queries, documents and prefixes split alike */
    if (len <= 0) return SQLITE_OK;
    tk = tokens_find(ft->replay, text, (size_t)len);
    if (tk != NULL)
        rc = tokens_replay(tk, tokenizer_fts5_emit, &f);
    else
        rc = tokenizer_run(ft->t, text, (size_t)len, tokenizer_fts5_emit, &f);
    return rc == TOKENIZER_NOMEM ? SQLITE_NOMEM : rc;
}

int
tokenizer_register_replay(struct fts5_api *api, struct tokens_replay *replay)
{
    fts5_tokenizer tok = {tokenizer_fts5_create, tokenizer_fts5_delete,
                          tokenizer_fts5_tokenize};

    if (api == NULL || api->iVersion < 2) return SQLITE_ERROR;
    return api->xCreateTokenizer(api, "indonesian", replay, &tok, NULL);
}

int
tokenizer_register(struct fts5_api *api)
{
    return tokenizer_register_replay(api, NULL);
}
