/*
 * replicate_log.h - the replicated log itself (carid --replicate): one
 * NATS connection (libnats), the JetStream stream, the publishing of this
 * node's writes and the ordered consumption of everyone's.
 *
 * libnats runs its own threads and so does this module (the publisher):
 * nothing here runs on, or blocks, the loop thread.  What they learn
 * (a message of the stream, a publish acknowledged or refused, the link
 * lost or back) becomes a replicate_event; wake() is called after each,
 * from any thread, and the loop takes them with replicate_log_take().
 *
 * A message is the write's RESP requests, as a client sends them (PUT
 * ..., DEL ..., ALIAS ADD ...; a transaction: MULTI, its writes, EXEC),
 * with the header Nats-Msg-Id "<node>-<id>": node is 16 hex digits drawn
 * at each start, id this node's count of writes.  The stream drops a copy
 * of an id it stored in the last two minutes, so a write can be sent
 * again after a lost acknowledgement.
 */
#ifndef REPLICATE_LOG_H
#define REPLICATE_LOG_H

#include <stddef.h>
#include <stdint.h>

/* At most this many messages taken from the stream and not yet applied:
 * past it the consumer waits, and the stream's flow control holds the
 * rest on the server. */
#define REPLICATE_LOG_MAX_APPLYING 4096
/* One publish waits this long for its acknowledgement (then it is sent
 * again, same id, until replicate.h's REPLICATE_ACK_WAIT_MS). */
#define REPLICATE_LOG_PUB_WAIT_MS 2000

enum replicate_event_kind {
    REPLICATE_EV_MSG,  /* a message of the stream, in order */
    REPLICATE_EV_ACK,  /* a publish stored (on a quorum) */
    REPLICATE_EV_NACK, /* a publish refused or not acknowledged in time */
    REPLICATE_EV_LINK, /* the connection to NATS went or came back */
};

struct replicate_event {
    struct replicate_event *next;
    enum replicate_event_kind kind;
    uint64_t seq;     /* MSG, ACK: the stream sequence */
    uint64_t pending; /* MSG: messages after it in the stream then */
    uint64_t id;      /* MSG: this node's id of it, 0 if another node's;
                         ACK, NACK: the write's id */
    int connected;    /* LINK */
    char *data;       /* MSG: the message, owned */
    size_t len;
    char text[160];      /* NACK: why; LINK: the server's URL */
    uint64_t not_before; /* this file's own queue of writes to send */
};

struct replicate_log_cfg {
    const char *urls;   /* "nats://h1:4222,h2:4222" */
    const char *stream; /* its name; made if missing */
    long replicas;      /* servers storing the stream, when this makes it */
    uint64_t from_seq;  /* the first sequence to consume */
    void (*wake)(void); /* any thread: an event is waiting */
};

/* Connects, makes the stream if it is missing, starts consuming from
 * cfg->from_seq and the publisher thread.  Main thread, blocking (before
 * the loop runs); -1 with err if NATS cannot be reached. */
int replicate_log_start(const struct replicate_log_cfg *cfg, char *err,
                        size_t errlen);
/* The stream's first and last sequences when start() joined it (0 and 0
 * for a new stream; first is past last once a purge or the stream's
 * limits dropped every message). */
void replicate_log_bounds(uint64_t *first, uint64_t *last);
/* BACKUP name (a file of --backup-dir) holds the log up to seq at least:
 * said in the key-value bucket "carid-backups-STREAM" (made with the
 * stream's replicas when missing), key name, value seq, for
 * replicate_log_newest_backup().  Any thread; waits for the server's
 * answer.  0, or -1 with err. */
int replicate_log_announce(const char *name, uint64_t seq, char *err,
                           size_t errlen);
/* --replicate-snapshot auto, before start(): over a connection of its own
 * to urls, the announced BACKUP of stream with the highest sequence whose
 * name is a regular file in dir (no link followed), into name (""  if
 * none) and *seq.  Main thread, blocking; -1 with err if NATS cannot be
 * reached. */
int replicate_log_newest_backup(const char *urls, const char *stream,
                                const char *dir, char *name, size_t namelen,
                                uint64_t *seq, char *err, size_t errlen);
/* Sends data[0..len) (copied) as this node's write id, not before
 * not_before (stats_now_usec()); the answer comes as an ACK or NACK.
 * Any thread; never blocks on the network. */
void replicate_log_publish(uint64_t id, const char *data, size_t len,
                           uint64_t not_before);
/* The events waiting, oldest first (->next); the caller frees each with
 * replicate_event_free(). */
struct replicate_event *replicate_log_take(void);
void replicate_event_free(struct replicate_event *ev);
/* A MSG event was applied (or dropped): the consumer may take another. */
void replicate_log_applied(void);
/* Stops consuming and publishing and closes the connection; main. */
void replicate_log_stop(void);

#endif
