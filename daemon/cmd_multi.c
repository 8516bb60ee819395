/*
 * cmd_multi.c - MULTI, EXEC, DISCARD, WATCH and UNWATCH.  Queueing is in
 * conn.c and multi.c; these are the commands' own halves.  An EXEC that
 * writes runs in writer.c, in a transaction of its own.
 */
#include "cmd.h"
#include "conn.h"
#include "multi.h"

void
cmd_multi_run(struct job *job, void *handle)
{
    struct multi *m = conn_multi(job->conn);

    (void)handle;
    if (m->active) {
        reply_error(&job->out, "ERR MULTI calls can not be nested");
        return;
    }
    m->active = 1;
    reply_simple(&job->out, "OK");
}

/* An EXEC with no writes: on the loop (PING, ECHO only) or a query
 * thread, handle then being its reader. */
void
cmd_exec_run(struct job *job, void *handle)
{
    multi_exec_run_kind(job, JOB_READ, handle);
    multi_exec_reply(job);
}

void
cmd_discard_run(struct job *job, void *handle)
{
    struct multi *m = conn_multi(job->conn);

    (void)handle;
    if (!m->active) {
        reply_error(&job->out, "ERR DISCARD without MULTI");
        return;
    }
    multi_reset(m);
    reply_simple(&job->out, "OK");
}

void
cmd_watch_run(struct job *job, void *handle)
{
    (void)handle;
    /* Optimistic locking needs per-key versions carid does not keep; say
     * so rather than pretend.  An EXEC is atomic without it. */
    reply_error(&job->out, "ERR WATCH is not supported: carid applies a "
                           "MULTI/EXEC atomically; read and write in one "
                           "transaction instead");
}

void
cmd_unwatch_run(struct job *job, void *handle)
{
    (void)handle;
    reply_simple(&job->out, "OK"); /* nothing is ever watched */
}
