/*
 * fingerprint.c - see fingerprint.h.  One pass over the words: each
 * shingle's 64-bit hash votes on the SimHash's bits and competes for the
 * eight MinHash minima (one per seed); a band key joins two minima.
 */
#include "fingerprint.h"

#define FINGERPRINT_SHINGLE 3 /* words per shingle */
#define FINGERPRINT_MINS    (2 * FINGERPRINT_BANDS)

/* splitmix64's finalizer: every input bit moves every output bit. */
static uint64_t
fingerprint_mix(uint64_t z)
{
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static int
fingerprint_word_byte(unsigned char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
           (ch >= '0' && ch <= '9') || ch >= 0x80;
}

/* One shingle's hash h: its votes and its MinHash candidates. */
static void
fingerprint_add(uint64_t h, int32_t votes[64], uint64_t mins[])
{
    for (int b = 0; b < 64; b++)
        votes[b] += (h >> b & 1) ? 1 : -1;
    for (int i = 0; i < FINGERPRINT_MINS; i++) {
        uint64_t m = fingerprint_mix(h ^ (0x5851f42d4c957f2dULL * (i + 1)));

        if (m < mins[i]) mins[i] = m;
    }
}

int
fingerprint_make(const char *text, size_t len, struct fingerprint *fp)
{
    const unsigned char *p = (const unsigned char *)text;
    uint64_t last[FINGERPRINT_SHINGLE] = {0}, mins[FINGERPRINT_MINS];
    int32_t votes[64] = {0};
    size_t words = 0, i = 0;

    for (int k = 0; k < FINGERPRINT_MINS; k++)
        mins[k] = UINT64_MAX;
    while (i < len) {
        uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a of the folded word */

        while (i < len && !fingerprint_word_byte(p[i]))
            i++;
        if (i == len) break;
        for (; i < len && fingerprint_word_byte(p[i]); i++) {
            unsigned char ch = p[i] >= 'A' && p[i] <= 'Z' ? p[i] + 32 : p[i];

            h = (h ^ ch) * 0x100000001b3ULL;
        }
        last[0] = last[1];
        last[1] = last[2];
        last[2] = h;
        if (++words >= FINGERPRINT_SHINGLE)
            fingerprint_add(fingerprint_mix(last[0] * 31 + last[1]) ^ last[2],
                            votes, mins);
    }
    if (words == 0) return 0;
    if (words < FINGERPRINT_SHINGLE) /* one shingle of what there is */
        fingerprint_add(fingerprint_mix(last[0] * 31 + last[1]) ^ last[2],
                        votes, mins);
    fp->simhash = 0;
    for (int b = 0; b < 64; b++)
        fp->simhash |= (uint64_t)(votes[b] > 0) << b;
    for (int k = 0; k < FINGERPRINT_BANDS; k++)
        fp->key[k] = (int64_t)fingerprint_mix(
            mins[2 * k] ^ fingerprint_mix(mins[2 * k + 1] + (uint64_t)k));
    return 1;
}

int
fingerprint_distance(uint64_t a, uint64_t b)
{
    return __builtin_popcountll(a ^ b);
}
