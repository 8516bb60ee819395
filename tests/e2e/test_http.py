#!/usr/bin/env python3
"""test_http.py - the HTTP/JSON API (--http-port), with Python's
http.client as the HTTP client.

Every route against the real daemon, with both passwords set: articles
(PUT, GET, DELETE, POST NDJSON), search with its options, suggest,
analyze, /metrics (promtool check metrics, and Debian's prometheus
scraping it with the Bearer password), /healthz and /readyz; auth (401
without or with a wrong Bearer, 403 for a read-only write, as JSON);
bad JSON and unknown fields (400, nothing written); 413 over
--http-max-body and over --max-bulk; 429 at --max-clients, idle
keep-alive connections counted; a non-reading client's reply in
--max-client-memory; a client that leaves cancels its search; CORS.  A PUT
answered 200 is visible to RESP at once (the same +OK durability).
"""
import http.client
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import warnings

import harness
from harness import check, eq

PASS = "kata-sandi-http"
RO_PASS = "baca-saja"
HTTP_PORT = harness.free_port()
MAX_BODY = 256 * 1024
MAX_BULK = 64 * 1024
suite = harness.Suite("http", extra_args=[
    "--requirepass", PASS, "--readonly-pass", RO_PASS,
    "--http-port", str(HTTP_PORT), "--http-max-body", str(MAX_BODY),
    "--max-bulk", str(MAX_BULK)])

ARTICLES = {
    "http-1": {"title": "Harga beras naik di pasar induk",
               "body": "Pedagang menyebut harga beras naik sejak awal bulan.",
               "source": "antara", "date": "2024-03-05",
               "url": "https://contoh.id/beras"},
    "http-2": {"title": "Banjir rendam jalan kota",
               "body": "Hujan deras membuat banjir dan harga sayur naik.",
               "source": "kompas", "date": "2024-03-07"},
    "http-3": {"title": "Tim voli putri juara nasional",
               "body": "Tim voli putri meraih gelar juara nasional.",
               "source": "antara", "date": "2023-11-20"},
}


def import_schema_libs():
    """python3-yaml and python3-jsonschema, also when python3 is not
    Debian's (e.g. pyenv)."""
    try:
        import jsonschema
        import yaml
    except ImportError:
        sys.path.append("/usr/lib/python3/dist-packages")
        import jsonschema
        import yaml
    return jsonschema, yaml


jsonschema, yaml = import_schema_libs()
warnings.filterwarnings("ignore", category=DeprecationWarning)  # RefResolver
with open(os.path.join(harness.ROOT, "protocol", "openapi.yaml")) as f:
    SPEC = yaml.safe_load(f)
RESOLVER = jsonschema.RefResolver.from_schema(SPEC)
CHECKED = set()  # (path template, method, status) seen and valid


def conform(method, path, status, hdrs, data):
    """Checks a reply against protocol/openapi.yaml: its status is
    documented for the route, its body fits the schema of its type."""
    path = path.split("?")[0]
    for tmpl, item in SPEC["paths"].items():
        if re.fullmatch(re.sub(r"\{[^}]+\}", "[^/]+", tmpl), path):
            break
    else:
        return  # not an API path (404s)
    op = item.get(method.lower())
    if op is None:
        return  # 405: the path has other methods only
    resp = op["responses"].get(str(status))
    check(resp is not None, "%s %s: status %d not in openapi.yaml"
          % (method, tmpl, status))
    if "$ref" in resp:
        resp = SPEC["components"]["responses"][resp["$ref"].split("/")[-1]]
    ctype = hdrs.get("content-type", "")
    content = resp.get("content", {})
    key = ctype if ctype in content else ctype.split(";")[0]
    check(key in content, "%s %s %d: content type %r not in openapi.yaml"
          % (method, tmpl, status, ctype))
    validator = jsonschema.Draft202012Validator(content[key]["schema"],
                                                resolver=RESOLVER)
    if key == "application/json":
        docs = [json.loads(data)]
    elif key == "application/x-ndjson":
        docs = [json.loads(line) for line in data.decode().splitlines()]
    else:
        docs = [data.decode()]
    for doc in docs:
        errors = [e.message for e in validator.iter_errors(doc)]
        eq(errors, [], "%s %s %d reply %r against openapi.yaml"
           % (method, tmpl, status, doc))
    CHECKED.add((tmpl, method.lower(), status))


def request(method, path, body=None, token=PASS, headers=None,
            port=None, timeout=10):
    """(status, headers dict with lower-case names, body bytes), the reply
    checked against protocol/openapi.yaml."""
    c = http.client.HTTPConnection("127.0.0.1", port or HTTP_PORT,
                                   timeout=timeout)
    h = dict(headers or {})
    if token is not None:
        h["Authorization"] = "Bearer " + token
    if isinstance(body, (dict, list)):
        body = json.dumps(body).encode()
        h.setdefault("Content-Type", "application/json")
    elif isinstance(body, str):
        body = body.encode()
    c.request(method, path, body=body, headers=h)
    r = c.getresponse()
    data = r.read()
    hdrs = {k.lower(): v for k, v in r.getheaders()}
    c.close()
    if method != "OPTIONS" and not (r.status == 413 and method == "POST"):
        conform(method, path, r.status, hdrs, data)  # (libevent's 413)
    return r.status, hdrs, data


def jrequest(method, path, body=None, token=PASS, want=200, **kw):
    status, hdrs, data = request(method, path, body, token, **kw)
    eq(status, want, "%s %s status (body %r)" % (method, path, data[:300]))
    check(hdrs.get("content-type", "").startswith("application/json"),
          "%s %s content type %r" % (method, path, hdrs.get("content-type")))
    return json.loads(data)


def put_all():
    for i, doc in ARTICLES.items():
        eq(jrequest("PUT", "/articles/" + i, doc), {"id": i, "ok": True},
           "PUT " + i)


@suite.test
def articles_put_get_delete(s):
    put_all()
    got = jrequest("GET", "/articles/http-1")
    eq(got, dict(ARTICLES["http-1"], id="http-1"), "GET http-1")
    # 200 means +OK: RESP sees it at once.
    c = s.daemon.connect()
    eq(c.call("AUTH", PASS), "OK", "AUTH")
    eq(harness.field_pairs(c.call("GET", "http-2"))["title"],
       ARTICLES["http-2"]["title"].encode(), "RESP GET after HTTP PUT")
    eq(jrequest("PUT", "/articles/hapus-1", {"title": "Sementara"}),
       {"id": "hapus-1", "ok": True}, "PUT hapus-1")
    eq(jrequest("DELETE", "/articles/hapus-1"),
       {"id": "hapus-1", "deleted": True}, "DELETE")
    eq(c.call("GET", "hapus-1"), None, "RESP GET after HTTP DELETE")
    c.close()
    eq(jrequest("GET", "/articles/hapus-1", want=404),
       {"error": "no such article"}, "GET deleted")
    jrequest("DELETE", "/articles/hapus-1", want=404)
    # An id with characters that need escaping in a path.
    eq(jrequest("PUT", "/articles/a%2Fb%20c", {"title": "Garis miring"}),
       {"id": "a/b c", "ok": True}, "PUT escaped id")
    eq(jrequest("GET", "/articles/a%2Fb%20c")["title"], "Garis miring",
       "GET escaped id")


@suite.test
def search(s):
    put_all()
    r = jrequest("GET", "/search?q=harga&snippet=1&counts=source")
    eq(r["total"], 2, "total")
    eq(sorted(h["id"] for h in r["hits"]), ["http-1", "http-2"], "hits")
    eq(r["counts"], {"antara": 1, "kompas": 1}, "counts")
    hit = r["hits"][0]
    for k in ("id", "score", "title", "date", "source", "url", "snippet"):
        check(k in hit, "hit has no %s: %r" % (k, hit))
    check(isinstance(hit["score"], float), "score %r" % hit["score"])
    check("<mark>" in hit["snippet"], "snippet marks: %r" % hit["snippet"])
    r = jrequest("GET", "/search?q=harga&sort=newest&limit=1")
    eq([h["id"] for h in r["hits"]], ["http-2"], "newest, limit 1")
    eq(r["total"], 2, "total with limit")
    check("counts" not in r and "snippet" not in r["hits"][0],
          "no counts or snippet unless asked: %r" % r)
    r = jrequest("GET", "/search?q=harga&sort=newest&limit=1&offset=1")
    eq([h["id"] for h in r["hits"]], ["http-1"], "offset 1")
    r = jrequest("GET", "/search?q=juara+OR+harga&source=antara"
                 "&from=2024-01-01&to=2024-12-31")
    eq([h["id"] for h in r["hits"]], ["http-1"], "source + from/to")
    r = jrequest("GET", "/search?q=" + "%22harga%20beras%22")
    eq([h["id"] for h in r["hits"]], ["http-1"], "phrase")
    eq(jrequest("GET", "/search?q=gempa"), {"total": 0, "hits": []},
       "no hits")
    # Errors are the RESP errors, as JSON 400s.
    eq(jrequest("GET", "/search?q=harga&limit=5000", want=400),
       {"error": "LIMIT count must be 0..1000"}, "limit too big")
    eq(jrequest("GET", "/search?q=harga&sort=acak", want=400)["error"][:4],
       "SORT", "bad sort")
    eq(jrequest("GET", "/search?q=%28harga", want=400),
       {"error": "query error at 0: unbalanced parenthesis"}, "bad query")
    eq(jrequest("GET", "/search?q=harga&lmit=5", want=400),
       {"error": "unknown parameter 'lmit'"}, "typo in a parameter")
    eq(jrequest("GET", "/search", want=400),
       {"error": "q (the query) is required"}, "no q")
    eq(jrequest("GET", "/search?q=harga&collapse=2", want=400),
       {"error": "collapse must be 0 or 1"}, "bad collapse")


@suite.test
def search_collapse(s):
    """collapse=1 is SEARCH ... COLLAPSE: two outlets' copies of one story
    are one hit with copies 2; another story stays apart."""
    story = ("Banjir rob kembali merendam kawasan pesisir utara kota pada "
             "Selasa pagi setelah air laut pasang lebih tinggi dari "
             "biasanya. Warga di tiga kelurahan terpaksa mengungsi ke "
             "balai desa dan masjid terdekat. Petugas pemadam kebakaran "
             "dan relawan membantu memindahkan barang-barang milik warga. "
             "Dinas pekerjaan umum menyiagakan pompa air di sejumlah titik "
             "rawan genangan. Kepala daerah meminta warga tetap waspada "
             "karena pasang laut diperkirakan berlangsung hingga akhir "
             "pekan.")
    other = ("Harga cabai rawit di pasar tradisional turun tajam menjelang "
             "panen raya. Pedagang mengaku stok melimpah dari petani di "
             "lereng gunung. Pembeli menyambut baik penurunan harga itu. "
             "Banjir rob tidak mengganggu pasokan ke pasar kota.")
    docs = {"rob-antara": {"title": "Banjir rob merendam pesisir",
                           "body": "Semarang (ANTARA) - " + story},
            "rob-kompas": {"title": "Rob rendam pesisir utara",
                           "body": "Reporter: Dewi | Editor: Budi\n" + story},
            "cabai-1": {"title": "Harga cabai turun", "body": other}}
    for i, doc in docs.items():
        eq(jrequest("PUT", "/articles/" + i, doc), {"id": i, "ok": True},
           "PUT " + i)
    r = jrequest("GET", "/search?q=banjir+rob&match=all")
    eq(sorted(h["id"] for h in r["hits"]),
       ["cabai-1", "rob-antara", "rob-kompas"], "three hits without collapse")
    check(all("copies" not in h for h in r["hits"]), "no copies unasked")
    r = jrequest("GET", "/search?q=banjir+rob&match=all&collapse=1")
    got = {h["id"]: h["copies"] for h in r["hits"]}
    eq(sorted(got.values()), [1, 2], "one hit per story: %r" % got)
    eq(got.get("cabai-1"), 1, "the other story stays apart")
    eq(r["total"], 3, "the total still counts articles")
    # the page lists a hit's copies with GET /articles/{id}?copies=1
    two = [i for i, n in got.items() if n == 2][0]
    other = ({"rob-antara", "rob-kompas"} - {two}).pop()
    got = jrequest("GET", "/articles/%s?copies=1" % two)
    eq(got["copies"], [other], "copies of %s" % two)
    eq(got["title"], docs[two]["title"], "the article itself too")
    eq(jrequest("GET", "/articles/cabai-1?copies=1")["copies"], [],
       "a story alone has no copies")
    check("copies" not in jrequest("GET", "/articles/cabai-1?copies=0"),
          "copies=0: none")
    jrequest("GET", "/articles/cabai-1?copies=2", want=400)


@suite.test
def suggest_and_analyze(s):
    put_all()
    eq(jrequest("GET", "/suggest?q=HAR"), {"suggestions": ["harga"]},
       "suggest")
    eq(jrequest("GET", "/suggest?q=ban&limit=1"), {"suggestions": ["banjir"]},
       "suggest limit")
    eq(jrequest("GET", "/analyze?text=Pasar-pasar"),
       {"tokens": [{"token": "pasar", "stem": "pasar", "start": 0,
                    "end": 11}]}, "analyze")
    jrequest("GET", "/analyze", want=400)


@suite.test
def auth(s):
    for token in (None, "salah"):
        t0 = time.monotonic()
        status, hdrs, data = request("GET", "/search?q=harga", token=token)
        held = time.monotonic() - t0
        eq(status, 401, "token %r" % token)
        check(held >= 0.09 if token else held < 0.09,
              "a wrong password's 401 waits 0.1 s, a missing one's not: "
              "%.3f s" % held)
        check(hdrs.get("www-authenticate", "").startswith("Bearer"),
              "WWW-Authenticate: %r" % hdrs)
        check("error" in json.loads(data), "401 body %r" % data)
    r = jrequest("GET", "/search?q=voli", token=RO_PASS)
    eq([h["id"] for h in r["hits"]], ["http-3"], "read-only search")
    eq(jrequest("PUT", "/articles/ro-1", {"title": "Tidak boleh"},
                token=RO_PASS, want=403),
       {"error": "NOPERM this client is read-only"}, "read-only PUT")
    jrequest("DELETE", "/articles/http-1", token=RO_PASS, want=403)
    jrequest("GET", "/articles/ro-1", want=404)
    jrequest("GET", "/articles/http-1")
    # Probes need no password.
    eq(jrequest("GET", "/healthz", token=None), {"status": "ok"}, "healthz")
    eq(jrequest("GET", "/readyz", token=None), {"status": "ready"}, "readyz")


def raw_wrong_password(port):
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(b"GET /search?q=x HTTP/1.1\r\nHost: x\r\n"
                 b"Authorization: Bearer salah\r\n\r\n")
    return sock


@suite.test
def held_401_client_leaves_or_shutdown(s):
    """A client that leaves while its 401 is held, and a shutdown with one
    held: nothing breaks, nothing leaks (ASan's leak check)."""
    raw_wrong_password(HTTP_PORT).close()
    time.sleep(0.2)
    eq(jrequest("GET", "/healthz", token=None), {"status": "ok"}, "alive")
    with harness.extra_daemon(s, ["--requirepass", PASS, "--http-port",
                                  str(harness.free_port())]) as d:
        port = int(d.extra[d.extra.index("--http-port") + 1])
        eq(jrequest("GET", "/healthz", token=None, port=port),
           {"status": "ok"}, "healthz")
        held = raw_wrong_password(port)
        time.sleep(0.02)
        d.stop()  # SIGTERM with the 401 still held: exit 0
        held.close()


@suite.test
def bad_input_writes_nothing(s):
    cases = [
        (b'{"title": "Tanpa kurung"', "bad JSON"),
        (b'["title", "x"]', "an article is a JSON object"),
        (b'{"title": 5}', "field 'title' must be a string"),
        (b'{"judul": "x"}', "unknown field 'judul'"),
        (b'{"id": "lain", "title": "x"}', '"id" differs'),
        (b'{"title": "x", "title": "y"}', "bad JSON"),
        (b'{}', "an article needs at least one field"),
        (b'{"title": "x", "date": "2024-02-30"}', "invalid date"),
        (b'', "the body is empty"),
    ]
    for body, want in cases:
        r = jrequest("PUT", "/articles/buruk-1", body, want=400)
        check(want in r["error"], "%r: error %r" % (body, r["error"]))
        jrequest("GET", "/articles/buruk-1", want=404)
    eq(jrequest("POST", "/search?q=x", b"", want=405),
       {"error": "method not allowed here"}, "POST /search")
    check("error" in jrequest("GET", "/tidak-ada", want=404), "404")


@suite.test
def too_big(s):
    # A body over --http-max-body: evhttp's 413, nothing read further.
    status, _, _ = request("POST", "/articles", b"x" * (MAX_BODY + 1))
    eq(status, 413, "body over --http-max-body")
    # A field over --max-bulk, as RESP would refuse it.
    r = jrequest("PUT", "/articles/besar-1",
                 {"title": "Besar", "body": "kata " * (MAX_BULK // 5 + 10)},
                 want=413)
    check("--max-bulk" in r["error"], "413 error %r" % r)
    jrequest("GET", "/articles/besar-1", want=404)


@suite.test
def bulk_ndjson(s):
    lines = [json.dumps({"id": "massal-%d" % i, "title": "Gempa %d" % i,
                         "body": "Gempa mengguncang pesisir selatan.",
                         "source": "bmkg", "date": "2024-05-0%d" % i})
             for i in range(1, 6)]
    lines.insert(2, "bukan json")
    lines.insert(4, "")
    lines.append(json.dumps({"id": "massal-x", "title": "x",
                             "date": "2024-13-01"}))
    status, hdrs, data = request("POST", "/articles",
                                 "\n".join(lines) + "\n")
    eq(status, 200, "POST status")
    check(hdrs["content-type"].startswith("application/x-ndjson"),
          "content type %r" % hdrs["content-type"])
    got = {r["line"]: r for r in map(json.loads, data.decode().splitlines())}
    eq(sorted(got), [1, 2, 3, 4, 6, 7, 8], "one status per non-blank line")
    eq(got[3]["status"], 400, "bad JSON line")
    eq(got[8]["status"], 400, "bad date line")
    check("invalid date" in got[8]["error"], "line 8: %r" % got[8])
    for n in (1, 2, 4, 6, 7):
        eq(got[n]["status"], 200, "line %d" % n)
    r = jrequest("GET", "/search?q=gempa&source=bmkg&limit=0")
    eq(r["total"], 5, "the five good lines are searchable")


@suite.test
def too_many_clients(s):
    with harness.extra_daemon(s, ["--max-clients", "2", "--http-port",
                                  str(harness.free_port())]) as d:
        port = int(d.extra[d.extra.index("--http-port") + 1])
        eq(jrequest("GET", "/healthz", token=None, port=port),
           {"status": "ok"}, "healthz")
        held = [d.connect(), d.connect()]
        for c in held:
            eq(c.call("PING"), "PONG", "RESP PING")
        r = jrequest("GET", "/search?q=x", port=port, want=429)
        check("--max-clients" in r["error"], "429 body %r" % r)
        held[0].close()
        time.sleep(0.2)
        jrequest("GET", "/search?q=x", port=port)
        held[1].close()
        time.sleep(0.2)
        # Idle keep-alive HTTP connections count as RESP's do.
        kept = [http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                for _ in range(2)]
        for k in kept:
            k.request("GET", "/search?q=x",
                      headers={"Authorization": "Bearer " + PASS})
            eq(k.getresponse().read()[:1], b"{", "keep-alive request")
        c = d.connect()
        got = c.read()
        check(isinstance(got, harness.ReplyError) and
              "max number of clients" in str(got),
              "RESP refused while 2 HTTP connections are idle: %r" % (got,))
        check(c.closed_by_server(), "the refused RESP client is closed")
        r = jrequest("GET", "/search?q=x", port=port, want=429)
        kept[0].request("GET", "/search?q=x",
                        headers={"Authorization": "Bearer " + PASS})
        resp = kept[0].getresponse()
        eq(resp.status, 200, "an idle connection's next request")
        resp.read()
        kept[0].close()
        kept[1].close()
        time.sleep(0.2)
        eq(d.connect().call("PING"), "PONG", "RESP after they left")
        jrequest("GET", "/search?q=x", port=port)


def read_to_eof(sock, timeout=10):
    """What sock receives until carid closes it (EOF or reset)."""
    sock.settimeout(timeout)
    got = []
    try:
        while True:
            chunk = sock.recv(1 << 20)
            if not chunk:
                break
            got.append(chunk)
    except ConnectionResetError:
        pass
    return b"".join(got)


def generated_index(c, n):
    """n articles of made-up words (150 a body) and one rare word: a
    search over four broad prefixes with snippets runs for seconds."""
    rnd = random.Random(7)
    syl = ["ka", "ra", "ma", "sa", "ba", "ta", "pa", "la", "na", "da", "ga",
           "ja", "ki", "ri", "mi", "si", "bi", "ti", "ku", "ru", "mu", "su"]
    words = sorted({rnd.choice(syl) + rnd.choice(syl) + rnd.choice(syl) +
                    rnd.choice(["", "n", "k", "t"]) for _ in range(20000)})
    for start in range(0, n, 500):
        cmds = [("PUT", "g%d" % i, "title", "judul",
                 "body", " ".join(rnd.choice(words) for _ in range(150)))
                for i in range(start, min(start + 500, n))]
        eq(c.pipeline(cmds), ["OK"] * len(cmds), "feed at %d" % start)
    eq(c.call("PUT", "langka", "title", "Kata zzlangka", "body", "zzlangka"),
       "OK", "rare article")


BOMB_PATH = ("/search?q=" + "ka*%20OR%20ba*%20OR%20ma*%20OR%20sa*"
             + "&limit=200&snippet=1")


@suite.test
def client_leaving_cancels_its_search(s):
    """An HTTP client that leaves while its search runs has it cancelled,
    as a RESP client's (EOF, then CONN_EOF_GRACE_USEC): with one query
    thread and no deadline, a cheap RESP search right after waits for
    nothing; a half-closed HTTP client still gets its answer."""
    hport = harness.free_port()
    os.environ["CARID_FTS5_PREFIX_MAX"] = "100000"  # the bomb's prefixes
    try:
        with harness.extra_daemon(s, ["--query-timeout-ms", "0",
                                      "--threads", "1",
                                      "--http-port", str(hport)]) as d:
            c = d.connect(timeout=60)
            generated_index(c, 4000)
            before = int(harness.stats(c, "commands")["queries_cancelled"])
            t0 = time.monotonic()
            gone = socket.create_connection(("127.0.0.1", hport))
            gone.sendall(b"GET " + BOMB_PATH.encode() + b" HTTP/1.1\r\n"
                         b"Host: x\r\nAuthorization: Bearer x\r\n\r\n")
            time.sleep(0.3)
            gone.close()
            eq(c.call("SEARCH", "zzlangka")[0], 1, "rare search")
            took = time.monotonic() - t0
            s.say("    rare search after an HTTP client left its bomb: "
                  "%.2f s" % took)
            check(took < 1.5, "rare search waited %.2f s" % took)
            eq(int(harness.stats(c, "commands")["queries_cancelled"]),
               before + 1, "queries_cancelled")
            # (queries_cancelled rising also says the bomb was still
            # running: one that ended first is not counted.)  A
            # half-closed client is answered: EOF is not leaving.
            half = socket.create_connection(("127.0.0.1", hport))
            half.sendall(b"GET /search?q=zzlangka HTTP/1.1\r\nHost: x\r\n"
                         b"Connection: close\r\n\r\n")
            half.shutdown(socket.SHUT_WR)
            got = read_to_eof(half)
            half.close()
            check(got.startswith(b"HTTP/1.1 200"), "half-closed: %r"
                  % got[:80])
            check(b'"total":1' in got.replace(b" ", b""),
                  "half-closed reply %r" % got[-200:])
    finally:
        del os.environ["CARID_FTS5_PREFIX_MAX"]


@suite.test
def replies_count_in_client_memory(s):
    """A reply evhttp holds for an HTTP client that does not read counts
    in --max-client-memory as a RESP client's unread replies: over it, the
    biggest client (this one) is dropped; a RESP client and an HTTP one
    with small replies are still served."""
    hport = harness.free_port()
    with harness.extra_daemon(s, ["--max-client-memory", str(1 << 20),
                                  "--max-bulk", str(16 << 20),
                                  "--http-max-body", str(20 << 20),
                                  "--http-port", str(hport)]) as d:
        body = ("Berita panjang sekali tentang harga beras di pasar. "
                * ((10 << 20) // 50))
        # indexing 10 MB took over 10 s under ASan on a loaded machine
        jrequest("PUT", "/articles/panjang", {"title": "Panjang",
                                              "body": body}, port=hport,
                 timeout=120)
        c = d.connect()
        before = int(harness.stats(c, "clients")["client_memory_drops"])
        slow = socket.socket()
        slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        slow.connect(("127.0.0.1", hport))
        slow.sendall(b"GET /articles/panjang HTTP/1.1\r\nHost: x\r\n\r\n")
        deadline = time.monotonic() + 10
        drops = before
        while time.monotonic() < deadline and drops == before:
            time.sleep(0.1)
            drops = int(harness.stats(c, "clients")["client_memory_drops"])
        eq(drops, before + 1, "the non-reading HTTP client dropped")
        got = len(read_to_eof(slow))
        slow.close()
        check(got < len(body), "it got %d of %d bytes" % (got, len(body)))
        eq(c.call("PING"), "PONG", "the RESP client is still served")
        jrequest("PUT", "/articles/pendek", {"title": "Pendek"}, port=hport)
        eq(jrequest("GET", "/articles/pendek", port=hport)["title"],
           "Pendek", "an HTTP client with a small reply is served")


@suite.test
def cors(s):
    status, hdrs, _ = request("GET", "/healthz", token=None)
    check("access-control-allow-origin" not in hdrs, "no CORS by default")
    origin = "https://redaksi.contoh.id"
    with harness.extra_daemon(s, ["--http-cors", origin, "--http-port",
                                  str(harness.free_port())]) as d:
        port = int(d.extra[d.extra.index("--http-port") + 1])
        status, hdrs, _ = request("GET", "/search?q=x", port=port,
                                  headers={"Origin": origin})
        eq(status, 200, "search")
        eq(hdrs.get("access-control-allow-origin"), origin, "allow origin")
        status, hdrs, _ = request(
            "OPTIONS", "/articles/x", token=None, port=port,
            headers={"Origin": origin,
                     "Access-Control-Request-Method": "PUT"})
        eq(status, 204, "preflight")
        check("PUT" in hdrs.get("access-control-allow-methods", ""),
              "allow methods %r" % hdrs)
        check("Authorization" in hdrs.get("access-control-allow-headers", ""),
              "allow headers %r" % hdrs)


@suite.test
def search_page(s):
    status, hdrs, data = request("GET", "/", token=None)
    eq(status, 200, "GET /")
    check(b'<html lang="id">' in data, "the page: %r" % data[:200])
    eq(request("GET", "/app.js", token=None)[0], 200, "GET /app.js")


def metrics_text():
    status, hdrs, data = request("GET", "/metrics")
    eq(status, 200, "/metrics")
    check(hdrs["content-type"].startswith("text/plain; version=0.0.4"),
          "content type %r" % hdrs["content-type"])
    return data


@suite.test
def metrics_promtool(s):
    jrequest("GET", "/search?q=harga")
    data = metrics_text()
    text = data.decode()
    for name in ("carid_documents", "carid_searches_total",
                 "carid_search_duration_seconds_count",
                 'carid_search_duration_seconds{quantile="0.99"}'):
        check(("\n" + name + " ") in text, "no %s" % name)
    check("_total_total" not in text and "usec" not in text,
          "names in base units")
    m = re.search(r"\ncarid_http_requests_total (\d+)\n", text)
    check(m is not None and int(m.group(1)) > 0, "http_requests counted")
    promtool = shutil.which("promtool")
    if promtool is None:
        s.say("     (promtool absent: scripts/deps --test installs "
              "prometheus)")
        return
    p = subprocess.run([promtool, "check", "metrics"], input=data,
                       capture_output=True, timeout=30)
    eq((p.returncode, p.stdout + p.stderr), (0, b""), "promtool check metrics")


@suite.test
def prometheus_scrapes(s):
    """Debian's prometheus scrapes /metrics with the Bearer password; its
    own API then has carid's figures."""
    prom = shutil.which("prometheus")
    if prom is None:
        s.say("     (prometheus absent: scripts/deps --test installs it)")
        return
    work = tempfile.mkdtemp(prefix="carid-prom-")
    port = harness.free_port()
    with open(os.path.join(work, "prometheus.yml"), "w") as f:
        f.write("global:\n  scrape_interval: 1s\n"
                "scrape_configs:\n  - job_name: carid\n"
                "    authorization:\n      credentials: %s\n"
                "    static_configs:\n      - targets: ['127.0.0.1:%d']\n"
                % (PASS, HTTP_PORT))
    proc = subprocess.Popen(
        [prom, "--config.file", os.path.join(work, "prometheus.yml"),
         "--storage.tsdb.path", os.path.join(work, "data"),
         "--web.listen-address", "127.0.0.1:%d" % port],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline, value = time.monotonic() + 30, None
        while time.monotonic() < deadline and value is None:
            time.sleep(0.5)
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                c.request("GET", "/api/v1/query?query=carid_documents")
                r = json.loads(c.getresponse().read())
                c.close()
            except (OSError, ValueError):
                continue
            res = r.get("data", {}).get("result", [])
            if res:
                value = float(res[0]["value"][1])
        check(value is not None, "prometheus never got carid_documents")
        c = s.daemon.connect()
        eq(c.call("AUTH", PASS), "OK", "AUTH")
        eq(value, float(harness.stats(c)["documents"]), "scraped documents")
        c.close()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(work, ignore_errors=True)


@suite.test
def every_route_replied_as_documented(s):
    """Each operation of openapi.yaml got a 200 the schema accepts (run
    last: the tests above made the requests)."""
    missing = [(p, m) for p, item in SPEC["paths"].items()
               for m in item if m in ("get", "put", "post", "delete")
               and (p, m, 200) not in CHECKED]
    eq(missing, [], "operations never answered 200 here")
    eq(SPEC["openapi"][:3], "3.1", "OpenAPI version")
    check(len(CHECKED) >= 20, "only %d (route, status) pairs checked: %s"
          % (len(CHECKED), sorted(CHECKED)))


if __name__ == "__main__":
    harness.main(suite)
