// SPDX-License-Identifier: GPL-2.0
/* The stats command: what the module counted per profile and per container, for alerting. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "client.h"
#include "cmd_stats.h"
#include "container.h"
#include "denials.h"
#include "output.h"

static uint64_t sum(const uint64_t *v)
{
	uint64_t total = 0;
	int k;

	for (k = 0; k < CGF_DENIAL_KINDS; k++)
		total += v[k];
	return total;
}

static bool profile_wanted(const char *only, const char *name)
{
	return !only || !strcmp(only, name);
}

void cgf_stats_render_plain(FILE *f, const struct cgf_stats *st)
{
	const struct cgf_listing *l = st->listing;
	const struct cgf_counters_row *c;
	struct cgf_container ctr;
	size_t i;

	if (!l->nr_profiles) {
		fputs("no profiles loaded\n", f);
	} else {
		fprintf(f, "%-24s %14s %10s %10s %10s\n", "PROFILE", "DECISIONS", "DENIED",
			"WOULD-DENY", "DROPPED");
		for (i = 0; i < l->nr_profiles; i++) {
			c = &l->profiles[i].counters;
			fprintf(f, "%-24s %14" PRIu64 " %10" PRIu64 " %10" PRIu64 " %10" PRIu64 "\n",
				l->profiles[i].name, c->decisions, sum(c->denied),
				sum(c->would_deny), c->dropped);
		}
	}
	fputc('\n', f);
	if (!l->nr_attachments) {
		fputs("no cgroups attached\n", f);
	} else {
		fprintf(f, "%-24s %-24s %14s %10s %10s %10s  %s\n", "PROFILE", "CONTAINER",
			"DECISIONS", "DENIED", "WOULD-DENY", "DROPPED", "CGROUP");
		for (i = 0; i < l->nr_attachments; i++) {
			char name[CGF_CONTAINER_ID_MAX + 16] = "-";

			c = &l->attachments[i].counters;
			if (cgf_container_of(l->attachments[i].path, &ctr))
				snprintf(name, sizeof(name), "%s:%.*s", ctr.runtime,
					 CGF_CONTAINER_SHORT_ID, ctr.id);
			fprintf(f, "%-24s %-24s %14" PRIu64 " %10" PRIu64 " %10" PRIu64 " %10" PRIu64 "  ",
				l->attachments[i].profile, name, c->decisions, sum(c->denied),
				sum(c->would_deny), c->dropped);
			cgf_plain_string(f, l->attachments[i].path);
			fputc('\n', f);
		}
	}
	if (st->has_lost)
		fprintf(f, "\nrecords dropped since load: %" PRIu64 "\n", st->lost);
}

static void json_counters(FILE *f, const struct cgf_counters_row *c)
{
	const char *name;
	int k;

	fprintf(f, ",\"decisions\":%" PRIu64 ",\"denied\":{", c->decisions);
	for (k = 0; k < CGF_DENIAL_KINDS; k++) {
		name = cgf_denial_kind_name(k + 1);
		fprintf(f, "%s\"%s\":%" PRIu64, k ? "," : "", name ? name : "?", c->denied[k]);
	}
	fputs("},\"would_deny\":{", f);
	for (k = 0; k < CGF_DENIAL_KINDS; k++) {
		name = cgf_denial_kind_name(k + 1);
		fprintf(f, "%s\"%s\":%" PRIu64, k ? "," : "", name ? name : "?", c->would_deny[k]);
	}
	fprintf(f, "},\"dropped\":%" PRIu64 "}\n", c->dropped);
}

void cgf_stats_render_json(FILE *f, const struct cgf_stats *st)
{
	const struct cgf_listing *l = st->listing;
	struct cgf_container ctr;
	size_t i;

	for (i = 0; i < l->nr_profiles; i++) {
		fputs("{\"type\":\"profile\",\"name\":", f);
		cgf_json_string(f, l->profiles[i].name);
		json_counters(f, &l->profiles[i].counters);
	}
	for (i = 0; i < l->nr_attachments; i++) {
		fputs("{\"type\":\"attachment\",\"cgroup\":", f);
		cgf_json_string(f, l->attachments[i].path);
		fprintf(f, ",\"cgroup_id\":%" PRIu64 ",\"container\":",
			l->attachments[i].cgroup_id);
		if (cgf_container_of(l->attachments[i].path, &ctr)) {
			fprintf(f, "{\"runtime\":\"%s\",\"id\":", ctr.runtime);
			cgf_json_string(f, ctr.id);
			fputc('}', f);
		} else {
			fputs("null", f);
		}
		fputs(",\"profile\":", f);
		cgf_json_string(f, l->attachments[i].profile);
		json_counters(f, &l->attachments[i].counters);
	}
	if (st->has_lost)
		fprintf(f, "{\"type\":\"module\",\"records_dropped\":%" PRIu64 "}\n", st->lost);
}

/* A label value: backslash, double quote and newline escaped, as the format demands. */
static void prom_value(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fprintf(f, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

static void prom_family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* The labels that name an attachment: its cgroup, id, profile and container if any. */
static void prom_attachment_labels(FILE *f, const struct cgf_attach_row *a)
{
	struct cgf_container ctr;

	fputs("cgroup=", f);
	prom_value(f, a->path);
	fprintf(f, ",cgroup_id=\"%" PRIu64 "\",profile=", a->cgroup_id);
	prom_value(f, a->profile);
	if (cgf_container_of(a->path, &ctr)) {
		fprintf(f, ",runtime=\"%s\",container_id=", ctr.runtime);
		prom_value(f, ctr.id);
	}
}

enum prom_field { PROM_DECISIONS, PROM_DENIALS, PROM_DROPPED, PROM_LEARNED_MISSED };

/* "NAME{" and the labels of profile or attachment @i, left open for more. */
static void prom_sample_start(FILE *f, const struct cgf_listing *l, bool profiles, size_t i,
			      const char *name)
{
	fprintf(f, "%s{", name);
	if (profiles) {
		fputs("profile=", f);
		prom_value(f, l->profiles[i].name);
	} else {
		prom_attachment_labels(f, &l->attachments[i]);
	}
}

/* One family's samples for every profile (@profiles) or every attachment. */
static void prom_samples(FILE *f, const struct cgf_listing *l, bool profiles, const char *name,
			 enum prom_field field)
{
	size_t i, n = profiles ? l->nr_profiles : l->nr_attachments;
	const struct cgf_counters_row *c;
	int k, v;

	for (i = 0; i < n; i++) {
		c = profiles ? &l->profiles[i].counters : &l->attachments[i].counters;
		if (field == PROM_LEARNED_MISSED) {
			/* Only profiles that keep learned records have the count. */
			if (!l->profiles[i].learning)
				continue;
			prom_sample_start(f, l, profiles, i, name);
			fprintf(f, "} %" PRIu64 "\n", l->profiles[i].learned_missed);
			continue;
		}
		if (field != PROM_DENIALS) {
			prom_sample_start(f, l, profiles, i, name);
			fprintf(f, "} %" PRIu64 "\n",
				field == PROM_DECISIONS ? c->decisions : c->dropped);
			continue;
		}
		for (v = 0; v < 2; v++) {
			for (k = 0; k < CGF_DENIAL_KINDS; k++) {
				prom_sample_start(f, l, profiles, i, name);
				fprintf(f, ",kind=\"%s\",verdict=\"%s\"} %" PRIu64 "\n",
					cgf_denial_kind_name(k + 1) ?: "unknown",
					v ? "would-deny" : "denied",
					v ? c->would_deny[k] : c->denied[k]);
			}
		}
	}
}

void cgf_stats_render_prometheus(FILE *f, const struct cgf_stats *st)
{
	const struct cgf_listing *l = st->listing;

	prom_family(f, "cgfence_profiles", "gauge", "Profiles loaded in the cgfence module.");
	fprintf(f, "cgfence_profiles %zu\n", l->nr_profiles);
	prom_family(f, "cgfence_attachments", "gauge",
		    "Cgroups a cgfence profile is attached to.");
	fprintf(f, "cgfence_attachments %zu\n", l->nr_attachments);
	prom_family(f, "cgfence_locked", "gauge", "1 when cgfence policy is locked until reboot.");
	fprintf(f, "cgfence_locked %d\n", st->locked ? 1 : 0);
	if (st->has_lost) {
		prom_family(f, "cgfence_records_dropped_total", "counter",
			    "Denial records the module dropped since it was loaded.");
		fprintf(f, "cgfence_records_dropped_total %" PRIu64 "\n", st->lost);
	}
	prom_family(f, "cgfence_profile_decisions_total", "counter",
		    "Operations the profile judged since it was loaded.");
	prom_samples(f, l, true, "cgfence_profile_decisions_total", PROM_DECISIONS);
	prom_family(f, "cgfence_profile_denials_total", "counter",
		    "Refusals by the profile, by kind; would-deny: complain mode, allowed.");
	prom_samples(f, l, true, "cgfence_profile_denials_total", PROM_DENIALS);
	prom_family(f, "cgfence_profile_records_dropped_total", "counter",
		    "Denial records of the profile the per-container rate limit dropped.");
	prom_samples(f, l, true, "cgfence_profile_records_dropped_total", PROM_DROPPED);
	prom_family(f, "cgfence_profile_learned_missed_total", "counter",
		    "Complain-mode refusals the profile's full learned records could not keep.");
	prom_samples(f, l, true, "cgfence_profile_learned_missed_total", PROM_LEARNED_MISSED);
	prom_family(f, "cgfence_container_decisions_total", "counter",
		    "Operations judged for the attached cgroup since it was attached.");
	prom_samples(f, l, false, "cgfence_container_decisions_total", PROM_DECISIONS);
	prom_family(f, "cgfence_container_denials_total", "counter",
		    "Refusals in the attached cgroup, by kind; would-deny: complain mode, allowed.");
	prom_samples(f, l, false, "cgfence_container_denials_total", PROM_DENIALS);
	prom_family(f, "cgfence_container_records_dropped_total", "counter",
		    "Denial records of the attached cgroup the rate limit dropped.");
	prom_samples(f, l, false, "cgfence_container_records_dropped_total", PROM_DROPPED);
}

static bool has_profile(const struct cgf_listing *l, const char *name)
{
	size_t i;

	for (i = 0; i < l->nr_profiles; i++)
		if (!strcmp(l->profiles[i].name, name))
			return true;
	return false;
}

/* Only @only's profile and its attachments, in place. */
static void keep_profile(struct cgf_listing *l, const char *only)
{
	size_t i, n = 0;

	for (i = 0; i < l->nr_profiles; i++)
		if (profile_wanted(only, l->profiles[i].name))
			l->profiles[n++] = l->profiles[i];
	l->nr_profiles = n;
	n = 0;
	for (i = 0; i < l->nr_attachments; i++) {
		if (profile_wanted(only, l->attachments[i].profile))
			l->attachments[n++] = l->attachments[i];
		else
			free(l->attachments[i].path);
	}
	l->nr_attachments = n;
}

int cgf_cmd_stats(const struct cgf_inv *inv)
{
	const char *only = inv->optval[CGF_OPT_PROFILE];
	struct cgf_listing l = { .nr_profiles = 0 };
	struct cgf_stats st = { .listing = &l };
	struct cgf_status status;
	struct cgf_client cl;
	int rc, err;

	if (cgf_opt_set(inv, CGF_OPT_JSON) && cgf_opt_set(inv, CGF_OPT_PROMETHEUS)) {
		cgf_err("stats: --json and --prometheus exclude each other\n");
		return CGF_EXIT_USAGE;
	}
	rc = cgf_connect(&cl);
	if (rc)
		return rc;
	err = cgf_client_status(&cl, &status) ?: cgf_client_listing(&cl, true, &l);
	rc = err ? cgf_report_client("stats", &cl, err) : CGF_EXIT_OK;
	cgf_client_close(&cl);
	if (!rc && only && !has_profile(&l, only)) {
		cgf_err("stats: no profile %s is loaded\n", only);
		rc = CGF_EXIT_FAIL;
	}
	if (!rc) {
		keep_profile(&l, only);
		st.has_lost = status.has_denials_lost;
		st.lost = status.denials_lost;
		st.locked = status.locked;
		if (cgf_opt_set(inv, CGF_OPT_PROMETHEUS))
			cgf_stats_render_prometheus(stdout, &st);
		else if (cgf_opt_set(inv, CGF_OPT_JSON))
			cgf_stats_render_json(stdout, &st);
		else
			cgf_stats_render_plain(stdout, &st);
	}
	cgf_listing_free(&l);
	return rc;
}
