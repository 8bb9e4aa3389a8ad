// SPDX-License-Identifier: GPL-2.0
/* stress: each allocation of each control-plane change failed in turn; a confined task's too. */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "e2e.h"
#include "tap.h"

/*
 * The debug kernel's fail-nth (CONFIG_FAULT_INJECTION with FAILSLAB): writing N makes the
 * N-th allocation this thread makes fail; reading 0 back says it did. The module's control
 * plane runs in the sender's thread, inside sendmsg(), so a request's allocations are the
 * sender's.
 */
#define FAIL_NTH	"/proc/thread-self/fail-nth"
#define FAILSLAB	"/sys/kernel/debug/failslab"
#define MAX_NTH		400
#define DIR		"/tmp/t_faults"
#define BOX		"ft-box"
#define OTHER		"ft-other"
#define FRESH		"ft-new"

static struct cgf_conn conn;
static __u64 spare_id;

/*
 * The fail-nth file of the calling thread, opened once: opening it again would itself
 * allocate and count. Reads and writes of it allocate nothing.
 */
static int nth_fd = -1;

static int nth_open(void)
{
	nth_fd = open(FAIL_NTH, O_RDWR | O_CLOEXEC);
	return nth_fd < 0 ? -errno : 0;
}

static int set_nth(unsigned int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%u", n);

	return pwrite(nth_fd, buf, len, 0) == len ? 0 : -errno;
}

/* True when the N-th allocation was reached and failed (fail-nth counted down to 0). */
static bool injected(void)
{
	char buf[16];
	ssize_t len = pread(nth_fd, buf, sizeof(buf) - 1, 0);
	bool hit;

	buf[len > 0 ? len : 0] = '\0';
	hit = len > 0 && atoi(buf) == 0;
	set_nth(0);
	return hit;
}

static const struct cgf_file_rule box_rules[] = {
	{ .id = 1, .effect = CGFENCE_EFFECT_DENY, .perms = CGFENCE_FILE_READ, .path = DIR "/secret" },
	{ .id = 2, .effect = CGFENCE_EFFECT_ALLOW, .perms = CGFENCE_FILE_READ, .path = "/nowhere/**" },
	{ .id = 3, .effect = CGFENCE_EFFECT_DENY, .perms = CGFENCE_FILE_EXEC, .path = DIR "/noexec" },
};

/* What a change is judged by: read back without any fault. */
struct view {
	bool fresh, other, other_complain, spare_attached;
	__u64 box_generation;
	unsigned int fresh_rules;
};

static int look(struct view *v)
{
	struct cgf_profile_rec rec;
	struct cgf_attach_rec *att;
	struct cgf_snapshot s;
	unsigned int i;
	int err;

	memset(v, 0, sizeof(*v));
	err = cgf_snapshot_take(&s);
	if (err)
		return err;
	if (s.st.profiles != s.nr_profiles || s.st.attachments != s.nr_attachments) {
		cgf_snapshot_free(&s);
		return tap_fail("STATUS says %u profiles and %u attachments, the dumps %u and %u",
				s.st.profiles, s.st.attachments, s.nr_profiles, s.nr_attachments);
	}
	for (i = 0; i < s.nr_attachments; i++) {
		att = &s.attachments[i];
		v->spare_attached |= att->cgroup_id == spare_id;
	}
	cgf_snapshot_free(&s);
	v->fresh = !cgf_profile_get(&conn, FRESH, &rec);
	v->fresh_rules = v->fresh ? rec.rules : 0;
	v->other = !cgf_profile_get(&conn, OTHER, &rec);
	v->other_complain = v->other && rec.mode == CGFENCE_MODE_COMPLAIN;
	err = cgf_profile_get(&conn, BOX, &rec);
	v->box_generation = rec.generation;
	return err;
}

static bool same(const struct view *a, const struct view *b)
{
	return a->fresh == b->fresh && a->fresh_rules == b->fresh_rules && a->other == b->other &&
	       a->other_complain == b->other_complain && a->spare_attached == b->spare_attached &&
	       a->box_generation == b->box_generation;
}

/* One change: set up without faults, then done with the N-th allocation failing. */
struct change {
	const char *name;
	void (*prepare)(void);		/* the state before, restored every round */
	int (*apply)(void);
	void (*expect)(const struct view *before, struct view *after); /* the state after */
};

static void prepare_none(void)
{
	cgf_profile_remove(&conn, FRESH, true);
	cgf_detach(&conn, spare_id);
	cgf_profile_load(&conn, OTHER, CGFENCE_MODE_ENFORCE, CGFENCE_EFFECT_ALLOW, box_rules, 1);
}

static void prepare_attached(void)
{
	prepare_none();
	cgf_attach(&conn, spare_id, BOX);
}

static int apply_load(void)
{
	return cgf_profile_load(&conn, FRESH, CGFENCE_MODE_ENFORCE, CGFENCE_EFFECT_DENY, box_rules,
				ARRAY_SIZE(box_rules));
}

static void expect_load(const struct view *b, struct view *a)
{
	*a = *b;
	a->fresh = true;
	a->fresh_rules = ARRAY_SIZE(box_rules);
}

static int apply_replace(void)
{
	return cgf_profile_load(&conn, BOX, CGFENCE_MODE_ENFORCE, CGFENCE_EFFECT_ALLOW, box_rules,
				ARRAY_SIZE(box_rules));
}

static void expect_replace(const struct view *b, struct view *a)
{
	*a = *b;
	a->box_generation = b->box_generation + 1;
}

static int apply_attach(void)
{
	return cgf_attach(&conn, spare_id, BOX);
}

static void expect_attached(const struct view *b, struct view *a)
{
	*a = *b;
	a->spare_attached = true;
}

static int apply_detach(void)
{
	return cgf_detach(&conn, spare_id);
}

static void expect_detached(const struct view *b, struct view *a)
{
	*a = *b;
	a->spare_attached = false;
}

static int apply_mode(void)
{
	return cgf_profile_set_mode(&conn, OTHER, CGFENCE_MODE_COMPLAIN);
}

static void expect_mode(const struct view *b, struct view *a)
{
	*a = *b;
	a->other_complain = true;
}

static int apply_remove(void)
{
	return cgf_profile_remove(&conn, OTHER, false);
}

static void expect_removed(const struct view *b, struct view *a)
{
	*a = *b;
	a->other = false;
}

static const struct change changes[] = {
	{ "load a profile (BEGIN, ADD, COMMIT)", prepare_none, apply_load, expect_load },
	{ "replace an attached profile", prepare_none, apply_replace, expect_replace },
	{ "attach", prepare_none, apply_attach, expect_attached },
	{ "detach", prepare_attached, apply_detach, expect_detached },
	{ "switch to complain mode", prepare_none, apply_mode, expect_mode },
	{ "remove a profile", prepare_none, apply_remove, expect_removed },
};

/*
 * Fails the 1st, 2nd, ... allocation of the change until it needs no more. After each:
 * the store is as before or as the change leaves it, never in between; a refusal is a
 * clean errno; and the store agrees with itself.
 */
static void run_change(const struct change *ch)
{
	struct view before, after, want;
	unsigned int n, faults = 0, refused = 0, done = 0, lost_ack = 0, wrong = 0;
	char errnos[160] = "";
	int err;

	for (n = 1; n <= MAX_NTH; n++) {
		/* A transaction cut by a failure stays with its socket: start each round afresh. */
		cgf_conn_close(&conn);
		if (cgf_conn_open(&conn))
			break;
		ch->prepare();
		if (look(&before))
			break;
		ch->expect(&before, &want);
		set_nth(n);
		err = ch->apply();
		if (!injected()) {
			/* The change needed fewer than n allocations: it must simply work. */
			if (err || look(&after) || !same(&after, &want))
				wrong += !tap_fail("%s with no fault: %s", ch->name, errname(err));
			break;
		}
		faults++;
		if (look(&after)) {
			wrong++;
			continue;
		}
		if (!err && same(&after, &want)) {
			done++;
		} else if (err && same(&after, &before)) {
			refused++;
			if (!strstr(errnos, errname(err)) && strlen(errnos) < sizeof(errnos) - 16)
				snprintf(errnos + strlen(errnos), sizeof(errnos) - strlen(errnos), "%s%s",
					 *errnos ? " " : "", errname(err));
		} else if (err == -ENOBUFS && (same(&after, &want) || same(&after, &before))) {
			/* The answer itself could not be allocated: either state is honest. */
			lost_ack++;
		} else {
			wrong++;
			tap_diag("%s, allocation %u failed: %s, and the store is %s", ch->name, n,
				 errname(err), same(&after, &want) ? "changed" : "neither before nor after");
		}
	}
	tap_result(n <= MAX_NTH && faults > 0 && !wrong,
		   "%s: each of its %u allocations failed in turn: %u refused cleanly (%s), %u done "
		   "anyway, %u answers lost, store never half changed", ch->name, faults, refused,
		   *errnos ? errnos : "-", done, lost_ack);
}

struct worker_result {
	unsigned int faults, let_through, exec_through;
};

/* Confined: a refused open and a refused exec, each with its N-th allocation failing. */
static int confined_work(void *arg)
{
	struct worker_result *r = arg;
	unsigned int n;
	int fd;

	/* This process's own thread: the parent's file names the parent. */
	if (nth_open())
		return 1;
	for (n = 1; n <= MAX_NTH; n++) {
		set_nth(n);
		fd = open(DIR "/secret", O_RDONLY);
		if (!injected())
			break;
		r->faults++;
		if (fd >= 0) {
			r->let_through++;
			close(fd);
		}
	}
	for (n = 1; n <= MAX_NTH; n++) {
		pid_t pid = fork();
		int status;

		if (!pid) {
			if (nth_open())
				_exit(102);
			set_nth(n);
			execl(DIR "/noexec", DIR "/noexec", (char *)NULL);
			_exit(injected() ? 100 : 101);
		}
		if (pid < 0 || waitpid(pid, &status, 0) < 0)
			return 1;
		if (WIFEXITED(status) && WEXITSTATUS(status) == 101)
			break;
		if (WIFEXITED(status) && WEXITSTATUS(status) == 102)
			return 1;
		r->faults++;
		/* Only a child whose execl() returned exits 100, 101 or 102: anything else ran. */
		r->exec_through += !(WIFEXITED(status) && WEXITSTATUS(status) == 100);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct box box = { .created = false };
	struct worker_result *wr;
	char spare[64];
	unsigned int i;
	int err;

	tap_init(argc, argv);
	tap_plan(5 + ARRAY_SIZE(changes));
	wr = shared_alloc(sizeof(*wr));
	if (!wr)
		return 1;
	err = nth_open() || write_file(FAILSLAB "/ignore-gfp-wait", "N") ||
	      write_file(FAILSLAB "/verbose", "0");
	tap_result(!err, "the kernel fails allocations on request (%s, failslab)", FAIL_NTH);
	if (err)
		return tap_done();
	err = cgf_load();
	tap_result(!err, "insmod cgfence.ko");
	if (err)
		return tap_done();

	snprintf(spare, sizeof(spare), CGROUP_ROOT "/t_faults.spare");
	err = mkdir_p(DIR) || make_file(DIR "/secret", "s\n", 0644) ||
	      make_file(DIR "/noexec", "#!/bin/sh\nexit 0\n", 0755) || mkdir_p(spare) ||
	      box_make(&box, "t_faults.box", BOX, CGFENCE_MODE_ENFORCE, CGFENCE_EFFECT_ALLOW,
		       box_rules, ARRAY_SIZE(box_rules)) || cgf_conn_open(&conn);
	spare_id = err ? 0 : cgroup_id_of(spare);
	tap_result(!err && spare_id, "a container confined by %s, and an empty cgroup", BOX);
	if (err || !spare_id)
		return tap_done();

	for (i = 0; i < ARRAY_SIZE(changes); i++)
		run_change(&changes[i]);

	err = run_confined(&box, NULL, confined_work, wr);
	tap_result(!err && wr->faults > 0 && !wr->let_through && !wr->exec_through,
		   "confined: %u allocations of a refused open and a refused exec failed in turn, "
		   "none let it through (%u opens, %u execs did)", wr->faults, wr->let_through,
		   wr->exec_through);

	cgf_detach(&conn, spare_id);
	cgf_profile_remove(&conn, FRESH, true);
	cgf_profile_remove(&conn, OTHER, true);
	cgf_conn_close(&conn);
	box_drop(&box);
	rmdir(spare);
	remove_tree(DIR);
	write_file(FAILSLAB "/ignore-gfp-wait", "Y");
	tap_case("rmmod cgfence", case_cgfence_rmmod, NULL);
	return tap_done();
}
