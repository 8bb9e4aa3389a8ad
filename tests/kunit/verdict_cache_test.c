// SPDX-License-Identifier: GPL-2.0
/* KUnit tests for the verdict cache: a hit gives exactly what cgf_file_check() would. */

#include <kunit/test.h>
#include <linux/preempt.h>
#include <linux/slab.h>

#include "engine_test.h"
#include "verdict_cache.h"

#define R CGFENCE_FILE_READ
#define W CGFENCE_FILE_WRITE

static const struct cgf_verdict verdict_12 = { .denied = W, .rule_id = 12 };

/* What cgf_file_check_cached() does around the match, on a cache of the test's own. */
static bool find(struct cgf_vcache *cache, u64 serial, const char *name, size_t len,
		 u32 requested, struct cgf_verdict *verdict)
{
	struct cgf_vcache_entry *entry = cgf_vcache_slot(cache, serial, name, len, requested);

	return entry && cgf_vcache_hit(entry, serial, name, len, requested, verdict);
}

static void store(struct cgf_vcache *cache, u64 serial, const char *name, size_t len,
		  u32 requested, const struct cgf_verdict *verdict)
{
	struct cgf_vcache_entry *entry = cgf_vcache_slot(cache, serial, name, len, requested);

	if (entry)
		cgf_vcache_fill(entry, serial, name, len, requested, verdict);
}

/* Hits only for the very key stored: serial, name, length and permissions. */
static void exact_key_test(struct kunit *test)
{
	struct cgf_vcache *cache = kunit_kzalloc(test, sizeof(*cache), GFP_KERNEL);
	struct cgf_verdict v = { 0, 0 };
	u64 other;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, cache);
	KUNIT_EXPECT_FALSE(test, find(cache, 7, "/etc/passwd", 11, R | W, &v));
	store(cache, 7, "/etc/passwd", 11, R | W, &verdict_12);
	KUNIT_EXPECT_TRUE(test, find(cache, 7, "/etc/passwd", 11, R | W, &v));
	KUNIT_EXPECT_EQ(test, v.denied, (u32)W);
	KUNIT_EXPECT_EQ(test, v.rule_id, 12U);

	KUNIT_EXPECT_FALSE(test, find(cache, 8, "/etc/passwd", 11, R | W, &v));
	/* Another profile whose key falls in the same slot: the slot is not its verdict. */
	for (other = 8; other < 8 + 64 * 64; other++)
		if (cgf_vcache_slot(cache, other, "/etc/passwd", 11, R | W) ==
		    cgf_vcache_slot(cache, 7, "/etc/passwd", 11, R | W))
			break;
	KUNIT_ASSERT_LT(test, other, 8ULL + 64 * 64);
	KUNIT_EXPECT_FALSE(test, find(cache, other, "/etc/passwd", 11, R | W, &v));
	KUNIT_EXPECT_FALSE(test, find(cache, 7, "/etc/passwd", 11, R, &v));
	KUNIT_EXPECT_FALSE(test, find(cache, 7, "/etc/passwe", 11, R | W, &v));
	KUNIT_EXPECT_FALSE(test, find(cache, 7, "/etc/passw", 10, R | W, &v));
	KUNIT_EXPECT_FALSE(test, find(cache, 7, "/etc/passwd/", 12, R | W, &v));
}

/* Serial 0 (no profile) and names past CGF_VCACHE_NAME_MAX are never kept. */
static void not_kept_test(struct kunit *test)
{
	struct cgf_vcache *cache = kunit_kzalloc(test, sizeof(*cache), GFP_KERNEL);
	char long_name[CGF_VCACHE_NAME_MAX + 2];
	struct cgf_verdict v;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, cache);
	store(cache, 0, "/a", 2, R, &verdict_12);
	KUNIT_EXPECT_FALSE(test, find(cache, 0, "/a", 2, R, &v));
	memset(long_name, 'x', sizeof(long_name));
	long_name[0] = '/';
	store(cache, 3, long_name, CGF_VCACHE_NAME_MAX + 1, R, &verdict_12);
	KUNIT_EXPECT_NULL(test, cgf_vcache_slot(cache, 3, long_name, CGF_VCACHE_NAME_MAX + 1, R));
	KUNIT_EXPECT_FALSE(test, find(cache, 3, long_name, CGF_VCACHE_NAME_MAX + 1, R, &v));
	store(cache, 3, long_name, CGF_VCACHE_NAME_MAX, R, &verdict_12);
	KUNIT_EXPECT_TRUE(test, find(cache, 3, long_name, CGF_VCACHE_NAME_MAX, R, &v));
}

/*
 * Many more keys than slots: whatever was replaced, a hit always gives the verdict of
 * its own key, never a neighbour's.
 */
static void never_wrong_test(struct kunit *test)
{
	enum { NR = 2000 };
	struct cgf_vcache *cache = kunit_kzalloc(test, sizeof(*cache), GFP_KERNEL);
	unsigned int i, hits = 0, wrong = 0;
	struct cgf_verdict v, mine;
	char name[32];
	int len;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, cache);
	for (i = 0; i < NR; i++) {
		len = scnprintf(name, sizeof(name), "/srv/app%u/data", i);
		mine.denied = i & 3;
		mine.rule_id = i;
		store(cache, 1 + i % 3, name, len, R, &mine);
	}
	for (i = 0; i < NR; i++) {
		len = scnprintf(name, sizeof(name), "/srv/app%u/data", i);
		if (!find(cache, 1 + i % 3, name, len, R, &v))
			continue;
		hits++;
		wrong += v.denied != (i & 3) || v.rule_id != i;
	}
	KUNIT_EXPECT_EQ(test, wrong, 0U);
	/* The last keys stored are still there: the cache does keep something. */
	KUNIT_EXPECT_GT(test, hits, 0U);
}

/* Each path and permission set through the per-CPU cache and directly: mismatches. */
static unsigned int cached_mismatches(const struct cgf_profile *p)
{
	static const char * const paths[] = {
		"/etc/passwd", "/etc/shadow", "/srv/x", "/srv/x/y", "/", "/tmp/a/b/c",
	};
	struct cgf_verdict cached, direct;
	unsigned int i, bad = 0;
	u32 requested;

	for (i = 0; i < ARRAY_SIZE(paths); i++) {
		for (requested = R; requested <= (R | W); requested++) {
			preempt_disable();
			cgf_file_check_cached(p, paths[i], strlen(paths[i]), requested, &cached);
			preempt_enable();
			cgf_file_check(p, paths[i], strlen(paths[i]), requested, &direct);
			bad += cached.denied != direct.denied || cached.rule_id != direct.rule_id;
		}
	}
	return bad;
}

/*
 * Through the per-CPU cache: the verdicts of cgf_file_check(), asked twice (the second
 * time from the cache); then a second profile, asked for the same names while the
 * first one's verdicts are kept, must get its own.
 */
static void cached_check_test(struct kunit *test)
{
	const struct cgf_rule allow_rules[] = {
		cgf_test_file(1, ALLOW, R, "/etc/**"),
		cgf_test_file(2, DENY, R, "/etc/shadow"),
		cgf_test_file(3, ALLOW, R | W, "/srv/**"),
	};
	const struct cgf_rule deny_rules[] = {
		cgf_test_file(4, DENY, R, "/**"),
	};
	const struct cgf_profile *first, *second;

	first = cgf_test_build(test, CGFENCE_MODE_ENFORCE, DENY, allow_rules,
			       ARRAY_SIZE(allow_rules));
	second = cgf_test_build(test, CGFENCE_MODE_ENFORCE, ALLOW, deny_rules,
				ARRAY_SIZE(deny_rules));
	KUNIT_EXPECT_NE(test, cgf_profile_serial(first), cgf_profile_serial(second));
	KUNIT_ASSERT_EQ(test, cgf_vcache_init(), 0);
	/* UML has one CPU: the three passes share its cache. */
	KUNIT_EXPECT_EQ(test, cached_mismatches(first), 0U);
	KUNIT_EXPECT_EQ(test, cached_mismatches(first), 0U);
	KUNIT_EXPECT_EQ(test, cached_mismatches(second), 0U);
	cgf_vcache_exit();
}

static struct kunit_case cgfence_verdict_cache_cases[] = {
	KUNIT_CASE(exact_key_test),
	KUNIT_CASE(not_kept_test),
	KUNIT_CASE(never_wrong_test),
	KUNIT_CASE(cached_check_test),
	{}
};

static struct kunit_suite cgfence_verdict_cache_suite = {
	.name = "cgfence_verdict_cache",
	.test_cases = cgfence_verdict_cache_cases,
};

kunit_test_suite(cgfence_verdict_cache_suite);
