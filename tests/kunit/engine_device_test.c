// SPDX-License-Identifier: GPL-2.0
/* KUnit suite for cgfence device rules: decisions by type and number, deny rules winning. */

#include <kunit/test.h>
#include <linux/mm.h>
#include <linux/prandom.h>
#include <linux/slab.h>

#include "engine_test.h"

#define CHR CGFENCE_DEV_CHAR
#define BLK CGFENCE_DEV_BLOCK
#define RD CGFENCE_DEV_READ
#define WR CGFENCE_DEV_WRITE
#define MK CGFENCE_DEV_MKNOD
#define RWM (RD | WR | MK)
#define ANY CGFENCE_DEV_ANY

struct dev_expect {
	u8 type;
	u32 major;
	u32 minor;
	u32 access;
	u32 denied;
	u32 rule_id;
};

static void check_all(struct kunit *test, const struct cgf_profile *profile,
		      const struct dev_expect *cases, size_t nr)
{
	struct cgf_verdict v;
	size_t i;

	for (i = 0; i < nr; i++) {
		const struct dev_expect *c = &cases[i];

		v.denied = 0xdead;
		v.rule_id = 0xbeef;
		cgf_device_check(profile, c->type, c->major, c->minor, c->access, &v);
		KUNIT_EXPECT_EQ_MSG(test, v.denied, c->denied, "%c %u:%u access %#x",
				    c->type == BLK ? 'b' : 'c', c->major, c->minor, c->access);
		KUNIT_EXPECT_EQ_MSG(test, v.rule_id, c->rule_id, "%c %u:%u access %#x",
				    c->type == BLK ? 'b' : 'c', c->major, c->minor, c->access);
	}
}

/* Docker's effective allowlist, with fuse (10:229) denied. */
static void docker_allowlist_test(struct kunit *test)
{
	const struct cgf_rule rules[] = {
		cgf_test_device(1, ALLOW, CHR, 1, 3, RWM),
		cgf_test_device(2, ALLOW, CHR, 1, 5, RWM),
		cgf_test_device(3, ALLOW, CHR, 1, 7, RWM),
		cgf_test_device(4, ALLOW, CHR, 1, 8, RWM),
		cgf_test_device(5, ALLOW, CHR, 1, 9, RWM),
		cgf_test_device(6, ALLOW, CHR, 5, 0, RWM),
		cgf_test_device(7, ALLOW, CHR, 5, 1, RWM),
		cgf_test_device(8, ALLOW, CHR, 5, 2, RWM),
		cgf_test_device(9, ALLOW, CHR, 136, ANY, RWM),
		cgf_test_device(10, ALLOW, CHR, 10, 200, RWM),
		cgf_test_device(11, DENY, CHR, 10, 229, RWM),
	};
	const struct dev_expect cases[] = {
		{ CHR, 1, 3, RD | WR, 0, 0 },
		{ CHR, 1, 3, MK, 0, 0 },
		{ CHR, 1, 4, RD, RD, 0 },
		{ CHR, 1, 1, RD | WR, RD | WR, 0 },
		{ CHR, 136, 0, RD | WR, 0, 0 },
		{ CHR, 136, 1048575, RD, 0, 0 },
		{ CHR, 137, 0, RD, RD, 0 },
		{ CHR, 10, 200, RWM, 0, 0 },
		{ CHR, 10, 229, RD, RD, 11 },
		{ CHR, 10, 229, RWM, RWM, 11 },
		{ CHR, 10, 1, RD, RD, 0 },
		/* The number alone does not decide: a block device 1:3 is another device. */
		{ BLK, 1, 3, RD, RD, 0 },
		{ BLK, 8, 0, RD | WR, RD | WR, 0 },
	};
	const struct cgf_profile *p;

	p = cgf_test_build(test, CGFENCE_MODE_ENFORCE, DENY, rules, ARRAY_SIZE(rules));
	check_all(test, p, cases, ARRAY_SIZE(cases));
}

static void deny_wins_test(struct kunit *test)
{
	const struct cgf_rule rules[] = {
		cgf_test_device(1, ALLOW, CHR | BLK, ANY, ANY, RWM),
		cgf_test_device(9, DENY, CHR, 10, 229, RWM),
		cgf_test_device(4, DENY, CHR, 1, 5, WR),
		cgf_test_device(30, DENY, BLK, 8, ANY, RD),
		cgf_test_device(20, DENY, BLK, ANY, 1, RD),
		cgf_test_device(10, DENY, BLK, 8, 1, WR),
	};
	const struct dev_expect cases[] = {
		{ CHR, 10, 229, RD, RD, 9 },
		{ CHR, 10, 200, RWM, 0, 0 },
		{ BLK, 10, 229, RD, 0, 0 },
		{ CHR, 1, 5, RD, 0, 0 },
		{ CHR, 1, 5, WR, WR, 4 },
		{ CHR, 1, 5, RD | WR, WR, 4 },
		{ CHR, 1, 5, MK, 0, 0 },
		/* Three deny rules apply to b 8:1: the smallest id that refuses a requested bit. */
		{ BLK, 8, 1, RD, RD, 20 },
		{ BLK, 8, 1, WR, WR, 10 },
		{ BLK, 8, 1, RD | WR, RD | WR, 10 },
		{ BLK, 8, 1, MK, 0, 0 },
		{ BLK, 8, 2, RD | MK, RD, 30 },
		{ BLK, 9, 1, RD, RD, 20 },
		{ CHR, 8, 1, RD, 0, 0 },
	};
	const struct cgf_profile *p;

	p = cgf_test_build(test, CGFENCE_MODE_ENFORCE, DENY, rules, ARRAY_SIZE(rules));
	check_all(test, p, cases, ARRAY_SIZE(cases));
}

/* Access bits add up over matching rules; a bit no rule grants is refused with id 0. */
static void partial_access_test(struct kunit *test)
{
	const struct cgf_rule rules[] = {
		cgf_test_device(1, ALLOW, CHR, 5, 0, RD | WR),
		cgf_test_device(2, ALLOW, CHR, 5, ANY, RD),
		cgf_test_device(3, ALLOW, CHR, ANY, 0, MK),
		cgf_test_device(4, ALLOW, CHR | BLK, 7, 7, WR),
	};
	const struct dev_expect cases[] = {
		{ CHR, 5, 0, RWM, 0, 0 },
		{ CHR, 5, 1, RD | WR, WR, 0 },
		{ CHR, 5, 1, MK, MK, 0 },
		{ CHR, 6, 0, MK | RD, RD, 0 },
		{ CHR, 7, 7, WR, 0, 0 },
		{ BLK, 7, 7, WR | RD, RD, 0 },
		{ BLK, 5, 0, RD, RD, 0 },
	};
	const struct cgf_profile *p;

	p = cgf_test_build(test, CGFENCE_MODE_ENFORCE, DENY, rules, ARRAY_SIZE(rules));
	check_all(test, p, cases, ARRAY_SIZE(cases));
}

/* Caller mistakes get a defined answer: nothing asked, nothing refused; a bad type, all. */
static void odd_requests_test(struct kunit *test)
{
	const struct cgf_rule rules[] = {
		cgf_test_device(1, ALLOW, CHR | BLK, ANY, ANY, RWM),
	};
	const struct dev_expect cases[] = {
		{ CHR, 1, 3, 0, 0, 0 },
		{ 0, 1, 3, RD, RD, 0 },
		{ CHR | BLK, 1, 3, RD, RD, 0 },
		{ 4, 1, 3, WR, WR, 0 },
		{ CHR, 1, 3, RD | BIT(5), BIT(5), 0 },
		{ CHR, ANY, ANY, RD, 0, 0 },
	};
	const struct cgf_profile *p;

	p = cgf_test_build(test, CGFENCE_MODE_ENFORCE, DENY, rules, ARRAY_SIZE(rules));
	check_all(test, p, cases, ARRAY_SIZE(cases));
}

static void no_device_rules_test(struct kunit *test)
{
	const struct cgf_rule rules[] = {
		cgf_test_file(1, ALLOW, CGFENCE_FILE_ALL, "/**"),
	};
	const struct dev_expect cases[] = {
		{ CHR, 1, 3, RD, RD, 0 },
		{ BLK, 8, 0, RWM, RWM, 0 },
	};
	const struct cgf_profile *p;

	/* The file default never leaks into devices. */
	p = cgf_test_build(test, CGFENCE_MODE_ENFORCE, ALLOW, rules, ARRAY_SIZE(rules));
	check_all(test, p, cases, ARRAY_SIZE(cases));
}

static void reference_check(const struct cgf_rule *rules, u32 nr, u8 type, u32 major,
			    u32 minor, u32 access, struct cgf_verdict *v)
{
	u32 i, granted = 0, refused = 0, id = 0;

	for (i = 0; i < nr; i++) {
		const struct cgf_rule *r = &rules[i];

		if (!(r->device.type & type) ||
		    (r->device.major != ANY && r->device.major != major) ||
		    (r->device.minor != ANY && r->device.minor != minor))
			continue;
		if (r->effect == CGFENCE_EFFECT_ALLOW) {
			granted |= r->device.access;
			continue;
		}
		refused |= r->device.access;
		if (r->device.access & access && (!id || r->id < id))
			id = r->id;
	}
	v->denied = access & (refused | ~granted);
	v->rule_id = access & refused ? id : 0;
}

/* Numbers 0..7, or 8 for '*' in a rule: small, so that rules overlap. */
static u32 random_number(struct rnd_state *rnd, bool rule)
{
	u32 n = prandom_u32_state(rnd) % (rule ? 9 : 8);

	return n == 8 ? ANY : n;
}

/* Random requests against the first @nr rules; returns the number of disagreements. */
static unsigned int compare_random(struct kunit *test, struct rnd_state *rnd,
				   const struct cgf_rule *rules, u32 nr, unsigned int bad)
{
	const struct cgf_profile *p;
	struct cgf_verdict got, want;
	unsigned int i;

	p = cgf_test_build(test, CGFENCE_MODE_ENFORCE, DENY, rules, nr);
	for (i = 0; i < 1000; i++) {
		u8 type = prandom_u32_state(rnd) % 2 + 1;
		u32 major = random_number(rnd, false), minor = random_number(rnd, false);
		u32 access = prandom_u32_state(rnd) % 7 + 1;

		cgf_device_check(p, type, major, minor, access, &got);
		reference_check(rules, nr, type, major, minor, access, &want);
		if (got.denied == want.denied && got.rule_id == want.rule_id)
			continue;
		if (bad++ < 10)
			KUNIT_FAIL(test, "%u rules, %u %u:%u %#x: got %#x id %u, want %#x id %u",
				   nr, type, major, minor, access, got.denied, got.rule_id,
				   want.denied, want.rule_id);
	}
	return bad;
}

/* Random tables against the naive loop, from one rule up to many overlapping ones. */
static void differential_random_test(struct kunit *test)
{
	enum { ROUNDS = 50, RULES = 300 };
	struct rnd_state rnd;
	struct cgf_rule *rules;
	unsigned int bad = 0, round, i;

	rules = kunit_kcalloc(test, RULES, sizeof(*rules), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, rules);
	prandom_seed_state(&rnd, 0xde71ce);
	for (round = 0; round < ROUNDS; round++) {
		for (i = 0; i < RULES; i++) {
			u32 major = random_number(&rnd, true), minor = random_number(&rnd, true);

			rules[i] = cgf_test_device(prandom_u32_state(&rnd) % 100 * RULES + i + 1,
						   prandom_u32_state(&rnd) % 4 ? ALLOW : DENY,
						   prandom_u32_state(&rnd) % 3 + 1, major, minor,
						   prandom_u32_state(&rnd) % 7 + 1);
		}
		bad = compare_random(test, &rnd, rules, round + 1, bad);
		bad = compare_random(test, &rnd, rules, RULES, bad);
	}
	KUNIT_EXPECT_EQ(test, bad, 0U);
}

/* A large table: every char major 0..4095 with 24 minors each, and lookups still exact. */
static void large_table_test(struct kunit *test)
{
	enum { NR = 4096 * 24 };
	static const struct dev_expect cases[] = {
		{ CHR, 0, 0, RD, 0, 0 },
		{ CHR, 4095, 22, RD, 0, 0 },
		{ CHR, 4095, 22, WR, WR, 0 },
		{ CHR, 100, 23, WR, WR, 100 * 24 + 24 },
		{ CHR, 100, 23, RD, RD, 0 },
		{ CHR, 100, 24, RD, RD, 0 },
		{ BLK, 100, 0, RD, RD, 0 },
	};
	struct cgf_rule *rules;
	const struct cgf_profile *p;
	u32 i;

	rules = kvcalloc(NR, sizeof(*rules), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, rules);
	for (i = 0; i < NR; i++)
		rules[i] = cgf_test_device(i + 1, i % 24 == 23 ? DENY : ALLOW, CHR, i / 24,
					   i % 24, i % 24 == 23 ? WR : RD);
	p = cgf_test_build(test, CGFENCE_MODE_ENFORCE, DENY, rules, NR);
	/* The profile keeps no reference to the rules. */
	kvfree(rules);
	check_all(test, p, cases, ARRAY_SIZE(cases));
}

static struct kunit_case cgfence_engine_device_cases[] = {
	KUNIT_CASE(docker_allowlist_test),
	KUNIT_CASE(deny_wins_test),
	KUNIT_CASE(partial_access_test),
	KUNIT_CASE(odd_requests_test),
	KUNIT_CASE(no_device_rules_test),
	KUNIT_CASE(differential_random_test),
	KUNIT_CASE(large_table_test),
	{}
};

static struct kunit_suite cgfence_engine_device_suite = {
	.name = "cgfence_engine_device",
	.test_cases = cgfence_engine_device_cases,
};

kunit_test_suite(cgfence_engine_device_suite);
