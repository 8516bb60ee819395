/*
 * stem_rules.c - confix stripping in the Nazief-Adriani / ECS family, but
 * instead of returning the first analysis that hits the dictionary it tries
 * every split (particle, possessive, derivational suffix, up to three
 * prefixes with nasal recoding) and keeps the best-scored root: longer
 * roots, frequent roots and plausible affix combinations win.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dict.h"
#include "stem_rules.h"

#define STEM_RULES_MAX_PFX 3 /* di-per-ke... deeper stacks do not occur */
#ifndef STEM_RULES_LICENSED
#define STEM_RULES_LICENSED 20 /* score bonus: hunspell flags allow it */
#endif
#ifndef STEM_RULES_UNLICENSED
/* score malus: flagged root, not this affix */
#define STEM_RULES_UNLICENSED 15
#endif
#ifndef STEM_RULES_BARE
#define STEM_RULES_BARE 40 /* malus: flagged root, bare suffix not allowed */
#endif
#ifndef STEM_RULES_FREQ_W
#define STEM_RULES_FREQ_W 4 /* score per news frequency class of the root */
#endif
#ifndef STEM_RULES_STACK
#define STEM_RULES_STACK 20 /* malus per prefix beyond the first */
#endif
#ifndef STEM_RULES_IMPER
#define STEM_RULES_IMPER 15 /* malus: bare -kan/-i (imperative) */
#endif
#ifndef STEM_RULES_LISTED
/* bonus: hunspell lists the bare -kan/-i form itself ("beri" k0) */
#define STEM_RULES_LISTED 10
#endif
#ifndef STEM_RULES_DERIVED_MALUS
#define STEM_RULES_DERIVED_MALUS 30 /* malus: root is a derived entry */
#endif
#ifndef STEM_RULES_DERIVED_PFX
#define STEM_RULES_DERIVED_PFX 60 /* more malus: entry is prefix + root */
#endif
#ifndef STEM_RULES_ALLOMORPH
#define STEM_RULES_ALLOMORPH 20 /* bonus: bel-/pel- before "ajar" */
#endif
/* the root takes -an in a confix (ber-an ke-an peN-an per-an) */
#define STEM_RULES_CONFIX_AN                                                   \
    (DICT_LIC(DICT_FAM_BER, DICT_SFX_AN) |                                     \
     DICT_LIC(DICT_FAM_KE, DICT_SFX_AN) | DICT_LIC(DICT_FAM_PE, DICT_SFX_AN) | \
     DICT_LIC(DICT_FAM_PER, DICT_SFX_AN))
#define STEM_RULES_MIN_ROOT 3  /* bytes; shorter roots are hunspell noise */
#define STEM_RULES_MAX_ALT  12 /* remainders the prefix rules can yield */

enum stem_rules_pfx {
    STEM_PFX_DI,
    STEM_PFX_KE,
    STEM_PFX_SE,
    STEM_PFX_BER,
    STEM_PFX_TER,
    STEM_PFX_PER,
    STEM_PFX_ME,
    STEM_PFX_PE,
    STEM_PFX_KU,
    STEM_PFX_NGE, /* colloquial nasal: "ngebantu", "nyuruh" */
    STEM_PFX_BEL, /* ber- before "ajar" */
    STEM_PFX_PEL  /* peN- before "ajar" */
};

enum stem_rules_sfx { STEM_SFX_NONE, STEM_SFX_KAN, STEM_SFX_AN, STEM_SFX_I };

/* One way to strip a prefix: root = lead + s[cut..]. */
struct stem_rules_alt {
    int pfx;      /* enum stem_rules_pfx */
    size_t cut;   /* bytes of s removed */
    char lead[3]; /* restored root onset ("p" for mem- + vowel), NUL-ended */
};

/* The analysis being built and the best one so far. */
struct stem_rules_ctx {
    int informal;                /* colloquial rules allowed */
    int pfx[STEM_RULES_MAX_PFX]; /* stripped prefixes, outermost first */
    int npfx;
    int recoded;       /* prefixes that restored an onset */
    int allomorph;     /* bel-/pel- used (best analysis) */
    int sfx;           /* enum stem_rules_sfx */
    int ninfl;         /* particles and possessives stripped */
    int found;         /* best[] holds a root */
    int best_licensed; /* hunspell's flags derive it exactly */
    int best_npfx;     /* prefixes of the best analysis */
    int best_sfx;      /* and its derivational suffix */
    int best_score;
    size_t best_len;
    char best[STEM_RULES_MAX];
};

static int
stem_rules_vowel(char c)
{
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

static int
stem_rules_starts(const char *s, size_t n, const char *p)
{
    size_t k = strlen(p);
    return n >= k && memcmp(s, p, k) == 0;
}

static int
stem_rules_ends(const char *s, size_t n, const char *p)
{
    size_t k = strlen(p);
    return n >= k && memcmp(s + n - k, p, k) == 0;
}

static void
stem_rules_alt_add(struct stem_rules_alt *a, int *na, int pfx, size_t cut,
                   const char *lead)
{
    if (*na >= STEM_RULES_MAX_ALT) return;
    a[*na].pfx = pfx;
    a[*na].cut = cut;
    strcpy(a[*na].lead, lead);
    (*na)++;
}

/*
 * Nasal prefix meN-/peN- ("me"/"pe" in base), with the root onset the
 * nasal replaced: mem- + vowel may hide p, men- t, meng- k, meny- s.
 */
static void
stem_rules_nasal(const char *s, size_t n, int pfx, struct stem_rules_alt *a,
                 int *na)
{
    char c2 = n > 2 ? s[2] : 0, c3 = n > 3 ? s[3] : 0, c4 = n > 4 ? s[4] : 0;
    char c5 = n > 5 ? s[5] : 0;

    /* meN- before l r w y is plain me-: "melipat" -> "lipat" */
    if (strchr("lrwy", c2) && c2 && stem_rules_vowel(c3))
        stem_rules_alt_add(a, na, pfx, 2, "");
    if (c2 == 'm') {
        /* mem- + b f v p: "membaca" -> "baca", "memvonis" -> "vonis" */
        if (c3 && strchr("bfvp", c3)) stem_rules_alt_add(a, na, pfx, 3, "");
        /* mem- + vowel: m-root "memakan" or p-root "memukul" -> "pukul";
         * also mem- + r + vowel: "memrakarsai" -> "prakarsa" */
        if (stem_rules_vowel(c3) || (c3 == 'r' && stem_rules_vowel(c4))) {
            stem_rules_alt_add(a, na, pfx, 3, "m");
            stem_rules_alt_add(a, na, pfx, 3, "p");
        }
    } else if (c2 == 'n' && c3 == 'g') {
        /* meng- + g h q k x: "menggali" -> "gali", "mengkritik" */
        if (c4 && strchr("ghqkx", c4)) stem_rules_alt_add(a, na, pfx, 4, "");
        /* meng- + vowel: vowel root "mengambil" or k-root "mengikis" */
        if (stem_rules_vowel(c4)) {
            stem_rules_alt_add(a, na, pfx, 4, "");
            stem_rules_alt_add(a, na, pfx, 4, "k");
            /* me- + ng-root: "menganga" -> "nganga" */
            stem_rules_alt_add(a, na, pfx, 2, "");
        }
        /* menge- before a one-syllable root: "mengebom" -> "bom" */
        if (c4 == 'e' && c5 && !stem_rules_vowel(c5))
            stem_rules_alt_add(a, na, pfx, 5, "");
    } else if (c2 == 'n' && c3 == 'y') {
        /* meny- + vowel: s-root "menyebut" or ny-root "menyanyi" */
        if (stem_rules_vowel(c4)) {
            stem_rules_alt_add(a, na, pfx, 4, "s");
            stem_rules_alt_add(a, na, pfx, 2, "");
        }
    } else if (c2 == 'n') {
        /* men- + c d j s t z: "mencari" -> "cari", "mensyukuri" */
        if (c3 && strchr("cdjstz", c3)) stem_rules_alt_add(a, na, pfx, 3, "");
        /* men- + vowel: t-root "menulis" -> "tulis" or n-root "menanti" */
        if (stem_rules_vowel(c3)) {
            stem_rules_alt_add(a, na, pfx, 3, "t");
            stem_rules_alt_add(a, na, pfx, 2, "");
        }
    }
}

/* ber-/ter-/per- ("xer" = s[0..3)), with r-dropping before r-roots. */
static void
stem_rules_er(const char *s, size_t n, int pfx, struct stem_rules_alt *a,
              int *na)
{
    char c3 = n > 3 ? s[3] : 0, c4 = n > 4 ? s[4] : 0, c5 = n > 5 ? s[5] : 0;

    if (s[2] == 'r' && stem_rules_vowel(c3)) {
        /* ber- + vowel: "berambut" -> "rambut" or "berawal" -> "awal" */
        stem_rules_alt_add(a, na, pfx, 3, "");
        stem_rules_alt_add(a, na, pfx, 3, "r");
    } else if (s[2] == 'r' && c3) {
        /* ber- + consonant: "bermain" -> "main" */
        stem_rules_alt_add(a, na, pfx, 3, "");
    } else if (s[2] != 'r' && !stem_rules_vowel(s[2]) && c3 == 'e' &&
               c4 == 'r' && c5) {
        /* be-/te- before a root with -er-: "bekerja" -> "kerja" */
        stem_rules_alt_add(a, na, pfx, 2, "");
    }
}

/* pe-/per-/peN-: "petani" -> "tani", "perbaiki", "pemukul" -> "pukul" */
static void
stem_rules_pe(const char *s, size_t n, struct stem_rules_alt *a, int *na)
{
    char c2 = s[2];

    if (c2 == 'r' || (s[3] == 'e' && n > 4 && s[4] == 'r'))
        stem_rules_er(s, n, STEM_PFX_PER, a, na);
    stem_rules_nasal(s, n, STEM_PFX_PE, a, na);
    /* plain pe- before most consonants: "pedagang" -> "dagang" */
    if (!stem_rules_vowel(c2) && !strchr("rwylmn", c2))
        stem_rules_alt_add(a, na, STEM_PFX_PE, 2, "");
}

/*
 * Jakarta colloquial nasal prefixes, tried only when the standard rules
 * find nothing: "ngebantu" -> "bantu", "ngamuk" -> "amuk", "nyuruh" ->
 * "suruh", "nuduh" -> "tuduh", "ngadepin" -> "hadap".
 */
static void
stem_rules_colloquial(const char *s, size_t n, struct stem_rules_alt *a,
                      int *na)
{
    if (s[0] == 'n' && s[1] == 'g' && s[2] == 'e' && !stem_rules_vowel(s[3]))
        stem_rules_alt_add(a, na, STEM_PFX_NGE, 3, "");
    if (s[0] == 'n' && s[1] == 'g' && stem_rules_vowel(s[2])) {
        stem_rules_alt_add(a, na, STEM_PFX_NGE, 2, "");
        stem_rules_alt_add(a, na, STEM_PFX_NGE, 2, "k");
        stem_rules_alt_add(a, na, STEM_PFX_NGE, 2, "h");
    } else if (s[0] == 'n' && s[1] == 'y' && stem_rules_vowel(s[2])) {
        stem_rules_alt_add(a, na, STEM_PFX_NGE, 2, "s");
        stem_rules_alt_add(a, na, STEM_PFX_NGE, 2, "c");
    } else if (s[0] == 'n' && stem_rules_vowel(s[1])) {
        stem_rules_alt_add(a, na, STEM_PFX_NGE, 1, "t");
    } else if (s[0] == 'm' && stem_rules_vowel(s[1])) {
        stem_rules_alt_add(a, na, STEM_PFX_NGE, 1, "p");
    }
    (void)n;
}

/* Every prefix s can start with, as remainders to look up. */
static int
stem_rules_alts(const char *s, size_t n, int informal, struct stem_rules_alt *a)
{
    int na = 0;

    if (n < 4) return 0;
    if (s[0] == 'd' && s[1] == 'i')
        stem_rules_alt_add(a, &na, STEM_PFX_DI, 2, "");
    else if (s[0] == 'k' && s[1] == 'e')
        stem_rules_alt_add(a, &na, STEM_PFX_KE, 2, "");
    else if (s[0] == 's' && s[1] == 'e')
        stem_rules_alt_add(a, &na, STEM_PFX_SE, 2, "");
    else if (s[0] == 'b' && s[1] == 'e')
        stem_rules_er(s, n, STEM_PFX_BER, a, &na);
    else if (s[0] == 't' && s[1] == 'e')
        stem_rules_er(s, n, STEM_PFX_TER, a, &na);
    else if (s[0] == 'm' && s[1] == 'e')
        stem_rules_nasal(s, n, STEM_PFX_ME, a, &na);
    else if (s[0] == 'p' && s[1] == 'e')
        stem_rules_pe(s, n, a, &na);
    else if (s[0] == 'k' && s[1] == 'a' && s[2] == 'u')
        stem_rules_alt_add(a, &na, STEM_PFX_KU, 3, ""); /* "kaubeli" */
    else if (s[0] == 'k' && s[1] == 'u')
        stem_rules_alt_add(a, &na, STEM_PFX_KU, 2, ""); /* "kubeli" */
    if (informal) stem_rules_colloquial(s, n, a, &na);
    /* be-/pe- + l before "ajar": "belajar" -> "ajar" (KBBI allomorph) */
    if (stem_rules_starts(s + 1, n - 1, "elajar") &&
        (s[0] == 'b' || s[0] == 'p'))
        stem_rules_alt_add(a, &na, s[0] == 'b' ? STEM_PFX_BEL : STEM_PFX_PEL, 3,
                           "");
    return na;
}

/*
 * Prefixes stack outside-in as di-/meN-/ku- (outermost only), then
 * per-/ber-/ter-/ke-/se-/peN-: "diperbaiki", "memberdayakan",
 * "keberhasilan", "kepemimpinan".  No prefix twice in a row.
 */
static int
stem_rules_chain_ok(const struct stem_rules_ctx *c, int pfx)
{
    if (c->npfx == 0) return 1;
    if (pfx == STEM_PFX_DI || pfx == STEM_PFX_ME || pfx == STEM_PFX_KU ||
        pfx == STEM_PFX_NGE)
        return 0;
    return pfx != c->pfx[c->npfx - 1];
}

/*
 * Confixes Indonesian does not form (ECS): be-...-i, di-...-an, ke-...-i,
 * ke-...-kan, me-...-an, se-...-i, se-...-kan, ter-...-an.
 */
static int
stem_rules_confix_bad(int pfx, int sfx)
{
    switch (pfx) {
    case STEM_PFX_BER:
        return sfx == STEM_SFX_I;
    case STEM_PFX_DI:
        return sfx == STEM_SFX_AN;
    case STEM_PFX_KE:
        return sfx == STEM_SFX_I || sfx == STEM_SFX_KAN;
    case STEM_PFX_ME:
        return sfx == STEM_SFX_AN;
    case STEM_PFX_SE:
        return sfx == STEM_SFX_I || sfx == STEM_SFX_KAN;
    case STEM_PFX_TER:
        return sfx == STEM_SFX_AN;
    default:
        return 0;
    }
}

/* hunspell-id's flag family of an analysis' outermost prefix. */
static int
stem_rules_family(const struct stem_rules_ctx *c)
{
    static const int fam[] = {
        [STEM_PFX_DI] = DICT_FAM_DI,   [STEM_PFX_KE] = DICT_FAM_KE,
        [STEM_PFX_SE] = DICT_FAM_SE,   [STEM_PFX_BER] = DICT_FAM_BER,
        [STEM_PFX_TER] = DICT_FAM_TER, [STEM_PFX_PER] = DICT_FAM_PER,
        [STEM_PFX_ME] = DICT_FAM_ME,   [STEM_PFX_PE] = DICT_FAM_PE,
        [STEM_PFX_KU] = DICT_FAM_KU,   [STEM_PFX_NGE] = DICT_FAM_ME,
        [STEM_PFX_BEL] = DICT_FAM_BER, [STEM_PFX_PEL] = DICT_FAM_PE,
    };
    return c->npfx > 0 ? fam[c->pfx[0]] : DICT_FAM_NONE;
}

/* The analysis' derivational suffix as a DICT_SFX_* value. */
static int
stem_rules_dict_sfx(const struct stem_rules_ctx *c)
{
    switch (c->sfx) {
    case STEM_SFX_KAN:
        return DICT_SFX_KAN;
    case STEM_SFX_AN:
        return DICT_SFX_AN;
    case STEM_SFX_I:
        return DICT_SFX_I;
    default:
        return DICT_SFX_NONE;
    }
}

/*
 * Licence bits that allow family fam with suffix sfx.  A bare -kan is the
 * imperative of the meN- verb ("belikan!" of "membelikan"), which
 * hunspell-id does not list apart: the meN-...-kan licence covers it.  Not
 * so for -i: bare -i words are mostly nouns and Arabic adjectives
 * ("gulai", "badani"), not imperatives.
 */
static uint64_t
stem_rules_lic(int fam, int sfx)
{
    uint64_t lic = DICT_LIC(fam, sfx);

    if (fam == DICT_FAM_NONE && sfx == DICT_SFX_KAN)
        lic |= DICT_LIC(DICT_FAM_ME, DICT_SFX_KAN);

    return lic;
}

/*
 * Higher is better: long roots, frequent roots, few and plausible affixes,
 * and above all affixes the dictionary says the root takes ("gerak" takes
 * -an, "gera" no -kan).
 */
static int
stem_rules_score(const struct stem_rules_ctx *c, size_t len, uint64_t bits)
{
    int sc = (int)len * 10 + (int)DICT_FREQ(bits) * STEM_RULES_FREQ_W;
    int fam = stem_rules_family(c), sfx = stem_rules_dict_sfx(c);

    sc -= 2 * (c->npfx + (c->sfx != STEM_SFX_NONE) + c->ninfl);
    /* stacked prefixes are rarer than one: "bersedia" is ber- + "sedia" */
    if (c->npfx > 1) sc -= STEM_RULES_STACK * (c->npfx - 1);
    sc -= c->recoded;
    /* an entry hunspell itself derives ("biarkan") is a poor stopping
     * point: "dibiarkan" -> "biar" */
    if (bits & DICT_DERIVED) sc -= STEM_RULES_DERIVED_MALUS;
    /* a prefixed entry ("pelajar") can always be taken apart further by
     * the prefix recursion ("mempelajari" -> me- + pel- + "ajar" + -i), so
     * it is a stopping point only when nothing else is left; a suffixed one
     * ("abadi") may be the only stop ("keabadian": no -i + -an) */
    if (bits & DICT_DERIVED_PFX) sc -= STEM_RULES_DERIVED_PFX;
    /* hunspell-id's flags license one prefix (or a circumfix) per root;
     * stacked prefixes ("me-" + "per-") are not checked */
    if ((bits & DICT_AFFIXED) && c->npfx <= 1 &&
        (c->npfx > 0 || c->sfx != STEM_SFX_NONE)) {
        if (bits & stem_rules_lic(fam, sfx))
            sc += STEM_RULES_LICENSED;
        else if (c->npfx == 0 &&
                 !(sfx == DICT_SFX_AN && (bits & STEM_RULES_CONFIX_AN)))
            sc -= STEM_RULES_BARE; /* "bali" is not "bal" + -i */
        else
            sc -= STEM_RULES_UNLICENSED;
    }

    if (c->npfx > 0 && stem_rules_confix_bad(c->pfx[0], c->sfx)) sc -= 100;
    /* KBBI's bel-/pel- allomorph is the grammar's own analysis of
     * "belajar", "pelajar", "mempelajari": it beats pe- + the rare
     * homograph "lajar" that hunspell-id also lists */
    for (int i = 0; i < c->npfx; i++)
        if (c->pfx[i] == STEM_PFX_BEL || c->pfx[i] == STEM_PFX_PEL)
            sc += STEM_RULES_ALLOMORPH;
    /* bare -kan/-i is an imperative; -an nouns are far more common:
     * "gerakan" is "gerak" + -an, not "gera" + -kan.  Unless hunspell-id
     * lists the bare form itself (flags k0, i0: "beri" -> "berikan"): then
     * it is a word of its own, the object-focus verb of news ("yang kami
     * berikan"), and, as Nazief-Adriani's suffix-first order has it, it
     * beats a prefix analysis of the same length ("ber-" + "ikan") */
    if (c->npfx == 0 && (c->sfx == STEM_SFX_KAN || c->sfx == STEM_SFX_I)) {
        if (bits & DICT_LIC(DICT_FAM_NONE, sfx))
            sc += STEM_RULES_LISTED;
        else
            sc -= STEM_RULES_IMPER;
    }
    return sc;
}

/*
 * Colloquial vowel shift in the last syllable: "temen" -> "teman",
 * "nyimpen" -> "simpan", "tuker" -> "tukar".  Rewrites s in place.
 */
static uint64_t
stem_rules_try_shift(char *s, size_t n)
{
    size_t i = n;

    while (i > 0 && !stem_rules_vowel(s[i - 1]))
        i--;
    if (i < 2 || i == n || s[i - 1] != 'e') return 0;
    s[i - 1] = 'a';
    return dict_get(s, n);
}

/*
 * Colloquial schwa loss before r/l: "sebrang" -> "seberang", "prempuan"
 * -> "perempuan".  Puts the e back at the first consonant + r/l cluster;
 * writes the candidate to out (room for *n + 1 bytes) and bumps *n on a hit.
 */
static uint64_t
stem_rules_try_schwa(char *out, const char *s, size_t *n)
{
    uint64_t bits;
    size_t i;

    for (i = 0; i + 1 < *n; i++)
        if (!stem_rules_vowel(s[i]) && s[i] != 'r' && s[i] != 'l' &&
            (s[i + 1] == 'r' || s[i + 1] == 'l'))
            break;
    if (i + 1 >= *n) return 0;
    memcpy(out, s, i + 1);
    out[i + 1] = 'e';
    memcpy(out + i + 2, s + i + 1, *n - i - 1);
    bits = dict_get(out, *n + 1);
    if (bits != 0) (*n)++;
    return bits;
}

/* Roots an analysis may end in at all. */
static int
stem_rules_root_ok(const struct stem_rules_ctx *c, size_t n, uint64_t bits)
{
    if (n < STEM_RULES_MIN_ROOT) return 0;
    /* three-letter entries without affix flags are mostly names and
     * abbreviations: "peter" is not pe- + "ter", "milan" not "mil" + -an */
    if (n == STEM_RULES_MIN_ROOT && !(bits & (DICT_AFFIXED | DICT_EXTRA)) &&
        (c->npfx > 0 || c->sfx != STEM_SFX_NONE))
        return 0;
    /* colloquial nasal only on roots that take meN-: "nyuruh" -> "suruh",
     * but "mike" is no "pike" */
    if (c->npfx > 0 && c->pfx[0] == STEM_PFX_NGE &&
        !(bits & (DICT_LIC(DICT_FAM_ME, 0) | DICT_LIC(DICT_FAM_ME, 1) |
                  DICT_LIC(DICT_FAM_ME, 2) | DICT_LIC(DICT_FAM_ME, 3))))
        return 0;
    return 1;
}

static void
stem_rules_try(struct stem_rules_ctx *c, const char *s, size_t n)
{
    uint64_t bits = dict_get(s, n);
    char tmp[STEM_RULES_MAX];
    int sc;

    if (bits == 0 && c->informal && n < sizeof(tmp)) {
        memcpy(tmp, s, n);
        bits = stem_rules_try_shift(tmp, n);
        if (bits == 0) bits = stem_rules_try_schwa(tmp, s, &n);
        s = tmp;
    }
    if (bits == 0 || !stem_rules_root_ok(c, n, bits)) return;
    sc = stem_rules_score(c, n, bits);
    if (c->found && sc <= c->best_score) return;
    c->found = 1;
    c->best_licensed = c->npfx <= 1 && (bits & DICT_AFFIXED) &&
                       (bits & stem_rules_lic(stem_rules_family(c),
                                              stem_rules_dict_sfx(c)));
    c->best_score = sc;
    c->best_npfx = c->npfx;
    c->allomorph = 0;
    for (int i = 0; i < c->npfx; i++)
        c->allomorph |= c->pfx[i] == STEM_PFX_BEL || c->pfx[i] == STEM_PFX_PEL;
    c->best_sfx = c->sfx;
    c->best_len = n;
    memcpy(c->best, s, n);
}

static void
stem_rules_prefix(struct stem_rules_ctx *c, const char *s, size_t n)
{
    struct stem_rules_alt a[STEM_RULES_MAX_ALT];
    char buf[STEM_RULES_MAX];
    int na;

    if (c->npfx > 0 || c->sfx != STEM_SFX_NONE || c->ninfl > 0)
        stem_rules_try(c, s, n);
    if (c->npfx == STEM_RULES_MAX_PFX) return;
    na = stem_rules_alts(s, n, c->informal && c->npfx == 0, a);
    for (int i = 0; i < na; i++) {
        size_t ll = strlen(a[i].lead), len = ll + n - a[i].cut;
        if (!stem_rules_chain_ok(c, a[i].pfx) || len < 2 || len > sizeof(buf))
            continue;
        memcpy(buf, a[i].lead, ll);
        memcpy(buf + ll, s + a[i].cut, n - a[i].cut);
        c->pfx[c->npfx++] = a[i].pfx;
        c->recoded += ll > 0;
        stem_rules_prefix(c, buf, len);
        c->recoded -= ll > 0;
        c->npfx--;
    }
}

static const char *const stem_rules_particles[] = {"", "lah", "kah", "tah",
                                                   "pun"};
static const char *const stem_rules_possessives[] = {"", "ku", "mu", "nya"};
static const struct {
    const char *s;
    int sfx;      /* enum stem_rules_sfx */
    int informal; /* colloquial only */
} stem_rules_derivs[] = {
    {"", STEM_SFX_NONE, 0},
    {"kan", STEM_SFX_KAN, 0},
    {"an", STEM_SFX_AN, 0},
    {"i", STEM_SFX_I, 0},
    /* Jakarta -in for -kan/-i: "gangguin" -> "ganggu" */
    {"in", STEM_SFX_KAN, 1},
};

#define STEM_RULES_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Peels particle, possessive and derivational suffix, outermost first. */
static void
stem_rules_suffixes(struct stem_rules_ctx *c, const char *w, size_t n)
{
    for (size_t p = 0; p < STEM_RULES_COUNT(stem_rules_particles); p++) {
        const char *ps = stem_rules_particles[p];
        size_t n1 = n - strlen(ps);
        if (!stem_rules_ends(w, n, ps)) continue;
        for (size_t o = 0; o < STEM_RULES_COUNT(stem_rules_possessives); o++) {
            const char *os = stem_rules_possessives[o];
            size_t n2 = n1 - strlen(os);
            if (!stem_rules_ends(w, n1, os)) continue;
            for (size_t d = 0; d < STEM_RULES_COUNT(stem_rules_derivs); d++) {
                const char *ds = stem_rules_derivs[d].s;
                if ((stem_rules_derivs[d].informal && !c->informal) ||
                    !stem_rules_ends(w, n2, ds) || n2 - strlen(ds) < 2)
                    continue;
                c->sfx = stem_rules_derivs[d].sfx;
                c->ninfl = (p > 0) + (o > 0);
                stem_rules_prefix(c, w, n2 - strlen(ds));
            }
        }
    }
}

/* Best analysis of w[0..n) other than w itself; 0 if there is none. */
static int
stem_rules_analyse(struct stem_rules_ctx *c, const char *w, size_t n)
{
    memset(c, 0, sizeof(*c));
    stem_rules_suffixes(c, w, n);
    if (!c->found) {
        c->informal = 1;
        stem_rules_suffixes(c, w, n);
    }
    return c->found;
}

size_t
stem_rules_word(const char *w, size_t n, char *out)
{
    struct stem_rules_ctx c;
    uint64_t bits;

    if (n > STEM_RULES_MAX) n = STEM_RULES_MAX;
    bits = dict_get(w, n);
    if ((bits != 0 && !(bits & DICT_DERIVED)) ||
        !stem_rules_analyse(&c, w, n)) {
        memcpy(out, w, n);
        return n;
    }
    memcpy(out, c.best, c.best_len);
    return c.best_len;
}

struct stem_rules_derived {
    size_t *slots;  /* entries found to be affixed forms */
    uint64_t *bits; /* DICT_DERIVED bits to set on slots[i] */
    size_t n, cap;
    int failed; /* out of memory: the list is incomplete */
};

static int stem_rules_derive_oom; /* set once, by stem_rules_derive() */

/*
 * A flagless entry that is root + -an ("besaran"), where the root takes -an
 * in a confix and news uses the bare root more often than the entry: an -an
 * noun hunspell-id lists without relating it to its root.  Roots without an
 * -an confix ("rambut": "rambutan") or rarer than the entry stay apart.
 */
static int
stem_rules_an_entry(const struct stem_rules_ctx *c, uint64_t bits)
{
    uint64_t root;

    if (c->best_npfx > 0 || c->best_sfx != STEM_SFX_AN || (bits & DICT_AFFIXED))
        return 0;
    root = dict_get(c->best, c->best_len);
    return (root & STEM_RULES_CONFIX_AN) && DICT_FREQ(root) > DICT_FREQ(bits);
}

static void
stem_rules_derive_cb(void *ctx, size_t slot, const char *w, size_t n,
                     uint64_t bits)
{
    struct stem_rules_derived *d = ctx;
    struct stem_rules_ctx c;

    if ((bits & DICT_EXTRA) || n > STEM_RULES_MAX ||
        !stem_rules_analyse(&c, w, n) || c.informal ||
        !(c.best_licensed || c.allomorph || stem_rules_an_entry(&c, bits)))
        return;
    /* root + suffix entries ("biarkan", "kuningan") are derived; prefixed
     * entries are mostly lexicalised ("pertanda", "mereka") except the
     * bel-/pel- allomorph, which only ever forms "belajar"/"pelajar" */
    if ((c.best_npfx > 0 || c.best_sfx == STEM_SFX_NONE) && !c.allomorph)
        return;
    if (d->failed) return;
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 1024;
        size_t *p = realloc(d->slots, cap * sizeof(*p));
        uint64_t *b;
        if (p == NULL) {
            d->failed = 1;
            return;
        }
        d->slots = p;
        b = realloc(d->bits, cap * sizeof(*b));
        if (b == NULL) {
            d->failed = 1;
            return;
        }
        d->bits = b;
        d->cap = cap;
    }
    d->bits[d->n] = DICT_DERIVED | (c.best_npfx > 0 ? DICT_DERIVED_PFX : 0);
    d->slots[d->n++] = slot;
}

void
stem_rules_derive(void)
{
    struct stem_rules_derived d = {0};

    dict_foreach(stem_rules_derive_cb, &d);
    for (size_t i = 0; i < d.n && !d.failed; i++)
        dict_mark(d.slots[i], d.bits[i]);
    stem_rules_derive_oom = d.failed;
    free(d.slots);
    free(d.bits);
}

int
stem_rules_derive_failed(void)
{
    return stem_rules_derive_oom;
}
