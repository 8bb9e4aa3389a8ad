// SPDX-License-Identifier: GPL-2.0
/* cgfence engine profiles: validate rules, compile them into one block, free it after RCU. */

#include <linux/align.h>
#include <linux/atomic.h>
#include <linux/err.h>
#include <linux/limits.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/stringify.h>

#include "engine_internal.h"

/* kvmalloc() refuses more than INT_MAX; say so as a limit, not as a failed allocation. */
#define CGF_PROFILE_MAX_SIZE	((size_t)INT_MAX)

struct cgf_build_layout {
	size_t end;
	size_t file;
	size_t device;
	size_t mount;
};

static int cgf_build_fail(struct cgf_build_error *err, int rule_index, const char *msg,
			  int ret)
{
	err->rule_index = rule_index;
	err->msg = msg;
	return ret;
}

static int cgf_rule_check(const struct cgf_rule *rule, const char **msg)
{
	if (!rule->id) {
		*msg = "rule: id must not be 0";
		return -EINVAL;
	}
	if (rule->effect != CGFENCE_EFFECT_ALLOW && rule->effect != CGFENCE_EFFECT_DENY) {
		*msg = "rule: effect must be allow or deny";
		return -EINVAL;
	}
	switch (rule->kind) {
	case CGFENCE_RULE_FILE:
		return cgf_file_rule_validate(rule, msg);
	case CGFENCE_RULE_MOUNT:
		return cgf_mount_rule_validate(rule, msg);
	case CGFENCE_RULE_DEVICE:
		return cgf_device_rule_validate(rule, msg);
	case CGFENCE_RULE_KERNEL:
		return cgf_kernel_rule_validate(rule, msg);
	}
	*msg = "rule: kind must be file, mount, device or kernel";
	return -EINVAL;
}

/**
 * cgf_rule_validate() - check one rule on its own
 * @rule: the rule
 * @err: where the message goes on failure; err->rule_index is left to the caller
 *
 * Everything cgf_profile_build() checks about a single rule: only the uniqueness of ids
 * and the profile's limits need the whole profile.
 *
 * Return: 0, -E2BIG for a string over its length limit, else -EINVAL.
 */
int cgf_rule_validate(const struct cgf_rule *rule, struct cgf_build_error *err)
{
	const char *msg = NULL;
	int ret = cgf_rule_check(rule, &msg);

	if (ret)
		err->msg = msg;
	return ret;
}

static int cgf_u64_cmp(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/*
 * Sorting (id, index) pairs finds duplicates in O(n log n). Reports the smallest index
 * that repeats an id seen at a smaller index, so the answer does not depend on the sort.
 */
static int cgf_rule_ids_check(const struct cgf_rule *rules, u32 nr_rules, gfp_t gfp,
			      struct cgf_build_error *err)
{
	u64 *pairs;
	s64 dup = -1;
	u32 i;

	if (nr_rules < 2)
		return 0;
	pairs = kvmalloc_array(nr_rules, sizeof(*pairs), gfp);
	if (!pairs)
		return cgf_build_fail(err, -1, "profile: out of memory", -ENOMEM);
	for (i = 0; i < nr_rules; i++)
		pairs[i] = (u64)rules[i].id << 32 | i;
	sort(pairs, nr_rules, sizeof(*pairs), cgf_u64_cmp, NULL);
	for (i = 1; i < nr_rules; i++) {
		if (pairs[i] >> 32 == pairs[i - 1] >> 32 && (dup < 0 || (u32)pairs[i] < dup))
			dup = (u32)pairs[i];
	}
	kvfree(pairs);
	if (dup >= 0)
		return cgf_build_fail(err, dup, "rule: id is used by an earlier rule", -EINVAL);
	return 0;
}

/* Places a section of @size bytes at the aligned end of the block. */
static bool cgf_build_reserve(struct cgf_build_layout *layout, size_t size, size_t *start)
{
	if (size > CGF_PROFILE_MAX_SIZE || layout->end > CGF_PROFILE_MAX_SIZE)
		return false;
	*start = ALIGN(layout->end, CGF_SECTION_ALIGN);
	layout->end = *start + size;
	return layout->end <= CGF_PROFILE_MAX_SIZE;
}

/* Serials of the profiles built so far: see cgf_profile_serial(). */
static atomic64_t cgf_profile_serials = ATOMIC64_INIT(0);

/**
 * cgf_profile_build() - validate rules and compile them into an immutable profile
 * @spec: profile-wide settings
 * @rules: the rules; strings are copied, so the caller may free them afterwards
 * @nr_rules: number of @rules, at most CGFENCE_MAX_RULES
 * @gfp: allocation flags, e.g. GFP_KERNEL_ACCOUNT to charge the loader
 * @err: on failure, the offending rule's index (-1: the profile) and a static message
 *
 * Context: process context, may sleep.
 * Return: the profile, or ERR_PTR(-EINVAL) for an invalid rule or spec, ERR_PTR(-E2BIG)
 * past a limit, ERR_PTR(-ENOMEM). Nothing is left allocated on failure.
 */
struct cgf_profile *cgf_profile_build(const struct cgf_profile_spec *spec,
				      const struct cgf_rule *rules, u32 nr_rules,
				      gfp_t gfp, struct cgf_build_error *err)
{
	struct cgf_build_layout layout = { .end = sizeof(struct cgf_profile) };
	struct cgf_build_error ignored;
	struct cgf_file_build file_build = {};
	struct cgf_profile *profile = NULL;
	const char *msg = NULL;
	u32 i, nr_device = 0;
	int ret;

	if (!err)
		err = &ignored;
	cgf_build_fail(err, -1, NULL, 0);

	if (spec->mode != CGFENCE_MODE_ENFORCE && spec->mode != CGFENCE_MODE_COMPLAIN)
		ret = cgf_build_fail(err, -1, "profile: mode must be enforce or complain",
				     -EINVAL);
	else if (spec->file_default != CGFENCE_EFFECT_ALLOW &&
		 spec->file_default != CGFENCE_EFFECT_DENY)
		ret = cgf_build_fail(err, -1, "profile: file default must be allow or deny",
				     -EINVAL);
	else if (nr_rules > CGFENCE_MAX_RULES)
		ret = cgf_build_fail(err, -1, "profile: more than "
				     __stringify(CGFENCE_MAX_RULES) " rules", -E2BIG);
	else if (nr_rules && !rules)
		ret = cgf_build_fail(err, -1, "profile: rules missing", -EINVAL);
	else
		ret = 0;
	if (ret)
		return ERR_PTR(ret);

	for (i = 0; i < nr_rules; i++) {
		ret = cgf_rule_check(&rules[i], &msg);
		if (ret)
			return ERR_PTR(cgf_build_fail(err, i, msg, ret));
		nr_device += rules[i].kind == CGFENCE_RULE_DEVICE;
		cond_resched();
	}
	ret = cgf_rule_ids_check(rules, nr_rules, gfp, err);
	if (ret)
		return ERR_PTR(ret);

	ret = cgf_file_build_prepare(&file_build, rules, nr_rules, gfp);
	if (ret) {
		cgf_build_fail(err, -1, "profile: out of memory", ret);
		goto out;
	}
	if (!cgf_build_reserve(&layout, cgf_file_build_size(&file_build), &layout.file) ||
	    !cgf_build_reserve(&layout, cgf_device_build_size(nr_device), &layout.device) ||
	    !cgf_build_reserve(&layout, cgf_mount_build_size(rules, nr_rules),
			       &layout.mount)) {
		ret = cgf_build_fail(err, -1, "profile: compiled profile would exceed 2 GiB",
				     -E2BIG);
		goto out;
	}

	profile = kvzalloc(layout.end, gfp | __GFP_NOWARN);
	if (!profile) {
		ret = cgf_build_fail(err, -1, "profile: out of memory", -ENOMEM);
		goto out;
	}
	profile->size = layout.end;
	profile->serial = atomic64_inc_return(&cgf_profile_serials);
	profile->nr_rules = nr_rules;
	profile->mode = spec->mode;
	profile->file.file_default = spec->file_default;
	cgf_file_kinds_fill(&profile->file, rules, nr_rules);
	ret = cgf_file_build_fill(&file_build, rules, &profile->file,
				  (char *)profile + layout.file, gfp);
	if (ret) {
		cgf_build_fail(err, -1, "profile: out of memory", ret);
		goto out;
	}
	cgf_device_build_fill(rules, nr_rules, &profile->device,
			      (char *)profile + layout.device, nr_device);
	cgf_mount_build_fill(rules, nr_rules, &profile->mount, (char *)profile + layout.mount);
	cgf_kernel_build_fill(rules, nr_rules, &profile->kernel);
out:
	cgf_file_build_cleanup(&file_build);
	if (ret) {
		kvfree(profile);
		return ERR_PTR(ret);
	}
	return profile;
}

/**
 * cgf_profile_put_rcu() - free a profile once current RCU readers are done with it
 * @profile: the profile, or NULL
 *
 * The block is freed by the RCU core (kvfree_rcu()), not by a callback in this module,
 * so nothing has to wait for it before the module is unloaded.
 */
void cgf_profile_put_rcu(struct cgf_profile *profile)
{
	if (profile)
		kvfree_rcu(profile, rcu);
}

/**
 * cgf_profile_free() - free a profile at once
 * @profile: a profile no reader has seen, or NULL
 */
void cgf_profile_free(struct cgf_profile *profile)
{
	kvfree(profile);
}

/**
 * cgf_profile_mode() - the profile's mode
 * @profile: compiled profile
 *
 * Return: CGFENCE_MODE_ENFORCE or CGFENCE_MODE_COMPLAIN.
 */
u8 cgf_profile_mode(const struct cgf_profile *profile)
{
	return profile->mode;
}

/**
 * cgf_profile_nr_rules() - the number of rules the profile was built from
 * @profile: compiled profile
 *
 * Return: the rule count.
 */
u32 cgf_profile_nr_rules(const struct cgf_profile *profile)
{
	return profile->nr_rules;
}

u8 cgf_profile_file_default(const struct cgf_profile *profile)
{
	return profile->file.file_default;
}

/**
 * cgf_profile_serial() - the number that names this compiled profile
 * @profile: compiled profile
 *
 * Serials count up from 1 as profiles are built; 2^63 builds do not happen in a module's
 * life, so no two profiles ever share one, whatever addresses they get.
 *
 * Return: the serial, never 0.
 */
u64 cgf_profile_serial(const struct cgf_profile *profile)
{
	return profile->serial;
}

/**
 * cgf_profile_size() - memory the compiled profile occupies
 * @profile: compiled profile
 *
 * Return: the size in bytes of the profile's single allocation.
 */
size_t cgf_profile_size(const struct cgf_profile *profile)
{
	return profile->size;
}
