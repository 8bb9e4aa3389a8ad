// SPDX-License-Identifier: GPL-2.0
/* The list and show commands: the module's profiles and attachments, as text or JSON. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "client.h"
#include "cmd_admin.h"
#include "cmd_list.h"
#include "output.h"
#include "policy.h"

/* Keys line up as in "cgfence status". */
#define KEY_WIDTH	21

static void mode_text(char *buf, size_t len, uint8_t mode)
{
	const char *name = cgf_policy_mode_name(mode);

	if (name)
		snprintf(buf, len, "%s", name);
	else
		snprintf(buf, len, "unknown(%u)", mode);
}

static void profile_json(FILE *f, const struct cgf_profile_row *p)
{
	char mode[16];

	mode_text(mode, sizeof(mode), p->mode);
	fputs("{\"type\":\"profile\",\"name\":", f);
	cgf_json_string(f, p->name);
	fprintf(f, ",\"mode\":\"%s\",\"rules\":%u,\"attachments\":%u,\"generation\":%llu", mode,
		p->rules, p->attachments, (unsigned long long)p->generation);
}

void cgf_list_render_json(FILE *f, const struct cgf_listing *listing)
{
	const struct cgf_attach_row *a;
	size_t i;

	for (i = 0; i < listing->nr_profiles; i++) {
		profile_json(f, &listing->profiles[i]);
		fputs("}\n", f);
	}
	for (i = 0; i < listing->nr_attachments; i++) {
		a = &listing->attachments[i];
		fputs("{\"type\":\"attachment\",\"cgroup\":", f);
		cgf_json_string(f, a->path);
		fprintf(f, ",\"cgroup_id\":%llu,\"profile\":", (unsigned long long)a->cgroup_id);
		cgf_json_string(f, a->profile);
		fprintf(f, ",\"on_exec\":%s,\"pending\":%u}\n", a->on_exec ? "true" : "false",
			a->pending);
	}
}

static int max_int(int a, int b)
{
	return a > b ? a : b;
}

/* Columns a string takes once cgf_plain_string() has escaped it. */
static int plain_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	int n = 0;

	for (; *p; p++)
		n += *p == '\\' ? 2 : *p < 0x20 || *p == 0x7f ? 4 : 1;
	return n;
}

static void cell(FILE *f, const char *s, int width)
{
	cgf_plain_string(f, s);
	fprintf(f, "%*s", width - plain_width(s), "");
}

void cgf_list_render_plain(FILE *f, const struct cgf_listing *listing)
{
	int name_w = (int)strlen("PROFILE"), path_w = (int)strlen("CGROUP"), id_w = 2;
	int att_name_w = (int)strlen("PROFILE");
	const struct cgf_attach_row *a;
	const struct cgf_profile_row *p;
	char mode[16], id[24];
	size_t i;

	for (i = 0; i < listing->nr_profiles; i++)
		name_w = max_int(name_w, (int)strlen(listing->profiles[i].name));
	for (i = 0; i < listing->nr_attachments; i++) {
		a = &listing->attachments[i];
		path_w = max_int(path_w, plain_width(a->path));
		id_w = max_int(id_w, snprintf(id, sizeof(id), "%llu",
					      (unsigned long long)a->cgroup_id));
		att_name_w = max_int(att_name_w, (int)strlen(a->profile));
	}

	if (!listing->nr_profiles)
		fputs("no profiles loaded\n", f);
	else
		fprintf(f, "%-*s  %-8s  %6s  %11s  %10s\n", name_w, "PROFILE", "MODE", "RULES",
			"ATTACHMENTS", "GENERATION");
	for (i = 0; i < listing->nr_profiles; i++) {
		p = &listing->profiles[i];
		mode_text(mode, sizeof(mode), p->mode);
		fprintf(f, "%-*s  %-8s  %6u  %11u  %10llu\n", name_w, p->name, mode, p->rules,
			p->attachments, (unsigned long long)p->generation);
	}
	fputc('\n', f);
	if (!listing->nr_attachments)
		fputs("no cgroups attached\n", f);
	else
		fprintf(f, "%-*s  %*s  %-*s  %-7s  %s\n", path_w, "CGROUP", id_w, "ID", att_name_w,
			"PROFILE", "FROM", "PENDING");
	for (i = 0; i < listing->nr_attachments; i++) {
		a = &listing->attachments[i];
		cell(f, a->path, path_w);
		fprintf(f, "  %*llu  %-*s  ", id_w, (unsigned long long)a->cgroup_id, att_name_w,
			a->profile);
		/* An immediate attachment leaves no task pending: "-" rather than a count. */
		if (a->on_exec)
			fprintf(f, "%-7s  %u\n", "exec", a->pending);
		else
			fprintf(f, "%-7s  -\n", "now");
	}
}

static void key(FILE *f, const char *name)
{
	fprintf(f, "%s:%*s", name, KEY_WIDTH - (int)strlen(name) - 1, "");
}

/* The rule as policy text, in memory of its own: a mount rule may hold two 4 KiB patterns. */
static char *rule_text(const struct cgf_policy_rule *rule)
{
	size_t len = cgf_policy_format_rule(NULL, 0, rule) + 1;
	char *text = malloc(len);

	if (text)
		cgf_policy_format_rule(text, len, rule);
	return text;
}

static void origin_text(char *buf, size_t len, const struct cgf_policy_rule *rule)
{
	if (!rule->src_file)
		snprintf(buf, len, "%s", "");
	else if (rule->src_line <= 0)
		snprintf(buf, len, "%s", rule->src_file);
	else
		snprintf(buf, len, "%s:%d:%d", rule->src_file, rule->src_line, rule->src_col);
}

static void rules_plain(FILE *f, const struct cgf_rule_listing *rules)
{
	char origin[CGFENCE_MAX_ORIGIN + 32];
	const struct cgf_policy_rule *r;
	char *text;
	size_t i;

	for (i = 0; i < rules->nr_rules; i++) {
		r = &rules->rules[i];
		text = rule_text(r);
		origin_text(origin, sizeof(origin), r);
		key(f, "rule");
		fprintf(f, "%u  %-6s  ", r->id, cgf_policy_kind_name(r->kind) ?: "?");
		cgf_safe_text(f, text ?: "?");
		if (origin[0]) {
			fputs("  # ", f);
			cgf_safe_text(f, origin);
		}
		fputc('\n', f);
		free(text);
	}
}

static void rules_json(FILE *f, const struct cgf_rule_listing *rules)
{
	const struct cgf_policy_rule *r;
	char *text;
	size_t i;

	fputs(",\"rules\":[", f);
	for (i = 0; i < rules->nr_rules; i++) {
		r = &rules->rules[i];
		text = rule_text(r);
		fprintf(f, "%s{\"rule\":%u,\"kind\":", i ? "," : "", r->id);
		cgf_json_string(f, cgf_policy_kind_name(r->kind) ?: "?");
		fputs(",\"text\":", f);
		cgf_json_string(f, text ?: "?");
		fputs(",\"origin\":", f);
		if (!r->src_file) {
			fputs("null", f);
		} else {
			fputs("{\"file\":", f);
			cgf_json_string(f, r->src_file);
			fprintf(f, ",\"line\":%d,\"col\":%d}", r->src_line, r->src_col);
		}
		fputc('}', f);
		free(text);
	}
	fputc(']', f);
}

void cgf_show_render_plain(FILE *f, const struct cgf_profile_row *profile,
			   const struct cgf_listing *listing, const struct cgf_rule_listing *rules)
{
	const struct cgf_attach_row *a;
	char mode[16];
	size_t i;

	mode_text(mode, sizeof(mode), profile->mode);
	key(f, "profile");
	fprintf(f, "%s\n", profile->name);
	key(f, "mode");
	fprintf(f, "%s\n", mode);
	key(f, "rules");
	fprintf(f, "%u\n", profile->rules);
	key(f, "generation");
	fprintf(f, "%llu\n", (unsigned long long)profile->generation);
	key(f, "attachments");
	fprintf(f, "%u\n", profile->attachments);
	for (i = 0; i < listing->nr_attachments; i++) {
		a = &listing->attachments[i];
		if (strcmp(a->profile, profile->name))
			continue;
		key(f, "cgroup");
		cgf_plain_string(f, a->path);
		fprintf(f, " (id %llu)\n", (unsigned long long)a->cgroup_id);
	}
	/* cgroup v2 cannot list the device rules it enforces: the module can. */
	for (i = 0; i < profile->nr_devices; i++) {
		char text[128];

		cgf_policy_format_rule(text, sizeof(text), &profile->devices[i]);
		key(f, "device");
		fprintf(f, "%s  # rule %u\n", text, profile->devices[i].id);
	}
	if (!profile->nr_devices) {
		key(f, "device");
		fputs("none: every device is denied\n", f);
	}
	if (profile->devices_truncated) {
		key(f, "device");
		fputs("... more than one reply holds\n", f);
	}
	key(f, "kernel");
	if (!profile->kernel_allow) {
		fputs("none: no module, kexec, reboot, bpf, perf, raw hardware, ...; no task outside\n",
		      f);
	} else {
		fputs("allow", f);
		for (i = 0; i < 32; i++)
			if (profile->kernel_allow & (1u << i))
				fprintf(f, " %s", cgf_policy_kernel_op_name(1u << i) ?: "?");
		fputc('\n', f);
	}
	if (profile->learning) {
		key(f, "learned");
		fprintf(f, "%u of %u distinct refusals kept for learn, %llu missed\n",
			profile->learned, profile->learned_capacity,
			(unsigned long long)profile->learned_missed);
	}
	if (rules)
		rules_plain(f, rules);
}

void cgf_show_render_json(FILE *f, const struct cgf_profile_row *profile,
			  const struct cgf_listing *listing, const struct cgf_rule_listing *rules)
{
	const struct cgf_attach_row *a;
	bool first = true;
	size_t i;

	profile_json(f, profile);
	fputs(",\"cgroups\":[", f);
	for (i = 0; i < listing->nr_attachments; i++) {
		a = &listing->attachments[i];
		if (strcmp(a->profile, profile->name))
			continue;
		fputs(first ? "{\"cgroup\":" : ",{\"cgroup\":", f);
		cgf_json_string(f, a->path);
		fprintf(f, ",\"cgroup_id\":%llu}", (unsigned long long)a->cgroup_id);
		first = false;
	}
	fputs("],\"devices\":[", f);
	for (i = 0; i < profile->nr_devices; i++) {
		char text[128];

		cgf_policy_format_rule(text, sizeof(text), &profile->devices[i]);
		fprintf(f, "%s{\"rule\":%u,\"text\":", i ? "," : "", profile->devices[i].id);
		cgf_json_string(f, text);
		fputc('}', f);
	}
	fprintf(f, "],\"devices_truncated\":%s,\"kernel_allow\":[",
		profile->devices_truncated ? "true" : "false");
	first = true;
	for (i = 0; i < 32; i++) {
		if (!(profile->kernel_allow & (1u << i)))
			continue;
		fputs(first ? "" : ",", f);
		cgf_json_string(f, cgf_policy_kernel_op_name(1u << i) ?: "?");
		first = false;
	}
	fputc(']', f);
	if (profile->learning)
		fprintf(f, ",\"learned\":{\"records\":%u,\"capacity\":%u,\"missed\":%llu}",
			profile->learned, profile->learned_capacity,
			(unsigned long long)profile->learned_missed);
	else
		fputs(",\"learned\":null", f);
	if (rules)
		rules_json(f, rules);
	fputs("}\n", f);
}

int cgf_cmd_list(const struct cgf_inv *inv)
{
	struct cgf_listing l = { .nr_profiles = 0 };
	struct cgf_client cl;
	int rc, err;

	rc = cgf_connect(&cl);
	if (rc)
		return rc;
	err = cgf_client_listing(&cl, true, &l);
	rc = err ? cgf_report_client("list", &cl, err) : CGF_EXIT_OK;
	cgf_client_close(&cl);
	if (!rc) {
		if (cgf_opt_set(inv, CGF_OPT_JSON))
			cgf_list_render_json(stdout, &l);
		else
			cgf_list_render_plain(stdout, &l);
	}
	cgf_listing_free(&l);
	return rc;
}

int cgf_cmd_show(const struct cgf_inv *inv)
{
	struct cgf_listing l = { .nr_profiles = 0 };
	struct cgf_rule_listing rules = { .nr_rules = 0 };
	const char *name = inv->argv[0];
	struct cgf_profile_row row;
	struct cgf_client cl;
	int rc, err;

	rc = cgf_connect(&cl);
	if (rc)
		return rc;
	err = cgf_client_profile(&cl, name, &row);
	if (err == -ENOENT && !cl.problem[0]) {
		cgf_err("show: no profile %s is loaded\n", name);
		rc = CGF_EXIT_FAIL;
	} else if (err) {
		rc = cgf_report_client("show", &cl, err);
	} else {
		err = cgf_client_listing(&cl, false, &l) ?: cgf_client_rules(&cl, name, &rules);
		rc = err ? cgf_report_client("show", &cl, err) : CGF_EXIT_OK;
	}
	cgf_client_close(&cl);
	if (!rc) {
		if (cgf_opt_set(inv, CGF_OPT_JSON))
			cgf_show_render_json(stdout, &row, &l, &rules);
		else
			cgf_show_render_plain(stdout, &row, &l, &rules);
	}
	cgf_rule_listing_free(&rules);
	cgf_listing_free(&l);
	free(row.devices);
	return rc;
}
