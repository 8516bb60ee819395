/*
 * http_decode.h - an HTTP request body turned into PUT requests on a
 * query thread, never on the loop (jansson takes ~12 ms a MB: a 15 MB
 * body held every client that long).  The decoding is a job of the
 * request's own connection (conn.h, struct conn_front_req's cmd), so it
 * keeps the connection's order and limits and is cancelled with its
 * reads when the client leaves.
 *
 * One http_decode per request.  The loop sets it up (body moved out of
 * evhttp's request without a copy), hands http_decode_cmd to the
 * connection; the query thread decodes the next chunk into items; back
 * on the loop, the caller takes the items in order, then hands the
 * command again until done.  Only one side touches it at a time.
 */
#ifndef HTTP_DECODE_H
#define HTTP_DECODE_H

#include <stddef.h>

#include "resp.h"

struct cmd;
struct evbuffer;

/* clang-format off */
#define HTTP_DECODE_LINES 256         /* NDJSON lines decoded per job */
#define HTTP_DECODE_BYTES (1u << 20)  /* ... and at most about this much */
/* clang-format on */

/* One article of the body: a PUT to run, or why there is none. */
struct http_decode_item {
    int line;            /* NDJSON: its line number (1, 2, ...) */
    int status;          /* 0: req is the PUT; else 400 or 413 */
    struct resp_req req; /* owned until taken */
    char error[256];     /* status != 0: the message */
};

struct http_decode {
    struct evbuffer *body; /* the request body; owned */
    const char *id;        /* PUT /articles/{id}: one article named so;
                              NULL: NDJSON, one article a line */
    size_t idlen;
    /* the query thread's place in the body */
    const char *in;
    size_t inlen, pos;
    int line;
    int done; /* the body is decoded to the end */
    /* the last job's items, taken in order by the loop */
    struct http_decode_item *items;
    size_t nitems, taken;
};

/* The connection's command (a JOB_READ, not in the command table, so no
 * client can name it) that decodes d = job->arg.front's next chunk. */
extern const struct cmd http_decode_cmd;

/* d for body (taken over; emptied into d without a copy); id as above,
 * pointing at the caller's string.  Loop thread. */
void http_decode_init(struct http_decode *d, struct evbuffer *body,
                      const char *id, size_t idlen);
/* The next decoded item, or NULL when the last job's are taken. */
struct http_decode_item *http_decode_take(struct http_decode *d);
void http_decode_free(struct http_decode *d);

#endif
