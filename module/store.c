// SPDX-License-Identifier: GPL-2.0
/* cgfence policy store: profiles by name and cgroup attachments (counters for now). */

#include <linux/atomic.h>

#include "cgfence.h"

/*
 * The store starts empty at load: profiles and attachments only ever come from an
 * administrator over netlink, and nothing survives an unload.
 */
static struct {
	atomic_t profiles;
	atomic_t attachments;
	bool locked;
} cgf_store;

void cgf_store_get_status(struct cgf_store_status *status)
{
	status->profiles = atomic_read(&cgf_store.profiles);
	status->attachments = atomic_read(&cgf_store.attachments);
	status->locked = READ_ONCE(cgf_store.locked);
}
