#!/usr/bin/env python3
"""test_merges.py - the engine's fresh tier merged into new blocks by the
daemon's writer between batches (plugins/fts5/posts_merge.h), through
redis-py.

Articles are written here (random sentences of a small Indonesian
vocabulary); the test keeps its own model of which article holds which
word and checks totals and hit ids against it.  After OPTIMIZE, writes
(new articles, replaces at the same rowid and another, deletes) fill the
tier past CARID_FTS5_MERGE_MIN; the idle writer must then merge it away
(STATS engine_merges up, engine_fresh and engine_gone 0) and every reply
(ids, order, scores, totals) must be what it was before the merge, and
still the engine's.  Then a feed while merges run, a restart, and an
index never optimized, which gets its blocks as searches find its words
frequent (the writer's own finding off), or as the writer finds them
frequent in what it stores, before any search.
"""
import os
import random
import time

import harness
from harness import check, eq

os.environ["CARID_FTS5_TOP_MIN_DF"] = "2"  # blocks for every word
os.environ["CARID_FTS5_MERGE_MIN"] = "400"  # postings in the tier
os.environ.pop("CARID_FTS5_ENGINE", None)

suite = harness.Suite("merges")
WORDS = ("beras pasar gempa banjir sungai kota desa hujan angin laut kapal "
         "kereta sawah jagung kopi").split()
RNG = random.Random(7)
MODEL = {}  # id -> set of words
DATES = {}


def redis_client(d):
    return harness.import_redis().Redis(host=d.host, port=d.port)


def put(r, i, date=None):
    words = [RNG.choice(WORDS) for _ in range(RNG.randint(3, 9))]
    aid = "a%d" % i
    if date is None:
        date = "2024-%02d-%02d" % (RNG.randint(1, 12), RNG.randint(1, 28))
    DATES[aid] = date
    rep = r.execute_command("PUT", aid, "title", " ".join(words[:2]), "body",
                            " ".join(words[2:]), "date", date)
    if not hasattr(r, "execute"):  # a pipeline answers at execute()
        eq(rep, b"OK", "PUT " + aid)
    MODEL[aid] = set(words)


def queries():
    out = [["SEARCH", "%s %s" % (a, b), "MATCH", "all"]
           for a, b in zip(WORDS, WORDS[3:] + WORDS[:3])]
    out += [["SEARCH", "%s OR %s OR %s" % (a, b, c)]
            for a, b, c in zip(WORDS, WORDS[5:], WORDS[9:])]
    return out


def want(args):
    text = args[1]
    if " OR " in text:
        words = text.split(" OR ")
        return {a for a, w in MODEL.items() if any(x in w for x in words)}
    return {a for a, w in MODEL.items() if all(x in w for x in text.split())}


def ask(r, what):
    """Every query's whole reply, checked against the model."""
    got = []
    for args in queries():
        rep = r.execute_command(*(args + ["LIMIT", "0", "1000"]))
        exp = want(args)
        eq(rep[0], len(exp), "%s: total of %s" % (what, args))
        eq({h[0].decode() for h in rep[1:]}, exp,
           "%s: hits of %s" % (what, args))
        got.append(rep)
        got.append(r.execute_command(*(args + ["LIMIT", "3", "4"])))
    return got


def index_stats(s):
    return harness.stats(s.daemon.connect(), "index")


def wait_merged(s, merges, what, empty=True):
    """Until STATS says a merge more than merges switched, none runs and
    the tier is empty (or, empty False, under the merge threshold: a feed's
    last batches may come after the last merge's snapshot); 10 s at
    most."""
    deadline = time.monotonic() + 10
    limit = 1 if empty else int(os.environ["CARID_FTS5_MERGE_MIN"])
    while True:
        st = index_stats(s)
        done = (int(st["engine_merges"]) > merges and
                int(st["engine_merging"]) == 0 and
                int(st["engine_fresh"]) < limit and
                int(st["engine_gone"]) < limit)
        if done or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    check(done, "%s: merged (STATS %s)" % (what, {
        k: st[k] for k in ("engine_merges", "engine_merging", "engine_fresh",
                           "engine_gone")}))
    return int(st["engine_merges"])


@suite.test
def idle_writer_merges_the_tier(s):
    r = redis_client(s.daemon)
    for i in range(300):
        put(r, i)
    eq(r.execute_command("OPTIMIZE"), b"OK", "OPTIMIZE")
    merges = int(index_stats(s)["engine_merges"])
    # One transaction, so one commit: a pipeline's writes can be cut into
    # two batches, and a merge whose snapshot fell between them left the
    # second's postings in the tier, under CARID_FTS5_MERGE_MIN, for good
    # (seen under ASan: 189 fresh postings and 23 gone after the merge).
    pipe = r.pipeline(transaction=True)
    for i in range(300, 420):
        put(pipe, i)
    for i in range(0, 60, 3):  # replaces on another day
        put(pipe, i)
    for i in range(61, 120, 3):  # on the same day: the same rowid
        put(pipe, i, DATES["a%d" % i])
    for i in range(1, 60, 7):
        pipe.execute_command("DEL", "a%d" % i)
        del MODEL["a%d" % i]
    check(all(x in (b"OK", 1) for x in pipe.execute()), "the batch")
    before = ask(r, "before the merge")
    merges = wait_merged(s, merges, "after the writes")
    eng = int(index_stats(s)["engine_searches"])
    after = ask(r, "after the merge")
    eq(int(index_stats(s)["engine_searches"]) - eng, 2 * len(queries()),
       "the engine answered every query after the merge")
    for i, (a, b) in enumerate(zip(before, after)):
        eq(b, a, "reply %d the same before and after the merge" % i)


@suite.test
def feed_while_merging(s):
    """Batches keep coming while merges run: answers follow the model, and
    once the feed stops the tier is merged away."""
    r = redis_client(s.daemon)
    merges = int(index_stats(s)["engine_merges"])
    for k in range(10):
        pipe = r.pipeline(transaction=False)
        for i in range(1000 + 40 * k, 1040 + 40 * k):
            put(pipe, i)
        for i in range(k, 300, 29):
            if "a%d" % i in MODEL:
                put(pipe, i, DATES["a%d" % i])
        check(all(x == b"OK" for x in pipe.execute()), "batch %d" % k)
        ask(r, "feed round %d" % k)
    wait_merged(s, merges, "after the feed", empty=False)
    ask(r, "after the feed, merged")


@suite.test
def restart_keeps_answers(s):
    r = redis_client(s.daemon)
    before = ask(r, "before the restart")
    s.daemon.restart()
    r = redis_client(s.daemon)
    eq(ask(r, "after the restart"), before, "the same replies")


@suite.test
def never_optimized_index_gets_blocks(s):
    """No OPTIMIZE at all: the idle writer pins the average length, the
    searches' frequent words are listed and merged into blocks, and the
    engine answers what FTS5 answered (ids, scores, totals)."""
    global MODEL
    saved, MODEL = MODEL, {}
    os.environ["CARID_FTS5_HOT"] = "off"  # only the searches ask
    try:
        with harness.extra_daemon(s) as d:
            os.environ.pop("CARID_FTS5_HOT")
            r = redis_client(d)
            pipe = r.pipeline(transaction=False)
            for i in range(200):
                put(pipe, i)
            check(all(x == b"OK" for x in pipe.execute()), "200 articles")
            first = ask(r, "never optimized, first")
            st = harness.stats(d.connect(), "index")
            eq(st["engine_words"], "0", "no blocks yet")
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline:
                ask(r, "never optimized, waiting")  # they ask for the lists
                st = harness.stats(d.connect(), "index")
                if (int(st["engine_words"]) >= len(WORDS) and
                        int(st["engine_merging"]) == 0):
                    break
                time.sleep(0.2)
            eq(st["engine_words"], str(len(WORDS)),
               "every word got blocks (STATS %s)" % st)
            eng = int(st["engine_searches"])
            again = ask(r, "never optimized, with blocks")
            st = harness.stats(d.connect(), "index")
            eq(int(st["engine_searches"]) - eng, 2 * len(queries()),
               "the engine answered every query")
            for i, (a, b) in enumerate(zip(first, again)):
                eq(b, a, "reply %d: the engine's as FTS5's" % i)
    finally:
        os.environ.pop("CARID_FTS5_HOT", None)
        MODEL = saved


@suite.test
def writer_finds_frequent_words(s):
    """No OPTIMIZE and no search: the writer samples what it stores,
    counts the words in many articles exactly, lists those in min_df and
    merges them into blocks, so the first searches are the engine's."""
    global MODEL
    saved, MODEL = MODEL, {}
    try:
        with harness.extra_daemon(s) as d:
            r = redis_client(d)
            for k in range(6):  # batches: the first pins the average
                pipe = r.pipeline(transaction=False)
                for i in range(100 * k, 100 * k + 100):
                    put(pipe, i)
                check(all(x == b"OK" for x in pipe.execute()),
                      "batch %d" % k)
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline:
                st = harness.stats(d.connect(), "index")
                if (int(st["engine_words"]) >= len(WORDS) and
                        int(st["engine_merging"]) == 0 and
                        int(st["engine_fresh"]) == 0):
                    break
                time.sleep(0.1)
            eq(st["engine_words"], str(len(WORDS)),
               "every word got blocks without a search (STATS %s)" % st)
            check(int(st["toplist_hot_found"]) >= len(WORDS) and
                  int(st["toplist_hot_checked"]) >=
                  int(st["toplist_hot_found"]),
                  "found by the writer (STATS %s)" % st)
            eq(st["engine_searches"], "0", "no search yet")
            ask(r, "found by the writer")  # totals and hits: the model's
            st = harness.stats(d.connect(), "index")
            eq(int(st["engine_searches"]), 2 * len(queries()),
               "the engine answered every first search")
    finally:
        MODEL = saved


if __name__ == "__main__":
    harness.main(suite)
