// SPDX-License-Identifier: GPL-2.0
/* cgfence verdict cache: file verdicts remembered by (compiled profile, name, permissions). */

#include <linux/build_bug.h>
#include <linux/limits.h>
#include <linux/percpu.h>
#include <linux/string.h>

#include "verdict_cache.h"

/**
 * DOC: verdict cache
 *
 * A compiled profile never changes, and cgf_file_check() is a function of the profile,
 * the name and the permissions asked for alone. So its verdict can be kept under that
 * exact key and given back without matching again: the name is still built for every
 * access (renames, mounts and chroots are in it), only the trie walk is saved. The
 * profile is named by its serial, unique for the module's life, never by its address:
 * a profile replaced and freed may leave its address to the next one, never its serial.
 * There is nothing to invalidate: a replaced profile's entries are never asked for again
 * and are overwritten as the slots are reused.
 */

static_assert(CGF_VCACHE_SLOTS == 64);
static_assert(CGF_VCACHE_NAME_MAX <= U16_MAX);

/**
 * cgf_vcache_slot() - where the verdict for a key is kept
 * @cache: this CPU's cache
 * @serial: cgf_profile_serial() of the profile that judges
 * @name: the object's name, as given to cgf_file_check()
 * @len: its length
 * @requested: permissions asked for
 *
 * The slot comes from a multiplicative hash of the whole key: the name's 8-byte words,
 * the permissions and the profile, so that a task under nested attachments, judged by
 * two profiles for each name, does not have one evict the other's verdict every time.
 *
 * Return: the slot, or NULL for a name longer than CGF_VCACHE_NAME_MAX (never kept).
 */
struct cgf_vcache_entry *cgf_vcache_slot(struct cgf_vcache *cache, u64 serial,
					 const char *name, size_t len, u32 requested)
{
	u64 hash = (serial * 0x9e3779b97f4a7c15ULL) ^ ((u64)requested << 32 | len), word;
	size_t i;

	if (len > CGF_VCACHE_NAME_MAX)
		return NULL;
	for (i = 0; i + 8 <= len; i += 8) {
		/* One unaligned load: a fixed-size memcpy() is not a call. */
		memcpy(&word, name + i, sizeof(word));
		hash = (hash ^ word) * 0x9e3779b97f4a7c15ULL;
	}
	for (; i < len; i++)
		hash = (hash ^ (u8)name[i]) * 0x9e3779b97f4a7c15ULL;
	return &cache->slot[hash >> 58];
}

/**
 * cgf_vcache_hit() - does @entry hold the verdict for this very key?
 * @entry: cgf_vcache_slot() of the key
 * @serial: as for cgf_vcache_slot()
 * @name: as for cgf_vcache_slot()
 * @len: as for cgf_vcache_slot()
 * @requested: as for cgf_vcache_slot()
 * @verdict: filled on a hit
 *
 * Context: the caller keeps the CPU (hooks: preemption disabled, never from interrupt).
 * Return: true on a hit.
 */
bool cgf_vcache_hit(const struct cgf_vcache_entry *entry, u64 serial, const char *name,
		    size_t len, u32 requested, struct cgf_verdict *verdict)
{
	if (!serial || entry->serial != serial || entry->requested != requested ||
	    entry->len != len || memcmp(entry->name, name, len))
		return false;
	verdict->denied = entry->denied;
	verdict->rule_id = entry->rule_id;
	return true;
}

/**
 * cgf_vcache_fill() - keep in @entry the verdict cgf_file_check() gave for this key
 * @entry: cgf_vcache_slot() of the key
 * @serial: as for cgf_vcache_slot()
 * @name: as for cgf_vcache_slot()
 * @len: as for cgf_vcache_slot()
 * @requested: as for cgf_vcache_slot()
 * @verdict: the verdict
 *
 * Context: as for cgf_vcache_hit().
 */
void cgf_vcache_fill(struct cgf_vcache_entry *entry, u64 serial, const char *name, size_t len,
		     u32 requested, const struct cgf_verdict *verdict)
{
	entry->serial = serial;
	entry->requested = requested;
	entry->denied = verdict->denied;
	entry->rule_id = verdict->rule_id;
	entry->len = len;
	memcpy(entry->name, name, len);
}

static struct cgf_vcache __percpu *cgf_vcaches;

int cgf_vcache_init(void)
{
	cgf_vcaches = alloc_percpu(struct cgf_vcache);
	return cgf_vcaches ? 0 : -ENOMEM;
}

void cgf_vcache_exit(void)
{
	free_percpu(cgf_vcaches);
	cgf_vcaches = NULL;
}

/**
 * cgf_file_check_cached() - cgf_file_check(), remembered per CPU
 * @profile: compiled profile
 * @name: the object's name
 * @len: its length
 * @requested: permissions asked for
 * @verdict: the verdict, as cgf_file_check() gives it
 *
 * Context: hooks: preemption disabled (the ftrace callback), never from interrupt
 * context, as for object.c's per-CPU name buffers: nothing else uses this CPU's cache
 * between the lookup and the store.
 */
void cgf_file_check_cached(const struct cgf_profile *profile, const char *name, size_t len,
			   u32 requested, struct cgf_verdict *verdict)
{
	struct cgf_vcache_entry *entry;
	u64 serial = cgf_profile_serial(profile);

	entry = cgf_vcache_slot(this_cpu_ptr(cgf_vcaches), serial, name, len, requested);
	if (entry && cgf_vcache_hit(entry, serial, name, len, requested, verdict))
		return;
	cgf_file_check(profile, name, len, requested, verdict);
	if (entry)
		cgf_vcache_fill(entry, serial, name, len, requested, verdict);
}
