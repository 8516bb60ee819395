/*
 * loop.c - the libevent loop: accepts connections, runs their callbacks,
 * takes finished jobs back from the threads, and shuts down on a signal.
 * Nothing here touches the disk or runs a query.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <event2/event.h>
#include <event2/listener.h>
#include <event2/util.h>

#include "config.h"
#include "conn.h"
#include "job.h"
#include "log.h"
#include "loop.h"
#include "replicate.h"
#include "server.h"
#include "stats.h"

#define LOOP_SHUTDOWN_SECONDS 10 /* longest wait for in-flight replies */

/* Finished jobs, posted by any thread, consumed by the loop thread. */
static struct {
    pthread_mutex_t lock;
    struct job *head, *tail; /* under lock */
    struct event *ev;        /* activated to wake the loop */
} loop_done = {PTHREAD_MUTEX_INITIALIZER, NULL, NULL, NULL};

#define LOOP_MAX_LISTENERS 16 /* --bind addresses */

static struct evconnlistener *loop_listeners[LOOP_MAX_LISTENERS];
static int loop_nlisteners;
static struct event *loop_resume_ev;   /* re-enables accept after EMFILE */
static struct event *loop_deadline_ev; /* bounds the shutdown */
static int loop_stopping_flag;
static unsigned loop_ticks; /* of the 100 ms timer */

int
loop_stopping(void)
{
    return loop_stopping_flag;
}

void
loop_post_done(struct job *job)
{
    job->qnext = NULL;
    pthread_mutex_lock(&loop_done.lock);
    if (loop_done.tail != NULL)
        loop_done.tail->qnext = job;
    else
        loop_done.head = job;
    loop_done.tail = job;
    pthread_mutex_unlock(&loop_done.lock);
    /* Thread-safe because main() enabled libevent's pthread locking. */
    event_active(loop_done.ev, EV_READ, 0);
}

/* A finished job goes to its connection; one applied from the log first
 * to replicate.c, which may have no connection for it. */
static void
loop_job_back(struct job *job)
{
    if (job->repl_seq != 0)
        replicate_done(job);
    else
        conn_job_done(job);
}

/* Empties the done queue; returns its jobs as a qnext chain. */
static struct job *
loop_take_done(void)
{
    struct job *job;

    pthread_mutex_lock(&loop_done.lock);
    job = loop_done.head;
    loop_done.head = loop_done.tail = NULL;
    pthread_mutex_unlock(&loop_done.lock);
    return job;
}

static void
loop_done_cb(evutil_socket_t fd, short what, void *arg)
{
    struct job *job, *next;

    (void)fd;
    (void)what;
    (void)arg;
    for (job = loop_take_done(); job != NULL; job = next) {
        next = job->qnext;
        loop_job_back(job);
    }
}

void
loop_conn_gone(void)
{
    if (loop_stopping_flag && conn_count() == 0)
        event_base_loopexit(server.base, NULL);
}

static void
loop_accept_cb(struct evconnlistener *l, evutil_socket_t fd,
               struct sockaddr *sa, int salen, void *arg)
{
    (void)l;
    (void)arg;
    evutil_make_socket_nonblocking(fd);
    conn_accept(fd, sa, salen);
}

static void
loop_resume_cb(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    (void)arg;
    for (int i = 0; i < loop_nlisteners && !loop_stopping_flag; i++)
        evconnlistener_enable(loop_listeners[i]);
}

static void
loop_accept_error_cb(struct evconnlistener *l, void *arg)
{
    static const struct timeval one_second = {1, 0};
    int err = EVUTIL_SOCKET_ERROR();

    (void)arg;
    /* Out of descriptors: back off for a second instead of spinning. */
    log_warn("accept() failed: %s", evutil_socket_error_to_string(err));
    (void)l;
    for (int i = 0; i < loop_nlisteners; i++)
        evconnlistener_disable(loop_listeners[i]);
    event_add(loop_resume_ev, &one_second);
}

static void
loop_tick_cb(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    (void)arg;
    stats_sample_ops();
    if (++loop_ticks % 10 == 0) { /* once a second */
        conn_sweep();
        replicate_tick();
    }
}

static void
loop_deadline_cb(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    (void)arg;
    log_warn("shutdown: %d connections still busy after %d s, leaving",
             conn_count(), LOOP_SHUTDOWN_SECONDS);
    event_base_loopexit(server.base, NULL);
}

static void
loop_signal_cb(evutil_socket_t sig, short what, void *arg)
{
    static const struct timeval deadline = {LOOP_SHUTDOWN_SECONDS, 0};

    (void)what;
    (void)arg;
    if (loop_stopping_flag) return;
    log_info("signal %d: shutting down", (int)sig);
    loop_stopping_flag = 1;
    for (int i = 0; i < loop_nlisteners; i++)
        evconnlistener_disable(loop_listeners[i]);
    loop_deadline_ev = evtimer_new(server.base, loop_deadline_cb, NULL);
    evtimer_add(loop_deadline_ev, &deadline);
    conn_shutdown_all();
    if (conn_count() == 0) event_base_loopexit(server.base, NULL);
}

static void
loop_hup_cb(evutil_socket_t sig, short what, void *arg)
{
    (void)sig;
    (void)what;
    (void)arg;
    if (*server.cfg.log_file == '\0') return;
    if (log_reopen(server.cfg.log_file) != 0)
        log_err("SIGHUP: cannot reopen %s: %s", server.cfg.log_file,
                strerror(errno));
    else
        log_info("SIGHUP: log file reopened");
}

static struct evconnlistener *
loop_listen(const char *ip)
{
    struct sockaddr_storage ss;
    int sslen = sizeof ss;
    char addr[300];

    snprintf(addr, sizeof addr, strchr(ip, ':') ? "[%s]:%ld" : "%s:%ld", ip,
             server.cfg.port);
    if (evutil_parse_sockaddr_port(addr, (struct sockaddr *)&ss, &sslen) != 0) {
        errno = EINVAL;
        return NULL;
    }
    return evconnlistener_new_bind(server.base, loop_accept_cb, NULL,
                                   LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE |
                                       LEV_OPT_CLOSE_ON_EXEC,
                                   511, (struct sockaddr *)&ss, sslen);
}

/* One listener per --bind address; an address written -ADDR is skipped
 * if it cannot be had (no IPv6 on this host, say), as in Redis. */
static int
loop_listen_all(void)
{
    const char *cursor = server.cfg.bind;
    char ip[256];
    int optional;

    while (config_bind_next(&cursor, ip, sizeof ip, &optional)) {
        struct evconnlistener *l;

        if (loop_nlisteners == LOOP_MAX_LISTENERS) {
            log_err("--bind: at most %d addresses", LOOP_MAX_LISTENERS);
            return -1;
        }
        l = loop_listen(ip);
        if (l == NULL && optional) {
            log_info("not listening on %s: %s", ip, strerror(errno));
            continue;
        }
        if (l == NULL) {
            log_err("cannot listen on %s port %ld: %s", ip, server.cfg.port,
                    errno == EINVAL ? "not an IP address" : strerror(errno));
            return -1;
        }
        evconnlistener_set_error_cb(l, loop_accept_error_cb);
        loop_listeners[loop_nlisteners++] = l;
    }
    if (loop_nlisteners == 0) {
        log_err("--bind '%s': no address to listen on", server.cfg.bind);
        return -1;
    }
    return 0;
}

int
loop_run(void)
{
    static const struct timeval tick = {0, 100000};
    struct event *sigterm, *sigint, *sighup, *ticker;

    if (loop_listen_all() != 0) {
        for (int i = 0; i < loop_nlisteners; i++)
            evconnlistener_free(loop_listeners[i]);
        loop_nlisteners = 0;
        return -1;
    }
    loop_done.ev = event_new(server.base, -1, 0, loop_done_cb, NULL);
    loop_resume_ev = evtimer_new(server.base, loop_resume_cb, NULL);
    sigterm = evsignal_new(server.base, SIGTERM, loop_signal_cb, NULL);
    sigint = evsignal_new(server.base, SIGINT, loop_signal_cb, NULL);
    sighup = evsignal_new(server.base, SIGHUP, loop_hup_cb, NULL);
    ticker = event_new(server.base, -1, EV_PERSIST, loop_tick_cb, NULL);
    event_add(sighup, NULL);
    event_add(sigterm, NULL);
    event_add(sigint, NULL);
    event_add(ticker, &tick);
    log_info("carid ready: port %ld on %d of '%s' (plugin %s %s, %d query "
             "threads)",
             server.cfg.port, loop_nlisteners, server.cfg.bind,
             server.plugin->name, server.plugin->version, server.threads);
    event_base_dispatch(server.base);
    for (int i = 0; i < loop_nlisteners; i++)
        evconnlistener_free(loop_listeners[i]);
    loop_nlisteners = 0;
    event_free(sigterm);
    event_free(sigint);
    event_free(sighup);
    event_free(ticker);
    event_free(loop_resume_ev);
    return 0;
}

void
loop_finish(void)
{
    struct job *job, *next;

    /* Threads are stopped: hand back what they posted after the loop
     * ended, then drop the connections that were still busy. */
    for (job = loop_take_done(); job != NULL; job = next) {
        next = job->qnext;
        loop_job_back(job);
    }
    conn_free_all();
    if (loop_done.ev != NULL) event_free(loop_done.ev);
    if (loop_deadline_ev != NULL) event_free(loop_deadline_ev);
}
