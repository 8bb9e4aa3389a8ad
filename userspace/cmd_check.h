/* SPDX-License-Identifier: GPL-2.0 */
/* The check command: parse policy files as the load command would, without the module. */
#ifndef CGF_CMD_CHECK_H
#define CGF_CMD_CHECK_H

struct cgf_inv;

#define CGF_CMD_CHECK_HELP \
	"Parses each policy FILE and every file it includes, and checks each rule the\n" \
	"way the module will, without needing the module. Prints one line per profile:\n" \
	"  FILE: ok: profile NAME, N rules (F file, M mount, D device)\n" \
	"or the first error of each file on stderr, as FILE:LINE:COL: error: WHAT.\n" \
	"With --json, one JSON object per profile, one per line.\n" \
	"FILE '-' reads standard input. Includes are looked up in the including file's\n" \
	"directory, then in each directory of $CGFENCE_POLICY_PATH, then in\n" \
	"/usr/share/cgfence/policy. The language is described in policy/README.md."

int cgf_cmd_check(const struct cgf_inv *inv);

#endif /* CGF_CMD_CHECK_H */
