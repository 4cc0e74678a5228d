/* SPDX-License-Identifier: MIT */
/*
 * hooks: runs a spec's hooks of one kind, in order, each with the container's state (JSON) on
 * its stdin, its own args and env, and its timeout (killed after it). In whichever process
 * and namespaces the caller is: the runtime's for createRuntime, poststart and poststop, the
 * container's for createContainer and startContainer. Never logs: the first failure comes
 * back as -errno with a message in err.
 */
#pragma once

#include <stddef.h>

#include "spec.h"

int hooks_run(const struct spec *s, enum spec_hook_kind kind, const char *state, char *err,
              size_t err_size);
