// SPDX-License-Identifier: MIT
/*
 * Fuzzes launch's other network values (launcher/netconf.c): each line of the input as a
 * --net mode, a --subnet, a --dns address and a container name for the host interface, then
 * the /30 arithmetic on the subnets that parsed, and on any prefix 0..63 taken from the
 * line's first bytes (netconf.h promises -ERANGE past a pool's end, for any prefix). Checks
 * the promises of netconf.h.
 */
#include <arpa/inet.h>

#include "fuzz.h"
#include "netconf.h"

static void check_subnet(const char *s)
{
	struct in_addr net, slot;
	unsigned prefix;

	if (netconf_parse_subnet(s, &net, &prefix) < 0)
		return;
	if (prefix < 8 || prefix > 30 || (ntohl(net.s_addr) & (0xffffffffu >> prefix)))
		abort();
	if (!netconf_overlaps(net, prefix, net, prefix))
		abort();
	for (uint32_t i = 0; i < 3; i++)
		if (netconf_slot(net, prefix, i, &slot) == 0 &&
		    !netconf_overlaps(net, prefix, slot, 30))
			abort();
	(void)netconf_slot(net, prefix, UINT32_MAX, &slot);
}

/* netconf_slot and netconf_overlaps with whatever prefixes the line's first bytes give. */
static void check_any_prefix(const char *line)
{
	struct in_addr a = {.s_addr = htonl(0x0ad10000)}, slot;
	unsigned pa = (unsigned char)line[0] % 64, pb = line[0] ? (unsigned char)line[1] % 64 : 0;

	if (netconf_slot(a, pa, pb, &slot) == 0 && (pa > 30 || !netconf_overlaps(a, pa, slot, 30)))
		abort();
	(void)netconf_overlaps(a, pa, slot, pb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_strndup(data, size), *p = text, *line, ifname[16];
	struct net_config c = {0};
	enum net_mode mode;

	if (!text)
		return 0;
	while ((line = fuzz_next_line(&p))) {
		if (netconf_parse_mode(line, &mode) == 0 && strcmp(netconf_mode_name(mode), line))
			abort();
		check_subnet(line);
		check_any_prefix(line);
		(void)netconf_add_dns(&c, line);
		netconf_host_ifname(line, ifname);
		if (strlen(ifname) > 15)
			abort();
	}
	if (c.n_dns > NET_MAX_DNS)
		abort();
	netconf_finish(&c, "fuzz");
	netconf_free(&c);
	free(text);
	return 0;
}
