/*
 * config.h - the daemon's settings, filled from the command line by one
 * option table that also drives --help and the limits in STATS.
 */
#ifndef CONFIG_H
#define CONFIG_H

#include <stddef.h>

struct config {
    const char *bind;           /* listen addresses, space-separated; "-" before
                                   one: skip it if it cannot be had */
    long port;                  /* TCP port */
    long http_port;             /* HTTP/JSON port on the same addresses; 0:
                                   none (http.h) */
    const char *http_cors;      /* Access-Control-Allow-Origin; "": none */
    long http_max_body;         /* bytes of one HTTP request body */
    const char *data;           /* data directory, created if missing */
    const char *plugin;         /* plugin name ("fts5") or path to a .so */
    const char *plugin_options; /* "name=value,..." handed to the plugin */
    long threads;               /* query threads; 0 = one per CPU */
    long max_line;              /* bytes; longest inline request */
    long max_bulk;              /* bytes; longest multibulk argument */
    long max_args;              /* arguments per request */
    long max_clients;           /* simultaneous connections */
    const char *log_level;      /* debug, info, warn, err */
    const char *log_file;       /* append logs here instead of stderr */
    const char *requirepass;    /* AUTH password for every command */
    const char *readonly_pass;  /* AUTH password for search-only clients */
    const char *readonly_user;  /* the user name that goes with it */
    long noauth_ping;           /* PING answers before AUTH (health checks) */
    long unsafe_no_auth;     /* allow a non-loopback bind without a password */
    long timeout;            /* seconds a client may stay idle; 0: forever */
    long query_timeout_ms;   /* a read's deadline from its arrival; 0: none */
    long auth_timeout;       /* seconds to AUTH, when a password is set */
    long max_noauth_clients; /* connections not yet authenticated */
    long request_timeout;    /* seconds one request may take to arrive */
    long max_output;         /* bytes of unread replies before we drop */
    long max_client_memory;  /* all clients' buffered requests and unread
                                replies together */
    const char *backup_dir;  /* BACKUP files go here only */
    const char *clean_patterns; /* PUT's cleaning rules: "" built in, "none" */
    long slowlog_usec;          /* log commands slower than this */
    long slowlog_len;           /* slow commands remembered */
    const char *replicate;      /* NATS URLs of the log; "": off */
    const char *route;          /* --route's shards; "": not a router */
    long route_timeout_ms;      /* --route: a shard's connect/reply time */
    const char *stream;         /* the log's JetStream stream */
    long stream_replicas;       /* its servers, when carid makes it */
    const char *replicate_snapshot; /* a BACKUP to start from, "auto";
                                       "": none */
    long check;                     /* --check: check DATA's index, exit */
    long rebuild;                   /* --rebuild: remake DATA's index, exit */
    /* --route: the shards' AUTH password is this file's first line */
    const char *route_password_file;
};

/*
 * Parses argv into *cfg: defaults first, then the file named by --config
 * (lines "name value", the flags' names without "--"), then the other
 * flags.  Returns 0, or exits: 0 after
 * --help/--version, 2 on a bad option with a message on stderr.
 */
void config_parse(struct config *cfg, int argc, char **argv);

/* Frees the strings read from --config; the config's strings from the
 * file are invalid afterwards.  Main thread, at exit. */
void config_free(void);

/* The next address of a --bind list: copies it (without its "-") into
 * out, sets *optional, advances *cursor; returns 0 at the end. */
int config_bind_next(const char **cursor, char *out, size_t outlen,
                     int *optional);

/* The daemon's version string. */
const char *config_version(void);

#endif
