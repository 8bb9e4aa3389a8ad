/* SPDX-License-Identifier: GPL-2.0 */
/* The status command: what the loaded module reports about itself. */
#ifndef CGF_STATUS_H
#define CGF_STATUS_H

#include <stdbool.h>
#include <stdint.h>

#include <netlink/netlink.h>

struct cgf_inv;

/* Longer version strings are treated as a malformed reply, not cut short. */
#define CGF_VERSION_MAX	64

struct cgf_status {
	char module_version[CGF_VERSION_MAX];
	uint32_t backend;		/* enum cgfence_hook_backend */
	uint32_t hooks_attached;
	uint32_t hooks_total;
	uint32_t profiles;
	uint32_t attachments;
	bool locked;
	/* Records the module dropped since it was loaded; absent from older modules. */
	bool has_denials_lost;
	uint64_t denials_lost;
};

/*
 * Fills @st from a CGFENCE_CMD_STATUS reply. Returns 0, -ENODATA when an
 * attribute is missing, -EBADMSG when one has the wrong size or the message
 * cannot be parsed.
 */
int cgf_status_parse(struct nlmsghdr *nlh, struct cgf_status *st);

int cgf_cmd_status(const struct cgf_inv *inv);

#endif /* CGF_STATUS_H */
