// SPDX-License-Identifier: GPL-2.0
/* cgfence loadable backend: reach the kernel's security_* functions through ftrace. */

#include <linux/errno.h>
#include <linux/ftrace.h>
#include <linux/kernel.h>
#include <linux/ptrace.h>
#include <linux/string.h>
#include <linux/trace_recursion.h>

#include <uapi/cgfence.h>

#include "cgfence.h"

/*
 * How it works: each hooked security_*() gets an IPMODIFY ftrace_ops. The callback
 * runs at the function's entry with its arguments in registers, asks the cgfence hook
 * for a verdict and, only to deny, points the return of the ftrace trampoline at a
 * stub that returns the errno in place of the function. On allow the kernel's own
 * function (and every other LSM) runs untouched. Module text never calls the original,
 * so there is no recursion through ftrace, and once unregister_ftrace_function() has
 * returned no CPU can still enter our text: rmmod is safe.
 */

/*
 * Deny stubs stand in for an int-returning security_*() whose arguments they ignore,
 * which the x86-64 calling convention allows. One stub per errno that hooks return.
 */
static noinline notrace int cgf_deny_eacces(void)
{
	return -EACCES;
}

static noinline notrace int cgf_deny_eperm(void)
{
	return -EPERM;
}

/* Argument N of the traced call, as ftrace saved it (WITH_ARGS saves the argument registers). */
static unsigned long cgf_arg(struct ftrace_regs *fregs, unsigned int n)
{
	return regs_get_kernel_argument(&fregs->regs, n);
}

static int cgf_decide_file_open(struct ftrace_regs *fregs)
{
	return cgf_hook_file_open((struct file *)cgf_arg(fregs, 0));
}

struct cgf_ftrace_hook {
	const char *symbol;
	int (*decide)(struct ftrace_regs *fregs);
	struct ftrace_ops ops;
	bool attached;
};

#define CGF_HOOK(name) { .symbol = "security_" #name, .decide = cgf_decide_##name }

static struct cgf_ftrace_hook cgf_hooks[] = {
	CGF_HOOK(file_open),
};

static void notrace cgf_ftrace_thunk(unsigned long ip, unsigned long parent_ip,
				     struct ftrace_ops *ops, struct ftrace_regs *fregs)
{
	struct cgf_ftrace_hook *hook = container_of(ops, struct cgf_ftrace_hook, ops);
	unsigned long deny_stub;
	int bit, err;

	/*
	 * Recursion in the same context means a hook re-entered a hooked function; we
	 * cannot decide safely, and an undecided request must not pass.
	 */
	bit = ftrace_test_recursion_trylock(ip, parent_ip);
	if (bit < 0) {
		ftrace_instruction_pointer_set(fregs, (unsigned long)cgf_deny_eperm);
		return;
	}

	err = hook->decide(fregs);
	if (err) {
		/* Any errno a hook has no stub for still denies: fail closed. */
		deny_stub = err == -EACCES ? (unsigned long)cgf_deny_eacces :
					     (unsigned long)cgf_deny_eperm;
		ftrace_instruction_pointer_set(fregs, deny_stub);
	}
	ftrace_test_recursion_unlock(bit);
}

static const char *cgf_attach_error_reason(int err)
{
	switch (err) {
	case -EINVAL:
		return "the function is not in this kernel or is not traceable";
	case -EBUSY:
		return "another ftrace user already redirects it (livepatch or another module), or kernel.ftrace_enabled is 0";
	case -ENODEV:
		return "ftrace is disabled in this kernel";
	case -ENOMEM:
		return "out of memory";
	default:
		return "unexpected ftrace error";
	}
}

static int cgf_attach_one(struct cgf_ftrace_hook *hook)
{
	int err;

	hook->ops.func = cgf_ftrace_thunk;
	/*
	 * PERMANENT: with our ops registered, sysctl kernel.ftrace_enabled=0 fails with
	 * EBUSY instead of silently switching enforcement off.
	 */
	hook->ops.flags = FTRACE_OPS_FL_IPMODIFY | FTRACE_OPS_FL_PERMANENT;

	err = ftrace_set_filter(&hook->ops, (unsigned char *)hook->symbol,
				strlen(hook->symbol), 0);
	if (err) {
		pr_err(CGF_LOG_PREFIX "cannot attach hook %s: ftrace_set_filter: %d: %s\n",
		       hook->symbol, err, cgf_attach_error_reason(err));
		return err;
	}

	err = register_ftrace_function(&hook->ops);
	if (err) {
		pr_err(CGF_LOG_PREFIX "cannot attach hook %s: register_ftrace_function: %d: %s\n",
		       hook->symbol, err, cgf_attach_error_reason(err));
		ftrace_free_filter(&hook->ops);
		return err;
	}
	hook->attached = true;
	return 0;
}

static void cgf_detach_one(struct cgf_ftrace_hook *hook)
{
	int err;

	if (!hook->attached)
		return;
	err = unregister_ftrace_function(&hook->ops);
	if (err)
		pr_err(CGF_LOG_PREFIX "cannot detach hook %s: %d\n", hook->symbol, err);
	ftrace_free_filter(&hook->ops);
	hook->attached = false;
}

/* All hooks or none: a half-attached module would enforce a policy nobody wrote. */
int cgf_backend_attach(void)
{
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(cgf_hooks); i++) {
		err = cgf_attach_one(&cgf_hooks[i]);
		if (err) {
			cgf_backend_detach();
			return err;
		}
	}
	return 0;
}

void cgf_backend_detach(void)
{
	unsigned int i;

	for (i = ARRAY_SIZE(cgf_hooks); i-- > 0;)
		cgf_detach_one(&cgf_hooks[i]);
}

unsigned int cgf_backend_hooks_attached(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < ARRAY_SIZE(cgf_hooks); i++)
		n += cgf_hooks[i].attached;
	return n;
}

unsigned int cgf_backend_hooks_total(void)
{
	return ARRAY_SIZE(cgf_hooks);
}

u32 cgf_backend_kind(void)
{
	return CGFENCE_BACKEND_FTRACE;
}
