# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# oci_lib.sh: helpers of the OCI engine suites (sourced after tests/lib.sh). They drive real
# engines, podman (with conmon) and containerd (with ctr and containerd-shim-runc-v2), over
# the runtime under test: BOX_OCI_RUNTIME, build/box by default
# (BOX_OCI_RUNTIME=/usr/sbin/runc runs the same suites over runc).
#
# Everything the engines make lives in one directory of the suite's,
# ${TMPDIR:-/tmp}/box-test.$$.oci.XXXXXX, made once per suite (box_suite_setup):
#   podman/    private storage (vfs), run root, tmp dir, containers.conf, storage.conf,
#              registries.conf: no global podman state is read or written.
#   containerd/ a daemon of the suite's own (OCI_CONTAINERD=1): config, root, state, sockets,
#              the runtime's root for its containers, the stdio fifos.
# One image, localhost/box-test-busybox:latest: the busybox test rootfs (with /bin/probe)
# plus /etc/box-test-image, imported into podman from a rootfs tarball and into containerd
# from `podman save`. Every container's cgroup is under /box-test/oci-$$ (podman's conmon
# cgroup too), which tests/lib.sh's leak check covers.
#
# After every test nothing may be left (the test fails otherwise, then it is cleaned):
# containers, tasks, processes in the suite's cgroups, conmon and shim processes, cgroups other
# than the parent and podman's shared conmon cgroup, mounts under the suite's directory,
# containers of the suite in the runtime's root. At the end of the suite the daemon is
# stopped, and the cgroups, mounts and the directory are removed.
#
# Known global side effects, cleaned up when they are ours: podman uses the runtime's default
# root (podman 4.3 does not pass --runtime-flag to its cleanup process, so a private --root
# would split the containers in two roots): runc's /run/runc/ID while a podman container
# exists. containerd-shim-runc-v2 puts its socket under /run/containerd/s (fixed in the shim);
# /run/containerd is removed at the end when the suite made it and it is empty.

BOX_OCI_RUNTIME=${BOX_OCI_RUNTIME:-$BOX_BUILD/box}
# podman wants an absolute path (a bare name is looked up in containers.conf).
case $BOX_OCI_RUNTIME in
*/*) ;;
*) BOX_OCI_RUNTIME=$(command -v "$BOX_OCI_RUNTIME" 2>/dev/null || echo "$BOX_OCI_RUNTIME") ;;
esac
OCI_IMAGE=localhost/box-test-busybox:latest
OCI_MARKER="box-test-busybox image $$"
OCI_PREFIX=bt$$
OCI_CGROUP_PARENT=$BOX_TEST_CGROUP_PARENT/oci-$$
OCI_TIMEOUT=${OCI_TIMEOUT:-120}
OCI_CONTAINERD=${OCI_CONTAINERD:-0}
OCI_DIR=
OCI_PODMAN=()
OCI_CTR=()
OCI_CTD_PID=
OCI_CTD_START=
OCI_CTD_SOCK=
OCI_SETUP_ERROR=
OCI_RUN_CONTAINERD_EXISTED=1
PTYDRIVE=$BOX_ROOT/tests/ptydrive.py
_oci_serial=0

# --- the suite ---------------------------------------------------------------------------------

box_suite_setup()
{
	[ "$(id -u)" = 0 ] || return 0
	command -v podman >/dev/null 2>&1 || return 0
	[ -x "$BOX_OCI_RUNTIME" ] || return 0
	OCI_DIR=$(mktemp -d "${TMPDIR:-/tmp}/box-test.$$.oci.XXXXXX") || {
		OCI_SETUP_ERROR="cannot make the suite's directory"
		return 0
	}
	chmod 0700 "$OCI_DIR"
	OCI_SETUP_ERROR=$(_oci_podman_setup 2>&1) || {
		OCI_SETUP_ERROR="podman setup: ${OCI_SETUP_ERROR:-failed}"
		return 0
	}
	OCI_SETUP_ERROR=
	_oci_podman_argv
	if [ "$OCI_CONTAINERD" = 1 ] && command -v containerd >/dev/null 2>&1 &&
		command -v ctr >/dev/null 2>&1; then
		[ -e /run/containerd ] || OCI_RUN_CONTAINERD_EXISTED=0
		ctd_start || OCI_SETUP_ERROR="containerd setup: $OCI_SETUP_ERROR"
	fi
	return 0
}

box_suite_teardown()
{
	[ -n "$OCI_DIR" ] && [ -d "$OCI_DIR" ] || return 0
	if [ ${#OCI_PODMAN[@]} -gt 0 ]; then
		tpodman rm --all --force --time 0 >/dev/null 2>&1
	fi
	[ -z "$OCI_CTD_PID" ] || ctd_stop
	_oci_kill_leftovers
	_oci_delete_runtime_leftovers
	_oci_remove_cgroups all
	_oci_umount_under "$OCI_DIR"
	rm -rf --one-file-system "$OCI_DIR"
	if [ "$OCI_RUN_CONTAINERD_EXISTED" = 0 ]; then
		rmdir /run/containerd/s /run/containerd 2>/dev/null
	fi
	return 0
}

# --- every test --------------------------------------------------------------------------------

box_setup()
{
	ulimit -c 0
	_oci_mounts_before=$(_box_mounts)
}

box_teardown()
{
	local left
	endSkipping
	_box_kill_tracked
	_box_run_undo
	[ -n "$OCI_DIR" ] && [ -d "$OCI_DIR" ] || return 0
	if [ ${#OCI_PODMAN[@]} -gt 0 ]; then
		left=$(tpodman ps --all --quiet 2>/dev/null | tr '\n' ' ')
		if [ -n "${left// /}" ]; then
			fail "podman containers left: $left"
			tpodman rm --all --force --time 0 >/dev/null 2>&1
		fi
	fi
	if [ -n "$OCI_CTD_PID" ]; then
		left=$(ctd_leftovers)
		if [ -n "$left" ]; then
			fail "containerd tasks or containers left: $left"
			ctd_remove_all
		fi
	fi
	if ! wait_until 15 _oci_no_leftover_procs; then
		# shellcheck disable=SC2046 # one pid per word
		fail "processes left: $(_oci_describe_pids $(_oci_leftover_procs))"
		_oci_kill_leftovers
	fi
	left=$(_oci_runtime_leftovers | tr '\n' ' ')
	if [ -n "$left" ]; then
		fail "containers left in the runtime's root: $left"
		_oci_delete_runtime_leftovers
	fi
	if ! wait_until 5 _oci_no_new_cgroups; then
		fail "cgroups left: $(_oci_new_cgroups | tr '\n' ' ')"
		_oci_remove_cgroups containers
	fi
	left=$(comm -13 <(echo "$_oci_mounts_before") <(_box_mounts) |
		awk -v d="$OCI_DIR" 'index($2, d "/") == 1' | tr '\n' ' ')
	if [ -n "$left" ]; then
		fail "mounts left: $left"
		_oci_umount_under "$OCI_DIR"
	fi
	return 0
}

# oci_ready: at the start of every podman test (`oci_ready || return 0`). Skips without root
# or podman; fails without the runtime (a missing binary is a broken build) or when the
# suite's setup failed.
oci_ready()
{
	require_root || return 1
	require_command podman || return 1
	if [ ! -x "$BOX_OCI_RUNTIME" ]; then
		fail "missing OCI runtime $BOX_OCI_RUNTIME (make build/box, or set BOX_OCI_RUNTIME)"
		return 1
	fi
	if [ -n "$OCI_SETUP_ERROR" ] || [ ${#OCI_PODMAN[@]} -eq 0 ]; then
		fail "${OCI_SETUP_ERROR:-the setup of the suite did not run}"
		return 1
	fi
	return 0
}

# A fresh container name (podman's --name, ctr's container ID).
oci_name()
{
	_oci_serial=$((_oci_serial + 1))
	if [ "$BASHPID" != "$$" ]; then
		echo "$OCI_PREFIX-s$BASHPID"
	else
		echo "$OCI_PREFIX-$_oci_serial"
	fi
}

# --- podman ------------------------------------------------------------------------------------

_oci_podman_setup()
{
	local d=$OCI_DIR/podman rootfs capeff nofile nproc ulimits='' name
	[ -x "$PROBE" ] || { echo "missing $PROBE (make build/probe)"; return 1; }
	rootfs=$(busybox_rootfs) || return 1
	if ! cmp -s "$PROBE" "$rootfs/bin/probe"; then
		rm -f "$rootfs/.box-rootfs-done"
		rootfs=$(busybox_rootfs) || return 1
	fi
	mkdir -p "$d/storage" "$d/run" "$d/tmp" "$d/net" "$d/image/etc" || return 1
	# The image: the test rootfs and a file only this suite's image has.
	echo "$OCI_MARKER" >"$d/image/etc/box-test-image"
	tar -C "$rootfs" --numeric-owner --exclude=./.box-rootfs-done -cf "$d/rootfs.tar" . &&
		tar -C "$d/image" --numeric-owner --no-recursion -rf "$d/rootfs.tar" \
			./etc/box-test-image || return 1
	# Without CAP_SYS_RESOURCE (a sandboxed root), podman's default rlimits for root (nofile
	# 1048576, nproc 4194304) cannot be set in the container: ask for what podman itself has
	# (it lowers its own nproc to 32768).
	capeff=$(proc_status_field $$ CapEff)
	if (((16#${capeff:-0} & (1 << 24)) == 0)); then
		nofile=$(ulimit -Hn)
		nproc=$(ulimit -Hu)
		[ "$nproc" = unlimited ] || [ "$nproc" -gt 32768 ] && nproc=32768
		[ "$nofile" = unlimited ] && nofile=1048576
		ulimits="default_ulimits = [\"nofile=$nofile:$nofile\", \"nproc=$nproc:$nproc\"]"
	fi
	name=${BOX_OCI_RUNTIME##*/}
	# netns "none": podman's default bridge would make a host bridge and firewall rules
	# through CNI (global state); no test needs a network. File locks live in tmp_dir (the
	# default shm locks are shared by every podman of the host).
	cat >"$d/containers.conf" <<-EOF || return 1
		[containers]
		netns = "none"
		log_driver = "k8s-file"
		$ulimits

		[network]
		network_backend = "cni"
		network_config_dir = "$d/net"

		[engine]
		cgroup_manager = "cgroupfs"
		events_logger = "none"
		lock_type = "file"
		tmp_dir = "$d/tmp"
		image_copy_tmp_dir = "$d/tmp"
		static_dir = "$d/storage/libpod"
		volume_path = "$d/storage/volumes"
		runtime_supports_json = ["runc", "crun", "box", "$name"]
	EOF
	cat >"$d/storage.conf" <<-EOF || return 1
		[storage]
		driver = "vfs"
		graphroot = "$d/storage"
		runroot = "$d/run"
	EOF
	echo 'unqualified-search-registries = []' >"$d/registries.conf" || return 1
	_oci_podman_argv
	timeout -k 10 "$OCI_TIMEOUT" "${OCI_PODMAN[@]}" import --quiet \
		--change 'CMD ["/bin/sh"]' --change 'ENV PATH=/usr/sbin:/usr/bin:/sbin:/bin' \
		"$d/rootfs.tar" "$OCI_IMAGE" >/dev/null
}

_oci_podman_argv()
{
	local d=$OCI_DIR/podman
	OCI_PODMAN=(env CONTAINERS_CONF="$d/containers.conf"
		CONTAINERS_STORAGE_CONF="$d/storage.conf"
		CONTAINERS_REGISTRIES_CONF="$d/registries.conf"
		podman --root "$d/storage" --runroot "$d/run" --tmpdir "$d/tmp"
		--cgroup-manager cgroupfs --events-backend none --storage-driver vfs
		--runtime "$BOX_OCI_RUNTIME")
}

# tpodman ARG...: podman of the suite, with a safety timeout. `run` and `create` get the
# suite's cgroup parent.
tpodman()
{
	local args=("$@")
	case ${1:-} in
	run | create) args=("$1" --cgroup-parent "$OCI_CGROUP_PARENT" "${@:2}") ;;
	esac
	# From the suite's directory: conmon leaves an "oom" file in its working directory when
	# the OOM killer ends a container.
	(cd "$OCI_DIR" && exec timeout -k 10 "$OCI_TIMEOUT" "${OCI_PODMAN[@]}" "${args[@]}")
}

# podman_argv ARG...: sets PODMAN_ARGV to the podman command line tpodman would run, without
# the timeout (which would take the terminal's foreground away): for tests/ptydrive.py.
podman_argv()
{
	PODMAN_ARGV=("${OCI_PODMAN[@]}" "$@")
	case ${1:-} in
	run | create)
		PODMAN_ARGV=("${OCI_PODMAN[@]}" "$1" --cgroup-parent "$OCI_CGROUP_PARENT" "${@:2}")
		;;
	esac
}

# prun [PODMAN RUN OPTIONS...] -- CMD [ARG...]: `podman run --rm` of the image in the
# foreground, output in $TEST_TMP/out and err, status in RC.
prun()
{
	local opts=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	[ "${1:-}" = -- ] && shift
	tpodman run --rm "${opts[@]}" "$OCI_IMAGE" "$@" <"${STDIN:-/dev/null}" \
		>"$TEST_TMP/out" 2>"$TEST_TMP/err"
	RC=$?
}

# pdetach [PODMAN RUN OPTIONS...] -- CMD [ARG...]: `podman run -d` with a fresh name (NAME),
# removed when the test ends however it ends; ID is the container's full ID, PID1 its
# process as the host sees it. Fails the test when it does not start.
pdetach()
{
	local opts=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	[ "${1:-}" = -- ] && shift
	NAME=$(oci_name)
	on_teardown tpodman rm --force --time 0 "$NAME"
	ID=$(tpodman run -d --name "$NAME" "${opts[@]}" "$OCI_IMAGE" "$@" </dev/null \
		2>"$TEST_TMP/err")
	RC=$?
	if [ "$RC" != 0 ]; then
		fail "podman run -d: exit $RC: $(cat "$TEST_TMP/err")"
		return 1
	fi
	PID1=$(tpodman inspect --format '{{.State.Pid}}' "$NAME")
	if [ -z "$PID1" ] || [ "$PID1" = 0 ] || ! proc_alive "$PID1"; then
		fail "no running process for $NAME (pid '$PID1')"
		return 1
	fi
	return 0
}

# pinspect NAME GO-TEMPLATE
pinspect()
{
	tpodman inspect --format "$2" "$1" 2>/dev/null
}

# --- containerd --------------------------------------------------------------------------------

# ctd_ready: at the start of every containerd test.
ctd_ready()
{
	require_root || return 1
	require_command containerd || return 1
	require_command ctr || return 1
	require_command podman || return 1
	oci_ready || return 1
	if [ -z "$OCI_CTD_PID" ]; then
		fail "containerd did not start"
		return 1
	fi
	return 0
}

_oci_ctd_config()
{
	local d=$1
	# No CRI (it wants CNI and a network), no /opt/containerd, no tracing, no snapshotters
	# this host cannot have; no TCP listeners (debug, metrics).
	cat <<-EOF
		version = 2
		root = "$d/root"
		state = "$d/state"
		oom_score = 0
		disabled_plugins = [
		  "io.containerd.grpc.v1.cri",
		  "io.containerd.internal.v1.opt",
		  "io.containerd.internal.v1.tracing",
		  "io.containerd.tracing.processor.v1.otlp",
		  "io.containerd.snapshotter.v1.aufs",
		  "io.containerd.snapshotter.v1.btrfs",
		  "io.containerd.snapshotter.v1.devmapper",
		  "io.containerd.snapshotter.v1.zfs",
		]

		[grpc]
		  address = "$d/c.sock"

		[ttrpc]
		  address = "$d/c.sock.ttrpc"

		[debug]
		  address = ""
		  level = "warn"

		[metrics]
		  address = ""

		[plugins."io.containerd.runtime.v1.linux"]
		  runtime_root = "$d/runc-v1"
	EOF
}

# Starts the suite's containerd, imports the image. On failure OCI_SETUP_ERROR says why.
ctd_start()
{
	local d=$OCI_DIR/containerd snap=native
	mkdir -p "$d/fifo" || return 1
	_oci_ctd_config "$d" >"$d/config.toml" || return 1
	OCI_CTD_SOCK=$d/c.sock
	containerd --config "$d/config.toml" </dev/null >"$d/containerd.log" 2>&1 &
	OCI_CTD_PID=$!
	OCI_CTD_START=$(_box_starttime "$OCI_CTD_PID")
	OCI_CTR=(ctr --address "$OCI_CTD_SOCK" --namespace box-test)
	if ! wait_until 30 _oci_ctd_up || ! proc_alive "$OCI_CTD_PID"; then
		OCI_SETUP_ERROR="containerd is not serving: $(tail -c 1000 "$d/containerd.log")"
		ctd_stop
		return 1
	fi
	# overlayfs when this host has it (the shim mounts it for the runtime), else native.
	if "${OCI_CTR[@]}" plugins ls 2>/dev/null |
		awk '$1 == "io.containerd.snapshotter.v1" && $2 == "overlayfs" && $NF == "ok"' |
		grep -q .; then
		snap=overlayfs
	fi
	OCI_CTR=(env "CONTAINERD_SNAPSHOTTER=$snap" "${OCI_CTR[@]}")
	OCI_SETUP_ERROR=$({ tpodman save --quiet --format docker-archive -o "$d/image.tar" \
		"$OCI_IMAGE" && tctr images import "$d/image.tar"; } 2>&1 >/dev/null) || {
		OCI_SETUP_ERROR="image import: $OCI_SETUP_ERROR"
		ctd_stop
		return 1
	}
	OCI_SETUP_ERROR=
	return 0
}

_oci_ctd_up()
{
	proc_alive "$OCI_CTD_PID" || return 0
	[ -S "$OCI_CTD_SOCK" ] && "${OCI_CTR[@]}" version >/dev/null 2>&1
}

# Stops the daemon (TERM, then KILL), then its shims, which outlive it by design.
ctd_stop()
{
	local p
	if [ -n "$OCI_CTD_PID" ] && [ "$(_box_starttime "$OCI_CTD_PID")" = "$OCI_CTD_START" ]; then
		ctd_remove_all
		kill -TERM "$OCI_CTD_PID" 2>/dev/null
		if ! wait_until 15 proc_dead "$OCI_CTD_PID"; then
			kill -KILL "$OCI_CTD_PID" 2>/dev/null
		fi
		wait "$OCI_CTD_PID" 2>/dev/null
	fi
	for p in $(_oci_shim_pids); do kill -KILL "$p" 2>/dev/null; done
	OCI_CTD_PID=
}

# tctr ARG...: ctr on the suite's daemon and namespace, with a safety timeout.
tctr()
{
	timeout -k 10 "$OCI_TIMEOUT" "${OCI_CTR[@]}" "$@"
}

# ctd_opts ID: CTR_OPTS, the options every `ctr run` of the suite takes: the runtime under
# test, its root of the suite's, fifos of the suite's, the cgroup under the suite's parent.
ctd_opts()
{
	CTR_OPTS=(--runc-binary "$BOX_OCI_RUNTIME" --runc-root "$OCI_DIR/containerd/runc"
		--fifo-dir "$OCI_DIR/containerd/fifo" --cgroup "$OCI_CGROUP_PARENT/$1")
}

# Tasks and containers still in the suite's namespace.
ctd_leftovers()
{
	local t c
	t=$(tctr tasks ls --quiet 2>/dev/null | tr '\n' ' ')
	c=$(tctr containers ls --quiet 2>/dev/null | tr '\n' ' ')
	[ -z "${t// /}${c// /}" ] || echo "tasks: ${t:-none}; containers: ${c:-none}"
}

ctd_remove_all()
{
	local id
	for id in $(tctr tasks ls --quiet 2>/dev/null); do
		tctr tasks delete --force "$id" >/dev/null 2>&1
	done
	for id in $(tctr containers ls --quiet 2>/dev/null); do
		tctr containers delete "$id" >/dev/null 2>&1
	done
}

# A task's host pid (ctr tasks ls).
ctd_task_pid()
{
	tctr tasks ls 2>/dev/null | awk -v i="$1" '$1 == i { print $2 }'
}

ctd_task_status()
{
	tctr tasks ls 2>/dev/null | awk -v i="$1" '$1 == i { print $3 }'
}

# --- what is left behind -------------------------------------------------------------------

# The suite's cgroup parent in every hierarchy (v1 controllers, the v1 name=systemd and the
# hybrid unified one, or the v2 tree).
_oci_cgroup_roots()
{
	local d
	for d in /sys/fs/cgroup"$OCI_CGROUP_PARENT" /sys/fs/cgroup/*"$OCI_CGROUP_PARENT"; do
		[ -d "$d" ] && echo "$d"
	done
}

# Cgroups under the parent other than the parent and podman's conmon cgroup (podman makes one
# per parent, shared by its containers, and never removes it).
_oci_new_cgroups()
{
	local r
	for r in $(_oci_cgroup_roots); do
		find "$r" -mindepth 1 -type d ! -path "$r/conmon" 2>/dev/null
	done
}

_oci_no_new_cgroups()
{
	[ -z "$(_oci_new_cgroups)" ]
}

_oci_cgroup_procs()
{
	local r
	for r in $(_oci_cgroup_roots); do
		find "$r" -name cgroup.procs -exec cat {} + 2>/dev/null
	done | sort -un
}

# The shims of the suite's daemon (their command line names its socket).
_oci_shim_pids()
{
	[ -n "$OCI_CTD_SOCK" ] || return 0
	_oci_pids_matching containerd-shim "$OCI_CTD_SOCK"
}

# _oci_pids_matching COMM-PREFIX TEXT: live processes whose name starts with COMM-PREFIX and
# whose command line holds TEXT.
_oci_pids_matching()
{
	local p comm
	for p in /proc/[0-9]*; do
		comm=$(cat "$p/comm" 2>/dev/null) || continue
		case $comm in "$1"*) ;; *) continue ;; esac
		tr '\0' ' ' <"$p/cmdline" 2>/dev/null | grep -qF -- "$2" || continue
		proc_alive "${p#/proc/}" && echo "${p#/proc/}"
	done
}

# Everything a test may leave running: processes in the suite's cgroups, conmon and podman
# processes working on the suite's storage, the suite's shims.
_oci_leftover_procs()
{
	[ -n "$OCI_DIR" ] || return 0
	{
		_oci_cgroup_procs
		_oci_pids_matching conmon "$OCI_DIR"
		_oci_pids_matching podman "$OCI_DIR"
		_oci_shim_pids
	} | sort -un | while read -r p; do proc_alive "$p" && echo "$p"; done
}

_oci_no_leftover_procs()
{
	[ -z "$(_oci_leftover_procs)" ]
}

_oci_kill_leftovers()
{
	local p
	for p in $(_oci_leftover_procs); do kill -KILL "$p" 2>/dev/null; done
	wait_until 10 _oci_no_leftover_procs
}

_oci_describe_pids()
{
	local p
	for p; do
		printf '%s(%s) ' "$p" "$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | cut -c1-120)"
	done
}

# _oci_remove_cgroups containers|all: the suite's cgroups, deepest first (their processes
# killed first): the containers' (after a test), or the whole tree (at the end).
_oci_remove_cgroups()
{
	local r d p
	for p in $(_oci_cgroup_procs); do kill -KILL "$p" 2>/dev/null; done
	for r in $(_oci_cgroup_roots); do
		find "$r" -depth -type d 2>/dev/null | while read -r d; do
			if [ "$1" != all ] && { [ "$d" = "$r" ] || [ "$d" = "$r/conmon" ]; }; then
				continue
			fi
			wait_until 5 rmdir "$d" 2>/dev/null
		done
	done
}

# The containers in a runtime root whose bundle is in the suite's directory: "ROOT ID" lines.
# podman's containers are in the runtime's default root, containerd's in the suite's.
_oci_runtime_leftovers()
{
	local root
	[ -x "$BOX_OCI_RUNTIME" ] && [ -n "$OCI_DIR" ] || return 0
	for root in "" "$OCI_DIR/containerd/runc/box-test"; do
		[ -z "$root" ] || [ -d "$root" ] || continue
		"$BOX_OCI_RUNTIME" ${root:+--root "$root"} list --format json 2>/dev/null |
			python3 -c 'import json, sys
try:
    items = json.load(sys.stdin) or []
except ValueError:
    items = []
for c in items:
    if str(c.get("bundle", "")).startswith(sys.argv[1] + "/"):
        print(sys.argv[2] or "-", c.get("id"))' "$OCI_DIR" "$root"
	done
}

_oci_delete_runtime_leftovers()
{
	local root id
	_oci_runtime_leftovers | while read -r root id; do
		[ "$root" = - ] && root=
		"$BOX_OCI_RUNTIME" ${root:+--root "$root"} delete --force "$id" >/dev/null 2>&1
	done
}

# Unmounts every mount at or under DIR, deepest first.
_oci_umount_under()
{
	local m
	awk -v d="$1" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r |
		while read -r m; do
			umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null
		done
}

# --- cgroups, from inside and from outside -------------------------------------------------

# host_cgroup_file PID FILE: the path on the host of FILE (memory.max, pids.max...) in the
# cgroup of PID; in cgroup v1 the controller is FILE's prefix. memory.max is read from
# memory.limit_in_bytes under v1.
host_cgroup_file()
{
	local pid=$1 file=$2 ctrl path
	if [ "$(cgroup_mode)" = v2 ]; then
		path=$(sed -n 's/^0:://p' "/proc/$pid/cgroup")
		echo "/sys/fs/cgroup$path/$file"
		return 0
	fi
	ctrl=${file%%.*}
	[ "$file" = memory.max ] && file=memory.limit_in_bytes
	path=$(awk -F: -v c="$ctrl" '{ n = split($2, a, ","); for (i = 1; i <= n; i++)
		if (a[i] == c) print $3 }' "/proc/$pid/cgroup")
	echo "/sys/fs/cgroup/$ctrl$path/$file"
}

# A shell snippet printing the container's own FILE (memory.max or pids.max) from inside,
# whichever cgroup version the host has (v1: the controller's mount, v2: a cgroup namespace's
# root).
inside_cgroup_cmd()
{
	case $1 in
	memory.max)
		echo 'cat /sys/fs/cgroup/memory.max 2>/dev/null ||' \
			'cat /sys/fs/cgroup/memory/memory.limit_in_bytes'
		;;
	pids.max)
		echo 'cat /sys/fs/cgroup/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids/pids.max'
		;;
	esac
}

# --- on a terminal ---------------------------------------------------------------------------

# pty_drive CMD [ARG...]: runs CMD on a new terminal (tests/ptydrive.py) through the steps
# PTY_STEPS with the options PTY_OPTS; transcript in $TEST_TMP/pty.log, verdict in
# $TEST_TMP/pty.out, PTY_RC ptydrive's status.
pty_drive()
{
	timeout -k 10 "$OCI_TIMEOUT" python3 "$PTYDRIVE" --log "$TEST_TMP/pty.log" \
		"${PTY_OPTS[@]}" "${PTY_STEPS[@]}" -- "$@" \
		>"$TEST_TMP/pty.out" 2>"$TEST_TMP/pty.err" </dev/null
	PTY_RC=$?
}

pty_log()
{
	tr -d '\r' <"$TEST_TMP/pty.log" 2>/dev/null | tail -c 1500
}

# What a test prints on failure: status, stdout and stderr.
outputs()
{
	echo "exit ${RC:-?}, out: $(head -c 600 "$TEST_TMP/out" 2>/dev/null)," \
		"err: $(head -c 600 "$TEST_TMP/err" 2>/dev/null)"
}
