/* SPDX-License-Identifier: MIT */
/*
 * seccomp_profile: compiles the OCI runtime-spec linux.seccomp object (a config.json's own
 * seccomp profile) into the BPF program of a struct syscall_filter, with libseccomp, in the
 * runtime before clone. It only checks and translates: it never loads the filter (the child
 * does, with syscalls_load) and never sets no_new_privs (the caller decides).
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
