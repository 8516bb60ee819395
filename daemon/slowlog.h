/*
 * slowlog.h - the slowest recent commands, as Redis's SLOWLOG shows them.
 * Loop thread only: entries are added when a job's reply comes back.
 */
#ifndef SLOWLOG_H
#define SLOWLOG_H

#include <stdint.h>

struct job;
struct reply_buf;

#define SLOWLOG_MAX_ARGS    16  /* arguments kept per entry */
#define SLOWLOG_MAX_ARG_LEN 128 /* bytes kept per argument */

/* Records job if it took at least --slowlog-usec; addr is the client. */
void slowlog_record(const struct job *job, uint64_t usec, const char *addr);
/* SLOWLOG GET [n]: the n newest entries (default 10), newest first.
 * viewer non-NULL (a read-only client's address): entries of other
 * connections show the command name only. */
void slowlog_reply_get(struct reply_buf *out, int64_t n, const char *viewer);
/* Entries kept now. */
int64_t slowlog_len(void);
void slowlog_reset(void);

#endif
