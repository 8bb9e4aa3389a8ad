// SPDX-License-Identifier: GPL-2.0
/* cgfence LSM hook functions: turn kernel objects into engine requests and decide. */

#include <linux/binfmts.h>
#include <linux/cgroup.h>
#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/kdev_t.h>
#include <linux/kernfs.h>
#include <linux/magic.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/namei.h>
#include <linux/path.h>
#include <linux/sched.h>
#include <linux/uaccess.h>
#include <uapi/linux/sched.h>

#include "cgfence.h"
#include "engine.h"
#include "hooks.h"
#include "object.h"
#include "report.h"
#include "store.h"

/* One object judged against every attachment covering the task: all must allow it. */
struct cgf_file_request {
	enum cgf_op op;
	const struct path *path;
	u32 requested;
};

const struct cgf_profile *cgf_attachment_profile(const struct cgf_attachment *att,
						 bool *enforced)
{
	const struct cgf_profile_slot *slot = READ_ONCE(att->slot);

	*enforced = READ_ONCE(slot->mode) == CGFENCE_MODE_ENFORCE;
	return rcu_dereference(slot->compiled);
}

void cgf_report(enum cgf_op op, const struct cgf_attachment *att, u32 rule_id,
		u32 requested, u32 denied, const char *object, bool enforced)
{
	struct cgf_report report = {
		.op = op,
		.attachment = att,
		.rule_id = rule_id,
		.requested = requested,
		.denied = denied,
		.object = object,
		.enforced = enforced,
	};

	cgf_report_denial(&report);
}

static int cgf_judge_file(const struct cgf_file_request *req)
{
	const struct cgf_attachment *att;
	struct cgf_subject_iter iter;
	struct cgf_verdict verdict;
	struct cgf_object object;
	bool named = false, unnamed = false, enforced;
	int err = 0;

	if (!req->requested || !static_branch_unlikely(&cgf_confinement_active))
		return 0;
	rcu_read_lock();
	if (!cgf_subject_begin(&iter))
		goto out;
	while ((att = cgf_subject_next(&iter))) {
		const struct cgf_profile *profile = cgf_attachment_profile(att, &enforced);

		/* Named once, and only for a confined task: host tasks never build a path. */
		if (!named) {
			unnamed = cgf_object_name(req->path, cgf_object_buffer(0), PATH_MAX,
						  &object);
			named = true;
		}
		/* A name that does not fit cannot be judged: refused where enforced. */
		if (unnamed) {
			cgf_report(req->op, att, 0, req->requested, req->requested,
				   "(name too long)", enforced);
			if (enforced) {
				err = -EACCES;
				break;
			}
			continue;
		}
		cgf_file_check(profile, object.name, object.len, req->requested, &verdict);
		if (!verdict.denied)
			continue;
		cgf_report(req->op, att, verdict.rule_id, req->requested, verdict.denied,
			   object.name, enforced);
		if (enforced) {
			err = -EACCES;
			break;
		}
	}
out:
	rcu_read_unlock();
	return err;
}

static int cgf_judge(enum cgf_op op, const struct path *path, u32 requested)
{
	struct cgf_file_request req = { .op = op, .path = path, .requested = requested };

	return cgf_judge_file(&req);
}

static int cgf_judge_dentry(enum cgf_op op, const struct path *dir, struct dentry *dentry,
			    u32 requested)
{
	struct path path = { .mnt = dir->mnt, .dentry = dentry };

	return cgf_judge(op, &path, requested);
}

/*
 * Devices are judged by type and number (i_rdev), never by the node's name: a node the
 * host created under another name, anywhere the container can reach, is the same device.
 */
static int cgf_judge_device(enum cgf_op op, umode_t mode, dev_t dev, u32 access, int deny_errno)
{
	u8 type = S_ISBLK(mode) ? CGFENCE_DEV_BLOCK : CGFENCE_DEV_CHAR;
	const struct cgf_attachment *att;
	struct cgf_subject_iter iter;
	struct cgf_verdict verdict;
	char object[32];
	bool enforced;
	int err = 0;

	if (!access || !static_branch_unlikely(&cgf_confinement_active))
		return 0;
	rcu_read_lock();
	if (!cgf_subject_begin(&iter))
		goto out;
	while ((att = cgf_subject_next(&iter))) {
		const struct cgf_profile *profile = cgf_attachment_profile(att, &enforced);

		cgf_device_check(profile, type, MAJOR(dev), MINOR(dev), access, &verdict);
		if (!verdict.denied)
			continue;
		snprintf(object, sizeof(object), "%c %u:%u", S_ISBLK(mode) ? 'b' : 'c',
			 MAJOR(dev), MINOR(dev));
		cgf_report(op, att, verdict.rule_id, access, verdict.denied, object, enforced);
		if (enforced) {
			err = deny_errno;
			break;
		}
	}
out:
	rcu_read_unlock();
	return err;
}

/* A block device is judged by its number when a filesystem on it is mounted, too. */
int cgf_hook_sb_kern_mount(struct super_block *sb)
{
	u32 access = CGFENCE_DEV_READ;

	if (!sb->s_bdev)
		return 0;
	if (!sb_rdonly(sb))
		access |= CGFENCE_DEV_WRITE;
	return cgf_judge_device(CGF_OP_DEVICE_MOUNT, S_IFBLK, sb->s_dev, access, -EPERM);
}

/* A remount to read-write writes to the device: both accesses again. */
int cgf_hook_sb_kern_mount_rw(struct super_block *sb)
{
	return cgf_judge_device(CGF_OP_DEVICE_MOUNT, S_IFBLK, sb->s_dev,
				CGFENCE_DEV_READ | CGFENCE_DEV_WRITE, -EPERM);
}

static int cgf_judge_device_open(struct file *file)
{
	struct inode *inode = file_inode(file);
	u32 access = 0;

	if (!S_ISCHR(inode->i_mode) && !S_ISBLK(inode->i_mode))
		return 0;
	if (file->f_mode & FMODE_READ)
		access |= CGFENCE_DEV_READ;
	if (file->f_mode & FMODE_WRITE)
		access |= CGFENCE_DEV_WRITE;
	return cgf_judge_device(CGF_OP_DEVICE_OPEN, inode->i_mode, inode->i_rdev, access, -EACCES);
}

int cgf_hook_file_open(struct file *file)
{
	u32 requested = 0;
	int err;

	/* Both the device (by number) and the node (by path) must be allowed. */
	err = cgf_judge_device_open(file);
	if (err)
		return err;

	/* An exec open is judged as exec, here and again by bprm_check. */
	if (file->f_flags & __FMODE_EXEC)
		return cgf_judge(CGF_OP_EXEC, &file->f_path, CGFENCE_FILE_EXEC);
	if (file->f_mode & FMODE_READ)
		requested |= CGFENCE_FILE_READ;
	if (file->f_mode & FMODE_WRITE)
		requested |= (file->f_flags & O_APPEND) ? CGFENCE_FILE_APPEND : CGFENCE_FILE_WRITE;
	/*
	 * O_TMPFILE creates a file without any path hook (6.1's do_tmpfile calls none), and
	 * linkat() can give it a name later: its open is its creation.
	 */
	if ((file->f_flags & __O_TMPFILE) == __O_TMPFILE)
		requested |= CGFENCE_FILE_CREATE;
	/* O_TRUNC reaches security_path_truncate() on its own. */
	return cgf_judge(CGF_OP_OPEN, &file->f_path, requested);
}

int cgf_hook_bprm_check_security(struct linux_binprm *bprm)
{
	return cgf_judge(CGF_OP_EXEC, &bprm->file->f_path, CGFENCE_FILE_EXEC);
}

int cgf_hook_mmap_file(struct file *file, unsigned long reqprot, unsigned long prot,
		       unsigned long flags)
{
	if (!file || !(prot & PROT_EXEC))
		return 0;
	return cgf_judge(CGF_OP_MMAP, &file->f_path, CGFENCE_FILE_EXEC);
}

int cgf_hook_file_mprotect(struct vm_area_struct *vma, unsigned long reqprot,
			   unsigned long prot)
{
	/* Only a mapping that gains exec asks for it. */
	if (!vma->vm_file || !(prot & PROT_EXEC) || (vma->vm_flags & VM_EXEC))
		return 0;
	return cgf_judge(CGF_OP_MPROTECT, &vma->vm_file->f_path, CGFENCE_FILE_EXEC);
}

int cgf_hook_path_mknod(const struct path *dir, struct dentry *dentry, umode_t mode,
			unsigned int dev)
{
	int err;

	/* @dev is the mknod(2) argument, still in its user-space encoding. */
	if (S_ISCHR(mode) || S_ISBLK(mode)) {
		err = cgf_judge_device(CGF_OP_DEVICE_MKNOD, mode, new_decode_dev(dev),
				       CGFENCE_DEV_MKNOD, -EPERM);
		if (err)
			return err;
	}
	/*
	 * A regular file here is open(O_CREAT), which asks before it knows whether the file
	 * exists: an existing one is then opened whatever the answer.
	 */
	return cgf_judge_dentry(S_ISREG(mode) ? CGF_OP_CREATE : CGF_OP_MKNOD, dir, dentry,
				CGFENCE_FILE_CREATE);
}

int cgf_hook_path_mkdir(const struct path *dir, struct dentry *dentry, umode_t mode)
{
	return cgf_judge_dentry(CGF_OP_MKDIR, dir, dentry, CGFENCE_FILE_CREATE);
}

int cgf_hook_path_rmdir(const struct path *dir, struct dentry *dentry)
{
	return cgf_judge_dentry(CGF_OP_RMDIR, dir, dentry, CGFENCE_FILE_DELETE);
}

int cgf_hook_path_unlink(const struct path *dir, struct dentry *dentry)
{
	return cgf_judge_dentry(CGF_OP_UNLINK, dir, dentry, CGFENCE_FILE_DELETE);
}

int cgf_hook_path_symlink(const struct path *dir, struct dentry *dentry, const char *old_name)
{
	return cgf_judge_dentry(CGF_OP_SYMLINK, dir, dentry, CGFENCE_FILE_CREATE);
}

int cgf_hook_path_truncate(const struct path *path)
{
	return cgf_judge(CGF_OP_TRUNCATE, path, CGFENCE_FILE_TRUNCATE);
}

int cgf_hook_path_chmod(const struct path *path, umode_t mode)
{
	return cgf_judge(CGF_OP_CHMOD, path, CGFENCE_FILE_SETATTR);
}

int cgf_hook_path_chown(const struct path *path, kuid_t uid, kgid_t gid)
{
	return cgf_judge(CGF_OP_CHOWN, path, CGFENCE_FILE_SETATTR);
}

/* Every permission @profile grants at @object, as a mask. */
static u32 cgf_granted(const struct cgf_profile *profile, const struct cgf_object *object)
{
	struct cgf_verdict verdict;

	cgf_file_check(profile, object->name, object->len, CGFENCE_FILE_ALL, &verdict);
	return CGFENCE_FILE_ALL & ~verdict.denied;
}

/*
 * A new name for an existing object (link, rename) needs @need at the new name (and
 * @need_old at the old one), and may not grant anything the old name did not: that
 * would turn a forbidden access into an allowed one without touching the data
 * (AppArmor's link rule, Landlock's REFER). With @exchange both objects move, so the
 * two names must grant the same. A directory carries its whole subtree to the new
 * name, so everything below the two names must be judged alike.
 */
static int cgf_judge_new_name(enum cgf_op op, const struct path *old_path,
			      const struct path *new_path, u32 need_old, u32 need_new,
			      bool exchange, bool is_dir)
{
	struct cgf_object old_object, new_object;
	const struct cgf_attachment *att;
	struct cgf_subject_iter iter;
	struct cgf_verdict verdict;
	u32 old_granted, new_granted;
	bool named = false, unnamed = false, enforced;
	int err = 0;

	if (!static_branch_unlikely(&cgf_confinement_active))
		return 0;
	rcu_read_lock();
	if (!cgf_subject_begin(&iter))
		goto out;
	while ((att = cgf_subject_next(&iter))) {
		const struct cgf_profile *profile = cgf_attachment_profile(att, &enforced);

		if (!named) {
			unnamed = cgf_object_name(old_path, cgf_object_buffer(0), PATH_MAX,
						  &old_object) ||
				  cgf_object_name(new_path, cgf_object_buffer(1), PATH_MAX,
						  &new_object);
			named = true;
		}
		if (unnamed) {
			cgf_report(op, att, 0, need_new, need_new, "(name too long)", enforced);
			if (enforced) {
				err = -EACCES;
				break;
			}
			continue;
		}
		cgf_file_check(profile, old_object.name, old_object.len, need_old, &verdict);
		if (!verdict.denied)
			cgf_file_check(profile, new_object.name, new_object.len, need_new,
				       &verdict);
		if (!verdict.denied) {
			old_granted = cgf_granted(profile, &old_object);
			new_granted = cgf_granted(profile, &new_object);
			if (is_dir ? !cgf_file_same_below(profile, old_object.name, old_object.len,
							  new_object.name, new_object.len) :
			    exchange ? old_granted != new_granted : new_granted & ~old_granted) {
				/* Report what differs; a subtree difference shows as all. */
				verdict.denied = (new_granted ^ old_granted) ?: CGFENCE_FILE_ALL;
				verdict.rule_id = 0;
			}
		}
		if (!verdict.denied)
			continue;
		cgf_report(op, att, verdict.rule_id, need_new, verdict.denied, new_object.name,
			   enforced);
		if (enforced) {
			err = -EACCES;
			break;
		}
	}
out:
	rcu_read_unlock();
	return err;
}

int cgf_hook_path_link(struct dentry *old_dentry, const struct path *new_dir,
		       struct dentry *new_dentry)
{
	/* The VFS refuses links across mounts before asking us. */
	struct path old_path = { .mnt = new_dir->mnt, .dentry = old_dentry };
	struct path new_path = { .mnt = new_dir->mnt, .dentry = new_dentry };

	return cgf_judge_new_name(CGF_OP_LINK, &old_path, &new_path, 0, CGFENCE_FILE_LINK,
				  false, false);
}

int cgf_hook_path_rename(const struct path *old_dir, struct dentry *old_dentry,
			 const struct path *new_dir, struct dentry *new_dentry,
			 unsigned int flags)
{
	struct path old_path = { .mnt = old_dir->mnt, .dentry = old_dentry };
	struct path new_path = { .mnt = new_dir->mnt, .dentry = new_dentry };
	bool exchange = flags & RENAME_EXCHANGE;
	u32 need_new = CGFENCE_FILE_RENAME;

	/* Replacing an existing file deletes it. */
	if (!exchange && d_is_positive(new_dentry))
		need_new |= CGFENCE_FILE_DELETE;
	return cgf_judge_new_name(CGF_OP_RENAME, &old_path, &new_path, CGFENCE_FILE_RENAME,
				  need_new, exchange,
				  d_is_dir(old_dentry) || (exchange && d_is_dir(new_dentry)));
}

/*
 * Policy follows the cgroup subtree: a confined task may move tasks only into cgroups
 * every one of its attachments still covers. Writing cgroup.procs or cgroup.threads of
 * any other cgroup (reached through a host mount or a leaked descriptor) is refused.
 */
static bool cgf_is_cgroup_migration_file(const struct file *file)
{
	const struct dentry *dentry = file->f_path.dentry;

	if (dentry->d_sb->s_magic != CGROUP2_SUPER_MAGIC || !d_is_reg(dentry))
		return false;
	return !strcmp(dentry->d_name.name, "cgroup.procs") ||
	       !strcmp(dentry->d_name.name, "cgroup.threads");
}

int cgf_hook_file_permission(struct file *file, int mask)
{
	const struct cgf_attachment *att;
	struct cgf_subject_iter iter;
	struct kernfs_node *kn;
	struct cgroup *target;
	bool enforced;
	int err = 0;

	if (!(mask & MAY_WRITE) || !static_branch_unlikely(&cgf_confinement_active) ||
	    !cgf_is_cgroup_migration_file(file))
		return 0;
	rcu_read_lock();
	if (!cgf_subject_begin(&iter))
		goto out;
	kn = file_inode(file)->i_private;
	target = kn && kn->parent ? rcu_dereference(*(struct cgroup __rcu **)&kn->parent->priv) :
				    NULL;
	while ((att = cgf_subject_next(&iter))) {
		cgf_attachment_profile(att, &enforced);
		if (target && cgroup_is_descendant(target, att->cgrp))
			continue;
		cgf_report(CGF_OP_CGROUP_MIGRATE, att, 0, 0, 0, file->f_path.dentry->d_name.name,
			   enforced);
		if (enforced) {
			err = -EPERM;
			break;
		}
	}
out:
	rcu_read_unlock();
	return err;
}

/* The target cgroup of clone3(CLONE_INTO_CGROUP) is not visible here: refuse it whole. */
int cgf_hook_task_alloc(struct task_struct *task, unsigned long clone_flags)
{
	if (!(clone_flags & CLONE_INTO_CGROUP))
		return 0;
	return cgf_refuse_confined(CGF_OP_CLONE_INTO_CGROUP);
}

/**
 * cgf_refuse_confined - refuse an operation no rule can judge to every confined task
 * @op: what is refused, for the report
 *
 * Each attachment covering the task reports it; in complain mode it is allowed.
 * Return: 0, or -EPERM.
 */
int cgf_refuse_confined(enum cgf_op op)
{
	const struct cgf_attachment *att;
	struct cgf_subject_iter iter;
	bool enforced;
	int err = 0;

	if (!static_branch_unlikely(&cgf_confinement_active))
		return 0;
	rcu_read_lock();
	if (!cgf_subject_begin(&iter))
		goto out;
	while ((att = cgf_subject_next(&iter))) {
		cgf_attachment_profile(att, &enforced);
		cgf_report(op, att, 0, 0, 0, NULL, enforced);
		if (enforced) {
			err = -EPERM;
			break;
		}
	}
out:
	rcu_read_unlock();
	return err;
}

/*
 * A locked policy must outlive everything until reboot, and this kernel allows
 * "rmmod -f" (CONFIG_MODULE_FORCE_UNLOAD), which ignores the reference lock() holds.
 * While locked, delete_module("cgfence") is refused; a name that cannot be read
 * without faulting might be ours, so it is refused too.
 */
int cgf_hook_delete_module(const char __user *name)
{
	char buf[sizeof(KBUILD_MODNAME)];

	if (!cgf_store_locked())
		return 0;
	if (copy_from_user_nofault(buf, name, sizeof(buf)))
		return -EPERM;
	return memcmp(buf, KBUILD_MODNAME, sizeof(buf)) ? 0 : -EPERM;
}
