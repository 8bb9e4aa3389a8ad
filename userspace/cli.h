/* SPDX-License-Identifier: GPL-2.0 */
/* Command line of the cgfence tool: command table format, parsing, usage, exit codes, reports. */
#ifndef CGF_CLI_H
#define CGF_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "util.h"

struct cgf_client;

/* The exit status is part of the interface: scripts branch on it. */
enum cgf_exit {
	CGF_EXIT_OK = 0,
	CGF_EXIT_FAIL = 1,	/* the kernel refused, or a system error */
	CGF_EXIT_USAGE = 2,
	CGF_EXIT_NOMODULE = 3,	/* generic netlink family not found */
	CGF_EXIT_PERM = 4,	/* the kernel answered EPERM or EACCES */
	CGF_EXIT_POLICY = 5,	/* a policy file has errors: nothing was loaded */
};

/* Every option any command knows; a command lists the ones it accepts. */
enum cgf_opt_id {
	CGF_OPT_HELP,
	CGF_OPT_JSON,
	CGF_OPT_PROFILE,
	CGF_OPT_FORCE,
	CGF_OPT_PID,
	CGF_OPT_YES,
	CGF_OPT_FOLLOW,
	CGF_OPT_CONTAINER,
	CGF_OPT_SINCE,
	CGF_OPT_ON_EXEC,
	CGF_OPT_CONFIG,
	CGF_OPT_HOOK_PATH,
	CGF_OPT_CHECK,
	CGF_OPT_VERIFY,
	CGF_OPT_PROMETHEUS,
	CGF_OPT_FROM,
	CGF_OPT_COUNT,
};

#define CGF_OPTF(id)	(1u << (id))

/* Most positional arguments any command takes ("load FILE..." takes the most). */
#define CGF_MAX_ARGS	64

struct cgf_opt {
	const char *name;	/* without the leading "--" */
	char short_name;	/* 0 when there is none */
	const char *arg;	/* name of the value, NULL for a flag */
	const char *help;
	/* Given more than once, each value counts (in order), not only the last. */
	bool repeatable;
};

struct cgf_inv;

struct cgf_cmd {
	const char *name;
	const char *args;	/* positional arguments in the synopsis, "" if none */
	const char *summary;	/* one line for the command list */
	const char *help;	/* paragraph for "cgfence CMD --help" */
	unsigned int opts;	/* CGF_OPTF() of the accepted options; --help always is */
	/* What an option means here when cgf_opts[]' general help would mislead; NULL: that. */
	const char *opt_help[CGF_OPT_COUNT];
	int min_args;
	int max_args;		/* at most CGF_MAX_ARGS */
	/*
	 * Optional: what the table cannot say (values, combinations). Returns 0, or -1
	 * with the reason in @err; the parser then reports a usage error.
	 */
	int (*check)(const struct cgf_inv *inv, char *err, size_t len);
	int (*run)(const struct cgf_inv *inv);
};

enum cgf_action {
	CGF_ACT_RUN,
	CGF_ACT_HELP,		/* cmd == NULL: the general usage */
	CGF_ACT_VERSION,
	CGF_ACT_USAGE_ERROR,	/* error says why; cmd set once the command is known */
};

struct cgf_inv {
	enum cgf_action action;
	const struct cgf_cmd *cmd;
	const struct cgf_cmd *table;
	size_t ncmds;
	unsigned int opts_set;
	const char *optval[CGF_OPT_COUNT];
	int argc;		/* positional arguments after the command */
	char *argv[CGF_MAX_ARGS];
	/* Every value of the repeatable options, in command line order, with its option. */
	const char *values[CGF_MAX_ARGS];
	enum cgf_opt_id value_ids[CGF_MAX_ARGS];
	int nr_values;
	char error[160];
};

extern const struct cgf_opt cgf_opts[CGF_OPT_COUNT];
extern const struct cgf_cmd cgf_commands[];
extern const size_t cgf_ncommands;

/* Never prints: the result says what to do, so it can be tested. */
void cgf_parse_args(const struct cgf_cmd *table, size_t ncmds, int argc, char **argv,
		    struct cgf_inv *inv);

static inline bool cgf_opt_set(const struct cgf_inv *inv, enum cgf_opt_id id)
{
	return inv->opts_set & CGF_OPTF(id);
}

/* The values of repeatable option @id, in order, into @out (at most @max); returns how many. */
int cgf_opt_values(const struct cgf_inv *inv, enum cgf_opt_id id, const char **out, int max);

const struct cgf_cmd *cgf_find_cmd(const struct cgf_cmd *table, size_t ncmds, const char *name);
void cgf_usage(FILE *f, const struct cgf_cmd *table, size_t ncmds);
void cgf_cmd_usage(FILE *f, const struct cgf_cmd *cmd);

/* The exit status for the errno of a request the kernel answered (0 or negative). */
int cgf_exit_code(int err);

/* Prints "cgfence: " and the formatted message on stderr. */
__printf(1, 2) void cgf_err(const char *fmt, ...);

/* Opens the cgfence family; on failure prints why and returns the exit status. */
int cgf_connect(struct cgf_client *cl);

/* Reports a failed request of command @what and returns the exit status. */
int cgf_report(const char *what, int err, const char *errmsg);

/* The same for a failed client call: the reply it could not use, or the kernel's answer. */
int cgf_report_client(const char *what, const struct cgf_client *cl, int err);

/* Parses, dispatches and flushes the output: the whole tool minus main(). */
int cgf_main(int argc, char **argv);

#endif /* CGF_CLI_H */
