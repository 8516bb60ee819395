#!/usr/bin/env python3
"""test_replicas_isolate.py - one carid node cut off from the log while the
other nodes and the NATS cluster go on (issue 18, part 3).

scripts/cluster's 3 NATS servers and 3 nodes, and a 4th node (scripts/
cluster add) whose --replicate is an HAProxy in TCP mode in front of the
three servers: the only way it reaches the log (the servers advertise no
other URL to clients, scripts/cluster's --no_advertise).  The proxy killed
-9, that node:
- says it is cut off (STATS replication: replicate_connected:0) and serves
  reads from its index as it was, stale: the same top 10 as before, none
  of the writes the others take meanwhile;
- answers a write, after its 15 s, -ERR replicate: the log did not store
  the write (protocol/PROTOCOL.md, Replicas);
while writes to nodes 1 and 2 are acknowledged and applied by node 3.  A
write sent to it with the proxy still down waits, and is acknowledged
once the proxy is back; the node then catches up, and all four nodes
answer the same top 10 and agree on both writes.

Exits 77 (skipped) without nats-server or haproxy, as the other replica
tests (replicas.py).
"""
import os
import socket
import subprocess
import threading
import time

import harness
from harness import check, eq
from replicas import (article, client, cluster, node, repl_stats, same_top10,
                      tmp, top10, wait_all)
import replicas

suite = harness.Suite("replicas_isolate", daemon=False)
QUERIES = ["banjir", "harga beras", "nelayan gelombang", "Surabaya"]


class Proxy:
    """HAProxy in TCP mode on a port of its own, to the NATS servers."""

    def __init__(self):
        self.port = harness.free_port()
        self.folder = os.path.join(tmp, "nats-proxy")
        os.makedirs(self.folder, exist_ok=True)
        self.cfg = os.path.join(self.folder, "haproxy.cfg")
        lines = ["global", "    maxconn 256", "", "defaults", "    mode tcp",
                 "    timeout connect 2s", "    timeout client 1h",
                 "    timeout server 1h", "", "frontend nats_link",
                 "    bind 127.0.0.1:%d" % self.port,
                 "    default_backend nats", "", "backend nats"]
        lines += ["    server nats%d 127.0.0.1:%d" % (i + 1, n["port"])
                  for i, n in enumerate(cluster["nats"])]
        with open(self.cfg, "w") as f:
            f.write("\n".join(lines) + "\n")
        self.proc = None

    def start(self):
        out = open(os.path.join(self.folder, "out.log"), "ab")
        self.proc = subprocess.Popen(["haproxy", "-db", "-f", self.cfg],
                                     stdin=subprocess.DEVNULL, stdout=out,
                                     stderr=out)
        out.close()
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(
                        ("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                check(self.proc.poll() is None and
                      time.monotonic() < deadline, "HAProxy did not listen")
                time.sleep(0.05)

    def kill(self):
        """SIGKILL, its exit reaped: its connections are closed."""
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
        self.proc = None


class World:
    pass


W = World()


def timed_put(c, id_, i, out):
    t0 = time.monotonic()
    try:
        out["reply"] = c.execute_command("PUT", id_, *article(i))
    except Exception as e:  # the error is what the test looks at
        out["error"] = str(e)
    out["seconds"] = time.monotonic() - t0


def wait_connected(c, want, timeout):
    deadline = time.monotonic() + timeout
    while repl_stats(c)["replicate_connected"] != want:
        check(time.monotonic() < deadline, "replicate_connected is not %d "
              "after %d s" % (want, timeout))
        time.sleep(0.05)


@suite.test
def a_node_behind_a_proxy_joins(s):
    replicas.start(suite.opt.carid)
    a = node(0)
    p = a.pipeline(transaction=False)
    for i in range(40):
        p.execute_command("PUT", "iso%d" % i, *article(i))
    check(all(r == b"OK" for r in p.execute()), "PUT on node 1")
    W.proxy = Proxy()
    W.proxy.start()
    W.d = replicas.add("--replicate", "nats://127.0.0.1:%d" % W.proxy.port)
    W.all = [node(i) for i in range(len(cluster["nodes"]))]
    wait_all(W.all)
    same_top10(W.all, QUERIES)
    eq(repl_stats(W.all[W.d])["replicate_connected"], 1, "node 4 connected")


@suite.test
def cut_off_it_serves_stale_reads_and_refuses_a_write(s):
    iso, a, b, c = W.all[W.d], W.all[0], W.all[1], W.all[2]
    before = {q: top10(iso, q) for q in QUERIES}
    seq = repl_stats(iso)["replicate_applied_seq"]
    W.proxy.kill()
    t0 = time.monotonic()
    wait_connected(iso, 0, 8)
    s.say("     node 4 said replicate_connected:0 %.2f s after the kill"
          % (time.monotonic() - t0))
    for i, x in enumerate((a, b, c)):
        eq(repl_stats(x)["replicate_connected"], 1,
           "node %d still reaches the log" % (i + 1))
    # a write to it waits for the log, which it cannot reach
    W.refused = {}
    # its own connection, reading longer than the write's 15 s
    slow = client(cluster["nodes"][W.d]["port"], timeout=40)
    t = threading.Thread(target=timed_put, args=(slow, "putus-1", 201,
                                                 W.refused))
    t.start()
    # meanwhile the others take writes and apply them
    for k, x in enumerate((a, b) * 10):
        eq(x.execute_command("PUT", "lanjut%d" % k, *article(300 + k)),
           b"OK", "PUT %d on node %d" % (k, 1 + k % 2))
    s.say("     20 PUTs on nodes 1 and 2 acknowledged in %.2f s"
          % (time.monotonic() - t0))
    top = wait_all([a, b, c])
    check(top >= seq + 20, "the log went on: %d after %d" % (top, seq))
    st = repl_stats(iso)
    eq(st["replicate_connected"], 0, "node 4 says it is cut off")
    eq(st["replicate_applied_seq"], seq, "node 4 applied nothing since")
    check(st["replicate_applied_seq"] < top, "node 4 is behind: %r" % st)
    eq(iso.execute_command("GET", "lanjut3"), None, "stale: no new write")
    check(c.execute_command("GET", "lanjut3") is not None, "node 3 has it")
    for q in QUERIES:
        eq(top10(iso, q), before[q], "node 4 reads %r as before" % q)
    t.join(30)
    check(not t.is_alive(), "the write to node 4 got no answer in 30 s")
    check("error" in W.refused, "the write to node 4: %r" % W.refused)
    check(W.refused["error"].startswith("replicate: the log did not store "
                                        "the write in 15 s"),
          "its error: %s" % W.refused["error"])
    check(14 < W.refused["seconds"] < 25, "it failed after %.1f s"
          % W.refused["seconds"])
    s.say("     the write to the cut-off node failed after %.1f s"
          % W.refused["seconds"])


@suite.test
def back_it_catches_up_and_all_agree(s):
    iso = W.all[W.d]
    waited = {}
    t = threading.Thread(target=timed_put, args=(iso, "putus-2", 202,
                                                 waited))
    t.start()
    time.sleep(1.0)
    W.proxy.start()
    t.join(20)
    check(not t.is_alive(), "the waiting write got no answer")
    eq(waited.get("reply"), b"OK", "the write that waited: %r" % waited)
    check(waited["seconds"] >= 1.0, "it waited %.2f s" % waited["seconds"])
    s.say("     the write that waited for the proxy: +OK after %.2f s"
          % waited["seconds"])
    wait_connected(iso, 1, 10)
    wait_all(W.all)
    same_top10(W.all, QUERIES + ["Kupang", "lomba sains"])
    for i, x in enumerate(W.all):
        check(x.execute_command("GET", "putus-2") is not None,
              "the waited write on node %d" % (i + 1))
        check(x.execute_command("GET", "lanjut19") is not None,
              "the others' last write on node %d" % (i + 1))
    # the refused write "may still be applied" (the client library sent it
    # once the link was back): whatever happened, every node agrees
    first = W.all[0].execute_command("GET", "putus-1")
    for i, x in enumerate(W.all[1:], 2):
        eq(x.execute_command("GET", "putus-1"), first,
           "the refused write on node %d as on node 1" % i)
    log = replicas.node_log(W.d)
    check("connected to the log again" in log, "node 4's log says it is back")


def stop_proxy():
    if getattr(W, "proxy", None) is not None:
        W.proxy.kill()


if __name__ == "__main__":
    try:
        replicas.finish(suite)
    finally:
        stop_proxy()
