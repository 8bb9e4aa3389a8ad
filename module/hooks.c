// SPDX-License-Identifier: GPL-2.0
/* cgfence LSM hook functions: turn kernel objects into engine requests. */

#include <linux/fs.h>
#include <linux/jump_label.h>

#include "cgfence.h"

/*
 * Set while any container is attached. Host tasks on a node with no attachment pay a
 * single patched-out branch per hook and nothing else.
 */
static DEFINE_STATIC_KEY_FALSE(cgf_confinement_active);

int cgf_hook_file_open(struct file *file)
{
	if (!static_branch_unlikely(&cgf_confinement_active))
		return 0;
	/* No attachment can exist until the control plane lands; allow. */
	return 0;
}
