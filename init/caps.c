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

#include "log.h"
#include "util.h"

static const cap_value_t default_caps[] = {
    CAP_CHOWN,   CAP_DAC_OVERRIDE, CAP_FSETID,           CAP_FOWNER,
    CAP_MKNOD,   CAP_NET_RAW,      CAP_SETGID,           CAP_SETUID,
    CAP_SETFCAP, CAP_SETPCAP,      CAP_NET_BIND_SERVICE, CAP_SYS_CHROOT,
    CAP_KILL,    CAP_AUDIT_WRITE,
};

bool caps_is_default(int cap)
{
	for (size_t i = 0; i < ARRAY_SIZE(default_caps); i++)
		if (default_caps[i] == cap)
			return true;
	return false;
}

static int drop_bounding(void)
{
	/* Every capability the running kernel knows, not just the ones in our headers. */
	int last = (int)cap_max_bits();

	for (int cap = 0; cap < last; cap++) {
		if (caps_is_default(cap))
			continue;
		if (cap_drop_bound((cap_value_t)cap) < 0 && errno != EINVAL)
			return log_errno(-errno, "drop capability %d from the bounding set", cap);
	}
	return 0;
}

int caps_drop_to_default(void)
{
	cap_t c;
	int r;

	r = drop_bounding();
	if (r < 0)
		return r;
	if (cap_reset_ambient() < 0 && errno != EINVAL)
		return log_errno(-errno, "clear the ambient capabilities");
	c = cap_init();
	if (!c)
		return log_errno(-errno, "allocate capability set");
	r = 0;
	if (cap_set_flag(c, CAP_PERMITTED, ARRAY_SIZE(default_caps), default_caps, CAP_SET) < 0 ||
	    cap_set_flag(c, CAP_EFFECTIVE, ARRAY_SIZE(default_caps), default_caps, CAP_SET) < 0 ||
	    cap_set_flag(c, CAP_INHERITABLE, ARRAY_SIZE(default_caps), default_caps, CAP_SET) < 0)
		r = log_errno(-errno, "build capability set");
	else if (cap_set_proc(c) < 0)
		r = log_errno(-errno, "set capabilities");
	(void)cap_free(c);
	return r;
}
