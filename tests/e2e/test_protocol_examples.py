#!/usr/bin/env python3
"""test_protocol_examples.py - replays every ```resp block of PROTOCOL.md.

Blocks run in order over one raw TCP connection to a fresh daemon.  In a
block, "> " lines are sent with CRLF, the lines after them are the expected
reply lines ("~ " lines are full-match regexes, empty lines are empty reply
lines).  A block tagged ```resp fts5 runs only with that plugin.  After a
mismatch the connection is replaced (the stream may be out of step).
"""
import os
import re
import socket
import sys

import harness

PROTOCOL_MD = os.path.join(harness.ROOT, "protocol", "PROTOCOL.md")
LINE_TIMEOUT = 5  # seconds to wait for one expected reply line


def parse_blocks(path):
    """[(line number, heading, tags, [steps])]; a step is
    (first line number, [sent lines], [expected lines])."""
    blocks = []
    heading = ""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("#"):
            heading = line.lstrip("#").strip()
        m = re.match(r"^```resp\b(.*)$", line)
        if not m:
            i += 1
            continue
        start, tags, body = i + 1, m.group(1).split(), []
        i += 1
        while i < len(lines) and not lines[i].startswith("```"):
            body.append((i + 1, lines[i]))
            i += 1
        if i == len(lines):
            raise ValueError("%s:%d: unterminated resp block" % (path, start))
        i += 1
        steps = []
        for lineno, text in body:
            if text.startswith("> "):
                if not steps or steps[-1][2]:
                    steps.append((lineno, [], []))
                steps[-1][1].append(text[2:])
            else:
                if not steps:
                    raise ValueError("%s:%d: reply before any request"
                                     % (path, lineno))
                steps[-1][2].append(text)
        blocks.append((start, heading, tags, steps))
    return blocks


def line_matches(got, want):
    """got is bytes without CRLF; want is an expected line from the doc."""
    text = got.decode("utf-8", "surrogateescape")
    if want.startswith("~ "):
        return re.fullmatch(want[2:], text, re.S) is not None
    return text == want


class Replayer:
    def __init__(self, suite):
        self.suite = suite
        self.client = None

    def connect(self):
        if self.client:
            self.client.close()
        self.client = self.suite.daemon.connect(timeout=LINE_TIMEOUT)

    def step(self, block_line, step):
        """Runs one step; returns a list of mismatch descriptions."""
        lineno, sent, expected = step
        self.client.send(b"".join(s.encode("utf-8") + b"\r\n" for s in sent))
        got = []
        problems = []
        for k, want in enumerate(expected):
            try:
                line = self.client.line()
            except (socket.timeout, ConnectionError, OSError) as e:
                problems.append("line %d: expected %r, got %s"
                                % (lineno + len(sent) + k, want,
                                   "timeout" if isinstance(e, socket.timeout)
                                   else e))
                break
            got.append(line)
            if not line_matches(line, want):
                problems.append("line %d: expected %r, got %r"
                                % (lineno + len(sent) + k, want, line))
        if problems:
            ctx = ["  sent: " + " / ".join(sent),
                   "  expected: " + " | ".join(expected),
                   "  got:      " + " | ".join(
                       g.decode("utf-8", "replace") for g in got)]
            problems.append("\n".join(ctx))
        return problems


def main():
    suite = harness.Suite("protocol_examples")
    blocks = parse_blocks(PROTOCOL_MD)
    rp = Replayer(suite)
    seen_quit = []

    @suite.test
    def parsed_enough_blocks(s):
        harness.check(len(blocks) >= 10, "only %d resp blocks in %s"
                      % (len(blocks), PROTOCOL_MD))
        steps = sum(len(b[3]) for b in blocks)
        harness.check(steps >= 30, "only %d steps parsed" % steps)

    def make(block):
        start, heading, tags, steps = block

        def run(s):
            if rp.client is None:
                rp.connect()
            for step in steps:
                problems = rp.step(start, step)
                if problems:
                    for p in problems:
                        s.fail(p)
                    rp.connect()
                    return
                if step[1] and step[1][-1].upper() == "QUIT":
                    seen_quit.append(start)
                    harness.check(rp.client.closed_by_server(),
                                  "connection still open after QUIT")
                    rp.connect()
        run.__name__ = "PROTOCOL.md:%d %s" % (start, heading)
        return run

    skipped = 0
    for block in blocks:
        tags = block[2]
        if tags and suite.plugin not in tags:
            skipped += 1
            continue
        suite.test(make(block))

    @suite.test
    def quit_closes(s):
        harness.check(seen_quit, "no QUIT example was replayed")

    if skipped:
        suite.say("skipping %d block(s) tagged for other plugins" % skipped)
    sys.exit(suite.run())


if __name__ == "__main__":
    main()
