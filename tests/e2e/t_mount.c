// SPDX-License-Identifier: GPL-2.0
/* e2e: mount rules on confined tasks: mount(2), bind, remount, umount, pivot_root, fsmount. */

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/magic.h>

#include "e2e.h"
#include "tap.h"

#define BASE		"/tmp/t_mount"

#define ALLOW		CGFENCE_EFFECT_ALLOW
#define DENY		CGFENCE_EFFECT_DENY
#define ENFORCE		CGFENCE_MODE_ENFORCE
#define COMPLAIN	CGFENCE_MODE_COMPLAIN

/* A mount rule; NULL strings are left out of the message ("any"), as are zero options. */
#define MNT(i, eff, ops, type, src, tgt, req, forb) {				\
	.id = (i), .kind = CGFENCE_RULE_MOUNT, .effect = (eff), .mount_ops = (ops),	\
	.fstype = (type), .source = (src), .target = (tgt), .require = (req),	\
	.forbid = (forb),							\
}
#define NEW		CGFENCE_MOUNT_NEW
#define BIND		CGFENCE_MOUNT_BIND
#define RBIND		CGFENCE_MOUNT_RBIND
#define REMOUNT		CGFENCE_MOUNT_REMOUNT
#define MOVE		CGFENCE_MOUNT_MOVE
#define PROPAGATION	CGFENCE_MOUNT_PROPAGATION
#define UMOUNT		CGFENCE_MOUNT_UMOUNT
#define PIVOT_ROOT	CGFENCE_MOUNT_PIVOT_ROOT

static int check(const char *what, int got, int want)
{
	return expect_err(what, got, want);
}

/* A descriptor-returning call as 0 or -errno; the descriptor is closed. */
static int fd_err(long fd)
{
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

static int do_mount(const char *src, const char *target, const char *type, unsigned long flags,
		    const char *data)
{
	return as_err(mount(src, target, type, flags, data));
}

/* Each mount of the host's namespace that appeared since @before, against @want. */
static int expect_added(const char *what, const char *before, const char *want)
{
	char added[2048];
	char *after = mountinfo_read();

	if (!after || !before)
		return tap_fail("%s: cannot read the mount table", what);
	mountinfo_added(before, after, added, sizeof(added));
	free(after);
	if (!strcmp(added, want))
		return 0;
	return tap_fail("%s: new mounts in the host's namespace: \"%s\", want \"%s\"", what,
			added, want);
}

static bool is_mounted(const char *point)
{
	char line[512];

	return mountinfo_line(point, line, sizeof(line)) == 0;
}

static int statvfs_flags(const char *path, unsigned long *flags)
{
	struct statvfs sv;

	if (statvfs(path, &sv))
		return -errno;
	*flags = sv.f_flag;
	return 0;
}

/* Mount state the host checks after a case: read-only or not. */
static int expect_ro(const char *who, const char *path, bool ro)
{
	unsigned long flags = 0;
	int err = statvfs_flags(path, &flags);

	if (err)
		return tap_fail("%s: statvfs %s: %s", who, path, errname(err));
	if (!!(flags & ST_RDONLY) == ro)
		return 0;
	return tap_fail("%s: %s is %s, want %s", who, path, flags & ST_RDONLY ? "ro" : "rw",
			ro ? "ro" : "rw");
}

/*
 * Reports, all in one case so that the node-wide rate limit of the kernel log (20 lines
 * in 5 s) is not yet spent: complain mode lets the operations through and logs
 * would-deny; enforce logs denied, with the id of the deny rule that decided (0: no
 * rule allowed it).
 */
#define REP BASE "/rep"

static int child_rep_mount(void *arg)
{
	return check("mount tmpfs on t", do_mount("tmpfs", REP "/t", "tmpfs", 0, NULL),
		     *(const int *)arg);
}

static int pre_rep_umount(void *arg)
{
	(void)arg;
	if (do_mount("tmpfs", REP "/u", "tmpfs", 0, NULL))
		return tap_fail("mount tmpfs on u: %s", errname(-errno));
	return 0;
}

static int child_rep_umount(void *arg)
{
	(void)arg;
	return check("umount u", as_err(umount2(REP "/u", 0)), 0);
}

static int child_rep_fspick(void *arg)
{
	(void)arg;
	return check("fspick /tmp", fd_err(syscall(SYS_fspick, AT_FDCWD, "/tmp", FSPICK_CLOEXEC)),
		     0);
}

static int child_rep_bind_etc(void *arg)
{
	(void)arg;
	return check("bind /etc -> b", do_mount("/etc", REP "/b", NULL, MS_BIND, NULL), -EPERM);
}

static int case_reports(void *arg)
{
	static const struct cgf_rule_spec deny_rules[] = {
		MNT(1, ALLOW, NEW | BIND, NULL, NULL, REP "/**", 0, 0),
		MNT(2, DENY, NEW, "tmpfs", NULL, REP "/t", 0, 0),
		MNT(3, DENY, BIND, NULL, "/etc/**", "/**", 0, 0),
	};
	static const int allowed = 0, refused = -EPERM;
	char *before = NULL;
	struct cgf_conn c;
	struct box b;
	int ret = -1, err;

	(void)arg;
	if (mkdir_p(REP "/t") || mkdir_p(REP "/u") || mkdir_p(REP "/b"))
		goto out;
	if (box_make_spec(&b, "box", "m-complain", COMPLAIN, ALLOW, NULL, 0) ||
	    expect_klog(&b, NULL, child_rep_mount, (void *)&allowed, "would-deny op=mount",
			"m-complain", 0, REP "/t") ||
	    expect_klog(&b, pre_rep_umount, child_rep_umount, NULL, "would-deny op=umount",
			"m-complain", 0, REP "/u") ||
	    expect_klog(&b, NULL, child_rep_fspick, NULL, "would-deny op=fspick", "m-complain", 0,
			""))
		goto out_box;
	if (!is_mounted(REP "/t")) {
		tap_fail("host: the complain-mode mount is not there");
		goto out_box;
	}
	umount_below(REP);
	before = mountinfo_read();
	if (cgf_conn_open(&c))
		goto out_box;
	err = cgf_profile_set_mode(&c, "m-complain", ENFORCE);
	cgf_conn_close(&c);
	if (expect_err("PROFILE_MODE enforce", err, 0) ||
	    expect_klog(&b, NULL, child_rep_mount, (void *)&refused, "denied op=mount",
			"m-complain", 0, REP "/t"))
		goto out_box;
	box_drop(&b);
	/*
	 * The deny that won is named: over the allow of everything below rep for a tmpfs,
	 * and for a bind whose source mount(2) cannot resolve (it may be /etc: the deny
	 * applies).
	 */
	if (box_make_spec(&b, "box", "m-deny", ENFORCE, ALLOW, deny_rules,
			  ARRAY_SIZE(deny_rules)) ||
	    expect_klog(&b, NULL, child_rep_mount, (void *)&refused, "denied op=mount", "m-deny",
			2, REP "/t") ||
	    expect_klog(&b, NULL, child_rep_bind_etc, NULL, "denied op=mount", "m-deny", 3,
			REP "/b"))
		goto out_box;
	ret = expect_added("enforce", before, "");
out_box:
	box_drop(&b);
out:
	umount_below(REP);
	free(before);
	remove_tree(REP);
	return ret;
}

/*
 * New mounts of proc, sysfs, tmpfs and cgroup2: each allowed by a rule for its type at
 * its target, and nowhere else; a deny rule beats a wildcard allow. The task stays in
 * the host's mount namespace, so the host sees exactly what it got.
 */
#define NEWM BASE "/new"

struct fs_kind {
	const char *type, *dir;
};

static const struct fs_kind kinds[] = {
	{ "proc", NEWM "/proc" },
	{ "sysfs", NEWM "/sysfs" },
	{ "tmpfs", NEWM "/tmpfs" },
	{ "cgroup2", NEWM "/cgroup2" },
};

static int child_new_none(void *arg)
{
	char what[160];
	unsigned int i;
	int ret = 0;

	(void)arg;
	for (i = 0; i < ARRAY_SIZE(kinds); i++) {
		snprintf(what, sizeof(what), "no rule: mount %s on %s", kinds[i].type,
			 kinds[i].dir);
		ret |= check(what, do_mount(kinds[i].type, kinds[i].dir, kinds[i].type, 0, NULL),
			     -EPERM);
	}
	return ret;
}

static int child_new(void *arg)
{
	char what[160];
	unsigned int i, j;
	int ret = 0;

	(void)arg;
	/* Every type at every target: only the matching pairs are allowed. */
	for (i = 0; i < ARRAY_SIZE(kinds); i++) {
		for (j = 0; j < ARRAY_SIZE(kinds); j++) {
			snprintf(what, sizeof(what), "mount %s on %s", kinds[i].type, kinds[j].dir);
			ret |= check(what, do_mount(kinds[i].type, kinds[j].dir, kinds[i].type, 0,
						    NULL), i == j ? 0 : -EPERM);
		}
	}
	ret |= check("mount tmpfs where no rule names the target",
		     do_mount("tmpfs", NEWM "/other", "tmpfs", 0, NULL), -EPERM);
	ret |= check("mount tmpfs on any/denied (deny tmpfs beats allow *)",
		     do_mount("tmpfs", NEWM "/any/denied", "tmpfs", 0, NULL), -EPERM);
	ret |= check("mount proc on any/denied (the deny names tmpfs only)",
		     do_mount("proc", NEWM "/any/denied", "proc", 0, NULL), 0);
	ret |= check("mount tmpfs on any/ok (allow * -> any/**)",
		     do_mount("tmpfs", NEWM "/any/ok", "tmpfs", 0, NULL), 0);
	/* A source name is compared exactly; a source path is unknown to mount(2). */
	ret |= check("mount tmpfs from \"other\" where the rule names \"named\"",
		     do_mount("other", NEWM "/src", "tmpfs", 0, NULL), -EPERM);
	ret |= check("mount tmpfs from \"/named\" (a path: unknown)",
		     do_mount("/named", NEWM "/src", "tmpfs", 0, NULL), -EPERM);
	ret |= check("mount tmpfs from \"named\"", do_mount("named", NEWM "/src", "tmpfs", 0,
							      NULL), 0);
	return ret;
}

static int case_new_mounts(void *arg)
{
	static const struct cgf_rule_spec rules[] = {
		MNT(1, ALLOW, NEW, "proc", NULL, NEWM "/proc", 0, 0),
		MNT(2, ALLOW, NEW, "sysfs", NULL, NEWM "/sysfs", 0, 0),
		MNT(3, ALLOW, NEW, "tmpfs", NULL, NEWM "/tmpfs", 0, 0),
		MNT(4, ALLOW, NEW, "cgroup2", NULL, NEWM "/cgroup2", 0, 0),
		MNT(5, ALLOW, NEW, "*", NULL, NEWM "/any/**", 0, 0),
		MNT(6, DENY, NEW, "tmpfs", NULL, NEWM "/any/denied", 0, 0),
		MNT(7, ALLOW, NEW, "tmpfs", "named", NEWM "/src", 0, 0),
	};
	char *before = NULL;
	unsigned int i;
	struct box b;
	int ret = -1;

	(void)arg;
	for (i = 0; i < ARRAY_SIZE(kinds); i++)
		if (mkdir_p(kinds[i].dir))
			goto out;
	if (mkdir_p(NEWM "/other") || mkdir_p(NEWM "/any/denied") || mkdir_p(NEWM "/any/ok") ||
	    mkdir_p(NEWM "/src"))
		goto out;
	before = mountinfo_read();

	/* No mount rule at all: everything refused. */
	if (box_make_spec(&b, "box", "m-none", ENFORCE, ALLOW, NULL, 0) ||
	    run_confined(&b, NULL, child_new_none, NULL) ||
	    expect_added("no rule", before, ""))
		goto out_box;
	box_drop(&b);

	if (box_make_spec(&b, "box", "m-new", ENFORCE, ALLOW, rules, ARRAY_SIZE(rules)) ||
	    run_confined(&b, NULL, child_new, NULL))
		goto out_box;
	ret = expect_added("type and target rules", before,
			   "proc:" NEWM "/proc sysfs:" NEWM "/sysfs tmpfs:" NEWM "/tmpfs cgroup2:"
			   NEWM "/cgroup2 proc:" NEWM "/any/denied tmpfs:" NEWM "/any/ok tmpfs:"
			   NEWM "/src");
out_box:
	box_drop(&b);
out:
	umount_below(NEWM);
	free(before);
	remove_tree(NEWM);
	return ret;
}

/* A rule's options=nosuid,nodev must all be set; the mount keeps its size= option. */
#define OPT BASE "/opt"

static int child_options(void *arg)
{
	unsigned long flags = 0;
	struct statfs sf;
	int ret = 0;

	(void)arg;
	ret |= check("tmpfs without nosuid,nodev", do_mount("tmpfs", OPT, "tmpfs", 0, "size=1m"),
		     -EPERM);
	ret |= check("tmpfs with nosuid only", do_mount("tmpfs", OPT, "tmpfs", MS_NOSUID,
							"size=1m"), -EPERM);
	ret |= check("tmpfs with nodev only", do_mount("tmpfs", OPT, "tmpfs", MS_NODEV, "size=1m"),
		     -EPERM);
	ret |= check("tmpfs with nosuid,nodev,noexec (more than required)",
		     do_mount("tmpfs", OPT, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=1m"),
		     0);
	if (ret)
		return ret;
	if (statfs(OPT, &sf) || statvfs_flags(OPT, &flags))
		return tap_fail("statfs %s: %s", OPT, errname(-errno));
	if (sf.f_type != TMPFS_MAGIC || (unsigned long long)sf.f_blocks * sf.f_bsize != 1 << 20)
		ret |= tap_fail("%s: f_type %#lx, %llu blocks of %ld, want tmpfs of 1 MiB", OPT,
				(unsigned long)sf.f_type, (unsigned long long)sf.f_blocks,
				(long)sf.f_bsize);
	if ((flags & (ST_NOSUID | ST_NODEV | ST_NOEXEC)) != (ST_NOSUID | ST_NODEV | ST_NOEXEC))
		ret |= tap_fail("%s: flags %#lx lack nosuid, nodev or noexec", OPT, flags);
	return ret;
}

static int case_options(void *arg)
{
	static const struct cgf_rule_spec rules[] = {
		MNT(1, ALLOW, NEW, "tmpfs", NULL, OPT, CGFENCE_MOPT_NOSUID | CGFENCE_MOPT_NODEV, 0),
	};
	char *before = NULL, line[512];
	struct box b;
	int ret = -1;

	(void)arg;
	if (mkdir_p(OPT))
		goto out;
	before = mountinfo_read();
	if (box_make_spec(&b, "box", "m-opt", ENFORCE, ALLOW, rules, ARRAY_SIZE(rules)) ||
	    run_confined(&b, NULL, child_options, NULL) ||
	    expect_added("options", before, "tmpfs:" OPT))
		goto out_box;
	if (mountinfo_line(OPT, line, sizeof(line))) {
		tap_fail("%s is not in the host's mountinfo", OPT);
		goto out_box;
	}
	tap_diag("host: %s", line);
	if (!strstr(line, "nosuid,nodev,noexec") || !strstr(line, "size=1024k"))
		tap_fail("the mount lacks nosuid,nodev,noexec or size=1024k");
	else
		ret = 0;
out_box:
	box_drop(&b);
out:
	umount_below(OPT);
	free(before);
	remove_tree(OPT);
	return ret;
}

/*
 * Bind mounts: mount(2) hands the hook the source as a string it cannot resolve. An
 * allow rule without a source allows any; one that names a source never matches, not
 * even the widest a policy can write ("/" then "**"); a deny rule naming a source always
 * does.
 */
#define BND BASE "/bind"

static int bind_mount(const char *src, const char *dst, unsigned long flags)
{
	return do_mount(src, dst, NULL, MS_BIND | flags, NULL);
}

static int child_bind_refused(void *arg)
{
	int ret = 0;

	(void)arg;
	ret |= check("bind src -> dst", bind_mount(BND "/src", BND "/dst", 0), -EPERM);
	ret |= check("rbind src -> dst", bind_mount(BND "/src", BND "/dst", MS_REC), -EPERM);
	ret |= check("bind /etc -> dst", bind_mount("/etc", BND "/dst", 0), -EPERM);
	ret |= check("dst/f after the refused binds", try_open(BND "/dst/f", O_RDONLY), -ENOENT);
	return ret;
}

static int child_bind_any(void *arg)
{
	int ret = 0;

	(void)arg;
	ret |= check("rbind src -> dst (the rule is bind only)", bind_mount(BND "/src", BND "/dst",
								    MS_REC), -EPERM);
	ret |= check("bind src -> other (other: rbind only)",
		     bind_mount(BND "/src", BND "/other", 0), -EPERM);
	ret |= check("bind src -> dst", bind_mount(BND "/src", BND "/dst", 0), 0);
	ret |= check("dst/f through the bind", try_open(BND "/dst/f", O_RDONLY), 0);
	ret |= check("rbind src -> other", bind_mount(BND "/src", BND "/other", MS_REC), 0);
	return ret;
}

static int case_bind(void *arg)
{
	static const struct cgf_rule_spec any_source[] = {
		MNT(1, ALLOW, BIND, NULL, NULL, BND "/dst", 0, 0),
		MNT(2, ALLOW, RBIND, NULL, NULL, BND "/other", 0, 0),
	};
	static const struct cgf_rule_spec named_source[] = {
		MNT(1, ALLOW, BIND | RBIND, NULL, "/**", BND "/dst", 0, 0),
		MNT(2, ALLOW, BIND | RBIND, NULL, BND "/src", BND "/dst", 0, 0),
	};
	static const struct cgf_rule_spec deny_source[] = {
		MNT(1, ALLOW, BIND, NULL, NULL, BND "/**", 0, 0),
		MNT(2, DENY, BIND, NULL, "/etc/**", "/**", 0, 0),
	};
	char *before = NULL;
	struct box b;
	int ret = -1;

	(void)arg;
	if (mkdir_p(BND "/src") || make_file(BND "/src/f", "f\n", 0644) || mkdir_p(BND "/dst") ||
	    mkdir_p(BND "/other"))
		goto out;
	before = mountinfo_read();

	if (box_make_spec(&b, "box", "m-bind-none", ENFORCE, ALLOW, NULL, 0) ||
	    run_confined(&b, NULL, child_bind_refused, NULL) ||
	    expect_added("no rule", before, ""))
		goto out_box;
	box_drop(&b);

	/* Control: the same bind, allowed by a rule without a source. */
	if (box_make_spec(&b, "box", "m-bind-any", ENFORCE, ALLOW, any_source,
			  ARRAY_SIZE(any_source)) ||
	    run_confined(&b, NULL, child_bind_any, NULL) ||
	    expect_added("allow bind, rbind (no source)", before,
			 "tmpfs:" BND "/dst tmpfs:" BND "/other"))
		goto out_box;
	box_drop(&b);
	umount_below(BND);

	/* A source of "/" "**" is the widest a policy file can write: it never matches. */
	if (box_make_spec(&b, "box", "m-bind-src", ENFORCE, ALLOW, named_source,
			  ARRAY_SIZE(named_source)) ||
	    run_confined(&b, NULL, child_bind_refused, NULL) ||
	    expect_added("allow bind with a named source", before, ""))
		goto out_box;
	box_drop(&b);

	/* An unknown source may be /etc: the deny applies, to src as much as to /etc. */
	if (box_make_spec(&b, "box", "m-bind-deny", ENFORCE, ALLOW, deny_source,
			  ARRAY_SIZE(deny_source)) ||
	    run_confined(&b, NULL, child_bind_refused, NULL))
		goto out_box;
	ret = expect_added("allow any source + deny source /etc/**", before, "");
out_box:
	box_drop(&b);
out:
	umount_below(BND);
	free(before);
	remove_tree(BND);
	return ret;
}

/*
 * Remount: a host tmpfs mounted read-only. Turning it read-write needs a remount rule;
 * options=ro lets only a remount that keeps it read-only through; "deny forbid=ro"
 * refuses only the writable one. fspick(2) is refused whole, remount rule or not.
 */
#define RMT BASE "/rm"

static int remount(const char *path, unsigned long flags)
{
	return do_mount(NULL, path, NULL, MS_REMOUNT | flags, NULL);
}

struct remount_want {
	int rw, ro;		/* remount a read-write, read-only */
	int rw_b;		/* remount b read-write */
};

static int child_remount(void *arg)
{
	const struct remount_want *w = arg;
	int ret = 0;

	ret |= check("remount b rw", remount(RMT "/b", 0), w->rw_b);
	ret |= check("remount a ro", remount(RMT "/a", MS_RDONLY), w->ro);
	ret |= check("remount a rw", remount(RMT "/a", 0), w->rw);
	if (!w->rw)
		ret |= check("create a file on a, now writable",
			     try_open(RMT "/a/f", O_CREAT | O_WRONLY), 0);
	ret |= check("fspick a (refused whole, whatever the rules)",
		     fd_err(syscall(SYS_fspick, AT_FDCWD, RMT "/a", FSPICK_CLOEXEC)), -EPERM);
	return ret;
}

static int remount_round(const char *profile, const struct cgf_rule_spec *rules,
			 unsigned int n, const struct remount_want *w)
{
	struct box b;
	int ret;

	ret = box_make_spec(&b, "box", profile, ENFORCE, ALLOW, rules, n);
	if (!ret)
		ret = run_confined(&b, NULL, child_remount, (void *)w);
	box_drop(&b);
	ret |= expect_ro(profile, RMT "/a", w->rw != 0);
	ret |= expect_ro(profile, RMT "/b", true);
	/* Back to read-only for the next round. */
	if (!w->rw && remount(RMT "/a", MS_RDONLY))
		ret = tap_fail("host: remount a ro: %s", errname(-errno));
	return ret;
}

static int case_remount(void *arg)
{
	static const struct cgf_rule_spec ro_only[] = {
		MNT(1, ALLOW, REMOUNT, NULL, NULL, RMT "/a", CGFENCE_MOPT_RO, 0),
	};
	static const struct cgf_rule_spec any[] = {
		MNT(1, ALLOW, REMOUNT, NULL, NULL, RMT "/a", 0, 0),
	};
	static const struct cgf_rule_spec forbid_ro[] = {
		MNT(1, ALLOW, REMOUNT, NULL, NULL, RMT "/**", 0, 0),
		MNT(2, DENY, REMOUNT, NULL, NULL, "/**", 0, CGFENCE_MOPT_RO),
	};
	static const struct remount_want want_none = { -EPERM, -EPERM, -EPERM };
	static const struct remount_want want_ro = { -EPERM, 0, -EPERM };
	static const struct remount_want want_any = { 0, 0, -EPERM };
	static const struct remount_want want_forbid = { -EPERM, 0, -EPERM };
	char *before = NULL;
	int ret = -1;

	(void)arg;
	if (mkdir_p(RMT "/a") || mkdir_p(RMT "/b"))
		goto out;
	if (do_mount("tmpfs", RMT "/a", "tmpfs", MS_RDONLY, NULL) ||
	    do_mount("tmpfs", RMT "/b", "tmpfs", MS_RDONLY, NULL)) {
		tap_fail("host: mount the read-only tmpfs: %s", errname(-errno));
		goto out;
	}
	before = mountinfo_read();
	ret = remount_round("m-rm-none", NULL, 0, &want_none);
	ret |= remount_round("m-rm-ro", ro_only, 1, &want_ro);
	ret |= remount_round("m-rm-any", any, 1, &want_any);
	ret |= remount_round("m-rm-forbid", forbid_ro, 2, &want_forbid);
	ret |= expect_added("remounts", before, "");
out:
	umount_below(RMT);
	free(before);
	remove_tree(RMT);
	return ret;
}

/*
 * umount of a masked path: the host hides a file under a tmpfs. Only "allow umount"
 * of that mount point unmasks it. Propagation changes are mount operations too.
 */
#define UMT BASE "/um"

static int child_umount_none(void *arg)
{
	int ret = 0;

	(void)arg;
	ret |= check("umount mask", as_err(umount2(UMT "/mask", 0)), -EPERM);
	ret |= check("umount mask, MNT_DETACH", as_err(umount2(UMT "/mask", MNT_DETACH)), -EPERM);
	ret |= check("make mask private", do_mount(NULL, UMT "/mask", NULL, MS_PRIVATE, NULL),
		     -EPERM);
	ret |= check("the masked file", try_open(UMT "/mask/secret", O_RDONLY), -ENOENT);
	return ret;
}

static int child_umount_other(void *arg)
{
	int ret = 0;

	(void)arg;
	ret |= check("umount mask (the rule names other)", as_err(umount2(UMT "/mask", 0)),
		     -EPERM);
	ret |= check("umount other", as_err(umount2(UMT "/other", 0)), 0);
	ret |= check("make mask private (allow propagation)",
		     do_mount(NULL, UMT "/mask", NULL, MS_PRIVATE, NULL), 0);
	ret |= check("the masked file", try_open(UMT "/mask/secret", O_RDONLY), -ENOENT);
	return ret;
}

static int child_umount(void *arg)
{
	int ret = 0;

	(void)arg;
	ret |= check("umount mask", as_err(umount2(UMT "/mask", 0)), 0);
	ret |= check("the file under it", try_open(UMT "/mask/secret", O_RDONLY), 0);
	return ret;
}

static int case_umount(void *arg)
{
	static const struct cgf_rule_spec other[] = {
		MNT(1, ALLOW, UMOUNT, NULL, NULL, UMT "/other", 0, 0),
		MNT(2, ALLOW, PROPAGATION, NULL, NULL, UMT "/mask", 0, 0),
	};
	static const struct cgf_rule_spec mask[] = {
		MNT(1, ALLOW, UMOUNT, NULL, NULL, UMT "/mask", 0, 0),
	};
	char *before = NULL;
	struct box b;
	int ret = -1;

	(void)arg;
	if (mkdir_p(UMT "/mask") || make_file(UMT "/mask/secret", "s\n", 0644) ||
	    mkdir_p(UMT "/other"))
		goto out;
	if (do_mount("tmpfs", UMT "/mask", "tmpfs", 0, NULL) ||
	    do_mount("tmpfs", UMT "/other", "tmpfs", 0, NULL)) {
		tap_fail("host: mount the masks: %s", errname(-errno));
		goto out;
	}
	before = mountinfo_read();

	if (box_make_spec(&b, "box", "m-um-none", ENFORCE, ALLOW, NULL, 0) ||
	    run_confined(&b, NULL, child_umount_none, NULL))
		goto out_box;
	box_drop(&b);
	if (!is_mounted(UMT "/mask") || !is_mounted(UMT "/other") ||
	    expect_added("refused umounts", before, "")) {
		tap_fail("host: the mount table changed after refused umounts");
		goto out_box;
	}

	if (box_make_spec(&b, "box", "m-um-other", ENFORCE, ALLOW, other, ARRAY_SIZE(other)) ||
	    run_confined(&b, NULL, child_umount_other, NULL))
		goto out_box;
	box_drop(&b);
	if (!is_mounted(UMT "/mask") || is_mounted(UMT "/other")) {
		tap_fail("host: want mask mounted and other unmounted");
		goto out_box;
	}

	if (box_make_spec(&b, "box", "m-um", ENFORCE, ALLOW, mask, ARRAY_SIZE(mask)) ||
	    run_confined(&b, NULL, child_umount, NULL))
		goto out_box;
	if (is_mounted(UMT "/mask"))
		tap_fail("host: mask is still mounted");
	else
		ret = 0;
out_box:
	box_drop(&b);
out:
	umount_below(UMT);
	free(before);
	remove_tree(UMT);
	return ret;
}

/*
 * pivot_root. The initramfs root (rootfs) has no parent mount, so pivot_root(2) away
 * from it is EINVAL for anyone. The container root is made as switch_root makes it: in
 * a private mount namespace a tmpfs is moved onto / and chroot'ed into; that root has
 * a parent, and pivot_root from it works. The new root is a tmpfs at /newroot inside.
 */
#define PVT BASE "/pv"

static int pre_pivot(void *arg)
{
	(void)arg;
	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return tap_fail("private mount namespace: %s", errname(-errno));
	if (mount("tmpfs", PVT, "tmpfs", 0, "mode=0755") || mkdir_p(PVT "/newroot") ||
	    make_file(PVT "/oldmarker", "old\n", 0644) ||
	    mount("tmpfs", PVT "/newroot", "tmpfs", 0, "mode=0755") ||
	    mkdir_p(PVT "/newroot/old") || make_file(PVT "/newroot/marker", "new\n", 0644))
		return tap_fail("build the roots: %s", errname(-errno));
	if (chdir(PVT) || mount(".", "/", NULL, MS_MOVE, NULL) || chroot(".") || chdir("/"))
		return tap_fail("move the container root onto / and chroot: %s", errname(-errno));
	return 0;
}

static int child_pivot(void *arg)
{
	int want = *(const int *)arg, ret;

	ret = check("pivot_root /newroot /newroot/old",
		    as_err(syscall(SYS_pivot_root, "/newroot", "/newroot/old")), want);
	if (want)
		ret |= check("the old root is still the root", as_err(access("/oldmarker", F_OK)),
			     0);
	else
		ret |= check("the new root is the root, the old one under /old",
			     as_err(access("/marker", F_OK)) ?:
			     as_err(access("/old/oldmarker", F_OK)), 0);
	return ret;
}

static int pivot_round(const char *profile, const struct cgf_rule_spec *rules, unsigned int n,
		       int want)
{
	struct box b;
	int ret;

	ret = box_make_spec(&b, "box", profile, ENFORCE, ALLOW, rules, n);
	if (!ret)
		ret = run_confined(&b, pre_pivot, child_pivot, &want);
	box_drop(&b);
	return ret;
}

static int case_pivot_root(void *arg)
{
	static const struct cgf_rule_spec elsewhere[] = {
		MNT(1, ALLOW, PIVOT_ROOT, NULL, NULL, "/elsewhere", 0, 0),
		MNT(2, ALLOW, NEW | BIND | REMOUNT | MOVE | UMOUNT | PROPAGATION, "*", NULL,
		    "/**", 0, 0),
	};
	static const struct cgf_rule_spec newroot[] = {
		MNT(1, ALLOW, PIVOT_ROOT, NULL, NULL, "/newroot", 0, 0),
	};
	char *before, *after;
	int ret = -1;

	(void)arg;
	if (mkdir_p(PVT))
		return -1;
	before = mountinfo_read();
	ret = pivot_round("m-pv-none", NULL, 0, -EPERM);
	ret |= pivot_round("m-pv-other", elsewhere, ARRAY_SIZE(elsewhere), -EPERM);
	ret |= pivot_round("m-pv", newroot, ARRAY_SIZE(newroot), 0);
	after = mountinfo_read();
	if (!before || !after || strcmp(before, after))
		ret = tap_fail("host: the mount table changed (all of it happened in the task's"
			       " own namespace)");
	free(before);
	free(after);
	remove_tree(PVT);
	return ret;
}

/*
 * The new mount API. fsopen/fsconfig/fsmount build a detached tree without a
 * judgement; what it holds is "unreachable:" until move_mount(2) attaches it, which
 * is judged as a new mount of its type with its options. fspick(2),
 * open_tree(OPEN_TREE_CLONE) and mount_setattr(2) are refused whole; open_tree
 * without OPEN_TREE_CLONE only opens a path.
 */
#define NMA BASE "/nm"

/* A detached tmpfs with mount attributes @attr: its descriptor or -errno. */
static int fsmount_tmpfs(unsigned int attr)
{
	int fs, mnt;

	fs = syscall(SYS_fsopen, "tmpfs", FSOPEN_CLOEXEC);
	if (fs < 0)
		return -errno;
	if (syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0)) {
		close(fs);
		return -errno;
	}
	mnt = syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, attr);
	if (mnt < 0)
		mnt = -errno;
	close(fs);
	return mnt;
}

static int attach(int mnt, const char *target)
{
	return as_err(syscall(SYS_move_mount, mnt, "", AT_FDCWD, target,
			      MOVE_MOUNT_F_EMPTY_PATH));
}

static int set_ro(const char *path)
{
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };

	return as_err(syscall(SYS_mount_setattr, AT_FDCWD, path, 0, &attr, sizeof(attr)));
}

static int child_new_api(void *arg)
{
	int fs, mnt, ret = 0;
	unsigned long flags = 0;

	(void)arg;
	fs = syscall(SYS_fsopen, "tmpfs", FSOPEN_CLOEXEC);
	ret |= check("fsopen tmpfs", fs < 0 ? -errno : 0, 0);
	ret |= check("fsconfig FSCONFIG_CMD_CREATE",
		     as_err(syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0)), 0);
	mnt = syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, 0);
	ret |= check("fsmount", mnt < 0 ? -errno : 0, 0);
	if (ret)
		return ret;
	close(fs);
	ret |= check("openat(fsmount fd, \".\") in the detached tree",
		     fd_err(openat(mnt, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)), -EACCES);
	ret |= check("openat(fsmount fd, \"f\", O_CREAT) in the detached tree",
		     fd_err(openat(mnt, "f", O_CREAT | O_WRONLY | O_CLOEXEC, 0644)), -EACCES);
	ret |= check("mkdirat(fsmount fd, \"d\")", as_err(mkdirat(mnt, "d", 0755)), -EACCES);
	ret |= check("move_mount onto y (no rule)", attach(mnt, NMA "/y"), -EPERM);
	ret |= check("move_mount onto x (allow tmpfs -> x)", attach(mnt, NMA "/x"), 0);
	ret |= check("create x/f, now attached", try_open(NMA "/x/f", O_CREAT | O_WRONLY), 0);
	close(mnt);

	/* The rule for ns wants nosuid: the options are the detached mount's. */
	mnt = fsmount_tmpfs(0);
	ret |= check("move_mount of a tmpfs without nosuid onto ns",
		     mnt < 0 ? mnt : attach(mnt, NMA "/ns"), -EPERM);
	if (mnt >= 0)
		close(mnt);
	mnt = fsmount_tmpfs(MOUNT_ATTR_NOSUID);
	ret |= check("move_mount of a tmpfs with MOUNT_ATTR_NOSUID onto ns",
		     mnt < 0 ? mnt : attach(mnt, NMA "/ns"), 0);
	if (mnt >= 0)
		close(mnt);

	ret |= check("fspick x", fd_err(syscall(SYS_fspick, AT_FDCWD, NMA "/x", FSPICK_CLOEXEC)),
		     -EPERM);
	ret |= check("open_tree x OPEN_TREE_CLONE",
		     fd_err(syscall(SYS_open_tree, AT_FDCWD, NMA "/x",
				    OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC)), -EPERM);
	ret |= check("open_tree x OPEN_TREE_CLONE | AT_RECURSIVE",
		     fd_err(syscall(SYS_open_tree, AT_FDCWD, NMA "/x",
				    OPEN_TREE_CLONE | AT_RECURSIVE | OPEN_TREE_CLOEXEC)), -EPERM);
	ret |= check("open_tree x without OPEN_TREE_CLONE (a path)",
		     fd_err(syscall(SYS_open_tree, AT_FDCWD, NMA "/x", OPEN_TREE_CLOEXEC)), 0);
	ret |= check("mount_setattr x MOUNT_ATTR_RDONLY", set_ro(NMA "/x"), -EPERM);
	ret |= check("statvfs x", statvfs_flags(NMA "/x", &flags), 0);
	if (flags & ST_RDONLY)
		ret |= tap_fail("x became read-only after a refused mount_setattr");
	return ret;
}

static int case_new_api(void *arg)
{
	static const struct cgf_rule_spec rules[] = {
		MNT(1, ALLOW, NEW, "tmpfs", NULL, NMA "/x", 0, 0),
		MNT(2, ALLOW, NEW, "tmpfs", NULL, NMA "/ns", CGFENCE_MOPT_NOSUID, 0),
		/* fspick(2) is not a remount the rules could allow. */
		MNT(3, ALLOW, REMOUNT, NULL, NULL, "/**", 0, 0),
	};
	char *before = NULL;
	struct box b;
	int mnt, ret = -1;

	(void)arg;
	if (mkdir_p(NMA "/x") || mkdir_p(NMA "/y") || mkdir_p(NMA "/ns"))
		goto out;
	before = mountinfo_read();
	if (box_make_spec(&b, "box", "m-newapi", ENFORCE, ALLOW, rules, ARRAY_SIZE(rules)) ||
	    run_confined(&b, NULL, child_new_api, NULL) ||
	    expect_added("new mount API", before, "tmpfs:" NMA "/x tmpfs:" NMA "/ns"))
		goto out_box;
	/* Controls: the host may do all that was refused. */
	ret = check("host: fspick x",
		    fd_err(syscall(SYS_fspick, AT_FDCWD, NMA "/x", FSPICK_CLOEXEC)), 0);
	ret |= check("host: open_tree x OPEN_TREE_CLONE",
		     fd_err(syscall(SYS_open_tree, AT_FDCWD, NMA "/x",
				    OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC)), 0);
	ret |= check("host: mount_setattr x MOUNT_ATTR_RDONLY", set_ro(NMA "/x"), 0);
	ret |= expect_ro("host", NMA "/x", true);
	mnt = fsmount_tmpfs(0);
	ret |= check("host: fsmount + move_mount onto y", mnt < 0 ? mnt : attach(mnt, NMA "/y"),
		     0);
	if (mnt >= 0)
		close(mnt);
out_box:
	box_drop(&b);
out:
	umount_below(NMA);
	free(before);
	remove_tree(NMA);
	return ret;
}

/*
 * Moves: mount(2) MS_MOVE has only the source's string (unknown: a rule naming a
 * source never matches); move_mount(2) has the resolved source path, which it does.
 */
#define MV BASE "/mv"

static int child_move(void *arg)
{
	int ret = 0;

	(void)arg;
	ret |= check("mount(2) MS_MOVE a -> b", do_mount(MV "/a", MV "/b", NULL, MS_MOVE, NULL),
		     -EPERM);
	ret |= check("move_mount a -> c (no rule)",
		     as_err(syscall(SYS_move_mount, AT_FDCWD, MV "/a", AT_FDCWD, MV "/c", 0)),
		     -EPERM);
	ret |= check("move_mount a -> b (allow move a -> b)",
		     as_err(syscall(SYS_move_mount, AT_FDCWD, MV "/a", AT_FDCWD, MV "/b", 0)), 0);
	ret |= check("move_mount b -> a (no rule back)",
		     as_err(syscall(SYS_move_mount, AT_FDCWD, MV "/b", AT_FDCWD, MV "/a", 0)),
		     -EPERM);
	ret |= check("the moved mount's file at b", try_open(MV "/b/f", O_RDONLY), 0);
	return ret;
}

static int case_move(void *arg)
{
	static const struct cgf_rule_spec rules[] = {
		MNT(1, ALLOW, MOVE, NULL, MV "/a", MV "/b", 0, 0),
	};
	struct box b;
	int ret = -1;

	(void)arg;
	if (mkdir_p(MV "/a") || mkdir_p(MV "/b") || mkdir_p(MV "/c"))
		goto out;
	if (do_mount("tmpfs", MV "/a", "tmpfs", 0, NULL) || make_file(MV "/a/f", "f\n", 0644)) {
		tap_fail("host: mount a: %s", errname(-errno));
		goto out;
	}
	if (box_make_spec(&b, "box", "m-move", ENFORCE, ALLOW, rules, ARRAY_SIZE(rules)) ||
	    run_confined(&b, NULL, child_move, NULL))
		goto out_box;
	if (is_mounted(MV "/a") || !is_mounted(MV "/b") || is_mounted(MV "/c"))
		tap_fail("host: want the tmpfs at b only");
	else
		ret = 0;
out_box:
	box_drop(&b);
out:
	umount_below(MV);
	remove_tree(MV);
	return ret;
}

/*
 * move_mount(2) with MOVE_MOUNT_SET_GROUP moves nothing: the target joins the source's
 * peer group, a propagation change of both. A rule allowing moves does not allow it;
 * propagation rules on both mounts do. The source is a shared tmpfs, the target a
 * private bind of it (what the kernel requires); the host sees whether b became shared.
 */
#define SG BASE "/sg"
#ifndef MOVE_MOUNT_SET_GROUP
#define MOVE_MOUNT_SET_GROUP 0x00000100
#endif

static int set_group(void)
{
	return as_err(syscall(SYS_move_mount, AT_FDCWD, SG "/a", AT_FDCWD, SG "/b",
			      MOVE_MOUNT_SET_GROUP));
}

static int child_set_group(void *arg)
{
	return check("move_mount(MOVE_MOUNT_SET_GROUP) a -> b", set_group(), *(const int *)arg);
}

static bool is_shared(const char *point)
{
	char line[512];

	return !mountinfo_line(point, line, sizeof(line)) && strstr(line, " shared:");
}

static int set_group_round(const char *profile, const struct cgf_rule_spec *rules,
			   unsigned int n, int want)
{
	struct box b;
	int ret;

	if (mount(NULL, SG "/b", NULL, MS_PRIVATE, NULL))
		return tap_fail("host: make b private: %s", errname(-errno));
	ret = box_make_spec(&b, "box", profile, ENFORCE, ALLOW, rules, n);
	if (!ret)
		ret = run_confined(&b, NULL, child_set_group, &want);
	box_drop(&b);
	if (!ret && is_shared(SG "/b") != !want)
		ret = tap_fail("%s: host: b is %s after the call", profile,
			       is_shared(SG "/b") ? "shared" : "private");
	return ret;
}

static int case_set_group(void *arg)
{
	static const struct cgf_rule_spec move[] = {
		MNT(1, ALLOW, MOVE, NULL, NULL, "/**", 0, 0),
	};
	static const struct cgf_rule_spec target_only[] = {
		MNT(1, ALLOW, PROPAGATION, NULL, NULL, SG "/b", 0, 0),
	};
	static const struct cgf_rule_spec both[] = {
		MNT(1, ALLOW, PROPAGATION, NULL, NULL, SG "/b", 0, 0),
		MNT(2, ALLOW, PROPAGATION, NULL, NULL, SG "/a", 0, 0),
	};
	static const struct cgf_rule_spec log[] = { MNT(1, ALLOW, MOVE, NULL, NULL, "/**", 0, 0) };
	struct box b;
	int ret = -1, eperm = -EPERM;

	(void)arg;
	if (mkdir_p(SG "/a") || mkdir_p(SG "/b"))
		goto out;
	if (do_mount("tmpfs", SG "/a", "tmpfs", 0, NULL) ||
	    mount(NULL, SG "/a", NULL, MS_SHARED, NULL) ||
	    mount(SG "/a", SG "/b", NULL, MS_BIND, NULL)) {
		tap_fail("host: shared tmpfs at a, bound at b: %s", errname(-errno));
		goto out;
	}
	ret = set_group_round("m-sg-move", move, ARRAY_SIZE(move), -EPERM);
	ret |= set_group_round("m-sg-target", target_only, ARRAY_SIZE(target_only), -EPERM);
	/* Control: the kernel does it once propagation of both is allowed. */
	ret |= set_group_round("m-sg-both", both, ARRAY_SIZE(both), 0);
	if (ret)
		goto out;
	if (mount(NULL, SG "/b", NULL, MS_PRIVATE, NULL)) {
		ret = tap_fail("host: make b private: %s", errname(-errno));
		goto out;
	}
	ret = box_make_spec(&b, "box", "m-sg-log", ENFORCE, ALLOW, log, ARRAY_SIZE(log));
	if (!ret)
		ret = expect_klog(&b, NULL, child_set_group, &eperm, "denied op=set_group",
				  "m-sg-log", 0, SG "/b");
	box_drop(&b);
out:
	umount_below(SG);
	remove_tree(SG);
	return ret;
}

/*
 * Cases that once found module bugs: each states the documented behaviour, with the
 * evidence in its diagnostics should it break again.
 */

/*
 * Options are those of the mount an operation results in (policy/README.md). A bind
 * through mount(2) ignores MS_RDONLY (the kernel makes every new bind read-write), so a
 * bind allowed only with options=ro must either be refused or come out read-only.
 */
#define BRO BASE "/bro"

static int child_bind_ro(void *arg)
{
	unsigned long flags = 0;
	int ret = 0, err;

	(void)arg;
	ret |= check("bind src -> dst without MS_RDONLY (options=ro)",
		     do_mount(BRO "/src", BRO "/dst", NULL, MS_BIND, NULL), -EPERM);
	err = do_mount(BRO "/src", BRO "/dst", NULL, MS_BIND | MS_RDONLY, NULL);
	if (err)
		return ret | check("bind src -> dst with MS_RDONLY", err, -EPERM);
	ret |= check("statvfs dst", statvfs_flags(BRO "/dst", &flags), 0);
	if (!(flags & ST_RDONLY))
		ret |= tap_fail("MS_BIND | MS_RDONLY was allowed by options=ro and made a writable"
				" bind: creating dst/new gives %s",
				errname(try_open(BRO "/dst/new", O_CREAT | O_WRONLY)));
	return ret;
}

static int case_bind_options(void *arg)
{
	static const struct cgf_rule_spec rules[] = {
		MNT(1, ALLOW, BIND, NULL, NULL, BRO "/dst", CGFENCE_MOPT_RO, 0),
	};
	struct box b;
	int ret = -1;

	(void)arg;
	if (mkdir_p(BRO "/src") || mkdir_p(BRO "/dst"))
		goto out;
	if (box_make_spec(&b, "box", "m-bind-ro", ENFORCE, ALLOW, rules, ARRAY_SIZE(rules)))
		goto out_box;
	ret = run_confined(&b, NULL, child_bind_ro, NULL);
	if (access(BRO "/src/new", F_OK) == 0)
		ret = tap_fail("the container wrote %s through a bind allowed only read-only",
			       BRO "/src/new");
out_box:
	box_drop(&b);
out:
	umount_below(BRO);
	remove_tree(BRO);
	return ret;
}

/*
 * The same tmpfs, mounted through mount(2) or attached through fsmount + move_mount,
 * results in the same mount and must be judged alike: a deny rule with options= refuses
 * every mount that ends up with those options. Two atime modes are where the two paths
 * part: mount(2) without an atime flag gives relatime, fsmount with
 * MOUNT_ATTR_STRICTATIME gives strictatime.
 */
#define OJ BASE "/oj"

/* A mount that should not have been made: its line, as evidence. */
static int made_anyway(const char *point)
{
	char line[512];

	if (!mountinfo_line(point, line, sizeof(line)))
		tap_diag("the mount made: %s", line);
	return -1;
}

static int child_opts_alike(void *arg)
{
	int mnt, ret = 0, err;

	(void)arg;
	ret |= check("mount(2) tmpfs MS_STRICTATIME on s",
		     do_mount("tmpfs", OJ "/s", "tmpfs", MS_STRICTATIME, NULL), -EPERM);
	ret |= check("mount(2) tmpfs MS_RELATIME on r",
		     do_mount("tmpfs", OJ "/r", "tmpfs", MS_RELATIME, NULL), -EPERM);
	mnt = fsmount_tmpfs(0);
	ret |= check("fsmount tmpfs (relatime) + move_mount on r",
		     mnt < 0 ? mnt : attach(mnt, OJ "/r"), -EPERM);
	if (mnt >= 0)
		close(mnt);
	/* Controls: another atime mode passes both deny rules. */
	ret |= check("mount(2) tmpfs MS_NOATIME on s",
		     do_mount("tmpfs", OJ "/s", "tmpfs", MS_NOATIME, NULL), 0);
	mnt = fsmount_tmpfs(MOUNT_ATTR_NOATIME);
	ret |= check("fsmount tmpfs MOUNT_ATTR_NOATIME + move_mount on r",
		     mnt < 0 ? mnt : attach(mnt, OJ "/r"), 0);
	if (mnt >= 0)
		close(mnt);

	mnt = fsmount_tmpfs(MOUNT_ATTR_STRICTATIME);
	err = mnt < 0 ? mnt : attach(mnt, OJ "/s");
	if (mnt >= 0)
		close(mnt);
	if (check("fsmount tmpfs MOUNT_ATTR_STRICTATIME + move_mount on s", err, -EPERM))
		ret = err ? -1 : made_anyway(OJ "/s");
	err = do_mount("tmpfs", OJ "/r", "tmpfs", 0, NULL);
	if (check("mount(2) tmpfs without an atime flag (relatime) on r", err, -EPERM))
		ret = err ? -1 : made_anyway(OJ "/r");
	return ret;
}

static int case_options_alike(void *arg)
{
	static const struct cgf_rule_spec rules[] = {
		MNT(1, ALLOW, NEW, "tmpfs", NULL, OJ "/*", 0, 0),
		MNT(2, DENY, NEW, "tmpfs", NULL, OJ "/s", CGFENCE_MOPT_STRICTATIME, 0),
		MNT(3, DENY, NEW, "tmpfs", NULL, OJ "/r", CGFENCE_MOPT_RELATIME, 0),
	};
	struct box b;
	int ret = -1;

	(void)arg;
	if (mkdir_p(OJ "/s") || mkdir_p(OJ "/r"))
		goto out;
	if (box_make_spec(&b, "box", "m-opts-alike", ENFORCE, ALLOW, rules, ARRAY_SIZE(rules)))
		goto out_box;
	ret = run_confined(&b, NULL, child_opts_alike, NULL);
out_box:
	box_drop(&b);
out:
	umount_below(OJ);
	remove_tree(OJ);
	return ret;
}

/*
 * move_mount(2) is "a move when the source is in the namespace" (docs/semantics.md).
 * A container made with chroot rather than pivot_root shares its namespace with mounts
 * its root does not reach: a descriptor of one, leaked into it, is "unreachable:".
 * Moving that mount into the container is a move, which no rule here allows; it must
 * not pass as a new mount of its type.
 */
#define CHL BASE "/chl"

struct leak_arg {
	int fd;		/* O_PATH descriptor of the leaked mount */
};

static int pre_chroot_leak(void *arg)
{
	struct leak_arg *l = arg;

	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return tap_fail("private mount namespace: %s", errname(-errno));
	if (mount("tmpfs", CHL "/leak", "tmpfs", 0, NULL) ||
	    make_file(CHL "/leak/secret", "host\n", 0644))
		return tap_fail("mount the leaked tmpfs: %s", errname(-errno));
	l->fd = open(CHL "/leak", O_PATH | O_DIRECTORY);
	if (l->fd < 0)
		return tap_fail("open %s: %s", CHL "/leak", errname(-errno));
	if (mount("tmpfs", CHL "/root", "tmpfs", 0, "mode=0755") || mkdir_p(CHL "/root/mnt") ||
	    mkdir_p(CHL "/root/mnt2"))
		return tap_fail("build the container root: %s", errname(-errno));
	if (chdir(CHL "/root") || mount(".", "/", NULL, MS_MOVE, NULL) || chroot(".") ||
	    chdir("/"))
		return tap_fail("move the container root onto / and chroot: %s", errname(-errno));
	return 0;
}

static int child_chroot_leak(void *arg)
{
	const struct leak_arg *l = arg;
	int mnt, ret = 0, err;

	ret |= check("openat(leaked mount, \"secret\") (unreachable:)",
		     fd_err(openat(l->fd, "secret", O_RDONLY | O_CLOEXEC)), -EACCES);
	/* Control: a genuinely new tmpfs may be attached where the rule says. */
	mnt = fsmount_tmpfs(0);
	ret |= check("fsmount tmpfs + move_mount onto /mnt2", mnt < 0 ? mnt : attach(mnt, "/mnt2"),
		     0);
	if (mnt >= 0)
		close(mnt);
	err = attach(l->fd, "/mnt");
	if (check("move_mount of the leaked mount (in the namespace) onto /mnt", err, -EPERM)) {
		ret = -1;
		if (!err)
			tap_diag("open /mnt/secret, the host's file, now reachable: %s",
				 errname(try_open("/mnt/secret", O_RDONLY)));
	}
	return ret;
}

static int case_chroot_leak(void *arg)
{
	static const struct cgf_rule_spec rules[] = {
		MNT(1, ALLOW, NEW, "tmpfs", NULL, "/mnt*", 0, 0),
	};
	struct leak_arg l = { -1 };
	struct box b;
	int ret = -1;

	(void)arg;
	if (mkdir_p(CHL "/leak") || mkdir_p(CHL "/root"))
		goto out;
	if (box_make_spec(&b, "box", "m-chroot-leak", ENFORCE, ALLOW, rules, ARRAY_SIZE(rules)))
		goto out_box;
	ret = run_confined(&b, pre_chroot_leak, child_chroot_leak, &l);
out_box:
	box_drop(&b);
out:
	remove_tree(CHL);
	return ret;
}

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

int main(int argc, char **argv)
{
	tap_init(argc, argv);
	tap_plan(15);
	umount_below(BASE);
	remove_tree(BASE);
	mkdir_p(BASE);
	tap_case("insmod cgfence.ko", case_load, NULL);
	/* The cases that read the kernel log first: later ones flood its rate limit. */
	tap_case("kernel log: complain mode lets mount, umount, fspick through as would-deny;"
		 " enforce: denied, with the id of the deny rule that won", case_reports, NULL);
	tap_case("new mounts of proc, sysfs, tmpfs, cgroup2: EPERM without a rule; each allowed"
		 " by its type and target only; deny beats allow; host sees exactly those",
		 case_new_mounts, NULL);
	tap_case("bind: EPERM by default; allowed by a rule without source; a named source"
		 " never matches mount(2); a deny naming a source applies",
		 case_bind, NULL);
	tap_case("tmpfs with options=nosuid,nodev: EPERM without either; allowed with both;"
		 " size= kept", case_options, NULL);
	tap_case("remount ro -> rw: EPERM without a rule, with options=ro, with deny forbid=ro;"
		 " allowed by a rule; fspick EPERM even then", case_remount, NULL);
	tap_case("umount of a masked path: EPERM (file stays hidden) unless allow umount;"
		 " propagation needs its rule", case_umount, NULL);
	tap_case("pivot_root: EPERM with no rule or another target; allowed by pivot_root"
		 " /newroot", case_pivot_root, NULL);
	tap_case("new mount API: detached tree unreachable (EACCES); move_mount judged as a new"
		 " mount with its options; fspick, open_tree clone, mount_setattr EPERM",
		 case_new_api, NULL);
	tap_case("move: mount(2) MS_MOVE EPERM (source unknown); move_mount matches a rule"
		 " naming the source", case_move, NULL);
	tap_case("move_mount MOVE_MOUNT_SET_GROUP: EPERM under 'allow move' and with propagation"
		 " of the target only; allowed with propagation of both; logged op=set_group",
		 case_set_group, NULL);
	/*
	 * Options are those of the resulting mount (a bind's are its source's, unknown), the
	 * same through mount(2) and fsmount, and "unreachable" is not "detached".
	 */
	tap_case("a bind allowed only with options=ro is refused or read-only (MS_RDONLY is"
		 " ignored by a bind)", case_bind_options, NULL);
	tap_case("deny options=strictatime / relatime refuse the same mount through mount(2)"
		 " and fsmount + move_mount", case_options_alike, NULL);
	tap_case("chroot container: move_mount of a leaked mount of its own namespace is a move"
		 " (EPERM), not a new tmpfs", case_chroot_leak, NULL);
	tap_case("rmmod cgfence", case_unload, NULL);
	umount_below(BASE);
	remove_tree(BASE);
	return tap_done();
}
