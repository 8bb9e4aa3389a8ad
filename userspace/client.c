// SPDX-License-Identifier: GPL-2.0
/* The tool's client of the cgfence family: builds each request, sends it, collects replies. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/socket.h>

#include "cgfence.h"
#include "client.h"
#include "denials.h"
#include "encode.h"
#include "nl.h"

/* Room to take in a burst of records before the kernel has to drop multicast ones. */
#define EVENT_RCVBUF	(1024 * 1024)

/* A second reply where one is due; never seen outside this file. */
#define REPLY_EXTRA	(-ENOTUNIQ)

static int nl_transact(struct cgf_client *cl, struct nl_msg *msg, cgf_nl_handler handler,
		       void *arg)
{
	return cgf_nl_request_ack(&cl->nl, msg, handler, arg, &cl->ack);
}

void cgf_client_init(struct cgf_client *cl, int family, cgf_client_transact_fn transact)
{
	memset(cl, 0, sizeof(*cl));
	cl->nl.family = family;
	cl->ack.offset = -1;
	cl->transact = transact;
}

int cgf_client_open(struct cgf_client *cl, char *errmsg, size_t len)
{
	cgf_client_init(cl, -1, nl_transact);
	return cgf_nl_open(&cl->nl, errmsg, len);
}

void cgf_client_close(struct cgf_client *cl)
{
	cgf_nl_close(&cl->nl);
}

/* Nothing said about an earlier request may be taken for this one's answer. */
static void forget(struct cgf_client *cl)
{
	cl->problem[0] = '\0';
	cl->ack.msg[0] = '\0';
	cl->ack.offset = -1;
	cl->ack.dump_intr = false;
}

/* How the replies to one request are read, and what to call them when they are wrong. */
struct reply {
	cgf_nl_handler parse;
	void *arg;
	const char *noun;	/* "reply", "status reply", "denial record" */
	const char *request;	/* for a request that must have exactly one reply, else NULL */
	int replies;
	int bad;		/* why a reply was unusable, 0 while none was */
};

static int on_reply(struct nl_msg *msg, void *arg)
{
	struct reply *r = arg;
	int err;

	if (r->request && r->replies++) {
		r->bad = REPLY_EXTRA;
		return -EPROTO;
	}
	err = r->parse(msg, r->arg);
	if (err == -ENODATA || err == -EBADMSG || err == -EPROTO)
		r->bad = err;
	return err;
}

static void set_problem(struct cgf_client *cl, const struct reply *r)
{
	char *p = cl->problem;
	size_t len = sizeof(cl->problem);

	switch (r->bad) {
	case -ENODATA:
		snprintf(p, len, "module sent an incomplete %s", r->noun);
		break;
	case -EBADMSG:
		snprintf(p, len, "module sent a malformed %s", r->noun);
		break;
	case -EPROTO:
		snprintf(p, len, "module answered with a reply to another command");
		break;
	case REPLY_EXTRA:
		snprintf(p, len, "module sent more than one %s", r->noun);
		break;
	default:
		snprintf(p, len, "module acknowledged the %s without a reply", r->request);
		break;
	}
}

/*
 * Sends @msg (NULL: it could not be built) and reads its replies with @r (NULL: an
 * ACK is all that comes back). Our own verdict on a reply comes first: the errno
 * then only echoes it.
 */
static int request(struct cgf_client *cl, struct nl_msg *msg, struct reply *r)
{
	int err;

	forget(cl);
	if (!msg)
		return -ENOMEM;
	err = cl->transact(cl, msg, r ? on_reply : NULL, r);
	if (!r)
		return err;
	if (r->bad) {
		set_problem(cl, r);
		return -EBADMSG;
	}
	if (!err && r->request && !r->replies) {
		set_problem(cl, r);
		return -EBADMSG;
	}
	return err;
}

static struct nl_msg *new_msg(struct cgf_client *cl, uint8_t cmd, int flags)
{
	return cgf_genl_msg(cl->nl.family, cmd, flags, 0);
}

/* A request whose attributes could not be put is no request. */
static struct nl_msg *checked(struct nl_msg *msg, int put_err)
{
	if (msg && put_err) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static int status_reply(struct nl_msg *msg, void *arg)
{
	return cgf_status_parse(nlmsg_hdr(msg), arg);
}

int cgf_client_status(struct cgf_client *cl, struct cgf_status *st)
{
	struct reply r = {
		.parse = status_reply, .arg = st,
		.noun = "status reply", .request = "status request",
	};

	memset(st, 0, sizeof(*st));
	return request(cl, new_msg(cl, CGFENCE_CMD_STATUS, 0), &r);
}

int cgf_client_unload(struct cgf_client *cl, const char *name, bool force)
{
	struct nl_msg *msg = new_msg(cl, CGFENCE_CMD_PROFILE_REMOVE, 0);

	msg = checked(msg, msg && (nla_put_string(msg, CGFENCE_A_PROFILE_NAME, name) ?:
				   (force ? nla_put_flag(msg, CGFENCE_A_FORCE) : 0)));
	return request(cl, msg, NULL);
}

int cgf_client_set_mode(struct cgf_client *cl, const char *name, uint8_t mode)
{
	struct nl_msg *msg = new_msg(cl, CGFENCE_CMD_PROFILE_MODE, 0);

	msg = checked(msg, msg && (nla_put_string(msg, CGFENCE_A_PROFILE_NAME, name) ?:
				   nla_put_u8(msg, CGFENCE_A_PROFILE_MODE, mode)));
	return request(cl, msg, NULL);
}

/* The module reads the u64 with an unaligned-safe load: no pad attribute needed. */
int cgf_client_attach(struct cgf_client *cl, const char *name, uint64_t cgroup_id,
		      unsigned int flags)
{
	struct nl_msg *msg = new_msg(cl, CGFENCE_CMD_ATTACH, 0);

	msg = checked(msg, msg && (nla_put_string(msg, CGFENCE_A_PROFILE_NAME, name) ?:
				   nla_put_u64(msg, CGFENCE_A_CGROUP_ID, cgroup_id) ?:
				   ((flags & CGF_ATTACH_ON_EXEC) ?
				    nla_put_flag(msg, CGFENCE_A_ATTACH_ON_EXEC) : 0)));
	return request(cl, msg, NULL);
}

int cgf_client_detach(struct cgf_client *cl, uint64_t cgroup_id)
{
	struct nl_msg *msg = new_msg(cl, CGFENCE_CMD_DETACH, 0);

	msg = checked(msg, msg && nla_put_u64(msg, CGFENCE_A_CGROUP_ID, cgroup_id));
	return request(cl, msg, NULL);
}

int cgf_client_lock(struct cgf_client *cl)
{
	return request(cl, new_msg(cl, CGFENCE_CMD_LOCK, 0), NULL);
}

static int profile_row_reply(struct nl_msg *msg, void *arg)
{
	return cgf_listing_add_profile(arg, nlmsg_hdr(msg));
}

static int attach_row_reply(struct nl_msg *msg, void *arg)
{
	return cgf_listing_add_attach(arg, nlmsg_hdr(msg));
}

/* One dump of @cmd appended to @l; *@intr set when the kernel's data changed underway. */
static int dump_rows(struct cgf_client *cl, uint8_t cmd, struct cgf_listing *l, bool *intr)
{
	struct reply r = {
		.parse = cmd == CGFENCE_CMD_PROFILE_GET ? profile_row_reply : attach_row_reply,
		.arg = l, .noun = "reply",
	};
	int err;

	err = request(cl, new_msg(cl, cmd, NLM_F_DUMP), &r);
	if (!err)
		*intr |= cl->ack.dump_intr;
	return err;
}

int cgf_client_listing(struct cgf_client *cl, bool profiles, struct cgf_listing *l)
{
	bool intr;
	int tries, err;

	for (tries = 0; tries < CGF_DUMP_TRIES; tries++) {
		cgf_listing_free(l);
		intr = false;
		err = (profiles ? dump_rows(cl, CGFENCE_CMD_PROFILE_GET, l, &intr) : 0) ?:
		      dump_rows(cl, CGFENCE_CMD_ATTACH_GET, l, &intr);
		if (err)
			cgf_listing_free(l);
		if (err || !intr)
			return err;
	}
	cgf_listing_free(l);
	snprintf(cl->problem, sizeof(cl->problem),
		 "the policy kept changing while it was read; try again");
	return -EAGAIN;
}

static int profile_reply(struct nl_msg *msg, void *arg)
{
	return cgf_profile_parse(nlmsg_hdr(msg), arg);
}

int cgf_client_profile(struct cgf_client *cl, const char *name, struct cgf_profile_row *row)
{
	struct reply r = {
		.parse = profile_reply, .arg = row, .noun = "reply", .request = "request",
	};
	struct nl_msg *msg = new_msg(cl, CGFENCE_CMD_PROFILE_GET, 0);

	memset(row, 0, sizeof(*row));
	return request(cl, checked(msg, msg && nla_put_string(msg, CGFENCE_A_PROFILE_NAME, name)),
		       &r);
}

static int rules_reply(struct nl_msg *msg, void *arg)
{
	return cgf_rule_listing_add(arg, nlmsg_hdr(msg));
}

int cgf_client_rules(struct cgf_client *cl, const char *name, struct cgf_rule_listing *l)
{
	struct reply r = { .parse = rules_reply, .arg = l, .noun = "rule reply" };
	struct nl_msg *msg;
	int tries, err;

	memset(l, 0, sizeof(*l));
	for (tries = 0; tries < CGF_DUMP_TRIES; tries++) {
		cgf_rule_listing_free(l);
		msg = new_msg(cl, CGFENCE_CMD_RULE_GET, NLM_F_DUMP);
		msg = checked(msg, msg && nla_put_string(msg, CGFENCE_A_PROFILE_NAME, name));
		err = request(cl, msg, &r);
		if (err || !cl->ack.dump_intr) {
			if (err)
				cgf_rule_listing_free(l);
			return err;
		}
	}
	cgf_rule_listing_free(l);
	snprintf(cl->problem, sizeof(cl->problem),
		 "the profile kept changing while it was read; try again");
	return -EAGAIN;
}

struct denial_sink {
	cgf_denial_fn fn;
	void *arg;
};

static int denial_reply(struct nl_msg *msg, void *arg)
{
	struct denial_sink *sink = arg;
	struct cgf_denial d;
	int err;

	err = cgf_denial_parse(nlmsg_hdr(msg), &d);
	if (err)
		return err;
	err = sink->fn(&d, sink->arg);
	cgf_denial_release(&d);
	return err;
}

int cgf_client_denials(struct cgf_client *cl, uint64_t since, cgf_denial_fn fn, void *arg)
{
	struct denial_sink sink = { .fn = fn, .arg = arg };
	struct reply r = { .parse = denial_reply, .arg = &sink, .noun = "denial record" };
	struct nl_msg *msg = new_msg(cl, CGFENCE_CMD_DENIAL, NLM_F_DUMP);

	/* Without a starting point the module dumps from its oldest record. */
	msg = checked(msg, msg && since > 1 && nla_put_u64(msg, CGFENCE_A_DENIAL_SEQ, since));
	return request(cl, msg, &r);
}

int cgf_client_learned(struct cgf_client *cl, const char *profile, cgf_denial_fn fn, void *arg)
{
	struct denial_sink sink = { .fn = fn, .arg = arg };
	struct reply r = { .parse = denial_reply, .arg = &sink, .noun = "learned record" };
	struct nl_msg *msg = new_msg(cl, CGFENCE_CMD_LEARNED_GET, NLM_F_DUMP);
	int err;

	msg = checked(msg, msg && nla_put_string(msg, CGFENCE_A_PROFILE_NAME, profile));
	err = request(cl, msg, &r);
	if (!err && cl->ack.dump_intr) {
		snprintf(cl->problem, sizeof(cl->problem),
			 "the profile was replaced or unloaded while its learned records were read");
		return -EAGAIN;
	}
	return err;
}

int cgf_client_load_begin(struct cgf_client *cl, const struct cgf_policy_profile *p)
{
	return request(cl, cgf_encode_begin(cl->nl.family, p), NULL);
}

int cgf_client_load_add(struct cgf_client *cl, const struct cgf_policy_profile *p, size_t first,
			size_t *count, long *bad_rule)
{
	struct cgf_chunk chunk;
	int err;

	*count = 0;
	*bad_rule = -1;
	forget(cl);
	err = cgf_encode_chunk(cl->nl.family, p, first, CGF_CHUNK_BYTES, &chunk);
	if (err)
		return err;
	*count = chunk.count;
	err = cl->transact(cl, chunk.msg, NULL, NULL);
	chunk.msg = NULL;	/* sent and freed */
	/* The kernel points into the message; the chunk knows which rule lies there. */
	if (err)
		*bad_rule = cgf_chunk_rule_at(&chunk, cl->ack.offset);
	cgf_chunk_free(&chunk);
	return err;
}

int cgf_client_load_commit(struct cgf_client *cl)
{
	return request(cl, new_msg(cl, CGFENCE_CMD_PROFILE_COMMIT, 0), NULL);
}

int cgf_client_load_abort(struct cgf_client *cl)
{
	return request(cl, new_msg(cl, CGFENCE_CMD_PROFILE_ABORT, 0), NULL);
}

/* nlctrl announces an unregistered family on its "notify" group. */
static void control_event(struct cgf_client *ev, struct nlmsghdr *nlh)
{
	struct nlattr *tb[CTRL_ATTR_MAX + 1];

	if (((struct genlmsghdr *)nlmsg_data(nlh))->cmd != CTRL_CMD_DELFAMILY ||
	    genlmsg_parse(nlh, 0, tb, CTRL_ATTR_MAX, NULL) < 0 || !tb[CTRL_ATTR_FAMILY_ID])
		return;
	if (nla_get_u16(tb[CTRL_ATTR_FAMILY_ID]) == ev->nl.family)
		ev->events->gone = true;
}

static int on_event(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct cgf_client *ev = arg;
	struct cgf_denial d;

	if (!genlmsg_valid_hdr(nlh, 0))
		return NL_OK;
	if (nlh->nlmsg_type == GENL_ID_CTRL) {
		control_event(ev, nlh);
		return ev->events->gone ? NL_STOP : NL_OK;
	}
	if (nlh->nlmsg_type != ev->nl.family)
		return NL_OK;
	if (cgf_denial_parse(nlh, &d)) {
		ev->events->bad_records++;
		return NL_OK;
	}
	ev->events->record(&d, ev->events->arg);
	cgf_denial_release(&d);
	return NL_OK;
}

/* Multicast messages carry no sequence number of ours: libnl must not check them. */
static int no_seq_check(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

int cgf_client_subscribe(struct cgf_client *ev, struct cgf_client_events *events,
			 enum cgf_subscribe_step *step, char *errmsg, size_t len)
{
	int grp, err;

	*step = CGF_SUB_OPEN;
	err = cgf_client_open(ev, errmsg, len);
	if (err)
		return err;
	ev->events = events;
	*step = CGF_SUB_GROUP;
	grp = genl_ctrl_resolve_grp(ev->nl.sk, CGFENCE_GENL_NAME, CGFENCE_MCGRP_DENIALS);
	if (grp < 0) {
		snprintf(errmsg, len, "%s", nl_geterror(grp));
		return cgf_nle_to_errno(grp);
	}
	*step = CGF_SUB_JOIN;
	err = nl_socket_add_membership(ev->nl.sk, grp);
	if (err < 0)
		return cgf_nle_to_errno(err);
	/* Without it an unloaded module would leave us waiting forever; it is a nicety only. */
	grp = genl_ctrl_resolve_grp(ev->nl.sk, "nlctrl", "notify");
	if (grp >= 0)
		nl_socket_add_membership(ev->nl.sk, grp);
	nl_socket_set_buffer_size(ev->nl.sk, EVENT_RCVBUF, 0);
	nl_socket_modify_cb(ev->nl.sk, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, no_seq_check, NULL);
	nl_socket_modify_cb(ev->nl.sk, NL_CB_VALID, NL_CB_CUSTOM, on_event, ev);
	*step = CGF_SUB_NONBLOCK;
	err = nl_socket_set_nonblocking(ev->nl.sk);
	return err < 0 ? cgf_nle_to_errno(err) : 0;
}

int cgf_client_fd(const struct cgf_client *ev)
{
	return nl_socket_get_fd(ev->nl.sk);
}

int cgf_client_receive(struct cgf_client *ev, char *errmsg, size_t len)
{
	int rc = nl_recvmsgs_default(ev->nl.sk);

	if (rc >= 0)
		return 0;
	if (rc == -NLE_AGAIN)
		return -EAGAIN;
	/* libnl's name for ENOBUFS: the kernel dropped messages for us. */
	if (rc == -NLE_NOMEM)
		return -ENOBUFS;
	snprintf(errmsg, len, "%s", nl_geterror(rc));
	rc = cgf_nle_to_errno(rc);
	return rc == -EAGAIN || rc == -ENOBUFS ? -EIO : rc;
}
