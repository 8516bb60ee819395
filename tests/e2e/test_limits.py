#!/usr/bin/env python3
"""test_limits.py - every limit of PROTOCOL.md, just under and just over.

The suite's daemon runs with small framing limits (--max-line 2048,
--max-bulk 8192, --max-args 16); the connection, idle, output and pre-AUTH
limits each get a daemon of their own, started and stopped inside their
test.  "Just under" must work normally; "just over" must give the
documented reply (and for framing errors, a close).
"""
import os
import socket
import sys
import time

import harness
from harness import ReplyError, check, eq

MAX_LINE = 2048
MAX_BULK = 8192
MAX_ARGS = 16
suite = harness.Suite("limits", extra_args=[
    "--max-line", str(MAX_LINE), "--max-bulk", str(MAX_BULK),
    "--max-args", str(MAX_ARGS)])

ARTICLE = ("title", "Harga cabai rawit melonjak menjelang lebaran",
           "body", "Pedagang di pasar tradisional mengeluhkan harga cabai "
           "rawit yang melonjak dua kali lipat dalam sepekan.",
           "source", "uji", "date", "2024-04-02")



def protocol_close(c, want, what):
    """The next reply is the protocol error want, then the server closes."""
    eq(c.line(), want, what)
    check(c.closed_by_server(), "%s: connection still open after %r"
          % (what, want))
    c.close()


def sub_daemon(s, extra):
    return harness.Daemon(s.opt, extra).start()


def finish(s, d):
    """Stops a test's own daemon; its problems fail the test."""
    d.stop()
    problems = list(d.problems)
    d.cleanup()
    for p in problems:
        s.fail("own daemon: %s" % p)


def vm_kib(pid, field):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise AssertionError("no %s in /proc/%d/status" % (field, pid))


@suite.test
def store_article(s):
    c = s.daemon.connect()
    eq(c.call("PUT", "cabai-1", *ARTICLE), "OK", "PUT cabai-1")
    c.close()


@suite.test
def inline_line_at_and_over_max_line(s):
    c = s.daemon.connect()
    # "ECHO " + payload is exactly MAX_LINE bytes before the CRLF.
    payload = b"a" * (MAX_LINE - 5)
    c.send(b"ECHO " + payload + b"\r\n")
    eq(c.read(), payload, "inline line of exactly --max-line bytes")
    # A bare LF ending counts the same way.
    c.send(b"ECHO " + payload + b"\n")
    eq(c.read(), payload, "inline line of --max-line bytes ending in LF")
    eq(c.call("PING"), "PONG", "connection usable after the longest line")
    c.close()
    c = s.daemon.connect()
    c.send(b"ECHO " + payload + b"b\r\n")
    protocol_close(c, b"-ERR Protocol error: too big inline request",
                   "line of --max-line + 1 bytes")
    # Over the limit without any newline: refused without waiting for one.
    c = s.daemon.connect()
    c.send(b"x" * (MAX_LINE + 3))
    protocol_close(c, b"-ERR Protocol error: too big inline request",
                   "--max-line + 3 bytes and no newline")


@suite.test
def bulk_at_and_over_max_bulk(s):
    c = s.daemon.connect()
    body = ("Isi berita yang panjang sekali. " * 300).encode()[:MAX_BULK]
    eq(len(body), MAX_BULK, "test body length")
    eq(c.call("ECHO", body), body, "ECHO of a --max-bulk argument")
    eq(c.call("PUT", "panjang", "title", "Berita panjang", "body", body),
       "OK", "PUT with a --max-bulk body")
    eq(harness.field_pairs(c.call("GET", "panjang")),
       {"title": b"Berita panjang", "body": body}, "GET of the long body")
    c.close()
    c = s.daemon.connect()
    c.send(b"*2\r\n$4\r\nECHO\r\n$%d\r\n" % (MAX_BULK + 1))
    protocol_close(c, b"-ERR Protocol error: invalid bulk length",
                   "bulk of --max-bulk + 1 announced")
    # The same with the data actually sent along.
    c = s.daemon.connect()
    c.send(harness.Client.encode("ECHO", b"z" * (MAX_BULK + 1)))
    protocol_close(c, b"-ERR Protocol error: invalid bulk length",
                   "bulk of --max-bulk + 1 sent")


@suite.test
def argc_at_and_over_max_args(s):
    c = s.daemon.connect()
    eq(c.call("PUT", "del-1", "title", "Satu"), "OK", "PUT del-1")
    eq(c.call("PUT", "del-2", "title", "Dua"), "OK", "PUT del-2")
    ids = ["del-1", "del-2"] + ["tidak-ada-%d" % i
                                for i in range(MAX_ARGS - 3)]
    eq(len(ids) + 1, MAX_ARGS, "argc")
    eq(c.call("DEL", *ids), 2, "DEL with exactly --max-args arguments")
    # Inline, at the limit too.
    c.send(("DEL " + " ".join(ids) + "\r\n").encode())
    eq(c.read(), 0, "inline DEL with --max-args arguments")
    c.close()
    c = s.daemon.connect()
    c.send(harness.Client.encode("DEL", *(ids + ["satu-lagi"])))
    protocol_close(c, b"-ERR Protocol error: invalid multibulk length",
                   "multibulk of --max-args + 1")
    c = s.daemon.connect()
    c.send(("DEL " + " ".join(ids + ["satu-lagi"]) + "\r\n").encode())
    line = c.line()
    check(line.startswith(b"-ERR Protocol error: too many arguments"),
          "inline --max-args + 1: %r" % line)
    check(c.closed_by_server(), "inline --max-args + 1 left open")
    c.close()


@suite.test
def query_length(s):
    c = s.daemon.connect()
    # 61 words (the FTS5 plugin takes at most 64), 4096 bytes in all.
    q = ("cabai " * 60).encode()
    q += b" " * (4096 - len(q) - 5) + b"rawit"
    eq(len(q), 4096, "query length")
    r = c.call("SEARCH", q, "RETURN", "0")
    check(isinstance(r, list) and r[0] == 1 and r[1][0] == b"cabai-1",
          "SEARCH with a 4096-byte query: %r" % (r,))
    eq(c.call("COUNT", q), 1, "COUNT with a 4096-byte query")
    too = ReplyError("ERR query too long (max 4096 bytes)")
    eq(c.call("SEARCH", q + b" "), too, "SEARCH with a 4097-byte query")
    eq(c.call("COUNT", q + b"x"), too, "COUNT with a 4097-byte query")
    eq(c.call("PING"), "PONG", "connection kept")
    c.close()


@suite.test
def id_length(s):
    c = s.daemon.connect()
    ok_id = "b" * 255 + "1"
    eq(c.call("PUT", ok_id, "title", "Id paling panjang"), "OK",
       "PUT with a 256-byte id")
    eq(harness.field_pairs(c.call("GET", ok_id)),
       {"title": b"Id paling panjang"}, "GET of the 256-byte id")
    r = c.call("SEARCH", "paling panjang", "RETURN", "0", "MATCH", "all")
    check(isinstance(r, list) and r[0] == 1 and r[1][0] == ok_id.encode(),
          "SEARCH finds the 256-byte id: %r" % (r,))
    eq(c.call("PUT", ok_id + "x", "title", "Terlalu panjang"),
       ReplyError("ERR id too long (max 256 bytes)"), "PUT, 257-byte id")
    # No article can have a 257-byte id: GET/DEL answer nil/0 or refuse.
    r = c.call("GET", ok_id + "x")
    check(r is None or r == ReplyError("ERR id too long (max 256 bytes)"),
          "GET with a 257-byte id: %r" % (r,))
    r = c.call("DEL", ok_id + "x")
    check(r == 0 or r == ReplyError("ERR id too long (max 256 bytes)"),
          "DEL with a 257-byte id: %r" % (r,))
    eq(c.call("DEL", ok_id), 1, "DEL of the 256-byte id")
    c.close()


@suite.test
def limit_count_and_offset(s):
    c = s.daemon.connect()
    r = c.call("SEARCH", "cabai", "LIMIT", "0", "1000")
    check(isinstance(r, list) and r[0] == 1 and len(r) == 2,
          "LIMIT 0 1000: %r" % (r,))
    eq(c.call("SEARCH", "cabai", "LIMIT", "0", "1001"),
       ReplyError("ERR LIMIT count must be 0..1000"), "LIMIT 0 1001")
    eq(c.call("SEARCH", "cabai", "LIMIT", "100000", "10"), [1],
       "LIMIT 100000 10 (the true total, no hits)")
    eq(c.call("SEARCH", "cabai", "LIMIT", "100001", "10"),
       ReplyError("ERR LIMIT offset must be 0..100000"), "LIMIT 100001 10")
    eq(c.call("SEARCH", "cabai", "LIMIT", "100000", "1000"), [1],
       "both at their limits")
    eq(c.call("PING"), "PONG", "connection kept")
    c.close()


@suite.test
def max_clients(s):
    n = 4
    d = sub_daemon(s, ["--max-clients", str(n)])
    try:
        clients = [d.connect() for _ in range(n)]
        for i, c in enumerate(clients):
            eq(c.call("ECHO", "klien-%d" % i), b"klien-%d" % i,
               "connection %d of %d" % (i + 1, n))
        extra = d.connect()
        eq(extra.line(), b"-ERR max number of clients reached",
           "connection %d" % (n + 1))
        check(extra.closed_by_server(), "rejected connection left open")
        extra.close()
        for i, c in enumerate(clients):
            eq(c.call("PING"), "PONG", "connection %d after the reject" % i)
        clients.pop().close()
        # The server notices the close asynchronously: retry briefly.
        deadline = time.monotonic() + 5
        while True:
            c = d.connect()
            c.send(b"PING\r\n")
            line = c.line()
            if line == b"+PONG":
                break
            c.close()
            check(time.monotonic() < deadline,
                  "no slot freed after a client left: %r" % line)
            time.sleep(0.05)
        clients.append(c)
        st = harness.stats(c, "clients")
        eq(st["connected_clients"], str(n), "connected_clients")
        check(int(st["rejected_connections"]) >= 1,
              "rejected_connections: %r" % st)
        for c in clients:
            c.close()
    finally:
        finish(s, d)


@suite.test
def idle_timeout(s):
    d = sub_daemon(s, ["--timeout", "1"])
    try:
        idle = d.connect()
        eq(idle.call("PING"), "PONG", "idle client's first PING")
        t0 = time.monotonic()
        closed = idle.closed_by_server(timeout=5)
        dt = time.monotonic() - t0
        check(closed, "idle client not closed within 5 s of --timeout 1")
        check(0.8 <= dt <= 3.5, "idle client closed after %.2f s" % dt)
        idle.close()
        # A client that keeps talking (every 0.3 s for 2.4 s) stays.
        busy = d.connect()
        for i in range(8):
            eq(busy.call("ECHO", str(i)), str(i).encode(),
               "active client, round %d" % i)
            time.sleep(0.3)
        busy.close()
        # A client that sent half a request and went quiet is idle too.
        half = d.connect()
        half.send(b"*2\r\n$4\r\nECHO\r\n$5\r\nha")
        check(half.closed_by_server(timeout=5),
              "client stuck mid-request not closed")
        half.close()
        c = d.connect()
        eq(c.call("PING"), "PONG", "daemon fine after timeouts")
        c.close()
    finally:
        finish(s, d)


def non_reader(s, article_bytes, n, rss_bound_kib, max_output=256 << 10):
    """A client with a tiny receive window pipelines n GETs of an article
    of article_bytes and never reads: it must be dropped, others served,
    and the daemon's peak RSS may grow by at most rss_bound_kib."""
    # Under AddressSanitizer freed memory sits in a 256 MB quarantine and
    # counts as RSS; keep it small so RSS measures the daemon, not ASan.
    saved = os.environ.get("ASAN_OPTIONS")
    os.environ["ASAN_OPTIONS"] = ((saved + ":") if saved else
                                  "detect_leaks=1:") + "quarantine_size_mb=8"
    try:
        d = sub_daemon(s, ["--max-output", str(max_output)])
    finally:
        if saved is None:
            os.environ.pop("ASAN_OPTIONS", None)
        else:
            os.environ["ASAN_OPTIONS"] = saved
    try:
        c = d.connect()
        body = ("Kalimat uji untuk keluaran yang besar sekali. "
                * (article_bytes // 40 + 1)).encode()[:article_bytes]
        eq(c.call("PUT", "besar", "title", "Artikel besar", "body", body),
           "OK", "PUT of a %d-byte article" % article_bytes)
        eq(c.call("GET", "besar")[3], body, "GET besar")
        base = vm_kib(d.proc.pid, "VmRSS")
        hog = socket.socket()
        hog.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        hog.settimeout(10)
        hog.connect((d.host, d.port))
        hog.sendall(b"GET besar\r\n" * n)
        # Meanwhile another client is served promptly.
        worst = 0.0
        for i in range(20):
            t0 = time.monotonic()
            eq(c.call("COUNT", "kalimat"), 1, "COUNT meanwhile")
            worst = max(worst, time.monotonic() - t0)
            time.sleep(0.05)
        if worst >= 2.0:
            s.fail("another client's COUNT waited %.2f s" % worst)
        # The hog is dropped: reading all it can get ends in EOF, long
        # before its replies would.
        got = 0
        try:
            while True:
                chunk = hog.recv(1 << 16)
                if not chunk:
                    break
                got += len(chunk)
        except ConnectionResetError:
            pass
        except socket.timeout:
            raise AssertionError("non-reading client not dropped (read %d "
                                 "bytes, then silence)" % got)
        hog.close()
        check(got < n * len(body) // 4,
              "dropped only after %d bytes of replies" % got)
        time.sleep(0.5)
        peak = vm_kib(d.proc.pid, "VmHWM")
        s.say("    %d GETs of %d bytes: rss before %d kB, peak %d kB, hog "
              "read %d bytes" % (n, len(body), base, peak, got))
        if peak - base >= rss_bound_kib:
            s.fail("one non-reading client (--max-output %d) grew the "
                   "daemon's RSS by %d kB (bound %d kB)"
                   % (max_output, peak - base, rss_bound_kib))
        eq(c.call("COUNT", "kalimat"), 1, "daemon still answers")
        check("max-output" in d.log(),
              "no log line about the dropped client:\n" + d.log()[-800:])
        c.close()
    finally:
        finish(s, d)


@suite.test
def output_cap_drops_a_non_reader(s):
    # 3000 GETs of 64 kB (~190 MB of replies asked for); RSS < +200 MB.
    non_reader(s, 64000, 3000, 200 * 1024)


@suite.test
def output_memory_bounded_with_big_replies(s):
    # 1100 GETs of a 1 MB article, --max-output 4 MiB: RSS < +200 MB.
    non_reader(s, 1000000, 1100, 200 * 1024, 4 << 20)


@suite.test
def pre_auth_limits(s):
    d = sub_daemon(s, ["--requirepass", "sandi-uji"])
    noauth = b"-NOAUTH Authentication required."
    try:
        c = d.connect()
        c.send(harness.Client.encode("DEL", *["a"] * 9))
        eq(c.line(), noauth, "10 arguments before AUTH")
        c.send(b"DEL a b c d e f g h i\r\n")
        eq(c.line(), noauth, "10 inline arguments before AUTH")
        c.send(harness.Client.encode("ECHO", b"k" * 16384))
        eq(c.line(), noauth, "16 KiB argument before AUTH")
        c.send(b"ECHO " + b"k" * (16384 - 5) + b"\r\n")
        eq(c.line(), noauth, "16 KiB line before AUTH")
        eq(c.call("PING"), harness.ReplyError(noauth[1:].decode()),
           "still connected: PING before AUTH")
        c.close()
        for data, want, what in (
                (harness.Client.encode("DEL", *["a"] * 10),
                 b"-ERR Protocol error: invalid multibulk length",
                 "11 arguments before AUTH"),
                (b"*11\r\n", b"-ERR Protocol error: invalid multibulk length",
                 "*11 announced before AUTH"),
                (harness.Client.encode("ECHO", b"k" * 16385),
                 b"-ERR Protocol error: invalid bulk length",
                 "16 KiB + 1 argument before AUTH"),
                (b"ECHO " + b"k" * (16384 - 4) + b"\r\n",
                 b"-ERR Protocol error: too big inline request",
                 "16 KiB + 1 line before AUTH")):
            c = d.connect()
            c.send(data)
            protocol_close(c, want, what)
        c = d.connect()
        c.send(b"DEL a b c d e f g h i j\r\n")
        line = c.line()
        check(line.startswith(b"-ERR Protocol error: too many arguments"),
              "11 inline arguments before AUTH: %r" % line)
        check(c.closed_by_server(), "11 inline arguments: left open")
        c.close()
        # After AUTH the normal limits apply.
        c = d.connect()
        eq(c.call("AUTH", "sandi-uji"), "OK", "AUTH")
        eq(c.call("DEL", *["a"] * 20), 0, "21 arguments after AUTH")
        big = b"k" * 20000
        eq(c.call("ECHO", big), big, "20 kB argument after AUTH")
        c.close()
    finally:
        finish(s, d)


if __name__ == "__main__":
    harness.main(suite)
