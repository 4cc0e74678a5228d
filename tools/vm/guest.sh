#!/bin/bash
# SPDX-License-Identifier: MIT
# Stage two of the test VM, PID 1 in the guest's root (the host's root, read-only,
# under a tmpfs overlay). Sets up a pure cgroup v2 system, runs a smoke check and
# tests/run.sh, and prints the verdict, stage one's counts included, on the
# console for tools/vm/run.sh to read. Must end with a power-off: qemu's exit
# status says nothing. With --early it is stage one (see early_main).
set -u
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TERM=dumb LANG=C.UTF-8 LC_ALL=C.UTF-8
# test_nginx's many overlay containers of one rootfs: 10 here, not 50 (each nginx start is
# dozens of forks, 30-50 times the host's cost under TCG); what they prove is the same.
export BOX_TEST_OVERLAY_N=10
unset BOXVM_STAGE2
cd /

say() { printf 'boxvm: %s\n' "$*"; }

# "N passed, N failed, N skipped" of stage one (init's BOXVM_EARLY), for finish.
read_early() {
	local re='^([0-9]+) passed, ([0-9]+) failed, ([0-9]+) skipped$'
	EARLY=(0 1 0)
	if [[ ${BOXVM_EARLY:-} =~ $re ]]; then
		EARLY=("${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}" "${BASH_REMATCH[3]}")
	else
		say "stage one's verdict is missing or malformed: '${BOXVM_EARLY:-}'"
	fi
	unset BOXVM_EARLY
}

# The verdict: stage two's line plus stage one's counts.
finish() {
	local line=$1 rc=$2 re='^([0-9]+) passed, ([0-9]+) failed, ([0-9]+) skipped$'
	say "stage one (the initramfs as root): ${EARLY[0]} passed, ${EARLY[1]} failed," \
		"${EARLY[2]} skipped"
	if [[ $line =~ $re ]]; then
		line="$((BASH_REMATCH[1] + EARLY[0])) passed, $((BASH_REMATCH[2] + EARLY[1])) failed,"
		line+=" $((BASH_REMATCH[3] + EARLY[2])) skipped"
	fi
	[ "${EARLY[1]}" -eq 0 ] || [ "$rc" -ne 0 ] || rc=1
	printf 'BOXVM-RESULT: %s\n' "$line"
	printf 'BOXVM-RC=%s\n' "$rc"
	sync
	busybox poweroff -f
}

# /tmp as on this Debian 12 host (part of /): device nodes made there can be opened. A
# fresh tmpfs there would hide a checkout that lives under the host's /tmp (CI clones
# anywhere), so every path the run needs is bound back into it.
fresh_tmp() {
	local keep=()
	case $BOXVM_REPO in /tmp/*) keep+=("$BOXVM_REPO") ;; esac
	case $BOXVM_DIR in "$BOXVM_REPO"/* | "") ;; /tmp/*) keep+=("$BOXVM_DIR") ;; esac
	local i
	for i in "${!keep[@]}"; do
		mkdir -p "/mnt/boxvm-keep$i" && mount --bind "${keep[$i]}" "/mnt/boxvm-keep$i" || return 1
	done
	mount -t tmpfs -o mode=1777 tmpfs /tmp || return 1
	for i in "${!keep[@]}"; do
		mkdir -p "${keep[$i]}" && mount --bind "/mnt/boxvm-keep$i" "${keep[$i]}" || return 1
	done
}

# The mounts the suites need, in both stages.
setup_mounts() {
	fresh_tmp &&
		mount -t tmpfs -o mode=755,nosuid,nodev tmpfs /run &&
		mkdir -p /dev/pts /dev/shm &&
		mount -t devpts -o newinstance,ptmxmode=0666,mode=620 devpts /dev/pts &&
		mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /dev/shm &&
		mount -t cgroup2 -o nsdelegate,memory_recursiveprot cgroup2 /sys/fs/cgroup || return 1
	# The guest's own /var/log: under the root's overlay it is the host's, read over 9p with a
	# cache, and the host's launches make and remove /var/log/box while the guest runs. A lower
	# layer that changes under overlayfs is undefined: the guest saw the directory and could
	# not create in it ("open log '/var/log/box/NAME.log': No such file or directory").
	mkdir -p /var/log && mount -t tmpfs -o mode=755,nosuid,nodev tmpfs /var/log || return 1
	# devtmpfs has only device nodes: these links come from udev on a real host.
	[ -e /dev/ptmx ] || ln -s pts/ptmx /dev/ptmx
	ln -sfn /proc/self/fd /dev/fd
	ln -sfn /proc/self/fd/0 /dev/stdin
	ln -sfn /proc/self/fd/1 /dev/stdout
	ln -sfn /proc/self/fd/2 /dev/stderr
	# Like a systemd host: the same mount options, every controller enabled below the root.
	local c all=""
	for c in $(cat /sys/fs/cgroup/cgroup.controllers); do all="$all +$c"; done
	echo "$all" >/sys/fs/cgroup/cgroup.subtree_control || return 1
}

setup_system() {
	setup_mounts || return 1
	hostname boxvm
	ip link set lo up || return 1
	# The host has no kmod: busybox's modprobe loads on demand (veth, bridge...)
	# from the unpacked kernel's modules.
	local kver
	kver=$(uname -r)
	mkdir -p "/lib/modules/$kver"
	mount --bind -o ro "$BOXVM_DIR/kernel/lib/modules/$kver" "/lib/modules/$kver" || return 1
	ln -sfn "$(command -v busybox)" /usr/sbin/modprobe
	echo /usr/sbin/modprobe >/proc/sys/kernel/modprobe
	# A disk and an interface besides lo, as a real host has, for the tests that
	# check that a container cannot reach them (no udev here to load the driver).
	modprobe virtio_blk || return 1
	# /dev/net/tun, which udev's rules load on a real host (slirp4netns needs it).
	modprobe tun || return 1
	ip link add boxvm0 type dummy && ip link set boxvm0 up || return 1
	# The user-namespace suites run containers from idmapped mounts, which this root (an
	# overlay of 9p, kernel 6.1) cannot give: their rootfs copies (build/rootfs-userns)
	# live on an ext4 in RAM, as on a real Debian host's disk.
	# The layers of launch --overlay (/var/lib/box) too: overlayfs takes no overlayfs for
	# its upper layer.
	modprobe brd rd_nr=2 rd_size=131072 &&
		mkfs.ext4 -q -F /dev/ram0 &&
		mkdir -p "$BOXVM_REPO/build/rootfs-userns" &&
		mount -t ext4 /dev/ram0 "$BOXVM_REPO/build/rootfs-userns" &&
		mkfs.ext4 -q -F /dev/ram1 && mkdir -p /var/lib/box &&
		mount -t ext4 /dev/ram1 /var/lib/box || return 1
}

# Proves the VM is what the suites need, before anything else runs.
smoke_check() {
	local fails=0 fstype ctl
	fstype=$(stat -fc %T /sys/fs/cgroup)
	say "smoke: /sys/fs/cgroup is $fstype"
	[ "$fstype" = cgroup2fs ] || fails=$((fails + 1))
	say "smoke: controllers: $(cat /sys/fs/cgroup/cgroup.controllers)"
	for ctl in cpu memory pids io; do
		grep -qw "$ctl" /sys/fs/cgroup/cgroup.controllers || {
			say "smoke: controller '$ctl' missing"
			fails=$((fails + 1))
		}
	done
	if mkdir -p /sys/fs/cgroup/box-test/x &&
		echo +memory >/sys/fs/cgroup/box-test/cgroup.subtree_control &&
		echo 64M >/sys/fs/cgroup/box-test/x/memory.max &&
		[ "$(cat /sys/fs/cgroup/box-test/x/memory.max)" = 67108864 ]; then
		say "smoke: /box-test/x memory.max = $(cat /sys/fs/cgroup/box-test/x/memory.max)"
	else
		say "smoke: cannot create /box-test/x with memory.max"
		fails=$((fails + 1))
	fi
	rmdir /sys/fs/cgroup/box-test/x /sys/fs/cgroup/box-test 2>/dev/null
	[ ! -e /sys/fs/cgroup/box-test ] || {
		say "smoke: cannot remove /box-test"
		fails=$((fails + 1))
	}
	say "smoke: root is $(findmnt -no FSTYPE /), $(nproc) cpus," \
		"$(awk '/MemTotal/ { print int($2 / 1024) " MiB" }' /proc/meminfo)"
	return "$fails"
}

# The files of one suite directory: tests/DIR/test_*.sh, or the unit test binaries.
suite_files() {
	if [ "$1" = unit ]; then
		printf '%s\n' build/tests/test_*
	else
		printf '%s\n' "tests/$1"/test_*.sh
	fi
}

# Turns the filters (comma-separated: "all", a directory "launch", one suite
# "launch/test_cgroup", or an exclusion "!init/test_exit_status"; no inclusion
# means all) into tests/run.sh's directory arguments. tests/run.sh selects whole
# directories only, so the suites left out are deleted from the guest's copy of
# the repository (a tmpfs overlay: the host's stays whole).
select_suites() {
	local arg dir name f all=0
	local -A keep=() dirs=() drop=()
	for arg in ${BOXVM_ARGS//,/ }; do
		case $arg in
		all) all=1 ;;
		!*) arg=${arg#!} && drop[${arg#tests/}]=1 ;;
		*)
			arg=${arg#tests/}
			dir=${arg%%/*}
			dirs[$dir]=1
			[ "$arg" = "$dir" ] || keep[$dir]+=" ${arg#*/} "
			;;
		esac
	done
	[ "$all" = 0 ] || dirs=()
	for dir in unit tests/*/; do
		dir=${dir#tests/}
		dir=${dir%/}
		[ -n "${keep[$dir]:-}" ] && [ "$all" = 0 ] || keep[$dir]=" * "
		for f in $(suite_files "$dir"); do
			[ -e "$f" ] || continue
			name=${f##*/}
			name=${name%.sh}
			if [ -n "${drop[$dir]:-}${drop[$dir/$name]:-}${drop[$dir/$name.sh]:-}" ]; then
				rm -f "$f" || return 1
				continue
			fi
			case ${keep[$dir]} in " * " | *" $name "* | *" $name.sh "*) continue ;; esac
			rm -f "$f" || return 1
		done
	done
	[ ${#dirs[@]} -eq 0 ] || printf '%s\n' "${!dirs[@]}"
}

# Elapsed time before each suite, for choosing what fits in CI's budget.
stamp_suites() {
	local line t0=${EPOCHREALTIME%.*}
	while IFS= read -r line; do
		case $line in
		"=== "*) printf 'boxvm: [%ss]\n' $((${EPOCHREALTIME%.*} - t0)) ;;
		esac
		printf '%s\n' "$line"
	done
}

# The test that only runs where "/" is the mount namespace's first mount: launch's
# chroot fallback, when the root cannot be pivoted.
EARLY_SUITE=tests/launch/test_rootfs.sh
EARLY_TEST=test_unpivotable_root_falls_back_to_chroot_with_a_warning

# Runs EARLY_TEST and counts its result as tests/run.sh would, into EARLY. A skip here
# is a failure: this root is the one the test needs.
early_test() {
	local log=/tmp/boxvm-early.log rc total p f s leaks
	echo "=== suite: $EARLY_SUITE $EARLY_TEST (the initramfs as root)"
	timeout -k 10 600 bash "$EARLY_SUITE" -- "$EARLY_TEST" </dev/null 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	# shellcheck source=tests/tally.sh
	. tests/tally.sh
	tally "$log"
	total=$T_TOTAL p=$T_PASS f=$T_FAIL s=$T_SKIP leaks=$T_LEAK
	if [ "${total:-0}" != 1 ] || [ $((p + f + s)) -ne 1 ] || [ "$leaks" -ne 0 ] ||
		{ [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; }; then
		say "stage one: $EARLY_SUITE exit $rc, ${total:-no} tests, $((p + f + s)) results," \
			"$leaks leaks"
		f=$((f + 1))
	fi
	if [ "$s" -ne 0 ]; then
		say "stage one: $EARLY_TEST skipped where the root is the initramfs"
		f=$((f + s)) s=0
	fi
	EARLY=("$p" "$f" "$s")
}

# Stage one: run by init in the initramfs, in a mount and a pid namespace of its own, before
# the switch_root. Writes its verdict to /boxvm-early (the initramfs) for init.
early_main() {
	local t0=${EPOCHREALTIME%.*}
	EARLY=(0 1 0)
	if ! setup_mounts || ! cd "$BOXVM_REPO"; then
		say "stage one: cannot set up"
	elif ! select_suites >/dev/null; then
		say "stage one: cannot select the suites"
	elif [ ! -x "${BOXVM_RUNNER:-tests/run.sh}" ] || [ ! -e "$EARLY_SUITE" ]; then
		EARLY=(0 0 0)
	else
		early_test
		say "stage one took $((${EPOCHREALTIME%.*} - t0))s"
	fi
	echo "${EARLY[0]} passed, ${EARLY[1]} failed, ${EARLY[2]} skipped" >/boxvm-early
}

main() {
	local up0 rc out line
	up0=$(cut -d' ' -f1 /proc/uptime)
	read_early
	setup_system || finish "0 passed, 1 failed, 0 skipped" 125
	say "booted in ${up0}s (guest uptime), kernel $(uname -r)"
	smoke_check
	rc=$?
	if [ "$rc" -ne 0 ]; then
		say "smoke check failed ($rc)"
		finish "0 passed, 1 failed, 0 skipped" 1
	fi
	say "smoke check passed"
	cd "$BOXVM_REPO" || finish "0 passed, 1 failed, 0 skipped" 125
	local runner=${BOXVM_RUNNER:-tests/run.sh}
	if [ ! -x "$runner" ]; then
		say "no '$runner' in '$BOXVM_REPO': smoke check only"
		finish "1 passed, 0 failed, 0 skipped" 0
	fi
	local -a dirs
	select_suites >/tmp/boxvm-dirs || finish "0 passed, 1 failed, 0 skipped" 125
	mapfile -t dirs </tmp/boxvm-dirs
	say "running $runner ${dirs[*]}"
	out=$(mktemp /tmp/boxvm-run.XXXXXX)
	"$runner" "${dirs[@]}" </dev/null 2>&1 | stamp_suites | tee "$out"
	rc=${PIPESTATUS[0]}
	line=$(tail -n 1 "$out")
	say "suites took $(awk -v t0="$up0" '{ printf "%d", $1 - t0 }' /proc/uptime)s"
	if [ "$rc" -ne 0 ]; then
		say "kernel log, last lines:"
		dmesg | grep -v '^[[:space:]]' | tail -n 30
	fi
	finish "$line" "$rc"
}

if [ "${1:-}" = --early ]; then
	early_main
else
	main
fi
