/* SPDX-License-Identifier: GPL-2.0 */
/* cgfence denial records: a bounded ring written by hooks, read by dumps and a multicast worker. */
#ifndef _CGFENCE_EVENTS_H
#define _CGFENCE_EVENTS_H

#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/types.h>

#include <uapi/cgfence.h>

#include "ops.h"

#define CGF_EVENT_OBJECT_MAX	256	/* longer names are cut, ending in "..." */
#define CGF_EVENT_CGROUP_MAX	256

/* One denial (or would-deny) as the ring keeps it: fixed size, no pointers. */
struct cgf_event {
	u64 seq;
	u64 time_ns;
	u64 cgroup_id;
	u64 generation;		/* of the profile, so rule_id can be looked up in its rules */
	u32 rule_id;
	u32 requested;
	u32 denied;
	u32 pid;
	u32 lost;		/* this container's records dropped just before this one */
	u8 kind;		/* enum cgfence_denial_kind */
	u8 verdict;		/* enum cgfence_verdict */
	const char *op;		/* static string */
	char comm[TASK_COMM_LEN];
	char profile[CGFENCE_MAX_NAME];
	char cgroup[CGF_EVENT_CGROUP_MAX];
	char object[CGF_EVENT_OBJECT_MAX];
};

struct cgf_attachment;

/*
 * The caller's name without task_lock(): a hook can run with some task's alloc_lock held
 * (ptrace_may_access() holds the target's), so taking the caller's would order that lock
 * against the ring's and the learned sets' locks (lockdep saw it in make stress). comm is
 * always NUL terminated and only its own task or set_task_comm() rewrites it; a racing
 * rename gives a mix of two names, never an unterminated one (Linux 6.13 made
 * get_task_comm() lockless on the same grounds).
 */
static inline void cgf_current_comm(char comm[TASK_COMM_LEN])
{
	memcpy(comm, current->comm, TASK_COMM_LEN);
	comm[TASK_COMM_LEN - 1] = '\0';
}

/* A refusal (or, in complain mode, a would-be refusal) as the judging core reports it. */
struct cgf_report {
	enum cgf_op op;
	const struct cgf_attachment *attachment;
	u32 rule_id;
	u32 requested;
	u32 denied;
	const char *object;	/* NUL-terminated object name, or NULL */
	bool enforced;		/* false: complain mode, allowed */
};

/*
 * Who receives records as they come (the control plane's multicast), registered at init:
 * records flow one way, from hooks to the sink, and the events code calls nothing above it.
 * @notify runs in process context. @group is the sink's absolute netlink group, which only
 * administrators may join (hooks refuse confined tasks).
 */
struct cgf_events_sink {
	void (*notify)(const struct cgf_event *event);
	unsigned int group;
};

/* Module parameters that the lock freezes, since changing them could weaken (events.c). */
extern const struct kernel_param_ops cgf_param_uint_ops;

int cgf_events_init(void);
void cgf_events_exit(void);
/* Return: false when the container's rate limit dropped the record (counted there). */
bool cgf_events_record(const struct cgf_report *report);
u64 cgf_events_lost(void);
void cgf_events_set_sink(const struct cgf_events_sink *sink);
bool cgf_events_is_sink_group(unsigned int group);

/*
 * Copies the record with the smallest seq >= *@seq into @event and sets *@seq past it.
 * Return: 0, or -ENOENT when there is none (yet).
 */
int cgf_events_read(u64 *seq, struct cgf_event *event);

#endif /* _CGFENCE_EVENTS_H */
