/*
 * stem.c - the stemmer's public face: input checks, hyphenated words
 * (reduplication "kata-kata", "sayur-mayur", clitics "kuasa-mu") and a
 * bounded per-stemmer cache, so a repeated word costs one hash and one
 * memcmp.  A word of the gazetteer (names.c) is its own stem; the affix
 * analysis of the others lives in stem_rules.c.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dict.h"
#include "names.h"
#include "stem.h"
#include "stem_rules.h"

#define STEM_CACHE_SLOTS 65536 /* entries at most, power of two: 4 MiB */
/* A cache starts this small and doubles (its entries moved) each time its
 * stored words reach a quarter of it: a stemmer that stems a query or two (a
 * reader's, FTS5's per connection) zeroes 1 MiB, not 4 MiB, and only a
 * writer's fed many articles grows to the whole size. */
#define STEM_CACHE_FIRST 16384
#define STEM_CACHE_WORD  29  /* bytes; longer words bypass the cache */
#define STEM_MAX_WORD    256 /* bytes; longer input comes back as is */

/* One cache line: word -> stem, overwritten on collision. */
struct stem_cache_slot {
    uint32_t hash; /* dict_hash() of word, 0 = empty */
    uint8_t wlen;  /* bytes of word */
    uint8_t slen;  /* bytes of stem */
    char word[STEM_CACHE_WORD];
    char stem[STEM_CACHE_WORD];
};

struct stemmer {
    struct stem_cache_slot *cache; /* nslots of them, NULL when off */
    uint32_t nslots;               /* STEM_CACHE_FIRST .. STEM_CACHE_SLOTS */
    uint32_t stored;               /* slots that hold a word */
    uint64_t hits;                 /* cache hits, for carid-stem --bench */
    uint64_t misses;
};

struct stemmer *
stemmer_new(char *err, size_t errlen)
{
    struct stemmer *s;

    static pthread_once_t derive_once = PTHREAD_ONCE_INIT;

    if (dict_open(err, errlen) < 0) return NULL;
    pthread_once(&derive_once, stem_rules_derive);
    /* an incomplete derivation or gazetteer would stem some words wrongly */
    s = stem_rules_derive_failed() || names_open() != 0 ? NULL
                                                        : calloc(1, sizeof(*s));
    if (s != NULL && stemmer_set_cache(s, 1) != 0) {
        free(s);
        s = NULL;
    }
    if (s == NULL) {
        free(s);
        if (err != NULL && errlen > 0)
            strncpy(err, "stemmer: out of memory",
                    errlen - 1)[errlen - 1] = '\0';
        return NULL;
    }
    return s;
}

void
stemmer_free(struct stemmer *s)
{
    if (s == NULL) return;
    free(s->cache);
    free(s);
}

int
stemmer_set_cache(struct stemmer *s, int on)
{
    if (!on) {
        free(s->cache);
        s->cache = NULL;
        return 0;
    }
    if (s->cache == NULL) {
        s->cache = calloc(STEM_CACHE_FIRST, sizeof(*s->cache));
        s->nslots = STEM_CACHE_FIRST;
        s->stored = 0;
    }
    return s->cache != NULL ? 0 : -1;
}

/* Only a-z and inner hyphens are analysed; digits, other scripts stay. */
static int
stem_plain(const char *w, size_t n)
{
    if (n == 0 || w[0] == '-' || w[n - 1] == '-') return 0;
    for (size_t i = 0; i < n; i++) {
        char c = w[i];
        if ((c < 'a' || c > 'z') && c != '-') return 0;
    }
    return 1;
}

static int
stem_clitic(const char *w, size_t n)
{
    static const char *const clitics[] = {"lah", "kah", "tah", "pun",
                                          "nya", "ku",  "mu"};
    for (size_t i = 0; i < sizeof(clitics) / sizeof(clitics[0]); i++)
        if (strlen(clitics[i]) == n && memcmp(clitics[i], w, n) == 0) return 1;
    return 0;
}

/* Stems one a-z run; out holds STEM_RULES_MAX bytes.  A name stays whole,
 * also as a half of a hyphenated word ("kediri-blitar"); only a word the
 * rules change is looked up in the gazetteer. */
static size_t
stem_part(const char *w, size_t n, char *out)
{
    size_t len;

    if (n > STEM_RULES_MAX) {
        memcpy(out, w, STEM_RULES_MAX);
        return STEM_RULES_MAX;
    }
    len = stem_rules_word(w, n, out);
    if ((len != n || memcmp(out, w, n) != 0) && names_has(w, n)) {
        memcpy(out, w, n);
        return n;
    }
    return len;
}

/*
 * Reduplication: the halves share their root ("kata-kata",
 * "berbalas-balasan"), the second repeats the first's tail
 * ("meniru-nirukan"), or they rhyme ("sayur-mayur", "serta-merta").
 */
static int
stem_redup(const char *a, size_t an, const char *b, size_t bn, const char *sa,
           size_t san, const char *sb, size_t sbn)
{
    size_t k;

    if (san == sbn && memcmp(sa, sb, san) == 0) return 1;
    for (k = an < bn ? an : bn; k >= 3; k--)
        if (memcmp(a + an - k, b, k) == 0) return 1;
    return an >= 4 && bn == an && memcmp(a + 1, b + 1, an - 1) == 0;
}

/* Words with hyphens; out holds STEM_MAX_WORD bytes. */
static size_t
stem_hyphen(const char *w, size_t n, char *out)
{
    const char *h = memchr(w, '-', n);
    size_t an = (size_t)(h - w), bn = n - an - 1, san, sbn;
    char sa[STEM_RULES_MAX], sb[STEM_MAX_WORD];

    san = stem_part(w, an, sa);
    /* clitic written apart: "kuasa-mu", "allah-lah" */
    if (stem_clitic(h + 1, bn)) {
        memcpy(out, sa, san);
        return san;
    }
    sbn = memchr(h + 1, '-', bn) ? stem_hyphen(h + 1, bn, sb)
                                 : stem_part(h + 1, bn, sb);
    if (stem_redup(w, an, h + 1, bn, sa, san, sb, sbn)) {
        memcpy(out, sa, san);
        return san;
    }
    /* a lexicalised compound stays whole: "bolak-balik", "tanda-tangan" */
    if (dict_get(w, n) != 0) {
        memcpy(out, w, n);
        return n;
    }
    /* a compound of two words: keep both stems */
    memcpy(out, sa, san);
    out[san] = '-';
    memcpy(out + san + 1, sb, sbn);
    return san + 1 + sbn;
}

/* The uncached stem of w; out holds STEM_MAX_WORD bytes. */
static size_t
stem_compute(const char *w, size_t n, char *out)
{
    if (n > STEM_MAX_WORD || !stem_plain(w, n)) {
        n = n > STEM_MAX_WORD ? STEM_MAX_WORD : n;
        memcpy(out, w, n);
        return n;
    }
    if (memchr(w, '-', n) != NULL) return stem_hyphen(w, n, out);
    return stem_part(w, n, out);
}

static size_t
stem_emit(const char *stem, size_t len, char *out, size_t cap)
{
    if (len > cap) len = cap;
    memcpy(out, stem, len);
    return len;
}

/* Doubles the cache, its words moved to their new slots (one of two
 * colliding words is dropped, as on any collision).  Out of memory, the
 * cache stays as it is. */
static void
stem_cache_grow(struct stemmer *s)
{
    uint32_t n = s->nslots * 2;
    struct stem_cache_slot *c = calloc(n, sizeof(*c));

    if (c == NULL) return;
    s->stored = 0;
    for (uint32_t i = 0; i < s->nslots; i++) {
        const struct stem_cache_slot *from = &s->cache[i];
        struct stem_cache_slot *to = &c[from->hash & (n - 1)];

        if (from->hash == 0) continue;
        s->stored += to->hash == 0;
        *to = *from;
    }
    free(s->cache);
    s->cache = c;
    s->nslots = n;
}

size_t
stemmer_stem(struct stemmer *s, const char *w, size_t n, char *out, size_t cap)
{
    char buf[STEM_MAX_WORD];
    struct stem_cache_slot *sl = NULL;
    size_t len;

    if (s->cache != NULL && n <= STEM_CACHE_WORD) {
        uint32_t h = dict_hash(w, n) | 1u; /* 0 marks an empty slot */
        sl = &s->cache[h & (s->nslots - 1)];
        if (sl->hash == h && sl->wlen == n && memcmp(sl->word, w, n) == 0) {
            s->hits++;
            return stem_emit(sl->stem, sl->slen, out, cap);
        }
        s->misses++;
        len = stem_compute(w, n, buf);
        if (len <= STEM_CACHE_WORD) {
            if (sl->hash == 0 && ++s->stored * 4 >= s->nslots &&
                s->nslots < STEM_CACHE_SLOTS) {
                stem_cache_grow(s);
                sl = &s->cache[h & (s->nslots - 1)];
                s->stored += sl->hash == 0;
            }
            sl->hash = h;
            sl->wlen = (uint8_t)n;
            sl->slen = (uint8_t)len;
            memcpy(sl->word, w, n);
            memcpy(sl->stem, buf, len);
        }
        return stem_emit(buf, len, out, cap);
    }
    len = stem_compute(w, n, buf);
    return stem_emit(buf, len, out, cap);
}
