// SPDX-License-Identifier: MIT
/*
 * capset: see capset.h. Names are resolved with libcap's own table, so a name is
 * known exactly when the libcap both programs link knows it.
 */
#include "capset.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/capability.h>

#include "fmt.h"
#include "util.h"

/* Podman's default set: Docker's 14 without NET_RAW (raw sockets: forged packets, router
 * advertisements on a veth; ping works without it through ping sockets, which launch
 * allows in the container's network namespace), MKNOD (device nodes in a rootfs other
 * users may reach) and AUDIT_WRITE. --cap-add brings each back. */
static const cap_value_t default_caps[] = {
    CAP_CHOWN,   CAP_DAC_OVERRIDE, CAP_FSETID, CAP_FOWNER,           CAP_SETGID,     CAP_SETUID,
    CAP_SETFCAP, CAP_SETPCAP,      CAP_KILL,   CAP_NET_BIND_SERVICE, CAP_SYS_CHROOT,
};

uint64_t capset_default(void)
{
	uint64_t m = 0;

	for (size_t i = 0; i < ARRAY_SIZE(default_caps); i++)
		m |= CAPSET_BIT(default_caps[i]);
	return m;
}

uint64_t capset_all(void)
{
	int last = (int)cap_max_bits();

	return last >= 64 ? ~UINT64_C(0) : CAPSET_BIT(last) - 1;
}

int capset_parse(const char *name, bool add, struct capset_change *ch)
{
	char full[64];
	cap_value_t cap;

	if (strcasecmp(name, "ALL") == 0) {
		*(add ? &ch->add_all : &ch->drop_all) = true;
		return 0;
	}
	/* Names only: libcap would also take a number, and ignores what follows a name
	 * ("CHOWN x", "CHOWN+ep"). */
	if (!name[0] || !isalpha((unsigned char)name[0]) ||
	    name[strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")])
		return -EINVAL;
	if (fmt_snprintf(full, sizeof(full), "%s%s", strncasecmp(name, "cap_", 4) ? "cap_" : "",
	                 name) >= (int)sizeof(full))
		return -EINVAL;
	if (cap_from_name(full, &cap) < 0 || cap < 0 || cap >= 64)
		return -EINVAL;
	*(add ? &ch->add : &ch->drop) |= CAPSET_BIT(cap);
	return 0;
}

int capset_parse_list(const char *list, bool add, struct capset_change *ch)
{
	char name[64];

	for (const char *p = list;; p++) {
		size_t len = strcspn(p, ",");

		if (len >= sizeof(name))
			return -EINVAL;
		memcpy(name, p, len);
		name[len] = '\0';
		if (capset_parse(name, add, ch) < 0)
			return -EINVAL;
		p += len;
		if (!*p)
			return 0;
	}
}

uint64_t capset_resolve(const struct capset_change *ch)
{
	uint64_t m = capset_default();

	if (ch->add_all)
		m = capset_all();
	if (ch->drop_all)
		m = 0;
	return ((m & ~ch->drop) | ch->add) & capset_all();
}
