"""feed_watch - scripts/feed's memory and its watch mode (stdlib only).

A file is the unit: it is sent whole when it is new or its bytes changed
(a .jsonl a scraper appends to is sent again whole: PUT is an upsert).

State: what was sent and acknowledged, one JSON file (--state): for each
file (path relative to its root) the SHA-256 of its bytes and the ids its
articles had.  A file is recorded only once every PUT of it was answered
+OK, and the file is rewritten whole (temporary file, then rename), so a
feed killed at any point resends at most what was not acknowledged.  A
re-run sends only files that are new or whose bytes changed; with
--delete, a recorded file that is gone (or an id a changed file no longer
has) becomes a DEL.

Watch (--watch DIR): the tree is compared with the state once, then
inotify (through ctypes on libc: no package) reports files as they are
closed after writing or moved in, removed or moved out, and new folders
(watched in turn).  A lost connection (carid restarting) is retried every
RETRY_SECONDS until carid answers; the batch in flight is sent again (PUT
and DEL are idempotent).  SIGINT or SIGTERM ends the watch cleanly: the
state written, the summary printed, exit 0.  Hidden files and folders
(a leading '.') are skipped, so the state file may live in the tree, and
so are the names a file has before it is renamed into place (TEMPORARY:
.part, .tmp, .swp, ~).
"""
import ctypes
import ctypes.util
import hashlib
import json
import os
import select
import signal
import struct
import time

STATE_VERSION = 1
RETRY_SECONDS = 0.5  # between attempts to reach carid again
CHUNK = 256  # requests sent before their replies are read (the replies
             # of a whole big .jsonl could fill the socket buffers while
             # the feed is still sending)
SETTLE_SECONDS = 0.2  # batch what arrives together before sending

# <sys/inotify.h>
IN_CLOSE_WRITE = 0x00000008
IN_MOVED_FROM = 0x00000040
IN_MOVED_TO = 0x00000080
IN_CREATE = 0x00000100
IN_DELETE = 0x00000200
IN_DELETE_SELF = 0x00000400
IN_Q_OVERFLOW = 0x00004000
IN_ISDIR = 0x40000000
IN_NONBLOCK = os.O_NONBLOCK
IN_CLOEXEC = os.O_CLOEXEC
WATCH_MASK = (IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE
              | IN_DELETE | IN_DELETE_SELF)
EVENT = struct.Struct("iIII")  # wd, mask, cookie, len; then the name


def file_hash(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class State:
    """What was sent and acknowledged, per file."""

    def __init__(self, path):
        self.path = path
        self.files = {}
        self.dirty = False
        if path and os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                data = json.load(f)
            if data.get("version") != STATE_VERSION:
                raise ValueError("%s: state version %r, this feed writes %d"
                                 % (path, data.get("version"), STATE_VERSION))
            self.files = data.get("files", {})

    def unchanged(self, rel, digest):
        old = self.files.get(rel)
        return old is not None and old.get("sha256") == digest

    def ids(self, rel):
        return list(self.files.get(rel, {}).get("ids", []))

    def record(self, rel, digest, ids):
        self.files[rel] = {"sha256": digest, "ids": ids}
        self.dirty = True

    def forget(self, rel):
        if self.files.pop(rel, None) is not None:
            self.dirty = True

    def save(self):
        if not self.path or not self.dirty:
            return
        tmp = self.path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump({"version": STATE_VERSION, "files": self.files}, f,
                      sort_keys=True)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.path)
        self.dirty = False


# Names a scraper writes before it renames the file into place.
TEMPORARY = (".part", ".tmp", ".swp", "~")


def hidden(rel):
    """Hidden (a leading '.') or temporary: not an article."""
    parts = rel.split(os.sep)
    return (any(p.startswith(".") for p in parts)
            or parts[-1].endswith(TEMPORARY))


class Inotify:
    """inotify(7) through ctypes: watches every folder of a tree."""

    def __init__(self):
        self.libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6",
                                use_errno=True)
        self.fd = self.libc.inotify_init1(IN_NONBLOCK | IN_CLOEXEC)
        if self.fd < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1")
        self.dirs = {}  # wd -> folder path

    def add_tree(self, root):
        """Watches root and every folder below it (hidden ones skipped)."""
        for d, subdirs, _ in os.walk(root):
            subdirs[:] = sorted(s for s in subdirs if not s.startswith("."))
            wd = self.libc.inotify_add_watch(self.fd, os.fsencode(d),
                                             WATCH_MASK)
            if wd < 0:
                raise OSError(ctypes.get_errno(), "inotify_add_watch %s" % d)
            self.dirs[wd] = d

    def events(self, timeout):
        """(mask, path) of what happened within timeout seconds."""
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return []
        try:
            data = os.read(self.fd, 1 << 16)
        except BlockingIOError:
            return []
        out, i = [], 0
        while i + EVENT.size <= len(data):
            wd, mask, _, n = EVENT.unpack_from(data, i)
            name = data[i + EVENT.size:i + EVENT.size + n].rstrip(b"\0")
            i += EVENT.size + n
            if mask & IN_Q_OVERFLOW:
                out.append((mask, None))
                continue
            d = self.dirs.get(wd)
            if d is None:
                continue
            if mask & IN_DELETE_SELF:
                del self.dirs[wd]
                continue
            out.append((mask, os.path.join(d, os.fsdecode(name))))
        return out

    def close(self):
        os.close(self.fd)


class Mirror:
    """Sends a tree's changes as PUTs and DELs, recording what was
    acknowledged in the state.  feed is scripts/feed's module (its
    readers and encoders); sender(requests) sends and returns the replies,
    reconnecting as it must."""

    def __init__(self, feed, root, state, delete, sender, counts):
        self.feed, self.root, self.state = feed, root, state
        self.delete, self.sender, self.counts = delete, sender, counts

    def rel(self, path):
        return os.path.relpath(path, self.root)

    def articles_of(self, path):
        """(where, article, error) of one file, as the feed reads it."""
        return list(self.feed.articles([path]))

    def sync_file(self, path):
        """Sends path if it is new or changed; returns the PUTs sent."""
        rel = self.rel(path)
        if hidden(rel) or not os.path.isfile(path):
            return 0
        try:
            digest = file_hash(path)
        except OSError as e:
            self.counts.fail(rel, str(e))
            return 0
        if self.state.unchanged(rel, digest):
            return 0
        reqs, ids = [], []
        for where, art, error in self.articles_of(path):
            if art is None:
                self.counts.fail(where, error)
                continue
            ids.append(self.feed.to_bytes(art["id"]).decode(
                "utf-8", "surrogateescape"))
            reqs.append((where, self.feed.put_request(art), True))
        gone = [i for i in self.state.ids(rel) if i not in ids]
        if self.delete and gone:
            reqs.append((rel, self.del_request(gone), False))
        ok = self.send(reqs)
        if ok:
            self.state.record(rel, digest, ids)
        return len(ids)

    def del_request(self, ids):
        return self.feed.encode([b"DEL"] + [i.encode("utf-8",
                                                     "surrogateescape")
                                            for i in ids])

    def remove_file(self, path):
        rel = self.rel(path)
        ids = self.state.ids(rel)
        if not self.delete or hidden(rel) or rel not in self.state.files:
            return
        if not ids or self.send([(rel, self.del_request(ids), False)]):
            self.state.forget(rel)
            self.counts.deleted += len(ids)

    def send(self, reqs):
        """True when every reply was +OK or an integer (DEL)."""
        if not reqs:
            return True
        replies = self.sender([r for _, r, _ in reqs])
        all_ok = True
        for (where, _, put), (ok, text) in zip(reqs, replies):
            self.counts.sent += put
            if not ok:
                self.counts.fail(where, text)
                all_ok = False
        self.counts.progress()
        return all_ok

    def scan(self):
        """The tree against the state: new and changed files sent, and
        with --delete the recorded files that are gone removed."""
        seen = set()
        for path in self.feed.walk([self.root]):
            rel = self.rel(path)
            if hidden(rel):
                continue
            seen.add(rel)
            self.sync_file(path)
            self.state.save()
        for rel in sorted(set(self.state.files) - seen):
            self.remove_file(os.path.join(self.root, rel))
        self.state.save()


def watch(mirror, ino):
    """Runs until SIGINT or SIGTERM."""
    stop = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.append(1))
    ino.add_tree(mirror.root)
    mirror.scan()  # what arrived before the watches were set
    pending = {}   # path -> True (sync) / False (removed), in order
    while not stop:
        try:
            events = ino.events(SETTLE_SECONDS if pending else 1.0)
        except InterruptedError:
            continue
        for mask, path in events:
            if path is None:  # the kernel's queue overflowed: look again
                pending["\0scan"] = True
                continue
            if mask & IN_ISDIR:
                if mask & (IN_CREATE | IN_MOVED_TO) and os.path.isdir(path):
                    ino.add_tree(path)
                    for p in mirror.feed.walk([path]):
                        pending[p] = True
                continue
            if mask & (IN_CLOSE_WRITE | IN_MOVED_TO):
                pending[path] = True
            elif mask & (IN_DELETE | IN_MOVED_FROM):
                pending[path] = False
        if events or not pending:
            continue  # more may come with these: wait for a quiet moment
        for path, present in list(pending.items()):
            if path == "\0scan":
                mirror.scan()
            elif present:
                mirror.sync_file(path)
            else:
                mirror.remove_file(path)
            del pending[path]
            mirror.state.save()
            if stop:
                break
    mirror.state.save()


def retrying_sender(connect, conn_box, counts, forever):
    """A sender for Mirror: sends the requests pipelined on conn_box[0]
    and reads their replies; on a lost connection reconnects (every
    RETRY_SECONDS, forever in watch mode) and sends them all again."""
    def send(requests):
        while True:
            try:
                if conn_box[0] is None:
                    conn_box[0] = connect()
                    counts.reconnected()
                conn = conn_box[0]
                replies = []
                for i in range(0, len(requests), CHUNK):
                    chunk = requests[i:i + CHUNK]
                    conn.sock.sendall(b"".join(chunk))
                    counts.bytes += sum(len(r) for r in chunk)
                    replies += [conn.reply() for _ in chunk]
                return replies
            except (OSError, ConnectionError) as e:
                if conn_box[0] is not None:
                    try:
                        conn_box[0].sock.close()
                    except OSError:
                        pass
                conn_box[0] = None
                if not forever:
                    raise
                counts.waiting(e)
                time.sleep(RETRY_SECONDS)
    return send
