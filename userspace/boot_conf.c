// SPDX-License-Identifier: GPL-2.0
/* The host's boot policy, /etc/cgfence/cgfence.conf: which files to load, what to attach, lock. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "boot_conf.h"
#include "conf.h"

void cgf_boot_conf_free(struct cgf_boot_conf *conf)
{
	size_t i;

	for (i = 0; i < conf->nr_loads; i++)
		free(conf->loads[i].pattern);
	for (i = 0; i < conf->nr_attachments; i++)
		free(conf->attachments[i].cgroup);
	free(conf->loads);
	free(conf->attachments);
	memset(conf, 0, sizeof(*conf));
}

bool cgf_boot_is_pattern(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

static struct cgf_boot_site site_of(const struct cgf_conf_entry *e, const char *p)
{
	return (struct cgf_boot_site){ .line = e->line, .col = cgf_conf_col(e, p) };
}

static int add_load(struct cgf_boot_conf *conf, const struct cgf_conf_entry *e)
{
	struct cgf_boot_load *loads;

	loads = realloc(conf->loads, (conf->nr_loads + 1) * sizeof(*loads));
	if (!loads)
		return -ENOMEM;
	conf->loads = loads;
	loads[conf->nr_loads].pattern = strndup(e->value, e->value_len);
	if (!loads[conf->nr_loads].pattern)
		return -ENOMEM;
	loads[conf->nr_loads++].site = site_of(e, e->value);
	return 0;
}

/* "PROFILE CGROUP": the cgroup is the rest of the line, so its name may hold blanks. */
static int add_attach(struct cgf_boot_conf *conf, const struct cgf_conf_reader *r,
		      const struct cgf_conf_entry *e, bool on_exec, char *err, size_t len)
{
	const char *end = e->value + e->value_len, *p = e->value, *cg;
	struct cgf_boot_attach *atts, *a;
	char why[128];
	size_t n;

	while (p < end && *p != ' ' && *p != '\t')
		p++;
	n = p - e->value;
	cg = p;
	while (cg < end && (*cg == ' ' || *cg == '\t'))
		cg++;
	if (!n || cg == end)
		return cgf_conf_error(r, e, e->value, err, len,
				      "expected \"%.*s = PROFILE CGROUP\"", (int)e->key_len, e->key);
	if (n >= CGFENCE_MAX_NAME)
		return cgf_conf_error(r, e, e->value, err, len, "profile name too long");
	atts = realloc(conf->attachments, (conf->nr_attachments + 1) * sizeof(*atts));
	if (!atts)
		return -ENOMEM;
	conf->attachments = atts;
	a = &atts[conf->nr_attachments];
	memset(a, 0, sizeof(*a));
	memcpy(a->profile, e->value, n);
	if (cgf_check_profile_arg(a->profile, why, sizeof(why)))
		return cgf_conf_error(r, e, e->value, err, len, "%s", why);
	a->cgroup = strndup(cg, end - cg);
	if (!a->cgroup)
		return -ENOMEM;
	a->on_exec = on_exec;
	a->site = site_of(e, e->value);
	conf->nr_attachments++;
	return 0;
}

int cgf_boot_conf_parse(const char *path, const char *text, struct cgf_boot_conf *conf,
			char *err, size_t len)
{
	struct cgf_conf_reader r;
	struct cgf_conf_entry e;
	int rc, yes;

	memset(conf, 0, sizeof(*conf));
	cgf_conf_init(&r, path, text);
	while ((rc = cgf_conf_next(&r, &e, err, len)) > 0) {
		if (!e.value_len) {
			rc = cgf_conf_error(&r, &e, e.value, err, len, "%.*s has no value",
					    (int)e.key_len, e.key);
		} else if (cgf_conf_key_is(&e, "load")) {
			rc = add_load(conf, &e);
		} else if (cgf_conf_key_is(&e, "attach")) {
			rc = add_attach(conf, &r, &e, false, err, len);
		} else if (cgf_conf_key_is(&e, "attach_on_exec")) {
			rc = add_attach(conf, &r, &e, true, err, len);
		} else if (cgf_conf_key_is(&e, "lock")) {
			yes = cgf_conf_bool(&e);
			rc = yes < 0 ? cgf_conf_error(&r, &e, e.value, err, len, "lock is yes or no") : 0;
			conf->lock = yes > 0;
		} else {
			rc = cgf_conf_error(&r, &e, e.key, err, len,
					    "unknown key \"%.*s\" (load, attach, attach_on_exec, lock)",
					    (int)e.key_len, e.key);
		}
		if (rc)
			break;
	}
	if (rc == -ENOMEM)
		snprintf(err, len, "%s: out of memory", path);
	if (rc)
		cgf_boot_conf_free(conf);
	return rc;
}
