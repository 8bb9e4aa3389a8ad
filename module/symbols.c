// SPDX-License-Identifier: GPL-2.0
/* cgfence kernel symbols a loadable module cannot link against, found at load time. */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/kprobes.h>
#include <linux/printk.h>

#include "symbols.h"

typedef unsigned long (*cgf_kallsyms_lookup_name_t)(const char *name);

char *(*cgf_d_absolute_path)(const struct path *path, char *buf, int buflen);

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

	cgf_d_absolute_path = (void *)lookup("d_absolute_path");
	if (!cgf_d_absolute_path) {
		pr_err("kernel symbol d_absolute_path not found\n");
		return -ENOENT;
	}
	return 0;
}
