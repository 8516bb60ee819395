/*
 * route_shard.h - carid --route's shards: the spec (date ranges, each a
 * node or a replica set of nodes), and one thread's connections to them,
 * through which a command goes to several shards at once (pipelined: sent
 * to all, then read from each, so they work in parallel).  A node that
 * cannot be reached or fails mid-reply is left for the next node of its
 * shard (daemon/ROUTE.md).  With a password (--route-password-file), each
 * new connection AUTHs before anything else.  A struct route_link belongs
 * to one thread.
 */
#ifndef ROUTE_SHARD_H
#define ROUTE_SHARD_H

#include <stddef.h>
#include <stdint.h>

#include <hiredis/hiredis.h>

#define ROUTE_MAX_SHARDS 64
#define ROUTE_MAX_NODES  8   /* nodes of one shard */
#define ROUTE_MAX_HOST   256 /* bytes of a node's host */
#define ROUTE_MAX_PASS                                                         \
    512 /* bytes of the shards' password: the daemon's                         \
           AUTH takes no longer one */

struct route_node {
    char host[ROUTE_MAX_HOST];
    int port;
};

/* One shard: the articles dated [from, to] (inclusive, "" open). */
struct route_shard {
    char from[11], to[11];
    int nnodes;
    struct route_node node[ROUTE_MAX_NODES];
};

/* The shards, oldest dates first; their ranges do not overlap. */
struct route_spec {
    int n;
    struct route_shard shard[ROUTE_MAX_SHARDS];
    char password[ROUTE_MAX_PASS]; /* AUTH to every shard; "": none */
};

/* One command for one shard: argv[0..argc), argl its lengths. */
struct route_cmd {
    int argc;
    const char **argv;
    const size_t *argl;
};

/* A thread's connections: per shard, the node in use and its context. */
struct route_link {
    const struct route_spec *spec;
    redisContext *ctx[ROUTE_MAX_SHARDS];
    int node[ROUTE_MAX_SHARDS];    /* index into the shard's nodes */
    int reused[ROUTE_MAX_SHARDS];  /* ctx was open before this command */
    int refused[ROUTE_MAX_SHARDS]; /* the last node refused our AUTH */
    long timeout_ms;
};

/* Parses "[FROM]..[TO]=host:port[,host:port...];..." into *out, sorted
 * by date.  0, or -1 with err set. */
int route_spec_parse(const char *text, struct route_spec *out, char *err,
                     size_t errlen);

/* Reads the shards' password from the first line of the file at path
 * into spec->password (its line end dropped).  0, or -1 with err set (the
 * file unreadable, its line empty or too long); err never holds it. */
int route_spec_password(struct route_spec *spec, const char *path, char *err,
                        size_t errlen);

/* The shard holding date d ("YYYY-MM-DD"; an undated article, d.len 0,
 * is the oldest shard's), or -1 if none does. */
int route_spec_owner(const struct route_spec *spec, const char *d, size_t len);

/* Whether shard i holds any date of [from, to] (NULL: open). */
int route_spec_overlaps(const struct route_shard *s, const char *from,
                        const char *to);

void route_link_init(struct route_link *l, const struct route_spec *spec,
                     long timeout_ms);
void route_link_close(struct route_link *l);

/*
 * Sends cmd[i] to each shard i with cmd[i].argc > 0, all of them first,
 * then reads each reply into rep[i] (the caller frees it with
 * freeReplyObject(); NULL for a shard not asked).  A shard whose node
 * fails is asked again on its next nodes, in turn.  deadline_usec
 * (CLOCK_MONOTONIC, 0: none) shortens the wait.  0, or -1 with err set
 * ("shard 2 (127.0.0.1:7002) unavailable: Connection refused", or
 * "shard 2 (...) refused the router's AUTH: WRONGPASS ...") and every rep
 * freed; an error reply is a reply, not a failure.  A connection kept
 * from an earlier command that the node closed meanwhile (it restarted)
 * is opened again once on the same node before the next is tried.
 */
int route_link_ask(struct route_link *l, const struct route_cmd *cmd,
                   redisReply **rep, int64_t deadline_usec, char *err,
                   size_t errlen);

#endif
