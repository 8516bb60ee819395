#!/usr/bin/env python3
"""test_clean.py - articles as scrapers save them (issue 16, part 1),
through redis-py and scripts/feed: PUT cleans the body at the server,
GET returns the made title, place, author, date and the raw text, SEARCH
and SNIPPET see only the article; --clean-patterns none keeps bodies as
they came, a newsroom's own file replaces the built-in rules and a bad one
stops the start with its line.  The five seeds of ../shared/seeds are fed
as they are when the folder is there (skipped otherwise).
"""
import os
import shutil
import subprocess
import sys
import tempfile

import harness
from harness import check, eq

SEEDS = os.path.join(harness.ROOT, "..", "shared", "seeds")
FEED = os.path.join(harness.ROOT, "scripts", "feed")

SCRAPED = ("Reporter: Sri Wahyuni | Editor: Agus Salim\n"
           "KONTAN.CO.ID - MAKASSAR. Pelabuhan Makassar menambah dua dermaga "
           "peti kemas baru pada 14 Maret 2024. Kapal besar kini tidak perlu "
           "antre berhari-hari.\n"
           "Baca Juga: Tarif Bongkar Muat Naik Bulan Depan\n"
           "Otoritas pelabuhan menyebut antrean kapal turun separuh.\n"
           "ADVERTISEMENT\n")

suite = harness.Suite("clean")
redis = harness.import_redis()


def client(d):
    return redis.Redis(host=d.host, port=d.port, decode_responses=True)


def get(r, aid):
    """GET aid as a dict of field -> value."""
    reply = r.execute_command("GET", aid)
    return dict(zip(reply[::2], reply[1::2])) if reply else reply


@suite.test
def put_cleans_at_the_server(s):
    r = client(s.daemon)
    eq(r.execute_command("PUT", "mks-1", "body", SCRAPED), "OK", "PUT")
    got = get(r, "mks-1")
    eq(got.get("title"), "Pelabuhan Makassar menambah dua dermaga peti "
       "kemas baru pada 14 Maret 2024", "title from the lead")
    eq(got.get("author"), "Sri Wahyuni", "author from the credit")
    eq(got.get("source"), "kontan", "source from the dateline")
    eq(got.get("place"), "Makassar", "place from the dateline")
    eq(got.get("date"), "2024-03-14", "date from the text")
    eq(got.get("body"), "Pelabuhan Makassar menambah dua dermaga peti kemas "
       "baru pada 14 Maret 2024. Kapal besar kini tidak perlu antre "
       "berhari-hari.\nOtoritas pelabuhan menyebut antrean kapal turun "
       "separuh.", "body without credit, dateline, link and ad")
    eq(got.get("raw"), SCRAPED, "raw: the body as it was sent")
    for word in ("wahyuni", "salim", "tarif", "advertisement", "kontan"):
        eq(r.execute_command("COUNT", word), 0,
           "COUNT %s (boilerplate is not indexed)" % word)
    eq(r.execute_command("COUNT", "dermaga"), 1, "COUNT dermaga")
    hits = r.execute_command("SEARCH", "antrean kapal", "RETURN", "2",
                             "title", "place", "SNIPPET")
    eq(hits[0], 1, "SEARCH antrean kapal")
    check("Baca" not in str(hits) and "Reporter" not in str(hits),
          "no boilerplate in the hit: %r" % hits)
    hits = r.execute_command("SEARCH", "dermaga", "SOURCE", "kontan",
                             "RETURN", "1", "author")
    eq((hits[0], hits[1][0], hits[1][2:]), (1, "mks-1", ["author", "Sri Wahyuni"]),
       "SOURCE kontan finds the dateline's source")
    st = harness.stats(s.daemon.connect())
    check(int(st.get("puts_cleaned", 0)) >= 1 and
          int(st.get("lines_dropped", 0)) >= 3,
          "STATS puts_cleaned / lines_dropped: %r" % st)


@suite.test
def given_fields_stay(s):
    r = client(s.daemon)
    eq(r.execute_command("PUT", "mks-2", "title", "Dermaga Baru",
                         "source", "antara", "date", "2024-03-15",
                         "author", "Tim Redaksi", "body", SCRAPED), "OK",
       "PUT")
    got = get(r, "mks-2")
    eq(got.get("title"), "Dermaga Baru", "a given title stays")
    eq(got.get("source"), "antara", "a given source stays")
    eq(got.get("date"), "2024-03-15", "a given date stays")
    eq(got.get("author"), "Tim Redaksi", "a given author stays")
    eq(got.get("place"), "Makassar", "the place still comes from the text")
    try:
        r.execute_command("PUT", "mks-3", "raw", "x")
        check(False, "PUT raw was accepted")
    except redis.ResponseError as e:
        check("carid's" in str(e), "PUT raw: %s" % e)
    eq(r.execute_command("PUT", "plain", "title", "Cuaca",
                         "body", "Hujan turun sore ini di Bogor."), "OK",
       "PUT")
    got = get(r, "plain")
    check("raw" not in got, "no raw when nothing changed: %r" % got)


@suite.test
def cleaning_off_and_own_rules(s):
    with harness.extra_daemon(s, ["--clean-patterns", "none"]) as d:
        r = client(d)
        r.execute_command("PUT", "a", "title", "T", "body", SCRAPED)
        got = get(r, "a")
        eq(got.get("body"), SCRAPED,
           "--clean-patterns none: the body as it came")
        eq(r.execute_command("COUNT", "wahyuni"), 1, "credit indexed")
    own = tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False)
    own.write("# newsroom rules\nline (?i)^reporter:\n")
    own.close()
    with harness.extra_daemon(s, ["--clean-patterns", own.name]) as d:
        r = client(d)
        r.execute_command("PUT", "a", "body", SCRAPED)
        got = get(r, "a")
        check(got.get("body", "").startswith("KONTAN.CO.ID"),
              "own rules: no dateline rule, the dateline stays: %r" % got)
        eq(r.execute_command("COUNT", "wahyuni"), 0, "own rule dropped it")
    with open(own.name, "w") as f:
        f.write("line ^ok$\nline ^(broken$\n")
    p = subprocess.run([s.opt.carid, "--port", str(harness.free_port()),
                        "--data",
                        tempfile.mkdtemp(prefix="carid-e2e-"),
                        "--clean-patterns", own.name],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=30)
    os.unlink(own.name)
    check(p.returncode != 0 and (own.name + ":2: regex").encode() in p.stderr,
          "a bad rules file stops the start with its line: %r" % p.stderr)


@suite.test
def index_without_the_columns(s):
    """An index made before place, author and raw (schema 3 as it was)
    gets them at start, its articles kept: no feed again."""
    if s.plugin != "fts5":
        return
    import sqlite3
    data = tempfile.mkdtemp(prefix="carid-e2e-")
    with harness.extra_daemon(s, data_dir=data) as d:
        client(d).execute_command("PUT", "lama", "title", "Artikel lama",
                                  "body", "Isi artikel lama tentang sawah.")
    db = sqlite3.connect(os.path.join(data, "carid.db"))
    for col in ("place", "author", "raw"):
        db.execute("ALTER TABLE docs DROP COLUMN %s" % col)
    db.commit()
    db.close()
    with harness.extra_daemon(s, data_dir=data) as d:
        r = client(d)
        eq(get(r, "lama"), {"title": "Artikel lama",
                            "body": "Isi artikel lama tentang sawah."},
           "the old article")
        r.execute_command("PUT", "baru", "body", SCRAPED)
        eq(get(r, "baru").get("author"), "Sri Wahyuni", "new columns work")
        eq(r.execute_command("COUNT", "sawah"), 1, "old article searchable")
    shutil.rmtree(data)


@suite.test
def seeds_as_scraped(s):
    if not os.path.isdir(SEEDS):
        s.say("skip: %s is not here" % SEEDS)
        return
    p = subprocess.run([sys.executable, FEED, "--port", str(s.daemon.port),
                        SEEDS], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=60)
    check(p.returncode == 0 and b"sent 5, failed 0" in p.stdout,
          "feed the seeds: %r %r" % (p.stdout, p.stderr))
    r = client(s.daemon)
    eq(r.execute_command("COUNT", "barratut"), 0,
       "SEARCH barratut no longer finds 002 (a credit)")
    eq(r.execute_command("COUNT", "fotografer"), 0, "captions not indexed")
    eq(r.execute_command("COUNT", "bitget"), 0,
       "003's next article (after 'Next Post') not indexed")
    titles = {}
    for aid in ("000_e0ec8468b06689dd", "001_3c7df9a3ab7e3405",
                "002_bef3302d05d81497", "003_4967af7503ada9df",
                "004_e51c03c3aae31849"):
        got = get(r, aid)
        titles[aid[:3]] = got.get("title", "")
        check(len(got.get("title", "")) <= 110, "%s title short: %r"
              % (aid, got.get("title")))
        with open(os.path.join(SEEDS, aid + ".txt"), encoding="utf-8") as f:
            eq(got.get("raw"), f.read().replace("\r\n", "\n").strip(),
               "%s raw is the file" % aid)
    check("Reporter" not in titles["002"] and "Logo" not in titles["004"],
          "credit and logo are no titles: %r" % titles)
    eq(titles["003"], "Mengapa Kunjungan Kim Jong Un ke Rusia Semua Tentang "
       "Senjata", "003's headline")
    got = get(r, "002_bef3302d05d81497")
    eq((got.get("author"), got.get("source"), got.get("place")),
       ("Barratut Taqiyyah Rafie", "kontan", "Kyiv"), "002's credit/dateline")
    got = get(r, "001_3c7df9a3ab7e3405")
    eq((got.get("place"), got.get("date")), ("Pyongyang", "2024-08-10"),
       "001's dateline and date")


if __name__ == "__main__":
    harness.main(suite)
