/*
 * carid_plugin.h - the ABI between the carid daemon and an index plugin.
 *
 * A plugin is a shared module exporting one symbol, carid_plugin_entry(),
 * which returns a const struct carid_plugin.  The daemon checks .abi first
 * and refuses a module built for another ABI.  Nothing malloc'd crosses the
 * boundary: results flow through callbacks and errors into the caller's
 * buffer.  This is the only header a plugin includes from the daemon.
 *
 * Threads: open/close run on the main thread.  Each query thread owns one
 * reader handle, the writer thread owns the one writer handle; a handle is
 * never used by two threads at once, but different handles run in parallel.
 */
#ifndef CARID_PLUGIN_H
#define CARID_PLUGIN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#define CARID_PLUGIN_ABI   9 /* bump on any incompatible change */
#define CARID_PLUGIN_ENTRY "carid_plugin_entry"
#define CARID_EXPORT       __attribute__((visibility("default")))
#define CARID_HOST_KEY_MAX 32 /* bytes of a host_set() key */

/* Log levels for carid_host.log. */
#define CARID_LOG_DEBUG 0
#define CARID_LOG_INFO  1
#define CARID_LOG_WARN  2
#define CARID_LOG_ERR   3

/* Services the daemon offers a plugin; valid from open() until close(). */
struct carid_host {
    int abi; /* CARID_PLUGIN_ABI of the daemon */
    /* Thread-safe; fmt is printf-style; one line per call, no newline. */
    void (*log)(int level, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
    /* --plugin-options: "name=value,name=value" or "" (never NULL).  The
     * plugin parses it and fails open() on a name it does not know. */
    const char *options;
};

/* A borrowed byte string; p is NULL when the value is absent. */
struct carid_str {
    const char *p;
    size_t len;
};

/* Article fields, in wire order; index into carid_doc.field[]. */
enum carid_field {
    CARID_FIELD_TITLE,
    CARID_FIELD_BODY,
    CARID_FIELD_SOURCE,
    CARID_FIELD_URL,
    CARID_FIELD_DATE,   /* "YYYY-MM-DD", validated by the daemon */
    CARID_FIELD_PLACE,  /* where the story was filed (ABI 7) */
    CARID_FIELD_AUTHOR, /* who wrote it (ABI 7) */
    /* The body as the client sent it, when the daemon's cleaning changed
     * it (ABI 7; daemon/clean.h); the plugin stores it, never indexes it. */
    CARID_FIELD_RAW,
    CARID_FIELD_COUNT
};

/* The longest id, in bytes: ids are keys, not documents.  The daemon
 * refuses a longer one in PUT; a plugin may count on id.len <= this in
 * put() and answer "not there" for a longer one in get() and del(). */
#define CARID_ID_MAX 256

/*
 * One article.  All strings are borrowed: valid only during the call that
 * receives them (put(), or the get()/search() callback).  Text is whatever
 * bytes the client sent; the plugin must cope with invalid UTF-8.
 */
struct carid_doc {
    struct carid_str id;
    struct carid_str field[CARID_FIELD_COUNT];
};

/* Sort orders for carid_query.sort. */
#define CARID_SORT_RELEVANCE 0
#define CARID_SORT_NEWEST    1
#define CARID_SORT_OLDEST    2

/* How a query's words typed side by side combine, carid_query.match. */
#define CARID_MATCH_BEST 0 /* best match: the more words, the earlier */
#define CARID_MATCH_ALL  1 /* every word must be in the article */

/* Whether misspelled query words are corrected, carid_query.fuzzy. */
#define CARID_FUZZY_ON  0 /* corrected against the index's vocabulary */
#define CARID_FUZZY_OFF 1 /* searched as typed */

/* A query word the plugin corrected: as it folded it, and a word it
 * searched as well or instead; both borrowed for the call.  0 to go on. */
typedef int carid_fix_fn(void *ctx, struct carid_str typed,
                         struct carid_str fix);

/* The most terms (FTS5: phrases) a query's statistics carry. */
#define CARID_GLOBAL_MAX_TERMS 64

/*
 * Statistics of a whole collection split over several indexes (ABI 9,
 * carid --route, daemon/ROUTE.md): summed over the shards, so that each
 * ranks as one index holding every article would.  documents and tokens
 * are what the plugin's termstats() reports as "documents" and "tokens",
 * df[i] its i-th "df", in the order it reported them.
 */
struct carid_global {
    int64_t documents;
    int64_t tokens;
    int nterms;
    int64_t df[CARID_GLOBAL_MAX_TERMS];
};

/*
 * A search request.  text is the client's query string, unparsed: the
 * plugin owns the query language.  Filters are empty strings when unset.
 */
struct carid_query {
    struct carid_str text;
    int64_t offset;             /* hits to skip, >= 0 */
    int64_t count;              /* hits to return, >= 0 (0: total only) */
    int sort;                   /* CARID_SORT_* */
    struct carid_str source;    /* only this source, if p != NULL */
    struct carid_str date_from; /* inclusive YYYY-MM-DD, if p != NULL */
    struct carid_str date_to;   /* inclusive YYYY-MM-DD, if p != NULL */
    unsigned want_fields;       /* bit (1 << CARID_FIELD_x): fields to return */
    int want_snippet;           /* nonzero: fill carid_hit.snippet */
    struct carid_str mark_open; /* highlight marks for snippets */
    struct carid_str mark_close;
    /* When to give up (ABI 3).  The plugin checks both often enough to
     * stop within a few milliseconds of either, in search() and facets(),
     * and then fails with an err starting "timeout" or "cancelled". */
    int64_t deadline_usec; /* CLOCK_MONOTONIC microseconds; 0: none */
    /* Set by the daemon while the query runs (the client has gone, or
     * SIGTERM): stop once CLOCK_MONOTONIC passes it; 0: not cancelled.
     * NULL: never. */
    const _Atomic int64_t *cancel_usec;
    int match; /* CARID_MATCH_* (ABI 5); a plugin may treat BEST as ALL */
    int fuzzy; /* CARID_FUZZY_* (ABI 6); a plugin may correct nothing */
    /* Optional (ABI 6): search() calls it once for each fix of each word
     * it corrected (a word may have several), in query order, before it
     * returns 0; facets() does not.  NULL: the daemon does not want them. */
    carid_fix_fn *fixed;
    void *fixed_ctx;
    /* ABI 7: nonzero for one hit per cluster of copies, the best-ranked
     * (carid_hit.copies); only asked of a plugin with copies(). */
    int collapse;
    /* ABI 9: NULL, or rank with these statistics instead of the index's
     * own (the router's second phase); the plugin fails the search if
     * they do not fit the query (another number of terms). */
    const struct carid_global *global;
};

/* The one date parser, for the daemon (PUT, FROM, TO) and plugins alike:
 * a real calendar date written YYYY-MM-DD (proleptic Gregorian, ISO 8601
 * years 0000-9999).  1 with *y, *m, *d set, or 0.  Inline, as below. */
static inline int
carid_date_parse(const char *p, size_t len, int *y, int *m, int *d)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30,
                                 31, 31, 30, 31, 30, 31};
    static const int start[3] = {0, 5, 8}, width[3] = {4, 2, 2};
    int v[3] = {0, 0, 0}, leap;

    if (p == NULL || len != 10 || p[4] != '-' || p[7] != '-') return 0;
    for (int f = 0; f < 3; f++) {
        for (int i = start[f]; i < start[f] + width[f]; i++) {
            if (p[i] < '0' || p[i] > '9') return 0;
            v[f] = v[f] * 10 + (p[i] - '0');
        }
    }
    leap = (v[0] % 4 == 0 && v[0] % 100 != 0) || v[0] % 400 == 0;
    if (v[1] < 1 || v[1] > 12 || v[2] < 1 ||
        v[2] > days[v[1] - 1] + (v[1] == 2 && leap))
        return 0;
    *y = v[0];
    *m = v[1];
    *d = v[2];
    return 1;
}

/* The one way a client's bytes are shown in a reply, an error or a log:
 * at most outlen - 1 bytes of p[0..len) into out, NUL-terminated; control
 * bytes, DEL and the quote that delimits them in messages become '?'.
 * Bytes >= 0x80 stay as sent (a field name reads as written) unless ascii
 * is set (command names and query syntax are ASCII).  Inline, as above. */
static inline void
carid_shown(const char *p, size_t len, int ascii, char *out, size_t outlen)
{
    size_t n = len < outlen - 1 ? len : outlen - 1;

    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)p[i];
        int keep = ch >= 0x20 && ch != 0x7f && ch != '\'' &&
                   (ch < 0x80 || !ascii);

        out[i] = keep ? (char)ch : '?';
    }
    out[n] = '\0';
}

/* The check a plugin makes against q's deadline and cancel flag: 0 to go
 * on, or -1 with the message in err ("timeout: ..." / "cancelled: ...").
 * Inline, so that a plugin links nothing of the daemon's. */
static inline int
carid_query_expired(const struct carid_query *q, char *err, size_t errlen)
{
    int64_t cancel = q->cancel_usec != NULL ? *q->cancel_usec : 0;
    struct timespec ts;
    int64_t now;

    if (q->deadline_usec <= 0 && cancel == 0) return 0;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    now = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
    if (cancel != 0 && now >= cancel) {
        snprintf(err, errlen, "cancelled: the client has gone");
        return -1;
    }
    if (q->deadline_usec <= 0 || now < q->deadline_usec) return 0;
    snprintf(err, errlen,
             "timeout: the query ran past --query-timeout-ms "
             "(make it narrower, or ask the operator)");
    return -1;
}

/* One search hit, borrowed for the duration of the emit callback. */
struct carid_hit {
    struct carid_str id;
    double score;         /* higher is better */
    struct carid_doc doc; /* only the fields asked for in want_fields */
    struct carid_str snippet;
    int64_t copies; /* collapse: the articles of its cluster, itself too */
};

/* Callbacks return 0 to go on, nonzero to stop early (not an error). */
typedef int carid_hit_fn(void *ctx, const struct carid_hit *hit);
typedef int carid_doc_fn(void *ctx, const struct carid_doc *doc);
/* A stat: name is [a-z0-9_]+, value an integer. */
typedef int carid_stat_fn(void *ctx, const char *name, int64_t value);
/* One term with a count: a suggestion, or a facet value and its hits. */
typedef int carid_term_fn(void *ctx, struct carid_str term, int64_t count);
/* One token of ANALYZE: [start, end) byte offsets into the input text. */
typedef int carid_token_fn(void *ctx, struct carid_str token,
                           struct carid_str stem, size_t start, size_t end);
/* Where an alias comes from, carid_alias_fn's kind. */
#define CARID_ALIAS_EDITOR  0 /* ALIAS ADD */
#define CARID_ALIAS_BUILTIN 1 /* the plugin's own list */
#define CARID_ALIAS_LEARNED 2 /* found in the articles (ABI 6) */
/* One alias (ABI 4): a short form, one of its long forms, and where the
 * entry comes from (CARID_ALIAS_*). */
typedef int carid_alias_fn(void *ctx, struct carid_str short_form,
                           struct carid_str long_form, int kind);

/*
 * Every function returns 0 on success and -1 on failure with a message in
 * err (NUL-terminated, at most errlen bytes including the NUL), unless its
 * comment says otherwise.  Members may be NULL where marked "optional";
 * the daemon then answers the matching command with an error.
 */
struct carid_plugin {
    int abi;             /* CARID_PLUGIN_ABI: always the first field */
    const char *name;    /* short name, e.g. "fts5" */
    const char *version; /* the plugin's own version string */

    /* Opens (creating if needed) the index stored in directory dir.
     * *db receives the plugin's handle; host outlives it. */
    int (*open)(const struct carid_host *host, const char *dir, void **db,
                char *err, size_t errlen);
    /* Closes db; every reader and the writer are closed first. */
    void (*close)(void *db);

    /* A handle for one query thread. */
    int (*reader_open)(void *db, void **reader, char *err, size_t errlen);
    void (*reader_close)(void *reader);
    /* The one handle for the writer thread. */
    int (*writer_open)(void *db, void **writer, char *err, size_t errlen);
    void (*writer_close)(void *writer);

    /* Group commit: begin, any number of put/del, then commit (durable on
     * return 0) or rollback.  A failed put/del leaves the batch usable. */
    int (*begin)(void *writer, char *err, size_t errlen);
    /* Inserts or replaces the article with doc->id (absent fields: empty). */
    int (*put)(void *writer, const struct carid_doc *doc, char *err,
               size_t errlen);
    /* Deletes id; *removed is set to 1 if it existed, else 0. */
    int (*del)(void *writer, struct carid_str id, int *removed, char *err,
               size_t errlen);
    int (*commit)(void *writer, char *err, size_t errlen);
    void (*rollback)(void *writer);

    /* Calls fn once with the article if it exists; *found says whether. */
    int (*get)(void *reader, struct carid_str id, carid_doc_fn *fn, void *ctx,
               int *found, char *err, size_t errlen);
    /* Sets *total to the number of matches and calls fn for each hit in
     * [offset, offset + count), best first.  A query the plugin cannot
     * parse fails with a message meant for the client. */
    int (*search)(void *reader, const struct carid_query *q, carid_hit_fn *fn,
                  void *ctx, int64_t *total, char *err, size_t errlen);
    /* Calls fn for each of the plugin's statistics; must include
     * "documents". */
    int (*stats)(void *reader, carid_stat_fn *fn, void *ctx, char *err,
                 size_t errlen);
    /* Optional: tokens and stems of text, as the index would see them. */
    int (*analyze)(void *reader, struct carid_str text, carid_token_fn *fn,
                   void *ctx, char *err, size_t errlen);
    /* Optional: merge index segments; runs on the writer thread. */
    int (*optimize)(void *writer, char *err, size_t errlen);
    /* Optional: consistent copy of the index into the file at path, which
     * the daemon has created empty (the plugin must not create it); on
     * failure the daemon deletes it. */
    int (*backup)(void *reader, const char *path, char *err, size_t errlen);
    /* Optional: up to max indexed words starting with prefix (as typed:
     * the plugin folds it), most frequent first, for a search box. */
    int (*suggest)(void *reader, struct carid_str prefix, int64_t max,
                   carid_term_fn *fn, void *ctx, char *err, size_t errlen);
    /* Optional: for the matches of q (its filters applied, offset/count
     * ignored), the number of hits per value of field (only
     * CARID_FIELD_SOURCE is asked for today), most hits first. */
    int (*facets)(void *reader, const struct carid_query *q, int field,
                  carid_term_fn *fn, void *ctx, char *err, size_t errlen);
    /* Optional (ABI 3): checks the index in dir without open() and
     * without writing to it (carid --check).  0 sound, 1 corrupt, -1
     * could not check; a one-line verdict in msg in every case. */
    int (*check)(const struct carid_host *host, const char *dir, char *msg,
                 size_t msglen);
    /* Optional (ABI 3): remakes the index in dir from the articles it
     * still holds (carid --rebuild), without open(); no daemon may have it
     * open.  0 with the articles *kept and *lost and a note in msg (where
     * the old file went), or -1 with the reason in msg. */
    int (*rebuild)(const struct carid_host *host, const char *dir,
                   int64_t *kept, int64_t *lost, char *msg, size_t msglen);
    /* Optional (ABI 4): aliases, the other forms a query word also
     * matches (PROTOCOL.md, ALIAS).  alias_add and alias_del run on the
     * writer inside the group commit, as put and del do, and take effect
     * for searches once it commits.  *changed: 1 if the entry is new (add),
     * the entries removed (del; long_form.p NULL: every editor entry of
     * short_form).  The plugin checks the forms and its limits; a refused
     * entry leaves the batch usable. */
    int (*alias_add)(void *writer, struct carid_str short_form,
                     struct carid_str long_form, int64_t *changed, char *err,
                     size_t errlen);
    int (*alias_del)(void *writer, struct carid_str short_form,
                     struct carid_str long_form, int64_t *changed, char *err,
                     size_t errlen);
    /* Optional (ABI 4): calls fn for each alias (short_form.p not NULL:
     * only that short form's, any case), by short form then long form. */
    int (*alias_list)(void *reader, struct carid_str short_form,
                      carid_alias_fn *fn, void *ctx, char *err, size_t errlen);
    /* Optional (ABI 7): the writer's background work (the fts5 plugin
     * merges its engine's fresh tier), about budget_usec of it in
     * transactions of its own, on the writer thread between batches (never
     * between begin and commit).  *more 1 while some is left: the daemon
     * calls again after each batch and whenever no write waits.  A failure
     * is logged; the index stays as it was before the call. */
    int (*maintain)(void *writer, int64_t budget_usec, int *more, char *err,
                    size_t errlen);
    /* Optional (ABI 7): copies of one story.  Calls fn for each other
     * article of id's cluster (term: its id; count: how far its
     * fingerprint is, in bits), oldest first; *found 0 if there is no
     * such article.  A plugin with it takes carid_query.collapse. */
    int (*copies)(void *reader, struct carid_str id, carid_term_fn *fn,
                  void *ctx, int *found, char *err, size_t errlen);
    /* Optional (ABI 8): one number the daemon keeps in the index under its
     * own key (at most CARID_HOST_KEY_MAX bytes, [a-z_]; the plugin keeps
     * it apart from its own), e.g. the replicated log's sequence applied
     * (daemon/replicate.h).  host_set runs on the writer between begin and
     * commit, so the value commits or rolls back with the batch; host_get
     * reads the last committed value, *found 0 (and *value 0) if none.
     * carid --replicate needs both. */
    int (*host_set)(void *writer, const char *key, int64_t value, char *err,
                    size_t errlen);
    int (*host_get)(void *reader, const char *key, int64_t *value, int *found,
                    char *err, size_t errlen);
    /* Optional (ABI 9): makes a copy of the file at path, one backup()
     * wrote, the index in dir, without open(); no daemon may have dir's
     * index open.  The file is checked first (this plugin's index, sound)
     * and any index in dir is replaced only once the copy is complete and
     * durable.  0, or -1 with the reason in msg (dir then as it was).
     * carid --replicate-snapshot needs it. */
    int (*restore)(const struct carid_host *host, const char *dir,
                   const char *path, char *msg, size_t msglen);
    /* Optional (ABI 9): what ranking q depends on beyond each article,
     * for a router to sum over shards (carid_global): fn gets
     * "documents" (the index's articles), "tokens" (their tokens, the
     * average length's numerator), optionally "parsed" (a hash of how it
     * parsed q: indexes that give different ones rank q differently),
     * then "df" once per term of q's parsed query, in the order search()
     * sums them, and, when want_total,
     * "matches" (q's total, its filters applied).  q's offset, count and
     * global are ignored. */
    int (*termstats)(void *reader, const struct carid_query *q, int want_total,
                     carid_stat_fn *fn, void *ctx, char *err, size_t errlen);
    /* New members go here, at the end. */
};

typedef const struct carid_plugin *carid_plugin_entry_fn(void);

CARID_EXPORT const struct carid_plugin *carid_plugin_entry(void);

#endif
