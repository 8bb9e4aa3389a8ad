// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the policy commands: their arguments, and list/show replies and rendering. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "cgfence.h"
#include "cli.h"
#include "client.h"
#include "cmd_admin.h"
#include "cmd_list.h"
#include "origins.h"
#include "tap.h"

static const struct cgf_cmd *cmd(const char *name)
{
	return cgf_find_cmd(cgf_commands, cgf_ncommands, name);
}

/* Parses "cgfence" followed by the NULL-terminated arguments; returns the line for names. */
static const char *parse(struct cgf_inv *inv, ...)
{
	static char line[256];
	char *argv[16] = { "cgfence" };
	size_t n = 0;
	int argc = 1;
	va_list ap;

	va_start(ap, inv);
	while ((argv[argc] = va_arg(ap, char *)) && argc < 15)
		argc++;
	va_end(ap);
	line[0] = '\0';
	for (int i = 1; i < argc; i++)
		n += snprintf(line + n, sizeof(line) - n, "%s%s", i > 1 ? " " : "", argv[i]);
	cgf_parse_args(cgf_commands, cgf_ncommands, argc, argv, inv);
	return line;
}

static void is_run(const struct cgf_inv *inv, const char *line, int argc)
{
	tap_ok(inv->action == CGF_ACT_RUN && inv->argc == argc,
	       "parse '%s': runs with %d argument(s)%s%s", line, argc,
	       inv->action == CGF_ACT_USAGE_ERROR ? ", got: " : "",
	       inv->action == CGF_ACT_USAGE_ERROR ? inv->error : "");
}

static void is_error(const struct cgf_inv *inv, const char *line, const char *error)
{
	tap_ok(inv->action == CGF_ACT_USAGE_ERROR, "parse '%s': usage error (exit 2)", line);
	tap_is_str(inv->error, error, "parse '%s': error text", line);
}

static void test_load_unload(void)
{
	struct cgf_inv inv;
	const char *l;

	l = parse(&inv, "load", "a.cgf", NULL);
	is_run(&inv, l, 1);
	tap_ok(!inv.optval[CGF_OPT_PROFILE], "parse '%s': no --profile", l);
	l = parse(&inv, "load", "a.cgf", "b.cgf", "--profile", "web", "c.cgf", NULL);
	is_run(&inv, l, 3);
	tap_is_str(inv.optval[CGF_OPT_PROFILE], "web", "parse '%s': --profile web", l);
	l = parse(&inv, "load", "--profile=web", "a.cgf", NULL);
	is_run(&inv, l, 1);
	l = parse(&inv, "load", NULL);
	is_error(&inv, l, "load: missing argument");
	l = parse(&inv, "load", "a.cgf", "--profile", NULL);
	is_error(&inv, l, "load: option '--profile' needs a value");
	l = parse(&inv, "load", "a.cgf", "--profile", "a/b", NULL);
	is_error(&inv, l, "load: invalid profile name 'a/b': a profile name has only letters, digits, '_', '.' and '-'");
	l = parse(&inv, "load", "a.cgf", "--json", NULL);
	is_error(&inv, l, "load: option '--json' does not apply to this command");
	l = parse(&inv, "load", "a.cgf", "--force", NULL);
	is_error(&inv, l, "load: option '--force' does not apply to this command");

	l = parse(&inv, "unload", "web", NULL);
	is_run(&inv, l, 1);
	tap_ok(!cgf_opt_set(&inv, CGF_OPT_FORCE), "parse '%s': no --force", l);
	l = parse(&inv, "unload", "--force", "web", NULL);
	is_run(&inv, l, 1);
	tap_ok(cgf_opt_set(&inv, CGF_OPT_FORCE), "parse '%s': --force", l);
	l = parse(&inv, "unload", NULL);
	is_error(&inv, l, "unload: missing argument");
	l = parse(&inv, "unload", "a", "b", NULL);
	is_error(&inv, l, "unload: unexpected argument 'b'");
	l = parse(&inv, "unload", "bad name", NULL);
	is_error(&inv, l, "unload: invalid profile name 'bad name': a profile name has only letters, digits, '_', '.' and '-'");
	l = parse(&inv, "unload", "web", "--force=yes", NULL);
	is_error(&inv, l, "unload: option '--force' takes no value");
	l = parse(&inv, "unload", "web", "--yes", NULL);
	is_error(&inv, l, "unload: option '--yes' does not apply to this command");
}

static void test_attach_detach(void)
{
	struct cgf_inv inv;
	const char *l;

	l = parse(&inv, "attach", "web", "/sys/fs/cgroup/web", NULL);
	is_run(&inv, l, 2);
	l = parse(&inv, "attach", "web", "--pid", "123", NULL);
	is_run(&inv, l, 1);
	tap_is_str(inv.optval[CGF_OPT_PID], "123", "parse '%s': --pid 123", l);
	l = parse(&inv, "attach", "--pid=1", "web", NULL);
	is_run(&inv, l, 1);
	l = parse(&inv, "attach", "web", NULL);
	is_error(&inv, l, "attach: missing CGROUP_PATH (or --pid PID)");
	l = parse(&inv, "attach", NULL);
	is_error(&inv, l, "attach: missing argument");
	l = parse(&inv, "attach", "web", "x", "--pid", "1", NULL);
	is_error(&inv, l, "attach: give CGROUP_PATH or --pid PID, not both");
	l = parse(&inv, "attach", "web", "--pid", "12x", NULL);
	is_error(&inv, l, "attach: invalid PID '12x': a positive decimal number is needed");
	l = parse(&inv, "attach", "web", "--pid", "0", NULL);
	is_error(&inv, l, "attach: invalid PID '0': a positive decimal number is needed");
	l = parse(&inv, "attach", "web", "--pid", "-3", NULL);
	is_error(&inv, l, "attach: invalid PID '-3': a positive decimal number is needed");
	l = parse(&inv, "attach", "web", "--pid", "99999999999", NULL);
	is_error(&inv, l, "attach: invalid PID '99999999999': a positive decimal number is needed");
	l = parse(&inv, "attach", "web", "x", "y", NULL);
	is_error(&inv, l, "attach: unexpected argument 'y'");
	l = parse(&inv, "attach", "we$b", "x", NULL);
	is_error(&inv, l, "attach: invalid profile name 'we$b': a profile name has only letters, digits, '_', '.' and '-'");
	l = parse(&inv, "attach", "web", "x", "--force", NULL);
	is_error(&inv, l, "attach: option '--force' does not apply to this command");

	l = parse(&inv, "detach", "web", NULL);
	is_run(&inv, l, 1);
	l = parse(&inv, "detach", "--pid", "77", NULL);
	is_run(&inv, l, 0);
	l = parse(&inv, "detach", NULL);
	is_error(&inv, l, "detach: missing CGROUP_PATH (or --pid PID)");
	l = parse(&inv, "detach", "x", "--pid", "77", NULL);
	is_error(&inv, l, "detach: give CGROUP_PATH or --pid PID, not both");
	l = parse(&inv, "detach", "--pid", NULL);
	is_error(&inv, l, "detach: option '--pid' needs a value");
	l = parse(&inv, "detach", "x", "y", NULL);
	is_error(&inv, l, "detach: unexpected argument 'y'");
}

static void test_read_commands(void)
{
	struct cgf_inv inv;
	const char *l;

	l = parse(&inv, "list", NULL);
	is_run(&inv, l, 0);
	l = parse(&inv, "list", "--json", NULL);
	is_run(&inv, l, 0);
	tap_ok(cgf_opt_set(&inv, CGF_OPT_JSON), "parse '%s': --json", l);
	l = parse(&inv, "list", "web", NULL);
	is_error(&inv, l, "list: unexpected argument 'web'");
	l = parse(&inv, "list", "--pid", "1", NULL);
	is_error(&inv, l, "list: option '--pid' does not apply to this command");

	l = parse(&inv, "show", "web", "--json", NULL);
	is_run(&inv, l, 1);
	l = parse(&inv, "show", NULL);
	is_error(&inv, l, "show: missing argument");
	l = parse(&inv, "show", "", NULL);
	is_error(&inv, l, "show: invalid profile name '': empty profile name");
	l = parse(&inv, "show", "web", "db", NULL);
	is_error(&inv, l, "show: unexpected argument 'db'");
}

static void test_mode_lock(void)
{
	struct cgf_inv inv;
	const char *l;

	l = parse(&inv, "mode", "web", "enforce", NULL);
	is_run(&inv, l, 2);
	l = parse(&inv, "mode", "web", "complain", NULL);
	is_run(&inv, l, 2);
	l = parse(&inv, "mode", "web", NULL);
	is_error(&inv, l, "mode: missing argument");
	l = parse(&inv, "mode", "web", "audit", NULL);
	is_error(&inv, l, "mode: unknown mode 'audit': enforce or complain");
	l = parse(&inv, "mode", "web", "Enforce", NULL);
	is_error(&inv, l, "mode: unknown mode 'Enforce': enforce or complain");
	l = parse(&inv, "mode", "web", "enforce", "now", NULL);
	is_error(&inv, l, "mode: unexpected argument 'now'");
	l = parse(&inv, "mode", "web", "--json", "enforce", NULL);
	is_error(&inv, l, "mode: option '--json' does not apply to this command");

	l = parse(&inv, "lock", "--yes", NULL);
	is_run(&inv, l, 0);
	l = parse(&inv, "lock", NULL);
	is_error(&inv, l, "lock: locking cannot be undone until reboot; run 'cgfence lock --yes' to lock");
	l = parse(&inv, "lock", "--yes", "now", NULL);
	is_error(&inv, l, "lock: unexpected argument 'now'");
	l = parse(&inv, "lock", "--force", NULL);
	is_error(&inv, l, "lock: option '--force' does not apply to this command");
	l = parse(&inv, "lock", "--help", NULL);
	tap_is_int(inv.action, CGF_ACT_HELP, "parse '%s': help, without --yes", l);
}

static char *usage_of(const char *name)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	cgf_cmd_usage(f, cmd(name));
	fclose(f);
	return buf;
}

static void synopsis_is(const char *name, const char *want)
{
	char *text = usage_of(name);

	*strchr(text, '\n') = '\0';
	tap_is_str(text, want, "usage: %s", name);
	free(text);
}

static void test_usage(void)
{
	char *text;

	synopsis_is("load", "usage: cgfence load [--profile NAME] FILE...");
	synopsis_is("unload", "usage: cgfence unload [--force] NAME");
	synopsis_is("attach", "usage: cgfence attach [--on-exec] NAME (CGROUP_PATH | --pid PID)");
	synopsis_is("detach", "usage: cgfence detach (CGROUP_PATH | --pid PID)");
	synopsis_is("list", "usage: cgfence list [--json]");
	synopsis_is("show", "usage: cgfence show [--json] NAME");
	synopsis_is("mode", "usage: cgfence mode NAME (enforce | complain)");
	synopsis_is("lock", "usage: cgfence lock --yes");
	text = usage_of("lock");
	tap_ok(strstr(text, "cannot be undone") && strstr(text, "\n      --yes "),
	       "usage: lock explains --yes");
	tap_ok(strstr(text, "\n  5  a policy file has errors"), "usage: documents exit status 5");
	free(text);

	tap_is_int(CGF_EXIT_POLICY, 5, "exit: policy errors are 5");
}

static void test_parse_pid(void)
{
	pid_t pid = 0;

	tap_ok(!cgf_parse_pid("1", &pid) && pid == 1, "pid: 1");
	tap_ok(!cgf_parse_pid("4194304", &pid) && pid == 4194304, "pid: pid_max");
	tap_is_int(cgf_parse_pid("", &pid), -EINVAL, "pid: empty");
	tap_is_int(cgf_parse_pid("+1", &pid), -EINVAL, "pid: a sign");
	tap_is_int(cgf_parse_pid(" 1", &pid), -EINVAL, "pid: a space");
	tap_is_int(cgf_parse_pid("0x10", &pid), -EINVAL, "pid: hexadecimal");
	tap_is_int(cgf_parse_pid("2147483648", &pid), -EINVAL, "pid: beyond int");
}

/* Replies as the module builds them. */
static struct nl_msg *profile_msg(const char *name, uint8_t mode, uint32_t rules,
				  uint32_t attachments, uint64_t generation, int omit)
{
	struct nl_msg *msg = nlmsg_alloc();

	genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, 0x20, 0, NLM_F_MULTI, CGFENCE_CMD_PROFILE_GET,
		    CGFENCE_GENL_VERSION);
	if (omit != CGFENCE_A_PROFILE_NAME)
		nla_put_string(msg, CGFENCE_A_PROFILE_NAME, name);
	if (omit != CGFENCE_A_PROFILE_MODE)
		nla_put_u8(msg, CGFENCE_A_PROFILE_MODE, mode);
	/* A pad attribute before the u64, as on architectures that need one. */
	nla_put(msg, CGFENCE_A_PAD, 0, NULL);
	if (omit != CGFENCE_A_PROFILE_GENERATION)
		nla_put_u64(msg, CGFENCE_A_PROFILE_GENERATION, generation);
	if (omit != CGFENCE_A_PROFILE_RULE_COUNT)
		nla_put_u32(msg, CGFENCE_A_PROFILE_RULE_COUNT, rules);
	if (omit != CGFENCE_A_PROFILE_ATTACHMENTS)
		nla_put_u32(msg, CGFENCE_A_PROFILE_ATTACHMENTS, attachments);
	return msg;
}

static struct nl_msg *attach_msg(uint64_t id, const char *path, const char *profile, int omit)
{
	struct nl_msg *msg = nlmsg_alloc();

	genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, 0x20, 0, NLM_F_MULTI, CGFENCE_CMD_ATTACH_GET,
		    CGFENCE_GENL_VERSION);
	if (omit != CGFENCE_A_CGROUP_ID)
		nla_put_u64(msg, CGFENCE_A_CGROUP_ID, id);
	if (omit != CGFENCE_A_CGROUP_PATH)
		nla_put_string(msg, CGFENCE_A_CGROUP_PATH, path);
	if (omit != CGFENCE_A_PROFILE_NAME)
		nla_put_string(msg, CGFENCE_A_PROFILE_NAME, profile);
	return msg;
}

static void test_rows(void)
{
	struct cgf_profile_row p;
	struct cgf_attach_row a;
	struct nl_msg *msg;
	uint16_t two = 2;
	int bad_counters = 0;
	int attr;

	msg = profile_msg("web", CGFENCE_MODE_COMPLAIN, 12, 3, 1ull << 40, -1);
	tap_is_int(cgf_profile_row_parse(nlmsg_hdr(msg), &p), 0, "row: profile reply parses");
	tap_ok(!strcmp(p.name, "web") && p.mode == CGFENCE_MODE_COMPLAIN && p.rules == 12 &&
	       p.attachments == 3 && p.generation == 1ull << 40,
	       "row: name, mode, rules, attachments, 64-bit generation");
	nlmsg_free(msg);
	for (attr = CGFENCE_A_PROFILE_NAME; attr <= CGFENCE_A_PROFILE_ATTACHMENTS; attr++) {
		if (attr == CGFENCE_A_PROFILE_FILE_DEFAULT)
			continue;
		msg = profile_msg("web", 1, 1, 1, 1, attr);
		tap_is_int(cgf_profile_row_parse(nlmsg_hdr(msg), &p), -ENODATA,
			   "row: profile reply without attribute %d is incomplete", attr);
		nlmsg_free(msg);
	}
	msg = profile_msg("web", 1, 1, 1, 1, CGFENCE_A_PROFILE_RULE_COUNT);
	nla_put(msg, CGFENCE_A_PROFILE_RULE_COUNT, sizeof(two), &two);
	tap_is_int(cgf_profile_row_parse(nlmsg_hdr(msg), &p), -EBADMSG,
		   "row: a 2-byte rule count is malformed");
	nlmsg_free(msg);

	/* Counters: absent from an older module; present, every one must be there. */
	tap_ok(!p.counters.present, "row: a reply without counters has none");
	for (attr = CGFENCE_COUNTER_A_DECISIONS; attr <= CGFENCE_COUNTER_A_DROPPED + 1; attr++) {
		struct nlattr *nest;
		int c;

		msg = profile_msg("web", 1, 1, 1, 1, -1);
		nest = nla_nest_start(msg, NLA_F_NESTED | CGFENCE_A_COUNTERS);
		for (c = CGFENCE_COUNTER_A_DECISIONS; c <= CGFENCE_COUNTER_A_DROPPED; c++)
			if (c != attr)
				nla_put_u64(msg, c, 1000 + c);
		nla_nest_end(msg, nest);
		if (attr <= CGFENCE_COUNTER_A_DROPPED) {
			if (cgf_profile_row_parse(nlmsg_hdr(msg), &p) != -ENODATA)
				bad_counters++;
		} else {
			tap_ok(!cgf_profile_row_parse(nlmsg_hdr(msg), &p) && p.counters.present &&
			       p.counters.decisions == 1000 + CGFENCE_COUNTER_A_DECISIONS &&
			       p.counters.denied[4] == 1000 + CGFENCE_COUNTER_A_DENIED_KERNEL &&
			       p.counters.would_deny[0] == 1000 + CGFENCE_COUNTER_A_WOULD_DENY_FILE &&
			       p.counters.dropped == 1000 + CGFENCE_COUNTER_A_DROPPED,
			       "row: every counter read into its place");
		}
		nlmsg_free(msg);
	}
	tap_is_int(bad_counters, 0, "row: a counters nest missing any one counter is incomplete");

	/* Learned records: the three attributes together, or none (no set kept). */
	tap_ok(!p.learning, "row: a reply without learned attributes keeps no learned records");
	for (attr = CGFENCE_A_LEARNED_RECORDS; attr <= CGFENCE_A_LEARNED_MISSED + 1; attr++) {
		msg = profile_msg("web", 1, 1, 1, 1, -1);
		if (attr != CGFENCE_A_LEARNED_RECORDS)
			nla_put_u32(msg, CGFENCE_A_LEARNED_RECORDS, 812);
		if (attr != CGFENCE_A_LEARNED_CAPACITY)
			nla_put_u32(msg, CGFENCE_A_LEARNED_CAPACITY, 4096);
		if (attr != CGFENCE_A_LEARNED_MISSED)
			nla_put_u64(msg, CGFENCE_A_LEARNED_MISSED, 1ull << 33);
		if (attr <= CGFENCE_A_LEARNED_MISSED)
			tap_is_int(cgf_profile_row_parse(nlmsg_hdr(msg), &p), -ENODATA,
				   "row: learned attributes without attribute %d are incomplete", attr);
		else
			tap_ok(!cgf_profile_row_parse(nlmsg_hdr(msg), &p) && p.learning &&
			       p.learned == 812 && p.learned_capacity == 4096 &&
			       p.learned_missed == 1ull << 33,
			       "row: learned records kept, capacity and 64-bit missed count");
		nlmsg_free(msg);
	}

	msg = attach_msg(1234, "/web", "web", -1);
	tap_is_int(cgf_attach_row_parse(nlmsg_hdr(msg), &a), 0, "row: attachment reply parses");
	tap_ok(a.cgroup_id == 1234 && a.path && !strcmp(a.path, "/web") &&
	       !strcmp(a.profile, "web") && !a.on_exec && !a.pending,
	       "row: id, path, profile; immediate, nothing pending");
	free(a.path);
	nlmsg_free(msg);
	msg = attach_msg(1234, "/web", "web", -1);
	nla_put_flag(msg, CGFENCE_A_ATTACH_ON_EXEC);
	nla_put_u32(msg, CGFENCE_A_ATTACH_PENDING, 7);
	tap_is_int(cgf_attach_row_parse(nlmsg_hdr(msg), &a), 0, "row: on-exec attachment parses");
	tap_ok(a.on_exec && a.pending == 7, "row: on-exec, 7 tasks pending");
	free(a.path);
	tap_is_int(cgf_profile_row_parse(nlmsg_hdr(msg), &p), -EPROTO,
		   "row: an attachment is not a profile");
	nlmsg_free(msg);
	msg = attach_msg(1234, "/web", "web", CGFENCE_A_CGROUP_PATH);
	tap_is_int(cgf_attach_row_parse(nlmsg_hdr(msg), &a), -ENODATA,
		   "row: attachment reply without a path is incomplete");
	nlmsg_free(msg);
}

static char *render(void (*fn)(FILE *f, const struct cgf_listing *l), const struct cgf_listing *l)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	fn(f, l);
	fclose(f);
	return buf;
}

static struct cgf_listing *show_profile;
static const struct cgf_rule_listing *show_rules;

static void show_plain(FILE *f, const struct cgf_listing *l)
{
	cgf_show_render_plain(f, &show_profile->profiles[0], l, show_rules);
}

static void show_json(FILE *f, const struct cgf_listing *l)
{
	cgf_show_render_json(f, &show_profile->profiles[0], l, show_rules);
}

static void test_render(void)
{
	struct cgf_policy_rule devices[] = {
		{ .id = 7, .kind = CGFENCE_RULE_DEVICE, .effect = CGFENCE_EFFECT_ALLOW,
		  .dev_type = CGFENCE_DEV_CHAR, .dev_major = 136, .dev_minor = CGFENCE_DEV_ANY,
		  .dev_access = CGFENCE_DEV_READ | CGFENCE_DEV_WRITE },
	};
	struct cgf_profile_row profiles[] = {
		{ .name = "docker-default", .mode = CGFENCE_MODE_ENFORCE, .rules = 54,
		  .attachments = 2, .generation = 1, .devices = devices, .nr_devices = 1 },
		{ .name = "web", .mode = CGFENCE_MODE_COMPLAIN, .rules = 3, .attachments = 0,
		  .generation = 12 },
	};
	struct cgf_attach_row attachments[] = {
		{ 1234, "/web", "docker-default", .on_exec = false },
		{ 99, "/system.slice/a\nb.scope", "docker-default", .on_exec = true, .pending = 3 },
	};
	struct cgf_listing l = { profiles, 2, attachments, 2 };
	struct cgf_listing empty = { NULL, 0, NULL, 0 };
	char *text;

	text = render(cgf_list_render_plain, &l);
	tap_is_str(text,
		   "PROFILE         MODE       RULES  ATTACHMENTS  GENERATION\n"
		   "docker-default  enforce       54            2           1\n"
		   "web             complain       3            0          12\n"
		   "\n"
		   "CGROUP                        ID  PROFILE         FROM     PENDING\n"
		   "/web                        1234  docker-default  now      -\n"
		   "/system.slice/a\\x0ab.scope    99  docker-default  exec     3\n",
		   "render: list, plain");
	free(text);
	text = render(cgf_list_render_json, &l);
	tap_is_str(text,
		   "{\"type\":\"profile\",\"name\":\"docker-default\",\"mode\":\"enforce\",\"rules\":54,\"attachments\":2,\"generation\":1}\n"
		   "{\"type\":\"profile\",\"name\":\"web\",\"mode\":\"complain\",\"rules\":3,\"attachments\":0,\"generation\":12}\n"
		   "{\"type\":\"attachment\",\"cgroup\":\"/web\",\"cgroup_id\":1234,\"profile\":\"docker-default\",\"on_exec\":false,\"pending\":0}\n"
		   "{\"type\":\"attachment\",\"cgroup\":\"/system.slice/a\\nb.scope\",\"cgroup_id\":99,\"profile\":\"docker-default\",\"on_exec\":true,\"pending\":3}\n",
		   "render: list, JSON, one object per line");
	free(text);
	text = render(cgf_list_render_plain, &empty);
	tap_is_str(text, "no profiles loaded\n\nno cgroups attached\n", "render: empty list, plain");
	free(text);
	text = render(cgf_list_render_json, &empty);
	tap_is_str(text, "", "render: empty list, JSON: no lines");
	free(text);

	show_profile = &l;
	text = render(show_plain, &l);
	tap_is_str(text,
		   "profile:             docker-default\n"
		   "mode:                enforce\n"
		   "rules:               54\n"
		   "generation:          1\n"
		   "attachments:         2\n"
		   "cgroup:              /web (id 1234)\n"
		   "cgroup:              /system.slice/a\\x0ab.scope (id 99)\n"
		   "device:              allow c 136:* rw;  # rule 7\n"
		   "kernel:              none: no module, kexec, reboot, bpf, perf, raw hardware, ...; no task outside\n",
		   "render: show, plain, with the device rules");
	free(text);
	text = render(show_json, &l);
	tap_is_str(text,
		   "{\"type\":\"profile\",\"name\":\"docker-default\",\"mode\":\"enforce\",\"rules\":54,\"attachments\":2,\"generation\":1,"
		   "\"cgroups\":[{\"cgroup\":\"/web\",\"cgroup_id\":1234},{\"cgroup\":\"/system.slice/a\\nb.scope\",\"cgroup_id\":99}],"
		   "\"devices\":[{\"rule\":7,\"text\":\"allow c 136:* rw;\"}],\"devices_truncated\":false,"
		   "\"kernel_allow\":[],\"learned\":null}\n",
		   "render: show, JSON, with the device rules");
	free(text);
	/* What a profile allows of the kernel, in bit order, words as the policy writes them. */
	profiles[0].kernel_allow = CGFENCE_KERNEL_SIGNAL | CGFENCE_KERNEL_PTRACE;
	text = render(show_plain, &l);
	tap_ok(text && strstr(text, "\nkernel:              allow ptrace signal\n"),
	       "render: show, plain, the kernel operations the profile allows");
	free(text);
	text = render(show_json, &l);
	tap_ok(text && strstr(text, ",\"kernel_allow\":[\"ptrace\",\"signal\"],\"learned\":null}\n"),
	       "render: show, JSON, the kernel operations the profile allows");
	free(text);
	profiles[0].kernel_allow = 0;

	/* A profile that keeps learned records says how full the set is, after the kernel. */
	profiles[0].learning = true;
	profiles[0].learned = 812;
	profiles[0].learned_capacity = 4096;
	profiles[0].learned_missed = 3;
	text = render(show_plain, &l);
	tap_ok(text && strstr(text, "...; no task outside\n"
				    "learned:             812 of 4096 distinct refusals kept for learn, 3 missed\n"),
	       "render: show, plain, the learned records kept and missed");
	free(text);
	text = render(show_json, &l);
	tap_ok(text && strstr(text, ",\"kernel_allow\":[],\"learned\":{\"records\":812,\"capacity\":4096,\"missed\":3}}\n"),
	       "render: show, JSON, the learned records kept and missed");
	free(text);
	profiles[0].learning = false;

	/* Every rule, with its kind and where it was written; hostile bytes escaped. */
	{
		struct cgf_policy_rule rules[] = {
			{ .id = 1, .kind = CGFENCE_RULE_FILE, .effect = CGFENCE_EFFECT_ALLOW,
			  .file_perms = CGFENCE_FILE_READ, .path = "/etc/**",
			  .src_file = "/etc/cgfence/web.cgf", .src_line = 14, .src_col = 9 },
			{ .id = 2, .kind = CGFENCE_RULE_MOUNT, .effect = CGFENCE_EFFECT_DENY,
			  .mount_ops = CGFENCE_MOUNT_UMOUNT, .target = "/proc/**" },
			{ .id = 3, .kind = CGFENCE_RULE_KERNEL, .effect = CGFENCE_EFFECT_ALLOW,
			  .kernel_ops = CGFENCE_KERNEL_PTRACE, .src_file = "a\nb.cgf",
			  .src_line = 2, .src_col = 1 },
		};
		struct cgf_rule_listing listing = { .generation = 1, .rules = rules,
						    .nr_rules = 3 };

		show_rules = &listing;
		text = render(show_plain, &l);
		tap_ok(text && strstr(text,
				      "\nrule:                1  file    allow r /etc/**;  # /etc/cgfence/web.cgf:14:9\n"
				      "rule:                2  mount   deny umount /proc/**;\n"
				      "rule:                3  kernel  allow ptrace;  # a\\x0ab.cgf:2:1\n") &&
		       !strcmp(text + strlen(text) - strlen("a\\x0ab.cgf:2:1\n"), "a\\x0ab.cgf:2:1\n"),
		       "render: show, plain, every rule last, with id, kind, text and origin");
		free(text);
		text = render(show_json, &l);
		tap_ok(text && strstr(text,
				      ",\"kernel_allow\":[],\"learned\":null,\"rules\":["
				      "{\"rule\":1,\"kind\":\"file\",\"text\":\"allow r /etc/**;\",\"origin\":{\"file\":\"/etc/cgfence/web.cgf\",\"line\":14,\"col\":9}},"
				      "{\"rule\":2,\"kind\":\"mount\",\"text\":\"deny umount /proc/**;\",\"origin\":null},"
				      "{\"rule\":3,\"kind\":\"kernel\",\"text\":\"allow ptrace;\",\"origin\":{\"file\":\"a\\nb.cgf\",\"line\":2,\"col\":1}}]}\n"),
		       "render: show, JSON, every rule with its origin or null");
		free(text);
		show_rules = NULL;
	}
	profiles[0].mode = 7;
	text = render(show_json, &empty);
	tap_ok(strstr(text, "\"mode\":\"unknown(7)\"") && strstr(text, "\"cgroups\":[],"),
	       "render: show, JSON, unknown mode and no cgroups");
	free(text);
}

/* A module whose policy changes under the first @intr_rounds rounds of dumps. */
struct fake_dumps {
	struct cgf_client cl;
	int calls;
	int intr_rounds;
	int fail_call;
};

/* One dump reply of the module for @cmd, the profile named after the round. */
static struct nl_msg *fake_row(uint8_t cmd, int round)
{
	struct nl_msg *msg = nlmsg_alloc();
	char name[24];

	snprintf(name, sizeof(name), "round%d", round);
	genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, 0x42, 0, NLM_F_MULTI, cmd,
		    CGFENCE_GENL_VERSION);
	if (cmd == CGFENCE_CMD_PROFILE_GET) {
		nla_put_string(msg, CGFENCE_A_PROFILE_NAME, name);
		nla_put_u8(msg, CGFENCE_A_PROFILE_MODE, CGFENCE_MODE_ENFORCE);
		nla_put_u32(msg, CGFENCE_A_PROFILE_RULE_COUNT, 0);
		nla_put_u32(msg, CGFENCE_A_PROFILE_ATTACHMENTS, 1);
		nla_put_u64(msg, CGFENCE_A_PROFILE_GENERATION, 1);
	} else {
		nla_put_u64(msg, CGFENCE_A_CGROUP_ID, 7);
		nla_put_string(msg, CGFENCE_A_CGROUP_PATH, "/web");
		nla_put_string(msg, CGFENCE_A_PROFILE_NAME, name);
	}
	return msg;
}

static int fake_dump(struct cgf_client *cl, struct nl_msg *req, cgf_nl_handler handler,
		     void *arg)
{
	struct fake_dumps *f = (struct fake_dumps *)cl;
	uint8_t cmd = ((struct genlmsghdr *)nlmsg_data(nlmsg_hdr(req)))->cmd;
	int call = f->calls++, err;
	struct nl_msg *reply;

	nlmsg_free(req);
	if (call == f->fail_call)
		return -EPERM;
	reply = fake_row(cmd, call / 2);
	err = handler(reply, arg);
	nlmsg_free(reply);
	/* The profile dump of a round is the one the kernel marks. */
	cl->ack.dump_intr = cmd == CGFENCE_CMD_PROFILE_GET && call / 2 < f->intr_rounds;
	return err;
}

static void test_dump_retry(void)
{
	struct fake_dumps f = { .fail_call = -1 };
	struct cgf_listing l = { NULL, 0, NULL, 0 };
	int rc;

	cgf_client_init(&f.cl, 0x42, fake_dump);
	rc = cgf_client_listing(&f.cl, true, &l);
	tap_ok(rc == 0 && f.calls == 2 && l.nr_profiles == 1 && !strcmp(l.profiles[0].name, "round0"),
	       "dump: a consistent dump is read once");

	f.calls = 0;
	f.intr_rounds = 2;
	rc = cgf_client_listing(&f.cl, true, &l);
	tap_ok(rc == 0 && f.calls == 6, "dump: NLM_F_DUMP_INTR twice: read three times (%d dumps)",
	       f.calls);
	tap_ok(l.nr_profiles == 1 && l.nr_attachments == 1 && !strcmp(l.profiles[0].name, "round2"),
	       "dump: only the last, consistent round is kept");

	f.calls = 0;
	f.intr_rounds = 100;
	rc = cgf_client_listing(&f.cl, true, &l);
	tap_ok(rc == -EAGAIN && f.calls == 2 * CGF_DUMP_TRIES && !l.nr_profiles,
	       "dump: always changing: gives up after %d rounds, nothing kept", CGF_DUMP_TRIES);
	tap_is_str(f.cl.problem, "the policy kept changing while it was read; try again",
		   "dump: always changing: says so");

	f.calls = 0;
	f.intr_rounds = 0;
	f.fail_call = 1;
	rc = cgf_client_listing(&f.cl, true, &l);
	tap_ok(rc == -EPERM && !l.nr_profiles && !f.cl.problem[0],
	       "dump: a refused dump's errno is passed on, nothing kept");

	f.calls = 0;
	f.fail_call = -1;
	rc = cgf_client_listing(&f.cl, false, &l);
	tap_ok(rc == 0 && f.calls == 1 && !l.nr_profiles && l.nr_attachments == 1,
	       "dump: for show, attachments only");
	cgf_listing_free(&l);
}

/*
 * A module holding profile "web" at @generation with three rules (ids 2, 5, 9; rule 5
 * loaded without an origin), sent as two RULE_GET messages; @intr_calls dumps marked.
 */
struct fake_rules {
	struct cgf_client cl;
	int calls;
	int intr_calls;
	uint64_t generation;
	bool gone;
};

static void fake_rule(struct nl_msg *msg, uint32_t id, const char *path, const char *origin)
{
	struct nlattr *one = nla_nest_start(msg, NLA_F_NESTED | CGFENCE_RULE_A_RULE);

	nla_put_u32(msg, CGFENCE_RULE_A_ID, id);
	nla_put_u8(msg, CGFENCE_RULE_A_KIND, CGFENCE_RULE_FILE);
	nla_put_u8(msg, CGFENCE_RULE_A_EFFECT, CGFENCE_EFFECT_ALLOW);
	nla_put_u32(msg, CGFENCE_RULE_A_FILE_PERMS, CGFENCE_FILE_READ);
	nla_put_string(msg, CGFENCE_RULE_A_FILE_PATH, path);
	if (origin)
		nla_put_string(msg, CGFENCE_RULE_A_ORIGIN, origin);
	nla_nest_end(msg, one);
}

static struct nl_msg *fake_rules_msg(uint64_t generation, int part)
{
	struct nl_msg *msg = nlmsg_alloc();
	struct nlattr *rules;

	genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, 0x42, 0, NLM_F_MULTI, CGFENCE_CMD_RULE_GET,
		    CGFENCE_GENL_VERSION);
	nla_put_string(msg, CGFENCE_A_PROFILE_NAME, "web");
	nla_put_u64(msg, CGFENCE_A_PROFILE_GENERATION, generation);
	rules = nla_nest_start(msg, NLA_F_NESTED | CGFENCE_A_RULES);
	if (!part) {
		fake_rule(msg, 2, "/etc/**", "/etc/cgfence/web.cgf:3:9");
		fake_rule(msg, 5, "/srv/**", NULL);
	} else {
		fake_rule(msg, 9, "/usr/**", "base.cgf:7:2");
	}
	nla_nest_end(msg, rules);
	return msg;
}

static int fake_rule_dump(struct cgf_client *cl, struct nl_msg *req, cgf_nl_handler handler,
			  void *arg)
{
	struct fake_rules *f = (struct fake_rules *)cl;
	struct nl_msg *reply;
	int part, err = 0;

	nlmsg_free(req);
	f->calls++;
	if (f->gone)
		return -ENOENT;
	for (part = 0; part < 2 && !err; part++) {
		reply = fake_rules_msg(f->generation, part);
		err = handler(reply, arg);
		nlmsg_free(reply);
	}
	cl->ack.dump_intr = f->calls <= f->intr_calls;
	return err;
}

static void test_rules_and_origins(void)
{
	struct fake_rules f = { .generation = 4 };
	struct cgf_rule_listing l;
	struct cgf_origins o;
	struct nl_msg *msg;

	cgf_client_init(&f.cl, 0x42, fake_rule_dump);
	tap_is_int(cgf_client_rules(&f.cl, "web", &l), 0, "rules: a dump in two messages");
	tap_ok(l.nr_rules == 3 && l.generation == 4 && l.rules[0].id == 2 &&
	       !strcmp(l.rules[0].path, "/etc/**") && !strcmp(l.rules[0].src_file,
							       "/etc/cgfence/web.cgf") &&
	       l.rules[0].src_line == 3 && l.rules[0].src_col == 9 && !l.rules[1].src_file &&
	       l.rules[2].id == 9 && l.rules[2].src_line == 7,
	       "rules: every rule with its origin, or none");
	cgf_rule_listing_free(&l);
	f.calls = 0;
	f.intr_calls = 1;
	tap_ok(!cgf_client_rules(&f.cl, "web", &l) && f.calls == 2 && l.nr_rules == 3,
	       "rules: NLM_F_DUMP_INTR: read again, only the last round kept");
	cgf_rule_listing_free(&l);
	f.intr_calls = 0;

	/* Messages of one dump must agree on the generation. */
	memset(&l, 0, sizeof(l));
	msg = fake_rules_msg(4, 0);
	tap_is_int(cgf_rule_listing_add(&l, nlmsg_hdr(msg)), 0, "rules: generation 4");
	nlmsg_free(msg);
	msg = fake_rules_msg(5, 1);
	tap_is_int(cgf_rule_listing_add(&l, nlmsg_hdr(msg)), -EBADMSG,
		   "rules: a message of generation 5 in the same dump is malformed");
	nlmsg_free(msg);
	cgf_rule_listing_free(&l);

	f.calls = 0;
	cgf_origins_init(&o, &f.cl);
	tap_is_str(cgf_origins_lookup(&o, "web", 4, 2), "/etc/cgfence/web.cgf:3:9",
		   "origins: rule 2 of generation 4");
	tap_is_str(cgf_origins_lookup(&o, "web", 4, 9), "base.cgf:7:2",
		   "origins: rule 9, from an included file");
	tap_is_int(f.calls, 1, "origins: the rules of a generation are read once");
	tap_ok(!cgf_origins_lookup(&o, "web", 4, 5), "origins: a rule loaded without origin: none");
	tap_ok(!cgf_origins_lookup(&o, "web", 4, 7), "origins: no rule 7: none");
	tap_ok(!cgf_origins_lookup(&o, "web", 4, 0), "origins: rule 0 (the default): none");
	tap_ok(!cgf_origins_lookup(&o, "web", 3, 2) && f.calls == 2,
	       "origins: a record of generation 3, replaced since: none, not today's rule 2");
	tap_ok(!cgf_origins_lookup(&o, "web", 3, 9) && f.calls == 2,
	       "origins: that generation is not asked about twice");
	f.gone = true;
	tap_ok(!cgf_origins_lookup(&o, "web", 6, 2), "origins: profile unloaded: none");
	cgf_origins_free(&o);
}

int main(void)
{
	/* The count of results this program prints; tap_done() checks it. */
	tap_plan(171);
	test_rules_and_origins();
	test_load_unload();
	test_attach_detach();
	test_read_commands();
	test_mode_lock();
	test_usage();
	test_parse_pid();
	test_rows();
	test_render();
	test_dump_retry();
	return tap_done();
}
