// SPDX-License-Identifier: GPL-2.0
/* cgfence judging core: walk the covering attachments, decide enforce vs complain, report. */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/pid.h>
#include <linux/printk.h>
#include <linux/ratelimit.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/string.h>

#include "events.h"
#include "judge.h"
#include "store.h"

/*
 * The record goes to the denial ring (rate limited per container); the kernel log gets a
 * line too, rate limited node-wide, for whoever reads dmesg.
 */
static void cgf_report(const struct cgf_report *report)
{
	static DEFINE_RATELIMIT_STATE(cgf_report_ratelimit, 5 * HZ, 20);

	cgf_events_record(report);
	if (!__ratelimit(&cgf_report_ratelimit))
		return;
	pr_notice("%s op=%s cgroup=%llu profile=%s rule=%u requested=0x%x denied=0x%x object=\"%*pE\" pid=%d comm=\"%s\"\n",
		  report->enforced ? "denied" : "would-deny", cgf_op_name(report->op),
		  report->attachment->cgroup_id, READ_ONCE(report->attachment->slot)->name,
		  report->rule_id, report->requested, report->denied,
		  report->object ? (int)strlen(report->object) : 0, report->object ?: "",
		  task_pid_nr(current), current->comm);
}

/* The compiled profile behind @att and whether it enforces; under rcu_read_lock(). */
static const struct cgf_profile *cgf_attachment_profile(const struct cgf_attachment *att,
							bool *enforced)
{
	const struct cgf_profile_slot *slot = READ_ONCE(att->slot);

	*enforced = READ_ONCE(slot->mode) == CGFENCE_MODE_ENFORCE;
	return rcu_dereference(slot->compiled);
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
		const struct cgf_profile *profile = cgf_attachment_profile(att, &enforced);
		struct cgf_verdict verdict = { .denied = 0, .rule_id = 0 };
		struct cgf_report report = {
			.op = j->op,
			.attachment = att,
			.requested = j->requested,
			.enforced = enforced,
		};

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
		if (!j->quiet)
			cgf_report(&report);
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
