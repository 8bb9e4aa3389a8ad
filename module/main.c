// SPDX-License-Identifier: GPL-2.0
/* cgfence module entry: attach the hooks, then open the control plane. */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>

#include <uapi/cgfence.h>

#include "backend.h"
#include "control.h"
#include "events.h"
#include "mount_view.h"
#include "object.h"
#include "pending.h"
#include "store.h"
#include "symbols.h"
#include "verdict_cache.h"

static int __init cgf_init(void)
{
	int err;

	err = cgf_symbols_init() ?: cgf_mount_view_init() ?: cgf_object_init();
	if (err) {
		pr_err("not loaded: cannot set up (see above)\n");
		return err;
	}
	err = cgf_vcache_init();
	if (err) {
		pr_err("not loaded: no memory for the verdict cache\n");
		cgf_object_exit();
		return err;
	}
	err = cgf_events_init();
	if (err) {
		cgf_vcache_exit();
		cgf_object_exit();
		return err;
	}

	err = cgf_pending_init();
	if (err) {
		pr_err("not loaded: cannot follow forks and task ends (see above)\n");
		cgf_events_exit();
		cgf_vcache_exit();
		cgf_object_exit();
		return err;
	}

	err = cgf_backend_attach();
	if (err) {
		pr_err("not loaded: a hook could not be attached (see above)\n");
		cgf_pending_exit();
		cgf_events_exit();
		cgf_vcache_exit();
		cgf_object_exit();
		return err;
	}

	err = cgf_control_init();
	if (err) {
		pr_err("not loaded: cannot register generic netlink family %s: %d\n",
		       CGFENCE_GENL_NAME, err);
		cgf_backend_detach();
		cgf_pending_exit();
		cgf_events_exit();
		cgf_vcache_exit();
		cgf_object_exit();
		return err;
	}

	pr_info("version %s loaded, %u of %u hooks attached (ftrace)\n",
		CGFENCE_VERSION, cgf_backend_hooks_attached(), cgf_backend_hooks_total());
	return 0;
}

static void __exit cgf_exit(void)
{
	/* No hook runs after detach, so no record is queued once events stop. */
	cgf_backend_detach();
	cgf_pending_exit();
	cgf_events_exit();
	cgf_control_exit();
	cgf_store_exit();
	cgf_vcache_exit();
	cgf_object_exit();
	pr_info("unloaded, all hooks detached\n");
}

module_init(cgf_init);
module_exit(cgf_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("cgfence: per-container file, mount and device confinement by cgroup");
MODULE_VERSION(CGFENCE_VERSION);
