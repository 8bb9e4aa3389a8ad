/* SPDX-License-Identifier: GPL-2.0 */
/* cgfence mount view: every mount of the caller's namespace through which it sees a dentry. */
#ifndef _CGFENCE_MOUNT_VIEW_H
#define _CGFENCE_MOUNT_VIEW_H

#include <linux/types.h>

struct dentry;
struct path;
struct vfsmount;

/* A file is rarely shown by more mounts; more are judged as unreachable (fail closed). */
#define CGF_MOUNT_VIEW_MAX 16

struct cgf_mount_view {
	struct vfsmount *mnts[CGF_MOUNT_VIEW_MAX];
	unsigned int nr;
	bool overflow;
};

/*
 * Fill @view with the mounts of the caller's mount namespace whose tree holds @dentry
 * and which @root reaches: each {mnt, dentry} is a path by which the caller may reach
 * it. Mounts of the namespace that @root does not reach (under a chroot, or covered
 * by a mount moved onto "/") do not count. Never sleeps. The
 * mounts are not pinned: use them only inside the caller's RCU read-side section
 * (mounts are freed after a grace period).
 */
void cgf_mount_view(struct dentry *dentry, const struct path *root, struct cgf_mount_view *view);

/* How cgf_mount_name()'s walk ended. */
enum cgf_name_end {
	CGF_NAME_WHOLE,		/* reached the root of the caller's namespace: the name is whole */
	CGF_NAME_ESCAPED,	/* a dentry left its mount's tree (renamed out of a bind mount) */
	CGF_NAME_ASK_KERNEL,	/* another tree, too long, or kept moving: use the kernel's walk */
};

/*
 * In one lockless walk, the absolute path of @path in the caller's mount namespace
 * (*@name, in @buf, NUL-terminated at @buf + @size - 1) and whether @root reaches it
 * (*@under_root): what path_is_under() and d_absolute_path() tell in two walks, the
 * first under the exclusive mount_lock. Both are valid only when it returns
 * CGF_NAME_WHOLE; an escaped dentry has no name, reachable or not. Never sleeps.
 */
enum cgf_name_end cgf_mount_name(const struct path *path, const struct path *root,
				 char *buf, int size, char **name, bool *under_root);

/* Checks at load that this kernel's struct mount has the layout we read. */
int cgf_mount_view_init(void);

#endif /* _CGFENCE_MOUNT_VIEW_H */
