// SPDX-License-Identifier: GPL-2.0
/* cgfence mount hooks: every way a confined task can change its mount tree. */

#include <linux/fs.h>
#include <linux/mount.h>
#include <linux/path.h>
#include <linux/string.h>
#include <uapi/linux/mount.h>

#include "engine.h"
#include "hooks.h"
#include "object.h"
#include "judge.h"
#include "store.h"
#include "symbols.h"

struct cgf_mount_hook_request {
	struct cgf_judgement j;
	struct cgf_mount_request engine;
	const struct path *target;	/* named as files are: from the namespace root */
	const struct path *source;	/* a resolved source path, or NULL */
};

static bool cgf_mount_prepare(struct cgf_judgement *j)
{
	struct cgf_mount_hook_request *req = container_of(j, struct cgf_mount_hook_request, j);
	struct cgf_object target = { NULL, 0 }, source = { NULL, 0 };

	if ((req->target && cgf_object_name(req->target, cgf_object_buffer(0), PATH_MAX,
					    &target)) ||
	    (req->source && cgf_object_name(req->source, cgf_object_buffer(1), PATH_MAX,
					    &source)))
		return false;
	req->engine.target = target.name;
	req->engine.target_len = target.len;
	if (req->source) {
		req->engine.source = source.name;
		req->engine.source_len = source.len;
	}
	j->object = target.name;
	return true;
}

static bool cgf_mount_decide(struct cgf_judgement *j, const struct cgf_attachment *att,
			     const struct cgf_profile *profile, struct cgf_verdict *verdict)
{
	struct cgf_mount_hook_request *req = container_of(j, struct cgf_mount_hook_request, j);

	cgf_mount_check(profile, &req->engine, verdict);
	return verdict->denied;
}

/* A refused mount operation is EPERM: it is an operation, not an access to a file. */
static int cgf_judge_mount(struct cgf_mount_hook_request *req, enum cgf_op op)
{
	req->j = (struct cgf_judgement) {
		.op = op,
		.deny_errno = -EPERM,
		.requested = req->engine.op,
		.prepare = cgf_mount_prepare,
		.decide = cgf_mount_decide,
	};
	return cgf_judge(&req->j);
}

/* The options mount(2) asks for, with the atime default path_mount() applies. */
static u32 cgf_mount_opts(unsigned long flags)
{
	static const struct {
		unsigned long ms;
		u32 opt;
	} map[] = {
		{ MS_RDONLY, CGFENCE_MOPT_RO },
		{ MS_NOSUID, CGFENCE_MOPT_NOSUID },
		{ MS_NODEV, CGFENCE_MOPT_NODEV },
		{ MS_NOEXEC, CGFENCE_MOPT_NOEXEC },
		{ MS_NOATIME, CGFENCE_MOPT_NOATIME },
		{ MS_NODIRATIME, CGFENCE_MOPT_NODIRATIME },
		{ MS_RELATIME, CGFENCE_MOPT_RELATIME },
		{ MS_STRICTATIME, CGFENCE_MOPT_STRICTATIME },
		{ MS_SYNCHRONOUS, CGFENCE_MOPT_SYNC },
	};
	u32 opts = 0;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(map); i++)
		if (flags & map[i].ms)
			opts |= map[i].opt;
	/* Without noatime or strictatime a new mount is relatime; strictatime wins over both. */
	if (!(flags & (MS_NOATIME | MS_STRICTATIME)))
		opts |= CGFENCE_MOPT_RELATIME;
	if (flags & MS_STRICTATIME)
		opts &= ~(CGFENCE_MOPT_RELATIME | CGFENCE_MOPT_NOATIME);
	return opts;
}

static void cgf_set_string(const char **str, size_t *len, const char *value)
{
	*str = value;
	*len = value ? strlen(value) : 0;
}

/*
 * True when the filesystem type @type is registered and takes no block device: only
 * then is a mount source a name ("tmpfs", "proc", "overlay") rather than a path that
 * the filesystem resolves from the task's working directory ("dev/loop1" from "/").
 * A type "fuse.sshfs" is fuse's, as get_fs_type() has it. A type not registered yet
 * (its module would be loaded after this hook) could be either. The list's lock is a
 * spinning rwlock that register_filesystem() holds for a few instructions.
 */
static bool cgf_fstype_takes_names(const char *type)
{
	const struct file_system_type *fs;
	size_t len = strchrnul(type, '.') - type;
	bool names = false;

	read_lock(cgf_file_systems_lock);
	for (fs = *cgf_file_systems; fs; fs = fs->next) {
		if (strlen(fs->name) == len && !strncmp(fs->name, type, len)) {
			names = !(fs->fs_flags & FS_REQUIRES_DEV);
			break;
		}
	}
	read_unlock(cgf_file_systems_lock);
	return names;
}

/*
 * The source of a new mount: a name the rules can match, or unknown. A source with a
 * '/' anywhere is a path (a rule's name has none), and so is any source of a block
 * device filesystem, or of a type that might be one.
 */
static void cgf_mount_source(struct cgf_mount_request *m, const char *dev_name,
			     const char *type)
{
	if (!dev_name)
		return;
	if (strchr(dev_name, '/') || !type || !cgf_fstype_takes_names(type))
		m->source_unknown = true;
	else
		cgf_set_string(&m->source, &m->source_len, dev_name);
}

/*
 * mount(2), in the order path_mount() decides what the flags mean. A source given as a
 * path (bind, move, a block device, absolute or relative) is only a string here, and
 * resolving it could sleep: it is "unknown", which no allow rule naming a source
 * matches. A block device's number is judged when the filesystem opens it
 * (cgf_hook_bdev_open()) and again once the superblock exists (sb_kern_mount).
 */
int cgf_hook_sb_mount(const char *dev_name, const struct path *path, const char *type,
		      unsigned long flags, void *data)
{
	struct cgf_mount_hook_request req = { .target = path };
	struct cgf_mount_request *m = &req.engine;
	int err;

	if (flags & MS_REMOUNT) {
		m->op = CGFENCE_MOUNT_REMOUNT;
		m->opts = cgf_mount_opts(flags);
	} else if (flags & MS_BIND) {
		/*
		 * A bind takes the source mount's options, which are as unknown here as the
		 * source: it carries none, so no rule requiring an option allows it.
		 */
		m->op = flags & MS_REC ? CGFENCE_MOUNT_RBIND : CGFENCE_MOUNT_BIND;
		m->source_unknown = true;
	} else if (flags & (MS_SHARED | MS_PRIVATE | MS_SLAVE | MS_UNBINDABLE)) {
		m->op = CGFENCE_MOUNT_PROPAGATION;
	} else if (flags & MS_MOVE) {
		m->op = CGFENCE_MOUNT_MOVE;
		m->source_unknown = true;
	} else {
		m->opts = cgf_mount_opts(flags);
		m->op = CGFENCE_MOUNT_NEW;
		cgf_set_string(&m->fstype, &m->fstype_len, type);
		cgf_mount_source(m, dev_name, type);
	}
	err = cgf_judge_mount(&req, CGF_OP_MOUNT);
	/*
	 * A read-write remount of a filesystem on a block device writes to the device:
	 * judged again by its number, as the first mount was.
	 */
	if (!err && m->op == CGFENCE_MOUNT_REMOUNT && !(flags & (MS_BIND | MS_RDONLY)))
		err = cgf_hook_sb_kern_mount_rw(path->mnt->mnt_sb);
	return err;
}

int cgf_hook_sb_umount(struct vfsmount *mnt, int flags)
{
	struct path root = { .mnt = mnt, .dentry = mnt->mnt_root };
	struct cgf_mount_hook_request req = {
		.target = &root,
		.engine.op = CGFENCE_MOUNT_UMOUNT,
	};

	return cgf_judge_mount(&req, CGF_OP_UMOUNT);
}

int cgf_hook_sb_pivotroot(const struct path *old_path, const struct path *new_path)
{
	struct cgf_mount_hook_request req = {
		.target = new_path,
		.engine.op = CGFENCE_MOUNT_PIVOT_ROOT,
	};

	return cgf_judge_mount(&req, CGF_OP_PIVOT_ROOT);
}

/* The options a detached mount really has, as mount(2) would have set them. */
static u32 cgf_mnt_opts(const struct vfsmount *mnt)
{
	u32 opts = 0;

	if ((mnt->mnt_flags & MNT_READONLY) || sb_rdonly(mnt->mnt_sb))
		opts |= CGFENCE_MOPT_RO;
	if (mnt->mnt_sb->s_flags & SB_SYNCHRONOUS)
		opts |= CGFENCE_MOPT_SYNC;
	if (!(mnt->mnt_flags & (MNT_NOATIME | MNT_RELATIME)))
		opts |= CGFENCE_MOPT_STRICTATIME;
	if (mnt->mnt_flags & MNT_NOSUID)
		opts |= CGFENCE_MOPT_NOSUID;
	if (mnt->mnt_flags & MNT_NODEV)
		opts |= CGFENCE_MOPT_NODEV;
	if (mnt->mnt_flags & MNT_NOEXEC)
		opts |= CGFENCE_MOPT_NOEXEC;
	if (mnt->mnt_flags & MNT_NOATIME)
		opts |= CGFENCE_MOPT_NOATIME;
	if (mnt->mnt_flags & MNT_NODIRATIME)
		opts |= CGFENCE_MOPT_NODIRATIME;
	if (mnt->mnt_flags & MNT_RELATIME)
		opts |= CGFENCE_MOPT_RELATIME;
	return opts;
}

/*
 * move_mount(2). A source in no mount namespace is a detached tree: with
 * open_tree(OPEN_TREE_CLONE) refused to confined tasks, that is a filesystem fsmount()
 * made (or one the host handed in), so attaching it is judged as a new mount of its
 * type with the options it has. A source mounted in a namespace is a move; one the
 * task's root cannot reach is named "unreachable:", which no path pattern matches.
 */
int cgf_hook_move_mount(const struct path *from_path, const struct path *to_path)
{
	struct cgf_mount_hook_request req = {
		.target = to_path,
		.source = from_path,
		.engine.op = CGFENCE_MOUNT_MOVE,
	};
	struct path root;

	if (!static_branch_unlikely(&cgf_confinement_active))
		return 0;
	cgf_current_root(&root);
	if (!path_is_under(from_path, &root) && cgf_path_detached(from_path)) {
		req.source = NULL;
		req.engine.op = CGFENCE_MOUNT_NEW;
		req.engine.opts = cgf_mnt_opts(from_path->mnt);
		cgf_set_string(&req.engine.fstype, &req.engine.fstype_len,
			       from_path->mnt->mnt_sb->s_type->name);
		req.engine.source_unknown = true;
	}
	return cgf_judge_mount(&req, CGF_OP_MOVE_MOUNT);
}

/*
 * move_mount(2) with MOVE_MOUNT_SET_GROUP: the target joins the source's peer group (or
 * becomes a slave of its master), so mounts made under either now propagate to the
 * other and to its peers. It changes the propagation of both: each must be allowed as
 * a propagation change of its own.
 */
int cgf_hook_move_mount_set_group(const struct path *from_path, const struct path *to_path)
{
	struct cgf_mount_hook_request req = {
		.target = to_path,
		.engine.op = CGFENCE_MOUNT_PROPAGATION,
	};
	int err;

	err = cgf_judge_mount(&req, CGF_OP_SET_GROUP);
	if (err)
		return err;
	req = (struct cgf_mount_hook_request) {
		.target = from_path,
		.engine.op = CGFENCE_MOUNT_PROPAGATION,
	};
	return cgf_judge_mount(&req, CGF_OP_SET_GROUP);
}

/*
 * The new mount API beyond move_mount(2): fspick(2) reconfigures a superblock where no
 * hook can tell it from a mount(2) remount, open_tree(OPEN_TREE_CLONE) copies a tree
 * whose source no hook sees, and mount_setattr(2) has no hook at all in 6.1. A confined
 * task gets EPERM for these; mount(2) does the same jobs under the profile's rules.
 */
int cgf_hook_fspick(void)
{
	return cgf_refuse_confined(CGF_OP_FSPICK);
}

int cgf_hook_open_tree_clone(void)
{
	return cgf_refuse_confined(CGF_OP_OPEN_TREE);
}

int cgf_hook_mount_setattr(void)
{
	return cgf_refuse_confined(CGF_OP_MOUNT_SETATTR);
}
