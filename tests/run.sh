#!/bin/bash
# SPDX-License-Identifier: MIT
# run.sh [DIR...]: runs the C unit tests (build/tests/test_*, cmocka, TAP output) and every
# shunit2 suite tests/*/test_*.sh, shows their output, and ends with exactly one line
# "N passed, N failed, N skipped". Exits 1 when anything failed, crashed or ran nothing.
# With arguments, only those directories run (`tests/run.sh init`, `tests/run.sh unit`).
# Each suite is killed after BOX_SUITE_TIMEOUT seconds (1200), or after the longer bound its
# header declares ("# suite-timeout: SECONDS").
# It counts the per-test lines of tests/lib.sh, never shunit2's totals (those count asserts
# and count a skipped test as passed).

set -u
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BOX_BUILD:-$top/build}
suite_timeout=${BOX_SUITE_TIMEOUT:-1200}
passed=0 failed=0 skipped=0
timings=()
out=$(mktemp -d "${TMPDIR:-/tmp}/box-run.XXXXXX")
# shellcheck source=tests/tally.sh
. "$top/tests/tally.sh"
trap 'rm -rf "$out"' EXIT

wanted()
{
	[ $# -gt 1 ] || return 0
	local dir=$1 arg
	shift
	for arg; do
		[ "${arg%/}" = "$dir" ] || [ "${arg%/}" = "tests/$dir" ] && return 0
	done
	return 1
}

crashed()
{
	echo "run.sh: $1"
	failed=$((failed + 1))
}

# TAP from cmocka: "ok N - name", "not ok N - name", "not ok N # SKIP name", plans "1..N".
run_unit()
{
	local bin=$1 log=$out/unit.log rc planned p f s
	echo "=== unit: ${bin#"$top"/}"
	CMOCKA_MESSAGE_OUTPUT=TAP "$bin" >"$log" 2>&1
	rc=$?
	cat "$log"
	planned=$(awk -F'[.]+' '/^1\.\.[0-9]+$/ { n += $2 } END { print n + 0 }' "$log")
	p=$(grep -c '^ok ' "$log")
	s=$(grep -c '^not ok [0-9]* # SKIP' "$log")
	f=$(($(grep -c '^not ok ' "$log") - s))
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
	if [ $((p + f + s)) -eq 0 ]; then
		crashed "${bin##*/} ran no test (exit $rc)"
	elif [ $((p + f + s)) -ne "$planned" ]; then
		crashed "${bin##*/} ran $((p + f + s)) of $planned planned tests (exit $rc)"
	elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		crashed "${bin##*/} exited $rc without a failed test"
	fi
}

run_suite()
{
	local suite=$1 log=$out/suite.log rc total p f s leaks limit=$suite_timeout declared
	local began=$SECONDS
	echo "=== suite: ${suite#"$top"/}"
	# A suite whose time grows with the machine's load declares its own bound in its header
	# ("# suite-timeout: SECONDS"); BOX_SUITE_TIMEOUT, when larger, still wins.
	declared=$(head -n 30 "$suite" | sed -n 's/^# suite-timeout: \([0-9][0-9]*\)$/\1/p' | head -n 1)
	[ -n "$declared" ] && [ "$declared" -gt "$limit" ] && limit=$declared
	timeout -k 10 "$limit" bash "$suite" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	tally "$log"
	total=$T_TOTAL p=$T_PASS f=$T_FAIL s=$T_SKIP leaks=$T_LEAK
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
	if [ -z "$total" ]; then
		crashed "${suite#"$top"/} did not finish (exit $rc)"
	elif [ "$total" -eq 0 ]; then
		crashed "${suite#"$top"/} ran no test"
	elif [ $((p + f + s)) -ne "$total" ]; then
		crashed "${suite#"$top"/}: $((p + f + s)) results for $total tests (does it use lib.sh's setUp/tearDown?)"
	elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		crashed "${suite#"$top"/} exited $rc without a failed test"
	fi
	if [ "$leaks" -gt 0 ]; then
		crashed "${suite#"$top"/} left $leaks resources behind"
	fi
	# What each suite took: CI's whole run has a bound, and this says where it goes.
	echo "=== took $((SECONDS - began)) s: ${suite#"$top"/}"
	timings+=("$((SECONDS - began)) ${suite#"$top"/}")
}

if wanted unit "$@"; then
	for bin in "$build"/tests/test_*; do
		[ -f "$bin" ] && [ -x "$bin" ] && run_unit "$bin"
	done
fi
for dir in "$top"/tests/*/; do
	dir=${dir%/}
	wanted "${dir##*/}" "$@" || continue
	for suite in "$dir"/test_*.sh; do
		[ -f "$suite" ] && run_suite "$suite"
	done
done

if [ ${#timings[@]} -gt 1 ]; then
	echo "=== the longest suites (s): $(printf '%s\n' "${timings[@]}" | sort -rn | head -n 8 |
		awk '{ printf "%s%s %s", (NR > 1 ? ", " : ""), $2, $1 }')"
fi
if [ $((passed + failed + skipped)) -eq 0 ]; then
	echo "run.sh: no test ran"
	failed=$((failed + 1))
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
