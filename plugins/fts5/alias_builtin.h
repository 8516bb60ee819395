/*
 * alias_builtin.h - the project's own list of short forms of Indonesian
 * news (state bodies, ministries, parties, provinces' short names, public
 * figures' nicknames: public facts), active in every index, editors'
 * entries (alias.h) on top.  Written for carid from general knowledge of
 * Indonesian usage, not copied from the evaluation's tests/acronyms-dev.tsv.
 * Left out: short forms mostly something else in news text (PT, PP, PMI is
 * also Palang Merah Indonesia, SIM is also a word).
 */
#ifndef ALIAS_BUILTIN_H
#define ALIAS_BUILTIN_H

/* The number of entries, and the i-th's short and long form. */
int alias_builtin_count(void);
void alias_builtin_at(int i, const char **short_form, const char **long_form);

#endif
