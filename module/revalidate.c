// SPDX-License-Identifier: GPL-2.0
/* cgfence revalidation: descriptors held from before confinement are judged as if opened now. */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cgroup.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/task_work.h>

#include "hooks.h"
#include "hooks_internal.h"
#include "revalidate.h"
#include "store.h"

/*
 * A task that becomes confined may hold descriptors it could not open now: runc's leaked
 * descriptor of the host's cgroupfs (CVE-2024-21626), a host file inherited across
 * exec. As SELinux and AppArmor do at exec, each is judged as the open it stands for
 * (its path, its access, its device) and a refused one is closed before the task runs
 * another instruction of its own: closing sleeps, so it runs as task work on the way
 * back to user space, not in a hook.
 */
static int cgf_refused_fd(const void *unused, struct file *file, unsigned int fd)
{
	return cgf_judge_held_file(file) ? fd + 1 : 0;
}

static void cgf_revalidate_run(struct callback_head *work)
{
	unsigned int next = 0;

	kfree(work);
	if (!current->files)
		return;
	while ((next = iterate_fd(current->files, next, cgf_refused_fd, NULL)))
		close_fd(next - 1);
}

/* Fails closed: a task whose descriptors cannot be revalidated is killed. */
static void cgf_revalidate_queue(struct task_struct *task)
{
	struct callback_head *work = kmalloc(sizeof(*work), GFP_ATOMIC);
	int err = -ENOMEM;

	if (work) {
		init_task_work(work, cgf_revalidate_run);
		err = task_work_add(task, work, TWA_RESUME);
		if (err)
			kfree(work);
	}
	/* -ESRCH: the task is exiting and runs nothing more of its own. */
	if (err && err != -ESRCH) {
		pr_warn("cannot revalidate the descriptors of pid %d (%d): killed\n",
			task_pid_nr(task), err);
		send_sig(SIGKILL, task, 1);
	}
}

/* A confined task's exec: the new program runs only after what it inherits is judged. */
void cgf_hook_bprm_committed_creds(struct linux_binprm *bprm)
{
	if (cgf_subject_current_confined())
		cgf_revalidate_queue(current);
}

void cgf_revalidate_subtree(u64 cgroup_id)
{
	struct task_struct *process, *task;
	struct cgroup *cgrp = cgroup_get_from_id(cgroup_id);

	if (IS_ERR(cgrp))
		return;
	rcu_read_lock();
	for_each_process_thread(process, task) {
		/* Kernel and io_uring worker threads never return to user space. */
		if (!(task->flags & (PF_KTHREAD | PF_IO_WORKER)) &&
		    cgroup_is_descendant(task_dfl_cgroup(task), cgrp))
			cgf_revalidate_queue(task);
	}
	rcu_read_unlock();
	cgroup_put(cgrp);
}
