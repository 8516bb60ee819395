#!/usr/bin/env python3
"""test_replicas.py - carid --replicate on loopback (issue 18): a real
3-server NATS JetStream cluster (stream R=3), three carid nodes and HAProxy
started by scripts/cluster with a password.

- a write on node A is read on A at once (read-your-writes) and on B and C
  once they applied it; PUT, DEL, MULTI/EXEC (with an OPTIMIZE in it) and
  ALIAS ADD all replicate, and every node then answers the same top 10,
  scores included;
- kill -9 of the stream's leader server: writes go on, and every write that
  was answered +OK is on every node afterwards;
- kill -9 of a carid node: HAProxy routes around it, and restarted it
  resumes after the sequence it recorded and catches up;
- kill -9 of the node a client writes to, right after an +OK: the write
  is on the other nodes, and on the killed one once it is back (it had
  applied it, durably, before answering); every node then answers the
  same top 10;
- every NATS server killed: a node serves reads, STATS says it is cut off,
  a write fails with -ERR replicate after its 15 s; the servers started
  again, the nodes take writes and answer the same top 10.

The cluster and the helpers are replicas.py's (it exits 77 without
nats-server or haproxy).  A node started from a BACKUP, and one the log
has gone past: test_replicas_snapshot.py.
"""
import json
import os
import re
import threading
import time
import urllib.request

import harness
from harness import check, eq
from replicas import (article, client, cluster, kill9, node, redis,
                      repl_stats, restart, same_top10, tmp, top10,
                      wait_all, wait_applied, PASSWORD)
import replicas

suite = harness.Suite("replicas", daemon=False)


def nats_leader():
    """Index of the server leading the stream (its monitor says)."""
    for n in cluster["nats"]:
        url = ("http://127.0.0.1:%d/jsz?accounts=true&streams=true"
               % n["monitor"])
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                d = json.load(r)
        except OSError:
            continue
        for a in d.get("account_details", []):
            for s in a.get("stream_detail", []):
                lead = s.get("cluster", {}).get("leader")
                if lead:
                    return int(lead[len("nats"):]) - 1
    raise AssertionError("no server names the stream's leader")


@suite.test
def cluster_starts(s):
    replicas.start(suite.opt.carid)
    eq(len(cluster["nodes"]), 3, "nodes")
    # HAProxy came up: its AUTH + PING check passed on the nodes
    eq(client(cluster["haproxy"]["port"]).ping(), True, "PING via HAProxy")


@suite.test
def write_on_a_read_on_b_and_c(s):
    a, b, c = node(0), node(1), node(2)
    pipe = a.pipeline(transaction=False)
    for i in range(60):
        pipe.execute_command("PUT", "r%d" % i, *article(i))
    check(all(r == b"OK" for r in pipe.execute()), "PUT on A")
    # read-your-writes: A answers +OK only once it applied the write
    check(a.execute_command("GET", "r59") is not None, "A reads its write")
    seq = repl_stats(a)["replicate_applied_seq"]
    check(seq >= 60, "A applied %d" % seq)
    for x in (b, c):
        wait_applied(x, seq)
        check(x.execute_command("GET", "r17") is not None, "r17 on B/C")
    same_top10([a, b, c], ["banjir", "harga beras", "nelayan gelombang",
                           "Jakarta"])
    via = client(cluster["haproxy"]["port"])
    eq(via.execute_command("PUT", "lewat-haproxy", *article(99)), b"OK",
       "PUT via HAProxy")


@suite.test
def del_exec_and_alias_replicate(s):
    a, b, c = node(0), node(1), node(2)
    eq(b.execute_command("DEL", "r0", "r1", "nothing"), 2, "DEL on B")
    tx = c.pipeline(transaction=True)
    tx.execute_command("PUT", "tx1", *article(101))
    tx.execute_command("DEL", "r2")
    tx.execute_command("GET", "tx1")
    # it pins the average length BM25 uses: every node must, at the same
    # point of the stream, for their scores to stay equal
    tx.execute_command("OPTIMIZE")
    got = tx.execute()
    eq(got[0], b"OK", "EXEC's PUT")
    eq(got[1], 1, "EXEC's DEL")
    check(got[2] is not None, "EXEC's GET sees its PUT")
    eq(got[3], b"OK", "EXEC's OPTIMIZE")
    eq(a.execute_command("ALIAS", "ADD", "jkt", "jakarta"), 1, "ALIAS ADD")
    wait_all([a, b, c])
    for i, x in enumerate((a, b, c)):
        eq(repl_stats(x)["replicate_stopped"], 0, "node %d applies" % (i + 1))
        eq(x.execute_command("GET", "r0"), None, "r0 on node %d" % (i + 1))
        eq(x.execute_command("GET", "r2"), None, "r2 on node %d" % (i + 1))
        check(x.execute_command("GET", "tx1") is not None,
              "tx1 on node %d" % (i + 1))
    same_top10([a, b, c], ["jkt", "banjir"])


def writer_loop(port, prefix, stop, acked, failed, stalls):
    c = client(port)
    i = 0
    while not stop.is_set():
        aid = "%s%d" % (prefix, i)
        try:
            t0 = time.monotonic()
            if c.execute_command("PUT", aid, *article(i)) == b"OK":
                acked.append(aid)
                stalls.append(time.monotonic() - t0)
        except redis.RedisError as e:
            failed.append("%s: %s" % (aid, e))
            c = client(port)
        i += 1


def nats_of_node(i):
    """Index of the server node i is connected to (its log says)."""
    log = open(os.path.join(tmp, "node%d" % (i + 1), "carid.log")).read()
    port = int(re.findall(r"connected to nats://[0-9.]+:(\d+)", log)[-1])
    return [n["port"] for n in cluster["nats"]].index(port)


@suite.test
def kill_nats_server_writes_go_on(s):
    """The server node A is connected to: A reconnects, its consumer is
    made again, and the stream may need a new leader too."""
    a, b, c = node(0), node(1), node(2)
    stop, acked, failed, stalls = threading.Event(), [], [], []
    t = threading.Thread(target=writer_loop, args=(
        cluster["nodes"][0]["port"], "n", stop, acked, failed, stalls))
    t.start()
    try:
        time.sleep(1)
        lead, victim = nats_leader(), nats_of_node(0)
        before = len(acked)
        kill9(cluster["nats"][victim]["pid"])
        s.say("    killed nats%d (A's server%s) after %d writes"
              % (victim + 1, ", the stream's leader" if victim == lead else
                 "", before))
        # the writes resume: 100 more acknowledged
        deadline = time.monotonic() + 20
        while len(acked) < before + 100 and time.monotonic() < deadline:
            time.sleep(0.1)
        after = len(acked) - before
    finally:
        stop.set()
        t.join(30)
    s.say("    %d writes acknowledged after the kill, %d failed; the longest "
          "waited %.1f s" % (after, len(failed), max(stalls)))
    check(after >= 100, "%d writes acknowledged in the 20 s after the kill: "
          "%s" % (after, failed[:3]))
    wait_all([a, b, c])
    for i, x in enumerate((a, b, c)):
        pipe = x.pipeline(transaction=False)
        for aid in acked:
            pipe.execute_command("GET", aid)
        lost = [aid for aid, r in zip(acked, pipe.execute()) if r is None]
        eq(lost, [], "acknowledged writes missing on node %d" % (i + 1))
    same_top10([a, b, c], ["banjir", "pasar malam"])
    # the server comes back and rejoins
    restart("nats%d" % (victim + 1))


@suite.test
def kill_carid_node_catches_up(s):
    a, b = node(0), node(1)
    dead = cluster["nodes"][2]
    seq_before = repl_stats(node(2))["replicate_applied_seq"]
    kill9(dead["pid"])
    # HAProxy's health check (AUTH, PING) takes it out
    hlog = os.path.join(tmp, "haproxy", "out.log")
    deadline = time.monotonic() + 5
    while "node3 is DOWN" not in open(hlog).read():
        check(time.monotonic() < deadline, "HAProxy did not mark node3 down")
        time.sleep(0.1)
    via = client(cluster["haproxy"]["port"])
    acked = []
    for i in range(40):
        for _ in range(20):
            try:
                if via.execute_command("PUT", "k%d" % i, *article(i)) == b"OK":
                    acked.append("k%d" % i)
                break
            except redis.ConnectionError:
                via = client(cluster["haproxy"]["port"])
                time.sleep(0.1)
    eq(len(acked), 40, "writes via HAProxy with a node down")
    check("node1 is DOWN" not in open(hlog).read() and
          "node2 is DOWN" not in open(hlog).read(),
          "HAProxy's check failed on a live node")
    restart("node3")
    c = node(2)
    top = wait_all([a, b, c])
    log = open(os.path.join(tmp, "node3", "carid.log")).read()
    starts = re.findall(r"from sequence (\d+)", log)
    eq(int(starts[-1]), seq_before + 1, "node 3 resumed after its sequence")
    check(top >= seq_before + 40, "the log holds the writes made meanwhile")
    for aid in acked:
        check(c.execute_command("GET", aid) is not None, "%s on node 3" % aid)
    same_top10([a, b, c], ["banjir", "harga beras", "sekolah lomba"])


@suite.test
def kill_accepting_node_after_ok(s):
    """A client writes to node 2 without pause; node 2 is killed -9 the
    moment it answers the 30th +OK.  Every write it acknowledged is on
    nodes 1 and 3, and on node 2 as soon as it is back, before it catches
    up (it applied them durably before answering)."""
    a, c = node(0), node(2)
    b = client(cluster["nodes"][1]["port"])
    acked = []
    for i in range(1000):
        aid = "ok%d" % i
        eq(b.execute_command("PUT", aid, *article(i + 3)), b"OK", "PUT on B")
        acked.append(aid)
        if len(acked) == 30:
            kill9(cluster["nodes"][1]["pid"])
            break
    seq = max(repl_stats(x)["replicate_log_seq"] for x in (a, c))
    for x in (a, c):
        wait_applied(x, seq)
        pipe = x.pipeline(transaction=False)
        for aid in acked:
            pipe.execute_command("GET", aid)
        lost = [aid for aid, r in zip(acked, pipe.execute()) if r is None]
        eq(lost, [], "B's acknowledged writes missing on A or C")
    restart("node2")
    b = node(1)
    got = [b.execute_command("GET", aid) is not None for aid in acked]
    eq(got.count(False), 0, "B's own acknowledged writes, just restarted")
    wait_all([a, b, c])
    same_top10([a, b, c], ["banjir", "harga beras", "nelayan gelombang"])


@suite.test
def cut_off_node_reads_and_refuses_writes(s):
    """Last: every NATS server killed.  A node serves reads from its
    index, says it is cut off, and a write fails clearly after its 15 s."""
    a = redis.Redis(host="127.0.0.1", port=cluster["nodes"][0]["port"],
                    password=PASSWORD, socket_timeout=30)
    failed = repl_stats(a)["replicate_failed_writes"]
    for n in cluster["nats"]:
        kill9(n["pid"])
    deadline = time.monotonic() + 5
    while repl_stats(a)["replicate_connected"] != 0:
        check(time.monotonic() < deadline, "still connected after 5 s")
        time.sleep(0.1)
    check(a.execute_command("GET", "r17") is not None, "a read, cut off")
    eq(top10(a, "banjir")[0] > 0, True, "a search, cut off")
    t0 = time.monotonic()
    try:
        a.execute_command("PUT", "terputus", *article(7))
        raise AssertionError("a write was answered +OK without the log")
    except redis.ResponseError as e:
        msg = str(e)
    waited = time.monotonic() - t0
    s.say("    the write failed after %.1f s: %s" % (waited, msg[:90]))
    check(msg.startswith("replicate: the log did not store the write in 15 s"),
          "error: %s" % msg)
    check(14 <= waited <= 20, "the write waited %.1f s" % waited)
    eq(a.execute_command("GET", "terputus"), None, "the failed write")
    eq(repl_stats(a)["replicate_failed_writes"], failed + 1,
       "failed writes counted")


@suite.test
def log_back_nodes_catch_up(s):
    """The NATS servers started again: the nodes reconnect, take writes
    again, and once caught up answer the same top 10."""
    restart(*["nats%d" % (i + 1) for i in range(len(cluster["nats"]))])
    nodes = [node(i) for i in range(3)]
    deadline = time.monotonic() + 30
    while not all(repl_stats(x)["replicate_connected"] for x in nodes):
        check(time.monotonic() < deadline, "not reconnected after 30 s")
        time.sleep(0.1)
    w = client(cluster["nodes"][0]["port"], timeout=30)
    for _ in range(3):  # each waits while the stream elects its leader
        try:
            if w.execute_command("PUT", "kembali", *article(77)) == b"OK":
                break
        except replicas.redis.ResponseError as e:
            s.say("    %s" % str(e)[:80])
    else:
        raise AssertionError("no write accepted once the log was back")
    wait_all(nodes, 30)
    for i, x in enumerate(nodes):
        check(x.execute_command("GET", "kembali") is not None,
              "the write once the log was back, on node %d" % (i + 1))
    same_top10(nodes, ["banjir", "harga beras", "pasar malam"])


if __name__ == "__main__":
    replicas.finish(suite)
