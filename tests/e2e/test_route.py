#!/usr/bin/env python3
"""test_route.py - carid --route (issue 18, part 4): a router over three
shards split by date answers as one node holding every article.

Three shard daemons, one single daemon and the router, each on a free
127.0.0.1 port.  The same generated Indonesian articles go to the single
node directly and to the shards through the router (PUT by date); all are
OPTIMIZEd; then random queries (best match, AND, OR, phrases, prefixes,
FROM/TO, SOURCE, SORT newest/oldest, LIMIT/OFFSET) through the router
and the single node must give the same total, ids and scores.  Also: the
shards' scores given the summed statistics equal the single node's bit
for bit (SEARCH ... STATS, scores in %.17g), a PUT lands on its date's
shard, GET/DEL through the router, COUNTS source, SUGGEST, ANALYZE and
ALIAS through it, and a shard down is a clear error.
"""
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import check, eq  # noqa: E402

# Top lists and the engine's blocks for words in 20 articles or more, so
# the single node answers from them and the shards from the engine too.
os.environ["CARID_FTS5_TOP_MIN_DF"] = "20"
os.environ.pop("CARID_FTS5_ENGINE", None)

redis = harness.import_redis()
suite = harness.Suite("route", daemon=False)

WORDS = ("harga beras naik pasar petani panen banjir hujan jalan kota "
         "warga sekolah guru murid pemerintah daerah anggaran jembatan "
         "rumah sakit dokter pasien kereta stasiun bandara pesawat laut "
         "nelayan ikan pantai gunung desa listrik air bersih sampah "
         "sungai hutan kebakaran polisi pencuri sidang hakim jaksa "
         "pemilu partai calon gubernur bupati menteri presiden").split()
SOURCES = ("antara", "kompas", "tempo")
RANGES = [("", "2016-12-31"), ("2017-01-01", "2017-12-31"),
          ("2018-01-01", "")]
N = 900


def words(rng, n):
    # a skewed draw: some words in many articles, some in few
    return " ".join(WORDS[min(int(rng.paretovariate(0.9)) - 1,
                              len(WORDS) - 1)]
                    if rng.random() < 0.6 else rng.choice(WORDS)
                    for _ in range(n))


def corpus():
    rng = random.Random(18)
    out = []
    for i in range(N):
        y = rng.choice((2015, 2016, 2017, 2018, 2019))
        date = "%d-%02d-%02d" % (y, rng.randint(1, 12), rng.randint(1, 28))
        out.append(("b%04d" % i, {
            "title": words(rng, rng.randint(3, 7)).capitalize(),
            "body": words(rng, rng.randint(15, 60)) + ".",
            "source": rng.choice(SOURCES),
            "date": date}))
    return out


class World:
    pass


W = World()


def client(d):
    return redis.Redis(host="127.0.0.1", port=d.port, socket_timeout=30)


def start(s):
    W.shards = [harness.Daemon(s.opt).start() for _ in RANGES]
    W.single = harness.Daemon(s.opt).start()
    W.spec = ";".join("%s..%s=127.0.0.1:%d" % (a, b, d.port)
                      for (a, b), d in zip(RANGES, W.shards))
    W.router = harness.Daemon(s.opt, ["--route", W.spec]).start()
    W.r, W.one = client(W.router), client(W.single)
    W.sh = [client(d) for d in W.shards]
    W.docs = corpus()
    for who in (W.one, W.r):
        p = who.pipeline(transaction=False)
        for i, (id_, f) in enumerate(W.docs):
            p.execute_command("PUT", id_, *[x for kv in f.items()
                                            for x in kv])
            if i % 100 == 99:
                p.execute()
        p.execute()
    eq(W.one.execute_command("OPTIMIZE"), b"OK", "OPTIMIZE single")
    eq(W.r.execute_command("OPTIMIZE"), b"OK", "OPTIMIZE through router")


def stop_all():
    for d in getattr(W, "shards", []) + [getattr(W, "single", None),
                                         getattr(W, "router", None)]:
        if d is not None:
            d.stop()
            for p in d.problems:
                suite.fail(p)
            d.cleanup()


def owner(date):
    for i, (a, b) in enumerate(RANGES):
        if (not a or date >= a) and (not b or date <= b):
            return i
    return -1


@suite.test
def puts_land_on_their_shard(s):
    counts = [0] * len(RANGES)
    for _, f in W.docs:
        counts[owner(f["date"])] += 1
    for i, c in enumerate(W.sh):
        info = c.execute_command("STATS", "index").decode()
        docs = int(info.split("documents:")[1].split()[0])
        eq(docs, counts[i], "articles on shard %d" % (i + 1))
    # one article, checked on each shard directly
    id_, f = W.docs[5]
    for i, c in enumerate(W.sh):
        got = c.execute_command("GET", id_)
        eq(got is not None, i == owner(f["date"]),
           "%s (%s) on shard %d" % (id_, f["date"], i + 1))


def query(rng):
    kind = rng.randrange(6)
    ws = [rng.choice(WORDS) for _ in range(rng.randint(1, 3))]
    if kind == 0:
        q = " ".join(ws)
    elif kind == 1:
        q = " OR ".join(ws)
    elif kind == 2:
        q = " AND ".join(ws)
    elif kind == 3:
        q = '"%s %s"' % (rng.choice(WORDS), rng.choice(WORDS))
    elif kind == 4:
        q = rng.choice(WORDS)[:3] + "*"
    else:
        q = ws[0]
    opts = []
    r = rng.random()
    if r < 0.25:
        opts += ["FROM", "2016-%02d-01" % rng.randint(1, 12)]
    if 0.15 < r < 0.4:
        opts += ["TO", "2018-%02d-28" % rng.randint(1, 12)]
    if rng.random() < 0.3:
        opts += ["SORT", rng.choice(("newest", "oldest"))]
    if rng.random() < 0.15:
        opts += ["SOURCE", rng.choice(SOURCES)]
    if rng.random() < 0.2:
        opts += ["MATCH", "all"]
    if rng.random() < 0.5:
        off = rng.choice((0, 0, 3, 10, 40))
        opts += ["LIMIT", str(off), str(rng.choice((1, 5, 10, 30)))]
    return [q] + opts


@suite.test
def same_answers_as_one_node(s):
    rng = random.Random(4)
    harness.same_searches(W.one, W.r, [query(rng) for _ in range(300)],
                          ("one", "router"), 200)

    # both ways a shard ranks with the router's statistics were taken:
    # the engine's and FTS5's (and the single node's engine, one word
    # alone too since the top lists went)
    def figure(c, name):
        info = c.execute_command("STATS", "index").decode()
        return int(info.split(name + ":")[1].split()[0])
    check(all(figure(c, "engine_searches") > 0 for c in W.sh),
          "the shards' engine answered nothing")
    check(figure(W.one, "engine_searches") > 0, "the node's engine answered "
          "nothing")


@suite.test
def snippets_and_counts_alike(s):
    for args in (["harga beras", "SNIPPET", "<", ">"],
                 ["banjir", "FROM", "2017-03-01", "TO", "2017-09-30"],
                 ["pasar", "SORT", "newest", "LIMIT", "95", "20"],
                 ["pasar", "SORT", "oldest", "LIMIT", "150", "30"]):
        eq(W.r.execute_command("SEARCH", *args),
           W.one.execute_command("SEARCH", *args), "SEARCH %r" % (args,))
    eq(W.r.execute_command("COUNT", "harga OR hujan"),
       W.one.execute_command("COUNT", "harga OR hujan"), "COUNT")


def termstats(c, q):
    r = c.execute_command("TERMSTATS", q)
    pairs = [(r[i].decode(), r[i + 1]) for i in range(0, len(r), 2)]
    return pairs


@suite.test
def scores_equal_bit_for_bit(s):
    """The shards ranking with the summed statistics give the single
    node's doubles exactly: compared in %.17g, not the wire's %.6f."""
    rng = random.Random(7)
    for _ in range(60):
        q = query(rng)[0]
        mine = termstats(W.one, q)
        parts = [termstats(c, q) for c in W.sh]
        summed = {"documents": sum(dict(p)["documents"] for p in parts),
                  "tokens": sum(dict(p)["tokens"] for p in parts)}
        dfs = [sum(vals) for vals in
               zip(*[[v for k, v in p if k == "df"] for p in parts])]
        eq(dict(mine)["documents"], summed["documents"], "documents")
        eq(dict(mine)["tokens"], summed["tokens"], "tokens")
        eq([v for k, v in mine if k == "df"], dfs, "dfs of %r" % q)
        blob = " ".join(str(x) for x in
                        [summed["documents"], summed["tokens"]] + dfs)
        want = W.one.execute_command("SEARCH", q, "LIMIT", "0", "50",
                                     "STATS", blob)
        hits = []
        for i, c in enumerate(W.sh):
            page = c.execute_command("SEARCH", q, "LIMIT", "0", "50",
                                     "STATS", blob)[1:]
            hits += [(-float(h[1]), -i, k, h[0], h[1])
                     for k, h in enumerate(page)]
        hits.sort()
        eq([(h[3], h[4]) for h in hits[:50]],
           [(h[0], h[1]) for h in want[1:]], "ids and %%.17g of %r" % q)
        # the node's own statistics change nothing but the digits shown
        plain = W.one.execute_command("SEARCH", q, "LIMIT", "0", "50")
        eq([(h[0], "%.6f" % float(h[1])) for h in want[1:]],
           [(h[0], h[1].decode()) for h in plain[1:]], "STATS own %r" % q)


@suite.test
def get_del_and_moves(s):
    id_, f = W.docs[7]
    eq(W.r.execute_command("GET", id_), W.one.execute_command("GET", id_),
       "GET through the router")
    eq(W.r.execute_command("GET", "tidak-ada"), None, "GET missing")
    # an upsert that moves the article to another shard's dates
    new = "2015-06-01" if owner(f["date"]) != 0 else "2019-06-01"
    fields = dict(f, date=new)
    args = [x for kv in fields.items() for x in kv]
    eq(W.r.execute_command("PUT", id_, *args), b"OK", "PUT move")
    for i, c in enumerate(W.sh):
        eq(c.execute_command("GET", id_) is not None, i == owner(new),
           "moved %s on shard %d" % (id_, i + 1))
    eq(W.r.execute_command("DEL", id_, "tidak-ada"), 1, "DEL via router")
    eq(W.r.execute_command("GET", id_), None, "gone")
    # the node holds what the shards hold again
    eq(W.one.execute_command("DEL", id_), 1, "DEL on the node")
    try:
        W.r.execute_command("PUT", "x", "title", "t", "date", "2019-02-30")
        raise AssertionError("a bad date was taken")
    except redis.ResponseError as e:
        check("date" in str(e), "bad date: %s" % e)


@suite.test
def counts_and_suggestions_alike(s):
    """COUNTS source sums the shards' counts, SUGGEST their words' article
    counts: the same replies as the node's (no hits: get_del_and_moves
    wrote since OPTIMIZE, so the scores may differ in the sixth digit)."""
    for args in (["harga"], ["banjir OR hujan"],
                 ["pasar", "FROM", "2017-03-01"],
                 ["petani panen", "MATCH", "all", "SOURCE", "tempo"],
                 ["pa*", "TO", "2016-06-30"], ["hujan", "SORT", "newest"]):
        args += ["COUNTS", "source", "LIMIT", "0", "0"]
        got = W.r.execute_command("SEARCH", *args)
        eq(got, W.one.execute_command("SEARCH", *args), "SEARCH %r" % (args,))
        check(len(got[1]) > 0, "counted something: %r" % (args,))
    for args in (["pa"], ["ha", "LIMIT", "3"], ["s", "WITHCOUNTS"],
                 ["ke", "LIMIT", "2", "WITHCOUNTS"], ["zzq"]):
        eq(W.r.execute_command("SUGGEST", *args),
           W.one.execute_command("SUGGEST", *args), "SUGGEST %r" % (args,))
    got = W.r.execute_command("SUGGEST", "s", "WITHCOUNTS")
    check(len(got) >= 4 and all(isinstance(got[i], int)
                                for i in range(1, len(got), 2)),
          "WITHCOUNTS gives word, count pairs: %r" % got[:6])
    check(got[1] > W.sh[0].execute_command("SUGGEST", "s", "WITHCOUNTS")[1],
          "the counts are summed over the shards")


@suite.test
def aliases_and_analyze_alike(s):
    """ALIAS ADD/DEL reach every shard; LIST and ANALYZE unite what the
    shards hold (an entry only one shard has appears once)."""
    text = "BPH dan ZXQ di Jawa Barat"
    for c in (W.one, W.r):
        eq(c.execute_command("ALIAS", "ADD", "BPH", "Badan Pasar Harga"), 1,
           "ALIAS ADD new")
        eq(c.execute_command("ALIAS", "ADD", "bph", "badan pasar harga"), 0,
           "ALIAS ADD again")
    for i, c in enumerate(W.sh):
        eq(len(c.execute_command("ALIAS", "LIST", "bph")), 1,
           "shard %d has the entry" % (i + 1))
    # an entry only the last shard (and the node) has
    for c in (W.one, W.sh[2]):
        eq(c.execute_command("ALIAS", "ADD", "ZXQ", "zona xeno quarsa"), 1,
           "ALIAS ADD on one shard")
    for args in ([], ["bph"], ["ZXQ"], ["jabar"]):
        eq(W.r.execute_command("ALIAS", "LIST", *args),
           W.one.execute_command("ALIAS", "LIST", *args),
           "ALIAS LIST %r" % (args,))
    got = W.r.execute_command("ANALYZE", text)
    eq(got, W.one.execute_command("ANALYZE", text), "ANALYZE")
    check(any(e[0] == b"zona xeno quarsa" for e in got),
          "the one shard's alias is there: %r" % got)
    eq(W.r.execute_command("SEARCH", "BPH", "LIMIT", "0", "0"),
       W.one.execute_command("SEARCH", "BPH", "LIMIT", "0", "0"),
       "a search through the alias")
    for c in (W.one, W.r):
        eq(c.execute_command("ALIAS", "DEL", "BPH"), 1, "ALIAS DEL")
    for c in (W.one, W.sh[2]):
        eq(c.execute_command("ALIAS", "DEL", "ZXQ"), 1, "ALIAS DEL one shard")
    for i, c in enumerate(W.sh):
        eq(c.execute_command("ALIAS", "LIST", "bph"), [],
           "shard %d lost the entry" % (i + 1))
    try:
        W.r.execute_command("ALIAS", "DEL", "KPK")
        raise AssertionError("a built-in alias was removed")
    except redis.ResponseError as e:
        check("shard 1" in str(e) and "built-in" in str(e),
              "the shard's refusal, named: %s" % e)


@suite.test
def shards_that_parse_apart_say_so(s):
    """A typo only shard 1 holds: shard 1 searches it and its correction,
    the others the correction only; one node would rank both words, so the
    router refuses rather than answer otherwise, and FUZZY off agrees."""
    doc = ["title", "Jembatam baru di desa", "body",
           "Warga desa menyebut jembatam itu dibangun tahun lalu.",
           "date", "2015-03-03", "source", "antara"]
    for c in (W.one, W.r):
        eq(c.execute_command("PUT", "typo-1", *doc), b"OK", "PUT typo")
        eq(c.execute_command("OPTIMIZE"), b"OK", "OPTIMIZE")
    one = W.one.execute_command("SEARCH", "jembatam", "FUZZY", "show")
    check(len(one[1]) > 0, "one node corrects it: %r" % one[:2])
    try:
        W.r.execute_command("SEARCH", "jembatam")
        raise AssertionError("the router answered a query its shards "
                             "parsed apart")
    except redis.ResponseError as e:
        check("parsed the query unlike" in str(e), "says why: %s" % e)
    for args in (["jembatam", "FUZZY", "off"], ["jembatan", "FUZZY", "off"]):
        eq(W.r.execute_command("SEARCH", *args),
           W.one.execute_command("SEARCH", *args), "SEARCH %r" % (args,))


@suite.test
def shard_down_is_an_error(s):
    W.shards[1].stop()
    try:
        W.r.execute_command("SEARCH", "harga")
        raise AssertionError("a search with a shard down answered")
    except redis.ResponseError as e:
        check("shard 2" in str(e) and "unavailable" in str(e),
              "error names the shard: %s" % e)
    # a shard not holding the dates asked is not needed for the page,
    # but the statistics are every shard's: still an error
    try:
        W.r.execute_command("SEARCH", "harga", "FROM", "2019-01-01")
        raise AssertionError("answered without shard 2's statistics")
    except redis.ResponseError as e:
        check("shard 2" in str(e), "error names the shard: %s" % e)
    eq(W.r.execute_command("PING"), True, "the router itself is fine")


if __name__ == "__main__":
    harness.run_world(suite, start, stop_all)
