/* SPDX-License-Identifier: GPL-2.0 */
/* cgfence revalidation: when a task becomes confined, what it already holds is judged again. */
#ifndef _CGFENCE_REVALIDATE_H
#define _CGFENCE_REVALIDATE_H

#include <linux/types.h>

/* After an attachment to @cgroup_id: every task of the subtree, before it next runs. */
void cgf_revalidate_subtree(u64 cgroup_id);

#endif /* _CGFENCE_REVALIDATE_H */
