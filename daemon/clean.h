/*
 * clean.h - an article as a scraper saved it, made into the article: the
 * boilerplate lines (credits, "Baca juga", captions, ads) out of the body,
 * the title from a headline line or the lead, and the outlet, place,
 * author and date from datelines, credits and the text, where the PUT did
 * not give them.  What the rules are is data: clean_patterns.txt (built
 * in) or a newsroom's own file of the same form, whose header documents
 * it.  PCRE2 and libc only; no I/O but clean_rules_file().
 *
 * Why the daemon cleans (at PUT, on the writer thread): every client, the
 * feed script, a JSONL feed and redis-cli alike, gets the same articles,
 * and every plugin stores the same fields (README, "Feeding articles").
 */
#ifndef CLEAN_H
#define CLEAN_H

#include <stddef.h>

#include "carid_plugin.h"

/* Limits, each documented in clean_patterns.txt and PROTOCOL.md (PUT). */
#define CLEAN_LINE_MAX   400 /* bytes: longer lines are text, never dropped */
#define CLEAN_TITLE_MAX  100 /* bytes of a title made from the lead, + "…" */
#define CLEAN_HEAD_MAX   160 /* bytes: a longer first line is no headline */
#define CLEAN_HEAD_WORDS 20  /* words: a longer first line is no headline */
#define CLEAN_FIELD_MAX  120 /* bytes of a source, place or author found */
#define CLEAN_RULES_MAX  256 /* rules in one patterns file */

struct clean_rules;

/* Compiles the rules in text[0..len) (the patterns file's form); name is
 * what errors call it.  NULL with "name:LINE: why" in err. */
struct clean_rules *clean_rules_parse(const char *text, size_t len,
                                      const char *name, char *err,
                                      size_t errlen);
/* The built-in rules (clean_patterns.txt); NULL with err set. */
struct clean_rules *clean_rules_builtin(char *err, size_t errlen);
/* Reads and compiles the file at path; NULL with err set. */
struct clean_rules *clean_rules_file(const char *path, char *err,
                                     size_t errlen);
void clean_rules_free(struct clean_rules *r);

/* What clean_doc() did, for the caller's counters. */
struct clean_result {
    char *buf;     /* owns the strings clean_doc() put in the doc */
    int changed;   /* the body lost lines or a dateline: RAW holds it */
    int dropped;   /* boilerplate lines dropped */
    int title_set; /* the title was made (headline or lead) */
};

/*
 * Cleans doc in place: BODY becomes the kept lines (one '\n' between
 * them), TITLE is made when absent or empty, SOURCE, PLACE, AUTHOR and
 * DATE are filled when absent or empty and the text has them, and RAW is
 * the body as it came when it changed.  The new strings live in res->buf
 * (free() it after the doc is used); the others stay borrowed.  A body
 * whose every line is boilerplate stays as it came: nothing is lost.
 * Thread-safe for one rules set used by many threads; never fails.
 */
void clean_doc(const struct clean_rules *r, struct carid_doc *doc,
               struct clean_result *res);

#endif
