#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# soak.sh [-n N] [-j PARALLEL] [-s SEED]: `make soak`. N containers (default 1000), PARALLEL at
# a time (default 4), engines (launch, box) and outcomes drawn from a random sequence seeded
# by SEED (default: random, printed; SOAK_SEED=S or -s S replays the sequence). Prints the
# counts per engine and outcome, the long-lived monitor's fds and memory, and every leftover;
# exits 1 on any unexpected outcome, growth or leftover. See tests/soak/soak_lib.sh.
set -u
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/soak_lib.sh"

n=${SOAK_N:-1000} par=${SOAK_PARALLEL:-4} seed=${SOAK_SEED:-$((RANDOM << 15 | RANDOM))}
while getopts n:j:s: o; do
	case $o in
	n) n=$OPTARG ;;
	j) par=$OPTARG ;;
	s) seed=$OPTARG ;;
	*) exit 2 ;;
	esac
done
[ "$(id -u)" = 0 ] || {
	echo "soak: needs root" >&2
	exit 1
}
for b in "$LAUNCH" "$BOX" "$BOXINIT" "$PROBE"; do
	[ -x "$b" ] || {
		echo "soak: missing $b (make all)" >&2
		exit 1
	}
done
ulimit -c 0
soak_init || {
	echo "soak: set-up failed" >&2
	exit 1
}
trap soak_cleanup EXIT
trap 'exit 130' INT TERM
RANDOM=$seed
echo "soak: seed $seed (SOAK_SEED=$seed replays it), $n containers, $par at a time," \
	"prefix $SOAK_PREFIX, cgroups under $SOAK_CG"
start=$SECONDS
soak_watch_start || {
	echo "soak: the long-lived container did not start" >&2
	exit 1
}
soak_run "$n" "$par"
soak_finish
echo "soak: $n containers in $((SECONDS - start)) s"
soak_summary
rc=0
grow=$(soak_growth) || rc=1
echo "$grow"
bad=$(soak_bad_count)
[ "$bad" = 0 ] || rc=1
if [ -s "$SOAK_DIR/leftovers" ]; then
	rc=1
	echo "soak: LEFT after the run (cgroups under $SOAK_CG, records, processes, mounts, veths, NAT):"
	sed 's/^/  /' "$SOAK_DIR/leftovers"
else
	echo "soak: left: 0 cgroups under $SOAK_CG, 0 records (/run/box/containers, /var/log/box," \
		"/run/box-oci), 0 processes, 0 mounts, 0 veths, 0 NAT rules"
fi
if [ "$rc" = 0 ]; then
	echo "soak: PASS"
else
	cp "$SOAK_DIR/results" "${TMPDIR:-/tmp}/box-soak-$seed.results"
	echo "soak: FAIL ($bad unexpected outcomes; seed $seed; every job's result in" \
		"${TMPDIR:-/tmp}/box-soak-$seed.results)"
fi
exit "$rc"
