// SPDX-License-Identifier: GPL-2.0
/* The status command: what the loaded module reports about itself. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "cgfence.h"
#include "cli.h"
#include "nl.h"
#include "output.h"
#include "status.h"

/* Exact sizes: a reply that disagrees with the uapi header is not trusted. */
static const struct nla_policy status_policy[CGFENCE_A_MAX + 1] = {
	[CGFENCE_A_STATUS_VERSION] = { .type = NLA_STRING, .maxlen = CGF_VERSION_MAX },
	[CGFENCE_A_STATUS_BACKEND] = { .type = NLA_U32, .minlen = 4, .maxlen = 4 },
	[CGFENCE_A_STATUS_HOOKS_ATTACHED] = { .type = NLA_U32, .minlen = 4, .maxlen = 4 },
	[CGFENCE_A_STATUS_HOOKS_TOTAL] = { .type = NLA_U32, .minlen = 4, .maxlen = 4 },
	[CGFENCE_A_STATUS_PROFILES] = { .type = NLA_U32, .minlen = 4, .maxlen = 4 },
	[CGFENCE_A_STATUS_ATTACHMENTS] = { .type = NLA_U32, .minlen = 4, .maxlen = 4 },
	[CGFENCE_A_STATUS_LOCKED] = { .type = NLA_U8, .minlen = 1, .maxlen = 1 },
	[CGFENCE_A_STATUS_DENIALS_LOST] = { .type = NLA_U64, .minlen = 8, .maxlen = 8 },
};

int cgf_status_parse(struct nlmsghdr *nlh, struct cgf_status *st)
{
	struct nlattr *tb[CGFENCE_A_MAX + 1];
	int i;

	memset(st, 0, sizeof(*st));
	if (genlmsg_parse(nlh, 0, tb, CGFENCE_A_MAX, status_policy) < 0)
		return -EBADMSG;
	/* A zero would look like a real answer: every field must be there. */
	for (i = CGFENCE_A_STATUS_VERSION; i <= CGFENCE_A_STATUS_LOCKED; i++)
		if (!tb[i])
			return -ENODATA;

	snprintf(st->module_version, sizeof(st->module_version), "%s",
		 nla_get_string(tb[CGFENCE_A_STATUS_VERSION]));
	st->backend = nla_get_u32(tb[CGFENCE_A_STATUS_BACKEND]);
	st->hooks_attached = nla_get_u32(tb[CGFENCE_A_STATUS_HOOKS_ATTACHED]);
	st->hooks_total = nla_get_u32(tb[CGFENCE_A_STATUS_HOOKS_TOTAL]);
	st->profiles = nla_get_u32(tb[CGFENCE_A_STATUS_PROFILES]);
	st->attachments = nla_get_u32(tb[CGFENCE_A_STATUS_ATTACHMENTS]);
	st->locked = nla_get_u8(tb[CGFENCE_A_STATUS_LOCKED]) != 0;
	if (tb[CGFENCE_A_STATUS_DENIALS_LOST]) {
		st->has_denials_lost = true;
		st->denials_lost = nla_get_u64(tb[CGFENCE_A_STATUS_DENIALS_LOST]);
	}
	return 0;
}

struct status_reply {
	struct cgf_status *st;
	int replies;
	int parse_err;
};

static int status_handler(struct nl_msg *msg, void *arg)
{
	struct status_reply *r = arg;

	if (r->replies++)
		r->parse_err = -EPROTO;
	else
		r->parse_err = cgf_status_parse(nlmsg_hdr(msg), r->st);
	return r->parse_err;
}

int cgf_cmd_status(const struct cgf_inv *inv)
{
	char errmsg[CGF_ERRMSG_MAX];
	struct cgf_status st;
	struct status_reply reply = { .st = &st };
	struct nl_msg *msg;
	struct cgf_nl nl;
	int rc;

	rc = cgf_connect(&nl);
	if (rc)
		return rc;
	msg = cgf_nl_msg(&nl, CGFENCE_CMD_STATUS, 0);
	if (!msg) {
		cgf_nl_close(&nl);
		return cgf_report("status", -ENOMEM, "");
	}
	rc = cgf_nl_request(&nl, msg, status_handler, &reply, errmsg, sizeof(errmsg));
	cgf_nl_close(&nl);

	/* Our own verdict on the reply comes first: rc then only echoes it. */
	if (reply.parse_err == -ENODATA) {
		cgf_err("module sent an incomplete status reply\n");
		return CGF_EXIT_FAIL;
	}
	if (reply.parse_err == -EPROTO) {
		cgf_err("module sent more than one status reply\n");
		return CGF_EXIT_FAIL;
	}
	if (reply.parse_err) {
		cgf_err("module sent a malformed status reply\n");
		return CGF_EXIT_FAIL;
	}
	if (rc)
		return cgf_report("status", rc, errmsg);
	if (!reply.replies) {
		cgf_err("module acknowledged the status request without a reply\n");
		return CGF_EXIT_FAIL;
	}

	if (cgf_opt_set(inv, CGF_OPT_JSON))
		cgf_status_render_json(stdout, &st);
	else
		cgf_status_render_plain(stdout, &st);
	return CGF_EXIT_OK;
}
