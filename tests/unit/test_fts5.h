/*
 * test_fts5.h - the FTS5 API of a test's own connection, to register the
 * 'indonesian' tokenizer (and carid_snippet) on it.
 */
#ifndef TEST_FTS5_H
#define TEST_FTS5_H

#include <sqlite3.h>

/* db's fts5_api, or NULL if FTS5 is missing. */
static fts5_api *
test_fts5_api(sqlite3 *db)
{
    fts5_api *api = NULL;
    sqlite3_stmt *stmt = NULL;

    if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &stmt, NULL) ==
        SQLITE_OK) {
        sqlite3_bind_pointer(stmt, 1, &api, "fts5_api_ptr", NULL);
        sqlite3_step(stmt);
    }
    sqlite3_finalize(stmt);
    return api;
}

#endif
