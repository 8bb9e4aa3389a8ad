// SPDX-License-Identifier: GPL-2.0
/* e2e: the control plane over raw netlink: commands, replace, permissions, bad input, limits. */

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <linux/capability.h>

#include "e2e.h"
#include "genl.h"
#include "tap.h"

#define DIR		"/tmp/t_control"
#define SECRET		DIR "/secret"
#define PUBLIC		DIR "/public"
#define FILE_A		DIR "/a"
#define FILE_B		DIR "/b"
#define FLIP		DIR "/flip"

#define CAP(c)		(1ULL << (c))
#define R		CGFENCE_FILE_READ
#define W		CGFENCE_FILE_WRITE
#define ALLOW		CGFENCE_EFFECT_ALLOW
#define DENY		CGFENCE_EFFECT_DENY
#define ENFORCE		CGFENCE_MODE_ENFORCE
#define COMPLAIN	CGFENCE_MODE_COMPLAIN

/* Big enough for the 100,000-rule profile and for building messages by hand. */
static struct genl_msg msg;

static const struct cgf_file_rule deny_secret[] = {
	{ 1, DENY, R, SECRET },
};

static const struct cgf_file_rule deny_a[] = {
	{ 7, DENY, R, FILE_A },
};

static const struct cgf_file_rule deny_b[] = {
	{ 8, DENY, R, FILE_B },
};

/* The caller's cgroup as the module names it: relative to the cgroup2 root. */
static const char *cgroup_rel(const char *dir)
{
	return dir + strlen(CGROUP_ROOT);
}

static int expect_extack(const char *what, const struct cgf_conn *c)
{
	if (c->extack[0])
		return 0;
	return tap_fail("%s: the refusal came without an extack message", what);
}

/* A refusal with exactly @want and an extack message; diagnosed either way. */
static int expect_refused(const char *what, int got, int want, const struct cgf_conn *c)
{
	tap_diag("%s: %s, extack \"%s\"", what, errname(got), c->extack);
	if (expect_err(what, got, want))
		return -1;
	return expect_extack(what, c);
}

static int expect_profile(struct cgf_conn *c, const char *name, __u8 mode, __u64 gen,
			  __u32 rules, __u32 attachments)
{
	struct cgf_profile_rec rec;
	int err;

	err = cgf_profile_get(c, name, &rec);
	if (err)
		return tap_fail("PROFILE_GET %s: %s (%s)", name, errname(err), c->extack);
	if (strcmp(rec.name, name) || rec.mode != mode || rec.generation != gen ||
	    rec.rules != rules || rec.attachments != attachments)
		return tap_fail("PROFILE_GET %s: name %s mode %u generation %llu rules %u attachments %u, want mode %u generation %llu rules %u attachments %u",
				name, rec.name, rec.mode, (unsigned long long)rec.generation,
				rec.rules, rec.attachments, mode, (unsigned long long)gen, rules,
				attachments);
	return 0;
}

/* The dump's record for @name: 1 found (copied to @out), 0 absent, -1 on error. */
static int dump_find_profile(struct cgf_conn *c, const char *name, struct cgf_profile_rec *out)
{
	struct cgf_profile_rec recs[64];
	unsigned int i, n;
	int err;

	err = cgf_profile_dump(c, recs, ARRAY_SIZE(recs), &n);
	if (err)
		return tap_fail("profile dump: %s (%s)", errname(err), c->extack);
	for (i = 0; i < n && i < ARRAY_SIZE(recs); i++) {
		if (!strcmp(recs[i].name, name)) {
			*out = recs[i];
			return 1;
		}
	}
	return 0;
}

static int dump_find_attachment(struct cgf_conn *c, __u64 id, struct cgf_attach_rec *out)
{
	struct cgf_attach_rec recs[64];
	unsigned int i, n;
	int err;

	err = cgf_attach_dump(c, recs, ARRAY_SIZE(recs), &n);
	if (err)
		return tap_fail("attachment dump: %s (%s)", errname(err), c->extack);
	for (i = 0; i < n && i < ARRAY_SIZE(recs); i++) {
		if (recs[i].cgroup_id == id) {
			*out = recs[i];
			return 1;
		}
	}
	return 0;
}

static int status_counts(__u32 *profiles, __u32 *attachments)
{
	struct cgf_status st;
	int err = cgf_status_query(&st);

	if (err)
		return tap_fail("STATUS: %s", errname(err));
	*profiles = st.profiles;
	*attachments = st.attachments;
	return 0;
}

/* What a confined child should get for opening @path read-only: checked inside it. */
struct open_expect {
	const char *path;
	int want;
};

static int child_opens(void *arg)
{
	const struct open_expect *e = arg;
	int ret = 0;

	for (; e->path; e++) {
		char what[160];

		snprintf(what, sizeof(what), "open(%s, O_RDONLY) in the box", e->path);
		if (expect_err(what, try_open(e->path, O_RDONLY), e->want))
			ret = -1;
	}
	return ret;
}

static int opens_in(const char *dir, const struct open_expect *e)
{
	return run_in_cgroup(dir, NULL, child_opens, (void *)e);
}

static int case_load(void *arg)
{
	(void)arg;
	return expect_err("finit_module(cgfence.ko)", cgf_load(), 0);
}

/* PROFILE_BEGIN/ADD/COMMIT, GET, dump, MODE, replace and REMOVE of one profile. */
static int case_profile_round_trip(void *arg)
{
	static const struct cgf_file_rule rules[] = {
		{ 1, ALLOW, R, DIR "/**" },
		{ 2, DENY, W, DIR "/ro" },
		{ 3, DENY, R | W, SECRET },
	};
	struct cgf_profile_rec rec;
	__u32 p0 = 0, a0 = 0, p1 = 0, a1 = 0;
	struct cgf_conn c;
	int err, ret = -1;

	(void)arg;
	if (status_counts(&p0, &a0) || cgf_conn_open(&c))
		return -1;
	if (cgf_profile_load(&c, "ctl-rt", ENFORCE, ALLOW, rules, ARRAY_SIZE(rules)))
		goto out;
	if (expect_profile(&c, "ctl-rt", ENFORCE, 1, 3, 0))
		goto out;
	err = dump_find_profile(&c, "ctl-rt", &rec);
	if (err <= 0) {
		tap_fail("the profile dump does not list ctl-rt");
		goto out;
	}
	if (rec.mode != ENFORCE || rec.generation != 1 || rec.rules != 3 || rec.attachments) {
		tap_fail("dump: ctl-rt mode %u generation %llu rules %u attachments %u",
			 rec.mode, (unsigned long long)rec.generation, rec.rules, rec.attachments);
		goto out;
	}
	if (status_counts(&p1, &a1))
		goto out;
	if (p1 != p0 + 1 || a1 != a0) {
		tap_fail("STATUS profiles %u attachments %u, want %u %u", p1, a1, p0 + 1, a0);
		goto out;
	}

	/* Every mode change and every replace bumps the profile's generation. */
	err = cgf_profile_set_mode(&c, "ctl-rt", COMPLAIN);
	if (expect_err("PROFILE_MODE complain", err, 0) ||
	    expect_profile(&c, "ctl-rt", COMPLAIN, 2, 3, 0))
		goto out;
	err = cgf_profile_set_mode(&c, "ctl-rt", ENFORCE);
	if (expect_err("PROFILE_MODE enforce", err, 0) ||
	    expect_profile(&c, "ctl-rt", ENFORCE, 3, 3, 0))
		goto out;
	/* A replace takes the new profile's mode, rules and default whole. */
	if (cgf_profile_load(&c, "ctl-rt", COMPLAIN, DENY, rules, 1) ||
	    expect_profile(&c, "ctl-rt", COMPLAIN, 4, 1, 0))
		goto out;
	if (status_counts(&p1, &a1) || p1 != p0 + 1) {
		tap_fail("a replace changed the number of profiles: %u, want %u", p1, p0 + 1);
		goto out;
	}

	err = cgf_profile_remove(&c, "ctl-rt", false);
	if (expect_err("PROFILE_REMOVE", err, 0))
		goto out;
	err = cgf_profile_get(&c, "ctl-rt", &rec);
	if (expect_refused("PROFILE_GET after REMOVE", err, -ENOENT, &c))
		goto out;
	if (dump_find_profile(&c, "ctl-rt", &rec)) {
		tap_fail("the dump still lists ctl-rt after REMOVE");
		goto out;
	}
	err = cgf_profile_remove(&c, "ctl-rt", false);
	if (expect_refused("PROFILE_REMOVE again", err, -ENOENT, &c))
		goto out;
	if (status_counts(&p1, &a1))
		goto out;
	if (p1 != p0 || a1 != a0) {
		tap_fail("STATUS profiles %u attachments %u, want %u %u", p1, a1, p0, a0);
		goto out;
	}
	ret = 0;
out:
	cgf_profile_remove(&c, "ctl-rt", true);
	cgf_conn_close(&c);
	return ret;
}

/* ATTACH by cgroup id, ATTACH_GET with the path, DETACH, and the counts on every side. */
static int case_attach_detach(void *arg)
{
	struct cgf_attach_rec att;
	struct box b = { 0 };
	__u32 p0 = 0, a0 = 0, p1 = 0, a1 = 0;
	struct cgf_conn c;
	const char *want_path;
	int err, ret = -1;

	(void)arg;
	if (status_counts(&p0, &a0))
		return -1;
	if (box_make(&b, "box", "ctl-at", ENFORCE, ALLOW, deny_secret, 1))
		goto out_box;
	if (cgf_conn_open(&c))
		goto out_box;
	if (expect_profile(&c, "ctl-at", ENFORCE, 1, 1, 1))
		goto out;
	if (dump_find_attachment(&c, b.id, &att) != 1) {
		tap_fail("ATTACH_GET does not list cgroup %llu", (unsigned long long)b.id);
		goto out;
	}
	want_path = cgroup_rel(b.dir);
	tap_diag("ATTACH_GET: id %llu path %s profile %s", (unsigned long long)att.cgroup_id,
		 att.path, att.profile);
	if (strcmp(att.path, want_path) || strcmp(att.profile, "ctl-at")) {
		tap_fail("ATTACH_GET: path %s profile %s, want %s ctl-at", att.path, att.profile,
			 want_path);
		goto out;
	}
	if (status_counts(&p1, &a1) || p1 != p0 + 1 || a1 != a0 + 1) {
		tap_fail("STATUS profiles %u attachments %u, want %u %u", p1, a1, p0 + 1, a0 + 1);
		goto out;
	}
	/* The same attachment again is a swap to the same profile: nothing to count twice. */
	err = cgf_attach(&c, b.id, "ctl-at");
	if (expect_err("ATTACH again", err, 0) || expect_profile(&c, "ctl-at", ENFORCE, 1, 1, 1))
		goto out;
	if (status_counts(&p1, &a1) || a1 != a0 + 1) {
		tap_fail("STATUS attachments %u after attaching twice, want %u", a1, a0 + 1);
		goto out;
	}

	err = cgf_detach(&c, b.id);
	if (expect_err("DETACH", err, 0))
		goto out;
	b.attached = false;
	if (expect_profile(&c, "ctl-at", ENFORCE, 1, 1, 0))
		goto out;
	if (dump_find_attachment(&c, b.id, &att)) {
		tap_fail("ATTACH_GET still lists the cgroup after DETACH");
		goto out;
	}
	if (status_counts(&p1, &a1) || a1 != a0) {
		tap_fail("STATUS attachments %u after DETACH, want %u", a1, a0);
		goto out;
	}
	err = cgf_detach(&c, b.id);
	if (expect_refused("DETACH again", err, -ENOENT, &c))
		goto out;
	ret = 0;
out:
	cgf_conn_close(&c);
out_box:
	box_drop(&b);
	return ret;
}

/* REMOVE of an attached profile: EBUSY, and FORCE detaches everywhere first. */
static int case_remove_force(void *arg)
{
	static const struct open_expect confined[] = {
		{ SECRET, -EACCES }, { PUBLIC, 0 }, { NULL, 0 },
	};
	static const struct open_expect free[] = {
		{ SECRET, 0 }, { PUBLIC, 0 }, { NULL, 0 },
	};
	struct cgf_attach_rec att;
	struct box b = { 0 };
	struct cgf_conn c;
	__u32 p0 = 0, a0 = 0, p1 = 0, a1 = 0;
	int err, ret = -1;

	(void)arg;
	if (status_counts(&p0, &a0))
		return -1;
	if (box_make(&b, "box", "ctl-rf", ENFORCE, ALLOW, deny_secret, 1) ||
	    opens_in(b.dir, confined))
		goto out_box;
	if (cgf_conn_open(&c))
		goto out_box;
	err = cgf_profile_remove(&c, "ctl-rf", false);
	if (expect_refused("PROFILE_REMOVE of an attached profile", err, -EBUSY, &c) ||
	    expect_profile(&c, "ctl-rf", ENFORCE, 1, 1, 1))
		goto out;
	err = cgf_profile_remove(&c, "ctl-rf", true);
	if (expect_err("PROFILE_REMOVE with FORCE", err, 0))
		goto out;
	b.loaded = b.attached = false;
	if (dump_find_attachment(&c, b.id, &att)) {
		tap_fail("ATTACH_GET still lists the cgroup after a forced REMOVE");
		goto out;
	}
	if (status_counts(&p1, &a1) || p1 != p0 || a1 != a0) {
		tap_fail("STATUS profiles %u attachments %u, want %u %u", p1, a1, p0, a0);
		goto out;
	}
	err = cgf_detach(&c, b.id);
	if (expect_refused("DETACH after a forced REMOVE", err, -ENOENT, &c))
		goto out;
	/* Its tasks are unconfined now. */
	ret = opens_in(b.dir, free);
out:
	cgf_conn_close(&c);
out_box:
	box_drop(&b);
	return ret;
}

/* A task waiting inside the box until the parent says go, then checking what it gets. */
struct waiter {
	volatile int go;
	const struct open_expect *expect;
};

static int child_wait_then_open(void *arg)
{
	struct waiter *w = arg;
	int i;

	for (i = 0; !w->go && i < 10000; i++)
		usleep(1000);
	if (!w->go)
		return tap_fail("the parent never said go");
	return child_opens((void *)w->expect);
}

/* Re-attach swaps the profile of a cgroup, also for the tasks already in it. */
static int case_reattach_swap(void *arg)
{
	static const struct open_expect under_s1[] = {
		{ FILE_A, -EACCES }, { FILE_B, 0 }, { NULL, 0 },
	};
	static const struct open_expect under_s2[] = {
		{ FILE_A, 0 }, { FILE_B, -EACCES }, { NULL, 0 },
	};
	struct cgf_attach_rec att;
	struct waiter *w = NULL;
	struct box b = { 0 };
	struct cgf_conn c;
	pid_t pid = -1;
	int err, ret = -1;

	(void)arg;
	if (box_make(&b, "box", "ctl-s1", ENFORCE, ALLOW, deny_a, 1))
		goto out_box;
	if (cgf_conn_open(&c))
		goto out_box;
	if (cgf_profile_load(&c, "ctl-s2", ENFORCE, ALLOW, deny_b, 1))
		goto out;
	if (opens_in(b.dir, under_s1))
		goto out;
	w = shared_alloc(sizeof(*w));
	if (!w)
		goto out;
	w->expect = under_s2;
	pid = start_in_cgroup(b.dir, NULL, child_wait_then_open, w);
	if (pid < 0)
		goto out;

	err = cgf_attach(&c, b.id, "ctl-s2");
	if (expect_err("ATTACH the attached cgroup to ctl-s2", err, 0))
		goto out;
	if (expect_profile(&c, "ctl-s1", ENFORCE, 1, 1, 0) ||
	    expect_profile(&c, "ctl-s2", ENFORCE, 1, 1, 1))
		goto out;
	if (dump_find_attachment(&c, b.id, &att) != 1 || strcmp(att.profile, "ctl-s2")) {
		tap_fail("ATTACH_GET does not show the cgroup under ctl-s2");
		goto out;
	}
	w->go = 1;
	err = finish_child(pid);
	pid = -1;
	if (err) {
		tap_fail("a task inside before the swap does not see ctl-s2");
		goto out;
	}
	/* ...and a task that enters afterwards. */
	if (opens_in(b.dir, under_s2))
		goto out;
	/* Nothing holds ctl-s1 now: it goes without FORCE. */
	err = cgf_profile_remove(&c, "ctl-s1", false);
	ret = expect_err("PROFILE_REMOVE ctl-s1 after the swap", err, 0);
out:
	if (pid > 0) {
		w->go = 1;
		finish_child(pid);
	}
	cgf_profile_remove(&c, "ctl-s2", true);
	cgf_conn_close(&c);
out_box:
	box_drop(&b);
	if (w)
		munmap(w, sizeof(*w));
	return ret;
}

/* A removed cgroup drops its attachment; a new cgroup at the same path starts free. */
static int case_removed_cgroup(void *arg)
{
	static const struct open_expect confined[] = {
		{ SECRET, -EACCES }, { NULL, 0 },
	};
	static const struct open_expect free[] = {
		{ SECRET, 0 }, { NULL, 0 },
	};
	struct cgf_attach_rec att;
	struct box b = { 0 };
	__u32 p0 = 0, a0 = 0, p1 = 0, a1 = 0;
	struct cgf_conn c;
	__u64 old_id;
	int err, ret = -1;

	(void)arg;
	if (status_counts(&p0, &a0))
		return -1;
	if (box_make(&b, "box", "ctl-rc", ENFORCE, ALLOW, deny_secret, 1) ||
	    opens_in(b.dir, confined))
		goto out_box;
	if (cgf_conn_open(&c))
		goto out_box;
	old_id = b.id;
	if (rmdir(b.dir)) {
		tap_fail("rmdir %s: %s", b.dir, errname(-errno));
		goto out;
	}
	b.created = false;
	if (status_counts(&p1, &a1) || a1 != a0) {
		tap_fail("STATUS attachments %u after rmdir of the cgroup, want %u", a1, a0);
		goto out;
	}
	if (dump_find_attachment(&c, old_id, &att)) {
		tap_fail("ATTACH_GET still lists the removed cgroup (path %s)", att.path);
		goto out;
	}
	if (expect_profile(&c, "ctl-rc", ENFORCE, 1, 1, 0))
		goto out;
	if (mkdir(b.dir, 0755)) {
		tap_fail("mkdir %s again: %s", b.dir, errname(-errno));
		goto out;
	}
	b.created = true;
	b.id = cgroup_id_of(b.dir);
	tap_diag("old cgroup id %llu, new one at the same path %llu",
		 (unsigned long long)old_id, (unsigned long long)b.id);
	if (b.id == old_id) {
		tap_fail("the new cgroup has the old id");
		goto out;
	}
	if (opens_in(b.dir, free))
		goto out;
	err = cgf_detach(&c, old_id);
	if (expect_refused("DETACH of the removed cgroup's id", err, -ENOENT, &c))
		goto out;
	b.attached = false;
	err = cgf_profile_remove(&c, "ctl-rc", false);
	if (expect_err("PROFILE_REMOVE without FORCE (nothing attached any more)", err, 0))
		goto out;
	b.loaded = false;
	ret = 0;
out:
	cgf_conn_close(&c);
out_box:
	box_drop(&b);
	return ret;
}

/*
 * Atomic replace: the profile flips between "deny write" and "deny read" of one file
 * while a confined task opens it in a loop. Each open must get one version's answer;
 * O_RDWR is refused by both, so a mix of the two (read from one, write from the
 * other) would be the only way for it to succeed.
 */
struct flip_stats {
	volatile int stop;
	long loops;
	long ro[2], wo[2], rw[2];	/* [0] allowed, [1] EACCES */
	long other;
	int other_err;
};

static void flip_count(struct flip_stats *s, long *slot, int err)
{
	if (err == 0) {
		slot[0]++;
	} else if (err == -EACCES) {
		slot[1]++;
	} else {
		s->other++;
		s->other_err = err;
	}
}

static int child_flip_loop(void *arg)
{
	struct flip_stats *s = arg;

	while (!s->stop) {
		flip_count(s, s->ro, try_open(FLIP, O_RDONLY));
		flip_count(s, s->wo, try_open(FLIP, O_WRONLY));
		flip_count(s, s->rw, try_open(FLIP, O_RDWR));
		s->loops++;
	}
	return 0;
}

static int case_atomic_replace(void *arg)
{
	static const struct cgf_file_rule v1[] = { { 11, DENY, W, FLIP } };
	static const struct cgf_file_rule v2[] = { { 12, DENY, R, FLIP } };
	struct timespec t0, t1;
	struct flip_stats *s;
	struct box b = { 0 };
	struct cgf_conn c;
	int i, err, ret = -1;
	long ms = 0;
	pid_t pid;

	(void)arg;
	s = shared_alloc(sizeof(*s));
	if (!s)
		return -1;
	if (box_make(&b, "box", "ctl-flip", ENFORCE, ALLOW, v1, 1) || cgf_conn_open(&c))
		goto out_box;
	pid = start_in_cgroup(b.dir, NULL, child_flip_loop, s);
	if (pid < 0)
		goto out;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	err = 0;
	/*
	 * At least 400 flips, and on until the child has seen both versions a few times
	 * (a slow machine may schedule it late), bounded in time.
	 */
	for (i = 0; (i < 400 || s->ro[0] < 10 || s->ro[1] < 10) && ms < 8000 && !err; i++) {
		err = cgf_profile_load(&c, "ctl-flip", ENFORCE, ALLOW, i % 2 ? v1 : v2, 1);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
		if (i % 50 == 0)
			usleep(2000);
	}
	s->stop = 1;
	if (finish_child(pid))
		goto out;
	tap_diag("%d replaces in %ld ms; the child looped %ld times: O_RDONLY %ld ok %ld EACCES, O_WRONLY %ld ok %ld EACCES, O_RDWR %ld ok %ld EACCES, %ld other",
		 i, ms, s->loops, s->ro[0], s->ro[1], s->wo[0], s->wo[1], s->rw[0], s->rw[1],
		 s->other);
	if (err)
		goto out;
	if (s->other) {
		tap_fail("%ld opens failed with something else than EACCES (last: %s)", s->other,
			 errname(s->other_err));
		goto out;
	}
	if (s->rw[0]) {
		tap_fail("O_RDWR succeeded %ld times: read and write judged by different versions",
			 s->rw[0]);
		goto out;
	}
	if (!s->ro[0] || !s->ro[1] || !s->wo[0] || !s->wo[1]) {
		tap_fail("the child did not see both versions (the flip did not reach it)");
		goto out;
	}
	/* Generation 1 at load, one more per replace. */
	ret = expect_profile(&c, "ctl-flip", ENFORCE, 1 + i, 1, 1);
out:
	cgf_conn_close(&c);
out_box:
	box_drop(&b);
	munmap(s, sizeof(*s));
	return ret;
}

/* The limit exactly: 100,000 rules in chunks, one of them enforced and named in the log. */
#define BIG_RULES	CGFENCE_MAX_RULES
#define BIG_DENY_ID	54321
#define BIG_DIR		"/tmp/t_control.big"

static int child_big(void *arg)
{
	char path[64];
	int ret = 0;

	(void)arg;
	snprintf(path, sizeof(path), BIG_DIR "/f%06u", BIG_DENY_ID);
	ret |= expect_err("open the file of the deny rule", try_open(path, O_RDONLY), -EACCES);
	snprintf(path, sizeof(path), BIG_DIR "/f%06u", BIG_DENY_ID - 1);
	ret |= expect_err("open the file of the allow rule before it", try_open(path, O_RDONLY), 0);
	snprintf(path, sizeof(path), BIG_DIR "/f%06u", BIG_RULES);
	ret |= expect_err("open the file of the last rule", try_open(path, O_RDONLY), 0);
	/* Default deny: a file no rule names. */
	ret |= expect_err("open a file no rule names", try_open(BIG_DIR "/other", O_RDONLY),
			  -EACCES);
	return ret;
}

static int case_big_profile(void *arg)
{
	struct cgf_file_rule *rules;
	struct timespec t0, t1;
	unsigned int i, msgs = 0;
	char path[64];
	struct box b = { 0 };
	struct cgf_conn c;
	char *names;
	int err, ret = -1;

	(void)arg;
	rules = calloc(BIG_RULES, sizeof(*rules));
	names = calloc(BIG_RULES, 32);
	if (!rules || !names)
		return tap_fail("out of memory");
	for (i = 0; i < BIG_RULES; i++) {
		snprintf(names + i * 32, 32, BIG_DIR "/f%06u", i + 1);
		rules[i] = (struct cgf_file_rule){ i + 1, ALLOW, R, names + i * 32 };
	}
	rules[BIG_DENY_ID - 1].effect = DENY;
	mkdir(BIG_DIR, 0755);
	for (i = BIG_DENY_ID - 1; i <= BIG_DENY_ID; i++) {
		snprintf(path, sizeof(path), BIG_DIR "/f%06u", i);
		close(open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0644));
	}
	snprintf(path, sizeof(path), BIG_DIR "/f%06u", BIG_RULES);
	close(open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0644));
	close(open(BIG_DIR "/other", O_CREAT | O_WRONLY | O_CLOEXEC, 0644));

	if (cgf_conn_open(&c))
		goto out_free;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	err = cgf_begin(&c, "ctl-big", ENFORCE, DENY, BIG_RULES);
	if (expect_err("PROFILE_BEGIN with 100000 rules", err, 0))
		goto out;
	err = cgf_add_chunked(&c, rules, BIG_RULES, &msgs);
	if (err)
		goto out;
	err = cgf_commit(&c);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (err) {
		tap_fail("PROFILE_COMMIT of 100000 rules: %s (%s)", errname(err), c.extack);
		goto out;
	}
	tap_diag("100000 rules in %u PROFILE_ADD messages, loaded in %ld ms", msgs,
		 (long)((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000));
	if (expect_profile(&c, "ctl-big", ENFORCE, 1, BIG_RULES, 0))
		goto out;
	/* box_make() would load it again: attach by hand. */
	if (cgroup_self_dir(b.dir, sizeof(b.dir) - 8))
		goto out;
	strcat(b.dir, "/box");
	if (mkdir(b.dir, 0755)) {
		tap_fail("mkdir %s: %s", b.dir, errname(-errno));
		goto out;
	}
	b.created = true;
	snprintf(b.profile, sizeof(b.profile), "ctl-big");
	b.loaded = true;
	b.id = cgroup_id_of(b.dir);
	err = cgf_attach(&c, b.id, "ctl-big");
	if (expect_err("ATTACH ctl-big", err, 0))
		goto out;
	b.attached = true;
	/* The rate limit may have eaten the line: try again once its window has passed. */
	if (expect_klog_in(b.dir, NULL, child_big, NULL, "denied op=open", "ctl-big", BIG_DENY_ID,
			   NULL))
		goto out;
	ret = 0;
out:
	cgf_conn_close(&c);
	box_drop(&b);
out_free:
	free(rules);
	free(names);
	return ret;
}

/* A fresh snapshot equals @before; a snapshot that cannot be taken is a failure too. */
static int store_unchanged(const struct cgf_snapshot *before)
{
	struct cgf_snapshot after;
	int ret;

	if (cgf_snapshot_take(&after)) {
		cgf_snapshot_free(&after);
		return tap_fail("cannot take a snapshot of the store to compare");
	}
	ret = cgf_snapshot_compare(before, &after);
	cgf_snapshot_free(&after);
	return ret;
}

/* A transaction belongs to its socket; closing the socket abandons it. */
static int case_transaction_socket(void *arg)
{
	static const struct cgf_file_rule rule[] = { { 1, DENY, R, SECRET } };
	struct cgf_snapshot before;
	struct cgf_conn a, b;
	struct cgf_profile_rec rec;
	int err, ret = -1;

	(void)arg;
	if (cgf_snapshot_take(&before))
		return -1;
	if (cgf_conn_open(&a) || cgf_conn_open(&b))
		goto out_snap;
	err = cgf_begin(&a, "ctl-tx", ENFORCE, ALLOW, 2);
	if (expect_err("PROFILE_BEGIN on socket A", err, 0))
		goto out;
	err = cgf_add(&a, rule, 1);
	if (expect_err("PROFILE_ADD of 1 of 2 rules on socket A", err, 0))
		goto out;
	err = cgf_add(&b, rule, 1);
	if (expect_refused("PROFILE_ADD on socket B (A's transaction)", err, -ENOENT, &b))
		goto out;
	err = cgf_commit(&b);
	if (expect_refused("PROFILE_COMMIT on socket B", err, -ENOENT, &b))
		goto out;
	err = cgf_abort(&b);
	if (expect_refused("PROFILE_ABORT on socket B", err, -ENOENT, &b))
		goto out;
	err = cgf_begin(&a, "ctl-tx2", ENFORCE, ALLOW, 0);
	if (expect_refused("a second PROFILE_BEGIN on socket A", err, -EBUSY, &a))
		goto out;
	err = cgf_profile_get(&b, "ctl-tx", &rec);
	if (expect_refused("PROFILE_GET of the uncommitted profile", err, -ENOENT, &b))
		goto out;

	/* Close A mid-transaction. The next socket of this process may reuse its port id. */
	cgf_conn_close(&a);
	if (cgf_conn_open(&a))
		goto out;
	err = cgf_add(&a, rule, 1);
	if (expect_refused("PROFILE_ADD on a new socket after the close", err, -ENOENT, &a))
		goto out;
	err = cgf_commit(&a);
	if (expect_refused("PROFILE_COMMIT on a new socket after the close", err, -ENOENT, &a))
		goto out;
	err = cgf_begin(&a, "ctl-tx", ENFORCE, ALLOW, 1);
	if (expect_err("PROFILE_BEGIN on a fresh socket after the close", err, 0))
		goto out;
	/* ABORT ends it too. */
	err = cgf_abort(&a);
	if (expect_err("PROFILE_ABORT", err, 0))
		goto out;
	err = cgf_commit(&a);
	if (expect_refused("PROFILE_COMMIT after ABORT", err, -ENOENT, &a))
		goto out;
	err = cgf_profile_get(&b, "ctl-tx", &rec);
	if (expect_refused("PROFILE_GET after the abandoned and aborted loads", err, -ENOENT, &b))
		goto out;
	ret = store_unchanged(&before);
out:
	cgf_conn_close(&a);
	cgf_conn_close(&b);
out_snap:
	cgf_snapshot_free(&before);
	return ret;
}

/* 16 transactions at once, node-wide; a closed socket gives its slot back. */
#define MAX_TXNS 16

static int case_transaction_limit(void *arg)
{
	struct cgf_snapshot before;
	struct cgf_conn c[MAX_TXNS + 1];
	char name[32], what[64];
	int i, round, err, ret = -1, opened = 0;

	(void)arg;
	if (cgf_snapshot_take(&before))
		return -1;
	for (i = 0; i <= MAX_TXNS; i++, opened++)
		if (cgf_conn_open(&c[i]))
			goto out;
	/* Twice: if a closed socket leaked its transaction, the second round runs short. */
	for (round = 0; round < 2; round++) {
		for (i = 0; i < MAX_TXNS; i++) {
			snprintf(name, sizeof(name), "ctl-txn-%d", i);
			snprintf(what, sizeof(what), "round %d: PROFILE_BEGIN number %d", round, i + 1);
			if (expect_err(what, cgf_begin(&c[i], name, ENFORCE, ALLOW, 0), 0))
				goto out;
		}
		err = cgf_begin(&c[MAX_TXNS], "ctl-txn-x", ENFORCE, ALLOW, 0);
		if (expect_refused("PROFILE_BEGIN number 17", err, -EBUSY, &c[MAX_TXNS]))
			goto out;
		cgf_conn_close(&c[0]);
		if (cgf_conn_open(&c[0]))
			goto out;
		err = cgf_begin(&c[MAX_TXNS], "ctl-txn-x", ENFORCE, ALLOW, 0);
		if (expect_err("PROFILE_BEGIN number 17 after one socket closed", err, 0))
			goto out;
		for (i = 0; i <= MAX_TXNS; i++) {
			cgf_conn_close(&c[i]);
			if (cgf_conn_open(&c[i]))
				goto out;
		}
	}
	ret = store_unchanged(&before);
out:
	for (i = 0; i < opened; i++)
		cgf_conn_close(&c[i]);
	cgf_snapshot_free(&before);
	return ret;
}

static int case_rule_limit(void *arg)
{
	struct cgf_conn c;
	int err, ret = -1;

	(void)arg;
	if (cgf_conn_open(&c))
		return -1;
	err = cgf_begin(&c, "ctl-rl", ENFORCE, ALLOW, BIG_RULES + 1);
	if (expect_refused("PROFILE_BEGIN announcing 100001 rules", err, -ERANGE, &c))
		goto out;
	err = cgf_begin(&c, "ctl-rl", ENFORCE, ALLOW, BIG_RULES);
	if (expect_err("PROFILE_BEGIN announcing 100000 rules (control)", err, 0))
		goto out;
	ret = expect_err("PROFILE_ABORT", cgf_abort(&c), 0);
out:
	cgf_conn_close(&c);
	return ret;
}

/*
 * A dump over many messages that sees the store change between two of them marks the
 * later ones NLM_F_DUMP_INTR (the store's generation), so a reader knows to retry.
 */
struct intr_ctx {
	struct cgf_conn other;
	unsigned int msgs;
	int err;
};

static int change_after_first(const struct nlmsghdr *nlh, void *arg)
{
	struct intr_ctx *x = arg;

	(void)nlh;
	if (x->msgs++ == 0)
		x->err = cgf_profile_set_mode(&x->other, "ctl-lim-0001", COMPLAIN);
	return 0;
}

static int expect_dump_interrupted(struct cgf_conn *c)
{
	static struct genl_reply r;
	struct intr_ctx x = { .msgs = 0 };
	int err;

	if (cgf_conn_open(&x.other))
		return -1;
	/* Control: an undisturbed dump is not marked. */
	cgf_msg_init(c, &msg, CGFENCE_CMD_PROFILE_GET);
	msg.nlh.nlmsg_flags = NLM_F_REQUEST;
	err = genl_dump(&c->s, &msg, &r, NULL, NULL);
	if (expect_err("profile dump", err, 0))
		goto fail;
	if (r.dump_intr) {
		tap_fail("an undisturbed dump is marked NLM_F_DUMP_INTR");
		goto fail;
	}
	cgf_msg_init(c, &msg, CGFENCE_CMD_PROFILE_GET);
	msg.nlh.nlmsg_flags = NLM_F_REQUEST;
	err = genl_dump(&c->s, &msg, &r, change_after_first, &x);
	tap_diag("dump with a MODE change after its first message: %s, %u messages, DUMP_INTR %d",
		 errname(err), x.msgs, r.dump_intr);
	if (expect_err("profile dump", err, 0) || expect_err("MODE during the dump", x.err, 0))
		goto fail;
	cgf_conn_close(&x.other);
	if (!r.dump_intr)
		return tap_fail("the dump saw the store change but no message says NLM_F_DUMP_INTR");
	return 0;
fail:
	cgf_conn_close(&x.other);
	return -1;
}

/* 1,024 profiles: the 1,025th is refused at COMMIT, a replace at the limit is not. */
static int case_profile_limit(void *arg)
{
	struct cgf_status st;
	struct cgf_conn c;
	unsigned int i, n, need, loaded = 0;
	char name[32];
	int err, ret = -1;

	(void)arg;
	if (expect_err("STATUS", cgf_status_query(&st), 0) || cgf_conn_open(&c))
		return -1;
	need = CGFENCE_MAX_PROFILES - st.profiles;
	for (i = 0; i < need; i++, loaded++) {
		snprintf(name, sizeof(name), "ctl-lim-%04u", i);
		if (cgf_profile_load(&c, name, ENFORCE, ALLOW, NULL, 0))
			goto out;
	}
	if (expect_err("STATUS", cgf_status_query(&st), 0))
		goto out;
	if (st.profiles != CGFENCE_MAX_PROFILES) {
		tap_fail("STATUS profiles %u, want %u", st.profiles, CGFENCE_MAX_PROFILES);
		goto out;
	}
	err = cgf_begin(&c, "ctl-lim-over", ENFORCE, ALLOW, 0);
	if (expect_err("PROFILE_BEGIN of profile 1025", err, 0))
		goto out;
	err = cgf_commit(&c);
	if (expect_refused("PROFILE_COMMIT of profile 1025", err, -E2BIG, &c))
		goto out;
	if (cgf_profile_load(&c, "ctl-lim-0000", COMPLAIN, ALLOW, deny_secret, 1)) {
		tap_fail("a replace at the limit was refused");
		goto out;
	}
	/* The dump runs over many messages: every profile must come exactly once. */
	err = cgf_profile_dump(&c, NULL, 0, &n);
	if (expect_err("profile dump", err, 0))
		goto out;
	if (n != CGFENCE_MAX_PROFILES) {
		tap_fail("the dump holds %u profiles, want %u", n, CGFENCE_MAX_PROFILES);
		goto out;
	}
	ret = expect_dump_interrupted(&c);
out:
	for (i = 0; i < loaded; i++) {
		snprintf(name, sizeof(name), "ctl-lim-%04u", i);
		err = cgf_profile_remove(&c, name, true);
		if (err && !ret)
			ret = tap_fail("PROFILE_REMOVE %s: %s", name, errname(err));
	}
	cgf_conn_close(&c);
	return ret;
}

/* 10,000 attachments: needs 10,001 cgroups. */
#define ATT_PARENT "att"

static int case_attachment_limit(void *arg)
{
	char self[200], dir[256];
	struct cgf_status st;
	struct timespec t0, t1;
	struct cgf_conn c;
	unsigned int i, n, made = 0, need;
	int err, ret = -1;

	(void)arg;
	if (cgroup_self_dir(self, sizeof(self)) || cgf_conn_open(&c))
		return -1;
	if (expect_err("STATUS", cgf_status_query(&st), 0))
		goto out;
	need = CGFENCE_MAX_ATTACHMENTS - st.attachments;
	if (cgf_profile_load(&c, "ctl-att", ENFORCE, ALLOW, NULL, 0))
		goto out;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i <= need; i++, made++) {
		snprintf(dir, sizeof(dir), "%s/a%05u", self, i);
		if (mkdir(dir, 0755)) {
			tap_fail("mkdir %s: %s", dir, errname(-errno));
			goto out;
		}
		err = cgf_attach(&c, cgroup_id_of(dir), "ctl-att");
		if (i < need && err) {
			tap_fail("ATTACH number %u: %s (%s)", i + 1, errname(err), c.extack);
			goto out;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	tap_diag("%u cgroups made and attached in %ld ms", made,
		 (long)((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000));
	if (expect_refused("ATTACH number 10001", err, -E2BIG, &c))
		goto out;
	/* A swap of an existing attachment is no new one. */
	snprintf(dir, sizeof(dir), "%s/a%05u", self, 0);
	err = cgf_attach(&c, cgroup_id_of(dir), "ctl-att");
	if (expect_err("re-ATTACH at the limit", err, 0))
		goto out;
	if (expect_err("STATUS", cgf_status_query(&st), 0))
		goto out;
	if (st.attachments != CGFENCE_MAX_ATTACHMENTS) {
		tap_fail("STATUS attachments %u, want %u", st.attachments, CGFENCE_MAX_ATTACHMENTS);
		goto out;
	}
	/* Many messages, each with a path: every attachment exactly once. */
	err = cgf_attach_dump(&c, NULL, 0, &n);
	if (expect_err("attachment dump", err, 0))
		goto out;
	if (n != CGFENCE_MAX_ATTACHMENTS) {
		tap_fail("the dump holds %u attachments, want %u", n, CGFENCE_MAX_ATTACHMENTS);
		goto out;
	}
	ret = 0;
out:
	err = cgf_profile_remove(&c, "ctl-att", true);
	if (err && err != -ENOENT && !ret)
		ret = tap_fail("PROFILE_REMOVE ctl-att with FORCE: %s", errname(err));
	for (i = 0; i < made; i++) {
		snprintf(dir, sizeof(dir), "%s/a%05u", self, i);
		if (rmdir(dir) && !ret)
			ret = tap_fail("rmdir %s: %s", dir, errname(-errno));
	}
	cgf_conn_close(&c);
	return ret;
}

/*
 * The permission matrix: every command, well formed, from a caller that may not use
 * it. Each must be refused (EPERM, or ENOENT from another network namespace) and the
 * store must be exactly as before.
 */
enum perm_cmd {
	P_STATUS, P_BEGIN, P_ADD, P_COMMIT, P_ABORT, P_GET, P_GET_DUMP, P_MODE, P_ATTACH,
	P_DETACH, P_ATTACH_DUMP, P_REMOVE, P_REMOVE_FORCE, P_LOCK, P_RULE_DUMP,
	P_LEARNED_DUMP, P_NR,
};

static bool perm_is_dump(int cmd)
{
	return cmd == P_GET_DUMP || cmd == P_ATTACH_DUMP || cmd == P_RULE_DUMP ||
	       cmd == P_LEARNED_DUMP;
}

static const char *const perm_names[P_NR] = {
	"STATUS", "PROFILE_BEGIN", "PROFILE_ADD", "PROFILE_COMMIT", "PROFILE_ABORT",
	"PROFILE_GET", "PROFILE_GET dump", "PROFILE_MODE", "ATTACH", "DETACH",
	"ATTACH_GET dump", "PROFILE_REMOVE", "PROFILE_REMOVE FORCE", "LOCK", "RULE_GET dump",
	"LEARNED_GET dump",
};

struct perm_ctx {
	__u16 family;
	__u64 free_id, box_id;
	const char *box_dir;
	int want;
	const char *extack_has;		/* NULL: no extack expected */
	int (*become)(void);
	bool dumps_only;		/* send only the dumps */
	int inherited_fd;		/* > 0: a socket opened by the (unconfined) parent */
	bool dumps_extack_only;		/* check the extack of the dumps, not of the rest */
};

static int perm_send(struct perm_ctx *p, enum perm_cmd cmd)
{
	static const struct cgf_file_rule rule = { 1, DENY, R, SECRET };
	struct cgf_conn c = { 0 };
	unsigned int n;
	size_t nest;
	char what[96];
	int err;

	/* The socket is opened as the caller under test: netlink_capable() checks the opener. */
	if (p->inherited_fd > 0) {
		c.s.fd = p->inherited_fd;
		c.s.seq = 1000 + cmd;
	} else {
		err = genl_open(&c.s);
		if (err)
			return tap_fail("netlink socket: %s", errname(err));
	}
	c.family = p->family;
	switch (cmd) {
	case P_GET_DUMP:
		err = cgf_profile_dump(&c, NULL, 0, &n);
		goto done;
	case P_ATTACH_DUMP:
		err = cgf_attach_dump(&c, NULL, 0, &n);
		goto done;
	case P_RULE_DUMP:
	case P_LEARNED_DUMP: {
		static struct genl_reply r;

		cgf_msg_init(&c, &msg, cmd == P_RULE_DUMP ? CGFENCE_CMD_RULE_GET :
							    CGFENCE_CMD_LEARNED_GET);
		msg.nlh.nlmsg_flags = NLM_F_REQUEST;
		genl_put_str(&msg, CGFENCE_A_PROFILE_NAME, "ctl-perm");
		err = genl_dump(&c.s, &msg, &r, NULL, NULL);
		snprintf(c.extack, sizeof(c.extack), "%s", r.extack);
		goto done;
	}
	case P_BEGIN:
		err = cgf_begin(&c, "ctl-perm-new", ENFORCE, ALLOW, 1);
		goto done;
	default:
		break;
	}
	cgf_msg_init(&c, &msg, CGFENCE_CMD_STATUS);
	switch (cmd) {
	case P_STATUS:
		break;
	case P_ADD:
		genl_msg_genlhdr(&msg)->cmd = CGFENCE_CMD_PROFILE_ADD;
		nest = genl_nest_start(&msg, CGFENCE_A_RULES);
		cgf_put_file_rule(&msg, &rule);
		genl_nest_end(&msg, nest);
		break;
	case P_COMMIT:
		genl_msg_genlhdr(&msg)->cmd = CGFENCE_CMD_PROFILE_COMMIT;
		break;
	case P_ABORT:
		genl_msg_genlhdr(&msg)->cmd = CGFENCE_CMD_PROFILE_ABORT;
		break;
	case P_GET:
		genl_msg_genlhdr(&msg)->cmd = CGFENCE_CMD_PROFILE_GET;
		genl_put_str(&msg, CGFENCE_A_PROFILE_NAME, "ctl-perm");
		break;
	case P_MODE:
		genl_msg_genlhdr(&msg)->cmd = CGFENCE_CMD_PROFILE_MODE;
		genl_put_str(&msg, CGFENCE_A_PROFILE_NAME, "ctl-perm");
		genl_put_u8(&msg, CGFENCE_A_PROFILE_MODE, COMPLAIN);
		break;
	case P_ATTACH:
		genl_msg_genlhdr(&msg)->cmd = CGFENCE_CMD_ATTACH;
		genl_put_u64(&msg, CGFENCE_A_CGROUP_ID, p->free_id);
		genl_put_str(&msg, CGFENCE_A_PROFILE_NAME, "ctl-perm");
		break;
	case P_DETACH:
		genl_msg_genlhdr(&msg)->cmd = CGFENCE_CMD_DETACH;
		genl_put_u64(&msg, CGFENCE_A_CGROUP_ID, p->box_id);
		break;
	case P_REMOVE:
	case P_REMOVE_FORCE:
		genl_msg_genlhdr(&msg)->cmd = CGFENCE_CMD_PROFILE_REMOVE;
		genl_put_str(&msg, CGFENCE_A_PROFILE_NAME, "ctl-perm");
		if (cmd == P_REMOVE_FORCE)
			genl_put_flag(&msg, CGFENCE_A_FORCE);
		break;
	case P_LOCK:
		genl_msg_genlhdr(&msg)->cmd = CGFENCE_CMD_LOCK;
		break;
	default:
		break;
	}
	err = cgf_send(&c, &msg);
done:
	if (p->inherited_fd <= 0)
		cgf_conn_close(&c);
	snprintf(what, sizeof(what), "%s", perm_names[cmd]);
	if (expect_err(what, err, p->want))
		return -1;
	/* Dumps: the extack of a refused dump is checked by a case of its own. */
	if (p->dumps_extack_only != perm_is_dump(cmd))
		return 0;
	if (p->extack_has && !strstr(c.extack, p->extack_has))
		return tap_fail("%s: extack \"%s\" does not say \"%s\"", what, c.extack,
				p->extack_has);
	return 0;
}

static int perm_child(void *arg)
{
	struct perm_ctx *p = arg;
	int cmd, ret = 0;

	if (p->become && p->become())
		return -1;
	for (cmd = 0; cmd < P_NR; cmd++)
		if (!p->dumps_only || perm_is_dump(cmd))
			ret |= perm_send(p, cmd);
	return ret;
}

static int become_nobody(void)
{
	int err = become_user(NOBODY, NOBODY);

	return err ? tap_fail("become nobody: %s", errname(err)) : 0;
}

static int drop_mac_admin(void)
{
	__u64 eff, prm;
	int err;

	err = caps_get(&eff, &prm);
	if (!err)
		err = caps_set(prm & ~CAP(CAP_MAC_ADMIN), prm & ~CAP(CAP_MAC_ADMIN));
	return err ? tap_fail("capset: %s", errname(err)) : 0;
}

static int enter_new_netns(void)
{
	if (unshare(CLONE_NEWNET))
		return tap_fail("unshare(CLONE_NEWNET): %s", errname(-errno));
	return 0;
}

static int permission_matrix(struct perm_ctx *p, bool confined)
{
	struct cgf_snapshot before;
	char self[200], free_dir[256];
	struct box b = { 0 };
	struct cgf_conn c;
	int ret = -1;

	if (box_make(&b, "box", "ctl-perm", ENFORCE, ALLOW, NULL, 0))
		goto out_box;
	if (cgroup_self_dir(self, sizeof(self)))
		goto out_box;
	snprintf(free_dir, sizeof(free_dir), "%s/free", self);
	if (mkdir(free_dir, 0755)) {
		tap_fail("mkdir %s: %s", free_dir, errname(-errno));
		goto out_box;
	}
	if (cgf_conn_open(&c))
		goto out_dir;
	p->family = c.family;
	cgf_conn_close(&c);
	p->free_id = cgroup_id_of(free_dir);
	p->box_id = b.id;
	if (cgf_snapshot_take(&before))
		goto out_dir;
	if (p->inherited_fd) {
		/* Opened here, outside, and inherited by the confined child. */
		if (cgf_conn_open(&c))
			goto out_snap;
		p->inherited_fd = c.s.fd;
		ret = run_in_cgroup(b.dir, NULL, perm_child, p);
		cgf_conn_close(&c);
	} else if (confined) {
		ret = run_in_cgroup(b.dir, NULL, perm_child, p);
	} else {
		ret = run_child(perm_child, p);
	}
	if (store_unchanged(&before))
		ret = -1;
out_snap:
	cgf_snapshot_free(&before);
out_dir:
	rmdir(free_dir);
out_box:
	box_drop(&b);
	return ret;
}

static int case_perm_nobody(void *arg)
{
	struct perm_ctx p = {
		.want = -EPERM, .extack_has = "CAP_MAC_ADMIN", .become = become_nobody,
	};

	(void)arg;
	return permission_matrix(&p, false);
}

static int case_perm_no_mac_admin(void *arg)
{
	struct perm_ctx p = {
		.want = -EPERM, .extack_has = "CAP_MAC_ADMIN", .become = drop_mac_admin,
	};

	(void)arg;
	return permission_matrix(&p, false);
}

static int case_perm_confined_root(void *arg)
{
	struct perm_ctx p = { .want = -EPERM, .extack_has = "confined" };

	(void)arg;
	return permission_matrix(&p, true);
}

/*
 * A refused dump must say why, like every other refusal. On 6.1 the .start callback of
 * a genetlink dump has no extack to write to (cb->extack is only set around .dumpit).
 */
static int case_perm_dump_extack(void *arg)
{
	struct perm_ctx p = {
		.want = -EPERM, .extack_has = "CAP_MAC_ADMIN", .become = become_nobody,
		.dumps_only = true, .dumps_extack_only = true,
	};

	(void)arg;
	return permission_matrix(&p, false);
}

/* The confined sender counts, not who opened the socket. */
static int case_perm_inherited_socket(void *arg)
{
	struct perm_ctx p = { .want = -EPERM, .extack_has = "confined", .inherited_fd = 1 };

	(void)arg;
	return permission_matrix(&p, true);
}

static int case_perm_netns(void *arg)
{
	struct perm_ctx p = { .want = -ENOENT, .become = enter_new_netns };

	(void)arg;
	return permission_matrix(&p, false);
}

/*
 * Malformed requests, sent raw. Each goes out on a fresh socket (after a PROFILE_BEGIN
 * on it where the request needs a transaction); the answer must be the exact errno
 * with an extack message, and the store must be as before.
 */
#define NO_TXN		-1
#define NO_EXTACK	1

static int send_bad(const char *what, struct genl_msg *m, size_t send_len, int txn_rules,
		    int want, int flags)
{
	struct cgf_snapshot before;
	struct cgf_conn c;
	int err, ret = -1;

	if (cgf_snapshot_take(&before))
		return -1;
	if (cgf_conn_open(&c))
		goto out_snap;
	if (txn_rules != NO_TXN) {
		err = cgf_begin(&c, "ctl-bad", ENFORCE, ALLOW, txn_rules);
		if (err) {
			tap_fail("%s: PROFILE_BEGIN first: %s (%s)", what, errname(err), c.extack);
			goto out;
		}
	}
	m->nlh.nlmsg_type = c.family;
	if (send_len) {
		static struct genl_reply r;

		err = genl_transact_len(&c.s, m, send_len, &r);
		snprintf(c.extack, sizeof(c.extack), "%s", r.extack);
	} else {
		err = cgf_send(&c, m);
	}
	tap_diag("%s: %s, extack \"%s\"", what, errname(err), c.extack);
	if (expect_err(what, err, want))
		goto out;
	if (!(flags & NO_EXTACK) && expect_extack(what, &c))
		goto out;
	/* The socket still works after the refusal. */
	if (txn_rules != NO_TXN)
		cgf_abort(&c);
	ret = 0;
out:
	cgf_conn_close(&c);
	if (store_unchanged(&before))
		ret = tap_fail("%s: the store changed, or could not be compared", what);
out_snap:
	cgf_snapshot_free(&before);
	return ret;
}

static void raw_init(struct genl_msg *m, __u8 cmd)
{
	genl_msg_init(m, 0, NLM_F_REQUEST | NLM_F_ACK, cmd, CGFENCE_GENL_VERSION);
}

/* PROFILE_BEGIN with each attribute present unless its bit is in @omit. */
#define OMIT_NAME	(1 << 0)
#define OMIT_MODE	(1 << 1)
#define OMIT_DEFAULT	(1 << 2)
#define OMIT_COUNT	(1 << 3)

static void begin_msg(struct genl_msg *m, unsigned int omit, const char *name)
{
	raw_init(m, CGFENCE_CMD_PROFILE_BEGIN);
	if (!(omit & OMIT_NAME))
		genl_put_str(m, CGFENCE_A_PROFILE_NAME, name);
	if (!(omit & OMIT_MODE))
		genl_put_u8(m, CGFENCE_A_PROFILE_MODE, ENFORCE);
	if (!(omit & OMIT_DEFAULT))
		genl_put_u8(m, CGFENCE_A_PROFILE_FILE_DEFAULT, ALLOW);
	if (!(omit & OMIT_COUNT))
		genl_put_u32(m, CGFENCE_A_PROFILE_RULE_COUNT, 0);
}

static int case_bad_begin_missing(void *arg)
{
	int ret = 0;

	(void)arg;
	begin_msg(&msg, OMIT_NAME, NULL);
	ret |= send_bad("BEGIN without PROFILE_NAME", &msg, 0, NO_TXN, -EINVAL, 0);
	begin_msg(&msg, OMIT_MODE, "ctl-bad");
	ret |= send_bad("BEGIN without PROFILE_MODE", &msg, 0, NO_TXN, -EINVAL, 0);
	begin_msg(&msg, OMIT_DEFAULT, "ctl-bad");
	ret |= send_bad("BEGIN without PROFILE_FILE_DEFAULT", &msg, 0, NO_TXN, -EINVAL, 0);
	begin_msg(&msg, OMIT_COUNT, "ctl-bad");
	ret |= send_bad("BEGIN without PROFILE_RULE_COUNT", &msg, 0, NO_TXN, -EINVAL, 0);
	return ret;
}

static int case_bad_names(void *arg)
{
	char name[CGFENCE_MAX_NAME + 1];
	struct cgf_conn c;
	int ret = 0, err;

	(void)arg;
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	/*
	 * 64 characters and the NUL: one over. NLA_NUL_STRING looks for the NUL within
	 * len + 1 bytes and finds none: EINVAL (ERANGE is for a NUL-less NLA_STRING).
	 */
	begin_msg(&msg, 0, name);
	ret |= send_bad("BEGIN with a 64-character name", &msg, 0, NO_TXN, -EINVAL, 0);
	begin_msg(&msg, OMIT_NAME, NULL);
	genl_put(&msg, CGFENCE_A_PROFILE_NAME, "abc", 3);
	ret |= send_bad("BEGIN with a name without its NUL", &msg, 0, NO_TXN, -EINVAL, 0);
	begin_msg(&msg, 0, "");
	ret |= send_bad("BEGIN with an empty name", &msg, 0, NO_TXN, -EINVAL, 0);
	begin_msg(&msg, 0, "a/b");
	ret |= send_bad("BEGIN with a name holding '/'", &msg, 0, NO_TXN, -EINVAL, 0);
	begin_msg(&msg, 0, "a b");
	ret |= send_bad("BEGIN with a name holding a space", &msg, 0, NO_TXN, -EINVAL, 0);

	/* Control: 63 characters and every allowed kind of character load. */
	name[CGFENCE_MAX_NAME - 1] = '\0';
	memcpy(name, "Az09_.-", 7);
	if (cgf_conn_open(&c))
		return -1;
	err = cgf_profile_load(&c, name, ENFORCE, ALLOW, NULL, 0);
	ret |= expect_err("load a profile with a 63-character name (control)", err, 0);
	if (!err)
		ret |= expect_err("remove it", cgf_profile_remove(&c, name, false), 0);
	cgf_conn_close(&c);
	return ret;
}

static int case_bad_begin_values(void *arg)
{
	int ret = 0;
	__u8 zero = 0;

	(void)arg;
	begin_msg(&msg, OMIT_MODE, "ctl-bad");
	genl_put_u32(&msg, CGFENCE_A_PROFILE_MODE, ENFORCE);
	ret |= send_bad("BEGIN with PROFILE_MODE as a u32", &msg, 0, NO_TXN, -EINVAL, 0);
	begin_msg(&msg, OMIT_MODE, "ctl-bad");
	genl_put(&msg, CGFENCE_A_PROFILE_MODE, &zero, 0);
	ret |= send_bad("BEGIN with an empty PROFILE_MODE", &msg, 0, NO_TXN, -EINVAL, 0);
	begin_msg(&msg, OMIT_COUNT, "ctl-bad");
	genl_put_u8(&msg, CGFENCE_A_PROFILE_RULE_COUNT, 0);
	ret |= send_bad("BEGIN with PROFILE_RULE_COUNT as a u8", &msg, 0, NO_TXN, -EINVAL, 0);
	begin_msg(&msg, OMIT_NAME, NULL);
	genl_put_u32(&msg, CGFENCE_A_PROFILE_NAME, 0x61616161);
	ret |= send_bad("BEGIN with a u32 for PROFILE_NAME (no NUL)", &msg, 0, NO_TXN, -EINVAL, 0);
	begin_msg(&msg, OMIT_MODE, "ctl-bad");
	genl_put_u8(&msg, CGFENCE_A_PROFILE_MODE, 0);
	ret |= send_bad("BEGIN with PROFILE_MODE 0", &msg, 0, NO_TXN, -ERANGE, 0);
	begin_msg(&msg, OMIT_MODE, "ctl-bad");
	genl_put_u8(&msg, CGFENCE_A_PROFILE_MODE, 3);
	ret |= send_bad("BEGIN with PROFILE_MODE 3", &msg, 0, NO_TXN, -ERANGE, 0);
	begin_msg(&msg, OMIT_DEFAULT, "ctl-bad");
	genl_put_u8(&msg, CGFENCE_A_PROFILE_FILE_DEFAULT, 0);
	ret |= send_bad("BEGIN with PROFILE_FILE_DEFAULT 0", &msg, 0, NO_TXN, -ERANGE, 0);
	begin_msg(&msg, OMIT_DEFAULT, "ctl-bad");
	genl_put_u8(&msg, CGFENCE_A_PROFILE_FILE_DEFAULT, 3);
	ret |= send_bad("BEGIN with PROFILE_FILE_DEFAULT 3", &msg, 0, NO_TXN, -ERANGE, 0);
	begin_msg(&msg, OMIT_COUNT, "ctl-bad");
	genl_put_u32(&msg, CGFENCE_A_PROFILE_RULE_COUNT, CGFENCE_MAX_RULES + 1);
	ret |= send_bad("BEGIN with PROFILE_RULE_COUNT 100001", &msg, 0, NO_TXN, -ERANGE, 0);
	return ret;
}

static int case_bad_attributes(void *arg)
{
	int ret = 0;

	(void)arg;
	begin_msg(&msg, 0, "ctl-bad");
	genl_put_u32(&msg, CGFENCE_A_MAX + 1, 1);
	ret |= send_bad("BEGIN with attribute CGFENCE_A_MAX + 1", &msg, 0, NO_TXN, -EINVAL, 0);
	begin_msg(&msg, 0, "ctl-bad");
	genl_put_flag(&msg, CGFENCE_A_FORCE);
	ret |= send_bad("BEGIN with FORCE (an attribute it does not take)", &msg, 0, NO_TXN,
			-EINVAL, 0);
	begin_msg(&msg, 0, "ctl-bad");
	genl_put_u32(&msg, CGFENCE_A_UNSPEC, 1);
	ret |= send_bad("BEGIN with attribute 0", &msg, 0, NO_TXN, -EINVAL, 0);
	raw_init(&msg, CGFENCE_CMD_PROFILE_COMMIT);
	genl_put_str(&msg, CGFENCE_A_PROFILE_NAME, "ctl-bad");
	ret |= send_bad("COMMIT with an attribute (it takes none)", &msg, 0, 0, -EINVAL, 0);
	raw_init(&msg, CGFENCE_CMD_ATTACH_GET);
	ret |= send_bad("ATTACH_GET without NLM_F_DUMP (no doit)", &msg, 0, NO_TXN, -EOPNOTSUPP,
			NO_EXTACK);
	/* The last attribute claims more bytes than the message has. */
	begin_msg(&msg, OMIT_COUNT, "ctl-bad");
	genl_put_u32(&msg, CGFENCE_A_PROFILE_RULE_COUNT, 0);
	((struct nlattr *)(msg.buf + msg.nlh.nlmsg_len - 8))->nla_len = 64;
	ret |= send_bad("BEGIN whose last attribute runs past the message", &msg, 0, NO_TXN,
			-EINVAL, 0);
	return ret;
}

static int case_bad_headers(void *arg)
{
	struct genl_sock s;
	struct cgf_conn c;
	struct cgf_status st;
	static struct genl_reply r;
	int ret = 0, err;

	(void)arg;
	/* A generic netlink header cut short: the core refuses it before the family sees it. */
	begin_msg(&msg, 0, "ctl-bad");
	msg.nlh.nlmsg_len = NLMSG_HDRLEN + 2;
	ret |= send_bad("message with 2 of the 4 bytes of the genetlink header", &msg,
			NLMSG_HDRLEN + 2, NO_TXN, -EINVAL, NO_EXTACK);
	begin_msg(&msg, 0, "ctl-bad");
	msg.nlh.nlmsg_len = NLMSG_HDRLEN;
	ret |= send_bad("message with no genetlink header", &msg, NLMSG_HDRLEN, NO_TXN, -EINVAL,
			NO_EXTACK);
	begin_msg(&msg, 0, "ctl-bad");
	genl_msg_genlhdr(&msg)->reserved = 1;
	ret |= send_bad("BEGIN with genlmsghdr.reserved = 1", &msg, 0, NO_TXN, -EINVAL, 0);

	/*
	 * A netlink header that claims more bytes than were sent, or a datagram shorter
	 * than a header: netlink_rcv_skb() drops it without an answer. The socket must
	 * stay usable and nothing may change.
	 */
	if (cgf_conn_open(&c))
		return -1;
	genl_set_timeout(&c.s, 300);
	begin_msg(&msg, 0, "ctl-bad");
	msg.nlh.nlmsg_type = c.family;
	err = genl_transact_len(&c.s, &msg, msg.nlh.nlmsg_len - 4, &r);
	tap_diag("nlmsg_len 4 bytes longer than the datagram: %s", errname(err));
	ret |= expect_err("nlmsg_len longer than the datagram (dropped: no answer)", err,
			  -ETIMEDOUT);
	err = genl_transact_len(&c.s, &msg, NLMSG_HDRLEN - 4, &r);
	ret |= expect_err("a 12-byte datagram (dropped: no answer)", err, -ETIMEDOUT);
	s = c.s;
	genl_set_timeout(&s, 5000);
	ret |= expect_err("STATUS on the same socket afterwards",
			  cgf_status_send(&s, c.family, &st, NULL, 0), 0);
	ret |= expect_err("no profile ctl-bad appeared",
			  cgf_profile_get(&c, "ctl-bad", &(struct cgf_profile_rec){ 0 }), -ENOENT);
	cgf_conn_close(&c);
	return ret;
}

/* A file rule with every attribute unless omitted, and one extra attribute if asked. */
struct raw_rule {
	long long id, kind, effect, perms;	/* -1: absent */
	const char *path;			/* NULL: absent */
	__u16 extra;				/* an extra attribute's type, 0: none */
	unsigned int extra_len;			/* its size (default 4) */
	unsigned int id_len;			/* size of the id (default 4) */
	bool path_no_nul;
	const char *origin;			/* CGFENCE_RULE_A_ORIGIN, NULL: absent */
};

#define GOOD_RULE .id = 1, .kind = CGFENCE_RULE_FILE, .effect = DENY, .perms = R, .path = SECRET

static void put_raw_rule(struct genl_msg *m, const struct raw_rule *r)
{
	static const char zeros[16];
	size_t nest = genl_nest_start(m, CGFENCE_RULE_A_RULE);
	__u32 id = r->id;

	if (r->id >= 0)
		genl_put(m, CGFENCE_RULE_A_ID, &id, r->id_len ? r->id_len : 4);
	if (r->kind >= 0)
		genl_put_u8(m, CGFENCE_RULE_A_KIND, r->kind);
	if (r->effect >= 0)
		genl_put_u8(m, CGFENCE_RULE_A_EFFECT, r->effect);
	if (r->perms >= 0)
		genl_put_u32(m, CGFENCE_RULE_A_FILE_PERMS, r->perms);
	if (r->path)
		genl_put(m, CGFENCE_RULE_A_FILE_PATH, r->path,
			 strlen(r->path) + (r->path_no_nul ? 0 : 1));
	if (r->origin)
		genl_put_str(m, CGFENCE_RULE_A_ORIGIN, r->origin);
	if (r->extra == CGFENCE_RULE_A_RULE)
		genl_nest_end(m, genl_nest_start(m, CGFENCE_RULE_A_RULE));
	else if (r->extra)
		genl_put(m, r->extra, zeros, r->extra_len ? r->extra_len : 4);
	genl_nest_end(m, nest);
}

static void add_msg(struct genl_msg *m, const struct raw_rule *rules, unsigned int n)
{
	size_t nest;
	unsigned int i;

	raw_init(m, CGFENCE_CMD_PROFILE_ADD);
	nest = genl_nest_start(m, CGFENCE_A_RULES);
	for (i = 0; i < n; i++)
		put_raw_rule(m, &rules[i]);
	genl_nest_end(m, nest);
}

static int bad_rule(const char *what, const struct raw_rule *r, int want)
{
	add_msg(&msg, r, 1);
	return send_bad(what, &msg, 0, 1, want, 0);
}

/* A good rule with one field changed, refused with @want. */
#define BAD_RULE(what, field, value, want) do {			\
	struct raw_rule r_ = { GOOD_RULE };				\
								\
	r_.field = (value);					\
	ret |= bad_rule((what), &r_, (want));			\
} while (0)

static int case_bad_rules_missing(void *arg)
{
	int ret = 0;

	(void)arg;
	raw_init(&msg, CGFENCE_CMD_PROFILE_ADD);
	ret |= send_bad("ADD without RULES", &msg, 0, 1, -EINVAL, 0);
	add_msg(&msg, &(struct raw_rule){ GOOD_RULE }, 1);
	((struct nlattr *)(msg.buf + NLMSG_HDRLEN + GENL_HDRLEN))->nla_type &= ~NLA_F_NESTED;
	ret |= send_bad("ADD with RULES lacking NLA_F_NESTED", &msg, 0, 1, -EINVAL, 0);
	raw_init(&msg, CGFENCE_CMD_PROFILE_ADD);
	genl_nest_end(&msg, genl_nest_start(&msg, CGFENCE_A_RULES));
	genl_put_u32(&msg, CGFENCE_RULE_A_ID, 1);	/* outside the nest: A_RULE_COUNT's number */
	ret |= send_bad("ADD with an attribute next to RULES", &msg, 0, 1, -EINVAL, 0);
	raw_init(&msg, CGFENCE_CMD_PROFILE_ADD);
	{
		size_t nest = genl_nest_start(&msg, CGFENCE_A_RULES);

		genl_put_u32(&msg, CGFENCE_RULE_A_ID, 1);
		genl_nest_end(&msg, nest);
	}
	ret |= send_bad("ADD with a non-RULE entry in RULES", &msg, 0, 1, -EINVAL, 0);
	BAD_RULE("rule without ID", id, -1, -EINVAL);
	BAD_RULE("rule without KIND", kind, -1, -EINVAL);
	BAD_RULE("rule without EFFECT", effect, -1, -EINVAL);
	BAD_RULE("file rule without FILE_PERMS", perms, -1, -EINVAL);
	BAD_RULE("file rule without FILE_PATH", path, NULL, -EINVAL);
	return ret;
}

static int case_bad_rule_values(void *arg)
{
	int ret = 0;

	(void)arg;
	BAD_RULE("rule ID 0", id, 0, -ERANGE);
	BAD_RULE("rule ID as a u8", id_len, 1, -EINVAL);
	BAD_RULE("rule KIND 0", kind, 0, -ERANGE);
	BAD_RULE("rule KIND 5 (past kernel)", kind, 5, -ERANGE);
	BAD_RULE("rule EFFECT 0", effect, 0, -ERANGE);
	BAD_RULE("rule EFFECT 3", effect, 3, -ERANGE);
	BAD_RULE("FILE_PERMS with bit 10 (unknown permission)", perms, 1 << 10, -EINVAL);
	BAD_RULE("FILE_PERMS 0", perms, 0, -EINVAL);
	BAD_RULE("unknown attribute inside a rule", extra, CGFENCE_RULE_A_MAX + 1, -EINVAL);
	BAD_RULE("a RULE nested inside a rule", extra, CGFENCE_RULE_A_RULE, -EINVAL);
	BAD_RULE("file rule with DEV_MAJOR (a device attribute)", extra,
		 CGFENCE_RULE_A_DEV_MAJOR, -EINVAL);
	BAD_RULE("file rule with MOUNT_OPS (a mount attribute)", extra, CGFENCE_RULE_A_MOUNT_OPS, -EINVAL);
	BAD_RULE("file rule with MOUNT_FSTYPE (a mount attribute)", extra,
		 CGFENCE_RULE_A_MOUNT_FSTYPE, -EINVAL);
	BAD_RULE("file rule with KERNEL_OPS (a kernel attribute)", extra,
		 CGFENCE_RULE_A_KERNEL_OPS, -EINVAL);
	/* A kernel rule carries exactly one attribute, its operations: known bits, not none. */
	ret |= bad_rule("kernel rule without KERNEL_OPS",
			&(struct raw_rule){ .id = 1, .kind = CGFENCE_RULE_KERNEL, .effect = ALLOW,
					    .perms = -1 }, -EINVAL);
	ret |= bad_rule("kernel rule with KERNEL_OPS 0 (names no operation)",
			&(struct raw_rule){ .id = 1, .kind = CGFENCE_RULE_KERNEL, .effect = ALLOW,
					    .perms = -1, .extra = CGFENCE_RULE_A_KERNEL_OPS },
			-EINVAL);
	ret |= bad_rule("kernel rule with FILE_PERMS",
			&(struct raw_rule){ .id = 1, .kind = CGFENCE_RULE_KERNEL, .effect = ALLOW,
					    .perms = R, .extra = CGFENCE_RULE_A_KERNEL_OPS },
			-EINVAL);
	/* A device rule that carries a file path is the same mistake the other way round. */
	ret |= bad_rule("device rule with FILE_PATH",
			&(struct raw_rule){ .id = 1, .kind = CGFENCE_RULE_DEVICE, .effect = DENY,
					    .perms = -1, .path = SECRET }, -EINVAL);
	return ret;
}

static int case_bad_patterns(void *arg)
{
	static const char *const bad[] = {
		"etc/**", "/a/**b", "/a/b**", "/a//b", "/a/", "/a/../b", "/a/./b", "/a/b\\",
		"/a\\/b", "",
	};
	static char long_path[CGFENCE_MAX_PATTERN + 2];
	char what[96];
	unsigned int i;
	int ret = 0;

	(void)arg;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		snprintf(what, sizeof(what), "pattern \"%s\"", bad[i]);
		BAD_RULE(what, path, bad[i], -EINVAL);
	}
	BAD_RULE("pattern without its NUL", path_no_nul, true, -EINVAL);
	/* 4096 bytes and the NUL: over by one; no NUL within the policy's length: EINVAL. */
	long_path[0] = '/';
	memset(long_path + 1, 'p', CGFENCE_MAX_PATTERN - 1);
	BAD_RULE("pattern of 4096 bytes", path, long_path, -EINVAL);
	/* Control: 4095 bytes (components of 200) is a valid pattern. */
	long_path[CGFENCE_MAX_PATTERN - 1] = '\0';
	for (i = 201; i < CGFENCE_MAX_PATTERN - 1; i += 201)
		long_path[i] = '/';
	{
		struct raw_rule r = { GOOD_RULE };

		r.path = long_path;
		add_msg(&msg, &r, 1);
	}
	ret |= send_bad("pattern of 4095 bytes (control: accepted)", &msg, 0, 1, 0, NO_EXTACK);
	return ret;
}

/* ADD takes all rules of a message or none; COMMIT needs exactly the announced count. */
static int case_bad_transactions(void *arg)
{
	struct raw_rule two[2] = { { GOOD_RULE }, { GOOD_RULE } };
	struct raw_rule good2[2] = { { GOOD_RULE }, { GOOD_RULE } };
	struct raw_rule dup[2] = { { GOOD_RULE }, { GOOD_RULE } };
	struct cgf_snapshot before;
	struct cgf_conn c;
	int ret = 0, err;

	(void)arg;
	/* The second rule of "two" has a relative pattern; "dup" repeats id 1. */
	two[1].id = 2;
	two[1].path = "x";
	good2[1].id = 2;
	good2[1].path = PUBLIC;
	dup[1].path = PUBLIC;
	add_msg(&msg, two, 1);
	ret |= send_bad("ADD without BEGIN", &msg, 0, NO_TXN, -ENOENT, 0);
	raw_init(&msg, CGFENCE_CMD_PROFILE_COMMIT);
	ret |= send_bad("COMMIT without BEGIN", &msg, 0, NO_TXN, -ENOENT, 0);
	raw_init(&msg, CGFENCE_CMD_PROFILE_ABORT);
	ret |= send_bad("ABORT without BEGIN", &msg, 0, NO_TXN, -ENOENT, 0);
	add_msg(&msg, good2, 2);
	ret |= send_bad("ADD of 2 rules after BEGIN announced 1", &msg, 0, 1, -E2BIG, 0);

	if (cgf_snapshot_take(&before) || cgf_conn_open(&c))
		return -1;
	/* One bad rule refuses its whole message; the transaction is as before it. */
	err = cgf_begin(&c, "ctl-bad", ENFORCE, ALLOW, 2);
	ret |= expect_err("BEGIN announcing 2 rules", err, 0);
	add_msg(&msg, two, 2);
	msg.nlh.nlmsg_type = c.family;
	err = cgf_send(&c, &msg);
	ret |= expect_refused("ADD of a good and a bad rule", err, -EINVAL, &c);
	raw_init(&msg, CGFENCE_CMD_PROFILE_COMMIT);
	msg.nlh.nlmsg_type = c.family;
	err = cgf_send(&c, &msg);
	ret |= expect_refused("COMMIT with none of the 2 announced rules", err, -EINVAL, &c);
	/* A failed COMMIT ends the transaction. */
	ret |= expect_refused("ADD after the failed COMMIT", cgf_add(&c, NULL, 0), -ENOENT, &c);
	ret |= store_unchanged(&before);

	/*
	 * Rule ids must increase through a transaction, so a repeated id is refused in the
	 * message that carries it: within one message, and across two.
	 */
	err = cgf_begin(&c, "ctl-bad", ENFORCE, ALLOW, 3);
	ret |= expect_err("BEGIN announcing 3 rules", err, 0);
	add_msg(&msg, dup, 2);
	msg.nlh.nlmsg_type = c.family;
	ret |= expect_refused("ADD of two rules with id 1", cgf_send(&c, &msg), -EINVAL, &c);
	add_msg(&msg, &good2[1], 1);
	msg.nlh.nlmsg_type = c.family;
	ret |= expect_err("ADD of rule 2", cgf_send(&c, &msg), 0);
	add_msg(&msg, &good2[0], 1);
	msg.nlh.nlmsg_type = c.family;
	ret |= expect_refused("ADD of rule 1 after rule 2", cgf_send(&c, &msg), -EINVAL, &c);
	add_msg(&msg, &good2[1], 1);
	msg.nlh.nlmsg_type = c.family;
	ret |= expect_refused("ADD of rule 2 again", cgf_send(&c, &msg), -EINVAL, &c);
	ret |= expect_refused("COMMIT with 1 of the 3 announced rules", cgf_commit(&c), -EINVAL,
			      &c);
	ret |= store_unchanged(&before);

	/* Control: the same transaction with good rules commits, the refused chunk left nothing. */
	err = cgf_begin(&c, "ctl-bad", ENFORCE, ALLOW, 2);
	ret |= expect_err("BEGIN announcing 2 rules", err, 0);
	add_msg(&msg, two, 2);
	msg.nlh.nlmsg_type = c.family;
	ret |= expect_refused("ADD of a good and a bad rule", cgf_send(&c, &msg), -EINVAL, &c);
	add_msg(&msg, good2, 2);
	msg.nlh.nlmsg_type = c.family;
	ret |= expect_err("ADD of 2 good rules", cgf_send(&c, &msg), 0);
	ret |= expect_err("COMMIT", cgf_commit(&c), 0);
	ret |= expect_profile(&c, "ctl-bad", ENFORCE, 1, 2, 0);
	cgf_profile_remove(&c, "ctl-bad", true);
	cgf_conn_close(&c);
	cgf_snapshot_free(&before);
	return ret;
}

/* The other commands' required attributes, sizes and unknown names. */
static int case_bad_commands(void *arg)
{
	char procs[320];
	struct box b = { 0 };
	__u64 file_id;
	int ret = 0;

	(void)arg;
	if (box_make(&b, "box", "ctl-cmd", ENFORCE, ALLOW, NULL, 0)) {
		box_drop(&b);
		return -1;
	}
	raw_init(&msg, CGFENCE_CMD_PROFILE_REMOVE);
	ret |= send_bad("REMOVE without a name", &msg, 0, NO_TXN, -EINVAL, 0);
	raw_init(&msg, CGFENCE_CMD_PROFILE_REMOVE);
	genl_put_str(&msg, CGFENCE_A_PROFILE_NAME, "ctl-none");
	ret |= send_bad("REMOVE of an unknown profile", &msg, 0, NO_TXN, -ENOENT, 0);
	raw_init(&msg, CGFENCE_CMD_PROFILE_REMOVE);
	genl_put_str(&msg, CGFENCE_A_PROFILE_NAME, "ctl-cmd");
	genl_put_u32(&msg, CGFENCE_A_FORCE, 1);
	ret |= send_bad("REMOVE with a FORCE flag that carries data", &msg, 0, NO_TXN, -ERANGE, 0);
	raw_init(&msg, CGFENCE_CMD_PROFILE_MODE);
	genl_put_str(&msg, CGFENCE_A_PROFILE_NAME, "ctl-cmd");
	ret |= send_bad("MODE without PROFILE_MODE", &msg, 0, NO_TXN, -EINVAL, 0);
	raw_init(&msg, CGFENCE_CMD_PROFILE_MODE);
	genl_put_str(&msg, CGFENCE_A_PROFILE_NAME, "ctl-cmd");
	genl_put_u8(&msg, CGFENCE_A_PROFILE_MODE, 5);
	ret |= send_bad("MODE 5", &msg, 0, NO_TXN, -ERANGE, 0);
	raw_init(&msg, CGFENCE_CMD_PROFILE_MODE);
	genl_put_str(&msg, CGFENCE_A_PROFILE_NAME, "ctl-none");
	genl_put_u8(&msg, CGFENCE_A_PROFILE_MODE, COMPLAIN);
	ret |= send_bad("MODE of an unknown profile", &msg, 0, NO_TXN, -ENOENT, 0);
	raw_init(&msg, CGFENCE_CMD_PROFILE_GET);
	ret |= send_bad("GET (not a dump) without a name", &msg, 0, NO_TXN, -EINVAL, 0);
	raw_init(&msg, CGFENCE_CMD_PROFILE_GET);
	genl_put_str(&msg, CGFENCE_A_PROFILE_NAME, "ctl-none");
	ret |= send_bad("GET of an unknown profile", &msg, 0, NO_TXN, -ENOENT, 0);

	raw_init(&msg, CGFENCE_CMD_ATTACH);
	genl_put_str(&msg, CGFENCE_A_PROFILE_NAME, "ctl-cmd");
	ret |= send_bad("ATTACH without CGROUP_ID", &msg, 0, NO_TXN, -EINVAL, 0);
	raw_init(&msg, CGFENCE_CMD_ATTACH);
	genl_put_u64(&msg, CGFENCE_A_CGROUP_ID, b.id);
	ret |= send_bad("ATTACH without a profile name", &msg, 0, NO_TXN, -EINVAL, 0);
	raw_init(&msg, CGFENCE_CMD_ATTACH);
	genl_put_u32(&msg, CGFENCE_A_CGROUP_ID, b.id);
	genl_put_str(&msg, CGFENCE_A_PROFILE_NAME, "ctl-cmd");
	ret |= send_bad("ATTACH with CGROUP_ID as a u32", &msg, 0, NO_TXN, -EINVAL, 0);
	raw_init(&msg, CGFENCE_CMD_ATTACH);
	genl_put_u64(&msg, CGFENCE_A_CGROUP_ID, 0xffffffffffffULL);
	genl_put_str(&msg, CGFENCE_A_PROFILE_NAME, "ctl-cmd");
	ret |= send_bad("ATTACH to a cgroup id nobody has", &msg, 0, NO_TXN, -ENOENT, 0);
	/* An id of the cgroup2 filesystem that is a file, not a cgroup. */
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", b.dir);
	file_id = cgroup_id_of(procs);
	raw_init(&msg, CGFENCE_CMD_ATTACH);
	genl_put_u64(&msg, CGFENCE_A_CGROUP_ID, file_id);
	genl_put_str(&msg, CGFENCE_A_PROFILE_NAME, "ctl-cmd");
	ret |= send_bad("ATTACH to the inode of a cgroup.procs file", &msg, 0, NO_TXN, -ENOENT, 0);
	raw_init(&msg, CGFENCE_CMD_ATTACH);
	genl_put_u64(&msg, CGFENCE_A_CGROUP_ID, b.id);
	genl_put_str(&msg, CGFENCE_A_PROFILE_NAME, "ctl-none");
	ret |= send_bad("ATTACH of an unknown profile", &msg, 0, NO_TXN, -ENOENT, 0);
	raw_init(&msg, CGFENCE_CMD_DETACH);
	ret |= send_bad("DETACH without CGROUP_ID", &msg, 0, NO_TXN, -EINVAL, 0);
	raw_init(&msg, CGFENCE_CMD_DETACH);
	genl_put_u64(&msg, CGFENCE_A_CGROUP_ID, file_id);
	ret |= send_bad("DETACH of a cgroup id without attachment", &msg, 0, NO_TXN, -ENOENT, 0);
	box_drop(&b);
	return ret;
}

/* What RULE_GET returns: the RULES payloads of every message, back to back. */
struct rule_dump {
	char bytes[8192];
	size_t len;
	unsigned int msgs_named;	/* messages that carry the profile's name and generation */
	__u64 generation;
};

static int rule_dump_one(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr *tb[CGFENCE_A_MAX + 1];
	struct rule_dump *d = arg;
	unsigned int unknown, len;

	if (genl_parse(nlh, tb, CGFENCE_A_MAX, &unknown) < 0 || !tb[CGFENCE_A_RULES])
		return -EPROTO;
	if (tb[CGFENCE_A_PROFILE_NAME] && tb[CGFENCE_A_PROFILE_GENERATION] &&
	    !strcmp(genl_attr_data(tb[CGFENCE_A_PROFILE_NAME]), "ctl-rules")) {
		d->msgs_named++;
		memcpy(&d->generation, genl_attr_data(tb[CGFENCE_A_PROFILE_GENERATION]), 8);
	}
	len = genl_attr_len(tb[CGFENCE_A_RULES]);
	if (d->len + len > sizeof(d->bytes))
		return -E2BIG;
	memcpy(d->bytes + d->len, genl_attr_data(tb[CGFENCE_A_RULES]), len);
	d->len += len;
	return 0;
}

static int rule_get(struct cgf_conn *c, const char *name, struct rule_dump *d)
{
	static struct genl_reply r;
	int err;

	memset(d, 0, sizeof(*d));
	cgf_msg_init(c, &msg, CGFENCE_CMD_RULE_GET);
	msg.nlh.nlmsg_flags = NLM_F_REQUEST;
	if (name)
		genl_put_str(&msg, CGFENCE_A_PROFILE_NAME, name);
	err = genl_dump(&c->s, &msg, &r, rule_dump_one, d);
	snprintf(c->extack, sizeof(c->extack), "%s", r.extack);
	return err;
}

static int case_rule_get(void *arg)
{
	static char long_origin[CGFENCE_MAX_ORIGIN + 1];
	static struct genl_msg second, first;
	const struct raw_rule rules[] = {
		{ GOOD_RULE, .origin = "/etc/cgfence/a.cgf:14:9" },
		{ .id = 4, .kind = CGFENCE_RULE_KERNEL, .effect = ALLOW, .perms = -1,
		  .extra = 0, .origin = "inc/b:c.cgf:2:5" },
		{ .id = 7, .kind = CGFENCE_RULE_FILE, .effect = ALLOW, .perms = R, .path = PUBLIC },
	};
	struct cgf_snapshot before;
	struct rule_dump d;
	struct cgf_conn c;
	size_t rules_off;
	int err, ret = 0;

	(void)arg;
	if (cgf_conn_open(&c))
		return -1;
	/* The kernel rule needs its operations: sent as the extra attribute would not be. */
	err = cgf_begin(&c, "ctl-rules", ENFORCE, ALLOW, 3);
	if (!err) {
		struct raw_rule k = rules[1];

		add_msg(&msg, rules, 1);
		msg.nlh.nlmsg_type = c.family;
		err = cgf_send(&c, &msg);
		raw_init(&second, CGFENCE_CMD_PROFILE_ADD);
		rules_off = genl_nest_start(&second, CGFENCE_A_RULES);
		{
			size_t nest = genl_nest_start(&second, CGFENCE_RULE_A_RULE);

			genl_put_u32(&second, CGFENCE_RULE_A_ID, k.id);
			genl_put_u8(&second, CGFENCE_RULE_A_KIND, k.kind);
			genl_put_u8(&second, CGFENCE_RULE_A_EFFECT, k.effect);
			genl_put_u32(&second, CGFENCE_RULE_A_KERNEL_OPS, CGFENCE_KERNEL_SIGNAL);
			genl_put_str(&second, CGFENCE_RULE_A_ORIGIN, k.origin);
			genl_nest_end(&second, nest);
		}
		put_raw_rule(&second, &rules[2]);
		genl_nest_end(&second, rules_off);
		second.nlh.nlmsg_type = c.family;
		err = err ?: cgf_send(&c, &second);
	}
	err = err ?: cgf_commit(&c);
	if (err) {
		tap_fail("load ctl-rules with origins: %s (%s)", errname(err), c.extack);
		cgf_conn_close(&c);
		return -1;
	}

	err = rule_get(&c, "ctl-rules", &d);
	if (err) {
		ret = tap_fail("RULE_GET ctl-rules: %s (%s)", errname(err), c.extack);
	} else {
		/*
		 * Byte for byte what was loaded: the first message's rule, then the second
		 * message's two, origins included and the rule without one left without.
		 */
		size_t a_len, b_len;
		const struct nlattr *a, *b;

		add_msg(&first, rules, 1);
		a = (const struct nlattr *)(first.buf + NLMSG_HDRLEN + GENL_HDRLEN);
		b = (const struct nlattr *)(second.buf + rules_off);
		a_len = genl_attr_len(a);
		b_len = genl_attr_len(b);
		if (d.len != a_len + b_len || memcmp(d.bytes, genl_attr_data(a), a_len) ||
		    memcmp(d.bytes + a_len, genl_attr_data(b), b_len))
			ret = tap_fail("RULE_GET: %zu bytes of rules, not the %zu loaded", d.len,
				       a_len + b_len);
		if (!d.msgs_named || d.generation != 1)
			ret = tap_fail("RULE_GET: messages without the name, or generation %llu",
				       (unsigned long long)d.generation);
		tap_diag("RULE_GET: %zu bytes of rules in %u message(s), generation %llu", d.len,
			 d.msgs_named, (unsigned long long)d.generation);
	}

	if (cgf_snapshot_take(&before))
		ret = -1;
	err = rule_get(&c, NULL, &d);
	if (expect_err("RULE_GET without a name", err, -EINVAL) ||
	    !strstr(c.extack, "profile name missing"))
		ret = tap_fail("RULE_GET without a name: extack \"%s\"", c.extack);
	err = rule_get(&c, "ctl-none", &d);
	tap_diag("RULE_GET ctl-none: %s, %zu bytes, %u named, extack \"%s\"", errname(err), d.len,
		 d.msgs_named, c.extack);
	if (expect_err("RULE_GET of an unknown profile", err, -ENOENT) ||
	    !strstr(c.extack, "no profile by that name"))
		ret = tap_fail("RULE_GET of an unknown profile: extack \"%s\"", c.extack);
	if (store_unchanged(&before))
		ret = tap_fail("RULE_GET refusals changed the store");
	cgf_snapshot_free(&before);

	/* 255 bytes and the NUL fit CGFENCE_MAX_ORIGIN; one more is refused. */
	memset(long_origin, 'o', CGFENCE_MAX_ORIGIN);
	{
		struct raw_rule r = { GOOD_RULE, .origin = long_origin };

		ret |= bad_rule("an origin of 256 bytes", &r, -EINVAL);
		long_origin[CGFENCE_MAX_ORIGIN - 1] = '\0';
		add_msg(&msg, &r, 1);
		err = cgf_begin(&c, "ctl-rules2", ENFORCE, ALLOW, 1);
		msg.nlh.nlmsg_type = c.family;
		err = err ?: cgf_send(&c, &msg);
		err = err ?: cgf_commit(&c);
		if (expect_err("an origin of 255 bytes", err, 0))
			ret = -1;
		cgf_profile_remove(&c, "ctl-rules2", false);
	}
	cgf_profile_remove(&c, "ctl-rules", false);
	cgf_conn_close(&c);
	return ret;
}

static int case_unload(void *arg)
{
	struct cgf_status st;

	(void)arg;
	if (expect_err("STATUS", cgf_status_query(&st), 0))
		return -1;
	if (st.profiles || st.attachments || st.locked)
		tap_diag("left in the store: %u profiles, %u attachments, locked %u", st.profiles,
			 st.attachments, st.locked);
	return expect_err("delete_module(cgfence)", cgf_unload(), 0);
}

static const char *const files[] = { SECRET, PUBLIC, FILE_A, FILE_B, FLIP };

static void remove_files(void)
{
	char path[64];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(files); i++)
		unlink(files[i]);
	rmdir(DIR);
	for (i = BIG_DENY_ID - 1; i <= BIG_DENY_ID; i++) {
		snprintf(path, sizeof(path), BIG_DIR "/f%06u", i);
		unlink(path);
	}
	snprintf(path, sizeof(path), BIG_DIR "/f%06u", BIG_RULES);
	unlink(path);
	unlink(BIG_DIR "/other");
	rmdir(BIG_DIR);
}

static void make_files(void)
{
	unsigned int i;

	mkdir(DIR, 0755);
	for (i = 0; i < ARRAY_SIZE(files); i++)
		close(open(files[i], O_CREAT | O_WRONLY | O_CLOEXEC, 0644));
}

int main(int argc, char **argv)
{
	tap_init(argc, argv);
	tap_plan(31);
	make_files();
	tap_case("insmod cgfence.ko", case_load, NULL);
	tap_case("load, GET, dump, MODE, replace, REMOVE: fields, generations, STATUS counts",
		 case_profile_round_trip, NULL);
	tap_case("ATTACH by cgroup id, ATTACH_GET with the cgroup path, DETACH, counts",
		 case_attach_detach, NULL);
	tap_case("REMOVE while attached: EBUSY; with FORCE: detached, tasks unconfined",
		 case_remove_force, NULL);
	tap_case("re-ATTACH swaps the profile, also for a task already inside",
		 case_reattach_swap, NULL);
	tap_case("a removed cgroup drops its attachment; a new one at its path is free",
		 case_removed_cgroup, NULL);
	tap_case("100000 rules in chunks: loaded, counted, one deny rule enforced and logged",
		 case_big_profile, NULL);
	/* After the big profile, whose check reads the kernel log: this one floods it. */
	tap_case("atomic replace: a looping confined task sees one version per open, never a mix",
		 case_atomic_replace, NULL);
	tap_case("a transaction belongs to its socket and dies with it; ABORT ends it",
		 case_transaction_socket, NULL);
	tap_case("16 concurrent transactions; the 17th EBUSY; a closed socket frees its slot",
		 case_transaction_limit, NULL);
	tap_case("100001 rules announced: ERANGE at BEGIN; 100000: accepted",
		 case_rule_limit, NULL);
	tap_case("1024 profiles; the 1025th E2BIG; replace at the limit works; dump marks a change",
		 case_profile_limit, NULL);
	tap_case("10000 attachments; the 10001st E2BIG; re-attach at the limit works",
		 case_attachment_limit, NULL);
	tap_case("as nobody: every command EPERM naming CAP_MAC_ADMIN, store unchanged",
		 case_perm_nobody, NULL);
	tap_case("as root without CAP_MAC_ADMIN: every command EPERM, store unchanged",
		 case_perm_no_mac_admin, NULL);
	tap_case("as root with all capabilities inside an attached cgroup: every command EPERM",
		 case_perm_confined_root, NULL);
	tap_case("a socket opened outside, used from inside an attached cgroup: every command EPERM",
		 case_perm_inherited_socket, NULL);
	tap_case("from another network namespace: every command ENOENT, store unchanged",
		 case_perm_netns, NULL);
	tap_case("as nobody: the refused dumps (PROFILE_GET, ATTACH_GET, RULE_GET, LEARNED_GET) carry an extack message",
		 case_perm_dump_extack, NULL);
	tap_case("BEGIN without each required attribute: EINVAL with extack",
		 case_bad_begin_missing, NULL);
	tap_case("profile names: 64 characters, no NUL, empty, bad characters: EINVAL; 63 load",
		 case_bad_names, NULL);
	tap_case("BEGIN: wrong sizes EINVAL, enum and count out of range ERANGE",
		 case_bad_begin_values, NULL);
	tap_case("unknown, undeclared and overrunning attributes: EINVAL with extack",
		 case_bad_attributes, NULL);
	tap_case("truncated genetlink header EINVAL; truncated netlink message dropped",
		 case_bad_headers, NULL);
	tap_case("rules: RULES and required rule attributes missing: EINVAL",
		 case_bad_rules_missing, NULL);
	tap_case("rules: bad values, unknown and other kinds' attributes: EINVAL/ERANGE",
		 case_bad_rule_values, NULL);
	tap_case("rules: bad path patterns and a 4096-byte one EINVAL; 4095 bytes accepted",
		 case_bad_patterns, NULL);
	tap_case("ADD/COMMIT/ABORT without BEGIN ENOENT, too many E2BIG, ids increase, all-or-nothing",
		 case_bad_transactions, NULL);
	tap_case("REMOVE, MODE, GET, ATTACH, DETACH: missing, malformed, unknown: exact errnos",
		 case_bad_commands, NULL);
	tap_case("RULE_GET: the rules byte for byte as loaded, origins included; errors EINVAL/ENOENT; 256-byte origin EINVAL",
		 case_rule_get, NULL);
	tap_case("rmmod cgfence", case_unload, NULL);
	remove_files();
	return tap_done();
}
