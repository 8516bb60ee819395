/*
 * http_peer.c - HTTP connections counted against --max-clients
 * (http_peer.h).
 */
#include <stdlib.h>

#include <event2/http.h>

#include "conn.h"
#include "http_peer.h"
#include "xmalloc.h"

struct http_peer {
    struct evhttp_connection *evcon;
    void (*gone)(void *arg); /* NULL: idle */
    void *arg;
    struct http_peer *prev, *next; /* http_peers */
};

static struct http_peer *http_peers;

/* evhttp frees evcon: its request in flight is told, and its slot goes. */
static void
http_peer_closed_cb(struct evhttp_connection *evcon, void *arg)
{
    struct http_peer *p = arg;

    (void)evcon;
    if (p->gone != NULL)
        p->gone(p->arg);
    else
        conn_front_idle(-1);
    if (p->prev != NULL)
        p->prev->next = p->next;
    else
        http_peers = p->next;
    if (p->next != NULL) p->next->prev = p->prev;
    free(p);
}

struct http_peer *
http_peer_of(struct evhttp_connection *evcon)
{
    struct http_peer *p;

    /* at most --max-clients (and those over it a moment): a short walk
     * next to a request's cost, and evhttp 2.1 keeps no user data */
    for (p = http_peers; p != NULL; p = p->next)
        if (p->evcon == evcon) return p;
    p = xcalloc(1, sizeof *p);
    p->evcon = evcon;
    p->next = http_peers;
    if (http_peers != NULL) http_peers->prev = p;
    http_peers = p;
    conn_front_idle(1);
    evhttp_connection_set_closecb(evcon, http_peer_closed_cb, p);
    return p;
}

void
http_peer_busy(struct http_peer *p, void (*gone)(void *arg), void *arg)
{
    if (p->gone == NULL) conn_front_idle(-1);
    p->gone = gone;
    p->arg = arg;
}

void
http_peer_idle(struct http_peer *p)
{
    if (p->gone != NULL) conn_front_idle(1);
    p->gone = NULL;
    p->arg = NULL;
}
