/*
 * cmd_admin.c - SLOWLOG and BACKUP: what operators use to watch and copy
 * a running carid.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "backup.h"
#include "cmd.h"
#include "conn.h"
#include "replicate.h"
#include "server.h"
#include "slowlog.h"

#define CMD_MAX_BACKUP 64 /* bytes of a backup file name */

void
cmd_slowlog_run(struct job *job, void *handle)
{
    struct resp_req *r = &job->req;
    int64_t n = 10;

    (void)handle;
    if (r->argl[1] == 3 && strncasecmp(r->argv[1], "GET", 3) == 0) {
        if (r->argc == 3 &&
            cmd_parse_int(r->argv[2], r->argl[2], 0, 100000, &n) != 0) {
            reply_error(&job->out, "ERR SLOWLOG GET count must be 0..100000");
            return;
        }
        slowlog_reply_get(&job->out, n,
                          conn_auth(job->conn) == CONN_AUTH_FULL
                              ? NULL
                              : conn_meta(job->conn)->addr);
    } else if (r->argl[1] == 3 && strncasecmp(r->argv[1], "LEN", 3) == 0 &&
               r->argc == 2) {
        reply_int(&job->out, slowlog_len());
    } else if (r->argl[1] == 5 && strncasecmp(r->argv[1], "RESET", 5) == 0 &&
               r->argc == 2) {
        if (conn_auth(job->conn) != CONN_AUTH_FULL) {
            reply_error(&job->out, "NOPERM this client is read-only");
            return;
        }
        slowlog_reset();
        reply_simple(&job->out, "OK");
    } else {
        reply_error(&job->out, "ERR SLOWLOG takes GET [count], LEN or RESET");
    }
}

/* A backup name is a plain file name: it can never leave backup-dir. */
int
cmd_backup_prepare(struct job *job)
{
    const char *p = job->req.argv[1];
    size_t len = job->req.argl[1];

    if (server.plugin->backup == NULL) {
        reply_error(&job->out, "ERR plugin '%s' has no BACKUP",
                    server.plugin->name);
        return -1;
    }
    if (len == 0 || len > CMD_MAX_BACKUP || p[0] == '.') {
        reply_error(&job->out, "ERR backup name must be 1..64 characters of "
                               "A-Z a-z 0-9 . _ - not starting with '.'");
        return -1;
    }
    for (size_t i = 0; i < len; i++) {
        char c = p[i];

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-')) {
            reply_error(&job->out, "ERR backup name must be 1..64 characters "
                                   "of A-Z a-z 0-9 . _ - not starting with "
                                   "'.'");
            return -1;
        }
    }
    return 0;
}

/* The plugin's backup, in the shape backup_write() calls. */
static int
cmd_backup_copy(void *reader, const char *path, char *err, size_t errlen)
{
    return server.plugin->backup(reader, path, err, errlen);
}

void
cmd_backup_run(struct job *job, void *reader)
{
    char name[CMD_MAX_BACKUP + 1], err[512];
    uint64_t seq = replicate_backup_seq(reader); /* the copy holds it */

    /* The name was checked in prepare: at most 64 plain characters. */
    memcpy(name, job->req.argv[1], job->req.argl[1]);
    name[job->req.argl[1]] = '\0';
    switch (backup_write(server.backup_dir, name, cmd_backup_copy, reader, err,
                         sizeof err)) {
    case BACKUP_OK:
        replicate_backup_announce(name, seq);
        reply_simple(&job->out, "OK");
        break;
    case BACKUP_EXISTS:
        reply_error(&job->out, "ERR backup '%s' already exists", name);
        break;
    default:
        reply_error(&job->out, "ERR backup failed: %s", err);
    }
}
