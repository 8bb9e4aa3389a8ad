// SPDX-License-Identifier: GPL-2.0
/* e2e: a privileged container (every capability, the host's pid namespace) cannot reach the kernel. */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <linux/kexec.h>
#include <linux/perf_event.h>
#include <linux/reboot.h>

#include "e2e.h"
#include "tap.h"

#define BASE		"/tmp/t_kernel"
#define JUNK		BASE "/junk.ko"

#define ALLOW		CGFENCE_EFFECT_ALLOW
#define ENFORCE		CGFENCE_MODE_ENFORCE
#define COMPLAIN	CGFENCE_MODE_COMPLAIN
#define R		CGFENCE_DEV_READ
#define W		CGFENCE_DEV_WRITE
#define CHR		CGFENCE_DEV_CHAR

#define DEV(i, maj, min, acc) {							\
	.id = (i), .kind = CGFENCE_RULE_DEVICE, .effect = ALLOW, .dev_type = CHR,	\
	.major = (maj), .minor = (min), .dev_access = (acc),			\
}
#define KERNEL(i, ops) { .id = (i), .kind = CGFENCE_RULE_KERNEL, .effect = ALLOW, .kernel_ops = (ops) }
#define FILE_RULE(i, eff, perm, p) {						\
	.id = (i), .kind = CGFENCE_RULE_FILE, .effect = (eff), .perms = (perm), .path = (p), \
}

/* Runs @fn (after @pre, still unconfined) confined by profile @name of @rules, default allow. */
static int in_box(const char *name, const struct cgf_rule_spec *rules, unsigned int n,
		      int (*pre)(void *arg), int (*fn)(void *arg), void *arg)
{
	struct box b;
	int ret = -1;

	if (!box_make_spec(&b, "box", name, ENFORCE, ALLOW, rules, n))
		ret = run_confined(&b, pre, fn, arg);
	box_drop(&b);
	return ret;
}

/* Access mode 3 opens for ioctls only: judged as read and write, devices and files alike. */
static int child_mode3(void *arg)
{
	bool rw_file = arg;
	int ret = 0;

	ret |= expect_err("open(/dev/zero, 3), c 1:5 not allowed", try_open("/dev/zero", 3),
			  -EACCES);
	ret |= expect_err("open(/dev/null, 3), c 1:3 rw", try_open("/dev/null", 3), 0);
	ret |= expect_err("open(file, 3)", try_open(BASE "/file", 3), rw_file ? 0 : -EACCES);
	ret |= expect_err("open(file, O_RDONLY)", try_open(BASE "/file", O_RDONLY), 0);
	return ret;
}

static int case_mode3(void *arg)
{
	const struct cgf_rule_spec ro_file[] = {
		DEV(1, 1, 3, R | W),
		FILE_RULE(2, CGFENCE_EFFECT_DENY, CGFENCE_FILE_WRITE, BASE "/file"),
	};

	(void)arg;
	if (make_file(BASE "/file", "data\n", 0644))
		return -1;
	if (in_box("k-mode3", ro_file, 2, NULL, child_mode3, (void *)false))
		return -1;
	return in_box("k-mode3-rw", ro_file, 1, NULL, child_mode3, (void *)true);
}

/* Every device ioctl needs w; the descriptor-only ones do not reach the device. */
static int child_ioctl(void *arg)
{
	bool w = arg;
	int fd, n = 0, ret = 0;

	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return tap_fail("open /dev/null O_RDONLY: %s", errname(-errno));
	ret |= expect_err("ioctl(/dev/null, FIONREAD)", as_err(ioctl(fd, FIONREAD, &n)),
			  w ? -ENOTTY : -EACCES);
	ret |= expect_err("ioctl(/dev/null, FIOCLEX)", as_err(ioctl(fd, FIOCLEX)), 0);
	close(fd);
	return ret;
}

static int case_ioctl(void *arg)
{
	const struct cgf_rule_spec ro[] = { DEV(1, 1, 3, R) };
	const struct cgf_rule_spec rw[] = { DEV(1, 1, 3, R | W) };

	(void)arg;
	if (in_box("k-ioctl-r", ro, 1, NULL, child_ioctl, (void *)false))
		return -1;
	return in_box("k-ioctl-rw", rw, 1, NULL, child_ioctl, (void *)true);
}

/* TIOCSTI types into whatever reads the terminal: refused unless tty_inject is allowed. */
static int child_tiocsti(void *arg)
{
	bool allowed = arg;
	struct termios t;
	char c = 'x', got;
	int m, s, ret = 0;

	m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (m < 0 || grantpt(m) || unlockpt(m))
		return tap_fail("open a pty: %s", errname(-errno));
	s = open(ptsname(m), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (s < 0) {
		close(m);
		return tap_fail("open %s: %s", ptsname(m), errname(-errno));
	}
	ret |= expect_err("TCGETS on the slave (control)", as_err(tcgetattr(s, &t)), 0);
	t.c_lflag &= ~(ICANON | ECHO);
	ret |= expect_err("TCSETS on the slave (control)", as_err(tcsetattr(s, TCSANOW, &t)), 0);
	ret |= expect_err("TIOCSTI on the slave", as_err(ioctl(s, TIOCSTI, &c)),
			  allowed ? 0 : -EPERM);
	/* What was injected is read back from the slave; a refusal left nothing. */
	ret |= expect_err("read the slave", read(s, &got, 1) == 1 ? 0 : -errno,
			  allowed ? 0 : -EAGAIN);
	close(s);
	close(m);
	return ret;
}

static int case_tiocsti(void *arg)
{
	const struct cgf_rule_spec pty[] = {
		DEV(1, 5, 2, R | W), DEV(2, 136, CGFENCE_DEV_ANY, R | W),
		KERNEL(3, CGFENCE_KERNEL_TTY_INJECT),
	};

	(void)arg;
	if (mkdir("/dev/pts", 0755) && errno != EEXIST)
		return tap_fail("mkdir /dev/pts: %s", errname(-errno));
	if (in_box("k-tty", pty, 2, pre_devpts, child_tiocsti, (void *)false))
		return -1;
	return in_box("k-tty-inject", pty, 3, pre_devpts, child_tiocsti, (void *)true);
}

/* What the kernel answers the host: the confined task must get EPERM, never this. */
struct module_answers {
	int init, finit, delete;
};

static int module_calls(struct module_answers *a)
{
	static const char junk[64] = "not an ELF object";
	int fd;

	a->init = as_err(syscall(SYS_init_module, junk, sizeof(junk), ""));
	fd = open(JUNK, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return tap_fail("open %s: %s", JUNK, errname(-errno));
	a->finit = as_err(syscall(SYS_finit_module, fd, "", 0));
	close(fd);
	a->delete = as_err(syscall(SYS_delete_module, "t_kernel_none", O_NONBLOCK));
	return 0;
}

static struct module_answers host_modules;

static int child_modules(void *arg)
{
	bool allowed = arg;
	struct module_answers a;
	int ret = 0;

	if (module_calls(&a))
		return -1;
	ret |= expect_err("init_module(junk)", a.init, allowed ? host_modules.init : -EPERM);
	ret |= expect_err("finit_module(junk file)", a.finit,
			  allowed ? host_modules.finit : -EPERM);
	ret |= expect_err("delete_module(no such module)", a.delete,
			  allowed ? host_modules.delete : -EPERM);
	if (!allowed)
		ret |= expect_err("delete_module(cgfence, O_TRUNC)",
				  as_err(syscall(SYS_delete_module, "cgfence",
						 O_NONBLOCK | O_TRUNC)), -EPERM);
	return ret;
}

static int case_modules(void *arg)
{
	/* An unsigned module is also what lockdown refuses (its signature check asks it). */
	const struct cgf_rule_spec allow[] = {
		KERNEL(1, CGFENCE_KERNEL_MODULE | CGFENCE_KERNEL_LOCKDOWN),
	};

	(void)arg;
	if (make_file(JUNK, "not an ELF object either\n", 0644) || module_calls(&host_modules))
		return -1;
	/* The host's answers are the kernel's own: none is a refusal. */
	if (host_modules.init != -ENOEXEC || host_modules.finit != -ENOEXEC ||
	    host_modules.delete != -ENOENT)
		return tap_fail("host: init %s, finit %s, delete %s (want ENOEXEC, ENOEXEC, ENOENT)",
				errname(host_modules.init), errname(host_modules.finit),
				errname(host_modules.delete));
	if (in_box("k-mod", NULL, 0, NULL, child_modules, (void *)false))
		return -1;
	if (!cgf_loaded())
		return tap_fail("cgfence is gone");
	return in_box("k-mod-allowed", allow, 1, NULL, child_modules, (void *)true);
}

/* reboot(CAD_ON), kexec_load of nothing, bpf, perf, iopl, /proc/kcore, syslog, the clock. */
struct kernel_answers {
	int reboot, kexec, bpf, perf, iopl, kcore, syslog, settime;
};

static int kernel_calls(struct kernel_answers *a)
{
	union bpf_attr attr = {
		.map_type = BPF_MAP_TYPE_ARRAY, .key_size = 4, .value_size = 4, .max_entries = 1,
	};
	struct perf_event_attr pe = {
		.type = PERF_TYPE_SOFTWARE, .size = sizeof(pe), .config = PERF_COUNT_SW_CPU_CLOCK,
		.disabled = 1,
	};
	struct timespec now;
	long fd;

	a->reboot = as_err(syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2,
				   LINUX_REBOOT_CMD_CAD_ON, NULL));
	/* No segments: unloads a kexec kernel, of which there is none. */
	a->kexec = as_err(syscall(SYS_kexec_load, 0UL, 0UL, NULL, KEXEC_ARCH_DEFAULT));
	fd = syscall(SYS_bpf, BPF_MAP_CREATE, &attr, sizeof(attr));
	a->bpf = as_err(fd);
	if (fd >= 0)
		close(fd);
	fd = syscall(SYS_perf_event_open, &pe, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
	a->perf = as_err(fd);
	if (fd >= 0)
		close(fd);
	a->iopl = as_err(iopl(3));
	if (!a->iopl)
		iopl(0);
	a->kcore = try_open("/proc/kcore", O_RDONLY);
	a->syslog = as_err(syscall(SYS_syslog, 10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0));
	clock_gettime(CLOCK_REALTIME, &now);
	a->settime = as_err(clock_settime(CLOCK_REALTIME, &now));
	return 0;
}

static const char *const kernel_call_names[] = {
	"reboot(CAD_ON)", "kexec_load(no segments)", "bpf(BPF_MAP_CREATE)",
	"perf_event_open(cpu clock)", "iopl(3)", "open(/proc/kcore)",
	"syslog(SIZE_BUFFER)", "clock_settime(REALTIME, now)",
};

static int child_kernel(void *arg)
{
	const int *want = arg;
	struct kernel_answers a;
	const int *got = (const int *)&a;
	unsigned int i;
	int ret = 0;

	kernel_calls(&a);
	for (i = 0; i < ARRAY_SIZE(kernel_call_names); i++)
		ret |= expect_err(kernel_call_names[i], got[i], want ? want[i] : -EPERM);
	return ret;
}

static int case_kernel(void *arg)
{
	const struct cgf_rule_spec all[] = { KERNEL(1, CGFENCE_KERNEL_ALL) };
	struct kernel_answers host;
	const int *h = (const int *)&host;
	unsigned int i;

	(void)arg;
	kernel_calls(&host);
	for (i = 0; i < ARRAY_SIZE(kernel_call_names); i++)
		if (h[i] == -EPERM)
			return tap_fail("host: %s: EPERM, the test cannot tell a refusal from it",
					kernel_call_names[i]);
	if (in_box("k-kernel", NULL, 0, NULL, child_kernel, NULL))
		return -1;
	/* Allowed: the confined task gets what the host got. */
	return in_box("k-kernel-all", all, 1, NULL, child_kernel, (void *)h);
}

/* Complain mode: the same refusal is reported as would-deny and allowed. */
static int child_iopl_allowed(void *arg)
{
	(void)arg;
	if (expect_err("iopl(3) in complain mode", as_err(iopl(3)), 0))
		return -1;
	iopl(0);
	return 0;
}

static int case_complain(void *arg)
{
	struct box b;
	int ret = -1;

	(void)arg;
	if (!box_make_spec(&b, "box", "k-complain", COMPLAIN, ALLOW, NULL, 0))
		ret = expect_klog(&b, NULL, child_iopl_allowed, NULL, "would-deny", "k-complain",
				  0, "reason 7");
	box_drop(&b);
	return ret;
}

/*
 * Tasks outside the container, with the host's pid namespace: a host sleeper, and the
 * confined task's own child as the control.
 */
static volatile unsigned long target_word = 0x5a5a5a5a;

struct outside_arg {
	pid_t host;
	int host_pipe;		/* a descriptor the host task holds */
	bool allowed;
};

static int reach(const char *who, pid_t pid, int fd_there, int want, int want_mem)
{
	unsigned long value = 0xdeadbeef;
	struct iovec local = { &value, sizeof(value) };
	struct iovec remote = { (void *)&target_word, sizeof(value) };
	char path[64], what[96];
	int ret = 0, pidfd;

	snprintf(what, sizeof(what), "PTRACE_SEIZE %s", who);
	ret |= expect_err(what, as_err(ptrace(PTRACE_SEIZE, pid, NULL, NULL)), want);
	if (!want)
		ptrace(PTRACE_DETACH, pid, NULL, NULL);
	snprintf(what, sizeof(what), "process_vm_writev into %s", who);
	ret |= expect_err(what, as_err(process_vm_writev(pid, &local, 1, &remote, 1, 0)), want);
	snprintf(path, sizeof(path), "/proc/%d/mem", pid);
	snprintf(what, sizeof(what), "open %s (%s)", path, who);
	ret |= expect_err(what, try_open(path, O_RDONLY), want_mem);
	pidfd = syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0)
		return tap_fail("pidfd_open %s: %s", who, errname(-errno));
	/* A pipe of the target's: a descriptor the profile would let the task receive. */
	snprintf(what, sizeof(what), "pidfd_getfd(%s, its pipe)", who);
	{
		long fd = syscall(SYS_pidfd_getfd, pidfd, fd_there, 0);

		ret |= expect_err(what, as_err(fd), want);
		if (fd >= 0)
			close(fd);
	}
	close(pidfd);
	return ret;
}

static int signal_(const char *who, pid_t pid, int sig, int want)
{
	char what[64];

	snprintf(what, sizeof(what), "kill(%s, %d)", who, sig);
	return expect_err(what, as_err(kill(pid, sig)), want);
}

static int child_outside(void *arg)
{
	const struct outside_arg *o = arg;
	int want = o->allowed ? 0 : -EPERM;
	int ret = 0, p[2];
	pid_t own;

	if (pipe2(p, O_CLOEXEC))
		return tap_fail("pipe: %s", errname(-errno));
	own = fork();
	if (own < 0)
		return tap_fail("fork: %s", errname(-errno));
	if (own == 0) {
		pause();
		_exit(0);
	}
	ret |= reach("own child", own, p[0], 0, 0);
	ret |= signal_("own child", own, 0, 0);
	ret |= reach("host task", o->host, o->host_pipe, want, o->allowed ? 0 : -EACCES);
	ret |= signal_("host task", o->host, 0, want);
	if (!o->allowed)
		ret |= signal_("host task", o->host, SIGTERM, -EPERM);
	ret |= signal_("own child", own, SIGKILL, 0);
	waitpid(own, NULL, 0);
	close(p[0]);
	close(p[1]);
	return ret;
}

static int case_outside(void *arg)
{
	const struct cgf_rule_spec allow[] = {
		KERNEL(1, CGFENCE_KERNEL_PTRACE | CGFENCE_KERNEL_SIGNAL),
	};
	struct outside_arg o = { 0 };
	int ret = -1, status, p[2];

	(void)arg;
	if (pipe2(p, O_CLOEXEC))
		return tap_fail("pipe: %s", errname(-errno));
	o.host_pipe = p[0];
	o.host = fork();
	if (o.host < 0)
		return tap_fail("fork: %s", errname(-errno));
	if (o.host == 0) {
		pause();
		_exit(0);
	}
	if (in_box("k-outside", NULL, 0, NULL, child_outside, &o))
		goto out;
	/* The host side is unchanged: alive, and its memory as it was. */
	if (waitpid(o.host, &status, WNOHANG) != 0) {
		tap_fail("the host task is gone");
		goto out;
	}
	if (target_word != 0x5a5a5a5a) {
		tap_fail("the host's memory changed");
		goto out;
	}
	o.allowed = true;
	ret = in_box("k-outside-allowed", allow, 1, NULL, child_outside, &o);
out:
	kill(o.host, SIGKILL);
	waitpid(o.host, NULL, 0);
	close(p[0]);
	close(p[1]);
	return ret;
}

int main(int argc, char **argv)
{
	tap_init(argc, argv);
	tap_plan(9);
	remove_tree(BASE);
	mkdir_p(BASE);
	tap_case("insmod cgfence.ko", case_cgfence_insmod, NULL);
	tap_case("open with access mode 3 (ioctls only) is read+write: EACCES for a device or a"
		 " file the profile lets be read only; allowed rw, it opens", case_mode3, NULL);
	tap_case("device ioctl needs w: FIONREAD on /dev/null EACCES under c 1:3 r (FIOCLEX"
		 " still works); ENOTTY, the driver's answer, under rw", case_ioctl, NULL);
	tap_case("TIOCSTI into a pty the profile allows rw: EPERM, nothing typed; with the kernel"
		 " rule tty_inject it types", case_tiocsti, NULL);
	tap_case("init_module, finit_module, delete_module (any module, cgfence forced too): EPERM"
		 " where the host gets ENOEXEC/ENOENT; kernel rule module: the host's answers",
		 case_modules, NULL);
	tap_case("reboot, kexec_load, bpf, perf_event_open, iopl, /proc/kcore, syslog,"
		 " clock_settime: EPERM confined, the host's answers with kernel { allow all; }",
		 case_kernel, NULL);
	tap_case("complain mode: iopl(3) allowed and reported as would-deny (lockdown, reason 7:"
		 " I/O ports)",
		 case_complain, NULL);
	tap_case("host pid namespace: ptrace, process_vm_writev, /proc/PID/mem, pidfd_getfd and"
		 " kill of a host task refused (host task alive, memory unchanged); own child"
		 " reachable; kernel rules ptrace and signal allow the host task",
		 case_outside, NULL);
	tap_case("rmmod cgfence", case_cgfence_rmmod, NULL);
	remove_tree(BASE);
	return tap_done();
}
