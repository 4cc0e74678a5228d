/* SPDX-License-Identifier: MIT */
/*
 * logfile: a detached container's stdout and stderr on disk, one record a line in
 * the CRI log format that containerd and CRI-O write ("TIME STREAM TAG TEXT":
 * RFC 3339 time with nanoseconds, stdout or stderr, F for a full line or P for a
 * part of a longer one), bounded in size: past the limit the file becomes
 * FILE.1 (the one before that is dropped) and a new FILE starts. Written by the
 * container's monitor, read by `launch logs`.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "paths.h"

#define LOGFILE_DIR      paths_log_dir() /* /var/log/box for root */
#define LOGFILE_MAX_LINE (16 * 1024)     /* longer lines are cut into P records */

enum logfile_stream {
	LOGFILE_STDOUT = 1,
	LOGFILE_STDERR = 2,
};

struct logfile;

/* Opens (appends to) path, creating LOGFILE_DIR when path is in it; rotates past max_size
 * bytes (0: never). Logs. */
int logfile_open(const char *path, uint64_t max_size, struct logfile **ret);
/* Bytes of one stream, any size: whole lines become F records at once, the rest waits for
 * its newline (or becomes a P record at LOGFILE_MAX_LINE). Never fails loudly: a full disk
 * loses lines, not the container. */
void logfile_write(struct logfile *lf, enum logfile_stream stream, const char *buf, size_t n);
/* Writes what waits for a newline (as P records) and closes. NULL is fine. */
void logfile_close(struct logfile *lf);
/* Removes path and path.1. */
void logfile_remove(const char *path);

/* One record of a log file, parsed: 0 and the fields (text points into line, without
 * the newline), or -EBADMSG. */
struct logfile_record {
	int64_t time_ns;
	enum logfile_stream stream;
	bool partial;
	const char *text;
	size_t len;
};
int logfile_parse(char *line, size_t len, struct logfile_record *ret);
/* "2026-12-02T04:00:00.123456789Z" and back (UTC). */
void logfile_format_time(int64_t ns, char ret[40]);
int logfile_parse_time(const char *s, int64_t *ret);
