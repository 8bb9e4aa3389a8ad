// SPDX-License-Identifier: GPL-2.0
/* cgfence judging core: walk the covering attachments, decide enforce vs complain, report. */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/percpu.h>
#include <linux/pid.h>
#include <linux/printk.h>
#include <linux/ratelimit.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/string.h>

#include "events.h"
#include "judge.h"
#include "learned.h"
#include "store.h"

/*
 * The record goes to the denial ring (rate limited per container); the kernel log gets a
 * line too, rate limited node-wide, for whoever reads dmesg. Return: false when the
 * container's rate limit dropped the record.
 */
static bool cgf_report(const struct cgf_report *report)
{
	static DEFINE_RATELIMIT_STATE(cgf_report_ratelimit, 5 * HZ, 20);
	bool recorded = cgf_events_record(report);

	if (!__ratelimit(&cgf_report_ratelimit))
		return recorded;
	pr_notice("%s op=%s cgroup=%llu profile=%s rule=%u requested=0x%x denied=0x%x object=\"%*pE\" pid=%d comm=\"%s\"\n",
		  report->enforced ? "denied" : "would-deny", cgf_op_name(report->op),
		  report->attachment->cgroup_id, READ_ONCE(report->attachment->slot)->name,
		  report->rule_id, report->requested, report->denied,
		  report->object ? (int)strlen(report->object) : 0, report->object ?: "",
		  task_pid_nr(current), current->comm);
	return recorded;
}

/*
 * The counter at @offset of @att's and of its profile's per-CPU counters. this_cpu_inc()
 * is preemption-safe: a task moved mid-way counts on one CPU or the other, never lost.
 */
static void cgf_count(const struct cgf_attachment *att, const struct cgf_profile_slot *slot,
		      size_t offset)
{
	this_cpu_inc(*(u64 __percpu *)((void __percpu *)att->counters + offset));
	this_cpu_inc(*(u64 __percpu *)((void __percpu *)slot->counters + offset));
}

/* A refusal, enforced or not, and its record if the rate limit dropped it. */
static void cgf_count_refusal(const struct cgf_attachment *att,
			      const struct cgf_profile_slot *slot, enum cgf_op op, bool enforced,
			      bool recorded)
{
	unsigned int kind = cgf_op_kind(op) - 1;

	if (kind < CGF_DENIAL_KINDS)
		cgf_count(att, slot, kind * sizeof(u64) +
			  (enforced ? offsetof(struct cgf_counters, denied) :
				      offsetof(struct cgf_counters, would_deny)));
	if (!recorded)
		cgf_count(att, slot, offsetof(struct cgf_counters, dropped));
}

/* Complain mode keeps each distinct refusal for learn, whatever the rate limit dropped. */
static void cgf_learn(const struct cgf_profile_slot *slot, const struct cgf_report *report)
{
	struct cgf_learned *learned = rcu_dereference(slot->learned);

	if (learned)
		cgf_learned_note(learned, report, report->attachment->cgroup_id);
}

int cgf_judge(struct cgf_judgement *j)
{
	const struct cgf_attachment *att;
	struct cgf_subject_iter iter;
	bool prepared = false, judgeable = true, enforced;
	int err = 0;

	if (!static_branch_unlikely(&cgf_confinement_active))
		return 0;
	rcu_read_lock();
	if (!cgf_subject_begin(&iter))
		goto out;
	while ((att = cgf_subject_next(&iter))) {
		const struct cgf_profile_slot *slot = READ_ONCE(att->slot);
		const struct cgf_profile *profile = rcu_dereference(slot->compiled);
		struct cgf_verdict verdict = { .denied = 0, .rule_id = 0 };
		bool recorded = true;
		struct cgf_report report = {
			.op = j->op,
			.attachment = att,
			.requested = j->requested,
		};

		enforced = READ_ONCE(slot->mode) == CGFENCE_MODE_ENFORCE;
		report.enforced = enforced;
		cgf_count(att, slot, offsetof(struct cgf_counters, decisions));

		/* Objects are named once, and only for a confined task. */
		if (!prepared) {
			judgeable = !j->prepare || j->prepare(j);
			prepared = true;
		}
		if (!judgeable) {
			verdict.denied = j->requested;
			report.object = "(name too long)";
		} else if (j->decide && !j->decide(j, att, profile, &verdict)) {
			continue;
		} else {
			report.object = j->object;
		}
		report.rule_id = verdict.rule_id;
		report.denied = verdict.denied;
		if (!j->quiet) {
			recorded = cgf_report(&report);
			if (!enforced)
				cgf_learn(slot, &report);
		}
		cgf_count_refusal(att, slot, j->op, enforced, recorded);
		if (enforced) {
			err = j->deny_errno;
			break;
		}
	}
out:
	rcu_read_unlock();
	return err;
}

int cgf_refuse_confined(enum cgf_op op)
{
	struct cgf_judgement j = { .op = op, .deny_errno = -EPERM };

	return cgf_judge(&j);
}

struct cgf_kernel_request {
	struct cgf_judgement j;
	const char *fmt;	/* the record's object, from two numbers; NULL: none */
	long a, b;
	char object[48];
};

static bool cgf_kernel_prepare(struct cgf_judgement *j)
{
	struct cgf_kernel_request *req = container_of(j, struct cgf_kernel_request, j);

	if (req->fmt) {
		snprintf(req->object, sizeof(req->object), req->fmt, req->a, req->b);
		j->object = req->object;
	}
	return true;
}

bool cgf_kernel_decide(struct cgf_judgement *j, const struct cgf_attachment *att,
		       const struct cgf_profile *profile, struct cgf_verdict *verdict)
{
	cgf_kernel_check(profile, j->requested, verdict);
	return verdict->denied;
}

int cgf_judge_kernel_fmt(enum cgf_op op, u32 kernel_op, const char *fmt, long a, long b)
{
	struct cgf_kernel_request req = {
		.j = {
			.op = op,
			.deny_errno = -EPERM,
			.requested = kernel_op,
			.prepare = cgf_kernel_prepare,
			.decide = cgf_kernel_decide,
		},
		.fmt = fmt,
		.a = a,
		.b = b,
	};

	return cgf_judge(&req.j);
}

int cgf_judge_kernel(enum cgf_op op, u32 kernel_op, const char *object)
{
	struct cgf_judgement j = {
		.op = op,
		.deny_errno = -EPERM,
		.requested = kernel_op,
		.object = object,
		.decide = cgf_kernel_decide,
	};

	return cgf_judge(&j);
}
