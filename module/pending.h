/* SPDX-License-Identifier: GPL-2.0 */
/* cgfence on-exec attachments: the tasks an attachment does not judge until they exec. */
#ifndef _CGFENCE_PENDING_H
#define _CGFENCE_PENDING_H

#include <linux/compiler.h>
#include <linux/types.h>

#include "store.h"

struct cgroup;
struct task_struct;

bool cgf_pending_lookup(const struct task_struct *task, const struct cgf_attachment *att);

/*
 * Whether @att leaves @task alone until its next execve, under rcu_read_lock(). With
 * no task pending this is the one load an immediate attachment pays too.
 */
static inline bool cgf_pending_task(const struct task_struct *task,
				    const struct cgf_attachment *att)
{
	if (likely(!READ_ONCE(att->nr_pending)))
		return false;
	return cgf_pending_lookup(task, att);
}

/*
 * Control plane, store mutex held. A new on-exec attachment, published with setting_up
 * set and nr_pending 1 (so every task is pending meanwhile): marks each task of its
 * subtree, then clears both. Returns 0, or -ENOMEM with no task marked.
 */
int cgf_pending_setup(struct cgf_attachment *att);
/* @att stops being on-exec, or goes: every task it left pending is judged from now on. */
void cgf_pending_forget(struct cgf_attachment *att);

/* Hooks. current's execve is past the point of no return: it is pending nowhere now. */
void cgf_pending_exec(void);
/* cgroup_attach_task(): @leader (its threads with @threadgroup) moves to @dst. */
void cgf_pending_migrate(struct cgroup *dst, struct task_struct *leader, bool threadgroup);

int cgf_pending_init(void);
void cgf_pending_exit(void);

#endif /* _CGFENCE_PENDING_H */
