/*
 * ext.c - the 'indonesian' tokenizer as an SQLite loadable extension, so
 * anyone can ".load ./indonesian" in the sqlite3 shell and create tables
 * with tokenize='indonesian'.  The only file of plugins/indonesian that
 * includes an SQLite header; it calls SQLite through the sqlite3_api
 * pointer, and registers the tokenizer with the FTS5 plugin's glue
 * (plugins/fts5/fts5_tokenizer.h), which calls no sqlite3_* function.
 */
#include <stddef.h>

#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT1

#include "fts5_tokenizer.h"

/* Returns the connection's fts5_api, or NULL if FTS5 is missing. */
static fts5_api *
ext_fts5_api(sqlite3 *db)
{
    fts5_api *api = NULL;
    sqlite3_stmt *stmt = NULL;
    int rc;

    rc = sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &stmt, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_pointer(stmt, 1, &api, "fts5_api_ptr", NULL);
    if (rc == SQLITE_OK) sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    return api;
}

int sqlite3_indonesian_init(sqlite3 *db, char **errmsg,
                            const sqlite3_api_routines *api_routines);

/*
 * The extension entry point SQLite looks up for "indonesian.so".  Returns
 * SQLITE_OK, or an error code with a message in *errmsg (sqlite3_malloc'd;
 * SQLite frees it).  Runs on the thread loading the extension.
 */
__attribute__((visibility("default"))) int
sqlite3_indonesian_init(sqlite3 *db, char **errmsg,
                        const sqlite3_api_routines *api_routines)
{
    fts5_api *api;
    int rc;

    SQLITE_EXTENSION_INIT2(api_routines);
    api = ext_fts5_api(db);
    if (api == NULL || api->iVersion < 2) {
        *errmsg = sqlite3_mprintf("indonesian: FTS5 (fts5_api v2) missing");
        return SQLITE_ERROR;
    }
    rc = tokenizer_register(api);
    if (rc != SQLITE_OK)
        *errmsg = sqlite3_mprintf("indonesian: cannot register: %s",
                                  sqlite3_errstr(rc));
    return rc;
}
