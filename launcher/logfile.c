// SPDX-License-Identifier: MIT
/*
 * logfile: see logfile.h. Runs in the monitor (launch) for the writer: plain
 * blocking appends to a regular file, which never waits for a reader; and in
 * `launch logs` for the reader. Nothing here follows a symlink it did not make.
 */
#include "logfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "state.h"
#include "util.h"

struct pending {
	char buf[LOGFILE_MAX_LINE];
	size_t len;
};

struct logfile {
	char *path;
	int fd;
	uint64_t size, max_size;
	struct pending part[3]; /* by stream */
};

void logfile_format_time(int64_t ns, char ret[40])
{
	time_t secs = (time_t)(ns / 1000000000);
	unsigned frac = (unsigned)(ns % 1000000000);
	struct tm tm;
	size_t n;

	(void)gmtime_r(&secs, &tm);
	n = strftime(ret, 40, "%Y-%m-%dT%H:%M:%S", &tm);
	(void)snprintf(ret + n, 40 - n, ".%09uZ", frac % 1000000000u);
}

int logfile_parse_time(const char *s, int64_t *ret)
{
	struct tm tm = {0};
	long long frac = 0;
	int n = 0, digits;
	const char *p;

	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
	           &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6)
		return -EINVAL;
	p = s + n;
	if (*p == '.') {
		for (p++, digits = 0; *p >= '0' && *p <= '9'; p++, digits++)
			if (digits < 9)
				frac = frac * 10 + (*p - '0');
		for (; digits < 9; digits++)
			frac *= 10;
	}
	if (*p != 'Z' || p[1] != '\0')
		return -EINVAL;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*ret = (int64_t)timegm(&tm) * 1000000000 + frac;
	return 0;
}

static int open_append(const char *path, int *ret_fd, uint64_t *ret_size)
{
	struct stat st;
	int fd =
	    open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0640);

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		(void)close(fd);
		return -EINVAL;
	}
	*ret_fd = fd;
	*ret_size = (uint64_t)st.st_size;
	return 0;
}

static bool in_log_dir(const char *path)
{
	size_t n = strlen(LOGFILE_DIR);

	return strncmp(path, LOGFILE_DIR, n) == 0 && path[n] == '/';
}

/* The log directory's parent: /var/log, or the rootless records' base. */
static int mkdir_parent(const char *dir)
{
	char parent[PATH_MAX];
	char *slash;

	(void)snprintf(parent, sizeof(parent), "%s", dir);
	slash = strrchr(parent, '/');
	if (!slash || slash == parent)
		return 0;
	*slash = '\0';
	return mkdir(parent, 0755);
}

int logfile_open(const char *path, uint64_t max_size, struct logfile **ret)
{
	struct logfile *lf;
	int r;

	bool in_dir = in_log_dir(path);

	lf = calloc(1, sizeof(*lf));
	if (!lf || !(lf->path = strdup(path))) {
		free(lf);
		return log_errno(-ENOMEM, "open log '%s'", path);
	}
	lf->max_size = max_size;
	/* LOGFILE_DIR goes with its last log (logfile_remove): made again if it went between. */
	for (int i = 0; i < 3; i++) {
		if (in_dir && ((mkdir_parent(LOGFILE_DIR) < 0 && errno != EEXIST) ||
		               (mkdir(LOGFILE_DIR, 0700) < 0 && errno != EEXIST))) {
			r = -errno;
			break;
		}
		r = open_append(path, &lf->fd, &lf->size);
		if (r != -ENOENT || !in_dir)
			break;
	}
	if (r < 0) {
		free(lf->path);
		free(lf);
		return log_errno(r, "open log '%s'", path);
	}
	*ret = lf;
	return 0;
}

/* The current file becomes FILE.1 (replacing the one before) and a new FILE starts. */
static void rotate(struct logfile *lf)
{
	char old[4096];
	int fd;
	uint64_t size;

	(void)snprintf(old, sizeof(old), "%s.1", lf->path);
	if (rename(lf->path, old) < 0 || open_append(lf->path, &fd, &size) < 0) {
		/* Keep writing where we are rather than lose the output. */
		log_debug_errno(-errno, "rotate log '%s'", lf->path);
		lf->size = 0;
		return;
	}
	(void)close(lf->fd);
	lf->fd = fd;
	lf->size = size;
}

static void put_record(struct logfile *lf, enum logfile_stream stream, bool partial,
                       const char *text, size_t n)
{
	char head[64], stamp[40];
	struct iovec iov[3];
	int hl;
	ssize_t w;

	logfile_format_time(state_now_ns(), stamp);
	hl = snprintf(head, sizeof(head), "%s %s %c ", stamp,
	              stream == LOGFILE_STDERR ? "stderr" : "stdout", partial ? 'P' : 'F');
	if (lf->max_size && lf->size + (uint64_t)hl + n + 1 > lf->max_size && lf->size > 0)
		rotate(lf);
	iov[0] = (struct iovec){.iov_base = head, .iov_len = (size_t)hl};
	iov[1] = (struct iovec){.iov_base = (void *)text, .iov_len = n};
	iov[2] = (struct iovec){.iov_base = "\n", .iov_len = 1};
	/* One write a record: a reader never sees half of one (appends to a regular file). */
	do
		w = writev(lf->fd, iov, 3);
	while (w < 0 && errno == EINTR);
	if (w > 0)
		lf->size += (uint64_t)w;
}

void logfile_write(struct logfile *lf, enum logfile_stream stream, const char *buf, size_t n)
{
	struct pending *p = &lf->part[stream == LOGFILE_STDERR ? 2 : 1];

	while (n > 0) {
		const char *nl = memchr(buf, '\n', n);
		size_t upto = nl ? (size_t)(nl - buf) : n, take = LOGFILE_MAX_LINE - p->len;

		if (take > upto)
			take = upto;
		memcpy(p->buf + p->len, buf, take);
		p->len += take;
		buf += take;
		n -= take;
		if (nl && buf == nl) {
			put_record(lf, stream, false, p->buf, p->len);
			p->len = 0;
			buf++;
			n--;
		} else if (p->len == LOGFILE_MAX_LINE) {
			put_record(lf, stream, true, p->buf, p->len);
			p->len = 0;
		}
	}
}

void logfile_close(struct logfile *lf)
{
	if (!lf)
		return;
	for (int s = 1; s <= 2; s++)
		if (lf->part[s].len)
			put_record(lf, (enum logfile_stream)s, true, lf->part[s].buf,
			           lf->part[s].len);
	(void)safe_close(lf->fd);
	free(lf->path);
	free(lf);
}

void logfile_remove(const char *path)
{
	char old[4096];

	(void)snprintf(old, sizeof(old), "%s.1", path);
	(void)unlink(path);
	(void)unlink(old);
	/* The last container's log leaves no empty directory behind (a busy one stays). */
	if (in_log_dir(path))
		(void)rmdir(LOGFILE_DIR);
}

int logfile_parse(char *line, size_t len, struct logfile_record *ret)
{
	char *sp1, *sp2, *end = line + len;
	struct logfile_record r = {0};

	if (len && line[len - 1] == '\n')
		end--;
	sp1 = memchr(line, ' ', (size_t)(end - line));
	if (!sp1)
		return -EBADMSG;
	*sp1 = '\0';
	if (logfile_parse_time(line, &r.time_ns) < 0)
		return -EBADMSG;
	sp2 = memchr(sp1 + 1, ' ', (size_t)(end - sp1 - 1));
	if (!sp2 || end - sp2 < 2 || (sp2[1] != 'F' && sp2[1] != 'P') ||
	    (end - sp2 > 2 && sp2[2] != ' '))
		return -EBADMSG;
	if ((size_t)(sp2 - sp1 - 1) == 6 && !strncmp(sp1 + 1, "stdout", 6))
		r.stream = LOGFILE_STDOUT;
	else if ((size_t)(sp2 - sp1 - 1) == 6 && !strncmp(sp1 + 1, "stderr", 6))
		r.stream = LOGFILE_STDERR;
	else
		return -EBADMSG;
	r.partial = sp2[1] == 'P';
	r.text = end - sp2 > 2 ? sp2 + 3 : end;
	r.len = (size_t)(end - r.text);
	*ret = r;
	return 0;
}
