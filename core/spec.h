/* SPDX-License-Identifier: MIT */
/*
 * spec: one struct that says everything a container is, in the core's terms (DESIGN.md §6).
 * Front doors fill it (oci/ociconf.c from a config.json); the core reads it and never parses
 * options or JSON itself. Plain data: every string and array is owned by the spec and freed by
 * spec_free; nothing here touches the host.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "cgroup.h"

enum spec_ns {
	SPEC_NS_PID,
	SPEC_NS_NET,
	SPEC_NS_MNT,
	SPEC_NS_IPC,
	SPEC_NS_UTS,
	SPEC_NS_USER,
	SPEC_NS_CGROUP,
	SPEC_NS_TIME,
	SPEC_NS_MAX,
};

struct spec_namespace {
	bool wanted; /* listed in linux.namespaces: the container gets one (new or joined) */
	char *path;  /* join this one (setns) instead of making a new one; NULL: new */
};

struct spec_id_map {
	uint32_t container_id, host_id, size;
};

struct spec_mount {
	char *destination;         /* absolute, inside the container */
	char *type;                /* NULL or "bind"/"none" for binds */
	char *source;              /* NULL allowed for some types (tmpfs, proc) */
	unsigned long flags;       /* MS_RDONLY, MS_NOSUID, ... (MS_BIND, MS_REC for binds) */
	unsigned long clear_flags; /* options that clear a flag ("rw", "suid", "dev", ...) */
	unsigned long propagation; /* MS_PRIVATE/MS_SLAVE/MS_SHARED/MS_UNBINDABLE (| MS_REC) */
	bool bind;                 /* "bind"/"rbind" option or type "bind" */
	bool tmpcopyup;            /* tmpfs: copy what the image has at destination into it */
	char *data;                /* every other option, comma-joined (mode=, size=, ...); NULL */
};

struct spec_device {
	char type; /* 'c', 'b', 'u' (= c), 'p' */
	char *path;
	int64_t major, minor;
	uint32_t mode; /* permission bits; 0666 when not given */
	bool has_mode;
	uint32_t uid, gid;
};

/* linux.resources.devices: one rule of the device cgroup (v1 list, v2 ebpf). */
struct spec_device_rule {
	bool allow;
	char type;            /* 'a', 'c', 'b' */
	int64_t major, minor; /* -1: any */
	char access[4];       /* subset of "rwm" */
};

struct spec_rlimit {
	int resource; /* RLIMIT_NOFILE, ... */
	uint64_t soft, hard;
};

struct spec_hook {
	char *path;
	char **args; /* NULL-terminated; may be NULL */
	char **env;  /* NULL-terminated; may be NULL */
	int timeout; /* seconds; 0: none */
};

enum spec_hook_kind {
	SPEC_HOOK_PRESTART, /* deprecated, run as createRuntime */
	SPEC_HOOK_CREATE_RUNTIME,
	SPEC_HOOK_CREATE_CONTAINER,
	SPEC_HOOK_START_CONTAINER,
	SPEC_HOOK_POSTSTART,
	SPEC_HOOK_POSTSTOP,
	SPEC_HOOK_MAX,
};

struct spec_sysctl {
	char *key, *value;
};

struct spec_process {
	bool terminal;
	unsigned console_height, console_width; /* 0: not given */
	uint32_t uid, gid;
	uint32_t *additional_gids;
	size_t n_additional_gids;
	bool has_umask;
	mode_t umask;
	char **args; /* NULL-terminated, at least one */
	char **env;  /* NULL-terminated; may be empty */
	char *cwd;   /* absolute */
	/* Capability sets, bit n = capability n (capset.h's CAPSET_BIT). */
	uint64_t cap_bounding, cap_effective, cap_inheritable, cap_permitted, cap_ambient;
	struct spec_rlimit *rlimits;
	size_t n_rlimits;
	bool no_new_privileges;
	bool has_oom_score_adj;
	int oom_score_adj;
	char *apparmor_profile; /* warned about where the host has no AppArmor */
	char *selinux_label;
};

struct spec {
	char *oci_version;
	char *root_path; /* as given: relative to the bundle or absolute */
	bool root_readonly;
	char *hostname, *domainname;
	struct spec_process process;
	struct spec_mount *mounts;
	size_t n_mounts;
	struct spec_namespace ns[SPEC_NS_MAX];
	struct spec_id_map *uid_maps, *gid_maps;
	size_t n_uid_maps, n_gid_maps;
	struct spec_device *devices;
	size_t n_devices;
	char *cgroups_path;          /* NULL: the runtime chooses */
	struct cgroup_limits limits; /* memory, cpu, pids, blockIO weight */
	bool has_limits;
	struct spec_device_rule *device_rules;
	size_t n_device_rules;
	struct spec_sysctl *sysctls;
	size_t n_sysctls;
	json_t *seccomp;     /* linux.seccomp as given (a reference), compiled by the core; NULL */
	char **masked_paths; /* NULL-terminated; may be NULL */
	char **readonly_paths;            /* NULL-terminated; may be NULL */
	unsigned long rootfs_propagation; /* 0: the default (MS_PRIVATE | MS_REC) */
	struct spec_hook *hooks[SPEC_HOOK_MAX];
	size_t n_hooks[SPEC_HOOK_MAX];
	json_t *annotations; /* object (a reference), or NULL */
};

void spec_free(struct spec *s);
/* The process part alone (exec's --process): frees it and zeroes it; NULL is fine. */
void spec_process_free(struct spec_process *p);
const char *spec_ns_name(enum spec_ns ns); /* the OCI names: "pid", "network", "mount", ... */
const char *spec_hook_name(enum spec_hook_kind k); /* "prestart", "createRuntime", ... */
