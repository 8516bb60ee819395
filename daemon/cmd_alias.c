/*
 * cmd_alias.c - ALIAS ADD, DEL and LIST: the editor's aliases, the other
 * forms a query word also matches (PROTOCOL.md, ALIAS).  ADD and DEL run
 * on the writer thread inside the group commit, their replies leaving
 * after it as PUT's do; LIST runs on a query thread.  The forms and their
 * limits are the plugin's to check.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "server.h"

struct cmd_alias_collect {
    struct reply_buf buf;
    int64_t n;
};

/* ALIAS alone, or with a subcommand it does not have (cmd_subcommand()
 * found none): how it is used. */
void
cmd_alias_run(struct job *job, void *handle)
{
    (void)handle;
    reply_error(&job->out,
                "ERR ALIAS takes ADD short long, DEL short [long] or LIST "
                "[short]");
}

/* 0 if the plugin has aliases, else -1 with the error replied. */
static int
cmd_alias_supported(struct job *job, int present)
{
    if (present) return 0;
    reply_error(&job->out, "ERR plugin '%s' has no aliases",
                server.plugin->name);
    return -1;
}

void
cmd_alias_add_run(struct job *job, void *writer)
{
    struct resp_req *r = &job->req;
    struct carid_str s = {r->argv[2], r->argl[2]};
    struct carid_str l = {r->argv[3], r->argl[3]};
    int64_t changed = 0;
    char err[256];

    if (cmd_alias_supported(job, server.plugin->alias_add != NULL) != 0) return;
    if (server.plugin->alias_add(writer, s, l, &changed, err, sizeof err) != 0)
        reply_error(&job->out, "ERR %s", err);
    else
        reply_int(&job->out, changed);
}

void
cmd_alias_del_run(struct job *job, void *writer)
{
    struct resp_req *r = &job->req;
    struct carid_str s = {r->argv[2], r->argl[2]};
    struct carid_str l = {NULL, 0};
    int64_t changed = 0;
    char err[256];

    if (cmd_alias_supported(job, server.plugin->alias_del != NULL) != 0) return;
    if (r->argc == 4) l = (struct carid_str){r->argv[3], r->argl[3]};
    if (server.plugin->alias_del(writer, s, l, &changed, err, sizeof err) != 0)
        reply_error(&job->out, "ERR %s", err);
    else
        reply_int(&job->out, changed);
}

/* ALIAS LIST's word for each CARID_ALIAS_* kind. */
static const char *const cmd_alias_kinds[] = {
    [CARID_ALIAS_EDITOR] = "editor",
    [CARID_ALIAS_BUILTIN] = "builtin",
    [CARID_ALIAS_LEARNED] = "learned",
};

const char *
cmd_alias_kind_name(int kind)
{
    return kind == CARID_ALIAS_BUILTIN || kind == CARID_ALIAS_LEARNED
               ? cmd_alias_kinds[kind]
               : cmd_alias_kinds[CARID_ALIAS_EDITOR];
}

int
cmd_alias_kind_lookup(const char *p, size_t len)
{
    for (int k = 0; k < (int)(sizeof cmd_alias_kinds / sizeof *cmd_alias_kinds);
         k++)
        if (len == strlen(cmd_alias_kinds[k]) &&
            memcmp(p, cmd_alias_kinds[k], len) == 0)
            return k;
    return -1;
}

static int
cmd_alias_entry(void *ctx, struct carid_str short_form,
                struct carid_str long_form, int kind)
{
    struct cmd_alias_collect *c = ctx;
    const char *from = cmd_alias_kind_name(kind);

    reply_array(&c->buf, 3);
    reply_bulk(&c->buf, short_form.p, short_form.len);
    reply_bulk(&c->buf, long_form.p, long_form.len);
    reply_bulk(&c->buf, from, strlen(from));
    c->n++;
    return 0;
}

void
cmd_alias_list_run(struct job *job, void *reader)
{
    struct resp_req *r = &job->req;
    struct carid_str s = {NULL, 0};
    struct cmd_alias_collect c = {0};
    char err[256];
    int rc;

    if (cmd_alias_supported(job, server.plugin->alias_list != NULL) != 0)
        return;
    if (r->argc == 3) s = (struct carid_str){r->argv[2], r->argl[2]};
    reply_buf_init(&c.buf);
    rc = server.plugin->alias_list(reader, s, cmd_alias_entry, &c, err,
                                   sizeof err);
    cmd_reply_collected(job, rc, err, c.n, &c.buf);
}
