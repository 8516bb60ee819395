/*
 * test_alias_learn.c - Schwartz-Hearst definitions in Indonesian sentences
 * written for the test (alias_learn.h).
 */
#include <stdio.h>
#include <string.h>

#include "alias_learn.h"
#include "dict.h"
#include "tap.h"

struct found {
    char got[1024]; /* "SF=long form|" per pair */
    int n, stop_after;
};

static int
collect(void *ctx, const char *short_form, const char *long_form)
{
    struct found *f = ctx;
    size_t o = strlen(f->got);

    snprintf(f->got + o, sizeof f->got - o, "%s=%s|", short_form, long_form);
    f->n++;
    return f->stop_after > 0 && f->n >= f->stop_after;
}

static const char *
scan(const char *text)
{
    static struct found f;

    memset(&f, 0, sizeof f);
    alias_learn_scan(text, strlen(text), collect, &f);
    return f.got;
}

static void
check(const char *text, const char *want)
{
    const char *got = scan(text);
    char what[512];

    snprintf(what, sizeof what, "%.60s -> '%s'", text, want);
    for (char *w = what; *w; w++) *w = *w == '\n' ? ' ' : *w;
    if (!ok(strcmp(got, want) == 0, what)) printf("#   got '%s'\n", got);
}

static void
test_long_then_short(void)
{
    check("Penyidik Komisi Pemberantasan Korupsi (KPK) memeriksa saksi.",
          "KPK=Komisi Pemberantasan Korupsi|");
    check("Rudal itu diluncurkan Korea Utara (Korut) pagi tadi.",
          "Korut=Korea Utara|");
    check("anggota Dewan Perwakilan Rakyat Daerah (DPRD) setempat",
          "DPRD=Dewan Perwakilan Rakyat Daerah|");
    check("Badan Meteorologi Klimatologi dan Geofisika (BMKG) mencatat",
          "BMKG=Badan Meteorologi Klimatologi dan Geofisika|");
    check("Pemerintah Provinsi (Pemprov) Jawa Barat", "Pemprov=Pemerintah "
                                                      "Provinsi|");
    check("kata Presiden Joko Widodo (Jokowi) di Istana.",
          "Jokowi=Joko Widodo|");
}

static void
test_short_then_long(void)
{
    check("Laporan KPK (Komisi Pemberantasan Korupsi) dibacakan.",
          "KPK=Komisi Pemberantasan Korupsi|");
    /* the long form must be all of the bracket */
    check("Laporan KPK (kemarin Komisi Pemberantasan Korupsi) dibacakan.", "");
}

static void
test_not_definitions(void)
{
    check("Jakarta (Antara) - Harga beras naik.", ""); /* a word, no SF */
    check("pada Senin (10/8/2024) pagi", "");
    check("sebanyak 48 kasus (EVY/DOE/CAL)", "");
    check("harga naik (lihat tabel) kemarin", "");
    /* letters not in order, or the first not at a word's start */
    check("Menteri Keuangan (KPK) hadir", "");
    check("di bank itu (BRI) juga", "");
    /* a word of the long form gives no letter */
    check("Ketua Umum Partai Gerakan Indonesia Raya Prabowo (Gerindra)", "");
    check("Partai Gerakan Indonesia Raya (Gerindra)",
          "Gerindra=Gerakan Indonesia Raya|");
    /* the short form inside its own long form */
    check("saham Bank BRI (BRI) naik", "");
    /* one word is not a long form */
    check("Komisi (KPK) itu", "");
    /* a comma ends the long form */
    check("Jakarta, Komisi Pemberantasan Korupsi (KPK) menahan",
          "KPK=Komisi Pemberantasan Korupsi|");
    check("korupsi, Pemberantasan (KPK) menahan", "");
    /* unclosed, nested, or over a line */
    check("Komisi Pemberantasan Korupsi (KPK", "");
    check("Komisi Pemberantasan Korupsi (K(PK))", "");
    check("Komisi Pemberantasan Korupsi (\nKPK)", "");
}

static void
test_once_and_stop(void)
{
    struct found f;
    const char *t = "Komisi Pemberantasan Korupsi (KPK) dan lagi Komisi "
                    "Pemberantasan Korupsi (KPK); Korea Utara (Korut).";

    check(t, "KPK=Komisi Pemberantasan Korupsi|Korut=Korea Utara|");
    memset(&f, 0, sizeof f);
    f.stop_after = 1;
    ok(alias_learn_scan(t, strlen(t), collect, &f) == 1 && f.n == 1,
       "nonzero from fn stops the scan and is returned");
    {
        char key[8];

        ok(alias_learn_key("Dewan DPR", 9, key, sizeof key) == 0,
           "a key that does not fit: 0");
        ok(alias_learn_key("Dewan R", 7, key, sizeof key) == 7 &&
               memcmp(key, "dewan r", 7) == 0,
           "the key: ASCII capitals folded");
    }
    check("", "");
    check("()", "");
    check("(KPK)", "");
}

int
main(void)
{
    static const struct tap_case cases[] = {
        {"long form (short form)", test_long_then_short},
        {"short form (long form)", test_short_then_long},
        {"brackets that define nothing", test_not_definitions},
        {"each pair once; fn stops the scan", test_once_and_stop},
        {NULL, NULL}};
    char err[256];

    if (dict_open(err, sizeof err) < 0) {
        printf("Bail out! %s\n", err);
        return 1;
    }
    return tap_main(cases);
}
