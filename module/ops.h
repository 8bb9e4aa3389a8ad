/* SPDX-License-Identifier: GPL-2.0 */
/* cgfence operations: the op enum, and the names and record kinds that go with it. */
#ifndef _CGFENCE_OPS_H
#define _CGFENCE_OPS_H

#include <linux/types.h>

#include <uapi/cgfence.h>

enum cgf_op {
#define CGF_OP(op, name, kind) CGF_OP_##op,
#include "ops_defs.h"
#undef CGF_OP
	CGF_NR_OPS
};

const char *cgf_op_name(enum cgf_op op);
/* enum cgfence_denial_kind of @op's records. */
u8 cgf_op_kind(enum cgf_op op);

#endif /* _CGFENCE_OPS_H */
