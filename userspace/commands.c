// SPDX-License-Identifier: GPL-2.0
/* The table of cgfence commands; each later command is one more row here. */
#include <string.h>

#include "boot_conf.h"
#include "cli.h"
#include "cmd_admin.h"
#include "cmd_check.h"
#include "cmd_denials.h"
#include "cmd_oci.h"
#include "oci.h"
#include "cmd_stats.h"
#include "cmd_status.h"
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
			"loaded, how many containers are attached (and how many of those on exec,\n"
			"with the tasks they leave pending) and whether policy is locked.",
		.opts = CGF_OPTF(CGF_OPT_JSON),
		.min_args = 0,
		.max_args = 0,
		.run = cgf_cmd_status,
	},
	{
		.name = "check",
		.args = "FILE...",
		.summary = "check policy files without loading them (no module needed)",
		.help = CGF_CMD_CHECK_HELP,
		.opts = CGF_OPTF(CGF_OPT_JSON),
		.min_args = 1,
		.max_args = CGF_MAX_ARGS,
		.run = cgf_cmd_check,
	},
	{
		.name = "load",
		.args = "FILE...",
		.summary = "load the profiles of policy files into the module",
		.help = "Parses every policy FILE first; if any has an error, prints it as\n"
			"FILE:LINE:COL: error: WHAT, loads nothing and exits 5. Then loads each\n"
			"profile (or only the profile NAME) as one transaction: a profile of that\n"
			"name already loaded is replaced atomically, and a profile the module\n"
			"refuses leaves the module as it was (for a refused rule its FILE:LINE:COL\n"
			"and the module's reason are printed). Stops at the first refusal; the\n"
			"profiles reported before it stay loaded. Prints one line per profile:\n"
			"  loaded profile NAME (N rules)",
		.opts = CGF_OPTF(CGF_OPT_PROFILE),
		.min_args = 1,
		.max_args = CGF_MAX_ARGS,
		.check = cgf_check_load,
		.run = cgf_cmd_load,
	},
	{
		.name = "unload",
		.args = "NAME",
		.summary = "remove a profile from the module",
		.help = "Removes the profile NAME and prints \"unloaded profile NAME\". A profile\n"
			"attached to cgroups is refused unless --force is given, which detaches it\n"
			"from every cgroup first (their tasks are then unconfined).",
		.opts = CGF_OPTF(CGF_OPT_FORCE),
		.min_args = 1,
		.max_args = 1,
		.check = cgf_check_name,
		.run = cgf_cmd_unload,
	},
	{
		.name = "attach",
		.args = "NAME (CGROUP_PATH | --pid PID)",
		.summary = "confine a cgroup (and everything below it) with a profile",
		.help = "Attaches the loaded profile NAME to a cgroup v2 directory: a path under\n"
			"the cgroup2 mount (/sys/fs/cgroup/web), a path relative to it (web or\n"
			"/web), or the cgroup of process PID. A cgroup already attached switches\n"
			"to NAME without a gap. Prints \"attached profile NAME to DIR (id ID)\".\n"
			"With --on-exec each task of the subtree is judged from its next execve\n"
			"on (a container runtime's setup is not, its entrypoint is): tasks there\n"
			"now, tasks that enter later and their children until they exec. An\n"
			"immediate attachment cannot become on-exec; the reverse is allowed.\n"
			"Refuses a cgroup that holds cgfence itself: a confined task cannot\n"
			"change policy, so nothing could be undone from here.",
		.opts = CGF_OPTF(CGF_OPT_PID) | CGF_OPTF(CGF_OPT_ON_EXEC),
		.min_args = 1,
		.max_args = 2,
		.check = cgf_check_attach,
		.run = cgf_cmd_attach,
	},
	{
		.name = "detach",
		.args = "(CGROUP_PATH | --pid PID)",
		.summary = "remove the profile from a cgroup",
		.help = "Detaches the profile from a cgroup, named as for attach, and prints\n"
			"\"detached DIR (id ID)\". Its tasks are confined again only by a profile\n"
			"attached to a cgroup above it, if any.",
		.opts = CGF_OPTF(CGF_OPT_PID),
		.min_args = 0,
		.max_args = 1,
		.check = cgf_check_detach,
		.run = cgf_cmd_detach,
	},
	{
		.name = "list",
		.args = "",
		.summary = "list the loaded profiles and the attached cgroups",
		.help = "Lists the loaded profiles (name, mode, rules, attachments, generation)\n"
			"and the attached cgroups (path from the cgroup root, id, profile; FROM\n"
			"\"now\", or \"exec\" for an on-exec attachment, with PENDING the tasks\n"
			"it does not judge until they exec) as two tables. With --json, one\n"
			"object per line:\n"
			"  {\"type\":\"profile\",\"name\":N,\"mode\":M,\"rules\":R,\"attachments\":A,\"generation\":G}\n"
			"  {\"type\":\"attachment\",\"cgroup\":PATH,\"cgroup_id\":ID,\"profile\":N,\"on_exec\":B,\"pending\":P}",
		.opts = CGF_OPTF(CGF_OPT_JSON),
		.min_args = 0,
		.max_args = 0,
		.run = cgf_cmd_list,
	},
	{
		.name = "show",
		.args = "NAME",
		.summary = "show one loaded profile and where it is attached",
		.help = "Shows the profile NAME: mode, rules, generation (bumped by each\n"
			"replace or mode change), attachments and one \"cgroup:\" line per cgroup\n"
			"it is attached to, its device rules as the module compiled them, and\n"
			"the kernel operations it allows (\"kernel: none\" for most profiles).\n"
			"Then one \"rule:\" line per rule: its id, kind, text and, after '#',\n"
			"the FILE:LINE:COL it was written at.\n"
			"With --json, one object: the fields of a profile in 'list --json',\n"
			"\"cgroups\":[{\"cgroup\":PATH,\"cgroup_id\":ID},...], \"devices\",\n"
			"\"devices_truncated\", \"kernel_allow\":[OPERATION,...] and\n"
			"\"rules\":[{\"rule\":ID,\"kind\":K,\"text\":T,\"origin\":{\"file\":F,\"line\":L,\"col\":C}},...]\n"
			"(origin null for a rule loaded without one).",
		.opts = CGF_OPTF(CGF_OPT_JSON),
		.min_args = 1,
		.max_args = 1,
		.check = cgf_check_name,
		.run = cgf_cmd_show,
	},
	{
		.name = "mode",
		.args = "NAME (enforce | complain)",
		.summary = "switch a profile between enforcing and only reporting",
		.help = "Sets the mode of the loaded profile NAME: enforce denies what the\n"
			"profile forbids; complain only reports it. Prints\n"
			"\"profile NAME is now in MODE mode\".",
		.opts = 0,
		.min_args = 2,
		.max_args = 2,
		.check = cgf_check_mode,
		.run = cgf_cmd_mode,
	},
	{
		.name = "lock",
		.args = "--yes",
		.summary = "forbid every policy change and module unload until reboot",
		.help = "Locks policy: until reboot no profile can be loaded, replaced, removed\n"
			"or switched, no attachment changed or detached, no module parameter\n"
			"changed, and the module cannot be unloaded. A cgroup with no attachment\n"
			"can still be attached (immediately or --on-exec): that only adds\n"
			"confinement, so containers started later are confined too. This cannot\n"
			"be undone, so --yes is required. Prints \"policy locked until reboot\".\n"
			"Later changes fail with exit status 1.",
		.opts = CGF_OPTF(CGF_OPT_YES),
		.min_args = 0,
		.max_args = 0,
		.check = cgf_check_lock,
		.run = cgf_cmd_lock,
	},
	{
		.name = "denials",
		.args = "",
		.summary = "show the denial records, and follow new ones",
		.help = CGF_CMD_DENIALS_HELP,
		.opts = CGF_OPTF(CGF_OPT_FOLLOW) | CGF_OPTF(CGF_OPT_JSON) |
			CGF_OPTF(CGF_OPT_CONTAINER) | CGF_OPTF(CGF_OPT_PROFILE) |
			CGF_OPTF(CGF_OPT_SINCE),
		.min_args = 0,
		.max_args = 0,
		.check = cgf_check_denials,
		.run = cgf_cmd_denials,
	},
	{
		.name = "stats",
		.args = "",
		.summary = "show what the module counted per profile and per container",
		.help = "Shows, per loaded profile (since it was loaded) and per attached\n"
			"cgroup (since it was attached), how many operations were judged\n"
			"(DECISIONS), refused (DENIED), would have been refused in complain\n"
			"mode (WOULD-DENY), and how many denial records the rate limit dropped.\n"
			"--profile NAME: only that profile and its cgroups.\n"
			"--json: one object per line, the refusals by kind (file, mount, device,\n"
			"cgroup, kernel).\n"
			"--prometheus: the Prometheus text format, for node-exporter's textfile\n"
			"collector: cgfence_profile_*_total{profile} and\n"
			"cgfence_container_*_total{cgroup,cgroup_id,profile[,runtime,container_id]}.",
		.opts = CGF_OPTF(CGF_OPT_JSON) | CGF_OPTF(CGF_OPT_PROMETHEUS) |
			CGF_OPTF(CGF_OPT_PROFILE),
		.min_args = 0,
		.max_args = 0,
		.run = cgf_cmd_stats,
	},
	{
		.name = "learn",
		.args = "NAME",
		.summary = "write rules for what a profile in complain mode would deny",
		.help = CGF_CMD_LEARN_HELP,
		.opts = CGF_OPTF(CGF_OPT_CONTAINER) | CGF_OPTF(CGF_OPT_FROM),
		.min_args = 1,
		.max_args = 1,
		.check = cgf_check_learn,
		.run = cgf_cmd_learn,
	},
	{
		.name = "apply",
		.args = "",
		.summary = "bring the module to the host's boot policy (" CGF_BOOT_CONF ")",
		.help = "Reads " CGF_BOOT_CONF " (or --config FILE): \"load = FILE-OR-GLOB\",\n"
			"\"attach = PROFILE CGROUP\", \"attach_on_exec = PROFILE CGROUP\" and\n"
			"\"lock = yes|no\" lines. It first parses every policy file, checks that each\n"
			"attachment names one of their profiles and a cgroup that exists; any error\n"
			"changes nothing (exit 5). Then it loads or replaces each profile, makes each\n"
			"attachment not yet in force and locks if asked. On a locked policy it\n"
			"changes no profile and only adds missing attachments. It never detaches\n"
			"or unloads. --check: everything but the kernel. --verify: changes nothing\n"
			"and fails unless every profile is loaded, every attachment is in force\n"
			"and the policy is locked where the file says so (run by the container\n"
			"runtimes' systemd units before they start). cgfence.service runs it at boot.",
		.opts = CGF_OPTF(CGF_OPT_CONFIG) | CGF_OPTF(CGF_OPT_CHECK) | CGF_OPTF(CGF_OPT_VERIFY),
		.min_args = 0,
		.max_args = 0,
		.check = cgf_check_apply,
		.run = cgf_cmd_apply,
	},
	{
		.name = "oci-hook",
		.args = "",
		.summary = "OCI createRuntime hook: confine a new container from its entrypoint",
		.help = "Run by a container runtime (runc, crun, podman, CRI-O) as a createRuntime\n"
			"hook, with the container's state (OCI runtime spec) on standard input.\n"
			"Attaches a profile on exec to the cgroup of the container's init: the\n"
			"runtime's own setup is not judged, the entrypoint is from its first\n"
			"instruction. The profile is the annotation " CGF_OCI_ANNOTATION ",\n"
			"else default_profile in " CGF_OCI_CONF " (or --config FILE);\n"
			"\"" CGF_OCI_UNCONFINED "\" runs the container unconfined, only where that\n"
			"file says allow_unconfined = yes. It fails closed: with no profile, an\n"
			"unknown one, the module not loaded, a state it cannot read or a refused\n"
			"attach it prints one line on stderr and exits non-zero, and the runtime\n"
			"does not start the container. Prints nothing on success.",
		.opts = CGF_OPTF(CGF_OPT_CONFIG),
		.min_args = 0,
		.max_args = 0,
		.run = cgf_cmd_oci_hook,
	},
	{
		.name = "oci-prepare",
		.args = "BUNDLE",
		.summary = "add the cgfence hook to an OCI bundle's config.json",
		.help = "Adds a createRuntime hook that runs \"" CGF_OCI_HOOK_PATH " oci-hook\"\n"
			"(--hook-path PATH for another place) to BUNDLE/config.json, replacing\n"
			"the file atomically and keeping its mode; nothing changes when the hook\n"
			"is there already. With --profile NAME it also sets the annotation\n"
			CGF_OCI_ANNOTATION " to NAME (replacing one that is there), which the\n"
			"hook then reads. cgfence-runc, the runtime Docker is given, runs this\n"
			"before runc create and run.",
		.opts = CGF_OPTF(CGF_OPT_HOOK_PATH) | CGF_OPTF(CGF_OPT_PROFILE),
		.opt_help = { [CGF_OPT_PROFILE] = "the hook attaches the profile NAME" },
		.check = cgf_check_oci_prepare,
		.min_args = 1,
		.max_args = 1,
		.run = cgf_cmd_oci_prepare,
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
