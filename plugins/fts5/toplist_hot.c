/*
 * toplist_hot.c - see toplist_hot.h: a batch's word counts in an open
 * addressing table whose slots a batch number empties (no clearing), the
 * candidates, and the memo of words checked.
 */
#include <stdlib.h>
#include <string.h>

#include "dict.h"
#include "posts_fts5.h"
#include "toplist_hot.h"

struct toplist_hot_slot {
    uint32_t batch;   /* the slot is empty unless this is h->batch */
    uint32_t article; /* the last sampled article that counted it */
    uint32_t n;       /* sampled articles holding it in this batch */
    uint8_t len;
    char term[TOPLIST_HOT_WORD];
};

/* A candidate and its share of the sampled articles, or a word checked
 * and the article count then. */
struct toplist_hot_seen {
    uint8_t len;
    char term[TOPLIST_HOT_WORD];
    int64_t ndocs;
    double share;
};

struct toplist_hot {
    struct toplist_hot_slot slot[TOPLIST_HOT_SLOTS];
    uint32_t batch, article, sampled, used;
    uint64_t noted; /* articles noted, for the sampling */
    int64_t ndocs;  /* at the last commit */
    struct toplist_hot_seen cand[TOPLIST_HOT_CANDIDATES];
    int ncand;
    struct toplist_hot_seen memo[TOPLIST_HOT_MEMO];
    int nmemo, memo_next;
    struct toplist_hot_seen found[TOPLIST_HOT_FOUND]; /* taken from the end */
    int nfound;
    int64_t committed; /* db_now_usec() at the last commit */
    /* the round being taken: words left in it, the merge count and the
     * time when it began */
    int round_left;
    int64_t round_merges, round_began;
};

struct toplist_hot *
toplist_hot_new(void)
{
    const char *env = getenv(TOPLIST_HOT_ENV);
    struct toplist_hot *h;

    if (env != NULL && strcmp(env, "off") == 0) return NULL;
    if ((h = calloc(1, sizeof *h)) != NULL) {
        h->batch = 1;
        h->round_merges = -1; /* the first round starts at once */
    }
    return h;
}

void
toplist_hot_free(struct toplist_hot *h)
{
    free(h);
}

int
toplist_hot_article(struct toplist_hot *h)
{
    if (h == NULL || h->noted++ % TOPLIST_HOT_SAMPLE != 0) return 0;
    h->article++;
    h->sampled++;
    return 1;
}

void
toplist_hot_word(struct toplist_hot *h, const char *term, size_t len)
{
    size_t i;

    if (len == 0 || len > TOPLIST_HOT_WORD) return;
    i = dict_hash(term, len) & (TOPLIST_HOT_SLOTS - 1);
    for (;; i = (i + 1) & (TOPLIST_HOT_SLOTS - 1)) {
        struct toplist_hot_slot *s = &h->slot[i];

        if (s->batch != h->batch) {
            /* a quarter left empty keeps the probes short */
            if (h->used >= TOPLIST_HOT_SLOTS / 4 * 3) return;
            s->batch = h->batch;
            s->article = h->article;
            s->n = 1;
            s->len = (uint8_t)len;
            memcpy(s->term, term, len);
            h->used++;
            return;
        }
        if (s->len == len && memcmp(s->term, term, len) == 0) {
            if (s->article != h->article) {
                s->article = h->article;
                s->n++;
            }
            return;
        }
    }
}

/* Where term is in v[0..n) (the candidates, the memo, the words found),
 * or -1. */
static int
toplist_hot_find(const struct toplist_hot_seen *v, int n, const char *term,
                 size_t len)
{
    for (int i = 0; i < n; i++)
        if (v[i].len == len && memcmp(v[i].term, term, len) == 0) return i;
    return -1;
}

/* The batch's counts go: a new batch number empties every slot. */
static void
toplist_hot_restart(struct toplist_hot *h)
{
    if (++h->batch == 0) { /* wrapped: empty them for real, once in 2^32 */
        memset(h->slot, 0, sizeof h->slot);
        h->batch = 1;
    }
    h->used = h->sampled = 0;
}

/* Keeps s as a candidate of the given share: the candidates are the most
 * frequent ones met, a word once. */
static void
toplist_hot_keep(struct toplist_hot *h, const struct toplist_hot_slot *s,
                 double share)
{
    int j = toplist_hot_find(h->cand, h->ncand, s->term, s->len), low = 0;

    if (j >= 0) {
        if (share > h->cand[j].share) h->cand[j].share = share;
        return;
    }
    for (j = 1; j < h->ncand; j++)
        if (h->cand[j].share < h->cand[low].share) low = j;
    if (h->ncand < TOPLIST_HOT_CANDIDATES)
        low = h->ncand++;
    else if (h->cand[low].share >= share)
        return;
    h->cand[low].len = s->len;
    memcpy(h->cand[low].term, s->term, s->len);
    h->cand[low].share = share;
}

void
toplist_hot_commit(struct toplist_hot *h, int64_t ndocs, int64_t min_df)
{
    double need;
    size_t i;

    if (h == NULL) return;
    h->ndocs = ndocs;
    h->committed = db_now_usec();
    /* a word in min_df of ndocs articles is in that share of the sampled
     * ones, give or take: half of it makes a candidate */
    need = ndocs > 0 ? (double)h->sampled * (double)min_df / (double)ndocs /
                           TOPLIST_HOT_SLACK
                     : 0;
    if (need < 2) need = 2;
    for (i = 0; min_df > 0 && ndocs >= min_df && i < TOPLIST_HOT_SLOTS; i++) {
        const struct toplist_hot_slot *s = &h->slot[i];
        int m;

        if (s->batch != h->batch || (double)s->n < need) continue;
        /* found already, waiting to be taken: counted once is enough */
        if (toplist_hot_find(h->found, h->nfound, s->term, s->len) >= 0)
            continue;
        m = toplist_hot_find(h->memo, h->nmemo, s->term, s->len);
        if (m >= 0 && ndocs < h->memo[m].ndocs + h->memo[m].ndocs / 4) continue;
        toplist_hot_keep(h, s, (double)s->n / (double)h->sampled);
    }
    toplist_hot_restart(h);
}

void
toplist_hot_forget(struct toplist_hot *h)
{
    if (h != NULL) toplist_hot_restart(h);
}

int
toplist_hot_check(struct db_conn *c, struct toplist_hot *h, int64_t min_df)
{
    struct toplist_hot_seen w;
    char err[256];
    int64_t df;
    int j, m, best = 0;

    if (h == NULL || h->ncand == 0 || h->nfound == TOPLIST_HOT_FOUND) return 0;
    /* the most frequent first: the costliest for FTS5 */
    for (j = 1; j < h->ncand; j++)
        if (h->cand[j].share > h->cand[best].share) best = j;
    w = h->cand[best];
    h->cand[best] = h->cand[--h->ncand];
    w.ndocs = h->ndocs;
    if (toplist_hot_find(h->found, h->nfound, w.term, w.len) >= 0)
        return 1; /* found before, not taken yet: no second walk */
    m = toplist_hot_find(h->memo, h->nmemo, w.term, w.len);
    if (m < 0) { /* the oldest goes */
        m = h->memo_next;
        h->memo_next = (h->memo_next + 1) % TOPLIST_HOT_MEMO;
        if (h->nmemo < TOPLIST_HOT_MEMO) h->nmemo++;
    }
    h->memo[m] = w;
    __atomic_fetch_add(&c->index->hot_checked, 1, __ATOMIC_RELAXED);
    df = posts_fts5_df(c, w.term, w.len, err, sizeof err);
    if (df < 0) {
        c->index->host->log(CARID_LOG_WARN, "frequent word '%.*s' not read: %s",
                            (int)w.len, w.term, err);
        return 1;
    }
    if (df >= min_df) {
        /* the most frequent are taken first: they come last */
        for (j = h->nfound; j > 0 && h->found[j - 1].share > w.share; j--)
            h->found[j] = h->found[j - 1];
        h->found[j] = w;
        h->nfound++;
        __atomic_fetch_add(&c->index->hot_found, 1, __ATOMIC_RELAXED);
    }
    return 1;
}

int
toplist_hot_take(struct toplist_hot *h, int64_t now, int64_t merges, char *term,
                 size_t *len)
{
    *len = 0;
    if (h == NULL || h->nfound == 0 ||
        now - h->committed < TOPLIST_HOT_IDLE_USEC)
        return 0;
    if (h->round_left == 0) {
        if (merges == h->round_merges &&
            now - h->round_began < TOPLIST_HOT_ROUND_USEC)
            return 0; /* the last round's words are not merged yet */
        h->round_left = TOPLIST_HOT_ROUND;
        h->round_merges = merges;
        h->round_began = now;
    }
    h->round_left--;
    h->nfound--;
    memcpy(term, h->found[h->nfound].term, h->found[h->nfound].len);
    *len = h->found[h->nfound].len;
    return 1;
}

int
toplist_hot_stats(struct db_conn *c, carid_stat_fn *fn, void *ctx)
{
    if (fn(ctx, "toplist_hot_checked",
           __atomic_load_n(&c->index->hot_checked, __ATOMIC_RELAXED)) ||
        fn(ctx, "toplist_hot_found",
           __atomic_load_n(&c->index->hot_found, __ATOMIC_RELAXED)))
        return 1;
    return 0;
}
