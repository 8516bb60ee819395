/*
 * stem_main.c - carid-stem: stems words from stdin ("word<TAB>stem" per
 * line), running text with --text (split by the 'indonesian' tokenizer,
 * "token<TAB>stem"), and with --bench FILE times the stemmer
 * (cached and uncached) against Snowball's Indonesian stemmer on the
 * tokens of a JSON-lines news file, in one process.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "stem.h"
#include "stem_bench.h"
#include "tokenizer.h"

#define STEM_MAIN_LINE 4096 /* bytes; longest input line in word mode */

static int
stem_main_words(struct stemmer *s)
{
    char line[STEM_MAIN_LINE], out[STEM_MAIN_LINE];

    while (fgets(line, sizeof(line), stdin) != NULL) {
        size_t n = strcspn(line, "\r\n");
        size_t k = stemmer_stem(s, line, n, out, sizeof(out));
        printf("%.*s\t%.*s\n", (int)n, line, (int)k, out);
    }
    return ferror(stdin) ? 1 : 0;
}

static int
stem_main_emit(void *ctx, const char *token, size_t token_len, const char *stem,
               size_t stem_len, size_t start, size_t end)
{
    (void)ctx;
    (void)start;
    (void)end;
    printf("%.*s\t%.*s\n", (int)token_len, token, (int)stem_len, stem);
    return 0;
}

/* Running text through the real tokenizer, which stems with its own cache. */
static int
stem_main_text(void)
{
    char err[256], *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int rc = 0;
    struct tokenizer *t = tokenizer_new(1, err, sizeof(err));

    if (t == NULL) {
        fprintf(stderr, "carid-stem: %s\n", err);
        return 1;
    }
    while (rc == 0 && (n = getline(&line, &cap, stdin)) > 0)
        if (tokenizer_run(t, line, (size_t)n, stem_main_emit, NULL) != 0)
            rc = 1;
    free(line);
    tokenizer_free(t);
    return rc != 0 || ferror(stdin) ? 1 : 0;
}

static void
stem_main_usage(FILE *f)
{
    fprintf(f, "usage: carid-stem [--no-cache]          words on stdin, one "
               "a line\n"
               "       carid-stem --text                running text on "
               "stdin\n"
               "       carid-stem --bench FILE.jsonl    words/s vs Snowball\n");
}

int
main(int argc, char **argv)
{
    char err[256];
    struct stemmer *s;
    int rc, cache = 1, text = 0;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--bench") == 0 && i + 1 < argc)
            return stem_bench_run(argv[i + 1]);
        if (strcmp(argv[i], "--no-cache") == 0) {
            cache = 0;
        } else if (strcmp(argv[i], "--text") == 0) {
            text = 1;
        } else {
            stem_main_usage(strcmp(argv[i], "--help") == 0 ? stdout : stderr);
            return strcmp(argv[i], "--help") == 0 ? 0 : 2;
        }
    }
    if (text) return stem_main_text();
    s = stemmer_new(err, sizeof(err));
    if (s == NULL) {
        fprintf(stderr, "carid-stem: %s\n", err);
        return 1;
    }
    if (!cache) stemmer_set_cache(s, 0);
    rc = stem_main_words(s);
    stemmer_free(s);
    return rc;
}
