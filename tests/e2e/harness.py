"""harness.py - runs the real carid for an end-to-end test file.

Each test file starts its own daemon on a free 127.0.0.1 port with a fresh
temp data dir, waits for "ready" on its stderr, arms a watchdog, and stops
it with SIGTERM expecting exit status 0.  Sanitizer reports in the daemon's
stderr fail the run.  Paths come from argv (--carid PATH --plugin NAME|PATH)
or the environment (CARID, CARID_PLUGIN); CARID_TEST_ADDR=host:port talks
to a daemon you started yourself (e.g. under gdb) instead.
"""
import argparse
import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SANITIZER_MARKS = ("AddressSanitizer", "runtime error:", "LeakSanitizer",
                   "ThreadSanitizer")
READY_TIMEOUT = 15      # seconds to wait for "ready"
STOP_TIMEOUT = 15       # seconds from SIGTERM to exit
WATCHDOG = 110          # seconds a daemon may live


def parse_args(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--carid", default=os.environ.get("CARID"))
    ap.add_argument("--plugin", default=os.environ.get("CARID_PLUGIN",
                                                       "fts5"))
    ap.add_argument("-v", "--verbose", action="store_true")
    opt, _ = ap.parse_known_args(argv)
    if not opt.carid:
        for cand in ("build-e2e/carid", "build/carid"):
            if os.path.exists(os.path.join(ROOT, cand)):
                opt.carid = os.path.join(ROOT, cand)
                break
    if not opt.carid and not os.environ.get("CARID_TEST_ADDR"):
        ap.error("--carid PATH (or CARID=...) is required")
    opt.plugin_name = os.path.basename(opt.plugin)
    opt.plugin_name = re.sub(r"^carid_|\.so$", "", opt.plugin_name)
    return opt


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class DaemonError(Exception):
    pass


class Daemon:
    """One carid process; restartable on the same data dir."""

    def __init__(self, opt, extra_args=(), data_dir=None):
        self.opt = opt
        self.extra = list(extra_args)
        self.own_dir = data_dir is None
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="carid-e2e-")
        self.proc = None
        self.log_path = None
        self.logs = []          # stderr of every run so far
        self.problems = []      # sanitizer reports, bad exits, watchdog
        self.watchdog = None
        self.external = os.environ.get("CARID_TEST_ADDR")
        self.host = "127.0.0.1"
        self.port = None

    def start(self):
        if self.external:
            self.host, port = self.external.rsplit(":", 1)
            self.port = int(port)
            return self
        self.port = free_port()
        fd, self.log_path = tempfile.mkstemp(prefix="carid-e2e-",
                                             suffix=".log")
        cmd = [self.opt.carid, "--port", str(self.port), "--data",
               self.data_dir, "--plugin", self.opt.plugin] + self.extra
        env = dict(os.environ)
        env.setdefault("ASAN_OPTIONS", "detect_leaks=1")
        env.setdefault("UBSAN_OPTIONS", "print_stacktrace=1")
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                     stdout=fd, stderr=fd, env=env)
        os.close(fd)
        self.watchdog = threading.Timer(WATCHDOG, self._watchdog_fire)
        self.watchdog.daemon = True
        self.watchdog.start()
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if "ready" in self.log().lower():
                return self
            if self.proc.poll() is not None:
                break
            time.sleep(0.02)
        rc = self.proc.poll()
        self.kill()
        raise DaemonError("carid did not get ready (exit %s): %s\n%s"
                          % (rc, " ".join(cmd), self.log()[-3000:]))

    def _watchdog_fire(self):
        self.problems.append("watchdog: daemon still running after %d s"
                             % WATCHDOG)
        if self.proc and self.proc.poll() is None:
            self.proc.kill()

    def log(self):
        """The current run's stderr so far."""
        if not self.log_path:
            return ""
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def _finish(self):
        if self.watchdog:
            self.watchdog.cancel()
        text = self.log()
        self.logs.append(text)
        for mark in SANITIZER_MARKS:
            if mark in text:
                i = text.index(mark)
                self.problems.append("sanitizer report in daemon stderr:\n"
                                     + text[max(0, i - 200):i + 3000])
                break
        if self.log_path:
            os.unlink(self.log_path)
            self.log_path = None
        self.proc = None

    def alive(self):
        return self.external or (self.proc and self.proc.poll() is None)

    def stop(self):
        """SIGTERM, wait, expect exit status 0.  Returns the status."""
        if self.external or not self.proc:
            return 0
        rc = self.proc.poll()
        if rc is not None:
            self.problems.append("daemon died before SIGTERM (status %d)"
                                 % rc)
        else:
            self.proc.send_signal(signal.SIGTERM)
            try:
                rc = self.proc.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                rc = self.proc.wait()
                self.problems.append("daemon ignored SIGTERM for %d s"
                                     % STOP_TIMEOUT)
            if rc != 0:
                self.problems.append("daemon exited with status %d after "
                                     "SIGTERM" % rc)
        self._finish()
        return rc

    def kill(self):
        """SIGKILL, as a crash would."""
        if self.external or not self.proc:
            return
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self._finish()

    def restart(self):
        self.stop()
        return self.start()

    def cleanup(self):
        if self.proc:
            self.stop()
        if self.own_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def connect(self, timeout=10):
        return Client(self.host, self.port, timeout)


class ReplyError(Exception):
    """An error reply (-ERR ...), returned (not raised) by Client.read()."""

    def __eq__(self, other):
        return isinstance(other, ReplyError) and str(self) == str(other)

    def __hash__(self):
        return hash(str(self))


class Client:
    """A raw RESP2 client: multibulk requests, parsed replies."""

    def __init__(self, host, port, timeout=10):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def close(self):
        self.sock.close()

    @staticmethod
    def encode(*args):
        out = [b"*%d\r\n" % len(args)]
        for a in args:
            if isinstance(a, int):
                a = str(a)
            if isinstance(a, str):
                a = a.encode("utf-8", "surrogateescape")
            out += [b"$%d\r\n" % len(a), a, b"\r\n"]
        return b"".join(out)

    def send(self, data):
        self.sock.sendall(data)

    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("connection closed by server")
        self.buf += chunk

    def line(self):
        """One CRLF-terminated line, without the CRLF."""
        while True:
            i = self.buf.find(b"\r\n")
            if i >= 0:
                line, self.buf = self.buf[:i], self.buf[i + 2:]
                return line
            self._fill()

    def exact(self, n):
        while len(self.buf) < n:
            self._fill()
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def read(self):
        """One reply: bytes, int, list, None (nil), "+status" as str, or a
        ReplyError instance for -ERR."""
        line = self.line()
        kind, rest = line[:1], line[1:]
        if kind == b"+":
            return rest.decode("utf-8", "replace")
        if kind == b"-":
            return ReplyError(rest.decode("utf-8", "replace"))
        if kind == b":":
            return int(rest)
        if kind == b"$":
            n = int(rest)
            if n < 0:
                return None
            data = self.exact(n + 2)
            if data[-2:] != b"\r\n":
                raise ValueError("bulk not followed by CRLF: %r" % data[-2:])
            return data[:-2]
        if kind == b"*":
            n = int(rest)
            return None if n < 0 else [self.read() for _ in range(n)]
        raise ValueError("bad reply line %r" % line[:100])

    def call(self, *args):
        self.send(self.encode(*args))
        return self.read()

    def pipeline(self, commands):
        self.send(b"".join(self.encode(*c) for c in commands))
        return [self.read() for _ in commands]

    def closed_by_server(self, timeout=3):
        """True if the server closes the connection (EOF, reset) within
        timeout with nothing more to read; False if data or timeout."""
        if self.buf:
            return False
        self.sock.settimeout(timeout)
        try:
            return self.sock.recv(1) == b""
        except ConnectionResetError:
            return True
        except socket.timeout:
            return False


def field_pairs(reply):
    """GET's flat [field, value, ...] as a dict of str -> bytes."""
    if not isinstance(reply, list):
        return reply
    return {reply[i].decode(): reply[i + 1]
            for i in range(0, len(reply) - 1, 2)}


def stats(client, section=None):
    """STATS [section] as a dict of name -> str value."""
    args = ["STATS"] + ([section] if section else [])
    text = client.call(*args)
    if not isinstance(text, bytes):
        raise AssertionError("STATS replied %r" % (text,))
    out = {}
    for line in text.decode("utf-8", "replace").splitlines():
        if ":" in line and not line.startswith("#"):
            k, v = line.split(":", 1)
            out[k.strip()] = v.strip()
    return out


class Suite:
    """Runs test functions against one daemon; prints N passed, M failed.

    A test is a function taking the suite; it fails by raising (use
    check()/eq()) or by adding to failures from inside via fail()."""

    def __init__(self, name, argv=None, extra_args=(), daemon=True):
        self.name = name
        self.opt = parse_args(argv)
        self.tests = []
        self.passed = 0
        self.failed = 0
        self.daemon = Daemon(self.opt, extra_args) if daemon else None
        self.soft = []

    @property
    def plugin(self):
        return self.opt.plugin_name

    def test(self, fn):
        self.tests.append(fn)
        return fn

    def fail(self, msg):
        self.soft.append(msg)

    def say(self, msg):
        print(msg, flush=True)

    def run(self):
        started = False
        try:
            if self.daemon:
                self.daemon.start()
                started = True
            for fn in self.tests:
                self._run_one(fn)
                if self.daemon and not self.daemon.alive():
                    self.failed += 1
                    self.say("FAIL %s: daemon is gone after this test"
                             % fn.__name__)
                    try:
                        self.daemon.start()
                    except DaemonError as e:
                        self.say("FAIL cannot restart: %s" % e)
                        break
        except DaemonError as e:
            self.failed += 1
            self.say("FAIL start: %s" % e)
        finally:
            if self.daemon and (started or self.daemon.proc):
                self.daemon.stop()
                for p in self.daemon.problems:
                    self.failed += 1
                    self.say("FAIL daemon: %s" % p)
                self.daemon.cleanup()
        self.say("%s [%s]: %d passed, %d failed"
                 % (self.name, self.plugin, self.passed, self.failed))
        return 1 if self.failed or not self.passed else 0

    def _run_one(self, fn):
        self.soft = []
        t0 = time.monotonic()
        try:
            fn(self)
            err = None
        except Exception as e:  # one test's failure must not stop the rest
            err = "%s: %s" % (type(e).__name__, e)
            if self.opt.verbose or not isinstance(e, AssertionError):
                err += "\n" + traceback.format_exc()
        msgs = self.soft + ([err] if err else [])
        dt = time.monotonic() - t0
        if msgs:
            self.failed += 1
            self.say("FAIL %s (%.2fs)" % (fn.__name__, dt))
            for m in msgs[:20]:
                self.say("    " + str(m).replace("\n", "\n    "))
            if len(msgs) > 20:
                self.say("    ... %d more" % (len(msgs) - 20))
        else:
            self.passed += 1
            self.say("ok   %s (%.2fs)" % (fn.__name__, dt))


@contextlib.contextmanager
def extra_daemon(suite, args=(), data_dir=None):
    """A second daemon for one test, started and stopped around it; its
    problems (sanitizer reports, a bad exit) fail the suite.  data_dir: an
    existing index to open (left in place), else a fresh one."""
    d = Daemon(suite.opt, args, data_dir=data_dir)
    try:
        d.start()
        yield d
    finally:
        d.stop()
        for p in d.problems:
            suite.fail(p)
        d.cleanup()


def import_redis():
    """python3-redis, also when python3 is not Debian's (e.g. pyenv)."""
    try:
        import redis
    except ImportError:
        sys.path.append("/usr/lib/python3/dist-packages")
        import redis
    return redis


def npm_install(pkg, into, module):
    """node_modules of the npm packages pinned in pkg (a package.json),
    installed into the folder into once, again when the pins change;
    module: one of them, whose folder says the install is complete."""
    stamp = os.path.join(into, "package.json")
    want = open(pkg).read()
    if (os.path.exists(stamp) and open(stamp).read() == want and
            os.path.isdir(os.path.join(into, "node_modules", module))):
        return os.path.join(into, "node_modules")
    shutil.rmtree(into, ignore_errors=True)
    os.makedirs(into)
    shutil.copy(pkg, stamp)
    p = subprocess.run(["npm", "install", "--no-audit", "--no-fund",
                        "--loglevel", "error"], cwd=into,
                       capture_output=True, text=True, timeout=240)
    if p.returncode != 0:
        os.remove(stamp)
        raise AssertionError("npm install failed: %s" % p.stderr[-2000:])
    return os.path.join(into, "node_modules")


def same_searches(want, got, queries, names, min_found):
    """Each query (SEARCH's arguments, RETURN 1 date added) on the redis-py
    clients want and got must have the same reply, and more than
    min_found of them find anything; names say which is which."""
    differ, found = [], 0
    for args in queries:
        a = want.execute_command("SEARCH", *args, "RETURN", "1", "date")
        b = got.execute_command("SEARCH", *args, "RETURN", "1", "date")
        found += len(a) > 1
        if a != b:
            differ.append("SEARCH %r\n  %s: %r\n  %s: %r"
                          % (args, names[0], a[:4], names[1], b[:4]))
    check(not differ, "%d of %d differ:\n%s"
          % (len(differ), len(queries), "\n".join(differ[:5])))
    check(found > min_found, "only %d queries found anything" % found)


def run_world(suite, start, stop):
    """For a file that starts its own daemons: start(suite), the tests,
    then stop() whatever happened; exits with the suite's status."""
    try:
        start(suite)
    except Exception:
        stop()
        raise
    try:
        rc = suite.run()
    finally:
        stop()
    sys.exit(rc)


def check(cond, msg):
    if not cond:
        raise AssertionError(msg)


def eq(got, want, what):
    if got != want:
        raise AssertionError("%s: expected %r, got %r" % (what, want, got))


def main(suite):
    sys.exit(suite.run())
