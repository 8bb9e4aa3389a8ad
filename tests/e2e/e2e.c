// SPDX-License-Identifier: GPL-2.0
/* Guest-side helpers for the e2e tests (see e2e.h). */

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/capability.h>

#include "e2e.h"
#include "tap.h"

int cgf_load(void)
{
	int fd, err = 0;

	fd = open(CGFENCE_KO, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (syscall(SYS_finit_module, fd, "", 0))
		err = -errno;
	close(fd);
	return err;
}

int cgf_unload(void)
{
	return syscall(SYS_delete_module, "cgfence", O_NONBLOCK) ? -errno : 0;
}

bool cgf_loaded(void)
{
	struct stat st;

	return stat("/sys/module/cgfence", &st) == 0;
}

int ftrace_traced(const char *func, bool *ipmodify)
{
	size_t len = strlen(func);
	char line[512];
	int found = 0;
	FILE *f;

	*ipmodify = false;
	f = fopen(ENABLED_FUNCTIONS, "re");
	if (!f)
		return -errno;
	/* "security_file_open (1) R I   tramp: ...": flags are fixed-width columns. */
	while (fgets(line, sizeof(line), f)) {
		char *p;

		if (strncmp(line, func, len) || line[len] != ' ')
			continue;
		found = 1;
		p = strchr(line + len, ')');
		if (p && strlen(p) >= 5 && p[3] == ' ' && p[4] == 'I')
			*ipmodify = true;
	}
	fclose(f);
	return found;
}

int write_file(const char *path, const char *s)
{
	ssize_t len = strlen(s), n;
	int fd, err = 0;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, s, len);
	if (n < 0)
		err = -errno;
	else if (n != len)
		err = -EIO;
	close(fd);
	return err;
}

int read_file(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	if (n > 0 && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	return 0;
}

const char *errname(int err)
{
	/* Rotating buffers: one diagnostic may name two errnos. */
	static char buf[4][16];
	static unsigned int next;
	const char *name = err < 0 ? strerrorname_np(-err) : NULL;
	char *b;

	if (err == 0)
		return "0";
	if (name)
		return name;
	b = buf[next++ % 4];
	snprintf(b, sizeof(buf[0]), "%d", err);
	return b;
}

int expect_err(const char *what, int got, int want)
{
	if (got == want)
		return 0;
	return tap_fail("%s: got %s, want %s", what, errname(got), errname(want));
}

int caps_get(__u64 *effective, __u64 *permitted)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	if (syscall(SYS_capget, &hdr, data))
		return -errno;
	*effective = data[0].effective | (__u64)data[1].effective << 32;
	*permitted = data[0].permitted | (__u64)data[1].permitted << 32;
	return 0;
}

int caps_set(__u64 effective, __u64 permitted)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {
		{ .effective = (__u32)effective, .permitted = (__u32)permitted },
		{ .effective = effective >> 32, .permitted = permitted >> 32 },
	};

	return syscall(SYS_capset, &hdr, data) ? -errno : 0;
}

int become_user(unsigned int uid, unsigned int gid)
{
	if (setgroups(0, NULL) || setgid(gid) || setuid(uid))
		return -errno;
	return 0;
}

static int check_u32(const struct nlattr *a, const char *name, __u32 *v)
{
	if (!a)
		return tap_fail("STATUS reply lacks %s", name);
	if (genl_attr_len(a) != sizeof(*v))
		return tap_fail("STATUS %s has %u bytes, not 4", name, genl_attr_len(a));
	*v = *(__u32 *)genl_attr_data(a);
	return 0;
}

static int status_from_reply(const struct genl_reply *r, __u16 family, struct cgf_status *st)
{
	const struct nlattr *tb[CGFENCE_A_MAX + 1];
	const struct genlmsghdr *g = NLMSG_DATA(&r->nlh);
	const struct nlattr *a;
	unsigned int unknown, len;
	int n;

	if (r->n_msgs != 1)
		return tap_fail("STATUS: %u reply messages, want 1", r->n_msgs);
	if (r->nlh.nlmsg_type != family || g->cmd != CGFENCE_CMD_STATUS ||
	    g->version != CGFENCE_GENL_VERSION)
		return tap_fail("STATUS reply: type %u cmd %u version %u, want %u %u %u",
				r->nlh.nlmsg_type, g->cmd, g->version, family,
				CGFENCE_CMD_STATUS, CGFENCE_GENL_VERSION);
	n = genl_parse(&r->nlh, tb, CGFENCE_A_MAX, &unknown);
	if (n < 0)
		return tap_fail("STATUS reply is malformed or repeats an attribute");
	if (unknown)
		return tap_fail("STATUS reply has attribute %u, above CGFENCE_A_MAX %u",
				unknown, CGFENCE_A_MAX);

	memset(st, 0, sizeof(*st));
	a = tb[CGFENCE_A_STATUS_VERSION];
	if (!a)
		return tap_fail("STATUS reply lacks VERSION");
	len = genl_attr_len(a);
	if (len == 0 || len > sizeof(st->version) || ((char *)genl_attr_data(a))[len - 1])
		return tap_fail("STATUS VERSION is not a NUL-terminated string (%u bytes)", len);
	memcpy(st->version, genl_attr_data(a), len);

	if (check_u32(tb[CGFENCE_A_STATUS_BACKEND], "BACKEND", &st->backend) ||
	    check_u32(tb[CGFENCE_A_STATUS_HOOKS_ATTACHED], "HOOKS_ATTACHED",
		      &st->hooks_attached) ||
	    check_u32(tb[CGFENCE_A_STATUS_HOOKS_TOTAL], "HOOKS_TOTAL", &st->hooks_total) ||
	    check_u32(tb[CGFENCE_A_STATUS_PROFILES], "PROFILES", &st->profiles) ||
	    check_u32(tb[CGFENCE_A_STATUS_ATTACHMENTS], "ATTACHMENTS", &st->attachments))
		return -EPROTO;

	a = tb[CGFENCE_A_STATUS_LOCKED];
	if (!a)
		return tap_fail("STATUS reply lacks LOCKED");
	if (genl_attr_len(a) != 1)
		return tap_fail("STATUS LOCKED has %u bytes, not 1", genl_attr_len(a));
	st->locked = *(__u8 *)genl_attr_data(a);

	a = tb[CGFENCE_A_STATUS_DENIALS_LOST];
	if (!a || genl_attr_len(a) != 8)
		return tap_fail("STATUS reply lacks a u64 DENIALS_LOST");
	memcpy(&st->denials_lost, genl_attr_data(a), 8);
	return 0;
}

int cgf_status_send(struct genl_sock *s, __u16 family, struct cgf_status *st,
		    char *extack, size_t extack_size)
{
	static struct genl_reply r;
	struct genl_msg m;
	int err;

	genl_msg_init(&m, family, NLM_F_REQUEST | NLM_F_ACK, CGFENCE_CMD_STATUS,
		      CGFENCE_GENL_VERSION);
	err = genl_transact(s, &m, &r);
	if (extack && extack_size)
		snprintf(extack, extack_size, "%s", r.extack);
	if (err)
		return err;
	return status_from_reply(&r, family, st) ? -EPROTO : 0;
}

int cgf_status_query(struct cgf_status *st)
{
	struct genl_family_info fam;
	struct genl_sock s;
	int err;

	err = genl_open(&s);
	if (err) {
		tap_diag("netlink socket: %s", strerror(-err));
		return err;
	}
	err = genl_resolve(&s, CGFENCE_GENL_NAME, &fam);
	if (!err)
		err = cgf_status_send(&s, fam.id, st, NULL, 0);
	else
		tap_diag("resolve family %s: %s", CGFENCE_GENL_NAME, strerror(-err));
	genl_close(&s);
	return err;
}

int cgf_conn_open(struct cgf_conn *c)
{
	struct genl_family_info fam;
	int err;

	memset(c, 0, sizeof(*c));
	err = genl_open(&c->s);
	if (err) {
		tap_diag("netlink socket: %s", errname(err));
		return err;
	}
	err = genl_resolve(&c->s, CGFENCE_GENL_NAME, &fam);
	if (err) {
		tap_diag("resolve family %s: %s", CGFENCE_GENL_NAME, errname(err));
		genl_close(&c->s);
		return err;
	}
	c->family = fam.id;
	return 0;
}

void cgf_conn_close(struct cgf_conn *c)
{
	genl_close(&c->s);
}

void cgf_msg_init(struct cgf_conn *c, struct genl_msg *m, __u8 cmd)
{
	genl_msg_init(m, c->family, NLM_F_REQUEST | NLM_F_ACK, cmd, CGFENCE_GENL_VERSION);
}

/* Replies are small; one buffer serves every helper (the tests are single-threaded). */
static struct genl_reply cgf_reply;

int cgf_send(struct cgf_conn *c, struct genl_msg *m)
{
	int err = genl_transact(&c->s, m, &cgf_reply);

	snprintf(c->extack, sizeof(c->extack), "%s", cgf_reply.extack);
	return err;
}

/* Big messages live outside the stack frames of the helpers that build them. */
static struct genl_msg cgf_big_msg;

int cgf_put_file_rule(struct genl_msg *m, const struct cgf_file_rule *r)
{
	__u32 len = m->nlh.nlmsg_len;
	size_t nest;

	nest = genl_nest_start(m, CGFENCE_RULE_A_RULE);
	if (!nest ||
	    genl_put_u32(m, CGFENCE_RULE_A_ID, r->id) ||
	    genl_put_u8(m, CGFENCE_RULE_A_KIND, CGFENCE_RULE_FILE) ||
	    genl_put_u8(m, CGFENCE_RULE_A_EFFECT, r->effect) ||
	    genl_put_u32(m, CGFENCE_RULE_A_FILE_PERMS, r->perms) ||
	    genl_put_str(m, CGFENCE_RULE_A_FILE_PATH, r->path)) {
		m->nlh.nlmsg_len = len;
		return -EMSGSIZE;
	}
	genl_nest_end(m, nest);
	return 0;
}

int cgf_put_rule(struct genl_msg *m, const struct cgf_rule_spec *r)
{
	__u32 len = m->nlh.nlmsg_len;
	size_t nest;
	int err;

	nest = genl_nest_start(m, CGFENCE_RULE_A_RULE);
	if (!nest)
		return -EMSGSIZE;
	err = genl_put_u32(m, CGFENCE_RULE_A_ID, r->id) ||
	      genl_put_u8(m, CGFENCE_RULE_A_KIND, r->kind) ||
	      genl_put_u8(m, CGFENCE_RULE_A_EFFECT, r->effect);
	switch (r->kind) {
	case CGFENCE_RULE_FILE:
		err = err || genl_put_u32(m, CGFENCE_RULE_A_FILE_PERMS, r->perms) ||
		      genl_put_str(m, CGFENCE_RULE_A_FILE_PATH, r->path);
		break;
	case CGFENCE_RULE_MOUNT:
		/* An absent string attribute means "any": a NULL field is left out. */
		err = err || genl_put_u32(m, CGFENCE_RULE_A_MOUNT_OPS, r->mount_ops) ||
		      (r->fstype && genl_put_str(m, CGFENCE_RULE_A_MOUNT_FSTYPE, r->fstype)) ||
		      (r->source && genl_put_str(m, CGFENCE_RULE_A_MOUNT_SOURCE, r->source)) ||
		      (r->target && genl_put_str(m, CGFENCE_RULE_A_MOUNT_TARGET, r->target)) ||
		      (r->require && genl_put_u32(m, CGFENCE_RULE_A_MOUNT_REQUIRE, r->require)) ||
		      (r->forbid && genl_put_u32(m, CGFENCE_RULE_A_MOUNT_FORBID, r->forbid));
		break;
	case CGFENCE_RULE_DEVICE:
		err = err || genl_put_u8(m, CGFENCE_RULE_A_DEV_TYPE, r->dev_type) ||
		      genl_put_u32(m, CGFENCE_RULE_A_DEV_MAJOR, r->major) ||
		      genl_put_u32(m, CGFENCE_RULE_A_DEV_MINOR, r->minor) ||
		      genl_put_u8(m, CGFENCE_RULE_A_DEV_ACCESS, r->dev_access);
		break;
	case CGFENCE_RULE_KERNEL:
		err = err || genl_put_u32(m, CGFENCE_RULE_A_KERNEL_OPS, r->kernel_ops);
		break;
	}
	if (err) {
		m->nlh.nlmsg_len = len;
		return -EMSGSIZE;
	}
	genl_nest_end(m, nest);
	return 0;
}

/* Rule arrays of either type go through one filler: @put appends rule @i of @rules. */
typedef int (*cgf_put_nth)(struct genl_msg *m, const void *rules, unsigned int i);

static int put_nth_file(struct genl_msg *m, const void *rules, unsigned int i)
{
	return cgf_put_file_rule(m, (const struct cgf_file_rule *)rules + i);
}

static int put_nth_spec(struct genl_msg *m, const void *rules, unsigned int i)
{
	return cgf_put_rule(m, (const struct cgf_rule_spec *)rules + i);
}

int cgf_begin(struct cgf_conn *c, const char *name, __u8 mode, __u8 file_default,
	      __u32 nr_rules)
{
	struct genl_msg *m = &cgf_big_msg;

	cgf_msg_init(c, m, CGFENCE_CMD_PROFILE_BEGIN);
	genl_put_str(m, CGFENCE_A_PROFILE_NAME, name);
	genl_put_u8(m, CGFENCE_A_PROFILE_MODE, mode);
	genl_put_u8(m, CGFENCE_A_PROFILE_FILE_DEFAULT, file_default);
	genl_put_u32(m, CGFENCE_A_PROFILE_RULE_COUNT, nr_rules);
	return cgf_send(c, m);
}

/*
 * Fills one ADD message from @n rules, from rule @first on; returns how many fitted (at
 * least one, or -EMSGSIZE).
 */
static int cgf_fill_add(struct cgf_conn *c, struct genl_msg *m, cgf_put_nth put,
			const void *rules, unsigned int first, unsigned int n)
{
	unsigned int i;
	size_t nest;

	cgf_msg_init(c, m, CGFENCE_CMD_PROFILE_ADD);
	nest = genl_nest_start(m, CGFENCE_A_RULES);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < n; i++)
		if (put(m, rules, first + i))
			break;
	if (!i && n)
		return -EMSGSIZE;
	genl_nest_end(m, nest);
	return i;
}

int cgf_add(struct cgf_conn *c, const struct cgf_file_rule *rules, unsigned int n)
{
	int fitted = cgf_fill_add(c, &cgf_big_msg, put_nth_file, rules, 0, n);

	if (fitted < 0)
		return fitted;
	if ((unsigned int)fitted != n) {
		tap_diag("PROFILE_ADD: only %d of %u rules fit one message", fitted, n);
		return -EMSGSIZE;
	}
	return cgf_send(c, &cgf_big_msg);
}

static int cgf_add_chunked_any(struct cgf_conn *c, cgf_put_nth put, const void *rules,
			       unsigned int n, unsigned int *nr_msgs)
{
	unsigned int done = 0, msgs = 0;
	int fitted, err;

	while (done < n) {
		fitted = cgf_fill_add(c, &cgf_big_msg, put, rules, done, n - done);
		if (fitted < 0)
			return fitted;
		err = cgf_send(c, &cgf_big_msg);
		msgs++;
		if (err) {
			tap_diag("PROFILE_ADD of rules %u..%u: %s (%s)", done,
				 done + fitted - 1, errname(err), c->extack);
			return err;
		}
		done += fitted;
	}
	if (nr_msgs)
		*nr_msgs = msgs;
	return 0;
}

int cgf_add_chunked(struct cgf_conn *c, const struct cgf_file_rule *rules, unsigned int n,
		    unsigned int *nr_msgs)
{
	return cgf_add_chunked_any(c, put_nth_file, rules, n, nr_msgs);
}

int cgf_commit(struct cgf_conn *c)
{
	struct genl_msg m;

	cgf_msg_init(c, &m, CGFENCE_CMD_PROFILE_COMMIT);
	return cgf_send(c, &m);
}

int cgf_abort(struct cgf_conn *c)
{
	struct genl_msg m;

	cgf_msg_init(c, &m, CGFENCE_CMD_PROFILE_ABORT);
	return cgf_send(c, &m);
}

static int cgf_profile_load_any(struct cgf_conn *c, const char *name, __u8 mode,
				__u8 file_default, cgf_put_nth put, const void *rules,
				unsigned int n)
{
	int err;

	err = cgf_begin(c, name, mode, file_default, n);
	if (err) {
		tap_diag("PROFILE_BEGIN %s: %s (%s)", name, errname(err), c->extack);
		return err;
	}
	if (n) {
		err = cgf_add_chunked_any(c, put, rules, n, NULL);
		if (err) {
			cgf_abort(c);
			return err;
		}
	}
	err = cgf_commit(c);
	if (err)
		tap_diag("PROFILE_COMMIT %s: %s (%s)", name, errname(err), c->extack);
	return err;
}

int cgf_profile_load(struct cgf_conn *c, const char *name, __u8 mode, __u8 file_default,
		     const struct cgf_file_rule *rules, unsigned int n)
{
	return cgf_profile_load_any(c, name, mode, file_default, put_nth_file, rules, n);
}

int cgf_profile_load_spec(struct cgf_conn *c, const char *name, __u8 mode, __u8 file_default,
			  const struct cgf_rule_spec *rules, unsigned int n)
{
	return cgf_profile_load_any(c, name, mode, file_default, put_nth_spec, rules, n);
}

int cgf_profile_remove(struct cgf_conn *c, const char *name, bool force)
{
	struct genl_msg m;

	cgf_msg_init(c, &m, CGFENCE_CMD_PROFILE_REMOVE);
	genl_put_str(&m, CGFENCE_A_PROFILE_NAME, name);
	if (force)
		genl_put_flag(&m, CGFENCE_A_FORCE);
	return cgf_send(c, &m);
}

int cgf_profile_set_mode(struct cgf_conn *c, const char *name, __u8 mode)
{
	struct genl_msg m;

	cgf_msg_init(c, &m, CGFENCE_CMD_PROFILE_MODE);
	genl_put_str(&m, CGFENCE_A_PROFILE_NAME, name);
	genl_put_u8(&m, CGFENCE_A_PROFILE_MODE, mode);
	return cgf_send(c, &m);
}

int cgf_attach(struct cgf_conn *c, __u64 cgroup_id, const char *name)
{
	struct genl_msg m;

	cgf_msg_init(c, &m, CGFENCE_CMD_ATTACH);
	genl_put_u64(&m, CGFENCE_A_CGROUP_ID, cgroup_id);
	genl_put_str(&m, CGFENCE_A_PROFILE_NAME, name);
	return cgf_send(c, &m);
}

int cgf_attach_on_exec(struct cgf_conn *c, __u64 cgroup_id, const char *name)
{
	struct genl_msg m;

	cgf_msg_init(c, &m, CGFENCE_CMD_ATTACH);
	genl_put_u64(&m, CGFENCE_A_CGROUP_ID, cgroup_id);
	genl_put_str(&m, CGFENCE_A_PROFILE_NAME, name);
	genl_put_flag(&m, CGFENCE_A_ATTACH_ON_EXEC);
	return cgf_send(c, &m);
}

int cgf_detach(struct cgf_conn *c, __u64 cgroup_id)
{
	struct genl_msg m;

	cgf_msg_init(c, &m, CGFENCE_CMD_DETACH);
	genl_put_u64(&m, CGFENCE_A_CGROUP_ID, cgroup_id);
	return cgf_send(c, &m);
}

int cgf_lock(struct cgf_conn *c)
{
	struct genl_msg m;

	cgf_msg_init(c, &m, CGFENCE_CMD_LOCK);
	return cgf_send(c, &m);
}

/* Copies a NUL-terminated string attribute; false when it is not one or does not fit. */
static bool attr_str(const struct nlattr *a, char *buf, size_t size)
{
	unsigned int len;

	if (!a)
		return false;
	len = genl_attr_len(a);
	if (!len || len > size || ((const char *)genl_attr_data(a))[len - 1])
		return false;
	memcpy(buf, genl_attr_data(a), len);
	return true;
}

static bool attr_fixed(const struct nlattr *a, void *v, unsigned int size)
{
	if (!a || genl_attr_len(a) != size)
		return false;
	memcpy(v, genl_attr_data(a), size);
	return true;
}

static int profile_from_msg(const struct nlmsghdr *nlh, struct cgf_profile_rec *rec)
{
	const struct nlattr *tb[CGFENCE_A_MAX + 1];
	unsigned int unknown;

	memset(rec, 0, sizeof(*rec));
	if (genl_parse(nlh, tb, CGFENCE_A_MAX, &unknown) < 0 || unknown)
		return tap_fail("PROFILE_GET: malformed message (or attribute %u)", unknown);
	if (!attr_str(tb[CGFENCE_A_PROFILE_NAME], rec->name, sizeof(rec->name)) ||
	    !attr_fixed(tb[CGFENCE_A_PROFILE_MODE], &rec->mode, 1) ||
	    !attr_fixed(tb[CGFENCE_A_PROFILE_GENERATION], &rec->generation, 8) ||
	    !attr_fixed(tb[CGFENCE_A_PROFILE_RULE_COUNT], &rec->rules, 4) ||
	    !attr_fixed(tb[CGFENCE_A_PROFILE_ATTACHMENTS], &rec->attachments, 4))
		return tap_fail("PROFILE_GET: a profile lacks an attribute or has a bad size");
	return 0;
}

static int attach_from_msg(const struct nlmsghdr *nlh, struct cgf_attach_rec *rec)
{
	const struct nlattr *tb[CGFENCE_A_MAX + 1];
	unsigned int unknown;

	memset(rec, 0, sizeof(*rec));
	if (genl_parse(nlh, tb, CGFENCE_A_MAX, &unknown) < 0 || unknown)
		return tap_fail("ATTACH_GET: malformed message (or attribute %u)", unknown);
	if (!attr_fixed(tb[CGFENCE_A_CGROUP_ID], &rec->cgroup_id, 8) ||
	    !attr_str(tb[CGFENCE_A_CGROUP_PATH], rec->path, sizeof(rec->path)) ||
	    !attr_str(tb[CGFENCE_A_PROFILE_NAME], rec->profile, sizeof(rec->profile)) ||
	    !attr_fixed(tb[CGFENCE_A_ATTACH_PENDING], &rec->pending, 4))
		return tap_fail("ATTACH_GET: an attachment lacks an attribute or has a bad size");
	if (tb[CGFENCE_A_ATTACH_ON_EXEC] && genl_attr_len(tb[CGFENCE_A_ATTACH_ON_EXEC]))
		return tap_fail("ATTACH_GET: ATTACH_ON_EXEC is a flag, with no payload");
	rec->on_exec = tb[CGFENCE_A_ATTACH_ON_EXEC];
	return 0;
}

int cgf_denial_from_msg(const struct nlmsghdr *nlh, struct cgf_denial_rec *rec)
{
	const struct nlattr *tb[CGFENCE_A_MAX + 1];
	unsigned int unknown;

	memset(rec, 0, sizeof(*rec));
	if (genl_parse(nlh, tb, CGFENCE_A_MAX, &unknown) < 0 ||
	    !attr_fixed(tb[CGFENCE_A_DENIAL_SEQ], &rec->seq, 8) ||
	    !attr_fixed(tb[CGFENCE_A_DENIAL_TIME], &rec->time_ns, 8) ||
	    !attr_fixed(tb[CGFENCE_A_CGROUP_ID], &rec->cgroup_id, 8) ||
	    !attr_fixed(tb[CGFENCE_A_DENIAL_RULE_ID], &rec->rule_id, 4) ||
	    !attr_fixed(tb[CGFENCE_A_DENIAL_REQUESTED], &rec->requested, 4) ||
	    !attr_fixed(tb[CGFENCE_A_DENIAL_DENIED], &rec->denied, 4) ||
	    !attr_fixed(tb[CGFENCE_A_DENIAL_PID], &rec->pid, 4) ||
	    !attr_fixed(tb[CGFENCE_A_DENIAL_LOST], &rec->lost, 4) ||
	    !attr_fixed(tb[CGFENCE_A_DENIAL_KIND], &rec->kind, 1) ||
	    !attr_fixed(tb[CGFENCE_A_DENIAL_VERDICT], &rec->verdict, 1) ||
	    !attr_str(tb[CGFENCE_A_CGROUP_PATH], rec->cgroup, sizeof(rec->cgroup)) ||
	    !attr_str(tb[CGFENCE_A_PROFILE_NAME], rec->profile, sizeof(rec->profile)) ||
	    !attr_str(tb[CGFENCE_A_DENIAL_OP], rec->op, sizeof(rec->op)) ||
	    !attr_str(tb[CGFENCE_A_DENIAL_OBJECT], rec->object, sizeof(rec->object)) ||
	    !attr_str(tb[CGFENCE_A_DENIAL_COMM], rec->comm, sizeof(rec->comm)))
		return -1;
	return 0;
}

int cgf_profile_get(struct cgf_conn *c, const char *name, struct cgf_profile_rec *rec)
{
	struct genl_msg m;
	int err;

	cgf_msg_init(c, &m, CGFENCE_CMD_PROFILE_GET);
	genl_put_str(&m, CGFENCE_A_PROFILE_NAME, name);
	err = cgf_send(c, &m);
	if (err)
		return err;
	if (cgf_reply.n_msgs != 1) {
		tap_fail("PROFILE_GET %s: %u messages, want 1", name, cgf_reply.n_msgs);
		return -EPROTO;
	}
	return profile_from_msg(&cgf_reply.nlh, rec) ? -EPROTO : 0;
}

struct dump_ctx {
	void *recs;
	unsigned int max, n;
	bool attachments;
};

static int dump_one(const struct nlmsghdr *nlh, void *arg)
{
	struct dump_ctx *d = arg;
	struct cgf_profile_rec prec;
	struct cgf_attach_rec arec;
	int err;

	if (d->attachments) {
		err = attach_from_msg(nlh, &arec);
		if (!err && d->recs && d->n < d->max)
			((struct cgf_attach_rec *)d->recs)[d->n] = arec;
	} else {
		err = profile_from_msg(nlh, &prec);
		if (!err && d->recs && d->n < d->max)
			((struct cgf_profile_rec *)d->recs)[d->n] = prec;
	}
	d->n++;
	return err ? -EPROTO : 0;
}

static int cgf_dump(struct cgf_conn *c, __u8 cmd, struct dump_ctx *d)
{
	static struct genl_reply r;
	struct genl_msg m;
	int err;

	cgf_msg_init(c, &m, cmd);
	/* A dump is answered by NLMSG_DONE, not by an ack. */
	m.nlh.nlmsg_flags = NLM_F_REQUEST;
	err = genl_dump(&c->s, &m, &r, dump_one, d);
	snprintf(c->extack, sizeof(c->extack), "%s", r.extack);
	if (!err && r.dump_intr)
		tap_diag("dump %u: NLM_F_DUMP_INTR (the store changed during the dump)", cmd);
	return err;
}

int cgf_profile_dump(struct cgf_conn *c, struct cgf_profile_rec *recs, unsigned int max,
		     unsigned int *n)
{
	struct dump_ctx d = { .recs = recs, .max = max };
	int err = cgf_dump(c, CGFENCE_CMD_PROFILE_GET, &d);

	*n = d.n;
	return err;
}

int cgf_attach_dump(struct cgf_conn *c, struct cgf_attach_rec *recs, unsigned int max,
		    unsigned int *n)
{
	struct dump_ctx d = { .recs = recs, .max = max, .attachments = true };
	int err = cgf_dump(c, CGFENCE_CMD_ATTACH_GET, &d);

	*n = d.n;
	return err;
}

int cgf_snapshot_take(struct cgf_snapshot *snap)
{
	struct cgf_conn c;
	unsigned int n;
	int err;

	memset(snap, 0, sizeof(*snap));
	err = cgf_conn_open(&c);
	if (err)
		return err;
	err = cgf_status_send(&c.s, c.family, &snap->st, NULL, 0);
	if (err) {
		tap_diag("snapshot: STATUS: %s", errname(err));
		goto out;
	}
	/* Room for a few more than STATUS counted: a difference must show, not overflow. */
	snap->profiles = calloc(snap->st.profiles + 8, sizeof(*snap->profiles));
	snap->attachments = calloc(snap->st.attachments + 8, sizeof(*snap->attachments));
	if (!snap->profiles || !snap->attachments) {
		err = -ENOMEM;
		goto out;
	}
	err = cgf_profile_dump(&c, snap->profiles, snap->st.profiles + 8, &n);
	snap->nr_profiles = n;
	if (err) {
		tap_diag("snapshot: profile dump: %s (%s)", errname(err), c.extack);
		goto out;
	}
	err = cgf_attach_dump(&c, snap->attachments, snap->st.attachments + 8, &n);
	snap->nr_attachments = n;
	if (err)
		tap_diag("snapshot: attachment dump: %s (%s)", errname(err), c.extack);
out:
	cgf_conn_close(&c);
	return err;
}

void cgf_snapshot_free(struct cgf_snapshot *snap)
{
	free(snap->profiles);
	free(snap->attachments);
	snap->profiles = NULL;
	snap->attachments = NULL;
}

int cgf_snapshot_compare(const struct cgf_snapshot *a, const struct cgf_snapshot *b)
{
	unsigned int i, na, nb;
	int diff = 0;

	if (a->st.profiles != b->st.profiles || a->st.attachments != b->st.attachments ||
	    a->st.locked != b->st.locked) {
		tap_diag("STATUS was profiles %u attachments %u locked %u, now %u %u %u",
			 a->st.profiles, a->st.attachments, a->st.locked, b->st.profiles,
			 b->st.attachments, b->st.locked);
		diff = -1;
	}
	if (a->nr_profiles != b->nr_profiles || a->nr_attachments != b->nr_attachments) {
		tap_diag("dumps held %u profiles and %u attachments, now %u and %u",
			 a->nr_profiles, a->nr_attachments, b->nr_profiles, b->nr_attachments);
		diff = -1;
	}
	na = a->nr_profiles < a->st.profiles + 8 ? a->nr_profiles : a->st.profiles + 8;
	nb = b->nr_profiles < b->st.profiles + 8 ? b->nr_profiles : b->st.profiles + 8;
	for (i = 0; i < na && i < nb; i++) {
		const struct cgf_profile_rec *x = &a->profiles[i], *y = &b->profiles[i];

		if (strcmp(x->name, y->name) || x->mode != y->mode ||
		    x->generation != y->generation || x->rules != y->rules ||
		    x->attachments != y->attachments) {
			tap_diag("profile %u was %s mode %u gen %llu rules %u att %u, now %s %u %llu %u %u",
				 i, x->name, x->mode, (unsigned long long)x->generation, x->rules,
				 x->attachments, y->name, y->mode,
				 (unsigned long long)y->generation, y->rules, y->attachments);
			diff = -1;
		}
	}
	na = a->nr_attachments < a->st.attachments + 8 ? a->nr_attachments : a->st.attachments + 8;
	nb = b->nr_attachments < b->st.attachments + 8 ? b->nr_attachments : b->st.attachments + 8;
	for (i = 0; i < na && i < nb; i++) {
		const struct cgf_attach_rec *x = &a->attachments[i], *y = &b->attachments[i];

		if (x->cgroup_id != y->cgroup_id || strcmp(x->path, y->path) ||
		    strcmp(x->profile, y->profile)) {
			tap_diag("attachment %u was %llu %s %s, now %llu %s %s", i,
				 (unsigned long long)x->cgroup_id, x->path, x->profile,
				 (unsigned long long)y->cgroup_id, y->path, y->profile);
			diff = -1;
		}
	}
	return diff;
}

__u64 cgroup_id_of(const char *dir)
{
	struct stat st;

	if (stat(dir, &st)) {
		tap_diag("stat %s: %s", dir, errname(-errno));
		return 0;
	}
	return st.st_ino;
}

int cgroup_self_dir(char *buf, size_t size)
{
	char line[256];
	int err;

	err = read_file("/proc/self/cgroup", line, sizeof(line));
	if (err)
		return err;
	if (strncmp(line, "0::/", 4))
		return -EPROTO;
	/* The root cgroup reads "0::/": no trailing slash for it. */
	snprintf(buf, size, CGROUP_ROOT "%s", line[4] ? line + 3 : "");
	return 0;
}

int cgroup_move(const char *dir, pid_t pid)
{
	char procs[320], pidstr[24];

	snprintf(procs, sizeof(procs), "%s/cgroup.procs", dir);
	snprintf(pidstr, sizeof(pidstr), "%d", pid);
	return write_file(procs, pidstr);
}

static int box_make_any(struct box *b, const char *sub, const char *profile, __u8 mode,
			__u8 file_default, cgf_put_nth put, const void *rules, unsigned int n)
{
	char self[200];
	struct cgf_conn c;
	int err;

	memset(b, 0, sizeof(*b));
	snprintf(b->profile, sizeof(b->profile), "%s", profile);
	err = cgroup_self_dir(self, sizeof(self));
	if (err)
		return tap_fail("own cgroup: %s", errname(err));
	snprintf(b->dir, sizeof(b->dir), "%s/%s", self, sub);
	if (mkdir(b->dir, 0755))
		return tap_fail("mkdir %s: %s", b->dir, errname(-errno));
	b->created = true;
	b->id = cgroup_id_of(b->dir);
	if (!b->id)
		return -1;
	if (cgf_conn_open(&c))
		return -1;
	err = cgf_profile_load_any(&c, profile, mode, file_default, put, rules, n);
	if (!err) {
		b->loaded = true;
		err = cgf_attach(&c, b->id, profile);
		if (err)
			tap_diag("ATTACH %s to %s: %s (%s)", profile, b->dir, errname(err),
				 c.extack);
		else
			b->attached = true;
	}
	cgf_conn_close(&c);
	return err ? -1 : 0;
}

int box_make(struct box *b, const char *sub, const char *profile, __u8 mode,
	     __u8 file_default, const struct cgf_file_rule *rules, unsigned int n)
{
	return box_make_any(b, sub, profile, mode, file_default, put_nth_file, rules, n);
}

int box_make_spec(struct box *b, const char *sub, const char *profile, __u8 mode,
		  __u8 file_default, const struct cgf_rule_spec *rules, unsigned int n)
{
	return box_make_any(b, sub, profile, mode, file_default, put_nth_spec, rules, n);
}

void box_drop(struct box *b)
{
	struct cgf_conn c;
	int err;

	if ((b->attached || b->loaded) && !cgf_conn_open(&c)) {
		if (b->attached) {
			err = cgf_detach(&c, b->id);
			if (err && err != -ENOENT)
				tap_diag("cleanup: DETACH %s: %s (%s)", b->dir, errname(err),
					 c.extack);
		}
		if (b->loaded) {
			err = cgf_profile_remove(&c, b->profile, true);
			if (err && err != -ENOENT)
				tap_diag("cleanup: REMOVE %s: %s (%s)", b->profile, errname(err),
					 c.extack);
		}
		cgf_conn_close(&c);
	}
	if (b->created && rmdir(b->dir) && errno != ENOENT)
		tap_diag("cleanup: rmdir %s: %s", b->dir, errname(-errno));
	b->created = b->loaded = b->attached = false;
}

pid_t start_in_cgroup(const char *dir, int (*pre)(void *arg), int (*fn)(void *arg), void *arg)
{
	int ready[2], go[2], err;
	char c = 0;
	pid_t pid;

	if (pipe2(ready, O_CLOEXEC))
		return tap_fail("pipe: %s", errname(-errno));
	if (pipe2(go, O_CLOEXEC)) {
		close(ready[0]);
		close(ready[1]);
		return tap_fail("pipe: %s", errname(-errno));
	}
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return tap_fail("fork: %s", errname(-errno));
	if (pid == 0) {
		close(ready[0]);
		close(go[1]);
		alarm(tap_seconds(20));
		c = pre ? (pre(arg) ? 'f' : 'r') : 'r';
		if (write(ready[1], &c, 1) != 1 || c != 'r')
			_exit(2);
		if (read(go[0], &c, 1) != 1)
			_exit(3);
		err = fn(arg);
		fflush(stdout);
		_exit(err ? 1 : 0);
	}
	close(ready[1]);
	close(go[0]);
	err = 0;
	if (read(ready[0], &c, 1) != 1 || c != 'r') {
		err = tap_fail("the child failed before it was moved into %s", dir ? dir : "?");
	} else {
		if (dir) {
			err = cgroup_move(dir, pid);
			if (err)
				err = tap_fail("move the child into %s: %s", dir, errname(err));
		}
		if (!err && write(go[1], "g", 1) != 1)
			err = tap_fail("start the child: %s", errname(-errno));
	}
	close(ready[0]);
	close(go[1]);
	if (err) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return -1;
	}
	return pid;
}

int finish_child(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return tap_fail("waitpid: %s", errname(-errno));
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFSIGNALED(status))
		return tap_fail("the child was killed by signal %d (%s)", WTERMSIG(status),
				strsignal(WTERMSIG(status)));
	if (WEXITSTATUS(status) != 1)
		return tap_fail("the child exited with status %d", WEXITSTATUS(status));
	return -1;
}

int run_in_cgroup(const char *dir, int (*pre)(void *arg), int (*fn)(void *arg), void *arg)
{
	pid_t pid = start_in_cgroup(dir, pre, fn, arg);

	return pid < 0 ? -1 : finish_child(pid);
}

int run_child(int (*fn)(void *arg), void *arg)
{
	return run_in_cgroup(NULL, NULL, fn, arg);
}

void *shared_alloc(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		tap_diag("mmap shared: %s", errname(-errno));
		return NULL;
	}
	return p;
}

int try_open(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC, 0644);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

int klog_mark(char *mark, size_t size)
{
	static unsigned int n;
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	snprintf(mark, size, "e2e-mark-%d-%u-%ld.%09ld", getpid(), n++, (long)ts.tv_sec,
		 ts.tv_nsec);
	return write_file("/dev/kmsg", mark);
}

int klog_find(const char *mark, char *line, size_t size, ...)
{
	const char *needle, *p, *end;
	static char *buf;
	static int buf_size;
	bool all;
	va_list ap;
	int n;

	if (!buf) {
		buf_size = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
		if (buf_size <= 0)
			buf_size = 1 << 20;
		buf = malloc(buf_size + 1);
		if (!buf)
			return -ENOMEM;
	}
	n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, buf_size);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	p = strstr(buf, mark);
	if (!p)
		return -ENOENT;
	for (; (p = strchr(p, '\n')); ) {
		p++;
		end = strchrnul(p, '\n');
		all = true;
		va_start(ap, size);
		while ((needle = va_arg(ap, const char *))) {
			const char *hit = memmem(p, end - p, needle, strlen(needle));

			if (!hit)
				all = false;
		}
		va_end(ap);
		if (all) {
			snprintf(line, size, "%.*s", (int)(end - p), p);
			return 1;
		}
	}
	return 0;
}

int mkdir_p(const char *path)
{
	char tmp[512], *p;

	snprintf(tmp, sizeof(tmp), "%s", path);
	for (p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) && errno != EEXIST)
			return tap_fail("mkdir %s: %s", tmp, errname(-errno));
		*p = '/';
	}
	if (mkdir(tmp, 0755) && errno != EEXIST)
		return tap_fail("mkdir %s: %s", tmp, errname(-errno));
	return 0;
}

int make_file(const char *path, const char *content, mode_t mode)
{
	ssize_t len = strlen(content);
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return tap_fail("create %s: %s", path, errname(-errno));
	if (write(fd, content, len) != len) {
		close(fd);
		return tap_fail("write %s: %s", path, errname(-errno));
	}
	close(fd);
	return 0;
}

static int remove_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (type == FTW_DP ? rmdir(path) : unlink(path))
		tap_diag("cleanup: remove %s: %s", path, errname(-errno));
	return 0;
}

void remove_tree(const char *path)
{
	struct stat st;

	/* FTW_MOUNT: a mount left behind must show as a failed rmdir, not lose its files. */
	if (lstat(path, &st) == 0)
		nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}

struct confined_call {
	const char *dir;
	int (*pre)(void *arg);
	int (*fn)(void *arg);
	void *arg;
};

static int confined_pre(void *p)
{
	const struct confined_call *c = p;

	return c->pre ? c->pre(c->arg) : 0;
}

static int confined_fn(void *p)
{
	const struct confined_call *c = p;
	const __u64 need = 1ULL << CAP_SYS_ADMIN | 1ULL << CAP_MKNOD | 1ULL << CAP_DAC_OVERRIDE |
			   1ULL << CAP_SYS_RAWIO;
	__u64 eff, perm;

	/* Where it runs, the parent saw to (its move succeeded): /proc may be out of reach. */
	if (caps_get(&eff, &perm) || (eff & need) != need)
		return tap_fail("the confined task lacks a capability: effective %#llx",
				(unsigned long long)eff);
	return c->fn(c->arg);
}

int run_confined(const struct box *b, int (*pre)(void *arg), int (*fn)(void *arg), void *arg)
{
	char dir[320];
	struct confined_call c = { dir, pre, fn, arg };
	int ret;

	snprintf(dir, sizeof(dir), "%s/task", b->dir);
	if (mkdir(dir, 0755))
		return tap_fail("mkdir %s: %s", dir, errname(-errno));
	ret = run_in_cgroup(dir, confined_pre, confined_fn, &c);
	if (rmdir(dir))
		ret = tap_fail("rmdir %s: %s", dir, errname(-errno));
	return ret;
}

char *mountinfo_read(void)
{
	size_t size = 0, cap = 16384;
	char *buf = malloc(cap), *bigger;
	ssize_t n;
	int fd;

	fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || !buf) {
		tap_diag("read /proc/self/mountinfo: %s", errname(fd < 0 ? -errno : -ENOMEM));
		free(buf);
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	while ((n = read(fd, buf + size, cap - size - 1)) > 0) {
		size += n;
		if (cap - size > 1)
			continue;
		bigger = realloc(buf, cap * 2);
		if (!bigger)
			break;
		buf = bigger;
		cap *= 2;
	}
	close(fd);
	buf[size] = '\0';
	return buf;
}

/* One mountinfo line: its id, mount point and filesystem type, NUL-terminated. */
struct mi_entry {
	unsigned long id;
	char point[256];
	char fstype[64];
};

static const char *mi_parse(const char *p, struct mi_entry *e)
{
	const char *end = strchrnul(p, '\n'), *sep;
	int i;

	memset(e, 0, sizeof(*e));
	e->id = strtoul(p, NULL, 10);
	/* Fields: id parent maj:min root point options [optional...] - fstype source super */
	for (i = 0; i < 4 && p < end; i++)
		p = strchrnul(p, ' ') + 1;
	if (p < end)
		snprintf(e->point, sizeof(e->point), "%.*s", (int)(strchrnul(p, ' ') - p), p);
	sep = memmem(p, end - p, " - ", 3);
	if (sep)
		snprintf(e->fstype, sizeof(e->fstype), "%.*s",
			 (int)(strchrnul(sep + 3, ' ') - (sep + 3)), sep + 3);
	return *end ? end + 1 : end;
}

static bool mi_has_id(const char *text, unsigned long id)
{
	struct mi_entry e;

	while (*text) {
		text = mi_parse(text, &e);
		if (e.id == id)
			return true;
	}
	return false;
}

void mountinfo_added(const char *before, const char *after, char *buf, size_t size)
{
	struct mi_entry e;
	size_t len = 0;

	buf[0] = '\0';
	while (*after) {
		after = mi_parse(after, &e);
		if (mi_has_id(before, e.id) || len >= size)
			continue;
		len += snprintf(buf + len, size - len, "%s%s:%s", len ? " " : "", e.fstype,
				e.point);
	}
}

int mountinfo_line(const char *mountpoint, char *line, size_t size)
{
	char *text = mountinfo_read();
	const char *p, *next;
	struct mi_entry e;
	int found = -ENOENT;

	if (!text)
		return -EIO;
	for (p = text; *p; p = next) {
		next = mi_parse(p, &e);
		if (strcmp(e.point, mountpoint))
			continue;
		snprintf(line, size, "%.*s", (int)(strchrnul(p, '\n') - p), p);
		found = 0;
	}
	free(text);
	return found;
}

void umount_below(const char *prefix)
{
	size_t len = strlen(prefix);
	char last[256];
	int tries;

	for (tries = 0; tries < 64; tries++) {
		char *text = mountinfo_read();
		const char *p;
		struct mi_entry e;

		if (!text)
			return;
		last[0] = '\0';
		for (p = text; *p;) {
			p = mi_parse(p, &e);
			if (!strncmp(e.point, prefix, len) &&
			    (e.point[len] == '\0' || e.point[len] == '/'))
				snprintf(last, sizeof(last), "%s", e.point);
		}
		free(text);
		if (!last[0])
			return;
		if (umount2(last, MNT_DETACH)) {
			tap_diag("cleanup: umount %s: %s", last, errname(-errno));
			return;
		}
	}
}

int run_tool(const char *const argv[])
{
	char buf[4096], *line, *nl;
	int out[2], status;
	ssize_t n, len = 0;
	pid_t pid;

	if (access("/bin/cgfence", X_OK))
		return tap_fail("/bin/cgfence is not in the image (build/cgfence-static)");
	if (pipe2(out, O_CLOEXEC))
		return tap_fail("pipe: %s", errname(-errno));
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return tap_fail("fork: %s", errname(-errno));
	if (pid == 0) {
		dup2(out[1], 1);
		dup2(out[1], 2);
		execv("/bin/cgfence", (char *const *)argv);
		_exit(127);
	}
	close(out[1]);
	while (len < (ssize_t)sizeof(buf) - 1 &&
	       (n = read(out[0], buf + len, sizeof(buf) - 1 - len)) > 0)
		len += n;
	buf[len] = '\0';
	close(out[0]);
	if (waitpid(pid, &status, 0) != pid)
		return tap_fail("waitpid: %s", errname(-errno));
	for (line = buf; *line; line = nl) {
		nl = strchrnul(line, '\n');
		if (*nl)
			*nl++ = '\0';
		tap_diag("cgfence %s: %s", argv[1], line);
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The one retry loop: @b set runs @fn under run_confined(), else in cgroup @dir itself. */
static int klog_retry(const struct box *b, const char *dir, int (*pre)(void *arg),
		      int (*fn)(void *arg), void *arg, const char *verdict, const char *profile,
		      __u32 rule, const char *object)
{
	char mark[96], line[512], want_verdict[96], want_profile[96], want_rule[32];
	char want_object[320];
	int tries, found;

	snprintf(want_verdict, sizeof(want_verdict), "cgfence: %s ", verdict);
	snprintf(want_profile, sizeof(want_profile), "profile=%s ", profile);
	snprintf(want_rule, sizeof(want_rule), "rule=%u ", rule);
	/* "object=" is on every line: no object asked for, no constraint. */
	snprintf(want_object, sizeof(want_object), object ? "object=\"%s\"" : "object=", object);
	for (tries = 0; tries < 30; tries++) {
		found = klog_mark(mark, sizeof(mark));
		if (found)
			return tap_fail("write a mark to /dev/kmsg: %s", errname(found));
		if (b ? run_confined(b, pre, fn, arg) : run_in_cgroup(dir, pre, fn, arg))
			return -1;
		found = klog_find(mark, line, sizeof(line), want_verdict, want_profile, want_rule,
				  want_object, NULL);
		if (found == 1) {
			tap_diag("kernel log: %s", line);
			return 0;
		}
		/* -ENOENT: the mark itself is not in the log (yet); try again like a miss. */
		if (found < 0 && found != -ENOENT)
			return tap_fail("read the kernel log after the mark: %s", errname(found));
		usleep(300000);
	}
	return tap_fail("no kernel log line with \"%s\" %s%s%s in 30 tries", want_verdict,
			want_profile, want_rule, object ? want_object : "");
}

int expect_klog(const struct box *b, int (*pre)(void *arg), int (*fn)(void *arg), void *arg,
		const char *verdict, const char *profile, __u32 rule, const char *object)
{
	return klog_retry(b, NULL, pre, fn, arg, verdict, profile, rule, object);
}

int expect_klog_in(const char *dir, int (*pre)(void *arg), int (*fn)(void *arg), void *arg,
		   const char *verdict, const char *profile, __u32 rule, const char *object)
{
	return klog_retry(NULL, dir, pre, fn, arg, verdict, profile, rule, object);
}

int stock_module_load(const char *name)
{
	char path[128], sys[128];
	struct stat st;
	int fd, err = 0;

	snprintf(sys, sizeof(sys), "/sys/module/%s", name);
	if (stat(sys, &st) == 0)
		return 1;
	snprintf(path, sizeof(path), E2E_MODULES "/%s.ko", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	if (syscall(SYS_finit_module, fd, "", 0) && errno != EEXIST)
		err = tap_fail("finit_module %s: %s", path, errname(-errno));
	close(fd);
	return err ? -1 : 1;
}

int box_make_shipped(struct box *b, const char *sub, const char *profile)
{
	char file[128], self[200];
	const char *const load[] = { "cgfence", "load", file, NULL };
	struct cgf_conn c;
	int err;

	memset(b, 0, sizeof(*b));
	snprintf(file, sizeof(file), "/e2e/policy/%s.cgf", profile);
	if (run_tool(load))
		return tap_fail("cgfence load %s failed", file);
	/* box_drop() undoes it: the profile is loaded, attach it to a new cgroup. */
	snprintf(b->profile, sizeof(b->profile), "%s", profile);
	b->loaded = true;
	if (cgroup_self_dir(self, sizeof(self)))
		return -1;
	snprintf(b->dir, sizeof(b->dir), "%s/%s", self, sub);
	if (mkdir(b->dir, 0755))
		return tap_fail("mkdir %s: %s", b->dir, errname(-errno));
	b->created = true;
	b->id = cgroup_id_of(b->dir);
	if (cgf_conn_open(&c))
		return -1;
	err = cgf_attach(&c, b->id, profile);
	cgf_conn_close(&c);
	if (expect_err("ATTACH", err, 0))
		return -1;
	b->attached = true;
	return 0;
}

int pre_devpts(void *arg)
{
	(void)arg;
	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return tap_fail("private mount namespace: %s", errname(-errno));
	if (mount("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, "ptmxmode=0666,mode=0620"))
		return tap_fail("mount devpts: %s", errname(-errno));
	return 0;
}

int case_cgfence_insmod(void *arg)
{
	(void)arg;
	return expect_err("insmod cgfence.ko", cgf_load(), 0);
}

int case_cgfence_rmmod(void *arg)
{
	(void)arg;
	return expect_err("rmmod cgfence", cgf_unload(), 0);
}

int cgf_denials_group(void)
{
	const struct nlattr *tb[CTRL_ATTR_MAX + 1], *grp, *a;
	static struct genl_reply reply;
	char name[32];
	unsigned int unknown, off, aoff;
	struct genl_sock s;
	struct genl_msg m;
	__u32 gid, id = 0;
	const char *groups;
	int err;

	if (genl_open(&s))
		return tap_fail("netlink socket: %s", errname(-errno));
	genl_msg_init(&m, GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_ACK, CTRL_CMD_GETFAMILY, 1);
	genl_put_str(&m, CTRL_ATTR_FAMILY_NAME, CGFENCE_GENL_NAME);
	err = genl_transact(&s, &m, &reply);
	genl_close(&s);
	if (err || genl_parse(&reply.nlh, tb, CTRL_ATTR_MAX, &unknown) < 0 ||
	    !tb[CTRL_ATTR_MCAST_GROUPS])
		return tap_fail("CTRL_CMD_GETFAMILY: no multicast groups (%s)", errname(err));
	groups = genl_attr_data(tb[CTRL_ATTR_MCAST_GROUPS]);
	for (off = 0; off + NLA_HDRLEN <= genl_attr_len(tb[CTRL_ATTR_MCAST_GROUPS]);
	     off += NLA_ALIGN(grp->nla_len)) {
		grp = (const struct nlattr *)(groups + off);
		if (grp->nla_len < NLA_HDRLEN)
			break;
		name[0] = '\0';
		gid = 0;
		for (aoff = NLA_HDRLEN; aoff + NLA_HDRLEN <= grp->nla_len;
		     aoff += NLA_ALIGN(a->nla_len)) {
			a = (const struct nlattr *)((const char *)grp + aoff);
			if (a->nla_len < NLA_HDRLEN)
				break;
			if ((a->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_MCAST_GRP_NAME &&
			    genl_attr_len(a) <= sizeof(name))
				snprintf(name, sizeof(name), "%.*s", (int)genl_attr_len(a),
					 (const char *)genl_attr_data(a));
			if ((a->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_MCAST_GRP_ID &&
			    genl_attr_len(a) == sizeof(__u32))
				memcpy(&gid, genl_attr_data(a), sizeof(gid));
		}
		if (!strcmp(name, CGFENCE_MCGRP_DENIALS))
			id = gid;
	}
	return id ? (int)id : tap_fail("no multicast group \"%s\"", CGFENCE_MCGRP_DENIALS);
}

bool kernel_at_least(int major, int minor)
{
	struct utsname u;
	int ma = 0, mi = 0;

	if (uname(&u) || sscanf(u.release, "%d.%d", &ma, &mi) != 2)
		return false;
	return ma > major || (ma == major && mi >= minor);
}
