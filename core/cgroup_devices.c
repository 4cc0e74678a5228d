// SPDX-License-Identifier: MIT
/*
 * cgroup devices: a container may open only the nodes of its fresh /dev (null, zero,
 * full, random, urandom, tty, console, ptmx) and its pseudo-terminals; it may mknod
 * anything (CAP_MKNOD is one of the default 14, package scripts use it), but a node it
 * makes for a disk cannot be opened. v1 says so in devices.deny/devices.allow; v2 has
 * no devices controller and needs a BPF_CGROUP_DEVICE program, assembled here by hand
 * (a dozen instructions per rule set) so launch needs no BPF toolchain or libbpf.
 * Runs in launch on the container's own new cgroup, before anything runs in it.
 */
#include "cgroup_internal.h"
#include "log.h"
#include "util.h"

#include <fcntl.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define ANY (-1)

/* Character devices opened read/write; every one of them is also mknod-able. */
static const struct {
	int major, minor;
} allowed[] = {
    {1, 3},     /* null */
    {1, 5},     /* zero */
    {1, 7},     /* full */
    {1, 8},     /* random */
    {1, 9},     /* urandom */
    {5, 0},     /* tty */
    {5, 1},     /* console */
    {5, 2},     /* ptmx */
    {136, ANY}, /* pts/N */
};

const char *cgroup_device_rule(size_t i, char *buf, size_t size)
{
	/* First: mknod of any node (opening it is another matter). */
	if (i == 0)
		return "c *:* m";
	if (i == 1)
		return "b *:* m";
	i -= 2;
	if (i >= ARRAY_SIZE(allowed))
		return NULL;
	if (allowed[i].minor == ANY)
		(void)snprintf(buf, size, "c %d:* rwm", allowed[i].major);
	else
		(void)snprintf(buf, size, "c %d:%d rwm", allowed[i].major, allowed[i].minor);
	return buf;
}

/* "c 10:229 rwm" for an extra rule. */
static void extra_rule(const struct cgroup_dev_rule *d, char *buf, size_t size)
{
	char major[24] = "*", minor[24] = "*";

	if (d->major >= 0)
		(void)snprintf(major, sizeof(major), "%lld", (long long)d->major);
	if (d->minor >= 0)
		(void)snprintf(minor, sizeof(minor), "%lld", (long long)d->minor);
	(void)snprintf(buf, size, "%c %s:%s %s", d->type, major, minor, d->access);
}

int cgroup_v1_devices(const char *dir, const struct cgroup_limits *lim)
{
	_cleanup_free_ char *path = NULL;
	_cleanup_close_ int fd = -1;
	/* "b 9223372036854775807:9223372036854775807 rwm" fits: no rule is ever truncated. */
	char buf[64];
	const char *rule;
	int r;

	/* Deny first: a new cgroup inherits its parent's list, usually "a *:* rwm". */
	r = cgroup_write(dir, "devices.deny", "a");
	if (r < 0)
		return r;
	if (asprintf(&path, "%s/devices.allow", dir) < 0)
		return log_errno(-ENOMEM, "open '%s/devices.allow'", dir);
	fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return log_errno(-errno, "open '%s'", path);
	/* The kernel takes one rule per write(2): one descriptor, one write per rule. */
	for (size_t i = 0; (rule = cgroup_device_rule(i, buf, sizeof(buf))); i++) {
		r = write_all(fd, rule, strlen(rule));
		if (r < 0)
			return log_errno(r, "write '%s' to '%s'", rule, path);
	}
	for (size_t i = 0; i < lim->n_devices; i++) {
		extra_rule(&lim->devices[i], buf, sizeof(buf));
		r = write_all(fd, buf, strlen(buf));
		if (r < 0)
			return log_errno(r, "write '%s' to '%s'", buf, path);
	}
	return 0;
}

/* --- v2: the BPF program ----------------------------------------------------------------
 * Context: struct bpf_cgroup_dev_ctx {access_type = access << 16 | type, major, minor}.
 * Returns 1 to allow, 0 to refuse. Registers: r2 access_type, r3 type, r4 access,
 * r5 major, r6 minor. */

#define INSN(c, d, s, o, i)                                                                        \
	((struct bpf_insn){.code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i)})
#define LDX_W(d, s, o)       INSN(BPF_LDX | BPF_MEM | BPF_W, d, s, o, 0)
#define MOV_REG(d, s)        INSN(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define ALU_IMM(op, d, i)    INSN(BPF_ALU64 | (op) | BPF_K, d, 0, 0, i)
#define JMP_IMM(op, d, i, o) INSN(BPF_JMP | (op) | BPF_K, d, 0, o, i)
#define RETURN(v)            ALU_IMM(BPF_MOV, 0, v), INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

#define DEV_PROG_MAX    64
#define DEV_EXTRA_INSNS 8 /* the most one extra rule takes */

static unsigned access_bits(const char *access)
{
	unsigned a = 0;

	for (const char *c = access; *c; c++)
		a |= *c == 'r'   ? BPF_DEVCG_ACC_READ
		     : *c == 'w' ? BPF_DEVCG_ACC_WRITE
		                 : BPF_DEVCG_ACC_MKNOD;
	return a;
}

/* One block per extra rule, first: skip unless type, major, minor match and the access
 * asked is within the rule's, else allow. r7 is scratch. */
static size_t dev_prog_extra(struct bpf_insn *p, const struct cgroup_dev_rule *d)
{
	int type = d->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR;
	bool major = d->major >= 0, minor = d->minor >= 0;
	short skip = (short)(3 + major + minor + 2); /* to the end of this block */
	size_t n = 0;

	p[n++] = JMP_IMM(BPF_JNE, 3, type, skip--);
	if (major)
		p[n++] = JMP_IMM(BPF_JNE, 5, (int)d->major, skip--);
	if (minor)
		p[n++] = JMP_IMM(BPF_JNE, 6, (int)d->minor, skip--);
	p[n++] = MOV_REG(7, 4);
	skip--;
	p[n++] = ALU_IMM(BPF_AND, 7, (int)~access_bits(d->access));
	skip--;
	p[n++] = JMP_IMM(BPF_JNE, 7, 0, skip);
	p[n++] = ALU_IMM(BPF_MOV, 0, 1);
	p[n++] = INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	return n;
}

static size_t dev_prog(struct bpf_insn *p, const struct cgroup_limits *lim)
{
	static const struct bpf_insn head[] = {
	    LDX_W(2, 1, 0),              /* r2 = access_type */
	    MOV_REG(3, 2),               /* r3 = type */
	    ALU_IMM(BPF_AND, 3, 0xffff), /*   */
	    MOV_REG(4, 2),               /* r4 = access */
	    ALU_IMM(BPF_RSH, 4, 16),     /*   */
	    LDX_W(5, 1, 4),              /* r5 = major */
	    LDX_W(6, 1, 8),              /* r6 = minor */
	    /* mknod alone, of any node: allowed */
	    JMP_IMM(BPF_JNE, 4, BPF_DEVCG_ACC_MKNOD, 2),
	    RETURN(1),
	    /* a block device: refused */
	    JMP_IMM(BPF_JEQ, 3, BPF_DEVCG_DEV_CHAR, 2),
	    RETURN(0),
	};
	size_t n = 0;

	memcpy(p, head, 7 * sizeof(*head)); /* the loads */
	n = 7;
	for (size_t i = 0; i < lim->n_devices; i++)
		n += dev_prog_extra(p + n, &lim->devices[i]);
	memcpy(p + n, head + 7, sizeof(head) - 7 * sizeof(*head));
	n += ARRAY_SIZE(head) - 7;
	/* One block per node: skip it unless major (and minor) match, else allow. */
	for (size_t i = 0; i < ARRAY_SIZE(allowed); i++) {
		bool any = allowed[i].minor == ANY;

		p[n++] = JMP_IMM(BPF_JNE, 5, allowed[i].major, any ? 2 : 3);
		if (!any)
			p[n++] = JMP_IMM(BPF_JNE, 6, allowed[i].minor, 2);
		p[n++] = ALU_IMM(BPF_MOV, 0, 1);
		p[n++] = INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	}
	p[n++] = ALU_IMM(BPF_MOV, 0, 0);
	p[n++] = INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	return n;
}

static int bpf_call(int cmd, union bpf_attr *attr)
{
	long r = syscall(SYS_bpf, cmd, attr, sizeof(*attr));

	return r < 0 ? -errno : (int)r;
}

int cgroup_v2_devices(const char *dir, const struct cgroup_limits *lim)
{
	_cleanup_free_ struct bpf_insn *prog =
	    calloc(DEV_PROG_MAX + lim->n_devices * DEV_EXTRA_INSNS, sizeof(*prog));
	_cleanup_close_ int cgfd = -1, progfd = -1;
	union bpf_attr load = {0}, attach = {0};
	int r;

	if (!prog)
		return log_errno(-ENOMEM, "build the device filter for '%s'", dir);
	load.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	load.insn_cnt = (uint32_t)dev_prog(prog, lim);
	load.insns = (uint64_t)(uintptr_t)prog;
	load.license = (uint64_t)(uintptr_t) "MIT"; /* no helper is called */
	progfd = bpf_call(BPF_PROG_LOAD, &load);
	if (progfd < 0)
		return log_errno(progfd, "load the device filter for '%s'", dir);
	cgfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cgfd < 0)
		return log_errno(-errno, "open cgroup '%s'", dir);
	attach.target_fd = (uint32_t)cgfd;
	attach.attach_bpf_fd = (uint32_t)progfd;
	attach.attach_type = BPF_CGROUP_DEVICE;
	/* Multi: a parent's own device program (systemd's, say) keeps applying too. */
	attach.attach_flags = BPF_F_ALLOW_MULTI;
	r = bpf_call(BPF_PROG_ATTACH, &attach);
	if (r < 0)
		return log_errno(r, "attach the device filter to '%s'", dir);
	/* The attachment holds the program; it goes away with the cgroup. */
	return 0;
}
