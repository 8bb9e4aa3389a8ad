// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the OCI side: the JSON reader, OCI state, oci.conf, profile choice, the splicer. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "oci.h"
#include "tap.h"

static int parse(struct cgf_json *j, const char *text)
{
	return cgf_json_parse(j, text, strlen(text));
}

static void test_json_valid(void)
{
	static const char *const good[] = {
		"{}", "[]", "0", "-0", "1.5e+10", "-2E-3", "true", "false", "null", "\"\"",
		" {\"a\" : [1, {\"b\":null}, \"x\\\"y\"] } ",
		"\"\\u00e9\\ud83d\\ude00\\/\\b\\f\\n\\r\\t\"",
	};
	struct cgf_json j;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		tap_is_int(parse(&j, good[i]), 0, "json: valid: %s", good[i]);
		cgf_json_free(&j);
	}
}

static void test_json_invalid(void)
{
	static const struct {
		const char *text;
		size_t offset;
		const char *why;
	} bad[] = {
		{ "", 0, "expected a value" },
		{ "{", 1, "expected a key (a string)" },
		{ "{\"a\" 1}", 5, "expected ':' after a key" },
		{ "{\"a\":1,}", 7, "expected a key (a string)" },
		{ "[1,]", 3, "expected a value" },
		{ "[1 2]", 3, "expected ',' or ']'" },
		{ "01", 1, "more text after the value" },
		{ "1.", 0, "a malformed number" },
		{ "-", 0, "a malformed number" },
		{ "+1", 0, "expected a value" },
		{ "tru", 0, "an unexpected character" },
		{ "\"a", 0, "a string that never ends" },
		{ "\"\\x\"", 1, "an unknown escape" },
		{ "\"\\u12\"", 1, "\\u needs four hex digits" },
		{ "\"\\udc00\"", 1, "a lone low surrogate" },
		{ "\"\\ud800x\"", 1, "a high surrogate without its low half" },
		{ "\"a\tb\"", 2, "a control character inside a string" },
		{ "{} {}", 3, "more text after the value" },
	};
	char deep[CGF_JSON_MAX_DEPTH * 2 + 2];
	struct cgf_json j;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		tap_is_int(parse(&j, bad[i].text), -EINVAL, "json: invalid: '%s'", bad[i].text);
		tap_ok(j.err && !strcmp(j.err, bad[i].why) && j.err_offset == bad[i].offset,
		       "json: '%s': \"%s\" at %zu (got \"%s\" at %zu)", bad[i].text, bad[i].why,
		       bad[i].offset, j.err ? j.err : "", j.err_offset);
	}
	memset(deep, '[', CGF_JSON_MAX_DEPTH);
	memset(deep + CGF_JSON_MAX_DEPTH, ']', CGF_JSON_MAX_DEPTH);
	deep[CGF_JSON_MAX_DEPTH * 2] = '\0';
	tap_is_int(parse(&j, deep), 0, "json: %d levels of nesting are accepted",
		   CGF_JSON_MAX_DEPTH);
	cgf_json_free(&j);
	memmove(deep + 1, deep, CGF_JSON_MAX_DEPTH * 2 + 1);
	deep[0] = '[';
	deep[CGF_JSON_MAX_DEPTH * 2 + 1] = '\0';
	deep[CGF_JSON_MAX_DEPTH * 2] = ']';
	tap_is_int(parse(&j, deep), -EINVAL, "json: %d levels are refused",
		   CGF_JSON_MAX_DEPTH + 1);
	tap_is_str(j.err, "nested too deep", "json: ... as nested too deep");
}

static void test_json_access(void)
{
	const char *text = "{\"a\":1,\"b\":{\"c\":[true]},\"s\":\"x\\u00e9\\n\","
			   "\"a\":-7,\"p\\u0069d\":9,\"big\":9223372036854775808,\"f\":1.0}";
	struct cgf_json j;
	char buf[16];
	int64_t v;
	int t;

	if (!tap_is_int(parse(&j, text), 0, "json access: parses"))
		return;
	t = cgf_json_member(&j, 0, "a");
	tap_ok(t >= 0 && cgf_json_int(&j, t, INT64_MIN, INT64_MAX, &v) && v == -7,
	       "json access: a repeated key: the last one counts (-7)");
	t = cgf_json_member(&j, 0, "pid");
	tap_ok(t >= 0 && cgf_json_int(&j, t, 0, 100, &v) && v == 9,
	       "json access: a key written with an escape is found (pid = 9)");
	t = cgf_json_member(&j, 0, "s");
	tap_is_int(cgf_json_decode(&j, t, buf, sizeof(buf)), 4,
		   "json access: a string decodes to 4 bytes");
	tap_is_str(buf, "x\xc3\xa9\n", "json access: ... x, e-acute in UTF-8, newline");
	tap_is_int(cgf_json_decode(&j, t, buf, 4), -ENAMETOOLONG,
		   "json access: a buffer one byte short: ENAMETOOLONG");
	tap_ok(cgf_json_member(&j, 0, "c") < 0, "json access: members are not searched deeper");
	t = cgf_json_member(&j, 0, "big");
	tap_ok(!cgf_json_int(&j, t, INT64_MIN, INT64_MAX, &v), "json access: 2^63 overflows");
	t = cgf_json_member(&j, 0, "f");
	tap_ok(!cgf_json_int(&j, t, INT64_MIN, INT64_MAX, &v), "json access: 1.0 is no integer");
	cgf_json_free(&j);
	tap_is_int(parse(&j, "\"a\\u0000b\""), 0, "json access: \\u0000 parses");
	tap_is_int(cgf_json_decode(&j, 0, buf, sizeof(buf)), -EINVAL,
		   "json access: ... but does not decode into a C string");
	cgf_json_free(&j);
}

static void test_state(void)
{
	static const struct {
		const char *text, *err;
	} bad[] = {
		{ "[]", "the container state is not a JSON object" },
		{ "{\"id\":\"x\"}", "the container state has no \"pid\"" },
		{ "{\"pid\":0}", "the container state's \"pid\" is not a process id (1 to 2147483647)" },
		{ "{\"pid\":-5}", "the container state's \"pid\" is not a process id (1 to 2147483647)" },
		{ "{\"pid\":2147483648}",
		  "the container state's \"pid\" is not a process id (1 to 2147483647)" },
		{ "{\"pid\":\"12\"}", "the container state's \"pid\" is not a process id (1 to 2147483647)" },
		{ "{\"pid\":1.5}", "the container state's \"pid\" is not a process id (1 to 2147483647)" },
		{ "{\"pid\":1,\"id\":7}",
		  "the container state's \"id\" is not a string of at most 255 bytes" },
		{ "{\"pid\":1,\"annotations\":[]}",
		  "the container state's \"annotations\" is not an object" },
		{ "{\"pid\":1,\"annotations\":{\"org.cgfence.profile\":3}}",
		  "annotation org.cgfence.profile is not a profile name (a string of at most 63 bytes)" },
		{ "{\"pid\":1,\"annotations\":{\"org.cgfence.profile\":\"a b\"}}", NULL },
		{ "{\"pid\":1", NULL },
	};
	struct cgf_oci_state st;
	char err[CGF_OCI_ERR_MAX];
	size_t i;
	int rc;

	rc = cgf_oci_state_parse("{\"ociVersion\":\"1.0.2\",\"id\":\"c1\",\"status\":\"creating\","
				 "\"pid\":4242,\"bundle\":\"/b\",\"annotations\":"
				 "{\"org.cgfence.profile\":\"web\",\"x\":\"y\"}}", 129, &st, err,
				 sizeof(err));
	tap_ok(!rc && st.pid == 4242 && !strcmp(st.id, "c1") && !strcmp(st.profile, "web"),
	       "state: runc's state: pid 4242, id c1, profile web");
	rc = cgf_oci_state_parse("{\"pid\":7,\"annotations\":null}", 28, &st, err, sizeof(err));
	tap_ok(!rc && st.pid == 7 && !st.id[0] && !st.profile[0],
	       "state: no id, null annotations: no profile");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		rc = cgf_oci_state_parse(bad[i].text, strlen(bad[i].text), &st, err, sizeof(err));
		tap_is_int(rc, -EINVAL, "state: refused: %s", bad[i].text);
		if (bad[i].err)
			tap_is_str(err, bad[i].err, "state: ... says why");
		else
			tap_ok(err[0], "state: ... says why: %s", err);
	}
}

static void test_conf(void)
{
	struct cgf_oci_conf conf;
	char err[CGF_OCI_ERR_MAX];

	tap_is_int(cgf_oci_conf_parse("c", "# c\n\n  default_profile = web  \nallow_unconfined=yes\n",
				      &conf, err, sizeof(err)), 0, "conf: parses");
	tap_ok(!strcmp(conf.default_profile, "web") && conf.allow_unconfined,
	       "conf: default web, unconfined allowed");
	tap_is_int(cgf_oci_conf_parse("c", "", &conf, err, sizeof(err)), 0, "conf: empty parses");
	tap_ok(!conf.default_profile[0] && !conf.allow_unconfined,
	       "conf: empty: no default, unconfined refused");
	tap_is_int(cgf_oci_conf_parse("/e/oci.conf", "x\ndefault_profile web\n", &conf, err,
				      sizeof(err)), -EINVAL, "conf: a line without '=' refused");
	tap_is_str(err, "/e/oci.conf:1:2: expected \"key = value\"", "conf: ... file:line:col");
	tap_is_int(cgf_oci_conf_parse("c", "\n  colour = red\n", &conf, err, sizeof(err)),
		   -EINVAL, "conf: an unknown key refused");
	tap_is_str(err, "c:2:3: unknown key \"colour\" (default_profile, allow_unconfined)",
		   "conf: ... names it, line 2 column 3");
	tap_is_int(cgf_oci_conf_parse("c", "allow_unconfined = maybe\n", &conf, err, sizeof(err)),
		   -EINVAL, "conf: allow_unconfined maybe refused");
	tap_is_str(err, "c:1:20: allow_unconfined is yes or no", "conf: ... at its value");
	tap_is_int(cgf_oci_conf_parse("c", "default_profile = a/b\n", &conf, err, sizeof(err)),
		   -EINVAL, "conf: an invalid profile name refused");
	tap_ok(!strncmp(err, "c:1:19: invalid profile name 'a/b'", 34), "conf: ... %s", err);
}

static void test_choose(void)
{
	struct cgf_oci_state st = { .pid = 1 };
	struct cgf_oci_conf conf = { .default_profile = "docker-default" };
	char out[CGFENCE_MAX_NAME], err[CGF_OCI_ERR_MAX];

	tap_is_int(cgf_oci_choose(&st, &conf, out, sizeof(out), err, sizeof(err)), 1,
		   "choose: no annotation: the default");
	tap_is_str(out, "docker-default", "choose: ... docker-default");
	strcpy(st.profile, "restricted");
	tap_is_int(cgf_oci_choose(&st, &conf, out, sizeof(out), err, sizeof(err)), 1,
		   "choose: the annotation");
	tap_is_str(out, "restricted", "choose: ... wins over the default");
	strcpy(st.profile, CGF_OCI_UNCONFINED);
	tap_is_int(cgf_oci_choose(&st, &conf, out, sizeof(out), err, sizeof(err)), -EPERM,
		   "choose: unconfined, not allowed: refused");
	conf.allow_unconfined = true;
	tap_is_int(cgf_oci_choose(&st, &conf, out, sizeof(out), err, sizeof(err)), 0,
		   "choose: unconfined, allowed: no attachment");
	st.profile[0] = '\0';
	conf.default_profile[0] = '\0';
	tap_is_int(cgf_oci_choose(&st, &conf, out, sizeof(out), err, sizeof(err)), -EPERM,
		   "choose: no annotation, no default: refused (even with unconfined allowed)");
}

/* The hook entries in @text's createRuntime that run @path oci-hook. */
static int count_hooks(const char *text, const char *path)
{
	const char *p = text;
	char needle[256];
	int n = 0;

	snprintf(needle, sizeof(needle), "{\"path\":\"%s\",\"args\":[\"cgfence\",\"oci-hook\"]}",
		 path);
	while ((p = strstr(p, needle))) {
		n++;
		p++;
	}
	return n;
}

static void test_add_hook(void)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "{}",
		  "{\"hooks\":{\"createRuntime\":[{\"path\":\"/p\",\"args\":[\"cgfence\",\"oci-hook\"]}]}}" },
		{ "{\"a\":1}",
		  "{\"hooks\":{\"createRuntime\":[{\"path\":\"/p\",\"args\":[\"cgfence\",\"oci-hook\"]}]},\"a\":1}" },
		{ "{\"hooks\":{}}",
		  "{\"hooks\":{\"createRuntime\":[{\"path\":\"/p\",\"args\":[\"cgfence\",\"oci-hook\"]}]}}" },
		{ "{\"hooks\":{\"poststop\":[]}}",
		  "{\"hooks\":{\"createRuntime\":[{\"path\":\"/p\",\"args\":[\"cgfence\",\"oci-hook\"]}],\"poststop\":[]}}" },
		{ "{\"hooks\":{\"createRuntime\":[]}}",
		  "{\"hooks\":{\"createRuntime\":[{\"path\":\"/p\",\"args\":[\"cgfence\",\"oci-hook\"]}]}}" },
		{ "{\"hooks\":{\"createRuntime\":[{\"path\":\"/x\"}]}}",
		  "{\"hooks\":{\"createRuntime\":[{\"path\":\"/p\",\"args\":[\"cgfence\",\"oci-hook\"]},{\"path\":\"/x\"}]}}" },
		{ "{\"hooks\":null}",
		  "{\"hooks\":{\"createRuntime\":[{\"path\":\"/p\",\"args\":[\"cgfence\",\"oci-hook\"]}]}}" },
		{ "{\"hooks\":{\"createRuntime\":null,\"poststop\":[]}}",
		  "{\"hooks\":{\"createRuntime\":[{\"path\":\"/p\",\"args\":[\"cgfence\",\"oci-hook\"]}],\"poststop\":[]}}" },
	};
	char err[CGF_OCI_ERR_MAX];
	struct cgf_json j;
	char *out, *again;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		out = NULL;
		tap_is_int(cgf_oci_add_hook(cases[i].in, strlen(cases[i].in), "/p", &out, err,
					    sizeof(err)), 0, "add hook: %s", cases[i].in);
		tap_is_str(out, cases[i].want, "add hook: ... in front, the rest kept");
		tap_is_int(parse(&j, out ? out : ""), 0, "add hook: ... valid JSON");
		cgf_json_free(&j);
		again = NULL;
		cgf_oci_add_hook(out ? out : "", out ? strlen(out) : 0, "/p", &again, err,
				 sizeof(err));
		tap_ok(again && !strcmp(again, out ? out : "") && count_hooks(again, "/p") == 1,
		       "add hook: ... twice: unchanged, one entry");
		free(out);
		free(again);
	}
	tap_is_int(cgf_oci_add_hook("{\"hooks\":[]}", 12, "/p", &out, err, sizeof(err)), -EINVAL,
		   "add hook: hooks not an object: refused");
	tap_is_str(err, "config.json: \"hooks\" is not an object", "add hook: ... says so");
	tap_is_int(cgf_oci_add_hook("{\"hooks\":{\"createRuntime\":{}}}", 30, "/p", &out, err,
				    sizeof(err)), -EINVAL, "add hook: createRuntime not an array");
	tap_is_int(cgf_oci_add_hook("{", 1, "/p", &out, err, sizeof(err)), -EINVAL,
		   "add hook: malformed config.json refused");
	tap_is_str(err, "config.json is not valid JSON: line 1 column 2: expected a key (a string)",
		   "add hook: ... with line and column");
	tap_is_int(cgf_oci_add_hook("{}", 2, "/a\"b", &out, err, sizeof(err)), 0,
		   "add hook: a quote in the path");
	tap_ok(out && strstr(out, "\"path\":\"/a\\\"b\""), "add hook: ... is escaped");
	free(out);
}

static void test_annotation(void)
{
	char err[CGF_OCI_ERR_MAX], *out = NULL;

	tap_is_int(cgf_oci_set_annotation("{\"a\":1}", 7, "k", "v", &out, err, sizeof(err)), 0,
		   "annotation: none yet");
	tap_is_str(out, "{\"annotations\":{\"k\":\"v\"},\"a\":1}", "annotation: ... added");
	free(out);
	tap_is_int(cgf_oci_set_annotation("{\"annotations\":{\"x\":\"y\"}}", 25, "k", "v", &out,
					  err, sizeof(err)), 0, "annotation: others there");
	tap_is_str(out, "{\"annotations\":{\"k\":\"v\",\"x\":\"y\"}}", "annotation: ... kept");
	free(out);
	tap_is_int(cgf_oci_set_annotation("{\"annotations\":{\"k\":\"old\",\"x\":1}}", 33, "k",
					  "new", &out, err, sizeof(err)), 0,
		   "annotation: already set");
	tap_is_str(out, "{\"annotations\":{\"k\":\"new\",\"x\":1}}", "annotation: ... replaced");
	free(out);
	tap_is_int(cgf_oci_set_annotation("{\"annotations\":{\"k\":null}}", 26, "k", "v", &out,
					  err, sizeof(err)), 0, "annotation: set to null");
	tap_is_str(out, "{\"annotations\":{\"k\":\"v\"}}", "annotation: ... replaced whole");
	free(out);
	tap_is_int(cgf_oci_set_annotation("{\"annotations\":3}", 17, "k", "v", &out, err,
					  sizeof(err)), -EINVAL, "annotation: not an object: refused");
}

int main(void)
{
	tap_plan(155);
	test_json_valid();
	test_json_invalid();
	test_json_access();
	test_state();
	test_conf();
	test_choose();
	test_add_hook();
	test_annotation();
	return tap_done();
}
