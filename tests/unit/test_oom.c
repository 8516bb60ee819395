/*
 * test_oom.c - out-of-memory loop for the fts5 plugin, as SQLite tests
 * itself: for N = 1, 2, ... the Nth allocation fails (once, then again with
 * every one after it failing too) during a fixed cycle through the ABI:
 * open, writer, puts, commit, optimize, upserts, a delete, a rolled-back
 * put, searches with snippets, get, stats, close.  Each call must succeed
 * with the right answer or fail with a message; ASan (the ASan ctest) sees
 * crashes and leaks.  After each run a fresh open of the same directory,
 * with nothing failing, must find exactly what was committed.  The loop
 * ends at the first N the cycle no longer reaches.
 *
 * Two routes are counted: SQLite's, through a SQLITE_CONFIG_MALLOC wrapper
 * installed before sqlite3_initialize(), and the plugin's own (plugins/fts5
 * and plugins/indonesian, linked in statically), through the linker's
 * --wrap=malloc,calloc,realloc,strdup,strndup (tests/CMakeLists.txt).  Not
 * counted: what libunistring and libc allocate inside their own calls
 * (u8_normalize() and u8_casefold(), for "kafé", write into the tokenizer's
 * buffers and allocate only for a word longer than those; fopen() of the
 * dictionary).
 *
 * The dictionary and the stemmer's derived roots are loaded once a process
 * (pthread_once), so the cycle runs once unarmed first, and their own loop
 * runs each N in a child process of its own.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "carid_plugin.h"
#include "fts5_tokenizer.h"
#include "tap.h"
#include "test_fts5.h"
#include "tokenizer.h"

/* ---- the countdown ---- */

static long oom_seen;    /* allocations counted since oom_arm() */
static long oom_at;      /* fail the oom_at'th; 0: none fails */
static int oom_persist;  /* and every one after it */
static long oom_failed;  /* allocations made to fail */
static long oom_sqlite;  /* of oom_seen, through SQLite */

static void
oom_arm(long at, int persist)
{
    oom_seen = oom_failed = oom_sqlite = 0;
    oom_persist = persist;
    oom_at = at;
}

void oom_here(void);

/* Where the Nth allocation fails: break here in gdb. */
__attribute__((noinline)) void
oom_here(void)
{
    __asm__ volatile("");
}

/* 1 when this allocation is to fail.  Every call runs on this thread (a
 * batch of fewer than FTS_BATCH_MIN_HELPED writes has no helper thread),
 * so the order, and so N, is the same at every run. */
static int
oom_fail(void)
{
    long n = ++oom_seen;

    if (oom_at == 0 || n < oom_at || (n > oom_at && !oom_persist)) return 0;
    oom_failed++;
    if (n == oom_at) oom_here(); /* a breakpoint for gdb */
    return 1;
}

void *__real_malloc(size_t n);
void *__real_calloc(size_t k, size_t n);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t k, size_t n);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);

void *
__wrap_malloc(size_t n)
{
    if (oom_fail()) {
        errno = ENOMEM;
        return NULL;
    }
    return __real_malloc(n);
}

void *
__wrap_calloc(size_t k, size_t n)
{
    if (oom_fail()) {
        errno = ENOMEM;
        return NULL;
    }
    return __real_calloc(k, n);
}

void *
__wrap_realloc(void *p, size_t n)
{
    if (oom_fail()) {
        errno = ENOMEM;
        return NULL;
    }
    return __real_realloc(p, n);
}

char *
__wrap_strdup(const char *s)
{
    if (oom_fail()) {
        errno = ENOMEM;
        return NULL;
    }
    return __real_strdup(s);
}

char *
__wrap_strndup(const char *s, size_t n)
{
    if (oom_fail()) {
        errno = ENOMEM;
        return NULL;
    }
    return __real_strndup(s, n);
}

/* SQLite's allocator, wrapped.  SQLite treats some failures as benign
 * (a cache page it can do without): the call then succeeds, rightly. */
static sqlite3_mem_methods oom_sqlite_mem;

static void *
oom_sqlite_malloc(int n)
{
    oom_sqlite++;
    return oom_fail() ? NULL : oom_sqlite_mem.xMalloc(n);
}

static void *
oom_sqlite_realloc(void *p, int n)
{
    oom_sqlite++;
    return oom_fail() ? NULL : oom_sqlite_mem.xRealloc(p, n);
}

static int
oom_sqlite_install(void)
{
    sqlite3_mem_methods m;

    sqlite3_shutdown();
    if (sqlite3_config(SQLITE_CONFIG_GETMALLOC, &oom_sqlite_mem) != SQLITE_OK)
        return -1;
    m = oom_sqlite_mem;
    m.xMalloc = oom_sqlite_malloc;
    m.xRealloc = oom_sqlite_realloc;
    if (sqlite3_config(SQLITE_CONFIG_MALLOC, &m) != SQLITE_OK) return -1;
    return sqlite3_initialize() == SQLITE_OK ? 0 : -1;
}

/* Durability is not what this test is about, and some 30,000 fsyncs were
 * most of its time: the default VFS here is "unix" with xSync a no-op
 * (and fsync() of the plugin's marker file, wrapped like malloc). */
static sqlite3_vfs oom_vfs, *oom_unix;
/* "unix" has a set of methods per locking style (immutable files get
 * another): a copy of each, with no xSync. */
static const sqlite3_io_methods *oom_unix_io[4];
static sqlite3_io_methods oom_io[4];

int __wrap_fsync(int fd);

int
__wrap_fsync(int fd)
{
    (void)fd;
    return 0;
}

static int
oom_io_sync(sqlite3_file *f, int flags)
{
    (void)f;
    (void)flags;
    return SQLITE_OK;
}

static int
oom_vfs_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags,
             int *out)
{
    int rc = oom_unix->xOpen(oom_unix, name, f, flags, out);
    size_t i;

    (void)vfs;
    if (f->pMethods == NULL) return rc;
    for (i = 0; i < 4 && oom_unix_io[i] != NULL; i++)
        if (oom_unix_io[i] == f->pMethods) break;
    if (i == 4) return rc; /* a fifth style: it keeps its syncs */
    if (oom_unix_io[i] == NULL) {
        oom_unix_io[i] = f->pMethods;
        oom_io[i] = *f->pMethods;
        oom_io[i].xSync = oom_io_sync;
    }
    f->pMethods = &oom_io[i];
    return rc;
}

static int
oom_vfs_install(void)
{
    if ((oom_unix = sqlite3_vfs_find("unix")) == NULL) return -1;
    oom_vfs = *oom_unix;
    oom_vfs.zName = "oom-nosync";
    oom_vfs.xOpen = oom_vfs_open;
    return sqlite3_vfs_register(&oom_vfs, 1) == SQLITE_OK ? 0 : -1;
}

/* ---- the model: what the index must hold ---- */

enum { OOM_DOCS = 5 };

struct oom_doc {
    const char *id, *title, *body, *source, *date;
};

/* Sentences written for this test. */
static const struct oom_doc oom_docs[OOM_DOCS] = {
    {"a1", "Harga beras naik di pasar induk",
     "Pedagang kafé di pasar induk menaikkan harga beras karena pasokan "
     "dari sawah berkurang.",
     "antara", "2024-03-05"},
    {"a2", "Banjir merendam permukiman warga",
     "Hujan deras semalam membuat sungai meluap dan banjir merendam "
     "ratusan rumah.",
     "kompas", "2024-02-10"},
    {"a3", "Pemerintah menambah pasokan beras",
     "Pemerintah mengirimkan beras ke pasar agar harga tidak terus naik.",
     "antara", "2024-03-06"},
    {"a4", "Harga cabai turun",
     "Harga cabai di pasar tradisional turun setelah panen raya di desa.",
     "tempo", "2024-03-07"},
    {"a5", "Banjir bandang melanda desa",
     "Banjir bandang menghanyutkan jembatan desa pada malam hari.", "kompas",
     "2024-03-08"},
};

/* The cycle's searches, and the articles each matches (bit i: a(i+1)). */
static const struct {
    const char *text;
    unsigned docs;
} oom_queries[] = {
    {"harga", 0x01 | 0x04 | 0x08},
    {"beras pasar", 0x01 | 0x04 | 0x08}, /* best match: either word */
    {"\"harga beras\"", 0x01},
    {"pasa*", 0x01 | 0x04 | 0x08},
    {"banjir", 0x02 | 0x10},
    {"banjjir", 0x02 | 0x10}, /* corrected to banjir (spell.h) */
};
#define OOM_NQUERIES (sizeof oom_queries / sizeof oom_queries[0])

/* One run of the cycle. */
struct oom_run {
    const struct carid_plugin *p;
    const char *dir;
    unsigned present;  /* articles committed */
    int calls, failed; /* ABI calls made, and those that failed */
    int problems;      /* wrong answers, failures without a message */
    long at;           /* N, for messages */
    const char *mode;
    long seen, injected; /* allocations the cycle made, and made fail */
    long sqlite;         /* of seen, through SQLite */
    int64_t docs, engine; /* stats() said */
};

static int oom_trace; /* $OOM_TRACE: print every call and log line */

static void oom_log(int level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
oom_log(int level, const char *fmt, ...)
{
    va_list ap;

    if (!oom_trace) return;
    printf("#   log %d: ", level);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
}

static const struct carid_host oom_host = {CARID_PLUGIN_ABI, oom_log,
                                           "mmap_mb=1,cache_mb=1"};

static int oom_problems_shown;

static void
oom_problem(struct oom_run *r, const char *what, const char *detail)
{
    r->problems++;
    if (oom_problems_shown++ < 30)
        printf("# N=%ld %s: %s%s%s\n", r->at, r->mode, what,
               detail != NULL ? ": " : "", detail != NULL ? detail : "");
}

/* Counts one call's outcome; a failure must say why.  1 if it succeeded. */
static int
oom_call(struct oom_run *r, const char *what, int rc, const char *err)
{
    if (oom_trace)
        printf("#   %s %s at allocation %ld%s%s\n", what,
               rc == 0 ? "ok" : "failed", oom_seen, rc == 0 ? "" : ": ",
               rc == 0 ? "" : err);
    r->calls++;
    if (rc == 0) return 1;
    r->failed++;
    if (err[0] == '\0') oom_problem(r, what, "failed with no message");
    return 0;
}

static struct carid_str
oom_str(const char *s)
{
    struct carid_str v = {s, strlen(s)};

    return v;
}

static int
oom_put(struct oom_run *r, void *w, int i)
{
    const struct oom_doc *d = &oom_docs[i];
    struct carid_doc doc;
    char err[256] = "";

    memset(&doc, 0, sizeof doc);
    doc.id = oom_str(d->id);
    doc.field[CARID_FIELD_TITLE] = oom_str(d->title);
    doc.field[CARID_FIELD_BODY] = oom_str(d->body);
    doc.field[CARID_FIELD_SOURCE] = oom_str(d->source);
    doc.field[CARID_FIELD_DATE] = oom_str(d->date);
    return oom_call(r, "put", r->p->put(w, &doc, err, sizeof err), err);
}

static int
oom_del(struct oom_run *r, void *w, int i)
{
    char err[256] = "";
    int removed = -1, rc;

    rc = r->p->del(w, oom_str(oom_docs[i].id), &removed, err, sizeof err);
    if (!oom_call(r, "del", rc, err)) return 0;
    if (removed != (int)((r->present >> i) & 1))
        oom_problem(r, "del", "removed says otherwise");
    return 1;
}

/* begin, the writes (puts of the bits in put, then deletes of the bits in
 * del), then commit, or rollback when rollback is set or the commit failed.
 * A write that failed is not in the batch (the ABI: the batch stays
 * usable), so a commit that says 0 makes the others true in the model. */
static void
oom_batch(struct oom_run *r, void *w, unsigned put, unsigned del,
          int rollback)
{
    char err[256] = "";
    unsigned put_ok = 0, del_ok = 0;

    if (!oom_call(r, "begin", r->p->begin(w, err, sizeof err), err)) return;
    for (int i = 0; i < OOM_DOCS; i++)
        if ((put >> i) & 1 && oom_put(r, w, i)) put_ok |= 1u << i;
    for (int i = 0; i < OOM_DOCS; i++)
        if ((del >> i) & 1 && oom_del(r, w, i)) del_ok |= 1u << i;
    if (rollback) {
        r->p->rollback(w);
        return;
    }
    err[0] = '\0';
    if (!oom_call(r, "commit", r->p->commit(w, err, sizeof err), err)) {
        r->p->rollback(w); /* as the daemon's writer does */
        return;
    }
    r->present = (r->present | put_ok) & ~del_ok;
}

struct oom_hits {
    unsigned ids;     /* bit per article seen */
    int no_snippet;   /* hits with an empty snippet */
    int bad_title;    /* hits whose title is not the article's */
};

static int
oom_hit_cb(void *ctx, const struct carid_hit *hit)
{
    struct oom_hits *h = ctx;
    struct carid_str t = hit->doc.field[CARID_FIELD_TITLE];

    for (int i = 0; i < OOM_DOCS; i++) {
        if (hit->id.len != strlen(oom_docs[i].id) ||
            memcmp(hit->id.p, oom_docs[i].id, hit->id.len) != 0)
            continue;
        h->ids |= 1u << i;
        if (t.p == NULL || t.len != strlen(oom_docs[i].title) ||
            memcmp(t.p, oom_docs[i].title, t.len) != 0)
            h->bad_title++;
    }
    if (hit->snippet.p == NULL || hit->snippet.len == 0) h->no_snippet++;
    return 0;
}

static int
oom_popcount(unsigned v)
{
    return __builtin_popcount(v);
}

/* Every search of oom_queries; a success must match the model. */
static void
oom_searches(struct oom_run *r, void *rd)
{
    for (size_t i = 0; i < OOM_NQUERIES; i++) {
        struct carid_query q;
        struct oom_hits h = {0, 0, 0};
        unsigned want = oom_queries[i].docs & r->present;
        char err[256] = "", msg[128];
        int64_t total = -1;
        int rc;

        memset(&q, 0, sizeof q);
        q.text = oom_str(oom_queries[i].text);
        q.count = 10;
        q.want_fields = 1u << CARID_FIELD_TITLE;
        q.want_snippet = 1;
        q.mark_open = oom_str("[");
        q.mark_close = oom_str("]");
        rc = r->p->search(rd, &q, oom_hit_cb, &h, &total, err, sizeof err);
        if (!oom_call(r, "search", rc, err)) continue;
        if (total != oom_popcount(want) || h.ids != want || h.no_snippet ||
            h.bad_title) {
            snprintf(msg, sizeof msg,
                     "%s: total %lld hits %#x (want %d, %#x), %d without "
                     "snippet, %d wrong titles",
                     oom_queries[i].text, (long long)total, h.ids,
                     oom_popcount(want), want, h.no_snippet, h.bad_title);
            oom_problem(r, "search", msg);
        }
    }
}

struct oom_got {
    int i;   /* the article asked for */
    int bad; /* its title differs */
};

static int
oom_get_cb(void *ctx, const struct carid_doc *doc)
{
    struct oom_got *g = ctx;
    struct carid_str t = doc->field[CARID_FIELD_TITLE];
    const char *want = oom_docs[g->i].title;

    g->bad = t.p == NULL || t.len != strlen(want) ||
             memcmp(t.p, want, t.len) != 0;
    return 0;
}

/* get of every article; a success must match the model. */
static void
oom_gets(struct oom_run *r, void *rd)
{
    for (int i = 0; i < OOM_DOCS; i++) {
        struct oom_got g = {i, 0};
        char err[256] = "";
        int found = -1, rc;

        rc = r->p->get(rd, oom_str(oom_docs[i].id), oom_get_cb, &g, &found,
                       err, sizeof err);
        if (!oom_call(r, "get", rc, err)) continue;
        if (found != (int)((r->present >> i) & 1) || (found && g.bad))
            oom_problem(r, "get", oom_docs[i].id);
    }
}

static int
oom_stat_cb(void *ctx, const char *name, int64_t value)
{
    struct oom_run *r = ctx;

    if (strcmp(name, "documents") == 0) r->docs = value;
    if (strcmp(name, "engine_searches") == 0) r->engine = value;
    return 0;
}

static void
oom_stats(struct oom_run *r, void *rd)
{
    char err[256] = "";

    r->docs = -1;
    if (!oom_call(r, "stats",
                  r->p->stats(rd, oom_stat_cb, r, err, sizeof err), err))
        return;
    if (r->docs != oom_popcount(r->present))
        oom_problem(r, "stats", "documents differs from the model");
}

static void
oom_optimize(struct oom_run *r, void *w)
{
    char err[256] = "";

    oom_call(r, "optimize", r->p->optimize(w, err, sizeof err), err);
}

/* The cycle; every handle that opened is closed. */
static void
oom_cycle(struct oom_run *r)
{
    void *db = NULL, *w = NULL, *rd = NULL;
    char err[256] = "";

    if (!oom_call(r, "open", r->p->open(&oom_host, r->dir, &db, err,
                                         sizeof err),
                  err))
        return;
    err[0] = '\0';
    if (oom_call(r, "writer_open",
                 r->p->writer_open(db, &w, err, sizeof err), err)) {
        oom_batch(r, w, 0x01 | 0x02 | 0x04, 0, 0);
        oom_optimize(r, w);
    } else
        w = NULL;
    err[0] = '\0';
    if (!oom_call(r, "reader_open",
                  r->p->reader_open(db, &rd, err, sizeof err), err))
        rd = NULL;
    if (w != NULL) {
        /* a new article, an upsert, a delete: kept in the lists */
        oom_batch(r, w, 0x08 | 0x04, 0x02, 0);
        oom_batch(r, w, 0x10, 0, 1);
    }
    if (rd != NULL) {
        oom_searches(r, rd);
        oom_gets(r, rd);
        oom_stats(r, rd);
        r->p->reader_close(rd);
    }
    if (w != NULL) r->p->writer_close(w);
    r->p->close(db);
}

/* FTS5's integrity-check of the index in dir against the stored text. */
static int
oom_fts_check(const char *dir, char *msg, size_t msglen)
{
    char path[512];
    sqlite3 *db = NULL;
    fts5_api *api;
    int rc;

    snprintf(path, sizeof path, "%s/carid.db", dir);
    rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL);
    api = rc == SQLITE_OK ? test_fts5_api(db) : NULL;
    if (rc == SQLITE_OK) rc = api != NULL ? tokenizer_register(api) : -1;
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db,
                          "INSERT INTO fts(fts, rank)"
                          " VALUES('integrity-check', 1)",
                          NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        snprintf(msg, msglen, "integrity-check: %s", sqlite3_errmsg(db));
    sqlite3_close(db);
    return rc;
}

/* With nothing failing: the index in dir holds what the run committed. */
static void
oom_verify(struct oom_run *r)
{
    struct oom_run v = *r;
    void *db = NULL, *rd = NULL;
    char err[256] = "";

    v.calls = v.failed = v.problems = 0;
    v.mode = r->mode;
    if (r->p->open(&oom_host, r->dir, &db, err, sizeof err) != 0) {
        oom_problem(r, "reopen", err);
        return;
    }
    if (r->p->reader_open(db, &rd, err, sizeof err) != 0) {
        oom_problem(r, "reopen reader", err);
        r->p->close(db);
        return;
    }
    oom_searches(&v, rd);
    oom_gets(&v, rd);
    oom_stats(&v, rd);
    r->p->reader_close(rd);
    r->p->close(db);
    if (v.failed + v.problems > 0)
        oom_problem(r, "reopen", "the index lost or gained articles");
    /* the open above made the schema if the cycle's open did not */
    if (oom_fts_check(r->dir, err, sizeof err) != 0)
        oom_problem(r, "reopen", err);
}

static void
oom_rmdir(const char *dir)
{
    char path[512];
    static const char *const files[] = {"carid.db", "carid.db-wal",
                                        "carid.db-shm", "carid.db-journal",
                                        "carid.db.running"};

    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        unlink(path);
    }
    rmdir(dir);
}

/* One run at N (0: nothing fails), in a new directory, then its check. */
static int
oom_run_at(long at, int persist, struct oom_run *r)
{
    /* tmpfs where there is one: thousands of files made and removed */
    char dir[64];

    snprintf(dir, sizeof dir, "%s/carid-test-oom-XXXXXX",
             access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
    if (mkdtemp(dir) == NULL) return -1;
    r->dir = dir;
    r->at = at;
    r->mode = persist ? "persistent" : "one-shot";
    r->present = 0;
    oom_arm(at, persist);
    oom_cycle(r);
    r->seen = oom_seen;
    r->injected = oom_failed;
    r->sqlite = oom_sqlite;
    oom_arm(0, 0);
    oom_verify(r);
    oom_rmdir(dir);
    r->dir = NULL;
    return 0;
}

static const struct carid_plugin *oom_p;
/* Which N: oom_first, oom_first + oom_stride, ... up to oom_last (-1: to
 * the end of the cycle).  $OOM_STRIDE, $OOM_FIRST, $OOM_LAST, $OOM_ONLY
 * (one N) set them; $OOM_TRACE prints every call. */
static long oom_first = 1, oom_last = -1, oom_stride = 1;

/* ---- cases ---- */

/* In a child: the process's first stemmer (the dictionary and its derived
 * entries, loaded once a process) with the Nth allocation failing.  Exits
 * 0 when it failed with a message, 2 when N was not reached, 1 when it
 * said yes although an allocation failed, or no without a message. */
static void
oom_cold_child(long at, int persist)
{
    char err[128] = "";
    struct tokenizer *t;
    int rc;

    oom_arm(at, persist);
    t = tokenizer_new(1, err, sizeof err);
    rc = oom_failed == 0 ? 2 : t == NULL && err[0] != '\0' ? 0 : 1;
    oom_arm(0, 0);
    tokenizer_free(t);
    exit(rc); /* not _exit: LeakSanitizer checks the child too */
}

static void
test_cold(int persist)
{
    long at, bad = 0;
    int status = 0;

    for (at = 1;; at++) {
        pid_t pid = fork();

        if (pid < 0) break;
        if (pid == 0) oom_cold_child(at, persist);
        if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
            WEXITSTATUS(status) != 0) {
            if (WIFEXITED(status) && WEXITSTATUS(status) == 2) break;
            if (bad++ < 10)
                printf("# first stemmer, N=%ld %s: status %#x\n", at,
                       persist ? "persistent" : "one-shot", status);
        }
    }
    printf("# first stemmer, %s: N = 1..%ld\n",
           persist ? "persistent" : "one-shot", at - 1);
    ok(at > 1 && WIFEXITED(status) && WEXITSTATUS(status) == 2,
       "the loop reached the end");
    ok(bad == 0, "every N failed with a message (and no leak or crash)");
}

static void
test_cold_once(void)
{
    test_cold(0);
}

static void
test_cold_persistent(void)
{
    test_cold(1);
}

static void
test_unarmed(void)
{
    struct oom_run r = {.p = oom_p};

    ok(oom_run_at(0, 0, &r) == 0, "a cycle with nothing failing");
    ok(r.failed == 0 && r.problems == 0, "it passes");
    ok(r.engine > 0, "the engine answered a search");
    printf("# one cycle: %ld allocations, %ld through SQLite, %ld the "
           "plugin's own; %d calls\n",
           r.seen, r.sqlite, r.seen - r.sqlite, r.calls);
    ok(r.sqlite > 0, "SQLite's allocations are counted");
    ok(r.seen - r.sqlite > 0,
       "the plugin's own allocations are counted (--wrap)");
}

static void
test_loop(int persist)
{
    long at, tried = 0, failed_calls = 0, calls = 0, problems = 0;

    for (at = oom_first;; at += oom_stride) {
        struct oom_run r = {.p = oom_p};

        if (oom_run_at(at, persist, &r) != 0) {
            ok(0, "mkdtemp");
            return;
        }
        if (r.injected == 0 && r.seen < at) break; /* the end of the cycle */
        tried++;
        calls += r.calls;
        failed_calls += r.failed;
        problems += r.problems;
        if (oom_last > 0 && at + oom_stride > oom_last) break;
    }
    printf("# %s: %ld N from %ld, every %ld, to %ld; %ld calls, %ld "
           "failed with a message, %ld problems\n",
           persist ? "persistent" : "one-shot", tried, oom_first, oom_stride,
           oom_first + (tried - 1) * oom_stride, calls, failed_calls,
           problems);
    ok(tried > 0 && failed_calls > 0, "calls failed");
    ok(problems == 0, "every failure was an error with a message, every "
                      "success right, every index sound");
}

static void
test_loop_once(void)
{
    test_loop(0);
}

static void
test_loop_persistent(void)
{
    test_loop(1);
}

static long
oom_env(const char *name, long dflt)
{
    const char *v = getenv(name);

    return v != NULL && atol(v) > 0 ? atol(v) : dflt;
}

int
main(void)
{
    static const struct tap_case cases[] = {
        /* first: nothing else may have loaded the dictionary */
        {"first stemmer, one-shot", test_cold_once},
        {"first stemmer, persistent", test_cold_persistent},
        {"unarmed", test_unarmed},
        {"one-shot", test_loop_once},
        {"persistent", test_loop_persistent},
        {NULL, NULL},
    };

    setvbuf(stdout, NULL, _IOLBF, 0);
    oom_first = oom_env("OOM_FIRST", 1);
    oom_last = oom_env("OOM_LAST", -1);
    oom_stride = oom_env("OOM_STRIDE", 1);
    if (getenv("OOM_ONLY") != NULL)
        oom_first = oom_last = oom_env("OOM_ONLY", 1);
    oom_trace = getenv("OOM_TRACE") != NULL;
    /* words in two articles or more are listed: OPTIMIZE gives them
     * blocks, commits keep their counts, the engine answers "harga" */
    setenv("CARID_FTS5_TOP_MIN_DF", "2", 1);
    if (oom_sqlite_install() != 0 || oom_vfs_install() != 0) {
        printf("Bail out! cannot install the SQLite allocator\n");
        return 1;
    }
    oom_p = carid_plugin_entry();
    return tap_main(cases);
}
