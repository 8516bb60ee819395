/*
 * test_fingerprint.c - copies of one story and different stories
 * (plugins/fts5/fingerprint.h): a story written for the test against its
 * copies (another outlet's header, a paragraph dropped, a "Baca juga"
 * line added) and against another story on the same topic; then, when
 * ../shared/data/news is here, the figures fingerprint.h states: no two
 * different articles of the corpus share a band key within the distance,
 * and 90 % or more of the copies with a paragraph dropped are found.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fingerprint.h"
#include "tap.h"

/* tests/story-copies.txt: the story's eight paragraphs, then the other
 * story (its lines joined by '\n'). */
#define STORY_FILE "tests/story-copies.txt"
static char story[8][1024];
static char other[4096];

static int
stories_read(void)
{
    FILE *f = fopen(STORY_FILE, "r");
    char line[1024];
    int n = 0, in_other = 0;
    size_t o = 0;

    if (f == NULL) return -1;
    while (fgets(line, sizeof line, f) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        if (line[0] == '#') continue;
        if (strcmp(line, "--") == 0) {
            in_other = 1;
        } else if (in_other) {
            o += (size_t)snprintf(other + o, sizeof other - o, "%s%s",
                                  o > 0 ? "\n" : "", line);
        } else if (n < 8) {
            snprintf(story[n++], sizeof story[0], "%s", line);
        }
    }
    fclose(f);
    return n == 8 && o > 0 ? 0 : -1;
}

/* The story's paragraphs, one '\n' between, without paragraph skip (-1:
 * none), after head and with extra before paragraph 5. */
#define STORY_TEXT_MAX 16384

static size_t
story_text(char *out, const char *head, int skip, const char *extra)
{
    size_t n = (size_t)snprintf(out, STORY_TEXT_MAX, "%s", head);

    for (int i = 0; i < 8; i++) {
        if (i == skip) continue;
        if (i == 5 && extra != NULL)
            n += (size_t)snprintf(out + n, STORY_TEXT_MAX - n, "%s\n", extra);
        n += (size_t)snprintf(out + n, STORY_TEXT_MAX - n, "%s%s", story[i],
                              i < 7 ? "\n" : "");
    }
    return n;
}

static int
shares_key(const struct fingerprint *a, const struct fingerprint *b)
{
    for (int i = 0; i < FINGERPRINT_BANDS; i++)
        for (int j = 0; j < FINGERPRINT_BANDS; j++)
            if (a->key[i] == b->key[j]) return 1;
    return 0;
}

/* Whether b is found as a copy of a: a shared key, and near enough. */
static int
copy_of(const struct fingerprint *a, const struct fingerprint *b)
{
    int d = fingerprint_distance(a->simhash, b->simhash);

    printf("#   distance %d, shared key %d\n", d, shares_key(a, b));
    return shares_key(a, b) && d <= FINGERPRINT_MAX_DISTANCE;
}

static void
test_own_story(void)
{
    static char text[STORY_TEXT_MAX];
    struct fingerprint base, fp;
    size_t n;

    n = story_text(text, "", -1, NULL);
    ok(fingerprint_make(text, n, &base), "the story has a fingerprint");
    ok(fingerprint_make(text, n, &fp) && fp.simhash == base.simhash &&
           memcmp(fp.key, base.key, sizeof fp.key) == 0,
       "the same text, the same fingerprint");
    n = story_text(text, "SEMARANG, Kabar Pantura - ", -1, NULL);
    fingerprint_make(text, n, &fp);
    ok(copy_of(&base, &fp), "another outlet's header: a copy");
    n = story_text(text, "", 4, NULL);
    fingerprint_make(text, n, &fp);
    ok(copy_of(&base, &fp), "a paragraph dropped: a copy");
    n = story_text(text, "", -1,
                   "Baca juga: Tanggul Laut Semarang Belum Juga Dibangun");
    fingerprint_make(text, n, &fp);
    ok(copy_of(&base, &fp), "a 'Baca juga' line added: a copy");
    n = story_text(text, "Semarang (ANTARA) - ", 6, NULL);
    fingerprint_make(text, n, &fp);
    ok(copy_of(&base, &fp), "header and a dropped paragraph: a copy");
    fingerprint_make(other, strlen(other), &fp);
    ok(!copy_of(&base, &fp), "another story on the same floods: no copy");
    ok(fingerprint_make("Hujan", 5, &fp) && !copy_of(&base, &fp),
       "one word has a fingerprint, no copy of the story");
    ok(!fingerprint_make(" -- , . ", 8, &fp), "no word, no fingerprint");
}

/* The corpus's bodies, when ../shared/data/news is here. */
#define CORPUS      "../shared/data/news/indosum_dev.jsonl"
#define CORPUS_MAX  4000

static void
test_corpus(void)
{
    static struct fingerprint fp[CORPUS_MAX];
    static char line[1 << 20], body[1 << 20], copy[1 << 20];
    FILE *f = fopen(CORPUS, "r");
    int n = 0, false_pairs = 0, tried = 0, found = 0;

    if (f == NULL) {
        printf("# skip: %s is not here\n", CORPUS);
        return;
    }
    srand(1);
    while (n < CORPUS_MAX && fgets(line, sizeof line, f) != NULL) {
        /* the "body" string, its \n escapes as newlines */
        char *p = strstr(line, "\"body\": \""), *w = body;
        size_t len, paras = 1, cl = 0, para = 0, drop;

        if (p == NULL) continue;
        for (p += 9; *p != '\0' && *p != '"'; p++) {
            if (*p == '\\' && p[1] != '\0') {
                p++;
                *w++ = *p == 'n' ? '\n' : *p;
            } else {
                *w++ = *p;
            }
        }
        len = (size_t)(w - body);
        fingerprint_make(body, len, &fp[n++]);
        for (size_t i = 0; i < len; i++)
            paras += body[i] == '\n';
        if (n % 7 != 0 || paras < 4) continue;
        drop = 1 + (size_t)rand() % (paras - 1);
        for (size_t i = 0; i < len; i++) {
            if (para != drop) copy[cl++] = body[i];
            para += body[i] == '\n';
        }
        struct fingerprint c;
        fingerprint_make(copy, cl, &c);
        tried++;
        found += shares_key(&fp[n - 1], &c) &&
                 fingerprint_distance(c.simhash, fp[n - 1].simhash) <=
                     FINGERPRINT_MAX_DISTANCE;
    }
    fclose(f);
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            false_pairs += shares_key(&fp[i], &fp[j]) &&
                           fingerprint_distance(fp[i].simhash,
                                                fp[j].simhash) <=
                               FINGERPRINT_MAX_DISTANCE;
    printf("# corpus: %d articles, %d pairs taken for copies; %d of %d "
           "copies with a paragraph dropped found\n",
           n, false_pairs, found, tried);
    ok(n > 3000, "the corpus read");
    ok(false_pairs == 0, "no two different articles taken for copies");
    ok(tried > 0 && found * 10 >= tried * 9,
       "90 % of the copies with a paragraph dropped found");
}

int
main(void)
{
    static const struct tap_case cases[] = {{"own story", test_own_story},
                                            {"corpus", test_corpus},
                                            {NULL, NULL}};

    if (stories_read() != 0) {
        printf("Bail out! cannot read %s\n", STORY_FILE);
        return 1;
    }
    return tap_main(cases);
}
