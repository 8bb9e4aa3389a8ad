// SPDX-License-Identifier: GPL-2.0
/* cgfence on-exec attachments: the tasks an attachment does not judge until they exec. */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cgroup.h>
#include <linux/hashtable.h>
#include <linux/rculist.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/tracepoint.h>
#include <uapi/linux/sched.h>

#include "pending.h"
#include "store.h"

/*
 * An on-exec attachment (runc's and crun's case: the runtime moves its init into the
 * container's cgroup before it sets the container up) judges a task of its subtree
 * only from the task's next execve. Such a task is pending for the attachment: it was
 * in the subtree when the attachment was made, it entered the subtree from outside
 * (cgroup.procs, clone3(CLONE_INTO_CGROUP)), or its parent was pending when it was
 * forked. Confinement never goes the other way: a confined task's children are
 * confined, and a confined task cannot leave the subtree (hooks_task.c), so it cannot
 * enter it from outside again.
 *
 * One entry per (task, attachment), found by task under RCU. An entry goes at the
 * task's exec, at the task's end (sched_process_free, after which nothing can look the
 * task up to add one), or with its attachment. It also holds the task's start time:
 * a task_struct reused for a new task never matches an entry by mistake.
 */
struct cgf_pending {
	struct hlist_node node;
	const struct task_struct *task;
	u64 start_time;
	const struct cgf_attachment *att;
	struct rcu_head rcu;
};

#define CGF_PENDING_HASH_BITS 8

static DEFINE_HASHTABLE(cgf_pending_hash, CGF_PENDING_HASH_BITS);
/* Writers only; they may run in a tracepoint or in an RCU callback. */
static DEFINE_SPINLOCK(cgf_pending_lock);
/* Entries in the hash: lets exec and task ends skip the lock when none is pending. */
static unsigned int cgf_pending_entries;

static struct cgf_pending *cgf_pending_find(const struct task_struct *task,
					    const struct cgf_attachment *att)
{
	struct cgf_pending *p;

	hash_for_each_possible_rcu(cgf_pending_hash, p, node, (unsigned long)task)
		if (p->task == task && p->att == att && p->start_time == task->start_time)
			return p;
	return NULL;
}

bool cgf_pending_lookup(const struct task_struct *task, const struct cgf_attachment *att)
{
	/* A new attachment leaves every task alone until each is marked. */
	if (READ_ONCE(att->setting_up))
		return true;
	return cgf_pending_find(task, att);
}

static void cgf_pending_del(struct cgf_pending *p)
{
	struct cgf_attachment *att = (struct cgf_attachment *)p->att;

	lockdep_assert_held(&cgf_pending_lock);
	hash_del_rcu(&p->node);
	WRITE_ONCE(att->nr_pending, att->nr_pending - 1);
	WRITE_ONCE(cgf_pending_entries, cgf_pending_entries - 1);
	kfree_rcu(p, rcu);
}

/*
 * Marks @task pending for @att. A failed allocation leaves the task confined at once,
 * which is the safe side: returns -ENOMEM.
 */
static int cgf_pending_add(struct task_struct *task, struct cgf_attachment *att)
{
	struct cgf_pending *p = kmalloc(sizeof(*p), GFP_ATOMIC | __GFP_NOWARN);
	unsigned long flags;

	if (!p)
		return -ENOMEM;
	p->task = task;
	p->start_time = task->start_time;
	p->att = att;
	spin_lock_irqsave(&cgf_pending_lock, flags);
	/* Seen under RCU as it went: an attachment that is no longer on-exec takes none. */
	if (!att->on_exec || cgf_pending_find(task, att)) {
		spin_unlock_irqrestore(&cgf_pending_lock, flags);
		kfree(p);
		return 0;
	}
	hash_add_rcu(cgf_pending_hash, &p->node, (unsigned long)task);
	WRITE_ONCE(att->nr_pending, att->nr_pending + 1);
	WRITE_ONCE(cgf_pending_entries, cgf_pending_entries + 1);
	spin_unlock_irqrestore(&cgf_pending_lock, flags);
	return 0;
}

static void cgf_pending_add_or_warn(struct task_struct *task, struct cgf_attachment *att)
{
	if (cgf_pending_add(task, att))
		pr_warn_ratelimited("out of memory: pid %d confined before its exec\n",
				    task_pid_nr(task));
}

/* Every entry of @task, for any attachment. */
static void cgf_pending_drop_task(const struct task_struct *task)
{
	struct cgf_pending *p;
	struct hlist_node *tmp;
	unsigned long flags;

	if (!READ_ONCE(cgf_pending_entries))
		return;
	spin_lock_irqsave(&cgf_pending_lock, flags);
	hash_for_each_possible_safe(cgf_pending_hash, p, tmp, node, (unsigned long)task)
		if (p->task == task)
			cgf_pending_del(p);
	spin_unlock_irqrestore(&cgf_pending_lock, flags);
}

/*
 * @att stops being on-exec under the same lock that drops its entries: a fork or move
 * that found it under RCU a moment ago adds nothing after this.
 */
void cgf_pending_forget(struct cgf_attachment *att)
{
	struct cgf_pending *p;
	struct hlist_node *tmp;
	int bkt;

	spin_lock_irq(&cgf_pending_lock);
	WRITE_ONCE(att->on_exec, false);
	WRITE_ONCE(att->setting_up, false);
	hash_for_each_safe(cgf_pending_hash, bkt, tmp, p, node)
		if (p->att == att)
			cgf_pending_del(p);
	WRITE_ONCE(att->nr_pending, 0);
	spin_unlock_irq(&cgf_pending_lock);
}

int cgf_pending_setup(struct cgf_attachment *att)
{
	struct task_struct *process, *task;
	int err = 0;

	rcu_read_lock();
	for_each_process_thread(process, task) {
		if (!cgroup_is_descendant(task_dfl_cgroup(task), att->cgrp))
			continue;
		err = cgf_pending_add(task, att);
		if (err)
			break;
	}
	rcu_read_unlock();
	if (err)
		return err;	/* the store unlinks the attachment, dropping what was marked */
	spin_lock_irq(&cgf_pending_lock);
	WRITE_ONCE(att->setting_up, false);
	WRITE_ONCE(att->nr_pending, att->nr_pending - 1);
	spin_unlock_irq(&cgf_pending_lock);
	return 0;
}

void cgf_pending_exec(void)
{
	cgf_pending_drop_task(current);
}

/* Marks @task pending for every on-exec attachment covering @dst that @task is outside. */
static void cgf_pending_enter(struct task_struct *task, struct cgroup *dst)
{
	struct cgroup *from = task_dfl_cgroup(task);
	struct cgf_subject_iter iter;
	struct cgf_attachment *att;

	if (!cgf_cover_begin(&iter, dst))
		return;
	while ((att = cgf_cover_next(&iter)))
		if (READ_ONCE(att->on_exec) && !cgroup_is_descendant(from, att->cgrp))
			cgf_pending_add_or_warn(task, att);
}

/*
 * Called before the move, with cgroup_mutex and the threadgroup lock held: the tasks
 * are still where they come from, and none of the group forks or exits meanwhile. A
 * move that fails after this leaves an entry on a task outside the attachment, which
 * gives it nothing: it would be pending on entering anyway.
 */
void cgf_pending_migrate(struct cgroup *dst, struct task_struct *leader, bool threadgroup)
{
	struct task_struct *task = leader;

	/* A v1 hierarchy's cgroup ids are not the default hierarchy's. */
	if (!READ_ONCE(cgf_on_exec_attachments) || dst->root != &cgrp_dfl_root)
		return;
	rcu_read_lock();
	do {
		cgf_pending_enter(task, dst);
		if (!threadgroup)
			break;
	} while_each_thread(leader, task);
	rcu_read_unlock();
}

/*
 * After cgroup_post_fork(), before the child first runs: a pending parent's child is
 * pending; a child placed by clone3(CLONE_INTO_CGROUP) into a subtree its parent is
 * outside of enters it from outside.
 */
static void cgf_on_newtask(void *data, struct task_struct *child, unsigned long clone_flags)
{
	struct cgf_subject_iter iter;
	struct cgf_attachment *att;
	struct cgroup *parent_cgrp;

	if (!READ_ONCE(cgf_on_exec_attachments))
		return;
	rcu_read_lock();
	parent_cgrp = task_dfl_cgroup(current);
	if (cgf_cover_begin(&iter, task_dfl_cgroup(child))) {
		while ((att = cgf_cover_next(&iter))) {
			if (!READ_ONCE(att->on_exec))
				continue;
			if (cgf_pending_lookup(current, att) ||
			    ((clone_flags & CLONE_INTO_CGROUP) &&
			     !cgroup_is_descendant(parent_cgrp, att->cgrp)))
				cgf_pending_add_or_warn(child, att);
		}
	}
	rcu_read_unlock();
}

/* The task has been reaped and a grace period has passed: nothing finds it to mark it. */
static void cgf_on_process_free(void *data, struct task_struct *task)
{
	cgf_pending_drop_task(task);
}

static struct tracepoint *cgf_newtask_tp, *cgf_free_tp;

static void cgf_find_tracepoints(struct tracepoint *tp, void *priv)
{
	if (!strcmp(tp->name, "task_newtask"))
		cgf_newtask_tp = tp;
	else if (!strcmp(tp->name, "sched_process_free"))
		cgf_free_tp = tp;
}

int cgf_pending_init(void)
{
	int err;

	for_each_kernel_tracepoint(cgf_find_tracepoints, NULL);
	if (!cgf_newtask_tp || !cgf_free_tp) {
		pr_err("tracepoint %s not found\n",
		       cgf_newtask_tp ? "sched_process_free" : "task_newtask");
		return -ENOENT;
	}
	err = tracepoint_probe_register(cgf_free_tp, cgf_on_process_free, NULL);
	if (err) {
		pr_err("cannot register on tracepoint sched_process_free: %d\n", err);
		return err;
	}
	err = tracepoint_probe_register(cgf_newtask_tp, cgf_on_newtask, NULL);
	if (err) {
		pr_err("cannot register on tracepoint task_newtask: %d\n", err);
		tracepoint_probe_unregister(cgf_free_tp, cgf_on_process_free, NULL);
		tracepoint_synchronize_unregister();
	}
	return err;
}

/* No probe runs once this returns; the store's end drops what entries are left. */
void cgf_pending_exit(void)
{
	tracepoint_probe_unregister(cgf_newtask_tp, cgf_on_newtask, NULL);
	tracepoint_probe_unregister(cgf_free_tp, cgf_on_process_free, NULL);
	tracepoint_synchronize_unregister();
}
