#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# demo.sh (`make demo`): the tutorial's job done by box. Builds launch/boxinit and a Debian
# rootfs with nginx (cached), starts `service nginx start` in a container with limits and its
# own veth (--net veth -p 8080:80), fetches the page from the host with curl through the
# published port, stops it with SIGTERM and shows the stats
# and the exit status. Needs root. Ends only the launch it started, by pid, even on failure.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
launch_pid=
log=$(mktemp -d "${TMPDIR:-/tmp}/box-demo.XXXXXX")

step() { printf '\n==> %s\n' "$*"; }
die() {
	echo "demo: $*" >&2
	exit 1
}

# On any failure or interrupt: stop our container (SIGTERM, then SIGKILL), keep nothing.
cleanup() {
	local rc=$?
	if [[ -n $launch_pid ]] && kill -0 "$launch_pid" 2>/dev/null; then
		echo "demo: stopping launch (pid $launch_pid)" >&2
		kill -TERM "$launch_pid" 2>/dev/null || true
		for _ in $(seq 100); do kill -0 "$launch_pid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$launch_pid" 2>/dev/null || true
		wait "$launch_pid" 2>/dev/null || true
	fi
	rm -rf "$log"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The container's PID 1 (boxinit) as the host sees it: launch's child named boxinit.
init_pid() {
	local c
	for c in $(pgrep -P "$launch_pid" 2>/dev/null); do
		[[ $(cat "/proc/$c/comm" 2>/dev/null) == boxinit ]] && { echo "$c"; return 0; }
	done
	return 1
}

# The limits as the kernel holds them, read from the container's cgroup (v1 or v2).
limits() {
	local rel v2
	if [[ $(stat -fc %T /sys/fs/cgroup) == cgroup2fs ]]; then
		rel=$(sed -n 's/^0:://p' "/proc/$1/cgroup")
		v2=/sys/fs/cgroup$rel
		echo "cgroup $v2: memory.max $(cat "$v2/memory.max"), cpu.max $(cat "$v2/cpu.max")," \
			"pids.max $(cat "$v2/pids.max")"
		return 0
	fi
	rel=$(sed -n 's/^[0-9]*:memory:\(.*\)/\1/p' "/proc/$1/cgroup")
	echo "cgroup $rel (v1): memory.limit_in_bytes" \
		"$(cat "/sys/fs/cgroup/memory$rel/memory.limit_in_bytes")," \
		"cpu.cfs_quota_us $(cat "/sys/fs/cgroup/cpu$rel/cpu.cfs_quota_us")" \
		"per $(cat "/sys/fs/cgroup/cpu$rel/cpu.cfs_period_us")," \
		"pids.max $(cat "/sys/fs/cgroup/pids$rel/pids.max")"
}

# From the host, through the port launch publishes (--net veth -p): launch's proxy.
port=${DEMO_PORT:-8080}
name=box-demo-$$
page() {
	curl -sf --max-time 5 "http://127.0.0.1:$port/"
}

[[ $(id -u) == 0 ]] || die "needs root (namespaces, cgroups, debootstrap)"
for tool in curl nsenter pgrep; do
	command -v "$tool" >/dev/null || die "missing '$tool' (make deps)"
done

step "build launch, boxinit and the Debian rootfs with nginx (cached)"
make -s all
make -s rootfs

cmd=(build/launch --name "$name" --net veth -p "$port:80" --memory 256m --cpus 1
	--pids-limit 200 --stats ./rootfs/debian -- service nginx start)
step "${cmd[*]}"
"${cmd[@]}" </dev/null >"$log/out" 2>"$log/err" &
launch_pid=$!

pid1=
for _ in $(seq 100); do
	pid1=$(init_pid) && break
	kill -0 "$launch_pid" 2>/dev/null || break
	sleep 0.1
done
[[ -n $pid1 ]] || { cat "$log/out" "$log/err" >&2; die "the container did not start"; }
echo "launch pid $launch_pid, the container's PID 1 (boxinit) is host pid $pid1"

step "nginx answers on the host at 127.0.0.1:$port (published container port 80)"
for _ in $(seq 100); do
	page >"$log/page" 2>/dev/null && break
	kill -0 "$launch_pid" 2>/dev/null || break
	sleep 0.1
done
[[ -s $log/page ]] || { cat "$log/out" "$log/err" >&2; die "nginx did not answer"; }
sed 's/^/  (container) /' "$log/out"
echo "\$ curl -s http://127.0.0.1:$port/ | head -n 4"
head -n 4 "$log/page"
echo "\$ launch list  (the containers running now, from their records in /run/box/containers)"
build/launch list | sed 's/^/  /'
echo "processes in the container:"
ps -o pid=,user=,args= --ppid "$pid1" --pid "$pid1" | sed 's/^/  /'
ps -o pid=,user=,args= --ppid "$(pgrep -d, -P "$pid1")" 2>/dev/null | sed 's/^/  /' || true
if curl -sf --max-time 2 http://127.0.0.1/ 2>/dev/null | grep -q 'Welcome to nginx'; then
	echo "(the host's own port 80 also serves nginx: that one is not the container's)"
else
	echo "the host's 127.0.0.1:80 does not reach it: the container has its own network"
fi

limits "$pid1"

step "stop: SIGTERM to launch (pid $launch_pid)"
kill -TERM "$launch_pid"
set +e
wait "$launch_pid"
status=$?
set -e
launch_pid=
sed 's/^/  /' "$log/err"
echo "launch exited with status $status"
[[ $status == 0 ]] || die "expected status 0 after a graceful stop"
