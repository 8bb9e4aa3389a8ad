/* SPDX-License-Identifier: GPL-2.0 */
/* cgfence helpers shared by the hook files: an attachment's profile, and denial reports. */
#ifndef _CGFENCE_HOOKS_H
#define _CGFENCE_HOOKS_H

#include <linux/types.h>

#include "report.h"

struct cgf_attachment;
struct cgf_profile;

/* The compiled profile behind @att and whether it enforces; under rcu_read_lock(). */
const struct cgf_profile *cgf_attachment_profile(const struct cgf_attachment *att,
						 bool *enforced);

void cgf_report(enum cgf_op op, const struct cgf_attachment *att, u32 rule_id,
		u32 requested, u32 denied, const char *object, bool enforced);

int cgf_refuse_confined(enum cgf_op op);

#endif /* _CGFENCE_HOOKS_H */
