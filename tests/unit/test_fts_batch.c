/*
 * test_fts_batch.c - the writer's held FTS5 writes (fts_batch.h) and the
 * token recordings its helper thread makes (tokens.h): writes come back in
 * rowid order, then arrival; a dropped insert is gone and its slot reused;
 * with enough writes every one comes with a recording equal to what the
 * tokenizer emits for its text; a failing callback stops the apply; the
 * helper's note runs on recorded writes in order while it is ahead.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fts_batch.h"
#include "tap.h"
#include "tokenizer.h"
#include "tokens.h"

#define TEST_OPS 200

/* test_tok records (on the helper thread during an apply); test_ref
 * computes the expected tokens on the main thread meanwhile. */
static struct tokenizer *test_tok, *test_ref;

static struct carid_str
test_str(const char *s)
{
    struct carid_str v = {s, strlen(s)};

    return v;
}

/* What a recording must equal: the tokenizer's own output, flattened. */
struct test_flat {
    char buf[8192];
    size_t len;
};

static int
test_flat_add(void *ctx, const char *token, size_t token_len,
              const char *stem, size_t stem_len, size_t start, size_t end)
{
    struct test_flat *f = ctx;
    int n;

    (void)token;
    (void)token_len;
    n = snprintf(f->buf + f->len, sizeof f->buf - f->len, "%.*s@%zu-%zu ",
                 (int)stem_len, stem, start, end);
    if (n < 0 || (size_t)n >= sizeof f->buf - f->len) return 1;
    f->len += (size_t)n;
    return 0;
}

static void
test_flat_run(struct test_flat *f, struct carid_str text)
{
    f->len = 0;
    f->buf[0] = '\0';
    if (text.len > 0)
        tokenizer_run(test_ref, text.p, text.len, test_flat_add, f);
}

static void
test_flat_replay(struct test_flat *f, const struct tokens *tk)
{
    f->len = 0;
    f->buf[0] = '\0';
    tokens_replay(tk, test_flat_add, f);
}

static void
test_record_replay(void)
{
    static const char text[] =
        "Pemerintah kota menertibkan pedagang kaki-lima di Jl. Sudirman "
        "pada 10/8/2024; \xc3\x89tienne ikut mem\xc2\xad"
        "bantu.";
    struct tokens tk = {0};
    struct tokens_replay r = {{&tk, NULL}};
    struct test_flat want, got;

    ok(tokens_record(&tk, test_tok, text, strlen(text)) == 0 && tk.n > 10,
       "a text is recorded");
    test_flat_run(&want, test_str(text));
    test_flat_replay(&got, &tk);
    ok(strcmp(want.buf, got.buf) == 0, "replay emits what the tokenizer does");
    ok(tokens_find(&r, text, strlen(text)) == &tk, "found by its bytes");
    ok(tokens_find(&r, text, strlen(text) - 1) == NULL,
       "a shorter text is not the recording");
    ok(tokens_find(&r, "Pemerintah kota", 15) == NULL, "nor another text");
    ok(tokens_find(NULL, text, strlen(text)) == NULL, "no replay: NULL");
    ok(tokens_record(&tk, test_tok, "", 0) == 0 && tk.n == 0 &&
           tokens_find(&r, "", 0) == &tk,
       "an empty text records no token");
    tokens_free(&tk);
}

/* What the apply callback saw. */
struct test_seen {
    int64_t rowid[TEST_OPS];
    int del[TEST_OPS];
    size_t n;
    int recorded_ok; /* every recording equals the tokenizer's output */
    int recorded;    /* how many ops came with both recordings */
    size_t fail_at;  /* return nonzero at this call; 0: never */
};

static int
test_seen_op(void *ctx, const struct fts_op *op)
{
    struct test_seen *s = ctx;
    struct test_flat want, got;

    if (s->n < TEST_OPS) {
        s->rowid[s->n] = op->rowid;
        s->del[s->n] = op->del;
    }
    s->n++;
    if (op->tok[0].text != NULL && op->tok[1].text != NULL) {
        s->recorded++;
        for (int i = 0; i < 2; i++) {
            test_flat_run(&want, i == 0 ? op->title : op->body);
            test_flat_replay(&got, &op->tok[i]);
            if (strcmp(want.buf, got.buf) != 0) s->recorded_ok = 0;
        }
    }
    return s->fail_at != 0 && s->n == s->fail_at;
}

static void
test_order(void)
{
    struct fts_batch b = {0};
    struct test_seen s = {.recorded_ok = 1};

    fts_batch_add(&b, 0, 30, test_str("tiga"), test_str("isi tiga"));
    fts_batch_add(&b, 1, 10, test_str("lama"), test_str("isi lama"));
    fts_batch_add(&b, 0, 20, test_str("dua"), test_str("isi dua"));
    fts_batch_add(&b, 0, 10, test_str("baru"), test_str("isi baru"));
    fts_batch_add(&b, 0, 40, test_str("empat"), test_str("isi empat"));
    ok(b.n == 5 && b.bytes > 0, "five writes held");
    ok(fts_batch_drop(&b, 40) == 1 && b.n == 4, "a held insert is dropped");
    ok(fts_batch_drop(&b, 40) == 0, "dropped once only");
    ok(fts_batch_drop(&b, 99) == 0, "an unknown rowid drops nothing");
    ok(fts_batch_apply(&b, NULL, NULL, test_seen_op, &s) == 0, "apply");
    ok(s.n == 4 && s.rowid[0] == 10 && s.del[0] == 1 && s.rowid[1] == 10 &&
           s.del[1] == 0 && s.rowid[2] == 20 && s.rowid[3] == 30,
       "rowid order; one rowid's delete then insert, as they came");
    ok(b.n == 0 && b.bytes == 0, "nothing held after apply");
    ok(s.recorded == 0, "no tokenizer: nothing recorded");
    fts_batch_free(&b);
}

static void
test_helped(void)
{
    struct fts_batch b = {0};
    struct test_seen s = {.recorded_ok = 1};
    char title[64], body[256];
    size_t sorted = 1;
    int i, round;

    for (round = 0; round < 2; round++) { /* the second reuses the slots */
        memset(&s, 0, sizeof s);
        s.recorded_ok = 1;
        for (i = 0; i < TEST_OPS; i++) {
            snprintf(title, sizeof title, "Berita ke-%d dari Jakarta", i);
            snprintf(body, sizeof body,
                     "Para pedagang %s menaikkan harga beras %d persen; "
                     "pemerintah daerah memantaunya.",
                     i % 2 ? "pasar" : "kaki-lima", i);
            /* rowids out of order, as dates arrive */
            fts_batch_add(&b, 0, (int64_t)((i * 7919) % TEST_OPS) + 1,
                          test_str(title), test_str(body));
        }
        if (round == 1) fts_batch_drop(&b, 5);
        ok(fts_batch_apply(&b, test_tok, NULL, test_seen_op, &s) == 0,
           "apply with a helper thread");
        for (size_t k = 1; k < s.n && k < TEST_OPS; k++)
            if (s.rowid[k] <= s.rowid[k - 1]) sorted = 0;
        ok(s.n == (size_t)TEST_OPS - (size_t)round && sorted,
           "every write, in rowid order");
        ok(s.recorded == (int)s.n, "every write came with its recording");
        ok(s.recorded_ok, "every recording equals the tokenizer's output");
    }

    memset(&s, 0, sizeof s);
    s.fail_at = 3;
    for (i = 0; i < TEST_OPS; i++)
        fts_batch_add(&b, 0, i + 1, test_str("judul"), test_str("isi berita"));
    ok(fts_batch_apply(&b, test_tok, NULL, test_seen_op, &s) != 0 && s.n == 3,
       "a failing write stops the apply (the helper is stopped and joined)");
    ok(b.n == 0, "and nothing is held after it");
    fts_batch_free(&b);
}

/* The helper's note: the writes it took, in order, each recorded
 * already; it declines rowids divisible by decline (0: none). */
struct test_note {
    int taken[TEST_OPS + 1]; /* by rowid: 1 took it, 2 declined it */
    _Atomic size_t n;
    int64_t decline, last;
    int in_order, recorded, off_helper;
    pthread_t writer;
};

static int
test_note_op(void *ctx, const struct fts_op *op)
{
    struct test_note *t = ctx;
    int declined = t->decline != 0 && op->rowid % t->decline == 0;

    if (pthread_equal(pthread_self(), t->writer)) t->off_helper = 0;
    if (op->rowid <= t->last) t->in_order = 0;
    if (op->tok[1].text == NULL) t->recorded = 0;
    t->last = op->rowid;
    t->taken[op->rowid] = declined ? 2 : 1;
    t->n++;
    return declined;
}

/* fn's side: which writes came noted, and whether that is what the note
 * said.  At the first write it waits until the note has run 50 times:
 * held up, the writer lets the helper go ahead. */
struct test_noted {
    size_t noted, seen, wrong;
    int hold; /* wait at the first write */
};

struct test_pair {
    struct test_note note;
    struct test_noted fn;
};

static int
test_pair_note(void *ctx, const struct fts_op *op)
{
    return test_note_op(&((struct test_pair *)ctx)->note, op);
}

static int
test_pair_fn(void *ctx, const struct fts_op *op)
{
    struct test_pair *p = ctx;

    for (int spin = 0;
         p->fn.hold && p->fn.seen == 0 && p->note.n < 50 && spin < 5000;
         spin++) {
        struct timespec ms = {0, 1000000};

        nanosleep(&ms, NULL);
    }
    if (op->noted != (p->note.taken[op->rowid] == 1)) p->fn.wrong++;
    p->fn.noted += op->noted != 0;
    p->fn.seen++;
    return 0;
}

static void
test_noted(void)
{
    struct fts_batch b = {0};
    struct test_pair *p = calloc(1, sizeof *p);
    int i;

    for (int declining = 0; declining < 2 && p != NULL; declining++) {
        memset(p, 0, sizeof *p);
        p->note.in_order = p->note.recorded = p->note.off_helper = 1;
        p->note.writer = pthread_self();
        p->note.decline = declining ? 3 : 0;
        p->fn.hold = 1;
        for (i = 0; i < TEST_OPS; i++)
            fts_batch_add(&b, 0, (int64_t)((i * 7919) % TEST_OPS) + 1,
                          test_str("Harga beras"),
                          test_str("Pedagang pasar menaikkan harga beras."));
        ok(fts_batch_apply(&b, test_tok, test_pair_note, test_pair_fn, p) ==
                   0 &&
               p->fn.seen == TEST_OPS,
           "apply with a note");
        ok(p->note.n >= 50 && p->note.off_helper,
           "the note ran on the helper thread while the writer was held up");
        ok(p->note.in_order && p->note.recorded,
           "on writes in rowid order, after their recording");
        ok(p->note.taken[1] == 0 && p->note.taken[4] == 0,
           "not on the first FTS_BATCH_NOTE_AHEAD writes (the helper was "
           "not ahead of the writer)");
        ok(p->fn.wrong == 0,
           declining ? "a write comes noted exactly when the note took it "
                       "(declined ones are the writer's)"
                     : "a write comes noted exactly when the note took it");
    }
    memset(p, 0, sizeof *p);
    fts_batch_add(&b, 0, 1, test_str("satu"), test_str("dua"));
    ok(fts_batch_apply(&b, test_tok, test_pair_note, test_pair_fn, p) == 0 &&
           p->note.n == 0 && p->fn.noted == 0 && p->fn.seen == 1,
       "without a helper nothing is noted");
    fts_batch_free(&b);
    free(p);
}

static void
test_small(void)
{
    struct fts_batch b = {0};
    struct test_seen s = {.recorded_ok = 1};

    fts_batch_add(&b, 0, 2, test_str("satu"), test_str("dua"));
    fts_batch_add(&b, 0, 1, test_str(""), test_str(""));
    ok(fts_batch_apply(&b, test_tok, NULL, test_seen_op, &s) == 0 && s.n == 2 &&
           s.rowid[0] == 1,
       "below FTS_BATCH_MIN_HELPED: applied in order without a helper");
    ok(s.recorded == 0, "and without recordings (FTS5 tokenizes itself)");
    fts_batch_free(&b);
}

int
main(void)
{
    static const struct tap_case cases[] = {
        {"record_replay", test_record_replay},
        {"order", test_order},
        {"helped", test_helped},
        {"noted", test_noted},
        {"small", test_small},
        {NULL, NULL},
    };
    char err[256];
    int rc;

    test_tok = tokenizer_new(1, err, sizeof err);
    if (test_tok != NULL) test_ref = tokenizer_new(1, err, sizeof err);
    if (test_tok == NULL || test_ref == NULL) {
        printf("Bail out! %s\n", err);
        return 1;
    }
    rc = tap_main(cases);
    tokenizer_free(test_tok);
    tokenizer_free(test_ref);
    return rc;
}
