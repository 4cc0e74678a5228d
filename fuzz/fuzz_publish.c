// SPDX-License-Identifier: MIT
/*
 * Fuzzes launch's -p [HOSTIP:]HOSTPORT:CONTAINERPORT[/tcp] (launcher/netconf.c): one value per
 * line into one net_config, as repeated -p options are, and checks the ports it keeps.
 */
#include "fuzz.h"
#include "netconf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_strndup(data, size), *p = text, *spec;
	struct net_config c = {0};
	struct net_publish one;

	if (!text)
		return 0;
	while ((spec = fuzz_next_line(&p))) {
		if (netconf_parse_publish(spec, &one) == 0 &&
		    (!one.host_port || !one.container_port))
			abort();
		(void)netconf_add_publish(&c, spec);
	}
	for (size_t i = 0; i < c.n_publish; i++)
		if (!c.publish[i].host_port || !c.publish[i].container_port)
			abort();
	netconf_free(&c);
	free(text);
	return 0;
}
