/* SPDX-License-Identifier: GPL-2.0 */
/* cgfence learned records: each distinct would-deny of a complain-mode profile, kept once. */
#ifndef _CGFENCE_LEARNED_H
#define _CGFENCE_LEARNED_H

#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include "events.h"
#include "ops.h"

/*
 * One distinct refusal: the same operation, object, denied bits and container seen
 * again changes nothing. No pointers, so a reader copies it whole.
 */
struct cgf_learned_entry {
	u64 cgroup_id;
	u64 time_ns;			/* first seen, CLOCK_REALTIME */
	u32 hash;
	u32 next;			/* the bucket's next entry, index + 1; 0 ends */
	u32 requested;
	u32 denied;
	u32 rule_id;
	u32 pid;
	u8 op;				/* enum cgf_op */
	char comm[TASK_COMM_LEN];
	char object[CGF_EVENT_OBJECT_MAX];
};

/*
 * A profile's learned records, allocated whole when it enters complain mode, so that a
 * hook only copies into room that is already there. Entries are appended, never moved
 * or removed: an index is a stable cursor for dumps.
 */
struct cgf_learned {
	spinlock_t lock;		/* hooks add, readers copy one entry out */
	u32 capacity;
	u32 nr;				/* entries in use */
	u32 bucket_mask;		/* buckets - 1, a power of two */
	u32 seed;			/* of the hash: a container cannot aim names at one chain */
	u64 missed;			/* refusals not kept: the entries were full */
	u32 *buckets;			/* index + 1 of each chain's first entry */
	u64 serial;			/* tells a dump the set it began on is gone */
	struct rcu_head rcu;
	struct cgf_learned_entry entries[];
};

/* How full a profile's set is, for PROFILE_GET. */
struct cgf_learned_status {
	u32 nr;
	u32 capacity;
	u64 missed;
};

/*
 * A new, empty set sized by the learn_records parameter, in process context.
 * Return: the set, NULL when the parameter is 0 (learning off), or ERR_PTR(-ENOMEM).
 */
struct cgf_learned *cgf_learned_alloc(void);
/* Frees @learned once no hook can be looking at it. NULL is fine. */
void cgf_learned_free_rcu(struct cgf_learned *learned);

/* From the judging core, under RCU: no sleep, no allocation. */
void cgf_learned_note(struct cgf_learned *learned, const struct cgf_report *report,
		      u64 cgroup_id);

void cgf_learned_status(struct cgf_learned *learned, struct cgf_learned_status *status);
/* Copies entry @index into @entry. Return: 0, or -ENOENT past the last one. */
int cgf_learned_read(struct cgf_learned *learned, u32 index, struct cgf_learned_entry *entry);

#endif /* _CGFENCE_LEARNED_H */
