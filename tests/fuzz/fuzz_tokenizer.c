/*
 * fuzz_tokenizer.c - libFuzzer target for tokenizer_run().  Arbitrary bytes
 * (invalid UTF-8, huge words, long hyphen chains) go through a stemming and
 * a plain tokenizer.  Invariants: spans inside the input, non-empty and in
 * order; tokens of 1..TOKENIZER_MAX_TOKEN bytes of valid UTF-8 holding only
 * word characters; stems likewise bounded, valid and free of white space;
 * both tokenizers split alike, a second run gives the same stems (the
 * cache), and an emit that returns nonzero stops the run at once.  The
 * same bytes, as an article's body, go through alias_learn_scan(): each
 * pair it hands over is a short form of 2..ALIAS_LEARN_MAX_SHORT letters
 * or digits and a long form of 2..ALIAS_MAX_WORDS words that fits, at most
 * ALIAS_LEARN_MAX_PAIRS of them.
 */
#undef NDEBUG /* the invariants below are the point of this target */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alias_learn.h"
#include "alias_set.h"
#include "tokenizer.h"

#define FUZZ_TOKENIZER_MAX_INPUT  65536 /* bytes; longer inputs are cut */
#define FUZZ_TOKENIZER_MAX_TOKENS 65536 /* tokens kept for comparing runs */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What one token looked like, for comparing runs. */
struct fuzz_tokenizer_tok {
    size_t start, end;   /* span in the input */
    uint64_t token_hash; /* FNV-1a of the token */
    uint64_t stem_hash;  /* FNV-1a of the stem */
};

struct fuzz_tokenizer_run {
    size_t len;     /* input bytes */
    size_t ntok;    /* tokens seen */
    size_t last;    /* start of the previous token */
    size_t stop_at; /* return 7 on this token (1-based); 0: never */
    int stopped;    /* returned 7: no token may follow */
    struct fuzz_tokenizer_tok *tok; /* FUZZ_TOKENIZER_MAX_TOKENS slots */
};

static struct tokenizer *fuzz_tokenizer_stem;
static struct tokenizer *fuzz_tokenizer_plain;
static struct fuzz_tokenizer_tok fuzz_tokenizer_a[FUZZ_TOKENIZER_MAX_TOKENS];
static struct fuzz_tokenizer_tok fuzz_tokenizer_b[FUZZ_TOKENIZER_MAX_TOKENS];

static uint64_t
fuzz_tokenizer_hash(const char *p, size_t n)
{
    uint64_t h = 14695981039346656037ULL;
    size_t i;

    for (i = 0; i < n; i++)
        h = (h ^ (unsigned char)p[i]) * 1099511628211ULL;
    return h;
}

/*
 * Decodes one strictly valid UTF-8 character at p[0..n) into *uc (no
 * overlong forms, surrogates or values past U+10FFFF); returns its length,
 * or 0 if invalid.
 */
static size_t
fuzz_tokenizer_utf8(const unsigned char *p, size_t n, uint32_t *uc)
{
    size_t len, i;
    uint32_t c = p[0], min;

    if (c < 0x80) {
        *uc = c;
        return 1;
    }
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2;
        min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        min = 0x10000;
    } else
        return 0;
    c &= 0x7fu >> len; /* the lead byte's payload bits */
    if (n < len) return 0;
    for (i = 1; i < len; i++) {
        if ((p[i] & 0xc0) != 0x80) return 0;
        c = (c << 6) | (p[i] & 0x3f);
    }
    if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) return 0;
    *uc = c;
    return len;
}

/* Nonzero for a control, white space, a hyphen or an invisible the
 * tokenizer drops: none of them belongs inside a token. */
static int
fuzz_tokenizer_separator(uint32_t uc)
{
    if (uc <= 0x20 || (uc >= 0x7f && uc <= 0xa0) || uc == '-') return 1;
    switch (uc) {
    case 0x00ad: /* soft hyphen */
    case 0x1680: /* ogham space mark */
    case 0x2028: /* line separator */
    case 0x2029: /* paragraph separator */
    case 0x202f: /* narrow no-break space */
    case 0x205f: /* medium mathematical space */
    case 0x2060: /* word joiner */
    case 0x3000: /* ideographic space */
    case 0xfeff: /* byte order mark */
        return 1;
    }
    return uc >= 0x2000 && uc <= 0x200d; /* spaces, zero widths */
}

/* Asserts that p[0..n) is 1..TOKENIZER_MAX_TOKEN bytes of valid UTF-8
 * with no separator in it; ASCII in it must be lower case. */
static void
fuzz_tokenizer_check_word(const char *p, size_t n)
{
    const unsigned char *s = (const unsigned char *)p;
    size_t i, k;
    uint32_t uc;

    assert(n >= 1 && n <= TOKENIZER_MAX_TOKEN);
    for (i = 0; i < n; i += k) {
        k = fuzz_tokenizer_utf8(s + i, n - i, &uc);
        assert(k > 0);
        assert(!fuzz_tokenizer_separator(uc));
        assert(!(uc >= 'A' && uc <= 'Z'));
        if (uc < 0x80)
            assert((uc >= 'a' && uc <= 'z') || (uc >= '0' && uc <= '9'));
    }
}

static int
fuzz_tokenizer_emit(void *ctx, const char *token, size_t token_len,
                    const char *stem, size_t stem_len, size_t start, size_t end)
{
    struct fuzz_tokenizer_run *r = ctx;
    struct fuzz_tokenizer_tok *t;

    assert(!r->stopped);
    assert(start < end && end <= r->len);
    assert(r->ntok == 0 || start >= r->last);
    fuzz_tokenizer_check_word(token, token_len);
    fuzz_tokenizer_check_word(stem, stem_len);
    r->last = start;
    if (r->ntok < FUZZ_TOKENIZER_MAX_TOKENS) {
        t = &r->tok[r->ntok];
        t->start = start;
        t->end = end;
        t->token_hash = fuzz_tokenizer_hash(token, token_len);
        t->stem_hash = fuzz_tokenizer_hash(stem, stem_len);
    }
    if (++r->ntok == r->stop_at) {
        r->stopped = 1;
        return 7;
    }
    return 0;
}

/* Runs t over text[0..len) into r; returns tokenizer_run()'s result. */
static int
fuzz_tokenizer_run(struct tokenizer *t, const char *text, size_t len,
                   struct fuzz_tokenizer_run *r, struct fuzz_tokenizer_tok *tok,
                   size_t stop_at)
{
    int rc;

    memset(r, 0, sizeof *r);
    r->len = len;
    r->tok = tok;
    r->stop_at = stop_at;
    rc = tokenizer_run(t, text, len, fuzz_tokenizer_emit, r);
    assert(rc == 0 || rc == 7 || rc == TOKENIZER_NOMEM);
    assert((rc == 7) == r->stopped);
    return rc;
}

static void
fuzz_tokenizer_init(void)
{
    char err[128];

    fuzz_tokenizer_stem = tokenizer_new(1, err, sizeof err);
    fuzz_tokenizer_plain = tokenizer_new(0, err, sizeof err);
    assert(fuzz_tokenizer_stem != NULL && fuzz_tokenizer_plain != NULL);
}

/* alias_learn_scan()'s pairs: the bounds of alias_learn.h. */
static int
fuzz_tokenizer_pair(void *ctx, const char *short_form, const char *long_form)
{
    size_t sn = strlen(short_form), ln = strlen(long_form), words = 1;
    int *n = ctx;

    assert(++*n <= ALIAS_LEARN_MAX_PAIRS);
    assert(sn >= 2 && sn <= ALIAS_LEARN_MAX_SHORT);
    assert(short_form[0] >= 'A' && short_form[0] <= 'Z');
    assert(ln > sn && ln <= ALIAS_MAX_LONG);
    for (size_t i = 0; i < ln; i++) words += long_form[i] == ' ';
    assert(words >= 2 && words <= ALIAS_MAX_WORDS);
    assert(long_form[0] != ' ' && long_form[ln - 1] != ' ');
    return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int pairs = 0;
    struct fuzz_tokenizer_run a, b;
    size_t i, n;
    char *copy;

    if (fuzz_tokenizer_stem == NULL) fuzz_tokenizer_init();
    if (size > FUZZ_TOKENIZER_MAX_INPUT) size = FUZZ_TOKENIZER_MAX_INPUT;
    /* An exact-size copy: AddressSanitizer sees a read past the end. */
    copy = malloc(size > 0 ? size : 1);
    assert(copy != NULL);
    memcpy(copy, data, size);

    assert(alias_learn_scan(copy, size, fuzz_tokenizer_pair, &pairs) == 0);
    if (fuzz_tokenizer_run(fuzz_tokenizer_stem, copy, size, &a,
                           fuzz_tokenizer_a, 0) != 0)
        goto done;
    /* The plain tokenizer splits alike: same tokens, same spans. */
    if (fuzz_tokenizer_run(fuzz_tokenizer_plain, copy, size, &b,
                           fuzz_tokenizer_b, 0) != 0)
        goto done;
    assert(a.ntok == b.ntok);
    n = a.ntok < FUZZ_TOKENIZER_MAX_TOKENS ? a.ntok : FUZZ_TOKENIZER_MAX_TOKENS;
    for (i = 0; i < n; i++) {
        assert(a.tok[i].start == b.tok[i].start);
        assert(a.tok[i].end == b.tok[i].end);
        assert(a.tok[i].token_hash == b.tok[i].token_hash);
        assert(b.tok[i].stem_hash == b.tok[i].token_hash); /* no stemming */
    }
    /* Again, now from the stem cache, stopping halfway: same stems. */
    if (fuzz_tokenizer_run(fuzz_tokenizer_stem, copy, size, &b,
                           fuzz_tokenizer_b, a.ntok / 2 + 1) == TOKENIZER_NOMEM)
        goto done;
    assert(b.ntok == (a.ntok > 0 ? a.ntok / 2 + 1 : 0));
    for (i = 0; i < b.ntok && i < n; i++) {
        assert(a.tok[i].start == b.tok[i].start);
        assert(a.tok[i].stem_hash == b.tok[i].stem_hash);
    }
done:
    free(copy);
    return 0;
}
