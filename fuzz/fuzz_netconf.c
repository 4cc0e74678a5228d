// SPDX-License-Identifier: MIT
/*
 * Fuzzes launch's other network values (launcher/netconf.c): each line of the input as a
 * --net mode, a --subnet, a --dns address and a container name for the host interface, then
 * the /30 arithmetic on the subnets that parsed. Checks the promises of netconf.h.
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
