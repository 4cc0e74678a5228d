#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs the test suites in a qemu VM booted with cgroup v1 disabled (pure cgroup
# v2), against the host's own build and tools shared read-only over 9p.
# Usage: tools/vm/run.sh [all | DIR | DIR/SUITE | !DIR/SUITE ...]
#   e.g. launch/test_cgroup unit; "!X" leaves X out; no inclusion means all.
# Without arguments it runs the selection in tools/vm/suites.
# Env: BOXVM_TIMEOUT (seconds, default 1800), BOXVM_MEM (2G), BOXVM_CPUS (2),
# BOXVM_RUNNER (the script run in the guest, default tests/run.sh; relative to
# the repository or absolute, outside /tmp, which the guest does not share),
# BOXVM_KARGS (extra kernel arguments), BOXVM_CPU (qemu -cpu, default max),
# BOXVM_TCG_THREAD (single or multi).
# The verdict comes only from what the guest prints: qemu exits 0 either way.
# Ends with "N passed, N failed, N skipped"; exits non-zero on any failure.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
dir="$repo/build/vm"
timeout_s=${BOXVM_TIMEOUT:-1800}

log() { printf 'vm: %s\n' "$*" >&2; }
verdict_failed() {
	log "$*"
	echo "0 passed, 1 failed, 0 skipped"
	exit 1
}

case "$repo" in
*[[:space:]]* | *\"*) verdict_failed "the repository path '$repo' cannot go on a kernel command line" ;;
esac
command -v qemu-system-x86_64 >/dev/null ||
	verdict_failed "qemu-system-x86_64 not found: run 'make deps'"
mkdir -p "$dir"
# One preparation at a time: several runs may start together.
flock "$dir/.lock" "$repo/tools/vm/build.sh" "$dir" || verdict_failed "cannot prepare the VM"

# KVM only where it really works; TCG is much slower but needs nothing. One TCG
# thread for all vCPUs: with a thread each, the guest's cross-CPU TLB flushes
# (every exit, munmap, exec) stop all vCPUs, and fork+exec gets 3-4 times slower.
accel=(-accel "tcg,thread=${BOXVM_TCG_THREAD:-single}" -cpu "${BOXVM_CPU:-max}")
if [ -r /dev/kvm ] && [ -w /dev/kvm ] && grep -qwE 'vmx|svm' /proc/cpuinfo; then
	accel=(-accel kvm -cpu host)
fi

if [ $# -eq 0 ]; then
	mapfile -t defaults < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$repo/tools/vm/suites")
	set -- "${defaults[@]}"
fi
for f; do
	[[ $f =~ ^!?[A-Za-z0-9_./-]+$ ]] || verdict_failed "bad suite filter '$f'"
done
[[ ${BOXVM_RUNNER:-tests/run.sh} =~ ^[A-Za-z0-9_./-]+$ ]] ||
	verdict_failed "bad BOXVM_RUNNER '$BOXVM_RUNNER'"
filters=$(
	IFS=,
	echo "$*"
)
# mitigations=off: page-table isolation flushes TCG's whole soft TLB on every
# system call; this guest runs only our tests.
cmdline="console=ttyS0 loglevel=1 panic=-1 cgroup_no_v1=all mitigations=off rdinit=/init"
cmdline+=" ${BOXVM_KARGS:-}"
cmdline+=" BOXVM_REPO=$repo BOXVM_DIR=$dir BOXVM_STAGE2=$repo/tools/vm/guest.sh"
cmdline+=" BOXVM_ARGS=$filters BOXVM_RUNNER=${BOXVM_RUNNER:-tests/run.sh}"

# A small read-only disk, so that the guest has a block device as hosts do.
[ -s "$dir/disk.img" ] || truncate -s 4M "$dir/disk.img"
serial=$(mktemp "$dir/serial.XXXXXX.log")
start=$(date +%s)
log "boot (${accel[1]}), timeout ${timeout_s}s"
# timeout is the only one that kills qemu, by the pid it started.
timeout --kill-after=10 "$timeout_s" qemu-system-x86_64 \
	-nodefaults -no-user-config -no-reboot -display none -monitor none \
	"${accel[@]}" -smp "${BOXVM_CPUS:-2}" -m "${BOXVM_MEM:-2G}" \
	-kernel "$dir/vmlinuz" -initrd "$dir/initramfs.cpio" -append "$cmdline" \
	-serial "file:$serial" -nic none \
	-drive "file=$dir/disk.img,if=virtio,format=raw,readonly=on" \
	-virtfs local,path=/,mount_tag=hostroot,security_model=passthrough,readonly=on,multidevs=remap \
	</dev/null &
vm=$!
# Live output; tail ends on its own once qemu is gone. Both run in the
# background so that a signal reaches the trap while we wait.
tail -n +1 -F --pid="$vm" "$serial" 2>/dev/null |
	sed -u -e 's/\r$//' -e '/^BOXVM-/d' -e '/^\[ *[0-9.]*\] reboot: Power down$/d' &
printer=$!
trap 'kill "$vm" 2>/dev/null; wait "$vm"; log "interrupted"; exit 130' INT TERM
set +e
wait "$vm"
qemu_rc=$?
wait "$printer"
set -e
trap - INT TERM
log "qemu ran for $(($(date +%s) - start))s"
if [ "$qemu_rc" -eq 124 ] || [ "$qemu_rc" -eq 137 ]; then
	verdict_failed "the VM did not finish within ${timeout_s}s: killed; see $serial"
fi
[ "$qemu_rc" -eq 0 ] || verdict_failed "qemu failed (status $qemu_rc), see $serial"

result=$(tr -d '\r' <"$serial" | sed -n 's/^BOXVM-RESULT: //p' | tail -n 1)
rc=$(tr -d '\r' <"$serial" | sed -n 's/^BOXVM-RC=\([0-9]*\)$/\1/p' | tail -n 1)
[ -n "$rc" ] || verdict_failed "the guest printed no verdict, see $serial"
printf '%s\n' "$result" | grep -qE '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' ||
	verdict_failed "the guest's last line is not a verdict: '$result', see $serial"
if [ "$rc" -eq 0 ]; then
	rm -f "$serial"
else
	log "guest exit status $rc, console log kept in $serial"
fi
echo "$result"
[ "$rc" -eq 0 ]
