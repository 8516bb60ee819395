#!/usr/bin/env python3
"""test_deadline.py - one expensive query must not stop everyone (#15).

On a generated index of 15,000 articles (made-up words, 150 a body), a
ranked search over four broad prefixes with snippets takes about 10 s
without a deadline.  With the default --query-timeout-ms 1000 it answers
-ERR timeout; while 16 of them run, a third client's cheap requests (a
rare-word SEARCH, GET, STATS, INFO, PING) never wait much longer than the
deadline.  With no deadline, a client that leaves cancels its queries and
SIGTERM cancels them all.
"""
import os
import random
import statistics
import threading
import time

import harness
from harness import ReplyError, check, eq

# The bomb's prefixes match 700-800 words each: lift the expansion limit
# (128, PROTOCOL.md, Limits), which would refuse them at once.
os.environ["CARID_FTS5_PREFIX_MAX"] = "100000"

suite = harness.Suite("deadline")
N_DOCS = 15000
BOMB = ("SEARCH", "ka* OR ba* OR ma* OR sa*", "LIMIT", "0", "200", "SNIPPET")
# Seconds a cheap request may wait: the 1 s deadline, plus what a query
# may run past it (FTS5 expands a prefix in one step SQLite's progress
# handler cannot interrupt: bomb_times_out measures it), plus room.
CHEAP_BOUND = 2.0
BOMB_TOOK = [1.0]


def vocabulary():
    rnd = random.Random(7)
    syl = ["ka", "ra", "ma", "sa", "ba", "ta", "pa", "la", "na", "da", "ga",
           "ja", "ki", "ri", "mi", "si", "bi", "ti", "ku", "ru", "mu", "su"]
    words = {rnd.choice(syl) + rnd.choice(syl) + rnd.choice(syl) +
             rnd.choice(["", "n", "k", "t", "s", "h"]) for _ in range(20000)}
    return sorted(words), rnd


@suite.test
def feed_generated_index(s):
    words, rnd = vocabulary()
    c = s.daemon.connect(timeout=120)
    for start in range(0, N_DOCS, 500):
        cmds = []
        for i in range(start, min(start + 500, N_DOCS)):
            body = " ".join(rnd.choice(words) for _ in range(150))
            cmds.append(("PUT", "g%d" % i, "title",
                         " ".join(rnd.choice(words) for _ in range(8)),
                         "body", body, "source", "gen",
                         "date", "2024-%02d-%02d" % (1 + i % 12, 1 + i % 28)))
        got = c.pipeline(cmds)
        check(got == ["OK"] * len(cmds), "feed batch at %d" % start)
    # one article with a word nobody else has: the cheap, rare search
    eq(c.call("PUT", "langka", "title", "Kata zzlangka", "body", "zzlangka"),
       "OK", "rare article")


@suite.test
def bomb_times_out(s):
    c = s.daemon.connect(timeout=60)
    t0 = time.monotonic()
    r = c.call(*BOMB)
    took = time.monotonic() - t0
    check(isinstance(r, ReplyError) and str(r).startswith("ERR timeout"),
          "bomb answered %r" % (r if isinstance(r, ReplyError) else "hits",))
    check(took < CHEAP_BOUND, "timeout after %.2f s" % took)
    s.say("    bomb: -ERR timeout after %.2f s" % took)
    BOMB_TOOK[0] = took
    eq(harness.stats(c, "commands").get("query_timeouts"), "1",
       "STATS commands counts it")


@suite.test
def cheap_requests_do_not_wait(s):
    stop = threading.Event()
    answers = []

    def bomber():
        c = s.daemon.connect(timeout=120)
        while not stop.is_set():
            answers.extend(c.pipeline([BOMB] * 4))

    bombers = [threading.Thread(target=bomber) for _ in range(4)]
    for t in bombers:
        t.start()
    time.sleep(0.5)  # the query threads are full of bombs now
    lat = {}
    cheap = [("SEARCH", "zzlangka"), ("GET", "langka"), ("STATS",),
             ("INFO",), ("PING",)]
    bound = max(CHEAP_BOUND, BOMB_TOOK[0] + 1.0)
    try:
        c = s.daemon.connect(timeout=30)
        for _ in range(5):
            for cmd in cheap:
                t0 = time.monotonic()
                r = c.call(*cmd)
                lat.setdefault(cmd[0], []).append(time.monotonic() - t0)
                check(not isinstance(r, ReplyError), "%s: %r" % (cmd[0], r))
    finally:
        stop.set()
        for t in bombers:
            t.join()
    timeouts = sum(1 for a in answers
                   if isinstance(a, ReplyError) and "timeout" in str(a))
    check(timeouts >= 4 and timeouts == len(answers),
          "every bomb timed out: %d of %d" % (timeouts, len(answers)))
    for name, xs in lat.items():
        s.say("    %-6s p50 %.3f s, max %.3f s (16 bombs in flight)"
              % (name, statistics.median(xs), max(xs)))
        check(max(xs) < bound, "%s waited %.2f s (bound %.2f s)"
              % (name, max(xs), bound))


@suite.test
def leaving_and_sigterm_cancel(s):
    """No deadline: a client that leaves cancels its queries; SIGTERM
    cancels the rest and the daemon exits 0 at once."""
    s.daemon.stop()
    try:
        with harness.extra_daemon(s, ["--query-timeout-ms", "0"],
                                  data_dir=s.daemon.data_dir) as d:
            gone = d.connect()
            bombs = b"".join(harness.Client.encode(*BOMB) for _ in range(4))
            gone.send(bombs)
            time.sleep(0.3)
            gone.close()
            c = d.connect(timeout=30)
            t0 = time.monotonic()
            eq(c.call("SEARCH", "zzlangka")[0], 1, "rare search")
            took = time.monotonic() - t0
            s.say("    rare search after a bomber left: %.2f s" % took)
            check(took < CHEAP_BOUND, "rare search waited %.2f s" % took)
            busy = d.connect(timeout=30)
            busy.send(bombs)
            time.sleep(0.3)
            t0 = time.monotonic()
            rc = d.stop()  # SIGTERM, then the exit status
            took = time.monotonic() - t0
            s.say("    SIGTERM with 4 bombs running: exit %d after %.2f s"
                  % (rc, took))
            eq(rc, 0, "exit status")
            check(took < CHEAP_BOUND, "SIGTERM took %.2f s" % took)
    finally:
        s.daemon.start()


if __name__ == "__main__":
    harness.main(suite)
