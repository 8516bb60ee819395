#!/usr/bin/env python3
"""test_stopwords.py - Indonesian stopwords through the real daemon: they
stay in the index (a quoted phrase still needs them in place), a query
leaves a bare one out when it has other words (so "gempa di lombok" finds
an article without "di", and a title holding "yang" gains no rank), and
quotes, + and a query of nothing but stopwords search them.  The articles
are the test's own sentences."""
import harness
from harness import check, eq

suite = harness.Suite("stopwords")

ARTICLES = {
    "gempa-1": ("Gempa mengguncang Lombok",
                "Warga berlarian keluar rumah saat tanah bergetar."),
    "pasar-1": ("Pedagang pasar induk mengeluh",
                "Harga beras yang naik membuat pembeli berkurang di pasar "
                "induk."),
    "banjir-1": ("Banjir yang datang di malam hari",
                 "Air merendam rumah warga Jakarta Timur."),
    "banjir-2": ("Banjir Jakarta meluas",
                 "Genangan yang tinggi terlihat di lima kecamatan."),
}


def ids(reply):
    return [hit[0].decode() for hit in reply[1:]]


@suite.test
def put_articles(s):
    c = s.daemon.connect()
    for aid, (title, body) in ARTICLES.items():
        eq(c.call("PUT", aid, "title", title, "body", body), "OK", "PUT " + aid)


@suite.test
def bare_stopword_is_left_out(s):
    c = s.daemon.connect()
    # gempa-1 has no "di": every word required would miss it
    eq(ids(c.call("SEARCH", "gempa di lombok")), ["gempa-1"],
       "'gempa di lombok'")
    eq(ids(c.call("SEARCH", "gempa AND di AND lombok")), ["gempa-1"],
       "explicit AND is the same")
    eq(c.call("SEARCH", "gempa yang di lombok")[0], 1, "two stopwords")


@suite.test
def stopword_in_title_gains_no_rank(s):
    c = s.daemon.connect()
    # Searched, "yang" and "di" would put banjir-1's title (3 of the
    # query's words) ahead of banjir-2's (2).
    r = c.call("SEARCH", "banjir yang di jakarta")
    eq(ids(r), ["banjir-2", "banjir-1"], "order for 'banjir yang di jakarta'")
    r = c.call("SEARCH", 'banjir "yang" +di jakarta', "MATCH", "all")
    eq(ids(r), ["banjir-1", "banjir-2"], "order with the stopwords asked for")
    r = c.call("SEARCH", 'banjir "yang" +di jakarta')
    eq(ids(r), ["banjir-1", "banjir-2", "pasar-1"],
       "best match: +di required, the article with no other word last")


@suite.test
def asked_for_stopword_is_required(s):
    c = s.daemon.connect()
    eq(c.call("SEARCH", 'gempa "di" lombok', "MATCH", "all")[0], 0,
       "quoted stopword, MATCH all")
    eq(c.call("SEARCH", "gempa +di lombok", "MATCH", "all")[0], 0,
       "+stopword, MATCH all")
    eq(c.call("SEARCH", "gempa +di lombok")[0], 3,
       "best match: +di required, and enough")
    eq(ids(c.call("SEARCH", "banjir -yang")), [], "excluded stopword")
    eq(ids(c.call("SEARCH", "NEAR(gempa di, 5)")), [], "stopword in NEAR")


@suite.test
def only_stopwords_are_searched(s):
    c = s.daemon.connect()
    eq(sorted(ids(c.call("SEARCH", "yang"))),
       ["banjir-1", "banjir-2", "pasar-1"], "'yang' alone")
    eq(sorted(ids(c.call("SEARCH", "yang di"))),
       ["banjir-1", "banjir-2", "pasar-1"], "'yang di'")


@suite.test
def index_keeps_stopwords_for_phrases(s):
    c = s.daemon.connect()
    eq(ids(c.call("SEARCH", '"beras yang naik"')), ["pasar-1"],
       "phrase with its stopword")
    eq(c.call("SEARCH", '"beras naik"')[0], 0,
       "the stopword still holds its position")
    r = c.call("ANALYZE", "di pasar")
    eq([t[0] for t in r], [b"di", b"pasar"], "ANALYZE keeps stopwords")
    check(r[0][2] == 0 and r[0][3] == 2, "offsets %r" % r)


if __name__ == "__main__":
    harness.main(suite)
