/*
 * pool.c - query threads.  Each has its own reader handle, so with SQLite
 * in WAL mode searches run in parallel with each other and with the writer.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "conn.h"
#include "job.h"
#include "loop.h"
#include "pool.h"
#include "queue.h"
#include "server.h"
#include "stats.h"
#include "xmalloc.h"

struct pool_thread {
    pthread_t tid;
    void *reader;       /* the plugin's reader handle, this thread's only */
    struct queue *from; /* the queue it serves */
};

/* The query threads, then the admin thread: STATS and INFO have a reader
 * of their own, so that monitoring never waits behind searches. */
static struct queue pool_queue, pool_admin_queue;
static struct pool_thread *pool_threads;
static int pool_n;       /* threads running */
static int pool_readers; /* reader handles open */

/* A request that waited its whole deadline in the queue still gets a
 * quarter of the deadline (at least 25 ms) to run, so that a cheap one
 * behind expensive ones is answered (they all stop within their
 * deadlines, then it runs, beside the others' next ones: 25 ms alone was
 * too little for a rare word on a loaded machine under ASan) -- unless it
 * is in the low lane: expensive clients' expired requests fail at once. */
#define POOL_GRACE_MIN_USEC 25000

static uint64_t
pool_grace_usec(void)
{
    uint64_t quarter = (uint64_t)server.cfg.query_timeout_ms * 250u;

    return quarter > POOL_GRACE_MIN_USEC ? quarter : POOL_GRACE_MIN_USEC;
}

/* The fair pop's view of a job's client (queue_pop_fair()). */
static int
pool_conn_idle(const struct job *job)
{
    return conn_reads_running(job->conn) == 0;
}

static void
pool_conn_took(struct job *job)
{
    conn_read_begin(job->conn);
}

static void *
pool_main(void *arg)
{
    struct pool_thread *t = arg;
    struct job *job;

    while ((job = queue_pop_fair(t->from, pool_conn_idle, pool_conn_took)) !=
           NULL) {
        uint64_t now = stats_now_usec();
        int64_t cancel = job->cancel_usec;

        if (!job->heavy && conn_is_heavy(job->conn, now)) {
            /* Its client turned out expensive while this waited. */
            job->heavy = 1;
            conn_read_end(job->conn);
            queue_push_low(t->from, job);
            continue;
        }
        if (cancel != 0 && (uint64_t)cancel <= now) {
            reply_error(&job->out, "ERR cancelled: the client has gone");
            stats_add(&stats.queries_cancelled, 1);
        } else {
            if (job->deadline != 0 && !job->heavy &&
                job->deadline < now + pool_grace_usec())
                job->deadline = now + pool_grace_usec();
            job->cmd->run(job, t->reader);
            job->run_usec = stats_now_usec() - now;
            if (job->run_usec >= CONN_HEAVY_USEC)
                conn_mark_heavy(job->conn, now + job->run_usec);
        }
        if (job->transcode != NULL) {
            job->transcode(job);
            job->transcode = NULL;
        }
        conn_read_end(job->conn); /* before: the loop may free the conn */
        loop_post_done(job);
    }
    return NULL;
}

int
pool_start(int n, char *err, size_t errlen)
{
    const struct carid_plugin *p = server.plugin;
    int total = n + 1;

    queue_init(&pool_queue);
    queue_init(&pool_admin_queue);
    pool_threads = xcalloc((size_t)total, sizeof *pool_threads);
    for (pool_readers = 0; pool_readers < total; pool_readers++) {
        pool_threads[pool_readers].from = pool_readers < n ? &pool_queue
                                                           : &pool_admin_queue;
        if (p->reader_open(server.db, &pool_threads[pool_readers].reader, err,
                           errlen) != 0)
            goto fail;
    }
    for (pool_n = 0; pool_n < total; pool_n++) {
        if (pthread_create(&pool_threads[pool_n].tid, NULL, pool_main,
                           &pool_threads[pool_n]) != 0) {
            snprintf(err, errlen, "pthread_create() failed");
            goto fail;
        }
    }
    return 0;
fail:
    pool_stop();
    return -1;
}

void
pool_submit(struct job *job)
{
    if (job->cmd->flags & CMD_ADMIN)
        queue_push(&pool_admin_queue, job);
    else if (job->heavy)
        queue_push_low(&pool_queue, job);
    else
        queue_push(&pool_queue, job);
}

void
pool_stop(void)
{
    queue_close(&pool_queue);
    queue_close(&pool_admin_queue);
    for (int i = 0; i < pool_n; i++)
        pthread_join(pool_threads[i].tid, NULL);
    for (int i = 0; i < pool_readers; i++)
        server.plugin->reader_close(pool_threads[i].reader);
    pool_n = pool_readers = 0;
    free(pool_threads);
    pool_threads = NULL;
    queue_destroy(&pool_queue);
    queue_destroy(&pool_admin_queue);
}
