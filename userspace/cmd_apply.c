// SPDX-License-Identifier: GPL-2.0
/* The apply command: bring the module to the host's boot policy (/etc/cgfence/cgfence.conf). */
#include <errno.h>
#include <glob.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "boot_conf.h"
#include "cgroup.h"
#include "cli.h"
#include "client.h"
#include "cmd_admin.h"
#include "conf.h"
#include "output.h"
#include "policy.h"

/* A configuration file is small; this only stops a wrong path from reading a disk image. */
#define CGF_BOOT_MAX_INPUT	(1024 * 1024)

/* Everything the file names, read and checked before the kernel is asked anything. */
struct boot_plan {
	const char *path;
	struct cgf_boot_conf conf;
	struct cgf_policy *pols;
	int nr_pols;
	struct cgf_cgroup *cgroups;	/* one per conf.attachments */
};

static void plan_free(struct boot_plan *plan)
{
	int i;

	for (i = 0; i < plan->nr_pols; i++)
		cgf_policy_free(&plan->pols[i]);
	free(plan->pols);
	free(plan->cgroups);
	cgf_boot_conf_free(&plan->conf);
}

__printf(3, 4)
static int site_err(const struct boot_plan *plan, const struct cgf_boot_site *site,
		    const char *fmt, ...)
{
	char msg[CGF_BOOT_ERR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cgf_safe_text(stderr, plan->path);
	fprintf(stderr, ":%u:%u: ", site->line, site->col);
	cgf_safe_text(stderr, msg);
	fputc('\n', stderr);
	return -1;
}

static int add_file(struct boot_plan *plan, const char *file)
{
	char err[CGF_POLICY_ERR_MAX];
	struct cgf_policy *pols;

	pols = realloc(plan->pols, (plan->nr_pols + 1) * sizeof(*pols));
	if (!pols)
		return -ENOMEM;
	plan->pols = pols;
	if (cgf_policy_parse_file(file, &pols[plan->nr_pols], err, sizeof(err))) {
		cgf_safe_text(stderr, err);
		fputc('\n', stderr);
		return -EINVAL;
	}
	plan->nr_pols++;
	return 0;
}

/* A directory that is not there matches nothing; one that cannot be read is an error. */
static int glob_error(const char *path, int err)
{
	(void)path;
	return err != ENOENT && err != ENOTDIR;
}

/* Every file of the load entries, in order; a pattern matching nothing adds nothing. */
static int parse_files(struct boot_plan *plan)
{
	const struct cgf_boot_load *load;
	int rc = 0, grc;
	size_t i, k;
	glob_t g;

	for (i = 0; i < plan->conf.nr_loads && !rc; i++) {
		load = &plan->conf.loads[i];
		if (!cgf_boot_is_pattern(load->pattern)) {
			if (access(load->pattern, F_OK))
				return site_err(plan, &load->site, "cannot load %s: %s",
						load->pattern, strerror(errno));
			rc = add_file(plan, load->pattern);
			continue;
		}
		grc = glob(load->pattern, 0, glob_error, &g);
		if (grc == GLOB_NOMATCH)
			continue;
		if (grc)
			return site_err(plan, &load->site, "cannot expand %s: %s", load->pattern,
					grc == GLOB_NOSPACE ? "out of memory" : "a directory cannot be read");
		for (k = 0; k < g.gl_pathc && !rc; k++)
			rc = add_file(plan, g.gl_pathv[k]);
		globfree(&g);
	}
	if (rc == -ENOMEM)
		cgf_err("apply: out of memory\n");
	return rc;
}

static bool plan_defines(const struct boot_plan *plan, const char *name)
{
	size_t k;
	int i;

	for (i = 0; i < plan->nr_pols; i++)
		for (k = 0; k < plan->pols[i].nr_profiles; k++)
			if (!strcmp(plan->pols[i].profiles[k].name, name))
				return true;
	return false;
}

/* Each attachment names a profile of the files and a cgroup that exists, outside our own. */
static int check_attachments(struct boot_plan *plan)
{
	char mount[PATH_MAX], err[CGF_CGROUP_ERR_MAX];
	const struct cgf_boot_attach *a;
	size_t i, j;

	plan->cgroups = calloc(plan->conf.nr_attachments ?: 1, sizeof(*plan->cgroups));
	if (!plan->cgroups) {
		cgf_err("apply: out of memory\n");
		return -ENOMEM;
	}
	cgf_cgroup2_mount(mount, sizeof(mount));
	for (i = 0; i < plan->conf.nr_attachments; i++) {
		a = &plan->conf.attachments[i];
		if (!plan_defines(plan, a->profile))
			return site_err(plan, &a->site,
					"profile %s is defined in none of the files loaded", a->profile);
		if (cgf_cgroup_resolve_path(mount, a->cgroup, &plan->cgroups[i], err, sizeof(err)))
			return site_err(plan, &a->site, "%s", err);
		if (cgf_cgroup_holds_pid(mount, "/proc", getpid(), &plan->cgroups[i]) == 1)
			return site_err(plan, &a->site,
					"%s holds this cgfence process, which would confine it",
					plan->cgroups[i].path);
		for (j = 0; j < i; j++)
			if (plan->cgroups[j].id == plan->cgroups[i].id)
				return site_err(plan, &a->site, "%s is attached twice in this file",
						plan->cgroups[i].path);
	}
	return 0;
}

/* Reads, parses and checks everything; returns the exit status, errors reported. */
static int plan_read(struct boot_plan *plan)
{
	char err[CGF_BOOT_ERR_MAX];
	size_t len;
	char *text;
	int rc;

	text = cgf_read_path(plan->path, CGF_BOOT_MAX_INPUT, &len);
	if (!text) {
		cgf_err("apply: cannot read ");
		cgf_safe_text(stderr, plan->path);
		fprintf(stderr, ": %s\n", strerror(errno));
		return CGF_EXIT_FAIL;
	}
	if (strlen(text) != len) {
		snprintf(err, sizeof(err), "%s: holds a NUL byte", plan->path);
		rc = -EINVAL;
	} else {
		rc = cgf_boot_conf_parse(plan->path, text, &plan->conf, err, sizeof(err));
	}
	free(text);
	if (rc) {
		cgf_safe_text(stderr, err);
		fputc('\n', stderr);
		return rc == -ENOMEM ? CGF_EXIT_FAIL : CGF_EXIT_POLICY;
	}
	rc = parse_files(plan);
	if (!rc && cgf_policy_check_duplicates(plan->pols, plan->nr_pols))
		rc = -EINVAL;
	if (rc)
		return rc == -ENOMEM ? CGF_EXIT_FAIL : CGF_EXIT_POLICY;
	rc = check_attachments(plan);
	if (rc)
		return rc == -ENOMEM ? CGF_EXIT_FAIL : CGF_EXIT_POLICY;
	return CGF_EXIT_OK;
}

static const struct cgf_profile_row *find_profile(const struct cgf_listing *l, const char *name)
{
	size_t i;

	for (i = 0; i < l->nr_profiles; i++)
		if (!strcmp(l->profiles[i].name, name))
			return &l->profiles[i];
	return NULL;
}

static const struct cgf_attach_row *find_attachment(const struct cgf_listing *l, uint64_t id)
{
	size_t i;

	for (i = 0; i < l->nr_attachments; i++)
		if (l->attachments[i].cgroup_id == id)
			return &l->attachments[i];
	return NULL;
}

static bool attachment_in_force(const struct cgf_attach_row *row, const struct cgf_boot_attach *a)
{
	return row && !strcmp(row->profile, a->profile) && row->on_exec == a->on_exec;
}

/* --verify: changes nothing; every difference from the file is one line on stderr. */
static int verify(const struct boot_plan *plan, const struct cgf_status *st,
		  const struct cgf_listing *l)
{
	const struct cgf_boot_attach *a;
	int missing = 0;
	size_t i, k;
	int p;

	for (p = 0; p < plan->nr_pols; p++)
		for (k = 0; k < plan->pols[p].nr_profiles; k++)
			if (!find_profile(l, plan->pols[p].profiles[k].name)) {
				cgf_err("apply --verify: profile %s is not loaded\n",
					plan->pols[p].profiles[k].name);
				missing++;
			}
	for (i = 0; i < plan->conf.nr_attachments; i++) {
		a = &plan->conf.attachments[i];
		if (attachment_in_force(find_attachment(l, plan->cgroups[i].id), a))
			continue;
		cgf_err("apply --verify: %s is not attached to profile %s%s\n",
			plan->cgroups[i].path, a->profile, a->on_exec ? " on exec" : "");
		missing++;
	}
	if (plan->conf.lock && !st->locked) {
		cgf_err("apply --verify: the policy is not locked\n");
		missing++;
	}
	if (missing)
		return CGF_EXIT_FAIL;
	printf("the policy of %s is in force\n", plan->path);
	return CGF_EXIT_OK;
}

static int load_all(struct cgf_client *cl, const struct boot_plan *plan,
		    const struct cgf_status *st, const struct cgf_listing *l)
{
	const struct cgf_policy_profile *prof;
	int p, rc;
	size_t k;

	for (p = 0; p < plan->nr_pols; p++) {
		for (k = 0; k < plan->pols[p].nr_profiles; k++) {
			prof = &plan->pols[p].profiles[k];
			/* Locked: what is loaded stays as it is until reboot; what is not, cannot be. */
			if (st->locked && find_profile(l, prof->name))
				continue;
			if (st->locked) {
				cgf_err("apply: profile %s is not loaded and the policy is locked until reboot\n",
					prof->name);
				return CGF_EXIT_FAIL;
			}
			rc = cgf_load_profile(cl, prof);
			if (rc)
				return rc;
		}
	}
	if (st->locked)
		printf("the policy is locked: loaded profiles stay as they are until reboot\n");
	return CGF_EXIT_OK;
}

static int attach_all(struct cgf_client *cl, const struct boot_plan *plan,
		      const struct cgf_listing *l)
{
	const struct cgf_boot_attach *a;
	const struct cgf_cgroup *cg;
	char what[PATH_MAX + CGFENCE_MAX_NAME + 32];
	size_t i;
	int err;

	for (i = 0; i < plan->conf.nr_attachments; i++) {
		a = &plan->conf.attachments[i];
		cg = &plan->cgroups[i];
		if (attachment_in_force(find_attachment(l, cg->id), a))
			continue;
		err = cgf_client_attach(cl, a->profile, cg->id, a->on_exec ? CGF_ATTACH_ON_EXEC : 0);
		if (err) {
			snprintf(what, sizeof(what), "apply: attach %s to %s", a->profile, cg->path);
			return cgf_report_change(cl, what, err, cl->ack.msg);
		}
		printf("attached profile %s to ", a->profile);
		cgf_plain_string(stdout, cg->path);
		printf(" (id %llu)%s\n", (unsigned long long)cg->id,
		       a->on_exec ? ", on exec" : "");
	}
	return CGF_EXIT_OK;
}

static int apply(struct cgf_client *cl, const struct boot_plan *plan,
		 const struct cgf_status *st, const struct cgf_listing *l)
{
	int rc, err;

	rc = load_all(cl, plan, st, l) ?: attach_all(cl, plan, l);
	if (rc)
		return rc;
	if (plan->conf.lock && !st->locked) {
		err = cgf_client_lock(cl);
		if (err)
			return cgf_report_change(cl, "apply: lock", err, cl->ack.msg);
		printf("policy locked until reboot\n");
	}
	return CGF_EXIT_OK;
}

int cgf_check_apply(const struct cgf_inv *inv, char *err, size_t len)
{
	if (cgf_opt_set(inv, CGF_OPT_CHECK) && cgf_opt_set(inv, CGF_OPT_VERIFY)) {
		snprintf(err, len, "--check and --verify exclude each other");
		return -1;
	}
	return 0;
}

int cgf_cmd_apply(const struct cgf_inv *inv)
{
	struct boot_plan plan = { .path = inv->optval[CGF_OPT_CONFIG] ?: CGF_BOOT_CONF };
	struct cgf_listing l = { 0 };
	struct cgf_status st;
	struct cgf_client cl;
	int rc, err;

	rc = plan_read(&plan);
	if (rc) {
		cgf_err("apply: nothing was changed\n");
		goto out;
	}
	if (cgf_opt_set(inv, CGF_OPT_CHECK)) {
		printf("%s is valid: %d policy files, %zu attachments, lock %s\n", plan.path,
		       plan.nr_pols, plan.conf.nr_attachments, plan.conf.lock ? "yes" : "no");
		goto out;
	}
	rc = cgf_connect(&cl);
	if (rc)
		goto out;
	err = cgf_client_status(&cl, &st) ?: cgf_client_listing(&cl, true, &l);
	if (err) {
		rc = cgf_report("apply", err, cl.ack.msg);
	} else if (cgf_opt_set(inv, CGF_OPT_VERIFY)) {
		rc = verify(&plan, &st, &l);
	} else {
		rc = apply(&cl, &plan, &st, &l);
		if (rc)
			cgf_err("apply: stopped at the first refusal; what is above was applied\n");
	}
	cgf_listing_free(&l);
	cgf_client_close(&cl);
out:
	plan_free(&plan);
	return rc;
}
