/*
 * replicate.h - carid --replicate: every node's writes go through one
 * replicated log (NATS JetStream, replicate_log.h), and every node applies
 * the log in order through its writer.  Loop thread, unless marked.
 *
 * A write a client sends here (a command the table marks CMD_REPLICATED,
 * or an EXEC holding one) is not given to the writer: it is published,
 * and this node applies it when it comes back in the stream's order, like
 * any other node's.  Its reply leaves once the stream acknowledged it
 * (stored on a quorum of servers) and this node applied it, so a client
 * reads its writes on the node it wrote to.  Each transaction the writer
 * commits records the last sequence it applied (the plugin's host_set(),
 * key REPLICATE_SEQ_KEY), so a restart resumes after it and a message is
 * applied once.  What a client sees when the log is away: PROTOCOL.md,
 * Replicas.
 */
#ifndef REPLICATE_H
#define REPLICATE_H

#include <stddef.h>
#include <stdint.h>

struct job;

/* The plugin's host key of the last stream sequence applied. */
#define REPLICATE_SEQ_KEY "replicate_seq"
/* How long a write keeps trying to be stored before its client is told
 * it failed: NATS 2.9 elects a new leader of the stream 4 to 9 s after
 * the old one is lost (its Raft election timeout). */
#define REPLICATE_ACK_WAIT_MS 15000
/* Stored, but this node has not applied it after this long: its client
 * is told so (the write stays in the log and will be applied). */
#define REPLICATE_APPLY_WAIT_MS 30000
/* Writes of this node's clients waiting for the log at once; past it a
 * write is refused. */
#define REPLICATE_MAX_PENDING 65536

/* repl_state bits of a write of this node's clients (job.h). */
#define REPLICATE_ACKED     0x1 /* the stream stored it */
#define REPLICATE_SUBMITTED 0x2 /* it came back and went to the writer */
#define REPLICATE_APPLIED   0x4 /* the writer committed it */

/* Main thread, after the writer started and before the loop runs: reads
 * the sequence the index applied, connects to --replicate's servers and
 * starts consuming after it.  0 if --replicate is off or all went well,
 * else -1 with err. */
int replicate_start(char *err, size_t errlen);
/* Nonzero if job's writes go through the log. */
int replicate_takes(const struct job *job);
/* Publishes job; its reply comes back through conn_job_done() as the
 * writer's would.  -1 with the error in job->out if it cannot be sent. */
int replicate_submit(struct job *job);
/* The writer finished job, a write from the log (job->repl_seq != 0). */
void replicate_done(struct job *job);
/* Once a second: answers writes that waited too long. */
void replicate_tick(void);
/* BACKUP, on its query thread (reader: its handle), under --replicate:
 * _seq before the copy, the sequence the index applied (0 without
 * --replicate, or unknown); _announce once the copy is name, in the log's
 * bucket of BACKUPs (replicate_log_announce()) for --replicate-snapshot
 * auto.  A failure is logged: the BACKUP stands. */
uint64_t replicate_backup_seq(void *reader);
void replicate_backup_announce(const char *name, uint64_t seq);
/* Main thread, after the loop ended and before the writer stops. */
void replicate_stop(void);

#endif
