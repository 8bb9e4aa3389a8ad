// SPDX-License-Identifier: GPL-2.0
/* e2e: complain mode keeps each distinct refusal once for learn, bounded, beyond the rate limit. */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "e2e.h"
#include "genl.h"
#include "tap.h"

#define ALLOW		CGFENCE_EFFECT_ALLOW
#define DENY		CGFENCE_EFFECT_DENY
#define ENFORCE		CGFENCE_MODE_ENFORCE
#define COMPLAIN	CGFENCE_MODE_COMPLAIN
#define R		CGFENCE_FILE_READ

#define DIR		"/tmp/t_learned"
#define PUBLIC		DIR "/public"
#define NFILES		300
#define CAPACITY	256
#define PROFILE		"l-learn"
#define PARAMS		"/sys/module/cgfence/parameters/"
/* Two names longer than a record holds, the same in the 252 bytes a record keeps. */
#define LONG_DIR	DIR "/" A50 A50 A50 A50 A50
#define A50		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define LONG_1		LONG_DIR "/" A50 A50 "1"
#define LONG_2		LONG_DIR "/" A50 A50 "2"

static const struct cgf_file_rule allow_public[] = {
	{ 1, ALLOW, R, PUBLIC },
};

static void file_name(char *buf, size_t len, int i)
{
	snprintf(buf, len, DIR "/f%03d", i);
}

/* What the confined child opens: files [from, to), each @times times, then PUBLIC. */
struct opens {
	int from, to, times;
	int want;		/* what each open of a file gets: 0, or -EACCES in enforce mode */
	bool long_names;	/* open LONG_1 and LONG_2 too */
};

static int child_opens(void *arg)
{
	const struct opens *o = arg;
	char path[64];
	int i, k, err, bad = 0;

	for (k = 0; k < o->times; k++)
		for (i = o->from; i < o->to; i++) {
			file_name(path, sizeof(path), i);
			err = try_open(path, O_RDONLY);
			if (err != o->want && bad++ < 3)
				tap_diag("open %s: %s, want %s", path, errname(err),
					 errname(o->want));
		}
	if (o->long_names && (try_open(LONG_1, O_RDONLY) || try_open(LONG_2, O_RDONLY)))
		bad = tap_fail("open of the long names refused in complain mode");
	err = try_open(PUBLIC, O_RDONLY);
	if (err)
		tap_diag("open %s (allowed by rule 1): %s", PUBLIC, errname(err));
	return bad || err ? -1 : 0;
}

/* PROFILE_GET's learned attributes: @present false when the profile keeps no set. */
struct learned_state {
	bool present;
	__u32 nr, capacity;
	__u64 missed;
};

static int learned_state(struct cgf_conn *c, struct learned_state *st)
{
	static struct genl_reply r;
	const struct nlattr *tb[CGFENCE_A_MAX + 1];
	struct genl_msg m;
	unsigned int unknown;
	int err, have;

	memset(st, 0, sizeof(*st));
	cgf_msg_init(c, &m, CGFENCE_CMD_PROFILE_GET);
	genl_put_str(&m, CGFENCE_A_PROFILE_NAME, PROFILE);
	err = genl_transact(&c->s, &m, &r);
	if (err)
		return tap_fail("PROFILE_GET %s: %s (%s)", PROFILE, errname(err), r.extack);
	if (r.n_msgs != 1 || genl_parse(&r.nlh, tb, CGFENCE_A_MAX, &unknown) < 0)
		return tap_fail("PROFILE_GET %s: %u messages, or a malformed one", PROFILE,
				r.n_msgs);
	have = !!tb[CGFENCE_A_LEARNED_RECORDS] + !!tb[CGFENCE_A_LEARNED_CAPACITY] +
	       !!tb[CGFENCE_A_LEARNED_MISSED];
	if (have != 0 && have != 3)
		return tap_fail("PROFILE_GET: %d of the 3 LEARNED attributes", have);
	st->present = have;
	if (have) {
		memcpy(&st->nr, genl_attr_data(tb[CGFENCE_A_LEARNED_RECORDS]), 4);
		memcpy(&st->capacity, genl_attr_data(tb[CGFENCE_A_LEARNED_CAPACITY]), 4);
		memcpy(&st->missed, genl_attr_data(tb[CGFENCE_A_LEARNED_MISSED]), 8);
	}
	return 0;
}

static int expect_state(struct cgf_conn *c, const char *what, bool present, __u32 nr,
			__u64 missed)
{
	struct learned_state st;

	if (learned_state(c, &st))
		return -1;
	tap_diag("%s: present %d, %u of %u kept, %llu missed", what, st.present, st.nr,
		 st.capacity, (unsigned long long)st.missed);
	if (st.present != present ||
	    (present && (st.nr != nr || st.capacity != CAPACITY || st.missed != missed)))
		return tap_fail("%s: want present %d, %u of %u kept, %llu missed", what, present,
				nr, CAPACITY, (unsigned long long)missed);
	return 0;
}

/* What a LEARNED_GET or DENIAL dump held for the box. */
struct scan {
	__u64 cgroup_id;
	const char *cgroup;		/* the path each record must carry */
	bool ring;			/* a DENIAL dump: other profiles' records are skipped */
	unsigned int n, bad, others, public;
	unsigned int cut;		/* records of LONG_DIR, cut to 252 bytes and "..." */
	unsigned char files[NFILES];	/* records naming each file */
};

static const char *str_attr(const struct nlattr *a)
{
	return a ? (const char *)genl_attr_data(a) : "";
}

static int scan_one(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr *tb[CGFENCE_A_MAX + 1];
	struct scan *s = arg;
	unsigned int unknown;
	const char *object;
	__u64 seq = 0, id = 0;
	__u8 verdict = 0, kind = 0;
	int i;

	if (genl_parse(nlh, tb, CGFENCE_A_MAX, &unknown) < 0 || !tb[CGFENCE_A_DENIAL_SEQ] ||
	    !tb[CGFENCE_A_CGROUP_ID] || !tb[CGFENCE_A_DENIAL_VERDICT] ||
	    !tb[CGFENCE_A_DENIAL_KIND] || !tb[CGFENCE_A_DENIAL_OBJECT]) {
		s->bad++;
		return 0;
	}
	if (s->ring && strcmp(str_attr(tb[CGFENCE_A_PROFILE_NAME]), PROFILE))
		return 0;
	memcpy(&seq, genl_attr_data(tb[CGFENCE_A_DENIAL_SEQ]), 8);
	memcpy(&id, genl_attr_data(tb[CGFENCE_A_CGROUP_ID]), 8);
	verdict = *(__u8 *)genl_attr_data(tb[CGFENCE_A_DENIAL_VERDICT]);
	kind = *(__u8 *)genl_attr_data(tb[CGFENCE_A_DENIAL_KIND]);
	object = str_attr(tb[CGFENCE_A_DENIAL_OBJECT]);
	s->n++;
	/* Learned records are numbered from 1 in the order they were first seen. */
	if ((!s->ring && seq != s->n) || id != s->cgroup_id ||
	    verdict != CGFENCE_VERDICT_WOULD_DENY ||
	    strcmp(str_attr(tb[CGFENCE_A_CGROUP_PATH]), s->cgroup) ||
	    strcmp(str_attr(tb[CGFENCE_A_PROFILE_NAME]), PROFILE)) {
		if (s->bad++ < 3)
			tap_diag("record %llu: cgroup %llu %s, verdict %u, profile %s, object %s",
				 (unsigned long long)seq, (unsigned long long)id,
				 str_attr(tb[CGFENCE_A_CGROUP_PATH]), verdict,
				 str_attr(tb[CGFENCE_A_PROFILE_NAME]), object);
		return 0;
	}
	if (!strcmp(object, PUBLIC)) {
		s->public++;
	} else if (!strncmp(object, LONG_1, 252)) {
		if (strlen(object) != 255 || strcmp(object + 252, "..."))
			s->bad++;
		s->cut++;
	} else if (sscanf(object, DIR "/f%d", &i) == 1 && i >= 0 && i < NFILES) {
		if (kind != CGFENCE_DENIAL_FILE || strcmp(str_attr(tb[CGFENCE_A_DENIAL_OP]), "open"))
			s->bad++;
		s->files[i]++;
	} else if (s->others++ < 5) {
		tap_diag("record %llu: %s %s (the child's own)", (unsigned long long)seq,
			 str_attr(tb[CGFENCE_A_DENIAL_OP]), object);
	}
	return 0;
}

static int dump(struct cgf_conn *c, __u8 cmd, const char *name, struct scan *s)
{
	static struct genl_reply r;
	struct genl_msg m;
	int err;

	cgf_msg_init(c, &m, cmd);
	m.nlh.nlmsg_flags = NLM_F_REQUEST;
	if (name)
		genl_put_str(&m, CGFENCE_A_PROFILE_NAME, name);
	err = genl_dump(&c->s, &m, &r, scan_one, s);
	snprintf(c->extack, sizeof(c->extack), "%s", r.extack);
	return err;
}

static int scan_learned(struct cgf_conn *c, const struct box *b, const char *cgroup,
			struct scan *s)
{
	int err;

	memset(s, 0, sizeof(*s));
	s->cgroup_id = b->id;
	s->cgroup = cgroup;
	err = dump(c, CGFENCE_CMD_LEARNED_GET, PROFILE, s);
	if (err)
		return tap_fail("LEARNED_GET %s: %s (%s)", PROFILE, errname(err), c->extack);
	if (s->bad)
		return tap_fail("LEARNED_GET: %u records malformed or not the box's would-deny",
				s->bad);
	return 0;
}

/* How many of files [from, to) the scan saw exactly @want times; the rest are diagnosed. */
static int files_seen(const struct scan *s, int from, int to, int want)
{
	int i, bad = 0;

	for (i = from; i < to; i++)
		if (s->files[i] != want && bad++ < 3)
			tap_diag("f%03d: %u records, want %d", i, s->files[i], want);
	return bad;
}

static int setup(void)
{
	char path[64];
	int i;

	if (mkdir_p(LONG_DIR) || make_file(PUBLIC, "public\n", 0644) ||
	    make_file(LONG_1, "1\n", 0644) || make_file(LONG_2, "2\n", 0644))
		return -1;
	for (i = 0; i < NFILES; i++) {
		file_name(path, sizeof(path), i);
		if (make_file(path, "x\n", 0644))
			return -1;
	}
	return 0;
}

/*
 * 200 files opened twice under a complain-mode profile, with the rate limit at one record
 * a second: the learned set has each once, the ring only what the limit let through.
 * Enforce mode adds nothing to the set and keeps it; the set then fills, and what finds
 * it full is counted. A replace starts anew; enforce from the start keeps none.
 */
static int case_learned(void *arg)
{
	struct opens first = { 0, 200, 2, 0, true }, enforced = { 200, 201, 1, -EACCES, false };
	struct opens all = { 0, NFILES, 1, 0, false };
	struct cgf_snapshot before, after;
	struct scan s, ring;
	unsigned int others;
	char cgroup[sizeof(((struct box *)0)->dir)];
	struct cgf_conn c;
	struct box b;
	int err, ret = 0;

	(void)arg;
	if (setup() || write_file(PARAMS "learn_records", "256") ||
	    write_file(PARAMS "denials_per_second", "1"))
		return tap_fail("setup: files and module parameters");
	if (box_make(&b, "box", PROFILE, COMPLAIN, DENY, allow_public, 1))
		return -1;
	strcpy(cgroup, b.dir + strlen(CGROUP_ROOT));
	if (cgf_conn_open(&c)) {
		box_drop(&b);
		return -1;
	}
	ret |= expect_state(&c, "loaded in complain mode", true, 0, 0);

	ret |= run_confined(&b, NULL, child_opens, &first);
	if (scan_learned(&c, &b, cgroup, &s))
		goto out;
	others = s.others + s.cut;
	if (files_seen(&s, 0, 200, 1) || files_seen(&s, 200, NFILES, 0) || s.public)
		ret = tap_fail("learned: each of f000-f199 once, nothing else of the files, not %s",
			       PUBLIC);
	if (s.cut != 1)
		ret = tap_fail("learned: %u records of the two long names, want 1: they read the same",
			       s.cut);
	tap_diag("learned: %u records, %u of them the child's own", s.n, s.others);
	ret |= expect_state(&c, "after 400 opens of 200 files", true, s.n, 0);

	memset(&ring, 0, sizeof(ring));
	ring.cgroup_id = b.id;
	ring.cgroup = cgroup;
	ring.ring = true;
	err = dump(&c, CGFENCE_CMD_DENIAL, NULL, &ring);
	tap_diag("ring: %u records of %s, %u naming the files", ring.n, PROFILE,
		 ring.n - ring.others - ring.public);
	if (err || ring.bad || ring.n - ring.others >= 200)
		ret = tap_fail("ring: %s, %u bad; the rate limit should have kept it under 200",
			       errname(err), ring.bad);

	/* Enforce: refused, not learned, and the set stays for learn to read. */
	err = cgf_profile_set_mode(&c, PROFILE, ENFORCE);
	ret |= expect_err("MODE enforce", err, 0);
	ret |= run_confined(&b, NULL, child_opens, &enforced);
	ret |= expect_state(&c, "enforce mode, f200 refused", true, s.n, 0);
	err = cgf_profile_set_mode(&c, PROFILE, COMPLAIN);
	ret |= expect_err("MODE complain", err, 0);
	ret |= expect_state(&c, "back in complain mode: the same set", true, s.n, 0);

	/* 300 files: room for 256 - others - 200 more; each of the rest is missed once. */
	ret |= run_confined(&b, NULL, child_opens, &all);
	ret |= expect_state(&c, "300 files", true, CAPACITY, 200 + others + 100 - CAPACITY);
	if (!scan_learned(&c, &b, cgroup, &s) &&
	    (s.n != CAPACITY || files_seen(&s, 0, CAPACITY - others, 1) ||
	     files_seen(&s, CAPACITY - others, NFILES, 0)))
		ret = tap_fail("learned: the first %u files once each, in a full set of %u",
			       CAPACITY - others, s.n);
	ret |= run_confined(&b, NULL, child_opens, &all);
	ret |= expect_state(&c, "300 files again: known ones kept, the rest missed again", true,
			    CAPACITY, 2 * (200 + others + 100 - CAPACITY));

	/* A detached container has no path to give; its id stays. */
	err = cgf_detach(&c, b.id);
	ret |= expect_err("DETACH", err, 0);
	b.attached = !!err;
	if (!scan_learned(&c, &b, "?", &s) && s.n != CAPACITY)
		ret = tap_fail("after DETACH: %u records, want %u, each \"?\"", s.n, CAPACITY);

	/* A replace learns anew. */
	err = cgf_profile_load(&c, PROFILE, COMPLAIN, DENY, allow_public, 1);
	ret |= expect_err("replace in complain mode", err, 0);
	ret |= expect_state(&c, "replaced in complain mode", true, 0, 0);
	if (!scan_learned(&c, &b, "?", &s) && s.n)
		ret = tap_fail("after the replace: %u records, want none", s.n);

	/* Enforce from the start keeps none, and says so. */
	err = cgf_profile_load(&c, PROFILE, ENFORCE, DENY, allow_public, 1);
	ret |= expect_err("replace in enforce mode", err, 0);
	ret |= expect_state(&c, "replaced in enforce mode", false, 0, 0);
	if (cgf_snapshot_take(&before))
		ret = -1;
	memset(&s, 0, sizeof(s));
	err = dump(&c, CGFENCE_CMD_LEARNED_GET, PROFILE, &s);
	if (expect_err("LEARNED_GET of a profile that keeps none", err, -ENODATA) ||
	    !strstr(c.extack, "keeps no learned records") || s.n)
		ret = tap_fail("LEARNED_GET of a profile that keeps none: extack \"%s\", %u records",
			       c.extack, s.n);
	err = dump(&c, CGFENCE_CMD_LEARNED_GET, NULL, &s);
	if (expect_err("LEARNED_GET without a name", err, -EINVAL) ||
	    !strstr(c.extack, "profile name missing"))
		ret = tap_fail("LEARNED_GET without a name: extack \"%s\"", c.extack);
	err = dump(&c, CGFENCE_CMD_LEARNED_GET, "l-none", &s);
	if (expect_err("LEARNED_GET of an unknown profile", err, -ENOENT) ||
	    !strstr(c.extack, "no profile by that name"))
		ret = tap_fail("LEARNED_GET of an unknown profile: extack \"%s\"", c.extack);
	if (cgf_snapshot_take(&after) || cgf_snapshot_compare(&before, &after))
		ret = tap_fail("the refused LEARNED_GETs changed the store");
	cgf_snapshot_free(&before);
	cgf_snapshot_free(&after);

	/* learn_records 0: complain mode keeps nothing. */
	if (write_file(PARAMS "learn_records", "0"))
		ret = tap_fail("learn_records=0");
	err = cgf_profile_set_mode(&c, PROFILE, COMPLAIN);
	ret |= expect_err("MODE complain with learn_records 0", err, 0);
	ret |= expect_state(&c, "complain mode with learn_records 0", false, 0, 0);
out:
	write_file(PARAMS "learn_records", "4096");
	write_file(PARAMS "denials_per_second", "20");
	cgf_conn_close(&c);
	box_drop(&b);
	return ret;
}

int main(int argc, char **argv)
{
	char path[64];
	int i;

	tap_init(argc, argv);
	tap_plan(3);
	tap_case("insmod cgfence.ko", case_cgfence_insmod, NULL);
	tap_case("complain mode keeps each distinct refusal once beyond the rate limit (names cut alike: one); enforce adds none; full: missed counted; replace starts anew; errors ENODATA/EINVAL/ENOENT",
		 case_learned, NULL);
	tap_case("rmmod cgfence", case_cgfence_rmmod, NULL);
	for (i = 0; i < NFILES; i++) {
		file_name(path, sizeof(path), i);
		unlink(path);
	}
	unlink(PUBLIC);
	unlink(LONG_1);
	unlink(LONG_2);
	rmdir(LONG_DIR);
	rmdir(DIR);
	return tap_done();
}
