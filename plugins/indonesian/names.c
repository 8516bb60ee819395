/*
 * names.c - see names.h.  The set is an open-addressing table of spans of
 * the embedded names.txt itself (read by dict_each_word()), so the words
 * are not copied; it never changes after loading.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dict.h"
#include "names.h"

/* Embedded by stem_embed.cmake from names.txt. */
extern const char stem_names[];
extern const size_t stem_names_len;

struct names_slot {
    const char *w; /* into stem_names, NULL = empty slot */
    uint32_t hash; /* dict_hash() of the word */
    uint32_t len;  /* bytes */
};

static struct {
    struct names_slot *slots; /* mask + 1 slots, at most half full */
    size_t mask;
    int failed;
} names_g;

static pthread_once_t names_once = PTHREAD_ONCE_INIT;

static struct names_slot *
names_slot_for(const char *w, size_t n, uint32_t h)
{
    size_t i = h & names_g.mask;

    for (;;) {
        struct names_slot *sl = &names_g.slots[i];
        if (sl->w == NULL) return sl;
        if (sl->hash == h && sl->len == n && memcmp(sl->w, w, n) == 0)
            return sl;
        i = (i + 1) & names_g.mask;
    }
}

static int
names_add(void *ctx, const char *w, size_t n)
{
    uint32_t h = dict_hash(w, n);
    struct names_slot *sl = names_slot_for(w, n, h);

    sl->w = w;
    sl->hash = h;
    sl->len = (uint32_t)n;
    (void)ctx;
    return 0;
}

static void
names_load(void)
{
    long count = dict_each_word(stem_names, stem_names_len, NULL, NULL);
    size_t slots = 64;

    while (slots < 2 * (size_t)count)
        slots *= 2;
    names_g.slots = calloc(slots, sizeof(*names_g.slots));
    if (names_g.slots == NULL) {
        names_g.failed = 1;
        return;
    }
    names_g.mask = slots - 1;
    dict_each_word(stem_names, stem_names_len, names_add, NULL);
}

int
names_open(void)
{
    pthread_once(&names_once, names_load);
    return names_g.failed ? -1 : 0;
}

int
names_has(const char *w, size_t n)
{
    if (names_g.slots == NULL || n == 0) return 0;
    return names_slot_for(w, n, dict_hash(w, n))->w != NULL;
}
