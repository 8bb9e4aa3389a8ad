/* SPDX-License-Identifier: GPL-2.0 */
/* cgfence denial reports: what was refused (or would be, in complain mode) and for whom. */
#ifndef _CGFENCE_REPORT_H
#define _CGFENCE_REPORT_H

#include <linux/types.h>

struct cgf_attachment;

enum cgf_op {
	CGF_OP_OPEN,
	CGF_OP_EXEC,
	CGF_OP_MMAP,
	CGF_OP_MPROTECT,
	CGF_OP_MKNOD,
	CGF_OP_MKDIR,
	CGF_OP_RMDIR,
	CGF_OP_UNLINK,
	CGF_OP_SYMLINK,
	CGF_OP_LINK,
	CGF_OP_RENAME,
	CGF_OP_TRUNCATE,
	CGF_OP_CHMOD,
	CGF_OP_CHOWN,
	CGF_OP_CGROUP_MIGRATE,
	CGF_OP_CLONE_INTO_CGROUP,
	CGF_OP_MOUNT,
	CGF_OP_UMOUNT,
	CGF_OP_PIVOT_ROOT,
	CGF_OP_MOVE_MOUNT,
	CGF_OP_FSPICK,
	CGF_OP_OPEN_TREE,
	CGF_OP_MOUNT_SETATTR,
	CGF_OP_DEVICE_OPEN,
	CGF_OP_DEVICE_MKNOD,
	CGF_OP_DEVICE_MOUNT,
	CGF_OP_CREATE,
};

struct cgf_report {
	enum cgf_op op;
	const struct cgf_attachment *attachment;
	u32 rule_id;
	u32 requested;
	u32 denied;
	const char *object;	/* NUL-terminated object name, or NULL */
	bool enforced;		/* false: complain mode, allowed */
};

void cgf_report_denial(const struct cgf_report *report);
const char *cgf_report_op_name(enum cgf_op op);

#endif /* _CGFENCE_REPORT_H */
