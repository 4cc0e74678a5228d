// SPDX-License-Identifier: MIT
/*
 * cmd_stats: `launch stats [--json] [--watch] [NAME...]`: what running
 * containers use now, live from their cgroups (v1 or v2): CPU % over the last
 * interval (100 % is one CPU) and CPU time so far, memory current/peak/limit,
 * pids current/limit, io bytes read/written, OOM kills. Without names: every
 * running container. --watch redraws every second (in place on a terminal)
 * until interrupted or until the named containers have all ended; with --json
 * it prints one JSON array a line, a sample each. --interval sets the sampling
 * interval; 0 reads each container once, with no CPU %, for callers that make
 * their rates from the CPU time themselves (a monitor polling hundreds).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "cmd.h"
#include "log.h"
#include "stats.h"
#include "util.h"

#define FIRST_INTERVAL_MS 250
#define WATCH_INTERVAL_MS 1000
/* Containers are read on up to this many threads, when there are at least PARALLEL_MIN:
 * each one's record and cgroup files are its own, and at 500 containers one thread spent
 * 130 ms, half of it in the kernel reading cgroup files. */
#define MAX_THREADS  4
#define PARALLEL_MIN 32

struct watched {
	char *name;
	struct state st; /* kept to the end: freed at once, each record's parse was mapped anew */
	struct cgroup *cg;
	struct cgroup_usage now;
	uint64_t prev_cpu_ns;
	int64_t prev_t, t;
	bool sampled, gone;
};

static int64_t mono_ns(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void sleep_ms(uint64_t ms)
{
	struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* From the leaves the record lists: no access(2) for each of up to seven hierarchies. */
static int open_cgroup(const struct state *s, struct cgroup **ret)
{
	const char *made[16]; /* more than the hierarchies cgroup.c takes */
	size_t n = 0, i;
	json_t *p;

	json_array_foreach(s->cgroups, i, p)
	{
		if (n < ARRAY_SIZE(made))
			made[n++] = json_string_value(p);
	}
	return cgroup_open_made(s->cgroup_parent, s->name, made, n, ret);
}

/* NAME's record and cgroup into *ret when it runs; complain: say so when it does not. */
static int load_one(const char *name, bool complain, struct watched *ret)
{
	struct state s = {0};
	struct cgroup *cg = NULL;
	int r = complain ? cmd_load_running(name, &s) : state_load(name, &s);

	if (r < 0)
		return r;
	if (!complain && (s.status != STATE_RUNNING || !state_is_live(name))) {
		state_free(&s);
		return -ESRCH;
	}
	if (json_array_size(s.cgroups) == 0) {
		/* A rootless container started without limits. */
		if (complain)
			log_error("container '%s' has no cgroup to read (rootless, no limits)",
			          name);
		state_free(&s);
		return -ENOENT;
	}
	r = open_cgroup(&s, &cg);
	if (r < 0) {
		if (complain && r == -ENOENT)
			log_errno(r, "open the cgroup of container '%s'", name);
		state_free(&s);
		return r;
	}
	*ret = (struct watched){.name = strdup(name), .st = s, .cg = cg};
	if (!ret->name) {
		cgroup_close(cg);
		state_free(&s);
		return -ENOMEM;
	}
	return 0;
}

static void watched_free(struct watched *w)
{
	cgroup_close(w->cg);
	state_free(&w->st);
	free(w->name);
}

/* Adds NAME when it runs; complain: say so when it does not. */
static int watch_add(struct watched **v, size_t *n, const char *name, bool complain)
{
	struct watched one, *w;
	int r = load_one(name, complain, &one);

	if (r < 0)
		return r;
	w = realloc(*v, (*n + 1) * sizeof(**v));
	if (!w) {
		watched_free(&one);
		return -ENOMEM;
	}
	*v = w;
	w[(*n)++] = one;
	return 0;
}

static bool watching(const struct watched *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (STREQ(v[i].name, name))
			return true;
	return false;
}

/* jansson's allocator for a one-shot stats: a bump arena a thread, all of it freed at the
 * end (arena_release). Reading a record allocates some forty blocks, and threads taking
 * musl's one allocator lock for each waited on each other more than they worked. What a
 * record holds stays to the end anyway; blocks freed early (the lexer's buffers) are a
 * few kB a container. */
#define ARENA_CHUNK (256 * 1024)

struct block {
	struct block *next;
	max_align_t align[];
};

static pthread_mutex_t arena_lock = PTHREAD_MUTEX_INITIALIZER;
static struct block *arena_blocks;
static __thread char *arena_next, *arena_end;

/* A block from malloc, on the list arena_release frees. */
static void *arena_block(size_t size)
{
	struct block *b = malloc(sizeof(*b) + size);

	if (!b)
		return NULL;
	(void)pthread_mutex_lock(&arena_lock);
	b->next = arena_blocks;
	arena_blocks = b;
	(void)pthread_mutex_unlock(&arena_lock);
	return b->align;
}

static void *arena_alloc(size_t size)
{
	const size_t align = sizeof(max_align_t);

	size = (size + align - 1) & ~(align - 1);
	if (size > ARENA_CHUNK / 4)
		return arena_block(size);
	if ((size_t)(arena_end - arena_next) < size) {
		arena_next = arena_block(ARENA_CHUNK);
		arena_end = arena_next ? arena_next + ARENA_CHUNK : NULL;
		if (!arena_next)
			return NULL;
	}
	arena_next += size;
	return arena_next - size;
}

static void arena_free(void *p)
{
	(void)p;
}

/* Once no jansson value is left: the blocks go, and jansson allocates as before. */
static void arena_release(void)
{
	while (arena_blocks) {
		struct block *b = arena_blocks;

		arena_blocks = b->next;
		free(b);
	}
	arena_next = arena_end = NULL;
	json_set_alloc_funcs(malloc, free);
}

struct par {
	void (*fn)(size_t i, void *data);
	void *data;
	size_t from, to;
};

static void *par_run(void *arg)
{
	struct par *p = arg;

	for (size_t i = p->from; i < p->to; i++)
		p->fn(i, p->data);
	return NULL;
}

/* fn(0..n-1, data), the range cut into a slice per CPU (the first slice on this thread).
 * fn touches only its own item; a thread that cannot start leaves its slice to this one. */
static void for_each_parallel(size_t n, void (*fn)(size_t i, void *data), void *data)
{
	struct par p[MAX_THREADS] = {0};
	pthread_t tid[MAX_THREADS];
	pthread_attr_t attr;
	bool started[MAX_THREADS] = {false};
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t k = n < PARALLEL_MIN || cpus < 2 ? 1
	           : cpus < MAX_THREADS         ? (size_t)cpus
	                                        : MAX_THREADS;

	for (size_t t = 0; t < k; t++)
		p[t] = (struct par){fn, data, n * t / k, n * (t + 1) / k};
	if (k > 1 && pthread_attr_init(&attr) == 0) {
		(void)pthread_attr_setstacksize(&attr, 256 * 1024);
		for (size_t t = 1; t < k; t++)
			started[t] = pthread_create(&tid[t], &attr, par_run, &p[t]) == 0;
		(void)pthread_attr_destroy(&attr);
	}
	(void)par_run(&p[0]);
	for (size_t t = 1; t < k; t++)
		if (started[t])
			(void)pthread_join(tid[t], NULL);
		else
			(void)par_run(&p[t]);
}

struct adding {
	char **names;
	struct watched *found; /* one a name, .name NULL where it was not added */
	size_t base;           /* for_each_parallel's 0 is names[base] */
};

static void add_one(size_t i, void *data)
{
	struct adding *a = data;

	(void)load_one(a->names[a->base + i], false, &a->found[a->base + i]);
}

/* Every running container not watched yet (the unnamed form picks up new ones). */
static void watch_all(struct watched **v, size_t *n)
{
	char **names = NULL;
	struct adding a = {0};
	size_t m = 0, first = 0;
	struct watched *nv;

	if (state_names(&names) < 0)
		return;
	for (size_t i = 0; names[i]; i++)
		if (!watching(*v, *n, names[i]))
			names[m++] = names[i];
		else
			free(names[i]);
	names[m] = NULL;
	a.names = names;
	a.found = calloc(m ? m : 1, sizeof(*a.found));
	if (!a.found) {
		strv_free(names);
		return;
	}
	/* The first on this thread alone: it fills what later ones share (the cgroup
	 * hierarchies found, jansson's hash seed). */
	while (first < m && load_one(names[first], false, &a.found[first]) < 0)
		first++;
	if (first < m)
		first++;
	a.base = first;
	if (first < m)
		for_each_parallel(m - first, add_one, &a);
	nv = realloc(*v, (*n + m + 1) * sizeof(**v));
	for (size_t i = 0; i < m; i++) {
		if (!a.found[i].name)
			continue;
		if (nv)
			nv[(*n)++] = a.found[i];
		else
			watched_free(&a.found[i]);
	}
	if (nv)
		*v = nv;
	free(a.found);
	strv_free(names);
}

static void sample(struct watched *w)
{
	struct cgroup_usage u = {0};

	if (w->gone)
		return;
	/* A container that ended meanwhile: its record is gone, or its cgroup empty. */
	/* Never sampled (t 0): just found live, no need to ask again. */
	if ((w->t != 0 && !state_is_live(w->name)) || cgroup_read_usage(w->cg, &u) < 0 ||
	    (u.have_pids && u.pids == 0)) {
		w->gone = true;
		return;
	}
	w->prev_cpu_ns = w->now.cpu_ns;
	w->prev_t = w->t;
	w->now = u;
	w->t = mono_ns();
	w->sampled = w->prev_t != 0;
}

static void sample_one(size_t i, void *data)
{
	sample(&((struct watched *)data)[i]);
}

static double cpu_percent(const struct watched *w)
{
	if (!w->sampled || !w->now.have_cpu || w->t <= w->prev_t || w->now.cpu_ns < w->prev_cpu_ns)
		return -1;
	return 100.0 * (double)(w->now.cpu_ns - w->prev_cpu_ns) / (double)(w->t - w->prev_t);
}

static json_t *u64_or_null(bool have, uint64_t v)
{
	return have ? json_integer((json_int_t)v) : NULL;
}

static json_t *entry_json(const struct watched *w)
{
	const struct cgroup_usage *u = &w->now;
	double cpu = cpu_percent(w);

	return json_pack(
	    "{s:s, s:o?, s:o?, s:{s:o?, s:o?, s:o?}, s:{s:o?, s:o?}, s:{s:o?, s:o?}, s:o?}", "name",
	    w->name, "cpu_percent", cpu < 0 ? NULL : json_real((double)(int64_t)(cpu * 100) / 100),
	    "cpu_usec", u64_or_null(u->have_cpu, u->cpu_ns / 1000), "memory", "current",
	    u64_or_null(u->have_memory, u->memory), "peak",
	    u64_or_null(u->have_memory_peak, u->memory_peak), "limit",
	    u64_or_null(u->have_memory && u->memory_limit, u->memory_limit), "pids", "current",
	    u64_or_null(u->have_pids, u->pids), "limit",
	    u64_or_null(u->have_pids && u->pids_limit, u->pids_limit), "io", "read",
	    u64_or_null(u->have_io, u->io_read), "write", u64_or_null(u->have_io, u->io_write),
	    "oom_kills", u64_or_null(u->have_oom_kills, u->oom_kills));
}

static void bytes_or(char *buf, size_t size, bool have, uint64_t v, const char *none)
{
	if (have)
		stats_fmt_bytes(buf, size, v);
	else
		(void)snprintf(buf, size, "%s", none);
}

static void print_row(const struct watched *w)
{
	const struct cgroup_usage *u = &w->now;
	char cpu[16] = "-", mem[24], lim[24], memp[16] = "-", peak[24], pids[48] = "-", rd[24],
	     wr[24], io[56], oom[24] = "-", memcol[56];
	double c = cpu_percent(w);

	if (c >= 0)
		(void)snprintf(cpu, sizeof(cpu), "%.2f%%", c);
	bytes_or(mem, sizeof(mem), u->have_memory, u->memory, "-");
	bytes_or(lim, sizeof(lim), u->have_memory && u->memory_limit, u->memory_limit, "-");
	if (u->have_memory && u->memory_limit)
		(void)snprintf(memp, sizeof(memp), "%.2f%%",
		               100.0 * (double)u->memory / (double)u->memory_limit);
	bytes_or(peak, sizeof(peak), u->have_memory_peak, u->memory_peak, "-");
	if (u->have_pids && u->pids_limit)
		(void)snprintf(pids, sizeof(pids), "%" PRIu64 " / %" PRIu64, u->pids,
		               u->pids_limit);
	else if (u->have_pids)
		(void)snprintf(pids, sizeof(pids), "%" PRIu64, u->pids);
	bytes_or(rd, sizeof(rd), u->have_io, u->io_read, "-");
	bytes_or(wr, sizeof(wr), u->have_io, u->io_write, "-");
	(void)snprintf(io, sizeof(io), "%s / %s", rd, wr);
	if (u->have_oom_kills)
		(void)snprintf(oom, sizeof(oom), "%" PRIu64, u->oom_kills);
	(void)snprintf(memcol, sizeof(memcol), "%s / %s", mem, lim);
	printf("%-20s %-8s %-24s %-8s %-10s %-12s %-22s %s\n", w->name, cpu, memcol, memp, peak,
	       pids, io, oom);
}

static void print_sample(struct watched *v, size_t n, bool json, bool redraw)
{
	if (json) {
		json_t *a = json_array();

		for (size_t i = 0; i < n; i++)
			if (!v[i].gone)
				(void)json_array_append_new(a, entry_json(&v[i]));
		(void)json_dumpf(a, stdout, JSON_COMPACT);
		putchar('\n');
		json_decref(a);
	} else {
		if (redraw)
			(void)fputs("\033[H\033[2J", stdout);
		printf("%-20s %-8s %-24s %-8s %-10s %-12s %-22s %s\n", "NAME", "CPU %",
		       "MEM USAGE / LIMIT", "MEM %", "MEM PEAK", "PIDS", "IO READ / WRITE", "OOM");
		for (size_t i = 0; i < n; i++)
			if (!v[i].gone)
				print_row(&v[i]);
	}
	(void)fflush(stdout);
}

static const struct option stats_opts[] = {
    {"json", no_argument, NULL, 'j'},
    {"watch", no_argument, NULL, 'w'},
    {"interval", required_argument, NULL, 'i'},
    {NULL, 0, NULL, 0},
};

int cmd_stats(int argc, char **argv)
{
	const char *usage = "launch stats [--json] [--watch] [--interval SECONDS] [NAME...]";
	struct watched *v = NULL;
	size_t n = 0, live;
	bool json = false, watch = false, named;
	uint64_t first_ms = FIRST_INTERVAL_MS, every_ms = WATCH_INTERVAL_MS;
	int opt, rc = 0;

	optind = 0;
	while ((opt = cmd_getopt(argc, argv, "jwi:", stats_opts, usage)) != -1)
		if (opt < 0)
			return EXIT_LAUNCH_FAILURE;
		else if (opt == 'j')
			json = true;
		else if (opt == 'w')
			watch = true;
		else if (parse_duration_ms(optarg, &first_ms) < 0 || first_ms > 86400000) {
			log_error("invalid value '%s' for --interval", optarg);
			return EXIT_LAUNCH_FAILURE;
		} else {
			every_ms = first_ms;
		}
	if (watch && every_ms == 0) {
		log_error("invalid value '0' for --interval with --watch: a redraw needs time");
		return EXIT_LAUNCH_FAILURE;
	}
	named = optind < argc;
	/* --watch runs on: values made and dropped each second would pile up. */
	if (!watch)
		json_set_alloc_funcs(arena_alloc, arena_free);
	for (int i = optind; i < argc; i++)
		if (!watching(v, n, argv[i]) && watch_add(&v, &n, argv[i], true) < 0)
			rc = EXIT_LAUNCH_FAILURE;
	if (rc)
		goto out;
	if (!named)
		watch_all(&v, &n);
	/* CPU % needs two readings; --interval 0: one, and no CPU %. */
	if (first_ms > 0) {
		for_each_parallel(n, sample_one, v);
		sleep_ms(first_ms);
	}
	for (;;) {
		if (!named && watch)
			watch_all(&v, &n);
		live = 0;
		for_each_parallel(n, sample_one, v);
		for (size_t i = 0; i < n; i++)
			live += !v[i].gone;
		print_sample(v, n, json, watch && !json && isatty(STDOUT_FILENO));
		if (ferror(stdout)) {
			rc = EXIT_LAUNCH_FAILURE;
			break;
		}
		if (!watch || (named && live == 0))
			break;
		sleep_ms(every_ms);
	}
out:
	for (size_t i = 0; i < n; i++)
		watched_free(&v[i]);
	free(v);
	if (!watch)
		arena_release();
	return rc;
}
