// SPDX-License-Identifier: GPL-2.0
/* Command line of the cgfence tool: option parsing, usage text, exit codes, error reports. */
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include "cgfence.h"
#include "cli.h"
#include "client.h"
#include "nl.h"
#include "oci.h"
#include "output.h"
#include "util.h"

/* Width of the option column in "options:" lists. */
#define OPT_COL		22

const struct cgf_opt cgf_opts[CGF_OPT_COUNT] = {
	[CGF_OPT_HELP] = { "help", 'h', NULL, "show this help" },
	[CGF_OPT_JSON] = { "json", 0, NULL, "print one JSON object on one line" },
	[CGF_OPT_PROFILE] = { "profile", 0, "NAME", "only the profile NAME" },
	[CGF_OPT_FORCE] = { "force", 0, NULL, "detach it from every cgroup first" },
	[CGF_OPT_PID] = { "pid", 0, "PID", "the cgroup process PID belongs to" },
	[CGF_OPT_YES] = { "yes", 0, NULL, "confirm: it cannot be undone until reboot" },
	[CGF_OPT_FOLLOW] = { "follow", 'f', NULL,
			     "then print new records as they come, until interrupted" },
	[CGF_OPT_CONTAINER] = { "container", 0, "CGROUP|ID",
				"only containers at or below CGROUP, or with id ID..." },
	[CGF_OPT_SINCE] = { "since", 0, "SEQ", "start at record number SEQ" },
	[CGF_OPT_ON_EXEC] = { "on-exec", 0, NULL,
			      "judge each task from its next execve, not at once" },
	[CGF_OPT_CONFIG] = { "config", 0, "FILE", "read FILE, not the default (see above)" },
	[CGF_OPT_HOOK_PATH] = { "hook-path", 0, "PATH",
				"the hook runs PATH, not " CGF_OCI_HOOK_PATH },
	[CGF_OPT_CHECK] = { "check", 0, NULL, "check everything, ask the kernel nothing" },
	[CGF_OPT_VERIFY] = { "verify", 0, NULL, "change nothing; fail unless all is in force" },
	[CGF_OPT_PROMETHEUS] = { "prometheus", 0, NULL,
				 "print the Prometheus text format (node-exporter's textfile)" },
	[CGF_OPT_FROM] = { "from", 0, "FILE",
			   "records 'denials --json' saved in FILE (- is stdin); repeatable",
			   .repeatable = true },
};

static const char exit_codes[] =
	"exit status:\n"
	"  0  success\n"
	"  1  the kernel refused the request, or a system error (a message says which)\n"
	"  2  usage error\n"
	"  3  the cgfence module is not loaded\n"
	"  4  permission denied: needs CAP_MAC_ADMIN in the initial user namespace,\n"
	"     from a task outside any confined container\n"
	"  5  a policy file has errors: nothing was loaded\n";

void cgf_err(const char *fmt, ...)
{
	va_list ap;

	fputs("cgfence: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

static __printf(2, 3) void usage_error(struct cgf_inv *inv, const char *fmt, ...)
{
	size_t n = 0;
	va_list ap;

	inv->action = CGF_ACT_USAGE_ERROR;
	if (inv->cmd) {
		snprintf(inv->error, sizeof(inv->error), "%s: ", inv->cmd->name);
		n = strlen(inv->error);
	}
	va_start(ap, fmt);
	vsnprintf(inv->error + n, sizeof(inv->error) - n, fmt, ap);
	va_end(ap);
}

const struct cgf_cmd *cgf_find_cmd(const struct cgf_cmd *table, size_t ncmds, const char *name)
{
	size_t i;

	for (i = 0; i < ncmds; i++)
		if (!strcmp(table[i].name, name))
			return &table[i];
	return NULL;
}

static int find_long_opt(const char *name, size_t len)
{
	int id;

	for (id = 0; id < CGF_OPT_COUNT; id++)
		if (strlen(cgf_opts[id].name) == len && !strncmp(cgf_opts[id].name, name, len))
			return id;
	return -1;
}

static int find_short_opt(char c)
{
	int id;

	for (id = 0; id < CGF_OPT_COUNT; id++)
		if (cgf_opts[id].short_name && cgf_opts[id].short_name == c)
			return id;
	return -1;
}

/* Parses the option at argv[*i], consuming its value too. Returns false on a usage error. */
static bool parse_opt(struct cgf_inv *inv, int argc, char **argv, int *i)
{
	const char *arg = argv[*i];
	const char *value = NULL;
	const char *eq = NULL;
	int id;

	if (arg[1] == '-') {
		eq = strchr(arg + 2, '=');
		id = find_long_opt(arg + 2, eq ? (size_t)(eq - arg - 2) : strlen(arg + 2));
	} else {
		/* No bundling of short flags: there are too few to be worth the ambiguity. */
		id = arg[2] ? -1 : find_short_opt(arg[1]);
	}
	if (id < 0) {
		usage_error(inv, "unknown option '%s'", arg);
		return false;
	}
	if (id != CGF_OPT_HELP && !(inv->cmd->opts & CGF_OPTF(id))) {
		usage_error(inv, "option '--%s' does not apply to this command", cgf_opts[id].name);
		return false;
	}
	if (cgf_opts[id].arg) {
		if (eq) {
			value = eq + 1;
		} else if (*i + 1 < argc) {
			value = argv[++*i];
		} else {
			usage_error(inv, "option '--%s' needs a value", cgf_opts[id].name);
			return false;
		}
	} else if (eq) {
		usage_error(inv, "option '--%s' takes no value", cgf_opts[id].name);
		return false;
	}
	if (cgf_opts[id].repeatable) {
		if (inv->nr_values >= CGF_MAX_ARGS) {
			usage_error(inv, "option '--%s' is given more than %d times",
				    cgf_opts[id].name, CGF_MAX_ARGS);
			return false;
		}
		inv->values[inv->nr_values] = value;
		inv->value_ids[inv->nr_values++] = id;
	}
	inv->opts_set |= CGF_OPTF(id);
	inv->optval[id] = value;
	return true;
}

int cgf_opt_values(const struct cgf_inv *inv, enum cgf_opt_id id, const char **out, int max)
{
	int i, n = 0;

	for (i = 0; i < inv->nr_values; i++)
		if (inv->value_ids[i] == id && n < max)
			out[n++] = inv->values[i];
	return n;
}

/* Options may come before, between or after the positional arguments, up to "--". */
static void parse_cmd_args(struct cgf_inv *inv, int argc, char **argv)
{
	bool opts_done = false;
	int i;

	for (i = 0; i < argc; i++) {
		if (!opts_done && !strcmp(argv[i], "--")) {
			opts_done = true;
			continue;
		}
		/* A lone "-" is an argument: it conventionally means stdin. */
		if (!opts_done && argv[i][0] == '-' && argv[i][1]) {
			if (!parse_opt(inv, argc, argv, &i))
				return;
			continue;
		}
		if (inv->argc >= inv->cmd->max_args || inv->argc >= CGF_MAX_ARGS) {
			usage_error(inv, "unexpected argument '%s'", argv[i]);
			return;
		}
		inv->argv[inv->argc++] = argv[i];
	}
	if (cgf_opt_set(inv, CGF_OPT_HELP)) {
		inv->action = CGF_ACT_HELP;
		return;
	}
	if (inv->argc < inv->cmd->min_args) {
		usage_error(inv, "missing argument");
		return;
	}
	if (inv->cmd->check) {
		char err[sizeof(inv->error)];

		if (inv->cmd->check(inv, err, sizeof(err))) {
			usage_error(inv, "%s", err);
			return;
		}
	}
	inv->action = CGF_ACT_RUN;
}

void cgf_parse_args(const struct cgf_cmd *table, size_t ncmds, int argc, char **argv,
		    struct cgf_inv *inv)
{
	bool help = false, version = false;
	int i;

	memset(inv, 0, sizeof(*inv));
	inv->table = table;
	inv->ncmds = ncmds;

	/* Before the command only the options about the tool itself are valid. */
	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			help = true;
		} else if (!strcmp(argv[i], "--version") || !strcmp(argv[i], "-V")) {
			version = true;
		} else {
			usage_error(inv, "unknown option '%s'", argv[i]);
			return;
		}
	}
	/* "cgfence --help status" reads naturally too: it means "cgfence help status". */
	if (help && i == argc - 1) {
		inv->cmd = cgf_find_cmd(table, ncmds, argv[i]);
		if (inv->cmd)
			inv->action = CGF_ACT_HELP;
		else
			usage_error(inv, "unknown command '%s'", argv[i]);
		return;
	}
	if (help || version) {
		if (i < argc)
			usage_error(inv, "unexpected argument '%s'", argv[i]);
		else
			inv->action = help ? CGF_ACT_HELP : CGF_ACT_VERSION;
		return;
	}
	if (i >= argc) {
		usage_error(inv, "missing command");
		return;
	}
	inv->cmd = cgf_find_cmd(table, ncmds, argv[i]);
	if (!inv->cmd) {
		usage_error(inv, "unknown command '%s'", argv[i]);
		return;
	}
	parse_cmd_args(inv, argc - i - 1, argv + i + 1);
}

void cgf_usage(FILE *f, const struct cgf_cmd *table, size_t ncmds)
{
	size_t i;

	fputs("usage: cgfence [-h | --help] [-V | --version] COMMAND [OPTIONS] [ARGS]\n\n"
	      "Controls the cgfence Linux security module over generic netlink.\n\n"
	      "commands:\n", f);
	for (i = 0; i < ncmds; i++)
		fprintf(f, "  %-12s%s\n", table[i].name, table[i].summary);
	fprintf(f, "\nRun 'cgfence COMMAND --help' for the options of one command.\n\n%s",
		exit_codes);
}

static void opt_synopsis(FILE *f, enum cgf_opt_id id)
{
	const struct cgf_opt *o = &cgf_opts[id];

	if (o->arg)
		fprintf(f, " [--%s %s]%s", o->name, o->arg, o->repeatable ? "..." : "");
	else
		fprintf(f, " [--%s]", o->name);
}

static void opt_line(FILE *f, const struct cgf_cmd *cmd, enum cgf_opt_id id)
{
	const struct cgf_opt *o = &cgf_opts[id];
	const char *help = cmd->opt_help[id] ?: o->help;
	char left[64];

	snprintf(left, sizeof(left), "%c%c%s--%s%s%s", o->short_name ? '-' : ' ',
		 o->short_name ? o->short_name : ' ', o->short_name ? ", " : "  ", o->name,
		 o->arg ? " " : "", o->arg ? o->arg : "");
	/* An option too long for the column gets its help on a line of its own. */
	if (strlen(left) + 2 > OPT_COL - 2)
		fprintf(f, "  %s\n%*s%s\n", left, OPT_COL, "", help);
	else
		fprintf(f, "  %-*s%s\n", OPT_COL - 2, left, help);
}

/* An option the argument synopsis already names ("NAME (PATH | --pid PID)") is not repeated. */
static bool in_args_synopsis(const struct cgf_cmd *cmd, enum cgf_opt_id id)
{
	const char *p = cmd->args;
	size_t len = strlen(cgf_opts[id].name);

	while ((p = strstr(p, "--"))) {
		p += 2;
		if (!strncmp(p, cgf_opts[id].name, len) && (!p[len] || strchr(" )]", p[len])))
			return true;
	}
	return false;
}

void cgf_cmd_usage(FILE *f, const struct cgf_cmd *cmd)
{
	int id;

	fprintf(f, "usage: cgfence %s", cmd->name);
	for (id = 0; id < CGF_OPT_COUNT; id++)
		if (id != CGF_OPT_HELP && (cmd->opts & CGF_OPTF(id)) && !in_args_synopsis(cmd, id))
			opt_synopsis(f, id);
	if (cmd->args[0])
		fprintf(f, " %s", cmd->args);
	fprintf(f, "\n\n%s\n\noptions:\n", cmd->help);
	for (id = 0; id < CGF_OPT_COUNT; id++)
		if (id != CGF_OPT_HELP && (cmd->opts & CGF_OPTF(id)))
			opt_line(f, cmd, id);
	opt_line(f, cmd, CGF_OPT_HELP);
	fprintf(f, "\n%s", exit_codes);
}

int cgf_exit_code(int err)
{
	if (err == 0)
		return CGF_EXIT_OK;
	if (err == -EPERM || err == -EACCES)
		return CGF_EXIT_PERM;
	return CGF_EXIT_FAIL;
}

int cgf_report(const char *what, int err, const char *errmsg)
{
	int code = cgf_exit_code(err);

	if (!err)
		return code;
	/* The kernel's own words, when it gave any, say which rule was broken. */
	if (errmsg && errmsg[0]) {
		cgf_err("%s: %s: ", what, strerror(-err));
		cgf_plain_string(stderr, errmsg);
		fputc('\n', stderr);
	} else if (code != CGF_EXIT_PERM) {
		cgf_err("%s: %s\n", what, strerror(-err));
	}
	if (code == CGF_EXIT_PERM)
		cgf_err("permission denied: this needs CAP_MAC_ADMIN in the initial user namespace, from a task outside any confined container\n");
	return code;
}

int cgf_report_client(const char *what, const struct cgf_client *cl, int err)
{
	if (cl->problem[0]) {
		cgf_err("%s: %s\n", what, cl->problem);
		return CGF_EXIT_FAIL;
	}
	return cgf_report(what, err, cl->ack.msg);
}

/*
 * The family is registered only in the initial network namespace. Being in
 * another namespace than PID 1 proves this task is not there, which would
 * make "not loaded" misleading; the converse cannot be told from inside.
 */
static bool outside_pid1_netns(void)
{
	char self[64], init[64];
	ssize_t a, b;

	a = readlink("/proc/self/ns/net", self, sizeof(self) - 1);
	b = readlink("/proc/1/ns/net", init, sizeof(init) - 1);
	if (a <= 0 || b <= 0)
		return false;
	return a != b || memcmp(self, init, a);
}

int cgf_connect(struct cgf_client *cl)
{
	char errmsg[CGF_ERRMSG_MAX];
	int rc;

	rc = cgf_client_open(cl, errmsg, sizeof(errmsg));
	if (rc == -ENOENT) {
		cgf_err("the cgfence module is not loaded (generic netlink family \"%s\" not found); load it with: modprobe cgfence\n",
			CGFENCE_GENL_NAME);
		if (outside_pid1_netns())
			cgf_err("note: this task is not in the network namespace of PID 1, and the family is only visible from the initial network namespace\n");
		return CGF_EXIT_NOMODULE;
	}
	if (rc) {
		cgf_err("cannot open a generic netlink socket: %s (libnl: %s)\n", strerror(-rc),
			errmsg);
		return CGF_EXIT_FAIL;
	}
	return CGF_EXIT_OK;
}

int cgf_main(int argc, char **argv)
{
	struct cgf_inv inv;
	int rc = CGF_EXIT_OK;

	cgf_parse_args(cgf_commands, cgf_ncommands, argc, argv, &inv);
	switch (inv.action) {
	case CGF_ACT_HELP:
		if (inv.cmd)
			cgf_cmd_usage(stdout, inv.cmd);
		else
			cgf_usage(stdout, cgf_commands, cgf_ncommands);
		break;
	case CGF_ACT_VERSION:
		printf("cgfence %s\n", CGFENCE_VERSION);
		break;
	case CGF_ACT_USAGE_ERROR:
		cgf_err("%s\n", inv.error);
		if (inv.cmd)
			cgf_cmd_usage(stderr, inv.cmd);
		else
			cgf_usage(stderr, cgf_commands, cgf_ncommands);
		return CGF_EXIT_USAGE;
	case CGF_ACT_RUN:
		rc = inv.cmd->run(&inv);
		break;
	}
	/* A full disk or a closed pipe must not look like success to a script. */
	errno = 0;
	if (fflush(stdout) || ferror(stdout)) {
		cgf_err("cannot write the output: %s\n", errno ? strerror(errno) : "write error");
		if (rc == CGF_EXIT_OK)
			rc = CGF_EXIT_FAIL;
	}
	return rc;
}
