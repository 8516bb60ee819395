#!/usr/bin/env python3
"""test_sources.py - SOURCE, source: and COUNTS source from the docid sets
per source (plugins/fts5/sources.h), through redis-py.

Articles are written here (random sentences of a small Indonesian
vocabulary, five sources and none); the test keeps its own model of which
article holds which word and source, and checks every answer against it:
totals, the ids of every hit, the per-source counts.  The same queries are
then asked of a daemon with CARID_FTS5_ENGINE=off on the same index (FTS5's
filters through docs_source): pages, ids and scores must be identical.
Checked after OPTIMIZE, after writes (new articles, replaces that move an
article to another source, at its rowid or another, deletes, a DISCARDed
MULTI), after a second OPTIMIZE, on an index whose sets are behind (FTS5
answers until a write rebuilds them), and after a restart.
"""
import os
import random

import harness
from harness import check, eq

# every word in two articles gets engine blocks at OPTIMIZE
os.environ["CARID_FTS5_TOP_MIN_DF"] = "2"
os.environ.pop("CARID_FTS5_ENGINE", None)

suite = harness.Suite("sources")
WORDS = ("beras pasar gempa banjir sungai kota desa hujan angin laut kapal "
         "kereta sawah jagung kopi").split()
SOURCES = ["antara", "kompas", "tempo", "detik", "antara news", ""]
RNG = random.Random(12)
MODEL = {}  # id -> (source, set of words)
DATES = {}  # id -> date


def article(i, source=None, date=None):
    words = [RNG.choice(WORDS) for _ in range(RNG.randint(3, 9))]
    title = " ".join(words[:2])
    body = " ".join(words[2:])
    if source is None:
        source = RNG.choice(SOURCES)
    if date is None:
        date = "2024-%02d-%02d" % (RNG.randint(1, 12), RNG.randint(1, 28))
    DATES["a%d" % i] = date
    return ("a%d" % i, source, set(words),
            ["title", title, "body", body, "source", source, "date", date])


def redis_client(d):
    redis = harness.import_redis()
    return redis.Redis(host=d.host, port=d.port)


def put(r, i, source=None, date=None):
    aid, src, words, fields = article(i, source, date)
    eq(r.execute_command("PUT", aid, *fields), b"OK", "PUT " + aid)
    MODEL[aid] = (src, words)


def matches(words, keep):
    return {a for a, (s, w) in MODEL.items()
            if all(x in w for x in words) and keep(s)}


def queries():
    """(args, words, source test) for each query asked."""
    out = []
    for w in WORDS[:8]:
        for s in ("antara", "tempo", "antara news", "nowhere"):
            out.append((["SEARCH", w, "SOURCE", s], [w],
                        lambda x, s=s: x == s))
    for a, b in (("beras", "pasar"), ("gempa", "laut"), ("kopi", "desa")):
        out.append((["SEARCH", "%s %s" % (a, b), "MATCH", "all", "SOURCE",
                     "kompas"], [a, b], lambda x: x == "kompas"))
        out.append((["SEARCH", "%s %s source:antara source:detik" % (a, b),
                     "MATCH", "all"], [a, b],
                    lambda x: x in ("antara", "detik")))
        out.append((["SEARCH", "%s %s -source:tempo" % (a, b), "MATCH",
                     "all"], [a, b], lambda x: x != "tempo"))
    return out


def ask(r):
    """Every query's reply, LIMIT 0 1000 (all hits) and LIMIT 2 5."""
    got = []
    for args, _, _ in queries():
        got.append(r.execute_command(*(args + ["LIMIT", "0", "1000"])))
        got.append(r.execute_command(*(args + ["LIMIT", "2", "5"])))
        got.append(r.execute_command(*(args + ["COUNTS", "source", "LIMIT",
                                               "0", "0"])))
    for w in WORDS[:6]:
        got.append(r.execute_command("SEARCH", w, "COUNTS", "source",
                                     "LIMIT", "0", "3"))
    return got


def counts_of(ids):
    c = {}
    for a in ids:
        s = MODEL[a][0]
        if s:
            c[s] = c.get(s, 0) + 1
    return sorted(c.items(), key=lambda x: (-x[1], x[0].encode()))


def check_model(r, what):
    """Totals, hit ids and COUNTS as the model says."""
    for args, words, keep in queries():
        want = matches(words, keep)
        rep = r.execute_command(*(args + ["LIMIT", "0", "1000"]))
        eq(rep[0], len(want), "%s: total of %s" % (what, args))
        eq({h[0].decode() for h in rep[1:]}, want,
           "%s: hits of %s" % (what, args))
        rep = r.execute_command(*(args + ["COUNTS", "source"]))
        flat = rep[1]
        got = [(flat[i].decode(), flat[i + 1]) for i in range(0, len(flat), 2)]
        eq(got, counts_of(want), "%s: COUNTS of %s" % (what, args))
    for w in WORDS:
        rep = r.execute_command("SEARCH", w, "COUNTS", "source", "LIMIT",
                                "0", "0")
        flat = rep[1]
        got = [(flat[i].decode(), flat[i + 1]) for i in range(0, len(flat), 2)]
        eq(got, counts_of(matches([w], lambda x: True)),
           "%s: COUNTS source of %s" % (what, w))


def engine_searches(s):
    c = s.daemon.connect()
    return int(harness.stats(c, "index")["engine_searches"])


def same_as_fts5(s, what):
    """The engine's replies equal FTS5's on the same index (ids, order,
    scores, totals, counts)."""
    r = redis_client(s.daemon)
    before = engine_searches(s)
    mine = ask(r)
    after = engine_searches(s)
    # every one went to the engine: a query's SEARCH twice, its COUNTS
    # twice (the page and the counts), the words' COUNTS twice too (their
    # page was the top lists' until stop 25)
    eq(after - before, len(queries()) * 4 + 12,
       "%s: searches the engine answered" % what)
    r.close()
    s.daemon.stop()
    os.environ["CARID_FTS5_ENGINE"] = "off"
    try:
        with harness.extra_daemon(s, data_dir=s.daemon.data_dir) as d:
            fts = ask(redis_client(d))
    finally:
        os.environ.pop("CARID_FTS5_ENGINE", None)
    s.daemon.start()
    eq(len(mine), len(fts), "replies")
    for i, (a, b) in enumerate(zip(mine, fts)):
        eq(a, b, "%s: reply %d, engine against FTS5" % (what, i))


@suite.test
def filters_after_optimize(s):
    r = redis_client(s.daemon)
    for i in range(300):
        put(r, i)
    eq(r.execute_command("OPTIMIZE"), b"OK", "OPTIMIZE")
    check_model(r, "optimized")
    same_as_fts5(s, "optimized")


@suite.test
def filters_after_writes(s):
    r = redis_client(s.daemon)
    for i in range(300, 340):  # new articles: the fresh tier
        put(r, i)
    for i in range(0, 60, 3):  # replaces, most into another source
        put(r, i, SOURCES[i % len(SOURCES)])
    for i in range(61, 120, 3):  # the same, on the same day: the same rowid
        put(r, i, SOURCES[i % len(SOURCES)], DATES["a%d" % i])
    for i in range(1, 60, 7):  # deletes
        eq(r.execute_command("DEL", "a%d" % i), 1, "DEL")
        del MODEL["a%d" % i]
    c = s.daemon.connect()  # MULTI, then DISCARD: nothing changes
    eq(c.pipeline([("MULTI",), ("PUT", "gone1", "title", "beras", "source",
                                "antara"), ("DISCARD",)]),
       ["OK", "QUEUED", "OK"], "MULTI, PUT, DISCARD")
    check(r.execute_command("GET", "gone1") is None, "DISCARD applied nothing")
    check_model(r, "after writes")
    same_as_fts5(s, "after writes")


@suite.test
def filters_after_a_second_optimize(s):
    r = redis_client(s.daemon)
    eq(r.execute_command("OPTIMIZE"), b"OK", "OPTIMIZE")
    for i in range(340, 360):  # rowids of deleted articles may come again
        put(r, i)
    check_model(r, "optimized again")
    same_as_fts5(s, "optimized again")


@suite.test
def sets_behind_are_rebuilt(s):
    """An index whose sets are behind (as one written before them): FTS5's
    filters answer, and the next write rebuilds the sets."""
    import sqlite3
    s.daemon.stop()
    db = sqlite3.connect(os.path.join(s.daemon.data_dir, "carid.db"))
    db.execute("DELETE FROM source_sets")
    db.execute("DELETE FROM meta WHERE key IN ('sources_gen', "
               "'sources_rows')")
    db.commit()
    db.close()
    s.daemon.start()
    r = redis_client(s.daemon)
    before = engine_searches(s)
    check_model(r, "sets behind")
    # the words' pages (LIMIT 0 0: their totals) need no set: the
    # engine's since stop 25; every filter and COUNTS is FTS5's
    eq(engine_searches(s) - before, len(WORDS), "no engine search with a "
       "filter while the sets are behind")
    put(r, 400)
    check_model(r, "sets rebuilt")
    check(engine_searches(s) > before, "the engine again once rebuilt")
    same_as_fts5(s, "sets rebuilt")


@suite.test
def filters_after_restart(s):
    s.daemon.restart()
    r = redis_client(s.daemon)
    check_model(r, "restarted")


if __name__ == "__main__":
    harness.main(suite)
