// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the boot policy's file, /etc/cgfence/cgfence.conf: entries, errors, positions. */

#include <errno.h>
#include <string.h>

#include "boot_conf.h"
#include "tap.h"

static void test_valid(void)
{
	struct cgf_boot_conf c;
	char err[CGF_BOOT_ERR_MAX];

	tap_is_int(cgf_boot_conf_parse("f", "# boot\n\nload = /a/*.cgf\n  load=/b.cgf  \n"
				       "attach = web system.slice/my web.scope\n"
				       "attach_on_exec =\tdb\t/sys/fs/cgroup/db\nlock = yes\n",
				       &c, err, sizeof(err)), 0, "valid: parses");
	tap_is_int(c.nr_loads, 2, "valid: two loads");
	tap_ok(c.nr_loads == 2 && !strcmp(c.loads[0].pattern, "/a/*.cgf") &&
	       !strcmp(c.loads[1].pattern, "/b.cgf"), "valid: loads in order, blanks trimmed");
	tap_ok(c.nr_loads == 2 && c.loads[1].site.line == 4 && c.loads[1].site.col == 8,
	       "valid: a load's site is its value (4:8)");
	tap_is_int(c.nr_attachments, 2, "valid: two attachments");
	tap_ok(c.nr_attachments == 2 && !strcmp(c.attachments[0].profile, "web") &&
	       !strcmp(c.attachments[0].cgroup, "system.slice/my web.scope") &&
	       !c.attachments[0].on_exec, "valid: attach: the cgroup is the rest of the line");
	tap_ok(c.nr_attachments == 2 && !strcmp(c.attachments[1].profile, "db") &&
	       !strcmp(c.attachments[1].cgroup, "/sys/fs/cgroup/db") && c.attachments[1].on_exec,
	       "valid: attach_on_exec: tabs separate, on exec");
	tap_ok(c.lock, "valid: lock yes");
	cgf_boot_conf_free(&c);
	tap_is_int(cgf_boot_conf_parse("f", "", &c, err, sizeof(err)), 0, "empty: parses");
	tap_ok(!c.nr_loads && !c.nr_attachments && !c.lock, "empty: nothing, no lock");
	cgf_boot_conf_free(&c);
	tap_is_int(cgf_boot_conf_parse("f", "lock = no\r\n", &c, err, sizeof(err)), 0,
		   "CRLF: parses");
	tap_ok(!c.lock, "CRLF: lock no");
	cgf_boot_conf_free(&c);
}

static void test_invalid(void)
{
	static const struct {
		const char *text, *err;
	} bad[] = {
		{ "load /a.cgf\n", "/e/c.conf:1:6: expected \"key = value\"" },
		{ "\n\n  colour = red\n",
		  "/e/c.conf:3:3: unknown key \"colour\" (load, attach, attach_on_exec, lock)" },
		{ "lock = maybe\n", "/e/c.conf:1:8: lock is yes or no" },
		{ "load =\n", "/e/c.conf:1:7: load has no value" },
		{ "attach = web\n", "/e/c.conf:1:10: expected \"attach = PROFILE CGROUP\"" },
		{ "attach_on_exec = web   \n",
		  "/e/c.conf:1:18: expected \"attach_on_exec = PROFILE CGROUP\"" },
		{ "attach = a/b /x\n", "/e/c.conf:1:10: invalid profile name 'a/b'" },
		{ "= x\n", "/e/c.conf:1:1: expected \"key = value\"" },
	};
	struct cgf_boot_conf c;
	char err[CGF_BOOT_ERR_MAX];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		tap_is_int(cgf_boot_conf_parse("/e/c.conf", bad[i].text, &c, err, sizeof(err)),
			   -EINVAL, "invalid: refused: %s", bad[i].err);
		tap_ok(!strncmp(err, bad[i].err, strlen(bad[i].err)), "invalid: ... says %s", err);
		tap_ok(!c.nr_loads && !c.nr_attachments && !c.loads && !c.attachments,
		       "invalid: ... and leaves nothing behind");
	}
	/* An error after good entries still leaves nothing: the file is taken whole or not at all. */
	tap_is_int(cgf_boot_conf_parse("f", "load = /a.cgf\nattach = w /x\nlock = 1\n", &c, err,
				       sizeof(err)), -EINVAL, "invalid: a late error refused");
	tap_ok(!c.nr_loads && !c.nr_attachments, "invalid: ... earlier entries dropped");
}

static void test_pattern(void)
{
	tap_ok(cgf_boot_is_pattern("/etc/cgfence/profiles/*.cgf"), "pattern: * is a glob");
	tap_ok(cgf_boot_is_pattern("/p/web?.cgf") && cgf_boot_is_pattern("/p/[ab].cgf"),
	       "pattern: ? and [ are globs");
	tap_ok(!cgf_boot_is_pattern("/usr/share/cgfence/policy/restricted.cgf"),
	       "pattern: a plain path is not");
}

int main(void)
{
	tap_plan(12 + 8 * 3 + 2 + 3);
	test_valid();
	test_invalid();
	test_pattern();
	return tap_done();
}
