/*
 * cmd_args.c - checks shared by commands: field names, dates, integers,
 * and making client bytes safe to echo in an error message.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cmd.h"

static const char *const cmd_field_names[CARID_FIELD_COUNT] = {
    "title", "body", "source", "url", "date", "place", "author", "raw"};

int
cmd_field_lookup(const char *p, size_t len)
{
    for (int f = 0; f < CARID_FIELD_COUNT; f++) {
        if (strlen(cmd_field_names[f]) == len &&
            strncasecmp(cmd_field_names[f], p, len) == 0)
            return f;
    }
    return -1;
}

const char *
cmd_field_name(int f)
{
    return cmd_field_names[f];
}

int
cmd_date_valid(const char *p, size_t len)
{
    int y, m, d;

    return carid_date_parse(p, len, &y, &m, &d);
}

int
cmd_parse_int(const char *p, size_t len, int64_t min, int64_t max, int64_t *out)
{
    int64_t n = 0;

    if (len == 0 || len > 18) return -1;
    for (size_t i = 0; i < len; i++) {
        if (p[i] < '0' || p[i] > '9') return -1;
        n = n * 10 + (p[i] - '0');
    }
    if (n < min || n > max) return -1;
    *out = n;
    return 0;
}

int
cmd_arg_is(const struct resp_req *r, int i, const char *word)
{
    return strlen(word) == r->argl[i] &&
           strncasecmp(r->argv[i], word, r->argl[i]) == 0;
}

size_t
cmd_name_lower(const struct cmd *c, char *out, size_t outlen)
{
    size_t i;

    for (i = 0; i + 1 < outlen && c->name[i] != '\0'; i++)
        out[i] = (char)(c->name[i] | 0x20);
    out[i] = '\0';
    return i;
}

void
cmd_reply_unknown_subcommand(struct job *job)
{
    char sub[32];

    carid_shown(job->req.argv[1], job->req.argl[1], 0, sub, sizeof sub);
    reply_error(&job->out,
                "ERR unknown subcommand or wrong number of arguments for "
                "'%s'. Try %s HELP.",
                sub, job->cmd->name);
}

void
cmd_reply_collected(struct job *job, int rc, const char *err, int64_t n,
                    struct reply_buf *buf)
{
    if (rc != 0) {
        reply_error(&job->out, "ERR %s", err);
    } else {
        reply_array(&job->out, n);
        reply_raw(&job->out, buf->p, buf->len);
    }
    reply_buf_free(buf);
}
