/* SPDX-License-Identifier: GPL-2.0 */
/* Encoding of parsed profiles into PROFILE_BEGIN and PROFILE_ADD messages, and back to rules. */
#ifndef CGF_ENCODE_H
#define CGF_ENCODE_H

#include <stddef.h>
#include <stdint.h>

#include <netlink/msg.h>

#include "policy.h"

/*
 * Rule attributes per PROFILE_ADD message. The message must fit the socket's send
 * buffer (libnl asks for 32 KiB, which the kernel doubles) and CGFENCE_A_RULES must fit
 * the 16-bit nla_len, so half of that leaves room; the largest possible rule (a mount
 * rule with two 4 KiB patterns) still fits one message on its own.
 */
#define CGF_CHUNK_BYTES		(32 * 1024)

/* One PROFILE_ADD message and where each of its rules lies inside it. */
struct cgf_chunk {
	struct nl_msg *msg;
	size_t first;		/* index in the profile of the first rule it carries */
	size_t count;
	/*
	 * offs[i] is the offset of rule first + i's CGFENCE_RULE_A_RULE attribute from
	 * the message's nlmsghdr, offs[count] the end of the last one: the same origin
	 * as the kernel's NLMSGERR_ATTR_OFFS.
	 */
	uint32_t *offs;
};

/* A PROFILE_BEGIN request for @profile; NULL when out of memory. */
struct nl_msg *cgf_encode_begin(int family, const struct cgf_policy_profile *profile);

/*
 * Where @rule was written, as CGFENCE_RULE_A_ORIGIN carries it: "FILE:LINE:COL" into
 * @buf (CGFENCE_MAX_ORIGIN bytes), a long FILE cut at the front to "...TAIL". Returns
 * its length, 0 (and "") for a rule with no origin.
 */
size_t cgf_encode_origin(char *buf, const struct cgf_policy_rule *rule);

/* Bytes one rule's CGFENCE_RULE_A_RULE attribute takes, padding included. */
size_t cgf_encode_rule_size(const struct cgf_policy_rule *rule);

/* Appends @rule as one CGFENCE_RULE_A_RULE attribute. Returns 0 or a negative libnl code. */
int cgf_encode_rule(struct nl_msg *msg, const struct cgf_policy_rule *rule);

/*
 * Builds the PROFILE_ADD message carrying @profile's rules from index @first on, as
 * many as fit in @limit bytes of rule attributes (at least one). Returns 0, -E2BIG
 * when rule @first alone is larger than @limit, -EINVAL when @first is past the last
 * rule, -ENOMEM. On failure @chunk holds nothing to free.
 */
int cgf_encode_chunk(int family, const struct cgf_policy_profile *profile, size_t first,
		     size_t limit, struct cgf_chunk *chunk);
void cgf_chunk_free(struct cgf_chunk *chunk);

/*
 * The index in the profile of the rule whose attribute holds byte @offset of
 * @chunk's message (the kernel may point at the rule or at one of its attributes),
 * or -1 when the offset lies outside every rule.
 */
long cgf_chunk_rule_at(const struct cgf_chunk *chunk, long offset);

struct cgf_arena;

/*
 * One CGFENCE_RULE_A_RULE attribute as RULE_GET returns it, back into @rule, its
 * strings (and the origin's file) copied into @arena. An origin that is not
 * "FILE:LINE:COL" is kept whole as src_file with line 0. Returns 0, -ENODATA when an
 * attribute its kind needs is missing, -EBADMSG, -ENOMEM.
 */
int cgf_decode_rule(struct nlattr *nest, struct cgf_policy_rule *rule, struct cgf_arena *arena);

#endif /* CGF_ENCODE_H */
