// SPDX-License-Identifier: GPL-2.0
/* cgfence control plane, reading: profile and attachment dumps, denial dumps and multicast. */

#include <linux/cgroup.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include <uapi/cgfence.h>

#include "compat.h"
#include "control_base.h"
#include "engine.h"
#include "events.h"
#include "learned.h"
#include "store.h"

static int cgf_put_counters(struct sk_buff *msg, const struct cgf_counters *c)
{
	struct nlattr *nest;
	int k;

	nest = nla_nest_start(msg, CGFENCE_A_COUNTERS);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(msg, CGFENCE_COUNTER_A_DECISIONS, c->decisions,
			      CGFENCE_COUNTER_A_PAD) ||
	    nla_put_u64_64bit(msg, CGFENCE_COUNTER_A_DROPPED, c->dropped, CGFENCE_COUNTER_A_PAD))
		goto cancel;
	for (k = 0; k < CGF_DENIAL_KINDS; k++)
		if (nla_put_u64_64bit(msg, CGFENCE_COUNTER_A_DENIED_FILE + k, c->denied[k],
				      CGFENCE_COUNTER_A_PAD) ||
		    nla_put_u64_64bit(msg, CGFENCE_COUNTER_A_WOULD_DENY_FILE + k, c->would_deny[k],
				      CGFENCE_COUNTER_A_PAD))
			goto cancel;
	nla_nest_end(msg, nest);
	return 0;
cancel:
	nla_nest_cancel(msg, nest);
	return -EMSGSIZE;
}

static int cgf_put_profile(struct sk_buff *msg, const struct cgf_profile_info *profile)
{
	if (nla_put_string(msg, CGFENCE_A_PROFILE_NAME, profile->name) ||
	    nla_put_u8(msg, CGFENCE_A_PROFILE_MODE, profile->mode) ||
	    nla_put_u8(msg, CGFENCE_A_PROFILE_FILE_DEFAULT, profile->file_default) ||
	    nla_put_u64_64bit(msg, CGFENCE_A_PROFILE_GENERATION, profile->generation,
			      CGFENCE_A_PAD) ||
	    nla_put_u32(msg, CGFENCE_A_PROFILE_RULE_COUNT, profile->nr_rules) ||
	    nla_put_u32(msg, CGFENCE_A_PROFILE_ATTACHMENTS, profile->nr_attachments) ||
	    nla_put_u32(msg, CGFENCE_A_PROFILE_KERNEL_ALLOW,
			cgf_profile_kernel_allow(profile->compiled)) ||
	    cgf_put_counters(msg, &profile->counters))
		return -EMSGSIZE;
	if (profile->learning &&
	    (nla_put_u32(msg, CGFENCE_A_LEARNED_RECORDS, profile->learned_nr) ||
	     nla_put_u32(msg, CGFENCE_A_LEARNED_CAPACITY, profile->learned_capacity) ||
	     nla_put_u64_64bit(msg, CGFENCE_A_LEARNED_MISSED, profile->learned_missed,
			       CGFENCE_A_PAD)))
		return -EMSGSIZE;
	return 0;
}

/*
 * The store writes @generation under its mutex before any entry; each message, and the
 * final DONE through cb->seq, is marked NLM_F_DUMP_INTR when it differs from the
 * previous dumpit call's.
 */
struct cgf_dump_ctx {
	struct sk_buff *msg;
	struct netlink_callback *cb;
	u64 generation;
	char *path;	/* scratch for cgroup paths */
};

/* One message of a store dump, marked NLM_F_DUMP_INTR when the store changed under it. */
static void *cgf_dump_entry_start(struct cgf_dump_ctx *ctx, u8 cmd)
{
	void *hdr;

	hdr = genlmsg_put(ctx->msg, NETLINK_CB(ctx->cb->skb).portid, ctx->cb->nlh->nlmsg_seq,
			  &cgf_genl_family, NLM_F_MULTI, cmd);
	if (!hdr)
		return NULL;
	ctx->cb->seq = ctx->generation;
	genl_dump_check_consistent(ctx->cb, hdr);
	return hdr;
}

static int cgf_fill_profile(const struct cgf_profile_info *profile, void *arg)
{
	struct cgf_dump_ctx *ctx = arg;
	void *hdr;

	hdr = cgf_dump_entry_start(ctx, CGFENCE_CMD_PROFILE_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (cgf_put_profile(ctx->msg, profile)) {
		genlmsg_cancel(ctx->msg, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(ctx->msg, hdr);
	return 0;
}

int cgf_nl_profile_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct cgf_dump_ctx ctx = { .msg = skb, .cb = cb };
	unsigned long index = cb->args[0];
	int err;

	err = cgf_nl_dump_permitted(cb);
	if (err)
		return err;
	cgf_store_dump_profiles(&index, &ctx.generation, NULL, cgf_fill_profile, &ctx);
	cb->seq = ctx.generation;
	cb->args[0] = index;
	return skb->len;
}

struct cgf_reply_ctx {
	struct sk_buff *msg;
	bool found;
};

/*
 * cgroup v2 has no way to list the device rules it enforces; a profile's reply lists
 * its own, as compiled, up to what one reply holds (then a truncation flag).
 */
static int cgf_put_device_rules(struct sk_buff *msg, const struct cgf_profile *profile)
{
	struct nlattr *rules, *one;
	struct cgf_rule rule;
	u32 i;

	rules = nla_nest_start(msg, CGFENCE_A_DEVICE_RULES);
	if (!rules)
		return -EMSGSIZE;
	for (i = 0; !cgf_profile_device_rule(profile, i, &rule); i++) {
		one = nla_nest_start(msg, CGFENCE_RULE_A_RULE);
		if (!one ||
		    nla_put_u32(msg, CGFENCE_RULE_A_ID, rule.id) ||
		    nla_put_u8(msg, CGFENCE_RULE_A_KIND, rule.kind) ||
		    nla_put_u8(msg, CGFENCE_RULE_A_EFFECT, rule.effect) ||
		    nla_put_u8(msg, CGFENCE_RULE_A_DEV_TYPE, rule.device.type) ||
		    nla_put_u32(msg, CGFENCE_RULE_A_DEV_MAJOR, rule.device.major) ||
		    nla_put_u32(msg, CGFENCE_RULE_A_DEV_MINOR, rule.device.minor) ||
		    nla_put_u8(msg, CGFENCE_RULE_A_DEV_ACCESS, rule.device.access)) {
			if (one)
				nla_nest_cancel(msg, one);
			nla_nest_end(msg, rules);
			return nla_put_flag(msg, CGFENCE_A_DEVICE_RULES_TRUNCATED);
		}
		nla_nest_end(msg, one);
	}
	nla_nest_end(msg, rules);
	return 0;
}

static int cgf_reply_profile(const struct cgf_profile_info *profile, void *arg)
{
	struct cgf_reply_ctx *ctx = arg;

	ctx->found = true;
	/* One is all we want. */
	return cgf_put_profile(ctx->msg, profile) ?:
	       cgf_put_device_rules(ctx->msg, profile->compiled) ?: 1;
}

int cgf_nl_profile_get(struct sk_buff *skb, struct genl_info *info)
{
	struct cgf_reply_ctx ctx = { .found = false };
	unsigned long index = 0;
	const char *name;
	u64 generation;
	void *hdr;
	int err;

	err = cgf_nl_get_name(info, &name);
	if (err)
		return err;
	/* Room for a few thousand device rules; beyond that the reply says it is cut. */
	ctx.msg = nlmsg_new(SZ_64K, GFP_KERNEL);
	if (!ctx.msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(ctx.msg, info, &cgf_genl_family, 0, CGFENCE_CMD_PROFILE_GET);
	if (!hdr) {
		nlmsg_free(ctx.msg);
		return -EMSGSIZE;
	}
	cgf_store_dump_profiles(&index, &generation, name, cgf_reply_profile, &ctx);
	if (!ctx.found) {
		nlmsg_free(ctx.msg);
		NL_SET_ERR_MSG_MOD(info->extack, "no profile by that name is loaded");
		return -ENOENT;
	}
	genlmsg_end(ctx.msg, hdr);
	return genlmsg_reply(ctx.msg, info);
}

/*
 * RULE_GET walks the profile's rule source: cb->args[0] is the offset where the next
 * message starts, cb->args[2] the profile generation the dump began with (args[1] is
 * cgf_nl_dump_permitted()'s). A replace or a mode change under the dump ends it, and
 * cb->seq (the generation) flags it NLM_F_DUMP_INTR: offsets into the old rules mean
 * nothing in the new.
 */
struct cgf_rule_dump_ctx {
	struct sk_buff *msg;
	struct netlink_callback *cb;
	bool found;
};

/* Room for a message that carries one rule of @len bytes, with the profile's name. */
static u32 cgf_rule_msg_size(int len)
{
	return NLMSG_HDRLEN + GENL_HDRLEN + nla_total_size(CGFENCE_MAX_NAME) +
	       nla_total_size_64bit(sizeof(u64)) + nla_total_size(0) + nla_total_size(len);
}

static int cgf_fill_rules(const struct cgf_profile_info *profile, void *arg)
{
	struct cgf_rule_dump_ctx *ctx = arg;
	struct netlink_callback *cb = ctx->cb;
	const struct cgf_rule_source *source = profile->source;
	u32 off = cb->args[0], end = source ? source->len : 0;
	const struct nlattr *rule;
	struct nlattr *rules;
	void *hdr;
	int rem;

	ctx->found = true;
	if (!cb->args[2])
		cb->args[2] = profile->generation;
	cb->seq = profile->generation;
	if (cb->args[2] != profile->generation || off >= end)
		return 1;

	hdr = genlmsg_put(ctx->msg, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &cgf_genl_family, NLM_F_MULTI, CGFENCE_CMD_RULE_GET);
	if (!hdr)
		return 1;
	genl_dump_check_consistent(cb, hdr);
	if (nla_put_string(ctx->msg, CGFENCE_A_PROFILE_NAME, profile->name) ||
	    nla_put_u64_64bit(ctx->msg, CGFENCE_A_PROFILE_GENERATION, profile->generation,
			      CGFENCE_A_PAD)) {
		genlmsg_cancel(ctx->msg, hdr);
		return 1;
	}
	rules = nla_nest_start(ctx->msg, CGFENCE_A_RULES);
	if (!rules) {
		genlmsg_cancel(ctx->msg, hdr);
		return 1;
	}
	nla_for_each_attr(rule, (const struct nlattr *)(source->data + off), end - off, rem) {
		if (nla_put(ctx->msg, rule->nla_type, nla_len(rule), nla_data(rule))) {
			/* A rule larger than this whole message: the next one is made larger. */
			if (off == cb->args[0])
				cb->min_dump_alloc = max(cb->min_dump_alloc,
							 cgf_rule_msg_size(nla_len(rule)));
			break;
		}
		off += nla_total_size(nla_len(rule));
	}
	nla_nest_end(ctx->msg, rules);
	genlmsg_end(ctx->msg, hdr);
	cb->args[0] = off;
	return 1;
}

int cgf_nl_rule_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nlattr **attrs = cgf_genl_dump_attrs(cb);
	struct cgf_rule_dump_ctx ctx = { .msg = skb, .cb = cb };
	unsigned long index = 0;
	u64 generation;
	int err;

	err = cgf_nl_dump_permitted(cb);
	if (err)
		return err;
	if (!attrs[CGFENCE_A_PROFILE_NAME]) {
		NL_SET_ERR_MSG_MOD(cb->extack, "profile name missing");
		return -EINVAL;
	}
	cgf_store_dump_profiles(&index, &generation, nla_data(attrs[CGFENCE_A_PROFILE_NAME]),
				cgf_fill_rules, &ctx);
	if (!ctx.found) {
		if (!cb->args[2]) {
			NL_SET_ERR_MSG_MOD(cb->extack, "no profile by that name is loaded");
			return -ENOENT;
		}
		/* Unloaded under the dump. */
		cb->seq = cb->args[2] + 1;
		return 0;
	}
	return skb->len;
}

static int cgf_fill_attachment(const struct cgf_attachment_info *att, void *arg)
{
	struct cgf_dump_ctx *ctx = arg;
	void *hdr;
	int len;

	hdr = cgf_dump_entry_start(ctx, CGFENCE_CMD_ATTACH_GET);
	if (!hdr)
		return -EMSGSIZE;
	len = cgroup_path(att->cgrp, ctx->path, PATH_MAX);
	if (len < 0 || len >= PATH_MAX)
		strscpy(ctx->path, "?", PATH_MAX);
	if (nla_put_u64_64bit(ctx->msg, CGFENCE_A_CGROUP_ID, att->cgroup_id, CGFENCE_A_PAD) ||
	    nla_put_string(ctx->msg, CGFENCE_A_CGROUP_PATH, ctx->path) ||
	    nla_put_string(ctx->msg, CGFENCE_A_PROFILE_NAME, att->profile) ||
	    (att->on_exec && nla_put_flag(ctx->msg, CGFENCE_A_ATTACH_ON_EXEC)) ||
	    nla_put_u32(ctx->msg, CGFENCE_A_ATTACH_PENDING, att->pending) ||
	    cgf_put_counters(ctx->msg, &att->counters)) {
		genlmsg_cancel(ctx->msg, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(ctx->msg, hdr);
	return 0;
}

int cgf_nl_attach_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct cgf_dump_ctx ctx = { .msg = skb, .cb = cb };
	unsigned long index = cb->args[0];
	int err;

	err = cgf_nl_dump_permitted(cb);
	if (err)
		return err;
	ctx.path = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!ctx.path)
		return -ENOMEM;
	cgf_store_dump_attachments(&index, &ctx.generation, cgf_fill_attachment, &ctx);
	cb->seq = ctx.generation;
	kfree(ctx.path);
	cb->args[0] = index;
	return skb->len;
}

static int cgf_put_denial(struct sk_buff *msg, const struct cgf_event *ev)
{
	if (nla_put_u64_64bit(msg, CGFENCE_A_DENIAL_SEQ, ev->seq, CGFENCE_A_PAD) ||
	    nla_put_u64_64bit(msg, CGFENCE_A_DENIAL_TIME, ev->time_ns, CGFENCE_A_PAD) ||
	    nla_put_u64_64bit(msg, CGFENCE_A_CGROUP_ID, ev->cgroup_id, CGFENCE_A_PAD) ||
	    nla_put_string(msg, CGFENCE_A_CGROUP_PATH, ev->cgroup) ||
	    nla_put_string(msg, CGFENCE_A_PROFILE_NAME, ev->profile) ||
	    nla_put_u64_64bit(msg, CGFENCE_A_PROFILE_GENERATION, ev->generation,
			      CGFENCE_A_PAD) ||
	    nla_put_u32(msg, CGFENCE_A_DENIAL_RULE_ID, ev->rule_id) ||
	    nla_put_string(msg, CGFENCE_A_DENIAL_OP, ev->op) ||
	    nla_put_u8(msg, CGFENCE_A_DENIAL_KIND, ev->kind) ||
	    nla_put_string(msg, CGFENCE_A_DENIAL_OBJECT, ev->object) ||
	    nla_put_u32(msg, CGFENCE_A_DENIAL_REQUESTED, ev->requested) ||
	    nla_put_u32(msg, CGFENCE_A_DENIAL_DENIED, ev->denied) ||
	    nla_put_u32(msg, CGFENCE_A_DENIAL_PID, ev->pid) ||
	    nla_put_string(msg, CGFENCE_A_DENIAL_COMM, ev->comm) ||
	    nla_put_u8(msg, CGFENCE_A_DENIAL_VERDICT, ev->verdict) ||
	    nla_put_u32(msg, CGFENCE_A_DENIAL_LOST, ev->lost))
		return -EMSGSIZE;
	return 0;
}

void cgf_nl_denial_notify(const struct cgf_event *ev)
{
	struct sk_buff *msg;
	void *hdr;

	if (!genl_has_listeners(&cgf_genl_family, &init_net, CGF_MCGRP_DENIALS))
		return;
	/* Sized to the record, so a follower's receive buffer holds many of them. */
	msg = genlmsg_new(sizeof(*ev) + 256, GFP_KERNEL);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &cgf_genl_family, 0, CGFENCE_CMD_DENIAL);
	if (!hdr || cgf_put_denial(msg, ev)) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	genlmsg_multicast(&cgf_genl_family, msg, 0, CGF_MCGRP_DENIALS, GFP_KERNEL);
}

/* cb->args[0]: the next seq to send; a dump may start at CGFENCE_A_DENIAL_SEQ. */
int cgf_nl_denial_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nlattr **attrs = cgf_genl_dump_attrs(cb);
	struct cgf_event *ev;
	u64 seq;
	void *hdr;
	int err;

	err = cgf_nl_dump_permitted(cb);
	if (err)
		return err;
	if (!cb->args[0])
		cb->args[0] = attrs[CGFENCE_A_DENIAL_SEQ] ?
			      nla_get_u64(attrs[CGFENCE_A_DENIAL_SEQ]) : 1;
	ev = kmalloc(sizeof(*ev), GFP_KERNEL);
	if (!ev)
		return -ENOMEM;
	for (seq = cb->args[0]; !cgf_events_read(&seq, ev); cb->args[0] = seq) {
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
				  &cgf_genl_family, NLM_F_MULTI, CGFENCE_CMD_DENIAL);
		if (!hdr)
			break;
		if (cgf_put_denial(skb, ev)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
	}
	kfree(ev);
	return skb->len;
}

/*
 * LEARNED_GET: cb->args[0] is the next entry, cb->args[2] the serial of the set the dump
 * began on (args[1] is cgf_nl_dump_permitted()'s). Each entry goes out as a denial
 * record would, so that the tool learns from both the same way.
 */
struct cgf_learned_dump_ctx {
	struct sk_buff *msg;
	struct netlink_callback *cb;
	struct cgf_event *ev;
};

static int cgf_fill_learned(const struct cgf_learned_info *info, void *arg)
{
	struct cgf_learned_dump_ctx *ctx = arg;
	const struct cgf_learned_entry *e = info->entry;
	struct cgf_event *ev = ctx->ev;
	void *hdr;

	hdr = genlmsg_put(ctx->msg, NETLINK_CB(ctx->cb->skb).portid, ctx->cb->nlh->nlmsg_seq,
			  &cgf_genl_family, NLM_F_MULTI, CGFENCE_CMD_LEARNED_GET);
	if (!hdr)
		return -EMSGSIZE;
	genl_dump_check_consistent(ctx->cb, hdr);
	ev->seq = info->index + 1;
	ev->time_ns = e->time_ns;
	ev->cgroup_id = e->cgroup_id;
	/* The set is remade on every replace: its rule ids are the current generation's. */
	ev->generation = info->generation;
	ev->rule_id = e->rule_id;
	ev->requested = e->requested;
	ev->denied = e->denied;
	ev->pid = e->pid;
	ev->lost = 0;
	ev->kind = cgf_op_kind(e->op);
	ev->verdict = CGFENCE_VERDICT_WOULD_DENY;
	ev->op = cgf_op_name(e->op);
	memcpy(ev->comm, e->comm, sizeof(ev->comm));
	strscpy(ev->profile, info->profile, sizeof(ev->profile));
	/* A container detached since has no path to give: the tool sees "?", as for the ring. */
	if (!info->cgrp || cgroup_path(info->cgrp, ev->cgroup, sizeof(ev->cgroup)) < 0)
		strscpy(ev->cgroup, "?", sizeof(ev->cgroup));
	memcpy(ev->object, e->object, sizeof(ev->object));
	if (cgf_put_denial(ctx->msg, ev)) {
		genlmsg_cancel(ctx->msg, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(ctx->msg, hdr);
	return 0;
}

int cgf_nl_learned_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nlattr **attrs = cgf_genl_dump_attrs(cb);
	struct cgf_learned_dump_ctx ctx = { .msg = skb, .cb = cb };
	u32 index = cb->args[0];
	u64 serial = cb->args[2];
	int err;

	err = cgf_nl_dump_permitted(cb);
	if (err)
		return err;
	if (!attrs[CGFENCE_A_PROFILE_NAME]) {
		NL_SET_ERR_MSG_MOD(cb->extack, "profile name missing");
		return -EINVAL;
	}
	ctx.ev = kmalloc(sizeof(*ctx.ev), GFP_KERNEL);
	if (!ctx.ev)
		return -ENOMEM;
	err = cgf_store_dump_learned(nla_data(attrs[CGFENCE_A_PROFILE_NAME]), &index, &serial,
				     cgf_fill_learned, &ctx);
	kfree(ctx.ev);
	if (err && cb->args[2]) {
		/* Replaced or unloaded under the dump: what was read belongs to a set now gone. */
		cb->seq = cb->args[2] + 1;
		return 0;
	}
	if (err == -ENOENT)
		NL_SET_ERR_MSG_MOD(cb->extack, "no profile by that name is loaded");
	else if (err == -ENODATA)
		NL_SET_ERR_MSG_MOD(cb->extack,
				   "the profile keeps no learned records: it has not been in complain mode since it was loaded, or learn_records is 0");
	if (err)
		return err;
	cb->args[0] = index;
	cb->args[2] = serial;
	cb->seq = serial;
	return skb->len;
}

const struct nla_policy cgf_denial_policy[CGFENCE_A_MAX + 1] = {
	[CGFENCE_A_DENIAL_SEQ] = { .type = NLA_U64 },
};

const struct nla_policy cgf_rule_get_policy[CGFENCE_A_MAX + 1] = {
	[CGFENCE_A_PROFILE_NAME] = CGF_NLA_NAME,
};
