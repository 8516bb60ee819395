/*
 * cmd.h - the command table: name, arity, where it runs, and the two
 * halves of every command (checked on the loop, run on its thread).
 */
#ifndef CMD_H
#define CMD_H

#include <stddef.h>

#include "job.h"

/* clang-format off */
#define CMD_NOAUTH 0x1 /* allowed before AUTH */
#define CMD_WRITE  0x2 /* changes data or files: not for read-only clients */
#define CMD_NOMULTI 0x4 /* refused between MULTI and EXEC.  A JOB_LOOP
                           command without it must be safe on any thread:
                           EXEC may run it on a query or the writer thread */
#define CMD_TXN    0x8 /* MULTI, EXEC, DISCARD, QUIT: run at once, never
                          queued */
#define CMD_ADMIN  0x10 /* a JOB_READ on the admin thread (pool.h), never
                           behind searches: STATS and INFO */
#define CMD_CLOSES 0x20 /* the connection closes after its reply (QUIT) */
#define CMD_EXEC   0x40 /* runs the queued commands (EXEC; multi.h) */
#define CMD_HEALTH 0x80 /* answered before AUTH with --noauth-ping (PING) */
#define CMD_LAT_SEARCH 0x100 /* its time goes to the search latency ring */
#define CMD_LAT_PUT    0x200 /* ... to the put latency ring */
#define CMD_REPLICATED 0x400 /* under --replicate its write goes through the
                                log (replicate.h); an EXEC holding one too */
/* clang-format on */

#define CMD_MAX_PASS 512 /* bytes of a password (checked at start) */
/* The Redis version carid's protocol matches, for clients and tools that
 * read one (INFO redis_version, HELLO's version); carid's own version is
 * config_version(). */
#define CMD_REDIS_VERSION "7.0.0"

/* One argument as COMMAND DOCS describes it (redis-cli shows these as
 * hints while one types): token is the keyword before it (NULL: none),
 * name the words after it. */
struct cmd_arg {
    const char *token;
    const char *name;
    unsigned flags; /* CMD_ARG_* */
};
#define CMD_ARG_OPTIONAL 0x1 /* shown in [ ] */
#define CMD_ARG_MULTIPLE 0x2 /* may repeat */

struct cmd {
    const char *name; /* upper case, as in PROTOCOL.md */
    unsigned flags;   /* CMD_* */
    int min_argc;     /* including the command name */
    int max_argc;     /* -1: no maximum but --max-args */
    enum job_where where;
    /* Loop thread: parse and check arguments into job->arg.  Returns 0 to
     * go on to run(), -1 after putting an error reply in job->out.  NULL:
     * nothing to check. */
    int (*prepare)(struct job *job);
    /* Its thread (see where): execute and encode the reply in job->out.
     * handle is a reader (JOB_READ), the writer (JOB_WRITE) or NULL. */
    void (*run)(struct job *job, void *handle);
    const char *group;          /* COMMAND DOCS group */
    const char *summary;        /* one line, for COMMAND DOCS */
    const struct cmd_arg *args; /* ends with {NULL, NULL, 0} */
};

/* The command named name[0..len), case-insensitively, or NULL. */
const struct cmd *cmd_lookup(const char *name, size_t len);
/* The entry of c's subcommand r->argv[1] (ALIAS ADD: "ALIAS|ADD") when it
 * has its own (flags, thread, arity), else c. */
const struct cmd *cmd_subcommand(const struct cmd *c, const struct resp_req *r);
/* How many commands there are, and the i-th (NULL out of range). */
int cmd_count(void);
const struct cmd *cmd_at(int i);

/* Argument checks (cmd_args.c); loop thread or any. */
/* Index (enum carid_field) of the field named p[0..len), any case, or -1. */
int cmd_field_lookup(const char *p, size_t len);
/* The wire name of field f ("title"...). */
const char *cmd_field_name(int f);
/* Nonzero if p[0..len) is a real calendar date written YYYY-MM-DD. */
int cmd_date_valid(const char *p, size_t len);
/* c's name in lower case, as Redis writes command names in replies, into
 * out (NUL-terminated, cut to outlen - 1); returns its length. */
size_t cmd_name_lower(const struct cmd *c, char *out, size_t outlen);
/* Redis's answer to an unknown subcommand of job's command (CLIENT,
 * COMMAND), naming it and where help is. */
void cmd_reply_unknown_subcommand(struct job *job);
/* Replies "ERR <err>" if rc != 0, else an array of the n elements
 * already encoded in buf; frees buf either way. */
void cmd_reply_collected(struct job *job, int rc, const char *err, int64_t n,
                         struct reply_buf *buf);
/* The level (conn.h, CONN_AUTH_FULL or READONLY) that a password alone
 * grants, compared in constant time, or -1 (cmd_auth.c; HTTP's Bearer). */
int cmd_pass_level(const char *pass, size_t len);
/* Nonzero if argument i of r is word, any case. */
int cmd_arg_is(const struct resp_req *r, int i, const char *word);
/* Parses a decimal integer in [min, max]; 0, or -1 if it is not one. */
int cmd_parse_int(const char *p, size_t len, int64_t min, int64_t max,
                  int64_t *out);

/* Command families, defined in cmd_<family>.c. */
void cmd_ping_run(struct job *job, void *handle);
void cmd_echo_run(struct job *job, void *handle);
void cmd_quit_run(struct job *job, void *handle);
void cmd_command_run(struct job *job, void *handle);
void cmd_auth_run(struct job *job, void *handle);
void cmd_hello_run(struct job *job, void *handle);
void cmd_client_run(struct job *job, void *handle);
void cmd_select_run(struct job *job, void *handle);
/* CLIENT SETNAME's rules (also HELLO SETNAME): 0, or -1 with the error in
 * out. */
int cmd_client_name_check(struct reply_buf *out, const char *p, size_t len);
void cmd_slowlog_run(struct job *job, void *handle);
int cmd_backup_prepare(struct job *job);
void cmd_backup_run(struct job *job, void *handle);
int cmd_put_prepare(struct job *job);
void cmd_put_run(struct job *job, void *handle);
void cmd_del_run(struct job *job, void *handle);
void cmd_optimize_run(struct job *job, void *handle);
void cmd_get_run(struct job *job, void *handle);
int cmd_search_prepare(struct job *job);
int cmd_get_prepare(struct job *job);
int cmd_count_prepare(struct job *job);
int cmd_termstats_prepare(struct job *job);
void cmd_search_run(struct job *job, void *handle);
#define CMD_MAX_ANALYZE 65536 /* bytes of ANALYZE text */
int cmd_analyze_prepare(struct job *job);
void cmd_analyze_run(struct job *job, void *handle);
void cmd_suggest_run(struct job *job, void *handle);
/* ALIAS LIST's word for an alias's kind (CARID_ALIAS_*), and the kind a
 * word p[0..len) names, or -1 (the router reads its shards' lists). */
const char *cmd_alias_kind_name(int kind);
int cmd_alias_kind_lookup(const char *p, size_t len);
void cmd_alias_run(struct job *job, void *handle);
void cmd_alias_add_run(struct job *job, void *handle);
void cmd_alias_del_run(struct job *job, void *handle);
void cmd_alias_list_run(struct job *job, void *handle);
void cmd_multi_run(struct job *job, void *handle);
void cmd_exec_run(struct job *job, void *handle);
void cmd_discard_run(struct job *job, void *handle);
void cmd_watch_run(struct job *job, void *handle);
void cmd_unwatch_run(struct job *job, void *handle);
int cmd_stats_prepare(struct job *job);
void cmd_stats_run(struct job *job, void *handle);
void cmd_info_run(struct job *job, void *handle);

#endif
