/*
 * hostkey.h - the daemon's own numbers in the index (carid_plugin.h,
 * host_set and host_get, ABI 8): rows of meta whose key is "host:" and the
 * daemon's key, so they never meet the plugin's own meta keys.
 */
#ifndef HOSTKEY_H
#define HOSTKEY_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"

/* Writer, inside the open transaction: stores value under key. */
int hostkey_set(struct db_conn *c, const char *key, int64_t value, char *err,
                size_t errlen);
/* Any connection: the committed value of key; *found 0 if there is none. */
int hostkey_get(struct db_conn *c, const char *key, int64_t *value, int *found,
                char *err, size_t errlen);

#endif
