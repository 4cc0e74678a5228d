# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# Helpers the bench scripts share (sourced, from the repository's root).

now() { date +%s.%N; }

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
