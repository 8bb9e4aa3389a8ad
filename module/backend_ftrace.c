// SPDX-License-Identifier: GPL-2.0
/* cgfence loadable backend: reach the kernel's security_* functions through ftrace. */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/binfmts.h>
#include <linux/dcache.h>
#include <linux/errno.h>
#include <linux/fs.h>
#include <linux/kernel_read_file.h>
#include <linux/security.h>
#include <linux/ftrace.h>
#include <linux/mman.h>
#include <linux/mount.h>
#include <uapi/linux/mount.h>
#include <linux/personality.h>
#include <linux/sched.h>
#include <linux/kernel.h>
#include <linux/ptrace.h>
#include <linux/string.h>
#include <linux/trace_recursion.h>
#include <asm/syscall.h>

#include <uapi/cgfence.h>

#include "backend.h"
#include "compat.h"
#include "hooks.h"

/*
 * How it works: each hooked security_*() gets an IPMODIFY ftrace_ops. The callback
 * runs at the function's entry with its arguments in registers, asks the cgfence hook
 * for a verdict and, only to deny, points the return of the ftrace trampoline at a
 * stub that returns the errno in place of the function. On allow the kernel's own
 * function (and every other LSM) runs untouched. Module text never calls the original,
 * so there is no recursion through ftrace, and once unregister_ftrace_function() has
 * returned no CPU can still enter our text: rmmod is safe.
 */

/*
 * Deny stubs stand in for an int-returning security_*() whose arguments they ignore,
 * which the x86-64 calling convention allows. One stub per errno that hooks return.
 * The ftrace trampoline enters a stub with a RET to the address we set, never with an
 * indirect call or jump, so indirect branch tracking (CONFIG_X86_KERNEL_IBT, on in
 * Debian's 6.12) has no ENDBR to ask for; taking their address keeps the compiler's
 * ENDBR anyway, and objtool does not seal it.
 */
static noinline notrace int cgf_deny_eacces(void)
{
	return -EACCES;
}

static noinline notrace int cgf_deny_eperm(void)
{
	return -EPERM;
}

/*
 * For a long-returning system call, or a function returning ERR_PTR(): an int return
 * would not sign-extend into %rax.
 */
static noinline notrace long cgf_deny_long_eperm(void)
{
	return -EPERM;
}

static noinline notrace long cgf_deny_long_eacces(void)
{
	return -EACCES;
}

/* Argument N of the traced call, as ftrace saved it (WITH_ARGS saves the argument registers). */
static unsigned long cgf_arg(struct ftrace_regs *fregs, unsigned int n)
{
	return cgf_ftrace_arg(fregs, n);
}

#define CGF_ARG(type, n) ((type)cgf_arg(fregs, (n)))

/*
 * Adapters: the security_*() function's arguments in, the LSM hook's out. Where
 * security_*() filters before calling the LSMs (private inodes, the exec implied by
 * READ_IMPLIES_EXEC), the adapter applies the same filter, so the hook judges exactly
 * what a built-in LSM would.
 */
static bool cgf_private_dentry(const struct dentry *dentry)
{
	return unlikely(IS_PRIVATE(d_backing_inode(dentry)));
}

static int cgf_decide_file_open(struct ftrace_regs *fregs)
{
	return cgf_hook_file_open(CGF_ARG(struct file *, 0));
}

static int cgf_decide_bprm_check(struct ftrace_regs *fregs)
{
	return cgf_hook_bprm_check_security(CGF_ARG(struct linux_binprm *, 0));
}

/* fs/exec.c's path_noexec(), which modules cannot call. */
static bool cgf_path_noexec(const struct path *path)
{
	return (path->mnt->mnt_flags & MNT_NOEXEC) ||
	       (path->mnt->mnt_sb->s_iflags & SB_I_NOEXEC);
}

/* security.c's mmap_prot(): the protection the mapping really gets. */
static unsigned long cgf_mmap_prot(struct file *file, unsigned long prot)
{
	if ((prot & (PROT_READ | PROT_EXEC)) != PROT_READ)
		return prot;
	if (!(current->personality & READ_IMPLIES_EXEC))
		return prot;
	if (!file || !cgf_path_noexec(&file->f_path))
		return prot | PROT_EXEC;
	return prot;
}

static int cgf_decide_mmap_file(struct ftrace_regs *fregs)
{
	struct file *file = CGF_ARG(struct file *, 0);
	unsigned long prot = CGF_ARG(unsigned long, 1);

	return cgf_hook_mmap_file(file, prot, cgf_mmap_prot(file, prot),
				  CGF_ARG(unsigned long, 2));
}

static int cgf_decide_file_mprotect(struct ftrace_regs *fregs)
{
	return cgf_hook_file_mprotect(CGF_ARG(struct vm_area_struct *, 0),
				      CGF_ARG(unsigned long, 1), CGF_ARG(unsigned long, 2));
}

static int cgf_decide_file_permission(struct ftrace_regs *fregs)
{
	return cgf_hook_file_permission(CGF_ARG(struct file *, 0), CGF_ARG(int, 1));
}

static int cgf_decide_task_alloc(struct ftrace_regs *fregs)
{
	return cgf_hook_task_alloc(CGF_ARG(struct task_struct *, 0),
				   CGF_ARG(unsigned long, 1));
}

static int cgf_decide_path_mknod(struct ftrace_regs *fregs)
{
	const struct path *dir = CGF_ARG(const struct path *, 0);

	if (cgf_private_dentry(dir->dentry))
		return 0;
	return cgf_hook_path_mknod(dir, CGF_ARG(struct dentry *, 1), CGF_ARG(umode_t, 2),
				   CGF_ARG(unsigned int, 3));
}

static int cgf_decide_path_mkdir(struct ftrace_regs *fregs)
{
	const struct path *dir = CGF_ARG(const struct path *, 0);

	if (cgf_private_dentry(dir->dentry))
		return 0;
	return cgf_hook_path_mkdir(dir, CGF_ARG(struct dentry *, 1), CGF_ARG(umode_t, 2));
}

static int cgf_decide_path_rmdir(struct ftrace_regs *fregs)
{
	const struct path *dir = CGF_ARG(const struct path *, 0);

	if (cgf_private_dentry(dir->dentry))
		return 0;
	return cgf_hook_path_rmdir(dir, CGF_ARG(struct dentry *, 1));
}

static int cgf_decide_path_unlink(struct ftrace_regs *fregs)
{
	const struct path *dir = CGF_ARG(const struct path *, 0);

	if (cgf_private_dentry(dir->dentry))
		return 0;
	return cgf_hook_path_unlink(dir, CGF_ARG(struct dentry *, 1));
}

static int cgf_decide_path_symlink(struct ftrace_regs *fregs)
{
	const struct path *dir = CGF_ARG(const struct path *, 0);

	if (cgf_private_dentry(dir->dentry))
		return 0;
	return cgf_hook_path_symlink(dir, CGF_ARG(struct dentry *, 1),
				     CGF_ARG(const char *, 2));
}

static int cgf_decide_path_link(struct ftrace_regs *fregs)
{
	struct dentry *old_dentry = CGF_ARG(struct dentry *, 0);

	if (cgf_private_dentry(old_dentry))
		return 0;
	return cgf_hook_path_link(old_dentry, CGF_ARG(const struct path *, 1),
				  CGF_ARG(struct dentry *, 2));
}

static int cgf_decide_path_rename(struct ftrace_regs *fregs)
{
	struct dentry *old_dentry = CGF_ARG(struct dentry *, 1);
	struct dentry *new_dentry = CGF_ARG(struct dentry *, 3);

	if (cgf_private_dentry(old_dentry) ||
	    (d_is_positive(new_dentry) && cgf_private_dentry(new_dentry)))
		return 0;
	return cgf_hook_path_rename(CGF_ARG(const struct path *, 0), old_dentry,
				    CGF_ARG(const struct path *, 2), new_dentry,
				    CGF_ARG(unsigned int, 4));
}

static int cgf_decide_path_truncate(struct ftrace_regs *fregs)
{
	const struct path *path = CGF_ARG(const struct path *, 0);

	if (cgf_private_dentry(path->dentry))
		return 0;
	return cgf_hook_path_truncate(path);
}

/* Since 6.2, ftruncate(2) and open(O_TRUNC): the file, with no private-inode filter. */
static int cgf_decide_file_truncate(struct ftrace_regs *fregs)
{
	return cgf_hook_file_truncate(CGF_ARG(struct file *, 0));
}

static int cgf_decide_path_chmod(struct ftrace_regs *fregs)
{
	const struct path *path = CGF_ARG(const struct path *, 0);

	if (cgf_private_dentry(path->dentry))
		return 0;
	return cgf_hook_path_chmod(path, CGF_ARG(umode_t, 1));
}

static int cgf_decide_path_chown(struct ftrace_regs *fregs)
{
	const struct path *path = CGF_ARG(const struct path *, 0);

	if (cgf_private_dentry(path->dentry))
		return 0;
	return cgf_hook_path_chown(path, KUIDT_INIT(CGF_ARG(uid_t, 1)),
				   KGIDT_INIT(CGF_ARG(gid_t, 2)));
}

static int cgf_decide_sb_mount(struct ftrace_regs *fregs)
{
	return cgf_hook_sb_mount(CGF_ARG(const char *, 0), CGF_ARG(const struct path *, 1),
				 CGF_ARG(const char *, 2), CGF_ARG(unsigned long, 3),
				 CGF_ARG(void *, 4));
}

static int cgf_decide_sb_umount(struct ftrace_regs *fregs)
{
	return cgf_hook_sb_umount(CGF_ARG(struct vfsmount *, 0), CGF_ARG(int, 1));
}

static int cgf_decide_sb_pivotroot(struct ftrace_regs *fregs)
{
	return cgf_hook_sb_pivotroot(CGF_ARG(const struct path *, 0),
				     CGF_ARG(const struct path *, 1));
}

/*
 * security_move_mount() has no flags, yet MOVE_MOUNT_SET_GROUP (the target joins the
 * source's peer group: a propagation change, not a move) passes it too. Only
 * move_mount(2) calls it, so the flags are in the task's saved user registers: its
 * fifth argument (r8 for x86-64 and x32, di for ia32, which numbers move_mount alike).
 * The syscall entry read the same registers, and nothing changes them before we run.
 */
static bool cgf_move_mount_set_group(void)
{
	struct pt_regs *user_regs = task_pt_regs(current);
	unsigned long args[6];

	if ((syscall_get_nr(current, user_regs) & ~__X32_SYSCALL_BIT) != __NR_move_mount)
		return false;
	syscall_get_arguments(current, user_regs, args);
	return (unsigned int)args[4] & MOVE_MOUNT_SET_GROUP;
}

static int cgf_decide_move_mount(struct ftrace_regs *fregs)
{
	const struct path *from_path = CGF_ARG(const struct path *, 0);
	const struct path *to_path = CGF_ARG(const struct path *, 1);

	if (cgf_move_mount_set_group())
		return cgf_hook_move_mount_set_group(from_path, to_path);
	return cgf_hook_move_mount(from_path, to_path);
}

static int cgf_decide_sb_kern_mount(struct ftrace_regs *fregs)
{
	return cgf_hook_sb_kern_mount(CGF_ARG(const struct super_block *, 0));
}

/*
 * System calls without a security hook. The syscall wrapper's only argument is the
 * user's registers; the third syscall argument is in dx for both the 64-bit and the
 * 32-bit calling conventions.
 */
static int cgf_decide_fspick(struct ftrace_regs *fregs)
{
	return cgf_hook_fspick();
}

static int cgf_decide_mount_setattr(struct ftrace_regs *fregs)
{
	return cgf_hook_mount_setattr();
}

static int cgf_decide_open_tree(struct ftrace_regs *fregs)
{
	const struct pt_regs *user_regs = CGF_ARG(const struct pt_regs *, 0);

	/* Without OPEN_TREE_CLONE it only opens a path, which the file rules judge. */
	if (!(user_regs->dx & OPEN_TREE_CLONE))
		return 0;
	return cgf_hook_open_tree_clone();
}

/*
 * delete_module(name, flags): flags is the second argument, in si for x86-64 (and x32)
 * and in cx for ia32, where the kernel takes only the low 32 bits, as we do: a 64-bit
 * task entering through int $0x80 with high bits set cannot make us read another value.
 */
static int cgf_decide_x64_delete_module(struct ftrace_regs *fregs)
{
	const struct pt_regs *user_regs = CGF_ARG(const struct pt_regs *, 0);

	return cgf_hook_delete_module((unsigned int)user_regs->si);
}

static int cgf_decide_ia32_delete_module(struct ftrace_regs *fregs)
{
	const struct pt_regs *user_regs = CGF_ARG(const struct pt_regs *, 0);

	return cgf_hook_delete_module((unsigned int)user_regs->cx);
}

static int cgf_decide_syslog(struct ftrace_regs *fregs)
{
	return cgf_hook_syslog(CGF_ARG(int, 0));
}

static int cgf_decide_settime64(struct ftrace_regs *fregs)
{
	return cgf_hook_settime(CGF_ARG(const struct timespec64 *, 0),
				CGF_ARG(const struct timezone *, 1));
}

/* setnice, setioprio, setscheduler and movememory: the target task comes first. */
static int cgf_decide_task_sched(struct ftrace_regs *fregs)
{
	return cgf_hook_task_sched(CGF_ARG(struct task_struct *, 0));
}

static int cgf_decide_file_receive(struct ftrace_regs *fregs)
{
	return cgf_hook_file_receive(CGF_ARG(struct file *, 0));
}

static int cgf_decide_file_fcntl(struct ftrace_regs *fregs)
{
	return cgf_hook_file_fcntl(CGF_ARG(struct file *, 0), CGF_ARG(unsigned int, 1),
				   CGF_ARG(unsigned long, 2));
}

/* A void hook: nothing to refuse, only work to queue. */
static int cgf_decide_bprm_committed_creds(struct ftrace_regs *fregs)
{
	cgf_hook_bprm_committed_creds(CGF_ARG(struct linux_binprm *, 0));
	return 0;
}

static int cgf_decide_inode_setxattr(struct ftrace_regs *fregs)
{
	struct dentry *dentry = CGF_ARG(struct dentry *, 1);

	if (cgf_private_dentry(dentry))
		return 0;
	return cgf_hook_inode_setxattr(CGF_ARG(struct cgf_mnt_idmap *, 0), dentry,
				       CGF_ARG(const char *, 2), CGF_ARG(const void *, 3),
				       CGF_ARG(size_t, 4), CGF_ARG(int, 5));
}

static int cgf_decide_inode_removexattr(struct ftrace_regs *fregs)
{
	struct dentry *dentry = CGF_ARG(struct dentry *, 1);

	if (cgf_private_dentry(dentry))
		return 0;
	return cgf_hook_inode_removexattr(CGF_ARG(struct cgf_mnt_idmap *, 0), dentry,
					  CGF_ARG(const char *, 2));
}

static int cgf_decide_inode_set_acl(struct ftrace_regs *fregs)
{
	struct dentry *dentry = CGF_ARG(struct dentry *, 1);

	if (cgf_private_dentry(dentry))
		return 0;
	return cgf_hook_inode_set_acl(CGF_ARG(struct cgf_mnt_idmap *, 0), dentry,
				      CGF_ARG(const char *, 2), CGF_ARG(struct posix_acl *, 3));
}

static int cgf_decide_inode_remove_acl(struct ftrace_regs *fregs)
{
	struct dentry *dentry = CGF_ARG(struct dentry *, 1);

	if (cgf_private_dentry(dentry))
		return 0;
	return cgf_hook_inode_remove_acl(CGF_ARG(struct cgf_mnt_idmap *, 0), dentry,
					 CGF_ARG(const char *, 2));
}

static int cgf_decide_unix_stream_connect(struct ftrace_regs *fregs)
{
	return cgf_hook_unix_stream_connect(CGF_ARG(struct sock *, 0), CGF_ARG(struct sock *, 1),
					    CGF_ARG(struct sock *, 2));
}

static int cgf_decide_unix_may_send(struct ftrace_regs *fregs)
{
	return cgf_hook_unix_may_send(CGF_ARG(struct socket *, 0), CGF_ARG(struct socket *, 1));
}

static int cgf_decide_vfs_utimes(struct ftrace_regs *fregs)
{
	return cgf_hook_utimes(CGF_ARG(const struct path *, 0));
}

static int cgf_decide_vfs_fallocate(struct ftrace_regs *fregs)
{
	return cgf_hook_fallocate(CGF_ARG(struct file *, 0), CGF_ARG(int, 1));
}

/*
 * blkdev_get_by_dev(dev, mode, holder): every open of a block device by number on 6.1
 * (blkdev_get_by_path() calls an inlined copy, which ftrace does not see). The open
 * of a device node (blkdev_open()) and the exclusive re-open of BLKBSZSET pass the
 * file's f_mode, which holds FMODE_NOWAIT there and in no other caller:
 * security_file_open() or the ioctl hook has already judged that device by number,
 * with the access of the open, so it is not judged (or reported) twice.
 */
static int cgf_decide_blkdev_get_by_dev(struct ftrace_regs *fregs)
{
	fmode_t mode = CGF_ARG(fmode_t, 1);

	if (mode & FMODE_NOWAIT)
		return 0;
	return cgf_hook_bdev_open(CGF_ARG(dev_t, 0), mode & FMODE_READ, mode & FMODE_WRITE);
}

/*
 * bdev_file_open_by_dev(dev, mode, holder, hops) since 6.9: the same open; node opens
 * no longer pass here. BLK_OPEN_READ and _WRITE are FMODE_READ's and _WRITE's bits.
 */
static int cgf_decide_bdev_file_open_by_dev(struct ftrace_regs *fregs)
{
	unsigned int mode = CGF_ARG(unsigned int, 1);

	return cgf_hook_bdev_open(CGF_ARG(dev_t, 0), mode & FMODE_READ, mode & FMODE_WRITE);
}

/*
 * Not a security hook: generic_write_checks() and _count(), where the filesystems
 * (ext4, xfs, btrfs, tmpfs, overlayfs' layers, fuse, ...) place a write, whichever
 * call made it (pwritev2, io_uring, aio). An O_APPEND descriptor whose write lost
 * IOCB_APPEND was given RWF_NOAPPEND (6.9): it writes where the caller says.
 */
static int cgf_decide_write_checks(struct ftrace_regs *fregs)
{
	const struct kiocb *iocb = CGF_ARG(const struct kiocb *, 0);

	if (likely(!(iocb->ki_filp->f_flags & O_APPEND) || (iocb->ki_flags & IOCB_APPEND)))
		return 0;
	return cgf_hook_write_noappend(iocb->ki_filp);
}

static int cgf_decide_reboot(struct ftrace_regs *fregs)
{
	return cgf_hook_reboot();
}

static int cgf_decide_file_ioctl(struct ftrace_regs *fregs)
{
	return cgf_hook_file_ioctl(CGF_ARG(struct file *, 0), CGF_ARG(unsigned int, 1),
				   CGF_ARG(unsigned long, 2));
}

static int cgf_decide_kernel_read_file(struct ftrace_regs *fregs)
{
	return cgf_hook_kernel_read_file(CGF_ARG(struct file *, 0),
					 CGF_ARG(enum kernel_read_file_id, 1), CGF_ARG(bool, 2));
}

static int cgf_decide_kernel_load_data(struct ftrace_regs *fregs)
{
	return cgf_hook_kernel_load_data(CGF_ARG(enum kernel_load_data_id, 0), CGF_ARG(bool, 1));
}

static int cgf_decide_locked_down(struct ftrace_regs *fregs)
{
	return cgf_hook_locked_down(CGF_ARG(enum lockdown_reason, 0));
}

static int cgf_decide_bpf(struct ftrace_regs *fregs)
{
	return cgf_hook_bpf(CGF_ARG(int, 0), CGF_ARG(union bpf_attr *, 1),
			    CGF_ARG(unsigned int, 2));
}

static int cgf_decide_perf_event_open(struct ftrace_regs *fregs)
{
	return cgf_hook_perf_event_open(CGF_ARG(int, CGF_PERF_EVENT_OPEN_TYPE_ARG));
}

static int cgf_decide_quotactl(struct ftrace_regs *fregs)
{
	return cgf_hook_quotactl(CGF_ARG(int, 0), CGF_ARG(int, 1), CGF_ARG(int, 2),
				 CGF_ARG(const struct super_block *, 3));
}

static int cgf_decide_path_notify(struct ftrace_regs *fregs)
{
	return cgf_hook_path_notify(CGF_ARG(const struct path *, 0), CGF_ARG(u64, 1),
				    CGF_ARG(unsigned int, 2));
}

static int cgf_decide_ptrace_access_check(struct ftrace_regs *fregs)
{
	return cgf_hook_ptrace_access_check(CGF_ARG(struct task_struct *, 0),
					    CGF_ARG(unsigned int, 1));
}

static int cgf_decide_task_kill(struct ftrace_regs *fregs)
{
	return cgf_hook_task_kill(CGF_ARG(struct task_struct *, 0),
				  CGF_ARG(struct kernel_siginfo *, 1), CGF_ARG(int, 2),
				  CGF_ARG(const struct cred *, 3));
}

/* Observes only: a move the module did not see would leave a task wrongly judged. */
static int cgf_decide_cgroup_attach_task(struct ftrace_regs *fregs)
{
	cgf_hook_cgroup_attach_task(CGF_ARG(struct cgroup *, 0),
				    CGF_ARG(struct task_struct *, 1), CGF_ARG(bool, 2));
	return 0;
}

static int cgf_decide_genl_bind(struct ftrace_regs *fregs)
{
	return cgf_hook_genl_bind(CGF_ARG(struct net *, 0), CGF_ARG(int, 1));
}

/* What the function a hook stands in front of returns: the deny stub must match it. */
enum cgf_return_type {
	CGF_RETURNS_INT,
	CGF_RETURNS_LONG,
};

struct cgf_ftrace_hook {
	const char *symbol;
	int (*decide)(struct ftrace_regs *fregs);
	enum cgf_return_type returns;
	/*
	 * The kernel we are built for has no such function, or nothing in it that needs
	 * judging (compat.h decides): the line is skipped, neither attached nor counted.
	 */
	bool not_here;
	struct ftrace_ops ops;
	bool attached;
};

#define CGF_HOOK(name) { .symbol = "security_" #name, .decide = cgf_decide_##name }
/* A hook only some kernels have: @present is a CGF_KERNEL_HAS_* constant of compat.h. */
#define CGF_HOOK_IF(present, name) {						\
	.symbol = "security_" #name, .decide = cgf_decide_##name,		\
	.not_here = !(present),							\
}

#define CGF_SYSCALL(abi, name) {						\
	.symbol = "__" #abi "_sys_" #name, .decide = cgf_decide_##name,		\
	.returns = CGF_RETURNS_LONG,						\
}

static struct cgf_ftrace_hook cgf_hooks[] = {
	CGF_HOOK(file_open),
	CGF_HOOK(file_permission),
	CGF_HOOK(bprm_check),
	CGF_HOOK(bprm_committed_creds),
	CGF_HOOK(mmap_file),
	CGF_HOOK(file_mprotect),
	CGF_HOOK(path_mknod),
	CGF_HOOK(path_mkdir),
	CGF_HOOK(path_rmdir),
	CGF_HOOK(path_unlink),
	CGF_HOOK(path_symlink),
	CGF_HOOK(path_link),
	CGF_HOOK(path_rename),
	CGF_HOOK(path_truncate),
	CGF_HOOK_IF(CGF_KERNEL_HAS_FILE_TRUNCATE, file_truncate),
	CGF_HOOK(path_chmod),
	CGF_HOOK(path_chown),
	CGF_HOOK(inode_setxattr),
	CGF_HOOK(inode_removexattr),
	CGF_HOOK_IF(CGF_KERNEL_HAS_INODE_ACL_HOOKS, inode_set_acl),
	CGF_HOOK_IF(CGF_KERNEL_HAS_INODE_ACL_HOOKS, inode_remove_acl),
	CGF_HOOK(unix_stream_connect),
	CGF_HOOK(unix_may_send),
	CGF_HOOK(task_alloc),
	CGF_HOOK(sb_mount),
	CGF_HOOK(sb_umount),
	CGF_HOOK(sb_pivotroot),
	CGF_HOOK(move_mount),
	CGF_HOOK(sb_kern_mount),
	CGF_HOOK(file_ioctl),
	/* Same arguments; 32-bit tasks' ioctls come this way. */
	{ .symbol = "security_file_ioctl_compat", .decide = cgf_decide_file_ioctl },
	CGF_HOOK(kernel_read_file),
	CGF_HOOK(kernel_load_data),
	CGF_HOOK(locked_down),
	CGF_HOOK(bpf),
	CGF_HOOK(perf_event_open),
	CGF_HOOK(quotactl),
	CGF_HOOK(path_notify),
	CGF_HOOK(ptrace_access_check),
	CGF_HOOK(task_kill),
	CGF_HOOK(syslog),
	CGF_HOOK(settime64),
	{ .symbol = "security_task_setnice", .decide = cgf_decide_task_sched },
	{ .symbol = "security_task_setioprio", .decide = cgf_decide_task_sched },
	{ .symbol = "security_task_setscheduler", .decide = cgf_decide_task_sched },
	{ .symbol = "security_task_movememory", .decide = cgf_decide_task_sched },
	CGF_HOOK(file_receive),
	CGF_HOOK(file_fcntl),
	/* Not a security hook: every block device the kernel opens; returns a pointer. */
	{ .symbol = "blkdev_get_by_dev", .decide = cgf_decide_blkdev_get_by_dev,
	  .returns = CGF_RETURNS_LONG, .not_here = CGF_KERNEL_HAS_BDEV_FILE_OPEN },
	{ .symbol = "bdev_file_open_by_dev", .decide = cgf_decide_bdev_file_open_by_dev,
	  .returns = CGF_RETURNS_LONG, .not_here = !CGF_KERNEL_HAS_BDEV_FILE_OPEN },
	/* Not a security hook: every fallocate(2) passes here, with its file. */
	{ .symbol = "vfs_fallocate", .decide = cgf_decide_vfs_fallocate },
	/* Not a security hook: utimes with the path it was reached by (no hook has one). */
	{ .symbol = "vfs_utimes", .decide = cgf_decide_vfs_utimes },
	/* Not security hooks either: where writes past an O_APPEND descriptor's end pass. */
	{ .symbol = "generic_write_checks", .decide = cgf_decide_write_checks,
	  .returns = CGF_RETURNS_LONG, .not_here = !CGF_KERNEL_HAS_RWF_NOAPPEND },
	{ .symbol = "generic_write_checks_count", .decide = cgf_decide_write_checks,
	  .not_here = !CGF_KERNEL_HAS_RWF_NOAPPEND },
	CGF_SYSCALL(x64, fspick),
	CGF_SYSCALL(ia32, fspick),
	CGF_SYSCALL(x64, open_tree),
	CGF_SYSCALL(ia32, open_tree),
	CGF_SYSCALL(x64, mount_setattr),
	CGF_SYSCALL(ia32, mount_setattr),
	{ .symbol = "__x64_sys_delete_module", .decide = cgf_decide_x64_delete_module,
	  .returns = CGF_RETURNS_LONG },
	{ .symbol = "__ia32_sys_delete_module", .decide = cgf_decide_ia32_delete_module,
	  .returns = CGF_RETURNS_LONG },
	CGF_SYSCALL(x64, reboot),
	CGF_SYSCALL(ia32, reboot),
	/* Not a security hook: where every cgroup move passes, tasks still in place. */
	{ .symbol = "cgroup_attach_task", .decide = cgf_decide_cgroup_attach_task },
	/* Not a security hook: the only place a multicast join can be refused on 6.1. */
	{ .symbol = "genl_bind", .decide = cgf_decide_genl_bind },
};

/* The stub that returns @err in place of @hook's function; any other errno still denies. */
static unsigned long cgf_deny_stub(const struct cgf_ftrace_hook *hook, int err)
{
	if (hook->returns == CGF_RETURNS_LONG)
		return err == -EACCES ? (unsigned long)cgf_deny_long_eacces :
					(unsigned long)cgf_deny_long_eperm;
	if (err == -EACCES)
		return (unsigned long)cgf_deny_eacces;
	return (unsigned long)cgf_deny_eperm;
}

static void notrace cgf_ftrace_thunk(unsigned long ip, unsigned long parent_ip,
				     struct ftrace_ops *ops, struct ftrace_regs *fregs)
{
	struct cgf_ftrace_hook *hook = container_of(ops, struct cgf_ftrace_hook, ops);
	int bit, err;

	/*
	 * Recursion in the same context means a hook re-entered a hooked function; we
	 * cannot decide safely, and an undecided request must not pass.
	 */
	bit = ftrace_test_recursion_trylock(ip, parent_ip);
	if (bit < 0) {
		cgf_ftrace_set_ip(fregs, cgf_deny_stub(hook, -EPERM));
		return;
	}

	err = hook->decide(fregs);
	if (err)
		cgf_ftrace_set_ip(fregs, cgf_deny_stub(hook, err));
	ftrace_test_recursion_unlock(bit);
}

static const char *cgf_attach_error_reason(int err)
{
	switch (err) {
	case -EINVAL:
		return "the function is not in this kernel or is not traceable";
	case -EBUSY:
		/* Another IPMODIFY user (livepatch, another module), or ftrace_enabled=0. */
		return "another ftrace user already redirects it, or kernel.ftrace_enabled is 0";
	case -ENODEV:
		return "ftrace is disabled in this kernel";
	case -ENOMEM:
		return "out of memory";
	default:
		return "unexpected ftrace error";
	}
}

static int cgf_attach_one(struct cgf_ftrace_hook *hook)
{
	int err;

	hook->ops.func = cgf_ftrace_thunk;
	/*
	 * PERMANENT: with our ops registered, sysctl kernel.ftrace_enabled=0 fails with
	 * EBUSY instead of silently switching enforcement off.
	 */
	hook->ops.flags = FTRACE_OPS_FL_IPMODIFY | FTRACE_OPS_FL_PERMANENT;

	err = ftrace_set_filter(&hook->ops, (unsigned char *)hook->symbol,
				strlen(hook->symbol), 0);
	if (err) {
		pr_err("cannot attach hook %s: ftrace_set_filter: %d: %s\n",
		       hook->symbol, err, cgf_attach_error_reason(err));
		return err;
	}

	err = register_ftrace_function(&hook->ops);
	if (err) {
		pr_err("cannot attach hook %s: register_ftrace_function: %d: %s\n",
		       hook->symbol, err, cgf_attach_error_reason(err));
		ftrace_free_filter(&hook->ops);
		return err;
	}
	hook->attached = true;
	return 0;
}

static void cgf_detach_one(struct cgf_ftrace_hook *hook)
{
	int err;

	if (!hook->attached)
		return;
	err = unregister_ftrace_function(&hook->ops);
	if (err)
		pr_err("cannot detach hook %s: %d\n", hook->symbol, err);
	ftrace_free_filter(&hook->ops);
	hook->attached = false;
}

/* All hooks or none: a half-attached module would enforce a policy nobody wrote. */
int cgf_backend_attach(void)
{
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(cgf_hooks); i++) {
		if (cgf_hooks[i].not_here)
			continue;
		err = cgf_attach_one(&cgf_hooks[i]);
		if (err) {
			cgf_backend_detach();
			return err;
		}
	}
	return 0;
}

void cgf_backend_detach(void)
{
	unsigned int i;

	for (i = ARRAY_SIZE(cgf_hooks); i-- > 0;)
		cgf_detach_one(&cgf_hooks[i]);
}

unsigned int cgf_backend_hooks_attached(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < ARRAY_SIZE(cgf_hooks); i++)
		n += cgf_hooks[i].attached;
	return n;
}

/* The hooks this kernel needs: lines compat.h rules out are not counted. */
unsigned int cgf_backend_hooks_total(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < ARRAY_SIZE(cgf_hooks); i++)
		n += !cgf_hooks[i].not_here;
	return n;
}

u32 cgf_backend_kind(void)
{
	return CGFENCE_BACKEND_FTRACE;
}
