// SPDX-License-Identifier: GPL-2.0
/* KUnit suite for cgfence kernel rules: nothing unless allowed, deny wins, each op its own bit. */

#include <kunit/test.h>

#include "engine_test.h"

#define ALL CGFENCE_KERNEL_ALL

static void expect_verdict(struct kunit *test, const struct cgf_profile *profile, u32 op,
			   u32 denied, u32 rule_id)
{
	struct cgf_verdict v = { .denied = 0xdead, .rule_id = 0xbeef };

	cgf_kernel_check(profile, op, &v);
	KUNIT_EXPECT_EQ_MSG(test, v.denied, denied, "op %#x", op);
	KUNIT_EXPECT_EQ_MSG(test, v.rule_id, rule_id, "op %#x", op);
}

/* A profile without kernel rules refuses every operation, with no rule to name. */
static void nothing_allowed_test(struct kunit *test)
{
	const struct cgf_rule rules[] = {
		cgf_test_file(1, ALLOW, CGFENCE_FILE_ALL, "/**"),
		cgf_test_device(2, ALLOW, CGFENCE_DEV_CHAR | CGFENCE_DEV_BLOCK, CGFENCE_DEV_ANY,
				CGFENCE_DEV_ANY, CGFENCE_DEV_READ | CGFENCE_DEV_WRITE),
	};
	const struct cgf_profile *p;
	unsigned int bit;

	p = cgf_test_build(test, CGFENCE_MODE_ENFORCE, ALLOW, rules, ARRAY_SIZE(rules));
	for (bit = 0; BIT(bit) <= ALL; bit++)
		expect_verdict(test, p, BIT(bit), BIT(bit), 0);
	KUNIT_EXPECT_EQ(test, cgf_profile_kernel_allow(p), 0U);
}

static void allow_some_test(struct kunit *test)
{
	const struct cgf_rule rules[] = {
		cgf_test_kernel(3, ALLOW, CGFENCE_KERNEL_BPF | CGFENCE_KERNEL_PERF),
		cgf_test_kernel(4, ALLOW, CGFENCE_KERNEL_SIGNAL),
	};
	const struct cgf_profile *p;

	p = cgf_test_build(test, CGFENCE_MODE_ENFORCE, DENY, rules, ARRAY_SIZE(rules));
	expect_verdict(test, p, CGFENCE_KERNEL_BPF, 0, 0);
	expect_verdict(test, p, CGFENCE_KERNEL_PERF, 0, 0);
	expect_verdict(test, p, CGFENCE_KERNEL_SIGNAL, 0, 0);
	expect_verdict(test, p, CGFENCE_KERNEL_PTRACE, CGFENCE_KERNEL_PTRACE, 0);
	expect_verdict(test, p, CGFENCE_KERNEL_MODULE, CGFENCE_KERNEL_MODULE, 0);
	KUNIT_EXPECT_EQ(test, cgf_profile_kernel_allow(p),
			CGFENCE_KERNEL_BPF | CGFENCE_KERNEL_PERF | CGFENCE_KERNEL_SIGNAL);
}

/* Deny wins over allow, and the smallest deny id naming the operation is reported. */
static void deny_wins_test(struct kunit *test)
{
	const struct cgf_rule rules[] = {
		cgf_test_kernel(1, ALLOW, ALL),
		cgf_test_kernel(30, DENY, CGFENCE_KERNEL_MODULE | CGFENCE_KERNEL_KEXEC),
		cgf_test_kernel(20, DENY, CGFENCE_KERNEL_KEXEC),
		cgf_test_kernel(40, DENY, CGFENCE_KERNEL_MODULE),
	};
	const struct cgf_profile *p;

	p = cgf_test_build(test, CGFENCE_MODE_ENFORCE, DENY, rules, ARRAY_SIZE(rules));
	expect_verdict(test, p, CGFENCE_KERNEL_MODULE, CGFENCE_KERNEL_MODULE, 30);
	expect_verdict(test, p, CGFENCE_KERNEL_KEXEC, CGFENCE_KERNEL_KEXEC, 20);
	expect_verdict(test, p, CGFENCE_KERNEL_REBOOT, 0, 0);
	expect_verdict(test, p, CGFENCE_KERNEL_TTY_INJECT, 0, 0);
	KUNIT_EXPECT_EQ(test, cgf_profile_kernel_allow(p),
			ALL & ~(CGFENCE_KERNEL_MODULE | CGFENCE_KERNEL_KEXEC));
}

/* A rule naming no operation, or an unknown one, is refused with a message. */
static void invalid_rules_test(struct kunit *test)
{
	const struct cgf_rule bad[] = {
		cgf_test_kernel(1, ALLOW, 0),
		cgf_test_kernel(1, ALLOW, ALL + 1),
		cgf_test_kernel(1, DENY, BIT(31)),
	};
	struct cgf_build_error err;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		err.msg = NULL;
		KUNIT_EXPECT_EQ_MSG(test, cgf_rule_validate(&bad[i], &err), -EINVAL, "rule %u", i);
		KUNIT_EXPECT_NOT_ERR_OR_NULL_MSG(test, err.msg, "rule %u", i);
		if (err.msg)
			KUNIT_EXPECT_EQ_MSG(test, strncmp(err.msg, "kernel rule: ", 13), 0,
					    "rule %u: %s", i, err.msg);
	}
}

static struct kunit_case cgfence_engine_kernel_cases[] = {
	KUNIT_CASE(nothing_allowed_test),
	KUNIT_CASE(allow_some_test),
	KUNIT_CASE(deny_wins_test),
	KUNIT_CASE(invalid_rules_test),
	{}
};

static struct kunit_suite cgfence_engine_kernel_suite = {
	.name = "cgfence_engine_kernel",
	.test_cases = cgfence_engine_kernel_cases,
};

kunit_test_suite(cgfence_engine_kernel_suite);
