// SPDX-License-Identifier: GPL-2.0
/* Generic netlink transport to the cgfence family: requests, replies, kernel error messages. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>

#include <netlink/attr.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/handlers.h>
#include <netlink/socket.h>

#include "cgfence.h"
#include "nl.h"
#include "util.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

struct cgf_req {
	cgf_nl_handler handler;
	void *arg;
	int err;
	bool done;
	char *errmsg;
	size_t len;
	long *offset;
	bool dump_intr;
};

static void set_errmsg(char *buf, size_t len, const char *msg)
{
	if (len)
		snprintf(buf, len, "%s", msg);
}

int cgf_nle_to_errno(int nle)
{
	static const int map[][2] = {
		{ NLE_INTR, EINTR },
		{ NLE_BAD_SOCK, EBADF },
		{ NLE_AGAIN, EAGAIN },
		{ NLE_NOMEM, ENOMEM },
		{ NLE_EXIST, EEXIST },
		{ NLE_INVAL, EINVAL },
		{ NLE_RANGE, ERANGE },
		{ NLE_MSGSIZE, EMSGSIZE },
		{ NLE_OPNOTSUPP, EOPNOTSUPP },
		{ NLE_AF_NOSUPPORT, EAFNOSUPPORT },
		{ NLE_OBJ_NOTFOUND, ENOENT },
		{ NLE_SEQ_MISMATCH, EPROTO },
		{ NLE_MSG_OVERFLOW, ENOBUFS },
		{ NLE_MSG_TRUNC, EMSGSIZE },
		{ NLE_MSG_TOOSHORT, EBADMSG },
		{ NLE_BUSY, EBUSY },
		{ NLE_PROTO_MISMATCH, EPROTONOSUPPORT },
		{ NLE_NOACCESS, EACCES },
		{ NLE_PERM, EPERM },
		{ NLE_NODEV, ENODEV },
		/* The kernel changed what it was dumping: the caller may retry. */
		{ NLE_DUMP_INTR, EAGAIN },
	};
	size_t i;

	if (nle < 0)
		nle = -nle;
	if (nle == 0)
		return 0;
	for (i = 0; i < ARRAY_SIZE(map); i++)
		if (map[i][0] == nle)
			return -map[i][1];
	return -EIO;
}

static int extack_tlvs(const struct nlmsghdr *nlh, char *buf, size_t len, long *offset,
		       bool *has_msg)
{
	static const struct nla_policy policy[NLMSGERR_ATTR_MAX + 1] = {
		[NLMSGERR_ATTR_MSG] = { .type = NLA_STRING },
		[NLMSGERR_ATTR_OFFS] = { .type = NLA_U32, .minlen = 4, .maxlen = 4 },
	};
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t total = nlh->nlmsg_len;
	size_t hlen;

	set_errmsg(buf, len, "");
	*has_msg = false;
	if (offset)
		*offset = -1;
	if (total < NLMSG_HDRLEN)
		return -EBADMSG;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return -ENOENT;

	if (nlh->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = NLMSG_DATA(nlh);

		if (total < NLMSG_LENGTH(sizeof(*e)))
			return -EBADMSG;
		hlen = sizeof(*e);
		/* Without NLM_F_CAPPED the whole request is echoed before the TLVs. */
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
			if (e->msg.nlmsg_len < NLMSG_HDRLEN)
				return -EBADMSG;
			hlen += e->msg.nlmsg_len - NLMSG_HDRLEN;
		}
	} else if (nlh->nlmsg_type == NLMSG_DONE) {
		hlen = sizeof(int);
	} else {
		return -ENOENT;
	}

	hlen = NLMSG_ALIGN(hlen);
	if (hlen > total - NLMSG_HDRLEN)
		return -EBADMSG;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)((char *)NLMSG_DATA(nlh) + hlen),
		      (int)(total - NLMSG_HDRLEN - hlen), policy) < 0)
		return -EBADMSG;
	if (tb[NLMSGERR_ATTR_MSG])
		set_errmsg(buf, len, nla_get_string(tb[NLMSGERR_ATTR_MSG]));
	if (tb[NLMSGERR_ATTR_OFFS] && offset)
		*offset = nla_get_u32(tb[NLMSGERR_ATTR_OFFS]);
	*has_msg = tb[NLMSGERR_ATTR_MSG];
	return tb[NLMSGERR_ATTR_MSG] || tb[NLMSGERR_ATTR_OFFS] ? 0 : -ENOENT;
}

int cgf_nl_extack_parse(const struct nlmsghdr *nlh, char *buf, size_t len, long *offset)
{
	bool has_msg;

	return extack_tlvs(nlh, buf, len, offset, &has_msg);
}

int cgf_nl_extack_msg(const struct nlmsghdr *nlh, char *buf, size_t len)
{
	bool has_msg = false;
	int rc = extack_tlvs(nlh, buf, len, NULL, &has_msg);

	/* An offset alone is no message. */
	return rc ? rc : has_msg ? 0 : -ENOENT;
}

static int req_valid(struct nl_msg *msg, void *arg)
{
	struct cgf_req *req = arg;
	int err;

	/* After a failure keep reading, so the final ACK does not linger on the socket. */
	if (!req->handler || req->err)
		return NL_OK;
	err = req->handler(msg, req->arg);
	if (err) {
		req->err = err < 0 ? err : -err;
		set_errmsg(req->errmsg, req->len, "");
	}
	return NL_OK;
}

static int req_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	/* libnl hands over the payload only; the TLVs need the whole message. */
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	struct cgf_req *req = arg;

	(void)nla;
	req->done = true;
	if (!req->err) {
		req->err = e->error < 0 ? e->error : -e->error;
		cgf_nl_extack_parse(nlh, req->errmsg, req->len, req->offset);
	}
	return NL_STOP;
}

static int req_ack(struct nl_msg *msg, void *arg)
{
	struct cgf_req *req = arg;

	(void)msg;
	req->done = true;
	return NL_STOP;
}

static int req_finish(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct cgf_req *req = arg;
	int done_err = 0;

	req->done = true;
	/* A dump that failed part-way reports its errno in NLMSG_DONE. */
	if (nlmsg_datalen(nlh) >= (int)sizeof(int))
		memcpy(&done_err, nlmsg_data(nlh), sizeof(done_err));
	if (done_err < 0 && !req->err) {
		req->err = done_err;
		cgf_nl_extack_parse(nlh, req->errmsg, req->len, req->offset);
	}
	return NL_STOP;
}

/* Noted, not fatal: the caller decides whether to retry the whole dump. */
static int req_dump_intr(struct nl_msg *msg, void *arg)
{
	struct cgf_req *req = arg;

	(void)msg;
	req->dump_intr = true;
	return NL_OK;
}

static int request(struct cgf_nl *nl, struct nl_msg *msg, cgf_nl_handler handler, void *arg,
		   char *errmsg, size_t len, long *offset, bool *dump_intr)
{
	struct cgf_req req = {
		.handler = handler,
		.arg = arg,
		.errmsg = errmsg,
		.len = len,
		.offset = offset,
	};
	struct nl_cb *cb;
	int rc;

	set_errmsg(errmsg, len, "");
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, req_valid, &req);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, req_ack, &req);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, req_finish, &req);
	nl_cb_set(cb, NL_CB_DUMP_INTR, NL_CB_CUSTOM, req_dump_intr, &req);
	nl_cb_err(cb, NL_CB_CUSTOM, req_error, &req);

	rc = nl_send_auto(nl->sk, msg);
	nlmsg_free(msg);
	if (rc < 0) {
		req.err = cgf_nle_to_errno(rc);
		set_errmsg(errmsg, len, nl_geterror(rc));
		goto out;
	}

	while (!req.done) {
		rc = nl_recvmsgs_report(nl->sk, cb);
		if (req.done)
			break;
		if (rc == 0) {
			req.err = -EPIPE;
			set_errmsg(errmsg, len, "the kernel closed the netlink socket");
			break;
		}
		if (rc < 0) {
			req.err = cgf_nle_to_errno(rc);
			set_errmsg(errmsg, len, nl_geterror(rc));
			break;
		}
	}
out:
	nl_cb_put(cb);
	if (dump_intr)
		*dump_intr = req.dump_intr;
	return req.err;
}

int cgf_nl_request(struct cgf_nl *nl, struct nl_msg *msg, cgf_nl_handler handler, void *arg,
		   char *errmsg, size_t len)
{
	return request(nl, msg, handler, arg, errmsg, len, NULL, NULL);
}

int cgf_nl_request_ack(struct cgf_nl *nl, struct nl_msg *msg, cgf_nl_handler handler, void *arg,
		       struct cgf_nl_ack *ack)
{
	ack->offset = -1;
	ack->dump_intr = false;
	return request(nl, msg, handler, arg, ack->msg, sizeof(ack->msg), &ack->offset,
		       &ack->dump_intr);
}

struct nl_msg *cgf_genl_msg(int family, uint8_t cmd, int flags, size_t payload)
{
	struct nl_msg *msg;

	msg = payload ? nlmsg_alloc_size(NLMSG_HDRLEN + GENL_HDRLEN + payload) : nlmsg_alloc();
	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, flags, cmd,
			 CGFENCE_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

struct nl_msg *cgf_nl_msg(const struct cgf_nl *nl, uint8_t cmd, int flags)
{
	return cgf_genl_msg(nl->family, cmd, flags, 0);
}

int cgf_nl_open_family(struct cgf_nl *nl, const char *name, char *errmsg, size_t len)
{
	int one = 1;
	int rc;

	set_errmsg(errmsg, len, "");
	nl->family = -1;
	nl->sk = nl_socket_alloc();
	if (!nl->sk)
		return -ENOMEM;
	rc = genl_connect(nl->sk);
	if (rc < 0)
		goto fail;
	/*
	 * Ask for the kernel's explanation with every error, and for errors that
	 * do not echo our request back: policy chunks can be large.
	 * Kernels without these options still work, only less helpfully.
	 */
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	/* Replies can outgrow libnl's fixed default buffer (dumps of large profiles). */
	nl_socket_enable_msg_peek(nl->sk);

	rc = genl_ctrl_resolve(nl->sk, name);
	if (rc < 0)
		goto fail;
	nl->family = rc;
	return 0;
fail:
	set_errmsg(errmsg, len, nl_geterror(rc));
	cgf_nl_close(nl);
	return cgf_nle_to_errno(rc);
}

int cgf_nl_open(struct cgf_nl *nl, char *errmsg, size_t len)
{
	return cgf_nl_open_family(nl, CGFENCE_GENL_NAME, errmsg, len);
}

void cgf_nl_close(struct cgf_nl *nl)
{
	if (nl->sk)
		nl_socket_free(nl->sk);
	nl->sk = NULL;
	nl->family = -1;
}
