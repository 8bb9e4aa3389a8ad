/* SPDX-License-Identifier: GPL-2.0 */
/* cgfence audit records: who changed the policy, or tried to, and what became of it. */
#ifndef CGF_AUDIT_H
#define CGF_AUDIT_H

#include <linux/audit.h>
#include <linux/types.h>

/* One field, quoted when it is plain and hex otherwise, as audit writes untrusted strings. */
void cgf_audit_string(struct audit_buffer *ab, const char *key, const char *value);

/**
 * cgf_audit_policy - record a policy change or a refused attempt at one
 * @type: AUDIT_MAC_POLICY_LOAD (profiles), AUDIT_MAC_CONFIG_CHANGE (attachments,
 *	parameters) or AUDIT_MAC_STATUS (mode, lock)
 * @op: what was asked: load, replace, unload, mode, attach, detach, lock, param
 * @profile: the profile, or NULL
 * @cgroup_id: the cgroup, or 0
 * @detail: " key=value" text particular to @op, or NULL
 * @result: 0 or the -errno the caller gets
 *
 * Runs in the requesting task's context (it names it: pid, uid, auid, comm, exe), in
 * process context with no cgfence lock held.
 */
void cgf_audit_policy(int type, const char *op, const char *profile, u64 cgroup_id,
		      const char *detail, int result);

#endif /* CGF_AUDIT_H */
