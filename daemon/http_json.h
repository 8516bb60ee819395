/*
 * http_json.h - HTTP's JSON: a command's RESP reply turned into the JSON
 * body the API promises (protocol/openapi.yaml), and JSON articles turned
 * into PUT requests.  Jansson writes and reads every byte of JSON (no
 * hand-written escaping), hiredis's reader decodes the RESP reply.
 */
#ifndef HTTP_JSON_H
#define HTTP_JSON_H

#include <stddef.h>

struct job;
struct reply_buf;
struct resp_req;

/* Transcoders (job.h, transcode): job->out, the RESP reply of the
 * command in the name, becomes the JSON body and job->status its HTTP
 * status (errors: http_json_status()).  Any thread. */
void http_json_search(struct job *job);  /* SEARCH ... RETURN 4 ... */
void http_json_article(struct job *job); /* GET id: 404 when nil */
void http_json_put(struct job *job);     /* PUT: {"id", "ok"} */
void http_json_delete(struct job *job);  /* DEL id: 404 when :0 */
void http_json_suggest(struct job *job); /* {"suggestions": [...]} */
void http_json_analyze(struct job *job); /* {"tokens": [...]} */
void http_json_text(struct job *job);    /* a bulk string as it is */
/* One line of POST /articles' reply: {"id", "status"[, "error"]} and a
 * newline (http.c adds the line number). */
void http_json_bulk_line(struct job *job);

/* The HTTP status of a RESP error text ("ERR ...", "NOPERM ..."). */
int http_json_status(const char *err);
/* Replaces out with {"error": msg}; msg need not be UTF-8. */
void http_json_error(struct reply_buf *out, const char *msg, size_t len);
/* Parses the JSON article p[0..len) into the request "PUT id field value
 * ...".  id NULL: the object's "id" names it (NDJSON); else it must be
 * absent or equal.  Returns 0, or -1 with a message in err (no request:
 * nothing is written). */
int http_json_put_req(const char *p, size_t len, const char *id, size_t idlen,
                      struct resp_req *req, char *err, size_t errlen);

#endif
