#!/usr/bin/env python3
"""test_concurrency.py - many clients at once, and one client pipelining.

32 threads, each on its own connection, mix PUT (new and upserts), DEL,
SEARCH and GET; every reply is checked as it comes (a client that read +OK
must find its article).  Afterwards every acknowledged article must be
found by GET and by SEARCH on its unique word, upserted-away words and
deleted articles must be gone, and COUNT and STATS documents must agree.
Then 5000 PUTs pipelined in one write must all be +OK, in order.
"""
import random
import threading
import time

import harness
from harness import check, eq

CLIENTS = 32
OPS = 200            # per client
SECONDS = 20         # a client stops early after this long
COMMON = "serentak"  # in every body of the concurrent phase
BURST = 5000
BURST_WORD = "beruntun"

WORDS = ("petani menanam padi di sawah ketika musim hujan datang lebih awal "
         "pemerintah daerah membangun jembatan baru untuk warga desa "
         "nelayan pulang membawa ikan tongkol dan cumi segar pagi ini "
         "sekolah dasar mengadakan lomba membaca puisi bagi murid kelas "
         "empat pasar malam ramai dikunjungi keluarga pada akhir pekan").split()
LETTERS = "bcdfghjklmnprstvw"


def code(n):
    """n spelled in consonants: a letters-only word no stemmer touches."""
    out = ""
    while True:
        out = LETTERS[n % len(LETTERS)] + out
        n //= len(LETTERS)
        if n == 0:
            return out


def unique_word(t, k):
    return "zq%sx%szz" % (code(t), code(k))


def article(rng, t, k):
    word = unique_word(t, k)
    title = " ".join(rng.sample(WORDS, 4)).capitalize()
    body = "%s %s %s %s." % (" ".join(rng.sample(WORDS, 8)), word, COMMON,
                            " ".join(rng.sample(WORDS, 5)))
    return word, title, body


class Worker(threading.Thread):
    def __init__(self, suite, t):
        super().__init__(daemon=True)
        self.suite = suite
        self.t = t
        self.rng = random.Random(1000 + t)
        self.live = {}      # id -> (word, title, body)
        self.gone_words = []
        self.deleted = []
        self.errors = []
        self.ops = 0

    def err(self, msg):
        self.errors.append("client %d op %d: %s" % (self.t, self.ops, msg))

    def put(self, c, aid, k):
        word, title, body = article(self.rng, self.t, k)
        r = c.call("PUT", aid, "title", title, "body", body, "source",
                   "uji-%d" % (self.t % 4), "date",
                   "2024-%02d-%02d" % (k % 12 + 1, k % 28 + 1))
        if r != "OK":
            return self.err("PUT %s: %r" % (aid, r))
        if aid in self.live:
            self.gone_words.append(self.live[aid][0])
        self.live[aid] = (word, title, body)
        # Read your writes: +OK means searchable now.
        r = c.call("SEARCH", word, "RETURN", "0")
        if not (isinstance(r, list) and r and r[0] == 1 and len(r) == 2
                and r[1][0] == aid.encode()):
            self.err("SEARCH %s right after PUT %s: %r" % (word, aid, r))

    def run(self):
        try:
            c = self.suite.daemon.connect(timeout=30)
        except OSError as e:
            return self.err("connect: %s" % e)
        deadline = time.monotonic() + SECONDS
        k = 0
        try:
            while self.ops < OPS and time.monotonic() < deadline:
                self.ops += 1
                roll = self.rng.random()
                ids = sorted(self.live)
                if roll < 0.45 or not ids:
                    k += 1
                    self.put(c, "c%d-%d" % (self.t, k), k)
                elif roll < 0.55:
                    k += 1
                    self.put(c, self.rng.choice(ids), k)
                elif roll < 0.60:
                    aid = self.rng.choice(ids)
                    r = c.call("DEL", aid)
                    if r != 1:
                        self.err("DEL %s: %r" % (aid, r))
                    self.gone_words.append(self.live.pop(aid)[0])
                    self.deleted.append(aid)
                elif roll < 0.80:
                    aid = self.rng.choice(ids)
                    r = harness.field_pairs(c.call("GET", aid))
                    word, title, body = self.live[aid]
                    if not isinstance(r, dict) or \
                            r.get("title") != title.encode() or \
                            r.get("body") != body.encode():
                        self.err("GET %s: %r" % (aid, r))
                else:
                    q = " ".join(self.rng.sample(WORDS[:20], 2))
                    r = c.call("SEARCH", q, "LIMIT", "0", "5")
                    if not isinstance(r, list) or not isinstance(r[0], int):
                        self.err("SEARCH %r: %r" % (q, r))
        except Exception as e:  # a dropped connection, a bad reply
            self.err("%s: %s" % (type(e).__name__, e))
        finally:
            c.close()


suite = harness.Suite("concurrency")
state = {"live": {}, "gone": [], "deleted": []}


@suite.test
def concurrent_clients(s):
    workers = [Worker(s, t) for t in range(CLIENTS)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(SECONDS + 60)
        check(not w.is_alive(), "client %d still running" % w.t)
    for w in workers:
        for e in w.errors[:5]:
            s.fail(e)
        state["live"].update(w.live)
        state["gone"] += w.gone_words
        state["deleted"] += w.deleted
    ops = sum(w.ops for w in workers)
    s.say("    %d clients, %d ops, %d articles live, %d deleted"
          % (CLIENTS, ops, len(state["live"]), len(state["deleted"])))
    check(ops >= CLIENTS * 50, "only %d ops done in %d s" % (ops, SECONDS))


CHUNK = 100


def chunked(c, cmds):
    """c.pipeline(cmds), CHUNK requests at a time."""
    got = []
    for i in range(0, len(cmds), CHUNK):
        got.extend(c.pipeline(cmds[i:i + CHUNK]))
    return got


@suite.test
def every_acknowledged_article_is_there(s):
    live = state["live"]
    check(len(live) > CLIENTS * 20, "too few articles: %d" % len(live))
    c = s.daemon.connect(timeout=30)
    ids = sorted(live)
    got = c.pipeline([("GET", aid) for aid in ids])
    for aid, r in zip(ids, got):
        word, title, body = live[aid]
        r = harness.field_pairs(r)
        if not isinstance(r, dict) or r.get("title") != title.encode() or \
                r.get("body") != body.encode():
            s.fail("GET %s: %r" % (aid, r))
    # in pipelines of CHUNK: a search's deadline counts from its arrival
    # (PROTOCOL.md, Deadlines), and 2,000 at once outlast it under ASan
    got = chunked(c, [("SEARCH", live[aid][0], "RETURN", "0")
                      for aid in ids])
    for aid, r in zip(ids, got):
        if not (isinstance(r, list) and r[0] == 1 and len(r) == 2
                and r[1][0] == aid.encode()):
            s.fail("SEARCH %s (unique word of %s): %r"
                   % (live[aid][0], aid, r))
    # the word itself: a gone word is one letter from other articles'
    # unique words, which a correction would find (PROTOCOL.md, Misspellings)
    got = chunked(c, [("COUNT", w, "FUZZY", "off") for w in state["gone"]])
    for w, r in zip(state["gone"], got):
        if r != 0:
            s.fail("COUNT %s (replaced or deleted): %r" % (w, r))
    got = c.pipeline([("GET", aid) for aid in state["deleted"]
                      if aid not in live])
    for r in got:
        if r is not None:
            s.fail("GET of a deleted article: %r" % (r,))
    eq(c.call("COUNT", COMMON), len(live), "COUNT %s" % COMMON)
    docs = harness.stats(c, "index").get("documents")
    eq(docs, str(len(live)), "STATS index documents")
    c.close()


@suite.test
def pipelined_burst(s):
    c = s.daemon.connect(timeout=60)
    reqs, want = [], []
    for i in range(BURST):
        reqs.append(("PUT", "b%d" % i, "title", "Kabar beruntun %d" % i,
                     "body", "Berita %s nomor %s tiba tanpa jeda."
                     % (BURST_WORD, code(i)), "date", "2023-06-15"))
        want.append("OK")
        if i % 500 == 499:
            reqs.append(("ECHO", "penanda-%d" % i))
            want.append(("penanda-%d" % i).encode())
    got = c.pipeline(reqs)
    bad = [(i, g, w) for i, (g, w) in enumerate(zip(got, want)) if g != w]
    check(not bad, "%d of %d pipelined replies wrong or out of order, "
          "first: %r" % (len(bad), len(reqs), bad[:3]))
    eq(c.call("COUNT", BURST_WORD), BURST, "COUNT after the burst")
    docs = harness.stats(c, "index").get("documents")
    eq(docs, str(len(state["live"]) + BURST), "STATS documents after burst")
    r = c.call("SEARCH", BURST_WORD, "SORT", "newest", "LIMIT", "0", "3")
    check(isinstance(r, list) and r[0] == BURST and len(r) == 4,
          "SEARCH %s LIMIT 0 3: %r" % (BURST_WORD, r))
    c.close()


if __name__ == "__main__":
    harness.main(suite)
