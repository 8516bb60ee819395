#!/usr/bin/env python3
"""test_stemming.py - the reason carid exists, end to end: an article and
a query that use differently affixed forms of the same roots find each
other through the real daemon and the FTS5 plugin's Indonesian stemmer.
The sentences are the test's own."""
import os
import shutil
import sqlite3
import tempfile

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


NAMES = {
    "mundur-1": ("Kepala dinas mengundurkan diri",
                 "Kepala dinas pendidikan itu mengundurkan diri setelah "
                 "diperiksa, dan menyerahkan diri kepada polisi."),
    "kota-1": ("Banjir merendam Kediri",
               "Hujan deras sejak sore membuat sungai di Kediri meluap; "
               "warga Kediri mengungsi ke balai desa."),
    "ikan-1": ("Nelayan berikan bantuan",
               "Para nelayan memberikan bantuan beras kepada warga."),
    "ikan-2": ("Harga ikan laut naik",
               "Harga ikan tongkol di pelelangan naik karena cuaca buruk."),
}


@suite.test
def names_stay_names(s):
    # "kediri" is the city, not ke- + "diri" (self); "berikan" is "beri"
    # (give) + -kan, not ber- + "ikan" (fish)
    c = s.daemon.connect()
    for aid, (title, body) in NAMES.items():
        eq(c.call("PUT", aid, "title", title, "body", body), "OK", "PUT " + aid)
    eq(ids(c.call("SEARCH", "kediri")), ["kota-1"], "hits for 'kediri'")
    eq(ids(c.call("SEARCH", "diri")), ["mundur-1"], "hits for 'diri'")
    eq(ids(c.call("SEARCH", "berikan")), ["ikan-1"], "hits for 'berikan'")
    eq(ids(c.call("SEARCH", "ikan")), ["ikan-2"], "hits for 'ikan'")
    r = c.call("ANALYZE", "Kediri")
    eq(r[0][1], b"kediri", "stem of 'Kediri'")


@suite.test
def old_stemmer_version_is_logged(s):
    # the index records the stemmer's data version at creation; an index
    # stemmed by another version is named in the log at open
    if s.plugin != "fts5":
        return
    d = tempfile.mkdtemp(prefix="carid-e2e-stemver-")
    try:
        with harness.extra_daemon(s, data_dir=d) as x:
            c = x.connect()
            eq(c.call("PUT", "v1", "title", "Kediri", "body", "Kediri."), "OK",
               "PUT v1")
            c.close()
            check("stemmer version" not in x.log(), "no warning, new index")
        db = sqlite3.connect(os.path.join(d, "carid.db"))
        try:
            got = db.execute("SELECT value FROM meta WHERE key = 'stemmer'")
            check(got.fetchone()[0] >= 2, "meta records the stemmer version")
            db.execute("UPDATE meta SET value = 1 WHERE key = 'stemmer'")
            db.commit()
        finally:
            db.close()
        with harness.extra_daemon(s, data_dir=d) as x:
            check("index stemmed with stemmer version 1" in x.log(),
                  "warning for an index of version 1: %r" % x.log()[-500:])
    finally:
        shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    harness.main(suite)
