// SPDX-License-Identifier: GPL-2.0
/* cgfence mount view: the mounts of a namespace that show a dentry, from each superblock's list. */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/fs_struct.h>
#include <linux/list.h>
#include <linux/mount.h>
#include <linux/nsproxy.h>
#include <linux/path.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/seqlock.h>
#include <linux/uaccess.h>

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

/*
 * The name built so far, from the end of the buffer backwards (fs/d_path.c's way).
 * No name is placed below @limit, and the inline copy writes at most 8 bytes below the
 * name it places: @limit keeps that many bytes at the buffer's start in reserve.
 */
struct cgf_name_walk {
	char *start;
	const char *limit;
};

#define CGF_NAME_WALK_RESERVE	8

/* The inline copy reads up to 8 bytes before d_iname: they must be the dentry's. */
static_assert(offsetof(struct dentry, d_iname) >= sizeof(u64));

/*
 * A dentry's inline name, copied 8 bytes at a time from its end, without a call: most
 * components are a few bytes, and memcpy()'s call, return and length dispatch cost more
 * than the copy itself. The first word may start up to 8 bytes before the name, in the
 * dentry (d_iname is not its first field), and land up to 8 bytes before @dst, in the
 * buffer's unused part, which the caller's '/' and the next components overwrite.
 */
static __always_inline void cgf_copy_inline_name(char *dst, const unsigned char *src, u32 len)
{
	const unsigned char *from = src + len;
	char *to = dst + len;
	u64 word;

	/* At least once: an empty name (none has one) would copy 8 bytes below @dst. */
	do {
		from -= sizeof(word);
		to -= sizeof(word);
		/* Fixed-size memcpy()s are single unaligned loads and stores, not calls. */
		memcpy(&word, from, sizeof(word));
		memcpy(to, &word, sizeof(word));
	} while (to > dst);
}

/*
 * A rename can change a name's pointer and length between our two reads: a long name
 * read with a stale pointer may run off its allocation, so it is copied with a copy that
 * may fault; a short one inside the dentry cannot. Either way the caller's rename_lock
 * check discards what a rename tore.
 */
static bool cgf_walk_prepend(struct cgf_name_walk *walk, const struct dentry *dentry)
{
	/* Pairs with __d_alloc()'s release: a new dentry's name bytes are seen with it. */
	const unsigned char *dname = smp_load_acquire(&dentry->d_name.name);
	u32 dlen = READ_ONCE(dentry->d_name.len);
	char *name;

	/* The room left, never negative: a name that does not fit is never placed. */
	if (dlen >= (unsigned long)(walk->start - walk->limit))
		return false;
	name = walk->start - dlen;
	walk->start = name - 1;
	if (likely(dname == dentry->d_iname && dlen < DNAME_INLINE_LEN))
		cgf_copy_inline_name(name, dname, dlen);
	else if (copy_from_kernel_nofault(name, dname, dlen))
		memset(name, 'x', dlen);
	/* After the copy: its first word may have written here. */
	walk->start[0] = '/';
	return true;
}

/*
 * One pass from @path up to the root of its mount tree under RCU: the names of the
 * dentries on the way, and whether @root is among them. fs/d_path.c's __prepend_path()
 * with the test of fs/namespace.c's is_path_reachable() folded in.
 */
static enum cgf_name_end cgf_walk_up(const struct path *path, const struct path *root,
				     struct cgf_name_walk *walk, bool *under_root)
{
	const struct dentry *dentry = path->dentry;
	struct cgf_mount *mnt = cgf_real_mount(path->mnt);

	*under_root = false;
	for (;;) {
		const struct dentry *parent;

		if (dentry == root->dentry && &mnt->mnt == root->mnt)
			*under_root = true;
		if (dentry == mnt->mnt.mnt_root) {
			struct cgf_mount *up = READ_ONCE(mnt->mnt_parent);

			if (up != mnt) {
				dentry = READ_ONCE(mnt->mnt_mountpoint);
				mnt = up;
				continue;
			}
			/* Another namespace's tree or a detached one: the kernel's walk decides. */
			return READ_ONCE(mnt->mnt_ns) == current->nsproxy->mnt_ns ?
			       CGF_NAME_WHOLE : CGF_NAME_ASK_KERNEL;
		}
		parent = READ_ONCE(dentry->d_parent);
		if (dentry == parent)
			return CGF_NAME_ESCAPED;
		if (!cgf_walk_prepend(walk, dentry))
			return CGF_NAME_ASK_KERNEL;
		dentry = parent;
	}
}

/* Lockless passes before leaving a path that keeps moving to the kernel's locked walk. */
#define CGF_NAME_WALK_TRIES	2

enum cgf_name_end cgf_mount_name(const struct path *path, const struct path *root,
				 char *buf, int size, char **name, bool *under_root)
{
	enum cgf_name_end end = CGF_NAME_ASK_KERNEL;
	unsigned int tries;

	if (!current->nsproxy || size < CGF_NAME_WALK_RESERVE + 2)
		return CGF_NAME_ASK_KERNEL;
	rcu_read_lock();
	for (tries = 0; tries < CGF_NAME_WALK_TRIES; tries++) {
		struct cgf_name_walk walk = {
			.start = buf + size - 1,
			.limit = buf + CGF_NAME_WALK_RESERVE,
		};
		unsigned int mount_seq = read_seqbegin(cgf_mount_lock);
		unsigned int rename_seq = read_seqbegin(&rename_lock);

		*walk.start = '\0';
		end = cgf_walk_up(path, root, &walk, under_root);
		if (read_seqretry(&rename_lock, rename_seq) ||
		    read_seqretry(cgf_mount_lock, mount_seq)) {
			end = CGF_NAME_ASK_KERNEL;
			continue;
		}
		if (walk.start == buf + size - 1)
			*--walk.start = '/';
		*name = walk.start;
		break;
	}
	rcu_read_unlock();
	return end;
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
