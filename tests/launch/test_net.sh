#!/bin/bash
# SPDX-License-Identifier: MIT
# launch's networking: --net none/host/veth, --subnet, -p/--publish through launch's proxy
# and forwarded in the kernel, --dns, --nat. Traffic goes only to the host's loopback, to the host side of the suite's own
# veths and to its own containers. After every test, no veth, nft table or state file named
# for this suite may be left (checked here, on top of launch_lib.sh's checks), and what is
# left is removed.

. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/launch_lib.sh"

_net_serial=0

# Sets NAME to a fresh container name of this suite (not in a subshell: the counter must move).
new_name()
{
	_net_serial=$((_net_serial + 1))
	NAME=$BT_PREFIX-n$_net_serial
}

eval "$(declare -f box_teardown | sed '1s/box_teardown/_bt_launch_teardown/')"
box_teardown()
{
	_bt_launch_teardown
	local left
	if ! wait_until 10 _net_nothing_left; then
		left=$(_net_left | tr '\n' ' ')
		fail "network leftovers: $left"
		_net_remove_left
	fi
	[ -z "${HOST_LISTENER:-}" ] || { kill -KILL "$HOST_LISTENER" 2>/dev/null; wait "$HOST_LISTENER" 2>/dev/null; }
	HOST_LISTENER=
}

# Veths, nft tables and state files named for this suite's containers.
_net_left()
{
	ip -o link show 2>/dev/null | awk -F': ' '{ print $2 }' | sed 's/@.*//' |
		grep "^bx-$BT_PREFIX-" | sed 's/^/veth /'
	if command -v nft >/dev/null; then
		nft list tables 2>/dev/null | grep " box-$BT_PREFIX-" | sed 's/^/nft /'
	fi
	ls "$BOX_RECORDS" 2>/dev/null | grep "^$BT_PREFIX-" | sed 's/^/record /'
}

_net_nothing_left()
{
	[ -z "$(_net_left)" ]
}

_net_remove_left()
{
	local kind what
	_net_left | while read -r kind what; do
		case $kind in
		veth) ip link del "$what" 2>/dev/null ;;
		nft) nft delete table ip "${what##* }" 2>/dev/null ;;
		record) rm -rf --one-file-system "${BOX_RECORDS:?}/$what" ;;
		esac
	done
}

# state NAME KEY: a field of the network part of the container's record.
state()
{
	record_get "$1" net "$2"
}

# A /30 in 10.254.0.0/16 that overlaps no IPv4 route of the host (so no address of it is in
# use anywhere we could reach), different from $1.
free_subnet()
{
	ip -4 -o route show table all | python3 -c '
import ipaddress, random, sys
used = []
for line in sys.stdin:
    w = line.split()
    dst = w[1] if w[0] in ("local", "broadcast", "unicast", "multicast") else w[0]
    if dst != "default":
        used.append(ipaddress.ip_network(dst, strict=False))
while True:
    n = ipaddress.ip_network("10.254.%d.%d/30" % (random.randrange(256), 4 * random.randrange(64)))
    if str(n) != sys.argv[1] and not any(n.overlaps(u) for u in used):
        print(n)
        break' "${1:-}"
}

www()
{
	mkdir -p "$TEST_TMP/www"
	echo "hello from $1" >"$TEST_TMP/www/index.html"
}

# fetch URL [nsenter target]: the page, from the host or from a container's network namespace.
fetch()
{
	if [ -n "${2:-}" ]; then
		nsenter --net --target "$2" curl -sf --max-time 5 "$1"
	else
		curl -sf --max-time 5 "$1"
	fi
}

page_is()
{
	[ "$(fetch "$1" "${3:-}" 2>/dev/null)" = "$2" ]
}

test_default_network_has_only_loopback()
{
	require_root || return 0
	box_run -- ls /sys/class/net
	assertEquals "exit status: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	assertEquals "interfaces" "lo" "$(tr '\n' ' ' <"$TEST_TMP/out" | sed 's/ *$//')"
}

test_net_host_shares_the_host_network_namespace()
{
	require_root || return 0
	box_run --net host -- readlink /proc/self/ns/net
	assertEquals "exit status: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	assertEquals "network namespace" "$(readlink /proc/self/ns/net)" "$(cat "$TEST_TMP/out")"
}

test_veth_gives_eth0_an_address_a_default_route_and_a_state_file()
{
	require_root || return 0
	local name addr gw ifname
	new_name
	name=$NAME
	READY="default via" box_start --name "$name" --net veth --verbose \
		-- sh -c 'ip -4 addr show eth0; ip route; exec sleep 60' || return 0
	addr=$(state "$name" address)
	gw=$(state "$name" gateway)
	ifname=$(state "$name" ifname)
	assertEquals "host side named after the container" "bx-$name" "$ifname"
	assertNotNull "address recorded in $BOX_RECORDS/$name/state.json" "$addr"
	assertTrue "--verbose prints the address: $(cat "$TEST_TMP/err")" \
		"grep -q 'address $addr/30 on eth0, gateway $gw' '$TEST_TMP/err'"
	assertTrue "eth0 has it inside: $(cat "$TEST_TMP/out")" \
		"grep -q 'inet $addr/30' '$TEST_TMP/out'"
	assertTrue "default route via the host side" "grep -q 'default via $gw dev eth0' '$TEST_TMP/out'"
	assertTrue "the host side has the gateway address" \
		"ip -4 -o addr show dev '$ifname' | grep -q 'inet $gw/30'"
	assertTrue "the container reaches the host side" \
		"nsenter --net --target $BOX_INIT_PID '$BOX_ROOTFS/bin/busybox' ping -c 1 -W 2 $gw >/dev/null"
	kill -TERM "$BOX_PID"
	box_wait 20 || return 0
	assertFalse "veth removed" "ip link show '$ifname' >/dev/null 2>&1"
	assertFalse "record removed" "[ -e '$BOX_RECORDS/$name' ]"
}

test_two_veth_containers_get_distinct_addresses()
{
	require_root || return 0
	local a b pid_a
	new_name
	a=$NAME
	new_name
	b=$NAME
	box_start --name "$a" --net veth -- sleep 60 || return 0
	pid_a=$BOX_PID
	box_start --name "$b" --net veth -- sleep 60 || return 0
	assertNotNull "address of $a" "$(state "$a" address)"
	assertNotNull "address of $b" "$(state "$b" address)"
	assertNotEquals "distinct addresses" "$(state "$a" address)" "$(state "$b" address)"
	assertNotEquals "distinct gateways" "$(state "$a" gateway)" "$(state "$b" gateway)"
	kill -TERM "$pid_a" "$BOX_PID"
	box_wait 20
	BOX_PID=$pid_a box_wait 20
}

test_two_veth_containers_reach_each_others_published_ports_through_the_host()
{
	require_root || return 0
	require_command nsenter || return 0
	local a b sa sb ga gb pa pb init_a pid_a
	new_name
	a=$NAME
	new_name
	b=$NAME
	sa=$(free_subnet)
	sb=$(free_subnet "$sa")
	ga=$(python3 -c "import ipaddress,sys; print(ipaddress.ip_network(sys.argv[1])[1])" "$sa")
	gb=$(python3 -c "import ipaddress,sys; print(ipaddress.ip_network(sys.argv[1])[1])" "$sb")
	pa=$(free_port)
	pb=$(free_port)
	mkdir -p "$TEST_TMP/a" "$TEST_TMP/b"
	echo "page of a" >"$TEST_TMP/a/index.html"
	echo "page of b" >"$TEST_TMP/b/index.html"
	# Each publishes on its own host-side address: reachable from the other container (the
	# host routes to its own addresses), not from the outside.
	box_start --name "$a" --net veth --subnet "$sa" -p "$ga:$pa:8080" -v "$TEST_TMP/a:/www:ro" \
		-- httpd -f -p 8080 -h /www || return 0
	init_a=$BOX_INIT_PID
	pid_a=$BOX_PID
	box_start --name "$b" --net veth --subnet "$sb" -p "$gb:$pb:8080" -v "$TEST_TMP/b:/www:ro" \
		-- httpd -f -p 8080 -h /www || return 0
	assertEquals "gateway of a" "$ga" "$(state "$a" gateway)"
	assertTrue "a reaches b's published port" \
		"wait_until 10 page_is http://$gb:$pb/ 'page of b' $init_a"
	assertTrue "b reaches a's published port" \
		"wait_until 10 page_is http://$ga:$pa/ 'page of a' $BOX_INIT_PID"
	kill -TERM "$pid_a" "$BOX_PID"
	box_wait 20
	BOX_PID=$pid_a box_wait 20
}

test_published_port_serves_200_concurrent_requests()
{
	require_root || return 0
	local port n
	port=$(free_port)
	www one
	box_start --net veth -p "$port:8080" -v "$TEST_TMP/www:/www:ro" \
		-- httpd -f -p 8080 -h /www || return 0
	assertTrue "the published port answers" \
		"wait_until 10 page_is http://127.0.0.1:$port/ 'hello from one'"
	seq 200 | xargs -P 200 -I{} curl -s -o /dev/null --max-time 30 -w '%{http_code}\n' \
		"http://127.0.0.1:$port/" >"$TEST_TMP/codes"
	n=$(grep -c '^200$' "$TEST_TMP/codes")
	assertEquals "requests answered 200: $(sort "$TEST_TMP/codes" | uniq -c | tr '\n' ' ')" 200 "$n"
	assertFalse "not published on the host's other addresses" \
		"ss -Htln 'sport = :$port' | grep -v '127.0.0.1:$port' | grep -q ."
	kill -TERM "$BOX_PID"
	box_wait 20 || return 0
	assertFalse "the proxy socket is closed" "ss -Htln 'sport = :$port' | grep -q ."
}

# Bulk through the proxy (its larger buffers for a side that reads 16 KiB at a time): four
# downloads of 24 MiB of random bytes at once arrive whole, and four 32 MiB uploads are
# counted whole by the server (each half-closes, and the answer comes back after it).
test_published_port_carries_bulk_transfers_whole_both_ways()
{
	require_root || return 0
	require_command python3 || return 0
	local port up want i pids=()
	port=$(free_port)
	up=$(free_port)
	[ "$up" != "$port" ] || up=$((port + 1))
	www bulk
	head -c $((24 << 20)) /dev/urandom >"$TEST_TMP/www/blob"
	want=$(sha256sum <"$TEST_TMP/www/blob")
	READY='^ready=1$' box_start --net veth -p "$port:8080" -p "$up:7000" \
		-v "$TEST_TMP/www:/www:ro" -- sh -c 'httpd -p 8080 -h /www && exec probe serve 7000' ||
		return 0
	assertTrue "the published port answers" \
		"wait_until 10 page_is http://127.0.0.1:$port/ 'hello from bulk'"
	for i in 1 2 3 4; do
		curl -s --max-time 60 -o "$TEST_TMP/got$i" "http://127.0.0.1:$port/blob" &
		pids+=($!)
	done
	wait "${pids[@]}"
	for i in 1 2 3 4; do
		assertEquals "download $i is the file, byte for byte ($(stat -c %s "$TEST_TMP/got$i" 2>&1) bytes)" \
			"$want" "$(sha256sum <"$TEST_TMP/got$i")"
	done
	python3 "$BOX_ROOT/tests/launch/proxyload.py" echo "$up" 4 $((32 << 20)) >"$TEST_TMP/echo" 2>&1
	assertEquals "uploads counted whole: $(cat "$TEST_TMP/echo")" 4 "$(kv "$TEST_TMP/echo" ok)"
	kill -TERM "$BOX_PID"
	box_wait 20
}

nginx_page()
{
	fetch "http://127.0.0.1:$1/" 2>/dev/null | grep -q 'Welcome to nginx'
}

test_nginx_in_debian_is_reachable_at_its_published_port()
{
	require_root || return 0
	local port
	require_debian_rootfs || return 0
	port=$(free_port)
	ROOTFS=$BOX_DEBIAN_ROOTFS box_start --net veth -p "$port:80" --memory 256m \
		-- service nginx start || return 0
	assertTrue "nginx answers at 127.0.0.1:$port: $(cat "$TEST_TMP/err")" \
		"wait_until 15 nginx_page $port"
	kill -TERM "$BOX_PID"
	box_wait 20 || return 0
	assertEquals "exit status after SIGTERM: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
}

# The port is taken: launch fails after the veth and the NAT rule exist, and undoes them.
test_failed_start_leaves_no_veth_rule_state_or_socket()
{
	require_root || return 0
	local name port nat=()
	command -v nft >/dev/null && nat=(--nat)
	new_name
	name=$NAME
	port=$(free_port)
	python3 -c 'import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(); time.sleep(60)' \
		"$port" &
	HOST_LISTENER=$!
	wait_until 5 eval "ss -Htln 'sport = :$port' | grep -q ."
	box_run --name "$name" --net veth "${nat[@]}" -p "$port:8080" -- true
	assert_launch_error "port in use"
	assertTrue "names the address: $(cat "$TEST_TMP/err")" "grep -q '127.0.0.1:$port' '$TEST_TMP/err'"
	assertTrue "nothing of $name left: $(_net_left)" _net_nothing_left
	# A failure in the container's first process, after the network was set up.
	new_name
	name=$NAME
	port=$(free_port)
	box_run --name "$name" --net veth "${nat[@]}" -p "$port:8080" -v /etc/hostname:/bin -- true
	assertEquals "bad volume: $(cat "$TEST_TMP/err")" 125 "$BOX_RC"
	assertTrue "nothing of $name left: $(_net_left)" _net_nothing_left
	assertFalse "the proxy socket is closed" "ss -Htln 'sport = :$port' | grep -q ."
}

veth_gone()
{
	! ip link show "$1" >/dev/null 2>&1
}

test_sigkilled_launch_is_cleaned_up_by_the_next_launch()
{
	require_root || return 0
	local name port nat=()
	command -v nft >/dev/null && nat=(--nat)
	new_name
	name=$NAME
	port=$(free_port)
	www killed
	box_start --name "$name" --net veth "${nat[@]}" -p "$port:8080" --dns 192.0.2.53 \
		-v "$TEST_TMP/www:/www:ro" -- httpd -f -p 8080 -h /www || return 0
	assertTrue "serves" "wait_until 10 page_is http://127.0.0.1:$port/ 'hello from killed'"
	kill -KILL "$BOX_PID"
	box_wait 10 || return 0
	# The kernel's part: the container dies with launch, the pair with its namespace, the
	# proxy's sockets with launch.
	assertTrue "veth gone with the namespace" "wait_until 10 veth_gone bx-$name"
	assertFalse "the proxy socket is closed" "ss -Htln 'sport = :$port' | grep -q ."
	# Launch's part, done by the next launch (any: this one has no network of its own).
	box_run -- true
	assertEquals "next launch: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	assertFalse "record (and its resolv.conf) removed" "[ -e '$BOX_RECORDS/$name' ]"
	if [ ${#nat[@]} -gt 0 ]; then
		assertFalse "NAT table removed" "nft list table ip 'box-$name' >/dev/null 2>&1"
	fi
}

# Outbound traffic is not allowed here: the rule is checked, and the container reaches a
# listener on its own gateway address (the host), nothing beyond.
test_nat_adds_a_masquerade_rule_scoped_to_the_container_and_removes_it()
{
	require_root || return 0
	require_command nft || return 0
	local name addr gw port rule
	new_name
	name=$NAME
	box_start --name "$name" --net veth --nat -- sleep 60 || return 0
	addr=$(state "$name" address)
	gw=$(state "$name" gateway)
	assertEquals "recorded tool" nft "$(state "$name" nat)"
	rule=$(nft list table ip "box-$name" 2>&1)
	assertTrue "masquerades only $addr, not back into its veth: $rule" \
		"echo '$rule' | grep -q 'ip saddr $addr oifname != \"bx-$name\" masquerade'"
	assertEquals "one rule: $rule" 1 "$(echo "$rule" | grep -c masquerade)"
	port=$(free_port)
	mkdir -p "$TEST_TMP/host"
	echo "host side" >"$TEST_TMP/host/index.html"
	python3 -m http.server --bind "$gw" --directory "$TEST_TMP/host" "$port" \
		>/dev/null 2>&1 &
	HOST_LISTENER=$!
	assertTrue "the container reaches the host through its gateway" \
		"wait_until 10 page_is http://$gw:$port/index.html 'host side' $BOX_INIT_PID"
	kill -TERM "$BOX_PID"
	box_wait 20 || return 0
	assertFalse "table removed at stop" "nft list table ip 'box-$name' >/dev/null 2>&1"
}

# --- published ports forwarded in the kernel --------------------------------------------------
# In a network namespace of the test's own (held by a sleep), where 192.0.2.10 on its
# loopback stands for a host address other than 127.0.0.1 and ip_forward is the test's to
# set: whatever this host's addresses and settings, nothing of the host is touched.

private_net()
{
	require_root || return 1
	require_command nft || return 1
	require_command nsenter || return 1
	unshare -n sleep 600 &
	NET_HOLDER=$!
	track_pid "$NET_HOLDER"
	wait_until 5 _net_holder_ready || { fail "no private network namespace"; return 1; }
	innet ip link set lo up && innet ip addr add 192.0.2.10/32 dev lo ||
		{ fail "cannot configure the private network namespace"; return 1; }
}

_net_holder_ready()
{
	[ "$(readlink "/proc/$NET_HOLDER/ns/net")" != "$(readlink /proc/self/ns/net)" ]
}

innet()
{
	nsenter --net="/proc/$NET_HOLDER/ns/net" "$@"
}

# innet_start NAME [LAUNCH OPTIONS...] -- CMD...: a detached container in the private namespace.
innet_start()
{
	local name=$1
	shift
	_bt_cmdline -d --name "$name" "$@"
	innet "${BT_CMD[@]}" >"$TEST_TMP/out" 2>"$TEST_TMP/err" ||
		{ fail "launch -d $name: $(cat "$TEST_TMP/err")"; return 1; }
}

# httpd -v's log of the container: "[::ffff:CLIENT]:PORT: response:200" per request.
served_client()
{
	"$LAUNCH" logs "$1" 2>&1 | grep -F "ffff:$2]:" | grep -q "response:200"
}

test_published_port_on_another_address_is_forwarded_in_the_kernel()
{
	private_net || return 0
	local name addr table
	new_name
	name=$NAME
	www kernel
	innet_start "$name" --net veth -p 192.0.2.10:8080:8081 -v "$TEST_TMP/www:/www:ro" \
		-- httpd -f -v -p 8081 -h /www || return 0
	addr=$(state "$name" address)
	table=$(innet nft list table ip "box-$name" 2>&1)
	assertTrue "the host's own connections are forwarded: $table" \
		"echo '$table' | grep -q 'ip daddr 192.0.2.10 tcp dport 8080 dnat to $addr:8081'"
	assertTrue "a guard keeps them on the container's veth: $table" \
		"echo '$table' | grep -q 'ct original proto-dst 8080 oifname != \"bx-$name\" drop'"
	assertTrue "the guard runs once a connection (nat), not on every packet: $table" \
		"echo '$table' | grep -Eq 'type nat hook postrouting priority (-100|srcnat - 200);'"
	assertFalse "no chain of the table sees every packet: $table" \
		"echo '$table' | grep -q 'type filter'"
	assertFalse "the host does not forward: no prerouting chain: $table" \
		"echo '$table' | grep -q prerouting"
	assertEquals "recorded tool" nft "$(state "$name" nat)"
	assertTrue "the page" "wait_until 10 page_is http://192.0.2.10:8080/ 'hello from kernel' $NET_HOLDER"
	# Through the proxy the container would see its gateway; forwarded, the client itself.
	assertTrue "the container sees the client's own address: $("$LAUNCH" logs "$name" 2>&1 | tail -2)" \
		"wait_until 5 served_client $name 192.0.2.10"
	assertFalse "the proxy still holds the port" \
		"[ -z \"\$(innet ss -Htln 'sport = :8080')\" ]"
	"$LAUNCH" stop -t 5 "$name" >/dev/null
	assertFalse "the table is gone at stop" "innet nft list table ip 'box-$name' >/dev/null 2>&1"
	"$LAUNCH" rm -f "$name" >/dev/null 2>&1
	return 0
}

# With ip_forward on, a client elsewhere (here another container) is forwarded in prerouting;
# 127.0.0.1 ports stay with the proxy.
test_remote_clients_are_forwarded_when_the_host_forwards()
{
	private_net || return 0
	local a b addr_a addr_b table
	new_name
	a=$NAME
	new_name
	b=$NAME
	innet sysctl -qw net.ipv4.ip_forward=1 || { fail "ip_forward in the private namespace"; return 0; }
	www remote
	innet_start "$a" --net veth -p 0.0.0.0:8080:8081 -v "$TEST_TMP/www:/www:ro" \
		-- httpd -f -v -p 8081 -h /www || return 0
	innet_start "$b" --net veth -- sleep 60 || return 0
	addr_a=$(state "$a" address)
	addr_b=$(state "$b" address)
	table=$(innet nft list table ip "box-$a" 2>&1)
	assertTrue "prerouting, not from its own veth: $table" \
		"echo '$table' | grep -q 'iifname != \"bx-$a\" ip daddr != 127.0.0.0/8 fib daddr type local tcp dport 8080 dnat to $addr_a:8081'"
	assertTrue "b reaches a's port on the host's address" \
		"wait_until 10 page_is http://192.0.2.10:8080/ 'hello from remote' $(record_get "$b" pid1 pid)"
	assertTrue "a sees b's own address: $("$LAUNCH" logs "$a" 2>&1 | tail -2)" \
		"wait_until 5 served_client $a $addr_b"
	assertTrue "127.0.0.1 through the proxy (a sees its gateway)" \
		"wait_until 10 page_is http://127.0.0.1:8080/ 'hello from remote' $NET_HOLDER"
	assertTrue "the proxy's connection comes from the gateway" \
		"wait_until 5 served_client $a $(state "$a" gateway)"
	"$LAUNCH" stop -t 5 "$a" "$b" >/dev/null
	assertFalse "the table is gone at stop" "innet nft list table ip 'box-$a' >/dev/null 2>&1"
	"$LAUNCH" rm -f "$a" "$b" >/dev/null 2>&1
	return 0
}

# The rules a killed launch leaves stay until the next launch command; were a later container
# to get the address meanwhile, the guard drops what the stale rule forwards instead of
# delivering it there. The stale table is put back by hand after the next launch removed it
# (the race it stands for is a launch that dies between another's clean-up and its start);
# the control is the same table without its guard.
test_a_stale_forward_never_reaches_a_later_container_of_its_address()
{
	private_net || return 0
	local dead later pid addr saved
	new_name
	dead=$NAME
	new_name
	later=$NAME
	www later
	innet_start "$dead" --net veth -p 192.0.2.10:9090:8081 -- sleep 600 || return 0
	addr=$(state "$dead" address)
	saved=$(innet nft list table ip "box-$dead") || { fail "no table for $dead"; return 0; }
	pid=$(record_get "$dead" monitor pid)
	kill -KILL "$pid"
	assertTrue "its veth goes with its namespace" \
		"wait_until 10 eval '! innet ip link show bx-$dead >/dev/null 2>&1'"
	innet_start "$later" --net veth -p 192.0.2.10:8080:8081 -v "$TEST_TMP/www:/www:ro" \
		-- httpd -f -v -p 8081 -h /www || return 0
	assertEquals "the later container has the dead one's address" "$addr" "$(state "$later" address)"
	assertFalse "the next launch removed the dead one's table" \
		"innet nft list table ip 'box-$dead' >/dev/null 2>&1"
	# Stale again, as if the dead launch had died just after the later one's clean-up.
	echo "$saved" | innet nft -f - || { fail "cannot put the stale table back"; return 0; }
	assertFalse "the stale forward does not reach the later container" \
		"innet curl -sf --max-time 3 http://192.0.2.10:9090/"
	# Control: without the guard it would.
	innet nft delete chain ip "box-$dead" guard
	assertEquals "control: without the guard it reaches it" "hello from later" \
		"$(innet curl -sf --max-time 5 http://192.0.2.10:9090/)"
	innet nft delete table ip "box-$dead"
	"$LAUNCH" stop -t 5 "$later" >/dev/null
	"$LAUNCH" rm -f "$dead" "$later" >/dev/null 2>&1
	return 0
}

test_dns_bind_mounts_a_generated_resolv_conf()
{
	require_root || return 0
	local name before
	new_name
	name=$NAME
	before=$(cat "$BOX_ROOTFS/etc/resolv.conf" 2>/dev/null | md5sum)
	box_run --name "$name" --dns 192.0.2.53 --dns 2001:db8::53 -- cat /etc/resolv.conf
	assertEquals "exit status: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	assertTrue "first nameserver: $(cat "$TEST_TMP/out")" \
		"grep -qx 'nameserver 192.0.2.53' '$TEST_TMP/out'"
	assertTrue "second nameserver" "grep -qx 'nameserver 2001:db8::53' '$TEST_TMP/out'"
	assertEquals "the rootfs's own file is untouched" "$before" \
		"$(cat "$BOX_ROOTFS/etc/resolv.conf" 2>/dev/null | md5sum)"
	assertFalse "generated file removed" "[ -e '$BOX_RECORDS/$name/resolv.conf' ]"
	box_run --dns 192.0.2.53 -- sh -c 'echo x >>/etc/resolv.conf'
	assertNotEquals "read-only inside" 0 "$BOX_RC"
}

bad_net()
{
	local msg=$1
	shift
	launch_raw --cgroup-parent "$BOX_TEST_CGROUP_PARENT" --name "$(bt_name)" "$@" \
		"$BOX_ROOTFS" -- true
	assert_launch_error "$msg"
}

test_bad_network_values_fail_with_one_line()
{
	require_root || return 0
	bad_net "--net bogus" --net bogus
	bad_net "--net empty" --net ''
	bad_net "--publish one port" --net veth -p 80
	bad_net "--publish port 0" --net veth -p 0:80
	bad_net "--publish port 65536" --net veth -p 65536:80
	bad_net "--publish bad ip" --net veth -p 1.2.3:80:80
	bad_net "--publish ipv6" --net veth -p '::1:80:80'
	bad_net "--publish udp" --net veth -p 80:80/udp
	bad_net "--publish twice" --net veth -p 8080:80 -p 8080:81
	bad_net "--publish without veth" -p 8080:80
	bad_net "--publish with host" --net host -p 8080:80
	bad_net "--subnet host bits" --net veth --subnet 10.0.0.1/24
	bad_net "--subnet /31" --net veth --subnet 10.0.0.0/31
	bad_net "--subnet no prefix" --net veth --subnet 10.0.0.0
	bad_net "--subnet garbage" --net veth --subnet bogus/24
	bad_net "--subnet without veth" --subnet 10.0.0.0/24
	bad_net "--nat without veth" --nat
	bad_net "--dns garbage" --dns bogus
	bad_net "--dns four" --dns 192.0.2.1 --dns 192.0.2.2 --dns 192.0.2.3 --dns 192.0.2.4
}

. "$SHUNIT2"
