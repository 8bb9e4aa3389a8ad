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
#include <sys/stat.h>
#include <unistd.h>

#include "cgfence.h"
#include "cgroup.h"
#include "cli.h"
#include "client.h"
#include "cmd_denials.h"
#include "container.h"
#include "denials.h"
#include "learn.h"
#include "learn_from.h"
#include "origins.h"
#include "output.h"

static int check_container(const struct cgf_inv *inv, char *err, size_t len)
{
	if (cgf_opt_set(inv, CGF_OPT_CONTAINER) && !inv->optval[CGF_OPT_CONTAINER][0]) {
		snprintf(err, len, "empty CGROUP or ID for --container");
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
	    cgf_check_profile_arg(inv->optval[CGF_OPT_PROFILE], err, len))
		return -1;
	return check_container(inv, err, len);
}

int cgf_check_learn(const struct cgf_inv *inv, char *err, size_t len)
{
	const char *files[CGF_MAX_ARGS];
	int i, n, stdins = 0;

	n = cgf_opt_values(inv, CGF_OPT_FROM, files, CGF_MAX_ARGS);
	for (i = 0; i < n; i++) {
		if (!files[i][0]) {
			snprintf(err, len, "empty FILE for --from");
			return -1;
		}
		stdins += !strcmp(files[i], "-");
	}
	/* A second read of standard input would find it empty, and say nothing. */
	if (stdins > 1) {
		snprintf(err, len, "--from - (standard input) can be given once");
		return -1;
	}
	return cgf_check_profile_arg(inv->argv[0], err, len) ?: check_container(inv, err, len);
}

/*
 * A container id prefix (what docker ps and podman ps show) to the cgroup of the one
 * attached container whose id starts with it. Returns 0 with @buf set, or the exit
 * status with the reason reported: none, or several (each listed).
 */
static int container_by_id(const char *what, const char *prefix, char *buf, size_t len)
{
	struct cgf_listing l = { 0 };
	struct cgf_container c;
	const char *found = NULL;
	struct cgf_client cl;
	size_t i, matches = 0;
	int rc, err;

	rc = cgf_connect(&cl);
	if (rc)
		return rc;
	err = cgf_client_listing(&cl, false, &l);
	if (err) {
		rc = cgf_report_client(what, &cl, err);
		goto out;
	}
	for (i = 0; i < l.nr_attachments; i++) {
		if (cgf_container_of(l.attachments[i].path, &c) &&
		    !strncmp(c.id, prefix, strlen(prefix))) {
			found = l.attachments[i].path;
			matches++;
		}
	}
	if (!matches) {
		cgf_err("%s: --container %s: no cgroup by that name and no attached container whose id starts so (a container that is gone: give its cgroup path)\n",
			what, prefix);
		rc = CGF_EXIT_FAIL;
	} else if (matches > 1) {
		cgf_err("%s: --container %s: several attached containers have an id starting so:\n",
			what, prefix);
		for (i = 0; i < l.nr_attachments; i++)
			if (cgf_container_of(l.attachments[i].path, &c) &&
			    !strncmp(c.id, prefix, strlen(prefix)))
				fprintf(stderr, "  %s %s %s\n", c.runtime, c.id,
					l.attachments[i].path);
		rc = CGF_EXIT_USAGE;
	} else if (snprintf(buf, len, "%s", found) >= (int)len) {
		cgf_err("%s: --container: path too long\n", what);
		rc = CGF_EXIT_FAIL;
	}
out:
	cgf_listing_free(&l);
	cgf_client_close(&cl);
	return rc;
}

/* Whether @path names a cgroup directory below the cgroup2 mount @mount. */
static bool is_cgroup_dir(const char *mount, const char *path)
{
	char full[PATH_MAX * 2];
	struct stat st;

	snprintf(full, sizeof(full), "%s%s", mount, path);
	return !stat(full, &st) && S_ISDIR(st.st_mode);
}

/*
 * --container as the module names containers: a cgroup path, or a container id prefix
 * when no cgroup has that name. @buf stays "" without the option.
 */
static int container_filter(const struct cgf_inv *inv, const char *what, char *buf, size_t len)
{
	const char *arg = inv->optval[CGF_OPT_CONTAINER];
	char mount[PATH_MAX];

	buf[0] = '\0';
	if (!cgf_opt_set(inv, CGF_OPT_CONTAINER))
		return 0;
	cgf_cgroup2_mount(mount, sizeof(mount));
	if (cgf_denial_container_arg(mount, arg, buf, len)) {
		cgf_err("%s: --container: path too long\n", what);
		return CGF_EXIT_USAGE;
	}
	if (cgf_container_is_id_prefix(arg) && !is_cgroup_dir(mount, buf))
		return container_by_id(what, arg, buf, len);
	return 0;
}

/* Every record from @since on, to @fn. Returns 0, or the exit status with the failure reported. */
static int dump_records(struct cgf_client *cl, const char *what, uint64_t since, cgf_denial_fn fn,
			void *arg)
{
	int err = cgf_client_denials(cl, since, fn, arg);

	return err ? cgf_report_client(what, cl, err) : CGF_EXIT_OK;
}

/* The module's count of dropped records; false when it cannot be had (nothing printed). */
static bool module_lost(struct cgf_client *cl, uint64_t *lost)
{
	struct cgf_status st;

	if (cgf_client_status(cl, &st) || !st.has_denials_lost)
		return false;
	*lost = st.denials_lost;
	return true;
}

/* What a reader needs in its callbacks; a follower has the multicast group too. */
struct follow {
	struct cgf_client *req;		/* dumps and status */
	struct cgf_client ev;		/* the multicast group */
	struct cgf_client_events events;
	struct cgf_denial_view *view;
	struct cgf_origins origins;	/* where each record's rule was written */
	int catch_up_rc;
};

/* The record, with the origin of its rule, to the view. */
static void show_record(struct follow *fo, const struct cgf_denial *d)
{
	struct cgf_denial shown = *d;

	if (cgf_denial_match(&fo->view->filter, d))
		shown.origin = cgf_origins_lookup(&fo->origins, d->profile, d->generation,
						  d->rule_id);
	cgf_denial_view_feed(fo->view, &shown);
}

static int view_record(const struct cgf_denial *d, void *arg)
{
	show_record(arg, d);
	return 0;
}

/* Records between what was shown and a newer one (overrun, or a worker that skipped) may
 * still be in the ring: a dump from the first one not shown prints them in order.
 */
static void catch_up(struct follow *fo)
{
	if (!fo->catch_up_rc)
		fo->catch_up_rc = dump_records(fo->req, "denials", fo->view->next_seq, view_record,
					       fo);
}

static void follow_record(const struct cgf_denial *d, void *arg)
{
	struct follow *fo = arg;

	if (d->seq > fo->view->next_seq)
		catch_up(fo);
	show_record(fo, d);
	fflush(fo->view->out);
}

/*
 * Joins the denials group on a socket of its own, before the dump: a record made while
 * the dump runs is then both dumped and sent, and the view skips the second copy.
 */
static int follow_join(struct follow *fo)
{
	char errmsg[CGF_ERRMSG_MAX];
	enum cgf_subscribe_step step;
	int err;

	fo->events.record = follow_record;
	fo->events.arg = fo;
	err = cgf_client_subscribe(&fo->ev, &fo->events, &step, errmsg, sizeof(errmsg));
	if (!err)
		return 0;
	switch (step) {
	case CGF_SUB_OPEN:
		cgf_err("denials: cannot open a netlink socket for the multicast group: %s (%s)\n",
			strerror(-err), errmsg);
		return err == -ENOENT ? CGF_EXIT_NOMODULE : CGF_EXIT_FAIL;
	case CGF_SUB_GROUP:
		cgf_err("denials: the module has no multicast group \"%s\": %s\n",
			CGFENCE_MCGRP_DENIALS, errmsg);
		return CGF_EXIT_FAIL;
	case CGF_SUB_JOIN:
		if (err == -EPERM || err == -EACCES) {
			cgf_err("denials: --follow: joining the multicast group \"%s\" needs CAP_SYS_ADMIN in the initial user namespace: %s\n",
				CGFENCE_MCGRP_DENIALS, strerror(-err));
			return CGF_EXIT_PERM;
		}
		cgf_err("denials: --follow: cannot join the multicast group \"%s\": %s\n",
			CGFENCE_MCGRP_DENIALS, strerror(-err));
		return CGF_EXIT_FAIL;
	case CGF_SUB_NONBLOCK:
		break;
	}
	cgf_err("denials: cannot make the multicast socket non-blocking\n");
	return CGF_EXIT_FAIL;
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
	char errmsg[CGF_ERRMSG_MAX];
	int err;

	for (;;) {
		err = cgf_client_receive(&fo->ev, errmsg, sizeof(errmsg));
		if (fo->catch_up_rc)
			return fo->catch_up_rc;
		if (fo->events.gone) {
			cgf_err("denials: the cgfence module was unloaded\n");
			return CGF_EXIT_FAIL;
		}
		if (!err)
			continue;
		if (err == -EAGAIN)
			return 0;
		/* The kernel dropped messages for us; the ring may still hold them. */
		if (err == -ENOBUFS) {
			catch_up(fo);
			if (fo->catch_up_rc)
				return fo->catch_up_rc;
			continue;
		}
		cgf_err("denials: cannot read the multicast group: %s\n", errmsg);
		return CGF_EXIT_FAIL;
	}
}

static int follow_loop(struct follow *fo, int sigfd)
{
	struct pollfd p[2] = {
		{ .fd = cgf_client_fd(&fo->ev), .events = POLLIN },
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
	struct follow fo = { .catch_up_rc = 0 };
	struct cgf_denial_view view;
	char container[PATH_MAX];
	uint64_t since = 1, lost = 0;
	int rc, sigfd = -1;
	bool have_lost;
	struct cgf_client cl;

	if (cgf_opt_set(inv, CGF_OPT_SINCE))
		cgf_parse_seq(inv->optval[CGF_OPT_SINCE], &since);
	rc = container_filter(inv, "denials", container, sizeof(container));
	if (rc)
		return rc;
	if (container[0])
		filter.container = container;
	cgf_denial_view_init(&view, stdout, cgf_opt_set(inv, CGF_OPT_JSON), &filter, since);

	rc = cgf_connect(&cl);
	if (rc)
		return rc;
	fo.req = &cl;
	fo.view = &view;
	cgf_origins_init(&fo.origins, NULL);
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
	rc = dump_records(&cl, "denials", since, view_record, &fo);
	if (!rc && follow)
		rc = follow_loop(&fo, sigfd);
	if (!rc || (follow && fo.events.gone)) {
		have_lost = !fo.events.gone && module_lost(&cl, &lost);
		cgf_denial_view_summary(&view, have_lost, lost);
	}
	if (fo.events.bad_records)
		cgf_err("denials: %d malformed record%s from the multicast group skipped\n",
			fo.events.bad_records, fo.events.bad_records == 1 ? "" : "s");
out:
	if (sigfd >= 0)
		close(sigfd);
	cgf_client_close(&fo.ev);
	cgf_origins_free(&fo.origins);
	cgf_client_close(&cl);
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

/* What was left out or is missing, for both sources: the profile may need more. */
static void learn_summary(const struct cgf_learn_request *req, const struct cgf_learn_stats *st)
{
	if (st->other_profile)
		cgf_err("learn: left out: records of other profiles: %zu\n", st->other_profile);
	if (st->other_container)
		cgf_err("learn: left out: records of %s in other containers: %zu\n", req->profile,
			st->other_container);
	if (st->enforced)
		cgf_err("learn: %zu denial%s of %s in enforce mode not used: only would-deny records are\n",
			st->enforced, st->enforced == 1 ? "" : "s", req->profile);
	if (st->lost)
		cgf_err("learn: %" PRIu64 " record%s lost while recording: the profile may be incomplete\n",
			st->lost, st->lost == 1 ? " was" : "s were");
	if (req->missing)
		cgf_err("learn: %" PRIu64 " record%s missing from the recording (seq gaps, of any container): the profile may be incomplete\n",
			req->missing, req->missing == 1 ? " was" : "s were");
	cgf_learn_report(stderr, "cgfence", st);
}

/* Reads the files of --from; 0, or the exit status with the reason reported. */
static int read_streams(const struct cgf_inv *inv, struct cgf_stream *s)
{
	const char *files[CGF_MAX_ARGS];
	int i, n, err;
	FILE *in;

	n = cgf_opt_values(inv, CGF_OPT_FROM, files, CGF_MAX_ARGS);
	for (i = 0; i < n; i++) {
		bool std_in = !strcmp(files[i], "-");
		const char *name = std_in ? "(standard input)" : files[i];

		in = std_in ? stdin : fopen(files[i], "re");
		if (!in) {
			err = -errno;
		} else {
			errno = 0;
			err = cgf_stream_read(s, in, name);
			if (!std_in)
				fclose(in);
		}
		if (err == -ENOMEM) {
			cgf_err("learn: %s\n", strerror(ENOMEM));
			return CGF_EXIT_FAIL;
		}
		if (err) {
			cgf_err("learn: cannot read ");
			cgf_safe_text(stderr, name);
			fprintf(stderr, ": %s (nothing was written)\n", strerror(-err));
			return CGF_EXIT_FAIL;
		}
	}
	cgf_stream_finish(s);
	if (s->skipped > CGF_STREAM_SHOWN)
		cgf_err("learn: %zu lines skipped (the first %d are shown above)\n", s->skipped,
			CGF_STREAM_SHOWN);
	else if (s->skipped)
		cgf_err("learn: %zu line%s skipped\n", s->skipped, s->skipped == 1 ? "" : "s");
	if (s->duplicates)
		cgf_err("learn: %zu record%s in more than one file: counted once\n",
			s->duplicates, s->duplicates == 1 ? " was" : "s were");
	return 0;
}

/* --container for --from: a cgroup path, or a container id prefix, as the records name them. */
static int stream_container(const struct cgf_inv *inv, const struct cgf_stream *s, char *buf,
			    size_t len)
{
	const char *arg = inv->optval[CGF_OPT_CONTAINER];
	char mount[PATH_MAX];
	int err;

	buf[0] = '\0';
	if (!cgf_opt_set(inv, CGF_OPT_CONTAINER))
		return 0;
	cgf_cgroup2_mount(mount, sizeof(mount));
	err = cgf_stream_container(s, mount, arg, buf, len);
	if (err == -EEXIST) {
		cgf_err("learn: --container %s: several containers of the records have an id starting so:\n",
			arg);
		fprintf(stderr, "%s\n", buf);
		return CGF_EXIT_USAGE;
	}
	if (err == -ENOMEM) {
		cgf_err("learn: %s\n", strerror(ENOMEM));
		return CGF_EXIT_FAIL;
	}
	if (err) {
		cgf_err("learn: --container: path too long\n");
		return CGF_EXIT_USAGE;
	}
	return 0;
}

/* learn --from: the same learning, from saved streams; the module is never asked. */
static int learn_from(const struct cgf_inv *inv, struct cgf_learn_request *req)
{
	char container[PATH_MAX];
	struct cgf_learn_stats st;
	struct cgf_stream s;
	int rc, err;

	cgf_stream_init(&s, stderr, "cgfence: learn");
	rc = read_streams(inv, &s);
	if (!rc)
		rc = stream_container(inv, &s, container, sizeof(container));
	if (rc)
		goto out;
	if (container[0])
		req->container = container;
	req->missing = s.missing;
	err = cgf_learn_write(stdout, s.recs, s.n, req, &st);
	if (err == -ENOENT) {
		cgf_err("learn: no would-deny record of profile %s%s", req->profile,
			req->container ? " in " : "");
		if (req->container)
			cgf_safe_text(stderr, req->container);
		fprintf(stderr, " in the %zu line%s read (nothing was written)\n", s.lines,
			s.lines == 1 ? "" : "s");
		rc = CGF_EXIT_FAIL;
	} else if (err) {
		cgf_err("learn: %s\n", strerror(-err));
		rc = CGF_EXIT_FAIL;
	}
	if (!err || err == -ENOENT)
		learn_summary(req, &st);
out:
	cgf_stream_free(&s);
	return rc;
}

static void record_list_clear(struct record_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		cgf_denial_release(&l->recs[i]);
	l->n = 0;
}

/*
 * The module's records of @req->profile: its learned records when it keeps them (every
 * distinct would-deny of its complain mode, beyond the rate limit), otherwise the
 * ring's newest. @learned tells which; @missed is what the learned set had no room for.
 * Returns 0, or the exit status with the failure reported.
 */
static int module_records(const struct cgf_learn_request *req, struct record_list *list,
			  bool *learned, uint64_t *missed)
{
	struct cgf_profile_row row;
	struct cgf_client cl;
	int rc, err, tries;

	*learned = false;
	*missed = 0;
	rc = cgf_connect(&cl);
	if (rc)
		return rc;
	/* An unloaded profile may still have records in the ring. */
	err = cgf_client_profile(&cl, req->profile, &row);
	if (!err) {
		free(row.devices);
		*learned = row.learning;
	} else if (err != -ENOENT) {
		rc = cgf_report_client("learn", &cl, err);
		goto out;
	}
	if (!*learned) {
		rc = dump_records(&cl, "learn", 1, keep_record, list);
		goto out;
	}
	for (tries = 0; tries < CGF_DUMP_TRIES; tries++) {
		record_list_clear(list);
		err = cgf_client_profile(&cl, req->profile, &row);
		if (!err) {
			free(row.devices);
			*missed = row.learned_missed;
			err = cgf_client_learned(&cl, req->profile, keep_record, list);
		}
		if (err != -EAGAIN)
			break;
	}
	rc = err ? cgf_report_client("learn", &cl, err) : CGF_EXIT_OK;
out:
	cgf_client_close(&cl);
	return rc;
}

int cgf_cmd_learn(const struct cgf_inv *inv)
{
	struct cgf_learn_request req = { .profile = inv->argv[0] };
	struct record_list list = { .recs = NULL };
	struct cgf_learn_stats st;
	char container[PATH_MAX];
	uint64_t missed;
	bool learned;
	int rc, err;

	if (cgf_opt_set(inv, CGF_OPT_FROM))
		return learn_from(inv, &req);
	rc = container_filter(inv, "learn", container, sizeof(container));
	if (rc)
		return rc;
	if (container[0])
		req.container = container;
	rc = module_records(&req, &list, &learned, &missed);
	if (rc)
		goto out;

	err = cgf_learn_write(stdout, list.recs, list.n, &req, &st);
	if (err == -ENOENT) {
		cgf_err("learn: no would-deny record of profile %s%s%s", req.profile,
			req.container ? " in " : "", req.container ? req.container : "");
		fputs(learned ? " in the module's learned records" : " in the module's denial records",
		      stderr);
		fputs(" (is the profile in complain mode, attached, and was the container busy?)\n",
		      stderr);
		rc = CGF_EXIT_FAIL;
	} else if (err) {
		cgf_err("learn: %s\n", strerror(-err));
		rc = CGF_EXIT_FAIL;
	}
	if (!err || err == -ENOENT)
		learn_summary(&req, &st);
	if (missed)
		cgf_err("learn: %" PRIu64 " refusal%s found the module's learned records full: rules for them are missing (raise the module parameter learn_records, then load the profile in complain mode again)\n",
			missed, missed == 1 ? "" : "s");
	/* The ring keeps the newest records only: older ones may have held more to learn. */
	if (!err && !learned && list.n && list.recs[0].seq > 1) {
		cgf_err("learn: note: records before seq %" PRIu64, list.recs[0].seq);
		fputs(" are gone from the module's ring: rules for them are missing\n", stderr);
	}
out:
	record_list_clear(&list);
	free(list.recs);
	return rc;
}
