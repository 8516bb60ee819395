/*
 * conn.h - one client connection: reads, frames, dispatches in order,
 * writes replies in request order.  Loop thread only.
 */
#ifndef CONN_H
#define CONN_H

#include <stdint.h>

#include <event2/util.h>

struct sockaddr;
struct job;
struct conn;
struct resp_req;

/* What a connection may do. */
#define CONN_AUTH_NONE     0 /* only CMD_NOAUTH commands until AUTH */
#define CONN_AUTH_READONLY 1 /* everything but CMD_WRITE commands */
#define CONN_AUTH_FULL     2

/* clang-format off */
#define CONN_MAX_PIPELINE 1024          /* requests in flight per connection */
#define CONN_PAUSE_OUTPUT (1u << 20)    /* bytes of unread replies before we
                                           stop reading requests */
#define CONN_ZERO_COPY    (64u << 10)   /* replies this big are handed to the
                                           socket buffer, not copied */
#define CONN_PAUSE_TIGHT  (64u << 10)   /* the same once all clients hold
                                           over half --max-client-memory */
#define CONN_MAX_REQUEST  (64u << 20)   /* bytes buffered for one request */
#define CONN_HEAVY_USEC   250000        /* a read that ran this long */
#define CONN_HEAVY_FOR_USEC 10000000    /* puts its client's reads in the low
                                           lane this long (pool.h) */
#define CONN_EOF_GRACE_USEC 200000      /* after EOF a read may run this long:
                                           a half-closed client (nc -N) is
                                           answered, a gone one cancelled */

#define CONN_MAX_AUTH_FAILURES 3    /* wrong AUTHs before the connection goes */
#define CONN_AUTH_DELAY_USEC 100000 /* the first wrong AUTH's reply waits this
                                       long, each next one twice as long */
/* clang-format on */

#define CONN_MAX_NAME 128 /* bytes of CLIENT SETNAME / SETINFO values */

/* What CLIENT LIST, HELLO and the logs say about a connection.  Loop
 * thread only. */
struct conn_meta {
    uint64_t id;                      /* CLIENT ID: 1, 2, ... in accept order */
    char addr[64];                    /* "ip:port" of the client */
    char laddr[64];                   /* "ip:port" it connected to */
    char name[CONN_MAX_NAME + 1];     /* CLIENT SETNAME, "" if none */
    char lib_name[CONN_MAX_NAME + 1]; /* CLIENT SETINFO LIB-NAME */
    char lib_ver[CONN_MAX_NAME + 1];  /* CLIENT SETINFO LIB-VER */
    int proto;                        /* 2, or 3 after HELLO 3 */
    int64_t created;                  /* unix seconds */
    int64_t last_active;              /* unix seconds of the last request */
    char last_cmd[24];                /* its name, lower case */
};

/* What a front's next() hands over. */
struct conn_front_req {
    struct resp_req *req; /* filled in; then owned by the connection */
    /* The job's transcode (job.h); NULL: the reply stays RESP. */
    void (*transcode)(struct job *job);
    /* A command of the front's own, not in the command table (HTTP's
     * body decoding): run with job->arg.front = arg.  NULL: the command
     * req names, checked as RESP's are. */
    const struct cmd *cmd;
    void *arg;
};

/* A front end other than the RESP socket (http.c): a connection without
 * a socket whose requests come from next() and whose replies go to
 * reply(), through the same dispatch, threads, limits and order as a
 * socket's.  Loop thread. */
struct conn_front {
    /* The next request into *out: 1; 0 if there is none for now (call
     * conn_front_ready() when there is); -1 if there will be no more. */
    int (*next)(void *arg, struct conn_front_req *out);
    /* A finished job, in request order; job->out and job->status are its
     * reply, the job is freed after this returns. */
    void (*reply)(void *arg, struct job *job);
    /* The connection is freed: no call follows. */
    void (*closed)(void *arg);
};

/* A connection for front (arg: its state) with auth level auth
 * (CONN_AUTH_READONLY or FULL), shown as addr; it closes by itself once
 * next() said -1 and every reply went out.  NULL if --max-clients
 * connections are open or shutdown has begun. */
struct conn *conn_open_front(const struct conn_front *front, void *arg,
                             const char *addr, int auth);
/* next() has requests again. */
void conn_front_ready(struct conn *c);
/* The front's client went away: its reads are cancelled, closed() comes
 * once no thread holds a job of c (maybe at once). */
void conn_front_gone(struct conn *c);
/* The front's client closed its side (EOF): as on a RESP socket, its
 * reads may run CONN_EOF_GRACE_USEC more (a half-closed client is still
 * answered), then they are cancelled. */
void conn_front_eof(struct conn *c);
/* Memory a front holds for one client outside its connections (HTTP:
 * evhttp's reply buffer of one client connection), counted in
 * --max-client-memory with the sockets' buffers.  When it is the biggest
 * over the limit it is taken out of the count and drop(h) is called:
 * close that client soon (not from inside the call).  Loop thread. */
struct conn_holder {
    size_t mem; /* as last set */
    int linked;
    void (*drop)(struct conn_holder *h);
    void *arg; /* drop()'s */
    struct conn_holder *prev, *next;
};
void conn_holder_add(struct conn_holder *h);
/* h now holds mem bytes (ignored once h is out). */
void conn_holder_set(struct conn_holder *h, size_t mem);
void conn_holder_del(struct conn_holder *h);
/* A front's connections with no request in flight (HTTP keep-alive)
 * grew by delta: they count against --max-clients with the open ones. */
void conn_front_idle(int delta);
/* Takes ownership of fd; returns 0, or -1 if the connection was refused
 * (the fd is then closed). */
int conn_accept(evutil_socket_t fd, const struct sockaddr *sa, int salen);
/* Any thread (an atomic): a read of c ran CONN_HEAVY_USEC or more at
 * now, so its reads wait in the low lane for CONN_HEAVY_FOR_USEC; and
 * whether they do at now. */
void conn_mark_heavy(struct conn *c, uint64_t now);
int conn_is_heavy(struct conn *c, uint64_t now);
/* Any thread (an atomic): a read of c starts or ends on a query thread;
 * how many are running (the pool's fair pop, queue.h). */
void conn_read_begin(struct conn *c);
void conn_read_end(struct conn *c);
int conn_reads_running(const struct conn *c);
/* What c is; writable by CLIENT and HELLO. */
struct conn_meta *conn_meta(struct conn *c);
/* The auth level of c (CONN_AUTH_*). */
int conn_auth(const struct conn *c);
/* Calls fn for each open connection, newest first. */
void conn_each(void (*fn)(struct conn *c, void *ctx), void *ctx);
/* Closes c after the replies already queued (CLIENT KILL). */
void conn_kill(struct conn *c);
/* c's transaction state (MULTI ... EXEC). */
struct multi *conn_multi(struct conn *c);
/* Nonzero if a password is set: connections start unauthenticated. */
int conn_auth_required(void);
/* A wrong password on c: returns how long to hold the reply; the
 * connection closes after it once CONN_MAX_AUTH_FAILURES is reached.
 * Logged, at most once a second for all connections. */
uint64_t conn_auth_failed(struct conn *c);
/* Once a second, from the loop's timer: closes connections past
 * --auth-timeout unauthenticated or --request-timeout inside one request,
 * and logs the failed AUTHs of the last second. */
void conn_sweep(void);
/* After AUTH: sets what c may do. */
void conn_set_auth(struct conn *c, int level);
/* A job of this connection has finished on its thread. */
void conn_job_done(struct job *job);
/* Shutdown: stop reading from every client; each closes once its replies
 * are written. */
void conn_shutdown_all(void);
/* After the loop has ended: frees every connection left. */
void conn_free_all(void);
/* Connections currently open. */
int conn_count(void);

#endif
