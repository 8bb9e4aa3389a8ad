// SPDX-License-Identifier: GPL-2.0
/* cgfence engine file rules: validation, object kinds, and the trie matcher (see the DOC). */

#include <linux/err.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>

#include "engine_internal.h"
#include "path_glob.h"

/**
 * DOC: file trie
 *
 * All file patterns of a profile are compiled into one trie whose edges are path
 * components, so that matching costs what the path and the patterns it touches cost,
 * not what the number of rules costs. A node has three kinds of children:
 *
 * - literal components, unescaped at build time and sorted, found by binary search;
 *   at a node with CGF_FILE_PERFECT_MIN to CGF_FILE_PERFECT_MAX of them (a directory
 *   holding many listed names), placed by a perfect hash built with the profile instead,
 *   so that a lookup hashes the name, reads one slot and compares one label, whatever
 *   their number (a node the build cannot place keeps them sorted);
 * - component globs (a component holding an unescaped ``*`` or ``?``), kept as written
 *   and tried one by one with cgf_glob_match_component();
 * - at most one ``**`` child, which is entered without consuming a component and then
 *   stays active while components are consumed (it matches zero or more of them).
 *
 * Matching simulates the resulting NFA over the components of the path with a bounded
 * active set on the stack (CGF_FILE_ACTIVE_MAX nodes, deduplicated). The nodes left
 * active at the end are the patterns the path matches: their allow and deny masks decide.
 *
 * Once only childless ``**`` nodes are active (a subtree decided whole, nothing more
 * specific below it), no component can change the set: the rest of the path is not read,
 * so a deep path inside such a subtree costs what its first components cost.
 *
 * Cost per component: a binary search among the literal children of each active node
 * (one slot at crowded nodes, the name hashed once per component),
 * and one cgf_glob_match_component() per glob child of an active node. Only globs that
 * share their whole prefix with each other are tried together ("/srv/x*" and "/srv/y*"),
 * never the rest of the profile.
 *
 * Limits: when a path keeps more than CGF_FILE_ACTIVE_MAX trie nodes active at once
 * (many overlapping globs and ``**`` patterns all matching the same path), the matcher
 * cannot know the answer without memory it may not allocate; and a lookup may take at
 * most CGF_FILE_MATCH_BUDGET steps (one per active node and component, one per pattern
 * and name position compared), because the container chooses its names and a glob
 * costs up to the product of its length and the name's. Past either limit the matcher
 * fails closed: every requested permission is denied, with rule id 0. The bench's
 * profiles spend at most 17 steps on any path they measure (docs/benchmarks.md); only
 * many globs that all apply to the same long names reach the budget.
 *
 * Paths are split exactly as cgf_glob_match() splits them (``/`` has no components, and
 * an empty component counts), so trie and reference agree even on paths a resolver
 * never produces. A path that does not start with ``/`` matches nothing: fail closed.
 */
#define CGF_FILE_ACTIVE_MAX 32

/* Messages spell the limit out. */
static_assert(CGFENCE_MAX_PATTERN - 1 == 4095);

static const char * const cgf_file_pattern_msgs[CGF_PATTERN_NR_ERRORS] = {
	[CGF_PATTERN_EMPTY] = "file rule: path pattern is empty",
	[CGF_PATTERN_TOO_LONG] = "file rule: path pattern is longer than 4095 bytes",
	[CGF_PATTERN_NOT_ABSOLUTE] = "file rule: path pattern must start with '/'",
	[CGF_PATTERN_NUL] = "file rule: path pattern contains a NUL byte",
	[CGF_PATTERN_EMPTY_COMPONENT] = "file rule: path pattern has an empty component ('//')",
	[CGF_PATTERN_TRAILING_SLASH] = "file rule: path pattern must not end with '/'",
	[CGF_PATTERN_DOT] = "file rule: path pattern has a '.' or '..' component",
	[CGF_PATTERN_GLOBSTAR] = "file rule: path pattern: '**' must be a whole component",
	[CGF_PATTERN_LONE_BACKSLASH] = "file rule: path pattern ends in a lone '\\'",
	[CGF_PATTERN_ESCAPED_SLASH] = "file rule: path pattern escapes a '/' (never matches)",
};

static int cgf_pattern_invalid(const char * const *msgs, enum cgf_pattern_error error,
			       const char **msg)
{
	*msg = msgs[error];
	return error == CGF_PATTERN_TOO_LONG ? -E2BIG : -EINVAL;
}

/**
 * cgf_pattern_validate() - check a path pattern against the policy language's rules
 * @pat: the pattern, not NUL terminated
 * @len: its length in bytes
 * @msgs: messages for each enum cgf_pattern_error, naming the kind of pattern
 * @msg: where to store the message on failure
 *
 * Rejects what cgf_glob_match() defines but could never match a resolved path (empty,
 * ``.`` and ``..`` components, a trailing slash, an escaped slash) and what a reader
 * would misread (``**`` inside a component, a dangling escape).
 *
 * Return: 0, -E2BIG when the pattern is too long, else -EINVAL.
 */
int cgf_pattern_validate(const char *pat, u32 len, const char * const *msgs,
			 const char **msg)
{
	u32 i, start, nr_chars;
	bool all_dots, prev_star, double_star;
	char c;

	if (!pat || !len)
		return cgf_pattern_invalid(msgs, CGF_PATTERN_EMPTY, msg);
	if (len > CGFENCE_MAX_PATTERN - 1)
		return cgf_pattern_invalid(msgs, CGF_PATTERN_TOO_LONG, msg);
	if (pat[0] != '/')
		return cgf_pattern_invalid(msgs, CGF_PATTERN_NOT_ABSOLUTE, msg);

	for (i = 1; len > 1; i++) {
		start = i;
		nr_chars = 0;
		all_dots = true;
		prev_star = false;
		double_star = false;
		for (; i < len && pat[i] != '/'; i++, nr_chars++) {
			c = pat[i];
			if (c == '\\') {
				if (i + 1 == len)
					return cgf_pattern_invalid(msgs, CGF_PATTERN_LONE_BACKSLASH,
								   msg);
				c = pat[++i];
				if (c == '/')
					return cgf_pattern_invalid(msgs, CGF_PATTERN_ESCAPED_SLASH,
								   msg);
				prev_star = false;
			} else {
				double_star |= prev_star && c == '*';
				prev_star = c == '*';
			}
			if (c == '\0')
				return cgf_pattern_invalid(msgs, CGF_PATTERN_NUL, msg);
			all_dots &= c == '.';
		}
		if (i == start)
			return cgf_pattern_invalid(msgs, i == len ? CGF_PATTERN_TRAILING_SLASH :
						   CGF_PATTERN_EMPTY_COMPONENT, msg);
		if (double_star && i - start != 2)
			return cgf_pattern_invalid(msgs, CGF_PATTERN_GLOBSTAR, msg);
		/* Also "\." and "\.\.": escaped or not, such a component never matches. */
		if (all_dots && nr_chars <= 2)
			return cgf_pattern_invalid(msgs, CGF_PATTERN_DOT, msg);
		if (i == len)
			break;
	}
	return 0;
}

/**
 * cgf_file_rule_validate() - check the kind-specific fields of a file rule
 * @rule: a rule of kind CGFENCE_RULE_FILE
 * @msg: where to store the message on failure
 *
 * Return: 0, or a negative errno with *@msg set.
 */
int cgf_file_rule_validate(const struct cgf_rule *rule, const char **msg)
{
	if (!rule->file.perms) {
		*msg = "file rule: no permission given";
		return -EINVAL;
	}
	if (rule->file.perms & ~CGFENCE_FILE_ALL) {
		*msg = "file rule: unknown permission bit";
		return -EINVAL;
	}
	if (cgf_file_kind_of(rule->file.path, rule->file.path_len) >= 0)
		return 0;
	return cgf_pattern_validate(rule->file.path, rule->file.path_len,
				    cgf_file_pattern_msgs, msg);
}

static const char *const cgf_file_kind_names[CGF_NR_KINDS] = {
	[CGF_KIND_UNREACHABLE] = CGFENCE_OBJECT_UNREACHABLE,
	[CGF_KIND_PIPE] = CGFENCE_OBJECT_PIPE,
	[CGF_KIND_SOCKET] = CGFENCE_OBJECT_SOCKET,
	[CGF_KIND_ANON_INODE] = CGFENCE_OBJECT_ANON_INODE,
	[CGF_KIND_MEMFD] = CGFENCE_OBJECT_MEMFD,
	[CGF_KIND_ABSTRACT] = CGFENCE_OBJECT_ABSTRACT,
	[CGF_KIND_NSFS] = CGFENCE_OBJECT_NSFS,
	[CGF_KIND_MQUEUE] = CGFENCE_OBJECT_MQUEUE,
};

/* What each kind is granted where no rule names it (see the uapi header). */
static const u16 cgf_file_kind_default[CGF_NR_KINDS] = {
	[CGF_KIND_UNREACHABLE] = 0,
	[CGF_KIND_PIPE] = CGFENCE_FILE_ALL & ~CGFENCE_FILE_EXEC,
	[CGF_KIND_SOCKET] = CGFENCE_FILE_ALL & ~CGFENCE_FILE_EXEC,
	[CGF_KIND_ANON_INODE] = CGFENCE_FILE_ALL & ~CGFENCE_FILE_EXEC,
	[CGF_KIND_MEMFD] = CGFENCE_FILE_ALL & ~CGFENCE_FILE_EXEC,
	[CGF_KIND_ABSTRACT] = 0,
	[CGF_KIND_NSFS] = CGFENCE_FILE_ALL & ~CGFENCE_FILE_EXEC,
	[CGF_KIND_MQUEUE] = CGFENCE_FILE_ALL & ~CGFENCE_FILE_EXEC,
};

/**
 * cgf_file_kind_of() - which object kind a name (or a rule's pattern) stands for
 * @name: an object name such as "pipe:", not NUL terminated
 * @len: length of @name
 *
 * Return: enum cgf_file_kind, or -1 when @name is no kind (a path).
 */
int cgf_file_kind_of(const char *name, size_t len)
{
	int kind;

	for (kind = 0; kind < CGF_NR_KINDS; kind++)
		if (len == strlen(cgf_file_kind_names[kind]) &&
		    !memcmp(name, cgf_file_kind_names[kind], len))
			return kind;
	return -1;
}

/* Rules naming an object kind go to a small table beside the trie. */
void cgf_file_kinds_fill(struct cgf_file_rules *file, const struct cgf_rule *rules,
			 u32 nr_rules)
{
	struct cgf_file_kind_rules *kr;
	unsigned long perms;
	unsigned int bit;
	int kind;
	u32 i;

	memset(file->kinds, 0, sizeof(file->kinds));
	for (i = 0; i < nr_rules; i++) {
		if (rules[i].kind != CGFENCE_RULE_FILE)
			continue;
		kind = cgf_file_kind_of(rules[i].file.path, rules[i].file.path_len);
		if (kind < 0)
			continue;
		kr = &file->kinds[kind];
		if (rules[i].effect == CGFENCE_EFFECT_ALLOW) {
			kr->allow |= rules[i].file.perms;
			continue;
		}
		kr->deny |= rules[i].file.perms;
		perms = rules[i].file.perms;
		for_each_set_bit(bit, &perms, CGF_FILE_NR_PERMS)
			if (!kr->deny_id[bit] || rules[i].id < kr->deny_id[bit])
				kr->deny_id[bit] = rules[i].id;
	}
}

/* Per permission, as for paths, except that the kind's default replaces the profile's. */
static void cgf_file_kind_check(const struct cgf_file_rules *file, int kind, u32 requested,
				struct cgf_verdict *verdict)
{
	const struct cgf_file_kind_rules *kr = &file->kinds[kind];
	unsigned long refused_by_rule;
	u32 granted;
	unsigned int bit;

	granted = (kr->allow | (cgf_file_kind_default[kind] & ~kr->allow)) & ~kr->deny;
	verdict->denied = requested & ~granted;
	refused_by_rule = requested & kr->deny;
	for_each_set_bit(bit, &refused_by_rule, CGF_FILE_NR_PERMS)
		if (!verdict->rule_id || kr->deny_id[bit] < verdict->rule_id)
			verdict->rule_id = kr->deny_id[bit];
}

struct cgf_file_active {
	u32 nr;
	u32 node[CGF_FILE_ACTIVE_MAX];
};

/*
 * Adds @node and the "**" nodes it reaches without consuming a component. A node already
 * present brought its "**" chain along when it was added. False when the set is full.
 */
static bool cgf_file_active_add(const struct cgf_file_rules *file,
				struct cgf_file_active *set, u32 node)
{
	u32 i;

	do {
		for (i = 0; i < set->nr; i++)
			if (set->node[i] == node)
				return true;
		if (set->nr == CGF_FILE_ACTIVE_MAX)
			return false;
		set->node[set->nr++] = node;
		node = file->nodes[node].globstar;
	} while (node);
	return true;
}

static int cgf_file_label_cmp(const struct cgf_file_rules *file,
			      const struct cgf_file_edge *edge, const char *name, size_t len)
{
	int diff = memcmp(file->labels + edge->label, name, min_t(size_t, edge->label_len, len));

	if (diff)
		return diff;
	if (edge->label_len == len)
		return 0;
	return edge->label_len < len ? -1 : 1;
}

/* The literal child of @node named @name, 0 when none: bisection on the labels. */
static u32 cgf_file_literal_child(const struct cgf_file_rules *file,
				  const struct cgf_file_node *node, const char *name, size_t len)
{
	const struct cgf_file_edge *edges = file->edges + node->edge_first;
	u32 lo = 0, hi = node->nr_literal, mid;
	int diff;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		diff = cgf_file_label_cmp(file, &edges[mid], name, len);
		if (!diff)
			return edges[mid].child;
		if (diff < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/*
 * The literal child of @node named @name at a perfect node: one slot, one label compared.
 * @hash: cgf_file_label_hash() of @name. Not inlined: inside cgf_file_step() its mixing
 * costs every step registers, perfect node or not (30 instructions a lookup, callgrind).
 */
static noinline u32 cgf_file_perfect_child(const struct cgf_file_rules *file,
					   const struct cgf_file_node *node, const char *name,
					   size_t len, u64 hash)
{
	const struct cgf_file_edge *edges = file->edges + node->edge_first;
	u32 n = node->nr_literal;
	const struct cgf_file_edge *edge;

	edge = &edges[cgf_file_perfect_slot(hash, edges[cgf_file_perfect_bucket(hash, n)].pilot,
					    n)];
	if (edge->label_len == len && !memcmp(file->labels + edge->label, name, len))
		return edge->child;
	return 0;
}

/*
 * Consumes one component. False when @next overflows or *@budget runs out. *@settled:
 * every node of @cur was final, so @next is @cur again whatever the next components are.
 */
static bool cgf_file_step(const struct cgf_file_rules *file, const struct cgf_file_active *cur,
			  struct cgf_file_active *next, const char *name, size_t len,
			  u32 *budget, bool *settled)
{
	const struct cgf_file_node *node;
	const struct cgf_file_edge *edge;
	bool hashed = false, all_final = true;
	u32 i, j, child;
	u64 hash = 0;

	next->nr = 0;
	for (i = 0; i < cur->nr; i++) {
		if (!*budget)
			return false;
		--*budget;
		node = &file->nodes[cur->node[i]];
		all_final &= node->is_final;
		if (node->is_globstar && !cgf_file_active_add(file, next, cur->node[i]))
			return false;
		if (!node->is_perfect) {
			child = cgf_file_literal_child(file, node, name, len);
		} else {
			if (!hashed) {
				hash = cgf_file_label_hash(name, len);
				hashed = true;
			}
			child = cgf_file_perfect_child(file, node, name, len, hash);
		}
		if (child && !cgf_file_active_add(file, next, child))
			return false;
		edge = file->edges + node->edge_first + node->nr_literal;
		for (j = 0; j < node->nr_glob; j++, edge++) {
			if (cgf_glob_match_component_bounded(file->labels + edge->label,
							     edge->label_len, name, len, budget)) {
				if (!cgf_file_active_add(file, next, edge->child))
					return false;
			} else if (!*budget) {
				return false;
			}
		}
	}
	*settled = all_final;
	return true;
}

/*
 * The active set after the components of @path (absolute), in @sets[0] or @sets[1],
 * spending from *@budget.
 * Return: that set, or NULL when it overflowed or the budget ran out (the caller fails
 * closed).
 */
static const struct cgf_file_active *cgf_file_walk(const struct cgf_file_rules *file,
						   const char *path, size_t path_len,
						   struct cgf_file_active sets[2], u32 *budget)
{
	struct cgf_file_active *cur = &sets[0], *next = &sets[1];
	const char *slash;
	size_t start, end;
	bool settled;

	cur->nr = 0;
	if (!cgf_file_active_add(file, cur, 0))
		return NULL;
	for (start = path_len == 1 ? 2 : 1; start <= path_len && cur->nr; start = end + 1) {
		slash = memchr(path + start, '/', path_len - start);
		end = slash ? slash - path : path_len;
		if (!cgf_file_step(file, cur, next, path + start, end - start, budget,
				   &settled))
			return NULL;
		swap(cur, next);
		if (settled)
			break;
	}
	return cur;
}

/**
 * cgf_file_match_cost() - the steps a lookup of @path spends from the budget
 * @profile: compiled profile
 * @path: resolved absolute path
 * @path_len: length of @path
 *
 * For tests and the benchmark: how far a profile stays from the cut-off.
 *
 * Return: steps spent, CGF_FILE_MATCH_BUDGET when the lookup was cut off.
 */
u32 cgf_file_match_cost(const struct cgf_profile *profile, const char *path, size_t path_len)
{
	struct cgf_file_active sets[2];
	u32 budget = CGF_FILE_MATCH_BUDGET;

	if (path_len && path[0] == '/')
		cgf_file_walk(&profile->file, path, path_len, sets, &budget);
	return CGF_FILE_MATCH_BUDGET - budget;
}

static bool cgf_file_active_has(const struct cgf_file_active *set, u32 node)
{
	u32 i;

	for (i = 0; i < set->nr; i++)
		if (set->node[i] == node)
			return true;
	return false;
}

/**
 * cgf_file_same_below() - do two directories decide alike for everything below them?
 * @profile: compiled profile
 * @a: resolved absolute path of one directory, not NUL terminated
 * @a_len: length of @a
 * @b: the other directory
 * @b_len: length of @b
 *
 * True when the trie reaches the same set of nodes after @a as after @b: then every
 * path below @a gets the verdict the same path below @b gets, whatever its suffix.
 * A directory renamed from @a to @b keeps the access of its whole subtree only then.
 * Sufficient, not necessary: two different sets may still decide alike.
 *
 * Context: any, including preemption disabled: no sleep, no allocation, no recursion.
 * Return: true if the subtrees are judged alike; false otherwise or on overflow.
 */
bool cgf_file_same_below(const struct cgf_profile *profile, const char *a, size_t a_len,
			 const char *b, size_t b_len)
{
	struct cgf_file_active sets_a[2], sets_b[2];
	const struct cgf_file_active *set_a, *set_b;
	u32 i, budget_a = CGF_FILE_MATCH_BUDGET, budget_b = CGF_FILE_MATCH_BUDGET;

	if (!a_len || !b_len || a[0] != '/' || b[0] != '/')
		return false;
	set_a = cgf_file_walk(&profile->file, a, a_len, sets_a, &budget_a);
	set_b = cgf_file_walk(&profile->file, b, b_len, sets_b, &budget_b);
	if (!set_a || !set_b || set_a->nr != set_b->nr)
		return false;
	/* Sets hold distinct nodes: equal sizes and inclusion mean equality. */
	for (i = 0; i < set_a->nr; i++)
		if (!cgf_file_active_has(set_b, set_a->node[i]))
			return false;
	return true;
}

/* Smallest id of a deny rule at an active node that refuses a @requested permission. */
static u32 cgf_file_deny_id(const struct cgf_file_rules *file,
			    const struct cgf_file_active *set, u32 requested)
{
	const struct cgf_file_node *node;
	const struct cgf_file_deny *deny;
	u32 i, j, id = 0;

	for (i = 0; i < set->nr; i++) {
		node = &file->nodes[set->node[i]];
		if (!(node->deny & requested))
			continue;
		deny = file->denies + node->deny_first;
		for (j = 0; j < node->nr_deny; j++, deny++) {
			if (deny->perms & requested) {
				if (!id || deny->id < id)
					id = deny->id;
				break;
			}
		}
	}
	return id;
}

/**
 * cgf_file_check() - decide file permissions for a path
 * @profile: compiled profile
 * @path: resolved absolute path as the container sees it, not NUL terminated
 * @path_len: length of @path
 * @requested: CGFENCE_FILE_* permissions asked for
 * @verdict: the permissions refused, and the smallest id of a deny rule refusing one
 *
 * Per permission: a matching deny rule refuses it, else a matching allow rule grants it,
 * else the profile's file default decides. Bits outside CGFENCE_FILE_ALL are refused.
 * Fails closed (everything requested refused, rule id 0) on a path that does not start
 * with ``/``, when the active set overflows and when the lookup runs out of its budget
 * (see DOC: file trie).
 *
 * Context: any, including preemption disabled: no sleep, no allocation, no recursion.
 */
void cgf_file_check(const struct cgf_profile *profile, const char *path, size_t path_len,
		    u32 requested, struct cgf_verdict *verdict)
{
	const struct cgf_file_rules *file = &profile->file;
	struct cgf_file_active sets[2];
	const struct cgf_file_active *cur;
	u32 i, allow = 0, deny = 0, refused, budget = CGF_FILE_MATCH_BUDGET;
	int kind;

	verdict->denied = requested;
	verdict->rule_id = 0;
	if (!requested)
		return;
	if (!path || !path_len)
		return;
	if (path[0] != '/') {
		kind = cgf_file_kind_of(path, path_len);
		if (kind >= 0)
			cgf_file_kind_check(file, kind, requested & CGFENCE_FILE_ALL, verdict);
		verdict->denied |= requested & ~CGFENCE_FILE_ALL;
		return;
	}

	cur = cgf_file_walk(file, path, path_len, sets, &budget);
	if (!cur)
		return;

	for (i = 0; i < cur->nr; i++) {
		allow |= file->nodes[cur->node[i]].allow;
		deny |= file->nodes[cur->node[i]].deny;
	}
	refused = deny | ~CGFENCE_FILE_ALL;
	if (file->file_default != CGFENCE_EFFECT_ALLOW)
		refused |= ~allow;
	verdict->denied = requested & refused;
	if (requested & deny)
		verdict->rule_id = cgf_file_deny_id(file, cur, requested);
}
