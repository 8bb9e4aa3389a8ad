// SPDX-License-Identifier: GPL-2.0
/* KUnit suite for the cgfence path glob matcher: pins the policy language's path semantics. */

#include <kunit/test.h>
#include <linux/limits.h>
#include <linux/sched.h>
#include <linux/string.h>

#include "path_glob.h"

struct glob_case {
	const char *pat;
	const char *subject;
	bool match;
};

/*
 * Each row is one policy-visible promise. The misses matter as much as the hits: an allow
 * rule that matches too much is a hole, so most hits sit next to a near miss.
 */
static const struct glob_case path_cases[] = {
	/* Literals: whole-path, byte-exact. */
	{ "/", "/", true },
	{ "/", "/a", false },
	{ "/a", "/", false },
	{ "/etc/passwd", "/etc/passwd", true },
	{ "/etc/passwd", "/etc/passw", false },
	{ "/etc/passwd", "/etc/passwdx", false },
	{ "/etc/passwd", "/etc/passwd/x", false },
	{ "/etc/passwd", "/etc", false },
	{ "/etc/passwd", "/ETC/passwd", false },
	{ "/a/b", "/b/a", false },
	/* '?': exactly one byte, never a slash. */
	{ "/dev/tty?", "/dev/tty1", true },
	{ "/dev/tty?", "/dev/tty", false },
	{ "/dev/tty?", "/dev/tty12", false },
	{ "/?", "/a", true },
	{ "/?", "/", false },
	{ "/a?b", "/a/b", false },
	{ "/??", "/a", false },
	/* '*': any run of bytes inside one component. */
	{ "/etc/*", "/etc/passwd", true },
	{ "/etc/*", "/etc/.hidden", true },
	{ "/etc/*", "/etc", false },
	{ "/etc/*", "/etc/ssh/sshd_config", false },
	{ "/etc/*.conf", "/etc/a.conf", true },
	{ "/etc/*.conf", "/etc/.conf", true },
	{ "/etc/*.conf", "/etc/a.conf.bak", false },
	{ "/etc/*.conf", "/etc/x/a.conf", false },
	{ "/a*b", "/a/b", false },
	{ "/a*b", "/ab", true },
	{ "/a*b", "/axxb", true },
	{ "/*", "/a", true },
	{ "/*", "/", false },
	{ "/*", "/a/b", false },
	{ "/a/*/c", "/a/b/c", true },
	{ "/a/*/c", "/a/c", false },
	{ "/a/*/c", "/a/b/x/c", false },
	{ "/lib/*/libc.so.*", "/lib/x86_64-linux-gnu/libc.so.6", true },
	/* Prefix traps: a pattern is never a prefix of the path. */
	{ "/a/b*", "/a/bc/d", false },
	{ "/a/b*", "/a/bc", true },
	{ "/a/b*", "/a/b", true },
	{ "/etc/**", "/etcd/x", false },
	{ "/etc/**", "/etcd", false },
	{ "/etc", "/etc/passwd", false },
	/* '**' at the end: the directory itself and everything below. */
	{ "/a/**", "/a", true },
	{ "/a/**", "/a/b", true },
	{ "/a/**", "/a/b/c", true },
	{ "/a/**", "/", false },
	{ "/a/**", "/ab", false },
	{ "/a/**", "/b/a", false },
	/* The whole tree, the root included. */
	{ "/**", "/", true },
	{ "/**", "/a", true },
	{ "/**", "/a/b/c", true },
	{ "/**", "/.hidden/x", true },
	/* '**' at the start. */
	{ "/**/b", "/b", true },
	{ "/**/b", "/a/b", true },
	{ "/**/b", "/a/x/b", true },
	{ "/**/b", "/a/b/c", false },
	{ "/**/b", "/ab", false },
	{ "/**/b", "/", false },
	{ "/**/*.so", "/usr/lib/x.so", true },
	{ "/**/*.so", "/x.so", true },
	{ "/**/*.so", "/usr/lib/x.so.1", false },
	/* '**' in the middle. */
	{ "/a/**/b", "/a/b", true },
	{ "/a/**/b", "/a/x/b", true },
	{ "/a/**/b", "/a/x/y/b", true },
	{ "/a/**/b", "/a/b/b", true },
	{ "/a/**/b", "/a", false },
	{ "/a/**/b", "/a/b/c", false },
	{ "/a/**/b", "/x/a/b", false },
	{ "/a/**/b", "/a/xb", false },
	{ "/a/**/b/**", "/a/b", true },
	{ "/a/**/b/**", "/a/x/b/y/z", true },
	{ "/a/**/b/**", "/a/x/c/y/z", false },
	{ "/a/**/**/b", "/a/b", true },
	{ "/a/**/**/b", "/a/x/y/b", true },
	{ "/**/a/**", "/x/a", true },
	{ "/**/a/**", "/x/y", false },
	/* '**' that is not a whole component is plain '*'. */
	{ "/a/b**c", "/a/bxc", true },
	{ "/a/b**c", "/a/b/c", false },
	{ "/a/**c", "/a/xc", true },
	{ "/a/**c", "/a/x/c", false },
	{ "/a/***", "/a/x", true },
	{ "/a/***", "/a", false },
	{ "/a/***", "/a/x/y", false },
	/* Escapes. */
	{ "/a\\*", "/a*", true },
	{ "/a\\*", "/ab", false },
	{ "/a\\?", "/a?", true },
	{ "/a\\?", "/ab", false },
	{ "/a\\\\b", "/a\\b", true },
	{ "/a\\\\b", "/ab", false },
	{ "/a\\b", "/ab", true },
	{ "/\\*\\*", "/**", true },
	{ "/\\*\\*", "/a", false },
	{ "/\\*\\*", "/", false },
	{ "/\\**", "/*x", true },
	{ "/\\**", "/x", false },
	{ "/a\\", "/a", false },
	{ "/a\\", "/a\\", false },
	{ "/\\", "/", false },
	{ "/a\\/b", "/a/b", false },
	/* Empty pattern, empty path, relative pattern or path. */
	{ "", "/", false },
	{ "", "", false },
	{ "/", "", false },
	{ "a", "a", false },
	{ "*", "a", false },
	{ "**", "/a", false },
	{ "/*", "a", false },
	/* Empty components, trailing slash: matched as written, never against a resolved path. */
	{ "/a//b", "/a//b", true },
	{ "/a//b", "/a/b", false },
	{ "/a//b", "/a/x/b", false },
	{ "/a/", "/a", false },
	{ "/a/", "/a/", true },
	{ "/a/", "/a/b", false },
	{ "/a/**/", "/a/b", false },
	{ "//", "/", false },
	/* Byte-exact: no case folding, high bytes are just bytes. */
	{ "/caf\xc3\xa9", "/caf\xc3\xa9", true },
	{ "/caf?", "/caf\xc3\xa9", false },
	{ "/caf??", "/caf\xc3\xa9", true },
	{ "/A*", "/abc", false },
};

static const struct glob_case component_cases[] = {
	{ "", "", true },
	{ "", "a", false },
	{ "*", "", true },
	{ "?", "", false },
	{ "abc", "abc", true },
	{ "abc", "abd", false },
	{ "a*", "abc", true },
	{ "*c", "abc", true },
	{ "*b*", "abc", true },
	{ "*d*", "abc", false },
	{ "a?c", "abc", true },
	{ "a?c", "ac", false },
	{ "**", "abc", true },
	{ "*", "a/b", false },
	{ "a/b", "a/b", false },
	{ "\\*", "*", true },
	{ "\\*", "x", false },
	{ "\\", "\\", false },
	{ "a\\", "a", false },
	{ "*.c", ".c", true },
	{ "*a*a*b", "aaab", true },
	{ "*a*a*b", "aab", true },
	{ "*a*a*b", "ab", false },
};

static void glob_case_desc(const struct glob_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s %s %s",
		 *c->pat ? c->pat : "(empty)", c->match ? "~" : "!~",
		 *c->subject ? c->subject : "(empty)");
}

KUNIT_ARRAY_PARAM(path_cases, path_cases, glob_case_desc);
KUNIT_ARRAY_PARAM(component_cases, component_cases, glob_case_desc);

static void path_match_test(struct kunit *test)
{
	const struct glob_case *c = test->param_value;

	KUNIT_EXPECT_EQ_MSG(test, cgf_glob_match(c->pat, strlen(c->pat),
						 c->subject, strlen(c->subject)),
			    c->match, "pattern \"%s\" path \"%s\"", c->pat, c->subject);
}

static void component_match_test(struct kunit *test)
{
	const struct glob_case *c = test->param_value;

	KUNIT_EXPECT_EQ_MSG(test, cgf_glob_match_component(c->pat, strlen(c->pat),
							   c->subject, strlen(c->subject)),
			    c->match, "pattern \"%s\" name \"%s\"", c->pat, c->subject);
}

/* Copies @s into a heap buffer of exactly its length, followed by @junk bytes. */
static char *unterminated(struct kunit *test, const char *s, const char *junk)
{
	size_t len = strlen(s), jlen = strlen(junk);
	char *buf = kunit_kmalloc(test, len + jlen, GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	memcpy(buf, s, len);
	memcpy(buf + len, junk, jlen);
	return buf;
}

/* The lengths, not NUL bytes, end pattern and path: the hook passes slices of buffers. */
static void explicit_lengths_test(struct kunit *test)
{
	const char *pat = unterminated(test, "/a/b", "/c");
	const char *path = unterminated(test, "/a/b", "/c");
	const char *star = unterminated(test, "/a/*", "x");
	const char *name = unterminated(test, "abc", "/");

	KUNIT_EXPECT_TRUE(test, cgf_glob_match(pat, 4, path, 4));
	KUNIT_EXPECT_FALSE(test, cgf_glob_match(pat, 4, path, 6));
	KUNIT_EXPECT_FALSE(test, cgf_glob_match(pat, 6, path, 4));
	KUNIT_EXPECT_TRUE(test, cgf_glob_match(pat, 6, path, 6));
	KUNIT_EXPECT_TRUE(test, cgf_glob_match(pat, 2, path, 2));
	KUNIT_EXPECT_TRUE(test, cgf_glob_match(pat, 1, path, 1));
	KUNIT_EXPECT_FALSE(test, cgf_glob_match(pat, 0, path, 4));
	KUNIT_EXPECT_FALSE(test, cgf_glob_match(pat, 4, path, 0));
	KUNIT_EXPECT_FALSE(test, cgf_glob_match(star, 5, path, 4));
	KUNIT_EXPECT_TRUE(test, cgf_glob_match(star, 4, path, 4));
	KUNIT_EXPECT_TRUE(test, cgf_glob_match_component(name, 3, name, 3));
	KUNIT_EXPECT_FALSE(test, cgf_glob_match_component(name, 3, name, 4));
	KUNIT_EXPECT_TRUE(test, cgf_glob_match_component(star + 3, 1, name, 3));
	KUNIT_EXPECT_FALSE(test, cgf_glob_match_component(star + 3, 1, name, 4));
	KUNIT_EXPECT_TRUE(test, cgf_glob_match_component(name, 0, name, 0));
}

/* Fills @buf[0..len) with components of @width copies of @c; the last may come out shorter. */
static void fill_components(char *buf, size_t len, size_t width, char c)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = i % (width + 1) ? c : '/';
}

static char *heap_buf(struct kunit *test, size_t len)
{
	char *buf = kunit_kzalloc(test, len, GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	return buf;
}

/* PATH_MAX-sized subjects, built on the heap: the kernel stack is too small to hold them. */
static void path_max_test(struct kunit *test)
{
	char *path = heap_buf(test, PATH_MAX);
	char *pat = heap_buf(test, PATH_MAX);

	/* Many short components: "/a/a/.../a". */
	fill_components(path, PATH_MAX, 1, 'a');
	KUNIT_EXPECT_TRUE(test, cgf_glob_match("/**", 3, path, PATH_MAX));
	KUNIT_EXPECT_TRUE(test, cgf_glob_match("/a/**", 5, path, PATH_MAX));
	KUNIT_EXPECT_TRUE(test, cgf_glob_match("/**/a", 5, path, PATH_MAX));
	KUNIT_EXPECT_FALSE(test, cgf_glob_match("/**/b", 5, path, PATH_MAX));
	KUNIT_EXPECT_FALSE(test, cgf_glob_match("/*", 2, path, PATH_MAX));
	memcpy(pat, path, PATH_MAX);
	KUNIT_EXPECT_TRUE(test, cgf_glob_match(pat, PATH_MAX, path, PATH_MAX));
	KUNIT_EXPECT_FALSE(test, cgf_glob_match(pat, PATH_MAX, path, PATH_MAX - 2));
	KUNIT_EXPECT_FALSE(test, cgf_glob_match(pat, PATH_MAX - 2, path, PATH_MAX));
	pat[PATH_MAX - 1] = '?';
	KUNIT_EXPECT_TRUE(test, cgf_glob_match(pat, PATH_MAX, path, PATH_MAX));
	pat[PATH_MAX - 1] = 'b';
	KUNIT_EXPECT_FALSE(test, cgf_glob_match(pat, PATH_MAX, path, PATH_MAX));

	/* One component as long as the whole path. */
	fill_components(path, PATH_MAX, PATH_MAX, 'x');
	KUNIT_EXPECT_TRUE(test, cgf_glob_match("/*", 2, path, PATH_MAX));
	KUNIT_EXPECT_TRUE(test, cgf_glob_match("/x*x", 4, path, PATH_MAX));
	KUNIT_EXPECT_FALSE(test, cgf_glob_match("/*y", 3, path, PATH_MAX));
	KUNIT_EXPECT_TRUE(test, cgf_glob_match("/*/**", 5, path, PATH_MAX));
	KUNIT_EXPECT_FALSE(test, cgf_glob_match("/*/*", 4, path, PATH_MAX));
	KUNIT_EXPECT_TRUE(test, cgf_glob_match_component(path + 1, PATH_MAX - 1,
							 path + 1, PATH_MAX - 1));
	KUNIT_EXPECT_FALSE(test, cgf_glob_match_component(path + 1, PATH_MAX - 1,
							  path + 1, PATH_MAX - 2));
}

/*
 * Inputs on which a matcher that retries every star position recursively takes exponential
 * time (and deep recursion): these finish at once only if the matcher is the iterative
 * last-star one. A regression shows up as a KUnit timeout rather than a wrong answer.
 */
static void adversarial_path_test(struct kunit *test)
{
	static const char pat[] = "/**/a/**/a/**/a/**/a/**/a/**/b";
	static const char many[] = "/**/a/**/a/**/a/**/a/**/a/**/a/**/a/**/a/**/a/**/a/**/a/**/a";
	static const char wide[] = "/**/*a*a*a*a*a*b/**/x";
	size_t plen = sizeof(pat) - 1;
	char *path = heap_buf(test, PATH_MAX);

	/* "/a/a/.../a": every 'a' component is a candidate for every "/a" of the pattern. */
	fill_components(path, PATH_MAX, 1, 'a');
	KUNIT_EXPECT_FALSE(test, cgf_glob_match(pat, plen, path, PATH_MAX));
	path[PATH_MAX - 1] = 'b';
	KUNIT_EXPECT_TRUE(test, cgf_glob_match(pat, plen, path, PATH_MAX));
	KUNIT_EXPECT_FALSE(test, cgf_glob_match(many, sizeof(many) - 1, path, PATH_MAX));
	path[PATH_MAX - 1] = 'a';
	KUNIT_EXPECT_TRUE(test, cgf_glob_match(many, sizeof(many) - 1, path, PATH_MAX));

	/* 64 components of 63 'a': expensive components under a '**'. */
	fill_components(path, PATH_MAX, 63, 'a');
	KUNIT_EXPECT_FALSE(test, cgf_glob_match(wide, sizeof(wide) - 1, path, PATH_MAX));
	path[PATH_MAX - 1] = 'x';
	path[PATH_MAX - 2] = '/';
	path[PATH_MAX - 3] = 'b';
	KUNIT_EXPECT_TRUE(test, cgf_glob_match(wide, sizeof(wide) - 1, path, PATH_MAX));
}

static void adversarial_component_test(struct kunit *test)
{
	static const char stars[] = "*a*a*a*a*a*b";
	const size_t len = PATH_MAX;
	char *name = heap_buf(test, len);
	char *pat = heap_buf(test, 130);

	memset(name, 'a', len);
	KUNIT_EXPECT_FALSE(test, cgf_glob_match_component(stars, sizeof(stars) - 1, name, len));
	name[len - 1] = 'b';
	KUNIT_EXPECT_TRUE(test, cgf_glob_match_component(stars, sizeof(stars) - 1, name, len));

	/* A long run after the star: the quadratic worst case of the last-star algorithm. */
	pat[0] = '*';
	memset(pat + 1, 'a', 128);
	pat[129] = 'b';
	name[len - 1] = 'a';
	KUNIT_EXPECT_FALSE(test, cgf_glob_match_component(pat, 130, name, len));
	name[len - 1] = 'b';
	KUNIT_EXPECT_TRUE(test, cgf_glob_match_component(pat, 130, name, len));
}

/*
 * A second, independent reading of the semantics, written for obviousness: recursion straight
 * from the definitions, exponential in the worst case. Only ever run on tiny inputs.
 */
static bool ref_component(const char *p, size_t pl, const char *n, size_t nl)
{
	if (!pl)
		return !nl;
	switch (p[0]) {
	case '*':
		return ref_component(p + 1, pl - 1, n, nl) ||
		       (nl && n[0] != '/' && ref_component(p, pl, n + 1, nl - 1));
	case '?':
		return nl && n[0] != '/' && ref_component(p + 1, pl - 1, n + 1, nl - 1);
	case '\\':
		return pl >= 2 && nl && n[0] == p[1] &&
		       ref_component(p + 2, pl - 2, n + 1, nl - 1);
	default:
		return nl && n[0] == p[0] && ref_component(p + 1, pl - 1, n + 1, nl - 1);
	}
}

#define REF_MAX_COMPONENTS 8

struct ref_comp {
	const char *s;
	size_t len;
};

static int ref_split(const char *s, size_t len, bool escapes, struct ref_comp *out)
{
	size_t start = 1, i = 1;
	int k = 0;

	if (len == 1)
		return 0;
	for (;;) {
		if (i >= len || s[i] == '/') {
			out[k].s = s + start;
			out[k].len = min(i, len) - start;
			k++;
			if (i >= len)
				return k;
			start = ++i;
		} else {
			i += escapes && s[i] == '\\' ? 2 : 1;
		}
	}
}

static bool ref_components(const struct ref_comp *p, int np, const struct ref_comp *s, int ns)
{
	if (!np)
		return !ns;
	if (p->len == 2 && p->s[0] == '*' && p->s[1] == '*')
		return ref_components(p + 1, np - 1, s, ns) ||
		       (ns && ref_components(p, np, s + 1, ns - 1));
	return ns && ref_component(p->s, p->len, s->s, s->len) &&
	       ref_components(p + 1, np - 1, s + 1, ns - 1);
}

static bool ref_match(const char *pat, size_t pl, const char *path, size_t sl)
{
	struct ref_comp pc[REF_MAX_COMPONENTS], sc[REF_MAX_COMPONENTS];
	int np, ns;

	if (!pl || pat[0] != '/' || !sl || path[0] != '/')
		return false;
	np = ref_split(pat, pl, true, pc);
	ns = ref_split(path, sl, false, sc);
	return ref_components(pc, np, sc, ns);
}

/* Writes the @idx-th string of length @len over @alphabet into @buf. */
static void nth_string(char *buf, size_t len, unsigned int idx, const char *alphabet)
{
	size_t n = strlen(alphabet), i;

	for (i = 0; i < len; i++) {
		buf[i] = alphabet[idx % n];
		idx /= n;
	}
}

#define EXHAUSTIVE_LEN 6
/* Pattern bytes: a literal, both wildcards, the separator and the escape. */
static const char exhaustive_pat_bytes[] = { 'a', '*', '?', '/', '\\', 0 };
/* Path bytes: a literal, a star that only an escape may match, the separator. */
static const char exhaustive_path_bytes[] = { 'a', '*', '/', 0 };

/* Checks one pattern against every path; returns the number of disagreements. */
static unsigned int exhaustive_one(struct kunit *test, const char *pat, size_t pl)
{
	unsigned int si, nsub = 1, failures = 0;
	char sub[EXHAUSTIVE_LEN];
	bool want, got;
	size_t sl;

	for (sl = 0; sl <= EXHAUSTIVE_LEN; sl++, nsub *= strlen(exhaustive_path_bytes)) {
		for (si = 0; si < nsub; si++) {
			nth_string(sub, sl, si, exhaustive_path_bytes);
			want = ref_match(pat, pl, sub, sl);
			got = cgf_glob_match(pat, pl, sub, sl);
			if (got != want && failures++ < 5)
				KUNIT_FAIL(test, "path match \"%.*s\" \"%.*s\" = %d",
					   (int)pl, pat, (int)sl, sub, got);
			want = !memchr(sub, '/', sl) && ref_component(pat, pl, sub, sl);
			got = cgf_glob_match_component(pat, pl, sub, sl);
			if (got != want && failures++ < 5)
				KUNIT_FAIL(test, "component match \"%.*s\" \"%.*s\" = %d",
					   (int)pl, pat, (int)sl, sub, got);
		}
	}
	return failures;
}

/*
 * Every pattern of up to six bytes from exhaustive_pat_bytes against every path of up to six
 * bytes from exhaustive_path_bytes (about 21 million pairs), through both entry points: the
 * edge cases nobody thought to write down (empty components, escapes at component ends, stars
 * beside separators) are all in there, judged by the reference reading above.
 */
static void exhaustive_reference_test(struct kunit *test)
{
	unsigned int pi, npat = 1, failures = 0;
	char pat[EXHAUSTIVE_LEN];
	size_t pl;

	for (pl = 0; pl <= EXHAUSTIVE_LEN; pl++, npat *= strlen(exhaustive_pat_bytes)) {
		for (pi = 0; pi < npat && failures < 20; pi++) {
			nth_string(pat, pl, pi, exhaustive_pat_bytes);
			failures += exhaustive_one(test, pat, pl);
			cond_resched();
		}
	}
	KUNIT_EXPECT_EQ(test, failures, 0U);
}

static struct kunit_case cgfence_path_glob_cases[] = {
	KUNIT_CASE_PARAM(path_match_test, path_cases_gen_params),
	KUNIT_CASE_PARAM(component_match_test, component_cases_gen_params),
	KUNIT_CASE(explicit_lengths_test),
	KUNIT_CASE(path_max_test),
	KUNIT_CASE(adversarial_path_test),
	KUNIT_CASE(adversarial_component_test),
	KUNIT_CASE(exhaustive_reference_test),
	{}
};

static struct kunit_suite cgfence_path_glob_suite = {
	.name = "cgfence_path_glob",
	.test_cases = cgfence_path_glob_cases,
};

kunit_test_suite(cgfence_path_glob_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for the cgfence path glob matcher");
