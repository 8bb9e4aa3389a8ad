// SPDX-License-Identifier: GPL-2.0
/* cgfence kernel hooks: a confined task loads no kernel code, reaches no hardware around rules. */

#include <linux/fs.h>
#include <linux/fsnotify_backend.h>
#include <linux/kernel_read_file.h>
#include <linux/security.h>

#include "hooks.h"
#include "judge.h"
#include "store.h"

/* What the kernel would read or be handed as code or trusted data. */
static int cgf_judge_kernel_data(bool module, bool kexec, bool firmware, const char *what)
{
	/*
	 * Firmware is the kernel's own: a driver asks for it in whatever task made it
	 * probe a device the profile already let the task use.
	 */
	if (firmware)
		return 0;
	if (module)
		return cgf_judge_kernel(CGF_OP_MODULE_LOAD, CGFENCE_KERNEL_MODULE, what);
	if (kexec)
		return cgf_judge_kernel(CGF_OP_KEXEC, CGFENCE_KERNEL_KEXEC, what);
	/* A security policy or a certificate the kernel will trust: as much as a module. */
	return cgf_judge_kernel(CGF_OP_KERNEL_LOAD, CGFENCE_KERNEL_MODULE, what);
}

/* finit_module(2), kexec_file_load(2), and files the kernel reads as policy or keys. */
int cgf_hook_kernel_read_file(struct file *file, enum kernel_read_file_id id, bool contents)
{
	return cgf_judge_kernel_data(id == READING_MODULE,
				     id == READING_KEXEC_IMAGE || id == READING_KEXEC_INITRAMFS,
				     id == READING_FIRMWARE, kernel_read_file_id_str(id));
}

/* init_module(2), kexec_load(2), and the same data handed in from memory. */
int cgf_hook_kernel_load_data(enum kernel_load_data_id id, bool contents)
{
	return cgf_judge_kernel_data(id == LOADING_MODULE,
				     id == LOADING_KEXEC_IMAGE || id == LOADING_KEXEC_INITRAMFS,
				     id == LOADING_FIRMWARE, kernel_load_data_id_str(id));
}

/*
 * delete_module(2), by any ABI. A confined task unloads no module. While the policy is
 * locked, nobody may force an unload (rmmod -f, which ignores the reference the lock
 * holds on cgfence): deciding by @flags, a value the kernel itself uses, leaves no race
 * with user memory and no way around through the name's encoding.
 */
int cgf_hook_delete_module(unsigned int flags)
{
	if (cgf_store_locked() && (flags & O_TRUNC))
		return -EPERM;
	return cgf_judge_kernel(CGF_OP_MODULE_UNLOAD, CGFENCE_KERNEL_MODULE, NULL);
}

/* reboot(2), any command: with the host's pid namespace it is the host's reboot. */
int cgf_hook_reboot(void)
{
	return cgf_judge_kernel(CGF_OP_REBOOT, CGFENCE_KERNEL_REBOOT, NULL);
}

int cgf_hook_bpf(int cmd, union bpf_attr *attr, unsigned int size)
{
	return cgf_judge_kernel_fmt(CGF_OP_BPF, CGFENCE_KERNEL_BPF, "cmd %ld", cmd, 0);
}

int cgf_hook_perf_event_open(int type)
{
	return cgf_judge_kernel(CGF_OP_PERF_EVENT_OPEN, CGFENCE_KERNEL_PERF, NULL);
}

/*
 * Everything the kernel's lockdown would refuse (raw I/O ports through iopl and ioperm,
 * /dev/mem and /dev/port, MSRs, PCI config space, ACPI tables, debugfs, kprobes,
 * tracefs, /proc/kcore, ...): a confined task is held as if the kernel were locked
 * down for confidentiality, whatever the host runs with.
 */
int cgf_hook_locked_down(enum lockdown_reason what)
{
	/* The kernel's names for the reasons are not exported: the number, as in its enum. */
	return cgf_judge_kernel_fmt(CGF_OP_LOCKDOWN, CGFENCE_KERNEL_LOCKDOWN, "reason %ld", what,
				    0);
}

int cgf_hook_quotactl(int cmds, int type, int id, const struct super_block *sb)
{
	return cgf_judge_kernel_fmt(CGF_OP_QUOTACTL, CGFENCE_KERNEL_QUOTA, "cmd 0x%lx", cmds, 0);
}

/* A permission mark lets its holder stall every task that touches the object. */
int cgf_hook_path_notify(const struct path *path, u64 mask, unsigned int obj_type)
{
	if (!(mask & ALL_FSNOTIFY_PERM_EVENTS))
		return 0;
	return cgf_judge_kernel(CGF_OP_FANOTIFY_PERM, CGFENCE_KERNEL_FANOTIFY, NULL);
}

/* The kernel log is the host's: reading it shows every container, clearing it hides them. */
int cgf_hook_syslog(int type)
{
	return cgf_judge_kernel_fmt(CGF_OP_SYSLOG, CGFENCE_KERNEL_SYSLOG, "action %ld", type, 0);
}

/* The system clock is the host's (time namespaces offset only the monotonic clocks). */
int cgf_hook_settime(const struct timespec64 *ts, const struct timezone *tz)
{
	return cgf_judge_kernel(CGF_OP_SETTIME, CGFENCE_KERNEL_TIME, NULL);
}
