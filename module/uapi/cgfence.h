/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/* cgfence generic netlink protocol: the one definition shared by module and tool. */
#ifndef _UAPI_CGFENCE_H
#define _UAPI_CGFENCE_H

#define CGFENCE_GENL_NAME	"cgfence"
#define CGFENCE_GENL_VERSION	1

/* The module and the tool are released together; the tool prints both. */
#define CGFENCE_VERSION		"0.1.0"

/*
 * Commands. Every one needs CAP_MAC_ADMIN in the initial user namespace from a task
 * that is not itself confined. A profile is loaded as a transaction owned by the
 * socket: PROFILE_BEGIN, any number of PROFILE_ADD (rules in chunks that each fit a
 * netlink message), PROFILE_COMMIT. Closing the socket abandons it.
 */
enum cgfence_cmd {
	CGFENCE_CMD_UNSPEC,
	CGFENCE_CMD_STATUS,		/* reply: CGFENCE_A_STATUS_* */
	CGFENCE_CMD_PROFILE_BEGIN,	/* PROFILE_NAME, _MODE, _FILE_DEFAULT, _RULE_COUNT */
	CGFENCE_CMD_PROFILE_ADD,	/* RULES: nested list of RULE */
	CGFENCE_CMD_PROFILE_COMMIT,	/* create or replace atomically */
	CGFENCE_CMD_PROFILE_ABORT,
	CGFENCE_CMD_PROFILE_REMOVE,	/* PROFILE_NAME, FORCE */
	CGFENCE_CMD_PROFILE_GET,	/* PROFILE_NAME (reply adds DEVICE_RULES), or dump all */
	CGFENCE_CMD_PROFILE_MODE,	/* PROFILE_NAME, PROFILE_MODE */
	CGFENCE_CMD_ATTACH,		/* CGROUP_ID, PROFILE_NAME, ATTACH_ON_EXEC */
	CGFENCE_CMD_DETACH,		/* CGROUP_ID */
	CGFENCE_CMD_ATTACH_GET,		/* dump: CGROUP_ID, _PATH, PROFILE_NAME, ATTACH_* */
	CGFENCE_CMD_LOCK,		/* no change of any kind until reboot */
	CGFENCE_CMD_DENIAL,		/* dump (DENIAL_SEQ: from), and multicast: one record */
	/*
	 * Dump, PROFILE_NAME: the rules as they were loaded, origins included, in messages of
	 * PROFILE_NAME, PROFILE_GENERATION and RULES. A profile replaced, or its mode changed,
	 * during the dump ends it early with NLM_F_DUMP_INTR: the reader asks again.
	 */
	CGFENCE_CMD_RULE_GET,
	/*
	 * Dump, PROFILE_NAME: what a profile in complain mode would have refused, each
	 * distinct refusal (container, operation, object, denied bits) once, in messages laid
	 * out as CGFENCE_CMD_DENIAL's (DENIAL_SEQ: position from 1, verdict would-deny). The
	 * set is made when the profile enters complain mode, kept until it is replaced or
	 * unloaded; PROFILE_GET reports how full it is (LEARNED_*). A replace under the dump
	 * ends it with NLM_F_DUMP_INTR.
	 */
	CGFENCE_CMD_LEARNED_GET,
	__CGFENCE_CMD_MAX,
};

#define CGFENCE_CMD_MAX (__CGFENCE_CMD_MAX - 1)

/* How the hooks reach the kernel's security_* calls. */
enum cgfence_hook_backend {
	CGFENCE_BACKEND_FTRACE = 1,	/* loadable module: ftrace redirection */
	CGFENCE_BACKEND_LSM = 2,	/* built in: security_add_hooks() */
};

/* Multicast group of denial records: joining needs CAP_SYS_ADMIN and CAP_MAC_ADMIN, unconfined. */
#define CGFENCE_MCGRP_DENIALS	"denials"

/* What a denial record's access bits mean. */
enum cgfence_denial_kind {
	CGFENCE_DENIAL_FILE = 1,	/* CGFENCE_FILE_* */
	CGFENCE_DENIAL_MOUNT = 2,	/* CGFENCE_MOUNT_* */
	CGFENCE_DENIAL_DEVICE = 3,	/* CGFENCE_DEV_*; object "c MAJ:MIN" or "b MAJ:MIN" */
	CGFENCE_DENIAL_CGROUP = 4,	/* leaving the subtree: no bits */
	CGFENCE_DENIAL_KERNEL = 5,	/* CGFENCE_KERNEL_*: the kernel, tasks outside */
};

enum cgfence_verdict {
	CGFENCE_VERDICT_DENIED = 1,
	CGFENCE_VERDICT_WOULD_DENY = 2,	/* complain mode: allowed */
};

enum cgfence_mode {
	CGFENCE_MODE_ENFORCE = 1,
	CGFENCE_MODE_COMPLAIN = 2,	/* decide and report, never deny */
};

enum cgfence_effect {
	CGFENCE_EFFECT_ALLOW = 1,
	CGFENCE_EFFECT_DENY = 2,
};

enum cgfence_rule_kind {
	CGFENCE_RULE_FILE = 1,
	CGFENCE_RULE_MOUNT = 2,
	CGFENCE_RULE_DEVICE = 3,
	CGFENCE_RULE_KERNEL = 4,
};

/* File permissions (policy letters in brackets). */
#define CGFENCE_FILE_READ	(1U << 0)	/* r: open for reading, list a directory */
#define CGFENCE_FILE_WRITE	(1U << 1)	/* w: open for writing (the tool adds append) */
#define CGFENCE_FILE_APPEND	(1U << 2)	/* a: open with O_APPEND only */
#define CGFENCE_FILE_EXEC	(1U << 3)	/* x: execve, mmap/mprotect PROT_EXEC */
#define CGFENCE_FILE_CREATE	(1U << 4)	/* c: create a file, directory, symlink or node */
#define CGFENCE_FILE_DELETE	(1U << 5)	/* d: unlink, rmdir */
#define CGFENCE_FILE_RENAME	(1U << 6)	/* n: rename from or to */
#define CGFENCE_FILE_LINK	(1U << 7)	/* l: make a hard link */
#define CGFENCE_FILE_SETATTR	(1U << 8)	/* s: chmod, chown */
#define CGFENCE_FILE_TRUNCATE	(1U << 9)	/* t: truncate, O_TRUNC */
#define CGFENCE_FILE_ALL	((1U << 10) - 1)

/*
 * File objects without a path the container could name are judged by their kind. A
 * file rule may name one of these instead of a path pattern. Unless a rule says
 * otherwise, "unreachable:" (an object not reachable from the task's root: a leaked
 * descriptor, a detached mount) is refused everything, and the kernel's own objects
 * (pipes, sockets, anonymous inodes, memfd and shared memory, namespace files, POSIX
 * message queues) are granted everything but exec.
 */
#define CGFENCE_OBJECT_UNREACHABLE	"unreachable:"
#define CGFENCE_OBJECT_PIPE		"pipe:"
#define CGFENCE_OBJECT_SOCKET		"socket:"
#define CGFENCE_OBJECT_ANON_INODE	"anon_inode:"
#define CGFENCE_OBJECT_MEMFD		"memfd:"
#define CGFENCE_OBJECT_NSFS		"nsfs:"		/* namespace files: /proc/PID/ns/X */
#define CGFENCE_OBJECT_MQUEUE		"mqueue:"	/* mq_open() */
/* A unix socket in the abstract namespace, bound outside the container: granted nothing. */
#define CGFENCE_OBJECT_ABSTRACT		"abstract:"

/* Mount operations. */
#define CGFENCE_MOUNT_NEW	(1U << 0)	/* a new filesystem instance */
#define CGFENCE_MOUNT_BIND	(1U << 1)
#define CGFENCE_MOUNT_RBIND	(1U << 2)
#define CGFENCE_MOUNT_REMOUNT	(1U << 3)	/* mount(2) MS_REMOUNT (fspick is refused) */
#define CGFENCE_MOUNT_MOVE	(1U << 4)
#define CGFENCE_MOUNT_PROPAGATION (1U << 5)	/* shared, slave, private, unbindable */
#define CGFENCE_MOUNT_UMOUNT	(1U << 6)
#define CGFENCE_MOUNT_PIVOT_ROOT (1U << 7)
#define CGFENCE_MOUNT_ALL	((1U << 8) - 1)

/* Mount options a rule can require or forbid. */
#define CGFENCE_MOPT_RO		(1U << 0)
#define CGFENCE_MOPT_NOSUID	(1U << 1)
#define CGFENCE_MOPT_NODEV	(1U << 2)
#define CGFENCE_MOPT_NOEXEC	(1U << 3)
#define CGFENCE_MOPT_NOATIME	(1U << 4)
#define CGFENCE_MOPT_NODIRATIME	(1U << 5)
#define CGFENCE_MOPT_RELATIME	(1U << 6)
#define CGFENCE_MOPT_STRICTATIME (1U << 7)
#define CGFENCE_MOPT_SYNC	(1U << 8)
#define CGFENCE_MOPT_ALL	((1U << 9) - 1)

/* Device types and access. */
#define CGFENCE_DEV_CHAR	(1U << 0)	/* c */
#define CGFENCE_DEV_BLOCK	(1U << 1)	/* b */
#define CGFENCE_DEV_READ	(1U << 0)	/* r */
#define CGFENCE_DEV_WRITE	(1U << 1)	/* w */
#define CGFENCE_DEV_MKNOD	(1U << 2)	/* m */
#define CGFENCE_DEV_ANY		0xffffffffU	/* major or minor "*" */

/*
 * What a confined task may do to the kernel itself and to tasks outside its container
 * (policy words in brackets). Nothing unless a kernel rule allows it; deny rules win.
 */
#define CGFENCE_KERNEL_MODULE	(1U << 0)	/* module: load, unload; kernel-read policy, keys */
#define CGFENCE_KERNEL_KEXEC	(1U << 1)	/* kexec: kexec_load, kexec_file_load */
#define CGFENCE_KERNEL_REBOOT	(1U << 2)	/* reboot: reboot(2), whatever the command */
#define CGFENCE_KERNEL_BPF	(1U << 3)	/* bpf: the bpf(2) system call */
#define CGFENCE_KERNEL_PERF	(1U << 4)	/* perf: perf_event_open(2) */
#define CGFENCE_KERNEL_LOCKDOWN	(1U << 5)	/* lockdown: what kernel lockdown refuses */
#define CGFENCE_KERNEL_QUOTA	(1U << 6)	/* quota: quotactl(2) */
#define CGFENCE_KERNEL_FANOTIFY	(1U << 7)	/* fanotify: permission event marks */
#define CGFENCE_KERNEL_TTY_INJECT (1U << 8)	/* tty_inject: TIOCSTI, TIOCLINUX */
#define CGFENCE_KERNEL_PTRACE	(1U << 9)	/* ptrace: trace, memory, fds of tasks outside */
#define CGFENCE_KERNEL_SIGNAL	(1U << 10)	/* signal: signal tasks outside */
#define CGFENCE_KERNEL_SYSLOG	(1U << 11)	/* syslog: read or clear the kernel log */
#define CGFENCE_KERNEL_TIME	(1U << 12)	/* time: set the system clock */
#define CGFENCE_KERNEL_SCHED	(1U << 13)	/* sched: priority, affinity of tasks outside */
#define CGFENCE_KERNEL_ALL	((1U << 14) - 1)

/* Limits: past one a request is refused with an extack message and nothing changes. */
#define CGFENCE_MAX_PROFILES		1024
#define CGFENCE_MAX_RULES		100000	/* per profile */
#define CGFENCE_MAX_ATTACHMENTS		10000
#define CGFENCE_MAX_NAME		64	/* profile name, with the NUL */
#define CGFENCE_MAX_PATTERN		4096	/* path pattern, with the NUL */
#define CGFENCE_MAX_FSTYPE		64
#define CGFENCE_MAX_ORIGIN		256	/* "FILE:LINE:COL", with the NUL */

enum cgfence_attr {
	CGFENCE_A_UNSPEC,
	CGFENCE_A_STATUS_VERSION,		/* string */
	CGFENCE_A_STATUS_BACKEND,		/* u32, enum cgfence_hook_backend */
	CGFENCE_A_STATUS_HOOKS_ATTACHED,	/* u32 */
	CGFENCE_A_STATUS_HOOKS_TOTAL,		/* u32 */
	CGFENCE_A_STATUS_PROFILES,		/* u32 */
	CGFENCE_A_STATUS_ATTACHMENTS,		/* u32 */
	CGFENCE_A_STATUS_LOCKED,		/* u8, 0 or 1 */
	CGFENCE_A_PROFILE_NAME,			/* string, [A-Za-z0-9_.-], < CGFENCE_MAX_NAME */
	CGFENCE_A_PROFILE_MODE,			/* u8, enum cgfence_mode */
	CGFENCE_A_PROFILE_FILE_DEFAULT,		/* u8, enum cgfence_effect */
	CGFENCE_A_PROFILE_RULE_COUNT,		/* u32: rules the transaction will carry */
	CGFENCE_A_PROFILE_GENERATION,		/* u64: bumped by every replace and mode change */
	CGFENCE_A_PROFILE_ATTACHMENTS,		/* u32 */
	CGFENCE_A_RULES,			/* nested: CGFENCE_A_RULE, ... */
	CGFENCE_A_FORCE,			/* flag */
	CGFENCE_A_CGROUP_ID,			/* u64: inode number of the cgroup2 directory */
	CGFENCE_A_CGROUP_PATH,			/* string, reply only */
	CGFENCE_A_PAD,				/* aligns u64s in replies; never sent */
	CGFENCE_A_STATUS_DENIALS_LOST,		/* u64: records dropped since load */
	CGFENCE_A_DENIAL_SEQ,			/* u64: from 1, no gaps but for loss */
	CGFENCE_A_DENIAL_TIME,			/* u64: CLOCK_REALTIME, ns */
	CGFENCE_A_DENIAL_RULE_ID,		/* u32: 0 = no rule (default or no allow) */
	CGFENCE_A_DENIAL_OP,			/* string: open, exec, mount, ... */
	CGFENCE_A_DENIAL_KIND,			/* u8, enum cgfence_denial_kind */
	CGFENCE_A_DENIAL_OBJECT,		/* string: path, kind, device or mount target */
	CGFENCE_A_DENIAL_REQUESTED,		/* u32 */
	CGFENCE_A_DENIAL_DENIED,		/* u32 */
	CGFENCE_A_DENIAL_PID,			/* u32, in the initial pid namespace */
	CGFENCE_A_DENIAL_COMM,			/* string */
	CGFENCE_A_DENIAL_VERDICT,		/* u8, enum cgfence_verdict */
	CGFENCE_A_DENIAL_LOST,			/* u32: records of this container dropped before */
	CGFENCE_A_DEVICE_RULES,			/* nested like RULES: a profile's device rules */
	CGFENCE_A_DEVICE_RULES_TRUNCATED,	/* flag: more than fit one reply */
	CGFENCE_A_PROFILE_KERNEL_ALLOW,		/* u32, CGFENCE_KERNEL_*: what the profile allows */
	CGFENCE_A_ATTACH_ON_EXEC,		/* flag: tasks are judged from their next execve */
	CGFENCE_A_ATTACH_PENDING,		/* u32, reply only: tasks yet to exec */
	CGFENCE_A_STATUS_ON_EXEC,		/* u32: on-exec attachments */
	CGFENCE_A_STATUS_PENDING,		/* u32: tasks pending, over all attachments */
	CGFENCE_A_COUNTERS,			/* nested: CGFENCE_COUNTER_A_*, reply only */
	CGFENCE_A_LEARNED_RECORDS,		/* u32, reply only: distinct refusals kept */
	CGFENCE_A_LEARNED_CAPACITY,		/* u32: how many the set can keep */
	CGFENCE_A_LEARNED_MISSED,		/* u64: refusals not kept: the set was full */
	__CGFENCE_A_MAX,
};

#define CGFENCE_A_MAX (__CGFENCE_A_MAX - 1)

/* Inside CGFENCE_A_RULES every entry has type CGFENCE_RULE_A_RULE. */
enum cgfence_rule_attr {
	CGFENCE_RULE_A_UNSPEC,
	CGFENCE_RULE_A_RULE,			/* nested: the rest of this enum */
	CGFENCE_RULE_A_ID,			/* u32, != 0, unique in the profile */
	CGFENCE_RULE_A_KIND,			/* u8, enum cgfence_rule_kind */
	CGFENCE_RULE_A_EFFECT,			/* u8, enum cgfence_effect */
	CGFENCE_RULE_A_FILE_PERMS,		/* u32, CGFENCE_FILE_* */
	CGFENCE_RULE_A_FILE_PATH,		/* string pattern */
	CGFENCE_RULE_A_MOUNT_OPS,		/* u32, CGFENCE_MOUNT_* */
	CGFENCE_RULE_A_MOUNT_FSTYPE,		/* string, absent = any */
	CGFENCE_RULE_A_MOUNT_SOURCE,		/* string pattern, absent = any */
	CGFENCE_RULE_A_MOUNT_TARGET,		/* string pattern, absent = any */
	CGFENCE_RULE_A_MOUNT_REQUIRE,		/* u32, CGFENCE_MOPT_* that must be set */
	CGFENCE_RULE_A_MOUNT_FORBID,		/* u32, CGFENCE_MOPT_* that must be clear */
	CGFENCE_RULE_A_DEV_TYPE,		/* u8, CGFENCE_DEV_CHAR | CGFENCE_DEV_BLOCK */
	CGFENCE_RULE_A_DEV_MAJOR,		/* u32 or CGFENCE_DEV_ANY */
	CGFENCE_RULE_A_DEV_MINOR,		/* u32 or CGFENCE_DEV_ANY */
	CGFENCE_RULE_A_DEV_ACCESS,		/* u8, CGFENCE_DEV_READ|WRITE|MKNOD */
	CGFENCE_RULE_A_KERNEL_OPS,		/* u32, CGFENCE_KERNEL_* */
	CGFENCE_RULE_A_ORIGIN,			/* string, optional: where the rule was written */
	__CGFENCE_RULE_A_MAX,
};

#define CGFENCE_RULE_A_MAX (__CGFENCE_RULE_A_MAX - 1)

/*
 * Inside CGFENCE_A_COUNTERS, all u64: what the module counted for a profile since it was
 * loaded (a replace keeps them), or for an attachment since it was made (whatever its
 * profile). Every operation judged for a task under it is a decision; each refusal is
 * counted by its enum cgfence_denial_kind.
 */
enum cgfence_counter_attr {
	CGFENCE_COUNTER_A_UNSPEC,
	CGFENCE_COUNTER_A_PAD,
	CGFENCE_COUNTER_A_DECISIONS,
	CGFENCE_COUNTER_A_DENIED_FILE,		/* enforced refusals, by kind */
	CGFENCE_COUNTER_A_DENIED_MOUNT,
	CGFENCE_COUNTER_A_DENIED_DEVICE,
	CGFENCE_COUNTER_A_DENIED_CGROUP,
	CGFENCE_COUNTER_A_DENIED_KERNEL,
	CGFENCE_COUNTER_A_WOULD_DENY_FILE,	/* complain mode: reported and allowed */
	CGFENCE_COUNTER_A_WOULD_DENY_MOUNT,
	CGFENCE_COUNTER_A_WOULD_DENY_DEVICE,
	CGFENCE_COUNTER_A_WOULD_DENY_CGROUP,
	CGFENCE_COUNTER_A_WOULD_DENY_KERNEL,
	CGFENCE_COUNTER_A_DROPPED,		/* records the per-container rate limit dropped */
	__CGFENCE_COUNTER_A_MAX,
};

#define CGFENCE_COUNTER_A_MAX (__CGFENCE_COUNTER_A_MAX - 1)

#endif /* _UAPI_CGFENCE_H */
