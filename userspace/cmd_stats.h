/* SPDX-License-Identifier: GPL-2.0 */
/* The stats command: what the module counted per profile and per container, for alerting. */
#ifndef CGF_CMD_STATS_H
#define CGF_CMD_STATS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "client.h"

struct cgf_inv;

/* What stats shows: the listing with its counters, and the module's own total of losses. */
struct cgf_stats {
	const struct cgf_listing *listing;
	bool has_lost;
	uint64_t lost;			/* records dropped since load, over all containers */
	bool locked;
};

/*
 * Plain: a table of profiles, then one of attached cgroups: DECISIONS, DENIED (enforced,
 * all kinds), WOULD-DENY (complain mode), DROPPED (records the rate limit did not keep).
 * JSON: one object per line, "type" "profile" or "attachment", the denials by kind.
 * Prometheus: the text exposition format (version 0.0.4), every family with HELP and
 * TYPE, for node-exporter's textfile collector.
 */
void cgf_stats_render_plain(FILE *f, const struct cgf_stats *st);
void cgf_stats_render_json(FILE *f, const struct cgf_stats *st);
void cgf_stats_render_prometheus(FILE *f, const struct cgf_stats *st);

int cgf_cmd_stats(const struct cgf_inv *inv);

#endif /* CGF_CMD_STATS_H */
