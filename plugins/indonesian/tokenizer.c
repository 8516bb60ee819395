/*
 * tokenizer.c - the 'indonesian' tokenizer.  Words are found on the original
 * bytes, so the spans FTS5 gets point into the stored text and snippets mark
 * the right bytes; only then is each word NFKC-normalised and case-folded
 * (pure ASCII takes a tolower fast path), hyphenated forms are resolved and
 * the token is stemmed.  No allocation per token: scratch lives in the
 * struct tokenizer, which FTS5 creates once per table and connection.
 *
 * Rules, for anyone reading a surprising token:
 *  - A word is a run of letters, marks and digits (Unicode L, M, N).
 *    Anything else, including invalid UTF-8, curly quotes and dashes other
 *    than '-', U+2010 and U+2011, separates words.  Soft hyphen and the
 *    zero-width characters (U+200B..U+200D, U+2060, U+FEFF) are dropped
 *    inside a word: "pe\u00ADmerintah" is "pemerintah".
 *  - Numbers split at every non-digit, and a word splits where letters
 *    meet digits: "10/8/2024" gives "10", "8", "2024", "Rp1.500.000" gives
 *    "rp", "1", "500", "000" and "G20" gives "g", "20".  The query builder
 *    searches such a run as a phrase, so dates, amounts and codes still
 *    match exactly, and "500" alone finds "Rp500".
 *  - Hyphens: a chain of three or more parts is three or more words
 *    ("Korea Selatan-AS-Jepang").  Two parts with a digit are two words
 *    ("ke-72", "Covid-19").  Two equal parts are one token ("kata-kata"),
 *    and so are two related parts, emitted as the first part: their longest
 *    common substring is >= 4 bytes and misses at most 3 bytes of the
 *    shorter part ("berbalas-balasan", "sayur-mayur", "anak-anaknya").  A
 *    capitalised second part after a not-all-capitals first part is a
 *    compound of names ("Amerika-Serikat").  A merged token spans both parts.
 *  - A token is at most TOKENIZER_MAX_TOKEN bytes; a longer word is cut at a
 *    character boundary, but its span still covers the whole word.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

#include "stem.h"
#include "tokenizer.h"

#define TOKENIZER_MAX_RAW (4 * TOKENIZER_MAX_TOKEN) /* bytes of a word kept */
#define TOKENIZER_SCRATCH                                                      \
    (4 * TOKENIZER_MAX_RAW) /* bytes; NFKC without malloc */
#define TOKENIZER_MAX_REDUP                                                    \
    64                         /* bytes; longer hyphen parts are not compared  \
                                */
#define TOKENIZER_MIN_COMMON 4 /* bytes shared by related hyphen parts */
#define TOKENIZER_MAX_MISS   3 /* bytes of the shorter part outside the share */

enum tokenizer_class {
    TOKENIZER_SEP,
    TOKENIZER_WORD,
    TOKENIZER_HYPHEN,
    TOKENIZER_IGNORE
};

/* One part of a hyphen group ("kata" and "kata" in "kata-kata"). */
struct tokenizer_part {
    char text[TOKENIZER_MAX_TOKEN]; /* normalised, folded */
    size_t len;                     /* bytes in text */
    size_t start;                   /* input offset of the first character */
    size_t end;                     /* input offset after the last one */
    int digits;                     /* has a digit */
    int letters;                    /* letters seen so far */
    int first_upper;                /* first letter is upper or title case */
    int all_upper;                  /* no lowercase letter */
};

struct tokenizer {
    struct stemmer *stemmer; /* NULL: no stemming */
    int drop_stop;           /* skip stopwords: tokenizer_drop_stopwords() */
    tokenizer_emit_fn *emit; /* of the running tokenizer_run() */
    void *ctx;
    char raw[TOKENIZER_MAX_RAW];          /* current word, ASCII lowered */
    size_t raw_len;                       /* bytes in raw */
    int raw_ascii;                        /* raw is pure ASCII */
    int raw_full;                         /* raw was cut: ignore the rest */
    int kind;                             /* last character: 1 digit, 0 not */
    struct tokenizer_part part[3];        /* the group's pending parts */
    size_t nparts;                        /* parts in the current group */
    uint8_t norm[TOKENIZER_SCRATCH];      /* u8_normalize() output */
    uint8_t fold[TOKENIZER_SCRATCH];      /* u8_casefold() output */
    char stem[TOKENIZER_MAX_TOKEN];       /* stemmer output */
    uint8_t lcs[TOKENIZER_MAX_REDUP + 1]; /* one row of the LCS table */
};

struct tokenizer *
tokenizer_new(int stem, char *err, size_t errlen)
{
    struct tokenizer *t;

    t = calloc(1, sizeof *t);
    if (t == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    if (stem) {
        t->stemmer = stemmer_new(err, errlen);
        if (t->stemmer == NULL) {
            free(t);
            return NULL;
        }
    }
    return t;
}

void
tokenizer_drop_stopwords(struct tokenizer *t, int drop)
{
    t->drop_stop = drop;
}

void
tokenizer_free(struct tokenizer *t)
{
    if (t == NULL) return;
    stemmer_free(t->stemmer);
    free(t);
}

static enum tokenizer_class
tokenizer_class(ucs4_t uc)
{
    if (uc < 0x80) {
        if ((uc >= 'a' && uc <= 'z') || (uc >= 'A' && uc <= 'Z') ||
            (uc >= '0' && uc <= '9'))
            return TOKENIZER_WORD;
        return uc == '-' ? TOKENIZER_HYPHEN : TOKENIZER_SEP;
    }
    switch (uc) {
    case 0x00AD: /* soft hyphen */
    case 0x200B: /* zero width space */
    case 0x200C: /* zero width non-joiner */
    case 0x200D: /* zero width joiner */
    case 0x2060: /* word joiner */
    case 0xFEFF: /* byte order mark, zero width no-break space */
        return TOKENIZER_IGNORE;
    case 0x2010: /* hyphen */
    case 0x2011: /* non-breaking hyphen */
        return TOKENIZER_HYPHEN;
    }
    if (uc_is_general_category_withtable(
            uc, UC_CATEGORY_MASK_L | UC_CATEGORY_MASK_M | UC_CATEGORY_MASK_N))
        return TOKENIZER_WORD;
    return TOKENIZER_SEP;
}

/* 1 for a digit, -1 for a combining mark, 0 for a letter. */
static int
tokenizer_kind(ucs4_t uc)
{
    if (uc < 0x80) return uc >= '0' && uc <= '9';
    if (uc_is_general_category_withtable(uc, UC_CATEGORY_MASK_N)) return 1;
    return uc_is_general_category_withtable(uc, UC_CATEGORY_MASK_M) ? -1 : 0;
}

static struct tokenizer_part *
tokenizer_part_cur(struct tokenizer *t)
{
    /* Parts past the third are emitted at once and reuse the last slot. */
    return &t->part[t->nparts < 3 ? t->nparts : 2];
}

static void
tokenizer_part_begin(struct tokenizer *t, size_t start)
{
    struct tokenizer_part *p = tokenizer_part_cur(t);

    p->len = 0;
    p->start = start;
    p->end = start;
    p->digits = 0;
    p->letters = 0;
    p->first_upper = 0;
    p->all_upper = 1;
    t->raw_len = 0;
    t->raw_ascii = 1;
    t->raw_full = 0;
    t->kind = -1;
}

static void
tokenizer_part_case(struct tokenizer_part *p, int upper, int lower)
{
    if (p->letters++ == 0) p->first_upper = upper;
    if (lower) p->all_upper = 0;
}

/* Adds the word character uc, bytes s[0..n) at input offset at; kind is
 * 1 for a digit, 0 for a letter, -1 for a combining mark. */
static void
tokenizer_part_add(struct tokenizer *t, ucs4_t uc, const uint8_t *s, size_t n,
                   size_t at, int kind)
{
    struct tokenizer_part *p = tokenizer_part_cur(t);
    uint8_t c = s[0];

    p->end = at + n;
    if (kind >= 0) t->kind = kind;
    if (kind == 1) p->digits = 1;
    if (uc < 0x80) {
        if (kind == 0)
            tokenizer_part_case(p, c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z');
        if (c >= 'A' && c <= 'Z') c = (uint8_t)(c - 'A' + 'a');
    } else {
        t->raw_ascii = 0;
        if (kind == 0)
            tokenizer_part_case(
                p,
                uc_is_general_category_withtable(uc, UC_CATEGORY_MASK_Lu |
                                                         UC_CATEGORY_MASK_Lt),
                uc_is_general_category_withtable(uc, UC_CATEGORY_MASK_Ll));
    }
    if (t->raw_full || t->raw_len + n > sizeof t->raw) {
        t->raw_full = 1; /* a 10 KB "word": keep its head only */
        return;
    }
    if (n == 1)
        t->raw[t->raw_len++] = (char)c;
    else {
        memcpy(t->raw + t->raw_len, s, n);
        t->raw_len += n;
    }
}

/*
 * Normalises and folds the non-ASCII word in raw into p->text, keeping only
 * letters, marks and digits (NFKC turns some of them into punctuation, e.g.
 * U+2474 into "(1)") and cutting at TOKENIZER_MAX_TOKEN.
 */
static int
tokenizer_part_fold(struct tokenizer *t, struct tokenizer_part *p)
{
    uint8_t *norm, *fold;
    size_t norm_len = sizeof t->norm, fold_len = sizeof t->fold, i;
    ucs4_t uc;
    int n;

    norm = u8_normalize(UNINORM_NFKC, (const uint8_t *)t->raw, t->raw_len,
                        t->norm, &norm_len);
    if (norm == NULL) return TOKENIZER_NOMEM;
    fold = u8_casefold(norm, norm_len, NULL, UNINORM_NFKC, t->fold, &fold_len);
    if (norm != t->norm) free(norm);
    if (fold == NULL) return TOKENIZER_NOMEM;
    p->len = 0;
    for (i = 0; i < fold_len; i += (size_t)n) {
        n = u8_mbtouc(&uc, fold + i, fold_len - i);
        if (tokenizer_class(uc) != TOKENIZER_WORD) continue;
        if (p->len + (size_t)n > sizeof p->text) break;
        memcpy(p->text + p->len, fold + i, (size_t)n);
        p->len += (size_t)n;
    }
    if (fold != t->fold) free(fold);
    return 0;
}

static int
tokenizer_emit(struct tokenizer *t, const struct tokenizer_part *p,
               size_t start, size_t end)
{
    const char *stem = p->text;
    size_t stem_len = p->len;

    if (p->len == 0) return 0;
    if (t->drop_stop && stem_is_stopword(p->text, p->len)) return 0;
    if (t->stemmer != NULL) {
        stem_len = stemmer_stem(t->stemmer, p->text, p->len, t->stem,
                                sizeof t->stem);
        stem = t->stem;
    }
    return t->emit(t->ctx, p->text, p->len, stem, stem_len, start, end);
}

/* Finishes the current part; parts past the second are emitted now. */
static int
tokenizer_part_end(struct tokenizer *t)
{
    struct tokenizer_part *p = tokenizer_part_cur(t);
    int rc = 0;

    if (t->raw_ascii) {
        p->len = t->raw_len < sizeof p->text ? t->raw_len : sizeof p->text;
        memcpy(p->text, t->raw, p->len);
    } else {
        rc = tokenizer_part_fold(t, p);
        if (rc != 0) return rc;
    }
    if (p->len == 0) return 0; /* nothing left after NFKC: not a part */
    if (t->nparts == 2) {
        rc = tokenizer_emit(t, &t->part[0], t->part[0].start, t->part[0].end);
        if (rc == 0)
            rc = tokenizer_emit(t, &t->part[1], t->part[1].start,
                                t->part[1].end);
    }
    if (rc == 0 && t->nparts >= 2) rc = tokenizer_emit(t, p, p->start, p->end);
    t->nparts++;
    return rc;
}

/* Nonzero if a and b look like one word reduplicated with affixes. */
static int
tokenizer_related(struct tokenizer *t, const struct tokenizer_part *a,
                  const struct tokenizer_part *b)
{
    size_t i, j, best = 0, shorter;
    uint8_t diag, up;

    if (a->len > TOKENIZER_MAX_REDUP || b->len > TOKENIZER_MAX_REDUP) return 0;
    memset(t->lcs, 0, b->len + 1);
    for (i = 1; i <= a->len; i++) {
        diag = 0;
        for (j = 1; j <= b->len; j++) {
            up = t->lcs[j];
            t->lcs[j] = a->text[i - 1] == b->text[j - 1] ? diag + 1 : 0;
            if (t->lcs[j] > best) best = t->lcs[j];
            diag = up;
        }
    }
    shorter = a->len < b->len ? a->len : b->len;
    return best >= TOKENIZER_MIN_COMMON && best + TOKENIZER_MAX_MISS >= shorter;
}

/* Ends a hyphen group: emits what tokenizer_part_end() kept back. */
static int
tokenizer_group_end(struct tokenizer *t)
{
    struct tokenizer_part *a = &t->part[0], *b = &t->part[1];
    size_t nparts = t->nparts;
    int rc, one;

    t->nparts = 0;
    if (nparts == 1) return tokenizer_emit(t, a, a->start, a->end);
    if (nparts != 2) return 0;
    if (a->digits || b->digits)
        one = 0; /* "ke-72", "Covid-19", a score "2-2" */
    else if (a->len == b->len && memcmp(a->text, b->text, a->len) == 0)
        one = 1; /* "kata-kata" */
    else /* names: "Amerika-Serikat", "se-Indonesia"; "berbalas-balasan" */
        one = !(b->first_upper && !a->all_upper) && tokenizer_related(t, a, b);
    if (one) return tokenizer_emit(t, a, a->start, b->end);
    rc = tokenizer_emit(t, a, a->start, a->end);
    if (rc == 0) rc = tokenizer_emit(t, b, b->start, b->end);
    return rc;
}

int
tokenizer_run(struct tokenizer *t, const char *text, size_t len,
              tokenizer_emit_fn *emit, void *ctx)
{
    const uint8_t *s = (const uint8_t *)text;
    enum { OUT, IN, HYPHEN } state = OUT;
    enum tokenizer_class cls;
    size_t i = 0, n;
    ucs4_t uc;
    int rc = 0, m, kind;

    t->emit = emit;
    t->ctx = ctx;
    t->nparts = 0;
    while (i < len && rc == 0) {
        if (s[i] < 0x80) {
            uc = s[i];
            n = 1;
            cls = tokenizer_class(uc);
        } else {
            m = u8_mbtoucr(&uc, s + i, len - i);
            /* Invalid or cut short: one byte of separator, then resync. */
            n = m > 0 ? (size_t)m : 1;
            cls = m > 0 ? tokenizer_class(uc) : TOKENIZER_SEP;
        }
        kind = cls == TOKENIZER_WORD ? tokenizer_kind(uc) : -1;
        /* Letters meeting digits end a word: "Rp500", "G20". */
        if (state == IN && kind >= 0 && t->kind >= 0 && kind != t->kind) {
            rc = tokenizer_part_end(t);
            if (rc == 0) rc = tokenizer_group_end(t);
            state = OUT;
        }
        if (rc != 0) break;
        switch (state) {
        case OUT:
        case HYPHEN:
            if (cls == TOKENIZER_WORD) {
                tokenizer_part_begin(t, i);
                tokenizer_part_add(t, uc, s + i, n, i, kind);
                state = IN;
            } else if (state == HYPHEN) {
                rc = tokenizer_group_end(t); /* "kata- kata", "x--y" */
                state = OUT;
            }
            break;
        case IN:
            if (cls == TOKENIZER_WORD)
                tokenizer_part_add(t, uc, s + i, n, i, kind);
            else if (cls == TOKENIZER_HYPHEN) {
                rc = tokenizer_part_end(t);
                state = HYPHEN;
            } else if (cls == TOKENIZER_SEP) {
                rc = tokenizer_part_end(t);
                if (rc == 0) rc = tokenizer_group_end(t);
                state = OUT;
            }
            break;
        }
        i += n;
    }
    if (rc == 0 && state == IN) rc = tokenizer_part_end(t);
    if (rc == 0 && state != OUT) rc = tokenizer_group_end(t);
    return rc;
}
