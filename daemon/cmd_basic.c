/*
 * cmd_basic.c - commands answered on the loop thread: PING, ECHO, QUIT and
 * COMMAND (COUNT, LIST, INFO, DOCS: what clients and interactive redis-cli
 * ask, answered from the command table in cmd.c).
 */
#include <string.h>
#include <strings.h>

#include "cmd.h"

void
cmd_ping_run(struct job *job, void *handle)
{
    (void)handle;
    if (job->req.argc == 2)
        reply_bulk(&job->out, job->req.argv[1], job->req.argl[1]);
    else
        reply_simple(&job->out, "PONG");
}

void
cmd_echo_run(struct job *job, void *handle)
{
    (void)handle;
    /* Byte-exact: redis-cli --pipe matches its random ECHO token. */
    reply_bulk(&job->out, job->req.argv[1], job->req.argl[1]);
}

void
cmd_quit_run(struct job *job, void *handle)
{
    (void)handle;
    reply_simple(&job->out, "OK");
}

static void
cmd_reply_name(struct reply_buf *b, const struct cmd *c)
{
    char lower[32];

    reply_bulk(b, lower, cmd_name_lower(c, lower, sizeof lower));
}

/* COMMAND INFO's entry, Redis 7's ten fields (carid has no keys). */
static void
cmd_info_entry(struct reply_buf *b, const struct cmd *c)
{
    const char *flags[4];
    int nflags = 0;

    reply_array(b, 10);
    cmd_reply_name(b, c);
    reply_int(b, c->max_argc == c->min_argc ? c->min_argc : -c->min_argc);
    if (c->flags & CMD_WRITE)
        flags[nflags++] = "write";
    else if (c->where == JOB_READ)
        flags[nflags++] = "readonly";
    if (c->where == JOB_LOOP) flags[nflags++] = "fast";
    if (c->flags & CMD_NOAUTH) flags[nflags++] = "no_auth";
    if (c->flags & CMD_NOMULTI) flags[nflags++] = "no_multi";
    reply_array(b, nflags);
    for (int i = 0; i < nflags; i++)
        reply_simple(b, flags[i]);
    reply_int(b, 0);   /* first key */
    reply_int(b, 0);   /* last key */
    reply_int(b, 0);   /* key step */
    reply_array(b, 0); /* ACL categories */
    reply_array(b, 0); /* tips */
    reply_array(b, 0); /* key specs */
    reply_array(b, 0); /* subcommands */
}

/* One argument as redis-cli reads it: name, type, token, flags (the
 * flags as simple strings: redis-cli asserts that). */
static void
cmd_doc_arg(struct reply_buf *b, const struct cmd_arg *a)
{
    int pairs = 2 + (a->token != NULL) + (a->flags != 0);
    int nflags = ((a->flags & CMD_ARG_OPTIONAL) != 0) +
                 ((a->flags & CMD_ARG_MULTIPLE) != 0);

    reply_map(b, pairs);
    reply_bulk_str(b, "name");
    reply_bulk_str(b, a->name != NULL ? a->name : a->token);
    reply_bulk_str(b, "type");
    reply_bulk_str(b, a->name != NULL ? "string" : "pure-token");
    if (a->token != NULL) {
        reply_bulk_str(b, "token");
        reply_bulk_str(b, a->token);
    }
    if (a->flags != 0) {
        reply_bulk_str(b, "flags");
        reply_array(b, nflags);
        if (a->flags & CMD_ARG_OPTIONAL) reply_simple(b, "optional");
        if (a->flags & CMD_ARG_MULTIPLE) reply_simple(b, "multiple");
    }
}

static void
cmd_doc_entry(struct reply_buf *b, const struct cmd *c)
{
    int nargs = 0;

    while (c->args[nargs].name != NULL || c->args[nargs].token != NULL)
        nargs++;
    cmd_reply_name(b, c);
    reply_map(b, 4);
    reply_bulk_str(b, "summary");
    reply_bulk_str(b, c->summary);
    reply_bulk_str(b, "since");
    reply_bulk_str(b, "0.1.0");
    reply_bulk_str(b, "group");
    reply_bulk_str(b, c->group);
    reply_bulk_str(b, "arguments");
    reply_array(b, nargs);
    for (int i = 0; i < nargs; i++)
        cmd_doc_arg(b, &c->args[i]);
}

/* The commands named in argv[2..] (unknown ones: nil for INFO, left out
 * for DOCS, as Redis), or all of them. */
static void
cmd_command_list(struct job *job, int docs)
{
    const struct resp_req *r = &job->req;
    struct reply_buf *b = &job->out;
    int all = r->argc <= 2, n = 0;
    const struct cmd *c;

    if (all) {
        if (docs)
            reply_map(b, cmd_count());
        else
            reply_array(b, cmd_count());
        for (int i = 0; (c = cmd_at(i)) != NULL; i++) {
            if (docs)
                cmd_doc_entry(b, c);
            else
                cmd_info_entry(b, c);
        }
        return;
    }
    for (int i = 2; i < r->argc; i++)
        n += cmd_lookup(r->argv[i], r->argl[i]) != NULL;
    if (docs)
        reply_map(b, n);
    else
        reply_array(b, r->argc - 2);
    for (int i = 2; i < r->argc; i++) {
        c = cmd_lookup(r->argv[i], r->argl[i]);
        if (c != NULL && docs)
            cmd_doc_entry(b, c);
        else if (c != NULL)
            cmd_info_entry(b, c);
        else if (!docs)
            reply_nil(b);
    }
}

void
cmd_command_run(struct job *job, void *handle)
{
    const struct resp_req *r = &job->req;
    const struct cmd *c;

    (void)handle;
    if (r->argc == 1) {
        reply_array(&job->out, cmd_count());
        for (int i = 0; (c = cmd_at(i)) != NULL; i++)
            cmd_info_entry(&job->out, c);
    } else if (cmd_arg_is(r, 1, "COUNT") && r->argc == 2) {
        reply_int(&job->out, cmd_count());
    } else if (cmd_arg_is(r, 1, "LIST") && r->argc == 2) {
        reply_array(&job->out, cmd_count());
        for (int i = 0; (c = cmd_at(i)) != NULL; i++)
            cmd_reply_name(&job->out, c);
    } else if (cmd_arg_is(r, 1, "INFO")) {
        cmd_command_list(job, 0);
    } else if (cmd_arg_is(r, 1, "DOCS")) {
        cmd_command_list(job, 1);
    } else {
        cmd_reply_unknown_subcommand(job);
    }
}
