/*
 * test_resp.c - table-driven tests of resp_parse().  Every input is copied
 * so that it ends right at a PROT_NONE page (picohttpparser style): a read
 * past the end crashes.  Every prefix of every input is parsed too and must
 * give RESP_INCOMPLETE or the input's own result.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "resp.h"
#include "tap.h"

#define IN(s) s, sizeof(s) - 1
#define ALL   0               /* want: the whole input is one request */
#define INC   RESP_INCOMPLETE /* want: more bytes needed */
#define ERR   RESP_ERROR      /* want: this error message */

#define TEST_RESP_RENDER_MAX 4096 /* bytes; longest rendered argv */

struct test_resp_case {
    const char *in;
    size_t inlen;
    long want;        /* bytes consumed (ALL: inlen), INC or ERR */
    const char *args; /* argv rendered by test_resp_render(), or the
                         error message */
};

/* Limits for the main table: small, so every boundary is cheap to hit. */
static const struct resp_limits test_resp_small = { 32, 16, 5 };
/* No limits at all: the parser's own overflow checks must hold. */
static const struct resp_limits test_resp_huge = { SIZE_MAX, SIZE_MAX,
                                                   SIZE_MAX };

static const struct test_resp_case test_resp_cases[] = {
    /* multibulk */
    { IN("*1\r\n$4\r\nPING\r\n"), ALL, "[PING]" },
    { IN("*2\r\n$3\r\nGET\r\n$5\r\nart:2\r\n"), ALL, "[GET][art:2]" },
    { IN("*2\r\n$1\r\na\r\n$12\r\nhello\r\nworld\r\n"), ALL,
      "[a][hello\\x0d\\x0aworld]" },
    { IN("*2\r\n$1\r\n\0\r\n$3\r\na\0b\r\n"), ALL, "[\\x00][a\\x00b]" },
    { IN("*1\r\n$0\r\n\r\n"), ALL, "[]" },
    { IN("*0\r\n"), ALL, "" },
    { IN("*-1\r\n"), ALL, "" },
    { IN("*1\r\n$16\r\n0123456789abcdef\r\n"), ALL, "[0123456789abcdef]" },
    { IN("*5\r\n$1\r\na\r\n$0\r\n\r\n$0\r\n\r\n$0\r\n\r\n$1\r\nb\r\n"), ALL,
      "[a][][][][b]" },
    { IN("*2\r\n$4\r\nPING\r\n$2\r\nhi\r\nPING\r\n"), 22, "[PING][hi]" },
    { IN("*1\r\n$4\r\nPING\r\n*1\r\n$4\r\nPING\r\n"), 14, "[PING]" },
    /* multibulk, incomplete */
    { IN("*"), INC, "" },
    { IN("*1"), INC, "" },
    { IN("*1\r"), INC, "" },
    { IN("*1\r\n"), INC, "" },
    { IN("*1\r\n$"), INC, "" },
    { IN("*1\r\n$3"), INC, "" },
    { IN("*1\r\n$3\r"), INC, "" },
    { IN("*1\r\n$3\r\nab"), INC, "" },
    { IN("*1\r\n$3\r\nabc"), INC, "" },
    { IN("*1\r\n$3\r\nabc\r"), INC, "" },
    { IN("*-"), INC, "" },
    { IN("*-1\r"), INC, "" },
    { IN("*5\r\n"), INC, "" },
    { IN("*1\r\n$16\r\n"), INC, "" },
    /* multibulk, bad count */
    { IN("*x\r\n"), ERR, "Protocol error: invalid multibulk length" },
    { IN("*\r\n"), ERR, "Protocol error: invalid multibulk length" },
    { IN("*-2\r\n"), ERR, "Protocol error: invalid multibulk length" },
    { IN("*-10\r\n"), ERR, "Protocol error: invalid multibulk length" },
    { IN("*--1\r\n"), ERR, "Protocol error: invalid multibulk length" },
    { IN("*+1\r\n"), ERR, "Protocol error: invalid multibulk length" },
    { IN("*01\r\n"), ERR, "Protocol error: invalid multibulk length" },
    { IN("*1 \r\n"), ERR, "Protocol error: invalid multibulk length" },
    { IN("*1\n"), ERR, "Protocol error: invalid multibulk length" },
    { IN("*1\rX"), ERR, "Protocol error: invalid multibulk length" },
    { IN("*6\r\n"), ERR, "Protocol error: invalid multibulk length" },
    { IN("*99999999999999999999\r\n"), ERR,
      "Protocol error: invalid multibulk length" },
    /* multibulk, bad argument header */
    { IN("*1\r\n$abc\r\n"), ERR, "Protocol error: invalid bulk length" },
    { IN("*1\r\n$\r\n"), ERR, "Protocol error: invalid bulk length" },
    { IN("*1\r\n$-1\r\n"), ERR, "Protocol error: invalid bulk length" },
    { IN("*1\r\n$03\r\n"), ERR, "Protocol error: invalid bulk length" },
    { IN("*1\r\n$17\r\n"), ERR, "Protocol error: invalid bulk length" },
    { IN("*1\r\n$3\rX"), ERR, "Protocol error: invalid bulk length" },
    { IN("*1\r\n$99999999999999999999\r\n"), ERR,
      "Protocol error: invalid bulk length" },
    { IN("*1\r\nPING\r\n"), ERR, "Protocol error: expected '$', got 'P'" },
    { IN("*2\r\n$1\r\na\r\n:1\r\n"), ERR,
      "Protocol error: expected '$', got ':'" },
    { IN("*1\r\n\0"), ERR, "Protocol error: expected '$', got '\\x00'" },
    { IN("*1\r\n\r\n"), ERR, "Protocol error: expected '$', got '\\x0d'" },
    /* multibulk, bad data terminator */
    { IN("*1\r\n$3\r\nabcXY"), ERR,
      "Protocol error: bulk data not followed by CRLF" },
    { IN("*1\r\n$3\r\nabc\rX"), ERR,
      "Protocol error: bulk data not followed by CRLF" },
    { IN("*1\r\n$3\r\nabc\n\r"), ERR,
      "Protocol error: bulk data not followed by CRLF" },
    { IN("*1\r\n$3\r\nabcd\r\n"), ERR,
      "Protocol error: bulk data not followed by CRLF" },
    /* inline */
    { IN("PING\r\n"), ALL, "[PING]" },
    { IN("PING\n"), ALL, "[PING]" },
    { IN("PING"), INC, "" },
    { IN("PING\r"), INC, "" },
    { IN("\r\n"), ALL, "" },
    { IN("\n"), ALL, "" },
    { IN(" \t \r\n"), ALL, "" },
    { IN("  a \t b  \r\n"), ALL, "[a][b]" },
    { IN("SET art:1 \"hello world\"\r\n"), ALL, "[SET][art:1][hello world]" },
    { IN("GET / HTTP/1.0\r\n"), ALL, "[GET][/][HTTP/1.0]" },
    { IN("\x01\x7f\xff\n"), ALL, "[\\x01\\x7f\\xff]" },
    { IN("a\0b c\n"), ALL, "[a\\x00b][c]" },
    /* inline, double-quote escapes */
    { IN("\"a\\nb\"\n"), ALL, "[a\\x0ab]" },
    { IN("\"a\\rb\"\n"), ALL, "[a\\x0db]" },
    { IN("\"a\\tb\"\n"), ALL, "[a\\x09b]" },
    { IN("\"a\\bb\"\n"), ALL, "[a\\x08b]" },
    { IN("\"a\\ab\"\n"), ALL, "[a\\x07b]" },
    { IN("\"a\\\"b\"\n"), ALL, "[a\"b]" },
    { IN("\"a\\\\b\"\n"), ALL, "[a\\x5cb]" },
    { IN("\"\\x41\\x6a\\xFF\\x00\"\n"), ALL, "[Aj\\xff\\x00]" },
    { IN("\"\\x4\"\n"), ALL, "[x4]" },
    { IN("\"\\xZZ\"\n"), ALL, "[xZZ]" },
    { IN("\"\\q\"\n"), ALL, "[q]" },
    { IN("\"a'b\"\n"), ALL, "[a'b]" },
    { IN("a\\nb\n"), ALL, "[a\\x5cnb]" },
    /* inline, single quotes and quote placement */
    { IN("'a b'\n"), ALL, "[a b]" },
    { IN("'it\\'s'\n"), ALL, "[it's]" },
    { IN("'a\\nb'\n"), ALL, "[a\\x5cnb]" },
    { IN("'a\\\\b'\n"), ALL, "[a\\x5c\\x5cb]" },
    { IN("'a\\\\'\n"), ERR, "Protocol error: unbalanced quotes in request" },
    { IN("'a\"b'\n"), ALL, "[a\"b]" },
    { IN("a\"b c\"\n"), ALL, "[ab c]" },
    { IN("\"\"\n"), ALL, "[]" },
    { IN("'' x\n"), ALL, "[][x]" },
    { IN("\"a\"\tb\n"), ALL, "[a][b]" },
    { IN("\"a\"\rb\n"), ALL, "[a][b]" },
    { IN("\"a\"\r\n"), ALL, "[a]" },
    /* inline, unbalanced quotes */
    { IN("\"abc\n"), ERR, "Protocol error: unbalanced quotes in request" },
    { IN("'abc\n"), ERR, "Protocol error: unbalanced quotes in request" },
    { IN("\"a\"b\n"), ERR, "Protocol error: unbalanced quotes in request" },
    { IN("'a'b\n"), ERR, "Protocol error: unbalanced quotes in request" },
    { IN("\"a\"\"b\"\n"), ERR,
      "Protocol error: unbalanced quotes in request" },
    { IN("\"abc\\\"\n"), ERR, "Protocol error: unbalanced quotes in request" },
    { IN("\"a\\\n"), ERR, "Protocol error: unbalanced quotes in request" },
    { IN("'a\\'\n"), ERR, "Protocol error: unbalanced quotes in request" },
    { IN("SEARCH \"harga\r\n"), ERR,
      "Protocol error: unbalanced quotes in request" },
    /* inline, CR not followed by LF separates like a blank */
    { IN("a\rb\n"), ALL, "[a][b]" },
    { IN("a\rb\r\n"), ALL, "[a][b]" },
    { IN("a\r\r\n"), ALL, "[a]" },
    { IN("\"a\rb\"\n"), ALL, "[a\\x0db]" },
    { IN("a\rb"), INC, "" },
    /* inline, limits: 32 bytes per line, 5 arguments */
    { IN("0123456789abcde 0123456789abcdef\r\n"), ALL,
      "[0123456789abcde][0123456789abcdef]" },
    { IN("0123456789abcde 0123456789abcdef"), INC, "" },
    { IN("0123456789abcde 0123456789abcdef\r"), INC, "" },
    { IN("0123456789abcde 0123456789abcdefX\n"), ERR,
      "Protocol error: too big inline request" },
    { IN("0123456789abcde 0123456789abcdefX"), ERR,
      "Protocol error: too big inline request" },
    { IN("0123456789abcde 0123456789abcdef\r\r\n"), ERR,
      "Protocol error: too big inline request" },
    { IN("a b c d e\n"), ALL, "[a][b][c][d][e]" },
    { IN("ab \"0123456789abcdef\"\n"), ALL, "[ab][0123456789abcdef]" },
    { IN("0123456789abcdefX\n"), ERR,
      "Protocol error: too big argument in request" },
    { IN("\"\\x00123456789abcdefX\"\n"), ERR,
      "Protocol error: too big argument in request" },
    { IN("a b c d e f\n"), ERR,
      "Protocol error: too many arguments in request" },
    /* pipelined: inline and multibulk mixed */
    { IN("PING\r\n*1\r\n$4\r\nPING\r\n"), 6, "[PING]" },
    { IN("*1\r\n$4\r\nPING\r\nECHO x\r\n"), 14, "[PING]" },
    { IN("\r\nPING\r\n"), 2, "" },
    { IN("ECHO \"a b\"\n*0\r\n"), 11, "[ECHO][a b]" },
    { NULL, 0, 0, NULL },
};

/* Inputs with no limits: only integer overflow can stop them. */
static const struct test_resp_case test_resp_huge_cases[] = {
    { IN("*1\r\n$99999999999999999999\r\n"), ERR,
      "Protocol error: invalid bulk length" },
    { IN("*1\r\n$18446744073709551616\r\n"), ERR,
      "Protocol error: invalid bulk length" },
    { IN("*1\r\n$18446744073709551615\r\nabc"), INC, "" },
    { IN("*99999999999999999999\r\n"), ERR,
      "Protocol error: invalid multibulk length" },
    { IN("*2147483648\r\n"), ERR, "Protocol error: invalid multibulk length" },
    { IN("*2147483647\r\n$1\r\na\r\n"), INC, "" },
    { IN("PING\r\n"), ALL, "[PING]" },
    { IN("a b c d e f g\n"), ALL, "[a][b][c][d][e][f][g]" },
    { NULL, 0, 0, NULL },
};

static char *test_resp_region; /* test_resp_span bytes, then a guard page */
static size_t test_resp_span;

/* Copies in so that its last byte is the last one before the guard. */
static const char *
test_resp_place(const char *in, size_t len)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    void *p;

    if (test_resp_region == NULL) {
        test_resp_span = 4 * page;
        p = mmap(NULL, test_resp_span + page, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED ||
            mprotect((char *)p + test_resp_span, page, PROT_NONE) != 0) {
            perror("test_resp: mmap");
            exit(2);
        }
        test_resp_region = p;
    }
    if (len > test_resp_span) {
        fprintf(stderr, "test_resp: input of %zu bytes too long\n", len);
        exit(2);
    }
    memcpy(test_resp_region + test_resp_span - len, in, len);
    return test_resp_region + test_resp_span - len;
}

/* Writes p[0..len) printably: bytes outside ' '..'~' and [ ] \ as \xHH. */
static size_t
test_resp_escape(char *out, size_t outlen, const char *p, size_t len)
{
    size_t i, n = 0;
    unsigned char c;

    for (i = 0; i < len && n + 5 < outlen; i++) {
        c = (unsigned char)p[i];
        if (c < ' ' || c > '~' || c == '[' || c == ']' || c == '\\')
            n += (size_t)snprintf(out + n, outlen - n, "\\x%02x", c);
        else
            out[n++] = (char)c;
    }
    out[n] = '\0';
    return n;
}

/* Renders argv as "[a][b]"; an argument missing its NUL shows "!NUL". */
static void
test_resp_render(const struct resp_req *req, char *out, size_t outlen)
{
    size_t n = 0;
    int i;

    out[0] = '\0';
    for (i = 0; i < req->argc && n + 8 < outlen; i++) {
        out[n++] = '[';
        n += test_resp_escape(out + n, outlen - n - 6, req->argv[i],
                              req->argl[i]);
        if (req->argv[i][req->argl[i]] != '\0')
            n += (size_t)snprintf(out + n, outlen - n, "!NUL");
        out[n++] = ']';
        out[n] = '\0';
    }
}

/*
 * Parses in[0..len) placed at the guard page; returns the result with the
 * rendered argv or error in out.  A non-request must leave req zeroed.
 */
static long
test_resp_run(const char *in, size_t len, const struct resp_limits *lim,
              char *out, size_t outlen)
{
    struct resp_req req;
    char err[128] = "";
    long r;

    r = resp_parse(test_resp_place(in, len), len, lim, &req, err, sizeof err);
    out[0] = '\0';
    if (r > 0)
        test_resp_render(&req, out, outlen);
    else if (r == RESP_ERROR)
        snprintf(out, outlen, "%s", err);
    else if (r != RESP_INCOMPLETE)
        snprintf(out, outlen, "bad return %ld", r);
    if (r <= 0 && (req.argc != 0 || req.argv != NULL || req.argl != NULL))
        snprintf(out, outlen, "req not zeroed");
    resp_req_free(&req);
    return r;
}

/* Every shorter prefix: RESP_INCOMPLETE, or the full input's result. */
static int
test_resp_prefixes_agree(const struct test_resp_case *c,
                         const struct resp_limits *lim, long want,
                         const char *full)
{
    char got[TEST_RESP_RENDER_MAX];
    size_t k;
    long r;

    for (k = 0; k < c->inlen; k++) {
        r = test_resp_run(c->in, k, lim, got, sizeof got);
        if (r == RESP_INCOMPLETE && (want < 0 || (size_t)want > k))
            continue;
        if (r != want || strcmp(got, full) != 0) {
            printf("#   prefix %zu: %ld \"%s\"\n", k, r, got);
            return 0;
        }
    }
    return 1;
}

static void
test_resp_table(const struct test_resp_case *cases,
                const struct resp_limits *lim)
{
    char name[TEST_RESP_RENDER_MAX], got[TEST_RESP_RENDER_MAX + 16];
    const struct test_resp_case *c;
    long want, r;
    int pass;

    for (c = cases; c->in != NULL; c++) {
        want = c->want == ALL ? (long)c->inlen : c->want;
        test_resp_escape(name, sizeof name, c->in, c->inlen);
        r = test_resp_run(c->in, c->inlen, lim, got, sizeof got);
        pass = r == want && strcmp(got, c->args) == 0;
        if (!pass)
            printf("#   got %ld \"%s\", want %ld \"%s\"\n", r, got, want,
                   c->args);
        ok(pass, name);
        if (pass) {
            snprintf(got, sizeof got, "%s (prefixes)", name);
            ok(test_resp_prefixes_agree(c, lim, want, c->args), got);
        }
    }
}

static void
test_resp_small_limits(void)
{
    test_resp_table(test_resp_cases, &test_resp_small);
}

static void
test_resp_huge_limits(void)
{
    test_resp_table(test_resp_huge_cases, &test_resp_huge);
}

static void
test_resp_zero_limits(void)
{
    static const struct resp_limits zero = { 0, 0, 0 };
    char got[TEST_RESP_RENDER_MAX];

    ok(test_resp_run(IN("*0\r\n"), &zero, got, sizeof got) == 4,
       "no args: *0 still parses");
    ok(test_resp_run(IN("*-1\r\n"), &zero, got, sizeof got) == 5,
       "no args: *-1 still parses");
    ok(test_resp_run(IN("*1\r\n"), &zero, got, sizeof got) == RESP_ERROR,
       "no args: *1 is an error");
    ok(test_resp_run(IN("\r\n"), &zero, got, sizeof got) == 2,
       "no line: an empty line parses");
    ok(test_resp_run(IN("\r"), &zero, got, sizeof got) == RESP_INCOMPLETE,
       "no line: a lone CR waits");
    ok(test_resp_run(IN("a"), &zero, got, sizeof got) == RESP_ERROR,
       "no line: one byte is too big");
}

/*
 * Feeds a pipelined stream the way the daemon does, one more byte per
 * read, parsing from the start of what is buffered and dropping each
 * request consumed; the requests must come out whole and in order.
 */
static void
test_resp_stream(void)
{
    static const char in[] = "PING\r\n*2\r\n$4\r\nECHO\r\n$3\r\na\0b\r\n"
                             "SET k \"v w\"\n\n*0\r\n"
                             "*1\r\n$12\r\nhello\r\nworld\r\nQUIT\r\n";
    static const char want[] = "[PING]|[ECHO][a\\x00b]|[SET][k][v w]|||"
                               "[hello\\x0d\\x0aworld]|[QUIT]|";
    char got[TEST_RESP_RENDER_MAX] = "", one[TEST_RESP_RENDER_MAX];
    size_t start = 0, end, bad = 0, n = 0;
    long r;

    for (end = 1; end <= sizeof in - 1; end++) {
        r = test_resp_run(in + start, end - start, &test_resp_small, one,
                          sizeof one);
        if (r > 0) {
            n += (size_t)snprintf(got + n, sizeof got - n, "%s|", one);
            start += (size_t)r;
        } else if (r != RESP_INCOMPLETE) {
            bad++;
        }
    }
    if (strcmp(got, want) != 0)
        printf("#   got \"%s\"\n", got);
    ok(strcmp(got, want) == 0 && bad == 0 && start == sizeof in - 1,
       "byte-at-a-time stream yields every request in order");
}

static void
test_resp_err_buffer(void)
{
    struct resp_req req;
    char err[8] = "xxxxxxx";
    long r;

    r = resp_parse(IN("*x\r\n"), &test_resp_small, &req, err, sizeof err);
    ok(r == RESP_ERROR && strcmp(err, "Protoco") == 0,
       "a short err buffer is truncated and terminated");
    r = resp_parse(IN("*x\r\n"), &test_resp_small, &req, NULL, 0);
    ok(r == RESP_ERROR, "err may be NULL");
    resp_req_free(&req);
    ok(req.argv == NULL && req.argc == 0, "free of a zeroed req is safe");
}

/* resp_req_make() (HTTP's requests) lays arguments out as resp_parse()
 * does: each NUL-terminated, binary-safe, freed by resp_req_free(). */
static void
test_resp_make(void)
{
    const char *argv[] = {"PUT", "a\0b", "", "judul"};
    const size_t argl[] = {3, 3, 0, 5};
    struct resp_req req, parsed;
    char err[64];
    long n;

    resp_req_make(&req, 4, argv, argl);
    ok(req.argc == 4 && req.argl[1] == 3 && memcmp(req.argv[1], "a\0b", 3) == 0 &&
           req.argv[1][3] == '\0' && req.argl[2] == 0 && req.argv[2][0] == '\0',
       "made: binary-safe, NUL-terminated, empty arguments kept");
    n = resp_parse(IN("*4\r\n$3\r\nPUT\r\n$3\r\na\0b\r\n$0\r\n\r\n"
                      "$5\r\njudul\r\n"),
                   &test_resp_small, &parsed, err, sizeof err);
    ok(n > 0 && parsed.argc == req.argc &&
           memcmp(parsed.argl, req.argl, 4 * sizeof *req.argl) == 0 &&
           memcmp(parsed.argv[3], req.argv[3], 6) == 0,
       "made like the same request parsed");
    resp_req_free(&parsed);
    resp_req_free(&req);
    ok(req.argv == NULL && req.argc == 0, "a made request frees");
}

static const struct tap_case test_resp_tap_cases[] = {
    { "make", test_resp_make },
    { "small limits", test_resp_small_limits },
    { "no limits", test_resp_huge_limits },
    { "zero limits", test_resp_zero_limits },
    { "stream", test_resp_stream },
    { "err buffer", test_resp_err_buffer },
    { NULL, NULL },
};

int
main(void)
{
    return tap_main(test_resp_tap_cases);
}
