// SPDX-License-Identifier: GPL-2.0
/* e2e: LOCK over raw netlink: every later change refused, reads and enforcement go on, no rmmod. */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
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
	__u64 box = cgroup_id_of(BOX), free_id = cgroup_id_of(FREE);
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
	ret |= expect_locked("ATTACH lk to a free cgroup", cgf_attach(&c, free_id, "lk"), &c);
	ret |= expect_locked("re-ATTACH the box to lk2", cgf_attach(&c, box, "lk2"), &c);
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

/*
 * LOCK takes a module reference it never drops, which alone would make delete_module()
 * fail with EWOULDBLOCK (try_stop_module()). But Debian's kernel has
 * CONFIG_MODULE_FORCE_UNLOAD=y: with O_TRUNC (rmmod -f) the kernel unloads a module
 * whatever its reference count. So while locked, cgfence refuses delete_module("cgfence")
 * itself at the syscall's entry, before the kernel looks: EPERM, with or without force.
 */
static int case_rmmod(void *arg)
{
	(void)arg;
	if (expect_err("delete_module(cgfence, O_NONBLOCK)", cgf_unload(), -EPERM))
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

/* Only cgfence's own name is refused: another name still gets the kernel's answer. */
static int case_rmmod_other(void *arg)
{
	int err;

	(void)arg;
	err = syscall(SYS_delete_module, "cgfence_x", O_NONBLOCK | O_TRUNC) ? -errno : 0;
	if (expect_err("delete_module(cgfence_x) (no such module)", err, -ENOENT))
		return -1;
	err = syscall(SYS_delete_module, "cgfenc", O_NONBLOCK) ? -errno : 0;
	return expect_err("delete_module(cgfenc) (no such module)", err, -ENOENT);
}

int main(int argc, char **argv)
{
	tap_init(argc, argv);
	tap_plan(11);
	tap_case("insmod cgfence.ko", case_load, NULL);
	tap_case("before LOCK: profiles lk and lk2, lk attached, its task denied (control)",
		 case_setup, NULL);
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
	tap_case("after LOCK: rmmod is refused with EPERM, the module stays and stays locked",
		 case_rmmod, NULL);
	tap_case("after LOCK: rmmod --force (O_TRUNC) EPERM too, enforcement goes on",
		 case_rmmod_force, NULL);
	tap_case("after LOCK: delete_module of other names still reaches the kernel (ENOENT)",
		 case_rmmod_other, NULL);
	return tap_done();
}
