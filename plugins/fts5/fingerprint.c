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

/* The SimHash's votes, counted 8 bits at a time: byte j of lane[i]
 * counts the shingles with bit 8i + j set, up to 255 before flush()
 * adds them into count[] (a loop of 64 tests per shingle was a quarter of
 * the writer's time). */
struct fingerprint_votes {
    uint64_t lane[8];
    uint32_t count[64];
    unsigned pending; /* shingles in lane[] */
    uint64_t shingles;
};

/* The 8 bits of b, one per byte (bit j in byte j). */
static uint64_t
fingerprint_spread(uint64_t b)
{
    b = (b | (b << 28)) & 0x0000000f0000000fULL;
    b = (b | (b << 14)) & 0x0003000300030003ULL;
    return (b | (b << 7)) & 0x0101010101010101ULL;
}

static void
fingerprint_flush(struct fingerprint_votes *v)
{
    for (int i = 0; i < 8; i++) {
        for (int j = 0; j < 8; j++)
            v->count[8 * i + j] += (uint32_t)(v->lane[i] >> (8 * j) & 0xff);
        v->lane[i] = 0;
    }
    v->pending = 0;
}

/* One shingle's hash h: its votes and its MinHash candidates (an odd
 * multiplier per seed, then the high half folded in: a permutation of the
 * 64-bit values, one multiply instead of a full mix). */
static void
fingerprint_add(uint64_t h, struct fingerprint_votes *v, uint64_t mins[])
{
    static const uint64_t mul[FINGERPRINT_MINS] = {
        0x9e3779b97f4a7c15ULL, 0xbf58476d1ce4e5b9ULL, 0x94d049bb133111ebULL,
        0xd6e8feb86659fd93ULL, 0xa0761d6478bd642fULL, 0xe7037ed1a0b428dbULL,
        0x8ebc6af09c88c6e3ULL, 0x589965cc75374cc3ULL};

    for (int i = 0; i < 8; i++)
        v->lane[i] += fingerprint_spread(h >> (8 * i) & 0xff);
    v->shingles++;
    if (++v->pending == 255) fingerprint_flush(v);
    for (int i = 0; i < FINGERPRINT_MINS; i++) {
        uint64_t m = (h ^ (uint64_t)i) * mul[i];

        m ^= m >> 29;
        if (m < mins[i]) mins[i] = m;
    }
}

int
fingerprint_make(const char *text, size_t len, struct fingerprint *fp)
{
    const unsigned char *p = (const unsigned char *)text;
    uint64_t last[FINGERPRINT_SHINGLE] = {0}, mins[FINGERPRINT_MINS];
    struct fingerprint_votes votes = {{0}, {0}, 0, 0};
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
                            &votes, mins);
    }
    if (words == 0) return 0;
    if (words < FINGERPRINT_SHINGLE) /* one shingle of what there is */
        fingerprint_add(fingerprint_mix(last[0] * 31 + last[1]) ^ last[2],
                        &votes, mins);
    fingerprint_flush(&votes);
    fp->simhash = 0;
    for (int b = 0; b < 64; b++) /* more shingles with the bit than without */
        fp->simhash |= (uint64_t)(2 * (uint64_t)votes.count[b] > votes.shingles)
                       << b;
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
