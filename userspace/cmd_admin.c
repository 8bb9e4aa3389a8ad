// SPDX-License-Identifier: GPL-2.0
/* The commands that change the module's policy one step at a time: unload, attach, detach, ... */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgfence.h"
#include "cgroup.h"
#include "cli.h"
#include "client.h"
#include "cmd_admin.h"
#include "output.h"

int cgf_check_load(const struct cgf_inv *inv, char *err, size_t len)
{
	if (cgf_opt_set(inv, CGF_OPT_PROFILE))
		return cgf_check_profile_arg(inv->optval[CGF_OPT_PROFILE], err, len);
	return 0;
}

int cgf_check_name(const struct cgf_inv *inv, char *err, size_t len)
{
	return cgf_check_profile_arg(inv->argv[0], err, len);
}

/* CGROUP_PATH or --pid PID, exactly one, as the @first positional argument. */
static int check_cgroup_arg(const struct cgf_inv *inv, int first, char *err, size_t len)
{
	bool path = inv->argc > first;
	pid_t pid;

	if (cgf_opt_set(inv, CGF_OPT_PID)) {
		if (path) {
			snprintf(err, len, "give CGROUP_PATH or --pid PID, not both");
			return -1;
		}
		if (cgf_parse_pid(inv->optval[CGF_OPT_PID], &pid)) {
			snprintf(err, len,
				 "invalid PID '%.32s': a positive decimal number is needed",
				 inv->optval[CGF_OPT_PID]);
			return -1;
		}
		return 0;
	}
	if (!path) {
		snprintf(err, len, "missing CGROUP_PATH (or --pid PID)");
		return -1;
	}
	return 0;
}

int cgf_check_attach(const struct cgf_inv *inv, char *err, size_t len)
{
	return cgf_check_profile_arg(inv->argv[0], err, len) ?: check_cgroup_arg(inv, 1, err, len);
}

int cgf_check_detach(const struct cgf_inv *inv, char *err, size_t len)
{
	return check_cgroup_arg(inv, 0, err, len);
}

static int mode_value(const char *s)
{
	if (!strcmp(s, "enforce"))
		return CGFENCE_MODE_ENFORCE;
	if (!strcmp(s, "complain"))
		return CGFENCE_MODE_COMPLAIN;
	return -1;
}

int cgf_check_mode(const struct cgf_inv *inv, char *err, size_t len)
{
	if (cgf_check_profile_arg(inv->argv[0], err, len))
		return -1;
	if (mode_value(inv->argv[1]) < 0) {
		snprintf(err, len, "unknown mode '%.32s': enforce or complain", inv->argv[1]);
		return -1;
	}
	return 0;
}

int cgf_check_lock(const struct cgf_inv *inv, char *err, size_t len)
{
	if (cgf_opt_set(inv, CGF_OPT_YES))
		return 0;
	snprintf(err, len,
		 "locking cannot be undone until reboot; run 'cgfence lock --yes' to lock");
	return -1;
}

int cgf_report_change(struct cgf_client *cl, const char *what, int err, const char *errmsg)
{
	char words[CGF_ERRMSG_MAX];
	struct cgf_status st;

	if (err != -EPERM)
		return cgf_report(what, err, errmsg);
	/* The status request answers on @cl too: keep what the refusal said. */
	snprintf(words, sizeof(words), "%s", errmsg);
	if (!cgf_client_status(cl, &st) && st.locked) {
		cgf_err("%s: policy is locked until reboot: nothing can be changed\n", what);
		return CGF_EXIT_FAIL;
	}
	return cgf_report(what, err, words);
}

/*
 * Opens a connection, makes the change @fn asks for and returns the exit status with
 * any failure reported, except the refusals the caller puts in its own words: the
 * module's answer is then in *@err (ENOENT or EBUSY) and @ack.
 */
static int change(const char *what, int (*fn)(struct cgf_client *cl, const void *arg),
		  const void *arg, struct cgf_nl_ack *ack, int *err)
{
	struct cgf_client cl;
	int rc;

	*err = 0;
	rc = cgf_connect(&cl);
	if (rc)
		return rc;
	*err = fn(&cl, arg);
	if (*err && *err != -ENOENT && *err != -EBUSY)
		rc = cgf_report_change(&cl, what, *err, cl.ack.msg);
	*ack = cl.ack;
	cgf_client_close(&cl);
	return rc;
}

struct name_req {
	const char *name;
	bool force;
	uint8_t mode;
};

static int do_unload(struct cgf_client *cl, const void *arg)
{
	const struct name_req *r = arg;

	return cgf_client_unload(cl, r->name, r->force);
}

int cgf_cmd_unload(const struct cgf_inv *inv)
{
	struct name_req r = { .name = inv->argv[0], .force = cgf_opt_set(inv, CGF_OPT_FORCE) };
	struct cgf_nl_ack ack;
	int err, rc;

	rc = change("unload", do_unload, &r, &ack, &err);
	if (rc)
		return rc;
	if (err == -ENOENT) {
		cgf_err("unload: no profile %s is loaded\n", r.name);
		return CGF_EXIT_FAIL;
	}
	if (err == -EBUSY) {
		cgf_err("unload: profile %s is attached to cgroups; detach them first, or use --force to detach them and unload it\n",
			r.name);
		return CGF_EXIT_FAIL;
	}
	printf("unloaded profile %s\n", r.name);
	return CGF_EXIT_OK;
}

static int do_mode(struct cgf_client *cl, const void *arg)
{
	const struct name_req *r = arg;

	return cgf_client_set_mode(cl, r->name, r->mode);
}

int cgf_cmd_mode(const struct cgf_inv *inv)
{
	struct name_req r = { .name = inv->argv[0], .mode = (uint8_t)mode_value(inv->argv[1]) };
	struct cgf_nl_ack ack;
	int err, rc;

	rc = change("mode", do_mode, &r, &ack, &err);
	if (rc)
		return rc;
	if (err) {
		if (err == -ENOENT)
			cgf_err("mode: no profile %s is loaded\n", r.name);
		else
			cgf_report("mode", err, ack.msg);
		return CGF_EXIT_FAIL;
	}
	printf("profile %s is now in %s mode\n", r.name, inv->argv[1]);
	return CGF_EXIT_OK;
}

struct cgroup_req {
	const char *name;	/* NULL for detach */
	unsigned int flags;	/* CGF_ATTACH_* */
	struct cgf_cgroup cg;
};

static int do_cgroup(struct cgf_client *cl, const void *arg)
{
	const struct cgroup_req *r = arg;

	return r->name ? cgf_client_attach(cl, r->name, r->cg.id, r->flags) :
	       cgf_client_detach(cl, r->cg.id);
}

/* The cgroup directory that CGROUP_PATH (positional argument @arg) or --pid names. */
static int resolve_cgroup(const struct cgf_inv *inv, const char *what, int arg, bool attach,
			  struct cgf_cgroup *cg)
{
	char mount[PATH_MAX], err[CGF_CGROUP_ERR_MAX];
	pid_t pid;
	int rc;

	cgf_cgroup2_mount(mount, sizeof(mount));
	if (cgf_opt_set(inv, CGF_OPT_PID)) {
		cgf_parse_pid(inv->optval[CGF_OPT_PID], &pid);
		rc = cgf_cgroup_resolve_pid(mount, "/proc", pid, cg, err, sizeof(err));
	} else {
		rc = cgf_cgroup_resolve_path(mount, inv->argv[arg], cg, err, sizeof(err));
	}
	if (rc) {
		cgf_err("%s: ", what);
		cgf_plain_string(stderr, err);
		fputc('\n', stderr);
		return CGF_EXIT_FAIL;
	}
	/* A confined task may not manage policy: attaching our own cgroup locks us out. */
	if (attach && cgf_cgroup_holds_pid(mount, "/proc", getpid(), cg) == 1) {
		cgf_err("attach: refusing to attach to %s: this cgfence process runs in that cgroup or below it, and a confined task cannot change policy; run cgfence from outside it\n",
			cg->path);
		return CGF_EXIT_FAIL;
	}
	return CGF_EXIT_OK;
}

int cgf_cmd_attach(const struct cgf_inv *inv)
{
	struct cgroup_req r = { .name = inv->argv[0] };
	struct cgf_nl_ack ack;
	int err = 0, rc;

	if (cgf_opt_set(inv, CGF_OPT_ON_EXEC))
		r.flags |= CGF_ATTACH_ON_EXEC;
	rc = resolve_cgroup(inv, "attach", 1, true, &r.cg) ?:
	     change("attach", do_cgroup, &r, &ack, &err);
	if (rc)
		return rc;
	if (err) {
		/* ENOENT means no such profile or no such cgroup: the module's words say which. */
		cgf_report("attach", err, ack.msg);
		return CGF_EXIT_FAIL;
	}
	printf("attached profile %s to ", r.name);
	cgf_plain_string(stdout, r.cg.path);
	printf(" (id %llu)%s\n", (unsigned long long)r.cg.id,
	       (r.flags & CGF_ATTACH_ON_EXEC) ? ", on exec" : "");
	return CGF_EXIT_OK;
}

int cgf_cmd_detach(const struct cgf_inv *inv)
{
	struct cgroup_req r = { .name = NULL };
	struct cgf_nl_ack ack;
	int err = 0, rc;

	rc = resolve_cgroup(inv, "detach", 0, false, &r.cg) ?:
	     change("detach", do_cgroup, &r, &ack, &err);
	if (rc)
		return rc;
	if (err) {
		if (err == -ENOENT) {
			cgf_err("detach: no profile is attached to ");
			cgf_plain_string(stderr, r.cg.path);
			fprintf(stderr, " (id %llu)\n", (unsigned long long)r.cg.id);
		} else {
			cgf_report("detach", err, ack.msg);
		}
		return CGF_EXIT_FAIL;
	}
	printf("detached ");
	cgf_plain_string(stdout, r.cg.path);
	printf(" (id %llu)\n", (unsigned long long)r.cg.id);
	return CGF_EXIT_OK;
}

static int do_lock(struct cgf_client *cl, const void *arg)
{
	(void)arg;
	return cgf_client_lock(cl);
}

int cgf_cmd_lock(const struct cgf_inv *inv)
{
	struct cgf_nl_ack ack;
	int err = 0, rc;

	(void)inv;
	rc = change("lock", do_lock, NULL, &ack, &err);
	if (rc)
		return rc;
	if (err)
		return cgf_report("lock", err, ack.msg);
	printf("policy locked until reboot\n");
	return CGF_EXIT_OK;
}
