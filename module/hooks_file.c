// SPDX-License-Identifier: GPL-2.0
/* cgfence file hooks: open, exec, mappings, and every change to a name or its attributes. */

#include <linux/binfmts.h>
#include <linux/cred.h>
#include <linux/dcache.h>
#include <linux/fcntl.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/namei.h>
#include <linux/path.h>

#include "hooks.h"
#include "hooks_internal.h"
#include "judge.h"
#include "mount_view.h"
#include "object.h"
#include "verdict_cache.h"

/* One object, named as the container sees it, and the permissions asked of it. */
struct cgf_file_request {
	struct cgf_judgement j;
	const struct path *path;
	struct cgf_object object;
	bool layer_open;	/* a stacking filesystem's open of its own layer: not judged */
};

/*
 * overlayfs opens the files of its layers itself, for an operation already judged on
 * the overlay's own file (a directory listing, a copy-up): on the private clone mounts
 * it made of each layer, which no mount namespace holds, and with its mounter's
 * credentials in place of the task's. The same file opened by the task itself (a
 * leaked descriptor, /proc/PID/map_files) has the task's own credentials, and stays
 * "unreachable:". Only the open is exempt: the layer's files get no other hook call.
 */
static bool cgf_is_layer_open(const struct cgf_file_request *req)
{
	return req->j.op == CGF_OP_OPEN && current_cred() != current_real_cred() &&
	       cgf_path_detached(req->path);
}

static bool cgf_file_prepare(struct cgf_judgement *j)
{
	struct cgf_file_request *req = container_of(j, struct cgf_file_request, j);

	req->layer_open = cgf_is_layer_open(req);
	if (req->layer_open)
		return true;
	if (cgf_object_name(req->path, cgf_object_buffer(0), PATH_MAX, &req->object))
		return false;
	j->object = req->object.name;
	return true;
}

static bool cgf_file_decide(struct cgf_judgement *j, const struct cgf_attachment *att,
			    const struct cgf_profile *profile, struct cgf_verdict *verdict)
{
	struct cgf_file_request *req = container_of(j, struct cgf_file_request, j);

	if (req->layer_open)
		return false;
	cgf_file_check_cached(profile, req->object.name, req->object.len, j->requested, verdict);
	return verdict->denied;
}

/* A refused file access is EACCES. */
static int cgf_judge_path(enum cgf_op op, const struct path *path, u32 requested)
{
	struct cgf_file_request req = {
		.j = {
			.op = op,
			.deny_errno = -EACCES,
			.requested = requested,
			.prepare = cgf_file_prepare,
			.decide = cgf_file_decide,
		},
		.path = path,
	};

	if (!requested)
		return 0;
	return cgf_judge(&req.j);
}

static int cgf_judge_dentry(enum cgf_op op, const struct path *dir, struct dentry *dentry,
			    u32 requested)
{
	struct path path = { .mnt = dir->mnt, .dentry = dentry };

	return cgf_judge_path(op, &path, requested);
}

/*
 * A dentry seen without the mount it was reached through (setxattr, a unix socket's
 * peer) is judged by every name it has from the task's root (one per mount of its
 * namespace that shows it): the hook cannot tell which one the task used, so each must
 * grant the permission. With no such name it is "unreachable:"; on the kernel's
 * internal mounts (a memfd, a socket), its kind.
 */
struct cgf_view_request {
	struct cgf_judgement j;
	struct dentry *dentry;
	struct cgf_mount_view view;
	const char *kind;	/* the internal kind, or NULL */
	bool layer_op;
};

static bool cgf_view_prepare(struct cgf_judgement *j)
{
	struct cgf_view_request *req = container_of(j, struct cgf_view_request, j);
	struct path root;

	/* A task without a root (exiting) reaches nothing: the view stays empty. */
	if (current->fs) {
		cgf_current_root(&root);
		cgf_mount_view(req->dentry, &root, &req->view);
	}
	if (req->view.nr || req->view.overflow)
		return true;
	req->kind = cgf_object_internal_kind(req->dentry->d_sb);
	/* As for opens: overlayfs changes its layers with its mounter's credentials. */
	req->layer_op = !req->kind && current_cred() != current_real_cred();
	return true;
}

static bool cgf_view_decide(struct cgf_judgement *j, const struct cgf_attachment *att,
			    const struct cgf_profile *profile, struct cgf_verdict *verdict)
{
	struct cgf_view_request *req = container_of(j, struct cgf_view_request, j);
	struct cgf_object object;
	unsigned int i;

	if (req->layer_op)
		return false;
	for (i = 0; i < req->view.nr; i++) {
		struct path path = { .mnt = req->view.mnts[i], .dentry = req->dentry };

		if (cgf_object_name(&path, cgf_object_buffer(0), PATH_MAX, &object)) {
			j->object = "(name too long)";
			verdict->denied = j->requested;
			return true;
		}
		cgf_file_check(profile, object.name, object.len, j->requested, verdict);
		if (verdict->denied) {
			j->object = object.name;
			return true;
		}
	}
	if (req->view.nr && !req->view.overflow)
		return false;
	j->object = req->kind ?: CGFENCE_OBJECT_UNREACHABLE;
	cgf_file_check(profile, j->object, strlen(j->object), j->requested, verdict);
	return verdict->denied;
}

int cgf_judge_dentry_view(enum cgf_op op, struct dentry *dentry, u32 requested)
{
	struct cgf_view_request req = {
		.j = {
			.op = op,
			.deny_errno = -EACCES,
			.requested = requested,
			.prepare = cgf_view_prepare,
			.decide = cgf_view_decide,
		},
		.dentry = dentry,
	};

	return cgf_judge(&req.j);
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
		return cgf_judge_path(CGF_OP_EXEC, &file->f_path, CGFENCE_FILE_EXEC);
	/* From the access mode: mode 3 (ioctl only) is read and write, as ACC_MODE() says. */
	if (ACC_MODE(file->f_flags) & MAY_READ)
		requested |= CGFENCE_FILE_READ;
	if (ACC_MODE(file->f_flags) & MAY_WRITE)
		requested |= (file->f_flags & O_APPEND) ? CGFENCE_FILE_APPEND : CGFENCE_FILE_WRITE;
	/*
	 * O_TMPFILE creates a file without any path hook (6.1's do_tmpfile calls none), and
	 * linkat() can give it a name later: its open is its creation.
	 */
	if ((file->f_flags & __O_TMPFILE) == __O_TMPFILE)
		requested |= CGFENCE_FILE_CREATE;
	/* O_TRUNC reaches security_path_truncate() (file_truncate since 6.2) on its own. */
	return cgf_judge_path(CGF_OP_OPEN, &file->f_path, requested);
}

/*
 * A descriptor received from elsewhere (SCM_RIGHTS, pidfd_getfd(), seccomp's addfd) is
 * judged as if the task had opened it, with the access it carries: a file the profile
 * would refuse to open cannot come in by the back door. Refused, it is not installed.
 */
static int cgf_judge_as_opened(enum cgf_op op, struct file *file)
{
	u32 requested = 0;
	int err;

	if (file->f_mode & FMODE_PATH)
		return 0;
	err = cgf_judge_device_open(file);
	if (err)
		return err;
	if (file->f_mode & FMODE_READ)
		requested |= CGFENCE_FILE_READ;
	if (file->f_mode & FMODE_WRITE)
		requested |= (file->f_flags & O_APPEND) ? CGFENCE_FILE_APPEND : CGFENCE_FILE_WRITE;
	return cgf_judge_path(op, &file->f_path, requested);
}

int cgf_hook_file_receive(struct file *file)
{
	return cgf_judge_as_opened(CGF_OP_RECEIVE, file);
}

int cgf_judge_held_file(struct file *file)
{
	return cgf_judge_as_opened(CGF_OP_REVALIDATE, file);
}

/*
 * Append-only ('a' without 'w') holds after the open: whatever would write elsewhere
 * than at the end through an O_APPEND descriptor needs w on its path, as an open for
 * writing would.
 */
static int cgf_judge_append_escape(struct file *file)
{
	if (!(file->f_flags & O_APPEND) || !(file->f_mode & FMODE_WRITE))
		return 0;
	return cgf_judge_path(CGF_OP_CLEAR_APPEND, &file->f_path, CGFENCE_FILE_WRITE);
}

/* fcntl(F_SETFL) clearing O_APPEND. */
int cgf_hook_file_fcntl(struct file *file, unsigned int cmd, unsigned long arg)
{
	if (cmd != F_SETFL || (arg & O_APPEND))
		return 0;
	return cgf_judge_append_escape(file);
}

/* fallocate(2), any mode: hole punching and range collapse rewrite what is there. */
int cgf_hook_fallocate(struct file *file, int mode)
{
	return cgf_judge_append_escape(file);
}

/* One write with RWF_NOAPPEND: as if O_APPEND were cleared for it. */
int cgf_hook_write_noappend(struct file *file)
{
	return cgf_judge_append_escape(file);
}

int cgf_hook_bprm_check_security(struct linux_binprm *bprm)
{
	return cgf_judge_path(CGF_OP_EXEC, &bprm->file->f_path, CGFENCE_FILE_EXEC);
}

int cgf_hook_mmap_file(struct file *file, unsigned long reqprot, unsigned long prot,
		       unsigned long flags)
{
	int err;

	if (!file)
		return 0;
	/* A writable shared mapping writes anywhere in the file. */
	if ((prot & PROT_WRITE) && (flags & MAP_TYPE) != MAP_PRIVATE) {
		err = cgf_judge_append_escape(file);
		if (err)
			return err;
	}
	if (!(prot & PROT_EXEC))
		return 0;
	return cgf_judge_path(CGF_OP_MMAP, &file->f_path, CGFENCE_FILE_EXEC);
}

int cgf_hook_file_mprotect(struct vm_area_struct *vma, unsigned long reqprot,
			   unsigned long prot)
{
	int err;

	if (!vma->vm_file)
		return 0;
	if ((prot & PROT_WRITE) && (vma->vm_flags & VM_SHARED) && !(vma->vm_flags & VM_WRITE)) {
		err = cgf_judge_append_escape(vma->vm_file);
		if (err)
			return err;
	}
	/* Only a mapping that gains exec asks for it. */
	if (!(prot & PROT_EXEC) || (vma->vm_flags & VM_EXEC))
		return 0;
	return cgf_judge_path(CGF_OP_MPROTECT, &vma->vm_file->f_path, CGFENCE_FILE_EXEC);
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
	return cgf_judge_path(CGF_OP_TRUNCATE, path, CGFENCE_FILE_TRUNCATE);
}

/*
 * Since 6.2 ftruncate(2) and open(O_TRUNC) come here, not to path_truncate: the same
 * permission on the file's path, whatever the descriptor was opened for.
 */
int cgf_hook_file_truncate(struct file *file)
{
	return cgf_hook_path_truncate(&file->f_path);
}

int cgf_hook_path_chmod(const struct path *path, umode_t mode)
{
	return cgf_judge_path(CGF_OP_CHMOD, path, CGFENCE_FILE_SETATTR);
}

int cgf_hook_path_chown(const struct path *path, kuid_t uid, kgid_t gid)
{
	return cgf_judge_path(CGF_OP_CHOWN, path, CGFENCE_FILE_SETATTR);
}

/*
 * Extended attributes are attributes: ACLs (system.posix_acl_*, which change the mode
 * too), file capabilities (security.capability), trusted.* and user.* all need s, as
 * chmod does. 6.1 gives these hooks no mount: see cgf_judge_dentry_view().
 */
int cgf_hook_inode_setxattr(struct cgf_mnt_idmap *idmap, struct dentry *dentry,
			    const char *name, const void *value, size_t size, int flags)
{
	return cgf_judge_dentry_view(CGF_OP_SETXATTR, dentry, CGFENCE_FILE_SETATTR);
}

int cgf_hook_inode_removexattr(struct cgf_mnt_idmap *idmap, struct dentry *dentry,
			       const char *name)
{
	return cgf_judge_dentry_view(CGF_OP_REMOVEXATTR, dentry, CGFENCE_FILE_SETATTR);
}

/* An ACL is the xattr it is stored as: recorded as setxattr and removexattr. */
int cgf_hook_inode_set_acl(struct cgf_mnt_idmap *idmap, struct dentry *dentry,
			   const char *acl_name, struct posix_acl *kacl)
{
	return cgf_judge_dentry_view(CGF_OP_SETXATTR, dentry, CGFENCE_FILE_SETATTR);
}

int cgf_hook_inode_remove_acl(struct cgf_mnt_idmap *idmap, struct dentry *dentry,
			      const char *acl_name)
{
	return cgf_judge_dentry_view(CGF_OP_REMOVEXATTR, dentry, CGFENCE_FILE_SETATTR);
}

/* utimes(2) and its kin, to given times or to now: every one passes vfs_utimes(). */
int cgf_hook_utimes(const struct path *path)
{
	return cgf_judge_path(CGF_OP_UTIMES, path, CGFENCE_FILE_SETATTR);
}

/*
 * ioctl(2), native and compat. Devices are judged by number (hooks_device.c). On files,
 * the inode flags (append-only, immutable, ...) are attributes: setting them needs s,
 * as chmod does, whatever the descriptor was opened for.
 */
int cgf_hook_file_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	umode_t mode = file_inode(file)->i_mode;

	if (S_ISCHR(mode) || S_ISBLK(mode))
		return cgf_judge_device_ioctl(file, cmd);
	switch (cmd) {
	case FS_IOC_SETFLAGS:
	case FS_IOC32_SETFLAGS:
	case FS_IOC_FSSETXATTR:
		return cgf_judge_path(CGF_OP_SETFLAGS, &file->f_path, CGFENCE_FILE_SETATTR);
	}
	return 0;
}
