// SPDX-License-Identifier: GPL-2.0
/* Denial records: parsing the module's CGFENCE_CMD_DENIAL messages, filtering, rendering. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "cgfence.h"
#include "container.h"
#include "denials.h"
#include "output.h"
#include "policy_int.h"
#include "util.h"

/*
 * Exact sizes for numbers; strings get a generous bound (the module cuts its own at 256
 * bytes) so that a longer one is a malformed record, not a silently cut one.
 */
static const struct nla_policy denial_policy[CGFENCE_A_MAX + 1] = {
	[CGFENCE_A_DENIAL_SEQ] = { .type = NLA_U64, .minlen = 8, .maxlen = 8 },
	[CGFENCE_A_DENIAL_TIME] = { .type = NLA_U64, .minlen = 8, .maxlen = 8 },
	[CGFENCE_A_CGROUP_ID] = { .type = NLA_U64, .minlen = 8, .maxlen = 8 },
	[CGFENCE_A_CGROUP_PATH] = { .type = NLA_STRING, .maxlen = PATH_MAX },
	[CGFENCE_A_PROFILE_NAME] = { .type = NLA_STRING, .maxlen = CGFENCE_MAX_NAME },
	[CGFENCE_A_DENIAL_RULE_ID] = { .type = NLA_U32, .minlen = 4, .maxlen = 4 },
	[CGFENCE_A_DENIAL_OP] = { .type = NLA_STRING, .maxlen = 64 },
	[CGFENCE_A_DENIAL_KIND] = { .type = NLA_U8, .minlen = 1, .maxlen = 1 },
	[CGFENCE_A_DENIAL_OBJECT] = { .type = NLA_STRING, .maxlen = PATH_MAX },
	[CGFENCE_A_DENIAL_REQUESTED] = { .type = NLA_U32, .minlen = 4, .maxlen = 4 },
	[CGFENCE_A_DENIAL_DENIED] = { .type = NLA_U32, .minlen = 4, .maxlen = 4 },
	[CGFENCE_A_DENIAL_PID] = { .type = NLA_U32, .minlen = 4, .maxlen = 4 },
	[CGFENCE_A_DENIAL_COMM] = { .type = NLA_STRING, .maxlen = 64 },
	[CGFENCE_A_DENIAL_VERDICT] = { .type = NLA_U8, .minlen = 1, .maxlen = 1 },
	[CGFENCE_A_DENIAL_LOST] = { .type = NLA_U32, .minlen = 4, .maxlen = 4 },
	[CGFENCE_A_PROFILE_GENERATION] = { .type = NLA_U64, .minlen = 8, .maxlen = 8 },
};

/* The record's strings, in the order they are packed into one allocation. */
static const char **string_field(struct cgf_denial *d, int i)
{
	const char **fields[] = { &d->cgroup, &d->profile, &d->op, &d->object, &d->comm };

	return fields[i];
}

#define NR_STRINGS	5

/* Packs the strings @src points to into one allocation owned by @dst. */
static int own_strings(struct cgf_denial *dst, const char *const src[NR_STRINGS])
{
	size_t total = 0, n;
	char *p;
	int i;

	for (i = 0; i < NR_STRINGS; i++)
		total += strlen(src[i] ? src[i] : "") + 1;
	dst->strings = malloc(total);
	if (!dst->strings)
		return -ENOMEM;
	p = dst->strings;
	for (i = 0; i < NR_STRINGS; i++) {
		n = strlen(src[i] ? src[i] : "") + 1;
		memcpy(p, src[i] ? src[i] : "", n);
		*string_field(dst, i) = p;
		p += n;
	}
	return 0;
}

int cgf_denial_parse(struct nlmsghdr *nlh, struct cgf_denial *d)
{
	static const int needed[] = {
		CGFENCE_A_DENIAL_SEQ, CGFENCE_A_DENIAL_TIME, CGFENCE_A_CGROUP_ID,
		CGFENCE_A_CGROUP_PATH, CGFENCE_A_PROFILE_NAME, CGFENCE_A_DENIAL_RULE_ID,
		CGFENCE_A_DENIAL_OP, CGFENCE_A_DENIAL_KIND, CGFENCE_A_DENIAL_OBJECT,
		CGFENCE_A_DENIAL_REQUESTED, CGFENCE_A_DENIAL_DENIED, CGFENCE_A_DENIAL_PID,
		CGFENCE_A_DENIAL_COMM, CGFENCE_A_DENIAL_VERDICT,
	};
	struct nlattr *tb[CGFENCE_A_MAX + 1];
	const char *strings[NR_STRINGS];
	size_t i;

	memset(d, 0, sizeof(*d));
	if (!genlmsg_valid_hdr(nlh, 0))
		return -EBADMSG;
	/* Learned records are laid out as denial records are. */
	if (((struct genlmsghdr *)nlmsg_data(nlh))->cmd != CGFENCE_CMD_DENIAL &&
	    ((struct genlmsghdr *)nlmsg_data(nlh))->cmd != CGFENCE_CMD_LEARNED_GET)
		return -EPROTO;
	if (genlmsg_parse(nlh, 0, tb, CGFENCE_A_MAX, (struct nla_policy *)denial_policy) < 0)
		return -EBADMSG;
	for (i = 0; i < ARRAY_SIZE(needed); i++)
		if (!tb[needed[i]])
			return -ENODATA;

	d->seq = nla_get_u64(tb[CGFENCE_A_DENIAL_SEQ]);
	d->time_ns = nla_get_u64(tb[CGFENCE_A_DENIAL_TIME]);
	d->cgroup_id = nla_get_u64(tb[CGFENCE_A_CGROUP_ID]);
	d->rule_id = nla_get_u32(tb[CGFENCE_A_DENIAL_RULE_ID]);
	d->kind = nla_get_u8(tb[CGFENCE_A_DENIAL_KIND]);
	d->requested = nla_get_u32(tb[CGFENCE_A_DENIAL_REQUESTED]);
	d->denied = nla_get_u32(tb[CGFENCE_A_DENIAL_DENIED]);
	d->pid = nla_get_u32(tb[CGFENCE_A_DENIAL_PID]);
	d->verdict = nla_get_u8(tb[CGFENCE_A_DENIAL_VERDICT]);
	/* Older modules may not count losses per record: none reported is none known. */
	if (tb[CGFENCE_A_DENIAL_LOST])
		d->lost = nla_get_u32(tb[CGFENCE_A_DENIAL_LOST]);
	if (tb[CGFENCE_A_PROFILE_GENERATION])
		d->generation = nla_get_u64(tb[CGFENCE_A_PROFILE_GENERATION]);

	strings[0] = nla_get_string(tb[CGFENCE_A_CGROUP_PATH]);
	strings[1] = nla_get_string(tb[CGFENCE_A_PROFILE_NAME]);
	strings[2] = nla_get_string(tb[CGFENCE_A_DENIAL_OP]);
	strings[3] = nla_get_string(tb[CGFENCE_A_DENIAL_OBJECT]);
	strings[4] = nla_get_string(tb[CGFENCE_A_DENIAL_COMM]);
	return own_strings(d, strings);
}

int cgf_denial_copy(struct cgf_denial *dst, const struct cgf_denial *src)
{
	const char *strings[NR_STRINGS] = {
		src->cgroup, src->profile, src->op, src->object, src->comm,
	};

	*dst = *src;
	dst->strings = NULL;
	return own_strings(dst, strings);
}

void cgf_denial_release(struct cgf_denial *d)
{
	free(d->strings);
	memset(d, 0, sizeof(*d));
}

const char *cgf_denial_verdict_name(uint8_t verdict)
{
	switch (verdict) {
	case CGFENCE_VERDICT_DENIED:
		return "denied";
	case CGFENCE_VERDICT_WOULD_DENY:
		return "would-deny";
	}
	return NULL;
}

const char *cgf_denial_kind_name(uint8_t kind)
{
	switch (kind) {
	case CGFENCE_DENIAL_FILE:
		return "file";
	case CGFENCE_DENIAL_MOUNT:
		return "mount";
	case CGFENCE_DENIAL_DEVICE:
		return "device";
	case CGFENCE_DENIAL_CGROUP:
		return "cgroup";
	case CGFENCE_DENIAL_KERNEL:
		return "kernel";
	}
	return NULL;
}

/* Letters at the position of their bit; a bit without a letter makes the whole "0x..". */
static bool letters(char *buf, size_t len, const char *set, uint32_t bits)
{
	size_t n = 0, i;

	if (bits >> strlen(set))
		return false;
	for (i = 0; set[i]; i++)
		if (bits & (1u << i) && n + 1 < len)
			buf[n++] = set[i];
	buf[n] = '\0';
	return true;
}

static bool bit_names(char *buf, size_t len, const struct cgf_name_bit *table, uint32_t bits)
{
	const struct cgf_name_bit *t;
	uint32_t known = 0;
	size_t n = 0;

	buf[0] = '\0';
	for (t = table; t->name; t++) {
		known |= t->bit;
		if (bits & t->bit)
			n += snprintf(n < len ? buf + n : NULL, n < len ? len - n : 0, "%s%s",
				      n ? "," : "", t->name);
	}
	return !(bits & ~known) && n < len;
}

char *cgf_denial_bits_text(char *buf, size_t len, uint8_t kind, uint32_t bits)
{
	bool ok = false;

	if (!len)
		return buf;
	if (!bits) {
		snprintf(buf, len, "-");
		return buf;
	}
	switch (kind) {
	case CGFENCE_DENIAL_FILE:
		ok = letters(buf, len, CGF_FILE_PERM_LETTERS, bits);
		break;
	case CGFENCE_DENIAL_DEVICE:
		ok = letters(buf, len, CGF_DEV_ACCESS_LETTERS, bits);
		break;
	case CGFENCE_DENIAL_MOUNT:
		ok = bit_names(buf, len, cgf_mount_op_names, bits);
		break;
	case CGFENCE_DENIAL_KERNEL:
		ok = bit_names(buf, len, cgf_kernel_op_names, bits);
		break;
	}
	if (!ok)
		snprintf(buf, len, "0x%" PRIx32, bits);
	return buf;
}

char *cgf_denial_time_text(char *buf, size_t len, uint64_t time_ns)
{
	time_t secs = (time_t)(time_ns / 1000000000u);
	unsigned int ms = (unsigned int)(time_ns % 1000000000u / 1000000u);
	struct tm tm;
	char date[32];

	if (!gmtime_r(&secs, &tm) || !strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm))
		snprintf(date, sizeof(date), "@%lld", (long long)secs);
	snprintf(buf, len, "%s.%03uZ", date, ms);
	return buf;
}

/* A value on a key=value line: escaped so that it holds no space and no control byte. */
static void plain_value(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (!s || !*s) {
		fputc('-', f);
		return;
	}
	for (; *p; p++) {
		if (*p == '\\')
			fputs("\\\\", f);
		else if (*p <= ' ' || *p == 0x7f)
			fprintf(f, "\\x%02x", *p);
		else
			fputc(*p, f);
	}
}

/* " container=RUNTIME:ID" (the id short, as docker ps shows it) when a runtime named the cgroup. */
static void plain_container(FILE *f, const char *cgroup)
{
	struct cgf_container c;

	if (!cgroup || !cgf_container_of(cgroup, &c))
		return;
	fprintf(f, " container=%s:", c.runtime);
	if (strcmp(c.runtime, "nspawn"))
		c.id[CGF_CONTAINER_SHORT_ID] = '\0';
	plain_value(f, c.id);
}

/* ,"container":{"runtime":..,"id":..} with the full id, or null. */
static void json_container(FILE *f, const char *cgroup)
{
	struct cgf_container c;

	if (!cgroup || !cgf_container_of(cgroup, &c)) {
		fputs(",\"container\":null", f);
		return;
	}
	fprintf(f, ",\"container\":{\"runtime\":\"%s\",\"id\":", c.runtime);
	cgf_json_string(f, c.id);
	fputc('}', f);
}

/* Room for the longest bits text: every mount operation name with its comma. */
#define BITS_TEXT_MAX	96

void cgf_denial_render_plain(FILE *f, const struct cgf_denial *d)
{
	const char *verdict = cgf_denial_verdict_name(d->verdict);
	char text[BITS_TEXT_MAX];

	fputs(cgf_denial_time_text(text, sizeof(text), d->time_ns), f);
	fprintf(f, " seq=%" PRIu64 " ", d->seq);
	if (verdict)
		fputs(verdict, f);
	else
		fprintf(f, "verdict(%u)", d->verdict);
	fputs(" cgroup=", f);
	plain_value(f, d->cgroup);
	plain_container(f, d->cgroup);
	fputs(" profile=", f);
	plain_value(f, d->profile);
	fprintf(f, " rule=%" PRIu32, d->rule_id);
	if (d->origin) {
		fputs(" origin=", f);
		plain_value(f, d->origin);
	}
	fputs(" op=", f);
	plain_value(f, d->op);
	fputs(" object=", f);
	plain_value(f, d->object);
	fprintf(f, " requested=%s", cgf_denial_bits_text(text, sizeof(text), d->kind,
							 d->requested));
	fprintf(f, " denied=%s", cgf_denial_bits_text(text, sizeof(text), d->kind, d->denied));
	fprintf(f, " pid=%" PRIu32 " comm=", d->pid);
	plain_value(f, d->comm);
	fputc('\n', f);
}

void cgf_denial_render_json(FILE *f, const struct cgf_denial *d)
{
	const char *verdict = cgf_denial_verdict_name(d->verdict);
	const char *kind = cgf_denial_kind_name(d->kind);
	char text[BITS_TEXT_MAX];

	fprintf(f, "{\"type\":\"denial\",\"seq\":%" PRIu64 ",\"time\":\"%s\",\"time_ns\":%" PRIu64,
		d->seq, cgf_denial_time_text(text, sizeof(text), d->time_ns), d->time_ns);
	if (verdict)
		fprintf(f, ",\"verdict\":\"%s\"", verdict);
	else
		fprintf(f, ",\"verdict\":\"unknown(%u)\"", d->verdict);
	fputs(",\"cgroup\":", f);
	cgf_json_string(f, d->cgroup);
	json_container(f, d->cgroup);
	fprintf(f, ",\"cgroup_id\":%" PRIu64 ",\"profile\":", d->cgroup_id);
	cgf_json_string(f, d->profile);
	fprintf(f, ",\"rule_id\":%" PRIu32 ",\"origin\":", d->rule_id);
	cgf_json_string(f, d->origin);
	fputs(",\"op\":", f);
	cgf_json_string(f, d->op);
	if (kind)
		fprintf(f, ",\"kind\":\"%s\"", kind);
	else
		fprintf(f, ",\"kind\":\"unknown(%u)\"", d->kind);
	fputs(",\"object\":", f);
	cgf_json_string(f, d->object);
	fprintf(f, ",\"requested\":%" PRIu32 ",\"requested_text\":\"%s\"", d->requested,
		cgf_denial_bits_text(text, sizeof(text), d->kind, d->requested));
	fprintf(f, ",\"denied\":%" PRIu32 ",\"denied_text\":\"%s\"", d->denied,
		cgf_denial_bits_text(text, sizeof(text), d->kind, d->denied));
	fprintf(f, ",\"pid\":%" PRIu32 ",\"comm\":", d->pid);
	cgf_json_string(f, d->comm);
	fprintf(f, ",\"lost\":%" PRIu32 "}\n", d->lost);
}

void cgf_denial_render_lost(FILE *f, bool json, const struct cgf_denial *d)
{
	if (!json) {
		fprintf(f, "# %" PRIu32 " record%s of ", d->lost, d->lost == 1 ? "" : "s");
		plain_value(f, d->cgroup);
		fprintf(f, " %s dropped here (rate limit)\n", d->lost == 1 ? "was" : "were");
		return;
	}
	fprintf(f, "{\"type\":\"lost\",\"seq\":%" PRIu64 ",\"cgroup\":", d->seq);
	cgf_json_string(f, d->cgroup);
	json_container(f, d->cgroup);
	fprintf(f, ",\"cgroup_id\":%" PRIu64 ",\"profile\":", d->cgroup_id);
	cgf_json_string(f, d->profile);
	fprintf(f, ",\"count\":%" PRIu32 "}\n", d->lost);
}

int cgf_denial_container_arg(const char *mount, const char *arg, char *buf, size_t len)
{
	size_t mlen = strlen(mount), n;

	/* "/sys/fs/cgroup" and "/sys/fs/cgroup/" are the mount itself, not a name below it. */
	while (mlen > 1 && mount[mlen - 1] == '/')
		mlen--;
	if (mlen > 1 && !strncmp(arg, mount, mlen) && (arg[mlen] == '/' || !arg[mlen]))
		arg += mlen;
	while (*arg == '/')
		arg++;
	if (snprintf(buf, len, "/%s", arg) >= (int)len)
		return -ENAMETOOLONG;
	n = strlen(buf);
	while (n > 1 && buf[n - 1] == '/')
		buf[--n] = '\0';
	return 0;
}

bool cgf_denial_match(const struct cgf_denial_filter *filter, const struct cgf_denial *d)
{
	const char *c = filter->container;
	size_t n;

	if (filter->profile && strcmp(filter->profile, d->profile ? d->profile : ""))
		return false;
	if (!c || !strcmp(c, "/"))
		return true;
	n = strlen(c);
	return d->cgroup && !strncmp(d->cgroup, c, n) && (!d->cgroup[n] || d->cgroup[n] == '/');
}

void cgf_denial_view_init(struct cgf_denial_view *v, FILE *out, bool json,
			  const struct cgf_denial_filter *filter, uint64_t since)
{
	memset(v, 0, sizeof(*v));
	v->out = out;
	v->json = json;
	if (filter)
		v->filter = *filter;
	v->next_seq = since ? since : 1;
}

int cgf_denial_view_feed(struct cgf_denial_view *v, const struct cgf_denial *d)
{
	if (d->seq < v->next_seq)
		return -1;
	if (d->seq > v->next_seq) {
		if (v->nr_gaps < CGF_DENIAL_GAPS_MAX) {
			v->gaps[v->nr_gaps].from = v->next_seq;
			v->gaps[v->nr_gaps].to = d->seq - 1;
			v->nr_gaps++;
		}
		v->missing += d->seq - v->next_seq;
	}
	v->next_seq = d->seq + 1;
	v->seen++;
	if (!cgf_denial_match(&v->filter, d))
		return 0;
	if (d->lost)
		cgf_denial_render_lost(v->out, v->json, d);
	if (v->json)
		cgf_denial_render_json(v->out, d);
	else
		cgf_denial_render_plain(v->out, d);
	v->shown++;
	return 1;
}

void cgf_denial_view_summary(const struct cgf_denial_view *v, bool have_lost,
			     uint64_t module_lost)
{
	uint64_t listed = 0;
	size_t i;

	if (!have_lost)
		module_lost = 0;
	if (!module_lost && !v->missing)
		return;
	if (v->json) {
		fputs("{\"type\":\"summary\",\"dropped\":", v->out);
		if (have_lost)
			fprintf(v->out, "%" PRIu64, module_lost);
		else
			fputs("null", v->out);
		fprintf(v->out, ",\"missing\":%" PRIu64 ",\"gaps\":[", v->missing);
		for (i = 0; i < v->nr_gaps; i++)
			fprintf(v->out, "%s[%" PRIu64 ",%" PRIu64 "]", i ? "," : "",
				v->gaps[i].from, v->gaps[i].to);
		fputs("]}\n", v->out);
		return;
	}
	if (module_lost) {
		fprintf(v->out, "# %" PRIu64 " record%s dropped", module_lost,
			module_lost == 1 ? " was" : "s were");
		fputs(" by the module since it was loaded (rate limit)\n", v->out);
	}
	for (i = 0; i < v->nr_gaps; i++) {
		uint64_t n = v->gaps[i].to - v->gaps[i].from + 1;

		listed += n;
		fprintf(v->out, "# seq %" PRIu64 "..%" PRIu64 " missing (%" PRIu64 " record%s)",
			v->gaps[i].from, v->gaps[i].to, n, n == 1 ? "" : "s");
		fputs(": not in the ring any more when read\n", v->out);
	}
	if (v->missing > listed)
		fprintf(v->out, "# %" PRIu64 " more records missing in further gaps\n",
			v->missing - listed);
}
