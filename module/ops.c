// SPDX-License-Identifier: GPL-2.0
/* cgfence operations: names and record kinds, in enum order, from the list in ops_defs.h. */

#include "ops.h"

static const char *const cgf_op_names[CGF_NR_OPS] = {
#define CGF_OP(op, name, kind) name,
#include "ops_defs.h"
#undef CGF_OP
};

static const u8 cgf_op_kinds[CGF_NR_OPS] = {
#define CGF_OP(op, name, kind) CGFENCE_DENIAL_##kind,
#include "ops_defs.h"
#undef CGF_OP
};

const char *cgf_op_name(enum cgf_op op)
{
	return cgf_op_names[op];
}

u8 cgf_op_kind(enum cgf_op op)
{
	return cgf_op_kinds[op];
}
