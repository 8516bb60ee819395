"""test_corruption.py - corruption said and handled (issue 15).

An index of a few hundred articles made by the daemon, stopped cleanly,
then pages in the middle of carid.db overwritten: `carid --check` exits 1
naming corruption and writes nothing; after a kill -9 the start runs the
quick check and logs it; the daemon starts with writes refused: PUT and
BACKUP get an error naming corruption and the cure, never +OK; `carid
--rebuild` keeps the readable articles (kept + lost = what was fed), the
old file kept as carid.db.corrupt-<time>; the daemon then starts, `carid
--check` passes, searches find the kept articles, and PUT works again.

fts5 only (mem keeps no files).
"""
import glob
import hashlib
import os
import sqlite3
import subprocess

import harness
from harness import ReplyError, check, eq

suite = harness.Suite("corruption", daemon=False)
N = 400
CURE = "restore a BACKUP, or run carid --rebuild"


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def offline(s, data, flag):
    """carid --check or --rebuild on data: (status, stdout + stderr)."""
    p = subprocess.run([s.opt.carid, flag, "--data", data, "--plugin",
                        s.opt.plugin], stdin=subprocess.DEVNULL,
                       capture_output=True, timeout=60)
    if s.opt.verbose:
        print(flag, p.returncode, (p.stdout + p.stderr).decode())
    return p.returncode, (p.stdout + p.stderr).decode("utf-8", "replace")


def feed(d):
    c = d.connect()
    reqs = [["PUT", "art-%d" % i, "title", "Kapal pelabuhan nomor %d" % i,
             "body", "Kapal bersandar di pelabuhan %d. %s" %
             (i, " ".join("kata%d" % ((i * 7 + k) % 301) for k in range(60))),
             "source", "harian", "date", "2024-07-%02d" % (i % 28 + 1)]
            for i in range(N)]
    for k in range(0, N, 100):
        got = c.pipeline(reqs[k:k + 100])
        check(all(g == "OK" for g in got), "PUTs: %r" % got[:3])
    c.close()


def corrupt(path):
    """Garbage over up to 6 leaf pages of the articles' table, from the
    middle of it: pages picked by SQLite's dbstat, so that some articles
    are always lost (a fixed file offset sometimes hit only FTS5 pages,
    and --rebuild then lost none)."""
    size = os.path.getsize(path)
    check(size >= 40 * 4096, "index too small to corrupt: %d bytes" % size)
    db = sqlite3.connect("file:%s?mode=ro&immutable=1" % path, uri=True)
    try:
        page = db.execute("PRAGMA page_size").fetchone()[0]
        leaves = [r[0] for r in db.execute(
            "SELECT pageno FROM dbstat WHERE name = 'docs' AND "
            "pagetype = 'leaf' ORDER BY pageno")]
    finally:
        db.close()
    check(len(leaves) >= 8, "docs has %d leaf pages" % len(leaves))
    mid = len(leaves) // 2
    with open(path, "r+b") as f:
        for no in leaves[mid - 3:mid + 3]:
            f.seek((no - 1) * page)
            f.write(bytes((i * 37 + 11) & 0xff for i in range(page)))
        f.flush()
        os.fsync(f.fileno())


def names_corruption(got, what):
    check(isinstance(got, ReplyError), "%s: expected an error, got %r"
          % (what, got))
    text = str(got)
    print("    %s: %s" % (what, text))
    check("index corrupt" in text and CURE in text and
          "not an error" not in text, "%s: %r" % (what, text))


@suite.test
def corrupt_index_checked_refused_rebuilt(s):
    with harness.extra_daemon(s, ["--threads", "2"]) as d:
        db = os.path.join(d.data_dir, "carid.db")
        feed(d)
        d.stop()
        rc, out = offline(s, d.data_dir, "--check")
        eq(rc, 0, "--check of a sound index (%r)" % out)
        check(" ok" in out, "--check says ok: %r" % out)

        corrupt(db)
        before = sha256(db)
        rc, out = offline(s, d.data_dir, "--check")
        eq(rc, 1, "--check of a corrupt index (%r)" % out)
        check("corrupt" in out and "--rebuild" in out, "--check: %r" % out)
        eq(sha256(db), before, "--check leaves the file as it was")
        check(not os.path.exists(db + "-wal"), "--check makes no -wal")

        # a run that dies: the next start checks
        d.start()
        d.kill()
        d.start()
        log = d.log()
        if s.opt.verbose:
            print(log)
        check("unclean stop: quick check" in log and "corrupt" in log,
              "the start's quick check in the log: %r" % log[-2000:])
        c = d.connect()
        names_corruption(c.call("PUT", "baru-1", "title", "Kabar baru",
                                "body", "pelabuhan"), "PUT")
        names_corruption(c.call("DEL", "art-1"), "DEL")
        names_corruption(c.call("BACKUP", "salinan"), "BACKUP")
        check(not os.path.exists(os.path.join(d.data_dir, "backups",
                                              "salinan")), "no backup file")
        got = c.call("SEARCH", "pelabuhan", "LIMIT", "0", "1")
        check(not isinstance(got, ReplyError) or
              "not an error" not in str(got), "SEARCH: %r" % (got,))
        c.close()
        d.stop()

        rc, out = offline(s, d.data_dir, "--rebuild")
        eq(rc, 0, "--rebuild (%r)" % out)
        words = out.split()
        kept = int(words[words.index("articles") - 1])
        lost = int(words[words.index("lost;") - 1])
        check(0 < kept < N and kept + lost >= N,
              "kept %d + lost %d of %d: %r" % (kept, lost, N, out))
        check(glob.glob(db + ".corrupt-*"), "old file kept: %r" % out)
        check(not os.path.exists(db + ".rebuild"), "no .rebuild left")
        rc, out = offline(s, d.data_dir, "--check")
        eq(rc, 0, "--check after --rebuild (%r)" % out)

        d.start()
        check("quick check" not in d.log(), "no check after a rebuild")
        c = d.connect()
        eq(c.call("COUNT", "pelabuhan"), kept, "COUNT after --rebuild")
        eq(c.call("COUNT", "kapal"), kept, "stemmed word after --rebuild")
        got = c.call("SEARCH", "pelabuhan", "LIMIT", "0", str(N))
        eq(got[0], kept, "SEARCH total")
        ids = [h[0] for h in got[1:]]
        eq(len(set(ids)), kept, "distinct hits")
        g = c.call("GET", ids[0])
        check(isinstance(g, list) and ids[0].startswith(b"art-"),
              "GET %s: %r" % (ids[0], g))
        eq(c.call("PUT", "baru-2", "title", "Kabar pelabuhan baru"), "OK",
           "PUT after --rebuild")
        eq(c.call("BACKUP", "sesudah"), "OK", "BACKUP after --rebuild")
        c.close()


if __name__ == "__main__":
    harness.main(suite)
