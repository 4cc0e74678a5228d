#!/bin/bash
# SPDX-License-Identifier: MIT
# The published-port proxy (launch --net veth -p) under abuse: 500 connections at once,
# clients that never read, half-open connections, the container stopping in the middle of a
# transfer, too few descriptors for launch. Every client is tests/launch/proxyload.py and the
# server `probe serve` in the container. Verdicts are outcomes (answers received, how a
# transfer ended, launch's exit status); waits are bounds for a hung launch.

. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/launch_lib.sh"

LOAD=$BOX_ROOT/tests/launch/proxyload.py

eval "$(declare -f box_teardown | sed '1s/box_teardown/_bt_launch_teardown/')"
box_teardown()
{
	_bt_launch_teardown
	wait_until 10 _no_veth_left || {
		fail "veths left: $(_veths | tr '\n' ' ')"
		_veths | while read -r v; do ip link del "$v" 2>/dev/null; done
	}
}

_veths()
{
	ip -o link show 2>/dev/null | awk -F': ' '{ print $2 }' | sed 's/@.*//' |
		grep "^bx-$BT_PREFIX-"
}

_no_veth_left()
{
	[ -z "$(_veths)" ]
}

# serve [LAUNCH OPTIONS...]: the server published on $PORT, up and answering.
serve()
{
	PORT=$(free_port)
	READY='^ready=1$' box_start --net veth -p "$PORT:7000" "$@" -- probe serve 7000 || return 1
	wait_until 10 echo_works 1 || {
		fail "the published port does not answer: $(cat "$TEST_TMP/err")"
		return 1
	}
}

# echo_works N: N clients at once all get their answer.
echo_works()
{
	python3 "$LOAD" echo "$PORT" "$1" 1000 >"$TEST_TMP/echo" 2>&1
	[ "$(kv "$TEST_TMP/echo" ok)" = "$1" ]
}

# load KIND N: N clients of KIND (hold, halfopen) in the background, once all are connected.
load()
{
	python3 "$LOAD" "$1" "$PORT" "$2" >"$TEST_TMP/$1" 2>&1 &
	track_pid $!
	wait_until 30 file_has "$TEST_TMP/$1" "^held=$2$" || {
		fail "$1: not all $2 connected: $(cat "$TEST_TMP/$1")"
		return 1
	}
}

# Connections of the published port whose data waits in the proxy's socket (the client's
# receive buffer is full): at least N of them.
stuck_at_least()
{
	[ "$(ss -Htn state established "( sport = :$PORT )" | awk '$2 > 0' | wc -l)" -ge "$1" ]
}

test_500_concurrent_connections_all_get_their_answer()
{
	require_root || return 0
	serve || return 0
	python3 "$LOAD" echo "$PORT" 500 100000 >"$TEST_TMP/echo" 2>&1
	assertEquals "answered: $(cat "$TEST_TMP/echo")" 500 "$(kv "$TEST_TMP/echo" ok)"
	kill -TERM "$BOX_PID"
	box_wait 30 || return 0
	assertEquals "exit status (the server ends on TERM)" 143 "$BOX_RC"
	assertFalse "the port is closed" "ss -Htln 'sport = :$PORT' | grep -q ."
}

# 300 clients ask for an endless stream and never read: the proxy holds what it cannot hand
# over for each, and must not let them starve everyone else.
test_clients_that_never_read_do_not_stall_the_others()
{
	require_root || return 0
	serve || return 0
	load hold 300 || return 0
	wait_until 30 stuck_at_least 300 || fail "the streams did not back up"
	echo_works 50
	assertEquals "50 other clients answered while 300 never read: $(cat "$TEST_TMP/echo")" \
		50 "$(kv "$TEST_TMP/echo" ok)"
	kill -TERM "$BOX_PID"
	box_wait 30 || return 0
	assertEquals "exit status (the server ends on TERM)" 143 "$BOX_RC"
}

# Half-open: 300 clients half-close and never read their answer; 50 others still get theirs.
test_half_open_connections_that_never_read_do_not_stall_the_others()
{
	require_root || return 0
	serve || return 0
	load halfopen 300 || return 0
	echo_works 50
	assertEquals "50 other clients answered: $(cat "$TEST_TMP/echo")" 50 "$(kv "$TEST_TMP/echo" ok)"
	kill -TERM "$BOX_PID"
	box_wait 30 || return 0
	assertEquals "exit status (the server ends on TERM)" 143 "$BOX_RC"
}

test_container_stopping_mid_transfer_ends_the_clients_connection()
{
	require_root || return 0
	serve || return 0
	python3 "$LOAD" stream "$PORT" >"$TEST_TMP/stream" 2>&1 &
	track_pid $!
	local client=$!
	wait_until 30 file_has "$TEST_TMP/stream" '^reading=1$' || fail "no data: $(cat "$TEST_TMP/stream")"
	kill -TERM "$BOX_PID"
	box_wait 30 || return 0
	assertEquals "exit status (the server ends on TERM)" 143 "$BOX_RC"
	wait_until 70 proc_dead "$client"
	assertTrue "the transfer ended, not hung: $(cat "$TEST_TMP/stream")" \
		"grep -qE '^end=(eof|reset)$' '$TEST_TMP/stream'"
}

# A server that ignores TERM, 500 clients that never read, launch told to stop: it stays
# responsive, and the grace (2 s) ends it with a SIGKILL of the container (137).
test_launch_stops_at_the_grace_with_500_stuck_clients()
{
	require_root || return 0
	PORT=$(free_port)
	READY='^ready=1$' box_start --net veth -p "$PORT:7000" --grace 2 \
		-- sh -c 'trap "" TERM; exec probe serve 7000' || return 0
	wait_until 10 echo_works 1 || fail "the published port does not answer"
	load hold 500 || return 0
	kill -TERM "$BOX_PID"
	box_wait 30 || return 0
	assertEquals "exit status: killed at the end of the grace" 137 "$BOX_RC"
	assertFalse "the port is closed" "ss -Htln 'sport = :$PORT' | grep -q ."
}

# launch with a hard limit of 128 descriptors and 300 clients at once: the ones over the limit
# are turned away (not left waiting), launch does not spin on its listener, and once they are
# gone the port serves again.
test_out_of_descriptors_turns_clients_away_and_recovers()
{
	require_root || return 0
	PORT=$(free_port)
	_bt_cmdline --net veth -p "$PORT:7000" -- probe serve 7000
	prlimit --nofile=128:128 "${BT_CMD[@]}" </dev/null >"$TEST_TMP/out" 2>"$TEST_TMP/err" &
	BOX_PID=$!
	track_pid "$BOX_PID"
	wait_until 10 file_has "$TEST_TMP/out" '^ready=1$' || fail "no server: $(cat "$TEST_TMP/err")"
	wait_until 10 echo_works 1 || fail "the published port does not answer"
	python3 "$LOAD" echo "$PORT" 300 1000 >"$TEST_TMP/many" 2>&1
	assertTrue "some were served: $(cat "$TEST_TMP/many")" "[ '$(kv "$TEST_TMP/many" ok)' -ge 1 ]"
	assertFalse "none left waiting: $(cat "$TEST_TMP/many")" "grep -q 'timeout' '$TEST_TMP/many'"
	echo_works 20
	assertEquals "serves again: $(cat "$TEST_TMP/echo")" 20 "$(kv "$TEST_TMP/echo" ok)"
	kill -TERM "$BOX_PID"
	box_wait 30 || return 0
	assertEquals "exit status (the server ends on TERM)" 143 "$BOX_RC"
}

. "$SHUNIT2"
