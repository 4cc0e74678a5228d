// SPDX-License-Identifier: MIT
/*
 * layer: see layer.h. Runs in launch, as root, on the host, over trees a container wrote:
 * nothing in them is trusted (a symlink is a name, never a way), and no walk holds a
 * descriptor a level, so a deep tree cannot run launch out of them.
 */
#include "layer.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <sched.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "kapi.h"
#include "log.h"
#include "paths.h"
#include "util.h"
#include "waiter.h"

void layer_path(const char *name, char *buf, size_t size)
{
	(void)snprintf(buf, size, "%s/%s", paths_layer_root(), name);
}

/* The first entry of d other than "." and "..", or NULL. */
static struct dirent *next_entry(DIR *d)
{
	struct dirent *e;

	while ((e = readdir(d)))
		if (!STREQ(e->d_name, ".") && !STREQ(e->d_name, ".."))
			return e;
	return NULL;
}

/* A directory in dirfd, never through a link, as a stream. */
static DIR *open_dir(int dirfd, const char *name)
{
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;

	if (fd >= 0 && !d)
		(void)close(fd);
	return d;
}

/* From d's position on: removes files and empty directories; stops at the first directory
 * that is not empty, its name into *sub (NULL at the end). dev: the tree's filesystem. */
static int scan(DIR *d, dev_t dev, char **sub)
{
	struct dirent *e;
	struct stat st;
	int fd = dirfd(d);

	*sub = NULL;
	while ((e = next_entry(d))) {
		if (fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			if (errno != ENOENT)
				return -errno;
			continue;
		}
		if (!S_ISDIR(st.st_mode)) {
			if (unlinkat(fd, e->d_name, 0) < 0 && errno != ENOENT)
				return -errno;
			continue;
		}
		if (st.st_dev != dev)
			return -EXDEV; /* a mount point: nothing in it is ours */
		if (unlinkat(fd, e->d_name, AT_REMOVEDIR) == 0)
			continue;
		if (errno != ENOTEMPTY && errno != EEXIST)
			return -errno;
		*sub = strdup(e->d_name);
		return *sub ? 0 : -ENOMEM;
	}
	return 0;
}

/* Levels below this many keep their stream open while the walk is deeper, and go on where
 * they were; deeper ones are closed (descriptors stay bounded) and read again from the
 * start on the way back up. */
#define KEEP_OPEN 32

struct level {
	char *name;  /* in its parent */
	DIR *parent; /* the parent's stream, or NULL (closed: reopened by "..") */
};

int tree_remove(int dirfd_, const char *name)
{
	struct level *stack = NULL;
	size_t depth = 0, cap = 0;
	bool rescanned = false;
	DIR *d = open_dir(dirfd_, name);
	struct stat st;
	int r = 0;

	if (!d) {
		/* Not a directory (or not there): one unlink. */
		if (errno == ENOTDIR || errno == ELOOP)
			return unlinkat(dirfd_, name, 0) < 0 ? -errno : 0;
		return -errno;
	}
	if (fstat(dirfd(d), &st) < 0) {
		r = -errno;
		(void)closedir(d);
		return r;
	}
	for (;;) {
		char *sub = NULL;
		DIR *next;

		r = scan(d, st.st_dev, &sub);
		if (r < 0)
			break;
		if (sub) {
			if (depth == cap) {
				struct level *grown =
				    realloc(stack, (cap = cap ? cap * 2 : 16) * sizeof(*stack));

				if (!grown) {
					free(sub);
					r = -ENOMEM;
					break;
				}
				stack = grown;
			}
			next = open_dir(dirfd(d), sub);
			if (!next) {
				r = -errno;
				free(sub);
				break;
			}
			stack[depth].name = sub;
			stack[depth].parent = depth < KEEP_OPEN ? d : NULL;
			if (!stack[depth].parent)
				(void)closedir(d);
			depth++;
			d = next;
			rescanned = false;
			continue;
		}
		/* The end: once more from the start, for what a removal may have made readdir
		 * pass over; then it is empty. */
		if (!rescanned) {
			rewinddir(d);
			rescanned = true;
			continue;
		}
		if (depth == 0)
			break;
		/* Up: to the parent (only launch can reach it now), and remove this one. */
		depth--;
		next = stack[depth].parent;
		if (!next && !(next = open_dir(dirfd(d), "..")))
			r = -errno;
		(void)closedir(d);
		d = next;
		if (d && unlinkat(dirfd(d), stack[depth].name, AT_REMOVEDIR) < 0)
			r = -errno;
		free(stack[depth].name);
		rescanned = false;
		if (r < 0)
			break;
	}
	if (d)
		(void)closedir(d);
	while (depth > 0) {
		depth--;
		free(stack[depth].name);
		if (stack[depth].parent)
			(void)closedir(stack[depth].parent);
	}
	free(stack);
	if (r == 0 && unlinkat(dirfd_, name, AT_REMOVEDIR) < 0)
		r = -errno;
	return r;
}

static int make_root_dir(void)
{
	const char *root = paths_layer_root();
	_cleanup_free_ char *parent = strdup(root);
	char *slash = parent ? strrchr(parent, '/') : NULL;

	if (!parent)
		return -ENOMEM;
	if (slash && slash != parent) {
		*slash = '\0';
		if (mkdir(parent, 0755) < 0 && errno != EEXIST)
			return -errno;
	}
	/* Searchable, not readable: a --userns container's root reaches its own layer by its
	 * path (which it must guess: the name); each layer is 0700. */
	if (mkdir(root, 0711) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

int layer_make(const char *dir)
{
	const char *name = strrchr(dir, '/') + 1;
	int r = -ENOENT;

	/* The last layer's end removes LAYER_ROOT: made again, and again if that comes between
	 * its mkdir and ours. */
	for (int tries = 0; r == -ENOENT && tries < 5; tries++) {
		_cleanup_close_ int root = -1;

		r = make_root_dir();
		if (r < 0)
			return log_errno(r, "make '%s'", paths_layer_root());
		root = open(paths_layer_root(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (root < 0) {
			r = -errno;
			continue;
		}
		/* A layer a container left whose record is gone (a reboot, a crash before its
		 * end): the caller holds the name now. */
		r = tree_remove(root, name);
		if (r < 0 && r != -ENOENT)
			return log_errno(r, "remove the stale layer '%s'", dir);
		r = mkdirat(root, name, 0700) < 0 ? -errno : 0;
	}
	return r < 0 ? log_errno(r, "make layer '%s'", dir) : 0;
}

void layer_remove(const char *dir)
{
	const char *root = paths_layer_root();
	size_t n = strlen(root);
	_cleanup_close_ int fd = -1;
	int r;

	/* Only LAYER_ROOT/NAME, whatever a record says. */
	if (strncmp(dir, root, n) != 0 || dir[n] != '/' || !name_is_valid(dir + n + 1, NAME_MAX))
		return;
	fd = open(root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	r = fd < 0 ? -errno : tree_remove(fd, dir + n + 1);
	if (r < 0 && r != -ENOENT)
		log_warn_errno(r, "remove layer '%s'", dir);
	/* The root goes with the last layer (the directory is made again by the next one). */
	if (fd >= 0)
		(void)rmdir(root);
}

/* --- diff ---------------------------------------------------------------------------------- */

static struct {
	int lower; /* the rootfs */
	size_t prefix;
	char **lines;
	size_t n, cap;
	int err;
} walk;

/* Does the rootfs have rel, reached without following any symlink (overlayfs's own lookup
 * does not follow them either)? */
static bool lower_has(const char *rel)
{
	struct open_how how = {.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
	                       .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH};
	const char *slash = strrchr(rel, '/');
	_cleanup_free_ char *parent = slash ? strndup(rel, (size_t)(slash - rel)) : NULL;
	_cleanup_close_ int fd = -1;
	struct stat st;

	if (slash) {
		if (!parent)
			return false;
		fd = (int)syscall(SYS_openat2, walk.lower, parent, &how, sizeof(how));
		if (fd < 0)
			return false;
	}
	return fstatat(slash ? fd : walk.lower, slash ? slash + 1 : rel, &st,
	               AT_SYMLINK_NOFOLLOW) == 0;
}

static int add_line(char kind, const char *path)
{
	char *line;

	if (walk.n == walk.cap) {
		size_t cap = walk.cap ? walk.cap * 2 : 64;
		char **grown = realloc(walk.lines, cap * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		walk.lines = grown;
		walk.cap = cap;
	}
	if (asprintf(&line, "%c /%s", kind, path) < 0)
		return -ENOMEM;
	walk.lines[walk.n++] = line;
	return 0;
}

static int visit(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	const char *rel = path + walk.prefix;

	(void)ftw;
	if (!*rel)
		return 0; /* the upper directory itself */
	rel++;            /* past the '/' */
	if (type == FTW_DNR || type == FTW_NS) {
		walk.err = -EACCES;
		return 1;
	}
	/* overlayfs's whiteout: a character device 0/0 says "deleted". */
	if (S_ISCHR(st->st_mode) && st->st_rdev == 0)
		walk.err = add_line('D', rel);
	else
		walk.err = add_line(lower_has(rel) ? 'C' : 'A', rel);
	return walk.err < 0;
}

static int by_path(const void *a, const void *b)
{
	return strcmp(*(char *const *)a + 2, *(char *const *)b + 2);
}

int layer_diff(const char *rootfs, const char *dir, FILE *out)
{
	char upper[PATH_MAX];
	int r;

	(void)snprintf(upper, sizeof(upper), "%s/upper", dir);
	walk = (typeof(walk)){.prefix = strlen(upper)};
	walk.lower = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (walk.lower < 0)
		return log_errno(-errno, "open rootfs '%s'", rootfs);
	/* Physical, one filesystem, 16 descriptors at most whatever the depth. */
	r = nftw(upper, visit, 16, FTW_PHYS | FTW_MOUNT);
	if (r < 0)
		r = -errno;
	else if (walk.err < 0)
		r = walk.err;
	(void)close(walk.lower);
	if (r == 0) {
		qsort(walk.lines, walk.n, sizeof(*walk.lines), by_path);
		for (size_t i = 0; i < walk.n; i++)
			(void)fprintf(out, "%s\n", walk.lines[i]);
	}
	for (size_t i = 0; i < walk.n; i++)
		free(walk.lines[i]);
	free(walk.lines);
	if (r < 0)
		return log_errno(r, "read layer '%s'", upper);
	return fflush(out) == 0 ? 0 : log_errno(-errno, "write the changes");
}

/* --- commit -------------------------------------------------------------------------------- */

/* dest: made (mode 0755, root's) or an empty directory already there. */
static int make_dest(const char *dest)
{
	_cleanup_closedir_ DIR *d = NULL;

	if (mkdir(dest, 0755) == 0)
		return 0;
	if (errno != EEXIST)
		return log_errno(-errno, "make '%s'", dest);
	d = opendir(dest);
	if (!d)
		return log_errno(-errno, "open '%s'", dest);
	if (next_entry(d)) {
		log_error("commit to '%s': it is not empty", dest);
		return -ENOTEMPTY;
	}
	return 0;
}

/* The child: the merged tree in a mount namespace of its own, read-only (the upper layer
 * over the rootfs, both lower layers now), then cp -a of it. Nothing is mounted on the host. */
static int merged_view(const char *rootfs, const char *dir, char *merged, size_t size)
{
	_cleanup_close_ int fs = -1, mnt = -1;
	char lower[2 * PATH_MAX + 8];

	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return log_errno(-errno, "make a mount namespace for the commit");
	(void)snprintf(merged, size, "%s/merged", dir);
	(void)snprintf(lower, sizeof(lower), "%s/upper:%s", dir, rootfs);
	fs = k_fsopen("overlay", FSOPEN_CLOEXEC);
	if (fs < 0 || k_fsconfig(fs, FSCONFIG_SET_STRING, "lowerdir", lower, 0) < 0 ||
	    k_fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0 ||
	    (mnt = k_fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_RDONLY)) < 0 ||
	    k_move_mount(mnt, "", AT_FDCWD, merged, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return log_errno(-errno, "mount the layer '%s' over '%s'", dir, rootfs);
	return 0;
}

int layer_commit(const char *rootfs, const char *dir, const char *dest)
{
	char merged[PATH_MAX], from[PATH_MAX + 8];
	int status, r = make_dest(dest);
	pid_t pid;

	if (r < 0)
		return r;
	(void)snprintf(merged, sizeof(merged), "%s/merged", dir);
	if (mkdir(merged, 0700) < 0 && errno != EEXIST)
		return log_errno(-errno, "make '%s'", merged);
	pid = fork();
	if (pid < 0) {
		r = log_errno(-errno, "fork");
		(void)rmdir(merged);
		return r;
	}
	if (pid == 0) {
		if (merged_view(rootfs, dir, merged, sizeof(merged)) < 0)
			_exit(EXIT_LAUNCH_FAILURE);
		(void)snprintf(from, sizeof(from), "%s/.", merged);
		execlp("cp", "cp", "-a", "--one-file-system", "--", from, dest, (char *)NULL);
		log_errno(-errno, "execute cp");
		_exit(EXIT_LAUNCH_FAILURE);
	}
	r = waiter_wait(pid, &status);
	(void)rmdir(merged);
	if (r < 0)
		return log_errno(r, "wait for cp");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		/* cp said why; the child's own failure was said by it. */
		if (!WIFEXITED(status) || WEXITSTATUS(status) != EXIT_LAUNCH_FAILURE)
			log_error("commit to '%s': cp failed (status %d)", dest,
			          status_to_exit_code(status));
		return -EIO;
	}
	return 0;
}
