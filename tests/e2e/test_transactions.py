#!/usr/bin/env python3
"""test_transactions.py - MULTI / EXEC / DISCARD, raw and through redis-py.

carid's promise (PROTOCOL.md, Transactions): the writes queued between
MULTI and EXEC commit in one transaction, all or nothing; a command refused
while queued makes EXEC answer EXECABORT with nothing applied; DISCARD
applies nothing; reads inside see the transaction's writes; EXEC's +OKs
are durable.
"""
import threading

import harness
from harness import ReplyError, check, eq

suite = harness.Suite("transactions")
ABORT = ReplyError("EXECABORT Transaction discarded because of previous "
                   "errors.")


def doc(word):
    return ("title", "Berita %s hari ini" % word,
            "body", "Warga membicarakan %s di pasar." % word,
            "source", "uji", "date", "2024-05-01")


def exists(c, id_):
    return c.call("GET", id_) is not None


@suite.test
def exec_applies_all_and_answers_each(s):
    c = s.daemon.connect()
    got = c.pipeline([("MULTI",), ("PUT", "t1") + doc("gempa"),
                      ("PUT", "t2") + doc("gempa"), ("DEL", "nope"),
                      ("PING",), ("EXEC",)])
    eq(got[:5], ["OK", "QUEUED", "QUEUED", "QUEUED", "QUEUED"], "queueing")
    eq(got[5], ["OK", "OK", 0, "PONG"], "EXEC replies")
    check(exists(c, "t1") and exists(c, "t2"), "both PUTs applied")


@suite.test
def reads_inside_see_the_transaction(s):
    c = s.daemon.connect()
    got = c.pipeline([("MULTI",), ("COUNT", "kerbau"),
                      ("PUT", "r1") + doc("kerbau"), ("GET", "r1"),
                      ("EXEC",)])
    res = got[4]
    eq(res[0], 1, "COUNT in EXEC sees the PUT queued after it")
    eq(res[1], "OK", "PUT")
    eq(harness.field_pairs(res[2])["source"], b"uji", "GET in EXEC")


@suite.test
def bad_argument_aborts_everything(s):
    c = s.daemon.connect()
    got = c.pipeline([("MULTI",), ("PUT", "b1") + doc("angin"),
                      ("PUT", "b2", "tittle", "x"),
                      ("PUT", "b3") + doc("angin"), ("EXEC",)])
    eq(got[1], "QUEUED", "valid PUT queued")
    check(isinstance(got[2], ReplyError) and "unknown field" in str(got[2]),
          "bad field refused while queued: %r" % (got[2],))
    eq(got[4], ABORT, "EXEC")
    check(not exists(c, "b1") and not exists(c, "b3"), "nothing applied")
    eq(c.call("EXEC"), ReplyError("ERR EXEC without MULTI"),
       "MULTI ended with the abort")


@suite.test
def unknown_command_and_arity_abort(s):
    c = s.daemon.connect()
    for bad in [("NOSUCH", "x"), ("GET",), ("DEL",)]:
        got = c.pipeline([("MULTI",), ("PUT", "u1") + doc("hujan"), bad,
                          ("EXEC",)])
        check(isinstance(got[2], ReplyError), "%r refused" % (bad,))
        eq(got[3], ABORT, "EXEC after %r" % (bad,))
    check(not exists(c, "u1"), "nothing applied")


@suite.test
def not_allowed_inside(s):
    c = s.daemon.connect()
    for cmd in [("WATCH", "k"), ("SLOWLOG", "GET"), ("BACKUP", "x.db"),
                ("AUTH", "pw")]:
        got = c.pipeline([("MULTI",), cmd, ("PUT", "n1") + doc("awan"),
                          ("EXEC",)])
        eq(got[1], ReplyError("ERR Command not allowed inside a transaction"),
           "%s in MULTI" % cmd[0])
        eq(got[3], ABORT, "EXEC after %s" % cmd[0])
    check(not exists(c, "n1"), "nothing applied")


@suite.test
def discard_and_misuse(s):
    c = s.daemon.connect()
    got = c.pipeline([("MULTI",), ("PUT", "d1") + doc("petir"),
                      ("MULTI",), ("DISCARD",), ("EXEC",), ("DISCARD",)])
    eq(got[2], ReplyError("ERR MULTI calls can not be nested"), "nested")
    eq(got[3], "OK", "DISCARD")
    eq(got[4], ReplyError("ERR EXEC without MULTI"), "EXEC after DISCARD")
    eq(got[5], ReplyError("ERR DISCARD without MULTI"), "DISCARD twice")
    check(not exists(c, "d1"), "DISCARD applied nothing")
    eq(c.call("MULTI"), "OK", "MULTI")
    eq(c.call("EXEC"), [], "empty EXEC")
    w = c.call("WATCH", "d1")
    check(isinstance(w, ReplyError) and "not supported" in str(w),
          "WATCH says it is not supported: %r" % (w,))
    eq(c.call("UNWATCH"), "OK", "UNWATCH")


@suite.test
def quit_inside_applies_nothing(s):
    c = s.daemon.connect()
    got = c.pipeline([("MULTI",), ("PUT", "q1") + doc("kabut"), ("QUIT",)])
    eq(got[2], "OK", "QUIT")
    check(c.closed_by_server(), "closed after QUIT")
    c2 = s.daemon.connect()
    check(not exists(c2, "q1"), "nothing applied")


@suite.test
def too_big_is_refused(s):
    c = s.daemon.connect()
    cmds = [("MULTI",)] + [("DEL", "z%d" % i) for i in range(4097)]
    got = c.pipeline(cmds + [("EXEC",)])
    eq(got[4096], "QUEUED", "command 4096 queued")
    check(isinstance(got[4097], ReplyError) and "too big" in str(got[4097]),
          "command 4097 refused: %r" % (got[4097],))
    eq(got[-1], ABORT, "EXEC")


@suite.test
def redis_py_pipeline_defaults(s):
    redis = harness.import_redis()
    r = redis.Redis(host=s.daemon.host, port=s.daemon.port)
    p = r.pipeline()  # transaction=True: MULTI ... EXEC
    p.execute_command("PUT", "p1", *doc("sapi"))
    p.execute_command("PUT", "p2", *doc("sapi"))
    p.execute_command("COUNT", "sapi")
    eq(p.execute(), [b"OK", b"OK", 2], "redis-py pipeline()")
    p = r.pipeline()
    p.execute_command("PUT", "p3", *doc("sapi"))
    p.execute_command("PUT", "p4", "date", "kemarin")
    try:
        p.execute()
        raise AssertionError("a bad PUT in a pipeline must raise")
    except redis.ResponseError as e:
        check("invalid date" in str(e), "redis-py names the error: %s" % e)
    eq(r.execute_command("GET", "p3"), None, "p3 not applied")
    eq(r.execute_command("COUNT", "sapi"), 2, "still two")


@suite.test
def concurrent_transactions_are_whole(s):
    """Eight clients each commit 20 transactions of 5 PUTs while a reader
    counts: every count it sees is a multiple of 5 (no half transaction
    is ever visible), and all 800 articles are there at the end."""
    errors, seen = [], []
    stop = threading.Event()

    def writer(k):
        c = s.daemon.connect()
        for t in range(20):
            cmds = [("MULTI",)] + [("PUT", "c%d-%d-%d" % (k, t, i))
                                   + doc("banteng") for i in range(5)]
            got = c.pipeline(cmds + [("EXEC",)])
            if got[-1] != ["OK"] * 5:
                errors.append(got[-1])

    def reader():
        c = s.daemon.connect()
        while not stop.is_set():
            seen.append(c.call("COUNT", "banteng"))

    rt = threading.Thread(target=reader)
    rt.start()
    ws = [threading.Thread(target=writer, args=(k,)) for k in range(8)]
    for t in ws:
        t.start()
    for t in ws:
        t.join()
    stop.set()
    rt.join()
    eq(errors, [], "EXEC errors")
    bad = [n for n in seen if not isinstance(n, int) or n % 5]
    eq(bad, [], "counts that show half a transaction")
    eq(s.daemon.connect().call("COUNT", "banteng"), 800, "all applied")


@suite.test
def exec_is_durable(s):
    if s.plugin != "fts5":
        return  # mem keeps nothing across a restart
    c = s.daemon.connect()
    got = c.pipeline([("MULTI",), ("PUT", "k1") + doc("badak"),
                      ("PUT", "k2") + doc("badak"), ("EXEC",)])
    eq(got[3], ["OK", "OK"], "EXEC")
    s.daemon.kill()
    s.daemon.start()
    eq(s.daemon.connect().call("COUNT", "badak"), 2, "after kill -9")


if __name__ == "__main__":
    harness.main(suite)
