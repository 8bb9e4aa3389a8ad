// SPDX-License-Identifier: GPL-2.0
/* Rendering of command results as aligned text or one-line JSON, kept apart from netlink. */

#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

#include "cgfence.h"
#include "client.h"
#include "output.h"

/* Values line up one column after the longest key, "containers attached:". */
#define KEY_WIDTH	21

const char *cgf_backend_name(uint32_t backend)
{
	switch (backend) {
	case CGFENCE_BACKEND_FTRACE:
		return "ftrace";
	case CGFENCE_BACKEND_LSM:
		return "lsm";
	}
	return NULL;
}

/*
 * Length of the well-formed UTF-8 sequence at @s (RFC 3629: no overlongs, no
 * surrogates, nothing above U+10FFFF), or 0 when there is none.
 */
static size_t utf8_seq_len(const unsigned char *s)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;

	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	/* The string's NUL is not a continuation byte, so this stops there. */
	for (i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

void cgf_json_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	if (!s) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	while (*p) {
		switch (*p) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\b':
			fputs("\\b", f);
			break;
		case '\f':
			fputs("\\f", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f) {
				fprintf(f, "\\u%04x", *p);
				break;
			}
			n = utf8_seq_len(p);
			if (!n) {
				fputs("\\ufffd", f);
				break;
			}
			fwrite(p, 1, n, f);
			p += n - 1;
		}
		p++;
	}
	fputc('"', f);
}

static void escaped(FILE *f, const char *s, bool backslashes)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p; p++) {
		if (*p == '\\' && backslashes)
			fputs("\\\\", f);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(f, "\\x%02x", *p);
		else
			fputc(*p, f);
	}
}

void cgf_plain_string(FILE *f, const char *s)
{
	escaped(f, s, true);
}

void cgf_safe_text(FILE *f, const char *s)
{
	escaped(f, s, false);
}

static void key(FILE *f, const char *name)
{
	int pad = KEY_WIDTH - (int)strlen(name) - 1;

	fprintf(f, "%s:%*s", name, pad > 1 ? pad : 1, "");
}

void cgf_status_render_plain(FILE *f, const struct cgf_status *st)
{
	const char *backend = cgf_backend_name(st->backend);

	key(f, "module version");
	cgf_plain_string(f, st->module_version);
	fputc('\n', f);
	key(f, "tool version");
	fprintf(f, "%s\n", CGFENCE_VERSION);
	key(f, "hook backend");
	if (backend)
		fprintf(f, "%s\n", backend);
	else
		fprintf(f, "unknown(%u)\n", st->backend);
	key(f, "hooks attached");
	fprintf(f, "%u/%u\n", st->hooks_attached, st->hooks_total);
	key(f, "profiles loaded");
	fprintf(f, "%u\n", st->profiles);
	key(f, "containers attached");
	fprintf(f, "%u\n", st->attachments);
	if (st->has_on_exec) {
		key(f, "on exec");
		fprintf(f, "%u attached, %u tasks yet to exec\n", st->on_exec, st->pending);
	}
	if (st->has_denials_lost) {
		key(f, "denials lost");
		fprintf(f, "%" PRIu64 "\n", st->denials_lost);
	}
	key(f, "locked");
	fprintf(f, "%s\n", st->locked ? "yes" : "no");
}

void cgf_status_render_json(FILE *f, const struct cgf_status *st)
{
	const char *backend = cgf_backend_name(st->backend);

	fputs("{\"module_version\":", f);
	cgf_json_string(f, st->module_version);
	fputs(",\"tool_version\":", f);
	cgf_json_string(f, CGFENCE_VERSION);
	if (backend)
		fprintf(f, ",\"backend\":\"%s\"", backend);
	else
		fprintf(f, ",\"backend\":\"unknown(%u)\"", st->backend);
	fprintf(f, ",\"hooks_attached\":%u,\"hooks_total\":%u", st->hooks_attached,
		st->hooks_total);
	fprintf(f, ",\"profiles\":%u,\"attachments\":%u", st->profiles, st->attachments);
	if (st->has_on_exec)
		fprintf(f, ",\"on_exec\":%u,\"pending\":%u", st->on_exec, st->pending);
	/* Records the module's rate limit dropped since it was loaded. */
	if (st->has_denials_lost)
		fprintf(f, ",\"denials_lost\":%" PRIu64, st->denials_lost);
	fprintf(f, ",\"locked\":%s}\n", st->locked ? "true" : "false");
}
