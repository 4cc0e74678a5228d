// SPDX-License-Identifier: MIT
/*
 * Unit tests for launch's network options (launcher/netconf.c): --net, --subnet,
 * --publish and --dns values, the /30 arithmetic of the address pools, the
 * host-side interface names, the DNS step of the mount plan, and the nft script of a
 * container's kernel rules (nat.c). Creating
 * links needs root and is covered by tests/launch/test_net.sh.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "nat.h"
#include "netconf.h"
#include "state.h"
#include "rootplan.h" /* and launcher/config.h: init/ has a config.h too */

static struct in_addr ip(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

static void test_modes(void **state)
{
	enum net_mode m = NET_NONE;

	(void)state;
	assert_int_equal(netconf_parse_mode("veth", &m), 0);
	assert_int_equal(m, NET_VETH);
	assert_int_equal(netconf_parse_mode("host", &m), 0);
	assert_int_equal(m, NET_HOST);
	assert_int_equal(netconf_parse_mode("none", &m), 0);
	assert_int_equal(m, NET_NONE);
	assert_int_equal(netconf_parse_mode("bridge", &m), -EINVAL);
	assert_int_equal(netconf_parse_mode("", &m), -EINVAL);
	assert_string_equal(netconf_mode_name(NET_VETH), "veth");
}

static void test_subnets(void **state)
{
	struct in_addr net;
	unsigned prefix;

	(void)state;
	assert_int_equal(netconf_parse_subnet("10.1.0.0/16", &net, &prefix), 0);
	assert_int_equal(net.s_addr, ip("10.1.0.0").s_addr);
	assert_int_equal(prefix, 16);
	assert_int_equal(netconf_parse_subnet("10.1.2.4/30", &net, &prefix), 0);
	assert_int_equal(netconf_parse_subnet("10.1.2.5/30", &net, &prefix), -EINVAL);
	assert_int_equal(netconf_parse_subnet("10.1.2.0/31", &net, &prefix), -EINVAL);
	assert_int_equal(netconf_parse_subnet("10.0.0.0/7", &net, &prefix), -EINVAL);
	assert_int_equal(netconf_parse_subnet("10.1.2.0", &net, &prefix), -EINVAL);
	assert_int_equal(netconf_parse_subnet("10.1.2/24", &net, &prefix), -EINVAL);
	assert_int_equal(netconf_parse_subnet("10.1.2.0/ 24", &net, &prefix), -EINVAL);
	assert_int_equal(netconf_parse_subnet("/24", &net, &prefix), -EINVAL);
}

static void test_publish_forms(void **state)
{
	struct net_publish p;

	(void)state;
	assert_int_equal(netconf_parse_publish("8080:80", &p), 0);
	assert_int_equal(p.host_ip.s_addr, htonl(INADDR_LOOPBACK));
	assert_int_equal(p.host_port, 8080);
	assert_int_equal(p.container_port, 80);
	assert_int_equal(netconf_parse_publish("0.0.0.0:443:8443/tcp", &p), 0);
	assert_int_equal(p.host_ip.s_addr, INADDR_ANY);
	assert_int_equal(p.host_port, 443);
	assert_int_equal(p.container_port, 8443);
	assert_int_equal(netconf_parse_publish("10.2.3.4:1:65535", &p), 0);
	assert_int_equal(p.host_ip.s_addr, ip("10.2.3.4").s_addr);
}

static void test_publish_rejects(void **state)
{
	static const char *const bad[] = {
	    "80",      "0:80",    "80:0",   "65536:80", "80:65536",    "80:80/udp",
	    "80:80/",  ":80",     "80:",    "a:80",     "1.2.3:80:80", "::1:80:80",
	    "x:80:80", "1:2:3:4", " 80:80", "80:80 ",   "+80:80",      "",
	};
	struct net_publish p;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(netconf_parse_publish(bad[i], &p), -EINVAL);
}

static void test_publish_twice_is_refused(void **state)
{
	struct net_config c = {0};

	(void)state;
	assert_int_equal(netconf_add_publish(&c, "8080:80"), 0);
	assert_int_equal(netconf_add_publish(&c, "10.0.0.1:8080:80"), 0);
	assert_int_equal(netconf_add_publish(&c, "8080:81"), -EEXIST);
	assert_int_equal(netconf_add_publish(&c, "0.0.0.0:8080:81"), -EEXIST);
	assert_int_equal(netconf_add_publish(&c, "8081:80"), 0);
	assert_int_equal(c.n_publish, 3);
	netconf_free(&c);
	assert_null(c.publish);
}

static void test_dns(void **state)
{
	struct net_config c = {0};

	(void)state;
	assert_int_equal(netconf_add_dns(&c, "192.0.2.53"), 0);
	assert_int_equal(netconf_add_dns(&c, "2001:db8::1"), 0);
	assert_int_equal(netconf_add_dns(&c, "dns.example"), -EINVAL);
	assert_int_equal(netconf_add_dns(&c, "192.0.2.54"), 0);
	assert_int_equal(netconf_add_dns(&c, "192.0.2.55"), -E2BIG);
	assert_string_equal(c.dns[1], "2001:db8::1");
	netconf_finish(&c, "web");
	assert_string_equal(c.resolv_conf, "/run/box/containers/web/resolv.conf");
}

static void test_options_that_need_veth(void **state)
{
	struct net_config c = {.mode = NET_HOST, .nat = true};

	(void)state;
	assert_string_equal(netconf_check(&c), "nat");
	c.mode = NET_VETH;
	assert_null(netconf_check(&c));
	c = (struct net_config){.has_subnet = true};
	assert_string_equal(netconf_check(&c), "subnet");
	c = (struct net_config){.n_dns = 1};
	assert_null(netconf_check(&c));
}

static void test_host_ifnames_fit_and_differ(void **state)
{
	char a[16], b[16];

	(void)state;
	netconf_host_ifname("web", a);
	assert_string_equal(a, "bx-web");
	netconf_host_ifname("box-0123abcd", a);
	assert_string_equal(a, "bx-box-0123abcd");
	netconf_host_ifname("a-very-long-container-name-1", a);
	netconf_host_ifname("a-very-long-container-name-2", b);
	assert_int_equal(strlen(a), 15);
	assert_string_not_equal(a, b);
	assert_memory_equal(a, "bx-a-ve", 7);
}

static void test_slots_and_overlaps(void **state)
{
	struct in_addr s;

	(void)state;
	assert_int_equal(netconf_slot(ip("10.209.0.0"), 16, 0, &s), 0);
	assert_int_equal(s.s_addr, ip("10.209.0.0").s_addr);
	assert_int_equal(netconf_slot(ip("10.209.0.0"), 16, 65, &s), 0);
	assert_int_equal(s.s_addr, ip("10.209.1.4").s_addr);
	assert_int_equal(netconf_slot(ip("10.209.0.0"), 16, 16383, &s), 0);
	assert_int_equal(s.s_addr, ip("10.209.255.252").s_addr);
	assert_int_equal(netconf_slot(ip("10.209.0.0"), 16, 16384, &s), -ERANGE);
	assert_int_equal(netconf_slot(ip("10.9.9.8"), 30, 1, &s), -ERANGE);
	assert_true(netconf_overlaps(ip("10.209.0.4"), 30, ip("10.0.0.0"), 8));
	assert_true(netconf_overlaps(ip("10.209.0.4"), 30, ip("10.209.0.6"), 32));
	assert_false(netconf_overlaps(ip("10.209.0.4"), 30, ip("10.209.0.8"), 30));
	assert_false(netconf_overlaps(ip("10.209.0.4"), 30, ip("192.0.2.0"), 24));
}

/* The slot the old scan would give: each /30 in turn against every route. */
static int slow_free_slot(struct in_addr pool, unsigned prefix, const struct net_prefix *routes,
                          size_t n, struct in_addr *ret)
{
	struct in_addr cand;

	for (uint32_t slot = 0; netconf_slot(pool, prefix, slot, &cand) == 0; slot++) {
		bool used = false;

		for (size_t i = 0; i < n && !used; i++)
			used = netconf_overlaps(cand, 30, routes[i].addr, routes[i].len);
		if (!used) {
			*ret = cand;
			return 0;
		}
	}
	return -EADDRNOTAVAIL;
}

static void test_free_slot(void **state)
{
	const struct net_prefix routes[] = {{ip("10.209.0.0"), 30},
	                                    {ip("10.209.0.5"), 32},
	                                    {ip("10.209.0.8"), 29},
	                                    {ip("192.0.2.0"), 24},
	                                    {ip("10.0.0.0"), 8}};
	struct in_addr s = {0};

	(void)state;
	/* Taken: .0/30 (a container), .4/30 (a host address in it), .8 and .12 (a /29). */
	assert_int_equal(netconf_free_slot(ip("10.209.0.0"), 16, routes, 4, &s), 0);
	assert_int_equal(s.s_addr, ip("10.209.0.16").s_addr);
	assert_int_equal(netconf_free_slot(ip("10.209.0.0"), 16, routes, 0, &s), 0);
	assert_int_equal(s.s_addr, ip("10.209.0.0").s_addr);
	/* A route over the whole pool, and a pool that is one taken /30. */
	assert_int_equal(netconf_free_slot(ip("10.209.0.0"), 16, routes, 5, &s), -EADDRNOTAVAIL);
	assert_int_equal(netconf_free_slot(ip("10.209.0.0"), 30, routes, 1, &s), -EADDRNOTAVAIL);
	assert_int_equal(netconf_free_slot(ip("10.209.0.0"), 31, routes, 0, &s), -ERANGE);
}

/* Against the scan it replaces, on random hosts: routes of every length, inside the pool,
 * around it and elsewhere, up to a pool full but for one slot. */
static void test_free_slot_matches_the_scan(void **state)
{
	struct net_prefix routes[300];
	unsigned seed = 7;

	(void)state;
	for (int round = 0; round < 2000; round++) {
		unsigned prefix =
		    22 + (unsigned)(rand_r(&seed) % 9); /* /22../30: up to 256 slots */
		struct in_addr pool = ip("10.209.0.0"), a = {0}, b = {0};
		size_t n = (size_t)(rand_r(&seed) % 300);
		int ra, rb;

		for (size_t i = 0; i < n; i++) {
			uint32_t host = ntohl(pool.s_addr) + (uint32_t)(rand_r(&seed) % 2048) - 512;

			routes[i].addr.s_addr = htonl(host);
			routes[i].len =
			    20 + (unsigned)(rand_r(&seed) % 13) + (rand_r(&seed) % 8 == 0 ? 0 : 6);
			if (routes[i].len > 32)
				routes[i].len = 32;
		}
		ra = netconf_free_slot(pool, prefix, routes, n, &a);
		rb = slow_free_slot(pool, prefix, routes, n, &b);
		assert_int_equal(ra, rb);
		assert_int_equal(a.s_addr, b.s_addr);
	}
}

/* Found by fuzz/fuzz_netconf.c (UBSan: shift exponent 4294967280 in netconf_slot): a prefix
 * past 30 made 30 - prefix wrap around into an undefined shift; past 32, mask_of's shift did
 * too, and in the gcc build two different addresses at /46 "overlapped". */
static void test_slots_and_overlaps_with_prefixes_past_30(void **state)
{
	struct in_addr s = {0};

	(void)state;
	assert_int_equal(netconf_slot(ip("10.209.0.0"), 31, 0, &s), -ERANGE);
	assert_int_equal(netconf_slot(ip("10.209.0.0"), 32, 0, &s), -ERANGE);
	assert_int_equal(netconf_slot(ip("10.209.0.0"), 46, 0, &s), -ERANGE);
	assert_int_equal(netconf_slot(ip("10.209.0.0"), UINT32_MAX, 0, &s), -ERANGE);
	assert_int_equal(s.s_addr, 0);
	/* Past 32, as at 32: one address. */
	assert_false(netconf_overlaps(ip("10.209.0.0"), 46, ip("10.209.0.4"), 46));
	assert_false(netconf_overlaps(ip("10.209.0.0"), 33, ip("10.209.0.1"), 40));
	assert_true(netconf_overlaps(ip("10.209.0.5"), 46, ip("10.209.0.5"), 63));
	assert_true(netconf_overlaps(ip("10.209.0.5"), 46, ip("10.209.0.4"), 30));
}

static void test_dns_adds_a_read_only_bind_after_the_volumes(void **state)
{
	struct volume v = {.src = "/srv/etc", .dst = "/etc"};
	struct launch_config c = {.rootfs = "/srv/rf", .volumes = &v, .n_volumes = 1};
	struct mount_plan p;

	(void)state;
	assert_int_equal(netconf_add_dns(&c.net, "192.0.2.53"), 0);
	netconf_finish(&c.net, "web");
	assert_int_equal(rootfs_plan(&c, NULL, &p), 0);
	size_t i = 0;

	while (i < p.n_ops && !(p.ops[i].kind == MOUNT_OP_VOLUME && !strcmp(p.ops[i].dst, "/etc")))
		i++;
	assert_true(i + 1 < p.n_ops);
	assert_int_equal(p.ops[i + 1].kind, MOUNT_OP_VOLUME);
	assert_string_equal(p.ops[i + 1].src, "/run/box/containers/web/resolv.conf");
	assert_string_equal(p.ops[i + 1].dst, "/etc/resolv.conf");
	assert_true(p.ops[i + 1].ro);
	rootfs_plan_free(&p);
}

/* Which ports the kernel forwards, and the nft script: masquerade, the host's own clients,
 * remote ones only when the host forwards, and a guard per port. */
static void test_nft_script_forwards_all_but_loopback(void **state)
{
	struct net_publish p[3];
	struct nat_rule r = {.name = "web", .ifname = "bx-web"};
	char *s;

	(void)state;
	assert_int_equal(netconf_parse_publish("8080:80", &p[0]), 0);
	assert_int_equal(netconf_parse_publish("192.0.2.10:8081:81", &p[1]), 0);
	assert_int_equal(netconf_parse_publish("0.0.0.0:8082:82", &p[2]), 0);
	assert_false(nat_forwards(&p[0]));
	assert_true(nat_forwards(&p[1]));
	assert_true(nat_forwards(&p[2]));
	r.addr = ip("10.209.0.2");
	assert_false(nat_wanted(&r));
	r.publish = p;
	r.n_publish = 1;
	assert_false(nat_wanted(&r)); /* 127.0.0.1 only: the proxy's */
	r.n_publish = 3;
	assert_true(nat_wanted(&r));

	s = nat_nft_script(&r);
	assert_non_null(s);
	assert_non_null(strstr(s, "add table ip box-web\n"));
	assert_null(strstr(s, "masquerade"));
	assert_null(strstr(s, "prerouting"));
	assert_null(strstr(s, "dport 8080 ")); /* loopback: never in the kernel */
	assert_non_null(strstr(s, "add rule ip box-web output ip daddr 192.0.2.10 tcp dport 8081 "
	                          "dnat to 10.209.0.2:81\n"));
	assert_non_null(strstr(s, "add rule ip box-web output ip daddr != 127.0.0.0/8 fib daddr "
	                          "type local tcp dport 8082 dnat to 10.209.0.2:82\n"));
	/* A nat chain: the host's packets pass it once a connection, not each. */
	assert_non_null(strstr(s, "add chain ip box-web guard { type nat hook postrouting "
	                          "priority -100; }\n"));
	assert_null(strstr(s, "type filter"));
	assert_non_null(strstr(s, "add rule ip box-web guard ip daddr 10.209.0.2 tcp dport 81 ct "
	                          "status dnat ct original proto-dst 8081 oifname != \"bx-web\" "
	                          "drop\n"));
	free(s);

	r.remote = true;
	r.masquerade = true;
	s = nat_nft_script(&r);
	assert_non_null(s);
	assert_non_null(strstr(s, "add rule ip box-web postrouting ip saddr 10.209.0.2 oifname != "
	                          "\"bx-web\" masquerade\n"));
	assert_non_null(strstr(s, "add rule ip box-web prerouting iifname != \"bx-web\" ip daddr "
	                          "192.0.2.10 tcp dport 8081 dnat to 10.209.0.2:81\n"));
	/* One chain of each, whatever the number of ports. */
	assert_non_null(strstr(s, "add chain ip box-web output"));
	assert_null(
	    strstr(strstr(s, "add chain ip box-web output") + 1, "add chain ip box-web output"));
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_modes),
	    cmocka_unit_test(test_subnets),
	    cmocka_unit_test(test_publish_forms),
	    cmocka_unit_test(test_publish_rejects),
	    cmocka_unit_test(test_publish_twice_is_refused),
	    cmocka_unit_test(test_dns),
	    cmocka_unit_test(test_options_that_need_veth),
	    cmocka_unit_test(test_host_ifnames_fit_and_differ),
	    cmocka_unit_test(test_slots_and_overlaps),
	    cmocka_unit_test(test_slots_and_overlaps_with_prefixes_past_30),
	    cmocka_unit_test(test_free_slot),
	    cmocka_unit_test(test_free_slot_matches_the_scan),
	    cmocka_unit_test(test_dns_adds_a_read_only_bind_after_the_volumes),
	    cmocka_unit_test(test_nft_script_forwards_all_but_loopback),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
