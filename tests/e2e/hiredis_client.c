/*
 * hiredis_client.c - hiredis (Debian's libhiredis) against a running carid:
 * AUTH, a pipeline, a transaction and HELLO 2 (Debian 12's hiredis 0.14
 * has no RESP3 parser; node-redis and redis-cli -3 test that).
 * Usage: hiredis_client PORT PASSWORD.  Prints "N passed, M failed".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>

static int passed, failed;

static void
check(int ok, const char *what)
{
    printf("%s %s\n", ok ? "ok  " : "FAIL", what);
    if (ok)
        passed++;
    else
        failed++;
}

static int
is_status(const redisReply *r, const char *s)
{
    return r != NULL && r->type == REDIS_REPLY_STATUS && strcmp(r->str, s) == 0;
}

int
main(int argc, char **argv)
{
    redisContext *c;
    redisReply *r;
    void *v;

    if (argc != 3) {
        fprintf(stderr, "usage: hiredis_client PORT PASSWORD\n");
        return 2;
    }
    c = redisConnect("127.0.0.1", atoi(argv[1]));
    if (c == NULL || c->err) {
        printf("FAIL connect: %s\n0 passed, 1 failed\n", c ? c->errstr : "?");
        return 1;
    }
    r = redisCommand(c, "AUTH %s", argv[2]);
    check(is_status(r, "OK"), "AUTH");
    freeReplyObject(r);

    redisAppendCommand(c, "PUT h1 title %s body %s", "Harga gula naik",
                       "gula pasir mahal");
    redisAppendCommand(c, "GET h1");
    redisAppendCommand(c, "COUNT gula");
    redisGetReply(c, &v);
    check(is_status(v, "OK"), "pipelined PUT");
    freeReplyObject(v);
    redisGetReply(c, &v);
    r = v;
    check(r != NULL && r->type == REDIS_REPLY_ARRAY && r->elements == 4,
          "pipelined GET");
    freeReplyObject(v);
    redisGetReply(c, &v);
    r = v;
    check(r != NULL && r->type == REDIS_REPLY_INTEGER && r->integer == 1,
          "pipelined COUNT");
    freeReplyObject(v);

    r = redisCommand(c, "MULTI");
    check(is_status(r, "OK"), "MULTI");
    freeReplyObject(r);
    r = redisCommand(c, "PUT h2 title %s", "gula merah");
    check(is_status(r, "QUEUED"), "queued PUT");
    freeReplyObject(r);
    r = redisCommand(c, "EXEC");
    check(r != NULL && r->type == REDIS_REPLY_ARRAY && r->elements == 1 &&
              is_status(r->element[0], "OK"),
          "EXEC");
    freeReplyObject(r);

    r = redisCommand(c, "HELLO 2");
    check(r != NULL && r->type == REDIS_REPLY_ARRAY && r->elements == 14 &&
              strcmp(r->element[1]->str, "carid") == 0,
          "HELLO 2 answers a flat array");
    freeReplyObject(r);
    r = redisCommand(c, "GET tidak-ada");
    check(r != NULL && r->type == REDIS_REPLY_NIL, "nil");
    freeReplyObject(r);
    r = redisCommand(c, "COUNT gula");
    check(r != NULL && r->type == REDIS_REPLY_INTEGER && r->integer == 2,
          "COUNT after the transaction");
    freeReplyObject(r);
    redisFree(c);
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
