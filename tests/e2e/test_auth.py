#!/usr/bin/env python3
"""test_auth.py - --requirepass, --readonly-pass and the public-bind guard.

The suite's daemon has both passwords.  Before AUTH only AUTH, HELLO with
AUTH and QUIT work (PING too with --noauth-ping); the error texts are
Redis's, which clients match; a read-only client searches but cannot write; redis-cli -a
works.  carid must refuse a non-loopback --bind without a password, and
start with --unsafe-no-auth (stopped at once, only ever reached through
127.0.0.1).
"""
import os
import shutil
import subprocess
import tempfile
import time

import harness
from harness import ReplyError, check, eq

PASS = "kata-sandi-rahasia"
RO_PASS = "hanya-baca"
suite = harness.Suite("auth", extra_args=["--requirepass", PASS,
                                          "--readonly-pass", RO_PASS])
NOAUTH = ReplyError("NOAUTH Authentication required.")
NOPERM = ReplyError("NOPERM this client is read-only")
WRONG = ReplyError("WRONGPASS invalid username-password pair or user is "
                   "disabled.")
NOPASS = ReplyError("ERR AUTH <password> called without any password "
                    "configured for the default user. Are you sure your "
                    "configuration is correct?")
DOC = ("title", "Kereta cepat mulai beroperasi",
       "body", "Penumpang kereta cepat memadati stasiun pada hari pertama.",
       "source", "uji", "date", "2024-06-01")


def authed(s, password=PASS):
    c = s.daemon.connect()
    eq(c.call("AUTH", password), "OK", "AUTH")
    return c


@suite.test
def noauth_before_auth(s):
    c = s.daemon.connect()
    for cmd in (("SEARCH", "kereta"), ("COUNT", "kereta"),
                ("PUT", "x", "title", "y"), ("GET", "x"), ("DEL", "x"),
                ("STATS",), ("STATS", "clients"), ("INFO",),
                ("ECHO", "halo"), ("ANALYZE", "kereta"), ("OPTIMIZE",),
                ("BACKUP", "curian"), ("SLOWLOG", "GET"),
                ("SLOWLOG", "RESET"), ("COMMAND",), ("SUGGEST", "ker"),
                ("PING",), ("PING", "halo"), ("CLIENT", "LIST"),
                ("CLIENT", "SETNAME", "x"), ("SELECT", "0"), ("MULTI",)):
        eq(c.call(*cmd), NOAUTH, " ".join(cmd))
    r = c.call("HELLO", "3")
    check(isinstance(r, ReplyError) and str(r).startswith(
        "NOAUTH HELLO must be called with the client already authenticated"),
        "HELLO without AUTH: %r" % (r,))
    # Inline too, in any case.
    c.send(b"search kereta\r\nGet x\r\n")
    eq(c.read(), NOAUTH, "inline search")
    eq(c.read(), NOAUTH, "inline Get")
    eq(c.call("QUIT"), "OK", "QUIT before AUTH")
    check(c.closed_by_server(), "QUIT did not close")
    c.close()
    # Nothing was written by the refused PUT.
    c = authed(s)
    eq(c.call("GET", "x"), None, "GET x after the refused PUT")
    c.close()


@suite.test
def wrong_passwords(s):
    for args in (("salah",), ("",), (PASS + "x",), (PASS[:-1],),
                 (PASS.upper(),), ("default", "salah"), (PASS, "salah"),
                 ("\x00" + PASS,), (PASS + "\x00",), ("a" * 10000,)):
        c = s.daemon.connect()  # three wrong ones close a connection
        eq(c.call("AUTH", *args), WRONG, "AUTH %r" % (args,))
        eq(c.call("GET", "x"), NOAUTH, "GET after a wrong AUTH %r"
           % (args[0][:20],))
        c.close()
    c = s.daemon.connect()
    eq(c.call("AUTH"), ReplyError("ERR wrong number of arguments for "
                                  "'auth' command"), "AUTH alone")
    eq(c.call("AUTH", "a", "b", "c"),
       ReplyError("ERR wrong number of arguments for 'auth' command"),
       "AUTH with three arguments")
    eq(c.call("AUTH", PASS), "OK", "right password after wrong ones")
    eq(c.call("GET", "x"), None, "GET after AUTH")
    c.close()


@suite.test
def full_access_after_auth(s):
    c = authed(s)
    eq(c.call("PUT", "kereta-1", *DOC), "OK", "PUT")
    r = c.call("SEARCH", "kereta cepat", "RETURN", "0")
    check(isinstance(r, list) and r[0] == 1 and r[1][0] == b"kereta-1",
          "SEARCH: %r" % (r,))
    eq(c.call("COUNT", "penumpang"), 1, "COUNT")
    eq(harness.field_pairs(c.call("GET", "kereta-1"))["title"], DOC[1].encode(),
       "GET")
    check(isinstance(c.call("STATS"), bytes), "STATS")
    check(isinstance(c.call("INFO"), bytes), "INFO")
    eq(c.call("PUT", "hapus-aku", "title", "sementara"), "OK", "PUT")
    eq(c.call("DEL", "hapus-aku"), 1, "DEL")
    eq(c.call("SLOWLOG", "RESET"), "OK", "SLOWLOG RESET")
    if s.plugin == "fts5":
        eq(c.call("OPTIMIZE"), "OK", "OPTIMIZE")
        eq(c.call("BACKUP", "auth-penuh"), "OK", "BACKUP")
    c.close()


@suite.test
def auth_user_password_form(s):
    """The user name is checked: default goes with --requirepass, readonly
    (--readonly-user) with --readonly-pass, nobody else exists."""
    c = s.daemon.connect()
    eq(c.call("AUTH", "default", PASS), "OK", "AUTH default PASS")
    eq(c.call("COUNT", "kereta"), 1, "COUNT after AUTH default")
    c.close()
    for user, pw in (("siapa-saja", PASS), ("default", RO_PASS),
                     ("readonly", PASS), ("siapa-saja", RO_PASS),
                     ("Default", PASS)):
        c = s.daemon.connect()
        eq(c.call("AUTH", user, pw), WRONG, "AUTH %s with a password not "
           "its own" % user)
        eq(c.call("GET", "x"), NOAUTH, "still unauthenticated")
        c.close()
    c = s.daemon.connect()
    eq(c.call("AUTH", "readonly", RO_PASS), "OK", "AUTH readonly RO_PASS")
    eq(c.call("PUT", "x", "title", "y"), NOPERM, "read-only via user form")
    c.close()


@suite.test
def hello_authenticates(s):
    c = s.daemon.connect()
    eq(c.call("HELLO", "2", "AUTH", "default", "salah"), WRONG,
       "HELLO with a wrong password")
    eq(c.call("GET", "x"), NOAUTH, "still unauthenticated")
    r = c.call("HELLO", "2", "AUTH", "readonly", RO_PASS, "SETNAME", "pembaca")
    check(isinstance(r, list) and r[:2] == [b"server", b"carid"],
          "HELLO 2 AUTH: %r" % (r,))
    eq(c.call("CLIENT", "GETNAME"), b"pembaca", "SETNAME inside HELLO")
    eq(c.call("PUT", "x", "title", "y"), NOPERM, "read-only after HELLO")
    eq(c.call("CLIENT", "KILL", "ID", "1"), NOPERM,
       "CLIENT KILL is for the full password")
    c.close()


@suite.test
def wrong_passwords_slow_down_and_close(s):
    """Each wrong AUTH of a connection waits twice as long (0.1, 0.2 s),
    the third closes it, and the log says so once a second."""
    c = s.daemon.connect()
    took = []
    for _ in range(3):
        t0 = time.monotonic()
        eq(c.call("AUTH", "tebakan"), WRONG, "wrong AUTH")
        took.append(time.monotonic() - t0)
    check(took[0] >= 0.09 and took[1] >= 0.19 and took[2] >= 0.39,
          "delays %r" % took)
    check(c.closed_by_server(), "closed after the third wrong AUTH")
    time.sleep(1.2)
    check("wrong password(s) in the last second" in s.daemon.log(),
          "logged: %r" % s.daemon.log()[-400:])
    s.say("    wrong AUTH replies after %.2f, %.2f, %.2f s, then closed"
          % tuple(took))
    eq(authed(s).call("PING"), "PONG", "the right password still works")


@suite.test
def unauthenticated_quota_and_timeouts(s):
    args = ["--requirepass", PASS, "--max-noauth-clients", "4",
            "--auth-timeout", "1", "--request-timeout", "1"]
    with harness.extra_daemon(s, args) as d:
        idle = [d.connect() for _ in range(4)]
        extra = d.connect()
        eq(extra.read(), ReplyError("ERR too many unauthenticated "
                                    "connections"), "fifth unauthenticated")
        eq(idle[0].call("AUTH", PASS), "OK", "one authenticates")
        fresh = d.connect()
        eq(fresh.call("AUTH", PASS), "OK", "a slot is free again")
        for c in idle[1:]:
            check(c.closed_by_server(timeout=4),
                  "an unauthenticated connection outlived --auth-timeout 1")
        slow = d.connect()
        eq(slow.call("AUTH", PASS), "OK", "AUTH")
        slow.send(b"*2\r\n$4\r\nECHO\r\n$5\r\nsete")  # and no more
        check(slow.closed_by_server(timeout=5),
              "a request unfinished for --request-timeout 1 was not closed")
        eq(fresh.call("PING"), "PONG", "an authenticated idle one stays")


@suite.test
def slowlog_hides_other_clients_arguments(s):
    args = ["--requirepass", PASS, "--readonly-pass", RO_PASS,
            "--slowlog-usec", "0"]
    with harness.extra_daemon(s, args) as d:
        w = d.connect()
        eq(w.call("AUTH", PASS), "OK", "AUTH")
        eq(w.call("PUT", "rahasia", "title", "Teks rahasia"), "OK", "PUT")
        r = d.connect()
        eq(r.call("AUTH", RO_PASS), "OK", "AUTH read-only")
        eq(r.call("COUNT", "kereta"), 0, "own search")
        seen = r.call("SLOWLOG", "GET", "100")
        args_seen = [e[3] for e in seen]
        check([b"PUT", b"(3 arguments hidden)"] in args_seen,
              "another client's PUT hidden: %r" % args_seen)
        check([b"COUNT", b"kereta"] in args_seen, "own COUNT shown")
        full = [e[3] for e in w.call("SLOWLOG", "GET", "100")]
        check([b"PUT", b"rahasia", b"title", b"Teks rahasia"] in full,
              "the full client sees all: %r" % full)


@suite.test
def noauth_ping_flag(s):
    with harness.extra_daemon(s, ["--requirepass", PASS,
                                  "--noauth-ping"]) as d:
        c = d.connect()
        eq(c.call("PING"), "PONG", "PING before AUTH with --noauth-ping")
        eq(c.call("GET", "x"), NOAUTH, "GET still needs AUTH")
        c.close()


@suite.test
def readonly_client(s):
    c = authed(s, RO_PASS)
    r = c.call("SEARCH", "kereta", "RETURN", "1", "title", "SNIPPET")
    check(isinstance(r, list) and r[0] == 1 and r[1][0] == b"kereta-1",
          "SEARCH read-only: %r" % (r,))
    eq(c.call("COUNT", "kereta"), 1, "COUNT read-only")
    eq(harness.field_pairs(c.call("GET", "kereta-1"))["source"], b"uji",
       "GET read-only")
    check(isinstance(c.call("STATS", "clients"), bytes), "STATS read-only")
    check(isinstance(c.call("INFO"), bytes), "INFO read-only")
    eq(c.call("PING"), "PONG", "PING read-only")
    eq(c.call("SLOWLOG", "RESET"), NOPERM, "SLOWLOG RESET read-only")
    for cmd in (("PUT", "kereta-1", "title", "Dirusak"),
                ("PUT", "baru", "title", "Baru"), ("DEL", "kereta-1"),
                ("DEL", "tidak-ada"), ("OPTIMIZE",),
                ("BACKUP", "curian")):
        eq(c.call(*cmd), NOPERM, "read-only " + " ".join(cmd))
    # Pipelined writes are refused one by one, in order.
    c.send(b"PUT a title b\r\nECHO x\r\nDEL a\r\n")
    eq([c.read() for _ in range(3)], [NOPERM, b"x", NOPERM],
       "pipelined read-only")
    c.close()
    c = authed(s)
    eq(harness.field_pairs(c.call("GET", "kereta-1"))["title"],
       DOC[1].encode(), "article untouched by the read-only client")
    eq(c.call("GET", "baru"), None, "nothing written by read-only")
    if s.plugin == "fts5":
        path = os.path.join(s.daemon.data_dir, "backups", "curian")
        check(not os.path.exists(path), "read-only BACKUP wrote %s" % path)
    c.close()


@suite.test
def readonly_then_full_auth(s):
    c = authed(s, RO_PASS)
    eq(c.call("PUT", "naik", "title", "x"), NOPERM, "read-only PUT")
    eq(c.call("AUTH", PASS), "OK", "AUTH with the full password")
    eq(c.call("PUT", "naik", "title", "Naik kelas"), "OK", "PUT after that")
    eq(c.call("DEL", "naik"), 1, "DEL after that")
    c.close()


@suite.test
def redis_cli_with_password(s):
    cli = shutil.which("redis-cli")
    check(cli is not None, "redis-cli not installed")
    base = [cli, "-h", s.daemon.host, "-p", str(s.daemon.port)]
    r = subprocess.run(base + ["-a", PASS, "--no-auth-warning", "COUNT",
                               "kereta"], capture_output=True, timeout=20)
    eq(r.stdout.strip(), b"1", "redis-cli -a PASS COUNT (not a tty: raw)")
    eq(r.stderr, b"", "redis-cli stderr")
    r = subprocess.run(base + ["-a", PASS, "--no-auth-warning", "PUT",
                               "cli-1", "title", "Lewat redis-cli"],
                       capture_output=True, timeout=20)
    eq(r.stdout.strip(), b"OK", "redis-cli -a PASS PUT")
    r = subprocess.run(base + ["-a", RO_PASS, "--no-auth-warning", "DEL",
                               "cli-1"], capture_output=True, timeout=20)
    check(b"NOPERM" in r.stdout, "redis-cli read-only DEL: %r" % r.stdout)
    r = subprocess.run(base + ["GET", "cli-1"], capture_output=True,
                       timeout=20)
    check(b"NOAUTH" in r.stdout, "redis-cli without -a: %r" % r.stdout)
    r = subprocess.run(base + ["-a", "salah", "--no-auth-warning", "GET",
                               "cli-1"], capture_output=True, timeout=20)
    check(b"WRONGPASS" in r.stdout + r.stderr or b"NOAUTH" in r.stdout,
          "redis-cli wrong password: %r %r" % (r.stdout, r.stderr))
    c = authed(s)
    eq(c.call("DEL", "cli-1"), 1, "the redis-cli PUT is there")
    c.close()


@suite.test
def auth_without_password_configured(s):
    with harness.extra_daemon(s) as d:
        c = d.connect()
        eq(c.call("AUTH", "apa-saja"), NOPASS, "AUTH with no password set")
        eq(c.call("AUTH", "default", "apa-saja"), "OK",
           "AUTH default x: Redis's nopass default user")
        eq(c.call("AUTH", "bob", "apa-saja"), WRONG, "AUTH as nobody")
        eq(c.call("COUNT", "apa"), 0, "no AUTH needed")
        c.close()


def run_refused(s, args):
    """carid with args must exit 1 at once, saying why, never serving."""
    data = tempfile.mkdtemp(prefix="carid-e2e-")
    cmd = [s.opt.carid, "--port", str(harness.free_port()), "--data", data,
           "--plugin", s.opt.plugin] + args
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        out, _ = p.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        p.kill()     # it is listening where it must not: stop it now
        p.wait()
        raise AssertionError("%s: still running after 10 s" % " ".join(cmd))
    finally:
        shutil.rmtree(data, ignore_errors=True)
    return p.returncode, out.decode("utf-8", "replace")


@suite.test
def long_password_refused_at_start(s):
    rc, out = run_refused(s, ["--requirepass", "k" * 513])
    eq(rc, 1, "exit status for a 513-byte --requirepass")
    check("at most 512 bytes" in out, "message: %r" % out[-300:])


@suite.test
def public_bind_needs_a_password(s):
    for bind in ("0.0.0.0", "::", "127.0.0.1 0.0.0.0"):
        rc, out = run_refused(s, ["--bind", bind])
        eq(rc, 1, "exit status for --bind %s without a password" % bind)
        check("password" in out and "--unsafe-no-auth" in out
              and "ready" not in out,
              "--bind %s: message %r" % (bind, out[-300:]))


@suite.test
def unsafe_no_auth_starts(s):
    # Listens on 0.0.0.0 for well under a second; reached only through
    # 127.0.0.1 and stopped at once.
    d = harness.Daemon(s.opt, ["--bind", "0.0.0.0", "--unsafe-no-auth"])
    try:
        d.start()
        c = d.connect()
        eq(c.call("PING"), "PONG", "PING via 127.0.0.1")
        eq(c.call("COUNT", "apa"), 0, "no AUTH needed")
        c.close()
        check("0.0.0.0" in d.log(), "ready line: %r" % d.log()[-300:])
    finally:
        d.stop()
        for p in d.problems:
            s.fail(p)
        d.cleanup()


@suite.test
def loopback_binds_need_no_password(s):
    for bind in ("127.0.0.1", "127.0.0.2"):
        d = harness.Daemon(s.opt, ["--bind", bind])
        try:
            d.start()
            d.host = bind
            c = d.connect()
            eq(c.call("PING"), "PONG", "PING on %s" % bind)
            c.close()
        finally:
            d.stop()
            for p in d.problems:
                s.fail(p)
            d.cleanup()


if __name__ == "__main__":
    harness.main(suite)
