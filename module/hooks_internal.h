/* SPDX-License-Identifier: GPL-2.0 */
/* cgfence judgements that more than one hook file asks: devices, dentries. */
#ifndef _CGFENCE_HOOKS_INTERNAL_H
#define _CGFENCE_HOOKS_INTERNAL_H

#include <linux/types.h>

#include "ops.h"

struct dentry;
struct file;

/*
 * A file object the hook sees as a dentry only, judged by every name the task's mount
 * namespace shows it under (all must grant @requested). A refusal is EACCES.
 */
int cgf_judge_dentry_view(enum cgf_op op, struct dentry *dentry, u32 requested);

/*
 * A descriptor the task already holds, judged as the open it stands for (path, access,
 * device): 0, or the refusal (reported as op revalidate).
 */
int cgf_judge_held_file(struct file *file);

/* @access: CGFENCE_DEV_* bits; an enforced refusal returns @deny_errno. */
int cgf_judge_device(enum cgf_op op, umode_t mode, dev_t dev, u32 access, int deny_errno);
/* The device behind an opened character or block node, by number; 0 for other files. */
int cgf_judge_device_open(struct file *file);
/* An ioctl on an opened character or block device. */
int cgf_judge_device_ioctl(struct file *file, unsigned int cmd);

#endif /* _CGFENCE_HOOKS_INTERNAL_H */
