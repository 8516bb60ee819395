/*
 * posts_merge.c - see posts_merge.h: when a merge is due, its snapshot,
 * its steps (one word's postings as of the snapshot at a time, into the
 * next tables) and its switch.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "post_cursor.h"
#include "posts.h"
#include "posts_fresh.h"
#include "posts_fts5.h"
#include "posts_merge.h"
#include "schema.h"
#include "sources.h"
#include "toplist.h"

enum posts_merge_stmt {
    POSTS_MERGE_MAIN,  /* main's postings in all */
    POSTS_MERGE_FRESH, /* the tier's */
    POSTS_MERGE_GONE_COUNT,
    POSTS_MERGE_WORDS,
    POSTS_MERGE_UNBLOCKED, /* listed words without blocks */
    POSTS_MERGE_GEN,
    POSTS_MERGE_STMT_COUNT
};

static const char *const posts_merge_sql[POSTS_MERGE_STMT_COUNT] = {
    [POSTS_MERGE_MAIN] = "SELECT coalesce(sum(df), 0) FROM post_terms",
    [POSTS_MERGE_FRESH] = "SELECT coalesce(sum(n), 0) FROM posts_fresh",
    [POSTS_MERGE_GONE_COUNT] = "SELECT count(*) FROM posts_gone",
    /* the listed words (toplist.h), which the tier notes, and any other
     * word with blocks */
    [POSTS_MERGE_WORDS] = "SELECT term FROM terms UNION"
                          " SELECT term FROM post_terms ORDER BY term",
    [POSTS_MERGE_UNBLOCKED] = "SELECT count(*) FROM terms WHERE df > 0"
                              " AND term NOT IN (SELECT term FROM post_terms)",
    [POSTS_MERGE_GEN] =
        "SELECT coalesce((SELECT value FROM meta WHERE key = 'gen'), 0)",
};

static sqlite3_stmt *
posts_merge_stmt(struct db_conn *c, enum posts_merge_stmt which, char *err,
                 size_t errlen)
{
    return db_stmt(c, DB_OWN_POSTS_MERGE, which, POSTS_MERGE_STMT_COUNT,
                   posts_merge_sql[which], err, errlen);
}

/* The one value of statement which (a count, meta's generation), or -1
 * with err set. */
static int64_t
posts_merge_scalar(struct db_conn *c, enum posts_merge_stmt which, char *err,
                   size_t errlen)
{
    return db_scalar(c, posts_merge_stmt(c, which, err, errlen), "merge", err,
                     errlen);
}

/* A running merge: its snapshot and how far it got. */
struct posts_merge {
    int64_t fresh_last; /* the tier's rows up to this id are merged */
    int64_t *gone;      /* posts_gone at the snapshot, ascending */
    size_t ngone;
    char **words;  /* the words to write, term order */
    int64_t ndocs; /* articles at the snapshot (posts_fts5_lengths()) */
    size_t nwords, next;
    int64_t started, work_usec, postings; /* for the log at the switch */
};

void
posts_merge_free(struct posts_merge *m)
{
    size_t i;

    if (m == NULL) return;
    for (i = 0; i < m->nwords; i++)
        free(m->words[i]);
    free(m->words);
    free(m->gone);
    free(m);
}

/* Forgets the running merge (the writer's memory only). */
static void
posts_merge_forget(struct db_conn *c)
{
    posts_merge_free(c->merge);
    c->merge = NULL;
    c->merging = 0;
    __atomic_store_n(&c->index->engine_merge_left, 0, __ATOMIC_RELAXED);
}

int
posts_merge_abort(struct db_conn *c, int drop, char *err, size_t errlen)
{
    int was = c->merge != NULL;

    posts_merge_forget(c);
    return was && drop ? schema_posts_drop_next(c, err, errlen) : 0;
}

/* The threshold of posts_merge.h for a tier of fresh postings and gone
 * articles over main postings and ndocs articles, with unblocked listed
 * words without blocks: 1 when due. */
static int
posts_merge_due(int64_t fresh, int64_t gone, int64_t main, int64_t ndocs,
                int64_t unblocked)
{
    const char *env = getenv(POSTS_MERGE_ENV);
    int64_t min = POSTS_MERGE_MIN, gone_min = POSTS_MERGE_GONE_MIN;

    if (env != NULL && env[0] != '\0') {
        min = strtoll(env, NULL, 10);
        if (min <= 0) return 0;
        return fresh >= min || gone >= min || unblocked > 0;
    }
    if (unblocked > 0) return 1;
    if (main / POSTS_MERGE_RATIO > min) min = main / POSTS_MERGE_RATIO;
    if (ndocs / POSTS_MERGE_GONE_RATIO > gone_min)
        gone_min = ndocs / POSTS_MERGE_GONE_RATIO;
    return fresh >= min || gone >= gone_min;
}

/* The words with main blocks into m: 0, or -1 with err set. */
static int
posts_merge_words(struct db_conn *c, struct posts_merge *m, char *err,
                  size_t errlen)
{
    sqlite3_stmt *stmt = posts_merge_stmt(c, POSTS_MERGE_WORDS, err, errlen);
    size_t cap = 0;
    int rc;

    if (stmt == NULL) return -1;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        struct carid_str w = db_column(stmt, 0);
        void *grown;

        if (m->nwords == cap) {
            cap = 2 * cap + 64;
            if ((grown = realloc(m->words, cap * sizeof m->words[0])) == NULL)
                break;
            m->words = grown;
        }
        if ((m->words[m->nwords] = strndup(w.p, w.len)) == NULL) break;
        m->nwords++;
    }
    db_done(stmt);
    if (rc == SQLITE_ROW) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return rc == SQLITE_DONE ? 0 : db_fail_rc(c, rc, "merge", err, errlen);
}

/* An index never optimized: once toplist_build_pin() pins the average
 * length, an empty main segment (posts_build_done()) that the tier is
 * for from now on; words get blocks as searches find them frequent.  0,
 * or -1 with err set. */
static int
posts_merge_first(struct db_conn *c, char *err, size_t errlen)
{
    int64_t gen = posts_merge_scalar(c, POSTS_MERGE_GEN, err, errlen);
    int rc = gen < 0 ? -1 : toplist_build_pin(c, err, errlen);

    if (rc <= 0) return rc;
    /* no article changed: the source sets current before are still */
    if (posts_build_done(c, err, errlen) != 0 ||
        sources_follow(c, gen, err, errlen) != 0)
        return -1;
    c->index->host->log(CARID_LOG_INFO,
                        "engine: average length pinned, an empty main "
                        "segment made: frequent words get blocks as "
                        "searches find them");
    return 0;
}

/* Inside the step's transaction: 1 with c->merge made and the next
 * tables empty when a merge is due, 0 when not, -1 with err set. */
static int
posts_merge_start(struct db_conn *c, char *err, size_t errlen)
{
    int64_t ndocs, main, fresh, gone, unblocked, gen, main_gen;
    struct posts_merge *m;
    int usable;

    if (toplist_averages(c, &ndocs, NULL, err, errlen) != 0 ||
        posts_fresh_usable(c, ndocs, &usable, &gen, &main_gen, err, errlen) !=
            0)
        return -1;
    if (!usable && main_gen < 0) return posts_merge_first(c, err, errlen);
    if (!usable) return 0; /* blocks this carid cannot bring forward */
    /* each -1 with err set once one failed */
    if ((main = posts_merge_scalar(c, POSTS_MERGE_MAIN, err, errlen)) < 0 ||
        (fresh = posts_merge_scalar(c, POSTS_MERGE_FRESH, err, errlen)) < 0 ||
        (gone = posts_merge_scalar(c, POSTS_MERGE_GONE_COUNT, err, errlen)) <
            0 ||
        (unblocked = posts_merge_scalar(c, POSTS_MERGE_UNBLOCKED, err,
                                        errlen)) < 0)
        return -1;
    if (!posts_merge_due(fresh, gone, main, ndocs, unblocked)) return 0;
    if ((m = calloc(1, sizeof *m)) == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if ((m->fresh_last = posts_fresh_last_id(c, err, errlen)) < 0 ||
        posts_fresh_gone(c, INT64_MIN + 1, INT64_MAX - 1, (size_t)1 << 40,
                         &m->gone, &m->ngone, err, errlen) != 1 ||
        posts_merge_words(c, m, err, errlen) != 0 ||
        schema_posts_next(c, err, errlen) != 0) {
        posts_merge_free(m);
        return -1;
    }
    m->started = db_now_usec();
    m->ndocs = ndocs;
    c->merge = m;
    c->merging = 1;
    __atomic_store_n(&c->index->engine_merge_left, (int64_t)m->nwords,
                     __ATOMIC_RELAXED);
    return 1;
}

/* Main's postings of the word but the gone ones, merged in docid order
 * with its fresh ones up to the snapshot f[0..nf) (no docid in both: an
 * article in the tier and in main is a replaced one, so gone). */
static int
posts_merge_list(struct db_conn *c, const struct posts_merge *m,
                 struct posts_term *pt, const struct post_posting *f, size_t nf,
                 struct posts_list *l, char *err, size_t errlen)
{
    struct post_cursor cur;
    struct post_posting p;
    size_t g = 0, i = 0;
    int64_t d;

    post_cursor_open(&cur, &pt->term, pt->src, INT64_MIN + 1, INT64_MAX - 1);
    while ((d = post_cursor_next(&cur)) != POST_END) {
        while (g < m->ngone && m->gone[g] < d)
            g++;
        if (g < m->ngone && m->gone[g] == d) continue;
        p.docid = d;
        if (post_cursor_posting(&cur, &p.tf_title, &p.tf_body, &p.dl) != 0)
            break;
        while (i < nf && f[i].docid < d)
            if (posts_list_push(l, &f[i++]) != 0) goto nomem;
        if (posts_list_push(l, &p) != 0) goto nomem;
    }
    if (post_cursor_failed(&cur)) return posts_failed(c, pt, err, errlen);
    while (i < nf)
        if (posts_list_push(l, &f[i++]) != 0) goto nomem;
    return 0;
nomem:
    snprintf(err, errlen, "out of memory");
    return -1;
}

/* A word without blocks (listed since OPTIMIZE, or blocks of an older
 * layout), as of the snapshot: all of FTS5's postings now but the
 * articles its fresh rows after the snapshot hold (the tier notes a listed
 * word from its listing on, so every change since the snapshot is there;
 * an article removed since is missing, which its gone entry then skips
 * anyway). */
static int
posts_merge_fts5(struct db_conn *c, const struct posts_merge *m,
                 const char *word, size_t len, struct posts_list *l, char *err,
                 size_t errlen)
{
    int64_t *later = NULL;
    size_t nlater = 0, i, j = 0, n;

    if (posts_fts5_append(c, word, len, l, err, errlen) != 0 ||
        posts_fresh_docids(c, word, len, m->fresh_last, &later, &nlater, err,
                           errlen) != 0)
        return -1;
    for (i = n = 0; i < l->n; i++) {
        while (j < nlater && later[j] < l->p[i].docid)
            j++;
        if (j < nlater && later[j] == l->p[i].docid) continue;
        l->p[n++] = l->p[i];
    }
    l->n = n;
    free(later);
    return n == 0 ? 0
                  : posts_fts5_lengths(c, l->p, n, n, m->ndocs, err, errlen);
}

/* The snapshot's postings of words[next] into the next tables. */
static int
posts_merge_word(struct db_conn *c, struct posts_merge *m, char *err,
                 size_t errlen)
{
    const char *word = m->words[m->next];
    size_t len = strlen(word), nf = 0, budget = SIZE_MAX;
    struct posts_list l = {NULL, 0, 0};
    struct post_posting *f = NULL;
    struct posts_term pt;
    int rc;

    rc = posts_open(c, 0, word, len, -1, &pt, err, errlen);
    if (rc < 0) return -1;
    if (rc == 0) {
        posts_close(&pt);
        rc = posts_merge_fts5(c, m, word, len, &l, err, errlen);
    } else {
        rc = posts_fresh_fold(c, word, len, m->fresh_last, INT64_MIN, INT64_MAX,
                              &budget, &f, &nf, err, errlen);
        if (rc == 0) rc = posts_merge_list(c, m, &pt, f, nf, &l, err, errlen);
        posts_close(&pt);
        free(f);
    }
    if (rc == 0 && l.n > 0)
        rc = posts_build_term(c, 1, word, len, l.p, l.n, err, errlen);
    m->postings += (int64_t)l.n;
    free(l.p);
    return rc == 0 ? 0 : -1;
}

/* The last step: the new segment replaces the old. */
static int
posts_merge_switch(struct db_conn *c, char *err, size_t errlen)
{
    int64_t gen = posts_merge_scalar(c, POSTS_MERGE_GEN, err, errlen);

    /* a new generation (readers drop the old segment's skip tables and
     * the tier's terms); no article changed, so the source sets current
     * at the old one are at the new.  The tier first: it reads
     * posts_gone_next, which the swap drops. */
    if (gen < 0 ||
        posts_build_switched(c, c->merge->fresh_last, err, errlen) != 0 ||
        sources_follow(c, gen, err, errlen) != 0 ||
        schema_posts_swap(c, err, errlen) != 0)
        return -1;
    return 0;
}

int
posts_merge_step(struct db_conn *c, int64_t budget_usec, int *more, char *err,
                 size_t errlen)
{
    int64_t t0 = db_now_usec();
    char ignored[128];
    int rc = 0, done = 0;
    size_t words = 0;

    *more = 0;
    if (db_refused(c->index, err, errlen) != 0) return -1;
    if (c->merge == NULL && t0 < c->merge_after) return 0;
    if (db_txn(c, DB_BEGIN, "merge", err, errlen) != 0) return -1;
    if (c->merge == NULL) {
        rc = posts_merge_start(c, err, errlen);
    } else {
        struct posts_merge *m = c->merge;

        /* at least one word a step */
        while (rc == 0 && m->next < m->nwords &&
               (words == 0 || db_now_usec() - t0 < budget_usec) &&
               (rc = posts_merge_word(c, m, err, errlen)) == 0) {
            m->next++;
            words++;
        }
        if (rc == 0 && m->next == m->nwords &&
            (words == 0 || db_now_usec() - t0 < budget_usec)) {
            rc = posts_merge_switch(c, err, errlen);
            done = rc == 0;
        }
    }
    if (rc >= 0 && db_txn(c, DB_COMMIT, "merge", err, errlen) == 0) {
        if (done) {
            struct posts_merge *m = c->merge;

            m->work_usec += db_now_usec() - t0;
            c->index->host->log(CARID_LOG_INFO,
                                "engine merge: %zu words, %lld postings, %lld "
                                "ms of steps over %.1f s",
                                m->nwords, (long long)m->postings,
                                (long long)(m->work_usec / 1000),
                                (double)(db_now_usec() - m->started) / 1e6);
            posts_merge_forget(c);
            __atomic_fetch_add(&c->index->engine_merges, 1, __ATOMIC_RELAXED);
        } else if (c->merge != NULL) {
            c->merge->work_usec += db_now_usec() - t0;
            __atomic_store_n(&c->index->engine_merge_left,
                             (int64_t)(c->merge->nwords - c->merge->next),
                             __ATOMIC_RELAXED);
        }
        *more = c->merge != NULL;
        return 0;
    }
    /* SQLite undid the step's writes; the merge's memory goes too, and
     * the next one waits (a failure that repeats is logged once a wait) */
    db_txn(c, DB_ROLLBACK, "merge", ignored, sizeof ignored);
    posts_merge_forget(c);
    c->merge_after = db_now_usec() + POSTS_MERGE_RETRY_USEC;
    return -1;
}

int
posts_merge_stats(struct db_conn *c, carid_stat_fn *fn, void *ctx)
{
    if (fn(ctx, "engine_merges",
           __atomic_load_n(&c->index->engine_merges, __ATOMIC_RELAXED)) ||
        fn(ctx, "engine_merging",
           __atomic_load_n(&c->index->engine_merge_left, __ATOMIC_RELAXED)))
        return 1;
    return 0;
}
