/*
 * conn.c - a client connection.  Requests are framed by protocol/resp.c and
 * kept in a FIFO so replies leave in request order.  Consecutive reads may
 * run in parallel on the query threads, consecutive writes go to the
 * writer in order; a read never overtakes a write of the same connection
 * (nor the reverse), so a client sees its own writes.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "cmd.h"
#include "conn.h"
#include "job.h"
#include "log.h"
#include "loop.h"
#include "multi.h"
#include "pool.h"
#include "replicate.h"
#include "server.h"
#include "slowlog.h"
#include "stats.h"
#include "writer.h"
#include "xmalloc.h"

struct conn {
    struct bufferevent *bev;      /* NULL once the client is gone */
    struct job *head, *tail;      /* FIFO of requests, oldest first */
    int njobs;                    /* in the FIFO */
    int busy[3];                  /* unfinished jobs per enum job_where */
    struct job *stalled;          /* parsed, waiting for the other kind */
    int closing;                  /* write what is queued, then close */
    int eof;                      /* the client has sent all it will send */
    int auth;                     /* CONN_AUTH_* */
    struct multi multi;           /* MULTI ... EXEC */
    struct conn_meta meta;        /* id, addresses, name, protocol */
    _Atomic uint64_t heavy_until; /* usec: its reads go to the low lane
                                     until then (conn_mark_heavy()) */
    _Atomic int reads_running;    /* on a query thread (conn_read_begin()) */
    int auth_failures;            /* wrong AUTHs so far */
    uint64_t accepted_usec;       /* when it connected */
    uint64_t partial_since; /* usec: an incomplete request since; 0 none */
    size_t mem;             /* its part of conn_mem_total */
    const struct conn_front *front; /* no socket: fed by a front end */
    void *front_arg;
    int front_live; /* the front's client is still there */
    struct conn *prev, *next;
};

static struct conn *conn_list;          /* every open connection */
static uint64_t conn_next_id;           /* the last CLIENT ID given */
static int conn_noauth_n;               /* connections not yet authenticated */
static size_t conn_mem_total;           /* every connection's buffered bytes */
static uint64_t conn_auth_fails_logged; /* wrong AUTHs since the last log */
static char conn_auth_fail_addr[64];    /* the last one's client */
static int conn_n;
static int conn_idle_n; /* conn_front_idle(): idle HTTP connections */
static struct conn_holder *conn_holders; /* conn_holder_add() */

static void conn_process(struct conn *c);
static void conn_link(struct conn *c);

/* Someone still reads c's replies: its socket, or its front's client. */
static int
conn_live(const struct conn *c)
{
    return c->bev != NULL || c->front_live;
}

int
conn_count(void)
{
    return conn_n;
}

static void
conn_free(struct conn *c)
{
    struct job *j, *next;

    if (c->bev != NULL) bufferevent_free(c->bev);
    for (j = c->head; j != NULL; j = next) {
        next = j->next;
        job_free(j);
    }
    if (c->stalled != NULL) job_free(c->stalled);
    multi_reset(&c->multi);
    conn_mem_total -= c->mem;
    stats_set(&stats.client_memory, conn_mem_total);
    if (c->auth == CONN_AUTH_NONE) conn_noauth_n--;
    if (c->prev != NULL)
        c->prev->next = c->next;
    else
        conn_list = c->next;
    if (c->next != NULL) c->next->prev = c->prev;
    conn_n--;
    stats_add(&stats.connected_clients, (uint64_t)-1);
    if (c->front != NULL) c->front->closed(c->front_arg);
    free(c);
    loop_conn_gone();
}

/* Reads of c still queued or running stop at the plugin's first check
 * after delay_usec; writes go on (a PUT that was sent is committed). */
static void
conn_cancel_reads(struct conn *c, uint64_t delay_usec)
{
    int64_t at = (int64_t)(stats_now_usec() + delay_usec);

    for (struct job *j = c->head; j != NULL; j = j->next) {
        int64_t was = j->cancel_usec;

        if (!j->done && j->where == JOB_READ && (was == 0 || was > at))
            j->cancel_usec = at;
    }
}

/* Drops c's socket and what it buffered, and cancels its reads; c itself
 * stays until conn_close() or its last job frees it. */
static void
conn_drop_socket(struct conn *c)
{
    conn_cancel_reads(c, 0);
    if (c->bev != NULL) {
        bufferevent_free(c->bev);
        c->bev = NULL;
    }
    c->front_live = 0;
    conn_mem_total -= c->mem; /* its buffers are gone with the socket */
    c->mem = 0;
    c->closing = 1;
}

/* The client is gone or must go: free now, or once threads hand back its
 * unfinished jobs (they point at c). */
static void
conn_close(struct conn *c)
{
    conn_drop_socket(c);
    if (c->busy[JOB_READ] + c->busy[JOB_WRITE] == 0) conn_free(c);
}

/* Unread replies above which c stops reading requests: tighter once all
 * clients together hold over half of --max-client-memory. */
static size_t
conn_pause_at(void)
{
    return conn_mem_total > (size_t)server.cfg.max_client_memory / 2
               ? CONN_PAUSE_TIGHT
               : CONN_PAUSE_OUTPUT;
}

/* The biggest holder, if it holds more than big (NULL: nothing). */
static struct conn_holder *
conn_holder_biggest(const struct conn *big)
{
    struct conn_holder *h = NULL;

    for (struct conn_holder *x = conn_holders; x != NULL; x = x->next)
        if (h == NULL || x->mem > h->mem) h = x;
    if (h == NULL || h->mem == 0 || (big != NULL && big->mem >= h->mem))
        return NULL;
    return h;
}

/* Over --max-client-memory: drops the biggest connections (or front
 * holders) until under.  A dropped connection other than c is closed now;
 * c itself (the one being processed) only loses its socket, and its
 * caller finishes it. */
static void
conn_enforce_memory(struct conn *c)
{
    while (conn_mem_total > (size_t)server.cfg.max_client_memory) {
        struct conn *big = NULL;
        struct conn_holder *h;

        for (struct conn *x = conn_list; x != NULL; x = x->next)
            if (x->bev != NULL && (big == NULL || x->mem > big->mem)) big = x;
        if ((h = conn_holder_biggest(big)) != NULL) {
            log_warn("http: a client dropped, all clients hold %zu bytes "
                     "over --max-client-memory, this one %zu",
                     conn_mem_total, h->mem);
            stats_add(&stats.client_memory_drops, 1);
            conn_holder_del(h);
            h->drop(h);
            continue;
        }
        if (big == NULL || big->mem == 0) return;
        log_warn("conn %s: dropped, all clients hold %zu bytes over "
                 "--max-client-memory, this one %zu",
                 big->meta.addr, conn_mem_total, big->mem);
        stats_add(&stats.client_memory_drops, 1);
        if (big == c)
            conn_drop_socket(c);
        else
            conn_close(big);
    }
}

/* Brings c's part of the clients' memory up to date: its buffered
 * request bytes and unread replies. */
static void
conn_account(struct conn *c)
{
    size_t now = 0;

    if (c->bev != NULL)
        now = evbuffer_get_length(bufferevent_get_input(c->bev)) +
              evbuffer_get_length(bufferevent_get_output(c->bev));
    conn_mem_total = conn_mem_total - c->mem + now;
    c->mem = now;
    stats_set(&stats.client_memory, conn_mem_total);
    if (conn_mem_total > (size_t)server.cfg.max_client_memory)
        conn_enforce_memory(c);
}

static void
conn_free_reply(const void *data, size_t len, void *arg)
{
    (void)data;
    (void)len;
    free(arg);
}

/* Queues a finished reply for the socket.  A big one is handed over as
 * it is (no copy: a 10 MB reply would briefly cost 20 MB).  A front's
 * job is converted to its form first and handed to it. */
static void
conn_write_reply(struct conn *c, struct job *job)
{
    struct reply_buf *out = &job->out;
    struct evbuffer *o;

    if (job->transcode != NULL) {
        job->transcode(job);
        job->transcode = NULL;
    }
    if (c->front != NULL) {
        c->front->reply(c->front_arg, job);
        return;
    }
    o = bufferevent_get_output(c->bev);
    if (out->len < CONN_ZERO_COPY ||
        evbuffer_add_reference(o, out->p, out->len, conn_free_reply, out->p) !=
            0) {
        bufferevent_write(c->bev, out->p, out->len);
        return;
    }
    out->p = NULL; /* the evbuffer frees it once written */
    out->len = out->cap = 0;
}

/* Writes finished replies from the head of the FIFO, in order. */
static void
conn_flush(struct conn *c)
{
    struct job *j;

    while ((j = c->head) != NULL && j->done) {
        c->head = j->next;
        if (c->head == NULL) c->tail = NULL;
        c->njobs--;
        if (c->front == NULL && j->out.len > 0 && j->out.p[0] == '-')
            stats_add(&stats.errors, 1); /* HTTP: http_errors */
        if (conn_live(c)) conn_write_reply(c, j);
        job_free(j);
    }
    if (c->bev != NULL && evbuffer_get_length(bufferevent_get_output(c->bev)) >
                              (size_t)server.cfg.max_output) {
        /* It sends but does not read: drop it before it costs us more. */
        log_warn("conn %s: over --max-output (%zu bytes unread), dropping",
                 c->meta.addr,
                 evbuffer_get_length(bufferevent_get_output(c->bev)));
        conn_drop_socket(c);
    }
}

/* Closes once everything queued is written; the write callback comes
 * back here when the output buffer drains. */
static void
conn_maybe_finish(struct conn *c)
{
    if (!conn_live(c)) {
        conn_close(c); /* gone: free as soon as no thread holds a job */
        return;
    }
    if (!c->closing || c->njobs > 0 || c->stalled != NULL) return;
    if (c->bev == NULL ||
        evbuffer_get_length(bufferevent_get_output(c->bev)) == 0)
        conn_close(c);
}

static void
conn_append(struct conn *c, struct job *job)
{
    job->next = NULL;
    if (c->tail != NULL)
        c->tail->next = job;
    else
        c->head = job;
    c->tail = job;
    c->njobs++;
}

/* A new job of c, its replies in c's protocol. */
static struct job *
conn_job_new(struct conn *c)
{
    return job_new(c, c->meta.proto == 3);
}

static void
conn_reply_error(struct conn *c, const char *msg)
{
    struct job *job = conn_job_new(c);

    reply_error(&job->out, "ERR %s", msg);
    job->done = 1;
    conn_append(c, job);
}

/* A job may start when no unfinished job of the other kind is ahead.
 * Reads in flight are capped at two per query thread: more would not run
 * sooner, and each holds its whole reply in memory until it is written. */
static int
conn_can_start(const struct conn *c, enum job_where where)
{
    if (where == JOB_READ)
        return c->busy[JOB_WRITE] == 0 &&
               c->busy[JOB_READ] < 2 * server.threads;
    if (where == JOB_WRITE) return c->busy[JOB_READ] == 0;
    return 1;
}

static void
conn_check_arity(struct job *job)
{
    const struct cmd *cmd = job->cmd;
    int argc = job->req.argc;

    if (argc < cmd->min_argc || (cmd->max_argc >= 0 && argc > cmd->max_argc)) {
        char lower[32];

        cmd_name_lower(cmd, lower, sizeof lower);
        reply_error(&job->out, "ERR wrong number of arguments for '%s' command",
                    lower);
        job->done = 1;
    }
}

static void
conn_hold_cb(evutil_socket_t fd, short what, void *arg)
{
    struct job *job = arg;

    (void)fd;
    (void)what;
    job->done = 1;
    conn_process(job->conn);
}

/* job's reply leaves after job->delay_usec (a wrong password's); the
 * requests behind it wait too, as its order demands. */
static void
conn_hold(struct job *job)
{
    struct timeval tv = {(time_t)(job->delay_usec / 1000000u),
                         (suseconds_t)(job->delay_usec % 1000000u)};

    job->timer = evtimer_new(server.base, conn_hold_cb, job);
    evtimer_add(job->timer, &tv);
}

/* Starts job: checks it, then runs it here or hands it to its thread. */
static void
conn_start(struct conn *c, struct job *job)
{
    conn_append(c, job);
    stats_add(&stats.commands_processed, 1);
    job->started = stats_now_usec();
    if (job->done) return;
    if (job->cmd->prepare != NULL && job->cmd->prepare(job) != 0) {
        job->done = 1;
        return;
    }
    if (job->where == JOB_LOOP) {
        job->cmd->run(job, NULL);
        if (job->cmd->flags & CMD_CLOSES) c->closing = 1;
        if (job->delay_usec > 0)
            conn_hold(job);
        else
            job->done = 1;
        return;
    }
    if (replicate_takes(job)) {
        if (replicate_submit(job) != 0) {
            job->done = 1;
            return;
        }
        c->busy[job->where]++; /* answered through conn_job_done() */
        return;
    }
    c->busy[job->where]++;
    job->heavy = conn_is_heavy(c, stats_now_usec());
    if (job->where == JOB_READ)
        pool_submit(job);
    else
        writer_submit(job);
}

/* CLIENT LIST's idle and cmd. */
static void
conn_note_command(struct conn *c, const struct job *job)
{
    c->meta.last_active = (int64_t)time(NULL);
    if (job->cmd == NULL)
        snprintf(c->meta.last_cmd, sizeof c->meta.last_cmd, "unknown");
    else
        cmd_name_lower(job->cmd, c->meta.last_cmd, sizeof c->meta.last_cmd);
}

/* job was answered with an error before it could run; inside MULTI that
 * makes EXEC fail (EXECABORT), as in Redis. */
static struct job *
conn_refused(struct conn *c, struct job *job)
{
    job->done = 1;
    job->where = JOB_LOOP;
    if (c->multi.active) multi_refused(&c->multi);
    return job;
}

/* Turns a parsed request into a job; unknown commands and bad arity are
 * answered here, and commands between MULTI and EXEC are queued. */
static struct job *
conn_new_job(struct conn *c, struct resp_req *req, const struct cmd *cmd)
{
    struct job *job = conn_job_new(c);

    job->req = *req;
    memset(req, 0, sizeof *req);
    if (server.cfg.query_timeout_ms > 0)
        job->deadline = stats_now_usec() +
                        (uint64_t)server.cfg.query_timeout_ms * 1000u;
    job->cmd = cmd;
    if (cmd == NULL) {
        job->cmd = cmd_lookup(job->req.argv[0], job->req.argl[0]);
        if (job->cmd != NULL) job->cmd = cmd_subcommand(job->cmd, &job->req);
    }
    conn_note_command(c, job);
    job->where = JOB_LOOP;
    if (job->cmd == NULL) {
        char name[41]; /* the name goes back to the client, maybe a log */

        carid_shown(job->req.argv[0], job->req.argl[0], 1, name, sizeof name);
        reply_error(&job->out, "ERR unknown command '%s'", name);
        return conn_refused(c, job);
    }
    job->where = job->cmd->where;
    if (c->auth == CONN_AUTH_NONE && !(job->cmd->flags & CMD_NOAUTH) &&
        !((job->cmd->flags & CMD_HEALTH) && server.cfg.noauth_ping)) {
        reply_error(&job->out, "NOAUTH Authentication required.");
        return conn_refused(c, job);
    }
    if (c->auth == CONN_AUTH_READONLY && (job->cmd->flags & CMD_WRITE)) {
        reply_error(&job->out, "NOPERM this client is read-only");
        return conn_refused(c, job);
    }
    conn_check_arity(job);
    if (job->done) return conn_refused(c, job);
    if (c->multi.active && !(job->cmd->flags & CMD_TXN))
        return multi_queue(&c->multi, job);
    if (job->cmd->flags & CMD_EXEC) multi_exec_take(&c->multi, job);
    return job;
}

static void
conn_protocol_error(struct conn *c, const char *err)
{
    stats_add(&stats.protocol_errors, 1);
    log_info("conn %s: %s, closing", c->meta.addr, err);
    conn_reply_error(c, err);
    c->closing = 1;
}

static int
conn_arg_is(const struct resp_req *r, int i, const char *word)
{
    return r->argl[i] == strlen(word) &&
           strncasecmp(r->argv[i], word, r->argl[i]) == 0;
}

/* "POST ...", "Host: ..." or "GET / HTTP/1.1": someone speaks HTTP. */
static int
conn_is_http(const struct resp_req *r)
{
    if (conn_arg_is(r, 0, "POST") || conn_arg_is(r, 0, "HOST:")) return 1;
    return r->argc >= 3 && conn_arg_is(r, 0, "GET") &&
           r->argl[r->argc - 1] >= 5 &&
           strncmp(r->argv[r->argc - 1], "HTTP/", 5) == 0;
}

/* The next request from c's socket into *req: 1, 0 if there is none
 * yet (or c must stop: a protocol error, EOF), -1 if c was closed. */
static int
conn_frame_next(struct conn *c, struct resp_req *req)
{
    struct evbuffer *in = bufferevent_get_input(c->bev);
    char err[128];
    long n;

    if (evbuffer_get_length(in) == 0) {
        if (c->eof) c->closing = 1;
        return 0;
    }
    n = resp_parse(
        (const char *)evbuffer_pullup(in, -1), evbuffer_get_length(in),
        c->auth == CONN_AUTH_NONE ? &server.limits_noauth : &server.limits, req,
        err, sizeof err);
    if (n == RESP_INCOMPLETE) {
        if (c->partial_since == 0) c->partial_since = stats_now_usec();
        if (evbuffer_get_length(in) > CONN_MAX_REQUEST)
            conn_protocol_error(c, "Protocol error: request too big");
        else if (c->eof)
            c->closing = 1; /* a request that will never complete */
        return 0;
    }
    if (n == RESP_ERROR) {
        conn_protocol_error(c, err);
        return 0;
    }
    evbuffer_drain(in, (size_t)n);
    c->partial_since = 0;
    if (req->argc > 0 && conn_is_http(req)) {
        /* A browser or a forged cross-protocol request (Redis does the
         * same): no reply, just go. */
        log_warn("conn %s: HTTP request on the carid port, closing",
                 c->meta.addr);
        resp_req_free(req);
        stats_add(&stats.protocol_errors, 1);
        conn_close(c);
        return -1;
    }
    return 1;
}

/* Frames and starts requests until input runs out or ordering, the
 * pipeline cap or the output cap says wait. */
static void
conn_process(struct conn *c)
{
    struct resp_req req;
    int paused = 0;

    while (conn_live(c) && !c->closing) {
        struct conn_front_req fr = {&req, NULL, NULL, NULL};
        int got;

        if (c->stalled != NULL) {
            if (!conn_can_start(c, c->stalled->where)) {
                paused = 1;
                break;
            }
            struct job *job = c->stalled;

            c->stalled = NULL;
            conn_start(c, job);
            continue;
        }
        if (c->njobs >= CONN_MAX_PIPELINE ||
            (c->bev != NULL && evbuffer_get_length(bufferevent_get_output(
                                   c->bev)) > conn_pause_at())) {
            paused = 1;
            break;
        }
        memset(&req, 0, sizeof req);
        if (c->bev != NULL) {
            got = conn_frame_next(c, &req);
            if (got < 0) return; /* c was closed (and maybe freed) */
        } else {
            got = c->front->next(c->front_arg, &fr);
            if (got < 0) c->eof = c->closing = 1; /* all it will send */
        }
        if (got <= 0) break;
        if (req.argc == 0) continue;
        c->stalled = conn_new_job(c, &req, fr.cmd);
        c->stalled->transcode = fr.transcode;
        if (fr.cmd != NULL) c->stalled->arg.front = fr.arg;
    }
    conn_flush(c);
    conn_account(c);
    if (c->bev != NULL) {
        /* Stop reading while we wait, so a fast client can't fill our
         * memory; conn_job_done() and the write callback resume. */
        if (paused || c->closing || c->eof)
            bufferevent_disable(c->bev, EV_READ);
        else
            bufferevent_enable(c->bev, EV_READ);
    }
    conn_maybe_finish(c);
}

static void
conn_read_cb(struct bufferevent *bev, void *arg)
{
    (void)bev;
    conn_process(arg);
}

static void
conn_write_cb(struct bufferevent *bev, void *arg)
{
    struct conn *c = arg;

    (void)bev;
    /* Output drained below the watermark: maybe resume or finish. */
    conn_account(c);
    if (c->closing)
        conn_maybe_finish(c);
    else
        conn_process(c);
}

static void
conn_event_cb(struct bufferevent *bev, short what, void *arg)
{
    struct conn *c = arg;

    (void)bev;
    if ((what & BEV_EVENT_TIMEOUT) && (what & BEV_EVENT_READING) &&
        c->njobs > 0) {
        /* Not idle: it is waiting for us.  libevent disabled reading on
         * the timeout; turn it back on. */
        bufferevent_enable(c->bev, EV_READ);
    } else if (what & BEV_EVENT_TIMEOUT) {
        log_info("conn %s: %s for %ld s, closing", c->meta.addr,
                 (what & BEV_EVENT_READING) ? "idle" : "not reading replies",
                 server.cfg.timeout);
        conn_close(c);
    } else if (what & BEV_EVENT_ERROR) {
        log_debug("conn %s: error, closing", c->meta.addr);
        conn_close(c);
    } else if (what & BEV_EVENT_EOF) {
        /* Half-closed (nc -N, shutdown(SHUT_WR)) or gone: TCP cannot tell
         * until we write.  Answer what it sent, if that is quick. */
        c->eof = 1;
        conn_cancel_reads(c, CONN_EOF_GRACE_USEC);
        conn_process(c);
    }
}

void
conn_mark_heavy(struct conn *c, uint64_t now)
{
    c->heavy_until = now + CONN_HEAVY_FOR_USEC;
}

int
conn_is_heavy(struct conn *c, uint64_t now)
{
    return c->heavy_until > now;
}

void
conn_read_begin(struct conn *c)
{
    c->reads_running++;
}

void
conn_read_end(struct conn *c)
{
    c->reads_running--;
}

int
conn_reads_running(const struct conn *c)
{
    return c->reads_running;
}

struct conn_meta *
conn_meta(struct conn *c)
{
    return &c->meta;
}

int
conn_auth(const struct conn *c)
{
    return c->auth;
}

void
conn_each(void (*fn)(struct conn *c, void *ctx), void *ctx)
{
    for (struct conn *c = conn_list; c != NULL; c = c->next)
        if (c->bev != NULL) fn(c, ctx);
}

void
conn_kill(struct conn *c)
{
    c->closing = 1;
    conn_cancel_reads(c, 0);
    if (c->stalled != NULL) {
        /* Not started: drop it, the client gets no reply. */
        job_free(c->stalled);
        c->stalled = NULL;
    }
    if (c->bev != NULL) bufferevent_disable(c->bev, EV_READ);
    conn_flush(c);
    conn_maybe_finish(c);
}

struct multi *
conn_multi(struct conn *c)
{
    return &c->multi;
}

void
conn_set_auth(struct conn *c, int level)
{
    if (c->auth == CONN_AUTH_NONE && level != CONN_AUTH_NONE) conn_noauth_n--;
    c->auth = level;
    c->auth_failures = 0;
}

uint64_t
conn_auth_failed(struct conn *c)
{
    int n = ++c->auth_failures;

    conn_auth_fails_logged++;
    snprintf(conn_auth_fail_addr, sizeof conn_auth_fail_addr, "%s",
             c->meta.addr);
    if (n >= CONN_MAX_AUTH_FAILURES) c->closing = 1; /* after this reply */
    return (uint64_t)CONN_AUTH_DELAY_USEC << (n - 1 < 4 ? n - 1 : 4);
}

void
conn_sweep(void)
{
    uint64_t now = stats_now_usec();
    uint64_t auth_limit = (uint64_t)server.cfg.auth_timeout * 1000000u;
    uint64_t req_limit = (uint64_t)server.cfg.request_timeout * 1000000u;
    struct conn *c, *next;

    if (conn_auth_fails_logged > 0) {
        log_warn("AUTH: %llu wrong password(s) in the last second, the "
                 "last from %s",
                 (unsigned long long)conn_auth_fails_logged,
                 conn_auth_fail_addr);
        conn_auth_fails_logged = 0;
    }
    for (c = conn_list; c != NULL; c = next) {
        next = c->next;
        if (c->bev == NULL || c->closing) continue;
        if (c->auth == CONN_AUTH_NONE && now - c->accepted_usec > auth_limit) {
            log_info("conn %s: not authenticated after %ld s, closing",
                     c->meta.addr, server.cfg.auth_timeout);
            conn_close(c);
        } else if (c->partial_since != 0 && c->njobs == 0 &&
                   now - c->partial_since > req_limit) {
            /* A slow sender: it holds a slot and a buffer, byte by byte. */
            log_info("conn %s: one request for over %ld s, closing",
                     c->meta.addr, server.cfg.request_timeout);
            stats_add(&stats.protocol_errors, 1);
            conn_close(c);
        }
    }
}

void
conn_job_done(struct job *job)
{
    struct conn *c = job->conn;

    uint64_t usec = stats_now_usec() - job->started;

    job->done = 1;
    c->busy[job->where]--;
    if (job->cmd->flags & CMD_LAT_SEARCH)
        stats_record(&stats.search_usec, usec);
    else if (job->cmd->flags & CMD_LAT_PUT)
        stats_record(&stats.put_usec, usec);
    slowlog_record(job, usec, c->meta.addr);
    if (!conn_live(c)) {
        /* The client left while this ran. */
        if (c->busy[JOB_READ] + c->busy[JOB_WRITE] == 0) conn_free(c);
        return;
    }
    conn_process(c);
}

static void
conn_format_addr(const struct sockaddr *sa, char *buf, size_t len)
{
    char ip[INET6_ADDRSTRLEN] = "?";
    int port = 0;

    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;

        inet_ntop(AF_INET, &s4->sin_addr, ip, sizeof ip);
        port = ntohs(s4->sin_port);
    } else if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;

        inet_ntop(AF_INET6, &s6->sin6_addr, ip, sizeof ip);
        port = ntohs(s6->sin6_port);
    }
    snprintf(buf, len, "%s:%d", ip, port);
}

int
conn_auth_required(void)
{
    return *server.cfg.requirepass != '\0' || *server.cfg.readonly_pass != '\0';
}

/* Tells a client it cannot be served (if it can be told) and closes it. */
static int
conn_refuse(evutil_socket_t fd, const char *line)
{
    stats_add(&stats.rejected_connections, 1);
    if (write(fd, line, strlen(line)) < 0) {
        /* told if it can be; closed either way */
    }
    evutil_closesocket(fd);
    return -1;
}

int
conn_accept(evutil_socket_t fd, const struct sockaddr *sa, int salen)
{
    struct conn *c;

    (void)salen;
    if (conn_n + conn_idle_n >= server.cfg.max_clients || loop_stopping())
        return conn_refuse(fd, "-ERR max number of clients reached\r\n");
    if (conn_auth_required() && conn_noauth_n >= server.cfg.max_noauth_clients)
        return conn_refuse(fd, "-ERR too many unauthenticated connections\r\n");
    c = xcalloc(1, sizeof *c);
    conn_format_addr(sa, c->meta.addr, sizeof c->meta.addr);
    {
        struct sockaddr_storage local;
        socklen_t llen = sizeof local;

        if (getsockname(fd, (struct sockaddr *)&local, &llen) == 0)
            conn_format_addr((struct sockaddr *)&local, c->meta.laddr,
                             sizeof c->meta.laddr);
    }
    c->bev = bufferevent_socket_new(server.base, fd, BEV_OPT_CLOSE_ON_FREE);
    if (c->bev == NULL) {
        evutil_closesocket(fd);
        free(c);
        return -1;
    }
    bufferevent_setcb(c->bev, conn_read_cb, conn_write_cb, conn_event_cb, c);
    /* The write callback fires once the output has drained: resume
     * reading, or close a finishing connection. */
    bufferevent_setwatermark(c->bev, EV_WRITE, 0, 0);
    if (server.cfg.timeout > 0) {
        struct timeval tv = {server.cfg.timeout, 0};

        bufferevent_set_timeouts(c->bev, &tv, &tv);
    }
    c->auth = conn_auth_required() ? CONN_AUTH_NONE : CONN_AUTH_FULL;
    if (c->auth == CONN_AUTH_NONE) conn_noauth_n++;
    bufferevent_enable(c->bev, EV_READ | EV_WRITE);
    conn_link(c);
    log_debug("conn %s: accepted", c->meta.addr);
    return 0;
}

/* Links a new connection c into the list and the counts. */
static void
conn_link(struct conn *c)
{
    c->meta.id = ++conn_next_id;
    c->meta.proto = 2;
    c->meta.created = c->meta.last_active = (int64_t)time(NULL);
    c->accepted_usec = stats_now_usec();
    c->next = conn_list;
    if (conn_list != NULL) conn_list->prev = c;
    conn_list = c;
    conn_n++;
    stats_add(&stats.connected_clients, 1);
    stats_add(&stats.total_connections, 1);
}

struct conn *
conn_open_front(const struct conn_front *front, void *arg, const char *addr,
                int auth)
{
    struct conn *c;

    if (conn_n + conn_idle_n >= server.cfg.max_clients || loop_stopping()) {
        stats_add(&stats.rejected_connections, 1);
        return NULL;
    }
    c = xcalloc(1, sizeof *c);
    snprintf(c->meta.addr, sizeof c->meta.addr, "%s", addr);
    c->front = front;
    c->front_arg = arg;
    c->front_live = 1;
    c->auth = auth;
    conn_link(c);
    return c;
}

void
conn_front_ready(struct conn *c)
{
    conn_process(c);
}

void
conn_front_gone(struct conn *c)
{
    conn_close(c);
}

void
conn_front_eof(struct conn *c)
{
    conn_cancel_reads(c, CONN_EOF_GRACE_USEC);
}

void
conn_holder_add(struct conn_holder *h)
{
    h->mem = 0;
    h->linked = 1;
    h->prev = NULL;
    h->next = conn_holders;
    if (conn_holders != NULL) conn_holders->prev = h;
    conn_holders = h;
}

void
conn_holder_set(struct conn_holder *h, size_t mem)
{
    if (!h->linked) return;
    conn_mem_total = conn_mem_total - h->mem + mem;
    h->mem = mem;
    stats_set(&stats.client_memory, conn_mem_total);
    if (conn_mem_total > (size_t)server.cfg.max_client_memory)
        conn_enforce_memory(NULL);
}

void
conn_holder_del(struct conn_holder *h)
{
    if (!h->linked) return;
    conn_mem_total -= h->mem;
    h->mem = 0;
    stats_set(&stats.client_memory, conn_mem_total);
    if (h->prev != NULL)
        h->prev->next = h->next;
    else
        conn_holders = h->next;
    if (h->next != NULL) h->next->prev = h->prev;
    h->linked = 0;
}

void
conn_front_idle(int delta)
{
    conn_idle_n += delta;
}

void
conn_shutdown_all(void)
{
    struct conn *c, *next;

    for (c = conn_list; c != NULL; c = next) {
        next = c->next;
        conn_kill(c);
    }
}

void
conn_free_all(void)
{
    while (conn_list != NULL)
        conn_free(conn_list);
}
