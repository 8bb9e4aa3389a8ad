// SPDX-License-Identifier: GPL-2.0
/* The list and show commands: the module's profiles and attachments, as text or JSON. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "cli.h"
#include "cmd_admin.h"
#include "cmd_list.h"
#include "nl.h"
#include "output.h"
#include "policy.h"
#include "util.h"

/* Keys line up as in "cgfence status". */
#define KEY_WIDTH	21

static const struct nla_policy profile_policy[CGFENCE_A_MAX + 1] = {
	[CGFENCE_A_PROFILE_NAME] = { .type = NLA_STRING, .maxlen = CGFENCE_MAX_NAME },
	[CGFENCE_A_PROFILE_MODE] = { .type = NLA_U8, .minlen = 1, .maxlen = 1 },
	[CGFENCE_A_PROFILE_RULE_COUNT] = { .type = NLA_U32, .minlen = 4, .maxlen = 4 },
	[CGFENCE_A_PROFILE_ATTACHMENTS] = { .type = NLA_U32, .minlen = 4, .maxlen = 4 },
	[CGFENCE_A_PROFILE_GENERATION] = { .type = NLA_U64, .minlen = 8, .maxlen = 8 },
	[CGFENCE_A_PROFILE_KERNEL_ALLOW] = { .type = NLA_U32, .minlen = 4, .maxlen = 4 },
};

static const struct nla_policy attach_policy[CGFENCE_A_MAX + 1] = {
	[CGFENCE_A_CGROUP_ID] = { .type = NLA_U64, .minlen = 8, .maxlen = 8 },
	[CGFENCE_A_CGROUP_PATH] = { .type = NLA_STRING, .maxlen = PATH_MAX },
	[CGFENCE_A_PROFILE_NAME] = { .type = NLA_STRING, .maxlen = CGFENCE_MAX_NAME },
};

static int parse(struct nlmsghdr *nlh, uint8_t cmd, struct nlattr **tb,
		 const struct nla_policy *policy)
{
	if (genlmsg_parse(nlh, 0, tb, CGFENCE_A_MAX, (struct nla_policy *)policy) < 0)
		return -EBADMSG;
	return ((struct genlmsghdr *)nlmsg_data(nlh))->cmd == cmd ? 0 : -EPROTO;
}

int cgf_profile_row_parse(struct nlmsghdr *nlh, struct cgf_profile_row *row)
{
	static const int needed[] = {
		CGFENCE_A_PROFILE_NAME, CGFENCE_A_PROFILE_MODE, CGFENCE_A_PROFILE_RULE_COUNT,
		CGFENCE_A_PROFILE_ATTACHMENTS, CGFENCE_A_PROFILE_GENERATION,
	};
	struct nlattr *tb[CGFENCE_A_MAX + 1];
	size_t i;
	int err;

	memset(row, 0, sizeof(*row));
	err = parse(nlh, CGFENCE_CMD_PROFILE_GET, tb, profile_policy);
	if (err)
		return err;
	for (i = 0; i < ARRAY_SIZE(needed); i++)
		if (!tb[needed[i]])
			return -ENODATA;
	snprintf(row->name, sizeof(row->name), "%s", nla_get_string(tb[CGFENCE_A_PROFILE_NAME]));
	row->mode = nla_get_u8(tb[CGFENCE_A_PROFILE_MODE]);
	row->rules = nla_get_u32(tb[CGFENCE_A_PROFILE_RULE_COUNT]);
	row->attachments = nla_get_u32(tb[CGFENCE_A_PROFILE_ATTACHMENTS]);
	row->generation = nla_get_u64(tb[CGFENCE_A_PROFILE_GENERATION]);
	if (tb[CGFENCE_A_PROFILE_KERNEL_ALLOW])
		row->kernel_allow = nla_get_u32(tb[CGFENCE_A_PROFILE_KERNEL_ALLOW]);
	return 0;
}

int cgf_attach_row_parse(struct nlmsghdr *nlh, struct cgf_attach_row *row)
{
	struct nlattr *tb[CGFENCE_A_MAX + 1];
	int err;

	memset(row, 0, sizeof(*row));
	err = parse(nlh, CGFENCE_CMD_ATTACH_GET, tb, attach_policy);
	if (err)
		return err;
	if (!tb[CGFENCE_A_CGROUP_ID] || !tb[CGFENCE_A_CGROUP_PATH] || !tb[CGFENCE_A_PROFILE_NAME])
		return -ENODATA;
	row->path = strdup(nla_get_string(tb[CGFENCE_A_CGROUP_PATH]));
	if (!row->path)
		return -ENOMEM;
	row->cgroup_id = nla_get_u64(tb[CGFENCE_A_CGROUP_ID]);
	snprintf(row->profile, sizeof(row->profile), "%s",
		 nla_get_string(tb[CGFENCE_A_PROFILE_NAME]));
	return 0;
}

void cgf_listing_free(struct cgf_listing *listing)
{
	size_t i;

	for (i = 0; i < listing->nr_attachments; i++)
		free(listing->attachments[i].path);
	free(listing->attachments);
	free(listing->profiles);
	memset(listing, 0, sizeof(*listing));
}

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
		fputs("}\n", f);
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
		fprintf(f, "%-*s  %*s  %s\n", path_w, "CGROUP", id_w, "ID", "PROFILE");
	for (i = 0; i < listing->nr_attachments; i++) {
		a = &listing->attachments[i];
		cell(f, a->path, path_w);
		fprintf(f, "  %*llu  %s\n", id_w, (unsigned long long)a->cgroup_id, a->profile);
	}
}

static void key(FILE *f, const char *name)
{
	fprintf(f, "%s:%*s", name, KEY_WIDTH - (int)strlen(name) - 1, "");
}

void cgf_show_render_plain(FILE *f, const struct cgf_profile_row *profile,
			   const struct cgf_listing *listing)
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
		return;
	}
	fputs("allow", f);
	for (i = 0; i < 32; i++)
		if (profile->kernel_allow & (1u << i))
			fprintf(f, " %s", cgf_policy_kernel_op_name(1u << i) ?: "?");
	fputc('\n', f);
}

void cgf_show_render_json(FILE *f, const struct cgf_profile_row *profile,
			  const struct cgf_listing *listing)
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
	fputs("]}\n", f);
}

/* Room doubles whenever the count reaches a power of two; NULL when memory ran out. */
static void *grow(void *array, size_t nr, size_t size)
{
	if (nr & (nr - 1))
		return array;
	return realloc(array, (nr ? nr * 2 : 1) * size);
}

static int profile_handler(struct nl_msg *msg, void *arg)
{
	struct cgf_listing *l = arg;
	struct cgf_profile_row *rows;
	int err;

	rows = grow(l->profiles, l->nr_profiles, sizeof(*rows));
	if (!rows)
		return -ENOMEM;
	l->profiles = rows;
	err = cgf_profile_row_parse(nlmsg_hdr(msg), &rows[l->nr_profiles]);
	if (!err)
		l->nr_profiles++;
	return err;
}

static int attach_handler(struct nl_msg *msg, void *arg)
{
	struct cgf_listing *l = arg;
	struct cgf_attach_row *rows;
	int err;

	rows = grow(l->attachments, l->nr_attachments, sizeof(*rows));
	if (!rows)
		return -ENOMEM;
	l->attachments = rows;
	err = cgf_attach_row_parse(nlmsg_hdr(msg), &rows[l->nr_attachments]);
	if (!err)
		l->nr_attachments++;
	return err;
}

static const char *reply_problem(int err)
{
	switch (err) {
	case -ENODATA:
		return "module sent an incomplete reply";
	case -EBADMSG:
		return "module sent a malformed reply";
	case -EPROTO:
		return "module answered with a reply to another command";
	}
	return NULL;
}

struct nl_list_io {
	struct cgf_list_io io;
	struct cgf_nl *nl;
};

/* One dump into @l over the real socket. */
static int dump_nl(struct cgf_list_io *io, const char *what, uint8_t cmd,
		   struct cgf_listing *l, bool *intr)
{
	struct cgf_nl *nl = ((struct nl_list_io *)io)->nl;
	struct cgf_nl_ack ack;
	struct nl_msg *msg;
	int err;

	msg = cgf_nl_msg(nl, cmd, NLM_F_DUMP);
	if (!msg)
		return cgf_report(what, -ENOMEM, "");
	err = cgf_nl_request_ack(nl, msg, cmd == CGFENCE_CMD_PROFILE_GET ? profile_handler :
				 attach_handler, l, &ack);
	if (reply_problem(err)) {
		cgf_err("%s: %s\n", what, reply_problem(err));
		return CGF_EXIT_FAIL;
	}
	if (err)
		return cgf_report(what, err, ack.msg);
	*intr |= ack.dump_intr;
	return 0;
}

int cgf_read_listing(struct cgf_list_io *io, const char *what, bool profiles,
		     struct cgf_listing *l)
{
	bool intr;
	int tries, rc;

	for (tries = 0; tries < CGF_DUMP_TRIES; tries++) {
		cgf_listing_free(l);
		intr = false;
		rc = (profiles ? io->dump(io, what, CGFENCE_CMD_PROFILE_GET, l, &intr) : 0) ?:
		     io->dump(io, what, CGFENCE_CMD_ATTACH_GET, l, &intr);
		if (rc)
			cgf_listing_free(l);
		if (rc || !intr)
			return rc;
	}
	cgf_listing_free(l);
	cgf_err("%s: the policy kept changing while it was read; try again\n", what);
	return CGF_EXIT_FAIL;
}

static int read_listing(struct cgf_nl *nl, const char *what, bool profiles,
			struct cgf_listing *l)
{
	struct nl_list_io n = { .io = { .dump = dump_nl }, .nl = nl };

	return cgf_read_listing(&n.io, what, profiles, l);
}

int cgf_cmd_list(const struct cgf_inv *inv)
{
	struct cgf_listing l = { .nr_profiles = 0 };
	struct cgf_nl nl;
	int rc;

	rc = cgf_connect(&nl);
	if (rc)
		return rc;
	rc = read_listing(&nl, "list", true, &l);
	cgf_nl_close(&nl);
	if (!rc) {
		if (cgf_opt_set(inv, CGF_OPT_JSON))
			cgf_list_render_json(stdout, &l);
		else
			cgf_list_render_plain(stdout, &l);
	}
	cgf_listing_free(&l);
	return rc;
}

struct show_reply {
	struct cgf_profile_row row;
	int replies;
};

static const struct nla_policy device_rule_policy[CGFENCE_RULE_A_MAX + 1] = {
	[CGFENCE_RULE_A_ID] = { .type = NLA_U32, .minlen = 4, .maxlen = 4 },
	[CGFENCE_RULE_A_EFFECT] = { .type = NLA_U8, .minlen = 1, .maxlen = 1 },
	[CGFENCE_RULE_A_DEV_TYPE] = { .type = NLA_U8, .minlen = 1, .maxlen = 1 },
	[CGFENCE_RULE_A_DEV_MAJOR] = { .type = NLA_U32, .minlen = 4, .maxlen = 4 },
	[CGFENCE_RULE_A_DEV_MINOR] = { .type = NLA_U32, .minlen = 4, .maxlen = 4 },
	[CGFENCE_RULE_A_DEV_ACCESS] = { .type = NLA_U8, .minlen = 1, .maxlen = 1 },
};

int cgf_device_rules_parse(struct nlattr *nest, struct cgf_profile_row *row)
{
	struct nlattr *tb[CGFENCE_RULE_A_MAX + 1];
	struct cgf_policy_rule *r;
	struct nlattr *one;
	int rem;

	nla_for_each_nested(one, nest, rem) {
		if (nla_parse_nested(tb, CGFENCE_RULE_A_MAX, one,
				     (struct nla_policy *)device_rule_policy) < 0 ||
		    !tb[CGFENCE_RULE_A_ID] || !tb[CGFENCE_RULE_A_EFFECT] ||
		    !tb[CGFENCE_RULE_A_DEV_TYPE] || !tb[CGFENCE_RULE_A_DEV_MAJOR] ||
		    !tb[CGFENCE_RULE_A_DEV_MINOR] || !tb[CGFENCE_RULE_A_DEV_ACCESS])
			return -EBADMSG;
		r = grow(row->devices, row->nr_devices, sizeof(*r));
		if (!r)
			return -ENOMEM;
		row->devices = r;
		r = &row->devices[row->nr_devices++];
		memset(r, 0, sizeof(*r));
		r->id = nla_get_u32(tb[CGFENCE_RULE_A_ID]);
		r->kind = CGFENCE_RULE_DEVICE;
		r->effect = nla_get_u8(tb[CGFENCE_RULE_A_EFFECT]);
		r->dev_type = nla_get_u8(tb[CGFENCE_RULE_A_DEV_TYPE]);
		r->dev_major = nla_get_u32(tb[CGFENCE_RULE_A_DEV_MAJOR]);
		r->dev_minor = nla_get_u32(tb[CGFENCE_RULE_A_DEV_MINOR]);
		r->dev_access = nla_get_u8(tb[CGFENCE_RULE_A_DEV_ACCESS]);
	}
	return 0;
}

static int show_handler(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[CGFENCE_A_MAX + 1];
	struct show_reply *r = arg;
	int err;

	if (r->replies++)
		return -EPROTO;
	err = cgf_profile_row_parse(nlmsg_hdr(msg), &r->row);
	if (err)
		return err;
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, CGFENCE_A_MAX, NULL) < 0)
		return -EBADMSG;
	r->row.devices_truncated = tb[CGFENCE_A_DEVICE_RULES_TRUNCATED];
	return tb[CGFENCE_A_DEVICE_RULES] ?
	       cgf_device_rules_parse(tb[CGFENCE_A_DEVICE_RULES], &r->row) : 0;
}

int cgf_cmd_show(const struct cgf_inv *inv)
{
	struct cgf_listing l = { .nr_profiles = 0 };
	const char *name = inv->argv[0];
	struct show_reply reply = { .replies = 0 };
	struct cgf_nl_ack ack;
	struct nl_msg *msg;
	struct cgf_nl nl;
	int rc, err;

	rc = cgf_connect(&nl);
	if (rc)
		return rc;
	msg = cgf_nl_msg(&nl, CGFENCE_CMD_PROFILE_GET, 0);
	if (!msg || nla_put_string(msg, CGFENCE_A_PROFILE_NAME, name)) {
		nlmsg_free(msg);
		cgf_nl_close(&nl);
		return cgf_report("show", -ENOMEM, "");
	}
	err = cgf_nl_request_ack(&nl, msg, show_handler, &reply, &ack);
	if (err == -ENOENT) {
		cgf_err("show: no profile %s is loaded\n", name);
		rc = CGF_EXIT_FAIL;
	} else if (reply_problem(err)) {
		cgf_err("show: %s\n", reply_problem(err));
		rc = CGF_EXIT_FAIL;
	} else if (err) {
		rc = cgf_report("show", err, ack.msg);
	} else if (!reply.replies) {
		cgf_err("show: module acknowledged the request without a reply\n");
		rc = CGF_EXIT_FAIL;
	} else {
		rc = read_listing(&nl, "show", false, &l);
	}
	cgf_nl_close(&nl);
	if (!rc) {
		if (cgf_opt_set(inv, CGF_OPT_JSON))
			cgf_show_render_json(stdout, &reply.row, &l);
		else
			cgf_show_render_plain(stdout, &reply.row, &l);
	}
	cgf_listing_free(&l);
	free(reply.row.devices);
	return rc;
}
