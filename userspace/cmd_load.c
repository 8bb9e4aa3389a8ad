// SPDX-License-Identifier: GPL-2.0
/* The load command: parse policy files, then send each profile in one begin/add/commit. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/genl/genl.h>

#include "cgfence.h"
#include "cli.h"
#include "cmd_admin.h"
#include "encode.h"
#include "nl.h"
#include "policy.h"

/* Messages quote policy text: control bytes must not reach the terminal. */
static void put_safe(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			fprintf(f, "\\x%02x", *p);
		else
			fputc(*p, f);
	}
}

static void rule_site(FILE *f, const struct cgf_policy_rule *rule)
{
	put_safe(f, rule->src_file ? rule->src_file : "?");
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
		put_safe(stderr, kmsg);
	}
	fputc('\n', stderr);
	if (cgf_policy_format_rule(text, sizeof(text), rule) < sizeof(text)) {
		rule_site(stderr, rule);
		fputs("note: the rule as sent: ", stderr);
		put_safe(stderr, text);
		fputc('\n', stderr);
	}
}

static struct nl_msg *cmd_msg(int family, uint8_t cmd)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (msg && !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, 0, cmd,
				CGFENCE_GENL_VERSION)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return msg;
}

/* Nothing of a refused transaction may linger: the kernel drops it on abort. */
static void abort_txn(struct cgf_load_io *io)
{
	struct nl_msg *msg = cmd_msg(io->family, CGFENCE_CMD_PROFILE_ABORT);
	struct cgf_nl_ack ack;

	if (msg)
		io->request(io, msg, &ack);
}

/* Sends every chunk of @p's rules; returns the exit status, a refusal reported. */
static int send_rules(struct cgf_load_io *io, const struct cgf_policy_profile *p,
		      const char *what)
{
	struct cgf_nl_ack ack;
	struct cgf_chunk chunk;
	size_t first;
	long idx;
	int err, rc = CGF_EXIT_OK;

	for (first = 0; first < p->nr_rules && !rc; first += chunk.count) {
		err = cgf_encode_chunk(io->family, p, first, CGF_CHUNK_BYTES, &chunk);
		if (err == -E2BIG) {
			rule_site(stderr, &p->rules[first]);
			fprintf(stderr,
				"error: rule %u of profile %s is too large for one message\n",
				p->rules[first].id, p->name);
			return CGF_EXIT_FAIL;
		}
		if (err)
			return cgf_report(what, err, "");
		err = io->request(io, chunk.msg, &ack);
		chunk.msg = NULL;	/* sent and freed */
		if (err) {
			idx = cgf_chunk_rule_at(&chunk, ack.offset);
			if (idx >= 0) {
				report_rule(p, &p->rules[idx], err, ack.msg);
				rc = cgf_exit_code(err);
			} else {
				rc = io->refused(io, what, err, ack.msg);
			}
		}
		free(chunk.offs);	/* chunk.count still says where the next one starts */
	}
	return rc;
}

int cgf_load_run(struct cgf_load_io *io, const struct cgf_policy_profile *p)
{
	char what[CGFENCE_MAX_NAME + 32];
	struct cgf_nl_ack ack;
	struct nl_msg *msg;
	int err, rc;

	snprintf(what, sizeof(what), "load: profile %s", p->name);
	msg = cgf_encode_begin(io->family, p);
	if (!msg)
		return cgf_report(what, -ENOMEM, "");
	err = io->request(io, msg, &ack);
	if (err) {
		rc = io->refused(io, what, err, ack.msg);
		goto fail;
	}

	rc = send_rules(io, p, what);
	if (rc) {
		abort_txn(io);
		goto fail;
	}
	/* The module ends the transaction on commit whatever the outcome. */
	msg = cmd_msg(io->family, CGFENCE_CMD_PROFILE_COMMIT);
	if (!msg) {
		abort_txn(io);
		rc = cgf_report(what, -ENOMEM, "");
		goto fail;
	}
	err = io->request(io, msg, &ack);
	if (err) {
		rc = io->refused(io, what, err, ack.msg);
		goto fail;
	}
	printf("loaded profile %s (%zu rules)\n", p->name, p->nr_rules);
	return CGF_EXIT_OK;
fail:
	cgf_err("load: profile %s was not loaded\n", p->name);
	return rc;
}

struct nl_io {
	struct cgf_load_io io;
	struct cgf_nl *nl;
};

static int nl_request(struct cgf_load_io *io, struct nl_msg *msg, struct cgf_nl_ack *ack)
{
	struct nl_io *n = (struct nl_io *)io;

	return cgf_nl_request_ack(n->nl, msg, NULL, NULL, ack);
}

static int nl_refused(struct cgf_load_io *io, const char *what, int err, const char *msg)
{
	struct nl_io *n = (struct nl_io *)io;

	return cgf_report_change(n->nl, what, err, msg);
}

int cgf_load_profile(struct cgf_nl *nl, const struct cgf_policy_profile *p)
{
	struct nl_io n = {
		.io = { .family = nl->family, .request = nl_request, .refused = nl_refused },
		.nl = nl,
	};

	return cgf_load_run(&n.io, p);
}

/* Files loaded together must not disagree on what a name means. */
static int check_duplicates(struct cgf_policy *pols, int n)
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
					put_safe(stderr, a->src_file);
					fprintf(stderr,
						":%d:%d: error: profile '%s' is already defined at ",
						a->src_line, a->src_col, a->name);
					put_safe(stderr, b->src_file);
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
	struct cgf_nl nl;

	pols = calloc(inv->argc, sizeof(*pols));
	if (!pols)
		return cgf_report("load", -ENOMEM, "");
	/* Every file is parsed before anything is sent: one bad file loads nothing at all. */
	for (i = 0; i < inv->argc; i++) {
		if (cgf_policy_parse_file(inv->argv[i], &pols[i], err, sizeof(err))) {
			put_safe(stderr, err);
			fputc('\n', stderr);
			rc = CGF_EXIT_POLICY;
		}
	}
	if (!rc && check_duplicates(pols, inv->argc))
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

	rc = cgf_connect(&nl);
	if (rc)
		goto out;
	for (i = 0; i < inv->argc && !rc; i++)
		for (k = 0; k < pols[i].nr_profiles && !rc; k++)
			if (!only || !strcmp(only, pols[i].profiles[k].name))
				rc = cgf_load_profile(&nl, &pols[i].profiles[k]);
	/* Closing the socket would abandon an open transaction too; none is left by now. */
	cgf_nl_close(&nl);
out:
	for (i = 0; i < inv->argc; i++)
		cgf_policy_free(&pols[i]);
	free(pols);
	return rc;
}
