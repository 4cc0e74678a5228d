// SPDX-License-Identifier: MIT
/*
 * confjson: see confjson.h. The key names are the options' own where there is one.
 */
#include "confjson.h"

#include <errno.h>

#include "capset.h"

static json_t *strv(char *const *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; a && v && (n ? i < n : v[i] != NULL); i++)
		if (json_array_append_new(a, json_string(v[i])) < 0) {
			json_decref(a);
			return NULL;
		}
	return a;
}

static json_t *volumes(const struct launch_config *c)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < c->n_volumes; i++)
		if (json_array_append_new(
		        a, json_pack("{s:s, s:s, s:b}", "source", c->volumes[i].src, "destination",
		                     c->volumes[i].dst, "read_only", c->volumes[i].ro)) < 0) {
			json_decref(a);
			return NULL;
		}
	return a;
}

static json_t *tmpfs(const struct launch_config *c)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < c->n_tmpfs; i++)
		if (json_array_append_new(a, json_pack("{s:s, s:s}", "destination", c->tmpfs[i].dst,
		                                       "options", c->tmpfs[i].data)) < 0) {
			json_decref(a);
			return NULL;
		}
	return a;
}

static const char *overlay_name(enum overlay_mode m)
{
	return m == OVERLAY_DISK ? "disk" : m == OVERLAY_TMPFS ? "tmpfs" : NULL;
}

static json_t *limits(const struct cgroup_limits *l)
{
	return json_pack(
	    "{s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "cpu_quota_us", (json_int_t)l->cpu_quota_us,
	    "cpu_period_us", (json_int_t)l->cpu_period_us, "cpu_weight", (json_int_t)l->cpu_weight,
	    "memory", (json_int_t)l->memory_max, "memory_swap", (json_int_t)l->memory_swap,
	    "pids_limit", (json_int_t)l->pids_max, "io_weight", (json_int_t)l->io_weight);
}

json_t *confjson_build(const struct launch_config *c, bool tty)
{
	return json_pack(
	    "{s:o, s:o, s:s*, s:s, s:s*, s:s*, s:o, s:I, s:b, s:b, s:b, s:b, s:b, s:b, s:s*, s:o, "
	    "s:o, s:b, s:b, s:O?, s:o, s:s*}",
	    "command", strv(c->cmd, 0), "services", strv((char *const *)c->services, c->n_services),
	    "config_file", c->config_file, "hostname", c->hostname, "user", c->user, "workdir",
	    c->workdir, "env", strv(c->env, c->n_env), "cap_mask",
	    (json_int_t)capset_resolve(&c->caps), "privileged", c->privileged, "seccomp",
	    c->seccomp && !c->privileged, "no_new_privileges", c->no_new_privs, "read_only",
	    c->read_only, "exit_with_main", c->exit_with_main, "interactive", c->interactive,
	    "grace", c->grace, "limits", limits(&c->limits), "volumes", volumes(c), "tty", tty,
	    "detach", c->detach, "seccomp_profile", c->seccomp_profile, "tmpfs", tmpfs(c),
	    "overlay", overlay_name(c->overlay));
}

int confjson_exec(json_t *config, struct confjson_exec *ret)
{
	struct confjson_exec e = {0};
	json_int_t caps = 0;
	int priv = 0, sec = 0, nnp = 0, tty = 0;

	if (!config ||
	    json_unpack(config, "{s:I, s:b, s:b, s:b, s?b, s?s, s?s, s?s, s?o, s?o}", "cap_mask",
	                &caps, "privileged", &priv, "seccomp", &sec, "no_new_privileges", &nnp,
	                "tty", &tty, "user", &e.user, "workdir", &e.workdir, "hostname",
	                &e.hostname, "env", &e.env, "seccomp_profile", &e.seccomp_profile) < 0)
		return -EBADMSG;
	e.caps = (uint64_t)caps;
	e.privileged = priv;
	e.seccomp = sec;
	e.no_new_privs = nnp;
	e.tty = tty;
	if (json_is_null(e.seccomp_profile))
		e.seccomp_profile = NULL;
	*ret = e;
	return 0;
}
