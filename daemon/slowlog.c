/*
 * slowlog.c - a ring of the last --slowlog-len commands that took longer
 * than --slowlog-usec, each with its (truncated) arguments and client.
 * Entry layout follows Redis: [id, unix time, usec, [args], addr, ""].
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "job.h"
#include "server.h"
#include "slowlog.h"
#include "xmalloc.h"

struct slowlog_entry {
    int64_t id;
    int64_t when; /* unix time */
    int64_t usec; /* duration */
    int argc;     /* as sent */
    int kept;     /* arguments stored */
    char *arg[SLOWLOG_MAX_ARGS];
    size_t argl[SLOWLOG_MAX_ARGS];
    char addr[64];
};

static struct slowlog_entry *slowlog_ring; /* slowlog_len entries */
static int64_t slowlog_next_id;            /* entries ever recorded */
static int64_t slowlog_count;              /* entries in the ring */

static void
slowlog_clear(struct slowlog_entry *e)
{
    for (int i = 0; i < e->kept; i++)
        free(e->arg[i]);
    memset(e, 0, sizeof *e);
}

void
slowlog_record(const struct job *job, uint64_t usec, const char *addr)
{
    long cap = server.cfg.slowlog_len;
    struct slowlog_entry *e;

    if (cap == 0 || usec < (uint64_t)server.cfg.slowlog_usec) return;
    if (slowlog_ring == NULL)
        slowlog_ring = xcalloc((size_t)cap, sizeof *slowlog_ring);
    e = &slowlog_ring[slowlog_next_id % cap];
    slowlog_clear(e);
    e->id = slowlog_next_id++;
    e->when = (int64_t)time(NULL);
    e->usec = (int64_t)usec;
    e->argc = job->req.argc;
    e->kept = job->req.argc < SLOWLOG_MAX_ARGS ? job->req.argc
                                               : SLOWLOG_MAX_ARGS;
    for (int i = 0; i < e->kept; i++) {
        size_t len = job->req.argl[i];

        if (len > SLOWLOG_MAX_ARG_LEN) len = SLOWLOG_MAX_ARG_LEN;
        e->arg[i] = xmalloc(len + 1);
        memcpy(e->arg[i], job->req.argv[i], len);
        e->arg[i][len] = '\0';
        e->argl[i] = len;
    }
    snprintf(e->addr, sizeof e->addr, "%s", addr);
    if (slowlog_count < cap) slowlog_count++;
}

void
slowlog_reply_get(struct reply_buf *out, int64_t n, const char *viewer)
{
    long cap = server.cfg.slowlog_len;

    if (n > slowlog_count) n = slowlog_count;
    reply_array(out, n);
    for (int64_t k = 0; k < n; k++) {
        const struct slowlog_entry *e =
            &slowlog_ring[(slowlog_next_id - 1 - k) % cap];

        reply_array(out, 6);
        reply_int(out, e->id);
        reply_int(out, e->when);
        reply_int(out, e->usec);
        if (viewer != NULL && strcmp(viewer, e->addr) != 0 && e->kept > 1) {
            /* Another client's queries and articles are its own. */
            char hidden[64];

            snprintf(hidden, sizeof hidden, "(%d arguments hidden)",
                     e->argc - 1);
            reply_array(out, 2);
            reply_bulk(out, e->arg[0], e->argl[0]);
            reply_bulk_str(out, hidden);
        } else {
            reply_array(out, e->kept);
            for (int i = 0; i < e->kept; i++)
                reply_bulk(out, e->arg[i], e->argl[i]);
        }
        reply_bulk_str(out, e->addr);
        reply_bulk_str(out, "");
    }
}

int64_t
slowlog_len(void)
{
    return slowlog_count;
}

void
slowlog_reset(void)
{
    for (long i = 0; slowlog_ring != NULL && i < server.cfg.slowlog_len; i++)
        slowlog_clear(&slowlog_ring[i]);
    slowlog_count = 0;
}
