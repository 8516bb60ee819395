#!/usr/bin/env python3
"""test_hostile.py - a table of malformed and hostile requests.

Each row is sent on a fresh raw connection and has one expected outcome:
exact replies (then the connection must still be in step: an ECHO sent
after them comes back as the very next reply), a protocol error followed
by a close, or a close with no reply at all (HTTP).  Then SQL and FTS5
query syntax goes into every argument of SEARCH/COUNT/PUT/GET/DEL, a
request is dribbled one byte per TCP write, and 10,000 commands go in one
write.  Afterwards the daemon must answer PING and still hold every
article stored at the start.
"""
import random
import re
import socket
import threading
import time

import harness
from harness import ReplyError, check, eq

suite = harness.Suite("hostile")

ARTICLES = {
    "awal-1": {"title": b"Harga beras turun di pasar induk",
               "body": b"Pedagang beras di pasar induk mencatat harga turun "
                       b"setelah panen raya di beberapa kabupaten.",
               "source": b"uji", "date": b"2024-05-02"},
    "awal-2": {"title": b"Nelayan kembali melaut",
               "body": b"Cuaca cerah membuat para nelayan kembali melaut "
                       b"sejak subuh dan membawa pulang ikan tongkol.",
               "source": b"uji", "date": b"2024-05-03"},
    "awal-3": {"title": b"Sekolah dibuka lagi setelah banjir",
               "body": b"Murid kembali belajar setelah air surut dan ruang "
                       b"kelas dibersihkan oleh warga dan guru.",
               "source": b"lain", "date": b"2024-05-04"},
}


def err(text):
    return ReplyError(text)


def a_list(r):
    return isinstance(r, list)


def an_int(r):
    return isinstance(r, int)


def list_or_empty(r):
    """Invalid bytes alone may tokenize to nothing: no hits or empty."""
    return a_list(r) or r == err("ERR empty query")


class Close:
    """Protocol error reply, then the server closes."""

    def __init__(self, line):
        self.line = line


SILENT = "silent close"      # closed with no reply at all
PERR = b"-ERR Protocol error: "
MB = 1 << 20
rng = random.Random(6)
noise_hi = bytes(rng.randrange(0x80, 0x100) for _ in range(3000))
noise_any = bytes(rng.randrange(256) for _ in range(100000)).replace(
    b"\n", b"n")
noise_star = b"*\xff" + bytes(rng.randrange(256) for _ in range(4000))
UTF8_BAD = (b"\xff\xfe", b"\xc3\x28", b"\xed\xa0\x80", b"\xf0\x28\x8c\x28",
            b"\x80", b"\xc0\xaf")
ENC = harness.Client.encode

# (name, data, expected).  data is bytes, or a tuple of chunks sent 0.2 s
# apart (nothing may come back before the last); expected is a list of
# replies (values, or predicates on the parsed reply), a Close, or SILENT.
TABLE = [
    ("high-bit garbage line", noise_hi + b"\r\n",
     [err("ERR unknown command '%s'" % ("?" * 40))]),
    ("lone NUL line", b"\x00\r\n", [err("ERR unknown command '?'")]),
    ("NULs before a command", b"\x00\x00\x00PING\r\n",
     [err("ERR unknown command '???PING'")]),
    ("NUL after a command name", b"PING\x00\r\n",
     [err("ERR unknown command 'PING?'")]),
    ("UTF-8 BOM before PING", b"\xef\xbb\xbfPING\r\n",
     [err("ERR unknown command '???PING'")]),
    ("terminal escape in a name", b"FOO\x1b[31m\r\n",
     [err("ERR unknown command 'FOO?[31m'")]),
    ("1000-byte command name", b"X" * 1000 + b"\r\n",
     [err("ERR unknown command '%s'" % ("X" * 40))]),
    ("empty command name", ENC(b""), [err("ERR unknown command ''")]),
    ("NUL inside an inline argument", b"ECHO a\x00b\r\n", [b"a\x00b"]),
    ("NUL inside a bulk argument", ENC("ECHO", b"a\x00b"), [b"a\x00b"]),
    ("bulk of NULs only", ENC("ECHO", b"\x00" * 1000), [b"\x00" * 1000]),
    ("quoted hex escapes", b'ECHO "\\x00\\xffA\\r\\n"\r\n',
     [b"\x00\xffA\r\n"]),
    ("tab as separator", b"ECHO\thalo\r\n", [b"halo"]),
    ("empty bulk argument", ENC("ECHO", b""), [b""]),
    ("blank lines are ignored", b"\r\n\n   \t \r\nPING\r\n", ["PONG"]),
    ("CR inside an inline line splits it", b"ECHO a\rb\r\n",
     [err("ERR wrong number of arguments for 'echo' command")]),
    ("CR without LF waits for the LF", (b"PING\r", b"\n"), ["PONG"]),
    ("bulk split before its CRLF", (ENC("ECHO", "pisah")[:-2], b"\r\n"),
     [b"pisah"]),
    ("invalid UTF-8 in every PUT argument, then GET",
     ENC("PUT", b"\xff\xfe", "title", UTF8_BAD[1], "body", UTF8_BAD[2],
         "source", UTF8_BAD[3], "url", UTF8_BAD[4])
     + ENC("GET", b"\xff\xfe"),
     ["OK", [b"title", UTF8_BAD[1], b"body", UTF8_BAD[2], b"source",
             UTF8_BAD[3], b"url", UTF8_BAD[4]]]),
    ("invalid UTF-8 as a date", ENC("PUT", "x", "date", b"\xff"),
     [err("ERR invalid date '\udcff' (expected YYYY-MM-DD)")]),
    ("invalid UTF-8 as a field name", ENC("PUT", "x", b"\xc0\xaf", "y"),
     [err("ERR unknown field '\udcc0\udcaf' (expected title, body, "
          "source, url, date, place or author)")]),
    ("invalid UTF-8 in every SEARCH argument",
     ENC("SEARCH", b"\xc3\x28", "SOURCE", b"\xff", "SNIPPET", b"\xfe",
         b"\x80"),
     # fts5 drops the invalid byte and reads "(" (0x28) as a parenthesis
     [{"fts5": err("ERR query error at 1: unbalanced parenthesis"),
       "mem": list_or_empty}]),
    ("invalid UTF-8 beside a real word",
     ENC("SEARCH", b"beras \xff\xfe", "SOURCE", "uji", "RETURN", "0",
         "SNIPPET", b"\xfe", b"\x80"),
     # fts5 drops bytes that are not UTF-8; mem keeps them as a word.
     [{"fts5": lambda r: a_list(r) and r[0] == 1 and r[1][0] == b"awal-1",
       "mem": lambda r: r == [0]}]),
    ("invalid UTF-8 SEARCH SORT", ENC("SEARCH", "harga", "SORT", b"\xff"),
     [err("ERR SORT must be relevance, newest or oldest")]),
    ("invalid UTF-8 SEARCH LIMIT", ENC("SEARCH", "harga", "LIMIT", b"\xff",
                                       b"\xfe"),
     [err("ERR LIMIT offset must be 0..100000")]),
    ("invalid UTF-8 SEARCH FROM", ENC("SEARCH", "harga", "FROM", b"\xff"),
     [err("ERR FROM needs a date YYYY-MM-DD")]),
    ("invalid UTF-8 COUNT", ENC("COUNT", UTF8_BAD[2]),
     [lambda r: an_int(r) or r == err("ERR empty query")]),
    ("invalid UTF-8 GET", ENC("GET", b"\xff\xfe\x00"), [None]),
    ("invalid UTF-8 DEL", ENC("DEL", b"\xc0\xaf", b"\x80"), [0]),
    ("invalid UTF-8 ANALYZE", ENC("ANALYZE", b"\xff\xfe \xc3\x28"),
     ["analyze"]),
    ("CRLF inside an echoed bad date",
     ENC("PUT", "x", "date", b"a\r\n+OK\r\n:1"),
     [err("ERR invalid date 'a??+OK??:1' (expected YYYY-MM-DD)")]),
    ("CRLF inside an echoed field name", ENC("PUT", "x", b"f\r\n$1", "y"),
     [err("ERR unknown field 'f??$1' (expected title, body, source, url, "
          "date, place or author)")]),
    ("CRLF inside an echoed RETURN field",
     ENC("SEARCH", "harga", "RETURN", "1", b"ti\r\n-tle"),
     [err("ERR RETURN: unknown field 'ti??-tle'")]),
    ("SQL injection as a query", b"SEARCH \"'; DROP TABLE docs; --\"\r\n",
     [a_list]),
    ("SQL tautology as a COUNT query", b"COUNT '\" OR 1=1'\r\n", [an_int]),
    ("FTS5 column filter and NEAR as options",
     b"SEARCH title:x NEAR(a b) a*\r\n",
     [err("ERR unknown option 'NEAR(a'")]),
    ("4000 open parentheses", ENC("SEARCH", "(" * 4000),
     [{"fts5": err("ERR query error at 32: nesting deeper than 32"),
       "mem": err("ERR empty query")}]),
    ("40 nested groups around a word",
     ENC("SEARCH", "(" * 40 + "beras" + ")" * 40),
     [{"fts5": err("ERR query error at 32: nesting deeper than 32"),
       "mem": lambda r: a_list(r) and r[0] == 1}]),
    ("32 nested groups around a word",
     ENC("SEARCH", "(" * 32 + "beras" + ")" * 32, "RETURN", "0"),
     [lambda r: a_list(r) and r[0] == 1 and r[1][0] == b"awal-1"]),
    ("unterminated double quote", b'SEARCH "harga\r\n',
     Close(PERR + b"unbalanced quotes in request")),
    ("unterminated single quote", b"SEARCH 'harga\r\n",
     Close(PERR + b"unbalanced quotes in request")),
    ("text glued after a closing quote", b'ECHO "a"b\r\n',
     Close(PERR + b"unbalanced quotes in request")),
    ("negative bulk length", b"*1\r\n$-5\r\n",
     Close(PERR + b"invalid bulk length")),
    ("nil bulk in a request", b"*2\r\n$4\r\nECHO\r\n$-1\r\n",
     Close(PERR + b"invalid bulk length")),
    ("20-digit bulk length", b"*1\r\n$99999999999999999999\r\n",
     Close(PERR + b"invalid bulk length")),
    ("bulk length not a number", b"*1\r\n$4abc\r\n",
     Close(PERR + b"invalid bulk length")),
    ("empty bulk length", b"*1\r\n$\r\n", Close(PERR + b"invalid bulk length")),
    ("negative multibulk length", b"*-5\r\n",
     Close(PERR + b"invalid multibulk length")),
    ("20-digit multibulk length", b"*99999999999999999999\r\n",
     Close(PERR + b"invalid multibulk length")),
    ("multibulk over --max-args", b"*2000\r\n",
     Close(PERR + b"invalid multibulk length")),
    ("multibulk with LF only", b"*1\n$4\nPING\n",
     Close(PERR + b"invalid multibulk length")),
    ("integer instead of bulk", b"*1\r\n:4\r\n",
     Close(PERR + b"expected '$', got ':'")),
    ("bulk data longer than announced", b"*2\r\n$4\r\nECHO\r\n$3\r\nabcxx",
     Close(PERR + b"bulk data not followed by CRLF")),
    ("bulk ending in CR CR LF", b"*1\r\n$4\r\nPING\r\r\n",
     Close(PERR + b"bulk data not followed by CRLF")),
    ("'*' then random bytes", noise_star,
     Close(PERR + b"invalid multibulk length")),
    ("100 kB of random bytes without LF", b"x" + noise_any,
     Close(PERR + b"too big inline request")),
    ("1 MB line without LF", b"a" * MB, Close(PERR + b"too big inline "
                                                b"request")),
    ("1 MB line with LF", b"SEARCH " + b"a" * MB + b"\r\n",
     Close(PERR + b"too big inline request")),
    ("1 MB bulk is fine", ENC("ECHO", b"b" * MB), [b"b" * MB]),
    ("HTTP GET", b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", SILENT),
    ("HTTP GET, 1.0, a path", b"GET /index.html HTTP/1.0\r\n", SILENT),
    ("HTTP POST", b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n"
     b"\r\nPING", SILENT),
    ("lower-case post", b"post /x HTTP/1.1\r\n", SILENT),
    ("Host: header alone", b"Host: x\r\n", SILENT),
    ("HTTP GET as multibulk", ENC("GET", "/", "HTTP/1.1"), SILENT),
]


def matches(got, want, plugin):
    if isinstance(want, dict):
        want = want.get(plugin, a_list)
    if want == "analyze":   # mem has no analyzer
        return a_list(got) if plugin == "fts5" else \
            isinstance(got, ReplyError)
    if callable(want) and not isinstance(want, (bytes, str)):
        return want(got)
    if isinstance(want, ReplyError) and isinstance(got, ReplyError):
        # error texts may carry raw bytes; compare them as bytes
        return str(got) == str(want).encode(
            "utf-8", "surrogateescape").decode("utf-8", "replace")
    return got == want


def send_chunks(c, data):
    if isinstance(data, bytes):
        c.send(data)
        return
    for i, chunk in enumerate(data):
        c.send(chunk)
        if i < len(data) - 1:
            check(not c_has_data(c, 0.2),
                  "reply before the request was complete")


def c_has_data(c, timeout):
    c.sock.settimeout(timeout)
    try:
        chunk = c.sock.recv(65536)
    except socket.timeout:
        return False
    finally:
        c.sock.settimeout(10)
    c.buf += chunk
    return True


def run_row(s, name, data, want):
    c = s.daemon.connect()
    try:
        send_chunks(c, data)
        if want is SILENT:
            c.sock.settimeout(3)
            got = b""
            try:
                while True:
                    chunk = c.sock.recv(65536)
                    if not chunk:
                        break
                    got += chunk
            except ConnectionResetError:
                pass
            except socket.timeout:
                raise AssertionError("not closed (got %r)" % got[:80])
            eq(got, b"", "bytes before the close")
        elif isinstance(want, Close):
            eq(c.line(), want.line, "reply")
            check(c.closed_by_server(), "connection still open")
        else:
            for i, w in enumerate(want):
                got = c.read()
                r = repr(got)
                check(matches(got, w, s.plugin), "reply %d: got %s"
                      % (i + 1, r[:200]))
            marker = "penanda-%d" % rng.randrange(1 << 30)
            eq(c.call("ECHO", marker), marker.encode(),
               "next reply (in step?)")
            check(c.buf == b"", "extra bytes: %r" % c.buf[:80])
    finally:
        c.close()


@suite.test
def store_articles(s):
    c = s.daemon.connect()
    for aid, fields in ARTICLES.items():
        args = [x for k, v in fields.items() for x in (k, v)]
        eq(c.call("PUT", aid, *args), "OK", "PUT %s" % aid)
    c.close()


@suite.test
def hostile_table(s):
    check(len(TABLE) >= 40, "table has %d rows" % len(TABLE))
    bad = 0
    for name, data, want in TABLE:
        try:
            run_row(s, name, data, want)
        except Exception as e:  # collect every failing row
            bad += 1
            s.fail("%s: %s: %s" % (name, type(e).__name__, e))
        if not s.daemon.alive():
            s.fail("daemon died after %r" % name)
            return
    s.say("    %d rows, %d failed" % (len(TABLE), bad))


# Query-language and SQL text, put into every argument.
NASTY = [
    "'; DROP TABLE docs; --", '" OR 1=1', "x' OR '1'='1", "1=1; --",
    "title:x", "body:beras AND", "title:", "{title body}: beras",
    "NEAR(a b)", "NEAR(beras, -1)", "beras NEAR/2 harga", "a*", "*", '"',
    "'", "(", ")", ") OR (", "(((((beras)))))", "^", "beras^2",
    "AND OR NOT", "NOT beras", "beras OR", "-beras", "+beras", "{}", ":",
    "-", "\\", "%", "_", "a:b:c", "c++", "korea.utara", "it's",
    "rowid=1", "fts MATCH 'x'", "\x00", "beras\x00harga",
]
LEAKS = ("fts5", "sqlite", "no such", "syntax error", "sql", "malformed")


def has_word(x):
    return any(ch.isalnum() for ch in x)


# The FTS5 plugin's query language (PROTOCOL.md) refuses these, with the
# byte offset of the problem; every other NASTY query with a word in it
# must find the article holding that very text.  mem reads plain words.
FTS5_ERRORS = {
    # a trailing AND is reported at the end of the query, a trailing OR
    # at the OR: either offset will do here
    "body:beras AND": re.compile(r"ERR query error at (11|14): AND needs a "
                                 r"term on each side"),
    "title:": "ERR query error at 0: title: needs a term right after the "
              "colon",
    "NEAR(beras, -1)": "ERR query error at 10: NEAR( ends with , distance "
                       "0..1000)",
    "(": "ERR query error at 0: unbalanced parenthesis",
    ")": "ERR query error at 0: unbalanced parenthesis",
    ") OR (": "ERR query error at 0: unbalanced parenthesis",
    "AND OR NOT": "ERR query error at 0: AND needs a term on each side",
    "NOT beras": "ERR query error at 0: nothing to search for, only to "
                 "exclude",
    "-beras": "ERR query error at 0: nothing to search for, only to exclude",
    "beras OR": "ERR query error at 6: OR needs a term on each side",
    # the expansion cap (PROTOCOL.md): a lone prefix needs 2 bytes
    "a*": "ERR query error at 0: prefix too short (at least 2 bytes before "
          "*)",
}


@suite.test
def query_syntax_in_every_argument(s):
    c = s.daemon.connect()
    problems = []

    def expect(cond, what):
        if not cond:
            problems.append(what)

    def no_leak(r, what):
        if isinstance(r, ReplyError):
            low = str(r).lower()
            expect(not any(w in low for w in LEAKS),
                   "%s: index internals leak: %r" % (what, r))

    for i, x in enumerate(NASTY):
        aid = "jahat-%d" % i
        doc = {"title": x.encode(), "body": (x + " kata uji").encode(),
               "source": x.encode(), "url": x.encode()}
        args = [v for k, val in doc.items() for v in (k, val)]
        # As the id and in every field.
        eq(c.call("PUT", aid, *args), "OK", "PUT %s (%r)" % (aid, x))
        eq(c.call("PUT", x, "title", x, "date", "2024-05-05"), "OK",
           "PUT with id %r" % x)
        eq(harness.field_pairs(c.call("GET", aid)), doc, "GET %s" % aid)
        eq(harness.field_pairs(c.call("GET", x)),
           {"title": x.encode(), "date": b"2024-05-05"}, "GET %r" % x)
    for i, x in enumerate(NASTY):
        aid = ("jahat-%d" % i).encode()
        r = c.call("SEARCH", x, "LIMIT", "0", "1000", "RETURN", "0")
        n = c.call("COUNT", x)
        no_leak(r, "SEARCH %r" % x)
        no_leak(n, "COUNT %r" % x)
        if s.plugin == "fts5" and x in FTS5_ERRORS:
            w = FTS5_ERRORS[x]
            expect(isinstance(r, ReplyError) and n == r and (
                re.fullmatch(w, str(r)) if hasattr(w, "fullmatch")
                else r == err(w)),
                   "SEARCH/COUNT %r: %r %r" % (x, r, n))
        elif has_word(x):
            expect(a_list(r) and any(h[0] == aid for h in r[1:]),
                   "SEARCH %r does not find %s: %r" % (x, aid, r))
            expect(a_list(r) and n == r[0],
                   "COUNT %r = %r, SEARCH total %r" % (x, n, r))
        else:
            expect(r == err("ERR empty query") and n == r,
                   "SEARCH/COUNT %r: %r %r" % (x, r, n))
        r = c.call("SEARCH", "kata uji", "SOURCE", x, "RETURN", "1", "url")
        expect(a_list(r) and r[0] == 1 and r[1][0] == aid
               and r[1][2:] == [b"url", x.encode()],
               "SOURCE %r: %r" % (x, r))
        r = c.call("COUNT", "kata", "SOURCE", x)
        expect(r == 1, "COUNT kata SOURCE %r: %r" % (x, r))
        r = c.call("SEARCH", "kata", "SOURCE", x, "SNIPPET", x, x)
        expect(a_list(r) and r[0] == 1 and r[1][2] == b"snippet",
               "SNIPPET %r: %r" % (x, r))
        for opt, want in (
                (("SORT", x), "ERR SORT must be relevance, newest or oldest"),
                (("LIMIT", x, x), "ERR LIMIT offset must be 0..100000"),
                (("FROM", x), "ERR FROM needs a date YYYY-MM-DD"),
                (("TO", x), "ERR TO needs a date YYYY-MM-DD")):
            r = c.call("SEARCH", "kata", *opt)
            expect(r == err(want), "SEARCH kata %r: %r" % (opt, r))
        r = c.call("SEARCH", "kata", "RETURN", "1", x)
        expect(isinstance(r, ReplyError) and str(r).startswith(
            "ERR RETURN: unknown field"), "RETURN 1 %r: %r" % (x, r))
        r = c.call("PUT", "tgl", "date", x)
        expect(isinstance(r, ReplyError) and str(r).startswith(
            "ERR invalid date"), "PUT date %r: %r" % (x, r))
        r = c.call("PUT", "fld", x, "y")
        expect(isinstance(r, ReplyError) and str(r).startswith(
            "ERR unknown field"), "PUT field %r: %r" % (x, r))
    for i, x in enumerate(NASTY):
        eq(c.call("DEL", "jahat-%d" % i, x), 2, "DEL jahat-%d %r" % (i, x))
        eq(c.call("GET", x), None, "GET %r after DEL" % x)
    eq(c.call("ECHO", "masih-sejalan"), b"masih-sejalan", "in step")
    c.close()
    for p in problems[:30]:
        s.fail(p)
    if len(problems) > 30:
        s.fail("... %d more" % (len(problems) - 30))


@suite.test
def one_byte_tcp_writes(s):
    c = s.daemon.connect()
    req = (ENC("PUT", "tetes", "title", "Dikirim setetes demi setetes",
               "body", "Air hujan menetes dari genteng yang bocor.")
           + b"SEARCH \"setetes\" RETURN 1 title\r\n"
           + b"ECHO 'satu per satu'\n"
           + ENC("GET", "tetes")
           + b"GET / HTTP/1.1\r\n")
    for i in range(len(req)):
        c.send(req[i:i + 1])
        time.sleep(0.0005)
    eq(c.read(), "OK", "PUT")
    r = c.read()
    check(a_list(r) and r[0] == 1 and r[1][0] == b"tetes"
          and r[1][2:] == [b"title", b"Dikirim setetes demi setetes"],
          "SEARCH: %r" % (r,))
    eq(c.read(), b"satu per satu", "ECHO")
    eq(harness.field_pairs(c.read()),
       {"title": b"Dikirim setetes demi setetes",
        "body": b"Air hujan menetes dari genteng yang bocor."}, "GET")
    check(c.closed_by_server(), "HTTP line at the end did not close")
    c.close()


@suite.test
def ten_thousand_in_one_write(s):
    c = s.daemon.connect(timeout=30)
    cmds, want = [], []
    for i in range(10000):
        k = i % 100
        if k == 0:
            cmds.append(ENC("PUT", "pipa-%d" % i, "title",
                            "Pipa nomor %d" % i, "source", "pipa"))
            want.append("OK")
        elif k == 1:
            cmds.append(ENC("GET", "pipa-%d" % (i - 1)))
            want.append([b"title", b"Pipa nomor %d" % (i - 1), b"source",
                         b"pipa"])
        elif k == 2:
            cmds.append(ENC("COUNT", "pipa", "SOURCE", "pipa"))
            want.append(i // 100 + 1)
        elif k == 3:
            cmds.append(b"PING\r\n")
            want.append("PONG")
        elif k == 4:
            cmds.append(b"FOO\r\n")
            want.append(err("ERR unknown command 'FOO'"))
        else:
            cmds.append(ENC("ECHO", str(i)))
            want.append(str(i).encode())
    blob = b"".join(cmds)
    t = threading.Thread(target=c.send, args=(blob,))
    t.start()
    for i, w in enumerate(want):
        got = c.read()
        if got != w:
            t.join()
            raise AssertionError("reply %d: expected %r, got %r"
                                 % (i, w, got))
    t.join()
    eq(c.call("DEL", *["pipa-%d" % i for i in range(0, 10000, 100)]), 100,
       "DEL the pipeline's articles")
    c.close()


@suite.test
def half_request_then_close(s):
    # The client hangs up (write side) mid-request: no reply, a close.
    for data in (b"*3\r\n$4\r\nECHO\r\n", b"*2\r\n$4\r\nECHO\r\n$9\r\nsetengah",
                 b"SEARCH harga"):
        c = s.daemon.connect()
        c.send(data)
        c.sock.shutdown(socket.SHUT_WR)
        check(c.closed_by_server(), "%r then EOF: not closed" % data)
        c.close()


@suite.test
def daemon_still_holds_everything(s):
    c = s.daemon.connect()
    eq(c.call("PING"), "PONG", "PING")
    for aid, fields in ARTICLES.items():
        eq(harness.field_pairs(c.call("GET", aid)), fields, "GET %s" % aid)
    eq(c.call("COUNT", "kembali"), 2, "COUNT kembali")
    eq(c.call("COUNT", "pasar induk", "SOURCE", "uji"), 1, "COUNT pasar")
    r = c.call("SEARCH", "nelayan", "RETURN", "0")
    eq(r[:1] + [h[0] for h in r[1:]], [1, b"awal-2"], "SEARCH nelayan")
    st = harness.stats(c, "commands")
    check(int(st["protocol_errors"]) >= 20, "protocol_errors: %r" % st)
    c.close()


if __name__ == "__main__":
    harness.main(suite)
