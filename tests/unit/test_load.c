// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the load transaction against a fake module: order, chunks, abort, reports. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "cgfence.h"
#include "cli.h"
#include "client.h"
#include "cmd_admin.h"
#include "encode.h"
#include "policy.h"
#include "tap.h"

#define FAMILY		0x42
#define MAX_CALLS	64

/* Answers like the module would, records what it was sent, refuses on demand. */
struct fake {
	struct cgf_client cl;
	int calls;
	uint8_t cmds[MAX_CALLS];
	uint32_t next_id;	/* the id the next rule must carry */
	bool in_order;
	int fail_call;		/* request index to refuse, -1 for none */
	int fail_err;
	uint32_t fail_id;	/* point NLMSGERR_ATTR_OFFS at this rule's path, 0 for none */
};

/* No request of a load expects a reply: @handler is never called. */
static int fake_transact(struct cgf_client *cl, struct nl_msg *msg, cgf_nl_handler handler,
			 void *arg)
{
	struct fake *f = (struct fake *)cl;
	struct cgf_nl_ack *ack = &cl->ack;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct genlmsghdr *g = nlmsg_data(nlh);
	struct nlattr *tb[CGFENCE_A_MAX + 1], *rule, *rtb[CGFENCE_RULE_A_MAX + 1];
	long offset = -1;
	int call = f->calls++, rem, err = 0;

	(void)handler;
	(void)arg;
	ack->msg[0] = '\0';
	ack->offset = -1;
	ack->dump_intr = false;
	if (call < MAX_CALLS)
		f->cmds[call] = g->cmd;
	if (nlh->nlmsg_type != FAMILY)
		f->in_order = false;
	if (g->cmd == CGFENCE_CMD_PROFILE_ADD &&
	    !genlmsg_parse(nlh, 0, tb, CGFENCE_A_MAX, NULL) && tb[CGFENCE_A_RULES]) {
		nla_for_each_nested(rule, tb[CGFENCE_A_RULES], rem) {
			if (nla_parse_nested(rtb, CGFENCE_RULE_A_MAX, rule, NULL) ||
			    !rtb[CGFENCE_RULE_A_ID] ||
			    nla_get_u32(rtb[CGFENCE_RULE_A_ID]) != f->next_id++) {
				f->in_order = false;
				continue;
			}
			if (f->fail_id && nla_get_u32(rtb[CGFENCE_RULE_A_ID]) == f->fail_id &&
			    rtb[CGFENCE_RULE_A_FILE_PATH])
				offset = (char *)rtb[CGFENCE_RULE_A_FILE_PATH] - (char *)nlh;
		}
	}
	if (call == f->fail_call || (f->fail_id && offset >= 0)) {
		err = f->fail_err;
		snprintf(ack->msg, sizeof(ack->msg), "fake refusal");
		ack->offset = offset;
	}
	nlmsg_free(msg);
	return err;
}

static void fake_init(struct fake *f, int fail_call, int fail_err, uint32_t fail_id)
{
	memset(f, 0, sizeof(*f));
	cgf_client_init(&f->cl, FAMILY, fake_transact);
	f->next_id = 1;
	f->in_order = true;
	f->fail_call = fail_call;
	f->fail_err = fail_err;
	f->fail_id = fail_id;
}

/* The commands the fake saw, as letters: B(egin) A(dd) C(ommit) X (abort) S(tatus). */
static const char *trace(const struct fake *f)
{
	static char buf[MAX_CALLS + 1];
	int i;

	for (i = 0; i < f->calls && i < MAX_CALLS; i++) {
		switch (f->cmds[i]) {
		case CGFENCE_CMD_PROFILE_BEGIN:
			buf[i] = 'B';
			break;
		case CGFENCE_CMD_PROFILE_ADD:
			buf[i] = 'A';
			break;
		case CGFENCE_CMD_PROFILE_COMMIT:
			buf[i] = 'C';
			break;
		case CGFENCE_CMD_PROFILE_ABORT:
			buf[i] = 'X';
			break;
		case CGFENCE_CMD_STATUS:
			buf[i] = 'S';
			break;
		default:
			buf[i] = '?';
		}
	}
	buf[i] = '\0';
	return buf;
}

static char *slurp(FILE *f)
{
	long len = ftell(f);
	char *buf = calloc(1, len + 1);

	rewind(f);
	if (!buf || fread(buf, 1, len, f) != (size_t)len)
		abort();
	fclose(f);
	return buf;
}

/* Runs the load with stdout and stderr captured. */
static int run(struct fake *f, const struct cgf_policy_profile *p, char **out, char **err)
{
	FILE *o = tmpfile(), *e = tmpfile();
	int so = dup(1), se = dup(2), rc;

	if (!o || !e || so < 0 || se < 0)
		abort();
	fflush(stdout);
	fflush(stderr);
	dup2(fileno(o), 1);
	dup2(fileno(e), 2);
	rc = cgf_load_profile(&f->cl, p);
	fflush(stdout);
	fflush(stderr);
	dup2(so, 1);
	dup2(se, 2);
	close(so);
	close(se);
	*out = slurp(o);
	*err = slurp(e);
	return rc;
}

static char *first_line(char *s)
{
	char *nl = strchr(s, '\n');

	if (nl)
		*nl = '\0';
	return s;
}

/*
 * How many PROFILE_ADD messages @p needs, worked out here and not from what the loader
 * sent: rules in order, as many as fit in CGF_CHUNK_BYTES of rule attributes each.
 */
static int expected_adds(const struct cgf_policy_profile *p)
{
	size_t i, used = 0, size;
	int n = 0;

	for (i = 0; i < p->nr_rules; i++) {
		size = cgf_encode_rule_size(&p->rules[i]);
		if (!n || used + size > CGF_CHUNK_BYTES) {
			n++;
			used = 0;
		}
		used += size;
	}
	return n;
}

static void test_transaction(const struct cgf_policy_profile *p)
{
	char *out, *err, adds[MAX_CALLS], want[256];
	struct fake f;
	int rc, n;

	fake_init(&f, -1, 0, 0);
	rc = run(&f, p, &out, &err);
	tap_is_int(rc, CGF_EXIT_OK, "load: accepted, exit 0");
	n = expected_adds(p);
	if (n > MAX_CALLS - 2)
		n = MAX_CALLS - 2;	/* the trace holds no more; the comparison then fails */
	tap_ok(n > 1, "load: %zu rules need several PROFILE_ADD messages (%d)", p->nr_rules, n);
	memset(adds, 'A', n);
	snprintf(want, sizeof(want), "B%.*sC", n, adds);
	tap_is_str(trace(&f), want, "load: begin, the adds, commit");
	tap_ok(f.in_order && f.next_id == p->nr_rules + 1, "load: every rule once, in order");
	tap_is_str(out, "loaded profile gen (3000 rules)\n", "load: reports the load on stdout");
	tap_is_str(err, "", "load: nothing on stderr");
	free(out);
	free(err);

	/* The module refuses the message holding rule 2000 (line 2003), pointing at its path. */
	fake_init(&f, -1, -EINVAL, 2000);
	rc = run(&f, p, &out, &err);
	tap_is_int(rc, CGF_EXIT_FAIL, "refused rule: exit 1");
	tap_ok(!strncmp(trace(&f), "BAA", 3) && !strchr(trace(&f), 'C') &&
	       (int)strlen(trace(&f)) < n + 2 && f.next_id < p->nr_rules &&
	       !strcmp(trace(&f) + strlen(trace(&f)) - 2, "AX"),
	       "refused rule: no add after the refused one, abort, no commit (%s)", trace(&f));
	tap_is_str(first_line(err),
		   "gen.cgf:2003:3: error: the module refused rule 2000 of profile gen: Invalid argument: fake refusal",
		   "refused rule: FILE:LINE:COL of the rule and the module's reason");
	tap_ok(strstr(err + strlen(err) + 1, "gen.cgf:2003:3: note: the rule as sent: allow r /d/1999/**;\n") &&
	       strstr(err + strlen(err) + 1, "cgfence: load: profile gen was not loaded\n"),
	       "refused rule: shows the rule, says the profile was not loaded");
	tap_is_str(out, "", "refused rule: nothing on stdout");
	tap_ok(!strstr(err, "cgfence: load: profile gen: "),
	       "refused rule: reported by its place, not as a generic refusal");
	free(out);
	free(err);

	fake_init(&f, 2, -ENOMEM, 0);
	rc = run(&f, p, &out, &err);
	tap_is_int(rc, CGF_EXIT_FAIL, "refused add without offset: exit 1");
	tap_is_str(trace(&f), "BAAX", "refused add without offset: abort");
	tap_is_str(first_line(err), "cgfence: load: profile gen: Cannot allocate memory: fake refusal",
		   "refused add without offset: the module's reason");
	free(out);
	free(err);

	fake_init(&f, 0, -EPERM, 0);
	rc = run(&f, p, &out, &err);
	tap_is_int(rc, CGF_EXIT_PERM, "refused begin: EPERM exits 4");
	tap_is_str(trace(&f), "BS",
		   "refused begin: asks whether policy is locked, sends nothing else, nothing to abort");
	tap_ok(strstr(err, "permission denied") &&
	       !strstr(strstr(err, "permission denied") + 1, "permission denied"),
	       "refused begin: reported once");
	tap_ok(strstr(err, "cgfence: load: profile gen was not loaded\n") != NULL,
	       "refused begin: says the profile was not loaded");
	free(out);
	free(err);

	fake_init(&f, n + 1, -EINVAL, 0);
	rc = run(&f, p, &out, &err);
	tap_is_int(rc, CGF_EXIT_FAIL, "refused commit: exit 1");
	tap_is_str(trace(&f), want, "refused commit: no abort after commit (the module ended it)");
	tap_is_str(first_line(err), "cgfence: load: profile gen: Invalid argument: fake refusal",
		   "refused commit: the module's reason");
	tap_is_str(out, "", "refused commit: nothing on stdout");
	free(out);
	free(err);
}

int main(void)
{
	struct cgf_policy pol, empty;
	char errbuf[CGF_POLICY_ERR_MAX];
	size_t len = 0, cap = 3000 * 32 + 100, i;
	char *text = malloc(cap), *out, *err;
	struct fake f;

	/* The count of results this program prints; tap_done() checks it. */
	tap_plan(27);
	len += snprintf(text + len, cap - len, "profile gen {\n\tmode enforce;\n\tfile {\n");
	for (i = 0; i < 3000; i++)
		len += snprintf(text + len, cap - len, "\t\tallow r /d/%zu/**;\n", i);
	snprintf(text + len, cap - len, "\t}\n}\n");
	if (!tap_is_int(cgf_policy_parse_string("gen.cgf", text, NULL, &pol, errbuf,
						sizeof(errbuf)), 0, "fixture: 3000 rules parse"))
		tap_diag("%s", errbuf);
	else
		test_transaction(&pol.profiles[0]);
	free(text);
	cgf_policy_free(&pol);

	if (!cgf_policy_parse_string("empty.cgf", "profile none {\n\tmode complain;\n}\n", NULL,
				     &empty, errbuf, sizeof(errbuf))) {
		fake_init(&f, -1, 0, 0);
		tap_is_int(run(&f, &empty.profiles[0], &out, &err), 0, "empty profile: exit 0");
		tap_is_str(trace(&f), "BC", "empty profile: begin and commit, no add");
		tap_is_str(out, "loaded profile none (0 rules)\n", "empty profile: reported");
		free(out);
		free(err);
		cgf_policy_free(&empty);
	} else {
		tap_ok(false, "empty profile: parses (%s)", errbuf);
	}
	return tap_done();
}
