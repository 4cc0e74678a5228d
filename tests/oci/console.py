# SPDX-License-Identifier: MIT
"""A console socket, as conmon or containerd's shim would hold one: listens on PATH, takes
one pty master over SCM_RIGHTS, prints everything read from it until EOF, then 'done'."""
import os
import socket
import sys

path = sys.argv[1]
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path + ".tmp")
srv.listen(1)
os.rename(path + ".tmp", path)
conn, _ = srv.accept()
name, fds, _, _ = socket.recv_fds(conn, 1024, 1)
conn.close()
if len(fds) != 1:
    print("no descriptor received", flush=True)
    sys.exit(1)
print("received master for", name.decode(errors="replace"), flush=True)
master = fds[0]
while True:
    try:
        data = os.read(master, 4096)
    except OSError:  # EIO: the last slave closed
        break
    if not data:
        break
    sys.stdout.write(data.decode(errors="replace"))
    sys.stdout.flush()
print("done", flush=True)
