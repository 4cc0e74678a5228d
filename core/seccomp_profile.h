/* SPDX-License-Identifier: MIT */
/*
 * seccomp_profile: compiles the OCI runtime-spec linux.seccomp object (a config.json's own
 * seccomp profile) or a Docker-format profile file (launch --seccomp FILE) into the BPF
 * program of a struct syscall_filter, with libseccomp, in the runtime before clone. It only checks
 * and translates: it never loads the filter (the child does, with syscalls_load) and never sets
 * no_new_privs (the caller decides).
 */
#pragma once

#include <jansson.h>

#include "syscalls.h"

/* Builds the filter that profile (linux.seccomp) describes; NULL or a JSON null: no filter
 * (ret->prog NULL). On success ret owns the program: free it with syscalls_free. Every
 * mistake in the profile is one error line naming its field
 * ("config.json: linux.seccomp.syscalls[3].action: unknown action 'X'") and -EINVAL; a
 * failure of libseccomp is logged and returned as -errno. */
int seccomp_profile_build(json_t *profile, struct syscall_filter *ret);
/* The same for a profile read from file name (launch --seccomp FILE), which names it in
 * messages ("FILE: syscalls[3].action: ..."), for a container with capability set caps:
 * Docker's includes and excludes (caps, arches, minKernel) are honoured against it. In
 * config.json (seccomp_profile_build) includes/excludes on caps are refused instead. */
int seccomp_profile_build_for(json_t *profile, const char *name, uint64_t caps,
                              struct syscall_filter *ret);
