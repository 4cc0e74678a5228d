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
#include <time.h>
#include <unistd.h>

#include "fmt.h"
#include "util.h"

static const char *log_name = "box";
static bool log_verbose;
static int log_fd = -1; /* log_to: a copy of every line goes there */
static bool log_json;

void log_to(int fd, bool json)
{
	log_fd = fd;
	log_json = json;
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

/* {"level":"error","msg":"...","time":"2026-12-02T07:00:00Z"}: the shape engines parse. */
static void log_json_line(const char *level, const char *msg, size_t len)
{
	char buf[2400];
	struct timespec ts;
	struct tm tm;
	size_t n = 0;
	int m;

	(void)clock_gettime(CLOCK_REALTIME, &ts);
	(void)gmtime_r(&ts.tv_sec, &tm);
	m = fmt_snprintf(buf, sizeof(buf), "{\"level\":\"%s\",\"msg\":\"", level);
	n = m > 0 ? (size_t)m : 0;
	for (size_t i = 0; i < len && n < sizeof(buf) - 100; i++) {
		unsigned char c = (unsigned char)msg[i];

		if (c == '"' || c == '\\') {
			buf[n++] = '\\';
			buf[n++] = (char)c;
		} else if (c < 0x20) {
			m = fmt_snprintf(buf + n, 7, "\\u%04x", c);
			n += m > 0 ? (size_t)m : 0;
		} else {
			buf[n++] = (char)c;
		}
	}
	m = fmt_snprintf(buf + n, sizeof(buf) - n,
	                 "\",\"time\":\"%04d-%02d-%02dT%02d:%02d:%02dZ\"}\n", tm.tm_year + 1900,
	                 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	n += m > 0 ? (size_t)m : 0;
	(void)write_all(log_fd, buf, n);
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
	if (log_fd >= 0 && log_json) {
		size_t skip = strlen(log_name) + 2 + strlen(level);

		log_json_line(*level == 'w' ? "warning" : (*level == 'd' ? "debug" : "error"),
		              buf + skip, (size_t)n - 1 - skip);
	} else if (log_fd >= 0) {
		(void)write_all(log_fd, buf, (size_t)n);
	}
	if (log_fd < 0 || *level != 'd')
		while (write(STDERR_FILENO, buf, (size_t)n) < 0 && errno == EINTR)
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
	log_line(log_fd >= 0 ? "debug: " : "", 0, fmt, ap);
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
