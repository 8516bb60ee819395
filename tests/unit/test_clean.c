/*
 * test_clean.c - PUT's cleaning (daemon/clean.h): each built-in rule on
 * sentences written for the test, a newsroom's own rules file and its
 * errors, and the five seed articles of ../shared/seeds as scraped (those
 * checks skip when the folder is absent).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clean.h"
#include "tap.h"

static struct clean_rules *rules;

/* One cleaned article: the doc and what clean_doc() said. */
struct cleaned {
    struct carid_doc doc;
    struct clean_result res;
};

static void
clean_text(struct cleaned *c, const char *title, const char *body)
{
    memset(&c->doc, 0, sizeof c->doc);
    c->doc.id = (struct carid_str){"t", 1};
    if (title != NULL)
        c->doc.field[CARID_FIELD_TITLE] = (struct carid_str){title,
                                                             strlen(title)};
    c->doc.field[CARID_FIELD_BODY] = (struct carid_str){body, strlen(body)};
    clean_doc(rules, &c->doc, &c->res);
}

/* Field f equals want (NULL: absent or empty). */
static int
field_is(const struct cleaned *c, int f, const char *want)
{
    struct carid_str s = c->doc.field[f];

    if (want == NULL) return s.p == NULL || s.len == 0;
    if (s.p == NULL || s.len != strlen(want) || memcmp(s.p, want, s.len) != 0) {
        printf("#   field %d is '%.*s', want '%s'\n", f, (int)s.len,
               s.p != NULL ? s.p : "", want);
        return 0;
    }
    return 1;
}

/* Field f holds needle. */
static int
field_has(const struct cleaned *c, int f, const char *needle)
{
    struct carid_str s = c->doc.field[f];
    size_t n = strlen(needle);

    for (size_t i = 0; s.p != NULL && i + n <= s.len; i++) {
        if (memcmp(s.p + i, needle, n) == 0) return 1;
    }
    return 0;
}

static void
done(struct cleaned *c)
{
    free(c->res.buf);
}

static void
test_headline(void)
{
    struct cleaned c;

    clean_text(&c, NULL,
               "Harga Beras di Pasar Induk Naik Lagi\n"
               "Harga beras medium di Pasar Induk Cipinang naik Rp500 per "
               "kilogram pekan ini. Pedagang menyebut pasokan dari Jawa "
               "Tengah berkurang.");
    ok(field_is(&c, CARID_FIELD_TITLE, "Harga Beras di Pasar Induk Naik Lagi"),
       "a short first line that is not a sentence is the title");
    ok(!field_has(&c, CARID_FIELD_BODY, "Naik Lagi"),
       "the headline is not in the body");
    ok(field_has(&c, CARID_FIELD_RAW, "Naik Lagi\nHarga"),
       "RAW keeps the text as it came");
    done(&c);
    clean_text(&c, NULL,
               "Banjir Rendam Ribuan Rumah, Ke Mana Warga Mengungsi?\n"
               "Banjir merendam ribuan rumah di Bekasi sejak Senin pagi.");
    ok(field_is(&c, CARID_FIELD_TITLE,
                "Banjir Rendam Ribuan Rumah, Ke Mana Warga Mengungsi?"),
       "a headline may end in a question mark");
    done(&c);
}

static void
test_lead_title(void)
{
    struct cleaned c;

    clean_text(&c, NULL,
               "Pemerintah kota menutup tiga jalan utama selama perayaan "
               "ulang tahun kota yang berlangsung sepanjang akhir pekan ini "
               "dengan pawai budaya. Warga diminta memakai jalur lain.");
    ok(field_is(&c, CARID_FIELD_TITLE,
                "Pemerintah kota menutup tiga jalan utama selama perayaan "
                "ulang tahun kota yang berlangsung sepanjang\xe2\x80\xa6"),
       "a long lead's first sentence is cut at a word boundary, with '...'");
    ok(c.res.changed == 0 && field_is(&c, CARID_FIELD_RAW, NULL),
       "a body no rule touched stays as it came, without RAW");
    done(&c);
    clean_text(&c, NULL,
               "Dr. Siti memimpin tim peneliti gempa. Timnya memasang sepuluh "
               "alat ukur baru.");
    ok(field_is(&c, CARID_FIELD_TITLE,
                "Dr. Siti memimpin tim peneliti gempa"),
       "a short first sentence is the title; 'Dr.' does not end it");
    done(&c);
    clean_text(&c, "Judul dari redaksi",
               "Reporter: Ayu Lestari\nPasar saham dibuka menguat pagi ini.");
    ok(field_is(&c, CARID_FIELD_TITLE, "Judul dari redaksi"),
       "a title given in the PUT stays");
    ok(field_is(&c, CARID_FIELD_BODY, "Pasar saham dibuka menguat pagi ini."),
       "... and the body is cleaned all the same");
    done(&c);
}

static void
test_boilerplate(void)
{
    struct cleaned c;

    clean_text(&c, "Gempa",
               "Reporter: Dewi Anggraini | Editor: Bambang Sutrisno\n"
               "ADVERTISEMENT\n"
               "Gempa bermagnitudo 5,2 mengguncang Cianjur pagi tadi.\n"
               "SCROLL TO CONTINUE WITH CONTENT\n"
               "Baca juga: Warga Cianjur Diminta Waspada Gempa Susulan\n"
               "Petugas BPBD memeriksa rumah warga yang retak. Foto: Andi "
               "Pratama/Antara\n"
               "Fotografer: Rudi Hartono\n"
               "Tidak ada korban jiwa dalam gempa tersebut.\n"
               "(dwi/bam)");
    ok(field_is(&c, CARID_FIELD_BODY,
                "Gempa bermagnitudo 5,2 mengguncang Cianjur pagi tadi.\n"
                "Tidak ada korban jiwa dalam gempa tersebut."),
       "credits, ads, 'Baca juga', captions and initials are dropped");
    ok(c.res.dropped == 7, "seven lines dropped");
    ok(field_is(&c, CARID_FIELD_AUTHOR, "Dewi Anggraini"),
       "the reporter credit gives the author");
    ok(c.res.changed && field_has(&c, CARID_FIELD_RAW, "Baca juga"),
       "RAW keeps the dropped lines");
    done(&c);
    clean_text(&c, "Pasar",
               "Pedagang pasar mengeluhkan harga cabai yang naik.\n"
               "Next Post\n"
               "Bitget meluncurkan program baru untuk pengguna kripto.");
    ok(field_is(&c, CARID_FIELD_BODY,
                "Pedagang pasar mengeluhkan harga cabai yang naik."),
       "after 'Next Post' comes another article: cut");
    done(&c);
    clean_text(&c, NULL,
               "Logo Warta Nusantara\n"
               "Nelayan di pesisir utara Jawa tidak melaut karena gelombang "
               "tinggi.");
    ok(field_is(&c, CARID_FIELD_SOURCE, "warta nusantara"),
       "'Logo X' is dropped and gives the source, in lower case");
    ok(field_is(&c, CARID_FIELD_TITLE,
                "Nelayan di pesisir utara Jawa tidak melaut karena gelombang "
                "tinggi"),
       "the title comes from the lead, not the logo");
    done(&c);
    clean_text(&c, "Semua",
               "Baca juga: Satu\nBaca juga: Dua\nADVERTISEMENT");
    ok(field_is(&c, CARID_FIELD_BODY,
                "Baca juga: Satu\nBaca juga: Dua\nADVERTISEMENT") &&
           c.res.changed == 0,
       "a body of nothing but boilerplate stays as it came");
    done(&c);
}

static void
test_datelines(void)
{
    struct cleaned c;

    clean_text(&c, NULL,
               "Jakarta, CNN Indonesia -- Presiden meresmikan bendungan baru "
               "di Jawa Barat pada Rabu (3/4/2024). Bendungan itu mengairi "
               "ribuan hektare sawah.");
    ok(field_is(&c, CARID_FIELD_PLACE, "Jakarta") &&
           field_is(&c, CARID_FIELD_SOURCE, "cnn indonesia"),
       "'Jakarta, CNN Indonesia --' gives place and source");
    ok(field_is(&c, CARID_FIELD_TITLE,
                "Presiden meresmikan bendungan baru di Jawa Barat pada Rabu "
                "(3/4/2024)"),
       "the title starts after the dateline");
    ok(field_is(&c, CARID_FIELD_DATE, "2024-04-03"),
       "'Rabu (3/4/2024)' is 3 April: day first");
    ok(!field_has(&c, CARID_FIELD_BODY, "CNN"), "the dateline left the body");
    done(&c);
    clean_text(&c, NULL,
               "KONTAN.CO.ID - SURABAYA. Harga emas turun tipis pada 12 "
               "Agustus 2024 setelah sepekan naik.");
    ok(field_is(&c, CARID_FIELD_SOURCE, "kontan") &&
           field_is(&c, CARID_FIELD_PLACE, "Surabaya"),
       "'KONTAN.CO.ID - SURABAYA.' gives kontan and Surabaya");
    ok(field_is(&c, CARID_FIELD_DATE, "2024-08-12"),
       "'12 Agustus 2024' is a date");
    done(&c);
    clean_text(&c, NULL,
               "Medan – Hujan deras membuat sungai meluap. Tanggal 31 Februari "
               "2024 tidak ada, 2 Mei 2024 ada.");
    ok(field_is(&c, CARID_FIELD_PLACE, "Medan"), "'Medan –' gives the place");
    ok(field_is(&c, CARID_FIELD_DATE, "2024-05-02"),
       "an impossible date is passed over for the next");
    done(&c);
    memset(&c.doc, 0, sizeof c.doc);
    c.doc.field[CARID_FIELD_BODY] = (struct carid_str){"Bandung – Isi.", 14};
    c.doc.field[CARID_FIELD_PLACE] = (struct carid_str){"Cimahi", 6};
    clean_doc(rules, &c.doc, &c.res);
    ok(field_is(&c, CARID_FIELD_PLACE, "Cimahi"),
       "a place given in the PUT stays");
    done(&c);
}

static void
test_rules_file(void)
{
    static const char own[] =
        "# a newsroom's own rules\n"
        "line source=warta ^WARTA\\.ID$\n"
        "\n"
        "lead ^(?<place>[A-Z][a-z]+) \\(WI\\) - \n";
    struct clean_rules *mine, *saved = rules;
    struct cleaned c;
    char err[256];

    mine = clean_rules_parse(own, sizeof own - 1, "own.txt", err, sizeof err);
    ok(mine != NULL, "a newsroom's file compiles");
    rules = mine;
    clean_text(&c, "T", "WARTA.ID\nPadang (WI) - Pasar ramai.");
    ok(field_is(&c, CARID_FIELD_SOURCE, "warta") &&
           field_is(&c, CARID_FIELD_PLACE, "Padang") &&
           field_is(&c, CARID_FIELD_BODY, "Pasar ramai."),
       "its rules apply: a fixed source and its own dateline");
    done(&c);
    rules = saved;
    clean_rules_free(mine);
    ok(clean_rules_parse("drop ^x$\n", 9, "own.txt", err, sizeof err) ==
               NULL &&
           strstr(err, "own.txt:1: unknown kind 'drop'") != NULL,
       "an unknown kind is refused with file and line");
    ok(clean_rules_parse("\nline ^(x$\n", 11, "own.txt", err, sizeof err) ==
               NULL &&
           strstr(err, "own.txt:2: regex at offset") != NULL,
       "a bad regex is refused with file, line and offset");
    ok(clean_rules_parse("date ^(?<day>\\d+)$\n", 19, "own.txt", err,
                         sizeof err) == NULL &&
           strstr(err, "(?<month>)") != NULL,
       "a date rule without month and year is refused");
    ok(clean_rules_file("/nonexistent/rules", err, sizeof err) == NULL &&
           strstr(err, "/nonexistent/rules") != NULL,
       "a missing file is an error naming it");
}

static void
test_bad_input(void)
{
    static const char bad[] = "Judul \xff\xfe Rusak\n\xc3 isi \xe2\x80 kalimat "
                              "rusak (10/8/2024).\n(abc)";
    struct cleaned c;
    char *big = malloc(1 << 20);

    clean_text(&c, NULL, bad);
    ok(field_is(&c, CARID_FIELD_TITLE, "Judul \xff\xfe Rusak") &&
           field_is(&c, CARID_FIELD_DATE, "2024-08-10"),
       "invalid UTF-8 is matched around, not refused");
    done(&c);
    memset(big, 'a', (1 << 20) - 1);
    big[(1 << 20) - 1] = '\0';
    big[1000] = '\n';
    clean_text(&c, NULL, big);
    ok(c.doc.field[CARID_FIELD_TITLE].len <= CLEAN_TITLE_MAX + 3,
       "a 1 MB line makes a bounded title");
    done(&c);
    free(big);
    clean_text(&c, NULL, "");
    ok(c.res.buf == NULL && field_is(&c, CARID_FIELD_TITLE, NULL),
       "an empty body: nothing to do");
    done(&c);
}

/* ---- the seeds, as scraped ---- */

/* ../shared/seeds/NAME.txt, NUL-terminated, or NULL if absent. */
static char *
seed_read(const char *name)
{
    char path[512], *text;
    FILE *f;
    size_t n;

    snprintf(path, sizeof path, "../shared/seeds/%s.txt", name);
    if ((f = fopen(path, "rb")) == NULL) return NULL;
    text = malloc(1 << 20);
    n = fread(text, 1, (1 << 20) - 1, f);
    text[n] = '\0';
    fclose(f);
    return text;
}

static void
test_seeds(void)
{
    static const char *const seeds[] = {
        "000_e0ec8468b06689dd", "001_3c7df9a3ab7e3405", "002_bef3302d05d81497",
        "003_4967af7503ada9df", "004_e51c03c3aae31849"};
    struct cleaned c[5];
    char *text[5];

    for (int i = 0; i < 5; i++) {
        if ((text[i] = seed_read(seeds[i])) == NULL) {
            printf("# skip: ../shared/seeds is not here\n");
            for (int k = 0; k < i; k++)
                free(text[k]);
            return;
        }
        clean_text(&c[i], NULL, text[i]);
    }
    ok(field_is(&c[0], CARID_FIELD_TITLE,
                "Kim tampaknya mentransfer sejumlah besar senjata ke Rusia "
                "untuk digunakan oleh Presiden Vladimir\xe2\x80\xa6"),
       "000: the title is the lead's start, cut at a word");
    ok(!field_has(&c[0], CARID_FIELD_BODY, "(bbn)"), "000: '(bbn)' dropped");
    ok(field_is(&c[1], CARID_FIELD_PLACE, "Pyongyang"),
       "001: 'Pyongyang –' is the place");
    ok(field_is(&c[1], CARID_FIELD_TITLE,
                "Pemimpin Korea Utara Kim Jong Un telah mengirimkan pesan "
                "ulang tahun kepada Presiden Rusia Vladimir\xe2\x80\xa6"),
       "001: the title starts after the dateline");
    ok(field_is(&c[1], CARID_FIELD_DATE, "2024-08-10"),
       "001: 'Selasa (10/8/2024)' is the date");
    ok(field_is(&c[2], CARID_FIELD_AUTHOR, "Barratut Taqiyyah Rafie") &&
           field_is(&c[2], CARID_FIELD_SOURCE, "kontan") &&
           field_is(&c[2], CARID_FIELD_PLACE, "Kyiv"),
       "002: author, source and place from credit and dateline");
    ok(!field_has(&c[2], CARID_FIELD_BODY, "Barratut") &&
           !field_has(&c[2], CARID_FIELD_BODY, "Baca Juga") &&
           !field_has(&c[2], CARID_FIELD_BODY, "KONTAN") &&
           !field_has(&c[2], CARID_FIELD_TITLE, "Barratut"),
       "002: no credit, link or dateline in body or title");
    ok(field_is(&c[2], CARID_FIELD_TITLE,
                "Seorang pejabat AS mengatakan kepada CBS News, Korea Utara "
                "telah mulai mentransfer artileri ke Rusia"),
       "002: the title is the lead's first sentence");
    ok(field_is(&c[3], CARID_FIELD_TITLE,
                "Mengapa Kunjungan Kim Jong Un ke Rusia Semua Tentang Senjata"),
       "003: the headline is the title");
    ok(!field_has(&c[3], CARID_FIELD_BODY, "Bitget") &&
           field_has(&c[3], CARID_FIELD_BODY, "Universitas Ewha"),
       "003: the next article after 'Next Post' is cut, the story kept");
    ok(field_is(&c[4], CARID_FIELD_SOURCE, "bloomberg technoz") &&
           !field_has(&c[4], CARID_FIELD_TITLE, "Logo"),
       "004: 'Logo Bloomberg Technoz' gives the source, not the title");
    ok(!field_has(&c[4], CARID_FIELD_BODY, "Fotografer") &&
           !field_has(&c[4], CARID_FIELD_BODY, "No more pages") &&
           !field_has(&c[4], CARID_FIELD_BODY, "Gismatullin"),
       "004: caption, credit and page widget dropped");
    for (int i = 0; i < 5; i++) {
        ok(field_is(&c[i], CARID_FIELD_RAW, text[i]),
           "RAW is the seed as it came");
        done(&c[i]);
        free(text[i]);
    }
}

int
main(void)
{
    static const struct tap_case cases[] = {
        {"headline", test_headline},   {"lead title", test_lead_title},
        {"boilerplate", test_boilerplate}, {"datelines", test_datelines},
        {"rules file", test_rules_file}, {"bad input", test_bad_input},
        {"seeds", test_seeds},         {NULL, NULL}};
    char err[256];
    int rc;

    if ((rules = clean_rules_builtin(err, sizeof err)) == NULL) {
        printf("Bail out! %s\n", err);
        return 1;
    }
    rc = tap_main(cases);
    clean_rules_free(rules);
    return rc;
}
