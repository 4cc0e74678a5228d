/* SPDX-License-Identifier: MIT */
/*
 * shellwords: splits a command line into words the way a POSIX shell quotes
 * them ('single', "double" with \ escapes, \ outside quotes), and nothing
 * more: no variables, globs, pipes or redirections. Pure; never runs a shell.
 */
#pragma once

#include <stddef.h>

/* Splits s into a NULL-terminated vector of new strings (*ret_n words, may be 0).
 * Returns 0, -EINVAL for an unterminated quote or a trailing backslash, or -ENOMEM. */
/* Free the vector with strv_free (common/util.h). */
int shellwords_split(const char *s, char ***ret, size_t *ret_n);
