/* SPDX-License-Identifier: GPL-2.0 */
/* Denial records: parsing the module's CGFENCE_CMD_DENIAL messages, filtering, rendering. */
#ifndef CGF_DENIALS_H
#define CGF_DENIALS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <netlink/netlink.h>

/*
 * One record as the module sent it. The strings point into @strings once
 * cgf_denial_parse() or cgf_denial_copy() filled the record; a record built by hand
 * (the unit tests' fixtures) may point anywhere and leave @strings NULL.
 */
struct cgf_denial {
	uint64_t seq;			/* from 1, in the order the module recorded them */
	uint64_t time_ns;		/* CLOCK_REALTIME */
	uint64_t cgroup_id;
	const char *cgroup;		/* the container, from the cgroup root: "/web" */
	const char *profile;
	uint32_t rule_id;		/* 0: no rule (the default, or no allow rule) */
	const char *op;			/* "open", "device_open", "mount", ... */
	uint8_t kind;			/* enum cgfence_denial_kind */
	const char *object;		/* path, kind ("pipe:"), "c MAJ:MIN", mount target, "" */
	uint32_t requested;
	uint32_t denied;
	uint32_t pid;
	const char *comm;
	uint8_t verdict;		/* enum cgfence_verdict */
	uint32_t lost;			/* this container's records dropped just before this one */
	uint64_t generation;		/* of the profile when it decided; 0 from older modules */
	/* Where rule_id was written, "FILE:LINE:COL", as the reader looked it up; or NULL. */
	const char *origin;
	char *strings;
};

/*
 * Fills @d from one CGFENCE_CMD_DENIAL message (a dump reply or a multicast). Returns 0,
 * -EPROTO for another command, -EBADMSG for a malformed message, -ENODATA when an
 * attribute is missing, -ENOMEM. Release @d with cgf_denial_release().
 */
int cgf_denial_parse(struct nlmsghdr *nlh, struct cgf_denial *d);
/* A copy of @src that owns its strings: 0 or -ENOMEM. */
int cgf_denial_copy(struct cgf_denial *dst, const struct cgf_denial *src);
void cgf_denial_release(struct cgf_denial *d);

/* "denied", "would-deny"; "file", "mount", "device", "cgroup". NULL when unknown. */
const char *cgf_denial_verdict_name(uint8_t verdict);
const char *cgf_denial_kind_name(uint8_t kind);

/*
 * @bits as the policy language writes them for records of @kind: file permission
 * letters ("rw"), mount operation names ("bind,move"), device access letters ("rwm");
 * "-" for none, "0x..." for a kind this tool does not know. Returns @buf.
 */
char *cgf_denial_bits_text(char *buf, size_t len, uint8_t kind, uint32_t bits);

/* ISO 8601 in UTC with milliseconds: "2024-05-01T12:34:56.789Z". Returns @buf. */
char *cgf_denial_time_text(char *buf, size_t len, uint64_t time_ns);

/*
 * One line per record, fields as key=value. In values a space, a backslash and control
 * characters are escaped (\x20, \\, \xNN), so a line splits on spaces:
 *   TIME seq=N VERDICT cgroup=PATH [container=RUNTIME:ID] profile=NAME rule=ID
 *     [origin=FILE:LINE:COL] op=OP object=OBJ requested=BITS denied=BITS pid=PID comm=COMM
 * JSON: one object per line, {"type":"denial",...} with every field.
 */
void cgf_denial_render_plain(FILE *f, const struct cgf_denial *d);
void cgf_denial_render_json(FILE *f, const struct cgf_denial *d);

/*
 * The note printed before a record whose lost count is not zero:
 *   # N records of CONTAINER were dropped here (rate limit)
 *   {"type":"lost","seq":SEQ,"cgroup":...,"cgroup_id":...,"profile":...,"count":N}
 */
void cgf_denial_render_lost(FILE *f, bool json, const struct cgf_denial *d);

/* Which records to show: all of them when both are NULL. */
struct cgf_denial_filter {
	const char *container;		/* as cgf_denial_container_arg() wrote it */
	const char *profile;
};

/*
 * A container as the user named it, as the module names it: a path below @mount (the
 * cgroup2 mount) loses that prefix, any other gets a leading '/', a trailing '/' goes.
 * Returns 0, or -ENAMETOOLONG.
 */
int cgf_denial_container_arg(const char *mount, const char *arg, char *buf, size_t len);

/* Whether @d is of the container (or one below it) and of the profile the filter names. */
bool cgf_denial_match(const struct cgf_denial_filter *filter, const struct cgf_denial *d);

/* Gaps in the seq numbers a reader saw, kept this many at most (all are counted). */
#define CGF_DENIAL_GAPS_MAX	8

/*
 * What a reader has shown so far: dumps and multicast records are fed in as they come,
 * records already shown are skipped, and a seq that jumps ahead is a gap (records
 * overwritten in the ring before they were read).
 */
struct cgf_denial_view {
	FILE *out;
	bool json;
	struct cgf_denial_filter filter;
	uint64_t next_seq;		/* records below it were seen already */
	uint64_t seen;			/* records fed, filtered out or not */
	uint64_t shown;
	uint64_t missing;
	struct {
		uint64_t from, to;
	} gaps[CGF_DENIAL_GAPS_MAX];
	size_t nr_gaps;
};

/* A view of the records from @since (0 and 1: from the first) on, printed to @out. */
void cgf_denial_view_init(struct cgf_denial_view *v, FILE *out, bool json,
			  const struct cgf_denial_filter *filter, uint64_t since);

/* Returns 1 when @d was printed, 0 when the filter left it out, -1 when seen before. */
int cgf_denial_view_feed(struct cgf_denial_view *v, const struct cgf_denial *d);

/*
 * The closing lines, only for what is not zero: the module's count of dropped records
 * (@module_lost, when @have_lost) and the gaps this view saw.
 *   # N records were dropped by the module since it was loaded (rate limit)
 *   # seq A..B missing (N records): not in the ring any more when read
 *   {"type":"summary","dropped":N,"missing":N,"gaps":[[A,B],...]}
 */
void cgf_denial_view_summary(const struct cgf_denial_view *v, bool have_lost,
			     uint64_t module_lost);

#endif /* CGF_DENIALS_H */
