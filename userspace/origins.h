/* SPDX-License-Identifier: GPL-2.0 */
/* Where the rule behind a denial was written: each profile's rules read once per generation. */
#ifndef CGF_ORIGINS_H
#define CGF_ORIGINS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cgfence.h"
#include "client.h"

struct cgf_origin_profile;

/*
 * A denial names its profile, the profile's generation and the rule id; the module
 * keeps every profile's rules with their origins (RULE_GET). The rules of a generation
 * are read the first time a record of it is seen, on a socket of their own (a dump of
 * records may be in progress on the caller's).
 */
struct cgf_origins {
	struct cgf_client cl;
	struct cgf_client *use;		/* &cl once opened, or the caller's */
	bool unavailable;		/* no socket could be opened: no origins at all */
	struct cgf_origin_profile *profiles;
	size_t nr_profiles;
	char text[CGFENCE_MAX_ORIGIN + 32];
};

/* @cl: the client to read rules with, or NULL to open one when first needed. */
void cgf_origins_init(struct cgf_origins *o, struct cgf_client *cl);
void cgf_origins_free(struct cgf_origins *o);

/*
 * "FILE:LINE:COL" of rule @rule_id of @profile as it was at @generation, valid until
 * the next call; NULL when there is no rule (id 0), the profile has changed or gone
 * since, or the rule was loaded without an origin.
 */
const char *cgf_origins_lookup(struct cgf_origins *o, const char *profile, uint64_t generation,
			       uint32_t rule_id);

#endif /* CGF_ORIGINS_H */
