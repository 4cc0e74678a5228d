# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# Helpers the bench scripts share (sourced, from the repository's root).

now() { date +%s.%N; }

# The median of the numbers on stdin, one a line.
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# The busybox rootfs the tests use (built on first use), its path on stdout.
busybox_rootfs_path() { bash -c '. tests/lib.sh >/dev/null 2>&1; busybox_rootfs'; }

# The sum of a field of these pids, in kB: pss_kb (smaps_rollup's Pss), rss_kb (VmRSS).
_sum_kb() {
	local file=$1 key=$2 p sum=0 v
	shift 2
	for p; do
		v=$(awk -v k="$key" '$1 == k { print $2 }' "/proc/$p/$file" 2>/dev/null || echo 0)
		sum=$((sum + ${v:-0}))
	done
	echo "$sum"
}
pss_kb() { _sum_kb smaps_rollup Pss: "$@"; }
rss_kb() { _sum_kb status VmRSS: "$@"; }

# bench_bundle DIR ROOTFS CGROUP [ARG...]: an OCI bundle (runc's `spec`) running ARG... (default
# /bin/true) without a terminal, from a read-only ROOTFS, in cgroup CGROUP.
bench_bundle() {
	local dir=$1 rootfs=$2 cg=$3
	shift 3
	[ $# -gt 0 ] || set -- /bin/true
	mkdir -p "$dir"
	rm -f "$dir/config.json"
	runc spec --bundle "$dir"
	python3 - "$dir/config.json" "$rootfs" "$cg" "$@" <<-'PY'
		import json, sys
		path, rootfs, cg = sys.argv[1:4]
		c = json.load(open(path))
		c["root"] = {"path": rootfs, "readonly": True}
		c["process"]["args"] = sys.argv[4:]
		c["process"]["terminal"] = False
		c["linux"]["cgroupsPath"] = cg
		json.dump(c, open(path, "w"), indent=1)
	PY
}

# cgroup_hierarchies: the hierarchies launch puts a container in, one a line: the unified one
# on cgroup v2, one per controller it uses on v1 (each once, where controllers share one).
cgroup_hierarchies() {
	local h real
	local -A seen=()
	if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
		echo /sys/fs/cgroup
		return 0
	fi
	for h in cpu cpuacct memory devices freezer blkio pids; do
		[ -d "/sys/fs/cgroup/$h" ] || continue
		real=$(realpath "/sys/fs/cgroup/$h")
		[ -z "${seen[$real]:-}" ] || continue
		seen[$real]=1
		echo "$real"
	done
}

# remove_cgroup_parents PARENT...: each PARENT (a path like /box-bench) and what is under it,
# depth first, in every hierarchy (v1's, v2's, a hybrid's unified one). Only the bench's own.
remove_cgroup_parents() {
	local p d
	for p; do
		for d in /sys/fs/cgroup/*"$p" /sys/fs/cgroup"$p"; do
			if [ -d "$d" ]; then
				find "$d" -depth -type d -exec rmdir {} + 2>/dev/null || true
			fi
		done
	done
	return 0
}

# run_tmpfs CMD...: CMD in a mount namespace of its own whose /run is a tmpfs, as wherever
# the init system mounts it so. This machine's /run is on its ext4 root, without a journal and
# with online discard: freeing a block waits for the disk (a directory's removal, 1 to 4 ms),
# and launch, runc and box keep their state under /run. RUN_TMPFS is the same as a command
# prefix, for a caller that needs CMD to keep the pid it starts with (the prefix execs).
RUN_TMPFS=(unshare -m --propagation private sh -c
	'mount -t tmpfs -o mode=0755 tmpfs /run && exec "$@"' sh)
run_tmpfs() { "${RUN_TMPFS[@]}" "$@"; }

# build_floor OUT: bench/floor.c, static, into OUT/floor (the kernel's headers from the
# build's dependencies, launch's seccomp template from the build and its marks from
# core/syscalls.h: make all first).
build_floor() {
	musl-gcc -std=gnu11 -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -static -s \
		-I"${BUILD:-build}/deps/include" -I"${BUILD:-build}/host/gen" -Icore -o "$1/floor" bench/floor.c
}
