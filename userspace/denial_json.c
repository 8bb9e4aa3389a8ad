// SPDX-License-Identifier: GPL-2.0
/* Reading back the lines 'cgfence denials --json' writes: records, lost notes, summaries. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cgfence.h"
#include "denial_json.h"
#include "denials.h"
#include "json.h"
#include "util.h"

/*
 * The module's operations and the kind of record each makes, from the module's own list
 * (names are part of the interface and never change), so a line naming an operation the
 * module never reports is seen for what it is.
 */
static const struct {
	const char *name;
	uint8_t kind;
} known_ops[] = {
#define CGF_OP(suffix, name, kind) { name, CGFENCE_DENIAL_##kind },
#include "../module/ops_defs.h"
#undef CGF_OP
};

enum field_type {
	F_U32,
	F_U64,
	F_U64_OR_NULL,
	F_STR,
	F_STR_OR_NULL,
	F_CONTAINER,		/* null, or {"runtime":STRING,"id":STRING} */
	F_GAPS,			/* [[U64,U64],...] */
};

struct field {
	const char *key;
	enum field_type type;
	bool optional;
};

/* The members, in the order cgf_denial_render_json() writes them (the order is not checked). */
enum {
	D_TYPE, D_SEQ, D_TIME, D_TIME_NS, D_VERDICT, D_CGROUP, D_CONTAINER, D_CGROUP_ID,
	D_PROFILE, D_RULE_ID, D_ORIGIN, D_OP, D_KIND, D_OBJECT, D_REQUESTED, D_REQUESTED_TEXT, D_DENIED,
	D_DENIED_TEXT, D_PID, D_COMM, D_LOST, D_COUNT,
};

static const struct field denial_fields[D_COUNT] = {
	[D_TYPE] = { "type", F_STR },
	[D_SEQ] = { "seq", F_U64 },
	[D_TIME] = { "time", F_STR },
	[D_TIME_NS] = { "time_ns", F_U64 },
	[D_VERDICT] = { "verdict", F_STR },
	[D_CGROUP] = { "cgroup", F_STR },
	/* Added with container names; a stream saved by an older cgfence has none. */
	[D_CONTAINER] = { "container", F_CONTAINER, true },
	[D_CGROUP_ID] = { "cgroup_id", F_U64 },
	[D_PROFILE] = { "profile", F_STR },
	[D_RULE_ID] = { "rule_id", F_U32 },
	/* Added with rule origins: where the deciding rule was written, or null. */
	[D_ORIGIN] = { "origin", F_STR_OR_NULL, true },
	[D_OP] = { "op", F_STR },
	[D_KIND] = { "kind", F_STR },
	[D_OBJECT] = { "object", F_STR },
	[D_REQUESTED] = { "requested", F_U32 },
	[D_REQUESTED_TEXT] = { "requested_text", F_STR },
	[D_DENIED] = { "denied", F_U32 },
	[D_DENIED_TEXT] = { "denied_text", F_STR },
	[D_PID] = { "pid", F_U32 },
	[D_COMM] = { "comm", F_STR },
	[D_LOST] = { "lost", F_U32 },
};

enum { L_TYPE, L_SEQ, L_CGROUP, L_CONTAINER, L_CGROUP_ID, L_PROFILE, L_COUNT, L_NR };

static const struct field lost_fields[L_NR] = {
	[L_TYPE] = { "type", F_STR },
	[L_SEQ] = { "seq", F_U64 },
	[L_CGROUP] = { "cgroup", F_STR },
	[L_CONTAINER] = { "container", F_CONTAINER, true },
	[L_CGROUP_ID] = { "cgroup_id", F_U64 },
	[L_PROFILE] = { "profile", F_STR },
	[L_COUNT] = { "count", F_U32 },
};

enum { S_TYPE, S_DROPPED, S_MISSING, S_GAPS, S_NR };

static const struct field summary_fields[S_NR] = {
	[S_TYPE] = { "type", F_STR },
	[S_DROPPED] = { "dropped", F_U64_OR_NULL },
	[S_MISSING] = { "missing", F_U64 },
	[S_GAPS] = { "gaps", F_GAPS },
};

static const struct field container_fields[] = {
	{ "runtime", F_STR, false },
	{ "id", F_STR, false },
};

#define FIELDS_MAX	D_COUNT

struct ctx {
	struct cgf_json j;
	struct cgf_denial_line *out;
};

static __printf(2, 3) void bad(struct ctx *c, const char *fmt, ...)
{
	va_list ap;

	c->out->type = CGF_LINE_BAD;
	va_start(ap, fmt);
	vsnprintf(c->out->why, sizeof(c->out->why), fmt, ap);
	va_end(ap);
}

#define FOREIGN	"not a line of 'cgfence denials --json': "

/* Number token @tok as an unsigned integer up to @max: no sign, fraction or exponent. */
static bool get_uint(const struct cgf_json *j, int tok, uint64_t max, uint64_t *out)
{
	const struct cgf_json_tok *t = &j->toks[tok];
	uint64_t v = 0;
	size_t i;

	if (t->type != CGF_JSON_NUMBER)
		return false;
	for (i = t->start; i < t->end; i++) {
		unsigned int digit = (unsigned char)j->text[i] - '0';

		if (digit > 9 || v > (max - digit) / 10)
			return false;
		v = v * 10 + digit;
	}
	*out = v;
	return true;
}

static bool valid(struct ctx *c, const struct field *f, int tok);

/*
 * The members of object @obj, by @fields: @vals[i] gets the value of fields[i], -1 when
 * absent. False, with the line marked bad, for a member not in @fields, one given twice,
 * one of the wrong type, or a missing one that is not optional.
 */
static bool members(struct ctx *c, int obj, const struct field *fields, size_t nr, int *vals)
{
	const struct cgf_json *j = &c->j;
	char key[32];
	size_t i;
	int k;

	for (i = 0; i < nr; i++)
		vals[i] = -1;
	for (k = j->toks[obj].children ? obj + 1 : -1; k >= 0; k = j->toks[j->toks[k].next].next) {
		int v = j->toks[k].next;

		if (cgf_json_decode(j, k, key, sizeof(key)) < 0) {
			bad(c, FOREIGN "an unexpected member");
			return false;
		}
		for (i = 0; i < nr && strcmp(fields[i].key, key); i++)
			;
		if (i == nr) {
			bad(c, FOREIGN "an unexpected member \"%s\"", key);
			return false;
		}
		if (vals[i] >= 0) {
			bad(c, FOREIGN "\"%s\" is given twice", key);
			return false;
		}
		if (!valid(c, &fields[i], v))
			return false;
		vals[i] = v;
	}
	for (i = 0; i < nr; i++) {
		if (vals[i] < 0 && !fields[i].optional) {
			bad(c, FOREIGN "no \"%s\"", fields[i].key);
			return false;
		}
	}
	return true;
}

static bool valid_gaps(const struct cgf_json *j, int arr)
{
	uint64_t v;
	int g, k;

	if (j->toks[arr].type != CGF_JSON_ARRAY)
		return false;
	for (g = j->toks[arr].children ? arr + 1 : -1; g >= 0; g = j->toks[g].next) {
		if (j->toks[g].type != CGF_JSON_ARRAY || j->toks[g].children != 2)
			return false;
		for (k = g + 1; k >= 0; k = j->toks[k].next)
			if (!get_uint(j, k, UINT64_MAX, &v))
				return false;
	}
	return true;
}

static bool valid(struct ctx *c, const struct field *f, int tok)
{
	const struct cgf_json *j = &c->j;
	enum cgf_json_type type = j->toks[tok].type;
	int vals[ARRAY_SIZE(container_fields)];
	const char *want = NULL;
	uint64_t v;

	switch (f->type) {
	case F_U32:
		if (!get_uint(j, tok, UINT32_MAX, &v))
			want = "a number from 0 to 4294967295";
		break;
	case F_U64:
		if (!get_uint(j, tok, UINT64_MAX, &v))
			want = "a number from 0 to 18446744073709551615";
		break;
	case F_U64_OR_NULL:
		if (type != CGF_JSON_NULL && !get_uint(j, tok, UINT64_MAX, &v))
			want = "null or a number from 0 to 18446744073709551615";
		break;
	case F_STR:
		if (type != CGF_JSON_STRING)
			want = "a string";
		break;
	case F_STR_OR_NULL:
		if (type != CGF_JSON_STRING && type != CGF_JSON_NULL)
			want = "null or a string";
		break;
	case F_CONTAINER:
		if (type == CGF_JSON_NULL)
			break;
		if (type != CGF_JSON_OBJECT) {
			want = "null or {\"runtime\":...,\"id\":...}";
			break;
		}
		return members(c, tok, container_fields, ARRAY_SIZE(container_fields), vals);
	case F_GAPS:
		if (!valid_gaps(j, tok))
			want = "[[FROM,TO],...]";
		break;
	}
	if (want)
		bad(c, FOREIGN "\"%s\" is not %s", f->key, want);
	return !want;
}

/* The string token @tok, decoded, in a new allocation; NULL with the line marked bad. */
static char *string(struct ctx *c, const char *key, int tok, int *err)
{
	const struct cgf_json_tok *t = &c->j.toks[tok];
	size_t size = t->end - t->start + 1;
	char *s = malloc(size);

	if (!s) {
		*err = -ENOMEM;
		return NULL;
	}
	/* Escapes only shorten the text, so the raw length always has room. */
	if (cgf_json_decode_name(&c->j, tok, s, size) < 0) {
		bad(c, "\"%s\" holds a NUL (\\u0000), which no name can", key);
		free(s);
		return NULL;
	}
	return s;
}

static uint64_t uint_of(const struct ctx *c, int tok)
{
	uint64_t v = 0;

	get_uint(&c->j, tok, UINT64_MAX, &v);
	return v;
}

static uint8_t verdict_of(const char *name)
{
	unsigned int v;

	for (v = 1; v <= UINT8_MAX; v++)
		if (cgf_denial_verdict_name(v) && !strcmp(cgf_denial_verdict_name(v), name))
			return v;
	return 0;
}

static uint8_t kind_of(const char *name)
{
	unsigned int k;

	for (k = 1; k <= UINT8_MAX; k++)
		if (cgf_denial_kind_name(k) && !strcmp(cgf_denial_kind_name(k), name))
			return k;
	return 0;
}

/* Whether operation @op makes records of @kind; *@known says whether it exists at all. */
static bool op_of_kind(const char *op, uint8_t kind, bool *known)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(known_ops); i++) {
		if (!strcmp(known_ops[i].name, op)) {
			*known = true;
			return known_ops[i].kind == kind;
		}
	}
	*known = false;
	return false;
}

/* The strings of a record, in the order of the fields they come from. */
static const int string_keys[] = { D_CGROUP, D_PROFILE, D_OP, D_OBJECT, D_COMM, D_VERDICT,
				   D_KIND };

static int denial_line(struct ctx *c, const int *vals)
{
	char *s[ARRAY_SIZE(string_keys)] = { NULL };
	struct cgf_denial d = { .seq = 0 };
	bool known;
	size_t i;
	int err = 0;

	for (i = 0; i < ARRAY_SIZE(string_keys); i++) {
		s[i] = string(c, denial_fields[string_keys[i]].key, vals[string_keys[i]], &err);
		if (!s[i])
			goto out;
	}
	d.cgroup = s[0];
	d.profile = s[1];
	d.op = s[2];
	d.object = s[3];
	d.comm = s[4];
	d.verdict = verdict_of(s[5]);
	d.kind = kind_of(s[6]);
	if (!d.verdict) {
		bad(c, "an unknown verdict \"%.40s\"", s[5]);
		goto out;
	}
	if (!d.kind) {
		bad(c, "an unknown kind \"%.40s\"", s[6]);
		goto out;
	}
	if (!op_of_kind(d.op, d.kind, &known)) {
		if (known)
			bad(c, "operation \"%s\" does not make %s records", d.op, s[6]);
		else
			bad(c, "an unknown operation \"%.40s\"", d.op);
		goto out;
	}
	d.seq = uint_of(c, vals[D_SEQ]);
	d.time_ns = uint_of(c, vals[D_TIME_NS]);
	d.cgroup_id = uint_of(c, vals[D_CGROUP_ID]);
	d.rule_id = (uint32_t)uint_of(c, vals[D_RULE_ID]);
	d.requested = (uint32_t)uint_of(c, vals[D_REQUESTED]);
	d.denied = (uint32_t)uint_of(c, vals[D_DENIED]);
	d.pid = (uint32_t)uint_of(c, vals[D_PID]);
	d.lost = (uint32_t)uint_of(c, vals[D_LOST]);
	err = cgf_denial_copy(&c->out->rec, &d);
	if (!err)
		c->out->type = CGF_LINE_DENIAL;
out:
	for (i = 0; i < ARRAY_SIZE(s); i++)
		free(s[i]);
	return err;
}

static int lost_line(struct ctx *c, const int *vals)
{
	struct cgf_denial d = { .seq = uint_of(c, vals[L_SEQ]) };
	char *cgroup, *profile = NULL;
	int err = 0;

	cgroup = string(c, "cgroup", vals[L_CGROUP], &err);
	if (cgroup)
		profile = string(c, "profile", vals[L_PROFILE], &err);
	if (profile) {
		d.cgroup = cgroup;
		d.profile = profile;
		d.cgroup_id = uint_of(c, vals[L_CGROUP_ID]);
		d.lost = (uint32_t)uint_of(c, vals[L_COUNT]);
		err = cgf_denial_copy(&c->out->rec, &d);
		if (!err)
			c->out->type = CGF_LINE_LOST;
	}
	free(cgroup);
	free(profile);
	return err;
}

int cgf_denial_line_parse(const char *text, size_t len, struct cgf_denial_line *out)
{
	struct ctx c = { .out = out };
	int vals[FIELDS_MAX], type;
	char name[16];
	int err = 0;

	memset(out, 0, sizeof(*out));
	out->type = CGF_LINE_BAD;
	err = cgf_json_parse(&c.j, text, len);
	if (err == -ENOMEM)
		return err;
	if (err) {
		bad(&c, "not JSON: %s (column %zu)", c.j.err, c.j.err_offset + 1);
		return 0;
	}
	type = cgf_json_member(&c.j, 0, "type");
	if (c.j.toks[0].type != CGF_JSON_OBJECT) {
		bad(&c, FOREIGN "not an object");
	} else if (type < 0 || c.j.toks[type].type != CGF_JSON_STRING ||
		   cgf_json_decode(&c.j, type, name, sizeof(name)) < 0) {
		bad(&c, FOREIGN "no \"type\" of denial, lost or summary");
	} else if (!strcmp(name, "denial")) {
		if (members(&c, 0, denial_fields, D_COUNT, vals))
			err = denial_line(&c, vals);
	} else if (!strcmp(name, "lost")) {
		if (members(&c, 0, lost_fields, L_NR, vals))
			err = lost_line(&c, vals);
	} else if (!strcmp(name, "summary")) {
		if (members(&c, 0, summary_fields, S_NR, vals)) {
			out->type = CGF_LINE_SUMMARY;
			out->missing = uint_of(&c, vals[S_MISSING]);
			out->has_dropped = c.j.toks[vals[S_DROPPED]].type != CGF_JSON_NULL;
			out->dropped = uint_of(&c, vals[S_DROPPED]);
		}
	} else {
		bad(&c, FOREIGN "\"type\" is \"%s\", not denial, lost or summary", name);
	}
	cgf_json_free(&c.j);
	return err;
}
