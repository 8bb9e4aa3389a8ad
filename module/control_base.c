// SPDX-License-Identifier: GPL-2.0
/* cgfence control plane, shared: the family, who may use it, and how refusals are explained. */

#include <linux/capability.h>
#include <linux/ctype.h>
#include <linux/netlink.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include <uapi/cgfence.h>

#include "compat.h"
#include "control_base.h"
#include "store.h"

/*
 * Every command, reading ones included, needs CAP_MAC_ADMIN in the initial user
 * namespace: netlink_capable() checks the sender and, for a message sent without an
 * explicit destination, the task that opened the socket too. A confined task may not
 * touch policy at all, whatever its capabilities.
 */
int cgf_nl_permitted(const struct sk_buff *skb, struct netlink_ext_ack *extack)
{
	if (!netlink_capable(skb, CAP_MAC_ADMIN)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "CAP_MAC_ADMIN in the initial user namespace is required");
		return -EPERM;
	}
	if (cgf_subject_current_confined()) {
		NL_SET_ERR_MSG_MOD(extack, "a task inside a confined cgroup cannot manage policy");
		return -EPERM;
	}
	return 0;
}

static int cgf_nl_pre_doit(const CGF_GENL_DOIT_OPS *ops, struct sk_buff *skb,
			   struct genl_info *info)
{
	return cgf_nl_permitted(skb, info->extack);
}

/* Dumps check permission in dumpit: on 6.1 a .start callback has no extack to explain. */
int cgf_nl_dump_permitted(struct netlink_callback *cb)
{
	int err;

	if (!cb->args[1]) {
		err = cgf_nl_permitted(cb->skb, cb->extack);
		if (err)
			return err;
		cb->args[1] = 1;
	}
	return 0;
}

/*
 * NL_SET_ERR_MSG() takes only a literal; these messages are static strings chosen at
 * run time (the engine's validation messages among them).
 */
void cgf_set_err(struct netlink_ext_ack *extack, const struct nlattr *attr, const char *msg)
{
	if (!extack)
		return;
	extack->_msg = msg;
	if (attr)
		extack->bad_attr = attr;
}

int cgf_nl_require_attr(struct genl_info *info, int attr, const char *msg)
{
	if (info->attrs[attr])
		return 0;
	cgf_set_err(info->extack, NULL, msg);
	return -EINVAL;
}

/* Names appear in logs and denial records: keep them to a portable, unambiguous set. */
int cgf_nl_get_name(struct genl_info *info, const char **name)
{
	const struct nlattr *attr = info->attrs[CGFENCE_A_PROFILE_NAME];
	const char *p;

	if (!attr) {
		NL_SET_ERR_MSG_MOD(info->extack, "profile name missing");
		return -EINVAL;
	}
	p = nla_data(attr);
	if (!*p) {
		NL_SET_ERR_MSG_ATTR_MOD(info->extack, attr, "profile name is empty");
		return -EINVAL;
	}
	for (*name = p; *p; p++) {
		if (!isalnum(*p) && *p != '_' && *p != '.' && *p != '-') {
			NL_SET_ERR_MSG_ATTR_MOD(info->extack, attr,
						"profile name may only hold A-Z a-z 0-9 _ . -");
			return -EINVAL;
		}
	}
	return 0;
}

/* Joining needs CAP_SYS_ADMIN: denial records name files and processes of every container. */
static const struct genl_multicast_group cgf_mcgrps[] = {
	[CGF_MCGRP_DENIALS] = { .name = CGFENCE_MCGRP_DENIALS, .flags = GENL_MCAST_CAP_SYS_ADMIN },
};

struct genl_family cgf_genl_family __ro_after_init = {
	.name = CGFENCE_GENL_NAME,
	.version = CGFENCE_GENL_VERSION,
	.maxattr = CGFENCE_A_MAX,
	.module = THIS_MODULE,
	/* .ops and .n_ops: the commands, set by cgf_control_init() before registering. */
	.resv_start_op = 0,
	/* Policy is node-wide: containers with their own network namespace must not see it. */
	.netnsok = false,
	.pre_doit = cgf_nl_pre_doit,
	.mcgrps = cgf_mcgrps,
	.n_mcgrps = ARRAY_SIZE(cgf_mcgrps),
};
