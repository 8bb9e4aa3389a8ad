/* SPDX-License-Identifier: GPL-2.0 */
/* cgfence internal interfaces between the module's parts (hooks, backend, store, netlink). */
#ifndef _CGFENCE_H
#define _CGFENCE_H

#include <linux/types.h>

struct file;

#define CGF_LOG_PREFIX "cgfence: "

/*
 * Hook functions: exact LSM hook signatures (include/linux/lsm_hook_defs.h), so the
 * same functions serve the ftrace backend now and security_add_hooks() when built in.
 */
int cgf_hook_file_open(struct file *file);

/* Attach backend: reaches the kernel's security_* calls. */
int cgf_backend_attach(void);
void cgf_backend_detach(void);
unsigned int cgf_backend_hooks_attached(void);
unsigned int cgf_backend_hooks_total(void);
u32 cgf_backend_kind(void);

/* Policy store counters, as reported by STATUS. */
struct cgf_store_status {
	u32 profiles;
	u32 attachments;
	bool locked;
};

void cgf_store_get_status(struct cgf_store_status *status);

/* Control plane. */
int cgf_netlink_init(void);
void cgf_netlink_exit(void);

#endif /* _CGFENCE_H */
