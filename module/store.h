/* SPDX-License-Identifier: GPL-2.0 */
/* cgfence policy store: named profiles and cgroup attachments, RCU-published. */
#ifndef _CGFENCE_STORE_H
#define _CGFENCE_STORE_H

#include <linux/types.h>
#include <linux/hashtable.h>
#include <linux/jump_label.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>

#include <uapi/cgfence.h>

struct cgroup;
struct cgf_learned;
struct cgf_learned_entry;
struct cgf_profile;
struct netlink_ext_ack;

/* Kinds of denial a counter keeps apart: enum cgfence_denial_kind, 1 to this. */
#define CGF_DENIAL_KINDS	CGFENCE_DENIAL_KERNEL

/*
 * What the judging core counted for a profile or an attachment, per CPU so that a hook
 * never shares a cache line with another CPU's; readers sum them (cgf_counters_sum()).
 */
struct cgf_counters {
	u64 decisions;				/* questions put to the profile */
	u64 denied[CGF_DENIAL_KINDS];		/* enforced refusals, by kind - 1 */
	u64 would_deny[CGF_DENIAL_KINDS];	/* complain mode: reported, allowed */
	u64 dropped;				/* records the rate limit did not keep */
};

void cgf_counters_sum(const struct cgf_counters __percpu *counters, struct cgf_counters *sum);

/*
 * A profile's rules as they were loaded: the CGFENCE_RULE_A_RULE nests of its PROFILE_ADD
 * messages, back to back, origins included. Only dumps read it, under the store mutex;
 * the compiled profile is what hooks use.
 */
struct cgf_rule_source {
	u32 len;
	u8 data[];
};

/*
 * A named profile. Attachments point at the slot, so a replace swaps only the
 * compiled pointer: every attached task sees the old or the new profile, never a mix.
 * A slot with attachments is never freed.
 */
struct cgf_profile_slot {
	struct list_head node;			/* cgf_store.profiles, store mutex */
	char name[CGFENCE_MAX_NAME];
	struct cgf_profile __rcu *compiled;
	struct cgf_rule_source *source;		/* store mutex; NULL when none was kept */
	u8 mode;				/* enum cgfence_mode, READ_ONCE in hooks */
	u64 generation;				/* bumped by each replace */
	u32 nr_attachments;			/* store mutex */
	struct cgf_counters __percpu *counters;	/* over all its attachments, since load */
	/* Complain mode's distinct refusals (learned.c), from entering it until a replace. */
	struct cgf_learned __rcu *learned;
	struct rcu_head rcu;
};

struct cgf_attachment {
	struct hlist_node hnode;		/* by cgroup id, RCU */
	struct list_head node;			/* cgf_store.attachments, store mutex */
	u64 cgroup_id;
	struct cgroup *cgrp;			/* referenced: path for dumps, liveness */
	struct cgf_profile_slot *slot;		/* READ_ONCE in hooks: re-attach swaps it */
	/* On-exec (pending.c): tasks are judged from their next execve. READ_ONCE in hooks. */
	bool on_exec;
	bool setting_up;			/* every task pending until the first marking */
	u32 nr_pending;				/* pending.c's lock; READ_ONCE in hooks */
	/* Denial record rate limit (events.c): a token bucket per container. */
	spinlock_t bucket_lock;
	u64 bucket_time;
	u32 bucket_tokens;
	u32 bucket_lost;
	struct cgf_counters __percpu *counters;	/* since attach, whatever its profile */
	struct rcu_head rcu;
};

/* Set while any attachment exists: the only cost host tasks pay otherwise. */
DECLARE_STATIC_KEY_FALSE(cgf_confinement_active);
/* How many attachments are on-exec: forks and cgroup moves look no further while none. */
extern unsigned int cgf_on_exec_attachments;

/* Hook side: walk the attachments that cover a cgroup, deepest first, under rcu_read_lock(). */
struct cgf_subject_iter {
	struct cgroup *cgrp;
	int level;
	unsigned long levels;
};

/* Every attachment covering @cgrp, whether or not it judges its tasks yet. */
bool cgf_cover_begin(struct cgf_subject_iter *iter, struct cgroup *cgrp);
struct cgf_attachment *cgf_cover_next(struct cgf_subject_iter *iter);

/* The attachments that judge current: those covering it that do not leave it pending. */
bool cgf_subject_begin(struct cgf_subject_iter *iter);
const struct cgf_attachment *cgf_subject_next(struct cgf_subject_iter *iter);
/*
 * Whether an attachment covers current, pending or not: such a task may not manage
 * policy, which could take away the confinement it is about to get.
 */
bool cgf_subject_current_confined(void);

/* Control-plane side: process context, serialised by the store mutex. */
int cgf_store_commit(const char *name, u8 mode, struct cgf_profile *compiled,
		     struct cgf_rule_source *source, bool *replaced,
		     struct netlink_ext_ack *extack);
int cgf_store_remove(const char *name, bool force, struct netlink_ext_ack *extack);
int cgf_store_set_mode(const char *name, u8 mode, struct netlink_ext_ack *extack);
int cgf_store_attach(u64 cgroup_id, const char *name, bool on_exec,
		     struct netlink_ext_ack *extack);
int cgf_store_detach(u64 cgroup_id, struct netlink_ext_ack *extack);
int cgf_store_lock(struct netlink_ext_ack *extack);
bool cgf_store_locked(void);
void cgf_store_exit(void);

/*
 * Dumps: @fill is called for each entry from *@index on, under the store mutex, until
 * it returns non-zero (the message is full); *@index is where the next call resumes.
 * *@generation is the store generation the entries belong to (for NLM_F_DUMP_INTR).
 */
struct cgf_profile_info {
	const char *name;
	u8 mode;
	u8 file_default;
	u64 generation;
	u32 nr_rules;
	u32 nr_attachments;
	const struct cgf_profile *compiled;	/* valid during the fill call only */
	const struct cgf_rule_source *source;	/* the same; NULL when none was kept */
	struct cgf_counters counters;
	bool learning;				/* it has a set of learned records: */
	u32 learned_nr, learned_capacity;
	u64 learned_missed;
};

struct cgf_attachment_info {
	u64 cgroup_id;
	struct cgroup *cgrp;
	const char *profile;
	bool on_exec;
	u32 pending;
	struct cgf_counters counters;
};

void cgf_store_dump_profiles(unsigned long *index, u64 *generation, const char *only_name,
			     int (*fill)(const struct cgf_profile_info *info, void *arg),
			     void *arg);
void cgf_store_dump_attachments(unsigned long *index, u64 *generation,
				int (*fill)(const struct cgf_attachment_info *info, void *arg),
				void *arg);
/*
 * A profile's learned records (LEARNED_GET): @fill gets each entry from *@index on,
 * under the store mutex, with the cgroup of its container while that is still attached
 * (NULL otherwise), until it returns non-zero. *@serial is the set's: a dump that began
 * on another set stops. Return: 0, -ENOENT (no such profile), -ENODATA (it keeps no
 * learned records), -ESTALE (the set *@serial names is gone: the profile was replaced),
 * -ENOMEM.
 */
struct cgf_learned_info {
	const char *profile;
	u64 generation;
	u32 index;
	const struct cgf_learned_entry *entry;
	struct cgroup *cgrp;
};

int cgf_store_dump_learned(const char *name, u32 *index, u64 *serial,
			   int (*fill)(const struct cgf_learned_info *info, void *arg),
			   void *arg);

/* Policy store counters, as reported by STATUS. */
struct cgf_store_status {
	u32 profiles;
	u32 attachments;
	u32 on_exec;
	u32 pending;
	bool locked;
};

void cgf_store_get_status(struct cgf_store_status *status);

#endif /* _CGFENCE_STORE_H */
