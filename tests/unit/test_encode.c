// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the load encoding: rules into PROFILE_BEGIN/ADD, chunks, extack offsets. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netlink.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "cgfence.h"
#include "encode.h"
#include "nl.h"
#include "policy.h"
#include "policy_int.h"
#include "tap.h"

/* Any family id will do: nothing is sent. */
#define FAMILY	0x42

static const char policy_text[] =
	"profile web {\n"
	"\tmode complain;\n"
	"\tdefault deny;\n"
	"\tfile {\n"
	"\t\tallow rw /etc/**;\n"
	"\t\tdeny x /tmp/**;\n"
	"\t}\n"
	"\tmount {\n"
	"\t\tallow mount tmpfs -> /tmp options=nosuid,nodev forbid=ro;\n"
	"\t\tallow mount * /dev/sda1 -> /mnt;\n"
	"\t\tallow bind /srv -> /mnt/x;\n"
	"\t\tdeny umount /proc/**;\n"
	"\t}\n"
	"\tdevice {\n"
	"\t\tallow c 1:3 rwm;\n"
	"\t\tdeny b *:* rw;\n"
	"\t}\n"
	"}\n";

static const struct nla_policy top_policy[CGFENCE_A_MAX + 1] = {
	[CGFENCE_A_PROFILE_NAME] = { .type = NLA_STRING },
	[CGFENCE_A_PROFILE_MODE] = { .type = NLA_U8 },
	[CGFENCE_A_PROFILE_FILE_DEFAULT] = { .type = NLA_U8 },
	[CGFENCE_A_PROFILE_RULE_COUNT] = { .type = NLA_U32 },
	[CGFENCE_A_RULES] = { .type = NLA_NESTED },
};

static const struct nla_policy rule_policy[CGFENCE_RULE_A_MAX + 1] = {
	[CGFENCE_RULE_A_ID] = { .type = NLA_U32, .minlen = 4, .maxlen = 4 },
	[CGFENCE_RULE_A_KIND] = { .type = NLA_U8, .minlen = 1, .maxlen = 1 },
	[CGFENCE_RULE_A_EFFECT] = { .type = NLA_U8, .minlen = 1, .maxlen = 1 },
	[CGFENCE_RULE_A_FILE_PERMS] = { .type = NLA_U32, .minlen = 4, .maxlen = 4 },
	[CGFENCE_RULE_A_FILE_PATH] = { .type = NLA_STRING },
	[CGFENCE_RULE_A_MOUNT_OPS] = { .type = NLA_U32, .minlen = 4, .maxlen = 4 },
	[CGFENCE_RULE_A_MOUNT_FSTYPE] = { .type = NLA_STRING },
	[CGFENCE_RULE_A_MOUNT_SOURCE] = { .type = NLA_STRING },
	[CGFENCE_RULE_A_MOUNT_TARGET] = { .type = NLA_STRING },
	[CGFENCE_RULE_A_MOUNT_REQUIRE] = { .type = NLA_U32, .minlen = 4, .maxlen = 4 },
	[CGFENCE_RULE_A_MOUNT_FORBID] = { .type = NLA_U32, .minlen = 4, .maxlen = 4 },
	[CGFENCE_RULE_A_DEV_TYPE] = { .type = NLA_U8, .minlen = 1, .maxlen = 1 },
	[CGFENCE_RULE_A_DEV_MAJOR] = { .type = NLA_U32, .minlen = 4, .maxlen = 4 },
	[CGFENCE_RULE_A_DEV_MINOR] = { .type = NLA_U32, .minlen = 4, .maxlen = 4 },
	[CGFENCE_RULE_A_DEV_ACCESS] = { .type = NLA_U8, .minlen = 1, .maxlen = 1 },
	[CGFENCE_RULE_A_ORIGIN] = { .type = NLA_STRING },
};

/* Strings of a decoded rule point into the message; absent ones are NULL. */
struct decoded {
	uint32_t id;
	uint8_t kind, effect;
	uint32_t perms, ops, require, forbid, major, minor;
	uint8_t dev_type, access;
	const char *path, *fstype, *source, *target, *origin;
	unsigned int present;	/* bit per CGFENCE_RULE_A_* */
	bool nested_flag;
};

static const char *opt_str(struct nlattr **tb, int type)
{
	return tb[type] ? nla_get_string(tb[type]) : NULL;
}

static uint32_t opt_u32(struct nlattr **tb, int type)
{
	return tb[type] ? nla_get_u32(tb[type]) : 0;
}

static uint8_t opt_u8(struct nlattr **tb, int type)
{
	return tb[type] ? nla_get_u8(tb[type]) : 0;
}

static int decode_rule(struct nlattr *nest, struct decoded *d)
{
	struct nlattr *tb[CGFENCE_RULE_A_MAX + 1];
	int i;

	memset(d, 0, sizeof(*d));
	d->nested_flag = nest->nla_type & NLA_F_NESTED;
	if (nla_type(nest) != CGFENCE_RULE_A_RULE ||
	    nla_parse_nested(tb, CGFENCE_RULE_A_MAX, nest, (struct nla_policy *)rule_policy))
		return -1;
	for (i = 1; i <= CGFENCE_RULE_A_MAX; i++)
		if (tb[i])
			d->present |= 1u << i;
	d->id = opt_u32(tb, CGFENCE_RULE_A_ID);
	d->kind = opt_u8(tb, CGFENCE_RULE_A_KIND);
	d->effect = opt_u8(tb, CGFENCE_RULE_A_EFFECT);
	d->perms = opt_u32(tb, CGFENCE_RULE_A_FILE_PERMS);
	d->path = opt_str(tb, CGFENCE_RULE_A_FILE_PATH);
	d->ops = opt_u32(tb, CGFENCE_RULE_A_MOUNT_OPS);
	d->fstype = opt_str(tb, CGFENCE_RULE_A_MOUNT_FSTYPE);
	d->source = opt_str(tb, CGFENCE_RULE_A_MOUNT_SOURCE);
	d->target = opt_str(tb, CGFENCE_RULE_A_MOUNT_TARGET);
	d->require = opt_u32(tb, CGFENCE_RULE_A_MOUNT_REQUIRE);
	d->forbid = opt_u32(tb, CGFENCE_RULE_A_MOUNT_FORBID);
	d->dev_type = opt_u8(tb, CGFENCE_RULE_A_DEV_TYPE);
	d->major = opt_u32(tb, CGFENCE_RULE_A_DEV_MAJOR);
	d->minor = opt_u32(tb, CGFENCE_RULE_A_DEV_MINOR);
	d->access = opt_u8(tb, CGFENCE_RULE_A_DEV_ACCESS);
	d->origin = opt_str(tb, CGFENCE_RULE_A_ORIGIN);
	return 0;
}

#define BIT(a)	(1u << (a))
#define COMMON	(BIT(CGFENCE_RULE_A_ID) | BIT(CGFENCE_RULE_A_KIND) | BIT(CGFENCE_RULE_A_EFFECT))

static bool str_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* Every attribute the kernel reads, none of another kind, and where the rule was written. */
static bool same_rule(const struct decoded *d, const struct cgf_policy_rule *r)
{
	unsigned int want = COMMON | BIT(CGFENCE_RULE_A_ORIGIN);
	char origin[64];

	snprintf(origin, sizeof(origin), "test.cgf:%d:%d", r->src_line, r->src_col);
	if (d->id != r->id || d->kind != r->kind || d->effect != r->effect || !d->nested_flag ||
	    !str_eq(d->origin, origin))
		return false;
	switch (r->kind) {
	case CGFENCE_RULE_FILE:
		want |= BIT(CGFENCE_RULE_A_FILE_PERMS) | BIT(CGFENCE_RULE_A_FILE_PATH);
		if (d->perms != r->file_perms || !str_eq(d->path, r->path))
			return false;
		break;
	case CGFENCE_RULE_MOUNT:
		want |= BIT(CGFENCE_RULE_A_MOUNT_OPS);
		want |= r->fstype ? BIT(CGFENCE_RULE_A_MOUNT_FSTYPE) : 0;
		want |= r->source ? BIT(CGFENCE_RULE_A_MOUNT_SOURCE) : 0;
		want |= r->target ? BIT(CGFENCE_RULE_A_MOUNT_TARGET) : 0;
		want |= r->mount_require ? BIT(CGFENCE_RULE_A_MOUNT_REQUIRE) : 0;
		want |= r->mount_forbid ? BIT(CGFENCE_RULE_A_MOUNT_FORBID) : 0;
		if (d->ops != r->mount_ops || !str_eq(d->fstype, r->fstype) ||
		    !str_eq(d->source, r->source) || !str_eq(d->target, r->target) ||
		    d->require != r->mount_require || d->forbid != r->mount_forbid)
			return false;
		break;
	case CGFENCE_RULE_DEVICE:
		want |= BIT(CGFENCE_RULE_A_DEV_TYPE) | BIT(CGFENCE_RULE_A_DEV_MAJOR) |
			BIT(CGFENCE_RULE_A_DEV_MINOR) | BIT(CGFENCE_RULE_A_DEV_ACCESS);
		if (d->dev_type != r->dev_type || d->major != r->dev_major ||
		    d->minor != r->dev_minor || d->access != r->dev_access)
			return false;
		break;
	}
	return d->present == want;
}

/* The CGFENCE_A_RULES attribute of a PROFILE_ADD message, NULL when malformed. */
static struct nlattr *rules_of(struct nl_msg *msg)
{
	struct nlattr *tb[CGFENCE_A_MAX + 1];
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct genlmsghdr *g = nlmsg_data(nlh);

	if (g->cmd != CGFENCE_CMD_PROFILE_ADD || g->version != CGFENCE_GENL_VERSION ||
	    nlh->nlmsg_type != FAMILY ||
	    genlmsg_parse(nlh, 0, tb, CGFENCE_A_MAX, (struct nla_policy *)top_policy))
		return NULL;
	/* The only attribute: strict validation refuses anything the command does not take. */
	if (genlmsg_attrlen(g, 0) != nla_total_size(nla_len(tb[CGFENCE_A_RULES])))
		return NULL;
	if (!(tb[CGFENCE_A_RULES]->nla_type & NLA_F_NESTED))
		return NULL;
	return tb[CGFENCE_A_RULES];
}

static int parse_policy(const char *text, struct cgf_policy *pol)
{
	char err[CGF_POLICY_ERR_MAX];
	int rc;

	rc = cgf_policy_parse_string("test.cgf", text, NULL, pol, err, sizeof(err));
	if (rc)
		tap_diag("parse error: %s", err);
	return rc;
}

static void test_begin(const struct cgf_policy_profile *p)
{
	struct nlattr *tb[CGFENCE_A_MAX + 1];
	struct nl_msg *msg = cgf_encode_begin(FAMILY, p);
	struct genlmsghdr *g;

	if (!tap_ok(msg, "begin: message built"))
		return;
	g = nlmsg_data(nlmsg_hdr(msg));
	tap_is_int(g->cmd, CGFENCE_CMD_PROFILE_BEGIN, "begin: command PROFILE_BEGIN");
	tap_is_int(genlmsg_parse(nlmsg_hdr(msg), 0, tb, CGFENCE_A_MAX,
				 (struct nla_policy *)top_policy), 0, "begin: attributes parse");
	tap_is_str(tb[CGFENCE_A_PROFILE_NAME] ? nla_get_string(tb[CGFENCE_A_PROFILE_NAME]) : NULL,
		   "web", "begin: profile name");
	tap_ok(tb[CGFENCE_A_PROFILE_MODE] &&
	       nla_get_u8(tb[CGFENCE_A_PROFILE_MODE]) == CGFENCE_MODE_COMPLAIN,
	       "begin: mode complain");
	tap_ok(tb[CGFENCE_A_PROFILE_FILE_DEFAULT] &&
	       nla_get_u8(tb[CGFENCE_A_PROFILE_FILE_DEFAULT]) == CGFENCE_EFFECT_DENY,
	       "begin: file default deny");
	tap_ok(tb[CGFENCE_A_PROFILE_RULE_COUNT] &&
	       nla_get_u32(tb[CGFENCE_A_PROFILE_RULE_COUNT]) == p->nr_rules,
	       "begin: rule count %zu", p->nr_rules);
	tap_ok(!tb[CGFENCE_A_RULES], "begin: no rules in the begin message");
	nlmsg_free(msg);
}

static void test_small(void)
{
	const struct cgf_policy_profile *p;
	struct cgf_policy pol;
	struct cgf_chunk chunk;
	struct decoded d;
	struct nlattr *rules, *nest;
	size_t n = 0, i, sum = 0;
	bool sizes_ok = true, same = true;
	int rem;

	if (!tap_is_int(parse_policy(policy_text, &pol), 0, "small: the policy parses"))
		return;
	p = &pol.profiles[0];
	tap_is_int(p->nr_rules, 8, "small: eight rules");
	test_begin(p);

	tap_is_int(cgf_encode_chunk(FAMILY, p, 0, CGF_CHUNK_BYTES, &chunk), 0,
		   "small: one chunk is built");
	tap_is_int(chunk.first, 0, "small: the chunk starts at rule 0");
	tap_is_int(chunk.count, 8, "small: the chunk holds every rule");
	rules = rules_of(chunk.msg);
	tap_ok(rules, "small: PROFILE_ADD with one nested CGFENCE_A_RULES, nothing else");
	if (rules) {
		nla_for_each_nested(nest, rules, rem) {
			if (n >= p->nr_rules || decode_rule(nest, &d) ||
			    !same_rule(&d, &p->rules[n])) {
				same = false;
				tap_diag("rule %zu differs", n);
			}
			if ((char *)nest - (char *)nlmsg_hdr(chunk.msg) != chunk.offs[n])
				sizes_ok = false;
			n++;
		}
		tap_is_int(n, 8, "small: eight nested CGFENCE_RULE_A_RULE entries");
		tap_ok(same,
		       "small: ids, kinds, effects, bits, strings, numbers, origins as parsed; NLA_F_NESTED; no attribute of another kind");
		tap_ok(sizes_ok, "small: the recorded offsets are where each rule starts");
	}
	for (i = 0; i < p->nr_rules; i++) {
		if (chunk.offs[i + 1] - chunk.offs[i] != cgf_encode_rule_size(&p->rules[i]))
			sizes_ok = false;
		sum += cgf_encode_rule_size(&p->rules[i]);
	}
	tap_ok(sizes_ok, "small: cgf_encode_rule_size() is each rule's exact size");
	tap_is_int(nlmsg_hdr(chunk.msg)->nlmsg_len,
		   NLMSG_HDRLEN + GENL_HDRLEN + NLA_HDRLEN + sum,
		   "small: the message is exactly headers plus rules");

	/* Spot checks against the policy text, not only against the parser's output. */
	tap_ok(p->rules[0].kind == CGFENCE_RULE_FILE &&
	       p->rules[0].file_perms == (CGFENCE_FILE_READ | CGFENCE_FILE_WRITE |
					  CGFENCE_FILE_APPEND),
	       "small: rule 1 is file rw (w includes append)");
	tap_ok(p->rules[2].mount_require == (CGFENCE_MOPT_NOSUID | CGFENCE_MOPT_NODEV) &&
	       p->rules[2].mount_forbid == CGFENCE_MOPT_RO &&
	       str_eq(p->rules[2].fstype, "tmpfs") && !p->rules[2].source,
	       "small: rule 3 is a tmpfs mount with options, without source");
	tap_ok(!p->rules[3].fstype && str_eq(p->rules[3].source, "/dev/sda1"),
	       "small: rule 4 is a mount of any fstype");
	tap_ok(p->rules[7].dev_major == CGFENCE_DEV_ANY &&
	       p->rules[7].dev_minor == CGFENCE_DEV_ANY && p->rules[7].effect == CGFENCE_EFFECT_DENY,
	       "small: rule 8 is deny b *:*, sent as CGFENCE_DEV_ANY");

	/* Offsets the kernel may report: the rule itself or any attribute inside it. */
	tap_is_int(cgf_chunk_rule_at(&chunk, chunk.offs[0]), 0, "offset: start of rule 0");
	tap_is_int(cgf_chunk_rule_at(&chunk, chunk.offs[5]), 5, "offset: start of rule 5");
	tap_is_int(cgf_chunk_rule_at(&chunk, chunk.offs[5] + NLA_HDRLEN + 8), 5,
		   "offset: an attribute inside rule 5");
	tap_is_int(cgf_chunk_rule_at(&chunk, chunk.offs[6] - 4), 5,
		   "offset: the last attribute of rule 5");
	tap_is_int(cgf_chunk_rule_at(&chunk, chunk.offs[8] - 1), 7, "offset: last byte of rule 7");
	tap_is_int(cgf_chunk_rule_at(&chunk, chunk.offs[8]), -1, "offset: past the last rule");
	tap_is_int(cgf_chunk_rule_at(&chunk, chunk.offs[0] - NLA_HDRLEN), -1,
		   "offset: the CGFENCE_A_RULES header is no rule");
	tap_is_int(cgf_chunk_rule_at(&chunk, 0), -1, "offset: the nlmsghdr is no rule");
	tap_is_int(cgf_chunk_rule_at(&chunk, -1), -1, "offset: none given");

	cgf_chunk_free(&chunk);
	tap_is_int(cgf_encode_chunk(FAMILY, p, 8, CGF_CHUNK_BYTES, &chunk), -EINVAL,
		   "small: no chunk past the last rule");
	tap_is_int(cgf_encode_chunk(FAMILY, p, 0, 8, &chunk), -E2BIG,
		   "small: a rule larger than the limit is refused");
	tap_ok(!chunk.msg && !chunk.offs, "small: a refused chunk holds nothing");
	cgf_chunk_free(&chunk);
	cgf_policy_free(&pol);
}

static bool same_decoded(const struct cgf_policy_rule *a, const struct cgf_policy_rule *b)
{
	return a->id == b->id && a->kind == b->kind && a->effect == b->effect &&
	       a->file_perms == b->file_perms && str_eq(a->path, b->path) &&
	       a->mount_ops == b->mount_ops && a->mount_require == b->mount_require &&
	       a->mount_forbid == b->mount_forbid && str_eq(a->fstype, b->fstype) &&
	       str_eq(a->source, b->source) && str_eq(a->target, b->target) &&
	       a->dev_type == b->dev_type && a->dev_access == b->dev_access &&
	       a->dev_major == b->dev_major && a->dev_minor == b->dev_minor &&
	       a->kernel_ops == b->kernel_ops && str_eq(a->src_file, b->src_file) &&
	       a->src_line == b->src_line && a->src_col == b->src_col;
}

/* One rule through cgf_encode_rule() and back with cgf_decode_rule(). */
static int round_trip(const struct cgf_policy_rule *in, struct cgf_policy_rule *out,
		      struct cgf_arena *arena)
{
	struct nl_msg *msg = nlmsg_alloc();
	int err;

	err = cgf_encode_rule(msg, in);
	if (!err)
		err = cgf_decode_rule((struct nlattr *)nlmsg_data(nlmsg_hdr(msg)), out, arena);
	nlmsg_free(msg);
	return err;
}

/* What RULE_GET gives back is what was loaded: the rules and where they were written. */
static void test_decode(void)
{
	struct cgf_arena arena = { NULL };
	const struct cgf_policy_profile *p;
	struct cgf_policy_rule r, odd;
	struct cgf_policy pol;
	char origin[CGFENCE_MAX_ORIGIN], longname[400];
	bool same = true;
	size_t i, len;

	if (!tap_is_int(parse_policy(policy_text, &pol), 0, "decode: the policy parses"))
		return;
	p = &pol.profiles[0];
	for (i = 0; i < p->nr_rules; i++)
		if (round_trip(&p->rules[i], &r, &arena) || !same_decoded(&r, &p->rules[i])) {
			same = false;
			tap_diag("rule %zu differs after the round trip", i);
		}
	tap_ok(same, "decode: every rule of every kind comes back as parsed, origin included");
	tap_is_int(p->rules[3].src_line, 10, "decode: rule 4 was written on line 10");
	tap_is_int(p->rules[3].src_col, 3, "decode: at column 3 (after two tabs)");

	/* A file name with ':' in it: the origin is read from the right. */
	odd = p->rules[0];
	odd.src_file = "/etc/cgfence/a:b.cgf";
	tap_ok(!round_trip(&odd, &r, &arena) && str_eq(r.src_file, "/etc/cgfence/a:b.cgf") &&
	       r.src_line == odd.src_line && r.src_col == odd.src_col,
	       "decode: a file name holding ':' keeps it");

	/* Too long for CGFENCE_MAX_ORIGIN: the front goes, the file's own name stays. */
	memset(longname, 'd', sizeof(longname));
	memcpy(longname + sizeof(longname) - 9, "/web.cgf", 9);
	odd.src_file = longname;
	odd.src_line = 123456;
	odd.src_col = 78;
	len = cgf_encode_origin(origin, &odd);
	tap_is_int(len, CGFENCE_MAX_ORIGIN - 1, "origin: a long one is cut to %d bytes",
		   CGFENCE_MAX_ORIGIN - 1);
	tap_ok(!strncmp(origin, "...ddd", 6) && strstr(origin, "/web.cgf:123456:78") &&
	       strlen(strstr(origin, "/web.cgf:123456:78")) == 18,
	       "origin: cut at the front, ending in the file name, line and column");
	tap_ok(!round_trip(&odd, &r, &arena) && r.src_line == 123456 && r.src_col == 78 &&
	       !strncmp(r.src_file, "...", 3),
	       "decode: the cut origin still gives line and column");
	odd.src_file = NULL;
	tap_is_int(cgf_encode_origin(origin, &odd), 0, "origin: none for a rule built by hand");
	tap_ok(!round_trip(&odd, &r, &arena) && !r.src_file && !r.src_line,
	       "decode: a rule without origin decodes with none");
	cgf_arena_release(&arena);
	cgf_policy_free(&pol);
}

/* An NLMSG_ERROR the way the kernel answers a refused PROFILE_ADD, with NETLINK_CAP_ACK. */
static struct nl_msg *refusal(uint32_t offset, const char *text)
{
	struct nl_msg *msg = nlmsg_alloc_simple(NLMSG_ERROR, NLM_F_ACK_TLVS | NLM_F_CAPPED);
	struct nlmsgerr e = { .error = -EINVAL };

	e.msg.nlmsg_len = 40000;
	e.msg.nlmsg_type = FAMILY;
	nlmsg_append(msg, &e, sizeof(e), 0);
	nla_put_string(msg, NLMSGERR_ATTR_MSG, text);
	nla_put_u32(msg, NLMSGERR_ATTR_OFFS, offset);
	return msg;
}

static void test_extack_mapping(void)
{
	char buf[CGF_ERRMSG_MAX];
	const struct cgf_policy_rule *r;
	struct cgf_policy pol;
	struct cgf_chunk chunk;
	struct nl_msg *msg;
	long offset = 0, idx;

	if (parse_policy(policy_text, &pol))
		return;
	cgf_encode_chunk(FAMILY, &pol.profiles[0], 0, CGF_CHUNK_BYTES, &chunk);

	/* The kernel points at the path of rule index 4 ("allow bind /srv -> /mnt/x"). */
	msg = refusal(chunk.offs[4] + NLA_HDRLEN + 3 * 8, "mount rule: bad pattern");
	tap_is_int(cgf_nl_extack_parse(nlmsg_hdr(msg), buf, sizeof(buf), &offset), 0,
		   "extack: refusal with message and offset parses");
	tap_is_str(buf, "mount rule: bad pattern", "extack: message");
	tap_is_int(offset, chunk.offs[4] + NLA_HDRLEN + 24, "extack: offset");
	idx = cgf_chunk_rule_at(&chunk, offset);
	tap_is_int(idx, 4, "extack: the offset maps to rule index 4");
	if (idx >= 0) {
		r = &pol.profiles[0].rules[idx];
		tap_ok(r->src_line == 11 && r->src_col == 3 && str_eq(r->src_file, "test.cgf"),
		       "extack: which was written at test.cgf:11:3 (got %s:%d:%d)", r->src_file,
		       r->src_line, r->src_col);
	}
	nlmsg_free(msg);

	msg = nlmsg_alloc_simple(NLMSG_ERROR, NLM_F_ACK_TLVS | NLM_F_CAPPED);
	{
		struct nlmsgerr e = { .error = -EINVAL };

		nlmsg_append(msg, &e, sizeof(e), 0);
		nla_put_u32(msg, NLMSGERR_ATTR_OFFS, 20);
	}
	tap_is_int(cgf_nl_extack_parse(nlmsg_hdr(msg), buf, sizeof(buf), &offset), 0,
		   "extack: an offset without a message");
	tap_ok(offset == 20 && !buf[0], "extack: offset 20, empty message");
	tap_is_int(cgf_nl_extack_msg(nlmsg_hdr(msg), buf, sizeof(buf)), -ENOENT,
		   "extack: cgf_nl_extack_msg() still finds no message there");
	nlmsg_free(msg);

	msg = nlmsg_alloc_simple(NLMSG_ERROR, NLM_F_CAPPED);
	{
		struct nlmsgerr e = { .error = -EINVAL };

		nlmsg_append(msg, &e, sizeof(e), 0);
	}
	tap_is_int(cgf_nl_extack_parse(nlmsg_hdr(msg), buf, sizeof(buf), &offset), -ENOENT,
		   "extack: no TLVs at all");
	tap_is_int(offset, -1, "extack: no offset is -1");
	nlmsg_free(msg);

	cgf_chunk_free(&chunk);
	cgf_policy_free(&pol);
}

/* CGFENCE_MAX_RULES file rules: several chunks, each within bounds, all rules in order. */
static void test_large(void)
{
	const size_t nr = CGFENCE_MAX_RULES;
	const struct cgf_policy_profile *p;
	struct cgf_policy pol;
	struct cgf_chunk chunk;
	struct nlattr *rules, *nest;
	struct decoded d;
	size_t len = 0, cap = nr * 40 + 100, first = 0, seen = 0, chunks = 0, i;
	bool bounded = true, ordered = true, contiguous = true;
	char *text = malloc(cap), path[32];
	int rem;

	len += snprintf(text + len, cap - len, "profile big {\n\tmode enforce;\n\tfile {\n");
	for (i = 0; i < nr; i++)
		len += snprintf(text + len, cap - len, "\t\t%s r /data/%zu/**;\n",
				i % 3 ? "allow" : "deny", i);
	snprintf(text + len, cap - len, "\t}\n}\n");
	if (!tap_is_int(parse_policy(text, &pol), 0, "large: %zu rules parse", nr)) {
		free(text);
		return;
	}
	free(text);
	p = &pol.profiles[0];
	tap_is_int(p->nr_rules, nr, "large: the profile has them all");

	while (first < p->nr_rules) {
		if (cgf_encode_chunk(FAMILY, p, first, CGF_CHUNK_BYTES, &chunk)) {
			bounded = false;
			break;
		}
		chunks++;
		if (chunk.first != first)
			contiguous = false;
		rules = rules_of(chunk.msg);
		if (!rules || nla_len(rules) > CGF_CHUNK_BYTES ||
		    nlmsg_hdr(chunk.msg)->nlmsg_len > NLMSG_HDRLEN + GENL_HDRLEN + NLA_HDRLEN +
		    CGF_CHUNK_BYTES)
			bounded = false;
		/* Full chunks: the next rule would not have fitted. */
		if (first + chunk.count < p->nr_rules &&
		    nla_len(rules) + cgf_encode_rule_size(&p->rules[first + chunk.count]) <=
		    CGF_CHUNK_BYTES)
			bounded = false;
		nla_for_each_nested(nest, rules, rem) {
			snprintf(path, sizeof(path), "/data/%zu/**", seen);
			if (decode_rule(nest, &d) || d.id != seen + 1 || !str_eq(d.path, path) ||
			    d.effect != (seen % 3 ? CGFENCE_EFFECT_ALLOW : CGFENCE_EFFECT_DENY))
				ordered = false;
			seen++;
		}
		first += chunk.count;
		cgf_chunk_free(&chunk);
	}
	tap_ok(chunks > 1, "large: %zu rules take several messages (%zu)", nr, chunks);
	tap_ok(bounded, "large: each message's rules fit %d bytes, and each chunk is full",
	       CGF_CHUNK_BYTES);
	tap_ok(contiguous, "large: each chunk starts where the previous one ended");
	tap_is_int(seen, nr, "large: together the chunks carry every rule once");
	tap_ok(ordered, "large: in order, ids 1..%zu, with their paths and effects", nr);
	cgf_policy_free(&pol);
}

int main(void)
{
	/* The count of results this program prints; tap_done() checks it. */
	tap_plan(62);
	test_small();
	test_decode();
	test_extack_mapping();
	test_large();
	return tap_done();
}
