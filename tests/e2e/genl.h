/* SPDX-License-Identifier: GPL-2.0 */
/* Minimal raw generic netlink client for the e2e tests: no libnl, every byte is the test's. */
#ifndef _CGFENCE_E2E_GENL_H
#define _CGFENCE_E2E_GENL_H

#include <stddef.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/types.h>

#define GENL_BUF_SIZE	16384
/* Outgoing messages: big enough for about a thousand rules in one PROFILE_ADD. */
#define GENL_MSG_SIZE	65536

struct genl_sock {
	int fd;
	__u32 seq;
};

/* An outgoing message; the tests may poke any header field before sending. */
struct genl_msg {
	union {
		struct nlmsghdr nlh;
		char buf[GENL_MSG_SIZE];
	};
};

/* What the kernel answered to one request. */
struct genl_reply {
	int error;			/* 0 or -errno from NLMSG_ERROR */
	char extack[256];		/* NLMSGERR_ATTR_MSG, "" if none */
	unsigned int n_msgs;		/* data messages before the ack */
	int dump_intr;			/* genl_dump(): some message had NLM_F_DUMP_INTR */
	union {
		struct nlmsghdr nlh;	/* the first data message */
		char buf[GENL_BUF_SIZE];
	};
};

struct genl_family_info {
	__u16 id;
	__u32 version;
	__u32 hdrsize;
	__u32 maxattr;
};

int genl_open(struct genl_sock *s);
void genl_close(struct genl_sock *s);

void genl_msg_init(struct genl_msg *m, __u16 type, __u16 flags, __u8 cmd, __u8 version);
struct genlmsghdr *genl_msg_genlhdr(struct genl_msg *m);
int genl_put(struct genl_msg *m, __u16 type, const void *data, size_t len);
int genl_put_u32(struct genl_msg *m, __u16 type, __u32 v);
int genl_put_str(struct genl_msg *m, __u16 type, const char *s);
int genl_put_u8(struct genl_msg *m, __u16 type, __u8 v);
int genl_put_u64(struct genl_msg *m, __u16 type, __u64 v);
int genl_put_flag(struct genl_msg *m, __u16 type);

/*
 * Nested attributes: genl_nest_start() returns the nest's offset (0 when the message is
 * full) and sets NLA_F_NESTED, which strict validation demands; genl_nest_end() closes it.
 */
size_t genl_nest_start(struct genl_msg *m, __u16 type);
void genl_nest_end(struct genl_msg *m, size_t nest);

/*
 * Sends @m (sequence number filled in) and reads until its NLMSG_ERROR/ack.
 * Returns the kernel's answer (0 or -errno, also in r->error), or -ETIMEDOUT/-EPROTO
 * when the socket itself misbehaves (a diagnostic is printed).
 */
int genl_transact(struct genl_sock *s, struct genl_msg *m, struct genl_reply *r);

/*
 * Sends the first @len bytes of @m whatever nlmsg_len says (for truncated headers) and
 * waits for an answer like genl_transact(), but a missing answer is -ETIMEDOUT without
 * a diagnostic: the kernel drops some malformed messages silently.
 */
int genl_transact_len(struct genl_sock *s, struct genl_msg *m, size_t len,
		      struct genl_reply *r);

/* SO_RCVTIMEO of the socket (5 s after genl_open()). */
int genl_set_timeout(struct genl_sock *s, unsigned int ms);

/*
 * A dump: sends @m (NLM_F_DUMP is added) and calls @cb for every data message until
 * NLMSG_DONE. Returns 0, the kernel's -errno (extack in r->extack), the first non-zero
 * value of @cb, or -ETIMEDOUT/-EPROTO. r->n_msgs counts the messages, r->dump_intr
 * says whether any carried NLM_F_DUMP_INTR; r->buf is not used.
 */
typedef int (*genl_dump_cb)(const struct nlmsghdr *nlh, void *arg);
int genl_dump(struct genl_sock *s, struct genl_msg *m, struct genl_reply *r,
	      genl_dump_cb cb, void *arg);

/* CTRL_CMD_GETFAMILY: 0 and @info filled, or the kernel's -errno (-ENOENT: no such family). */
int genl_resolve(struct genl_sock *s, const char *name, struct genl_family_info *info);

/*
 * Indexes the attributes after the genl header of @nlh into @tb[0..@maxtype].
 * Returns the number of attributes, or -EINVAL for a malformed message or an attribute
 * that appears twice. *@unknown is the type of an attribute above @maxtype, 0 if none.
 */
int genl_parse(const struct nlmsghdr *nlh, const struct nlattr **tb, unsigned int maxtype,
	       unsigned int *unknown);

static inline void *genl_attr_data(const struct nlattr *a)
{
	return (char *)a + NLA_HDRLEN;
}

static inline unsigned int genl_attr_len(const struct nlattr *a)
{
	return a->nla_len - NLA_HDRLEN;
}

#endif /* _CGFENCE_E2E_GENL_H */
