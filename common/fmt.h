/* SPDX-License-Identifier: MIT */
/*
 * fmt: the small snprintf behind launch's and boxinit's messages, so the static
 * boxinit does not carry libc's whole printf (floating point included). It knows
 * %d %i %u %x %X %c %s %m %% with the flags '-' and '0', a width and a precision
 * (digits or '*') and the lengths hh h l ll z j t; nothing else (no floating point).
 */
#pragma once

#include <stdarg.h>
#include <stddef.h>

/* As vsnprintf: writes at most size bytes with the NUL and returns the length the
 * whole output has. An unknown directive is copied as it stands. */
int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
