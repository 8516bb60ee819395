/*
 * prefix.h - a prefix (word*) expanded through the index's vocabulary, as
 * Xapian's OP_WILDCARD with max_expansion and WILDCARD_LIMIT_ERROR: a lone
 * word* may match at most PREFIX_MAX_EXPANSION indexed words (stems); over
 * that the query fails with an error that says how many words it matches
 * and to type more letters, instead of FTS5 merging and scoring every
 * article of every one of them.  The prefix stays one term (FTS5's and
 * Xapian's OP_SYNONYM reading: its occurrences are summed, its df is the
 * articles holding any of its words); query_prefix.h answers a query of
 * one prefix with the engine.
 *
 * The vocabulary is FTS5's own (an fts5vocab 'row' table over fts, read as
 * a range of terms: its cost grows with the matched words' postings, a
 * millisecond or so for a prefix within the limit at 100,000 articles).
 * A prefix inside a phrase ("harga ber"*) is narrowed by the phrase's other
 * words and is not limited here (QPARSE_MAX_PREFIXES still caps how many).
 */
#ifndef PREFIX_H
#define PREFIX_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "tokenizer.h"

#define PREFIX_MAX_EXPANSION 128  /* indexed words one word* may match */
#define PREFIX_COUNT_MAX     1000 /* words counted at most: "more than" */
/* Tests: another limit (test_deadline.py lifts it for a query that must be
 * slow), read at each search. */
#define PREFIX_MAX_ENV "CARID_FTS5_PREFIX_MAX"

/* One indexed word a prefix matches, with the articles holding it. */
struct prefix_word {
    char term[TOKENIZER_MAX_TOKEN];
    size_t len;
    int64_t df;
};

/* A prefix's expansion: words[0..n) in term order, or only the count when
 * over the limit. */
struct prefix_words {
    struct prefix_word *words; /* owned: free() */
    int n;                     /* kept in words */
    int64_t matched;           /* words the prefix matches, up to
                                  PREFIX_COUNT_MAX + 1 */
};

/*
 * The prefix inside FTS5 string s[0..len) (qparse's bytes between the
 * quotes, '"' doubled) as the index stems it: 1 with stem[0..*stem_len)
 * when it is one word, 0 when it is a phrase or nothing, -1 out of memory.
 */
int prefix_stem(struct tokenizer *t, const char *s, size_t len,
                char stem[TOKENIZER_MAX_TOKEN], size_t *stem_len);

/*
 * On a reader (inside its read transaction, or alone): the indexed words
 * starting with stem[0..len), kept in w->words while there are at most max
 * of them; w->matched counts them (up to PREFIX_COUNT_MAX + 1).  0, or -1
 * with err set (w then owns nothing).  Free with prefix_words_free().
 */
int prefix_expand(struct db_conn *c, const char *stem, size_t len, int max,
                  struct prefix_words *w, char *err, size_t errlen);
void prefix_words_free(struct prefix_words *w);

/*
 * Checks every lone word* of FTS5 expression match (as qparse() writes
 * it) against PREFIX_MAX_EXPANSION (or $CARID_FTS5_PREFIX_MAX): 0, or -1
 * with err set, "prefix 'x*' matches N indexed words (at most 128): type
 * more letters" when one is over it.
 */
int prefix_check(struct db_conn *c, const char *match, char *err,
                 size_t errlen);

/* Makes the connection's temp.vocab and temp.vocab_inst (fts5vocab 'row'
 * and 'instance' over fts) if missing: readers are query_only, which also
 * forbids creating temp tables.  0, or -1 with err set.  SUGGEST reads
 * temp.vocab too, query_prefix.c temp.vocab_inst. */
int prefix_vocab_table(struct db_conn *c, char *err, size_t errlen);

#endif
