#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Prepares the cgroup v2 test VM in DIR (build/vm): Debian's kernel unpacked
# from its .deb (never installed: /boot and the host's modules are left alone)
# and a busybox initramfs holding only what it takes to mount the host's root
# over 9p. Cached: each step is skipped when its output is newer than its inputs.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
dir=$(realpath -m "${1:?usage: build.sh DIR}")
mkdir -p "$dir"

# The modules /init loads before it can see the host's root. Their own
# dependencies are added from modules.dep, in load order.
boot_modules=(virtio_pci 9pnet_virtio 9p overlay)

log() { printf 'vm: %s\n' "$*" >&2; }

# --- kernel ------------------------------------------------------------------
unpack_kernel() {
	local tmp pkg deb
	pkg=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
	[ -n "$pkg" ] || {
		log "find the kernel package behind 'linux-image-amd64': run 'apt-get update'"
		return 1
	}
	log "download '$pkg'"
	tmp=$(mktemp -d "$dir/kernel.XXXXXX")
	(cd "$tmp" && apt-get download -q -o APT::Sandbox::User=root "$pkg" >/dev/null)
	deb=$(find "$tmp" -maxdepth 1 -name '*.deb' | head -n1)
	dpkg-deb -x "$deb" "$tmp/root"
	rm -f "$deb"
	local kver
	kver=$(ls "$tmp/root/lib/modules")
	# Debian's postinst runs depmod; this is its busybox equivalent, so that
	# busybox modprobe (in /init and in the guest) finds dependencies.
	busybox depmod -b "$tmp/root" "$kver"
	rm -rf "$dir/kernel"
	mv "$tmp/root" "$dir/kernel"
	rmdir "$tmp"
	ln -sfn "kernel/boot/vmlinuz-$kver" "$dir/vmlinuz"
	echo "$kver" >"$dir/kernel.version"
}

# Prints the module paths needed for "$@", dependencies first, each once.
module_load_order() {
	local moddir=$1
	shift
	awk -v want="$*" '
		BEGIN { n = split(want, w, " "); for (i = 1; i <= n; i++) wanted[w[i]] = 1 }
		{
			mod = $1; sub(":$", "", mod)
			name = mod; sub(".*/", "", name); sub("\\.ko.*$", "", name); gsub("-", "_", name)
			line[name] = $0; path[name] = mod
		}
		function visit(name,    parts, k, i, dep, dname) {
			if (done[name]++) return
			k = split(line[name], parts, " ")
			# Depth first: every dependency is printed before its users.
			for (i = 2; i <= k; i++) {
				dep = parts[i]; dname = dep; sub(".*/", "", dname); sub("\\.ko.*$", "", dname)
				gsub("-", "_", dname)
				visit(dname)
			}
			print path[name]
		}
		END {
			for (i = 1; i <= n; i++) {
				if (!(w[i] in line)) { print "missing module " w[i] > "/dev/stderr"; exit 1 }
				visit(w[i])
			}
		}' "$moddir/modules.dep"
}

# --- initramfs ---------------------------------------------------------------
build_initramfs() {
	local kver stage moddir m
	kver=$(cat "$dir/kernel.version")
	moddir="$dir/kernel/lib/modules/$kver"
	stage=$(mktemp -d "$dir/initramfs.XXXXXX")
	trap 'rm -rf "$stage"' RETURN
	mkdir -p "$stage"/{bin,dev,proc,sys,newroot,lower,rw,modules}
	cp /bin/busybox "$stage/bin/busybox"
	ln -s busybox "$stage/bin/sh"
	# The kernel opens /dev/console before it runs /init: without the node
	# the guest's output goes nowhere until devtmpfs is mounted.
	mknod -m 600 "$stage/dev/console" c 5 1
	module_load_order "$moddir" "${boot_modules[@]}" >"$stage/modules/order.rel"
	while read -r m; do
		cp "$moddir/$m" "$stage/modules/"
		basename "$m" >>"$stage/modules/order"
	done <"$stage/modules/order.rel"
	rm "$stage/modules/order.rel"
	install -m 755 "$here/init" "$stage/init"
	(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort | busybox cpio -o -H newc 2>/dev/null) \
		>"$dir/initramfs.cpio.tmp"
	mv "$dir/initramfs.cpio.tmp" "$dir/initramfs.cpio"
}

command -v busybox >/dev/null || { log "busybox not found: run 'make deps'"; exit 1; }
if [ ! -e "$dir/vmlinuz" ] || [ ! -s "$dir/kernel.version" ]; then
	unpack_kernel
fi
if [ ! -s "$dir/initramfs.cpio" ] || [ "$here/init" -nt "$dir/initramfs.cpio" ] ||
	[ "$here/build.sh" -nt "$dir/initramfs.cpio" ]; then
	log "build initramfs"
	build_initramfs
fi
