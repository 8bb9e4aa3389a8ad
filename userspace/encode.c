// SPDX-License-Identifier: GPL-2.0
/* Encoding of parsed profiles into PROFILE_BEGIN and PROFILE_ADD messages, and back to rules. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "cgfence.h"
#include "encode.h"
#include "nl.h"
#include "policy_int.h"

struct nl_msg *cgf_encode_begin(int family, const struct cgf_policy_profile *profile)
{
	struct nl_msg *msg = cgf_genl_msg(family, CGFENCE_CMD_PROFILE_BEGIN, 0, 0);

	if (!msg)
		return NULL;
	if (nla_put_string(msg, CGFENCE_A_PROFILE_NAME, profile->name) ||
	    nla_put_u8(msg, CGFENCE_A_PROFILE_MODE, profile->mode) ||
	    nla_put_u8(msg, CGFENCE_A_PROFILE_FILE_DEFAULT, profile->file_default) ||
	    nla_put_u32(msg, CGFENCE_A_PROFILE_RULE_COUNT, (uint32_t)profile->nr_rules)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static size_t str_size(const char *s)
{
	return s ? (size_t)nla_total_size((int)strlen(s) + 1) : 0;
}

size_t cgf_encode_origin(char *buf, const struct cgf_policy_rule *rule)
{
	char pos[32];
	size_t file_len, pos_len, room;

	buf[0] = '\0';
	if (!rule->src_file || rule->src_line <= 0)
		return 0;
	pos_len = (size_t)snprintf(pos, sizeof(pos), ":%d:%d", rule->src_line,
				   rule->src_col > 0 ? rule->src_col : 1);
	file_len = strlen(rule->src_file);
	room = CGFENCE_MAX_ORIGIN - 1 - pos_len;
	/* The end of a long path names the file: keep that, and say the front is gone. */
	if (file_len > room)
		return (size_t)snprintf(buf, CGFENCE_MAX_ORIGIN, "...%s%s",
					rule->src_file + file_len - (room - 3), pos);
	return (size_t)snprintf(buf, CGFENCE_MAX_ORIGIN, "%s%s", rule->src_file, pos);
}

/* Must agree with cgf_encode_rule() to the byte: messages are allocated to this size. */
size_t cgf_encode_rule_size(const struct cgf_policy_rule *rule)
{
	size_t u32 = nla_total_size(sizeof(uint32_t));
	size_t u8 = nla_total_size(sizeof(uint8_t));
	size_t size = NLA_HDRLEN + u32 + 2 * u8;
	char origin[CGFENCE_MAX_ORIGIN];

	if (cgf_encode_origin(origin, rule))
		size += str_size(origin);

	switch (rule->kind) {
	case CGFENCE_RULE_FILE:
		size += u32 + str_size(rule->path);
		break;
	case CGFENCE_RULE_MOUNT:
		size += u32 + str_size(rule->fstype) + str_size(rule->source) +
			str_size(rule->target);
		if (rule->mount_require)
			size += u32;
		if (rule->mount_forbid)
			size += u32;
		break;
	case CGFENCE_RULE_DEVICE:
		size += 2 * u8 + 2 * u32;
		break;
	case CGFENCE_RULE_KERNEL:
		size += u32;
		break;
	}
	return size;
}

static int put_str(struct nl_msg *msg, int type, const char *s)
{
	return s ? nla_put_string(msg, type, s) : 0;
}

static int put_bits(struct nl_msg *msg, int type, uint32_t bits)
{
	/* Absent means none to the kernel: no need to spend eight bytes on a zero. */
	return bits ? nla_put_u32(msg, type, bits) : 0;
}

/*
 * Fields of other kinds are not sent: the kernel refuses a rule that carries an
 * attribute of another kind, and the parser leaves them zero anyway.
 */
int cgf_encode_rule(struct nl_msg *msg, const struct cgf_policy_rule *rule)
{
	char origin[CGFENCE_MAX_ORIGIN];
	struct nlattr *nest;
	int err;

	nest = nla_nest_start(msg, NLA_F_NESTED | CGFENCE_RULE_A_RULE);
	if (!nest)
		return -NLE_NOMEM;
	err = nla_put_u32(msg, CGFENCE_RULE_A_ID, rule->id) ?:
	      nla_put_u8(msg, CGFENCE_RULE_A_KIND, rule->kind) ?:
	      nla_put_u8(msg, CGFENCE_RULE_A_EFFECT, rule->effect);
	if (err)
		goto cancel;

	switch (rule->kind) {
	case CGFENCE_RULE_FILE:
		err = nla_put_u32(msg, CGFENCE_RULE_A_FILE_PERMS, rule->file_perms) ?:
		      put_str(msg, CGFENCE_RULE_A_FILE_PATH, rule->path);
		break;
	case CGFENCE_RULE_MOUNT:
		err = nla_put_u32(msg, CGFENCE_RULE_A_MOUNT_OPS, rule->mount_ops) ?:
		      put_str(msg, CGFENCE_RULE_A_MOUNT_FSTYPE, rule->fstype) ?:
		      put_str(msg, CGFENCE_RULE_A_MOUNT_SOURCE, rule->source) ?:
		      put_str(msg, CGFENCE_RULE_A_MOUNT_TARGET, rule->target) ?:
		      put_bits(msg, CGFENCE_RULE_A_MOUNT_REQUIRE, rule->mount_require) ?:
		      put_bits(msg, CGFENCE_RULE_A_MOUNT_FORBID, rule->mount_forbid);
		break;
	case CGFENCE_RULE_DEVICE:
		err = nla_put_u8(msg, CGFENCE_RULE_A_DEV_TYPE, rule->dev_type) ?:
		      nla_put_u32(msg, CGFENCE_RULE_A_DEV_MAJOR, rule->dev_major) ?:
		      nla_put_u32(msg, CGFENCE_RULE_A_DEV_MINOR, rule->dev_minor) ?:
		      nla_put_u8(msg, CGFENCE_RULE_A_DEV_ACCESS, rule->dev_access);
		break;
	case CGFENCE_RULE_KERNEL:
		err = nla_put_u32(msg, CGFENCE_RULE_A_KERNEL_OPS, rule->kernel_ops);
		break;
	}
	if (!err && cgf_encode_origin(origin, rule))
		err = nla_put_string(msg, CGFENCE_RULE_A_ORIGIN, origin);
	if (err)
		goto cancel;
	return nla_nest_end(msg, nest);
cancel:
	nla_nest_cancel(msg, nest);
	return err;
}

void cgf_chunk_free(struct cgf_chunk *chunk)
{
	nlmsg_free(chunk->msg);
	free(chunk->offs);
	memset(chunk, 0, sizeof(*chunk));
}

int cgf_encode_chunk(int family, const struct cgf_policy_profile *profile, size_t first,
		     size_t limit, struct cgf_chunk *chunk)
{
	const struct cgf_policy_rule *rules = profile->rules;
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	size_t bytes = 0, count = 0, i, size;

	memset(chunk, 0, sizeof(*chunk));
	if (first >= profile->nr_rules)
		return -EINVAL;
	/* Sizes first, so the message is allocated once and never runs out of room. */
	for (i = first; i < profile->nr_rules; i++) {
		size = cgf_encode_rule_size(&rules[i]);
		if (bytes + size > limit)
			break;
		bytes += size;
		count++;
	}
	if (!count)
		return -E2BIG;

	chunk->offs = calloc(count + 1, sizeof(*chunk->offs));
	chunk->msg = cgf_genl_msg(family, CGFENCE_CMD_PROFILE_ADD, 0, NLA_HDRLEN + bytes);
	if (!chunk->offs || !chunk->msg)
		goto nomem;
	nest = nla_nest_start(chunk->msg, NLA_F_NESTED | CGFENCE_A_RULES);
	if (!nest)
		goto nomem;
	nlh = nlmsg_hdr(chunk->msg);
	for (i = 0; i < count; i++) {
		chunk->offs[i] = nlh->nlmsg_len;
		if (cgf_encode_rule(chunk->msg, &rules[first + i]))
			goto nomem;
	}
	chunk->offs[count] = nlh->nlmsg_len;
	if (nla_nest_end(chunk->msg, nest))
		goto nomem;
	chunk->first = first;
	chunk->count = count;
	return 0;
nomem:
	cgf_chunk_free(chunk);
	return -ENOMEM;
}

long cgf_chunk_rule_at(const struct cgf_chunk *chunk, long offset)
{
	size_t lo = 0, hi = chunk->count, mid;

	if (!chunk->count || offset < (long)chunk->offs[0] ||
	    offset >= (long)chunk->offs[chunk->count])
		return -1;
	/* The last rule that starts at or before @offset. */
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if ((long)chunk->offs[mid] <= offset)
			lo = mid;
		else
			hi = mid;
	}
	return (long)(chunk->first + lo);
}

/* Exact sizes and bounded strings: a reply that disagrees with the uapi header is refused. */
static const struct nla_policy rule_policy[CGFENCE_RULE_A_MAX + 1] = {
	[CGFENCE_RULE_A_ID] = { .type = NLA_U32, .minlen = 4, .maxlen = 4 },
	[CGFENCE_RULE_A_KIND] = { .type = NLA_U8, .minlen = 1, .maxlen = 1 },
	[CGFENCE_RULE_A_EFFECT] = { .type = NLA_U8, .minlen = 1, .maxlen = 1 },
	[CGFENCE_RULE_A_FILE_PERMS] = { .type = NLA_U32, .minlen = 4, .maxlen = 4 },
	[CGFENCE_RULE_A_FILE_PATH] = { .type = NLA_STRING, .maxlen = CGFENCE_MAX_PATTERN },
	[CGFENCE_RULE_A_MOUNT_OPS] = { .type = NLA_U32, .minlen = 4, .maxlen = 4 },
	[CGFENCE_RULE_A_MOUNT_FSTYPE] = { .type = NLA_STRING, .maxlen = CGFENCE_MAX_FSTYPE },
	[CGFENCE_RULE_A_MOUNT_SOURCE] = { .type = NLA_STRING, .maxlen = CGFENCE_MAX_PATTERN },
	[CGFENCE_RULE_A_MOUNT_TARGET] = { .type = NLA_STRING, .maxlen = CGFENCE_MAX_PATTERN },
	[CGFENCE_RULE_A_MOUNT_REQUIRE] = { .type = NLA_U32, .minlen = 4, .maxlen = 4 },
	[CGFENCE_RULE_A_MOUNT_FORBID] = { .type = NLA_U32, .minlen = 4, .maxlen = 4 },
	[CGFENCE_RULE_A_DEV_TYPE] = { .type = NLA_U8, .minlen = 1, .maxlen = 1 },
	[CGFENCE_RULE_A_DEV_MAJOR] = { .type = NLA_U32, .minlen = 4, .maxlen = 4 },
	[CGFENCE_RULE_A_DEV_MINOR] = { .type = NLA_U32, .minlen = 4, .maxlen = 4 },
	[CGFENCE_RULE_A_DEV_ACCESS] = { .type = NLA_U8, .minlen = 1, .maxlen = 1 },
	[CGFENCE_RULE_A_KERNEL_OPS] = { .type = NLA_U32, .minlen = 4, .maxlen = 4 },
	[CGFENCE_RULE_A_ORIGIN] = { .type = NLA_STRING, .maxlen = CGFENCE_MAX_ORIGIN },
};

/* A string attribute copied into @arena; absent gives NULL, unterminated -EBADMSG. */
static int get_str(struct nlattr *attr, struct cgf_arena *arena, const char **out)
{
	const char *s;
	int len;

	*out = NULL;
	if (!attr)
		return 0;
	s = nla_data(attr);
	len = nla_len(attr);
	if (!len || s[len - 1] != '\0' || strlen(s) != (size_t)len - 1)
		return -EBADMSG;
	*out = cgf_arena_strndup(arena, s, (size_t)len - 1);
	return *out ? 0 : -ENOMEM;
}

static uint32_t get_u32_or(struct nlattr *attr, uint32_t none)
{
	return attr ? nla_get_u32(attr) : none;
}

/* "FILE:LINE:COL" from the right: a file name may hold ':' itself. */
static void split_origin(const char *origin, struct cgf_policy_rule *rule,
			 struct cgf_arena *arena)
{
	const char *col = strrchr(origin, ':');
	const char *line = col ? memrchr(origin, ':', (size_t)(col - origin)) : NULL;
	char *end;
	long l, c;

	rule->src_file = origin;
	/* No second colon, or nothing before it: no file name to split off. */
	if (!line || line == origin)
		return;
	l = strtol(line + 1, &end, 10);
	if (end != col || l <= 0 || l > INT32_MAX)
		return;
	c = strtol(col + 1, &end, 10);
	if (*end || c <= 0 || c > INT32_MAX)
		return;
	rule->src_file = cgf_arena_strndup(arena, origin, (size_t)(line - origin)) ?: origin;
	rule->src_line = (int)l;
	rule->src_col = (int)c;
}

int cgf_decode_rule(struct nlattr *nest, struct cgf_policy_rule *rule, struct cgf_arena *arena)
{
	struct nlattr *tb[CGFENCE_RULE_A_MAX + 1];
	const char *origin;
	int err;

	memset(rule, 0, sizeof(*rule));
	if (nla_parse_nested(tb, CGFENCE_RULE_A_MAX, nest, (struct nla_policy *)rule_policy) < 0)
		return -EBADMSG;
	if (!tb[CGFENCE_RULE_A_ID] || !tb[CGFENCE_RULE_A_KIND] || !tb[CGFENCE_RULE_A_EFFECT])
		return -ENODATA;
	rule->id = nla_get_u32(tb[CGFENCE_RULE_A_ID]);
	rule->kind = nla_get_u8(tb[CGFENCE_RULE_A_KIND]);
	rule->effect = nla_get_u8(tb[CGFENCE_RULE_A_EFFECT]);
	switch (rule->kind) {
	case CGFENCE_RULE_FILE:
		if (!tb[CGFENCE_RULE_A_FILE_PERMS] || !tb[CGFENCE_RULE_A_FILE_PATH])
			return -ENODATA;
		rule->file_perms = nla_get_u32(tb[CGFENCE_RULE_A_FILE_PERMS]);
		err = get_str(tb[CGFENCE_RULE_A_FILE_PATH], arena, &rule->path);
		break;
	case CGFENCE_RULE_MOUNT:
		if (!tb[CGFENCE_RULE_A_MOUNT_OPS])
			return -ENODATA;
		rule->mount_ops = nla_get_u32(tb[CGFENCE_RULE_A_MOUNT_OPS]);
		rule->mount_require = get_u32_or(tb[CGFENCE_RULE_A_MOUNT_REQUIRE], 0);
		rule->mount_forbid = get_u32_or(tb[CGFENCE_RULE_A_MOUNT_FORBID], 0);
		err = get_str(tb[CGFENCE_RULE_A_MOUNT_FSTYPE], arena, &rule->fstype) ?:
		      get_str(tb[CGFENCE_RULE_A_MOUNT_SOURCE], arena, &rule->source) ?:
		      get_str(tb[CGFENCE_RULE_A_MOUNT_TARGET], arena, &rule->target);
		break;
	case CGFENCE_RULE_DEVICE:
		if (!tb[CGFENCE_RULE_A_DEV_TYPE] || !tb[CGFENCE_RULE_A_DEV_MAJOR] ||
		    !tb[CGFENCE_RULE_A_DEV_MINOR] || !tb[CGFENCE_RULE_A_DEV_ACCESS])
			return -ENODATA;
		rule->dev_type = nla_get_u8(tb[CGFENCE_RULE_A_DEV_TYPE]);
		rule->dev_major = nla_get_u32(tb[CGFENCE_RULE_A_DEV_MAJOR]);
		rule->dev_minor = nla_get_u32(tb[CGFENCE_RULE_A_DEV_MINOR]);
		rule->dev_access = nla_get_u8(tb[CGFENCE_RULE_A_DEV_ACCESS]);
		err = 0;
		break;
	case CGFENCE_RULE_KERNEL:
		if (!tb[CGFENCE_RULE_A_KERNEL_OPS])
			return -ENODATA;
		rule->kernel_ops = nla_get_u32(tb[CGFENCE_RULE_A_KERNEL_OPS]);
		err = 0;
		break;
	default:
		return -EBADMSG;
	}
	if (!err)
		err = get_str(tb[CGFENCE_RULE_A_ORIGIN], arena, &origin);
	if (!err && origin)
		split_origin(origin, rule, arena);
	return err;
}
