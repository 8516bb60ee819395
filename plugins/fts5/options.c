/*
 * options.c - see options.h.  One table: name, bounds, default, field.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"

struct options_def {
    const char *name;
    int64_t min, max, def;
    size_t offset;
};

/*
 * Defaults: 256 MB of mmap per connection maps the hot part of an index
 * (the FTS5 segments' index pages and common words' doclists) without the
 * RSS growing with the corpus; see DESIGN.md for the latencies with 0,
 * 256 and 1024.
 */
static const struct options_def options_table[] = {
    {"mmap_mb", 0, 1 << 20, 256, offsetof(struct options, mmap_mb)},
    {"cache_mb", 1, 1 << 16, 16, offsetof(struct options, cache_mb)},
    {"writer_cache_mb", 1, 1 << 16, 64,
     offsetof(struct options, writer_cache_mb)},
};
#define OPTIONS_COUNT (sizeof options_table / sizeof options_table[0])

static int64_t *
options_field(struct options *o, const struct options_def *d)
{
    return (int64_t *)((char *)o + d->offset);
}

/* Sets the option named p[0..len), "name=value". */
static int
options_one(struct options *o, const char *p, size_t len, char *err,
            size_t errlen)
{
    const char *eq = memchr(p, '=', len);
    char value[32], *end;
    size_t nlen = eq != NULL ? (size_t)(eq - p) : len, vlen;
    long long v;

    for (size_t i = 0; i < OPTIONS_COUNT; i++) {
        const struct options_def *d = &options_table[i];

        if (strlen(d->name) != nlen || memcmp(d->name, p, nlen) != 0) continue;
        vlen = eq != NULL ? len - nlen - 1 : 0;
        if (vlen > 0 && vlen < sizeof value) {
            memcpy(value, eq + 1, vlen);
            value[vlen] = '\0';
            v = strtoll(value, &end, 10);
            if (*end == '\0' && v >= d->min && v <= d->max) {
                *options_field(o, d) = v;
                return 0;
            }
        }
        snprintf(err, errlen,
                 "plugin option %s must be an integer in %lld..%lld", d->name,
                 (long long)d->min, (long long)d->max);
        return -1;
    }
    snprintf(err, errlen,
             "unknown plugin option '%.*s' (fts5 knows mmap_mb, cache_mb,"
             " writer_cache_mb)",
             (int)(nlen > 64 ? 64 : nlen), p);
    return -1;
}

int
options_parse(const char *text, struct options *o, char *err, size_t errlen)
{
    const char *p = text != NULL ? text : "";

    for (size_t i = 0; i < OPTIONS_COUNT; i++)
        *options_field(o, &options_table[i]) = options_table[i].def;
    while (*p != '\0') {
        size_t len = strcspn(p, ",");

        if (len > 0 && options_one(o, p, len, err, errlen) != 0) return -1;
        p += len;
        if (*p == ',') p++;
    }
    return 0;
}
