/*
 * alias_set.c - the in-memory aliases: keys made with the tokenizer,
 * entries sorted by short key and (through by_long) by long key, looked up
 * by binary search.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alias_set.h"
#include "tokenizer.h"

/* A key being made: the folded tokens, one space between. */
struct alias_key {
    char buf[ALIAS_MAX_LONG * 4 + ALIAS_MAX_WORDS + 1];
    size_t len;
    int words;
    int over; /* more words, or more bytes, than fit */
};

static int
alias_set_key_cb(void *ctx, const char *token, size_t token_len,
                 const char *stem, size_t stem_len, size_t start, size_t end)
{
    struct alias_key *k = ctx;

    (void)stem;
    (void)stem_len;
    (void)start;
    (void)end;
    if (k->words >= ALIAS_MAX_WORDS ||
        k->len + token_len + 1 >= sizeof k->buf) {
        k->over = 1;
        return 1;
    }
    if (k->words > 0) k->buf[k->len++] = ' ';
    memcpy(k->buf + k->len, token, token_len);
    k->len += token_len;
    k->buf[k->len] = '\0';
    k->words++;
    return 0;
}

/* Tokenizes p[0..n) into k; -1 out of memory. */
static int
alias_set_key(struct tokenizer *t, const char *p, size_t n, struct alias_key *k)
{
    memset(k, 0, sizeof *k);
    return tokenizer_run(t, p, n, alias_set_key_cb, k) == TOKENIZER_NOMEM ? -1
                                                                          : 0;
}

static int
alias_set_err(char *err, size_t errlen, const char *msg)
{
    snprintf(err, errlen, "%s", msg);
    return -1;
}

int
alias_set_keys(struct tokenizer *t, const char *sf, size_t sn, const char *lf,
               size_t ln, char **short_key, char **long_key, int *nwords,
               char *err, size_t errlen)
{
    struct alias_key ks, kl;

    *short_key = *long_key = NULL;
    if (sn == 0 || ln == 0)
        return alias_set_err(err, errlen, "alias forms must not be empty");
    if (sn > ALIAS_MAX_SHORT) {
        snprintf(err, errlen, "alias short form too long (max %d bytes)",
                 ALIAS_MAX_SHORT);
        return -1;
    }
    if (ln > ALIAS_MAX_LONG) {
        snprintf(err, errlen, "alias long form too long (max %d bytes)",
                 ALIAS_MAX_LONG);
        return -1;
    }
    if (alias_set_key(t, sf, sn, &ks) != 0 ||
        alias_set_key(t, lf, ln, &kl) != 0)
        return alias_set_err(err, errlen, "out of memory");
    if (ks.words != 1 || ks.over)
        return alias_set_err(err, errlen,
                             "alias short form must be one word (KPK, "
                             "Jokowi)");
    if (kl.words == 0)
        return alias_set_err(err, errlen, "alias long form has no words");
    if (kl.over) {
        snprintf(err, errlen, "alias long form has more than %d words",
                 ALIAS_MAX_WORDS);
        return -1;
    }
    if (strcmp(ks.buf, kl.buf) == 0)
        return alias_set_err(err, errlen,
                             "alias long form is the short form itself");
    *short_key = strdup(ks.buf);
    *long_key = strdup(kl.buf);
    if (*short_key == NULL || *long_key == NULL) {
        free(*short_key);
        free(*long_key);
        *short_key = *long_key = NULL;
        return alias_set_err(err, errlen, "out of memory");
    }
    *nwords = kl.words;
    return 0;
}

char *
alias_set_short_key(struct tokenizer *t, const char *p, size_t n)
{
    struct alias_key k;

    if (n == 0 || n > ALIAS_MAX_SHORT || alias_set_key(t, p, n, &k) != 0 ||
        k.words != 1 || k.over)
        return NULL;
    return strdup(k.buf);
}

/* Nonzero if p[0..n) has an ASCII letter and no lower-case one. */
static int
alias_set_caps(const char *p, size_t n)
{
    int letter = 0;

    for (size_t i = 0; i < n; i++) {
        if (p[i] >= 'a' && p[i] <= 'z') return 0;
        if (p[i] >= 'A' && p[i] <= 'Z') letter = 1;
    }
    return letter;
}

int
alias_set_add(struct alias_set *s, struct tokenizer *t, const char *sf,
              size_t sn, const char *lf, size_t ln, int kind, char *err,
              size_t errlen)
{
    struct alias_entry *e;
    char *sk, *lk;
    int words;

    if (alias_set_keys(t, sf, sn, lf, ln, &sk, &lk, &words, err, errlen) != 0)
        return -1;
    if (s->n == s->cap) {
        int cap = s->cap > 0 ? s->cap * 2 : 64;

        e = realloc(s->e, (size_t)cap * sizeof *e);
        if (e == NULL) goto nomem;
        s->e = e;
        s->cap = cap;
    }
    e = &s->e[s->n];
    e->short_form = strndup(sf, sn);
    e->long_form = strndup(lf, ln);
    if (e->short_form == NULL || e->long_form == NULL) {
        free(e->short_form);
        free(e->long_form);
        goto nomem;
    }
    e->short_key = sk;
    e->long_key = lk;
    e->caps = alias_set_caps(sf, sn);
    e->kind = kind;
    s->n++;
    if (words > s->max_words) s->max_words = words;
    return 0;

nomem:
    free(sk);
    free(lk);
    return alias_set_err(err, errlen, "out of memory");
}

static void
alias_set_entry_free(struct alias_entry *e)
{
    free(e->short_form);
    free(e->long_form);
    free(e->short_key);
    free(e->long_key);
}

/* Which of two entries with the same keys seal() keeps: the built-in
 * list's, then an editor's, then a learned one. */
static int
alias_set_rank(int kind)
{
    return kind == CARID_ALIAS_BUILTIN ? 2 : kind == CARID_ALIAS_EDITOR;
}

static int
alias_set_cmp_short(const void *a, const void *b)
{
    const struct alias_entry *x = a, *y = b;
    int c = strcmp(x->short_key, y->short_key);

    if (c == 0) c = strcmp(x->long_key, y->long_key);
    return c != 0 ? c : alias_set_rank(y->kind) - alias_set_rank(x->kind);
}

/* qsort() has no context: the set being sealed, one thread at a time. */
static _Thread_local const struct alias_set *alias_set_sorting;

static int
alias_set_cmp_long(const void *a, const void *b)
{
    const struct alias_entry *e = alias_set_sorting->e;
    int x = *(const int *)a, y = *(const int *)b;
    int c = strcmp(e[x].long_key, e[y].long_key);

    return c != 0 ? c : x - y;
}

int
alias_set_seal(struct alias_set *s)
{
    int j;

    free(s->by_long);
    s->by_long = NULL;
    if (s->n == 0) return 0;
    qsort(s->e, (size_t)s->n, sizeof *s->e, alias_set_cmp_short);
    j = 0;
    for (int i = 0; i < s->n; i++) { /* drop repeats: e[0..j) kept */
        if (j > 0 && strcmp(s->e[i].short_key, s->e[j - 1].short_key) == 0 &&
            strcmp(s->e[i].long_key, s->e[j - 1].long_key) == 0)
            alias_set_entry_free(&s->e[i]);
        else
            s->e[j++] = s->e[i];
    }
    s->n = j;
    s->by_long = malloc((size_t)s->n * sizeof *s->by_long);
    if (s->by_long == NULL) return -1;
    for (int i = 0; i < s->n; i++)
        s->by_long[i] = i;
    alias_set_sorting = s;
    qsort(s->by_long, (size_t)s->n, sizeof *s->by_long, alias_set_cmp_long);
    alias_set_sorting = NULL;
    return 0;
}

int
alias_set_insert(struct alias_set *s, struct tokenizer *t, const char *sf,
                 size_t sn, const char *lf, size_t ln, char *err, size_t errlen)
{
    struct alias_entry e;
    int *by_long, at, lo, hi, i;

    if (alias_set_add(s, t, sf, sn, lf, ln, CARID_ALIAS_EDITOR, err, errlen) !=
        0)
        return -1;
    by_long = realloc(s->by_long, (size_t)s->n * sizeof *by_long);
    if (by_long == NULL) {
        alias_set_entry_free(&s->e[--s->n]);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    s->by_long = by_long;
    e = s->e[s->n - 1];
    for (at = 0; at < s->n - 1 && alias_set_cmp_short(&s->e[at], &e) < 0; at++)
        ;
    memmove(&s->e[at + 1], &s->e[at], (size_t)(s->n - 1 - at) * sizeof e);
    s->e[at] = e;
    for (i = 0; i < s->n - 1; i++) /* entries from at moved up one */
        by_long[i] += by_long[i] >= at;
    lo = 0;
    hi = s->n - 1;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;

        if (strcmp(s->e[by_long[mid]].long_key, e.long_key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    memmove(&by_long[lo + 1], &by_long[lo],
            (size_t)(s->n - 1 - lo) * sizeof *by_long);
    by_long[lo] = at;
    return 0;
}

void
alias_set_remove(struct alias_set *s, int i)
{
    int j, k = 0;

    alias_set_entry_free(&s->e[i]);
    memmove(&s->e[i], &s->e[i + 1], (size_t)(s->n - 1 - i) * sizeof *s->e);
    for (j = 0; j < s->n; j++) { /* drop i, and the entries above moved */
        if (s->by_long[j] != i)
            s->by_long[k++] = s->by_long[j] - (s->by_long[j] > i);
    }
    s->n--;
}

void
alias_set_free(struct alias_set *s)
{
    if (s == NULL) return;
    for (int i = 0; i < s->n; i++)
        alias_set_entry_free(&s->e[i]);
    free(s->e);
    free(s->by_long);
    memset(s, 0, sizeof *s);
}

/* strcmp() of key[0..n) (not NUL-terminated) with s. */
static int
alias_set_keycmp(const char *key, size_t n, const char *s)
{
    int c = strncmp(key, s, n);

    return c != 0 ? c : (s[n] == '\0' ? 0 : -1);
}

int
alias_set_by_short(const struct alias_set *s, const char *key, size_t n,
                   int *first)
{
    int lo = 0, hi = s->n, end;

    while (lo < hi) { /* the first entry >= key */
        int mid = lo + (hi - lo) / 2;

        if (alias_set_keycmp(key, n, s->e[mid].short_key) > 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (end = lo;
         end < s->n && alias_set_keycmp(key, n, s->e[end].short_key) == 0;
         end++)
        ;
    *first = lo;
    return end - lo;
}

int
alias_set_applies(const struct alias_entry *e, const char *raw, size_t n)
{
    return !e->caps || alias_set_caps(raw, n);
}

int
alias_set_by_long(const struct alias_set *s, const char *key, size_t n,
                  int *first)
{
    int lo = 0, hi = s->n, end;

    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;

        if (alias_set_keycmp(key, n, s->e[s->by_long[mid]].long_key) > 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (end = lo;
         end < s->n &&
         alias_set_keycmp(key, n, s->e[s->by_long[end]].long_key) == 0;
         end++)
        ;
    *first = lo;
    return end - lo;
}
