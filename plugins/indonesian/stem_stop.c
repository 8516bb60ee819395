/*
 * stem_stop.c - Indonesian stopwords: the words of stopwords.txt (compiled
 * in by stem_embed.cmake) in a small open-addressing set built once per
 * process.  Offered to the tokenizer, not used by the stemmer itself.
 */
#include <pthread.h>
#include <string.h>

#include "dict.h"
#include "stem.h"

extern const char stem_stopwords[];
extern const size_t stem_stopwords_len;

#define STEM_STOP_SLOTS 1024 /* power of two, > 2x the list */
#define STEM_STOP_WORD  16   /* bytes; no stopword is longer */

static struct {
    char word[STEM_STOP_SLOTS][STEM_STOP_WORD]; /* "" = empty slot */
    unsigned char len[STEM_STOP_SLOTS];
} stem_stop_g;

static pthread_once_t stem_stop_once = PTHREAD_ONCE_INIT;

static size_t
stem_stop_slot(const char *w, size_t n)
{
    size_t i = dict_hash(w, n) & (STEM_STOP_SLOTS - 1);

    while (stem_stop_g.len[i] != 0 &&
           !(stem_stop_g.len[i] == n && memcmp(stem_stop_g.word[i], w, n) == 0))
        i = (i + 1) & (STEM_STOP_SLOTS - 1);
    return i;
}

/* Splits the embedded list on white space; '#' comments run to the EOL. */
static void
stem_stop_load(void)
{
    const char *p = stem_stopwords, *end = p + stem_stopwords_len;
    size_t count = 0;

    while (p < end) {
        size_t n = 0, i;
        if (*p == '#') {
            while (p < end && *p != '\n')
                p++;
            continue;
        }
        while (p + n < end && strchr(" \t\r\n#", p[n]) == NULL)
            n++;
        if (n > 0 && n < STEM_STOP_WORD && count < STEM_STOP_SLOTS / 2) {
            i = stem_stop_slot(p, n);
            memcpy(stem_stop_g.word[i], p, n);
            stem_stop_g.len[i] = (unsigned char)n;
            count++;
        }
        p += n > 0 ? n : 1;
    }
}

int
stem_is_stopword(const char *w, size_t n)
{
    pthread_once(&stem_stop_once, stem_stop_load);
    if (n == 0 || n >= STEM_STOP_WORD) return 0;
    return stem_stop_g.len[stem_stop_slot(w, n)] != 0;
}
