#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# make bench, managed containers: start N detached busybox containers each running httpd,
# one after the other, then stop them all; with launch -d and with podman run -d --init
# (conmon, catatonit, runc) on the same rootfs imported as an image, in this run. Reports the
# start rate, the stop time and what each running container costs the host beyond its
# workload: the PSS of launch's monitor and boxinit, against conmon's and catatonit's. Both
# run without a network (lo only), so the figures are the runtimes' own. Figures are
# reported, never asserted. Removes every container, cgroup and the image on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

BUILD=${BOX_BUILD:-$PWD/build}
N=${BENCH_CONTAINERS:-100}
CG_PARENT=/box-bench-manage
PREFIX=bbm$$
IMAGE=localhost/box-bench-busybox:$$
LAUNCH=$BUILD/launch
PODMAN_OPTS=(--runtime runc --network none --ulimit nofile=1024:1024 --ulimit nproc=1024:1024)

cleanup() {
	local i
	for i in $(seq 1 "$N"); do
		"$LAUNCH" rm -f "$PREFIX-b$i" >/dev/null 2>&1 || true
	done
	if command -v podman >/dev/null; then
		podman rm -f -t 0 $(podman ps -a --filter "name=^$PREFIX-p" --format '{{.Names}}') \
			>/dev/null 2>&1 || true
		podman rmi -f "$IMAGE" >/dev/null 2>&1 || true
	fi
	remove_cgroup_parents "$CG_PARENT"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for c in podman runc python3; do
	command -v "$c" >/dev/null || { echo "bench/manage.sh: missing $c (make bench installs it)" >&2; exit 1; }
done
ROOTFS=$(busybox_rootfs_path)
[ -x "$ROOTFS/bin/busybox" ] || { echo "bench/manage.sh: no busybox rootfs" >&2; exit 1; }

record() { python3 -c 'import json, sys
j = json.load(open("/run/box/containers/%s/state.json" % sys.argv[1]))
print(j["monitor"]["pid"], j["pid1"]["pid"])' "$1"; }

# --- launch -d ------------------------------------------------------------------------------
names=()
t0=$(now)
for i in $(seq 1 "$N"); do
	"$LAUNCH" -d --name "$PREFIX-b$i" --cgroup-parent "$CG_PARENT" "$ROOTFS" -- httpd -f -p 8080 >/dev/null
	names+=("$PREFIX-b$i")
done
t1=$(now)
box_mon=() box_init=()
for n in "${names[@]}"; do
	read -r m p <<<"$(record "$n")"
	box_mon+=("$m")
	box_init+=("$p")
done
sleep 1
box_pss_mon=$(pss_kb "${box_mon[@]}")
box_pss_init=$(pss_kb "${box_init[@]}")
box_rss=$(rss_kb "${box_mon[@]}" "${box_init[@]}")
t2=$(now)
"$LAUNCH" stop -t 5 "${names[@]}" >/dev/null
t3=$(now)
box_start=$(python3 -c "print($t1 - $t0)")
box_stop=$(python3 -c "print($t3 - $t2)")

# --- podman run -d --init ----------------------------------------------------------------------
tar -C "$ROOTFS" -c . | podman import -q - "$IMAGE" >/dev/null
# One run first: podman's first start prepares its storage and state (not counted).
podman run --rm "${PODMAN_OPTS[@]}" "$IMAGE" true
pnames=()
t0=$(now)
for i in $(seq 1 "$N"); do
	podman run -d --init "${PODMAN_OPTS[@]}" --name "$PREFIX-p$i" "$IMAGE" httpd -f -p 8080 >/dev/null
	pnames+=("$PREFIX-p$i")
done
t1=$(now)
pod_mon=() pod_init=()
for n in "${pnames[@]}"; do
	read -r m p <<<"$(podman inspect --format '{{.State.ConmonPid}} {{.State.Pid}}' "$n")"
	pod_mon+=("$m")
	pod_init+=("$p")
done
sleep 1
pod_pss_mon=$(pss_kb "${pod_mon[@]}")
pod_pss_init=$(pss_kb "${pod_init[@]}")
pod_rss=$(rss_kb "${pod_mon[@]}" "${pod_init[@]}")
t2=$(now)
podman stop -t 5 "${pnames[@]}" >/dev/null
t3=$(now)
podman rm "${pnames[@]}" >/dev/null
pod_start=$(python3 -c "print($t1 - $t0)")
pod_stop=$(python3 -c "print($t3 - $t2)")

python3 - "$N" "$box_start" "$box_stop" "$box_pss_mon" "$box_pss_init" "$box_rss" \
	"$pod_start" "$pod_stop" "$pod_pss_mon" "$pod_pss_init" "$pod_rss" <<'EOF'
import sys
n = int(sys.argv[1])
bs, bp, bm, bi, br, ps, pp, pm, pi, pr = map(float, sys.argv[2:])
print(f"### {n} detached busybox httpd containers, started one after the other, then stopped together\n")
print("| | start total | start rate | stop all | host memory per running container (PSS) | of which monitor / init | RSS per container |")
print("|---|---|---|---|---|---|---|")
print(f"| launch -d (monitor + boxinit) | {bs:.2f} s | {n / bs:.1f} /s | {bp:.2f} s | {(bm + bi) / n:.0f} kB | {bm / n:.0f} / {bi / n:.0f} kB | {br / n:.0f} kB |")
print(f"| podman run -d --init (conmon + catatonit, runc) | {ps:.2f} s | {n / ps:.1f} /s | {pp:.2f} s | {(pm + pi) / n:.0f} kB | {pm / n:.0f} / {pi / n:.0f} kB | {pr / n:.0f} kB |")
print(f"\nlaunch's start rate is {(n / bs) / (n / ps):.1f}x podman's (goal: 5x or more); "
      f"its memory per container is {(bm + bi) / (pm + pi):.2f} of podman's (goal: 1/2 or less).")
EOF
