// SPDX-License-Identifier: MIT
/*
 * touch: what the first touch of a page costs a process on this machine (make
 * bench-breakdown prints it under its table). A start is a few processes that each touch
 * their pages once, so this price times the faults counted per start is what paging adds
 * to it. Three ways in, on 2000 fresh anonymous pages each: a write that finds no page, a
 * read (the kernel maps its zero page), and a write after MADV_POPULATE_WRITE made every
 * page beforehand (on bare metal nearly free; under shadow paging the hypervisor still
 * fills its own table on the first access).
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 /* Linux 5.14; musl's headers may predate it */
#endif

#define PAGES 2000
#define PAGE  4096L

static double now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static char *fresh(void)
{
	char *p =
	    mmap(NULL, PAGES * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("touch: mmap");
		exit(1);
	}
	return p;
}

/* Microseconds per page for one pass over p; reads when read, else writes. */
static double pass(char *p, int read)
{
	volatile char sink = 0;
	double t0 = now_us();

	for (long i = 0; i < PAGES; i++) {
		if (read)
			sink = (char)(sink + p[i * PAGE]);
		else
			p[i * PAGE] = 1;
	}
	(void)sink;
	return (now_us() - t0) / PAGES;
}

int main(void)
{
	double write = pass(fresh(), 0);
	double read = pass(fresh(), 1);
	char *pre = fresh();
	double populate = now_us(), after;

	if (madvise(pre, PAGES * PAGE, MADV_POPULATE_WRITE) < 0) {
		perror("touch: MADV_POPULATE_WRITE");
		return 1;
	}
	populate = (now_us() - populate) / PAGES;
	after = pass(pre, 0);
	printf("first touch of a page, us (%d fresh pages each): write %.2f, read %.2f; "
	       "populated first: %.2f to populate, then %.2f at the first write\n",
	       PAGES, write, read, populate, after);
	return 0;
}
