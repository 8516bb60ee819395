/*
 * alias_learn.h - short forms defined in running text, found the way
 * Schwartz and Hearst do (PSB 2003, "A simple algorithm for identifying
 * abbreviation definitions in biomedical text"): "Komisi Pemberantasan
 * Korupsi (KPK)", "Korea Utara (Korut)", and the other way round, "KPK
 * (Komisi Pemberantasan Korupsi)".  The short form's letters must occur in
 * the long form in order, its first letter at the start of the long form's
 * first word, which is the shortest such run of words before the bracket,
 * at most min(letters + 5, 2 * letters) words, and every word of it but a
 * stopword must give a letter (not "Gerakan Indonesia Raya Prabowo" for
 * Gerindra, whose Prabowo gives the last a).  Pure C, ASCII letters only
 * (Indonesian acronyms are), any thread; alias.c counts what it finds in
 * carid.db and makes an alias of a pair seen in enough articles.
 *
 * What counts as a short form (the precision rule of the learning, in
 * PROTOCOL.md, Aliases): one word of 2 to ALIAS_LEARN_MAX_SHORT letters or
 * digits, beginning with a capital; either two or more capitals (KPK,
 * DPRD, PLTU, LaNyalla) or a capitalised word of 4+ letters that is not a
 * root of the dictionary nor a stopword (Korut, Jokowi, Pemprov; not
 * Antara, Senin).  The long form: 2 to ALIAS_MAX_WORDS words of letters,
 * digits and '-', nothing else (a comma or a full stop ends the search).
 */
#ifndef ALIAS_LEARN_H
#define ALIAS_LEARN_H

#include <stddef.h>

/* clang-format off */
#define ALIAS_LEARN_MAX_SHORT 10 /* letters of a short form learned */
#define ALIAS_LEARN_MAX_PAIRS 32 /* different pairs taken from one text */
/* clang-format on */

/* Called once per different pair found: the short form as written, the
 * long form as written (words one space apart, NUL-terminated); nonzero
 * stops the scan. */
typedef int alias_learn_fn(void *ctx, const char *short_form,
                           const char *long_form);

/* The key alias.c counts a long form under: lf[0..n) with its ASCII
 * capitals in lower case, in out[0..cap); its length, or 0 if it does not
 * fit. */
size_t alias_learn_key(const char *lf, size_t n, char *out, size_t cap);

/* Calls fn for the pairs defined in text[0..len) (any bytes), at most
 * ALIAS_LEARN_MAX_PAIRS; returns what fn last returned (0 when it never
 * stopped the scan).  Needs dict_open() (the ordinary-word check). */
int alias_learn_scan(const char *text, size_t len, alias_learn_fn *fn,
                     void *ctx);

#endif
