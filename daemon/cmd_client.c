/*
 * cmd_client.c - CLIENT and SELECT: what Redis clients send on connect
 * (SETNAME, SETINFO, SELECT 0) and what operators use to see and drop
 * connections (LIST, INFO, KILL).  Loop thread: connections live there.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cmd.h"
#include "conn.h"
#include "multi.h"
#include "server.h"

int
cmd_client_name_check(struct reply_buf *out, const char *p, size_t len)
{
    if (len > CONN_MAX_NAME) {
        reply_error(out, "ERR client name too long (max %d bytes)",
                    CONN_MAX_NAME);
        return -1;
    }
    for (size_t i = 0; i < len; i++) {
        /* Redis's rule: CLIENT LIST stays one line per client. */
        if (p[i] < '!' || p[i] > '~') {
            reply_error(out, "ERR Client names cannot contain spaces, "
                             "newlines or special characters.");
            return -1;
        }
    }
    return 0;
}

static void
cmd_client_copy(char *dst, size_t dstlen, const struct resp_req *r, int i)
{
    snprintf(dst, dstlen, "%.*s", (int)r->argl[i], r->argv[i]);
}

static const char *
cmd_client_user(const struct conn *c)
{
    switch (conn_auth(c)) {
    case CONN_AUTH_FULL:
        return "default";
    case CONN_AUTH_READONLY:
        return server.cfg.readonly_user;
    default:
        return "none";
    }
}

/* One CLIENT LIST line, Redis's names for the fields carid has. */
static void
cmd_client_line(struct conn *c, void *ctx)
{
    struct reply_buf *b = ctx;
    const struct conn_meta *m = conn_meta(c);
    const struct multi *mu = conn_multi(c);
    int64_t now = (int64_t)time(NULL);
    char line[1024];
    int n;

    n = snprintf(line, sizeof line,
                 "id=%llu addr=%s laddr=%s name=%s age=%lld idle=%lld "
                 "flags=N db=0 multi=%d cmd=%s user=%s resp=%d lib-name=%s "
                 "lib-ver=%s\n",
                 (unsigned long long)m->id, m->addr, m->laddr, m->name,
                 (long long)(now - m->created),
                 (long long)(now - m->last_active), mu->active ? mu->n : -1,
                 m->last_cmd, cmd_client_user(c), m->proto, m->lib_name,
                 m->lib_ver);
    if (n > 0)
        reply_raw(b, line,
                  (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

static void
cmd_client_list(struct job *job, int self_only)
{
    struct reply_buf text;

    reply_buf_init(&text);
    if (self_only)
        cmd_client_line(job->conn, &text);
    else
        conn_each(cmd_client_line, &text);
    reply_bulk(&job->out, text.p, text.len);
    reply_buf_free(&text);
}

/* CLIENT KILL filters: ID n, ADDR ip:port, SKIPME yes|no; or the old
 * form, one ip:port. */
struct cmd_kill {
    uint64_t id;      /* 0: any */
    const char *addr; /* NULL: any */
    size_t addrlen;
    int skipme;
    struct conn *self;
    struct conn *victims[64]; /* collected first: killing frees */
    int n;
};

static void
cmd_client_match(struct conn *c, void *ctx)
{
    struct cmd_kill *k = ctx;
    const struct conn_meta *m = conn_meta(c);

    if ((k->id != 0 && m->id != k->id) ||
        (k->addr != NULL && (strlen(m->addr) != k->addrlen ||
                             memcmp(m->addr, k->addr, k->addrlen) != 0)) ||
        (k->skipme && c == k->self) ||
        k->n == (int)(sizeof k->victims / sizeof k->victims[0]))
        return;
    k->victims[k->n++] = c;
}

static void
cmd_client_kill(struct job *job)
{
    const struct resp_req *r = &job->req;
    struct cmd_kill k = {.skipme = 1, .self = job->conn};
    int old_form = r->argc == 3;
    int64_t id;

    if (conn_auth(job->conn) != CONN_AUTH_FULL) {
        reply_error(&job->out, "NOPERM this client is read-only");
        return;
    }
    if (old_form) {
        k.addr = r->argv[2];
        k.addrlen = r->argl[2];
        k.skipme = 0;
    }
    for (int i = 2; !old_form && i < r->argc; i += 2) {
        if (i + 1 >= r->argc) {
            reply_error(&job->out, "ERR syntax error");
            return;
        }
        if (cmd_arg_is(r, i, "ID")) {
            if (cmd_parse_int(r->argv[i + 1], r->argl[i + 1], 1, INT64_MAX,
                              &id) != 0) {
                reply_error(&job->out, "ERR client-id should be greater "
                                       "than 0");
                return;
            }
            k.id = (uint64_t)id;
        } else if (cmd_arg_is(r, i, "ADDR")) {
            k.addr = r->argv[i + 1];
            k.addrlen = r->argl[i + 1];
        } else if (cmd_arg_is(r, i, "SKIPME")) {
            k.skipme = !cmd_arg_is(r, i + 1, "no");
        } else {
            reply_error(&job->out, "ERR syntax error");
            return;
        }
    }
    conn_each(cmd_client_match, &k);
    if (old_form && k.n == 0) {
        reply_error(&job->out, "ERR No such client");
        return;
    }
    for (int i = 0; i < k.n; i++)
        conn_kill(k.victims[i]);
    if (old_form)
        reply_simple(&job->out, "OK");
    else
        reply_int(&job->out, k.n);
}

static const char *const cmd_client_help[] = {
    "CLIENT <subcommand> [<arg> ...]. Subcommands are:",
    "GETNAME",
    "    Return the name of the current connection.",
    "ID",
    "    Return the ID of the current connection.",
    "INFO",
    "    Return information about the current client connection.",
    "KILL <ip:port> | [ID <id>] [ADDR <ip:port>] [SKIPME yes|no]",
    "    Close connections (clients with the full password only).",
    "LIST",
    "    Return information about client connections.",
    "SETINFO LIB-NAME|LIB-VER <value>",
    "    Set the client's library name or version.",
    "SETNAME <name>",
    "    Set the name of the current connection.",
    "HELP",
    "    Print this help.",
};

void
cmd_client_run(struct job *job, void *handle)
{
    const struct resp_req *r = &job->req;
    struct conn_meta *m = conn_meta(job->conn);

    (void)handle;
    if (cmd_arg_is(r, 1, "SETNAME") && r->argc == 3) {
        if (cmd_client_name_check(&job->out, r->argv[2], r->argl[2]) == 0) {
            cmd_client_copy(m->name, sizeof m->name, r, 2);
            reply_simple(&job->out, "OK");
        }
    } else if (cmd_arg_is(r, 1, "GETNAME") && r->argc == 2) {
        if (*m->name == '\0')
            reply_nil(&job->out);
        else
            reply_bulk_str(&job->out, m->name);
    } else if (cmd_arg_is(r, 1, "SETINFO") && r->argc == 4 &&
               (cmd_arg_is(r, 2, "LIB-NAME") || cmd_arg_is(r, 2, "LIB-VER"))) {
        if (cmd_client_name_check(&job->out, r->argv[3], r->argl[3]) == 0) {
            if (cmd_arg_is(r, 2, "LIB-NAME"))
                cmd_client_copy(m->lib_name, sizeof m->lib_name, r, 3);
            else
                cmd_client_copy(m->lib_ver, sizeof m->lib_ver, r, 3);
            reply_simple(&job->out, "OK");
        }
    } else if (cmd_arg_is(r, 1, "ID") && r->argc == 2) {
        reply_int(&job->out, (int64_t)m->id);
    } else if (cmd_arg_is(r, 1, "LIST") && r->argc == 2) {
        cmd_client_list(job, 0);
    } else if (cmd_arg_is(r, 1, "INFO") && r->argc == 2) {
        cmd_client_list(job, 1);
    } else if (cmd_arg_is(r, 1, "KILL") && r->argc >= 3) {
        cmd_client_kill(job);
    } else if (cmd_arg_is(r, 1, "HELP") && r->argc == 2) {
        size_t n = sizeof cmd_client_help / sizeof cmd_client_help[0];

        reply_array(&job->out, (int64_t)n);
        for (size_t i = 0; i < n; i++)
            reply_simple(&job->out, cmd_client_help[i]);
    } else {
        cmd_reply_unknown_subcommand(job);
    }
}

void
cmd_select_run(struct job *job, void *handle)
{
    int64_t db;

    (void)handle;
    if (cmd_parse_int(job->req.argv[1], job->req.argl[1], INT32_MIN, INT32_MAX,
                      &db) != 0)
        reply_error(&job->out, "ERR value is not an integer or out of range");
    else if (db != 0)
        reply_error(&job->out, "ERR DB index is out of range");
    else
        reply_simple(&job->out, "OK");
}
