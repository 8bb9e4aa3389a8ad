/* SPDX-License-Identifier: GPL-2.0 */
/* cgfence engine internals: the compiled profile layout shared by the engine_*.c files. */
#ifndef _CGFENCE_ENGINE_INTERNAL_H
#define _CGFENCE_ENGINE_INTERNAL_H

#include <linux/build_bug.h>
#include <linux/limits.h>
#include <linux/types.h>

#include <uapi/cgfence.h>

#include "engine.h"

/*
 * A compiled profile is ONE kvmalloc() block: this header, then the file trie, the device
 * table and the mount rules, each section pointing into the same block. One block means
 * one free, and kvfree_rcu() can release it without calling back into module text, so a
 * profile retired just before rmmod cannot run freed code.
 */

/* File permissions fit the trie's 16-bit masks. */
static_assert(CGFENCE_FILE_ALL <= U16_MAX);

/* A node of the file trie: the state reached after some components of a pattern. */
struct cgf_file_node {
	/* Children: @nr_literal literal edges (sorted), then @nr_glob glob edges. */
	u32 edge_first;
	u32 nr_literal;
	u32 nr_glob;
	/* The "**" child, reached without consuming a component; 0: none (root is no child). */
	u32 globstar;
	/* Deny rules ending here, by ascending id; see cgf_file_deny. */
	u32 deny_first;
	u16 allow;		/* OR of the allow rules ending here */
	u16 deny;		/* OR of the deny rules ending here */
	u8 nr_deny;
	u8 is_globstar;		/* stays active while components are consumed */
	u8 is_final;		/* a "**" node with no children: no component leads elsewhere */
	u8 is_perfect;		/* literal edges placed by a perfect hash, see cgf_file_edge */
};

/* The flags above fill what was padding: a profile is no larger for them. */
static_assert(sizeof(struct cgf_file_node) == 28);

/*
 * An edge to a child: a literal component (unescaped) or a component glob (as written).
 * A node's literal edges are sorted by label, or, at a node with is_perfect set, each at
 * the slot its label's hash and its bucket's pilot choose (cgf_file_perfect_slot()).
 */
struct cgf_file_edge {
	u32 label;		/* offset in cgf_file_rules.labels */
	u32 child;
	u16 label_len;
	u16 pilot;		/* at a perfect node: the pilot of the bucket of this index */
};

static_assert(CGFENCE_MAX_PATTERN - 1 <= U16_MAX);

/*
 * Literal children a node needs before they are placed by a perfect hash, and the most
 * that are: past it the last buckets would rarely find a free slot among 2^16 pilots.
 */
#define CGF_FILE_PERFECT_MIN	8
#define CGF_FILE_PERFECT_MAX	16384

/*
 * FNV-1a, 64 bits, then mixed: a label's bucket is taken from the high half, its slot from
 * the low. Without the mix, names alike ("app0".."app999") share their high bits and crowd
 * a few buckets that no pilot can place.
 */
static inline u64 cgf_file_label_hash(const char *label, size_t len)
{
	u64 hash = 14695981039346656037ULL;
	size_t i;

	for (i = 0; i < len; i++)
		hash = (hash ^ (u8)label[i]) * 1099511628211ULL;
	hash ^= hash >> 32;
	hash *= 0xd6e8feb86659fd93ULL;
	return hash ^ (hash >> 32);
}

/* @x scaled from [0, 2^32) to [0, @n): a multiply, not a division. */
static inline u32 cgf_file_reduce(u32 x, u32 n)
{
	return (u32)(((u64)x * n) >> 32);
}

static inline u32 cgf_file_perfect_bucket(u64 hash, u32 n)
{
	return cgf_file_reduce(hash >> 32, n);
}

/*
 * Where a label of @hash sits among @n children when its bucket's pilot is @pilot. The
 * pilot is mixed in before murmur3's finalizer so that each pilot sends every label of a
 * bucket to an unrelated slot, even labels whose hashes differ in a few bits only.
 */
static inline u32 cgf_file_perfect_slot(u64 hash, u16 pilot, u32 n)
{
	u32 x = (u32)hash ^ (pilot * 0x9e3779b9u);

	x ^= x >> 16;
	x *= 0x85ebca6bu;
	x ^= x >> 13;
	x *= 0xc2b2ae35u;
	x ^= x >> 16;
	return cgf_file_reduce(x, n);
}

/*
 * A deny rule ending at a node. Only rules that refuse a permission no smaller id at the
 * same node refuses are kept: the first kept entry that refuses a requested permission is
 * then the smallest such id, and a node keeps at most one entry per permission bit.
 */
struct cgf_file_deny {
	u32 id;
	u32 perms;
};

/* The kinds of file object judged by kind rather than by path (CGFENCE_OBJECT_*). */
enum cgf_file_kind {
	CGF_KIND_UNREACHABLE,
	CGF_KIND_PIPE,
	CGF_KIND_SOCKET,
	CGF_KIND_ANON_INODE,
	CGF_KIND_MEMFD,
	CGF_KIND_ABSTRACT,
	CGF_KIND_NSFS,
	CGF_KIND_MQUEUE,
	CGF_NR_KINDS,
};

#define CGF_FILE_NR_PERMS 10
static_assert(CGFENCE_FILE_ALL == (1U << CGF_FILE_NR_PERMS) - 1);

/* Rules naming one kind: few enough to keep per permission bit. */
struct cgf_file_kind_rules {
	u16 allow;
	u16 deny;
	u32 deny_id[CGF_FILE_NR_PERMS];	/* smallest deny id refusing each permission */
};

/*
 * Steps one file lookup may spend (DOC: file trie, engine_file.c); past them it fails
 * closed. docs/benchmarks.md gives the time the cut-off takes and the typical cost.
 */
#define CGF_FILE_MATCH_BUDGET ((u32)BIT(20))
u32 cgf_file_match_cost(const struct cgf_profile *profile, const char *path, size_t path_len);

int cgf_file_kind_of(const char *name, size_t len);

struct cgf_file_rules {
	const struct cgf_file_node *nodes;	/* nodes[0] is the root: the path "/" */
	const struct cgf_file_edge *edges;
	const struct cgf_file_deny *denies;
	const char *labels;
	u32 nr_nodes;
	u32 nr_edges;
	u32 nr_denies;
	u32 labels_len;
	u8 file_default;	/* enum cgfence_effect */
	struct cgf_file_kind_rules kinds[CGF_NR_KINDS];
};

/* Sorted by (major, minor, id); CGFENCE_DEV_ANY sorts last. */
struct cgf_device_rule {
	u32 major;
	u32 minor;
	u32 id;
	u8 type;
	u8 access;
	u8 effect;
};

struct cgf_device_rules {
	const struct cgf_device_rule *rules;
	u32 nr_rules;
};

struct cgf_mount_rule {
	u32 id;
	u32 ops;
	u32 require;
	u32 forbid;
	const char *fstype;	/* NULL: any */
	const char *source;	/* NULL: any */
	const char *target;	/* NULL: any */
	u16 fstype_len;
	u16 source_len;
	u16 target_len;
	u8 effect;
	u8 source_is_pattern;	/* starts with '/': glob, else the exact name */
};

struct cgf_mount_rules {
	const struct cgf_mount_rule *rules;
	u32 nr_rules;
};

#define CGF_KERNEL_NR_OPS 14
static_assert(CGFENCE_KERNEL_ALL == (1U << CGF_KERNEL_NR_OPS) - 1);

/* Kernel rules: a bit each, so they live in the header. */
struct cgf_kernel_rules {
	u32 allow;
	u32 deny;
	u32 deny_id[CGF_KERNEL_NR_OPS];	/* smallest deny id refusing each op */
};

struct cgf_profile {
	struct rcu_head rcu;	/* first: kvfree_rcu() needs a small offset */
	size_t size;		/* of the whole block */
	u64 serial;		/* unique to this profile for the module's life, never 0 */
	u32 nr_rules;
	u8 mode;
	struct cgf_file_rules file;
	struct cgf_device_rules device;
	struct cgf_mount_rules mount;
	struct cgf_kernel_rules kernel;
};

/*
 * Build in two phases: each compiler first sizes its section (validating its rules and
 * keeping what it needs in temporary memory), then the profile allocates the block and
 * each compiler fills its own section. Sections are CGF_SECTION_ALIGN aligned.
 */
#define CGF_SECTION_ALIGN 8

/* Temporary state of the file compiler between sizing and filling. */
struct cgf_file_build {
	struct cgf_file_ref *refs;	/* one per file rule, sorted by key */
	u8 *keys;			/* the encoded patterns the refs point into */
	u32 nr_refs;
	u32 nr_nodes;
	u32 nr_edges;
	u32 nr_denies;
	u32 labels_len;
	u32 max_depth;
};

/*
 * Pattern validation shared by file rules and mount source/target patterns. Returns 0
 * or a negative errno, and then sets *@msg to @msgs[the enum cgf_pattern_error]: each
 * kind of pattern has its own table, so that a message names the field at fault.
 */
enum cgf_pattern_error {
	CGF_PATTERN_EMPTY,
	CGF_PATTERN_TOO_LONG,
	CGF_PATTERN_NOT_ABSOLUTE,
	CGF_PATTERN_NUL,
	CGF_PATTERN_EMPTY_COMPONENT,
	CGF_PATTERN_TRAILING_SLASH,
	CGF_PATTERN_DOT,
	CGF_PATTERN_GLOBSTAR,
	CGF_PATTERN_LONE_BACKSLASH,
	CGF_PATTERN_ESCAPED_SLASH,
	CGF_PATTERN_NR_ERRORS,
};

int cgf_pattern_validate(const char *pat, u32 len, const char * const *msgs,
			 const char **msg);

/* Rule validation by kind: 0, or a negative errno and *@msg. */
int cgf_file_rule_validate(const struct cgf_rule *rule, const char **msg);
int cgf_device_rule_validate(const struct cgf_rule *rule, const char **msg);
int cgf_mount_rule_validate(const struct cgf_rule *rule, const char **msg);
int cgf_kernel_rule_validate(const struct cgf_rule *rule, const char **msg);

/* File compiler (rules are already validated). */
void cgf_file_kinds_fill(struct cgf_file_rules *file, const struct cgf_rule *rules,
			 u32 nr_rules);
int cgf_file_build_prepare(struct cgf_file_build *build, const struct cgf_rule *rules,
			   u32 nr_rules, gfp_t gfp);
size_t cgf_file_build_size(const struct cgf_file_build *build);
int cgf_file_build_fill(struct cgf_file_build *build, const struct cgf_rule *rules,
			struct cgf_file_rules *file, void *section, gfp_t gfp);
void cgf_file_build_cleanup(struct cgf_file_build *build);

/* Device and mount compilers: size for @nr_kind rules of their kind, then fill. */
size_t cgf_device_build_size(u32 nr_device);
void cgf_device_build_fill(const struct cgf_rule *rules, u32 nr_rules,
			   struct cgf_device_rules *device, void *section, u32 nr_device);
size_t cgf_mount_build_size(const struct cgf_rule *rules, u32 nr_rules);
void cgf_mount_build_fill(const struct cgf_rule *rules, u32 nr_rules,
			  struct cgf_mount_rules *mount, void *section);
/* Kernel rules need no section: they fill the header. */
void cgf_kernel_build_fill(const struct cgf_rule *rules, u32 nr_rules,
			   struct cgf_kernel_rules *kernel);

#endif /* _CGFENCE_ENGINE_INTERNAL_H */
