// SPDX-License-Identifier: MIT
/*
 * log: formats every message as one line and writes it with a single
 * write(2), so lines from several processes never interleave mid-line.
 * Must stay async-signal-safe enough to be called in a forked child.
 */
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include "fmt.h"

static const char *log_name = "box";
static bool log_verbose;
static void (*log_sink)(const char *level, const char *msg, size_t len);
static int log_fd = STDERR_FILENO;

void log_set_fd(int fd)
{
	log_fd = fd;
}

void log_set_sink(void (*sink)(const char *level, const char *msg, size_t len))
{
	log_sink = sink;
}

void log_init(const char *prog, bool verbose)
{
	log_name = prog;
	log_verbose = verbose;
}

bool log_is_verbose(void)
{
	return log_verbose;
}

const char *log_prog(void)
{
	return log_name;
}

static void log_line(const char *level, int err, const char *fmt, va_list ap)
{
	char buf[1024];
	int n, m;
	int saved = errno;

	n = fmt_snprintf(buf, sizeof(buf), "%s: %s", log_name, level);
	if (n < 0 || (size_t)n >= sizeof(buf))
		n = 0;
	m = fmt_vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
	if (m > 0)
		n += m;
	if ((size_t)n >= sizeof(buf) - 1)
		n = (int)sizeof(buf) - 2;
	if (err != 0) {
		m = fmt_snprintf(buf + n, sizeof(buf) - (size_t)n, ": %s", strerror(err));
		if (m > 0)
			n += m;
		if ((size_t)n >= sizeof(buf) - 1)
			n = (int)sizeof(buf) - 2;
	}
	buf[n++] = '\n';
	if (log_sink) {
		size_t skip = strlen(log_name) + 2 + strlen(level);

		log_sink(*level == 'w' ? "warning" : (*level == 'd' ? "debug" : "error"),
		         buf + skip, (size_t)n - 1 - skip);
	}
	if (!log_sink || *level != 'd')
		while (write(log_fd, buf, (size_t)n) < 0 && errno == EINTR)
			;
	errno = saved;
}

void log_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line("", 0, fmt, ap);
	va_end(ap);
}

void log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line("warning: ", 0, fmt, ap);
	va_end(ap);
}

void log_debug(const char *fmt, ...)
{
	va_list ap;

	if (!log_verbose)
		return;
	va_start(ap, fmt);
	log_line(log_sink ? "debug: " : "", 0, fmt, ap);
	va_end(ap);
}

int log_errno(int r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line("", r < 0 ? -r : r, fmt, ap);
	va_end(ap);
	return r;
}
