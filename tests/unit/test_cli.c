// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the command line: parsing, usage text, exit codes, error reports. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "tap.h"

#define PERM_MSG "cgfence: permission denied: this needs CAP_MAC_ADMIN in the initial " \
	"user namespace, from a task outside any confined container\n"

static const struct cgf_cmd *cmd(const char *name)
{
	return cgf_find_cmd(cgf_commands, cgf_ncommands, name);
}

/* Parses "cgfence" followed by the NULL-terminated arguments. */
static void parse(struct cgf_inv *inv, ...)
{
	char *argv[16] = { "cgfence" };
	int argc = 1;
	va_list ap;

	va_start(ap, inv);
	while ((argv[argc] = va_arg(ap, char *)) && argc < 15)
		argc++;
	va_end(ap);
	cgf_parse_args(cgf_commands, cgf_ncommands, argc, argv, inv);
}

static void is_usage_error(const char *line, const struct cgf_inv *inv, const char *error)
{
	tap_is_int(inv->action, CGF_ACT_USAGE_ERROR, "parse '%s': usage error", line);
	tap_is_str(inv->error, error, "parse '%s': error text", line);
}

static void test_parse(void)
{
	struct cgf_inv inv;

	tap_ok(cmd("status") && cmd("help"), "table: status and help exist");
	if (!cmd("status") || !cmd("help"))
		return;

	parse(&inv, NULL);
	is_usage_error("", &inv, "missing command");
	tap_ok(!inv.cmd, "parse '': no command, so the general usage is shown");

	parse(&inv, "bogus", NULL);
	is_usage_error("bogus", &inv, "unknown command 'bogus'");
	parse(&inv, "STATUS", NULL);
	is_usage_error("STATUS", &inv, "unknown command 'STATUS'");

	parse(&inv, "status", NULL);
	tap_is_int(inv.action, CGF_ACT_RUN, "parse 'status': run");
	tap_ok(inv.cmd == cmd("status"), "parse 'status': the status command");
	tap_ok(!cgf_opt_set(&inv, CGF_OPT_JSON), "parse 'status': no --json");
	tap_is_int(inv.argc, 0, "parse 'status': no arguments");

	parse(&inv, "status", "--json", NULL);
	tap_is_int(inv.action, CGF_ACT_RUN, "parse 'status --json': run");
	tap_ok(cgf_opt_set(&inv, CGF_OPT_JSON), "parse 'status --json': --json set");
	parse(&inv, "status", "--json", "--json", NULL);
	tap_is_int(inv.action, CGF_ACT_RUN,
		   "parse 'status --json --json': repeating a flag is fine");

	parse(&inv, "--json", "status", NULL);
	is_usage_error("--json status", &inv, "unknown option '--json'");
	parse(&inv, "help", "--json", NULL);
	is_usage_error("help --json", &inv, "help: option '--json' does not apply to this command");
	tap_ok(inv.cmd == cmd("help"), "parse 'help --json': the help command's usage is shown");
	parse(&inv, "status", "--bogus", NULL);
	is_usage_error("status --bogus", &inv, "status: unknown option '--bogus'");
	parse(&inv, "status", "-x", NULL);
	is_usage_error("status -x", &inv, "status: unknown option '-x'");
	parse(&inv, "status", "-hh", NULL);
	is_usage_error("status -hh", &inv, "status: unknown option '-hh'");
	parse(&inv, "status", "--js", NULL);
	is_usage_error("status --js", &inv, "status: unknown option '--js'");
	parse(&inv, "status", "--json=yes", NULL);
	is_usage_error("status --json=yes", &inv, "status: option '--json' takes no value");
	parse(&inv, "status", "extra", NULL);
	is_usage_error("status extra", &inv, "status: unexpected argument 'extra'");
	parse(&inv, "status", "--", "--json", NULL);
	is_usage_error("status -- --json", &inv, "status: unexpected argument '--json'");
	parse(&inv, "status", "--bogus", "--help", NULL);
	is_usage_error("status --bogus --help", &inv, "status: unknown option '--bogus'");

	parse(&inv, "status", "--help", NULL);
	tap_is_int(inv.action, CGF_ACT_HELP, "parse 'status --help': help");
	tap_ok(inv.cmd == cmd("status"), "parse 'status --help': of status");
	parse(&inv, "status", "-h", NULL);
	tap_is_int(inv.action, CGF_ACT_HELP, "parse 'status -h': help");
	parse(&inv, "--help", NULL);
	tap_is_int(inv.action, CGF_ACT_HELP, "parse '--help': help");
	tap_ok(!inv.cmd, "parse '--help': the general usage");
	parse(&inv, "-h", NULL);
	tap_is_int(inv.action, CGF_ACT_HELP, "parse '-h': help");
	parse(&inv, "--help", "status", NULL);
	tap_is_int(inv.action, CGF_ACT_HELP, "parse '--help status': help");
	tap_ok(inv.cmd == cmd("status"), "parse '--help status': of status");
	parse(&inv, "--help", "bogus", NULL);
	is_usage_error("--help bogus", &inv, "unknown command 'bogus'");
	parse(&inv, "--help", "status", "extra", NULL);
	is_usage_error("--help status extra", &inv, "unexpected argument 'status'");

	parse(&inv, "--version", NULL);
	tap_is_int(inv.action, CGF_ACT_VERSION, "parse '--version': version");
	parse(&inv, "-V", NULL);
	tap_is_int(inv.action, CGF_ACT_VERSION, "parse '-V': version");
	parse(&inv, "--version", "status", NULL);
	is_usage_error("--version status", &inv, "unexpected argument 'status'");

	parse(&inv, "help", NULL);
	tap_is_int(inv.action, CGF_ACT_RUN, "parse 'help': run");
	tap_is_int(inv.argc, 0, "parse 'help': no arguments");
	parse(&inv, "help", "status", NULL);
	tap_is_int(inv.action, CGF_ACT_RUN, "parse 'help status': run");
	tap_ok(inv.argc == 1 && !strcmp(inv.argv[0], "status"),
	       "parse 'help status': one argument");
	parse(&inv, "help", "status", "extra", NULL);
	is_usage_error("help status extra", &inv, "help: unexpected argument 'extra'");
}

/* A repeatable option keeps every value, in order; the others keep the last. */
static void test_repeatable(void)
{
	const char *vals[4] = { NULL };
	struct cgf_inv inv;

	parse(&inv, "learn", "--from", "a", "web", "--from=b", "--container", "x", "--from", "-",
	      NULL);
	tap_is_int(inv.action, CGF_ACT_RUN, "parse 'learn --from a web --from=b ... --from -': run");
	tap_ok(cgf_opt_values(&inv, CGF_OPT_FROM, vals, 4) == 3 && !strcmp(vals[0], "a") &&
	       !strcmp(vals[1], "b") && !strcmp(vals[2], "-"),
	       "parse 'learn --from a ... --from=b ... --from -': three values, in order");
	tap_ok(cgf_opt_values(&inv, CGF_OPT_FROM, vals, 2) == 2 &&
	       cgf_opt_values(&inv, CGF_OPT_CONTAINER, vals, 4) == 0,
	       "parse 'learn --from ...': at most max values; none of a plain option");
	tap_ok(inv.argc == 1 && !strcmp(inv.argv[0], "web") &&
	       !strcmp(inv.optval[CGF_OPT_CONTAINER], "x"),
	       "parse 'learn --from ...': the name and --container as before");
	parse(&inv, "learn", "--from", "-", "--from", "-", "web", NULL);
	is_usage_error("learn --from - --from - web", &inv,
		       "learn: --from - (standard input) can be given once");
	parse(&inv, "learn", "--from=", "web", NULL);
	is_usage_error("learn --from= web", &inv, "learn: empty FILE for --from");
	parse(&inv, "denials", "--from", "a", NULL);
	is_usage_error("denials --from a", &inv,
		       "denials: option '--from' does not apply to this command");
}

static void test_table(void)
{
	size_t i, j;

	for (i = 0; i < cgf_ncommands; i++) {
		const struct cgf_cmd *c = &cgf_commands[i];
		bool unique = true;

		for (j = 0; j < i; j++)
			if (!strcmp(cgf_commands[j].name, c->name))
				unique = false;
		tap_ok(unique && c->args && c->summary && c->help && c->run &&
		       c->min_args >= 0 && c->min_args <= c->max_args &&
		       c->max_args <= CGF_MAX_ARGS && !(c->opts >> CGF_OPT_COUNT),
		       "table: '%s' is well-formed", c->name);
	}
}

static void test_exit_codes(void)
{
	tap_is_int(CGF_EXIT_OK, 0, "exit: ok is 0");
	tap_is_int(CGF_EXIT_FAIL, 1, "exit: failure is 1");
	tap_is_int(CGF_EXIT_USAGE, 2, "exit: usage is 2");
	tap_is_int(CGF_EXIT_NOMODULE, 3, "exit: module not loaded is 3");
	tap_is_int(CGF_EXIT_PERM, 4, "exit: permission denied is 4");
	tap_is_int(cgf_exit_code(0), 0, "exit: errno 0 -> 0");
	tap_is_int(cgf_exit_code(-EPERM), 4, "exit: EPERM -> 4");
	tap_is_int(cgf_exit_code(-EACCES), 4, "exit: EACCES -> 4");
	tap_is_int(cgf_exit_code(-EINVAL), 1, "exit: EINVAL -> 1");
	tap_is_int(cgf_exit_code(-ENOENT), 1, "exit: ENOENT from the kernel -> 1, not 3");
	tap_is_int(cgf_exit_code(-ENOMEM), 1, "exit: ENOMEM -> 1");
}

/* Runs cgf_report() with stderr sent to a file, and returns what it printed. */
static char *report(const char *what, int err, const char *msg, int *code)
{
	FILE *tmp = tmpfile();
	int saved = dup(2);
	char *buf;
	long len;

	if (!tmp || saved < 0)
		abort();
	fflush(stderr);
	dup2(fileno(tmp), 2);
	*code = cgf_report(what, err, msg);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	len = ftell(tmp);
	buf = calloc(1, len + 1);
	rewind(tmp);
	if (!buf || fread(buf, 1, len, tmp) != (size_t)len)
		abort();
	fclose(tmp);
	return buf;
}

static void is_report(const char *what, int err, const char *msg, int want_code,
		      const char *want, const char *name)
{
	int code = -1;
	char *got = report(what, err, msg, &code);

	tap_is_int(code, want_code, "report %s: exit status", name);
	tap_is_str(got, want, "report %s: message", name);
	free(got);
}

static void test_report(void)
{
	is_report("status", -EINVAL, "bad profile name", 1,
		  "cgfence: status: Invalid argument: bad profile name\n", "EINVAL with extack");
	is_report("status", -EINVAL, "", 1, "cgfence: status: Invalid argument\n",
		  "EINVAL without extack");
	is_report("status", -EPERM, "", 4, PERM_MSG, "EPERM without extack");
	is_report("status", -EACCES, "caller is confined", 4,
		  "cgfence: status: Permission denied: caller is confined\n" PERM_MSG,
		  "EACCES with extack");
	is_report("load", -EINVAL, "bad\x1b[2J", 1,
		  "cgfence: load: Invalid argument: bad\\x1b[2J\n", "a hostile extack is escaped");
}

static char *usage_text(const struct cgf_cmd *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		abort();
	if (c)
		cgf_cmd_usage(f, c);
	else
		cgf_usage(f, cgf_commands, cgf_ncommands);
	fclose(f);
	return buf;
}

static void test_usage(void)
{
	static const char * const codes[] = {
		"\n  0  success\n",
		"\n  1  the kernel refused the request, or a system error",
		"\n  2  usage error\n",
		"\n  3  the cgfence module is not loaded\n",
		"\n  4  permission denied: needs CAP_MAC_ADMIN",
	};
	char *text;
	size_t i;

	text = usage_text(NULL);
	tap_ok(!strncmp(text, "usage: cgfence ", 15), "usage: starts with the synopsis");
	tap_ok(strstr(text, "\n  status      show "), "usage: lists status");
	tap_ok(strstr(text, "\n  help        show "), "usage: lists help");
	for (i = 0; i < ARRAY_SIZE(codes); i++)
		tap_ok(strstr(text, codes[i]), "usage: documents exit status %zu", i);
	free(text);

	text = usage_text(cmd("status"));
	tap_ok(!strncmp(text, "usage: cgfence status [--json]\n", 31),
	       "status usage: synopsis");
	tap_ok(strstr(text, "\n      --json          print one JSON object on one line\n") &&
	       strstr(text, "\n  -h, --help          show this help\n"),
	       "status usage: lists --json and --help");
	tap_ok(strstr(text, codes[3]), "status usage: documents exit status 3");
	free(text);

	text = usage_text(cmd("learn"));
	tap_ok(!strncmp(text, "usage: cgfence learn [--container CGROUP|ID] [--from FILE]... NAME\n",
			67), "learn usage: a repeatable option has '...'");
	free(text);

	text = usage_text(cmd("help"));
	tap_ok(!strncmp(text, "usage: cgfence help [COMMAND]\n", 30), "help usage: synopsis");
	tap_ok(!strstr(text, "--json"), "help usage: does not offer --json");
	free(text);
}

int main(void)
{
	/* The count of results this program prints; tap_done() checks it. */
	tap_plan(120);
	test_parse();
	test_repeatable();
	test_table();
	test_exit_codes();
	test_report();
	test_usage();
	return tap_done();
}
