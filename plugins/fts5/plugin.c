/*
 * plugin.c - the FTS5 index plugin's ABI table: carid_plugin_entry(), the
 * only exported symbol of carid_fts5.so.  Each member casts the daemon's
 * void * handles back to db.h's types (struct db, struct db_conn) and
 * calls store.c, query.c, suggest.c, repair.c, alias.c or hostkey.c.
 */

#include "alias.h"
#include "carid_plugin.h"
#include "collapse.h"
#include "db.h"
#include "dups.h"
#include "hostkey.h"
#include "query.h"
#include "repair.h"
#include "store.h"
#include "suggest.h"

#define PLUGIN_VERSION "0.1.0"

static int
plugin_open(const struct carid_host *host, const char *dir, void **db,
            char *err, size_t errlen)
{
    struct db *d;

    if (store_open(host, dir, &d, err, errlen) != 0) return -1;
    *db = d;
    return 0;
}

static void
plugin_close(void *db)
{
    store_close(db);
}

static int
plugin_conn_open(void *db, int writer, void **out, char *err, size_t errlen)
{
    struct db_conn *c;

    if (store_conn_open(db, writer, &c, err, errlen) != 0) return -1;
    *out = c;
    return 0;
}

static int
plugin_reader_open(void *db, void **reader, char *err, size_t errlen)
{
    return plugin_conn_open(db, 0, reader, err, errlen);
}

static int
plugin_writer_open(void *db, void **writer, char *err, size_t errlen)
{
    return plugin_conn_open(db, 1, writer, err, errlen);
}

static void
plugin_conn_close(void *conn)
{
    store_conn_close(conn);
}

static int
plugin_begin(void *writer, char *err, size_t errlen)
{
    return store_begin(writer, err, errlen);
}

static int
plugin_put(void *writer, const struct carid_doc *doc, char *err, size_t errlen)
{
    return store_put(writer, doc, err, errlen);
}

static int
plugin_del(void *writer, struct carid_str id, int *removed, char *err,
           size_t errlen)
{
    return store_del(writer, id, removed, err, errlen);
}

static int
plugin_commit(void *writer, char *err, size_t errlen)
{
    return store_commit(writer, err, errlen);
}

static void
plugin_rollback(void *writer)
{
    store_rollback(writer);
}

static int
plugin_get(void *reader, struct carid_str id, carid_doc_fn *fn, void *ctx,
           int *found, char *err, size_t errlen)
{
    return store_get(reader, id, fn, ctx, found, err, errlen);
}

static int
plugin_search(void *reader, const struct carid_query *q, carid_hit_fn *fn,
              void *ctx, int64_t *total, char *err, size_t errlen)
{
    if (q->collapse)
        return collapse_search(reader, q, fn, ctx, total, err, errlen);
    return query_search(reader, q, fn, ctx, total, err, errlen);
}

static int
plugin_termstats(void *reader, const struct carid_query *q, int want_total,
                 carid_stat_fn *fn, void *ctx, char *err, size_t errlen)
{
    return query_termstats(reader, q, want_total, fn, ctx, err, errlen);
}

static int
plugin_copies(void *reader, struct carid_str id, carid_term_fn *fn, void *ctx,
              int *found, char *err, size_t errlen)
{
    return dups_copies(reader, id, fn, ctx, found, err, errlen);
}

static int
plugin_stats(void *reader, carid_stat_fn *fn, void *ctx, char *err,
             size_t errlen)
{
    return store_stats(reader, fn, ctx, err, errlen);
}

/* ANALYZE: the tokens, then the expansions aliases would make. */
static int
plugin_analyze(void *reader, struct carid_str text, carid_token_fn *fn,
               void *ctx, char *err, size_t errlen)
{
    return alias_analyze(reader, text, fn, ctx, err, errlen);
}

static int
plugin_maintain(void *writer, int64_t budget_usec, int *more, char *err,
                size_t errlen)
{
    return store_maintain(writer, budget_usec, more, err, errlen);
}

static int
plugin_optimize(void *writer, char *err, size_t errlen)
{
    return store_optimize(writer, err, errlen);
}

static int
plugin_backup(void *reader, const char *path, char *err, size_t errlen)
{
    return store_backup(reader, path, err, errlen);
}

static int
plugin_suggest(void *reader, struct carid_str prefix, int64_t max,
               carid_term_fn *fn, void *ctx, char *err, size_t errlen)
{
    return suggest_words(reader, prefix, max, fn, ctx, err, errlen);
}

static int
plugin_facets(void *reader, const struct carid_query *q, int field,
              carid_term_fn *fn, void *ctx, char *err, size_t errlen)
{
    return query_facets(reader, q, field, fn, ctx, err, errlen);
}

static int
plugin_alias_add(void *writer, struct carid_str short_form,
                 struct carid_str long_form, int64_t *changed, char *err,
                 size_t errlen)
{
    return alias_add(writer, short_form, long_form, changed, err, errlen);
}

static int
plugin_alias_del(void *writer, struct carid_str short_form,
                 struct carid_str long_form, int64_t *changed, char *err,
                 size_t errlen)
{
    return alias_del(writer, short_form, long_form, changed, err, errlen);
}

static int
plugin_alias_list(void *reader, struct carid_str short_form, carid_alias_fn *fn,
                  void *ctx, char *err, size_t errlen)
{
    return alias_list(reader, short_form, fn, ctx, err, errlen);
}

static int
plugin_host_set(void *writer, const char *key, int64_t value, char *err,
                size_t errlen)
{
    return hostkey_set(writer, key, value, err, errlen);
}

static int
plugin_host_get(void *reader, const char *key, int64_t *value, int *found,
                char *err, size_t errlen)
{
    return hostkey_get(reader, key, value, found, err, errlen);
}

static const struct carid_plugin plugin_fts5 = {
    .abi = CARID_PLUGIN_ABI,
    .name = "fts5",
    .version = PLUGIN_VERSION,
    .open = plugin_open,
    .close = plugin_close,
    .reader_open = plugin_reader_open,
    .reader_close = plugin_conn_close,
    .writer_open = plugin_writer_open,
    .writer_close = plugin_conn_close,
    .begin = plugin_begin,
    .put = plugin_put,
    .del = plugin_del,
    .commit = plugin_commit,
    .rollback = plugin_rollback,
    .get = plugin_get,
    .search = plugin_search,
    .stats = plugin_stats,
    .analyze = plugin_analyze,
    .optimize = plugin_optimize,
    .maintain = plugin_maintain,
    .backup = plugin_backup,
    .suggest = plugin_suggest,
    .facets = plugin_facets,
    .check = repair_check,
    .rebuild = repair_rebuild,
    .alias_add = plugin_alias_add,
    .alias_del = plugin_alias_del,
    .alias_list = plugin_alias_list,
    .copies = plugin_copies,
    .host_set = plugin_host_set,
    .host_get = plugin_host_get,
    .restore = repair_restore,
    .termstats = plugin_termstats,
};

/*
 * Returns the plugin's table: static, never freed, the same on every call.
 * Any thread.
 */
CARID_EXPORT const struct carid_plugin *
carid_plugin_entry(void)
{
    return &plugin_fts5;
}
