// SPDX-License-Identifier: GPL-2.0
/* cgfence policy store: named profiles, cgroup attachments, and the lookup hooks use. */

#include <linux/cgroup.h>
#include <linux/jump_label.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/netlink.h>
#include <linux/percpu.h>
#include <linux/rculist.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "engine.h"
#include "learned.h"
#include "pending.h"
#include "store.h"

#define CGF_ATTACH_HASH_BITS 12
/* One bit per cgroup level that has attachments; the last bit stands for all deeper levels. */
#define CGF_LEVEL_BITS BITS_PER_LONG

/*
 * Writers hold the mutex; hooks only read, under RCU. The store starts empty at load:
 * profiles and attachments only ever come from an administrator, and nothing survives
 * an unload.
 */
static struct {
	struct mutex lock;	/* serialises writers; hooks never take it */
	struct list_head profiles;
	struct list_head attachments;
	u32 nr_profiles;
	u32 nr_attachments;
	u32 attached_per_level[CGF_LEVEL_BITS];
	unsigned long attached_levels;		/* READ_ONCE in hooks */
	u64 generation;
	u64 learned_serial;
	bool locked;
} cgf_store = {
	.lock = __MUTEX_INITIALIZER(cgf_store.lock),
	.profiles = LIST_HEAD_INIT(cgf_store.profiles),
	.attachments = LIST_HEAD_INIT(cgf_store.attachments),
};

static DEFINE_HASHTABLE(cgf_attach_hash, CGF_ATTACH_HASH_BITS);

/* Host tasks on a node with no attachment pay one patched-out branch per hook. */
DEFINE_STATIC_KEY_FALSE(cgf_confinement_active);
unsigned int cgf_on_exec_attachments;

static unsigned int cgf_level_bit(int level)
{
	return min_t(int, level, CGF_LEVEL_BITS - 1);
}

static struct cgf_attachment *cgf_attachment_find_rcu(u64 cgroup_id)
{
	struct cgf_attachment *att;

	hash_for_each_possible_rcu(cgf_attach_hash, att, hnode, cgroup_id)
		if (att->cgroup_id == cgroup_id)
			return att;
	return NULL;
}

/**
 * cgf_cover_begin - start walking the attachments that cover @cgrp
 * @iter: iterator, valid until rcu_read_unlock()
 * @cgrp: a cgroup of the default hierarchy
 *
 * Return: false when no attachment can cover @cgrp.
 */
bool cgf_cover_begin(struct cgf_subject_iter *iter, struct cgroup *cgrp)
{
	if (!static_branch_unlikely(&cgf_confinement_active))
		return false;
	iter->levels = READ_ONCE(cgf_store.attached_levels);
	if (!iter->levels)
		return false;
	iter->cgrp = cgrp;
	iter->level = cgrp->level;
	return true;
}

/**
 * cgf_cover_next - the next attachment covering the cgroup, from itself upwards
 * @iter: iterator from cgf_cover_begin()
 *
 * Only levels known to hold an attachment are looked up, so a host task whose
 * ancestors sit at other levels costs no hash lookup at all.
 */
struct cgf_attachment *cgf_cover_next(struct cgf_subject_iter *iter)
{
	struct cgf_attachment *att;

	for (; iter->level >= 0; iter->level--) {
		if (!(iter->levels & BIT(cgf_level_bit(iter->level))))
			continue;
		att = cgf_attachment_find_rcu(cgroup_id(iter->cgrp->ancestors[iter->level]));
		if (att) {
			iter->level--;
			return att;
		}
	}
	return NULL;
}

bool cgf_subject_begin(struct cgf_subject_iter *iter)
{
	return cgf_cover_begin(iter, task_dfl_cgroup(current));
}

const struct cgf_attachment *cgf_subject_next(struct cgf_subject_iter *iter)
{
	struct cgf_attachment *att;

	while ((att = cgf_cover_next(iter)))
		if (!cgf_pending_task(current, att))
			return att;
	return NULL;
}

bool cgf_subject_current_confined(void)
{
	struct cgf_subject_iter iter;
	bool confined = false;

	rcu_read_lock();
	if (cgf_subject_begin(&iter))
		confined = cgf_cover_next(&iter);
	rcu_read_unlock();
	return confined;
}

static struct cgf_attachment *cgf_attachment_find_locked(u64 cgroup_id)
{
	struct cgf_attachment *att;

	lockdep_assert_held(&cgf_store.lock);
	hash_for_each_possible(cgf_attach_hash, att, hnode, cgroup_id)
		if (att->cgroup_id == cgroup_id)
			return att;
	return NULL;
}

static struct cgf_profile_slot *cgf_slot_find(const char *name)
{
	struct cgf_profile_slot *slot;

	lockdep_assert_held(&cgf_store.lock);
	list_for_each_entry(slot, &cgf_store.profiles, node)
		if (!strcmp(slot->name, name))
			return slot;
	return NULL;
}

static int cgf_store_check_unlocked(struct netlink_ext_ack *extack)
{
	if (cgf_store.locked) {
		NL_SET_ERR_MSG_MOD(extack, "policy is locked until reboot");
		return -EPERM;
	}
	return 0;
}

void cgf_counters_sum(const struct cgf_counters __percpu *counters, struct cgf_counters *sum)
{
	const struct cgf_counters *one;
	int cpu, k;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		one = per_cpu_ptr(counters, cpu);
		sum->decisions += READ_ONCE(one->decisions);
		for (k = 0; k < CGF_DENIAL_KINDS; k++) {
			sum->denied[k] += READ_ONCE(one->denied[k]);
			sum->would_deny[k] += READ_ONCE(one->would_deny[k]);
		}
		sum->dropped += READ_ONCE(one->dropped);
	}
}

static void cgf_attachment_free_rcu(struct rcu_head *head)
{
	struct cgf_attachment *att = container_of(head, struct cgf_attachment, rcu);

	cgroup_put(att->cgrp);
	free_percpu(att->counters);
	kfree(att);
}

static void cgf_attachment_unlink(struct cgf_attachment *att)
{
	unsigned int bit = cgf_level_bit(att->cgrp->level);

	lockdep_assert_held(&cgf_store.lock);
	hash_del_rcu(&att->hnode);
	list_del(&att->node);
	if (att->on_exec) {
		cgf_pending_forget(att);
		WRITE_ONCE(cgf_on_exec_attachments, cgf_on_exec_attachments - 1);
	}
	att->slot->nr_attachments--;
	cgf_store.nr_attachments--;
	if (!--cgf_store.attached_per_level[bit])
		WRITE_ONCE(cgf_store.attached_levels, cgf_store.attached_levels & ~BIT(bit));
	if (!cgf_store.nr_attachments)
		static_branch_disable(&cgf_confinement_active);
	cgf_store.generation++;
	call_rcu(&att->rcu, cgf_attachment_free_rcu);
}

/*
 * A removed cgroup can hold no task, so its attachment only occupies a slot. Cgroup
 * ids are never reused: a new cgroup at the same path gets a new id and nothing stale.
 */
static void cgf_store_prune_dead(void)
{
	struct cgf_attachment *att, *tmp;

	lockdep_assert_held(&cgf_store.lock);
	list_for_each_entry_safe(att, tmp, &cgf_store.attachments, node)
		if (!(READ_ONCE(att->cgrp->self.flags) & CSS_ONLINE))
			cgf_attachment_unlink(att);
}

/* Writers only: the store mutex keeps the compiled pointer from changing under us. */
static struct cgf_profile *cgf_slot_compiled(const struct cgf_profile_slot *slot)
{
	return rcu_dereference_protected(slot->compiled, lockdep_is_held(&cgf_store.lock));
}

/* Writers only, as cgf_slot_compiled(). */
static struct cgf_learned *cgf_slot_learned(const struct cgf_profile_slot *slot)
{
	return rcu_dereference_protected(slot->learned, lockdep_is_held(&cgf_store.lock));
}

/* Gives @slot the set @learned (NULL: none), the old one freed after the hooks' grace. */
static void cgf_slot_set_learned(struct cgf_profile_slot *slot, struct cgf_learned *learned)
{
	lockdep_assert_held(&cgf_store.lock);
	if (learned)
		learned->serial = ++cgf_store.learned_serial;
	cgf_learned_free_rcu(rcu_replace_pointer(slot->learned, learned,
						 lockdep_is_held(&cgf_store.lock)));
}

static void cgf_slot_free_rcu(struct rcu_head *head)
{
	struct cgf_profile_slot *slot = container_of(head, struct cgf_profile_slot, rcu);

	kvfree(rcu_dereference_protected(slot->learned, true));
	free_percpu(slot->counters);
	kfree(slot);
}

static void cgf_slot_remove(struct cgf_profile_slot *slot)
{
	lockdep_assert_held(&cgf_store.lock);
	list_del(&slot->node);
	cgf_store.nr_profiles--;
	cgf_store.generation++;
	cgf_profile_put_rcu(cgf_slot_compiled(slot));
	kvfree(slot->source);
	call_rcu(&slot->rcu, cgf_slot_free_rcu);
}

/**
 * cgf_store_commit - create profile @name or replace its compiled form atomically
 * @name: profile name, already validated
 * @mode: enum cgfence_mode
 * @compiled: built profile; the store owns it on success
 * @source: the rules as loaded, or NULL; the store owns it on success
 * @replaced: set when a profile of that name was there (or would have been replaced)
 * @extack: error report
 *
 * Return: 0, or -errno with @compiled and @source untouched (the caller frees them).
 */
int cgf_store_commit(const char *name, u8 mode, struct cgf_profile *compiled,
		     struct cgf_rule_source *source, bool *replaced,
		     struct netlink_ext_ack *extack)
{
	struct cgf_learned *learned = NULL;
	struct cgf_profile_slot *slot;
	struct cgf_profile *old;
	int err;

	/* A replaced profile learns anew: what the old rules refused says little of these. */
	if (mode == CGFENCE_MODE_COMPLAIN) {
		learned = cgf_learned_alloc();
		if (IS_ERR(learned)) {
			NL_SET_ERR_MSG_MOD(extack,
					   "no memory for the complain-mode learned records (learn_records)");
			return PTR_ERR(learned);
		}
	}
	mutex_lock(&cgf_store.lock);
	slot = cgf_slot_find(name);
	*replaced = slot;
	err = cgf_store_check_unlocked(extack);
	if (err)
		goto out;

	if (slot) {
		old = rcu_replace_pointer(slot->compiled, compiled,
					  lockdep_is_held(&cgf_store.lock));
		WRITE_ONCE(slot->mode, mode);
		slot->generation++;
		cgf_store.generation++;
		cgf_profile_put_rcu(old);
		kvfree(slot->source);
		slot->source = source;
		cgf_slot_set_learned(slot, learned);
		learned = NULL;
		goto out;
	}

	if (cgf_store.nr_profiles >= CGFENCE_MAX_PROFILES) {
		NL_SET_ERR_MSG_MOD(extack,
				   "too many profiles loaded (limit 1024); unload one first");
		err = -E2BIG;
		goto out;
	}
	slot = kzalloc(sizeof(*slot), GFP_KERNEL_ACCOUNT);
	if (slot)
		slot->counters = alloc_percpu_gfp(struct cgf_counters, GFP_KERNEL_ACCOUNT);
	if (!slot || !slot->counters) {
		kfree(slot);
		err = -ENOMEM;
		goto out;
	}
	strscpy(slot->name, name, sizeof(slot->name));
	slot->mode = mode;
	slot->generation = 1;
	RCU_INIT_POINTER(slot->compiled, compiled);
	slot->source = source;
	cgf_slot_set_learned(slot, learned);
	learned = NULL;
	list_add_tail(&slot->node, &cgf_store.profiles);
	cgf_store.nr_profiles++;
	cgf_store.generation++;
out:
	mutex_unlock(&cgf_store.lock);
	kvfree(learned);
	return err;
}

int cgf_store_remove(const char *name, bool force, struct netlink_ext_ack *extack)
{
	struct cgf_attachment *att, *tmp;
	struct cgf_profile_slot *slot;
	int err;

	mutex_lock(&cgf_store.lock);
	err = cgf_store_check_unlocked(extack);
	if (err)
		goto out;
	cgf_store_prune_dead();
	slot = cgf_slot_find(name);
	if (!slot) {
		NL_SET_ERR_MSG_MOD(extack, "no profile by that name is loaded");
		err = -ENOENT;
		goto out;
	}
	if (slot->nr_attachments && !force) {
		NL_SET_ERR_MSG_MOD(extack,
				   "profile is attached to containers; detach them or force");
		err = -EBUSY;
		goto out;
	}
	list_for_each_entry_safe(att, tmp, &cgf_store.attachments, node)
		if (att->slot == slot)
			cgf_attachment_unlink(att);
	cgf_slot_remove(slot);
out:
	mutex_unlock(&cgf_store.lock);
	return err;
}

int cgf_store_set_mode(const char *name, u8 mode, struct netlink_ext_ack *extack)
{
	struct cgf_profile_slot *slot;
	int err;

	mutex_lock(&cgf_store.lock);
	err = cgf_store_check_unlocked(extack);
	if (err)
		goto out;
	slot = cgf_slot_find(name);
	if (!slot) {
		NL_SET_ERR_MSG_MOD(extack, "no profile by that name is loaded");
		err = -ENOENT;
		goto out;
	}
	/* Back in complain mode, the same rules: what was learned still holds. */
	if (mode == CGFENCE_MODE_COMPLAIN && !cgf_slot_learned(slot)) {
		struct cgf_learned *learned = cgf_learned_alloc();

		if (IS_ERR(learned)) {
			NL_SET_ERR_MSG_MOD(extack,
					   "no memory for the complain-mode learned records (learn_records)");
			err = PTR_ERR(learned);
			goto out;
		}
		cgf_slot_set_learned(slot, learned);
	}
	WRITE_ONCE(slot->mode, mode);
	slot->generation++;
	cgf_store.generation++;
out:
	mutex_unlock(&cgf_store.lock);
	return err;
}

/*
 * Re-attaching swaps the profile in place: no window without confinement. It may turn
 * an on-exec attachment into an immediate one (its pending tasks are judged from now
 * on), never the other way, which would let tasks already judged go until they exec.
 */
static int cgf_store_reattach(struct cgf_attachment *att, struct cgf_profile_slot *slot,
			      bool on_exec, struct netlink_ext_ack *extack)
{
	if (on_exec && !att->on_exec) {
		NL_SET_ERR_MSG_MOD(extack,
				   "that cgroup's attachment judges its tasks already; on-exec would release them until they exec: detach it first");
		return -EBUSY;
	}
	if (!on_exec && att->on_exec) {
		cgf_pending_forget(att);
		WRITE_ONCE(cgf_on_exec_attachments, cgf_on_exec_attachments - 1);
	}
	att->slot->nr_attachments--;
	slot->nr_attachments++;
	WRITE_ONCE(att->slot, slot);
	cgf_store.generation++;
	return 0;
}

int cgf_store_attach(u64 cgroup_id, const char *name, bool on_exec,
		     struct netlink_ext_ack *extack)
{
	struct cgf_profile_slot *slot;
	struct cgf_attachment *att;
	struct cgroup *cgrp;
	unsigned int bit;
	int err;

	/* Resolved in the caller's cgroup namespace: ids outside it do not exist for it. */
	cgrp = cgroup_get_from_id(cgroup_id);
	if (IS_ERR(cgrp)) {
		NL_SET_ERR_MSG_MOD(extack, "no cgroup (v2) with that id");
		return -ENOENT;
	}
	/*
	 * A confined caller can never manage policy again: attaching the root cgroup, or any
	 * cgroup holding the caller, would lock the administrator out until reboot.
	 */
	if (!cgroup_parent(cgrp)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "the root cgroup cannot be attached (it holds the host)");
		cgroup_put(cgrp);
		return -EINVAL;
	}
	rcu_read_lock();
	err = cgroup_is_descendant(task_dfl_cgroup(current), cgrp) ? -EBUSY : 0;
	rcu_read_unlock();
	if (err) {
		NL_SET_ERR_MSG_MOD(extack, "that cgroup holds the caller, which would confine it");
		cgroup_put(cgrp);
		return err;
	}

	mutex_lock(&cgf_store.lock);
	cgf_store_prune_dead();
	slot = cgf_slot_find(name);
	if (!slot) {
		NL_SET_ERR_MSG_MOD(extack, "no profile by that name is loaded");
		err = -ENOENT;
		goto out;
	}

	/*
	 * Locked, a new attachment only adds confinement (attachments intersect), so new
	 * containers can still be confined; changing an existing one could weaken it.
	 */
	att = cgf_attachment_find_locked(cgroup_id);
	if (att) {
		err = cgf_store_check_unlocked(extack) ?:
		      cgf_store_reattach(att, slot, on_exec, extack);
		goto out;
	}

	if (cgf_store.nr_attachments >= CGFENCE_MAX_ATTACHMENTS) {
		NL_SET_ERR_MSG_MOD(extack, "too many attachments (limit 10000); detach one first");
		err = -E2BIG;
		goto out;
	}
	att = kzalloc(sizeof(*att), GFP_KERNEL_ACCOUNT);
	if (att)
		att->counters = alloc_percpu_gfp(struct cgf_counters, GFP_KERNEL_ACCOUNT);
	if (!att || !att->counters) {
		kfree(att);
		err = -ENOMEM;
		goto out;
	}
	att->cgroup_id = cgroup_id;
	att->cgrp = cgrp;
	spin_lock_init(&att->bucket_lock);
	att->slot = slot;
	if (on_exec) {
		/* Published with every task pending, then each is marked (pending.c). */
		att->on_exec = true;
		att->setting_up = true;
		att->nr_pending = 1;
		WRITE_ONCE(cgf_on_exec_attachments, cgf_on_exec_attachments + 1);
	}
	cgrp = NULL;	/* the attachment holds the reference now */

	slot->nr_attachments++;
	cgf_store.nr_attachments++;
	list_add_tail(&att->node, &cgf_store.attachments);
	hash_add_rcu(cgf_attach_hash, &att->hnode, cgroup_id);
	bit = cgf_level_bit(att->cgrp->level);
	if (!cgf_store.attached_per_level[bit]++)
		WRITE_ONCE(cgf_store.attached_levels, cgf_store.attached_levels | BIT(bit));
	static_branch_enable(&cgf_confinement_active);
	cgf_store.generation++;
	if (on_exec) {
		err = cgf_pending_setup(att);
		if (err) {
			NL_SET_ERR_MSG_MOD(extack, "out of memory marking the cgroup's tasks");
			cgf_attachment_unlink(att);
		}
	}
out:
	mutex_unlock(&cgf_store.lock);
	if (cgrp)
		cgroup_put(cgrp);
	return err;
}

int cgf_store_detach(u64 cgroup_id, struct netlink_ext_ack *extack)
{
	struct cgf_attachment *att;
	int err;

	mutex_lock(&cgf_store.lock);
	err = cgf_store_check_unlocked(extack);
	if (err)
		goto out;
	att = cgf_attachment_find_locked(cgroup_id);
	if (!att) {
		NL_SET_ERR_MSG_MOD(extack, "no profile is attached to that cgroup");
		err = -ENOENT;
		goto out;
	}
	cgf_attachment_unlink(att);
	cgf_store_prune_dead();
out:
	mutex_unlock(&cgf_store.lock);
	return err;
}

/*
 * Locking pins the module: a module reference that is never dropped makes rmmod fail
 * until reboot.
 */
int cgf_store_lock(struct netlink_ext_ack *extack)
{
	int err;

	mutex_lock(&cgf_store.lock);
	err = cgf_store_check_unlocked(extack);
	if (!err) {
		__module_get(THIS_MODULE);
		WRITE_ONCE(cgf_store.locked, true);
		cgf_store.generation++;
	}
	mutex_unlock(&cgf_store.lock);
	return err;
}

bool cgf_store_locked(void)
{
	return READ_ONCE(cgf_store.locked);
}

void cgf_store_get_status(struct cgf_store_status *status)
{
	struct cgf_attachment *att;

	mutex_lock(&cgf_store.lock);
	cgf_store_prune_dead();
	status->profiles = cgf_store.nr_profiles;
	status->attachments = cgf_store.nr_attachments;
	status->on_exec = cgf_on_exec_attachments;
	status->pending = 0;
	list_for_each_entry(att, &cgf_store.attachments, node)
		status->pending += READ_ONCE(att->nr_pending);
	status->locked = cgf_store.locked;
	mutex_unlock(&cgf_store.lock);
}

static void cgf_slot_learned_info(const struct cgf_profile_slot *slot,
				  struct cgf_profile_info *info)
{
	struct cgf_learned *learned = cgf_slot_learned(slot);
	struct cgf_learned_status status = { 0 };

	info->learning = learned;
	if (learned)
		cgf_learned_status(learned, &status);
	info->learned_nr = status.nr;
	info->learned_capacity = status.capacity;
	info->learned_missed = status.missed;
}

void cgf_store_dump_profiles(unsigned long *index, u64 *generation, const char *only_name,
			     int (*fill)(const struct cgf_profile_info *info, void *arg),
			     void *arg)
{
	struct cgf_profile_slot *slot;
	struct cgf_profile_info info;
	unsigned long i = 0;

	mutex_lock(&cgf_store.lock);
	cgf_store_prune_dead();
	*generation = cgf_store.generation;
	list_for_each_entry(slot, &cgf_store.profiles, node) {
		if (only_name && strcmp(slot->name, only_name))
			continue;
		if (i++ < *index)
			continue;
		info.name = slot->name;
		info.mode = slot->mode;
		info.generation = slot->generation;
		info.compiled = cgf_slot_compiled(slot);
		info.source = slot->source;
		info.nr_rules = cgf_profile_nr_rules(info.compiled);
		info.file_default = cgf_profile_file_default(info.compiled);
		info.nr_attachments = slot->nr_attachments;
		cgf_counters_sum(slot->counters, &info.counters);
		cgf_slot_learned_info(slot, &info);
		if (fill(&info, arg))
			break;
		(*index)++;
	}
	mutex_unlock(&cgf_store.lock);
}

void cgf_store_dump_attachments(unsigned long *index, u64 *generation,
				int (*fill)(const struct cgf_attachment_info *info, void *arg),
				void *arg)
{
	struct cgf_attachment_info info;
	struct cgf_attachment *att;
	unsigned long i = 0;

	mutex_lock(&cgf_store.lock);
	cgf_store_prune_dead();
	*generation = cgf_store.generation;
	list_for_each_entry(att, &cgf_store.attachments, node) {
		if (i++ < *index)
			continue;
		info.cgroup_id = att->cgroup_id;
		info.cgrp = att->cgrp;
		info.profile = att->slot->name;
		info.on_exec = att->on_exec;
		info.pending = READ_ONCE(att->nr_pending);
		cgf_counters_sum(att->counters, &info.counters);
		if (fill(&info, arg))
			break;
		(*index)++;
	}
	mutex_unlock(&cgf_store.lock);
}

int cgf_store_dump_learned(const char *name, u32 *index, u64 *serial,
			   int (*fill)(const struct cgf_learned_info *info, void *arg),
			   void *arg)
{
	struct cgf_learned_info info = { .profile = name };
	struct cgf_learned_entry *entry;
	struct cgf_profile_slot *slot;
	struct cgf_attachment *att;
	struct cgf_learned *learned;
	int err = 0;

	entry = kmalloc(sizeof(*entry), GFP_KERNEL);
	if (!entry)
		return -ENOMEM;
	info.entry = entry;
	mutex_lock(&cgf_store.lock);
	slot = cgf_slot_find(name);
	learned = slot ? cgf_slot_learned(slot) : NULL;
	if (!learned) {
		err = slot ? -ENODATA : -ENOENT;
		goto out;
	}
	if (!*serial)
		*serial = learned->serial;
	if (*serial != learned->serial) {
		err = -ESTALE;
		goto out;
	}
	info.generation = slot->generation;
	while (!cgf_learned_read(learned, *index, entry)) {
		info.index = *index;
		att = cgf_attachment_find_locked(entry->cgroup_id);
		info.cgrp = att ? att->cgrp : NULL;
		if (fill(&info, arg))
			break;
		(*index)++;
	}
out:
	mutex_unlock(&cgf_store.lock);
	kfree(entry);
	return err;
}

/* Module unload: hooks are detached and netlink is gone, so nothing else can look. */
void cgf_store_exit(void)
{
	struct cgf_attachment *att, *atmp;
	struct cgf_profile_slot *slot, *stmp;

	mutex_lock(&cgf_store.lock);
	list_for_each_entry_safe(att, atmp, &cgf_store.attachments, node)
		cgf_attachment_unlink(att);
	list_for_each_entry_safe(slot, stmp, &cgf_store.profiles, node)
		cgf_slot_remove(slot);
	mutex_unlock(&cgf_store.lock);
	/* The RCU callbacks live in this module's text. */
	rcu_barrier();
}
