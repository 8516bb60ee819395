/*
 * queue.h - a FIFO of jobs between threads (mutex + condition variable).
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
/* Waits for a job and returns it; NULL once the queue is closed and
 * empty.  Takes up to max jobs as a chain linked by qnext (writer's group
 * commit); max 1 for one job. */
struct job *queue_pop(struct queue *q, size_t max);
/* The same without waiting: NULL when no job is there, *closed then says
 * whether one can still come (0) or not (1). */
struct job *queue_try_pop(struct queue *q, size_t max, int *closed);
/* Wakes every waiter; queue_pop() returns NULL after the last job. */
void queue_close(struct queue *q);

#endif
