/* SPDX-License-Identifier: MIT */
/*
 * svcconf: the declared services, from an INI file (parsed by inih) and from
 * --service NAME=CMD, validated as a whole before anything starts: unknown
 * keys, bad values, unknown dependencies and cycles, missing executables,
 * unknown users. Each rejection is one line naming FILE:LINE. Reads files of
 * the root it is given; never starts or signals anything.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define SVCCONF_DEFAULT_PATH      "/etc/boxinit.conf"
#define SVCCONF_DEFAULT_MAX_FAILS 5
#define SVCCONF_DEFAULT_WINDOW_MS 60000
#define SVCCONF_MAX_SERVICES      256

enum restart_policy {
	RESTART_ON_FAILURE,
	RESTART_ALWAYS,
	RESTART_NEVER,
};

enum ready_kind {
	READY_NONE,
	READY_TCP,     /* a TCP connect to 127.0.0.1:port succeeds */
	READY_COMMAND, /* a command exits 0 */
};

struct svc_config {
	char *name;
	char *command; /* as written */
	char **argv;   /* NULL-terminated; with shell, {"/bin/sh", "-c", command} */
	char **env;    /* "K=V", NULL-terminated, added to boxinit's environment */
	size_t n_env;
	char *workdir;
	char **depends; /* names, NULL-terminated */
	size_t n_depends;
	size_t *dep_idx; /* indices into services_config.svcs, after validation */
	char *user, *group;
	uid_t uid;
	gid_t gid;
	bool has_user;
	enum restart_policy restart;
	bool essential;
	bool shell;
	int stop_signal;
	uint64_t stop_timeout_ms; /* 0: only the global grace bounds it */
	enum ready_kind ready;
	uint16_t ready_port;
	char **ready_argv;
	uint64_t ready_interval_ms;
	unsigned max_failures;
	uint64_t failure_window_ms;
	/* Where it was declared, for messages: the file (or "--service") and lines. */
	const char *origin;
	unsigned line, command_line, user_line, group_line, depends_line, workdir_line, ready_line;
	uint32_t seen; /* keys already given (bit per key), to reject duplicates */
};

struct services_config {
	struct svc_config *svcs;
	size_t n;
	size_t *order; /* start order: every service after its dependencies */
	char *path;    /* the file read, or NULL */
};

/* Adds the services of INI text read from path (path only names it in messages).
 * Returns 0 or -EINVAL after logging "PATH:LINE: reason". */
int svcconf_parse_ini(struct services_config *c, const char *path, const char *text);

/* Adds one "NAME=CMD" from the command line. Logs; 0 or -EINVAL. */
int svcconf_add_cli(struct services_config *c, const char *spec);

/* Resolves dependencies (order, cycles), users and groups, executables and working
 * directories, all under root ("" for the real root; NULL: dependencies only). Logs the
 * first problem. */
int svcconf_validate(struct services_config *c, const char *root);

/* Everything boxinit does at start: path (or SVCCONF_DEFAULT_PATH when it exists and
 * path is NULL), then each --service spec, then validation. Messages call the file name
 * (NULL: path). Logs; 0 or -EINVAL/-errno. */
int svcconf_load(const char *path, const char *name, const char *const *specs, size_t n_specs,
                 struct services_config *ret);

/* What can be checked outside the container (launch, before it creates anything): the
 * file and the specs parsed, dependencies resolved, no cycle. Users, groups, executables
 * and working directories are the container's, left to svcconf_load. Logs; returns the
 * number of services, or -errno. */
int svcconf_check(const char *path, const char *const *specs, size_t n_specs);

/* Parses "TERM", "SIGTERM" or "15". Returns the signal or -EINVAL. Pure. */
int svcconf_parse_signal(const char *s);

void svcconf_free(struct services_config *c);
