/*
 * post_block.c - see post_block.h.  Layout version 2, all integers LEB128
 * varints (7 bits a byte, low bits first):
 *
 *   version (1 byte) | count | first docid (as uint64) | last - first |
 *   flags (1 byte: bit 0 any_title) | impacts of all postings |
 *   [when any_title: impacts of the titled postings | their count |
 *    their docids: the first's offset from first, then deltas >= 1] |
 *   packed(count - 1 docid deltas minus 1) |
 *   packed(count tf_title) | packed(count tf_body) | packed(count dl)
 *
 * impacts: n (1 byte, 1..POST_IMPACTS), then n (freq, dl).
 *
 * packed(n values): a bit width w (1 byte), then the n values in w bits
 * each, low bits first, in ceil(n * w / 8) bytes (plain frame of
 * reference: one width a block, as Lucene's FOR).  Fixed widths decode in
 * a loop without branches on the data, which a varint cannot: the docids'
 * decode was most of an AND's time in varints (DESIGN.md, Figures).
 *
 * Docids come before the tfs so that post_block_decode_docids() can stop
 * there.  The header repeats what the postings imply (last, maxima) so a
 * cursor bounds and skips a block from its header alone; the decoder
 * recomputes the impacts from the postings and checks that they agree.
 */
#include <string.h>

#include "post_block.h"
#include "post_varint.h"

/* The reading side: a position in buf[0..len) that never passes len. */
struct post_block_in {
    const uint8_t *buf;
    size_t len;
    size_t at;
};

/* 0 and the value in *v, or -1 at the end of input or on a varint longer
 * than 10 bytes or above 64 bits (post_varint_get()). */
static int
post_block_get(struct post_block_in *in, uint64_t *v)
{
    return post_varint_get(in->buf, in->len, &in->at, v);
}

static int
post_block_get32(struct post_block_in *in, uint32_t *v)
{
    uint64_t x;

    if (post_block_get(in, &x) != 0 || x > UINT32_MAX) return -1;
    *v = (uint32_t)x;
    return 0;
}

/* Bits needed for v (0 for 0). */
static int
post_block_width(uint64_t v)
{
    int w = 0;

    while (v > 0) {
        w++;
        v >>= 1;
    }
    return w;
}

/* packed(v[0..n)) at out + at; returns the new end.  Written through a
 * zero-padded buffer, 8 bytes a value (a ninth above 57 bits), as read. */
static size_t
post_block_pack(uint8_t *out, size_t at, const uint64_t *v, int n)
{
    uint8_t pad[(ENGINE_BLOCK * 63 + 7) / 8 + 9];
    uint64_t any = 0, x;
    size_t bit, nbytes;
    int w, i, sh;

    for (i = 0; i < n; i++)
        any |= v[i];
    w = post_block_width(any);
    out[at++] = (uint8_t)w;
    nbytes = ((size_t)n * (size_t)w + 7) / 8;
    memset(pad, 0, nbytes + 9);
    for (i = 0; i < n; i++) {
        bit = (size_t)i * (size_t)w;
        sh = (int)(bit % 8);
        memcpy(&x, pad + bit / 8, sizeof x); /* little-endian hosts */
        x |= v[i] << sh;
        memcpy(pad + bit / 8, &x, sizeof x);
        if (w > 57) pad[bit / 8 + 8] |= (uint8_t)(v[i] >> (63 - sh) >> 1);
    }
    memcpy(out + at, pad, nbytes);
    return at + nbytes;
}

/*
 * Reads packed(n values) of width at most maxw (<= 63) into v.  0, or -1
 * if the width is too large or the bytes run out.  The bits are copied
 * into a zero-padded buffer first, so that the loop may load 8 bytes (and
 * one more for widths above 57) at any value without passing the input.
 */
static int
post_block_unpack(struct post_block_in *in, int n, int maxw, uint64_t *v)
{
    uint8_t pad[(ENGINE_BLOCK * 63 + 7) / 8 + 9];
    uint64_t mask, x;
    size_t nbytes, bit;
    int w, i, sh;

    if (in->at >= in->len) return -1;
    w = in->buf[in->at++];
    if (w > maxw) return -1;
    nbytes = ((size_t)n * (size_t)w + 7) / 8;
    if (nbytes > in->len - in->at) return -1;
    memcpy(pad, in->buf + in->at, nbytes);
    memset(pad + nbytes, 0, 9);
    in->at += nbytes;
    mask = ((uint64_t)1 << w) - 1;
    for (i = 0; i < n; i++) {
        bit = (size_t)i * (size_t)w;
        sh = (int)(bit % 8);
        memcpy(&x, pad + bit / 8, sizeof x); /* little-endian hosts */
        x >>= sh;
        /* The high bits a 64-bit load misses when sh + w > 64. */
        if (w > 57) x |= (uint64_t)pad[bit / 8 + 8] << (63 - sh) << 1;
        v[i] = x & mask;
    }
    return 0;
}

static uint64_t
post_block_freq(uint32_t tf_title, uint32_t tf_body)
{
    return 4 * (uint64_t)tf_title + tf_body;
}

/* The impacts of the postings (titled ones only, if title). */
static void
post_block_impacts(const uint32_t *tf_title, const uint32_t *tf_body,
                   const uint32_t *dl, int n, int title,
                   struct post_impacts *out)
{
    struct post_pair pairs[ENGINE_BLOCK];
    int i, m = 0;

    for (i = 0; i < n; i++) {
        if (title && tf_title[i] == 0) continue;
        pairs[m].freq = (uint32_t)post_block_freq(tf_title[i], tf_body[i]);
        pairs[m++].dl = dl[i];
    }
    post_impacts_make(pairs, (size_t)m, out);
}

static size_t
post_block_put_impacts(uint8_t *out, size_t at, const struct post_impacts *imp)
{
    int i;

    out[at++] = (uint8_t)imp->n;
    for (i = 0; i < imp->n; i++) {
        at = post_varint_put(out, at, imp->p[i].freq);
        at = post_varint_put(out, at, imp->p[i].dl);
    }
    return at;
}

static int
post_block_get_impacts(struct post_block_in *in, struct post_impacts *imp)
{
    int i;

    if (in->at >= in->len) return -1;
    imp->n = in->buf[in->at++];
    if (imp->n < 1 || imp->n > POST_IMPACTS) return -1;
    for (i = 0; i < imp->n; i++)
        if (post_block_get32(in, &imp->p[i].freq) != 0 ||
            post_block_get32(in, &imp->p[i].dl) != 0)
            return -1;
    return post_impacts_valid(imp) ? 0 : -1;
}

/* Sets the maxima the impacts imply. */
static void
post_block_maxima(struct post_block_meta *m)
{
    m->max_freq = m->all.p[0].freq;
    m->min_dl = m->all.p[m->all.n - 1].dl;
}

size_t
post_block_encode(const struct post_posting *p, int n, uint8_t *out, size_t cap,
                  struct post_block_meta *meta)
{
    uint32_t tf_title[ENGINE_BLOCK], tf_body[ENGINE_BLOCK], dl[ENGINE_BLOCK];
    uint64_t v[ENGINE_BLOCK];
    struct post_block_meta m;
    size_t at = 0;
    int i;

    if (n < 1 || n > ENGINE_BLOCK || cap < POST_BLOCK_MAX_BYTES) return 0;
    memset(&m, 0, sizeof m);
    m.first = p[0].docid;
    m.last = p[n - 1].docid;
    m.count = (uint16_t)n;
    for (i = 0; i < n; i++) {
        uint64_t freq = post_block_freq(p[i].tf_title, p[i].tf_body);

        if (p[i].docid == INT64_MAX || p[i].docid == INT64_MIN ||
            (i > 0 && p[i].docid <= p[i - 1].docid))
            return 0;
        if (freq == 0 || freq > UINT32_MAX || p[i].dl == 0) return 0;
        if (p[i].tf_title > 0) m.any_title = 1;
        tf_title[i] = p[i].tf_title;
        tf_body[i] = p[i].tf_body;
        dl[i] = p[i].dl;
    }
    post_block_impacts(tf_title, tf_body, dl, n, 0, &m.all);
    post_block_impacts(tf_title, tf_body, dl, n, 1, &m.title);
    post_block_maxima(&m);
    out[at++] = POST_BLOCK_VERSION;
    at = post_varint_put(out, at, (uint64_t)n);
    at = post_varint_put(out, at, (uint64_t)m.first);
    at = post_varint_put(out, at, (uint64_t)m.last - (uint64_t)m.first);
    out[at++] = m.any_title;
    at = post_block_put_impacts(out, at, &m.all);
    if (m.any_title) {
        int64_t prev = m.first;

        at = post_block_put_impacts(out, at, &m.title);
        for (i = 0; i < n; i++)
            m.ntitled += p[i].tf_title > 0;
        at = post_varint_put(out, at, m.ntitled);
        for (i = 0; i < n; i++) {
            if (p[i].tf_title == 0) continue;
            at = post_varint_put(out, at,
                                 (uint64_t)p[i].docid - (uint64_t)prev);
            prev = p[i].docid;
        }
    }
    for (i = 1; i < n; i++)
        v[i - 1] = (uint64_t)p[i].docid - (uint64_t)p[i - 1].docid - 1;
    at = post_block_pack(out, at, v, n - 1);
    for (i = 0; i < n; i++)
        v[i] = p[i].tf_title;
    at = post_block_pack(out, at, v, n);
    for (i = 0; i < n; i++)
        v[i] = p[i].tf_body;
    at = post_block_pack(out, at, v, n);
    for (i = 0; i < n; i++)
        v[i] = p[i].dl;
    at = post_block_pack(out, at, v, n);
    *meta = m;
    return at;
}

/* The titled docids (m->ntitled of them, each an offset from m->first,
 * strictly ascending and within the span) into titled, if not NULL. */
static int
post_block_get_titled(struct post_block_in *in, struct post_block_meta *m,
                      uint64_t span, int64_t *titled)
{
    uint64_t nt, delta, sum = 0;
    int i;

    if (post_block_get(in, &nt) != 0 || nt < 1 || nt > m->count) return -1;
    for (i = 0; i < (int)nt; i++) {
        if (post_block_get(in, &delta) != 0 || (i > 0 && delta == 0) ||
            delta > span - sum)
            return -1;
        sum += delta;
        if (titled != NULL) titled[i] = (int64_t)((uint64_t)m->first + sum);
    }
    m->ntitled = (uint16_t)nt;
    m->titled = titled;
    return 0;
}

static int
post_block_header(struct post_block_in *in, struct post_block_meta *meta,
                  int64_t *titled)
{
    uint64_t count, first, span;
    struct post_block_meta m;

    memset(&m, 0, sizeof m);
    if (in->len < 1 || in->buf[0] != POST_BLOCK_VERSION) return -1;
    in->at = 1;
    if (post_block_get(in, &count) != 0 || count < 1 || count > ENGINE_BLOCK)
        return -1;
    if (post_block_get(in, &first) != 0 || post_block_get(in, &span) != 0)
        return -1;
    /* Docids lie strictly between INT64_MIN and INT64_MAX, the cursors'
     * marks; first + span must stay below INT64_MAX (the unsigned
     * difference is exact for any int64 first), and leave room for count
     * - 1 distinct docids. */
    if ((int64_t)first == INT64_MAX || (int64_t)first == INT64_MIN ||
        span > (uint64_t)(INT64_MAX - 1) - first)
        return -1;
    if (span < count - 1 || (count == 1 && span != 0)) return -1;
    if (in->at >= in->len || in->buf[in->at] > 1) return -1;
    m.any_title = in->buf[in->at++];
    if (post_block_get_impacts(in, &m.all) != 0) return -1;
    if (m.any_title && post_block_get_impacts(in, &m.title) != 0) return -1;
    m.first = (int64_t)first;
    m.last = (int64_t)(first + span);
    m.count = (uint16_t)count;
    if (m.any_title && post_block_get_titled(in, &m, span, titled) != 0)
        return -1;
    post_block_maxima(&m);
    *meta = m;
    return 0;
}

int
post_block_decode_meta(const uint8_t *buf, size_t len,
                       struct post_block_meta *meta)
{
    struct post_block_in in = {buf, len, 0};

    return post_block_header(&in, meta, NULL);
}

int
post_block_decode_head(const uint8_t *buf, size_t len,
                       struct post_block_meta *meta, size_t *used)
{
    struct post_block_in in = {buf, len, 0};

    if (post_block_header(&in, meta, NULL) != 0) return -1;
    *used = in.at;
    return 0;
}

int
post_block_decode_titled(const uint8_t *buf, size_t len,
                         struct post_block_meta *meta, size_t *used,
                         int64_t *titled)
{
    struct post_block_in in = {buf, len, 0};

    if (post_block_header(&in, meta, titled) != 0) return -1;
    *used = in.at;
    return 0;
}

/* The docids after the header *meta says, into d. */
static int
post_block_docids(struct post_block_in *in, const struct post_block_meta *meta,
                  struct post_block_data *d)
{
    uint64_t v[ENGINE_BLOCK], sum = 0, span;
    int i, bad = 0;

    span = (uint64_t)meta->last - (uint64_t)meta->first;
    if (post_block_unpack(in, meta->count - 1, 63, v) != 0) return -1;
    d->docid[0] = meta->first;
    for (i = 1; i < meta->count; i++) {
        /* Each delta is at most 2^63 and sum stays <= span < 2^63 until
         * bad is set, so the sum cannot wrap before it is caught. */
        sum += v[i - 1] + 1;
        bad |= sum > span;
        d->docid[i] = (int64_t)((uint64_t)meta->first + sum);
    }
    if (bad || sum != span) return -1;
    d->n = meta->count;
    d->tf_offset = in->at;
    return 0;
}

int
post_block_decode_docids(const uint8_t *buf, size_t len,
                         struct post_block_meta *meta,
                         struct post_block_data *d)
{
    struct post_block_in in = {buf, len, 0};

    if (post_block_header(&in, meta, d->titled) != 0) return -1;
    return post_block_docids(&in, meta, d);
}

int
post_block_decode_body(const uint8_t *buf, size_t len, size_t head,
                       const struct post_block_meta *meta,
                       struct post_block_data *d)
{
    struct post_block_in in = {buf, len, head};

    if (head > len) return -1;
    if (meta->ntitled > 0)
        memcpy(d->titled, meta->titled, meta->ntitled * sizeof d->titled[0]);
    return post_block_docids(&in, meta, d);
}

int
post_block_decode_tfs(const uint8_t *buf, size_t len,
                      const struct post_block_meta *meta,
                      struct post_block_data *d)
{
    struct post_block_in in = {buf, len, d->tf_offset};
    uint64_t freq, v[ENGINE_BLOCK];
    int i, j = 0;

    if (post_block_unpack(&in, d->n, 32, v) != 0) return -1;
    for (i = 0; i < d->n; i++)
        d->tf_title[i] = (uint32_t)v[i];
    if (post_block_unpack(&in, d->n, 32, v) != 0) return -1;
    for (i = 0; i < d->n; i++)
        d->tf_body[i] = (uint32_t)v[i];
    if (post_block_unpack(&in, d->n, 32, v) != 0) return -1;
    for (i = 0; i < d->n; i++)
        d->dl[i] = (uint32_t)v[i];
    for (i = 0; i < d->n; i++) {
        freq = post_block_freq(d->tf_title[i], d->tf_body[i]);
        if (freq == 0 || freq > UINT32_MAX || d->dl[i] == 0) return -1;
        /* Under the block's maxima.  Checking each posting against the
         * impacts (post_impacts_cover()) took a quarter of an AND's time;
         * a header that understates a posting can only misrank within a
         * corrupt block, never read out of bounds. */
        if (freq > meta->max_freq || d->dl[i] < meta->min_dl) return -1;
        /* The titled postings are exactly the header's titled docids
         * (d->titled: decoded from these bytes by _docids()). */
        if (d->tf_title[i] > 0) {
            if (j >= meta->ntitled || d->titled[j] != d->docid[i]) return -1;
            j++;
        }
    }
    if (in.at != len || j != meta->ntitled) return -1;
    return 0;
}

int
post_block_decode(const uint8_t *buf, size_t len, struct post_block_meta *meta,
                  struct post_block_data *d)
{
    if (post_block_decode_docids(buf, len, meta, d) != 0) return -1;
    return post_block_decode_tfs(buf, len, meta, d);
}
