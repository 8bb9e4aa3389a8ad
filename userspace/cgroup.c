// SPDX-License-Identifier: GPL-2.0
/* Naming a cgroup on the command line: paths and pids to cgroup v2 directories and their ids. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <linux/magic.h>

#include "cgroup.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC	0x63677270
#endif
#ifndef CGROUP_SUPER_MAGIC
#define CGROUP_SUPER_MAGIC	0x27e0eb
#endif

/* The whole of a small /proc file; NULL with errno set on failure. */
static char *read_file(const char *path)
{
	size_t len = 0, cap = 4096, n;
	char *buf = malloc(cap), *p;
	FILE *f = fopen(path, "re");

	if (!f || !buf)
		goto fail;
	while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (cap - len > 1)
			continue;
		cap *= 2;
		p = realloc(buf, cap);
		if (!p)
			goto fail;
		buf = p;
	}
	if (ferror(f))
		goto fail;
	fclose(f);
	buf[len] = '\0';
	return buf;
fail:
	n = errno;
	if (f)
		fclose(f);
	free(buf);
	errno = n ? (int)n : ENOMEM;
	return NULL;
}

/*
 * Copies the space-delimited field at *@p into @buf, undoing mountinfo's octal
 * escapes (a space in a mount point is "\040"), and moves *@p past it.
 */
static int next_field(const char **p, char *buf, size_t len)
{
	const char *s = *p;
	size_t n = 0;

	while (*s == ' ')
		s++;
	if (!*s || *s == '\n')
		return -EBADMSG;
	while (*s && *s != ' ' && *s != '\n') {
		char c = *s++;

		if (c == '\\' && s[0] >= '0' && s[0] <= '3' && s[1] >= '0' && s[1] <= '7' &&
		    s[2] >= '0' && s[2] <= '7') {
			c = (char)((s[0] - '0') << 6 | (s[1] - '0') << 3 | (s[2] - '0'));
			s += 3;
		}
		if (n + 1 >= len)
			return -ENAMETOOLONG;
		buf[n++] = c;
	}
	buf[n] = '\0';
	*p = s;
	return 0;
}

/* Fills @mnt with the mount point of the mountinfo line at @line if it is cgroup2. */
static int mountinfo_line(const char *line, char *root, char *mnt, size_t len)
{
	char field[PATH_MAX];
	const char *p = line;
	int i, err;

	/* ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTS */
	for (i = 0; i < 3; i++)
		if (next_field(&p, field, sizeof(field)))
			return -EBADMSG;
	err = next_field(&p, root, PATH_MAX) ?: next_field(&p, mnt, len);
	if (err)
		return err;
	do {
		if (next_field(&p, field, sizeof(field)))
			return -EBADMSG;
	} while (strcmp(field, "-"));
	if (next_field(&p, field, sizeof(field)))
		return -EBADMSG;
	return strcmp(field, "cgroup2") ? -ENOENT : 0;
}

int cgf_cgroup2_mount_parse(const char *text, char *buf, size_t len)
{
	char root[PATH_MAX], mnt[PATH_MAX];
	const char *line, *end;
	bool have = false;

	for (line = text; *line; line = *end ? end + 1 : end) {
		end = strchrnul(line, '\n');
		if (mountinfo_line(line, root, mnt, sizeof(mnt)))
			continue;
		/* A bind mount of a subtree cannot hold the paths /proc/PID/cgroup names. */
		if (have && strcmp(root, "/"))
			continue;
		if (strlen(mnt) >= len)
			return -ENAMETOOLONG;
		strcpy(buf, mnt);
		have = true;
		if (!strcmp(root, "/"))
			break;
	}
	return have ? 0 : -ENOENT;
}

void cgf_cgroup2_mount(char *buf, size_t len)
{
	char *text = read_file("/proc/self/mountinfo");

	if (!text || cgf_cgroup2_mount_parse(text, buf, len))
		snprintf(buf, len, "%s", CGF_CGROUP2_DEFAULT_MOUNT);
	free(text);
}

int cgf_proc_cgroup_parse(const char *text, char *buf, size_t len)
{
	static const char deleted[] = " (deleted)";
	const char *line, *end;
	size_t n;

	for (line = text; *line; line = *end ? end + 1 : end) {
		end = strchrnul(line, '\n');
		if (strncmp(line, "0::", 3))
			continue;
		line += 3;
		n = end - line;
		if (n >= sizeof(deleted) - 1 &&
		    !memcmp(end - (sizeof(deleted) - 1), deleted, sizeof(deleted) - 1))
			return -ESTALE;
		if (!n || line[0] != '/')
			return -EBADMSG;
		if (n >= len)
			return -ENAMETOOLONG;
		memcpy(buf, line, n);
		buf[n] = '\0';
		return 0;
	}
	return -ENOENT;
}

int cgf_cgroup_open_dir(const char *dir, struct cgf_cgroup *cg, char *err, size_t len)
{
	struct statfs sfs;
	struct stat st;

	memset(cg, 0, sizeof(*cg));
	if (strlen(dir) >= sizeof(cg->path)) {
		snprintf(err, len, "%.64s...: path too long", dir);
		return -ENAMETOOLONG;
	}
	if (stat(dir, &st) || statfs(dir, &sfs)) {
		int e = errno;

		if (e == ENOENT)
			snprintf(err, len, "%s: no such cgroup (the directory does not exist)",
				 dir);
		else
			snprintf(err, len, "%s: %s", dir, strerror(e));
		return -e;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, len, "%s: not a directory, so not a cgroup", dir);
		return -ENOTDIR;
	}
	if (sfs.f_type == CGROUP_SUPER_MAGIC) {
		snprintf(err, len, "%s: a cgroup v1 directory; cgfence confines by cgroup v2 only",
			 dir);
		return -EMEDIUMTYPE;
	}
	if (sfs.f_type != CGROUP2_SUPER_MAGIC) {
		snprintf(err, len,
			 "%s: not a cgroup v2 directory (filesystem type 0x%lx, not cgroup2)", dir,
			 (unsigned long)sfs.f_type);
		return -EMEDIUMTYPE;
	}
	strcpy(cg->path, dir);
	cg->id = st.st_ino;
	cg->dev = st.st_dev;
	return 0;
}

/* Joins @mount and @rel (leading slashes dropped) into @out. */
static int join(const char *mount, const char *rel, char *out, size_t len)
{
	size_t m = strlen(mount);
	int n;

	while (*rel == '/')
		rel++;
	while (m > 1 && mount[m - 1] == '/')
		m--;
	if (!*rel)
		n = snprintf(out, len, "%.*s", (int)m, mount);
	else
		n = snprintf(out, len, "%.*s/%s", (int)m, mount, rel);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static bool under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (n == 1 && dir[0] == '/')
		return path[0] == '/';
	return !strncmp(path, dir, n) && (path[n] == '/' || !path[n]);
}

int cgf_cgroup_resolve_path(const char *mount, const char *arg, struct cgf_cgroup *cg,
			    char *err, size_t len)
{
	char dir[PATH_MAX];
	struct stat st;

	if (!arg[0]) {
		snprintf(err, len, "an empty cgroup path");
		return -EINVAL;
	}
	/* "/" is the root cgroup, not the root directory. */
	if (arg[0] == '/' && arg[strspn(arg, "/")] && (under(arg, mount) || !stat(arg, &st)))
		return cgf_cgroup_open_dir(arg, cg, err, len);
	if (join(mount, arg, dir, sizeof(dir))) {
		snprintf(err, len, "%.64s...: path too long", arg);
		return -ENAMETOOLONG;
	}
	return cgf_cgroup_open_dir(dir, cg, err, len);
}

int cgf_cgroup_resolve_pid(const char *mount, const char *proc, pid_t pid,
			   struct cgf_cgroup *cg, char *err, size_t len)
{
	char file[PATH_MAX], path[PATH_MAX], dir[PATH_MAX];
	char *text;
	int rc;

	memset(cg, 0, sizeof(*cg));
	snprintf(file, sizeof(file), "%s/%d/cgroup", proc, (int)pid);
	text = read_file(file);
	if (!text) {
		rc = errno;
		if (rc == ENOENT) {
			snprintf(err, len, "no process with pid %d", (int)pid);
			return -ESRCH;
		}
		snprintf(err, len, "%s: %s", file, strerror(rc));
		return -rc;
	}
	rc = cgf_proc_cgroup_parse(text, path, sizeof(path));
	free(text);
	switch (rc) {
	case 0:
		break;
	case -ENOENT:
		snprintf(err, len, "process %d is in no cgroup v2 (%s has no \"0::\" line)",
			 (int)pid, file);
		return rc;
	case -ESTALE:
		snprintf(err, len, "the cgroup of process %d has been removed", (int)pid);
		return rc;
	default:
		snprintf(err, len, "%s: %s", file, strerror(-rc));
		return rc;
	}
	/* "/../x": the process is outside this tool's cgroup namespace. */
	if (strstr(path, "/../") || !strcmp(path, "/..") ||
	    (strlen(path) >= 3 && !strcmp(path + strlen(path) - 3, "/.."))) {
		snprintf(err, len, "process %d is outside this cgroup namespace (%s)", (int)pid,
			 path);
		return -EXDEV;
	}
	if (join(mount, path, dir, sizeof(dir))) {
		snprintf(err, len, "the cgroup path of process %d is too long", (int)pid);
		return -ENAMETOOLONG;
	}
	return cgf_cgroup_open_dir(dir, cg, err, len);
}

int cgf_cgroup_holds_pid(const char *mount, const char *proc, pid_t pid,
			 const struct cgf_cgroup *cg)
{
	char err[CGF_CGROUP_ERR_MAX];
	struct cgf_cgroup own;
	struct stat st;
	char *slash;
	int rc;

	rc = cgf_cgroup_resolve_pid(mount, proc, pid, &own, err, sizeof(err));
	if (rc)
		return rc;
	/* Upwards by inode, so the way either directory was named does not matter. */
	for (;;) {
		if (stat(own.path, &st))
			return -errno;
		if (st.st_ino == cg->id && st.st_dev == cg->dev)
			return 1;
		if (under(mount, own.path))
			return 0;
		slash = strrchr(own.path, '/');
		if (!slash || slash == own.path)
			return 0;
		*slash = '\0';
	}
}
