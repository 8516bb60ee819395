/*
 * qparse.c - the query language, by recursive descent straight over the
 * client's bytes.  Every word becomes a double-quoted FTS5 string holding
 * only the bytes the tokenizer took for words (and the joiners between
 * glued words), so no client byte can act as FTS5 syntax; source: and
 * date: become filter values that query.c binds as SQL parameters.
 *
 *   query   := or
 *   or      := and ("OR" and)*
 *   and     := unary (["AND"] unary)*          implicit AND
 *   unary   := ("-" | "+" | "NOT") near | near  NOT binds one operand
 *   near    := primary (("NEAR" | "NEAR/n") primary)*
 *   primary := "(" or ")" | "NEAR(" item+ ["," n] ")" | field ":" primary
 *            | filter ":" value | phrase ["*"] | word ["*"]
 *
 * Stopwords (stem_is_stopword(): "yang", "di") that stand alone as words
 * of an AND are left out of it when the same AND has another term: they
 * match nearly every article, so they only cost posting-list reads and
 * tip the ranking towards titles that happen to hold them.  A stopword in
 * quotes, in NEAR, after + or - or a field name, or in an AND of nothing
 * but stopwords is searched like any word (PROTOCOL.md, Stopwords).
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alias_set.h"
#include "qparse.h"
#include "stem.h"
#include "tokenizer.h"

/* What an expression is, for parentheses and for NEAR's operands. */
#define QPARSE_NONE 0 /* nothing: a filter, or no words */
#define QPARSE_TERM 1 /* one quoted string, maybe with '*' */
#define QPARSE_ATOM 2 /* NEAR(...) or field : x: needs no parentheses */
#define QPARSE_AND  3
#define QPARSE_OR   4
#define QPARSE_NOT  5

/* Lexical items. */
#define QPARSE_END    0
#define QPARSE_LPAREN 1
#define QPARSE_RPAREN 2
#define QPARSE_QUOTE  3
#define QPARSE_CHUNK  4 /* a run of bytes up to space, ( ) or a quote */

/* Bytes of the folded words of one run of spans, for alias keys. */
#define QPARSE_FOLD 8192

struct qparse_expr {
    char *s;    /* FTS5 text, malloc'd; NULL when kind is QPARSE_NONE */
    size_t len; /* bytes in s */
    int kind;   /* QPARSE_NONE .. QPARSE_NOT */
    int stop;   /* only bare stopwords: an AND may leave it out */
};

struct qparse_lex {
    int type;     /* QPARSE_END .. QPARSE_CHUNK */
    size_t start; /* offset of the item */
    size_t end;   /* offset after it (a quote: after the opening mark) */
};

struct qparse {
    const char *text;          /* the client's query, borrowed */
    size_t len;                /* bytes in text */
    size_t pos;                /* next byte to read */
    struct tokenizer *tok;     /* the caller's */
    struct qparse_result *out; /* filters and the word count go here */
    int depth;                 /* open (, field: and NEAR( */
    int negated;               /* parsing the operand of - or NOT */
    const char *field;         /* column the operand is under, or NULL */
    char *err;
    size_t errlen;
    int failed;
    size_t span[QPARSE_MAX_TERMS + 1][2];      /* token spans of one run */
    char stop[QPARSE_MAX_TERMS + 1];           /* span i is a stopword */
    int nspan;                                 /* spans in span[] */
    int prefixes;                              /* word* so far */
    size_t base;                               /* offset of the run's bytes */
    const struct alias_set *aliases;           /* or NULL */
    int no_alias;                              /* inside NEAR: no expansion */
    int aliased;                               /* expansions so far */
    int words_aliased;                         /* qparse_words() expanded one */
    size_t fold_at[QPARSE_MAX_TERMS + 1][2];   /* span i's folded word */
    char fold[QPARSE_FOLD];                    /* ... in here; */
    size_t nfold;                              /* > QPARSE_FOLD: no room */
    int flags;                                 /* QPARSE_BEST */
    int plus;                                  /* the last unary had a + */
    int no_best;                               /* an OR or AND at the top */
    int nitem;                                 /* top-level items so far */
    int item_plus[QPARSE_MAX_TERMS];           /* item i was +required */
    char item_typed[QPARSE_MAX_TERMS];         /* item i is a typed word */
    struct qparse_expr item[QPARSE_MAX_TERMS]; /* copies, for best match */
    struct qparse_expr nots;                   /* the top level's NOTs */
    qparse_spell_fn *spell;                    /* or NULL */
    void *spell_ctx;
    int no_spell;  /* after + - NOT: the word as typed */
    int fix_terms; /* words the corrections added (fixes, typed items) */
};

static int qparse_fail(struct qparse *q, size_t at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int qparse_or(struct qparse *q, struct qparse_expr *e);
static int qparse_primary(struct qparse *q, struct qparse_expr *e);

/* Sets the error once; returns -1. */
static int
qparse_fail(struct qparse *q, size_t at, const char *fmt, ...)
{
    char what[160];
    va_list ap;

    if (q->failed) return -1;
    q->failed = 1;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    snprintf(q->err, q->errlen, "query error at %zu: %s", at, what);
    return -1;
}

static int
qparse_nomem(struct qparse *q)
{
    if (!q->failed) snprintf(q->err, q->errlen, "out of memory");
    q->failed = 1;
    return -1;
}

static void
qparse_expr_free(struct qparse_expr *e)
{
    free(e->s);
    e->s = NULL;
    e->len = 0;
    e->kind = QPARSE_NONE;
    e->stop = 0;
}

/* Appends p[0..n) to e->s; -1 when out of memory (e is then freed). */
static int
qparse_cat(struct qparse *q, struct qparse_expr *e, const char *p, size_t n)
{
    char *s;

    if (n == 0 && e->s != NULL) return 0;
    s = realloc(e->s, e->len + n + 1);
    if (s == NULL) {
        qparse_expr_free(e);
        return qparse_nomem(q);
    }
    if (n > 0) memcpy(s + e->len, p, n);
    e->s = s;
    e->len += n;
    s[e->len] = '\0';
    return 0;
}

static int
qparse_cats(struct qparse *q, struct qparse_expr *e, const char *s)
{
    return qparse_cat(q, e, s, strlen(s));
}

/* Appends child to e, in parentheses unless it cannot be misread. */
static int
qparse_cat_child(struct qparse *q, struct qparse_expr *e,
                 const struct qparse_expr *child, int parent)
{
    int bare = child->kind == QPARSE_TERM || child->kind == QPARSE_ATOM ||
               (child->kind == parent && parent != QPARSE_NOT);

    if (!bare && qparse_cats(q, e, "(") != 0) return -1;
    if (qparse_cat(q, e, child->s, child->len) != 0) return -1;
    return bare ? 0 : qparse_cats(q, e, ")");
}

/* *a becomes "a op b" of the given kind; b is consumed either way. */
static int
qparse_join(struct qparse *q, struct qparse_expr *a, const char *op,
            struct qparse_expr *b, int kind)
{
    struct qparse_expr e = {NULL, 0, kind, 0};
    int rc;

    rc = qparse_cat_child(q, &e, a, kind);
    if (rc == 0) rc = qparse_cats(q, &e, op);
    if (rc == 0) rc = qparse_cat_child(q, &e, b, kind);
    qparse_expr_free(a);
    qparse_expr_free(b);
    if (rc != 0) return -1;
    *a = e;
    return 0;
}

/* Bytes of the quotation mark at p: '"', U+201C or U+201D; else 0. */
static size_t
qparse_quote_len(const char *p, size_t n)
{
    if (n >= 1 && p[0] == '"') return 1;
    if (n >= 3 && (unsigned char)p[0] == 0xe2 && (unsigned char)p[1] == 0x80 &&
        ((unsigned char)p[2] == 0x9c || (unsigned char)p[2] == 0x9d))
        return 3;
    return 0;
}

/* Bytes of the white space at p: ASCII controls, space, U+00A0; else 0. */
static size_t
qparse_space_len(const char *p, size_t n)
{
    if (n >= 1 && (unsigned char)p[0] <= ' ') return 1;
    if (n >= 2 && (unsigned char)p[0] == 0xc2 && (unsigned char)p[1] == 0xa0)
        return 2;
    return 0;
}

/* Skips white space, then classifies what starts at q->pos. */
static void
qparse_peek(struct qparse *q, struct qparse_lex *lx)
{
    size_t n, i;

    while ((n = qparse_space_len(q->text + q->pos, q->len - q->pos)) > 0)
        q->pos += n;
    lx->start = q->pos;
    lx->end = q->pos + 1;
    if (q->pos >= q->len) {
        lx->type = QPARSE_END;
        lx->end = q->pos;
    } else if (q->text[q->pos] == '(')
        lx->type = QPARSE_LPAREN;
    else if (q->text[q->pos] == ')')
        lx->type = QPARSE_RPAREN;
    else if ((n = qparse_quote_len(q->text + q->pos, q->len - q->pos)) > 0) {
        lx->type = QPARSE_QUOTE;
        lx->end = q->pos + n;
    } else {
        lx->type = QPARSE_CHUNK;
        for (i = q->pos; i < q->len; i++) {
            if (q->text[i] == '(' || q->text[i] == ')' ||
                qparse_space_len(q->text + i, q->len - i) > 0 ||
                qparse_quote_len(q->text + i, q->len - i) > 0)
                break;
        }
        lx->end = i;
    }
}

/* Nonzero if lx is the chunk word, exactly. */
static int
qparse_is(const struct qparse *q, const struct qparse_lex *lx, const char *word)
{
    size_t n = strlen(word);

    return lx->type == QPARSE_CHUNK && lx->end - lx->start == n &&
           memcmp(q->text + lx->start, word, n) == 0;
}

/* Reads digits p[0..n) as a NEAR distance into *out; -1 if not one. */
static int
qparse_distance(const char *p, size_t n, int *out)
{
    size_t i;
    int v = 0;

    if (n == 0 || n > 4) return -1;
    for (i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9') return -1;
        v = v * 10 + (p[i] - '0');
    }
    if (v > QPARSE_MAX_NEAR) return -1;
    *out = v;
    return 0;
}

/* Binary NEAR: "NEAR" or "NEAR/n" not glued to '('.  Sets *dist. */
static int
qparse_is_near_op(const struct qparse *q, const struct qparse_lex *lx,
                  int *dist)
{
    const char *p = q->text + lx->start;
    size_t n = lx->end - lx->start;

    if (lx->type != QPARSE_CHUNK || n < 4 || memcmp(p, "NEAR", 4) != 0)
        return 0;
    if (n == 4) {
        *dist = QPARSE_NEAR;
        return lx->end >= q->len || q->text[lx->end] != '(';
    }
    return p[4] == '/' && qparse_distance(p + 5, n - 5, dist) == 0;
}

/*
 * Nonzero if the bytes between two tokens only join them: "-", "/", ".",
 * ":", ",", "'" and the Unicode hyphens and apostrophe.  "10/8/2024",
 * "1.500", "ke-72" and "Jum'at" then stay phrases.
 */
static int
qparse_joined(const unsigned char *p, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (p[i] != '\0' && strchr("-/.:,'", p[i]) != NULL) continue;
        /* U+2010 hyphen, U+2011 non-breaking hyphen, U+2019 apostrophe */
        if (i + 2 < n && p[i] == 0xe2 && p[i + 1] == 0x80 &&
            (p[i + 2] == 0x90 || p[i + 2] == 0x91 || p[i + 2] == 0x99)) {
            i += 2;
            continue;
        }
        return 0;
    }
    return 1;
}

static int
qparse_span_cb(void *ctx, const char *token, size_t token_len, const char *stem,
               size_t stem_len, size_t start, size_t end)
{
    struct qparse *q = ctx;

    (void)stem;
    (void)stem_len;
    if (++q->out->terms > QPARSE_MAX_TERMS) {
        qparse_fail(q, q->base + start, "more than %d words", QPARSE_MAX_TERMS);
        return 1; /* not TOKENIZER_NOMEM */
    }
    q->span[q->nspan][0] = q->base + start;
    q->span[q->nspan][1] = q->base + end;
    q->fold_at[q->nspan][0] = q->nfold;
    if (q->nfold + token_len <= QPARSE_FOLD)
        memcpy(q->fold + q->nfold, token, token_len);
    q->nfold += token_len;
    q->fold_at[q->nspan][1] = q->nfold;
    q->stop[q->nspan] = (char)stem_is_stopword(token, token_len);
    q->nspan++;
    return 0;
}

/* Splits text[start..end) into token spans (q->span). */
static int
qparse_spans(struct qparse *q, size_t start, size_t end)
{
    int rc;

    q->nspan = 0;
    q->nfold = 0;
    q->base = start;
    rc = tokenizer_run(q->tok, q->text + start, end - start, qparse_span_cb, q);
    if (rc == TOKENIZER_NOMEM) return qparse_nomem(q);
    return rc == 0 ? 0 : -1;
}

/* The caps on expansion: a prefix matches every indexed word it starts
 * (s* is a tenth of the vocabulary), so a query may have a few, and a
 * lone word* needs QPARSE_MIN_PREFIX bytes (in a phrase, "10/8"*, the
 * words before it narrow the matches). */
static int
qparse_prefix_check(struct qparse *q, int first, int last)
{
    size_t n = q->span[last][1] - q->span[last][0];

    if (first == last && n < QPARSE_MIN_PREFIX)
        return qparse_fail(q, q->span[last][0],
                           "prefix too short (at least %d bytes before *)",
                           QPARSE_MIN_PREFIX);
    if (++q->prefixes > QPARSE_MAX_PREFIXES)
        return qparse_fail(q, q->span[last][0], "more than %d prefixes (word*)",
                           QPARSE_MAX_PREFIXES);
    return 0;
}

/* Appends p[0..n) inside an FTS5 string: '"' doubled. */
static int
qparse_cat_quoted(struct qparse *q, struct qparse_expr *e, const char *p,
                  size_t n)
{
    const char *quote;

    while ((quote = memchr(p, '"', n)) != NULL) {
        if (qparse_cat(q, e, p, (size_t)(quote - p) + 1) != 0 ||
            qparse_cats(q, e, "\"") != 0)
            return -1;
        n -= (size_t)(quote - p) + 1;
        p = quote + 1;
    }
    return qparse_cat(q, e, p, n);
}

/*
 * Appends spans [a, b) as one FTS5 string: the words' own bytes, joiners
 * kept, any other gap as one space (so a phrase never carries a quote, a
 * NUL or a control byte), '"' doubled all the same.
 */
static int
qparse_cat_string(struct qparse *q, struct qparse_expr *e, int a, int b,
                  int prefix)
{
    size_t s, n;
    int i;

    if (qparse_cats(q, e, "\"") != 0) return -1;
    for (i = a; i < b; i++) {
        if (i > a) {
            s = q->span[i - 1][1];
            n = q->span[i][0] - s;
            if (!qparse_joined((const unsigned char *)q->text + s, n)) {
                s = 0;
                n = 1;
            }
            if (qparse_cat(q, e, s > 0 ? q->text + s : " ", n) != 0) return -1;
        }
        if (qparse_cat_quoted(q, e, q->text + q->span[i][0],
                              q->span[i][1] - q->span[i][0]) != 0)
            return -1;
    }
    if (prefix && qparse_prefix_check(q, a, b - 1) != 0) return -1;
    return qparse_cats(q, e, prefix ? "\"*" : "\"");
}

/* The end of the run of glued words that starts at span a. */
static int
qparse_run_end(const struct qparse *q, int a)
{
    int b = a + 1;

    while (b < q->nspan &&
           qparse_joined((const unsigned char *)q->text + q->span[b - 1][1],
                         q->span[b][0] - q->span[b - 1][1]))
        b++;
    return b;
}

/* Nonzero if spans [a, b) are one stopword, not a prefix: "di", not
 * "di*" (any word starting with di) nor "di-bawah" (a phrase). */
static int
qparse_run_stop(const struct qparse *q, int a, int b, int prefix)
{
    return b == a + 1 && q->stop[a] && !prefix;
}

/* Appends key[0..n) as one FTS5 string, '"' doubled. */
static int
qparse_cat_key(struct qparse *q, struct qparse_expr *e, const char *key,
               size_t n)
{
    if (qparse_cats(q, e, " OR \"") != 0 ||
        qparse_cat_quoted(q, e, key, n) != 0)
        return -1;
    return qparse_cats(q, e, "\"");
}

/*
 * If key[0..n) (folded words, one space between; typed as raw[0..rawn))
 * has aliases: *e becomes ("key" OR "other" ...), kind QPARSE_ATOM, and
 * 1 is returned.  0: no alias applies (*e untouched); -1: out of memory.
 * one_word: the key may be a short form.
 */
static int
qparse_alias(struct qparse *q, const char *key, size_t n, const char *raw,
             size_t rawn, int one_word, struct qparse_expr *e)
{
    const struct alias_set *s = q->aliases;
    struct qparse_expr x = {NULL, 0, QPARSE_ATOM, 0};
    int fs = 0, fl = 0, ns = 0, nl, k = 0;

    if (s == NULL || q->no_alias || q->aliased >= QPARSE_MAX_ALIASES ||
        n == 0 || n > QPARSE_FOLD)
        return 0;
    if (one_word) ns = alias_set_by_short(s, key, n, &fs);
    nl = alias_set_by_long(s, key, n, &fl);
    if (qparse_cats(q, &x, "(") != 0 || qparse_cat_key(q, &x, key, n) != 0)
        return -1;
    for (int i = fs; i < fs + ns; i++) {
        const struct alias_entry *a = &s->e[i];

        if (!alias_set_applies(a, raw, rawn)) continue;
        if (qparse_cat_key(q, &x, a->long_key, strlen(a->long_key)) != 0)
            return -1;
        k++;
    }
    for (int i = fl; i < fl + nl; i++) {
        const struct alias_entry *a = &s->e[s->by_long[i]];

        /* a two-letter acronym folded is also a word ("as", "ma") */
        if (a->caps && strlen(a->short_key) < QPARSE_MIN_TO_CAPS) continue;
        if (qparse_cat_key(q, &x, a->short_key, strlen(a->short_key)) != 0)
            return -1;
        k++;
    }
    if (k == 0 || qparse_cats(q, &x, ")") != 0) {
        qparse_expr_free(&x);
        return k == 0 ? 0 : -1;
    }
    /* the first " OR " is not wanted: "( OR "kpk" ..." */
    memmove(x.s + 1, x.s + 5, x.len - 4);
    x.len -= 4;
    q->aliased++;
    *e = x;
    return 1;
}

/* The folded words of spans [a, b) into key (one space between); their
 * length, or 0 if they do not fit. */
static size_t
qparse_fold_key(const struct qparse *q, int a, int b, char *key, size_t size)
{
    size_t n = 0;

    if (q->nfold > QPARSE_FOLD) return 0;
    for (int i = a; i < b; i++) {
        size_t w = q->fold_at[i][1] - q->fold_at[i][0];

        if (n + w + 1 >= size) return 0;
        if (i > a) key[n++] = ' ';
        memcpy(key + n, q->fold + q->fold_at[i][0], w);
        n += w;
    }
    return n;
}

/* Spans [a, b) as an alias expansion into e (see qparse_alias()). */
static int
qparse_alias_spans(struct qparse *q, int a, int b, struct qparse_expr *e)
{
    char key[QPARSE_FOLD];
    size_t n;

    if (q->aliases == NULL || q->no_alias) return 0;
    n = qparse_fold_key(q, a, b, key, sizeof key);
    return qparse_alias(q, key, n, q->text + q->span[a][0],
                        q->span[b - 1][1] - q->span[a][0], b == a + 1, e);
}

/* The words of p[0..n), 1..QPARSE_FIX_BYTES - 1 bytes of a-z with one
 * space between words, or 0 if it is not that. */
static int
qparse_az(const char *p, size_t n)
{
    int words = 1;

    if (n == 0 || n >= QPARSE_FIX_BYTES || p[0] == ' ' || p[n - 1] == ' ')
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == ' ' && p[i + 1] != ' ')
            words++;
        else if (p[i] < 'a' || p[i] > 'z')
            return 0;
    }
    return words;
}

/* Appends the words of fix[0..n) (qparse_az()) as "w1" OR "w2" ... */
static int
qparse_cat_fixes(struct qparse *q, struct qparse_expr *e, const char *fix,
                 size_t n)
{
    const char *sp;

    while ((sp = memchr(fix, ' ', n)) != NULL) {
        if (qparse_cats(q, e, "\"") != 0 ||
            qparse_cat(q, e, fix, (size_t)(sp - fix)) != 0 ||
            qparse_cats(q, e, "\" OR ") != 0)
            return -1;
        n -= (size_t)(sp - fix) + 1;
        fix = sp + 1;
    }
    if (qparse_cats(q, e, "\"") != 0 || qparse_cat(q, e, fix, n) != 0)
        return -1;
    return qparse_cats(q, e, "\"");
}

/*
 * Span a (alone in [a, b)) corrected, when the corrector has fixes for
 * it: 1 with ("typed" OR "fix" ...) in e (QPARSE_ATOM), or the fixes
 * alone when it said 2 ("fix" alone: QPARSE_TERM), and the fixes in
 * q->out->fix; 0 when not corrected, -1 on error.
 */
static int
qparse_spell(struct qparse *q, int a, int b, struct qparse_expr *e)
{
    struct qparse_fix *f;
    const char *w = q->fold + q->fold_at[a][0];
    size_t n = q->fold_at[a][1] - q->fold_at[a][0], fixlen = 0;
    struct qparse_expr x = {NULL, 0, QPARSE_ATOM, 0};
    int rc, words;

    if (q->spell == NULL || b != a + 1 || q->no_spell || q->no_alias ||
        q->stop[a] || q->out->nfix >= QPARSE_MAX_FIXES ||
        q->nfold > QPARSE_FOLD || qparse_az(w, n) != 1 ||
        q->out->terms + 2 > QPARSE_MAX_TERMS)
        return 0;
    f = &q->out->fix[q->out->nfix];
    rc = q->spell(q->spell_ctx, w, n, f->fix, sizeof f->fix - 1, &fixlen,
                  q->err, q->errlen);
    if (rc < 0) {
        q->failed = 1;
        return -1;
    }
    words = rc > 0 ? qparse_az(f->fix, fixlen) : 0;
    /* the words, the typed one as an item too: within the word limit */
    if (words == 0 ||
        q->out->terms + q->fix_terms + words + (rc == 1) > QPARSE_MAX_TERMS)
        return 0;
    f->fix[fixlen] = '\0';
    memcpy(f->typed, w, n);
    f->typed[n] = '\0';
    f->replaced = rc == 2;
    if (f->replaced && words == 1) x.kind = QPARSE_TERM;
    if ((x.kind == QPARSE_ATOM && qparse_cats(q, &x, "(") != 0) ||
        (!f->replaced && (qparse_cat_string(q, &x, a, b, 0) != 0 ||
                          qparse_cats(q, &x, " OR ") != 0)) ||
        qparse_cat_fixes(q, &x, f->fix, fixlen) != 0 ||
        (x.kind == QPARSE_ATOM && qparse_cats(q, &x, ")") != 0))
        return -1;
    q->out->nfix++;
    /* the typed word was counted; each fix, and the typed item, count */
    q->fix_terms += words - f->replaced + !f->replaced;
    *e = x;
    return 1;
}

/*
 * The words of text[start..end): each run of glued words one FTS5 string,
 * the strings joined by sep; '*' at the end makes the last one a prefix.
 * With and_stop, lone stopwords are left out if another string remains,
 * and e->stop says when all of them are stopwords.  *ngroups receives the
 * number of strings (0: no words).
 */
static int
qparse_words(struct qparse *q, size_t start, size_t end, const char *sep,
             int and_stop, struct qparse_expr *e, int *ngroups)
{
    int prefix = 0, a, b, skip = 0;

    *ngroups = 0;
    while (end > start && q->text[end - 1] == '*') {
        end--;
        prefix = 1;
    }
    if (qparse_spans(q, start, end) != 0) return -1;
    for (a = 0; and_stop && !skip && a < q->nspan; a = b) {
        b = qparse_run_end(q, a);
        skip = !qparse_run_stop(q, a, b, prefix && b == q->nspan);
    }
    q->words_aliased = 0;
    for (a = 0; a < q->nspan; a = b) {
        struct qparse_expr x = {NULL, 0, QPARSE_NONE, 0};
        int rc = 0;

        b = qparse_run_end(q, a);
        if (skip && qparse_run_stop(q, a, b, prefix && b == q->nspan)) continue;
        if (*ngroups > 0 && qparse_cats(q, e, sep) != 0) return -1;
        if (!(prefix && b == q->nspan) &&
            (rc = qparse_alias_spans(q, a, b, &x)) == 0 && and_stop)
            rc = qparse_spell(q, a, b, &x);
        if (rc > 0) {
            if (x.kind == QPARSE_ATOM) q->words_aliased = 1;
            rc = qparse_cat(q, e, x.s, x.len);
            qparse_expr_free(&x);
        } else if (rc == 0)
            rc = qparse_cat_string(q, e, a, b, prefix && b == q->nspan);
        if (rc != 0) return -1;
        ++*ngroups;
    }
    e->stop = and_stop && !skip && *ngroups > 0;
    return 0;
}

/* A quoted phrase at lx; one FTS5 string of its words, '*' glued after
 * the closing mark making the last word a prefix.  Nothing (QPARSE_NONE)
 * for a stray quote. */
static int
qparse_phrase(struct qparse *q, const struct qparse_lex *lx,
              struct qparse_expr *e)
{
    size_t i, n = 0;
    int prefix, rc;

    for (i = lx->end; i < q->len; i++) {
        if ((n = qparse_quote_len(q->text + i, q->len - i)) > 0) break;
    }
    q->pos = i + n;
    prefix = q->pos < q->len && q->text[q->pos] == '*';
    while (q->pos < q->len && q->text[q->pos] == '*')
        q->pos++;
    if (qparse_spans(q, lx->end, i) != 0) return -1;
    /* An unclosed quote runs to the end; with no words it is a stray. */
    if (q->nspan == 0 && i >= q->len) return 0;
    if (q->nspan == 0) return qparse_fail(q, lx->start, "empty phrase");
    if (!prefix && (rc = qparse_alias_spans(q, 0, q->nspan, e)) != 0)
        return rc > 0 ? 0 : -1;
    e->kind = QPARSE_TERM;
    return qparse_cat_string(q, e, 0, q->nspan, prefix);
}

/* ", n)" at q->pos: the NEAR distance and the closing parenthesis. */
static int
qparse_near_tail(struct qparse *q, int *dist)
{
    size_t at = q->pos, ds, de;

    for (ds = at + 1; ds < q->len && q->text[ds] == ' '; ds++)
        ;
    for (de = ds; de < q->len && q->text[de] >= '0' && q->text[de] <= '9'; de++)
        ;
    for (q->pos = de; q->pos < q->len && q->text[q->pos] == ' '; q->pos++)
        ;
    if (qparse_distance(q->text + ds, de - ds, dist) != 0 || q->pos >= q->len ||
        q->text[q->pos] != ')')
        return qparse_fail(q, at, "NEAR( ends with , distance 0..%d)",
                           QPARSE_MAX_NEAR);
    return 0;
}

/* NEAR(a "b c" d*, n): words and phrases only, at least two. */
static int
qparse_near_group(struct qparse *q, size_t at, struct qparse_expr *e)
{
    struct qparse_expr w = {NULL, 0, QPARSE_NONE, 0};
    struct qparse_lex lx;
    char tail[32];
    int dist = QPARSE_NEAR, items = 0, n, rc;
    size_t end;

    q->pos = at + 5; /* after "NEAR(" */
    if (qparse_cats(q, e, "NEAR(") != 0) return -1;
    for (;;) {
        qparse_peek(q, &lx);
        if (lx.type == QPARSE_END)
            return qparse_fail(q, at, "unbalanced parenthesis");
        if (lx.type == QPARSE_RPAREN) break;
        if (lx.type == QPARSE_LPAREN)
            return qparse_fail(q, lx.start, "NEAR( takes words and phrases");
        if (q->text[lx.start] == ',') {
            if (qparse_near_tail(q, &dist) != 0) return -1;
            break;
        }
        if (lx.type == QPARSE_QUOTE) {
            rc = qparse_phrase(q, &lx, &w);
            n = w.s != NULL;
        } else {
            for (end = lx.start; end < lx.end && q->text[end] != ','; end++)
                ;
            q->pos = end;
            rc = qparse_words(q, lx.start, end, " ", 0, &w, &n);
        }
        if (rc == 0 && n > 0 && items > 0) rc = qparse_cats(q, e, " ");
        if (rc == 0 && n > 0) rc = qparse_cat(q, e, w.s, w.len);
        qparse_expr_free(&w);
        if (rc != 0) return -1;
        items += n;
    }
    q->pos++; /* the ')' */
    if (items < 2) return qparse_fail(q, at, "NEAR needs two words or phrases");
    snprintf(tail, sizeof tail, ", %d)", dist);
    e->kind = QPARSE_ATOM;
    return qparse_cats(q, e, tail);
}

/* "(" or ")" at lx: a group of its own. */
static int
qparse_group(struct qparse *q, const struct qparse_lex *lx,
             struct qparse_expr *e)
{
    struct qparse_lex close;

    q->pos = lx->end;
    if (qparse_or(q, e) != 0) return -1;
    qparse_peek(q, &close);
    if (close.type != QPARSE_RPAREN) {
        qparse_expr_free(e);
        return qparse_fail(q, lx->start, "unbalanced parenthesis");
    }
    q->pos = close.end;
    if (e->kind == QPARSE_NONE)
        return qparse_fail(q, lx->start, "empty parentheses");
    return 0;
}

/* title:x or body:x, colon at q->text[colon]. */
static int
qparse_field(struct qparse *q, const char *name, size_t at, size_t colon,
             struct qparse_expr *e)
{
    struct qparse_expr inner = {NULL, 0, QPARSE_NONE, 0};
    const char *saved = q->field;
    int rc;

    q->pos = colon + 1;
    if (q->pos >= q->len || q->text[q->pos] == ')' ||
        qparse_space_len(q->text + q->pos, q->len - q->pos) > 0)
        return qparse_fail(q, at, "%s: needs a term right after the colon",
                           name);
    if (saved != NULL && strcmp(saved, name) != 0)
        return qparse_fail(q, at, "%s: inside %s:", name, saved);
    q->field = name;
    rc = qparse_primary(q, &inner);
    q->field = saved;
    if (rc != 0) {
        qparse_expr_free(&inner);
        return -1;
    }
    if (inner.kind == QPARSE_NONE)
        return qparse_fail(q, at, "%s: needs a term right after the colon",
                           name);
    if (saved != NULL) { /* title:title:x - FTS5 takes one column filter */
        *e = inner;
        e->stop = 0; /* title:di is asked for */
        return 0;
    }
    e->kind = QPARSE_ATOM;
    rc = qparse_cats(q, e, name);
    if (rc == 0) rc = qparse_cats(q, e, " : ");
    if (rc == 0) rc = qparse_cat_child(q, e, &inner, QPARSE_ATOM);
    qparse_expr_free(&inner);
    return rc;
}

int
qparse_date_valid(const char *p, size_t len)
{
    int y, m, d;

    /* a query's year 0 is a typo, not 1 BC */
    return carid_date_parse(p, len, &y, &m, &d) && y != 0;
}

/* date:A..B, A.., ..B or A: narrows out->from and out->to. */
static int
qparse_date(struct qparse *q, size_t at, const char *v, size_t n)
{
    char shown[25]; /* 24 bytes of the value, for the message */
    const char *dots = NULL;
    size_t i, an, bn;
    char *from = q->out->from, *to = q->out->to;

    for (i = 0; i + 1 < n && dots == NULL; i++) {
        if (v[i] == '.' && v[i + 1] == '.') dots = v + i;
    }
    an = dots != NULL ? (size_t)(dots - v) : n;
    bn = dots != NULL ? n - an - 2 : n;
    if (an == 0 && bn == 0)
        return qparse_fail(q, at, "date: needs YYYY-MM-DD, A..B, A.. or ..B");
    if ((an > 0 && !qparse_date_valid(v, an)) ||
        (bn > 0 && !qparse_date_valid(v + n - bn, bn))) {
        carid_shown(v, n, 1, shown, sizeof shown);
        return qparse_fail(q, at, "invalid date '%s' (expected YYYY-MM-DD)",
                           shown);
    }
    if (an > 0 && (from[0] == '\0' || memcmp(v, from, 10) > 0))
        memcpy(from, v, 10);
    if (bn > 0 && (to[0] == '\0' || memcmp(v + n - bn, to, 10) < 0))
        memcpy(to, v + n - bn, 10);
    if (from[0] != '\0' && to[0] != '\0' && memcmp(from, to, 10) > 0)
        return qparse_fail(q, at, "date range ends before it starts");
    return 0;
}

/* source:x or date:..., value starting at q->text[colon + 1]. */
static int
qparse_filter(struct qparse *q, int source, size_t at, size_t colon, size_t end)
{
    struct carid_str *list;
    struct qparse_lex lx;
    size_t v = colon + 1, i, n;
    int *count;

    if (q->depth > 0)
        return qparse_fail(q, at, "source: and date: go outside parentheses");
    q->pos = end;
    if (v == end && v < q->len && qparse_quote_len(q->text + v, q->len - v)) {
        qparse_peek(q, &lx);
        for (i = lx.end; i < q->len; i++) {
            if ((n = qparse_quote_len(q->text + i, q->len - i)) > 0) break;
        }
        v = lx.end;
        end = i;
        q->pos = i + n;
    }
    if (!source) {
        if (q->negated) return qparse_fail(q, at, "date: cannot be excluded");
        return qparse_date(q, at, q->text + v, end - v);
    }
    if (v == end) return qparse_fail(q, at, "source: needs a name");
    list = q->negated ? q->out->exclude : q->out->source;
    count = q->negated ? &q->out->nexclude : &q->out->nsource;
    if (*count >= QPARSE_MAX_SOURCES)
        return qparse_fail(q, at, "more than %d source: filters",
                           QPARSE_MAX_SOURCES);
    list[*count].p = q->text + v;
    list[(*count)++].len = end - v;
    return 0;
}

/* A chunk: an operator out of place, a field, a filter or words. */
static int
qparse_chunk(struct qparse *q, const struct qparse_lex *lx,
             struct qparse_expr *e)
{
    static const char *const fields[] = {"title", "body", "source", "date"};
    const char *p = q->text + lx->start;
    size_t n = lx->end - lx->start, k, f;
    int dist, groups, rc;

    if (qparse_is(q, lx, "AND") || qparse_is(q, lx, "OR") ||
        qparse_is_near_op(q, lx, &dist))
        return qparse_fail(q, lx->start, "%.*s needs a term on each side",
                           (int)(n < 8 ? n : 8), p);
    if (qparse_is(q, lx, "NOT"))
        return qparse_fail(q, lx->start, "NOT needs a term after it");
    if (n == 4 && memcmp(p, "NEAR", 4) == 0) {
        if (++q->depth > QPARSE_MAX_DEPTH)
            return qparse_fail(q, lx->start, "nesting deeper than %d",
                               QPARSE_MAX_DEPTH);
        q->no_alias++; /* NEAR takes phrases, not ORs of them */
        rc = qparse_near_group(q, lx->start, e);
        q->no_alias--;
        if (rc != 0) return -1;
        q->depth--;
        return 0;
    }
    for (f = 0; f < sizeof fields / sizeof fields[0]; f++) {
        k = strlen(fields[f]);
        if (n <= k || p[k] != ':' || memcmp(p, fields[f], k) != 0) continue;
        if (f >= 2)
            return qparse_filter(q, f == 2, lx->start, lx->start + k, lx->end);
        if (++q->depth > QPARSE_MAX_DEPTH)
            return qparse_fail(q, lx->start, "nesting deeper than %d",
                               QPARSE_MAX_DEPTH);
        if (qparse_field(q, fields[f], lx->start, lx->start + k, e) != 0)
            return -1;
        q->depth--;
        return 0;
    }
    q->pos = lx->end;
    if (qparse_words(q, lx->start, lx->end, " AND ", 1, e, &groups) != 0)
        return -1;
    e->kind = groups == 0        ? QPARSE_NONE
              : groups > 1       ? QPARSE_AND
              : q->words_aliased ? QPARSE_ATOM
                                 : QPARSE_TERM;
    return 0;
}

static int
qparse_primary(struct qparse *q, struct qparse_expr *e)
{
    struct qparse_lex lx;
    int rc;

    qparse_peek(q, &lx);
    switch (lx.type) {
    case QPARSE_LPAREN:
        if (++q->depth > QPARSE_MAX_DEPTH)
            return qparse_fail(q, lx.start, "nesting deeper than %d",
                               QPARSE_MAX_DEPTH);
        rc = qparse_group(q, &lx, e);
        q->depth--;
        return rc;
    case QPARSE_QUOTE:
        return qparse_phrase(q, &lx, e);
    case QPARSE_CHUNK:
        return qparse_chunk(q, &lx, e);
    }
    return 0; /* end or ')': nothing, the caller says what was missing */
}

/* primary (NEAR primary)*: a NEAR chain of words and phrases. */
static int
qparse_near(struct qparse *q, struct qparse_expr *e)
{
    struct qparse_expr chain = {NULL, 0, QPARSE_NONE, 0};
    struct qparse_expr r = {NULL, 0, QPARSE_NONE, 0};
    struct qparse_lex lx;
    int dist, maxdist = -1, rc, terms = q->out->terms, aliased = q->aliased;
    int nfix = q->out->nfix, fix_terms = q->fix_terms;
    size_t at = q->pos;
    char tail[32];

    if (qparse_primary(q, e) != 0) return -1;
    qparse_peek(q, &lx);
    if ((q->aliased != aliased || q->out->nfix != nfix) &&
        qparse_is_near_op(q, &lx, &dist)) {
        /* NEAR takes the word as typed: parse it again without aliases
         * and corrections */
        qparse_expr_free(e);
        q->pos = at;
        q->out->terms = terms;
        q->aliased = aliased;
        q->out->nfix = nfix;
        q->fix_terms = fix_terms;
        q->no_alias++;
        rc = qparse_primary(q, e);
        q->no_alias--;
        if (rc != 0) return -1;
    }
    for (;;) {
        qparse_peek(q, &lx);
        if (!qparse_is_near_op(q, &lx, &dist)) break;
        if (e->kind != QPARSE_TERM && chain.s == NULL) goto bad;
        q->pos = lx.end;
        q->no_alias++;
        rc = qparse_primary(q, &r);
        q->no_alias--;
        if (rc != 0) goto fail;
        if (r.kind != QPARSE_TERM) goto bad;
        if (chain.s == NULL && (qparse_cats(q, &chain, "NEAR(") != 0 ||
                                qparse_cat(q, &chain, e->s, e->len) != 0))
            goto fail;
        if (qparse_cats(q, &chain, " ") != 0 ||
            qparse_cat(q, &chain, r.s, r.len) != 0)
            goto fail;
        qparse_expr_free(&r);
        if (dist > maxdist) maxdist = dist;
    }
    if (chain.s == NULL) return 0;
    snprintf(tail, sizeof tail, ", %d)", maxdist);
    if (qparse_cats(q, &chain, tail) != 0) goto fail;
    qparse_expr_free(e);
    *e = chain;
    e->kind = QPARSE_ATOM;
    return 0;

bad:
    qparse_fail(q, lx.start, "NEAR joins words and phrases, one each side");
fail:
    qparse_expr_free(&chain);
    qparse_expr_free(&r);
    qparse_expr_free(e);
    return -1;
}

/* [- + NOT] near; *neg says whether the operand is excluded. */
static int
qparse_unary(struct qparse *q, struct qparse_expr *e, int *neg)
{
    struct qparse_lex lx, next;
    char c;
    int rc;

    *neg = 0;
    qparse_peek(q, &lx);
    c = lx.type == QPARSE_CHUNK ? q->text[lx.start] : '\0';
    if (qparse_is(q, &lx, "NOT")) {
        q->pos = lx.end;
        qparse_peek(q, &next);
        if (next.type == QPARSE_END || next.type == QPARSE_RPAREN ||
            qparse_is(q, &next, "AND") || qparse_is(q, &next, "OR") ||
            qparse_is(q, &next, "NOT"))
            return qparse_fail(q, lx.start, "NOT needs a term after it");
        *neg = 1;
    } else if (lx.type == QPARSE_CHUNK && (c == '-' || c == '+')) {
        q->pos = lx.start + 1;
        /* A lone "-" is punctuation: "Jakarta - Bandung". */
        if (lx.end == lx.start + 1 &&
            (lx.end >= q->len ||
             (q->text[lx.end] != '(' &&
              !qparse_quote_len(q->text + lx.end, q->len - lx.end))))
            return 0;
        *neg = c == '-';
    }
    q->negated = *neg;
    q->no_spell += c == '+' || *neg;
    rc = qparse_near(q, e);
    q->no_spell -= c == '+' || *neg;
    q->negated = 0;
    q->plus = c == '+';
    if (c == '+' || *neg) e->stop = 0; /* "+di": asked for */
    return rc;
}

/* Nonzero if lx is a chunk of plain words: no operator, sign, field,
 * filter or '*', so that a run of them may be a long form. */
static int
qparse_plain(const struct qparse *q, const struct qparse_lex *lx)
{
    const char *p = q->text + lx->start;
    size_t n = lx->end - lx->start;

    return lx->type == QPARSE_CHUNK && n > 0 && p[0] != '-' && p[0] != '+' &&
           p[n - 1] != '*' && memchr(p, ':', n) == NULL &&
           !qparse_is(q, lx, "AND") && !qparse_is(q, lx, "OR") &&
           !qparse_is(q, lx, "NOT") && (n < 4 || memcmp(p, "NEAR", 4) != 0);
}

/*
 * A run of 2 or more plain chunks from q->pos that is a long form
 * (Komisi Pemberantasan Korupsi, unquoted): 1 with its expansion in e
 * and q->pos after it, the longest run first; 0 (q->pos kept) if none;
 * -1 on error.
 */
static int
qparse_alias_run(struct qparse *q, struct qparse_expr *e)
{
    char key[QPARSE_FOLD];
    size_t cut[ALIAS_MAX_WORDS + 1], end[ALIAS_MAX_WORDS + 1], at = q->pos;
    int words[ALIAS_MAX_WORDS + 1], n = 0, terms = q->out->terms, rc, dist;
    struct qparse_lex lx;

    if (q->aliases == NULL || q->no_alias || q->aliases->max_words < 2 ||
        q->aliased >= QPARSE_MAX_ALIASES)
        return 0;
    cut[0] = 0;
    words[0] = 0;
    while (n < ALIAS_MAX_WORDS) {
        size_t k;

        qparse_peek(q, &lx);
        if (!qparse_plain(q, &lx)) break;
        if (qparse_spans(q, lx.start, lx.end) != 0) return -1;
        if (q->nspan == 0 || words[n] + q->nspan > q->aliases->max_words) break;
        k = qparse_fold_key(q, 0, q->nspan, key + cut[n] + (n > 0),
                            sizeof key - cut[n] - 1);
        if (k == 0) break;
        if (n > 0) key[cut[n]] = ' ';
        cut[n + 1] = cut[n] + (n > 0) + k;
        words[n + 1] = words[n] + q->nspan;
        end[n + 1] = lx.end;
        q->pos = lx.end;
        n++;
    }
    q->out->terms = terms;
    for (; n >= 2; n--) {
        q->pos = end[n];
        qparse_peek(q, &lx);
        if (qparse_is_near_op(q, &lx, &dist)) continue;
        rc = qparse_alias(q, key, cut[n], NULL, 0, 0, e);
        if (rc < 0) return -1;
        if (rc == 0) continue;
        q->out->terms += words[n];
        if (q->out->terms > QPARSE_MAX_TERMS) {
            qparse_expr_free(e);
            return qparse_fail(q, at, "more than %d words", QPARSE_MAX_TERMS);
        }
        q->pos = end[n];
        return 1;
    }
    q->pos = at;
    return 0;
}

/* Keeps a copy of a top-level item for qparse_best(). */
static int
qparse_keep(struct qparse *q, const struct qparse_expr *item)
{
    struct qparse_expr *c;

    if (q->nitem == QPARSE_MAX_TERMS) { /* each item has a word */
        q->no_best = 1;
        return 0;
    }
    c = &q->item[q->nitem];
    *c = (struct qparse_expr){NULL, 0, item->kind, 0};
    if (qparse_cat(q, c, item->s, item->len) != 0) return -1;
    q->item_typed[q->nitem] = 0;
    q->item_plus[q->nitem++] = q->plus;
    return 0;
}

/* Keeps the words corrected since fix number from as items of their own,
 * as typed (qparse_spelled()). */
static int
qparse_keep_typed(struct qparse *q, int from)
{
    int plus = q->plus, rc = 0, n;

    q->plus = 0;
    for (int i = from; i < q->out->nfix && rc == 0; i++) {
        struct qparse_expr t = {NULL, 0, QPARSE_TERM, 0};

        if (q->out->fix[i].replaced) continue;
        rc = qparse_cats(q, &t, "\"");
        if (rc == 0) rc = qparse_cats(q, &t, q->out->fix[i].typed);
        if (rc == 0) rc = qparse_cats(q, &t, "\"");
        n = q->nitem;
        if (rc == 0) rc = qparse_keep(q, &t);
        if (rc == 0 && q->nitem > n) q->item_typed[n] = 1; /* not full */
        qparse_expr_free(&t);
    }
    q->plus = plus;
    return rc;
}

/* Drops the typed words' items of qparse_keep_typed() when the query has
 * other items: they would weigh the typed word twice against the others
 * (a rare name and its common neighbour, "Bawaslu abhan"). */
static void
qparse_drop_typed(struct qparse *q)
{
    int i, n = 0, real = 0;

    for (i = 0; i < q->nitem; i++)
        real += !q->item_typed[i];
    if (real < 2) return;
    for (i = 0; i < q->nitem; i++) {
        if (q->item_typed[i]) {
            qparse_expr_free(&q->item[i]);
            continue;
        }
        q->item[n] = q->item[i];
        q->item_plus[n] = q->item_plus[i];
        q->item_typed[n++] = 0;
    }
    q->nitem = n;
}

/* unary (["AND"] unary)*: the included terms ANDed, then NOT each
 * excluded one; a group that only excludes cannot run in FTS5.  Bare
 * stopwords wait in stops and count only if no other term comes. */
static int
qparse_and(struct qparse *q, struct qparse_expr *e)
{
    struct qparse_expr item = {NULL, 0, QPARSE_NONE, 0};
    struct qparse_expr nots = {NULL, 0, QPARSE_NONE, 0};
    struct qparse_expr stops = {NULL, 0, QPARSE_NONE, 0};
    struct qparse_lex lx;
    size_t first_not = 0;
    int neg, rc = 0, fixes;

    for (;;) {
        qparse_peek(q, &lx);
        if (lx.type == QPARSE_END || lx.type == QPARSE_RPAREN ||
            qparse_is(q, &lx, "OR"))
            break;
        if (qparse_is(q, &lx, "AND")) {
            q->pos = lx.end;
            if (q->depth == 0) q->no_best = 1;
            if (e->s == NULL && nots.s == NULL && stops.s == NULL)
                goto and_fail;
            qparse_peek(q, &lx);
            if (lx.type == QPARSE_END || lx.type == QPARSE_RPAREN ||
                qparse_is(q, &lx, "OR") || qparse_is(q, &lx, "AND"))
                goto and_fail;
            continue;
        }
        item.s = NULL;
        item.len = 0;
        item.kind = QPARSE_NONE;
        item.stop = 0;
        neg = 0;
        q->plus = 0;
        fixes = q->out->nfix;
        if ((rc = qparse_alias_run(q, &item)) < 0 ||
            (rc == 0 && qparse_unary(q, &item, &neg) != 0))
            goto fail;
        rc = 0;
        if (item.kind == QPARSE_NONE) continue;
        if (q->depth == 0 && !neg && !item.stop &&
            (qparse_keep(q, &item) != 0 || qparse_keep_typed(q, fixes) != 0))
            goto fail;
        if (neg) {
            if (nots.s == NULL) first_not = lx.start;
            rc = qparse_cats(q, &nots, " NOT ");
            if (rc == 0) rc = qparse_cat_child(q, &nots, &item, QPARSE_NOT);
            qparse_expr_free(&item);
        } else if (item.stop && stops.s == NULL) {
            stops = item;
            item.s = NULL;
        } else if (item.stop)
            rc = qparse_join(q, &stops, " AND ", &item, QPARSE_AND);
        else if (e->s == NULL) {
            *e = item;
            item.s = NULL;
        } else
            rc = qparse_join(q, e, " AND ", &item, QPARSE_AND);
        if (rc != 0) goto fail;
    }
    if (e->s == NULL) { /* nothing but stopwords: search them */
        *e = stops;
        stops.s = NULL;
        if (q->depth == 0) q->no_best = 1;
    }
    if (q->depth == 0 && nots.s != NULL && q->nots.s == NULL &&
        qparse_cat(q, &q->nots, nots.s, nots.len) != 0)
        goto fail;
    qparse_expr_free(&stops);
    e->stop = 0; /* "(di)" is asked for */
    if (nots.s == NULL) return 0;
    if (e->s == NULL) {
        qparse_fail(q, first_not, "nothing to search for, only to exclude");
        goto fail;
    }
    item = *e;
    e->s = NULL;
    e->len = 0;
    e->kind = QPARSE_NOT;
    rc = qparse_cat_child(q, e, &item, QPARSE_NOT);
    qparse_expr_free(&item);
    if (rc == 0) rc = qparse_cat(q, e, nots.s, nots.len);
    qparse_expr_free(&nots);
    return rc;

and_fail:
    qparse_fail(q, lx.start, "AND needs a term on each side");
fail:
    qparse_expr_free(&item);
    qparse_expr_free(&nots);
    qparse_expr_free(&stops);
    qparse_expr_free(e);
    return -1;
}

static int
qparse_or(struct qparse *q, struct qparse_expr *e)
{
    struct qparse_expr r;
    struct qparse_lex lx;

    e->s = NULL;
    e->len = 0;
    e->kind = QPARSE_NONE;
    e->stop = 0;
    if (qparse_and(q, e) != 0) return -1;
    for (;;) {
        qparse_peek(q, &lx);
        if (!qparse_is(q, &lx, "OR")) return 0;
        q->pos = lx.end;
        if (q->depth == 0) q->no_best = 1;
        r.s = NULL;
        r.len = 0;
        r.kind = QPARSE_NONE;
        r.stop = 0;
        if (e->kind == QPARSE_NONE || qparse_and(q, &r) != 0 ||
            r.kind == QPARSE_NONE) {
            qparse_expr_free(e);
            qparse_expr_free(&r);
            return qparse_fail(q, lx.start, "OR needs a term on each side");
        }
        if (qparse_join(q, e, " OR ", &r, QPARSE_OR) != 0) return -1;
    }
}

/* FTS5 phrases in s[0..n): its quoted strings ("" is a quote inside). */
static int
qparse_phrases(const char *s, size_t n)
{
    size_t i;
    int count = 0;

    for (i = 0; i < n; i++) {
        if (s[i] != '"') continue;
        count++;
        for (i++; i < n; i++)
            if (s[i] == '"' && !(i + 1 < n && s[i + 1] == '"'))
                break;
            else if (s[i] == '"')
                i++;
    }
    return count;
}

/* Appends child to e (joined by op when e has something) and the map
 * letter of each of its phrases to map (none if letter is 0: mapped). */
static int
qparse_best_add(struct qparse *q, struct qparse_expr *e, const char *op,
                int kind, const struct qparse_expr *child, char letter,
                struct qparse_expr *map)
{
    int i, n = letter != 0 ? qparse_phrases(child->s, child->len) : 0;

    if (e->s != NULL && qparse_cats(q, e, op) != 0) return -1;
    if (qparse_cat_child(q, e, child, kind) != 0) return -1;
    for (i = 0; i < n; i++)
        if (qparse_cat(q, map, &letter, 1) != 0) return -1;
    return 0;
}

/*
 * Best match from the top level's kept items (qparse_flags()): 0 with *e
 * replaced and out's best, items and map set, or left as it is when the
 * query does not qualify; -1 out of memory.
 */
static int
qparse_best(struct qparse *q, struct qparse_expr *e)
{
    struct qparse_expr b = {NULL, 0, QPARSE_AND, 0},
                       any = {NULL, 0, QPARSE_OR, 0};
    struct qparse_expr map = {NULL, 0, QPARSE_NONE, 0};
    int i, nreq = 0, item = 0, rc = 0;

    qparse_drop_typed(q);
    for (i = 0; i < q->nitem; i++)
        nreq += q->item_plus[i];
    if (!(q->flags & QPARSE_BEST) || q->no_best || q->nitem < 2 ||
        nreq == q->nitem)
        return 0;
    /* "+c" items first, ANDed, then the OR of the others with a copy of
     * the first +item in it, so that an article with none of them is in. */
    for (i = 0; i < q->nitem && rc == 0; i++)
        if (q->item_plus[i])
            rc = qparse_best_add(q, &b, " AND ", QPARSE_AND, &q->item[i],
                                 (char)('0' + item++), &map);
    for (i = 0; i < q->nitem && rc == 0 && nreq > 0; i++)
        if (q->item_plus[i]) {
            rc = qparse_best_add(q, &any, " OR ", QPARSE_OR, &q->item[i], '-',
                                 &map);
            break;
        }
    for (i = 0; i < q->nitem && rc == 0; i++)
        if (!q->item_plus[i])
            rc = qparse_best_add(q, &any, " OR ", QPARSE_OR, &q->item[i],
                                 (char)('0' + item++), &map);
    if (rc == 0 && nreq == 0) {
        b = any;
        any.s = NULL;
    } else if (rc == 0)
        rc = qparse_best_add(q, &b, " AND ", QPARSE_AND, &any, 0, &map);
    if (rc == 0 && q->nots.s != NULL) {
        struct qparse_expr ex = {NULL, 0, QPARSE_NOT, 0};

        rc = qparse_cat_child(q, &ex, &b, QPARSE_NOT);
        for (i = qparse_phrases(q->nots.s, q->nots.len); rc == 0 && i > 0; i--)
            rc = qparse_cats(q, &map, "-");
        if (rc == 0) rc = qparse_cat(q, &ex, q->nots.s, q->nots.len);
        qparse_expr_free(&b);
        b = ex;
    }
    qparse_expr_free(&any);
    if (rc != 0 || qparse_cats(q, &map, "") != 0) {
        qparse_expr_free(&b);
        qparse_expr_free(&map);
        return -1;
    }
    qparse_expr_free(e);
    *e = b;
    q->out->best = 1;
    q->out->items = q->nitem;
    q->out->map = map.s;
    return 0;
}

int
qparse(struct tokenizer *t, const char *text, size_t len,
       struct qparse_result *out, char *err, size_t errlen)
{
    return qparse_flags(t, NULL, 0, text, len, out, err, errlen);
}

int
qparse_aliased(struct tokenizer *t, const struct alias_set *aliases,
               const char *text, size_t len, struct qparse_result *out,
               char *err, size_t errlen)
{
    return qparse_flags(t, aliases, 0, text, len, out, err, errlen);
}

int
qparse_flags(struct tokenizer *t, const struct alias_set *aliases, int flags,
             const char *text, size_t len, struct qparse_result *out, char *err,
             size_t errlen)
{
    return qparse_spelled(t, aliases, flags, NULL, NULL, text, len, out, err,
                          errlen);
}

int
qparse_spelled(struct tokenizer *t, const struct alias_set *aliases, int flags,
               qparse_spell_fn *spell, void *spell_ctx, const char *text,
               size_t len, struct qparse_result *out, char *err, size_t errlen)
{
    struct qparse *q;
    struct qparse_expr e = {NULL, 0, QPARSE_NONE, 0};
    struct qparse_lex lx;
    int rc = -1, i, retry;

    memset(out, 0, sizeof *out);
    q = calloc(1, sizeof *q);
    if (q == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    q->text = text != NULL ? text : "";
    q->len = text != NULL ? len : 0;
    q->tok = t;
    q->aliases = aliases;
    q->flags = flags;
    q->spell = spell;
    q->spell_ctx = spell_ctx;
    q->out = out;
    q->err = err;
    q->errlen = errlen;
    if (qparse_or(q, &e) == 0) {
        qparse_peek(q, &lx);
        if (lx.type != QPARSE_END)
            qparse_fail(q, lx.start, "unbalanced parenthesis");
        else if (e.kind == QPARSE_NONE &&
                 (out->nsource || out->nexclude || out->from[0] || out->to[0]))
            qparse_fail(q, 0, "no words to search for, only filters");
        else if (e.kind == QPARSE_NONE)
            snprintf(err, errlen, "empty query");
        else if (qparse_best(q, &e) == 0)
            rc = 0;
    } else if (!q->failed)
        qparse_fail(q, q->pos, "cannot parse");
    /* words after the corrections took the room they counted on: the
     * query as typed instead (what qparse_flags() accepts) */
    retry = rc == 0 && out->terms + q->fix_terms > QPARSE_MAX_TERMS;
    if (rc == 0 && !retry) {
        out->match = e.s;
        out->terms += q->fix_terms;
    } else {
        qparse_expr_free(&e);
        free(out->map);
        memset(out, 0, sizeof *out);
    }
    for (i = 0; i < q->nitem; i++)
        qparse_expr_free(&q->item[i]);
    qparse_expr_free(&q->nots);
    free(q);
    if (retry)
        return qparse_spelled(t, aliases, flags, NULL, NULL, text, len, out,
                              err, errlen);
    return rc;
}

void
qparse_free(struct qparse_result *r)
{
    free(r->match);
    r->match = NULL;
    free(r->map);
    r->map = NULL;
}
