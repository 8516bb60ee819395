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
 * Any thread; no state is kept between calls.
 */
long resp_parse(const char *buf, size_t len, const struct resp_limits *lim,
                struct resp_req *req, char *err, size_t errlen);

/* Frees what resp_parse() put in req and zeroes it; safe on a zeroed req. */
void resp_req_free(struct resp_req *req);

#endif
