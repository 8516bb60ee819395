/*
 * pool.h - the query threads: each owns one reader handle of the plugin
 * and runs JOB_READ jobs, so searches never block the event loop; and one
 * admin thread with a reader of its own for CMD_ADMIN commands (STATS,
 * INFO), so monitoring never waits behind searches.
 */
#ifndef POOL_H
#define POOL_H

#include <stddef.h>

struct job;

/* Opens n + 1 reader handles and starts n query threads and the admin
 * thread; main thread.  Returns 0,
 * or -1 with a message in err (nothing left running). */
int pool_start(int n, char *err, size_t errlen);
/* Queues a read job; loop thread.  Its result comes back through
 * loop_post_done(). */
void pool_submit(struct job *job);
/* Finishes queued jobs, joins the threads, closes the readers; main. */
void pool_stop(void);

#endif
