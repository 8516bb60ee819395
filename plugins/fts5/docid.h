/*
 * docid.h - rowids that sort by date.  A document's rowid is its date's day
 * number (days since 1900-01-01, plus one) in the high bits and its rank
 * among the articles of that day in the low 20, so FTS5's own rowid order
 * is "oldest date first, then first put first": newest-first is a backward
 * walk of the doclist that stops after a page of hits, and a date range is
 * a rowid range FTS5 seeks to, with no join on docs.  An upsert that
 * keeps its day keeps its rowid (store_put()), so only new articles take
 * ranks.
 *
 * Why so small: FTS5 writes a rowid in full (a varint) at the start of
 * every term's doclist on a page, and most terms are rare.  Today's rowids
 * take 6 bytes there; with the day shifted by 40 bits they took 9, and the
 * index was 20 % larger (plugins/fts5/DESIGN.md, Ingest).
 */
#ifndef DOCID_H
#define DOCID_H

#include <stddef.h>
#include <stdint.h>

#define DOCID_N_BITS 20 /* articles a day: 1 .. DOCID_N_MAX */
#define DOCID_N_MAX  ((INT64_C(1) << DOCID_N_BITS) - 1)

/* The day number of the date p[0..len) written YYYY-MM-DD: 0 when absent
 * or not of that shape (such documents sort oldest), 1 for 1900-01-01 and
 * any date before it, then one more per day. */
int64_t docid_day(const char *p, size_t len);
/* The rowid of the n'th article (1 .. DOCID_N_MAX) dated day. */
int64_t docid_make(int64_t day, int64_t n);
/* The n of a rowid. */
int64_t docid_n(int64_t rowid);
/* The smallest and largest rowid a document dated day can have. */
int64_t docid_first(int64_t day);
int64_t docid_last(int64_t day);

#endif
