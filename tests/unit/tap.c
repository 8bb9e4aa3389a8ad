// SPDX-License-Identifier: GPL-2.0
/* Minimal TAP producer for the tool's unit tests: the plan first; run.sh renumbers across programs. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tap.h"

static int tap_count;
static int tap_failed;
static int tap_planned = -1;

void tap_plan(int n)
{
	if (tap_planned >= 0 || tap_count) {
		printf("# tap_plan(%d) called twice or after results: a bug in the test\n", n);
		tap_failed++;
		return;
	}
	tap_planned = n;
	printf("1..%d\n", n);
	fflush(stdout);
}

static void result(bool pass, const char *fmt, va_list ap, const char *directive)
{
	tap_count++;
	if (!pass)
		tap_failed++;
	printf("%sok %d - ", pass ? "" : "not ", tap_count);
	vprintf(fmt, ap);
	if (directive)
		printf(" # %s", directive);
	putchar('\n');
	fflush(stdout);
}

/* Diagnostics are single TAP lines: show control characters as C escapes. */
static void diag_str(const char *label, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	printf("#   %s: ", label);
	if (!s) {
		puts("(null)");
		return;
	}
	putchar('"');
	for (; *p; p++) {
		if (*p == '\n')
			fputs("\\n", stdout);
		else if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else if (*p < 0x20 || *p >= 0x7f)
			printf("\\x%02x", *p);
		else
			putchar(*p);
	}
	puts("\"");
}

bool tap_ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	result(cond, fmt, ap, NULL);
	va_end(ap);
	return cond;
}

bool tap_is_int(long got, long want, const char *fmt, ...)
{
	bool pass = got == want;
	va_list ap;

	va_start(ap, fmt);
	result(pass, fmt, ap, NULL);
	va_end(ap);
	if (!pass)
		printf("#   got: %ld\n#   want: %ld\n", got, want);
	return pass;
}

bool tap_is_str(const char *got, const char *want, const char *fmt, ...)
{
	bool pass = got && want && !strcmp(got, want);
	va_list ap;

	va_start(ap, fmt);
	result(pass, fmt, ap, NULL);
	va_end(ap);
	if (!pass) {
		diag_str("got", got);
		diag_str("want", want);
	}
	return pass;
}

void tap_skip(const char *reason, const char *fmt, ...)
{
	char directive[256];
	va_list ap;

	snprintf(directive, sizeof(directive), "SKIP %s", reason);
	va_start(ap, fmt);
	result(true, fmt, ap, directive);
	va_end(ap);
}

void tap_diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

int tap_done(void)
{
	if (tap_planned < 0) {
		printf("# no tap_plan() before the results: a bug in the test\n");
		return 1;
	}
	if (tap_planned != tap_count) {
		printf("# planned %d results, printed %d\n", tap_planned, tap_count);
		return 1;
	}
	return tap_failed ? 1 : 0;
}
