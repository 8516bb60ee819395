/*
 * test_spell_forms.c - the symmetric-delete index of long words
 * (spell_forms.h): every word within two edits of a query word is found,
 * and nothing further, against a brute force over the whole set (the
 * test's own Indonesian words and misspellings of them); each word once,
 * with its stem and distance; words too short or not a-z are not kept;
 * one edit only with max 1; fn's nonzero stops the lookup.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edits.h"
#include "spell_forms.h"
#include "tap.h"

/* word, stem: as the index would stem them */
static const char *const test_words[][2] = {
    {"pemerintahan", "perintah"}, {"pemerintah", "perintah"},
    {"perintahkan", "perintah"},  {"kejaksaan", "jaksa"},
    {"kejaksaannya", "jaksa"},    {"pembangunan", "bangun"},
    {"membangun", "bangun"},      {"perusahaan", "usaha"},
    {"pengusaha", "usaha"},       {"kepolisian", "polisi"},
    {"masyarakat", "masyarakat"}, {"pertandingan", "tanding"},
    {"bertanding", "tanding"},    {"pengadilan", "adil"},
    {"keadilan", "adil"},         {"penyidikan", "sidik"},
    {"penyidik", "sidik"},        {"pendidikan", "didik"},
    {"kebudayaan", "budaya"},     {"pelabuhan", "labuh"},
    {"perbatasan", "batas"},      {"pembatasan", "batas"},
    {"kesehatan", "sehat"},       {"keselamatan", "selamat"},
    {"kebakaran", "bakar"},       {"kebanjiran", "banjir"},
    {"pemilihan", "pilih"},       {"pemilu", "pemilu"}, /* too short */
    {"Indonesia", "indonesia"},                         /* not a-z */
    {"perekonomian", "ekonomi"},  {"perkebunan", "kebun"},
    {"pertanian", "tani"},        {"perikanan", "ikan"},
    {"peternakan", "ternak"},     {"pariwisata", "wisata"},
    {"transportasi", "transportasi"},
};
#define TEST_NWORDS (sizeof test_words / sizeof test_words[0])

/* typed words: misspellings one and two edits away, and others */
static const char *const test_typed[] = {
    "pemerintaahn", "pemrintahn",   "pmerintahan",  "kejaksan",
    "kejaksanaan",  "kjeaksaan",    "pembagnunan",  "pembangnan",
    "perushaan",    "perusaahaan",  "keploisian",   "kepolisain",
    "masyrakt",     "masyaraakt",   "pertandinagn", "prtandngan",
    "pengadlian",   "penyidkian",   "pendidkan",    "kebudyaaan",
    "pelabuahn",    "perbatsaan",   "kesehtaan",    "keselamtan",
    "kebakarna",    "kebanjrian",   "pemlihan",     "perekonomain",
    "perkebnan",    "pertania",     "perikanna",    "peternkaan",
    "pariwsata",    "transportsai", "trasnportasi", "xyzxyzxyz",
    "abcdefghij",   "pemerintahan", "kepolisian",
};
#define TEST_NTYPED (sizeof test_typed / sizeof test_typed[0])

struct test_found {
    int dist[TEST_NWORDS]; /* -1: not found */
    int calls;
    int bad;       /* a stem not the word's */
    int stop_at;   /* return 1 on this call; 0 never */
};

static int
test_index_of(const char *w, size_t n)
{
    for (size_t i = 0; i < TEST_NWORDS; i++)
        if (strlen(test_words[i][0]) == n &&
            memcmp(test_words[i][0], w, n) == 0)
            return (int)i;
    return -1;
}

static int
test_cb(void *ctx, const char *w, size_t n, const char *stem,
        size_t stem_len, int distance)
{
    struct test_found *f = ctx;
    int i = test_index_of(w, n);

    f->calls++;
    if (i < 0 || strlen(test_words[i][1]) != stem_len ||
        memcmp(test_words[i][1], stem, stem_len) != 0 || f->dist[i] != -1)
        f->bad++;
    else
        f->dist[i] = distance;
    return f->stop_at != 0 && f->calls == f->stop_at;
}

static struct spell_forms *test_f;

static void
test_build(void)
{
    int rc = 0;

    test_f = spell_forms_new();
    ok(test_f != NULL, "new");
    for (size_t i = 0; i < TEST_NWORDS; i++)
        rc |= spell_forms_add(test_f, test_words[i][0],
                              strlen(test_words[i][0]), test_words[i][1],
                              strlen(test_words[i][1]));
    ok(rc == 0 && spell_forms_index(test_f) == 0, "added and indexed");
    ok(spell_forms_count(test_f) == TEST_NWORDS - 2,
       "the 6-letter word and the capitalised one are not kept");
    ok(spell_forms_bytes(test_f) > 0, "its memory is counted");
}

/* Each typed word against the brute force, with max 1 and 2. */
static void
test_brute(void)
{
    int missed = 0, extra = 0, wrong = 0, bad = 0, two = 0;

    for (int max = 1; max <= 2; max++)
        for (size_t t = 0; t < TEST_NTYPED; t++) {
            struct test_found f;
            const char *w = test_typed[t];

            memset(&f, 0, sizeof f);
            memset(f.dist, -1, sizeof f.dist);
            spell_forms_near(test_f, w, strlen(w), max, test_cb, &f);
            bad += f.bad;
            for (size_t i = 0; i < TEST_NWORDS; i++) {
                const char *v = test_words[i][0];
                int d = edits_distance(w, strlen(w), v, strlen(v), 3);
                int kept = strlen(v) >= SPELL_FORMS_MIN && edits_word(v,
                                                                  strlen(v));

                if (kept && d <= max && f.dist[i] == -1) {
                    printf("# %s: %s (%d) missed\n", w, v, d);
                    missed++;
                }
                if (f.dist[i] != -1 && (d > max || !kept)) extra++;
                if (f.dist[i] != -1 && f.dist[i] != d) wrong++;
                two += max == 2 && f.dist[i] == 2;
            }
        }
    ok(missed == 0, "every kept word within max edits is found");
    ok(extra == 0, "nothing further");
    ok(wrong == 0 && bad == 0, "each once, with its stem and distance");
    printf("# %d found two edits away\n", two);
    ok(two >= 10, "two edits away: many found");
}

static void
test_some(void)
{
    struct test_found f;

    memset(&f, 0, sizeof f);
    memset(f.dist, -1, sizeof f.dist);
    spell_forms_near(test_f, "pemerintaahn", 12, 2, test_cb, &f);
    ok(f.dist[0] == 1 && f.dist[1] == 2 && f.dist[2] == -1,
       "pemerintaahn: pemerintahan one edit (a swap), pemerintah two; not "
       "perintahkan");
    memset(&f, 0, sizeof f);
    memset(f.dist, -1, sizeof f.dist);
    spell_forms_near(test_f, "kepolisian", 10, 2, test_cb, &f);
    ok(f.dist[9] == 0, "a word held: itself, distance 0");
    memset(&f, 0, sizeof f);
    memset(f.dist, -1, sizeof f.dist);
    f.stop_at = 1;
    ok(spell_forms_near(test_f, "pertandingan", 12, 2, test_cb, &f) == 1 &&
           f.calls == 1,
       "fn's nonzero stops it and is returned");
    ok(spell_forms_near(NULL, "pertandingan", 12, 2, test_cb, &f) == 0,
       "no set: nothing");
    spell_forms_free(test_f);
}

int
main(void)
{
    static const struct tap_case cases[] = {{"build", test_build},
                                            {"brute", test_brute},
                                            {"some", test_some},
                                            {NULL, NULL}};

    return tap_main(cases);
}
