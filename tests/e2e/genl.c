// SPDX-License-Identifier: GPL-2.0
/* Minimal raw generic netlink client for the e2e tests (see genl.h). */

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "genl.h"
#include "tap.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

int genl_open(struct genl_sock *s)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct timeval tv = { .tv_sec = 5 };
	int one = 1;

	s->seq = 1;
	s->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (s->fd < 0)
		return -errno;
	/* Extended ACK: the kernel says why it refused; capped: it does not echo our request. */
	if (setsockopt(s->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one)) ||
	    setsockopt(s->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one)) ||
	    setsockopt(s->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    bind(s->fd, (struct sockaddr *)&sa, sizeof(sa))) {
		int err = -errno;

		close(s->fd);
		s->fd = -1;
		return err;
	}
	return 0;
}

void genl_close(struct genl_sock *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

void genl_msg_init(struct genl_msg *m, __u16 type, __u16 flags, __u8 cmd, __u8 version)
{
	struct genlmsghdr *g;

	memset(m, 0, sizeof(*m));
	m->nlh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	m->nlh.nlmsg_type = type;
	m->nlh.nlmsg_flags = flags;
	g = genl_msg_genlhdr(m);
	g->cmd = cmd;
	g->version = version;
}

struct genlmsghdr *genl_msg_genlhdr(struct genl_msg *m)
{
	return NLMSG_DATA(&m->nlh);
}

int genl_put(struct genl_msg *m, __u16 type, const void *data, size_t len)
{
	size_t off = NLMSG_ALIGN(m->nlh.nlmsg_len);
	struct nlattr *a;

	if (off + NLA_HDRLEN + NLA_ALIGN(len) > sizeof(m->buf))
		return -EMSGSIZE;
	a = (struct nlattr *)(m->buf + off);
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy(genl_attr_data(a), data, len);
	memset((char *)genl_attr_data(a) + len, 0, NLA_ALIGN(len) - len);
	m->nlh.nlmsg_len = off + NLA_HDRLEN + NLA_ALIGN(len);
	return 0;
}

int genl_put_u32(struct genl_msg *m, __u16 type, __u32 v)
{
	return genl_put(m, type, &v, sizeof(v));
}

int genl_put_str(struct genl_msg *m, __u16 type, const char *s)
{
	return genl_put(m, type, s, strlen(s) + 1);
}

int genl_put_u8(struct genl_msg *m, __u16 type, __u8 v)
{
	return genl_put(m, type, &v, sizeof(v));
}

int genl_put_u64(struct genl_msg *m, __u16 type, __u64 v)
{
	return genl_put(m, type, &v, sizeof(v));
}

int genl_put_flag(struct genl_msg *m, __u16 type)
{
	return genl_put(m, type, NULL, 0);
}

size_t genl_nest_start(struct genl_msg *m, __u16 type)
{
	size_t off = NLMSG_ALIGN(m->nlh.nlmsg_len);

	if (genl_put(m, type | NLA_F_NESTED, NULL, 0))
		return 0;
	return off;
}

void genl_nest_end(struct genl_msg *m, size_t nest)
{
	struct nlattr *a = (struct nlattr *)(m->buf + nest);

	a->nla_len = m->nlh.nlmsg_len - nest;
}

/* The TLVs after a struct nlmsgerr: with NLM_F_CAPPED only the request's header is echoed. */
static void parse_extack(const struct nlmsghdr *nlh, struct genl_reply *r)
{
	const struct nlmsgerr *e = NLMSG_DATA(nlh);
	size_t off = NLMSG_HDRLEN + sizeof(*e);
	const struct nlattr *a;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += NLMSG_ALIGN(e->msg.nlmsg_len - NLMSG_HDRLEN);
	off = NLMSG_ALIGN(off);
	while (off + NLA_HDRLEN <= nlh->nlmsg_len) {
		a = (const struct nlattr *)((const char *)nlh + off);
		if (a->nla_len < NLA_HDRLEN || off + a->nla_len > nlh->nlmsg_len)
			break;
		if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG) {
			size_t n = genl_attr_len(a);

			if (n >= sizeof(r->extack))
				n = sizeof(r->extack) - 1;
			memcpy(r->extack, genl_attr_data(a), n);
			r->extack[n] = '\0';
		}
		off += NLA_ALIGN(a->nla_len);
	}
}

/* Returns 1 once the ack (or error) for @seq arrived, 0 to read on, -errno on a bad message. */
static int handle_msg(const struct nlmsghdr *nlh, __u32 seq, struct genl_reply *r)
{
	const struct nlmsgerr *e;

	if (nlh->nlmsg_seq != seq)
		return 0;
	switch (nlh->nlmsg_type) {
	case NLMSG_ERROR:
		if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
			return -EPROTO;
		e = NLMSG_DATA(nlh);
		r->error = e->error;
		parse_extack(nlh, r);
		return 1;
	case NLMSG_DONE:
		return 1;
	default:
		if (r->n_msgs++ == 0 && nlh->nlmsg_len <= sizeof(r->buf))
			memcpy(r->buf, nlh, nlh->nlmsg_len);
		return 0;
	}
}

/*
 * Receive buffers: a dump message may fill what the kernel sizes after our recv(). A
 * dump has its own, so a callback may send requests of its own while it runs.
 */
static char rx_buf[65536] __attribute__((aligned(NLMSG_ALIGNTO)));
static char dump_rx_buf[65536] __attribute__((aligned(NLMSG_ALIGNTO)));

/* Sends @len bytes of @m; reads until the answer to its sequence number. */
static int transact(struct genl_sock *s, struct genl_msg *m, size_t len, struct genl_reply *r,
		    bool quiet_timeout)
{
	struct nlmsghdr *nlh;
	__u32 seq = s->seq++;
	ssize_t n;
	int ret;

	memset(r, 0, sizeof(*r));
	m->nlh.nlmsg_seq = seq;
	/*
	 * No destination address: the kernel is the default peer, and an explicit address
	 * would set NETLINK_SKB_DST, which makes netlink_capable() skip its check of the
	 * socket's opener. Tests must see the check a write() on a passed fd gets.
	 */
	if (send(s->fd, m->buf, len, 0) < 0) {
		ret = -errno;
		tap_diag("netlink send: %s", strerror(errno));
		return ret;
	}
	for (;;) {
		n = recv(s->fd, rx_buf, sizeof(rx_buf), 0);
		if (n < 0) {
			ret = errno == EAGAIN ? -ETIMEDOUT : -errno;
			if (!(quiet_timeout && ret == -ETIMEDOUT))
				tap_diag("netlink recv: %s", strerror(-ret));
			return ret;
		}
		for (nlh = (struct nlmsghdr *)rx_buf; NLMSG_OK(nlh, n); nlh = NLMSG_NEXT(nlh, n)) {
			ret = handle_msg(nlh, seq, r);
			if (ret < 0) {
				tap_diag("netlink: malformed message of type %u", nlh->nlmsg_type);
				return ret;
			}
			if (ret)
				return r->error;
		}
	}
}

int genl_transact(struct genl_sock *s, struct genl_msg *m, struct genl_reply *r)
{
	return transact(s, m, m->nlh.nlmsg_len, r, false);
}

int genl_transact_len(struct genl_sock *s, struct genl_msg *m, size_t len,
		      struct genl_reply *r)
{
	return transact(s, m, len, r, true);
}

int genl_set_timeout(struct genl_sock *s, unsigned int ms)
{
	struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };

	return setsockopt(s->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ? -errno : 0;
}

/* NLMSG_DONE of a dump carries an int status and, like an error, extack TLVs. */
static int dump_done(const struct nlmsghdr *nlh, struct genl_reply *r)
{
	const int *status = NLMSG_DATA(nlh);
	size_t off = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(int));
	const struct nlattr *a;

	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(int)))
		return 0;
	r->error = *status;
	while ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) && off + NLA_HDRLEN <= nlh->nlmsg_len) {
		a = (const struct nlattr *)((const char *)nlh + off);
		if (a->nla_len < NLA_HDRLEN || off + a->nla_len > nlh->nlmsg_len)
			break;
		if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG)
			snprintf(r->extack, sizeof(r->extack), "%.*s", (int)genl_attr_len(a),
				 (const char *)genl_attr_data(a));
		off += NLA_ALIGN(a->nla_len);
	}
	return r->error;
}

int genl_dump(struct genl_sock *s, struct genl_msg *m, struct genl_reply *r,
	      genl_dump_cb cb, void *arg)
{
	struct nlmsghdr *nlh;
	__u32 seq = s->seq++;
	int ret, cb_ret = 0;
	ssize_t n;

	memset(r, 0, sizeof(*r));
	m->nlh.nlmsg_seq = seq;
	m->nlh.nlmsg_flags |= NLM_F_DUMP;
	if (send(s->fd, m->buf, m->nlh.nlmsg_len, 0) < 0) {
		ret = -errno;
		tap_diag("netlink send: %s", strerror(errno));
		return ret;
	}
	for (;;) {
		n = recv(s->fd, dump_rx_buf, sizeof(dump_rx_buf), 0);
		if (n < 0) {
			ret = errno == EAGAIN ? -ETIMEDOUT : -errno;
			tap_diag("netlink recv (dump): %s", strerror(-ret));
			return ret;
		}
		for (nlh = (struct nlmsghdr *)dump_rx_buf; NLMSG_OK(nlh, n); nlh = NLMSG_NEXT(nlh, n)) {
			if (nlh->nlmsg_seq != seq)
				continue;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(struct nlmsgerr)))
					return -EPROTO;
				r->error = ((const struct nlmsgerr *)NLMSG_DATA(nlh))->error;
				parse_extack(nlh, r);
				return r->error;
			}
			if (nlh->nlmsg_type == NLMSG_DONE) {
				ret = dump_done(nlh, r);
				return ret ? ret : cb_ret;
			}
			r->n_msgs++;
			if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
				r->dump_intr = 1;
			/* Read on to the end even after a callback failed: the socket stays usable. */
			if (!cb_ret && cb)
				cb_ret = cb(nlh, arg);
		}
	}
}

int genl_resolve(struct genl_sock *s, const char *name, struct genl_family_info *info)
{
	const struct nlattr *tb[CTRL_ATTR_MAX + 1];
	static struct genl_reply r;
	struct genl_msg m;
	unsigned int unknown;
	int err;

	genl_msg_init(&m, GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_ACK, CTRL_CMD_GETFAMILY, 1);
	genl_put_str(&m, CTRL_ATTR_FAMILY_NAME, name);
	err = genl_transact(s, &m, &r);
	if (err)
		return err;
	if (r.n_msgs != 1 || genl_parse(&r.nlh, tb, CTRL_ATTR_MAX, &unknown) < 0 ||
	    !tb[CTRL_ATTR_FAMILY_ID] || genl_attr_len(tb[CTRL_ATTR_FAMILY_ID]) != 2) {
		tap_diag("CTRL_CMD_GETFAMILY %s: unexpected answer", name);
		return -EPROTO;
	}
	memset(info, 0, sizeof(*info));
	info->id = *(__u16 *)genl_attr_data(tb[CTRL_ATTR_FAMILY_ID]);
	if (tb[CTRL_ATTR_VERSION])
		info->version = *(__u32 *)genl_attr_data(tb[CTRL_ATTR_VERSION]);
	if (tb[CTRL_ATTR_HDRSIZE])
		info->hdrsize = *(__u32 *)genl_attr_data(tb[CTRL_ATTR_HDRSIZE]);
	if (tb[CTRL_ATTR_MAXATTR])
		info->maxattr = *(__u32 *)genl_attr_data(tb[CTRL_ATTR_MAXATTR]);
	return 0;
}

int genl_parse(const struct nlmsghdr *nlh, const struct nlattr **tb, unsigned int maxtype,
	       unsigned int *unknown)
{
	size_t off = NLMSG_HDRLEN + GENL_HDRLEN;
	const struct nlattr *a;
	unsigned int type;
	int count = 0;

	memset(tb, 0, (maxtype + 1) * sizeof(*tb));
	*unknown = 0;
	if (nlh->nlmsg_len < off)
		return -EINVAL;
	while (off + NLA_HDRLEN <= nlh->nlmsg_len) {
		a = (const struct nlattr *)((const char *)nlh + off);
		if (a->nla_len < NLA_HDRLEN || off + a->nla_len > nlh->nlmsg_len)
			return -EINVAL;
		type = a->nla_type & NLA_TYPE_MASK;
		if (type > maxtype) {
			*unknown = type;
		} else {
			if (tb[type])
				return -EINVAL;
			tb[type] = a;
		}
		count++;
		off += NLA_ALIGN(a->nla_len);
	}
	return off == NLMSG_ALIGN(nlh->nlmsg_len) ? count : -EINVAL;
}
