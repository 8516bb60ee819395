/*
 * http.c - the HTTP listener: routing, Bearer auth, CORS and limits.
 * Each request becomes the command RESP would send (the table below) on
 * a connection of its own without a socket (conn.h, struct conn_front),
 * so it goes through the same dispatch, query threads, writer, limits,
 * deadlines and +OK durability as RESP: a PUT answers 200 only when RESP
 * would answer +OK.  The replies become JSON in http_json.c (on the query
 * thread for reads); request bodies are decoded on a query thread
 * (http_decode.c).  Nothing here blocks, parses a body or runs a query.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/queue.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "cmd.h"
#include "config.h"
#include "conn.h"
#include "http.h"
#include "http_decode.h"
#include "http_json.h"
#include "http_peer.h"
#include "job.h"
#include "log.h"
#include "loop.h"
#include "server.h"
#include "stats.h"
#include "web_assets.h"
#include "writer.h"
#include "xmalloc.h"

#define HTTP_MAX_LISTENERS 16       /* as --bind's */
#define HTTP_MAX_ARGS      32       /* arguments one route's command has */
#define HTTP_MARK_OPEN     "<mark>" /* snippet=1's marks */
#define HTTP_MARK_CLOSE    "</mark>"

struct http_call;

enum http_kind {
    HTTP_ONE,   /* one command */
    HTTP_BULK,  /* one PUT per NDJSON line */
    HTTP_LOCAL, /* answered here: /healthz, /readyz */
};

struct http_route {
    int method;       /* EVHTTP_REQ_* */
    const char *path; /* exact; ending in '/': followed by an id */
    enum http_kind kind;
    int open; /* no Bearer needed (health probes) */
    /* call's request into call->pending: 0, or -1 with the status and
     * message in err. */
    int (*build)(struct http_call *call, char *err, size_t errlen);
    void (*transcode)(struct job *job);
    const char *type; /* Content-Type of a 200 */
};

/* One HTTP request on its way; freed by http_closed() once its
 * connection is (or at once, for requests answered here). */
struct http_call {
    struct evhttp_request *req; /* NULL once answered, or its client left */
    struct http_peer *peer;     /* its connection; NULL once it left */
    struct conn *conn;
    const struct http_route *route;
    struct evkeyvalq query; /* decoded ?name=value pairs */
    char *id;               /* /articles/{id}, decoded */
    size_t idlen;
    struct resp_req pending; /* HTTP_ONE: the command, until next() */
    int fed;
    int status;            /* of the reply */
    int err_status;        /* build()'s status for an error (400, 413) */
    struct evbuffer *body; /* the reply being built */
    /* PUT and POST /articles: the body, decoded on a query thread
     * (http_decode.h); a decoding job is in flight; the line numbers of
     * the PUTs handed over not yet answered (in order). */
    struct http_decode *decode;
    int decoding;
    int *lines;
    size_t nlines, lines_cap, lines_done;
    struct event *ready; /* decoded: next() has requests again */
    struct event *watch; /* EV_CLOSED on the client's socket */
};

static struct evhttp *http_server;
static struct evhttp_bound_socket *http_socks[HTTP_MAX_LISTENERS];
static int http_nsocks;

/* The arguments of one command, pointing into the call's strings. */
struct http_args {
    const char *v[HTTP_MAX_ARGS];
    size_t l[HTTP_MAX_ARGS];
    int n;
};

static void
http_arg(struct http_args *a, const char *p, size_t len)
{
    if (a->n == HTTP_MAX_ARGS) return; /* the routes stay far below */
    a->v[a->n] = p;
    a->l[a->n++] = len;
}

static void
http_arg_str(struct http_args *a, const char *s)
{
    http_arg(a, s, strlen(s));
}

/* The query parameter name, or NULL. */
static const char *
http_param(struct http_call *call, const char *name)
{
    return evhttp_find_header(&call->query, name);
}

/* Refuses parameters that the route does not know (a typo would
 * otherwise be silently ignored). */
static int
http_check_params(struct http_call *call, const char *const *known, char *err,
                  size_t errlen)
{
    for (struct evkeyval *kv = call->query.tqh_first; kv != NULL;
         kv = kv->next.tqe_next) {
        int ok = 0;

        for (int i = 0; known[i] != NULL; i++)
            ok |= strcmp(kv->key, known[i]) == 0;
        if (!ok) {
            snprintf(err, errlen, "unknown parameter '%.40s'", kv->key);
            return -1;
        }
    }
    return 0;
}

/* An optional option word and its value: OPTION value. */
static void
http_opt(struct http_args *a, struct http_call *call, const char *param,
         const char *option)
{
    const char *v = http_param(call, param);

    if (v == NULL) return;
    http_arg_str(a, option);
    http_arg_str(a, v);
}

static int
http_build_search(struct http_call *call, char *err, size_t errlen)
{
    static const char *const known[] = {
        "q",       "limit",  "offset", "sort",  "source",   "from", "to",
        "snippet", "counts", "match",  "fuzzy", "collapse", NULL};
    const char *q = http_param(call, "q"), *v;
    struct http_args a = {0};

    if (http_check_params(call, known, err, errlen) != 0) return -1;
    if (q == NULL) {
        snprintf(err, errlen, "q (the query) is required");
        return -1;
    }
    http_arg_str(&a, "SEARCH");
    http_arg_str(&a, q);
    http_arg_str(&a, "LIMIT");
    v = http_param(call, "offset");
    http_arg_str(&a, v != NULL ? v : "0");
    v = http_param(call, "limit");
    http_arg_str(&a, v != NULL ? v : "10");
    http_opt(&a, call, "sort", "SORT");
    http_opt(&a, call, "source", "SOURCE");
    http_opt(&a, call, "from", "FROM");
    http_opt(&a, call, "to", "TO");
    http_opt(&a, call, "match", "MATCH");
    http_opt(&a, call, "fuzzy", "FUZZY");
    http_opt(&a, call, "counts", "COUNTS");
    http_arg_str(&a, "RETURN");
    http_arg_str(&a, "4");
    http_arg_str(&a, "title");
    http_arg_str(&a, "date");
    http_arg_str(&a, "source");
    http_arg_str(&a, "url");
    v = http_param(call, "snippet");
    if (v != NULL && strcmp(v, "1") == 0) {
        http_arg_str(&a, "SNIPPET");
        http_arg_str(&a, HTTP_MARK_OPEN);
        http_arg_str(&a, HTTP_MARK_CLOSE);
    } else if (v != NULL && strcmp(v, "0") != 0) {
        snprintf(err, errlen, "snippet must be 0 or 1");
        return -1;
    }
    /* one hit per story, its "copies" the articles of its cluster */
    v = http_param(call, "collapse");
    if (v != NULL && strcmp(v, "1") == 0) {
        http_arg_str(&a, "COLLAPSE");
    } else if (v != NULL && strcmp(v, "0") != 0) {
        snprintf(err, errlen, "collapse must be 0 or 1");
        return -1;
    }
    resp_req_make(&call->pending, a.n, a.v, a.l);
    return 0;
}

/* A route of one parameter: COMMAND value [LIMIT n]. */
static int
http_build_one_param(struct http_call *call, const char *command,
                     const char *param, int with_limit, char *err,
                     size_t errlen)
{
    const char *known[] = {param, with_limit ? "limit" : NULL, NULL};
    const char *v = http_param(call, param);
    struct http_args a = {0};

    if (http_check_params(call, known, err, errlen) != 0) return -1;
    if (v == NULL) {
        snprintf(err, errlen, "%s is required", param);
        return -1;
    }
    http_arg_str(&a, command);
    http_arg_str(&a, v);
    if (with_limit) http_opt(&a, call, "limit", "LIMIT");
    resp_req_make(&call->pending, a.n, a.v, a.l);
    return 0;
}

static int
http_build_suggest(struct http_call *call, char *err, size_t errlen)
{
    return http_build_one_param(call, "SUGGEST", "q", 1, err, errlen);
}

static int
http_build_analyze(struct http_call *call, char *err, size_t errlen)
{
    return http_build_one_param(call, "ANALYZE", "text", 0, err, errlen);
}

static int
http_build_metrics(struct http_call *call, char *err, size_t errlen)
{
    static const char *const known[] = {NULL};
    struct http_args a = {0};

    if (http_check_params(call, known, err, errlen) != 0) return -1;
    http_arg_str(&a, "STATS");
    http_arg_str(&a, "prometheus");
    resp_req_make(&call->pending, a.n, a.v, a.l);
    return 0;
}

/* GET id [COPIES]: copies=1 adds the ids of the article's copies. */
static int
http_build_get(struct http_call *call, char *err, size_t errlen)
{
    static const char *const known[] = {"copies", NULL};
    const char *v = http_param(call, "copies");
    struct http_args a = {0};

    if (http_check_params(call, known, err, errlen) != 0) return -1;
    if (v != NULL && strcmp(v, "0") != 0 && strcmp(v, "1") != 0) {
        snprintf(err, errlen, "copies must be 0 or 1");
        return -1;
    }
    http_arg_str(&a, "GET");
    http_arg(&a, call->id, call->idlen);
    if (v != NULL && strcmp(v, "1") == 0) http_arg_str(&a, "COPIES");
    resp_req_make(&call->pending, a.n, a.v, a.l);
    return 0;
}

static int
http_build_del(struct http_call *call, char *err, size_t errlen)
{
    struct http_args a = {0};

    (void)err;
    (void)errlen;
    http_arg_str(&a, "DEL");
    http_arg(&a, call->id, call->idlen);
    resp_req_make(&call->pending, a.n, a.v, a.l);
    return 0;
}

/* PUT /articles/{id} and POST /articles: the body is only moved aside
 * here; a query thread decodes it (http_next()). */
static int
http_build_body(struct http_call *call, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    call->decode = xcalloc(1, sizeof *call->decode);
    http_decode_init(call->decode, evhttp_request_get_input_buffer(call->req),
                     call->route->kind == HTTP_BULK ? NULL : call->id,
                     call->idlen);
    if (call->route->kind == HTTP_BULK) call->status = 200;
    return 0;
}

/* clang-format off */
static const struct http_route http_routes[] = {
    {EVHTTP_REQ_GET, "/search", HTTP_ONE, 0, http_build_search,
     http_json_search, "application/json"},
    {EVHTTP_REQ_GET, "/suggest", HTTP_ONE, 0, http_build_suggest,
     http_json_suggest, "application/json"},
    {EVHTTP_REQ_GET, "/analyze", HTTP_ONE, 0, http_build_analyze,
     http_json_analyze, "application/json"},
    {EVHTTP_REQ_GET, "/metrics", HTTP_ONE, 0, http_build_metrics,
     http_json_text, "text/plain; version=0.0.4; charset=utf-8"},
    {EVHTTP_REQ_GET, "/articles/", HTTP_ONE, 0, http_build_get,
     http_json_article, "application/json"},
    {EVHTTP_REQ_PUT, "/articles/", HTTP_ONE, 0, http_build_body,
     http_json_put, "application/json"},
    {EVHTTP_REQ_DELETE, "/articles/", HTTP_ONE, 0, http_build_del,
     http_json_delete, "application/json"},
    {EVHTTP_REQ_POST, "/articles", HTTP_BULK, 0, http_build_body,
     http_json_bulk_line, "application/x-ndjson"},
    {EVHTTP_REQ_GET, "/healthz", HTTP_LOCAL, 1, NULL, NULL,
     "application/json"},
    {EVHTTP_REQ_GET, "/readyz", HTTP_LOCAL, 1, NULL, NULL,
     "application/json"},
};
/* clang-format on */

#define HTTP_NROUTES (sizeof http_routes / sizeof http_routes[0])

static void
http_cors(struct evhttp_request *req)
{
    struct evkeyvalq *h = evhttp_request_get_output_headers(req);

    if (*server.cfg.http_cors == '\0') return;
    evhttp_add_header(h, "Access-Control-Allow-Origin", server.cfg.http_cors);
    evhttp_add_header(h, "Vary", "Origin");
}

static void
http_send(struct evhttp_request *req, int status, const char *type,
          struct evbuffer *body)
{
    struct evkeyvalq *h = evhttp_request_get_output_headers(req);

    evhttp_add_header(h, "Content-Type", type);
    evhttp_add_header(h, "Cache-Control", "no-store");
    if (status == 401)
        evhttp_add_header(h, "WWW-Authenticate", "Bearer realm=\"carid\"");
    http_cors(req);
    evhttp_send_reply(req, status, NULL, body);
    stats_add(&stats.http_requests, 1);
    if (status >= 400) stats_add(&stats.http_errors, 1);
}

/* Answers req with {"error": msg} (or {"status": msg} if key says so). */
static void
http_send_json_error(struct evhttp_request *req, int status, const char *msg)
{
    struct reply_buf out;
    struct evbuffer *body = evbuffer_new();

    reply_buf_init(&out);
    http_json_error(&out, msg, strlen(msg));
    evbuffer_add(body, out.p, out.len);
    reply_buf_free(&out);
    http_send(req, status, "application/json", body);
    evbuffer_free(body);
}

static void
http_send_static(struct evhttp_request *req, int status, const char *json)
{
    struct evbuffer *body = evbuffer_new();

    evbuffer_add(body, json, strlen(json));
    http_send(req, status, "application/json", body);
    evbuffer_free(body);
}

/* Stops watching the client's socket (it is answered, or gone). */
static void
http_unwatch(struct http_call *call)
{
    if (call->watch != NULL) event_free(call->watch);
    call->watch = NULL;
}

static void
http_call_free(struct http_call *call)
{
    http_unwatch(call);
    if (call->ready != NULL) event_free(call->ready);
    if (call->decode != NULL) {
        http_decode_free(call->decode);
        free(call->decode);
    }
    evhttp_clear_headers(&call->query);
    resp_req_free(&call->pending);
    if (call->body != NULL) evbuffer_free(call->body);
    free(call->lines);
    free(call->id);
    free(call);
}

/* "{...}" as {"line": n, ...} into call's body. */
static void
http_bulk_append(struct http_call *call, int line, const char *json, size_t len)
{
    if (len < 2 || json[0] != '{') return;
    evbuffer_add_printf(call->body, "{\"line\":%d,", line);
    evbuffer_add(call->body, json + 1, len - 1);
}

/* {"line": n, "status": s, "error": ...} and a newline into call's body,
 * or (a single PUT) {"error": ...} as the reply. */
static void
http_decode_error(struct http_call *call, const struct http_decode_item *it)
{
    struct reply_buf out;

    reply_buf_init(&out);
    http_json_error(&out, it->error, strlen(it->error));
    if (call->route->kind == HTTP_BULK) {
        evbuffer_add_printf(call->body, "{\"line\":%d,\"status\":%d,", it->line,
                            it->status);
        evbuffer_add(call->body, out.p + 1, out.len - 1);
        evbuffer_add(call->body, "\n", 1);
    } else {
        call->status = it->status;
        evbuffer_add(call->body, out.p, out.len);
    }
    reply_buf_free(&out);
}

/* The next decoded PUT into *req (1), or 0 when the decoded items are
 * taken; an article that did not decode gets its status at once (nothing
 * is written for it) and ends a single PUT (-1). */
static int
http_decoded_next(struct http_call *call, struct resp_req *req)
{
    struct http_decode_item *it;

    while ((it = http_decode_take(call->decode)) != NULL) {
        if (it->status != 0) {
            http_decode_error(call, it);
            if (call->route->kind != HTTP_BULK) return -1;
            continue;
        }
        *req = it->req;
        memset(&it->req, 0, sizeof it->req);
        if (call->nlines == call->lines_cap) {
            call->lines_cap = call->lines_cap ? 2 * call->lines_cap : 64;
            call->lines = xrealloc(call->lines,
                                   call->lines_cap * sizeof *call->lines);
        }
        call->lines[call->nlines++] = it->line;
        return 1;
    }
    return 0;
}

static int
http_next(void *arg, struct conn_front_req *out)
{
    struct http_call *call = arg;
    int got;

    out->transcode = call->route->transcode;
    if (call->decode == NULL) {
        if (call->fed) return -1;
        *out->req = call->pending;
        memset(&call->pending, 0, sizeof call->pending);
        call->fed = 1;
        return 1;
    }
    if (call->decoding) return 0;
    if ((got = http_decoded_next(call, out->req)) != 0) return got;
    if (call->decode->done) return -1;
    /* the next chunk, on a query thread; its reply says when */
    resp_req_make(out->req, 1, (const char *[]){http_decode_cmd.name},
                  (size_t[]){strlen(http_decode_cmd.name)});
    out->transcode = NULL;
    out->cmd = &http_decode_cmd;
    out->arg = call->decode;
    call->decoding = 1;
    return 1;
}

static void
http_ready_cb(evutil_socket_t fd, short what, void *arg)
{
    struct http_call *call = arg;

    (void)fd;
    (void)what;
    conn_front_ready(call->conn);
}

static void
http_reply(void *arg, struct job *job)
{
    struct http_call *call = arg;

    if (job->cmd == &http_decode_cmd) {
        /* decoded (or cancelled: the client is gone, nothing follows) */
        call->decoding = 0;
        if (call->ready == NULL)
            call->ready = event_new(server.base, -1, 0, http_ready_cb, call);
        event_active(call->ready, EV_TIMEOUT, 0);
        return;
    }
    if (call->route->kind == HTTP_BULK) {
        if (call->lines_done < call->nlines)
            http_bulk_append(call, call->lines[call->lines_done++], job->out.p,
                             job->out.len);
        return;
    }
    call->status = job->status != 0 ? job->status : 500;
    evbuffer_add(call->body, job->out.p, job->out.len);
}

/* The call's connection is done: answer if the client is still there. */
static void
http_closed(void *arg)
{
    struct http_call *call = arg;

    http_unwatch(call);
    if (call->req != NULL) {
        http_peer_idle(call->peer);
        if (call->status == 0) {
            /* CLIENT KILL, or shutdown before it ran */
            http_send_json_error(call->req, 503, "not answered: shutting down");
        } else {
            http_send(call->req, call->status,
                      call->status == 200 ? call->route->type
                                          : "application/json",
                      call->body);
        }
    }
    http_call_free(call);
}

static const struct conn_front http_front = {http_next, http_reply,
                                             http_closed};

/* The client went away while its call ran: cancel its reads. */
static void
http_call_gone(void *arg)
{
    struct http_call *call = arg;

    http_unwatch(call);
    call->req = NULL;
    call->peer = NULL;
    conn_front_gone(call->conn);
}

/* A wrong password's 401, held back CONN_AUTH_DELAY_USEC as RESP holds
 * its first wrong AUTH (guessing costs time); a client that leaves
 * meanwhile gets nothing. */
struct http_held {
    struct evhttp_request *req; /* NULL once the client left */
    struct http_peer *peer;
    struct event *timer;
    struct http_held *prev, *next; /* http_helds */
};

static struct http_held *http_helds; /* waiting; http_free() frees them */

static void
http_held_free(struct http_held *h)
{
    if (h->prev != NULL)
        h->prev->next = h->next;
    else
        http_helds = h->next;
    if (h->next != NULL) h->next->prev = h->prev;
    event_free(h->timer);
    free(h);
}

static void
http_held_gone(void *arg)
{
    struct http_held *h = arg;

    h->req = NULL;
}

static void
http_held_cb(evutil_socket_t fd, short what, void *arg)
{
    struct http_held *h = arg;

    (void)fd;
    (void)what;
    if (h->req != NULL) {
        http_peer_idle(h->peer);
        http_send_json_error(h->req, 401, "wrong password");
    }
    http_held_free(h);
}

static void
http_hold_401(struct evhttp_request *req, struct http_peer *peer)
{
    static const struct timeval delay = {0, CONN_AUTH_DELAY_USEC};
    struct http_held *h = xcalloc(1, sizeof *h);

    h->req = req;
    h->peer = peer;
    h->next = http_helds;
    if (http_helds != NULL) http_helds->prev = h;
    http_helds = h;
    h->timer = evtimer_new(server.base, http_held_cb, h);
    http_peer_busy(peer, http_held_gone, h);
    evtimer_add(h->timer, &delay);
}

/* The level the request's Bearer grants, or -1 after answering 401 (a
 * wrong password's a little later). */
static int
http_auth(struct evhttp_request *req, struct http_peer *peer)
{
    const char *h = evhttp_find_header(evhttp_request_get_input_headers(req),
                                       "Authorization");
    int level;

    if (!conn_auth_required()) return CONN_AUTH_FULL;
    if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0) {
        http_send_json_error(req, 401,
                             "authentication required: Authorization: "
                             "Bearer <password>");
        return -1;
    }
    level = cmd_pass_level(h + 7, strlen(h + 7));
    if (level < 0) http_hold_401(req, peer);
    return level;
}

static void
http_local(struct evhttp_request *req, const struct http_route *r)
{
    if (strcmp(r->path, "/healthz") == 0) {
        http_send_static(req, 200, "{\"status\":\"ok\"}");
    } else if (server.db != NULL && writer_alive() && !loop_stopping()) {
        http_send_static(req, 200, "{\"status\":\"ready\"}");
    } else {
        http_send_static(req, 503,
                         loop_stopping() ? "{\"status\":\"shutting down\"}"
                                         : "{\"status\":\"not ready\"}");
    }
}

/* The route of method and path (id: what follows "/articles/"), or NULL
 * with *known set if the path exists with other methods. */
static const struct http_route *
http_route_find(int method, const char *path, const char **id, int *known)
{
    *known = 0;
    for (size_t i = 0; i < HTTP_NROUTES; i++) {
        const struct http_route *r = &http_routes[i];
        size_t n = strlen(r->path);
        int match = r->path[n - 1] == '/'
                        ? strncmp(path, r->path, n) == 0 && path[n] != '\0'
                        : strcmp(path, r->path) == 0;

        if (!match) continue;
        *known = 1;
        if (r->method == method) {
            *id = path + n;
            return r;
        }
    }
    return NULL;
}

static void
http_preflight(struct evhttp_request *req)
{
    struct evkeyvalq *h = evhttp_request_get_output_headers(req);

    http_cors(req);
    evhttp_add_header(h, "Access-Control-Allow-Methods",
                      "GET, PUT, DELETE, POST, OPTIONS");
    evhttp_add_header(h, "Access-Control-Allow-Headers",
                      "Authorization, Content-Type");
    evhttp_add_header(h, "Access-Control-Max-Age", "600");
    evhttp_send_reply(req, 204, NULL, NULL);
}

static void
http_peer_closed_cb(evutil_socket_t fd, short what, void *arg)
{
    struct http_call *call = arg;

    (void)fd;
    (void)what;
    conn_front_eof(call->conn);
}

/* evhttp reads nothing more from a connection until its request is
 * answered, so it cannot tell that the client left; EV_CLOSED on the
 * socket (epoll's EPOLLRDHUP) tells without reading.  The client's reads
 * are then cancelled as a RESP client's at EOF. */
static void
http_watch(struct http_call *call, struct evhttp_connection *evcon)
{
    struct bufferevent *bev = evhttp_connection_get_bufferevent(evcon);
    evutil_socket_t fd = bev != NULL ? bufferevent_getfd(bev) : -1;

    if (fd < 0 ||
        !(event_base_get_features(server.base) & EV_FEATURE_EARLY_CLOSE))
        return; /* no backend to ask: noticed at the reply (PROTOCOL.md) */
    call->watch = event_new(server.base, fd, EV_CLOSED, http_peer_closed_cb,
                            call);
    if (call->watch != NULL) event_add(call->watch, NULL);
}

/* Hands call to a connection of its own; answers 429 if there is none
 * to be had (--max-clients) and 503 during shutdown. */
static void
http_dispatch(struct http_call *call, int level)
{
    struct evhttp_request *req = call->req;
    struct evhttp_connection *evcon = evhttp_request_get_connection(req);
    char addr[64] = "http:?";
    const char *host = NULL;
    ev_uint16_t port = 0;

    evhttp_connection_get_peer(evcon, (char **)&host, &port);
    if (host != NULL) snprintf(addr, sizeof addr, "http:%s:%u", host, port);
    http_peer_busy(call->peer, http_call_gone, call); /* counted once */
    call->conn = conn_open_front(&http_front, call, addr, level);
    if (call->conn == NULL) {
        http_peer_idle(call->peer);
        /* the client must go, as a refused RESP client does */
        evhttp_add_header(evhttp_request_get_output_headers(req), "Connection",
                          "close");
        if (loop_stopping())
            http_send_json_error(req, 503, "shutting down");
        else
            http_send_json_error(req, 429,
                                 "max number of clients reached "
                                 "(--max-clients)");
        http_call_free(call);
        return;
    }
    http_watch(call, evcon);
    conn_front_ready(call->conn); /* may answer, and free call, at once */
}

/* The search page's files (web_assets.h), no password needed: the page
 * asks for one when the API says 401.  Nonzero if path was one. */
static int
http_static(struct evhttp_request *req, const char *path)
{
    for (const struct web_asset *a = web_assets; a->path != NULL; a++) {
        struct evkeyvalq *h = evhttp_request_get_output_headers(req);
        struct evbuffer *body;

        if (strcmp(a->path, path) != 0) continue;
        body = evbuffer_new();
        evbuffer_add_reference(body, a->data, a->len, NULL, NULL);
        evhttp_add_header(h, "Content-Security-Policy",
                          "default-src 'self'; img-src 'self' data:; "
                          "frame-ancestors 'none'");
        evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
        http_send(req, 200, a->type, body);
        evbuffer_free(body);
        return 1;
    }
    return 0;
}

static void
http_request_cb(struct evhttp_request *req, void *arg)
{
    const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
    const char *path = evhttp_uri_get_path(uri), *query, *id = NULL;
    const struct http_route *r;
    struct http_call *call;
    struct http_peer *peer = http_peer_of(evhttp_request_get_connection(req));
    char err[256];
    int known, level;

    (void)arg;
    if (evhttp_request_get_command(req) == EVHTTP_REQ_OPTIONS) {
        http_preflight(req);
        return;
    }
    if (evhttp_request_get_command(req) == EVHTTP_REQ_GET &&
        http_static(req, path != NULL ? path : ""))
        return;
    r = http_route_find(evhttp_request_get_command(req),
                        path != NULL ? path : "", &id, &known);
    if (r == NULL) {
        http_send_json_error(req, known ? 405 : 404,
                             known
                                 ? "method not allowed here"
                                 : "no such path (see protocol/openapi.yaml)");
        return;
    }
    if (r->kind == HTTP_LOCAL) {
        http_local(req, r);
        return;
    }
    if ((level = r->open ? CONN_AUTH_FULL : http_auth(req, peer)) < 0) return;
    call = xcalloc(1, sizeof *call);
    call->req = req;
    call->peer = peer;
    call->route = r;
    call->body = evbuffer_new();
    call->err_status = 400;
    TAILQ_INIT(&call->query);
    query = evhttp_uri_get_query(uri);
    if (query != NULL && evhttp_parse_query_str(query, &call->query) != 0) {
        http_send_json_error(req, 400, "bad query string");
        http_call_free(call);
        return;
    }
    if (*id != '\0') {
        call->id = evhttp_uridecode(id, 0, &call->idlen);
        if (call->id == NULL) {
            http_send_json_error(req, 400, "bad id in the path");
            http_call_free(call);
            return;
        }
    }
    if (r->build(call, err, sizeof err) != 0) {
        http_send_json_error(req, call->err_status, err);
        http_call_free(call);
        return;
    }
    http_dispatch(call, level);
}

/* One listener per --bind address, as loop.c's. */
static int
http_listen_all(void)
{
    const char *cursor = server.cfg.bind;
    char ip[256];
    int optional;

    while (config_bind_next(&cursor, ip, sizeof ip, &optional)) {
        struct evhttp_bound_socket *s;

        if (http_nsocks == HTTP_MAX_LISTENERS) break;
        s = evhttp_bind_socket_with_handle(http_server, ip,
                                           (ev_uint16_t)server.cfg.http_port);
        if (s == NULL && optional) continue;
        if (s == NULL) {
            log_err("cannot listen for HTTP on %s port %ld", ip,
                    server.cfg.http_port);
            return -1;
        }
        http_socks[http_nsocks++] = s;
    }
    return http_nsocks > 0 ? 0 : -1;
}

int
http_start(void)
{
    if (server.cfg.http_port == 0) return 0;
    http_server = evhttp_new(server.base);
    if (http_server == NULL) return -1;
    evhttp_set_allowed_methods(
        http_server, EVHTTP_REQ_GET | EVHTTP_REQ_PUT | EVHTTP_REQ_POST |
                         EVHTTP_REQ_DELETE | EVHTTP_REQ_OPTIONS);
    evhttp_set_max_body_size(http_server, server.cfg.http_max_body);
    evhttp_set_max_headers_size(http_server, server.cfg.max_line);
    evhttp_set_timeout(http_server, (int)server.cfg.request_timeout);
    evhttp_set_gencb(http_server, http_request_cb, NULL);
    if (http_listen_all() != 0) {
        http_free();
        return -1;
    }
    log_info("http: port %ld on %d addresses", server.cfg.http_port,
             http_nsocks);
    return 0;
}

void
http_free(void)
{
    if (http_server == NULL) return;
    evhttp_free(http_server); /* the held requests' clients go too */
    while (http_helds != NULL)
        http_held_free(http_helds);
    http_server = NULL;
    http_nsocks = 0;
}
