/*
 * resp.c - splits a byte stream into requests: RESP multibulk arrays and
 * inline text lines (split like Redis's sdssplitargs).  Each request is
 * walked twice: a first pass validates and measures it without allocating,
 * so incomplete or oversized input costs no memory; a second pass copies
 * the arguments into one block that resp_req_free() releases.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "resp.h"
#include "xmalloc.h"

#define RESP_ERR_INLINE_SIZE "Protocol error: too big inline request"
#define RESP_ERR_MBULK_LEN   "Protocol error: invalid multibulk length"
#define RESP_ERR_BULK_LEN    "Protocol error: invalid bulk length"
#define RESP_ERR_BULK_END    "Protocol error: bulk data not followed by CRLF"
#define RESP_ERR_QUOTES      "Protocol error: unbalanced quotes in request"
#define RESP_ERR_INLINE_ARGS "Protocol error: too many arguments in request"
#define RESP_ERR_INLINE_ARG  "Protocol error: too big argument in request"

/* Quoting state while splitting an inline line. */
enum resp_quote { RESP_QUOTE_NONE, RESP_QUOTE_DOUBLE, RESP_QUOTE_SINGLE };

static void
resp_set_error(char *err, size_t errlen, const char *msg)
{
    if (err != NULL && errlen > 0) snprintf(err, errlen, "%s", msg);
}

/* Separators in an inline line; a lone CR is one (see resp.h). */
static int
resp_is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

static int
resp_hex_value(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/*
 * Gives argc arguments holding data bytes in total one block: the argv
 * array, the argl array, then the bytes, each argument NUL-terminated.
 * Returns where the bytes go.
 */
static char *
resp_req_alloc(struct resp_req *req, size_t argc, size_t data)
{
    size_t head = argc * (sizeof(char *) + sizeof(size_t));
    char *block = xmalloc(head + data + argc);

    req->argc = (int)argc;
    req->argv = (char **)(void *)block;
    req->argl = (size_t *)(void *)(block + argc * sizeof(char *));
    return block + head;
}

/*
 * Reads the number in a "*<n>\r\n" or "$<n>\r\n" header at p[0].  Digits
 * are strict (no sign, no leading zero); allow_nil also accepts "-1",
 * reported through *nil.  Fails as soon as a byte cannot continue a number
 * <= max, so a header never grows past ~22 bytes.  Returns the header's
 * length, RESP_INCOMPLETE or RESP_ERROR.
 */
static long
resp_number(const char *p, size_t len, size_t max, int allow_nil, size_t *val,
            int *nil)
{
    size_t i = 1, start, v = 0;
    int neg = 0;

    if (i < len && p[i] == '-') {
        if (!allow_nil) return RESP_ERROR;
        neg = 1;
        i++;
    }
    for (start = i; i < len && p[i] != '\r'; i++) {
        size_t d = (size_t)(p[i] - '0');

        if (p[i] < '0' || p[i] > '9' || (i > start && p[start] == '0'))
            return RESP_ERROR;
        if (neg) {
            /* "-1" is the only negative: a nil array */
            if (i > start || d != 1) return RESP_ERROR;
            continue;
        }
        if (v > max / 10 || d > max - v * 10) return RESP_ERROR;
        v = v * 10 + d;
    }
    if (i == len) return RESP_INCOMPLETE;
    if (i == start) return RESP_ERROR;
    if (i + 1 == len) return RESP_INCOMPLETE;
    if (p[i + 1] != '\n') return RESP_ERROR;
    *val = neg ? 0 : v;
    if (nil != NULL) *nil = neg;
    return (long)(i + 2);
}

/* The client sent something else where a '$' header belongs. */
static void
resp_set_dollar_error(char *err, size_t errlen, char got)
{
    char msg[64];

    if (got >= ' ' && got <= '~')
        snprintf(msg, sizeof msg, "Protocol error: expected '$', got '%c'",
                 got);
    else
        snprintf(msg, sizeof msg, "Protocol error: expected '$', got '\\x%02x'",
                 (unsigned char)got);
    resp_set_error(err, errlen, msg);
}

/*
 * Checks one "$<n>\r\n<n bytes>\r\n" argument at p.  Returns its total
 * length with the data length in *argl, RESP_INCOMPLETE, or RESP_ERROR
 * (err set).  A wrong terminator fails as soon as its first byte arrives.
 */
static long
resp_bulk_scan(const char *p, size_t len, const struct resp_limits *lim,
               size_t *argl, char *err, size_t errlen)
{
    size_t avail, n;
    long h;

    if (len == 0) return RESP_INCOMPLETE;
    if (p[0] != '$') {
        resp_set_dollar_error(err, errlen, p[0]);
        return RESP_ERROR;
    }
    h = resp_number(p, len, lim->max_bulk, 0, &n, NULL);
    if (h == RESP_ERROR) resp_set_error(err, errlen, RESP_ERR_BULK_LEN);
    if (h < 0) return h;
    avail = len - (size_t)h;
    if (avail <= n) return RESP_INCOMPLETE;
    if (p[h + n] != '\r') goto bad_end;
    if (avail - n < 2) return RESP_INCOMPLETE;
    if (p[h + n + 1] != '\n') goto bad_end;
    *argl = n;
    return h + (long)n + 2;

bad_end:
    resp_set_error(err, errlen, RESP_ERR_BULK_END);
    return RESP_ERROR;
}

/*
 * Second pass over a multibulk request already checked by
 * resp_multibulk(): copies the count arguments into one block.
 */
static void
resp_multibulk_copy(const char *p, size_t count, size_t data,
                    struct resp_req *req)
{
    char *out = resp_req_alloc(req, count, data);
    size_t i, n = 0; /* set by resp_number(); gcc -O3 can't see it */
    long h;

    for (i = 0; i < count; i++) {
        h = resp_number(p, SIZE_MAX, SIZE_MAX, 0, &n, NULL);
        memcpy(out, p + h, n);
        out[n] = '\0';
        req->argv[i] = out;
        req->argl[i] = n;
        out += n + 1;
        p += h + (long)n + 2;
    }
}

/*
 * Parses "*<count>\r\n" and count bulk arguments.  Bulk data is skipped by
 * its length, so re-parsing after each read costs O(count), not O(bytes).
 */
static long
resp_multibulk(const char *p, size_t len, const struct resp_limits *lim,
               struct resp_req *req, char *err, size_t errlen)
{
    size_t max_args = lim->max_args < INT_MAX ? lim->max_args : INT_MAX;
    size_t count, i, argl, data = 0, hdr, pos;
    long r;

    /* "*-1" (a nil array) reads as a count of 0 */
    r = resp_number(p, len, max_args, 1, &count, NULL);
    if (r == RESP_ERROR) resp_set_error(err, errlen, RESP_ERR_MBULK_LEN);
    if (r < 0) return r;
    hdr = pos = (size_t)r;
    for (i = 0; i < count; i++) {
        r = resp_bulk_scan(p + pos, len - pos, lim, &argl, err, errlen);
        if (r < 0) return r;
        pos += (size_t)r;
        data += argl;
    }
    if (count > 0) resp_multibulk_copy(p + hdr, count, data, req);
    return (long)pos;
}

/* Splitting one inline line; out == NULL only measures. */
struct resp_split {
    const char *line;
    size_t n;      /* bytes in line, line ending excluded */
    size_t pos;    /* next byte of line to read */
    char *out;     /* where the current argument goes, or NULL */
    size_t outlen; /* bytes of the current argument so far */
};

static void
resp_split_emit(struct resp_split *s, char c)
{
    if (s->out != NULL) s->out[s->outlen] = c;
    s->outlen++;
}

/* The byte a backslash and c stand for between double quotes. */
static char
resp_unescape(char c)
{
    switch (c) {
    case 'n':
        return '\n';
    case 'r':
        return '\r';
    case 't':
        return '\t';
    case 'b':
        return '\b';
    case 'a':
        return '\a';
    default:
        return c; /* \" \\ and any other byte stand for themselves */
    }
}

/* A backslash at line[pos] inside quotes, with at least one byte after. */
static void
resp_split_escape(struct resp_split *s, enum resp_quote q)
{
    const char *e = s->line + s->pos + 1;
    size_t left = s->n - s->pos - 1;

    if (q == RESP_QUOTE_SINGLE) {
        /* only \' is special between single quotes */
        resp_split_emit(s, *e == '\'' ? '\'' : '\\');
        s->pos += *e == '\'' ? 2 : 1;
        return;
    }
    if (*e == 'x' && left >= 3 && resp_hex_value(e[1]) >= 0 &&
        resp_hex_value(e[2]) >= 0) {
        resp_split_emit(
            s, (char)(resp_hex_value(e[1]) * 16 + resp_hex_value(e[2])));
        s->pos += 4;
        return;
    }
    resp_split_emit(s, resp_unescape(*e));
    s->pos += 2;
}

/*
 * Reads the next argument of the line, skipping blanks before it.  Returns
 * 1 with its length in s->outlen, 0 at the end of the line, -1 on
 * unbalanced quotes.
 */
static int
resp_split_arg(struct resp_split *s)
{
    enum resp_quote q = RESP_QUOTE_NONE;
    char c;

    while (s->pos < s->n && resp_is_blank(s->line[s->pos]))
        s->pos++;
    if (s->pos == s->n) return 0;
    s->outlen = 0;
    while (s->pos < s->n) {
        c = s->line[s->pos];
        if (q == RESP_QUOTE_NONE) {
            if (resp_is_blank(c)) return 1;
            s->pos++;
            if (c == '"')
                q = RESP_QUOTE_DOUBLE;
            else if (c == '\'')
                q = RESP_QUOTE_SINGLE;
            else
                resp_split_emit(s, c);
        } else if (c == (q == RESP_QUOTE_DOUBLE ? '"' : '\'')) {
            /* like sdssplitargs, a closing quote must end the argument */
            s->pos++;
            if (s->pos < s->n && !resp_is_blank(s->line[s->pos])) return -1;
            return 1;
        } else if (c == '\\' && s->pos + 1 < s->n) {
            resp_split_escape(s, q);
        } else {
            resp_split_emit(s, c);
            s->pos++;
        }
    }
    return q == RESP_QUOTE_NONE ? 1 : -1;
}

/* Second pass over a line resp_inline() has checked: copies its argc
 * arguments (data bytes in all) into one block. */
static void
resp_inline_copy(const char *line, size_t n, size_t argc, size_t data,
                 struct resp_req *req)
{
    struct resp_split s = {line, n, 0, NULL, 0};
    size_t i;

    s.out = resp_req_alloc(req, argc, data);
    for (i = 0; i < argc; i++) {
        resp_split_arg(&s);
        s.out[s.outlen] = '\0';
        req->argv[i] = s.out;
        req->argl[i] = s.outlen;
        s.out += s.outlen + 1;
    }
}

/*
 * Parses one inline line.  The newline search stops max_inline + 2 bytes
 * in, so a retry costs at most that much however much is buffered.
 */
static long
resp_inline(const char *p, size_t len, const struct resp_limits *lim,
            struct resp_req *req, char *err, size_t errlen)
{
    struct resp_split s = {p, 0, 0, NULL, 0};
    size_t scan = len, argc = 0, data = 0;
    const char *nl;
    int r;

    if (lim->max_inline < SIZE_MAX - 2 && scan > lim->max_inline + 2)
        scan = lim->max_inline + 2;
    nl = memchr(p, '\n', scan);
    s.n = nl != NULL ? (size_t)(nl - p) : scan;
    /* a CR at the end may be the first half of CRLF: not counted */
    if (s.n > 0 && p[s.n - 1] == '\r') s.n--;
    if (s.n > lim->max_inline) {
        resp_set_error(err, errlen, RESP_ERR_INLINE_SIZE);
        return RESP_ERROR;
    }
    if (nl == NULL) return RESP_INCOMPLETE;
    while ((r = resp_split_arg(&s)) == 1) {
        data += s.outlen;
        if (++argc > lim->max_args || argc > INT_MAX) {
            resp_set_error(err, errlen, RESP_ERR_INLINE_ARGS);
            return RESP_ERROR;
        }
        /* max_bulk bounds every argument, however it was framed */
        if (s.outlen > lim->max_bulk) {
            resp_set_error(err, errlen, RESP_ERR_INLINE_ARG);
            return RESP_ERROR;
        }
    }
    if (r < 0) {
        resp_set_error(err, errlen, RESP_ERR_QUOTES);
        return RESP_ERROR;
    }
    if (argc > 0) resp_inline_copy(p, s.n, argc, data, req);
    return (long)(nl - p) + 1;
}

long
resp_parse(const char *buf, size_t len, const struct resp_limits *lim,
           struct resp_req *req, char *err, size_t errlen)
{
    memset(req, 0, sizeof *req);
    if (len == 0) return RESP_INCOMPLETE;
    if (buf[0] == '*') return resp_multibulk(buf, len, lim, req, err, errlen);
    return resp_inline(buf, len, lim, req, err, errlen);
}

void
resp_req_free(struct resp_req *req)
{
    /* argv heads the one block holding argl and the bytes too */
    free(req->argv);
    memset(req, 0, sizeof *req);
}

void
resp_req_make(struct resp_req *req, int argc, const char *const *argv,
              const size_t *argl)
{
    size_t data = 0;
    char *out;

    for (int i = 0; i < argc; i++)
        data += argl[i];
    out = resp_req_alloc(req, (size_t)argc, data);
    for (int i = 0; i < argc; i++) {
        memcpy(out, argv[i], argl[i]);
        out[argl[i]] = '\0';
        req->argv[i] = out;
        req->argl[i] = argl[i];
        out += argl[i] + 1;
    }
}
