/*
 * reply.c - encodes RESP2 replies into a growable buffer.  The buffer
 * doubles as it grows, so appending n bytes in pieces costs O(n); an
 * allocation failure aborts (xmalloc.h), which is safe only because every
 * size here is bounded by the protocol limits before a reply is built.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reply.h"
#include "xmalloc.h"

#define REPLY_MIN_CAP 64 /* bytes; first allocation of a buffer */

/* Makes room for need more bytes after b->len. */
static void
reply_reserve(struct reply_buf *b, size_t need)
{
    size_t cap = b->cap > 0 ? b->cap : REPLY_MIN_CAP;

    if (need <= b->cap - b->len) return;
    if (need > SIZE_MAX / 2 - b->len) {
        fprintf(stderr, "reply: buffer of %zu + %zu bytes is too big\n", b->len,
                need);
        abort();
    }
    while (cap - b->len < need)
        cap *= 2;
    b->p = xrealloc(b->p, cap);
    b->cap = cap;
}

/* RESP framing would break on a CR or LF inside a status or error line. */
static void
reply_blank_newlines(char *p, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++) {
        if (p[i] == '\r' || p[i] == '\n') p[i] = ' ';
    }
}

/* Appends "<type><n>\r\n", the header of integers, bulks and arrays. */
static void
reply_header(struct reply_buf *b, char type, int64_t n)
{
    char tmp[32];
    int len = snprintf(tmp, sizeof tmp, "%c%" PRId64 "\r\n", type, n);

    reply_raw(b, tmp, (size_t)len);
}

void
reply_buf_init(struct reply_buf *b)
{
    b->resp3 = 0;
    b->p = NULL;
    b->len = 0;
    b->cap = 0;
}

void
reply_buf_free(struct reply_buf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = 0;
    b->cap = 0;
}

void
reply_raw(struct reply_buf *b, const char *p, size_t len)
{
    if (len == 0) return;
    reply_reserve(b, len);
    memcpy(b->p + b->len, p, len);
    b->len += len;
}

void
reply_simple(struct reply_buf *b, const char *text)
{
    size_t len = strlen(text);

    reply_reserve(b, len + 3);
    b->p[b->len] = '+';
    memcpy(b->p + b->len + 1, text, len);
    /* the caller promised no CR/LF; keep the framing even if it lied */
    reply_blank_newlines(b->p + b->len + 1, len);
    memcpy(b->p + b->len + 1 + len, "\r\n", 2);
    b->len += len + 3;
}

void
reply_error(struct reply_buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap); /* NOLINT: clang 14 false positive */
    va_end(ap);
    if (n < 0)
        n = 0; /* an encoding error: send a bare "-" rather than nothing */
    reply_reserve(b, (size_t)n + 4); /* '-', text, CRLF, vsnprintf's NUL */
    b->p[b->len] = '-';
    va_start(ap, fmt);
    if (n > 0) vsnprintf(b->p + b->len + 1, (size_t)n + 1, fmt, ap);
    va_end(ap);
    reply_blank_newlines(b->p + b->len + 1, (size_t)n);
    memcpy(b->p + b->len + 1 + n, "\r\n", 2);
    b->len += (size_t)n + 3;
}

void
reply_int(struct reply_buf *b, int64_t n)
{
    reply_header(b, ':', n);
}

void
reply_bulk(struct reply_buf *b, const char *p, size_t len)
{
    reply_header(b, '$', (int64_t)len);
    reply_reserve(b, len + 2);
    if (len > 0) memcpy(b->p + b->len, p, len);
    memcpy(b->p + b->len + len, "\r\n", 2);
    b->len += len + 2;
}

void
reply_bulk_str(struct reply_buf *b, const char *s)
{
    reply_bulk(b, s, strlen(s));
}

void
reply_bulk_double(struct reply_buf *b, double d)
{
    /* "%.6f" of DBL_MAX is 316 bytes; measure rather than trust that */
    char tmp[64];
    int n = snprintf(tmp, sizeof tmp, "%.6f", d);
    char *big;

    if (n < 0) n = 0; /* cannot happen for "%.6f"; keep the framing anyway */
    if ((size_t)n < sizeof tmp) {
        reply_bulk(b, tmp, (size_t)n);
        return;
    }
    big = xrealloc(NULL, (size_t)n + 1);
    snprintf(big, (size_t)n + 1, "%.6f", d);
    reply_bulk(b, big, (size_t)n);
    free(big);
}

void
reply_nil(struct reply_buf *b)
{
    if (b->resp3)
        reply_raw(b, "_\r\n", 3);
    else
        reply_raw(b, "$-1\r\n", 5);
}

void
reply_map(struct reply_buf *b, int64_t n)
{
    if (b->resp3)
        reply_header(b, '%', n);
    else
        reply_header(b, '*', 2 * n);
}

void
reply_array(struct reply_buf *b, int64_t n)
{
    reply_header(b, '*', n);
}
