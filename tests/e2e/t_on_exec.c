// SPDX-License-Identifier: GPL-2.0
/* e2e: on-exec attachments: a task is judged from its next execve, its children follow it. */

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "e2e.h"
#include "tap.h"

#define DIR		"/tmp/t_on_exec"
#define SECRET		DIR "/secret"
#define PUBLIC		DIR "/public"
#define OTHER		DIR "/other"
#define PROFILE		"t_on_exec"
#define OUTER		"t_on_exec_outer"

#define R		CGFENCE_FILE_READ
#define DENY		CGFENCE_EFFECT_DENY
#define ALLOW		CGFENCE_EFFECT_ALLOW
#define ENFORCE		CGFENCE_MODE_ENFORCE

static const struct cgf_file_rule deny_secret[] = { { 1, DENY, R, SECRET } };
static const struct cgf_file_rule deny_other[] = { { 1, DENY, R, OTHER } };

/* What the calling task may read: the profile refuses SECRET and leaves PUBLIC. */
enum state { UNCONFINED = 'u', CONFINED = 'c', BROKEN = 'x' };

static enum state probe_state(void)
{
	int secret = try_open(SECRET, O_RDONLY), public = try_open(PUBLIC, O_RDONLY);

	if (public)
		return BROKEN;
	return secret == 0 ? UNCONFINED : secret == -EACCES ? CONFINED : BROKEN;
}

static int expect_state(const char *who, enum state want)
{
	enum state got = probe_state();

	if (got == want)
		return 0;
	return tap_fail("%s: %s, want %s", who,
			got == UNCONFINED ? "reads " SECRET : got == CONFINED ?
			"refused " SECRET : "cannot read " PUBLIC " either",
			want == UNCONFINED ? "unconfined (pending)" : "confined");
}

/*
 * The program after an exec (this binary again, "--probe"): confined from its first
 * instruction, and so is a child it forks; with a pid, a task it may not signal.
 */
static int probe_main(int argc, char **argv)
{
	int status, err;
	pid_t child;

	if (probe_state() != CONFINED)
		return 10;
	child = fork();
	if (child == 0) {
		/* Pauses until killed: the positive control of the signal check below. */
		if (probe_state() != CONFINED)
			_exit(11);
		pause();
		_exit(0);
	}
	if (child < 0)
		return 12;
	if (argc > 2) {
		/* A task the attachment leaves pending is not the container's: EPERM. */
		err = kill(atoi(argv[2]), 0) ? -errno : 0;
		if (err != -EPERM) {
			kill(child, SIGKILL);
			return 13;
		}
		if (kill(child, 0)) {
			kill(child, SIGKILL);
			return 14;
		}
	}
	kill(child, SIGKILL);
	if (waitpid(child, &status, 0) != child || !WIFSIGNALED(status))
		return 15;
	return 0;
}

static const char *const probe_codes[] = {
	[10] = "the exec'd program could read " SECRET " (not confined from its exec)",
	[11] = "the exec'd program's child was not confined",
	[12] = "fork failed in the exec'd program",
	[13] = "the exec'd program could signal a pending task (want EPERM)",
	[14] = "the exec'd program could not signal its own confined child",
	[15] = "the exec'd program's child did not end as killed",
};

/* Replaces the caller with the probe; returns only after a diagnostic. */
static int exec_probe(pid_t pending)
{
	char pid[24];

	snprintf(pid, sizeof(pid), "%d", pending);
	execl("/proc/self/exe", "t_on_exec", "--probe", pending ? pid : NULL, (char *)NULL);
	return tap_fail("exec /proc/self/exe: %s", errname(-errno));
}

static int wait_probe(pid_t pid, const char *who)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return tap_fail("waitpid: %s", errname(-errno));
	if (WIFEXITED(status) && !WEXITSTATUS(status))
		return 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) < ARRAY_SIZE(probe_codes) &&
	    probe_codes[WEXITSTATUS(status)])
		return tap_fail("%s: %s", who, probe_codes[WEXITSTATUS(status)]);
	return tap_fail("%s: status 0x%x", who, status);
}

struct box_on_exec {
	char dir[256];
	__u64 id;
	bool loaded;
};

static int box_setup(struct box_on_exec *b, const char *sub)
{
	char self[200];
	struct cgf_conn c;
	int err;

	memset(b, 0, sizeof(*b));
	if (cgroup_self_dir(self, sizeof(self)))
		return tap_fail("cannot read our own cgroup");
	snprintf(b->dir, sizeof(b->dir), "%s/%s", self, sub);
	if (mkdir(b->dir, 0755))
		return tap_fail("mkdir %s: %s", b->dir, errname(-errno));
	b->id = cgroup_id_of(b->dir);
	if (cgf_conn_open(&c))
		return -1;
	err = cgf_profile_load(&c, PROFILE, ENFORCE, ALLOW, deny_secret, 1);
	cgf_conn_close(&c);
	b->loaded = !err;
	return err ? -1 : 0;
}

static int box_attach(struct box_on_exec *b, bool on_exec, int want)
{
	struct cgf_conn c;
	int err;

	if (cgf_conn_open(&c))
		return -1;
	err = on_exec ? cgf_attach_on_exec(&c, b->id, PROFILE) : cgf_attach(&c, b->id, PROFILE);
	if (err)
		tap_diag("ATTACH%s: %s, extack \"%s\"", on_exec ? " on exec" : "", errname(err),
			 c.extack);
	cgf_conn_close(&c);
	return expect_err(on_exec ? "ATTACH on exec" : "ATTACH", err, want);
}

/* The box's attachment as dumped: on-exec and its pending count. */
static int box_dump(const struct box_on_exec *b, bool *on_exec, __u32 *pending)
{
	struct cgf_attach_rec recs[8];
	unsigned int n, i;
	struct cgf_conn c;
	int err;

	if (cgf_conn_open(&c))
		return -1;
	err = cgf_attach_dump(&c, recs, ARRAY_SIZE(recs), &n);
	cgf_conn_close(&c);
	if (expect_err("ATTACH_GET dump", err, 0))
		return -1;
	for (i = 0; i < n && i < ARRAY_SIZE(recs); i++) {
		if (recs[i].cgroup_id == b->id) {
			*on_exec = recs[i].on_exec;
			*pending = recs[i].pending;
			return 0;
		}
	}
	return tap_fail("the dump has no attachment for %s", b->dir);
}

static int expect_pending(const struct box_on_exec *b, __u32 want)
{
	struct timespec tick = { 0, 50 * 1000 * 1000 };
	bool on_exec = false;
	__u32 pending = 0;
	int tries;

	/* A task's entry goes a grace period after it is reaped: allow a moment. */
	for (tries = 0; tries < 60; tries++) {
		if (box_dump(b, &on_exec, &pending))
			return -1;
		if (pending == want)
			break;
		nanosleep(&tick, NULL);
	}
	if (!on_exec)
		return tap_fail("the dump does not show the attachment as on-exec");
	if (pending != want)
		return tap_fail("the dump shows %u pending tasks, want %u", pending, want);
	return 0;
}

static void box_teardown(struct box_on_exec *b)
{
	struct cgf_conn c;

	if (!cgf_conn_open(&c)) {
		cgf_detach(&c, b->id);
		if (b->loaded)
			cgf_profile_remove(&c, PROFILE, true);
		cgf_conn_close(&c);
	}
	if (b->dir[0] && rmdir(b->dir) && errno != ENOENT)
		tap_diag("rmdir %s: %s", b->dir, errname(-errno));
}

static int host_unchanged(void)
{
	char buf[32];

	/* The host still reads the secret: the refusals were the box's alone. */
	if (expect_err("host: read " SECRET, read_file(SECRET, buf, sizeof(buf)), 0))
		return -1;
	if (strcmp(buf, "secret"))
		return tap_fail("host: " SECRET " holds \"%s\"", buf);
	return 0;
}

static int case_setup(void *arg)
{
	(void)arg;
	mkdir(DIR, 0755);
	if (make_file(SECRET, "secret", 0644) || make_file(PUBLIC, "public", 0644) ||
	    make_file(OTHER, "other", 0644))
		return -1;
	return 0;
}

/*
 * A task in the cgroup before the attachment: unconfined until its exec, and so is a
 * child it forks before that; each is confined from its exec on.
 */
static int gate_fd = -1;

static int pending_then_exec(void *arg)
{
	char c;
	pid_t kid;

	(void)arg;
	if (read(gate_fd, &c, 1) != 1)
		return tap_fail("gate: %s", errname(-errno));
	if (expect_state("a task there before the attachment, before its exec", UNCONFINED))
		return -1;
	kid = fork();
	if (kid == 0) {
		if (expect_state("its child, forked before the exec", UNCONFINED))
			_exit(1);
		exec_probe(0);
		_exit(1);
	}
	if (kid < 0 || wait_probe(kid, "the pending task's child after its exec"))
		return -1;
	exec_probe(0);
	return -1;
}

static int case_pending_at_attach(void *arg)
{
	struct box_on_exec b;
	int gate[2], ret = -1;
	pid_t pid;

	(void)arg;
	if (pipe(gate))
		return tap_fail("pipe: %s", errname(-errno));
	gate_fd = gate[0];
	if (box_setup(&b, "box"))
		goto out;
	pid = start_in_cgroup(b.dir, NULL, pending_then_exec, NULL);
	if (pid < 0)
		goto out;
	if (box_attach(&b, true, 0) || expect_pending(&b, 1)) {
		kill(pid, SIGKILL);
		finish_child(pid);
		goto out;
	}
	if (write(gate[1], "g", 1) != 1)
		tap_fail("gate: %s", errname(-errno));
	ret = wait_probe(pid, "the task there before the attachment, after its exec") ?:
	      expect_pending(&b, 0) ?: host_unchanged();
out:
	close(gate[0]);
	close(gate[1]);
	box_teardown(&b);
	return ret;
}

/* A task moved in from outside after the attachment (runc exec's way): pending till exec. */
static int entered_then_exec(void *arg)
{
	(void)arg;
	if (expect_state("a task moved in after the attachment, before its exec", UNCONFINED))
		return -1;
	exec_probe(0);
	return -1;
}

static int case_enter_later(void *arg)
{
	struct box_on_exec b;
	int ret = -1;
	pid_t pid;

	(void)arg;
	if (box_setup(&b, "box") || box_attach(&b, true, 0) || expect_pending(&b, 0))
		goto out;
	pid = start_in_cgroup(b.dir, NULL, entered_then_exec, NULL);
	if (pid < 0)
		goto out;
	ret = wait_probe(pid, "the task moved in, after its exec") ?: host_unchanged();
out:
	box_teardown(&b);
	return ret;
}

/* clone3(CLONE_INTO_CGROUP) from the host (crun exec's way): pending till exec. */
static int case_clone_into(void *arg)
{
	struct clone_args args = { .flags = CLONE_INTO_CGROUP, .exit_signal = SIGCHLD };
	struct box_on_exec b;
	int ret = -1, cgfd = -1;
	long pid;

	(void)arg;
	if (box_setup(&b, "box") || box_attach(&b, true, 0))
		goto out;
	cgfd = open(b.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cgfd < 0) {
		tap_fail("open %s: %s", b.dir, errname(-errno));
		goto out;
	}
	args.cgroup = cgfd;
	fflush(stdout);
	pid = syscall(SYS_clone3, &args, sizeof(args));
	if (pid == 0) {
		if (expect_state("a child cloned into the cgroup, before its exec", UNCONFINED))
			_exit(1);
		exec_probe(0);
		_exit(1);
	}
	if (pid < 0) {
		tap_fail("clone3(CLONE_INTO_CGROUP): %s", errname(-errno));
		goto out;
	}
	ret = wait_probe(pid, "the child cloned into the cgroup, after its exec") ?:
	      host_unchanged();
out:
	if (cgfd >= 0)
		close(cgfd);
	box_teardown(&b);
	return ret;
}

/*
 * A confined task may not signal a task the attachment leaves pending (nor ptrace it:
 * the same check), while it signals its own confined child.
 */
static int sleep_pending(void *arg)
{
	(void)arg;
	if (expect_state("the pending sleeper", UNCONFINED))
		return -1;
	pause();
	return 0;
}

static int signal_pending(void *arg)
{
	exec_probe(*(pid_t *)arg);
	return -1;
}

static int case_pending_is_outside(void *arg)
{
	struct box_on_exec b;
	pid_t sleeper, pid;
	int ret = -1;

	(void)arg;
	if (box_setup(&b, "box") || box_attach(&b, true, 0))
		goto out;
	sleeper = start_in_cgroup(b.dir, NULL, sleep_pending, NULL);
	if (sleeper < 0)
		goto out;
	pid = start_in_cgroup(b.dir, NULL, signal_pending, &sleeper);
	ret = pid < 0 ? -1 : wait_probe(pid, "a confined task signalling a pending one");
	kill(sleeper, SIGKILL);
	waitpid(sleeper, NULL, 0);
out:
	box_teardown(&b);
	return ret;
}

/*
 * Re-attaching: on-exec to immediate confines the pending tasks at once; immediate to
 * on-exec is refused (it would release tasks already judged) and changes nothing. The
 * child answers by its exit status: the re-attach revokes its standard output (a device
 * the profile does not grant), so its own diagnostics would be lost.
 */
static int gate2_fd = -1, ready2_fd = -1;

static int wait_then_confined(void *arg)
{
	char c = 'r';

	(void)arg;
	if (probe_state() != UNCONFINED)
		_exit(2);
	if (write(ready2_fd, &c, 1) != 1 || read(gate2_fd, &c, 1) != 1)
		_exit(4);
	_exit(probe_state() == CONFINED ? 0 : 3);
}

static int finish_reattach_child(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return tap_fail("waitpid: %s", errname(-errno));
	if (WIFEXITED(status) && !WEXITSTATUS(status))
		return 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 2)
		return tap_fail("the task was not pending before the re-attach");
	if (WIFEXITED(status) && WEXITSTATUS(status) == 3)
		return tap_fail("the task, not exec'd, was not confined after an immediate re-attach");
	return tap_fail("the re-attach child: status 0x%x", status);
}

static int case_reattach(void *arg)
{
	struct cgf_snapshot before = { 0 }, after = { 0 };
	int gate[2], ready[2], ret = -1;
	struct box_on_exec b;
	bool on_exec = true;
	__u32 pending = 1;
	char c;
	pid_t pid;

	(void)arg;
	if (pipe(gate))
		return tap_fail("pipe: %s", errname(-errno));
	if (pipe(ready)) {
		close(gate[0]);
		close(gate[1]);
		return tap_fail("pipe: %s", errname(-errno));
	}
	gate2_fd = gate[0];
	ready2_fd = ready[1];
	if (box_setup(&b, "box") || box_attach(&b, true, 0))
		goto out;
	pid = start_in_cgroup(b.dir, NULL, wait_then_confined, NULL);
	if (pid < 0)
		goto out;
	/* The child has looked while pending before anything changes. */
	if (read(ready[0], &c, 1) != 1 || expect_pending(&b, 1) || box_attach(&b, false, 0) ||
	    box_dump(&b, &on_exec, &pending)) {
		kill(pid, SIGKILL);
		finish_reattach_child(pid);
		goto out;
	}
	if (on_exec || pending) {
		tap_fail("after the immediate re-attach: on_exec %d, %u pending", on_exec, pending);
		kill(pid, SIGKILL);
		finish_reattach_child(pid);
		goto out;
	}
	if (write(gate[1], "g", 1) != 1 || finish_reattach_child(pid))
		goto out;
	if (cgf_snapshot_take(&before) || box_attach(&b, true, -EBUSY) ||
	    cgf_snapshot_take(&after) || cgf_snapshot_compare(&before, &after))
		goto out;
	ret = host_unchanged();
out:
	cgf_snapshot_free(&before);
	cgf_snapshot_free(&after);
	close(gate[0]);
	close(gate[1]);
	close(ready[0]);
	close(ready[1]);
	box_teardown(&b);
	return ret;
}

/* Detaching drops every pending mark with the attachment, and the module unloads clean. */
static int case_detach_pending(void *arg)
{
	struct box_on_exec b;
	struct cgf_conn c;
	pid_t sleeper;
	int ret = -1;

	(void)arg;
	if (box_setup(&b, "box") || box_attach(&b, true, 0))
		goto out;
	sleeper = start_in_cgroup(b.dir, NULL, sleep_pending, NULL);
	if (sleeper < 0)
		goto out;
	if (!expect_pending(&b, 1) && !cgf_conn_open(&c)) {
		ret = expect_err("DETACH with a task pending", cgf_detach(&c, b.id), 0);
		cgf_conn_close(&c);
	}
	kill(sleeper, SIGKILL);
	waitpid(sleeper, NULL, 0);
out:
	box_teardown(&b);
	return ret;
}

/*
 * Nested: an immediate attachment above an on-exec one judges the pending task all the
 * same; after the exec both do.
 */
static int nested_child(void *arg)
{
	(void)arg;
	if (expect_err("pending, open " OTHER " (the outer attachment judges it)",
		       try_open(OTHER, O_RDONLY), -EACCES) ||
	    expect_state("pending under the inner on-exec attachment", UNCONFINED))
		return -1;
	execl("/bin/busybox", "cat", OTHER, (char *)NULL);
	return tap_fail("exec busybox: %s", errname(-errno));
}

static int nested_exec_secret(void *arg)
{
	(void)arg;
	execl("/bin/busybox", "cat", SECRET, (char *)NULL);
	return tap_fail("exec busybox: %s", errname(-errno));
}

static int expect_cat_refused(pid_t pid, const char *what)
{
	int status;

	if (pid < 0)
		return -1;
	if (waitpid(pid, &status, 0) != pid)
		return tap_fail("waitpid: %s", errname(-errno));
	/* busybox cat exits 1 when its open fails (and says why on stderr). */
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 1)
		return tap_fail("%s after the exec: status 0x%x, want exit 1", what, status);
	return 0;
}

static int case_nested(void *arg)
{
	char outer_dir[256];
	struct box_on_exec b;
	struct cgf_conn c;
	__u64 outer_id = 0;
	int ret = -1;

	(void)arg;
	if (cgroup_self_dir(outer_dir, sizeof(outer_dir)))
		return tap_fail("cannot read our own cgroup");
	strncat(outer_dir, "/outer", sizeof(outer_dir) - strlen(outer_dir) - 1);
	if (mkdir(outer_dir, 0755))
		return tap_fail("mkdir %s: %s", outer_dir, errname(-errno));
	if (box_setup(&b, "outer/box"))
		goto out;
	outer_id = cgroup_id_of(outer_dir);
	if (cgf_conn_open(&c))
		goto out;
	ret = cgf_profile_load(&c, OUTER, ENFORCE, ALLOW, deny_other, 1) ?:
	      expect_err("ATTACH the outer cgroup", cgf_attach(&c, outer_id, OUTER), 0);
	cgf_conn_close(&c);
	if (ret || box_attach(&b, true, 0)) {
		ret = -1;
		goto out;
	}
	ret = expect_cat_refused(start_in_cgroup(b.dir, NULL, nested_child, NULL),
				 "cat " OTHER) ?:
	      expect_cat_refused(start_in_cgroup(b.dir, NULL, nested_exec_secret, NULL),
				 "cat " SECRET) ?:
	      host_unchanged();
out:
	box_teardown(&b);
	if (outer_id && !cgf_conn_open(&c)) {
		cgf_detach(&c, outer_id);
		cgf_profile_remove(&c, OUTER, true);
		cgf_conn_close(&c);
	}
	if (rmdir(outer_dir))
		tap_diag("rmdir %s: %s", outer_dir, errname(-errno));
	return ret;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--probe"))
		return probe_main(argc, argv);
	tap_init(argc, argv);
	tap_plan(10);
	tap_case("insmod cgfence.ko", case_cgfence_insmod, NULL);
	tap_case("setup: " SECRET " and " PUBLIC, case_setup, NULL);
	tap_case("attach --on-exec: a task already there and the child it forks read " SECRET
		 " until each execs, then EACCES (their children too); 1 pending, then 0",
		 case_pending_at_attach, NULL);
	tap_case("a task moved in later is pending until its exec, then EACCES",
		 case_enter_later, NULL);
	tap_case("clone3(CLONE_INTO_CGROUP) from the host: pending until its exec, then EACCES",
		 case_clone_into, NULL);
	tap_case("a confined task cannot signal a pending one (EPERM), signals its own child",
		 case_pending_is_outside, NULL);
	tap_case("re-attach: on-exec to immediate confines a pending task at once; immediate"
		 " to on-exec is EBUSY and changes nothing", case_reattach, NULL);
	tap_case("detach with a task pending", case_detach_pending, NULL);
	tap_case("nested: an immediate attachment above judges a pending task (EACCES on its"
		 " file), the on-exec one only after the exec (EACCES on its own)", case_nested,
		 NULL);
	tap_case("rmmod cgfence", case_cgfence_rmmod, NULL);
	return tap_done();
}
