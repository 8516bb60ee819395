#!/usr/bin/env python3
"""test_stemming.py - the reason carid exists, end to end: an article and
a query that use differently affixed forms of the same roots find each
other through the real daemon and the FTS5 plugin's Indonesian stemmer.
The sentences are the test's own."""
import harness
from harness import check, eq

suite = harness.Suite("stemming")

ARTICLES = {
    "kirim-1": ("Pemerintah menunda pengiriman persenjataan",
                "Kementerian menyatakan pengiriman persenjataan ke wilayah "
                "perbatasan ditunda sampai bulan depan."),
    "kirim-2": ("Pabrik mengirimkan senjata baru",
                "Pabrik itu mengirimkan senjata ringan kepada kepolisian."),
    "pasar-1": ("Harga cabai di pasar turun",
                "Para pedagang mengeluhkan penjualan yang menurun."),
}


def put_all(c):
    for aid, (title, body) in ARTICLES.items():
        eq(c.call("PUT", aid, "title", title, "body", body), "OK", "PUT " + aid)


def ids(reply):
    return sorted(hit[0].decode() for hit in reply[1:])


@suite.test
def affixed_query_finds_root_forms(s):
    c = s.daemon.connect()
    put_all(c)
    r = c.call("SEARCH", "kirim senjata")
    eq(r[0], 2, "total for 'kirim senjata'")
    eq(ids(r), ["kirim-1", "kirim-2"], "hits for 'kirim senjata'")


@suite.test
def document_forms_find_each_other(s):
    c = s.daemon.connect()
    # meN-...-kan in the query, peN-...-an and per-...-an in the article.
    r = c.call("SEARCH", "mengirimkan persenjataan")
    eq(ids(r), ["kirim-1", "kirim-2"], "hits for 'mengirimkan persenjataan'")
    r = c.call("SEARCH", "menjual")
    eq(ids(r), ["pasar-1"], "'menjual' finds 'penjualan'")
    eq(c.call("COUNT", "turunnya"), 1, "'turunnya' finds 'turun'")


@suite.test
def unrelated_word_finds_nothing(s):
    c = s.daemon.connect()
    eq(c.call("COUNT", "gempa"), 0, "no article about an earthquake")


@suite.test
def analyze_shows_stems(s):
    c = s.daemon.connect()
    r = c.call("ANALYZE", "pengiriman")
    eq(len(r), 1, "one token")
    eq(r[0][1], b"kirim", "stem of 'pengiriman'")
    check(r[0][2] == 0 and r[0][3] == len("pengiriman"), "offsets %r" % r)


if __name__ == "__main__":
    harness.main(suite)
