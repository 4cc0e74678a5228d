# SPDX-License-Identifier: MIT
# services_lib.sh: helpers of the services suites (sourced after tests/lib.sh and common.sh).
# Services are small sh scripts written into $TEST_TMP; they record what happens to them in
# files there, so every check is made from outside boxinit.

# $TEST_TMP/svc NAME [STOP_SECONDS]: prints "NAME up", then on SIGTERM appends "NAME" to
# $TEST_TMP/stops, takes STOP_SECONDS to stop, and exits 0.
write_service_script()
{
	cat >"$TEST_TMP/svc" <<'SCRIPT'
#!/bin/sh
name=$1 stop=${2:-0}
trap 'echo "$name" >>"$SVC_DIR/stops"; sleep "$stop"; exit 0' TERM
echo "$name up"
while :; do sleep 1 & wait $!; done
SCRIPT
	chmod +x "$TEST_TMP/svc"
	export SVC_DIR=$TEST_TMP
}

# service_section NAME [KEY=VALUE...]: one INI section running $TEST_TMP/svc NAME, which takes
# $SVC_STOP seconds (default 0) to stop.
service_section()
{
	local name=$1 kv
	shift
	printf '[%s]\ncommand = %s %s %s\n' "$name" "$TEST_TMP/svc" "$name" "${SVC_STOP:-0}"
	for kv; do
		printf '%s = %s\n' "${kv%%=*}" "${kv#*=}"
	done
	echo
}

# Lines "NAME up" for every name, on boxinit's stdout, prefixed.
all_up()
{
	local n
	for n; do
		grep -qx "\[$n\] $n up" "$TEST_TMP/out" 2>/dev/null || return 1
	done
}

wait_all_up()
{
	wait_until 10 all_up "$@" || {
		fail "services did not all start: $(cat "$TEST_TMP/out" "$TEST_TMP/err")"
		return 1
	}
}

# Seconds since the epoch, with microseconds, as an integer count of microseconds.
now_us()
{
	echo "${EPOCHREALTIME/[.,]/}"
}
