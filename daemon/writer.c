/*
 * writer.c - group commit.  Jobs queue up while a commit is in progress;
 * the next loop takes all of them (up to WRITER_MAX_BATCH) into one
 * transaction, so a durable commit (fsync) is paid once per batch instead
 * of once per PUT.  Replies are posted only after the commit returns.
 * An EXEC that writes gets a transaction of its own between the batch's
 * others, so that it commits or rolls back whole (multi.h).  Writes from
 * the replicated log record their sequence in their transaction.
 */
#include <pthread.h>
#include <stdio.h>

#include "cmd.h"
#include "job.h"
#include "log.h"
#include "loop.h"
#include "multi.h"
#include "queue.h"
#include "replicate.h"
#include "server.h"
#include "stats.h"
#include "writer.h"

static struct queue writer_queue;
static pthread_t writer_tid;
static void *writer_handle; /* the plugin's writer; writer thread only */
static void *writer_reader; /* reads of EXECs that write, opened on first
                               use; writer thread only */
static int writer_running;

/* Every job in [first, stop) gets the same error reply. */
static void
writer_fail_jobs(struct job *first, const struct job *stop, const char *what,
                 const char *err)
{
    for (struct job *j = first; j != stop; j = j->qnext) {
        j->out.len = 0;
        j->txn_failed = 1;
        reply_error(&j->out, "ERR %s failed: %s", what, err);
    }
}

/* --replicate: the transaction records the last stream sequence it
 * applies, seq (0: none of its jobs came from the log), so that it is
 * applied once (replicate.h). */
static int
writer_record_seq(uint64_t seq, char *err, size_t errlen)
{
    if (seq == 0) return 0;
    return server.plugin->host_set(writer_handle, REPLICATE_SEQ_KEY,
                                   (int64_t)seq, err, errlen);
}

static int
writer_is_exec(const struct job *j)
{
    return (j->cmd->flags & CMD_EXEC) != 0;
}

/* Commits the open transaction, counted from t0 in STATS; or, on
 * failure, logs it (what: whose), rolls back and returns -1 with err. */
static int
writer_commit(uint64_t t0, const char *what, char *err, size_t errlen)
{
    const struct carid_plugin *p = server.plugin;

    if (p->commit(writer_handle, err, errlen) != 0) {
        log_err("writer: %s commit failed: %s", what, err);
        p->rollback(writer_handle);
        return -1;
    }
    stats_add(&stats.write_commits, 1);
    stats_add(&stats.write_commit_usec_total, stats_now_usec() - t0);
    return 0;
}

/* Group commit of the plain writes [first, stop). */
static void
writer_run_group(struct job *first, struct job *stop)
{
    const struct carid_plugin *p = server.plugin;
    char err[512];
    uint64_t t0 = stats_now_usec(), seq = 0;

    if (p->begin(writer_handle, err, sizeof err) != 0) {
        log_err("writer: begin failed: %s", err);
        writer_fail_jobs(first, stop, "begin", err);
        return;
    }
    for (struct job *j = first; j != stop; j = j->qnext) {
        j->cmd->run(j, writer_handle);
        if (j->repl_seq > seq) seq = j->repl_seq;
    }
    if (writer_record_seq(seq, err, sizeof err) != 0) {
        log_err("writer: recording the log's sequence failed: %s", err);
        server.plugin->rollback(writer_handle);
        writer_fail_jobs(first, stop, "commit", err);
        return;
    }
    if (writer_commit(t0, "batch", err, sizeof err) != 0)
        writer_fail_jobs(first, stop, "commit", err);
}

/* The writes of one EXEC in one transaction, or none of them; then its
 * reads, which see exactly what it committed. */
static void
writer_run_exec(struct job *exec)
{
    const struct carid_plugin *p = server.plugin;
    const struct job *bad;
    char err[512];
    int pos = 0;
    uint64_t t0 = stats_now_usec();

    if (p->begin(writer_handle, err, sizeof err) != 0) {
        exec->txn_failed = 1;
        reply_error(&exec->out, "EXECABORT nothing applied: begin failed: %s",
                    err);
        return;
    }
    multi_exec_run_kind(exec, JOB_WRITE, writer_handle);
    bad = multi_exec_failed(exec, JOB_WRITE, &pos);
    if (bad != NULL) {
        p->rollback(writer_handle);
        /* The reply is "-ERR ...\r\n"; quote it without - and CRLF. */
        reply_error(&exec->out,
                    "EXECABORT nothing applied: command %d (%s) failed: %.*s",
                    pos, bad->cmd->name, (int)(bad->out.len - 3),
                    bad->out.p + 1);
        return;
    }
    if (writer_record_seq(exec->repl_seq, err, sizeof err) != 0) {
        p->rollback(writer_handle);
        exec->txn_failed = 1;
        reply_error(&exec->out, "EXECABORT nothing applied: %s", err);
        return;
    }
    if (writer_commit(t0, "EXEC", err, sizeof err) != 0) {
        exec->txn_failed = 1;
        reply_error(&exec->out, "EXECABORT nothing applied: commit failed: %s",
                    err);
        return;
    }
    if (writer_reader == NULL &&
        p->reader_open(server.db, &writer_reader, err, sizeof err) != 0) {
        writer_reader = NULL;
        log_err("writer: reader for EXEC failed: %s", err);
    }
    /* Committed: a reader-less EXEC still answers, its reads with the
     * error (the writes are durable and must be said to be). */
    if (writer_reader != NULL) {
        multi_exec_run_kind(exec, JOB_READ, writer_reader);
    } else {
        for (struct job *j = exec->children; j != NULL; j = j->next)
            if (!j->done) reply_error(&j->out, "ERR read not run: %s", err);
    }
    multi_exec_reply(exec);
}

static void
writer_run_batch(struct job *batch)
{
    struct job *j = batch, *stop;

    while (j != NULL) {
        if (writer_is_exec(j)) {
            writer_run_exec(j);
            j = j->qnext;
            continue;
        }
        for (stop = j; stop != NULL && !writer_is_exec(stop);)
            stop = stop->qnext;
        writer_run_group(j, stop);
        j = stop;
    }
}

/* One call of the plugin's background work (ABI 7); 1 while it says some
 * is left.  A failure is logged and waits for the next batch. */
static int
writer_maintain(void)
{
    const struct carid_plugin *p = server.plugin;
    char err[512];
    int more = 0;
    uint64_t t0;

    if (p->maintain == NULL) return 0;
    t0 = stats_now_usec();
    if (p->maintain(writer_handle, WRITER_MAINTAIN_USEC, &more, err,
                    sizeof err) != 0) {
        log_err("writer: background work failed: %s", err);
        return 0;
    }
    stats_add(&stats.write_maintain_usec_total, stats_now_usec() - t0);
    return more;
}

static void *
writer_main(void *arg)
{
    struct job *batch, *next;
    int more = 0, closed = 0;

    (void)arg;
    for (;;) {
        /* background work only while no write waits; when there is none,
         * the plugin is asked again after WRITER_IDLE_USEC (work that
         * searches asked for) */
        batch = queue_pop_wait(&writer_queue, WRITER_MAX_BATCH,
                               more ? 0 : WRITER_IDLE_USEC, &closed);
        if (batch == NULL && closed) break;
        if (batch == NULL) {
            more = writer_maintain();
            continue;
        }
        writer_run_batch(batch);
        for (struct job *j = batch; j != NULL; j = next) {
            next = j->qnext;
            loop_post_done(j);
        }
        /* and one step after each batch, so that a steady feed does not
         * starve it */
        more = writer_maintain();
    }
    return NULL;
}

int
writer_start(char *err, size_t errlen)
{
    queue_init(&writer_queue);
    if (server.plugin->writer_open(server.db, &writer_handle, err, errlen) != 0)
        return -1;
    if (pthread_create(&writer_tid, NULL, writer_main, NULL) != 0) {
        snprintf(err, errlen, "pthread_create() failed");
        server.plugin->writer_close(writer_handle);
        return -1;
    }
    writer_running = 1;
    return 0;
}

void
writer_submit(struct job *job)
{
    queue_push(&writer_queue, job);
}

int
writer_alive(void)
{
    return writer_running;
}

void
writer_stop(void)
{
    if (!writer_running) return;
    queue_close(&writer_queue);
    pthread_join(writer_tid, NULL);
    if (writer_reader != NULL) server.plugin->reader_close(writer_reader);
    writer_reader = NULL;
    server.plugin->writer_close(writer_handle);
    queue_destroy(&writer_queue);
    writer_running = 0;
}
