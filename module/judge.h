/* SPDX-License-Identifier: GPL-2.0 */
/* cgfence judging core: one question put to every attachment that covers the current task. */
#ifndef _CGFENCE_JUDGE_H
#define _CGFENCE_JUDGE_H

#include <linux/types.h>

#include "engine.h"
#include "ops.h"

struct cgf_attachment;

/**
 * struct cgf_judgement - what a hook asks, and how each profile answers it
 * @op: the operation, for the denial record
 * @deny_errno: what an enforced refusal returns (-EACCES for access, -EPERM for operations)
 * @requested: what is asked, for the record (permission or access bits; 0 for operations)
 * @object: the object's name for the record, or NULL; @prepare may set it
 * @prepare: run once, only for a confined task and under RCU, before the first verdict:
 *	names the objects. Returns false when the request cannot be judged (a name that
 *	does not fit), which every enforcing attachment refuses. May be NULL.
 * @decide: one profile's verdict, filled into @verdict for the record; returns true to
 *	refuse. NULL: the operation is refused to every confined task (no rule can judge it).
 * @quiet: refuse without a record (the kernel's own probes, such as ptrace checks with
 *	PTRACE_MODE_NOAUDIT, which ps makes for every task it lists)
 *
 * Hooks embed this in a request of their own and reach it with container_of().
 */
struct cgf_judgement {
	enum cgf_op op;
	int deny_errno;
	u32 requested;
	const char *object;
	bool (*prepare)(struct cgf_judgement *j);
	bool (*decide)(struct cgf_judgement *j, const struct cgf_attachment *att,
		       const struct cgf_profile *profile, struct cgf_verdict *verdict);
	bool quiet;
};

/*
 * Every attachment covering current must allow: the first enforcing refusal decides.
 * Each refusal is reported once per attachment; in complain mode it is reported and
 * allowed. Never sleeps, never allocates. Return: 0, or @j->deny_errno.
 */
int cgf_judge(struct cgf_judgement *j);

/* An operation no rule can judge: refused to every confined task. Return: 0 or -EPERM. */
int cgf_refuse_confined(enum cgf_op op);

/*
 * An operation on the kernel itself, or on a task outside the container: @kernel_op is
 * one CGFENCE_KERNEL_* bit, refused (-EPERM) unless a kernel rule allows it. @object is
 * the record's object, a static string or NULL.
 */
int cgf_judge_kernel(enum cgf_op op, u32 kernel_op, const char *object);
/* The same, the object formatted from @fmt and two numbers (only for a confined task). */
__printf(3, 0)
int cgf_judge_kernel_fmt(enum cgf_op op, u32 kernel_op, const char *fmt, long a, long b);
/* A @decide for kernel operations: the profile's kernel rules on @j->requested. */
bool cgf_kernel_decide(struct cgf_judgement *j, const struct cgf_attachment *att,
		       const struct cgf_profile *profile, struct cgf_verdict *verdict);

#endif /* _CGFENCE_JUDGE_H */
