/*
 * index.h - the in-memory plugin's data: articles by id plus an inverted
 * index (term -> postings), with its ASCII-ish tokenizer.  Not thread-safe:
 * mem.c puts a rwlock around it.  Out of memory aborts (xmalloc.h):
 * a half-applied batch could not be undone anyway.
 */
#ifndef INDEX_H
#define INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "carid_plugin.h"

/* One term of one article: how often it occurs in the title and body. */
struct index_dterm {
    uint64_t hash;           /* index_hash() of the folded term */
    const char *text;        /* folded term; owned by tokens, then term */
    size_t len;              /* bytes of text */
    uint32_t tf_title;       /* occurrences in the title */
    uint32_t tf_body;        /* occurrences in the body */
    struct index_term *term; /* set when the article is indexed */
    size_t pos;              /* this article's slot in term->post[] */
};

/* An article: one allocation holds the id and the field bytes. */
struct index_doc {
    struct index_doc *next; /* id hash chain */
    uint64_t hash;          /* index_hash() of the id */
    uint64_t seq;           /* insertion order; higher is newer */
    struct carid_str id;
    struct carid_str field[CARID_FIELD_COUNT]; /* p NULL when empty */
    struct index_dterm *term; /* nterm entries, sorted by index_dterm_cmp */
    size_t nterm;
    char *tokens; /* folded term text until indexed, then NULL */
};

struct index_posting {
    struct index_doc *doc;
    size_t slot; /* index into doc->term[] */
};

/* A distinct term and every article containing it (unordered). */
struct index_term {
    struct index_term *next; /* term hash chain */
    uint64_t hash;
    struct index_posting *post;
    size_t npost;
    size_t cap;
    size_t len; /* bytes of text */
    char text[];
};

struct index {
    struct index_doc **doc; /* id buckets; ndoc_bucket is a power of 2 */
    size_t ndoc_bucket;
    size_t ndoc;
    struct index_term **term; /* term buckets; same scheme */
    size_t nterm_bucket;
    size_t nterm;
    uint64_t seq; /* last insertion number handed out */
};

/* Initialises an empty index; index_free() releases everything in it. */
void index_init(struct index *ix);
void index_free(struct index *ix);

/* FNV-1a over p[0..len); index_hash_folded() hashes it as if folded. */
uint64_t index_hash(const char *p, size_t len);
uint64_t index_hash_folded(const char *p, size_t len);

/* c with ASCII folded to lower case. */
char index_fold_byte(char c);

/* 1 if byte c is part of a word: ASCII letters and digits, and every
 * byte >= 0x80 so UTF-8 sequences stay whole. */
int index_is_word(unsigned char c);

/* Finds the next word in p[*pos..len): returns its length (0 at the end)
 * and its start in *start; advances *pos past it. */
size_t index_token_next(const char *p, size_t len, size_t *pos, size_t *start);

/* Copies p[0..len) into out, folding ASCII to lower case. */
void index_fold(const char *p, size_t len, char *out);

/* A copy of d, tokenized, not yet in any index.  Returns NULL with a
 * message in err if out of memory.  Free with index_doc_free() unless
 * handed to index_put(). */
struct index_doc *index_doc_new(const struct carid_doc *d, char *err,
                                size_t errlen);
void index_doc_free(struct index_doc *doc);

/* The article with this id, or NULL. */
struct index_doc *index_find(const struct index *ix, const char *id,
                             size_t len);
/* The term, folded and hashed, or NULL. */
const struct index_term *index_term_find(const struct index *ix,
                                         const char *text, size_t len,
                                         uint64_t hash);
/* doc's entry for a term, or NULL if doc does not contain it. */
const struct index_dterm *index_doc_term(const struct index_doc *doc,
                                         const char *text, size_t len,
                                         uint64_t hash);

/* Indexes doc (taking ownership), replacing any article with its id. */
void index_put(struct index *ix, struct index_doc *doc);
/* Removes the article with this id; returns 1 if it existed, else 0. */
int index_del(struct index *ix, const char *id, size_t len);

#endif
