/* SPDX-License-Identifier: GPL-2.0 */
/* Reading back the lines 'cgfence denials --json' writes: records, lost notes, summaries. */
#ifndef CGF_DENIAL_JSON_H
#define CGF_DENIAL_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "denials.h"

enum cgf_denial_line_type {
	CGF_LINE_DENIAL,	/* {"type":"denial",...} */
	CGF_LINE_LOST,		/* {"type":"lost",...}: records dropped before the next one */
	CGF_LINE_SUMMARY,	/* {"type":"summary",...}: the end of a dump or of --follow */
	CGF_LINE_BAD,		/* anything else: @why says what is wrong with it */
};

struct cgf_denial_line {
	enum cgf_denial_line_type type;
	/*
	 * DENIAL: the record, owning its strings (cgf_denial_release()). LOST: seq,
	 * cgroup, cgroup_id and profile, the count in @lost, verdict 0.
	 */
	struct cgf_denial rec;
	uint64_t missing;	/* SUMMARY: records not read (seq gaps) */
	uint64_t dropped;	/* SUMMARY: the module's count, when @has_dropped */
	bool has_dropped;
	char why[160];
};

/*
 * Parses one line (@len bytes, without its newline) strictly: exactly the members
 * cgfence denials --json writes, each once and of its type ("container" may be absent:
 * older versions did not write it), a known verdict, kind and operation, and that
 * operation's kind. An escaped U+FFFD in a string (a byte that was not UTF-8) becomes
 * CGF_JSON_UNKNOWN_BYTE. Returns 0 with @out filled, or -ENOMEM.
 */
int cgf_denial_line_parse(const char *text, size_t len, struct cgf_denial_line *out);

#endif /* CGF_DENIAL_JSON_H */
