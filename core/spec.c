// SPDX-License-Identifier: MIT
/*
 * spec: see spec.h. Owns the spec's memory and the OCI names of its enums; never
 * allocates (front doors fill the struct) and never touches the host.
 */
#include "spec.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

static const char *const ns_names[SPEC_NS_MAX] = {
    [SPEC_NS_PID] = "pid",       [SPEC_NS_NET] = "network", [SPEC_NS_MNT] = "mount",
    [SPEC_NS_IPC] = "ipc",       [SPEC_NS_UTS] = "uts",     [SPEC_NS_USER] = "user",
    [SPEC_NS_CGROUP] = "cgroup", [SPEC_NS_TIME] = "time",
};

static const char *const hook_names[SPEC_HOOK_MAX] = {
    [SPEC_HOOK_PRESTART] = "prestart",
    [SPEC_HOOK_CREATE_RUNTIME] = "createRuntime",
    [SPEC_HOOK_CREATE_CONTAINER] = "createContainer",
    [SPEC_HOOK_START_CONTAINER] = "startContainer",
    [SPEC_HOOK_POSTSTART] = "poststart",
    [SPEC_HOOK_POSTSTOP] = "poststop",
};

const char *spec_ns_name(enum spec_ns ns)
{
	return (unsigned)ns < SPEC_NS_MAX ? ns_names[ns] : NULL;
}

const char *spec_hook_name(enum spec_hook_kind k)
{
	return (unsigned)k < SPEC_HOOK_MAX ? hook_names[k] : NULL;
}

void spec_process_free(struct spec_process *p)
{
	if (!p)
		return;
	free(p->additional_gids);
	strv_free(p->args);
	strv_free(p->env);
	free(p->cwd);
	free(p->rlimits);
	free(p->apparmor_profile);
	free(p->selinux_label);
	memset(p, 0, sizeof(*p));
}

static void mounts_free(struct spec_mount *m, size_t n)
{
	for (size_t i = 0; m && i < n; i++) {
		free(m[i].destination);
		free(m[i].type);
		free(m[i].source);
		free(m[i].data);
	}
	free(m);
}

static void hooks_free(struct spec_hook *h, size_t n)
{
	for (size_t i = 0; h && i < n; i++) {
		free(h[i].path);
		strv_free(h[i].args);
		strv_free(h[i].env);
	}
	free(h);
}

void spec_free(struct spec *s)
{
	if (!s)
		return;
	free(s->oci_version);
	free(s->root_path);
	free(s->hostname);
	free(s->domainname);
	spec_process_free(&s->process);
	mounts_free(s->mounts, s->n_mounts);
	for (size_t i = 0; i < SPEC_NS_MAX; i++)
		free(s->ns[i].path);
	free(s->uid_maps);
	free(s->gid_maps);
	for (size_t i = 0; s->devices && i < s->n_devices; i++)
		free(s->devices[i].path);
	free(s->devices);
	free(s->cgroups_path);
	free(s->device_rules);
	for (size_t i = 0; s->sysctls && i < s->n_sysctls; i++) {
		free(s->sysctls[i].key);
		free(s->sysctls[i].value);
	}
	free(s->sysctls);
	json_decref(s->seccomp);
	strv_free(s->masked_paths);
	strv_free(s->readonly_paths);
	for (size_t k = 0; k < SPEC_HOOK_MAX; k++)
		hooks_free(s->hooks[k], s->n_hooks[k]);
	json_decref(s->annotations);
	memset(s, 0, sizeof(*s));
}
