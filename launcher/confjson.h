/* SPDX-License-Identifier: MIT */
/*
 * confjson: launch's configuration as the JSON object a container's record keeps
 * ("config" in state.json): what `launch list` shows and what `launch exec` needs
 * to confine a new process exactly as the container's own (capabilities, seccomp,
 * no_new_privs, user, environment). Pure: builds or reads JSON, nothing else.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "config.h"

/* A new object (NULL when out of memory). */
json_t *confjson_build(const struct launch_config *c, bool tty);

/* What exec takes from a record's "config". Strings point into the JSON object. */
struct confjson_exec {
	uint64_t caps;
	bool privileged, seccomp, no_new_privs, tty;
	const char *user, *workdir, *hostname;
	json_t *env;             /* the -e entries, array of "K=V" */
	json_t *seccomp_profile; /* --seccomp FILE's JSON, or NULL: the default filter */
};
int confjson_exec(json_t *config, struct confjson_exec *ret);
