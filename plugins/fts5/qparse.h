/*
 * qparse.h - the search language: the client's query text in, a safe FTS5
 * MATCH expression plus SQL filter values out.  Pure C (the tokenizer, no
 * SQLite), so the unit tests and the fuzzer run it alone.  The grammar is
 * at the top of qparse.c and in protocol/PROTOCOL.md.
 */
#ifndef QPARSE_H
#define QPARSE_H

#include <stddef.h>

#include "carid_plugin.h"

/* clang-format off */
#define QPARSE_MAX_TERMS   64   /* words in one query */
#define QPARSE_MAX_PREFIXES 4   /* word* in one query: each expands to
                                   every indexed word it starts */
#define QPARSE_MIN_PREFIX  2    /* bytes before the '*' */
#define QPARSE_MAX_DEPTH   32   /* nested (), field: and NEAR( */
#define QPARSE_MAX_SOURCES 8    /* source: filters, and -source: ones */
#define QPARSE_NEAR        10   /* default NEAR distance, in words */
#define QPARSE_MAX_NEAR    1000 /* largest NEAR distance */
#define QPARSE_MAX_ALIASES 8    /* words and phrases an alias expands in one
                                   query; the others are searched as typed */
#define QPARSE_MIN_TO_CAPS 3    /* letters of a capitals-only short form a
                                   long form expands to (not MA, AS) */
#define QPARSE_MAX_FIXES   4    /* words corrected in one query */
#define QPARSE_FIX_BYTES   200  /* a corrected word, or its fixes, NUL too */
/* clang-format on */

struct alias_set;
struct tokenizer;

/* A word qparse_spelled() corrected: as folded, and what it searched too. */
struct qparse_fix {
    char typed[QPARSE_FIX_BYTES]; /* NUL-terminated */
    char fix[QPARSE_FIX_BYTES];   /* a-z words, one space between, NUL */
    int replaced;                 /* the typed word is not searched */
};

/* A parsed query.  The strings in source[] and exclude[] are borrowed from
 * the query text; match is owned (qparse_free()). */
struct qparse_result {
    char *match;   /* the FTS5 expression, NUL-terminated */
    int terms;     /* words in it, 1..QPARSE_MAX_TERMS */
    char from[11]; /* date: lower bound YYYY-MM-DD, "" when open */
    char to[11];   /* date: upper bound, "" when open */
    int nsource;   /* source:x filters: any of them */
    int nexclude;  /* -source:x filters: none of them */
    struct carid_str source[QPARSE_MAX_SOURCES];
    struct carid_str exclude[QPARSE_MAX_SOURCES];
    /* Best match (QPARSE_BEST): match is an OR of the query's items (its
     * words, phrases and groups typed side by side), +items ANDed before
     * it; hits rank by how many items they hold, then as usual. */
    int best;  /* 1 if match is such an OR, 0 if every item is required */
    int items; /* best: the items that count, + ones included */
    char *map; /* best: per FTS5 phrase of match, in order, its item as
                  '0' + i, or '-' for one not counted (a NOT, or the copy
                  of a +item that keeps the OR true); owned */
    int nfix;  /* qparse_spelled(): the words corrected, in query order */
    struct qparse_fix fix[QPARSE_MAX_FIXES];
};

/* qparse_aliased() flags. */
#define QPARSE_BEST 1 /* side-by-side items: best match, not AND */

/*
 * Parses text[0..len) (any bytes) into *out, every item required (as
 * SEARCH ... MATCH all), using t only to split words
 * the way the index does (its stems are not used: FTS5 stems the quoted
 * strings itself).  Returns 0, or -1 with a message for the client in err,
 * "query error at <byte offset>: <what>" or "out of memory"; *out then
 * owns nothing.  Any thread; t is the caller's.
 */
int qparse(struct tokenizer *t, const char *text, size_t len,
           struct qparse_result *out, char *err, size_t errlen);

/*
 * qparse() with aliases (alias_set.h; NULL: none): a word that is a short
 * form also matches its long forms as phrases, a phrase or a run of plain
 * words that is a long form also matches its short forms, as
 * ("kpk" OR "komisi pemberantasan korupsi").  Not inside NEAR, nor for a
 * prefix; the precision rule is alias_set.h's (PROTOCOL.md, Aliases).
 */
int qparse_aliased(struct tokenizer *t, const struct alias_set *aliases,
                   const char *text, size_t len, struct qparse_result *out,
                   char *err, size_t errlen);

/*
 * qparse_aliased() with flags.  QPARSE_BEST: when the whole query is items
 * side by side (no OR, no AND written out at its top level), of which at
 * least two count and one is not +required, the result is best match
 * (r->best): "a b +c -d" becomes "c" AND ("c" OR "a" OR "b") NOT "d".
 * Otherwise (and without the flag) it is what qparse_aliased() returns.
 */
int qparse_flags(struct tokenizer *t, const struct alias_set *aliases,
                 int flags, const char *text, size_t len,
                 struct qparse_result *out, char *err, size_t errlen);

/*
 * A spelling corrector (spell.h): for the folded plain word word[0..len),
 * 1 with words to search as well in fix[0..*fixlen) (a-z, one space
 * between, at most cap bytes), 2 with words to search instead (no article
 * holds the typed one), 0 when there is none, -1 with err set (the parse
 * fails).
 */
typedef int qparse_spell_fn(void *ctx, const char *word, size_t len, char *fix,
                            size_t cap, size_t *fixlen, char *err,
                            size_t errlen);

/*
 * qparse_flags() with a corrector (NULL: none, as qparse_flags()).  It is
 * asked about each plain word: not quoted, not a prefix, not after + - or
 * NOT, not in NEAR, not a stopword, not expanded by an alias; at most
 * QPARSE_MAX_FIXES of them, while the words stay within
 * QPARSE_MAX_TERMS.  A corrected word is searched as ("typed" OR "fix"
 * OR ...), or without "typed" when the corrector said 2, and listed in
 * out->fix.  When such a word with "typed" is the query's only item, best
 * match (QPARSE_BEST) makes the typed word an item of its own too, so
 * that an article holding it as typed ranks above one holding only a fix
 * (among other items BM25 ranks them, the typed word being the rarer).
 */
int qparse_spelled(struct tokenizer *t, const struct alias_set *aliases,
                   int flags, qparse_spell_fn *spell, void *spell_ctx,
                   const char *text, size_t len, struct qparse_result *out,
                   char *err, size_t errlen);

/* Frees what qparse() allocated in r; safe on a zeroed or freed result. */
void qparse_free(struct qparse_result *r);

/* Nonzero if p[0..len) is a real calendar date written YYYY-MM-DD. */
int qparse_date_valid(const char *p, size_t len);

#endif
