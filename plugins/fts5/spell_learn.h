/*
 * spell_learn.h - the writer keeps spell.h's vocabulary current between
 * OPTIMIZEs.  As each article is indexed it notes, from the tokens
 * already recorded for FTS5 (tokens.h), every stem with one more article
 * and every word of SPELL_FORMS_MIN or more letters a-z with its stem;
 * the writer's idle step (store_maintain()) writes them, within its
 * time budget, to table spell_new (stem, articles added since OPTIMIZE:
 * a stem's count once the articles noted since reach an eighth of those
 * written, not after every batch) and spell_forms (word, stem:
 * spell_forms.h's words), then bumps meta.spell_learn_gen, which readers
 * follow (spell.h).  OPTIMIZE counts every article again (spell_words)
 * and empties spell_new and the noted counts (spell_learn_optimized()).
 * Counts only grow, and lag by up to an eighth: an article replaced or
 * deleted is not taken off before OPTIMIZE.
 *
 * Bounded: at most SPELL_LEARN_STEMS stems and SPELL_LEARN_FORMS words
 * noted and not yet written (some 60 bytes each); when full, what the
 * next articles bring is dropped (STATS spell_learn_dropped) until the
 * idle step has written what is held.  On db.h; the writer's, except
 * that spell_learn_doc() also runs on fts_batch.h's helper thread while a
 * batch is applied (store.c): calls on one connection take its lock, and
 * spell_learn_open() comes first on the writer's thread.
 */
#ifndef SPELL_LEARN_H
#define SPELL_LEARN_H

#include <stddef.h>
#include <stdint.h>

#include "carid_plugin.h"
#include "db.h"
#include "tokens.h"

/* clang-format off */
#define SPELL_LEARN_STEMS 131072 /* stems noted, written or not */
#define SPELL_LEARN_FORMS 262144 /* words noted, written or not */
#define SPELL_LEARN_MIN_TOKEN 4  /* shorter tokens are not noted: a fix is
                                    one edit from a word of spell.h's
                                    SPELL_MIN_LETTERS or more */
/* clang-format on */

struct spell_learn;

/* Makes the connection's noting state, if it has none: 0 or -1 with err
 * set (out of memory).  Before a batch's helper may call
 * spell_learn_doc(). */
int spell_learn_open(struct db_conn *c, char *err, size_t errlen);
/* Notes one article put (title, body, their recordings rec[0..1] when
 * made, else NULL or empty: then tokenized here, with the connection's
 * tokenizer, so only on the writer's thread): 0 or -1 with err set (out
 * of memory).  Two threads may call it at once. */
int spell_learn_doc(struct db_conn *c, struct carid_str title,
                    struct carid_str body, const struct tokens *rec, char *err,
                    size_t errlen);
/* Whether anything noted waits to be written. */
int spell_learn_pending(const struct db_conn *c);
/* Writes what waits, in its own transaction, stopping after budget_usec
 * (*more then 1): 0 or -1 with err set.  Outside a transaction. */
int spell_learn_write(struct db_conn *c, int64_t budget_usec, int *more,
                      char *err, size_t errlen);
/* OPTIMIZE, in its transaction: spell_new emptied, the noted counts
 * forgotten (the words noted stay, to be written). */
int spell_learn_optimized(struct db_conn *c, char *err, size_t errlen);
/* STATS: spell_learn_noted (long words noted new since start),
 * spell_learn_dropped; 0, or 1 when fn stopped. */
int spell_learn_stats(struct db_conn *c, carid_stat_fn *fn, void *ctx);
void spell_learn_free(struct spell_learn *l);

#endif
