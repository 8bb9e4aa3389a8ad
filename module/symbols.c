// SPDX-License-Identifier: GPL-2.0
/* cgfence kernel symbols a loadable module cannot link against, found at load time. */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/kprobes.h>
#include <linux/kernel.h>
#include <linux/printk.h>
#include <linux/seqlock.h>

#include "symbols.h"

typedef unsigned long (*cgf_kallsyms_lookup_name_t)(const char *name);

char *(*cgf_d_absolute_path)(const struct path *path, char *buf, int buflen);
seqlock_t *cgf_mount_lock;
int (*cgf_replace_fd)(unsigned int fd, struct file *file, unsigned int flags);
struct file_system_type **cgf_file_systems;
rwlock_t *cgf_file_systems_lock;

static const struct {
	const char *name;
	void **address;
} cgf_symbols[] = {
	{ "d_absolute_path", (void **)&cgf_d_absolute_path },
	{ "mount_lock", (void **)&cgf_mount_lock },
	{ "replace_fd", (void **)&cgf_replace_fd },
	/* The registered filesystem types (fs/filesystems.c): data, so KALLSYMS_ALL. */
	{ "file_systems", (void **)&cgf_file_systems },
	{ "file_systems_lock", (void **)&cgf_file_systems_lock },
};

/*
 * kallsyms_lookup_name() is not exported; a kprobe on it reports its address without
 * ever firing. Every symbol is required: a missing one fails the load (fail closed).
 */
int cgf_symbols_init(void)
{
	struct kprobe probe = { .symbol_name = "kallsyms_lookup_name" };
	cgf_kallsyms_lookup_name_t lookup;
	unsigned int i;
	int err;

	err = register_kprobe(&probe);
	if (err) {
		pr_err("cannot find kallsyms_lookup_name through a kprobe: %d\n",
		       err);
		return err;
	}
	lookup = (cgf_kallsyms_lookup_name_t)probe.addr;
	unregister_kprobe(&probe);

	for (i = 0; i < ARRAY_SIZE(cgf_symbols); i++) {
		*cgf_symbols[i].address = (void *)lookup(cgf_symbols[i].name);
		if (!*cgf_symbols[i].address) {
			pr_err("kernel symbol %s not found\n", cgf_symbols[i].name);
			return -ENOENT;
		}
	}
	return 0;
}
