// SPDX-License-Identifier: GPL-2.0
/* e2e: ftrace_enabled=0 cannot switch cgfence's hooks off, and cgfence does not load under it. */

#include <errno.h>
#include <string.h>

#include "e2e.h"
#include "tap.h"

#define HOOKED "security_file_open"

static int expect_sysctl(const char *want)
{
	char val[16];
	int err;

	err = read_file(FTRACE_ENABLED, val, sizeof(val));
	if (err)
		return tap_fail("read %s: %s", FTRACE_ENABLED, errname(err));
	if (strcmp(val, want))
		return tap_fail("%s reads \"%s\", want \"%s\"", FTRACE_ENABLED, val, want);
	return 0;
}

/* @want_traced: the hooked function must (or must not) be redirected with IPMODIFY. */
static int expect_traced(bool want_traced)
{
	bool ipmodify;
	int ret;

	ret = ftrace_traced(HOOKED, &ipmodify);
	if (ret < 0)
		return tap_fail("read %s: %s", ENABLED_FUNCTIONS, errname(ret));
	if (want_traced && !(ret && ipmodify))
		return tap_fail("%s is %s in %s, want it traced with flag I", HOOKED,
				ret ? "traced without IPMODIFY" : "absent", ENABLED_FUNCTIONS);
	if (!want_traced && ret)
		return tap_fail("%s is still in %s", HOOKED, ENABLED_FUNCTIONS);
	return 0;
}

static int case_disable_unloaded(void *arg)
{
	(void)arg;
	if (expect_err("write 0 to ftrace_enabled", write_file(FTRACE_ENABLED, "0\n"), 0))
		return -1;
	return expect_sysctl("0");
}

/* Fail closed: without ftrace there are no hooks, and a module without hooks must not load. */
static int case_load_while_disabled(void *arg)
{
	int err;

	(void)arg;
	if (expect_sysctl("0"))
		return -1;
	/* The refusal names the hook it could not attach: an expected error line. */
	if (expect_err("mark the kernel log", write_file("/dev/kmsg", KLOG_EXPECT_ERRORS_BEGIN), 0))
		return -1;
	err = cgf_load();
	if (expect_err("mark the kernel log", write_file("/dev/kmsg", KLOG_EXPECT_ERRORS_END), 0) ||
	    expect_err("finit_module with ftrace_enabled=0", err, -EBUSY))
		return -1;
	if (cgf_loaded())
		return tap_fail("/sys/module/cgfence exists after a refused load");
	return expect_traced(false);
}

static int case_enable_and_load(void *arg)
{
	(void)arg;
	if (expect_err("write 1 to ftrace_enabled", write_file(FTRACE_ENABLED, "1\n"), 0) ||
	    expect_sysctl("1"))
		return -1;
	if (expect_err("finit_module(cgfence.ko)", cgf_load(), 0))
		return -1;
	return expect_traced(true);
}

static int case_disable_refused(void *arg)
{
	(void)arg;
	if (expect_err("write 0 to ftrace_enabled", write_file(FTRACE_ENABLED, "0\n"), -EBUSY))
		return -1;
	return expect_sysctl("1");
}

static int case_still_enforcing(void *arg)
{
	struct cgf_status st;

	(void)arg;
	if (expect_err("STATUS", cgf_status_query(&st), 0))
		return -1;
	if (st.hooks_total < 1 || st.hooks_attached != st.hooks_total)
		return tap_fail("hooks %u of %u attached", st.hooks_attached, st.hooks_total);
	return expect_traced(true);
}

static int case_unload(void *arg)
{
	(void)arg;
	if (expect_err("delete_module(cgfence)", cgf_unload(), 0))
		return -1;
	return expect_traced(false);
}

/* The control for the refusal: with cgfence gone the same write goes through. */
static int case_disable_after_unload(void *arg)
{
	(void)arg;
	if (expect_err("write 0 to ftrace_enabled", write_file(FTRACE_ENABLED, "0\n"), 0) ||
	    expect_sysctl("0"))
		return -1;
	if (expect_err("write 1 to ftrace_enabled", write_file(FTRACE_ENABLED, "1\n"), 0))
		return -1;
	return expect_sysctl("1");
}

int main(int argc, char **argv)
{
	tap_init(argc, argv);
	tap_plan(7);
	tap_case("without cgfence: ftrace_enabled=0 is accepted (control)",
		 case_disable_unloaded, NULL);
	tap_case("insmod while ftrace_enabled=0: EBUSY, module absent, nothing traced",
		 case_load_while_disabled, NULL);
	tap_case("ftrace_enabled=1, insmod: security_file_open traced with IPMODIFY",
		 case_enable_and_load, NULL);
	tap_case("with cgfence: writing 0 to ftrace_enabled fails with EBUSY, value stays 1",
		 case_disable_refused, NULL);
	tap_case("after the refused write: STATUS shows all hooks attached, still traced",
		 case_still_enforcing, NULL);
	tap_case("rmmod: security_file_open no longer traced", case_unload, NULL);
	tap_case("after rmmod: ftrace_enabled=0 is accepted again, then back to 1",
		 case_disable_after_unload, NULL);
	return tap_done();
}
