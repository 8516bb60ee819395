/*
 * conn.h - one client connection: reads, frames, dispatches in order,
 * writes replies in request order.  Loop thread only.
 */
#ifndef CONN_H
#define CONN_H

#include <event2/util.h>

struct sockaddr;
struct job;

#define CONN_MAX_PIPELINE 1024          /* requests in flight per connection */
#define CONN_MAX_OUTPUT   (64u << 20)   /* bytes of unread replies before we
                                           stop reading from the client */
#define CONN_MAX_REQUEST  (64u << 20)   /* bytes buffered for one request */

/* Takes ownership of fd; returns 0, or -1 if the connection was refused
 * (the fd is then closed). */
int conn_accept(evutil_socket_t fd, const struct sockaddr *sa, int salen);
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
