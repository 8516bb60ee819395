"""test_files.py - carid touches no file but its own (issue 15).

BACKUP: a symbolic link in the backup folder, dangling or pointing outside,
is never followed (the outside target stays as it was, or absent); a
backup folder that is itself a link is refused at start; two BACKUPs of one
name at once give exactly one +OK and a sound file; kill -9 during a
BACKUP leaves a complete backup or nothing under the name, the temporary
file goes at the next start, and the name can be used again.

Another program's file as DATA/carid.db (an SQLite database with its own
table, or not SQLite at all): carid refuses to start, exit status 1 with a
message, and the file is byte for byte as it was, with no -wal, -shm or
-journal beside it.  carid's own index carries application_id 'CARI'; an
index made before the id is accepted and given it.

fts5 only (mem keeps no files).
"""
import hashlib
import os
import shutil
import socket
import sqlite3
import subprocess
import tempfile
import threading
import time

import harness
from harness import ReplyError, check, eq

suite = harness.Suite("files", extra_args=["--threads", "4"])
TMP_PREFIX = ".carid-backup-"


def finish(s, d):
    d.stop()
    for p in d.problems:
        s.fail("own daemon: %s" % p)
    d.cleanup()


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def exists(name):
    return ReplyError("ERR backup '%s' already exists" % name)


def put_many(c, prefix, n, body_words=20):
    words = " ".join("kata%d" % (i % 97) for i in range(body_words))
    reqs = [["PUT", "%s-%d" % (prefix, i), "title",
             "Berita pelabuhan nomor %d" % i, "body",
             "Kapal bersandar di pelabuhan %d. %s" % (i, words),
             "date", "2024-07-%02d" % (i % 28 + 1)] for i in range(n)]
    for k in range(0, n, 500):
        got = c.pipeline(reqs[k:k + 500])
        check(all(g == "OK" for g in got), "PUTs: %r" % got[:3])


def backup_rows(path, prefix):
    """(integrity_check, rows with the id prefix) of a backup file."""
    db = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    try:
        ok = db.execute("PRAGMA integrity_check").fetchall()
        n = db.execute("SELECT count(*) FROM docs WHERE id LIKE ?",
                       (prefix + "-%",)).fetchone()[0]
        return ok, n
    finally:
        db.close()


def fed(s, prefix, n):
    """Puts n articles into the suite's daemon; returns its backup folder."""
    c = s.daemon.connect()
    put_many(c, prefix, n)
    c.close()
    return os.path.join(s.daemon.data_dir, "backups")


def leftovers(folder):
    return [n for n in os.listdir(folder) if n.startswith(TMP_PREFIX)]


@suite.test
def backup_never_follows_a_link(s):
    folder = fed(s, "tautan", 20)
    c = s.daemon.connect()
    outside = tempfile.mkdtemp(prefix="carid-e2e-luar-")
    try:
        target = os.path.join(outside, "milik-orang")
        with open(target, "wb") as f:
            f.write(b"bukan milik carid\n")
        before = sha256(target)
        os.symlink(os.path.join(outside, "tidak-ada"),
                   os.path.join(folder, "hilang"))
        os.symlink(target, os.path.join(folder, "keluar"))
        eq(c.call("BACKUP", "hilang"), exists("hilang"), "dangling link")
        eq(c.call("BACKUP", "keluar"), exists("keluar"), "link outside")
        eq(sorted(os.listdir(outside)), ["milik-orang"],
           "files outside the backup folder")
        eq(sha256(target), before, "the link's target")
        check(os.path.islink(os.path.join(folder, "hilang")) and
              os.path.islink(os.path.join(folder, "keluar")),
              "the links themselves stay")
        eq(c.call("BACKUP", "tautan-baik"), "OK", "a plain name still works")
        eq(backup_rows(os.path.join(folder, "tautan-baik"), "tautan"),
           ([("ok",)], 20), "the backup")
        eq(leftovers(folder), [], "temporary files left")
    finally:
        c.close()
        shutil.rmtree(outside, ignore_errors=True)


@suite.test
def backup_folder_that_is_a_link_is_refused(s):
    tmp = tempfile.mkdtemp(prefix="carid-e2e-bklink-")
    try:
        real = os.path.join(tmp, "nyata")
        os.mkdir(real)
        link = os.path.join(tmp, "tautan")
        os.symlink(real, link)
        p = subprocess.run([s.opt.carid, "--port", str(harness.free_port()),
                            "--data", os.path.join(tmp, "data"),
                            "--backup-dir", link],
                           capture_output=True, timeout=15)
        err = p.stderr.decode("utf-8", "replace")
        eq(p.returncode, 1, "exit status (stderr %r)" % err[-300:])
        check("symbolic link" in err, "message: %r" % err[-300:])
        eq(os.listdir(real), [], "the link's target")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@suite.test
def two_backups_of_one_name(s):
    folder = fed(s, "ganda", 300)
    for r in range(10):
        name = "ganda-%d" % r
        conns = [s.daemon.connect(timeout=30) for _ in range(2)]
        go = threading.Barrier(2)
        got = [None, None]

        def run(i):
            go.wait()
            got[i] = conns[i].call("BACKUP", name)

        ts = [threading.Thread(target=run, args=(i,)) for i in range(2)]
        for t in ts:
            t.start()
        for t in ts:
            t.join(30)
        for cc in conns:
            cc.close()
        eq(sorted(got, key=repr), sorted(["OK", exists(name)], key=repr),
           "round %d" % r)
        eq(backup_rows(os.path.join(folder, name), "ganda"),
           ([("ok",)], 300), "backup %s" % name)
    eq(leftovers(folder), [], "temporary files left")


def feed_big(d, n):
    c = d.connect(timeout=60)
    put_many(c, "besar", n, body_words=1500)
    c.close()


@suite.test
def kill_9_during_backup(s):
    n = 4000
    d = harness.Daemon(s.opt).start()
    try:
        feed_big(d, n)
        folder = os.path.join(d.data_dir, "backups")
        final = os.path.join(folder, "besar")
        c = d.connect()
        c.send(c.encode("BACKUP", "besar"))
        deadline = time.monotonic() + 20
        while not leftovers(folder) and not os.path.exists(final) and \
                time.monotonic() < deadline:
            time.sleep(0.0005)
        seen = leftovers(folder)
        d.kill()
        c.close()
        s.say("    killed with %r in the folder" % os.listdir(folder))
        if os.path.lexists(final):
            eq(backup_rows(final, "besar"), ([("ok",)], n),
               "a backup under the name after kill -9")
            os.unlink(final)
        check(seen, "no temporary file seen during BACKUP")
        d.start()
        eq(leftovers(folder), [], "temporary files after restart")
        c = d.connect(timeout=60)
        eq(c.call("BACKUP", "besar"), "OK", "BACKUP after restart")
        c.close()
        eq(backup_rows(final, "besar"), ([("ok",)], n), "the new backup")
    finally:
        finish(s, d)


APP_ID = 0x43415249   # 'CARI', plugins/fts5/store.c


def start_on(s, data):
    """Runs carid on data until it exits (it must refuse): (status, log)."""
    p = subprocess.run([s.opt.carid, "--port", str(harness.free_port()),
                        "--data", data, "--plugin", s.opt.plugin],
                       capture_output=True, timeout=15)
    return p.returncode, p.stderr.decode("utf-8", "replace")


def refused_untouched(s, make, what):
    data = tempfile.mkdtemp(prefix="carid-e2e-asing-")
    try:
        path = os.path.join(data, "carid.db")
        make(path)
        before = sha256(path), os.stat(path).st_size
        rc, log = start_on(s, data)
        eq(rc, 1, "%s: exit status (log %r)" % (what, log[-400:]))
        check("carid leaves it as it is" in log, "%s: message %r"
              % (what, log[-400:]))
        eq((sha256(path), os.stat(path).st_size), before,
           "%s: the file after carid" % what)
        eq(sorted(n for n in os.listdir(data) if n.startswith("carid.db")),
           ["carid.db"], "%s: files beside it" % what)
    finally:
        shutil.rmtree(data, ignore_errors=True)


def make_foreign(path):
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=DELETE")
    db.execute("CREATE TABLE pelanggan(id INTEGER PRIMARY KEY, nama TEXT)")
    db.executemany("INSERT INTO pelanggan(nama) VALUES (?)",
                   [("orang %d" % i,) for i in range(500)])
    db.commit()
    db.close()


def make_garbage(path):
    with open(path, "wb") as f:
        f.write(os.urandom(8192))


def make_foreign_wal(path):
    make_foreign(path)
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.close()


@suite.test
def another_programs_file_is_left_alone(s):
    refused_untouched(s, make_foreign, "foreign SQLite file")
    refused_untouched(s, make_foreign_wal, "foreign SQLite file in WAL mode")
    refused_untouched(s, make_garbage, "not an SQLite file")


def app_id(path):
    db = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    try:
        return db.execute("PRAGMA application_id").fetchone()[0]
    finally:
        db.close()


@suite.test
def own_index_has_the_id_and_an_older_one_gets_it(s):
    d = harness.Daemon(s.opt).start()
    try:
        c = d.connect()
        eq(c.call("PUT", "lama-1", "title", "Berita lama"), "OK", "PUT")
        c.close()
        d.stop()
        path = os.path.join(d.data_dir, "carid.db")
        eq(app_id(path), APP_ID, "application_id of a new index")
        db = sqlite3.connect(path)    # as an index made before the id
        db.execute("PRAGMA application_id=0")
        db.commit()
        db.close()
        d.start()
        c = d.connect()
        check(c.call("GET", "lama-1"), "the article after the restart")
        c.close()
        d.stop()
        eq(app_id(path), APP_ID, "application_id given to an older index")
    finally:
        finish(s, d)


if __name__ == "__main__":
    harness.main(suite)
