/*
 * dict.h - the Indonesian root dictionary behind the stemmer: hunspell-id's
 * word list plus the project's roots-extra.txt, loaded once per process into
 * a read-only open-addressing hash set shared by every thread.
 */
#ifndef DICT_H
#define DICT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define DICT_DEFAULT_PATH "/usr/share/hunspell/id_ID.dic"
#define DICT_ENV          "CARID_DICT" /* overrides DICT_DEFAULT_PATH */
#define DICT_MAX_WORD     48           /* bytes; longer entries are skipped */

/*
 * dict_get() result: 0 means "not a root".  The low 40 bits are hunspell-id's
 * affix licences of the root, one bit per (outermost prefix family, suffix)
 * pair: DICT_LIC(DICT_FAM_ME, DICT_SFX_KAN) is set when the flags allow
 * me-...-kan.  Words from roots-extra.txt carry no licences.
 */
#define DICT_FAM_NONE      0 /* no prefix */
#define DICT_FAM_BER       1 /* ber- be- (hunspell flags B*) */
#define DICT_FAM_DI        2 /* di- (D*) */
#define DICT_FAM_KE        3 /* ke- (K*) */
#define DICT_FAM_ME        4 /* meN- (M*) */
#define DICT_FAM_PE        5 /* peN- pe- (P*) */
#define DICT_FAM_PER       6 /* per- (R*) */
#define DICT_FAM_SE        7 /* se- (S*) */
#define DICT_FAM_TER       8 /* ter- te- (T*) */
#define DICT_FAM_KU        9 /* ku- kau- (O*) */
#define DICT_FAMS          10
#define DICT_SFX_NONE      0
#define DICT_SFX_AN        1
#define DICT_SFX_I         2
#define DICT_SFX_KAN       3
#define DICT_LIC(fam, sfx) (1ull << (4 * (fam) + (sfx)))
#define DICT_ROOT          (1ull << 40) /* present */
#define DICT_EXTRA         (1ull << 41) /* from roots-extra.txt */
#define DICT_AFFIXED       (1ull << 42) /* hunspell gives it affix flags */
#define DICT_DERIVED       (1ull << 43) /* itself an affixed form of a root */
#define DICT_DERIVED_PFX   (1ull << 44) /* ... and that form has a prefix */
#define DICT_FREQ_SHIFT    48           /* bits 48..52: news frequency class */
#define DICT_FREQ(v)       ((unsigned)((v) >> DICT_FREQ_SHIFT) & 0x1fu)

/*
 * Loads the dictionary on first call (pthread_once; any thread).  Returns 0,
 * or -1 with a message in err when the hunspell list can't be read; the
 * failure is remembered and reported again on later calls.
 */
int dict_open(char *err, size_t errlen);

/*
 * Returns the DICT_* bits of w[0..n) or 0 when it is not a root.  Only
 * valid after dict_open() succeeded; read-only, any thread.
 */
uint64_t dict_get(const char *w, size_t n);

typedef void dict_each_fn(void *ctx, size_t slot, const char *w, size_t n,
                          uint64_t bits);

/*
 * Calls fn for every root; slot identifies it to dict_mark().  For the
 * one-time post-processing in stem_rules_derive(), which runs under its own
 * pthread_once before any stemmer exists; not thread-safe with dict_mark().
 */
void dict_foreach(dict_each_fn *fn, void *ctx);

/* ORs bits into the root at slot (see dict_foreach()). */
void dict_mark(size_t slot, uint64_t bits);

typedef int dict_word_fn(void *ctx, const char *w, size_t n);

/*
 * Walks the lines of an embedded word list (roots-extra.txt, names.txt):
 * calls fn with each line's first word, up to a blank or '#' ('#' starts a
 * comment; the rest of the line follows w[n]).  Returns the number of
 * words, or -1 as soon as fn returns a negative value.  fn may be NULL, to
 * count.  Any thread; touches nothing but what fn does.
 */
long dict_each_word(const char *text, size_t len, dict_word_fn *fn, void *ctx);

/* Number of roots loaded (0 before dict_open()). */
size_t dict_size(void);

/*
 * A fast 32-bit hash of w[0..n), shared with the stem cache.  Eight bytes
 * at a time with a multiply-xorshift mix; not for hostile keys, which is
 * fine for a bounded, overwrite-on-collision cache and a fixed set.
 */
static inline uint32_t
dict_hash(const char *w, size_t n)
{
    uint64_t h = 0x9e3779b97f4a7c15ull ^ (n * 0xff51afd7ed558ccdull);
    uint64_t k;

    while (n >= 8) {
        memcpy(&k, w, 8);
        h = (h ^ k) * 0xc4ceb9fe1a85ec53ull;
        h ^= h >> 29;
        w += 8;
        n -= 8;
    }
    k = 0;
    memcpy(&k, w, n);
    h = (h ^ k) * 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 32;
    return (uint32_t)h;
}

#endif
