/*
 * http_peer.c - HTTP connections counted against --max-clients
 * (http_peer.h).
 */
#include <stdlib.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>

#include "conn.h"
#include "http_peer.h"
#include "server.h"
#include "xmalloc.h"

struct http_peer {
    struct evhttp_connection *evcon;
    void (*gone)(void *arg); /* NULL: idle */
    void *arg;
    /* its reply buffer in --max-client-memory (conn.h) */
    struct conn_holder hold;
    struct evbuffer *out;
    struct evbuffer_cb_entry *out_cb;
    struct event *drop;            /* over the limit: closes it from the loop */
    struct http_peer *prev, *next; /* http_peers */
};

static struct http_peer *http_peers;

/* evhttp frees evcon: its request in flight is told, and its slot goes. */
static void
http_peer_closed_cb(struct evhttp_connection *evcon, void *arg)
{
    struct http_peer *p = arg;

    (void)evcon;
    if (p->out_cb != NULL) evbuffer_remove_cb_entry(p->out, p->out_cb);
    conn_holder_del(&p->hold);
    if (p->drop != NULL) event_free(p->drop);
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

/* evhttp's output buffer of p changed: count what it holds now. */
static void
http_peer_out_cb(struct evbuffer *buf, const struct evbuffer_cb_info *info,
                 void *arg)
{
    struct http_peer *p = arg;

    (void)info;
    conn_holder_set(&p->hold, evbuffer_get_length(buf));
}

static void
http_peer_drop_cb(evutil_socket_t fd, short what, void *arg)
{
    struct http_peer *p = arg;

    (void)fd;
    (void)what;
    evhttp_connection_free(p->evcon); /* http_peer_closed_cb() frees p */
}

/* The biggest over --max-client-memory: it goes, from the loop (the
 * caller may be inside evhttp's callbacks of this connection). */
static void
http_peer_drop(struct conn_holder *h)
{
    struct http_peer *p = h->arg;

    if (p->drop == NULL)
        p->drop = event_new(server.base, -1, 0, http_peer_drop_cb, p);
    if (p->drop != NULL) event_active(p->drop, EV_TIMEOUT, 0);
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
    conn_holder_add(&p->hold);
    p->hold.drop = http_peer_drop;
    p->hold.arg = p;
    p->out = bufferevent_get_output(evhttp_connection_get_bufferevent(evcon));
    p->out_cb = evbuffer_add_cb(p->out, http_peer_out_cb, p);
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
