// SPDX-License-Identifier: GPL-2.0
/* Names of the policy language: mount operations and options, kernel operations, kinds, modes. */
#include <string.h>

#include "policy_int.h"

const struct cgf_name_bit cgf_mount_op_names[] = {
	{ "mount", CGFENCE_MOUNT_NEW },
	{ "bind", CGFENCE_MOUNT_BIND },
	{ "rbind", CGFENCE_MOUNT_RBIND },
	{ "remount", CGFENCE_MOUNT_REMOUNT },
	{ "move", CGFENCE_MOUNT_MOVE },
	{ "propagation", CGFENCE_MOUNT_PROPAGATION },
	{ "umount", CGFENCE_MOUNT_UMOUNT },
	{ "pivot_root", CGFENCE_MOUNT_PIVOT_ROOT },
	{ NULL, 0 },
};

const struct cgf_name_bit cgf_mount_opt_names[] = {
	{ "ro", CGFENCE_MOPT_RO },
	{ "nosuid", CGFENCE_MOPT_NOSUID },
	{ "nodev", CGFENCE_MOPT_NODEV },
	{ "noexec", CGFENCE_MOPT_NOEXEC },
	{ "noatime", CGFENCE_MOPT_NOATIME },
	{ "nodiratime", CGFENCE_MOPT_NODIRATIME },
	{ "relatime", CGFENCE_MOPT_RELATIME },
	{ "strictatime", CGFENCE_MOPT_STRICTATIME },
	{ "sync", CGFENCE_MOPT_SYNC },
	{ NULL, 0 },
};

/* In bit order: the order `cgfence show` and the rule printer use. */
const struct cgf_name_bit cgf_kernel_op_names[] = {
	{ "module", CGFENCE_KERNEL_MODULE },
	{ "kexec", CGFENCE_KERNEL_KEXEC },
	{ "reboot", CGFENCE_KERNEL_REBOOT },
	{ "bpf", CGFENCE_KERNEL_BPF },
	{ "perf", CGFENCE_KERNEL_PERF },
	{ "lockdown", CGFENCE_KERNEL_LOCKDOWN },
	{ "quota", CGFENCE_KERNEL_QUOTA },
	{ "fanotify", CGFENCE_KERNEL_FANOTIFY },
	{ "tty_inject", CGFENCE_KERNEL_TTY_INJECT },
	{ "ptrace", CGFENCE_KERNEL_PTRACE },
	{ "signal", CGFENCE_KERNEL_SIGNAL },
	{ "syslog", CGFENCE_KERNEL_SYSLOG },
	{ "time", CGFENCE_KERNEL_TIME },
	{ "sched", CGFENCE_KERNEL_SCHED },
	{ NULL, 0 },
};

const char *cgf_policy_kernel_op_name(uint32_t bit)
{
	const struct cgf_name_bit *n;

	for (n = cgf_kernel_op_names; n->name; n++)
		if (n->bit == bit)
			return n->name;
	return NULL;
}

uint32_t cgf_name_bit_find(const struct cgf_name_bit *table, const char *name, size_t len)
{
	for (; table->name; table++)
		if (strlen(table->name) == len && !memcmp(table->name, name, len))
			return table->bit;
	return 0;
}

const char *cgf_policy_kind_name(uint8_t kind)
{
	switch (kind) {
	case CGFENCE_RULE_FILE:
		return "file";
	case CGFENCE_RULE_MOUNT:
		return "mount";
	case CGFENCE_RULE_DEVICE:
		return "device";
	case CGFENCE_RULE_KERNEL:
		return "kernel";
	}
	return NULL;
}

const char *cgf_policy_mode_name(uint8_t mode)
{
	switch (mode) {
	case CGFENCE_MODE_ENFORCE:
		return "enforce";
	case CGFENCE_MODE_COMPLAIN:
		return "complain";
	}
	return NULL;
}

const char *cgf_policy_effect_name(uint8_t effect)
{
	switch (effect) {
	case CGFENCE_EFFECT_ALLOW:
		return "allow";
	case CGFENCE_EFFECT_DENY:
		return "deny";
	}
	return NULL;
}
