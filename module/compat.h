/* SPDX-License-Identifier: GPL-2.0 */
/* cgfence kernel differences (Debian's 6.1 and 6.12): the only place that tests a version. */
#ifndef _CGFENCE_COMPAT_H
#define _CGFENCE_COMPAT_H

/*
 * Everything that differs between the kernels cgfence builds for is decided here, once,
 * and used by the backend as plain C: hooks and adapters never carry an #if. Where the
 * headers themselves tell (a macro, a prototype), the test is on that, not on the version,
 * because distributions backport: Debian's 6.12 has the perf_event_open hook of 6.14.
 * A version number decides only what no header shows, and then names the release that
 * changed it. Each CGF_KERNEL_HAS_* is a constant 0 or 1, usable in the hook table.
 */

#include <linux/fs.h>
#include <linux/ftrace.h>
#include <linux/ptrace.h>
#include <linux/llist.h>
#include <linux/rbtree.h>
#include <linux/security.h>
#include <linux/version.h>
#include <net/genetlink.h>

/*
 * struct ftrace_regs: a plain pt_regs wrapper on 6.1 (fregs->regs); opaque since 6.12,
 * read through accessors. DYNAMIC_FTRACE_WITH_ARGS saves the argument registers either way.
 */
#ifdef ftrace_regs_get_argument
#define cgf_ftrace_arg(fregs, n)	ftrace_regs_get_argument(fregs, n)
#else
#define cgf_ftrace_arg(fregs, n)	regs_get_kernel_argument(&(fregs)->regs, n)
#endif

/*
 * Where the ftrace trampoline returns to: the traced function, or our deny stub. The
 * trampoline gets there with a RET, not an indirect jump, so the stub needs no ENDBR
 * under CONFIG_X86_KERNEL_IBT (6.12); see the backend's deny stubs.
 */
#ifdef ftrace_regs_set_instruction_pointer
#define cgf_ftrace_set_ip(fregs, ip)	ftrace_regs_set_instruction_pointer(fregs, ip)
#else
#define cgf_ftrace_set_ip(fregs, ip)	ftrace_instruction_pointer_set(fregs, ip)
#endif

/* True when the kernel's prototype of @fn is @type (a compile-time constant). */
#define CGF_PROTOTYPE_IS(fn, type) __builtin_types_compatible_p(typeof(fn) *, type)

/*
 * security_perf_event_open() lost its unused attr argument (mainline 6.14, in Debian's
 * 6.12 by backport): the event type moved from the second argument to the first.
 */
#define CGF_PERF_EVENT_OPEN_TYPE_ARG \
	(CGF_PROTOTYPE_IS(security_perf_event_open, int (*)(int)) ? 0 : 1)

/*
 * security_file_truncate() (6.2): ftruncate(2) and open(O_TRUNC) ask it instead of
 * security_path_truncate(), which then sees only truncate(2) by path. Not backported
 * to 6.1 (it needs the LSM's file hook), so the version tells.
 */
#define CGF_KERNEL_HAS_FILE_TRUNCATE	(LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0))

/*
 * RWF_NOAPPEND (6.9): pwritev2(2), io_uring and aio writes through an O_APPEND
 * descriptor at an offset of the caller's choosing. The kernel clears IOCB_APPEND for
 * that one write; the generic write checks are where every such write passes.
 */
#ifdef RWF_NOAPPEND
#define CGF_KERNEL_HAS_RWF_NOAPPEND	1
#else
#define CGF_KERNEL_HAS_RWF_NOAPPEND	0
#endif

/*
 * What a generic netlink family's pre_doit is handed: since 6.2 the split operation
 * (the do or the dump half of a command), before that the whole command.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#define CGF_GENL_DOIT_OPS	struct genl_split_ops
#else
#define CGF_GENL_DOIT_OPS	struct genl_ops
#endif

/*
 * A dump's parsed request attributes: inside the struct genl_info that genl_dumpit_info
 * carries since 6.4 (genl_info_dump()), directly in it before.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#define cgf_genl_dump_attrs(cb)	(genl_info_dump(cb)->attrs)
#else
#define cgf_genl_dump_attrs(cb)	(genl_dumpit_info(cb)->attrs)
#endif

/*
 * The mount's id mapping that inode hooks are handed: a user namespace until 6.3, a
 * struct mnt_idmap since. cgfence never reads it; the hook prototypes name the type.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
#define cgf_mnt_idmap	mnt_idmap
#else
#define cgf_mnt_idmap	user_namespace
#endif

/*
 * POSIX ACLs: through security_inode_setxattr() until 6.2, through their own hooks
 * (security_inode_set_acl(), _remove_acl()) since.
 */
#define CGF_KERNEL_HAS_INODE_ACL_HOOKS	(LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0))

/*
 * The kernel's one open of a block device by number: blkdev_get_by_dev() until 6.8,
 * bdev_file_open_by_dev() (which returns a file) since 6.9. 6.12's node opens
 * (blkdev_open()) no longer go through it.
 */
#define CGF_KERNEL_HAS_BDEV_FILE_OPEN	(LINUX_VERSION_CODE >= KERNEL_VERSION(6, 9, 0))

/*
 * struct mount (fs/mount.h, private) as module/mount_view.c mirrors it: 6.8 added a
 * tree node to the union after the embedded vfsmount, which moves every later field.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
union cgf_mount_first_union {
	struct rb_node mnt_node;
	struct rcu_head mnt_rcu;
	struct llist_node mnt_llist;
};
#else
union cgf_mount_first_union {
	struct rcu_head mnt_rcu;
	struct llist_node mnt_llist;
};
#endif

#endif /* _CGFENCE_COMPAT_H */
