/*
 * cmd_read.c - GET, SEARCH, COUNT and ANALYZE.  Options are parsed on the
 * loop thread into a struct carid_query; the plugin runs on a query thread
 * and its hits are encoded there, so the loop only copies bytes.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cmd.h"
#include "server.h"
#include "stats.h"

#define CMD_MAX_QUERY  4096   /* bytes of query text */
#define CMD_MAX_COUNT  1000   /* hits per SEARCH */
#define CMD_MAX_OFFSET 100000 /* deep paging costs linear time */

/* Collects encoded hits or tokens, counting them for the array header. */
struct cmd_collect {
    struct reply_buf buf;
    int64_t n;
    const struct job_search *search;
};

/* Whether argument i names one of SEARCH's options: SNIPPET's optional
 * marks stop before it.  The option words live in cmd.c's SEARCH table. */
static int
cmd_is_option(const struct resp_req *r, int i)
{
    const struct cmd *search = cmd_lookup("SEARCH", 6);

    for (const struct cmd_arg *a = search->args; a->name || a->token; a++) {
        if (a->token && cmd_arg_is(r, i, a->token)) return 1;
    }
    return 0;
}

static int
cmd_blank(const char *p, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n')
            return 0;
    }
    return 1;
}

/* RETURN n field...; returns the index of the last argument used or -1. */
static int
cmd_parse_return(struct job *job, int i)
{
    struct job_search *s = &job->arg.search;
    struct resp_req *r = &job->req;
    int64_t n;

    if (i + 1 >= r->argc ||
        cmd_parse_int(r->argv[i + 1], r->argl[i + 1], 0, CARID_FIELD_COUNT,
                      &n) != 0 ||
        i + 1 + n > r->argc - 1) {
        reply_error(&job->out,
                    "ERR RETURN needs a count 0..%d and that many "
                    "fields",
                    CARID_FIELD_COUNT);
        return -1;
    }
    s->q.want_fields = 0;
    s->nfields = 0;
    for (int k = 0; k < n; k++) {
        int a = i + 2 + k;
        int f = cmd_field_lookup(r->argv[a], r->argl[a]);
        char name[64];

        if (f < 0 || (s->q.want_fields & (1u << f))) {
            carid_shown(r->argv[a], r->argl[a], 0, name, sizeof name);
            reply_error(&job->out, "ERR RETURN: %s field '%s'",
                        f < 0 ? "unknown" : "duplicate", name);
            return -1;
        }
        s->q.want_fields |= 1u << f;
        s->field_order[s->nfields++] = (unsigned)f;
    }
    return i + 1 + (int)n;
}

/* STATS "documents tokens df ...": a router's statistics (ROUTE.md);
 * returns the index of its argument or -1. */
static int
cmd_parse_stats(struct job *job, int i)
{
    struct job_search *s = &job->arg.search;
    struct resp_req *r = &job->req;
    char text[CARID_GLOBAL_MAX_TERMS * 21 + 48], *p, *end;
    int64_t v[CARID_GLOBAL_MAX_TERMS + 2];
    int n = 0;

    if (i + 1 >= r->argc || r->argl[i + 1] >= sizeof text) goto bad;
    memcpy(text, r->argv[i + 1], r->argl[i + 1]);
    text[r->argl[i + 1]] = '\0';
    for (p = text; *p != '\0'; p = end) {
        while (*p == ' ')
            p++;
        if (*p == '\0') break;
        if (n == CARID_GLOBAL_MAX_TERMS + 2 ||
            cmd_parse_int(p, strcspn(p, " "), 0, INT64_MAX, &v[n]) != 0)
            goto bad;
        end = p + strcspn(p, " ");
        n++;
    }
    if (n < 2) goto bad;
    s->global.documents = v[0];
    s->global.tokens = v[1];
    s->global.nterms = n - 2;
    for (int k = 2; k < n; k++)
        s->global.df[k - 2] = v[k];
    s->q.global = &s->global;
    return i + 1;
bad:
    reply_error(&job->out,
                "ERR STATS takes \"documents tokens df ...\": "
                "2 to %d integers >= 0",
                CARID_GLOBAL_MAX_TERMS + 2);
    return -1;
}

/* One option at argv[i]; returns the index of its last argument or -1
 * with an error reply. */
static int
cmd_parse_option(struct job *job, int i)
{
    struct job_search *s = &job->arg.search;
    struct resp_req *r = &job->req;
    int have1 = i + 1 < r->argc, have2 = i + 2 < r->argc;
    char name[64];

    if (cmd_arg_is(r, i, "LIMIT")) {
        if (!have1 || cmd_parse_int(r->argv[i + 1], r->argl[i + 1], 0,
                                    CMD_MAX_OFFSET, &s->q.offset) != 0) {
            reply_error(&job->out, "ERR LIMIT offset must be 0..100000");
            return -1;
        }
        if (!have2 || cmd_parse_int(r->argv[i + 2], r->argl[i + 2], 0,
                                    CMD_MAX_COUNT, &s->q.count) != 0) {
            reply_error(&job->out, "ERR LIMIT count must be 0..1000");
            return -1;
        }
        return i + 2;
    }
    if (cmd_arg_is(r, i, "SORT")) {
        if (have1 && cmd_arg_is(r, i + 1, "relevance"))
            s->q.sort = CARID_SORT_RELEVANCE;
        else if (have1 && cmd_arg_is(r, i + 1, "newest"))
            s->q.sort = CARID_SORT_NEWEST;
        else if (have1 && cmd_arg_is(r, i + 1, "oldest"))
            s->q.sort = CARID_SORT_OLDEST;
        else {
            reply_error(&job->out,
                        "ERR SORT must be relevance, newest or oldest");
            return -1;
        }
        return i + 1;
    }
    if (cmd_arg_is(r, i, "SOURCE")) {
        if (!have1) {
            reply_error(&job->out, "ERR SOURCE needs a source name");
            return -1;
        }
        s->q.source = (struct carid_str){r->argv[i + 1], r->argl[i + 1]};
        return i + 1;
    }
    if (cmd_arg_is(r, i, "FROM") || cmd_arg_is(r, i, "TO")) {
        int from = cmd_arg_is(r, i, "FROM");

        if (!have1 || !cmd_date_valid(r->argv[i + 1], r->argl[i + 1])) {
            reply_error(&job->out, "ERR %s needs a date YYYY-MM-DD",
                        from ? "FROM" : "TO");
            return -1;
        }
        *(from ? &s->q.date_from : &s->q.date_to) = (struct carid_str){
            r->argv[i + 1], r->argl[i + 1]};
        return i + 1;
    }
    if (cmd_arg_is(r, i, "MATCH")) {
        if (have1 && cmd_arg_is(r, i + 1, "best"))
            s->q.match = CARID_MATCH_BEST;
        else if (have1 && cmd_arg_is(r, i + 1, "all"))
            s->q.match = CARID_MATCH_ALL;
        else {
            reply_error(&job->out, "ERR MATCH must be best or all");
            return -1;
        }
        return i + 1;
    }
    if (cmd_arg_is(r, i, "FUZZY")) {
        s->want_fixes = 0;
        if (have1 && cmd_arg_is(r, i + 1, "on"))
            s->q.fuzzy = CARID_FUZZY_ON;
        else if (have1 && cmd_arg_is(r, i + 1, "off"))
            s->q.fuzzy = CARID_FUZZY_OFF;
        else if (have1 && cmd_arg_is(r, i + 1, "show") && !s->count_only) {
            s->q.fuzzy = CARID_FUZZY_ON;
            s->want_fixes = 1;
        } else {
            reply_error(&job->out, s->count_only
                                       ? "ERR FUZZY must be on or off"
                                       : "ERR FUZZY must be on, off or show");
            return -1;
        }
        return i + 1;
    }
    if (cmd_arg_is(r, i, "RETURN")) return cmd_parse_return(job, i);
    if (cmd_arg_is(r, i, "SNIPPET")) {
        s->q.want_snippet = 1;
        if (have2 && !cmd_is_option(r, i + 1)) {
            s->q.mark_open = (struct carid_str){r->argv[i + 1], r->argl[i + 1]};
            s->q.mark_close = (struct carid_str){r->argv[i + 2],
                                                 r->argl[i + 2]};
            return i + 2;
        }
        return i;
    }
    if (cmd_arg_is(r, i, "COLLAPSE")) {
        if (s->count_only || server.plugin->copies == NULL) {
            reply_error(&job->out,
                        s->count_only ? "ERR COLLAPSE is SEARCH's: COUNT "
                                        "counts articles"
                                      : "ERR plugin '%s' has no COLLAPSE",
                        server.plugin->name);
            return -1;
        }
        s->q.collapse = 1;
        return i;
    }
    if (cmd_arg_is(r, i, "STATS") && !s->count_only && !s->termstats)
        return cmd_parse_stats(job, i);
    if (cmd_arg_is(r, i, "COUNTS")) {
        if (!have1 || !cmd_arg_is(r, i + 1, "source")) {
            reply_error(&job->out, "ERR COUNTS takes one field: source");
            return -1;
        }
        s->want_counts = 1;
        return i + 1;
    }
    carid_shown(r->argv[i], r->argl[i], 0, name, sizeof name);
    reply_error(&job->out, "ERR unknown option '%s'", name);
    return -1;
}

static int
cmd_search_parse(struct job *job, int count_only, int termstats)
{
    struct job_search *s = &job->arg.search;
    struct resp_req *r = &job->req;

    s->count_only = count_only;
    s->termstats = termstats;
    s->q.text = (struct carid_str){r->argv[1], r->argl[1]};
    s->q.count = count_only ? 0 : 10;
    s->q.mark_open = (struct carid_str){"[", 1};
    s->q.mark_close = (struct carid_str){"]", 1};
    if (r->argl[1] > CMD_MAX_QUERY) {
        reply_error(&job->out, "ERR query too long (max 4096 bytes)");
        return -1;
    }
    if (cmd_blank(r->argv[1], r->argl[1])) {
        reply_error(&job->out, "ERR empty query");
        return -1;
    }
    for (int i = 2; i < r->argc; i++) {
        if (termstats && cmd_arg_is(r, i, "TOTAL")) {
            s->want_total = 1;
            continue;
        }
        i = cmd_parse_option(job, i);
        if (i < 0) return -1;
    }
    if (termstats && server.plugin->termstats == NULL) {
        reply_error(&job->out, "ERR plugin '%s' has no TERMSTATS",
                    server.plugin->name);
        return -1;
    }
    if (count_only) s->q.count = 0;
    return 0;
}

int
cmd_search_prepare(struct job *job)
{
    return cmd_search_parse(job, 0, 0);
}

int
cmd_count_prepare(struct job *job)
{
    return cmd_search_parse(job, 1, 0);
}

/* TERMSTATS: COUNT's options, and TOTAL. */
int
cmd_termstats_prepare(struct job *job)
{
    return cmd_search_parse(job, 1, 1);
}

static void
cmd_put_field(struct reply_buf *b, int f, struct carid_str v)
{
    reply_bulk_str(b, cmd_field_name(f));
    reply_bulk(b, v.p != NULL ? v.p : "", v.p != NULL ? v.len : 0);
}

static int
cmd_search_hit(void *ctx, const struct carid_hit *hit)
{
    struct cmd_collect *c = ctx;
    const struct job_search *s = c->search;

    reply_array(&c->buf, 2 + 2 * s->nfields + (s->q.want_snippet ? 2 : 0) +
                             (s->q.collapse ? 2 : 0));
    reply_bulk(&c->buf, hit->id.p, hit->id.len);
    if (s->q.global != NULL) {
        /* a router merges shards by it: every bit (ROUTE.md) */
        char exact[32];
        int n = snprintf(exact, sizeof exact, "%.17g", hit->score);

        reply_bulk(&c->buf, exact, (size_t)n);
    } else {
        reply_bulk_double(&c->buf, hit->score);
    }
    for (int k = 0; k < s->nfields; k++) {
        int f = (int)s->field_order[k];

        cmd_put_field(&c->buf, f, hit->doc.field[f]);
    }
    if (s->q.want_snippet) {
        reply_bulk_str(&c->buf, "snippet");
        reply_bulk(&c->buf, hit->snippet.p != NULL ? hit->snippet.p : "",
                   hit->snippet.p != NULL ? hit->snippet.len : 0);
    }
    if (s->q.collapse) {
        reply_bulk_str(&c->buf, "copies");
        reply_int(&c->buf, hit->copies);
    }
    c->n++;
    return 0;
}

static int
cmd_collect_term(void *ctx, struct carid_str term, int64_t count)
{
    struct cmd_collect *c = ctx;

    reply_bulk(&c->buf, term.p, term.len);
    if (count >= 0) reply_int(&c->buf, count);
    c->n++;
    return 0;
}

/* FUZZY show: a flat [typed, fix, ...] array. */
static int
cmd_collect_fix(void *ctx, struct carid_str typed, struct carid_str fix)
{
    struct cmd_collect *c = ctx;

    reply_bulk(&c->buf, typed.p, typed.len);
    reply_bulk(&c->buf, fix.p, fix.len);
    c->n++;
    return 0;
}

/* SUGGEST replies with the words only. */
static int
cmd_suggest_term(void *ctx, struct carid_str term, int64_t count)
{
    (void)count;
    return cmd_collect_term(ctx, term, -1);
}

/* COUNTS source: a flat [source, hits, ...] array into c. */
static int
cmd_search_counts(struct job *job, void *reader, struct cmd_collect *c,
                  char *err, size_t errlen)
{
    if (server.plugin->facets == NULL) {
        snprintf(err, errlen, "plugin '%s' has no COUNTS", server.plugin->name);
        return -1;
    }
    return server.plugin->facets(reader, &job->arg.search.q, CARID_FIELD_SOURCE,
                                 cmd_collect_term, c, err, errlen);
}

/* The deadline and cancel flag are the request's own, or its EXEC's. */
static void
cmd_search_arm(struct job *job)
{
    struct job *owner = job->parent != NULL ? job->parent : job;

    job->arg.search.q.deadline_usec = (int64_t)owner->deadline;
    job->arg.search.q.cancel_usec = &owner->cancel_usec;
}

/* TERMSTATS' flat [name, value, ...]. */
static int
cmd_collect_stat(void *ctx, const char *name, int64_t value)
{
    struct cmd_collect *c = ctx;

    reply_bulk_str(&c->buf, name);
    reply_int(&c->buf, value);
    c->n += 2;
    return 0;
}

static void
cmd_termstats_run(struct job *job, void *reader)
{
    struct cmd_collect c = {0};
    char err[256];
    int rc;

    cmd_search_arm(job);
    reply_buf_init(&c.buf);
    rc = server.plugin->termstats(reader, &job->arg.search.q,
                                  job->arg.search.want_total, cmd_collect_stat,
                                  &c, err, sizeof err);
    cmd_reply_collected(job, rc, err, c.n, &c.buf);
}

void
cmd_search_run(struct job *job, void *reader)
{
    struct cmd_collect c = {.search = &job->arg.search};
    struct cmd_collect counts = {0}, fixes = {0};
    char err[256];
    int64_t total = 0;
    int want_counts = job->arg.search.want_counts;
    int want_fixes = job->arg.search.want_fixes;

    if (job->arg.search.termstats) {
        cmd_termstats_run(job, reader);
        return;
    }
    stats_add(&stats.searches, 1);
    cmd_search_arm(job);
    reply_buf_init(&c.buf);
    reply_buf_init(&counts.buf);
    reply_buf_init(&fixes.buf);
    if (want_fixes) {
        job->arg.search.q.fixed = cmd_collect_fix;
        job->arg.search.q.fixed_ctx = &fixes;
    }
    if (server.plugin->search(reader, &job->arg.search.q, cmd_search_hit, &c,
                              &total, err, sizeof err) != 0 ||
        (want_counts &&
         cmd_search_counts(job, reader, &counts, err, sizeof err) != 0)) {
        reply_error(&job->out, "ERR %s", err);
        if (strncmp(err, "timeout", 7) == 0)
            stats_add(&stats.query_timeouts, 1);
        else if (strncmp(err, "cancelled", 9) == 0)
            stats_add(&stats.queries_cancelled, 1);
    } else if (job->arg.search.count_only) {
        reply_int(&job->out, total);
    } else {
        /* [total, (fixes,) (counts,) hit, hit, ...] */
        reply_array(&job->out, c.n + 1 + want_fixes + want_counts);
        reply_int(&job->out, total);
        if (want_fixes) {
            reply_array(&job->out, 2 * fixes.n);
            reply_raw(&job->out, fixes.buf.p, fixes.buf.len);
        }
        if (want_counts) {
            reply_array(&job->out, 2 * counts.n);
            reply_raw(&job->out, counts.buf.p, counts.buf.len);
        }
        reply_raw(&job->out, c.buf.p, c.buf.len);
    }
    reply_buf_free(&c.buf);
    reply_buf_free(&counts.buf);
    reply_buf_free(&fixes.buf);
}

/* SUGGEST prefix [LIMIT n] [WITHCOUNTS]: words for a search box, most
 * frequent first; WITHCOUNTS: each followed by its articles (a router
 * sums them over its shards). */
void
cmd_suggest_run(struct job *job, void *reader)
{
    struct resp_req *r = &job->req;
    struct carid_str prefix = {r->argv[1], r->argl[1]};
    struct cmd_collect c = {0};
    char err[256];
    int64_t max = 10;
    int rc, i, counts = 0, limit = 0, bad = 0;

    for (i = 2; i < r->argc && !bad; i++) {
        if (cmd_arg_is(r, i, "WITHCOUNTS") && !counts)
            counts = 1;
        else if (cmd_arg_is(r, i, "LIMIT") && !limit && i + 1 < r->argc &&
                 cmd_parse_int(r->argv[i + 1], r->argl[i + 1], 1, 100, &max) ==
                     0)
            limit = ++i;
        else
            bad = 1;
    }
    if (bad) {
        reply_error(&job->out,
                    "ERR SUGGEST takes a prefix, LIMIT 1..100 and WITHCOUNTS");
        return;
    }
    if (server.plugin->suggest == NULL) {
        reply_error(&job->out, "ERR plugin '%s' has no SUGGEST",
                    server.plugin->name);
        return;
    }
    if (r->argl[1] == 0 || r->argl[1] > 256) {
        reply_error(&job->out, "ERR SUGGEST prefix must be 1..256 bytes");
        return;
    }
    reply_buf_init(&c.buf);
    rc = server.plugin->suggest(reader, prefix, max,
                                counts ? cmd_collect_term : cmd_suggest_term,
                                &c, err, sizeof err);
    cmd_reply_collected(job, rc, err, counts ? 2 * c.n : c.n, &c.buf);
}

int
cmd_get_prepare(struct job *job)
{
    struct resp_req *r = &job->req;

    if (r->argc == 3 && !cmd_arg_is(r, 2, "COPIES")) {
        reply_error(&job->out,
                    "ERR wrong number of arguments for 'get' command");
        return -1;
    }
    if (r->argc == 3 && server.plugin->copies == NULL) {
        reply_error(&job->out, "ERR plugin '%s' has no COPIES",
                    server.plugin->name);
        return -1;
    }
    return 0;
}

static int
cmd_get_doc(void *ctx, const struct carid_doc *doc)
{
    struct cmd_collect *c = ctx;
    int n = 0;

    for (int f = 0; f < CARID_FIELD_COUNT; f++)
        n += doc->field[f].p != NULL && doc->field[f].len > 0;
    reply_array(&c->buf, 2 * n + (c->n < 0 ? 2 : 0)); /* n < 0: COPIES */
    for (int f = 0; f < CARID_FIELD_COUNT; f++) {
        if (doc->field[f].p != NULL && doc->field[f].len > 0)
            cmd_put_field(&c->buf, f, doc->field[f]);
    }
    return 0;
}

void
cmd_get_run(struct job *job, void *reader)
{
    struct carid_str id = {job->req.argv[1], job->req.argl[1]};
    char err[256];
    int found = 0;
    struct cmd_collect c = {0};

    struct cmd_collect copies = {0};
    int want_copies = job->req.argc == 3;

    stats_add(&stats.gets, 1);
    reply_buf_init(&c.buf);
    reply_buf_init(&copies.buf);
    c.n = want_copies ? -1 : 0;
    if (server.plugin->get(reader, id, cmd_get_doc, &c, &found, err,
                           sizeof err) != 0 ||
        (found && want_copies &&
         server.plugin->copies(reader, id, cmd_suggest_term, &copies, &found,
                               err, sizeof err) != 0))
        reply_error(&job->out, "ERR %s", err);
    else if (!found)
        reply_nil(&job->out);
    else {
        if (want_copies) {
            reply_bulk_str(&c.buf, "copies");
            reply_array(&c.buf, copies.n);
            reply_raw(&c.buf, copies.buf.p, copies.buf.len);
        }
        reply_raw(&job->out, c.buf.p, c.buf.len);
    }
    reply_buf_free(&c.buf);
    reply_buf_free(&copies.buf);
}

static int
cmd_analyze_token(void *ctx, struct carid_str token, struct carid_str stem,
                  size_t start, size_t end)
{
    struct cmd_collect *c = ctx;

    reply_array(&c->buf, 4);
    reply_bulk(&c->buf, token.p, token.len);
    reply_bulk(&c->buf, stem.p, stem.len);
    reply_int(&c->buf, (int64_t)start);
    reply_int(&c->buf, (int64_t)end);
    c->n++;
    return 0;
}

/* ANALYZE's reply is some 20 bytes a byte of text: the text is capped so
 * that the reply is too. */
int
cmd_analyze_prepare(struct job *job)
{
    if (job->req.argl[1] > CMD_MAX_ANALYZE) {
        reply_error(&job->out, "ERR ANALYZE text too long (max %d bytes)",
                    CMD_MAX_ANALYZE);
        return -1;
    }
    return 0;
}

void
cmd_analyze_run(struct job *job, void *reader)
{
    struct carid_str text = {job->req.argv[1], job->req.argl[1]};
    struct cmd_collect c = {0};
    char err[256];
    int rc;

    if (server.plugin->analyze == NULL) {
        reply_error(&job->out, "ERR plugin '%s' has no ANALYZE",
                    server.plugin->name);
        return;
    }
    reply_buf_init(&c.buf);
    rc = server.plugin->analyze(reader, text, cmd_analyze_token, &c, err,
                                sizeof err);
    cmd_reply_collected(job, rc, err, c.n, &c.buf);
}
