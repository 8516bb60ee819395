/*
 * config.h - the daemon's settings, filled from the command line by one
 * option table that also drives --help and the limits in STATS.
 */
#ifndef CONFIG_H
#define CONFIG_H

#include <stddef.h>

struct config {
    const char *bind;      /* listen address; loopback by default */
    long port;             /* TCP port */
    const char *data;      /* data directory, created if missing */
    const char *plugin;    /* plugin name ("fts5") or path to a .so */
    long threads;          /* query threads; 0 = one per CPU */
    long max_line;         /* bytes; longest inline request */
    long max_bulk;         /* bytes; longest multibulk argument */
    long max_args;         /* arguments per request */
    long max_clients;      /* simultaneous connections */
    const char *log_level; /* debug, info, warn, err */
};

/*
 * Parses argv into *cfg (defaults first).  Returns 0, or exits: 0 after
 * --help/--version, 2 on a bad option with a message on stderr.
 */
void config_parse(struct config *cfg, int argc, char **argv);

/* The daemon's version string. */
const char *config_version(void);

#endif
