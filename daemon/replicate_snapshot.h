/*
 * replicate_snapshot.h - carid --replicate-snapshot FILE: a new or lagging
 * node starts from another node's BACKUP instead of replaying the whole
 * log.  A BACKUP carries the sequence of the log its node had applied
 * (the plugin's host key REPLICATE_SEQ_KEY, in the same file), so the
 * node installs the file as its index and consumes the log after it.
 * BACKUP under --replicate names itself in the log (replicate.h), so that
 * a node sharing the folder can find the newest.
 * Main thread, before the plugin opens DATA for the daemon.
 */
#ifndef REPLICATE_SNAPSHOT_H
#define REPLICATE_SNAPSHOT_H

#include <stddef.h>

/*
 * With --replicate-snapshot FILE (auto: the BACKUP of the highest
 * sequence the log's bucket names that is a file of --backup-dir, if
 * any; replicate_log_newest_backup()): reads FILE's sequence (a copy of it in
 * DATA/snapshot-check, removed after) and DATA's index's, then makes FILE
 * DATA's index (the plugin's restore()) if DATA's is new (no article, no
 * sequence) or behind FILE; an index at or past FILE's is kept.  Refused
 * (-1 with err): FILE with no sequence (a BACKUP of a node without
 * --replicate), or DATA holding articles no log fed.  0 without the
 * option, or once done; STATS' replicate_snapshot_seq says what was
 * installed.
 */
int replicate_snapshot_take(char *err, size_t errlen);

#endif
