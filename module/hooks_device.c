// SPDX-License-Identifier: GPL-2.0
/* cgfence device hooks: devices judged by type and number, on open, mknod and mount. */

#include <linux/fs.h>
#include <linux/ioctl.h>
#include <linux/kdev_t.h>
#include <linux/namei.h>
#include <linux/tty.h>

#include "hooks.h"
#include "hooks_internal.h"
#include "judge.h"

struct cgf_device_request {
	struct cgf_judgement j;
	u8 type;		/* CGFENCE_DEV_CHAR or CGFENCE_DEV_BLOCK */
	dev_t dev;
	char object[32];	/* "c MAJ:MIN", for the record */
};

static bool cgf_device_prepare(struct cgf_judgement *j)
{
	struct cgf_device_request *req = container_of(j, struct cgf_device_request, j);

	snprintf(req->object, sizeof(req->object), "%c %u:%u",
		 req->type == CGFENCE_DEV_BLOCK ? 'b' : 'c', MAJOR(req->dev), MINOR(req->dev));
	j->object = req->object;
	return true;
}

static bool cgf_device_decide(struct cgf_judgement *j, const struct cgf_attachment *att,
			      const struct cgf_profile *profile, struct cgf_verdict *verdict)
{
	struct cgf_device_request *req = container_of(j, struct cgf_device_request, j);

	cgf_device_check(profile, req->type, MAJOR(req->dev), MINOR(req->dev), j->requested,
			 verdict);
	return verdict->denied;
}

/*
 * Devices are judged by type and number (i_rdev), never by the node's name: a node the
 * host created under another name, anywhere the container can reach, is the same device.
 */
int cgf_judge_device(enum cgf_op op, umode_t mode, dev_t dev, u32 access, int deny_errno)
{
	struct cgf_device_request req = {
		.j = {
			.op = op,
			.deny_errno = deny_errno,
			.requested = access,
			.prepare = cgf_device_prepare,
			.decide = cgf_device_decide,
		},
		.type = S_ISBLK(mode) ? CGFENCE_DEV_BLOCK : CGFENCE_DEV_CHAR,
		.dev = dev,
	};

	if (!access)
		return 0;
	return cgf_judge(&req.j);
}

/*
 * Access comes from the access mode, as the kernel's ACC_MODE() has it: mode 3
 * (O_WRONLY|O_RDWR) opens for neither reading nor writing, only for ioctls, and is
 * judged as read and write. No open of a device node is "no access".
 */
int cgf_judge_device_open(struct file *file)
{
	struct inode *inode = file_inode(file);
	u32 access = 0;

	if (!S_ISCHR(inode->i_mode) && !S_ISBLK(inode->i_mode))
		return 0;
	if (ACC_MODE(file->f_flags) & MAY_READ)
		access |= CGFENCE_DEV_READ;
	if (ACC_MODE(file->f_flags) & MAY_WRITE)
		access |= CGFENCE_DEV_WRITE;
	return cgf_judge_device(CGF_OP_DEVICE_OPEN, inode->i_mode, inode->i_rdev, access, -EACCES);
}

/*
 * An ioctl drives the device: a descriptor opened for reading must not write a disk
 * through SG_IO or detach a loop device, so every device ioctl needs the device's w.
 * Injecting input into a terminal (TIOCSTI, TIOCLINUX) types into whatever reads it,
 * the host's shell included: a kernel rule (tty_inject) must allow it on top. The ioctls
 * that only change the descriptor itself are not the device's.
 */
int cgf_judge_device_ioctl(struct file *file, unsigned int cmd)
{
	struct inode *inode = file_inode(file);
	int err;

	switch (cmd) {
	case FIOCLEX:
	case FIONCLEX:
	case FIONBIO:
	case FIOASYNC:
		return 0;
	case TIOCSTI:
	case TIOCLINUX:
		err = cgf_judge_kernel_fmt(CGF_OP_TTY_INJECT, CGFENCE_KERNEL_TTY_INJECT,
					   "c %ld:%ld", MAJOR(inode->i_rdev),
					   MINOR(inode->i_rdev));
		if (err)
			return err;
		break;
	}
	return cgf_judge_device(CGF_OP_DEVICE_IOCTL, inode->i_mode, inode->i_rdev,
				CGFENCE_DEV_WRITE, -EACCES);
}

/*
 * Every block device the kernel opens by number for a confined task: an ext4 external
 * journal, a device-mapper or md table's devices, a swap device. (Opens by path do not
 * get here on Debian's 6.1, which inlines this function into blkdev_get_by_path(): a
 * known gap, docs/semantics.md.) This is where
 * the kernel's own device cgroup judges block devices (devcgroup_check_permission() in
 * blkdev_get_by_dev()): reading for FMODE_READ, writing for FMODE_WRITE. A refusal is
 * EPERM, the device cgroup's errno; what the caller makes of it is its own (ext4 turns
 * a journal it cannot open into EINVAL). An open for neither still reaches the driver:
 * it is judged as reading, as an ioctl-only open of a node is judged as both.
 */
int cgf_hook_bdev_open(dev_t dev, bool read, bool write)
{
	u32 access = (read || !write ? CGFENCE_DEV_READ : 0) | (write ? CGFENCE_DEV_WRITE : 0);

	return cgf_judge_device(CGF_OP_BDEV_OPEN, S_IFBLK, dev, access, -EPERM);
}

/*
 * A filesystem that needs block devices but keeps none in s_bdev (btrfs: its devices
 * hang off its own structures, opened by path where no hook sees them) cannot be
 * judged by the device rules: a confined task may not create one.
 */
static bool cgf_devices_unseen(const struct super_block *sb)
{
	return !sb->s_bdev && (sb->s_type->fs_flags & FS_REQUIRES_DEV);
}

/* A block device is judged by its number when a filesystem on it is mounted, too. */
int cgf_hook_sb_kern_mount(const struct super_block *sb)
{
	u32 access = CGFENCE_DEV_READ;

	if (cgf_devices_unseen(sb))
		return cgf_refuse_confined(CGF_OP_DEVICE_MOUNT);
	if (!sb->s_bdev)
		return 0;
	if (!sb_rdonly(sb))
		access |= CGFENCE_DEV_WRITE;
	return cgf_judge_device(CGF_OP_DEVICE_MOUNT, S_IFBLK, sb->s_dev, access, -EPERM);
}

/* A remount to read-write writes to the device: both accesses again. */
int cgf_hook_sb_kern_mount_rw(const struct super_block *sb)
{
	if (cgf_devices_unseen(sb))
		return cgf_refuse_confined(CGF_OP_DEVICE_MOUNT);
	if (!sb->s_bdev)
		return 0;
	return cgf_judge_device(CGF_OP_DEVICE_MOUNT, S_IFBLK, sb->s_dev,
				CGFENCE_DEV_READ | CGFENCE_DEV_WRITE, -EPERM);
}
