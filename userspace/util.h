/* SPDX-License-Identifier: GPL-2.0 */
/* The few kernel-style helpers the tool uses, so its code reads like the module's. */
#ifndef CGF_UTIL_H
#define CGF_UTIL_H

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#ifndef __printf
#define __printf(a, b)	__attribute__((format(printf, a, b)))
#endif

#endif /* CGF_UTIL_H */
