/* SPDX-License-Identifier: MIT */
/*
 * cmdline: turns boxinit's command line into a struct init_config. Pure: no
 * I/O except the one-line error it logs for a bad option; never exits. The
 * struct borrows strings from argv, which outlives it.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "capset.h"

#define CMDLINE_DEFAULT_GRACE_MS 10000
#define CMDLINE_MAX_SERVICES     64

struct init_config {
	char *const *argv;       /* the command, NULL-terminated; NULL when none was given */
	const char *config_path; /* -c FILE */
	const char *config_name; /* --config-name: what messages call FILE (launch: the host's) */
	const char *services[CMDLINE_MAX_SERVICES]; /* --service NAME=CMD, in order */
	size_t n_services;
	const char *workdir;
	uint64_t grace_ms;
	bool grace_given; /* --grace given: it bounds a forwarded stop in tini mode too */
	uid_t uid;
	gid_t gid;
	bool has_user;
	bool verbose;
	bool keep_running;
	bool container;
	bool mounted; /* --mounted: launch's plan made /proc, /sys and /dev (core/rootfs.c) */
	bool privileged;
	bool keep_fds;
	bool no_new_privs;
	int control_fd;            /* --control-fd, or -1 */
	bool tty;                  /* --tty: a terminal of the container's own for the command */
	struct capset_change caps; /* --cap-add / --cap-drop */
	bool help;
	bool version;
};

/* Fills *ret from argv. Returns 0, or -EINVAL after logging one line. */
int cmdline_parse(int argc, char *const *argv, struct init_config *ret);

/* The --help text. */
const char *cmdline_usage(void);
