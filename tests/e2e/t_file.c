// SPDX-License-Identifier: GPL-2.0
/* e2e: file rules on confined tasks: permissions, globs, links, chroot, escapes, complain mode. */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/sched.h>

#include "e2e.h"
#include "tap.h"

#define BASE		"/tmp/t_file"

#define R		CGFENCE_FILE_READ
#define W		CGFENCE_FILE_WRITE
#define A		CGFENCE_FILE_APPEND
#define X		CGFENCE_FILE_EXEC
#define C		CGFENCE_FILE_CREATE
#define D		CGFENCE_FILE_DELETE
#define N		CGFENCE_FILE_RENAME
#define L		CGFENCE_FILE_LINK
#define S		CGFENCE_FILE_SETATTR
#define T		CGFENCE_FILE_TRUNCATE
#define ALL		CGFENCE_FILE_ALL
#define ALLOW		CGFENCE_EFFECT_ALLOW
#define DENY		CGFENCE_EFFECT_DENY
#define ENFORCE		CGFENCE_MODE_ENFORCE
#define COMPLAIN	CGFENCE_MODE_COMPLAIN

/*
 * PSEUDO OBJECTS: pipes, sockets, anonymous inodes and memfd ("pipe:", "socket:",
 * "anon_inode:", "memfd:") are judged by kind, whatever the profile's default. The uapi
 * header says: everything but exec unless a rule names the kind. Should that default
 * change, these two switches are all the tests need.
 */
#define PSEUDO_OPEN_ALLOWED	1	/* reopen through /proc/self/fd */
#define PSEUDO_EXEC_ALLOWED	0	/* mmap PROT_EXEC, fexecve */

/* A path under @dir; four rotating buffers, so one call may name a few. */
static const char *at(const char *dir, const char *name)
{
	static char buf[8][256];
	static unsigned int next;
	char *b = buf[next++ % 8];

	snprintf(b, sizeof(buf[0]), "%s/%s", dir, name);
	return b;
}

static int mkdirs(const char *path)
{
	char tmp[256], *p;

	snprintf(tmp, sizeof(tmp), "%s", path);
	for (p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) && errno != EEXIST)
			return tap_fail("mkdir %s: %s", tmp, errname(-errno));
		*p = '/';
	}
	if (mkdir(tmp, 0755) && errno != EEXIST)
		return tap_fail("mkdir %s: %s", tmp, errname(-errno));
	return 0;
}

static int mkfile(const char *path, const char *content, mode_t mode)
{
	ssize_t len = strlen(content);
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return tap_fail("create %s: %s", path, errname(-errno));
	if (write(fd, content, len) != len) {
		close(fd);
		return tap_fail("write %s: %s", path, errname(-errno));
	}
	fchmod(fd, mode);
	close(fd);
	return 0;
}

/* An operation's answer against the expected one; the diagnostic names both. */
static int check(const char *what, int got, int want)
{
	return expect_err(what, got, want);
}

static int check_open(const char *path, int flags, int want)
{
	char what[320];

	snprintf(what, sizeof(what), "open(%s, 0%o)", path, flags);
	return check(what, try_open(path, flags), want);
}

/* Runs @path (or the file behind @fd, with execveat) in a child: 0 if it ran and exited 0. */
static int run_exec(const char *path, int fd)
{
	char *argv[] = { "t_file-exec", NULL };
	char *envp[] = { NULL };
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		if (fd >= 0)
			syscall(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH);
		else
			execve(path, argv, envp);
		_exit(100 + errno);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -errno;
	if (!WIFEXITED(status))
		return -EPROTO;
	if (WEXITSTATUS(status) >= 100)
		return -(WEXITSTATUS(status) - 100);
	return WEXITSTATUS(status) ? -EPROTO : 0;
}

/* mmap of the file with @prot, or mmap PROT_READ then mprotect to @prot. */
static int map_file(const char *path, int prot, bool via_mprotect)
{
	void *p;
	int fd, err = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	p = mmap(NULL, 4096, via_mprotect ? PROT_READ : prot, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED) {
		err = -errno;
	} else {
		if (via_mprotect && mprotect(p, 4096, prot))
			err = -errno;
		munmap(p, 4096);
	}
	close(fd);
	return err;
}

/* "#!/bin/true": exec of it runs busybox's true; what it needs is judged on the script. */
#define SCRIPT "#!/bin/true\n"

/*
 * The permission matrix. Every directory gets the same objects; each operation below
 * needs exactly the permissions in .need, judged at the object it names. The profile
 * (default deny) allows everything under / and denies one permission in one directory.
 */
struct op {
	const char *name;
	__u32 need;
	int (*run)(const char *dir);
};

static int op_read(const char *d) { return try_open(at(d, "file"), O_RDONLY); }
static int op_write(const char *d) { return try_open(at(d, "file"), O_WRONLY); }
static int op_append(const char *d) { return try_open(at(d, "file"), O_WRONLY | O_APPEND); }
static int op_rdwr(const char *d) { return try_open(at(d, "file"), O_RDWR); }
static int op_opendir(const char *d) { return try_open(d, O_RDONLY | O_DIRECTORY); }
/* O_CREAT on an existing file creates nothing. */
static int op_creat_existing(const char *d) { return try_open(at(d, "file"), O_CREAT | O_RDONLY); }
static int op_create(const char *d)
{
	return try_open(at(d, "new_open"), O_CREAT | O_EXCL | O_RDONLY);
}
static int op_mkdir(const char *d) { return as_err(mkdir(at(d, "newdir"), 0755)); }
static int op_mknod(const char *d) { return as_err(mknod(at(d, "fifo"), S_IFIFO | 0644, 0)); }
static int op_symlink(const char *d) { return as_err(symlink("file", at(d, "sym"))); }
static int op_unlink(const char *d) { return as_err(unlink(at(d, "victim"))); }
static int op_rmdir(const char *d) { return as_err(rmdir(at(d, "vdir"))); }
static int op_rename(const char *d) { return as_err(rename(at(d, "ren_src"), at(d, "ren_dst"))); }
/* Replacing an existing name deletes what was there. */
static int op_rename_replace(const char *d)
{
	return as_err(rename(at(d, "rep_src"), at(d, "rep_dst")));
}
static int op_link(const char *d) { return as_err(link(at(d, "file"), at(d, "hl"))); }
/* bind() of a unix socket makes a node in the filesystem: a creation like mknod. */
static int op_bind(const char *d)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), err;

	if (fd < 0)
		return -errno;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", at(d, "sock"));
	err = as_err(bind(fd, (struct sockaddr *)&sa, sizeof(sa)));
	close(fd);
	return err;
}
static int op_chmod(const char *d) { return as_err(chmod(at(d, "file"), 0755)); }
static int op_chown(const char *d) { return as_err(chown(at(d, "file"), 0, 0)); }
static int op_truncate(const char *d) { return as_err(truncate(at(d, "trunc1"), 0)); }
static int op_otrunc(const char *d) { return try_open(at(d, "trunc2"), O_WRONLY | O_TRUNC); }
static int op_ftruncate(const char *d)
{
	int fd = open(at(d, "trunc3"), O_WRONLY | O_CLOEXEC), err;

	if (fd < 0)
		return -errno;
	err = as_err(ftruncate(fd, 0));
	close(fd);
	return err;
}
static int op_exec(const char *d) { return run_exec(at(d, "file"), -1); }
/* fexecve through an O_PATH descriptor: opening it asks for nothing, exec for x. */
static int op_execveat(const char *d)
{
	int fd = open(at(d, "file"), O_PATH), err;

	if (fd < 0)
		return -errno;
	err = run_exec(NULL, fd);
	close(fd);
	return err;
}
static int op_mmap_x(const char *d)
{
	return map_file(at(d, "file"), PROT_READ | PROT_EXEC, false);
}
static int op_mprotect_x(const char *d)
{
	return map_file(at(d, "file"), PROT_READ | PROT_EXEC, true);
}

/* A file handle reaches the same object: judged by its path like any open. */
static int op_open_by_handle(const char *d)
{
	struct {
		struct file_handle fh;
		unsigned char bytes[MAX_HANDLE_SZ];
	} h;
	int mount_id, mount_fd, fd;

	h.fh.handle_bytes = MAX_HANDLE_SZ;
	if (name_to_handle_at(AT_FDCWD, at(d, "file"), &h.fh, &mount_id, 0))
		return -EPROTO;
	/* Any descriptor on the filesystem will do, but not an O_PATH one (EBADF). */
	mount_fd = open("/tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (mount_fd < 0)
		return -EPROTO;
	fd = open_by_handle_at(mount_fd, &h.fh, O_RDONLY | O_CLOEXEC);
	close(mount_fd);
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

/* READ_IMPLIES_EXEC turns a PROT_READ mapping into an executable one: x is asked. */
static int op_mmap_read_implies_exec(const char *d)
{
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int err;

		if (personality(READ_IMPLIES_EXEC) < 0)
			_exit(100 + EPROTO);
		err = map_file(at(d, "file"), PROT_READ, false);
		_exit(100 - err);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -EPROTO;
	return 100 - WEXITSTATUS(status);
}

static const struct op ops[] = {
	{ "open O_RDONLY", R, op_read },
	{ "open O_WRONLY", W, op_write },
	{ "open O_WRONLY|O_APPEND", A, op_append },
	{ "open O_RDWR", R | W, op_rdwr },
	{ "opendir", R, op_opendir },
	{ "open O_CREAT of an existing file", R, op_creat_existing },
	{ "open O_CREAT|O_EXCL (new file)", C | R, op_create },
	{ "mkdir", C, op_mkdir },
	{ "mknod S_IFIFO", C, op_mknod },
	{ "symlink", C, op_symlink },
	{ "bind a unix socket", C, op_bind },
	{ "unlink", D, op_unlink },
	{ "rmdir", D, op_rmdir },
	{ "rename", N, op_rename },
	{ "rename over an existing file", N | D, op_rename_replace },
	{ "link", L, op_link },
	{ "chmod", S, op_chmod },
	{ "chown", S, op_chown },
	{ "truncate", T, op_truncate },
	{ "open O_WRONLY|O_TRUNC", W | T, op_otrunc },
	{ "ftruncate", W | T, op_ftruncate },
	{ "execve", X, op_exec },
	{ "execveat(O_PATH fd, AT_EMPTY_PATH)", X, op_execveat },
	{ "mmap PROT_EXEC", R | X, op_mmap_x },
	{ "mprotect to PROT_EXEC", R | X, op_mprotect_x },
	{ "mmap PROT_READ under personality READ_IMPLIES_EXEC", R | X,
	  op_mmap_read_implies_exec },
	{ "open_by_handle_at O_RDONLY", R, op_open_by_handle },
};

#define MATRIX BASE "/m"

static int matrix_setup(const char *d)
{
	static const char *const plain[] = {
		"trunc1", "trunc2", "trunc3", "victim", "ren_src", "rep_src", "rep_dst",
	};
	unsigned int i;

	remove_tree(d);
	if (mkdirs(d) || mkfile(at(d, "file"), SCRIPT, 0755))
		return -1;
	for (i = 0; i < ARRAY_SIZE(plain); i++)
		if (mkfile(at(d, plain[i]), "data\n", 0644))
			return -1;
	return mkdirs(at(d, "vdir"));
}

struct matrix_arg {
	const char *dir;
	__u32 denied;
};

static int child_matrix(void *arg)
{
	const struct matrix_arg *m = arg;
	char what[160];
	unsigned int i;
	int ret = 0;

	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		int want = ops[i].need & m->denied ? -EACCES : 0;

		snprintf(what, sizeof(what), "%s in %s", ops[i].name, m->dir);
		ret |= check(what, ops[i].run(m->dir), want);
	}
	return ret;
}

struct perm_case {
	char letter;
	__u32 perm;
};

static const struct perm_case perm_cases[] = {
	{ '-', 0 }, { 'r', R }, { 'w', W }, { 'a', A }, { 'x', X }, { 'c', C }, { 'd', D },
	{ 'n', N }, { 'l', L }, { 's', S }, { 't', T },
};

static int case_matrix(void *arg)
{
	const struct perm_case *pc = arg;
	struct cgf_file_rule rules[2] = {
		{ 1, ALLOW, ALL, "/**" },
	};
	struct matrix_arg m;
	char dir[64], pattern[80];
	struct box b;
	int ret = -1;

	snprintf(dir, sizeof(dir), MATRIX "/no_%c", pc->letter);
	snprintf(pattern, sizeof(pattern), "%s/**", dir);
	rules[1] = (struct cgf_file_rule){ 2, DENY, pc->perm, pattern };
	if (matrix_setup(dir))
		return -1;
	/* The control row has no deny rule at all. */
	if (box_make(&b, "box", "f-matrix", ENFORCE, DENY, rules, pc->perm ? 2 : 1))
		goto out;
	m.dir = dir;
	m.denied = pc->perm;
	ret = run_in_cgroup(b.dir, NULL, child_matrix, &m);
out:
	box_drop(&b);
	remove_tree(dir);
	return ret;
}

/* Globs: '*' within a component, '?' one character, '**' any number of components. */
#define GLOB BASE "/g"

static const char *const glob_denied[] = {
	GLOB "/star/a.key", GLOB "/star/.key", GLOB "/q/file1", GLOB "/q/fileX",
	GLOB "/deep/x", GLOB "/deep/a/b/c", GLOB "/mid/secret", GLOB "/mid/a/secret",
	GLOB "/mid/a/b/secret", GLOB "/lit/*", GLOB "/mix/aXYbZc", GLOB "/mix/abZc",
};

static const char *const glob_allowed[] = {
	GLOB "/star/a.txt", GLOB "/star/sub/a.key", GLOB "/star/a.key.bak", GLOB "/q/file",
	GLOB "/q/file10", GLOB "/deepx/f", GLOB "/mid/a/notsecret", GLOB "/mid/secretx",
	GLOB "/lit/x", GLOB "/mix/abc", GLOB "/mix/aXbZZc",
};

static int child_globs(void *arg)
{
	unsigned int i;
	int ret = 0;

	(void)arg;
	for (i = 0; i < ARRAY_SIZE(glob_denied); i++)
		ret |= check_open(glob_denied[i], O_RDONLY, -EACCES);
	for (i = 0; i < ARRAY_SIZE(glob_allowed); i++)
		ret |= check_open(glob_allowed[i], O_RDONLY, 0);
	/* The "deep" rule (a globstar under /deep) covers /deep itself. */
	ret |= check_open(GLOB "/deep", O_RDONLY | O_DIRECTORY, -EACCES);
	ret |= check_open(GLOB "/deepx", O_RDONLY | O_DIRECTORY, 0);
	return ret;
}

static int case_globs(void *arg)
{
	static const struct cgf_file_rule rules[] = {
		{ 1, DENY, R, GLOB "/star/*.key" },
		{ 2, DENY, R, GLOB "/q/file?" },
		{ 3, DENY, R, GLOB "/deep/**" },
		{ 4, DENY, R, GLOB "/mid/**/secret" },
		{ 5, DENY, R, GLOB "/lit/\\*" },
		{ 6, DENY, R, GLOB "/mix/a*b?c" },
	};
	struct box b;
	unsigned int i;
	int ret = -1;

	(void)arg;
	for (i = 0; i < ARRAY_SIZE(glob_denied); i++) {
		char dir[256];

		snprintf(dir, sizeof(dir), "%s", glob_denied[i]);
		*strrchr(dir, '/') = '\0';
		if (mkdirs(dir) || mkfile(glob_denied[i], "x", 0644))
			goto out;
	}
	for (i = 0; i < ARRAY_SIZE(glob_allowed); i++) {
		char dir[256];

		snprintf(dir, sizeof(dir), "%s", glob_allowed[i]);
		*strrchr(dir, '/') = '\0';
		if (mkdirs(dir) || mkfile(glob_allowed[i], "x", 0644))
			goto out;
	}
	if (box_make(&b, "box", "f-glob", ENFORCE, ALLOW, rules, ARRAY_SIZE(rules)))
		goto out_box;
	ret = run_in_cgroup(b.dir, NULL, child_globs, NULL);
out_box:
	box_drop(&b);
out:
	remove_tree(GLOB);
	return ret;
}

/* Deny wins over allow whatever the order and however specific the allow. */
#define DOV BASE "/d"

static int child_deny_over_allow(void *arg)
{
	int ret = 0;

	(void)arg;
	ret |= check_open(DOV "/open", O_RDONLY, 0);
	ret |= check_open(DOV "/secret", O_RDONLY, -EACCES);
	ret |= check_open(DOV "2/pub", O_RDONLY, -EACCES);
	ret |= check_open(DOV "2/x", O_RDONLY, -EACCES);
	/* Default deny: only r is allowed there. */
	ret |= check_open(DOV "/open", O_WRONLY, -EACCES);
	return ret;
}

static int child_open_dov_secret(void *arg)
{
	(void)arg;
	return check_open(DOV "/secret", O_RDONLY, -EACCES);
}

static int case_deny_over_allow(void *arg)
{
	static const struct cgf_file_rule rules[] = {
		{ 1, ALLOW, R, DOV "/**" },
		{ 2, DENY, R, DOV "/secret" },
		{ 3, ALLOW, R, DOV "/secret" },
		{ 4, DENY, R, DOV "2/**" },
		{ 5, ALLOW, R, DOV "2/pub" },
	};
	struct box b;
	int ret = -1;

	(void)arg;
	if (mkdirs(DOV) || mkdirs(DOV "2") || mkfile(DOV "/open", "x", 0644) ||
	    mkfile(DOV "/secret", "x", 0644) || mkfile(DOV "2/pub", "x", 0644) ||
	    mkfile(DOV "2/x", "x", 0644))
		goto out;
	if (box_make(&b, "box", "f-dov", ENFORCE, DENY, rules, ARRAY_SIZE(rules)))
		goto out_box;
	ret = run_in_cgroup(b.dir, NULL, child_deny_over_allow, NULL);
	if (!ret)
		ret = expect_klog_in(b.dir, NULL, child_open_dov_secret, NULL, "denied op=open",
				     "f-dov", 2, DOV "/secret");
out_box:
	box_drop(&b);
out:
	remove_tree(DOV);
	remove_tree(DOV "2");
	return ret;
}

/* The profile's default decides what no rule does. */
#define DEF BASE "/def"

static int child_default_allow(void *arg)
{
	int ret = 0;

	(void)arg;
	ret |= check_open(DEF "/f", O_RDONLY, 0);
	ret |= check_open(DEF "/f", O_WRONLY, 0);
	ret |= check("mkdir " DEF "/d", as_err(mkdir(DEF "/d", 0755)), 0);
	ret |= check("exec " DEF "/script", run_exec(DEF "/script", -1), 0);
	return ret;
}

static int child_default_deny(void *arg)
{
	int ret = 0;

	(void)arg;
	ret |= check_open(DEF "/f", O_RDONLY, -EACCES);
	ret |= check_open(DEF "/f", O_WRONLY, -EACCES);
	ret |= check("mkdir " DEF "/d2", as_err(mkdir(DEF "/d2", 0755)), -EACCES);
	ret |= check("exec " DEF "/script", run_exec(DEF "/script", -1), -EACCES);
	ret |= check("unlink " DEF "/f", as_err(unlink(DEF "/f")), -EACCES);
	return ret;
}

static int child_open_def_f(void *arg)
{
	(void)arg;
	return check_open(DEF "/f", O_RDONLY, -EACCES);
}

static int case_default(void *arg)
{
	struct box b;
	int ret = -1;

	(void)arg;
	if (mkdirs(DEF) || mkfile(DEF "/f", "x", 0644) || mkfile(DEF "/script", SCRIPT, 0755))
		goto out;
	if (box_make(&b, "box", "f-def-allow", ENFORCE, ALLOW, NULL, 0))
		goto out_box;
	if (run_in_cgroup(b.dir, NULL, child_default_allow, NULL))
		goto out_box;
	box_drop(&b);
	if (box_make(&b, "box", "f-def-deny", ENFORCE, DENY, NULL, 0))
		goto out_box;
	ret = run_in_cgroup(b.dir, NULL, child_default_deny, NULL);
	if (!ret)
		ret = expect_klog_in(b.dir, NULL, child_open_def_f, NULL, "denied op=open",
				     "f-def-deny", 0, DEF "/f");
out_box:
	box_drop(&b);
out:
	remove_tree(DEF);
	return ret;
}

/* Symlinks are followed: the object finally reached is judged. */
#define SYM BASE "/s"

static int child_symlinks(void *arg)
{
	char target[64];
	ssize_t n;
	int ret = 0;

	(void)arg;
	ret |= check_open(SYM "/in", O_RDONLY, -EACCES);
	ret |= check_open(SYM "/chain", O_RDONLY, -EACCES);
	ret |= check_open(SYM "/secret/out", O_RDONLY, 0);
	ret |= check_open(SYM "/pub/f", O_RDONLY, 0);
	ret |= check_open(SYM "/secret/f", O_RDONLY, -EACCES);
	/* The link itself is no object of a read rule: readlink is not an open. */
	n = readlink(SYM "/in", target, sizeof(target) - 1);
	ret |= check("readlink " SYM "/in", n < 0 ? -errno : 0, 0);
	return ret;
}

static int case_symlinks(void *arg)
{
	static const struct cgf_file_rule rules[] = {
		{ 1, DENY, R, SYM "/secret/**" },
	};
	struct box b;
	int ret = -1;

	(void)arg;
	if (mkdirs(SYM "/secret") || mkdirs(SYM "/pub") || mkfile(SYM "/secret/f", "x", 0644) ||
	    mkfile(SYM "/pub/f", "x", 0644) || symlink("secret/f", SYM "/in") ||
	    symlink("in", SYM "/chain") || symlink("../pub/f", SYM "/secret/out")) {
		tap_fail("set up the links: %s", errname(-errno));
		goto out;
	}
	if (box_make(&b, "box", "f-sym", ENFORCE, ALLOW, rules, ARRAY_SIZE(rules)))
		goto out_box;
	ret = run_in_cgroup(b.dir, NULL, child_symlinks, NULL);
out_box:
	box_drop(&b);
out:
	remove_tree(SYM);
	return ret;
}

/* A new name may not grant more than the old one; a directory needs the same grants. */
#define LNK BASE "/l"

static int child_links(void *arg)
{
	int ret = 0;

	(void)arg;
	ret |= check("link secret/f1 -> pub/f1 (widens r)",
		     as_err(link(LNK "/secret/f1", LNK "/pub/f1")), -EACCES);
	ret |= check_open(LNK "/pub/f1", O_RDONLY, -ENOENT);
	ret |= check("link pub/g1 -> secret/g1 (narrows)",
		     as_err(link(LNK "/pub/g1", LNK "/secret/g1")), 0);
	ret |= check("rename secret/f2 -> pub/f2 (widens r)",
		     as_err(rename(LNK "/secret/f2", LNK "/pub/f2")), -EACCES);
	ret |= check_open(LNK "/secret/f2", O_WRONLY, 0);
	ret |= check("rename pub/g2 -> secret/g2 (narrows)",
		     as_err(rename(LNK "/pub/g2", LNK "/secret/g2")), 0);
	ret |= check("rename directory pub/dd -> secret/dd (grants differ)",
		     as_err(rename(LNK "/pub/dd", LNK "/secret/dd")), -EACCES);
	ret |= check("rename directory pub/dd -> pub/dd2 (same grants)",
		     as_err(rename(LNK "/pub/dd", LNK "/pub/dd2")), 0);
	/* Both names grant everything, but only below the old one is a file denied. */
	ret |= check("rename directory tree -> tree2 (a denied file below it would be freed)",
		     as_err(rename(LNK "/tree", LNK "/tree2")), -EACCES);
	ret |= check_open(LNK "/tree/inner/f", O_RDONLY, -EACCES);
	ret |= check("rename directory tree/inner/g -> tree/inner/g2 (nothing differs below)",
		     as_err(rename(LNK "/tree/inner/g", LNK "/tree/inner/g2")), 0);
	ret |= check("RENAME_EXCHANGE pub/x <-> secret/z (grants differ)",
		     as_err(renameat2(AT_FDCWD, LNK "/pub/x", AT_FDCWD, LNK "/secret/z",
				      RENAME_EXCHANGE)), -EACCES);
	ret |= check("RENAME_EXCHANGE pub/x <-> pub/y (same grants)",
		     as_err(renameat2(AT_FDCWD, LNK "/pub/x", AT_FDCWD, LNK "/pub/y",
				      RENAME_EXCHANGE)), 0);
	ret |= check_open(LNK "/secret/f1", O_RDONLY, -EACCES);
	return ret;
}

static int case_links(void *arg)
{
	static const struct cgf_file_rule rules[] = {
		{ 1, DENY, R, LNK "/secret/**" },
		{ 2, DENY, R, LNK "/tree/inner/f" },
	};
	static const char *const files[] = {
		LNK "/secret/f1", LNK "/secret/f2", LNK "/secret/z", LNK "/pub/g1", LNK "/pub/g2",
		LNK "/pub/x", LNK "/pub/y", LNK "/tree/inner/f",
	};
	unsigned int i;
	struct box b;
	int ret = -1;

	(void)arg;
	if (mkdirs(LNK "/secret") || mkdirs(LNK "/pub/dd") || mkdirs(LNK "/tree/inner/g"))
		goto out;
	for (i = 0; i < ARRAY_SIZE(files); i++)
		if (mkfile(files[i], files[i], 0644))
			goto out;
	if (box_make(&b, "box", "f-link", ENFORCE, ALLOW, rules, ARRAY_SIZE(rules)))
		goto out_box;
	ret = run_in_cgroup(b.dir, NULL, child_links, NULL);
out_box:
	box_drop(&b);
out:
	remove_tree(LNK);
	return ret;
}

/* Re-opening an fd through /proc/self/fd is judged like any open of the same file. */
#define PFD BASE "/p"

static int child_proc_fd(void *arg)
{
	char path[64];
	int fd, ret = 0;

	(void)arg;
	fd = open(PFD "/ro", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return tap_fail("open %s read-only: %s", PFD "/ro", errname(-errno));
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	ret |= check_open(path, O_WRONLY, -EACCES);
	ret |= check_open(path, O_RDONLY, 0);
	close(fd);
	fd = open(PFD "/rw", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return tap_fail("open %s read-only: %s", PFD "/rw", errname(-errno));
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	ret |= check_open(path, O_WRONLY, 0);
	close(fd);
	return ret;
}

static int case_proc_fd(void *arg)
{
	static const struct cgf_file_rule rules[] = {
		{ 1, DENY, W, PFD "/ro" },
	};
	struct box b;
	int ret = -1;

	(void)arg;
	if (mkdirs(PFD) || mkfile(PFD "/ro", "x", 0644) || mkfile(PFD "/rw", "x", 0644))
		goto out;
	if (box_make(&b, "box", "f-procfd", ENFORCE, ALLOW, rules, ARRAY_SIZE(rules)))
		goto out_box;
	ret = run_in_cgroup(b.dir, NULL, child_proc_fd, NULL);
out_box:
	box_drop(&b);
out:
	remove_tree(PFD);
	return ret;
}

/*
 * chroot inside the container: names are still judged from the root of the mount
 * namespace. A private /proc is mounted into the chroot (before the task is confined)
 * so descriptors opened outside it can be re-opened from inside.
 */
#define CHR BASE "/c"

struct chroot_arg {
	int fd_out;	/* a file outside the chroot, opened before it */
	int fd_in;	/* a file inside it, opened before it */
};

static int private_mounts(void)
{
	if (unshare(CLONE_NEWNS))
		return tap_fail("unshare(CLONE_NEWNS): %s", errname(-errno));
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return tap_fail("make / private: %s", errname(-errno));
	return 0;
}

static int pre_chroot(void *arg)
{
	struct chroot_arg *c = arg;

	/* Opened after unshare: a descriptor of the old namespace's mounts is unreachable anyway. */
	if (private_mounts())
		return -1;
	if (mount("proc", CHR "/proc", "proc", 0, NULL))
		return tap_fail("mount proc in the chroot: %s", errname(-errno));
	c->fd_out = open(BASE "/c_out/f", O_RDONLY);
	c->fd_in = open(CHR "/y", O_RDONLY);
	if (c->fd_out < 0 || c->fd_in < 0)
		return tap_fail("open the files before chroot: %s", errname(-errno));
	return 0;
}

static int child_chroot(void *arg)
{
	struct chroot_arg *c = arg;
	char path[64];
	int ret = 0;

	if (chroot(CHR) || chdir("/"))
		return tap_fail("chroot %s: %s", CHR, errname(-errno));
	/* /x is CHR/x, which is denied; the rule on "/y" does not touch CHR/y. */
	ret |= check_open("/x", O_RDONLY, -EACCES);
	ret |= check_open("/y", O_RDONLY, 0);
	ret |= check("link /x -> /y2 inside the chroot (widens r of " CHR "/x)",
		     as_err(link("/x", "/y2")), -EACCES);
	ret |= check("rename /x -> /x2 inside the chroot (widens r)",
		     as_err(rename("/x", "/x2")), -EACCES);
	/* Outside the new root: unreachable, denied even by this default-allow profile. */
	snprintf(path, sizeof(path), "/proc/self/fd/%d", c->fd_out);
	ret |= check_open(path, O_RDONLY, -EACCES);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", c->fd_in);
	ret |= check_open(path, O_RDONLY, 0);
	return ret;
}

static int case_chroot(void *arg)
{
	static const struct cgf_file_rule rules[] = {
		{ 1, DENY, R, CHR "/x" },
		{ 2, DENY, R, "/y" },
	};
	struct chroot_arg c = { -1, -1 };
	struct box b;
	int ret = -1;

	(void)arg;
	if (mkdirs(CHR "/proc") || mkdirs(BASE "/c_out") || mkfile(CHR "/x", "x", 0644) ||
	    mkfile(CHR "/y", "y", 0644) || mkfile(BASE "/c_out/f", "f", 0644))
		goto out;
	if (box_make(&b, "box", "f-chroot", ENFORCE, ALLOW, rules, ARRAY_SIZE(rules)))
		goto out_box;
	ret = run_in_cgroup(b.dir, pre_chroot, child_chroot, &c);
out_box:
	box_drop(&b);
out:
	remove_tree(CHR);
	remove_tree(BASE "/c_out");
	return ret;
}

/*
 * A directory renamed out of a bind-mounted subtree: a descriptor opened through the bind
 * mount now holds a dentry the mount's tree no longer contains. No path in the namespace
 * leads there through that mount, so names below it are "unreachable:", while the same
 * file by its own name stays allowed.
 */
#define UNBOUND BASE "/esc"

struct escaped_arg {
	int dir_fd;	/* UNBOUND/view/d, opened through the bind mount before the rename */
	bool unreachable_allowed;
};

static int pre_escaped(void *arg)
{
	struct escaped_arg *e = arg;

	if (private_mounts())
		return -1;
	if (mount(UNBOUND "/src/sub", UNBOUND "/view", NULL, MS_BIND, NULL))
		return tap_fail("bind %s on %s: %s", UNBOUND "/src/sub", UNBOUND "/view", errname(-errno));
	e->dir_fd = open(UNBOUND "/view/d", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (e->dir_fd < 0)
		return tap_fail("open %s: %s", UNBOUND "/view/d", errname(-errno));
	if (rename(UNBOUND "/src/sub/d", UNBOUND "/src/d"))
		return tap_fail("rename d out of the bound subtree: %s", errname(-errno));
	return 0;
}

static int child_escaped(void *arg)
{
	struct escaped_arg *e = arg;
	int want = e->unreachable_allowed ? 0 : -EACCES;
	int ret = 0;

	ret |= check("openat(escaped dir, \"f\")",
		     as_err(openat(e->dir_fd, "f", O_RDONLY | O_CLOEXEC)), want);
	ret |= check_open(UNBOUND "/src/d/f", O_RDONLY, 0);
	ret |= check("mkdirat(escaped dir, \"made\")", as_err(mkdirat(e->dir_fd, "made", 0755)),
		     -EACCES);
	ret |= check("mkdir of the same name by its own path", as_err(mkdir(UNBOUND "/src/d/made2", 0755)),
		     0);
	return ret;
}

static int case_escaped_bind(void *arg)
{
	static const struct cgf_file_rule opt_in[] = {
		{ 1, ALLOW, R, CGFENCE_OBJECT_UNREACHABLE },
	};
	struct escaped_arg e = { .dir_fd = -1 };
	struct stat st;
	struct box b;
	int ret = -1;

	(void)arg;
	if (mkdirs(UNBOUND "/src/sub/d") || mkdirs(UNBOUND "/view") ||
	    mkfile(UNBOUND "/src/sub/d/f", "f\n", 0644))
		goto out;
	if (box_make(&b, "box", "f-escaped", ENFORCE, ALLOW, NULL, 0))
		goto out_box;
	if (run_in_cgroup(b.dir, pre_escaped, child_escaped, &e))
		goto out_box;
	box_drop(&b);
	/* The rename happened in the child's namespace on a shared tree: put it back. */
	if (rename(UNBOUND "/src/d", UNBOUND "/src/sub/d") || rmdir(UNBOUND "/src/sub/d/made2")) {
		ret = tap_fail("undo the rename: %s", errname(-errno));
		goto out;
	}
	e.unreachable_allowed = true;
	if (box_make(&b, "box", "f-escaped-optin", ENFORCE, ALLOW, opt_in, ARRAY_SIZE(opt_in)))
		goto out_box;
	if (run_in_cgroup(b.dir, pre_escaped, child_escaped, &e))
		goto out_box;
	/* Host side: nothing was made through the escaped descriptor. */
	ret = check("no directory made through the escaped descriptor",
		    stat(UNBOUND "/src/d/made", &st) ? -errno : 0, -ENOENT);
out_box:
	box_drop(&b);
out:
	remove_tree(UNBOUND);
	return ret;
}

/*
 * A container root made like switch_root does it (the initramfs root cannot be
 * pivot_root'ed away): a tmpfs is populated, moved onto / in a private mount namespace,
 * and chroot'ed into. A host file opened before stays open in the container; re-opening
 * it is judged "unreachable:" and denied, under a profile that allows everything else.
 */
#define HOST BASE "/h"

struct container_arg {
	int host_fd;
	int host_dir_fd;	/* the host directory that holds the secret */
	int own_fd;
	bool unreachable_allowed;	/* the profile has "allow r unreachable:" */
	/* File handles taken before: of the host file, and of a file in the container. */
	struct {
		struct file_handle fh;
		unsigned char bytes[MAX_HANDLE_SZ];
	} host_handle, own_handle;
};

static int take_handle(const char *path, struct file_handle *fh)
{
	int mount_id;

	fh->handle_bytes = MAX_HANDLE_SZ;
	if (name_to_handle_at(AT_FDCWD, path, fh, &mount_id, 0))
		return tap_fail("name_to_handle_at %s: %s", path, errname(-errno));
	return 0;
}

static int open_handle(int mount_fd, struct file_handle *fh)
{
	int fd = open_by_handle_at(mount_fd, fh, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

static int pre_container(void *arg)
{
	struct container_arg *c = arg;

	c->host_fd = open(HOST "/secret", O_RDONLY);
	c->host_dir_fd = open(HOST, O_RDONLY | O_DIRECTORY);
	if (c->host_fd < 0 || c->host_dir_fd < 0)
		return tap_fail("open %s: %s", HOST "/secret", errname(-errno));
	if (take_handle(HOST "/secret", &c->host_handle.fh))
		return -1;
	if (private_mounts())
		return -1;
	if (mount("tmpfs", HOST "/root", "tmpfs", 0, "mode=0755"))
		return tap_fail("mount tmpfs on %s: %s", HOST "/root", errname(-errno));
	if (mkdirs(HOST "/root/proc") || mkdirs(HOST "/root/etc") ||
	    mkfile(HOST "/root/etc/f", "container\n", 0644))
		return -1;
	if (mount("proc", HOST "/root/proc", "proc", 0, NULL))
		return tap_fail("mount proc: %s", errname(-errno));
	if (chdir(HOST "/root") || mount(".", "/", NULL, MS_MOVE, NULL) || chroot(".") ||
	    chdir("/"))
		return tap_fail("move the new root onto / and chroot: %s", errname(-errno));
	c->own_fd = open("/etc/f", O_RDONLY);
	if (c->own_fd < 0)
		return tap_fail("open /etc/f in the container: %s", errname(-errno));
	return take_handle("/etc/f", &c->own_handle.fh);
}

static int child_container(void *arg)
{
	struct container_arg *c = arg;
	char path[64], buf[16];
	int ret = 0;

	ret |= check_open("/etc/f", O_RDONLY, 0);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", c->host_fd);
	ret |= check_open(path, O_RDONLY, c->unreachable_allowed ? 0 : -EACCES);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", c->own_fd);
	ret |= check_open(path, O_RDONLY, 0);
	/* The same objects through file handles (the leaked fd names the host's mount). */
	ret |= check("open_by_handle_at of the host file",
		     open_handle(c->host_fd, &c->host_handle.fh),
		     c->unreachable_allowed ? 0 : -EACCES);
	ret |= check("open_by_handle_at of a file of the container",
		     open_handle(c->own_fd, &c->own_handle.fh), 0);
	/* Relative to a leaked directory: every name below it is unreachable too. */
	ret |= check("openat(leaked host dir, \"secret\")",
		     as_err(openat(c->host_dir_fd, "secret", O_RDONLY | O_CLOEXEC)),
		     c->unreachable_allowed ? 0 : -EACCES);
	ret |= check("mkdirat(leaked host dir, \"made\")",
		     as_err(mkdirat(c->host_dir_fd, "made", 0755)), -EACCES);
	ret |= check("unlinkat(leaked host dir, \"secret\")",
		     as_err(unlinkat(c->host_dir_fd, "secret", 0)), -EACCES);
	/* Another task's root: pid 1 lives in the host's mount namespace. */
	ret |= check_open("/proc/1/root" HOST "/secret", O_RDONLY,
			  c->unreachable_allowed ? 0 : -EACCES);
	/* What is open stays open: preventing the leak itself is the runtime's job. */
	ret |= check("read(2) on the leaked descriptor itself",
		     pread(c->host_fd, buf, sizeof(buf), 0) < 0 ? -errno : 0, 0);
	return ret;
}

static int case_container_root(void *arg)
{
	/* /proc/1/root is another task's: reaching it needs the kernel rule ptrace too. */
	static const struct cgf_rule_spec opt_in[] = {
		{ .id = 1, .kind = CGFENCE_RULE_FILE, .effect = ALLOW, .perms = R,
		  .path = CGFENCE_OBJECT_UNREACHABLE },
		{ .id = 2, .kind = CGFENCE_RULE_KERNEL, .effect = ALLOW,
		  .kernel_ops = CGFENCE_KERNEL_PTRACE },
	};
	struct container_arg c = { .host_fd = -1, .host_dir_fd = -1, .own_fd = -1 };
	struct box b;
	int ret = -1;

	(void)arg;
	if (mkdirs(HOST "/root") || mkfile(HOST "/secret", "host\n", 0644))
		goto out;
	if (box_make(&b, "box", "f-ctr", ENFORCE, ALLOW, NULL, 0))
		goto out_box;
	if (expect_klog_in(b.dir, pre_container, child_container, &c, "denied op=open",
			   "f-ctr", 0, "unreachable:"))
		goto out_box;
	/* The only way to let it through: a rule naming the kind. */
	box_drop(&b);
	c.unreachable_allowed = true;
	if (box_make_spec(&b, "box", "f-ctr-optin", ENFORCE, ALLOW, opt_in, ARRAY_SIZE(opt_in)))
		goto out_box;
	ret = run_in_cgroup(b.dir, pre_container, child_container, &c);
	if (access(HOST "/made", F_OK) == 0 || access(HOST "/secret", F_OK))
		ret = tap_fail("the container changed the host directory through its descriptor");
out_box:
	box_drop(&b);
out:
	remove_tree(HOST);
	return ret;
}

/*
 * PSEUDO OBJECTS (see PSEUDO_OPEN_ALLOWED / PSEUDO_EXEC_ALLOWED at the top): objects
 * with no path are judged by their kind. Where cgfence allows, the kernel's own answer
 * shows: a pipe re-opens, an anonymous inode has no open (ENXIO), a pipe or a socket
 * cannot be mapped (ENODEV).
 */
static int pseudo_want(bool exec, int kernel_answer)
{
	bool allowed = exec ? PSEUDO_EXEC_ALLOWED : PSEUDO_OPEN_ALLOWED;

	return allowed ? kernel_answer : -EACCES;
}

static int map_fd(int fd, int prot)
{
	void *p = mmap(NULL, 4096, prot, MAP_PRIVATE, fd, 0);

	if (p == MAP_FAILED)
		return -errno;
	munmap(p, 4096);
	return 0;
}

/* What rules naming a kind change; NULL: no such rules. */
struct pseudo_rules {
	bool memfd_exec;	/* allow x memfd: */
	bool pipe_denied;	/* deny rw pipe: */
};

static int child_pseudo(void *arg)
{
	const struct pseudo_rules *k = arg;
	char path[64];
	int pipefd[2], sv[2], efd, mfd, ret = 0;

	if (pipe(pipefd) || socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		return tap_fail("pipe/socketpair: %s", errname(-errno));
	efd = eventfd(0, 0);
	mfd = memfd_create("t_file", 0);
	if (efd < 0 || mfd < 0)
		return tap_fail("eventfd/memfd_create: %s", errname(-errno));
	if (write(mfd, SCRIPT, strlen(SCRIPT)) != (ssize_t)strlen(SCRIPT))
		return tap_fail("write the memfd: %s", errname(-errno));

	snprintf(path, sizeof(path), "/proc/self/fd/%d", pipefd[0]);
	ret |= check("[pseudo] re-open a pipe read-write", try_open(path, O_RDWR),
		     k && k->pipe_denied ? -EACCES : pseudo_want(false, 0));
	snprintf(path, sizeof(path), "/proc/self/fd/%d", efd);
	ret |= check("[pseudo] re-open an eventfd (anon_inode)", try_open(path, O_RDWR),
		     pseudo_want(false, -ENXIO));
	snprintf(path, sizeof(path), "/proc/self/fd/%d", mfd);
	ret |= check("[pseudo] re-open a memfd read-write", try_open(path, O_RDWR),
		     pseudo_want(false, 0));
	ret |= check("[pseudo] mmap a memfd PROT_READ (no exec asked)", map_fd(mfd, PROT_READ), 0);
	ret |= check("[pseudo] mmap a memfd PROT_EXEC", map_fd(mfd, PROT_READ | PROT_EXEC),
		     k && k->memfd_exec ? 0 : pseudo_want(true, 0));
	ret |= check("[pseudo] fexecve a memfd", run_exec(NULL, mfd),
		     k && k->memfd_exec ? 0 : pseudo_want(true, 0));
	ret |= check("[pseudo] mmap a pipe PROT_EXEC", map_fd(pipefd[0], PROT_READ | PROT_EXEC),
		     pseudo_want(true, -ENODEV));
	ret |= check("[pseudo] mmap a unix socket PROT_EXEC", map_fd(sv[0], PROT_READ | PROT_EXEC),
		     pseudo_want(true, -ENODEV));
	/* Unjudged: nothing asks for exec, and a socket is never opened by path. */
	ret |= check("[pseudo] mmap a pipe PROT_READ", map_fd(pipefd[0], PROT_READ), -ENODEV);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", sv[0]);
	ret |= check("[pseudo] re-open a socket (the VFS refuses sockets)", try_open(path, O_RDWR),
		     -ENXIO);
	return ret;
}

static int case_pseudo(void *arg)
{
	const __u8 *file_default = arg;
	static const struct cgf_file_rule everything[] = {
		{ 1, ALLOW, ALL, "/**" },
	};
	struct box b;
	int ret;

	ret = box_make(&b, "box", "f-pseudo", ENFORCE, *file_default,
		       *file_default == DENY ? everything : NULL, *file_default == DENY);
	if (!ret)
		ret = run_in_cgroup(b.dir, NULL, child_pseudo, NULL);
	box_drop(&b);
	return ret;
}

/* Rules may name a kind: "allow x memfd:" lets exec through, "deny rw pipe:" refuses. */
static int case_kind_rules(void *arg)
{
	static const struct cgf_file_rule rules[] = {
		{ 1, ALLOW, X, CGFENCE_OBJECT_MEMFD },
		{ 2, DENY, R | W, CGFENCE_OBJECT_PIPE },
	};
	static const struct pseudo_rules k = { .memfd_exec = true, .pipe_denied = true };
	struct box b;
	int ret;

	(void)arg;
	/* Default allow: the interpreter of the memfd's script (/bin/true) must be allowed. */
	ret = box_make(&b, "box", "f-kinds", ENFORCE, ALLOW, rules, ARRAY_SIZE(rules));
	if (!ret)
		ret = run_in_cgroup(b.dir, NULL, child_pseudo, (void *)&k);
	box_drop(&b);
	return ret;
}

/*
 * Cgroup escapes: a confined task may make and enter a child cgroup (and stays
 * confined there), but may not move into any cgroup outside its attached subtree, and
 * may not use clone3(CLONE_INTO_CGROUP) at all.
 */
#define ESC BASE "/e"

struct escape_arg {
	char box[256];
	char self[200];
	char other[256];
};

static int clone_into(int cgroup_fd)
{
	struct clone_args args = {
		.flags = CLONE_INTO_CGROUP,
		.exit_signal = SIGCHLD,
		.cgroup = cgroup_fd,
	};
	int status;
	long pid;

	pid = syscall(SYS_clone3, &args, sizeof(args));
	if (pid < 0)
		return -errno;
	if (pid == 0)
		_exit(0);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
		return -EPROTO;
	return 0;
}

static int clone_into_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), err;

	if (fd < 0)
		return -errno;
	err = clone_into(fd);
	close(fd);
	return err;
}

static int in_cgroup(const char *dir)
{
	char self[256];

	if (cgroup_self_dir(self, sizeof(self)))
		return tap_fail("read /proc/self/cgroup");
	if (strcmp(self, dir))
		return tap_fail("the task is in %s, want %s", self, dir);
	return 0;
}

static int child_escape(void *arg)
{
	struct escape_arg *e = arg;
	char pid[16], sub[300], procs[320];
	int ret = 0;

	snprintf(pid, sizeof(pid), "%d", getpid());
	snprintf(sub, sizeof(sub), "%s/sub", e->box);
	ret |= check("mkdir a child cgroup of the box", as_err(mkdir(sub, 0755)), 0);
	ret |= check("move into the child cgroup", cgroup_move(sub, getpid()), 0);
	ret |= in_cgroup(sub);
	ret |= check_open(ESC "/secret", O_RDONLY, -EACCES);
	ret |= check_open(ESC "/public", O_RDONLY, 0);

	ret |= check("write own pid to the parent of the box's cgroup.procs",
		     cgroup_move(e->self, getpid()), -EPERM);
	ret |= check("write own pid to the root cgroup.procs", cgroup_move(CGROUP_ROOT, getpid()),
		     -EPERM);
	ret |= check("write own pid to a sibling cgroup's cgroup.procs",
		     cgroup_move(e->other, getpid()), -EPERM);
	snprintf(procs, sizeof(procs), "%s/cgroup.threads", e->self);
	ret |= check("write own tid to the parent's cgroup.threads", write_file(procs, pid),
		     -EPERM);
	ret |= in_cgroup(sub);
	ret |= check("clone3(CLONE_INTO_CGROUP) into the child cgroup", clone_into_dir(sub),
		     -EPERM);
	ret |= check("clone3(CLONE_INTO_CGROUP) into the box's parent", clone_into_dir(e->self),
		     -EPERM);
	/* Back to the box is inside the subtree too. */
	ret |= check("move back into the box", cgroup_move(e->box, getpid()), 0);
	ret |= in_cgroup(e->box);
	/* New namespaces change nothing: confinement follows the cgroup. */
	ret |= check("unshare(CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWNET)",
		     as_err(unshare(CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWNET)), 0);
	ret |= check_open(ESC "/secret", O_RDONLY, -EACCES);
	ret |= check_open(ESC "/public", O_RDONLY, 0);
	return ret;
}

static int case_escape(void *arg)
{
	static const struct cgf_file_rule rules[] = {
		{ 1, DENY, R, ESC "/secret" },
	};
	struct escape_arg *e;
	char sub[300];
	struct box b;
	int ret = -1;

	(void)arg;
	e = shared_alloc(sizeof(*e));
	if (!e)
		return -1;
	if (mkdirs(ESC) || mkfile(ESC "/secret", "x", 0644) || mkfile(ESC "/public", "x", 0644) ||
	    cgroup_self_dir(e->self, sizeof(e->self)))
		goto out;
	snprintf(e->other, sizeof(e->other), "%s/other", e->self);
	if (mkdir(e->other, 0755)) {
		tap_fail("mkdir %s: %s", e->other, errname(-errno));
		goto out;
	}
	if (box_make(&b, "box", "f-escape", ENFORCE, ALLOW, rules, ARRAY_SIZE(rules)))
		goto out_box;
	snprintf(e->box, sizeof(e->box), "%s", b.dir);
	ret = run_in_cgroup(b.dir, NULL, child_escape, e);
	/* Controls: the host does what the container may not. */
	ret |= check("host: clone3(CLONE_INTO_CGROUP) into a sibling cgroup",
		     clone_into_dir(e->other), 0);
	snprintf(sub, sizeof(sub), "%s/sub", b.dir);
	ret |= check("host: clone3(CLONE_INTO_CGROUP) into the box's child cgroup",
		     clone_into_dir(sub), 0);
	rmdir(sub);
out_box:
	box_drop(&b);
	rmdir(e->other);
out:
	remove_tree(ESC);
	munmap(e, sizeof(*e));
	return ret;
}

/* Complain mode: the same decision is computed and logged; nothing is denied. */
#define CMP BASE "/cm"

static int child_complain(void *arg)
{
	(void)arg;
	return check_open(CMP "/f", O_RDONLY, 0);
}

static int child_enforce(void *arg)
{
	(void)arg;
	return check_open(CMP "/f", O_RDONLY, -EACCES);
}

static int case_complain(void *arg)
{
	static const struct cgf_file_rule rules[] = {
		{ 5, DENY, R, CMP "/f" },
	};
	struct cgf_conn c;
	struct box b;
	int ret = -1, err;

	(void)arg;
	if (mkdirs(CMP) || mkfile(CMP "/f", "x", 0644))
		goto out;
	if (box_make(&b, "box", "f-complain", COMPLAIN, ALLOW, rules, ARRAY_SIZE(rules)))
		goto out_box;
	if (expect_klog_in(b.dir, NULL, child_complain, NULL, "would-deny op=open",
			   "f-complain", 5, CMP "/f"))
		goto out_box;
	if (cgf_conn_open(&c))
		goto out_box;
	err = cgf_profile_set_mode(&c, "f-complain", ENFORCE);
	cgf_conn_close(&c);
	if (expect_err("PROFILE_MODE enforce", err, 0))
		goto out_box;
	ret = expect_klog_in(b.dir, NULL, child_enforce, NULL, "denied op=open",
			     "f-complain", 5, CMP "/f");
out_box:
	box_drop(&b);
out:
	remove_tree(CMP);
	return ret;
}

/* Host tasks see no change while a strict profile confines a container beside them. */
#define HST BASE "/host"

struct host_arg {
	volatile int go;
	int result;
};

static int child_strict(void *arg)
{
	struct host_arg *h = arg;
	int i;

	for (i = 0; !h->go && i < 10000; i++)
		usleep(1000);
	/* The control: the profile is in force while the host works. */
	h->result = try_open(HST "/f", O_RDONLY);
	return 0;
}

static int host_ops(void)
{
	char self[256], other[300];
	int fd, ret = 0;

	ret |= check_open(HST "/f", O_RDONLY, 0);
	ret |= check_open(HST "/f", O_WRONLY | O_APPEND, 0);
	ret |= check_open(HST "/f", O_RDWR | O_TRUNC, 0);
	ret |= check_open(HST "/new", O_CREAT | O_EXCL | O_WRONLY, 0);
	ret |= check("host: mkdir", as_err(mkdir(HST "/d", 0755)), 0);
	ret |= check("host: symlink", as_err(symlink("f", HST "/sym")), 0);
	ret |= check("host: link", as_err(link(HST "/f", HST "/hl")), 0);
	ret |= check("host: rename", as_err(rename(HST "/hl", HST "/hl2")), 0);
	ret |= check("host: chmod", as_err(chmod(HST "/f", 0644)), 0);
	ret |= check("host: chown", as_err(chown(HST "/f", 0, 0)), 0);
	ret |= check("host: truncate", as_err(truncate(HST "/f", 0)), 0);
	ret |= check("host: unlink", as_err(unlink(HST "/hl2")), 0);
	ret |= check("host: rmdir", as_err(rmdir(HST "/d")), 0);
	ret |= check("host: exec", run_exec(HST "/script", -1), 0);
	ret |= check("host: mmap PROT_EXEC", map_file(HST "/script", PROT_READ | PROT_EXEC, false),
		     0);
	fd = memfd_create("host", 0);
	ret |= check("host: mmap a memfd PROT_EXEC", fd < 0 ? -errno :
		     map_fd(fd, PROT_READ | PROT_EXEC), 0);
	if (fd >= 0)
		close(fd);
	if (cgroup_self_dir(self, sizeof(self)))
		return -1;
	snprintf(other, sizeof(other), "%s/other", self);
	ret |= check("host: mkdir a cgroup", as_err(mkdir(other, 0755)), 0);
	ret |= check("host: clone3(CLONE_INTO_CGROUP)", clone_into_dir(other), 0);
	ret |= check("host: rmdir the cgroup", as_err(rmdir(other)), 0);
	return ret;
}

static int case_host_unaffected(void *arg)
{
	struct host_arg *h;
	struct box b;
	pid_t pid;
	int ret = -1;

	(void)arg;
	h = shared_alloc(sizeof(*h));
	if (!h)
		return -1;
	if (mkdirs(HST) || mkfile(HST "/f", "x", 0644) || mkfile(HST "/script", SCRIPT, 0755))
		goto out;
	/* Default deny, no rule: the strictest profile there is. */
	if (box_make(&b, "box", "f-strict", ENFORCE, DENY, NULL, 0))
		goto out_box;
	pid = start_in_cgroup(b.dir, NULL, child_strict, h);
	if (pid < 0)
		goto out_box;
	ret = host_ops();
	h->go = 1;
	if (finish_child(pid))
		ret = -1;
	else if (check("the confined task meanwhile: open", h->result, -EACCES))
		ret = -1;
out_box:
	box_drop(&b);
out:
	remove_tree(HST);
	munmap(h, sizeof(*h));
	return ret;
}

/* Nested attachments: a task must pass every attached ancestor. */
#define NST BASE "/n"

struct nested_expect {
	int a, b, c;
};

static int child_nested(void *arg)
{
	const struct nested_expect *e = arg;

	return check_open(NST "/a", O_RDONLY, e->a) | check_open(NST "/b", O_RDONLY, e->b) |
	       check_open(NST "/c", O_RDONLY, e->c);
}

static int case_nested(void *arg)
{
	static const struct cgf_file_rule outer_rules[] = { { 1, DENY, R, NST "/a" } };
	static const struct cgf_file_rule inner_rules[] = { { 1, DENY, R, NST "/b" } };
	struct nested_expect in_inner = { -EACCES, -EACCES, 0 };
	struct nested_expect in_outer = { -EACCES, 0, 0 };
	struct nested_expect outer_complains = { 0, -EACCES, 0 };
	struct box outer, inner = { 0 };
	struct cgf_conn c;
	int ret = -1, err;

	(void)arg;
	if (mkdirs(NST) || mkfile(NST "/a", "a", 0644) || mkfile(NST "/b", "b", 0644) ||
	    mkfile(NST "/c", "c", 0644))
		goto out;
	if (box_make(&outer, "box", "f-outer", ENFORCE, ALLOW, outer_rules, 1) ||
	    box_make(&inner, "box/inner", "f-inner", ENFORCE, ALLOW, inner_rules, 1))
		goto out_box;
	if (run_in_cgroup(inner.dir, NULL, child_nested, &in_inner) ||
	    run_in_cgroup(outer.dir, NULL, child_nested, &in_outer))
		goto out_box;
	/* An ancestor in complain mode reports but no longer refuses; the inner one still does. */
	if (cgf_conn_open(&c))
		goto out_box;
	err = cgf_profile_set_mode(&c, "f-outer", COMPLAIN);
	cgf_conn_close(&c);
	if (expect_err("PROFILE_MODE f-outer complain", err, 0))
		goto out_box;
	ret = run_in_cgroup(inner.dir, NULL, child_nested, &outer_complains);
out_box:
	box_drop(&inner);
	box_drop(&outer);
out:
	remove_tree(NST);
	return ret;
}


/*
 * O_TMPFILE makes a file without a name and linkat() gives it one: together a
 * creation. Where 'c' is denied, no new name may come out of it, whichever step is
 * refused; where 'c' is allowed (control), it works.
 */
#define TMPF BASE "/tmpf"

static int tmpfile_link(const char *dir, const char *name, int *open_err, int *link_err)
{
	char proc[64], target[256];
	int fd;

	*link_err = -ENOENT;
	fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644);
	*open_err = fd < 0 ? -errno : 0;
	if (fd < 0)
		return *open_err;
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	snprintf(target, sizeof(target), "%s/%s", dir, name);
	*link_err = as_err(linkat(AT_FDCWD, proc, AT_FDCWD, target, AT_SYMLINK_FOLLOW));
	close(fd);
	return *link_err;
}

static int child_tmpfile(void *arg)
{
	int open_err, link_err, ret = 0;
	struct stat st;

	(void)arg;
	tmpfile_link(TMPF "/yes", "made", &open_err, &link_err);
	ret |= check("control: O_TMPFILE where c is allowed", open_err, 0);
	ret |= check("control: linkat of it where c is allowed", link_err, 0);

	/* O_CREAT through a dangling symlink creates at its target: judged there. */
	ret |= check_open(TMPF "/yes/dangling", O_CREAT | O_WRONLY, -EACCES);
	ret |= check("control: nothing was created at the link's target",
		     access(TMPF "/no_c/target", F_OK) ? -errno : 0, -ENOENT);

	tmpfile_link(TMPF "/no_c", "made", &open_err, &link_err);
	tap_diag("where c is denied: O_TMPFILE %s, linkat %s", errname(open_err),
		 errname(link_err));
	if (stat(TMPF "/no_c/made", &st) == 0)
		ret |= tap_fail("O_TMPFILE + linkat created %s/made where c is denied",
				TMPF "/no_c");
	else if (open_err != -EACCES && link_err != -EACCES)
		ret |= tap_fail("neither step was refused with EACCES");
	return ret;
}

static int case_tmpfile(void *arg)
{
	static const struct cgf_file_rule rules[] = {
		{ 1, DENY, C, TMPF "/no_c/**" },
	};
	struct box b;
	int ret = -1;

	(void)arg;
	if (mkdirs(TMPF "/yes") || mkdirs(TMPF "/no_c") ||
	    symlink("../no_c/target", TMPF "/yes/dangling"))
		goto out;
	if (box_make(&b, "box", "f-tmpfile", ENFORCE, ALLOW, rules, ARRAY_SIZE(rules)))
		goto out_box;
	ret = run_in_cgroup(b.dir, NULL, child_tmpfile, NULL);
out_box:
	box_drop(&b);
out:
	remove_tree(TMPF);
	return ret;
}

/*
 * A path longer than PATH_MAX cannot be named, so it cannot be judged: fail closed,
 * even under a profile that allows everything. The host reaches it as before.
 */
#define DEEP BASE "/deep"
#define DEEP_LEVELS 24

static int deep_dirfd(void)
{
	char comp[201];
	int fd, next, i;

	memset(comp, 'd', sizeof(comp) - 1);
	comp[sizeof(comp) - 1] = '\0';
	fd = open(DEEP, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	for (i = 0; fd >= 0 && i < DEEP_LEVELS; i++) {
		next = openat(fd, comp, O_PATH | O_DIRECTORY | O_CLOEXEC);
		close(fd);
		fd = next;
	}
	return fd < 0 ? -errno : fd;
}

static int open_deep(int want)
{
	int dirfd = deep_dirfd(), fd, err;

	if (dirfd < 0)
		return tap_fail("walk down the deep tree: %s", errname(dirfd));
	fd = openat(dirfd, "f", O_RDONLY | O_CLOEXEC);
	err = fd < 0 ? -errno : 0;
	if (fd >= 0)
		close(fd);
	close(dirfd);
	return check("open a file " "about 4900 bytes below " DEEP, err, want);
}

/* nftw() stops at PATH_MAX: remove by descriptors, depth first. */
static void rm_tree_at(int dirfd, const char *name)
{
	struct dirent *e;
	DIR *dir;
	int fd;

	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		unlinkat(dirfd, name, 0);
		return;
	}
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return;
	}
	while ((e = readdir(dir)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			rm_tree_at(fd, e->d_name);
	closedir(dir);
	unlinkat(dirfd, name, AT_REMOVEDIR);
}

static int child_deep(void *arg)
{
	(void)arg;
	return open_deep(-EACCES) | check_open(DEEP "/short", O_RDONLY, 0);
}

static int case_deep(void *arg)
{
	char comp[201];
	int fd, next, i, ret = -1;
	struct box b;

	(void)arg;
	memset(comp, 'd', sizeof(comp) - 1);
	comp[sizeof(comp) - 1] = '\0';
	if (mkdirs(DEEP) || mkfile(DEEP "/short", "x", 0644))
		goto out;
	fd = open(DEEP, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	for (i = 0; fd >= 0 && i < DEEP_LEVELS; i++) {
		if (mkdirat(fd, comp, 0755) && errno != EEXIST)
			break;
		next = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		close(fd);
		fd = next;
	}
	if (fd < 0 || i < DEEP_LEVELS) {
		tap_fail("build the deep tree: %s", errname(-errno));
		goto out;
	}
	next = openat(fd, "f", O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	close(fd);
	if (next < 0) {
		tap_fail("create the deep file: %s", errname(-errno));
		goto out;
	}
	close(next);
	if (box_make(&b, "box", "f-deep", ENFORCE, ALLOW, NULL, 0))
		goto out_box;
	if (run_in_cgroup(b.dir, NULL, child_deep, NULL))
		goto out_box;
	ret = open_deep(0);
out_box:
	box_drop(&b);
out:
	rm_tree_at(AT_FDCWD, DEEP);
	return ret;
}

/*
 * Names are copied component by component, short ones by overlapping words from their
 * end: every length from 1 byte to past the longest name a dentry holds inline (31 on
 * 6.1, 39 on 6.12), as a directory and as the file below it, must come out exactly.
 * Only the exact names are allowed; twins that differ in the first or the last byte
 * are not.
 */
#define LENS BASE "/len"
#define LENS_MAX 48

static void lens_name(char *name, unsigned int len, unsigned int seed, char first, char last)
{
	unsigned int i;

	for (i = 0; i < len; i++)
		name[i] = 'a' + (i * 7 + seed) % 26;
	name[len] = '\0';
	if (first)
		name[0] = first;
	if (last)
		name[len - 1] = last;
}

/* LENS/<dir of @len bytes>/<file of LENS_MAX + 1 - @len bytes>, or a twin of the file. */
static const char *lens_path(unsigned int len, char first, char last)
{
	static char path[4][160];
	static unsigned int next;
	char dir[LENS_MAX + 1], file[LENS_MAX + 1], *p = path[next++ % 4];

	lens_name(dir, len, len, 0, 0);
	lens_name(file, LENS_MAX + 1 - len, 100 + len, first, last);
	snprintf(p, sizeof(path[0]), "%s/%s/%s", LENS, dir, file);
	return p;
}

static int child_name_lengths(void *arg)
{
	unsigned int len;
	int ret = 0;

	(void)arg;
	for (len = 1; len <= LENS_MAX; len++) {
		ret |= check_open(lens_path(len, 0, 0), O_RDONLY, 0);
		ret |= check_open(lens_path(len, 0, 'Z'), O_RDONLY, -EACCES);
		ret |= check_open(lens_path(len, 'Z', 0), O_RDONLY, -EACCES);
	}
	return ret;
}

static int case_name_lengths(void *arg)
{
	static char rule_paths[LENS_MAX][160];
	struct cgf_file_rule rules[LENS_MAX];
	unsigned int len;
	struct box b;
	int ret = -1;

	(void)arg;
	for (len = 1; len <= LENS_MAX; len++) {
		const char *exact = lens_path(len, 0, 0);
		char dir[160];

		snprintf(dir, sizeof(dir), "%s", exact);
		*strrchr(dir, '/') = '\0';
		if (mkdirs(dir) || mkfile(exact, "x", 0644) ||
		    mkfile(lens_path(len, 0, 'Z'), "x", 0644) ||
		    mkfile(lens_path(len, 'Z', 0), "x", 0644))
			goto out;
		snprintf(rule_paths[len - 1], sizeof(rule_paths[0]), "%s", exact);
		rules[len - 1] = (struct cgf_file_rule){ len, ALLOW, R, rule_paths[len - 1] };
	}
	if (box_make(&b, "box", "f-lens", ENFORCE, DENY, rules, LENS_MAX))
		goto out_box;
	ret = run_in_cgroup(b.dir, NULL, child_name_lengths, NULL);
	/* The host is not confined: the twins open there. */
	ret |= check_open(lens_path(1, 0, 'Z'), O_RDONLY, 0);
	ret |= check_open(lens_path(LENS_MAX, 'Z', 0), O_RDONLY, 0);
out_box:
	box_drop(&b);
out:
	remove_tree(LENS);
	return ret;
}

/*
 * The lockless walk keeps a few bytes of the name buffer in reserve and leaves a name
 * that reaches into them to the kernel's walk: both must name a path of any length up
 * to PATH_MAX - 1 bytes alike, and one of PATH_MAX bytes cannot be named (fail closed).
 * Each tree's file "keep" is allowed, its sibling "deny" (same length) is not.
 */
#define EDGE BASE "/edge"

static const unsigned int edge_lengths[] = { 4070, 4087, 4088, 4094, 4095, 4096 };

/* The directory under EDGE whose files "keep" and "deny" have paths of @total bytes. */
static int edge_dir(unsigned int total, bool make)
{
	char comp[256];
	unsigned int room;
	int fd, next;

	snprintf(comp, sizeof(comp), "t%u", total);
	room = total - strlen(EDGE) - strlen("/keep");
	fd = open(EDGE, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	while (fd >= 0 && room) {
		if (make && mkdirat(fd, comp, 0755) && errno != EEXIST) {
			next = -errno;
			close(fd);
			return next;
		}
		next = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		close(fd);
		fd = next;
		room -= strlen(comp) + 1;
		/* 200-byte components, then the rest (at least 55 bytes) in one. */
		memset(comp, 'e', 255);
		if (room)
			comp[room > 256 ? 200 : room - 1] = '\0';
	}
	return fd < 0 ? -errno : fd;
}

static int mkfile_at(int dirfd, const char *name)
{
	int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

	if (fd < 0)
		return tap_fail("create %s in a deep tree: %s", name, errname(-errno));
	close(fd);
	return 0;
}

static int open_edge(unsigned int total, const char *file, int want)
{
	char what[96];
	int dirfd = edge_dir(total, false), fd, err;

	if (dirfd < 0)
		return tap_fail("walk down the %u-byte tree: %s", total, errname(dirfd));
	fd = openat(dirfd, file, O_RDONLY | O_CLOEXEC);
	err = fd < 0 ? -errno : 0;
	if (fd >= 0)
		close(fd);
	close(dirfd);
	snprintf(what, sizeof(what), "open(%s/.../%s), %u bytes in all", EDGE, file, total);
	return check(what, err, want);
}

static int child_edge(void *arg)
{
	unsigned int i, total;
	int ret = 0;

	(void)arg;
	for (i = 0; i < ARRAY_SIZE(edge_lengths); i++) {
		total = edge_lengths[i];
		ret |= open_edge(total, "keep", total < PATH_MAX ? 0 : -EACCES);
		ret |= open_edge(total, "deny", -EACCES);
	}
	return ret;
}

/* The tree really is @total bytes long: what the kernel itself calls the file. */
static int edge_check_length(unsigned int total)
{
	char link[64], target[PATH_MAX + 1];
	int dirfd = edge_dir(total, false), fd;
	ssize_t n;

	if (dirfd < 0)
		return tap_fail("walk down the %u-byte tree: %s", total, errname(dirfd));
	fd = openat(dirfd, "keep", O_RDONLY | O_CLOEXEC);
	close(dirfd);
	if (fd < 0)
		return tap_fail("host: open the %u-byte file: %s", total, errname(-errno));
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof(target));
	close(fd);
	if (total < PATH_MAX && n != (ssize_t)total)
		return tap_fail("the %u-byte tree's file is %zd bytes long", total, n);
	if (total >= PATH_MAX && n >= 0)
		return tap_fail("the %u-byte tree's file has a %zd-byte name", total, n);
	return 0;
}

static int case_edge(void *arg)
{
	static const struct cgf_file_rule rules[] = {
		{ 1, ALLOW, R, EDGE "/**" },
		{ 2, DENY, R, EDGE "/**/deny" },
	};
	unsigned int i;
	struct box b;
	int ret = -1, fd;

	(void)arg;
	if (mkdirs(EDGE))
		goto out;
	for (i = 0; i < ARRAY_SIZE(edge_lengths); i++) {
		fd = edge_dir(edge_lengths[i], true);
		if (fd < 0) {
			tap_fail("build the %u-byte tree: %s", edge_lengths[i], errname(fd));
			goto out;
		}
		if (mkfile_at(fd, "keep") || mkfile_at(fd, "deny")) {
			close(fd);
			goto out;
		}
		close(fd);
		if (edge_check_length(edge_lengths[i]))
			goto out;
	}
	if (box_make(&b, "box", "f-edge", ENFORCE, DENY, rules, ARRAY_SIZE(rules)))
		goto out_box;
	ret = run_in_cgroup(b.dir, NULL, child_edge, NULL);
	/* The host opens every one. */
	for (i = 0; i < ARRAY_SIZE(edge_lengths); i++)
		ret |= open_edge(edge_lengths[i], "deny", 0);
out_box:
	box_drop(&b);
out:
	rm_tree_at(AT_FDCWD, EDGE);
	return ret;
}

static int case_load(void *arg)
{
	(void)arg;
	return expect_err("finit_module(cgfence.ko)", cgf_load(), 0);
}

static int case_unload(void *arg)
{
	struct cgf_status st;

	(void)arg;
	if (expect_err("STATUS", cgf_status_query(&st), 0))
		return -1;
	if (st.profiles || st.attachments)
		tap_diag("left in the store: %u profiles, %u attachments", st.profiles,
			 st.attachments);
	return expect_err("delete_module(cgfence)", cgf_unload(), 0);
}

int main(int argc, char **argv)
{
	static const __u8 def_allow = ALLOW, def_deny = DENY;
	char desc[160];
	unsigned int i;

	tap_init(argc, argv);
	tap_plan(22 + ARRAY_SIZE(perm_cases));
	remove_tree(BASE);
	mkdirs(BASE);
	tap_case("insmod cgfence.ko", case_load, NULL);
	/* The cases that read the kernel log first: later ones flood its rate limit. */
	tap_case("deny wins over any allow; default deny leaves unlisted permissions denied; logged",
		 case_deny_over_allow, NULL);
	tap_case("default allow vs default deny with no rules; denial logged with rule=0",
		 case_default, NULL);
	tap_case("container root (MS_MOVE + chroot): leaked host fd re-opened: unreachable, EACCES;"
		 " allowed by allow r unreachable: (and kernel ptrace for /proc/1/root)",
		 case_container_root, NULL);
	tap_case("complain mode: allowed and logged as would-deny; enforce: EACCES and denied",
		 case_complain, NULL);
	tap_case("matrix control: default deny, allow all under /: every operation succeeds",
		 case_matrix, (void *)&perm_cases[0]);
	for (i = 1; i < ARRAY_SIZE(perm_cases); i++) {
		snprintf(desc, sizeof(desc),
			 "matrix: deny '%c' in one directory: exactly the operations needing it EACCES",
			 perm_cases[i].letter);
		tap_case(desc, case_matrix, (void *)&perm_cases[i]);
	}
	tap_case("globs: '*' and '?' within a component, '**' across components, '\\*' literal",
		 case_globs, NULL);
	tap_case("symlinks are followed: into a denied tree EACCES, out of it allowed",
		 case_symlinks, NULL);
	tap_case("link and rename may not widen access (EACCES) but may narrow it; directories",
		 case_links, NULL);
	tap_case("re-open through /proc/self/fd for writing: EACCES where w is denied, else allowed",
		 case_proc_fd, NULL);
	tap_case("chroot inside the container: names still judged from the namespace root",
		 case_chroot, NULL);
	tap_case("a directory renamed out of a bind mount: names below its descriptor unreachable"
		 " (EACCES), the same file by its path allowed; allowed by allow r unreachable:",
		 case_escaped_bind, NULL);
	tap_case("[pseudo] pipe, eventfd, memfd, socket under default allow: open yes, exec no",
		 case_pseudo, (void *)&def_allow);
	tap_case("[pseudo] pipe, eventfd, memfd, socket under default deny + allow /**: same",
		 case_pseudo, (void *)&def_deny);
	tap_case("rules naming a kind: allow x memfd: lets exec through, deny rw pipe: refuses",
		 case_kind_rules, NULL);
	tap_case("cgroup escapes: child cgroup ok, still confined (new namespaces too); outside EPERM;"
		 " clone3 EPERM",
		 case_escape, NULL);
	tap_case("host tasks are unaffected while a default-deny container runs beside them",
		 case_host_unaffected, NULL);
	tap_case("nested attachments intersect; an ancestor in complain mode only reports",
		 case_nested, NULL);
	tap_case("O_TMPFILE + linkat: no new name where 'c' is denied; works where allowed",
		 case_tmpfile, NULL);
	tap_case("a path longer than PATH_MAX: EACCES (fail closed) under default allow; host ok",
		 case_deep, NULL);
	tap_case("names of 1 to 48 bytes, inline and not, named exactly: the exact name allowed,"
		 " twins differing in the first or last byte EACCES; host ok",
		 case_name_lengths, NULL);
	tap_case("paths of 4070 to 4095 bytes named alike by either walk (keep allowed, deny EACCES);"
		 " 4096 bytes fail closed; host ok",
		 case_edge, NULL);
	tap_case("rmmod cgfence", case_unload, NULL);
	remove_tree(BASE);
	return tap_done();
}
