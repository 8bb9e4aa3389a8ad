// SPDX-License-Identifier: GPL-2.0
/* cgfence link and rename: a new name for an existing object may not widen access to it. */

#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/path.h>

#include "hooks.h"
#include "judge.h"
#include "object.h"

struct cgf_new_name_request {
	struct cgf_judgement j;
	const struct path *old_path;
	const struct path *new_path;
	struct cgf_object old_object;
	struct cgf_object new_object;
	u32 need_old;
	bool exchange;
	bool is_dir;
};

static bool cgf_new_name_prepare(struct cgf_judgement *j)
{
	struct cgf_new_name_request *req = container_of(j, struct cgf_new_name_request, j);

	if (cgf_object_name(req->old_path, cgf_object_buffer(0), PATH_MAX, &req->old_object) ||
	    cgf_object_name(req->new_path, cgf_object_buffer(1), PATH_MAX, &req->new_object))
		return false;
	j->object = req->new_object.name;
	return true;
}

/* Every permission @profile grants at @object, as a mask. */
static u32 cgf_granted(const struct cgf_profile *profile, const struct cgf_object *object)
{
	struct cgf_verdict verdict;

	cgf_file_check(profile, object->name, object->len, CGFENCE_FILE_ALL, &verdict);
	return CGFENCE_FILE_ALL & ~verdict.denied;
}

/*
 * The new name needs @j->requested (and the old one @need_old), and may not grant
 * anything the old name did not: that would turn a forbidden access into an allowed one
 * without touching the data (AppArmor's link rule, Landlock's REFER). With @exchange
 * both objects move, so the two names must grant the same. A directory carries its
 * whole subtree to the new name, so everything below the two names must be judged alike.
 */
static bool cgf_new_name_decide(struct cgf_judgement *j, const struct cgf_attachment *att,
				const struct cgf_profile *profile, struct cgf_verdict *verdict)
{
	struct cgf_new_name_request *req = container_of(j, struct cgf_new_name_request, j);
	const struct cgf_object *old = &req->old_object, *new = &req->new_object;
	u32 old_granted, new_granted;
	bool widens;

	cgf_file_check(profile, old->name, old->len, req->need_old, verdict);
	if (verdict->denied)
		return true;
	cgf_file_check(profile, new->name, new->len, j->requested, verdict);
	if (verdict->denied)
		return true;
	old_granted = cgf_granted(profile, old);
	new_granted = cgf_granted(profile, new);
	if (req->is_dir)
		widens = !cgf_file_same_below(profile, old->name, old->len, new->name, new->len);
	else if (req->exchange)
		widens = old_granted != new_granted;
	else
		widens = new_granted & ~old_granted;
	if (!widens)
		return false;
	/* Report what differs; a subtree difference shows as all. */
	verdict->denied = (new_granted ^ old_granted) ?: CGFENCE_FILE_ALL;
	verdict->rule_id = 0;
	return true;
}

static int cgf_judge_new_name(enum cgf_op op, const struct path *old_path,
			      const struct path *new_path, u32 need_old, u32 need_new,
			      bool exchange, bool is_dir)
{
	struct cgf_new_name_request req = {
		.j = {
			.op = op,
			.deny_errno = -EACCES,
			.requested = need_new,
			.prepare = cgf_new_name_prepare,
			.decide = cgf_new_name_decide,
		},
		.old_path = old_path,
		.new_path = new_path,
		.need_old = need_old,
		.exchange = exchange,
		.is_dir = is_dir,
	};

	return cgf_judge(&req.j);
}

int cgf_hook_path_link(struct dentry *old_dentry, const struct path *new_dir,
		       struct dentry *new_dentry)
{
	/* The VFS refuses links across mounts before asking us. */
	struct path old_path = { .mnt = new_dir->mnt, .dentry = old_dentry };
	struct path new_path = { .mnt = new_dir->mnt, .dentry = new_dentry };

	return cgf_judge_new_name(CGF_OP_LINK, &old_path, &new_path, 0, CGFENCE_FILE_LINK,
				  false, false);
}

int cgf_hook_path_rename(const struct path *old_dir, struct dentry *old_dentry,
			 const struct path *new_dir, struct dentry *new_dentry,
			 unsigned int flags)
{
	struct path old_path = { .mnt = old_dir->mnt, .dentry = old_dentry };
	struct path new_path = { .mnt = new_dir->mnt, .dentry = new_dentry };
	bool exchange = flags & RENAME_EXCHANGE;
	u32 need_new = CGFENCE_FILE_RENAME;

	/* Replacing an existing file deletes it. */
	if (!exchange && d_is_positive(new_dentry))
		need_new |= CGFENCE_FILE_DELETE;
	return cgf_judge_new_name(CGF_OP_RENAME, &old_path, &new_path, CGFENCE_FILE_RENAME,
				  need_new, exchange,
				  d_is_dir(old_dentry) || (exchange && d_is_dir(new_dentry)));
}
