/*
 * spell.h - a misspelled query word corrected against the index's own
 * vocabulary (PROTOCOL.md, Misspellings).  A word of SPELL_MIN_LETTERS or
 * more letters a-z whose stem is in at most SPELL_RARE_DF articles gets
 * the words one edit away (edits.h), stemmed as the index stems, whose
 * stems are in at least SPELL_FACTOR times as many articles and at least
 * SPELL_MIN_DF: the SPELL_MAX_FIXES stems in the most articles (ties: the
 * first) that are in at least 1/SPELL_SPREAD of the first one's (a stem
 * in 100 is no alternative to one in 18,000), each as one word (the one
 * that is its own stem, else the longer, else the first); never a
 * stopword, nor the typed word's own stem.  A word of SPELL_LONG_LETTERS
 * or more letters for which no word one edit away counts gets, by the
 * same rules, the long words two edits away (spell_forms.h).  The caller
 * searches them all (qparse.h, qparse_spelled()).
 *
 * The vocabulary is the stems in SPELL_MIN_DF or more articles with their
 * counts: OPTIMIZE writes them to table spell_words from the scan that
 * builds the top lists (toplist_build.c, spell_build_*()), the writer
 * adds each commit's to spell_new when idle (spell_learn.h), and each
 * reader keeps spell_words plus spell_new in memory (a hash, some 40
 * bytes a stem), read again at the next OPTIMIZE, or SPELL_RESCAN_SEC
 * after the writer added some, when a word is to be corrected (a stale
 * vocabulary still says which words are common); the long words
 * (spell_forms) are read on the first search of two edits.  An index
 * that no OPTIMIZE of this carid has seen and holds at most
 * SPELL_SCAN_MAX articles is read from FTS5 itself (fts5vocab), again
 * when a commit changed it and SPELL_RESCAN_SEC have passed; a larger
 * one corrects with what the writer learnt.  The typed word's own count
 * comes from FTS5 (at most SPELL_RARE_DF + 1 rows read) unless the
 * vocabulary says it is common, and a fix is searched once before it is
 * offered (it must find itself).  On db.h; the reader's thread.
 */
#ifndef SPELL_H
#define SPELL_H

#include <stddef.h>
#include <stdint.h>

#include "carid_plugin.h"
#include "db.h"

/* clang-format off */
#define SPELL_MIN_LETTERS 5     /* shorter words are not corrected */
#define SPELL_RARE_DF     10    /* a word in more articles is not */
#define SPELL_FACTOR      20    /* a fix is in this many times the articles */
#define SPELL_MIN_DF      1     /* ... and in at least these */
#define SPELL_MAX_FIXES   3     /* stems offered for one word, each in */
#define SPELL_SPREAD      100   /* ... 1/this of the first's articles */
#define SPELL_SCAN_MAX    10000 /* articles read through fts5vocab */
#define SPELL_RESCAN_SEC  10    /* ... at most this often */
#define SPELL_LONG_LETTERS 9    /* from this long, two edits away too */
#define SPELL_FORMS_MAX   200000 /* long words a reader keeps for that */
/* clang-format on */

struct spell_vocab;

/*
 * For the folded query word word[0..len): 1 with the words to search as
 * well in fix[0..*fixlen) (a-z, one space between, at most cap bytes,
 * most articles first), 2 with the words to search instead (no article
 * holds the typed one), 0 when it is not corrected, -1 with err set
 * (qparse.h's qparse_spell_fn).  rare: a word that some articles hold
 * may be corrected too (else only one that none holds).  Inside or
 * outside a read transaction.
 */
int spell_fix(struct db_conn *c, int rare, const char *word, size_t len,
              char *fix, size_t cap, size_t *fixlen, char *err, size_t errlen);

/* STATS: spell_stems and spell_forms (the long words kept for two edits)
 * of the vocabulary a reader read last, spell_bytes (the memory the
 * readers' vocabularies take together), then spell_learn.h's; 0, or 1
 * when fn stopped. */
int spell_stats(struct db_conn *c, carid_stat_fn *fn, void *ctx);

/* Frees a reader's vocabulary (store_conn_close()); NULL is fine. */
void spell_vocab_free(struct spell_vocab *v);

/* OPTIMIZE, on the writer, in its transaction: 0 or -1 with err set.
 * clear before the scan, word for each stem of the scan with its article
 * count (those under SPELL_MIN_DF are skipped), done after it. */
int spell_build_clear(struct db_conn *c, char *err, size_t errlen);
int spell_build_word(struct db_conn *c, const char *term, size_t len,
                     int64_t df, char *err, size_t errlen);
int spell_build_done(struct db_conn *c, char *err, size_t errlen);

#endif
