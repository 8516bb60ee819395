#!/usr/bin/env python3
"""test_feed_watch.py - scripts/feed --watch and --state (issue 16, part
3): files written into a watched folder (closed after writing, or renamed
in, in a new subfolder too) reach carid, a removed file becomes a DEL with
--delete, carid restarted on its port gets what arrived while it was down,
the state file lets a re-run send only new and changed files, and the
progress line counts cleaned articles.  Checked with redis-py.
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

import harness
from harness import check, eq

FEED = os.path.join(harness.ROOT, "scripts", "feed")
WAIT = 15  # seconds for an article to arrive

suite = harness.Suite("feed_watch")
redis = harness.import_redis()
tmp = tempfile.mkdtemp(prefix="carid-watch-")
state = os.path.join(tmp, "state.json")
tree = os.path.join(tmp, "berita")
os.makedirs(tree)


def client(s):
    return redis.Redis(host=s.daemon.host, port=s.daemon.port,
                       decode_responses=True)


def write(name, text, rename=False):
    path = os.path.join(tree, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    target = path + ".part" if rename else path
    with open(target, "w", encoding="utf-8") as f:
        f.write(text)
    if rename:
        os.rename(target, path)


def wait_for(what, fn):
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if fn():
            return
        time.sleep(0.05)
    raise AssertionError("waited %d s for %s" % (WAIT, what))


def start_feed(s, *args):
    return subprocess.Popen([sys.executable, FEED, "--port",
                             str(s.daemon.port)] + list(args),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def stop_feed(p):
    p.send_signal(signal.SIGTERM)
    out, err = p.communicate(timeout=30)
    return p.returncode, out.decode(), err.decode()


def title(r, aid):
    got = r.execute_command("GET", aid)
    return dict(zip(got[::2], got[1::2])).get("title") if got else None


@suite.test
def watch_sends_as_files_land(s):
    r = client(s)
    write("awal.txt", "Pasar Ikan Dibuka\nPasar ikan baru di Muara Angke "
          "dibuka untuk nelayan.\n")
    p = start_feed(s, "--watch", tree, "--state", state, "--delete")
    try:
        wait_for("awal (there before the watch)",
                 lambda: title(r, "awal") == "Pasar Ikan Dibuka")
        write("siang.txt", "Harga Cabai Turun\nReporter: Rina Putri\n"
              "Harga cabai di Pasar Johar turun setelah panen.\n")
        wait_for("siang (written)",
                 lambda: title(r, "siang") == "Harga Cabai Turun")
        got = r.execute_command("GET", "siang")
        check("Rina" not in dict(zip(got[::2], got[1::2]))["body"],
              "the credit was cleaned at the server: %r" % got)
        write("sore.txt", "Kereta Tambahan Lebaran\nKAI menambah 20 kereta "
              "untuk mudik.\n", rename=True)
        wait_for("sore (renamed in)",
                 lambda: title(r, "sore") == "Kereta Tambahan Lebaran")
        write(os.path.join("daerah", "malam.txt"), "Banjir di Bekasi\n"
              "Hujan deras membuat banjir di Bekasi malam ini.\n")
        wait_for("malam (in a new folder)",
                 lambda: title(r, "malam") == "Banjir di Bekasi")
        os.unlink(os.path.join(tree, "awal.txt"))
        wait_for("awal deleted",
                 lambda: r.execute_command("GET", "awal") is None)
        # carid goes away: what lands meanwhile arrives once it is back
        port = s.daemon.port
        s.daemon.stop()
        write("subuh.txt", "Gempa Kecil di Cianjur\nGempa bermagnitudo 3,1 "
              "terasa di Cianjur subuh tadi.\n")
        time.sleep(1.0)
        free_port = harness.free_port
        harness.free_port = lambda: port  # the same port again
        try:
            s.daemon.start()
        finally:
            harness.free_port = free_port
        r = client(s)
        wait_for("subuh (written while carid was down)",
                 lambda: title(r, "subuh") == "Gempa Kecil di Cianjur")
    finally:
        rc, out, err = stop_feed(p)
    eq(rc, 0, "SIGTERM ends the watch with 0 (stderr %r)" % err[-500:])
    check("sent 5, failed 0" in out, "summary: %r" % out)
    check("deleted 1" in out, "deletions: %r" % out)
    check("cleaned" in err, "the progress line counts cleaned: %r" % err)
    with open(state, encoding="utf-8") as f:
        files = json.load(f)["files"]
    eq(sorted(files), sorted(["siang.txt", "sore.txt", "subuh.txt",
                              os.path.join("daerah", "malam.txt")]),
       "the state: what was acknowledged")


@suite.test
def rerun_sends_only_new_and_changed(s):
    r = client(s)
    write("sore.txt", "Kereta Tambahan Lebaran Jadi 25\nKAI menambah 25 "
          "kereta untuk mudik.\n")
    write("pagi.txt", "Jalan Tol Baru\nJalan tol baru di Jawa Barat mulai "
          "dibuka pagi ini.\n")
    os.unlink(os.path.join(tree, "siang.txt"))
    p = subprocess.run([sys.executable, FEED, "--port", str(s.daemon.port),
                        "--state", state, "--delete", tree],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=60)
    out = p.stdout.decode()
    eq(p.returncode, 0, "re-run (stderr %r)" % p.stderr)
    check("sent 2, failed 0" in out and "deleted 1" in out,
          "only the changed and the new file, and the removed one: %r" % out)
    eq(title(r, "sore"), "Kereta Tambahan Lebaran Jadi 25", "changed file")
    eq(title(r, "pagi"), "Jalan Tol Baru", "new file")
    eq(r.execute_command("GET", "siang"), None, "removed file")
    p = subprocess.run([sys.executable, FEED, "--port", str(s.daemon.port),
                        "--state", state, tree], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=60)
    check("sent 0, failed 0" in p.stdout.decode(),
          "nothing changed, nothing sent: %r" % p.stdout)


@suite.test
def bad_arguments(s):
    for args, want in ((["--watch", tree, tree], "takes no PATH"),
                       (["--delete", tree], "--delete needs"),
                       (["--watch", os.path.join(tmp, "tidak-ada")],
                        "not a folder")):
        p = subprocess.run([sys.executable, FEED, "--port",
                            str(s.daemon.port)] + args,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=30)
        check(p.returncode == 2 and want in p.stderr.decode(),
              "%s: %r" % (args, p.stderr))


if __name__ == "__main__":
    harness.main(suite)
