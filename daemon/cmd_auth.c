/*
 * cmd_auth.c - AUTH and HELLO: how a client proves who it is and picks
 * its protocol.  Error texts are Redis's, byte for byte, because clients
 * match them (ioredis tells "no password configured" from a wrong one).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cmd.h"
#include "conn.h"
#include "server.h"

#define CMD_DEFAULT_USER "default"

static const char cmd_auth_nopass[] =
    "ERR AUTH <password> called without any password configured for the "
    "default user. Are you sure your configuration is correct?";
static const char cmd_auth_wrong[] =
    "WRONGPASS invalid username-password pair or user is disabled.";

/* Compares in time independent of where the strings differ (the password
 * must not leak through timing); a too-long input is simply unequal. */
static int
cmd_pass_equal(const char *given, size_t len, const char *want)
{
    char a[CMD_MAX_PASS] = {0}, b[CMD_MAX_PASS] = {0};
    size_t wlen = strlen(want);
    unsigned diff = 0;

    if (len > CMD_MAX_PASS || wlen > CMD_MAX_PASS) return 0;
    memcpy(a, given, len);
    memcpy(b, want, wlen);
    for (size_t i = 0; i < CMD_MAX_PASS; i++)
        diff |= (unsigned char)(a[i] ^ b[i]);
    return diff == 0 && len == wlen;
}

static int
cmd_user_is(const char *user, size_t ulen, const char *name)
{
    return strlen(name) == ulen && memcmp(user, name, ulen) == 0;
}

int
cmd_pass_level(const char *pass, size_t len)
{
    if (*server.cfg.requirepass != '\0' &&
        cmd_pass_equal(pass, len, server.cfg.requirepass))
        return CONN_AUTH_FULL;
    if (*server.cfg.readonly_pass != '\0' &&
        cmd_pass_equal(pass, len, server.cfg.readonly_pass))
        return CONN_AUTH_READONLY;
    return -1;
}

/* The level user/pass grants (CONN_AUTH_*), or -1 with the error in
 * job's reply; a wrong password also holds that reply and counts against
 * the connection (conn_auth_failed()).  user NULL: AUTH with the password
 * only (either password will do). */
static int
cmd_auth_check(struct job *job, const char *user, size_t ulen, const char *pass,
               size_t plen)
{
    struct reply_buf *out = &job->out;
    const char *full = server.cfg.requirepass;
    const char *ro = server.cfg.readonly_pass;
    int no_passwords = !conn_auth_required();

    if (user == NULL && no_passwords) {
        reply_error(out, "%s", cmd_auth_nopass);
        return -1;
    }
    if (user != NULL && cmd_user_is(user, ulen, CMD_DEFAULT_USER) &&
        no_passwords)
        return CONN_AUTH_FULL; /* Redis's "nopass" default user */
    if ((user == NULL || cmd_user_is(user, ulen, CMD_DEFAULT_USER)) &&
        *full != '\0' && cmd_pass_equal(pass, plen, full))
        return CONN_AUTH_FULL;
    if ((user == NULL || cmd_user_is(user, ulen, server.cfg.readonly_user)) &&
        *ro != '\0' && cmd_pass_equal(pass, plen, ro))
        return CONN_AUTH_READONLY;
    reply_error(out, "%s", cmd_auth_wrong);
    job->delay_usec = conn_auth_failed(job->conn);
    return -1;
}

void
cmd_auth_run(struct job *job, void *handle)
{
    const struct resp_req *r = &job->req;
    int level;

    (void)handle;
    if (r->argc == 3)
        level = cmd_auth_check(job, r->argv[1], r->argl[1], r->argv[2],
                               r->argl[2]);
    else
        level = cmd_auth_check(job, NULL, 0, r->argv[1], r->argl[1]);
    if (level < 0) return;
    conn_set_auth(job->conn, level);
    reply_simple(&job->out, "OK");
}

/* HELLO's answer, in the protocol just chosen. */
static void
cmd_hello_reply(struct job *job)
{
    const struct conn_meta *m = conn_meta(job->conn);
    struct reply_buf *b = &job->out;

    reply_map(b, 7);
    reply_bulk_str(b, "server");
    reply_bulk_str(b, "carid");
    reply_bulk_str(b, "version");
    reply_bulk_str(b, CMD_REDIS_VERSION);
    reply_bulk_str(b, "proto");
    reply_int(b, m->proto);
    reply_bulk_str(b, "id");
    reply_int(b, (int64_t)m->id);
    reply_bulk_str(b, "mode");
    reply_bulk_str(b, "standalone");
    reply_bulk_str(b, "role");
    reply_bulk_str(b, "master");
    reply_bulk_str(b, "modules");
    reply_array(b, 0);
}

/* HELLO [protover [AUTH user pass] [SETNAME name]]: all of it applies, or
 * none of it (a wrong password leaves protocol and name as they were). */
void
cmd_hello_run(struct job *job, void *handle)
{
    const struct resp_req *r = &job->req;
    struct conn_meta *m = conn_meta(job->conn);
    int64_t proto = m->proto;
    int auth_at = 0, name_at = 0, level = conn_auth(job->conn);
    char bad[64];

    (void)handle;
    if (r->argc >= 2) {
        if (cmd_parse_int(r->argv[1], r->argl[1], 0, 1000000, &proto) != 0) {
            reply_error(&job->out, "ERR Protocol version is not an integer "
                                   "or out of range");
            return;
        }
        if (proto != 2 && proto != 3) {
            reply_error(&job->out, "NOPROTO unsupported protocol version");
            return;
        }
    }
    for (int i = 2; i < r->argc; i++) {
        if (cmd_arg_is(r, i, "AUTH") && i + 2 < r->argc) {
            auth_at = i + 1;
            i += 2;
        } else if (cmd_arg_is(r, i, "SETNAME") && i + 1 < r->argc) {
            name_at = i + 1;
            i += 1;
        } else {
            carid_shown(r->argv[i], r->argl[i], 0, bad, sizeof bad);
            reply_error(&job->out, "ERR Syntax error in HELLO option '%s'",
                        bad);
            return;
        }
    }
    if (auth_at == 0 && level == CONN_AUTH_NONE) {
        reply_error(&job->out,
                    "NOAUTH HELLO must be called with the client already "
                    "authenticated, otherwise the HELLO <proto> AUTH <user> "
                    "<pass> option can be used to authenticate the client and "
                    "select the RESP protocol version at the same time");
        return;
    }
    if (auth_at != 0) {
        level = cmd_auth_check(job, r->argv[auth_at], r->argl[auth_at],
                               r->argv[auth_at + 1], r->argl[auth_at + 1]);
        if (level < 0) return;
    }
    if (name_at != 0 && cmd_client_name_check(&job->out, r->argv[name_at],
                                              r->argl[name_at]) != 0)
        return;
    conn_set_auth(job->conn, level);
    if (name_at != 0)
        snprintf(m->name, sizeof m->name, "%.*s", (int)r->argl[name_at],
                 r->argv[name_at]);
    m->proto = (int)proto;
    job->out.resp3 = proto == 3;
    cmd_hello_reply(job);
}
