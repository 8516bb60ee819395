"""replicas.py - what the replica tests share (test_replicas.py,
test_replicas_snapshot.py): a cluster started by scripts/cluster with a
password in a temp folder (its cluster.json read into `cluster`), clients
of its nodes, the replication counters, and the checks that every node
applied the log and answers the same top 10.

Importing it exits 77 (ctest's skip) when nats-server or haproxy is not
installed (scripts/deps --test installs both).
"""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

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

tmp = tempfile.mkdtemp(prefix="carid-e2e-cluster-")
cluster = {}


def article(i):
    place = PLACES[i % len(PLACES)]
    event = EVENTS[(i * 7) % len(EVENTS)]
    return ["title", "%s: %s" % (place, event.split()[0]),
            "body", "Di %s %s, kata warga nomor %d." % (place, event, i),
            "source", "koran-%d" % (i % 3), "date",
            "2025-%02d-%02d" % (i % 12 + 1, i % 28 + 1)]


def client(port, timeout=15):
    return redis.Redis(host="127.0.0.1", port=port, password=PASSWORD,
                       socket_timeout=timeout)


def node(i):
    return client(cluster["nodes"][i]["port"])


def reload():
    cluster.update(json.load(open(os.path.join(tmp, "cluster.json"))))


def run_cluster(*args, timeout=60):
    """scripts/cluster ACTION tmp ARGS...; cluster.json read again."""
    p = subprocess.run([CLUSTER, args[0], tmp] + list(args[1:]),
                       capture_output=True, text=True, timeout=timeout)
    check(p.returncode == 0, "scripts/cluster %s: %s" %
          (" ".join(args), p.stderr[-2000:]))
    reload()
    return p.stdout


def start(carid):
    run_cluster("start", "--password", PASSWORD, "--carid", carid)


def restart(*names):
    """scripts/cluster restart: names (node3, nats1...) started again from
    their argv and answering; cluster.json gets their pids."""
    run_cluster("restart", *names)


def add(*carid_args):
    """scripts/cluster add: one more node (not behind HAProxy) with these
    options too; its index in cluster["nodes"]."""
    run_cluster("add", "--", *carid_args, timeout=120)
    return len(cluster["nodes"]) - 1


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


def kill9(pid):
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except OSError:
            return
        time.sleep(0.05)


def stop_node(i):
    """SIGTERM to node i (0-based), and its exit waited for."""
    pid = cluster["nodes"][i]["pid"]
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 15
    while alive(pid):
        check(time.monotonic() < deadline, "node %d did not stop" % (i + 1))
        time.sleep(0.05)


def alive(pid):
    """pid runs (a zombie of ours does not)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def node_log(i):
    return open(os.path.join(tmp, "node%d" % (i + 1), "carid.log")).read()


def nats_request(subject, payload, timeout=5):
    """One JetStream API request over NATS's text protocol, to the first
    live server: the reply's JSON."""
    for n in cluster["nats"]:
        try:
            s = socket.create_connection(("127.0.0.1", n["port"]),
                                         timeout=timeout)
        except OSError:
            continue
        with s:
            f = s.makefile("rb")
            f.readline()  # the server's INFO
            body = json.dumps(payload).encode()
            s.sendall(b'CONNECT {"verbose":false}\r\nSUB _INBOX.e2e 1\r\n'
                      b"PUB %s _INBOX.e2e %d\r\n%s\r\n"
                      % (subject.encode(), len(body), body))
            while True:
                line = f.readline()
                check(line != b"", "NATS closed the request")
                if line.startswith(b"PING"):
                    s.sendall(b"PONG\r\n")
                elif line.startswith(b"MSG"):
                    n = int(line.split()[-1])
                    return json.loads(f.read(n + 2)[:n])
    raise AssertionError("no NATS server answered")


def finish(suite):
    """Runs the suite, stops the cluster, and fails on a sanitizer report
    or a node whose log does not end with a clean stop; exits."""
    try:
        rc = suite.run()
    finally:
        if os.path.exists(os.path.join(tmp, "cluster.json")):
            subprocess.run([CLUSTER, "stop", tmp], capture_output=True,
                           timeout=60)
        folders = sorted(f for f in os.listdir(tmp) if f.startswith("node"))
        for f in folders:
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
