/*
 * dict.c - loads the root dictionary once per process: hunspell-id's
 * id_ID.dic (ISO-8859-1, "word/FLAGS", first line a count) lower-cased and
 * converted to UTF-8, plus roots-extra.txt and the news frequency classes of
 * roots-freq.txt, both embedded at build time.  Lookups are lock-free reads
 * of an open-addressing table that never changes after loading.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dict.h"

/* Embedded by stem_embed.cmake from roots-extra.txt and roots-freq.txt. */
extern const char stem_roots_extra[];
extern const size_t stem_roots_extra_len;
extern const char stem_roots_freq[];
extern const size_t stem_roots_freq_len;

#define DICT_MIN_SLOTS 65536 /* power of two; load factor stays below 1/2 */

struct dict_slot {
    uint64_t bits; /* DICT_* bits, 0 = empty slot */
    uint32_t hash; /* dict_hash() of the word */
    uint32_t off;  /* word offset in dict_g.pool */
    uint8_t len;   /* word length, bytes */
};

static struct {
    struct dict_slot *slots; /* mask + 1 slots */
    size_t mask;
    size_t count;             /* words stored */
    char *pool;               /* all words back to back, no NULs */
    size_t used;              /* bytes of pool in use */
    size_t cap;               /* bytes allocated for pool */
    int failed;               /* dict_load() could not finish */
    uint8_t flag_kind[65536]; /* per two-letter affix flag: DICT_KIND_* */
    char err[256];            /* why it failed */
} dict_g;

static pthread_once_t dict_once = PTHREAD_ONCE_INIT;

static struct dict_slot *
dict_slot_for(const char *w, size_t n, uint32_t h)
{
    size_t i = h & dict_g.mask;

    for (;;) {
        struct dict_slot *sl = &dict_g.slots[i];
        if (sl->bits == 0) return sl;
        if (sl->hash == h && sl->len == n &&
            memcmp(dict_g.pool + sl->off, w, n) == 0)
            return sl;
        i = (i + 1) & dict_g.mask;
    }
}

static int
dict_grow(void)
{
    size_t nslots = (dict_g.mask + 1) * 2;
    struct dict_slot *old = dict_g.slots;
    size_t oldn = dict_g.mask + 1;
    struct dict_slot *sl;

    dict_g.slots = calloc(nslots, sizeof(*dict_g.slots));
    if (dict_g.slots == NULL) {
        dict_g.slots = old;
        return -1;
    }
    dict_g.mask = nslots - 1;
    for (size_t i = 0; i < oldn; i++) {
        if (old[i].bits == 0) continue;
        sl = dict_slot_for(dict_g.pool + old[i].off, old[i].len, old[i].hash);
        *sl = old[i];
    }
    free(old);
    return 0;
}

/* Adds w[0..n) or ORs bits into an existing entry; -1 on out of memory. */
static int
dict_add(const char *w, size_t n, uint64_t bits)
{
    uint32_t h = dict_hash(w, n);
    struct dict_slot *sl;

    if (n == 0 || n > DICT_MAX_WORD) return 0;
    sl = dict_slot_for(w, n, h);
    if (sl->bits != 0) {
        sl->bits |= bits;
        return 0;
    }
    if (dict_g.used + n > dict_g.cap) {
        size_t cap = dict_g.cap ? dict_g.cap * 2 : 512 * 1024;
        char *p = realloc(dict_g.pool, cap);
        if (p == NULL) return -1;
        dict_g.pool = p;
        dict_g.cap = cap;
    }
    memcpy(dict_g.pool + dict_g.used, w, n);
    sl->hash = h;
    sl->off = (uint32_t)dict_g.used;
    sl->len = (uint8_t)n;
    sl->bits = bits | DICT_ROOT;
    dict_g.used += n;
    dict_g.count++;
    if (dict_g.count * 2 > dict_g.mask + 1) return dict_grow();
    return 0;
}

#define DICT_KIND_PFX 0x10 /* flag_kind: a prefix flag; low bits: suffix */
#define DICT_KIND_SFX 0x20 /* a derivational suffix flag, DICT_SFX_* below */

/* hunspell-id flag families by first letter: "M0" me-, "Mk" me-...-kan. */
static int
dict_family(char c)
{
    static const char fams[] = "?BDKMPRSTO";
    const char *p = c ? strchr(fams + 1, c) : NULL;

    return p != NULL ? (int)(p - fams) : DICT_FAM_NONE;
}

/* Suffix kind of an SFX rule's affix text: "kan/M1nl" -> DICT_SFX_KAN. */
static int
dict_sfx_kind(const char *add)
{
    size_t n = strcspn(add, "/ \t\r\n");

    if (n >= 3 && memcmp(add + n - 3, "kan", 3) == 0) return DICT_SFX_KAN;
    if (n >= 2 && memcmp(add + n - 2, "an", 2) == 0 && n <= 3)
        return DICT_SFX_AN;
    if (n == 1 && add[0] == 'i') return DICT_SFX_I;
    return DICT_SFX_NONE;
}

/*
 * Reads id_ID.aff beside the .dic to learn what each flag adds: PFX flags
 * license their family alone, SFX flags "-an"/"-i"/"-kan" with the family
 * of their first letter ("Mk": me-...-kan, "a0": bare -an).  A missing .aff
 * only costs the licences.
 */
static void
dict_load_aff(const char *dic_path)
{
    char path[4096], line[512], kind[8], flag[8], strip[64], add[64];
    size_t n = strlen(dic_path);
    FILE *f;

    if (n < 4 || n >= sizeof(path) || strcmp(dic_path + n - 4, ".dic") != 0)
        return;
    memcpy(path, dic_path, n - 4);
    memcpy(path + n - 4, ".aff", 5);
    if ((f = fopen(path, "r")) == NULL) return;
    while (fgets(line, sizeof(line), f) != NULL) {
        unsigned idx;
        if (sscanf(line, "%7s %7s %63s %63s", kind, flag, strip, add) != 4 ||
            strlen(flag) != 2 || (strcmp(kind, "PFX") && strcmp(kind, "SFX")))
            continue;
        idx = (unsigned char)flag[0] << 8 | (unsigned char)flag[1];
        if (strcmp(strip, "Y") == 0 || strcmp(strip, "N") == 0)
            continue; /* the header line of a rule group */
        if (kind[0] == 'P')
            dict_g.flag_kind[idx] = DICT_KIND_PFX;
        else if (dict_g.flag_kind[idx] == 0 && dict_sfx_kind(add))
            dict_g.flag_kind[idx] = (uint8_t)(DICT_KIND_SFX |
                                              dict_sfx_kind(add));
    }
    fclose(f);
}

/* Licence bits of one entry's flag string, e.g. "DkMkP0a0". */
static uint64_t
dict_flag_bits(const char *f, size_t n)
{
    uint64_t bits = n > 0 ? DICT_AFFIXED : 0;

    for (size_t i = 0; i + 1 < n; i += 2) {
        unsigned k = dict_g.flag_kind[(unsigned char)f[i] << 8 |
                                      (unsigned char)f[i + 1]];
        int fam = dict_family(f[i]);
        if (k & DICT_KIND_PFX)
            bits |= DICT_LIC(fam, DICT_SFX_NONE);
        else if (k & DICT_KIND_SFX)
            bits |= DICT_LIC(fam, k & 0x3u);
    }
    return bits;
}

/* Lower-cases one ISO-8859-1 word into UTF-8; returns bytes or 0 if too
 * long. */
static size_t
dict_latin1_lower(const char *in, size_t n, char *out, size_t cap)
{
    size_t o = 0;

    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)in[i];
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c + 32);
        else if (c >= 0xc0 && c <= 0xde && c != 0xd7)
            c = (unsigned char)(c + 32);
        if (o + 2 > cap) return 0;
        if (c < 0x80) {
            out[o++] = (char)c;
        } else {
            out[o++] = (char)(0xc0 | (c >> 6));
            out[o++] = (char)(0x80 | (c & 0x3f));
        }
    }
    return o;
}

static int
dict_load_hunspell(const char *path)
{
    FILE *f = fopen(path, "r");
    char line[512], word[DICT_MAX_WORD * 2];
    int first = 1;

    if (f == NULL) {
        snprintf(dict_g.err, sizeof(dict_g.err),
                 "stemmer: can't open root dictionary %s: %s (install "
                 "hunspell-id or set %s)",
                 path, strerror(errno), DICT_ENV);
        return -1;
    }
    while (fgets(line, sizeof(line), f) != NULL) {
        size_t n = strcspn(line, "/\t \r\n");
        const char *fl = line + n;
        size_t wn, fn = 0;
        if (first) { /* the entry count */
            first = 0;
            continue;
        }
        if (*fl == '/') {
            fl++;
            fn = strcspn(fl, "\t \r\n");
        }
        wn = dict_latin1_lower(line, n, word, sizeof(word));
        if (wn > 0 && dict_add(word, wn, dict_flag_bits(fl, fn)) < 0) {
            fclose(f);
            snprintf(dict_g.err, sizeof(dict_g.err), "stemmer: out of memory");
            return -1;
        }
    }
    fclose(f);
    if (dict_g.count == 0) {
        snprintf(dict_g.err, sizeof(dict_g.err),
                 "stemmer: root dictionary %s is empty", path);
        return -1;
    }
    return 0;
}

long
dict_each_word(const char *p, size_t len, dict_word_fn *fn, void *ctx)
{
    const char *end = p + len;
    long count = 0;

    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        size_t n = 0;
        while (p + n < e && p[n] != ' ' && p[n] != '\t' && p[n] != '#' &&
               p[n] != '\r')
            n++;
        if (n > 0) {
            if (fn != NULL && fn(ctx, p, n) < 0) return -1;
            count++;
        }
        p = e + 1;
    }
    return count;
}

/* One line of roots-extra.txt: a root without licences. */
static int
dict_add_extra(void *ctx, const char *w, size_t n)
{
    (void)ctx;
    return dict_add(w, n, DICT_EXTRA);
}

/* One line of roots-freq.txt, "root class": the root's frequency class. */
static int
dict_add_freq(void *ctx, const char *w, size_t n)
{
    (void)ctx;
    if (n <= DICT_MAX_WORD) {
        uint64_t cls = (uint64_t)atoi(w + n) & 0x1fu;
        struct dict_slot *sl = dict_slot_for(w, n, dict_hash(w, n));
        if (sl->bits != 0) sl->bits |= cls << DICT_FREQ_SHIFT;
    }
    return 0;
}

static void
dict_load(void)
{
    const char *path = getenv(DICT_ENV);

    if (path == NULL || *path == '\0') path = DICT_DEFAULT_PATH;
    dict_g.slots = calloc(DICT_MIN_SLOTS, sizeof(*dict_g.slots));
    dict_g.mask = DICT_MIN_SLOTS - 1;
    if (dict_g.slots == NULL) {
        snprintf(dict_g.err, sizeof(dict_g.err), "stemmer: out of memory");
        dict_g.failed = 1;
        return;
    }
    dict_load_aff(path);
    if (dict_load_hunspell(path) < 0 ||
        dict_each_word(stem_roots_extra, stem_roots_extra_len, dict_add_extra,
                       NULL) < 0 ||
        dict_each_word(stem_roots_freq, stem_roots_freq_len, dict_add_freq,
                       NULL) < 0) {
        if (dict_g.err[0] == '\0')
            snprintf(dict_g.err, sizeof(dict_g.err), "stemmer: out of memory");
        dict_g.failed = 1;
    }
}

int
dict_open(char *err, size_t errlen)
{
    pthread_once(&dict_once, dict_load);
    if (dict_g.failed) {
        if (err != NULL && errlen > 0) snprintf(err, errlen, "%s", dict_g.err);
        return -1;
    }
    return 0;
}

uint64_t
dict_get(const char *w, size_t n)
{
    if (n == 0 || n > DICT_MAX_WORD || dict_g.slots == NULL) return 0;
    return dict_slot_for(w, n, dict_hash(w, n))->bits;
}

void
dict_foreach(dict_each_fn *fn, void *ctx)
{
    for (size_t i = 0; dict_g.slots != NULL && i <= dict_g.mask; i++) {
        const struct dict_slot *sl = &dict_g.slots[i];
        if (sl->bits != 0) fn(ctx, i, dict_g.pool + sl->off, sl->len, sl->bits);
    }
}

void
dict_mark(size_t slot, uint64_t bits)
{
    dict_g.slots[slot].bits |= bits;
}

size_t
dict_size(void)
{
    return dict_g.count;
}
