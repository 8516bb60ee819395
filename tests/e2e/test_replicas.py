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
- every NATS server killed: a node serves reads, STATS says it is cut off,
  a write fails with -ERR replicate after its 15 s.

Exits 77 (ctest's skip) when nats-server or haproxy is not installed
(scripts/deps --test installs both).
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

import harness
from harness import check, eq

if shutil.which("nats-server") is None or shutil.which("haproxy") is None:
    print("SKIP: nats-server or haproxy is not installed")
    sys.exit(77)

redis = harness.import_redis()
CLUSTER = os.path.join(harness.ROOT, "scripts", "cluster")
PASSWORD = "kata sandi: rahasia"
PLACES = ["Jakarta", "Surabaya", "Medan", "Makassar", "Palembang", "Kupang"]
EVENTS = ["banjir merendam ratusan rumah warga",
          "harga beras naik menjelang lebaran",
          "nelayan tidak melaut karena gelombang tinggi",
          "pasar malam ramai dikunjungi keluarga",
          "jalan tol baru dibuka untuk pemudik",
          "sekolah menggelar lomba sains tingkat kota"]

suite = harness.Suite("replicas", daemon=False)
tmp = tempfile.mkdtemp(prefix="carid-e2e-cluster-")
cluster = {}


def article(i):
    place = PLACES[i % len(PLACES)]
    event = EVENTS[(i * 7) % len(EVENTS)]
    return ["title", "%s: %s" % (place, event.split()[0]),
            "body", "Di %s %s, kata warga nomor %d." % (place, event, i),
            "source", "koran-%d" % (i % 3), "date",
            "2025-%02d-%02d" % (i % 12 + 1, i % 28 + 1)]


def client(port):
    return redis.Redis(host="127.0.0.1", port=port, password=PASSWORD,
                       socket_timeout=15)


def node(i):
    return client(cluster["nodes"][i]["port"])


def repl_stats(c):
    text = c.execute_command("STATS", "replication").decode()
    return {k: int(v) for k, v in re.findall(r"(\w+):(\d+)", text)}


def wait_applied(c, seq, timeout=15):
    deadline = time.monotonic() + timeout
    while True:
        s = repl_stats(c)
        if s["replicate_applied_seq"] >= seq:
            return s
        check(time.monotonic() < deadline,
              "applied %d of %d after %d s" % (s["replicate_applied_seq"], seq,
                                                timeout))
        time.sleep(0.05)


def wait_all(nodes, timeout=20):
    """Every node applied what any node knows the log holds."""
    top = max(repl_stats(c)["replicate_log_seq"] for c in nodes)
    for c in nodes:
        wait_applied(c, top, timeout)
    return top


def top10(c, q):
    return c.execute_command("SEARCH", q, "LIMIT", 0, 10)


def same_top10(nodes, queries):
    for q in queries:
        want = top10(nodes[0], q)
        check(isinstance(want, list) and want[0] > 0, "%r finds nothing" % q)
        for i, c in enumerate(nodes[1:], 2):
            eq(top10(c, q), want, "node %d's top 10 of %r" % (i, q))


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


def kill9(pid):
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except OSError:
            return
        time.sleep(0.05)


def restart(name):
    """scripts/cluster restart: name (node3, nats1...) started again from
    its argv and answering; cluster.json gets its pid."""
    p = subprocess.run([CLUSTER, "restart", tmp, name], capture_output=True,
                       text=True, timeout=60)
    check(p.returncode == 0, "restart %s: %s" % (name, p.stderr[-2000:]))
    cluster.update(json.load(open(os.path.join(tmp, "cluster.json"))))


@suite.test
def cluster_starts(s):
    p = subprocess.run([CLUSTER, "start", tmp, "--password", PASSWORD,
                        "--carid", suite.opt.carid], capture_output=True,
                       text=True, timeout=60)
    check(p.returncode == 0, "scripts/cluster start: %s" % p.stderr[-2000:])
    cluster.update(json.load(open(os.path.join(tmp, "cluster.json"))))
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


def main():
    try:
        rc = suite.run()
    finally:
        if os.path.exists(os.path.join(tmp, "cluster.json")):
            subprocess.run([CLUSTER, "stop", tmp], capture_output=True,
                           timeout=60)
        for f in ("node1", "node2", "node3"):
            log = os.path.join(tmp, f, "out.log")
            if os.path.exists(log):
                for line in open(log):
                    if any(m in line for m in harness.SANITIZER_MARKS):
                        print("FAIL %s: %s" % (f, line.strip()))
                        rc = 1
            # SIGTERM from scripts/cluster stop: a clean shutdown
            log = os.path.join(tmp, f, "carid.log")
            if (os.path.exists(log) and
                    not open(log).read().rstrip().endswith("carid stopped")):
                print("FAIL %s: no clean stop at the end of its log" % f)
                rc = 1
        if os.environ.get("CARID_KEEP_CLUSTER"):
            print("kept %s" % tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    sys.exit(rc)


if __name__ == "__main__":
    main()
