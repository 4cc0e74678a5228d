// SPDX-License-Identifier: MIT
/*
 * allowed: the default seccomp profile's other side (tests/security/test_seccomp.sh).
 * Static, like attack, so it runs in the busybox rootfs. Makes at least one call of each
 * family the allowlist must let through (files, xattrs, processes, threads, signals,
 * timers, sockets, memory, event descriptors, pipes, IPC, the machine), prints
 * "fail FAMILY: WHAT: ERRNO" for each one refused and a last line "failures=N"; exits N.
 * Everything it makes is its own: files under the directory it is given, its own
 * children, loopback sockets. A family not named on the command line is run too: all of
 * them, always.
 */
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/timerfd.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

static int failures;
static const char *family;

/* r < 0 is a failure of what, with errno. */
static void check(long r, const char *what)
{
	if (r < 0) {
		printf("fail %s: %s: %s\n", family, what, strerror(errno));
		failures++;
	}
}

static void files(const char *dir)
{
	char a[256], b[256], c[256], buf[64];
	struct stat st;
	struct statfs sf;
	int fd, fd2;

	snprintf(a, sizeof(a), "%s/a", dir);
	snprintf(b, sizeof(b), "%s/b", dir);
	snprintf(c, sizeof(c), "%s/sub", dir);
	fd = open(a, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	check(fd, "open");
	check(write(fd, "hello", 5), "write");
	check(pwrite(fd, "HE", 2, 0), "pwrite64");
	check(pread(fd, buf, 5, 0), "pread64");
	check(lseek(fd, 0, SEEK_SET), "lseek");
	check(read(fd, buf, sizeof(buf)), "read");
	check(fstat(fd, &st), "fstat");
	check(fstatfs(fd, &sf), "fstatfs");
	check(ftruncate(fd, 16), "ftruncate");
	check(fallocate(fd, 0, 0, 4096), "fallocate");
	check(fsync(fd), "fsync");
	check(fdatasync(fd), "fdatasync");
	check(flock(fd, LOCK_EX), "flock");
	check(fcntl(fd, F_SETLK, &(struct flock){.l_type = F_WRLCK}), "fcntl lock");
	check(fchmod(fd, 0600), "fchmod");
	check(fchown(fd, 0, 0), "fchown");
	check(futimens(fd, NULL), "utimensat");
	fd2 = dup3(fd, 100, O_CLOEXEC);
	check(fd2, "dup3");
	check(syscall(SYS_statx, AT_FDCWD, a, 0, 0x7ff, (char[256]){0}), "statx");
	check(stat(a, &st), "stat");
	check(faccessat(AT_FDCWD, a, R_OK, AT_EACCESS), "faccessat2");
	check(link(a, b), "link");
	check(rename(b, c), "rename");
	check(unlink(c), "unlink");
	check(symlink(a, b), "symlink");
	check(readlink(b, buf, sizeof(buf)), "readlink");
	check(unlink(b), "unlink symlink");
	check(mkdir(c, 0755), "mkdir");
	check(rmdir(c), "rmdir");
	check(chdir(dir), "chdir");
	check(getcwd(buf, sizeof(buf)) ? 0 : -1, "getcwd");
	check(chdir("/"), "chdir /");
	check(chmod(a, 0644), "chmod");
	check(truncate(a, 8), "truncate");
	check(statfs(dir, &sf), "statfs");
	check(umask(022), "umask");
	close(fd2);
	fd2 = open(b, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	check(fd2, "open b");
	check(copy_file_range(fd, &(loff_t){0}, fd2, NULL, 4, 0), "copy_file_range");
	check(syscall(SYS_sendfile, fd2, fd, &(off_t){0}, 4), "sendfile");
	close(fd2);
	close(fd);
	/* openat2 with RESOLVE_BENEATH: what container-aware programs use. */
	{
		struct {
			unsigned long long flags, mode, resolve;
		} how = {.flags = O_RDONLY | O_CLOEXEC, .resolve = 0x08};
		int d = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		check(d, "open dir");
		fd = (int)syscall(SYS_openat2, d, "a", &how, sizeof(how));
		check(fd, "openat2");
		check(syscall(SYS_getdents64, d, buf, sizeof(buf)), "getdents64");
		close(fd);
		close(d);
	}
	check(unlink(a), "unlink a");
	check(unlink(b), "unlink b");
}

/* r < 0 is a failure unless errno is tolerated: the filesystem's own answer, which shows the
 * call got past the filter. */
static void check_but(long r, int tolerated, const char *what)
{
	check(r < 0 && errno == tolerated ? 0 : r, what);
}

/* tmpfs takes user.* attributes only from Linux 6.6, and some filesystems never do:
 * EOPNOTSUPP from the filesystem counts as reaching it. */
static void xattrs(const char *dir)
{
	char path[256], buf[64];
	int fd;

	snprintf(path, sizeof(path), "%s/x", dir);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	check(fd, "open");
	check_but(setxattr(path, "user.box", "1", 1, 0), EOPNOTSUPP, "setxattr");
	check_but(getxattr(path, "user.box", buf, sizeof(buf)), EOPNOTSUPP, "getxattr");
	check_but(listxattr(path, buf, sizeof(buf)), EOPNOTSUPP, "listxattr");
	check_but(fsetxattr(fd, "user.box2", "2", 1, 0), EOPNOTSUPP, "fsetxattr");
	check_but(fgetxattr(fd, "user.box2", buf, sizeof(buf)), EOPNOTSUPP, "fgetxattr");
	check_but(flistxattr(fd, buf, sizeof(buf)), EOPNOTSUPP, "flistxattr");
	check_but(fremovexattr(fd, "user.box2"), EOPNOTSUPP, "fremovexattr");
	check_but(removexattr(path, "user.box"), EOPNOTSUPP, "removexattr");
	close(fd);
	check(unlink(path), "unlink");
}

static void processes(void)
{
	struct rlimit rl;
	struct rusage ru;
	siginfo_t si;
	pid_t pid;
	int st, pidfd;

	check(getpid() > 0 ? 0 : -1, "getpid");
	check(getppid(), "getppid");
	check(getuid() == 0 ? 0 : 0, "getuid");
	check(getpgrp(), "getpgrp");
	check(getsid(0), "getsid");
	check(getrlimit(RLIMIT_NOFILE, &rl), "getrlimit");
	check(prlimit(0, RLIMIT_NOFILE, NULL, &rl), "prlimit64");
	check(setrlimit(RLIMIT_CORE, &(struct rlimit){0, 0}), "setrlimit");
	check(getrusage(RUSAGE_SELF, &ru), "getrusage");
	check(setpriority(PRIO_PROCESS, 0, 1), "setpriority");
	check(getpriority(PRIO_PROCESS, 0), "getpriority");
	check(prctl(PR_SET_NAME, "allowed"), "prctl");
	check(sched_yield(), "sched_yield");
	check(setresuid(0, 0, 0), "setresuid");
	check(setgroups(0, NULL), "setgroups");
	pid = fork();
	check(pid, "fork");
	if (pid == 0) {
		setsid();
		execl("/bin/true", "true", (char *)NULL);
		_exit(127);
	}
	check(waitpid(pid, &st, 0), "wait4");
	check(WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1, "execve /bin/true");
	pid = vfork();
	if (pid == 0)
		_exit(0);
	check(pid, "vfork");
	check(waitid(P_PID, (id_t)pid, &si, WEXITED), "waitid");
	pid = fork();
	if (pid == 0) {
		pause();
		_exit(0);
	}
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	check(pidfd, "pidfd_open");
	check(syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0), "pidfd_send_signal");
	check(waitpid(pid, &st, 0), "wait4 killed");
	close(pidfd);
	check(personality(0xffffffff), "personality query");
	check(syscall(SYS_close_range, 1000, 1010, 0), "close_range");
	check(syscall(SYS_membarrier, 0, 0, 0), "membarrier");
	check(syscall(SYS_sched_getaffinity, 0, 128, (char[128]){0}), "sched_getaffinity");
}

static void *thread_main(void *arg)
{
	*(int *)arg = (int)syscall(SYS_gettid);
	return arg;
}

static int clone_child(void *arg)
{
	(void)arg;
	return 7;
}

static void threads(void)
{
	static char stack[64 * 1024];
	pthread_t t[4];
	int tids[4] = {0}, st;
	pid_t pid;

	for (int i = 0; i < 4; i++)
		check(-pthread_create(&t[i], NULL, thread_main, &tids[i]) ? -1 : 0,
		      "pthread_create");
	for (int i = 0; i < 4; i++) {
		check(-pthread_join(t[i], NULL) ? -1 : 0, "pthread_join");
		check(tids[i] > 0 ? 0 : -1, "gettid in a thread");
	}
	/* clone itself, without namespace flags: what the filter looks at. */
	pid = clone(clone_child, stack + sizeof(stack), CLONE_VM | CLONE_FS | CLONE_FILES | SIGCHLD,
	            NULL);
	check(pid, "clone");
	check(waitpid(pid, &st, 0), "wait4 clone");
	check(WIFEXITED(st) && WEXITSTATUS(st) == 7 ? 0 : -1, "clone child's status");
	/* unshare without namespace flags stays allowed. */
	check(unshare(CLONE_FILES), "unshare(CLONE_FILES)");
}

static volatile sig_atomic_t got;

static void on_signal(int sig)
{
	got = sig;
}

static void signals(void)
{
	struct sigaction sa = {.sa_handler = on_signal};
	stack_t ss = {.ss_sp = malloc(SIGSTKSZ), .ss_size = SIGSTKSZ};
	sigset_t set, old;
	siginfo_t si;

	check(sigaction(SIGUSR1, &sa, NULL), "rt_sigaction");
	check(sigaltstack(&ss, NULL), "sigaltstack");
	check(kill(getpid(), SIGUSR1), "kill");
	check(got == SIGUSR1 ? 0 : -1, "handler ran");
	check(syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), SIGUSR1), "tgkill");
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	check(sigprocmask(SIG_BLOCK, &set, &old), "rt_sigprocmask");
	check(sigqueue(getpid(), SIGUSR2, (union sigval){.sival_int = 1}), "rt_sigqueueinfo");
	check(sigpending(&old), "rt_sigpending");
	check(sigtimedwait(&set, &si, &(struct timespec){1, 0}), "rt_sigtimedwait");
	ss.ss_flags = SS_DISABLE;
	(void)sigaltstack(&ss, NULL);
	free(ss.ss_sp);
}

static void timers(void)
{
	struct itimerspec its = {.it_value = {0, 1000000}};
	struct sigevent sev = {.sigev_notify = SIGEV_NONE};
	struct timespec ts;
	struct timeval tv;
	timer_t timer;

	check(clock_gettime(CLOCK_MONOTONIC, &ts), "clock_gettime");
	check(clock_getres(CLOCK_REALTIME, &ts), "clock_getres");
	check(gettimeofday(&tv, NULL), "gettimeofday");
	check(clock_nanosleep(CLOCK_MONOTONIC, 0, &(struct timespec){0, 1000}, NULL),
	      "clock_nanosleep");
	check(nanosleep(&(struct timespec){0, 1000}, NULL), "nanosleep");
	check(syscall(SYS_timer_create, CLOCK_MONOTONIC, &sev, &timer), "timer_create");
	check(timer_settime(timer, 0, &its, NULL), "timer_settime");
	check(timer_gettime(timer, &its), "timer_gettime");
	check(timer_delete(timer), "timer_delete");
	check(setitimer(ITIMER_REAL, &(struct itimerval){0}, NULL), "setitimer");
	check(getitimer(ITIMER_REAL, &(struct itimerval){0}), "getitimer");
	check((long)alarm(0), "alarm");
	check(times(&(struct tms){0}) == (clock_t)-1 ? -1 : 0, "times");
	check(syscall(SYS_adjtimex, &(struct {
		              unsigned modes;
		              char rest[204];
	              }){0}),
	      "adjtimex (read)");
}

static void sockets(void)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(sin);
	int sv[2], l, c, a, one = 1, u;
	char buf[16], cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = {.iov_base = buf, .iov_len = 1};
	struct msghdr mh = {
	    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf)};
	struct cmsghdr *cm;

	check(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), "socketpair");
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &sv[0], sizeof(int));
	buf[0] = 'x';
	check(sendmsg(sv[0], &mh, 0), "sendmsg SCM_RIGHTS");
	check(recvmsg(sv[1], &mh, MSG_CMSG_CLOEXEC), "recvmsg SCM_RIGHTS");
	check(shutdown(sv[0], SHUT_WR), "shutdown");
	close(sv[0]);
	close(sv[1]);
	l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	check(l, "socket AF_INET");
	check(setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)), "setsockopt");
	check(bind(l, (struct sockaddr *)&sin, sizeof(sin)), "bind");
	check(listen(l, 4), "listen");
	check(getsockname(l, (struct sockaddr *)&sin, &len), "getsockname");
	c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	check(connect(c, (struct sockaddr *)&sin, sizeof(sin)), "connect");
	a = accept4(l, NULL, NULL, SOCK_CLOEXEC);
	check(a, "accept4");
	check(getpeername(a, (struct sockaddr *)&sin, &len), "getpeername");
	check(getsockopt(a, SOL_SOCKET, SO_TYPE, &one, &len), "getsockopt");
	check(sendto(c, "y", 1, 0, NULL, 0), "sendto");
	check(recvfrom(a, buf, sizeof(buf), 0, NULL, NULL), "recvfrom");
	close(a);
	close(c);
	close(l);
	u = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	check(u, "socket AF_INET UDP");
	sin.sin_port = 0;
	check(bind(u, (struct sockaddr *)&sin, sizeof(sin)), "bind UDP");
	len = sizeof(sin);
	check(getsockname(u, (struct sockaddr *)&sin, &len), "getsockname UDP");
	{
		struct mmsghdr mm = {.msg_hdr = {.msg_name = &sin,
		                                 .msg_namelen = sizeof(sin),
		                                 .msg_iov = &iov,
		                                 .msg_iovlen = 1}};
		check(sendmmsg(u, &mm, 1, 0), "sendmmsg");
		mm.msg_hdr.msg_name = NULL;
		check(recvmmsg(u, &mm, 1, 0, NULL), "recvmmsg");
	}
	close(u);
	u = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	check(u, "socket AF_INET6");
	close(u);
	u = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, 0);
	check(u, "socket AF_NETLINK");
	close(u);
	u = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	check(u, "socket AF_UNIX");
	close(u);
}

static void memory(void)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	unsigned char vec[4];
	char *p = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int fd;

	check(p == MAP_FAILED ? -1 : 0, "mmap");
	if (p == MAP_FAILED)
		return;
	p[0] = 1;
	check(mprotect(p, pg, PROT_READ), "mprotect");
	check(mprotect(p, pg, PROT_READ | PROT_WRITE), "mprotect back");
	check(madvise(p, 4 * pg, MADV_DONTNEED), "madvise");
	check(mincore(p, 4 * pg, vec), "mincore");
	check(mlock(p, pg), "mlock");
	check(munlock(p, pg), "munlock");
	check(msync(p, pg, MS_ASYNC), "msync");
	p = mremap(p, 4 * pg, 8 * pg, MREMAP_MAYMOVE);
	check(p == MAP_FAILED ? -1 : 0, "mremap");
	check(munmap(p, 8 * pg), "munmap");
	check(sbrk(0) == (void *)-1 ? -1 : 0, "brk");
	fd = (int)syscall(SYS_memfd_create, "allowed", 1U /* MFD_CLOEXEC */);
	check(fd, "memfd_create");
	check(ftruncate(fd, (off_t)pg), "ftruncate memfd");
	p = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	check(p == MAP_FAILED ? -1 : 0, "mmap memfd");
	if (p != MAP_FAILED)
		munmap(p, pg);
	close(fd);
}

static void events(void)
{
	struct epoll_event ev = {.events = EPOLLIN}, out;
	struct pollfd pfd;
	sigset_t set;
	fd_set rfds;
	int ep, efd, sfd, tfd, in;
	uint64_t n = 1;

	ep = epoll_create1(EPOLL_CLOEXEC);
	check(ep, "epoll_create1");
	efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	check(efd, "eventfd2");
	check(epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev), "epoll_ctl");
	check(write(efd, &n, sizeof(n)), "write eventfd");
	check(epoll_wait(ep, &out, 1, 1000) == 1 ? 0 : -1, "epoll_wait");
	check(epoll_pwait(ep, &out, 1, 0, NULL), "epoll_pwait");
	pfd = (struct pollfd){.fd = efd, .events = POLLIN};
	check(poll(&pfd, 1, 0), "poll");
	check(ppoll(&pfd, 1, &(struct timespec){0, 0}, NULL), "ppoll");
	FD_ZERO(&rfds);
	FD_SET(efd, &rfds);
	check(select(efd + 1, &rfds, NULL, NULL, &(struct timeval){0, 0}), "select");
	check(pselect(efd + 1, &rfds, NULL, NULL, &(struct timespec){0, 0}, NULL), "pselect6");
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sfd = signalfd(-1, &set, SFD_CLOEXEC);
	check(sfd, "signalfd4");
	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	check(tfd, "timerfd_create");
	check(timerfd_settime(tfd, 0, &(struct itimerspec){.it_value = {0, 1000}}, NULL),
	      "timerfd_settime");
	check(read(tfd, &n, sizeof(n)), "read timerfd");
	in = inotify_init1(IN_CLOEXEC);
	check(in, "inotify_init1");
	check(inotify_add_watch(in, "/", IN_CREATE), "inotify_add_watch");
	close(in);
	close(tfd);
	close(sfd);
	close(efd);
	close(ep);
}

static void pipes(void)
{
	int p[2] = {-1, -1}, q[2] = {-1, -1}, n;
	char c;

	check(pipe2(p, O_CLOEXEC), "pipe2");
	if (p[0] < 0)
		return;
	check(pipe2(q, O_CLOEXEC | O_NONBLOCK), "pipe2 nonblock");
	if (q[0] < 0)
		return;
	check(write(p[1], "ab", 2), "write pipe");
	check(ioctl(p[0], FIONREAD, &n), "ioctl FIONREAD");
	check(tee(p[0], q[1], 2, 0), "tee");
	check(splice(q[0], NULL, p[1], NULL, 2, 0), "splice");
	check(vmsplice(q[1], &(struct iovec){.iov_base = "z", .iov_len = 1}, 1, 0), "vmsplice");
	check(read(p[0], &c, 1), "read pipe");
	check(fcntl(p[0], F_SETPIPE_SZ, 65536), "fcntl F_SETPIPE_SZ");
	close(p[0]);
	close(p[1]);
	close(q[0]);
	close(q[1]);
}

static void ipc(void)
{
	struct {
		long type;
		char text[4];
	} msg = {1, "hi"};
	int shm, sem, mq;
	void *p;
	mqd_t q;

	shm = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
	check(shm, "shmget");
	p = shmat(shm, NULL, 0);
	check(p == (void *)-1 ? -1 : 0, "shmat");
	check(shmdt(p), "shmdt");
	check(shmctl(shm, IPC_RMID, NULL), "shmctl");
	sem = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
	check(sem, "semget");
	check(semop(sem, &(struct sembuf){0, 1, 0}, 1), "semop");
	check(semctl(sem, 0, IPC_RMID), "semctl");
	mq = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
	check(mq, "msgget");
	check(msgsnd(mq, &msg, sizeof(msg.text), 0), "msgsnd");
	check(msgrcv(mq, &msg, sizeof(msg.text), 0, 0), "msgrcv");
	check(msgctl(mq, IPC_RMID, NULL), "msgctl");
	/* POSIX queues need /dev/mqueue only for listing: mq_open is a system call. */
	q = (mqd_t)syscall(SYS_mq_open, "allowed", O_RDWR | O_CREAT | O_CLOEXEC, 0600, NULL);
	check(q, "mq_open");
	if (q >= 0)
		close(q);
	check(syscall(SYS_mq_unlink, "allowed"), "mq_unlink");
}

static void machine(void)
{
	struct utsname u;
	struct sysinfo si;
	unsigned cpu;
	char buf[16];

	check(uname(&u), "uname");
	check(sysinfo(&si), "sysinfo");
	check(getrandom(buf, sizeof(buf), 0), "getrandom");
	check(syscall(SYS_getcpu, &cpu, NULL, NULL), "getcpu");
	check(syscall(SYS_capget, &(struct {
		              unsigned version;
		              int pid;
	              }){0x20080522, 0},
	              &(unsigned[6]){0}),
	      "capget");
	check(syscall(SYS_seccomp, 2 /* SECCOMP_GET_ACTION_AVAIL */, 0, &(unsigned){0x7fff0000U}),
	      "seccomp (action query)");
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/tmp";

	setvbuf(stdout, NULL, _IOLBF, 0);
	family = "files", files(dir);
	family = "xattrs", xattrs(dir);
	family = "processes", processes();
	family = "threads", threads();
	family = "signals", signals();
	family = "timers", timers();
	family = "sockets", sockets();
	family = "memory", memory();
	family = "events", events();
	family = "pipes", pipes();
	family = "ipc", ipc();
	family = "machine", machine();
	printf("failures=%d\n", failures);
	return failures > 125 ? 125 : failures;
}
