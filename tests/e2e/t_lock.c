// SPDX-License-Identifier: GPL-2.0
/* e2e: LOCK over raw netlink: every later change refused, reads and enforcement go on, no rmmod. */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "e2e.h"
#include "genl.h"
#include "tap.h"

/*
 * LOCK lasts until reboot, so this test has a VM of its own (see run.sh) and its state
 * lives in fixed places that outlast each case's own cgroup.
 */
#define DIR		"/tmp/t_lock"
#define SECRET		DIR "/secret"
#define PUBLIC		DIR "/public"
#define BOX		CGROUP_ROOT "/t_lock.box"
#define FREE		CGROUP_ROOT "/t_lock.free"
#define DOOMED		CGROUP_ROOT "/t_lock.doomed"
#define LATER		CGROUP_ROOT "/t_lock.later"

#define R		CGFENCE_FILE_READ
#define ALLOW		CGFENCE_EFFECT_ALLOW
#define DENY		CGFENCE_EFFECT_DENY
#define ENFORCE		CGFENCE_MODE_ENFORCE
#define COMPLAIN	CGFENCE_MODE_COMPLAIN

static const struct cgf_file_rule deny_secret[] = { { 1, DENY, R, SECRET } };

static struct genl_msg msg;

static int expect_locked(const char *what, int got, const struct cgf_conn *c)
{
	tap_diag("%s: %s, extack \"%s\"", what, errname(got), c->extack);
	if (expect_err(what, got, -EPERM))
		return -1;
	if (!strstr(c->extack, "locked"))
		return tap_fail("%s: the extack does not say the policy is locked", what);
	return 0;
}

static int expect_locked_state(__u8 want)
{
	struct cgf_status st;

	if (expect_err("STATUS", cgf_status_query(&st), 0))
		return -1;
	if (st.locked != want)
		return tap_fail("STATUS locked %u, want %u", st.locked, want);
	return 0;
}

static int child_secret_denied(void *arg)
{
	(void)arg;
	return expect_err("open " SECRET " in the box", try_open(SECRET, O_RDONLY), -EACCES) |
	       expect_err("open " PUBLIC " in the box", try_open(PUBLIC, O_RDONLY), 0);
}

static int case_load(void *arg)
{
	(void)arg;
	return expect_err("finit_module(cgfence.ko)", cgf_load(), 0);
}

static int case_setup(void *arg)
{
	struct cgf_conn c;
	int ret = -1;

	(void)arg;
	mkdir(DIR, 0755);
	close(open(SECRET, O_CREAT | O_WRONLY | O_CLOEXEC, 0644));
	close(open(PUBLIC, O_CREAT | O_WRONLY | O_CLOEXEC, 0644));
	if (mkdir(BOX, 0755) || mkdir(FREE, 0755) || mkdir(DOOMED, 0755))
		return tap_fail("mkdir the cgroups: %s", errname(-errno));
	if (cgf_conn_open(&c))
		return -1;
	if (cgf_profile_load(&c, "lk", ENFORCE, ALLOW, deny_secret, 1) ||
	    cgf_profile_load(&c, "lk2", ENFORCE, ALLOW, NULL, 0))
		goto out;
	if (expect_err("ATTACH lk to " BOX, cgf_attach(&c, cgroup_id_of(BOX), "lk"), 0) ||
	    expect_err("ATTACH lk to " DOOMED, cgf_attach(&c, cgroup_id_of(DOOMED), "lk"), 0))
		goto out;
	ret = run_in_cgroup(BOX, NULL, child_secret_denied, NULL);
out:
	cgf_conn_close(&c);
	return ret;
}

/* LOCK takes no attributes: one with an attribute is refused, and nothing is locked. */
static int case_lock_malformed(void *arg)
{
	struct cgf_conn c;
	int err;

	(void)arg;
	if (cgf_conn_open(&c))
		return -1;
	cgf_msg_init(&c, &msg, CGFENCE_CMD_LOCK);
	genl_put_flag(&msg, CGFENCE_A_FORCE);
	err = cgf_send(&c, &msg);
	cgf_conn_close(&c);
	tap_diag("LOCK with FORCE: %s, extack \"%s\"", errname(err), c.extack);
	if (expect_err("LOCK with an attribute", err, -EINVAL))
		return -1;
	return expect_locked_state(0);
}

/* LOCK; a transaction opened before it can no longer commit. */
static int case_lock(void *arg)
{
	static const struct cgf_file_rule more[] = {
		{ 1, DENY, R, PUBLIC }, { 2, DENY, R, SECRET },
	};
	struct cgf_conn a, c;
	struct cgf_profile_rec rec;
	int err, ret = -1;

	(void)arg;
	if (cgf_conn_open(&a))
		return -1;
	if (cgf_conn_open(&c))
		goto out_a;
	if (expect_err("BEGIN before LOCK", cgf_begin(&a, "lk3", ENFORCE, ALLOW, 2), 0) ||
	    expect_err("ADD before LOCK", cgf_add(&a, more, 1), 0))
		goto out;
	err = cgf_lock(&c);
	if (expect_err("LOCK", err, 0) || expect_locked_state(1))
		goto out;
	/* Adding to a transaction changes no policy; whatever it answers, COMMIT must fail. */
	err = cgf_add(&a, more + 1, 1);
	tap_diag("ADD to a transaction begun before LOCK: %s, extack \"%s\"", errname(err),
		 a.extack);
	err = cgf_commit(&a);
	if (err == -EINVAL)	/* the ADD above was refused: the count is short */
		tap_diag("COMMIT: EINVAL (%s)", a.extack);
	else if (expect_locked("COMMIT of a transaction begun before LOCK", err, &a))
		goto out;
	err = cgf_profile_get(&c, "lk3", &rec);
	if (expect_err("PROFILE_GET lk3 (never committed)", err, -ENOENT))
		goto out;
	ret = 0;
out:
	cgf_conn_close(&c);
out_a:
	cgf_conn_close(&a);
	return ret;
}

static int case_changes_refused(void *arg)
{
	struct cgf_snapshot before, after;
	struct cgf_conn c;
	__u64 box = cgroup_id_of(BOX);
	int ret = 0;

	(void)arg;
	if (cgf_snapshot_take(&before) || cgf_conn_open(&c))
		return -1;
	ret |= expect_locked("PROFILE_BEGIN", cgf_begin(&c, "lk4", ENFORCE, ALLOW, 0), &c);
	ret |= expect_locked("PROFILE_BEGIN replacing lk", cgf_begin(&c, "lk", ENFORCE, ALLOW, 0),
			     &c);
	ret |= expect_locked("PROFILE_REMOVE lk2 (not attached)",
			     cgf_profile_remove(&c, "lk2", false), &c);
	ret |= expect_locked("PROFILE_REMOVE lk with FORCE", cgf_profile_remove(&c, "lk", true),
			     &c);
	ret |= expect_locked("PROFILE_MODE lk complain",
			     cgf_profile_set_mode(&c, "lk", COMPLAIN), &c);
	ret |= expect_locked("re-ATTACH the box to lk2", cgf_attach(&c, box, "lk2"), &c);
	ret |= expect_locked("re-ATTACH the box to lk on exec",
			     cgf_attach_on_exec(&c, box, "lk"), &c);
	ret |= expect_locked("DETACH the box", cgf_detach(&c, box), &c);
	ret |= expect_locked("LOCK again", cgf_lock(&c), &c);
	cgf_conn_close(&c);
	if (cgf_snapshot_take(&after))
		ret = -1;
	else
		ret |= cgf_snapshot_compare(&before, &after);
	cgf_snapshot_free(&before);
	cgf_snapshot_free(&after);
	return ret;
}

static int case_reads(void *arg)
{
	struct cgf_profile_rec rec;
	struct cgf_attach_rec att[8];
	struct cgf_conn c;
	unsigned int n;
	int ret = 0;

	(void)arg;
	if (cgf_conn_open(&c))
		return -1;
	ret |= expect_locked_state(1);
	ret |= expect_err("PROFILE_GET lk", cgf_profile_get(&c, "lk", &rec), 0);
	ret |= expect_err("PROFILE_GET dump", cgf_profile_dump(&c, NULL, 0, &n), 0);
	if (!ret && n != 2)
		ret = tap_fail("the dump holds %u profiles, want 2", n);
	ret |= expect_err("ATTACH_GET dump", cgf_attach_dump(&c, att, ARRAY_SIZE(att), &n), 0);
	if (!ret && n != 2)
		ret = tap_fail("the dump holds %u attachments, want 2", n);
	cgf_conn_close(&c);
	return ret;
}

static int case_enforcing(void *arg)
{
	(void)arg;
	if (run_in_cgroup(BOX, NULL, child_secret_denied, NULL))
		return -1;
	/* The host is not in the box. */
	return expect_err("open " SECRET " on the host", try_open(SECRET, O_RDONLY), 0);
}

/* Nothing can run in a removed cgroup: its attachment goes, lock or not. */
static int case_removed_cgroup(void *arg)
{
	struct cgf_status st;

	(void)arg;
	if (rmdir(DOOMED))
		return tap_fail("rmdir " DOOMED ": %s", errname(-errno));
	if (expect_err("STATUS", cgf_status_query(&st), 0))
		return -1;
	if (st.attachments != 1)
		return tap_fail("STATUS attachments %u after the rmdir, want 1", st.attachments);
	return 0;
}

static int child_exec_secret_denied(void *arg)
{
	(void)arg;
	/* On exec: still free before it, refused from the program the exec starts. */
	if (expect_err("open " SECRET " before the exec", try_open(SECRET, O_RDONLY), 0))
		return -1;
	execl("/bin/busybox", "cat", SECRET, (char *)NULL);
	return tap_fail("exec busybox: %s", errname(-errno));
}

/*
 * Attachments only add confinement: a locked host still confines the containers it
 * starts later, immediately or on exec; once made, those are as fixed as the others.
 */
static int case_new_attachments(void *arg)
{
	struct cgf_conn c;
	pid_t pid;
	int status, ret = 0;

	(void)arg;
	if (mkdir(LATER, 0755) && errno != EEXIST)
		return tap_fail("mkdir " LATER ": %s", errname(-errno));
	if (cgf_conn_open(&c))
		return -1;
	ret |= expect_err("ATTACH lk to a cgroup with no attachment",
			  cgf_attach(&c, cgroup_id_of(FREE), "lk"), 0);
	ret |= expect_err("ATTACH lk on exec to another",
			  cgf_attach_on_exec(&c, cgroup_id_of(LATER), "lk"), 0);
	ret |= expect_locked("DETACH the new attachment", cgf_detach(&c, cgroup_id_of(FREE)), &c);
	ret |= expect_locked("re-ATTACH it to lk2", cgf_attach(&c, cgroup_id_of(FREE), "lk2"),
			     &c);
	ret |= expect_locked("re-ATTACH the on-exec one immediately",
			     cgf_attach(&c, cgroup_id_of(LATER), "lk"), &c);
	cgf_conn_close(&c);
	if (ret || run_in_cgroup(FREE, NULL, child_secret_denied, NULL))
		return -1;
	pid = start_in_cgroup(LATER, NULL, child_exec_secret_denied, NULL);
	if (pid < 0)
		return -1;
	/* busybox cat exits 1 when its open fails, and says why. */
	if (waitpid(pid, &status, 0) != pid)
		return tap_fail("waitpid: %s", errname(-errno));
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 1)
		return tap_fail("cat " SECRET " after the exec: status 0x%x, want exit 1", status);
	return expect_err("open " SECRET " on the host", try_open(SECRET, O_RDONLY), 0);
}

/*
 * LOCK takes a module reference it never drops, so a plain delete_module() fails with the
 * kernel's own EWOULDBLOCK (try_stop_module()). Debian's kernel has
 * CONFIG_MODULE_FORCE_UNLOAD=y: with O_TRUNC (rmmod -f) the kernel would unload a module
 * whatever its reference count, so while locked cgfence refuses every forced unload at
 * the syscall's entry, deciding by the flags the kernel itself reads, whatever the name.
 */
static int case_rmmod(void *arg)
{
	(void)arg;
	if (expect_err("delete_module(cgfence, O_NONBLOCK)", cgf_unload(), -EWOULDBLOCK))
		return -1;
	if (!cgf_loaded())
		return tap_fail("/sys/module/cgfence is gone");
	return expect_locked_state(1);
}

static int case_rmmod_force(void *arg)
{
	int err;

	(void)arg;
	err = syscall(SYS_delete_module, "cgfence", O_NONBLOCK | O_TRUNC) ? -errno : 0;
	tap_diag("delete_module(cgfence, O_NONBLOCK | O_TRUNC): %s; module %s", errname(err),
		 cgf_loaded() ? "still loaded" : "gone");
	if (expect_err("delete_module(cgfence, O_NONBLOCK | O_TRUNC)", err, -EPERM))
		return -1;
	if (!cgf_loaded())
		return tap_fail("/sys/module/cgfence is gone");
	if (expect_locked_state(1))
		return -1;
	return run_in_cgroup(BOX, NULL, child_secret_denied, NULL);
}

/* A forced unload of any name is refused; a plain one still gets the kernel's answer. */
static int case_rmmod_other(void *arg)
{
	int err;

	(void)arg;
	err = syscall(SYS_delete_module, "cgfence_x", O_NONBLOCK | O_TRUNC) ? -errno : 0;
	if (expect_err("delete_module(cgfence_x, O_TRUNC)", err, -EPERM))
		return -1;
	err = syscall(SYS_delete_module, "cgfence_x", O_NONBLOCK) ? -errno : 0;
	if (expect_err("delete_module(cgfence_x) (no such module)", err, -ENOENT))
		return -1;
	err = syscall(SYS_delete_module, "cgfenc", O_NONBLOCK) ? -errno : 0;
	return expect_err("delete_module(cgfenc) (no such module)", err, -ENOENT);
}

/*
 * The ia32 system call ABI from a 64-bit task: int $0x80 with the name in ebx and the
 * flags in ecx, of which the kernel reads only the low 32 bits. High bits set in rbx
 * and rcx must not change the answer.
 */
static long int80_delete_module(unsigned long name, unsigned long flags)
{
	long ret = 129;	/* __NR_delete_module in the i386 table */

	asm volatile("int $0x80" : "+a"(ret) : "b"(name), "c"(flags) : "memory");
	return ret;
}

static int case_rmmod_int80(void *arg)
{
	static const char name[] = "cgfence";
	static const char other[] = "cgfence_x";
	unsigned long high = 1UL << 32;
	long ret;

	(void)arg;
	/* A static binary's data sits below 4 GiB: the ia32 ABI can name it. */
	if ((unsigned long)name >= high)
		return tap_fail("the name is above 4 GiB (%p)", (void *)name);
	ret = int80_delete_module((unsigned long)other, O_NONBLOCK);
	if (expect_err("int $0x80 delete_module(cgfence_x) (control)", (int)ret, -ENOENT))
		return -1;
	ret = int80_delete_module((unsigned long)name, O_NONBLOCK | O_TRUNC);
	if (expect_err("int $0x80 delete_module(cgfence, O_TRUNC)", (int)ret, -EPERM))
		return -1;
	ret = int80_delete_module((unsigned long)name | high, high | O_NONBLOCK | O_TRUNC);
	if (expect_err("int $0x80 delete_module(cgfence, O_TRUNC), high bits in rbx and rcx",
		       (int)ret, -EPERM))
		return -1;
	if (!cgf_loaded())
		return tap_fail("/sys/module/cgfence is gone");
	return expect_locked_state(1);
}

#define PARAMS "/sys/module/cgfence/parameters/"

/* Silencing the records would weaken the policy: while locked, no parameter changes. */
static int case_params(void *arg)
{
	bool locked = arg;
	int want = locked ? -EPERM : 0;
	char rate[32], audit[8];

	if (read_file(PARAMS "denials_per_second", rate, sizeof(rate)) ||
	    read_file(PARAMS "audit", audit, sizeof(audit)))
		return tap_fail("cannot read the parameters");
	if (expect_err("write denials_per_second", write_file(PARAMS "denials_per_second", "0"),
		       want) ||
	    expect_err("write audit", write_file(PARAMS "audit", "Y"), want))
		return -1;
	if (locked) {
		char now[32];

		if (read_file(PARAMS "denials_per_second", now, sizeof(now)) || strcmp(now, rate))
			return tap_fail("denials_per_second changed from %s to %s", rate, now);
		if (read_file(PARAMS "audit", now, sizeof(now)) || strcmp(now, audit))
			return tap_fail("audit changed from %s to %s", audit, now);
		return 0;
	}
	/* Put them back as they were: the control changed them. */
	if (write_file(PARAMS "denials_per_second", rate) || write_file(PARAMS "audit", audit))
		return tap_fail("cannot restore the parameters");
	return 0;
}

int main(int argc, char **argv)
{
	tap_init(argc, argv);
	tap_plan(15);
	tap_case("insmod cgfence.ko", case_load, NULL);
	tap_case("before LOCK: profiles lk and lk2, lk attached, its task denied (control)",
		 case_setup, NULL);
	tap_case("before LOCK: the module parameters can be written (control)", case_params,
		 (void *)false);
	tap_case("LOCK with an attribute: EINVAL, still unlocked", case_lock_malformed, NULL);
	tap_case("LOCK: STATUS locked; a transaction begun before it cannot commit",
		 case_lock, NULL);
	tap_case("after LOCK: BEGIN, REMOVE, MODE, ATTACH, re-ATTACH, DETACH, LOCK: EPERM",
		 case_changes_refused, NULL);
	tap_case("after LOCK: STATUS, GET and both dumps still answer", case_reads, NULL);
	tap_case("after LOCK: the box's task still denied, the host still free",
		 case_enforcing, NULL);
	tap_case("after LOCK: a removed cgroup still drops its attachment",
		 case_removed_cgroup, NULL);
	tap_case("after LOCK: new cgroups can be attached, immediately and on exec, and their"
		 " tasks are confined; those attachments cannot be detached or changed: EPERM",
		 case_new_attachments, NULL);
	tap_case("after LOCK: rmmod gets the kernel's EWOULDBLOCK (the lock's reference), the"
		 " module stays and stays locked", case_rmmod, NULL);
	tap_case("after LOCK: rmmod --force (O_TRUNC) EPERM, enforcement goes on",
		 case_rmmod_force, NULL);
	tap_case("after LOCK: a forced unload of another name EPERM; plain ones reach the kernel"
		 " (ENOENT)", case_rmmod_other, NULL);
	tap_case("after LOCK: the ia32 ABI (int $0x80), high bits in rbx/rcx: forced unload EPERM",
		 case_rmmod_int80, NULL);
	tap_case("after LOCK: denials_per_second and audit cannot be written: EPERM, unchanged",
		 case_params, (void *)true);
	return tap_done();
}
