/*
 * alias_set.h - the aliases a query is expanded with, in memory: each
 * entry a short form (one word: KPK, Jokowi) and one of its long forms (one
 * to ALIAS_MAX_WORDS words: Komisi Pemberantasan Korupsi), both also kept
 * as keys, their words as the tokenizer folds them.  Pure C (the
 * tokenizer, no SQLite): qparse.c and ANALYZE look words up in it; alias.c
 * fills it from the built-in list (alias_builtin.h) and the aliases table.
 *
 * The precision rule (PROTOCOL.md, Aliases): a short form written in
 * capitals only (KPK, MK, AS, HAM) matches a query word only when that
 * word is typed in capitals too, since as, ma, mk and ham are also words;
 * any other short form (Jokowi, Korut) and every long form match in any
 * case.  A set is built on one thread, then only read.
 */
#ifndef ALIAS_SET_H
#define ALIAS_SET_H

#include <stddef.h>

#include "carid_plugin.h"

/* clang-format off */
#define ALIAS_MAX_SHORT     32    /* bytes of a short form */
#define ALIAS_MAX_LONG      128   /* bytes of a long form */
#define ALIAS_MAX_WORDS     8     /* words of a long form */
#define ALIAS_MAX_PER_SHORT 8     /* long forms of one short form */
#define ALIAS_MAX_ENTRIES   10000 /* editor entries in one index */
/* clang-format on */

struct tokenizer;

struct alias_entry {
    char *short_form; /* as written, NUL-terminated */
    char *long_form;  /* as written */
    char *short_key;  /* the folded word */
    char *long_key;   /* the folded words, one space between */
    int caps;         /* short form in capitals only: see the rule */
    int kind;         /* CARID_ALIAS_*: the built-in list, an editor, learned */
};

struct alias_set {
    struct alias_entry *e; /* by short_key, then long_key, once sealed */
    int n, cap;
    int *by_long;  /* indexes into e, by long_key, once sealed */
    int max_words; /* of the longest long form */
};

/* Makes the keys of a short and a long form with t: 0 with *short_key and
 * *long_key malloc'd and *nwords set, or -1 with why in err (a form empty,
 * too long, the short form not one word, the long form of too many words,
 * or the two the same). */
int alias_set_keys(struct tokenizer *t, const char *sf, size_t sn,
                   const char *lf, size_t ln, char **short_key, char **long_key,
                   int *nwords, char *err, size_t errlen);
/* The key of p[0..n) as a short form, malloc'd; NULL if it is not one
 * word of at most ALIAS_MAX_SHORT bytes (or out of memory). */
char *alias_set_short_key(struct tokenizer *t, const char *p, size_t n);
/* Adds an entry (forms copied); 0, or -1 (out of memory, or invalid: see
 * alias_set_keys()) with err set. */
int alias_set_add(struct alias_set *s, struct tokenizer *t, const char *sf,
                  size_t sn, const char *lf, size_t ln, int kind, char *err,
                  size_t errlen);
/* alias_set_add() into a sealed set, kept sealed: O(n), not a sort. */
int alias_set_insert(struct alias_set *s, struct tokenizer *t, const char *sf,
                     size_t sn, const char *lf, size_t ln, char *err,
                     size_t errlen);
/* Removes entry i of a sealed set, kept sealed: O(n). */
void alias_set_remove(struct alias_set *s, int i);
/* Sorts s for the lookups below and drops repeated entries (the same
 * keys: the built-in list's is kept, then an editor's, then a learned
 * one); 0, or -1 out of memory. */
int alias_set_seal(struct alias_set *s);
void alias_set_free(struct alias_set *s);

/* How many entries have the folded word key[0..n) as short form and
 * apply to it typed as raw[0..rawn) (the rule); they are s->e[*first]
 * on, consecutive, those the rule refuses skipped by the caller with
 * alias_set_applies().  0 if none. */
int alias_set_by_short(const struct alias_set *s, const char *key, size_t n,
                       int *first);
/* Nonzero if entry e applies to its short form typed as raw[0..n). */
int alias_set_applies(const struct alias_entry *e, const char *raw, size_t n);
/* How many entries have key[0..n) as long form's key: s->by_long[*first]
 * on, consecutive (indexes into s->e).  0 if none. */
int alias_set_by_long(const struct alias_set *s, const char *key, size_t n,
                      int *first);

#endif
