// SPDX-License-Identifier: GPL-2.0
/* e2e: file rules after the open: overlay roots, received descriptors, append-only descriptors. */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <linux/falloc.h>

#include "e2e.h"
#include "tap.h"

#define BASE		"/tmp/t_after_open"
#define OVL		BASE "/ovl"
#define MERGED		OVL "/merged"

#define ALLOW		CGFENCE_EFFECT_ALLOW
#define DENY		CGFENCE_EFFECT_DENY
#define ENFORCE		CGFENCE_MODE_ENFORCE

static int read_all(const char *path, char *buf, size_t size)
{
	int err = read_file(path, buf, size);

	return err ? tap_fail("read %s: %s", path, errname(err)) : 0;
}

/*
 * The Docker/podman layout: two read-only lower layers (the image), an upper and a work
 * directory, mounted by the host before the container starts.
 */
static int overlay_make(void)
{
	umount_below(OVL);
	remove_tree(OVL);
	if (mkdir_p(OVL "/l1/etc") || mkdir_p(OVL "/l1/data") || mkdir_p(OVL "/l1/usr/bin") ||
	    mkdir_p(OVL "/l2/etc") || mkdir_p(OVL "/l2/data") || mkdir_p(OVL "/up") ||
	    mkdir_p(OVL "/wk") || mkdir_p(MERGED))
		return -1;
	if (make_file(OVL "/l1/etc/os", "one\n", 0644) ||
	    make_file(OVL "/l2/etc/os", "two\n", 0644) ||
	    make_file(OVL "/l1/etc/hostname", "box\n", 0644) ||
	    make_file(OVL "/l1/data/keep", "image\n", 0644) ||
	    make_file(OVL "/l2/data/gone", "image\n", 0644) ||
	    make_file(OVL "/l1/usr/bin/tool", "#!/bin/sh\n", 0755))
		return -1;
	if (mount("overlay", MERGED, "overlay", 0,
		  "lowerdir=" OVL "/l2:" OVL "/l1,upperdir=" OVL "/up,workdir=" OVL "/wk"))
		return tap_fail("mount overlay on %s: %s", MERGED, errname(-errno));
	return 0;
}

/*
 * Still outside the container: the overlay becomes "/" of a new mount namespace (moved
 * over the root and chrooted into, as runtimes do where the root is the initramfs and
 * pivot_root cannot be used).
 */
static int pre_overlay_root(void *arg)
{
	(void)arg;
	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return tap_fail("private mount namespace: %s", errname(-errno));
	if (chdir(MERGED) || mount(".", "/", NULL, MS_MOVE, NULL) || chroot(".") || chdir("/"))
		return tap_fail("move the overlay onto / and chroot: %s", errname(-errno));
	return 0;
}

struct overlay_arg {
	bool usr_writable;	/* the profile lets the container write /usr */
};

static int listing_has(const char *dir, const char *const *names, unsigned int n)
{
	unsigned int found = 0, i;
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d)
		return tap_fail("opendir %s: %s", dir, errname(-errno));
	while ((de = readdir(d)))
		for (i = 0; i < n; i++)
			if (!strcmp(de->d_name, names[i]))
				found |= 1U << i;
	closedir(d);
	for (i = 0; i < n; i++)
		if (!(found & (1U << i)))
			return tap_fail("ls %s: no %s (merged from the layers)", dir, names[i]);
	return 0;
}

/* What any program in a container does first: list, read, write files of the image. */
static int child_overlay(void *arg)
{
	static const char *const etc[] = { "os", "hostname" };
	static const char *const data[] = { "keep", "gone" };
	const struct overlay_arg *a = arg;
	char buf[64];
	int fd;

	if (listing_has("/etc", etc, 2) || listing_has("/data", data, 2))
		return -1;
	if (read_all("/etc/os", buf, sizeof(buf)))
		return -1;
	if (strcmp(buf, "two"))
		return tap_fail("/etc/os reads \"%s\", not the upper lower layer's \"two\"", buf);
	/* Copy-up: a file of the image opened for writing. */
	if (expect_err("write /data/keep (copy-up)", write_file("/data/keep", "changed\n"), 0))
		return -1;
	if (read_all("/data/keep", buf, sizeof(buf)) || strcmp(buf, "changed"))
		return tap_fail("/data/keep reads \"%s\" after the copy-up", buf);
	fd = open("/data/new", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return tap_fail("create /data/new: %s", errname(-errno));
	close(fd);
	if (expect_err("rename /etc/os /etc/os2", as_err(rename("/etc/os", "/etc/os2")), 0) ||
	    expect_err("unlink /data/gone (whiteout)", as_err(unlink("/data/gone")), 0) ||
	    expect_err("mkdir /newdir", as_err(mkdir("/newdir", 0755)), 0))
		return -1;
	if (access("/data/gone", F_OK) == 0 || errno != ENOENT)
		return tap_fail("/data/gone is still there after unlink");
	/*
	 * Metadata of image files: overlayfs copies the file up and sets its times and
	 * xattrs on the upper layer itself, which is not judged again.
	 */
	if (expect_err("touch /etc/hostname (copy-up)",
		       as_err(utimensat(AT_FDCWD, "/etc/hostname", NULL, 0)), 0) ||
	    expect_err("setxattr trusted.cgf on /data/keep",
		       as_err(setxattr("/data/keep", "trusted.cgf", "1", 1, 0)), 0))
		return -1;
	/* Rules name the paths the container sees: the overlay's own names. */
	if (expect_err("setxattr trusted.cgf on /usr/bin/tool",
		       as_err(setxattr("/usr/bin/tool", "trusted.cgf", "1", 1, 0)),
		       a->usr_writable ? 0 : -EACCES))
		return -1;
	return expect_err("write /usr/bin/tool",
			  write_file("/usr/bin/tool", "#!/bin/sh\nexit 0\n"),
			  a->usr_writable ? 0 : -EACCES);
}

static int host_layers_as_expected(bool usr_writable)
{
	char buf[64];
	struct stat st;

	if (read_all(OVL "/up/data/keep", buf, sizeof(buf)) || strcmp(buf, "changed"))
		return tap_fail("upper data/keep: \"%s\", not the copied-up write", buf);
	if (read_all(OVL "/l1/data/keep", buf, sizeof(buf)) || strcmp(buf, "image"))
		return tap_fail("lower data/keep changed: \"%s\"", buf);
	if (stat(OVL "/up/data/gone", &st) || !S_ISCHR(st.st_mode) || st.st_rdev != makedev(0, 0))
		return tap_fail("upper data/gone is not a whiteout");
	if (read_all(OVL "/up/etc/os2", buf, sizeof(buf)) || strcmp(buf, "two"))
		return tap_fail("upper etc/os2 is not the renamed file");
	if (read_all(OVL "/l1/usr/bin/tool", buf, sizeof(buf)) || strcmp(buf, "#!/bin/sh"))
		return tap_fail("the lower layer's usr/bin/tool changed");
	if (!usr_writable && stat(OVL "/up/usr/bin/tool", &st) == 0)
		return tap_fail("the refused write still copied usr/bin/tool up");
	if (stat(OVL "/up/etc/hostname", &st))
		return tap_fail("touch did not copy etc/hostname up: %s", errname(-errno));
	if (getxattr(OVL "/up/data/keep", "trusted.cgf", buf, sizeof(buf)) != 1)
		return tap_fail("upper data/keep has no trusted.cgf: %s", errname(-errno));
	return 0;
}

/* overlay.ko, which the image builder puts in: absent or refused fails every overlay case. */
static int overlay_loaded;

/* Under a shipped profile, loaded by the tool and attached to a new cgroup. */
static int overlay_under(const char *profile, bool usr_writable)
{
	struct overlay_arg a = { .usr_writable = usr_writable };
	struct box b = { 0 };
	int ret = -1;

	if (overlay_loaded <= 0)
		return tap_fail("overlay.ko from " E2E_MODULES " %s",
				overlay_loaded ? "was refused" : "is not in the image");
	if (overlay_make() || box_make_shipped(&b, "box", profile))
		goto out;
	ret = run_confined(&b, pre_overlay_root, child_overlay, &a);
	if (!ret)
		ret = host_layers_as_expected(usr_writable);
out:
	box_drop(&b);
	umount_below(OVL);
	remove_tree(OVL);
	return ret;
}

static int case_overlay_docker(void *arg)
{
	(void)arg;
	return overlay_under("docker-default", true);
}

static int case_overlay_baseline(void *arg)
{
	(void)arg;
	return overlay_under("baseline", true);
}

static int case_overlay_restricted(void *arg)
{
	(void)arg;
	return overlay_under("restricted", false);
}

/*
 * SCM_RIGHTS from the host: a descriptor of a file the profile would refuse to open is
 * not installed (the kernel stops at the refused one and sets MSG_CTRUNC); one the
 * profile allows comes in and reads.
 */
#define SECRET		BASE "/secret"
#define PUBLIC		BASE "/public"

struct pass_arg {
	int sock;
	bool want_fd;
};

static int child_receive(void *arg)
{
	const struct pass_arg *p = arg;
	char data[8], cbuf[CMSG_SPACE(sizeof(int))], buf[32];
	struct iovec iov = { data, sizeof(data) };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
		.msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm;
	ssize_t n;
	int fd = -1;

	n = recvmsg(p->sock, &msg, MSG_CMSG_CLOEXEC);
	if (n < 0)
		return tap_fail("recvmsg: %s", errname(-errno));
	for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm))
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
			memcpy(&fd, CMSG_DATA(cm), sizeof(fd));
	if (!p->want_fd) {
		if (fd >= 0)
			return tap_fail("the refused descriptor was installed as fd %d", fd);
		if (!(msg.msg_flags & MSG_CTRUNC))
			return tap_fail("no descriptor, but no MSG_CTRUNC either");
		return 0;
	}
	if (fd < 0)
		return tap_fail("no descriptor received (flags 0x%x)", msg.msg_flags);
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	close(fd);
	if (n <= 0)
		return tap_fail("read the received descriptor: %s", errname(n < 0 ? -errno : 0));
	return 0;
}

static int send_fd(int sock, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { "x", 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
		.msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(fd));
	return sendmsg(sock, &msg, 0) == 1 ? 0 : tap_fail("sendmsg: %s", errname(-errno));
}

static int pass_one(const struct box *b, const char *path, bool want_fd)
{
	struct pass_arg p = { .want_fd = want_fd };
	int sv[2], fd, ret = -1;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv))
		return tap_fail("socketpair: %s", errname(-errno));
	p.sock = sv[1];
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		tap_fail("host: open %s: %s", path, errname(-errno));
		goto out;
	}
	/* Queued before the child starts: the host's descriptor waits in the socket. */
	if (send_fd(sv[0], fd))
		goto out;
	pid = start_in_cgroup(b->dir, NULL, child_receive, &p);
	if (pid > 0)
		ret = finish_child(pid);
out:
	if (fd >= 0)
		close(fd);
	close(sv[0]);
	close(sv[1]);
	return ret;
}

static int case_scm_rights(void *arg)
{
	static const struct cgf_file_rule deny_secret[] = { { 1, DENY, CGFENCE_FILE_READ, SECRET } };
	char buf[32];
	struct box b;
	int ret = -1;

	(void)arg;
	if (make_file(SECRET, "host secret\n", 0644) || make_file(PUBLIC, "public\n", 0644))
		return -1;
	if (box_make(&b, "box", "ao-recv", ENFORCE, ALLOW, deny_secret, 1))
		goto out;
	if (pass_one(&b, SECRET, false) || pass_one(&b, PUBLIC, true))
		goto out;
	if (read_all(SECRET, buf, sizeof(buf)) || strcmp(buf, "host secret"))
		goto out;
	ret = 0;
out:
	box_drop(&b);
	return ret;
}

/*
 * Descriptors held from before confinement: judged again at the next exec of a confined
 * task, and for every task of the subtree when an attachment is made. A refused one is
 * closed before the task runs on; an allowed one stays.
 */
struct held {
	int secret, public;
	int ready[2], go[2];
};

static struct held held;

/*
 * After the exec (the program comes back here, with the two numbers: see main()) or the
 * attachment: the refused descriptor is replaced, its number still taken, every read
 * refused; the allowed one reads.
 */
static int held_check(int secret, int public)
{
	char buf[64], link[64];
	ssize_t n;

	snprintf(buf, sizeof(buf), "/proc/self/fd/%d", secret);
	n = readlink(buf, link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = '\0';
	if (strcmp(link, "anon_inode:[cgfence-revoked]")) {
		printf("# fd %d (was %s) is now \"%s\", not the revoked file\n", secret, SECRET, link);
		return 1;
	}
	if (read(secret, buf, sizeof(buf)) != -1 || errno != EACCES) {
		printf("# read of the revoked fd %d: not EACCES (%s)\n", secret, errname(-errno));
		return 1;
	}
	if (pread(public, buf, sizeof(buf), 0) <= 0) {
		printf("# the descriptor of %s (fd %d) does not read: %s\n", PUBLIC, public,
		       errname(-errno));
		return 1;
	}
	return 0;
}

static int held_open(void)
{
	held.secret = open(SECRET, O_RDONLY);
	held.public = open(PUBLIC, O_RDONLY);
	if (held.secret < 0 || held.public < 0)
		return tap_fail("open %s and %s: %s", SECRET, PUBLIC, errname(-errno));
	return 0;
}

static int pre_hold(void *arg)
{
	(void)arg;
	return held_open();
}

static int child_exec_held(void *arg)
{
	char secret[16], public[16];

	(void)arg;
	snprintf(secret, sizeof(secret), "%d", held.secret);
	snprintf(public, sizeof(public), "%d", held.public);
	execl("/proc/self/exe", "t_after_open", "--held", secret, public, (char *)NULL);
	return tap_fail("exec /proc/self/exe: %s", errname(-errno));
}

static int case_held_exec(void *arg)
{
	static const struct cgf_file_rule deny_secret[] = { { 1, DENY, CGFENCE_FILE_READ, SECRET } };
	struct box b;
	int ret = -1;

	(void)arg;
	if (make_file(SECRET, "host secret\n", 0644) || make_file(PUBLIC, "public\n", 0644))
		return -1;
	if (!box_make(&b, "box", "ao-held-exec", ENFORCE, ALLOW, deny_secret, 1))
		ret = run_confined(&b, pre_hold, child_exec_held, NULL);
	box_drop(&b);
	return ret;
}

/* Opens the files unconfined, waits for the attachment, then runs on. */
static int child_attach_held(void *arg)
{
	char c;

	(void)arg;
	if (held_open())
		return -1;
	if (write(held.ready[1], "r", 1) != 1 || read(held.go[0], &c, 1) != 1)
		return tap_fail("handshake with the parent: %s", errname(-errno));
	return held_check(held.secret, held.public) ? -1 : 0;
}

static int case_held_attach(void *arg)
{
	static const struct cgf_file_rule deny_secret[] = { { 1, DENY, CGFENCE_FILE_READ, SECRET } };
	struct cgf_conn c;
	struct box b;
	int ret = -1, err;
	pid_t pid;
	char r;

	(void)arg;
	if (make_file(SECRET, "host secret\n", 0644) || make_file(PUBLIC, "public\n", 0644))
		return -1;
	if (pipe(held.ready) || pipe(held.go))
		return tap_fail("pipe: %s", errname(-errno));
	if (box_make(&b, "box", "ao-held-attach", ENFORCE, ALLOW, deny_secret, 1) ||
	    cgf_conn_open(&c))
		goto out;
	/* The cgroup is not attached while the task opens the files. */
	err = cgf_detach(&c, b.id);
	if (err) {
		tap_fail("DETACH: %s (%s)", errname(err), c.extack);
		goto out_conn;
	}
	pid = start_in_cgroup(b.dir, NULL, child_attach_held, NULL);
	if (pid <= 0)
		goto out_conn;
	if (read(held.ready[0], &r, 1) != 1) {
		tap_fail("the child did not get ready");
	} else {
		err = cgf_attach(&c, b.id, b.profile);
		if (err)
			tap_fail("ATTACH: %s (%s)", errname(err), c.extack);
	}
	if (write(held.go[1], "g", 1) != 1)
		tap_fail("go: %s", errname(-errno));
	ret = finish_child(pid) || err ? -1 : 0;
out_conn:
	cgf_conn_close(&c);
out:
	box_drop(&b);
	return ret;
}

/*
 * 'a' without 'w': the descriptor stays append-only. Clearing O_APPEND, fallocate and a
 * writable shared mapping are refused (EACCES); with 'w' they work.
 */
#define LOG		BASE "/log"

/* Debian 12's libc headers predate it (6.9): one write at the given offset, O_APPEND or not. */
#ifndef RWF_NOAPPEND
#define RWF_NOAPPEND	0x00000020
#endif

/* Kernels before 6.9 refuse the flag itself: nothing to judge there. */
static bool kernel_has_noappend(void)
{
	struct utsname u;
	unsigned int major = 0, minor = 0;

	if (uname(&u) || sscanf(u.release, "%u.%u", &major, &minor) != 2)
		return true;
	return major > 6 || (major == 6 && minor >= 9);
}

static int child_append(void *arg)
{
	bool w = arg;
	int want = w ? 0 : -EACCES, fd, flags, ret = 0;
	struct iovec iov = { .iov_base = "F", .iov_len = 1 };
	void *map;

	fd = open(LOG, O_RDWR | O_APPEND | O_CLOEXEC);
	if (fd < 0)
		return tap_fail("open %s O_RDWR|O_APPEND: %s", LOG, errname(-errno));
	if (write(fd, "more\n", 5) != 5) {
		close(fd);
		return tap_fail("append: %s", errname(-errno));
	}
	ret |= expect_err("pwritev2(RWF_NOAPPEND) at offset 0",
			  pwritev2(fd, &iov, 1, 0, RWF_NOAPPEND) < 0 ? -errno : 0,
			  kernel_has_noappend() ? want : -EOPNOTSUPP);
	ret |= expect_err("fcntl(F_SETFL, 0) clearing O_APPEND",
			  as_err(fcntl(fd, F_SETFL, 0)), want);
	flags = fcntl(fd, F_GETFL);
	if (!w && !(flags & O_APPEND))
		ret |= tap_fail("O_APPEND was cleared anyway (flags 0x%x)", flags);
	if (w && fcntl(fd, F_SETFL, O_APPEND))
		ret |= tap_fail("set O_APPEND again: %s", errname(-errno));
	ret |= expect_err("fcntl(F_SETFL, O_APPEND | O_NONBLOCK) keeping O_APPEND",
			  as_err(fcntl(fd, F_SETFL, O_APPEND | O_NONBLOCK)), 0);
	ret |= expect_err("fallocate(PUNCH_HOLE | KEEP_SIZE, 0, 4)",
			  as_err(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, 4)),
			  want);
	map = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ret |= expect_err("mmap(PROT_WRITE, MAP_SHARED)", map == MAP_FAILED ? -errno : 0, want);
	if (map != MAP_FAILED)
		munmap(map, 4096);
	map = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		ret |= tap_fail("mmap(PROT_READ, MAP_SHARED) (control): %s", errname(-errno));
	} else {
		ret |= expect_err("mprotect adding PROT_WRITE to the shared mapping",
				  as_err(mprotect(map, 4096, PROT_READ | PROT_WRITE)), want);
		munmap(map, 4096);
	}
	/* A private writable mapping writes nothing back: allowed either way. */
	map = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	ret |= expect_err("mmap(PROT_WRITE, MAP_PRIVATE)", map == MAP_FAILED ? -errno : 0, 0);
	if (map != MAP_FAILED)
		munmap(map, 4096);
	close(fd);
	return ret;
}

static int case_append_only(void *arg)
{
	static const struct cgf_file_rule no_w[] = { { 1, DENY, CGFENCE_FILE_WRITE, LOG } };
	char buf[64];
	struct box b;
	int ret = -1;

	(void)arg;
	if (make_file(LOG, "first\n", 0644))
		return -1;
	if (box_make(&b, "box", "ao-append", ENFORCE, ALLOW, no_w, 1))
		goto out;
	if (run_confined(&b, NULL, child_append, (void *)false))
		goto out;
	if (read_all(LOG, buf, sizeof(buf)) || strcmp(buf, "first\nmore"))
		goto out_diag;
	box_drop(&b);
	/* Control: the same profile without the deny: everything works. */
	if (box_make(&b, "box", "ao-append-w", ENFORCE, ALLOW, NULL, 0) ||
	    run_confined(&b, NULL, child_append, (void *)true))
		goto out;
	ret = 0;
	goto out;
out_diag:
	tap_fail("the log is \"%s\": an append-only descriptor wrote elsewhere", buf);
out:
	box_drop(&b);
	return ret;
}

int main(int argc, char **argv)
{
	/* child_exec_held()'s exec lands here. */
	if (argc == 4 && !strcmp(argv[1], "--held"))
		return held_check(atoi(argv[2]), atoi(argv[3]));
	tap_init(argc, argv);
	tap_plan(9);
	remove_tree(BASE);
	mkdir_p(BASE);
	overlay_loaded = stock_module_load("overlay");
	tap_case("insmod cgfence.ko", case_cgfence_insmod, NULL);
	tap_case("overlay root (2 lower layers, upper, work) under docker-default: ls, read,"
		 " copy-up write, create, rename, whiteout, mkdir, touch and setxattr all work", case_overlay_docker, NULL);
	tap_case("overlay root under baseline: the same", case_overlay_baseline, NULL);
	tap_case("overlay root under restricted: the same, and /usr/bin/tool (the overlay's own"
		 " name) refused with EACCES for writing and setxattr, no copy-up left", case_overlay_restricted, NULL);
	tap_case("SCM_RIGHTS from the host: a descriptor of a file the profile refuses is not"
		 " installed (MSG_CTRUNC); an allowed one reads", case_scm_rights, NULL);
	tap_case("a descriptor of a refused file opened before confinement is replaced at the"
		 " confined task's next exec (reads EACCES, its number kept); an allowed one stays"
		 " and reads", case_held_exec, NULL);
	tap_case("the same when an attachment is made under a running task", case_held_attach,
		 NULL);
	tap_case("append-only descriptor ('a' without 'w'): pwritev2(RWF_NOAPPEND), clearing"
		 " O_APPEND, fallocate, shared writable mmap and mprotect EACCES; with 'w' all work",
		 case_append_only, NULL);
	tap_case("rmmod cgfence", case_cgfence_rmmod, NULL);
	remove_tree(BASE);
	return tap_done();
}
