// SPDX-License-Identifier: GPL-2.0
/* cgfence kernel symbols a loadable module cannot link against, found at load time. */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/kprobes.h>
#include <linux/printk.h>

#include "symbols.h"

typedef unsigned long (*cgf_kallsyms_lookup_name_t)(const char *name);

char *(*cgf_d_absolute_path)(const struct path *path, char *buf, int buflen);
struct file_system_type **cgf_file_systems;
rwlock_t *cgf_file_systems_lock;

static int cgf_symbol(cgf_kallsyms_lookup_name_t lookup, const char *name, void **addr)
{
	*addr = (void *)lookup(name);
	if (*addr)
		return 0;
	pr_err("kernel symbol %s not found\n", name);
	return -ENOENT;
}

/*
 * kallsyms_lookup_name() is not exported; a kprobe on it reports its address without
 * ever firing. Every symbol is required: a missing one fails the load (fail closed).
 */
int cgf_symbols_init(void)
{
	struct kprobe probe = { .symbol_name = "kallsyms_lookup_name" };
	cgf_kallsyms_lookup_name_t lookup;
	int err;

	err = register_kprobe(&probe);
	if (err) {
		pr_err("cannot find kallsyms_lookup_name through a kprobe: %d\n",
		       err);
		return err;
	}
	lookup = (cgf_kallsyms_lookup_name_t)probe.addr;
	unregister_kprobe(&probe);

	/* The registered filesystem types (fs/filesystems.c): data, so KALLSYMS_ALL. */
	return cgf_symbol(lookup, "d_absolute_path", (void **)&cgf_d_absolute_path) ?:
	       cgf_symbol(lookup, "file_systems", (void **)&cgf_file_systems) ?:
	       cgf_symbol(lookup, "file_systems_lock", (void **)&cgf_file_systems_lock);
}
