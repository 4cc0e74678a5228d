#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# make bench, OCI part: box against crun and runc, one hyperfine run each: `run` of /bin/true,
# and create + start + delete; then `podman run --rm` with each runtime. All three share one
# bundle layout and rootfs and run in a private mount namespace where the empty cgroup2 of
# this hybrid host is unmounted (crun refuses a hybrid host). Figures are reported, never
# asserted. Everything made (cgroups under /box-bench, roots, bundles, podman's store) goes.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

BUILD=${BOX_BUILD:-$PWD/build}
OUT=$BUILD/bench/oci
RUNS=${BENCH_OCI_RUNS:-100}
PODMAN_RUNS=${BENCH_PODMAN_RUNS:-20}
CG_PARENT=/box-bench
ROOTFS=$BUILD/bench/rootfs

if [ "${1:-}" != --inside ]; then
	for c in hyperfine crun runc python3 unshare; do
		command -v "$c" >/dev/null || { echo "bench/oci.sh: missing $c: make deps" >&2; exit 1; }
	done
	rootfs/busybox.sh "$ROOTFS" >&2
	# The private mount namespace: the unmount is seen by nothing else.
	exec unshare -m --propagation private "$0" --inside
fi

cleanup() {
	local rt d
	for rt in box crun runc; do
		for d in "$OUT/root-$rt"/*/; do
			[ -d "$d" ] && "$(bin "$rt")" --root "$OUT/root-$rt" delete -f "$(basename "$d")" \
				>/dev/null 2>&1
		done
	done
	rm -rf "$OUT"
	remove_cgroup_parents "$CG_PARENT"
}
bin() {
	case $1 in box) echo "$BUILD/box" ;; *) command -v "$1" ;; esac
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[ -d /sys/fs/cgroup/unified ] && umount /sys/fs/cgroup/unified 2>/dev/null || true
rm -rf "$OUT"
mkdir -p "$OUT"
for rt in box crun runc; do
	mkdir -p "$OUT/root-$rt"
	bench_bundle "$OUT/bundle-$rt" "$ROOTFS" "$CG_PARENT/oci-$rt-$$"
done

# The floor: a new process in new uts, pid, net, mount, ipc and cgroup namespaces, chrooted
# into the rootfs, running /bin/true (no cgroup, no mounts, no pivot, no confinement).
floor="unshare --uts --pid --net --mount --ipc --cgroup --fork chroot $ROOTFS /bin/true"
$floor || { echo "bench: the floor command failed" >&2; exit 1; }
# Each must work once before it is timed.
hf=(-n "floor run" "$floor")
for rt in box crun runc; do
	b=$(bin "$rt")
	"$b" --root "$OUT/root-$rt" run --bundle "$OUT/bundle-$rt" check-$$ ||
		{ echo "bench: $rt run failed" >&2; exit 1; }
	hf+=(-n "$rt run" "$b --root $OUT/root-$rt run --bundle $OUT/bundle-$rt r-$$")
done
for rt in box crun runc; do
	b=$(bin "$rt")
	cat >"$OUT/cycle-$rt" <<-EOF
		#!/bin/sh
		$b --root $OUT/root-$rt create --bundle $OUT/bundle-$rt c-$$ &&
		$b --root $OUT/root-$rt start c-$$ &&
		$b --root $OUT/root-$rt delete -f c-$$
	EOF
	chmod +x "$OUT/cycle-$rt"
	"$OUT/cycle-$rt" || { echo "bench: $rt create/start/delete failed" >&2; exit 1; }
	hf+=(-n "$rt create+start+delete" "$OUT/cycle-$rt")
done
echo "bench: OCI runtimes (hyperfine)" >&2
hyperfine -N --style none --warmup 5 --runs "$RUNS" --export-json "$OUT/oci.json" "${hf[@]}" \
	>"$OUT/oci.log" 2>&1 || { cat "$OUT/oci.log" >&2; exit 1; }

# The shell of cycle-* is in every runtime's figure alike.
declare -A mean sd med
while read -r name m s d; do
	mean[$name]=$m sd[$name]=$s med[$name]=$d
done < <(python3 -c 'import json,sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(r["command"].replace(" ", "_"), *("%.3f" % (r[k]*1e3) for k in ("mean", "stddev", "median")))' "$OUT/oci.json")

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo
echo "### OCI runtimes: /bin/true from a busybox bundle ($RUNS runs each, one hyperfine run)"
echo
echo "Floor (unshare of the six namespaces + chroot + /bin/true, no cgroup, mounts or" \
	"confinement): ${mean[floor_run]} ± ${sd[floor_run]} (${med[floor_run]}) ms."
echo
echo "| command | box mean ± σ (median) ms | crun | runc | box / crun (medians) | box / runc |"
echo "|---|---|---|---|---|---|"
for what in run create+start+delete; do
	b="box_$what" c="crun_$what" r="runc_$what"
	echo "| \`$what\` | ${mean[$b]} ± ${sd[$b]} (${med[$b]}) | ${mean[$c]} ± ${sd[$c]} (${med[$c]}) |" \
		"${mean[$r]} ± ${sd[$r]} (${med[$r]}) | $(ratio "${med[$b]}" "${med[$c]}") |" \
		"$(ratio "${med[$b]}" "${med[$r]}") |"
done
echo
echo "Goals (\`run\`, medians): box ≤ 0.33 × crun: $(awk -v a="${med[box_run]}" -v b="${med[crun_run]}" \
	'BEGIN { print (a <= 0.33 * b) ? "yes" : "**no**" }') ($(ratio "${med[box_run]}" "${med[crun_run]}")×);" \
	"≤ 0.1 × runc: $(awk -v a="${med[box_run]}" -v b="${med[runc_run]}" \
	'BEGIN { print (a <= 0.1 * b) ? "yes" : "**no**" }') ($(ratio "${med[box_run]}" "${med[runc_run]}")×);" \
	"0.33 × crun is $(awk -v b="${med[crun_run]}" 'BEGIN { printf "%.2f", 0.33 * b }') ms," \
	"the floor ${med[floor_run]} ms."

# --- podman run --rm with each runtime -----------------------------------------------------
command -v podman >/dev/null || { echo; echo "podman: not installed, not measured"; exit 0; }
P=$OUT/podman
mkdir -p "$P/storage" "$P/run" "$P/tmp"
cat >"$P/containers.conf" <<-EOF
	[containers]
	netns = "none"
	default_ulimits = ["nofile=$(ulimit -Hn):$(ulimit -Hn)", "nproc=4096:4096"]
	[engine]
	cgroup_manager = "cgroupfs"
	events_logger = "none"
	lock_type = "file"
	tmp_dir = "$P/tmp"
	runtime_supports_json = ["box", "crun", "runc"]
EOF
printf '[storage]\ndriver = "vfs"\ngraphroot = "%s"\nrunroot = "%s"\n' "$P/storage" "$P/run" >"$P/storage.conf"
echo 'unqualified-search-registries = []' >"$P/registries.conf"
podman_cmd() {
	echo "env CONTAINERS_CONF=$P/containers.conf CONTAINERS_STORAGE_CONF=$P/storage.conf" \
		"CONTAINERS_REGISTRIES_CONF=$P/registries.conf podman --root $P/storage" \
		"--runroot $P/run --tmpdir $P/tmp --cgroup-manager cgroupfs --runtime $1"
}
tar -C "$ROOTFS" -cf "$P/rootfs.tar" .
$(podman_cmd "$(bin runc)") import --quiet "$P/rootfs.tar" localhost/box-bench >/dev/null
hf=()
for rt in box crun runc; do
	cmd="$(podman_cmd "$(bin "$rt")") run --rm --cgroup-parent $CG_PARENT localhost/box-bench /bin/true"
	$cmd || { echo "bench: podman with $rt failed" >&2; exit 1; }
	hf+=(-n "podman $rt" "$cmd")
done
echo "bench: podman run --rm (hyperfine)" >&2
hyperfine -N --style none --warmup 2 --runs "$PODMAN_RUNS" --export-json "$OUT/podman.json" \
	"${hf[@]}" >"$OUT/podman.log" 2>&1 || { cat "$OUT/podman.log" >&2; exit 1; }
declare -A pm
while read -r name m sd d; do
	pm[$name]="$m ± $sd ($d)"
done < <(python3 -c 'import json,sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(r["command"].split()[-1], *("%.1f" % (r[k]*1e3) for k in ("mean", "stddev", "median")))' "$OUT/podman.json")
$(podman_cmd "$(bin runc)") rmi -f localhost/box-bench >/dev/null 2>&1 || true
echo
echo "### podman run --rm /bin/true, by runtime ($PODMAN_RUNS runs each)"
echo
echo "| runtime | mean ± σ (median) ms |"
echo "|---|---|"
for rt in box crun runc; do
	echo "| $rt | ${pm[$rt]} |"
done
