/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace stand-in for the kernel's <linux/atomic.h>: see ../cgf_shim.h. */
#include "../cgf_shim.h"
