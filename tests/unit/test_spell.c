/*
 * test_spell.c - misspelled query words corrected against a small index
 * (spell.h), through carid_fts5.so's ABI as the daemon drives it: which
 * words are corrected and to what, which are left as typed, that an
 * article holding the typed word ranks above those holding only the fix,
 * FUZZY off, the limit of corrections a query, and the vocabulary read
 * from FTS5 before OPTIMIZE and from spell_words after it; two edits for
 * a word of 9+ letters once the writer's idle step (maintain()) wrote the
 * long words it learnt, not for a shorter one, and a word first put after
 * OPTIMIZE offered as a fix.  The module
 * path comes from $CARID_FTS5_MODULE (ctest sets it); unset means skip.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carid_plugin.h"
#include "tap.h"
#include "test_module.h"

#define TEST_MAX_HITS  32
#define TEST_MAX_FIXES 8

struct test_result {
    char id[TEST_MAX_HITS][64];
    int n;
    int64_t total;
    int rc;
    char err[256];
    char fixes[512]; /* "typed>fix typed>fix" */
    int nfix;
};

static const struct carid_plugin *test_p;
static void *test_db, *test_writer, *test_reader;
static char test_dir[] = "/tmp/carid-test-spell-XXXXXX";
static struct test_result test_r;

static int
test_put(const char *id, const char *title, const char *body)
{
    struct carid_doc doc;
    char err[256];
    int rc;

    memset(&doc, 0, sizeof doc);
    doc.id = test_str(id);
    doc.field[CARID_FIELD_TITLE] = test_str(title);
    doc.field[CARID_FIELD_BODY] = test_str(body);
    doc.field[CARID_FIELD_DATE] = test_str("2024-05-01");
    rc = test_p->put(test_writer, &doc, err, sizeof err);
    if (rc != 0) printf("# put %s: %s\n", id, err);
    return rc;
}

static int
test_hit_cb(void *ctx, const struct carid_hit *hit)
{
    struct test_result *r = ctx;
    size_t n = hit->id.len < 63 ? hit->id.len : 63;

    if (r->n == TEST_MAX_HITS) return 1;
    memcpy(r->id[r->n], hit->id.p, n);
    r->id[r->n++][n] = '\0';
    return 0;
}

static int
test_fix_cb(void *ctx, struct carid_str typed, struct carid_str fix)
{
    struct test_result *r = ctx;
    size_t at = strlen(r->fixes);

    snprintf(r->fixes + at, sizeof r->fixes - at, "%s%.*s>%.*s",
             at > 0 ? " " : "", (int)typed.len, typed.p, (int)fix.len, fix.p);
    r->nfix++;
    return 0;
}

/* Searches text (fuzzy: CARID_FUZZY_*, match: CARID_MATCH_*) into test_r. */
static struct test_result *
test_search_as(const char *text, int fuzzy, int match)
{
    struct carid_query q;

    memset(&q, 0, sizeof q);
    memset(&test_r, 0, sizeof test_r);
    q.text = test_str(text);
    q.count = TEST_MAX_HITS;
    q.fuzzy = fuzzy;
    q.match = match;
    q.fixed = test_fix_cb;
    q.fixed_ctx = &test_r;
    test_r.rc = test_p->search(test_reader, &q, test_hit_cb, &test_r,
                               &test_r.total, test_r.err, sizeof test_r.err);
    if (test_r.rc != 0) printf("# %s: %s\n", text, test_r.err);
    printf("# %s: total %lld, first %s, fixes %s\n", text,
           (long long)test_r.total, test_r.n > 0 ? test_r.id[0] : "-",
           test_r.fixes);
    return &test_r;
}

static struct test_result *
test_search(const char *text)
{
    return test_search_as(text, CARID_FUZZY_ON, CARID_MATCH_BEST);
}

/* The articles: presiden in 3, kejaksaan in 22 (the typo kejaksan in one
 * more, in its body only), gajah in 5 and gabah in 1, harga in 4. */
static void
test_feed(void)
{
    char err[256], id[32], title[128], body[256];
    int rc = 0, i;

    ok(test_p->begin(test_writer, err, sizeof err) == 0, "begin");
    rc |= test_put("p1", "Presiden meresmikan bendungan baru",
                   "Presiden meresmikan bendungan di Jawa Tengah pagi ini.");
    rc |= test_put("p2", "Kunjungan kerja ke Papua",
                   "Presiden meninjau pasar dan berbincang dengan pedagang.");
    rc |= test_put("p3", "Banjir rendam permukiman",
                   "Presiden meminta bantuan segera dikirim ke korban banjir.");
    for (i = 0; i < 22; i++) {
        snprintf(id, sizeof id, "k%d", i);
        snprintf(title, sizeof title, "Kejaksaan periksa saksi ke-%d", i);
        snprintf(body, sizeof body,
                 "Penyidik kejaksaan memeriksa saksi nomor %d dalam kasus "
                 "korupsi dana desa.",
                 i);
        rc |= test_put(id, title, body);
    }
    rc |= test_put("typo", "Sidang ditunda pekan depan",
                   "Penuntut dari kejaksan negeri membacakan tuntutan.");
    for (i = 0; i < 5; i++) {
        snprintf(id, sizeof id, "g%d", i);
        snprintf(body, sizeof body,
                 "Seekor gajah liar masuk kebun warga, hari ke-%d.", i);
        rc |= test_put(id, "Gajah liar di Lampung", body);
    }
    rc |= test_put("gb", "Harga gabah petani",
                   "Harga gabah kering panen turun di tingkat petani.");
    rc |= test_put("h1", "Harga beras naik", "Harga beras naik di pasar.");
    rc |= test_put("h2", "Harga cabai turun", "Harga cabai turun lagi.");
    rc |= test_put("h3", "Harga minyak stabil", "Harga minyak goreng stabil.");
    for (i = 0; i < 4; i++) {
        snprintf(id, sizeof id, "t%d", i);
        snprintf(body, sizeof body,
                 "Pertandingan babak ke-%d berlangsung ketat sampai akhir.", i);
        rc |= test_put(id, "Tim tuan rumah bertanding lagi", body);
    }
    ok(rc == 0, "puts");
    ok(test_p->commit(test_writer, err, sizeof err) == 0, "commit");
}

static int
test_has(const struct test_result *r, const char *id)
{
    for (int i = 0; i < r->n; i++)
        if (strcmp(r->id[i], id) == 0) return 1;
    return 0;
}

/* The corrections, before and after OPTIMIZE (prefix says which). */
static void
test_corrected(const char *when)
{
    struct test_result *r;
    char what[128];

    r = test_search("presidn");
    snprintf(what, sizeof what, "%s: presidn is searched as presiden", when);
    ok(r->rc == 0 && r->total == 3 && test_has(r, "p1") &&
           strcmp(r->fixes, "presidn>presiden") == 0,
       what);
    r = test_search("Presidn banjir");
    snprintf(what, sizeof what, "%s: Presidn banjir: p3 first", when);
    ok(r->rc == 0 && r->n >= 1 && strcmp(r->id[0], "p3") == 0 &&
           strcmp(r->fixes, "presidn>presiden") == 0,
       what);
    r = test_search("kejaksan");
    snprintf(what, sizeof what,
             "%s: kejaksan (1 article) also finds kejaksaan (22), the "
             "typed word's article first",
             when);
    ok(r->rc == 0 && r->total == 23 && r->n == 23 &&
           strcmp(r->id[0], "typo") == 0 &&
           strcmp(r->fixes, "kejaksan>kejaksaan") == 0,
       what);
}

static void
test_words(void)
{
    struct test_result *r;

    test_corrected("before OPTIMIZE");
    r = test_search_as("presidn", CARID_FUZZY_OFF, CARID_MATCH_BEST);
    ok(r->rc == 0 && r->total == 0 && r->nfix == 0, "FUZZY off: nothing");
    r = test_search_as("presidn banjir", CARID_FUZZY_ON, CARID_MATCH_ALL);
    ok(r->rc == 0 && r->total == 1 && strcmp(r->id[0], "p3") == 0 &&
           r->nfix == 1,
       "MATCH all: presidn banjir is presiden AND banjir");
    r = test_search("gabah");
    ok(r->rc == 0 && r->total == 1 && r->nfix == 0,
       "gabah (1 article): gajah has 5, under 20 times: not corrected");
    r = test_search("presiden");
    ok(r->rc == 0 && r->total == 3 && r->nfix == 0, "a word found: kept");
    r = test_search("\"presidn\"");
    ok(r->rc == 0 && r->total == 0 && r->nfix == 0, "quoted: as typed");
    r = test_search("+presidn banjir");
    ok(r->rc == 0 && r->total == 0 && r->nfix == 0, "+word: as typed");
    r = test_search("banjir -presidn");
    ok(r->rc == 0 && r->total == 1 && r->nfix == 0, "-word: as typed");
    r = test_search("presidn*");
    ok(r->rc == 0 && r->total == 0 && r->nfix == 0, "prefix: as typed");
    r = test_search("NEAR(presidn banjir)");
    ok(r->rc == 0 && r->total == 0 && r->nfix == 0, "NEAR(): as typed");
    r = test_search("presidn NEAR banjir");
    ok(r->rc == 0 && r->total == 0 && r->nfix == 0, "a NEAR b: as typed");
    r = test_search("hrga");
    ok(r->rc == 0 && r->total == 0 && r->nfix == 0,
       "4 letters: not corrected");
    r = test_search("title:presidn");
    ok(r->rc == 0 && r->total == 1 && strcmp(r->id[0], "p1") == 0 &&
           r->nfix == 1,
       "title:presidn: corrected inside the field");
    r = test_search("kejaksan gajah");
    ok(r->rc == 0 && r->nfix == 0 && r->total == 6,
       "among other words, a word some article holds is not corrected");
    r = test_search("presidn gajha presidn hargaa gajha");
    ok(r->rc == 0 && r->nfix == 4 &&
           strcmp(r->fixes, "presidn>presiden gajha>gajah "
                            "presidn>presiden hargaa>harga") == 0,
       "at most 4 corrections a query, in query order");
}

/* Runs the writer's idle step until it has nothing left, then opens a
 * new reader: the old one reads what was learnt only after
 * SPELL_RESCAN_SEC. */
static int
test_idle(void)
{
    char err[256];
    int more = 1, calls = 0, rc = 0;

    while (rc == 0 && more && calls++ < 1000)
        rc = test_p->maintain(test_writer, 50000, &more, err, sizeof err);
    if (rc != 0) printf("# maintain: %s\n", err);
    test_p->reader_close(test_reader);
    test_reader = NULL;
    if (test_p->reader_open(test_db, &test_reader, err, sizeof err) != 0)
        printf("# reader_open: %s\n", err);
    return rc == 0 && !more && test_reader != NULL;
}

static void
test_two_edits(void)
{
    struct test_result *r;

    ok(test_idle(), "the idle step wrote what the writer learnt");
    r = test_search("prtandinagn");
    ok(r->rc == 0 && r->total == 4 &&
           strcmp(r->fixes, "prtandinagn>pertandingan") == 0,
       "prtandinagn (11 letters, a letter left out and a swap): "
       "pertandingan");
    r = test_search("ptrandingan");
    ok(r->rc == 0 && r->total == 4 &&
           strcmp(r->fixes, "ptrandingan>pertandingan") == 0,
       "ptrandingan (two letters swapped with a third): pertandingan");
    r = test_search_as("prtandinagn", CARID_FUZZY_OFF, CARID_MATCH_BEST);
    ok(r->rc == 0 && r->total == 0 && r->nfix == 0, "FUZZY off: nothing");
    r = test_search("brtandig");
    ok(r->rc == 0 && r->total == 0 && r->nfix == 0,
       "brtandig (8 letters, two edits from bertanding): not corrected");
    r = test_search("kejaksaaan");
    ok(r->rc == 0 && r->total == 22 && r->nfix == 1,
       "kejaksaaan: one edit from a word of stem jaksa, found as before");
}

static void
test_optimized(void)
{
    struct test_result *r;
    char err[256];
    int rc = 0;

    ok(test_p->optimize(test_writer, err, sizeof err) == 0, "OPTIMIZE");
    test_corrected("after OPTIMIZE");
    r = test_search("prtandinagn");
    ok(r->rc == 0 && strcmp(r->fixes, "prtandinagn>pertandingan") == 0,
       "after OPTIMIZE: two edits still");
    /* a word no article held at OPTIMIZE */
    ok(test_p->begin(test_writer, err, sizeof err) == 0, "begin");
    rc |= test_put("s1", "Kesebelasan muda juara",
                   "Kesebelasan muda itu menang di final.");
    rc |= test_put("s2", "Kesebelasan tamu kalah",
                   "Pelatih kesebelasan tamu kecewa.");
    ok(rc == 0 && test_p->commit(test_writer, err, sizeof err) == 0,
       "two articles put after OPTIMIZE");
    ok(test_idle(), "the idle step wrote their words");
    r = test_search("kesebelsan");
    ok(r->rc == 0 && r->total == 2 &&
           strcmp(r->fixes, "kesebelsan>kesebelasan") == 0,
       "a word first put after OPTIMIZE is a fix");
}

int
main(int argc, char **argv)
{
    static const struct tap_case cases[] = {{"words", test_words},
                                            {"two_edits", test_two_edits},
                                            {"optimized", test_optimized},
                                            {NULL, NULL}};
    char err[256], cmd[64 + sizeof test_dir];
    int rc = test_module_open(argc, argv, &test_p, test_dir);

    if (rc >= 0) return rc;
    if (test_p->open(&test_host, test_dir, &test_db, err, sizeof err) != 0 ||
        test_p->writer_open(test_db, &test_writer, err, sizeof err) != 0 ||
        test_p->reader_open(test_db, &test_reader, err, sizeof err) != 0) {
        printf("Bail out! %s\n", err);
        return 1;
    }
    test_feed();
    rc = tap_main(cases);
    test_p->reader_close(test_reader);
    test_p->writer_close(test_writer);
    test_p->close(test_db);
    snprintf(cmd, sizeof cmd, "rm -rf %s", test_dir);
    if (system(cmd) != 0) printf("# could not remove %s\n", test_dir);
    return rc;
}
