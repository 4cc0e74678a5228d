// SPDX-License-Identifier: MIT
/*
 * syscalls: see syscalls.h. A denylist, not Docker's allowlist: it refuses what
 * lets root in a container reach the host's kernel state (modules, kexec, keyrings,
 * bpf, perf, userfaultfd, io_uring, file handles, new namespaces, clock, swap,
 * kernel log) and keeps everything else working. A call guarded by a capability
 * the container was given back with --cap-add is allowed again, as Docker does.
 * mount, umount2 and pivot_root are not in it: boxinit mounts /proc, /sys and /dev
 * under this filter, and without CAP_SYS_ADMIN the kernel refuses them anyway.
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
#include <unistd.h>

#include "capset.h"
#include "log.h"
#include "util.h"

#define ALWAYS (-1)

static const struct {
	const char *name;
	int cap; /* allowed again when the set holds it; ALWAYS: never */
} denied[] = {
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
    {"userfaultfd", ALWAYS},
    {"io_uring_setup", ALWAYS},
    {"io_uring_enter", ALWAYS},
    {"io_uring_register", ALWAYS},
    {"lookup_dcookie", CAP_SYS_ADMIN},
    /* File handles walk past the root (the "shocker" escape). */
    {"open_by_handle_at", CAP_DAC_READ_SEARCH},
    {"name_to_handle_at", CAP_SYS_ADMIN},
    /* Namespaces and the new mount API (mount(2) itself: see the top). */
    {"setns", CAP_SYS_ADMIN},
    {"fsopen", CAP_SYS_ADMIN},
    {"fsconfig", CAP_SYS_ADMIN},
    {"fsmount", CAP_SYS_ADMIN},
    {"fspick", CAP_SYS_ADMIN},
    {"open_tree", CAP_SYS_ADMIN},
    {"move_mount", CAP_SYS_ADMIN},
    {"mount_setattr", CAP_SYS_ADMIN},
    {"swapon", CAP_SYS_ADMIN},
    {"swapoff", CAP_SYS_ADMIN},
    {"quotactl", CAP_SYS_ADMIN},
    /* The host's clock and log. */
    {"settimeofday", CAP_SYS_TIME},
    {"clock_settime", CAP_SYS_TIME},
    {"clock_adjtime", CAP_SYS_TIME},
    {"stime", CAP_SYS_TIME},
    {"syslog", CAP_SYSLOG},
    {"acct", CAP_SYS_PACCT},
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
 * in it); clone3 passes its flags in memory, out of the filter's reach, so it reports
 * ENOSYS and the C libraries fall back to clone. */
static const unsigned long ns_flags[] = {
    CLONE_NEWNS,  CLONE_NEWUTS, CLONE_NEWIPC,    CLONE_NEWUSER,
    CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWCGROUP, CLONE_NEWTIME,
};

/* ioctls on a terminal that reach past the container: TIOCSTI pushes input into a terminal
 * (the host's, were the container ever handed one), TIOCLINUX acts on the virtual console. */
static const unsigned long denied_ioctls[] = {TIOCSTI, TIOCLINUX};

/* Socket families a container has no use for, and which the kernel does not namespace or
 * which carry much rarely used code: everything but unix, inet, inet6, netlink and
 * packet (raw sockets need CAP_NET_RAW anyway). vsock (40) in particular shares the host's
 * port space whatever the network namespace. Refused with EAFNOSUPPORT, what a kernel
 * without them says, so programs fall back as they would there. Ranges of family numbers
 * (AF_MAX is below 64); from 18 up: one rule, which also catches any value with high bits
 * set (the kernel takes the family as an int). */
static const struct {
	unsigned lo, hi;
} denied_families[] = {{0, 0}, {3, 9}, {11, 15}};
#define FAMILY_FIRST_HIGH 18

static bool has_cap(uint64_t caps, int cap)
{
	return cap != ALWAYS && cap < 64 && (caps & CAPSET_BIT(cap));
}

uint64_t syscalls_caps_that_matter(void)
{
	uint64_t m = CAPSET_BIT(CAP_SYS_ADMIN); /* clone3, clone and unshare */

	for (size_t i = 0; i < ARRAY_SIZE(denied); i++)
		if (denied[i].cap != ALWAYS)
			m |= CAPSET_BIT(denied[i].cap);
	return m;
}

bool syscalls_denied(const char *name, uint64_t caps)
{
	if (STREQ(name, "clone3"))
		return !has_cap(caps, CAP_SYS_ADMIN);
	for (size_t i = 0; i < ARRAY_SIZE(denied); i++)
		if (STREQ(name, denied[i].name))
			return !has_cap(caps, denied[i].cap);
	return false;
}

static int deny(scmp_filter_ctx ctx, const char *name, int err)
{
	int nr = seccomp_syscall_resolve_name(name);
	int r;

	/* Unknown to libseccomp on every architecture: nothing to refuse. */
	if (nr == __NR_SCMP_ERROR)
		return 0;
	r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO((unsigned)err), nr, 0);
	return r < 0 ? log_errno(r, "deny system call '%s'", name) : 0;
}

static int deny_namespaces(scmp_filter_ctx ctx, const char *name)
{
	int nr = seccomp_syscall_resolve_name(name);

	for (size_t i = 0; i < ARRAY_SIZE(ns_flags); i++) {
		struct scmp_arg_cmp flag = SCMP_A0(SCMP_CMP_MASKED_EQ, ns_flags[i], ns_flags[i]);
		int r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 1, flag);

		if (r < 0)
			return log_errno(r, "deny new namespaces to '%s'", name);
	}
	return 0;
}

/* The command is an unsigned int to the kernel: compare the low 32 bits only, or a value
 * with high bits set would pass the filter and still be TIOCSTI. */
static int deny_ioctls(scmp_filter_ctx ctx)
{
	for (size_t i = 0; i < ARRAY_SIZE(denied_ioctls); i++) {
		struct scmp_arg_cmp req =
		    SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffULL, denied_ioctls[i]);
		int r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ioctl), 1, req);

		if (r < 0)
			return log_errno(r, "deny ioctl 0x%lx", denied_ioctls[i]);
	}
	return 0;
}

static int deny_family(scmp_filter_ctx ctx, int nr, struct scmp_arg_cmp cmp)
{
	int r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EAFNOSUPPORT), nr, 1, cmp);

	return r < 0 ? log_errno(r, "deny socket families") : 0;
}

static int deny_families(scmp_filter_ctx ctx)
{
	int nr = SCMP_SYS(socket);
	int r = deny_family(ctx, nr, SCMP_A0(SCMP_CMP_GE, FAMILY_FIRST_HIGH, 0));

	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(denied_families); i++)
		for (unsigned f = denied_families[i].lo; r == 0 && f <= denied_families[i].hi; f++)
			r = deny_family(ctx, nr, SCMP_A0(SCMP_CMP_EQ, f, 0));
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

/* families: the socket family rules, for every arch but x86 (see syscalls_build). */
static int add_rules(scmp_filter_ctx ctx, uint64_t caps, bool families)
{
	int r = 0;

	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(denied); i++)
		if (!has_cap(caps, denied[i].cap))
			r = deny(ctx, denied[i].name, EPERM);
	if (r == 0)
		r = deny_ioctls(ctx);
	if (r == 0 && families)
		r = deny_families(ctx);
	if (r < 0 || has_cap(caps, CAP_SYS_ADMIN))
		return r;
	r = deny(ctx, "clone3", ENOSYS);
	if (r == 0)
		r = deny_namespaces(ctx, "clone");
	if (r == 0)
		r = deny_namespaces(ctx, "unshare");
	return r;
}

static scmp_filter_ctx new_filter(void)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int r;

	if (!ctx)
		return NULL;
	/* A binary tree of syscall numbers rather than a list: fewer instructions run per
	 * call, and the kernel's per-syscall action cache is quicker to fill at load. */
	r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if (r < 0)
		log_debug("seccomp: no binary tree optimization: %s", strerror(-r));
	return ctx;
}

/* The 32-bit x86 entry points. There socket() is also reached through socketcall(2),
 * whose arguments lie in memory where no filter can read them; libseccomp turns a rule on
 * socket's family into "socketcall(SYS_SOCKET)", which would refuse every socket of a
 * 32-bit program. So x86 gets every rule but the families, in a filter of its own. */
static int merge_x86(scmp_filter_ctx ctx, uint64_t caps)
{
	scmp_filter_ctx x86 = new_filter();
	int r;

	if (!x86)
		return log_errno(-ENOMEM, "create the seccomp filter");
	r = seccomp_arch_add(x86, SCMP_ARCH_X86);
	if (r == 0)
		r = seccomp_arch_remove(x86, SCMP_ARCH_NATIVE);
	if (r == 0)
		r = add_rules(x86, caps, false);
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

int syscalls_build(uint64_t caps, struct syscall_filter *ret)
{
	scmp_filter_ctx ctx = new_filter();
	int r;

	if (!ctx)
		return log_errno(-ENOMEM, "create the seccomp filter");
	r = add_arches(ctx);
	if (r == 0)
		r = add_rules(ctx, caps, true);
	if (r == 0 && seccomp_arch_native() == SCMP_ARCH_X86_64)
		r = merge_x86(ctx, caps);
	if (r == 0)
		r = syscalls_export(ctx, ret);
	seccomp_release(ctx);
	return r;
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
