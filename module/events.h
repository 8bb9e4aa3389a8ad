/* SPDX-License-Identifier: GPL-2.0 */
/* cgfence denial records: a bounded ring written by hooks, read by dumps and a multicast worker. */
#ifndef _CGFENCE_EVENTS_H
#define _CGFENCE_EVENTS_H

#include <linux/sched.h>
#include <linux/types.h>

#include <uapi/cgfence.h>

#define CGF_EVENT_OBJECT_MAX	256	/* longer names are cut, ending in "..." */
#define CGF_EVENT_CGROUP_MAX	256

/* One denial (or would-deny) as the ring keeps it: fixed size, no pointers. */
struct cgf_event {
	u64 seq;
	u64 time_ns;
	u64 cgroup_id;
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

struct cgf_report;

int cgf_events_init(void);
void cgf_events_exit(void);
void cgf_events_record(const struct cgf_report *report);
u64 cgf_events_lost(void);

/*
 * Copies the record with the smallest seq >= *@seq into @event and sets *@seq past it.
 * Return: 0, or -ENOENT when there is none (yet).
 */
int cgf_events_read(u64 *seq, struct cgf_event *event);

/* Sends one record to the multicast group (netlink.c); process context. */
void cgf_netlink_denial_notify(const struct cgf_event *event);

#endif /* _CGFENCE_EVENTS_H */
