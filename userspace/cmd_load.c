// SPDX-License-Identifier: GPL-2.0
/* The load command: parse policy files, then send each profile in one begin/add/commit. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgfence.h"
#include "cli.h"
#include "client.h"
#include "cmd_admin.h"
#include "output.h"
#include "policy.h"

static void rule_site(FILE *f, const struct cgf_policy_rule *rule)
{
	cgf_safe_text(f, rule->src_file ? rule->src_file : "?");
	fprintf(f, ":%d:%d: ", rule->src_line, rule->src_col);
}

/* Points at the rule the kernel refused, in the compiler style of parse errors. */
static void report_rule(const struct cgf_policy_profile *p, const struct cgf_policy_rule *rule,
			int err, const char *kmsg)
{
	char text[512];

	rule_site(stderr, rule);
	fprintf(stderr, "error: the module refused rule %u of profile %s: %s", rule->id,
		p->name, strerror(-err));
	if (kmsg[0]) {
		fputs(": ", stderr);
		cgf_safe_text(stderr, kmsg);
	}
	fputc('\n', stderr);
	if (cgf_policy_format_rule(text, sizeof(text), rule) < sizeof(text)) {
		rule_site(stderr, rule);
		fputs("note: the rule as sent: ", stderr);
		cgf_safe_text(stderr, text);
		fputc('\n', stderr);
	}
}

/* Sends every chunk of @p's rules; returns the exit status, a refusal reported. */
static int send_rules(struct cgf_client *cl, const struct cgf_policy_profile *p,
		      const char *what)
{
	size_t first, count;
	long bad;
	int err;

	for (first = 0; first < p->nr_rules; first += count) {
		err = cgf_client_load_add(cl, p, first, &count, &bad);
		if (err == -E2BIG) {
			rule_site(stderr, &p->rules[first]);
			fprintf(stderr,
				"error: rule %u of profile %s is too large for one message\n",
				p->rules[first].id, p->name);
			return CGF_EXIT_FAIL;
		}
		if (!count)
			return cgf_report(what, err, "");
		if (err && bad >= 0) {
			report_rule(p, &p->rules[bad], err, cl->ack.msg);
			return cgf_exit_code(err);
		}
		if (err)
			return cgf_report_change(cl, what, err, cl->ack.msg);
	}
	return CGF_EXIT_OK;
}

int cgf_load_profile(struct cgf_client *cl, const struct cgf_policy_profile *p)
{
	char what[CGFENCE_MAX_NAME + 32];
	int err, rc;

	snprintf(what, sizeof(what), "load: profile %s", p->name);
	err = cgf_client_load_begin(cl, p);
	if (err) {
		rc = cgf_report_change(cl, what, err, cl->ack.msg);
		goto fail;
	}
	rc = send_rules(cl, p, what);
	if (rc) {
		/* Nothing of a refused transaction may linger: the kernel drops it on abort. */
		cgf_client_load_abort(cl);
		goto fail;
	}
	/* The module ends the transaction on commit whatever the outcome. */
	err = cgf_client_load_commit(cl);
	if (err) {
		rc = cgf_report_change(cl, what, err, cl->ack.msg);
		goto fail;
	}
	printf("loaded profile %s (%zu rules)\n", p->name, p->nr_rules);
	return CGF_EXIT_OK;
fail:
	cgf_err("load: profile %s was not loaded\n", p->name);
	return rc;
}

int cgf_policy_check_duplicates(struct cgf_policy *pols, int n)
{
	const struct cgf_policy_profile *a, *b;
	int i, j;
	size_t k, l;

	for (i = 0; i < n; i++) {
		for (k = 0; k < pols[i].nr_profiles; k++) {
			a = &pols[i].profiles[k];
			for (j = 0; j < i; j++) {
				for (l = 0; l < pols[j].nr_profiles; l++) {
					b = &pols[j].profiles[l];
					if (strcmp(a->name, b->name))
						continue;
					cgf_safe_text(stderr, a->src_file);
					fprintf(stderr,
						":%d:%d: error: profile '%s' is already defined at ",
						a->src_line, a->src_col, a->name);
					cgf_safe_text(stderr, b->src_file);
					fprintf(stderr, ":%d:%d\n", b->src_line, b->src_col);
					return -1;
				}
			}
		}
	}
	return 0;
}

int cgf_cmd_load(const struct cgf_inv *inv)
{
	const char *only = inv->optval[CGF_OPT_PROFILE];
	char err[CGF_POLICY_ERR_MAX];
	struct cgf_policy *pols;
	size_t k, selected = 0;
	int i, rc = CGF_EXIT_OK;
	struct cgf_client cl;

	pols = calloc(inv->argc, sizeof(*pols));
	if (!pols)
		return cgf_report("load", -ENOMEM, "");
	/* Every file is parsed before anything is sent: one bad file loads nothing at all. */
	for (i = 0; i < inv->argc; i++) {
		if (cgf_policy_parse_file(inv->argv[i], &pols[i], err, sizeof(err))) {
			cgf_safe_text(stderr, err);
			fputc('\n', stderr);
			rc = CGF_EXIT_POLICY;
		}
	}
	if (!rc && cgf_policy_check_duplicates(pols, inv->argc))
		rc = CGF_EXIT_POLICY;
	if (rc) {
		cgf_err("load: nothing was loaded\n");
		goto out;
	}
	for (i = 0; i < inv->argc; i++)
		for (k = 0; k < pols[i].nr_profiles; k++)
			if (!only || !strcmp(only, pols[i].profiles[k].name))
				selected++;
	if (!selected) {
		if (only)
			cgf_err("load: no profile %s in the given files; nothing was loaded\n",
				only);
		else
			cgf_err("load: the given files define no profile; nothing was loaded\n");
		rc = CGF_EXIT_FAIL;
		goto out;
	}

	rc = cgf_connect(&cl);
	if (rc)
		goto out;
	for (i = 0; i < inv->argc && !rc; i++)
		for (k = 0; k < pols[i].nr_profiles && !rc; k++)
			if (!only || !strcmp(only, pols[i].profiles[k].name))
				rc = cgf_load_profile(&cl, &pols[i].profiles[k]);
	/* Closing the socket would abandon an open transaction too; none is left by now. */
	cgf_client_close(&cl);
out:
	for (i = 0; i < inv->argc; i++)
		cgf_policy_free(&pols[i]);
	free(pols);
	return rc;
}
