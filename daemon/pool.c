/*
 * pool.c - query threads.  Each has its own reader handle, so with SQLite
 * in WAL mode searches run in parallel with each other and with the writer.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "job.h"
#include "loop.h"
#include "pool.h"
#include "queue.h"
#include "server.h"
#include "xmalloc.h"

struct pool_thread {
    pthread_t tid;
    void *reader; /* the plugin's reader handle, this thread's only */
};

static struct queue pool_queue;
static struct pool_thread *pool_threads;
static int pool_n;       /* threads running */
static int pool_readers; /* reader handles open */

static void *
pool_main(void *arg)
{
    struct pool_thread *t = arg;
    struct job *job;

    while ((job = queue_pop(&pool_queue, 1)) != NULL) {
        job->cmd->run(job, t->reader);
        loop_post_done(job);
    }
    return NULL;
}

int
pool_start(int n, char *err, size_t errlen)
{
    const struct carid_plugin *p = server.plugin;

    queue_init(&pool_queue);
    pool_threads = xcalloc((size_t)n, sizeof *pool_threads);
    for (pool_readers = 0; pool_readers < n; pool_readers++) {
        if (p->reader_open(server.db, &pool_threads[pool_readers].reader,
                           err, errlen) != 0)
            goto fail;
    }
    for (pool_n = 0; pool_n < n; pool_n++) {
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
    queue_push(&pool_queue, job);
}

void
pool_stop(void)
{
    queue_close(&pool_queue);
    for (int i = 0; i < pool_n; i++)
        pthread_join(pool_threads[i].tid, NULL);
    for (int i = 0; i < pool_readers; i++)
        server.plugin->reader_close(pool_threads[i].reader);
    pool_n = pool_readers = 0;
    free(pool_threads);
    pool_threads = NULL;
    queue_destroy(&pool_queue);
}
