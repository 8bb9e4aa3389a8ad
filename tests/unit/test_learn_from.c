// SPDX-License-Identifier: GPL-2.0
/* Unit tests of learn --from: reading denials --json lines back, streams, library families. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgfence.h"
#include "denial_json.h"
#include "denials.h"
#include "learn.h"
#include "learn_from.h"
#include "policy.h"
#include "tap.h"

#define R	CGFENCE_FILE_READ
#define W	CGFENCE_FILE_WRITE
#define X	CGFENCE_FILE_EXEC

#define CG	"/system.slice/docker-3d5327d3e8162e4c1a1bde0ed8f8ac7a9b1f1b6a2d5a1e1fbd2c9e2a1b0c9d8e.scope"
#define ID	"3d5327d3e8162e4c1a1bde0ed8f8ac7a9b1f1b6a2d5a1e1fbd2c9e2a1b0c9d8e"
#define OTHER_ID "3d5300000000000000000000000000000000000000000000000000000000000f"

/* A denials --json line with @object as its raw JSON text, and @extra before the end. */
#define LINE(object, extra)								\
	"{\"type\":\"denial\",\"seq\":12,\"time\":\"2023-11-14T22:13:20.123Z\","	\
	"\"time_ns\":1700000000123999999,\"verdict\":\"would-deny\",\"cgroup\":\"/web\","	\
	"\"container\":null,\"cgroup_id\":4026531835,\"profile\":\"webp\",\"rule_id\":3,"	\
	"\"op\":\"open\",\"kind\":\"file\",\"object\":" object ",\"requested\":3,"	\
	"\"requested_text\":\"rw\",\"denied\":2,\"denied_text\":\"w\",\"pid\":4242,"	\
	"\"comm\":\"cat\",\"lost\":9" extra "}"

static char *text_of(void (*fn)(FILE *, const struct cgf_denial *), const struct cgf_denial *d)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		abort();
	fn(f, d);
	fclose(f);
	return buf;
}

static void render_lost(FILE *f, const struct cgf_denial *d)
{
	cgf_denial_render_lost(f, true, d);
}

/* Parses @text; the type, or -1 when the parser failed. */
static int parse(const char *text, struct cgf_denial_line *l)
{
	return cgf_denial_line_parse(text, strlen(text), l) ? -1 : (int)l->type;
}

static void is_bad(const char *text, const char *why, const char *what)
{
	struct cgf_denial_line l;

	if (tap_is_int(parse(text, &l), CGF_LINE_BAD, "line %s: skipped", what))
		tap_is_str(l.why, why, "line %s: the reason", what);
	else
		tap_ok(false, "line %s: the reason", what);
	cgf_denial_release(&l.rec);
}

/* @line with the first @from replaced by @to, in a static buffer. */
static const char *subst(const char *line, const char *from, const char *to)
{
	static char buf[2048];
	const char *at = strstr(line, from);

	if (!at)
		abort();
	snprintf(buf, sizeof(buf), "%.*s%s%s", (int)(at - line), line, to, at + strlen(from));
	return buf;
}

static void test_parse_valid(void)
{
	struct cgf_denial d = {
		.seq = 18446744073709551615ULL, .time_ns = 1700000000123999999ULL,
		.cgroup_id = 4026531835ULL, .cgroup = CG "/inner", .profile = "web",
		.rule_id = 4294967295U, .op = "mmap", .kind = CGFENCE_DENIAL_FILE,
		.object = "/usr/lib/libc.so.6", .requested = R | X, .denied = X, .pid = 4242,
		.comm = "ld.so", .verdict = CGFENCE_VERDICT_DENIED, .lost = 7,
	};
	struct cgf_denial_line l;
	char *text = text_of(cgf_denial_render_json, &d);
	const struct cgf_denial *r = &l.rec;

	/* The renderer ends the line; a stream reader takes the newline off. */
	text[strlen(text) - 1] = '\0';
	tap_is_int(parse(text, &l), CGF_LINE_DENIAL,
		   "valid: what denials --json wrote is a record");
	tap_ok(r->seq == d.seq && r->time_ns == d.time_ns && r->cgroup_id == d.cgroup_id &&
	       r->rule_id == d.rule_id && r->kind == d.kind && r->requested == d.requested &&
	       r->denied == d.denied && r->pid == d.pid && r->verdict == d.verdict &&
	       r->lost == d.lost, "valid: every number comes back, u64 and u32 limits included");
	tap_ok(!strcmp(r->cgroup, d.cgroup) && !strcmp(r->profile, d.profile) &&
	       !strcmp(r->op, d.op) && !strcmp(r->object, d.object) && !strcmp(r->comm, d.comm),
	       "valid: every string comes back");
	tap_ok(strstr(text, "\"container\":{\"runtime\":\"docker\",\"id\":\"" ID "\"}") != NULL,
	       "valid: the line had a nested container object");
	cgf_denial_release(&l.rec);
	free(text);

	d.cgroup = "/plain";
	d.verdict = CGFENCE_VERDICT_WOULD_DENY;
	d.kind = CGFENCE_DENIAL_DEVICE;
	d.op = "device_open";
	d.object = "c 1:3";
	text = text_of(cgf_denial_render_json, &d);
	tap_ok(strstr(text, "\"container\":null") != NULL, "valid: a container of null");
	tap_ok(parse(text, &l) == CGF_LINE_DENIAL && l.rec.verdict == CGFENCE_VERDICT_WOULD_DENY &&
	       l.rec.kind == CGFENCE_DENIAL_DEVICE && !strcmp(l.rec.object, "c 1:3"),
	       "valid: ... is a record too, the trailing newline taken as space");
	cgf_denial_release(&l.rec);
	free(text);

	tap_is_int(parse(LINE("\"/x\"", ""), &l), CGF_LINE_DENIAL, "valid: the hand-written line");
	cgf_denial_release(&l.rec);
	/* An older cgfence wrote no container member. */
	tap_is_int(parse(subst(LINE("\"/x\"", ""), "\"container\":null,", ""), &l),
		   CGF_LINE_DENIAL, "valid: no container member");
	cgf_denial_release(&l.rec);
	tap_is_int(parse(LINE("\"/x\"", "") "  \t", &l), CGF_LINE_DENIAL,
		   "valid: spaces after the object");
	cgf_denial_release(&l.rec);
	/* Since rule origins: the deciding rule's origin, a string or null; older lines lack it. */
	tap_is_int(parse(subst(LINE("\"/x\"", ""), "\"op\":", "\"origin\":\"web.cgf:3:9\",\"op\":"),
			 &l), CGF_LINE_DENIAL, "valid: an origin string");
	cgf_denial_release(&l.rec);
	tap_is_int(parse(subst(LINE("\"/x\"", ""), "\"op\":", "\"origin\":null,\"op\":"), &l),
		   CGF_LINE_DENIAL, "valid: an origin of null");
	cgf_denial_release(&l.rec);
}

/* "not JSON: WHY (column N)" with N where @mark starts in @line. */
static const char *not_json(const char *line, const char *mark, const char *why)
{
	static char buf[256];

	snprintf(buf, sizeof(buf), "not JSON: %s (column %zu)", why,
		 (size_t)(strstr(line, mark) - line) + 1);
	return buf;
}

static void test_parse_escapes(void)
{
	static const char *const line = LINE("\"/a\\xb\"", "");
	struct cgf_denial_line l;
	bool ok;

	ok = parse(LINE("\"/q\\\"b\\\\s\\/t\\b\\f\\n\\r\\t"
			"\\u0041\\u00e9\\u20ac\\ud83d\\ude00\"", ""), &l) == CGF_LINE_DENIAL;
	tap_ok(ok, "escapes: every JSON escape is read");
	tap_is_str(ok ? l.rec.object : "",
		   "/q\"b\\s/t\b\f\n\r\tA\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80",
		   "escapes: each decoded, \\u to UTF-8, a surrogate pair to one code point");
	cgf_denial_release(&l.rec);

	/* cgf_json_string() writes a byte that is not UTF-8 as \ufffd; a raw U+FFFD stays. */
	ok = parse(LINE("\"/caf\\ufffd-\xef\xbf\xbd\"", ""), &l) == CGF_LINE_DENIAL;
	tap_is_str(ok ? l.rec.object : "", "/caf\x7f-\xef\xbf\xbd",
		   "escapes: an escaped U+FFFD is one unknown byte, a raw one is itself");
	cgf_denial_release(&l.rec);
	ok = parse(LINE("\"/a\\u001fb\\u007f\"", ""), &l) == CGF_LINE_DENIAL;
	tap_is_str(ok ? l.rec.object : "", "/a\x1f\x62\x7f", "escapes: control bytes as \\u00XX");
	cgf_denial_release(&l.rec);

	is_bad(LINE("\"/a\\u0000b\"", ""), "\"object\" holds a NUL (\\u0000), which no name can",
	       "with \\u0000");
	is_bad(line, not_json(line, "\\x", "an unknown escape"), "with \\x");
	is_bad(subst(line, "\\x", "\\ud83d"),
	       not_json(line, "\\x", "a high surrogate without its low half"),
	       "with half a surrogate pair");
	is_bad(subst(line, "\\x", "\t"),
	       not_json(line, "\\x", "a control character inside a string"),
	       "with a raw tab in a string");
}

#define FOREIGN	"not a line of 'cgfence denials --json': "

static void test_parse_bad(void)
{
	static const char *const line = LINE("\"/x\"", "");
	char cut[sizeof(LINE("\"/x\"", ""))];

	/* Cut in the object's string, then just before the closing brace. */
	memset(cut, 0, sizeof(cut));
	memcpy(cut, line, strstr(line, "\"/x") - line + 2);
	is_bad(cut, not_json(line, "\"/x", "a string that never ends"), "truncated in a string");
	memcpy(cut, line, strlen(line) - 1);
	is_bad(cut, not_json(line, "}", "expected ',' or '}'"), "truncated before its '}'");
	is_bad("", "not JSON: expected a value (column 1)", "empty");
	is_bad("# 3 records of /web were dropped here (rate limit)",
	       "not JSON: expected a value (column 1)", "of the plain format");
	is_bad("[1,2]", FOREIGN "not an object", "an array");
	is_bad("{\"hello\":\"world\"}", FOREIGN "no \"type\" of denial, lost or summary",
	       "with no type");
	is_bad("{\"type\":\"profile\",\"name\":\"web\"}",
	       FOREIGN "\"type\" is \"profile\", not denial, lost or summary", "of list --json");
	is_bad(LINE("\"/x\"", ",\"extra\":1"), FOREIGN "an unexpected member \"extra\"",
	       "with a member too many");
	is_bad(LINE("\"/x\"", ",\"pid\":1"), FOREIGN "\"pid\" is given twice",
	       "with a member twice");
	is_bad("{\"type\":\"denial\",\"seq\":1}", FOREIGN "no \"time\"", "with members missing");
	is_bad(LINE("1", ""), FOREIGN "\"object\" is not a string", "with a number for a string");
	is_bad(LINE("null", ""), FOREIGN "\"object\" is not a string", "with null for a string");
	is_bad(subst(line, "\"seq\":12", "\"seq\":\"12\""),
	       FOREIGN "\"seq\" is not a number from 0 to 18446744073709551615",
	       "with a string seq");
	is_bad(subst(line, "\"seq\":12", "\"seq\":-1"),
	       FOREIGN "\"seq\" is not a number from 0 to 18446744073709551615", "with seq -1");
	is_bad(subst(line, "\"seq\":12", "\"seq\":1.5"),
	       FOREIGN "\"seq\" is not a number from 0 to 18446744073709551615", "with seq 1.5");
	is_bad(subst(line, "\"seq\":12", "\"seq\":18446744073709551616"),
	       FOREIGN "\"seq\" is not a number from 0 to 18446744073709551615", "with seq 2^64");
	is_bad(subst(line, "\"pid\":4242", "\"pid\":4294967296"),
	       FOREIGN "\"pid\" is not a number from 0 to 4294967295", "with pid 2^32");
	is_bad(subst(line, "\"container\":null", "\"container\":{\"runtime\":\"docker\"}"),
	       FOREIGN "no \"id\"", "with a container without its id");
	is_bad(subst(line, "\"container\":null",
		     "\"container\":{\"runtime\":\"docker\",\"id\":\"" ID "\",\"x\":1}"),
	       FOREIGN "an unexpected member \"x\"", "with a container member too many");
	is_bad(subst(line, "\"container\":null", "\"container\":{\"runtime\":1,\"id\":\"a\"}"),
	       FOREIGN "\"runtime\" is not a string", "with a container runtime of 1");
	is_bad(subst(line, "\"container\":null", "\"container\":\"docker\""),
	       FOREIGN "\"container\" is not null or {\"runtime\":...,\"id\":...}",
	       "with a container string");
	is_bad(subst(line, "\"op\":", "\"origin\":5,\"op\":"),
	       FOREIGN "\"origin\" is not null or a string", "with an origin of 5");
	is_bad(subst(line, "would-deny", "unknown(3)"), "an unknown verdict \"unknown(3)\"",
	       "with an unknown verdict");
	is_bad(subst(line, "\"kind\":\"file\"", "\"kind\":\"unknown(9)\""),
	       "an unknown kind \"unknown(9)\"", "with an unknown kind");
	is_bad(subst(line, "\"op\":\"open\"", "\"op\":\"frob\""), "an unknown operation \"frob\"",
	       "with an unknown operation");
	is_bad(subst(line, "\"kind\":\"file\"", "\"kind\":\"mount\""),
	       "operation \"open\" does not make mount records",
	       "with an operation of another kind");
}

static void test_parse_lost_summary(void)
{
	struct cgf_denial d = {
		.seq = 40, .cgroup = CG, .cgroup_id = 5121, .profile = "web", .lost = 3,
	};
	struct cgf_denial_line l;
	char *text = text_of(render_lost, &d);

	text[strlen(text) - 1] = '\0';
	tap_is_int(parse(text, &l), CGF_LINE_LOST,
		   "lost: what denials --json wrote is a lost note");
	tap_ok(l.rec.seq == 40 && !strcmp(l.rec.cgroup, CG) && l.rec.cgroup_id == 5121 &&
	       !strcmp(l.rec.profile, "web") && l.rec.lost == 3 && !l.rec.verdict,
	       "lost: seq, cgroup, profile, the count in lost, no verdict");
	cgf_denial_release(&l.rec);
	is_bad(subst(text, "\"count\":3", "\"count\":3,\"lost\":3"),
	       FOREIGN "an unexpected member \"lost\"", "lost: with a member of a record");
	free(text);

	tap_ok(parse("{\"type\":\"summary\",\"dropped\":3,\"missing\":2,\"gaps\":[[18,19]]}", &l) ==
	       CGF_LINE_SUMMARY && l.has_dropped && l.dropped == 3 && l.missing == 2,
	       "summary: dropped and missing");
	tap_ok(parse("{\"type\":\"summary\",\"dropped\":null,\"missing\":0,\"gaps\":[]}", &l) ==
	       CGF_LINE_SUMMARY && !l.has_dropped && !l.missing, "summary: dropped null, no gaps");
	is_bad("{\"type\":\"summary\",\"dropped\":null,\"missing\":0,\"gaps\":[[1]]}",
	       FOREIGN "\"gaps\" is not [[FROM,TO],...]", "summary: a gap of one number");
	is_bad("{\"type\":\"summary\",\"dropped\":\"x\",\"missing\":0,\"gaps\":[]}",
	       FOREIGN "\"dropped\" is not null or a number from 0 to 18446744073709551615",
	       "summary: dropped a string");
}

/* A stream read from @text as FILE @name, the report of skipped lines in *@err. */
static int read_text(struct cgf_stream *s, const char *text, const char *name)
{
	FILE *in = fmemopen((void *)text, strlen(text), "r");
	int err;

	if (!in)
		abort();
	err = cgf_stream_read(s, in, name);
	fclose(in);
	return err;
}

/* A would-deny record of web in CG as denials --json writes it, with newline. */
static char *json_rec(uint64_t seq, const char *op, const char *object, uint32_t req,
		      uint32_t lost)
{
	struct cgf_denial d = {
		.seq = seq, .time_ns = 1700000000000000000ULL + seq, .cgroup_id = 5121,
		.cgroup = CG, .profile = "web", .op = op, .kind = CGFENCE_DENIAL_FILE,
		.object = object, .requested = req, .denied = req, .pid = 1, .comm = "app",
		.verdict = CGFENCE_VERDICT_WOULD_DENY, .lost = lost,
	};
	char *text = NULL, *lost_text = text_of(render_lost, &d);

	if (asprintf(&text, "%s%s", lost ? lost_text : "", text_of(cgf_denial_render_json, &d)) < 0)
		abort();
	free(lost_text);
	return text;
}

static void test_stream_skipped(void)
{
	char *good = json_rec(1, "open", "/etc/a", R, 0), *text = NULL, *report = NULL;
	struct cgf_stream s;
	size_t len = 0;
	FILE *err = open_memstream(&report, &len);

	if (asprintf(&text, "x\n%s{}\n[]\n\n\"s\"\n%s7\n%.40s", good, good, good) < 0 || !err)
		abort();
	cgf_stream_init(&s, err, "cgfence: learn");
	tap_is_int(read_text(&s, text, "run1.jsonl"), 0, "stream: a stream with bad lines reads");
	fclose(err);
	tap_is_str(report,
		   "cgfence: learn: run1.jsonl:1: skipped: not JSON: expected a value (column 1)\n"
		   "cgfence: learn: run1.jsonl:3: skipped: " FOREIGN "no \"type\" of denial, lost or summary\n"
		   "cgfence: learn: run1.jsonl:4: skipped: " FOREIGN "not an object\n"
		   "cgfence: learn: run1.jsonl:5: skipped: not JSON: expected a value (column 1)\n"
		   "cgfence: learn: run1.jsonl:6: skipped: " FOREIGN "not an object\n",
		   "stream: the first 5 skipped lines, by FILE:LINE, with the reason");
	tap_ok(s.lines == 9 && s.skipped == 7 && s.n == 2,
	       "stream: 9 lines, 7 skipped (the last one cut short), 2 records");
	free(report);
	cgf_stream_free(&s);

	report = NULL;
	err = open_memstream(&report, &len);
	cgf_stream_init(&s, err, "p");
	read_text(&s, "{\"type\":\"denial\"", "cut.jsonl");
	fclose(err);
	tap_is_str(report,
		   "p: cut.jsonl:1: skipped: cut short (no newline at its end): not JSON: expected ',' or '}' (column 17)\n",
		   "stream: a last line without its newline is cut short");
	free(report);
	cgf_stream_free(&s);
	free(text);
	free(good);
}

static uint64_t lost_sum(const struct cgf_stream *s)
{
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < s->n; i++)
		sum += s->recs[i].lost;
	return sum;
}

static void test_stream_lost(void)
{
	char *paired = json_rec(5, "open", "/a", R, 3), *orphan = json_rec(9, "open", "/b", R, 2);
	char *text = NULL;
	struct cgf_stream s;

	cgf_stream_init(&s, stderr, "test");
	read_text(&s, paired, "paired");
	tap_ok(s.n == 1 && lost_sum(&s) == 3 && s.recs[0].verdict,
	       "lost: a note and its record are one loss, carried by the record");
	cgf_stream_free(&s);

	/* The note of seq 9, then its record cut: the note is a loss of its own. */
	if (asprintf(&text, "%.*s\n%s%s\n", (int)(strchr(orphan, '\n') - orphan) + 1 + 50, orphan,
		     paired, "{\"type\":\"summary\",\"dropped\":4,\"missing\":2,\"gaps\":[[3,4]]}") < 0)
		abort();
	cgf_stream_init(&s, stderr, "test");
	read_text(&s, text, "orphan");
	tap_ok(s.n == 2 && lost_sum(&s) == 5 && s.skipped == 1 && s.missing == 2,
	       "lost: a note whose record is damaged still counts, the summary's missing too");
	tap_ok(s.n == 2 && (!s.recs[0].verdict || !s.recs[1].verdict),
	       "lost: ... kept as a record with no verdict");
	cgf_stream_free(&s);
	free(text);

	/* A note at the very end of a stream (the record was never written). */
	cgf_stream_init(&s, stderr, "test");
	read_text(&s, strchr(orphan, '\n') ? orphan : "", "end");
	tap_ok(s.n == 1 && lost_sum(&s) == 2,
	       "lost: a note with its record is paired at the end too");
	cgf_stream_free(&s);
	*(strchr(orphan, '\n') + 1) = '\0';
	cgf_stream_init(&s, stderr, "test");
	read_text(&s, orphan, "end");
	tap_ok(s.n == 1 && lost_sum(&s) == 2 && !s.recs[0].verdict,
	       "lost: a note as the last line counts");
	cgf_stream_free(&s);
	free(paired);
	free(orphan);
}

/* Learns web from the streams @a then @b; the profile text. */
static char *learn_streams(const char *a, const char *b, size_t *dups,
			   struct cgf_learn_stats *st)
{
	struct cgf_learn_request req = { .profile = "web" };
	char *buf = NULL;
	size_t len = 0;
	struct cgf_stream s;
	FILE *f = open_memstream(&buf, &len);
	int err;

	cgf_stream_init(&s, stderr, "test");
	read_text(&s, a, "a");
	read_text(&s, b, "b");
	cgf_stream_finish(&s);
	*dups = s.duplicates;
	req.missing = s.missing;
	err = cgf_learn_write(f, s.recs, s.n, &req, st);
	fclose(f);
	cgf_stream_free(&s);
	if (err) {
		free(buf);
		return NULL;
	}
	return buf;
}

static void test_stream_merge(void)
{
	char *a = NULL, *b = NULL, *ab, *ba;
	char *r[8];
	struct cgf_learn_stats st;
	size_t dups, dups2, i;

	r[0] = json_rec(1, "open", "/etc/app/a.conf", R, 0);
	r[1] = json_rec(2, "open", "/usr/lib/libssl.so.3", R, 0);
	r[2] = json_rec(3, "open", "/etc/app/b.conf", R, 4);
	r[3] = json_rec(4, "mmap", "/usr/lib/libssl.so.3.0.14", X, 0);
	r[4] = json_rec(5, "open", "/etc/app/c.conf", R, 0);
	r[5] = json_rec(6, "open", "/var/lib/x", R | W, 0);
	r[6] = json_rec(7, "open", "/var/lib/x", R, 0);
	r[7] = json_rec(8, "exec", "/bin/app", X, 0);
	/* Record 5 is in both files: two saves of the same ring. */
	if (asprintf(&a, "%s%s%s%s%s", r[4], r[0], r[6], r[2], r[7]) < 0 ||
	    asprintf(&b, "%s%s%s%s", r[3], r[5], r[4], r[1]) < 0)
		abort();
	ab = learn_streams(a, b, &dups, &st);
	ba = learn_streams(b, a, &dups2, &st);
	tap_ok(ab && ba && !strcmp(ab, ba), "merge: two files in either order give the same text");
	tap_ok(dups == 1 && dups2 == 1, "merge: the record in both files counts once");
	tap_is_str(ab ? ab : "",
		   "# Learned by 'cgfence learn' from 8 would-deny records of profile web (seq 1..8).\n"
		   "# Review every rule: each allows what the container did while web was in\n"
		   "# complain mode. Merge them into profile web; loaded as it is, this profile\n"
		   "# replaces web and allows nothing else.\n"
		   "# Warning: the rate limit dropped 4 records of these containers, so they did\n"
		   "# more than this shows: run the workload again, slower, and learn again.\n"
		   "profile web {\n"
		   "\tmode enforce;\n"
		   "\tdefault deny;\n"
		   "\tfile {\n"
		   "\t\tallow x /bin/app;\n"
		   "\t\t# /etc/app/*: 3 files with the same permissions: a.conf, b.conf, c.conf\n"
		   "\t\tallow r /etc/app/*;\n"
		   "\t\t# '*' stands for the version of libssl.so.3, libssl.so.3.0.14\n"
		   "\t\tallow rx /usr/lib/libssl.so.*;\n"
		   "\t\tallow rw /var/lib/x;\n"
		   "\t}\n"
		   "}\n", "merge: the whole text");
	free(ab);
	free(ba);
	free(a);
	free(b);
	for (i = 0; i < ARRAY_SIZE(r); i++)
		free(r[i]);
}

static void test_stream_container(void)
{
	static const char *const other = "/system.slice/docker-" OTHER_ID ".scope";
	char *a = json_rec(1, "open", "/a", R, 0), *b = NULL, *text = NULL;
	char buf[512];
	struct cgf_stream s;

	b = strdup(a);
	if (!b || asprintf(&text, "%s%s", a, subst(b, CG, other)) < 0)
		abort();
	cgf_stream_init(&s, stderr, "test");
	read_text(&s, a, "a");
	tap_ok(!cgf_stream_container(&s, "/sys/fs/cgroup", "3d5327", buf, sizeof(buf)) &&
	       !strcmp(buf, CG), "container: an id prefix is the cgroup of its container");
	tap_ok(!cgf_stream_container(&s, "/sys/fs/cgroup", "/sys/fs/cgroup/system.slice", buf,
				     sizeof(buf)) && !strcmp(buf, "/system.slice"),
	       "container: a cgroup path, less the cgroup2 mount");
	tap_ok(!cgf_stream_container(&s, "/sys/fs/cgroup", "abc", buf, sizeof(buf)) &&
	       !strcmp(buf, "/abc"), "container: an id of no container stays a path");
	cgf_stream_free(&s);

	cgf_stream_init(&s, stderr, "test");
	read_text(&s, text, "two");
	cgf_stream_finish(&s);
	tap_is_int(cgf_stream_container(&s, "/sys/fs/cgroup", "3d53", buf, sizeof(buf)), -EEXIST,
		   "container: a prefix of two containers' ids is refused");
	tap_is_str(buf, "docker " OTHER_ID " /system.slice/docker-" OTHER_ID ".scope\n"
		   "docker " ID " " CG, "container: ... and both are listed, one a line");
	cgf_stream_free(&s);
	free(a);
	free(b);
	free(text);
}

/* A would-deny file record of web, built by hand. */
#define FREC(_seq, _op, _obj, _req)							\
	{ .seq = (_seq), .time_ns = 1, .cgroup_id = 7, .cgroup = "/box", .profile = "web",	\
	  .op = (_op), .kind = CGFENCE_DENIAL_FILE, .object = (_obj), .requested = (_req),	\
	  .pid = 1, .comm = "x", .verdict = CGFENCE_VERDICT_WOULD_DENY }

static char *learn_recs(const struct cgf_denial *recs, size_t n, struct cgf_learn_stats *st)
{
	struct cgf_learn_request req = { .profile = "web" };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int err = cgf_learn_write(f, recs, n, &req, st);

	fclose(f);
	if (err) {
		free(buf);
		return NULL;
	}
	return buf;
}

static void test_learn_libs(void)
{
	static const struct cgf_denial recs[] = {
		FREC(1, "open", "/usr/lib/libfoo.so.1.2.3", R),
		FREC(2, "mmap", "/usr/lib/libfoo.so.1", X),
		FREC(3, "open", "/lib/libc-2.31.so", R),
		FREC(4, "mmap", "/lib64/ld-linux-x86-64.so.2", R | X),
		FREC(5, "open", "/libz.so.1", R),
		/* Written: the workload's data, not a library. */
		FREC(6, "open", "/data/libw.so.2", R | W),
		/* No version, or not one: each keeps its name. */
		FREC(7, "open", "/opt/libbar.so", R),
		FREC(8, "open", "/opt/x/libbar.so.x1", R),
		FREC(9, "open", "/opt/y/.so.1", R),
		FREC(10, "open", "/opt/z/foo-bar.so", R),
		FREC(11, "open", "/opt/v/libv.so.1..2", R),
		FREC(12, "open", "/opt/w/lib*.so.7", R),
	};
	struct cgf_denial rev[ARRAY_SIZE(recs)];
	struct cgf_learn_stats st;
	char *text, *text_rev;
	size_t i;

	text = learn_recs(recs, ARRAY_SIZE(recs), &st);
	tap_is_str(text ? text : "",
		   "# Learned by 'cgfence learn' from 12 would-deny records of profile web (seq 1..12).\n"
		   "# Review every rule: each allows what the container did while web was in\n"
		   "# complain mode. Merge them into profile web; loaded as it is, this profile\n"
		   "# replaces web and allows nothing else.\n"
		   "profile web {\n"
		   "\tmode enforce;\n"
		   "\tdefault deny;\n"
		   "\tfile {\n"
		   "\t\tallow rw /data/libw.so.2;\n"
		   "\t\t# '*' stands for the version of libc-2.31.so\n"
		   "\t\tallow r /lib/libc-*.so;\n"
		   "\t\t# '*' stands for the version of ld-linux-x86-64.so.2\n"
		   "\t\tallow rx /lib64/ld-linux-x86-64.so.*;\n"
		   "\t\t# '*' stands for the version of libz.so.1\n"
		   "\t\tallow r /libz.so.*;\n"
		   "\t\tallow r /opt/libbar.so;\n"
		   "\t\tallow r /opt/v/libv.so.1..2;\n"
		   "\t\t# '*' stands for the version of lib\\*.so.7\n"
		   "\t\tallow r /opt/w/lib\\*.so.*;\n"
		   "\t\tallow r /opt/x/libbar.so.x1;\n"
		   "\t\tallow r /opt/y/.so.1;\n"
		   "\t\tallow r /opt/z/foo-bar.so;\n"
		   "\t\t# '*' stands for the version of libfoo.so.1, libfoo.so.1.2.3\n"
		   "\t\tallow rx /usr/lib/libfoo.so.*;\n"
		   "\t}\n"
		   "}\n", "libs: one rule per family of a versioned library, read or mapped only");
	tap_ok(st.libs == 5 && st.file_rules == 11 && !st.globs, "libs: the counts");
	for (i = 0; i < ARRAY_SIZE(recs); i++)
		rev[i] = recs[ARRAY_SIZE(recs) - 1 - i];
	text_rev = learn_recs(rev, ARRAY_SIZE(rev), &st);
	tap_ok(text && text_rev && !strcmp(text, text_rev),
	       "libs: the records in reverse order give the same text");
	free(text);
	free(text_rev);
}

static void test_learn_report(void)
{
	char cut[256];
	struct cgf_denial recs[] = {
		FREC(1, "open", cut, R),
		FREC(2, "open", "/n/a\nb", R),
		FREC(3, "open", "(name too long)", R),
		FREC(4, "cgroup_migrate", "cgroup.procs", 0),
		FREC(5, "module_load", "", 1),
		FREC(6, "open", "/x", 0),
		FREC(7, "open", "/y", R),
	};
	struct cgf_learn_stats st;
	char *text, *report = NULL;
	size_t len = 0;
	FILE *f;

	memset(cut, 'n', sizeof(cut));
	cut[0] = '/';
	strcpy(cut + 252, "...");
	recs[3].kind = CGFENCE_DENIAL_CGROUP;
	recs[4].kind = CGFENCE_DENIAL_KERNEL;
	recs[6].kind = 9;
	text = learn_recs(recs, ARRAY_SIZE(recs), &st);
	f = open_memstream(&report, &len);
	cgf_learn_report(f, "cgfence", &st);
	fclose(f);
	tap_is_str(report,
		   "cgfence: learn: not in the profile (see its header): names the module cut at 255 bytes: 1\n"
		   "cgfence: learn: not in the profile (see its header): names too long for the module to judge: 1\n"
		   "cgfence: learn: not in the profile (see its header): operations no rule can allow (leaving the cgroup, fspick, open_tree, mount_setattr): 1\n"
		   "cgfence: learn: not in the profile (see its header): uses of the kernel or of tasks outside the container (kernel rules are written by hand): 1\n"
		   "cgfence: learn: not in the profile (see its header): records of a kind this tool does not know: 1\n"
		   "cgfence: learn: not in the profile (see its header): records that name no usable object, permission or device: 1\n"
		   "cgfence: learn: rules with '?' for a control byte or a byte that is not UTF-8 (it matches any byte there): 1\n",
		   "report: what the profile could not say, by kind, on stderr");
	free(report);
	free(text);

	memset(&st, 0, sizeof(st));
	report = NULL;
	f = open_memstream(&report, &len);
	cgf_learn_report(f, "cgfence", &st);
	fclose(f);
	tap_is_str(report, "", "report: nothing when all could be said");
	free(report);
}

int main(void)
{
	/* The count of results this program prints; tap_done() checks it. */
	tap_plan(107);
	test_parse_valid();
	test_parse_escapes();
	test_parse_bad();
	test_parse_lost_summary();
	test_stream_skipped();
	test_stream_lost();
	test_stream_merge();
	test_stream_container();
	test_learn_libs();
	test_learn_report();
	return tap_done();
}
