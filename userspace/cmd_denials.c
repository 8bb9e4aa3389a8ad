// SPDX-License-Identifier: GPL-2.0
/* The denials and learn commands: read the module's denial records, follow them, learn rules. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <netlink/attr.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/socket.h>

#include "cgfence.h"
#include "cgroup.h"
#include "cli.h"
#include "cmd_denials.h"
#include "denials.h"
#include "learn.h"
#include "nl.h"
#include "policy.h"
#include "status.h"

/* Room to take in a burst of records before the kernel has to drop multicast ones. */
#define EVENT_RCVBUF	(1024 * 1024)

int cgf_parse_seq(const char *s, uint64_t *seq)
{
	unsigned long long v;
	char *end;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end)
		return -EINVAL;
	*seq = v;
	return 0;
}

static int check_profile(const char *name, char *err, size_t len)
{
	const char *why;
	size_t off;

	why = cgf_policy_check_profile_name(name, strlen(name), &off);
	if (!why)
		return 0;
	snprintf(err, len, "invalid profile name '%.64s': %s", name, why);
	return -1;
}

static int check_container(const struct cgf_inv *inv, char *err, size_t len)
{
	if (cgf_opt_set(inv, CGF_OPT_CONTAINER) && !inv->optval[CGF_OPT_CONTAINER][0]) {
		snprintf(err, len, "empty CGROUP_PATH for --container");
		return -1;
	}
	return 0;
}

int cgf_check_denials(const struct cgf_inv *inv, char *err, size_t len)
{
	uint64_t seq;

	if (cgf_opt_set(inv, CGF_OPT_SINCE) && cgf_parse_seq(inv->optval[CGF_OPT_SINCE], &seq)) {
		snprintf(err, len,
			 "invalid record number '%.32s' for --since: a decimal number is needed",
			 inv->optval[CGF_OPT_SINCE]);
		return -1;
	}
	if (cgf_opt_set(inv, CGF_OPT_PROFILE) &&
	    check_profile(inv->optval[CGF_OPT_PROFILE], err, len))
		return -1;
	return check_container(inv, err, len);
}

int cgf_check_learn(const struct cgf_inv *inv, char *err, size_t len)
{
	return check_profile(inv->argv[0], err, len) ?: check_container(inv, err, len);
}

/* --container as the module names containers; @buf stays "" without the option. */
static int container_filter(const struct cgf_inv *inv, const char *what, char *buf, size_t len)
{
	char mount[PATH_MAX];

	buf[0] = '\0';
	if (!cgf_opt_set(inv, CGF_OPT_CONTAINER))
		return 0;
	cgf_cgroup2_mount(mount, sizeof(mount));
	if (cgf_denial_container_arg(mount, inv->optval[CGF_OPT_CONTAINER], buf, len)) {
		cgf_err("%s: --container: path too long\n", what);
		return CGF_EXIT_USAGE;
	}
	return 0;
}

typedef int (*record_fn)(const struct cgf_denial *d, void *arg);

struct dump_ctx {
	record_fn fn;
	void *arg;
};

static int dump_handler(struct nl_msg *msg, void *arg)
{
	struct dump_ctx *ctx = arg;
	struct cgf_denial d;
	int err;

	err = cgf_denial_parse(nlmsg_hdr(msg), &d);
	if (err)
		return err;
	err = ctx->fn(&d, ctx->arg);
	cgf_denial_release(&d);
	return err;
}

static const char *reply_problem(int err)
{
	switch (err) {
	case -ENODATA:
		return "module sent an incomplete denial record";
	case -EBADMSG:
		return "module sent a malformed denial record";
	case -EPROTO:
		return "module answered with a reply to another command";
	}
	return NULL;
}

/* Every record from @since on, to @fn. Returns 0, or the exit status with the failure reported. */
static int dump_records(struct cgf_nl *nl, const char *what, uint64_t since, record_fn fn,
			void *arg)
{
	struct dump_ctx ctx = { .fn = fn, .arg = arg };
	struct cgf_nl_ack ack;
	struct nl_msg *msg;
	int err;

	msg = cgf_nl_msg(nl, CGFENCE_CMD_DENIAL, NLM_F_DUMP);
	if (!msg || (since > 1 && nla_put_u64(msg, CGFENCE_A_DENIAL_SEQ, since))) {
		nlmsg_free(msg);
		return cgf_report(what, -ENOMEM, "");
	}
	err = cgf_nl_request_ack(nl, msg, dump_handler, &ctx, &ack);
	if (reply_problem(err)) {
		cgf_err("%s: %s\n", what, reply_problem(err));
		return CGF_EXIT_FAIL;
	}
	return cgf_report(what, err, ack.msg);
}

struct status_ctx {
	struct cgf_status st;
	int replies;
};

static int status_handler(struct nl_msg *msg, void *arg)
{
	struct status_ctx *ctx = arg;

	if (ctx->replies++)
		return -EPROTO;
	return cgf_status_parse(nlmsg_hdr(msg), &ctx->st);
}

/* The module's count of dropped records; false when it cannot be had (nothing printed). */
static bool module_lost(struct cgf_nl *nl, uint64_t *lost)
{
	struct status_ctx ctx = { .replies = 0 };
	char errmsg[CGF_ERRMSG_MAX];
	struct nl_msg *msg;

	msg = cgf_nl_msg(nl, CGFENCE_CMD_STATUS, 0);
	if (!msg || cgf_nl_request(nl, msg, status_handler, &ctx, errmsg, sizeof(errmsg)) ||
	    ctx.replies != 1 || !ctx.st.has_denials_lost)
		return false;
	*lost = ctx.st.denials_lost;
	return true;
}

static int view_record(const struct cgf_denial *d, void *arg)
{
	struct cgf_denial_view *view = arg;

	cgf_denial_view_feed(view, d);
	return 0;
}

/* What a follower needs in its callbacks. */
struct follow {
	struct cgf_nl *req;		/* dumps and status */
	struct cgf_nl ev;		/* the multicast group */
	struct cgf_denial_view *view;
	bool gone;			/* the module was unloaded */
	int bad_records;
	int catch_up_rc;
};

/* Records between what was shown and a newer one (overrun, or a worker that skipped) may
 * still be in the ring: a dump from the first one not shown prints them in order.
 */
static void catch_up(struct follow *fo)
{
	if (!fo->catch_up_rc)
		fo->catch_up_rc = dump_records(fo->req, "denials", fo->view->next_seq, view_record,
					       fo->view);
}

/* nlctrl announces an unregistered family on its "notify" group. */
static void control_event(struct follow *fo, struct nlmsghdr *nlh)
{
	struct nlattr *tb[CTRL_ATTR_MAX + 1];

	if (((struct genlmsghdr *)nlmsg_data(nlh))->cmd != CTRL_CMD_DELFAMILY ||
	    genlmsg_parse(nlh, 0, tb, CTRL_ATTR_MAX, NULL) < 0 || !tb[CTRL_ATTR_FAMILY_ID])
		return;
	if (nla_get_u16(tb[CTRL_ATTR_FAMILY_ID]) == fo->ev.family)
		fo->gone = true;
}

static int event_handler(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct follow *fo = arg;
	struct cgf_denial d;

	if (!genlmsg_valid_hdr(nlh, 0))
		return NL_OK;
	if (nlh->nlmsg_type == GENL_ID_CTRL) {
		control_event(fo, nlh);
		return fo->gone ? NL_STOP : NL_OK;
	}
	if (nlh->nlmsg_type != fo->ev.family)
		return NL_OK;
	if (cgf_denial_parse(nlh, &d)) {
		fo->bad_records++;
		return NL_OK;
	}
	if (d.seq > fo->view->next_seq)
		catch_up(fo);
	cgf_denial_view_feed(fo->view, &d);
	cgf_denial_release(&d);
	fflush(fo->view->out);
	return NL_OK;
}

/* Multicast messages carry no sequence number of ours: libnl must not check them. */
static int no_seq_check(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

/*
 * Joins the denials group on a socket of its own, before the dump: a record made while
 * the dump runs is then both dumped and sent, and the view skips the second copy.
 */
static int follow_join(struct follow *fo)
{
	char errmsg[CGF_ERRMSG_MAX];
	int grp, err;

	err = cgf_nl_open(&fo->ev, errmsg, sizeof(errmsg));
	if (err) {
		cgf_err("denials: cannot open a netlink socket for the multicast group: %s (%s)\n",
			strerror(-err), errmsg);
		return err == -ENOENT ? CGF_EXIT_NOMODULE : CGF_EXIT_FAIL;
	}
	grp = genl_ctrl_resolve_grp(fo->ev.sk, CGFENCE_GENL_NAME, CGFENCE_MCGRP_DENIALS);
	if (grp < 0) {
		cgf_err("denials: the module has no multicast group \"%s\": %s\n",
			CGFENCE_MCGRP_DENIALS, nl_geterror(grp));
		return CGF_EXIT_FAIL;
	}
	err = nl_socket_add_membership(fo->ev.sk, grp);
	if (err < 0) {
		err = cgf_nle_to_errno(err);
		if (err == -EPERM || err == -EACCES) {
			cgf_err("denials: --follow: joining the multicast group \"%s\" needs CAP_SYS_ADMIN in the initial user namespace: %s\n",
				CGFENCE_MCGRP_DENIALS, strerror(-err));
			return CGF_EXIT_PERM;
		}
		cgf_err("denials: --follow: cannot join the multicast group \"%s\": %s\n",
			CGFENCE_MCGRP_DENIALS, strerror(-err));
		return CGF_EXIT_FAIL;
	}
	/* Without it an unloaded module would leave us waiting forever; it is a nicety only. */
	grp = genl_ctrl_resolve_grp(fo->ev.sk, "nlctrl", "notify");
	if (grp >= 0)
		nl_socket_add_membership(fo->ev.sk, grp);
	nl_socket_set_buffer_size(fo->ev.sk, EVENT_RCVBUF, 0);
	nl_socket_modify_cb(fo->ev.sk, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, no_seq_check, NULL);
	nl_socket_modify_cb(fo->ev.sk, NL_CB_VALID, NL_CB_CUSTOM, event_handler, fo);
	if (nl_socket_set_nonblocking(fo->ev.sk) < 0) {
		cgf_err("denials: cannot make the multicast socket non-blocking\n");
		return CGF_EXIT_FAIL;
	}
	return 0;
}

/* Takes SIGINT and SIGTERM as data on a descriptor, so poll() sees them without a race. */
static int signal_fd(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -1;
	return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

/* Reads everything queued on the multicast socket. Returns 0, or the exit status. */
static int follow_drain(struct follow *fo)
{
	int rc;

	for (;;) {
		rc = nl_recvmsgs_default(fo->ev.sk);
		if (fo->catch_up_rc)
			return fo->catch_up_rc;
		if (fo->gone) {
			cgf_err("denials: the cgfence module was unloaded\n");
			return CGF_EXIT_FAIL;
		}
		if (rc >= 0)
			continue;
		if (rc == -NLE_AGAIN)
			return 0;
		/* ENOBUFS: the kernel dropped messages for us; the ring may still hold them. */
		if (rc == -NLE_NOMEM) {
			catch_up(fo);
			if (fo->catch_up_rc)
				return fo->catch_up_rc;
			continue;
		}
		cgf_err("denials: cannot read the multicast group: %s\n", nl_geterror(rc));
		return CGF_EXIT_FAIL;
	}
}

static int follow_loop(struct follow *fo, int sigfd)
{
	struct pollfd p[2] = {
		{ .fd = nl_socket_get_fd(fo->ev.sk), .events = POLLIN },
		{ .fd = sigfd, .events = POLLIN },
	};
	int rc;

	fflush(fo->view->out);
	for (;;) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			cgf_err("denials: poll: %s\n", strerror(errno));
			return CGF_EXIT_FAIL;
		}
		if (p[1].revents)
			return CGF_EXIT_OK;
		if (p[0].revents) {
			rc = follow_drain(fo);
			if (rc)
				return rc;
		}
	}
}

int cgf_cmd_denials(const struct cgf_inv *inv)
{
	struct cgf_denial_filter filter = { .profile = inv->optval[CGF_OPT_PROFILE] };
	bool follow = cgf_opt_set(inv, CGF_OPT_FOLLOW);
	struct follow fo = { .ev = { .sk = NULL } };
	struct cgf_denial_view view;
	char container[PATH_MAX];
	uint64_t since = 1, lost = 0;
	int rc, sigfd = -1;
	bool have_lost;
	struct cgf_nl nl;

	if (cgf_opt_set(inv, CGF_OPT_SINCE))
		cgf_parse_seq(inv->optval[CGF_OPT_SINCE], &since);
	rc = container_filter(inv, "denials", container, sizeof(container));
	if (rc)
		return rc;
	if (container[0])
		filter.container = container;
	cgf_denial_view_init(&view, stdout, cgf_opt_set(inv, CGF_OPT_JSON), &filter, since);

	rc = cgf_connect(&nl);
	if (rc)
		return rc;
	fo.req = &nl;
	fo.view = &view;
	if (follow) {
		sigfd = signal_fd();
		if (sigfd < 0) {
			cgf_err("denials: cannot take SIGINT and SIGTERM: %s\n", strerror(errno));
			rc = CGF_EXIT_FAIL;
			goto out;
		}
		rc = follow_join(&fo);
		if (rc)
			goto out;
	}
	rc = dump_records(&nl, "denials", since, view_record, &view);
	if (!rc && follow)
		rc = follow_loop(&fo, sigfd);
	if (!rc || (follow && fo.gone)) {
		have_lost = !fo.gone && module_lost(&nl, &lost);
		cgf_denial_view_summary(&view, have_lost, lost);
	}
	if (fo.bad_records)
		cgf_err("denials: %d malformed record%s from the multicast group skipped\n",
			fo.bad_records, fo.bad_records == 1 ? "" : "s");
out:
	if (sigfd >= 0)
		close(sigfd);
	cgf_nl_close(&fo.ev);
	cgf_nl_close(&nl);
	return rc;
}

/* Every record of the ring, copied, for learn. */
struct record_list {
	struct cgf_denial *recs;
	size_t n, cap;
};

static int keep_record(const struct cgf_denial *d, void *arg)
{
	struct record_list *l = arg;

	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 256;
		struct cgf_denial *recs = realloc(l->recs, cap * sizeof(*recs));

		if (!recs)
			return -ENOMEM;
		l->recs = recs;
		l->cap = cap;
	}
	if (cgf_denial_copy(&l->recs[l->n], d))
		return -ENOMEM;
	l->n++;
	return 0;
}

int cgf_cmd_learn(const struct cgf_inv *inv)
{
	struct cgf_learn_request req = { .profile = inv->argv[0] };
	struct record_list list = { .recs = NULL };
	struct cgf_learn_stats st;
	char container[PATH_MAX];
	struct cgf_nl nl;
	size_t i;
	int rc, err;

	rc = container_filter(inv, "learn", container, sizeof(container));
	if (rc)
		return rc;
	if (container[0])
		req.container = container;
	rc = cgf_connect(&nl);
	if (rc)
		return rc;
	rc = dump_records(&nl, "learn", 1, keep_record, &list);
	cgf_nl_close(&nl);
	if (rc)
		goto out;

	err = cgf_learn_write(stdout, list.recs, list.n, &req, &st);
	if (err == -ENOENT) {
		cgf_err("learn: no would-deny record of profile %s%s%s", req.profile,
			req.container ? " in " : "", req.container ? req.container : "");
		fputs(" in the module's denial records", stderr);
		fputs(" (is the profile in complain mode, attached, and was the container busy?)\n",
		      stderr);
		rc = CGF_EXIT_FAIL;
	} else if (err) {
		cgf_err("learn: %s\n", strerror(-err));
		rc = CGF_EXIT_FAIL;
	}
	/* The ring keeps the newest records only: older ones may have held more to learn. */
	if (!err && list.n && list.recs[0].seq > 1) {
		cgf_err("learn: note: records before seq %" PRIu64, list.recs[0].seq);
		fputs(" are gone from the module's ring: rules for them are missing\n", stderr);
	}
out:
	for (i = 0; i < list.n; i++)
		cgf_denial_release(&list.recs[i]);
	free(list.recs);
	return rc;
}
