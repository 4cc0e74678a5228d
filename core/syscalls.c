// SPDX-License-Identifier: MIT
/*
 * syscalls: see syscalls.h. An allowlist in the shape of Docker's and Podman's default
 * profiles: the calls named in `allowed` pass, those in `guarded` (what lets root in a
 * container reach the host's kernel state: modules, kexec, keyrings, bpf, perf,
 * userfaultfd, io_uring, file handles, new namespaces and mounts, clock, swap, kernel log)
 * get EPERM unless the container holds the capability that guards them, and any other
 * call, one this table has never heard of included, gets ENOSYS, what a kernel without
 * it says, so C libraries fall back (clone3 to clone). Never loads anything itself.
 */
#include "syscalls.h"

#include <errno.h>
#include <linux/capability.h>
#include <sched.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "capset.h"
#include "log.h"
#include "util.h"

#define ALWAYS (-1)

/* What everything from boxinit to busybox, coreutils, apt, dpkg, nginx, perl, python and
 * libuv programs calls. Names this libseccomp does not know, or that another architecture
 * has (stat64 on x86, arch_prctl on x86_64), are skipped where they do not exist. */
static const char *const allowed[] = {
    /* Files and directories. */
    "access",
    "chdir",
    "chmod",
    "chown",
    "chown32",
    "close",
    "close_range",
    "copy_file_range",
    "creat",
    "dup",
    "dup2",
    "dup3",
    "faccessat",
    "faccessat2",
    "fadvise64",
    "fadvise64_64",
    "fallocate",
    "fchdir",
    "fchmod",
    "fchmodat",
    "fchmodat2",
    "fchown",
    "fchown32",
    "fchownat",
    "fcntl",
    "fcntl64",
    "fdatasync",
    "flock",
    "fstat",
    "fstat64",
    "fstatat64",
    "fstatfs",
    "fstatfs64",
    "fsync",
    "ftruncate",
    "ftruncate64",
    "futimesat",
    "getcwd",
    "getdents",
    "getdents64",
    "lchown",
    "lchown32",
    "link",
    "linkat",
    "_llseek",
    "lseek",
    "lstat",
    "lstat64",
    "mkdir",
    "mkdirat",
    "mknod",
    "mknodat",
    "newfstatat",
    "open",
    "openat",
    "openat2",
    "pread64",
    "preadv",
    "preadv2",
    "pwrite64",
    "pwritev",
    "pwritev2",
    "read",
    "readahead",
    "readlink",
    "readlinkat",
    "readv",
    "rename",
    "renameat",
    "renameat2",
    "rmdir",
    "sendfile",
    "sendfile64",
    "splice",
    "stat",
    "stat64",
    "statfs",
    "statfs64",
    "statx",
    "symlink",
    "symlinkat",
    "sync",
    "sync_file_range",
    "sync_file_range2",
    "syncfs",
    "tee",
    "truncate",
    "truncate64",
    "umask",
    "unlink",
    "unlinkat",
    "utime",
    "utimensat",
    "utimensat_time64",
    "utimes",
    "vmsplice",
    "write",
    "writev",
    "cachestat",
    /* Extended attributes. */
    "fgetxattr",
    "flistxattr",
    "fremovexattr",
    "fsetxattr",
    "getxattr",
    "lgetxattr",
    "listxattr",
    "llistxattr",
    "lremovexattr",
    "lsetxattr",
    "removexattr",
    "setxattr",
    /* Event notification and multiplexing. */
    "epoll_create",
    "epoll_create1",
    "epoll_ctl",
    "epoll_ctl_old",
    "epoll_pwait",
    "epoll_pwait2",
    "epoll_wait",
    "epoll_wait_old",
    "eventfd",
    "eventfd2",
    "fanotify_mark",
    "inotify_add_watch",
    "inotify_init",
    "inotify_init1",
    "inotify_rm_watch",
    "_newselect",
    "pipe",
    "pipe2",
    "poll",
    "ppoll",
    "ppoll_time64",
    "pselect6",
    "pselect6_time64",
    "select",
    "signalfd",
    "signalfd4",
    "timerfd_create",
    "timerfd_gettime",
    "timerfd_gettime64",
    "timerfd_settime",
    "timerfd_settime64",
    /* Asynchronous I/O (the old interface; io_uring is guarded). */
    "io_cancel",
    "io_destroy",
    "io_getevents",
    "io_pgetevents",
    "io_pgetevents_time64",
    "io_setup",
    "io_submit",
    /* Processes, threads, sessions and credentials (clone, clone3, unshare and
     * personality have rules of their own). */
    "capget",
    "capset",
    "execve",
    "execveat",
    "exit",
    "exit_group",
    "fork",
    "getegid",
    "getegid32",
    "geteuid",
    "geteuid32",
    "getgid",
    "getgid32",
    "getgroups",
    "getgroups32",
    "getpgid",
    "getpgrp",
    "getpid",
    "getppid",
    "getpriority",
    "getresgid",
    "getresgid32",
    "getresuid",
    "getresuid32",
    "getrlimit",
    "get_robust_list",
    "getrusage",
    "getsid",
    "gettid",
    "getuid",
    "getuid32",
    "ioprio_get",
    "ioprio_set",
    "membarrier",
    "pidfd_open",
    "pidfd_send_signal",
    "prctl",
    "prlimit64",
    "process_mrelease",
    "restart_syscall",
    "rseq",
    "sched_getaffinity",
    "sched_getattr",
    "sched_getparam",
    "sched_get_priority_max",
    "sched_get_priority_min",
    "sched_getscheduler",
    "sched_rr_get_interval",
    "sched_rr_get_interval_time64",
    "sched_setaffinity",
    "sched_setattr",
    "sched_setparam",
    "sched_setscheduler",
    "sched_yield",
    "seccomp",
    "setfsgid",
    "setfsgid32",
    "setfsuid",
    "setfsuid32",
    "setgid",
    "setgid32",
    "setgroups",
    "setgroups32",
    "setpgid",
    "setpriority",
    "setregid",
    "setregid32",
    "setresgid",
    "setresgid32",
    "setresuid",
    "setresuid32",
    "setreuid",
    "setreuid32",
    "setrlimit",
    "set_robust_list",
    "setsid",
    "set_tid_address",
    "setuid",
    "setuid32",
    "ugetrlimit",
    "vfork",
    "wait4",
    "waitid",
    "waitpid",
    "landlock_add_rule",
    "landlock_create_ruleset",
    "landlock_restrict_self",
    /* Tracing and reading another process of the container: the kernel checks ptrace
     * access (since Linux 4.8 seccomp cannot be bypassed through ptrace). */
    "ptrace",
    "process_vm_readv",
    "process_vm_writev",
    /* Signals. */
    "alarm",
    "kill",
    "pause",
    "rt_sigaction",
    "rt_sigpending",
    "rt_sigprocmask",
    "rt_sigqueueinfo",
    "rt_sigreturn",
    "rt_sigsuspend",
    "rt_sigtimedwait",
    "rt_sigtimedwait_time64",
    "rt_tgsigqueueinfo",
    "sigaction",
    "sigaltstack",
    "signal",
    "sigpending",
    "sigprocmask",
    "sigreturn",
    "sigsuspend",
    "tgkill",
    "tkill",
    /* Time and timers (setting the clock is guarded). */
    "adjtimex",
    "clock_getres",
    "clock_getres_time64",
    "clock_gettime",
    "clock_gettime64",
    "clock_nanosleep",
    "clock_nanosleep_time64",
    "getitimer",
    "gettimeofday",
    "nanosleep",
    "setitimer",
    "time",
    "timer_create",
    "timer_delete",
    "timer_getoverrun",
    "timer_gettime",
    "timer_gettime64",
    "timer_settime",
    "timer_settime64",
    "times",
    /* Futexes. */
    "futex",
    "futex_requeue",
    "futex_time64",
    "futex_wait",
    "futex_waitv",
    "futex_wake",
    /* Memory. */
    "brk",
    "madvise",
    "map_shadow_stack",
    "memfd_create",
    "memfd_secret",
    "mincore",
    "mlock",
    "mlock2",
    "mlockall",
    "mmap",
    "mmap2",
    "mprotect",
    "mremap",
    "msync",
    "munlock",
    "munlockall",
    "munmap",
    "pkey_alloc",
    "pkey_free",
    "pkey_mprotect",
    "remap_file_pages",
    /* System V and POSIX IPC (namespaced). */
    "ipc",
    "mq_getsetattr",
    "mq_notify",
    "mq_open",
    "mq_timedreceive",
    "mq_timedreceive_time64",
    "mq_timedsend",
    "mq_timedsend_time64",
    "mq_unlink",
    "msgctl",
    "msgget",
    "msgrcv",
    "msgsnd",
    "semctl",
    "semget",
    "semop",
    "semtimedop",
    "semtimedop_time64",
    "shmat",
    "shmctl",
    "shmdt",
    "shmget",
    /* Sockets (socket has a rule of its own; on x86 everything goes through socketcall). */
    "accept",
    "accept4",
    "bind",
    "connect",
    "getpeername",
    "getsockname",
    "getsockopt",
    "listen",
    "recv",
    "recvfrom",
    "recvmmsg",
    "recvmmsg_time64",
    "recvmsg",
    "send",
    "sendmmsg",
    "sendmsg",
    "sendto",
    "setsockopt",
    "shutdown",
    "socketcall",
    "socketpair",
    /* The mount table: boxinit mounts /proc, /sys, /dev and the console under this filter
     * while it still holds CAP_SYS_ADMIN (it drops the container's capabilities after its
     * mounts); without CAP_SYS_ADMIN the kernel refuses them anyway. */
    "mount",
    "umount",
    "umount2",
    /* The machine, read-only; x86's thread-local storage and segments. */
    "getcpu",
    "getrandom",
    "sysinfo",
    "uname",
    "arch_prctl",
    "get_thread_area",
    "set_thread_area",
    "modify_ldt",
    /* arm's own entry points. */
    "arm_fadvise64_64",
    "arm_sync_file_range",
    "breakpoint",
    "cacheflush",
    "set_tls",
};

/* EPERM, unless the container holds cap (given back with --cap-add). */
static const struct {
	const char *name;
	int cap; /* allowed again when the set holds it; ALWAYS: never */
} guarded[] = {
    /* Kernel code and the running kernel. */
    {"init_module", CAP_SYS_MODULE},
    {"finit_module", CAP_SYS_MODULE},
    {"delete_module", CAP_SYS_MODULE},
    {"create_module", ALWAYS},
    {"query_module", ALWAYS},
    {"get_kernel_syms", ALWAYS},
    {"kexec_load", CAP_SYS_BOOT},
    {"kexec_file_load", CAP_SYS_BOOT},
    {"reboot", CAP_SYS_BOOT},
    {"iopl", CAP_SYS_RAWIO},
    {"ioperm", CAP_SYS_RAWIO},
    /* Keyrings are not namespaced: root's keys are the host root's keys. */
    {"keyctl", ALWAYS},
    {"add_key", ALWAYS},
    {"request_key", ALWAYS},
    /* Large kernel attack surface reachable without any capability. */
    {"bpf", CAP_SYS_ADMIN},
    {"perf_event_open", CAP_SYS_ADMIN},
    {"fanotify_init", CAP_SYS_ADMIN},
    {"lookup_dcookie", CAP_SYS_ADMIN},
    {"userfaultfd", ALWAYS},
    {"io_uring_setup", ALWAYS},
    {"io_uring_enter", ALWAYS},
    {"io_uring_register", ALWAYS},
    /* File handles walk past the root (the "shocker" escape). */
    {"open_by_handle_at", CAP_DAC_READ_SEARCH},
    {"name_to_handle_at", CAP_SYS_ADMIN},
    /* Namespaces, the root and the new mount API (mount(2) itself: see `allowed`). */
    {"setns", CAP_SYS_ADMIN},
    {"pivot_root", CAP_SYS_ADMIN},
    {"chroot", CAP_SYS_CHROOT},
    {"fsopen", CAP_SYS_ADMIN},
    {"fsconfig", CAP_SYS_ADMIN},
    {"fsmount", CAP_SYS_ADMIN},
    {"fspick", CAP_SYS_ADMIN},
    {"open_tree", CAP_SYS_ADMIN},
    {"move_mount", CAP_SYS_ADMIN},
    {"mount_setattr", CAP_SYS_ADMIN},
    {"sethostname", CAP_SYS_ADMIN},
    {"setdomainname", CAP_SYS_ADMIN},
    {"swapon", CAP_SYS_ADMIN},
    {"swapoff", CAP_SYS_ADMIN},
    {"quotactl", CAP_SYS_ADMIN},
    {"quotactl_fd", CAP_SYS_ADMIN},
    /* Other processes' insides, beyond what ptrace access allows. */
    {"kcmp", CAP_SYS_PTRACE},
    {"pidfd_getfd", CAP_SYS_PTRACE},
    {"process_madvise", CAP_SYS_PTRACE},
    /* NUMA placement of memory. */
    {"get_mempolicy", CAP_SYS_NICE},
    {"set_mempolicy", CAP_SYS_NICE},
    {"set_mempolicy_home_node", CAP_SYS_NICE},
    {"mbind", CAP_SYS_NICE},
    /* The host's clock, log and terminals. */
    {"settimeofday", CAP_SYS_TIME},
    {"clock_settime", CAP_SYS_TIME},
    {"clock_settime64", CAP_SYS_TIME},
    {"clock_adjtime", CAP_SYS_TIME},
    {"clock_adjtime64", CAP_SYS_TIME},
    {"stime", CAP_SYS_TIME},
    {"syslog", CAP_SYSLOG},
    {"acct", CAP_SYS_PACCT},
    {"vhangup", CAP_SYS_TTY_CONFIG},
    /* Obsolete interfaces nothing in a container needs. */
    {"uselib", ALWAYS},
    {"ustat", ALWAYS},
    {"sysfs", ALWAYS},
    {"_sysctl", ALWAYS},
    {"nfsservctl", ALWAYS},
    {"vm86", ALWAYS},
    {"vm86old", ALWAYS},
};

/* clone and unshare may not make namespaces (a user namespace gives every capability
 * in it); clone3 passes its flags in memory, out of the filter's reach, so it gets the
 * default answer, ENOSYS, and the C libraries fall back to clone. */
static const unsigned long ns_flags[] = {
    CLONE_NEWNS,  CLONE_NEWUTS, CLONE_NEWIPC,    CLONE_NEWUSER,
    CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWCGROUP, CLONE_NEWTIME,
};

/* personality: Linux and 32-bit Linux, each with or without UNAME26, and the query
 * (0xffffffff); any other persona (ADDR_NO_RANDOMIZE, READ_IMPLIES_EXEC...) gets ENOSYS. */
static const unsigned long personas[] = {0x0, 0x8, 0x20000, 0x20008, 0xffffffff};

/* ioctls on a terminal that reach past the container: TIOCSTI pushes input into a terminal
 * (the host's, were the container ever handed one), TIOCLINUX acts on the virtual console.
 * Sorted: allow_complement walks them in order. */
static const unsigned long denied_ioctls[] = {TIOCSTI, TIOCLINUX};

/* Socket families a container has no use for, and which the kernel does not namespace or
 * which carry much rarely used code: everything but unix, inet, inet6, netlink and
 * packet (raw sockets need CAP_NET_RAW anyway). vsock (40) in particular shares the host's
 * port space whatever the network namespace. Refused with EAFNOSUPPORT, what a kernel
 * without them says, so programs fall back as they would there. Ranges of family numbers
 * (AF_MAX is below 64); from 18 up: one rule, which also catches any value with high bits
 * set (the kernel takes the family as an int). Every family below 18 is either here or in
 * allowed_families. */
static const struct {
	unsigned lo, hi;
} denied_families[] = {{0, 0}, {3, 9}, {11, 15}};
static const unsigned allowed_families[] = {AF_UNIX, AF_INET, AF_INET6, AF_NETLINK, AF_PACKET};
#define FAMILY_FIRST_HIGH 18

/* The template (syscalls_build_template): the calls whose answer depends on the capability
 * set return these errno values, out of any real errno's range, which syscalls_fit turns
 * into ALLOW, EPERM or ENOSYS for a given set: guarded[i] returns MARK_BASE + i. */
#define MARK_BASE   SYSCALLS_MARK_BASE
#define MARK_ADMIN  (MARK_BASE + (unsigned)ARRAY_SIZE(guarded)) /* clone, unshare: namespaces */
#define MARK_CLONE3 (MARK_ADMIN + 1)
#define ACTION_MASK 0xffff0000U

static bool has_cap(uint64_t caps, int cap)
{
	return cap != ALWAYS && cap < 64 && (caps & CAPSET_BIT(cap));
}

uint64_t syscalls_caps_that_matter(void)
{
	uint64_t m = CAPSET_BIT(CAP_SYS_ADMIN); /* clone3, clone and unshare */

	for (size_t i = 0; i < ARRAY_SIZE(guarded); i++)
		if (guarded[i].cap != ALWAYS)
			m |= CAPSET_BIT(guarded[i].cap);
	return m;
}

enum syscall_verdict syscalls_verdict(const char *name, uint64_t caps)
{
	static const char *const by_args[] = {"clone", "unshare", "personality", "socket", "ioctl"};

	if (STREQ(name, "clone3"))
		return has_cap(caps, CAP_SYS_ADMIN) ? SYSCALL_ALLOWED : SYSCALL_ENOSYS;
	for (size_t i = 0; i < ARRAY_SIZE(by_args); i++)
		if (STREQ(name, by_args[i]))
			return SYSCALL_BY_ARGS;
	for (size_t i = 0; i < ARRAY_SIZE(guarded); i++)
		if (STREQ(name, guarded[i].name))
			return has_cap(caps, guarded[i].cap) ? SYSCALL_ALLOWED : SYSCALL_EPERM;
	for (size_t i = 0; i < ARRAY_SIZE(allowed); i++)
		if (STREQ(name, allowed[i]))
			return SYSCALL_ALLOWED;
	return SYSCALL_ENOSYS;
}

bool syscalls_denied(const char *name, uint64_t caps)
{
	enum syscall_verdict v = syscalls_verdict(name, caps);

	return v == SYSCALL_EPERM || v == SYSCALL_ENOSYS;
}

/* action for name, under conditions conds (n of them). */
static int rule(scmp_filter_ctx ctx, uint32_t action, const char *name, unsigned n,
                const struct scmp_arg_cmp *conds)
{
	int nr = seccomp_syscall_resolve_name(name);
	int r;

	/* Unknown to libseccomp on every architecture: the default answers it. */
	if (nr == __NR_SCMP_ERROR)
		return 0;
	r = seccomp_rule_add_array(ctx, action, nr, n, conds);
	return r < 0 ? log_errno(r, "add the seccomp rule for '%s'", name) : 0;
}

/* clone and unshare: without namespace flags allowed, with any of them EPERM. The two
 * sets of rules cover every value once: libseccomp does not say which of two rules that
 * match one call wins. */
static int no_namespaces(scmp_filter_ctx ctx, const char *name, uint32_t refuse)
{
	unsigned long all = 0;
	int r = 0;

	for (size_t i = 0; i < ARRAY_SIZE(ns_flags); i++)
		all |= ns_flags[i];
	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(ns_flags); i++) {
		struct scmp_arg_cmp flag = SCMP_A0(SCMP_CMP_MASKED_EQ, ns_flags[i], ns_flags[i]);

		r = rule(ctx, refuse, name, 1, &flag);
	}
	if (r == 0) {
		struct scmp_arg_cmp none = SCMP_A0(SCMP_CMP_MASKED_EQ, all, 0);

		r = rule(ctx, SCMP_ACT_ALLOW, name, 1, &none);
	}
	return r;
}

static int personality_values(scmp_filter_ctx ctx)
{
	int r = 0;

	/* The kernel takes an unsigned int: only the low 32 bits count. */
	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(personas); i++) {
		struct scmp_arg_cmp v = SCMP_A0(SCMP_CMP_MASKED_EQ, 0xffffffffULL, personas[i]);

		r = rule(ctx, SCMP_ACT_ALLOW, "personality", 1, &v);
	}
	return r;
}

/*
 * Allows ioctl for every command whose low 32 bits (all the kernel reads) are none of
 * vals[0..n), sorted, which share bits 31..bit+1 with prefix: a walk down the binary trie
 * of the refused values, one rule for each branch that holds none of them. Two refused
 * commands cost about 34 rules: libseccomp lets an unconditional rule override the
 * conditional ones of the same call, so "allow, but refuse these" must be spelt out.
 */
static int allow_complement(scmp_filter_ctx ctx, const unsigned long *vals, size_t n, int bit,
                            uint32_t prefix)
{
	uint32_t above = bit >= 31 ? 0 : (uint32_t)(0xffffffffULL << (bit + 1));
	size_t zeros = 0;
	int r;

	if (n == 0) {
		struct scmp_arg_cmp c = SCMP_A1(SCMP_CMP_MASKED_EQ, above, prefix);

		return rule(ctx, SCMP_ACT_ALLOW, "ioctl", 1, &c);
	}
	if (bit < 0)
		return 0; /* exactly a refused value */
	while (zeros < n && !(vals[zeros] & (1UL << bit)))
		zeros++;
	r = allow_complement(ctx, vals, zeros, bit - 1, prefix);
	if (r == 0)
		r = allow_complement(ctx, vals + zeros, n - zeros, bit - 1, prefix | (1U << bit));
	return r;
}

/* The command is an unsigned int to the kernel: compare the low 32 bits only, or a value
 * with high bits set would pass the filter and still be TIOCSTI. */
static int ioctls(scmp_filter_ctx ctx)
{
	int r = 0;

	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(denied_ioctls); i++) {
		struct scmp_arg_cmp req =
		    SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffULL, denied_ioctls[i]);

		r = rule(ctx, SCMP_ACT_ERRNO(EPERM), "ioctl", 1, &req);
	}
	return r == 0 ? allow_complement(ctx, denied_ioctls, ARRAY_SIZE(denied_ioctls), 31, 0) : r;
}

static int families(scmp_filter_ctx ctx)
{
	struct scmp_arg_cmp high = SCMP_A0(SCMP_CMP_GE, FAMILY_FIRST_HIGH, 0);
	uint32_t refuse = SCMP_ACT_ERRNO(EAFNOSUPPORT);
	int r = rule(ctx, refuse, "socket", 1, &high);

	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(denied_families); i++)
		for (unsigned f = denied_families[i].lo; r == 0 && f <= denied_families[i].hi;
		     f++) {
			struct scmp_arg_cmp eq = SCMP_A0(SCMP_CMP_EQ, f, 0);

			r = rule(ctx, refuse, "socket", 1, &eq);
		}
	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(allowed_families); i++) {
		struct scmp_arg_cmp eq = SCMP_A0(SCMP_CMP_EQ, allowed_families[i], 0);

		r = rule(ctx, SCMP_ACT_ALLOW, "socket", 1, &eq);
	}
	return r;
}

/* 32-bit entry points of a 64-bit kernel: a filter without them would let a 32-bit
 * binary call what the native one cannot (libseccomp kills unknown arches). x86 is not
 * here: it gets a filter of its own, merged in (see syscalls_build). */
static int add_arches(scmp_filter_ctx ctx)
{
	static const uint32_t x86_64_compat[] = {SCMP_ARCH_X32};
	static const uint32_t aarch64_compat[] = {SCMP_ARCH_ARM};
	uint32_t native = seccomp_arch_native();
	const uint32_t *compat = NULL;
	size_t n = 0;

	if (native == SCMP_ARCH_X86_64)
		compat = x86_64_compat, n = ARRAY_SIZE(x86_64_compat);
	else if (native == SCMP_ARCH_AARCH64)
		compat = aarch64_compat, n = ARRAY_SIZE(aarch64_compat);
	for (size_t i = 0; i < n; i++) {
		int r = seccomp_arch_add(ctx, compat[i]);

		if (r < 0 && r != -EEXIST)
			return log_errno(r, "add architecture 0x%x to the seccomp filter",
			                 compat[i]);
	}
	return 0;
}

/* What a filter is built for: a capability set, or the template (see MARK_BASE). */
struct target {
	uint64_t caps;
	bool template;
};

/* The calls whose verdict depends on their arguments (see syscalls_verdict).
 * with_families: the socket family rules, for every arch but x86 (see merge_x86). */
static int add_arg_rules(scmp_filter_ctx ctx, const struct target *t, bool with_families)
{
	uint32_t ns = t->template ? SCMP_ACT_ERRNO(MARK_ADMIN) : SCMP_ACT_ERRNO(EPERM);
	int r = personality_values(ctx);

	if (r == 0)
		r = ioctls(ctx);
	if (r == 0)
		r = with_families ? families(ctx) : rule(ctx, SCMP_ACT_ALLOW, "socket", 0, NULL);
	if (r == 0 && t->template)
		r = rule(ctx, SCMP_ACT_ERRNO(MARK_CLONE3), "clone3", 0, NULL);
	if (r < 0 || t->template || !has_cap(t->caps, CAP_SYS_ADMIN)) {
		if (r == 0)
			r = no_namespaces(ctx, "clone", ns);
		return r == 0 ? no_namespaces(ctx, "unshare", ns) : r;
	}
	r = rule(ctx, SCMP_ACT_ALLOW, "clone", 0, NULL);
	if (r == 0)
		r = rule(ctx, SCMP_ACT_ALLOW, "unshare", 0, NULL);
	return r == 0 ? rule(ctx, SCMP_ACT_ALLOW, "clone3", 0, NULL) : r;
}

static uint32_t guarded_action(const struct target *t, size_t i)
{
	if (guarded[i].cap == ALWAYS)
		return SCMP_ACT_ERRNO(EPERM);
	if (t->template)
		return SCMP_ACT_ERRNO(MARK_BASE + (unsigned)i);
	return has_cap(t->caps, guarded[i].cap) ? SCMP_ACT_ALLOW : SCMP_ACT_ERRNO(EPERM);
}

static int add_rules(scmp_filter_ctx ctx, const struct target *t, bool with_families)
{
	int r = 0;

	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(allowed); i++)
		r = rule(ctx, SCMP_ACT_ALLOW, allowed[i], 0, NULL);
	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(guarded); i++)
		r = rule(ctx, guarded_action(t, i), guarded[i].name, 0, NULL);
	return r == 0 ? add_arg_rules(ctx, t, with_families) : r;
}

static scmp_filter_ctx new_filter(void)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(ENOSYS));
	int r;

	if (!ctx)
		return NULL;
	/* A binary tree of syscall numbers rather than a list: an allowlist of 350 calls is
	 * otherwise a linear scan on every call, and the kernel's per-syscall action cache
	 * is quicker to fill at load. */
	r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if (r < 0)
		log_debug_errno(r, "seccomp: no binary tree optimization");
	return ctx;
}

/* The 32-bit x86 entry points. There socket() is also reached through socketcall(2),
 * whose arguments lie in memory where no filter can read them; libseccomp turns a rule on
 * socket's family into "socketcall(SYS_SOCKET)", which would refuse every socket of a
 * 32-bit program. So x86 gets every rule but the families, in a filter of its own. */
static int merge_x86(scmp_filter_ctx ctx, const struct target *t)
{
	scmp_filter_ctx x86 = new_filter();
	int r;

	if (!x86)
		return log_errno(-ENOMEM, "create the seccomp filter");
	r = seccomp_arch_add(x86, SCMP_ARCH_X86);
	if (r == 0)
		r = seccomp_arch_remove(x86, SCMP_ARCH_NATIVE);
	if (r == 0)
		r = add_rules(x86, t, false);
	if (r == 0)
		r = seccomp_merge(ctx, x86); /* takes x86 on success */
	if (r < 0) {
		seccomp_release(x86);
		return log_errno(r, "add architecture x86 to the seccomp filter");
	}
	return 0;
}
/* libseccomp 2.5 exports to a descriptor only: through a memfd into memory, so the
 * child has nothing left to allocate. */
int syscalls_export(void *ctx, struct syscall_filter *ret)
{
	_cleanup_close_ int fd = memfd_create("box-seccomp", MFD_CLOEXEC);
	_cleanup_free_ struct sock_filter *prog = NULL;
	off_t size;
	int r;

	if (fd < 0)
		return log_errno(-errno, "create a memfd for the seccomp filter");
	r = seccomp_export_bpf(ctx, fd);
	if (r < 0)
		return log_errno(r, "export the seccomp filter");
	size = lseek(fd, 0, SEEK_END);
	if (size <= 0 || size % (off_t)sizeof(*prog) || size / (off_t)sizeof(*prog) > BPF_MAXINSNS)
		return log_errno(-EINVAL,
		                 "export the seccomp filter: %lld bytes (at most %d "
		                 "instructions)",
		                 (long long)size, BPF_MAXINSNS);
	prog = malloc((size_t)size);
	if (!prog)
		return log_errno(-ENOMEM, "export the seccomp filter");
	if (pread(fd, prog, (size_t)size, 0) != size)
		return log_errno(-EIO, "read back the seccomp filter");
	ret->len = (unsigned short)(size / (off_t)sizeof(*prog));
	ret->prog = steal_ptr(&prog);
	ret->owned = true;
	return 0;
}

static int build(const struct target *t, struct syscall_filter *ret)
{
	scmp_filter_ctx ctx = new_filter();
	int r;

	if (!ctx)
		return log_errno(-ENOMEM, "create the seccomp filter");
	r = add_arches(ctx);
	if (r == 0)
		r = add_rules(ctx, t, true);
	if (r == 0 && seccomp_arch_native() == SCMP_ARCH_X86_64)
		r = merge_x86(ctx, t);
	if (r == 0)
		r = syscalls_export(ctx, ret);
	seccomp_release(ctx);
	return r;
}

int syscalls_build(uint64_t caps, struct syscall_filter *ret)
{
	struct target t = {.caps = caps};

	return build(&t, ret);
}

int syscalls_build_template(struct syscall_filter *ret)
{
	struct target t = {.template = true};

	return build(&t, ret);
}

/* A return of the template, as the filter for caps returns it. */
static uint32_t fitted(uint32_t k, uint64_t caps)
{
	uint32_t data = k & ~ACTION_MASK;

	if ((k & ACTION_MASK) != SCMP_ACT_ERRNO(0) || data < MARK_BASE || data > MARK_CLONE3)
		return k;
	if (data == MARK_CLONE3)
		return has_cap(caps, CAP_SYS_ADMIN) ? SCMP_ACT_ALLOW : SCMP_ACT_ERRNO(ENOSYS);
	if (data == MARK_ADMIN)
		return has_cap(caps, CAP_SYS_ADMIN) ? SCMP_ACT_ALLOW : SCMP_ACT_ERRNO(EPERM);
	return has_cap(caps, guarded[data - MARK_BASE].cap) ? SCMP_ACT_ALLOW
	                                                    : SCMP_ACT_ERRNO(EPERM);
}

int syscalls_fit(const struct sock_filter *tmpl, unsigned short len, uint64_t caps,
                 struct syscall_filter *ret)
{
	struct sock_filter *prog = malloc(len * sizeof(*prog));

	if (!prog)
		return log_errno(-ENOMEM, "fit the seccomp filter");
	memcpy(prog, tmpl, len * sizeof(*prog));
	/* libseccomp returns with BPF_RET|BPF_K only: no other instruction is a return. */
	for (unsigned i = 0; i < len; i++)
		if (prog[i].code == (BPF_RET | BPF_K))
			prog[i].k = fitted(prog[i].k, caps);
	*ret = (struct syscall_filter){.prog = prog, .len = len, .owned = true};
	return 0;
}

int syscalls_load(const struct syscall_filter *f)
{
	struct sock_fprog prog = {.len = f->len, .filter = f->prog};

	if (!f->prog)
		return 0;
	/* launch's child is root in the host's user namespace (CAP_SYS_ADMIN): no need for
	 * no_new_privs, which stays the user's choice (--no-new-privileges). */
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0 ? -errno : 0;
}

void syscalls_free(struct syscall_filter *f)
{
	if (f->owned)
		free(f->prog);
	f->owned = false;
	f->prog = NULL;
	f->len = 0;
}
