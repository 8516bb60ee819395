/*
 * sources.c - see sources.h: the writer's notes and their commit, the
 * rebuild from docs_source, and the readers' per-connection sets.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sources.h"

enum sources_stmt {
    SOURCES_META,   /* gen, sources_gen, sources_rows */
    SOURCES_DOCS,   /* articles in docs */
    SOURCES_GET,    /* a source's set */
    SOURCES_ALL,    /* every source's */
    SOURCES_PUT,    /* a source's new set */
    SOURCES_DROP,   /* a source without articles */
    SOURCES_CLEAR,  /* before a rebuild */
    SOURCES_SCAN,   /* every article's source, for the rebuild */
    SOURCES_STAMP,  /* sources_gen := gen */
    SOURCES_ROWS,   /* sources_rows := ?1 */
    SOURCES_FOLLOW, /* sources_gen := gen if it was ?1 */
    SOURCES_STMT_COUNT
};

static const char *const sources_sql[SOURCES_STMT_COUNT] = {
    [SOURCES_META] =
        "SELECT coalesce((SELECT value FROM meta WHERE key = 'gen'), 0),"
        " (SELECT value FROM meta WHERE key = 'sources_gen'),"
        " (SELECT value FROM meta WHERE key = 'sources_rows')",
    [SOURCES_DOCS] = "SELECT count(*) FROM docs",
    [SOURCES_GET] = "SELECT bits FROM source_sets WHERE source = ?1",
    [SOURCES_ALL] = "SELECT source, bits FROM source_sets ORDER BY source",
    [SOURCES_PUT] = "INSERT OR REPLACE INTO source_sets(source, bits)"
                    " VALUES (?1, ?2)",
    [SOURCES_DROP] = "DELETE FROM source_sets WHERE source = ?1",
    [SOURCES_CLEAR] = "DELETE FROM source_sets",
    /* docs_source is (rowid, source): rowids come in ascending order */
    [SOURCES_SCAN] = "SELECT source, rowid FROM docs INDEXED BY docs_source",
    [SOURCES_STAMP] =
        "INSERT INTO meta(key, value) VALUES ('sources_gen',"
        " coalesce((SELECT value FROM meta WHERE key = 'gen'), 0))"
        " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    [SOURCES_ROWS] = "INSERT INTO meta(key, value) VALUES ('sources_rows', ?1)"
                     " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    [SOURCES_FOLLOW] =
        "UPDATE meta SET value = coalesce((SELECT value FROM meta"
        " WHERE key = 'gen'), 0) WHERE key = 'sources_gen' AND value = ?1",
};

/* A note: the article rowid added to or removed from the source
 * text[off..off+len). */
struct sources_op {
    int64_t rowid;
    size_t off, len, seq;
    int add;
};

/* A source and its set, in the byte order of the names. */
struct sources_entry {
    char *name;
    size_t len;
    struct source_set set;
};

struct sources {
    /* the writer's */
    int checked;           /* the sets' state is known for this batch */
    int current;           /* ... and they are current */
    struct sources_op *op; /* the batch's notes */
    size_t nop, capop;
    char *text; /* their sources' names */
    size_t ntext, captext;
    /* a reader's (and the rebuild's) */
    struct sources_entry **e; /* each owned: a set does not move */
    int n, cap;
    int all;     /* e holds every source (else those asked for) */
    int64_t gen; /* the generation e is for */
    /* sources_map()'s: made = 1 built, -2 could not be */
    struct source_map map;
    struct carid_str *names; /* owned array; the names are e's */
    int nnames, made;
};

static sqlite3_stmt *
sources_stmt(struct db_conn *c, enum sources_stmt which, char *err,
             size_t errlen)
{
    return db_stmt(c, DB_OWN_SOURCES, which, SOURCES_STMT_COUNT,
                   sources_sql[which], err, errlen);
}

static struct sources *
sources_state(struct db_conn *c, char *err, size_t errlen)
{
    if (c->sources == NULL &&
        (c->sources = calloc(1, sizeof *c->sources)) == NULL)
        snprintf(err, errlen, "out of memory");
    return c->sources;
}

static void
sources_entries_free(struct sources *s)
{
    int i;

    for (i = 0; i < s->n; i++) {
        free(s->e[i]->name);
        source_set_clear(&s->e[i]->set);
        free(s->e[i]);
    }
    free(s->e);
    s->e = NULL;
    s->n = s->cap = 0;
    s->all = 0;
    source_map_free(&s->map);
    free(s->names);
    s->names = NULL;
    s->nnames = s->made = 0;
}

void
sources_free(struct db_conn *c)
{
    if (c->sources == NULL) return;
    sources_entries_free(c->sources);
    free(c->sources->op);
    free(c->sources->text);
    free(c->sources);
    c->sources = NULL;
}

/* The byte order of names, shorter first on a common prefix (SQLite's
 * BINARY collation). */
static int
sources_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
    int d = memcmp(a, b, alen < blen ? alen : blen);

    if (d != 0) return d;
    return alen < blen ? -1 : alen > blen;
}

/* The entry of name, made (with an empty set) if there is none: NULL out
 * of memory. */
static struct sources_entry *
sources_entry(struct sources *s, const char *name, size_t len, int *made)
{
    int lo = 0, hi = s->n;
    struct sources_entry *e;

    *made = 0;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        int d = sources_cmp(s->e[mid]->name, s->e[mid]->len, name, len);

        if (d == 0) return s->e[mid];
        if (d < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (s->n == s->cap) {
        int cap = s->cap > 0 ? 2 * s->cap : 16;
        struct sources_entry **a = realloc(s->e, (size_t)cap * sizeof *a);

        if (a == NULL) return NULL;
        s->e = a;
        s->cap = cap;
    }
    if ((e = calloc(1, sizeof *e)) == NULL) return NULL;
    if ((e->name = malloc(len + 1)) == NULL) {
        free(e);
        return NULL;
    }
    memcpy(e->name, name, len);
    e->name[len] = '\0';
    e->len = len;
    memmove(&s->e[lo + 1], &s->e[lo], (size_t)(s->n - lo) * sizeof *s->e);
    s->e[lo] = e;
    s->n++;
    *made = 1;
    return e;
}

/* The meta stamps: 0 with *gen, *rows (-1 when absent), -1 with err. */
static int
sources_meta(struct db_conn *c, int64_t *gen, int64_t *sgen, int64_t *rows,
             char *err, size_t errlen)
{
    sqlite3_stmt *stmt = sources_stmt(c, SOURCES_META, err, errlen);
    int rc;

    if (stmt == NULL) return -1;
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        *gen = sqlite3_column_int64(stmt, 0);
        *sgen = sqlite3_column_type(stmt, 1) == SQLITE_NULL
                    ? -1
                    : sqlite3_column_int64(stmt, 1);
        *rows = sqlite3_column_type(stmt, 2) == SQLITE_NULL
                    ? -1
                    : sqlite3_column_int64(stmt, 2);
    } else {
        db_fail(c, "source sets", err, errlen);
    }
    db_done(stmt);
    return rc == SQLITE_ROW ? 0 : -1;
}

/* Reads a BLOB column into the empty set: 0, -1 with err set. */
static int
sources_read(sqlite3_stmt *stmt, int col, struct source_set *set,
             struct carid_str name, char *err, size_t errlen)
{
    const void *p = sqlite3_column_blob(stmt, col);
    int rc = source_set_read(set, p, (size_t)sqlite3_column_bytes(stmt, col));

    if (rc == -2 ||
        (p == NULL && sqlite3_errcode(sqlite3_db_handle(stmt)) == SQLITE_NOMEM))
        snprintf(err, errlen, "out of memory");
    else if (rc != 0)
        snprintf(err, errlen,
                 "source set of '%.*s' corrupt: a write rebuilds it after "
                 "UPDATE meta SET value = -1 WHERE key = 'sources_gen'",
                 (int)(name.len > 64 ? 64 : name.len), name.p);
    return rc == 0 ? 0 : -1;
}

/* ---- the writer */

int
sources_begin(struct db_conn *c, char *err, size_t errlen)
{
    struct sources *s = sources_state(c, err, errlen);
    int64_t gen, sgen, rows, docs = -1;
    sqlite3_stmt *stmt;
    int rc;

    if (s == NULL) return -1;
    s->nop = s->ntext = 0;
    if (s->checked) return 0;
    if (sources_meta(c, &gen, &sgen, &rows, err, errlen) != 0) return -1;
    if (sgen == gen && rows >= 0) {
        if ((stmt = sources_stmt(c, SOURCES_DOCS, err, errlen)) == NULL)
            return -1;
        rc = sqlite3_step(stmt);
        if (rc == SQLITE_ROW)
            docs = sqlite3_column_int64(stmt, 0);
        else
            db_fail(c, "source sets", err, errlen);
        db_done(stmt);
        if (rc != SQLITE_ROW) return -1;
    }
    s->current = sgen == gen && rows == docs;
    s->checked = 1;
    return 0;
}

int
sources_note(struct db_conn *c, int add, int64_t rowid, struct carid_str source,
             char *err, size_t errlen)
{
    struct sources *s = sources_state(c, err, errlen);
    struct sources_op *op;

    if (s == NULL) return -1;
    if (source.p == NULL) source.len = 0;
    if (s->nop == s->capop) {
        size_t cap = s->capop > 0 ? 2 * s->capop : 256;

        if ((op = realloc(s->op, cap * sizeof *op)) == NULL) goto nomem;
        s->op = op;
        s->capop = cap;
    }
    if (s->text == NULL || s->ntext + source.len > s->captext) {
        size_t cap = s->captext > 0 ? 2 * s->captext : 4096;
        char *t;

        while (cap < s->ntext + source.len)
            cap *= 2;
        if ((t = realloc(s->text, cap)) == NULL) goto nomem;
        s->text = t;
        s->captext = cap;
    }
    if (source.len > 0) memcpy(s->text + s->ntext, source.p, source.len);
    op = &s->op[s->nop];
    op->rowid = rowid;
    op->off = s->ntext;
    op->len = source.len;
    op->seq = s->nop;
    op->add = add;
    s->ntext += source.len;
    s->nop++;
    return 0;
nomem:
    snprintf(err, errlen, "out of memory");
    return -1;
}

/* Writes (or drops, when empty) the set of name. */
static int
sources_put(struct db_conn *c, struct carid_str name, struct source_set *set,
            char *err, size_t errlen)
{
    sqlite3_stmt *stmt;
    uint8_t *buf = NULL;
    size_t n = 0;
    int rc;

    if (source_set_count(set) == 0) {
        stmt = sources_stmt(c, SOURCES_DROP, err, errlen);
    } else {
        stmt = sources_stmt(c, SOURCES_PUT, err, errlen);
        n = source_set_size(set);
        if (stmt != NULL && (buf = malloc(n)) == NULL) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        if (buf != NULL) source_set_write(set, buf);
    }
    if (stmt == NULL) return -1;
    rc = db_bind(stmt, 1, name);
    if (rc == SQLITE_OK && buf != NULL)
        rc = sqlite3_bind_blob64(stmt, 2, buf, n, SQLITE_STATIC);
    if (rc == SQLITE_OK) rc = sqlite3_step(stmt);
    if (rc != SQLITE_DONE) db_fail(c, "source sets", err, errlen);
    db_done(stmt);
    free(buf);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* Reads the stored set of name into the empty set: 0, -1 with err set. */
static int
sources_load(struct db_conn *c, struct carid_str name, struct source_set *set,
             char *err, size_t errlen)
{
    sqlite3_stmt *stmt = sources_stmt(c, SOURCES_GET, err, errlen);
    int rc;

    if (stmt == NULL) return -1;
    rc = db_bind(stmt, 1, name);
    if (rc == SQLITE_OK) rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
        rc = sources_read(stmt, 0, set, name, err, errlen) == 0 ? SQLITE_DONE
                                                                : -1;
    else if (rc != SQLITE_DONE)
        db_fail(c, "source sets", err, errlen);
    db_done(stmt);
    return rc == SQLITE_DONE ? 0 : -1;
}

static const char *sources_sort_text; /* qsort has no context argument */

static int
sources_op_cmp(const void *a, const void *b)
{
    const struct sources_op *x = a, *y = b;
    int d = sources_cmp(sources_sort_text + x->off, x->len,
                        sources_sort_text + y->off, y->len);

    if (d != 0) return d;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* The notes applied, one touched source at a time, in their order; the
 * articles they added minus removed into *delta. */
static int
sources_apply(struct db_conn *c, struct sources *s, int64_t *delta, char *err,
              size_t errlen)
{
    struct source_set set;
    size_t i = 0, j;
    int rc = 0;

    *delta = 0;
    /* the writer thread is the only caller: the static is its own */
    sources_sort_text = s->text;
    qsort(s->op, s->nop, sizeof *s->op, sources_op_cmp);
    while (rc == 0 && i < s->nop) {
        struct carid_str name = {s->text + s->op[i].off, s->op[i].len};

        source_set_init(&set);
        rc = sources_load(c, name, &set, err, errlen);
        for (j = i; j < s->nop && s->op[j].len == name.len &&
                    memcmp(s->text + s->op[j].off, name.p, name.len) == 0;
             j++) {
            if (rc != 0) continue;
            if (!s->op[j].add) {
                *delta -= source_set_contains(&set, s->op[j].rowid);
                source_set_remove(&set, s->op[j].rowid);
            } else if (!source_set_contains(&set, s->op[j].rowid)) {
                if (source_set_add(&set, s->op[j].rowid) != 0) {
                    snprintf(err, errlen, "out of memory");
                    rc = -1;
                }
                (*delta)++;
            }
        }
        if (rc == 0) rc = sources_put(c, name, &set, err, errlen);
        source_set_clear(&set);
        i = j;
    }
    return rc;
}

/* Every set made again from docs_source (this batch's writes included);
 * the articles into *rows. */
static int
sources_rebuild(struct db_conn *c, struct sources *s, int64_t *rows, char *err,
                size_t errlen)
{
    sqlite3_stmt *stmt;
    struct sources_entry *e = NULL;
    int rc, made, i;

    *rows = 0;
    sources_entries_free(s);
    if (db_run(c, sources_stmt(c, SOURCES_CLEAR, err, errlen), "source sets",
               err, errlen) != 0 ||
        (stmt = sources_stmt(c, SOURCES_SCAN, err, errlen)) == NULL)
        return -1;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        struct carid_str name = db_column(stmt, 0);

        if (name.p == NULL) name.len = 0;
        /* consecutive articles of one source are common: no search */
        if (e == NULL || sources_cmp(e->name, e->len, name.p, name.len) != 0)
            e = sources_entry(s, name.len > 0 ? name.p : "", name.len, &made);
        if (e == NULL ||
            source_set_add(&e->set, sqlite3_column_int64(stmt, 1)) != 0) {
            rc = SQLITE_NOMEM;
            break;
        }
        (*rows)++;
    }
    if (rc != SQLITE_DONE) db_fail_rc(c, rc, "source sets", err, errlen);
    db_done(stmt);
    for (i = 0; rc == SQLITE_DONE && i < s->n; i++) {
        struct carid_str name = {s->e[i]->name, s->e[i]->len};

        if (sources_put(c, name, &s->e[i]->set, err, errlen) != 0) rc = -1;
    }
    sources_entries_free(s); /* the writer keeps no sets */
    return rc == SQLITE_DONE ? 0 : -1;
}

int
sources_commit(struct db_conn *c, char *err, size_t errlen)
{
    struct sources *s = sources_state(c, err, errlen);
    int64_t gen, sgen, rows, delta = 0;
    sqlite3_stmt *stmt;
    int rc;

    if (s == NULL) return -1;
    if (!s->checked && sources_begin(c, err, errlen) != 0) return -1;
    if (s->current) {
        if (s->nop > 0 && sources_apply(c, s, &delta, err, errlen) != 0)
            return -1;
        if (sources_meta(c, &gen, &sgen, &rows, err, errlen) != 0) return -1;
        rows += delta;
    } else if (sources_rebuild(c, s, &rows, err, errlen) != 0) {
        return -1;
    }
    if (db_run(c, sources_stmt(c, SOURCES_STAMP, err, errlen), "source sets",
               err, errlen) != 0 ||
        (stmt = sources_stmt(c, SOURCES_ROWS, err, errlen)) == NULL)
        return -1;
    rc = sqlite3_bind_int64(stmt, 1, rows);
    if (rc == SQLITE_OK) rc = sqlite3_step(stmt);
    if (rc != SQLITE_DONE) db_fail(c, "source sets", err, errlen);
    db_done(stmt);
    return rc == SQLITE_DONE ? 0 : -1;
}

void
sources_done(struct db_conn *c, int ok)
{
    struct sources *s = c->sources;

    if (s == NULL) return;
    s->nop = s->ntext = 0;
    if (ok)
        s->current = 1;
    else
        s->checked = 0; /* the next batch looks again */
}

/* ---- the readers */

int
sources_follow(struct db_conn *c, int64_t old_gen, char *err, size_t errlen)
{
    sqlite3_stmt *stmt = sources_stmt(c, SOURCES_FOLLOW, err, errlen);

    if (stmt == NULL) return -1;
    if (sqlite3_bind_int64(stmt, 1, old_gen) != SQLITE_OK) {
        db_done(stmt);
        return db_fail(c, "sources", err, errlen);
    }
    return db_run(c, stmt, "sources", err, errlen);
}

int
sources_usable(struct db_conn *c, int64_t ndocs, char *err, size_t errlen)
{
    struct sources *s = sources_state(c, err, errlen);
    int64_t gen, sgen, rows;

    if (s == NULL || sources_meta(c, &gen, &sgen, &rows, err, errlen) != 0)
        return -1;
    if (sgen != gen || rows != ndocs) return 0;
    if (s->gen != gen || s->n == 0) {
        sources_entries_free(s);
        s->gen = gen;
    }
    return 1;
}

int
sources_get(struct db_conn *c, struct carid_str source,
            const struct source_set **out, char *err, size_t errlen)
{
    struct sources *s = c->sources;
    struct sources_entry *e;
    int made;

    if (source.p == NULL) source.len = 0;
    e = sources_entry(s, source.len > 0 ? source.p : "", source.len, &made);
    if (e == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (made && !s->all &&
        sources_load(c, (struct carid_str){e->name, e->len}, &e->set, err,
                     errlen) != 0) {
        sources_entries_free(s); /* asked again, it is read again */
        return -1;
    }
    if (source_set_flatten(&e->set) != 0) { /* for the filter's cursors */
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    *out = &e->set;
    return 0;
}

int
sources_each(struct db_conn *c, sources_each_fn *fn, void *ctx, char *err,
             size_t errlen)
{
    struct sources *s = c->sources;
    sqlite3_stmt *stmt;
    int rc, i, made;

    if (!s->all) {
        /* the sets already read stay where they are (callers hold them) */
        if ((stmt = sources_stmt(c, SOURCES_ALL, err, errlen)) == NULL)
            return -1;
        while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
            struct carid_str name = db_column(stmt, 0);
            struct sources_entry *e;

            if (name.p == NULL) name.len = 0;
            e = sources_entry(s, name.len > 0 ? name.p : "", name.len, &made);
            if (e == NULL) {
                snprintf(err, errlen, "out of memory");
                rc = -1;
                break;
            }
            if (made &&
                sources_read(stmt, 1, &e->set, name, err, errlen) != 0) {
                rc = -1;
                break;
            }
        }
        if (rc != SQLITE_DONE && rc != -1)
            db_fail_rc(c, rc, "source sets", err, errlen);
        db_done(stmt);
        if (rc != SQLITE_DONE) {
            sources_entries_free(s);
            return -1;
        }
        s->all = 1;
    }
    for (i = 0; fn != NULL && i < s->n; i++)
        fn(ctx, (struct carid_str){s->e[i]->name, s->e[i]->len}, &s->e[i]->set);
    return 0;
}

/* sources_each()'s callback for sources_map(): the sets and names. */
struct sources_gather {
    const struct source_set **sets;
    struct carid_str *names;
    int n;
};

static void
sources_gather(void *ctx, struct carid_str source, const struct source_set *set)
{
    struct sources_gather *g = ctx;

    g->sets[g->n] = set;
    g->names[g->n++] = source;
}

int
sources_map(struct db_conn *c, const struct source_map **map,
            const struct carid_str **names, int *n, char *err, size_t errlen)
{
    struct sources *s = c->sources;
    struct sources_gather g = {NULL, NULL, 0};
    int rc;

    if (s->made == 0) {
        /* all of them first: the count of entries is then final */
        if (sources_each(c, NULL, NULL, err, errlen) != 0) return -1;
        g.sets = malloc((size_t)(s->n > 0 ? s->n : 1) * sizeof *g.sets);
        g.names = malloc((size_t)(s->n > 0 ? s->n : 1) * sizeof *g.names);
        rc = g.sets == NULL || g.names == NULL ? -1 : 0;
        if (rc == 0) {
            sources_each(c, sources_gather, &g, err, errlen); /* loaded */
            rc = source_map_build(&s->map, g.sets, g.n);
        }
        if (rc == -1) {
            free(g.sets);
            free(g.names);
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        free(g.sets);
        s->names = g.names;
        s->nnames = g.n;
        s->made = rc == 0 ? 1 : -2;
    }
    if (s->made < 0) return -2;
    *map = &s->map;
    *names = s->names;
    *n = s->nnames;
    return 0;
}
