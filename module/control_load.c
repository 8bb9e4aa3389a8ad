// SPDX-License-Identifier: GPL-2.0
/* cgfence control plane, loading: socket-owned transactions that carry a profile's rules in. */

#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/netlink.h>
#include <linux/notifier.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include <uapi/cgfence.h>

#include "audit.h"
#include "control_base.h"
#include "engine.h"
#include "store.h"

/* Open load transactions at once, node-wide: each holds kernel memory until commit. */
#define CGF_MAX_TRANSACTIONS 16

/* The rules of one PROFILE_ADD as they arrived, kept for RULE_GET (control_dump.c). */
struct cgf_txn_source {
	struct list_head node;
	u32 len;
	u8 data[];
};

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
	struct list_head sources;	/* struct cgf_txn_source, in order */
	u32 source_len;
};

static LIST_HEAD(cgf_txns);
static DEFINE_MUTEX(cgf_txn_lock);
static unsigned int cgf_nr_txns;

static const struct nla_policy cgf_rule_policy[CGFENCE_RULE_A_MAX + 1] = {
	[CGFENCE_RULE_A_RULE] = { .type = NLA_REJECT },
	[CGFENCE_RULE_A_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[CGFENCE_RULE_A_KIND] = NLA_POLICY_RANGE(NLA_U8, CGFENCE_RULE_FILE, CGFENCE_RULE_KERNEL),
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
	[CGFENCE_RULE_A_KERNEL_OPS] = NLA_POLICY_MASK(NLA_U32, CGFENCE_KERNEL_ALL),
	[CGFENCE_RULE_A_ORIGIN] = { .type = NLA_NUL_STRING, .len = CGFENCE_MAX_ORIGIN - 1 },
};

static const struct nla_policy cgf_rules_policy[CGFENCE_RULE_A_RULE + 1] = {
	[CGFENCE_RULE_A_RULE] = NLA_POLICY_NESTED(cgf_rule_policy),
};

static struct netlink_range_validation cgf_rule_count_range __ro_after_init = {
	.min = 0,
	.max = CGFENCE_MAX_RULES,
};

const struct nla_policy cgf_begin_policy[CGFENCE_A_MAX + 1] = {
	[CGFENCE_A_PROFILE_NAME] = CGF_NLA_NAME,
	[CGFENCE_A_PROFILE_MODE] = NLA_POLICY_RANGE(NLA_U8, CGFENCE_MODE_ENFORCE,
						    CGFENCE_MODE_COMPLAIN),
	[CGFENCE_A_PROFILE_FILE_DEFAULT] = NLA_POLICY_RANGE(NLA_U8, CGFENCE_EFFECT_ALLOW,
							    CGFENCE_EFFECT_DENY),
	[CGFENCE_A_PROFILE_RULE_COUNT] = NLA_POLICY_FULL_RANGE(NLA_U32, &cgf_rule_count_range),
};

const struct nla_policy cgf_add_policy[CGFENCE_A_MAX + 1] = {
	[CGFENCE_A_RULES] = NLA_POLICY_NESTED(cgf_rules_policy),
};

static struct cgf_txn *cgf_txn_find(u32 portid)
{
	struct cgf_txn *txn;

	lockdep_assert_held(&cgf_txn_lock);
	list_for_each_entry(txn, &cgf_txns, node)
		if (txn->portid == portid)
			return txn;
	return NULL;
}

/* The transaction of the sender's socket, or NULL with the reason in the extack. */
static struct cgf_txn *cgf_txn_of(struct genl_info *info)
{
	struct cgf_txn *txn = cgf_txn_find(info->snd_portid);

	if (!txn)
		NL_SET_ERR_MSG_MOD(info->extack,
				   "no profile transaction on this socket; send PROFILE_BEGIN first");
	return txn;
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

/*
 * Process context (a request, or the release of its socket), under cgf_txn_lock only.
 * Freeing 100,000 rules took 26 s on make stress's KASAN kernel and tripped the
 * soft-lockup watchdog: let others run between rules.
 */
static void cgf_rules_free(struct cgf_rule *rules, u32 nr)
{
	u32 i;

	for (i = 0; i < nr; i++) {
		cgf_rule_free_strings(&rules[i]);
		if (!(i % 1024))
			cond_resched();
	}
}

static void cgf_txn_free(struct cgf_txn *txn)
{
	struct cgf_txn_source *src, *tmp;

	lockdep_assert_held(&cgf_txn_lock);
	list_del(&txn->node);
	cgf_nr_txns--;
	cgf_rules_free(txn->rules, txn->nr_rules);
	kvfree(txn->rules);
	list_for_each_entry_safe(src, tmp, &txn->sources, node)
		kvfree(src);
	kfree(txn);
}

/* The chunks joined into the one block the store keeps; NULL on -ENOMEM. */
static struct cgf_rule_source *cgf_txn_join_sources(const struct cgf_txn *txn)
{
	struct cgf_rule_source *source;
	struct cgf_txn_source *src;
	u32 off = 0;

	source = kvmalloc(struct_size(source, data, txn->source_len), GFP_KERNEL_ACCOUNT);
	if (!source)
		return NULL;
	list_for_each_entry(src, &txn->sources, node) {
		memcpy(source->data + off, src->data, src->len);
		off += src->len;
	}
	source->len = off;
	return source;
}

int cgf_nl_profile_begin(struct sk_buff *skb, struct genl_info *info)
{
	struct cgf_txn *txn;
	const char *name;
	u32 nr;
	int err;

	err = cgf_nl_get_name(info, &name);
	if (err)
		return err;
	err = cgf_nl_require(info, CGFENCE_A_PROFILE_MODE, "profile mode missing") ?:
	      cgf_nl_require(info, CGFENCE_A_PROFILE_FILE_DEFAULT,
			     "profile file default missing") ?:
	      cgf_nl_require(info, CGFENCE_A_PROFILE_RULE_COUNT, "rule count missing");
	if (err)
		return err;
	if (cgf_store_locked()) {
		NL_SET_ERR_MSG_MOD(info->extack, "policy is locked until reboot");
		cgf_audit_policy(AUDIT_MAC_POLICY_LOAD, "load", name, 0, NULL, -EPERM);
		return -EPERM;
	}
	nr = nla_get_u32(info->attrs[CGFENCE_A_PROFILE_RULE_COUNT]);

	mutex_lock(&cgf_txn_lock);
	if (cgf_txn_find(info->snd_portid)) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "a profile transaction is already open on this socket");
		err = -EBUSY;
		goto out;
	}
	if (cgf_nr_txns >= CGF_MAX_TRANSACTIONS) {
		NL_SET_ERR_MSG_MOD(info->extack, "too many profile loads in progress; retry later");
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
	INIT_LIST_HEAD(&txn->sources);
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
	[CGFENCE_RULE_KERNEL] = BIT(CGFENCE_RULE_A_KERNEL_OPS),
};

static const u32 cgf_kind_required[] = {
	[CGFENCE_RULE_FILE] = BIT(CGFENCE_RULE_A_FILE_PERMS) | BIT(CGFENCE_RULE_A_FILE_PATH),
	[CGFENCE_RULE_MOUNT] = BIT(CGFENCE_RULE_A_MOUNT_OPS),
	[CGFENCE_RULE_DEVICE] = BIT(CGFENCE_RULE_A_DEV_TYPE) | BIT(CGFENCE_RULE_A_DEV_MAJOR) |
				BIT(CGFENCE_RULE_A_DEV_MINOR) | BIT(CGFENCE_RULE_A_DEV_ACCESS),
	[CGFENCE_RULE_KERNEL] = BIT(CGFENCE_RULE_A_KERNEL_OPS),
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
		NL_SET_ERR_MSG_ATTR_MOD(extack, nest, "rule needs an id, a kind and an effect");
		return -EINVAL;
	}
	memset(rule, 0, sizeof(*rule));
	rule->id = nla_get_u32(tb[CGFENCE_RULE_A_ID]);
	rule->kind = nla_get_u8(tb[CGFENCE_RULE_A_KIND]);
	rule->effect = nla_get_u8(tb[CGFENCE_RULE_A_EFFECT]);

	/* An origin may come with a rule of any kind. */
	for (i = CGFENCE_RULE_A_FILE_PERMS; i <= CGFENCE_RULE_A_KERNEL_OPS; i++)
		if (tb[i])
			present |= BIT(i);
	if (present & ~cgf_kind_attrs[rule->kind]) {
		NL_SET_ERR_MSG_ATTR_MOD(extack, nest,
					"rule carries an attribute of another rule kind");
		return -EINVAL;
	}
	if ((present & cgf_kind_required[rule->kind]) != cgf_kind_required[rule->kind]) {
		NL_SET_ERR_MSG_ATTR_MOD(extack, nest, "rule lacks an attribute its kind needs");
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
	case CGFENCE_RULE_KERNEL:
		rule->kernel.ops = nla_get_u32(tb[CGFENCE_RULE_A_KERNEL_OPS]);
		break;
	}

	err = cgf_rule_validate(rule, &berr);
	if (err)
		cgf_set_err(extack, nest, berr.msg);
	return err;
}

/* All rules of the message or none: a refused chunk leaves the transaction as it was. */
int cgf_nl_profile_add(struct sk_buff *skb, struct genl_info *info)
{
	const struct nlattr *rules_attr = info->attrs[CGFENCE_A_RULES];
	struct cgf_txn_source *src = NULL;
	const struct nlattr *nest;
	struct cgf_rule *chunk;
	struct cgf_txn *txn;
	u32 nr = 0;
	int rem, err;

	err = cgf_nl_require(info, CGFENCE_A_RULES, "rules missing");
	if (err)
		return err;

	mutex_lock(&cgf_txn_lock);
	txn = cgf_txn_of(info);
	if (!txn) {
		err = -ENOENT;
		goto out;
	}
	/* The nests as they came: the policy has checked every one of them below. */
	src = kvmalloc(struct_size(src, data, nla_len(rules_attr)), GFP_KERNEL_ACCOUNT);
	if (!src) {
		err = -ENOMEM;
		goto out;
	}
	src->len = nla_len(rules_attr);
	memcpy(src->data, nla_data(rules_attr), src->len);
	chunk = txn->rules + txn->nr_rules;
	nla_for_each_nested(nest, rules_attr, rem) {
		if (txn->nr_rules + nr == txn->nr_expected) {
			NL_SET_ERR_MSG_ATTR_MOD(info->extack, nest,
						"more rules than PROFILE_BEGIN announced");
			err = -E2BIG;
			break;
		}
		err = cgf_nl_parse_rule(nest, &chunk[nr], info->extack);
		nr++;	/* a refused rule may hold strings too */
		if (err)
			break;
		if (chunk[nr - 1].id <= (nr > 1 ? chunk[nr - 2].id : txn->last_id)) {
			NL_SET_ERR_MSG_ATTR_MOD(info->extack, nest,
						"rule ids must increase through the transaction");
			err = -EINVAL;
			break;
		}
	}
	if (err) {
		cgf_rules_free(chunk, nr);
		memset(chunk, 0, nr * sizeof(*chunk));
		kvfree(src);
	} else if (nr) {
		txn->nr_rules += nr;
		txn->last_id = chunk[nr - 1].id;
		list_add_tail(&src->node, &txn->sources);
		txn->source_len += src->len;
	} else {
		kvfree(src);
	}
out:
	mutex_unlock(&cgf_txn_lock);
	return err;
}

/* The transaction ends here whatever happens: a failed build leaves the store as it was. */
int cgf_nl_profile_commit(struct sk_buff *skb, struct genl_info *info)
{
	struct cgf_build_error berr = { .rule_index = -1, .msg = NULL };
	struct cgf_rule_source *source;
	struct cgf_profile *compiled;
	bool replaced = false;
	struct cgf_txn *txn;
	int err;

	mutex_lock(&cgf_txn_lock);
	txn = cgf_txn_of(info);
	if (!txn) {
		err = -ENOENT;
		goto out_unlock;
	}
	if (txn->nr_rules != txn->nr_expected) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "fewer rules arrived than PROFILE_BEGIN announced");
		err = -EINVAL;
		goto out_free;
	}
	compiled = cgf_profile_build(&txn->spec, txn->rules, txn->nr_rules,
				     GFP_KERNEL_ACCOUNT, &berr);
	if (IS_ERR(compiled)) {
		err = PTR_ERR(compiled);
		cgf_set_err(info->extack, NULL, berr.msg ?: KBUILD_MODNAME ": cannot compile the profile");
		goto out_free;
	}
	source = cgf_txn_join_sources(txn);
	if (!source) {
		cgf_profile_free(compiled);
		err = -ENOMEM;
		goto out_free;
	}
	err = cgf_store_commit(txn->name, txn->spec.mode, compiled, source, &replaced,
			       info->extack);
	cgf_audit_policy(AUDIT_MAC_POLICY_LOAD, replaced ? "replace" : "load", txn->name, 0,
			 NULL, err);
	if (err) {
		cgf_profile_free(compiled);
		kvfree(source);
	}
out_free:
	cgf_txn_free(txn);
out_unlock:
	mutex_unlock(&cgf_txn_lock);
	return err;
}

int cgf_nl_profile_abort(struct sk_buff *skb, struct genl_info *info)
{
	struct cgf_txn *txn;
	int err = 0;

	mutex_lock(&cgf_txn_lock);
	txn = cgf_txn_find(info->snd_portid);
	if (txn) {
		cgf_txn_free(txn);
	} else {
		NL_SET_ERR_MSG_MOD(info->extack, "no profile transaction on this socket");
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

int cgf_control_load_init(void)
{
	return netlink_register_notifier(&cgf_netlink_notifier);
}

/* After the family is gone: no command can open a transaction any more. */
void cgf_control_load_exit(void)
{
	struct cgf_txn *txn, *tmp;

	netlink_unregister_notifier(&cgf_netlink_notifier);
	mutex_lock(&cgf_txn_lock);
	list_for_each_entry_safe(txn, tmp, &cgf_txns, node)
		cgf_txn_free(txn);
	mutex_unlock(&cgf_txn_lock);
}
