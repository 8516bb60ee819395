/*
 * hostkey.c - see hostkey.h.
 */
#include <stdio.h>
#include <string.h>

#include "carid_plugin.h"
#include "hostkey.h"

enum hostkey_stmt { HOSTKEY_SET, HOSTKEY_GET, HOSTKEY_STMT_COUNT };

static const char *const hostkey_sql[HOSTKEY_STMT_COUNT] = {
    [HOSTKEY_SET] = "INSERT INTO meta(key, value) VALUES ('host:' || ?1, ?2)"
                    " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    [HOSTKEY_GET] = "SELECT value FROM meta WHERE key = 'host:' || ?1",
};

/* 0 if key is one the ABI allows, else -1 with err. */
static int
hostkey_check(const char *key, char *err, size_t errlen)
{
    size_t n = strlen(key);

    if (n > 0 && n <= CARID_HOST_KEY_MAX &&
        strspn(key, "abcdefghijklmnopqrstuvwxyz_") == n)
        return 0;
    snprintf(err, errlen, "host key '%.40s': 1 to %d of [a-z_]", key,
             CARID_HOST_KEY_MAX);
    return -1;
}

static sqlite3_stmt *
hostkey_stmt(struct db_conn *c, enum hostkey_stmt which, const char *key,
             char *err, size_t errlen)
{
    sqlite3_stmt *st;

    if (hostkey_check(key, err, errlen) != 0) return NULL;
    st = db_stmt(c, DB_OWN_HOSTKEY, which, HOSTKEY_STMT_COUNT,
                 hostkey_sql[which], err, errlen);
    if (st != NULL &&
        sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC) != SQLITE_OK) {
        db_fail(c, "host key", err, errlen);
        db_done(st);
        return NULL;
    }
    return st;
}

int
hostkey_set(struct db_conn *c, const char *key, int64_t value, char *err,
            size_t errlen)
{
    sqlite3_stmt *st = hostkey_stmt(c, HOSTKEY_SET, key, err, errlen);

    if (st == NULL) return -1;
    if (sqlite3_bind_int64(st, 2, value) != SQLITE_OK) {
        db_fail(c, "host key", err, errlen);
        db_done(st);
        return -1;
    }
    return db_run(c, st, "host key", err, errlen);
}

int
hostkey_get(struct db_conn *c, const char *key, int64_t *value, int *found,
            char *err, size_t errlen)
{
    sqlite3_stmt *st = hostkey_stmt(c, HOSTKEY_GET, key, err, errlen);
    int rc;

    *value = 0;
    *found = 0;
    if (st == NULL) return -1;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *value = sqlite3_column_int64(st, 0);
        *found = 1;
    }
    db_done(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return db_fail_rc(c, rc, "host key", err, errlen);
    return 0;
}
