#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""proxyload: abusive clients of a published port, for tests/launch/test_proxy_abuse.sh.
The server is `probe serve PORT` in the container: a request is 6 bytes, "echo::" (it reads
to the client's half-close and answers "bytes=N") or "stream" (64 KiB blocks without end).

  proxyload.py echo PORT N SIZE   N clients at once, each sends SIZE bytes, half-closes and
                                  reads the answer: prints ok=K and, per failure kind, a count
  proxyload.py hold PORT N        N "stream" clients that never read: held=N, then waits to be killed
  proxyload.py halfopen PORT N    N clients that half-close at once and never read: held=N
  proxyload.py stream PORT        one "stream" client that reads: reading=1 after 1 MiB,
                                  then end=eof|reset|timeout and bytes=N

Every wait is bounded (BOUND seconds) so a hung proxy shows as a failure, not a hung test.
"""
import os
import selectors
import socket
import sys
import time

BOUND = 60


def say(line):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def connect(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=BOUND)
    return s


def echo(port, n, size):
    sel = selectors.DefaultSelector()
    payload = b"echo::" + b"e" * size
    want = ("bytes=%d\n" % size).encode()
    fails = {}
    ok = 0
    for _ in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        s.connect_ex(("127.0.0.1", port))
        sel.register(s, selectors.EVENT_WRITE, {"out": payload, "in": b""})
    deadline = time.monotonic() + BOUND
    left = n
    while left and time.monotonic() < deadline:
        for key, ev in sel.select(timeout=1):
            s, st = key.fileobj, key.data
            kind = None
            try:
                if ev & selectors.EVENT_WRITE:
                    err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                    if err:
                        kind = "connect:" + os.strerror(err)
                    else:
                        sent = s.send(st["out"])
                        st["out"] = st["out"][sent:]
                        if not st["out"]:
                            s.shutdown(socket.SHUT_WR)
                            sel.modify(s, selectors.EVENT_READ, st)
                        continue
                else:
                    d = s.recv(65536)
                    if d:
                        st["in"] += d
                        continue
                    kind = None if st["in"] == want else "answer:%r" % st["in"][:32]
            except OSError as e:
                kind = type(e).__name__
            sel.unregister(s)
            s.close()
            left -= 1
            if kind is None:
                ok += 1
            else:
                fails[kind] = fails.get(kind, 0) + 1
    if left:
        fails["timeout"] = left
    say("ok=%d" % ok)
    for k, v in sorted(fails.items()):
        say("failed %s=%d" % (k, v))


def hold(port, n, halfopen):
    socks = []
    for _ in range(n):
        s = connect(port)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        if halfopen:
            s.sendall(b"echo::")
            s.shutdown(socket.SHUT_WR)
        else:
            s.sendall(b"stream")
        socks.append(s)
    say("held=%d" % len(socks))
    while True:  # until killed
        time.sleep(3600)


def stream(port):
    s = connect(port)
    s.sendall(b"stream")
    total, told = 0, False
    s.settimeout(BOUND)
    try:
        while True:
            d = s.recv(65536)
            if not d:
                end = "eof"
                break
            total += len(d)
            if not told and total >= 1 << 20:
                say("reading=1")
                told = True
    except socket.timeout:
        end = "timeout"
    except OSError:
        end = "reset"
    say("end=%s" % end)
    say("bytes=%d" % total)


def main():
    what, port = sys.argv[1], int(sys.argv[2])
    if what == "echo":
        echo(port, int(sys.argv[3]), int(sys.argv[4]))
    elif what in ("hold", "halfopen"):
        hold(port, int(sys.argv[3]), what == "halfopen")
    elif what == "stream":
        stream(port)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
