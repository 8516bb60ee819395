#!/usr/bin/env python3
"""test_aliases.py - ALIAS ADD, DEL and LIST (PROTOCOL.md, ALIAS) and the
query expansion they make, fts5 only: through redis-py and redis-cli,
durable across a restart and carid --rebuild, read-only clients may LIST but not ADD or DEL,
a short form finds the articles that only write the long form and the
other way round, aliases learned from definitions in the articles, the precision rule for capitals-only short forms, the
limits, and ANALYZE showing the expansions.  The sentences are the
test's own."""
import shutil
import subprocess

import harness
from harness import ReplyError, check, eq

PASS = "kata-sandi-alias"
RO_PASS = "hanya-baca-alias"
suite = harness.Suite("aliases", extra_args=["--requirepass", PASS,
                                             "--readonly-pass", RO_PASS])
NOPERM = ReplyError("NOPERM this client is read-only")
CLI = shutil.which("redis-cli")

ARTICLES = [
    ("a1", "Komisi Pemberantasan Korupsi memeriksa kepala dinas",
     "Penyidik Komisi Pemberantasan Korupsi memeriksa kepala dinas "
     "pekerjaan umum selama delapan jam."),
    ("a2", "KPK menahan bendahara desa",
     "KPK menahan bendahara desa yang diduga menggelapkan dana irigasi."),
    ("a3", "Warga menanam bakau di pesisir",
     "Relawan dan warga menanam seribu bibit bakau di pesisir utara."),
    # the editor's own alias: nothing built in knows it
    ("a4", "Lomba Perahu Naga digelar di danau",
     "Puluhan tim mengikuti Lomba Perahu Naga di danau kota."),
    ("a5", "LPN kembali ramai penonton",
     "Panitia LPN menyiapkan tribun tambahan bagi penonton."),
    # "as" as a word of a sentence, and the country in full
    ("a6", "Harga kedelai dari Amerika Serikat naik",
     "Importir mengeluhkan kedelai Amerika Serikat yang makin mahal."),
    ("a7", "Bengkel mengganti as roda truk",
     "Mekanik mengganti as roda yang patah di tanjakan."),
]


def authed(s, password=PASS):
    c = s.daemon.connect()
    eq(c.call("AUTH", password), "OK", "AUTH")
    return c


def ids(reply):
    check(isinstance(reply, list), "expected hits, got %r" % (reply,))
    return sorted(hit[0].decode() for hit in reply[1:])


def search(c, q, *options):
    return ids(c.call("SEARCH", q, "RETURN", "0", *options))


def cli(s, *args):
    cmd = [CLI, "-h", s.daemon.host, "-p", str(s.daemon.port), "--no-auth-warning",
           "-a", PASS] + list(args)
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=15)
    return p.returncode, p.stdout


@suite.test
def feed(s):
    c = authed(s)
    for aid, title, body in ARTICLES:
        eq(c.call("PUT", aid, "title", title, "body", body), "OK", "PUT " + aid)


@suite.test
def builtin_both_ways(s):
    c = authed(s)
    eq(search(c, "KPK"), ["a1", "a2"], "KPK finds the long form too")
    eq(search(c, "Komisi Pemberantasan Korupsi"), ["a1", "a2"],
       "the long form, unquoted, finds KPK too")
    eq(search(c, '"komisi pemberantasan korupsi"'), ["a1", "a2"],
       "the long form as a phrase finds KPK too")
    eq(search(c, "KPK bendahara", "MATCH", "all"), ["a2"],
       "with another word, MATCH all: AND")
    eq(c.call("SEARCH", "KPK bendahara", "RETURN", "0")[1][0], b"a2",
       "with another word, best match: the article with both first")
    eq(search(c, "KPK kepala", "MATCH", "all"), ["a1"],
       "the long form's article")
    eq(search(c, "title:KPK"), ["a1", "a2"], "under a field")
    eq(search(c, "-KPK bakau"), ["a3"], "excluded: both forms")
    eq(search(c, "KPK NEAR bendahara"), ["a2"], "NEAR takes the word as typed")


@suite.test
def precision_rule(s):
    c = authed(s)
    # KPK is written in capitals in the list: kpk typed in lower case is
    # searched as typed
    eq(search(c, "kpk"), ["a2"], "lower-case kpk: the word only")
    eq(search(c, "AS kedelai", "MATCH", "all"), ["a6"],
       "AS in capitals: Amerika Serikat")
    eq(search(c, "as roda", "MATCH", "all"), ["a7"],
       "as in lower case: the word")
    # a long form does not expand to a two-letter capitals-only short form
    eq(search(c, "Amerika Serikat"), ["a6"], "no 'as' for Amerika Serikat")


@suite.test
def add_list_del_redis_py(s):
    redis = harness.import_redis()
    r = redis.Redis(host=s.daemon.host, port=s.daemon.port, password=PASS)
    eq(search(authed(s), "LPN"), ["a5"], "before ALIAS ADD")
    eq(r.execute_command("ALIAS", "ADD", "LPN", "Lomba Perahu Naga"), 1,
       "ALIAS ADD")
    eq(r.execute_command("ALIAS", "ADD", "LPN", "lomba perahu naga"), 0,
       "the same entry again, any case")
    eq(r.execute_command("ALIAS", "LIST", "lpn"),
       [[b"LPN", b"Lomba Perahu Naga", b"editor"]], "ALIAS LIST lpn")
    c = authed(s)
    eq(search(c, "LPN"), ["a4", "a5"], "effective at once, no re-indexing")
    eq(search(c, "Lomba Perahu Naga"), ["a4", "a5"], "and the other way")
    lst = r.execute_command("ALIAS", "LIST")
    check([b"KPK", b"Komisi Pemberantasan Korupsi", b"builtin"] in lst,
          "ALIAS LIST has the built-in entries")
    check([b"LPN", b"Lomba Perahu Naga", b"editor"] in lst,
          "ALIAS LIST has the editor's")
    eq(r.execute_command("ALIAS", "ADD", "LPN", "Liga Pelajar Nusantara"), 1,
       "a second long form")
    eq(r.execute_command("ALIAS", "DEL", "LPN", "Liga Pelajar Nusantara"), 1,
       "ALIAS DEL one long form")
    eq(r.execute_command("ALIAS", "LIST", "LPN"),
       [[b"LPN", b"Lomba Perahu Naga", b"editor"]], "one left")


@suite.test
def durable_across_restart(s):
    s.daemon.restart()
    c = authed(s)
    eq(c.call("ALIAS", "LIST", "LPN"),
       [[b"LPN", b"Lomba Perahu Naga", b"editor"]], "kept across a restart")
    eq(search(c, "LPN"), ["a4", "a5"], "and still expanded")


@suite.test
def kept_by_rebuild(s):
    s.daemon.stop()
    p = subprocess.run([s.opt.carid, "--rebuild", "--data", s.daemon.data_dir,
                        "--plugin", s.opt.plugin], stdin=subprocess.DEVNULL,
                       capture_output=True, timeout=60)
    eq(p.returncode, 0, "carid --rebuild: %r" % (p.stdout + p.stderr))
    s.daemon.start()
    c = authed(s)
    eq(c.call("ALIAS", "LIST", "LPN"),
       [[b"LPN", b"Lomba Perahu Naga", b"editor"]], "kept by --rebuild")
    eq(search(c, "Lomba Perahu Naga"), ["a4", "a5"], "and expanded")


@suite.test
def readonly_may_list(s):
    c = authed(s, RO_PASS)
    eq(c.call("ALIAS", "LIST", "LPN"),
       [[b"LPN", b"Lomba Perahu Naga", b"editor"]], "read-only LIST")
    eq(c.call("ALIAS", "ADD", "PKN", "Pekan Kebudayaan Nasional"), NOPERM,
       "read-only ADD")
    eq(c.call("ALIAS", "DEL", "LPN"), NOPERM, "read-only DEL")
    eq(authed(s).call("ALIAS", "LIST", "PKN"), [], "nothing added")


@suite.test
def redis_cli(s):
    if CLI is None:
        s.fail("redis-cli not found on PATH")
        return
    rc, out = cli(s, "--no-raw", "ALIAS", "ADD", "PKN", "Pekan Kebudayaan Nasional")
    eq((rc, out), (0, b"(integer) 1\n"), "redis-cli ALIAS ADD")
    rc, out = cli(s, "--no-raw", "ALIAS", "LIST", "PKN")
    eq(out, b'1) 1) "PKN"\n   2) "Pekan Kebudayaan Nasional"\n   3) "editor"\n',
       "redis-cli ALIAS LIST")
    rc, out = cli(s, "--no-raw", "ALIAS", "DEL", "PKN")
    eq(out, b"(integer) 1\n", "redis-cli ALIAS DEL (every long form)")


@suite.test
def errors_and_limits(s):
    c = authed(s)
    bad = [
        (("ALIAS", "ADD", "dua kata", "Apa Saja"),
         "ERR alias short form must be one word (KPK, Jokowi)"),
        (("ALIAS", "ADD", "X" * 33, "Apa Saja"),
         "ERR alias short form too long (max 32 bytes)"),
        (("ALIAS", "ADD", "ABC", "y" * 129),
         "ERR alias long form too long (max 128 bytes)"),
        (("ALIAS", "ADD", "ABC", "a b c d e f g h i"),
         "ERR alias long form has more than 8 words"),
        (("ALIAS", "ADD", "ABC", "abc"),
         "ERR alias long form is the short form itself"),
        (("ALIAS", "ADD", "ABC", ""), "ERR alias forms must not be empty"),
        (("ALIAS", "ADD", "ABC", "..."), "ERR alias long form has no words"),
        (("ALIAS", "DEL", "KPK"),
         "ERR built-in alias cannot be removed (PROTOCOL.md, ALIAS)"),
        (("ALIAS", "FOO"),
         "ERR ALIAS takes ADD short long, DEL short [long] or LIST [short]"),
        (("ALIAS", "ADD", "ABC"),
         "ERR wrong number of arguments for 'alias|add' command"),
        (("ALIAS", "LIST", "a", "b"),
         "ERR wrong number of arguments for 'alias|list' command"),
    ]
    for args, want in bad:
        eq(c.call(*args), ReplyError(want), " ".join(args)[:60])
    for i in range(8):
        eq(c.call("ALIAS", "ADD", "QQ", "bentuk panjang %s" % "abcdefgh"[i]),
           1, "long form %d of QQ" % (i + 1))
    eq(c.call("ALIAS", "ADD", "QQ", "bentuk panjang lagi"),
       ReplyError("ERR alias short form has 8 long forms already (max)"),
       "the 9th long form of one short form")
    eq(c.call("ALIAS", "DEL", "QQ"), 8, "DEL of every long form")
    eq(c.call("ALIAS", "DEL", "QQ"), 0, "nothing left to DEL")


@suite.test
def total_limit(s):
    c = authed(s)
    have = sum(1 for e in c.call("ALIAS", "LIST") if e[2] == b"editor")
    names = ["Z" + "".join(chr(65 + (i // 26 ** k) % 26) for k in range(3))
             for i in range(10000 - have)]
    c.send(b"".join(harness.Client.encode("ALIAS", "ADD", n, "tim " + n)
                    for n in names))
    got = [c.read() for _ in names]
    eq(got.count(1), len(names), "ADD up to 10000 editors' aliases")
    eq(c.call("ALIAS", "ADD", "ZZZZZ", "satu lagi"),
       ReplyError("ERR 10000 aliases already (max): ALIAS DEL some first"),
       "the 10001st")
    eq(search(c, "ZAAB"), [], "a search with 10000 aliases")
    c.send(b"".join(harness.Client.encode("ALIAS", "DEL", n) for n in names))
    eq(sum(c.read() for _ in names), len(names), "and DEL them all")
    eq(c.call("ALIAS", "ADD", "ZZZZZ", "satu lagi"), 1, "room again")
    eq(c.call("ALIAS", "DEL", "ZZZZZ"), 1, "DEL")


@suite.test
def analyze_shows_expansion(s):
    c = authed(s)
    r = c.call("ANALYZE", "KPK di Jawa Barat")
    eq([x[0] for x in r[:4]], [b"kpk", b"di", b"jawa", b"barat"], "tokens")
    eq(r[4:], [[b"komisi pemberantasan korupsi", b"alias:kpk", 0, 3],
               [b"jabar", b"alias:jawa barat", 7, 17]], "expansions")
    eq(c.call("ANALYZE", "kpk"), [[b"kpk", b"kpk", 0, 3]],
       "lower-case kpk: no expansion")


@suite.test
def in_transaction(s):
    c = authed(s)
    c.send(b"MULTI\r\nALIAS ADD TPN \"Taman Perahu Naga\"\r\n"
           b"ALIAS LIST TPN\r\nEXEC\r\n")
    got = [c.read() for _ in range(4)]
    eq(got[3], [1, [[b"TPN", b"Taman Perahu Naga", b"editor"]]],
       "ADD then LIST in one EXEC")
    eq(c.call("ALIAS", "DEL", "TPN"), 1, "DEL")
    # an EXEC whose second ADD fails applies nothing: the first is undone
    c.send(b"MULTI\r\nALIAS ADD TPN \"Taman Perahu Naga\"\r\n"
           b"ALIAS ADD \"dua kata\" x\r\nEXEC\r\n")
    got = [c.read() for _ in range(4)]
    check(isinstance(got[3], ReplyError) and
          str(got[3]).startswith("EXECABORT nothing applied"),
          "EXEC with a refused ADD: %r" % (got[3],))
    eq(c.call("ALIAS", "LIST", "TPN"), [], "rolled back")
    eq(c.call("ALIAS", "ADD", "TPN", "Taman Perahu Naga"), 1,
       "the writer knows it is not there")
    eq(c.call("ALIAS", "DEL", "TPN"), 1, "DEL again")


@suite.test
def learned_from_articles(s):
    """A definition "long form (SHORT)" in two articles makes an alias
    (PROTOCOL.md, Aliases: learned); fewer, and it is none; ALIAS DEL
    blocks it for good."""
    c = authed(s)
    define = ("Relawan Dewan Penjaga Hutan Kota (DPHK) menanam trembesi di "
              "taman %s.")

    def put(aid, body):
        eq(c.call("PUT", aid, "title", "Hutan kota " + aid, "body", body),
           "OK", "PUT " + aid)

    put("h1", define % "utara")
    put("h3", "Petugas DPHK menyiram pohon setiap pagi.")
    put("h4", "Anggota Dewan Penjaga Hutan Kota berpatroli malam.")
    put("h6", "Jakarta (Antara) - Warga membersihkan selokan.")
    put("h7", "Jakarta (Antara) - Pedagang menata lapak.")
    eq(c.call("ALIAS", "LIST", "DPHK"), [], "one definition: not yet")
    eq(search(c, "DPHK"), ["h1", "h3"], "the short form only")
    put("h2", define % "selatan")
    eq(c.call("ALIAS", "LIST", "DPHK"),
       [[b"DPHK", b"Dewan Penjaga Hutan Kota", b"learned"]],
       "two articles define it: learned")
    eq(search(c, "DPHK"), ["h1", "h2", "h3", "h4"],
       "the short form finds the long form's article")
    eq(harness.stats(c, "index").get("aliases_learned"), "1",
       "STATS index: aliases_learned")
    eq(search(c, "Dewan Penjaga Hutan Kota"), ["h1", "h2", "h3", "h4"],
       "and the other way")
    eq(c.call("ALIAS", "LIST", "Antara"), [],
       "an ordinary word in brackets is no short form")
    put("h2", define % "selatan")
    eq(search(c, "DPHK"), ["h1", "h2", "h3", "h4"],
       "the same article again counts once")
    eq(c.call("DEL", "h2"), 1, "DEL h2")
    eq(c.call("ALIAS", "LIST", "DPHK"), [], "one article left: unlearned")
    eq(search(c, "DPHK"), ["h1", "h3"], "the short form only again")
    put("h2", define % "selatan")
    eq(len(c.call("ALIAS", "LIST", "DPHK")), 1, "learned again")
    eq(c.call("ALIAS", "DEL", "DPHK"), 1, "an editor removes it")
    put("h5", define % "barat")
    eq(c.call("ALIAS", "LIST", "DPHK"), [], "and it is not learned again")
    s.daemon.restart()
    c = authed(s)
    eq(c.call("ALIAS", "LIST", "DPHK"), [], "not after a restart either")
    eq(search(c, "DPHK"), ["h1", "h2", "h3", "h5"], "DPHK as typed")


if __name__ == "__main__":
    raise SystemExit(suite.run())
