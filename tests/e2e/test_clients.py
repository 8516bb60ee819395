#!/usr/bin/env python3
"""test_clients.py - Redis clients nobody here wrote, at their defaults.

redis-py (Debian's), redis-cli (RESP2, -3, interactive hints under tmux,
over ::1), node-redis 6 and 4 and ioredis 6 and 5 (npm, installed into
build-clients/ at the repository root, kept between runs), and a hiredis C
program: connect with a password, a name and db 0, pipelines,
transactions, HELLO.
"""
import argparse
import json
import os
import shutil
import subprocess
import time

import harness
from harness import check, eq

PASS = "sandi-klien"
suite = harness.Suite("clients", extra_args=["--requirepass", PASS])
ap = argparse.ArgumentParser()
ap.add_argument("--hiredis-client", default="")
OPT, _ = ap.parse_known_args()
NODE_DIR = os.path.join(harness.ROOT, "build-clients")
PKG = os.path.join(harness.HERE, "clients", "package.json")


def redis_cli(s, *args, **kw):
    cmd = ["redis-cli", "-p", str(s.daemon.port), "-a", PASS,
           "--no-auth-warning"] + list(kw.get("opts", [])) + list(args)
    if "host" in kw:
        cmd[1:1] = ["-h", kw["host"]]
    p = subprocess.run(cmd, capture_output=True, timeout=20)
    return p.returncode, p.stdout.decode("utf-8", "replace")


@suite.test
def redis_py_defaults(s):
    redis = harness.import_redis()
    r = redis.Redis(host="127.0.0.1", port=s.daemon.port, password=PASS,
                    client_name="py-klien", db=0)
    eq(r.ping(), True, "ping")
    eq(r.client_getname(), "py-klien", "client_name option")
    check(r.client_id() > 0, "CLIENT ID")
    raw = s.daemon.connect()
    eq(raw.call("AUTH", PASS), "OK", "AUTH")
    names = raw.call("COMMAND", "LIST")
    raw.close()
    eq(r.command_count(), len(names), "command_count() matches COMMAND LIST")
    table = r.command()
    check("search" in table and table["search"]["arity"] == -2 and
          "readonly" in table["search"]["flags"],
          "redis-py parses COMMAND: %r" % (table.get("search"),))
    info = r.info()
    eq(info.get("redis_version"), "7.0.0", "INFO redis_version")
    check("carid_version" in info and info.get("loading") == 0,
          "INFO has carid_version and loading: %r" % sorted(info)[:20])
    p = r.pipeline()
    p.execute_command("PUT", "py-1", "title", "Sapi kurban", "body", "sapi")
    p.execute_command("COUNT", "sapi")
    eq(p.execute(), [b"OK", 1], "pipeline() as a transaction")
    p = r.pipeline(transaction=False)
    p.execute_command("GET", "tidak-ada")
    p.execute_command("COUNT", "sapi")
    eq(p.execute(), [None, 1], "pipeline(transaction=False)")
    listing = r.client_list()
    check(any(c.get("name") == "py-klien" for c in listing),
          "CLIENT LIST parsed by redis-py: %r" % listing[:2])
    r.close()


@suite.test
def redis_cli_resp3_and_ipv6(s):
    rc, out = redis_cli(s, "GET", "tidak-ada", opts=["-3", "--no-raw"])
    eq((rc, out.strip()), (0, "(nil)"), "redis-cli -3 GET of a missing id")
    rc, out = redis_cli(s, "HELLO", "3", opts=["-3"])
    check(rc == 0 and "server" in out and "carid" in out,
          "redis-cli -3 HELLO 3: %r" % out)
    log = s.daemon.log()
    if "not listening on ::1" in log:
        s.say("    (this host has no ::1: carid said so and skipped it)")
        return
    check("on 2 of '127.0.0.1 -::1'" in log, "ready line: %r" % log[-300:])
    rc, out = redis_cli(s, "PING", host="::1")
    eq((rc, out.strip()), (0, "PONG"), "redis-cli -h ::1 PING")


@suite.test
def redis_cli_interactive_hints(s):
    """Interactive redis-cli builds its hints from COMMAND DOCS."""
    session = "carid-hints-%d" % os.getpid()
    cmd = "redis-cli -p %d -a %s --no-auth-warning" % (s.daemon.port, PASS)
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "200",
                    "-y", "10", cmd], check=True, timeout=10)
    try:
        screen = ""
        for _ in range(50):
            time.sleep(0.1)
            screen = subprocess.run(
                ["tmux", "capture-pane", "-t", session, "-p"],
                capture_output=True, text=True, timeout=10).stdout
            if "%d>" % s.daemon.port in screen:
                break
        subprocess.run(["tmux", "send-keys", "-t", session, "SEARCH "],
                       check=True, timeout=10)
        for _ in range(30):
            time.sleep(0.1)
            screen = subprocess.run(
                ["tmux", "capture-pane", "-t", session, "-p"],
                capture_output=True, text=True, timeout=10).stdout
            if "LIMIT" in screen:
                break
        check("SEARCH query [LIMIT offset count] [SORT relevance|newest|oldest]"
              in screen, "hint after 'SEARCH ': %r" % screen)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], timeout=10)


def node_modules():
    """npm install the pinned clients once; reinstall when the pins change."""
    return harness.npm_install(PKG, NODE_DIR, "ioredis5")


@suite.test
def node_redis_and_ioredis(s):
    mods = node_modules()
    with harness.extra_daemon(s) as free:  # no password
        env = dict(os.environ, CARID_NODE_MODULES=mods)
        p = subprocess.run(["node", os.path.join(harness.HERE, "clients",
                                                 "node_clients.mjs"),
                            str(s.daemon.port), PASS, str(free.port)],
                           capture_output=True, text=True, timeout=120,
                           env=env)
    for line in p.stdout.splitlines():
        s.say("    " + line)
    eq(p.returncode, 0, "node clients (stderr: %s)" % p.stderr[-1500:])
    check(p.stdout.count("ok   ") >= 20, "every node check ran")


@suite.test
def hiredis(s):
    check(os.path.exists(OPT.hiredis_client),
          "hiredis_client not built: libhiredis-dev is missing "
          "(scripts/deps --test installs it)")
    p = subprocess.run([OPT.hiredis_client, str(s.daemon.port), PASS],
                       capture_output=True, text=True, timeout=30)
    for line in p.stdout.splitlines():
        if line.startswith("FAIL"):
            s.say("    " + line)
    eq(p.returncode, 0, "hiredis client: %s" % p.stdout[-1500:])
    check("10 passed, 0 failed" in p.stdout, "hiredis checks: %r" % p.stdout)


if __name__ == "__main__":
    harness.main(suite)
