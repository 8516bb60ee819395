/*
 * prom.h - the Prometheus text exposition format (version 0.0.4), one
 * metric family at a time: HELP and TYPE first, then its samples, values
 * in base units.  Pure formatting into a reply_buf; any thread.
 */
#ifndef PROM_H
#define PROM_H

#include "reply.h"

/* "# HELP name help" and "# TYPE name type" (counter, gauge, summary). */
void prom_family(struct reply_buf *b, const char *name, const char *type,
                 const char *help);
/* "name{labels} value"; labels[0..llen) already escaped (prom_label()),
 * llen 0: none. */
void prom_sample(struct reply_buf *b, const char *name, const char *labels,
                 size_t llen, double value);
/* Appends name="value" (value escaped: \\ \" \n) to labels, a comma first
 * if labels is not empty. */
void prom_label(struct reply_buf *labels, const char *name, const char *value,
                size_t len);

#endif
