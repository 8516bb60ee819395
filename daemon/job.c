/*
 * job.c - a job's lifetime ends here, on the loop thread.
 */
#include <stdlib.h>

#include "job.h"

void
job_free(struct job *job)
{
    resp_req_free(&job->req);
    reply_buf_free(&job->out);
    free(job);
}
