/* SPDX-License-Identifier: GPL-2.0 */
/* Guest-side helpers for the e2e tests: module, ftrace, files, credentials, netlink, cgroups. */
#ifndef _CGFENCE_E2E_H
#define _CGFENCE_E2E_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
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
/* The same as tap_case() functions: the first and last case of most programs. */
int case_cgfence_insmod(void *arg);
int case_cgfence_rmmod(void *arg);

/* The booted kernel is at least @major.@minor (uname's release). */
bool kernel_at_least(int major, int minor);

/* A system call's answer as 0 or -errno. */
static inline int as_err(long ret)
{
	return ret < 0 ? -errno : 0;
}

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
	__u64 denials_lost;	/* records dropped since the load */
};

/*
 * cgf_status_query() opens its own socket; cgf_status_send() uses @s and the family id
 * @family already resolved. Both: 0 and @st filled, the kernel's -errno (its extack
 * message in @extack if given), or -EPROTO for a malformed reply (diagnosed).
 */
int cgf_status_query(struct cgf_status *st);
int cgf_status_send(struct genl_sock *s, __u16 family, struct cgf_status *st,
		    char *extack, size_t extack_size);

/*
 * Control plane over raw netlink. A connection is a socket with the family resolved;
 * the extack message of the last answer stays in @extack. Every call returns the
 * kernel's answer (0 or -errno), or -EPROTO/-ETIMEDOUT after a diagnostic.
 */
struct cgf_conn {
	struct genl_sock s;
	__u16 family;
	char extack[256];
};

int cgf_conn_open(struct cgf_conn *c);
void cgf_conn_close(struct cgf_conn *c);
/* A request of @cmd to the family, NLM_F_REQUEST | NLM_F_ACK, no attributes yet. */
void cgf_msg_init(struct cgf_conn *c, struct genl_msg *m, __u8 cmd);
int cgf_send(struct cgf_conn *c, struct genl_msg *m);

/* One file rule as the protocol carries it. */
struct cgf_file_rule {
	__u32 id;
	__u8 effect;		/* CGFENCE_EFFECT_* */
	__u32 perms;		/* CGFENCE_FILE_* */
	const char *path;
};

/* Appends one CGFENCE_RULE_A_RULE nest to the open RULES nest of @m: 0 or -EMSGSIZE. */
int cgf_put_file_rule(struct genl_msg *m, const struct cgf_file_rule *r);

/*
 * A rule of any kind (file, mount, device, kernel) as the protocol carries it. Only the fields
 * of its kind are sent; a NULL mount string and a zero require/forbid are left out,
 * which the protocol reads as "any" and "none".
 */
struct cgf_rule_spec {
	__u32 id;
	__u8 kind;		/* CGFENCE_RULE_* */
	__u8 effect;		/* CGFENCE_EFFECT_* */
	/* CGFENCE_RULE_FILE */
	__u32 perms;
	const char *path;
	/* CGFENCE_RULE_MOUNT */
	__u32 mount_ops;	/* CGFENCE_MOUNT_* */
	const char *fstype, *source, *target;
	__u32 require, forbid;	/* CGFENCE_MOPT_* */
	/* CGFENCE_RULE_DEVICE */
	__u8 dev_type;		/* CGFENCE_DEV_CHAR | CGFENCE_DEV_BLOCK */
	__u8 dev_access;	/* CGFENCE_DEV_READ | _WRITE | _MKNOD */
	__u32 major, minor;	/* or CGFENCE_DEV_ANY */
	/* CGFENCE_RULE_KERNEL */
	__u32 kernel_ops;	/* CGFENCE_KERNEL_* */
};

int cgf_put_rule(struct genl_msg *m, const struct cgf_rule_spec *r);

int cgf_begin(struct cgf_conn *c, const char *name, __u8 mode, __u8 file_default,
	      __u32 nr_rules);
/* One PROFILE_ADD with all @n rules (-EMSGSIZE if they do not fit one message). */
int cgf_add(struct cgf_conn *c, const struct cgf_file_rule *rules, unsigned int n);
/* As many PROFILE_ADD messages as the rules need, each as full as it can be. */
int cgf_add_chunked(struct cgf_conn *c, const struct cgf_file_rule *rules, unsigned int n,
		    unsigned int *nr_msgs);
int cgf_commit(struct cgf_conn *c);
int cgf_abort(struct cgf_conn *c);
/* BEGIN, ADD (chunked), COMMIT; a refusal is diagnosed with its step and extack. */
int cgf_profile_load(struct cgf_conn *c, const char *name, __u8 mode, __u8 file_default,
		     const struct cgf_file_rule *rules, unsigned int n);
/* The same for rules of any kind. */
int cgf_profile_load_spec(struct cgf_conn *c, const char *name, __u8 mode, __u8 file_default,
			  const struct cgf_rule_spec *rules, unsigned int n);
int cgf_profile_remove(struct cgf_conn *c, const char *name, bool force);
int cgf_profile_set_mode(struct cgf_conn *c, const char *name, __u8 mode);
int cgf_attach(struct cgf_conn *c, __u64 cgroup_id, const char *name);
/* ATTACH with ATTACH_ON_EXEC: the subtree's tasks are judged from their next execve. */
int cgf_attach_on_exec(struct cgf_conn *c, __u64 cgroup_id, const char *name);
int cgf_detach(struct cgf_conn *c, __u64 cgroup_id);
int cgf_lock(struct cgf_conn *c);
/* The id of the family's "denials" multicast group, from nlctrl: > 0, or -1 (diagnosed). */
int cgf_denials_group(void);

struct cgf_profile_rec {
	char name[CGFENCE_MAX_NAME];
	__u8 mode;
	__u64 generation;
	__u32 rules;
	__u32 attachments;
};

struct cgf_attach_rec {
	__u64 cgroup_id;
	char path[256];
	char profile[CGFENCE_MAX_NAME];
	bool on_exec;
	__u32 pending;
};

/* One denial record, as a DENIAL dump or the denials multicast group carries it. */
struct cgf_denial_rec {
	__u64 seq, time_ns, cgroup_id;
	__u32 rule_id, requested, denied, pid, lost;
	__u8 kind, verdict;
	char cgroup[256], profile[CGFENCE_MAX_NAME], op[32], object[256], comm[32];
};

/* 0 with @rec filled; -1 when a field is missing or has a bad size (not diagnosed). */
int cgf_denial_from_msg(const struct nlmsghdr *nlh, struct cgf_denial_rec *rec);

/* PROFILE_GET of one name (doit). */
int cgf_profile_get(struct cgf_conn *c, const char *name, struct cgf_profile_rec *rec);
/* Dumps into @recs (at most @max kept, *@n counts them all; @recs may be NULL). */
int cgf_profile_dump(struct cgf_conn *c, struct cgf_profile_rec *recs, unsigned int max,
		     unsigned int *n);
int cgf_attach_dump(struct cgf_conn *c, struct cgf_attach_rec *recs, unsigned int max,
		    unsigned int *n);

/* Everything the store shows: to tell that a refused request changed nothing. */
struct cgf_snapshot {
	struct cgf_status st;
	unsigned int nr_profiles, nr_attachments;
	struct cgf_profile_rec *profiles;
	struct cgf_attach_rec *attachments;
};

int cgf_snapshot_take(struct cgf_snapshot *snap);
void cgf_snapshot_free(struct cgf_snapshot *snap);
/* 0 when equal; otherwise each difference is diagnosed and -1. */
int cgf_snapshot_compare(const struct cgf_snapshot *before, const struct cgf_snapshot *after);

/* Cgroups: the id the module uses is the inode number of the cgroup2 directory. */
#define CGROUP_ROOT		"/sys/fs/cgroup"
__u64 cgroup_id_of(const char *dir);
/* The caller's own cgroup directory, "/sys/fs/cgroup/..." : 0 or -errno. */
int cgroup_self_dir(char *buf, size_t size);
/* Writes @pid into @dir/cgroup.procs: 0 or -errno of the write. */
int cgroup_move(const char *dir, pid_t pid);

/*
 * A container for one case: a child cgroup of the caller's, a profile loaded under
 * @profile and attached to it. box_drop() undoes whatever box_make() got done.
 */
struct box {
	char dir[256];
	char profile[CGFENCE_MAX_NAME];
	__u64 id;
	bool created, loaded, attached;
};

int box_make(struct box *b, const char *sub, const char *profile, __u8 mode,
	     __u8 file_default, const struct cgf_file_rule *rules, unsigned int n);
/* box_make() with rules of any kind. */
int box_make_spec(struct box *b, const char *sub, const char *profile, __u8 mode,
		  __u8 file_default, const struct cgf_rule_spec *rules, unsigned int n);
/* A box under a shipped profile (policy/NAME.cgf), loaded by the tool as an operator would. */
int box_make_shipped(struct box *b, const char *sub, const char *profile);
void box_drop(struct box *b);

/*
 * Runs @fn in a forked child that is moved into cgroup @dir before @fn starts; @pre
 * (may be NULL) runs in the child first, still outside. Returns 0 when the child
 * exited 0 (@fn and @pre returned 0), else -1 after a diagnostic.
 */
int run_in_cgroup(const char *dir, int (*pre)(void *arg), int (*fn)(void *arg), void *arg);
/* The same in two steps, for a parent that works while the child runs (@dir NULL: stay). */
pid_t start_in_cgroup(const char *dir, int (*pre)(void *arg), int (*fn)(void *arg), void *arg);
int finish_child(pid_t pid);
/* @fn in a forked child that stays where it is (to drop privileges, change namespaces). */
int run_child(int (*fn)(void *arg), void *arg);

/* Anonymous shared memory a forked child can report through: NULL after a diagnostic. */
void *shared_alloc(size_t size);

/* An open(2)-like call's answer as 0 or -errno; the descriptor is closed. */
int try_open(const char *path, int flags);

/* mkdir -p; a file of @content with @mode; rm -rf (never across a mount). 0 or -1. */
int mkdir_p(const char *path);
int make_file(const char *path, const char *content, mode_t mode);
void remove_tree(const char *path);

/*
 * Runs @fn confined by box @b: in a new child cgroup of the attached one (an attachment
 * covers its whole subtree), as root with every capability, which the child checks
 * before @fn starts, so that a refusal can only be cgfence's. @pre runs first in the
 * child, still unconfined (to enter namespaces, to set up what only the host may).
 */
int run_confined(const struct box *b, int (*pre)(void *arg), int (*fn)(void *arg), void *arg);

/*
 * Mount table of the caller's namespace. mountinfo_read(): the whole of
 * /proc/self/mountinfo, malloc'ed (NULL after a diagnostic). mountinfo_added(): the
 * mounts of @after whose id @before lacks, as "FSTYPE:MOUNTPOINT" joined by spaces in
 * the order they were attached. mountinfo_line(): the line of the topmost mount at
 * @mountpoint (0, or -ENOENT). umount_below(): lazily unmounts everything at or below
 * @prefix, innermost first (cleanup).
 */
char *mountinfo_read(void);
void mountinfo_added(const char *before, const char *after, char *buf, size_t size);
int mountinfo_line(const char *mountpoint, char *line, size_t size);
void umount_below(const char *prefix);

/* Runs /bin/cgfence with @argv (argv[0] included); its output becomes diagnostics. */
int run_tool(const char *const argv[]);

/*
 * Around an operation that makes the module print an error on purpose: the host's log scan
 * (tests/kernel-trouble.sh) lets cgfence's own error lines pass between the two, nothing else.
 */
#define KLOG_EXPECT_ERRORS_BEGIN	"e2e: expected cgfence errors begin"
#define KLOG_EXPECT_ERRORS_END		"e2e: expected cgfence errors end"

/*
 * Kernel log: klog_mark() writes a unique line to /dev/kmsg and returns its text in
 * @mark; klog_find() looks for a line after it that holds every needle (NULL ends the
 * list) and copies it to @line. 1 found, 0 not found, -errno.
 */
int klog_mark(char *mark, size_t size);
int klog_find(const char *mark, char *line, size_t size, ...) __attribute__((sentinel));

/*
 * Runs @fn under run_confined() until the kernel log shows the report it should cause:
 * "cgfence: @verdict " (e.g. "denied op=open") with the profile, rule id and object
 * (NULL: any). The log is rate limited node-wide, so a line may need a few runs: 30 at
 * most, 0.3 s apart. 0 when found, else -1 after a diagnostic.
 */
int expect_klog(const struct box *b, int (*pre)(void *arg), int (*fn)(void *arg), void *arg,
		const char *verdict, const char *profile, __u32 rule, const char *object);
/* The same with @fn run in cgroup @dir itself (run_in_cgroup()), as it is, not as root. */
int expect_klog_in(const char *dir, int (*pre)(void *arg), int (*fn)(void *arg), void *arg,
		   const char *verdict, const char *profile, __u32 rule, const char *object);

/*
 * Stock modules of the booted kernel that the build put into the image (loop, minix,
 * overlay): 1 loaded (or built in), 0 absent from the image, -1 the kernel refused it.
 */
#define E2E_MODULES		"/e2e/modules"

/* A @pre for run_confined(): a private mount namespace with its own devpts on /dev/pts. */
int pre_devpts(void *arg);
int stock_module_load(const char *name);

#endif /* _CGFENCE_E2E_H */
