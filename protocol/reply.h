/*
 * reply.h - RESP2 reply encoding into a growable byte buffer.
 *
 * RESP3 (after HELLO 3) differs only where a reply says so: reply_nil()
 * and reply_map().  Everything else is the same bytes in both.
 *
 * Pure code: workers encode replies off the event loop and hand the bytes
 * to the connection.  A buffer is owned by whoever created it and freed
 * with reply_buf_free(); out-of-memory aborts (see xmalloc in the daemon:
 * sizes are bounded by the protocol limits before anything is encoded).
 */
#ifndef REPLY_H
#define REPLY_H

#include <stddef.h>
#include <stdint.h>

struct reply_buf {
    char *p;
    size_t len; /* bytes used */
    size_t cap; /* bytes allocated */
    int resp3;  /* encode RESP3 forms (kept across reply_buf_free) */
};

void reply_buf_init(struct reply_buf *b);
void reply_buf_free(struct reply_buf *b);
/* Appends raw bytes (already encoded). */
void reply_raw(struct reply_buf *b, const char *p, size_t len);
/* +text\r\n; text must not contain CR or LF. */
void reply_simple(struct reply_buf *b, const char *text);
/* -<text>\r\n, e.g. reply_error(b, "ERR unknown command 'FOO'");
 * CR and LF in the text are replaced by spaces. */
void reply_error(struct reply_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* :n\r\n */
void reply_int(struct reply_buf *b, int64_t n);
/* $len\r\n<bytes>\r\n; binary-safe. */
void reply_bulk(struct reply_buf *b, const char *p, size_t len);
/* A bulk string of a C string. */
void reply_bulk_str(struct reply_buf *b, const char *s);
/* A double as a bulk string, printf "%.6f" (scores, latencies). */
void reply_bulk_double(struct reply_buf *b, double d);
/* $-1\r\n, or RESP3's _\r\n */
void reply_nil(struct reply_buf *b);
/* A map of n pairs: %n\r\n in RESP3, *2n\r\n (flat pairs) in RESP2; the
 * caller then appends 2n elements, key first. */
void reply_map(struct reply_buf *b, int64_t n);
/* *n\r\n; the caller then appends n elements. */
void reply_array(struct reply_buf *b, int64_t n);

#endif
