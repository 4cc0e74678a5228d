// SPDX-License-Identifier: MIT
/*
 * alive: see alive.h. Runs in launch (root or rootless, host). The file is flock'ed
 * exclusive by whoever makes, counts in, or removes the set; a reader (the start's look,
 * a reaper's decrement) takes no lock: both counts are read in one semctl.
 */
#include "alive.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/sem.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

#define ALIVE_FILE "alive"

enum { COUNTED, LIVE, NSEMS };

/* semctl's fourth argument, which the caller declares (semctl(2)). */
union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
};

static void alive_path(char ret[PATH_MAX])
{
	(void)snprintf(ret, PATH_MAX, "%s/%s", STATE_BASE, ALIVE_FILE);
}

/* The set the file names, when it is still that set: our owner, two semaphores, the change
 * time written with its id (an id is reused once its set goes). -ENOENT: it names none (an
 * empty file, a set gone or another's); another -errno when it cannot tell. */
static int file_set(int fd)
{
	union semun arg;
	struct semid_ds ds;
	char buf[64];
	long long ctime;
	int id;
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	if (n < 0)
		return -errno;
	buf[n] = '\0';
	if (sscanf(buf, "%d %lld", &id, &ctime) != 2 || id < 0)
		return -ENOENT;
	arg.buf = &ds;
	if (semctl(id, 0, IPC_STAT, arg) < 0)
		return errno == EINVAL || errno == EIDRM || errno == EACCES ? -ENOENT : -errno;
	if (ds.sem_perm.uid != geteuid() || ds.sem_nsems != NSEMS ||
	    (ds.sem_perm.mode & 0777) != 0600 || (long long)ds.sem_ctime != ctime)
		return -ENOENT;
	return id;
}

/* The file, flock'ed exclusive and still at its path (the last one out unlinks it). */
static int lock_file(bool create, int *ret_fd)
{
	char path[PATH_MAX];

	alive_path(path);
	for (int i = 0; i < 100; i++) {
		_cleanup_close_ int fd = openat(
		    AT_FDCWD, path,
		    O_RDWR | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | (create ? O_CREAT : 0), 0600);
		int r;

		if (fd < 0 || flock(fd, LOCK_EX) < 0)
			return -errno;
		r = state_fd_at(fd, path);
		if (r < 0)
			return r;
		if (r > 0) {
			*ret_fd = steal_fd(&fd);
			return 0;
		}
		if (!create)
			return -ENOENT;
	}
	return -EBUSY;
}

static int new_set(int fd)
{
	union semun arg;
	struct semid_ds ds;
	char buf[64];
	int n, r, id = semget(IPC_PRIVATE, NSEMS, IPC_CREAT | 0600);

	if (id < 0)
		return -errno;
	arg.buf = &ds;
	if (semctl(id, 0, IPC_STAT, arg) < 0)
		goto fail;
	n = snprintf(buf, sizeof(buf), "%d %lld\n", id, (long long)ds.sem_ctime);
	if (ftruncate(fd, 0) < 0 || pwrite(fd, buf, (size_t)n, 0) != n)
		goto fail;
	return id;
fail:
	r = errno ? -errno : -EIO;
	(void)semctl(id, 0, IPC_RMID);
	return r;
}

int alive_register(struct alive *a, struct state_lock *l)
{
	struct sembuf up[] = {{COUNTED, 1, IPC_NOWAIT}, {LIVE, 1, SEM_UNDO | IPC_NOWAIT}};
	struct sembuf down[] = {{COUNTED, -1, IPC_NOWAIT}, {LIVE, -1, SEM_UNDO | IPC_NOWAIT}};
	_cleanup_close_ int fd = -1;
	int id, r;

	a->semid = -1;
	r = lock_file(true, &fd);
	if (r < 0)
		return r;
	id = file_set(fd);
	if (id == -ENOENT)
		id = new_set(fd);
	if (id < 0)
		return id;
	/* Both at once: a monitor killed here is counted in both or in neither. */
	if (semop(id, up, ARRAY_SIZE(up)) < 0)
		return -errno;
	r = state_mark_counted(l, true);
	if (r < 0) {
		(void)semop(id, down, ARRAY_SIZE(down));
		return r;
	}
	a->semid = id;
	return 0;
}

/* The set first: killed between the two, or when the file cannot go, the file names a set
 * that is gone, which the next one out removes (or the next count replaces). */
static int remove_set(int id)
{
	char path[PATH_MAX];

	if (id >= 0 && semctl(id, 0, IPC_RMID) < 0 && errno != EINVAL && errno != EIDRM)
		return -errno;
	alive_path(path);
	if (unlink(path) < 0 && errno != ENOENT)
		return -errno;
	state_remove_empty(NULL);
	return 0;
}

static int remove_if_idle(void)
{
	unsigned short v[NSEMS] = {0};
	union semun arg = {.array = v};
	_cleanup_close_ int fd = -1;
	int id, r = lock_file(false, &fd);

	if (r < 0)
		return r == -ENOENT ? 0 : r;
	id = file_set(fd);
	if (id < 0 && id != -ENOENT)
		return id;
	if (id >= 0 && semctl(id, 0, GETALL, arg) < 0)
		return -errno;
	/* Nobody alive counted; and nobody dead counted, or no record at all (a monitor killed
	 * between its count and its mark, or between a reaper's unmark and decrement). */
	if (id < 0 ? state_none() : v[LIVE] == 0 && (v[COUNTED] == 0 || state_none()))
		return remove_set(id);
	return 0;
}

void alive_remove_if_idle(void)
{
	/* Again when a step fails: what the last one out leaves, nobody removes before the
	 * next container ends. */
	for (int i = 0; i < 3; i++)
		if (remove_if_idle() == 0)
			return;
	log_debug("remove the count of live monitors: it stays until the next container ends");
}

void alive_unregister(struct alive *a, struct state_lock *l)
{
	struct sembuf down[] = {{COUNTED, -1, IPC_NOWAIT}, {LIVE, -1, SEM_UNDO | IPC_NOWAIT}};

	if (a->semid < 0)
		return;
	/* The mark first: killed between the two, COUNTED stays the higher. */
	if (state_mark_counted(l, false) < 0) {
		a->semid = -1;
		return;
	}
	/* Again when it fails: left counted, the set stays after the last container. */
	for (int i = 0; i < 3; i++) {
		if (semop(a->semid, down, ARRAY_SIZE(down)) == 0 || errno == EINVAL ||
		    errno == EIDRM)
			break;
		log_debug_errno(-errno, "uncount the monitor");
	}
	a->semid = -1;
}

void alive_forget_dead(struct state_lock *l)
{
	struct sembuf down = {COUNTED, -1, IPC_NOWAIT};
	char path[PATH_MAX];
	_cleanup_close_ int fd = -1;
	int id;

	if (!state_is_counted(l) || state_mark_counted(l, false) < 0)
		return;
	alive_path(path);
	fd = openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
	id = fd < 0 ? -1 : file_set(fd);
	if (id >= 0 && semop(id, &down, 1) < 0)
		log_debug_errno(-errno, "uncount a dead monitor");
}

bool alive_all_counted(void)
{
	unsigned short v[NSEMS] = {0};
	union semun arg = {.array = v};
	char path[PATH_MAX];
	_cleanup_close_ int fd = -1;
	int id;

	alive_path(path);
	fd = openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
	/* No file: nothing counted since the last one out; a record left is uncounted. */
	if (fd < 0)
		return errno == ENOENT && state_none();
	id = file_set(fd);
	return id >= 0 && semctl(id, 0, GETALL, arg) == 0 && v[COUNTED] == v[LIVE];
}
