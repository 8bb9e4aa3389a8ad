// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the output layer: JSON and terminal escaping, status rendering. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgfence.h"
#include "output.h"
#include "client.h"
#include "tap.h"

/* Everything a renderer wrote, as one string the caller frees. */
static char *capture(void (*fn)(FILE *f, const void *arg), const void *arg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		abort();
	fn(f, arg);
	fclose(f);
	return buf;
}

static void json_fn(FILE *f, const void *arg)
{
	cgf_json_string(f, arg);
}

static void plain_fn(FILE *f, const void *arg)
{
	cgf_plain_string(f, arg);
}

static void status_plain_fn(FILE *f, const void *arg)
{
	cgf_status_render_plain(f, arg);
}

static void status_json_fn(FILE *f, const void *arg)
{
	cgf_status_render_json(f, arg);
}

static void is_json(const char *in, const char *want, const char *name)
{
	char *got = capture(json_fn, in);

	tap_is_str(got, want, "json string: %s", name);
	free(got);
}

static void is_plain(const char *in, const char *want, const char *name)
{
	char *got = capture(plain_fn, in);

	tap_is_str(got, want, "plain string: %s", name);
	free(got);
}

static void test_json_string(void)
{
	is_json("0.1.0", "\"0.1.0\"", "plain ASCII is quoted");
	is_json("", "\"\"", "empty string");
	is_json(NULL, "null", "NULL is null");
	is_json("say \"hi\"", "\"say \\\"hi\\\"\"", "double quotes");
	is_json("a\\b", "\"a\\\\b\"", "backslash");
	is_json("/etc/x/", "\"/etc/x/\"", "slash is left alone");
	is_json("a\nb\tc\rd", "\"a\\nb\\tc\\rd\"", "newline, tab, carriage return");
	is_json("\b\f", "\"\\b\\f\"", "backspace and form feed");
	is_json("\x01\x1f", "\"\\u0001\\u001f\"", "other control characters");
	is_json("\x1b[31m", "\"\\u001b[31m\"", "terminal escape");
	is_json("\x7f", "\"\\u007f\"", "DEL");
	is_json("caf\xc3\xa9", "\"caf\xc3\xa9\"", "valid 2-byte UTF-8 passes");
	is_json("\xe2\x82\xac\xf0\x9f\x90\xa7", "\"\xe2\x82\xac\xf0\x9f\x90\xa7\"",
		"valid 3- and 4-byte UTF-8 passes");
	is_json("a\xff-", "\"a\\ufffd-\"", "invalid byte becomes U+FFFD");
	is_json("\xc3", "\"\\ufffd\"", "truncated sequence at the end");
	is_json("\xc3(", "\"\\ufffd(\"", "truncated sequence before ASCII");
	is_json("\xc0\xaf", "\"\\ufffd\\ufffd\"", "overlong encoding");
	is_json("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"", "UTF-16 surrogate");
	is_json("\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"", "above U+10FFFF");
}

static void test_plain_string(void)
{
	is_plain("0.1.0-rc1", "0.1.0-rc1", "printable text is unchanged");
	is_plain("a\nb", "a\\x0ab", "newline is escaped");
	is_plain("\x1b[2J", "\\x1b[2J", "terminal escape is escaped");
	is_plain("a\\x0a", "a\\\\x0a", "backslash is doubled so escapes stay unambiguous");
}

static const struct cgf_status example = {
	.module_version = "0.1.0",
	.backend = CGFENCE_BACKEND_FTRACE,
	.hooks_attached = 1,
	.hooks_total = 1,
	.profiles = 0,
	.attachments = 0,
	.locked = false,
};

static void test_status_render(void)
{
	struct cgf_status st = example;
	char *got;

	got = capture(status_plain_fn, &st);
	tap_is_str(got,
		   "module version:      0.1.0\n"
		   "tool version:        " CGFENCE_VERSION "\n"
		   "hook backend:        ftrace\n"
		   "hooks attached:      1/1\n"
		   "profiles loaded:     0\n"
		   "containers attached: 0\n"
		   "locked:              no\n",
		   "status plain: the documented example");
	free(got);

	got = capture(status_json_fn, &st);
	tap_is_str(got,
		   "{\"module_version\":\"0.1.0\",\"tool_version\":\"" CGFENCE_VERSION "\","
		   "\"backend\":\"ftrace\",\"hooks_attached\":1,\"hooks_total\":1,"
		   "\"profiles\":0,\"attachments\":0,\"locked\":false}\n",
		   "status json: the documented example");
	free(got);

	snprintf(st.module_version, sizeof(st.module_version), "1.0 \"x\"\n");
	st.backend = CGFENCE_BACKEND_LSM;
	st.hooks_attached = 11;
	st.hooks_total = 12;
	st.profiles = 4294967295u;
	st.attachments = 7;
	st.has_denials_lost = true;
	st.denials_lost = 18446744073709551615ull;
	st.has_on_exec = true;
	st.on_exec = 2;
	st.pending = 5;
	st.locked = true;

	got = capture(status_plain_fn, &st);
	tap_is_str(got,
		   "module version:      1.0 \"x\"\\x0a\n"
		   "tool version:        " CGFENCE_VERSION "\n"
		   "hook backend:        lsm\n"
		   "hooks attached:      11/12\n"
		   "profiles loaded:     4294967295\n"
		   "containers attached: 7\n"
		   "on exec:             2 attached, 5 tasks yet to exec\n"
		   "denials lost:        18446744073709551615\n"
		   "locked:              yes\n",
		   "status plain: lsm, locked, large counts, hostile version");
	free(got);

	got = capture(status_json_fn, &st);
	tap_is_str(got,
		   "{\"module_version\":\"1.0 \\\"x\\\"\\n\",\"tool_version\":\""
		   CGFENCE_VERSION "\",\"backend\":\"lsm\",\"hooks_attached\":11,"
		   "\"hooks_total\":12,\"profiles\":4294967295,\"attachments\":7,"
		   "\"on_exec\":2,\"pending\":5,\"denials_lost\":18446744073709551615,\"locked\":true}\n",
		   "status json: lsm, locked, large counts, escaped version");
	free(got);

	st = example;
	st.backend = 9;
	got = capture(status_plain_fn, &st);
	tap_ok(strstr(got, "hook backend:        unknown(9)\n"),
	       "status plain: an unknown backend shows its number");
	free(got);
	got = capture(status_json_fn, &st);
	tap_ok(strstr(got, ",\"backend\":\"unknown(9)\","),
	       "status json: an unknown backend shows its number");
	free(got);
}

static void test_backend_name(void)
{
	tap_is_str(cgf_backend_name(CGFENCE_BACKEND_FTRACE), "ftrace", "backend: ftrace");
	tap_is_str(cgf_backend_name(CGFENCE_BACKEND_LSM), "lsm", "backend: lsm");
	tap_ok(!cgf_backend_name(0), "backend: 0 is unknown");
}

int main(void)
{
	/* The count of results this program prints; tap_done() checks it. */
	tap_plan(32);
	test_json_string();
	test_plain_string();
	test_status_render();
	test_backend_name();
	return tap_done();
}
