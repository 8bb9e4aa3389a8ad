// SPDX-License-Identifier: GPL-2.0
/* cgfence learned records: complain mode keeps each distinct refusal once, past any rate limit. */

#include <linux/jhash.h>
#include <linux/ktime.h>
#include <linux/log2.h>
#include <linux/moduleparam.h>
#include <linux/pid.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "learned.h"

#define CGF_LEARNED_MAX	65536

/*
 * The denial ring keeps the newest records of every container, rate limited; learning a
 * program's start-up needs every distinct thing it did once, as TOMOYO's learning mode
 * keeps it. The set is sized when the profile enters complain mode.
 */
static unsigned int learn_records = 4096;
module_param_cb(learn_records, &cgf_param_uint_ops, &learn_records, 0644);
MODULE_PARM_DESC(learn_records,
		 "distinct refusals a complain-mode profile keeps for learn, at most 65536 (0: none; about 330 bytes each)");

struct cgf_learned *cgf_learned_alloc(void)
{
	u32 capacity = min_t(u32, READ_ONCE(learn_records), CGF_LEARNED_MAX);
	u32 buckets = roundup_pow_of_two(max_t(u32, capacity, 2));
	struct cgf_learned *learned;
	size_t size;

	if (!capacity)
		return NULL;
	size = struct_size(learned, entries, capacity);
	learned = kvzalloc(size + array_size(buckets, sizeof(u32)), GFP_KERNEL_ACCOUNT);
	if (!learned)
		return ERR_PTR(-ENOMEM);
	spin_lock_init(&learned->lock);
	learned->capacity = capacity;
	learned->bucket_mask = buckets - 1;
	learned->seed = get_random_u32();
	learned->buckets = (u32 *)((u8 *)learned + size);
	return learned;
}

static void cgf_learned_free_fn(struct rcu_head *head)
{
	kvfree(container_of(head, struct cgf_learned, rcu));
}

void cgf_learned_free_rcu(struct cgf_learned *learned)
{
	if (learned)
		call_rcu(&learned->rcu, cgf_learned_free_fn);
}

/*
 * Records name objects of at most CGF_EVENT_OBJECT_MAX - 1 bytes, a longer one cut to
 * its first CGF_EVENT_OBJECT_MAX - 4 and "...": two objects are the same record when
 * those texts are equal, so the key is the kept prefix and whether it was cut.
 */
static size_t cgf_object_key(const char *object, bool *cut)
{
	size_t len = strnlen(object, CGF_EVENT_OBJECT_MAX);

	*cut = len == CGF_EVENT_OBJECT_MAX;
	return *cut ? CGF_EVENT_OBJECT_MAX - 4 : len;
}

static bool cgf_entry_matches(const struct cgf_learned_entry *e, u32 hash, u64 cgroup_id,
			      const struct cgf_report *report, const char *object, size_t len,
			      bool cut)
{
	return e->hash == hash && e->cgroup_id == cgroup_id && e->op == report->op &&
	       e->denied == report->denied && !memcmp(e->object, object, len) &&
	       (cut ? !strcmp(e->object + len, "...") : !e->object[len]);
}

void cgf_learned_note(struct cgf_learned *learned, const struct cgf_report *report,
		      u64 cgroup_id)
{
	const char *object = report->object ?: "";
	struct cgf_learned_entry *e;
	unsigned long flags;
	u32 hash, *link;
	size_t len;
	bool cut;

	len = cgf_object_key(object, &cut);
	hash = jhash(object, len, jhash_3words(report->op, report->denied,
					       (u32)cgroup_id ^ (u32)(cgroup_id >> 32) ^ cut,
					       learned->seed));

	spin_lock_irqsave(&learned->lock, flags);
	link = &learned->buckets[hash & learned->bucket_mask];
	for (; *link; link = &e->next) {
		e = &learned->entries[*link - 1];
		if (cgf_entry_matches(e, hash, cgroup_id, report, object, len, cut))
			goto out;
	}
	if (learned->nr == learned->capacity) {
		learned->missed++;
		goto out;
	}
	e = &learned->entries[learned->nr];
	e->cgroup_id = cgroup_id;
	e->time_ns = ktime_get_real_ns();
	e->hash = hash;
	e->next = 0;
	e->requested = report->requested;
	e->denied = report->denied;
	e->rule_id = report->rule_id;
	e->pid = task_pid_nr(current);
	e->op = report->op;
	cgf_current_comm(e->comm);
	memcpy(e->object, object, len);
	strscpy(e->object + len, cut ? "..." : "", sizeof(e->object) - len);
	*link = ++learned->nr;
out:
	spin_unlock_irqrestore(&learned->lock, flags);
}

void cgf_learned_status(struct cgf_learned *learned, struct cgf_learned_status *status)
{
	unsigned long flags;

	spin_lock_irqsave(&learned->lock, flags);
	status->nr = learned->nr;
	status->capacity = learned->capacity;
	status->missed = learned->missed;
	spin_unlock_irqrestore(&learned->lock, flags);
}

int cgf_learned_read(struct cgf_learned *learned, u32 index, struct cgf_learned_entry *entry)
{
	unsigned long flags;
	int err = -ENOENT;

	spin_lock_irqsave(&learned->lock, flags);
	if (index < learned->nr) {
		*entry = learned->entries[index];
		err = 0;
	}
	spin_unlock_irqrestore(&learned->lock, flags);
	return err;
}
