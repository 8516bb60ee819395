#!/usr/bin/env python3
"""test_feed.py - scripts/feed against carid.

Feeds a temp folder of .txt files, a .jsonl and a .jsonl.gz, checks the
summary, the articles (GET, SEARCH) and that feeding again changes no
count; then a bad date must be reported as one failure with a non-zero
exit, and an unreachable port must fail too.
"""
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import harness
from harness import check, eq

FEED = os.path.join(harness.ROOT, "scripts", "feed")

TEXTS = {
    "kebun-1": ("Kebun sayur warga tumbuh subur",
                "Ibu-ibu di gang sempit menanam kangkung dan bayam di pot.\n"
                "Hasil panennya dibagikan kepada tetangga setiap Jumat."),
    "kebun-2": ("Sumur resapan dibangun di balai desa",
                "Air hujan kini tidak lagi menggenang di lapangan bola."),
    "kebun-3": ("Perpustakaan keliling singgah di pelabuhan",
                "Anak-anak nelayan antre meminjam buku cerita bergambar."),
    "kebun-4": ("Festival layang-layang digelar di pantai",
                "Angin kencang membuat layangan raksasa berbentuk naga "
                "terbang tinggi."),
}
JSONL = [
    {"id": "jl-1", "source": "kabar-pesisir", "url": "https://contoh.id/1",
     "date": "2024-02-11", "title": "Harga garam petani turun",
     "body": "Petambak garam mengeluh karena gudang penuh menjelang "
             "musim hujan."},
    {"id": "jl-2", "source": "kabar-pesisir", "date": "2024-02-12",
     "title": "Kapal feri tambahan untuk mudik",
     "body": "Operator pelabuhan menyiapkan kapal feri tambahan "
             "bagi pemudik motor.", "url": ""},
    {"id": "jl-3", "source": "warta-kota", "date": "2023-12-30",
     "title": "Trotoar baru ramah difabel",
     "body": "Jalur pemandu untuk tunanetra dipasang sepanjang trotoar "
             "pusat kota."},
]
JSONL_GZ = [
    {"id": "gz-1", "source": "warta-kota", "date": "2024-03-01",
     "title": "Bus listrik mulai melayani rute bandara",
     "body": "Penumpang menyambut bus listrik yang senyap dan sejuk."},
    {"id": "gz-2", "source": "warta-kota", "date": "2024-03-02",
     "title": "Museum membuka kelas membatik",
     "body": "Pengunjung belajar mencanting motif parang di pendapa "
             "museum."},
]
TOTAL = len(TEXTS) + len(JSONL) + len(JSONL_GZ)


def make_tree(root):
    os.makedirs(os.path.join(root, "teks", "lagi"))
    for i, (aid, (title, body)) in enumerate(sorted(TEXTS.items())):
        sub = "teks" if i % 2 else os.path.join("teks", "lagi")
        lead = "\n\n" if i == 0 else ""   # leading blank lines are skipped
        with open(os.path.join(root, sub, aid + ".txt"), "w") as f:
            f.write("%s%s\n%s\n" % (lead, title, body))
    with open(os.path.join(root, "berita.jsonl"), "w") as f:
        for a in JSONL:
            f.write(json.dumps(a) + "\n")
    with gzip.open(os.path.join(root, "arsip.jsonl.gz"), "wt") as f:
        for a in JSONL_GZ:
            f.write(json.dumps(a) + "\n")


def feed(s, *paths, port=None):
    p = subprocess.run([sys.executable, FEED, "--port",
                        str(port or s.daemon.port), "--batch", "2"]
                       + list(paths), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=60)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def summary(out):
    m = re.search(r"^sent (\d+), failed (\d+)$", out, re.M)
    return (int(m.group(1)), int(m.group(2))) if m else None


suite = harness.Suite("feed")
tmp = tempfile.mkdtemp(prefix="carid-feed-")


@suite.test
def feed_a_tree(s):
    make_tree(tmp)
    rc, out, err = feed(s, tmp)
    eq(summary(out), (TOTAL, 0), "summary line (stdout %r, stderr %r)"
       % (out, err))
    eq(rc, 0, "exit status")
    check("articles sent" in err, "no progress line on stderr: %r" % err)


@suite.test
def articles_arrived(s):
    c = s.daemon.connect()
    for aid, (title, body) in TEXTS.items():
        # the file went whole as the body: carid took the headline out
        eq(harness.field_pairs(c.call("GET", aid)),
           {"title": title.encode(), "body": body.encode(),
            "raw": ("%s\n%s" % (title, body)).encode()}, "GET " + aid)
    for a in JSONL + JSONL_GZ:
        want = {k: a[k].encode() for k in
                ("title", "body", "source", "url", "date") if a.get(k)}
        eq(harness.field_pairs(c.call("GET", a["id"])), want,
           "GET " + a["id"])
    for word, aid in (("kangkung", "kebun-1"), ("layangan", "kebun-4"),
                      ("petambak", "jl-1"), ("mencanting", "gz-2")):
        r = c.call("SEARCH", word, "RETURN", "0")
        check(isinstance(r, list) and r[0] == 1 and r[1][0] == aid.encode(),
              "SEARCH %s: %r" % (word, r))
    eq(c.call("COUNT", "kota", "SOURCE", "warta-kota"), 1,
       "COUNT kota SOURCE warta-kota")
    c.close()


@suite.test
def refeed_is_idempotent(s):
    c = s.daemon.connect()
    before = harness.stats(c, "index").get("documents")
    eq(before, str(TOTAL), "documents after the first feed")
    rc, out, err = feed(s, tmp)
    eq((rc, summary(out)), (0, (TOTAL, 0)), "second feed")
    eq(harness.stats(c, "index").get("documents"), before,
       "documents after feeding again")
    c.close()


@suite.test
def bad_date_is_a_failure(s):
    bad = os.path.join(tmp, "salah")
    os.makedirs(bad)
    with open(os.path.join(bad, "x.jsonl"), "w") as f:
        f.write(json.dumps({"id": "tgl-baik", "title": "Tanggal benar",
                            "date": "2024-02-29"}) + "\n")
        f.write(json.dumps({"id": "tgl-buruk", "title": "Tanggal keliru",
                            "date": "2023-02-29"}) + "\n")
    rc, out, err = feed(s, bad)
    eq(summary(out), (2, 1), "summary (stdout %r)" % out)
    check(rc != 0, "exit status 0 despite a failure")
    check(re.search(r"tgl-buruk: .*invalid date", out),
          "failure not listed with its id and error: %r" % out)
    c = s.daemon.connect()
    check(c.call("GET", "tgl-baik") is not None, "good article missing")
    eq(c.call("GET", "tgl-buruk"), None, "bad article stored")
    c.close()


@suite.test
def unreachable_server(s):
    port = harness.free_port()
    rc, out, err = feed(s, tmp, port=port)
    check(rc != 0, "feed to a closed port exited 0")
    check("cannot connect" in err, "no connect error: %r" % err)


if __name__ == "__main__":
    try:
        harness.main(suite)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
