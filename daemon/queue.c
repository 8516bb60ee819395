/*
 * queue.c - the job FIFO the loop shares with the query threads and the
 * writer.  Popping a chain at once is what makes group commit cheap.
 */
#include "job.h"
#include "queue.h"

void
queue_init(struct queue *q)
{
    pthread_mutex_init(&q->lock, NULL);
    pthread_cond_init(&q->cond, NULL);
    q->head = q->tail = NULL;
    q->len = 0;
    q->closed = 0;
}

void
queue_destroy(struct queue *q)
{
    pthread_mutex_destroy(&q->lock);
    pthread_cond_destroy(&q->cond);
}

void
queue_push(struct queue *q, struct job *job)
{
    job->qnext = NULL;
    pthread_mutex_lock(&q->lock);
    if (q->tail != NULL)
        q->tail->qnext = job;
    else
        q->head = job;
    q->tail = job;
    q->len++;
    pthread_cond_signal(&q->cond);
    pthread_mutex_unlock(&q->lock);
}

struct job *
queue_pop(struct queue *q, size_t max)
{
    struct job *first, *last;
    size_t n = 1;

    pthread_mutex_lock(&q->lock);
    while (q->head == NULL && !q->closed)
        pthread_cond_wait(&q->cond, &q->lock);
    first = q->head;
    if (first != NULL) {
        last = first;
        while (n < max && last->qnext != NULL) {
            last = last->qnext;
            n++;
        }
        q->head = last->qnext;
        if (q->head == NULL)
            q->tail = NULL;
        last->qnext = NULL;
        q->len -= n;
    }
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
