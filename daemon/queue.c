/*
 * queue.c - the job FIFO the loop shares with the query threads and the
 * writer.  Popping a chain at once is what makes group commit cheap.
 */
#include <time.h>

#include "job.h"
#include "queue.h"

void
queue_init(struct queue *q)
{
    pthread_mutex_init(&q->lock, NULL);
    pthread_cond_init(&q->cond, NULL);
    q->head = q->tail = NULL;
    q->low_head = q->low_tail = NULL;
    q->len = 0;
    q->closed = 0;
}

void
queue_destroy(struct queue *q)
{
    pthread_mutex_destroy(&q->lock);
    pthread_cond_destroy(&q->cond);
}

/* Appends job to the list head..tail of q and wakes a waiter. */
static void
queue_append(struct queue *q, struct job **head, struct job **tail,
             struct job *job)
{
    job->qnext = NULL;
    pthread_mutex_lock(&q->lock);
    if (*tail != NULL)
        (*tail)->qnext = job;
    else
        *head = job;
    *tail = job;
    q->len++;
    pthread_cond_signal(&q->cond);
    pthread_mutex_unlock(&q->lock);
}

void
queue_push(struct queue *q, struct job *job)
{
    queue_append(q, &q->head, &q->tail, job);
}

void
queue_push_low(struct queue *q, struct job *job)
{
    queue_append(q, &q->low_head, &q->low_tail, job);
}

/* Takes up to max jobs (queue_pop_wait()) under q->lock; NULL when
 * there is none. */
static struct job *
queue_take(struct queue *q, size_t max)
{
    struct job *first, *last;
    size_t n = 1;

    if (q->head == NULL && q->low_head != NULL) {
        first = q->low_head;
        q->low_head = first->qnext;
        if (q->low_head == NULL) q->low_tail = NULL;
        first->qnext = NULL;
        q->len--;
        return first;
    }
    first = q->head;
    if (first != NULL) {
        last = first;
        while (n < max && last->qnext != NULL) {
            last = last->qnext;
            n++;
        }
        q->head = last->qnext;
        if (q->head == NULL) q->tail = NULL;
        last->qnext = NULL;
        q->len -= n;
    }
    return first;
}

/* Unlinks and returns the first of the next QUEUE_FAIR_SCAN high-lane
 * jobs idle() accepts, else the head; under q->lock, head not NULL. */
static struct job *
queue_take_fair(struct queue *q, int (*idle)(const struct job *))
{
    struct job *prev = NULL, *job = q->head;
    int i;

    for (i = 0; job != NULL && i < QUEUE_FAIR_SCAN; i++) {
        if (idle(job)) break;
        prev = job;
        job = job->qnext;
    }
    if (job == NULL || i == QUEUE_FAIR_SCAN) {
        prev = NULL;
        job = q->head;
    }
    if (prev != NULL)
        prev->qnext = job->qnext;
    else
        q->head = job->qnext;
    if (q->tail == job) q->tail = prev;
    job->qnext = NULL;
    q->len--;
    return job;
}

struct job *
queue_pop_fair(struct queue *q, int (*idle)(const struct job *),
               void (*took)(struct job *))
{
    struct job *job;

    pthread_mutex_lock(&q->lock);
    while (q->head == NULL && q->low_head == NULL && !q->closed)
        pthread_cond_wait(&q->cond, &q->lock);
    job = q->head != NULL ? queue_take_fair(q, idle) : queue_take(q, 1);
    if (job != NULL) took(job);
    pthread_mutex_unlock(&q->lock);
    return job;
}

struct job *
queue_pop_wait(struct queue *q, size_t max, long usec, int *closed)
{
    struct job *first;
    struct timespec until;

    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += usec / 1000000;
    until.tv_nsec += (usec % 1000000) * 1000;
    if (until.tv_nsec >= 1000000000) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000;
    }
    pthread_mutex_lock(&q->lock);
    while (usec > 0 && q->head == NULL && q->low_head == NULL && !q->closed)
        if (pthread_cond_timedwait(&q->cond, &q->lock, &until) != 0) break;
    first = queue_take(q, max);
    *closed = q->closed;
    pthread_mutex_unlock(&q->lock);
    return first;
}

void
queue_close(struct queue *q)
{
    pthread_mutex_lock(&q->lock);
    q->closed = 1;
    pthread_cond_broadcast(&q->cond);
    pthread_mutex_unlock(&q->lock);
}
