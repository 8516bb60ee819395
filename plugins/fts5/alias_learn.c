/*
 * alias_learn.c - Schwartz-Hearst short-form definitions in running text
 * (alias_learn.h).
 */
#include <string.h>

#include "alias_learn.h"
#include "alias_set.h"
#include "dict.h"
#include "stem.h"

/* A pair found, to take each pair once per text. */
struct alias_learn_pair {
    char short_form[ALIAS_LEARN_MAX_SHORT + 1];
    char long_form[ALIAS_MAX_LONG + 1];
};

struct alias_learn_scan {
    const char *text;
    alias_learn_fn *fn;
    void *ctx;
    struct alias_learn_pair seen[ALIAS_LEARN_MAX_PAIRS];
    int nseen;
};

static int
alias_learn_upper(int c)
{
    return c >= 'A' && c <= 'Z';
}

static int
alias_learn_alnum(int c)
{
    return alias_learn_upper(c) || (c >= 'a' && c <= 'z') ||
           (c >= '0' && c <= '9');
}

static int
alias_learn_fold(int c)
{
    return alias_learn_upper(c) ? c - 'A' + 'a' : c;
}

size_t
alias_learn_key(const char *lf, size_t n, char *out, size_t cap)
{
    if (n >= cap) return 0;
    for (size_t i = 0; i < n; i++)
        out[i] = (char)alias_learn_fold((unsigned char)lf[i]);
    return n;
}

/* A byte of a long form's word: letters, digits, '-' (Bau-Bau). */
static int
alias_learn_word_byte(int c)
{
    return alias_learn_alnum(c) || c == '-';
}

static int
alias_learn_blank(int c)
{
    return c == ' ' || c == '\t';
}

/* Whether p[0..n) may be a short form (the rule in alias_learn.h). */
static int
alias_learn_is_short(const char *p, size_t n)
{
    char low[ALIAS_LEARN_MAX_SHORT];
    int caps = 0;

    if (n < 2 || n > ALIAS_LEARN_MAX_SHORT || !alias_learn_upper(p[0]))
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (!alias_learn_alnum((unsigned char)p[i])) return 0;
        caps += alias_learn_upper(p[i]);
        low[i] = (char)alias_learn_fold(p[i]);
    }
    if (caps >= 2) return 1;
    /* Korut, Jokowi: an ordinary word (Antara, Senin) is no short form */
    return n >= 4 && !stem_is_stopword(low, n) && dict_get(low, n) == 0;
}

/*
 * Schwartz and Hearst's match: where in l[0..ln) the long form of short
 * form s[0..sn) begins (its letters found right to left, the first at a
 * word's start), or -1; hit[i] is set for the bytes of l matched.
 */
static long
alias_learn_match(const char *s, size_t sn, const char *l, size_t ln, char *hit)
{
    long si = (long)sn - 1, li = (long)ln - 1;

    memset(hit, 0, ln);
    while (si >= 0) {
        int c = alias_learn_fold((unsigned char)s[si]);

        if (!alias_learn_alnum((unsigned char)s[si])) {
            si--;
            continue;
        }
        while (li >= 0 && (alias_learn_fold((unsigned char)l[li]) != c ||
                           (si == 0 && li > 0 &&
                            alias_learn_alnum((unsigned char)l[li - 1]))))
            li--;
        if (li < 0) return -1;
        hit[li--] = 1;
        si--;
    }
    li++; /* where the first letter matched: a word's start */
    while (li > 0 && l[li - 1] != ' ')
        li--;
    return li;
}

/* Nonzero if every word of l[at..ln) but a stopword holds a matched
 * letter: "Gerakan Indonesia Raya Prabowo (Gerindra)" is not a
 * definition, its "Raya" giving nothing. */
static int
alias_learn_every_word(const char *l, size_t ln, size_t at, const char *hit)
{
    char low[ALIAS_MAX_LONG];

    for (size_t w = at; w < ln;) {
        size_t e = w;
        int any = 0;

        while (e < ln && l[e] != ' ') {
            any |= hit[e];
            low[e - w] = (char)alias_learn_fold((unsigned char)l[e]);
            e++;
        }
        if (!any && !stem_is_stopword(low, e - w)) return 0;
        w = e + 1;
    }
    return 1;
}

/* The words of a long form in out (one space apart, NUL-terminated); how
 * many, or -1 if too long. */
static int
alias_learn_words(const char *p, size_t n, char *out, size_t cap, size_t *len)
{
    size_t o = 0;
    int words = 0;

    for (size_t i = 0; i < n;) {
        if (alias_learn_blank(p[i])) {
            i++;
            continue;
        }
        if (!alias_learn_word_byte((unsigned char)p[i])) return -1;
        if (words > 0) {
            if (o + 1 >= cap) return -1;
            out[o++] = ' ';
        }
        while (i < n && alias_learn_word_byte((unsigned char)p[i])) {
            if (o + 1 >= cap) return -1;
            out[o++] = p[i++];
        }
        words++;
    }
    out[o] = '\0';
    *len = o;
    return words;
}

/* Hands (s, l) to fn unless already handed; fn's result. */
static int
alias_learn_found(struct alias_learn_scan *a, const char *s, size_t sn,
                  const char *l)
{
    struct alias_learn_pair *p;

    for (int i = 0; i < a->nseen; i++) {
        if (strlen(a->seen[i].short_form) == sn &&
            memcmp(a->seen[i].short_form, s, sn) == 0 &&
            strcmp(a->seen[i].long_form, l) == 0)
            return 0;
    }
    if (a->nseen == ALIAS_LEARN_MAX_PAIRS) return 0;
    p = &a->seen[a->nseen++];
    memcpy(p->short_form, s, sn);
    p->short_form[sn] = '\0';
    strcpy(p->long_form, l);
    return a->fn(a->ctx, p->short_form, p->long_form);
}

/* Nonzero if l (words one space apart) has short form s[0..sn) as a word:
 * "Bank BRI (BRI)" defines nothing. */
static int
alias_learn_has_word(const char *l, const char *s, size_t sn)
{
    for (const char *w = l; *w;) {
        size_t n = strcspn(w, " ");

        if (n == sn && memcmp(w, s, sn) == 0) return 1;
        w += n + (w[n] == ' ');
    }
    return 0;
}

/* Checks a long form cut from l by the match and hands the pair on. */
static int
alias_learn_pair(struct alias_learn_scan *a, const char *s, size_t sn,
                 const char *l, size_t ln, int whole)
{
    char hit[ALIAS_MAX_LONG];
    long at = alias_learn_match(s, sn, l, ln, hit);
    const char *lf;
    int words = 0;

    if (at < 0 || (whole && at != 0) ||
        !alias_learn_every_word(l, ln, (size_t)at, hit))
        return 0;
    lf = l + at;
    for (const char *w = lf; *w; w++)
        words += (*w == ' ');
    words++;
    if (words < 2 || words > ALIAS_MAX_WORDS || strlen(lf) <= sn ||
        alias_learn_has_word(lf, s, sn))
        return 0;
    return alias_learn_found(a, s, sn, lf);
}

/* "long form (SF)": the words before the bracket at open, back to the
 * clause's start, at most the rule's number of them. */
static int
alias_learn_before(struct alias_learn_scan *a, size_t open, const char *s,
                   size_t sn)
{
    size_t max = sn + 5 < 2 * sn ? sn + 5 : 2 * sn, words = 0, i = open;
    char l[ALIAS_MAX_LONG + 1];
    size_t ln;

    if (max > ALIAS_MAX_WORDS) max = ALIAS_MAX_WORDS;
    while (i > 0 && words < max) {
        while (i > 0 && alias_learn_blank(a->text[i - 1]))
            i--;
        if (i == 0 || !alias_learn_word_byte((unsigned char)a->text[i - 1]))
            break;
        while (i > 0 && alias_learn_word_byte((unsigned char)a->text[i - 1]))
            i--;
        words++;
    }
    if (alias_learn_words(a->text + i, open - i, l, sizeof l, &ln) < 2)
        return 0;
    return alias_learn_pair(a, s, sn, l, ln, 0);
}

/* The definition, if any, around the bracket at open closing at close. */
static int
alias_learn_at(struct alias_learn_scan *a, size_t open, size_t close)
{
    const char *in = a->text + open + 1;
    size_t n = close - open - 1, b = 0, e = n, w;
    char l[ALIAS_MAX_LONG + 1];
    size_t ln;

    while (b < e && alias_learn_blank(in[b]))
        b++;
    while (e > b && alias_learn_blank(in[e - 1]))
        e--;
    if (alias_learn_is_short(in + b, e - b))
        return alias_learn_before(a, open, in + b, e - b);
    /* "SF (long form)": the word right before the bracket */
    w = open;
    while (w > 0 && alias_learn_blank(a->text[w - 1]))
        w--;
    e = w;
    while (w > 0 && alias_learn_alnum((unsigned char)a->text[w - 1]))
        w--;
    if ((w > 0 && alias_learn_word_byte((unsigned char)a->text[w - 1])) ||
        !alias_learn_is_short(a->text + w, e - w))
        return 0;
    if (alias_learn_words(in, n, l, sizeof l, &ln) < 2) return 0;
    return alias_learn_pair(a, a->text + w, e - w, l, ln, 1);
}

int
alias_learn_scan(const char *text, size_t len, alias_learn_fn *fn, void *ctx)
{
    struct alias_learn_scan a = {text, fn, ctx, {{{0}, {0}}}, 0};
    int rc = 0;

    for (size_t i = 0; i < len && rc == 0; i++) {
        size_t j;

        if (text[i] != '(') continue;
        /* the closing bracket, on the same line, nothing bracketed in it */
        for (j = i + 1; j < len && j - i <= ALIAS_MAX_LONG + 1; j++) {
            if (text[j] == ')' || text[j] == '(' || text[j] == '\n') break;
        }
        if (j < len && text[j] == ')') rc = alias_learn_at(&a, i, j);
    }
    return rc;
}
