/*
 * http_peer.h - HTTP connections as --max-clients counts them: from a
 * connection's first request until evhttp frees it, also while it is idle
 * between keep-alive requests (conn_front_idle()); while a request is in
 * flight the request's own connection (conn.h) counts instead.  evhttp
 * 2.1 tells nothing before the first request, so a connection that has
 * sent none yet is not counted (it is closed after --request-timeout).
 * Loop thread.
 */
#ifndef HTTP_PEER_H
#define HTTP_PEER_H

struct evhttp_connection;
struct http_peer;

/* The peer of evcon, made (and counted idle) at its first request. */
struct http_peer *http_peer_of(struct evhttp_connection *evcon);
/* A request of p is in flight: gone(arg) is called if the connection
 * goes before http_peer_idle(). */
void http_peer_busy(struct http_peer *p, void (*gone)(void *arg), void *arg);
/* p's request is answered: p counts as idle again. */
void http_peer_idle(struct http_peer *p);

#endif
