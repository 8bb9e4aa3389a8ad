/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace stand-in for the kernel's <linux/types.h>: the system's uapi types, then the shim. */
#include_next <linux/types.h>
#include "../cgf_shim.h"
