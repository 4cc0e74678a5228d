/* SPDX-License-Identifier: MIT */
/*
 * log: one-line messages on stderr, "PROG: message", shared by launch and
 * boxinit. Functions here never exit; log_errno returns the error it was
 * given so callers can `return log_errno(r, ...)`.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* Formats go through common/fmt.c: its conversions only, no floating point. */

void log_init(const char *prog, bool verbose);
bool log_is_verbose(void);
/* Every message also goes to sink (box --log), with its level ("error", "warning", "debug")
 * and without the program's prefix; debug lines then go only there. NULL: none. */
void log_set_sink(void (*sink)(const char *level, const char *msg, size_t len));
const char *log_prog(void);
/* Where the lines go (default: stderr). boxinit gives its own non-blocking copy of
 * stderr, so a reader that stopped reading can never block PID 1: a line that does
 * not fit is lost. */
void log_set_fd(int fd);

/* Always printed. */
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Printed only with -v. */
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints "PROG: <message>: strerror(-r)" and returns r (r is -errno). */
int log_errno(int r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
