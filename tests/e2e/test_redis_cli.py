#!/usr/bin/env python3
"""test_redis_cli.py - stock Redis tools against carid.

redis-cli with argv commands (values with spaces, quotes, newlines and
UTF-8), redis-cli --pipe, interactive mode on a pipe, --stat, and
python3-redis parsing INFO.  Needs redis-cli on PATH (redis-tools).
"""
import shutil
import subprocess
import time

import harness
from harness import check, eq

suite = harness.Suite("redis_cli")
CLI = shutil.which("redis-cli")


def cli(s, *args, stdin=None, timeout=15):
    """Runs redis-cli against the daemon; returns (status, stdout bytes)."""
    cmd = [CLI, "-h", s.daemon.host, "-p", str(s.daemon.port)] + list(args)
    p = subprocess.run(cmd, input=stdin, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=timeout)
    return p.returncode, p.stdout


@suite.test
def have_redis_cli(s):
    check(CLI is not None, "redis-cli not found on PATH")


@suite.test
def ping(s):
    rc, out = cli(s, "PING")
    eq((rc, out), (0, b"PONG\n"), "redis-cli PING")
    rc, out = cli(s, "ECHO", "halo dunia")
    eq(out, b"halo dunia\n", "redis-cli ECHO")


TITLE = 'Warga "Kampung Pulo" menanam pohon'
BODY = ("Baris pertama tentang penghijauan.\nBaris kedua: \"kutipan\" "
        "dan 'petik tunggal', lalu unikode: café, naïve, 東京, ✓.")


@suite.test
def put_get_search_del_argv(s):
    rc, out = cli(s, "PUT", "cli-1", "title", TITLE, "body", BODY,
                  "source", "warta lokal", "date", "2024-05-17")
    eq(out, b"OK\n", "redis-cli PUT")
    rc, out = cli(s, "GET", "cli-1")
    want = ("title\n%s\nbody\n%s\nsource\nwarta lokal\ndate\n2024-05-17\n"
            % (TITLE, BODY)).encode()
    eq(out, want, "redis-cli GET (raw output)")
    # The same bytes over a raw socket: nothing was mangled on the way in.
    c = s.daemon.connect()
    got = harness.field_pairs(c.call("GET", "cli-1"))
    eq(got, {"title": TITLE.encode(), "body": BODY.encode(),
             "source": b"warta lokal", "date": b"2024-05-17"}, "GET fields")
    c.close()
    rc, out = cli(s, "SEARCH", "penghijauan", "RETURN", "1", "source")
    lines = out.split(b"\n")
    check(lines[:2] == [b"1", b"cli-1"],
          "redis-cli SEARCH penghijauan: %r" % out)
    check(b"warta lokal" in lines, "RETURN source missing: %r" % out)
    rc, out = cli(s, "SEARCH", "kampung pulo", "SNIPPET")
    check(out.startswith(b"1\ncli-1\n"), "SEARCH 'kampung pulo': %r" % out)
    rc, out = cli(s, "COUNT", "tidakadasamasekali")
    eq(out, b"0\n", "COUNT of a missing word")
    rc, out = cli(s, "DEL", "cli-1", "cli-tidak-ada")
    eq(out, b"1\n", "redis-cli DEL")
    rc, out = cli(s, "GET", "cli-1")
    eq(out, b"\n", "GET after DEL (nil prints an empty line)")


@suite.test
def error_reply_exit(s):
    rc, out = cli(s, "PUT", "cli-2", "warna", "merah")
    check(out.startswith(b"ERR unknown field"),
          "error reply through redis-cli: %r" % out)


def resp(*args):
    return harness.Client.encode(*args)


@suite.test
def pipe_mode(s):
    reqs = b"".join(
        resp("PUT", "pipa-%d" % i, "title", "Berita pipa nomor %d" % i,
             "body", "Isi berita pipa %d tentang saluran air bersih." % i,
             "date", "2024-01-%02d" % (i % 28 + 1))
        for i in range(1000))
    rc, out = cli(s, "--pipe", stdin=reqs, timeout=60)
    eq(rc, 0, "redis-cli --pipe exit status (output %r)" % out[-300:])
    check(b"errors: 0, replies: 1000" in out,
          "--pipe summary: %r" % out[-300:])
    rc, out = cli(s, "COUNT", "saluran")
    eq(out, b"1000\n", "COUNT after --pipe")
    rc, out = cli(s, "GET", "pipa-999")
    check(b"Berita pipa nomor 999\n" in out, "GET pipa-999: %r" % out)


@suite.test
def pipe_mode_reports_errors(s):
    reqs = resp("PUT", "pipa-x", "date", "2024-13-01") + resp("PING")
    rc, out = cli(s, "--pipe", stdin=reqs, timeout=30)
    check(b"errors: 1, replies: 2" in out, "--pipe summary: %r" % out)


@suite.test
def interactive_on_a_pipe(s):
    # No command arguments: redis-cli starts its REPL (asking COMMAND DOCS
    # first) and reads commands from stdin; it must answer and not hang.
    t0 = time.monotonic()
    try:
        rc, out = cli(s, stdin=b"PING\nECHO satu\nCOUNT saluran\n",
                      timeout=10)
    except subprocess.TimeoutExpired:
        raise AssertionError("interactive redis-cli hung (10 s)")
    eq(out.split(b"\n")[:3], [b"PONG", b"satu", b"1000"],
       "interactive output")
    check(time.monotonic() - t0 < 5, "interactive mode took too long")


@suite.test
def stat_mode(s):
    # stdbuf: redis-cli's stdout is a pipe here, and terminate() would
    # lose a fully buffered table.
    cmd = ["stdbuf", "-oL", CLI, "-h", s.daemon.host, "-p",
           str(s.daemon.port), "--stat", "-i", "0.1"]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT)
    time.sleep(1.2)
    p.terminate()
    try:
        out, _ = p.communicate(timeout=5)
    except subprocess.TimeoutExpired:
        p.kill()
        out, _ = p.communicate()
    text = out.decode("utf-8", "replace")
    lines = text.splitlines()
    header = [l for l in lines if "keys" in l and "clients" in l]
    check(header, "--stat printed no header with a keys column: %r"
          % text[:500])
    # A row: keys, mem, clients, blocked, requests, connections.
    rows = [l for l in lines if l.split() and l.split()[0].isdigit()]
    check(len(rows) >= 3, "--stat printed %d rows in 1.2 s: %r"
          % (len(rows), text[:800]))
    check(int(rows[-1].split()[0]) >= 1000,
          "--stat keys column %r should count the 1000 articles"
          % rows[-1])
    check("ERR" not in text, "--stat output has errors: %r" % text[:800])


@suite.test
def redis_py_info(s):
    redis = harness.import_redis()
    r = redis.Redis(host=s.daemon.host, port=s.daemon.port,
                    socket_timeout=10)
    check(r.ping() is True, "redis-py ping")
    info = r.info()
    check(isinstance(info, dict), "info() is %r" % type(info))
    check(isinstance(info.get("connected_clients"), int)
          and info["connected_clients"] >= 1,
          "connected_clients in INFO: %r" % info.get("connected_clients"))
    for key in ("uptime_in_seconds", "maxclients",
                "total_commands_processed"):
        check(key in info, "INFO lacks %s" % key)
    check(info.get("db0", {}).get("keys", -1) >= 1000,
          "db0:keys in INFO: %r" % info.get("db0"))
    clients = r.info("clients")
    check("connected_clients" in clients and "uptime_in_seconds"
          not in clients, "INFO clients is only that section: %r"
          % clients)
    # Commands through redis-py's execute_command, binary-safe.
    eq(r.execute_command("PUT", "py-1", "title", b"Judul \xff\x00 biner",
                         "body", "teks"), b"OK", "redis-py PUT")
    eq(r.execute_command("GET", "py-1")[:2], [b"title",
                                               b"Judul \xff\x00 biner"],
       "redis-py GET")
    r.close()


if __name__ == "__main__":
    harness.main(suite)
