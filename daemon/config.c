/*
 * config.c - one table of options: parsing, bounds and --help all come
 * from it (tmux options-table.c), so a new limit is one line here.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "log.h"
#include "xmalloc.h"

#define CARID_VERSION "0.1.0"

enum config_type { CONFIG_STR, CONFIG_NUM, CONFIG_FLAG };

struct config_opt {
    const char *name;
    enum config_type type;
    size_t offset;       /* into struct config */
    long min, max;       /* bounds for CONFIG_NUM */
    long def_num;        /* default for CONFIG_NUM */
    const char *def_str; /* default for CONFIG_STR */
    const char *arg;     /* metavariable in --help */
    const char *help;
};

static const struct config_opt config_table[] = {
    {"bind", CONFIG_STR, offsetof(struct config, bind), 0, 0, 0,
     "127.0.0.1 -::1", "'ADDR...'",
     "addresses to listen on, space-separated; -ADDR: skip if unavailable"},
    {"port", CONFIG_NUM, offsetof(struct config, port), 1, 65535, 7711, NULL,
     "N", "TCP port"},
    {"http-port", CONFIG_NUM, offsetof(struct config, http_port), 0, 65535, 0,
     NULL, "N", "HTTP/JSON and /metrics port on the --bind addresses; 0: off"},
    {"http-cors", CONFIG_STR, offsetof(struct config, http_cors), 0, 0, 0, "",
     "ORIGIN", "HTTP: let pages from ORIGIN (or *) call the API; empty: none"},
    {"http-max-body", CONFIG_NUM, offsetof(struct config, http_max_body), 1024,
     1L << 30, 64L << 20, NULL, "BYTES",
     "HTTP: largest request body (POST /articles NDJSON), else 413"},
    {"data", CONFIG_STR, offsetof(struct config, data), 0, 0, 0, "./data",
     "DIR", "data directory (created if missing)"},
    {"plugin", CONFIG_STR, offsetof(struct config, plugin), 0, 0, 0, "fts5",
     "NAME|PATH",
     "index plugin: a name (carid_NAME.so beside carid) or a path"},
    {"plugin-options", CONFIG_STR, offsetof(struct config, plugin_options), 0,
     0, 0, "", "LIST",
     "name=value,... for the plugin; fts5: mmap_mb, cache_mb, writer_cache_mb"},
    {"threads", CONFIG_NUM, offsetof(struct config, threads), 0, 256, 0, NULL,
     "N", "query threads (0: one per CPU)"},
    {"max-line", CONFIG_NUM, offsetof(struct config, max_line), 1024, 16L << 20,
     64L << 10, NULL, "BYTES", "longest inline request line"},
    {"max-bulk", CONFIG_NUM, offsetof(struct config, max_bulk), 1024,
     512L << 20, 16L << 20, NULL, "BYTES", "longest multibulk argument"},
    {"max-args", CONFIG_NUM, offsetof(struct config, max_args), 8, 1 << 20,
     1024, NULL, "N", "most arguments in one request"},
    {"max-clients", CONFIG_NUM, offsetof(struct config, max_clients), 1,
     1 << 20, 1024, NULL, "N", "most simultaneous connections"},
    {"log-level", CONFIG_STR, offsetof(struct config, log_level), 0, 0, 0,
     "info", "LEVEL", "debug, info, warn or err"},
    {"log-file", CONFIG_STR, offsetof(struct config, log_file), 0, 0, 0, "",
     "PATH", "append logs to PATH (reopened on SIGHUP); empty: stderr"},
    {"requirepass", CONFIG_STR, offsetof(struct config, requirepass), 0, 0, 0,
     "", "PASS", "password clients must AUTH with; empty: none"},
    {"readonly-pass", CONFIG_STR, offsetof(struct config, readonly_pass), 0, 0,
     0, "", "PASS", "password for search-only clients; empty: none"},
    {"readonly-user", CONFIG_STR, offsetof(struct config, readonly_user), 0, 0,
     0, "readonly", "NAME", "user name for AUTH NAME --readonly-pass"},
    {"noauth-ping", CONFIG_FLAG, offsetof(struct config, noauth_ping), 0, 1, 0,
     NULL, "", "answer PING before AUTH (health checks without a password)"},
    {"unsafe-no-auth", CONFIG_FLAG, offsetof(struct config, unsafe_no_auth), 0,
     1, 0, NULL, "", "allow a non-loopback --bind without a password"},
    {"timeout", CONFIG_NUM, offsetof(struct config, timeout), 0, 86400, 0, NULL,
     "SECONDS", "drop a client idle (or not reading) this long; 0: never"},
    {"query-timeout-ms", CONFIG_NUM, offsetof(struct config, query_timeout_ms),
     0, 3600000, 1000, NULL, "MS",
     "a search or count fails with -ERR timeout this long after it "
     "arrived; 0: never"},
    {"auth-timeout", CONFIG_NUM, offsetof(struct config, auth_timeout), 1, 3600,
     10, NULL, "SECONDS",
     "with a password: close a client not authenticated this long"},
    {"max-noauth-clients", CONFIG_NUM,
     offsetof(struct config, max_noauth_clients), 1, 1 << 20, 64, NULL, "N",
     "with a password: most connections not yet authenticated"},
    {"request-timeout", CONFIG_NUM, offsetof(struct config, request_timeout), 1,
     3600, 30, NULL, "SECONDS",
     "close a client whose request takes this long to arrive (slow senders)"},
    {"max-output", CONFIG_NUM, offsetof(struct config, max_output), 64L << 10,
     1L << 30, 64L << 20, NULL, "BYTES",
     "drop a client whose unread replies exceed this"},
    {"max-client-memory", CONFIG_NUM,
     offsetof(struct config, max_client_memory), 1L << 20, 1L << 40, 128L << 20,
     NULL, "BYTES",
     "all clients' buffered requests and unread replies: over half, big "
     "readers pause; over it, the biggest client is dropped"},
    {"backup-dir", CONFIG_STR, offsetof(struct config, backup_dir), 0, 0, 0, "",
     "DIR", "where BACKUP writes (default DATA/backups)"},
    {"clean-patterns", CONFIG_STR, offsetof(struct config, clean_patterns), 0,
     0, 0, "", "FILE|none",
     "PUT's cleaning rules (daemon/clean_patterns.txt's form); empty: "
     "built in, none: off"},
    {"slowlog-usec", CONFIG_NUM, offsetof(struct config, slowlog_usec), 0,
     60000000, 10000, NULL, "USEC", "SLOWLOG keeps commands slower than this"},
    {"slowlog-len", CONFIG_NUM, offsetof(struct config, slowlog_len), 0, 100000,
     128, NULL, "N", "how many slow commands SLOWLOG keeps"},
    {"replicate", CONFIG_STR, offsetof(struct config, replicate), 0, 0, 0, "",
     "URLS",
     "nats://h1:4222,h2:4222,...: writes go through this JetStream log, "
     "every node applies it; empty: off"},
    {"stream", CONFIG_STR, offsetof(struct config, stream), 0, 0, 0, "carid",
     "NAME", "--replicate: the stream's name (subject carid.NAME)"},
    {"stream-replicas", CONFIG_NUM, offsetof(struct config, stream_replicas), 1,
     5, 3, NULL, "N",
     "--replicate: servers that store the stream, if carid makes it"},
    {"replicate-snapshot", CONFIG_STR,
     offsetof(struct config, replicate_snapshot), 0, 0, 0, "", "FILE|auto",
     "--replicate: a BACKUP of another node to start from when this node's "
     "index is new or behind it, then the log after its sequence; auto: "
     "the newest the log names that is in --backup-dir"},
    {"route", CONFIG_STR, offsetof(struct config, route), 0, 0, 0, "", "SHARDS",
     "be a router over shards, no index of its own: "
     "\"..2016-12-31=h:p,h:p;2017-01-01..=h:p\" (daemon/ROUTE.md); "
     "empty: off"},
    {"route-password-file", CONFIG_STR,
     offsetof(struct config, route_password_file), 0, 0, 0, "", "FILE",
     "--route: AUTH to every shard with the password on FILE's first line "
     "(its --requirepass; not this router's own); empty: none"},
    {"route-timeout-ms", CONFIG_NUM, offsetof(struct config, route_timeout_ms),
     1, 3600000, 5000, NULL, "MS",
     "--route: how long a shard may take to connect or answer"},
    {"check", CONFIG_FLAG, offsetof(struct config, check), 0, 1, 0, NULL, "",
     "check DATA's index read-only, say so, exit 0 sound, 1 corrupt"},
    {"rebuild", CONFIG_FLAG, offsetof(struct config, rebuild), 0, 1, 0, NULL,
     "", "remake DATA's index from its articles (daemon stopped), exit"},
};

#define CONFIG_NOPTS (sizeof config_table / sizeof config_table[0])

static void
config_usage(FILE *f)
{
    fprintf(f, "usage: carid [options]\n"
               "carid " CARID_VERSION
               " - a search daemon for Indonesian news, speaking a\n"
               "RESP-compatible line protocol (see protocol/PROTOCOL.md) and,\n"
               "with --http-port, HTTP/JSON (protocol/openapi.yaml), /metrics\n"
               "for Prometheus and a search page at /.\n\n");
    for (size_t i = 0; i < CONFIG_NOPTS; i++) {
        const struct config_opt *o = &config_table[i];
        char left[40];

        snprintf(left, sizeof left, "--%s %s", o->name, o->arg);
        if (o->type == CONFIG_FLAG)
            fprintf(f, "  %-24s %s\n", left, o->help);
        else if (o->type == CONFIG_NUM)
            fprintf(f, "  %-24s %s (default %ld, %ld..%ld)\n", left, o->help,
                    o->def_num, o->min, o->max);
        else
            fprintf(f, "  %-24s %s (default %s)\n", left, o->help, o->def_str);
    }
    fprintf(f, "  %-24s %s\n  %-24s %s\n  %-24s %s\n", "--config FILE",
            "read options from FILE: lines \"name value\" (flags override)",
            "--help", "show this help", "--version", "show the version");
    fprintf(f, "\nSIGTERM or SIGINT: finish in-flight work, commit, exit 0.\n");
}

static void
config_set(struct config *cfg, const struct config_opt *o, const char *val)
{
    char *p = (char *)cfg + o->offset;
    char *end;
    long n;

    if (o->type == CONFIG_STR) {
        *(const char **)p = val;
        return;
    }
    if (o->type == CONFIG_FLAG) {
        *(long *)p = 1;
        return;
    }
    n = strtol(val, &end, 10);
    if (*val == '\0' || *end != '\0' || n < o->min || n > o->max) {
        fprintf(stderr,
                "carid: --%s must be an integer in %ld..%ld, not '%s'\n",
                o->name, o->min, o->max, val);
        exit(2);
    }
    *(long *)p = n;
}

static const struct config_opt *
config_find(const char *name)
{
    for (size_t i = 0; i < CONFIG_NOPTS; i++) {
        if (strcmp(config_table[i].name, name) == 0) return &config_table[i];
    }
    return NULL;
}

/* Strings read from --config; freed by config_free(). */
static char **config_owned;
static size_t config_nowned;

/* Lines "name value" or "name" (flags); '#' starts a comment. */
static void
config_read_file(struct config *cfg, const char *path)
{
    char line[1024];
    FILE *f = fopen(path, "r");
    int lineno = 0;

    if (f == NULL) {
        fprintf(stderr, "carid: --config %s: %s\n", path, strerror(errno));
        exit(2);
    }
    while (fgets(line, sizeof line, f) != NULL) {
        char *name, *val, *end;
        const struct config_opt *o;

        lineno++;
        line[strcspn(line, "#\r\n")] = '\0';
        name = line + strspn(line, " \t");
        if (*name == '\0') continue;
        val = name + strcspn(name, " \t");
        if (*val != '\0') *val++ = '\0';
        val += strspn(val, " \t");
        end = val + strlen(val);
        while (end > val && (end[-1] == ' ' || end[-1] == '\t'))
            *--end = '\0';
        o = config_find(name);
        if (o == NULL || (o->type != CONFIG_FLAG && *val == '\0')) {
            fprintf(stderr, "carid: %s:%d: %s '%s'\n", path, lineno,
                    o == NULL ? "unknown option" : "missing value for", name);
            exit(2);
        }
        config_owned = xrealloc(config_owned,
                                (config_nowned + 1) * sizeof *config_owned);
        config_owned[config_nowned] = xstrdup(val);
        config_set(cfg, o, config_owned[config_nowned++]);
    }
    fclose(f);
}

void
config_parse(struct config *cfg, int argc, char **argv)
{
    struct option longopts[CONFIG_NOPTS + 4];
    size_t i;
    int c, idx;

    for (i = 0; i < CONFIG_NOPTS; i++) {
        const struct config_opt *o = &config_table[i];

        if (o->type == CONFIG_STR)
            config_set(cfg, o, o->def_str);
        else
            *(long *)((char *)cfg + o->offset) = o->def_num;
        longopts[i] = (struct option){
            o->name, o->type == CONFIG_FLAG ? no_argument : required_argument,
            NULL, (int)i};
    }
    longopts[i++] = (struct option){"config", required_argument, NULL, 'c'};
    longopts[i++] = (struct option){"help", no_argument, NULL, 'h'};
    longopts[i++] = (struct option){"version", no_argument, NULL, 'V'};
    longopts[i] = (struct option){NULL, 0, NULL, 0};

    /* The file first, so that flags on the command line override it. */
    for (int k = 1; k < argc - 1; k++) {
        if (strcmp(argv[k], "--config") == 0)
            config_read_file(cfg, argv[k + 1]);
    }
    while ((c = getopt_long(argc, argv, "hV", longopts, &idx)) != -1) {
        if (c == 'c') {
            continue;
        } else if (c == 'h') {
            config_usage(stdout);
            exit(0);
        } else if (c == 'V') {
            printf("carid " CARID_VERSION "\n");
            exit(0);
        } else if (c >= 0 && (size_t)c < CONFIG_NOPTS) {
            config_set(cfg, &config_table[c], optarg);
        } else {
            config_usage(stderr);
            exit(2);
        }
    }
    if (optind < argc) {
        fprintf(stderr, "carid: unexpected argument '%s' (see --help)\n",
                argv[optind]);
        exit(2);
    }
    if (log_level_parse(cfg->log_level) < 0) {
        fprintf(stderr,
                "carid: --log-level must be debug, info, warn or err\n");
        exit(2);
    }
}

int
config_bind_next(const char **cursor, char *out, size_t outlen, int *optional)
{
    const char *p = *cursor;
    size_t n = 0;

    while (*p == ' ' || *p == '\t' || *p == ',')
        p++;
    if (*p == '\0') return 0;
    *optional = *p == '-';
    if (*optional) p++;
    while (p[n] != '\0' && p[n] != ' ' && p[n] != '\t' && p[n] != ',')
        n++;
    snprintf(out, outlen, "%.*s", (int)n, p);
    *cursor = p + n;
    return 1;
}

const char *
config_version(void)
{
    return CARID_VERSION;
}

void
config_free(void)
{
    for (size_t i = 0; i < config_nowned; i++)
        free(config_owned[i]);
    free(config_owned);
    config_owned = NULL;
    config_nowned = 0;
}
