// SPDX-License-Identifier: GPL-2.0
/* cgfence task hooks: a confined task stays in its subtree, and cannot take cgfence away. */

#include <linux/capability.h>
#include <linux/cgroup.h>
#include <linux/fs.h>
#include <linux/kernfs.h>
#include <linux/magic.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <uapi/linux/sched.h>

#include "events.h"
#include "hooks.h"
#include "judge.h"
#include "pending.h"
#include "store.h"

/*
 * Policy follows the cgroup subtree: a confined task may move tasks only into cgroups
 * every one of its attachments still covers. Writing cgroup.procs or cgroup.threads of
 * any other cgroup (reached through a host mount or a leaked descriptor) is refused.
 */
struct cgf_migrate_request {
	struct cgf_judgement j;
	const struct file *file;
	struct cgroup *target;
};

static bool cgf_is_cgroup_migration_file(const struct file *file)
{
	const struct dentry *dentry = file->f_path.dentry;

	if (dentry->d_sb->s_magic != CGROUP2_SUPER_MAGIC || !d_is_reg(dentry))
		return false;
	return !strcmp(dentry->d_name.name, "cgroup.procs") ||
	       !strcmp(dentry->d_name.name, "cgroup.threads");
}

/* Under RCU, as cgroup files are: the cgroup whose procs file this is. */
static bool cgf_migrate_prepare(struct cgf_judgement *j)
{
	struct cgf_migrate_request *req = container_of(j, struct cgf_migrate_request, j);
	struct kernfs_node *kn = file_inode(req->file)->i_private;

	req->target = kn && kn->parent ?
		      rcu_dereference(*(struct cgroup __rcu **)&kn->parent->priv) : NULL;
	return true;
}

static bool cgf_migrate_decide(struct cgf_judgement *j, const struct cgf_attachment *att,
			       const struct cgf_profile *profile, struct cgf_verdict *verdict)
{
	struct cgf_migrate_request *req = container_of(j, struct cgf_migrate_request, j);

	return !req->target || !cgroup_is_descendant(req->target, att->cgrp);
}

int cgf_hook_file_permission(struct file *file, int mask)
{
	struct cgf_migrate_request req = {
		.j = {
			.op = CGF_OP_CGROUP_MIGRATE,
			.deny_errno = -EPERM,
			.object = file->f_path.dentry->d_name.name,
			.prepare = cgf_migrate_prepare,
			.decide = cgf_migrate_decide,
		},
		.file = file,
	};

	if (!(mask & MAY_WRITE) || !static_branch_unlikely(&cgf_confinement_active) ||
	    !cgf_is_cgroup_migration_file(file))
		return 0;
	return cgf_judge(&req.j);
}

/* The target cgroup of clone3(CLONE_INTO_CGROUP) is not visible here: refuse it whole. */
int cgf_hook_task_alloc(struct task_struct *task, unsigned long clone_flags)
{
	if (!(clone_flags & CLONE_INTO_CGROUP))
		return 0;
	return cgf_refuse_confined(CGF_OP_CLONE_INTO_CGROUP);
}

/* Not a security hook: every move between cgroups, before it happens (pending.c). */
void cgf_hook_cgroup_attach_task(struct cgroup *dst, struct task_struct *leader,
				 bool threadgroup)
{
	cgf_pending_migrate(dst, leader, threadgroup);
}

/*
 * A confined task reaches only tasks its containers cover: ptrace, process memory,
 * pidfd_getfd(), /proc/PID/{mem,environ,fd,ns,...} and signals to any other task are
 * refused unless a kernel rule allows them, whatever pid namespace the task shares
 * with the host and whatever capabilities it holds.
 */
struct cgf_task_request {
	struct cgf_judgement j;
	struct task_struct *target;
	struct cgroup *target_cgrp;
	int sig;
	char object[48];
};

/* Under RCU, which keeps the target's css_set alive. */
static bool cgf_task_prepare(struct cgf_judgement *j)
{
	struct cgf_task_request *req = container_of(j, struct cgf_task_request, j);

	req->target_cgrp = task_dfl_cgroup(req->target);
	if (j->op == CGF_OP_SIGNAL)
		snprintf(req->object, sizeof(req->object), "pid %d sig %d",
			 task_pid_nr(req->target), req->sig);
	else
		snprintf(req->object, sizeof(req->object), "pid %d", task_pid_nr(req->target));
	j->object = req->object;
	return true;
}

static bool cgf_task_decide(struct cgf_judgement *j, const struct cgf_attachment *att,
			    const struct cgf_profile *profile, struct cgf_verdict *verdict)
{
	struct cgf_task_request *req = container_of(j, struct cgf_task_request, j);

	/*
	 * A task the attachment leaves pending (the runtime's own, until it execs) is not
	 * the container's yet: reaching into it would reach past the profile.
	 */
	if (cgroup_is_descendant(req->target_cgrp, att->cgrp) &&
	    !cgf_pending_task(req->target, att))
		return false;
	return cgf_kernel_decide(j, att, profile, verdict);
}

static int cgf_judge_task(enum cgf_op op, u32 kernel_op, struct task_struct *target, int sig,
			  bool quiet)
{
	struct cgf_task_request req = {
		.j = {
			.op = op,
			.deny_errno = -EPERM,
			.requested = kernel_op,
			.prepare = cgf_task_prepare,
			.decide = cgf_task_decide,
			.quiet = quiet,
		},
		.target = target,
		.sig = sig,
	};

	return cgf_judge(&req.j);
}

int cgf_hook_ptrace_access_check(struct task_struct *child, unsigned int mode)
{
	return cgf_judge_task(CGF_OP_PTRACE, CGFENCE_KERNEL_PTRACE, child, 0,
			      mode & PTRACE_MODE_NOAUDIT);
}

/* Priority, scheduling policy and CPU affinity, I/O priority, memory placement. */
int cgf_hook_task_sched(struct task_struct *p)
{
	return cgf_judge_task(CGF_OP_SCHED, CGFENCE_KERNEL_SCHED, p, 0, false);
}

/* Only signals a task sends: the kernel's own (SIGCHLD to a parent) never get here. */
int cgf_hook_task_kill(struct task_struct *p, struct kernel_siginfo *info, int sig,
		       const struct cred *cred)
{
	return cgf_judge_task(CGF_OP_SIGNAL, CGFENCE_KERNEL_SIGNAL, p, sig, false);
}

/*
 * Joining the denials group: the multicast group's own flag asks CAP_SYS_ADMIN, which a
 * confined container may hold. The same checks as every command apply, through the one
 * place 6.1 lets us see a join (genl_bind(), hooked like the security functions).
 */
int cgf_hook_genl_bind(struct net *net, int group)
{
	if (!cgf_events_is_sink_group(group))
		return 0;
	if (!capable(CAP_MAC_ADMIN) || cgf_subject_current_confined())
		return -EPERM;
	return 0;
}
