// SPDX-License-Identifier: GPL-2.0
/* cgfence mount view: the mounts of a namespace that show a dentry, from each superblock's list. */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/fs_struct.h>
#include <linux/list.h>
#include <linux/mount.h>
#include <linux/nsproxy.h>
#include <linux/sched.h>
#include <linux/seqlock.h>

#include "compat.h"
#include "mount_view.h"
#include "symbols.h"

/*
 * Some hooks see a dentry without the mount it was reached through (setxattr, the peer
 * of a unix socket), yet the container names files by path. The kernel keeps every
 * mount of a superblock on sb->s_mounts (under mount_lock), and struct mount, which
 * holds that link and the mount's namespace, is private to fs/: this is the head of
 * its layout in Debian's 6.1 and 6.12 (fs/mount.h, CONFIG_SMP, no randomized layout),
 * up to the fields we read; the one difference (a tree node 6.8 added to the first
 * union) is compat.h's. cgf_mount_view_init() checks the layout against the running
 * kernel and the module refuses to load when it does not match.
 */
struct cgf_mount {
	struct hlist_node mnt_hash;
	struct cgf_mount *mnt_parent;
	struct dentry *mnt_mountpoint;
	struct vfsmount mnt;
	union cgf_mount_first_union first;
	void __percpu *mnt_pcp;
	struct list_head mnt_mounts;
	struct list_head mnt_child;
	struct list_head mnt_instance;
	const char *mnt_devname;
	struct list_head mnt_list;
	struct list_head mnt_expire;
	struct list_head mnt_share;
	struct list_head mnt_slave_list;
	struct list_head mnt_slave;
	struct cgf_mount *mnt_master;
	struct mnt_namespace *mnt_ns;
};

static struct cgf_mount *cgf_real_mount(struct vfsmount *mnt)
{
	return container_of(mnt, struct cgf_mount, mnt);
}

/* fs/namespace.c's is_path_reachable(), under mount_lock. */
static bool cgf_reachable(struct cgf_mount *m, struct dentry *dentry, const struct path *root)
{
	while (&m->mnt != root->mnt && m != m->mnt_parent) {
		dentry = m->mnt_mountpoint;
		m = m->mnt_parent;
	}
	return &m->mnt == root->mnt && is_subdir(dentry, root->dentry);
}

void cgf_mount_view(struct dentry *dentry, const struct path *root, struct cgf_mount_view *view)
{
	struct super_block *sb = dentry->d_sb;
	struct mnt_namespace *ns;
	struct cgf_mount *m;

	view->nr = 0;
	view->overflow = false;
	if (!current->nsproxy)
		return;
	ns = current->nsproxy->mnt_ns;
	read_seqlock_excl(cgf_mount_lock);
	list_for_each_entry(m, &sb->s_mounts, mnt_instance) {
		if (m->mnt_ns != ns || !is_subdir(dentry, m->mnt.mnt_root) ||
		    !cgf_reachable(m, dentry, root))
			continue;
		if (view->nr == CGF_MOUNT_VIEW_MAX) {
			view->overflow = true;
			break;
		}
		view->mnts[view->nr++] = &m->mnt;
	}
	read_sequnlock_excl(cgf_mount_lock);
}

/*
 * The loader's root mount must be on its superblock's list, in the loader's namespace,
 * with a parent in the same namespace. The list is walked as bare list heads, so a
 * wrong offset of mnt_instance is caught before any field is read through it.
 */
int cgf_mount_view_init(void)
{
	struct vfsmount *root_mnt = current->fs->root.mnt;
	struct cgf_mount *root = cgf_real_mount(root_mnt);
	struct mnt_namespace *ns = current->nsproxy->mnt_ns;
	struct list_head *pos;
	bool listed = false;

	read_seqlock_excl(cgf_mount_lock);
	list_for_each(pos, &root_mnt->mnt_sb->s_mounts) {
		if (pos == &root->mnt_instance) {
			listed = true;
			break;
		}
	}
	read_sequnlock_excl(cgf_mount_lock);
	if (!listed || root->mnt_ns != ns || READ_ONCE(root->mnt_parent)->mnt_ns != ns) {
		pr_err("struct mount of this kernel does not have the layout cgfence reads\n");
		return -ENOEXEC;
	}
	return 0;
}
