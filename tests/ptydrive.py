#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""ptydrive: run a command on a new pseudo-terminal, as a person at a keyboard would.

    ptydrive.py [--size ROWSxCOLS] [--timeout S] [--log FILE] STEP... -- CMD [ARG...]

The command leads a new session whose controlling terminal is the pty (as a login
shell does), and this program keeps a descriptor of the slave: the open file
description the command inherited, whose flags it reports at the end. Steps run in
order:

    send=TEXT        type TEXT (Python escapes: \\n, \\x03 for Ctrl-C, \\x1a, \\x1c, \\x04)
    expect=REGEX     wait until the output (since the last expect) matches REGEX
    sleep=S          wait S seconds, reading output meanwhile
    size=RxC         resize the terminal (the kernel sends SIGWINCH to its foreground)
    pid=FILE         write the command's pid to FILE
    tty=FILE         write the name of the slave (the command's terminal) to FILE
    touch=FILE       create FILE (tells a test waiting outside that this point is reached)
    waitfile=FILE    wait until FILE exists
    modes            print raw=1 when the terminal is in raw mode now (no ICANON, no ECHO,
                     no ISIG), raw=0 otherwise
    exit             wait for the command to end (done anyway after the last step)

Then it prints key=value lines: status=N (128+N for signal N), modes_same=1|0 (the
terminal's termios equal to what they were before the command ran), nonblock=0|1
(O_NONBLOCK on the command's description of the slave), and fails (exit 1) with
"ptydrive: ..." on stderr when an expect times out. The whole transcript goes to
--log. Used by the suites that need a terminal; never by the programs under test.
"""
import codecs
import fcntl
import os
import re
import select
import signal
import struct
import sys
import termios
import time


class Drive:
    def __init__(self, argv, rows, cols, timeout, log):
        self.timeout = timeout
        self.log = open(log, "ab") if log else None
        self.out = b""  # output not yet matched by an expect
        self.master, slave_fd = os.openpty()
        self.set_size(rows, cols)
        self.slave = slave_fd
        self.modes = termios.tcgetattr(self.slave)
        self.status = None
        pid = os.fork()
        if pid == 0:
            try:
                os.close(self.master)
                os.setsid()
                fcntl.ioctl(self.slave, termios.TIOCSCTTY, 0)
                for fd in (0, 1, 2):
                    os.dup2(self.slave, fd)
                os.execvp(argv[0], argv)
            except OSError as e:
                os.write(2, ("ptydrive: exec %s: %s\n" % (argv[0], e)).encode())
            os._exit(127)
        self.pid = pid

    def set_size(self, rows, cols):
        fcntl.ioctl(self.master, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))

    def read_some(self, wait):
        r, _, _ = select.select([self.master], [], [], wait)
        if not r:
            return False
        try:
            data = os.read(self.master, 65536)
        except OSError:
            data = b""
        if not data:
            time.sleep(min(wait, 0.02))
            return False
        self.out += data
        if self.log:
            self.log.write(data)
            self.log.flush()
        return True

    def reap(self):
        if self.status is None:
            pid, st = os.waitpid(self.pid, os.WNOHANG)
            if pid == self.pid:
                self.status = os.waitstatus_to_exitcode(st)
                if self.status < 0:
                    self.status = 128 - self.status
        return self.status is not None

    def expect(self, pattern):
        rx = re.compile(pattern.encode(), re.S)
        end = time.monotonic() + self.timeout
        while True:
            m = rx.search(self.out)
            if m:
                self.out = self.out[m.end():]
                return
            left = end - time.monotonic()
            if left <= 0:
                sys.stderr.write("ptydrive: timed out waiting for %r; got %r\n"
                                 % (pattern, self.out[-400:]))
                sys.exit(1)
            self.read_some(min(left, 0.1))

    def sleep(self, seconds):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.read_some(min(0.05, max(0, end - time.monotonic())))

    def wait_exit(self):
        end = time.monotonic() + self.timeout
        while not self.reap():
            if time.monotonic() > end:
                sys.stderr.write("ptydrive: the command did not end; got %r\n" % self.out[-400:])
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
                sys.exit(1)
            self.read_some(0.05)
        # What it wrote last.
        while self.read_some(0.1):
            pass


def main():
    args = sys.argv[1:]
    if "--" not in args:
        sys.stderr.write(__doc__)
        return 2
    cut = args.index("--")
    opts, cmd = args[:cut], args[cut + 1:]
    rows, cols, timeout, log = 24, 80, 30.0, None
    steps = []
    i = 0
    while i < len(opts):
        o = opts[i]
        if o in ("--size", "--timeout", "--log"):
            v = opts[i + 1]
            i += 2
            if o == "--size":
                rows, cols = (int(x) for x in v.split("x"))
            elif o == "--timeout":
                timeout = float(v)
            else:
                log = v
            continue
        steps.append(o)
        i += 1
    d = Drive(cmd, rows, cols, timeout, log)
    for step in steps:
        key, _, val = step.partition("=")
        if key == "send":
            os.write(d.master, codecs.decode(val, "unicode_escape").encode("latin-1"))
        elif key == "expect":
            d.expect(val)
        elif key == "sleep":
            d.sleep(float(val))
        elif key == "size":
            r, c = (int(x) for x in val.split("x"))
            d.set_size(r, c)
        elif key == "pid":
            with open(val, "w") as f:
                f.write("%d\n" % d.pid)
        elif key == "tty":
            with open(val, "w") as f:
                f.write(os.ttyname(d.slave) + "\n")
        elif key == "touch":
            open(val, "a").close()
        elif key == "modes":
            lflag = termios.tcgetattr(d.slave)[3]
            print("raw=%d" % (not lflag & (termios.ICANON | termios.ECHO | termios.ISIG)))
            sys.stdout.flush()
        elif key == "waitfile":
            end = time.monotonic() + d.timeout
            while not os.path.exists(val):
                if time.monotonic() > end:
                    sys.stderr.write("ptydrive: %s did not appear\n" % val)
                    return 1
                d.read_some(0.05)
        elif key == "exit":
            d.wait_exit()
        else:
            sys.stderr.write("ptydrive: unknown step %r\n" % step)
            return 2
    d.wait_exit()
    now = termios.tcgetattr(d.slave)
    flags = fcntl.fcntl(d.slave, fcntl.F_GETFL)
    print("status=%d" % d.status)
    print("modes_same=%d" % (now == d.modes))
    if now != d.modes:
        print("modes_before=%r" % (d.modes[:4],))
        print("modes_after=%r" % (now[:4],))
    print("nonblock=%d" % bool(flags & os.O_NONBLOCK))
    return 0


if __name__ == "__main__":
    sys.exit(main())
