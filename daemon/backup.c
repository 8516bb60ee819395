/*
 * backup.c - BACKUP's files: a unique temporary file created inside the
 * backup directory (opened without following links), filled by the
 * plugin, checked, fsynced, then renamed to its final name only if that
 * name is free, and the directory fsynced.
 */
#define _GNU_SOURCE /* renameat2 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backup.h"
#include "log.h"

/* The directory itself: a symbolic link in its place is refused. */
static int
backup_dir_open(const char *dir, char *err, size_t errlen)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

    if (fd < 0)
        snprintf(err, errlen, "backup directory %s: %s%s", dir, strerror(errno),
                 errno == ELOOP || errno == ENOTDIR
                     ? " (it must be a directory, not a symbolic link)"
                     : "");
    return fd;
}

/* A temporary file nobody holds locked was left by a killed BACKUP (the
 * lock goes with its process). */
static void
backup_clean_one(int dfd, const char *tmp)
{
    int fd = openat(dfd, tmp, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    struct stat st;

    if (fd < 0) return;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
        flock(fd, LOCK_EX | LOCK_NB) == 0 && unlinkat(dfd, tmp, 0) == 0)
        log_info("removed %s, left by an unfinished BACKUP", tmp);
    close(fd);
}

int
backup_clean(const char *dir, char *err, size_t errlen)
{
    int dfd = backup_dir_open(dir, err, errlen);
    struct dirent *e;
    DIR *d;

    if (dfd < 0) return -1;
    d = fdopendir(dfd);
    if (d == NULL) {
        snprintf(err, errlen, "backup directory %s: %s", dir, strerror(errno));
        close(dfd);
        return -1;
    }
    while ((e = readdir(d)) != NULL)
        if (strncmp(e->d_name, BACKUP_TMP_PREFIX,
                    sizeof BACKUP_TMP_PREFIX - 1) == 0)
            backup_clean_one(dirfd(d), e->d_name);
    closedir(d);
    return 0;
}

/* Creates prefix + name + random hex with O_EXCL (never an existing file,
 * never through a link) and locks it for as long as it is open. */
static int
backup_tmp_create(int dfd, const char *name, char *tmp, size_t tmplen,
                  char *err, size_t errlen)
{
    unsigned char r[8];
    int fd, n;

    if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r) {
        snprintf(err, errlen, "getrandom: %s", strerror(errno));
        return -1;
    }
    n = snprintf(tmp, tmplen, BACKUP_TMP_PREFIX "%s.", name);
    for (size_t i = 0; i < sizeof r && n > 0 && (size_t)n + 2 < tmplen; i++)
        n += snprintf(tmp + n, tmplen - (size_t)n, "%02x", r[i]);
    fd = openat(dfd, tmp, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                0644);
    if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0) return fd;
    snprintf(err, errlen, "cannot create %s: %s", tmp, strerror(errno));
    if (fd >= 0) {
        unlinkat(dfd, tmp, 0);
        close(fd);
    }
    return -1;
}

/* The plugin wrote through a path: the name must still be the file
 * created above, and no longer empty. */
static int
backup_tmp_check(int dfd, int fd, const char *tmp)
{
    struct stat a, b;

    return fstat(fd, &a) == 0 &&
                   fstatat(dfd, tmp, &b, AT_SYMLINK_NOFOLLOW) == 0 &&
                   S_ISREG(b.st_mode) && a.st_dev == b.st_dev &&
                   a.st_ino == b.st_ino && a.st_size > 0
               ? 0
               : -1;
}

/* Gives tmp its final name unless something has that name already. */
static int
backup_publish(int dfd, const char *tmp, const char *name)
{
    if (renameat2(dfd, tmp, dfd, name, RENAME_NOREPLACE) == 0) return 0;
    if (errno != EINVAL && errno != ENOSYS) return -1;
    /* No RENAME_NOREPLACE on this file system: link() never replaces. */
    if (linkat(dfd, tmp, dfd, name, 0) != 0) return -1;
    unlinkat(dfd, tmp, 0);
    return 0;
}

/* Anything under the name, even a dangling link, means it is taken. */
static enum backup_result
backup_free(int dfd, const char *dir, const char *name, char *err,
            size_t errlen)
{
    struct stat st;

    if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) return BACKUP_EXISTS;
    if (errno == ENOENT) return BACKUP_OK;
    snprintf(err, errlen, "%s/%s: %s", dir, name, strerror(errno));
    return BACKUP_FAILED;
}

static enum backup_result
backup_fill(int dfd, int fd, const char *dir, const char *tmp, const char *name,
            backup_copy_fn *copy, void *ctx, char *err, size_t errlen)
{
    char path[PATH_MAX];

    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, tmp) >= sizeof path) {
        snprintf(err, errlen, "backup path too long");
        return BACKUP_FAILED;
    }
    if (copy(ctx, path, err, errlen) != 0) return BACKUP_FAILED;
    if (backup_tmp_check(dfd, fd, tmp) != 0) {
        snprintf(err, errlen, "%s was replaced while it was written", path);
        return BACKUP_FAILED;
    }
    if (fsync(fd) != 0 || backup_publish(dfd, tmp, name) != 0) {
        if (errno == EEXIST)
            return BACKUP_EXISTS; /* another BACKUP of the name won */
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return BACKUP_FAILED;
    }
    if (fsync(dfd) != 0) {
        snprintf(err, errlen, "fsync %s: %s", dir, strerror(errno));
        return BACKUP_FAILED;
    }
    return BACKUP_OK;
}

enum backup_result
backup_write(const char *dir, const char *name, backup_copy_fn *copy, void *ctx,
             char *err, size_t errlen)
{
    char tmp[NAME_MAX + 1];
    enum backup_result res;
    int dfd, fd;

    dfd = backup_dir_open(dir, err, errlen);
    if (dfd < 0) return BACKUP_FAILED;
    res = backup_free(dfd, dir, name, err, errlen);
    if (res == BACKUP_OK) {
        fd = backup_tmp_create(dfd, name, tmp, sizeof tmp, err, errlen);
        res = fd < 0 ? BACKUP_FAILED
                     : backup_fill(dfd, fd, dir, tmp, name, copy, ctx, err,
                                   errlen);
        if (fd >= 0 && res != BACKUP_OK) unlinkat(dfd, tmp, 0);
        if (fd >= 0) close(fd);
    }
    close(dfd);
    return res;
}
