/*
 * post_cursor.c - see post_cursor.h.
 */
#include <string.h>

#include "post_cursor.h"

/* The first block in [lo, hi) whose last docid is >= target (hi if none):
 * headers are in memory, so this is a binary search with no decoding. */
static size_t
post_cursor_find(const struct post_term *t, size_t lo, size_t hi,
                 int64_t target)
{
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (t->blocks[mid].last < target)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

void
post_cursor_open(struct post_cursor *c, const struct post_term *term,
                 struct post_source src, int64_t from, int64_t to)
{
    size_t lo, hi, n = term->nblocks;

    memset(c, 0, offsetof(struct post_cursor, data));
    c->term = term;
    c->src = src;
    c->from = from;
    c->to = to;
    c->loaded = SIZE_MAX;
    c->docid = INT64_MIN;
    c->blk = post_cursor_find(term, 0, n, from);
    /* end: the first block that starts after to. */
    lo = c->blk;
    hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (term->blocks[mid].first <= to)
            lo = mid + 1;
        else
            hi = mid;
    }
    c->end = from > to ? c->blk : lo;
    c->shallow = c->blk;
    c->nrange = c->end - c->blk;
}

static int64_t
post_cursor_stop(struct post_cursor *c, int err)
{
    c->docid = POST_END;
    c->blk = c->end;
    if (err) c->err = 1;
    return POST_END;
}

/* Reads and decodes block c->blk's docids.  Its header must be, byte for
 * byte, the term's copy of it, which skipping and bounds used: then only
 * the postings need decoding. */
static int
post_cursor_load(struct post_cursor *c)
{
    const struct post_term *t = c->term;
    size_t at = t->head_at[c->blk], head = t->head_at[c->blk + 1] - at;

    c->loaded = SIZE_MAX;
    c->tfs_loaded = 0;
    if (c->src.read(c->src.ctx, c->blk, &c->buf, &c->len) != 0 ||
        c->len < head || memcmp(c->buf, t->heads + at, head) != 0 ||
        post_block_decode_body(c->buf, c->len, head, &t->blocks[c->blk],
                               &c->data) != 0)
        return -1;
    c->ndocids++;
    c->loaded = c->blk;
    return 0;
}

/* Stands on posting pos of the loaded block, or ends past to. */
static int64_t
post_cursor_stand(struct post_cursor *c, int pos)
{
    c->pos = pos;
    c->docid = c->data.docid[pos];
    if (c->docid > c->to) return post_cursor_stop(c, 0);
    return c->docid;
}

int64_t
post_cursor_advance(struct post_cursor *c, int64_t target)
{
    int lo, hi, near;

    if (c->docid >= target) return c->docid;
    if (target < c->from) target = c->from;
    if (c->blk < c->end && c->term->blocks[c->blk].last < target)
        c->blk = post_cursor_find(c->term, c->blk + 1, c->end, target);
    if (c->blk >= c->end) return post_cursor_stop(c, 0);
    lo = 0;
    if (c->loaded == c->blk) {
        lo = c->docid == INT64_MIN ? 0 : c->pos;
    } else if (post_cursor_load(c) != 0) {
        return post_cursor_stop(c, 1);
    }
    /* Dense lists move a few postings at a time: look there first.  The
     * block's last docid is >= target, so either search finds one. */
    hi = c->data.n - 1;
    for (near = lo + 8; lo < hi && lo < near; lo++)
        if (c->data.docid[lo] >= target) return post_cursor_stand(c, lo);
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;

        if (c->data.docid[mid] < target)
            lo = mid + 1;
        else
            hi = mid;
    }
    return post_cursor_stand(c, lo);
}

int64_t
post_cursor_next(struct post_cursor *c)
{
    if (c->docid == POST_END) return POST_END;
    if (c->docid == INT64_MIN) return post_cursor_advance(c, c->from);
    if (c->pos + 1 < c->data.n) return post_cursor_stand(c, c->pos + 1);
    c->blk++;
    if (c->blk >= c->end) return post_cursor_stop(c, 0);
    if (post_cursor_load(c) != 0) return post_cursor_stop(c, 1);
    return post_cursor_stand(c, 0);
}

int64_t
post_cursor_seek(struct post_cursor *c, size_t blk)
{
    const struct post_block_meta *m = &c->term->blocks[blk];

    if (c->err) return POST_END;
    c->blk = blk; /* c->end, the range's end, never moves */
    c->docid = INT64_MIN;
    return post_cursor_advance(c, m->first > c->from ? m->first : c->from);
}

const struct post_block_meta *
post_cursor_shallow(struct post_cursor *c, int64_t target)
{
    size_t from = c->shallow > c->blk ? c->shallow : c->blk;

    if (c->docid == POST_END) return NULL;
    if (target < c->from) target = c->from;
    /* Targets mostly grow: start from the last answer unless it is past. */
    if (from > c->blk && c->term->blocks[from - 1].last >= target)
        from = c->blk;
    c->shallow = post_cursor_find(c->term, from, c->end, target);
    if (c->shallow >= c->end) return NULL;
    return &c->term->blocks[c->shallow];
}

int
post_cursor_posting(struct post_cursor *c, uint32_t *tf_title,
                    uint32_t *tf_body, uint32_t *dl)
{
    if (c->docid == POST_END || c->docid == INT64_MIN) return -1;
    if (!c->tfs_loaded) {
        if (post_block_decode_tfs(c->buf, c->len, &c->term->blocks[c->blk],
                                  &c->data) != 0) {
            post_cursor_stop(c, 1);
            return -1;
        }
        c->tfs_loaded = 1;
        c->ntfs++;
    }
    *tf_title = c->data.tf_title[c->pos];
    *tf_body = c->data.tf_body[c->pos];
    *dl = c->data.dl[c->pos];
    return 0;
}

const int64_t *
post_cursor_rest_upto(const struct post_cursor *c, int64_t upto, int *n)
{
    const int64_t *a = post_cursor_rest(c, n);
    int lo = 0, hi = *n;

    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;

        if (a[mid] <= upto)
            lo = mid + 1;
        else
            hi = mid;
    }
    *n = lo;
    return a;
}

size_t
post_cursor_blocks(const struct post_cursor *c)
{
    return c->nrange;
}

int
post_cursor_failed(const struct post_cursor *c)
{
    return c->err;
}
