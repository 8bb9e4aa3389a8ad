/* SPDX-License-Identifier: GPL-2.0 */
/* cgfence learn --from: the denial records of streams that 'cgfence denials --json' saved. */
#ifndef CGF_LEARN_FROM_H
#define CGF_LEARN_FROM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "denials.h"

/* Skipped lines reported one by one; the rest are only counted. */
#define CGF_STREAM_SHOWN	5

struct cgf_stream {
	/*
	 * The records of every stream read, each owning its strings. A lost note whose
	 * record is not in its stream (a line cut or damaged) is kept as a record with
	 * verdict 0 that only carries the count, as cgf_learn_write() takes it.
	 */
	struct cgf_denial *recs;
	size_t n, cap;
	FILE *err;		/* "PREFIX: FILE:LINE: skipped: WHY" for the first few */
	const char *prefix;
	size_t lines, skipped, duplicates;
	uint64_t missing;	/* records the summary lines say the recording missed */
};

void cgf_stream_init(struct cgf_stream *s, FILE *err, const char *prefix);

/*
 * Reads every line of @in, named @name in the reports. A line that is not one of
 * 'cgfence denials --json' is skipped and counted, the first CGF_STREAM_SHOWN of all
 * streams reported. Returns 0, or a negative errno when @in cannot be read (reported by
 * the caller: nothing is printed) or memory ran out.
 */
int cgf_stream_read(struct cgf_stream *s, FILE *in, const char *name);

/*
 * Puts the records in one order whatever the order of the streams and drops a record
 * saved in more than one of them (counted in @duplicates): two saves of the same ring.
 */
void cgf_stream_finish(struct cgf_stream *s);

void cgf_stream_free(struct cgf_stream *s);

/*
 * --container ARG against the records instead of the module: ARG as a cgroup path
 * (cgf_denial_container_arg() of @mount) when some record is at or below it; else, when
 * ARG could be a container id, the cgroup of the one container of the records whose id
 * starts with it. Returns 0 with @buf set, -ENAMETOOLONG, or -EEXIST when several
 * containers match (@buf then lists them, one "RUNTIME ID CGROUP" a line).
 */
int cgf_stream_container(const struct cgf_stream *s, const char *mount, const char *arg,
			 char *buf, size_t len);

#endif /* CGF_LEARN_FROM_H */
