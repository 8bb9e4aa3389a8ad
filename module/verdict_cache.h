/* SPDX-License-Identifier: GPL-2.0 */
/* cgfence verdict cache: file verdicts remembered by (compiled profile, name, permissions). */
#ifndef _CGFENCE_VERDICT_CACHE_H
#define _CGFENCE_VERDICT_CACHE_H

#include <linux/types.h>

#include "engine.h"

/* Names longer than this are judged every time: paths people open again are short. */
#define CGF_VCACHE_NAME_MAX	128
#define CGF_VCACHE_SLOTS	64

struct cgf_vcache_entry {
	u64 serial;		/* cgf_profile_serial(); 0: empty */
	u32 requested;
	u32 denied;
	u32 rule_id;
	u16 len;
	char name[CGF_VCACHE_NAME_MAX];
};

/* One per CPU (see object.c): direct-mapped, a new verdict replaces the slot's old one. */
struct cgf_vcache {
	struct cgf_vcache_entry slot[CGF_VCACHE_SLOTS];
};

struct cgf_vcache_entry *cgf_vcache_slot(struct cgf_vcache *cache, u64 serial,
					 const char *name, size_t len, u32 requested);
bool cgf_vcache_hit(const struct cgf_vcache_entry *entry, u64 serial, const char *name,
		    size_t len, u32 requested, struct cgf_verdict *verdict);
void cgf_vcache_fill(struct cgf_vcache_entry *entry, u64 serial, const char *name, size_t len,
		     u32 requested, const struct cgf_verdict *verdict);

/* cgf_file_check(), answered from this CPU's cache when it can be. */
void cgf_file_check_cached(const struct cgf_profile *profile, const char *name, size_t len,
			   u32 requested, struct cgf_verdict *verdict);
int cgf_vcache_init(void);
void cgf_vcache_exit(void);

#endif /* _CGFENCE_VERDICT_CACHE_H */
