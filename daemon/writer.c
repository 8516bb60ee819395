/*
 * writer.c - group commit.  Jobs queue up while a commit is in progress;
 * the next loop takes all of them (up to WRITER_MAX_BATCH) into one
 * transaction, so a durable commit (fsync) is paid once per batch instead
 * of once per PUT.  Replies are posted only after the commit returns.
 */
#include <pthread.h>
#include <stdio.h>

#include "cmd.h"
#include "job.h"
#include "log.h"
#include "loop.h"
#include "queue.h"
#include "server.h"
#include "stats.h"
#include "writer.h"

static struct queue writer_queue;
static pthread_t writer_tid;
static void *writer_handle; /* the plugin's writer; writer thread only */
static int writer_running;

/* Every job of the batch gets the same error reply. */
static void
writer_fail_batch(struct job *batch, const char *what, const char *err)
{
    for (struct job *j = batch; j != NULL; j = j->qnext) {
        j->out.len = 0;
        reply_error(&j->out, "ERR %s failed: %s", what, err);
    }
}

static void
writer_run_batch(struct job *batch)
{
    const struct carid_plugin *p = server.plugin;
    char err[512];
    uint64_t t0 = stats_now_usec();

    if (p->begin(writer_handle, err, sizeof err) != 0) {
        log_err("writer: begin failed: %s", err);
        writer_fail_batch(batch, "begin", err);
        return;
    }
    for (struct job *j = batch; j != NULL; j = j->qnext)
        j->cmd->run(j, writer_handle);
    if (p->commit(writer_handle, err, sizeof err) != 0) {
        log_err("writer: commit failed: %s", err);
        p->rollback(writer_handle);
        writer_fail_batch(batch, "commit", err);
        return;
    }
    stats_add(&stats.write_commits, 1);
    stats_add(&stats.write_commit_usec_total, stats_now_usec() - t0);
}

static void *
writer_main(void *arg)
{
    struct job *batch, *next;

    (void)arg;
    while ((batch = queue_pop(&writer_queue, WRITER_MAX_BATCH)) != NULL) {
        writer_run_batch(batch);
        for (struct job *j = batch; j != NULL; j = next) {
            next = j->qnext;
            loop_post_done(j);
        }
    }
    return NULL;
}

int
writer_start(char *err, size_t errlen)
{
    queue_init(&writer_queue);
    if (server.plugin->writer_open(server.db, &writer_handle, err,
                                   errlen) != 0)
        return -1;
    if (pthread_create(&writer_tid, NULL, writer_main, NULL) != 0) {
        snprintf(err, errlen, "pthread_create() failed");
        server.plugin->writer_close(writer_handle);
        return -1;
    }
    writer_running = 1;
    return 0;
}

void
writer_submit(struct job *job)
{
    queue_push(&writer_queue, job);
}

void
writer_stop(void)
{
    if (!writer_running)
        return;
    queue_close(&writer_queue);
    pthread_join(writer_tid, NULL);
    server.plugin->writer_close(writer_handle);
    queue_destroy(&writer_queue);
    writer_running = 0;
}
