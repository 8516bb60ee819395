#!/usr/bin/env python3
"""test_dups.py - one story once (issue 16, part 2), through redis-py: the
same agency story PUT by three outlets (another header and credit, a
paragraph dropped, a "Baca juga" line added) is one cluster; SEARCH ...
COLLAPSE returns its best-ranked copy once with "copies 3", GET id COPIES
lists the others, STATS index counts the clusters; another story on the
same floods stays apart; a DEL and an upsert that makes a copy a new
story update the cluster.  The seeds of ../shared/seeds (five stories on
one topic) must stay five clusters (skipped when absent).  The mem plugin
refuses COLLAPSE and COPIES.
"""
import os
import subprocess
import sys

import harness
from harness import check, eq



def read_stories():
    """tests/story-copies.txt: the story's paragraphs, the other story."""
    path = os.path.join(harness.ROOT, "tests", "story-copies.txt")
    with open(path, encoding="utf-8") as f:
        lines = [l.rstrip("\n") for l in f if not l.startswith("#")]
    cut = lines.index("--")
    return lines[:cut], "\n".join(lines[cut + 1:])


STORY, OTHER = read_stories()

COPIES = {
    # the agency's own
    "antara-1": "Semarang (ANTARA) – " + "\n".join(STORY),
    # another outlet: its credit and dateline, a paragraph dropped
    "kontan-1": ("Reporter: Dewi Lestari | Editor: Yudho Winarto\n"
                 "KONTAN.CO.ID - SEMARANG. "
                 + "\n".join(STORY[:4] + STORY[5:])),
    # a third: its dateline and a "Baca juga" line
    "cnn-1": ("Semarang, CNN Indonesia -- " + "\n".join(STORY[:5])
              + "\nBaca juga: Tanggul Laut Semarang Belum Juga Dibangun\n"
              + "\n".join(STORY[5:])),
}
SEEDS = os.path.join(harness.ROOT, "..", "shared", "seeds")
FEED = os.path.join(harness.ROOT, "scripts", "feed")

suite = harness.Suite("dups")
redis = harness.import_redis()


def client(s):
    return redis.Redis(host=s.daemon.host, port=s.daemon.port,
                       decode_responses=True)


def index_stats(s):
    return harness.stats(s.daemon.connect(), "index")


@suite.test
def copies_are_one_cluster(s):
    r = client(s)
    if s.plugin != "fts5":
        r.execute_command("PUT", "x", "body", STORY[0])
        for cmd in (("SEARCH", "banjir", "COLLAPSE"), ("GET", "x", "COPIES")):
            try:
                r.execute_command(*cmd)
                check(False, "%s accepted by mem" % (cmd,))
            except redis.ResponseError as e:
                check("has no" in str(e), "%s: %s" % (cmd, e))
        return
    for aid, body in COPIES.items():
        eq(r.execute_command("PUT", aid, "body", body), "OK", "PUT " + aid)
    eq(r.execute_command("PUT", "lain-1", "body", OTHER), "OK", "PUT lain-1")
    st = index_stats(s)
    eq((st.get("clusters"), st.get("fingerprinted")), ("2", "4"),
       "STATS index: clusters, fingerprinted")
    plain = r.execute_command("SEARCH", "banjir semarang", "RETURN", "0")
    eq(plain[0], 4, "four articles match")
    hits = r.execute_command("SEARCH", "banjir semarang", "COLLAPSE",
                             "RETURN", "1", "source")
    eq(hits[0], 4, "the total still counts articles")
    got = {h[0]: h for h in hits[1:]}
    eq(len(hits) - 1, 2, "one hit per cluster: %r" % hits)
    check("lain-1" in got, "the other story is its own hit: %r" % hits)
    best = [h for h in hits[1:] if h[0] != "lain-1"][0]
    eq(best[0], plain[1][0] if plain[1][0] != "lain-1" else plain[2][0],
       "the cluster's hit is its best-ranked copy")
    eq(best[-2:], ["copies", 3], "copies of the story")
    eq(got["lain-1"][-2:], ["copies", 1], "the other story has none")
    page = r.execute_command("SEARCH", "banjir semarang", "COLLAPSE",
                             "LIMIT", "1", "1", "RETURN", "0")
    eq(len(page), 2, "LIMIT 1 1 collapsed: the second cluster")
    check(page[1][0] != best[0], "page 2 is not the first cluster's")
    cp = r.execute_command("GET", "kontan-1", "COPIES")
    eq(cp[-2], "copies", "GET COPIES ends with copies")
    eq(sorted(cp[-1]), ["antara-1", "cnn-1"], "kontan-1's copies")
    eq(r.execute_command("GET", "lain-1", "COPIES")[-1], [],
       "lain-1 has no copy")
    eq(r.execute_command("GET", "tidak-ada", "COPIES"), None, "absent: nil")
    try:
        r.execute_command("GET", "kontan-1", "SALINAN")
        check(False, "GET id SALINAN accepted")
    except redis.ResponseError as e:
        check("wrong number of arguments" in str(e), "GET id SALINAN: %s" % e)
    try:
        r.execute_command("COUNT", "banjir", "COLLAPSE")
        check(False, "COUNT COLLAPSE accepted")
    except redis.ResponseError as e:
        check("COLLAPSE" in str(e), "COUNT COLLAPSE: %s" % e)


@suite.test
def clusters_follow_writes(s):
    if s.plugin != "fts5":
        return
    r = client(s)
    eq(r.execute_command("DEL", "cnn-1"), 1, "DEL cnn-1")
    eq(sorted(r.execute_command("GET", "kontan-1", "COPIES")[-1]),
       ["antara-1"], "after DEL")
    # the upsert makes kontan-1 another story: its cluster is left
    r.execute_command("PUT", "kontan-1", "body",
                      "Harga cabai rawit di Pasar Johar turun menjadi Rp40 "
                      "ribu per kilogram setelah panen raya di Temanggung.")
    eq(r.execute_command("GET", "antara-1", "COPIES")[-1], [],
       "after the upsert antara-1 is alone")
    eq(index_stats(s).get("clusters"), "3", "antara, lain, kontan's new")
    r.execute_command("DEL", "antara-1", "kontan-1", "lain-1")
    eq(index_stats(s).get("clusters"), "0", "no article, no cluster")
    s.daemon.restart()
    r = client(s)
    for aid, body in COPIES.items():
        r.execute_command("PUT", aid, "body", body)
    s.daemon.restart()
    r = client(s)
    eq(sorted(r.execute_command("GET", "antara-1", "COPIES")[-1]),
       ["cnn-1", "kontan-1"], "clusters survive a restart")


@suite.test
def seeds_stay_apart(s):
    if s.plugin != "fts5":
        return
    if not os.path.isdir(SEEDS):
        s.say("skip: %s is not here" % SEEDS)
        return
    before = int(index_stats(s).get("clusters"))
    p = subprocess.run([sys.executable, FEED, "--port", str(s.daemon.port),
                        SEEDS], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=60)
    check(p.returncode == 0, "feed the seeds: %r" % p.stderr)
    eq(int(index_stats(s).get("clusters")) - before, 5,
       "five stories on one topic: five clusters")
    hits = client(s).execute_command("SEARCH", "kim putin senjata",
                                     "COLLAPSE", "RETURN", "0")
    eq(sorted(h[0][:3] for h in hits[1:]), ["000", "001", "002", "003",
                                             "004"], "COLLAPSE keeps all five")


if __name__ == "__main__":
    harness.main(suite)
