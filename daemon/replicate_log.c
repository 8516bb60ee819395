/*
 * replicate_log.c - see replicate_log.h.  libnats (Debian's libnats-dev)
 * does the protocol, reconnection and JetStream; this file only moves
 * messages between it and the loop.  The stream's consumer is an ordered
 * one (libnats recreates it past a gap or a lost server, from the last
 * sequence it delivered), and its callback waits while
 * REPLICATE_LOG_MAX_APPLYING messages are on their way to the writer.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <nats/nats.h>

#include "log.h"
#include "replicate_log.h"
#include "stats.h"
#include "xmalloc.h"

#define REPLICATE_LOG_MAX_SERVERS  16
#define REPLICATE_LOG_HEARTBEAT_MS 500
/* A server that stops answering (frozen, or its network cut) is given up
 * after two pings unanswered, 2 s apart (libnats's default: 2 minutes). */
#define REPLICATE_LOG_PING_MS 2000
/* At start, how long the stream and its consumer are tried for (a server
 * just restarted answers before JetStream is ready). */
#define REPLICATE_LOG_START_TRIES      60
#define REPLICATE_LOG_START_PAUSE_USEC 500000
#define REPLICATE_LOG_CLOSE_WAIT_MS    5000 /* libnats's threads at exit */

static struct {
    natsConnection *nc;
    jsCtx *js;
    kvStore *kv; /* the BACKUPs announced; NULL: none; under kv_lock */
    pthread_mutex_t kv_lock; /* a BACKUP's query thread against stop() */
    natsSubscription *sub;
    char subject[160];
    char node[17]; /* this run's 16 hex digits */
    void (*wake)(void);
    pthread_mutex_t lock; /* the fields below */
    pthread_cond_t cond;  /* out queued, applying lowered, stopping */
    struct replicate_event *ev_head, *ev_tail;   /* for the loop */
    struct replicate_event *out_head, *out_tail; /* for the publisher: its
                                                    id, data, not_before */
    uint64_t first_seq, last_seq; /* the stream's, when start() joined */
    int applying;                 /* MSG events not yet applied */
    int stopping;
    pthread_t publisher;
    int publisher_running;
} rlog = {.lock = PTHREAD_MUTEX_INITIALIZER,
          .cond = PTHREAD_COND_INITIALIZER,
          .kv_lock = PTHREAD_MUTEX_INITIALIZER};

/* Appends ev to a list; under rlog.lock. */
static void
replicate_log_append(struct replicate_event **head,
                     struct replicate_event **tail, struct replicate_event *ev)
{
    if (*tail != NULL)
        (*tail)->next = ev;
    else
        *head = ev;
    *tail = ev;
}

static void
replicate_log_push(struct replicate_event *ev)
{
    pthread_mutex_lock(&rlog.lock);
    replicate_log_append(&rlog.ev_head, &rlog.ev_tail, ev);
    pthread_mutex_unlock(&rlog.lock);
    rlog.wake();
}

static struct replicate_event *
replicate_log_event(enum replicate_event_kind kind)
{
    struct replicate_event *ev = xcalloc(1, sizeof *ev);

    ev->kind = kind;
    return ev;
}

/* This node's id of a message from its Nats-Msg-Id, 0 if another's. */
static uint64_t
replicate_log_own_id(natsMsg *msg)
{
    const char *v = NULL;

    if (natsMsgHeader_Get(msg, "Nats-Msg-Id", &v) != NATS_OK || v == NULL ||
        strncmp(v, rlog.node, 16) != 0 || v[16] != '-')
        return 0;
    return strtoull(v + 17, NULL, 10);
}

static void
replicate_log_on_msg(natsConnection *nc, natsSubscription *sub, natsMsg *msg,
                     void *closure)
{
    struct replicate_event *ev;
    jsMsgMetaData *meta = NULL;
    int len = natsMsg_GetDataLength(msg);

    (void)nc;
    (void)sub;
    (void)closure;
    if (natsMsg_GetMetaData(&meta, msg) != NATS_OK) {
        log_warn("replicate: a message without JetStream metadata, skipped");
        natsMsg_Destroy(msg);
        return;
    }
    ev = replicate_log_event(REPLICATE_EV_MSG);
    ev->seq = meta->Sequence.Stream;
    ev->pending = meta->NumPending;
    ev->id = replicate_log_own_id(msg);
    ev->len = len > 0 ? (size_t)len : 0;
    ev->data = xmalloc(ev->len + 1);
    memcpy(ev->data, natsMsg_GetData(msg), ev->len);
    ev->data[ev->len] = '\0';
    jsMsgMetaData_Destroy(meta);
    natsMsg_Destroy(msg);
    /* backpressure: this is libnats's delivery thread, not the loop */
    pthread_mutex_lock(&rlog.lock);
    while (rlog.applying >= REPLICATE_LOG_MAX_APPLYING && !rlog.stopping)
        pthread_cond_wait(&rlog.cond, &rlog.lock);
    rlog.applying++;
    pthread_mutex_unlock(&rlog.lock);
    replicate_log_push(ev);
}

static void
replicate_log_on_ack(jsCtx *js, natsMsg *msg, jsPubAck *pa, jsPubAckErr *pae,
                     void *closure)
{
    struct replicate_event *ev = replicate_log_event(
        pa != NULL ? REPLICATE_EV_ACK : REPLICATE_EV_NACK);

    (void)js;
    (void)closure;
    ev->id = replicate_log_own_id(msg);
    if (pa != NULL) {
        ev->seq = pa->Sequence;
    } else {
        snprintf(ev->text, sizeof ev->text, "%s",
                 pae != NULL && pae->ErrText != NULL
                     ? pae->ErrText
                     : natsStatus_GetText(pae != NULL ? pae->Err : NATS_ERR));
    }
    natsMsg_Destroy(msg);
    replicate_log_push(ev);
}

/* Which of libnats's callbacks ran says it, not the connection's status:
 * the disconnected one may run after the reconnection. */
static void
replicate_log_link(natsConnection *nc, int connected)
{
    struct replicate_event *ev = replicate_log_event(REPLICATE_EV_LINK);

    ev->connected = connected;
    if (connected)
        natsConnection_GetConnectedUrl(nc, ev->text, sizeof ev->text);
    replicate_log_push(ev);
}

static void
replicate_log_on_disconnected(natsConnection *nc, void *closure)
{
    (void)closure;
    replicate_log_link(nc, 0);
}

static void
replicate_log_on_reconnected(natsConnection *nc, void *closure)
{
    (void)closure;
    replicate_log_link(nc, 1);
}

/* One write to the stream, its answer coming to replicate_log_on_ack(). */
static void
replicate_log_send(const struct replicate_event *o)
{
    char msg_id[64];
    natsMsg *m = NULL;
    jsPubOptions po;
    natsStatus s;

    snprintf(msg_id, sizeof msg_id, "%s-%" PRIu64, rlog.node, o->id);
    jsPubOptions_Init(&po);
    po.MaxWait = REPLICATE_LOG_PUB_WAIT_MS;
    s = natsMsg_Create(&m, rlog.subject, NULL, o->data, (int)o->len);
    if (s == NATS_OK) s = natsMsgHeader_Set(m, "Nats-Msg-Id", msg_id);
    if (s == NATS_OK) s = js_PublishMsgAsync(rlog.js, &m, &po);
    natsMsg_Destroy(m); /* NULL once libnats took it */
    if (s != NATS_OK) {
        struct replicate_event *ev = replicate_log_event(REPLICATE_EV_NACK);

        ev->id = o->id;
        snprintf(ev->text, sizeof ev->text, "%s", natsStatus_GetText(s));
        replicate_log_push(ev);
    }
}

static void *
replicate_log_publisher(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&rlog.lock);
    for (;;) {
        struct replicate_event *o;
        uint64_t now;

        while (rlog.out_head == NULL && !rlog.stopping)
            pthread_cond_wait(&rlog.cond, &rlog.lock);
        if (rlog.stopping) break;
        o = rlog.out_head;
        rlog.out_head = o->next;
        if (rlog.out_head == NULL) rlog.out_tail = NULL;
        pthread_mutex_unlock(&rlog.lock);
        now = stats_now_usec();
        if (o->not_before > now) usleep((useconds_t)(o->not_before - now));
        replicate_log_send(o);
        replicate_event_free(o);
        pthread_mutex_lock(&rlog.lock);
    }
    pthread_mutex_unlock(&rlog.lock);
    return NULL;
}

void
replicate_log_publish(uint64_t id, const char *data, size_t len,
                      uint64_t not_before)
{
    struct replicate_event *o = xcalloc(1, sizeof *o);

    o->id = id;
    o->data = xmalloc(len + 1);
    memcpy(o->data, data, len);
    o->len = len;
    o->not_before = not_before;
    pthread_mutex_lock(&rlog.lock);
    replicate_log_append(&rlog.out_head, &rlog.out_tail, o);
    pthread_cond_broadcast(&rlog.cond);
    pthread_mutex_unlock(&rlog.lock);
}

void
replicate_log_bounds(uint64_t *first, uint64_t *last)
{
    *first = rlog.first_seq;
    *last = rlog.last_seq;
}

struct replicate_event *
replicate_log_take(void)
{
    struct replicate_event *ev;

    pthread_mutex_lock(&rlog.lock);
    ev = rlog.ev_head;
    rlog.ev_head = rlog.ev_tail = NULL;
    pthread_mutex_unlock(&rlog.lock);
    return ev;
}

void
replicate_event_free(struct replicate_event *ev)
{
    if (ev == NULL) return;
    free(ev->data);
    free(ev);
}

void
replicate_log_applied(void)
{
    pthread_mutex_lock(&rlog.lock);
    rlog.applying--;
    pthread_cond_broadcast(&rlog.cond);
    pthread_mutex_unlock(&rlog.lock);
}

/* Splits urls at commas into servers (pointers into buf). */
static int
replicate_log_servers(const char *urls, char *buf, size_t buflen,
                      const char **servers)
{
    int n = 0;

    snprintf(buf, buflen, "%s", urls);
    for (char *save = NULL, *t = strtok_r(buf, ",", &save);
         t != NULL && n < REPLICATE_LOG_MAX_SERVERS;
         t = strtok_r(NULL, ",", &save))
        servers[n++] = t;
    return n;
}

static natsStatus
replicate_log_dial(const char *urls, natsConnection **nc, int events, char *err,
                   size_t errlen)
{
    const char *servers[REPLICATE_LOG_MAX_SERVERS];
    char buf[4096];
    natsOptions *o = NULL;
    natsStatus s;
    int n = replicate_log_servers(urls, buf, sizeof buf, servers);

    s = natsOptions_Create(&o);
    if (s == NATS_OK) s = natsOptions_SetServers(o, servers, n);
    if (s == NATS_OK) s = natsOptions_SetName(o, "carid");
    if (s == NATS_OK) s = natsOptions_SetMaxReconnect(o, -1); /* forever */
    if (s == NATS_OK) s = natsOptions_SetReconnectWait(o, 250);
    if (s == NATS_OK) s = natsOptions_SetPingInterval(o, REPLICATE_LOG_PING_MS);
    if (s == NATS_OK) s = natsOptions_SetMaxPingsOut(o, 2);
    /* events: the link's changes reach the loop (start()'s connection) */
    if (s == NATS_OK && events)
        s = natsOptions_SetDisconnectedCB(o, replicate_log_on_disconnected,
                                          NULL);
    if (s == NATS_OK && events)
        s = natsOptions_SetReconnectedCB(o, replicate_log_on_reconnected, NULL);
    if (s == NATS_OK) s = natsConnection_Connect(nc, o);
    natsOptions_Destroy(o);
    if (s != NATS_OK)
        snprintf(err, errlen, "cannot connect to %s: %s", urls,
                 nats_GetLastError(NULL));
    return s;
}

/* The stream, made with cfg's replicas if it is not there yet; a stream
 * of that name that exists is used as it is. */
static natsStatus
replicate_log_stream(const struct replicate_log_cfg *cfg, char *err,
                     size_t errlen)
{
    jsStreamConfig sc;
    jsStreamInfo *si = NULL;
    jsErrCode code = 0;
    const char *subjects[1] = {rlog.subject};
    natsStatus s;

    s = js_GetStreamInfo(&si, rlog.js, cfg->stream, NULL, &code);
    if (s == NATS_OK) {
        rlog.first_seq = si->State.FirstSeq;
        rlog.last_seq = si->State.LastSeq;
        jsStreamInfo_Destroy(si);
        return s;
    }
    jsStreamConfig_Init(&sc);
    sc.Name = cfg->stream;
    sc.Subjects = subjects;
    sc.SubjectsLen = 1;
    sc.Storage = js_FileStorage;
    sc.Replicas = cfg->replicas;
    s = js_AddStream(&si, rlog.js, &sc, NULL, &code);
    if (s != NATS_OK && code == JSStreamNameExistErr) s = NATS_OK; /* a peer */
    jsStreamInfo_Destroy(si);
    if (s != NATS_OK)
        snprintf(err, errlen, "stream %s: %s (%d)", cfg->stream,
                 nats_GetLastError(NULL), (int)code);
    return s;
}

static natsStatus
replicate_log_subscribe(const struct replicate_log_cfg *cfg, char *err,
                        size_t errlen)
{
    jsSubOptions so;
    jsErrCode code = 0;
    natsStatus s;

    jsSubOptions_Init(&so);
    so.Stream = cfg->stream;
    so.Ordered = true;
    so.Config.DeliverPolicy = js_DeliverByStartSequence;
    so.Config.OptStartSeq = cfg->from_seq;
    /* the server's heartbeat: two missed and libnats makes the consumer
     * again (a server lost); its default of 5 s stalls applying ~10 s */
    so.Config.Heartbeat = REPLICATE_LOG_HEARTBEAT_MS * (int64_t)1000000;
    s = js_Subscribe(&rlog.sub, rlog.js, rlog.subject, replicate_log_on_msg,
                     NULL, NULL, &so, &code);
    if (s == NATS_OK)
        /* the callback's wait bounds what is held; let libnats queue a
         * full window behind it rather than drop */
        s = natsSubscription_SetPendingLimits(rlog.sub, -1, -1);
    if (s != NATS_OK)
        snprintf(err, errlen, "consumer of %s: %s (%d)", cfg->stream,
                 nats_GetLastError(NULL), (int)code);
    return s;
}

/* The stream and its consumer, tried again for a while. */
static natsStatus
replicate_log_join(const struct replicate_log_cfg *cfg, char *err,
                   size_t errlen)
{
    natsStatus s = NATS_ERR;

    for (int i = 0; i < REPLICATE_LOG_START_TRIES; i++) {
        if (i > 0) {
            log_warn("replicate: %s; trying again", err);
            usleep(REPLICATE_LOG_START_PAUSE_USEC);
        }
        s = replicate_log_stream(cfg, err, errlen);
        if (s == NATS_OK) s = replicate_log_subscribe(cfg, err, errlen);
        if (s == NATS_OK) break;
    }
    return s;
}

/* The bucket of BACKUPs announced, made if missing (replicas <= 0: only
 * bound); NULL (with a warning when making it failed) if neither works. */
static kvStore *
replicate_log_kv_open(jsCtx *js, const char *stream, long replicas)
{
    char bucket[160];
    kvStore *kv = NULL;
    kvConfig kc;
    natsStatus s;

    snprintf(bucket, sizeof bucket, "carid-backups-%s", stream);
    s = js_KeyValue(&kv, js, bucket);
    if (s != NATS_OK && replicas > 0) {
        kvConfig_Init(&kc);
        kc.Bucket = bucket;
        kc.History = 1;
        kc.Replicas = (int)replicas;
        kc.StorageType = js_FileStorage;
        s = js_CreateKeyValue(&kv, js, &kc);
    }
    if (s != NATS_OK) {
        if (replicas > 0)
            log_warn("replicate: bucket %s: %s: BACKUPs will not be "
                     "announced",
                     bucket, nats_GetLastError(NULL));
        return NULL;
    }
    return kv;
}

int
replicate_log_announce(const char *name, uint64_t seq, char *err, size_t errlen)
{
    char value[32];
    natsStatus s;

    snprintf(value, sizeof value, "%" PRIu64, seq);
    pthread_mutex_lock(&rlog.kv_lock);
    s = rlog.kv != NULL ? kvStore_PutString(NULL, rlog.kv, name, value)
                        : NATS_ILLEGAL_STATE;
    if (s != NATS_OK)
        snprintf(err, errlen, "%s",
                 rlog.kv != NULL ? nats_GetLastError(NULL)
                                 : "no bucket of BACKUPs on the log");
    pthread_mutex_unlock(&rlog.kv_lock);
    return s == NATS_OK ? 0 : -1;
}

/* name is a regular file of the directory dfd (not a link). */
static int
replicate_log_is_file(int dfd, const char *name)
{
    struct stat st;

    return fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
           S_ISREG(st.st_mode);
}

/* The best of kv's announcements whose file is in dfd. */
static void
replicate_log_pick(kvStore *kv, int dfd, char *name, size_t namelen,
                   uint64_t *seq)
{
    kvKeysList keys = {NULL, 0};

    if (kvStore_Keys(&keys, kv, NULL) != NATS_OK) return;
    for (int i = 0; i < keys.Count; i++) {
        kvEntry *e = NULL;
        uint64_t v;

        if (kvStore_Get(&e, kv, keys.Keys[i]) != NATS_OK) continue;
        v = strtoull(kvEntry_ValueString(e), NULL, 10);
        kvEntry_Destroy(e);
        if (v > *seq && strlen(keys.Keys[i]) < namelen &&
            replicate_log_is_file(dfd, keys.Keys[i])) {
            *seq = v;
            snprintf(name, namelen, "%s", keys.Keys[i]);
        }
    }
    kvKeysList_Destroy(&keys);
}

int
replicate_log_newest_backup(const char *urls, const char *stream,
                            const char *dir, char *name, size_t namelen,
                            uint64_t *seq, char *err, size_t errlen)
{
    natsConnection *nc = NULL;
    jsCtx *js = NULL;
    kvStore *kv = NULL;
    int dfd;

    *name = '\0';
    *seq = 0;
    dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dfd < 0) {
        snprintf(err, errlen, "%s: %s", dir, strerror(errno));
        return -1;
    }
    if (replicate_log_dial(urls, &nc, 0, err, errlen) != NATS_OK) {
        close(dfd);
        return -1;
    }
    if (natsConnection_JetStream(&js, nc, NULL) == NATS_OK)
        kv = replicate_log_kv_open(js, stream, 0);
    if (kv != NULL) {
        replicate_log_pick(kv, dfd, name, namelen, seq);
        kvStore_Destroy(kv);
    }
    if (js != NULL) jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
    close(dfd);
    return 0;
}

int
replicate_log_start(const struct replicate_log_cfg *cfg, char *err,
                    size_t errlen)
{
    jsOptions jo;
    char url[256] = "";
    uint64_t node = 0;
    natsStatus s;

    if (getrandom(&node, sizeof node, 0) != sizeof node)
        node = (uint64_t)time(NULL) * 2654435761u ^ (uint64_t)getpid();
    snprintf(rlog.node, sizeof rlog.node, "%016" PRIx64, node);
    snprintf(rlog.subject, sizeof rlog.subject, "carid.%s", cfg->stream);
    rlog.wake = cfg->wake;
    rlog.stopping = 0;
    if (replicate_log_dial(cfg->urls, &rlog.nc, 1, err, errlen) != NATS_OK)
        return -1;
    jsOptions_Init(&jo);
    jo.PublishAsync.AckHandler = replicate_log_on_ack;
    /* our own bound is REPLICATE_MAX_PENDING (replicate.h): never let
     * js_PublishMsgAsync() stall the publisher on libnats's */
    jo.PublishAsync.MaxPending = 1 << 20;
    s = natsConnection_JetStream(&rlog.js, rlog.nc, &jo);
    if (s != NATS_OK)
        snprintf(err, errlen, "JetStream: %s", natsStatus_GetText(s));
    if (s == NATS_OK) s = replicate_log_join(cfg, err, errlen);
    if (s == NATS_OK) {
        kvStore *kv = replicate_log_kv_open(rlog.js, cfg->stream,
                                            cfg->replicas);

        pthread_mutex_lock(&rlog.kv_lock);
        rlog.kv = kv;
        pthread_mutex_unlock(&rlog.kv_lock);
    }
    if (s == NATS_OK && pthread_create(&rlog.publisher, NULL,
                                       replicate_log_publisher, NULL) != 0) {
        snprintf(err, errlen, "pthread_create() failed");
        s = NATS_ERR;
    }
    if (s != NATS_OK) {
        replicate_log_stop();
        return -1;
    }
    rlog.publisher_running = 1;
    natsConnection_GetConnectedUrl(rlog.nc, url, sizeof url);
    log_info("replicate: node %s on stream %s from sequence %" PRIu64
             ", connected to %s",
             rlog.node, cfg->stream, cfg->from_seq, url);
    return 0;
}

void
replicate_log_stop(void)
{
    struct replicate_event *o, *next;

    pthread_mutex_lock(&rlog.lock);
    rlog.stopping = 1;
    pthread_cond_broadcast(&rlog.cond);
    pthread_mutex_unlock(&rlog.lock);
    if (rlog.publisher_running) pthread_join(rlog.publisher, NULL);
    rlog.publisher_running = 0;
    /* no natsSubscription_Unsubscribe(): it asks the stream to delete the
     * consumer and waits up to 5 s for an answer when the log is away;
     * the server drops an idle ordered consumer by itself */
    if (rlog.nc != NULL) natsConnection_Close(rlog.nc);
    if (rlog.sub != NULL) natsSubscription_Destroy(rlog.sub);
    pthread_mutex_lock(&rlog.kv_lock);
    if (rlog.kv != NULL) kvStore_Destroy(rlog.kv);
    rlog.kv = NULL;
    pthread_mutex_unlock(&rlog.kv_lock);
    if (rlog.js != NULL) jsCtx_Destroy(rlog.js);
    if (rlog.nc != NULL) natsConnection_Destroy(rlog.nc);
    rlog.sub = NULL;
    rlog.js = NULL;
    rlog.nc = NULL;
    for (o = rlog.out_head; o != NULL; o = next) {
        next = o->next;
        replicate_event_free(o);
    }
    rlog.out_head = rlog.out_tail = NULL;
    /* and libnats's threads are gone before the caller frees what their
     * callbacks use (replicate.c's event) */
    nats_CloseAndWait(REPLICATE_LOG_CLOSE_WAIT_MS);
}
