/*
 * log.c - timestamped log lines on stderr.  Each line is formatted into a
 * local buffer and written with one write(2), so lines from different
 * threads never interleave.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static volatile int log_level = CARID_LOG_INFO;
static const char log_letters[] = "DIWE";

void
log_set_level(int level)
{
    log_level = level;
}

int
log_level_parse(const char *name)
{
    static const char *names[] = {"debug", "info", "warn", "err"};

    for (int i = 0; i < 4; i++) {
        if (strcmp(name, names[i]) == 0) return i;
    }
    return -1;
}

static void log_vmsg(int level, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

static void
log_vmsg(int level, const char *fmt, va_list ap)
{
    char line[1024];
    struct timeval tv;
    struct tm tm;
    size_t n;
    int w;

    gettimeofday(&tv, NULL);
    localtime_r(&tv.tv_sec, &tm);
    n = strftime(line, sizeof line, "%Y-%m-%d %H:%M:%S", &tm);
    w = snprintf(line + n, sizeof line - n, ".%03d %c ",
                 (int)(tv.tv_usec / 1000), log_letters[level & 3]);
    n += (size_t)w;
    w = vsnprintf(line + n, sizeof line - n, fmt, ap);
    if (w < 0) w = 0;
    n += (size_t)w;
    if (n > sizeof line - 2) n = sizeof line - 2;
    line[n++] = '\n';
    if (write(STDERR_FILENO, line, n) < 0) {
        /* Nowhere left to report it. */
    }
}

int
log_reopen(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);

    if (fd < 0) return -1;
    /* dup2 swaps fd 2 atomically: a thread mid-write() keeps a valid fd. */
    if (dup2(fd, STDERR_FILENO) < 0) {
        close(fd);
        return -1;
    }
    close(fd);
    return 0;
}

void
log_msg(int level, const char *fmt, ...)
{
    va_list ap;

    if (level < log_level) return;
    va_start(ap, fmt);
    log_vmsg(level, fmt, ap);
    va_end(ap);
}

void
fatal(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    log_vmsg(CARID_LOG_ERR, fmt, ap);
    va_end(ap);
    exit(1);
}
