/*
 * prom.c - Prometheus text lines.  HELP text escapes \ and newline, label
 * values also ", as the exposition format says.
 */
#include <stdio.h>
#include <string.h>

#include "prom.h"

/* Appends p[0..len) with \, newline (and " if quote) escaped. */
static void
prom_escaped(struct reply_buf *b, const char *p, size_t len, int quote)
{
    for (size_t i = 0; i < len; i++) {
        if (p[i] == '\\')
            reply_raw(b, "\\\\", 2);
        else if (p[i] == '\n')
            reply_raw(b, "\\n", 2);
        else if (quote && p[i] == '"')
            reply_raw(b, "\\\"", 2);
        else
            reply_raw(b, p + i, 1);
    }
}

static void
prom_str(struct reply_buf *b, const char *s)
{
    reply_raw(b, s, strlen(s));
}

void
prom_family(struct reply_buf *b, const char *name, const char *type,
            const char *help)
{
    prom_str(b, "# HELP ");
    prom_str(b, name);
    prom_str(b, " ");
    prom_escaped(b, help, strlen(help), 0);
    prom_str(b, "\n# TYPE ");
    prom_str(b, name);
    prom_str(b, " ");
    prom_str(b, type);
    prom_str(b, "\n");
}

void
prom_sample(struct reply_buf *b, const char *name, const char *labels,
            size_t llen, double value)
{
    char num[64];

    prom_str(b, name);
    if (llen > 0) {
        prom_str(b, "{");
        reply_raw(b, labels, llen);
        prom_str(b, "}");
    }
    snprintf(num, sizeof num, " %.15g\n", value);
    prom_str(b, num);
}

void
prom_label(struct reply_buf *labels, const char *name, const char *value,
           size_t len)
{
    if (labels->len > 0) reply_raw(labels, ",", 1);
    prom_str(labels, name);
    prom_str(labels, "=\"");
    prom_escaped(labels, value, len, 1);
    reply_raw(labels, "\"", 1);
}
