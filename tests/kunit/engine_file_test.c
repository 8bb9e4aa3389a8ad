// SPDX-License-Identifier: GPL-2.0
/* KUnit suite for cgfence file rules: the compiled trie must decide exactly like the rules say. */

#include <kunit/test.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/prandom.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "engine_internal.h"
#include "engine_test.h"
#include "path_glob.h"

#define R CGFENCE_FILE_READ
#define W CGFENCE_FILE_WRITE
#define A CGFENCE_FILE_APPEND
#define X CGFENCE_FILE_EXEC
#define C CGFENCE_FILE_CREATE
#define D CGFENCE_FILE_DELETE
#define RW (R | W)

struct file_expect {
	const char *path;
	u32 requested;
	u32 denied;
	u32 rule_id;
};

static void check_one(struct kunit *test, const struct cgf_profile *profile, const char *path,
		      u32 requested, u32 denied, u32 rule_id)
{
	struct cgf_verdict v = { .denied = 0xdead, .rule_id = 0xbeef };

	cgf_file_check(profile, path, strlen(path), requested, &v);
	KUNIT_EXPECT_EQ_MSG(test, v.denied, denied, "path \"%s\" requested %#x", path, requested);
	KUNIT_EXPECT_EQ_MSG(test, v.rule_id, rule_id, "path \"%s\" requested %#x", path,
			    requested);
}

static void check_all(struct kunit *test, const struct cgf_profile *profile,
		      const struct file_expect *cases, size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++)
		check_one(test, profile, cases[i].path, cases[i].requested, cases[i].denied,
			  cases[i].rule_id);
}

/* The reference: every rule, one by one, with the glob matcher that defines patterns. */
static void reference_check(const struct cgf_rule *rules, u32 nr_rules, u8 file_default,
			    const char *path, size_t len, u32 requested, struct cgf_verdict *v)
{
	u32 i, allow = 0, deny = 0, id = 0, refused;

	for (i = 0; i < nr_rules; i++) {
		const struct cgf_rule *r = &rules[i];

		if (r->kind != CGFENCE_RULE_FILE ||
		    !cgf_glob_match(r->file.path, r->file.path_len, path, len))
			continue;
		if (r->effect == CGFENCE_EFFECT_ALLOW) {
			allow |= r->file.perms;
			continue;
		}
		deny |= r->file.perms;
		if (r->file.perms & requested && (!id || r->id < id))
			id = r->id;
	}
	refused = deny | ~CGFENCE_FILE_ALL;
	if (file_default == CGFENCE_EFFECT_DENY)
		refused |= ~allow;
	v->denied = requested & refused;
	v->rule_id = requested & deny ? id : 0;
}

/* Returns the number of disagreements, reporting the first few. */
static unsigned int differential(struct kunit *test, const struct cgf_profile *profile,
				 const struct cgf_rule *rules, u32 nr_rules, u8 file_default,
				 const char *path, u32 requested, unsigned int reported)
{
	struct cgf_verdict got, want;

	cgf_file_check(profile, path, strlen(path), requested, &got);
	reference_check(rules, nr_rules, file_default, path, strlen(path), requested, &want);
	if (got.denied == want.denied && got.rule_id == want.rule_id)
		return 0;
	if (reported < 10)
		KUNIT_FAIL(test, "path \"%s\" requested %#x: got %#x id %u, want %#x id %u", path,
			   requested, got.denied, got.rule_id, want.denied, want.rule_id);
	return 1;
}

static void deny_beats_allow_test(struct kunit *test)
{
	const struct cgf_rule rules[] = {
		cgf_test_file(1, ALLOW, RW | X, "/etc/**"),
		cgf_test_file(2, DENY, W, "/etc/shadow"),
		cgf_test_file(3, DENY, R, "/etc/*.key"),
		cgf_test_file(4, ALLOW, R, "/etc/ssl.key"),
	};
	const struct file_expect cases[] = {
		{ "/etc/shadow", R, 0, 0 },
		{ "/etc/shadow", W, W, 2 },
		{ "/etc/shadow", RW, W, 2 },
		{ "/etc/shadow", X, 0, 0 },
		{ "/etc/passwd", RW, 0, 0 },
		/* An allow rule for the exact path does not lift a deny glob. */
		{ "/etc/ssl.key", R, R, 3 },
		{ "/etc/ssl.key", W, 0, 0 },
		{ "/etc/x/ssl.key", R, 0, 0 },
	};
	const struct cgf_profile *p;

	p = cgf_test_build(test, CGFENCE_MODE_ENFORCE, DENY, rules, ARRAY_SIZE(rules));
	check_all(test, p, cases, ARRAY_SIZE(cases));
}

/* Docker-like: default allow, writes to /proc/sys refused, reads still allowed. */
static void per_permission_default_test(struct kunit *test)
{
	const struct cgf_rule rules[] = {
		cgf_test_file(7, DENY, W, "/proc/sys/**"),
		cgf_test_file(8, DENY, RW, "/proc/kcore"),
	};
	const struct file_expect cases[] = {
		{ "/proc/sys/kernel/hostname", R, 0, 0 },
		{ "/proc/sys/kernel/hostname", W, W, 7 },
		{ "/proc/sys/kernel/hostname", RW | X, W, 7 },
		{ "/proc/sys", W, W, 7 },
		{ "/proc/sys", R, 0, 0 },
		{ "/proc/sysrq-trigger", W, 0, 0 },
		{ "/proc/kcore", R | X, R, 8 },
		{ "/proc", CGFENCE_FILE_ALL, 0, 0 },
		{ "/", R, 0, 0 },
		/* Bits the engine does not know are never granted, not even by the default. */
		{ "/tmp/x", R | BIT(20), BIT(20), 0 },
		{ "/tmp/x", 0, 0, 0 },
	};
	const struct cgf_profile *p;

	p = cgf_test_build(test, CGFENCE_MODE_ENFORCE, ALLOW, rules, ARRAY_SIZE(rules));
	check_all(test, p, cases, ARRAY_SIZE(cases));
}

static void default_deny_test(struct kunit *test)
{
	const struct cgf_rule rules[] = {
		cgf_test_file(1, ALLOW, R | X, "/usr/**"),
		cgf_test_file(2, ALLOW, R | W | C | D, "/tmp/**"),
	};
	const struct file_expect cases[] = {
		{ "/usr/bin/ls", R | X, 0, 0 },
		{ "/usr/bin/ls", W, W, 0 },
		{ "/usr/bin/ls", R | W, W, 0 },
		{ "/usr", R, 0, 0 },
		{ "/usrx", R, R, 0 },
		{ "/etc/passwd", R, R, 0 },
		{ "/tmp/a/b", R | W | X, X, 0 },
		{ "/", R, R, 0 },
	};
	const struct cgf_profile *p;

	p = cgf_test_build(test, CGFENCE_MODE_ENFORCE, DENY, rules, ARRAY_SIZE(rules));
	check_all(test, p, cases, ARRAY_SIZE(cases));
}

static void rule_ids_test(struct kunit *test)
{
	const struct cgf_rule rules[] = {
		cgf_test_file(30, DENY, W, "/a/**"),
		cgf_test_file(20, DENY, R, "/a/b"),
		cgf_test_file(10, DENY, X, "/a/*"),
		cgf_test_file(99, ALLOW, CGFENCE_FILE_ALL, "/a/b"),
		/* Several deny rules on one pattern: ids ascend 3 (r), 4 (rw), 5 (w), 6 (x). */
		cgf_test_file(5, DENY, W, "/c"),
		cgf_test_file(4, DENY, RW, "/c"),
		cgf_test_file(6, DENY, X, "/c"),
		cgf_test_file(3, DENY, R, "/c"),
	};
	const struct file_expect cases[] = {
		{ "/a/b", R, R, 20 },
		{ "/a/b", W, W, 30 },
		{ "/a/b", RW, RW, 20 },
		{ "/a/b", W | X, W | X, 10 },
		{ "/a/b", CGFENCE_FILE_ALL, R | W | X, 10 },
		{ "/a/b", A, 0, 0 },
		{ "/a", W, W, 30 },
		{ "/a", R, R, 0 },
		{ "/c", R, R, 3 },
		{ "/c", W, W, 4 },
		{ "/c", X, X, 6 },
		{ "/c", W | X, W | X, 4 },
		{ "/c", A, A, 0 },
	};
	const struct cgf_profile *p;

	p = cgf_test_build(test, CGFENCE_MODE_ENFORCE, DENY, rules, ARRAY_SIZE(rules));
	check_all(test, p, cases, ARRAY_SIZE(cases));
}

static void glob_positions_test(struct kunit *test)
{
	const struct cgf_rule rules[] = {
		cgf_test_file(1, ALLOW, R, "/*/passwd"),
		cgf_test_file(2, ALLOW, W, "/home/*/.ssh/authorized_keys"),
		cgf_test_file(3, ALLOW, X, "/var/log/*.log"),
		cgf_test_file(4, ALLOW, C, "/dev/tty?"),
		cgf_test_file(5, ALLOW, D, "/srv/a*b*c/x"),
	};
	const struct file_expect cases[] = {
		{ "/etc/passwd", R, 0, 0 },
		{ "/x/passwd", R, 0, 0 },
		{ "/passwd", R, R, 0 },
		{ "/a/b/passwd", R, R, 0 },
		{ "/home/ann/.ssh/authorized_keys", W, 0, 0 },
		{ "/home/ann/x/.ssh/authorized_keys", W, W, 0 },
		{ "/home/.ssh/authorized_keys", W, W, 0 },
		{ "/var/log/syslog.log", X, 0, 0 },
		{ "/var/log/.log", X, 0, 0 },
		{ "/var/log/a.log.1", X, X, 0 },
		{ "/var/log/x/a.log", X, X, 0 },
		{ "/dev/tty1", C, 0, 0 },
		{ "/dev/tty", C, C, 0 },
		{ "/dev/tty12", C, C, 0 },
		{ "/srv/abc/x", D, 0, 0 },
		{ "/srv/a1b2c/x", D, 0, 0 },
		{ "/srv/acb/x", D, D, 0 },
	};
	const struct cgf_profile *p;

	p = cgf_test_build(test, CGFENCE_MODE_ENFORCE, DENY, rules, ARRAY_SIZE(rules));
	check_all(test, p, cases, ARRAY_SIZE(cases));
}

static void globstar_test(struct kunit *test)
{
	const struct cgf_rule rules[] = {
		cgf_test_file(1, ALLOW, R, "/a/**"),
		cgf_test_file(2, ALLOW, W, "/x/**/y"),
		cgf_test_file(3, ALLOW, X, "/**/core"),
		cgf_test_file(4, ALLOW, C, "/"),
		cgf_test_file(5, ALLOW, D, "/m/**/**/n"),
		cgf_test_file(6, ALLOW, A, "/p/**/q/**"),
	};
	const struct file_expect cases[] = {
		{ "/a", R, 0, 0 },
		{ "/a/b", R, 0, 0 },
		{ "/a/b/c/d", R, 0, 0 },
		{ "/ab", R, R, 0 },
		{ "/x/y", W, 0, 0 },
		{ "/x/1/2/3/y", W, 0, 0 },
		{ "/x/y/z", W, W, 0 },
		{ "/x", W, W, 0 },
		{ "/core", X, 0, 0 },
		{ "/a/b/core", X, 0, 0 },
		{ "/a/b/core/x", X, X, 0 },
		{ "/", C, 0, 0 },
		{ "/", R, R, 0 },
		{ "/a", C, C, 0 },
		{ "/m/n", D, 0, 0 },
		{ "/m/1/n", D, 0, 0 },
		{ "/m/1/2/n", D, 0, 0 },
		{ "/m", D, D, 0 },
		{ "/p/q", A, 0, 0 },
		{ "/p/1/q/2/3", A, 0, 0 },
		{ "/p/1/2", A, A, 0 },
	};
	const struct cgf_rule everything = cgf_test_file(9, ALLOW, R, "/**");
	const struct cgf_profile *p;

	p = cgf_test_build(test, CGFENCE_MODE_ENFORCE, DENY, rules, ARRAY_SIZE(rules));
	check_all(test, p, cases, ARRAY_SIZE(cases));

	p = cgf_test_build(test, CGFENCE_MODE_ENFORCE, DENY, &everything, 1);
	check_one(test, p, "/", R, 0, 0);
	check_one(test, p, "/a/b/c", R, 0, 0);
	check_one(test, p, "/a/b/c", W, W, 0);
}

/* Literal and glob children of one node, and a literal that is a prefix of another. */
static void literal_glob_siblings_test(struct kunit *test)
{
	const struct cgf_rule rules[] = {
		cgf_test_file(1, ALLOW, R, "/d/ab"),
		cgf_test_file(2, ALLOW, W, "/d/a*"),
		cgf_test_file(3, ALLOW, X, "/d/*b"),
		cgf_test_file(4, ALLOW, C, "/d/a"),
		cgf_test_file(5, ALLOW, D, "/d/abc"),
		cgf_test_file(6, ALLOW, A, "/d/?"),
		cgf_test_file(7, DENY, W, "/d/**/deny"),
	};
	const struct file_expect cases[] = {
		{ "/d/ab", R | W | X, 0, 0 },
		{ "/d/ab", C | D | A, C | D | A, 0 },
		{ "/d/a", C | W | A, 0, 0 },
		{ "/d/a", R, R, 0 },
		{ "/d/abc", D | W, 0, 0 },
		{ "/d/abc", R | X, R | X, 0 },
		{ "/d/ac", W, 0, 0 },
		{ "/d/xb", X, 0, 0 },
		{ "/d/b", X | A, 0, 0 },
		{ "/d/b", W, W, 0 },
		{ "/d/aa", R | W, R, 0 },
		{ "/d/ab/deny", W, W, 7 },
		{ "/d/a/b", W, W, 0 },
	};
	const struct cgf_profile *p;

	p = cgf_test_build(test, CGFENCE_MODE_ENFORCE, DENY, rules, ARRAY_SIZE(rules));
	check_all(test, p, cases, ARRAY_SIZE(cases));
}

static void escapes_test(struct kunit *test)
{
	const struct cgf_rule rules[] = {
		cgf_test_file(1, ALLOW, R, "/e/a\\*b"),
		cgf_test_file(2, ALLOW, W, "/e/\\?"),
		cgf_test_file(3, ALLOW, X, "/e/x\\\\y"),
		cgf_test_file(4, ALLOW, C, "/e/c\\*d*"),
		cgf_test_file(5, ALLOW, D, "/e/\\q"),
		cgf_test_file(6, ALLOW, A, "/e/\\*\\*"),
	};
	const struct file_expect cases[] = {
		{ "/e/a*b", R, 0, 0 },
		{ "/e/axb", R, R, 0 },
		{ "/e/ab", R, R, 0 },
		{ "/e/?", W, 0, 0 },
		{ "/e/x", W, W, 0 },
		{ "/e/x\\y", X, 0, 0 },
		{ "/e/xy", X, X, 0 },
		{ "/e/c*d", C, 0, 0 },
		{ "/e/c*dxx", C, 0, 0 },
		{ "/e/cxdxx", C, C, 0 },
		{ "/e/q", D, 0, 0 },
		{ "/e/\\q", D, D, 0 },
		{ "/e/**", A, 0, 0 },
		{ "/e/x", A, A, 0 },
		{ "/e/x/y", A, A, 0 },
	};
	const struct cgf_profile *p;

	p = cgf_test_build(test, CGFENCE_MODE_ENFORCE, DENY, rules, ARRAY_SIZE(rules));
	check_all(test, p, cases, ARRAY_SIZE(cases));
}

/* Input a resolver never produces: defined answers, no crash. */
static void odd_paths_test(struct kunit *test)
{
	const struct cgf_rule rules[] = {
		cgf_test_file(1, ALLOW, CGFENCE_FILE_ALL, "/**"),
		cgf_test_file(2, ALLOW, R, "/a/*"),
	};
	struct cgf_verdict v;
	const struct cgf_profile *p;

	p = cgf_test_build(test, CGFENCE_MODE_ENFORCE, ALLOW, rules, ARRAY_SIZE(rules));
	check_one(test, p, "", R, R, 0);
	check_one(test, p, "a/b", R | W, R | W, 0);
	check_one(test, p, "etc", R, R, 0);
	cgf_file_check(p, NULL, 0, W, &v);
	KUNIT_EXPECT_EQ(test, v.denied, W);
	KUNIT_EXPECT_EQ(test, v.rule_id, 0U);
	/* Only @path_len bytes count: "/a/b" followed by junk. */
	cgf_file_check(p, "/a/b\0junk", 4, R, &v);
	KUNIT_EXPECT_EQ(test, v.denied, 0U);
	/* Empty components are matched as cgf_glob_match() does, never crash. */
	check_one(test, p, "//", R, 0, 0);
	check_one(test, p, "/a/", R, 0, 0);
	check_one(test, p, "/a//b", R, 0, 0);
}

/* Objects judged by kind: their own defaults, rules by name, never a path pattern. */
static void object_kinds_test(struct kunit *test)
{
	const u32 all = CGFENCE_FILE_ALL;
	const struct cgf_rule rules[] = {
		cgf_test_file(1, ALLOW, all, "/**"),
		cgf_test_file(2, ALLOW, X, CGFENCE_OBJECT_MEMFD),
		cgf_test_file(3, DENY, W, CGFENCE_OBJECT_PIPE),
		cgf_test_file(4, ALLOW, R, CGFENCE_OBJECT_UNREACHABLE),
		cgf_test_file(5, DENY, R | W, CGFENCE_OBJECT_SOCKET),
		cgf_test_file(6, DENY, R, CGFENCE_OBJECT_SOCKET),
		cgf_test_file(7, DENY, R, CGFENCE_OBJECT_NSFS),
		cgf_test_file(8, DENY, W, CGFENCE_OBJECT_MQUEUE),
		cgf_test_file(9, ALLOW, X, CGFENCE_OBJECT_MQUEUE),
	};
	const struct cgf_rule none[] = {
		cgf_test_file(1, ALLOW, all, "/**"),
	};
	const struct cgf_profile *p;

	/* Defaults: neither the everything-pattern nor an allow default reaches a kind. */
	p = cgf_test_build(test, CGFENCE_MODE_ENFORCE, ALLOW, none, ARRAY_SIZE(none));
	check_one(test, p, CGFENCE_OBJECT_UNREACHABLE, R, R, 0);
	check_one(test, p, CGFENCE_OBJECT_PIPE, RW, 0, 0);
	check_one(test, p, CGFENCE_OBJECT_PIPE, X, X, 0);
	check_one(test, p, CGFENCE_OBJECT_SOCKET, RW, 0, 0);
	check_one(test, p, CGFENCE_OBJECT_ANON_INODE, RW | X, X, 0);
	check_one(test, p, CGFENCE_OBJECT_MEMFD, RW | X, X, 0);
	check_one(test, p, CGFENCE_OBJECT_NSFS, RW | X, X, 0);
	check_one(test, p, CGFENCE_OBJECT_MQUEUE, RW | X, X, 0);
	/* A name that is no kind and no path: refused. */
	check_one(test, p, "pipe", R, R, 0);
	check_one(test, p, "pipe:x", R, R, 0);

	p = cgf_test_build(test, CGFENCE_MODE_ENFORCE, DENY, rules, ARRAY_SIZE(rules));
	check_one(test, p, CGFENCE_OBJECT_MEMFD, X | R, 0, 0);
	check_one(test, p, CGFENCE_OBJECT_PIPE, R, 0, 0);
	check_one(test, p, CGFENCE_OBJECT_PIPE, RW, W, 3);
	check_one(test, p, CGFENCE_OBJECT_UNREACHABLE, R, 0, 0);
	check_one(test, p, CGFENCE_OBJECT_UNREACHABLE, RW, W, 0);
	/* The smallest id among the deny rules refusing a requested permission. */
	check_one(test, p, CGFENCE_OBJECT_SOCKET, R, R, 5);
	check_one(test, p, CGFENCE_OBJECT_SOCKET, W, W, 5);
	/* The default does not leak into kinds, nor kinds into paths. */
	check_one(test, p, CGFENCE_OBJECT_ANON_INODE, R, 0, 0);
	check_one(test, p, "/memfd:", X, 0, 0);
	/* Namespace files and message queues are kinds of their own, not anonymous inodes. */
	check_one(test, p, CGFENCE_OBJECT_NSFS, RW, R, 7);
	check_one(test, p, CGFENCE_OBJECT_NSFS, W, 0, 0);
	check_one(test, p, CGFENCE_OBJECT_MQUEUE, RW | X, W, 8);
	check_one(test, p, CGFENCE_OBJECT_MQUEUE, R | X, 0, 0);
}

static bool same_below(const struct cgf_profile *p, const char *a, const char *b)
{
	return cgf_file_same_below(p, a, strlen(a), b, strlen(b));
}

/* A directory may move only where everything below it keeps its verdict. */
static void same_below_test(struct kunit *test)
{
	const struct cgf_rule rules[] = {
		cgf_test_file(1, ALLOW, RW, "/var/www/**"),
		cgf_test_file(2, DENY, W, "/home/*/secret"),
		cgf_test_file(3, ALLOW, R, "/srv/*/data/**"),
	};
	const struct cgf_profile *p;

	p = cgf_test_build(test, CGFENCE_MODE_ENFORCE, ALLOW, rules, ARRAY_SIZE(rules));
	/* Inside one "**" tree: nothing below can differ. */
	KUNIT_EXPECT_TRUE(test, same_below(p, "/var/www/a", "/var/www/b"));
	KUNIT_EXPECT_TRUE(test, same_below(p, "/var/www/a", "/var/www/x/y/z"));
	/* No rule anywhere below either: the default decides both alike. */
	KUNIT_EXPECT_TRUE(test, same_below(p, "/tmp/a", "/opt/b"));
	/* /home/u/secret is write-protected, /tmp/u/secret would not be. */
	KUNIT_EXPECT_FALSE(test, same_below(p, "/home/u", "/tmp/u"));
	KUNIT_EXPECT_TRUE(test, same_below(p, "/home/u", "/home/v"));
	/* The same glob state after both names. */
	KUNIT_EXPECT_TRUE(test, same_below(p, "/srv/a", "/srv/b"));
	KUNIT_EXPECT_FALSE(test, same_below(p, "/srv/a", "/srv"));
	KUNIT_EXPECT_FALSE(test, same_below(p, "/var/www", "/var"));
	KUNIT_EXPECT_FALSE(test, same_below(p, "/var/www/a", "/tmp/a"));
	/* Kinds and malformed names are never alike. */
	KUNIT_EXPECT_FALSE(test, same_below(p, CGFENCE_OBJECT_PIPE, CGFENCE_OBJECT_PIPE));
	KUNIT_EXPECT_FALSE(test, same_below(p, "", "/tmp"));
}

static void no_file_rules_test(struct kunit *test)
{
	const struct cgf_rule rule = cgf_test_device(1, ALLOW, CGFENCE_DEV_CHAR, 1, 3,
						     CGFENCE_DEV_READ);
	const struct cgf_profile *p;

	p = cgf_test_build(test, CGFENCE_MODE_ENFORCE, ALLOW, &rule, 1);
	check_one(test, p, "/etc/passwd", RW, 0, 0);
	check_one(test, p, "/", X, 0, 0);
	p = cgf_test_build(test, CGFENCE_MODE_ENFORCE, DENY, &rule, 1);
	check_one(test, p, "/etc/passwd", RW, RW, 0);
	check_one(test, p, "/", X, X, 0);
}

/*
 * Patterns a*, aa*, aaa*, ... all match a component of many a's: a path component of n a's
 * keeps n nodes active. 32 fit; 33 cannot be decided and fail closed, even though both a
 * matching allow rule and the default would allow.
 */
static void active_set_overflow_test(struct kunit *test)
{
	enum { NR = 40 };
	struct cgf_rule *rules;
	char *pats, path[64];
	int i;
	const struct cgf_profile *p;

	rules = kunit_kcalloc(test, NR, sizeof(*rules), GFP_KERNEL);
	pats = kunit_kzalloc(test, NR * 48, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, rules);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, pats);
	for (i = 0; i < NR; i++) {
		char *pat = pats + i * 48;

		memcpy(pat, "/o/", 3);
		memset(pat + 3, 'a', i + 1);
		pat[i + 4] = '*';
		rules[i] = cgf_test_file(i + 1, ALLOW, R, pat);
	}
	p = cgf_test_build(test, CGFENCE_MODE_ENFORCE, ALLOW, rules, NR);

	memset(path, 0, sizeof(path));
	memcpy(path, "/o/", 3);
	memset(path + 3, 'a', 32);
	check_one(test, p, path, R | W, 0, 0);
	path[3 + 32] = 'a';
	check_one(test, p, path, R | W, R | W, 0);
	check_one(test, p, "/o/a", R, 0, 0);
	check_one(test, p, "/o/b", R, 0, 0);

	/* A chain of "**" is active from the start: the root and 31 of them fit, 32 do not. */
	for (i = 0; i < 32; i++)
		memcpy(pats + 3 * i, "/**", 3);
	pats[3 * 31] = '\0';
	rules[0] = cgf_test_file(1, ALLOW, R, pats);
	p = cgf_test_build(test, CGFENCE_MODE_ENFORCE, ALLOW, rules, 1);
	check_one(test, p, "/", R | W, 0, 0);
	check_one(test, p, "/a/b", R | W, 0, 0);
	pats[3 * 31] = '/';
	pats[3 * 32] = '\0';
	rules[0] = cgf_test_file(1, ALLOW, R, pats);
	p = cgf_test_build(test, CGFENCE_MODE_ENFORCE, ALLOW, rules, 1);
	check_one(test, p, "/", R | W, R | W, 0);
	check_one(test, p, "/a/b", R, R, 0);
}

/*
 * The container chooses its names: deny rules "/d", "**", "*aaaaaaaa<N>" (as components,
 * N = 0..99) and a path of 255-byte names of a's make every glob try every split of every
 * name. The lookup stops at CGF_FILE_MATCH_BUDGET steps and fails closed, although no
 * rule matches and the default allows; short paths, and one such name alone, are still
 * decided exactly.
 */
static void match_budget_test(struct kunit *test)
{
	enum { NR = 100, TAIL = 8, NAMES = 15, NAME_LEN = 255 };
	struct cgf_rule *rules;
	char *pats, *path;
	const struct cgf_profile *p;
	size_t len;
	int i;

	rules = kunit_kcalloc(test, NR, sizeof(*rules), GFP_KERNEL);
	pats = kunit_kzalloc(test, NR * 32, GFP_KERNEL);
	path = kunit_kzalloc(test, PATH_MAX, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, rules);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, pats);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, path);
	for (i = 0; i < NR; i++) {
		char *pat = pats + i * 32;

		len = sprintf(pat, "/d/**/*");
		memset(pat + len, 'a', TAIL);
		sprintf(pat + len + TAIL, "%d", i);
		rules[i] = cgf_test_file(i + 1, DENY, R, pat);
	}
	p = cgf_test_build(test, CGFENCE_MODE_ENFORCE, ALLOW, rules, NR);

	check_one(test, p, "/d/x/aaaaaaaa7", R | W, R, 8);
	check_one(test, p, "/d/x/y/aaaaaaaa99", R, R, 100);
	check_one(test, p, "/d/x/b", R | W, 0, 0);
	/* Each glob gives up on a short name within a few steps. */
	KUNIT_EXPECT_LT(test, cgf_file_match_cost(p, "/d/x/b", 6), 2 * NR * 4);

	len = sprintf(path, "/d");
	for (i = 0; i < NAMES; i++) {
		path[len++] = '/';
		memset(path + len, 'a', NAME_LEN);
		len += NAME_LEN;
		/* One such name costs thousands of steps, and is decided. */
		if (!i) {
			KUNIT_EXPECT_LT(test, cgf_file_match_cost(p, path, len),
					CGF_FILE_MATCH_BUDGET);
			check_one(test, p, path, R | W, 0, 0);
		}
	}
	path[len] = '\0';
	KUNIT_EXPECT_EQ(test, cgf_file_match_cost(p, path, len), CGF_FILE_MATCH_BUDGET);
	check_one(test, p, path, R | W, R | W, 0);
	/* A cut-off walk never lets a rename keep its access. */
	KUNIT_EXPECT_FALSE(test, same_below(p, path, path));
}

/* Appends @count components "/x" to @path of length *@len. */
static void append_x(char *path, size_t *len, int count)
{
	while (count--) {
		memcpy(path + *len, "/x", 2);
		*len += 2;
	}
	path[*len] = '\0';
}

/*
 * Inside subtrees decided whole (rules 1 and 2, nothing below them) the walk stops once
 * only their "**" nodes are active: a path 1,000 components deep costs what one 4 deep
 * costs and is decided alike. A "**" node with a rule below it (rules 3 and 4) never
 * stops the walk: the last component is still read.
 */
static void settled_subtree_test(struct kunit *test)
{
	enum { DEEP = 1000 };
	const struct cgf_rule rules[] = {
		cgf_test_file(1, ALLOW, R, "/a/**"),
		cgf_test_file(2, ALLOW, W, "/a/b/**"),
		cgf_test_file(3, ALLOW, R, "/c/**"),
		cgf_test_file(4, DENY, R, "/c/**/secret"),
	};
	const struct cgf_profile *p;
	char *path, *shallow;
	size_t len, shallow_len;

	path = kunit_kzalloc(test, 2 * DEEP + 32, GFP_KERNEL);
	shallow = kunit_kzalloc(test, 32, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, path);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, shallow);
	p = cgf_test_build(test, CGFENCE_MODE_ENFORCE, DENY, rules, ARRAY_SIZE(rules));

	shallow_len = sprintf(shallow, "/a/b/x/x");
	len = sprintf(path, "/a/b");
	append_x(path, &len, DEEP);
	KUNIT_EXPECT_EQ(test, cgf_file_match_cost(p, path, len),
			cgf_file_match_cost(p, shallow, shallow_len));
	check_one(test, p, path, R | W, 0, 0);
	len = sprintf(path, "/a/c");
	append_x(path, &len, DEEP);
	check_one(test, p, path, R | W, W, 0);

	len = sprintf(path, "/c");
	append_x(path, &len, DEEP);
	/* At least one step for each of the DEEP components. */
	KUNIT_EXPECT_GT(test, cgf_file_match_cost(p, path, len), DEEP);
	check_one(test, p, path, R, 0, 0);
	len += sprintf(path + len, "/secret");
	check_one(test, p, path, R, R, 4);
}

/*
 * Single-byte names over the whole byte range, and their doubles, as siblings of one node:
 * the build's sort and the matcher's binary search must order bytes the same way (unsigned).
 */
static void literal_byte_order_test(struct kunit *test)
{
	struct cgf_rule *rules;
	char (*pats)[8], path[8];
	const struct cgf_profile *p;
	unsigned int b, nr = 0, bad = 0;
	struct cgf_verdict v;

	rules = kunit_kcalloc(test, 2 * 256, sizeof(*rules), GFP_KERNEL);
	pats = kunit_kcalloc(test, 2 * 256, sizeof(*pats), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, rules);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, pats);
	for (b = 1; b < 256; b++) {
		if (b == '/' || b == '*' || b == '?' || b == '\\' || b == '.' || b == 'q')
			continue;
		scnprintf(pats[nr], sizeof(pats[nr]), "/s/%c", b);
		rules[nr] = cgf_test_file(b, ALLOW, R, pats[nr]);
		nr++;
		scnprintf(pats[nr], sizeof(pats[nr]), "/s/%c%c", b, b);
		rules[nr] = cgf_test_file(1000 + b, ALLOW, W, pats[nr]);
		nr++;
	}
	p = cgf_test_build(test, CGFENCE_MODE_ENFORCE, DENY, rules, nr);
	for (b = 1; b < 256; b++) {
		u32 want_single = R, want_double = W;

		if (b == '/' || b == '*' || b == '?' || b == '\\' || b == '.' || b == 'q') {
			want_single = 0;
			want_double = 0;
		}
		scnprintf(path, sizeof(path), "/s/%c", b);
		cgf_file_check(p, path, strlen(path), RW, &v);
		bad += v.denied != (RW & ~want_single);
		scnprintf(path, sizeof(path), "/s/%c%c", b, b);
		cgf_file_check(p, path, strlen(path), RW, &v);
		bad += v.denied != (RW & ~want_double);
	}
	KUNIT_EXPECT_EQ(test, bad, 0U);
	check_one(test, p, "/s/q", R, R, 0);
	check_one(test, p, "/s/ab", R, R, 0);
}

/* Nodes of @p whose literal children are placed by a perfect hash. */
static unsigned int perfect_nodes(const struct cgf_profile *p)
{
	unsigned int i, nr = 0;

	for (i = 0; i < p->file.nr_nodes; i++)
		nr += p->file.nodes[i].is_perfect;
	return nr;
}

/*
 * A directory with many listed names (CGF_FILE_PERFECT_MIN or more) is placed by a perfect
 * hash: every name must be found with its own rules, a name not listed must be refused
 * although its slot holds another label (every slot is full), and the cost must not grow
 * with the number of names: among 1,000 it is what it is among 5, searched by bisection.
 */
static void crowded_node_test(struct kunit *test)
{
	enum { NR = 1000, FEW = 5 };
	struct cgf_rule *rules;
	char (*pats)[16], path[16];
	const struct cgf_profile *p, *few;
	unsigned int i, bad = 0;
	struct cgf_verdict v;

	rules = kunit_kcalloc(test, NR, sizeof(*rules), GFP_KERNEL);
	pats = kunit_kcalloc(test, NR, sizeof(*pats), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, rules);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, pats);
	/* /c/m0 .. /c/m998 allow r, and m5 is also denied w. */
	for (i = 0; i < NR - 1; i++) {
		scnprintf(pats[i], sizeof(pats[i]), "/c/m%u", i);
		rules[i] = cgf_test_file(i + 1, ALLOW, R, pats[i]);
	}
	rules[NR - 1] = cgf_test_file(NR, DENY, W, "/c/m5");
	p = cgf_test_build(test, CGFENCE_MODE_ENFORCE, DENY, rules, NR);
	KUNIT_EXPECT_EQ(test, perfect_nodes(p), 1U);
	for (i = 0; i < NR - 1; i++) {
		scnprintf(path, sizeof(path), "/c/m%u", i);
		cgf_file_check(p, path, strlen(path), RW, &v);
		bad += v.denied != W || v.rule_id != (i == 5 ? NR : 0);
		cgf_file_check(p, path, strlen(path), R, &v);
		bad += v.denied != 0;
	}
	KUNIT_EXPECT_EQ(test, bad, 0U);
	check_one(test, p, "/c/m999", R, R, 0);
	check_one(test, p, "/c/m", R, R, 0);
	check_one(test, p, "/c/m00", R, R, 0);
	check_one(test, p, "/c/m0/x", R, R, 0);

	few = cgf_test_build(test, CGFENCE_MODE_ENFORCE, DENY, rules, FEW);
	KUNIT_EXPECT_EQ(test, perfect_nodes(few), 0U);
	check_one(test, few, "/c/m3", R, 0, 0);
	KUNIT_EXPECT_EQ(test, cgf_file_match_cost(p, "/c/m3", 5),
			cgf_file_match_cost(few, "/c/m3", 5));
}

static const char * const table_patterns[] = {
	"/", "/**", "/etc/**", "/etc/passwd", "/etc/*", "/etc/*.conf", "/etc/ssh/**",
	"/proc/sys/**", "/proc/*/mem", "/proc/[0-9]", "/home/*/.ssh/**", "/home/**/id_rsa",
	"/a/**/b", "/a/**/b/**", "/a/*/b", "/a/?/b", "/a/b", "/a/b*", "/a/*b", "/a/\\*",
	"/**/x", "/**/x/**", "/x/**/x", "/dev/tty?", "/dev/tty*", "/dev/pts/**", "/usr/lib/*.so.*",
	"/a/b/c/d/e", "/a/**/**/e", "/e\\?/f", "/*", "/*/*", "/*/*/*",
};

static const char * const table_paths[] = {
	"/", "/a", "/b", "/x", "/etc", "/etc/passwd", "/etc/passwdx", "/etc/ssh",
	"/etc/ssh/sshd_config", "/etc/a.conf", "/etc/a.conf/x", "/proc/sys", "/proc/sys/kernel/x",
	"/proc/1/mem", "/proc/self/mem", "/proc/1/2/mem", "/proc/[0-9]", "/proc/5", "/home/u/.ssh",
	"/home/u/.ssh/k", "/home/id_rsa", "/home/u/v/id_rsa", "/a/b", "/a/x/b", "/a/x/y/b",
	"/a/b/b", "/a/bb", "/a/*", "/a/x", "/a/x/b/c", "/x/x", "/x/a/x", "/x/x/x", "/q/x/r",
	"/dev/tty", "/dev/tty1", "/dev/ttyS0", "/dev/pts", "/dev/pts/0", "/usr/lib/libc.so.6",
	"/usr/lib/libc.so",
	"/a/b/c/d/e", "/a/b/c/d/e/f", "/a/e", "/e?/f", "/ex/f", "/a/b/c",
};

/* Every pattern alone, then all together with mixed effects, against the reference. */
static void differential_table_test(struct kunit *test)
{
	const size_t nr = ARRAY_SIZE(table_patterns);
	struct cgf_rule *rules;
	const struct cgf_profile *p;
	unsigned int bad = 0;
	size_t i, j;
	u32 req;

	rules = kunit_kcalloc(test, nr, sizeof(*rules), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, rules);
	for (i = 0; i < nr; i++) {
		rules[i] = cgf_test_file(i + 1, ALLOW, R, table_patterns[i]);
		p = cgf_test_build(test, CGFENCE_MODE_ENFORCE, DENY, &rules[i], 1);
		for (j = 0; j < ARRAY_SIZE(table_paths); j++)
			bad += differential(test, p, &rules[i], 1, DENY, table_paths[j], R, bad);
	}

	for (i = 0; i < nr; i++) {
		/* Ids deliberately not in table order; effects and permissions vary. */
		rules[i].id = (u32)(nr - i) * 7;
		rules[i].effect = i % 3 ? ALLOW : DENY;
		rules[i].file.perms = BIT(i % 10) | BIT((i * 3) % 10);
	}
	for (i = 0; i < 2; i++) {
		u8 def = i ? ALLOW : DENY;

		p = cgf_test_build(test, CGFENCE_MODE_ENFORCE, def, rules, nr);
		for (j = 0; j < ARRAY_SIZE(table_paths); j++)
			for (req = 1; req <= CGFENCE_FILE_ALL; req = req * 3 + 1)
				bad += differential(test, p, rules, nr, def, table_paths[j], req,
						    bad);
	}
	KUNIT_EXPECT_EQ(test, bad, 0U);
}

static const char * const random_components[] = {
	"a", "b", "ab", "ba", "*", "?", "**", "a*", "*b", "a?", "*a*", "\\*", "??",
};

static const char * const random_names[] = { "a", "b", "ab", "ba", "aa", "*", "abc" };

static void random_string(struct rnd_state *rnd, char *buf, size_t size,
			  const char * const *parts, size_t nr_parts, u32 max_depth)
{
	u32 depth = prandom_u32_state(rnd) % (max_depth + 1), i;
	size_t len = 0;

	for (i = 0; i < depth; i++) {
		const char *part = parts[prandom_u32_state(rnd) % nr_parts];

		len += scnprintf(buf + len, size - len, "/%s", part);
	}
	if (!len)
		scnprintf(buf, size, "/");
}

/*
 * Random small profiles against random paths. Eight rules of at most three components keep
 * at most 1 + 8 * 3 nodes active, below the bound: no fail-closed case can hide a mismatch.
 */
static void differential_random_test(struct kunit *test)
{
	enum { ROUNDS = 400, RULES = 8, PATHS = 64, LEN = 64 };
	struct rnd_state rnd;
	struct cgf_rule rules[RULES];
	char (*pats)[LEN], path[LEN];
	unsigned int bad = 0, round, i;
	const struct cgf_profile *p;

	pats = kunit_kcalloc(test, RULES, LEN, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, pats);
	prandom_seed_state(&rnd, 0xc6fe9ce);
	for (round = 0; round < ROUNDS && bad < 10; round++) {
		u8 def = round & 1 ? ALLOW : DENY;

		for (i = 0; i < RULES; i++) {
			random_string(&rnd, pats[i], LEN, random_components,
				      ARRAY_SIZE(random_components), 3);
			rules[i] = cgf_test_file(prandom_u32_state(&rnd) % 1000 * RULES + i + 1,
						 prandom_u32_state(&rnd) % 3 ? ALLOW : DENY,
						 prandom_u32_state(&rnd) % CGFENCE_FILE_ALL + 1,
						 pats[i]);
		}
		p = cgf_test_build(test, CGFENCE_MODE_ENFORCE, def, rules, RULES);
		for (i = 0; i < PATHS; i++) {
			random_string(&rnd, path, LEN, random_names, ARRAY_SIZE(random_names),
				      5);
			bad += differential(test, p, rules, RULES, def, path,
					    prandom_u32_state(&rnd) % CGFENCE_FILE_ALL + 1, bad);
		}
		cond_resched();
	}
	KUNIT_EXPECT_EQ(test, bad, 0U);
}

/*
 * CGFENCE_MAX_RULES rules of assorted shapes: literal trees, globs, "**" subtrees and deny
 * rules. The build must take well under a second; a few paths are checked against the
 * naive loop over all 100,000 rules.
 */
static void large_profile_test(struct kunit *test)
{
	enum { NR = CGFENCE_MAX_RULES, LEN = 40 };
	static const char * const paths[] = {
		"/data/d5/f5", "/data/d999/f99", "/data/d1000/f0", "/srv/s42/app.conf",
		"/srv/s42/app.txt", "/home/u777/x/y/z", "/home/u777", "/opt/o3/bin/tool",
		"/var/v12345", "/", "/data", "/nowhere/at/all",
	};
	struct cgf_rule *rules;
	char *pats;
	const struct cgf_profile *p;
	u64 start, build_ns, match_ns;
	unsigned int bad = 0;
	u32 i;

	rules = kvcalloc(NR, sizeof(*rules), GFP_KERNEL);
	pats = kvcalloc(NR, LEN, GFP_KERNEL);
	if (!rules || !pats) {
		kvfree(rules);
		kvfree(pats);
		KUNIT_ASSERT_FAILURE(test, "out of memory for the rule table");
	}
	for (i = 0; i < NR; i++) {
		char *pat = pats + (size_t)i * LEN;
		u8 effect = i % 17 ? ALLOW : DENY;

		switch (i % 5) {
		case 0:
		case 1:
			scnprintf(pat, LEN, "/data/d%u/f%u", i / 100, i % 100);
			break;
		case 2:
			scnprintf(pat, LEN, "/srv/s%u/*.conf", i / 5);
			break;
		case 3:
			scnprintf(pat, LEN, "/home/u%u/**", i / 5);
			break;
		default:
			scnprintf(pat, LEN, "/opt/o%u/bin/t?ol", i % 1000);
			break;
		}
		rules[i] = cgf_test_file(i + 1, effect, BIT(i % 10) | R, pat);
	}
	rules[NR - 1] = cgf_test_file(NR, ALLOW, R, "/var/v*");

	start = ktime_get_ns();
	p = cgf_test_build(test, CGFENCE_MODE_ENFORCE, DENY, rules, NR);
	build_ns = ktime_get_ns() - start;
	kunit_info(test, "%u rules built in %llu ms: %zu bytes, %zu bytes per rule\n", NR,
		   build_ns / NSEC_PER_MSEC, cgf_profile_size(p), cgf_profile_size(p) / NR);
	KUNIT_EXPECT_EQ(test, cgf_profile_nr_rules(p), (u32)NR);
	KUNIT_EXPECT_LT(test, build_ns, 1000 * NSEC_PER_MSEC);

	for (i = 0; i < ARRAY_SIZE(paths); i++) {
		bad += differential(test, p, rules, NR, DENY, paths[i], R, bad);
		bad += differential(test, p, rules, NR, DENY, paths[i], CGFENCE_FILE_ALL, bad);
		cond_resched();
	}
	KUNIT_EXPECT_EQ(test, bad, 0U);
	/* Index 505: "/data/d5/f5", allow r and d (505 % 10 == 5). */
	check_one(test, p, "/data/d5/f5", R | D, 0, 0);
	check_one(test, p, "/data/d5/f5", W, W, 0);
	/* Index 212: the .conf glob under /srv/s42, allow r and a. */
	check_one(test, p, "/srv/s42/app.conf", R | A, 0, 0);
	/* Index 83: everything under /home/u16, allow r and x. */
	check_one(test, p, "/home/u16/a/b", R | X, 0, 0);
	/* Index 0: "/data/d0/f0", deny r, id 1 (0 % 17 == 0). */
	check_one(test, p, "/data/d0/f0", R, R, 1);
	/* Index 1003: everything under /home/u200, deny r and x, id 1004 (1003 % 17 == 0). */
	check_one(test, p, "/home/u200/x", X, X, 1004);

	start = ktime_get_ns();
	for (i = 0; i < 10000; i++) {
		struct cgf_verdict v;

		cgf_file_check(p, "/home/u777/x/y/z", 16, R, &v);
	}
	match_ns = ktime_get_ns() - start;
	kunit_info(test, "one lookup in %u rules: %llu ns\n", NR, match_ns / 10000);

	kvfree(rules);
	kvfree(pats);
}

static struct kunit_case cgfence_engine_file_cases[] = {
	KUNIT_CASE(deny_beats_allow_test),
	KUNIT_CASE(per_permission_default_test),
	KUNIT_CASE(default_deny_test),
	KUNIT_CASE(rule_ids_test),
	KUNIT_CASE(glob_positions_test),
	KUNIT_CASE(globstar_test),
	KUNIT_CASE(literal_glob_siblings_test),
	KUNIT_CASE(escapes_test),
	KUNIT_CASE(odd_paths_test),
	KUNIT_CASE(object_kinds_test),
	KUNIT_CASE(same_below_test),
	KUNIT_CASE(no_file_rules_test),
	KUNIT_CASE(literal_byte_order_test),
	KUNIT_CASE(crowded_node_test),
	KUNIT_CASE(active_set_overflow_test),
	KUNIT_CASE(match_budget_test),
	KUNIT_CASE(settled_subtree_test),
	KUNIT_CASE(differential_table_test),
	KUNIT_CASE(differential_random_test),
	KUNIT_CASE(large_profile_test),
	{}
};

static struct kunit_suite cgfence_engine_file_suite = {
	.name = "cgfence_engine_file",
	.test_cases = cgfence_engine_file_cases,
};

kunit_test_suite(cgfence_engine_file_suite);
