/*
 * conn.h - one client connection: reads, frames, dispatches in order,
 * writes replies in request order.  Loop thread only.
 */
#ifndef CONN_H
#define CONN_H

#include <event2/util.h>

struct sockaddr;
struct job;
struct conn;

/* What a connection may do. */
#define CONN_AUTH_NONE     0 /* only CMD_NOAUTH commands until AUTH */
#define CONN_AUTH_READONLY 1 /* everything but CMD_WRITE commands */
#define CONN_AUTH_FULL     2

#define CONN_MAX_PIPELINE 1024          /* requests in flight per connection */
#define CONN_PAUSE_OUTPUT (1u << 20)    /* bytes of unread replies before we
                                           stop reading requests */
#define CONN_MAX_REQUEST  (64u << 20)   /* bytes buffered for one request */

/* Takes ownership of fd; returns 0, or -1 if the connection was refused
 * (the fd is then closed). */
int conn_accept(evutil_socket_t fd, const struct sockaddr *sa, int salen);
/* c's transaction state (MULTI ... EXEC). */
struct multi *conn_multi(struct conn *c);
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
