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
	uint64_t missing;		/* records a saved stream says it missed (seq gaps) */
};

/* What the profile cannot say, by why: each is a line of the header's "Not learned". */
enum cgf_learn_gap {
	CGF_LEARN_GAP_CUT,		/* the module cut the name at 255 bytes */
	CGF_LEARN_GAP_TOO_LONG,		/* the module refused a name too long to judge */
	CGF_LEARN_GAP_PATTERN,		/* no pattern names it exactly */
	CGF_LEARN_GAP_NO_RULE,		/* no rule allows it: leaving the cgroup, fspick, ... */
	CGF_LEARN_GAP_KERNEL,		/* the kernel: never learned, a person decides */
	CGF_LEARN_GAP_UNKNOWN,		/* a kind of record this tool does not know */
	CGF_LEARN_GAP_MALFORMED,	/* no object, no permission, not a device, ... */
	CGF_LEARN_GAP_COUNT,
};

struct cgf_learn_stats {
	size_t used;			/* would-deny records that became rules */
	size_t not_learned;		/* would-deny records no rule can allow (commented) */
	size_t enforced;		/* denials of the profile in enforce mode: not used */
	size_t other_profile;		/* records of other profiles: left out */
	size_t other_container;		/* records of the profile in other containers */
	uint64_t lost;			/* its records the rate limit dropped, per the records */
	size_t file_rules, device_rules, mount_rules;
	size_t globs;			/* file rules for a whole directory */
	size_t libs;			/* file rules for every version of a library */
	size_t ctrl_rules;		/* rules with '?' for a control byte (or a lost one) */
	size_t gaps[CGF_LEARN_GAP_COUNT];
};

/*
 * Writes, from the would-deny records in @recs of @req->profile (and of containers at
 * or below @req->container), a policy file of one profile of that name. Denials in
 * enforce mode are counted, not learned: the profile refused them on purpose, and a
 * person decides whether it should not have. A record with no verdict (0) only carries
 * @lost: a saved stream's note of dropped records whose own record is not in the stream.
 * The text depends only on the set of records, never on their order:
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
 * directory (its path and a star); a library read or mapped under a versioned name
 * (libfoo.so.1.2, libfoo-2.31.so, ld-linux-x86-64.so.2) gets one rule for every version
 * of it (libfoo.so.*, libfoo-*.so), so that an upgrade of the image does not break the
 * profile; names are escaped so that each pattern matches
 * exactly the recorded name. Rules are printed by
 * cgf_policy_format_rule(), so the text parses back into the same rules. Sections
 * without rules are left out. Returns 0; -ENOENT when there is no would-deny record of
 * the profile (nothing is written); -ENOMEM; -EIO when writing failed.
 */
int cgf_learn_write(FILE *f, const struct cgf_denial *recs, size_t n,
		    const struct cgf_learn_request *req, struct cgf_learn_stats *stats);

/*
 * What @stats says the profile could not express, for stderr: one line per kind of
 * gap, "NAME: learn: ..." each; nothing when there is none.
 */
void cgf_learn_report(FILE *f, const char *name, const struct cgf_learn_stats *stats);

#endif /* CGF_LEARN_H */
