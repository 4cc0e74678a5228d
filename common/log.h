/* SPDX-License-Identifier: MIT */
/*
 * log: one-line messages on stderr, "PROG: message", shared by launch and
 * boxinit. Functions here never exit; log_errno returns the error it was
 * given so callers can `return log_errno(r, ...)`.
 */
#pragma once

#include <stdbool.h>

/* Formats go through common/fmt.c: its conversions only, no floating point. */

void log_init(const char *prog, bool verbose);
bool log_is_verbose(void);
/* A copy of every line also goes to fd (box --log), as text or one JSON object per line with
 * level, msg and time (--log-format json); debug lines then go only there. -1: none. */
void log_to(int fd, bool json);
const char *log_prog(void);

/* Always printed. */
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Printed only with -v. */
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints "PROG: <message>: strerror(-r)" and returns r (r is -errno). */
int log_errno(int r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
