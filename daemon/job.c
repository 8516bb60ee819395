/*
 * job.c - a job's lifetime ends here, on the loop thread.
 */
#include <stdlib.h>

#include <event2/event.h>

#include "job.h"
#include "xmalloc.h"

struct job *
job_new(struct conn *conn, int resp3)
{
    struct job *job = xcalloc(1, sizeof *job);

    job->conn = conn;
    reply_buf_init(&job->out);
    job->out.resp3 = resp3;
    return job;
}

void
job_free(struct job *job)
{
    struct job *next;

    for (struct job *j = job->children; j != NULL; j = next) {
        next = j->next;
        job_free(j);
    }
    if (job->timer != NULL) event_free(job->timer);
    resp_req_free(&job->req);
    reply_buf_free(&job->out);
    reply_buf_free(&job->repl_msg);
    free(job);
}
