/*
 * replicate.c - see replicate.h.  The loop's half: the writes of this
 * node's clients waiting for the log (a list in id order, the order they
 * were published), and the stream's messages made into writer jobs.  A
 * message of this node's client goes to the writer as that client's own
 * job, so its reply is the one the writer makes; another node's is parsed
 * from its RESP into a job of no connection, freed once applied.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <event2/event.h>

#include "cmd.h"
#include "conn.h"
#include "job.h"
#include "log.h"
#include "replicate.h"
#include "replicate_log.h"
#include "server.h"
#include "stats.h"
#include "writer.h"

#define REPLICATE_RESEND_USEC 200000 /* pause before sending again */

static struct {
    struct event *ev;        /* replicate_log's wake() */
    struct job *head, *tail; /* waiting writes, by repl_id (->rnext) */
    int npending;
    uint64_t next_id;
    uint64_t handed;  /* the last sequence given to the writer */
    uint64_t applied; /* the last sequence the writer committed */
    uint64_t last;    /* the last sequence known in the stream */
    int stopped;      /* a message could not be applied: apply no more */
} repl;

int
replicate_takes(const struct job *job)
{
    if (*server.cfg.replicate == '\0' || job->where != JOB_WRITE) return 0;
    if (job->cmd->flags & CMD_REPLICATED) return 1;
    for (const struct job *j = job->children; j != NULL; j = j->next)
        if (j->cmd->flags & CMD_REPLICATED) return 1;
    return 0;
}

static void
replicate_lag_update(void)
{
    stats_set(&stats.replicate_applied_seq, repl.applied);
    stats_set(&stats.replicate_log_seq, repl.last);
    stats_set(&stats.replicate_lag,
              repl.last > repl.applied ? repl.last - repl.applied : 0);
}

/* One request of a message: the command as a client sends it. */
static void
replicate_encode(struct reply_buf *b, const struct resp_req *r)
{
    reply_array(b, r->argc);
    for (int i = 0; i < r->argc; i++)
        reply_bulk(b, r->argv[i], r->argl[i]);
}

static void
replicate_encode_word(struct reply_buf *b, const char *word)
{
    reply_array(b, 1);
    reply_bulk_str(b, word);
}

/* The message of job (replicate_log.h): its request, or a transaction's
 * writes between MULTI and EXEC (its reads are this client's alone). */
static void
replicate_message(const struct job *job, struct reply_buf *b)
{
    if (job->children == NULL) {
        replicate_encode(b, &job->req);
        return;
    }
    replicate_encode_word(b, "MULTI");
    for (const struct job *j = job->children; j != NULL; j = j->next)
        if (j->cmd->flags & CMD_REPLICATED) replicate_encode(b, &j->req);
    replicate_encode_word(b, "EXEC");
}

int
replicate_submit(struct job *job)
{
    if (repl.stopped) {
        reply_error(&job->out,
                    stats_get(&stats.replicate_needs_snapshot)
                        ? "ERR replicate: this node needs a snapshot: the log "
                          "no longer holds the messages after its sequence "
                          "(see its log); writes go to another node"
                        : "ERR replicate: this node stopped applying the log "
                          "(see its log); writes go to another node");
        return -1;
    }
    if (repl.npending >= REPLICATE_MAX_PENDING) {
        reply_error(&job->out,
                    "ERR replicate: %d writes already wait for the "
                    "log; try again",
                    REPLICATE_MAX_PENDING);
        return -1;
    }
    job->repl_id = ++repl.next_id;
    job->repl_since = stats_now_usec();
    replicate_message(job, &job->repl_msg);
    job->rnext = NULL;
    if (repl.tail != NULL)
        repl.tail->rnext = job;
    else
        repl.head = job;
    repl.tail = job;
    repl.npending++;
    stats_add(&stats.replicate_published, 1);
    replicate_log_publish(job->repl_id, job->repl_msg.p, job->repl_msg.len, 0);
    return 0;
}

/* The waiting write of this id, or NULL (answered already). */
static struct job *
replicate_find(uint64_t id)
{
    for (struct job *j = repl.head; j != NULL && j->repl_id <= id; j = j->rnext)
        if (j->repl_id == id) return j;
    return NULL;
}

static void
replicate_unlink(struct job *job)
{
    struct job **pp = &repl.head, *prev = NULL;

    while (*pp != NULL && *pp != job) {
        prev = *pp;
        pp = &(*pp)->rnext;
    }
    if (*pp == NULL) return;
    *pp = job->rnext;
    if (repl.tail == job) repl.tail = prev;
    job->rnext = NULL;
    repl.npending--;
}

/* job's reply is final: off the list, back to its connection. */
static void
replicate_answer(struct job *job)
{
    replicate_unlink(job);
    conn_job_done(job);
}

/* A write not applied here is answered with an error; if the stream has
 * it after all, it is applied as another node's would be. */
static void
replicate_fail(struct job *job, const char *why)
{
    job->out.len = 0;
    reply_error(&job->out, "ERR replicate: %s", why);
    stats_add(&stats.replicate_failed_writes, 1);
    replicate_answer(job);
}

static void
replicate_on_ack(const struct replicate_event *ev)
{
    struct job *j = replicate_find(ev->id);

    if (ev->seq > repl.last) repl.last = ev->seq;
    replicate_lag_update();
    if (j == NULL) return;
    j->repl_state |= REPLICATE_ACKED;
    if (j->repl_state & REPLICATE_APPLIED) replicate_answer(j);
}

static void
replicate_on_nack(const struct replicate_event *ev)
{
    struct job *j = replicate_find(ev->id);
    uint64_t now = stats_now_usec();
    char why[256];

    /* an older copy's answer, after another copy was stored */
    if (j == NULL || (j->repl_state & REPLICATE_ACKED)) return;
    if (j->repl_state & REPLICATE_SUBMITTED) {
        /* it came back from the stream: stored, whatever the ack said */
        j->repl_state |= REPLICATE_ACKED;
        if (j->repl_state & REPLICATE_APPLIED) replicate_answer(j);
        return;
    }
    if (now - j->repl_since < (uint64_t)REPLICATE_ACK_WAIT_MS * 1000u) {
        /* the same id: the stream keeps one copy if both arrive */
        stats_add(&stats.replicate_resent, 1);
        replicate_log_publish(j->repl_id, j->repl_msg.p, j->repl_msg.len,
                              now + REPLICATE_RESEND_USEC);
        return;
    }
    snprintf(why, sizeof why,
             "the log did not store the write in %d s (%s); it may still be "
             "applied",
             REPLICATE_ACK_WAIT_MS / 1000, ev->text);
    replicate_fail(j, why);
}

/* Stops applying: this node can no longer follow the log. */
static void
replicate_halt(uint64_t seq, const char *why)
{
    if (repl.stopped) return;
    repl.stopped = 1;
    stats_set(&stats.replicate_stopped, 1);
    log_err("replicate: stream sequence %" PRIu64 ": %s; this node applies "
            "no more of the log and refuses writes: restart it to resume "
            "after sequence %" PRIu64,
            seq, why, repl.applied);
}

/* The log no longer holds sequences applied + 1 .. first - 1 (dropped by
 * the stream's limits or a purge): applying what follows would leave a
 * hole, so this node stops and asks for a snapshot. */
static void
replicate_gap(uint64_t first)
{
    if (repl.stopped) return;
    repl.stopped = 1;
    stats_set(&stats.replicate_stopped, 1);
    stats_set(&stats.replicate_needs_snapshot, 1);
    log_err("replicate: this node applied the log up to sequence %" PRIu64
            ", but the stream now starts at %" PRIu64
            " (its limits or a purge dropped the messages between): it "
            "applies nothing, refuses writes and serves reads as of %" PRIu64
            "; restart it with --replicate-snapshot and a BACKUP of another "
            "node made at sequence %" PRIu64 " or later",
            repl.applied, first, repl.applied, first - 1);
}

/* One command of another node's message, as the connection would make
 * it: looked up, checked, prepared.  NULL if it is not a write carid
 * can apply (a message of another version). */
static struct job *
replicate_job_one(struct resp_req *req, char *why, size_t whylen)
{
    struct job *j = job_new(NULL, 0);
    const struct cmd *c;

    j->req = *req;
    memset(req, 0, sizeof *req);
    c = cmd_lookup(j->req.argv[0], j->req.argl[0]);
    if (c != NULL) c = cmd_subcommand(c, &j->req);
    j->cmd = c;
    j->where = JOB_WRITE;
    if (c == NULL || !(c->flags & CMD_REPLICATED) ||
        j->req.argc < c->min_argc ||
        (c->max_argc >= 0 && j->req.argc > c->max_argc) ||
        (c->prepare != NULL && c->prepare(j) != 0)) {
        snprintf(why, whylen, "not a write this carid applies: '%.*s'",
                 (int)(j->req.argl[0] < 32 ? j->req.argl[0] : 32),
                 j->req.argv[0]);
        job_free(j);
        return NULL;
    }
    return j;
}

static int
replicate_is(const struct resp_req *r, const char *word)
{
    return r->argc == 1 && cmd_arg_is(r, 0, word);
}

/* Another node's message as a writer job (an EXEC for a transaction). */
static struct job *
replicate_job_parse(const char *p, size_t len, char *why, size_t whylen)
{
    const struct resp_limits lim = {len, len, (size_t)1 << 30};
    struct job *exec = NULL, *tail = NULL, *j;
    struct resp_req r;
    size_t off = 0;

    while (off < len) {
        long n = resp_parse(p + off, len - off, &lim, &r, why, whylen);

        if (n <= 0 || r.argc == 0) {
            if (n == RESP_INCOMPLETE)
                snprintf(why, whylen, "message cut short");
            resp_req_free(&r);
            goto bad;
        }
        off += (size_t)n;
        if (exec == NULL && off == (size_t)n && replicate_is(&r, "MULTI")) {
            exec = job_new(NULL, 0);
            exec->req = r;
            exec->cmd = cmd_lookup("EXEC", 4);
            exec->where = JOB_WRITE;
            continue;
        }
        if (exec != NULL && replicate_is(&r, "EXEC")) {
            resp_req_free(&r);
            if (off != len) break;
            return exec;
        }
        j = replicate_job_one(&r, why, whylen);
        if (j == NULL) goto bad;
        if (exec == NULL) {
            if (off == len) return j;
            job_free(j);
            break;
        }
        j->parent = exec;
        if (tail != NULL)
            tail->next = j;
        else
            exec->children = j;
        tail = j;
        exec->nchildren++;
    }
    snprintf(why, whylen, "not one write nor MULTI ... EXEC");
bad:
    if (exec != NULL) job_free(exec);
    return NULL;
}

static void
replicate_on_msg(const struct replicate_event *ev)
{
    struct job *j;
    char why[256];

    if (ev->seq + ev->pending > repl.last) repl.last = ev->seq + ev->pending;
    replicate_lag_update();
    if (!repl.stopped && ev->seq > repl.handed + 1) replicate_gap(ev->seq);
    if (repl.stopped || ev->seq <= repl.handed) {
        replicate_log_applied(); /* dropped, or applied already */
        return;
    }
    j = ev->id != 0 ? replicate_find(ev->id) : NULL;
    if (j != NULL && (j->repl_state & REPLICATE_SUBMITTED)) j = NULL;
    if (j == NULL) j = replicate_job_parse(ev->data, ev->len, why, sizeof why);
    if (j == NULL) {
        replicate_halt(ev->seq, why);
        replicate_log_applied();
        return;
    }
    repl.handed = ev->seq;
    j->repl_seq = ev->seq;
    j->repl_state |= REPLICATE_SUBMITTED;
    writer_submit(j);
}

/* Back on a server: the writes not yet acknowledged are sent again at
 * once (their acknowledgements may have been lost with the old server)
 * instead of after REPLICATE_LOG_PUB_WAIT_MS; the stream keeps one copy. */
static void
replicate_on_link(const struct replicate_event *ev)
{
    int n = 0;

    stats_set(&stats.replicate_connected, (uint64_t)ev->connected);
    if (!ev->connected) {
        log_warn("replicate: lost the log's server, reconnecting");
        return;
    }
    for (struct job *j = repl.head; j != NULL; j = j->rnext) {
        if (j->repl_state & (REPLICATE_ACKED | REPLICATE_SUBMITTED)) continue;
        replicate_log_publish(j->repl_id, j->repl_msg.p, j->repl_msg.len, 0);
        n++;
    }
    stats_add(&stats.replicate_resent, (uint64_t)n);
    log_info("replicate: connected to the log again, at %s (%d writes sent "
             "again)",
             ev->text, n);
}

static void
replicate_wake_cb(evutil_socket_t fd, short what, void *arg)
{
    struct replicate_event *ev, *next;

    (void)fd;
    (void)what;
    (void)arg;
    for (ev = replicate_log_take(); ev != NULL; ev = next) {
        next = ev->next;
        if (ev->kind == REPLICATE_EV_MSG)
            replicate_on_msg(ev);
        else if (ev->kind == REPLICATE_EV_ACK)
            replicate_on_ack(ev);
        else if (ev->kind == REPLICATE_EV_NACK)
            replicate_on_nack(ev);
        else
            replicate_on_link(ev);
        replicate_event_free(ev);
    }
}

static void
replicate_wake(void)
{
    event_active(repl.ev, EV_READ, 0); /* libevent's pthread locking */
}

void
replicate_done(struct job *job)
{
    replicate_log_applied();
    if (job->txn_failed) {
        replicate_halt(job->repl_seq, "its transaction failed");
    } else {
        repl.applied = job->repl_seq;
        stats_add(&stats.replicate_applied_msgs, 1);
        replicate_lag_update();
    }
    if (job->conn == NULL) {
        job_free(job);
        return;
    }
    job->repl_state |= REPLICATE_APPLIED;
    if ((job->repl_state & REPLICATE_ACKED) || job->txn_failed)
        replicate_answer(job);
}

void
replicate_tick(void)
{
    uint64_t now = stats_now_usec(), wait;
    struct job *j, *next;
    char why[256];

    wait = (uint64_t)REPLICATE_APPLY_WAIT_MS * 1000u;
    for (j = repl.head; j != NULL; j = next) {
        next = j->rnext;
        if ((j->repl_state & (REPLICATE_ACKED | REPLICATE_SUBMITTED)) !=
                REPLICATE_ACKED ||
            now - j->repl_since < wait)
            continue;
        snprintf(why, sizeof why,
                 "stored in the log, but this node has not applied it in %d "
                 "s (it lags %" PRIu64 " messages); it will",
                 REPLICATE_APPLY_WAIT_MS / 1000,
                 repl.last > repl.applied ? repl.last - repl.applied : 0);
        replicate_fail(j, why);
    }
}

uint64_t
replicate_backup_seq(void *reader)
{
    const struct carid_plugin *p = server.plugin;
    int64_t v = 0;
    int found = 0;
    char err[256];

    if (*server.cfg.replicate == '\0' || p->host_get == NULL ||
        p->host_get(reader, REPLICATE_SEQ_KEY, &v, &found, err, sizeof err) !=
            0)
        return 0;
    return v > 0 ? (uint64_t)v : 0;
}

void
replicate_backup_announce(const char *name, uint64_t seq)
{
    char err[256];

    if (seq == 0) return;
    if (replicate_log_announce(name, seq, err, sizeof err) != 0)
        log_warn("replicate: BACKUP %s (sequence %" PRIu64
                 ") not announced on the log: %s",
                 name, seq, err);
}

/* The sequence the index applied last, 0 for a new one. */
static int
replicate_applied_seq(uint64_t *seq, char *err, size_t errlen)
{
    const struct carid_plugin *p = server.plugin;
    void *reader;
    int64_t v = 0;
    int found = 0, rc;

    if (p->host_set == NULL || p->host_get == NULL) {
        snprintf(err, errlen,
                 "plugin %s cannot keep the log's sequence "
                 "(no host_set/host_get): no --replicate",
                 p->name);
        return -1;
    }
    if (p->reader_open(server.db, &reader, err, errlen) != 0) return -1;
    rc = p->host_get(reader, REPLICATE_SEQ_KEY, &v, &found, err, errlen);
    p->reader_close(reader);
    *seq = v > 0 ? (uint64_t)v : 0;
    return rc;
}

int
replicate_start(char *err, size_t errlen)
{
    struct replicate_log_cfg cfg;
    uint64_t first, last;

    if (*server.cfg.replicate == '\0') return 0;
    if (replicate_applied_seq(&repl.applied, err, errlen) != 0) return -1;
    repl.handed = repl.last = repl.applied;
    replicate_lag_update();
    repl.ev = event_new(server.base, -1, 0, replicate_wake_cb, NULL);
    cfg = (struct replicate_log_cfg){server.cfg.replicate, server.cfg.stream,
                                     server.cfg.stream_replicas,
                                     repl.applied + 1, replicate_wake};
    if (replicate_log_start(&cfg, err, errlen) != 0) {
        event_free(repl.ev);
        repl.ev = NULL;
        return -1;
    }
    stats_set(&stats.replicate_connected, 1);
    replicate_log_bounds(&first, &last);
    if (last > repl.last) repl.last = last;
    replicate_lag_update();
    if (first > repl.applied + 1) replicate_gap(first);
    return 0;
}

void
replicate_stop(void)
{
    struct replicate_event *ev, *next;

    if (repl.ev == NULL) return;
    replicate_log_stop();
    for (ev = replicate_log_take(); ev != NULL; ev = next) {
        next = ev->next;
        replicate_event_free(ev);
    }
    event_free(repl.ev);
    repl.ev = NULL;
    /* the writes still waiting belong to their connections, which
     * loop_finish() frees */
    repl.head = repl.tail = NULL;
    repl.npending = 0;
}
