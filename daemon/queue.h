/*
 * queue.h - a FIFO of jobs between threads (mutex + condition variable),
 * with a low lane and a fair pop for the query threads.
 */
#ifndef QUEUE_H
#define QUEUE_H

#include <pthread.h>
#include <stddef.h>

struct job;

struct queue {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    struct job *head, *tail;         /* under lock */
    struct job *low_head, *low_tail; /* under lock: taken when head is
                                        empty (queue_push_low()) */
    size_t len;                      /* under lock */
    int closed;                      /* under lock: no more pushes */
};

void queue_init(struct queue *q);
void queue_destroy(struct queue *q);
/* Appends job; any thread. */
void queue_push(struct queue *q, struct job *job);
/* Appends job behind every queue_push() job, present and future: the
 * query threads' lane for clients whose recent queries were expensive. */
void queue_push_low(struct queue *q, struct job *job);
/* Waits at most usec (0: not at all) for a job: takes up to max jobs as
 * a chain linked by qnext (the writer's group commit); NULL when no job
 * came, *closed then says whether one can still come (0) or not (1). */
struct job *queue_pop_wait(struct queue *q, size_t max, long usec, int *closed);
/* The query threads' pop: waits for a job and returns it, NULL once the
 * queue is closed and empty.  From the high lane it takes the first of
 * the next QUEUE_FAIR_SCAN jobs for which idle(job) is non-zero (its
 * client has no read running), or the first job when none is; took(job)
 * is called under the lock, so that two threads cannot both see a client
 * idle.  One client's pipelined reads thus run one at a time while other
 * clients' reads wait. */
#define QUEUE_FAIR_SCAN 64
struct job *queue_pop_fair(struct queue *q, int (*idle)(const struct job *),
                           void (*took)(struct job *));
/* Wakes every waiter; queue_pop_fair() returns NULL after the last
 * job. */
void queue_close(struct queue *q);

#endif
