/*
 * resp.h - request framing for carid's RESP2-compatible line protocol.
 *
 * Pure code: no I/O, no libevent.  A request is either a multibulk array
 * (*N\r\n then $len\r\n<bytes>\r\n per argument, binary-safe) or one inline
 * text line split on blanks, with double quotes honouring \n \r \t \" \\
 * \xHH and single quotes taken literally, as redis-cli and nc users type.
 */
#ifndef RESP_H
#define RESP_H

#include <stddef.h>

#define RESP_INCOMPLETE (-2) /* need more bytes; not an error */
#define RESP_ERROR      (-1) /* framing lost: reply with err, then close */

/* Limits the parser enforces before allocating anything. */
struct resp_limits {
    size_t max_inline; /* bytes; longest inline line, newline excluded */
    size_t max_bulk;   /* bytes; longest multibulk argument */
    size_t max_args;   /* most arguments in one request */
};

/*
 * A parsed request.  argv[i] points at argl[i] bytes followed by a NUL
 * (arguments may contain NULs themselves).  Owned by the request: free with
 * resp_req_free().  argc == 0 means an empty inline line (ignored).
 */
struct resp_req {
    int argc;
    char **argv;
    size_t *argl;
};

/*
 * Parses one request from buf[0..len).  Returns the number of bytes
 * consumed (> 0) and fills *req; RESP_INCOMPLETE when buf holds only part
 * of a request (nothing is allocated); RESP_ERROR with a client-facing
 * message in err (e.g. "Protocol error: invalid bulk length").
 * Any thread; no state is kept between calls.  *req is zeroed on entry and
 * stays zeroed unless a request is returned.
 *
 * A buffer starting with '*' is multibulk, anything else inline:
 * - "*0\r\n" and "*-1\r\n" are consumed with argc 0; any other count that
 *   is not a plain decimal 0..max_args is "Protocol error: invalid
 *   multibulk length".  Each argument must start with '$' ("Protocol
 *   error: expected '$', got 'X'", X escaped as \xHH if not printable),
 *   have a length 0..max_bulk ("Protocol error: invalid bulk length") and
 *   end in CRLF ("Protocol error: bulk data not followed by CRLF").
 * - An inline line ends at "\n" or "\r\n".  Outside quotes, space, tab and
 *   a CR not followed by LF all separate arguments; inside quotes a CR is
 *   data, as is every byte except the escapes.  A line over max_inline
 *   bytes is "Protocol error: too big inline request", reported as soon as
 *   more than that arrived without a newline (a last CR not counted, as it
 *   may start the CRLF).  Open quotes, or a closing
 *   quote followed by other than a blank, is "Protocol error: unbalanced
 *   quotes in request"; more than max_args arguments "Protocol error: too
 *   many arguments in request"; an argument over max_bulk bytes "Protocol
 *   error: too big argument in request".  A blank line is consumed with
 *   argc 0.
 * So every request has argc <= max_args and every argl <= max_bulk.
 * Errors are reported as soon as the bytes seen rule out a valid request,
 * so a prefix of any input gives RESP_INCOMPLETE or the input's own result.
 *
 * Cost: the caller re-parses from the start as bytes arrive.  A multibulk
 * retry skips bulk data by its length, so it costs O(arguments so far): a
 * body of any size arriving in small reads stays linear, only a request of
 * many tiny arguments trickled in is quadratic (bounded by max_args).  An
 * inline retry scans at most max_inline + 2 bytes (memchr), so a line fed
 * a byte per read costs O(max_inline^2) at worst.
 */
long resp_parse(const char *buf, size_t len, const struct resp_limits *lim,
                struct resp_req *req, char *err, size_t errlen);

/* A request of argc arguments copied from argv[i][0..argl[i]), laid out
 * as resp_parse() lays one out (for front ends that frame requests their
 * own way: HTTP).  The caller checks the limits. */
void resp_req_make(struct resp_req *req, int argc, const char *const *argv,
                   const size_t *argl);

/* Frees what resp_parse() put in req (one block: argv, argl and the bytes)
 * and zeroes it; safe on a zeroed req. */
void resp_req_free(struct resp_req *req);

#endif
