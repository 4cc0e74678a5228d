#!/bin/sh
# SPDX-License-Identifier: MIT
# busybox.sh DIR: a tiny test rootfs from Debian's busybox-static, plus build/probe as
# /bin/probe when it has been built. Idempotent and offline; it never downloads, and outside
# DIR touches only DIR's parent, made 0700 (see private.sh).
set -eu

[ $# -eq 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
dir=$1
top=$(cd "$(dirname "$0")/.." && pwd)
busybox=/bin/busybox
[ -x "$busybox" ] || { echo "busybox.sh: missing '$busybox': install busybox-static" >&2; exit 1; }
# A dynamic busybox (package busybox) would not run in a rootfs without libc.
if command -v file >/dev/null && ! file -L "$busybox" | grep -q 'statically linked'; then
	echo "busybox.sh: '$busybox' is not static: install busybox-static" >&2
	exit 1
fi

# shellcheck source=rootfs/private.sh
. "$top/rootfs/private.sh"
private_parent "$dir"
mkdir -p "$dir"
cd "$dir"
mkdir -p bin sbin etc proc sys dev tmp root usr/bin usr/sbin var
chmod 1777 tmp
chmod 0700 root
# Copies land under a temporary name and are renamed: another suite may be running the
# old binary from this rootfs right now.
install_file()
{
	cp -p "$1" "$2.new.$$" && mv -f "$2.new.$$" "$2"
}

cmp -s "$busybox" bin/busybox || install_file "$busybox" bin/busybox
# --install -s writes absolute links to /bin/busybox, which resolve inside the rootfs.
chroot . /bin/busybox --install -s
[ -e bin/sh ] || ln -s busybox bin/sh

[ -e etc/passwd ] || printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' \
	'nobody:x:65534:65534:nobody:/nonexistent:/bin/false' >etc/passwd
[ -e etc/group ] || printf '%s\n' 'root:x:0:' 'nogroup:x:65534:' >etc/group
[ -e etc/hostname ] || echo box >etc/hostname

if [ -x "$top/build/probe" ] && ! cmp -s "$top/build/probe" bin/probe; then
	install_file "$top/build/probe" bin/probe
fi
