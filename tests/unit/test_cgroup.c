// SPDX-License-Identifier: GPL-2.0
/* Unit tests of cgroup naming: mountinfo and /proc/PID/cgroup parsing, directories to ids. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "cgroup.h"
#include "tap.h"

#define CGROUP2_MAGIC	0x63677270

/* Short, so the paths built from it fit any buffer here. */
static char tmp[256];

/* Debian 12 with systemd: only the unified hierarchy. */
static const char mountinfo_v2[] =
	"22 28 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw\n"
	"25 28 0:23 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot\n"
	"28 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw,errors=remount-ro\n";

/* A hybrid host: v1 controllers, cgroup2 under "unified", no optional fields. */
static const char mountinfo_hybrid[] =
	"31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
	"32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
	"41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw";

/* A bind mount of a subtree comes first; the hierarchy's root is mounted at a path with a space. */
static const char mountinfo_bind[] =
	"50 28 0:23 /kubepods /var/lib/kube\\040pods rw shared:9 master:2 - cgroup2 cgroup2 rw\n"
	"51 28 0:23 / /run/cg\\0402 rw shared:9 - cgroup2 cgroup2 rw\n";

static void test_mountinfo(void)
{
	char buf[PATH_MAX], small[8], *first_line;

	tap_is_int(cgf_cgroup2_mount_parse(mountinfo_v2, buf, sizeof(buf)), 0,
		   "mountinfo: unified hierarchy found");
	tap_is_str(buf, "/sys/fs/cgroup", "mountinfo: at /sys/fs/cgroup");
	tap_is_int(cgf_cgroup2_mount_parse(mountinfo_hybrid, buf, sizeof(buf)), 0,
		   "mountinfo: hybrid host, last line without a newline");
	tap_is_str(buf, "/sys/fs/cgroup/unified", "mountinfo: cgroup2 at .../unified, not v1");
	tap_is_int(cgf_cgroup2_mount_parse(mountinfo_bind, buf, sizeof(buf)), 0,
		   "mountinfo: bind mount of a subtree and the root");
	tap_is_str(buf, "/run/cg 2", "mountinfo: the root mount wins, \\040 is a space");
	tap_is_int(cgf_cgroup2_mount_parse(mountinfo_bind, small, sizeof(small)), -ENAMETOOLONG,
		   "mountinfo: a mount point longer than the buffer");
	first_line = strndup(mountinfo_bind, strchr(mountinfo_bind, '\n') - mountinfo_bind);
	tap_is_int(cgf_cgroup2_mount_parse(first_line, buf, sizeof(buf)), 0,
		   "mountinfo: only a subtree mount: better than none");
	tap_is_str(buf, "/var/lib/kube pods", "mountinfo: the subtree mount");
	free(first_line);
	tap_is_int(cgf_cgroup2_mount_parse("32 31 0:29 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw\n",
					   buf, sizeof(buf)), -ENOENT,
		   "mountinfo: cgroup v1 only");
	tap_is_int(cgf_cgroup2_mount_parse("", buf, sizeof(buf)), -ENOENT, "mountinfo: empty");
	tap_is_int(cgf_cgroup2_mount_parse("garbage\n1 2\n", buf, sizeof(buf)), -ENOENT,
		   "mountinfo: malformed lines are skipped");
}

static void test_proc_cgroup(void)
{
	char buf[PATH_MAX], small[4];

	tap_is_int(cgf_proc_cgroup_parse("0::/web\n", buf, sizeof(buf)), 0,
		   "proc cgroup: unified only");
	tap_is_str(buf, "/web", "proc cgroup: path /web");
	tap_is_int(cgf_proc_cgroup_parse("0::/\n", buf, sizeof(buf)), 0, "proc cgroup: the root");
	tap_is_str(buf, "/", "proc cgroup: path /");
	tap_is_int(cgf_proc_cgroup_parse("12:pids:/system.slice\n1:name=systemd:/x\n0::/system.slice/a b.scope",
					 buf, sizeof(buf)), 0,
		   "proc cgroup: hybrid, v1 lines skipped, no final newline");
	tap_is_str(buf, "/system.slice/a b.scope", "proc cgroup: path with a space");
	tap_is_int(cgf_proc_cgroup_parse("0::/web (deleted)\n", buf, sizeof(buf)), -ESTALE,
		   "proc cgroup: a removed cgroup");
	tap_is_int(cgf_proc_cgroup_parse("4:memory:/x\n", buf, sizeof(buf)), -ENOENT,
		   "proc cgroup: no 0:: line");
	tap_is_int(cgf_proc_cgroup_parse("0::web\n", buf, sizeof(buf)), -EBADMSG,
		   "proc cgroup: a relative path is malformed");
	tap_is_int(cgf_proc_cgroup_parse("0::\n", buf, sizeof(buf)), -EBADMSG,
		   "proc cgroup: an empty path is malformed");
	tap_is_int(cgf_proc_cgroup_parse("0::/longer\n", small, sizeof(small)), -ENAMETOOLONG,
		   "proc cgroup: a path longer than the buffer");
}

static void open_dir_is(const char *dir, int want_rc, const char *want_err, const char *name)
{
	char err[CGF_CGROUP_ERR_MAX] = "";
	struct cgf_cgroup cg;

	tap_is_int(cgf_cgroup_open_dir(dir, &cg, err, sizeof(err)), want_rc, "%s: errno", name);
	tap_is_str(err, want_err, "%s: message", name);
}

static void test_not_cgroup2(void)
{
	char dir[PATH_MAX], file[PATH_MAX], want[CGF_CGROUP_ERR_MAX], mount[PATH_MAX];
	char err[CGF_CGROUP_ERR_MAX], fake_proc[PATH_MAX / 2], pid_dir[PATH_MAX / 2 + 64];
	struct cgf_cgroup cg;
	struct statfs sfs;
	int fd;

	snprintf(dir, sizeof(dir), "%s/dir", tmp);
	snprintf(file, sizeof(file), "%s/file", tmp);
	mkdir(dir, 0700);
	fd = open(file, O_CREAT | O_WRONLY, 0600);
	if (fd >= 0)
		close(fd);
	statfs(tmp, &sfs);

	snprintf(want, sizeof(want),
		 "%s: not a cgroup v2 directory (filesystem type 0x%lx, not cgroup2)", dir,
		 (unsigned long)sfs.f_type);
	open_dir_is(dir, -EMEDIUMTYPE, want, "directory not on cgroup2");
	snprintf(want, sizeof(want), "%s: not a directory, so not a cgroup", file);
	open_dir_is(file, -ENOTDIR, want, "a regular file");
	snprintf(want, sizeof(want), "%s/none: no such cgroup (the directory does not exist)", tmp);
	snprintf(file, sizeof(file), "%s/none", tmp);
	open_dir_is(file, -ENOENT, want, "a missing directory");

	/* Relative to a "mount" that is the temporary directory. */
	tap_is_int(cgf_cgroup_resolve_path(tmp, "dir", &cg, err, sizeof(err)), -EMEDIUMTYPE,
		   "resolve: 'dir' is relative to the mount");
	snprintf(want, sizeof(want), "%s/dir: not a cgroup v2 directory", tmp);
	tap_ok(!strncmp(err, want, strlen(want)), "resolve: 'dir' names %s/dir", tmp);
	tap_is_int(cgf_cgroup_resolve_path(tmp, "/no-such-top-dir-cgf/x", &cg, err, sizeof(err)),
		   -ENOENT, "resolve: '/no-such-top-dir-cgf/x' does not exist at /");
	snprintf(want, sizeof(want), "%s/no-such-top-dir-cgf/x: no such cgroup", tmp);
	tap_ok(!strncmp(err, want, strlen(want)), "resolve: ... so it is relative to the mount");
	tap_is_int(cgf_cgroup_resolve_path(tmp, dir, &cg, err, sizeof(err)), -EMEDIUMTYPE,
		   "resolve: an absolute path under the mount is taken as is");
	snprintf(want, sizeof(want), "%s: not a cgroup v2", dir);
	tap_ok(!strncmp(err, want, strlen(want)), "resolve: ... and named as given");
	tap_is_int(cgf_cgroup_resolve_path("/sys/fs/cgroup-none", tmp, &cg, err, sizeof(err)),
		   -EMEDIUMTYPE, "resolve: an existing absolute path elsewhere is taken as is");
	tap_is_int(cgf_cgroup_resolve_path(tmp, "", &cg, err, sizeof(err)), -EINVAL,
		   "resolve: an empty path");
	tap_is_int(cgf_cgroup_resolve_path(tmp, "//", &cg, err, sizeof(err)), -EMEDIUMTYPE,
		   "resolve: '//' is the mount's root, not the root directory");
	snprintf(want, sizeof(want), "%s: not a cgroup v2", tmp);
	tap_ok(!strncmp(err, want, strlen(want)), "resolve: ... named %s", tmp);

	/* A /proc of our own making: the pid's cgroup path is joined to the mount. */
	snprintf(fake_proc, sizeof(fake_proc), "%s/proc", tmp);
	snprintf(pid_dir, sizeof(pid_dir), "%s/4242", fake_proc);
	mkdir(fake_proc, 0700);
	mkdir(pid_dir, 0700);
	snprintf(file, sizeof(file), "%s/cgroup", pid_dir);
	fd = open(file, O_CREAT | O_WRONLY | O_TRUNC, 0600);
	if (fd >= 0) {
		dprintf(fd, "1:name=systemd:/\n0::/dir\n");
		close(fd);
	}
	tap_is_int(cgf_cgroup_resolve_pid(tmp, fake_proc, 4242, &cg, err, sizeof(err)),
		   -EMEDIUMTYPE, "pid: 0::/dir resolves to MOUNT/dir");
	snprintf(want, sizeof(want), "%s/dir: not a cgroup v2", tmp);
	tap_ok(!strncmp(err, want, strlen(want)), "pid: the message names MOUNT/dir");
	tap_is_int(cgf_cgroup_resolve_pid(tmp, fake_proc, 4343, &cg, err, sizeof(err)), -ESRCH,
		   "pid: no such process");
	tap_is_str(err, "no process with pid 4343", "pid: no such process, message");

	fd = open(file, O_WRONLY | O_TRUNC);
	if (fd >= 0) {
		dprintf(fd, "0::/../../escape\n");
		close(fd);
	}
	tap_is_int(cgf_cgroup_resolve_pid(tmp, fake_proc, 4242, &cg, err, sizeof(err)), -EXDEV,
		   "pid: a process outside our cgroup namespace");
	fd = open(file, O_WRONLY | O_TRUNC);
	if (fd >= 0) {
		dprintf(fd, "0::/dir (deleted)\n");
		close(fd);
	}
	tap_is_int(cgf_cgroup_resolve_pid(tmp, fake_proc, 4242, &cg, err, sizeof(err)), -ESTALE,
		   "pid: a removed cgroup");
	tap_is_str(err, "the cgroup of process 4242 has been removed", "pid: removed, message");
	fd = open(file, O_WRONLY | O_TRUNC);
	if (fd >= 0) {
		dprintf(fd, "5:cpu:/\n");
		close(fd);
	}
	tap_is_int(cgf_cgroup_resolve_pid(tmp, fake_proc, 4242, &cg, err, sizeof(err)), -ENOENT,
		   "pid: a process in no cgroup v2");

	cgf_cgroup2_mount(mount, sizeof(mount));
	tap_ok(mount[0] == '/', "mount: this process sees cgroup2 at %s", mount);
}

/* Against the real hierarchy, when this machine has one. */
static void test_real_cgroup2(void)
{
	char mount[PATH_MAX], err[CGF_CGROUP_ERR_MAX], own[PATH_MAX], *text;
	struct cgf_cgroup cg, root;
	struct statfs sfs;
	struct stat st;
	size_t n;
	FILE *f;

	cgf_cgroup2_mount(mount, sizeof(mount));
	if (statfs(mount, &sfs) || sfs.f_type != CGROUP2_MAGIC) {
		tap_skip("no cgroup2 mounted here", "real: cgroup2 ids");
		return;
	}
	tap_is_int(cgf_cgroup_resolve_path(mount, "/", &root, err, sizeof(err)), 0,
		   "real: '/' is the root of %s", mount);
	stat(mount, &st);
	tap_ok(root.id == st.st_ino, "real: its id is the inode number %llu",
	       (unsigned long long)root.id);

	text = calloc(1, 65536);
	f = fopen("/proc/self/cgroup", "r");
	n = f ? fread(text, 1, 65535, f) : 0;
	if (f)
		fclose(f);
	text[n] = '\0';
	if (cgf_proc_cgroup_parse(text, own, sizeof(own))) {
		tap_skip("this process is in no cgroup v2", "real: our own cgroup");
		free(text);
		return;
	}
	free(text);
	tap_is_int(cgf_cgroup_resolve_pid(mount, "/proc", getpid(), &cg, err, sizeof(err)), 0,
		   "real: --pid of this process resolves (%s)", own);
	tap_is_int(cgf_cgroup_holds_pid(mount, "/proc", getpid(), &cg), 1,
		   "real: our own cgroup holds us");
	tap_is_int(cgf_cgroup_holds_pid(mount, "/proc", getpid(), &root), 1,
		   "real: so does the root cgroup");
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

int main(void)
{
	/* The count of results this program prints; tap_done() checks it. */
	tap_plan(53);
	snprintf(tmp, sizeof(tmp), "%s/cgf-test-XXXXXX", getenv("TMPDIR") ?: "/tmp");
	if (!mkdtemp(tmp)) {
		perror("mkdtemp");
		return 1;
	}
	test_mountinfo();
	test_proc_cgroup();
	test_not_cgroup2();
	test_real_cgroup2();
	nftw(tmp, remove_one, 8, FTW_DEPTH | FTW_PHYS);
	return tap_done();
}
