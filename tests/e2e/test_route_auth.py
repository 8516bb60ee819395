#!/usr/bin/env python3
"""test_route_auth.py - carid --route to shards that run --requirepass
(issue 18): --route-password-file.

Two sets of three shards split by date, the same articles in each: one
set open, one set with --requirepass.  A router over the open set without
a password, and one over the locked set with --route-password-file (and
its own, different --requirepass for its clients), must answer every
query alike: ids, scores, totals (redis-py on the client side).  A router
with a wrong password and one with none give an error naming the shard;
STATS and INFO of the router show the refusal.  A locked shard restarted
on its port is AUTHed again on the router's next query.  Neither password
appears in the routers' INFO, STATS, Prometheus text or logs.
"""
import os
import random
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import check, eq  # noqa: E402

redis = harness.import_redis()
suite = harness.Suite("route_auth", daemon=False)

SHARD_PASS = "kunci-pecahan-7Qz"   # the shards' --requirepass
CLIENT_PASS = "sandi-klien-3Kp"    # the locked router's own --requirepass
WRONG_PASS = "bukan-kuncinya"
RANGES = [("", "2019-12-31"), ("2020-01-01", "2021-12-31"),
          ("2022-01-01", "")]
VOCAB = ("nelayan perahu ombak dermaga tangkapan cuaca angin badai "
         "petani sawah pupuk gabah irigasi kemarau musim tanam "
         "siswa ujian sekolah beasiswa kampus dosen wisuda perpustakaan "
         "pasar pedagang cabai bawang minyak goreng gula telur "
         "kereta terminal tol kemacetan mudik bus ojek trotoar").split()
N = 240


def sentence(rng, n):
    return " ".join(rng.choice(VOCAB[:12]) if rng.random() < 0.4
                    else rng.choice(VOCAB) for _ in range(n))


def corpus():
    rng = random.Random(1818)
    docs = []
    for i in range(N):
        date = "%d-%02d-%02d" % (rng.choice((2018, 2019, 2020, 2021, 2022,
                                             2023)),
                                 rng.randint(1, 12), rng.randint(1, 28))
        docs.append(("k%03d" % i, [
            "title", sentence(rng, rng.randint(3, 6)).capitalize(),
            "body", sentence(rng, rng.randint(12, 40)) + ".",
            "source", rng.choice(("antara", "detik", "republika")),
            "date", date]))
    return docs


class World:
    pass


W = World()


def password_file(text):
    fd, path = tempfile.mkstemp(prefix="carid-e2e-pass-")
    os.write(fd, (text + "\n").encode())
    os.close(fd)
    os.chmod(path, 0o600)
    return path


def spec(shards):
    return ";".join("%s..%s=127.0.0.1:%d" % (a, b, d.port)
                    for (a, b), d in zip(RANGES, shards))


def client(d, password=None):
    return redis.Redis(host="127.0.0.1", port=d.port, password=password,
                       socket_timeout=30)


def start(s):
    W.daemons = []

    def daemon(args):
        d = harness.Daemon(s.opt, args)
        W.daemons.append(d)
        return d.start()

    W.good_file = password_file(SHARD_PASS)
    W.wrong_file = password_file(WRONG_PASS)
    W.open = [daemon([]) for _ in RANGES]
    W.locked = [daemon(["--requirepass", SHARD_PASS]) for _ in RANGES]
    W.r_open = daemon(["--route", spec(W.open)])
    W.r_auth = daemon(["--route", spec(W.locked), "--route-password-file",
                       W.good_file, "--requirepass", CLIENT_PASS])
    W.r_wrong = daemon(["--route", spec(W.locked), "--route-password-file",
                        W.wrong_file])
    W.r_none = daemon(["--route", spec(W.locked)])
    W.a, W.b = client(W.r_open), client(W.r_auth, CLIENT_PASS)
    W.docs = corpus()
    for c in (W.a, W.b):
        p = c.pipeline(transaction=False)
        for id_, fields in W.docs:
            p.execute_command("PUT", id_, *fields)
        check(all(x == b"OK" for x in p.execute()), "every PUT +OK")
        eq(c.execute_command("OPTIMIZE"), b"OK", "OPTIMIZE")


def stop_all():
    for d in getattr(W, "daemons", []):
        d.stop()
        for p in d.problems:
            suite.fail(p)
        d.cleanup()
    for f in (getattr(W, "good_file", None), getattr(W, "wrong_file", None)):
        if f:
            os.unlink(f)


def query(rng):
    ws = [rng.choice(VOCAB) for _ in range(rng.randint(1, 3))]
    q = rng.choice((" ".join(ws), " OR ".join(ws), '"%s %s"' % (
        rng.choice(VOCAB), rng.choice(VOCAB)), ws[0][:3] + "*", ws[0]))
    opts = []
    if rng.random() < 0.3:
        opts += ["FROM", "%d-%02d-01" % (rng.choice((2019, 2020, 2021)),
                                         rng.randint(1, 12))]
    if rng.random() < 0.3:
        opts += ["SORT", rng.choice(("newest", "oldest"))]
    if rng.random() < 0.2:
        opts += ["SOURCE", rng.choice(("antara", "detik"))]
    if rng.random() < 0.4:
        opts += ["LIMIT", str(rng.choice((0, 2, 7))),
                 str(rng.choice((1, 5, 20)))]
    return [q] + opts


def auth_refused(c, what):
    """The error of what sent by c, which must be refused for its AUTH."""
    try:
        c.execute_command(*what)
    except (redis.AuthenticationError, redis.ResponseError) as e:
        return str(e)
    raise AssertionError("%r answered" % (what,))


@suite.test
def the_router_needs_its_own_password(s):
    """--requirepass of the router is its clients', the shards' is not."""
    e = auth_refused(client(W.r_auth), ["SEARCH", "pasar"])
    check("Authentication required" in e, "no AUTH: %s" % e)
    e = auth_refused(client(W.r_auth, SHARD_PASS), ["PING"])
    check("WRONGPASS" in e, "the shards' password on the router: %s" % e)
    e = auth_refused(client(W.locked[0]), ["SEARCH", "pasar"])
    check("Authentication required" in e, "a locked shard: %s" % e)


@suite.test
def same_answers_as_over_open_shards(s):
    rng = random.Random(5)
    harness.same_searches(W.a, W.b, [query(rng) for _ in range(150)],
                          ("open", "locked"), 100)
    for q in ("pasar OR kereta", "petani sawah"):
        eq(W.b.execute_command("COUNT", q), W.a.execute_command("COUNT", q),
           "COUNT %r" % q)
    id_ = W.docs[11][0]
    got = W.b.execute_command("GET", id_)
    check(got is not None, "GET %s through the locked router" % id_)
    eq(got, W.a.execute_command("GET", id_), "GET %s" % id_)
    st = W.b.execute_command("STATS", "index").decode()
    check("documents:%d" % N in st and "shards_unavailable:0" in st,
          "STATS index of the locked router: %r" % st)
    # each set of shards holds the articles: the PUTs did get through
    for i, (o, k) in enumerate(zip(W.open, W.locked)):
        eq(client(k, SHARD_PASS).execute_command("STATS", "index")
           .split(b"documents:")[1].split()[0],
           client(o).execute_command("STATS", "index")
           .split(b"documents:")[1].split()[0], "articles on shard %d" % i)


def refused(c, what):
    try:
        c.execute_command(*what)
    except redis.ResponseError as e:
        return str(e)
    raise AssertionError("%r answered without the shards' password" % what)


def stats_of(c, section):
    text = c.execute_command("STATS", section).decode()
    return dict(line.split(":", 1) for line in text.split("\r\n")
                if ":" in line)


@suite.test
def a_wrong_password_is_a_clear_error(s):
    c = client(W.r_wrong)
    for what in (["SEARCH", "pasar"], ["COUNT", "cabai"], ["GET", "k001"],
                 ["PUT", "z1", "title", "Ombak tinggi", "date",
                  "2023-05-05"]):
        e = refused(c, what)
        check("shard 1 (127.0.0.1:%d)" % W.locked[0].port in e and
              "refused the router's AUTH" in e and "WRONGPASS" in e,
              "%s: %s" % (what[0], e))
    route = stats_of(c, "route")
    eq(route["route_shards_refusing"], "3", "STATS route: shards refusing")
    check(int(route["route_auth_refused"]) >= 3, "refused: %r" % route)
    eq(route["route_auth_accepted"], "0", "none accepted")
    index = stats_of(c, "index")
    eq(index.get("shards_unavailable"), "3", "STATS index: %r" % index)
    check("documents" not in index, "no part given as the whole")
    info = c.info()
    eq(info.get("route_shards_refusing"), 3, "INFO route_shards_refusing")
    check(info.get("route_auth_refused", 0) >= 3, "INFO route_auth_refused")
    log = W.r_wrong.log()
    for i, d in enumerate(W.locked):
        check("shard %d (127.0.0.1:%d) refused the router's AUTH: WRONGPASS"
              % (i + 1, d.port) in log, "the log names shard %d:\n%s"
              % (i + 1, log[-2000:]))
    # the good router's gauge is 0
    eq(stats_of(W.b, "route")["route_shards_refusing"], "0", "good router")
    # no password at all: the shard's own NOAUTH, named
    e = refused(client(W.r_none), ["SEARCH", "pasar"])
    check("shard 1" in e and "NOAUTH" in e, "without a password: %s" % e)


@suite.test
def a_restarted_shard_is_authed_again(s):
    d = W.locked[1]
    port = d.port
    before = int(stats_of(W.b, "route")["route_auth_accepted"])
    want = W.b.execute_command("SEARCH", "pedagang OR gula", "LIMIT", "0",
                               "20")
    d.stop()
    # the same data on the same port, as a restart would be
    d.extra = d.extra + ["--port", str(port)]
    d.start()
    d.port = port
    # each query thread holds a connection the restart closed: every one
    # reconnects and AUTHs before it asks, none answers an error
    for _ in range(6):
        eq(W.b.execute_command("SEARCH", "pedagang OR gula", "LIMIT", "0",
                               "20"), want, "after the restart")
    after = int(stats_of(W.b, "route")["route_auth_accepted"])
    check(after > before, "AUTH again: %d -> %d" % (before, after))


@suite.test
def no_password_in_what_the_router_shows(s):
    secrets = (SHARD_PASS, WRONG_PASS, CLIENT_PASS)
    for c, d in ((W.b, W.r_auth), (client(W.r_wrong), W.r_wrong),
                 (client(W.r_none), W.r_none)):
        shown = [c.execute_command("INFO", "everything"),
                 c.execute_command("STATS"),
                 c.execute_command("STATS", "prometheus"),
                 c.execute_command("CLIENT", "LIST"),
                 c.execute_command("SLOWLOG", "GET", "100")]
        text = repr(shown) + d.log()
        for p in secrets:
            check(p not in text, "%r shown by the router on port %d"
                  % (p, d.port))
    for d in W.locked:
        for p in secrets:
            check(p not in d.log(), "a shard logged a password")


if __name__ == "__main__":
    harness.run_world(suite, start, stop_all)
