/*
 * http.h - the HTTP/JSON listener (--http-port): the API of
 * protocol/openapi.yaml and /metrics for Prometheus, on libevent's evhttp
 * in the daemon's own loop.  Loop thread (main thread) only.
 */
#ifndef HTTP_H
#define HTTP_H

/* Listens on --http-port at the --bind addresses, on server.base (main
 * thread, before the loop runs); 0 (also when --http-port is 0: off), or
 * -1 after logging why not.  During shutdown requests get 503. */
int http_start(void);
/* The loop has ended: closes every HTTP connection and the listeners. */
void http_free(void);

#endif
