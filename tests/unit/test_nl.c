// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the netlink layer: extended ACK parsing, status replies, requests to nlctrl. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/socket.h>

#include "cgfence.h"
#include "nl.h"
#include "client.h"
#include "tap.h"

/* An NLMSG_ERROR as the kernel builds it; @echo bytes stand for the echoed request. */
static struct nl_msg *error_msg(int flags, int error, size_t echo)
{
	struct nl_msg *msg = nlmsg_alloc_simple(NLMSG_ERROR, flags);
	struct nlmsgerr e = { .error = error };
	char payload[64] = { 0 };

	e.msg.nlmsg_len = NLMSG_HDRLEN + echo;
	e.msg.nlmsg_type = 0x1234;
	nlmsg_append(msg, &e, sizeof(e), 0);
	if (echo)
		nlmsg_append(msg, payload, echo, NLMSG_ALIGNTO);
	return msg;
}

static void test_extack(void)
{
	struct nl_msg *msg;
	char buf[CGF_ERRMSG_MAX];
	char small[8];
	int done_err = -EINVAL;
	struct nlattr *nla;

	msg = error_msg(NLM_F_ACK_TLVS | NLM_F_CAPPED, -EINVAL, 0);
	nla_put_string(msg, NLMSGERR_ATTR_MSG, "profile name too long");
	nla_put_u32(msg, NLMSGERR_ATTR_OFFS, 20);
	tap_is_int(cgf_nl_extack_msg(nlmsg_hdr(msg), buf, sizeof(buf)), 0,
		   "extack: capped error with a message is found");
	tap_is_str(buf, "profile name too long", "extack: capped error message text");
	tap_is_int(cgf_nl_extack_msg(nlmsg_hdr(msg), small, sizeof(small)), 0,
		   "extack: a short buffer still succeeds");
	tap_is_str(small, "profile", "extack: a short buffer gets a terminated prefix");
	nlmsg_free(msg);

	/* 12 bytes, not a multiple of 4 plus header: the echo is padded before the TLVs. */
	msg = error_msg(NLM_F_ACK_TLVS, -EPERM, 10);
	nla_put_string(msg, NLMSGERR_ATTR_MSG, "caller is confined");
	tap_is_int(cgf_nl_extack_msg(nlmsg_hdr(msg), buf, sizeof(buf)), 0,
		   "extack: uncapped error skips the echoed request");
	tap_is_str(buf, "caller is confined", "extack: uncapped error message text");
	nlmsg_free(msg);

	msg = error_msg(NLM_F_CAPPED, -EINVAL, 0);
	nla_put_string(msg, NLMSGERR_ATTR_MSG, "ignored without NLM_F_ACK_TLVS");
	strcpy(buf, "stale");
	tap_is_int(cgf_nl_extack_msg(nlmsg_hdr(msg), buf, sizeof(buf)), -ENOENT,
		   "extack: TLVs are ignored without NLM_F_ACK_TLVS");
	tap_is_str(buf, "", "extack: buffer is emptied when there is no message");
	nlmsg_free(msg);

	msg = error_msg(NLM_F_ACK_TLVS | NLM_F_CAPPED, -EINVAL, 0);
	nla_put_u32(msg, NLMSGERR_ATTR_OFFS, 20);
	tap_is_int(cgf_nl_extack_msg(nlmsg_hdr(msg), buf, sizeof(buf)), -ENOENT,
		   "extack: TLVs without a message attribute");
	nlmsg_free(msg);

	msg = error_msg(NLM_F_ACK_TLVS | NLM_F_CAPPED, -EINVAL, 0);
	nla = nla_reserve(msg, NLMSGERR_ATTR_MSG, 4);
	memcpy(nla_data(nla), "abcd", 4);
	tap_is_int(cgf_nl_extack_msg(nlmsg_hdr(msg), buf, sizeof(buf)), -EBADMSG,
		   "extack: an unterminated message is rejected");
	nlmsg_free(msg);

	/* An echo longer than the whole message must not send the parser past its end. */
	msg = error_msg(NLM_F_ACK_TLVS, -EINVAL, 0);
	((struct nlmsgerr *)nlmsg_data(nlmsg_hdr(msg)))->msg.nlmsg_len = 4096;
	tap_is_int(cgf_nl_extack_msg(nlmsg_hdr(msg), buf, sizeof(buf)), -EBADMSG,
		   "extack: an echo length beyond the message is rejected");
	nlmsg_free(msg);

	msg = nlmsg_alloc_simple(NLMSG_DONE, NLM_F_MULTI | NLM_F_ACK_TLVS);
	nlmsg_append(msg, &done_err, sizeof(done_err), NLMSG_ALIGNTO);
	nla_put_string(msg, NLMSGERR_ATTR_MSG, "dump failed");
	tap_is_int(cgf_nl_extack_msg(nlmsg_hdr(msg), buf, sizeof(buf)), 0,
		   "extack: NLMSG_DONE of a failed dump carries a message");
	tap_is_str(buf, "dump failed", "extack: NLMSG_DONE message text");
	nlmsg_free(msg);

	msg = nlmsg_alloc_simple(0x20, NLM_F_ACK_TLVS);
	nla_put_string(msg, NLMSGERR_ATTR_MSG, "not an error message");
	tap_is_int(cgf_nl_extack_msg(nlmsg_hdr(msg), buf, sizeof(buf)), -ENOENT,
		   "extack: other message types carry no extended ACK");
	nlmsg_free(msg);
}

static void test_nle_to_errno(void)
{
	tap_is_int(cgf_nle_to_errno(0), 0, "nle: 0 is success");
	tap_is_int(cgf_nle_to_errno(-NLE_OBJ_NOTFOUND), -ENOENT, "nle: OBJ_NOTFOUND is ENOENT");
	tap_is_int(cgf_nle_to_errno(NLE_OBJ_NOTFOUND), -ENOENT,
		   "nle: the sign of the input is ignored");
	tap_is_int(cgf_nle_to_errno(-NLE_PERM), -EPERM, "nle: PERM is EPERM");
	tap_is_int(cgf_nle_to_errno(-NLE_NOACCESS), -EACCES, "nle: NOACCESS is EACCES");
	tap_is_int(cgf_nle_to_errno(-NLE_DUMP_INTR), -EAGAIN, "nle: DUMP_INTR is EAGAIN");
	tap_is_int(cgf_nle_to_errno(-NLE_FAILURE), -EIO, "nle: anything unmapped is EIO");
}

enum { OMIT_NONE = -1 };

/* A status reply as the module sends it, leaving out attribute @omit. */
static struct nl_msg *status_msg(int omit)
{
	struct nl_msg *msg = nlmsg_alloc();

	genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, 0x20, 0, 0, CGFENCE_CMD_STATUS,
		    CGFENCE_GENL_VERSION);
	if (omit != CGFENCE_A_STATUS_VERSION)
		nla_put_string(msg, CGFENCE_A_STATUS_VERSION, "0.1.0");
	if (omit != CGFENCE_A_STATUS_BACKEND)
		nla_put_u32(msg, CGFENCE_A_STATUS_BACKEND, CGFENCE_BACKEND_LSM);
	if (omit != CGFENCE_A_STATUS_HOOKS_ATTACHED)
		nla_put_u32(msg, CGFENCE_A_STATUS_HOOKS_ATTACHED, 11);
	if (omit != CGFENCE_A_STATUS_HOOKS_TOTAL)
		nla_put_u32(msg, CGFENCE_A_STATUS_HOOKS_TOTAL, 12);
	if (omit != CGFENCE_A_STATUS_PROFILES)
		nla_put_u32(msg, CGFENCE_A_STATUS_PROFILES, 3);
	if (omit != CGFENCE_A_STATUS_ATTACHMENTS)
		nla_put_u32(msg, CGFENCE_A_STATUS_ATTACHMENTS, 4);
	if (omit != CGFENCE_A_STATUS_LOCKED)
		nla_put_u8(msg, CGFENCE_A_STATUS_LOCKED, 1);
	return msg;
}

static void test_status_parse(void)
{
	struct cgf_status st;
	struct nl_msg *msg;
	char version[CGF_VERSION_MAX + 1];
	uint16_t short_u32 = 7;
	int attr;

	msg = status_msg(OMIT_NONE);
	tap_is_int(cgf_status_parse(nlmsg_hdr(msg), &st), 0, "status parse: complete reply");
	tap_is_str(st.module_version, "0.1.0", "status parse: version");
	tap_is_int(st.backend, CGFENCE_BACKEND_LSM, "status parse: backend");
	tap_is_int(st.hooks_attached, 11, "status parse: hooks attached");
	tap_is_int(st.hooks_total, 12, "status parse: hooks total");
	tap_is_int(st.profiles, 3, "status parse: profiles");
	tap_is_int(st.attachments, 4, "status parse: attachments");
	tap_is_int(st.locked, 1, "status parse: locked");
	nlmsg_free(msg);

	for (attr = CGFENCE_A_STATUS_VERSION; attr <= CGFENCE_A_STATUS_LOCKED; attr++) {
		msg = status_msg(attr);
		tap_is_int(cgf_status_parse(nlmsg_hdr(msg), &st), -ENODATA,
			   "status parse: reply without attribute %d is incomplete", attr);
		nlmsg_free(msg);
	}

	msg = status_msg(CGFENCE_A_STATUS_PROFILES);
	nla_put(msg, CGFENCE_A_STATUS_PROFILES, sizeof(short_u32), &short_u32);
	tap_is_int(cgf_status_parse(nlmsg_hdr(msg), &st), -EBADMSG,
		   "status parse: a 2-byte u32 is malformed");
	nlmsg_free(msg);

	memset(version, 'v', sizeof(version) - 2);
	version[sizeof(version) - 2] = '\0';
	msg = status_msg(CGFENCE_A_STATUS_VERSION);
	nla_put_string(msg, CGFENCE_A_STATUS_VERSION, version);
	tap_is_int(cgf_status_parse(nlmsg_hdr(msg), &st), 0,
		   "status parse: a version that just fits is accepted");
	tap_is_str(st.module_version, version, "status parse: a version that just fits is whole");
	nlmsg_free(msg);

	memset(version, 'v', sizeof(version) - 1);
	version[sizeof(version) - 1] = '\0';
	msg = status_msg(CGFENCE_A_STATUS_VERSION);
	nla_put_string(msg, CGFENCE_A_STATUS_VERSION, version);
	tap_is_int(cgf_status_parse(nlmsg_hdr(msg), &st), -EBADMSG,
		   "status parse: a version longer than the buffer is malformed");
	nlmsg_free(msg);

	/* A newer module may add attributes: they must not break an older tool. */
	msg = status_msg(OMIT_NONE);
	nla_put_u32(msg, CGFENCE_A_MAX + 5, 99);
	tap_is_int(cgf_status_parse(nlmsg_hdr(msg), &st), 0,
		   "status parse: unknown attributes are ignored");
	nlmsg_free(msg);

	msg = nlmsg_alloc_simple(0x20, 0);
	tap_is_int(cgf_status_parse(nlmsg_hdr(msg), &st), -EBADMSG,
		   "status parse: a message without a genl header is malformed");
	nlmsg_free(msg);
}

struct family_reply {
	int replies;
	int ret;
	char name[GENL_NAMSIZ];
};

static int family_handler(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[CTRL_ATTR_MAX + 1];
	struct family_reply *r = arg;

	r->replies++;
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, CTRL_ATTR_MAX, NULL) == 0 &&
	    tb[CTRL_ATTR_FAMILY_NAME] && !r->name[0])
		snprintf(r->name, sizeof(r->name), "%s",
			 nla_get_string(tb[CTRL_ATTR_FAMILY_NAME]));
	return r->ret;
}

static struct nl_msg *getfamily(struct cgf_nl *nl, const char *name, int flags)
{
	struct nl_msg *msg = cgf_nl_msg(nl, CTRL_CMD_GETFAMILY, flags);

	if (name)
		nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, name);
	return msg;
}

/* The request path against a family every kernel has: the generic netlink controller. */
static void test_request_live(void)
{
	struct family_reply r = { 0 };
	char errmsg[CGF_ERRMSG_MAX];
	struct cgf_nl nl;
	struct nl_msg *msg;
	uint8_t byte = 1;
	int zero = 0;
	int rc;

	rc = cgf_nl_open_family(&nl, "nlctrl", errmsg, sizeof(errmsg));
	if (rc) {
		tap_diag("cannot open nlctrl: %s (%s)", strerror(-rc), errmsg);
		tap_skip("no generic netlink here", "request: live tests against nlctrl");
		return;
	}
	tap_is_int(nl.family, GENL_ID_CTRL, "request: nlctrl resolves to GENL_ID_CTRL");

	rc = cgf_nl_request(&nl, getfamily(&nl, "nlctrl", 0), family_handler, &r, errmsg,
			    sizeof(errmsg));
	tap_is_int(rc, 0, "request: GETFAMILY nlctrl succeeds");
	tap_is_int(r.replies, 1, "request: exactly one reply before the ACK");
	tap_is_str(r.name, "nlctrl", "request: the reply reaches the handler");
	tap_is_str(errmsg, "", "request: no error message on success");

	rc = cgf_nl_request(&nl, getfamily(&nl, "cgfence-no-such", 0), family_handler, &r,
			    errmsg, sizeof(errmsg));
	tap_is_int(rc, -ENOENT, "request: the kernel's errno is returned exactly");

	memset(&r, 0, sizeof(r));
	r.ret = -EBADMSG;
	rc = cgf_nl_request(&nl, getfamily(&nl, "nlctrl", 0), family_handler, &r, errmsg,
			    sizeof(errmsg));
	tap_is_int(rc, -EBADMSG, "request: a handler's error is returned");
	memset(&r, 0, sizeof(r));
	rc = cgf_nl_request(&nl, getfamily(&nl, "nlctrl", 0), family_handler, &r, errmsg,
			    sizeof(errmsg));
	tap_is_int(rc, 0, "request: the socket stays in step after a handler error");

	/* CTRL_ATTR_FAMILY_ID is a u16: one byte fails the kernel's policy, with extack. */
	msg = getfamily(&nl, NULL, 0);
	nla_put(msg, CTRL_ATTR_FAMILY_ID, sizeof(byte), &byte);
	rc = cgf_nl_request(&nl, msg, family_handler, &r, errmsg, sizeof(errmsg));
	tap_ok(rc == -ERANGE || rc == -EINVAL, "request: a policy violation is refused (%s)",
	       strerror(-rc));
	tap_ok(errmsg[0] != '\0', "request: the kernel's extended ACK message is returned");
	tap_diag("kernel said: %s", errmsg);

	/* Without NETLINK_CAP_ACK the kernel echoes the request before the TLVs. */
	if (setsockopt(nl_socket_get_fd(nl.sk), SOL_NETLINK, NETLINK_CAP_ACK, &zero,
		       sizeof(zero)) == 0) {
		msg = getfamily(&nl, "a-long-name-pads-the-echoed-request", 0);
		nla_put(msg, CTRL_ATTR_FAMILY_ID, sizeof(byte), &byte);
		rc = cgf_nl_request(&nl, msg, family_handler, &r, errmsg, sizeof(errmsg));
		tap_ok(rc == -ERANGE || rc == -EINVAL,
		       "request: uncapped policy violation is refused (%s)", strerror(-rc));
		tap_ok(errmsg[0] != '\0',
		       "request: extended ACK found behind the echoed request");
	} else {
		tap_skip("NETLINK_CAP_ACK is always set", "request: uncapped extended ACK");
		tap_skip("NETLINK_CAP_ACK is always set", "request: uncapped extended ACK text");
	}

	memset(&r, 0, sizeof(r));
	rc = cgf_nl_request(&nl, getfamily(&nl, NULL, NLM_F_DUMP), family_handler, &r, errmsg,
			    sizeof(errmsg));
	tap_is_int(rc, 0, "request: a dump ends at NLMSG_DONE");
	tap_ok(r.replies >= 1, "request: a dump delivers every family (%d)", r.replies);
	tap_is_str(r.name, "nlctrl", "request: the first family of the dump is nlctrl");

	cgf_nl_close(&nl);
	tap_ok(!nl.sk, "request: close forgets the socket");
}

int main(void)
{
	/* The count of results this program prints; tap_done() checks it. */
	tap_plan(58);
	test_extack();
	test_nle_to_errno();
	test_status_parse();
	test_request_live();
	return tap_done();
}
