#!/usr/bin/env python3
"""test_replicas_snapshot.py - a replica started from another node's
BACKUP (carid --replicate-snapshot, issue 18 part 1), on the real cluster
of replicas.py (3 NATS servers, 3 nodes, HAProxy).

- a 4th node started from node 1's BACKUP applies only the messages after
  the BACKUP's sequence (STATS replicate_applied_msgs), then answers the
  same top 10, scores included, as the three others; restarted, it keeps
  its own index;
- a new node without a snapshot replays the whole log, to the same top 10;
- refused with a clear error, before anything is changed: a BACKUP of a
  node without --replicate (no sequence), a file that is no index, and a
  data directory whose articles no log fed;
- the log gone past a node (the stream purged but for its last messages):
  a new node says it needs a snapshot (STATS, log), applies nothing and
  refuses writes; started from a BACKUP older than the stream's first
  message it still does; from a newer one it catches up;
- --replicate-snapshot auto takes the newest BACKUP the log names whose
  file is in the node's --backup-dir.
"""
import json
import os
import subprocess
import tempfile

import harness
from harness import check, eq
from replicas import (article, cluster, node, repl_stats, same_top10, tmp,
                      wait_all, wait_applied)
import replicas

suite = harness.Suite("replicas_snapshot", daemon=False)
QUERIES = ["banjir", "harga beras", "nelayan gelombang", "jkt pasar"]
snap = {}  # BACKUP name: (path, sequence)


def backup(i, name):
    """BACKUP name on node i: its file and the sequence it holds (node i
    applies nothing meanwhile: no write is in flight)."""
    c = node(i)
    seq = repl_stats(c)["replicate_applied_seq"]
    eq(c.execute_command("BACKUP", name), b"OK", "BACKUP %s" % name)
    eq(repl_stats(c)["replicate_applied_seq"], seq, "no write meanwhile")
    path = os.path.join(tmp, "node%d" % (i + 1), "data", "backups", name)
    snap[name] = (path, seq)
    return path, seq


def with_snapshot(i, path):
    """Node i stopped and started again with --replicate-snapshot path
    instead of its last one (cluster.json's argv)."""
    replicas.stop_node(i)
    argv = cluster["nodes"][i]["argv"]
    if "--replicate-snapshot" in argv:
        k = argv.index("--replicate-snapshot")
        del argv[k:k + 2]
    argv += ["--replicate-snapshot", path]
    with open(os.path.join(tmp, "cluster.json"), "w") as f:
        json.dump(cluster, f, indent=1)
    replicas.restart("node%d" % (i + 1))


@suite.test
def cluster_starts(s):
    replicas.start(suite.opt.carid)
    a, b = node(0), node(1)
    pipe = a.pipeline(transaction=False)
    for i in range(80):
        pipe.execute_command("PUT", "s%d" % i, *article(i))
    check(all(r == b"OK" for r in pipe.execute()), "PUT on node 1")
    eq(b.execute_command("ALIAS", "ADD", "jkt", "jakarta"), 1, "ALIAS ADD")
    eq(a.execute_command("OPTIMIZE"), b"OK", "OPTIMIZE")
    wait_all([node(i) for i in range(3)])


@suite.test
def node_from_backup_replays_only_after_it(s):
    path, seq = backup(0, "salinan-1")
    # after the BACKUP: new articles, an upsert and a delete, on node 2
    b = node(1)
    for i in range(80, 120):
        eq(b.execute_command("PUT", "s%d" % i, *article(i)), b"OK", "PUT")
    eq(b.execute_command("PUT", "s3", *article(200)), b"OK", "upsert")
    eq(b.execute_command("DEL", "s4", "s5"), 2, "DEL")
    top = wait_all([node(i) for i in range(3)])
    eq(top, seq + 42, "the log after the BACKUP")
    k = replicas.add("--replicate-snapshot", path)
    d = node(k)
    st = wait_applied(d, top)
    s.say("    node %d: snapshot at %d, applied %d messages to %d"
          % (k + 1, st["replicate_snapshot_seq"],
             st["replicate_applied_msgs"], st["replicate_applied_seq"]))
    eq(st["replicate_snapshot_seq"], seq, "the snapshot's sequence")
    eq(st["replicate_applied_msgs"], top - seq, "messages applied")
    eq(st["replicate_needs_snapshot"], 0, "needs_snapshot")
    check("from sequence %d," % (seq + 1) in replicas.node_log(k),
          "it consumed the log from the BACKUP's sequence + 1")
    eq(d.execute_command("GET", "s4"), None, "deleted after the BACKUP")
    check(d.execute_command("GET", "s119") is not None, "written after it")
    check(d.execute_command("GET", "s70") is not None, "written before it")
    same_top10([node(i) for i in range(k + 1)], QUERIES)
    # restarted with the same options: its own index is newer, and kept
    replicas.stop_node(k)
    replicas.restart("node%d" % (k + 1))
    d = node(k)
    st = repl_stats(d)
    eq((st["replicate_snapshot_seq"], st["replicate_applied_seq"]),
       (0, top), "restarted: snapshot not used, sequence kept")
    check("kept this node's index (sequence %d" % top in replicas.node_log(k),
          "the log says the snapshot was not used")


@suite.test
def new_node_without_snapshot_replays_all(s):
    k = replicas.add()
    d = node(k)
    top = wait_all([node(0), d])
    st = repl_stats(d)
    eq(st["replicate_applied_msgs"], top, "the whole log replayed")
    eq(st["replicate_snapshot_seq"], 0, "no snapshot")
    same_top10([node(0), d], QUERIES)


def carid_fails(args, want):
    """carid with args exits 1 before listening, saying want."""
    p = subprocess.run([suite.opt.carid, "--port", str(harness.free_port()),
                        "--replicate", cluster["urls"]] + args,
                       capture_output=True, text=True, timeout=60)
    eq(p.returncode, 1, "exit status of %s" % args)
    check(want in p.stderr, "stderr %r lacks %r" % (p.stderr[-600:], want))


@suite.test
def snapshots_refused(s):
    work = tempfile.mkdtemp(dir=tmp, prefix="refused-")
    alone = harness.Daemon(suite.opt, data_dir=os.path.join(work, "alone"))
    alone.start()
    try:
        c = alone.connect()
        eq(c.call("PUT", "x1", *article(1)), "OK", "PUT, no --replicate")
        eq(c.call("BACKUP", "tanpa-log"), "OK", "BACKUP, no --replicate")
    finally:
        alone.stop()
    plain = os.path.join(work, "alone", "backups", "tanpa-log")
    carid_fails(["--data", os.path.join(work, "d1"), "--replicate-snapshot",
                 plain], "records no sequence of the log")
    text = os.path.join(work, "bukan-indeks")
    with open(text, "w") as f:
        f.write("ini bukan indeks carid\n" * 100)
    carid_fails(["--data", os.path.join(work, "d2"), "--replicate-snapshot",
                 text], "not an SQLite database")
    carid_fails(["--data", os.path.join(work, "alone"),
                 "--replicate-snapshot", snap["salinan-1"][0]],
                "holds 1 articles no log fed")
    carid_fails(["--data", os.path.join(work, "d3"), "--replicate-snapshot",
                 snap["salinan-1"][0], "--replicate", ""],
                "--replicate-snapshot needs --replicate")
    # the refused start changed nothing: the standalone index is whole
    again = harness.Daemon(suite.opt, data_dir=os.path.join(work, "alone"))
    again.start()
    try:
        check(again.connect().call("GET", "x1") is not None, "x1 kept")
    finally:
        again.stop()


@suite.test
def log_gone_past_a_node(s):
    a = node(0)
    top = repl_stats(a)["replicate_log_seq"]
    r = replicas.nats_request("$JS.API.STREAM.PURGE.%s" % cluster["stream"],
                              {"keep": 5})
    check(r.get("success"), "purge: %r" % r)
    first = top - 4
    # a new node: the log no longer starts at 1
    k = replicas.add()
    d = node(k)
    st = repl_stats(d)
    eq((st["replicate_needs_snapshot"], st["replicate_stopped"],
        st["replicate_applied_msgs"]), (1, 1, 0), "a new node, log purged")
    check("the stream now starts at %d" % first in replicas.node_log(k),
          "its log says where the stream starts")
    try:
        d.execute_command("PUT", "tolak", *article(9))
        raise AssertionError("a write accepted by a node with a gap")
    except replicas.redis.ResponseError as e:
        check(str(e).startswith("replicate: this node needs a snapshot"),
              "error: %s" % e)
    eq(d.execute_command("GET", "s70"), None, "nothing applied")
    # from the first BACKUP, older than the stream's first message: still
    # a gap, but it serves what the BACKUP holds
    path, seq = snap["salinan-1"]
    check(seq + 1 < first, "the BACKUP is older than the stream")
    with_snapshot(k, path)
    d = node(k)
    st = repl_stats(d)
    eq((st["replicate_snapshot_seq"], st["replicate_needs_snapshot"],
        st["replicate_applied_seq"]), (seq, 1, seq), "an old snapshot")
    check(d.execute_command("GET", "s70") is not None, "the BACKUP's")
    # a BACKUP made now: this lagging node takes it and catches up
    path, seq = backup(2, "salinan-2")
    eq(seq, top, "the second BACKUP's sequence")
    with_snapshot(k, path)
    d = node(k)
    eq(a.execute_command("PUT", "baru", *article(300)), b"OK", "a new PUT")
    st = wait_applied(d, top + 1)
    eq((st["replicate_snapshot_seq"], st["replicate_needs_snapshot"],
        st["replicate_applied_msgs"]), (top, 0, 1), "a newer snapshot")
    same_top10([node(i) for i in range(3)] + [d], QUERIES)
    eq(d.execute_command("PUT", "dari-simpul", *article(301)), b"OK",
       "it takes writes again")
    wait_all([a, d])


@suite.test
def auto_takes_the_newest_backup_in_its_folder(s):
    """--replicate-snapshot auto: BACKUPs name themselves in the log; a node
    takes the newest one whose file is in its --backup-dir (here node 1's,
    as a folder shared by the nodes would be), not a newer one elsewhere."""
    a, b = node(0), node(1)
    path, seq = backup(0, "salinan-3")
    for i in range(400, 420):
        eq(b.execute_command("PUT", "s%d" % i, *article(i)), b"OK", "PUT")
    wait_all([a, b])
    _, newer = backup(1, "salinan-4")  # in node 2's folder only
    check(newer > seq, "node 2's BACKUP is the newest")
    folder = os.path.dirname(path)
    k = replicas.add("--backup-dir", folder, "--replicate-snapshot", "auto")
    d = node(k)
    top = wait_all([a, d])
    st = repl_stats(d)
    eq(st["replicate_snapshot_seq"], seq, "the BACKUP auto took")
    eq(st["replicate_applied_msgs"], top - seq, "messages applied after it")
    check("auto: %s" % path in replicas.node_log(k), "its log names it")
    same_top10([a, d], QUERIES)


if __name__ == "__main__":
    replicas.finish(suite)
