/*
 * writer.h - the one writer thread: owns the plugin's writer handle and
 * commits every write that is waiting in one transaction (group commit).
 */
#ifndef WRITER_H
#define WRITER_H

#include <stddef.h>

struct job;

/* Jobs per transaction; bounds commit latency. */
#define WRITER_MAX_BATCH 4096
/* The plugin's background work (maintain()) per call: how long a write
 * that arrives meanwhile waits for it, at most about. */
#define WRITER_MAINTAIN_USEC 5000
/* How often an idle writer asks the plugin whether it has work. */
#define WRITER_IDLE_USEC 1000000

/* Opens the writer handle and starts the thread; main thread. */
int writer_start(char *err, size_t errlen);
/* Queues a write job; loop thread.  The reply is final only after the
 * job's transaction has committed. */
void writer_submit(struct job *job);
/* Nonzero while the writer thread runs (HTTP /readyz); loop thread. */
int writer_alive(void);
/* Commits what is queued, stops the thread, closes the handle; main. */
void writer_stop(void);

#endif
