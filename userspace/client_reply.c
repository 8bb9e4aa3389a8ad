// SPDX-License-Identifier: GPL-2.0
/* Decoding of the module's replies into the client's rows: status, profiles, attachments. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "cgfence.h"
#include "client.h"
#include "encode.h"
#include "policy_int.h"
#include "util.h"

/* Exact sizes: a reply that disagrees with the uapi header is not trusted. */
static const struct nla_policy status_policy[CGFENCE_A_MAX + 1] = {
	[CGFENCE_A_STATUS_VERSION] = { .type = NLA_STRING, .maxlen = CGF_VERSION_MAX },
	[CGFENCE_A_STATUS_BACKEND] = { .type = NLA_U32, .minlen = 4, .maxlen = 4 },
	[CGFENCE_A_STATUS_HOOKS_ATTACHED] = { .type = NLA_U32, .minlen = 4, .maxlen = 4 },
	[CGFENCE_A_STATUS_HOOKS_TOTAL] = { .type = NLA_U32, .minlen = 4, .maxlen = 4 },
	[CGFENCE_A_STATUS_PROFILES] = { .type = NLA_U32, .minlen = 4, .maxlen = 4 },
	[CGFENCE_A_STATUS_ATTACHMENTS] = { .type = NLA_U32, .minlen = 4, .maxlen = 4 },
	[CGFENCE_A_STATUS_LOCKED] = { .type = NLA_U8, .minlen = 1, .maxlen = 1 },
	[CGFENCE_A_STATUS_DENIALS_LOST] = { .type = NLA_U64, .minlen = 8, .maxlen = 8 },
	[CGFENCE_A_STATUS_ON_EXEC] = { .type = NLA_U32, .minlen = 4, .maxlen = 4 },
	[CGFENCE_A_STATUS_PENDING] = { .type = NLA_U32, .minlen = 4, .maxlen = 4 },
};

static const struct nla_policy profile_policy[CGFENCE_A_MAX + 1] = {
	[CGFENCE_A_PROFILE_NAME] = { .type = NLA_STRING, .maxlen = CGFENCE_MAX_NAME },
	[CGFENCE_A_PROFILE_MODE] = { .type = NLA_U8, .minlen = 1, .maxlen = 1 },
	[CGFENCE_A_PROFILE_RULE_COUNT] = { .type = NLA_U32, .minlen = 4, .maxlen = 4 },
	[CGFENCE_A_PROFILE_ATTACHMENTS] = { .type = NLA_U32, .minlen = 4, .maxlen = 4 },
	[CGFENCE_A_PROFILE_GENERATION] = { .type = NLA_U64, .minlen = 8, .maxlen = 8 },
	[CGFENCE_A_PROFILE_KERNEL_ALLOW] = { .type = NLA_U32, .minlen = 4, .maxlen = 4 },
	[CGFENCE_A_COUNTERS] = { .type = NLA_NESTED },
	[CGFENCE_A_LEARNED_RECORDS] = { .type = NLA_U32, .minlen = 4, .maxlen = 4 },
	[CGFENCE_A_LEARNED_CAPACITY] = { .type = NLA_U32, .minlen = 4, .maxlen = 4 },
	[CGFENCE_A_LEARNED_MISSED] = { .type = NLA_U64, .minlen = 8, .maxlen = 8 },
};

static const struct nla_policy attach_policy[CGFENCE_A_MAX + 1] = {
	[CGFENCE_A_CGROUP_ID] = { .type = NLA_U64, .minlen = 8, .maxlen = 8 },
	[CGFENCE_A_CGROUP_PATH] = { .type = NLA_STRING, .maxlen = PATH_MAX },
	[CGFENCE_A_PROFILE_NAME] = { .type = NLA_STRING, .maxlen = CGFENCE_MAX_NAME },
	[CGFENCE_A_ATTACH_ON_EXEC] = { .type = NLA_FLAG },
	[CGFENCE_A_ATTACH_PENDING] = { .type = NLA_U32, .minlen = 4, .maxlen = 4 },
	[CGFENCE_A_COUNTERS] = { .type = NLA_NESTED },
};

#define U64_EXACT { .type = NLA_U64, .minlen = 8, .maxlen = 8 }

static const struct nla_policy counters_policy[CGFENCE_COUNTER_A_MAX + 1] = {
	[CGFENCE_COUNTER_A_DECISIONS] = U64_EXACT,
	[CGFENCE_COUNTER_A_DENIED_FILE] = U64_EXACT,
	[CGFENCE_COUNTER_A_DENIED_MOUNT] = U64_EXACT,
	[CGFENCE_COUNTER_A_DENIED_DEVICE] = U64_EXACT,
	[CGFENCE_COUNTER_A_DENIED_CGROUP] = U64_EXACT,
	[CGFENCE_COUNTER_A_DENIED_KERNEL] = U64_EXACT,
	[CGFENCE_COUNTER_A_WOULD_DENY_FILE] = U64_EXACT,
	[CGFENCE_COUNTER_A_WOULD_DENY_MOUNT] = U64_EXACT,
	[CGFENCE_COUNTER_A_WOULD_DENY_DEVICE] = U64_EXACT,
	[CGFENCE_COUNTER_A_WOULD_DENY_CGROUP] = U64_EXACT,
	[CGFENCE_COUNTER_A_WOULD_DENY_KERNEL] = U64_EXACT,
	[CGFENCE_COUNTER_A_DROPPED] = U64_EXACT,
};

/* Absent: an older module, nothing counted. Present: every counter must be there. */
static int counters_parse(struct nlattr *nest, struct cgf_counters_row *c)
{
	struct nlattr *tb[CGFENCE_COUNTER_A_MAX + 1];
	int i;

	memset(c, 0, sizeof(*c));
	if (!nest)
		return 0;
	if (nla_parse_nested(tb, CGFENCE_COUNTER_A_MAX, nest,
			     (struct nla_policy *)counters_policy) < 0)
		return -EBADMSG;
	for (i = CGFENCE_COUNTER_A_DECISIONS; i <= CGFENCE_COUNTER_A_DROPPED; i++)
		if (!tb[i])
			return -ENODATA;
	c->present = true;
	c->decisions = nla_get_u64(tb[CGFENCE_COUNTER_A_DECISIONS]);
	for (i = 0; i < CGF_DENIAL_KINDS; i++) {
		c->denied[i] = nla_get_u64(tb[CGFENCE_COUNTER_A_DENIED_FILE + i]);
		c->would_deny[i] = nla_get_u64(tb[CGFENCE_COUNTER_A_WOULD_DENY_FILE + i]);
	}
	c->dropped = nla_get_u64(tb[CGFENCE_COUNTER_A_DROPPED]);
	return 0;
}

static const struct nla_policy device_rule_policy[CGFENCE_RULE_A_MAX + 1] = {
	[CGFENCE_RULE_A_ID] = { .type = NLA_U32, .minlen = 4, .maxlen = 4 },
	[CGFENCE_RULE_A_EFFECT] = { .type = NLA_U8, .minlen = 1, .maxlen = 1 },
	[CGFENCE_RULE_A_DEV_TYPE] = { .type = NLA_U8, .minlen = 1, .maxlen = 1 },
	[CGFENCE_RULE_A_DEV_MAJOR] = { .type = NLA_U32, .minlen = 4, .maxlen = 4 },
	[CGFENCE_RULE_A_DEV_MINOR] = { .type = NLA_U32, .minlen = 4, .maxlen = 4 },
	[CGFENCE_RULE_A_DEV_ACCESS] = { .type = NLA_U8, .minlen = 1, .maxlen = 1 },
};

int cgf_status_parse(struct nlmsghdr *nlh, struct cgf_status *st)
{
	struct nlattr *tb[CGFENCE_A_MAX + 1];
	int i;

	memset(st, 0, sizeof(*st));
	if (genlmsg_parse(nlh, 0, tb, CGFENCE_A_MAX, (struct nla_policy *)status_policy) < 0)
		return -EBADMSG;
	/* A zero would look like a real answer: every field must be there. */
	for (i = CGFENCE_A_STATUS_VERSION; i <= CGFENCE_A_STATUS_LOCKED; i++)
		if (!tb[i])
			return -ENODATA;

	snprintf(st->module_version, sizeof(st->module_version), "%s",
		 nla_get_string(tb[CGFENCE_A_STATUS_VERSION]));
	st->backend = nla_get_u32(tb[CGFENCE_A_STATUS_BACKEND]);
	st->hooks_attached = nla_get_u32(tb[CGFENCE_A_STATUS_HOOKS_ATTACHED]);
	st->hooks_total = nla_get_u32(tb[CGFENCE_A_STATUS_HOOKS_TOTAL]);
	st->profiles = nla_get_u32(tb[CGFENCE_A_STATUS_PROFILES]);
	st->attachments = nla_get_u32(tb[CGFENCE_A_STATUS_ATTACHMENTS]);
	st->locked = nla_get_u8(tb[CGFENCE_A_STATUS_LOCKED]) != 0;
	if (tb[CGFENCE_A_STATUS_DENIALS_LOST]) {
		st->has_denials_lost = true;
		st->denials_lost = nla_get_u64(tb[CGFENCE_A_STATUS_DENIALS_LOST]);
	}
	if (tb[CGFENCE_A_STATUS_ON_EXEC] && tb[CGFENCE_A_STATUS_PENDING]) {
		st->has_on_exec = true;
		st->on_exec = nla_get_u32(tb[CGFENCE_A_STATUS_ON_EXEC]);
		st->pending = nla_get_u32(tb[CGFENCE_A_STATUS_PENDING]);
	}
	return 0;
}

static int parse(struct nlmsghdr *nlh, uint8_t cmd, struct nlattr **tb,
		 const struct nla_policy *policy)
{
	if (genlmsg_parse(nlh, 0, tb, CGFENCE_A_MAX, (struct nla_policy *)policy) < 0)
		return -EBADMSG;
	return ((struct genlmsghdr *)nlmsg_data(nlh))->cmd == cmd ? 0 : -EPROTO;
}

int cgf_profile_row_parse(struct nlmsghdr *nlh, struct cgf_profile_row *row)
{
	static const int needed[] = {
		CGFENCE_A_PROFILE_NAME, CGFENCE_A_PROFILE_MODE, CGFENCE_A_PROFILE_RULE_COUNT,
		CGFENCE_A_PROFILE_ATTACHMENTS, CGFENCE_A_PROFILE_GENERATION,
	};
	struct nlattr *tb[CGFENCE_A_MAX + 1];
	size_t i;
	int err;

	memset(row, 0, sizeof(*row));
	err = parse(nlh, CGFENCE_CMD_PROFILE_GET, tb, profile_policy);
	if (err)
		return err;
	for (i = 0; i < ARRAY_SIZE(needed); i++)
		if (!tb[needed[i]])
			return -ENODATA;
	snprintf(row->name, sizeof(row->name), "%s", nla_get_string(tb[CGFENCE_A_PROFILE_NAME]));
	row->mode = nla_get_u8(tb[CGFENCE_A_PROFILE_MODE]);
	row->rules = nla_get_u32(tb[CGFENCE_A_PROFILE_RULE_COUNT]);
	row->attachments = nla_get_u32(tb[CGFENCE_A_PROFILE_ATTACHMENTS]);
	row->generation = nla_get_u64(tb[CGFENCE_A_PROFILE_GENERATION]);
	if (tb[CGFENCE_A_PROFILE_KERNEL_ALLOW])
		row->kernel_allow = nla_get_u32(tb[CGFENCE_A_PROFILE_KERNEL_ALLOW]);
	/* The three come together, or the module keeps no set for the profile. */
	row->learning = tb[CGFENCE_A_LEARNED_RECORDS] || tb[CGFENCE_A_LEARNED_CAPACITY] ||
			tb[CGFENCE_A_LEARNED_MISSED];
	if (row->learning) {
		if (!tb[CGFENCE_A_LEARNED_RECORDS] || !tb[CGFENCE_A_LEARNED_CAPACITY] ||
		    !tb[CGFENCE_A_LEARNED_MISSED])
			return -ENODATA;
		row->learned = nla_get_u32(tb[CGFENCE_A_LEARNED_RECORDS]);
		row->learned_capacity = nla_get_u32(tb[CGFENCE_A_LEARNED_CAPACITY]);
		row->learned_missed = nla_get_u64(tb[CGFENCE_A_LEARNED_MISSED]);
	}
	return counters_parse(tb[CGFENCE_A_COUNTERS], &row->counters);
}

int cgf_attach_row_parse(struct nlmsghdr *nlh, struct cgf_attach_row *row)
{
	struct nlattr *tb[CGFENCE_A_MAX + 1];
	int err;

	memset(row, 0, sizeof(*row));
	err = parse(nlh, CGFENCE_CMD_ATTACH_GET, tb, attach_policy);
	if (err)
		return err;
	if (!tb[CGFENCE_A_CGROUP_ID] || !tb[CGFENCE_A_CGROUP_PATH] || !tb[CGFENCE_A_PROFILE_NAME])
		return -ENODATA;
	row->path = strdup(nla_get_string(tb[CGFENCE_A_CGROUP_PATH]));
	if (!row->path)
		return -ENOMEM;
	row->cgroup_id = nla_get_u64(tb[CGFENCE_A_CGROUP_ID]);
	snprintf(row->profile, sizeof(row->profile), "%s",
		 nla_get_string(tb[CGFENCE_A_PROFILE_NAME]));
	row->on_exec = nla_get_flag(tb[CGFENCE_A_ATTACH_ON_EXEC]);
	if (tb[CGFENCE_A_ATTACH_PENDING])
		row->pending = nla_get_u32(tb[CGFENCE_A_ATTACH_PENDING]);
	err = counters_parse(tb[CGFENCE_A_COUNTERS], &row->counters);
	if (err) {
		free(row->path);
		row->path = NULL;
	}
	return err;
}

void cgf_listing_free(struct cgf_listing *listing)
{
	size_t i;

	for (i = 0; i < listing->nr_attachments; i++)
		free(listing->attachments[i].path);
	free(listing->attachments);
	free(listing->profiles);
	memset(listing, 0, sizeof(*listing));
}

/* Room doubles whenever the count reaches a power of two; NULL when memory ran out. */
static void *grow(void *array, size_t nr, size_t size)
{
	if (nr & (nr - 1))
		return array;
	return realloc(array, (nr ? nr * 2 : 1) * size);
}

int cgf_listing_add_profile(struct cgf_listing *l, struct nlmsghdr *nlh)
{
	struct cgf_profile_row *rows;
	int err;

	rows = grow(l->profiles, l->nr_profiles, sizeof(*rows));
	if (!rows)
		return -ENOMEM;
	l->profiles = rows;
	err = cgf_profile_row_parse(nlh, &rows[l->nr_profiles]);
	if (!err)
		l->nr_profiles++;
	return err;
}

int cgf_listing_add_attach(struct cgf_listing *l, struct nlmsghdr *nlh)
{
	struct cgf_attach_row *rows;
	int err;

	rows = grow(l->attachments, l->nr_attachments, sizeof(*rows));
	if (!rows)
		return -ENOMEM;
	l->attachments = rows;
	err = cgf_attach_row_parse(nlh, &rows[l->nr_attachments]);
	if (!err)
		l->nr_attachments++;
	return err;
}

int cgf_device_rules_parse(struct nlattr *nest, struct cgf_profile_row *row)
{
	struct nlattr *tb[CGFENCE_RULE_A_MAX + 1];
	struct cgf_policy_rule *r;
	struct nlattr *one;
	int rem;

	nla_for_each_nested(one, nest, rem) {
		if (nla_parse_nested(tb, CGFENCE_RULE_A_MAX, one,
				     (struct nla_policy *)device_rule_policy) < 0 ||
		    !tb[CGFENCE_RULE_A_ID] || !tb[CGFENCE_RULE_A_EFFECT] ||
		    !tb[CGFENCE_RULE_A_DEV_TYPE] || !tb[CGFENCE_RULE_A_DEV_MAJOR] ||
		    !tb[CGFENCE_RULE_A_DEV_MINOR] || !tb[CGFENCE_RULE_A_DEV_ACCESS])
			return -EBADMSG;
		r = grow(row->devices, row->nr_devices, sizeof(*r));
		if (!r)
			return -ENOMEM;
		row->devices = r;
		r = &row->devices[row->nr_devices++];
		memset(r, 0, sizeof(*r));
		r->id = nla_get_u32(tb[CGFENCE_RULE_A_ID]);
		r->kind = CGFENCE_RULE_DEVICE;
		r->effect = nla_get_u8(tb[CGFENCE_RULE_A_EFFECT]);
		r->dev_type = nla_get_u8(tb[CGFENCE_RULE_A_DEV_TYPE]);
		r->dev_major = nla_get_u32(tb[CGFENCE_RULE_A_DEV_MAJOR]);
		r->dev_minor = nla_get_u32(tb[CGFENCE_RULE_A_DEV_MINOR]);
		r->dev_access = nla_get_u8(tb[CGFENCE_RULE_A_DEV_ACCESS]);
	}
	return 0;
}

int cgf_profile_parse(struct nlmsghdr *nlh, struct cgf_profile_row *row)
{
	struct nlattr *tb[CGFENCE_A_MAX + 1];
	int err;

	err = cgf_profile_row_parse(nlh, row);
	if (err)
		return err;
	if (genlmsg_parse(nlh, 0, tb, CGFENCE_A_MAX, NULL) < 0)
		return -EBADMSG;
	row->devices_truncated = tb[CGFENCE_A_DEVICE_RULES_TRUNCATED];
	if (!tb[CGFENCE_A_DEVICE_RULES])
		return 0;
	return cgf_device_rules_parse(tb[CGFENCE_A_DEVICE_RULES], row);
}

void cgf_rule_listing_free(struct cgf_rule_listing *l)
{
	free(l->rules);
	if (l->arena) {
		cgf_arena_release(l->arena);
		free(l->arena);
	}
	memset(l, 0, sizeof(*l));
}

static const struct nla_policy rules_reply_policy[CGFENCE_A_MAX + 1] = {
	[CGFENCE_A_PROFILE_NAME] = { .type = NLA_STRING, .maxlen = CGFENCE_MAX_NAME },
	[CGFENCE_A_PROFILE_GENERATION] = { .type = NLA_U64, .minlen = 8, .maxlen = 8 },
	[CGFENCE_A_RULES] = { .type = NLA_NESTED },
};

int cgf_rule_listing_add(struct cgf_rule_listing *l, struct nlmsghdr *nlh)
{
	struct nlattr *tb[CGFENCE_A_MAX + 1];
	struct cgf_policy_rule *r;
	struct nlattr *one;
	uint64_t generation;
	int rem, err;

	if (((struct genlmsghdr *)nlmsg_data(nlh))->cmd != CGFENCE_CMD_RULE_GET)
		return -EPROTO;
	if (genlmsg_parse(nlh, 0, tb, CGFENCE_A_MAX, (struct nla_policy *)rules_reply_policy) < 0)
		return -EBADMSG;
	if (!tb[CGFENCE_A_PROFILE_GENERATION] || !tb[CGFENCE_A_RULES])
		return -ENODATA;
	generation = nla_get_u64(tb[CGFENCE_A_PROFILE_GENERATION]);
	if (l->generation && l->generation != generation)
		return -EBADMSG;
	l->generation = generation;
	if (!l->arena) {
		l->arena = calloc(1, sizeof(*l->arena));
		if (!l->arena)
			return -ENOMEM;
	}
	nla_for_each_nested(one, tb[CGFENCE_A_RULES], rem) {
		r = grow(l->rules, l->nr_rules, sizeof(*r));
		if (!r)
			return -ENOMEM;
		l->rules = r;
		err = cgf_decode_rule(one, &l->rules[l->nr_rules], l->arena);
		if (err)
			return err;
		l->nr_rules++;
	}
	return 0;
}
