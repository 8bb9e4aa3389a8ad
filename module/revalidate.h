/* SPDX-License-Identifier: GPL-2.0 */
/* cgfence revalidation: when a task becomes confined, what it already holds is judged again. */
#ifndef _CGFENCE_REVALIDATE_H
#define _CGFENCE_REVALIDATE_H

#include <linux/types.h>

/*
 * After an attachment to @cgroup_id is made, or its profile replaced or set to enforce:
 * every task of the subtree, before it next runs in user space.
 */
void cgf_revalidate_subtree(u64 cgroup_id);
/* Tasks moved into a confined cgroup: the same, from the cgroup_attach_task tracepoint. */
int cgf_revalidate_init(void);
void cgf_revalidate_exit(void);

#endif /* _CGFENCE_REVALIDATE_H */
