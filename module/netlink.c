// SPDX-License-Identifier: GPL-2.0
/* cgfence control plane: the "cgfence" generic netlink family. */

#include <linux/capability.h>
#include <linux/netlink.h>
#include <net/genetlink.h>

#include <uapi/cgfence.h>

#include "cgfence.h"

static struct genl_family cgf_genl_family;

/*
 * Every command, reading ones included, needs CAP_MAC_ADMIN in the initial user
 * namespace: netlink_capable() checks both the task that opened the socket and the
 * sender, so a privileged process cannot hand its socket to an unprivileged one.
 */
static int cgf_nl_pre_doit(const struct genl_ops *ops, struct sk_buff *skb,
			   struct genl_info *info)
{
	if (!netlink_capable(skb, CAP_MAC_ADMIN)) {
		NL_SET_ERR_MSG(info->extack,
			       "cgfence: CAP_MAC_ADMIN in the initial user namespace is required");
		return -EPERM;
	}
	return 0;
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
	    nla_put_u8(msg, CGFENCE_A_STATUS_LOCKED, store.locked))
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

/*
 * No policy on STATUS: with resv_start_op 0 the core validates every command strictly
 * and rejects any attribute a command does not declare.
 */
static const struct genl_ops cgf_genl_ops[] = {
	{
		.cmd = CGFENCE_CMD_STATUS,
		.doit = cgf_nl_status,
	},
};

static struct genl_family cgf_genl_family __ro_after_init = {
	.name = CGFENCE_GENL_NAME,
	.version = CGFENCE_GENL_VERSION,
	.maxattr = CGFENCE_A_MAX,
	.module = THIS_MODULE,
	.ops = cgf_genl_ops,
	.n_ops = ARRAY_SIZE(cgf_genl_ops),
	.resv_start_op = 0,
	/* Policy is node-wide: containers with their own network namespace must not see it. */
	.netnsok = false,
	.pre_doit = cgf_nl_pre_doit,
};

int cgf_netlink_init(void)
{
	return genl_register_family(&cgf_genl_family);
}

void cgf_netlink_exit(void)
{
	genl_unregister_family(&cgf_genl_family);
}
