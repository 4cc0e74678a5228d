# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# sec_lib.sh: helpers of the security suites (sourced after tests/lib.sh and
# tests/launch/launch_lib.sh). Containers run from a copy of the busybox test rootfs with
# build/attack as /bin/attack and build/allowed as /bin/allowed. attack_blocked records each
# attack run in a default container; box_suite_teardown prints "N attacks, N blocked".

ATTACK=${ATTACK:-$BOX_BUILD/attack}
ALLOWED=${ALLOWED:-$BOX_BUILD/allowed}
SEC_ATTACKS=0
SEC_BLOCKED=0

# The busybox rootfs plus the attack and allowed binaries, rebuilt when one is newer.
_sec_rootfs()
{
	local bb dir=$BOX_BUILD/rootfs/security
	bb=$(busybox_rootfs) || return 1
	if [ ! -e "$dir/.box-rootfs-done" ] || [ "$bb/.box-rootfs-done" -nt "$dir/.box-rootfs-done" ] ||
		! cmp -s "$ATTACK" "$dir/bin/attack" || ! cmp -s "$PROBE" "$dir/bin/probe" ||
		! cmp -s "$ALLOWED" "$dir/bin/allowed"; then
		rm -rf --one-file-system "$dir" && mkdir -p "$dir" &&
			cp -a "$bb/." "$dir/" && cp "$ATTACK" "$dir/bin/attack" &&
			cp "$PROBE" "$dir/bin/probe" && cp "$ALLOWED" "$dir/bin/allowed" &&
			touch "$dir/.box-rootfs-done" || return 1
	fi
	echo "$dir"
}

box_suite_setup()
{
	BOX_ROOTFS=
	[ -x "$PROBE" ] && [ -x "$ATTACK" ] && [ -x "$ALLOWED" ] && BOX_ROOTFS=$(_sec_rootfs)
	# The battery under --userns (test_escape_userns.sh): from a copy the mapped root reaches.
	if [ -n "${BOX_TEST_USERNS:-}" ] && [ -n "$BOX_ROOTFS" ]; then
		BOX_ROOTFS=$(userns_rootfs "$BOX_ROOTFS")
		userns_subids_save
	fi
	return 0
}

box_suite_teardown()
{
	[ -n "${BOX_TEST_USERNS:-}" ] && userns_subids_restore
	[ "$SEC_ATTACKS" -gt 0 ] && echo "$SEC_ATTACKS attacks, $SEC_BLOCKED blocked"
	return 0
}

# attack_blocked NAME: the container's run (box_run) must report outcome=blocked.
attack_blocked()
{
	SEC_ATTACKS=$((SEC_ATTACKS + 1))
	assertEquals "$1: exit status (stderr: $(cat "$TEST_TMP/err"))" 0 "$BOX_RC"
	if grep -qx outcome=blocked "$TEST_TMP/out"; then
		SEC_BLOCKED=$((SEC_BLOCKED + 1))
		echo "attack $1: blocked ($(grep -v '^outcome=' "$TEST_TMP/out" | tr '\n' ' '))"
	else
		fail "attack $1 was not blocked: $(tr '\n' ' ' <"$TEST_TMP/out") $(cat "$TEST_TMP/err")"
	fi
}

# attack_verdict_file NAME FILE: the attack's output in FILE says outcome=blocked.
attack_verdict_file()
{
	if grep -qx outcome=blocked "$2"; then
		attack_verdict "$1" blocked "$(grep -v '^outcome=' "$2" | tr '\n' ' ')"
	else
		attack_verdict "$1" succeeded "$(tr '\n' ' ' <"$2")"
	fi
}

# attack_verdict NAME blocked|succeeded DETAILS: for attacks whose outcome is seen from
# outside the container (the host's shell, the host's interfaces, launch's memory).
attack_verdict()
{
	SEC_ATTACKS=$((SEC_ATTACKS + 1))
	if [ "$2" = blocked ]; then
		SEC_BLOCKED=$((SEC_BLOCKED + 1))
		echo "attack $1: blocked ($3)"
	else
		fail "attack $1 was not blocked: $3"
	fi
}

# control_succeeded NAME FILE: the same attack, where it should work, did. Without a
# working control a blocked attack proves nothing.
control_succeeded()
{
	if grep -qx outcome=succeeded "$2"; then
		echo "control $1: the attack works there ($(grep -v '^outcome=' "$2" | tr '\n' ' '))"
		return 0
	fi
	fail "control for $1 did not succeed: $(tr '\n' ' ' <"$2")"
	return 1
}

# attack_joiner SUFFIX JOINER...: the attacker inside, started by "${SEC_EXEC[@]}" (the
# suite's exec into its container) watching for a process whose argv[0] ends in SUFFIX; then
# JOINER... run under strace, every execve held for EXEC_HOLD_US, the moment the joiner is
# still its own code inside the container.
EXEC_HOLD_US=3000000
SEC_EXEC=()
attack_joiner()
{
	local suffix=$1 attacker
	shift
	"${SEC_EXEC[@]}" attack exe-watch "$suffix" 10 >"$TEST_TMP/attack" 2>&1 &
	attacker=$!
	track_pid "$attacker"
	wait_until 30 file_has "$TEST_TMP/attack" '^ready=1$' || fail "the attacker did not start"
	timeout -k 5 60 strace -f -qq -o /dev/null -e trace=execve \
		-e inject=execve:delay_enter=$EXEC_HOLD_US "$@" >/dev/null 2>"$TEST_TMP/joiner.err"
	wait "$attacker"
}

# The control in a --privileged container, output in $TEST_TMP/control.
box_control()
{
	box_run "$@"
	mv "$TEST_TMP/out" "$TEST_TMP/control"
	[ "$BOX_RC" = 0 ] || fail "control run failed ($BOX_RC): $(cat "$TEST_TMP/err")"
}
