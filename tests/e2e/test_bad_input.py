#!/usr/bin/env python3
"""test_bad_input.py - hostile and clumsy input over raw sockets.

Command errors must be replies on a connection that stays usable; framing
errors must be the documented -ERR Protocol error, then a close.  Binary
junk must not crash the daemon, and articles stored before must survive.
"""
import socket
import time

import harness
from harness import check, eq

suite = harness.Suite("bad_input")
KEEP = {"title": b"Jembatan gantung diperbaiki",
        "body": b"Warga bergotong royong mengganti papan jembatan yang lapuk.",
        "date": b"2024-04-01"}


def raw(s, data, timeout=5):
    """A fresh connection that sent data; returns the client."""
    c = s.daemon.connect(timeout=timeout)
    c.send(data)
    return c


def still_alive(s, c):
    eq(c.call("PING"), "PONG", "PING on the same connection")


def protocol_error(s, data, want):
    c = raw(s, data)
    line = c.line()
    eq(line, want, "reply to %r" % data[:40])
    check(c.closed_by_server(), "connection left open after %r" % want)
    c.close()


@suite.test
def store_an_article_first(s):
    c = s.daemon.connect()
    eq(c.call("PUT", "tetap", "title", KEEP["title"], "body", KEEP["body"],
              "date", KEEP["date"]), "OK", "PUT")
    c.close()


@suite.test
def command_errors_keep_the_connection(s):
    c = s.daemon.connect()
    cases = [
        (b"FOO bar", b"-ERR unknown command 'FOO'"),
        (b"GET", b"-ERR wrong number of arguments for 'get' command"),
        (b"PUT x", b"-ERR wrong number of arguments for 'put' command"),
        (b"PUT x warna merah",
         b"-ERR unknown field 'warna' (expected title, body, source, url, "
         b"date, place or author)"),
        (b"PUT x date 2024-13-01",
         b"-ERR invalid date '2024-13-01' (expected YYYY-MM-DD)"),
        (b"PUT x date 24-01-01",
         b"-ERR invalid date '24-01-01' (expected YYYY-MM-DD)"),
        (b"PUT x date 2023-02-29",
         b"-ERR invalid date '2023-02-29' (expected YYYY-MM-DD)"),
        (b"SEARCH harga LIMIT 0 1001", b"-ERR LIMIT count must be 0..1000"),
        (b"SEARCH harga LIMIT -1 10", b"-ERR LIMIT offset must be 0..100000"),
        (b"SEARCH harga SORT acak",
         b"-ERR SORT must be relevance, newest or oldest"),
        (b"SEARCH \"  \"", b"-ERR empty query"),
    ]
    for req, want in cases:
        c.send(req + b"\r\n")
        eq(c.line(), want, "reply to %r" % req)
    # Long id and long query: errors, not crashes.
    r = c.call("PUT", "i" * 257, "title", "x")
    eq(r, harness.ReplyError("ERR id too long (max 256 bytes)"), "257-byte id")
    r = c.call("SEARCH", "kata " * 1000)
    eq(r, harness.ReplyError("ERR query too long (max 4096 bytes)"),
       "5000-byte query")
    still_alive(s, c)
    c.close()


@suite.test
def too_long_inline_line(s):
    protocol_error(s, b"a" * 70000,
                   b"-ERR Protocol error: too big inline request")


@suite.test
def bad_bulk_length(s):
    protocol_error(s, b"*1\r\n$abc\r\n",
                   b"-ERR Protocol error: invalid bulk length")
    protocol_error(s, b"*2\r\n$6\r\nSEARCH\r\n$1000000000\r\n",
                   b"-ERR Protocol error: invalid bulk length")


@suite.test
def bad_multibulk_length(s):
    protocol_error(s, b"*x\r\n",
                   b"-ERR Protocol error: invalid multibulk length")
    protocol_error(s, b"*3000000000\r\n",
                   b"-ERR Protocol error: invalid multibulk length")


@suite.test
def unbalanced_quotes(s):
    protocol_error(s, b'SEARCH "harga\r\n',
                   b"-ERR Protocol error: unbalanced quotes in request")


@suite.test
def binary_values_round_trip(s):
    c = s.daemon.connect()
    title = b"Judul \x00 dengan NUL \xff\xfe \xc3\x28 \xed\xa0\x80 akhir"
    body = b"\x00\x01\x02 isi \xf0\x28\x8c\x28 biner " + bytes(range(256))
    eq(c.call("PUT", b"bin\x00\xff", "title", title, "body", body), "OK",
       "PUT with NULs and invalid UTF-8")
    eq(harness.field_pairs(c.call("GET", b"bin\x00\xff")),
       {"title": title, "body": body}, "GET returns the exact bytes")
    for q in (b"\x00", b"isi\x00biner", b"\xff\xfe", b"\xc3\x28 akhir",
              b"biner \xf0\x28\x8c\x28", b"\x00" * 100):
        for cmd in ("SEARCH", "COUNT"):
            r = c.call(cmd, q, "SNIPPET") if cmd == "SEARCH" \
                else c.call(cmd, q)
            check(isinstance(r, (list, int, harness.ReplyError)),
                  "%s %r: %r" % (cmd, q, r))
    r = c.call("SEARCH", "biner", "SNIPPET", "\x00", "\xff")
    check(isinstance(r, list) and r[0] >= 1, "SEARCH biner: %r" % (r,))
    # Inline requests with junk bytes get a reply too.
    c.send(b"ECHO \xff\xfe\x01\r\n")
    eq(c.read(), b"\xff\xfe\x01", "inline ECHO of junk bytes")
    c.send(b"SEARCH \x00\x00\xff\r\n")
    r = c.read()
    check(isinstance(r, (list, harness.ReplyError)),
          "inline SEARCH of junk: %r" % (r,))
    still_alive(s, c)
    c.close()


@suite.test
def one_byte_writes(s):
    c = s.daemon.connect()
    req = (harness.Client.encode("PUT", "satu-satu", "title",
                                 "Dikirim sebait demi sebait", "body",
                                 "Setiap bita tiba sendirian.")
           + b"PING\r\n" + b"ECHO \"a b\"\n")
    for i in range(len(req)):
        c.send(req[i:i + 1])
        if i % 16 == 0:
            time.sleep(0.001)
    eq(c.read(), "OK", "PUT sent byte by byte")
    eq(c.read(), "PONG", "inline PING sent byte by byte")
    eq(c.read(), b"a b", "ECHO with a bare LF")
    r = c.call("GET", "satu-satu")
    check(isinstance(r, list) and b"Dikirim sebait demi sebait" in r,
          "GET satu-satu: %r" % (r,))
    c.close()


@suite.test
def bytes_after_quit_are_ignored(s):
    c = raw(s, b"PING\r\nQUIT\r\nPING\r\nFOO\r\n")
    eq(c.line(), b"+PONG", "before QUIT")
    eq(c.line(), b"+OK", "QUIT")
    check(c.closed_by_server(), "connection open (or more replies) after "
          "QUIT")
    c.close()


@suite.test
def abrupt_disconnects(s):
    # A client that vanishes mid-request or before reading its replies.
    for data in (b"*3\r\n$3\r\nPUT\r\n$2\r\nab", b"SEARCH harga" * 10,
                 b"PING\r\n" * 2000):
        c = raw(s, data)
        c.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                          b"\x01\x00\x00\x00\x00\x00\x00\x00")
        c.close()
    time.sleep(0.2)


@suite.test
def optional_plugin_commands(s):
    # mem has no analyzer, optimizer or backup: errors, not crashes.
    c = s.daemon.connect()
    for cmd in (("ANALYZE", "Pasar-pasar \xff"), ("OPTIMIZE",),
                ("BACKUP", "uji-rusak")):
        r = c.call(*cmd)
        if s.plugin == "mem":
            check(isinstance(r, harness.ReplyError),
                  "%s with mem: %r" % (cmd[0], r))
        else:
            check(not isinstance(r, harness.ReplyError),
                  "%s with %s: %r" % (cmd[0], s.plugin, r))
    still_alive(s, c)
    c.close()


@suite.test
def daemon_still_fine(s):
    c = s.daemon.connect()
    still_alive(s, c)
    eq(harness.field_pairs(c.call("GET", "tetap")), KEEP,
       "article stored before the abuse")
    r = c.call("SEARCH", "jembatan", "RETURN", "0")
    check(isinstance(r, list) and r[0] == 1 and r[1][0] == b"tetap",
          "SEARCH jembatan: %r" % (r,))
    c.close()


if __name__ == "__main__":
    harness.main(suite)
