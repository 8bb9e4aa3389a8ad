// SPDX-License-Identifier: GPL-2.0
/* cgfence object naming: judge a file by its path as the container sees it, or by its kind. */

#include <linux/dcache.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/fs_struct.h>
#include <linux/magic.h>
#include <linux/mount.h>
#include <linux/path.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/seqlock.h>

#include "mount_view.h"
#include "object.h"
#include "symbols.h"

struct cgf_object_buffers {
	char name[2][PATH_MAX];
};

static struct cgf_object_buffers __percpu *cgf_buffers;

int cgf_object_init(void)
{
	cgf_buffers = alloc_percpu(struct cgf_object_buffers);
	return cgf_buffers ? 0 : -ENOMEM;
}

void cgf_object_exit(void)
{
	free_percpu(cgf_buffers);
}

/*
 * Hooks run with preemption disabled (inside the ftrace callback), and file hooks are
 * never called from interrupt context, so one buffer pair per CPU is enough.
 */
char *cgf_object_buffer(unsigned int slot)
{
	return this_cpu_ptr(cgf_buffers)->name[slot];
}

/* ipc/mqueue.c's own: not in the uapi's magic.h. */
#define CGF_MQUEUE_MAGIC	0x19800202

/*
 * Objects of the kernel's internal mounts have no name the container could choose.
 * A namespace file (/proc/PID/ns/X is a magic link to nsfs) and a queue mq_open()
 * opens (always on its ipc namespace's internal mount, whatever mqueue mounts exist)
 * get kinds of their own, so that a rule can refuse them without refusing eventfd.
 */
static const char *cgf_internal_kind(const struct super_block *sb)
{
	switch (sb->s_magic) {
	case NSFS_MAGIC:
		return CGFENCE_OBJECT_NSFS;
	case CGF_MQUEUE_MAGIC:
		return CGFENCE_OBJECT_MQUEUE;
	case PIPEFS_MAGIC:
		return CGFENCE_OBJECT_PIPE;
	case SOCKFS_MAGIC:
		return CGFENCE_OBJECT_SOCKET;
	case TMPFS_MAGIC:
		/* memfd_create(), SysV shm and shared anonymous mappings live on shm_mnt. */
		return CGFENCE_OBJECT_MEMFD;
	default:
		return CGFENCE_OBJECT_ANON_INODE;
	}
}

const char *cgf_object_internal_kind(const struct super_block *sb)
{
	return (sb->s_flags & SB_KERNMOUNT) ? cgf_internal_kind(sb) : NULL;
}

void cgf_current_root(struct path *root)
{
	struct fs_struct *fs = current->fs;
	unsigned int seq;

	do {
		seq = read_seqcount_begin(&fs->seq);
		*root = fs->root;
	} while (read_seqcount_retry(&fs->seq, seq));
}

static void cgf_object_set(struct cgf_object *object, const char *name)
{
	object->name = name;
	object->len = strlen(name);
}

/*
 * The kernel's two walks, for what cgf_mount_name() leaves to them: names too long,
 * trees of other namespaces, paths renamed or remounted under every lockless try.
 */
static int cgf_object_name_locked(const struct path *path, const struct path *root,
				  char *buf, int size, struct cgf_object *object)
{
	char *name;

	if (!path_is_under(path, root)) {
		cgf_object_set(object, CGFENCE_OBJECT_UNREACHABLE);
		return 0;
	}
	name = cgf_d_absolute_path(path, buf, size);
	if (IS_ERR(name)) {
		if (PTR_ERR(name) == -ENAMETOOLONG)
			return -ENAMETOOLONG;
		cgf_object_set(object, CGFENCE_OBJECT_UNREACHABLE);
		return 0;
	}
	object->name = name;
	object->len = buf + size - 1 - name;
	return 0;
}

/**
 * cgf_object_name - the name the engine judges @path by
 * @path: the object (a negative dentry for a name being created)
 * @buf: scratch of @size bytes, from cgf_object_buffer()
 * @size: size of @buf
 * @object: the name, in @buf or static
 *
 * A reachable object is named by its path from the root of the caller's mount
 * namespace: what a container sees after pivot_root, and immune to a later chroot
 * (which only narrows what is reachable). An object that cannot be reached from the
 * caller's root by any name (a leaked descriptor, /proc/<pid>/root of another root, a
 * detached mount) is "unreachable:", whatever path it has elsewhere.
 *
 * Return: 0, or -ENAMETOOLONG when the path does not fit (the caller denies).
 */
int cgf_object_name(const struct path *path, char *buf, int size, struct cgf_object *object)
{
	struct path root;
	bool under_root;
	char *name;

	if (path->mnt->mnt_flags & MNT_INTERNAL) {
		cgf_object_set(object, cgf_internal_kind(path->dentry->d_sb));
		return 0;
	}
	if (!current->fs) {
		cgf_object_set(object, CGFENCE_OBJECT_UNREACHABLE);
		return 0;
	}
	cgf_current_root(&root);
	switch (cgf_mount_name(path, &root, buf, size, &name, &under_root)) {
	case CGF_NAME_WHOLE:
		if (!under_root)
			break;
		object->name = name;
		object->len = buf + size - 1 - name;
		return 0;
	case CGF_NAME_ESCAPED:
		break;
	case CGF_NAME_ASK_KERNEL:
		return cgf_object_name_locked(path, &root, buf, size, object);
	}
	cgf_object_set(object, CGFENCE_OBJECT_UNREACHABLE);
	return 0;
}

/*
 * True when @path is on a tree no mount namespace holds (fsmount(), open_tree() clones):
 * d_absolute_path() refuses exactly those. Hooks only; uses the first object buffer.
 */
bool cgf_path_detached(const struct path *path)
{
	char *name = cgf_d_absolute_path(path, cgf_object_buffer(0), PATH_MAX);

	return IS_ERR(name) && PTR_ERR(name) == -EINVAL;
}
