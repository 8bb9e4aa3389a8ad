// SPDX-License-Identifier: GPL-2.0
/* cgfence denial records: rate limited per container, kept in a ring, multicast from a worker. */

#include <linux/audit.h>
#include <linux/cgroup.h>
#include <linux/irq_work.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>

#include "audit.h"
#include "events.h"
#include "store.h"

/* Power of two: seq maps to a slot with a mask. */
#define CGF_EVENTS_RING_SIZE 1024

/*
 * The lock forbids weakening, and silencing the records is weakening: while locked, the
 * parameters cannot change (a host root could otherwise write /sys/module/cgfence/).
 * Each attempt, refused or not, leaves an audit record.
 */
static int cgf_param_set(const char *val, const struct kernel_param *kp,
			 int (*set)(const char *val, const struct kernel_param *kp))
{
	char detail[64];
	int err;

	err = cgf_store_locked() ? -EPERM : set(val, kp);
	snprintf(detail, sizeof(detail), " param=%s", kp->name);
	cgf_audit_policy(AUDIT_MAC_CONFIG_CHANGE, "param", NULL, 0, detail, err);
	return err;
}

static int cgf_param_set_uint(const char *val, const struct kernel_param *kp)
{
	return cgf_param_set(val, kp, param_set_uint);
}

static int cgf_param_set_bool(const char *val, const struct kernel_param *kp)
{
	return cgf_param_set(val, kp, param_set_bool);
}

const struct kernel_param_ops cgf_param_uint_ops = {
	.set = cgf_param_set_uint,
	.get = param_get_uint,
};

static const struct kernel_param_ops cgf_param_bool_ops = {
	.flags = KERNEL_PARAM_OPS_FL_NOARG,
	.set = cgf_param_set_bool,
	.get = param_get_bool,
};

static unsigned int denials_per_second = 20;
module_param_cb(denials_per_second, &cgf_param_uint_ops, &denials_per_second, 0644);
MODULE_PARM_DESC(denials_per_second,
		 "denial records each container may add per second, at most 1000000 (burst: 5 s worth)");

/* As AppArmor's: denials reach the audit log unless the host says otherwise. */
static bool audit = true;
module_param_cb(audit, &cgf_param_bool_ops, &audit, 0644);
MODULE_PARM_DESC(audit, "also write each denial record to the kernel audit log (default Y)");

/*
 * Hooks hold the lock only to copy one record in; readers only to copy one out. A
 * flooding container spends its own tokens and otherwise pays a lost counter
 * increment, so it neither slows hooks down nor pushes other containers out faster
 * than their own rates allow.
 */
static DEFINE_SPINLOCK(cgf_ring_lock);
static struct cgf_event *cgf_ring;
static u64 cgf_ring_next_seq = 1;	/* the seq the next record gets */
static atomic64_t cgf_events_dropped = ATOMIC64_INIT(0);

/* Multicast runs in process context: hooks only queue the work, through irq_work. */
static u64 cgf_sent_seq;		/* worker only */
static void cgf_events_work_fn(struct work_struct *work);
static DECLARE_WORK(cgf_events_work, cgf_events_work_fn);
static void cgf_events_kick(struct irq_work *work);
static struct irq_work cgf_events_irq_work = IRQ_WORK_INIT(cgf_events_kick);
static bool cgf_events_stopping;
static const struct cgf_events_sink *cgf_sink;	/* set before hooks can record */

void cgf_events_set_sink(const struct cgf_events_sink *sink)
{
	WRITE_ONCE(cgf_sink, sink);
}

bool cgf_events_is_sink_group(unsigned int group)
{
	const struct cgf_events_sink *sink = READ_ONCE(cgf_sink);

	return sink && group == sink->group;
}

static void cgf_events_kick(struct irq_work *work)
{
	if (!READ_ONCE(cgf_events_stopping))
		schedule_work(&cgf_events_work);
}

static struct cgf_event *cgf_slot(u64 seq)
{
	return &cgf_ring[seq & (CGF_EVENTS_RING_SIZE - 1)];
}

u64 cgf_events_lost(void)
{
	return atomic64_read(&cgf_events_dropped);
}

/* Token bucket per attachment: true if this record may be kept; otherwise counts it lost. */
static bool cgf_events_admit(struct cgf_attachment *att, u32 *lost)
{
	u64 now = ktime_get_ns();
	u64 rate = min_t(u32, READ_ONCE(denials_per_second), 1000000);
	u64 burst = rate * 5;
	unsigned long flags;
	bool admit = false;
	u64 elapsed, earned;

	spin_lock_irqsave(&att->bucket_lock, flags);
	/* More than a burst's worth of idle time earns no more: no overflow past it. */
	elapsed = min_t(u64, now - att->bucket_time, 5 * NSEC_PER_SEC);
	earned = div64_u64(elapsed * rate, NSEC_PER_SEC);
	if (earned) {
		att->bucket_tokens = min_t(u64, burst, att->bucket_tokens + earned);
		/* Keep the fraction of a token already earned. */
		att->bucket_time = elapsed == 5 * NSEC_PER_SEC ? now :
				   att->bucket_time + div64_u64(earned * NSEC_PER_SEC, rate);
	}
	if (att->bucket_tokens) {
		att->bucket_tokens--;
		*lost = att->bucket_lost;
		att->bucket_lost = 0;
		admit = true;
	} else {
		att->bucket_lost++;
	}
	spin_unlock_irqrestore(&att->bucket_lock, flags);
	if (!admit)
		atomic64_inc(&cgf_events_dropped);
	return admit;
}

static void cgf_copy_object(char *dst, const char *src)
{
	if (strscpy(dst, src ?: "", CGF_EVENT_OBJECT_MAX) == -E2BIG)
		strcpy(dst + CGF_EVENT_OBJECT_MAX - 4, "...");
}

/* Called from the judging core, in hooks: no sleep, no allocation. */
bool cgf_events_record(const struct cgf_report *report)
{
	struct cgf_attachment *att = (struct cgf_attachment *)report->attachment;
	const struct cgf_profile_slot *slot;
	struct cgf_event *ev;
	unsigned long flags;
	u32 lost = 0;

	if (!cgf_events_admit(att, &lost))
		return false;

	spin_lock_irqsave(&cgf_ring_lock, flags);
	if (!cgf_ring) {
		spin_unlock_irqrestore(&cgf_ring_lock, flags);
		return true;
	}
	ev = cgf_slot(cgf_ring_next_seq);
	ev->seq = cgf_ring_next_seq++;
	ev->time_ns = ktime_get_real_ns();
	ev->cgroup_id = att->cgroup_id;
	ev->rule_id = report->rule_id;
	ev->requested = report->requested;
	ev->denied = report->denied;
	ev->pid = task_pid_nr(current);
	ev->lost = lost;
	ev->op = cgf_op_name(report->op);
	ev->kind = cgf_op_kind(report->op);
	ev->verdict = report->enforced ? CGFENCE_VERDICT_DENIED : CGFENCE_VERDICT_WOULD_DENY;
	cgf_current_comm(ev->comm);
	slot = READ_ONCE(att->slot);
	strscpy(ev->profile, slot->name, sizeof(ev->profile));
	ev->generation = READ_ONCE(slot->generation);
	if (cgroup_path(att->cgrp, ev->cgroup, sizeof(ev->cgroup)) < 0)
		strscpy(ev->cgroup, "?", sizeof(ev->cgroup));
	cgf_copy_object(ev->object, report->object);
	spin_unlock_irqrestore(&cgf_ring_lock, flags);

	irq_work_queue(&cgf_events_irq_work);
	return true;
}

int cgf_events_read(u64 *seq, struct cgf_event *event)
{
	unsigned long flags;
	u64 oldest;
	int err = -ENOENT;

	spin_lock_irqsave(&cgf_ring_lock, flags);
	if (!cgf_ring)
		goto out;
	oldest = cgf_ring_next_seq > CGF_EVENTS_RING_SIZE ?
		 cgf_ring_next_seq - CGF_EVENTS_RING_SIZE : 1;
	if (*seq < oldest)
		*seq = oldest;
	if (*seq < cgf_ring_next_seq) {
		*event = *cgf_slot(*seq);
		*seq = event->seq + 1;
		err = 0;
	}
out:
	spin_unlock_irqrestore(&cgf_ring_lock, flags);
	return err;
}

static void cgf_events_audit(const struct cgf_event *ev)
{
	struct audit_buffer *ab;

	ab = audit_log_start(audit_context(), GFP_KERNEL, AUDIT_KERNEL_OTHER);
	if (!ab)
		return;
	audit_log_format(ab, "cgfence=%s op=%s seq=%llu cgroup_id=%llu profile=%s rule=%u",
			 ev->verdict == CGFENCE_VERDICT_DENIED ? "denied" : "would-deny",
			 ev->op, ev->seq, ev->cgroup_id, ev->profile, ev->rule_id);
	audit_log_format(ab, " requested=0x%x denied=0x%x pid=%u", ev->requested, ev->denied,
			 ev->pid);
	cgf_audit_string(ab, "cgroup", ev->cgroup);
	cgf_audit_string(ab, "comm", ev->comm);
	cgf_audit_string(ab, "object", ev->object);
	audit_log_end(ab);
}

/* Sends everything recorded since the last run; a worker that fell behind counts the overrun. */
static void cgf_events_work_fn(struct work_struct *work)
{
	const struct cgf_events_sink *sink = READ_ONCE(cgf_sink);
	struct cgf_event *ev;
	u64 seq = cgf_sent_seq + 1;

	ev = kmalloc(sizeof(*ev), GFP_KERNEL);
	if (!ev)
		return;
	while (!cgf_events_read(&seq, ev)) {
		if (ev->seq > cgf_sent_seq + 1)
			atomic64_add(ev->seq - cgf_sent_seq - 1, &cgf_events_dropped);
		cgf_sent_seq = ev->seq;
		if (sink)
			sink->notify(ev);
		if (READ_ONCE(audit))
			cgf_events_audit(ev);
		cond_resched();
	}
	kfree(ev);
}

int cgf_events_init(void)
{
	cgf_ring = vzalloc(array_size(CGF_EVENTS_RING_SIZE, sizeof(*cgf_ring)));
	return cgf_ring ? 0 : -ENOMEM;
}

/* After the hooks are detached and netlink is gone: nothing can queue work any more. */
void cgf_events_exit(void)
{
	struct cgf_event *ring;

	WRITE_ONCE(cgf_events_stopping, true);
	irq_work_sync(&cgf_events_irq_work);
	cancel_work_sync(&cgf_events_work);
	spin_lock_irq(&cgf_ring_lock);
	ring = cgf_ring;
	cgf_ring = NULL;
	spin_unlock_irq(&cgf_ring_lock);
	vfree(ring);
}
