/*
 * server.h - the daemon's process-wide state, set up by main() before the
 * threads start and read-only afterwards.
 */
#ifndef SERVER_H
#define SERVER_H

#include "carid_plugin.h"
#include "config.h"
#include "resp.h"

struct clean_rules;
struct event_base;

struct server {
    struct config cfg;
    const struct carid_plugin *plugin;
    void *db;                         /* the plugin's handle */
    struct carid_host host;           /* what the plugin may call */
    struct resp_limits limits;        /* request framing limits */
    struct resp_limits limits_noauth; /* tighter, until AUTH succeeds */
    char backup_dir[4096];            /* --backup-dir, or DATA/backups */
    int threads;                      /* query threads actually started */
    struct event_base *base;          /* the loop; loop thread only */
    struct clean_rules *clean;        /* --clean-patterns; NULL: none */
};

extern struct server server;

#endif
