/*
 * post_term.c - see post_term.h.
 */
#include <stdlib.h>
#include <string.h>

#include "post_term.h"

/* The term's impacts: those of its blocks' impacts (title: of the titled
 * postings'), which dominate every posting. */
static int
post_term_impacts(struct post_term *t, size_t nb, int title)
{
    struct post_pair *pairs = malloc(nb * POST_IMPACTS * sizeof pairs[0]);
    size_t i, n = 0;
    int j;

    if (pairs == NULL) return -1;
    for (i = 0; i < nb; i++) {
        const struct post_impacts *imp = title ? &t->blocks[i].title
                                               : &t->blocks[i].all;

        for (j = 0; j < imp->n; j++)
            pairs[n++] = imp->p[j];
    }
    post_impacts_make(pairs, n, title ? &t->title : &t->all);
    free(pairs);
    return 0;
}

/* How full t->titled and t->heads are, and their room. */
struct post_term_fill {
    size_t ntitled, tcap;
    size_t nheads, hcap;
};

/*
 * Block i's header from its first bytes into t->blocks[i], *used its
 * length; its titled docids appended to t->titled and its bytes to
 * t->heads.  The blocks' titled pointers are set once all are in
 * (post_term_point()): the array moves as it grows.  0, -1 corrupt, -2 no
 * memory.
 */
static int
post_term_head(struct post_term *t, size_t i, const uint8_t *buf, size_t len,
               size_t *used, struct post_term_fill *f)
{
    int64_t *grown;
    uint8_t *more;

    if (f->ntitled + ENGINE_BLOCK > f->tcap) {
        f->tcap = f->tcap * 2 + ENGINE_BLOCK;
        grown = realloc(t->titled, f->tcap * sizeof t->titled[0]);
        if (grown == NULL) return -2;
        t->titled = grown;
    }
    if (post_block_decode_titled(buf, len, &t->blocks[i], used,
                                 t->titled + f->ntitled) != 0)
        return -1;
    f->ntitled += t->blocks[i].ntitled;
    if (f->nheads + *used > f->hcap) {
        f->hcap = f->hcap * 2 + *used + 256;
        more = realloc(t->heads, f->hcap);
        if (more == NULL) return -2;
        t->heads = more;
    }
    memcpy(t->heads + f->nheads, buf, *used);
    f->nheads += *used;
    t->head_at[i + 1] = f->nheads;
    return 0;
}

static void
post_term_point(struct post_term *t, size_t nb)
{
    size_t i, at = 0;

    for (i = 0; i < nb; i++) {
        t->blocks[i].titled = t->blocks[i].ntitled ? t->titled + at : NULL;
        at += t->blocks[i].ntitled;
    }
}

/* The term's maxima from its blocks' headers, as post_term_build() sets
 * them. */
static int
post_term_maxima(struct post_term *t, size_t nb)
{
    size_t i;

    for (i = 0; i < nb; i++)
        if (t->blocks[i].any_title) t->any_title = 1;
    if (post_term_impacts(t, nb, 0) != 0 || post_term_impacts(t, nb, 1) != 0)
        return -1;
    t->max_freq = t->all.p[0].freq;
    t->min_dl = t->all.p[t->all.n - 1].dl;
    t->nblocks = nb;
    return 0;
}

int
post_term_build(struct post_term *t, const struct post_posting *p, size_t n,
                post_term_sink sink, void *ctx)
{
    uint8_t buf[POST_BLOCK_MAX_BYTES];
    size_t i, nb = (n + ENGINE_BLOCK - 1) / ENGINE_BLOCK;
    struct post_term_fill f = {0, 0, 0, 0};

    memset(t, 0, sizeof *t);
    if (n == 0) return -1;
    t->blocks = malloc(nb * sizeof t->blocks[0]);
    t->head_at = calloc(nb + 1, sizeof t->head_at[0]);
    if (t->blocks == NULL || t->head_at == NULL) {
        post_term_free(t);
        return -1;
    }
    for (i = 0; i < nb; i++) {
        size_t at = i * ENGINE_BLOCK, len, used;
        int cnt = (int)(n - at < ENGINE_BLOCK ? n - at : ENGINE_BLOCK);
        struct post_block_meta *m = &t->blocks[i];

        /* Blocks are encoded alone; ascending across them is checked here. */
        len = post_block_encode(p + at, cnt, buf, sizeof buf, m);
        if (len == 0 || post_term_head(t, i, buf, len, &used, &f) != 0 ||
            (i > 0 && m->first <= t->blocks[i - 1].last) ||
            sink(ctx, i, buf, len) != 0) {
            post_term_free(t);
            return -1;
        }
    }
    post_term_point(t, nb);
    if (post_term_maxima(t, nb) != 0) {
        post_term_free(t);
        return -1;
    }
    t->df = (int64_t)n;
    return 0;
}

int
post_term_load(struct post_term *t, const uint8_t *heads, size_t len,
               size_t nblocks, int64_t df)
{
    struct post_term_fill f = {0, 0, 0, 0};
    size_t i, at = 0, used;
    int64_t n = 0;
    int rc = 0;

    memset(t, 0, sizeof *t);
    if (nblocks == 0 || nblocks > len || df <= 0) return -1;
    if (heads[0] != POST_BLOCK_VERSION) return -3;
    t->blocks = malloc(nblocks * sizeof t->blocks[0]);
    t->head_at = calloc(nblocks + 1, sizeof t->head_at[0]);
    if (t->blocks == NULL || t->head_at == NULL) {
        post_term_free(t);
        return -2;
    }
    for (i = 0; i < nblocks; i++) {
        struct post_block_meta *m = &t->blocks[i];

        rc = post_term_head(t, i, heads + at, len - at, &used, &f);
        if (rc != 0 || (i > 0 && m->first <= t->blocks[i - 1].last)) break;
        at += used;
        n += m->count;
    }
    if (i < nblocks || at != len || n != df) {
        post_term_free(t);
        return rc == -2 ? -2 : -1;
    }
    post_term_point(t, nblocks);
    t->df = df;
    if (post_term_maxima(t, nblocks) != 0) {
        post_term_free(t);
        return -2;
    }
    return 0;
}

void
post_term_free(struct post_term *t)
{
    free(t->blocks);
    free(t->titled);
    free(t->heads);
    free(t->head_at);
    memset(t, 0, sizeof *t);
}
