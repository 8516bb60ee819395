/*
 * clean.c - see clean.h.  One pass over the body's lines with the end and
 * line rules, then the headline, the dateline of the lead, the title made
 * from the lead and the date, each filling only what the PUT left empty.
 * A body no rule touched stays the client's bytes, unchanged (no RAW).
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <errno.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clean.h"
#include "xmalloc.h"

/* The built-in rules, clean_patterns.txt compiled in (CMakeLists.txt). */
extern const char clean_patterns[];
extern const size_t clean_patterns_len;

/* Backtracking bound of one match: a rule a newsroom wrote badly costs a
 * line this much, then counts as no match. */
#define CLEAN_MATCH_LIMIT 100000
#define CLEAN_FILE_MAX    (1 << 20) /* bytes of a patterns file */

enum clean_kind { CLEAN_END, CLEAN_LINE, CLEAN_LEAD, CLEAN_DATE, CLEAN_KINDS };

static const char *const clean_kind_names[CLEAN_KINDS] = {"end", "line", "lead",
                                                          "date"};

/* The fields a rule can fill, by group name or NAME=VALUE. */
enum clean_slot { SLOT_SOURCE, SLOT_PLACE, SLOT_AUTHOR, SLOT_COUNT };

static const char *const clean_slot_names[SLOT_COUNT] = {"source", "place",
                                                         "author"};
static const int clean_slot_field[SLOT_COUNT] = {
    CARID_FIELD_SOURCE, CARID_FIELD_PLACE, CARID_FIELD_AUTHOR};

struct clean_rule {
    enum clean_kind kind;
    pcre2_code *re;
    int group[SLOT_COUNT];   /* named group numbers, 0: none */
    char *fixed[SLOT_COUNT]; /* NAME=VALUE values, NULL: none */
    int day, month, year;    /* date rules' groups */
};

struct clean_rules {
    pcre2_match_context *mctx;
    int n;
    struct clean_rule rule[CLEAN_RULES_MAX];
};

void
clean_rules_free(struct clean_rules *r)
{
    if (r == NULL) return;
    for (int i = 0; i < r->n; i++) {
        pcre2_code_free(r->rule[i].re);
        for (int s = 0; s < SLOT_COUNT; s++)
            free(r->rule[i].fixed[s]);
    }
    pcre2_match_context_free(r->mctx);
    free(r);
}

static int
clean_group(const pcre2_code *re, const char *name)
{
    int n = pcre2_substring_number_from_name(re, (PCRE2_SPTR)name);

    return n > 0 ? n : 0;
}

/* A NAME=VALUE token at p (up to whitespace): its slot, or -1. */
static int
clean_fixed_slot(const char *p, size_t len, size_t *eq)
{
    for (int s = 0; s < SLOT_COUNT; s++) {
        size_t n = strlen(clean_slot_names[s]);

        if (len > n && memcmp(p, clean_slot_names[s], n) == 0 && p[n] == '=') {
            *eq = n;
            return s;
        }
    }
    return -1;
}

static int
clean_space(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r';
}

/* Compiles one rule line [p, e) into rule; 0, or -1 with why in msg. */
static int
clean_rule_parse(const char *p, const char *e, struct clean_rule *rule,
                 char *msg, size_t msglen)
{
    const char *t = p;
    int errcode, k;
    PCRE2_SIZE erroff;

    while (t < e && !clean_space(*t))
        t++;
    for (k = 0; k < CLEAN_KINDS; k++) {
        if (strlen(clean_kind_names[k]) == (size_t)(t - p) &&
            memcmp(clean_kind_names[k], p, (size_t)(t - p)) == 0)
            break;
    }
    if (k == CLEAN_KINDS) {
        snprintf(msg, msglen, "unknown kind '%.*s' (end, line, lead or date)",
                 (int)(t - p < 20 ? t - p : 20), p);
        return -1;
    }
    rule->kind = (enum clean_kind)k;
    for (;;) {
        const char *w;
        size_t eq;
        int s;

        while (t < e && clean_space(*t))
            t++;
        for (w = t; w < e && !clean_space(*w); w++)
            ;
        if ((s = clean_fixed_slot(t, (size_t)(w - t), &eq)) < 0) break;
        free(rule->fixed[s]);
        rule->fixed[s] = xmalloc((size_t)(w - t) - eq);
        memcpy(rule->fixed[s], t + eq + 1, (size_t)(w - t) - eq - 1);
        rule->fixed[s][(size_t)(w - t) - eq - 1] = '\0';
        t = w;
    }
    while (e > t && clean_space(e[-1]))
        e--;
    if (t == e) {
        snprintf(msg, msglen, "a rule needs a regex");
        return -1;
    }
    rule->re = pcre2_compile((PCRE2_SPTR)t, (PCRE2_SIZE)(e - t),
                             PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &errcode,
                             &erroff, NULL);
    if (rule->re == NULL) {
        PCRE2_UCHAR why[120];

        pcre2_get_error_message(errcode, why, sizeof why);
        snprintf(msg, msglen, "regex at offset %zu: %s", (size_t)erroff,
                 (const char *)why);
        return -1;
    }
    (void)pcre2_jit_compile(rule->re, PCRE2_JIT_COMPLETE); /* else: slower */
    for (int s = 0; s < SLOT_COUNT; s++)
        rule->group[s] = clean_group(rule->re, clean_slot_names[s]);
    rule->day = clean_group(rule->re, "day");
    rule->month = clean_group(rule->re, "month");
    rule->year = clean_group(rule->re, "year");
    if (rule->kind == CLEAN_DATE &&
        (rule->day == 0 || rule->month == 0 || rule->year == 0)) {
        snprintf(msg, msglen,
                 "a date rule needs the groups (?<day>), (?<month>) and "
                 "(?<year>)");
        return -1;
    }
    return 0;
}

struct clean_rules *
clean_rules_parse(const char *text, size_t len, const char *name, char *err,
                  size_t errlen)
{
    struct clean_rules *r = xcalloc(1, sizeof *r);
    const char *p = text, *end = text + len;
    int lineno = 0;

    r->mctx = pcre2_match_context_create(NULL);
    if (r->mctx == NULL) {
        snprintf(err, errlen, "%s: out of memory", name);
        free(r);
        return NULL;
    }
    pcre2_set_match_limit(r->mctx, CLEAN_MATCH_LIMIT);
    while (p < end) {
        const char *e = memchr(p, '\n', (size_t)(end - p));
        char msg[200];

        if (e == NULL) e = end;
        lineno++;
        while (p < e && clean_space(*p))
            p++;
        if (p < e && *p != '#') {
            if (r->n == CLEAN_RULES_MAX) {
                snprintf(err, errlen, "%s:%d: more than %d rules", name, lineno,
                         CLEAN_RULES_MAX);
                clean_rules_free(r);
                return NULL;
            }
            if (clean_rule_parse(p, e, &r->rule[r->n++], msg, sizeof msg) !=
                0) {
                snprintf(err, errlen, "%s:%d: %s", name, lineno, msg);
                clean_rules_free(r);
                return NULL;
            }
        }
        p = e + 1;
    }
    return r;
}

struct clean_rules *
clean_rules_builtin(char *err, size_t errlen)
{
    return clean_rules_parse(clean_patterns, clean_patterns_len,
                             "clean_patterns.txt", err, errlen);
}

struct clean_rules *
clean_rules_file(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    struct clean_rules *r;
    char *text;
    size_t len;

    if (f == NULL) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    text = xmalloc(CLEAN_FILE_MAX + 1);
    len = fread(text, 1, CLEAN_FILE_MAX + 1, f);
    fclose(f);
    if (len > CLEAN_FILE_MAX) {
        snprintf(err, errlen, "%s: longer than %d bytes", path, CLEAN_FILE_MAX);
        free(text);
        return NULL;
    }
    r = clean_rules_parse(text, len, path, err, errlen);
    free(text);
    return r;
}

/* ---- cleaning one article ---- */

/* Where clean_doc() writes: the kept body, then one slot per made field. */
struct clean_out {
    struct carid_doc *doc;
    char *slot[SLOT_COUNT]; /* CLEAN_FIELD_MAX + 1 bytes each */
    char *title;            /* CLEAN_TITLE_MAX + 4 */
    char *date;             /* 11 */
    pcre2_match_data *md;
};

static int
clean_empty(struct carid_str s)
{
    return s.p == NULL || s.len == 0;
}

/* Runs rule on [p, p + len) from byte from; the match's end offset, or
 * -1. */
static long
clean_match_from(const struct clean_rules *r, const struct clean_rule *rule,
                 const char *p, size_t len, size_t from, pcre2_match_data *md)
{
    int rc = pcre2_match(rule->re, (PCRE2_SPTR)p, len, from, 0, md, r->mctx);

    return rc > 0 ? (long)pcre2_get_ovector_pointer(md)[1] : -1;
}

static long
clean_match(const struct clean_rules *r, const struct clean_rule *rule,
            const char *p, size_t len, pcre2_match_data *md)
{
    return clean_match_from(r, rule, p, len, 0, md);
}

/* Group g of the last match as a carid_str; p NULL when it did not take
 * part. */
static struct carid_str
clean_groupstr(const char *p, pcre2_match_data *md, int g)
{
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);

    if (g <= 0 || g >= (int)pcre2_get_ovector_count(md) ||
        ov[2 * g] == PCRE2_UNSET)
        return (struct carid_str){NULL, 0};
    return (struct carid_str){p + ov[2 * g], ov[2 * g + 1] - ov[2 * g]};
}

/* Copies v into slot s of out when the doc has no such field yet: a
 * source in lower case, a place in capitals as a name ("KYIV": "Kyiv"). */
static void
clean_fill(struct clean_out *out, int s, struct carid_str v)
{
    struct carid_str *f = &out->doc->field[clean_slot_field[s]];
    char *d = out->slot[s];
    int caps = 1;

    while (v.len > 0 && clean_space(*v.p)) {
        v.p++;
        v.len--;
    }
    while (v.len > 0 && (clean_space(v.p[v.len - 1]) || v.p[v.len - 1] == '.'))
        v.len--;
    if (!clean_empty(*f) || v.len == 0 || v.len > CLEAN_FIELD_MAX) return;
    for (size_t i = 0; i < v.len; i++)
        caps &= !(v.p[i] >= 'a' && v.p[i] <= 'z');
    for (size_t i = 0; i < v.len; i++) {
        char ch = v.p[i];
        int lower = s == SLOT_SOURCE ||
                    (s == SLOT_PLACE && caps && i > 0 && v.p[i - 1] != ' ');

        d[i] = lower && ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
    }
    *f = (struct carid_str){d, v.len};
}

/* Takes the named groups and fixed values of rule's last match on p. */
static void
clean_take(struct clean_out *out, const struct clean_rule *rule, const char *p)
{
    for (int s = 0; s < SLOT_COUNT; s++) {
        if (rule->fixed[s] != NULL)
            clean_fill(
                out, s,
                (struct carid_str){rule->fixed[s], strlen(rule->fixed[s])});
        else
            clean_fill(out, s, clean_groupstr(p, out->md, rule->group[s]));
    }
}

/* The first rule of kind that matches [p, p + len), or NULL. */
static const struct clean_rule *
clean_first(const struct clean_rules *r, enum clean_kind kind, const char *p,
            size_t len, pcre2_match_data *md, long *end)
{
    for (int i = 0; i < r->n; i++) {
        if (r->rule[i].kind == kind &&
            (*end = clean_match(r, &r->rule[i], p, len, md)) >= 0)
            return &r->rule[i];
    }
    return NULL;
}

/* The decimal number [s.p, s.p + s.len) (a group of digits; the text is
 * not NUL-terminated), or -1. */
static int
clean_number(struct carid_str s)
{
    int v = 0;

    if (s.p == NULL || s.len == 0 || s.len > 4) return -1;
    for (size_t i = 0; i < s.len; i++) {
        if (s.p[i] < '0' || s.p[i] > '9') return -1;
        v = v * 10 + (s.p[i] - '0');
    }
    return v;
}

/* An Indonesian month, as a number or a name ("Agustus", "Agu", "Ags"):
 * 1..12, or 0. */
static int
clean_month(struct carid_str m)
{
    static const char *const names[12] = {"jan", "feb", "mar", "apr",
                                          "mei", "jun", "jul", "agu",
                                          "sep", "okt", "nov", "des"};
    char low[3];

    if (m.p == NULL) return 0;
    if (m.p[0] >= '0' && m.p[0] <= '9') return clean_number(m);
    if (m.len < 3) return 0;
    for (int i = 0; i < 3; i++)
        low[i] = (char)(m.p[i] >= 'A' && m.p[i] <= 'Z' ? m.p[i] + 32 : m.p[i]);
    if (memcmp(low, "ags", 3) == 0) return 8;
    for (int i = 0; i < 12; i++) {
        if (memcmp(low, names[i], 3) == 0) return i + 1;
    }
    return 0;
}

/* The first real date any date rule finds in [p, p + len) into out->date;
 * 1 if found. */
static int
clean_date(const struct clean_rules *r, struct clean_out *out, const char *p,
           size_t len)
{
    for (int i = 0; i < r->n; i++) {
        const struct clean_rule *rule = &r->rule[i];
        int y, m, d, year, month, day;
        long from = 0;
        char ymd[16];

        /* every match of the rule on the line, until one is a real date
         * (an empty match ends the line: no loop on it) */
        while (rule->kind == CLEAN_DATE && (size_t)from < len) {
            long e = clean_match_from(r, rule, p, len, (size_t)from, out->md);

            if (e <= from) break;
            from = e;
            year = clean_number(clean_groupstr(p, out->md, rule->year));
            month = clean_month(clean_groupstr(p, out->md, rule->month));
            day = clean_number(clean_groupstr(p, out->md, rule->day));
            if (year < 0 || month <= 0 || month > 12 || day <= 0 || day > 31)
                continue;
            snprintf(ymd, sizeof ymd, "%04d-%02d-%02d", year, month, day);
            if (carid_date_parse(ymd, 10, &y, &m, &d)) {
                memcpy(out->date, ymd, 11);
                out->doc->field[CARID_FIELD_DATE] = (struct carid_str){
                    out->date, 10};
                return 1;
            }
        }
    }
    return 0;
}

/* Words in [p, p + len), and whether it reads as a headline: short, no
 * sentence end at its end. */
static int
clean_is_headline(const char *p, size_t len)
{
    int words = 0;
    char last = len > 0 ? p[len - 1] : '.';

    if (len == 0 || len > CLEAN_HEAD_MAX) return 0;
    for (size_t i = 0; i < len; i++)
        words += p[i] != ' ' && (i == 0 || p[i - 1] == ' ');
    return words <= CLEAN_HEAD_WORDS && last != '.' && last != ',' &&
           last != ':' && last != ';';
}

/* Whether the '.' at p[i] ends a sentence: followed by a space or the
 * end, and not after an initial or a title ("H.", "Dr.", "Jl."). */
static int
clean_sentence_end(const char *p, size_t len, size_t i)
{
    size_t w = i;

    if (i + 1 < len && p[i + 1] != ' ') return 0;
    if (p[i] != '.') return 1;
    while (w > 0 && p[w - 1] != ' ')
        w--;
    if (i - w == 1 && p[w] >= 'A' && p[w] <= 'Z') return 0;
    if (i - w >= 2 && i - w <= 3 && p[w] >= 'A' && p[w] <= 'Z' &&
        p[w + 1] >= 'a' && p[w + 1] <= 'z')
        return 0;
    return 1;
}

/* A title made from the lead [p, p + len): its first sentence, cut at a
 * word boundary to CLEAN_TITLE_MAX bytes and "…" if longer. */
static void
clean_lead_title(struct clean_out *out, const char *p, size_t len)
{
    size_t n = 0, cut;
    int cut_short = 0;

    while (n < len && !((p[n] == '.' || p[n] == '!' || p[n] == '?') &&
                        clean_sentence_end(p, len, n)))
        n++;
    if (n < len && p[n] != '.') n++; /* a question keeps its mark */
    if (n > CLEAN_TITLE_MAX) {
        for (cut = CLEAN_TITLE_MAX; cut > 0 && p[cut] != ' '; cut--)
            ;
        n = cut > 0 ? cut : CLEAN_TITLE_MAX;
        /* not inside a UTF-8 sequence */
        while (n > 0 && ((unsigned char)p[n] & 0xC0) == 0x80)
            n--;
        cut_short = 1;
    }
    while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == ',' || p[n - 1] == ';' ||
                     p[n - 1] == ':' || p[n - 1] == '-'))
        n--;
    if (n == 0) return;
    memcpy(out->title, p, n);
    if (cut_short) {
        memcpy(out->title + n, "\xe2\x80\xa6", 3);
        n += 3;
    }
    out->doc->field[CARID_FIELD_TITLE] = (struct carid_str){out->title, n};
}

/* The next line of [*p, end) trimmed, advancing *p past it. */
static struct carid_str
clean_next_line(const char **p, const char *end)
{
    const char *s = *p, *e = memchr(s, '\n', (size_t)(end - s));

    if (e == NULL) e = end;
    *p = e < end ? e + 1 : end;
    while (s < e && clean_space(*s))
        s++;
    while (e > s && clean_space(e[-1]))
        e--;
    return (struct carid_str){s, (size_t)(e - s)};
}

/* Copies the kept lines of body into w (one '\n' between them), dropping
 * the boilerplate; the bytes written. */
static size_t
clean_lines(const struct clean_rules *r, struct clean_out *out,
            struct carid_str body, char *w, struct clean_result *res)
{
    const char *p = body.p, *end = body.p + body.len;
    size_t n = 0;
    long mend;

    while (p < end) {
        struct carid_str l = clean_next_line(&p, end);
        const struct clean_rule *rule;

        if (l.len == 0) continue;
        if (l.len <= CLEAN_LINE_MAX) {
            if (clean_first(r, CLEAN_END, l.p, l.len, out->md, &mend) != NULL) {
                res->dropped++;
                break;
            }
            rule = clean_first(r, CLEAN_LINE, l.p, l.len, out->md, &mend);
            if (rule != NULL) {
                clean_take(out, rule, l.p);
                res->dropped++;
                continue;
            }
        }
        if (n > 0) w[n++] = '\n';
        memcpy(w + n, l.p, l.len);
        n += l.len;
    }
    return n;
}

void
clean_doc(const struct clean_rules *r, struct carid_doc *doc,
          struct clean_result *res)
{
    struct carid_str body = doc->field[CARID_FIELD_BODY];
    struct carid_str *title = &doc->field[CARID_FIELD_TITLE];
    struct clean_out out = {doc, {NULL}, NULL, NULL, NULL};
    const struct clean_rule *rule;
    const char *lead, *nl;
    size_t n, lead_len;
    long mend = -1;
    char *w;

    memset(res, 0, sizeof *res);
    if (r == NULL || clean_empty(body)) return;
    res->buf = xmalloc(body.len + 1 + SLOT_COUNT * (CLEAN_FIELD_MAX + 1) +
                       CLEAN_TITLE_MAX + 4 + 11);
    w = res->buf;
    for (int s = 0; s < SLOT_COUNT; s++)
        out.slot[s] = w + body.len + 1 + (size_t)s * (CLEAN_FIELD_MAX + 1);
    out.title = w + body.len + 1 + SLOT_COUNT * (CLEAN_FIELD_MAX + 1);
    out.date = out.title + CLEAN_TITLE_MAX + 4;
    out.md = pcre2_match_data_create(32, NULL);
    if (out.md == NULL) return; /* no memory for it: the body as it came */

    n = clean_lines(r, &out, body, w, res);
    lead = w;
    /* a headline: the first kept line, short and not a sentence */
    nl = n > 0 ? memchr(w, '\n', n) : NULL;
    if (clean_empty(*title) && nl != NULL &&
        clean_is_headline(w, (size_t)(nl - w))) {
        *title = (struct carid_str){w, (size_t)(nl - w)};
        res->title_set = 1;
        lead = nl + 1;
    }
    lead_len = (size_t)(w + n - lead);
    nl = memchr(lead, '\n', lead_len);
    if (n > 0 &&
        (rule = clean_first(r, CLEAN_LEAD, lead,
                            nl != NULL ? (size_t)(nl - lead) : lead_len, out.md,
                            &mend)) != NULL &&
        mend > 0) {
        clean_take(&out, rule, lead);
        lead += mend;
        lead_len -= (size_t)mend;
        while (lead_len > 0 && (*lead == '\n' || clean_space(*lead))) {
            lead++;
            lead_len--;
        }
    }
    res->changed = res->dropped > 0 || res->title_set || mend > 0;
    if (lead_len == 0) {
        /* nothing but boilerplate: keep the body as it came */
        res->changed = 0;
        lead = body.p;
        lead_len = body.len;
        if (res->title_set) *title = (struct carid_str){NULL, 0};
        res->title_set = 0;
    }
    if (res->changed) {
        doc->field[CARID_FIELD_RAW] = body;
        doc->field[CARID_FIELD_BODY] = (struct carid_str){lead, lead_len};
    }
    nl = memchr(lead, '\n', lead_len);
    if (clean_empty(*title)) {
        clean_lead_title(&out, lead,
                         nl != NULL ? (size_t)(nl - lead) : lead_len);
        res->title_set = !clean_empty(*title);
    }
    if (clean_empty(doc->field[CARID_FIELD_DATE])) {
        const char *p = lead, *end = lead + lead_len;

        while (p < end) {
            struct carid_str l = clean_next_line(&p, end);

            if (l.len > 0 && clean_date(r, &out, l.p, l.len)) break;
        }
    }
    pcre2_match_data_free(out.md);
}
