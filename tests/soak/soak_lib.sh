# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# soak_lib.sh: the soak (sourced after tests/lib.sh, by tests/soak/soak.sh for `make soak` and
# by tests/soak/test_soak.sh in `make check`). It runs many containers, several at once, each
# with an outcome drawn from a seeded random sequence (the seed is printed: SOAK_SEED=S
# replays the same sequence of jobs, though not the same timings), through launch and through
# box (the OCI runtime), then counts what is left on the host.
#
# Outcomes (both engines): exit (0), fail (exit 3), oom (memory 32m, probe memhog 256: 137),
# forkbomb (pids 20, probe forkbomb 200: 0, at most 18 forks), sigterm (SIGTERM to the
# foreground launch / `box run` once running: 143), stop (launch -d then launch stop; box
# create, start, kill TERM, delete), execstop (an exec racing with the stop: any status, but
# no hang and nothing left) and sigkill (SIGKILL to launch: foreground, the -d caller or a
# running container's monitor, or to
# `box create`, after a random 0-15 ms or 0-400 ms: set-up included).
#
# Everything is named for this soak: containers PREFIX-N (PREFIX is "sk" and 4 hex digits, so
# that a veth is bx-NAME), cgroups under /box-test/soak-PREFIX, box's default root
# /run/box-oci; container processes and every launch and box carry BOX_TEST_MARK.

SOAK_OUTCOMES=(exit fail oom forkbomb sigterm stop execstop sigkill)
SOAK_ENGINES=(launch box)
SOAK_TIMEOUT=${SOAK_TIMEOUT:-60}
BOX=${BOX:-$BOX_BUILD/box}
OCI_DEFAULT_ROOT=/run/box-oci

# --- set-up ---------------------------------------------------------------------------------

# soak_init: the names, the work directory, the rootfs, the box config template, and what the
# host has before the soak (mounts, veths, NAT rules: the checks count only what was added).
soak_init()
{
	SOAK_PREFIX=sk$(printf '%04x' $(((RANDOM ^ $$) & 0xffff)))
	SOAK_CG=/box-test/soak-$SOAK_PREFIX
	SOAK_DIR=$(mktemp -d "${TMPDIR:-/tmp}/box-soak.XXXXXX") || return 1
	SOAK_ROOTFS=$(busybox_rootfs) || return 1
	[ -x "$SOAK_ROOTFS/bin/probe" ] || {
		echo "soak: no probe in $SOAK_ROOTFS" >&2
		return 1
	}
	SOAK_SERIAL=0
	: >"$SOAK_DIR/results"
	: >"$SOAK_DIR/samples"
	soak_box_template || return 1
	SOAK_MOUNTS_BEFORE=$(_box_mounts)
	SOAK_LINKS_BEFORE=$(soak_links)
	SOAK_NAT_BEFORE=$(soak_nat)
	return 0
}

# One config.json with placeholders, made once by `box spec` and python; each job fills it in.
soak_box_template()
{
	mkdir -p "$SOAK_DIR/spec" && "$BOX" spec --bundle "$SOAK_DIR/spec" || return 1
	python3 - "$SOAK_DIR/spec/config.json" "$SOAK_ROOTFS" "$BOX_TEST_MARK" <<-'EOF' || return 1
		import json, sys
		path, rootfs, mark = sys.argv[1:]
		c = json.load(open(path))
		c["root"] = {"path": rootfs, "readonly": True}
		c["process"]["terminal"] = False
		c["process"]["args"] = ["@ARGS@"]
		c["process"]["env"].append("BOX_TEST_MARK=" + mark)
		c["linux"]["cgroupsPath"] = "@CGROUP@"
		c["linux"]["resources"] = {"@RES@": 0}
		json.dump(c, open(path, "w"))
	EOF
	SOAK_TEMPLATE=$(cat "$SOAK_DIR/spec/config.json")
}

# soak_bundle DIR CGROUP RESOURCES-JSON ARG...: a bundle for one box container.
soak_bundle()
{
	local dir=$1 cg=$2 res=$3 args='' a c
	shift 3
	# No quote or backslash in the arguments: they go into JSON as they are.
	for a; do args+="${args:+, }\"$a\""; done
	# Quoted replacements: an unquoted '&' would stand for the match (bash 5.2).
	c=${SOAK_TEMPLATE/'["@ARGS@"]'/"[$args]"}
	c=${c/'"@CGROUP@"'/"\"$cg\""}
	c=${c/'{"@RES@": 0}'/"$res"}
	mkdir -p "$dir" && printf '%s\n' "$c" >"$dir/config.json"
}

# --- one job --------------------------------------------------------------------------------

# soak_result JOB ENGINE OUTCOME ok|BAD DETAIL: one line of the results file (one write).
soak_result()
{
	printf '%s %s %s %s %s\n' "$1" "$2" "$3" "$4" "$5" >>"$SOAK_DIR/results"
}

_soak_tl()
{
	timeout -k 5 "$SOAK_TIMEOUT" "$LAUNCH" "$@"
}

_soak_tb()
{
	timeout -k 5 "$SOAK_TIMEOUT" "$BOX" "$@"
}

# Launch's common options for container NAME: its cgroup parent, the mark, and on one job in
# four a veth (with NAT on one in two of those).
_soak_lopts()
{
	LOPTS=(--name "$1" --cgroup-parent "$SOAK_CG" -e "BOX_TEST_MARK=$BOX_TEST_MARK")
	case $((($2 / 1000) % 8)) in
	1) LOPTS+=(--net veth) ;;
	5) LOPTS+=(--net veth --nat) ;;
	esac
}

_soak_record_status()
{
	sed -n 's/.*"status": *"\([a-z]*\)".*/\1/p' "/run/box/containers/$1/state.json" 2>/dev/null
}

_soak_running()
{
	[ "$(_soak_record_status "$1")" = running ]
}

_soak_box_status()
{
	"$BOX" state "$1" 2>/dev/null | sed -n 's/.*"status": *"\([a-z]*\)".*/\1/p'
}

_soak_box_is()
{
	[ "$(_soak_box_status "$1")" = "$2" ]
}

# Sleep R milliseconds (0-999).
_soak_ms()
{
	[ "$1" = 0 ] || sleep "$(printf '0.%03d' "$1")"
}

# The moment of a SIGKILL, from R: half the time within the first 15 ms (set-up: a container
# starts in tens of ms here; 0: no sleep), else within 400 ms.
_soak_kill_delay()
{
	if [ $(($1 % 4)) -lt 2 ]; then
		echo $((($1 / 4) % 16))
	else
		echo $(($1 % 400))
	fi
}

# soak_job JOB ENGINE OUTCOME R: runs one container; R is the job's random number (delays,
# variants). Writes one result line.
soak_job()
{
	local job=$1 engine=$2 outcome=$3 r=$4 name out
	name=$SOAK_PREFIX-$job
	out=$SOAK_DIR/job-$job
	mkdir -p "$out"
	"soak_${engine}_$outcome" "$job" "$name" "$out" "$r"
	rm -rf "$out"
}

# expect JOB ENGINE OUTCOME WANT GOT [DETAIL]
_soak_expect()
{
	if [ "$4" = "$5" ]; then
		soak_result "$1" "$2" "$3" ok "rc=$5${6:+ $6}"
	else
		soak_result "$1" "$2" "$3" BAD "wanted $4, got $5: $(head -c 300 "$SOAK_DIR/job-$1/err" 2>/dev/null | tr '\n' ' ')${6:+ $6}"
	fi
}

# A foreground launch: _soak_lrun JOB NAME OUT R [OPTIONS...] -- CMD...; sets RC.
_soak_lrun()
{
	local job=$1 name=$2 out=$3 r=$4
	shift 4
	_soak_lopts "$name" "$r"
	local opts=()
	while [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	shift
	_soak_tl "${LOPTS[@]}" "${opts[@]}" "$SOAK_ROOTFS" -- "$@" </dev/null >"$out/out" 2>"$out/err"
	RC=$?
}

soak_launch_exit()
{
	_soak_lrun "$@" -- true
	_soak_expect "$1" launch exit 0 "$RC"
}

soak_launch_fail()
{
	_soak_lrun "$@" -- sh -c 'exit 3'
	_soak_expect "$1" launch fail 3 "$RC"
}

soak_launch_oom()
{
	_soak_lrun "$@" --memory 32m --memory-swap 32m -- probe memhog 256
	_soak_expect "$1" launch oom 137 "$RC"
}

# _soak_forked_ok OUT MAX: the probe forked at least once and at most MAX times (the limit is
# 20: launch's boxinit and the probe count, box's probe alone is PID 1).
_soak_forked_ok()
{
	local forked
	forked=$(sed -n 's/^forked=//p' "$1/out")
	[ -n "$forked" ] && [ "$forked" -ge 1 ] && [ "$forked" -le "$2" ]
}

soak_launch_forkbomb()
{
	_soak_lrun "$@" --pids-limit 20 -- probe forkbomb 200
	if [ "$RC" = 0 ] && ! _soak_forked_ok "$3" 18; then
		soak_result "$1" launch forkbomb BAD "forked $(sed -n 's/^forked=//p' "$3/out") under a limit of 20"
		return
	fi
	_soak_expect "$1" launch forkbomb 0 "$RC"
}

# _soak_term JOB ENGINE PID WHAT: SIGTERM to the foreground WHAT (PID), SIGKILL if it is not
# gone after SOAK_TIMEOUT (a BAD result); its exit status.
_soak_term()
{
	local job=$1 engine=$2 pid=$3 what=$4
	kill -TERM "$pid"
	if ! wait_until "$SOAK_TIMEOUT" proc_dead "$pid"; then
		kill -KILL "$pid"
		soak_result "$job" "$engine" sigterm BAD "$what still running $SOAK_TIMEOUT s after SIGTERM"
	fi
	wait "$pid"
}

soak_launch_sigterm()
{
	local job=$1 name=$2 out=$3 r=$4 pid
	_soak_lopts "$name" "$r"
	"$LAUNCH" "${LOPTS[@]}" "$SOAK_ROOTFS" -- sleep 600 </dev/null >"$out/out" 2>"$out/err" &
	pid=$!
	if ! wait_until 30 _soak_running "$name"; then
		kill -KILL "$pid" 2>/dev/null
		wait "$pid"
		soak_result "$job" launch sigterm BAD "not running after 30 s: $(head -c 300 "$out/err")"
		return
	fi
	_soak_term "$job" launch "$pid" launch
	_soak_expect "$job" launch sigterm 143 $?
}

# launch -d NAME sleep 600; sets RC.
_soak_ldetach()
{
	_soak_lopts "$1" "$2"
	_soak_tl -d "${LOPTS[@]}" "$SOAK_ROOTFS" -- sleep 600 </dev/null >"$3/out" 2>"$3/err"
	RC=$?
}

soak_launch_stop()
{
	local job=$1 name=$2 out=$3 r=$4
	_soak_ldetach "$name" "$r" "$out"
	[ "$RC" = 0 ] || {
		_soak_expect "$job" launch stop "0 (launch -d)" "$RC"
		return
	}
	_soak_tl stop "$name" >"$out/out" 2>"$out/err"
	RC=$?
	if [ "$RC" = 0 ] && [ "$(cat "$out/out")" != "$name: exited with 143" ]; then
		soak_result "$job" launch stop BAD "stop printed '$(cat "$out/out")'"
		return
	fi
	_soak_expect "$job" launch stop 0 "$RC"
}

# An exec (r odd: -d) started, then after 0-255 ms a stop. The exec may run, or find the
# container stopping (125), or be killed with it (137, 143): any status but a hang is fine,
# and the stop must succeed.
soak_launch_execstop()
{
	local job=$1 name=$2 out=$3 r=$4 epid erc d=()
	_soak_ldetach "$name" "$r" "$out"
	[ "$RC" = 0 ] || {
		_soak_expect "$job" launch execstop "0 (launch -d)" "$RC"
		return
	}
	[ $((r % 2)) = 1 ] && d=(-d)
	_soak_tl exec "${d[@]}" "$name" sh -c 'sleep 0.2; echo done' </dev/null >"$out/exec" 2>&1 &
	epid=$!
	_soak_ms $((r % 256))
	_soak_tl stop "$name" >"$out/out" 2>"$out/err"
	RC=$?
	wait "$epid"
	erc=$?
	case $erc in
	124) soak_result "$job" launch execstop BAD "exec hung: $(head -c 200 "$out/exec")" ;;
	*) _soak_expect "$job" launch execstop 0 "$RC" "exec=$erc" ;;
	esac
}

# SIGKILL to launch after 0-15 or 0-399 ms: the foreground one (r even) or the `launch -d` caller
# (r odd: killed before the command started, it takes the container with it; after, the
# monitor is on its own and `launch rm -f` ends it, as a user would).
soak_launch_sigkill()
{
	local job=$1 name=$2 out=$3 r=$4 pid d=() when
	# One in three: the monitor of a detached container that runs.
	if [ $(((r / 7) % 3)) = 0 ]; then
		_soak_launch_kill_monitor "$@"
		return
	fi
	[ $((r % 2)) = 1 ] && d=(-d)
	_soak_lopts "$name" "$r"
	"$LAUNCH" "${d[@]}" "${LOPTS[@]}" "$SOAK_ROOTFS" -- sleep 600 </dev/null \
		>"$out/out" 2>"$out/err" &
	pid=$!
	_soak_ms "$(_soak_kill_delay "$r")"
	when=$(_soak_record_status "$name")
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	RC=$?
	if [ ${#d[@]} -gt 0 ]; then
		# 0, or 125 when the caller died before its monitor took the name.
		local rrc
		_soak_tl rm -f "$name" >/dev/null 2>"$out/err"
		rrc=$?
		if [ "$rrc" != 0 ] && [ "$(cat "$out/err")" != "launch: no container '$name'" ]; then
			soak_result "$job" launch sigkill BAD "rm -f: $rrc $(cat "$out/err")"
			return
		fi
	fi
	soak_result "$job" launch sigkill ok "rc=$RC${d:+ -d} at=${when:-none}"
}

# SIGKILL to the monitor of a running detached container, 0-400 ms after launch -d returned:
# the container dies with it (PID 1's parent-death signal), the record stays for the next
# launch command to clean.
_soak_launch_kill_monitor()
{
	local job=$1 name=$2 out=$3 r=$4 mon
	_soak_ldetach "$name" "$r" "$out"
	[ "$RC" = 0 ] || {
		_soak_expect "$job" launch sigkill "0 (launch -d)" "$RC"
		return
	}
	mon=$(python3 -c 'import json,sys
print(json.load(open(sys.argv[1]))["monitor"]["pid"])' "/run/box/containers/$name/state.json" 2>/dev/null)
	_soak_ms $((r % 400))
	if [ -z "$mon" ] || ! kill -KILL "$mon" 2>/dev/null; then
		soak_result "$job" launch sigkill BAD "no monitor to kill (record: '$mon')"
		return
	fi
	soak_result "$job" launch sigkill ok "rc=0 at=monitor-of-running"
}

# --- box ------------------------------------------------------------------------------------

# Under box the command is PID 1 of its namespace, where SIGTERM without a handler is ignored:
# the long-running command of the box jobs handles it, and says "ready" once it does (a
# SIGTERM before that would be lost: the soak found it).
SOAK_BOX_SLEEPER=(sh -c "trap 'exit 143' TERM; echo ready; sleep 600 & wait")

_soak_ready_in()
{
	grep -qx ready "$1/out" 2>/dev/null
}

# _soak_brun JOB NAME OUT RES-JSON ARG...: box run; sets RC.
_soak_brun()
{
	local job=$1 name=$2 out=$3 res=$4
	shift 4
	soak_bundle "$out/bundle" "$SOAK_CG/$name" "$res" "$@"
	_soak_tb run --bundle "$out/bundle" "$name" </dev/null >"$out/out" 2>"$out/err"
	RC=$?
	# run deletes the container itself; a failed run may not have.
	"$BOX" delete --force "$name" >/dev/null 2>&1
}

soak_box_exit()
{
	_soak_brun "$1" "$2" "$3" '{}' true
	_soak_expect "$1" box exit 0 "$RC"
}

soak_box_fail()
{
	_soak_brun "$1" "$2" "$3" '{}' sh -c 'exit 3'
	_soak_expect "$1" box fail 3 "$RC"
}

soak_box_oom()
{
	_soak_brun "$1" "$2" "$3" '{"memory": {"limit": 33554432, "swap": 33554432}}' \
		probe memhog 256
	_soak_expect "$1" box oom 137 "$RC"
}

soak_box_forkbomb()
{
	_soak_brun "$1" "$2" "$3" '{"pids": {"limit": 20}}' probe forkbomb 200
	if [ "$RC" = 0 ] && ! _soak_forked_ok "$3" 19; then
		soak_result "$1" box forkbomb BAD "forked $(sed -n 's/^forked=//p' "$3/out") under a limit of 20"
		return
	fi
	_soak_expect "$1" box forkbomb 0 "$RC"
}

soak_box_sigterm()
{
	local job=$1 name=$2 out=$3 pid
	soak_bundle "$out/bundle" "$SOAK_CG/$name" '{}' "${SOAK_BOX_SLEEPER[@]}"
	"$BOX" run --bundle "$out/bundle" "$name" </dev/null >"$out/out" 2>"$out/err" &
	pid=$!
	if ! wait_until 30 _soak_ready_in "$out"; then
		kill -KILL "$pid" 2>/dev/null
		wait "$pid"
		"$BOX" delete --force "$name" >/dev/null 2>&1
		soak_result "$job" box sigterm BAD "not ready after 30 s: $(head -c 300 "$out/err")"
		return
	fi
	_soak_term "$job" box "$pid" "box run"
	RC=$?
	"$BOX" delete --force "$name" >/dev/null 2>&1
	_soak_expect "$job" box sigterm 143 "$RC"
}

# box create + start of sleep 600; sets RC (0, or the failing step's).
_soak_bstart()
{
	local name=$1 out=$2
	soak_bundle "$out/bundle" "$SOAK_CG/$name" '{}' "${SOAK_BOX_SLEEPER[@]}"
	_soak_tb create --bundle "$out/bundle" "$name" </dev/null >"$out/out" 2>"$out/err" &&
		_soak_tb start "$name" 2>>"$out/err"
	RC=$?
	if [ "$RC" = 0 ] && ! wait_until 30 _soak_ready_in "$out"; then
		RC="not ready after 30 s"
	fi
}

soak_box_stop()
{
	local job=$1 name=$2 out=$3
	_soak_bstart "$name" "$out"
	if [ "$RC" = 0 ]; then
		_soak_tb kill "$name" TERM 2>"$out/err"
		RC=$?
	fi
	if [ "$RC" = 0 ] && ! wait_until 30 _soak_box_is "$name" stopped; then
		RC="still $(_soak_box_status "$name")"
	fi
	if [ "$RC" = 0 ]; then
		_soak_tb delete "$name" 2>"$out/err"
		RC=$?
	fi
	"$BOX" delete --force "$name" >/dev/null 2>&1
	_soak_expect "$job" box stop 0 "$RC"
}

soak_box_execstop()
{
	local job=$1 name=$2 out=$3 r=$4 epid erc
	_soak_bstart "$name" "$out"
	if [ "$RC" != 0 ]; then
		"$BOX" delete --force "$name" >/dev/null 2>&1
		_soak_expect "$job" box execstop 0 "$RC"
		return
	fi
	_soak_tb exec "$name" sh -c 'sleep 0.2; echo done' </dev/null >"$out/exec" 2>&1 &
	epid=$!
	_soak_ms $((r % 256))
	_soak_tb kill "$name" KILL 2>"$out/err"
	RC=$?
	wait "$epid"
	erc=$?
	_soak_tb delete --force "$name" 2>>"$out/err" || RC=delete-failed
	case $erc in
	124) soak_result "$job" box execstop BAD "exec hung: $(head -c 200 "$out/exec")" ;;
	*) _soak_expect "$job" box execstop 0 "$RC" "exec=$erc" ;;
	esac
}

# SIGKILL to `box create` after 0-15 or 0-399 ms, then `box delete --force` as an engine would.
soak_box_sigkill()
{
	local job=$1 name=$2 out=$3 r=$4 pid when
	soak_bundle "$out/bundle" "$SOAK_CG/$name" '{}' "${SOAK_BOX_SLEEPER[@]}"
	"$BOX" create --bundle "$out/bundle" "$name" </dev/null >"$out/out" 2>"$out/err" &
	pid=$!
	_soak_ms "$(_soak_kill_delay "$r")"
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	RC=$?
	when=$(_soak_box_status "$name")
	if ! _soak_tb delete --force "$name" 2>"$out/err"; then
		soak_result "$job" box sigkill BAD "delete --force: $(cat "$out/err")"
		return
	fi
	if [ -e "$OCI_DEFAULT_ROOT/$name" ]; then
		soak_result "$job" box sigkill BAD "delete --force left $OCI_DEFAULT_ROOT/$name"
		return
	fi
	soak_result "$job" box sigkill ok "rc=$RC at=${when:-none}"
}

# --- the long-lived monitor: fd count and memory ----------------------------------------------

# A detached container that lives through the whole soak. Every job execs into it and opens
# and drops a `launch wait` connection to its monitor; its monitor (a launch process) and its
# boxinit are sampled (fds, VmRSS) along the way.
soak_watch_start()
{
	SOAK_WATCH=$SOAK_PREFIX-w
	_soak_lopts "$SOAK_WATCH" 0
	_soak_tl -d "${LOPTS[@]}" "$SOAK_ROOTFS" -- sleep 100000 </dev/null >/dev/null || return 1
	SOAK_WATCH_MON=$(sed -n 's/.*"monitor": *{ *"pid": *\([0-9]*\).*/\1/p' \
		"/run/box/containers/$SOAK_WATCH/state.json")
	[ -n "$SOAK_WATCH_MON" ] || SOAK_WATCH_MON=$(python3 -c 'import json,sys
print(json.load(open(sys.argv[1]))["monitor"]["pid"])' "/run/box/containers/$SOAK_WATCH/state.json")
	# Warm-up: the first requests' allocations (libc, libuv) before the first sample.
	soak_watch_poke 1
	soak_watch_poke 2
	SOAK_WATCH_INIT=$(python3 -c 'import json,sys
print(json.load(open(sys.argv[1]))["pid1"]["pid"])' "/run/box/containers/$SOAK_WATCH/state.json")
}

# Every job: one exec (every other one -d, adopted by boxinit) and one monitor client that
# goes away without its answer.
soak_watch_poke()
{
	local job=$1 d=()
	[ $((job % 2)) = 1 ] && d=(-d)
	_soak_tl exec "${d[@]}" "$SOAK_WATCH" true </dev/null >/dev/null 2>&1 ||
		soak_result "$job" launch watch-exec BAD "exec into the long-lived container failed"
	# SIGINT: bash reports no death by SIGINT (by SIGKILL it would, on every job).
	timeout -s INT -k 2 0.3 "$LAUNCH" wait "$SOAK_WATCH" >/dev/null 2>&1
	return 0
}

_soak_fds()
{
	local f n=0
	for f in /proc/"$1"/fd/*; do [ -e "$f" ] || [ -L "$f" ] && n=$((n + 1)); done
	echo "$n"
}

# One sample line: JOBS-DONE MONITOR-FDS MONITOR-RSS-KB INIT-FDS INIT-RSS-KB
soak_watch_sample()
{
	echo "$1 $(_soak_fds "$SOAK_WATCH_MON") $(proc_status_field "$SOAK_WATCH_MON" VmRSS | tr -dc 0-9)" \
		"$(_soak_fds "$SOAK_WATCH_INIT") $(proc_status_field "$SOAK_WATCH_INIT" VmRSS | tr -dc 0-9)" \
		>>"$SOAK_DIR/samples"
}

soak_watch_stop()
{
	_soak_tl stop "$SOAK_WATCH" >/dev/null 2>&1
}

# --- the run --------------------------------------------------------------------------------

# soak_run N PARALLEL [OUTCOME...]: N jobs, PARALLEL at a time, engines and outcomes (from the
# list, all by default) drawn from RANDOM (seed it first). The long-lived container is poked
# by every job and sampled ten times.
soak_run()
{
	local n=$1 par=$2 i job engine outcome r step running=0
	shift 2
	local outcomes=("${@:-${SOAK_OUTCOMES[@]}}")
	[ $# -gt 0 ] || outcomes=("${SOAK_OUTCOMES[@]}")
	step=$(((n + 9) / 10))
	if [ -n "${SOAK_WATCH:-}" ] && [ -z "${SOAK_WATCH_FDS0:-}" ]; then
		soak_watch_sample "0-quiet"
		SOAK_WATCH_FDS0=$(_soak_fds "$SOAK_WATCH_MON")
	fi
	for ((i = 1; i <= n; i++)); do
		SOAK_SERIAL=$((SOAK_SERIAL + 1))
		job=$SOAK_SERIAL
		engine=${SOAK_ENGINES[RANDOM % ${#SOAK_ENGINES[@]}]}
		outcome=${outcomes[RANDOM % ${#outcomes[@]}]}
		r=$(((RANDOM << 8 | RANDOM) % 1000000))
		if [ "$running" -ge "$par" ]; then
			wait -n
			running=$((running - 1))
		fi
		(
			soak_job "$job" "$engine" "$outcome" "$r"
			[ -z "${SOAK_WATCH:-}" ] || soak_watch_poke "$job"
		) &
		running=$((running + 1))
		if [ -n "${SOAK_WATCH:-}" ] && [ $((i % step)) = 0 ]; then
			soak_watch_sample "$i"
		fi
	done
	wait
	# The last clients went away just now: the monitor gets up to 5 s to close their
	# connections (a descriptor it never closes stays, and the check sees it).
	if [ -n "${SOAK_WATCH:-}" ]; then
		wait_until 5 _soak_fds_at_most "$SOAK_WATCH_MON" "$SOAK_WATCH_FDS0"
		soak_watch_sample "$n-quiet"
	fi
}

_soak_fds_at_most()
{
	[ "$(_soak_fds "$1")" -le "$2" ]
}

# --- what is left ---------------------------------------------------------------------------

soak_links()
{
	ip -o link show 2>/dev/null | sed -n 's/^[0-9]*: \([^:@]*\).*/\1/p' | sort
}

# NAT rules: nft tables and iptables nat rules (launch's are box-NAME and comment box:NAME).
soak_nat()
{
	{
		nft list tables 2>/dev/null
		iptables -t nat -S 2>/dev/null
	} | sort
}

# The soak's cgroups (every hierarchy), the parent excluded.
soak_cgroups()
{
	local d
	for d in "/sys/fs/cgroup$SOAK_CG" /sys/fs/cgroup/*"$SOAK_CG"; do
		[ -d "$d" ] && find "$d" -mindepth 1 -type d 2>/dev/null
	done | sort
}

soak_records()
{
	local d
	for d in /run/box/containers/"$SOAK_PREFIX"-* /var/log/box/"$SOAK_PREFIX"-* \
		"$OCI_DEFAULT_ROOT/$SOAK_PREFIX"-*; do
		[ -e "$d" ] && echo "$d"
	done
	return 0
}

_soak_root_id()
{
	stat -c '%d:%i' "$SOAK_ROOTFS"
}

# Processes with the mark (launch, box, monitors, container processes) or whose root is the
# soak's rootfs.
soak_procs()
{
	local p r id found
	id=$(_soak_root_id)
	# First the scan, then the sort: a process of a pipeline of ours would carry the mark
	# while the scan runs.
	found=$(_box_marked_pids)
	for p in /proc/[0-9]*; do
		r=$(stat -Lc '%d:%i' "$p/root" 2>/dev/null) || continue
		[ "$r" = "$id" ] && proc_alive "${p#/proc/}" && found+=$'\n'${p#/proc/}
	done
	printf '%s\n' "$found" | sed '/^$/d' | sort -un
}

soak_mounts_added()
{
	comm -13 <(echo "$SOAK_MOUNTS_BEFORE") <(_box_mounts) | while read -r line; do
		case ${line#* } in
		"$BOX_ROOT" | "$BOX_ROOT"/* | "$SOAK_DIR"* | /run/box* | / | /proc* | /sys* | /dev*)
			echo "$line"
			;;
		esac
	done
}

soak_links_added()
{
	comm -13 <(echo "$SOAK_LINKS_BEFORE") <(soak_links) | grep -E "^bx-$SOAK_PREFIX" || true
}

soak_nat_added()
{
	comm -13 <(echo "$SOAK_NAT_BEFORE") <(soak_nat) | grep -E "box[-:]$SOAK_PREFIX" || true
}

# soak_leftovers: prints one line per leftover ("cgroup X", "record X", ...); empty when none.
soak_leftovers()
{
	local x
	for x in $(soak_cgroups); do echo "cgroup $x"; done
	for x in $(soak_records); do echo "record $x"; done
	for x in $(soak_procs); do
		echo "process $x ($(tr '\0' ' ' 2>/dev/null <"/proc/$x/cmdline"); $(cut -d' ' -f2-4 \
			2>/dev/null <"/proc/$x/stat"); $(grep -m 1 pids 2>/dev/null <"/proc/$x/cgroup"))"
	done
	soak_mounts_added | sed 's/^/mount /'
	soak_links_added | sed 's/^/veth /'
	soak_nat_added | sed 's/^/nat /'
}

_soak_clean()
{
	[ -z "$(soak_leftovers)" ]
}

# The records left by SIGKILLed launches that no later launch command has cleaned yet.
soak_stale_records()
{
	local d n=0
	for d in /run/box/containers/"$SOAK_PREFIX"-*; do
		[ -e "$d" ] && [ "$d" != "/run/box/containers/${SOAK_WATCH:-}" ] && n=$((n + 1))
	done
	echo "$n"
}

# soak_summary: counts per engine and outcome, the BAD lines, the samples.
soak_summary()
{
	echo "soak: ran $(wc -l <"$SOAK_DIR/results" | tr -d ' ') results (engine outcome: ok bad):"
	awk '{ k = $2 " " $3; if ($4 == "ok") ok[k]++; else bad[k]++; keys[k] = 1 }
		END { for (k in keys) printf "  %-20s %5d %3d\n", k, ok[k], bad[k] }' \
		"$SOAK_DIR/results" | sort
	awk '$3 == "execstop" && $4 == "ok" { for (i = 5; i <= NF; i++) if ($i ~ /^exec=/) s[$2 " " $i]++ }
		END { for (k in s) printf "  execstop %s: %d\n", k, s[k] }' "$SOAK_DIR/results" | sort
	awk '$3 == "sigkill" { for (i = 5; i <= NF; i++) if ($i ~ /^at=/) s[$2 " killed " $i]++ }
		END { for (k in s) printf "  sigkill %s: %d\n", k, s[k] }' "$SOAK_DIR/results" | sort
	grep ' BAD ' "$SOAK_DIR/results" | head -20 | sed 's/^/  BAD job /'
}

soak_bad_count()
{
	grep -c ' BAD ' "$SOAK_DIR/results"
}

# soak_growth: the long-lived monitor's and boxinit's fds and RSS. The verdict compares the two
# quiet samples, taken with no job running: before the first job (after two warm-up requests:
# the first allocations of libc and libuv) and after the last; the samples in between (taken
# while jobs run, so with clients connected) are shown only. Returns 1 when an fd count grew
# or a VmRSS grew by more than 256 kB.
soak_growth()
{
	local first last
	echo "soak: long-lived container $SOAK_WATCH: jobs-done monitor-fds monitor-rss-kB init-fds init-rss-kB"
	sed 's/^/  /' "$SOAK_DIR/samples"
	first=$(grep -m 1 -- '-quiet ' "$SOAK_DIR/samples")
	last=$(grep -- '-quiet ' "$SOAK_DIR/samples" | tail -n 1)
	if [ -z "$first" ] || [ "$first" = "$last" ]; then
		echo "soak: GROWTH unknown: no quiet samples of the long-lived container"
		return 1
	fi
	# shellcheck disable=SC2086 # fields on purpose
	set -- $first $last
	if [ "$7" -gt "$2" ] || [ "$9" -gt "$4" ] || [ $(($8 - $3)) -gt 256 ] ||
		[ $((${10} - $5)) -gt 256 ]; then
		echo "soak: GROWTH: monitor fds $2 -> $7, rss $3 -> $8 kB; boxinit fds $4 -> $9, rss $5 -> ${10} kB"
		return 1
	fi
	echo "soak: no growth (quiet samples): monitor fds $2 -> $7, rss $3 -> $8 kB;" \
		"boxinit fds $4 -> $9, rss $5 -> ${10} kB"
}

# soak_finish: stops the long-lived container, lets one `launch list` clean what SIGKILLed
# launches left, waits up to 10 s for the rest to go, prints the leftovers (empty: none).
soak_finish()
{
	local stale
	[ -z "${SOAK_WATCH:-}" ] || soak_watch_stop
	stale=$(soak_stale_records)
	echo "soak: records of SIGKILLed launches not yet cleaned by a later launch command: $stale;" \
		"\`launch list\` cleans them now"
	"$LAUNCH" list >/dev/null 2>&1
	wait_until 10 _soak_clean
	# A leftover stays: what is in two looks a second apart (a process of the check's own
	# pipelines, seen while it starts, is not one).
	soak_leftovers >"$SOAK_DIR/leftovers.1"
	sleep 1
	soak_leftovers | awk 'NR == FNR { seen[$1 " " $2] = 1; next } ($1 " " $2) in seen' \
		"$SOAK_DIR/leftovers.1" - >"$SOAK_DIR/leftovers"
}

# soak_cleanup: removes what the soak can prove is its own (after the checks), and its dir.
soak_cleanup()
{
	local d p
	for p in $(soak_procs); do kill -KILL "$p" 2>/dev/null; done
	for d in $(soak_cgroups | sort -r); do
		for p in $(cat "$d/cgroup.procs" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
		wait_until 5 rmdir "$d" 2>/dev/null
	done
	for d in "/sys/fs/cgroup$SOAK_CG" /sys/fs/cgroup/*"$SOAK_CG"; do
		[ -d "$d" ] && rmdir "$d" 2>/dev/null
	done
	for d in $(soak_records); do
		case $d in
		"$OCI_DEFAULT_ROOT"/*) "$BOX" delete --force "${d##*/}" >/dev/null 2>&1 ;;
		esac
		rm -rf --one-file-system "$d"
	done
	[ -z "${SOAK_DIR:-}" ] || rm -rf --one-file-system "$SOAK_DIR"
	return 0
}
