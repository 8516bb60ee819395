/*
 * test_reply.c - table-driven tests of the RESP2 reply encoders: each row
 * encodes one value into a fresh buffer and compares the exact wire bytes;
 * further cases cover printf formatting, composed replies and growth.
 */
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reply.h"
#include "tap.h"

#define W(s) s, sizeof(s) - 1

enum test_reply_kind {
    TEST_REPLY_RAW,
    TEST_REPLY_SIMPLE,
    TEST_REPLY_ERROR,
    TEST_REPLY_INT,
    TEST_REPLY_BULK,
    TEST_REPLY_BULK_STR,
    TEST_REPLY_DOUBLE,
    TEST_REPLY_NIL,
    TEST_REPLY_ARRAY
};

struct test_reply_case {
    const char *name;
    enum test_reply_kind kind;
    const char *s; /* text or bytes to encode */
    size_t slen;   /* bytes of s, for RAW and BULK */
    int64_t n;     /* for INT and ARRAY */
    double d;      /* for DOUBLE */
    const char *want;
    size_t wantlen;
};

static const struct test_reply_case test_reply_cases[] = {
    { "raw", TEST_REPLY_RAW, W("+OK\r\n"), 0, 0, W("+OK\r\n") },
    { "raw empty", TEST_REPLY_RAW, W(""), 0, 0, W("") },
    { "simple", TEST_REPLY_SIMPLE, W("PONG"), 0, 0, W("+PONG\r\n") },
    { "simple empty", TEST_REPLY_SIMPLE, W(""), 0, 0, W("+\r\n") },
    { "simple CRLF", TEST_REPLY_SIMPLE, W("a\r\nb"), 0, 0, W("+a  b\r\n") },
    { "error", TEST_REPLY_ERROR, W("ERR empty query"), 0, 0,
      W("-ERR empty query\r\n") },
    { "error CR LF", TEST_REPLY_ERROR, W("ERR a\rb\nc\r\n"), 0, 0,
      W("-ERR a b c  \r\n") },
    { "int 0", TEST_REPLY_INT, NULL, 0, 0, 0, W(":0\r\n") },
    { "int -1", TEST_REPLY_INT, NULL, 0, -1, 0, W(":-1\r\n") },
    { "int max", TEST_REPLY_INT, NULL, 0, INT64_MAX, 0,
      W(":9223372036854775807\r\n") },
    { "int min", TEST_REPLY_INT, NULL, 0, INT64_MIN, 0,
      W(":-9223372036854775808\r\n") },
    { "bulk", TEST_REPLY_BULK, W("hello world"), 0, 0,
      W("$11\r\nhello world\r\n") },
    { "bulk CRLF", TEST_REPLY_BULK, W("hello\r\nworld"), 0, 0,
      W("$12\r\nhello\r\nworld\r\n") },
    { "bulk NUL", TEST_REPLY_BULK, W("a\0b"), 0, 0, W("$3\r\na\0b\r\n") },
    { "bulk empty", TEST_REPLY_BULK, W(""), 0, 0, W("$0\r\n\r\n") },
    { "bulk NULL empty", TEST_REPLY_BULK, NULL, 0, 0, 0, W("$0\r\n\r\n") },
    { "bulk_str", TEST_REPLY_BULK_STR, W("halo"), 0, 0, W("$4\r\nhalo\r\n") },
    { "bulk_str empty", TEST_REPLY_BULK_STR, W(""), 0, 0, W("$0\r\n\r\n") },
    { "double", TEST_REPLY_DOUBLE, NULL, 0, 0, 1.5, W("$8\r\n1.500000\r\n") },
    { "double 0", TEST_REPLY_DOUBLE, NULL, 0, 0, 0, W("$8\r\n0.000000\r\n") },
    { "double neg", TEST_REPLY_DOUBLE, NULL, 0, 0, -0.25,
      W("$9\r\n-0.250000\r\n") },
    { "double round", TEST_REPLY_DOUBLE, NULL, 0, 0, 3.14159265,
      W("$8\r\n3.141593\r\n") },
    { "double tiny", TEST_REPLY_DOUBLE, NULL, 0, 0, 1e-9,
      W("$8\r\n0.000000\r\n") },
    { "double 1e20", TEST_REPLY_DOUBLE, NULL, 0, 0, 1e20,
      W("$28\r\n100000000000000000000.000000\r\n") },
    { "double inf", TEST_REPLY_DOUBLE, NULL, 0, 0, HUGE_VAL,
      W("$3\r\ninf\r\n") },
    { "nil", TEST_REPLY_NIL, NULL, 0, 0, 0, W("$-1\r\n") },
    { "array 0", TEST_REPLY_ARRAY, NULL, 0, 0, 0, W("*0\r\n") },
    { "array 3", TEST_REPLY_ARRAY, NULL, 0, 3, 0, W("*3\r\n") },
    { "array nil", TEST_REPLY_ARRAY, NULL, 0, -1, 0, W("*-1\r\n") },
    { NULL, TEST_REPLY_RAW, NULL, 0, 0, 0, NULL, 0 },
};

static void
test_reply_encode(struct reply_buf *b, const struct test_reply_case *c)
{
    switch (c->kind) {
    case TEST_REPLY_RAW:
        reply_raw(b, c->s, c->slen);
        break;
    case TEST_REPLY_SIMPLE:
        reply_simple(b, c->s);
        break;
    case TEST_REPLY_ERROR:
        reply_error(b, "%s", c->s);
        break;
    case TEST_REPLY_INT:
        reply_int(b, c->n);
        break;
    case TEST_REPLY_BULK:
        reply_bulk(b, c->s, c->slen);
        break;
    case TEST_REPLY_BULK_STR:
        reply_bulk_str(b, c->s);
        break;
    case TEST_REPLY_DOUBLE:
        reply_bulk_double(b, c->d);
        break;
    case TEST_REPLY_NIL:
        reply_nil(b);
        break;
    case TEST_REPLY_ARRAY:
        reply_array(b, c->n);
        break;
    }
}

/* The buffer holds exactly want[0..wantlen) and its fields are sane. */
static int
test_reply_is(const struct reply_buf *b, const char *want, size_t wantlen)
{
    if (b->len != wantlen || b->len > b->cap)
        return 0;
    return wantlen == 0 || memcmp(b->p, want, wantlen) == 0;
}

static void
test_reply_table(void)
{
    const struct test_reply_case *c;
    struct reply_buf b;

    for (c = test_reply_cases; c->name != NULL; c++) {
        reply_buf_init(&b);
        test_reply_encode(&b, c);
        ok(test_reply_is(&b, c->want, c->wantlen), c->name);
        reply_buf_free(&b);
    }
}

static void
test_reply_error_format(void)
{
    struct reply_buf b;
    char want[2048];
    char arg[1500];

    reply_buf_init(&b);
    reply_error(&b, "ERR unknown command '%s', %d args", "FOO", 2);
    ok(test_reply_is(&b, W("-ERR unknown command 'FOO', 2 args\r\n")),
       "error: printf arguments");
    reply_buf_free(&b);

    reply_error(&b, "ERR bad '%s'", "x\r\ny");
    ok(test_reply_is(&b, W("-ERR bad 'x  y'\r\n")),
       "error: CR LF in an argument become spaces");
    reply_buf_free(&b);

    /* longer than the first allocation, so the text is formatted after
     * growing */
    memset(arg, 'x', sizeof arg - 1);
    arg[sizeof arg - 1] = '\0';
    reply_raw(&b, "+OK\r\n", 5);
    reply_error(&b, "ERR %s", arg);
    snprintf(want, sizeof want, "+OK\r\n-ERR %s\r\n", arg);
    ok(test_reply_is(&b, want, strlen(want)), "error: long text appended");
    reply_buf_free(&b);
}

static void
test_reply_double_big(void)
{
    struct reply_buf b;
    char text[512], want[600];
    int n;

    n = snprintf(text, sizeof text, "%.6f", 1e300);
    snprintf(want, sizeof want, "$%d\r\n%s\r\n", n, text);
    reply_buf_init(&b);
    reply_bulk_double(&b, 1e300);
    ok(n > 300 && test_reply_is(&b, want, strlen(want)),
       "double: 1e300 is printed in full");
    reply_buf_free(&b);
}

/* The MGET reply of ANCHORS-PROTOCOLS.md section 3, byte for byte. */
static void
test_reply_composed(void)
{
    struct reply_buf b;

    reply_buf_init(&b);
    reply_array(&b, 3);
    reply_bulk_str(&b, "hello world");
    reply_nil(&b);
    reply_bulk(&b, "hello\r\nworld", 12);
    ok(test_reply_is(&b, W("*3\r\n$11\r\nhello world\r\n$-1\r\n"
                           "$12\r\nhello\r\nworld\r\n")),
       "array of bulk, nil, bulk");
    reply_buf_free(&b);
}

static void
test_reply_growth(void)
{
    struct reply_buf b;
    size_t i, grows = 0, cap = 0, bad = 0;
    char *big;

    reply_buf_init(&b);
    ok(b.p == NULL && b.len == 0 && b.cap == 0, "init: empty, no memory");
    reply_raw(&b, "", 0);
    ok(b.p == NULL, "appending nothing allocates nothing");
    for (i = 0; i < 100000; i++) {
        reply_raw(&b, "abc", 3);
        if (b.cap != cap) {
            if (cap != 0 && b.cap != 2 * cap)
                bad++;
            cap = b.cap;
            grows++;
        }
    }
    ok(b.len == 300000 && bad == 0, "100000 appends: capacity doubles");
    ok(grows <= 14, "100000 appends: at most 14 allocations");
    for (i = 0; i < b.len && b.p[i] == "abc"[i % 3]; i++)
        ;
    ok(i == b.len, "100000 appends: contents intact");
    big = calloc(1, 1 << 20);
    if (big == NULL)
        abort();
    reply_bulk(&b, big, 1 << 20);
    ok(b.len == 300000 + 10 + (1 << 20) + 2 && b.len <= b.cap &&
           memcmp(b.p + 300000, "$1048576\r\n", 10) == 0,
       "bulk larger than the buffer");
    free(big);
    reply_buf_free(&b);
    ok(b.p == NULL && b.len == 0 && b.cap == 0, "free: buffer zeroed");
    reply_buf_free(&b);
    ok(1, "free twice is safe");
}

/* RESP3 changes nil and maps only; the flag survives reply_buf_free(). */
static void
test_reply_resp3(void)
{
    struct reply_buf b;

    reply_buf_init(&b);
    reply_map(&b, 2);
    reply_nil(&b);
    ok(b.len == 9 && memcmp(b.p, "*4\r\n$-1\r\n", 9) == 0,
       "RESP2: map is a flat array, nil is $-1");
    reply_buf_free(&b);
    b.resp3 = 1;
    reply_map(&b, 2);
    reply_nil(&b);
    reply_int(&b, 7);
    ok(b.len == 11 && memcmp(b.p, "%2\r\n_\r\n:7\r\n", 11) == 0,
       "RESP3: map header, _ and the same integer");
    reply_buf_free(&b);
    ok(b.resp3 == 1, "free keeps the protocol");
    reply_nil(&b);
    ok(b.len == 3 && memcmp(b.p, "_\r\n", 3) == 0, "nil after free");
    reply_buf_free(&b);
}

static const struct tap_case test_reply_tap_cases[] = {
    { "resp3", test_reply_resp3 },
    { "table", test_reply_table },
    { "error format", test_reply_error_format },
    { "big double", test_reply_double_big },
    { "composed", test_reply_composed },
    { "growth", test_reply_growth },
    { NULL, NULL },
};

int
main(void)
{
    return tap_main(test_reply_tap_cases);
}
