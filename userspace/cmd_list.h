/* SPDX-License-Identifier: GPL-2.0 */
/* Rendering of the list and show commands: the module's profiles and attachments. */
#ifndef CGF_CMD_LIST_H
#define CGF_CMD_LIST_H

#include <stdio.h>

#include "client.h"

/*
 * list: profiles then attachments. Plain text is two tables under a header line each
 * ("no profiles loaded" / "no cgroups attached" when empty); JSON is one object per
 * line, "type" telling which.
 */
void cgf_list_render_plain(FILE *f, const struct cgf_listing *listing);
void cgf_list_render_json(FILE *f, const struct cgf_listing *listing);

/*
 * show: one profile, the cgroups in @listing attached to it, and every rule in @rules
 * with its id, kind, text and origin ("# FILE:LINE:COL" in plain text).
 */
void cgf_show_render_plain(FILE *f, const struct cgf_profile_row *profile,
			   const struct cgf_listing *listing, const struct cgf_rule_listing *rules);
void cgf_show_render_json(FILE *f, const struct cgf_profile_row *profile,
			  const struct cgf_listing *listing, const struct cgf_rule_listing *rules);

#endif /* CGF_CMD_LIST_H */
