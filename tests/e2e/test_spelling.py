#!/usr/bin/env python3
"""test_spelling.py - misspelled query words (PROTOCOL.md, Misspellings),
fts5 only, through redis-py (a real client at its defaults) and raw RESP:
a one-word typo finds the articles of the word meant, FUZZY show says what
was corrected (after the total, before COUNTS), FUZZY off searches as
typed, an article holding the typed word ranks above those holding only
the fix, a correct rare word and a quoted word are not corrected, COUNT
agrees, snippets mark the fix, and the same after OPTIMIZE (the
vocabulary then comes from spell_words); a long word with two edits is
corrected (shown with FUZZY show, not with FUZZY off) once the writer has
written the long words it learnt, and a word first put after OPTIMIZE is
offered as a fix.  The sentences are the test's own."""
import time

import harness
from harness import ReplyError, check, eq

suite = harness.Suite("spelling")
redis = harness.import_redis()

ARTICLES = [
    ("p1", "Presiden meresmikan bendungan baru",
     "Presiden meresmikan bendungan di Jawa Tengah pagi ini."),
    ("p2", "Kunjungan kerja ke Papua",
     "Presiden meninjau pasar dan berbincang dengan pedagang."),
    ("p3", "Banjir rendam permukiman",
     "Presiden meminta bantuan segera dikirim ke korban banjir."),
    # the typo itself in one article, in its body only
    ("typo", "Sidang ditunda pekan depan",
     "Penuntut dari kejaksan negeri membacakan tuntutan."),
    # a rare word (gabah, once) beside a word in 5 articles (gajah)
    ("gb", "Harga gabah petani",
     "Harga gabah kering panen turun di tingkat petani."),
]
ARTICLES += [("k%d" % i, "Kejaksaan periksa saksi ke-%d" % i,
              "Penyidik kejaksaan memeriksa saksi nomor %d dalam kasus "
              "korupsi dana desa." % i) for i in range(22)]
ARTICLES += [("t%d" % i, "Tim tuan rumah bertanding lagi",
              "Pertandingan babak ke-%d berlangsung ketat sampai akhir." % i)
             for i in range(4)]
ARTICLES += [("g%d" % i, "Gajah liar di Lampung",
              "Seekor gajah liar masuk kebun warga, hari ke-%d." % i)
             for i in range(5)]


def client(s):
    return redis.Redis(host=s.daemon.host, port=s.daemon.port,
                       socket_timeout=10)


def ids(reply, skip=1):
    return [hit[0].decode() for hit in reply[skip:]]


@suite.test
def feed(s):
    r = client(s)
    for aid, title, body in ARTICLES:
        eq(r.execute_command("PUT", aid, "title", title, "body", body), b"OK",
           "PUT " + aid)


def corrected(s, when):
    r = client(s)
    got = r.execute_command("SEARCH", "presidn", "RETURN", "0")
    eq(got[0], 3, when + ": presidn finds the 3 presiden articles")
    eq(sorted(ids(got)), ["p1", "p2", "p3"], when + ": which")
    got = r.execute_command("SEARCH", "presidn", "FUZZY", "show", "RETURN",
                            "0")
    eq(got[1], [b"presidn", b"presiden"], when + ": FUZZY show says so")
    eq(len(got), 5, when + ": total, corrections, 3 hits")
    got = r.execute_command("SEARCH", "kejaksan", "FUZZY", "show", "RETURN",
                            "0", "LIMIT", "0", "30")
    eq(got[0], 23, when + ": kejaksan also finds kejaksaan")
    eq(got[1], [b"kejaksan", b"kejaksaan"], when + ": the fix")
    eq(ids(got, 2)[0], "typo",
       when + ": the article with the word as typed first, although the "
       "others hold the fix in their titles")
    eq(r.execute_command("COUNT", "presidn"), 3, when + ": COUNT agrees")


@suite.test
def one_word(s):
    corrected(s, "before OPTIMIZE")


@suite.test
def as_typed(s):
    r = client(s)
    eq(r.execute_command("SEARCH", "presidn", "FUZZY", "off"), [0],
       "FUZZY off: nothing")
    eq(r.execute_command("COUNT", "presidn", "FUZZY", "off"), 0,
       "COUNT FUZZY off: 0")
    got = r.execute_command("SEARCH", '"presidn"', "FUZZY", "show")
    eq(got, [0, []], "a quoted word is not corrected")
    got = r.execute_command("SEARCH", "gabah", "FUZZY", "show", "RETURN", "0")
    eq(got[:2], [1, []], "a correct rare word is not corrected "
       "(gajah: 5 articles, under 20 times gabah's 1)")
    eq(ids(got, 2), ["gb"], "and finds its article")
    got = r.execute_command("SEARCH", "presiden", "FUZZY", "show", "RETURN",
                            "0")
    eq(got[:2], [3, []], "a word the index holds: nothing to say")
    got = r.execute_command("SEARCH", "kejaksan banjir", "FUZZY", "show",
                            "RETURN", "0")
    eq(got[:2], [2, []], "among other words, a word one article holds is "
       "searched as typed")


@suite.test
def reply_shape(s):
    r = client(s)
    got = r.execute_command("SEARCH", "presidn banjir", "FUZZY", "show",
                            "COUNTS", "source", "RETURN", "0", "LIMIT", "0",
                            "1")
    eq(got[0], 3, "best match: any of presiden, banjir")
    eq(got[1], [b"presidn", b"presiden"], "corrections after the total")
    eq(got[2], [], "then COUNTS (no sources here)")
    eq(ids(got, 3), ["p3"], "then the hits: both words first")
    got = r.execute_command("SEARCH", "presidn", "SNIPPET", "<", ">",
                            "RETURN", "0", "LIMIT", "0", "1")
    check(b"<Presiden>" in got[1][3], "the snippet marks the fix: %r" %
          (got[1][3],))
    c = s.daemon.connect()
    eq(c.call("COUNT", "presidn", "FUZZY", "show"),
       ReplyError("ERR FUZZY must be on or off"), "COUNT has no show")
    eq(c.call("SEARCH", "presidn", "FUZZY", "maybe"),
       ReplyError("ERR FUZZY must be on, off or show"), "a bad value")


def eventually(r, args, want, seconds=20):
    """The reply to args once it is want: the writer writes what it learnt
    when idle, and a reader reads it again at most every 10 s
    (PROTOCOL.md, Misspellings)."""
    deadline = time.monotonic() + seconds
    while True:
        got = r.execute_command(*args)
        if got == want or time.monotonic() > deadline:
            return got
        time.sleep(0.25)


@suite.test
def two_edits(s):
    r = client(s)
    args = ("SEARCH", "prtandinagn", "FUZZY", "show", "LIMIT", "0", "0")
    eq(eventually(r, args, [4, [b"prtandinagn", b"pertandingan"]]),
       [4, [b"prtandinagn", b"pertandingan"]],
       "prtandinagn (a letter left out, two swapped): pertandingan")
    got = r.execute_command("SEARCH", "prtandinagn", "RETURN", "0")
    eq(sorted(ids(got)), ["t0", "t1", "t2", "t3"], "its articles")
    eq(r.execute_command("SEARCH", "prtandinagn", "FUZZY", "off"), [0],
       "FUZZY off: nothing")
    eq(r.execute_command("SEARCH", "brtandig", "FUZZY", "show", "LIMIT", "0",
                         "0"), [0, []],
       "8 letters (two edits from bertanding): not corrected")


@suite.test
def optimized(s):
    eq(client(s).execute_command("OPTIMIZE"), b"OK", "OPTIMIZE")
    corrected(s, "after OPTIMIZE")


@suite.test
def learnt_after_optimize(s):
    r = client(s)
    eq(r.execute_command("SEARCH", "kesebelsan", "FUZZY", "show", "LIMIT",
                         "0", "0"), [0, []], "no such word yet")
    for aid, title, body in (
            ("s1", "Kesebelasan muda juara",
             "Kesebelasan muda itu menang di final."),
            ("s2", "Kesebelasan tamu kalah",
             "Pelatih kesebelasan tamu kecewa.")):
        eq(r.execute_command("PUT", aid, "title", title, "body", body),
           b"OK", "PUT " + aid)
    args = ("SEARCH", "kesebelsan", "FUZZY", "show", "LIMIT", "0", "0")
    eq(eventually(r, args, [2, [b"kesebelsan", b"kesebelasan"]]),
       [2, [b"kesebelsan", b"kesebelasan"]],
       "a word first put after OPTIMIZE is offered as a fix")


if __name__ == "__main__":
    raise SystemExit(suite.run())
