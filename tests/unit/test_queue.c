/*
 * test_queue.c - the query threads' fair pop (daemon/queue.h): a client
 * with a read running yields to the next client's waiting read, the head
 * is taken when every waiting client is busy or the scan ends, and the
 * low lane waits for the high one.
 */
#include <string.h>

#include "job.h"
#include "queue.h"
#include "tap.h"

/* Stand-ins for connections: only their addresses matter. */
static char test_client[3];
static int test_running[3]; /* reads running per client */

static int
test_index(const struct job *job)
{
    return (int)((const char *)job->conn - test_client);
}

static int
test_idle(const struct job *job)
{
    return test_running[test_index(job)] == 0;
}

static void
test_took(struct job *job)
{
    test_running[test_index(job)]++;
}

static struct job test_jobs[100];

static struct job *
test_job(int i, int client)
{
    struct job *job = &test_jobs[i];

    memset(job, 0, sizeof *job);
    job->conn = (struct conn *)&test_client[client];
    return job;
}

static struct job *
test_pop(struct queue *q)
{
    return queue_pop_fair(q, test_idle, test_took);
}

static void
test_one_client_yields(void)
{
    struct queue q;

    memset(test_running, 0, sizeof test_running);
    queue_init(&q);
    /* client 0 pipelines three reads, then client 1 and 2 send one */
    queue_push(&q, test_job(0, 0));
    queue_push(&q, test_job(1, 0));
    queue_push(&q, test_job(2, 0));
    queue_push(&q, test_job(3, 1));
    queue_push(&q, test_job(4, 2));
    ok(test_pop(&q) == &test_jobs[0], "the first read of client 0");
    ok(test_pop(&q) == &test_jobs[3], "client 1 before 0's second read");
    ok(test_pop(&q) == &test_jobs[4], "client 2 before 0's second read");
    ok(test_pop(&q) == &test_jobs[1],
       "every client busy: the head, 0's second read");
    ok(test_running[0] == 2 && test_running[1] == 1 && test_running[2] == 1,
       "took() counted each read taken");
    test_running[0] = 0;
    queue_push(&q, test_job(5, 1));
    ok(test_pop(&q) == &test_jobs[2], "0 idle again: its third read");
    test_running[1] = 0;
    ok(test_pop(&q) == &test_jobs[5], "then the tail, which was unlinked "
                                      "from the middle earlier");
    ok(q.head == NULL && q.tail == NULL && q.len == 0, "the queue is empty");
    queue_destroy(&q);
}

static void
test_scan_limit_and_low_lane(void)
{
    struct queue q;
    int i, closed;

    memset(test_running, 0, sizeof test_running);
    test_running[0] = 1;
    queue_init(&q);
    for (i = 0; i < QUEUE_FAIR_SCAN; i++)
        queue_push(&q, test_job(i, 0));
    queue_push(&q, test_job(QUEUE_FAIR_SCAN, 1));
    queue_push_low(&q, test_job(QUEUE_FAIR_SCAN + 1, 2));
    ok(test_pop(&q) == &test_jobs[0],
       "an idle client past the scan: the head is taken");
    ok(test_pop(&q) == &test_jobs[QUEUE_FAIR_SCAN],
       "once within the scan, it is taken");
    for (i = 1; i < QUEUE_FAIR_SCAN; i++)
        if (test_pop(&q) != &test_jobs[i]) break;
    ok(i == QUEUE_FAIR_SCAN, "client 0's reads in order");
    ok(test_pop(&q) == &test_jobs[QUEUE_FAIR_SCAN + 1],
       "the low lane once the high one is empty");
    ok(queue_pop_wait(&q, 1, 0, &closed) == NULL && closed == 0,
       "nothing left, not closed");
    queue_close(&q);
    ok(test_pop(&q) == NULL, "closed and empty: NULL");
    queue_destroy(&q);
}

int
main(void)
{
    static const struct tap_case cases[] = {
        {"one client yields to the others", test_one_client_yields},
        {"the scan limit and the low lane", test_scan_limit_and_low_lane},
        {NULL, NULL},
    };

    return tap_main(cases);
}
