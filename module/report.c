// SPDX-License-Identifier: GPL-2.0
/* cgfence denial reports: to the denial ring and, rate limited, the kernel log. */

#include <linux/printk.h>
#include <linux/ratelimit.h>
#include <linux/sched.h>
#include <linux/string.h>

#include "cgfence.h"
#include "events.h"
#include "report.h"
#include "store.h"

static const char *const cgf_op_names[] = {
	[CGF_OP_OPEN] = "open",
	[CGF_OP_EXEC] = "exec",
	[CGF_OP_MMAP] = "mmap",
	[CGF_OP_MPROTECT] = "mprotect",
	[CGF_OP_MKNOD] = "mknod",
	[CGF_OP_MKDIR] = "mkdir",
	[CGF_OP_RMDIR] = "rmdir",
	[CGF_OP_UNLINK] = "unlink",
	[CGF_OP_SYMLINK] = "symlink",
	[CGF_OP_LINK] = "link",
	[CGF_OP_RENAME] = "rename",
	[CGF_OP_TRUNCATE] = "truncate",
	[CGF_OP_CHMOD] = "chmod",
	[CGF_OP_CHOWN] = "chown",
	[CGF_OP_CGROUP_MIGRATE] = "cgroup_migrate",
	[CGF_OP_CLONE_INTO_CGROUP] = "clone_into_cgroup",
	[CGF_OP_MOUNT] = "mount",
	[CGF_OP_UMOUNT] = "umount",
	[CGF_OP_PIVOT_ROOT] = "pivot_root",
	[CGF_OP_MOVE_MOUNT] = "move_mount",
	[CGF_OP_FSPICK] = "fspick",
	[CGF_OP_OPEN_TREE] = "open_tree",
	[CGF_OP_MOUNT_SETATTR] = "mount_setattr",
	[CGF_OP_DEVICE_OPEN] = "device_open",
	[CGF_OP_DEVICE_MKNOD] = "device_mknod",
	[CGF_OP_DEVICE_MOUNT] = "device_mount",
	[CGF_OP_CREATE] = "create",
};

const char *cgf_report_op_name(enum cgf_op op)
{
	return cgf_op_names[op];
}

/*
 * Called from hooks. The record goes to the denial ring (rate limited per container);
 * the kernel log gets a line too, rate limited node-wide, for whoever reads dmesg.
 */
void cgf_report_denial(const struct cgf_report *report)
{
	static DEFINE_RATELIMIT_STATE(cgf_report_ratelimit, 5 * HZ, 20);

	cgf_events_record(report);
	if (!__ratelimit(&cgf_report_ratelimit))
		return;
	pr_notice(CGF_LOG_PREFIX "%s op=%s cgroup=%llu profile=%s rule=%u requested=0x%x denied=0x%x object=\"%*pE\" pid=%d comm=\"%s\"\n",
		  report->enforced ? "denied" : "would-deny", cgf_op_names[report->op],
		  report->attachment->cgroup_id, READ_ONCE(report->attachment->slot)->name,
		  report->rule_id, report->requested, report->denied,
		  report->object ? (int)strlen(report->object) : 0, report->object ?: "",
		  task_pid_nr(current), current->comm);
}
