// SPDX-License-Identifier: MIT
/*
 * paths: see paths.h.
 */
#include "paths.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

static struct {
	bool done;
	char base[PATH_MAX / 2], root[PATH_MAX / 2 + 16], log[PATH_MAX / 2 + 16];
} p;

bool paths_rootless(void)
{
	return geteuid() != 0;
}

static const char *runtime_dir(void)
{
	const char *d = getenv("XDG_RUNTIME_DIR");

	return d && d[0] == '/' && strlen(d) < sizeof(p.base) - 8 ? d : NULL;
}

static void compute(void)
{
	const char *xdg = runtime_dir();

	if (p.done)
		return;
	p.done = true;
	if (!paths_rootless()) {
		(void)snprintf(p.base, sizeof(p.base), "/run/box");
		(void)snprintf(p.log, sizeof(p.log), "/var/log/box");
	} else {
		/* Unchecked here (paths_check says why): a path nobody else can have made. */
		(void)snprintf(p.base, sizeof(p.base), "%s/box", xdg ? xdg : "/nonexistent");
		(void)snprintf(p.log, sizeof(p.log), "%s/log", p.base);
	}
	(void)snprintf(p.root, sizeof(p.root), "%s/containers", p.base);
}

int paths_check(void)
{
	const char *xdg = runtime_dir();
	struct stat st;

	if (!paths_rootless())
		return 0;
	if (!xdg) {
		log_error("run as uid %u: a rootless launch keeps its containers in "
		          "$XDG_RUNTIME_DIR/box, and XDG_RUNTIME_DIR is %s",
		          (unsigned)geteuid(),
		          getenv("XDG_RUNTIME_DIR") ? "not absolute" : "not set");
		return -EINVAL;
	}
	if (stat(xdg, &st) < 0)
		return log_errno(-errno, "use XDG_RUNTIME_DIR '%s'", xdg);
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 077)) {
		log_error("use XDG_RUNTIME_DIR '%s': not a directory of uid %u's alone (mode 0700)",
		          xdg, (unsigned)geteuid());
		return -EPERM;
	}
	return 0;
}

const char *paths_state_base(void)
{
	compute();
	return p.base;
}

const char *paths_state_root(void)
{
	compute();
	return p.root;
}

const char *paths_log_dir(void)
{
	compute();
	return p.log;
}

const char *paths_layer_root(void)
{
	return "/var/lib/box";
}
