// SPDX-License-Identifier: GPL-2.0
/* e2e: metadata is an attribute: xattrs, ACLs, file capabilities and timestamps need 's'. */

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "e2e.h"
#include "tap.h"

#define BASE		"/tmp/t_metadata"
#define LOCKED		BASE "/locked"		/* deny s */
#define LOCKED_FILE	LOCKED "/file"
#define OPEN		BASE "/open"		/* no rule */
#define OPEN_FILE	OPEN "/file"
#define ALIAS		BASE "/alias"		/* LOCKED bind-mounted here, in the child only */

#define ALLOW		CGFENCE_EFFECT_ALLOW
#define DENY		CGFENCE_EFFECT_DENY
#define ENFORCE		CGFENCE_MODE_ENFORCE

static const struct cgf_file_rule deny_s[] = {
	{ 1, DENY, CGFENCE_FILE_SETATTR, LOCKED "/**" },
};

/* tmpfs on 6.1 keeps trusted.* and security.* xattrs and POSIX ACLs, not user.*. */
#define XATTR		"trusted.cgf"

/*
 * A POSIX access ACL as the kernel reads it (posix_acl_xattr_header and entries): owner
 * rw-, group rwx, other rwx, which also sets the file's mode to 0677.
 */
static const unsigned char acl_0677[] = {
	2, 0, 0, 0,				/* a_version */
	0x01, 0, 6, 0, 0xff, 0xff, 0xff, 0xff,	/* ACL_USER_OBJ rw- */
	0x04, 0, 7, 0, 0xff, 0xff, 0xff, 0xff,	/* ACL_GROUP_OBJ rwx */
	0x20, 0, 7, 0, 0xff, 0xff, 0xff, 0xff,	/* ACL_OTHER rwx */
};

/* VFS_CAP_REVISION_2, CAP_SYS_ADMIN permitted and effective: a file capability. */
static const unsigned char fcaps_sys_admin[] = {
	0x01, 0x00, 0x00, 0x02,			/* magic_etc: revision 2, effective */
	0x00, 0x00, 0x20, 0x00, 0, 0, 0, 0,	/* permitted, inheritable (low) */
	0, 0, 0, 0, 0, 0, 0, 0,			/* permitted, inheritable (high) */
};

/* Host side, before each case: both files 0600 with one xattr and a known mtime. */
static int files_make(void)
{
	static const char *const files[] = { LOCKED_FILE, OPEN_FILE };
	struct timespec t[2] = { { 1000, 0 }, { 1000, 0 } };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(files); i++) {
		if (make_file(files[i], "data\n", 0600))
			return -1;
		if (chmod(files[i], 0600) || setxattr(files[i], XATTR, "host", 4, 0) ||
		    utimensat(AT_FDCWD, files[i], t, 0))
			return tap_fail("prepare %s: %s", files[i], errname(-errno));
	}
	return 0;
}

/* Host side, after: @path is as files_make() left it (0600, xattr "host", mtime 1000). */
static int file_untouched(const char *path)
{
	char value[16] = "";
	struct stat st;
	ssize_t n;

	if (stat(path, &st))
		return tap_fail("stat %s: %s", path, errname(-errno));
	if ((st.st_mode & 07777) != 0600)
		return tap_fail("%s: mode is now %04o", path, st.st_mode & 07777);
	if (st.st_mtim.tv_sec != 1000 || st.st_atim.tv_sec != 1000)
		return tap_fail("%s: times changed (mtime %lld)", path, (long long)st.st_mtim.tv_sec);
	n = getxattr(path, XATTR, value, sizeof(value) - 1);
	if (n != 4 || memcmp(value, "host", 4))
		return tap_fail("%s: " XATTR " is no longer \"host\"", path);
	if (getxattr(path, "security.capability", NULL, 0) >= 0 || errno != ENODATA)
		return tap_fail("%s: has a file capability", path);
	return 0;
}

/* Every extended attribute call on @path: each @want (0 or -EACCES). */
static int xattr_calls(const char *path, int want)
{
	int fd, ret = 0;

	ret |= expect_err("setxattr " XATTR, as_err(setxattr(path, XATTR, "box", 3, 0)), want);
	ret |= expect_err("lsetxattr " XATTR, as_err(lsetxattr(path, XATTR, "box", 3, 0)), want);
	ret |= expect_err("setxattr system.posix_acl_access (mode 0677)",
			  as_err(setxattr(path, "system.posix_acl_access", acl_0677,
					  sizeof(acl_0677), 0)), want);
	ret |= expect_err("setxattr security.capability (CAP_SYS_ADMIN)",
			  as_err(setxattr(path, "security.capability", fcaps_sys_admin,
					  sizeof(fcaps_sys_admin), 0)), want);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return tap_fail("open %s: %s", path, errname(-errno));
	ret |= expect_err("fsetxattr " XATTR, as_err(fsetxattr(fd, XATTR, "fd", 2, 0)), want);
	ret |= expect_err("fremovexattr " XATTR, as_err(fremovexattr(fd, XATTR)), want);
	close(fd);
	ret |= expect_err("removexattr " XATTR, as_err(removexattr(path, XATTR)),
			  want ? want : -ENODATA);
	return ret;
}

/* Every way to set a file's times: each @want. */
static int time_calls(const char *path, int want)
{
	struct timespec t[2] = { { 2000, 0 }, { 2000, 0 } };
	int fd, ret = 0;

	ret |= expect_err("utimensat (given times)", as_err(utimensat(AT_FDCWD, path, t, 0)), want);
	ret |= expect_err("utimensat (now)", as_err(utimensat(AT_FDCWD, path, NULL, 0)), want);
	ret |= expect_err("utimes", as_err(utimes(path, NULL)), want);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return tap_fail("open %s: %s", path, errname(-errno));
	ret |= expect_err("futimens", as_err(futimens(fd, t)), want);
	close(fd);
	return ret;
}

static int metadata_calls(const char *path, int want)
{
	return xattr_calls(path, want) | time_calls(path, want);
}

static int child_locked(void *arg)
{
	(void)arg;
	return metadata_calls(LOCKED_FILE, -EACCES);
}

static int child_open(void *arg)
{
	(void)arg;
	return metadata_calls(OPEN_FILE, 0);
}

static int case_metadata(void *arg)
{
	struct box b;
	int ret = -1;

	(void)arg;
	if (files_make() || box_make(&b, "box", "md", ENFORCE, ALLOW, deny_s, 1))
		goto out;
	if (run_confined(&b, NULL, child_locked, NULL) || file_untouched(LOCKED_FILE))
		goto out;
	/* Control: the same calls on a file no rule names all work. */
	if (run_confined(&b, NULL, child_open, NULL))
		goto out;
	ret = 0;
out:
	box_drop(&b);
	return ret;
}

/*
 * The xattr hooks see the file, not the name the task used: a file the container sees
 * under two names (here a bind mount of LOCKED at ALIAS, made in its own mount
 * namespace) is judged under both, so the alias is no way around the rule on the first.
 * Times, like chmod, are judged by the name used: the alias's own rules (none here).
 */
static int pre_alias(void *arg)
{
	(void)arg;
	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return tap_fail("private mount namespace: %s", errname(-errno));
	if (mount(LOCKED, ALIAS, NULL, MS_BIND, NULL))
		return tap_fail("bind %s on %s: %s", LOCKED, ALIAS, errname(-errno));
	return 0;
}

static int child_alias(void *arg)
{
	(void)arg;
	return xattr_calls(ALIAS "/file", -EACCES) | time_calls(ALIAS "/file", 0);
}

static int case_alias(void *arg)
{
	struct box b;
	int ret = -1;

	(void)arg;
	if (files_make() || mkdir_p(ALIAS) || box_make(&b, "box", "md-alias", ENFORCE, ALLOW,
							 deny_s, 1))
		goto out;
	if (run_confined(&b, pre_alias, child_alias, NULL))
		goto out;
	/* Only the times changed, by the name whose rules allow it. */
	if (utimensat(AT_FDCWD, LOCKED_FILE, (struct timespec[2]){ { 1000, 0 }, { 1000, 0 } }, 0) ||
	    file_untouched(LOCKED_FILE))
		goto out;
	ret = 0;
out:
	box_drop(&b);
	return ret;
}

/* The record names the file as the container sees it, with the operation. */
static int child_one_setxattr(void *arg)
{
	(void)arg;
	return expect_err("setxattr", as_err(setxattr(LOCKED_FILE, XATTR, "x", 1, 0)), -EACCES);
}

static int case_record(void *arg)
{
	struct box b;
	int ret = -1;

	(void)arg;
	if (files_make() || box_make(&b, "box", "md-rec", ENFORCE, ALLOW, deny_s, 1))
		goto out;
	ret = expect_klog(&b, NULL, child_one_setxattr, NULL, "denied op=setxattr", "md-rec", 1,
			  LOCKED_FILE);
out:
	box_drop(&b);
	return ret;
}

int main(int argc, char **argv)
{
	tap_init(argc, argv);
	tap_plan(5);
	umount_below(BASE);
	remove_tree(BASE);
	/* Without them every case fails, each saying which file it could not make. */
	if (mkdir_p(LOCKED) || mkdir_p(OPEN))
		tap_diag("cannot make the directories under " BASE);
	tap_case("insmod cgfence.ko", case_cgfence_insmod, NULL);
	tap_case("deny s: setxattr, lsetxattr, fsetxattr, an ACL, a file capability,"
		 " removexattr, utimensat (given and now), futimens all EACCES, file unchanged;"
		 " the same on a file no rule names all work", case_metadata, NULL);
	tap_case("the same file under a second name (a bind mount in the container's"
		 " namespace): every xattr call is refused too; times follow the name used",
		 case_alias, NULL);
	tap_case("a refused setxattr is recorded as op=setxattr with the file's path",
		 case_record, NULL);
	tap_case("rmmod cgfence", case_cgfence_rmmod, NULL);
	umount_below(BASE);
	remove_tree(BASE);
	return tap_done();
}
