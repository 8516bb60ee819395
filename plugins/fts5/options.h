/*
 * options.h - the FTS5 plugin's --plugin-options ("name=value,...").  They
 * bound its memory: the daemon's RSS is about
 *   (threads + 1) x mmap_mb + threads x cache_mb + writer_cache_mb
 *   + 16 MB (FTS5's pending postings) + 4 MB a tokenizer (stem cache)
 * whatever the size of the index (plugins/fts5/DESIGN.md, Memory).
 */
#ifndef OPTIONS_H
#define OPTIONS_H

#include <stddef.h>
#include <stdint.h>

struct options {
    int64_t mmap_mb;         /* per connection: SQLite's mmap_size */
    int64_t cache_mb;        /* per reader: SQLite's page cache */
    int64_t writer_cache_mb; /* the writer's page cache */
};

/* Fills *o from text (NULL or "" keeps the defaults); -1 with a message
 * naming the bad part and the known names. */
int options_parse(const char *text, struct options *o, char *err,
                  size_t errlen);

#endif
