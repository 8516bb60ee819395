#!/usr/bin/env python3
"""test_operations.py - what an operator relies on.

SIGTERM under write load (exit 0 quickly, nothing acknowledged lost),
SIGHUP reopening --log-file, STATS sections and STATS prometheus, SLOWLOG,
BACKUP under write load (a sound SQLite file holding every article
acknowledged before it), BACKUP name rules, --config with flags overriding
it, OPTIMIZE.
"""
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

import harness
from harness import ReplyError, check, eq

SLOWLOG_LEN = 8
suite = harness.Suite("operations", extra_args=[
    "--slowlog-usec", "0", "--slowlog-len", str(SLOWLOG_LEN)])
BAD_NAME = ReplyError("ERR backup name must be 1..64 characters of A-Z a-z "
                      "0-9 . _ - not starting with '.'")



def finish(s, d):
    d.stop()
    for p in d.problems:
        s.fail("own daemon: %s" % p)
    d.cleanup()


def article(i, tag):
    return ("title", "Berita %s nomor %d tentang pelabuhan" % (tag, i),
            "body", "Kapal barang bersandar di pelabuhan untuk bongkar "
            "muatan ke-%d." % i, "source", tag, "date", "2024-07-%02d"
            % (i % 28 + 1))


class Writer(threading.Thread):
    """PUTs articles tag-N on its own connection until stopped or cut off;
    acked lists the ids answered +OK, in order.  batch > 1 pipelines."""

    def __init__(self, d, tag, batch=1):
        super().__init__(daemon=True)
        self.d, self.tag, self.batch = d, tag, batch
        self.acked = []
        self.errors = []
        self.stop = threading.Event()

    def run(self):
        try:
            c = self.d.connect()
        except OSError as e:
            self.errors.append("connect: %s" % e)
            return
        i = 0
        try:
            while not self.stop.is_set():
                ids = ["%s-%d" % (self.tag, i + k) for k in range(self.batch)]
                c.send(b"".join(c.encode("PUT", aid, *article(i + k, self.tag))
                                for k, aid in enumerate(ids)))
                for aid in ids:
                    r = c.read()
                    if r == "OK":
                        self.acked.append(aid)
                    else:
                        self.errors.append("PUT %s: %r" % (aid, r))
                i += self.batch
        except (OSError, ValueError):
            pass    # cut off by the shutdown
        finally:
            c.close()


@suite.test
def sigterm_during_writes(s):
    d = harness.Daemon(s.opt).start()
    try:
        writers = [Writer(d, "w%d" % k, batch=1 + 15 * (k % 2))
                   for k in range(4)]
        for w in writers:
            w.start()
        time.sleep(0.5)
        wait_for(lambda: sum(len(w.acked) for w in writers) >= 40, 30,
                 "40 acknowledged PUTs")
        t0 = time.monotonic()
        rc = d.stop()
        dt = time.monotonic() - t0
        eq(rc, 0, "exit status after SIGTERM")
        check(dt < 10, "SIGTERM took %.1f s" % dt)
        for w in writers:
            w.join(10)
            check(not w.is_alive(), "writer %s still running" % w.tag)
            check(not w.errors, "writer %s: %s" % (w.tag, w.errors[:3]))
        acked = [aid for w in writers for aid in w.acked]
        check(len(acked) >= 40, "only %d PUTs acknowledged" % len(acked))
        s.say("    %d PUTs acknowledged before SIGTERM; exit 0 in %.2f s"
              % (len(acked), dt))
        if s.plugin != "fts5":
            return
        d.start()
        c = d.connect()
        replies = c.pipeline([("GET", aid) for aid in acked])
        missing = [aid for aid, r in zip(acked, replies) if r is None]
        check(not missing, "%d acknowledged PUTs lost, e.g. %s"
              % (len(missing), missing[:5]))
        for aid, r in zip(acked, replies):
            tag, i = aid.rsplit("-", 1)
            eq(harness.field_pairs(r)["title"],
               article(int(i), tag)[1].encode(), "GET %s" % aid)
        st = harness.stats(c, "index")
        check(int(st["documents"]) >= len(acked), "documents %s < %d"
              % (st["documents"], len(acked)))
        c.close()
    finally:
        finish(s, d)


def wait_for(pred, timeout, what):
    deadline = time.monotonic() + timeout
    while not pred():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(0.02)


def read_text(path):
    try:
        with open(path, "rb") as f:
            return f.read().decode("utf-8", "replace")
    except FileNotFoundError:
        return ""


@suite.test
def sighup_reopens_log_file(s):
    tmp = tempfile.mkdtemp(prefix="carid-e2e-log-")
    log = os.path.join(tmp, "carid.log")
    port = harness.free_port()
    cmd = [s.opt.carid, "--port", str(port), "--data",
           os.path.join(tmp, "data"), "--plugin", s.opt.plugin,
           "--log-file", log]
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: "ready" in read_text(log) or p.poll() is not None,
                 15, "ready in the log file")
        check(p.poll() is None, "carid exited: %s" % read_text(log))
        os.rename(log, log + ".1")
        p.send_signal(signal.SIGHUP)
        wait_for(lambda: os.path.exists(log), 5, "a new log file")
        # A protocol error is logged: it must go to the new file.
        c = harness.Client("127.0.0.1", port)
        c.send(b"*x\r\n")
        eq(c.line(), b"-ERR Protocol error: invalid multibulk length",
           "reply")
        c.close()
        wait_for(lambda: "Protocol error" in read_text(log), 5,
                 "the protocol error in the new log file")
        old = read_text(log + ".1")
        check("ready" in old and "Protocol error" not in old,
              "old log file: %r" % old[-500:])
        p.send_signal(signal.SIGTERM)
        rc = p.wait(15)
        eq(rc, 0, "exit status")
        new = read_text(log)
        check("stopped" in new, "no stop line in the new log: %r"
              % new[-300:])
        out = p.stdout.read().decode("utf-8", "replace")
        for mark in harness.SANITIZER_MARKS:
            check(mark not in old + new + out, "sanitizer report:\n" +
                  (old + new + out)[-3000:])
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        p.stdout.close()
        shutil.rmtree(tmp, ignore_errors=True)


SECTIONS = {
    "server": ["carid_version", "plugin", "plugin_version", "pid",
               "uptime_seconds", "query_threads"],
    "clients": ["connected_clients", "total_connections",
                "rejected_connections"],
    "commands": ["commands_processed", "searches", "puts", "dels", "gets",
                 "errors", "protocol_errors", "write_commits",
                 "write_commit_usec_total", "write_maintain_usec_total"],
    "latency": ["search_usec_p50", "search_usec_p90", "search_usec_p99",
                "search_usec_max", "put_usec_p50", "put_usec_p99"],
    "index": ["documents"],
}
TEXT_FIELDS = {"carid_version", "plugin", "plugin_version"}


@suite.test
def stats_sections(s):
    c = s.daemon.connect()
    for i in range(5):
        eq(c.call("PUT", "stat-%d" % i, *article(i, "stat")), "OK", "PUT")
    eq(c.call("DEL", "stat-4"), 1, "DEL")
    eq(c.call("COUNT", "pelabuhan", "SOURCE", "stat"), 4, "COUNT")
    c.call("SEARCH", "kapal")
    c.call("GET", "stat-0")
    c.call("NGAWUR")
    everything = harness.stats(c)
    for section, fields in SECTIONS.items():
        st = harness.stats(c, section)
        for f in fields:
            check(f in st, "STATS %s lacks %s: %r" % (section, f, st))
            check(f in everything, "STATS lacks %s" % f)
            if f not in TEXT_FIELDS:
                check(re.fullmatch(r"\d+", st[f]) is not None,
                      "STATS %s %s = %r" % (section, f, st[f]))
    eq(harness.stats(c, "server")["plugin"], s.plugin, "plugin")
    eq(int(harness.stats(c, "server")["pid"]), s.daemon.proc.pid, "pid")
    cmd = harness.stats(c, "commands")
    check(int(cmd["puts"]) >= 5 and int(cmd["dels"]) >= 1
          and int(cmd["gets"]) >= 1 and int(cmd["searches"]) >= 1
          and int(cmd["errors"]) >= 1, "commands: %r" % cmd)
    lat = harness.stats(c, "latency")
    check(int(lat["search_usec_p50"]) <= int(lat["search_usec_p99"])
          <= int(lat["search_usec_max"]), "latency order: %r" % lat)
    docs = int(harness.stats(c, "index")["documents"])
    eq(c.call("PUT", "stat-9", *article(9, "stat")), "OK", "PUT")
    eq(int(harness.stats(c, "index")["documents"]), docs + 1,
       "documents after one more PUT")
    eq(harness.stats(c, "clients")["connected_clients"], "1",
       "connected_clients")
    eq(c.call("STATS", "ngawur"), ReplyError("ERR unknown section 'ngawur'"),
       "unknown section")
    c.close()


PROM_SAMPLE = re.compile(r'^(carid_[a-z0-9_]+)(\{[a-z_]+="[^"\\\n]*"'
                         r'(,[a-z_]+="[^"\\\n]*")*\})? (-?[0-9.e+-]+)$')


def prometheus(c):
    text = c.call("STATS", "prometheus")
    check(isinstance(text, bytes), "STATS prometheus: %r" % (text,))
    types, samples, helps = {}, {}, set()
    for n, line in enumerate(text.decode().splitlines(), 1):
        if not line:
            continue
        if line.startswith("#"):
            m = re.fullmatch(r"# (TYPE|HELP) (carid_[a-z0-9_]+) (.+)", line)
            check(m is not None, "line %d: bad comment %r" % (n, line))
            if m.group(1) == "HELP":
                helps.add(m.group(2))
                continue
            check(m.group(2) in helps, "line %d: TYPE before HELP" % n)
            if m.group(1) == "TYPE":
                check(m.group(3) in ("counter", "gauge", "summary"),
                      "line %d: type %r" % (n, m.group(3)))
                check(m.group(2) not in types, "line %d: second TYPE for %s"
                      % (n, m.group(2)))
                types[m.group(2)] = m.group(3)
            continue
        m = PROM_SAMPLE.match(line)
        check(m is not None, "line %d: not a sample: %r" % (n, line))
        family = re.sub(r"_(sum|count)$", "", m.group(1))
        check(m.group(1) in types or types.get(family) == "summary",
              "line %d: %s before its TYPE line" % (n, m.group(1)))
        samples[m.group(1) + (m.group(2) or "")] = float(m.group(4))
    return types, samples


@suite.test
def stats_prometheus(s):
    c = s.daemon.connect()
    types, samples = prometheus(c)
    st = harness.stats(c)
    for name in ("documents", "connected_clients", "query_threads", "pid",
                 "puts", "searches", "protocol_errors", "write_commits"):
        check(any(k in ("carid_" + name, "carid_" + name + "_total")
                  for k in samples), "no sample for %s" % name)
    eq(samples["carid_documents"], int(st["documents"]), "documents")
    eq(samples["carid_pid"], s.daemon.proc.pid, "pid")
    info = [k for k in samples if k.startswith("carid_info{")]
    eq(len(info), 1, "carid_info samples")
    check('plugin="%s"' % s.plugin in info[0], "carid_info: %s" % info[0])
    # Counters only go up.
    before = samples
    c.call("PUT", "prom-1", "title", "Metrik naik")
    c.call("GET", "prom-1")
    _, after = prometheus(c)
    for k, v in before.items():
        if types.get(k.split("{")[0]) == "counter":
            check(after[k] >= v, "counter %s went down" % k)
    check(len(samples) >= 20, "only %d samples" % len(samples))
    c.close()


@suite.test
def prometheus_counters_end_in_total(s):
    c = s.daemon.connect()
    types, _ = prometheus(c)
    bad = [n for n, t in types.items()
           if t == "counter" and not n.endswith("_total")]
    eq(bad, [], "counters without _total")
    eq([n for n in types if "_total_total" in n], [], "_total_total")
    eq([n for n in types if "usec" in n], [], "not in base units")
    c.close()


@suite.test
def slowlog(s):
    c = s.daemon.connect()
    eq(c.call("SLOWLOG", "RESET"), "OK", "RESET")
    eq(c.call("SLOWLOG", "LEN"), 0, "LEN after RESET")
    eq(c.call("SLOWLOG", "GET"), [], "GET after RESET")
    eq(c.call("PUT", "lambat-1", *article(1, "lambat")), "OK", "PUT")
    eq(harness.field_pairs(c.call("GET", "lambat-1"))["source"], b"lambat",
       "GET")
    query = ("pelabuhan " * 30).strip()
    long_search = ["SEARCH", query, "LIMIT", "0", "10", "SORT", "newest",
                   "SOURCE", "lambat", "FROM", "2020-01-01", "TO",
                   "2030-12-31", "RETURN", "5", "title", "body", "source",
                   "url", "date", "SNIPPET", "<<", ">>"]
    r = c.call(*long_search)
    check(isinstance(r, list) and r[0] == 1, "long SEARCH: %r" % (r,))
    eq(c.call("SLOWLOG", "LEN"), 3, "LEN after PUT, GET, SEARCH "
       "(--slowlog-usec 0)")
    log = c.call("SLOWLOG", "GET")
    eq(len(log), 3, "entries")
    my_port = c.sock.getsockname()[1]
    now = time.time()
    for e in log:
        eq(len(e), 6, "entry shape %r" % (e,))
        check(all(isinstance(x, int) for x in e[:3]), "id/time/usec: %r"
              % (e[:3],))
        check(abs(e[1] - now) < 120, "unix time %r" % e[1])
        eq(e[4], b"127.0.0.1:%d" % my_port, "client address")
        eq(e[5], b"", "client name")
        check(len(e[3]) <= 16 and all(len(a) <= 128 for a in e[3]),
              "arguments not cut: %r" % (e[3],))
    check(log[0][0] > log[1][0] > log[2][0], "newest first: %r"
          % [e[0] for e in log])
    eq([a[:3] for a in log[2][3][:3]], [b"PUT", b"lam", b"tit"], "PUT entry")
    eq(log[1][3], [b"GET", b"lambat-1"], "GET entry")
    want = [a.encode()[:128] for a in long_search[:16]]
    eq(log[0][3][:15], want[:15], "SEARCH entry (cut to 16 arguments, "
       "128 bytes each)")
    eq(len(log[0][3][1]), 128, "the 299-byte query cut at 128 bytes")
    eq(len(c.call("SLOWLOG", "GET", "2")), 2, "GET 2")
    eq(c.call("SLOWLOG", "GET", "0"), [], "GET 0")
    for i in range(SLOWLOG_LEN + 5):
        c.call("GET", "lambat-%d" % i)
    eq(c.call("SLOWLOG", "LEN"), SLOWLOG_LEN, "LEN capped by "
       "--slowlog-len")
    log = c.call("SLOWLOG", "GET", "100")
    eq(len(log), SLOWLOG_LEN, "GET 100 with --slowlog-len")
    eq(log[0][3], [b"GET", b"lambat-%d" % (SLOWLOG_LEN + 4)], "newest")
    eq(c.call("SLOWLOG", "RESET"), "OK", "RESET")
    eq(c.call("SLOWLOG", "LEN"), 0, "LEN after the second RESET")
    check(isinstance(c.call("SLOWLOG", "NGAWUR"), ReplyError),
          "unknown SLOWLOG subcommand")
    c.close()


def indonesian_ext(s):
    path = os.path.join(os.path.dirname(os.path.abspath(s.opt.carid)),
                        "indonesian.so")
    return path if os.path.exists(path) else None


def fts_check(s, path, at_least):
    """FTS5's own integrity-check on a copy of the backup, and a MATCH,
    through the sqlite3 shell with the indonesian tokenizer loaded."""
    ext = indonesian_ext(s)
    shell = shutil.which("sqlite3")
    if not ext or not shell:
        s.say("    (no sqlite3 shell or indonesian.so: FTS check skipped)")
        return
    tmp = tempfile.mkdtemp(prefix="carid-e2e-bk-")
    try:
        copy = os.path.join(tmp, "salinan.db")
        shutil.copyfile(path, copy)
        p = subprocess.run(
            [shell, "-batch", "-bail", copy,
             ".load %s" % os.path.splitext(ext)[0],
             "INSERT INTO fts(fts, rank) VALUES('integrity-check', 0);",
             "SELECT count(*) FROM fts WHERE fts MATCH 'pelabuhan';"],
            capture_output=True, timeout=60)
        out = p.stdout.decode().strip()
        if b"undefined symbol: __asan" in p.stderr or \
                b"undefined symbol: __ubsan" in p.stderr:
            s.say("    (indonesian.so is a sanitizer build: FTS check "
                  "skipped)")
            return
        check(p.returncode == 0 and out.isdigit(), "sqlite3 on the backup: "
              "%r %r" % (out, p.stderr.decode()[-300:]))
        check(int(out) >= at_least, "FTS in the backup finds %s < %d"
              % (out, at_least))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@suite.test
def backup_under_write_load(s):
    c = s.daemon.connect()
    if s.plugin != "fts5":
        r = c.call("BACKUP", "cadangan")
        check(isinstance(r, ReplyError), "BACKUP on %s: %r" % (s.plugin, r))
        c.close()
        return
    w = Writer(s.daemon, "bk", batch=4)
    w.start()
    try:
        wait_for(lambda: len(w.acked) >= 300, 20, "300 PUTs")
        before = list(w.acked)
        eq(c.call("BACKUP", "cadangan-1"), "OK", "BACKUP under load")
        time.sleep(0.2)
        during = len(w.acked)
    finally:
        w.stop.set()
        w.join(10)
    check(not w.errors, "writer: %s" % w.errors[:3])
    check(during > len(before), "writes stalled during BACKUP (%d -> %d)"
          % (len(before), during))
    eq(c.call("BACKUP", "cadangan-1"),
       ReplyError("ERR backup 'cadangan-1' already exists"), "again")
    path = os.path.join(s.daemon.data_dir, "backups", "cadangan-1")
    check(os.path.isfile(path), "no backup file at %s" % path)
    db = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    try:
        eq(db.execute("PRAGMA integrity_check").fetchall(), [("ok",)],
           "PRAGMA integrity_check")
        ids = {r[0] for r in db.execute(
            "SELECT id FROM docs WHERE id LIKE 'bk-%'")}
        missing = [aid for aid in before if aid not in ids]
        check(not missing, "backup lacks %d articles acknowledged before "
              "it, e.g. %s" % (len(missing), missing[:5]))
        check(len(ids) <= len(w.acked) + 4, "backup has %d, only %d acked"
              % (len(ids), len(w.acked)))
        s.say("    %d acked before BACKUP, %d in the backup, %d acked in "
              "all" % (len(before), len(ids), len(w.acked)))
    finally:
        db.close()
    fts_check(s, path, len(before))
    c.close()


@suite.test
def backup_names(s):
    c = s.daemon.connect()
    bad = ["../x", "../../etc/cron.d/x", ".hidden", ".", "..", "a/b", "/tmp/x",
           "", "a" * 65, "a b", "a\x00b", "a\\b", "nama~", "$HOME", "a\r\nb",
           "\xff", "cadangan*", "*"]
    for name in bad:
        r = c.call("BACKUP", name)
        if s.plugin == "fts5":
            eq(r, BAD_NAME, "BACKUP %r" % name)
        else:
            check(isinstance(r, ReplyError), "BACKUP %r: %r" % (name, r))
    check(not os.path.exists(os.path.join(s.daemon.data_dir, "x")),
          "BACKUP ../x wrote DATA/x")
    if s.plugin == "fts5":
        for name in ("a" * 64, "Cadangan_2024-07.01", "-mulai-strip"):
            eq(c.call("BACKUP", name), "OK", "BACKUP %r" % name)
            check(os.path.isfile(os.path.join(s.daemon.data_dir, "backups",
                                              name)), "file %r" % name)
        made = sorted(os.listdir(os.path.join(s.daemon.data_dir,
                                              "backups")))
        check(all(not n.startswith(".") and "/" not in n for n in made),
              "backups: %r" % made)
    c.close()


@suite.test
def config_file_and_flag_override(s):
    tmp = tempfile.mkdtemp(prefix="carid-e2e-conf-")
    conf = os.path.join(tmp, "carid.conf")
    config_port = harness.free_port()
    unused = os.path.join(tmp, "data-dari-berkas")
    with open(conf, "w") as f:
        f.write("# contoh berkas konfigurasi\n\n"
                "port %d\n"
                "data %s\n"
                "max-clients 3\n"
                "slowlog-usec 0\n"
                "slowlog-len 7\n"
                "timeout 0\n" % (config_port, unused))
    d = harness.Daemon(s.opt, ["--config", conf, "--max-clients", "5"])
    try:
        d.start()   # on --port and --data from the flags
        c = d.connect()
        info = c.call("INFO", "clients").decode()
        check("maxclients:5" in info, "flag must override the file: %r"
              % info)
        for i in range(10):
            c.call("GET", "konfig-%d" % i)
        eq(c.call("SLOWLOG", "LEN"), 7, "slowlog-len 7 from the file")
        c.close()
        check(not os.path.exists(unused), "data dir from the file was used "
              "despite --data")
        try:
            harness.Client("127.0.0.1", config_port, timeout=2).close()
            raise AssertionError("listening on the file's port too")
        except ConnectionRefusedError:
            pass
        d.stop()
        for p in d.problems:
            s.fail(p)
        d.problems = []
        # Without the flag, the file's max-clients holds.
        d.extra = ["--config", conf]
        d.start()
        c = d.connect()
        check("maxclients:3" in c.call("INFO", "clients").decode(),
              "max-clients 3 from the file")
        c.close()
        # A mistake in the file stops carid with file:line.
        with open(conf, "a") as f:
            f.write("warna merah\n")
        p = subprocess.run([s.opt.carid, "--config", conf, "--port",
                            str(harness.free_port()), "--data",
                            os.path.join(tmp, "d2")],
                           capture_output=True, timeout=15)
        check(p.returncode != 0, "bad config accepted")
        err = p.stderr.decode("utf-8", "replace")
        check("carid.conf:9" in err and "warna" in err,
              "message for a bad line: %r" % err)
    finally:
        finish(s, d)
        shutil.rmtree(tmp, ignore_errors=True)


@suite.test
def plugin_options(s):
    """--plugin-options reach the plugin and bound its memory: STATS index
    reports the mmap and page-cache sizes asked for, and searches work
    with mmap off."""
    if s.plugin != "fts5":
        return
    d = harness.Daemon(s.opt, ["--plugin-options",
                               "mmap_mb=0,cache_mb=2,writer_cache_mb=8"])
    try:
        d.start()
        c = d.connect()
        eq(c.call("PUT", "opsi-1", "title", "Kapal feri berlayar",
                  "body", "Kapal feri berlayar dari pelabuhan pagi ini."),
           "OK", "PUT")
        eq(c.call("COUNT", "pelabuhan"), 1, "COUNT with mmap off")
        st = harness.stats(c, "index")
        eq((st.get("mmap_bytes"), st.get("cache_bytes"),
            st.get("writer_cache_bytes")),
           ("0", str(2 << 20), str(8 << 20)), "memory bounds in STATS")
        c.close()
    finally:
        finish(s, d)


@suite.test
def optimize(s):
    c = s.daemon.connect()
    before = c.call("COUNT", "pelabuhan")
    r = c.call("OPTIMIZE")
    if s.plugin == "fts5":
        eq(r, "OK", "OPTIMIZE")
        segs = harness.stats(c, "index").get("fts_segments")
        check(segs is None or int(segs) <= 1, "segments after OPTIMIZE: %s"
              % segs)
    else:
        eq(r, ReplyError("ERR plugin 'mem' has no OPTIMIZE"), "OPTIMIZE")
    eq(c.call("COUNT", "pelabuhan"), before, "COUNT after OPTIMIZE")
    c.close()


if __name__ == "__main__":
    harness.main(suite)
