/*
 * multi.h - MULTI / EXEC / DISCARD: the commands a connection queues
 * between MULTI and EXEC, and how EXEC runs them.  Queueing is loop thread
 * only; an EXEC job runs where its commands need (multi_exec_where()).
 *
 * What carid promises (PROTOCOL.md, Transactions): the writes of one EXEC
 * commit in one SQLite transaction of their own, all or nothing, and EXEC
 * answers only once it is durable; reads queued in it run after that
 * commit, before any other write, so they see the index exactly as the
 * transaction left it.
 */
#ifndef MULTI_H
#define MULTI_H

#include <stddef.h>

#include "job.h"

#define MULTI_MAX_COMMANDS 4096        /* queued per transaction */
#define MULTI_MAX_BYTES    (64u << 20) /* argument bytes queued */

struct multi {
    int active;              /* between MULTI and EXEC/DISCARD */
    int dirty;               /* a queued command was refused: EXECABORT */
    struct job *head, *tail; /* queued, prepared commands (job->next) */
    int n;
    size_t bytes;
};

/* Frees every queued command and leaves MULTI; loop thread. */
void multi_reset(struct multi *m);
/* Inside MULTI: queues job (already looked up, auth and arity checked,
 * none of them failed) or refuses it.  Returns the job to answer now: a
 * +QUEUED reply, or job itself carrying the error (the transaction is then
 * dirty).  Loop thread. */
struct job *multi_queue(struct multi *m, struct job *job);
/* The command failed before it could be queued (unknown, NOAUTH, arity):
 * EXEC will answer EXECABORT. */
void multi_refused(struct multi *m);
/* EXEC: moves the queued commands into exec->children and sets
 * exec->where; or, without MULTI or after a refused command, puts the
 * error in exec->out and marks it done.  Leaves MULTI.  Loop thread. */
void multi_exec_take(struct multi *m, struct job *exec);
/* Runs the children of exec that have the given kind (JOB_LOOP children
 * run with the reads) with handle; any thread. */
void multi_exec_run_kind(struct job *exec, enum job_where kind, void *handle);
/* Appends the EXEC array, each child's reply in order, to exec->out. */
void multi_exec_reply(struct job *exec);
/* The first child of the given kind whose reply is an error, or NULL;
 * *pos gets its position (1-based, as clients count commands). */
const struct job *multi_exec_failed(const struct job *exec, enum job_where kind,
                                    int *pos);

#endif
