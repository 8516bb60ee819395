/*
 * multi.c - a connection's transaction: the queue between MULTI and EXEC,
 * and the pieces EXEC is run from (cmd_multi.c on the loop or a query
 * thread, writer.c for transactions that write).
 */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "multi.h"

static void
multi_free_list(struct job *j)
{
    struct job *next;

    for (; j != NULL; j = next) {
        next = j->next;
        job_free(j);
    }
}

void
multi_reset(struct multi *m)
{
    multi_free_list(m->head);
    memset(m, 0, sizeof *m);
}

void
multi_refused(struct multi *m)
{
    m->dirty = 1;
}

static size_t
multi_job_bytes(const struct job *job)
{
    size_t n = 0;

    for (int i = 0; i < job->req.argc; i++)
        n += job->req.argl[i];
    return n;
}

/* job is answered now with the error in its reply; EXEC will abort. */
static struct job *
multi_dirty(struct multi *m, struct job *job)
{
    job->done = 1;
    job->where = JOB_LOOP;
    m->dirty = 1;
    return job;
}

static struct job *
multi_refuse(struct multi *m, struct job *job, const char *msg)
{
    reply_error(&job->out, "%s", msg);
    return multi_dirty(m, job);
}

struct job *
multi_queue(struct multi *m, struct job *job)
{
    size_t bytes = multi_job_bytes(job);
    struct job *queued;

    if (job->cmd->flags & CMD_NOMULTI)
        return multi_refuse(m, job,
                            "ERR Command not allowed inside a transaction");
    if (m->n >= MULTI_MAX_COMMANDS || m->bytes + bytes > MULTI_MAX_BYTES)
        return multi_refuse(m, job,
                            "ERR transaction too big (at most 4096 commands "
                            "and 64 MiB of arguments)");
    /* Checked now, as Redis checks arity: a bad argument aborts EXEC
     * before anything is applied. */
    if (job->cmd->prepare != NULL && job->cmd->prepare(job) != 0)
        return multi_dirty(m, job);
    job->next = NULL;
    if (m->tail != NULL)
        m->tail->next = job;
    else
        m->head = job;
    m->tail = job;
    m->n++;
    m->bytes += bytes;

    queued = job_new(job->conn, job->out.resp3);
    queued->where = JOB_LOOP;
    reply_simple(&queued->out, "QUEUED");
    queued->done = 1;
    return queued;
}

void
multi_exec_take(struct multi *m, struct job *exec)
{
    exec->where = JOB_LOOP;
    if (!m->active) {
        reply_error(&exec->out, "ERR EXEC without MULTI");
        exec->done = 1;
        return;
    }
    if (m->dirty) {
        reply_error(&exec->out, "EXECABORT Transaction discarded because "
                                "of previous errors.");
        exec->done = 1;
        multi_reset(m);
        return;
    }
    exec->children = m->head;
    exec->nchildren = m->n;
    m->head = NULL;
    for (struct job *j = exec->children; j != NULL; j = j->next) {
        j->parent = exec;
        if (j->where == JOB_WRITE)
            exec->where = JOB_WRITE;
        else if (j->where == JOB_READ && exec->where == JOB_LOOP)
            exec->where = JOB_READ;
    }
    multi_reset(m);
}

void
multi_exec_run_kind(struct job *exec, enum job_where kind, void *handle)
{
    for (struct job *j = exec->children; j != NULL; j = j->next) {
        int mine = kind == JOB_WRITE ? j->where == JOB_WRITE
                                     : j->where != JOB_WRITE;

        if (mine && !j->done) {
            j->cmd->run(j, j->where == JOB_LOOP ? NULL : handle);
            j->done = 1;
        }
    }
}

void
multi_exec_reply(struct job *exec)
{
    reply_array(&exec->out, exec->nchildren);
    for (struct job *j = exec->children; j != NULL; j = j->next)
        reply_raw(&exec->out, j->out.p, j->out.len);
}

const struct job *
multi_exec_failed(const struct job *exec, enum job_where kind, int *pos)
{
    int i = 0;

    for (const struct job *j = exec->children; j != NULL; j = j->next) {
        i++;
        if (j->where == kind && j->out.len > 0 && j->out.p[0] == '-') {
            *pos = i;
            return j;
        }
    }
    return NULL;
}
