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

/* dict_get() result bits: 0 means "not a root". */
#define DICT_ROOT      0x0001u /* present */
#define DICT_EXTRA     0x0002u /* from roots-extra.txt */
#define DICT_AFFIXED   0x0004u /* hunspell gives it affix flags */
#define DICT_HAS_BER   0x0010u /* flag families: ber- be- */
#define DICT_HAS_DI    0x0020u /* di- */
#define DICT_HAS_KE    0x0040u /* ke- */
#define DICT_HAS_ME    0x0080u /* meN- */
#define DICT_HAS_PE    0x0100u /* peN- pe- */
#define DICT_HAS_PER   0x0200u /* per- */
#define DICT_HAS_SE    0x0400u /* se- */
#define DICT_HAS_TER   0x0800u /* ter- te- */
#define DICT_HAS_AN    0x1000u /* -an in some pattern */
#define DICT_HAS_I     0x2000u /* -i in some pattern */
#define DICT_HAS_KAN   0x4000u /* -kan in some pattern */
#define DICT_FREQ_SHIFT 16      /* bits 16..20: log2 news frequency class */
#define DICT_FREQ(v)    (((v) >> DICT_FREQ_SHIFT) & 0x1fu)

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
uint32_t dict_get(const char *w, size_t n);

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
