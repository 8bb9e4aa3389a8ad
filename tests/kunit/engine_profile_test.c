// SPDX-License-Identifier: GPL-2.0
/* KUnit suite for cgfence profile construction: validation messages, limits, ownership, freeing. */

#include <kunit/test.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "engine_test.h"

#define FR CGFENCE_FILE_READ
#define DEV_RWM (CGFENCE_DEV_READ | CGFENCE_DEV_WRITE | CGFENCE_DEV_MKNOD)
#define ANY CGFENCE_DEV_ANY

/* A valid rule of each kind, to put in front of the rule under test. */
#define GOOD_FILE(id) cgf_test_file(id, ALLOW, FR, "/etc/**")
#define GOOD_DEVICE(id) cgf_test_device(id, ALLOW, CGFENCE_DEV_CHAR, 1, 3, DEV_RWM)
#define GOOD_MOUNT(id) cgf_test_mount(id, ALLOW, CGFENCE_MOUNT_NEW, "tmpfs", "tmpfs", "/tmp", 0, 0)

static const struct cgf_profile_spec enforce_deny = {
	.mode = CGFENCE_MODE_ENFORCE,
	.file_default = CGFENCE_EFFECT_DENY,
};

/* Builds what must fail, and checks errno, rule index and message exactly. */
static void expect_error(struct kunit *test, const struct cgf_profile_spec *spec,
			 const struct cgf_rule *rules, u32 nr_rules, long error, int rule_index,
			 const char *msg)
{
	struct cgf_build_error err = { .rule_index = -7, .msg = NULL };
	struct cgf_profile *p;

	p = cgf_profile_build(spec, rules, nr_rules, GFP_KERNEL, &err);
	if (!IS_ERR(p)) {
		cgf_profile_free(p);
		KUNIT_FAIL(test, "built, expected \"%s\"", msg);
		return;
	}
	KUNIT_EXPECT_EQ_MSG(test, PTR_ERR(p), error, "expected \"%s\"", msg);
	KUNIT_EXPECT_EQ_MSG(test, err.rule_index, rule_index, "expected \"%s\"", msg);
	KUNIT_EXPECT_NOT_ERR_OR_NULL(test, err.msg);
	if (err.msg)
		KUNIT_EXPECT_STREQ(test, err.msg, msg);
}

/* The rule alone, then behind two valid rules: the index must follow it. */
static void expect_rule_error(struct kunit *test, const struct cgf_rule *rule, long error,
			      const char *msg)
{
	struct cgf_rule rules[3] = { GOOD_FILE(1001), GOOD_DEVICE(1002), *rule };
	struct cgf_build_error err = { .rule_index = -7 };

	expect_error(test, &enforce_deny, rule, 1, error, 0, msg);
	expect_error(test, &enforce_deny, rules, 3, error, 2, msg);
	/* The single-rule check the control plane uses agrees and leaves the index alone. */
	KUNIT_EXPECT_EQ(test, (long)cgf_rule_validate(rule, &err), error);
	KUNIT_EXPECT_EQ(test, err.rule_index, -7);
	if (err.msg)
		KUNIT_EXPECT_STREQ(test, err.msg, msg);
	else
		KUNIT_FAIL(test, "cgf_rule_validate() gave no message, expected \"%s\"", msg);
}

static void expect_rule_ok(struct kunit *test, const struct cgf_rule *rule)
{
	struct cgf_build_error err = { .rule_index = -7, .msg = NULL };

	KUNIT_EXPECT_EQ(test, cgf_rule_validate(rule, &err), 0);
	KUNIT_EXPECT_PTR_EQ(test, err.msg, (const char *)NULL);
	cgf_test_build(test, CGFENCE_MODE_ENFORCE, DENY, rule, 1);
}

#define BAD_MODE "profile: mode must be enforce or complain"

static void spec_test(struct kunit *test)
{
	const struct cgf_rule rule = GOOD_FILE(1);
	struct cgf_profile_spec spec = enforce_deny;
	struct cgf_profile *p;

	spec.mode = 0;
	expect_error(test, &spec, &rule, 1, -EINVAL, -1, BAD_MODE);
	spec.mode = 3;
	expect_error(test, &spec, &rule, 1, -EINVAL, -1, BAD_MODE);
	spec = enforce_deny;
	spec.file_default = 0;
	expect_error(test, &spec, &rule, 1, -EINVAL, -1,
		     "profile: file default must be allow or deny");
	spec.file_default = 3;
	expect_error(test, &spec, &rule, 1, -EINVAL, -1,
		     "profile: file default must be allow or deny");
	expect_error(test, &enforce_deny, NULL, 1, -EINVAL, -1, "profile: rules missing");

	/* A NULL error report is allowed; the errno still says why. */
	spec.file_default = 3;
	p = cgf_profile_build(&spec, &rule, 1, GFP_KERNEL, NULL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(p), -EINVAL);
}

static void accessors_test(struct kunit *test)
{
	const struct cgf_rule rules[] = { GOOD_FILE(1), GOOD_DEVICE(2), GOOD_MOUNT(3) };
	const struct cgf_profile *empty, *complain;
	struct cgf_verdict v;

	empty = cgf_test_build(test, CGFENCE_MODE_ENFORCE, ALLOW, NULL, 0);
	KUNIT_EXPECT_EQ(test, cgf_profile_mode(empty), CGFENCE_MODE_ENFORCE);
	KUNIT_EXPECT_EQ(test, cgf_profile_nr_rules(empty), 0U);
	KUNIT_EXPECT_GT(test, cgf_profile_size(empty), (size_t)0);
	cgf_file_check(empty, "/etc/passwd", 11, FR, &v);
	KUNIT_EXPECT_EQ(test, v.denied, 0U);

	complain = cgf_test_build(test, CGFENCE_MODE_COMPLAIN, DENY, rules, ARRAY_SIZE(rules));
	KUNIT_EXPECT_EQ(test, cgf_profile_mode(complain), CGFENCE_MODE_COMPLAIN);
	KUNIT_EXPECT_EQ(test, cgf_profile_nr_rules(complain), 3U);
	KUNIT_EXPECT_GT(test, cgf_profile_size(complain), cgf_profile_size(empty));
	/* Complain mode changes nothing in the verdict: the hooks decide what to do with it. */
	cgf_file_check(complain, "/root", 5, FR, &v);
	KUNIT_EXPECT_EQ(test, v.denied, FR);
}

static void rule_common_test(struct kunit *test)
{
	struct cgf_rule rule = GOOD_FILE(1);

	rule.id = 0;
	expect_rule_error(test, &rule, -EINVAL, "rule: id must not be 0");
	rule = GOOD_FILE(1);
	rule.kind = 0;
	expect_rule_error(test, &rule, -EINVAL, "rule: kind must be file, mount, device or kernel");
	rule.kind = CGFENCE_RULE_KERNEL + 1;
	expect_rule_error(test, &rule, -EINVAL, "rule: kind must be file, mount, device or kernel");
	rule = GOOD_DEVICE(1);
	rule.effect = 0;
	expect_rule_error(test, &rule, -EINVAL, "rule: effect must be allow or deny");
	rule.effect = 3;
	expect_rule_error(test, &rule, -EINVAL, "rule: effect must be allow or deny");
}

static void duplicate_ids_test(struct kunit *test)
{
	const char *msg = "rule: id is used by an earlier rule";
	struct cgf_rule rules[5] = {
		GOOD_FILE(5), GOOD_DEVICE(7), GOOD_MOUNT(5), GOOD_FILE(7), GOOD_FILE(8),
	};

	expect_error(test, &enforce_deny, rules, 5, -EINVAL, 2, msg);
	rules[2].id = 1;
	expect_error(test, &enforce_deny, rules, 5, -EINVAL, 3, msg);
	rules[3].id = 2;
	rules[4].id = 1;
	expect_error(test, &enforce_deny, rules, 5, -EINVAL, 4, msg);
	/* The first repeat in rule order, not the repeat of the smallest id. */
	rules[0].id = 9;
	rules[1].id = 3;
	rules[2].id = 9;
	rules[3].id = 3;
	rules[4].id = 4;
	expect_error(test, &enforce_deny, rules, 5, -EINVAL, 2, msg);
	rules[2].id = 0xffffffff;
	rules[3].id = 2;
	cgf_test_build(test, CGFENCE_MODE_ENFORCE, DENY, rules, 5);
}

static char too_long[CGFENCE_MAX_PATTERN + 1], longest[CGFENCE_MAX_PATTERN];
static char name_too_long[CGFENCE_MAX_PATTERN + 1];
static char fs_too_long[CGFENCE_MAX_FSTYPE + 1], fs_longest[CGFENCE_MAX_FSTYPE];

static void fill_long_strings(void)
{
	memset(too_long, 'a', CGFENCE_MAX_PATTERN);
	too_long[0] = '/';
	memset(longest, 'a', CGFENCE_MAX_PATTERN - 1);
	longest[0] = '/';
	memset(name_too_long, 'a', CGFENCE_MAX_PATTERN);
	memset(fs_too_long, 'a', CGFENCE_MAX_FSTYPE);
	memset(fs_longest, 'a', CGFENCE_MAX_FSTYPE - 1);
}

/* A rule under test and what the builder must say; msg NULL: valid. */
struct file_case {
	u32 perms;
	const char *path;
	u32 len;	/* 0: strlen(path) */
	long error;
	const char *msg;
};

static const struct file_case file_cases[] = {
	{ 0, "/a", 0, -EINVAL, "file rule: no permission given" },
	{ BIT(10), "/a", 0, -EINVAL, "file rule: unknown permission bit" },
	{ FR, "", 0, -EINVAL, "file rule: path pattern is empty" },
	{ FR, NULL, 0, -EINVAL, "file rule: path pattern is empty" },
	{ FR, too_long, 0, -E2BIG, "file rule: path pattern is longer than 4095 bytes" },
	{ FR, "etc/passwd", 0, -EINVAL, "file rule: path pattern must start with '/'" },
	{ FR, "*", 0, -EINVAL, "file rule: path pattern must start with '/'" },
	{ FR, "/a\0b", 4, -EINVAL, "file rule: path pattern contains a NUL byte" },
	{ FR, "/a\\\0", 4, -EINVAL, "file rule: path pattern contains a NUL byte" },
	{ FR, "//", 0, -EINVAL, "file rule: path pattern has an empty component ('//')" },
	{ FR, "/a//b", 0, -EINVAL, "file rule: path pattern has an empty component ('//')" },
	{ FR, "/a/", 0, -EINVAL, "file rule: path pattern must not end with '/'" },
	{ FR, "/a/**/", 0, -EINVAL, "file rule: path pattern must not end with '/'" },
	{ FR, "/.", 0, -EINVAL, "file rule: path pattern has a '.' or '..' component" },
	{ FR, "/a/../b", 0, -EINVAL, "file rule: path pattern has a '.' or '..' component" },
	{ FR, "/a/\\.", 0, -EINVAL, "file rule: path pattern has a '.' or '..' component" },
	{ FR, "/a**", 0, -EINVAL, "file rule: path pattern: '**' must be a whole component" },
	{ FR, "/***", 0, -EINVAL, "file rule: path pattern: '**' must be a whole component" },
	{ FR, "/a/**b/c", 0, -EINVAL, "file rule: path pattern: '**' must be a whole component" },
	{ FR, "/a\\", 0, -EINVAL, "file rule: path pattern ends in a lone '\\'" },
	{ FR, "/a\\/b", 0, -EINVAL, "file rule: path pattern escapes a '/' (never matches)" },
	/* Near misses that are valid. */
	{ FR, "/" },
	{ FR, "/**" },
	{ FR, "/a/**/b/**" },
	{ FR, "/.hidden" },
	{ FR, "/..." },
	{ FR, "/a/.*" },
	{ FR, "/a\\**" },
	{ FR, "/\\*\\*" },
	{ FR, "/a\\\\" },
	{ CGFENCE_FILE_ALL, longest },
};

static void file_rule_test(struct kunit *test)
{
	struct cgf_rule rule;
	size_t i;

	fill_long_strings();
	for (i = 0; i < ARRAY_SIZE(file_cases); i++) {
		const struct file_case *c = &file_cases[i];

		rule = cgf_test_file(1, ALLOW, c->perms, c->path);
		if (c->len)
			rule.file.path_len = c->len;
		if (c->msg)
			expect_rule_error(test, &rule, c->error, c->msg);
		else
			expect_rule_ok(test, &rule);
	}
}

struct mount_case {
	u32 ops;
	const char *fstype;
	const char *source;
	u32 source_len;	/* 0: strlen(source) */
	const char *target;
	u32 require;
	u32 forbid;
	long error;
	const char *msg;
};

#define NEW CGFENCE_MOUNT_NEW
#define BAD_OPS "mount rule: operations must be a non-empty set of known operations"
#define BAD_OPT "mount rule: unknown mount option in require or forbid"
#define BAD_FS "mount rule: fstype must be '*' or made of a-z 0-9 . _ -"

static const struct mount_case mount_cases[] = {
	{ 0, NULL, NULL, 0, NULL, 0, 0, -EINVAL, BAD_OPS },
	{ BIT(8), NULL, NULL, 0, NULL, 0, 0, -EINVAL, BAD_OPS },
	{ NEW, NULL, NULL, 0, NULL, BIT(9), 0, -EINVAL, BAD_OPT },
	{ NEW, NULL, NULL, 0, NULL, 0, BIT(9), -EINVAL, BAD_OPT },
	{ NEW, NULL, NULL, 0, NULL, CGFENCE_MOPT_RO | CGFENCE_MOPT_NOSUID, CGFENCE_MOPT_NOSUID,
	  -EINVAL, "mount rule: an option is both required and forbidden" },
	{ NEW, "", NULL, 0, NULL, 0, 0, -EINVAL, "mount rule: fstype is empty" },
	{ NEW, fs_too_long, NULL, 0, NULL, 0, 0, -E2BIG,
	  "mount rule: fstype is longer than 63 bytes" },
	{ NEW, "Ext4", NULL, 0, NULL, 0, 0, -EINVAL, BAD_FS },
	{ NEW, "ext*", NULL, 0, NULL, 0, 0, -EINVAL, BAD_FS },
	{ NEW, "fuse sshfs", NULL, 0, NULL, 0, 0, -EINVAL, BAD_FS },
	{ NEW, NULL, "", 0, NULL, 0, 0, -EINVAL, "mount rule: source pattern is empty" },
	{ NEW, NULL, "dev/sda", 0, NULL, 0, 0, -EINVAL,
	  "mount rule: source name (no leading '/') contains a '/'" },
	{ NEW, NULL, "tmp\0fs", 6, NULL, 0, 0, -EINVAL,
	  "mount rule: source name contains a NUL byte" },
	{ NEW, NULL, name_too_long, 0, NULL, 0, 0, -E2BIG,
	  "mount rule: source pattern is longer than 4095 bytes" },
	{ NEW, NULL, too_long, 0, NULL, 0, 0, -E2BIG,
	  "mount rule: source pattern is longer than 4095 bytes" },
	{ NEW, NULL, "/dev/", 0, NULL, 0, 0, -EINVAL,
	  "mount rule: source pattern must not end with '/'" },
	{ NEW, NULL, NULL, 0, "mnt", 0, 0, -EINVAL,
	  "mount rule: target pattern must start with '/'" },
	{ NEW, NULL, NULL, 0, "/mnt/../etc", 0, 0, -EINVAL,
	  "mount rule: target pattern has a '.' or '..' component" },
	{ NEW, NULL, NULL, 0, "", 0, 0, -EINVAL, "mount rule: target pattern is empty" },
	{ NEW, NULL, NULL, 0, too_long, 0, 0, -E2BIG,
	  "mount rule: target pattern is longer than 4095 bytes" },
	/* Valid. */
	{ CGFENCE_MOUNT_ALL, NULL, NULL, 0, NULL, CGFENCE_MOPT_ALL, 0 },
	{ NEW, NULL, NULL, 0, NULL, 0, CGFENCE_MOPT_ALL },
	{ NEW, "*", "none", 0, "/**" },
	{ NEW, "fuse.sshfs", "/dev/sd*", 0, "/" },
	{ NEW, "9p_x-1", "a*b", 0, "/a" },
	{ NEW, fs_longest, longest + 1, 0, longest },
};

static void mount_rule_test(struct kunit *test)
{
	struct cgf_rule rule;
	size_t i;

	fill_long_strings();
	for (i = 0; i < ARRAY_SIZE(mount_cases); i++) {
		const struct mount_case *c = &mount_cases[i];

		rule = cgf_test_mount(1, ALLOW, c->ops, c->fstype, c->source, c->target,
				      c->require, c->forbid);
		if (c->source_len)
			rule.mount.source_len = c->source_len;
		if (c->msg)
			expect_rule_error(test, &rule, c->error, c->msg);
		else
			expect_rule_ok(test, &rule);
	}
}

struct device_case {
	u8 type;
	u32 major;
	u32 minor;
	u8 access;
	const char *msg;	/* NULL: valid; errors are all -EINVAL */
};

#define BAD_TYPE "device rule: type must be c, b or both"
#define BAD_ACCESS "device rule: access must be a non-empty set of r, w and m"
#define BAD_MAJOR "device rule: major number must be below 4096, or '*'"
#define BAD_MINOR "device rule: minor number must be below 1048576, or '*'"
#define CHR CGFENCE_DEV_CHAR
#define BLK CGFENCE_DEV_BLOCK

static const struct device_case device_cases[] = {
	{ 0, 1, 3, DEV_RWM, BAD_TYPE },
	{ 4, 1, 3, DEV_RWM, BAD_TYPE },
	{ CHR | 4, 1, 3, DEV_RWM, BAD_TYPE },
	{ CHR, 1, 3, 0, BAD_ACCESS },
	{ CHR, 1, 3, 8, BAD_ACCESS },
	{ CHR, 4096, 3, DEV_RWM, BAD_MAJOR },
	{ CHR, ANY - 1, 3, DEV_RWM, BAD_MAJOR },
	{ CHR, 1, 1U << 20, DEV_RWM, BAD_MINOR },
	{ BLK, ANY, ANY - 1, DEV_RWM, BAD_MINOR },
	/* Valid. */
	{ CHR | BLK, 4095, (1U << 20) - 1, DEV_RWM },
	{ BLK, ANY, ANY, CGFENCE_DEV_READ },
	{ CHR, 0, 0, CGFENCE_DEV_MKNOD },
};

static void device_rule_test(struct kunit *test)
{
	struct cgf_rule rule;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(device_cases); i++) {
		const struct device_case *c = &device_cases[i];

		rule = cgf_test_device(1, DENY, c->type, c->major, c->minor, c->access);
		if (c->msg)
			expect_rule_error(test, &rule, -EINVAL, c->msg);
		else
			expect_rule_ok(test, &rule);
	}
}

/* Exactly CGFENCE_MAX_RULES build; one more is refused before any rule is looked at. */
static void max_rules_test(struct kunit *test)
{
	const u32 nr = CGFENCE_MAX_RULES + 1;
	const struct cgf_profile *p;
	struct cgf_rule *rules;
	u32 i;

	rules = kvcalloc(nr, sizeof(*rules), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, rules);
	for (i = 0; i < nr; i++)
		rules[i] = cgf_test_device(i + 1, ALLOW, CGFENCE_DEV_CHAR, i % 4096, i / 4096,
					   DEV_RWM);
	expect_error(test, &enforce_deny, rules, nr, -E2BIG, -1, "profile: more than 100000 rules");
	/* Even when every rule is invalid: the limit is checked first. */
	rules[0].id = 0;
	expect_error(test, &enforce_deny, rules, nr, -E2BIG, -1, "profile: more than 100000 rules");
	rules[0].id = 1;
	p = cgf_test_build(test, CGFENCE_MODE_ENFORCE, DENY, rules, nr - 1);
	kvfree(rules);
	KUNIT_EXPECT_EQ(test, cgf_profile_nr_rules(p), (u32)CGFENCE_MAX_RULES);
}

/* Rules and strings belong to the caller: the profile must not point into them. */
static void rules_copied_test(struct kunit *test)
{
	struct cgf_rule *rules;
	char *path;
	const struct cgf_profile *p;
	struct cgf_verdict v;

	rules = kzalloc(sizeof(*rules), GFP_KERNEL);
	path = kstrdup("/etc/passwd", GFP_KERNEL);
	if (!rules || !path) {
		kfree(rules);
		kfree(path);
		KUNIT_ASSERT_FAILURE(test, "out of memory");
	}
	rules[0] = cgf_test_file(1, ALLOW, FR, path);
	p = cgf_test_build(test, CGFENCE_MODE_ENFORCE, DENY, rules, 1);
	memset(path, 'x', strlen(path));
	memset(rules, 0xff, sizeof(*rules));
	kfree(path);
	kfree(rules);
	cgf_file_check(p, "/etc/passwd", 11, FR, &v);
	KUNIT_EXPECT_EQ(test, v.denied, 0U);
	cgf_file_check(p, "/etc/shadow", 11, FR, &v);
	KUNIT_EXPECT_EQ(test, v.denied, FR);
}

static void free_test(struct kunit *test)
{
	const struct cgf_rule rules[] = { GOOD_FILE(1), GOOD_DEVICE(2), GOOD_MOUNT(3) };
	struct cgf_profile *p;
	struct cgf_verdict v;

	p = cgf_profile_build(&enforce_deny, rules, ARRAY_SIZE(rules), GFP_KERNEL, NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(p));
	/* A reader inside its read-side section keeps the profile across put_rcu(). */
	rcu_read_lock();
	cgf_profile_put_rcu(p);
	cgf_file_check(p, "/etc/hosts", 10, FR, &v);
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, v.denied, 0U);
	rcu_barrier();
	/* NULL is accepted by both. */
	cgf_profile_put_rcu(NULL);
	cgf_profile_free(NULL);
}

static struct kunit_case cgfence_engine_profile_cases[] = {
	KUNIT_CASE(spec_test),
	KUNIT_CASE(accessors_test),
	KUNIT_CASE(rule_common_test),
	KUNIT_CASE(duplicate_ids_test),
	KUNIT_CASE(file_rule_test),
	KUNIT_CASE(mount_rule_test),
	KUNIT_CASE(device_rule_test),
	KUNIT_CASE(max_rules_test),
	KUNIT_CASE(rules_copied_test),
	KUNIT_CASE(free_test),
	{}
};

static struct kunit_suite cgfence_engine_profile_suite = {
	.name = "cgfence_engine_profile",
	.test_cases = cgfence_engine_profile_cases,
};

kunit_test_suite(cgfence_engine_profile_suite);
