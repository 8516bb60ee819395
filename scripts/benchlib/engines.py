"""The engines the bench compares: carid over TCP, FTS5 in-process, Xapian
in-process and through xapian-tcpsrv.  Each has ingest() and/or a query
function taking an engine-neutral query dict:

    {"words": ["harga", "beras"], "source": None, "from": None, "to": None,
     "sort": None | "newest", "counts": None | "source"}

and returning the total number of matches it reports (a top-10 page of ids
is fetched too, as a client would)."""
import json
import os
import resource
import signal
import socket
import sqlite3
import subprocess
import time

from . import resp

try:
    import xapian
except ImportError:  # the bench says why and skips Xapian
    xapian = None

LOOPBACK = "127.0.0.1"
BATCH = 256  # articles per transaction, as scripts/feed --batch


def free_port():
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


def dir_size(path):
    total = 0
    for root, _, files in os.walk(path):
        for f in files:
            try:
                total += os.lstat(os.path.join(root, f)).st_blocks * 512
            except OSError:
                pass
    return total


def proc_status(pid, field):
    """A kB figure of /proc/PID/status (VmHWM, VmRSS) in bytes, or None."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def read_articles(path):
    """Yields article dicts from a JSONL file, one at a time."""
    with open(path, "rb") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def wait_port(port, deadline, proc=None):
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            return False
        try:
            with socket.create_connection((LOOPBACK, port), timeout=1):
                return True
        except OSError:
            time.sleep(0.05)
    return False


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


# ---------------------------------------------------------------- carid

class Carid:
    """build/carid on a free loopback port with a fresh data directory."""

    def __init__(self, build, data, plugin="fts5", log=None, extra=()):
        self.build, self.data, self.plugin = build, data, plugin
        self.extra = list(extra)  # more options (scripts/bench-route)
        self.port = free_port()
        self.log = log or os.path.join(os.path.dirname(data), "carid.log")
        self.proc = None
        self.conn = None

    def start(self, timeout=30):
        exe = os.path.join(self.build, "carid")
        self.logf = open(self.log, "ab")
        args = [exe, "--bind", LOOPBACK, "--port", str(self.port),
                "--data", self.data, "--plugin", self.plugin,
                "--log-level", "warn", "--timeout", "0",
                # the engines are compared uncut: no query deadline
                "--query-timeout-ms", "0"]
        # and on the same text: PUT's cleaning (daemon/clean.h) would take
        # boilerplate lines out of carid's copy only (a build from before
        # it has no such option)
        helptext = subprocess.run([exe, "--help"], capture_output=True,
                                  timeout=30).stdout
        if b"--clean-patterns" in helptext:
            args += ["--clean-patterns", "none"]
        args += self.extra
        self.proc = subprocess.Popen(
            args, stdin=subprocess.DEVNULL, stdout=self.logf,
            stderr=self.logf)
        if not wait_port(self.port, time.monotonic() + timeout, self.proc):
            self.stop()
            raise RuntimeError("carid did not start; see %s" % self.log)
        self.conn = resp.Resp(LOOPBACK, self.port)
        if self.conn.call("PING") != "PONG":
            raise RuntimeError("carid does not answer PING")

    def hwm(self):
        return proc_status(self.proc.pid, "VmHWM") if self.proc else None

    def stats(self, section):
        text = self.conn.call("STATS", section).decode()
        out = {}
        for line in text.splitlines():
            if ":" in line:
                k, v = line.split(":", 1)
                out[k] = v
        return out

    def version(self):
        return self.stats("server").get("carid_version", "?")

    def stop(self, timeout=120):
        if self.conn:
            self.conn.close()
            self.conn = None
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc:
            self.logf.close()
        self.proc = None

    def ingest(self, feed, path, timeout):
        """Runs scripts/feed; returns (seconds, feed CPU seconds, sent)."""
        cpu0 = children_cpu()
        t0 = time.monotonic()
        r = subprocess.run(
            [feed, "--host", LOOPBACK, "--port", str(self.port), path],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=timeout)
        secs = time.monotonic() - t0
        out = r.stdout.decode(errors="replace").strip().splitlines()
        last = [l for l in out if l.startswith("sent ")]
        if r.returncode != 0:
            raise RuntimeError("feed failed (%d): %s" % (r.returncode,
                                                         "; ".join(out[-3:])))
        sent = int(last[-1].split()[1].rstrip(",")) if last else 0
        return secs, children_cpu() - cpu0, sent

    @staticmethod
    def request(q):
        # op None: every word (AND, as the other engines run it); "OR";
        # "BEST": carid's default best match (the others run OR)
        join = " OR " if q.get("op") == "OR" else " "
        words = [w + "*" for w in q["words"]] if q.get("prefix") \
            else q["words"]
        args = ["SEARCH", join.join(words), "LIMIT", "0", "10"]
        if q.get("op") is None and len(q["words"]) > 1:
            args += ["MATCH", "all"]
        if q.get("source"):
            args += ["SOURCE", q["source"]]
        if q.get("from"):
            args += ["FROM", q["from"]]
        if q.get("to"):
            args += ["TO", q["to"]]
        if q.get("sort"):
            args += ["SORT", q["sort"]]
        if q.get("counts"):
            args += ["COUNTS", q["counts"]]
        return args

    def query(self, q):
        r = self.conn.call(*self.request(q))
        return r[0] if isinstance(r, list) else str(r)  # an error's text

    def count(self, words):
        return self.conn.call("COUNT", " ".join(words))


def carid_client(port):
    """A query function on its own connection (for worker processes)."""
    c = resp.Resp(LOOPBACK, port)
    return lambda q: c.call(*Carid.request(q))[0]


# ---------------------------------------------------------------- FTS5

class RawFts5:
    """The brief's baseline: one FTS5 table in-process, no daemon."""

    def __init__(self, path, tokenize="unicode61", extension=None):
        self.path, self.tokenize, self.extension = path, tokenize, extension
        self.db = None

    def open(self):
        self.db = sqlite3.connect(self.path, isolation_level=None,
                                  check_same_thread=False)
        if self.extension:
            self.db.enable_load_extension(True)
            self.db.load_extension(self.extension)
            self.db.enable_load_extension(False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.execute("PRAGMA mmap_size=1073741824")
        self.db.execute("PRAGMA cache_size=-65536")

    def ingest(self, path, deadline):
        self.open()
        self.db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS t USING fts5("
                        "title, body, tokenize='%s')" % self.tokenize)
        ins = "INSERT INTO t(title, body) VALUES (?, ?)"
        n = 0
        t0 = time.monotonic()
        batch = []
        for a in read_articles(path):
            batch.append((a.get("title") or "", a.get("body") or ""))
            if len(batch) >= BATCH:
                self._commit(ins, batch)
                n += len(batch)
                batch = []
                if time.monotonic() > deadline:
                    raise TimeoutError("FTS5 ingest over its time limit")
        if batch:
            self._commit(ins, batch)
            n += len(batch)
        return time.monotonic() - t0, n

    def _commit(self, ins, batch):
        self.db.execute("BEGIN")
        self.db.executemany(ins, batch)
        self.db.execute("COMMIT")

    def disk(self):
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return sum(os.lstat(p).st_blocks * 512 for p in
                   (self.path, self.path + "-wal") if os.path.exists(p))

    def close(self):
        if self.db:
            self.db.close()
            self.db = None

    def query(self, q):
        """count(*) and the top 10 by bm25 (title 4x, as carid weighs it):
        the two statements carid runs for one SEARCH."""
        join = " OR " if q.get("op") in ("OR", "BEST") else " "
        m = join.join('"%s"' % w.replace('"', '""') for w in q["words"])
        total = self.db.execute(
            "SELECT count(*) FROM t WHERE t MATCH ?", (m,)).fetchone()[0]
        self.db.execute("SELECT rowid FROM t WHERE t MATCH ? ORDER BY "
                        "bm25(t, 4.0, 1.0) LIMIT 10", (m,)).fetchall()
        return total


# ---------------------------------------------------------------- Xapian

SLOT_DATE = 0


class Xapian:
    """Xapian 1.4, Indonesian Snowball stemmer, BM25, title wdf_inc 3."""

    def __init__(self, path):
        self.path = path
        self.db = None
        self.tcpsrv = None

    def ingest(self, path, deadline, commit_every=0):
        db = xapian.WritableDatabase(self.path, xapian.DB_CREATE_OR_OPEN)
        tg = xapian.TermGenerator()
        tg.set_stemmer(xapian.Stem("indonesian"))
        tg.set_stemming_strategy(xapian.TermGenerator.STEM_SOME)
        n = 0
        t0 = time.monotonic()
        for a in read_articles(path):
            doc = xapian.Document()
            tg.set_document(doc)
            tg.index_text(a.get("title") or "", 3)
            tg.increase_termpos()
            tg.index_text(a.get("body") or "")
            idterm = "Q" + a["id"]
            doc.add_boolean_term(idterm)
            if a.get("source"):
                doc.add_boolean_term("XS" + a["source"])
            doc.add_value(SLOT_DATE, a.get("date") or "")
            doc.set_data(a["id"])
            db.replace_document(idterm, doc)
            n += 1
            if commit_every and n % commit_every == 0:
                db.commit()
            if (n & 1023) == 0 and time.monotonic() > deadline:
                db.close()
                raise TimeoutError("Xapian ingest over its time limit")
        db.commit()
        db.close()
        return time.monotonic() - t0, n

    def open_local(self):
        return xapian.Database(self.path)

    def start_tcpsrv(self, timeout=30):
        port = free_port()
        self.tcpsrv = subprocess.Popen(
            # --timeout 0: never drop the bench's connection, which sits
            # idle while carid runs a slow class (60 s by default)
            ["xapian-tcpsrv", "--port", str(port), "--interface", LOOPBACK,
             "--timeout", "0", self.path], stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            # on SIGTERM it signals its whole process group: not ours
            start_new_session=True)
        if not wait_port(port, time.monotonic() + timeout, self.tcpsrv):
            self.stop_tcpsrv()
            raise RuntimeError("xapian-tcpsrv did not start")
        self.tcpsrv_port = port
        return port

    def stop_tcpsrv(self):
        if self.tcpsrv and self.tcpsrv.poll() is None:
            self.tcpsrv.terminate()
            try:
                self.tcpsrv.wait(10)
            except subprocess.TimeoutExpired:
                self.tcpsrv.kill()
                self.tcpsrv.wait()
        self.tcpsrv = None


def xapian_searcher(db):
    """A query function on an open Xapian database (local or remote)."""
    enq = xapian.Enquire(db)
    enq.set_weighting_scheme(xapian.BM25Weight())
    qp = xapian.QueryParser()
    qp.set_stemmer(xapian.Stem("indonesian"))
    qp.set_stemming_strategy(xapian.QueryParser.STEM_SOME)
    qp.set_default_op(xapian.Query.OP_AND)
    qp.set_database(db)

    def search(q):
        join = " OR " if q.get("op") in ("OR", "BEST") else " "
        query = qp.parse_query(join.join(q["words"]))
        if q.get("source"):
            query = xapian.Query(xapian.Query.OP_FILTER, query,
                                 xapian.Query("XS" + q["source"]))
        if q.get("from") or q.get("to"):
            query = xapian.Query(
                xapian.Query.OP_FILTER, query,
                xapian.Query(xapian.Query.OP_VALUE_RANGE, SLOT_DATE,
                             q.get("from") or "0000", q.get("to") or "9999"))
        enq.set_query(query)
        if q.get("sort") == "newest":
            enq.set_sort_by_value_then_relevance(SLOT_DATE, True)
        else:
            enq.set_sort_by_relevance()
        mset = enq.get_mset(0, 10)
        mset.fetch()
        for m in mset:
            m.document.get_data()
        return mset.get_matches_estimated()

    return search


def xapian_df(path, stopwords, minlen=4):
    """(term, df) of every unprefixed, alphabetic, lower-case term."""
    db = xapian.Database(path)
    out = []
    for t in db.allterms():
        term = t.term
        if not term[:1].islower():
            continue
        try:
            w = term.decode("utf-8")
        except UnicodeDecodeError:
            continue
        if len(w) >= minlen and w.isalpha() and w.islower() \
                and w not in stopwords:
            out.append((w, t.termfreq))
    db.close()
    return out


def xapian_top_source(path):
    """The most frequent source, from the XS terms."""
    db = xapian.Database(path)
    best = max(((t.termfreq, t.term[2:].decode("utf-8", "replace"))
                for t in db.allterms("XS")), default=(0, None))
    db.close()
    return best[1]
