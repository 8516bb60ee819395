/*
 * docid.h - rowids that sort by date.  A document's rowid is its date's day
 * number in the high bits and an arrival counter in the low 40, so FTS5's
 * own rowid order is "oldest date first, then first put first": newest-first
 * is a backward walk of the doclist that stops after a page of hits, and a
 * date range is a rowid range FTS5 seeks to, with no join on docs.
 */
#ifndef DOCID_H
#define DOCID_H

#include <stddef.h>
#include <stdint.h>

#define DOCID_SEQ_BITS 40 /* 1.1e12 puts before the counter wraps */
#define DOCID_SEQ_MASK ((INT64_C(1) << DOCID_SEQ_BITS) - 1)

/* 1 + days from 0000-01-01 to the date p[0..len) written YYYY-MM-DD; 0 when
 * the date is absent or not of that shape (such documents sort oldest). */
int64_t docid_day(const char *p, size_t len);
/* The rowid of the seq'th put of a document dated day. */
int64_t docid_make(int64_t day, int64_t seq);
/* The smallest and largest rowid a document dated day can have. */
int64_t docid_first(int64_t day);
int64_t docid_last(int64_t day);

#endif
