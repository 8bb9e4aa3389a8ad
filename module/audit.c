// SPDX-License-Identifier: GPL-2.0
/* cgfence audit records: who changed the policy, or tried to, and what became of it. */

#include <linux/audit.h>
#include <linux/cgroup.h>
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "audit.h"

/*
 * As audit does for untrusted strings (its helper is not exported): quoted when it is
 * plain, hex when it holds a quote, a space, a control or a non-ASCII byte.
 */
void cgf_audit_string(struct audit_buffer *ab, const char *key, const char *value)
{
	const unsigned char *p;
	size_t len = strlen(value), done, n;

	for (p = (const unsigned char *)value; *p; p++)
		if (*p == '"' || *p < 0x21 || *p > 0x7e)
			break;
	if (!*p) {
		audit_log_format(ab, " %s=\"%s\"", key, value);
		return;
	}
	audit_log_format(ab, " %s=", key);
	/* %ph prints at most 64 bytes at a time. */
	for (done = 0; done < len; done += n) {
		n = min_t(size_t, len - done, 64);
		audit_log_format(ab, "%*phN", (int)n, value + done);
	}
}

/* The cgroup's path as the caller's cgroup namespace sees it, when it still exists. */
static void cgf_audit_cgroup(struct audit_buffer *ab, u64 cgroup_id)
{
	struct cgroup *cgrp;
	char *path;

	audit_log_format(ab, " cgroup_id=%llu", cgroup_id);
	cgrp = cgroup_get_from_id(cgroup_id);
	if (IS_ERR_OR_NULL(cgrp))
		return;
	path = kmalloc(PATH_MAX, GFP_KERNEL);
	if (path && cgroup_path(cgrp, path, PATH_MAX) >= 0)
		cgf_audit_string(ab, "cgroup", path);
	kfree(path);
	cgroup_put(cgrp);
}

void cgf_audit_policy(int type, const char *op, const char *profile, u64 cgroup_id,
		      const char *detail, int result)
{
	struct audit_buffer *ab;

	ab = audit_log_start(audit_context(), GFP_KERNEL, type);
	if (!ab)
		return;
	audit_log_format(ab, "cgfence=policy op=%s", op);
	if (profile)
		cgf_audit_string(ab, "profile", profile);
	if (cgroup_id)
		cgf_audit_cgroup(ab, cgroup_id);
	if (detail)
		audit_log_format(ab, "%s", detail);
	audit_log_format(ab, " res=%d", !result);
	if (result)
		audit_log_format(ab, " error=%d", result);
	audit_log_task_info(ab);
	audit_log_end(ab);
}
