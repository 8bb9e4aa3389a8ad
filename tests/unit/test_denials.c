// SPDX-License-Identifier: GPL-2.0
/* Unit tests of denial records: parsing, rendering, lost notes, filters, gaps, learn. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "cgfence.h"
#include "cmd_denials.h"
#include "denials.h"
#include "learn.h"
#include "policy.h"
#include "tap.h"

/* 2023-11-14T22:13:20.123Z, and some nanoseconds that must not round the milliseconds up. */
#define T0	1700000000123999999ULL

#define FILE_REC(_seq, _verdict, _cg, _prof, _rule, _op, _obj, _req, _den)		\
	{ .seq = (_seq), .time_ns = T0, .cgroup_id = 42, .cgroup = (_cg),		\
	  .profile = (_prof), .rule_id = (_rule), .op = (_op),				\
	  .kind = CGFENCE_DENIAL_FILE, .object = (_obj), .requested = (_req),		\
	  .denied = (_den), .pid = 100, .comm = "sh", .verdict = (_verdict) }

/* A would-deny record of profile web in /box, by no rule; learn reads what was requested. */
#define REC(_seq, _kind, _op, _obj, _req)						\
	{ .seq = (_seq), .time_ns = T0, .cgroup_id = 7, .cgroup = "/box",		\
	  .profile = "web", .rule_id = 0, .op = (_op), .kind = (_kind),		\
	  .object = (_obj), .requested = (_req), .pid = 1,				\
	  .comm = "x", .verdict = CGFENCE_VERDICT_WOULD_DENY }

#define R	CGFENCE_FILE_READ
#define W	CGFENCE_FILE_WRITE
#define A	CGFENCE_FILE_APPEND
#define X	CGFENCE_FILE_EXEC
#define C	CGFENCE_FILE_CREATE
#define T	CGFENCE_FILE_TRUNCATE
#define WOULD	CGFENCE_VERDICT_WOULD_DENY
#define DENIED	CGFENCE_VERDICT_DENIED

/* What a renderer wrote, as one string the caller frees. */
struct capture {
	char *buf;
	size_t len;
	FILE *f;
};

static FILE *cap_open(struct capture *c)
{
	c->buf = NULL;
	c->len = 0;
	c->f = open_memstream(&c->buf, &c->len);
	if (!c->f)
		abort();
	return c->f;
}

static char *cap_close(struct capture *c)
{
	fclose(c->f);
	return c->buf;
}

/* A CGFENCE_CMD_DENIAL message as the module builds it; @skip leaves one attribute out. */
static struct nl_msg *denial_msg(uint8_t cmd, int skip)
{
	struct nl_msg *msg = nlmsg_alloc();

	genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, 0x20, 0, NLM_F_MULTI, cmd, 1);
#define PUT(type, call) do { if (skip != (type)) call; } while (0)
	PUT(CGFENCE_A_DENIAL_SEQ, nla_put_u64(msg, CGFENCE_A_DENIAL_SEQ, 12));
	PUT(CGFENCE_A_DENIAL_TIME, nla_put_u64(msg, CGFENCE_A_DENIAL_TIME, T0));
	PUT(CGFENCE_A_CGROUP_ID, nla_put_u64(msg, CGFENCE_A_CGROUP_ID, 4026531835ULL));
	PUT(CGFENCE_A_CGROUP_PATH, nla_put_string(msg, CGFENCE_A_CGROUP_PATH, "/web"));
	PUT(CGFENCE_A_PROFILE_NAME, nla_put_string(msg, CGFENCE_A_PROFILE_NAME, "webp"));
	PUT(CGFENCE_A_DENIAL_RULE_ID, nla_put_u32(msg, CGFENCE_A_DENIAL_RULE_ID, 3));
	PUT(CGFENCE_A_DENIAL_OP, nla_put_string(msg, CGFENCE_A_DENIAL_OP, "open"));
	PUT(CGFENCE_A_DENIAL_KIND, nla_put_u8(msg, CGFENCE_A_DENIAL_KIND, CGFENCE_DENIAL_FILE));
	PUT(CGFENCE_A_DENIAL_OBJECT, nla_put_string(msg, CGFENCE_A_DENIAL_OBJECT, "/etc/shadow"));
	PUT(CGFENCE_A_DENIAL_REQUESTED, nla_put_u32(msg, CGFENCE_A_DENIAL_REQUESTED, R | W));
	PUT(CGFENCE_A_DENIAL_DENIED, nla_put_u32(msg, CGFENCE_A_DENIAL_DENIED, W));
	PUT(CGFENCE_A_DENIAL_PID, nla_put_u32(msg, CGFENCE_A_DENIAL_PID, 4242));
	PUT(CGFENCE_A_DENIAL_COMM, nla_put_string(msg, CGFENCE_A_DENIAL_COMM, "cat"));
	PUT(CGFENCE_A_DENIAL_VERDICT,
	    nla_put_u8(msg, CGFENCE_A_DENIAL_VERDICT, CGFENCE_VERDICT_DENIED));
	PUT(CGFENCE_A_DENIAL_LOST, nla_put_u32(msg, CGFENCE_A_DENIAL_LOST, 9));
	PUT(CGFENCE_A_PROFILE_GENERATION, nla_put_u64(msg, CGFENCE_A_PROFILE_GENERATION, 1ULL << 33));
#undef PUT
	return msg;
}

static void test_parse(void)
{
	struct cgf_denial d, copy;
	struct nl_msg *msg;
	int err;

	msg = denial_msg(CGFENCE_CMD_DENIAL, -1);
	err = cgf_denial_parse(nlmsg_hdr(msg), &d);
	tap_is_int(err, 0, "parse: a complete record");
	tap_ok(d.seq == 12 && d.time_ns == T0 && d.cgroup_id == 4026531835ULL,
	       "parse: seq, time and cgroup id (u64s)");
	tap_ok(d.rule_id == 3 && d.kind == CGFENCE_DENIAL_FILE && d.requested == (R | W) &&
	       d.denied == W && d.pid == 4242 && d.verdict == CGFENCE_VERDICT_DENIED &&
	       d.lost == 9, "parse: the small numbers");
	tap_ok(d.generation == 1ULL << 33 && !d.origin,
	       "parse: the profile's generation; no origin until the reader looks it up");
	tap_ok(!strcmp(d.cgroup, "/web") && !strcmp(d.profile, "webp") && !strcmp(d.op, "open") &&
	       !strcmp(d.object, "/etc/shadow") && !strcmp(d.comm, "cat"), "parse: the strings");
	nlmsg_free(msg);
	/* The record owns its strings: it outlives the message. */
	tap_is_int(cgf_denial_copy(&copy, &d), 0, "copy: succeeds");
	cgf_denial_release(&d);
	tap_is_str(copy.object, "/etc/shadow", "copy: strings survive the original's release");
	tap_ok(copy.seq == 12 && copy.lost == 9, "copy: numbers too");
	cgf_denial_release(&copy);

	msg = denial_msg(CGFENCE_CMD_DENIAL, CGFENCE_A_DENIAL_OBJECT);
	tap_is_int(cgf_denial_parse(nlmsg_hdr(msg), &d), -ENODATA, "parse: no object is -ENODATA");
	nlmsg_free(msg);
	msg = denial_msg(CGFENCE_CMD_DENIAL, CGFENCE_A_DENIAL_SEQ);
	tap_is_int(cgf_denial_parse(nlmsg_hdr(msg), &d), -ENODATA, "parse: no seq is -ENODATA");
	nlmsg_free(msg);
	msg = denial_msg(CGFENCE_CMD_DENIAL, CGFENCE_A_DENIAL_LOST);
	err = cgf_denial_parse(nlmsg_hdr(msg), &d);
	tap_ok(!err && d.lost == 0, "parse: no lost count is none lost");
	cgf_denial_release(&d);
	nlmsg_free(msg);
	msg = denial_msg(CGFENCE_CMD_DENIAL, CGFENCE_A_PROFILE_GENERATION);
	err = cgf_denial_parse(nlmsg_hdr(msg), &d);
	tap_ok(!err && d.generation == 0, "parse: an older module's record has generation 0");
	cgf_denial_release(&d);
	nlmsg_free(msg);
	msg = denial_msg(CGFENCE_CMD_STATUS, -1);
	tap_is_int(cgf_denial_parse(nlmsg_hdr(msg), &d), -EPROTO,
		   "parse: another command is -EPROTO");
	nlmsg_free(msg);
	/* A learned record is laid out as a denial record: learn reads both alike. */
	msg = denial_msg(CGFENCE_CMD_LEARNED_GET, -1);
	err = cgf_denial_parse(nlmsg_hdr(msg), &d);
	tap_ok(!err && d.seq == 12 && !strcmp(d.object, "/etc/shadow"),
	       "parse: a LEARNED_GET reply is a record");
	cgf_denial_release(&d);
	nlmsg_free(msg);

	/* A seq of 4 bytes disagrees with the header: not trusted. */
	msg = denial_msg(CGFENCE_CMD_DENIAL, CGFENCE_A_DENIAL_SEQ);
	nla_put_u32(msg, CGFENCE_A_DENIAL_SEQ, 12);
	tap_is_int(cgf_denial_parse(nlmsg_hdr(msg), &d), -EBADMSG,
		   "parse: a short seq is -EBADMSG");
	nlmsg_free(msg);
}

static void test_bits(void)
{
	char buf[96];

	tap_is_str(cgf_denial_bits_text(buf, sizeof(buf), CGFENCE_DENIAL_FILE, R | W), "rw",
		   "bits: file read and write");
	tap_is_str(cgf_denial_bits_text(buf, sizeof(buf), CGFENCE_DENIAL_FILE, CGFENCE_FILE_ALL),
		   "rwaxcdnlst", "bits: every file permission, in policy order");
	tap_is_str(cgf_denial_bits_text(buf, sizeof(buf), CGFENCE_DENIAL_FILE, 0), "-",
		   "bits: none is '-'");
	tap_is_str(cgf_denial_bits_text(buf, sizeof(buf), CGFENCE_DENIAL_FILE, 1u << 10),
		   "0x400", "bits: an unknown file bit shows the number");
	tap_is_str(cgf_denial_bits_text(buf, sizeof(buf), CGFENCE_DENIAL_DEVICE,
					CGFENCE_DEV_READ | CGFENCE_DEV_MKNOD), "rm",
		   "bits: device read and mknod");
	tap_is_str(cgf_denial_bits_text(buf, sizeof(buf), CGFENCE_DENIAL_MOUNT, CGFENCE_MOUNT_NEW),
		   "mount", "bits: a new mount");
	tap_is_str(cgf_denial_bits_text(buf, sizeof(buf), CGFENCE_DENIAL_MOUNT,
					CGFENCE_MOUNT_BIND | CGFENCE_MOUNT_UMOUNT), "bind,umount",
		   "bits: two mount operations");
	tap_is_str(cgf_denial_bits_text(buf, sizeof(buf), CGFENCE_DENIAL_MOUNT, CGFENCE_MOUNT_ALL),
		   "mount,bind,rbind,remount,move,propagation,umount,pivot_root",
		   "bits: every mount operation fits");
	tap_is_str(cgf_denial_bits_text(buf, sizeof(buf), 9, 5), "0x5",
		   "bits: an unknown kind shows the number");
	tap_is_str(cgf_denial_bits_text(buf, 4, CGFENCE_DENIAL_MOUNT, CGFENCE_MOUNT_PIVOT_ROOT),
		   "0x8", "bits: names that do not fit fall back to a (cut) number");
}

static void test_time(void)
{
	char buf[64];

	tap_is_str(cgf_denial_time_text(buf, sizeof(buf), T0), "2023-11-14T22:13:20.123Z",
		   "time: UTC, milliseconds cut, not rounded");
	tap_is_str(cgf_denial_time_text(buf, sizeof(buf), 0), "1970-01-01T00:00:00.000Z",
		   "time: zero is the epoch");
}

static const struct cgf_denial file_rec =
	FILE_REC(12, DENIED, "/web", "webp", 3, "open", "/etc/shadow", R | W, W);

static void test_render(void)
{
	struct cgf_denial d = file_rec;
	struct capture c;
	char *got;

	cgf_denial_render_plain(cap_open(&c), &d);
	got = cap_close(&c);
	tap_is_str(got,
		   "2023-11-14T22:13:20.123Z seq=12 denied cgroup=/web profile=webp rule=3 op=open object=/etc/shadow requested=rw denied=w pid=100 comm=sh\n",
		   "plain: a file record");
	free(got);
	cgf_denial_render_json(cap_open(&c), &d);
	got = cap_close(&c);
	tap_is_str(got,
		   "{\"type\":\"denial\",\"seq\":12,\"time\":\"2023-11-14T22:13:20.123Z\",\"time_ns\":1700000000123999999,\"verdict\":\"denied\",\"cgroup\":\"/web\",\"container\":null,\"cgroup_id\":42,\"profile\":\"webp\",\"rule_id\":3,\"origin\":null,\"op\":\"open\",\"kind\":\"file\",\"object\":\"/etc/shadow\",\"requested\":3,\"requested_text\":\"rw\",\"denied\":2,\"denied_text\":\"w\",\"pid\":100,\"comm\":\"sh\",\"lost\":0}\n",
		   "json: a file record");
	free(got);
	/* The origin the reader looked up stands next to the rule id. */
	d.origin = "/etc/cgfence/web cfg.cgf:14:9";
	cgf_denial_render_plain(cap_open(&c), &d);
	got = cap_close(&c);
	tap_is_str(got,
		   "2023-11-14T22:13:20.123Z seq=12 denied cgroup=/web profile=webp rule=3 origin=/etc/cgfence/web\\x20cfg.cgf:14:9 op=open object=/etc/shadow requested=rw denied=w pid=100 comm=sh\n",
		   "plain: the rule's origin, the space escaped");
	free(got);
	cgf_denial_render_json(cap_open(&c), &d);
	got = cap_close(&c);
	tap_ok(got && strstr(got, ",\"rule_id\":3,\"origin\":\"/etc/cgfence/web cfg.cgf:14:9\",\"op\":"),
	       "json: the rule's origin");
	free(got);
	d.origin = NULL;

	d = (struct cgf_denial)REC(5, CGFENCE_DENIAL_DEVICE, "device_open", "c 1:1",
				   CGFENCE_DEV_READ | CGFENCE_DEV_WRITE);
	d.denied = CGFENCE_DEV_WRITE;
	cgf_denial_render_plain(cap_open(&c), &d);
	got = cap_close(&c);
	tap_is_str(got,
		   "2023-11-14T22:13:20.123Z seq=5 would-deny cgroup=/box profile=web rule=0 op=device_open object=c\\x201:1 requested=rw denied=w pid=1 comm=x\n",
		   "plain: a device record (the space in the object escaped)");
	free(got);
	cgf_denial_render_json(cap_open(&c), &d);
	got = cap_close(&c);
	tap_ok(strstr(got, "\"verdict\":\"would-deny\"") && strstr(got, "\"kind\":\"device\"") &&
	       strstr(got, "\"object\":\"c 1:1\"") &&
	       strstr(got, "\"requested\":3,\"requested_text\":\"rw\",") &&
	       strstr(got, "\"denied\":2,\"denied_text\":\"w\","),
	       "json: a device record");
	free(got);

	d = (struct cgf_denial)REC(6, CGFENCE_DENIAL_MOUNT, "mount", "/mnt", CGFENCE_MOUNT_BIND);
	d.denied = CGFENCE_MOUNT_BIND;
	cgf_denial_render_plain(cap_open(&c), &d);
	got = cap_close(&c);
	tap_ok(strstr(got, " op=mount object=/mnt requested=bind denied=bind "),
	       "plain: a mount record names its operation");
	free(got);
	cgf_denial_render_json(cap_open(&c), &d);
	got = cap_close(&c);
	tap_ok(strstr(got, "\"kind\":\"mount\"") && strstr(got, "\"requested_text\":\"bind\""),
	       "json: a mount record");
	free(got);

	d = (struct cgf_denial)REC(7, CGFENCE_DENIAL_MOUNT, "fspick", "", 0);
	cgf_denial_render_plain(cap_open(&c), &d);
	got = cap_close(&c);
	tap_ok(strstr(got, " op=fspick object=- requested=- denied=- "),
	       "plain: no object and no bits are '-'");
	free(got);

	d = (struct cgf_denial)REC(8, CGFENCE_DENIAL_CGROUP, "cgroup_migrate", "cgroup.procs", 0);
	cgf_denial_render_json(cap_open(&c), &d);
	got = cap_close(&c);
	tap_ok(strstr(got, "\"kind\":\"cgroup\"") &&
	       strstr(got, "\"requested\":0,\"requested_text\":\"-\""),
	       "json: a cgroup record");
	free(got);

	d = file_rec;
	d.object = "/srv/my file\\x";
	d.comm = "evil\n\x1b[2J";
	d.verdict = 9;
	cgf_denial_render_plain(cap_open(&c), &d);
	got = cap_close(&c);
	tap_ok(strstr(got, " verdict(9) ") && strstr(got, "object=/srv/my\\x20file\\\\x ") &&
	       strstr(got, "comm=evil\\x0a\\x1b[2J\n"),
	       "plain: hostile object and comm are escaped; unknown verdict shows its number");
	free(got);
	cgf_denial_render_json(cap_open(&c), &d);
	got = cap_close(&c);
	tap_ok(strstr(got, "\"object\":\"/srv/my file\\\\x\"") &&
	       strstr(got, "\"comm\":\"evil\\n\\u001b[2J\"") &&
	       strstr(got, "\"verdict\":\"unknown(9)\""), "json: hostile strings are escaped");
	free(got);
}

static void test_lost(void)
{
	struct cgf_denial d = file_rec;
	struct cgf_denial_view v;
	struct capture c;
	char *got;

	d.lost = 35;
	cgf_denial_render_lost(cap_open(&c), false, &d);
	got = cap_close(&c);
	tap_is_str(got, "# 35 records of /web were dropped here (rate limit)\n",
		   "lost: plain note");
	free(got);
	/* A cgroup Docker named: the container's runtime and id, short in text, full in JSON. */
	d.cgroup = "/system.slice/docker-3d5327d3e8161cdea217025b22f696ed6933f7d6964ff1c3219826962a979ae6.scope";
	cgf_denial_render_plain(cap_open(&c), &d);
	got = cap_close(&c);
	tap_ok(strstr(got, ".scope container=docker:3d5327d3e816 profile=webp ") != NULL,
	       "plain: a Docker container's runtime and short id after its cgroup: %s", got);
	free(got);
	cgf_denial_render_json(cap_open(&c), &d);
	got = cap_close(&c);
	tap_ok(strstr(got, ".scope\",\"container\":{\"runtime\":\"docker\",\"id\":\"3d5327d3e8161cdea217025b22f696ed6933f7d6964ff1c3219826962a979ae6\"},\"cgroup_id\":42,") != NULL,
	       "json: a Docker container's runtime and full id: %s", got);
	free(got);
	d.cgroup = "/web";
	d.lost = 1;
	cgf_denial_render_lost(cap_open(&c), false, &d);
	got = cap_close(&c);
	tap_is_str(got, "# 1 record of /web was dropped here (rate limit)\n",
		   "lost: plain note, one");
	free(got);
	d.lost = 35;
	cgf_denial_render_lost(cap_open(&c), true, &d);
	got = cap_close(&c);
	tap_is_str(got,
		   "{\"type\":\"lost\",\"seq\":12,\"cgroup\":\"/web\",\"container\":null,\"cgroup_id\":42,\"profile\":\"webp\",\"count\":35}\n",
		   "lost: json object");
	free(got);

	/* The note comes right before its record, and only with it. */
	cgf_denial_view_init(&v, cap_open(&c), false, NULL, 0);
	cgf_denial_view_feed(&v, &d);
	got = cap_close(&c);
	tap_ok(!strncmp(got, "# 35 records of /web were dropped here (rate limit)\n2023-", 56),
	       "view: the lost note precedes the record");
	free(got);
	cgf_denial_view_init(&v, cap_open(&c), true, &(struct cgf_denial_filter){ .profile = "x" },
			     0);
	cgf_denial_view_feed(&v, &d);
	got = cap_close(&c);
	tap_is_str(got, "", "view: a filtered-out record takes its note with it");
	free(got);
}

static void test_filter(void)
{
	struct cgf_denial d = file_rec;
	char buf[64];

	tap_ok(cgf_denial_match(&(struct cgf_denial_filter){ 0 }, &d), "filter: none matches all");
	tap_ok(cgf_denial_match(&(struct cgf_denial_filter){ .container = "/web" }, &d),
	       "filter: the container itself");
	tap_ok(cgf_denial_match(&(struct cgf_denial_filter){ .container = "/" }, &d),
	       "filter: the root holds every container");
	d.cgroup = "/web/child";
	tap_ok(cgf_denial_match(&(struct cgf_denial_filter){ .container = "/web" }, &d),
	       "filter: a container below");
	d.cgroup = "/webshop";
	tap_ok(!cgf_denial_match(&(struct cgf_denial_filter){ .container = "/web" }, &d),
	       "filter: a name that only starts the same is another container");
	d = file_rec;
	tap_ok(cgf_denial_match(&(struct cgf_denial_filter){ .profile = "webp" }, &d),
	       "filter: the profile");
	tap_ok(!cgf_denial_match(&(struct cgf_denial_filter){ .profile = "web" }, &d),
	       "filter: another profile");
	tap_ok(!cgf_denial_match(&(struct cgf_denial_filter){
			.container = "/web", .profile = "other" }, &d),
	       "filter: both must hold");

	cgf_denial_container_arg("/sys/fs/cgroup", "/sys/fs/cgroup/web/", buf, sizeof(buf));
	tap_is_str(buf, "/web", "container arg: under the mount, trailing '/' dropped");
	cgf_denial_container_arg("/sys/fs/cgroup", "web", buf, sizeof(buf));
	tap_is_str(buf, "/web", "container arg: relative");
	cgf_denial_container_arg("/sys/fs/cgroup", "/web/a", buf, sizeof(buf));
	tap_is_str(buf, "/web/a", "container arg: as the module names it");
	cgf_denial_container_arg("/sys/fs/cgroup", "/sys/fs/cgroup", buf, sizeof(buf));
	tap_is_str(buf, "/", "container arg: the mount is the root");
	cgf_denial_container_arg("/sys/fs/cgroup", "/sys/fs/cgroupx", buf, sizeof(buf));
	tap_is_str(buf, "/sys/fs/cgroupx", "container arg: a sibling of the mount is not below it");
	tap_is_int(cgf_denial_container_arg("/sys/fs/cgroup", "abcdefgh", buf, 5), -ENAMETOOLONG,
		   "container arg: too long");
}

static void test_view(void)
{
	struct cgf_denial d = file_rec;
	struct cgf_denial_view v;
	struct capture c;
	char *got;

	cgf_denial_view_init(&v, cap_open(&c), false, NULL, 0);
	d.seq = 1;
	tap_is_int(cgf_denial_view_feed(&v, &d), 1, "view: seq 1 is shown");
	tap_is_int(cgf_denial_view_feed(&v, &d), -1, "view: seq 1 again is skipped");
	d.seq = 2;
	tap_is_int(cgf_denial_view_feed(&v, &d), 1, "view: seq 2 is shown");
	d.seq = 5;
	cgf_denial_view_feed(&v, &d);
	d.seq = 3;
	tap_is_int(cgf_denial_view_feed(&v, &d), -1, "view: an older seq after a gap is skipped");
	d.seq = 9;
	cgf_denial_view_feed(&v, &d);
	tap_ok(v.missing == 5 && v.nr_gaps == 2 && v.gaps[0].from == 3 && v.gaps[0].to == 4 &&
	       v.gaps[1].from == 6 && v.gaps[1].to == 8, "view: gaps 3..4 and 6..8 are counted");
	tap_ok(v.shown == 4 && v.seen == 4, "view: four records shown");
	cap_close(&c);
	free(c.buf);

	v.out = cap_open(&c);
	cgf_denial_view_summary(&v, true, 40);
	got = cap_close(&c);
	tap_is_str(got, "# 40 records were dropped by the module since it was loaded (rate limit)\n"
		   "# seq 3..4 missing (2 records): not in the ring any more when read\n"
		   "# seq 6..8 missing (3 records): not in the ring any more when read\n",
		   "summary: plain, dropped and gaps");
	free(got);
	v.json = true;
	v.out = cap_open(&c);
	cgf_denial_view_summary(&v, true, 40);
	got = cap_close(&c);
	tap_is_str(got,
		   "{\"type\":\"summary\",\"dropped\":40,\"missing\":5,\"gaps\":[[3,4],[6,8]]}\n",
		   "summary: json");
	free(got);

	/* Starting later: the records before --since are not a gap. */
	cgf_denial_view_init(&v, cap_open(&c), false, NULL, 100);
	d.seq = 99;
	tap_is_int(cgf_denial_view_feed(&v, &d), -1, "view: --since 100 skips 99");
	d.seq = 100;
	tap_is_int(cgf_denial_view_feed(&v, &d), 1, "view: --since 100 shows 100");
	cgf_denial_view_summary(&v, true, 0);
	cgf_denial_view_summary(&v, false, 7);
	got = cap_close(&c);
	tap_ok(!strstr(got, "#"), "summary: nothing when nothing was lost (or is known)");
	free(got);

	/* Filters do not hide gaps: the seq numbers of other containers count as seen. */
	cgf_denial_view_init(&v, cap_open(&c), false,
			     &(struct cgf_denial_filter){ .container = "/other" }, 1);
	d.seq = 1;
	cgf_denial_view_feed(&v, &d);
	d.seq = 2;
	cgf_denial_view_feed(&v, &d);
	got = cap_close(&c);
	tap_ok(!v.missing && !v.shown && v.seen == 2 && !strcmp(got, ""),
	       "view: filtered records leave no gap and print nothing");
	free(got);

	for (d.seq = 1; d.seq < 40; d.seq += 2) {
		if (d.seq == 1)
			cgf_denial_view_init(&v, cap_open(&c), false, NULL, 0);
		cgf_denial_view_feed(&v, &d);
	}
	cap_close(&c);
	free(c.buf);
	v.out = cap_open(&c);
	cgf_denial_view_summary(&v, false, 0);
	got = cap_close(&c);
	tap_ok(v.missing == 19 && v.nr_gaps == CGF_DENIAL_GAPS_MAX &&
	       strstr(got, "# 11 more records missing in further gaps\n"),
	       "summary: gaps past the list are still counted");
	free(got);
}

static void test_parse_seq(void)
{
	uint64_t seq = 0;

	tap_ok(!cgf_parse_seq("18446744073709551615", &seq) && seq == UINT64_MAX,
	       "seq: the largest u64");
	tap_is_int(cgf_parse_seq("18446744073709551616", &seq), -EINVAL, "seq: past u64");
	tap_is_int(cgf_parse_seq("-1", &seq), -EINVAL, "seq: negative");
	tap_is_int(cgf_parse_seq("12x", &seq), -EINVAL, "seq: trailing text");
	tap_is_int(cgf_parse_seq("", &seq), -EINVAL, "seq: empty");
}

/* Runs the generator; the text, or NULL with the error in *@err. */
static char *learn(const struct cgf_denial *recs, size_t n, const char *profile,
		   const char *container, struct cgf_learn_stats *st, int *err)
{
	struct cgf_learn_request req = { .profile = profile, .container = container };
	struct capture c;

	*err = cgf_learn_write(cap_open(&c), recs, n, &req, st);
	cap_close(&c);
	if (*err) {
		free(c.buf);
		return NULL;
	}
	return c.buf;
}

/* One expected rule, written as the parser must read it back. */
struct want {
	uint8_t kind;
	uint32_t bits;		/* file perms, mount ops, device access */
	const char *path;	/* file pattern or mount target */
	const char *source;
	uint8_t dev_type;
	uint32_t major, minor;
};

#define FILE_WANT(_perms, _path) \
	{ .kind = CGFENCE_RULE_FILE, .bits = (_perms), .path = (_path) }
#define MOUNT_WANT(_ops, _target, _source) \
	{ .kind = CGFENCE_RULE_MOUNT, .bits = (_ops), .path = (_target), .source = (_source) }

/* The text parses, as one profile NAME in enforce mode with default deny and exactly @want. */
static void round_trip(const char *text, const char *name, const struct want *want, size_t n,
		       const char *what)
{
	char err[CGF_POLICY_ERR_MAX] = "";
	const struct cgf_policy_profile *p;
	struct cgf_policy pol;
	size_t i;
	bool same;

	if (!tap_ok(!cgf_policy_parse_string("learned.cgf", text, NULL, &pol, err, sizeof(err)),
		    "%s: the text parses", what)) {
		tap_diag("%s", err);
		tap_diag("%s", text);
		tap_ok(false, "%s: the rules round-trip", what);
		return;
	}
	p = &pol.profiles[0];
	same = pol.nr_profiles == 1 && !strcmp(p->name, name) && p->mode == CGFENCE_MODE_ENFORCE &&
	       p->file_default == CGFENCE_EFFECT_DENY && p->nr_rules == n;
	for (i = 0; same && i < n; i++) {
		const struct cgf_policy_rule *r = &p->rules[i];
		const struct want *w = &want[i];

		same = r->kind == w->kind && r->effect == CGFENCE_EFFECT_ALLOW;
		if (same && w->kind == CGFENCE_RULE_FILE)
			same = r->file_perms == w->bits && !strcmp(r->path, w->path);
		if (same && w->kind == CGFENCE_RULE_MOUNT)
			same = r->mount_ops == w->bits && !strcmp(r->target, w->path) &&
			       !r->fstype && !r->mount_require && !r->mount_forbid &&
			       !strcmp(r->source ? r->source : "", w->source ? w->source : "");
		if (same && w->kind == CGFENCE_RULE_DEVICE)
			same = r->dev_access == w->bits && r->dev_type == w->dev_type &&
			       r->dev_major == w->major && r->dev_minor == w->minor;
		if (!same)
			tap_diag("rule %zu differs: %s", i + 1, r->path ? r->path : "");
	}
	if (!tap_ok(same, "%s: the rules round-trip", what)) {
		tap_diag("parsed %zu rules, want %zu", p->nr_rules, n);
		tap_diag("%s", text);
	}
	cgf_policy_free(&pol);
}

static void test_learn_basic(void)
{
	static const struct cgf_denial recs[] = {
		FILE_REC(3, WOULD, "/box", "web", 0, "exec", "/bin/busybox", X, X),
		FILE_REC(4, WOULD, "/box", "web", 0, "open", "/etc/passwd", R, R),
		FILE_REC(5, WOULD, "/box", "web", 0, "open", "/etc/passwd", R, R),
		FILE_REC(6, WOULD, "/box", "web", 2, "open", "/var/log/app", R | W | C | T, W),
		FILE_REC(7, WOULD, "/box", "web", 0, "open", "/var/log/app", A, A),
	};
	static const struct want want[] = {
		FILE_WANT(X, "/bin/busybox"),
		FILE_WANT(R, "/etc/passwd"),
		FILE_WANT(R | W | A | C | T, "/var/log/app"),
	};
	struct cgf_learn_stats st;
	char *text;
	int err;

	text = learn(recs, ARRAY_SIZE(recs), "web", NULL, &st, &err);
	tap_is_int(err, 0, "learn basic: succeeds");
	if (!text)
		return;
	tap_is_str(text,
		   "# Learned by 'cgfence learn' from 5 would-deny records of profile web (seq 3..7).\n"
		   "# Review every rule: each allows what the container did while web was in\n"
		   "# complain mode. Merge them into profile web; loaded as it is, this profile\n"
		   "# replaces web and allows nothing else.\n"
		   "profile web {\n"
		   "\tmode enforce;\n"
		   "\tdefault deny;\n"
		   "\tfile {\n"
		   "\t\tallow x /bin/busybox;\n"
		   "\t\tallow r /etc/passwd;\n"
		   "\t\tallow rwct /var/log/app;\n"
		   "\t}\n"
		   "}\n", "learn basic: the whole text (requested permissions merged per path)");
	tap_ok(st.used == 5 && st.file_rules == 3 && !st.device_rules && !st.mount_rules &&
	       !st.globs && !st.lost && !st.enforced, "learn basic: the counts");
	round_trip(text, "web", want, ARRAY_SIZE(want), "learn basic");
	free(text);
}

static void test_learn_glob(void)
{
	static const struct cgf_denial recs[] = {
		FILE_REC(1, WOULD, "/box", "web", 0, "open", "/srv/data/a", R, R),
		FILE_REC(2, WOULD, "/box", "web", 0, "open", "/srv/data/b", R, R),
		FILE_REC(3, WOULD, "/box", "web", 0, "open", "/srv/data/c", R, R),
		/* Another permission set in the same directory: its own rule. */
		FILE_REC(4, WOULD, "/box", "web", 0, "open", "/srv/data/w", W, W),
		/* Only two files share "r" here: no glob. */
		FILE_REC(5, WOULD, "/box", "web", 0, "open", "/srv/two/a", R, R),
		FILE_REC(6, WOULD, "/box", "web", 0, "open", "/srv/two/b", R, R),
		/* Three of the root's own entries. */
		FILE_REC(7, WOULD, "/box", "web", 0, "open", "/x", R, R),
		FILE_REC(8, WOULD, "/box", "web", 0, "open", "/y", R, R),
		FILE_REC(9, WOULD, "/box", "web", 0, "open", "/z", R, R),
		/* The same path twice counts once: two files here, no glob. */
		FILE_REC(10, WOULD, "/box", "web", 0, "open", "/srv/dup/a", R, R),
		FILE_REC(11, WOULD, "/box", "web", 0, "open", "/srv/dup/a", R, R),
		FILE_REC(12, WOULD, "/box", "web", 0, "open", "/srv/dup/b", R, R),
		/* Three files whose permissions become equal only once merged. */
		FILE_REC(13, WOULD, "/box", "web", 0, "open", "/m/1", R, R),
		FILE_REC(14, WOULD, "/box", "web", 0, "open", "/m/1", W, W),
		FILE_REC(15, WOULD, "/box", "web", 0, "open", "/m/2", R | W, W),
		FILE_REC(16, WOULD, "/box", "web", 0, "open", "/m/3", W | R, R),
		/* A directory name that needs escaping in the glob. */
		FILE_REC(17, WOULD, "/box", "web", 0, "open", "/st*r/1", R, R),
		FILE_REC(18, WOULD, "/box", "web", 0, "open", "/st*r/2", R, R),
		FILE_REC(19, WOULD, "/box", "web", 0, "open", "/st*r/3", R, R),
	};
	static const struct want want[] = {
		FILE_WANT(R, "/*"),
		FILE_WANT(R | W | A, "/m/*"),
		FILE_WANT(R, "/srv/data/*"),
		FILE_WANT(W | A, "/srv/data/w"),
		FILE_WANT(R, "/srv/dup/a"),
		FILE_WANT(R, "/srv/dup/b"),
		FILE_WANT(R, "/srv/two/a"),
		FILE_WANT(R, "/srv/two/b"),
		FILE_WANT(R, "/st\\*r/*"),
	};
	struct cgf_learn_stats st;
	char *text;
	int err;

	text = learn(recs, ARRAY_SIZE(recs), "web", NULL, &st, &err);
	tap_is_int(err, 0, "learn glob: succeeds");
	if (!text)
		return;
	tap_ok(strstr(text, "\t\t# /srv/data/*: 3 files with the same permissions: a, b, c\n"
			    "\t\tallow r /srv/data/*;\n"),
	       "learn glob: the glob says which files it stands for");
	tap_ok(strstr(text, "\t\t# /*: 3 files with the same permissions: x, y, z\n"),
	       "learn glob: files of the root directory");
	tap_ok(st.globs == 4 && st.file_rules == 9, "learn glob: four globs, nine rules");
	round_trip(text, "web", want, ARRAY_SIZE(want), "learn glob");
	free(text);
}

static void test_learn_escape(void)
{
	/* One directory each: glob candidates would hide the escaping of single names. */
	static const struct cgf_denial recs[] = {
		FILE_REC(1, WOULD, "/box", "web", 0, "open", "/srv/my files/a b", R, R),
		FILE_REC(2, WOULD, "/box", "web", 0, "open", "/w/wild*card?", R, R),
		FILE_REC(3, WOULD, "/box", "web", 0, "open", "/b/back\\slash", R, R),
		FILE_REC(4, WOULD, "/box", "web", 0, "open", "/q/q\"uote;{x}", R, R),
		FILE_REC(5, WOULD, "/box", "web", 0, "open", "/h/#hash", R, R),
		FILE_REC(6, WOULD, "/box", "web", 0, "open", "/n/new\nline", R, R),
		FILE_REC(7, WOULD, "/box", "web", 0, "open", "/s/**", R, R),
		FILE_REC(8, WOULD, "/box", "web", 0, "open", "/u/caf\xc3\xa9", R, R),
		FILE_REC(9, WOULD, "/box", "web", 0, "open", "pipe:", R | W, W),
		FILE_REC(10, WOULD, "/box", "web", 0, "open", "unreachable:", R, R),
		FILE_REC(11, WOULD, "/box", "web", 0, "mmap", "memfd:", X, X),
	};
	static const struct want want[] = {
		FILE_WANT(R, "/b/back\\\\slash"),
		FILE_WANT(R, "/h/#hash"),
		FILE_WANT(R, "/n/new?line"),
		FILE_WANT(R, "/q/q\\\"uote;{x}"),
		FILE_WANT(R, "/s/\\*\\*"),
		FILE_WANT(R, "/srv/my files/a b"),
		FILE_WANT(R, "/u/caf\xc3\xa9"),
		FILE_WANT(R, "/w/wild\\*card\\?"),
		FILE_WANT(X, "memfd:"),
		FILE_WANT(R | W | A, "pipe:"),
		FILE_WANT(R, "unreachable:"),
	};
	struct cgf_learn_stats st;
	char *text;
	int err;

	text = learn(recs, ARRAY_SIZE(recs), "web", NULL, &st, &err);
	tap_is_int(err, 0, "learn escape: succeeds");
	if (!text)
		return;
	tap_ok(strstr(text, "\t\tallow r \"/srv/my files/a b\";\n"),
	       "learn escape: a space goes in quotes");
	tap_ok(strstr(text, "\t\tallow r /w/wild\\*card\\?;\n"),
	       "learn escape: wildcards are escaped");
	tap_ok(strstr(text, "\t\tallow r \"/q/q\\\"uote;{x}\";\n"),
	       "learn escape: quote, ';' and braces go in quotes");
	tap_ok(strstr(text, "\t\t# '?' stands for a control character in the name\n"
			    "\t\tallow r /n/new?line;\n"),
	       "learn escape: a control character becomes '?', with a comment");
	tap_ok(strstr(text, "\t\tallow rw pipe:;\n") && strstr(text, "\t\tallow x memfd:;\n") &&
	       strstr(text, "\t\tallow r unreachable:;\n"), "learn escape: kinds stay kinds");
	tap_ok(strstr(text, "\t\tallow r /b/back\\\\slash;\n") &&
	       strstr(text, "\t\tallow r /s/\\*\\*;\n") && strstr(text, "\t\tallow r /h/#hash;\n"),
	       "learn escape: a backslash and a literal '**' are escaped, '#' inside is plain");
	tap_ok(st.globs == 0 && st.file_rules == 11, "learn escape: eleven rules, no glob");
	round_trip(text, "web", want, ARRAY_SIZE(want), "learn escape");
	free(text);
}

static void test_learn_glob_escape(void)
{
	static const struct cgf_denial recs[] = {
		FILE_REC(1, WOULD, "/box", "web", 0, "open", "/my dir/1", R, R),
		FILE_REC(2, WOULD, "/box", "web", 0, "open", "/my dir/2", R, R),
		FILE_REC(3, WOULD, "/box", "web", 0, "open", "/my dir/3", R, R),
	};
	static const struct want want[] = {
		FILE_WANT(R, "/my dir/*"),
	};
	struct cgf_learn_stats st;
	char *text;
	int err;

	text = learn(recs, ARRAY_SIZE(recs), "web", NULL, &st, &err);
	tap_ok(text && strstr(text, "\t\tallow r \"/my dir/*\";\n"),
	       "learn glob escape: a glob of a directory with a space is quoted");
	if (text)
		round_trip(text, "web", want, ARRAY_SIZE(want), "learn glob escape");
	free(text);
}

static void test_learn_proc(void)
{
	static const struct cgf_denial recs[] = {
		FILE_REC(1, WOULD, "/box", "web", 0, "open", "/proc/136/mounts", R, R),
		FILE_REC(2, WOULD, "/box", "web", 0, "open", "/proc/140/mounts", R, R),
		FILE_REC(3, WOULD, "/box", "web", 0, "open", "/proc/1/task/22/stat", R, R),
		FILE_REC(4, WOULD, "/box", "web", 0, "open", "/proc/77", R, R),
		FILE_REC(5, WOULD, "/box", "web", 0, "open", "/proc/sys/kernel/hostname", R, R),
		FILE_REC(6, WOULD, "/box", "web", 0, "open", "/proc/12ab/x", R, R),
		FILE_REC(7, WOULD, "/box", "web", 0, "open", "/srv/proc/1/x", R, R),
	};
	static const struct want want[] = {
		FILE_WANT(R, "/proc/*"),
		FILE_WANT(R, "/proc/*/mounts"),
		FILE_WANT(R, "/proc/*/task/*/stat"),
		FILE_WANT(R, "/proc/12ab/x"),
		FILE_WANT(R, "/proc/sys/kernel/hostname"),
		FILE_WANT(R, "/srv/proc/1/x"),
	};
	struct cgf_learn_stats st;
	char *text;
	int err;

	text = learn(recs, ARRAY_SIZE(recs), "web", NULL, &st, &err);
	tap_is_int(err, 0, "learn /proc: succeeds");
	if (!text)
		return;
	tap_ok(strstr(text, "\t\t# '*' stands for the pid in /proc, which differs from run to run\n"
			    "\t\tallow r /proc/*/mounts;\n"),
	       "learn /proc: the pid of /proc/PID becomes '*', and two pids one rule");
	round_trip(text, "web", want, ARRAY_SIZE(want), "learn /proc");
	free(text);
}

static void test_learn_kinds(void)
{
	static const struct cgf_denial recs[] = {
		REC(1, CGFENCE_DENIAL_DEVICE, "device_open", "c 1:1", CGFENCE_DEV_READ),
		REC(2, CGFENCE_DENIAL_DEVICE, "device_open", "c 1:1", CGFENCE_DEV_WRITE),
		REC(3, CGFENCE_DENIAL_DEVICE, "device_mknod", "b 8:0", CGFENCE_DEV_MKNOD),
		REC(4, CGFENCE_DENIAL_DEVICE, "device_open", "c 4095:1048575", CGFENCE_DEV_READ),
		REC(5, CGFENCE_DENIAL_MOUNT, "mount", "/mnt", CGFENCE_MOUNT_NEW),
		REC(6, CGFENCE_DENIAL_MOUNT, "umount", "/mnt", CGFENCE_MOUNT_UMOUNT),
		REC(7, CGFENCE_DENIAL_MOUNT, "mount", "/mnt", CGFENCE_MOUNT_REMOUNT),
		REC(8, CGFENCE_DENIAL_MOUNT, "mount", "/data", CGFENCE_MOUNT_BIND),
		REC(9, CGFENCE_DENIAL_MOUNT, "pivot_root", "/new root", CGFENCE_MOUNT_PIVOT_ROOT),
		REC(10, CGFENCE_DENIAL_MOUNT, "move_mount", "/mnt", CGFENCE_MOUNT_NEW),
		/* What no rule can allow: in the header, not in the profile. */
		REC(11, CGFENCE_DENIAL_MOUNT, "fspick", "", 0),
		REC(12, CGFENCE_DENIAL_MOUNT, "open_tree", "", 0),
		REC(13, CGFENCE_DENIAL_CGROUP, "cgroup_migrate", "cgroup.procs", 0),
		REC(14, CGFENCE_DENIAL_FILE, "open", "(name too long)", R),
		REC(15, CGFENCE_DENIAL_DEVICE, "device_open", "x 1:1", R),
		REC(16, CGFENCE_DENIAL_DEVICE, "device_open", "c 4096:0", R),
		REC(17, 9, "future", "/x", 1),
	};
	static const struct want want[] = {
		{ .kind = CGFENCE_RULE_DEVICE, .bits = CGFENCE_DEV_READ | CGFENCE_DEV_WRITE,
		  .dev_type = CGFENCE_DEV_CHAR, .major = 1, .minor = 1 },
		{ .kind = CGFENCE_RULE_DEVICE, .bits = CGFENCE_DEV_READ,
		  .dev_type = CGFENCE_DEV_CHAR, .major = 4095, .minor = 1048575 },
		{ .kind = CGFENCE_RULE_DEVICE, .bits = CGFENCE_DEV_MKNOD,
		  .dev_type = CGFENCE_DEV_BLOCK, .major = 8, .minor = 0 },
		MOUNT_WANT(CGFENCE_MOUNT_BIND, "/data", "/**"),
		MOUNT_WANT(CGFENCE_MOUNT_NEW, "/mnt", NULL),
		MOUNT_WANT(CGFENCE_MOUNT_REMOUNT | CGFENCE_MOUNT_UMOUNT, "/mnt", NULL),
		MOUNT_WANT(CGFENCE_MOUNT_PIVOT_ROOT, "/new root", NULL),
	};
	struct cgf_learn_stats st;
	char *text;
	int err;

	text = learn(recs, ARRAY_SIZE(recs), "web", NULL, &st, &err);
	tap_is_int(err, 0, "learn kinds: succeeds");
	if (!text)
		return;
	tap_ok(strstr(text, "\tdevice {\n\t\tallow c 1:1 rw;\n"),
	       "learn kinds: device accesses merge per device");
	tap_ok(strstr(text, "\t\tallow mount * -> /mnt;\n") &&
	       strstr(text, "\t\tallow remount,umount /mnt;\n") &&
	       strstr(text, "\t\tallow pivot_root \"/new root\";\n"),
	       "learn kinds: mount rules by operation and target");
	tap_ok(strstr(text, "\t\tallow bind /** -> /data;\n") &&
	       strstr(text, "this only allows move_mount(2)"),
	       "learn kinds: a bind gets any source and a comment on what it cannot do");
	tap_ok(strstr(text, "#   fspick: refused to confined tasks") &&
	       strstr(text, "#   open_tree: refused to confined tasks") &&
	       strstr(text, "#   cgroup_migrate cgroup.procs: a container may never leave") &&
	       strstr(text, "#   open (name too long): the name was too long") &&
	       strstr(text, "#   device_open x 1:1: not a device") &&
	       strstr(text, "#   device_open c 4096:0: not a device") &&
	       strstr(text, "#   future /x: a kind of record this tool does not know"),
	       "learn kinds: what cannot be learned is listed in the header");
	tap_ok(!strstr(text, "\tfile {"), "learn kinds: no empty file section");
	tap_ok(st.used == 10 && st.not_learned == 7 && st.device_rules == 3 &&
	       st.mount_rules == 4, "learn kinds: the counts");
	round_trip(text, "web", want, ARRAY_SIZE(want), "learn kinds");
	free(text);
}

static void test_learn_select(void)
{
	char cut[256];
	struct cgf_denial recs[] = {
		FILE_REC(1, WOULD, "/box", "web", 0, "open", "/a", R, R),
		FILE_REC(2, WOULD, "/box/inner", "web", 0, "open", "/b", R, R),
		FILE_REC(3, WOULD, "/other", "web", 0, "open", "/c", R, R),
		FILE_REC(4, WOULD, "/box", "db", 0, "open", "/d", R, R),
		FILE_REC(5, DENIED, "/box", "web", 4, "open", "/e", R, R),
		FILE_REC(6, WOULD, "/box", "web", 0, "open", cut, R, R),
	};
	static const struct want want_box[] = {
		FILE_WANT(R, "/a"),
		FILE_WANT(R, "/b"),
	};
	struct cgf_learn_stats st;
	char *text;
	int err;

	/* The module's way of cutting a long name: 252 bytes and "...". */
	memset(cut, 'n', sizeof(cut));
	cut[0] = '/';
	strcpy(cut + 252, "...");
	recs[1].lost = 3;
	recs[4].lost = 2;
	recs[2].lost = 100;

	text = learn(recs, ARRAY_SIZE(recs), "web", "/box", &st, &err);
	tap_is_int(err, 0, "learn select: succeeds");
	if (!text)
		return;
	tap_ok(strstr(text, " of profile web in containers at or below /box (seq 1..6).\n"),
	       "learn select: the header names the container and the seq range");
	tap_ok(strstr(text, "# Warning: the rate limit dropped 5 records of these containers"),
	       "learn select: lost records of the selection are warned about");
	tap_ok(strstr(text, "# 1 denial of web in enforce mode is not used"),
	       "learn select: enforce-mode denials are counted, not used");
	tap_ok(strstr(text, ": the module cut the name short: write a rule for it by hand\n"),
	       "learn select: a name the module cut is not guessed at");
	tap_ok(!strstr(text, "/c;") && !strstr(text, "/d;") && !strstr(text, "/e;"),
	       "learn select: other containers, other profiles and denials are left out");
	round_trip(text, "web", want_box, ARRAY_SIZE(want_box), "learn select");
	free(text);

	text = learn(recs, ARRAY_SIZE(recs), "nosuch", NULL, &st, &err);
	tap_ok(!text && err == -ENOENT, "learn select: no record of the profile is -ENOENT");
	text = learn(recs + 4, 1, "web", NULL, &st, &err);
	tap_ok(!text && err == -ENOENT, "learn select: only denials is -ENOENT");
	text = learn(NULL, 0, "web", NULL, &st, &err);
	tap_ok(!text && err == -ENOENT, "learn select: no records at all is -ENOENT");
}

int main(void)
{
	/* The count of results this program prints; tap_done() checks it. */
	tap_plan(126);
	test_parse();
	test_bits();
	test_time();
	test_render();
	test_lost();
	test_filter();
	test_view();
	test_parse_seq();
	test_learn_basic();
	test_learn_glob();
	test_learn_escape();
	test_learn_glob_escape();
	test_learn_proc();
	test_learn_kinds();
	test_learn_select();
	return tap_done();
}
