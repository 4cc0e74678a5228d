// SPDX-License-Identifier: MIT
/*
 * Bench helper: run as the direct child of an init (PID 1 of a PID namespace),
 * it makes N orphans that the init must reap, waits until the init has reaped
 * them all, and prints the CPU time the init spent meanwhile. It measures only;
 * it never signals or waits for the init itself.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The init's CPU: schedstat's run time in ns (precise), and utime+stime in clock ticks. */
struct cpu {
	uint64_t run_ns;
	uint64_t ticks;
};

static int read_cpu(pid_t pid, struct cpu *ret)
{
	char path[64], buf[1024];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/schedstat", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	if (fscanf(f, "%" SCNu64, &ret->run_ns) != 1)
		ret->run_ns = 0;
	fclose(f);

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	/* Fields after "(comm)": state is field 3, utime 14, stime 15. */
	char *p = strrchr(buf, ')');
	unsigned long long ut = 0, st = 0;
	if (!p ||
	    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
		return -EINVAL;
	ret->ticks = ut + st;
	return 0;
}

/* Number of the init's children other than us, over all its threads. */
static long other_children(pid_t init)
{
	char path[320], buf[4096];
	long n = 0;
	DIR *d;
	struct dirent *de;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)init);
	d = opendir(path);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%s/children", (int)init, de->d_name);
		FILE *f = fopen(path, "re");
		if (!f)
			continue;
		while (fscanf(f, "%4095s", buf) == 1)
			if (atol(buf) != (long)getpid())
				n++;
		fclose(f);
	}
	closedir(d);
	return n;
}

/* A child that forks a grandchild and exits: the grandchild becomes the init's. */
static int make_orphan(void)
{
	pid_t pid = fork();
	int st;

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		if (fork() < 0)
			_exit(1);
		_exit(0);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -ECHILD;
}

int main(int argc, char **argv)
{
	pid_t init = getppid();
	struct cpu a, b;
	long n = argc == 2 ? atol(argv[1]) : 0, left;
	struct timespec nap = {0, 1000000};

	if (n <= 0) {
		fprintf(stderr, "usage: orphans N\n");
		return 2;
	}
	if (read_cpu(init, &a) < 0)
		return 1;
	for (long i = 0; i < n; i++)
		if (make_orphan() < 0) {
			fprintf(stderr, "orphans: fork: %s\n", strerror(errno));
			return 1;
		}
	/* Orphans are reaped asynchronously; give the init up to 10 s. */
	for (int i = 0; (left = other_children(init)) > 0 && i < 10000; i++)
		nanosleep(&nap, NULL);
	if (read_cpu(init, &b) < 0)
		return 1;
	printf("orphans=%ld unreaped=%ld init_ns=%" PRIu64 " init_ticks=%" PRIu64 "\n", n, left,
	       b.run_ns - a.run_ns, b.ticks - a.ticks);
	return left == 0 ? 0 : 1;
}
