#!/usr/bin/env python3
"""test_memory.py - one memory bound for all clients (#15).

100 clients each pipeline two SEARCHes whose replies are 10 MB (50
articles of 200 KiB returned whole) and never read a byte: 2 GB of
replies asked for.  Under the default --max-client-memory (128 MiB) the
daemon's resident memory grows by at most that plus the replies being
built on the query threads, the biggest offenders are dropped (STATS
clients: client_memory_drops), and a client that reads is still served.
ANALYZE's text is capped, so its reply is too.
"""
import socket
import time

import harness
from harness import ReplyError, check, eq

suite = harness.Suite("memory")
BODY = ("Harga cabai rawit di pasar induk naik lagi pekan ini. " * 3800)[:200 * 1024]
CLIENTS, PIPELINED = 100, 2


def sanitized(path):
    with open(path, "rb") as f:
        data = f.read()
    return b"__asan_init" in data or b"__tsan_init" in data


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


@suite.test
def feed(s):
    c = s.daemon.connect(timeout=60)
    got = c.pipeline([("PUT", "besar-%d" % i, "title", "Cabai mahal %d" % i,
                       "body", BODY, "source", "uji") for i in range(50)])
    eq(got, ["OK"] * 50, "50 articles of 200 KiB")


@suite.test
def non_reading_clients_are_bounded(s):
    c = s.daemon.connect(timeout=60)
    query = harness.Client.encode("SEARCH", "cabai", "LIMIT", "0", "50",
                                  "RETURN", "1", "body")
    base = rss_kb(s.daemon.proc.pid)
    hogs = []
    for _ in range(CLIENTS):
        h = socket.create_connection((s.daemon.host, s.daemon.port))
        h.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)
        h.sendall(query * PIPELINED)
        hogs.append(h)
    peak = base
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        peak = max(peak, rss_kb(s.daemon.proc.pid))
        st = harness.stats(c, "commands")
        if int(st.get("searches", 0)) >= CLIENTS * PIPELINED:
            break
        time.sleep(0.05)
    for _ in range(20):  # the last replies are being written
        peak = max(peak, rss_kb(s.daemon.proc.pid))
        time.sleep(0.05)
    clients = harness.stats(c, "clients")
    grown_mb = (peak - base) / 1024.0
    s.say("    %d clients x %d replies of 10 MB unread: RSS %d -> peak %d MB "
          "(+%.0f MB), %s dropped, client_memory now %s"
          % (CLIENTS, PIPELINED, base // 1024, peak // 1024, grown_mb,
             clients.get("client_memory_drops"),
             clients.get("client_memory")))
    # 128 MiB of client buffers; two query threads building a 10 MB reply
    # each (a buffer doubled to 16 MB, briefly twice while it grows); a few
    # finished replies the loop has not yet taken; the allocator's slack.
    # Measured +181..197 MB; before the bound +1,385 MB.
    # Under AddressSanitizer freed memory sits in its quarantine: the RSS
    # says nothing of carid there, its own count (client_memory) does.
    # (Slowed by it, the query threads may also never fill the budget.)
    if sanitized(s.opt.carid):
        s.say("    (sanitizer build: RSS and drops not checked)")
    else:
        check(grown_mb < 128 + 2 * 32 + 100, "RSS grew %.0f MB" % grown_mb)
        check(int(clients["client_memory_drops"]) > 0, "nobody was dropped")
    check(int(clients["client_memory"]) <= 128 << 20, "over the budget now")
    eq(c.call("COUNT", "cabai"), 50, "a reading client is served")
    for h in hogs:
        h.close()


@suite.test
def analyze_is_capped(s):
    c = s.daemon.connect()
    r = c.call("ANALYZE", "kata " * 13108)
    eq(r if isinstance(r, ReplyError) else "a reply of %d tokens" % len(r),
       ReplyError("ERR ANALYZE text too long (max 65536 bytes)"),
       "ANALYZE of 65,540 bytes")
    r = c.call("ANALYZE", ("kata " * 13108)[:65536])
    check(isinstance(r, list) and len(r) == 13108,
          "64 KiB analyzed: %d tokens" % len(r))


if __name__ == "__main__":
    harness.main(suite)
