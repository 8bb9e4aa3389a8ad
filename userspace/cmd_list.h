/* SPDX-License-Identifier: GPL-2.0 */
/* The list and show commands: the module's profiles and attachments, as text or JSON. */
#ifndef CGF_CMD_LIST_H
#define CGF_CMD_LIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <netlink/netlink.h>

#include "policy.h"

#include "cgfence.h"

struct cgf_profile_row {
	char name[CGFENCE_MAX_NAME];
	uint8_t mode;			/* enum cgfence_mode */
	uint32_t rules;
	uint32_t attachments;
	uint64_t generation;
	/* Only in the reply to one profile: its device rules as the module compiled them. */
	struct cgf_policy_rule *devices;
	size_t nr_devices;
	bool devices_truncated;
	uint32_t kernel_allow;		/* CGFENCE_KERNEL_* the profile allows */
};

/* Reads CGFENCE_A_DEVICE_RULES into @row; frees nothing it did not allocate. */
int cgf_device_rules_parse(struct nlattr *nest, struct cgf_profile_row *row);

struct cgf_attach_row {
	uint64_t cgroup_id;
	char *path;			/* as the module names it, from its cgroup root */
	char profile[CGFENCE_MAX_NAME];
};

struct cgf_listing {
	struct cgf_profile_row *profiles;
	size_t nr_profiles;
	struct cgf_attach_row *attachments;
	size_t nr_attachments;
};

/*
 * Parse one PROFILE_GET or ATTACH_GET reply. Return 0, -ENODATA when an attribute
 * is missing, -EBADMSG when one is malformed, -EPROTO for a reply to another
 * command, -ENOMEM.
 */
int cgf_profile_row_parse(struct nlmsghdr *nlh, struct cgf_profile_row *row);
int cgf_attach_row_parse(struct nlmsghdr *nlh, struct cgf_attach_row *row);

void cgf_listing_free(struct cgf_listing *listing);

/* A dump the kernel marks inconsistent (NLM_F_DUMP_INTR) is read again, this many times. */
#define CGF_DUMP_TRIES	5

/* How cgf_read_listing() reads the module; the unit tests put a fake in its place. */
struct cgf_list_io {
	/*
	 * One dump of @cmd (PROFILE_GET or ATTACH_GET) appended to @l. Returns 0, or the
	 * exit status with the failure reported; sets *@intr when the kernel marked the
	 * dump inconsistent.
	 */
	int (*dump)(struct cgf_list_io *io, const char *what, uint8_t cmd,
		    struct cgf_listing *l, bool *intr);
};

/*
 * Fills @l with the profiles (when @profiles) and the attachments, all again while the
 * kernel says they changed underway. Returns 0, or the exit status with the failure
 * reported (@l then empty).
 */
int cgf_read_listing(struct cgf_list_io *io, const char *what, bool profiles,
		     struct cgf_listing *l);

/*
 * list: profiles then attachments. Plain text is two tables under a header line each
 * ("no profiles loaded" / "no cgroups attached" when empty); JSON is one object per
 * line, "type" telling which.
 */
void cgf_list_render_plain(FILE *f, const struct cgf_listing *listing);
void cgf_list_render_json(FILE *f, const struct cgf_listing *listing);

/* show: one profile and the cgroups in @listing attached to it. */
void cgf_show_render_plain(FILE *f, const struct cgf_profile_row *profile,
			   const struct cgf_listing *listing);
void cgf_show_render_json(FILE *f, const struct cgf_profile_row *profile,
			  const struct cgf_listing *listing);

#endif /* CGF_CMD_LIST_H */
