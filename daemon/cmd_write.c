/*
 * cmd_write.c - PUT, DEL and OPTIMIZE.  Arguments are checked on the loop
 * thread; the plugin calls run on the writer thread inside a group commit,
 * and the reply only leaves after that commit (see writer.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "clean.h"
#include "cmd.h"
#include "server.h"
#include "stats.h"

int
cmd_put_prepare(struct job *job)
{
    struct carid_doc *doc = &job->arg.doc;
    struct resp_req *r = &job->req;
    char name[64];

    if (r->argc % 2 != 0) {
        reply_error(&job->out,
                    "ERR wrong number of arguments for 'put' command");
        return -1;
    }
    if (r->argl[1] == 0) {
        reply_error(&job->out, "ERR empty id");
        return -1;
    }
    if (r->argl[1] > CARID_ID_MAX) {
        reply_error(&job->out, "ERR id too long (max %d bytes)", CARID_ID_MAX);
        return -1;
    }
    doc->id = (struct carid_str){r->argv[1], r->argl[1]};
    for (int i = 2; i < r->argc; i += 2) {
        int f = cmd_field_lookup(r->argv[i], r->argl[i]);

        carid_shown(r->argv[i], r->argl[i], 0, name, sizeof name);
        if (f < 0 || f == CARID_FIELD_RAW) {
            reply_error(&job->out,
                        f < 0 ? "ERR unknown field '%s' (expected title, body, "
                                "source, url, date, place or author)"
                              : "ERR field '%s' is carid's: the body as sent, "
                                "kept when cleaning changed it",
                        name);
            return -1;
        }
        if (doc->field[f].p != NULL) {
            reply_error(&job->out, "ERR duplicate field '%s'", name);
            return -1;
        }
        if (f == CARID_FIELD_DATE && r->argl[i + 1] > 0 &&
            !cmd_date_valid(r->argv[i + 1], r->argl[i + 1])) {
            carid_shown(r->argv[i + 1], r->argl[i + 1], 0, name, 24);
            reply_error(&job->out,
                        "ERR invalid date '%s' (expected YYYY-MM-DD)", name);
            return -1;
        }
        doc->field[f] = (struct carid_str){r->argv[i + 1], r->argl[i + 1]};
    }
    return 0;
}

void
cmd_put_run(struct job *job, void *writer)
{
    struct carid_doc doc = job->arg.doc;
    struct clean_result cleaned;
    char err[256];

    stats_add(&stats.puts, 1);
    /* here, not in prepare: the loop thread never runs the rules */
    clean_doc(server.clean, &doc, &cleaned);
    if (server.plugin->put(writer, &doc, err, sizeof err) != 0) {
        reply_error(&job->out, "ERR %s", err);
    } else {
        stats_add(&stats.puts_cleaned, cleaned.changed != 0);
        stats_add(&stats.lines_dropped, (uint64_t)cleaned.dropped);
        reply_simple(&job->out, "OK");
    }
    free(cleaned.buf);
}

void
cmd_del_run(struct job *job, void *writer)
{
    char err[256];
    int64_t removed = 0;

    stats_add(&stats.dels, 1);
    for (int i = 1; i < job->req.argc; i++) {
        struct carid_str id = {job->req.argv[i], job->req.argl[i]};
        int gone = 0;

        if (server.plugin->del(writer, id, &gone, err, sizeof err) != 0) {
            reply_error(&job->out, "ERR %s", err);
            return;
        }
        removed += gone;
    }
    reply_int(&job->out, removed);
}

void
cmd_optimize_run(struct job *job, void *writer)
{
    char err[256];

    if (server.plugin->optimize == NULL)
        reply_error(&job->out, "ERR plugin '%s' has no OPTIMIZE",
                    server.plugin->name);
    else if (server.plugin->optimize(writer, err, sizeof err) != 0)
        reply_error(&job->out, "ERR %s", err);
    else
        reply_simple(&job->out, "OK");
}
