/*
 * posts_fts5.h - a word's postings read from FTS5's own index, for a word
 * without blocks: the words of a lone prefix (query_prefix.c) and a word a
 * merge gives blocks to (posts_merge.c).  Costs a read of every
 * occurrence of the word (fts5vocab 'instance'), and of the lengths.
 */
#ifndef POSTS_FTS5_H
#define POSTS_FTS5_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "posts.h"

/* Appends the word's postings (term[0..len) as indexed: stemmed) to l, in
 * docid order, their dl 0 (posts_fts5_lengths() fills it).  0, or -1 with
 * err set. */
int posts_fts5_append(struct db_conn *c, const char *term, size_t len,
                      struct posts_list *l, char *err, size_t errlen);
/* Fills the dl of the postings of p[0..n) (docid order, one per article)
 * that have none, missing of them, of an index of ndocs articles: their
 * length over all columns, as FTS5's xColumnSize(-1).  0, or -1 with err
 * set (a missing length is corruption). */
int posts_fts5_lengths(struct db_conn *c, struct post_posting *p, size_t n,
                       size_t missing, int64_t ndocs, char *err, size_t errlen);

#endif
