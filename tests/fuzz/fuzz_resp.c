/*
 * fuzz_resp.c - libFuzzer target for resp_parse().  The input is consumed
 * as a pipelined stream, under tight and under roomy limits, asserting the
 * invariants: results stay within the limits, every prefix of a request
 * parses as RESP_INCOMPLETE or as the same result, and each request,
 * encoded back as a RESP array with reply.c, parses to itself.
 */
#undef NDEBUG /* the invariants below are the point of this target */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "reply.h"
#include "resp.h"

#define FUZZ_RESP_MAX_INPUT 65536 /* bytes; longer inputs are cut */
#define FUZZ_RESP_PREFIXES  48    /* prefixes checked per request */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* One parse: what resp_parse() returned, and what it filled in. */
struct fuzz_resp_result {
    long r;
    struct resp_req req;
    char err[128];
};

static const struct resp_limits fuzz_resp_tight = { 64, 32, 8 };
static const struct resp_limits fuzz_resp_roomy = { 65536, 65536, 1024 };

/*
 * Parses p[0..len) from an exact-size copy, so that AddressSanitizer
 * catches a read past len even when p is part of a longer input.
 */
static void
fuzz_resp_parse(const char *p, size_t len, const struct resp_limits *lim,
                struct fuzz_resp_result *res)
{
    char *copy = malloc(len > 0 ? len : 1);
    int i;

    assert(copy != NULL);
    memcpy(copy, p, len);
    res->err[0] = '\0';
    res->r = resp_parse(copy, len, lim, &res->req, res->err,
                        sizeof res->err);
    free(copy);
    assert(res->r > 0 || res->r == RESP_INCOMPLETE || res->r == RESP_ERROR);
    if (res->r <= 0) {
        assert(res->req.argc == 0 && res->req.argv == NULL);
        assert(res->r != RESP_ERROR || res->err[0] != '\0');
        return;
    }
    assert((size_t)res->r <= len);
    assert(res->req.argc >= 0 && (size_t)res->req.argc <= lim->max_args);
    for (i = 0; i < res->req.argc; i++) {
        assert(res->req.argl[i] <= lim->max_bulk);
        assert(res->req.argv[i][res->req.argl[i]] == '\0');
    }
}

static int
fuzz_resp_same(const struct fuzz_resp_result *a,
               const struct fuzz_resp_result *b)
{
    int i;

    if (a->r != b->r)
        return 0;
    if (a->r == RESP_ERROR)
        return strcmp(a->err, b->err) == 0;
    if (a->req.argc != b->req.argc)
        return 0;
    for (i = 0; i < a->req.argc; i++) {
        if (a->req.argl[i] != b->req.argl[i] ||
            memcmp(a->req.argv[i], b->req.argv[i], a->req.argl[i]) != 0)
            return 0;
    }
    return 1;
}

/* A prefix of k bytes: incomplete before the request ends, else the same. */
static void
fuzz_resp_check_prefix(const char *p, size_t k, const struct resp_limits *lim,
                       const struct fuzz_resp_result *full)
{
    struct fuzz_resp_result pre;

    fuzz_resp_parse(p, k, lim, &pre);
    if (pre.r == RESP_INCOMPLETE)
        assert(full->r < 0 || (size_t)full->r > k);
    else
        assert(fuzz_resp_same(&pre, full));
    resp_req_free(&pre.req);
}

/* Short requests: every prefix; long ones: an even spread plus the end. */
static void
fuzz_resp_check_prefixes(const char *p, size_t len,
                         const struct resp_limits *lim,
                         const struct fuzz_resp_result *full)
{
    size_t end = full->r > 0 ? (size_t)full->r : len, k, step;

    step = end / FUZZ_RESP_PREFIXES + 1;
    for (k = 0; k < end; k += step)
        fuzz_resp_check_prefix(p, k, lim, full);
    for (k = end > 4 ? end - 4 : 0; k < end; k++)
        fuzz_resp_check_prefix(p, k, lim, full);
}

/* Encodes the request as a RESP array of bulks and parses it back. */
static void
fuzz_resp_check_roundtrip(const struct fuzz_resp_result *full,
                          const struct resp_limits *lim)
{
    struct fuzz_resp_result back;
    struct reply_buf b;
    int i;

    if (full->req.argc == 0)
        return;
    reply_buf_init(&b);
    reply_array(&b, full->req.argc);
    for (i = 0; i < full->req.argc; i++)
        reply_bulk(&b, full->req.argv[i], full->req.argl[i]);
    fuzz_resp_parse(b.p, b.len, lim, &back);
    assert(back.r == (long)b.len);
    back.r = full->r; /* the lengths differ; compare the arguments */
    assert(fuzz_resp_same(&back, full));
    resp_req_free(&back.req);
    reply_buf_free(&b);
}

/* Consumes requests until the rest is incomplete or an error. */
static void
fuzz_resp_stream(const char *p, size_t len, const struct resp_limits *lim)
{
    struct fuzz_resp_result full;

    for (;;) {
        fuzz_resp_parse(p, len, lim, &full);
        fuzz_resp_check_prefixes(p, len, lim, &full);
        if (full.r <= 0)
            break;
        fuzz_resp_check_roundtrip(&full, lim);
        resp_req_free(&full.req);
        p += full.r;
        len -= (size_t)full.r;
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > FUZZ_RESP_MAX_INPUT)
        size = FUZZ_RESP_MAX_INPUT;
    fuzz_resp_stream((const char *)data, size, &fuzz_resp_tight);
    fuzz_resp_stream((const char *)data, size, &fuzz_resp_roomy);
    return 0;
}
