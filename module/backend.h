/* SPDX-License-Identifier: GPL-2.0 */
/* cgfence attach backend: how the hook functions reach the kernel's security decisions. */
#ifndef _CGFENCE_BACKEND_H
#define _CGFENCE_BACKEND_H

#include <linux/types.h>

/* All hooks or none: fails closed, naming the hook that could not attach. */
int cgf_backend_attach(void);
void cgf_backend_detach(void);
unsigned int cgf_backend_hooks_attached(void);
unsigned int cgf_backend_hooks_total(void);
u32 cgf_backend_kind(void);	/* enum cgfence_backend */

#endif /* _CGFENCE_BACKEND_H */
