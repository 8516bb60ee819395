/*
 * cmd_basic.c - commands answered on the loop thread: PING, ECHO, QUIT and
 * COMMAND (what interactive redis-cli asks on start).
 */
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

void
cmd_command_run(struct job *job, void *handle)
{
    (void)handle;
    /* No command docs: redis-cli then falls back to plain input. */
    reply_array(&job->out, 0);
}
