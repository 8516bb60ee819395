/*
 * test_stem.c - the Indonesian stemmer, one case per rule family with our
 * own example words (none taken from the gold sets), plus hostile input and
 * cache on/off agreement.  Needs hunspell-id (or CARID_DICT).
 */
#include <stdio.h>
#include <string.h>

#include "stem.h"
#include "tap.h"

static struct stemmer *test_stem_s; /* shared by all cases, cache on */

/* Checks that each "word root" pair of a NULL-ended list stems right. */
static void
test_stem_pairs(const char *const *pairs)
{
    char out[256], what[160];

    for (; pairs[0] != NULL; pairs += 2) {
        size_t n = stemmer_stem(test_stem_s, pairs[0], strlen(pairs[0]), out,
                                sizeof(out));
        snprintf(what, sizeof(what), "%s -> %s (got %.*s)", pairs[0],
                 pairs[1], (int)n, out);
        ok(n == strlen(pairs[1]) && memcmp(out, pairs[1], n) == 0, what);
    }
}

static void
test_stem_particles(void)
{
    static const char *const p[] = {"bukukah", "buku", "pergilah", "pergi",
                                    "kamipun", "kami", NULL};
    test_stem_pairs(p);
}

static void
test_stem_possessives(void)
{
    static const char *const p[] = {"rumahku", "rumah", "mobilmu", "mobil",
                                    "sepatunya", "sepatu", "kursinya",
                                    "kursi", NULL};
    test_stem_pairs(p);
}

static void
test_stem_suffixes(void)
{
    /* -an, -kan, -i; "gerakan" is gerak + -an, not gera + -kan */
    static const char *const p[] = {"lukisan", "lukis", "tuliskan", "tulis",
                                    "datangi", "datang", "gerakan", "gerak",
                                    NULL};
    test_stem_pairs(p);
}

static void
test_stem_prefixes(void)
{
    static const char *const p[] = {
        "dipukul", "pukul",     "sebotol", "botol",    "berkuda", "kuda",
        "bekerja", "kerja",     "tertidur", "tidur",   "tepercaya", "percaya",
        "perbesar", "besar",    "petinju", "tinju",    "kaubeli", "beli",
        "kuambil", "ambil",     NULL};
    test_stem_pairs(p);
}

static void
test_stem_nasal(void)
{
    static const char *const p[] = {
        "menyisir", "sisir",    /* meny- + s */
        "mengupas", "kupas",    /* meng- + k */
        "mengambil", "ambil",   /* meng- + vowel */
        "mengarang", "karang",  /* meng- + k beats meng- + "arang" */
        "memotong", "potong",   /* mem- + p */
        "membakar", "bakar",    /* mem- + b */
        "menukar", "tukar",     /* men- + t */
        "mendengar", "dengar",  /* men- + d */
        "mencium", "cium",      /* men- + c */
        "menjahit", "jahit",    /* men- + j */
        "mengecat", "cat",      /* menge- + one syllable */
        "pengebom", "bom",      /* penge- + one syllable */
        "penyapu", "sapu",      /* peny- + s */
        "pengupas", "kupas",    /* peng- + k */
        "pembeli", "beli",      /* pem- + b */
        NULL};
    test_stem_pairs(p);
}

static void
test_stem_confixes(void)
{
    static const char *const p[] = {
        "kehujanan", "hujan",  "kebersihan", "bersih", "perjumpaan", "jumpa",
        "persatuan", "satu",   "perbaikan", "baik",    "memperluas", "luas",
        "diperbaiki", "baik",  "keberhasilan", "hasil", "memuaskan", "puas",
        NULL};
    test_stem_pairs(p);
}

static void
test_stem_precedence(void)
{
    /* ber-...-an, me-...-i, di-...-i, ter-...-i */
    static const char *const p[] = {"berjualan", "jual", "menangisi", "tangis",
                                    "dilempari", "lempar", "terlewati",
                                    "lewat", NULL};
    test_stem_pairs(p);
}

static void
test_stem_recoding(void)
{
    /* the nasal hides the root's first letter: t, p, t */
    static const char *const p[] = {"menarik", "tarik", "memakai", "pakai",
                                    "menanam", "tanam", NULL};
    test_stem_pairs(p);
}

static void
test_stem_short_roots(void)
{
    /* hunspell lists "te"; ber- + "temu" must win over ber- + te + -mu */
    static const char *const p[] = {"bertemu", "temu", NULL};
    test_stem_pairs(p);
}

static void
test_stem_reduplication(void)
{
    static const char *const p[] = {"anak-anak", "anak", "berlari-lari",
                                    "lari", "sayur-mayur", "sayur",
                                    "lauk-pauk", "lauk", "rumah-mu", "rumah",
                                    NULL};
    test_stem_pairs(p);
}

static void
test_stem_colloquial(void)
{
    static const char *const p[] = {"nyapu", "sapu", "bacain", "baca",
                                    "ngambil", "ambil", NULL};
    test_stem_pairs(p);
}

static void
test_stem_allomorph(void)
{
    /* bel-/pel- + "ajar" beats pe- + "lajar"; the entry "pelajar" is
     * taken apart further */
    static const char *const p[] = {"terpelajar", "ajar", "pelajarmu", "ajar",
                                    "membelajarkan", "ajar", NULL};
    test_stem_pairs(p);
}

static void
test_stem_imperative(void)
{
    /* bare -kan on a root hunspell-id licenses only as meN-...-kan */
    static const char *const p[] = {"masakkan", "masak", "jualkanlah", "jual",
                                    NULL};
    test_stem_pairs(p);
}

static void
test_stem_listed_kan(void)
{
    /* hunspell-id lists "beri" + bare -kan itself: the object-focus verb
     * beats ber- + "ikan" of the same length */
    static const char *const p[] = {"berikan", "beri", "berikanlah", "beri",
                                    "diberikan", "beri", NULL};
    test_stem_pairs(p);
}

static void
test_stem_names(void)
{
    /* names.txt: names the affix rules would turn into other words stay
     * whole, also as a half of a hyphenated word; a name that is a root
     * anyway ("bandung") and the common words around them are unchanged */
    static const char *const p[] = {
        "kediri",   "kediri",   "maluku",       "maluku",
        "megawati", "megawati", "bekasi",       "bekasi",
        "kuningan", "kuningan", "pemalang",     "pemalang",
        "mentawai", "mentawai", "pekalongan",   "pekalongan",
        "bandung",  "bandung",  "kediri-blitar", "kediri-blitar",
        "diri",     "diri",     "mengundurkan", "undur",
        "kekuningan", "kuning", "kisaran",      "kisar",
        NULL};
    test_stem_pairs(p);
}

static void
test_stem_an_nouns(void)
{
    /* flagless -an entry of a root with an -an confix, more frequent in
     * news; "rambut" has no -an confix, so "rambutan" stays */
    static const char *const p[] = {"jujuran", "jujur", "jujurannya", "jujur",
                                    "rambutan", "rambutan", NULL};
    test_stem_pairs(p);
}

static void
test_stem_schwa(void)
{
    /* colloquial schwa loss before r/l, e put back */
    static const char *const p[] = {"ngebrantas", "berantas", "ditrima",
                                    "terima", NULL};
    test_stem_pairs(p);
}

static void
test_stem_extra_roots(void)
{
    /* roots-extra.txt: regional and literary roots hunspell-id lacks */
    static const char *const p[] = {"kebonnya", "kebon", "menghenyakkan",
                                    "henyak", NULL};
    test_stem_pairs(p);
}

static void
test_stem_unknown(void)
{
    static const char *const p[] = {"xyzabc", "xyzabc", "peter", "peter",
                                    "2024", "2024", "caf\xc3\xa9", "caf\xc3\xa9",
                                    "meng", "meng", NULL};
    test_stem_pairs(p);
}

static void
test_stem_odd_input(void)
{
    static const char *const odd[] = {"-", "---", "a-", "-a", "a--b",
                                      "di",  "me", "kan", "x", "nya-nya-nya"};
    char big[300], out[512], tiny[3];
    size_t n;

    n = stemmer_stem(test_stem_s, "", 0, out, sizeof(out));
    ok(n == 0, "empty word gives empty stem");
    memset(big, 'a', sizeof(big));
    n = stemmer_stem(test_stem_s, big, sizeof(big), out, sizeof(out));
    ok(n <= sizeof(big), "300-byte word does not overflow");
    memcpy(big, "mem", 3);
    memcpy(big + sizeof(big) - 3, "kan", 3);
    n = stemmer_stem(test_stem_s, big, sizeof(big), out, sizeof(out));
    ok(n <= sizeof(big), "300-byte affixed word does not overflow");
    for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
        n = stemmer_stem(test_stem_s, odd[i], strlen(odd[i]), out,
                         sizeof(out));
        ok(n <= strlen(odd[i]) + 1, odd[i]);
    }
    n = stemmer_stem(test_stem_s, "memotong", 8, tiny, sizeof(tiny));
    ok(n == sizeof(tiny) && memcmp(tiny, "pot", 3) == 0,
       "output cut at cap bytes");
    n = stemmer_stem(test_stem_s, "\xff\xfe\x80", 3, out, sizeof(out));
    ok(n == 3 && memcmp(out, "\xff\xfe\x80", 3) == 0,
       "invalid UTF-8 comes back unchanged");
}

static void
test_stem_cache(void)
{
    static const char *const words[] = {
        "memotong", "pertemuan", "anak-anak", "xyzabc", "rumahku",
        "mengarang", "berlari-lari", "dipukul", "2024", "kehujanan"};
    char err[256], a[256], b[256];
    struct stemmer *off = stemmer_new(err, sizeof(err));
    int same = 1;

    ok(off != NULL && stemmer_set_cache(off, 0) == 0, "uncached stemmer");
    if (off == NULL)
        return;
    for (int round = 0; round < 2; round++) { /* 2nd round hits the cache */
        for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
            size_t n = strlen(words[i]);
            size_t x = stemmer_stem(test_stem_s, words[i], n, a, sizeof(a));
            size_t y = stemmer_stem(off, words[i], n, b, sizeof(b));
            same &= x == y && memcmp(a, b, x) == 0;
        }
    }
    ok(same, "cache on and off give the same stems");
    /* 40,000 made-up affixed words, twice: the cache grows from 4,096
     * slots to its whole size on the way, keeping what it holds */
    same = 1;
    for (int round = 0; round < 2; round++) {
        for (int i = 0; i < 40000; i++) {
            static const char *const pre[] = {"me", "ber", "di", "pe", ""};
            static const char *const suf[] = {"kan", "an", "i", "nya", ""};
            char w[64];
            int n = snprintf(w, sizeof w, "%srumah%c%c%s", pre[i % 5],
                             'a' + i / 26 % 26, 'a' + i % 26, suf[i / 5 % 5]);
            size_t x = stemmer_stem(test_stem_s, w, (size_t)n, a, sizeof(a));
            size_t y = stemmer_stem(off, w, (size_t)n, b, sizeof(b));

            same &= x == y && memcmp(a, b, x) == 0;
        }
    }
    ok(same, "and the same while the cache grows (40,000 words)");
    stemmer_free(off);
}

static void
test_stem_stopwords(void)
{
    ok(stem_is_stopword("yang", 4), "yang is a stopword");
    ok(stem_is_stopword("dan", 3), "dan is a stopword");
    ok(!stem_is_stopword("rumah", 5), "rumah is not a stopword");
    ok(!stem_is_stopword("", 0), "empty is not a stopword");
}

static void
test_stem_missing_dict(void)
{
    /* the dictionary loads once per process, so only the happy path can be
     * checked here; a missing file is covered by carid-stem in ctest */
    char err[256] = "";
    struct stemmer *s = stemmer_new(err, sizeof(err));

    ok(s != NULL && err[0] == '\0', "second stemmer shares the dictionary");
    stemmer_free(s);
}

static const struct tap_case test_stem_cases[] = {
    {"particles", test_stem_particles},
    {"possessives", test_stem_possessives},
    {"suffixes", test_stem_suffixes},
    {"prefixes", test_stem_prefixes},
    {"nasal substitution", test_stem_nasal},
    {"confixes", test_stem_confixes},
    {"precedence", test_stem_precedence},
    {"recoding", test_stem_recoding},
    {"short roots", test_stem_short_roots},
    {"reduplication", test_stem_reduplication},
    {"colloquial", test_stem_colloquial},
    {"bel-/pel- allomorph", test_stem_allomorph},
    {"imperative -kan", test_stem_imperative},
    {"listed bare -kan", test_stem_listed_kan},
    {"names", test_stem_names},
    {"-an nouns", test_stem_an_nouns},
    {"colloquial schwa loss", test_stem_schwa},
    {"extra roots", test_stem_extra_roots},
    {"unknown words", test_stem_unknown},
    {"odd input", test_stem_odd_input},
    {"cache", test_stem_cache},
    {"stopwords", test_stem_stopwords},
    {"dictionary", test_stem_missing_dict},
    {NULL, NULL},
};

int
main(void)
{
    char err[256];
    int rc;

    test_stem_s = stemmer_new(err, sizeof(err));
    if (test_stem_s == NULL) {
        printf("Bail out! %s\n", err);
        return 1;
    }
    rc = tap_main(test_stem_cases);
    stemmer_free(test_stem_s);
    return rc;
}
