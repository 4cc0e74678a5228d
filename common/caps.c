// SPDX-License-Identifier: MIT
/*
 * caps: see caps.h. Runs in boxinit, PID 1 of the container, as root in the
 * container's namespaces, single-threaded (libcap's cap_set_proc changes the
 * calling thread only). The bounding set goes first: dropping from it needs
 * CAP_SETPCAP in the effective set, which cap_set_proc could remove.
 */
#include "caps.h"

#include <errno.h>
#include <sys/capability.h>

#include "capset.h"
#include "log.h"
#include "util.h"

bool caps_is_default(int cap)
{
	return cap >= 0 && cap < 64 && (capset_default() & CAPSET_BIT(cap));
}

static int drop_bounding(uint64_t keep)
{
	/* Every capability the running kernel knows, not just the ones in our headers. */
	int last = (int)cap_max_bits();

	for (int cap = 0; cap < last; cap++) {
		if (cap < 64 && (keep & CAPSET_BIT(cap)))
			continue;
		if (cap_drop_bound((cap_value_t)cap) < 0 && errno != EINVAL)
			return log_errno(-errno, "drop capability %d from the bounding set", cap);
	}
	return 0;
}

static int set_flags(cap_t c, uint64_t keep)
{
	static const cap_flag_t flags[] = {CAP_PERMITTED, CAP_EFFECTIVE, CAP_INHERITABLE};

	for (cap_value_t cap = 0; cap < 64; cap++) {
		if (!(keep & CAPSET_BIT(cap)))
			continue;
		for (size_t i = 0; i < ARRAY_SIZE(flags); i++)
			if (cap_set_flag(c, flags[i], 1, &cap, CAP_SET) < 0)
				return -errno;
	}
	return 0;
}

int caps_apply(uint64_t keep)
{
	cap_t c;
	int r;

	r = drop_bounding(keep);
	if (r < 0)
		return r;
	if (cap_reset_ambient() < 0 && errno != EINVAL)
		return log_errno(-errno, "clear the ambient capabilities");
	c = cap_init();
	if (!c)
		return log_errno(-errno, "allocate capability set");
	r = set_flags(c, keep);
	if (r < 0)
		r = log_errno(r, "build capability set");
	else if (cap_set_proc(c) < 0)
		r = log_errno(-errno, "set capabilities");
	(void)cap_free(c);
	return r;
}
