// SPDX-License-Identifier: GPL-2.0
/* cgfence revalidation: descriptors held from before confinement are judged as if opened now. */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/cgroup.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/task_work.h>

#include "hooks.h"
#include "hooks_internal.h"
#include "pending.h"
#include "revalidate.h"
#include "store.h"
#include "symbols.h"

/*
 * A task that becomes confined may hold descriptors it could not open now: runc's leaked
 * descriptor of the host's cgroupfs (CVE-2024-21626), a host file inherited across
 * exec. As SELinux and AppArmor do at exec, each is judged as the open it stands for
 * (its path, its access, its device), and a refused one is replaced before the task runs
 * another instruction of its own: replacing sleeps, so it runs as task work on the way
 * back to user space, not in a hook.
 *
 * The replacement refuses every read and write (EACCES) but keeps the number taken: a
 * program whose standard output was refused must not find the next file it opens as
 * its fd 1 (and glibc stops a setuid program that starts with 0, 1 or 2 closed).
 */
static ssize_t cgf_revoked_read(struct file *file, char __user *buf, size_t count,
				loff_t *pos)
{
	return -EACCES;
}

static ssize_t cgf_revoked_write(struct file *file, const char __user *buf, size_t count,
				 loff_t *pos)
{
	return -EACCES;
}

/* The owner pins the module while any task holds a revoked descriptor. */
static const struct file_operations cgf_revoked_fops = {
	.owner = THIS_MODULE,
	.read = cgf_revoked_read,
	.write = cgf_revoked_write,
	.llseek = noop_llseek,
};

static int cgf_refused_fd(const void *unused, struct file *file, unsigned int fd)
{
	if (file->f_op == &cgf_revoked_fops)
		return 0;
	return cgf_judge_held_file(file) ? fd + 1 : 0;
}

static void cgf_revalidate_flush(void)
{
	struct file *revoked = NULL;
	unsigned int next = 0;

	if (!current->files)
		return;
	while ((next = iterate_fd(current->files, next, cgf_refused_fd, NULL))) {
		if (!revoked) {
			revoked = anon_inode_getfile("[cgfence-revoked]", &cgf_revoked_fops, NULL,
						     O_RDWR);
			if (IS_ERR(revoked))
				revoked = NULL;
		}
		/* Without a replacement the descriptor still goes: closed. */
		if (!revoked || cgf_replace_fd(next - 1, revoked, 0) < 0)
			close_fd(next - 1);
	}
	if (revoked)
		fput(revoked);
}

/*
 * Each queued work holds a reference on the module, so that rmmod cannot free this
 * code while a task (blocked in a system call) has yet to run it. The put is the
 * last call, made as a tail call.
 */
static void cgf_revalidate_run(struct callback_head *work)
{
	kfree(work);
	cgf_revalidate_flush();
	module_put(THIS_MODULE);
}

/* Fails closed: a task whose descriptors cannot be revalidated is killed. */
static void cgf_revalidate_queue(struct task_struct *task)
{
	struct callback_head *work;
	int err = -ENOMEM;

	/* Kernel and io_uring worker threads never return to user space. */
	if (task->flags & (PF_KTHREAD | PF_IO_WORKER))
		return;
	/* The module is going away, and confinement with it: nothing left to judge by. */
	if (!try_module_get(THIS_MODULE))
		return;
	work = kmalloc(sizeof(*work), GFP_ATOMIC);
	if (work) {
		init_task_work(work, cgf_revalidate_run);
		err = task_work_add(task, work, TWA_RESUME);
		if (err)
			kfree(work);
	}
	if (err)
		module_put(THIS_MODULE);
	/* -ESRCH: the task is exiting and runs nothing more of its own. */
	if (err && err != -ESRCH) {
		pr_warn("cannot revalidate the descriptors of pid %d (%d): killed\n",
			task_pid_nr(task), err);
		send_sig(SIGKILL, task, 1);
	}
}

/*
 * A confined task's exec: the new program runs only after what it inherits is judged.
 * It is the exec that on-exec attachments wait for, so the task is pending for none
 * of them from here on, and its descriptors are judged by them too.
 */
void cgf_hook_bprm_committed_creds(struct linux_binprm *bprm)
{
	cgf_pending_exec();
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
		if (cgroup_is_descendant(task_dfl_cgroup(task), cgrp))
			cgf_revalidate_queue(task);
	}
	rcu_read_unlock();
	cgroup_put(cgrp);
}
