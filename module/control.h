/* SPDX-License-Identifier: GPL-2.0 */
/* cgfence control plane: registering the generic netlink family "cgfence" and taking it down. */
#ifndef _CGFENCE_CONTROL_H
#define _CGFENCE_CONTROL_H

int cgf_control_init(void);
void cgf_control_exit(void);

#endif /* _CGFENCE_CONTROL_H */
