/*
 * backup.h - BACKUP's files.  A backup is written under a fresh temporary
 * name inside the backup directory, made durable, then given its final
 * name without replacing anything: the name holds a complete backup or
 * nothing, and no symbolic link is ever followed.
 */
#ifndef BACKUP_H
#define BACKUP_H

#include <stddef.h>

/* Unfinished backups start with this; backup names cannot (no dot). */
#define BACKUP_TMP_PREFIX ".carid-backup-"

enum backup_result { BACKUP_OK = 0, BACKUP_FAILED = -1, BACKUP_EXISTS = -2 };

/* Writes a copy of the index to a temporary file at path (the plugin's
 * backup); 0, or -1 with err set. */
typedef int backup_copy_fn(void *ctx, const char *path, char *err,
                           size_t errlen);

/* At start-up: checks that dir is a directory and not a symbolic link,
 * and removes the temporary files of backups whose process died.  0, or
 * -1 with err set. */
int backup_clean(const char *dir, char *err, size_t errlen);

/* Copies the index into dir/name (name already checked: a plain file name
 * not starting with '.').  BACKUP_EXISTS if anything has that name,
 * before or at the end of the copy; BACKUP_FAILED with err set. */
enum backup_result backup_write(const char *dir, const char *name,
                                backup_copy_fn *copy, void *ctx, char *err,
                                size_t errlen);

#endif
