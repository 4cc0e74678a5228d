// SPDX-License-Identifier: MIT
/*
 * cmd_logs: `launch logs [-f] [--tail N] [--since T] NAME`: a detached
 * container's log (logfile.h), the rotated file first, stdout records to stdout
 * and stderr records to stderr. -f follows: through a rotation (a new file at
 * the path: the old one is read to its end first), until the container ended
 * and nothing more came. Runs in launch, reads only.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "log.h"
#include "logfile.h"
#include "util.h"

#define FOLLOW_TICK_MS 100

struct reader {
	int fd;
	ino_t ino;
	char buf[LOGFILE_MAX_LINE + 256];
	size_t len;
};

struct opts {
	bool follow;
	long tail; /* lines; -1: all */
	int64_t since_ns;
};

/* A line (P records joined until an F one) in memory, for --tail. */
struct line {
	enum logfile_stream stream;
	char *text;
	size_t len;
	bool complete;
};

struct tail {
	struct line *v; /* a ring of opts.tail lines */
	long cap, n, next;
	bool joining; /* the last line still waits for its F record */
};

static void emit(enum logfile_stream stream, const char *text, size_t len, bool newline)
{
	FILE *f = stream == LOGFILE_STDERR ? stderr : stdout;

	(void)fwrite(text, 1, len, f);
	if (newline)
		(void)fputc('\n', f);
}

static void tail_add(struct tail *t, const struct logfile_record *rec)
{
	struct line *l;
	char *grown;

	if (t->joining) {
		l = &t->v[(t->next + t->cap - 1) % t->cap];
	} else {
		l = &t->v[t->next];
		free(l->text);
		*l = (struct line){.stream = rec->stream};
		t->next = (t->next + 1) % t->cap;
		if (t->n < t->cap)
			t->n++;
	}
	grown = realloc(l->text, l->len + rec->len + 1);
	if (!grown)
		return;
	l->text = grown;
	memcpy(l->text + l->len, rec->text, rec->len);
	l->len += rec->len;
	l->complete = !rec->partial;
	t->joining = rec->partial;
}

static void tail_print(struct tail *t)
{
	for (long i = 0; i < t->n; i++) {
		struct line *l = &t->v[(t->next - t->n + i + t->cap) % t->cap];

		emit(l->stream, l->text, l->len, l->complete);
		free(l->text);
		l->text = NULL;
	}
	free(t->v);
}

static void take(const struct opts *o, struct tail *t, char *line, size_t len)
{
	struct logfile_record rec;

	if (logfile_parse(line, len, &rec) < 0 || rec.time_ns < o->since_ns)
		return;
	if (t)
		tail_add(t, &rec);
	else
		emit(rec.stream, rec.text, rec.len, !rec.partial);
}

/* Every whole record now in fd; a last one still being written waits in the buffer. */
static void drain(const struct opts *o, struct tail *t, struct reader *rd)
{
	for (;;) {
		ssize_t n = read(rd->fd, rd->buf + rd->len, sizeof(rd->buf) - rd->len);
		char *p = rd->buf, *nl;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		rd->len += (size_t)n;
		while ((nl = memchr(p, '\n', rd->len - (size_t)(p - rd->buf)))) {
			take(o, t, p, (size_t)(nl - p) + 1);
			p = nl + 1;
		}
		rd->len -= (size_t)(p - rd->buf);
		memmove(rd->buf, p, rd->len);
		/* A record longer than any the writer makes: drop it. */
		if (rd->len == sizeof(rd->buf))
			rd->len = 0;
	}
}

static int open_reader(const char *path, struct reader *rd)
{
	struct stat st;

	rd->len = 0;
	rd->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
	if (rd->fd < 0)
		return -errno;
	if (fstat(rd->fd, &st) < 0) {
		rd->fd = safe_close(rd->fd);
		return -errno;
	}
	rd->ino = st.st_ino;
	return 0;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = {.tv_sec = 0, .tv_nsec = (long)ms * 1000000L};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* After the first pass: new records as they come; a rotation moves us to the new file
 * once the old one is read to its end. Ends when the container has and nothing came. */
static void follow(const struct opts *o, const char *name, const char *path, struct reader *rd)
{
	for (;;) {
		struct stat st;
		bool live = state_is_live(name);

		drain(o, NULL, rd);
		(void)fflush(stdout);
		(void)fflush(stderr);
		if (stat(path, &st) == 0 && st.st_ino != rd->ino) {
			/* What the writer added to the old file between our read and its rotation
			 * (it writes only to the new one after): read it before we let go. */
			if (rd->fd >= 0)
				drain(o, NULL, rd);
			(void)safe_close(rd->fd);
			if (open_reader(path, rd) < 0)
				rd->fd = -1;
			if (rd->fd >= 0)
				continue;
		}
		if (!live) {
			if (rd->fd >= 0)
				drain(o, NULL, rd);
			return;
		}
		sleep_ms(FOLLOW_TICK_MS);
		if (rd->fd < 0 && open_reader(path, rd) < 0)
			rd->fd = -1;
	}
}

static int parse_since(const char *s, int64_t *ret)
{
	uint64_t ms;
	size_t n = strlen(s);
	int64_t t;

	if (logfile_parse_time(s, &t) == 0) {
		*ret = t;
		return 0;
	}
	/* A duration back from now: "90s", "10m", "2h" (or plain seconds). */
	if (n > 1 && (s[n - 1] == 'm' || s[n - 1] == 'h')) {
		char num[32];
		uint64_t v;

		if (n >= sizeof(num))
			return -EINVAL;
		memcpy(num, s, n - 1);
		num[n - 1] = '\0';
		if (parse_u64(num, &v) < 0 || v > 1000000)
			return -EINVAL;
		ms = v * (s[n - 1] == 'm' ? 60000 : 3600000);
	} else {
		char num[32];

		if (n >= sizeof(num))
			return -EINVAL;
		(void)snprintf(num, sizeof(num), "%.*s", (int)(n && s[n - 1] == 's' ? n - 1 : n),
		               s);
		if (parse_duration_ms(num, &ms) < 0)
			return -EINVAL;
	}
	*ret = state_now_ns() - (int64_t)ms * 1000000;
	return 0;
}

static const struct option log_opts[] = {
    {"follow", no_argument, NULL, 'f'},
    {"tail", required_argument, NULL, 'n'},
    {"since", required_argument, NULL, 's'},
    {NULL, 0, NULL, 0},
};

static int parse_opts(int argc, char **argv, struct opts *o)
{
	const char *usage = "launch logs [-f] [--tail N] [--since TIME] NAME";
	uint64_t v;
	int opt;

	*o = (struct opts){.tail = -1};
	optind = 0;
	while ((opt = cmd_getopt(argc, argv, "fn:s:", log_opts, usage)) != -1) {
		if (opt < 0)
			return -EINVAL;
		if (opt == 'f') {
			o->follow = true;
		} else if (opt == 'n') {
			if (parse_u64(optarg, &v) < 0 || v > 1000000) {
				log_error("invalid value '%s' for --tail", optarg);
				return -EINVAL;
			}
			o->tail = (long)v;
		} else if (parse_since(optarg, &o->since_ns) < 0) {
			log_error(
			    "invalid value '%s' for --since (a time like 2026-12-02T10:00:00Z, or "
			    "10s, 5m, 2h)",
			    optarg);
			return -EINVAL;
		}
	}
	if (optind != argc - 1) {
		log_error("%s NAME (usage: %s)", optind < argc ? "one" : "missing", usage);
		return -EINVAL;
	}
	return 0;
}

int cmd_logs(int argc, char **argv)
{
	struct reader old = {.fd = -1}, cur = {.fd = -1};
	struct tail t = {0};
	struct state s = {0};
	char rotated[4096];
	struct opts o;
	const char *name;

	if (parse_opts(argc, argv, &o) < 0)
		return EXIT_LAUNCH_FAILURE;
	name = argv[optind];
	if (cmd_load(name, &s) < 0)
		return EXIT_LAUNCH_FAILURE;
	if (!s.log_path) {
		log_error("container '%s' has no log: it runs in the foreground, its output goes "
		          "where launch's does",
		          name);
		state_free(&s);
		return EXIT_LAUNCH_FAILURE;
	}
	if (o.tail >= 0) {
		t.cap = o.tail ? o.tail : 1;
		t.v = calloc((size_t)t.cap, sizeof(*t.v));
		if (!t.v) {
			(void)log_errno(-ENOMEM, "read the log");
			return EXIT_LAUNCH_FAILURE;
		}
	}
	(void)snprintf(rotated, sizeof(rotated), "%s.1", s.log_path);
	if (open_reader(rotated, &old) == 0) {
		drain(&o, t.v ? &t : NULL, &old);
		(void)safe_close(old.fd);
	}
	if (open_reader(s.log_path, &cur) == 0)
		drain(&o, t.v ? &t : NULL, &cur);
	if (t.v) {
		if (o.tail == 0)
			t.n = 0;
		tail_print(&t);
	}
	if (o.follow)
		follow(&o, name, s.log_path, &cur);
	(void)safe_close(cur.fd);
	state_free(&s);
	return fflush(stdout) == 0 ? 0 : EXIT_LAUNCH_FAILURE;
}
