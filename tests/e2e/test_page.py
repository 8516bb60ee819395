#!/usr/bin/env python3
"""test_page.py - the search page at / (daemon/web, built into carid), in
Debian's chromium driven by the npm package playwright-core (installed by
this test into build-web/).

Articles written here go in over HTTP; the page is then used as a reader
would (tests/e2e/web/page_test.mjs): password asked after the API's 401,
suggestions while typing, hits with highlighted matches, per-source
counts, a source filter, an article view, the next page, a story's
copies collapsed into one hit ("2 salinan", listed on a click); on a 390 px wide
screen with no request leaving carid and no script error.  The
screenshots are left in build-web/page.png (the hits) and
build-web/page-article.png.
"""
import json
import os
import shutil
import subprocess

import harness
from harness import check, eq
import test_http  # its HTTP client and OpenAPI checks

PASS = test_http.PASS
HTTP_PORT = test_http.HTTP_PORT
WEB_DIR = os.path.join(harness.ROOT, "build-web")
PKG = os.path.join(harness.HERE, "web", "package.json")
suite = harness.Suite("page", extra_args=[
    "--requirepass", PASS, "--http-port", str(HTTP_PORT)])


def node_modules():
    """playwright-core, pinned in tests/e2e/web/package.json."""
    return harness.npm_install(PKG, WEB_DIR, "playwright-core")


# One story two outlets carry: copies (SimHash within 12 bits, a shared
# MinHash band), so collapse=1 shows it once with "2 salinan".
ROB_STORY = (
    "Air laut pasang kembali merendam permukiman di pesisir utara pada "
    "Rabu pagi sehingga ratusan rumah tergenang setinggi lutut orang "
    "dewasa. Warga memindahkan perabot ke tempat yang lebih tinggi dan "
    "sebagian mengungsi ke rumah kerabat. Petugas menyiapkan perahu karet "
    "serta dapur umum di balai kelurahan. Badan meteorologi memperkirakan "
    "pasang tinggi masih terjadi sampai akhir pekan sehingga warga diminta "
    "tetap waspada dan menjaga anak-anak agar tidak bermain di genangan.")


def articles():
    lines = [
        {"id": "hal-1", "title": "Harga beras naik di pasar induk",
         "body": "Pedagang menyebut harga beras naik sejak awal bulan.",
         "source": "antara", "date": "2024-03-05"},
        {"id": "hal-2", "title": "Harga cabai turun",
         "body": "Harga cabai di pasar kota turun tajam <b>minggu ini</b>.",
         "source": "kompas", "date": "2024-03-07"},
        {"id": "hal-3", "title": "Banjir dan harga sayur",
         "body": "Banjir membuat harga sayur naik.", "source": "kompas",
         "date": "2024-02-01"},
    ]
    lines += [{"id": "rob-" + src, "title": title, "source": src,
               "date": "2024-05-0%d" % n, "body": head + ROB_STORY}
              for n, (src, title, head) in enumerate((
                  ("antara", "Rob rendam pesisir utara", "Semarang - "),
                  ("kompas", "Banjir rob merendam permukiman",
                   "Penulis: Sari\n")), 1)]
    lines += [{"id": "gempa-%d" % i, "title": "Gempa ke-%d di pesisir" % i,
               "body": "Gempa mengguncang pesisir selatan pagi ini.",
               "source": "bmkg", "date": "2024-04-%02d" % (i + 1)}
              for i in range(14)]
    status, _, data = test_http.request(
        "POST", "/articles", "\n".join(json.dumps(a) for a in lines))
    eq(status, 200, "POST /articles")
    bad = [r for r in map(json.loads, data.decode().splitlines())
           if r["status"] != 200]
    eq(bad, [], "bulk statuses")


@suite.test
def static_files(s):
    for path, ctype in (("/", "text/html"), ("/app.js", "text/javascript"),
                        ("/app.css", "text/css")):
        status, hdrs, data = test_http.request("GET", path, token=None)
        eq(status, 200, path)
        check(hdrs["content-type"].startswith(ctype), "%s: %r" % (path, hdrs))
        check("default-src 'self'" in hdrs.get("content-security-policy", ""),
              "%s: CSP %r" % (path, hdrs))
        check(b"http://" not in data.replace(b"http://127.0.0.1", b"") or
              path == "/app.js", "%s loads nothing from elsewhere" % path)


@suite.test
def newsroom_reader(s):
    chromium = shutil.which("chromium")
    check(chromium is not None, "chromium missing: scripts/deps --test "
          "installs it")
    articles()
    mods = node_modules()
    shot = os.path.join(WEB_DIR, "page.png")
    if os.path.exists(shot):
        os.remove(shot)
    env = dict(os.environ, CARID_NODE_MODULES=mods, CHROMIUM=chromium)
    p = subprocess.run(["node", os.path.join(harness.HERE, "web",
                                             "page_test.mjs"),
                        "http://127.0.0.1:%d" % HTTP_PORT, PASS, shot],
                       capture_output=True, text=True, timeout=120, env=env)
    check(p.returncode == 0, "node: %s" % p.stderr[-2000:])
    r = json.loads(p.stdout.strip().splitlines()[-1])
    check("failure" not in r, "page: %s (so far %r)" % (r.get("failure"), r))
    eq(r["errors"], [], "script errors")
    eq(r["foreign"], [], "requests leaving carid")
    eq((r["lang"], r["button"]), ("id", "Cari"), "Indonesian page")
    check("harga" in r["suggestions"], "suggestions %r" % r["suggestions"])
    eq(r["status"], "3 hasil", "status line")
    eq(sorted(r["hits"]), sorted(["Harga beras naik di pasar induk",
                                  "Harga cabai turun",
                                  "Banjir dan harga sayur"]), "hits")
    check(len(r["marks"]) >= 3 and
          all(m.lower() == "harga" for m in r["marks"]),
          "highlighted: %r" % r["marks"])
    eq(sorted(r["counts"]), ["antara", "kompas"], "per-source counts")
    eq(r["tagsFromArticles"], 0, "article text became HTML")
    check(any("<b>minggu ini</b>" in t for t in r["snippets"]),
          "article text shown as text: %r" % r["snippets"])
    check(len(r["filtered"]) == 2 and
          all(m.startswith("kompas") for m in r["filtered"]),
          "source filter: %r" % r["filtered"])
    eq(r["sourceSelect"], "kompas", "source select follows")
    eq(r["articleTitle"], r["clickedTitle"], "article view")
    check(r["articleBody"].startswith("Harga") or
          r["articleBody"].startswith("Banjir") or
          r["articleBody"].startswith("Pedagang"),
          "article body %r" % r["articleBody"])
    check(r["fitsPhone"], "wider than a 390 px phone")
    eq((r["pagesShown"], r["pagesInArticle"]), (False, False),
       "no pagination for 3 hits, none in the article view")
    eq((r["page1"], r["page2"], r["page2Hits"]),
       ("Halaman 1 dari 2", "Halaman 2 dari 2", 4), "pagination")
    eq(len(r["collapsedHits"]), 1, "one hit for the story's two copies: %r"
       % r["collapsedHits"])
    eq((r["copiesButton"], r["collapseInHash"]), ("2 salinan", True),
       "copies shown on the hit")
    check(len(r["copies"]) == 1 and r["copies"][0] in (
        "Rob rendam pesisir utara", "Banjir rob merendam permukiman") and
        r["copies"][0] != r["collapsedHits"][0], "the other copy listed: %r"
        % r["copies"])
    eq(r["copyArticle"], r["copies"][0], "the copy opens as an article")
    eq((r["afterSlow"], r["afterSlowStatus"]), ("Halaman 1 dari 2", "14 hasil"),
       "the last query's page stays when an earlier one answers late")
    check(os.path.getsize(shot) > 5000, "screenshot %s" % shot)
    s.say("     screenshot: %s" % shot)


if __name__ == "__main__":
    harness.main(suite)
