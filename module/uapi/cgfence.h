/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/* cgfence generic netlink protocol: the one definition shared by module and tool. */
#ifndef _UAPI_CGFENCE_H
#define _UAPI_CGFENCE_H

#define CGFENCE_GENL_NAME	"cgfence"
#define CGFENCE_GENL_VERSION	1

/* The module and the tool are released together; the tool prints both. */
#define CGFENCE_VERSION		"0.1.0"

enum cgfence_cmd {
	CGFENCE_CMD_UNSPEC,
	CGFENCE_CMD_STATUS,	/* reply: CGFENCE_A_STATUS_* */
	__CGFENCE_CMD_MAX,
};
#define CGFENCE_CMD_MAX (__CGFENCE_CMD_MAX - 1)

/* How the hooks reach the kernel's security_* calls. */
enum cgfence_hook_backend {
	CGFENCE_BACKEND_FTRACE = 1,	/* loadable module: ftrace redirection */
	CGFENCE_BACKEND_LSM = 2,	/* built in: security_add_hooks() */
};

enum cgfence_attr {
	CGFENCE_A_UNSPEC,
	CGFENCE_A_STATUS_VERSION,		/* string */
	CGFENCE_A_STATUS_BACKEND,		/* u32, enum cgfence_hook_backend */
	CGFENCE_A_STATUS_HOOKS_ATTACHED,	/* u32 */
	CGFENCE_A_STATUS_HOOKS_TOTAL,		/* u32 */
	CGFENCE_A_STATUS_PROFILES,		/* u32 */
	CGFENCE_A_STATUS_ATTACHMENTS,		/* u32 */
	CGFENCE_A_STATUS_LOCKED,		/* u8, 0 or 1 */
	__CGFENCE_A_MAX,
};
#define CGFENCE_A_MAX (__CGFENCE_A_MAX - 1)

#endif /* _UAPI_CGFENCE_H */
