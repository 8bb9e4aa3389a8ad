// SPDX-License-Identifier: GPL-2.0
/* cgfence control plane: the commands that change the store in one message, and the table. */

#include <linux/netlink.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include <uapi/cgfence.h>

#include "audit.h"
#include "backend.h"
#include "control.h"
#include "control_base.h"
#include "events.h"
#include "revalidate.h"
#include "store.h"

static const struct nla_policy cgf_name_policy[CGFENCE_A_MAX + 1] = {
	[CGFENCE_A_PROFILE_NAME] = CGF_NLA_NAME,
};

static const struct nla_policy cgf_remove_policy[CGFENCE_A_MAX + 1] = {
	[CGFENCE_A_PROFILE_NAME] = CGF_NLA_NAME,
	[CGFENCE_A_FORCE] = { .type = NLA_FLAG },
};

static const struct nla_policy cgf_mode_policy[CGFENCE_A_MAX + 1] = {
	[CGFENCE_A_PROFILE_NAME] = CGF_NLA_NAME,
	[CGFENCE_A_PROFILE_MODE] = NLA_POLICY_RANGE(NLA_U8, CGFENCE_MODE_ENFORCE,
						    CGFENCE_MODE_COMPLAIN),
};

static const struct nla_policy cgf_attach_policy[CGFENCE_A_MAX + 1] = {
	[CGFENCE_A_CGROUP_ID] = { .type = NLA_U64 },
	[CGFENCE_A_PROFILE_NAME] = CGF_NLA_NAME,
	[CGFENCE_A_ATTACH_ON_EXEC] = { .type = NLA_FLAG },
};

static const struct nla_policy cgf_detach_policy[CGFENCE_A_MAX + 1] = {
	[CGFENCE_A_CGROUP_ID] = { .type = NLA_U64 },
};

static int cgf_nl_profile_remove(struct sk_buff *skb, struct genl_info *info)
{
	const char *name;
	bool force;
	int err;

	err = cgf_nl_get_name(info, &name);
	if (err)
		return err;
	force = nla_get_flag(info->attrs[CGFENCE_A_FORCE]);
	err = cgf_store_remove(name, force, info->extack);
	cgf_audit_policy(AUDIT_MAC_POLICY_LOAD, "unload", name, 0, force ? " force=1" : NULL, err);
	return err;
}

static int cgf_nl_profile_mode(struct sk_buff *skb, struct genl_info *info)
{
	const char *name;
	u8 mode;
	int err;

	err = cgf_nl_get_name(info, &name) ?:
	      cgf_nl_require(info, CGFENCE_A_PROFILE_MODE, "profile mode missing");
	if (err)
		return err;
	mode = nla_get_u8(info->attrs[CGFENCE_A_PROFILE_MODE]);
	err = cgf_store_set_mode(name, mode, info->extack);
	cgf_audit_policy(AUDIT_MAC_STATUS, "mode", name, 0,
			 mode == CGFENCE_MODE_COMPLAIN ? " mode=complain" : " mode=enforce", err);
	return err;
}

static int cgf_nl_attach(struct sk_buff *skb, struct genl_info *info)
{
	const char *name;
	bool on_exec;
	u64 id;
	int err;

	err = cgf_nl_get_name(info, &name) ?:
	      cgf_nl_require(info, CGFENCE_A_CGROUP_ID, "cgroup id missing");
	if (err)
		return err;
	id = nla_get_u64(info->attrs[CGFENCE_A_CGROUP_ID]);
	on_exec = nla_get_flag(info->attrs[CGFENCE_A_ATTACH_ON_EXEC]);
	err = cgf_store_attach(id, name, on_exec, info->extack);
	cgf_audit_policy(AUDIT_MAC_CONFIG_CHANGE, "attach", name, id,
			 on_exec ? " on_exec=1" : NULL, err);
	/* On exec, descriptors are judged at that exec (revalidate.c). */
	if (!err && !on_exec)
		cgf_revalidate_subtree(id);
	return err;
}

static int cgf_nl_detach(struct sk_buff *skb, struct genl_info *info)
{
	u64 id;
	int err;

	err = cgf_nl_require(info, CGFENCE_A_CGROUP_ID, "cgroup id missing");
	if (err)
		return err;
	id = nla_get_u64(info->attrs[CGFENCE_A_CGROUP_ID]);
	err = cgf_store_detach(id, info->extack);
	cgf_audit_policy(AUDIT_MAC_CONFIG_CHANGE, "detach", NULL, id, NULL, err);
	return err;
}

static int cgf_nl_lock(struct sk_buff *skb, struct genl_info *info)
{
	int err = cgf_store_lock(info->extack);

	cgf_audit_policy(AUDIT_MAC_STATUS, "lock", NULL, 0, NULL, err);
	return err;
}

static int cgf_nl_status_fill(struct sk_buff *msg)
{
	struct cgf_store_status store;

	cgf_store_get_status(&store);
	if (nla_put_string(msg, CGFENCE_A_STATUS_VERSION, CGFENCE_VERSION) ||
	    nla_put_u32(msg, CGFENCE_A_STATUS_BACKEND, cgf_backend_kind()) ||
	    nla_put_u32(msg, CGFENCE_A_STATUS_HOOKS_ATTACHED, cgf_backend_hooks_attached()) ||
	    nla_put_u32(msg, CGFENCE_A_STATUS_HOOKS_TOTAL, cgf_backend_hooks_total()) ||
	    nla_put_u32(msg, CGFENCE_A_STATUS_PROFILES, store.profiles) ||
	    nla_put_u32(msg, CGFENCE_A_STATUS_ATTACHMENTS, store.attachments) ||
	    nla_put_u32(msg, CGFENCE_A_STATUS_ON_EXEC, store.on_exec) ||
	    nla_put_u32(msg, CGFENCE_A_STATUS_PENDING, store.pending) ||
	    nla_put_u8(msg, CGFENCE_A_STATUS_LOCKED, store.locked) ||
	    nla_put_u64_64bit(msg, CGFENCE_A_STATUS_DENIALS_LOST, cgf_events_lost(),
			      CGFENCE_A_PAD))
		return -EMSGSIZE;
	return 0;
}

static int cgf_nl_status(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	hdr = genlmsg_put_reply(msg, info, &cgf_genl_family, 0, CGFENCE_CMD_STATUS);
	if (!hdr) {
		err = -EMSGSIZE;
		goto err_free;
	}
	err = cgf_nl_status_fill(msg);
	if (err)
		goto err_free;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free:
	nlmsg_free(msg);
	return err;
}

#define CGF_DOIT(_cmd, _doit, _policy) {			\
	.cmd = (_cmd), .doit = (_doit),				\
	.policy = (_policy), .maxattr = CGFENCE_A_MAX,		\
}

/*
 * resv_start_op 0: the core validates every command strictly, rejects any attribute a
 * command's policy does not declare (and all attributes where it has none) and any
 * unknown header flag. Commands without a policy take no attributes.
 */
static const struct genl_ops cgf_genl_ops[] = {
	{ .cmd = CGFENCE_CMD_STATUS, .doit = cgf_nl_status },
	CGF_DOIT(CGFENCE_CMD_PROFILE_BEGIN, cgf_nl_profile_begin, cgf_begin_policy),
	CGF_DOIT(CGFENCE_CMD_PROFILE_ADD, cgf_nl_profile_add, cgf_add_policy),
	{ .cmd = CGFENCE_CMD_PROFILE_COMMIT, .doit = cgf_nl_profile_commit },
	{ .cmd = CGFENCE_CMD_PROFILE_ABORT, .doit = cgf_nl_profile_abort },
	CGF_DOIT(CGFENCE_CMD_PROFILE_REMOVE, cgf_nl_profile_remove, cgf_remove_policy),
	{
		.cmd = CGFENCE_CMD_PROFILE_GET,
		.doit = cgf_nl_profile_get,
		.dumpit = cgf_nl_profile_dump,
		.policy = cgf_name_policy,
		.maxattr = CGFENCE_A_MAX,
	},
	CGF_DOIT(CGFENCE_CMD_PROFILE_MODE, cgf_nl_profile_mode, cgf_mode_policy),
	CGF_DOIT(CGFENCE_CMD_ATTACH, cgf_nl_attach, cgf_attach_policy),
	CGF_DOIT(CGFENCE_CMD_DETACH, cgf_nl_detach, cgf_detach_policy),
	{
		.cmd = CGFENCE_CMD_ATTACH_GET,
		.dumpit = cgf_nl_attach_dump,
	},
	{ .cmd = CGFENCE_CMD_LOCK, .doit = cgf_nl_lock },
	{
		.cmd = CGFENCE_CMD_DENIAL,
		.dumpit = cgf_nl_denial_dump,
		.policy = cgf_denial_policy,
		.maxattr = CGFENCE_A_MAX,
	},
	{
		.cmd = CGFENCE_CMD_RULE_GET,
		.dumpit = cgf_nl_rule_dump,
		.policy = cgf_rule_get_policy,
		.maxattr = CGFENCE_A_MAX,
	},
	{
		.cmd = CGFENCE_CMD_LEARNED_GET,
		.dumpit = cgf_nl_learned_dump,
		.policy = cgf_name_policy,
		.maxattr = CGFENCE_A_MAX,
	},
};

/* Filled once the family has its multicast groups: joins are checked against it. */
static struct cgf_events_sink cgf_denials_sink __ro_after_init = {
	.notify = cgf_nl_denial_notify,
};

int cgf_control_init(void)
{
	int err;

	err = cgf_control_load_init();
	if (err)
		return err;
	cgf_genl_family.ops = cgf_genl_ops;
	cgf_genl_family.n_ops = ARRAY_SIZE(cgf_genl_ops);
	err = genl_register_family(&cgf_genl_family);
	if (err) {
		cgf_control_load_exit();
		return err;
	}
	cgf_denials_sink.group = cgf_genl_family.mcgrp_offset + CGF_MCGRP_DENIALS;
	cgf_events_set_sink(&cgf_denials_sink);
	return 0;
}

void cgf_control_exit(void)
{
	cgf_events_set_sink(NULL);
	genl_unregister_family(&cgf_genl_family);
	cgf_control_load_exit();
}
