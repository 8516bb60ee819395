/*
 * http_json.c - RESP replies to JSON bodies and JSON articles to PUT
 * requests, for http.c.  The reply is decoded with hiredis's reader (the
 * bytes are the ones a RESP client gets, so the JSON says exactly what
 * RESP says) and written with Jansson.  Article text that is not UTF-8
 * has its bad bytes shown as U+FFFD: JSON strings are UTF-8.
 */
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>
#include <jansson.h>
#include <unistr.h>

#include "cmd.h"
#include "http_json.h"
#include "job.h"
#include "reply.h"
#include "resp.h"
#include "xmalloc.h"

/* A JSON string of p[0..len), bad UTF-8 replaced by U+FFFD. */
static json_t *
http_json_str(const char *p, size_t len)
{
    json_t *s = json_stringn(p, len);
    const uint8_t *r = (const uint8_t *)p, *end = r + len;
    uint8_t *fixed;
    size_t n = 0;

    if (s != NULL) return s;
    fixed = xmalloc(len * 3 + 1); /* U+FFFD is 3 bytes per bad byte */
    while (r < end) {
        ucs4_t uc;

        r += u8_mbtouc(&uc, r, (size_t)(end - r)); /* bad: U+FFFD */
        n += (size_t)u8_uctomb(fixed + n, uc, 4);
    }
    s = json_stringn((const char *)fixed, n);
    free(fixed);
    return s != NULL ? s : json_null();
}

static json_t *
http_json_reply_str(const redisReply *r)
{
    return http_json_str(r->str, r->len);
}

/* job->out decoded, or NULL if it is not one whole reply. */
static redisReply *
http_json_decode(const struct job *job)
{
    redisReader *rd = redisReaderCreate();
    void *reply = NULL;

    if (rd == NULL) return NULL;
    if (redisReaderFeed(rd, job->out.p, job->out.len) != REDIS_OK ||
        redisReaderGetReply(rd, &reply) != REDIS_OK)
        reply = NULL;
    redisReaderFree(rd);
    return reply;
}

int
http_json_status(const char *err)
{
    static const struct {
        const char *text; /* at the start of the error, or anywhere: ~ */
        int status;
    } map[] = {
        {"NOAUTH", 401},
        {"NOPERM", 403},
        {"WRONGPASS", 401},
        {"ERR max number of clients", 429},
        {"ERR timeout", 503},
        {"ERR cancelled", 503},
        {"~index corrupt", 503},
        {"~ failed: ", 500}, /* the writer's commit or the plugin's step */
    };

    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        const char *t = map[i].text;

        if (*t == '~' && strstr(err, t + 1) != NULL) return map[i].status;
        if (*t != '~' && strncmp(err, t, strlen(t)) == 0) return map[i].status;
    }
    return 400;
}

/* Replaces out with obj's JSON text (and a newline if nl); frees obj. */
static void
http_json_set(struct reply_buf *out, json_t *obj, int nl)
{
    char *text = json_dumps(obj, JSON_COMPACT | JSON_REAL_PRECISION(12));

    out->len = 0;
    if (text != NULL) reply_raw(out, text, strlen(text));
    if (nl) reply_raw(out, "\n", 1);
    free(text);
    json_decref(obj);
}

/* Drops RESP's generic "ERR " prefix: it says nothing here. */
static void
http_json_strip(const char **msg, size_t *len)
{
    if (*len >= 4 && memcmp(*msg, "ERR ", 4) == 0) {
        *msg += 4;
        *len -= 4;
    }
}

void
http_json_error(struct reply_buf *out, const char *msg, size_t len)
{
    json_t *o = json_object();

    http_json_strip(&msg, &len);
    json_object_set_new(o, "error", http_json_str(msg, len));
    http_json_set(out, o, 0);
}

/* Decodes job's reply; an error reply (or an undecodable one) becomes
 * the error body and status, and NULL is returned. */
static redisReply *
http_json_begin(struct job *job)
{
    redisReply *r = http_json_decode(job);

    if (r == NULL) {
        job->status = 500;
        http_json_error(&job->out, "reply not understood", 20);
        return NULL;
    }
    if (r->type == REDIS_REPLY_ERROR) {
        job->status = http_json_status(r->str);
        http_json_error(&job->out, r->str, r->len);
        freeReplyObject(r);
        return NULL;
    }
    job->status = 200;
    return r;
}

static void
http_json_finish(struct job *job, redisReply *r, json_t *obj)
{
    freeReplyObject(r);
    http_json_set(&job->out, obj, 0);
}

/* Flat pairs name, value (strings; GET's COPIES: an array of ids) into
 * o; from: the first pair's element. */
static void
http_json_pairs(json_t *o, const redisReply *r, size_t from)
{
    for (size_t i = from; i + 1 < r->elements; i += 2) {
        const redisReply *k = r->element[i], *v = r->element[i + 1];
        char name[32];

        if (k->type != REDIS_REPLY_STRING) continue;
        snprintf(name, sizeof name, "%.*s", (int)k->len, k->str);
        if (v->type == REDIS_REPLY_INTEGER)
            json_object_set_new(o, name, json_integer(v->integer));
        else if (v->type == REDIS_REPLY_STRING)
            json_object_set_new(o, name, http_json_reply_str(v));
        else if (v->type == REDIS_REPLY_ARRAY) {
            json_t *a = json_array();

            for (size_t j = 0; j < v->elements; j++)
                if (v->element[j]->type == REDIS_REPLY_STRING)
                    json_array_append_new(a,
                                          http_json_reply_str(v->element[j]));
            json_object_set_new(o, name, a);
        }
    }
}

void
http_json_search(struct job *job)
{
    redisReply *r = http_json_begin(job);
    json_t *o, *hits;
    size_t i = 1;

    if (r == NULL) return;
    o = json_object();
    hits = json_array();
    json_object_set_new(
        o, "total",
        json_integer(r->type == REDIS_REPLY_ARRAY && r->elements > 0
                         ? r->element[0]->integer
                         : 0));
    if (job->arg.search.want_counts && r->elements > 1) {
        json_t *counts = json_object();

        http_json_pairs(counts, r->element[1], 0);
        json_object_set_new(o, "counts", counts);
        i = 2;
    }
    for (; r->type == REDIS_REPLY_ARRAY && i < r->elements; i++) {
        const redisReply *h = r->element[i];
        json_t *hit = json_object();

        if (h->type != REDIS_REPLY_ARRAY || h->elements < 2) {
            json_decref(hit);
            continue;
        }
        json_object_set_new(hit, "id", http_json_reply_str(h->element[0]));
        json_object_set_new(hit, "score",
                            json_real(strtod(h->element[1]->str, NULL)));
        http_json_pairs(hit, h, 2);
        json_array_append_new(hits, hit);
    }
    json_object_set_new(o, "hits", hits);
    http_json_finish(job, r, o);
}

void
http_json_article(struct job *job)
{
    redisReply *r = http_json_begin(job);
    json_t *o;

    if (r == NULL) return;
    if (r->type == REDIS_REPLY_NIL) {
        freeReplyObject(r);
        job->status = 404;
        http_json_error(&job->out, "no such article", 15);
        return;
    }
    o = json_object();
    json_object_set_new(o, "id",
                        http_json_str(job->req.argv[1], job->req.argl[1]));
    http_json_pairs(o, r, 0);
    http_json_finish(job, r, o);
}

/* {"id": the request's id, flag: true} for job's reply r. */
static void
http_json_id_flag(struct job *job, redisReply *r, const char *flag)
{
    json_t *o = json_object();

    json_object_set_new(o, "id",
                        http_json_str(job->req.argv[1], job->req.argl[1]));
    json_object_set_new(o, flag, json_true());
    http_json_finish(job, r, o);
}

void
http_json_put(struct job *job)
{
    redisReply *r = http_json_begin(job);

    if (r != NULL) http_json_id_flag(job, r, "ok");
}

void
http_json_delete(struct job *job)
{
    redisReply *r = http_json_begin(job);

    if (r == NULL) return;
    if (r->type == REDIS_REPLY_INTEGER && r->integer == 0) {
        freeReplyObject(r);
        job->status = 404;
        http_json_error(&job->out, "no such article", 15);
        return;
    }
    http_json_id_flag(job, r, "deleted");
}

void
http_json_suggest(struct job *job)
{
    redisReply *r = http_json_begin(job);
    json_t *o, *a;

    if (r == NULL) return;
    o = json_object();
    a = json_array();
    for (size_t i = 0; r->type == REDIS_REPLY_ARRAY && i < r->elements; i++)
        if (r->element[i]->type == REDIS_REPLY_STRING)
            json_array_append_new(a, http_json_reply_str(r->element[i]));
    json_object_set_new(o, "suggestions", a);
    http_json_finish(job, r, o);
}

void
http_json_analyze(struct job *job)
{
    static const char *const names[] = {"token", "stem", "start", "end"};
    redisReply *r = http_json_begin(job);
    json_t *o, *a;

    if (r == NULL) return;
    o = json_object();
    a = json_array();
    for (size_t i = 0; r->type == REDIS_REPLY_ARRAY && i < r->elements; i++) {
        const redisReply *t = r->element[i];
        json_t *tok = json_object();

        for (size_t k = 0;
             k < 4 && t->type == REDIS_REPLY_ARRAY && k < t->elements; k++) {
            const redisReply *v = t->element[k];

            json_object_set_new(tok, names[k],
                                v->type == REDIS_REPLY_INTEGER
                                    ? json_integer(v->integer)
                                    : http_json_reply_str(v));
        }
        json_array_append_new(a, tok);
    }
    json_object_set_new(o, "tokens", a);
    http_json_finish(job, r, o);
}

void
http_json_text(struct job *job)
{
    redisReply *r = http_json_begin(job);

    if (r == NULL) return;
    job->out.len = 0;
    if (r->type == REDIS_REPLY_STRING) reply_raw(&job->out, r->str, r->len);
    freeReplyObject(r);
}

void
http_json_bulk_line(struct job *job)
{
    redisReply *r = http_json_decode(job);
    json_t *o = json_object();

    json_object_set_new(o, "id",
                        http_json_str(job->req.argv[1], job->req.argl[1]));
    if (r != NULL && r->type == REDIS_REPLY_ERROR) {
        const char *e = r->str;
        size_t elen = r->len;

        job->status = http_json_status(e);
        json_object_set_new(o, "status", json_integer(job->status));
        http_json_strip(&e, &elen);
        json_object_set_new(o, "error", http_json_str(e, elen));
    } else {
        job->status = r != NULL ? 200 : 500;
        json_object_set_new(o, "status", json_integer(job->status));
    }
    if (r != NULL) freeReplyObject(r);
    http_json_set(&job->out, o, 1);
}

int
http_json_put_req(const char *p, size_t len, const char *id, size_t idlen,
                  struct resp_req *req, char *err, size_t errlen)
{
    const char *argv[2 + 2 * CARID_FIELD_COUNT];
    size_t argl[2 + 2 * CARID_FIELD_COUNT];
    json_error_t jerr;
    json_t *o = json_loadb(p, len, JSON_REJECT_DUPLICATES, &jerr), *v;
    const char *key;
    int argc = 2;

    if (o == NULL) {
        snprintf(err, errlen, "bad JSON at line %d column %d: %s", jerr.line,
                 jerr.column, jerr.text);
        return -1;
    }
    if (!json_is_object(o)) {
        snprintf(err, errlen, "an article is a JSON object");
        goto fail;
    }
    argv[0] = "PUT";
    argl[0] = 3;
    argv[1] = id;
    argl[1] = idlen;
    json_object_foreach(o, key, v)
    {
        int f = cmd_field_lookup(key, strlen(key));

        if (!json_is_string(v)) {
            snprintf(err, errlen, "field '%.40s' must be a string", key);
            goto fail;
        }
        if (strcmp(key, "id") == 0) {
            if (id != NULL && (json_string_length(v) != idlen ||
                               memcmp(json_string_value(v), id, idlen) != 0)) {
                snprintf(err, errlen, "\"id\" differs from the path's id");
                goto fail;
            }
            argv[1] = json_string_value(v);
            argl[1] = json_string_length(v);
            continue;
        }
        if (f < 0 || strcmp(key, cmd_field_name(f)) != 0) {
            snprintf(err, errlen,
                     "unknown field '%.40s' (id, title, body, source, url, "
                     "date)",
                     key);
            goto fail;
        }
        argv[argc] = key;
        argl[argc++] = strlen(key);
        argv[argc] = json_string_value(v);
        argl[argc++] = json_string_length(v);
    }
    if (argv[1] == NULL) {
        snprintf(err, errlen, "an article needs an \"id\"");
        goto fail;
    }
    if (argc == 2) {
        snprintf(err, errlen, "an article needs at least one field");
        goto fail;
    }
    resp_req_make(req, argc, argv, argl);
    json_decref(o);
    return 0;
fail:
    json_decref(o);
    return -1;
}
