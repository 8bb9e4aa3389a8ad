/* SPDX-License-Identifier: GPL-2.0 */
/* Naming a cgroup on the command line: paths and pids to cgroup v2 directories and their ids. */
#ifndef CGF_CGROUP_H
#define CGF_CGROUP_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Where cgroup2 usually is, when /proc/self/mountinfo names no mount. */
#define CGF_CGROUP2_DEFAULT_MOUNT	"/sys/fs/cgroup"

/* Room for the messages below, which quote a path. */
#define CGF_CGROUP_ERR_MAX		(PATH_MAX + 128)

struct cgf_cgroup {
	char path[PATH_MAX];	/* the directory, as this tool reached it */
	uint64_t id;		/* its inode number: the kernel's cgroup id */
	dev_t dev;
};

/*
 * The mount point of cgroup2 in mountinfo @text (the format of /proc/self/mountinfo),
 * preferring a mount of the hierarchy's root, with octal escapes undone. Returns 0,
 * -ENOENT when no cgroup2 mount is listed, -ENAMETOOLONG.
 */
int cgf_cgroup2_mount_parse(const char *text, char *buf, size_t len);

/* The same for this process, from /proc/self/mountinfo; the default when none is found. */
void cgf_cgroup2_mount(char *buf, size_t len);

/*
 * The cgroup v2 path ("/a/b", relative to the cgroup namespace's root) in @text, the
 * format of /proc/PID/cgroup. Returns 0, -ENOENT when no "0::" line is there, -ESTALE
 * when the cgroup has been removed, -ENAMETOOLONG, -EBADMSG for a malformed line.
 */
int cgf_proc_cgroup_parse(const char *text, char *buf, size_t len);

/*
 * Opens the directory @dir and checks that it is a cgroup v2 one. Returns 0 with @cg
 * filled, or a negative errno with a message in @err naming the directory:
 * -ENOENT, -ENOTDIR, -EMEDIUMTYPE (another filesystem, cgroup v1 included), others
 * from stat().
 */
int cgf_cgroup_open_dir(const char *dir, struct cgf_cgroup *cg, char *err, size_t len);

/*
 * Resolves CGROUP_PATH as the user wrote it. A path under @mount is taken as it is, so
 * is another absolute path that exists (to tell what is wrong with it); anything
 * else is relative to @mount ("web", "/web", "system.slice/x", "/" for the root).
 */
int cgf_cgroup_resolve_path(const char *mount, const char *arg, struct cgf_cgroup *cg,
			    char *err, size_t len);

/*
 * The cgroup v2 directory process @pid belongs to, from @proc/@pid/cgroup (@proc is
 * "/proc" but for tests). Returns what cgf_cgroup_open_dir() returns, or -ESRCH when
 * there is no such process.
 */
int cgf_cgroup_resolve_pid(const char *mount, const char *proc, pid_t pid,
			   struct cgf_cgroup *cg, char *err, size_t len);

/*
 * Whether process @pid is in @cg or in a cgroup below it: attaching a profile there
 * would confine that process too. Returns 1, 0, or a negative errno when it cannot
 * tell.
 */
int cgf_cgroup_holds_pid(const char *mount, const char *proc, pid_t pid,
			 const struct cgf_cgroup *cg);

#endif /* CGF_CGROUP_H */
