// SPDX-License-Identifier: GPL-2.0
/* cgfence engine mount rules: operation, filesystem type, source, target and options. */

#include <linux/overflow.h>
#include <linux/string.h>

#include "engine_internal.h"
#include "path_glob.h"

static_assert(CGFENCE_MAX_PATTERN - 1 <= U16_MAX && CGFENCE_MAX_FSTYPE - 1 <= U16_MAX);
/* Messages spell the limits out. */
static_assert(CGFENCE_MAX_PATTERN - 1 == 4095 && CGFENCE_MAX_FSTYPE - 1 == 63);

static const char * const cgf_mount_source_msgs[CGF_PATTERN_NR_ERRORS] = {
	[CGF_PATTERN_EMPTY] = "mount rule: source pattern is empty",
	[CGF_PATTERN_TOO_LONG] = "mount rule: source pattern is longer than 4095 bytes",
	[CGF_PATTERN_NOT_ABSOLUTE] = "mount rule: source pattern must start with '/'",
	[CGF_PATTERN_NUL] = "mount rule: source pattern contains a NUL byte",
	[CGF_PATTERN_EMPTY_COMPONENT] = "mount rule: source pattern has an empty component ('//')",
	[CGF_PATTERN_TRAILING_SLASH] = "mount rule: source pattern must not end with '/'",
	[CGF_PATTERN_DOT] = "mount rule: source pattern has a '.' or '..' component",
	[CGF_PATTERN_GLOBSTAR] = "mount rule: source pattern: '**' must be a whole component",
	[CGF_PATTERN_LONE_BACKSLASH] = "mount rule: source pattern ends in a lone '\\'",
	[CGF_PATTERN_ESCAPED_SLASH] = "mount rule: source pattern escapes a '/' (never matches)",
};

static const char * const cgf_mount_target_msgs[CGF_PATTERN_NR_ERRORS] = {
	[CGF_PATTERN_EMPTY] = "mount rule: target pattern is empty",
	[CGF_PATTERN_TOO_LONG] = "mount rule: target pattern is longer than 4095 bytes",
	[CGF_PATTERN_NOT_ABSOLUTE] = "mount rule: target pattern must start with '/'",
	[CGF_PATTERN_NUL] = "mount rule: target pattern contains a NUL byte",
	[CGF_PATTERN_EMPTY_COMPONENT] = "mount rule: target pattern has an empty component ('//')",
	[CGF_PATTERN_TRAILING_SLASH] = "mount rule: target pattern must not end with '/'",
	[CGF_PATTERN_DOT] = "mount rule: target pattern has a '.' or '..' component",
	[CGF_PATTERN_GLOBSTAR] = "mount rule: target pattern: '**' must be a whole component",
	[CGF_PATTERN_LONE_BACKSLASH] = "mount rule: target pattern ends in a lone '\\'",
	[CGF_PATTERN_ESCAPED_SLASH] = "mount rule: target pattern escapes a '/' (never matches)",
};

static bool cgf_fstype_is_any(const char *fstype, u32 len)
{
	return len == 1 && fstype[0] == '*';
}

static int cgf_fstype_validate(const char *fstype, u32 len, const char **msg)
{
	u32 i;
	char c;

	if (!len) {
		*msg = "mount rule: fstype is empty";
		return -EINVAL;
	}
	if (len > CGFENCE_MAX_FSTYPE - 1) {
		*msg = "mount rule: fstype is longer than 63 bytes";
		return -E2BIG;
	}
	if (cgf_fstype_is_any(fstype, len))
		return 0;
	for (i = 0; i < len; i++) {
		c = fstype[i];
		if ((c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '.' && c != '_' &&
		    c != '-') {
			*msg = "mount rule: fstype must be '*' or made of a-z 0-9 . _ -";
			return -EINVAL;
		}
	}
	return 0;
}

/* A source not starting with '/' names a device or filesystem ("tmpfs", "none"). */
static int cgf_mount_source_validate(const char *source, u32 len, const char **msg)
{
	if (!len || source[0] == '/')
		return cgf_pattern_validate(source, len, cgf_mount_source_msgs, msg);
	if (len > CGFENCE_MAX_PATTERN - 1) {
		*msg = cgf_mount_source_msgs[CGF_PATTERN_TOO_LONG];
		return -E2BIG;
	}
	if (memchr(source, '/', len)) {
		*msg = "mount rule: source name (no leading '/') contains a '/'";
		return -EINVAL;
	}
	if (memchr(source, '\0', len)) {
		*msg = "mount rule: source name contains a NUL byte";
		return -EINVAL;
	}
	return 0;
}

/**
 * cgf_mount_rule_validate() - check the kind-specific fields of a mount rule
 * @rule: a rule of kind CGFENCE_RULE_MOUNT
 * @msg: where to store the message on failure
 *
 * Return: 0, or a negative errno (-E2BIG for a string over its limit) with *@msg set.
 */
int cgf_mount_rule_validate(const struct cgf_rule *rule, const char **msg)
{
	int ret;

	if (!rule->mount.ops || rule->mount.ops & ~CGFENCE_MOUNT_ALL) {
		*msg = "mount rule: operations must be a non-empty set of known operations";
		return -EINVAL;
	}
	if ((rule->mount.require | rule->mount.forbid) & ~CGFENCE_MOPT_ALL) {
		*msg = "mount rule: unknown mount option in require or forbid";
		return -EINVAL;
	}
	if (rule->mount.require & rule->mount.forbid) {
		*msg = "mount rule: an option is both required and forbidden";
		return -EINVAL;
	}
	if (rule->mount.fstype) {
		ret = cgf_fstype_validate(rule->mount.fstype, rule->mount.fstype_len, msg);
		if (ret)
			return ret;
	}
	if (rule->mount.source) {
		ret = cgf_mount_source_validate(rule->mount.source, rule->mount.source_len, msg);
		if (ret)
			return ret;
	}
	if (rule->mount.target)
		return cgf_pattern_validate(rule->mount.target, rule->mount.target_len,
					    cgf_mount_target_msgs, msg);
	return 0;
}

/* The fstype kept: none for "*", which matches like an absent one. */
static u32 cgf_mount_fstype_len(const struct cgf_rule *rule)
{
	if (!rule->mount.fstype ||
	    cgf_fstype_is_any(rule->mount.fstype, rule->mount.fstype_len))
		return 0;
	return rule->mount.fstype_len;
}

/**
 * cgf_mount_build_size() - bytes the mount rules need in the profile
 * @rules: the profile's rules, already validated
 * @nr_rules: number of @rules
 *
 * Return: the size, saturated at SIZE_MAX.
 */
size_t cgf_mount_build_size(const struct cgf_rule *rules, u32 nr_rules)
{
	size_t size = 0;
	u32 i, nr_mount = 0;

	for (i = 0; i < nr_rules; i++) {
		if (rules[i].kind != CGFENCE_RULE_MOUNT)
			continue;
		nr_mount++;
		size = size_add(size, cgf_mount_fstype_len(&rules[i]));
		if (rules[i].mount.source)
			size = size_add(size, rules[i].mount.source_len);
		if (rules[i].mount.target)
			size = size_add(size, rules[i].mount.target_len);
	}
	return size_add(size, array_size(nr_mount, sizeof(struct cgf_mount_rule)));
}

static const char *cgf_mount_copy(char **strings, const char *s, u32 len)
{
	const char *copy = *strings;

	memcpy(*strings, s, len);
	*strings += len;
	return copy;
}

/**
 * cgf_mount_build_fill() - copy the mount rules and their strings into their section
 * @rules: the profile's rules, already validated
 * @nr_rules: number of @rules
 * @mount: the profile's mount rules to point at the section
 * @section: memory of cgf_mount_build_size() bytes
 */
void cgf_mount_build_fill(const struct cgf_rule *rules, u32 nr_rules,
			  struct cgf_mount_rules *mount, void *section)
{
	struct cgf_mount_rule *table = section, *entry;
	const struct cgf_rule *rule;
	char *strings;
	u32 i, nr_mount = 0;

	for (i = 0; i < nr_rules; i++)
		nr_mount += rules[i].kind == CGFENCE_RULE_MOUNT;
	strings = (char *)(table + nr_mount);

	entry = table;
	for (i = 0; i < nr_rules; i++) {
		rule = &rules[i];
		if (rule->kind != CGFENCE_RULE_MOUNT)
			continue;
		entry->id = rule->id;
		entry->effect = rule->effect;
		entry->ops = rule->mount.ops;
		entry->require = rule->mount.require;
		entry->forbid = rule->mount.forbid;
		entry->fstype_len = cgf_mount_fstype_len(rule);
		if (entry->fstype_len)
			entry->fstype = cgf_mount_copy(&strings, rule->mount.fstype,
						       entry->fstype_len);
		if (rule->mount.source) {
			entry->source_len = rule->mount.source_len;
			entry->source = cgf_mount_copy(&strings, rule->mount.source,
						       entry->source_len);
			entry->source_is_pattern = entry->source[0] == '/';
		}
		if (rule->mount.target) {
			entry->target_len = rule->mount.target_len;
			entry->target = cgf_mount_copy(&strings, rule->mount.target,
						       entry->target_len);
		}
		entry++;
	}
	mount->rules = table;
	mount->nr_rules = nr_mount;
}

static bool cgf_mount_source_matches(const struct cgf_mount_rule *rule,
				     const struct cgf_mount_request *request)
{
	if (!rule->source)
		return true;
	/* A source nobody could resolve might be anything: deny rules must still see it. */
	if (request->source_unknown)
		return rule->effect == CGFENCE_EFFECT_DENY;
	if (!request->source)
		return false;
	if (rule->source_is_pattern)
		return cgf_glob_match(rule->source, rule->source_len, request->source,
				      request->source_len);
	return rule->source_len == request->source_len &&
	       !memcmp(rule->source, request->source, rule->source_len);
}

static bool cgf_mount_rule_matches(const struct cgf_mount_rule *rule,
				   const struct cgf_mount_request *request)
{
	if (!(rule->ops & request->op))
		return false;
	if ((request->opts & rule->require) != rule->require || request->opts & rule->forbid)
		return false;
	if (rule->fstype && (!request->fstype || request->fstype_len != rule->fstype_len ||
			     memcmp(rule->fstype, request->fstype, rule->fstype_len)))
		return false;
	if (!cgf_mount_source_matches(rule, request))
		return false;
	return !rule->target ||
	       (request->target && cgf_glob_match(rule->target, rule->target_len,
						  request->target, request->target_len));
}

/**
 * cgf_mount_check() - decide a mount operation
 * @profile: compiled profile
 * @request: the operation, its options, fstype, source and target
 * @verdict: denied is @request->op when refused; rule_id the smallest matching deny id
 *
 * A matching deny rule refuses (and wins); otherwise a matching allow rule permits;
 * otherwise the operation is refused with rule id 0. A request whose op is not exactly
 * one known CGFENCE_MOUNT_* bit is refused (denied = op, or CGFENCE_MOUNT_ALL for 0).
 *
 * The rules are scanned linearly: mount rules are few (a profile names a handful of
 * filesystems and mount points), and each match is bounded by its pattern's length.
 *
 * Context: any, including preemption disabled: no sleep, no allocation.
 */
void cgf_mount_check(const struct cgf_profile *profile, const struct cgf_mount_request *request,
		     struct cgf_verdict *verdict)
{
	const struct cgf_mount_rules *mount = &profile->mount;
	const struct cgf_mount_rule *rule;
	u32 op = request->op, deny_id = 0;
	bool allowed = false;

	verdict->denied = op ? op : CGFENCE_MOUNT_ALL;
	verdict->rule_id = 0;
	if (!op || op & (op - 1) || op & ~CGFENCE_MOUNT_ALL)
		return;

	for (rule = mount->rules; rule < mount->rules + mount->nr_rules; rule++) {
		if (!cgf_mount_rule_matches(rule, request))
			continue;
		if (rule->effect == CGFENCE_EFFECT_ALLOW)
			allowed = true;
		else if (!deny_id || rule->id < deny_id)
			deny_id = rule->id;
	}
	if (deny_id)
		verdict->rule_id = deny_id;
	else if (allowed)
		verdict->denied = 0;
}
