/*
 * snippet.c - carid_snippet() (snippet.h).  Three linear passes over one
 * column instead of FTS5's all-pairs search:
 *
 *  1. The column's matches from xInst (FTS5 sorts them by offset), and its
 *     sentence starts from one tokenization that stops after the last
 *     match (a sentence starts at a token after '.' or ':' and white space,
 *     as in FTS5).
 *  2. For each match in order, FTS5 scores the window starting at the match
 *     and the window starting at its sentence; both starts only grow, so
 *     each score is a sliding window (two indexes and a count per phrase)
 *     rather than a scan of every match.  Ties keep the first, as in FTS5.
 *  3. A second tokenization marks the window's matches and stops after its
 *     last token; the output grows by doubling (FTS5 copies it whole at
 *     every append).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "carid_plugin.h"
#include "snippet.h"

#define SNIPPET_STOP (-2) /* a tokenizer callback's "enough" */

/* A match of a phrase in the column: the phrase, its first token. */
struct snippet_inst {
    int phrase, off;
};

struct snippet {
    const Fts5ExtensionApi *api;
    Fts5Context *fts;
    const struct carid_query *q; /* NULL: no deadline */
    struct snippet_inst *inst;   /* the column's matches, by offset */
    int ninst;
    int *psize; /* tokens of each phrase */
    int *count; /* 2 x nphrase: the windows' counts */
    int nphrase, ntoken, doc_size;
    const char *text; /* the column */
    int text_len;
    int *first; /* sentence starts (token offsets) */
    int nfirst, cap_first;
    int pos;  /* tokens seen by the running pass */
    int last; /* pass 1 stops after this token */
};

/* Matches [lo, hi) start inside the window; count[] per phrase. */
struct snippet_window {
    int lo, hi, distinct;
    int *count;
};

/* The coalesced-match iterator of FTS5's highlight: overlapping matches
 * are one marked span [start, end] (token offsets); -1 when done. */
struct snippet_span {
    int next, start, end;
};

struct snippet_out {
    char *p;
    size_t len, cap;
    int rc;
};

static void
snippet_put(struct snippet_out *o, const char *p, size_t n)
{
    char *np;
    size_t cap;

    if (o->rc != SQLITE_OK || n == 0) return;
    if (o->len + n > o->cap) {
        cap = o->cap ? o->cap : 256;
        while (cap < o->len + n)
            cap *= 2;
        np = sqlite3_realloc64(o->p, cap);
        if (np == NULL) {
            o->rc = SQLITE_NOMEM;
            return;
        }
        o->p = np;
        o->cap = cap;
    }
    memcpy(o->p + o->len, p, n);
    o->len += n;
}

/* Nonzero every SNIPPET_WATCH tokens if the query has expired. */
static int
snippet_expired(const struct snippet *s)
{
    char scratch[160];

    return s->q != NULL && s->pos % SNIPPET_WATCH == 0 &&
           carid_query_expired(s->q, scratch, sizeof scratch) != 0;
}

static int
snippet_sentence_cb(void *ctx, int flags, const char *token, int ntoken,
                    int start, int end)
{
    struct snippet *s = ctx;
    int i, *np, cap;
    char c = 0;

    (void)token;
    (void)ntoken;
    (void)end;
    if (flags & FTS5_TOKEN_COLOCATED) return SQLITE_OK;
    if (s->pos > s->last) return SNIPPET_STOP;
    if (snippet_expired(s)) return SQLITE_INTERRUPT;
    for (i = start - 1; s->pos > 0 && i >= 0; i--) {
        c = s->text[i];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
    }
    if (s->pos == 0 || (i != start - 1 && (c == '.' || c == ':'))) {
        if (s->nfirst == s->cap_first) {
            cap = s->cap_first ? 2 * s->cap_first : 64;
            np = sqlite3_realloc64(s->first, (sqlite3_uint64)cap * sizeof *np);
            if (np == NULL) return SQLITE_NOMEM;
            s->first = np;
            s->cap_first = cap;
        }
        s->first[s->nfirst++] = s->pos;
    }
    s->pos++;
    return SQLITE_OK;
}

static int
snippet_inst_cmp(const void *a, const void *b)
{
    const struct snippet_inst *x = a, *y = b;

    return (x->off > y->off) - (x->off < y->off);
}

/* Pass 1: the column's matches, phrase sizes, sentence starts. */
static int
snippet_collect(struct snippet *s, int col)
{
    int n = 0, i, phrase, c, off, sorted = 1, rc;

    rc = s->api->xInstCount(s->fts, &n);
    if (rc != SQLITE_OK) return rc;
    s->nphrase = s->api->xPhraseCount(s->fts);
    s->inst = sqlite3_malloc64((sqlite3_uint64)(n > 0 ? n : 1) *
                               sizeof *s->inst);
    s->psize = sqlite3_malloc64((sqlite3_uint64)(s->nphrase + 1) *
                                sizeof *s->psize);
    s->count = sqlite3_malloc64((sqlite3_uint64)(2 * s->nphrase + 1) *
                                sizeof *s->count);
    if (s->inst == NULL || s->psize == NULL || s->count == NULL)
        return SQLITE_NOMEM;
    memset(s->count, 0, (size_t)(2 * s->nphrase + 1) * sizeof *s->count);
    for (i = 0; i < s->nphrase; i++)
        s->psize[i] = s->api->xPhraseSize(s->fts, i);
    for (i = 0; i < n; i++) {
        rc = s->api->xInst(s->fts, i, &phrase, &c, &off);
        if (rc != SQLITE_OK) return rc;
        if (c != col) continue;
        if (phrase < 0 || phrase >= s->nphrase || off < 0 || off > s->doc_size)
            return SQLITE_CORRUPT_VTAB;
        if (s->ninst > 0 && off < s->inst[s->ninst - 1].off) sorted = 0;
        s->inst[s->ninst].phrase = phrase;
        s->inst[s->ninst++].off = off;
    }
    /* FTS5 returns them sorted (by offset, then phrase); sort if not */
    if (!sorted)
        qsort(s->inst, (size_t)s->ninst, sizeof *s->inst, snippet_inst_cmp);
    if (s->ninst == 0 || s->doc_size <= s->ntoken) return SQLITE_OK;
    s->pos = 0;
    s->last = s->inst[s->ninst - 1].off;
    rc = s->api->xTokenize(s->fts, s->text, s->text_len, s,
                           snippet_sentence_cb);
    return rc == SNIPPET_STOP ? SQLITE_OK : rc;
}

/* Slides w to the window [start, start + ntoken), start never going
 * back; returns FTS5's score of the window. */
static int
snippet_slide(const struct snippet *s, struct snippet_window *w, int start)
{
    int64_t end = (int64_t)start + s->ntoken;

    while (w->hi < s->ninst && s->inst[w->hi].off < end) {
        if (w->count[s->inst[w->hi].phrase]++ == 0) w->distinct++;
        w->hi++;
    }
    while (w->lo < w->hi && s->inst[w->lo].off < start) {
        if (--w->count[s->inst[w->lo].phrase] == 0) w->distinct--;
        w->lo++;
    }
    return 1000 * w->distinct + (w->hi - w->lo - w->distinct);
}

/* Pass 2: the first token of the best window (0 without matches). */
static int
snippet_best(const struct snippet *s)
{
    struct snippet_window at = {0, 0, 0, s->count};
    struct snippet_window sent = {0, 0, 0, s->count + s->nphrase};
    int best = 0, best_start = 0, k, j = 0, score, io, first_off, last_end;
    const struct snippet_inst *l;
    int64_t adj;

    for (k = 0; k < s->ninst; k++) {
        io = s->inst[k].off;
        score = snippet_slide(s, &at, io);
        if (score > best) {
            /* centred on the window's matches, as FTS5 does */
            l = &s->inst[at.hi - 1];
            first_off = s->inst[at.lo].off;
            last_end = l->off + s->psize[l->phrase];
            adj = first_off - (s->ntoken - (last_end - first_off)) / 2;
            if (adj + s->ntoken > s->doc_size) adj = s->doc_size - s->ntoken;
            if (adj < 0) adj = 0;
            best = score;
            best_start = (int)adj;
        }
        if (s->nfirst == 0 || s->doc_size <= s->ntoken) continue;
        while (j < s->nfirst - 1 && s->first[j + 1] <= io)
            j++;
        if (s->first[j] >= io) continue;
        score = snippet_slide(s, &sent, s->first[j]) +
                (s->first[j] == 0 ? 120 : 100);
        if (score > best) {
            best = score;
            best_start = s->first[j];
        }
    }
    return best_start;
}

/* Moves sp to the next marked span (fts5CInstIterNext). */
static void
snippet_span_next(const struct snippet *s, struct snippet_span *sp)
{
    const struct snippet_inst *in;
    int end;

    sp->start = sp->end = -1;
    for (; sp->next < s->ninst; sp->next++) {
        in = &s->inst[sp->next];
        end = in->off - 1 + s->psize[in->phrase];
        if (sp->start < 0) {
            sp->start = in->off;
            sp->end = end;
        } else if (in->off <= sp->end) {
            if (end > sp->end) sp->end = end;
        } else {
            break;
        }
    }
}

/* Pass 3's state: FTS5's HighlightContext, for a range. */
struct snippet_mark {
    struct snippet *s;
    struct snippet_span sp;
    struct snippet_out out;
    const char *open, *close;
    int range_start, range_end;
    int off; /* bytes of the text copied or skipped */
};

static void
snippet_copy(struct snippet_mark *m, int to)
{
    snippet_put(&m->out, m->s->text + m->off, (size_t)(to - m->off));
    m->off = to;
}

static int
snippet_mark_cb(void *ctx, int flags, const char *token, int ntoken, int start,
                int end)
{
    struct snippet_mark *m = ctx;
    struct snippet *s = m->s;
    int pos;

    (void)token;
    (void)ntoken;
    if (flags & FTS5_TOKEN_COLOCATED) return SQLITE_OK;
    if (snippet_expired(s)) return SQLITE_INTERRUPT;
    pos = s->pos++;
    if (pos > m->range_end) return SNIPPET_STOP;
    if (pos < m->range_start) return SQLITE_OK;
    if (m->range_start && pos == m->range_start) m->off = start;
    if (pos == m->sp.start) {
        snippet_copy(m, start);
        snippet_put(&m->out, m->open, strlen(m->open));
    }
    if (pos == m->sp.end) {
        if (m->sp.start < m->range_start)
            snippet_put(&m->out, m->open, strlen(m->open));
        snippet_copy(m, end);
        snippet_put(&m->out, m->close, strlen(m->close));
        snippet_span_next(s, &m->sp);
    }
    if (pos == m->range_end) {
        snippet_copy(m, end);
        if (pos >= m->sp.start && pos < m->sp.end)
            snippet_put(&m->out, m->close, strlen(m->close));
    }
    return m->out.rc;
}

static const char *
snippet_arg(sqlite3_value *v)
{
    const char *p = (const char *)sqlite3_value_text(v);

    return p != NULL ? p : "";
}

static void
snippet_fn(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx,
           int argc, sqlite3_value **argv)
{
    struct snippet s;
    struct snippet_mark m;
    const char *ellipsis;
    int col, rc;

    if (argc != 5 && argc != 6) {
        sqlite3_result_error(ctx, "carid_snippet: wrong number of arguments",
                             -1);
        return;
    }
    memset(&s, 0, sizeof s);
    memset(&m, 0, sizeof m);
    s.api = api;
    s.fts = fts;
    col = sqlite3_value_int(argv[0]);
    m.open = snippet_arg(argv[1]);
    m.close = snippet_arg(argv[2]);
    ellipsis = snippet_arg(argv[3]);
    s.ntoken = sqlite3_value_int(argv[4]);
    if (s.ntoken < 1) s.ntoken = 1;
    if (s.ntoken > SNIPPET_MAX_TOKENS) s.ntoken = SNIPPET_MAX_TOKENS;
    if (argc == 6) s.q = sqlite3_value_pointer(argv[5], SNIPPET_QUERY_PTR);
    if (col < 0 || col >= api->xColumnCount(fts)) {
        sqlite3_result_error(ctx, "carid_snippet: no such column", -1);
        return;
    }
    rc = api->xColumnText(fts, col, &s.text, &s.text_len);
    if (rc == SQLITE_OK) rc = api->xColumnSize(fts, col, &s.doc_size);
    if (rc == SQLITE_OK && s.text != NULL) rc = snippet_collect(&s, col);
    if (rc == SQLITE_OK && s.text != NULL) {
        m.s = &s;
        m.range_start = snippet_best(&s);
        m.range_end = m.range_start + s.ntoken - 1;
        if (m.range_start > 0) snippet_put(&m.out, ellipsis, strlen(ellipsis));
        snippet_span_next(&s, &m.sp);
        while (m.sp.start >= 0 && m.sp.start < m.range_start)
            snippet_span_next(&s, &m.sp);
        s.pos = 0;
        rc = api->xTokenize(fts, s.text, s.text_len, &m, snippet_mark_cb);
        if (rc == SNIPPET_STOP) rc = SQLITE_OK;
        if (rc == SQLITE_OK) rc = m.out.rc;
        if (m.range_end >= s.doc_size - 1)
            snippet_copy(&m, s.text_len);
        else
            snippet_put(&m.out, ellipsis, strlen(ellipsis));
        if (rc == SQLITE_OK) rc = m.out.rc;
    }
    if (rc != SQLITE_OK)
        sqlite3_result_error_code(ctx, rc);
    else if (s.text == NULL)
        sqlite3_result_null(ctx);
    else if (m.out.p == NULL)
        sqlite3_result_text(ctx, "", 0, SQLITE_STATIC);
    else
        sqlite3_result_text64(ctx, m.out.p, m.out.len, sqlite3_free,
                              SQLITE_UTF8);
    if (rc != SQLITE_OK || s.text == NULL) sqlite3_free(m.out.p);
    sqlite3_free(s.inst);
    sqlite3_free(s.psize);
    sqlite3_free(s.count);
    sqlite3_free(s.first);
}

int
snippet_register(struct fts5_api *api)
{
    if (api == NULL) return SQLITE_ERROR;
    return api->xCreateFunction(api, SNIPPET_FN, NULL, snippet_fn, NULL);
}
