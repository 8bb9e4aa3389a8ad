/* SPDX-License-Identifier: GPL-2.0 */
/* cgfence control plane: what its files share; the family and its checks are control_base.c. */
#ifndef _CGFENCE_CONTROL_BASE_H
#define _CGFENCE_CONTROL_BASE_H

#include <net/genetlink.h>

#include <uapi/cgfence.h>

struct cgf_event;

extern struct genl_family cgf_genl_family;

enum cgf_mcgrp {
	CGF_MCGRP_DENIALS,
};

/* Names appear in logs and records: a NUL-terminated string of a bounded length. */
#define CGF_NLA_NAME { .type = NLA_NUL_STRING, .len = CGFENCE_MAX_NAME - 1 }

/* Permission: CAP_MAC_ADMIN in the initial user namespace, and not confined. */
int cgf_nl_permitted(const struct sk_buff *skb, struct netlink_ext_ack *extack);
int cgf_nl_dump_permitted(struct netlink_callback *cb);

/* Errors: an extack message with every refusal. */
void cgf_set_err(struct netlink_ext_ack *extack, const struct nlattr *attr, const char *msg);
int cgf_nl_require_attr(struct genl_info *info, int attr, const char *msg);
#define cgf_nl_require(info, attr, msg) cgf_nl_require_attr(info, attr, KBUILD_MODNAME ": " msg)
/* 6.1 has no _MOD form of the attribute variant: the same, prefixed with the module name. */
#ifndef NL_SET_ERR_MSG_ATTR_MOD
#define NL_SET_ERR_MSG_ATTR_MOD(extack, attr, msg) \
	NL_SET_ERR_MSG_ATTR(extack, attr, KBUILD_MODNAME ": " msg)
#endif
int cgf_nl_get_name(struct genl_info *info, const char **name);

/* Loading (control_load.c). */
extern const struct nla_policy cgf_begin_policy[CGFENCE_A_MAX + 1];
extern const struct nla_policy cgf_add_policy[CGFENCE_A_MAX + 1];
int cgf_nl_profile_begin(struct sk_buff *skb, struct genl_info *info);
int cgf_nl_profile_add(struct sk_buff *skb, struct genl_info *info);
int cgf_nl_profile_commit(struct sk_buff *skb, struct genl_info *info);
int cgf_nl_profile_abort(struct sk_buff *skb, struct genl_info *info);
int cgf_control_load_init(void);
void cgf_control_load_exit(void);

/* Reading (control_dump.c). */
extern const struct nla_policy cgf_denial_policy[CGFENCE_A_MAX + 1];
extern const struct nla_policy cgf_rule_get_policy[CGFENCE_A_MAX + 1];
int cgf_nl_profile_get(struct sk_buff *skb, struct genl_info *info);
int cgf_nl_profile_dump(struct sk_buff *skb, struct netlink_callback *cb);
int cgf_nl_attach_dump(struct sk_buff *skb, struct netlink_callback *cb);
int cgf_nl_denial_dump(struct sk_buff *skb, struct netlink_callback *cb);
int cgf_nl_rule_dump(struct sk_buff *skb, struct netlink_callback *cb);
int cgf_nl_learned_dump(struct sk_buff *skb, struct netlink_callback *cb);
void cgf_nl_denial_notify(const struct cgf_event *event);

#endif /* _CGFENCE_CONTROL_BASE_H */
