// SPDX-License-Identifier: GPL-2.0
/*
 * Differential fuzzer of the file engine: random rules compiled into the trie
 * (module/engine_file*.c, built as in the bench shim) must give, for random paths, the
 * verdict of the reference matcher, every rule one by one through cgf_glob_match().
 *
 * Input, consumed byte by byte (running out just ends the rules or the paths):
 *   byte 0: bit 0 the profile's file default (allow/deny), bit 1 raw patterns
 *   rules, until a 0xff byte or MAX_RULES: an effect/shape byte, an id byte, two
 *     permission bytes, then the pattern: a kind name, a count and that many tokens,
 *     or (raw) a length and that many bytes
 *   paths, until the input ends: a requested-permission byte, a count and that many
 *     path tokens
 * Tokens come from small alphabets so that patterns and paths meet often; raw patterns
 * reach the validator with anything. A rule the validator refuses is left out: the
 * rest must then build.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uapi/cgfence.h>

#include "engine.h"
#include "engine_internal.h"
#include "path_glob.h"

#define MAX_RULES 24
#define MAX_COMPONENTS 6
#define MAX_PATHS 16
/*
 * The trie fails closed when more than 32 nodes are active at once; with at most this
 * many pattern components in all, the trie has too few nodes for that, and the verdict
 * must be exact. Above it, a fail-closed verdict is also accepted.
 */
#define EXACT_COMPONENTS 28

struct input {
	const unsigned char *data;
	size_t size, pos;
};

static bool take(struct input *in, unsigned char *c)
{
	if (in->pos >= in->size)
		return false;
	*c = in->data[in->pos++];
	return true;
}

static const char *const pattern_tokens[] = {
	"a", "b", "ab", "ba", "*", "**", "?", "a*", "*a", "?b", "a?", "\\*", "a\\?", "*b*",
	"**", "**", "", ".", "..", "***", "a**", "\\", "\\.", "x",
};

static const char *const path_tokens[] = {
	"a", "b", "ab", "ba", "aa", "bb", "aba", "*", "?", "a*", "x", "ab*", "\\", "b?",
};

static const char *const kind_names[] = {
	CGFENCE_OBJECT_UNREACHABLE, CGFENCE_OBJECT_PIPE, CGFENCE_OBJECT_SOCKET,
	CGFENCE_OBJECT_ANON_INODE, CGFENCE_OBJECT_MEMFD, CGFENCE_OBJECT_NSFS,
	CGFENCE_OBJECT_MQUEUE, CGFENCE_OBJECT_ABSTRACT, "pipe", "sock:",
};

/* What each kind is granted where no rule names it (module/engine_file.c). */
static bool same_name(const char *name, size_t len, const char *kind)
{
	return len == strlen(kind) && !memcmp(name, kind, len);
}

static u32 kind_default(const char *name, size_t len)
{
	if (same_name(name, len, CGFENCE_OBJECT_UNREACHABLE) ||
	    same_name(name, len, CGFENCE_OBJECT_ABSTRACT))
		return 0;
	return CGFENCE_FILE_ALL & ~CGFENCE_FILE_EXEC;
}

static bool is_kind(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < 8; i++)
		if (same_name(name, len, kind_names[i]))
			return true;
	return false;
}

static size_t append(char *buf, size_t len, size_t cap, const char *s, size_t n)
{
	if (len + n > cap)
		n = cap - len;
	memcpy(buf + len, s, n);
	return len + n;
}

/* The reference: every rule, one by one, with the glob matcher that defines patterns. */
static void reference_check(const struct cgf_rule *rules, u32 nr, u8 file_default,
			    const char *path, size_t len, u32 requested, struct cgf_verdict *v)
{
	u32 i, allow = 0, deny = 0, id = 0, refused;
	bool kind = len && path[0] != '/';

	for (i = 0; i < nr; i++) {
		const struct cgf_rule *r = &rules[i];
		bool match;

		if (kind)
			match = r->file.path_len == len && !memcmp(r->file.path, path, len);
		else
			match = cgf_glob_match(r->file.path, r->file.path_len, path, len);
		if (!match)
			continue;
		if (r->effect == CGFENCE_EFFECT_ALLOW) {
			allow |= r->file.perms;
			continue;
		}
		deny |= r->file.perms;
		if (r->file.perms & requested && (!id || r->id < id))
			id = r->id;
	}
	if (kind && is_kind(path, len)) {
		refused = ~((allow | kind_default(path, len)) & ~deny);
	} else if (kind || !len) {
		refused = ~0U;
		deny = 0;
	} else {
		refused = deny | ~CGFENCE_FILE_ALL;
		if (file_default == CGFENCE_EFFECT_DENY)
			refused |= ~allow;
	}
	refused |= ~CGFENCE_FILE_ALL;
	v->denied = requested & refused;
	v->rule_id = requested & deny ? id : 0;
}

struct rule_set {
	struct cgf_rule rules[MAX_RULES];
	char patterns[MAX_RULES][256];
	u32 nr, components;
	u8 file_default;
};

/* One rule from the input into @set, if the validator takes it. False at the end. */
static bool take_rule(struct input *in, struct rule_set *set, bool raw)
{
	unsigned char shape, id, p0, p1, count, c;
	struct cgf_rule *r = &set->rules[set->nr];
	char *pat = set->patterns[set->nr];
	struct cgf_build_error err;
	size_t len = 0, i;
	u32 components = 0;

	if (!take(in, &shape) || shape == 0xff || !take(in, &id) || !take(in, &p0) ||
	    !take(in, &p1) || !take(in, &count))
		return false;
	if (raw) {
		for (i = 0; i < count && take(in, &c); i++)
			pat[len++] = c;
		components = count;
	} else if ((shape >> 1) % 8 == 7) {
		const char *name = kind_names[count % ARRAY_SIZE(kind_names)];

		len = append(pat, 0, sizeof(set->patterns[0]), name, strlen(name));
	} else {
		count %= MAX_COMPONENTS + 1;
		if (!count)
			pat[len++] = '/';
		for (i = 0; i < count && take(in, &c); i++) {
			const char *tok = pattern_tokens[c % ARRAY_SIZE(pattern_tokens)];

			len = append(pat, len, sizeof(set->patterns[0]), "/", 1);
			len = append(pat, len, sizeof(set->patterns[0]), tok, strlen(tok));
			components++;
		}
	}
	memset(r, 0, sizeof(*r));
	/* Unique ids in no particular order, so "smallest id" is not "first rule". */
	r->id = (id % 64) * 32 + set->nr + 1;
	r->kind = CGFENCE_RULE_FILE;
	r->effect = shape & 1 ? CGFENCE_EFFECT_DENY : CGFENCE_EFFECT_ALLOW;
	r->file.perms = (p0 | p1 << 8) & (CGFENCE_FILE_ALL | 0x8000);
	r->file.path = pat;
	r->file.path_len = len;
	if (cgf_rule_validate(r, &err))
		return true;
	if (r->file.perms & ~CGFENCE_FILE_ALL) {
		fprintf(stderr, "validator took unknown permission bits %#x\n", r->file.perms);
		abort();
	}
	set->components += components;
	set->nr++;
	return true;
}

static size_t take_path(struct input *in, char *path, size_t cap, u32 *requested)
{
	unsigned char req, count, c;
	size_t len = 0, i;

	if (!take(in, &req) || !take(in, &count))
		return 0;
	*requested = req & 0x80 ? (req & 0x7f) << 9 | req : req & CGFENCE_FILE_ALL;
	*requested |= req & 1 ? CGFENCE_FILE_TRUNCATE : 0;
	if (count >= 0xf0)	/* an object kind, or a name that is not one */
		return append(path, 0, cap, kind_names[count % ARRAY_SIZE(kind_names)],
			      strlen(kind_names[count % ARRAY_SIZE(kind_names)]));
	count %= MAX_COMPONENTS + 1;
	if (!count)
		path[len++] = '/';
	for (i = 0; i < count && take(in, &c); i++) {
		const char *tok = path_tokens[c % ARRAY_SIZE(path_tokens)];

		len = append(path, len, cap, "/", 1);
		len = append(path, len, cap, tok, strlen(tok));
	}
	return len;
}

static void report(const struct rule_set *set, const char *what, const char *path, size_t len,
		   u32 requested, const struct cgf_verdict *got, const struct cgf_verdict *want)
{
	u32 i;

	fprintf(stderr, "%s: default %s, %u rules:\n", what,
		set->file_default == CGFENCE_EFFECT_DENY ? "deny" : "allow", set->nr);
	for (i = 0; i < set->nr; i++)
		fprintf(stderr, "  id %u %s %#x '%.*s'\n", set->rules[i].id,
			set->rules[i].effect == CGFENCE_EFFECT_DENY ? "deny" : "allow",
			set->rules[i].file.perms, (int)set->rules[i].file.path_len,
			set->rules[i].file.path);
	fprintf(stderr, "path '%.*s' requested %#x: engine %#x id %u, reference %#x id %u\n",
		(int)len, path, requested, got->denied, got->rule_id, want->denied,
		want->rule_id);
	abort();
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static struct rule_set set;
	struct input in = { data, size, 0 };
	struct cgf_profile_spec spec = { .mode = CGFENCE_MODE_ENFORCE };
	char paths[MAX_PATHS][128];
	size_t lens[MAX_PATHS];
	struct cgf_build_error err = { 0 };
	struct cgf_profile *profile;
	struct cgf_verdict got, want;
	unsigned char flags;
	u32 requested, i, j, nr_paths = 0;
	bool raw;

	if (!take(&in, &flags))
		return 0;
	raw = flags & 2;
	set.nr = 0;
	set.components = 0;
	set.file_default = flags & 1 ? CGFENCE_EFFECT_DENY : CGFENCE_EFFECT_ALLOW;
	spec.file_default = set.file_default;
	while (set.nr < MAX_RULES && take_rule(&in, &set, raw))
		;
	profile = cgf_profile_build(&spec, set.rules, set.nr, GFP_KERNEL, &err);
	if (IS_ERR_OR_NULL(profile)) {
		fprintf(stderr, "%u validated rules did not build: rule %d: %s\n", set.nr,
			err.rule_index, err.msg ? err.msg : "?");
		abort();
	}

	while (nr_paths < MAX_PATHS) {
		size_t len = take_path(&in, paths[nr_paths], sizeof(paths[0]), &requested);

		if (!len)
			break;
		lens[nr_paths++] = len;
		cgf_file_check(profile, paths[nr_paths - 1], len, requested, &got);
		reference_check(set.rules, set.nr, set.file_default, paths[nr_paths - 1], len,
				requested, &want);
		if (got.denied == want.denied && got.rule_id == want.rule_id)
			continue;
		/*
		 * The documented limits: everything requested refused, no rule named, when
		 * the active set may overflow or the lookup spent its whole budget.
		 */
		if ((set.components > EXACT_COMPONENTS ||
		     cgf_file_match_cost(profile, paths[nr_paths - 1], len) >=
		     CGF_FILE_MATCH_BUDGET) && got.denied == requested && !got.rule_id)
			continue;
		report(&set, "verdicts differ", paths[nr_paths - 1], len, requested, &got, &want);
	}

	/*
	 * A rename from one directory to another is allowed only when cgf_file_same_below()
	 * says both subtrees are judged alike: then every name below must be.
	 */
	for (i = 0; i < nr_paths; i++) {
		for (j = 0; j < nr_paths; j++) {
			struct cgf_verdict got_b;
			char a[256], b[256];
			size_t la, lb, k;

			if (i == j || paths[i][0] != '/' || paths[j][0] != '/' ||
			    !cgf_file_same_below(profile, paths[i], lens[i], paths[j], lens[j]))
				continue;
			for (k = 0; k < nr_paths; k++) {
				if (paths[k][0] != '/' || lens[k] < 2)
					continue;
				la = append(a, 0, sizeof(a), paths[i], lens[i] > 1 ? lens[i] : 0);
				la = append(a, la, sizeof(a), paths[k], lens[k]);
				lb = append(b, 0, sizeof(b), paths[j], lens[j] > 1 ? lens[j] : 0);
				lb = append(b, lb, sizeof(b), paths[k], lens[k]);
				cgf_file_check(profile, a, la, CGFENCE_FILE_ALL, &got);
				cgf_file_check(profile, b, lb, CGFENCE_FILE_ALL, &got_b);
				if (got.denied != got_b.denied || got.rule_id != got_b.rule_id) {
					fprintf(stderr, "same_below('%.*s', '%.*s') but:\n",
						(int)lens[i], paths[i], (int)lens[j], paths[j]);
					report(&set, "subtrees differ", b, lb, CGFENCE_FILE_ALL,
					       &got_b, &got);
				}
			}
		}
	}
	cgf_profile_free(profile);
	return 0;
}
