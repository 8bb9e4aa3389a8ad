/* SPDX-License-Identifier: GPL-2.0 */
/* cgfence learn: a minimal profile from the would-deny records of a profile in complain mode. */
#ifndef CGF_LEARN_H
#define CGF_LEARN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "denials.h"

/* From this many files of one directory sharing their permissions, one rule covers them all. */
#define CGF_LEARN_GLOB_MIN	3

struct cgf_learn_request {
	const char *profile;
	const char *container;		/* as cgf_denial_container_arg() wrote it; NULL: all */
};

struct cgf_learn_stats {
	size_t used;			/* would-deny records that became rules */
	size_t not_learned;		/* would-deny records no rule can allow (commented) */
	size_t enforced;		/* denials of the profile in enforce mode: not used */
	uint64_t lost;			/* its records the rate limit dropped, per the records */
	size_t file_rules, device_rules, mount_rules;
	size_t globs;			/* file rules for a whole directory */
};

/*
 * Writes, from the would-deny records in @recs of @req->profile (and of containers at
 * or below @req->container), a policy file of one profile of that name:
 *
 *	# header: where the rules come from, what to review, what could not be learned
 *	profile NAME {
 *		mode enforce;
 *		default deny;
 *		file { allow PERMS PATTERN; ... }
 *		device { allow TYPE MAJ:MIN ACCESS; ... }
 *		mount { allow ...; ... }
 *	}
 *
 * Permissions are merged per path (the access each operation requested, so that the
 * profile loaded as it is allows the same operations); CGF_LEARN_GLOB_MIN or more files
 * of one directory with the same permissions become one rule for every file of the
 * directory (its path and a star); names are escaped so that each pattern matches
 * exactly the recorded name. Rules are printed by
 * cgf_policy_format_rule(), so the text parses back into the same rules. Sections
 * without rules are left out. Returns 0; -ENOENT when there is no would-deny record of
 * the profile (nothing is written); -ENOMEM; -EIO when writing failed.
 */
int cgf_learn_write(FILE *f, const struct cgf_denial *recs, size_t n,
		    const struct cgf_learn_request *req, struct cgf_learn_stats *stats);

#endif /* CGF_LEARN_H */
