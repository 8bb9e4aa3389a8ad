// SPDX-License-Identifier: GPL-2.0
/* The table of cgfence commands; each later command is one more row here. */
#include <string.h>

#include "cli.h"
#include "status.h"
#include "util.h"

static int cmd_help(const struct cgf_inv *inv)
{
	const struct cgf_cmd *cmd;

	if (!inv->argc) {
		cgf_usage(stdout, inv->table, inv->ncmds);
		return CGF_EXIT_OK;
	}
	cmd = cgf_find_cmd(inv->table, inv->ncmds, inv->argv[0]);
	if (!cmd) {
		cgf_err("help: unknown command '%s'\n", inv->argv[0]);
		cgf_usage(stderr, inv->table, inv->ncmds);
		return CGF_EXIT_USAGE;
	}
	cgf_cmd_usage(stdout, cmd);
	return CGF_EXIT_OK;
}

const struct cgf_cmd cgf_commands[] = {
	{
		.name = "status",
		.args = "",
		.summary = "show the module's version, hook backend, profiles and attachments",
		.help = "Shows the loaded module's version, how its hooks reach the kernel\n"
			"(ftrace or lsm), how many hooks are attached, how many profiles are\n"
			"loaded, how many containers are attached and whether policy is locked.",
		.opts = CGF_OPTF(CGF_OPT_JSON),
		.min_args = 0,
		.max_args = 0,
		.run = cgf_cmd_status,
	},
	{
		.name = "help",
		.args = "[COMMAND]",
		.summary = "show this help, or the help of one command",
		.help = "Shows the list of commands, or the usage of COMMAND.",
		.opts = 0,
		.min_args = 0,
		.max_args = 1,
		.run = cmd_help,
	},
};

const size_t cgf_ncommands = ARRAY_SIZE(cgf_commands);
