/* SPDX-License-Identifier: GPL-2.0 */
/* cgfence engine: immutable compiled profiles and the verdict functions (no VFS, no current). */
#ifndef _CGFENCE_ENGINE_H
#define _CGFENCE_ENGINE_H

#include <linux/types.h>
#include <linux/rcupdate.h>

/*
 * One rule as the control plane validated it off the wire. Strings are not NUL
 * terminated; lengths say where they end. The builder copies what it keeps, so the
 * caller may free the rules once cgf_profile_build() returns.
 */
struct cgf_rule {
	u32 id;		/* != 0, unique in the profile, reported by denials */
	u8 kind;	/* enum cgfence_rule_kind */
	u8 effect;	/* enum cgfence_effect */
	union {
		struct {
			u32 perms;		/* CGFENCE_FILE_* */
			const char *path;	/* pattern */
			u32 path_len;
		} file;
		struct {
			u32 ops;		/* CGFENCE_MOUNT_* */
			u32 require;		/* CGFENCE_MOPT_* */
			u32 forbid;		/* CGFENCE_MOPT_* */
			const char *fstype;	/* NULL: any */
			u32 fstype_len;
			const char *source;	/* pattern, NULL: any */
			u32 source_len;
			const char *target;	/* pattern, NULL: any */
			u32 target_len;
		} mount;
		struct {
			u32 ops;		/* CGFENCE_KERNEL_* */
		} kernel;
		struct {
			u8 type;		/* CGFENCE_DEV_CHAR | CGFENCE_DEV_BLOCK */
			u8 access;		/* CGFENCE_DEV_READ | WRITE | MKNOD */
			u32 major;		/* or CGFENCE_DEV_ANY */
			u32 minor;		/* or CGFENCE_DEV_ANY */
		} device;
	};
};

struct cgf_profile_spec {
	u8 mode;		/* enum cgfence_mode */
	u8 file_default;	/* enum cgfence_effect, for permissions no rule decides */
};

/* Why a build failed: which rule (index into the array, or -1 for the profile) and what. */
struct cgf_build_error {
	int rule_index;
	const char *msg;	/* static string, suitable for an extack message */
};

/*
 * Checks one rule on its own (everything but uniqueness of ids and limits), so the
 * control plane can refuse a bad rule in the very message that carried it.
 * Return: 0, or -EINVAL (-E2BIG for a pattern or fstype over its length limit) with
 * @err filled (err->rule_index is left to the caller).
 */
int cgf_rule_validate(const struct cgf_rule *rule, struct cgf_build_error *err);

/* Opaque, immutable once built; readers hold rcu_read_lock(). */
struct cgf_profile;

struct cgf_profile *cgf_profile_build(const struct cgf_profile_spec *spec,
				      const struct cgf_rule *rules, u32 nr_rules,
				      gfp_t gfp, struct cgf_build_error *err);
/*
 * Frees after an RCU grace period: readers may still hold it. The RCU core frees the
 * profile (kvfree_rcu()), so module unload needs no rcu_barrier() for it.
 */
void cgf_profile_put_rcu(struct cgf_profile *profile);
/* Frees now: only for a profile no reader has seen. */
void cgf_profile_free(struct cgf_profile *profile);

u8 cgf_profile_mode(const struct cgf_profile *profile);
u32 cgf_profile_nr_rules(const struct cgf_profile *profile);
u8 cgf_profile_file_default(const struct cgf_profile *profile);
/*
 * Device rule @index of the profile as compiled (sorted by number), for listing a
 * container's effective device rules. Return: 0, or -ENOENT past the last one.
 */
int cgf_profile_device_rule(const struct cgf_profile *profile, u32 index, struct cgf_rule *rule);
/* Bytes the compiled profile occupies, for limits and status. */
size_t cgf_profile_size(const struct cgf_profile *profile);
/* Names this compiled profile and no other, ever (its address may be reused): never 0. */
u64 cgf_profile_serial(const struct cgf_profile *profile);

struct cgf_verdict {
	u32 denied;	/* the requested permissions or access bits refused */
	u32 rule_id;	/* the deny rule that refused, 0 when none allowed it or by default */
};

/*
 * File rules. @path is resolved and absolute as the container sees it. For each
 * requested permission: a matching deny rule refuses it, else a matching allow rule
 * grants it, else the profile's file default decides.
 */
void cgf_file_check(const struct cgf_profile *profile, const char *path, size_t path_len,
		    u32 requested, struct cgf_verdict *verdict);

/*
 * True when every path below directory @a is judged as the same path below @b (the
 * trie reaches the same states after both): a directory may then be renamed from one
 * to the other without changing the access to anything inside it.
 */
bool cgf_file_same_below(const struct cgf_profile *profile, const char *a, size_t a_len,
			 const char *b, size_t b_len);

/* Device rules: by type and number only. No rule: denied. Deny rules win. */
void cgf_device_check(const struct cgf_profile *profile, u8 type, u32 major, u32 minor,
		      u32 access, struct cgf_verdict *verdict);

/*
 * Kernel rules: @op is one CGFENCE_KERNEL_* bit. Denied unless an allow rule names it;
 * a deny rule naming it wins (its id is reported).
 */
void cgf_kernel_check(const struct cgf_profile *profile, u32 op, struct cgf_verdict *verdict);
/* The CGFENCE_KERNEL_* bits the profile allows, for listing. */
u32 cgf_profile_kernel_allow(const struct cgf_profile *profile);

struct cgf_mount_request {
	u32 op;			/* exactly one CGFENCE_MOUNT_* bit */
	u32 opts;		/* CGFENCE_MOPT_* set on the resulting mount */
	const char *fstype;	/* NULL when the operation has none (bind, move, umount) */
	size_t fstype_len;
	const char *source;	/* resolved path or device name; NULL when none */
	size_t source_len;
	/*
	 * The operation has a source the hook could not resolve (a path string it may not
	 * look up without sleeping): allow rules naming a source do not match, deny rules
	 * naming one do, so an unknown source is never the way around a deny.
	 */
	bool source_unknown;
	const char *target;	/* resolved path as the container sees it */
	size_t target_len;
};

/* Mount rules: no rule allowing the request: denied (verdict->denied = request->op). */
void cgf_mount_check(const struct cgf_profile *profile, const struct cgf_mount_request *request,
		     struct cgf_verdict *verdict);

#endif /* _CGFENCE_ENGINE_H */
