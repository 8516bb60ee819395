/*
 * http_decode.c - HTTP request bodies into PUT requests, on a query
 * thread (http_decode.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "cmd.h"
#include "http_decode.h"
#include "http_json.h"
#include "job.h"
#include "server.h"
#include "xmalloc.h"

static void
http_decode_items_free(struct http_decode *d)
{
    for (size_t i = d->taken; i < d->nitems; i++)
        resp_req_free(&d->items[i].req);
    free(d->items);
    d->items = NULL;
    d->nitems = d->taken = 0;
}

void
http_decode_init(struct http_decode *d, struct evbuffer *body, const char *id,
                 size_t idlen)
{
    memset(d, 0, sizeof *d);
    d->body = evbuffer_new();
    evbuffer_add_buffer(d->body, body); /* moves its chains: no copy */
    d->id = id;
    d->idlen = idlen;
}

struct http_decode_item *
http_decode_take(struct http_decode *d)
{
    return d->taken < d->nitems ? &d->items[d->taken++] : NULL;
}

void
http_decode_free(struct http_decode *d)
{
    http_decode_items_free(d);
    if (d->body != NULL) evbuffer_free(d->body);
    d->body = NULL;
}

static int
http_decode_blank(const char *p, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (p[i] != ' ' && p[i] != '\t') return 0;
    return 1;
}

/* One article p[0..len) into it: a PUT, or its error (as RESP would
 * refuse an argument over --max-bulk: 413). */
static void
http_decode_one(struct http_decode *d, struct http_decode_item *it,
                const char *p, size_t len)
{
    it->line = d->line;
    if (len == 0) { /* jansson would say "wrong arguments" */
        it->status = 400;
        snprintf(it->error, sizeof it->error,
                 "the body is empty: a JSON article is required");
        return;
    }
    if (http_json_put_req(p, len, d->id, d->idlen, &it->req, it->error,
                          sizeof it->error) != 0) {
        it->status = 400;
        return;
    }
    for (int i = 0; i < it->req.argc; i++) {
        if (it->req.argl[i] > (size_t)server.cfg.max_bulk) {
            resp_req_free(&it->req);
            it->status = 413;
            snprintf(it->error, sizeof it->error,
                     "a field is over --max-bulk (%ld bytes)",
                     server.cfg.max_bulk);
            return;
        }
    }
}

/* Query thread: the next chunk of d into its items. */
static void
http_decode_run(struct job *job, void *reader)
{
    struct http_decode *d = job->arg.front;
    size_t start;

    (void)reader;
    http_decode_items_free(d);
    if (d->in == NULL) {
        d->inlen = evbuffer_get_length(d->body);
        d->in = (const char *)evbuffer_pullup(d->body, -1);
    }
    if (d->id != NULL) {
        d->items = xcalloc(1, sizeof *d->items);
        d->nitems = 1;
        http_decode_one(d, &d->items[0], d->in, d->inlen);
        d->done = 1;
        return;
    }
    d->items = xcalloc(HTTP_DECODE_LINES, sizeof *d->items);
    start = d->pos;
    while (d->pos < d->inlen && d->nitems < HTTP_DECODE_LINES &&
           d->pos - start < HTTP_DECODE_BYTES) {
        const char *p = d->in + d->pos;
        const char *nl = memchr(p, '\n', d->inlen - d->pos);
        size_t len = nl != NULL ? (size_t)(nl - p) : d->inlen - d->pos;

        d->pos += len + (nl != NULL);
        d->line++;
        if (len > 0 && p[len - 1] == '\r') len--;
        if (http_decode_blank(p, len)) continue;
        http_decode_one(d, &d->items[d->nitems++], p, len);
    }
    d->done = d->pos >= d->inlen;
}

const struct cmd http_decode_cmd = {
    "HTTP-DECODE",   0,      1,    1,   JOB_READ, NULL,
    http_decode_run, "http", NULL, NULL};
