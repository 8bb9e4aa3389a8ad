/* SPDX-License-Identifier: GPL-2.0 */
/* Guest-side helpers for the e2e tests: module load/unload, ftrace, files, credentials, STATUS. */
#ifndef _CGFENCE_E2E_H
#define _CGFENCE_E2E_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include <cgfence.h>

#include "genl.h"

#define CGFENCE_KO		"/e2e/cgfence.ko"
#define ENABLED_FUNCTIONS	"/sys/kernel/tracing/enabled_functions"
#define FTRACE_ENABLED		"/proc/sys/kernel/ftrace_enabled"
#define NOBODY			65534

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))

/* finit_module()/delete_module() on cgfence: 0 or -errno, exactly as the kernel said. */
int cgf_load(void);
int cgf_unload(void);
bool cgf_loaded(void);

/* A function's line in enabled_functions: 1 traced, 0 not, -errno; *@ipmodify = flag I. */
int ftrace_traced(const char *func, bool *ipmodify);

/* One write(2) of @s: 0 or -errno of the write (or of the open). */
int write_file(const char *path, const char *s);
/* Reads up to @size - 1 bytes, NUL-terminated, trailing newline removed: 0 or -errno. */
int read_file(const char *path, char *buf, size_t size);

/* "EPERM" for -EPERM, "0" for 0: how the tests name an answer in a diagnostic. */
const char *errname(int err);
/* 0 if @got == @want; otherwise a diagnostic naming both, and -1. */
int expect_err(const char *what, int got, int want);

/* capget/capset(2) for this thread; the inheritable set is cleared. Bits are 1ULL << CAP_*. */
int caps_get(__u64 *effective, __u64 *permitted);
int caps_set(__u64 effective, __u64 permitted);
/* setgroups({}), setgid, setuid: a plain unprivileged user, no capabilities left. */
int become_user(unsigned int uid, unsigned int gid);

/* CGFENCE_CMD_STATUS as the caller, every attribute checked for presence and size. */
struct cgf_status {
	char version[64];
	__u32 backend;
	__u32 hooks_attached;
	__u32 hooks_total;
	__u32 profiles;
	__u32 attachments;
	__u8 locked;
};

/*
 * cgf_status_query() opens its own socket; cgf_status_send() uses @s and the family id
 * @family already resolved. Both: 0 and @st filled, the kernel's -errno (its extack
 * message in @extack if given), or -EPROTO for a malformed reply (diagnosed).
 */
int cgf_status_query(struct cgf_status *st);
int cgf_status_send(struct genl_sock *s, __u16 family, struct cgf_status *st,
		    char *extack, size_t extack_size);

#endif /* _CGFENCE_E2E_H */
