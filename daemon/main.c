/*
 * main.c - carid: argv -> config -> plugin -> threads -> event loop, and
 * the same steps backwards on the way out.
 */
#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/thread.h>

#include "backup.h"
#include "clean.h"
#include "cmd.h"
#include "config.h"
#include "http.h"
#include "log.h"
#include "loop.h"
#include "plugin.h"
#include "pool.h"
#include "replicate.h"
#include "replicate_snapshot.h"
#include "route.h"
#include "server.h"
#include "stats.h"
#include "writer.h"

struct server server;

/* mkdir -p for the data directory. */
#define MAIN_MMAP_THRESHOLD (256 << 10) /* bytes: see main() */

static int
main_mkdirs(const char *dir)
{
    char path[4096];
    size_t len = strlen(dir);

    if (len == 0 || len >= sizeof path) return -1;
    memcpy(path, dir, len + 1);
    for (char *p = path + 1; *p != '\0'; p++) {
        if (*p != '/') continue;
        *p = '\0';
        if (mkdir(path, 0755) != 0 && errno != EEXIST) return -1;
        *p = '/';
    }
    if (mkdir(path, 0755) != 0 && errno != EEXIST) return -1;
    return 0;
}

static void main_host_log(int level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
main_host_log(int level, const char *fmt, ...)
{
    char line[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    log_msg(level, "plugin: %s", line);
}

/* 127.0.0.0/8, ::1 or localhost: reachable from this machine only. */
static int
main_is_loopback(const char *addr)
{
    return strncmp(addr, "127.", 4) == 0 || strcmp(addr, "::1") == 0 ||
           strcmp(addr, "localhost") == 0;
}

/* A non-loopback address needs a password (or --unsafe-no-auth). */
static void
main_check_bind(void)
{
    const char *cursor = server.cfg.bind;
    char ip[256];
    int optional;

    if (*server.cfg.requirepass != '\0' || *server.cfg.readonly_pass != '\0' ||
        server.cfg.unsafe_no_auth)
        return;
    while (config_bind_next(&cursor, ip, sizeof ip, &optional))
        if (!main_is_loopback(ip))
            fatal("refusing to listen on %s without a password: set "
                  "--requirepass, or --unsafe-no-auth if you really mean it",
                  ip);
}

/*
 * carid --check and --rebuild: the plugin's check() or rebuild() on DATA,
 * no server, nothing created.  --check exits 0 sound, 1 corrupt, 2 if it
 * could not check; --rebuild 0 done, 1 not.
 */
static int
main_offline(void)
{
    const struct carid_plugin *p = server.plugin;
    const char *what = server.cfg.check ? "check" : "rebuild";
    int64_t kept, lost;
    char msg[1024];
    int rc;

    if (server.cfg.check && server.cfg.rebuild)
        fatal("--check and --rebuild: one at a time");
    if ((server.cfg.check ? (void *)p->check : (void *)p->rebuild) == NULL)
        fatal("plugin %s cannot --%s", p->name, what);
    if (server.cfg.check) {
        rc = p->check(&server.host, server.cfg.data, msg, sizeof msg);
        printf("carid --check: %s\n", msg);
        return rc == 0 ? 0 : rc == 1 ? 1 : 2;
    }
    rc = p->rebuild(&server.host, server.cfg.data, &kept, &lost, msg,
                    sizeof msg);
    if (rc != 0) {
        printf("carid --rebuild: failed: %s\n", msg);
        return 1;
    }
    printf("carid --rebuild: %lld articles kept, %lld lost; %s\n",
           (long long)kept, (long long)lost, msg);
    return 0;
}

/* --clean-patterns: the built-in rules, a newsroom's file, or none. */
static int
main_clean_rules(char *err, size_t errlen)
{
    const char *f = server.cfg.clean_patterns;

    if (strcmp(f, "none") == 0) return 0;
    server.clean = *f == '\0' ? clean_rules_builtin(err, errlen)
                              : clean_rules_file(f, err, errlen);
    return server.clean != NULL ? 0 : -1;
}

static int
main_threads(long wanted)
{
    long n = wanted > 0 ? wanted : sysconf(_SC_NPROCESSORS_ONLN);

    return n < 1 ? 1 : (int)n;
}

int
main(int argc, char **argv)
{
    char err[1024];
    int rc = 1;

    config_parse(&server.cfg, argc, argv);
    log_set_level(log_level_parse(server.cfg.log_level));
    if (*server.cfg.log_file != '\0' && log_reopen(server.cfg.log_file) != 0)
        fatal("--log-file %s: %s", server.cfg.log_file, strerror(errno));
    main_check_bind();
    if (strlen(server.cfg.requirepass) > CMD_MAX_PASS ||
        strlen(server.cfg.readonly_pass) > CMD_MAX_PASS)
        fatal("--requirepass and --readonly-pass take at most %d bytes",
              CMD_MAX_PASS);
    signal(SIGPIPE, SIG_IGN);
    /* Replies of megabytes come and go: a fixed threshold keeps them in
     * mmap()ed blocks that free() returns to the system (glibc's moving
     * threshold would keep them in the heap, and the RSS high). */
    mallopt(M_MMAP_THRESHOLD, MAIN_MMAP_THRESHOLD);
    stats.started = time(NULL);
    server.limits = (struct resp_limits){(size_t)server.cfg.max_line,
                                         (size_t)server.cfg.max_bulk,
                                         (size_t)server.cfg.max_args};
    /* Before AUTH a client gets Redis's unauthenticated limits. */
    server.limits_noauth = (struct resp_limits){
        (size_t)server.cfg.max_line < 16384 ? (size_t)server.cfg.max_line
                                            : 16384,
        16384, 10};
    server.host = (struct carid_host){CARID_PLUGIN_ABI, main_host_log,
                                      server.cfg.plugin_options};
    server.threads = main_threads(server.cfg.threads);

    if (*server.cfg.route != '\0' && *server.cfg.replicate != '\0')
        fatal("--route and --replicate: a router holds no index to replicate "
              "(replicate its shards)");
    if (*server.cfg.route == '\0' && *server.cfg.route_password_file != '\0')
        fatal("--route-password-file is the router's password to its shards: "
              "it needs --route");
    server.plugin = *server.cfg.route != '\0'
                        ? route_plugin()
                        : plugin_load(server.cfg.plugin, err, sizeof err);
    if (server.plugin == NULL) fatal("%s", err);
    if (main_clean_rules(err, sizeof err) != 0) fatal("%s", err);
    if (server.cfg.check || server.cfg.rebuild) {
        rc = main_offline();
        config_free();
        return rc;
    }
    if (main_mkdirs(server.cfg.data) != 0)
        fatal("cannot create data directory %s: %s", server.cfg.data,
              strerror(errno));
    if (*server.cfg.backup_dir != '\0')
        snprintf(server.backup_dir, sizeof server.backup_dir, "%s",
                 server.cfg.backup_dir);
    else
        snprintf(server.backup_dir, sizeof server.backup_dir, "%s/backups",
                 server.cfg.data);
    if (main_mkdirs(server.backup_dir) != 0)
        fatal("cannot create backup directory %s: %s", server.backup_dir,
              strerror(errno));
    if (backup_clean(server.backup_dir, err, sizeof err) != 0) fatal("%s", err);
    if (replicate_snapshot_take(err, sizeof err) != 0) fatal("%s", err);
    if (server.plugin->open(&server.host, server.cfg.data, &server.db, err,
                            sizeof err) != 0)
        fatal("plugin %s: cannot open %s: %s", server.plugin->name,
              server.cfg.data, err);
    if (evthread_use_pthreads() != 0) fatal("evthread_use_pthreads() failed");
    server.base = event_base_new();
    if (server.base == NULL) fatal("event_base_new() failed");
    if (writer_start(err, sizeof err) != 0) {
        log_err("writer: %s", err);
        goto close_plugin;
    }
    if (pool_start(server.threads, err, sizeof err) != 0) {
        log_err("query threads: %s", err);
        goto stop_writer;
    }
    if (http_start() != 0) goto stop_pool;
    if (replicate_start(err, sizeof err) != 0) {
        log_err("--replicate: %s", err);
        goto stop_http;
    }
    if (loop_run() == 0) rc = 0;
    /* no more of the log; what the writer holds still commits */
    replicate_stop();
stop_http:
    http_free(); /* its calls still running end with their connections */
stop_pool:
    pool_stop();
stop_writer:
    /* Commits whatever writes are still queued before the plugin closes. */
    writer_stop();
    loop_finish();
close_plugin:
    server.plugin->close(server.db);
    event_base_free(server.base);
    log_info("carid stopped");
    clean_rules_free(server.clean);
    config_free();
    return rc;
}
