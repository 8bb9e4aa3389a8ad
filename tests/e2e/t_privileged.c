// SPDX-License-Identifier: GPL-2.0
/* e2e: a privileged confined task reaches neither the kernel, the hardware nor host tasks. */

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <sys/fanotify.h>
#include <sys/ioctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <linux/fs.h>
#include <linux/kexec.h>
#include <linux/perf_event.h>
#include <linux/quota.h>
#include <linux/reboot.h>

#include "e2e.h"
#include "tap.h"

#define BASE		"/tmp/t_privileged"
#define JUNK		BASE "/junk.ko"
#define SIGNED_KO	"/e2e/modules/minix.ko"

#define ALLOW		CGFENCE_EFFECT_ALLOW
#define DENY		CGFENCE_EFFECT_DENY
#define ENFORCE		CGFENCE_MODE_ENFORCE
#define COMPLAIN	CGFENCE_MODE_COMPLAIN

#define CHR		CGFENCE_DEV_CHAR
#define DR		CGFENCE_DEV_READ
#define DW		CGFENCE_DEV_WRITE
#define ANY		CGFENCE_DEV_ANY

#define K_MODULE	CGFENCE_KERNEL_MODULE
#define K_KEXEC		CGFENCE_KERNEL_KEXEC
#define K_REBOOT	CGFENCE_KERNEL_REBOOT
#define K_BPF		CGFENCE_KERNEL_BPF
#define K_PERF		CGFENCE_KERNEL_PERF
#define K_LOCKDOWN	CGFENCE_KERNEL_LOCKDOWN
#define K_QUOTA		CGFENCE_KERNEL_QUOTA
#define K_FANOTIFY	CGFENCE_KERNEL_FANOTIFY
#define K_TTY		CGFENCE_KERNEL_TTY_INJECT
#define K_PTRACE	CGFENCE_KERNEL_PTRACE
#define K_SIGNAL	CGFENCE_KERNEL_SIGNAL

#define DEV(i, eff, type, maj, min, acc) {					\
	.id = (i), .kind = CGFENCE_RULE_DEVICE, .effect = (eff), .dev_type = (type),	\
	.major = (maj), .minor = (min), .dev_access = (acc),			\
}
#define FILE_RULE(i, eff, perm, p) {						\
	.id = (i), .kind = CGFENCE_RULE_FILE, .effect = (eff), .perms = (perm),	\
	.path = (p),								\
}
#define KERNEL_RULE(i, eff, ops) {						\
	.id = (i), .kind = CGFENCE_RULE_KERNEL, .effect = (eff), .kernel_ops = (ops),	\
}

static int check(const char *what, int got, int want)
{
	return expect_err(what, got, want);
}

/* A call that returns a descriptor: 0 (and the descriptor closed) or -errno. */
static int fd_err(long fd)
{
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

/* Loads @profile into a new child cgroup "box", runs @fn confined in it, drops it all. */
static int in_box(const char *profile, __u8 mode, __u8 file_default,
		  const struct cgf_rule_spec *rules, unsigned int n, int (*pre)(void *arg),
		  int (*fn)(void *arg), void *arg)
{
	struct box b;
	int ret;

	ret = box_make_spec(&b, "box", profile, mode, file_default, rules, n);
	if (!ret)
		ret = run_confined(&b, pre, fn, arg);
	box_drop(&b);
	return ret;
}

/* The answers the host got, for the confined task to compare with (fork copies them). */
struct host_answers {
	int init_module, finit_module, kexec_load, kexec_file_load;
};

static struct host_answers host;

static int case_load(void *arg)
{
	(void)arg;
	return expect_err("finit_module(cgfence.ko)", cgf_load(), 0);
}

static int case_unload(void *arg)
{
	(void)arg;
	return expect_err("delete_module(cgfence)", cgf_unload(), 0);
}

/* 64 bytes that are no ELF file: the kernel's own answer to them is ENOEXEC. */
static const char junk[64] = "cgfence e2e: not a module, not a kernel, just 64 bytes of junk.";

static int sys_init_module_junk(void)
{
	return as_err(syscall(SYS_init_module, junk, sizeof(junk), ""));
}

static int sys_finit_module(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), err;

	if (fd < 0)
		return tap_fail("open %s: %s", path, errname(-errno));
	err = as_err(syscall(SYS_finit_module, fd, "", 0));
	close(fd);
	return err;
}

static int sys_kexec_load_nothing(void)
{
	/* No segment: unloads the (absent) kexec kernel. */
	return as_err(syscall(SYS_kexec_load, 0UL, 0UL, NULL, KEXEC_ARCH_DEFAULT));
}

static int sys_kexec_file_load_junk(void)
{
	int fd = open(JUNK, O_RDONLY | O_CLOEXEC), err;

	if (fd < 0)
		return tap_fail("open %s: %s", JUNK, errname(-errno));
	err = as_err(syscall(SYS_kexec_file_load, fd, -1, 0UL, NULL,
			     (unsigned long)KEXEC_FILE_NO_INITRAMFS));
	close(fd);
	return err;
}

static int sys_reboot_cad_on(void)
{
	/* Ctrl-Alt-Del reboots: the kernel's default, so the host's own call changes nothing. */
	return as_err(syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2,
			      LINUX_REBOOT_CMD_CAD_ON, NULL));
}

static int sys_bpf_map(void)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_ARRAY;
	attr.key_size = 4;
	attr.value_size = 4;
	attr.max_entries = 1;
	return fd_err(syscall(SYS_bpf, BPF_MAP_CREATE, &attr, sizeof(attr)));
}

static int sys_perf_cpu_clock(void)
{
	struct perf_event_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_SOFTWARE;
	attr.config = PERF_COUNT_SW_CPU_CLOCK;
	attr.disabled = 1;
	attr.exclude_kernel = 1;
	attr.exclude_hv = 1;
	return fd_err(syscall(SYS_perf_event_open, &attr, 0, -1, -1, PERF_FLAG_FD_CLOEXEC));
}

static int sys_quota_sync(void)
{
	/* Q_SYNC without a device: every filesystem's quota, judged with no superblock. */
	return as_err(syscall(SYS_quotactl, QCMD(Q_SYNC, USRQUOTA), NULL, 0, NULL));
}

static int count_modules(void)
{
	char line[512];
	FILE *f = fopen("/proc/modules", "re");
	int n = 0;

	if (!f)
		return tap_fail("open /proc/modules: %s", errname(-errno));
	while (fgets(line, sizeof(line), f))
		n++;
	fclose(f);
	return n;
}

/*
 * Kernel log reports, first of all (the log is rate limited node-wide): a kernel operation
 * in complain mode is allowed and logged would-deny; in enforce mode every family is logged
 * denied with its own operation name, object and deciding rule.
 */
#define REC BASE "/rec"

static int child_iopl_complain(void *arg)
{
	(void)arg;
	return check("iopl(3) in complain mode", as_err(syscall(SYS_iopl, 3)), 0);
}

static int child_rec_module(void *arg)
{
	(void)arg;
	return check("init_module(junk)", sys_init_module_junk(), -EPERM);
}

static int child_rec_ptrace(void *arg)
{
	return check("ptrace(PTRACE_SEIZE, host task)",
		     as_err(ptrace(PTRACE_SEIZE, *(const pid_t *)arg, NULL, NULL)), -EPERM);
}

static int child_rec_reboot(void *arg)
{
	(void)arg;
	return check("reboot(CAD_ON) under a deny rule", sys_reboot_cad_on(), -EPERM);
}

static int child_rec_ioctl(void *arg)
{
	int fd, n, ret;

	(void)arg;
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return tap_fail("open /dev/null read-only: %s", errname(-errno));
	ret = check("ioctl(/dev/null, FIONREAD) with r only", as_err(ioctl(fd, FIONREAD, &n)),
		    -EACCES);
	close(fd);
	return ret;
}

static int child_rec_setflags(void *arg)
{
	int fd, ret, flags = 0;

	(void)arg;
	fd = open(REC "/f", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return tap_fail("open %s: %s", REC "/f", errname(-errno));
	ret = check("FS_IOC_SETFLAGS under deny s", as_err(ioctl(fd, FS_IOC_SETFLAGS, &flags)),
		    -EACCES);
	close(fd);
	return ret;
}

static pid_t spawn_sleeper(const char *dir);
static int reap(pid_t pid, int sig);

/* One record the denial ring must hold for a box: its operation, kind, verdict and rule. */
struct rec_want {
	const char *op;
	__u8 kind;		/* CGFENCE_DENIAL_* */
	__u8 verdict;		/* CGFENCE_VERDICT_* */
	__u32 rule;
	bool found;
};

struct rec_search {
	__u64 cgroup_id;
	struct rec_want *want;
	unsigned int n;
	int bad;
};

static bool attr_fixed(const struct nlattr *a, void *v, unsigned int size)
{
	if (!a || genl_attr_len(a) != size)
		return false;
	memcpy(v, genl_attr_data(a), size);
	return true;
}

static const char *attr_string(const struct nlattr *a)
{
	unsigned int len = a ? genl_attr_len(a) : 0;

	if (!len || ((const char *)genl_attr_data(a))[len - 1])
		return NULL;
	return genl_attr_data(a);
}

static int rec_cb(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr *tb[CGFENCE_A_MAX + 1];
	struct rec_search *s = arg;
	unsigned int unknown, i;
	__u64 cgroup_id;
	__u32 rule;
	__u8 kind, verdict;
	const char *op;

	if (genl_parse(nlh, tb, CGFENCE_A_MAX, &unknown) < 0 ||
	    !attr_fixed(tb[CGFENCE_A_CGROUP_ID], &cgroup_id, sizeof(cgroup_id)) ||
	    !attr_fixed(tb[CGFENCE_A_DENIAL_RULE_ID], &rule, sizeof(rule)) ||
	    !attr_fixed(tb[CGFENCE_A_DENIAL_KIND], &kind, sizeof(kind)) ||
	    !attr_fixed(tb[CGFENCE_A_DENIAL_VERDICT], &verdict, sizeof(verdict)) ||
	    !(op = attr_string(tb[CGFENCE_A_DENIAL_OP]))) {
		s->bad++;
		return 0;
	}
	if (cgroup_id != s->cgroup_id)
		return 0;
	for (i = 0; i < s->n; i++)
		if (!strcmp(op, s->want[i].op) && kind == s->want[i].kind &&
		    verdict == s->want[i].verdict && rule == s->want[i].rule)
			s->want[i].found = true;
	return 0;
}

/* The denial ring (CGFENCE_CMD_DENIAL dump) holds each of @want for box @b: 0, or -1. */
static int expect_records(const struct box *b, struct rec_want *want, unsigned int n)
{
	static struct genl_reply reply;
	struct rec_search s = { b->id, want, n, 0 };
	struct cgf_conn c;
	struct genl_msg m;
	unsigned int i;
	int err, ret = 0;

	if (cgf_conn_open(&c))
		return -1;
	cgf_msg_init(&c, &m, CGFENCE_CMD_DENIAL);
	genl_put_u64(&m, CGFENCE_A_DENIAL_SEQ, 0);
	err = genl_dump(&c.s, &m, &reply, rec_cb, &s);
	cgf_conn_close(&c);
	if (err)
		return tap_fail("DENIAL dump: %s (%s)", errname(err), reply.extack);
	if (s.bad)
		ret = tap_fail("DENIAL dump: %d malformed records", s.bad);
	for (i = 0; i < n; i++)
		if (!want[i].found)
			ret = tap_fail("no record of %s: op=%s kind=%u verdict=%u rule=%u",
				       b->profile, want[i].op, want[i].kind, want[i].verdict,
				       want[i].rule);
	return ret;
}

static int case_records(void *arg)
{
	static const struct cgf_rule_spec rules[] = {
		DEV(1, ALLOW, CHR, 1, 3, DR),
		KERNEL_RULE(2, DENY, K_REBOOT),
		KERNEL_RULE(3, ALLOW, K_REBOOT | K_SIGNAL),
		FILE_RULE(4, DENY, CGFENCE_FILE_SETATTR, REC "/f"),
	};
	struct rec_want complain[] = {
		{ "lockdown", CGFENCE_DENIAL_KERNEL, CGFENCE_VERDICT_WOULD_DENY, 0, false },
	};
	struct rec_want enforce[] = {
		{ "module_load", CGFENCE_DENIAL_KERNEL, CGFENCE_VERDICT_DENIED, 0, false },
		{ "ptrace", CGFENCE_DENIAL_KERNEL, CGFENCE_VERDICT_DENIED, 0, false },
		{ "reboot", CGFENCE_DENIAL_KERNEL, CGFENCE_VERDICT_DENIED, 2, false },
		{ "device_ioctl", CGFENCE_DENIAL_DEVICE, CGFENCE_VERDICT_DENIED, 0, false },
		{ "setflags", CGFENCE_DENIAL_FILE, CGFENCE_VERDICT_DENIED, 4, false },
	};
	char object[32];
	struct box b;
	pid_t sleeper;
	int ret = -1;

	(void)arg;
	if (mkdir_p(REC) || make_file(REC "/f", "flags\n", 0644))
		goto out;
	/* Records name the lockdown reason by its number: LOCKDOWN_IOPORT is 7 in 6.1. */
	if (box_make_spec(&b, "box", "k-complain", COMPLAIN, ALLOW, NULL, 0) ||
	    expect_klog(&b, NULL, child_iopl_complain, NULL, "would-deny op=lockdown",
			"k-complain", 0, "reason 7") ||
	    expect_records(&b, complain, ARRAY_SIZE(complain)))
		goto out_box;
	box_drop(&b);
	sleeper = spawn_sleeper(NULL);
	if (sleeper < 0)
		goto out;
	snprintf(object, sizeof(object), "pid %d", sleeper);
	if (box_make_spec(&b, "box", "k-rec", ENFORCE, ALLOW, rules, ARRAY_SIZE(rules)) ||
	    expect_klog(&b, NULL, child_rec_module, NULL, "denied op=module_load", "k-rec", 0,
			"kernel-module") ||
	    expect_klog(&b, NULL, child_rec_ptrace, &sleeper, "denied op=ptrace", "k-rec", 0,
			object) ||
	    expect_klog(&b, NULL, child_rec_reboot, NULL, "denied op=reboot", "k-rec", 2, "") ||
	    expect_klog(&b, NULL, child_rec_ioctl, NULL, "denied op=device_ioctl", "k-rec", 0,
			"c 1:3") ||
	    expect_klog(&b, NULL, child_rec_setflags, NULL, "denied op=setflags", "k-rec", 4,
			REC "/f") ||
	    expect_records(&b, enforce, ARRAY_SIZE(enforce))) {
		reap(sleeper, SIGKILL);
		goto out_box;
	}
	ret = reap(sleeper, SIGKILL);
out_box:
	box_drop(&b);
out:
	remove_tree(REC);
	return ret;
}

/*
 * Access mode 3 (O_WRONLY|O_RDWR) opens for ioctls only, and is judged as read and write:
 * for the device (by number) and for the path.
 */
#define M3 BASE "/m3"

static int child_mode3_dev(void *arg)
{
	int ret = 0;

	(void)arg;
	ret |= check("open(/dev/zero, 3) without a c 1:5 rule", try_open("/dev/zero", 3), -EACCES);
	ret |= check("open(/dev/null, 3) under allow c 1:3 rw", try_open("/dev/null", 3), 0);
	return ret;
}

static int child_mode3_file(void *arg)
{
	int ret = 0;

	(void)arg;
	ret |= check("open(ro, O_RDONLY) under allow r", try_open(M3 "/ro", O_RDONLY), 0);
	ret |= check("open(ro, 3) under allow r", try_open(M3 "/ro", 3), -EACCES);
	ret |= check("open(ro, O_WRONLY) under allow r", try_open(M3 "/ro", O_WRONLY), -EACCES);
	ret |= check("open(rw, 3) under allow rw", try_open(M3 "/rw", 3), 0);
	return ret;
}

static int case_mode3(void *arg)
{
	static const struct cgf_rule_spec null_only[] = {
		DEV(1, ALLOW, CHR, 1, 3, DR | DW),
	};
	static const struct cgf_rule_spec files[] = {
		FILE_RULE(1, ALLOW, CGFENCE_FILE_READ, M3 "/ro"),
		FILE_RULE(2, ALLOW, CGFENCE_FILE_READ | CGFENCE_FILE_WRITE, M3 "/rw"),
	};
	int ret = -1;

	(void)arg;
	if (mkdir_p(M3) || make_file(M3 "/ro", "ro\n", 0644) || make_file(M3 "/rw", "rw\n", 0644))
		goto out;
	/* Controls: the host opens all of them for ioctls. */
	if (check("host: open(/dev/zero, 3)", try_open("/dev/zero", 3), 0) ||
	    check("host: open(ro, 3)", try_open(M3 "/ro", 3), 0))
		goto out;
	ret = in_box("k-m3dev", ENFORCE, ALLOW, null_only, ARRAY_SIZE(null_only), NULL,
		     child_mode3_dev, NULL);
	ret |= in_box("k-m3file", ENFORCE, DENY, files, ARRAY_SIZE(files), NULL,
		      child_mode3_file, NULL);
out:
	remove_tree(M3);
	return ret;
}

/*
 * Every ioctl on a device needs its w; the ones that only change the descriptor do not.
 * /dev/null has no ioctls of its own: ENOTTY is the driver's answer once we let it through.
 */
static int child_dev_ioctl(void *arg)
{
	const int want = *(const int *)arg;
	int fd, n, ret = 0;

	fd = open("/dev/null", O_RDONLY);
	if (fd < 0)
		return tap_fail("open /dev/null read-only: %s", errname(-errno));
	ret |= check("ioctl(/dev/null, FIONREAD)", as_err(ioctl(fd, FIONREAD, &n)), want);
	ret |= check("ioctl(/dev/null, FIOCLEX)", as_err(ioctl(fd, FIOCLEX)), 0);
	if (!(fcntl(fd, F_GETFD) & FD_CLOEXEC))
		ret |= tap_fail("FIOCLEX returned 0 but the descriptor is not close-on-exec");
	n = 1;
	ret |= check("ioctl(/dev/null, FIONBIO)", as_err(ioctl(fd, FIONBIO, &n)), 0);
	ret |= check("ioctl(/dev/null, FIONCLEX)", as_err(ioctl(fd, FIONCLEX)), 0);
	close(fd);
	return ret;
}

static int case_dev_ioctl(void *arg)
{
	static const struct cgf_rule_spec read_only[] = { DEV(1, ALLOW, CHR, 1, 3, DR) };
	static const struct cgf_rule_spec read_write[] = { DEV(1, ALLOW, CHR, 1, 3, DR | DW) };
	static const int refused = -EACCES, enotty = -ENOTTY;
	int fd, n, ret;

	(void)arg;
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return tap_fail("host: open /dev/null: %s", errname(-errno));
	ret = check("host: ioctl(/dev/null, FIONREAD)", as_err(ioctl(fd, FIONREAD, &n)), -ENOTTY);
	close(fd);
	if (ret)
		return ret;
	ret = in_box("k-ioctl-r", ENFORCE, ALLOW, read_only, ARRAY_SIZE(read_only), NULL,
		     child_dev_ioctl, (void *)&refused);
	ret |= in_box("k-ioctl-rw", ENFORCE, ALLOW, read_write, ARRAY_SIZE(read_write), NULL,
		      child_dev_ioctl, (void *)&enotty);
	return ret;
}

/*
 * Terminal injection: TIOCSTI pushes input into the terminal's input queue, TIOCLINUX
 * drives a virtual console. Both need a kernel rule on top of the device's w. A devpts
 * of its own is mounted in a private namespace before confinement.
 */
static int pre_pty(void *arg)
{
	(void)arg;
	if (unshare(CLONE_NEWNS) || syscall(SYS_mount, NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return tap_fail("private mount namespace: %s", errname(-errno));
	if (syscall(SYS_mount, "devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
		    "ptmxmode=0666,mode=0620"))
		return tap_fail("mount devpts: %s", errname(-errno));
	return 0;
}

struct tty_want {
	int tiocsti;
	int tioclinux;
};

static int child_tty(void *arg)
{
	const struct tty_want *w = arg;
	struct termios tio;
	char name[64], c = 'x', sub[2] = { 0, 0 };
	int master, slave, ret = 0, err;
	ssize_t n;

	master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		return tap_fail("open /dev/ptmx: %s", errname(-errno));
	if (grantpt(master) || unlockpt(master) || ptsname_r(master, name, sizeof(name))) {
		close(master);
		return tap_fail("grantpt/unlockpt/ptsname: %s", errname(-errno));
	}
	slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
	if (slave < 0) {
		close(master);
		return tap_fail("open %s: %s", name, errname(-errno));
	}
	/* Control: the terminal is usable; raw, so one injected byte is readable at once. */
	ret |= check("TCGETS on the slave", as_err(tcgetattr(slave, &tio)), 0);
	cfmakeraw(&tio);
	ret |= check("TCSETS raw on the slave", as_err(tcsetattr(slave, TCSANOW, &tio)), 0);
	err = as_err(ioctl(slave, TIOCSTI, &c));
	ret |= check("ioctl(slave, TIOCSTI, \"x\")", err, w->tiocsti);
	c = 0;
	n = read(slave, &c, 1);
	if (!w->tiocsti && (n != 1 || c != 'x'))
		ret |= tap_fail("TIOCSTI returned 0, yet the slave reads %zd byte(s) (%s)", n,
				n < 0 ? errname(-errno) : "wrong byte");
	if (w->tiocsti && !(n < 0 && errno == EAGAIN))
		ret |= tap_fail("TIOCSTI refused, yet the slave reads %zd byte(s) (%s), want EAGAIN",
				n, n < 0 ? errname(-errno) : "");
	ret |= check("ioctl(slave, TIOCLINUX)", as_err(ioctl(slave, TIOCLINUX, sub)), w->tioclinux);
	close(slave);
	close(master);
	return ret;
}

static int case_tty(void *arg)
{
	static const struct cgf_rule_spec pty[] = {
		DEV(1, ALLOW, CHR, 5, 2, DR | DW),
		DEV(2, ALLOW, CHR, 136, ANY, DR | DW),
	};
	static const struct cgf_rule_spec pty_inject[] = {
		DEV(1, ALLOW, CHR, 5, 2, DR | DW),
		DEV(2, ALLOW, CHR, 136, ANY, DR | DW),
		KERNEL_RULE(3, ALLOW, K_TTY),
	};
	/* A pty is no virtual console: TIOCLINUX, let through, is the driver's ENOTTY. */
	static const struct tty_want refused = { -EPERM, -EPERM }, allowed = { 0, -ENOTTY };
	bool made_pts;
	int ret;

	(void)arg;
	made_pts = mkdir("/dev/pts", 0755) == 0;
	if (!made_pts && errno != EEXIST)
		return tap_fail("mkdir /dev/pts: %s", errname(-errno));
	ret = in_box("k-tty", ENFORCE, ALLOW, pty, ARRAY_SIZE(pty), pre_pty, child_tty,
		     (void *)&refused);
	ret |= in_box("k-tty-inject", ENFORCE, ALLOW, pty_inject, ARRAY_SIZE(pty_inject), pre_pty,
		      child_tty, (void *)&allowed);
	if (made_pts)
		rmdir("/dev/pts");
	return ret;
}

/*
 * Module loading, from memory and from a file. The host's answer to junk is the kernel's
 * ENOEXEC. A rule allowing "module" lets the call reach the kernel; an unsigned module then
 * meets lockdown's signature check (LOCKDOWN_MODULE_SIGNATURE), which a confined task is
 * refused unless "lockdown" is allowed too: a signed module (Debian's minix.ko) loads.
 */
struct module_want {
	int junk;		/* init_module and finit_module of junk */
	int signed_ko;		/* finit_module of minix.ko; 1: skip */
};

static int child_module(void *arg)
{
	const struct module_want *w = arg;
	int ret = 0;

	ret |= check("init_module(64 bytes of junk)", sys_init_module_junk(), w->junk);
	ret |= check("finit_module(a junk file)", sys_finit_module(JUNK), w->junk);
	if (w->signed_ko != 1)
		ret |= check("finit_module(" SIGNED_KO ")", sys_finit_module(SIGNED_KO),
			     w->signed_ko);
	return ret;
}

static int case_module_load(void *arg)
{
	static const struct cgf_rule_spec module[] = { KERNEL_RULE(1, ALLOW, K_MODULE) };
	static const struct cgf_rule_spec module_lockdown[] = {
		KERNEL_RULE(1, ALLOW, K_MODULE | K_LOCKDOWN),
	};
	static const struct cgf_rule_spec deny_wins[] = {
		KERNEL_RULE(1, ALLOW, CGFENCE_KERNEL_ALL),
		KERNEL_RULE(2, DENY, K_MODULE),
	};
	struct module_want none = { -EPERM, -EPERM }, mod = { -EPERM, 1 }, modlock;
	bool have_ko = access(SIGNED_KO, R_OK) == 0, minix_loaded;
	struct stat st;
	int before, ret;

	(void)arg;
	before = count_modules();
	if (before < 0)
		return -1;
	if (check("host: init_module(64 bytes of junk)", host.init_module, -ENOEXEC) ||
	    check("host: finit_module(a junk file)", host.finit_module, -ENOEXEC))
		return -1;
	modlock.junk = host.init_module;
	modlock.signed_ko = 1;
	minix_loaded = stat("/sys/module/minix", &st) == 0;
	if (!have_ko)
		tap_diag(SIGNED_KO " is not in the image: no signed-module control");
	else
		mod.signed_ko = minix_loaded ? -EEXIST : 0;
	if (!have_ko)
		none.signed_ko = 1;
	ret = in_box("k-mod-none", ENFORCE, ALLOW, NULL, 0, NULL, child_module, &none);
	ret |= in_box("k-mod-deny", ENFORCE, ALLOW, deny_wins, ARRAY_SIZE(deny_wins), NULL,
		      child_module, &none);
	if (count_modules() != before)
		ret |= tap_fail("/proc/modules changed after refused loads: %d lines, was %d",
				count_modules(), before);
	ret |= in_box("k-mod", ENFORCE, ALLOW, module, ARRAY_SIZE(module), NULL, child_module,
		      &mod);
	/* Whoever loaded it (a refusal that failed, too), the host unloads it again. */
	if (have_ko && !minix_loaded && stat("/sys/module/minix", &st) == 0)
		ret |= check("host: delete_module(minix) after the allowed load",
			     as_err(syscall(SYS_delete_module, "minix", O_NONBLOCK)), 0);
	ret |= in_box("k-mod-lockdown", ENFORCE, ALLOW, module_lockdown,
		      ARRAY_SIZE(module_lockdown), NULL, child_module, &modlock);
	return ret;
}

/* delete_module: of any module, and of cgfence even forced, refused to a confined task. */
static int child_delete_module(void *arg)
{
	const int want_missing = *(const int *)arg;
	int ret = 0;

	ret |= check("delete_module(no_such_mod, O_NONBLOCK)",
		     as_err(syscall(SYS_delete_module, "no_such_mod", O_NONBLOCK)), want_missing);
	if (want_missing == -EPERM)
		ret |= check("delete_module(cgfence, O_NONBLOCK | O_TRUNC)",
			     as_err(syscall(SYS_delete_module, "cgfence", O_NONBLOCK | O_TRUNC)),
			     -EPERM);
	return ret;
}

static int case_module_unload(void *arg)
{
	static const struct cgf_rule_spec module[] = { KERNEL_RULE(1, ALLOW, K_MODULE) };
	static const int refused = -EPERM, missing = -ENOENT;
	int ret;

	(void)arg;
	ret = check("host: delete_module(no_such_mod, O_NONBLOCK)",
		    as_err(syscall(SYS_delete_module, "no_such_mod", O_NONBLOCK)), -ENOENT);
	ret |= in_box("k-rmmod", ENFORCE, ALLOW, NULL, 0, NULL, child_delete_module,
		      (void *)&refused);
	if (!cgf_loaded())
		return tap_fail("cgfence is gone after a refused forced delete_module");
	ret |= in_box("k-rmmod-allow", ENFORCE, ALLOW, module, ARRAY_SIZE(module), NULL,
		      child_delete_module, (void *)&missing);
	return ret;
}

/* One call, confined under @rules, against what it must answer. */
struct call {
	const char *what;
	int (*fn)(void);
	int want;
};

static int child_call(void *arg)
{
	const struct call *c = arg;

	return check(c->what, c->fn(), c->want);
}

static int confined_call(const char *profile, const struct cgf_rule_spec *rules, unsigned int n,
			 const char *what, int (*fn)(void), int want)
{
	struct call c = { what, fn, want };

	return in_box(profile, ENFORCE, ALLOW, rules, n, NULL, child_call, &c);
}

static int case_reboot(void *arg)
{
	static const struct cgf_rule_spec reboot[] = { KERNEL_RULE(1, ALLOW, K_REBOOT) };
	int ret;

	(void)arg;
	ret = confined_call("k-reboot-none", NULL, 0, "reboot(CAD_ON)", sys_reboot_cad_on, -EPERM);
	ret |= check("host: reboot(CAD_ON)", sys_reboot_cad_on(), 0);
	ret |= confined_call("k-reboot", reboot, ARRAY_SIZE(reboot), "reboot(CAD_ON) allowed",
			     sys_reboot_cad_on, 0);
	return ret;
}

/*
 * kexec_load checks lockdown (LOCKDOWN_KEXEC) after the load hook: allowed "kexec" alone
 * still meets it. kexec_file_load reads the file (the hook) before it looks at it.
 */
static int case_kexec(void *arg)
{
	static const struct cgf_rule_spec kexec[] = { KERNEL_RULE(1, ALLOW, K_KEXEC) };
	static const struct cgf_rule_spec kexec_lockdown[] = {
		KERNEL_RULE(1, ALLOW, K_KEXEC | K_LOCKDOWN),
	};
	int ret;

	(void)arg;
	tap_diag("host: kexec_load(no segment) %s, kexec_file_load(junk) %s",
		 errname(host.kexec_load), errname(host.kexec_file_load));
	ret = check("host: kexec_load(no segment)", host.kexec_load, 0);
	ret |= check("host: kexec_file_load(junk)", host.kexec_file_load, -ENOEXEC);
	ret |= confined_call("k-kexec-none", NULL, 0, "kexec_load(no segment)",
			     sys_kexec_load_nothing, -EPERM);
	ret |= confined_call("k-kexec-none", NULL, 0, "kexec_file_load(junk)",
			     sys_kexec_file_load_junk, -EPERM);
	ret |= confined_call("k-kexec", kexec, ARRAY_SIZE(kexec), "kexec_file_load(junk), allowed",
			     sys_kexec_file_load_junk, host.kexec_file_load);
	ret |= confined_call("k-kexec", kexec, ARRAY_SIZE(kexec),
			     "kexec_load(no segment), kexec allowed, lockdown not",
			     sys_kexec_load_nothing, -EPERM);
	ret |= confined_call("k-kexec-lockdown", kexec_lockdown, ARRAY_SIZE(kexec_lockdown),
			     "kexec_load(no segment), kexec and lockdown allowed",
			     sys_kexec_load_nothing, host.kexec_load);
	return ret;
}

static int case_bpf(void *arg)
{
	static const struct cgf_rule_spec bpf[] = { KERNEL_RULE(1, ALLOW, K_BPF) };
	int ret;

	(void)arg;
	ret = check("host: bpf(BPF_MAP_CREATE, array)", sys_bpf_map(), 0);
	ret |= confined_call("k-bpf-none", NULL, 0, "bpf(BPF_MAP_CREATE, array)", sys_bpf_map,
			     -EPERM);
	ret |= confined_call("k-bpf", bpf, ARRAY_SIZE(bpf), "bpf(BPF_MAP_CREATE) allowed",
			     sys_bpf_map, 0);
	return ret;
}

static int case_perf(void *arg)
{
	static const struct cgf_rule_spec perf[] = { KERNEL_RULE(1, ALLOW, K_PERF) };
	int ret;

	(void)arg;
	ret = check("host: perf_event_open(cpu clock, self)", sys_perf_cpu_clock(), 0);
	ret |= confined_call("k-perf-none", NULL, 0, "perf_event_open(cpu clock, self)",
			     sys_perf_cpu_clock, -EPERM);
	ret |= confined_call("k-perf", perf, ARRAY_SIZE(perf), "perf_event_open allowed",
			     sys_perf_cpu_clock, 0);
	return ret;
}

/* What kernel lockdown refuses: raw I/O ports, /proc/kcore. */
static bool have_kcore;

static int child_lockdown(void *arg)
{
	const int want = *(const int *)arg;
	int ret = 0;

	ret |= check("iopl(3)", as_err(syscall(SYS_iopl, 3)), want);
	ret |= check("iopl(0)", as_err(syscall(SYS_iopl, 0)), 0);
	ret |= check("ioperm(0x80, 1, 1)", as_err(syscall(SYS_ioperm, 0x80UL, 1UL, 1)), want);
	ret |= check("ioperm(0x80, 1, 0)", as_err(syscall(SYS_ioperm, 0x80UL, 1UL, 0)), 0);
	if (have_kcore)
		ret |= check("open(/proc/kcore, O_RDONLY)", try_open("/proc/kcore", O_RDONLY), want);
	return ret;
}

static int case_lockdown(void *arg)
{
	static const struct cgf_rule_spec lockdown[] = { KERNEL_RULE(1, ALLOW, K_LOCKDOWN) };
	static const int allowed = 0, refused = -EPERM;
	int ret;

	(void)arg;
	have_kcore = access("/proc/kcore", F_OK) == 0;
	if (!have_kcore)
		tap_diag("/proc/kcore does not exist on this kernel: not tested");
	ret = child_lockdown((void *)&allowed);		/* the host */
	ret |= in_box("k-lock-none", ENFORCE, ALLOW, NULL, 0, NULL, child_lockdown,
		      (void *)&refused);
	ret |= in_box("k-lock", ENFORCE, ALLOW, lockdown, ARRAY_SIZE(lockdown), NULL,
		      child_lockdown, (void *)&allowed);
	return ret;
}

/* fanotify: permission events let the holder stall every task that touches the object. */
#define FAN BASE "/fan"

static int fan_mark(__u64 mask)
{
	int fd, err;

	fd = fanotify_init(FAN_CLASS_CONTENT | FAN_CLOEXEC, O_RDONLY);
	if (fd < 0)
		return tap_fail("fanotify_init(FAN_CLASS_CONTENT): %s", errname(-errno));
	err = as_err(fanotify_mark(fd, FAN_MARK_ADD, mask, AT_FDCWD, FAN));
	/* Closing the group removes the mark: nothing is left to stall the host. */
	close(fd);
	return err;
}

static int child_fanotify(void *arg)
{
	const int want = *(const int *)arg;
	int ret = 0;

	ret |= check("fanotify_mark(FAN_OPEN_PERM)", fan_mark(FAN_OPEN_PERM), want);
	ret |= check("fanotify_mark(FAN_ACCESS_PERM)", fan_mark(FAN_ACCESS_PERM), want);
	ret |= check("fanotify_mark(FAN_OPEN)", fan_mark(FAN_OPEN), 0);
	return ret;
}

static int case_fanotify(void *arg)
{
	static const struct cgf_rule_spec fan[] = { KERNEL_RULE(1, ALLOW, K_FANOTIFY) };
	static const int allowed = 0, refused = -EPERM;
	int ret = -1;

	(void)arg;
	if (mkdir_p(FAN))
		goto out;
	ret = child_fanotify((void *)&allowed);		/* the host */
	ret |= in_box("k-fan-none", ENFORCE, ALLOW, NULL, 0, NULL, child_fanotify,
		      (void *)&refused);
	ret |= in_box("k-fan", ENFORCE, ALLOW, fan, ARRAY_SIZE(fan), NULL, child_fanotify,
		      (void *)&allowed);
out:
	remove_tree(FAN);
	return ret;
}

/*
 * quotactl: the hook comes after the filesystem's own "no quota here" (ENOSYS), and no
 * filesystem of this VM has quota (tmpfs has none before 6.6). Q_SYNC without a device
 * reaches the hook on any system: it syncs every filesystem's quota.
 */
static int sys_quotactl_fd_getfmt(void)
{
	int fd = open("/tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC), err;
	__u32 fmt;

	if (fd < 0)
		return tap_fail("open /tmp: %s", errname(-errno));
	err = as_err(syscall(SYS_quotactl_fd, fd, QCMD(Q_GETFMT, USRQUOTA), 0, &fmt));
	close(fd);
	return err;
}

static int case_quotactl(void *arg)
{
	static const struct cgf_rule_spec quota[] = { KERNEL_RULE(1, ALLOW, K_QUOTA) };
	int ret;

	(void)arg;
	ret = check("host: quotactl(Q_SYNC, no device)", sys_quota_sync(), 0);
	ret |= confined_call("k-quota-none", NULL, 0, "quotactl(Q_SYNC, no device)",
			     sys_quota_sync, -EPERM);
	ret |= confined_call("k-quota", quota, ARRAY_SIZE(quota), "quotactl(Q_SYNC) allowed",
			     sys_quota_sync, 0);
	/* Before the hook: the same ENOSYS for both, the kernel's own. */
	tap_diag("no filesystem here has quota: quotactl on a device or quotactl_fd ends in "
		 "ENOSYS before the hook; only Q_SYNC without a device reaches it");
	ret |= check("host: quotactl_fd(/tmp, Q_GETFMT)", sys_quotactl_fd_getfmt(), -ENOSYS);
	ret |= confined_call("k-quota-none", NULL, 0, "quotactl_fd(/tmp, Q_GETFMT)",
			     sys_quotactl_fd_getfmt, -ENOSYS);
	return ret;
}

/*
 * FS_IOC_SETFLAGS on a regular file sets inode attributes (append-only, immutable, ...):
 * it needs s, as chmod does, whatever the descriptor was opened for.
 */
#define FLG BASE "/flags"

static int get_flags(const char *path, int *flags)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), err;

	if (fd < 0)
		return -errno;
	err = as_err(ioctl(fd, FS_IOC_GETFLAGS, flags));
	close(fd);
	return err;
}

static int set_noatime(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), err, flags;

	if (fd < 0)
		return -errno;
	err = as_err(ioctl(fd, FS_IOC_GETFLAGS, &flags));
	if (!err) {
		flags |= FS_NOATIME_FL;
		err = as_err(ioctl(fd, FS_IOC_SETFLAGS, &flags));
	}
	close(fd);
	return err;
}

static int child_setflags(void *arg)
{
	return check("FS_IOC_SETFLAGS(NOATIME) on a regular file", set_noatime(FLG "/f"),
		     *(const int *)arg);
}

static int flags_now(bool want_noatime)
{
	int flags = 0;

	if (check("host: FS_IOC_GETFLAGS", get_flags(FLG "/f", &flags), 0))
		return -1;
	if (!!(flags & FS_NOATIME_FL) != want_noatime)
		return tap_fail("the file's flags are %#x: NOATIME %s", flags,
				want_noatime ? "missing" : "set after a refusal");
	return 0;
}

static int case_setflags(void *arg)
{
	static const struct cgf_rule_spec no_s[] = {
		FILE_RULE(1, ALLOW, CGFENCE_FILE_READ | CGFENCE_FILE_WRITE, FLG "/f"),
	};
	static const struct cgf_rule_spec with_s[] = {
		FILE_RULE(1, ALLOW, CGFENCE_FILE_READ | CGFENCE_FILE_SETATTR, FLG "/f"),
	};
	static const int allowed = 0, refused = -EACCES;
	int ret = -1, clear = 0, fd;

	(void)arg;
	if (mkdir_p(FLG) || make_file(FLG "/f", "flags\n", 0644))
		goto out;
	/* Control: the host sets NOATIME, and clears it again. */
	ret = check("host: FS_IOC_SETFLAGS(NOATIME)", set_noatime(FLG "/f"), 0) ||
	      flags_now(true);
	fd = open(FLG "/f", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || ioctl(fd, FS_IOC_SETFLAGS, &clear))
		ret |= tap_fail("host: clear the flags: %s", errname(-errno));
	if (fd >= 0)
		close(fd);
	if (ret)
		goto out;
	ret = in_box("k-flags", ENFORCE, DENY, no_s, ARRAY_SIZE(no_s), NULL, child_setflags,
		     (void *)&refused) || flags_now(false);
	ret |= in_box("k-flags-s", ENFORCE, DENY, with_s, ARRAY_SIZE(with_s), NULL,
		      child_setflags, (void *)&allowed) || flags_now(true);
out:
	remove_tree(FLG);
	return ret;
}

/*
 * Tasks outside the container: a host task in the same (host) pid namespace. The box's
 * own tasks, in its cgroup or in another cgroup of its subtree, stay reachable.
 */
static char marker[32] = "host memory, untouched";
/*
 * A pipe every task of this test inherits under the same number: taken with
 * pidfd_getfd(), it is a descriptor any profile lets a task receive (a pipe), so the
 * answer is the ptrace check's alone. Its stdout may be a device no rule allows.
 */
static int target_pipe = -1;
static const char scribble[32] = "written by the container";

/* A task that waits to be probed: in @dir (NULL: where the caller is). */
static pid_t spawn_sleeper(const char *dir)
{
	pid_t pid;
	int err;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return tap_fail("fork: %s", errname(-errno));
	if (pid == 0) {
		alarm(tap_seconds(60));
		for (;;)
			pause();
	}
	if (dir) {
		err = cgroup_move(dir, pid);
		if (err) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			return tap_fail("move the sleeper into %s: %s", dir, errname(err));
		}
	}
	return pid;
}

/* Kills a child of ours with @sig and reaps it. */
static int reap(pid_t pid, int sig)
{
	int status;

	if (kill(pid, sig))
		return tap_fail("kill(%d, %d): %s", pid, sig, errname(-errno));
	if (waitpid(pid, &status, 0) != pid)
		return tap_fail("waitpid(%d): %s", pid, errname(-errno));
	return 0;
}

/* Still running (not even a zombie), and its memory as it was. */
static int host_task_intact(pid_t pid)
{
	struct iovec local, remote;
	char buf[sizeof(marker)];

	if (waitpid(pid, NULL, WNOHANG) != 0)
		return tap_fail("the host task %d is gone", pid);
	local.iov_base = buf;
	local.iov_len = sizeof(buf);
	remote.iov_base = marker;
	remote.iov_len = sizeof(marker);
	if (process_vm_readv(pid, &local, 1, &remote, 1, 0) != sizeof(buf))
		return tap_fail("host: process_vm_readv(%d): %s", pid, errname(-errno));
	if (memcmp(buf, marker, sizeof(buf)))
		return tap_fail("the host task's memory changed: \"%.32s\"", buf);
	return 0;
}

/* What a probe of one task must answer: 0, or the refusal's errno. */
struct task_want {
	int ptrace;		/* ptrace(PTRACE_SEIZE) */
	int vm;			/* process_vm_readv, process_vm_writev (EPERM), pidfd_getfd */
	int mem;		/* open /proc/PID/mem (EACCES) */
	int signal;		/* kill, tgkill, pidfd_send_signal with signal 0 */
	bool write;		/* also process_vm_writev when allowed (not into host tasks) */
};

static int probe_task(const char *who, pid_t pid, const struct task_want *w)
{
	struct iovec local, remote;
	char what[128], path[64], buf[sizeof(marker)];
	int pidfd, ret = 0, err;
	ssize_t n;

#define WHAT(s) (snprintf(what, sizeof(what), "%s " s, who), what)
	local.iov_base = buf;
	local.iov_len = sizeof(buf);
	remote.iov_base = marker;
	remote.iov_len = sizeof(marker);
	n = process_vm_readv(pid, &local, 1, &remote, 1, 0);
	err = n < 0 ? -errno : 0;
	ret |= check(WHAT("process_vm_readv"), err, w->vm);
	if (!err && (n != sizeof(buf) || memcmp(buf, marker, sizeof(buf))))
		ret |= tap_fail("%s: read %zd bytes \"%.32s\"", what, n, buf);
	if (w->vm || w->write) {
		local.iov_base = (void *)scribble;
		n = process_vm_writev(pid, &local, 1, &remote, 1, 0);
		ret |= check(WHAT("process_vm_writev"), n < 0 ? -errno : 0, w->vm);
	}
	snprintf(path, sizeof(path), "/proc/%d/mem", pid);
	ret |= check(WHAT("open /proc/PID/mem O_RDONLY"), try_open(path, O_RDONLY), w->mem);
	ret |= check(WHAT("open /proc/PID/mem O_RDWR"), try_open(path, O_RDWR), w->mem);
	pidfd = syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0) {
		ret |= tap_fail("%s: pidfd_open: %s", who, errname(-errno));
	} else {
		ret |= check(WHAT("pidfd_getfd(its pipe)"),
			     fd_err(syscall(SYS_pidfd_getfd, pidfd, target_pipe, 0)), w->vm);
		ret |= check(WHAT("pidfd_send_signal(0)"),
			     as_err(syscall(SYS_pidfd_send_signal, pidfd, 0, NULL, 0)), w->signal);
		if (w->signal)
			ret |= check(WHAT("pidfd_send_signal(SIGTERM)"),
				     as_err(syscall(SYS_pidfd_send_signal, pidfd, SIGTERM, NULL,
						    0)), w->signal);
		close(pidfd);
	}
	ret |= check(WHAT("kill(0)"), as_err(kill(pid, 0)), w->signal);
	ret |= check(WHAT("tgkill(0)"), as_err(syscall(SYS_tgkill, pid, pid, 0)), w->signal);
	if (w->signal) {
		ret |= check(WHAT("kill(SIGTERM)"), as_err(kill(pid, SIGTERM)), w->signal);
		ret |= check(WHAT("kill(SIGKILL)"), as_err(kill(pid, SIGKILL)), w->signal);
	}
	/* Last: once seized, the task stays traced until this task exits. */
	if (w->ptrace)
		ret |= check(WHAT("ptrace(PTRACE_ATTACH)"),
			     as_err(ptrace(PTRACE_ATTACH, pid, NULL, NULL)), w->ptrace);
	ret |= check(WHAT("ptrace(PTRACE_SEIZE)"), as_err(ptrace(PTRACE_SEIZE, pid, NULL, NULL)),
		     w->ptrace);
#undef WHAT
	return ret;
}

/* Whether our child @pid died of @sig (reaped if so); waits up to 2 s for it. */
static bool dead_of(pid_t pid, int sig)
{
	int status, i;

	for (i = 0; i < 200; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return WIFSIGNALED(status) && WTERMSIG(status) == sig;
		usleep(10000);
	}
	return false;
}

struct tasks_ctx {
	pid_t host;		/* outside the box */
	pid_t host_doomed;	/* outside: the one an allowed signal may kill; 0: none */
	pid_t peer;		/* in another cgroup of the box */
	struct task_want host_want;
};

static int child_tasks(void *arg)
{
	static const struct task_want same = { 0, 0, 0, 0, true };
	const struct tasks_ctx *t = arg;
	int ret = 0, status;
	pid_t own;

	ret |= probe_task("host task:", t->host, &t->host_want);
	if (t->host_doomed)
		ret |= check("host task: kill(SIGTERM), signal allowed",
			     as_err(kill(t->host_doomed, SIGTERM)), 0);
	ret |= probe_task("same container, another cgroup:", t->peer, &same);
	/* Its own child: reachable, writable; then killed, as a container may. */
	fflush(stdout);
	own = fork();
	if (own < 0)
		return tap_fail("fork: %s", errname(-errno));
	if (own == 0) {
		alarm(tap_seconds(20));
		for (;;)
			pause();
	}
	ret |= probe_task("own child:", own, &same);
	ret |= check("own child: kill(SIGKILL)", as_err(kill(own, SIGKILL)), 0);
	if (waitpid(own, &status, 0) != own || !WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
		ret |= tap_fail("own child: not killed by SIGKILL (status %#x)", status);
	return ret;
}

static int tasks_round(const char *profile, const struct cgf_rule_spec *rules, unsigned int n,
		       const struct task_want *host_want, bool doomed)
{
	char peer_dir[320];
	struct tasks_ctx t = { .host_want = *host_want };
	struct box b;
	int ret = -1;

	t.host = spawn_sleeper(NULL);
	if (t.host < 0)
		return -1;
	if (doomed) {
		t.host_doomed = spawn_sleeper(NULL);
		if (t.host_doomed < 0)
			goto out_host;
	}
	if (box_make_spec(&b, "box", profile, ENFORCE, ALLOW, rules, n))
		goto out_box;
	snprintf(peer_dir, sizeof(peer_dir), "%s/peer", b.dir);
	if (mkdir(peer_dir, 0755)) {
		tap_fail("mkdir %s: %s", peer_dir, errname(-errno));
		goto out_box;
	}
	t.peer = spawn_sleeper(peer_dir);
	if (t.peer > 0) {
		ret = run_confined(&b, NULL, child_tasks, &t);
		ret |= reap(t.peer, SIGKILL);
	}
	if (rmdir(peer_dir))
		ret |= tap_fail("rmdir %s: %s", peer_dir, errname(-errno));
	/* The host side: the task is there, running, its memory as it was. */
	ret |= host_task_intact(t.host);
	if (doomed) {
		if (!dead_of(t.host_doomed, SIGTERM))
			ret |= tap_fail("the host task an allowed SIGTERM was sent to lives on");
		else
			t.host_doomed = 0;
	}
out_box:
	box_drop(&b);
	if (t.host_doomed > 0)
		reap(t.host_doomed, SIGKILL);
out_host:
	ret |= reap(t.host, SIGKILL);
	return ret;
}

static int case_tasks(void *arg)
{
	static const struct cgf_rule_spec ptrace_rule[] = { KERNEL_RULE(1, ALLOW, K_PTRACE) };
	static const struct cgf_rule_spec signal_rule[] = { KERNEL_RULE(1, ALLOW, K_SIGNAL) };
	static const struct task_want refused = { -EPERM, -EPERM, -EACCES, -EPERM, false };
	static const struct task_want traced = { 0, 0, 0, -EPERM, false };
	static const struct task_want signalled = { -EPERM, -EPERM, -EACCES, 0, false };
	static const struct task_want host_self = { 0, 0, 0, 0, false };
	pid_t sleeper;
	int ret;

	(void)arg;
	/* Control: the host reaches its own tasks. */
	sleeper = spawn_sleeper(NULL);
	if (sleeper < 0)
		return -1;
	ret = probe_task("host to host task:", sleeper, &host_self);
	ret |= reap(sleeper, SIGKILL);
	ret |= tasks_round("k-tasks", NULL, 0, &refused, false);
	ret |= tasks_round("k-ptrace", ptrace_rule, ARRAY_SIZE(ptrace_rule), &traced, false);
	ret |= tasks_round("k-signal", signal_rule, ARRAY_SIZE(signal_rule), &signalled, true);
	return ret;
}

/* The host's answers, taken before cgfence is loaded, to compare the confined ones with. */
static void host_answers_take(void)
{
	if (make_file(JUNK, junk, 0644)) {
		tap_diag("write %s: the host's answers are missing", JUNK);
		return;
	}
	host.init_module = sys_init_module_junk();
	host.finit_module = sys_finit_module(JUNK);
	host.kexec_load = sys_kexec_load_nothing();
	host.kexec_file_load = sys_kexec_file_load_junk();
	tap_diag("host, before cgfence: init_module(junk) %s, finit_module(junk) %s,"
		 " kexec_load(no segment) %s, kexec_file_load(junk) %s",
		 errname(host.init_module), errname(host.finit_module),
		 errname(host.kexec_load), errname(host.kexec_file_load));
}

int main(int argc, char **argv)
{
	int p[2];

	tap_init(argc, argv);
	tap_plan(17);
	if (pipe(p) == 0)
		target_pipe = p[0];
	remove_tree(BASE);
	mkdir_p(BASE);
	host_answers_take();
	tap_case("insmod cgfence.ko", case_load, NULL);
	/* The cases that read the kernel log first: later ones flood its rate limit. */
	tap_case("kernel log and denial ring: iopl in complain mode allowed, would-deny"
		 " op=lockdown; denied op=module_load, ptrace, reboot (deny rule wins) (kind"
		 " kernel), device_ioctl (device), setflags (file)",
		 case_records, NULL);
	tap_case("open mode 3 (ioctl only) is read+write: /dev/zero EACCES, /dev/null (c 1:3 rw)"
		 " opens; a file under allow r EACCES, under allow rw opens", case_mode3, NULL);
	tap_case("device ioctl needs w: FIONREAD on /dev/null under c 1:3 r EACCES, FIOCLEX/"
		 "FIONBIO/FIONCLEX exempt; under rw the driver's ENOTTY", case_dev_ioctl, NULL);
	tap_case("TIOCSTI/TIOCLINUX on a pty slave EPERM without tty_inject (nothing injected),"
		 " TCGETS works; with tty_inject TIOCSTI injects", case_tty, NULL);
	tap_case("init_module/finit_module of junk EPERM (host ENOEXEC), no module loaded;"
		 " allow module: signed minix.ko loads, unsigned meets lockdown", case_module_load,
		 NULL);
	tap_case("reboot(CAD_ON) EPERM (host 0); allowed by a reboot rule", case_reboot, NULL);
	tap_case("kexec_load(no segment) and kexec_file_load(junk) EPERM; kexec_file_load"
		 " allowed gets the host's ENOEXEC; kexec_load also needs lockdown", case_kexec,
		 NULL);
	tap_case("bpf(BPF_MAP_CREATE) EPERM (host: a map); allowed by a bpf rule", case_bpf, NULL);
	tap_case("perf_event_open(cpu clock) EPERM (host: an event); allowed by a perf rule",
		 case_perf, NULL);
	tap_case("iopl(3), ioperm(0x80), open /proc/kcore EPERM (host 0); allowed by a lockdown"
		 " rule", case_lockdown, NULL);
	tap_case("fanotify FAN_OPEN_PERM/FAN_ACCESS_PERM marks EPERM, FAN_OPEN mark works (host:"
		 " all work); allowed by a fanotify rule", case_fanotify, NULL);
	tap_case("quotactl(Q_SYNC, no device) EPERM (host 0); allowed by a quota rule;"
		 " quotactl_fd on tmpfs: the kernel's ENOSYS for both", case_quotactl, NULL);
	tap_case("FS_IOC_SETFLAGS on a regular file without s EACCES, flags unchanged; with s"
		 " set (host: set)", case_setflags, NULL);
	tap_case("host task (host pid ns): ptrace, process_vm_readv/writev, /proc/PID/mem,"
		 " pidfd_getfd, kill/tgkill/pidfd_send_signal refused, task intact; own child and"
		 " another cgroup of the box reachable; ptrace / signal rules open each alone",
		 case_tasks, NULL);
	/* Last: if the refusal failed, cgfence is gone and every later case would fail too. */
	tap_case("delete_module(no_such_mod) EPERM (host ENOENT), forced delete_module(cgfence)"
		 " EPERM and cgfence stays; allow module: ENOENT", case_module_unload, NULL);
	tap_case("rmmod cgfence", case_unload, NULL);
	remove_tree(BASE);
	return tap_done();
}
