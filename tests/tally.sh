# SPDX-License-Identifier: MIT
# Sourced by tests/run.sh and tools/vm/guest.sh: reads a suite's output the one way both count
# it. tally LOG sets T_TOTAL (shunit2's "Ran N tests", empty when it did not finish), T_PASS,
# T_FAIL, T_SKIP (tests/lib.sh's per-test lines, never shunit2's totals) and T_LEAK.
tally()
{
	T_TOTAL=$(sed -n 's/^Ran \([0-9]*\) tests\{0,1\}\.$/\1/p' "$1" | tail -n 1)
	T_PASS=$(grep -c '^--- PASS: ' "$1")
	T_FAIL=$(grep -c '^--- FAIL: ' "$1")
	T_SKIP=$(grep -c '^--- SKIP: ' "$1")
	T_LEAK=$(grep -c '^--- LEAK: ' "$1")
}
