/*
 * replicate_snapshot.c - see replicate_snapshot.h.  Only the plugin's own
 * functions touch an index: the daemon never learns the names of the
 * plugin's files.  FILE's sequence is read by restoring it into a folder
 * of DATA made for that and opening it there, so the decision is made
 * before DATA's index is touched; FILE is then restored a second time,
 * into DATA.  The operator's FILE is only read.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "replicate.h"
#include "replicate_log.h"
#include "replicate_snapshot.h"
#include "server.h"
#include "stats.h"

#define SNAPSHOT_CHECK_DIR "snapshot-check" /* in DATA, while it is read */

/* What an index holds, as far as the decision goes. */
struct snapshot_state {
    int64_t seq;  /* the log's sequence it applied; 0: none */
    int64_t docs; /* its articles */
};

static int
snapshot_stat(void *ctx, const char *name, int64_t value)
{
    if (strcmp(name, "documents") == 0) *(int64_t *)ctx = value;
    return 0;
}

/* The plugin's index in dir, opened for the daemon's two questions. */
static int
snapshot_read(const char *dir, struct snapshot_state *st, char *err,
              size_t errlen)
{
    const struct carid_plugin *p = server.plugin;
    void *db = NULL, *reader = NULL;
    int found = 0, rc;

    st->seq = st->docs = 0;
    if (p->open(&server.host, dir, &db, err, errlen) != 0) return -1;
    rc = p->reader_open(db, &reader, err, errlen);
    if (rc == 0)
        rc = p->host_get(reader, REPLICATE_SEQ_KEY, &st->seq, &found, err,
                         errlen);
    if (rc == 0) rc = p->stats(reader, snapshot_stat, &st->docs, err, errlen);
    if (reader != NULL) p->reader_close(reader);
    p->close(db);
    return rc;
}

/* Empties and removes the check folder (only ever the plugin's files; a
 * link in its place is not followed). */
static void
snapshot_check_remove(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    struct dirent *e;

    if (d == NULL) {
        if (fd >= 0) close(fd);
        if (errno == ELOOP || errno == ENOTDIR) unlink(dir);
        return;
    }
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            unlinkat(dirfd(d), e->d_name, 0);
    closedir(d);
    rmdir(dir);
}

/* FILE's sequence and articles, from a copy of it in DATA's check
 * folder. */
static int
snapshot_file_state(const char *file, struct snapshot_state *st, char *err,
                    size_t errlen)
{
    char dir[4096];
    int rc;

    snprintf(dir, sizeof dir, "%s/%s", server.cfg.data, SNAPSHOT_CHECK_DIR);
    snapshot_check_remove(dir); /* left by a start that died */
    if (mkdir(dir, 0700) != 0) {
        snprintf(err, errlen, "cannot create %.900s: %s", dir, strerror(errno));
        return -1;
    }
    rc = server.plugin->restore(&server.host, dir, file, err, errlen);
    if (rc == 0) rc = snapshot_read(dir, st, err, errlen);
    snapshot_check_remove(dir);
    return rc;
}

/* auto: the newest BACKUP the log's bucket names that is in backup-dir,
 * as a path into path ("" if none: the node replays the log). */
static int
snapshot_auto(char *path, size_t pathlen, char *err, size_t errlen)
{
    char name[256], why[512];
    uint64_t seq;

    *path = '\0';
    if (replicate_log_newest_backup(server.cfg.replicate, server.cfg.stream,
                                    server.backup_dir, name, sizeof name, &seq,
                                    why, sizeof why) != 0) {
        snprintf(err, errlen, "--replicate-snapshot auto: %s", why);
        return -1;
    }
    if (*name == '\0') {
        log_info("replicate: no BACKUP announced on the log is in %s: "
                 "--replicate-snapshot auto found none",
                 server.backup_dir);
        return 0;
    }
    snprintf(path, pathlen, "%s/%s", server.backup_dir, name);
    log_info("replicate: --replicate-snapshot auto: %s (announced at "
             "sequence %" PRIu64 ")",
             path, seq);
    return 0;
}

int
replicate_snapshot_take(char *err, size_t errlen)
{
    const struct carid_plugin *p = server.plugin;
    const char *file = server.cfg.replicate_snapshot;
    struct snapshot_state node, snap;
    char why[1024], path[4400];

    if (*file == '\0') return 0;
    if (*server.cfg.replicate == '\0') {
        snprintf(err, errlen, "--replicate-snapshot needs --replicate");
        return -1;
    }
    if (p->restore == NULL || p->host_get == NULL) {
        snprintf(err, errlen, "plugin %s cannot restore a BACKUP", p->name);
        return -1;
    }
    if (strcmp(file, "auto") == 0) {
        if (snapshot_auto(path, sizeof path, err, errlen) != 0) return -1;
        if (*path == '\0') return 0;
        file = path;
    }
    if (snapshot_file_state(file, &snap, why, sizeof why) != 0) {
        snprintf(err, errlen, "--replicate-snapshot %s: %s", file, why);
        return -1;
    }
    if (snap.seq <= 0) {
        snprintf(err, errlen,
                 "--replicate-snapshot %s records no sequence of the log: "
                 "not a BACKUP of a --replicate node",
                 file);
        return -1;
    }
    if (snapshot_read(server.cfg.data, &node, why, sizeof why) != 0) {
        snprintf(err, errlen, "%s: %s", server.cfg.data, why);
        return -1;
    }
    if (node.seq >= snap.seq) {
        log_info("replicate: kept this node's index (sequence %" PRId64
                 ", the snapshot's %" PRId64 "): %s not used",
                 node.seq, snap.seq, file);
        return 0;
    }
    if (node.seq == 0 && node.docs > 0) {
        snprintf(err, errlen,
                 "%s holds %" PRId64 " articles no log fed (no sequence): "
                 "carid does not replace it; move it away, or start "
                 "without --replicate-snapshot",
                 server.cfg.data, node.docs);
        return -1;
    }
    if (p->restore(&server.host, server.cfg.data, file, why, sizeof why) != 0) {
        snprintf(err, errlen, "--replicate-snapshot %s: %s", file, why);
        return -1;
    }
    stats_set(&stats.replicate_snapshot_seq, (uint64_t)snap.seq);
    log_info("replicate: started from the snapshot %s (sequence %" PRId64
             ", %" PRId64 " articles) instead of this node's index "
             "(sequence %" PRId64 ")",
             file, snap.seq, snap.docs, node.seq);
    return 0;
}
