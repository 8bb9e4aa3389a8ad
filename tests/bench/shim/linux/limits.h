/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace stand-in for the kernel's <linux/limits.h>: see ../cgf_shim.h. glibc's own
 * <limits.h> includes <linux/limits.h> too, so this one first takes the system's.
 */
#include_next <linux/limits.h>
#ifndef _CGF_BENCH_SHIM_LIMITS_H
#define _CGF_BENCH_SHIM_LIMITS_H
#include "../cgf_shim.h"
#endif
