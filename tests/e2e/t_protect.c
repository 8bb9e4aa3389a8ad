// SPDX-License-Identifier: GPL-2.0
/* e2e: documented protections against real tasks: leaving the box, denials, exec, names, shipped profiles. */

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/capability.h>

#include "e2e.h"
#include "tap.h"

#define BASE		"/tmp/t_protect"
#define SECRET		BASE "/secret"
#define PUBLIC		BASE "/public"
#define SUID		BASE "/suid-probe"
#define SCRIPT		BASE "/script.sh"
#define SCRIPT_EXIT	7

#define ALLOW		CGFENCE_EFFECT_ALLOW
#define DENY		CGFENCE_EFFECT_DENY
#define ENFORCE		CGFENCE_MODE_ENFORCE

/* Every case that needs "a file the box may not read" uses this one rule. */
static const struct cgf_file_rule deny_secret[] = { { 1, DENY, CGFENCE_FILE_READ, SECRET } };

/* The confinement every case checks: SECRET refused with EACCES, PUBLIC read. */
static int still_confined(const char *when)
{
	char what[160];
	int ret;

	snprintf(what, sizeof(what), "%s: open %s O_RDONLY", when, SECRET);
	ret = expect_err(what, try_open(SECRET, O_RDONLY), -EACCES);
	snprintf(what, sizeof(what), "%s: open %s O_RDONLY (control)", when, PUBLIC);
	ret |= expect_err(what, try_open(PUBLIC, O_RDONLY), 0);
	return ret;
}

/* The host side of every case: the test process itself, never confined, reads SECRET. */
static int host_reads_secret(void)
{
	return expect_err("host: open " SECRET " O_RDONLY", try_open(SECRET, O_RDONLY), 0);
}

/*
 * Runs @path with @argv in a forked child: its exit status, or -errno when execve()
 * failed (the child reports it as 200 + errno), or -1000 when it died otherwise.
 */
static int exec_status(const char *path, char *const argv[])
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return tap_fail("fork: %s", errname(-errno));
	if (pid == 0) {
		execv(path, argv);
		_exit(200 + (errno < 55 ? errno : 55));
	}
	if (waitpid(pid, &status, 0) != pid)
		return tap_fail("waitpid: %s", errname(-errno));
	if (!WIFEXITED(status))
		return -1000;
	if (WEXITSTATUS(status) >= 200)
		return -(WEXITSTATUS(status) - 200);
	return WEXITSTATUS(status);
}

/* 1. The first attach confines a task that was already running in the cgroup. */
struct running_arg {
	int up[2], down[2];	/* child -> parent "checked", parent -> child "attached" */
};

static int child_running(void *arg)
{
	struct running_arg *a = arg;
	char c;
	int ret;

	/* Before ATTACH: nothing confines it. */
	ret = expect_err("before ATTACH: open " SECRET, try_open(SECRET, O_RDONLY), 0);
	if (write(a->up[1], ret ? "f" : "k", 1) != 1 || read(a->down[0], &c, 1) != 1)
		return tap_fail("talk to the parent: %s", errname(-errno));
	if (ret || c != 'a')
		return tap_fail("the parent did not attach (%c)", c);
	return still_confined("after ATTACH, same task, no exec");
}

static int case_first_attach(void *arg)
{
	struct running_arg a;
	struct cgf_status st;
	struct cgf_conn c;
	struct box b = { 0 };
	char self[200], ok;
	int ret = -1, err;
	pid_t pid;

	(void)arg;
	if (pipe2(a.up, O_CLOEXEC) || pipe2(a.down, O_CLOEXEC))
		return tap_fail("pipe: %s", errname(-errno));
	/* The box by hand: its cgroup holds a task before any profile is attached. */
	if (cgroup_self_dir(self, sizeof(self)))
		return tap_fail("own cgroup");
	snprintf(b.dir, sizeof(b.dir), "%s/box", self);
	snprintf(b.profile, sizeof(b.profile), "pr-first");
	if (mkdir(b.dir, 0755))
		return tap_fail("mkdir %s: %s", b.dir, errname(-errno));
	b.created = true;
	b.id = cgroup_id_of(b.dir);
	err = cgf_status_query(&st);
	if (err || st.attachments) {
		tap_fail("STATUS before: %s, %u attachments (want none: the first attach)",
			 errname(err), st.attachments);
		goto out;
	}
	pid = start_in_cgroup(b.dir, NULL, child_running, &a);
	if (pid < 0)
		goto out;
	if (read(a.up[0], &ok, 1) != 1 || ok != 'k') {
		tap_fail("the child's check before ATTACH failed");
		close(a.down[1]);
		finish_child(pid);
		goto out;
	}
	if (!cgf_conn_open(&c)) {
		err = cgf_profile_load(&c, b.profile, ENFORCE, ALLOW, deny_secret, 1);
		b.loaded = !err;
		if (!err) {
			err = cgf_attach(&c, b.id, b.profile);
			b.attached = !err;
			if (err)
				tap_diag("ATTACH: %s (%s)", errname(err), c.extack);
		}
		cgf_conn_close(&c);
	}
	if (write(a.down[1], b.attached ? "a" : "n", 1) != 1)
		tap_diag("tell the child: %s", errname(-errno));
	ret = finish_child(pid);
	if (!b.attached)
		ret = tap_fail("could not load and attach pr-first");
	ret |= host_reads_secret();
out:
	close(a.up[0]);
	close(a.up[1]);
	close(a.down[0]);
	close(a.down[1]);
	box_drop(&b);
	return ret;
}

/* 2. setns(), unshare() and the exec of a setuid-root binary leave confinement as it was. */
static int child_setns(void *arg)
{
	int own, made, ret;

	(void)arg;
	ret = still_confined("at start");
	own = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	if (own < 0)
		return tap_fail("open /proc/self/ns/mnt: %s", errname(-errno));
	ret |= expect_err("unshare(NEWNS | NEWUTS | NEWIPC)",
			  as_err(unshare(CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC)), 0);
	ret |= still_confined("in the mount namespace it made");
	made = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	if (made < 0) {
		close(own);
		return tap_fail("open /proc/self/ns/mnt (new): %s", errname(-errno));
	}
	ret |= expect_err("setns(first mount namespace)", as_err(setns(own, CLONE_NEWNS)), 0);
	ret |= still_confined("after setns into its first mount namespace");
	ret |= expect_err("setns(the namespace it made)", as_err(setns(made, CLONE_NEWNS)), 0);
	ret |= still_confined("after setns into the namespace it made");
	close(own);
	close(made);
	return ret;
}

/* What the setuid copy of this program does: euid 0, then open argv[2]; exit 0 or errno. */
static int probe_main(const char *path)
{
	int fd;

	if (geteuid() != 0)
		return 100;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static int probe(const char *path)
{
	char *const argv[] = { SUID, "probe", (char *)path, NULL };

	return exec_status(SUID, argv);
}

static int child_setuid(void *arg)
{
	int ret, got;

	(void)arg;
	if (become_user(NOBODY, NOBODY))
		return tap_fail("become nobody: %s", errname(-errno));
	/* The probe exits 100 without euid 0, errno when the open fails. */
	got = probe(SECRET);
	ret = expect_err("nobody execs the setuid-root probe, it opens " SECRET,
			 got > 0 ? -got : got, -EACCES);
	ret |= expect_err("the setuid-root probe opens " PUBLIC " (control)", probe(PUBLIC), 0);
	return ret;
}

static int host_setuid(void *arg)
{
	(void)arg;
	if (become_user(NOBODY, NOBODY))
		return tap_fail("become nobody: %s", errname(-errno));
	return expect_err("host: nobody execs the setuid-root probe, it opens " SECRET,
			  probe(SECRET), 0);
}

static int copy_self(const char *dst, mode_t mode)
{
	char buf[65536];
	int in, out, ret = 0;
	ssize_t n;

	in = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return tap_fail("open /proc/self/exe: %s", errname(-errno));
	unlink(dst);
	out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0700);
	if (out < 0) {
		close(in);
		return tap_fail("create %s: %s", dst, errname(-errno));
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n)
			ret = tap_fail("write %s: %s", dst, errname(-errno));
	if (n < 0)
		ret = tap_fail("read /proc/self/exe: %s", errname(-errno));
	close(in);
	close(out);
	if (!ret && chmod(dst, mode))
		ret = tap_fail("chmod %s: %s", dst, errname(-errno));
	return ret;
}

static int case_setns_setuid(void *arg)
{
	struct box b;
	int ret = -1;

	(void)arg;
	if (copy_self(SUID, 04755))
		return -1;
	if (box_make(&b, "box", "pr-ns", ENFORCE, ALLOW, deny_secret, 1))
		goto out;
	ret = run_confined(&b, NULL, child_setns, NULL);
	ret |= run_confined(&b, NULL, child_setuid, NULL);
	ret |= host_reads_secret();
	ret |= run_child(host_setuid, NULL);
out:
	box_drop(&b);
	return ret;
}

/* 3. cgroup.procs: no way out through a descriptor opened before; into a child: allowed. */
struct procs_arg {
	char outside[224], parent[200], box[256];
	int fd_outside, fd_parent;
};

static int write_fd(int fd, const char *s)
{
	return write(fd, s, strlen(s)) == (ssize_t)strlen(s) ? 0 : -errno;
}

/* Still outside: the leaked descriptors. */
static int pre_procs(void *arg)
{
	struct procs_arg *a = arg;
	char path[320];

	snprintf(path, sizeof(path), "%s/cgroup.procs", a->outside);
	a->fd_outside = open(path, O_WRONLY | O_CLOEXEC);
	snprintf(path, sizeof(path), "%s/cgroup.procs", a->parent);
	a->fd_parent = open(path, O_WRONLY | O_CLOEXEC);
	if (a->fd_outside < 0 || a->fd_parent < 0)
		return tap_fail("open the cgroup.procs files: %s", errname(-errno));
	return 0;
}

static int in_cgroup(const char *want)
{
	char dir[300];
	int err = cgroup_self_dir(dir, sizeof(dir));

	if (err)
		return tap_fail("read /proc/self/cgroup: %s", errname(err));
	if (strcmp(dir, want))
		return tap_fail("in cgroup %s, want %s", dir, want);
	return 0;
}

static int child_procs(void *arg)
{
	struct procs_arg *a = arg;
	char path[320], tid[24];
	int ret;

	ret = expect_err("write 0 to a leaked fd of a sibling's cgroup.procs",
			 write_fd(a->fd_outside, "0"), -EPERM);
	ret |= expect_err("write 0 to a leaked fd of the parent's cgroup.procs",
			  write_fd(a->fd_parent, "0"), -EPERM);
	snprintf(path, sizeof(path), "%s/cgroup.procs", a->outside);
	ret |= expect_err("write 0 to the sibling's cgroup.procs by path",
			  write_file(path, "0"), -EPERM);
	snprintf(path, sizeof(path), "%s/cgroup.threads", a->outside);
	snprintf(tid, sizeof(tid), "%d", getpid());
	ret |= expect_err("write the tid to the sibling's cgroup.threads by path",
			  write_file(path, tid), -EPERM);
	ret |= in_cgroup(a->box);
	/* Control: a child cgroup of its own subtree. */
	snprintf(path, sizeof(path), "%s/sub", a->box);
	ret |= expect_err("mkdir a child cgroup", as_err(mkdir(path, 0755)), 0);
	ret |= expect_err("move into it", cgroup_move(path, 0), 0);
	ret |= in_cgroup(path);
	ret |= still_confined("in the child cgroup");
	return ret;
}

/* A cgroup empties a moment after its last task is reaped. */
static int rmdir_cgroup(const char *dir)
{
	int i;

	for (i = 0; i < 20 && rmdir(dir) && errno == EBUSY; i++)
		usleep(100000);
	if (access(dir, F_OK) == 0)
		return tap_fail("rmdir %s: %s", dir, errname(-errno));
	return 0;
}

static int host_procs(void *arg)
{
	const struct procs_arg *a = arg;

	return expect_err("host: move into the sibling", cgroup_move(a->outside, 0), 0);
}

static int case_cgroup_procs(void *arg)
{
	struct procs_arg a = { .fd_outside = -1, .fd_parent = -1 };
	char sub[320], procs[256], buf[64];
	struct box b;
	int ret = -1;

	(void)arg;
	if (cgroup_self_dir(a.parent, sizeof(a.parent)))
		return tap_fail("own cgroup");
	snprintf(a.outside, sizeof(a.outside), "%s/outside", a.parent);
	if (mkdir(a.outside, 0755))
		return tap_fail("mkdir %s: %s", a.outside, errname(-errno));
	if (box_make(&b, "box", "pr-procs", ENFORCE, ALLOW, deny_secret, 1))
		goto out;
	snprintf(a.box, sizeof(a.box), "%s", b.dir);
	ret = run_in_cgroup(b.dir, pre_procs, child_procs, &a);
	snprintf(sub, sizeof(sub), "%s/sub", b.dir);
	ret |= rmdir_cgroup(sub);
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", a.outside);
	if (read_file(procs, buf, sizeof(buf)) || buf[0])
		ret = tap_fail("the sibling cgroup holds \"%s\" after the refused moves", buf);
	ret |= run_child(host_procs, &a);
out:
	box_drop(&b);
	ret |= rmdir_cgroup(a.outside);
	return ret;
}

/* 4. The denials: the multicast group and the dump are for unconfined admins only. */
struct denials_arg {
	int group;
	__u64 box_id;		/* the admin's dump must hold a record of this container */
	const char *extack;	/* what a refused dump must say */
	bool allowed;
	unsigned int found;
};

static int join(int group, struct genl_sock *s)
{
	if (genl_open(s))
		return tap_fail("netlink socket: %s", errname(-errno));
	return setsockopt(s->fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group,
			  sizeof(group)) ? -errno : 0;
}

static int count_box(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr *tb[CGFENCE_A_MAX + 1];
	struct denials_arg *d = arg;
	unsigned int unknown;
	__u64 id;

	if (genl_parse(nlh, tb, CGFENCE_A_MAX, &unknown) < 0 || !tb[CGFENCE_A_CGROUP_ID] ||
	    genl_attr_len(tb[CGFENCE_A_CGROUP_ID]) != sizeof(id))
		return tap_fail("a malformed denial record");
	memcpy(&id, genl_attr_data(tb[CGFENCE_A_CGROUP_ID]), sizeof(id));
	if (id == d->box_id)
		d->found++;
	return 0;
}

static int dump(struct denials_arg *d)
{
	static struct genl_reply r;
	struct cgf_conn c;
	struct genl_msg m;
	int err;

	if (cgf_conn_open(&c))
		return -EPROTO;
	cgf_msg_init(&c, &m, CGFENCE_CMD_DENIAL);
	m.nlh.nlmsg_flags = NLM_F_REQUEST;
	d->found = 0;
	err = genl_dump(&c.s, &m, &r, count_box, d);
	cgf_conn_close(&c);
	if (err && d->extack && !strstr(r.extack, d->extack))
		tap_diag("the refused dump says \"%s\", not \"%s\"", r.extack, d->extack);
	if (err && d->extack && !strstr(r.extack, d->extack))
		return -EPROTO;
	return err;
}

/* Both requests, as whoever runs this: refused with EPERM, or (an admin) allowed. */
static int child_denials(void *arg)
{
	struct denials_arg *d = arg;
	struct genl_sock s;
	int ret;

	ret = expect_err("join the denials multicast group", join(d->group, &s),
			 d->allowed ? 0 : -EPERM);
	genl_close(&s);
	ret |= expect_err("DENIAL dump", dump(d), d->allowed ? 0 : -EPERM);
	return ret;
}

static int child_no_mac_admin(void *arg)
{
	__u64 eff, perm;

	if (caps_get(&eff, &perm))
		return tap_fail("capget: %s", errname(-errno));
	eff &= ~(1ULL << CAP_MAC_ADMIN);
	perm &= ~(1ULL << CAP_MAC_ADMIN);
	/* CAP_SYS_ADMIN and CAP_NET_ADMIN stay: what is left to refuse is cgfence's. */
	if (!(eff & (1ULL << CAP_SYS_ADMIN)) || caps_set(eff, perm))
		return tap_fail("drop CAP_MAC_ADMIN: %s", errname(-errno));
	return child_denials(arg);
}

static int child_read_secret(void *arg)
{
	(void)arg;
	return expect_err("open " SECRET, try_open(SECRET, O_RDONLY), -EACCES);
}

/* The admin hears the box's denial on the group and finds it in the dump. */
static int admin_hears(struct denials_arg *d, const struct box *b)
{
	const struct nlattr *tb[CGFENCE_A_MAX + 1];
	static struct genl_reply r;
	struct timeval tv = { .tv_sec = 3 };
	unsigned int unknown, heard = 0;
	struct genl_sock s;
	struct nlmsghdr *nlh;
	__u64 id;
	ssize_t n;
	int ret;

	ret = expect_err("admin: join the denials group", join(d->group, &s), 0);
	setsockopt(s.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (!ret)
		ret = run_confined(b, NULL, child_read_secret, NULL);
	while (!ret && !heard && (n = recv(s.fd, r.buf, sizeof(r.buf), 0)) > 0)
		for (nlh = &r.nlh; NLMSG_OK(nlh, n); nlh = NLMSG_NEXT(nlh, n))
			if (genl_parse(nlh, tb, CGFENCE_A_MAX, &unknown) >= 0 &&
			    tb[CGFENCE_A_CGROUP_ID] &&
			    genl_attr_len(tb[CGFENCE_A_CGROUP_ID]) == sizeof(id)) {
				memcpy(&id, genl_attr_data(tb[CGFENCE_A_CGROUP_ID]), sizeof(id));
				heard += id == b->id;
			}
	genl_close(&s);
	if (!ret && !heard)
		ret = tap_fail("admin: no record of the box's denial on the group within 3 s");
	d->allowed = true;
	d->extack = NULL;
	ret |= expect_err("admin: DENIAL dump", dump(d), 0);
	if (!d->found)
		ret = tap_fail("admin: the dump holds no record of the box");
	return ret;
}

static int case_denials_access(void *arg)
{
	struct denials_arg d = { 0 };
	struct box b;
	int ret = -1;

	(void)arg;
	d.group = cgf_denials_group();
	if (d.group < 0)
		return -1;
	if (box_make(&b, "box", "pr-denials", ENFORCE, ALLOW, deny_secret, 1))
		goto out;
	d.box_id = b.id;
	d.extack = "confined";
	ret = run_confined(&b, NULL, child_denials, &d);
	d.extack = "CAP_MAC_ADMIN";
	ret |= run_child(child_no_mac_admin, &d);
	ret |= admin_hears(&d, &b);
out:
	box_drop(&b);
	return ret;
}

/* 5. A script runs only if its interpreter may be executed too. */
static int child_script(void *arg)
{
	char *const script[] = { SCRIPT, NULL };
	char *const busybox[] = { "/bin/busybox", "true", NULL };
	bool interp_denied = arg;
	int want = interp_denied ? -EACCES : SCRIPT_EXIT;
	int ret;

	ret = expect_err("execve " SCRIPT " (#!/bin/sh, itself allowed x)",
			 exec_status(SCRIPT, script), want);
	ret |= expect_err("execve /bin/busybox true", exec_status("/bin/busybox", busybox),
			  interp_denied ? -EACCES : 0);
	ret |= expect_err("open " SCRIPT " O_RDONLY (control)", try_open(SCRIPT, O_RDONLY), 0);
	return ret;
}

static int case_interpreter(void *arg)
{
	static const struct cgf_file_rule no_interp[] = {
		{ 1, DENY, CGFENCE_FILE_EXEC, "/bin/busybox" },
	};
	char *const script[] = { SCRIPT, NULL };
	struct box b;
	int ret = -1;

	(void)arg;
	if (box_make(&b, "box", "pr-interp", ENFORCE, ALLOW, no_interp, 1) ||
	    run_confined(&b, NULL, child_script, (void *)true))
		goto out;
	box_drop(&b);
	if (box_make(&b, "box", "pr-interp-ok", ENFORCE, ALLOW, NULL, 0) ||
	    run_confined(&b, NULL, child_script, (void *)false))
		goto out;
	ret = expect_err("host: execve " SCRIPT, exec_status(SCRIPT, script), SCRIPT_EXIT);
out:
	box_drop(&b);
	return ret;
}

/* 6. rename and link across directories: n on both names, d on a replaced target, l. */
#define RA	BASE "/ra"
#define RB	BASE "/rb"

static int names_reset(void)
{
	remove_tree(RA);
	remove_tree(RB);
	if (mkdir_p(RA) || mkdir_p(RB))
		return -1;
	return make_file(RA "/f", "f\n", 0644) || make_file(RB "/old", "old\n", 0644);
}

static int exists(const char *path, bool want)
{
	bool got = access(path, F_OK) == 0;

	return got == want ? 0 : tap_fail("%s %s", path, want ? "is missing" : "exists");
}

enum names_step { NO_N_NEW, NO_N_OLD, NO_D, NO_L, ALL_PERMS };

static int child_names(void *arg)
{
	enum names_step step = (long)arg;
	int ret = 0;

	switch (step) {
	case NO_N_NEW:	/* deny n on RB */
		ret |= expect_err("rename ra/f rb/f (rb lacks n)",
				  as_err(rename(RA "/f", RB "/f")), -EACCES);
		ret |= exists(RA "/f", true) | exists(RB "/f", false);
		ret |= expect_err("rename ra/f ra/g (control: n in ra)",
				  as_err(rename(RA "/f", RA "/g")), 0);
		break;
	case NO_N_OLD:	/* deny n on RA */
		ret |= expect_err("rename ra/f rb/f (ra lacks n)",
				  as_err(rename(RA "/f", RB "/f")), -EACCES);
		ret |= exists(RA "/f", true) | exists(RB "/f", false);
		break;
	case NO_D:	/* deny d on RB */
		ret |= expect_err("rename ra/f rb/old (replaces; rb lacks d)",
				  as_err(rename(RA "/f", RB "/old")), -EACCES);
		ret |= exists(RA "/f", true) | exists(RB "/old", true);
		ret |= expect_err("rename ra/f rb/new (control: replaces nothing)",
				  as_err(rename(RA "/f", RB "/new")), 0);
		break;
	case NO_L:	/* deny l on RB */
		ret |= expect_err("link ra/f rb/f (rb lacks l)",
				  as_err(link(RA "/f", RB "/f")), -EACCES);
		ret |= exists(RB "/f", false);
		ret |= expect_err("link ra/f ra/f2 (control: l in ra)",
				  as_err(link(RA "/f", RA "/f2")), 0);
		break;
	case ALL_PERMS:
		ret |= expect_err("link ra/f rb/f", as_err(link(RA "/f", RB "/f")), 0);
		ret |= expect_err("rename ra/f rb/old (replaces)",
				  as_err(rename(RA "/f", RB "/old")), 0);
		ret |= expect_err("rename rb/old ra/g", as_err(rename(RB "/old", RA "/g")), 0);
		break;
	}
	return ret;
}

static int names_under(const char *profile, const char *dir, __u32 deny, enum names_step step)
{
	struct cgf_file_rule rule = { 1, DENY, deny, dir };
	char pattern[64];
	struct box b;
	int ret = -1;

	snprintf(pattern, sizeof(pattern), "%s/**", dir);
	rule.path = pattern;
	if (names_reset() || box_make(&b, "box", profile, ENFORCE, ALLOW, &rule, deny ? 1 : 0))
		goto out;
	if (step == NO_N_OLD)
		/* The old name's own n check refused it (rule 1), not the widening test (rule 0). */
		ret = expect_klog(&b, NULL, child_names, (void *)(long)step, "denied", profile,
				  1, RB "/f");
	else
		ret = run_confined(&b, NULL, child_names, (void *)(long)step);
out:
	box_drop(&b);
	return ret;
}

static int case_names(void *arg)
{
	int ret;

	(void)arg;
	ret = names_under("pr-no-n-new", RB, CGFENCE_FILE_RENAME, NO_N_NEW);
	ret |= names_under("pr-no-n-old", RA, CGFENCE_FILE_RENAME, NO_N_OLD);
	ret |= names_under("pr-no-d", RB, CGFENCE_FILE_DELETE, NO_D);
	ret |= names_under("pr-no-l", RB, CGFENCE_FILE_LINK, NO_L);
	ret |= names_under("pr-names", RB, 0, ALL_PERMS);
	/* The host does what the boxes were refused. */
	if (names_reset())
		return -1;
	ret |= expect_err("host: link ra/f rb/f", as_err(link(RA "/f", RB "/f")), 0);
	ret |= expect_err("host: rename ra/f rb/old", as_err(rename(RA "/f", RB "/old")), 0);
	return ret;
}

/* 7. The shipped profiles against a root task with every capability. */
#define HOSTNAME	"/proc/sys/kernel/hostname"
#define THP		"/sys/kernel/mm/transparent_hugepage/enabled"
#define MNT		BASE "/mnt"
#define WORK		BASE "/work"

enum shipped { DOCKER, BASELINE, RESTRICTED };

static int child_shipped(void *arg)
{
	enum shipped p = (long)arg;
	char *const truth[] = { "/bin/busybox", "true", NULL };
	char *const script[] = { SCRIPT, NULL };
	char self[200], path[320];
	int ret = 0;

	/* Refused by every one of them. */
	ret |= expect_err("open " HOSTNAME " O_WRONLY", try_open(HOSTNAME, O_WRONLY), -EACCES);
	ret |= expect_err("open /proc/sysrq-trigger O_WRONLY",
			  try_open("/proc/sysrq-trigger", O_WRONLY), -EACCES);
	ret |= expect_err("open /proc/kcore O_RDONLY", try_open("/proc/kcore", O_RDONLY),
			  -EACCES);
	ret |= expect_err("open " THP " O_WRONLY", try_open(THP, O_WRONLY), -EACCES);
	if (cgroup_self_dir(self, sizeof(self)))
		return tap_fail("own cgroup");
	snprintf(path, sizeof(path), "%s/x", self);
	ret |= expect_err("mkdir in cgroupfs", as_err(mkdir(path, 0755)), -EACCES);
	ret |= expect_err("mount tmpfs on " MNT, as_err(mount("tmpfs", MNT, "tmpfs", 0, NULL)),
			  -EPERM);
	/* baseline and restricted hide more of /proc and /sys; docker-default lets them be read. */
	ret |= expect_err("open /proc/kallsyms O_RDONLY", try_open("/proc/kallsyms", O_RDONLY),
			  p == DOCKER ? 0 : -EACCES);
	ret |= expect_err("open /sys/kernel/debug O_RDONLY",
			  try_open("/sys/kernel/debug", O_RDONLY | O_DIRECTORY),
			  p == DOCKER ? 0 : -EACCES);
	/* restricted: no exec from scratch space, nothing planted in the image's trees. */
	ret |= expect_err("execve " SCRIPT, exec_status(SCRIPT, script),
			  p == RESTRICTED ? -EACCES : SCRIPT_EXIT);
	ret |= expect_err("create /bin/planted", try_open("/bin/planted", O_WRONLY | O_CREAT),
			  p == RESTRICTED ? -EACCES : 0);
	/* Ordinary work: allowed by all three. */
	ret |= expect_err("open /etc/passwd O_RDONLY", try_open("/etc/passwd", O_RDONLY), 0);
	ret |= expect_err("open /proc/self/status O_RDONLY",
			  try_open("/proc/self/status", O_RDONLY), 0);
	ret |= expect_err("open " HOSTNAME " O_RDONLY", try_open(HOSTNAME, O_RDONLY), 0);
	ret |= expect_err("open " THP " O_RDONLY", try_open(THP, O_RDONLY), 0);
	ret |= expect_err("write /proc/self/comm", write_file("/proc/self/comm", "worker"), 0);
	ret |= expect_err("open /dev/null O_RDWR", try_open("/dev/null", O_RDWR), 0);
	ret |= expect_err("mkdir " WORK, as_err(mkdir(WORK, 0755)), 0);
	ret |= expect_err("create " WORK "/a", make_file(WORK "/a", "a\n", 0644), 0);
	ret |= expect_err("rename " WORK "/a b", as_err(rename(WORK "/a", WORK "/b")), 0);
	ret |= expect_err("unlink " WORK "/b", as_err(unlink(WORK "/b")), 0);
	ret |= expect_err("rmdir " WORK, as_err(rmdir(WORK)), 0);
	ret |= expect_err("execve /bin/busybox true", exec_status("/bin/busybox", truth), 0);
	return ret;
}

static int host_unchanged(void)
{
	char name[80];
	int ret;

	ret = expect_err("host: open /proc/kcore O_RDONLY", try_open("/proc/kcore", O_RDONLY), 0);
	ret |= expect_err("host: open " THP " O_WRONLY", try_open(THP, O_WRONLY), 0);
	if (read_file(HOSTNAME, name, sizeof(name)))
		return tap_fail("host: read " HOSTNAME);
	ret |= expect_err("host: write " HOSTNAME " (the same name)", write_file(HOSTNAME, name), 0);
	ret |= expect_err("host: mount tmpfs on " MNT,
			  as_err(mount("tmpfs", MNT, "tmpfs", 0, NULL)), 0);
	if (umount(MNT))
		ret |= tap_fail("host: umount " MNT ": %s", errname(-errno));
	return ret;
}

static int shipped_case(const char *profile, enum shipped p)
{
	struct box b;
	int ret = -1;

	unlink("/bin/planted");
	if (mkdir_p(MNT) || box_make_shipped(&b, "box", profile))
		goto out;
	ret = run_confined(&b, NULL, child_shipped, (void *)(long)p);
	ret |= host_unchanged();
out:
	box_drop(&b);
	unlink("/bin/planted");
	remove_tree(WORK);
	return ret;
}

static int case_docker(void *arg)
{
	(void)arg;
	return shipped_case("docker-default", DOCKER);
}

static int case_baseline(void *arg)
{
	(void)arg;
	return shipped_case("baseline", BASELINE);
}

static int case_restricted(void *arg)
{
	(void)arg;
	return shipped_case("restricted", RESTRICTED);
}

/* 8. O_TMPFILE creates a file: it needs c. */
#define TNOC	BASE "/tnoc"
#define TOK	BASE "/tok"

static int child_tmpfile(void *arg)
{
	int ret;

	(void)arg;
	ret = expect_err("open " TNOC " O_TMPFILE | O_RDWR (no c)",
			 try_open(TNOC, O_TMPFILE | O_RDWR), -EACCES);
	ret |= expect_err("open " TNOC "/new O_CREAT (no c)",
			  try_open(TNOC "/new", O_CREAT | O_RDWR), -EACCES);
	ret |= expect_err("open " TNOC "/old O_RDWR (control: w is there)",
			  try_open(TNOC "/old", O_RDWR), 0);
	ret |= expect_err("open " TOK " O_TMPFILE | O_RDWR (control)",
			  try_open(TOK, O_TMPFILE | O_RDWR), 0);
	return ret;
}

static int case_tmpfile(void *arg)
{
	static const struct cgf_file_rule no_c[] = {
		{ 1, DENY, CGFENCE_FILE_CREATE, TNOC "/**" },
	};
	struct box b;
	int ret = -1;

	(void)arg;
	if (mkdir_p(TNOC) || mkdir_p(TOK) || make_file(TNOC "/old", "old\n", 0644))
		return -1;
	if (box_make(&b, "box", "pr-tmpfile", ENFORCE, ALLOW, no_c, 1))
		goto out;
	ret = run_confined(&b, NULL, child_tmpfile, NULL);
	ret |= expect_err("host: open " TNOC " O_TMPFILE | O_RDWR",
			  try_open(TNOC, O_TMPFILE | O_RDWR), 0);
out:
	box_drop(&b);
	return ret;
}

/* 9. A descriptor from before a new mount namespace and a new root is "unreachable:". */
#define NS	BASE "/ns"
#define NSROOT	NS "/root"

struct ns_arg {
	bool move_root;		/* a new root moved over "/" as well, not only unshare */
	int want;		/* re-opening the old descriptor */
	int fd;
};

static int pre_ns(void *arg)
{
	struct ns_arg *a = arg;

	a->fd = open(NS "/data/file", O_RDONLY | O_CLOEXEC);
	if (a->fd < 0)
		return tap_fail("open " NS "/data/file: %s", errname(-errno));
	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return tap_fail("private mount namespace: %s", errname(-errno));
	if (!a->move_root)
		return 0;
	/* A root of its own: a tmpfs with proc and the data directory, moved over "/". */
	if (mount("tmpfs", NSROOT, "tmpfs", 0, NULL) || mkdir(NSROOT "/proc", 0755) ||
	    mkdir(NSROOT "/data", 0755) || mount("proc", NSROOT "/proc", "proc", 0, NULL) ||
	    mount(NS "/data", NSROOT "/data", NULL, MS_BIND, NULL))
		return tap_fail("build the new root: %s", errname(-errno));
	if (chdir(NSROOT) || mount(".", "/", NULL, MS_MOVE, NULL) || chroot(".") || chdir("/"))
		return tap_fail("move the new root onto / and chroot: %s", errname(-errno));
	return 0;
}

static int reopen(int fd, int flags)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	return try_open(path, flags);
}

static int child_ns(void *arg)
{
	const struct ns_arg *a = arg;
	const char *name = a->move_root ? "/data/file" : NS "/data/file";
	int ret, fd;

	ret = expect_err("re-open the descriptor from before via /proc/self/fd",
			 reopen(a->fd, O_RDONLY), a->want);
	ret |= expect_err("open the same file by its name now (control)",
			  try_open(name, O_RDONLY), 0);
	fd = open(name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return tap_fail("open %s: %s", name, errname(-errno));
	ret |= expect_err("re-open a descriptor opened now via /proc/self/fd (control)",
			  reopen(fd, O_RDONLY), 0);
	close(fd);
	return ret;
}

/* The same steps unconfined: the host's tasks are judged by nothing. */
static int host_ns(void *arg)
{
	struct ns_arg *a = arg;

	if (pre_ns(a))
		return -1;
	return expect_err("host: re-open the descriptor from before",
			  reopen(a->fd, O_RDONLY), 0);
}

static int ns_under(const char *profile, const struct cgf_file_rule *rules, unsigned int n,
		    bool move_root, int want)
{
	struct ns_arg a = { .move_root = move_root, .want = want, .fd = -1 };
	struct box b;
	int ret;

	if (box_make(&b, "box", profile, ENFORCE, ALLOW, rules, n)) {
		box_drop(&b);
		return -1;
	}
	ret = run_confined(&b, pre_ns, child_ns, &a);
	box_drop(&b);
	return ret;
}

static int case_ns_fd(void *arg)
{
	static const struct cgf_file_rule opt_in[] = {
		{ 1, ALLOW, CGFENCE_FILE_READ, CGFENCE_OBJECT_UNREACHABLE },
	};
	struct ns_arg a = { .move_root = true, .fd = -1 };
	int ret;

	(void)arg;
	if (mkdir_p(NSROOT) || mkdir_p(NS "/data") || make_file(NS "/data/file", "data\n", 0644))
		return -1;
	ret = ns_under("pr-ns-move", NULL, 0, true, -EACCES);
	ret |= ns_under("pr-ns-unshare", NULL, 0, false, -EACCES);
	ret |= ns_under("pr-ns-optin", opt_in, 1, true, 0);
	ret |= run_child(host_ns, &a);
	return ret;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "probe"))
		return probe_main(argv[2]);
	tap_init(argc, argv);
	tap_plan(13);
	remove_tree(BASE);
	mkdir_p(BASE);
	make_file(SECRET, "secret\n", 0644);
	make_file(PUBLIC, "public\n", 0644);
	make_file(SCRIPT, "#!/bin/sh\nexit 7\n", 0755);
	tap_case("insmod cgfence.ko", case_cgfence_insmod, NULL);
	tap_case("the first attach (none before) confines a task already running in the cgroup:"
		 " EACCES after ATTACH, allowed before; the host still reads", case_first_attach,
		 NULL);
	tap_case("unshare(NEWNS|NEWUTS|NEWIPC), setns() both ways, and nobody's exec of a"
		 " setuid-root binary stay confined (EACCES); unconfined, the probe reads",
		 case_setns_setuid, NULL);
	tap_case("cgroup.procs/threads of cgroups outside the box, through leaked descriptors or"
		 " by path: EPERM; into its own child cgroup: allowed, still confined; host moves",
		 case_cgroup_procs, NULL);
	tap_case("denials group join and DENIAL dump: EPERM when confined (all caps) and without"
		 " CAP_MAC_ADMIN (with CAP_SYS_ADMIN); the unconfined admin hears and dumps",
		 case_denials_access, NULL);
	tap_case("a #!/bin/sh script with /bin/busybox denied x: EACCES; with x: it runs",
		 case_interpreter, NULL);
	tap_case("rename across directories needs n on both names and d on a replaced target,"
		 " link needs l on the new name: EACCES each, allowed with them", case_names, NULL);
	tap_case("docker-default: /proc/sys, sysrq-trigger, kcore, /sys writes EACCES, mount"
		 " EPERM; ordinary work allowed; host unchanged", case_docker, NULL);
	tap_case("baseline: the same, and /proc/kallsyms, debugfs EACCES", case_baseline, NULL);
	tap_case("restricted: the same, and exec from /tmp, create in /bin EACCES",
		 case_restricted, NULL);
	tap_case("O_TMPFILE without c on the directory: EACCES; with c, and w alone: allowed",
		 case_tmpfile, NULL);
	tap_case("a descriptor from before unshare(CLONE_NEWNS) (and a moved root), re-opened"
		 " via /proc/self/fd: EACCES (unreachable:); allow r unreachable: opens it",
		 case_ns_fd, NULL);
	tap_case("rmmod cgfence", case_cgfence_rmmod, NULL);
	remove_tree(BASE);
	return tap_done();
}
