// SPDX-License-Identifier: GPL-2.0
/* cgfence engine device rules: a table sorted by device number, and its verdict. */

#include <linux/bits.h>
#include <linux/types.h>
#include <linux/kdev_t.h>
#include <linux/overflow.h>
#include <linux/sort.h>

#include "engine_internal.h"

/* What a dev_t can hold: 12 bits of major, MINORBITS (20) of minor. */
#define CGF_DEV_MAJOR_LIMIT	BIT(32 - MINORBITS)
#define CGF_DEV_MINOR_LIMIT	BIT(MINORBITS)

#define CGF_DEV_TYPES	(CGFENCE_DEV_CHAR | CGFENCE_DEV_BLOCK)
#define CGF_DEV_ACCESS	(CGFENCE_DEV_READ | CGFENCE_DEV_WRITE | CGFENCE_DEV_MKNOD)

/**
 * cgf_device_rule_validate() - check the kind-specific fields of a device rule
 * @rule: a rule of kind CGFENCE_RULE_DEVICE
 * @msg: where to store the message on failure
 *
 * Return: 0, or -EINVAL with *@msg set.
 */
int cgf_device_rule_validate(const struct cgf_rule *rule, const char **msg)
{
	if (!rule->device.type || rule->device.type & ~CGF_DEV_TYPES)
		*msg = "device rule: type must be c, b or both";
	else if (!rule->device.access || rule->device.access & ~CGF_DEV_ACCESS)
		*msg = "device rule: access must be a non-empty set of r, w and m";
	else if (rule->device.major != CGFENCE_DEV_ANY &&
		 rule->device.major >= CGF_DEV_MAJOR_LIMIT)
		*msg = "device rule: major number must be below 4096, or '*'";
	else if (rule->device.minor != CGFENCE_DEV_ANY &&
		 rule->device.minor >= CGF_DEV_MINOR_LIMIT)
		*msg = "device rule: minor number must be below 1048576, or '*'";
	else
		return 0;
	return -EINVAL;
}

static_assert(CGF_DEV_MAJOR_LIMIT == 4096 && CGF_DEV_MINOR_LIMIT == 1048576);

/* (major, minor) order, CGFENCE_DEV_ANY last; then id, so scans meet small ids first. */
static int cgf_device_rule_cmp(const void *a, const void *b)
{
	const struct cgf_device_rule *x = a, *y = b;

	if (x->major != y->major)
		return x->major < y->major ? -1 : 1;
	if (x->minor != y->minor)
		return x->minor < y->minor ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/**
 * cgf_device_build_size() - bytes the device table needs in the profile
 * @nr_device: number of device rules
 *
 * Return: the size, saturated at SIZE_MAX.
 */
size_t cgf_device_build_size(u32 nr_device)
{
	return array_size(nr_device, sizeof(struct cgf_device_rule));
}

/**
 * cgf_device_build_fill() - copy the device rules into their section and sort them
 * @rules: the profile's rules, already validated
 * @nr_rules: number of @rules
 * @device: the profile's device table to point at the section
 * @section: memory of cgf_device_build_size(@nr_device) bytes
 * @nr_device: number of device rules among @rules
 */
void cgf_device_build_fill(const struct cgf_rule *rules, u32 nr_rules,
			   struct cgf_device_rules *device, void *section, u32 nr_device)
{
	struct cgf_device_rule *table = section, *entry = table;
	u32 i;

	for (i = 0; i < nr_rules; i++) {
		if (rules[i].kind != CGFENCE_RULE_DEVICE)
			continue;
		entry->major = rules[i].device.major;
		entry->minor = rules[i].device.minor;
		entry->id = rules[i].id;
		entry->type = rules[i].device.type;
		entry->access = rules[i].device.access;
		entry->effect = rules[i].effect;
		entry++;
	}
	sort(table, nr_device, sizeof(*table), cgf_device_rule_cmp, NULL);
	device->rules = table;
	device->nr_rules = nr_device;
}

struct cgf_device_scan {
	u8 type;
	u32 access;	/* requested */
	u32 granted;
	u32 refused;
	u32 deny_id;
};

/* Applies the rules for exactly (@major, @minor), found by binary search. */
static void cgf_device_scan_number(const struct cgf_device_rules *device,
				   struct cgf_device_scan *scan, u32 major, u32 minor)
{
	const struct cgf_device_rule key = { .major = major, .minor = minor, .id = 0 };
	const struct cgf_device_rule *rule;
	u32 lo = 0, hi = device->nr_rules, mid;

	/* First entry not below (major, minor, 0): ids are nonzero, so the first of its run. */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (cgf_device_rule_cmp(&device->rules[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (rule = device->rules + lo; rule < device->rules + device->nr_rules &&
	     rule->major == major && rule->minor == minor; rule++) {
		if (!(rule->type & scan->type))
			continue;
		if (rule->effect == CGFENCE_EFFECT_ALLOW) {
			scan->granted |= rule->access;
			continue;
		}
		scan->refused |= rule->access;
		if (rule->access & scan->access && (!scan->deny_id || rule->id < scan->deny_id))
			scan->deny_id = rule->id;
	}
}

/**
 * cgf_device_check() - decide access to a device by its type and number
 * @profile: compiled profile
 * @type: CGFENCE_DEV_CHAR or CGFENCE_DEV_BLOCK
 * @major: the device's major number
 * @minor: the device's minor number
 * @access: CGFENCE_DEV_* access bits asked for
 * @verdict: the access bits refused, and the smallest id of a deny rule refusing one
 *
 * A rule applies when its type set holds @type and its major and minor are equal or
 * ``*``. Deny rules refuse their bits whatever allows them; a bit no allow rule grants is
 * refused with rule id 0. Four binary searches, for (major, minor), (major, ``*``),
 * (``*``, minor) and (``*``, ``*``), so the cost does not grow with the table.
 *
 * Context: any, including preemption disabled: no sleep, no allocation.
 */
void cgf_device_check(const struct cgf_profile *profile, u8 type, u32 major, u32 minor,
		      u32 access, struct cgf_verdict *verdict)
{
	const struct cgf_device_rules *device = &profile->device;
	struct cgf_device_scan scan = { .type = type, .access = access };

	verdict->denied = access;
	verdict->rule_id = 0;
	/* A request for no or both types is a caller bug: nothing grants it. */
	if (!access || (type != CGFENCE_DEV_CHAR && type != CGFENCE_DEV_BLOCK))
		return;

	cgf_device_scan_number(device, &scan, major, minor);
	cgf_device_scan_number(device, &scan, major, CGFENCE_DEV_ANY);
	cgf_device_scan_number(device, &scan, CGFENCE_DEV_ANY, minor);
	cgf_device_scan_number(device, &scan, CGFENCE_DEV_ANY, CGFENCE_DEV_ANY);

	verdict->denied = access & (scan.refused | ~scan.granted);
	verdict->rule_id = scan.deny_id;
}

int cgf_profile_device_rule(const struct cgf_profile *profile, u32 index, struct cgf_rule *rule)
{
	const struct cgf_device_rule *dr;

	if (index >= profile->device.nr_rules)
		return -ENOENT;
	dr = &profile->device.rules[index];
	memset(rule, 0, sizeof(*rule));
	rule->id = dr->id;
	rule->kind = CGFENCE_RULE_DEVICE;
	rule->effect = dr->effect;
	rule->device.type = dr->type;
	rule->device.access = dr->access;
	rule->device.major = dr->major;
	rule->device.minor = dr->minor;
	return 0;
}
