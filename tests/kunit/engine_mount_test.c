// SPDX-License-Identifier: GPL-2.0
/* KUnit suite for cgfence mount rules: operation, fstype, source, target and option matching. */

#include <kunit/test.h>
#include <linux/string.h>

#include "engine_test.h"

#define M_NEW CGFENCE_MOUNT_NEW
#define M_BIND CGFENCE_MOUNT_BIND
#define M_REMOUNT CGFENCE_MOUNT_REMOUNT
#define M_MOVE CGFENCE_MOUNT_MOVE
#define M_UMOUNT CGFENCE_MOUNT_UMOUNT
#define O_RO CGFENCE_MOPT_RO
#define O_NOSUID CGFENCE_MOPT_NOSUID
#define O_NODEV CGFENCE_MOPT_NODEV
#define O_NOEXEC CGFENCE_MOPT_NOEXEC

struct mount_expect {
	u32 op;
	u32 opts;
	const char *fstype;
	const char *source;
	const char *target;
	u32 denied;
	u32 rule_id;
};

static void check_all(struct kunit *test, const struct cgf_profile *profile,
		      const struct mount_expect *cases, size_t nr)
{
	struct cgf_mount_request req;
	struct cgf_verdict v;
	size_t i;

	for (i = 0; i < nr; i++) {
		const struct mount_expect *c = &cases[i];

		req.op = c->op;
		req.opts = c->opts;
		req.fstype = c->fstype;
		req.fstype_len = c->fstype ? strlen(c->fstype) : 0;
		req.source = c->source;
		req.source_len = c->source ? strlen(c->source) : 0;
		req.target = c->target;
		req.target_len = c->target ? strlen(c->target) : 0;
		v.denied = 0xdead;
		v.rule_id = 0xbeef;
		cgf_mount_check(profile, &req, &v);
		KUNIT_EXPECT_EQ_MSG(test, v.denied, c->denied, "case %zu: op %#x %s %s on %s", i,
				    c->op, c->fstype, c->source, c->target);
		KUNIT_EXPECT_EQ_MSG(test, v.rule_id, c->rule_id, "case %zu: op %#x %s %s on %s",
				    i, c->op, c->fstype, c->source, c->target);
	}
}

static void no_rules_test(struct kunit *test)
{
	const struct cgf_rule rules[] = {
		cgf_test_file(1, ALLOW, CGFENCE_FILE_ALL, "/**"),
	};
	const struct mount_expect cases[] = {
		{ M_NEW, 0, "tmpfs", "tmpfs", "/tmp", M_NEW, 0 },
		{ M_UMOUNT, 0, NULL, NULL, "/tmp", M_UMOUNT, 0 },
		{ M_BIND, 0, NULL, "/a", "/b", M_BIND, 0 },
	};
	const struct cgf_profile *p;

	p = cgf_test_build(test, CGFENCE_MODE_ENFORCE, ALLOW, rules, ARRAY_SIZE(rules));
	check_all(test, p, cases, ARRAY_SIZE(cases));
}

static void options_test(struct kunit *test)
{
	const struct cgf_rule rules[] = {
		cgf_test_mount(1, ALLOW, M_NEW, "tmpfs", NULL, "/tmp/**", O_NOSUID | O_NODEV, 0),
		cgf_test_mount(2, ALLOW, M_REMOUNT, NULL, NULL, NULL, O_RO, O_NOEXEC),
	};
	const struct mount_expect cases[] = {
		{ M_NEW, O_NOSUID | O_NODEV, "tmpfs", "tmpfs", "/tmp/x", 0, 0 },
		{ M_NEW, O_NOSUID | O_NODEV | O_RO, "tmpfs", "none", "/tmp", 0, 0 },
		{ M_NEW, O_NOSUID, "tmpfs", "tmpfs", "/tmp/x", M_NEW, 0 },
		{ M_NEW, O_NOSUID | O_NODEV, "proc", "proc", "/tmp/x", M_NEW, 0 },
		{ M_NEW, O_NOSUID | O_NODEV, "tmpfs", "tmpfs", "/var/tmp", M_NEW, 0 },
		{ M_REMOUNT, O_RO, NULL, NULL, "/", 0, 0 },
		{ M_REMOUNT, O_RO | O_NOSUID, "ext4", NULL, "/data", 0, 0 },
		{ M_REMOUNT, 0, NULL, NULL, "/", M_REMOUNT, 0 },
		{ M_REMOUNT, O_RO | O_NOEXEC, NULL, NULL, "/", M_REMOUNT, 0 },
		/* The op must be one the rule names. */
		{ M_BIND, O_RO, NULL, "/a", "/tmp/x", M_BIND, 0 },
	};
	const struct cgf_profile *p;

	p = cgf_test_build(test, CGFENCE_MODE_ENFORCE, DENY, rules, ARRAY_SIZE(rules));
	check_all(test, p, cases, ARRAY_SIZE(cases));
}

static void deny_wins_test(struct kunit *test)
{
	const struct cgf_rule rules[] = {
		cgf_test_mount(3, ALLOW, M_NEW | M_BIND | M_UMOUNT, "*", NULL, NULL, 0, 0),
		cgf_test_mount(9, DENY, M_NEW, "cgroup2", NULL, NULL, 0, 0),
		cgf_test_mount(5, DENY, M_NEW | M_BIND, NULL, NULL, "/sys/**", 0, 0),
		cgf_test_mount(7, DENY, M_NEW, "sysfs", NULL, NULL, 0, 0),
		cgf_test_mount(4, DENY, M_UMOUNT, NULL, NULL, "/", 0, 0),
	};
	const struct mount_expect cases[] = {
		{ M_NEW, 0, "cgroup2", "none", "/mnt", M_NEW, 9 },
		{ M_NEW, 0, "ext4", "/dev/sda1", "/mnt", 0, 0 },
		{ M_NEW, 0, "sysfs", "sysfs", "/sys", M_NEW, 5 },
		{ M_NEW, 0, "sysfs", "sysfs", "/mnt/sys", M_NEW, 7 },
		{ M_NEW, 0, "cgroup2", "none", "/sys/fs/cgroup", M_NEW, 5 },
		{ M_BIND, 0, NULL, "/x", "/sys/kernel", M_BIND, 5 },
		{ M_BIND, 0, NULL, "/x", "/y", 0, 0 },
		{ M_UMOUNT, 0, NULL, NULL, "/", M_UMOUNT, 4 },
		{ M_UMOUNT, 0, NULL, NULL, "/mnt", 0, 0 },
		{ M_MOVE, 0, NULL, "/a", "/b", M_MOVE, 0 },
	};
	const struct cgf_profile *p;

	p = cgf_test_build(test, CGFENCE_MODE_ENFORCE, DENY, rules, ARRAY_SIZE(rules));
	check_all(test, p, cases, ARRAY_SIZE(cases));
}

static void source_test(struct kunit *test)
{
	const struct cgf_rule rules[] = {
		cgf_test_mount(1, ALLOW, M_BIND, NULL, "/srv/**", "/mnt/**", 0, 0),
		cgf_test_mount(2, ALLOW, M_NEW, "ext4", "/dev/sd?1", NULL, 0, 0),
		cgf_test_mount(3, ALLOW, M_NEW, NULL, "tmpfs", NULL, 0, 0),
		cgf_test_mount(4, ALLOW, M_UMOUNT, NULL, NULL, NULL, 0, 0),
		cgf_test_mount(5, ALLOW, M_MOVE, NULL, "/a*", "/b", 0, 0),
	};
	const struct mount_expect cases[] = {
		{ M_BIND, 0, NULL, "/srv/data", "/mnt/data", 0, 0 },
		{ M_BIND, 0, NULL, "/srv", "/mnt", 0, 0 },
		{ M_BIND, 0, NULL, "/etc", "/mnt/etc", M_BIND, 0 },
		{ M_BIND, 0, NULL, NULL, "/mnt/x", M_BIND, 0 },
		{ M_NEW, 0, "ext4", "/dev/sda1", "/data", 0, 0 },
		{ M_NEW, 0, "ext4", "/dev/sda2", "/data", M_NEW, 0 },
		{ M_NEW, 0, "ext4", "sda1", "/data", M_NEW, 0 },
		/* A name is compared byte for byte: no glob, no prefix. */
		{ M_NEW, 0, "tmpfs", "tmpfs", "/data", 0, 0 },
		{ M_NEW, 0, "tmpfs", "tmpfs2", "/data", M_NEW, 0 },
		{ M_NEW, 0, "tmpfs", "tmpf", "/data", M_NEW, 0 },
		{ M_NEW, 0, "tmpfs", "/tmpfs", "/data", M_NEW, 0 },
		{ M_NEW, 0, "tmpfs", NULL, "/data", M_NEW, 0 },
		/* A rule without a source takes requests with or without one. */
		{ M_UMOUNT, 0, NULL, NULL, "/data", 0, 0 },
		{ M_UMOUNT, 0, NULL, "/dev/sda1", "/data", 0, 0 },
		{ M_MOVE, 0, NULL, "/abc", "/b", 0, 0 },
		{ M_MOVE, 0, NULL, "/abc", "/b/c", M_MOVE, 0 },
		{ M_MOVE, 0, NULL, "/abc", NULL, M_MOVE, 0 },
	};
	const struct cgf_profile *p;

	p = cgf_test_build(test, CGFENCE_MODE_ENFORCE, DENY, rules, ARRAY_SIZE(rules));
	check_all(test, p, cases, ARRAY_SIZE(cases));
}

static void fstype_test(struct kunit *test)
{
	const struct cgf_rule rules[] = {
		cgf_test_mount(1, ALLOW, M_NEW, "ext4", NULL, NULL, 0, 0),
		cgf_test_mount(2, ALLOW, M_REMOUNT, "*", NULL, NULL, 0, 0),
		cgf_test_mount(3, ALLOW, M_BIND, "overlay", NULL, NULL, 0, 0),
	};
	const struct mount_expect cases[] = {
		{ M_NEW, 0, "ext4", "/dev/vda", "/", 0, 0 },
		{ M_NEW, 0, "ext3", "/dev/vda", "/", M_NEW, 0 },
		{ M_NEW, 0, "ext", "/dev/vda", "/", M_NEW, 0 },
		{ M_NEW, 0, "ext44", "/dev/vda", "/", M_NEW, 0 },
		{ M_REMOUNT, 0, "xfs", NULL, "/", 0, 0 },
		{ M_REMOUNT, 0, NULL, NULL, "/", 0, 0 },
		/* A rule naming an fstype never matches a request that has none. */
		{ M_BIND, 0, NULL, "/a", "/b", M_BIND, 0 },
	};
	const struct cgf_profile *p;

	p = cgf_test_build(test, CGFENCE_MODE_ENFORCE, DENY, rules, ARRAY_SIZE(rules));
	check_all(test, p, cases, ARRAY_SIZE(cases));
}

/* Requests break the one-op contract: refused, never read as allowed. */
static void odd_requests_test(struct kunit *test)
{
	const struct cgf_rule rules[] = {
		cgf_test_mount(1, ALLOW, CGFENCE_MOUNT_ALL, NULL, NULL, NULL, 0, 0),
	};
	const struct mount_expect cases[] = {
		{ M_NEW, 0, "tmpfs", "tmpfs", "/tmp", 0, 0 },
		{ 0, 0, "tmpfs", "tmpfs", "/tmp", CGFENCE_MOUNT_ALL, 0 },
		{ M_NEW | M_BIND, 0, "tmpfs", "tmpfs", "/tmp", M_NEW | M_BIND, 0 },
		{ BIT(8), 0, "tmpfs", "tmpfs", "/tmp", BIT(8), 0 },
		{ M_UMOUNT, 0, NULL, NULL, NULL, 0, 0 },
	};
	const struct cgf_profile *p;

	p = cgf_test_build(test, CGFENCE_MODE_ENFORCE, DENY, rules, ARRAY_SIZE(rules));
	check_all(test, p, cases, ARRAY_SIZE(cases));
}

/* The profile owns copies: the caller's strings can change after the build. */
static void strings_copied_test(struct kunit *test)
{
	char fstype[] = "tmpfs", source[] = "/src", target[] = "/dst/**";
	struct cgf_rule rule = cgf_test_mount(1, ALLOW, M_NEW, fstype, source, target, 0, 0);
	const struct mount_expect cases[] = {
		{ M_NEW, 0, "tmpfs", "/src", "/dst/x", 0, 0 },
		{ M_NEW, 0, "xxxxx", "/xxx", "/xxx/x", M_NEW, 0 },
	};
	const struct cgf_profile *p;

	p = cgf_test_build(test, CGFENCE_MODE_ENFORCE, DENY, &rule, 1);
	memset(fstype, 'x', strlen(fstype));
	memset(source + 1, 'x', strlen(source) - 1);
	memset(target + 1, 'x', 3);
	check_all(test, p, cases, ARRAY_SIZE(cases));
}

static struct kunit_case cgfence_engine_mount_cases[] = {
	KUNIT_CASE(no_rules_test),
	KUNIT_CASE(options_test),
	KUNIT_CASE(deny_wins_test),
	KUNIT_CASE(source_test),
	KUNIT_CASE(fstype_test),
	KUNIT_CASE(odd_requests_test),
	KUNIT_CASE(strings_copied_test),
	{}
};

static struct kunit_suite cgfence_engine_mount_suite = {
	.name = "cgfence_engine_mount",
	.test_cases = cgfence_engine_mount_cases,
};

kunit_test_suite(cgfence_engine_mount_suite);
