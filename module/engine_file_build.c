// SPDX-License-Identifier: GPL-2.0
/* cgfence engine file rules, compiling: path patterns sorted by key and laid out as one trie. */

#include <linux/err.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>

#include "engine_internal.h"
#include "path_glob.h"

/*
 * Patterns are sorted by an encoded key so that the trie can be laid out in one pass:
 * each component becomes a kind byte, its content (unescaped for literals, as written for
 * globs, nothing for "**") and a 0 terminator. Patterns hold no NUL and kinds are nonzero,
 * so memcmp() order on keys is component-by-component order with a shorter component
 * first, which is also the order the matcher's binary search uses on literal labels, and
 * the number of 0 bytes in a common prefix is the number of shared components.
 */
enum cgf_component_kind {
	CGF_COMPONENT_LITERAL = 1,	/* sorts first: literal edges precede glob edges */
	CGF_COMPONENT_GLOB = 2,
	CGF_COMPONENT_GLOBSTAR = 3,
};

struct cgf_file_ref {
	const u8 *key;
	u32 key_len;
	u32 id;
	u32 rule;	/* index in the rules array */
	u32 shared;	/* leading components equal to the previous ref's */
};

static bool cgf_file_rule_in_trie(const struct cgf_rule *rule)
{
	return rule->kind == CGFENCE_RULE_FILE &&
	       cgf_file_kind_of(rule->file.path, rule->file.path_len) < 0;
}

static void cgf_key_put(u8 *key, u32 *pos, u8 byte)
{
	if (key)
		key[*pos] = byte;
	(*pos)++;
}

/* Encodes a validated pattern into @key (NULL: only measure). Returns the key length. */
static u32 cgf_file_key_encode(const char *pat, u32 len, u8 *key)
{
	u32 pos = 0, i, end;
	bool glob;

	/* The root pattern "/" has no components: the empty key, the root node. */
	for (i = 1; i < len; i = end + 1) {
		glob = false;
		for (end = i; end < len && pat[end] != '/'; end++) {
			if (pat[end] == '\\')
				end++;
			else if (pat[end] == '*' || pat[end] == '?')
				glob = true;
		}
		if (end - i == 2 && pat[i] == '*' && pat[i + 1] == '*') {
			cgf_key_put(key, &pos, CGF_COMPONENT_GLOBSTAR);
		} else if (glob) {
			cgf_key_put(key, &pos, CGF_COMPONENT_GLOB);
			if (key)
				memcpy(key + pos, pat + i, end - i);
			pos += end - i;
		} else {
			cgf_key_put(key, &pos, CGF_COMPONENT_LITERAL);
			for (; i < end; i++) {
				if (pat[i] == '\\')
					i++;
				cgf_key_put(key, &pos, pat[i]);
			}
		}
		cgf_key_put(key, &pos, 0);
	}
	return pos;
}

static int cgf_file_ref_cmp(const void *a, const void *b)
{
	const struct cgf_file_ref *x = a, *y = b;
	int diff = memcmp(x->key, y->key, min(x->key_len, y->key_len));

	if (diff)
		return diff;
	if (x->key_len != y->key_len)
		return x->key_len < y->key_len ? -1 : 1;
	/* Ascending ids within one pattern give each node its deny list in id order. */
	return x->id < y->id ? -1 : x->id > y->id;
}

static u32 cgf_key_components(const u8 *key, u32 len)
{
	u32 i, n = 0;

	for (i = 0; i < len; i++)
		n += !key[i];
	return n;
}

static u32 cgf_key_shared(const struct cgf_file_ref *a, const struct cgf_file_ref *b)
{
	u32 i, n = 0, len = min(a->key_len, b->key_len);

	for (i = 0; i < len && a->key[i] == b->key[i]; i++)
		n += !a->key[i];
	return n;
}

/* Offset of component @nr in @key. */
static u32 cgf_key_skip(const u8 *key, u32 nr)
{
	u32 i = 0;

	for (; nr; i++)
		nr -= !key[i];
	return i;
}

/* True when @i ends at the same node as the ref before it. */
static bool cgf_file_same_terminal(const struct cgf_file_ref *refs, u32 i, u32 depth)
{
	return i && refs[i].shared == depth && refs[i - 1].key_len == refs[i].key_len;
}

void cgf_file_build_cleanup(struct cgf_file_build *build)
{
	kvfree(build->refs);
	kvfree(build->keys);
	build->refs = NULL;
	build->keys = NULL;
}

/**
 * cgf_file_build_prepare() - sort the file patterns and size the trie
 * @build: state to fill; cgf_file_build_cleanup() releases it, also after an error
 * @rules: the profile's rules, already validated
 * @nr_rules: number of @rules
 * @gfp: allocation flags for the temporary arrays
 *
 * Return: 0 or -ENOMEM.
 */
int cgf_file_build_prepare(struct cgf_file_build *build, const struct cgf_rule *rules,
			   u32 nr_rules, gfp_t gfp)
{
	const struct cgf_rule *rule;
	struct cgf_file_ref *ref;
	size_t keys_len = 0;
	u32 i, n = 0, depth, pos, len, covered = 0;

	memset(build, 0, sizeof(*build));
	build->nr_nodes = 1;
	for (i = 0; i < nr_rules; i++) {
		if (!cgf_file_rule_in_trie(&rules[i]))
			continue;
		n++;
		keys_len += cgf_file_key_encode(rules[i].file.path, rules[i].file.path_len, NULL);
	}
	if (!n)
		return 0;

	build->refs = kvmalloc_array(n, sizeof(*build->refs), gfp);
	/* At least one byte: memcmp() on keys must never see a ZERO_SIZE_PTR. */
	build->keys = kvmalloc(max_t(size_t, keys_len, 1), gfp);
	if (!build->refs || !build->keys)
		return -ENOMEM;
	build->nr_refs = n;

	pos = 0;
	ref = build->refs;
	for (i = 0; i < nr_rules; i++) {
		rule = &rules[i];
		if (!cgf_file_rule_in_trie(rule))
			continue;
		ref->key = build->keys + pos;
		ref->key_len = cgf_file_key_encode(rule->file.path, rule->file.path_len,
						   build->keys + pos);
		ref->id = rule->id;
		ref->rule = i;
		pos += ref->key_len;
		ref++;
		/* Up to 100,000 patterns of up to 4 KiB: let others run between them. */
		cond_resched();
	}
	sort(build->refs, n, sizeof(*build->refs), cgf_file_ref_cmp, NULL);

	/* Count what cgf_file_build_fill() will create, with the same walk. */
	for (i = 0; i < n; i++) {
		ref = &build->refs[i];
		depth = cgf_key_components(ref->key, ref->key_len);
		ref->shared = i ? cgf_key_shared(ref - 1, ref) : 0;
		build->max_depth = max(build->max_depth, depth);
		for (pos = cgf_key_skip(ref->key, ref->shared); pos < ref->key_len;
		     pos += len + 2) {
			len = strnlen((const char *)ref->key + pos + 1, ref->key_len - pos - 1);
			build->nr_nodes++;
			if (ref->key[pos] != CGF_COMPONENT_GLOBSTAR) {
				build->nr_edges++;
				build->labels_len += len;
			}
		}
		if (!cgf_file_same_terminal(build->refs, i, depth))
			covered = 0;
		rule = &rules[ref->rule];
		if (rule->effect == CGFENCE_EFFECT_DENY && rule->file.perms & ~covered) {
			build->nr_denies++;
			covered |= rule->file.perms;
		}
		cond_resched();
	}
	return 0;
}

/**
 * cgf_file_build_size() - bytes the trie needs in the profile
 * @build: prepared state
 *
 * Return: the size, saturated at SIZE_MAX.
 */
size_t cgf_file_build_size(const struct cgf_file_build *build)
{
	size_t size;

	size = array_size(build->nr_nodes, sizeof(struct cgf_file_node));
	size = size_add(size, array_size(build->nr_edges, sizeof(struct cgf_file_edge)));
	size = size_add(size, array_size(build->nr_denies, sizeof(struct cgf_file_deny)));
	return size_add(size, build->labels_len);
}

/* A label's place in the placement order: larger buckets first, a bucket's together. */
#define CGF_ORDER_BITS	24
#define CGF_ORDER_MASK	((1U << CGF_ORDER_BITS) - 1)
static_assert(CGF_FILE_PERFECT_MAX <= CGF_ORDER_MASK);

static u64 cgf_file_order_key(u32 bucket_size, u32 bucket, u32 index)
{
	return (u64)(U16_MAX - min_t(u32, bucket_size, U16_MAX)) << (2 * CGF_ORDER_BITS) |
	       (u64)bucket << CGF_ORDER_BITS | index;
}

static u32 cgf_file_order_bucket(u64 key)
{
	return (key >> CGF_ORDER_BITS) & CGF_ORDER_MASK;
}

static u32 cgf_file_order_index(u64 key)
{
	return key & CGF_ORDER_MASK;
}

static int cgf_file_u64_cmp(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/*
 * Hash and displace (PTHash's construction): each of @n labels falls in a bucket by the
 * high half of its hash; bucket by bucket, largest first, the first pilot that sends every
 * label of the bucket to a free slot is kept. The edges then sit at their slots, and the
 * pilot of bucket b in the edge at index b, so that the layout costs no byte more.
 * Return: 1 when placed; 0, edges untouched, when a bucket finds no pilot (the last free
 * slots missed 2^16 times, or two labels of one 64-bit hash): the node keeps its edges
 * sorted by label; -ENOMEM.
 */
static int cgf_file_place_perfect(struct cgf_file_edge *first, u32 n, const char *labels,
				  gfp_t gfp)
{
	struct cgf_file_edge *placed;
	u64 *hash, *order;
	u32 *slot;
	u16 *pilot;
	u8 *taken;
	u32 i, k, end, try;
	int ret = -ENOMEM;

	hash = kvmalloc_array(n, sizeof(*hash), gfp);
	order = kvmalloc_array(n, sizeof(*order), gfp);
	slot = kvmalloc_array(n, sizeof(*slot), gfp);
	pilot = kvcalloc(n, sizeof(*pilot), gfp);
	taken = kvcalloc(n, sizeof(*taken), gfp);
	placed = kvmalloc_array(n, sizeof(*placed), gfp);
	if (!hash || !order || !slot || !pilot || !taken || !placed)
		goto out;
	ret = 0;

	/* slot[] counts each bucket's labels first. */
	memset(slot, 0, n * sizeof(*slot));
	for (i = 0; i < n; i++) {
		hash[i] = cgf_file_label_hash(labels + first[i].label, first[i].label_len);
		slot[cgf_file_perfect_bucket(hash[i], n)]++;
	}
	for (i = 0; i < n; i++) {
		k = cgf_file_perfect_bucket(hash[i], n);
		order[i] = cgf_file_order_key(slot[k], k, i);
	}
	sort(order, n, sizeof(*order), cgf_file_u64_cmp, NULL);

	for (i = 0; i < n; i = end) {
		u32 bucket = cgf_file_order_bucket(order[i]);

		for (end = i; end < n && cgf_file_order_bucket(order[end]) == bucket; end++)
			;
		for (try = 0; try <= U16_MAX; try++) {
			for (k = i; k < end; k++) {
				u32 index = cgf_file_order_index(order[k]);

				slot[index] = cgf_file_perfect_slot(hash[index], try, n);
				if (taken[slot[index]])
					break;
				taken[slot[index]] = 1;
			}
			if (k == end)
				break;
			while (k-- > i)
				taken[slot[cgf_file_order_index(order[k])]] = 0;
		}
		if (try > U16_MAX)
			goto out;
		pilot[bucket] = try;
		cond_resched();
	}
	for (i = 0; i < n; i++)
		placed[slot[i]] = first[i];
	for (i = 0; i < n; i++) {
		first[i] = placed[i];
		first[i].pilot = pilot[i];
	}
	ret = 1;
out:
	kvfree(placed);
	kvfree(taken);
	kvfree(pilot);
	kvfree(slot);
	kvfree(order);
	kvfree(hash);
	return ret;
}

/**
 * cgf_file_build_fill() - lay the trie out in its section of the profile
 * @build: prepared state
 * @rules: the rules given to cgf_file_build_prepare()
 * @file: the profile's file rules to point at the section
 * @section: zeroed memory of cgf_file_build_size() bytes
 * @gfp: allocation flags for the temporary arrays
 *
 * Nodes are created in sorted key order, so a node's children appear in the order its
 * edges must have (literals sorted, then globs); they are then grouped by parent.
 *
 * Return: 0 or -ENOMEM.
 */
int cgf_file_build_fill(struct cgf_file_build *build, const struct cgf_rule *rules,
			struct cgf_file_rules *file, void *section, gfp_t gfp)
{
	struct cgf_file_node *nodes = section;
	struct cgf_file_edge *edges = (void *)(nodes + build->nr_nodes);
	struct cgf_file_deny *denies = (void *)(edges + build->nr_edges);
	char *labels = (char *)(denies + build->nr_denies);
	struct cgf_file_edge *incoming = NULL;	/* the edge into each node */
	u32 *parent = NULL, *stack = NULL;
	const struct cgf_file_ref *ref;
	const struct cgf_rule *rule;
	struct cgf_file_node *term;
	u32 i, depth, pos, len, kind, child, next = 1, label = 0, deny = 0, covered = 0;
	int ret = -ENOMEM;

	file->nodes = nodes;
	file->edges = edges;
	file->denies = denies;
	file->labels = labels;
	file->nr_nodes = build->nr_nodes;
	file->nr_edges = build->nr_edges;
	file->nr_denies = build->nr_denies;
	file->labels_len = build->labels_len;
	if (!build->nr_refs)
		return 0;

	incoming = kvmalloc_array(build->nr_nodes, sizeof(*incoming), gfp);
	parent = kvmalloc_array(build->nr_nodes, sizeof(*parent), gfp);
	stack = kvmalloc_array(build->max_depth + 1, sizeof(*stack), gfp);
	if (!incoming || !parent || !stack)
		goto out;

	stack[0] = 0;
	for (i = 0; i < build->nr_refs; i++) {
		ref = &build->refs[i];
		depth = ref->shared;
		for (pos = cgf_key_skip(ref->key, depth); pos < ref->key_len; pos += len + 1) {
			kind = ref->key[pos++];
			len = strnlen((const char *)ref->key + pos, ref->key_len - pos);
			child = next++;
			if (kind == CGF_COMPONENT_GLOBSTAR) {
				nodes[stack[depth]].globstar = child;
				nodes[child].is_globstar = 1;
			} else {
				memcpy(labels + label, ref->key + pos, len);
				incoming[child].label = label;
				incoming[child].label_len = len;
				incoming[child].pilot = 0;
				incoming[child].child = child;
				label += len;
				parent[child] = stack[depth];
				if (kind == CGF_COMPONENT_LITERAL)
					nodes[stack[depth]].nr_literal++;
				else
					nodes[stack[depth]].nr_glob++;
			}
			stack[++depth] = child;
		}
		cond_resched();

		term = &nodes[stack[depth]];
		if (!cgf_file_same_terminal(build->refs, i, depth))
			covered = 0;
		rule = &rules[ref->rule];
		if (rule->effect == CGFENCE_EFFECT_ALLOW) {
			term->allow |= rule->file.perms;
			continue;
		}
		term->deny |= rule->file.perms;
		if (!(rule->file.perms & ~covered))
			continue;
		if (!term->nr_deny)
			term->deny_first = deny;
		term->nr_deny++;
		denies[deny].id = rule->id;
		denies[deny].perms = rule->file.perms;
		deny++;
		covered |= rule->file.perms;
	}

	/* Group edges by parent: point each node past its slot, then fill slots backwards. */
	pos = 0;
	for (i = 0; i < build->nr_nodes; i++) {
		pos += nodes[i].nr_literal + nodes[i].nr_glob;
		nodes[i].edge_first = pos;
	}
	for (i = build->nr_nodes - 1; i > 0; i--) {
		if (nodes[i].is_globstar)
			continue;
		edges[--nodes[parent[i]].edge_first] = incoming[i];
	}
	for (i = 0; i < build->nr_nodes; i++) {
		u32 nr = nodes[i].nr_literal;

		nodes[i].is_final = nodes[i].is_globstar && !nr && !nodes[i].nr_glob;
		if (nr < CGF_FILE_PERFECT_MIN || nr > CGF_FILE_PERFECT_MAX)
			continue;
		ret = cgf_file_place_perfect(edges + nodes[i].edge_first, nr, labels, gfp);
		if (ret < 0)
			goto out;
		nodes[i].is_perfect = ret;
		cond_resched();
	}
	ret = 0;
out:
	kvfree(stack);
	kvfree(parent);
	kvfree(incoming);
	return ret;
}
