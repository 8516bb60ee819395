/*
 * loop.h - the event loop: listener, signals, timers, and the queue by
 * which worker threads hand finished jobs back to the loop thread.
 */
#ifndef LOOP_H
#define LOOP_H

struct job;

/* Binds, listens and runs until SIGTERM/SIGINT; returns 0 after a clean
 * shutdown, -1 if it could not start.  Main thread. */
int loop_run(void);
/* Hands a finished job back to the loop thread; any thread. */
void loop_post_done(struct job *job);
/* Nonzero once shutdown has begun; loop thread. */
int loop_stopping(void);
/* After the threads have stopped: frees jobs they posted too late. */
void loop_finish(void);
/* Called by conn.c when a connection is freed (shutdown waits for all). */
void loop_conn_gone(void);

#endif
