/* SPDX-License-Identifier: GPL-2.0 */
/* cgfence hook functions: what each backend calls, one per kernel security decision. */
#ifndef _CGFENCE_HOOKS_H
#define _CGFENCE_HOOKS_H

#include <linux/types.h>
#include <linux/kernel_read_file.h>
#include <linux/security.h>
#include <linux/uidgid.h>

#include "compat.h"

union bpf_attr;
struct cred;
struct dentry;
struct kernel_siginfo;
struct timespec64;
struct timezone;
struct file;
struct linux_binprm;
struct net;
struct sock;
struct socket;
struct path;
struct super_block;
struct task_struct;
struct cgf_mnt_idmap;
struct posix_acl;
struct vfsmount;
struct vm_area_struct;

/*
 * Hook functions: exact LSM hook signatures (include/linux/lsm_hook_defs.h), so the
 * same functions serve the ftrace backend now and security_add_hooks() when built in.
 * Where a signature changed between the kernels we build for, the newer one (6.12's:
 * const superblocks, perf_event_open without attr); the backend maps the older.
 */
int cgf_hook_file_open(struct file *file);
int cgf_hook_file_permission(struct file *file, int mask);
int cgf_hook_bprm_check_security(struct linux_binprm *bprm);
void cgf_hook_bprm_committed_creds(struct linux_binprm *bprm);
int cgf_hook_mmap_file(struct file *file, unsigned long reqprot, unsigned long prot,
		       unsigned long flags);
int cgf_hook_file_mprotect(struct vm_area_struct *vma, unsigned long reqprot,
			   unsigned long prot);
int cgf_hook_path_mknod(const struct path *dir, struct dentry *dentry, umode_t mode,
			unsigned int dev);
int cgf_hook_path_mkdir(const struct path *dir, struct dentry *dentry, umode_t mode);
int cgf_hook_path_rmdir(const struct path *dir, struct dentry *dentry);
int cgf_hook_path_unlink(const struct path *dir, struct dentry *dentry);
int cgf_hook_path_symlink(const struct path *dir, struct dentry *dentry, const char *old_name);
int cgf_hook_path_link(struct dentry *old_dentry, const struct path *new_dir,
		       struct dentry *new_dentry);
int cgf_hook_path_rename(const struct path *old_dir, struct dentry *old_dentry,
			 const struct path *new_dir, struct dentry *new_dentry,
			 unsigned int flags);
int cgf_hook_path_truncate(const struct path *path);
int cgf_hook_file_truncate(struct file *file);
int cgf_hook_path_chmod(const struct path *path, umode_t mode);
int cgf_hook_path_chown(const struct path *path, kuid_t uid, kgid_t gid);
int cgf_hook_inode_setxattr(struct cgf_mnt_idmap *idmap, struct dentry *dentry,
			    const char *name, const void *value, size_t size, int flags);
int cgf_hook_inode_removexattr(struct cgf_mnt_idmap *idmap, struct dentry *dentry,
			       const char *name);
/* Since 6.2 (CGF_KERNEL_HAS_INODE_ACL_HOOKS): ACLs no longer pass inode_setxattr. */
int cgf_hook_inode_set_acl(struct cgf_mnt_idmap *idmap, struct dentry *dentry,
			   const char *acl_name, struct posix_acl *kacl);
int cgf_hook_inode_remove_acl(struct cgf_mnt_idmap *idmap, struct dentry *dentry,
			      const char *acl_name);
int cgf_hook_unix_stream_connect(struct sock *sock, struct sock *other, struct sock *newsk);
int cgf_hook_unix_may_send(struct socket *sock, struct socket *other);
int cgf_hook_task_alloc(struct task_struct *task, unsigned long clone_flags);
void cgf_hook_cgroup_attach_task(struct cgroup *dst, struct task_struct *leader,
				 bool threadgroup);
int cgf_hook_sb_mount(const char *dev_name, const struct path *path, const char *type,
		      unsigned long flags, void *data);
int cgf_hook_sb_umount(struct vfsmount *mnt, int flags);
int cgf_hook_sb_pivotroot(const struct path *old_path, const struct path *new_path);
int cgf_hook_move_mount(const struct path *from_path, const struct path *to_path);
int cgf_hook_sb_kern_mount(const struct super_block *sb);
int cgf_hook_sb_kern_mount_rw(const struct super_block *sb);
int cgf_hook_file_ioctl(struct file *file, unsigned int cmd, unsigned long arg);
int cgf_hook_file_receive(struct file *file);
int cgf_hook_file_fcntl(struct file *file, unsigned int cmd, unsigned long arg);
int cgf_hook_kernel_read_file(struct file *file, enum kernel_read_file_id id, bool contents);
int cgf_hook_kernel_load_data(enum kernel_load_data_id id, bool contents);
int cgf_hook_locked_down(enum lockdown_reason what);
int cgf_hook_bpf(int cmd, union bpf_attr *attr, unsigned int size);
int cgf_hook_perf_event_open(int type);
int cgf_hook_quotactl(int cmds, int type, int id, const struct super_block *sb);
int cgf_hook_path_notify(const struct path *path, u64 mask, unsigned int obj_type);
int cgf_hook_ptrace_access_check(struct task_struct *child, unsigned int mode);
int cgf_hook_syslog(int type);
int cgf_hook_settime(const struct timespec64 *ts, const struct timezone *tz);
int cgf_hook_task_sched(struct task_struct *p);
int cgf_hook_task_kill(struct task_struct *p, struct kernel_siginfo *info, int sig,
		       const struct cred *cred);
/* System calls without a security hook: arguments as the kernel itself will use them. */
int cgf_hook_delete_module(unsigned int flags);
int cgf_hook_reboot(void);
/* Not a security hook: vfs_fallocate(), where every fallocate(2) passes. */
int cgf_hook_fallocate(struct file *file, int mode);
/* Not a security hook: vfs_utimes(), where every utimes(2) and utimensat(2) passes. */
int cgf_hook_utimes(const struct path *path);
/* Not a security hook: a write an RWF_NOAPPEND placed past an O_APPEND descriptor's end. */
int cgf_hook_write_noappend(struct file *file);
int cgf_hook_genl_bind(struct net *net, int group);
/* Not a security hook: blkdev_get_by_dev(), where the kernel opens every block device. */
int cgf_hook_bdev_open(dev_t dev, bool read, bool write);
/* move_mount(2) with MOVE_MOUNT_SET_GROUP, which security_move_mount() cannot tell apart. */
int cgf_hook_move_mount_set_group(const struct path *from_path, const struct path *to_path);
/* Calls of the new mount API that no hook can judge rule by rule. */
int cgf_hook_fspick(void);
int cgf_hook_open_tree_clone(void);
int cgf_hook_mount_setattr(void);

#endif /* _CGFENCE_HOOKS_H */
