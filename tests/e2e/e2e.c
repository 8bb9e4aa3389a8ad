// SPDX-License-Identifier: GPL-2.0
/* Guest-side helpers for the e2e tests (see e2e.h). */

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
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
