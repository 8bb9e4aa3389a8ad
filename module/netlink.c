// SPDX-License-Identifier: GPL-2.0
/* cgfence control plane: the "cgfence" generic netlink family and its commands. */

#include <linux/capability.h>
#include <linux/cgroup.h>
#include <linux/ctype.h>
#include <linux/mm.h>
#include <linux/netlink.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include <uapi/cgfence.h>

#include "cgfence.h"
#include "engine.h"
#include "events.h"
#include "store.h"

/* Open load transactions at once, node-wide: each holds kernel memory until commit. */
#define CGF_MAX_TRANSACTIONS 16

static struct genl_family cgf_genl_family;

/*
 * A profile load in progress, owned by one netlink socket (portid). Rules arrive in
 * chunks; nothing reaches the store before COMMIT, and closing the socket drops it.
 */
struct cgf_txn {
	struct list_head node;
	u32 portid;
	char name[CGFENCE_MAX_NAME];
	struct cgf_profile_spec spec;
	u32 nr_expected;
	u32 nr_rules;
	u32 last_id;	/* ids must increase, so a duplicate is caught in its own message */
	struct cgf_rule *rules;
};

static LIST_HEAD(cgf_txns);
static DEFINE_MUTEX(cgf_txn_lock);
static unsigned int cgf_nr_txns;

static const struct nla_policy cgf_rule_policy[CGFENCE_RULE_A_MAX + 1] = {
	[CGFENCE_RULE_A_RULE] = { .type = NLA_REJECT },
	[CGFENCE_RULE_A_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[CGFENCE_RULE_A_KIND] = NLA_POLICY_RANGE(NLA_U8, CGFENCE_RULE_FILE, CGFENCE_RULE_DEVICE),
	[CGFENCE_RULE_A_EFFECT] = NLA_POLICY_RANGE(NLA_U8, CGFENCE_EFFECT_ALLOW,
						   CGFENCE_EFFECT_DENY),
	[CGFENCE_RULE_A_FILE_PERMS] = NLA_POLICY_MASK(NLA_U32, CGFENCE_FILE_ALL),
	[CGFENCE_RULE_A_FILE_PATH] = { .type = NLA_NUL_STRING, .len = CGFENCE_MAX_PATTERN - 1 },
	[CGFENCE_RULE_A_MOUNT_OPS] = NLA_POLICY_MASK(NLA_U32, CGFENCE_MOUNT_ALL),
	[CGFENCE_RULE_A_MOUNT_FSTYPE] = { .type = NLA_NUL_STRING, .len = CGFENCE_MAX_FSTYPE - 1 },
	[CGFENCE_RULE_A_MOUNT_SOURCE] = { .type = NLA_NUL_STRING,
					  .len = CGFENCE_MAX_PATTERN - 1 },
	[CGFENCE_RULE_A_MOUNT_TARGET] = { .type = NLA_NUL_STRING,
					  .len = CGFENCE_MAX_PATTERN - 1 },
	[CGFENCE_RULE_A_MOUNT_REQUIRE] = NLA_POLICY_MASK(NLA_U32, CGFENCE_MOPT_ALL),
	[CGFENCE_RULE_A_MOUNT_FORBID] = NLA_POLICY_MASK(NLA_U32, CGFENCE_MOPT_ALL),
	[CGFENCE_RULE_A_DEV_TYPE] = NLA_POLICY_MASK(NLA_U8, CGFENCE_DEV_CHAR | CGFENCE_DEV_BLOCK),
	[CGFENCE_RULE_A_DEV_MAJOR] = { .type = NLA_U32 },
	[CGFENCE_RULE_A_DEV_MINOR] = { .type = NLA_U32 },
	[CGFENCE_RULE_A_DEV_ACCESS] = NLA_POLICY_MASK(NLA_U8, CGFENCE_DEV_READ | CGFENCE_DEV_WRITE |
						      CGFENCE_DEV_MKNOD),
};

static const struct nla_policy cgf_rules_policy[CGFENCE_RULE_A_RULE + 1] = {
	[CGFENCE_RULE_A_RULE] = NLA_POLICY_NESTED(cgf_rule_policy),
};

static const struct nla_policy cgf_name_attr = {
	.type = NLA_NUL_STRING, .len = CGFENCE_MAX_NAME - 1,
};

static struct netlink_range_validation cgf_rule_count_range __ro_after_init = {
	.min = 0,
	.max = CGFENCE_MAX_RULES,
};

static const struct nla_policy cgf_begin_policy[CGFENCE_A_MAX + 1] = {
	[CGFENCE_A_PROFILE_NAME] = cgf_name_attr,
	[CGFENCE_A_PROFILE_MODE] = NLA_POLICY_RANGE(NLA_U8, CGFENCE_MODE_ENFORCE,
						    CGFENCE_MODE_COMPLAIN),
	[CGFENCE_A_PROFILE_FILE_DEFAULT] = NLA_POLICY_RANGE(NLA_U8, CGFENCE_EFFECT_ALLOW,
							    CGFENCE_EFFECT_DENY),
	[CGFENCE_A_PROFILE_RULE_COUNT] = NLA_POLICY_FULL_RANGE(NLA_U32, &cgf_rule_count_range),
};

static const struct nla_policy cgf_add_policy[CGFENCE_A_MAX + 1] = {
	[CGFENCE_A_RULES] = NLA_POLICY_NESTED(cgf_rules_policy),
};

static const struct nla_policy cgf_name_policy[CGFENCE_A_MAX + 1] = {
	[CGFENCE_A_PROFILE_NAME] = cgf_name_attr,
};

static const struct nla_policy cgf_remove_policy[CGFENCE_A_MAX + 1] = {
	[CGFENCE_A_PROFILE_NAME] = cgf_name_attr,
	[CGFENCE_A_FORCE] = { .type = NLA_FLAG },
};

static const struct nla_policy cgf_mode_policy[CGFENCE_A_MAX + 1] = {
	[CGFENCE_A_PROFILE_NAME] = cgf_name_attr,
	[CGFENCE_A_PROFILE_MODE] = NLA_POLICY_RANGE(NLA_U8, CGFENCE_MODE_ENFORCE,
						    CGFENCE_MODE_COMPLAIN),
};

static const struct nla_policy cgf_attach_policy[CGFENCE_A_MAX + 1] = {
	[CGFENCE_A_CGROUP_ID] = { .type = NLA_U64 },
	[CGFENCE_A_PROFILE_NAME] = cgf_name_attr,
};

static const struct nla_policy cgf_detach_policy[CGFENCE_A_MAX + 1] = {
	[CGFENCE_A_CGROUP_ID] = { .type = NLA_U64 },
};

/*
 * Every command, reading ones included, needs CAP_MAC_ADMIN in the initial user
 * namespace: netlink_capable() checks the sender and, for a message sent without an
 * explicit destination, the task that opened the socket too. A confined task may not
 * touch policy at all, whatever its capabilities.
 */
static int cgf_nl_permitted(const struct sk_buff *skb, struct netlink_ext_ack *extack)
{
	if (!netlink_capable(skb, CAP_MAC_ADMIN)) {
		NL_SET_ERR_MSG(extack,
			       "cgfence: CAP_MAC_ADMIN in the initial user namespace is required");
		return -EPERM;
	}
	if (cgf_subject_current_confined()) {
		NL_SET_ERR_MSG(extack,
			       "cgfence: a task inside a confined cgroup cannot manage policy");
		return -EPERM;
	}
	return 0;
}

static int cgf_nl_pre_doit(const struct genl_ops *ops, struct sk_buff *skb,
			   struct genl_info *info)
{
	return cgf_nl_permitted(skb, info->extack);
}

/* Dumps check permission in dumpit: on 6.1 a .start callback has no extack to explain. */
static int cgf_nl_dump_permitted(struct netlink_callback *cb)
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
static void cgf_set_err(struct netlink_ext_ack *extack, const struct nlattr *attr,
			const char *msg)
{
	if (!extack)
		return;
	extack->_msg = msg;
	if (attr)
		extack->bad_attr = attr;
}

static int cgf_nl_require(struct genl_info *info, int attr, const char *msg)
{
	if (info->attrs[attr])
		return 0;
	cgf_set_err(info->extack, NULL, msg);
	return -EINVAL;
}

/* Names appear in logs and denial records: keep them to a portable, unambiguous set. */
static int cgf_nl_get_name(struct genl_info *info, const char **name)
{
	const struct nlattr *attr = info->attrs[CGFENCE_A_PROFILE_NAME];
	const char *p;

	if (!attr) {
		NL_SET_ERR_MSG(info->extack, "cgfence: profile name missing");
		return -EINVAL;
	}
	p = nla_data(attr);
	if (!*p) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr, "cgfence: profile name is empty");
		return -EINVAL;
	}
	for (*name = p; *p; p++) {
		if (!isalnum(*p) && *p != '_' && *p != '.' && *p != '-') {
			NL_SET_ERR_MSG_ATTR(info->extack, attr,
					    "cgfence: profile name may only hold A-Z a-z 0-9 _ . -");
			return -EINVAL;
		}
	}
	return 0;
}

static struct cgf_txn *cgf_txn_find(u32 portid)
{
	struct cgf_txn *txn;

	lockdep_assert_held(&cgf_txn_lock);
	list_for_each_entry(txn, &cgf_txns, node)
		if (txn->portid == portid)
			return txn;
	return NULL;
}

static void cgf_rule_free_strings(struct cgf_rule *rule)
{
	switch (rule->kind) {
	case CGFENCE_RULE_FILE:
		kfree(rule->file.path);
		break;
	case CGFENCE_RULE_MOUNT:
		kfree(rule->mount.fstype);
		kfree(rule->mount.source);
		kfree(rule->mount.target);
		break;
	}
}

static void cgf_rules_free(struct cgf_rule *rules, u32 nr)
{
	u32 i;

	for (i = 0; i < nr; i++)
		cgf_rule_free_strings(&rules[i]);
}

static void cgf_txn_free(struct cgf_txn *txn)
{
	lockdep_assert_held(&cgf_txn_lock);
	list_del(&txn->node);
	cgf_nr_txns--;
	cgf_rules_free(txn->rules, txn->nr_rules);
	kvfree(txn->rules);
	kfree(txn);
}

static int cgf_nl_profile_begin(struct sk_buff *skb, struct genl_info *info)
{
	struct cgf_txn *txn;
	const char *name;
	u32 nr;
	int err;

	err = cgf_nl_get_name(info, &name);
	if (err)
		return err;
	err = cgf_nl_require(info, CGFENCE_A_PROFILE_MODE, "cgfence: profile mode missing") ?:
	      cgf_nl_require(info, CGFENCE_A_PROFILE_FILE_DEFAULT,
			     "cgfence: profile file default missing") ?:
	      cgf_nl_require(info, CGFENCE_A_PROFILE_RULE_COUNT, "cgfence: rule count missing");
	if (err)
		return err;
	if (cgf_store_locked()) {
		NL_SET_ERR_MSG(info->extack, "cgfence: policy is locked until reboot");
		return -EPERM;
	}
	nr = nla_get_u32(info->attrs[CGFENCE_A_PROFILE_RULE_COUNT]);

	mutex_lock(&cgf_txn_lock);
	if (cgf_txn_find(info->snd_portid)) {
		NL_SET_ERR_MSG(info->extack,
			       "cgfence: a profile transaction is already open on this socket");
		err = -EBUSY;
		goto out;
	}
	if (cgf_nr_txns >= CGF_MAX_TRANSACTIONS) {
		NL_SET_ERR_MSG(info->extack,
			       "cgfence: too many profile loads in progress; retry later");
		err = -EBUSY;
		goto out;
	}
	txn = kzalloc(sizeof(*txn), GFP_KERNEL_ACCOUNT);
	if (!txn) {
		err = -ENOMEM;
		goto out;
	}
	if (nr) {
		txn->rules = kvcalloc(nr, sizeof(*txn->rules), GFP_KERNEL_ACCOUNT);
		if (!txn->rules) {
			kfree(txn);
			err = -ENOMEM;
			goto out;
		}
	}
	txn->portid = info->snd_portid;
	strscpy(txn->name, name, sizeof(txn->name));
	txn->spec.mode = nla_get_u8(info->attrs[CGFENCE_A_PROFILE_MODE]);
	txn->spec.file_default = nla_get_u8(info->attrs[CGFENCE_A_PROFILE_FILE_DEFAULT]);
	txn->nr_expected = nr;
	list_add_tail(&txn->node, &cgf_txns);
	cgf_nr_txns++;
out:
	mutex_unlock(&cgf_txn_lock);
	return err;
}

static const char *cgf_dup_string(const struct nlattr *attr, u32 *len)
{
	/* The policy guarantees a terminating NUL inside the attribute. */
	*len = strlen(nla_data(attr));
	return kmemdup(nla_data(attr), *len + 1, GFP_KERNEL_ACCOUNT);
}

/* Attributes that belong to each rule kind; any other one is a mistake worth refusing. */
static const u32 cgf_kind_attrs[] = {
	[CGFENCE_RULE_FILE] = BIT(CGFENCE_RULE_A_FILE_PERMS) | BIT(CGFENCE_RULE_A_FILE_PATH),
	[CGFENCE_RULE_MOUNT] = BIT(CGFENCE_RULE_A_MOUNT_OPS) | BIT(CGFENCE_RULE_A_MOUNT_FSTYPE) |
			       BIT(CGFENCE_RULE_A_MOUNT_SOURCE) | BIT(CGFENCE_RULE_A_MOUNT_TARGET) |
			       BIT(CGFENCE_RULE_A_MOUNT_REQUIRE) | BIT(CGFENCE_RULE_A_MOUNT_FORBID),
	[CGFENCE_RULE_DEVICE] = BIT(CGFENCE_RULE_A_DEV_TYPE) | BIT(CGFENCE_RULE_A_DEV_MAJOR) |
				BIT(CGFENCE_RULE_A_DEV_MINOR) | BIT(CGFENCE_RULE_A_DEV_ACCESS),
};

static const u32 cgf_kind_required[] = {
	[CGFENCE_RULE_FILE] = BIT(CGFENCE_RULE_A_FILE_PERMS) | BIT(CGFENCE_RULE_A_FILE_PATH),
	[CGFENCE_RULE_MOUNT] = BIT(CGFENCE_RULE_A_MOUNT_OPS),
	[CGFENCE_RULE_DEVICE] = BIT(CGFENCE_RULE_A_DEV_TYPE) | BIT(CGFENCE_RULE_A_DEV_MAJOR) |
				BIT(CGFENCE_RULE_A_DEV_MINOR) | BIT(CGFENCE_RULE_A_DEV_ACCESS),
};

static int cgf_nl_parse_rule(const struct nlattr *nest, struct cgf_rule *rule,
			     struct netlink_ext_ack *extack)
{
	struct nlattr *tb[CGFENCE_RULE_A_MAX + 1];
	struct cgf_build_error berr;
	u32 present = 0;
	int i, err;

	err = nla_parse_nested(tb, CGFENCE_RULE_A_MAX, nest, cgf_rule_policy, extack);
	if (err)
		return err;
	if (!tb[CGFENCE_RULE_A_ID] || !tb[CGFENCE_RULE_A_KIND] || !tb[CGFENCE_RULE_A_EFFECT]) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "cgfence: rule needs an id, a kind and an effect");
		return -EINVAL;
	}
	memset(rule, 0, sizeof(*rule));
	rule->id = nla_get_u32(tb[CGFENCE_RULE_A_ID]);
	rule->kind = nla_get_u8(tb[CGFENCE_RULE_A_KIND]);
	rule->effect = nla_get_u8(tb[CGFENCE_RULE_A_EFFECT]);

	for (i = CGFENCE_RULE_A_FILE_PERMS; i <= CGFENCE_RULE_A_MAX; i++)
		if (tb[i])
			present |= BIT(i);
	if (present & ~cgf_kind_attrs[rule->kind]) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "cgfence: rule carries an attribute of another rule kind");
		return -EINVAL;
	}
	if ((present & cgf_kind_required[rule->kind]) != cgf_kind_required[rule->kind]) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "cgfence: rule lacks an attribute its kind needs");
		return -EINVAL;
	}

	switch (rule->kind) {
	case CGFENCE_RULE_FILE:
		rule->file.perms = nla_get_u32(tb[CGFENCE_RULE_A_FILE_PERMS]);
		rule->file.path = cgf_dup_string(tb[CGFENCE_RULE_A_FILE_PATH],
						 &rule->file.path_len);
		if (!rule->file.path)
			return -ENOMEM;
		break;
	case CGFENCE_RULE_MOUNT:
		rule->mount.ops = nla_get_u32(tb[CGFENCE_RULE_A_MOUNT_OPS]);
		if (tb[CGFENCE_RULE_A_MOUNT_REQUIRE])
			rule->mount.require = nla_get_u32(tb[CGFENCE_RULE_A_MOUNT_REQUIRE]);
		if (tb[CGFENCE_RULE_A_MOUNT_FORBID])
			rule->mount.forbid = nla_get_u32(tb[CGFENCE_RULE_A_MOUNT_FORBID]);
		if (tb[CGFENCE_RULE_A_MOUNT_FSTYPE]) {
			rule->mount.fstype = cgf_dup_string(tb[CGFENCE_RULE_A_MOUNT_FSTYPE],
							    &rule->mount.fstype_len);
			if (!rule->mount.fstype)
				return -ENOMEM;
		}
		if (tb[CGFENCE_RULE_A_MOUNT_SOURCE]) {
			rule->mount.source = cgf_dup_string(tb[CGFENCE_RULE_A_MOUNT_SOURCE],
							    &rule->mount.source_len);
			if (!rule->mount.source)
				return -ENOMEM;
		}
		if (tb[CGFENCE_RULE_A_MOUNT_TARGET]) {
			rule->mount.target = cgf_dup_string(tb[CGFENCE_RULE_A_MOUNT_TARGET],
							    &rule->mount.target_len);
			if (!rule->mount.target)
				return -ENOMEM;
		}
		break;
	case CGFENCE_RULE_DEVICE:
		rule->device.type = nla_get_u8(tb[CGFENCE_RULE_A_DEV_TYPE]);
		rule->device.access = nla_get_u8(tb[CGFENCE_RULE_A_DEV_ACCESS]);
		rule->device.major = nla_get_u32(tb[CGFENCE_RULE_A_DEV_MAJOR]);
		rule->device.minor = nla_get_u32(tb[CGFENCE_RULE_A_DEV_MINOR]);
		break;
	}

	err = cgf_rule_validate(rule, &berr);
	if (err)
		cgf_set_err(extack, nest, berr.msg);
	return err;
}

/* All rules of the message or none: a refused chunk leaves the transaction as it was. */
static int cgf_nl_profile_add(struct sk_buff *skb, struct genl_info *info)
{
	const struct nlattr *rules_attr = info->attrs[CGFENCE_A_RULES];
	const struct nlattr *nest;
	struct cgf_rule *chunk;
	struct cgf_txn *txn;
	u32 nr = 0;
	int rem, err;

	err = cgf_nl_require(info, CGFENCE_A_RULES, "cgfence: rules missing");
	if (err)
		return err;

	mutex_lock(&cgf_txn_lock);
	txn = cgf_txn_find(info->snd_portid);
	if (!txn) {
		NL_SET_ERR_MSG(info->extack,
			       "cgfence: no profile transaction on this socket; send PROFILE_BEGIN first");
		err = -ENOENT;
		goto out;
	}
	chunk = txn->rules + txn->nr_rules;
	nla_for_each_nested(nest, rules_attr, rem) {
		if (txn->nr_rules + nr == txn->nr_expected) {
			NL_SET_ERR_MSG_ATTR(info->extack, nest,
					    "cgfence: more rules than PROFILE_BEGIN announced");
			err = -E2BIG;
			break;
		}
		err = cgf_nl_parse_rule(nest, &chunk[nr], info->extack);
		nr++;	/* a refused rule may hold strings too */
		if (err)
			break;
		if (chunk[nr - 1].id <= (nr > 1 ? chunk[nr - 2].id : txn->last_id)) {
			NL_SET_ERR_MSG_ATTR(info->extack, nest,
					    "cgfence: rule ids must increase through the transaction");
			err = -EINVAL;
			break;
		}
	}
	if (err) {
		cgf_rules_free(chunk, nr);
		memset(chunk, 0, nr * sizeof(*chunk));
	} else if (nr) {
		txn->nr_rules += nr;
		txn->last_id = chunk[nr - 1].id;
	}
out:
	mutex_unlock(&cgf_txn_lock);
	return err;
}

/* The transaction ends here whatever happens: a failed build leaves the store as it was. */
static int cgf_nl_profile_commit(struct sk_buff *skb, struct genl_info *info)
{
	struct cgf_build_error berr = { .rule_index = -1, .msg = NULL };
	struct cgf_profile *compiled;
	struct cgf_txn *txn;
	int err;

	mutex_lock(&cgf_txn_lock);
	txn = cgf_txn_find(info->snd_portid);
	if (!txn) {
		NL_SET_ERR_MSG(info->extack,
			       "cgfence: no profile transaction on this socket; send PROFILE_BEGIN first");
		err = -ENOENT;
		goto out_unlock;
	}
	if (txn->nr_rules != txn->nr_expected) {
		NL_SET_ERR_MSG(info->extack,
			       "cgfence: fewer rules arrived than PROFILE_BEGIN announced");
		err = -EINVAL;
		goto out_free;
	}
	compiled = cgf_profile_build(&txn->spec, txn->rules, txn->nr_rules,
				     GFP_KERNEL_ACCOUNT, &berr);
	if (IS_ERR(compiled)) {
		err = PTR_ERR(compiled);
		cgf_set_err(info->extack, NULL, berr.msg ?: "cgfence: cannot compile the profile");
		goto out_free;
	}
	err = cgf_store_commit(txn->name, txn->spec.mode, compiled, info->extack);
	if (err)
		cgf_profile_free(compiled);
out_free:
	cgf_txn_free(txn);
out_unlock:
	mutex_unlock(&cgf_txn_lock);
	return err;
}

static int cgf_nl_profile_abort(struct sk_buff *skb, struct genl_info *info)
{
	struct cgf_txn *txn;
	int err = 0;

	mutex_lock(&cgf_txn_lock);
	txn = cgf_txn_find(info->snd_portid);
	if (txn) {
		cgf_txn_free(txn);
	} else {
		NL_SET_ERR_MSG(info->extack, "cgfence: no profile transaction on this socket");
		err = -ENOENT;
	}
	mutex_unlock(&cgf_txn_lock);
	return err;
}

/* A socket that closes mid-transaction abandons it. */
static int cgf_netlink_release(struct notifier_block *nb, unsigned long event, void *ptr)
{
	struct netlink_notify *notify = ptr;
	struct cgf_txn *txn;

	/* Port ids are per network namespace; our family lives in the initial one only. */
	if (event != NETLINK_URELEASE || notify->protocol != NETLINK_GENERIC ||
	    !net_eq(notify->net, &init_net))
		return NOTIFY_DONE;
	mutex_lock(&cgf_txn_lock);
	txn = cgf_txn_find(notify->portid);
	if (txn)
		cgf_txn_free(txn);
	mutex_unlock(&cgf_txn_lock);
	return NOTIFY_DONE;
}

static struct notifier_block cgf_netlink_notifier = {
	.notifier_call = cgf_netlink_release,
};

static int cgf_nl_profile_remove(struct sk_buff *skb, struct genl_info *info)
{
	const char *name;
	int err;

	err = cgf_nl_get_name(info, &name);
	if (err)
		return err;
	return cgf_store_remove(name, nla_get_flag(info->attrs[CGFENCE_A_FORCE]), info->extack);
}

static int cgf_nl_profile_mode(struct sk_buff *skb, struct genl_info *info)
{
	const char *name;
	int err;

	err = cgf_nl_get_name(info, &name) ?:
	      cgf_nl_require(info, CGFENCE_A_PROFILE_MODE, "cgfence: profile mode missing");
	if (err)
		return err;
	return cgf_store_set_mode(name, nla_get_u8(info->attrs[CGFENCE_A_PROFILE_MODE]),
				  info->extack);
}

static int cgf_nl_attach(struct sk_buff *skb, struct genl_info *info)
{
	const char *name;
	int err;

	err = cgf_nl_get_name(info, &name) ?:
	      cgf_nl_require(info, CGFENCE_A_CGROUP_ID, "cgfence: cgroup id missing");
	if (err)
		return err;
	return cgf_store_attach(nla_get_u64(info->attrs[CGFENCE_A_CGROUP_ID]), name,
				info->extack);
}

static int cgf_nl_detach(struct sk_buff *skb, struct genl_info *info)
{
	int err;

	err = cgf_nl_require(info, CGFENCE_A_CGROUP_ID, "cgfence: cgroup id missing");
	if (err)
		return err;
	return cgf_store_detach(nla_get_u64(info->attrs[CGFENCE_A_CGROUP_ID]), info->extack);
}

static int cgf_nl_lock(struct sk_buff *skb, struct genl_info *info)
{
	return cgf_store_lock(info->extack);
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

static int cgf_put_profile(struct sk_buff *msg, const struct cgf_profile_info *profile)
{
	if (nla_put_string(msg, CGFENCE_A_PROFILE_NAME, profile->name) ||
	    nla_put_u8(msg, CGFENCE_A_PROFILE_MODE, profile->mode) ||
	    nla_put_u8(msg, CGFENCE_A_PROFILE_FILE_DEFAULT, profile->file_default) ||
	    nla_put_u64_64bit(msg, CGFENCE_A_PROFILE_GENERATION, profile->generation,
			      CGFENCE_A_PAD) ||
	    nla_put_u32(msg, CGFENCE_A_PROFILE_RULE_COUNT, profile->nr_rules) ||
	    nla_put_u32(msg, CGFENCE_A_PROFILE_ATTACHMENTS, profile->nr_attachments))
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

static int cgf_fill_profile(const struct cgf_profile_info *profile, void *arg)
{
	struct cgf_dump_ctx *ctx = arg;
	void *hdr;

	hdr = genlmsg_put(ctx->msg, NETLINK_CB(ctx->cb->skb).portid, ctx->cb->nlh->nlmsg_seq,
			  &cgf_genl_family, NLM_F_MULTI, CGFENCE_CMD_PROFILE_GET);
	if (!hdr)
		return -EMSGSIZE;
	ctx->cb->seq = ctx->generation;
	genl_dump_check_consistent(ctx->cb, hdr);
	if (cgf_put_profile(ctx->msg, profile)) {
		genlmsg_cancel(ctx->msg, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(ctx->msg, hdr);
	return 0;
}

static int cgf_nl_profile_dump(struct sk_buff *skb, struct netlink_callback *cb)
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

static int cgf_nl_profile_get(struct sk_buff *skb, struct genl_info *info)
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
		NL_SET_ERR_MSG(info->extack, "cgfence: no profile by that name is loaded");
		return -ENOENT;
	}
	genlmsg_end(ctx.msg, hdr);
	return genlmsg_reply(ctx.msg, info);
}

static int cgf_fill_attachment(const struct cgf_attachment_info *att, void *arg)
{
	struct cgf_dump_ctx *ctx = arg;
	void *hdr;
	int len;

	hdr = genlmsg_put(ctx->msg, NETLINK_CB(ctx->cb->skb).portid, ctx->cb->nlh->nlmsg_seq,
			  &cgf_genl_family, NLM_F_MULTI, CGFENCE_CMD_ATTACH_GET);
	if (!hdr)
		return -EMSGSIZE;
	ctx->cb->seq = ctx->generation;
	genl_dump_check_consistent(ctx->cb, hdr);
	len = cgroup_path(att->cgrp, ctx->path, PATH_MAX);
	if (len < 0 || len >= PATH_MAX)
		strscpy(ctx->path, "?", PATH_MAX);
	if (nla_put_u64_64bit(ctx->msg, CGFENCE_A_CGROUP_ID, att->cgroup_id, CGFENCE_A_PAD) ||
	    nla_put_string(ctx->msg, CGFENCE_A_CGROUP_PATH, ctx->path) ||
	    nla_put_string(ctx->msg, CGFENCE_A_PROFILE_NAME, att->profile)) {
		genlmsg_cancel(ctx->msg, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(ctx->msg, hdr);
	return 0;
}

static int cgf_nl_attach_dump(struct sk_buff *skb, struct netlink_callback *cb)
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

enum cgf_mcgrp {
	CGF_MCGRP_DENIALS,
};

/* Joining needs CAP_SYS_ADMIN: denial records name files and processes of every container. */
static const struct genl_multicast_group cgf_mcgrps[] = {
	[CGF_MCGRP_DENIALS] = { .name = CGFENCE_MCGRP_DENIALS, .flags = GENL_MCAST_CAP_SYS_ADMIN },
};

void cgf_netlink_denial_notify(const struct cgf_event *ev)
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

/*
 * Joining the denials group: the multicast group's own flag asks CAP_SYS_ADMIN, which a
 * confined container may hold. The same checks as every command apply, through the one
 * place 6.1 lets us see a join (genl_bind(), hooked like the security functions).
 */
int cgf_hook_genl_bind(struct net *net, int group)
{
	if (!cgf_genl_family.mcgrp_offset ||
	    group != cgf_genl_family.mcgrp_offset + CGF_MCGRP_DENIALS)
		return 0;
	if (!capable(CAP_MAC_ADMIN) || cgf_subject_current_confined())
		return -EPERM;
	return 0;
}

/* cb->args[0]: the next seq to send; a dump may start at CGFENCE_A_DENIAL_SEQ. */
static int cgf_nl_denial_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	const struct genl_dumpit_info *info = genl_dumpit_info(cb);
	struct cgf_event *ev;
	u64 seq;
	void *hdr;
	int err;

	err = cgf_nl_dump_permitted(cb);
	if (err)
		return err;
	if (!cb->args[0])
		cb->args[0] = info->attrs[CGFENCE_A_DENIAL_SEQ] ?
			      nla_get_u64(info->attrs[CGFENCE_A_DENIAL_SEQ]) : 1;
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

static const struct nla_policy cgf_denial_policy[CGFENCE_A_MAX + 1] = {
	[CGFENCE_A_DENIAL_SEQ] = { .type = NLA_U64 },
};

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
	.mcgrps = cgf_mcgrps,
	.n_mcgrps = ARRAY_SIZE(cgf_mcgrps),
};

int cgf_netlink_init(void)
{
	int err;

	err = netlink_register_notifier(&cgf_netlink_notifier);
	if (err)
		return err;
	err = genl_register_family(&cgf_genl_family);
	if (err)
		netlink_unregister_notifier(&cgf_netlink_notifier);
	return err;
}

void cgf_netlink_exit(void)
{
	struct cgf_txn *txn, *tmp;

	genl_unregister_family(&cgf_genl_family);
	netlink_unregister_notifier(&cgf_netlink_notifier);
	mutex_lock(&cgf_txn_lock);
	list_for_each_entry_safe(txn, tmp, &cgf_txns, node)
		cgf_txn_free(txn);
	mutex_unlock(&cgf_txn_lock);
}
