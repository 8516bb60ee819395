/*
 * log.h - one stderr line per event, filtered by level before formatting.
 */
#ifndef LOG_H
#define LOG_H

#include "carid_plugin.h" /* CARID_LOG_* levels */

/* Sets the lowest level printed (CARID_LOG_DEBUG..CARID_LOG_ERR). */
void log_set_level(int level);
/* Parses "debug", "info", "warn" or "err"; -1 if none of them. */
int log_level_parse(const char *name);
/* Sends log lines (and stderr) to path, appending; called at start-up and
 * on SIGHUP so that logrotate can move the file.  0, or -1 with errno. */
int log_reopen(const char *path);
/* Thread-safe; fmt without trailing newline. */
void log_msg(int level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#define log_debug(...) log_msg(CARID_LOG_DEBUG, __VA_ARGS__)
#define log_info(...)  log_msg(CARID_LOG_INFO, __VA_ARGS__)
#define log_warn(...)  log_msg(CARID_LOG_WARN, __VA_ARGS__)
#define log_err(...)   log_msg(CARID_LOG_ERR, __VA_ARGS__)

/* Logs and exits 1; for startup errors and broken invariants only. */
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)))
__attribute__((noreturn));

#endif
