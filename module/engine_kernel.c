// SPDX-License-Identifier: GPL-2.0
/* cgfence engine kernel rules: what a confined task may do to the kernel and to tasks outside. */

#include <linux/bitops.h>
#include <linux/string.h>

#include "engine_internal.h"

int cgf_kernel_rule_validate(const struct cgf_rule *rule, const char **msg)
{
	if (!rule->kernel.ops) {
		*msg = "kernel rule: names no operation";
		return -EINVAL;
	}
	if (rule->kernel.ops & ~CGFENCE_KERNEL_ALL) {
		*msg = "kernel rule: unknown operation bit";
		return -EINVAL;
	}
	return 0;
}

void cgf_kernel_build_fill(const struct cgf_rule *rules, u32 nr_rules,
			   struct cgf_kernel_rules *kernel)
{
	unsigned long ops;
	unsigned int bit;
	u32 i;

	memset(kernel, 0, sizeof(*kernel));
	for (i = 0; i < nr_rules; i++) {
		if (rules[i].kind != CGFENCE_RULE_KERNEL)
			continue;
		if (rules[i].effect == CGFENCE_EFFECT_ALLOW) {
			kernel->allow |= rules[i].kernel.ops;
			continue;
		}
		kernel->deny |= rules[i].kernel.ops;
		ops = rules[i].kernel.ops;
		for_each_set_bit(bit, &ops, CGF_KERNEL_NR_OPS)
			if (!kernel->deny_id[bit] || rules[i].id < kernel->deny_id[bit])
				kernel->deny_id[bit] = rules[i].id;
	}
}

/**
 * cgf_kernel_check() - may a task under @profile do kernel operation @op
 * @profile: compiled profile
 * @op: one CGFENCE_KERNEL_* bit
 * @verdict: @op in verdict->denied when refused, with the deny rule's id (0: no allow rule)
 *
 * Context: any: no sleep, no allocation.
 */
void cgf_kernel_check(const struct cgf_profile *profile, u32 op, struct cgf_verdict *verdict)
{
	const struct cgf_kernel_rules *kernel = &profile->kernel;

	verdict->rule_id = 0;
	verdict->denied = 0;
	if (kernel->deny & op) {
		verdict->denied = op;
		verdict->rule_id = kernel->deny_id[__ffs(op)];
	} else if (!(kernel->allow & op)) {
		verdict->denied = op;
	}
}

u32 cgf_profile_kernel_allow(const struct cgf_profile *profile)
{
	return profile->kernel.allow & ~profile->kernel.deny;
}
