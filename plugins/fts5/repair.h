/*
 * repair.h - carid --check, carid --rebuild and a BACKUP restored
 * (--replicate-snapshot) for the FTS5 plugin: the ABI's check(), rebuild()
 * and restore(), run without open() (DESIGN.md, "Corruption").
 */
#ifndef REPAIR_H
#define REPAIR_H

#include <stddef.h>
#include <stdint.h>

#include "carid_plugin.h"

/* PRAGMA quick_check of dir's carid.db, read-only: 0 sound, 1 corrupt,
 * -1 could not check; the verdict in msg. */
int repair_check(const struct carid_host *host, const char *dir, char *msg,
                 size_t msglen);
/* A new carid.db from every article the old one still gives up; the old
 * kept beside it.  0 with *kept, *lost and where the old file went in
 * msg, or -1 with the reason in msg (the old file then stays in place). */
int repair_rebuild(const struct carid_host *host, const char *dir,
                   int64_t *kept, int64_t *lost, char *msg, size_t msglen);

/* The file at from (a BACKUP) made dir's carid.db: checked (carid's,
 * this schema, quick_check), copied to carid.db.restore, fsynced and
 * renamed over carid.db (its -wal and -shm removed first).  0, or -1 with
 * the reason in msg, dir's file as it was. */
int repair_restore(const struct carid_host *host, const char *dir,
                   const char *from, char *msg, size_t msglen);

#endif
