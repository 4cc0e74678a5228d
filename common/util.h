/* SPDX-License-Identifier: MIT */
/*
 * util: small helpers shared by launch and boxinit: cleanup attributes,
 * ownership transfer, EINTR-safe I/O, number parsing and the documented
 * exit codes. Nothing here logs; every action returns 0 or -errno.
 */
#pragma once

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>

/* Exit codes, shared by launch and boxinit (shell conventions). 125 is each program's own
 * failure, named for the one that reports it. */
enum {
	EXIT_LAUNCH_FAILURE = 125,  /* launch's (or box's) own error */
	EXIT_BOXINIT_FAILURE = 125, /* boxinit's own error, or a service it could not start */
	EXIT_CANNOT_EXECUTE = 126,  /* command found but not executable */
	EXIT_NOT_FOUND = 127,       /* command not found */
	EXIT_SIGNAL_BASE = 128,     /* 128+N: killed by signal N */
};

#define _cleanup_(f)       __attribute__((cleanup(f)))
#define _cleanup_free_     _cleanup_(freep)
#define _cleanup_close_    _cleanup_(closep)
#define _cleanup_fclose_   _cleanup_(fclosep)
#define _cleanup_closedir_ _cleanup_(closedirp)
#define _noreturn_         __attribute__((noreturn))
#define ARRAY_SIZE(a)      (sizeof(a) / sizeof((a)[0]))
#define STREQ(a, b)        (strcmp((a), (b)) == 0)

static inline void freep(void *p)
{
	free(*(void **)p);
}

/* Closes fd if it is valid; always returns -1 so callers can `fd = safe_close(fd)`. */
int safe_close(int fd);

static inline void closep(int *fd)
{
	(void)safe_close(*fd);
}

static inline void fclosep(FILE **f)
{
	if (*f)
		(void)fclose(*f);
}

static inline void closedirp(DIR **d)
{
	if (*d)
		(void)closedir(*d);
}

/* Ownership moves explicitly: the variable is left empty. */
static inline int steal_fd(int *fd)
{
	int r = *fd;

	*fd = -1;
	return r;
}

#define steal_ptr(p)                                                                               \
	({                                                                                         \
		__typeof__(*(p)) _stolen = *(p);                                                   \
		*(p) = NULL;                                                                       \
		_stolen;                                                                           \
	})

/* Full writes and reads, retried on EINTR and short counts. */
int write_all(int fd, const void *buf, size_t len);
ssize_t read_all(int fd, void *buf, size_t len);

/* Writes a string to an existing file (sysfs, cgroupfs, procfs). */
int write_file(const char *path, const char *s);
/* Reads up to size-1 bytes of a small file into buf, NUL-terminated, trailing newline cut. */
int read_file(const char *path, char *buf, size_t size);

/* Reads a whole file (at most max bytes, else -EFBIG) into a new NUL-terminated buffer. */
int read_file_alloc(const char *path, size_t max, char **ret);

/* Parsers: return 0 and set *ret, or -EINVAL / -ERANGE. */
int parse_u64(const char *s, uint64_t *ret);
int parse_int(const char *s, int min, int max, int *ret);
/* "UID[:GID]", both numbers, GID defaulting to UID (launch and boxinit never read a
 * passwd: ids only). (uid_t)-1, "unchanged" to setuid(2), is refused (-ERANGE). */
int parse_user_ids(const char *s, uid_t *ret_uid, gid_t *ret_gid);
/* "512", "64k", "10m", "2g", "1t" (binary multiples) into bytes. */
int parse_size(const char *s, uint64_t *ret);
/* Seconds with an optional fraction ("10", "0.5") into milliseconds. */
int parse_duration_ms(const char *s, uint64_t *ret);

/* A container's name (launch --name, the cgroup's leaf): 1 to max characters of
 * [A-Za-z0-9_.-], the first alphanumeric: no '/', no leading dot, nothing a shell or a
 * cgroup file name reads twice. NULL is not valid. */
bool name_is_valid(const char *name, size_t max);
/* "a//b/", "/a/b" -> "/a/b"; "" and "/" -> "/". A "." or ".." component is refused
 * (-EINVAL) so that the path means one place; relative input is read from the root. */
int path_normalize(const char *in, char **ret);

/* Frees a NULL-terminated vector of strings and the vector (NULL is fine). */
void strv_free(char **v);

/* pipe2(O_CLOEXEC) then fork(), for a child that reports to its parent: returns the pid in
 * the parent, with *ret_fd the pipe's read end; 0 in the child, with *ret_fd its write end
 * (close-on-exec, so the parent reads EOF once the child has exec'd or exited). -errno,
 * with nothing left open, when either fails. */
pid_t fork_with_pipe(int *ret_fd);

/* Shell-style status: the exit code, or 128+N when signal N killed it. */
int status_to_exit_code(int wstatus);

/* Fields 3 (state: R, S, Z...) and 22 (start time, clock ticks since boot) of
 * /proc/PID/stat; either output may be NULL. -ESRCH: no such process; -EBADMSG; or the
 * read's -errno. */
int proc_stat(pid_t pid, char *ret_state, uint64_t *ret_start);
/* Sets FD_CLOEXEC on every descriptor >= from (close_range when it can). */
int cloexec_from(int from);

/* "TERM" for SIGTERM: the name without "SIG", for the standard signals; "?" otherwise.
 * (glibc's sigabbrev_np, which musl does not have.) */
const char *signal_abbrev(int sig);
/* "TERM", "SIGTERM", "term" or a number (1..NSIG-1) into the signal; -EINVAL otherwise. */
int signal_parse(const char *s);
