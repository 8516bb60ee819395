"""A minimal blocking RESP2 client for benchmarks (stdlib only)."""
import socket


class RespError(Exception):
    """An error reply (-ERR ...)."""


def encode(args):
    """One multibulk request from a list of str/bytes."""
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        if not isinstance(a, bytes):
            a = str(a).encode("utf-8")
        out.append(b"$%d\r\n" % len(a))
        out.append(a)
        out.append(b"\r\n")
    return b"".join(out)


class Resp:
    def __init__(self, host, port, timeout=120.0):
        if host not in ("127.0.0.1", "::1", "localhost"):
            raise ValueError("benchmarks only talk to loopback, not %r" % host)
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.rf = self.sock.makefile("rb", buffering=1 << 16)

    def close(self):
        try:
            self.rf.close()
            self.sock.close()
        except OSError:
            pass

    def send(self, args):
        self.sock.sendall(encode(args))

    def read(self):
        line = self.rf.readline()
        if not line.endswith(b"\r\n"):
            raise ConnectionError("connection closed by server")
        kind, rest = line[:1], line[1:-2]
        if kind == b"+":
            return rest.decode("utf-8", "replace")
        if kind == b"-":
            return RespError(rest.decode("utf-8", "replace"))
        if kind == b":":
            return int(rest)
        if kind == b"$":
            n = int(rest)
            if n < 0:
                return None
            data = self.rf.read(n + 2)
            if len(data) != n + 2:
                raise ConnectionError("short bulk reply")
            return data[:-2]
        if kind == b"*":
            n = int(rest)
            if n < 0:
                return None
            return [self.read() for _ in range(n)]
        raise ConnectionError("bad reply line %r" % line[:80])

    def call(self, *args):
        self.send(args)
        r = self.read()
        if isinstance(r, RespError):
            raise r
        return r
