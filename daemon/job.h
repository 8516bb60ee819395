/*
 * job.h - one request on its way from a connection to a thread and back.
 * The loop thread creates it, a query thread or the writer runs it, the
 * loop thread writes its reply and frees it.
 */
#ifndef JOB_H
#define JOB_H

#include <stdint.h>

#include "carid_plugin.h"
#include "reply.h"
#include "resp.h"

struct conn;
struct cmd;
struct event;

/* Where a command runs. */
enum job_where {
    JOB_LOOP,  /* on the loop thread: cheap, no disk, no plugin */
    JOB_READ,  /* on a query thread, with a reader handle */
    JOB_WRITE, /* on the writer thread, inside a group commit */
};

/* SEARCH/COUNT arguments, parsed on the loop thread. */
struct job_search {
    struct carid_query q;
    int count_only;  /* COUNT: reply with the total only */
    int want_counts; /* COUNTS source: hits per source too */
    int want_fixes;  /* FUZZY show: the corrected words too */
    unsigned field_order[CARID_FIELD_COUNT]; /* RETURN order */
    int nfields;
    int termstats;  /* TERMSTATS: reply with the query's statistics */
    int want_total; /* TERMSTATS ... TOTAL */
    struct carid_global global; /* STATS: q.global points here */
};

struct job {
    struct job *next;  /* conn's FIFO; loop thread only */
    struct job *qnext; /* work or done queue; under that queue's lock */
    struct conn *conn; /* owner; set on the loop thread */
    const struct cmd *cmd;
    enum job_where where;
    struct resp_req req;  /* the arguments; owned */
    struct reply_buf out; /* the encoded reply; owned */
    int done;             /* loop thread: out is final */
    uint64_t started;     /* usec, when dispatched */
    struct job *children; /* EXEC: the queued commands (->next), owned */
    int nchildren;
    struct job *parent;  /* a queued command: its EXEC, once taken */
    uint64_t deadline;   /* usec (stats_now_usec()): --query-timeout-ms
                            after it arrived; 0: none */
    int heavy;           /* its client's recent reads were expensive: it
                            waits in the query threads' low lane */
    uint64_t run_usec;   /* time it ran on a query thread (no queue) */
    uint64_t delay_usec; /* a JOB_LOOP reply held this long (failed AUTH) */
    struct event *timer; /* holding it; owned */
    /* Set by the loop (usec, stats_now_usec()): stop a read once the
     * clock passes it, because its client left or SIGTERM; 0: never. */
    _Atomic int64_t cancel_usec;
    /* A front end other than RESP (conn.h, struct conn_front): turns out
     * into its own form and sets status, where the job ran for a read (a
     * query thread: big replies are not converted on the loop), on the
     * loop for the others; cleared once done.  NULL: RESP as it is. */
    void (*transcode)(struct job *job);
    int status; /* set by transcode (HTTP: the status code) */
    /* --replicate (replicate.h); loop thread, but the writer reads
     * repl_seq and sets txn_failed. */
    uint64_t repl_seq;         /* the stream sequence it applies; 0: none */
    uint64_t repl_id;          /* this node's id of the write; 0: another's */
    unsigned repl_state;       /* REPLICATE_* bits */
    uint64_t repl_since;       /* usec (stats_now_usec()) first published */
    struct reply_buf repl_msg; /* the message, kept to send it again */
    struct job *rnext;         /* replicate.c's list of writes waiting */
    int txn_failed;            /* writer: its begin or commit failed, so
                                  nothing of it was applied */
    union {
        struct carid_doc doc;     /* PUT */
        struct job_search search; /* SEARCH, COUNT */
        void *front; /* a front's own command (conn.h): its state */
    } arg;
};

/* A new job of conn, its replies in RESP3 if resp3; loop thread. */
struct job *job_new(struct conn *conn, int resp3);
/* Frees the job and everything it owns; loop thread. */
void job_free(struct job *job);

#endif
